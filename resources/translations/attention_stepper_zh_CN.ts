<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
    <context>
        <name>ArithmeticView</name>
        <message>
            <location filename="../../gui/arithmetic_view.py" line="73" />
            <source>Point at a cell (or select one and move with the arrow keys): the cells it is computed from light up, and its arithmetic shows here.</source>
            <translation>指向一个单元格（或选中一个后用方向键移动）：算出它的那些单元格会亮起，它的算式显示在这里。</translation>
        </message>
    </context>
    <context>
        <name>BusyIndicator</name>
        <message>
            <location filename="../../gui/step_bar.py" line="302" />
            <source>Computing… the panels show the last result until the new one is ready</source>
            <translation>正在计算……新结果就绪之前，面板显示上一次的结果</translation>
        </message>
    </context>
    <context>
        <name>CompareView</name>
        <message>
            <location filename="../../gui/compare_view.py" line="217" />
            <source>yours: {0}</source>
            <extracomment>The lesson step that computes each dumped array (q, k, v → project; weights → softmax…). The lesson step of the first divergence ("" when everything matches or no dump is open). The person pressed "Open a dump…" (the main window asks for the file).</extracomment>
            <translation>你的：{0}</translation>
        </message>
        <message>
            <location filename="../../gui/compare_view.py" line="217" />
            <source>ours: {0}</source>
            <translation>我们的：{0}</translation>
        </message>
        <message>
            <location filename="../../gui/compare_view.py" line="218" />
            <source>yours − ours</source>
            <translation>你的 − 我们的</translation>
        </message>
        <message>
            <location filename="../../gui/compare_view.py" line="226" />
            <source>Open a dump…</source>
            <translation>打开转储文件…</translation>
        </message>
        <message>
            <location filename="../../gui/compare_view.py" line="227" />
            <source>Compare the intermediates of your own attention code with ours</source>
            <translation>把你自己的注意力代码的中间结果与我们的逐步比较</translation>
        </message>
        <message>
            <location filename="../../gui/compare_view.py" line="228" />
            <source>Step:</source>
            <translation>步骤：</translation>
        </message>
        <message>
            <location filename="../../gui/compare_view.py" line="229" />
            <source>Head:</source>
            <translation>头：</translation>
        </message>
        <message>
            <location filename="../../gui/compare_view.py" line="231" />
            <source>Step</source>
            <translation>步骤</translation>
        </message>
        <message>
            <location filename="../../gui/compare_view.py" line="231" />
            <source>Max abs error</source>
            <translation>最大绝对误差</translation>
        </message>
        <message>
            <location filename="../../gui/compare_view.py" line="231" />
            <source>Max rel error</source>
            <translation>最大相对误差</translation>
        </message>
        <message>
            <location filename="../../gui/compare_view.py" line="231" />
            <source>Worst cell</source>
            <translation>误差最大的单元格</translation>
        </message>
        <message>
            <location filename="../../gui/compare_view.py" line="232" />
            <source>Match</source>
            <translation>一致</translation>
        </message>
        <message>
            <location filename="../../gui/compare_view.py" line="232" />
            <source>Yours / ours there</source>
            <translation>该处：你的 / 我们的</translation>
        </message>
        <message>
            <location filename="../../gui/compare_view.py" line="235" />
            <source>Could not use this dump: {0}</source>
            <translation>无法使用这个转储文件：{0}</translation>
        </message>
        <message>
            <location filename="../../gui/compare_view.py" line="238" />
            <source>Save x, the weights and the intermediates of your own attention code with numpy.savez (q, k, v, scores, weights, output…), then open the file: each step is compared with ours and the known mistakes are tried to explain the first difference.</source>
            <translation>用 numpy.savez 保存 x、权重以及你自己的注意力代码的中间结果（q、k、v、scores、weights、output…），再打开这个文件：每一步都会与我们的结果比较，并逐一尝试已知的错误，找出第一处差异的原因。</translation>
        </message>
        <message>
            <location filename="../../gui/compare_view.py" line="242" />
            <source>{0}: {1} (tolerance {2} + {3}·|ours|)</source>
            <translation>{0}：{1}（容差 {2} + {3}·|我们的|）</translation>
        </message>
        <message>
            <location filename="../../gui/compare_view.py" line="252" />
            <source>All steps match.</source>
            <translation>所有步骤都一致。</translation>
        </message>
        <message>
            <location filename="../../gui/compare_view.py" line="254" />
            <source>First divergence: {0} (the step marked red on the step bar)</source>
            <translation>第一处差异：{0}（步骤栏上标红的那一步）</translation>
        </message>
        <message>
            <location filename="../../gui/compare_view.py" line="270" />
            <source>all heads {0}</source>
            <translation>全部头 {0}</translation>
        </message>
        <message>
            <location filename="../../gui/compare_view.py" line="271" />
            <source>key/value head {0} {1}</source>
            <translation>键/值头 {0} {1}</translation>
        </message>
        <message>
            <location filename="../../gui/compare_view.py" line="271" />
            <source>head {0} {1}</source>
            <translation>头 {0} {1}</translation>
        </message>
        <message>
            <location filename="../../gui/compare_view.py" line="276" />
            <source>{0} tokens</source>
            <translation>{0} 个词</translation>
        </message>
        <message>
            <location filename="../../gui/compare_view.py" line="276" />
            <source>heads {0}</source>
            <translation>头数 {0}</translation>
        </message>
        <message>
            <location filename="../../gui/compare_view.py" line="278" />
            <source>key/value heads {0}</source>
            <translation>键/值头数 {0}</translation>
        </message>
        <message>
            <location filename="../../gui/compare_view.py" line="281" />
            <source>cross-attention ({0} memory tokens)</source>
            <translation>交叉注意力（{0} 个记忆词）</translation>
        </message>
        <message>
            <location filename="../../gui/compare_view.py" line="282" />
            <source>biases</source>
            <translation>偏置</translation>
        </message>
        <message>
            <location filename="../../gui/compare_view.py" line="282" />
            <source>causal</source>
            <translation>因果掩码</translation>
        </message>
        <message>
            <location filename="../../gui/compare_view.py" line="283" />
            <source>window {0}</source>
            <translation>窗口 {0}</translation>
        </message>
        <message>
            <location filename="../../gui/compare_view.py" line="285" />
            <source>unscaled</source>
            <translation>不缩放</translation>
        </message>
        <message>
            <location filename="../../gui/compare_view.py" line="286" />
            <source>scale {0}</source>
            <translation>缩放 {0}</translation>
        </message>
        <message>
            <location filename="../../gui/compare_view.py" line="289" />
            <source>, </source>
            <translation>，</translation>
        </message>
    </context>
    <context>
        <name>ControlsPanel</name>
        <message>
            <location filename="../../gui/controls.py" line="383" />
            <source>&amp;Sentence</source>
            <translation>句子(&amp;S)</translation>
        </message>
        <message>
            <location filename="../../gui/controls.py" line="384" />
            <source>&amp;Tokens</source>
            <translation>分词(&amp;T)</translation>
        </message>
        <message>
            <location filename="../../gui/controls.py" line="385" />
            <source>&amp;Heads h</source>
            <translation>头数 h(&amp;H)</translation>
        </message>
        <message>
            <location filename="../../gui/controls.py" line="389" />
            <source>S&amp;eed</source>
            <translation>随机种子(&amp;E)</translation>
        </message>
        <message>
            <location filename="../../gui/controls.py" line="391" />
            <source>Number of attention heads h. Each head has its own W_Q, W_K and W_V (default {0}).</source>
            <translation>注意力头的个数 h。每个头都有自己的 W_Q、W_K 和 W_V（默认 {0}）。</translation>
        </message>
        <message>
            <location filename="../../gui/controls.py" line="393" />
            <source>Width of each word vector: the columns of X and of the output (default {0}).</source>
            <translation>每个词向量的维度：X 和输出的列数（默认 {0}）。</translation>
        </message>
        <message>
            <location filename="../../gui/controls.py" line="395" />
            <source>Width of queries and keys; the scores are divided by √d_k (default {0}). Free: not tied to d_model / h.</source>
            <translation>查询和键的维度；得分要除以 √d_k（默认 {0}）。可以自由设置，不必等于 d_model / h。</translation>
        </message>
        <message>
            <location filename="../../gui/controls.py" line="397" />
            <source>Seed of the random word vectors and weights: same seed, same numbers.</source>
            <translation>随机词向量和权重的种子：种子相同，数字就相同。</translation>
        </message>
        <message>
            <location filename="../../gui/controls.py" line="398" />
            <source>Causal mask</source>
            <translation>因果掩码</translation>
        </message>
        <message>
            <location filename="../../gui/controls.py" line="400" />
            <source>Hide later tokens: each token attends only to itself and earlier tokens (as in GPT).</source>
            <translation>遮住后面的词：每个词只能关注它自己和它前面的词（GPT 就是这样）。</translation>
        </message>
        <message>
            <location filename="../../gui/controls.py" line="401" />
            <source>Positional encoding</source>
            <translation>位置编码</translation>
        </message>
        <message>
            <location filename="../../gui/controls.py" line="403" />
            <source>Add the sinusoidal position pattern to X, so that word order matters.</source>
            <translation>给 X 加上正弦位置编码，让词的顺序产生影响。</translation>
        </message>
        <message>
            <location filename="../../gui/controls.py" line="404" />
            <source>Skip the ÷√d_k scaling</source>
            <translation>跳过 ÷√d_k 缩放</translation>
        </message>
        <message>
            <location filename="../../gui/controls.py" line="406" />
            <source>An experiment: leave the scores unscaled and watch softmax saturate as d_k grows (see the scaling lab). Export records it in the manifest.</source>
            <translation>一个小实验：不缩放得分，看 d_k 变大时 softmax 怎样饱和（见“缩放实验室”）。导出时会记录在 manifest.json 里。</translation>
        </message>
    </context>
    <context>
        <name>DecodeView</name>
        <message>
            <location filename="../../gui/decode_view.py" line="174" />
            <source>Decoding caches the keys and values of the tokens generated so far, so it needs self-attention: with a memory (cross-attention) the keys and values come from the memory, computed once. Leave out the memory sentence to see generation.</source>
            <translation>逐词生成时缓存的是已经生成的词的键和值，所以它需要自注意力；有记忆句子（交叉注意力）时，键和值来自记忆，只算一次。去掉记忆句子，就能看到生成过程。</translation>
        </message>
        <message>
            <location filename="../../gui/decode_view.py" line="184" />
            <source>generating {0} tokens…</source>
            <translation>正在逐个生成 {0} 个词……</translation>
        </message>
        <message>
            <location filename="../../gui/decode_view.py" line="192" />
            <source>The computation in the Steps tab is not causal, but generation is: a token cannot attend to words not written yet. Each row here is compared with the causal pass of the same sentence and weights.</source>
            <translation>“步骤”页里的计算没有用因果掩码，但生成一定是因果的：一个词不能关注还没写出来的词。这里的每一行都和同一句子、同一组权重的因果计算相比较。</translation>
        </message>
        <message>
            <location filename="../../gui/decode_view.py" line="200" />
            <source>token {0} of {1}: {2}</source>
            <translation>第 {0} 个词（共 {1} 个）：{2}</translation>
        </message>
        <message>
            <location filename="../../gui/decode_view.py" line="215" />
            <source>{0} tokens</source>
            <translation>{0} 个词</translation>
        </message>
        <message>
            <location filename="../../gui/decode_view.py" line="221" />
            <source>kv head {0}</source>
            <translation>键/值头 {0}</translation>
        </message>
        <message>
            <location filename="../../gui/decode_view.py" line="234" />
            <source>the full causal pass</source>
            <translation>完整的因果计算</translation>
        </message>
        <message>
            <location filename="../../gui/decode_view.py" line="243" />
            <source>&lt;b&gt;Step {0} of {1}: the token &lt;i&gt;{2}&lt;/i&gt;&lt;/b&gt; (position {3}). Its embedding x is projected once: q for each of the {4} query heads, k and v for each of the {5} key/value heads.</source>
            <translation>&lt;b&gt;第 {0} 步（共 {1} 步）：词 &lt;i&gt;{2}&lt;/i&gt;&lt;/b&gt;（位置 {3}）。它的词向量 x 只投影一次：{4} 个查询头各得到一个 q，{5} 个键/值头各得到一个 k 和一个 v。</translation>
        </message>
        <message>
            <location filename="../../gui/decode_view.py" line="246" />
            <source>k and v are appended to the cache, one row per key/value head: it now holds {0} tokens. The keys and values of the earlier tokens are read from it, never computed again.</source>
            <translation>k 和 v 追加到缓存里，每个键/值头加一行：缓存里现在有 {0} 个词。前面那些词的键和值直接从缓存里读，不再重新计算。</translation>
        </message>
        <message>
            <location filename="../../gui/decode_view.py" line="250" />
            <source>{0} query heads share {1} key/value heads (grouped-query attention), so the cache holds {1} heads of keys and values, not {0}: it is that much smaller.</source>
            <translation>{0} 个查询头共用 {1} 个键/值头（分组查询注意力），所以缓存里只存 {1} 个头的键和值，而不是 {0} 个：缓存也就小了这么多。</translation>
        </message>
        <message>
            <location filename="../../gui/decode_view.py" line="255" />
            <source>With RoPE, q and k are turned by the angle of position {0}: the token's index in the sequence, which is the number of tokens already in the cache. Counting from 1 instead, or turning every new token as if it were at position 0, is the classic off-by-one of hand-written decoders: the cached keys would no longer be those of the full pass.</source>
            <translation>用了 RoPE 时，q 和 k 按位置 {0} 的角度旋转：位置就是这个词在序列里的下标，也就是缓存里已有的词数。改成从 1 开始数，或者把每个新词都当作位置 0 来旋转，就是手写解码器里经典的“差一”错误：缓存里的键就和完整计算的对不上了。</translation>
        </message>
        <message>
            <location filename="../../gui/decode_view.py" line="259" />
            <source>Only the new query row is computed: per head {0} scores (one per cached token), their softmax weights and the weighted sum of the cached values; W_O then gives this token's output.</source>
            <translation>只计算新查询这一行：每个头 {0} 个得分（缓存里每个词一个）、它们的 softmax 权重，以及缓存中值向量的加权和；再乘上 W_O，就得到这个词的输出。</translation>
        </message>
        <message>
            <location filename="../../gui/decode_view.py" line="263" />
            <source>With the sliding window of {0}, only the last {0} tokens (this one included) are visible; older keys stay in this cache but are masked (a real sliding-window cache drops them).</source>
            <translation>滑动窗口为 {0} 时，只看得见最近的 {0} 个词（包括这个词本身）；更早的键还留在这里的缓存中，但被掩码遮住了（真正的滑动窗口缓存会把它们丢掉）。</translation>
        </message>
        <message>
            <location filename="../../gui/decode_view.py" line="267" />
            <source>This is a padding token: it is cached like the others, but no query attends to it.</source>
            <translation>这是一个填充词：它和别的词一样进了缓存，但没有任何查询会关注它。</translation>
        </message>
        <message>
            <location filename="../../gui/decode_view.py" line="275" />
            <source>&lt;b&gt;Row {0} of the full causal pass&lt;/b&gt;: max |difference| of the weights {1}, of head_output {2}, of the output {3}.</source>
            <translation>&lt;b&gt;完整因果计算的第 {0} 行&lt;/b&gt;：最大 |差值|：权重 {1}，head_output {2}，输出 {3}。</translation>
        </message>
        <message>
            <location filename="../../gui/decode_view.py" line="278" />
            <source>&lt;b&gt;Cache&lt;/b&gt;: {0} tokens × {1} key/value heads × (d_k {2} + d_v {3}) × 8 bytes = {4} bytes, kept from step to step; this step appended {5} bytes.</source>
            <translation>&lt;b&gt;缓存&lt;/b&gt;：{0} 个词 × {1} 个键/值头 × (d_k {2} + d_v {3}) × 8 字节 = {4} 字节，一步步保留下来；这一步追加了 {5} 字节。</translation>
        </message>
        <message>
            <location filename="../../gui/decode_view.py" line="281" />
            <source>&lt;b&gt;Without a cache&lt;/b&gt; this step would compute K and V of all {0} tokens again: {1} bytes of new keys and values instead of {2}.</source>
            <translation>&lt;b&gt;如果没有缓存&lt;/b&gt;，这一步要把全部 {0} 个词的 K 和 V 重新算一遍：新算出的键和值共 {1} 字节，而不是 {2} 字节。</translation>
        </message>
        <message>
            <location filename="../../gui/decode_view.py" line="288" />
            <source>A decoder writes one token at a time. Each new token's query attends to the keys of every token so far; those keys and values never change, so they are kept in the KV cache and only the new token's k and v are computed and appended. One row of scores, weights and output per step, equal to that row of the full causal pass.</source>
            <translation>解码器一次只写一个词。每个新词的查询要关注到目前为止所有词的键；这些键和值不会再变，所以存进 KV 缓存，每一步只计算新词的 k 和 v 并追加进去。每一步只算一行得分、权重和输出，结果和完整因果计算的那一行相同。</translation>
        </message>
        <message>
            <location filename="../../gui/decode_view.py" line="292" />
            <source>First token</source>
            <translation>第一个词</translation>
        </message>
        <message>
            <location filename="../../gui/decode_view.py" line="292" />
            <source>Previous token</source>
            <translation>上一个词</translation>
        </message>
        <message>
            <location filename="../../gui/decode_view.py" line="293" />
            <source>Play / pause: feed the next token automatically</source>
            <translation>播放 / 暂停：自动送入下一个词</translation>
        </message>
        <message>
            <location filename="../../gui/decode_view.py" line="293" />
            <source>Next token</source>
            <translation>下一个词</translation>
        </message>
        <message>
            <location filename="../../gui/decode_view.py" line="294" />
            <source>Last token</source>
            <translation>最后一个词</translation>
        </message>
        <message>
            <location filename="../../gui/decode_view.py" line="294" />
            <source>Seconds per token while playing</source>
            <translation>播放时每个词停留的秒数</translation>
        </message>
        <message>
            <location filename="../../gui/decode_view.py" line="295" />
            <source> s/token</source>
            <translation> 秒/词</translation>
        </message>
        <message>
            <location filename="../../gui/decode_view.py" line="301" />
            <source>&lt;b&gt;The new token&lt;/b&gt;, projected once</source>
            <translation>&lt;b&gt;新词&lt;/b&gt;，只投影一次</translation>
        </message>
        <message>
            <location filename="../../gui/decode_view.py" line="302" />
            <source>&lt;b&gt;The KV cache&lt;/b&gt;, one row per token per key/value head (the outlined row was just appended)</source>
            <translation>&lt;b&gt;KV 缓存&lt;/b&gt;：每个词在每个键/值头里占一行（框出的那一行是刚追加的）</translation>
        </message>
        <message>
            <location filename="../../gui/decode_view.py" line="304" />
            <source>&lt;b&gt;Only the new query row&lt;/b&gt;: its scores, weights and output</source>
            <translation>&lt;b&gt;只算新查询这一行&lt;/b&gt;：它的得分、权重和输出</translation>
        </message>
        <message>
            <location filename="../../gui/decode_view.py" line="305" />
            <source>&lt;b&gt;The full causal pass&lt;/b&gt; (row t outlined): what the rows must equal</source>
            <translation>&lt;b&gt;完整的因果计算&lt;/b&gt;（框出第 t 行）：每一行都应该等于它</translation>
        </message>
    </context>
    <context>
        <name>ErrorDialog</name>
        <message>
            <location filename="../../gui/errors.py" line="24" />
            <source>Something went wrong</source>
            <translation>出错了</translation>
        </message>
        <message>
            <location filename="../../gui/errors.py" line="25" />
            <source>{0}

Your work is still open; you can go on.</source>
            <translation>{0}

你的工作仍然保留着，可以继续。</translation>
        </message>
        <message>
            <location filename="../../gui/errors.py" line="28" />
            <source>Copy details</source>
            <translation>复制详细信息</translation>
        </message>
    </context>
    <context>
        <name>ExplanationPane</name>
        <message>
            <location filename="../../gui/explanation.py" line="33" />
            <source>What the current step computes, with the sizes of the matrices right now</source>
            <translation>当前这一步算的是什么，以及此刻各矩阵的形状</translation>
        </message>
    </context>
    <context>
        <name>Exporter</name>
        <message>
            <location filename="../../gui/exporting.py" line="62" />
            <source>Replace folder?</source>
            <extracomment>Weights were loaded from a file (the Weights, the file's name): the window says which weights are in use. The last message shown to the person (tests read it instead of a dialog).</extracomment>
            <translation>替换文件夹？</translation>
        </message>
        <message>
            <location filename="../../gui/exporting.py" line="63" />
            <source>{0} holds an earlier export. Replace it with this one?</source>
            <translation>{0} 里是之前的一次导出。要用这次的导出替换它吗？</translation>
        </message>
        <message>
            <location filename="../../gui/exporting.py" line="70" />
            <source>Folder (*)</source>
            <translation>文件夹 (*)</translation>
        </message>
        <message>
            <location filename="../../gui/exporting.py" line="80" />
            <source>{0} is not empty and is not an earlier export ({1}); nothing was written. Choose a new or empty folder.</source>
            <translation>{0} 不是空的，也不是之前的导出（{1}），什么都没有写入。请选择一个新的或空的文件夹。</translation>
        </message>
        <message>
            <location filename="../../gui/exporting.py" line="85" />
            <source>{0} is not empty; nothing was written.</source>
            <translation>{0} 不是空的；没有写入任何内容。</translation>
        </message>
        <message>
            <location filename="../../gui/exporting.py" line="92" />
            <source>Could not export to {0}: {1}.</source>
            <translation>无法导出到 {0}：{1}。</translation>
        </message>
        <message>
            <location filename="../../gui/exporting.py" line="94" />
            <source>The unfinished folder {0} could not be removed; delete it yourself.</source>
            <translation>未完成的文件夹 {0} 无法删除，请自行删除。</translation>
        </message>
        <message>
            <location filename="../../gui/exporting.py" line="97" />
            <source>The earlier folder is now {0} and the new export took its name {1}; swap them back by hand.</source>
            <translation>之前的文件夹现在位于 {0}，新的导出占用了它的名字 {1}；请手动把它们换回来。</translation>
        </message>
        <message>
            <location filename="../../gui/exporting.py" line="102" />
            <source>Could not export to {0}: {1}. Nothing was written.</source>
            <translation>无法导出到 {0}:{1}。没有写入任何内容。</translation>
        </message>
        <message>
            <location filename="../../gui/exporting.py" line="106" />
            <source>Exported to {0}</source>
            <translation>已导出到 {0}</translation>
        </message>
        <message>
            <location filename="../../gui/exporting.py" line="120" />
            <source>Export all matrices</source>
            <translation>导出全部矩阵</translation>
        </message>
        <message>
            <location filename="../../gui/exporting.py" line="126" />
            <source>Export this step as CSV</source>
            <translation>把这一步导出为 CSV</translation>
        </message>
        <message>
            <location filename="../../gui/exporting.py" line="134" />
            <source>PNG image (*.png);;SVG vector image (*.svg)</source>
            <translation>PNG 图片 (*.png);;SVG 矢量图 (*.svg)</translation>
        </message>
        <message>
            <location filename="../../gui/exporting.py" line="144" />
            <location filename="../../gui/exporting.py" line="208" />
            <source>Could not save {0}: {1}. Nothing was written.</source>
            <translation>无法保存 {0}:{1}。没有写入任何内容。</translation>
        </message>
        <message>
            <location filename="../../gui/exporting.py" line="154" />
            <source>Save panel as picture</source>
            <translation>把面板存为图片</translation>
        </message>
        <message>
            <location filename="../../gui/exporting.py" line="159" />
            <source>Save step view as picture</source>
            <translation>把整步视图存为图片</translation>
        </message>
        <message>
            <location filename="../../gui/exporting.py" line="169" />
            <source>Open weights</source>
            <translation>打开权重</translation>
        </message>
        <message>
            <location filename="../../gui/exporting.py" line="172" />
            <source>Weights (*.npz)</source>
            <translation>权重 (*.npz)</translation>
        </message>
        <message>
            <location filename="../../gui/exporting.py" line="183" />
            <source>Could not use {0}: {1}</source>
            <translation>无法使用 {0}:{1}</translation>
        </message>
        <message>
            <location filename="../../gui/exporting.py" line="187" />
            <source>Using the weights from {0}</source>
            <translation>正在使用 {0} 中的权重</translation>
        </message>
        <message>
            <location filename="../../gui/exporting.py" line="193" />
            <source>Save weights</source>
            <translation>保存权重</translation>
        </message>
        <message>
            <location filename="../../gui/exporting.py" line="194" />
            <source>Attention Stepper weights (*.npz)</source>
            <translation>Attention Stepper 权重 (*.npz)</translation>
        </message>
        <message>
            <location filename="../../gui/exporting.py" line="194" />
            <source>PyTorch MultiheadAttention layout (*.npz)</source>
            <translation>PyTorch MultiheadAttention 格式 (*.npz)</translation>
        </message>
        <message>
            <location filename="../../gui/exporting.py" line="221" />
            <source>Copied {0} to the clipboard</source>
            <translation>已把 {0} 复制到剪贴板</translation>
        </message>
    </context>
    <context>
        <name>HeadSelector</name>
        <message>
            <location filename="../../gui/step_bar.py" line="260" />
            <source>Show all heads side by side, or one head large</source>
            <translation>并排显示所有头，或者放大显示一个头</translation>
        </message>
        <message>
            <location filename="../../gui/step_bar.py" line="271" />
            <source>All heads</source>
            <translation>全部头</translation>
        </message>
        <message>
            <location filename="../../gui/step_bar.py" line="275" />
            <source>Head {0}</source>
            <translation>第 {0} 个头</translation>
        </message>
    </context>
    <context>
        <name>HeadStatisticsView</name>
        <message>
            <location filename="../../gui/head_stats.py" line="156" />
            <source>{0} (K/V {1})</source>
            <translation>{0}（K/V {1}）</translation>
        </message>
        <message>
            <location filename="../../gui/head_stats.py" line="165" />
            <source>Cross-attention: the keys are another sentence's tokens, so no distance between a query and a key exists.</source>
            <translation>交叉注意力：键来自另一个句子的词，所以查询和键之间没有距离可言。</translation>
        </message>
        <message>
            <location filename="../../gui/head_stats.py" line="174" />
            <source>Query heads sharing a key/value head (K/V in the table) compare their own queries with the same keys.</source>
            <translation>共享同一个键/值头（表中的 K/V）的查询头，用各自的查询去比较同一组键。</translation>
        </message>
        <message>
            <location filename="../../gui/head_stats.py" line="177" />
            <source>Cross-attention: the columns are the memory sentence's tokens; a distance between the two sentences means nothing, so it is left out (—).</source>
            <translation>交叉注意力：各列是记忆句子的词；两个句子之间的距离没有意义，所以不计算（—）。</translation>
        </message>
        <message>
            <location filename="../../gui/head_stats.py" line="180" />
            <source>NaN: in {0} some scores overflowed, so softmax gave NaN (see the hatched cells on the steps).</source>
            <translation>NaN：在 {0} 下有些得分溢出了，softmax 因此得到 NaN（见各步骤里带斜线的格子）。</translation>
        </message>
        <message>
            <location filename="../../gui/head_stats.py" line="187" />
            <source>Every head's attention weights side by side: heads with their own W matrices look at the sentence differently. Low entropy means a head focuses on few tokens; the distance says how far away (in tokens) a query looks on average.</source>
            <translation>并排显示每个头的注意力权重：各个头有自己的 W 矩阵，看句子的方式也不同。熵低表示这个头只关注少数几个词；距离表示一个查询平均往多远（以词计）的地方看。</translation>
        </message>
        <message>
            <location filename="../../gui/head_stats.py" line="191" />
            <source>Head</source>
            <translation>头</translation>
        </message>
        <message>
            <location filename="../../gui/head_stats.py" line="191" />
            <source>Mean entropy (nats)</source>
            <translation>平均熵（奈特）</translation>
        </message>
        <message>
            <location filename="../../gui/head_stats.py" line="191" />
            <source>Mean distance (tokens)</source>
            <translation>平均距离（词）</translation>
        </message>
        <message>
            <location filename="../../gui/head_stats.py" line="192" />
            <source>Most attended token, per query</source>
            <translation>每个查询最关注的词</translation>
        </message>
    </context>
    <context>
        <name>HowToReadWindow</name>
        <message>
            <location filename="../../gui/help_window.py" line="43" />
            <source>How to read this</source>
            <extracomment>The page of each language; a language without its own page shows the English one.</extracomment>
            <translation>怎么看这些图</translation>
        </message>
    </context>
    <context>
        <name>KvHeadsChoice</name>
        <message>
            <location filename="../../gui/variant_controls.py" line="145" />
            <source>Fewer key/value heads than query heads: neighbouring query heads share one K and V (grouped-query attention, as Llama 2 70B, Llama 3, Qwen, Mistral); 1 is multi-query attention. It must divide the number of heads.</source>
            <translation>键/值头比查询头少：相邻的几个查询头共用一组 K 和 V（分组查询注意力，Llama 2 70B、Llama 3、Qwen、Mistral 都这样做）；只有 1 个时就是多查询注意力。它必须能整除头数。</translation>
        </message>
        <message>
            <location filename="../../gui/variant_controls.py" line="161" />
            <source>{0} (= heads)</source>
            <translation>{0}（= 头数）</translation>
        </message>
        <message>
            <location filename="../../gui/variant_controls.py" line="163" />
            <source>1 (multi-query)</source>
            <translation>1（多查询）</translation>
        </message>
        <message>
            <location filename="../../gui/variant_controls.py" line="165" />
            <source>{0} (grouped, {1} query heads each)</source>
            <translation>{0}（分组，每组 {1} 个查询头）</translation>
        </message>
    </context>
    <context>
        <name>MainWindow</name>
        <message>
            <location filename="../../gui/main_window.py" line="219" />
            <source>Attention Stepper</source>
            <extracomment>Each tab's page by the name the screenshot command's --tab gives it (cli.SCREENSHOT_TABS).</extracomment>
            <translation>注意力分步演示（Attention Stepper）</translation>
        </message>
        <message>
            <location filename="../../gui/main_window.py" line="221" />
            <source>&amp;Export all matrices…</source>
            <translation>导出全部矩阵(&amp;E)…</translation>
        </message>
        <message>
            <location filename="../../gui/main_window.py" line="222" />
            <source>Write every matrix as CSV, with manifest.json and weights.npz</source>
            <translation>把每个矩阵写成 CSV，并附带 manifest.json 和 weights.npz</translation>
        </message>
        <message>
            <location filename="../../gui/main_window.py" line="223" />
            <source>Export this &amp;step as CSV…</source>
            <translation>把这一步导出为 CSV(&amp;S)…</translation>
        </message>
        <message>
            <location filename="../../gui/main_window.py" line="224" />
            <source>Write the matrices of the current step as CSV files</source>
            <translation>把当前这一步的矩阵写成 CSV 文件</translation>
        </message>
        <message>
            <location filename="../../gui/main_window.py" line="225" />
            <source>Save panel as &amp;picture (PNG, SVG)…</source>
            <translation>把面板存为图片（PNG、SVG）(&amp;P)…</translation>
        </message>
        <message>
            <location filename="../../gui/main_window.py" line="226" />
            <source>Save the selected panel (click a cell to select it) as PNG or SVG</source>
            <translation>把选中的面板（点击单元格即可选中）存为 PNG 或 SVG</translation>
        </message>
        <message>
            <location filename="../../gui/main_window.py" line="227" />
            <source>Save step &amp;view as picture (PNG, SVG)…</source>
            <translation>把整步视图存为图片（PNG、SVG）(&amp;V)…</translation>
        </message>
        <message>
            <location filename="../../gui/main_window.py" line="228" />
            <source>Save all panels of the current step as PNG or SVG</source>
            <translation>把当前这一步的所有面板存为 PNG 或 SVG</translation>
        </message>
        <message>
            <location filename="../../gui/main_window.py" line="229" />
            <source>&amp;Copy matrix</source>
            <translation>复制矩阵(&amp;C)</translation>
        </message>
        <message>
            <location filename="../../gui/main_window.py" line="230" />
            <source>Copy the selected matrix as tab-separated text for a spreadsheet</source>
            <translation>把选中的矩阵复制为制表符分隔的文本，可直接粘贴到电子表格</translation>
        </message>
        <message>
            <location filename="../../gui/main_window.py" line="231" />
            <source>&amp;Quit</source>
            <translation>退出(&amp;Q)</translation>
        </message>
        <message>
            <location filename="../../gui/main_window.py" line="231" />
            <source>Quit Attention Stepper</source>
            <translation>退出本程序</translation>
        </message>
        <message>
            <location filename="../../gui/main_window.py" line="232" />
            <source>&amp;Open weights…</source>
            <translation>打开权重(&amp;O)…</translation>
        </message>
        <message>
            <location filename="../../gui/main_window.py" line="233" />
            <source>Use W_Q, W_K, W_V and W_O from an .npz file (ours, or PyTorch's MultiheadAttention layout)</source>
            <translation>使用 .npz 文件里的 W_Q、W_K、W_V 和 W_O（本程序的格式，或 PyTorch MultiheadAttention 的格式）</translation>
        </message>
        <message>
            <location filename="../../gui/main_window.py" line="234" />
            <source>Save &amp;weights…</source>
            <translation>保存权重(&amp;W)…</translation>
        </message>
        <message>
            <location filename="../../gui/main_window.py" line="235" />
            <source>Save the current weights as .npz, in our layout or PyTorch's (needs d_k = d_v = d_model / h)</source>
            <translation>把当前权重存为 .npz，可选本程序的格式或 PyTorch 的格式（后者要求 d_k = d_v = d_model / h）</translation>
        </message>
        <message>
            <location filename="../../gui/main_window.py" line="236" />
            <source>&amp;Reset to random weights</source>
            <translation>重置为随机权重(&amp;R)</translation>
        </message>
        <message>
            <location filename="../../gui/main_window.py" line="237" />
            <source>Go back to the seeded random weights (from a real model: of the same sizes)</source>
            <translation>回到由种子生成的随机权重（从真实模型回来时保持同样的尺寸）</translation>
        </message>
        <message>
            <location filename="../../gui/main_window.py" line="238" />
            <source>&amp;Open session…</source>
            <translation>打开会话(&amp;O)…</translation>
        </message>
        <message>
            <location filename="../../gui/main_window.py" line="239" />
            <source>Open a saved session: sentence, parameters, weights and edited cells</source>
            <translation>打开保存过的会话：句子、参数、权重和改过的单元格</translation>
        </message>
        <message>
            <location filename="../../gui/main_window.py" line="240" />
            <source>&amp;Save session…</source>
            <translation>保存会话(&amp;S)…</translation>
        </message>
        <message>
            <location filename="../../gui/main_window.py" line="241" />
            <source>Save the sentence, every parameter, the weights and edited cells in one file</source>
            <translation>把句子、所有参数、权重和改过的单元格保存到一个文件里</translation>
        </message>
        <message>
            <location filename="../../gui/main_window.py" line="242" />
            <source>&amp;Compare with my implementation…</source>
            <translation>与我的实现比较(&amp;C)…</translation>
        </message>
        <message>
            <location filename="../../gui/main_window.py" line="243" />
            <source>Open a dump of your own attention code's x, weights and intermediates and see where it differs</source>
            <translation>打开你自己的注意力代码保存的 x、权重和中间结果，看看哪里不同</translation>
        </message>
        <message>
            <location filename="../../gui/main_window.py" line="244" />
            <source>&amp;Reset edited cells</source>
            <translation>还原改过的单元格(&amp;R)</translation>
        </message>
        <message>
            <location filename="../../gui/main_window.py" line="245" />
            <source>Return every cell you typed over (outlined in orange) to its value</source>
            <translation>把你改过的每个单元格（橙色框出）恢复原值</translation>
        </message>
        <message>
            <location filename="../../gui/main_window.py" line="246" />
            <source>&amp;Next step</source>
            <translation>下一步(&amp;N)</translation>
        </message>
        <message>
            <location filename="../../gui/main_window.py" line="247" />
            <source>&amp;Previous step</source>
            <translation>上一步(&amp;P)</translation>
        </message>
        <message>
            <location filename="../../gui/main_window.py" line="248" />
            <source>&amp;First step</source>
            <translation>第一步(&amp;F)</translation>
        </message>
        <message>
            <location filename="../../gui/main_window.py" line="249" />
            <source>&amp;Last step</source>
            <translation>最后一步(&amp;L)</translation>
        </message>
        <message>
            <location filename="../../gui/main_window.py" line="250" />
            <source>Play / &amp;pause</source>
            <translation>播放 / 暂停(&amp;P)</translation>
        </message>
        <message>
            <location filename="../../gui/main_window.py" line="251" />
            <source>&amp;All heads</source>
            <translation>全部头(&amp;A)</translation>
        </message>
        <message>
            <location filename="../../gui/main_window.py" line="251" />
            <source>Show every head side by side</source>
            <translation>并排显示每一个头</translation>
        </message>
        <message>
            <location filename="../../gui/main_window.py" line="252" />
            <source>&amp;How to read this</source>
            <translation>怎么看这些图(&amp;H)</translation>
        </message>
        <message>
            <location filename="../../gui/main_window.py" line="253" />
            <source>&amp;Guided tour</source>
            <translation>导览(&amp;G)</translation>
        </message>
        <message>
            <location filename="../../gui/main_window.py" line="254" />
            <source>Follow the word 爱 through every step, with the panel and the control each step is about</source>
            <translation>跟着“爱”这个词走完每一步，并指出每一步要看的面板和可以试的控件</translation>
        </message>
        <message>
            <location filename="../../gui/main_window.py" line="255" />
            <source>&amp;About Attention Stepper</source>
            <translation>关于本程序(&amp;A)</translation>
        </message>
        <message>
            <location filename="../../gui/main_window.py" line="261" />
            <source>Steps</source>
            <translation>分步</translation>
        </message>
        <message>
            <location filename="../../gui/main_window.py" line="262" />
            <source>A token's journey</source>
            <translation>一个词的旅程</translation>
        </message>
        <message>
            <location filename="../../gui/main_window.py" line="263" />
            <source>Head statistics</source>
            <translation>各头统计</translation>
        </message>
        <message>
            <location filename="../../gui/main_window.py" line="264" />
            <source>Scaling lab: why √d_k</source>
            <translation>缩放实验室：为什么除以 √d_k</translation>
        </message>
        <message>
            <location filename="../../gui/main_window.py" line="265" />
            <source>Compare</source>
            <translation>比较</translation>
        </message>
        <message>
            <location filename="../../gui/main_window.py" line="266" />
            <source>Walk through the computation one step at a time</source>
            <translation>一步一步地走完整个计算</translation>
        </message>
        <message>
            <location filename="../../gui/main_window.py" line="267" />
            <source>One token through one head: dot products, softmax, weighted sum</source>
            <translation>跟着一个词走过一个头：点积、softmax、加权求和</translation>
        </message>
        <message>
            <location filename="../../gui/main_window.py" line="268" />
            <source>Compare all heads: their attention, entropy and distance</source>
            <translation>比较所有的头：注意力、熵和距离</translation>
        </message>
        <message>
            <location filename="../../gui/main_window.py" line="269" />
            <source>Entropy and largest weight against d_k, with and without scaling</source>
            <translation>有缩放和没缩放时，熵和最大权重随 d_k 的变化</translation>
        </message>
        <message>
            <location filename="../../gui/main_window.py" line="270" />
            <source>Your own implementation's matrices next to ours, and what went wrong</source>
            <translation>你自己实现的矩阵与我们的并排显示，并指出哪里出了错</translation>
        </message>
        <message>
            <location filename="../../gui/main_window.py" line="272" />
            <source>Online softmax (FlashAttention)</source>
            <translation>在线 softmax（FlashAttention）</translation>
        </message>
        <message>
            <location filename="../../gui/main_window.py" line="273" />
            <source>One head computed tile by tile with a running max and sum: the same numbers without ever holding the n × n scores</source>
            <translation>一个头按块计算，边算边更新最大值和总和：结果完全相同，却从不需要存下整个 n × n 的得分矩阵</translation>
        </message>
        <message>
            <location filename="../../gui/main_window.py" line="275" />
            <source>Generate (KV cache)</source>
            <translation>逐词生成（KV 缓存）</translation>
        </message>
        <message>
            <location filename="../../gui/main_window.py" line="276" />
            <source>The sentence generated one token at a time: keys and values cached, one new row of attention per step</source>
            <translation>一次生成一个词：缓存键和值，每一步只算一行新的注意力</translation>
        </message>
        <message>
            <location filename="../../gui/main_window.py" line="280" />
            <source>&amp;File</source>
            <translation>文件(&amp;F)</translation>
        </message>
        <message>
            <location filename="../../gui/main_window.py" line="281" />
            <source>Recent &amp;sessions</source>
            <translation>最近的会话(&amp;S)</translation>
        </message>
        <message>
            <location filename="../../gui/main_window.py" line="283" />
            <source>&amp;Edit</source>
            <translation>编辑(&amp;E)</translation>
        </message>
        <message>
            <location filename="../../gui/main_window.py" line="284" />
            <source>&amp;Step</source>
            <translation>步骤(&amp;S)</translation>
        </message>
        <message>
            <location filename="../../gui/main_window.py" line="285" />
            <source>&amp;View</source>
            <translation>视图(&amp;V)</translation>
        </message>
        <message>
            <location filename="../../gui/main_window.py" line="286" />
            <source>&amp;Language</source>
            <translation>语言(&amp;L)</translation>
        </message>
        <message>
            <location filename="../../gui/main_window.py" line="287" />
            <source>&amp;Help</source>
            <translation>帮助(&amp;H)</translation>
        </message>
        <message>
            <location filename="../../gui/main_window.py" line="310" />
            <source>(none yet)</source>
            <translation>（还没有）</translation>
        </message>
        <message>
            <location filename="../../gui/main_window.py" line="321" />
            <source>Edit a cell</source>
            <translation>修改单元格</translation>
        </message>
        <message>
            <location filename="../../gui/main_window.py" line="322" />
            <source>New value for {0}[{1}, {2}] (every later matrix is recomputed):</source>
            <translation>{0}[{1}, {2}] 的新值（后面的所有矩阵都会重新计算）：</translation>
        </message>
        <message>
            <location filename="../../gui/main_window.py" line="333" />
            <source>Compare with my implementation</source>
            <translation>与我的实现比较</translation>
        </message>
        <message>
            <location filename="../../gui/main_window.py" line="334" />
            <source>Dumps (*.npz *.safetensors);;All files (*)</source>
            <translation>转储文件 (*.npz *.safetensors);;所有文件 (*)</translation>
        </message>
        <message>
            <location filename="../../gui/main_window.py" line="355" />
            <source>Could not save the settings to {0}: {1}. Changes will be forgotten when the app closes.</source>
            <translation>无法将设置保存到 {0}：{1}。关闭应用后，这些更改将会丢失。</translation>
        </message>
        <message>
            <location filename="../../gui/main_window.py" line="370" />
            <source>{0} tokens · {1} heads · d_model {2} · d_k {3} · d_v {4}</source>
            <translation>{0} 个词 · {1} 个头 · d_model {2} · d_k {3} · d_v {4}</translation>
        </message>
        <message>
            <location filename="../../gui/main_window.py" line="374" />
            <source>About Attention Stepper</source>
            <translation>关于本程序</translation>
        </message>
        <message>
            <location filename="../../gui/main_window.py" line="375" />
            <source>&lt;h3&gt;Attention Stepper {0}&lt;/h3&gt;&lt;p&gt;Watch multi-head self-attention being computed one step at a time: embed, project, QKᵀ, scale, mask, softmax, A·V, concat and W_O, with every matrix on screen and exportable as CSV.&lt;/p&gt;&lt;p&gt;The numbers come from a NumPy reference implementation with random, seeded word vectors and weights: it shows how attention computes, not what a trained model has learnt.&lt;/p&gt;</source>
            <translation>&lt;h3&gt;注意力分步演示（Attention Stepper） {0}&lt;/h3&gt;&lt;p&gt;一步一步地看多头自注意力是怎么算出来的：嵌入、投影、QKᵀ、缩放、掩码、softmax、A·V、拼接和 W_O，每个矩阵都显示在屏幕上，也都能导出为 CSV。&lt;/p&gt;&lt;p&gt;这些数字来自一个 NumPy 参考实现，词向量和权重是按种子随机生成的：它展示的是注意力怎样计算，而不是训练好的模型学到了什么。&lt;/p&gt;</translation>
        </message>
    </context>
    <context>
        <name>MaskLegend</name>
        <message>
            <location filename="../../gui/mask_legend.py" line="79" />
            <source>outside the window: {0} or more tokens back (t − s ≥ {0})</source>
            <extracomment>The entries in the order they are listed (heatmap.levels.GAPS names).</extracomment>
            <translation>窗口之外：往前 {0} 个词或更远（t − s ≥ {0}）</translation>
        </message>
        <message>
            <location filename="../../gui/mask_legend.py" line="81" />
            <source>outside the window: {0} or more tokens away (|t − s| ≥ {0})</source>
            <translation>窗口之外：相距 {0} 个词或更远（|t − s| ≥ {0}）</translation>
        </message>
        <message>
            <location filename="../../gui/mask_legend.py" line="83" />
            <source>padding token: no query attends to it</source>
            <translation>填充词：没有查询会关注它</translation>
        </message>
        <message>
            <location filename="../../gui/mask_legend.py" line="84" />
            <source>causal mask: a later token (s &gt; t)</source>
            <translation>因果掩码：后面的词（s &gt; t）</translation>
        </message>
        <message>
            <location filename="../../gui/mask_legend.py" line="86" />
            <source>overflow: too large for {0}, so ±∞</source>
            <translation>溢出：超出 {0} 的范围，成了 ±∞</translation>
        </message>
        <message>
            <location filename="../../gui/mask_legend.py" line="87" />
            <source>NaN: not a number (∞ − ∞ in softmax)</source>
            <translation>NaN：不是一个数（softmax 里出现了 ∞ − ∞）</translation>
        </message>
    </context>
    <context>
        <name>MatrixPanel</name>
        <message>
            <location filename="../../gui/heatmap/pointing.py" line="53" />
            <source>(masked: padding)</source>
            <translation>（已掩码：填充词）</translation>
        </message>
        <message>
            <location filename="../../gui/heatmap/pointing.py" line="55" />
            <source>(masked: outside the window)</source>
            <translation>（已掩码：窗口之外）</translation>
        </message>
        <message>
            <location filename="../../gui/heatmap/pointing.py" line="57" />
            <source>(overflow)</source>
            <translation>（溢出）</translation>
        </message>
        <message>
            <location filename="../../gui/heatmap/pointing.py" line="58" />
            <source>(masked)</source>
            <translation>（已掩码）</translation>
        </message>
        <message>
            <location filename="../../gui/heatmap/pointing.py" line="45" />
            <source>(row {0}, column {1})</source>
            <extracomment>Arrow keys and the step they move the selected cell: (down, right).</extracomment>
            <translation>（第 {0} 行，第 {1} 列）</translation>
        </message>
        <message>
            <location filename="../../gui/heatmap/panel.py" line="305" />
            <source>each row ÷ its largest</source>
            <extracomment>The zoom factors set_zoom accepts. Text for the cell under the mouse, e.g. "scores₁[爱, 机器] = 0.4187 (row 2, column 3)"; "" on leaving. The cell pointed at changed (row, column): the one under the mouse, else the selected one; (−1, −1): none. Row and column (0-based) of a clicked cell. A cell of an editable panel was double-clicked, or Enter pressed on it (row, column): the person wants to type a value. A label on an axis was clicked: ("row", index) on the left axis, ("column", index) on the top one.</extracomment>
            <translation>每行按本行最大值缩放</translation>
        </message>
        <message>
            <location filename="../../gui/heatmap/panel.py" line="306" />
            <source>logarithmic</source>
            <translation>对数刻度</translation>
        </message>
        <message>
            <source>Blue is negative, red positive, pale grey near zero; the colour bar gives the scale (symmetric around 0). Hatched grey cells are masked (−∞).
Hover a cell for its value; click to select this matrix; drag to pan, Ctrl+wheel to zoom, double-click to show the whole matrix again.</source>
            <translation>蓝色为负，红色为正，接近 0 时为浅灰；色条给出刻度（以 0 为中心对称）。带斜线的灰色单元格被掩码遮住（−∞）。
鼠标悬停可看数值；单击选中这个矩阵；拖动可平移，Ctrl+滚轮缩放，双击恢复显示整个矩阵。</translation>
        </message>
        <message>
            <source>Dark purple is 0, yellow is 1 (each row sums to 1). Hatched grey cells are masked.
Hover a cell for its value; click to select this matrix; drag to pan, Ctrl+wheel to zoom, double-click to show the whole matrix again.</source>
            <translation>深紫色为 0，黄色为 1（每行之和为 1）。带斜线的灰色单元格被掩码遮住。
鼠标悬停可看数值；单击选中这个矩阵；拖动可平移，Ctrl+滚轮缩放，双击恢复显示整个矩阵。</translation>
        </message>
    </context>
    <context>
        <name>MemoryEdit</name>
        <message>
            <location filename="../../gui/variant_controls.py" line="288" />
            <source>Another sentence: K and V come from it</source>
            <translation>另一个句子：K 和 V 由它得来</translation>
        </message>
        <message>
            <location filename="../../gui/variant_controls.py" line="290" />
            <source>Cross-attention (as a translation model's decoder reads its encoder): the queries come from the sentence, the keys and values from this memory sentence. Leave it empty for self-attention. The causal mask, RoPE, ALiBi and a window compare positions, so they are refused with a memory.</source>
            <translation>交叉注意力（就像翻译模型的解码器读取编码器的输出）：查询来自句子，键和值来自这个记忆句子。留空就是自注意力。因果掩码、RoPE、ALiBi 和窗口都要比较位置，所以有记忆句子时不能使用。</translation>
        </message>
    </context>
    <context>
        <name>ModelActions</name>
        <message>
            <location filename="../../gui/model_actions.py" line="77" />
            <source>Open &amp;model…</source>
            <extracomment>The controls whose value a model decides: greyed out while one is shown.</extracomment>
            <translation>打开模型(&amp;M)…</translation>
        </message>
        <message>
            <location filename="../../gui/model_actions.py" line="78" />
            <source>Show a real model's layer: a local Hugging Face folder with config.json, model.safetensors and tokenizer.json (BERT, RoBERTa, GPT-2, Llama, Qwen2, Mistral)</source>
            <translation>显示真实模型的某一层：本地的 Hugging Face 模型文件夹，内含 config.json、model.safetensors 和 tokenizer.json（BERT、RoBERTa、GPT-2、Llama、Qwen2、Mistral）</translation>
        </message>
        <message>
            <location filename="../../gui/model_actions.py" line="82" />
            <source>&amp;Try a real model</source>
            <translation>试试真实模型(&amp;T)</translation>
        </message>
        <message>
            <location filename="../../gui/model_actions.py" line="83" />
            <source>Open all-MiniLM-L6-v2 (installed from PyPI) at a head that looks at the previous token</source>
            <translation>打开从 PyPI 安装的 all-MiniLM-L6-v2，显示一个关注前一个词的注意力头</translation>
        </message>
        <message>
            <location filename="../../gui/model_actions.py" line="85" />
            <source>&amp;Layer</source>
            <translation>层(&amp;L)</translation>
        </message>
        <message>
            <location filename="../../gui/model_actions.py" line="86" />
            <source>The model's layer whose attention is shown, counted from 0 as in transformers; X is what this layer receives from the layers before it</source>
            <translation>显示其注意力的模型层，与 transformers 一样从 0 开始计数；X 是这一层从前面各层接收到的输入</translation>
        </message>
        <message>
            <location filename="../../gui/model_actions.py" line="91" />
            <source>{0}, layer {1} — Attention Stepper</source>
            <translation>{0}，第 {1} 层 — 注意力分步演示</translation>
        </message>
        <message>
            <location filename="../../gui/model_actions.py" line="108" />
            <source>Attention Stepper</source>
            <translation>注意力分步演示（Attention Stepper）</translation>
        </message>
        <message>
            <location filename="../../gui/model_actions.py" line="116" />
            <source>Real model: {0} ({1}) · layer {2} of 0–{3}</source>
            <translation>真实模型：{0}({1})· 第 {2} 层（共 0–{3} 层）</translation>
        </message>
        <message>
            <location filename="../../gui/model_actions.py" line="118" />
            <source>{0}
File → Reset to random weights goes back to seeded weights</source>
            <translation>{0}
文件 → 重置为随机权重 可回到由种子生成的权重</translation>
        </message>
        <message>
            <location filename="../../gui/model_actions.py" line="138" />
            <location filename="../../gui/model_actions.py" line="182" />
            <source>Open model</source>
            <translation>打开模型</translation>
        </message>
        <message>
            <location filename="../../gui/model_actions.py" line="145" />
            <source>Reading a Hugging Face model needs the optional packages safetensors and tokenizers. Install them with:

{0}

then start Attention Stepper again.</source>
            <translation>读取 Hugging Face 模型需要可选的软件包 safetensors 和 tokenizers。请用下面的命令安装：

{0}

然后重新启动 Attention Stepper。</translation>
        </message>
        <message>
            <location filename="../../gui/model_actions.py" line="150" />
            <source>Open a Hugging Face model folder</source>
            <translation>打开 Hugging Face 模型文件夹</translation>
        </message>
        <message>
            <location filename="../../gui/model_actions.py" line="165" />
            <source>Could not open {0}: {1}</source>
            <translation>无法打开 {0}:{1}</translation>
        </message>
        <message>
            <location filename="../../gui/model_actions.py" line="167" />
            <source>Opened {0}</source>
            <translation>已打开 {0}</translation>
        </message>
    </context>
    <context>
        <name>Navigator</name>
        <message>
            <location filename="../../gui/step_bar.py" line="156" />
            <source>First step (Home)</source>
            <translation>第一步（Home）</translation>
        </message>
        <message>
            <location filename="../../gui/step_bar.py" line="157" />
            <source>Previous step (←)</source>
            <translation>上一步（←）</translation>
        </message>
        <message>
            <location filename="../../gui/step_bar.py" line="158" />
            <source>Play / pause (Space): step forward automatically</source>
            <translation>播放 / 暂停（空格）：自动一步步往前走</translation>
        </message>
        <message>
            <location filename="../../gui/step_bar.py" line="159" />
            <source>Next step (→)</source>
            <translation>下一步（→）</translation>
        </message>
        <message>
            <location filename="../../gui/step_bar.py" line="160" />
            <source>Last step (End)</source>
            <translation>最后一步（End）</translation>
        </message>
        <message>
            <location filename="../../gui/step_bar.py" line="161" />
            <source> s/step</source>
            <translation> 秒/步</translation>
        </message>
        <message>
            <location filename="../../gui/step_bar.py" line="162" />
            <source>Seconds per step while playing</source>
            <translation>播放时每一步停留的秒数</translation>
        </message>
        <message>
            <location filename="../../gui/step_bar.py" line="163" />
            <source>Show me</source>
            <translation>演示</translation>
        </message>
        <message>
            <location filename="../../gui/step_bar.py" line="165" />
            <source>Fill this step's result in cell by cell, lighting the cells each number comes from (Esc shows it all)</source>
            <translation>逐格填出这一步的结果，同时点亮每个数由哪些格子算出（按 Esc 立即显示全部）</translation>
        </message>
    </context>
    <context>
        <name>NumberSpinBox</name>
        <message>
            <location filename="../../gui/controls.py" line="182" />
            <source>Allowed: {0} to {1}.</source>
            <translation>允许范围：{0} 到 {1}。</translation>
        </message>
        <message>
            <location filename="../../gui/controls.py" line="214" />
            <source>{0} takes whole numbers from {1} to {2} (digits 0–9); that key was not taken.</source>
            <translation>{0} 只接受 {1} 到 {2} 的整数（数字 0–9）；刚才的按键没有被接受。</translation>
        </message>
    </context>
    <context>
        <name>PanelTitles</name>
        <message>
            <location filename="../../gui/panel_titles.py" line="43" />
            <source>{0} (heads {1}–{2})</source>
            <extracomment>The gap (heatmap.levels.GAPS) of each code of Computation.mask_reasons(): a −∞ cell no mask hides overflowed.</extracomment>
            <translation>{0}（头 {1}–{2}）</translation>
        </message>
        <message>
            <location filename="../../gui/panel_titles.py" line="61" />
            <source>memory M</source>
            <translation>记忆句子 M</translation>
        </message>
    </context>
    <context>
        <name>PrecisionChoice</name>
        <message>
            <location filename="../../gui/variant_controls.py" line="374" />
            <source>float64 (reference)</source>
            <translation>float64（参考精度）</translation>
        </message>
        <message>
            <location filename="../../gui/variant_controls.py" line="374" />
            <source>float32 (about 7 digits)</source>
            <translation>float32（约 7 位有效数字）</translation>
        </message>
        <message>
            <location filename="../../gui/variant_controls.py" line="375" />
            <source>float16 (about 3 digits, ±65504)</source>
            <translation>float16（约 3 位有效数字，±65504）</translation>
        </message>
        <message>
            <location filename="../../gui/variant_controls.py" line="379" />
            <source>Compute every step in this precision. float16 rounds to about 3 digits and overflows past 65504: unscaled or large scores become ±∞ and softmax then gives NaN, drawn hatched in the panels.</source>
            <translation>用这个精度计算每一步。float16 只保留约 3 位有效数字，超过 65504 就会溢出：不缩放的得分或很大的得分会变成 ±∞，softmax 随之得到 NaN，面板里用斜线格子标出。</translation>
        </message>
    </context>
    <context>
        <name>PresetChoice</name>
        <message>
            <location filename="../../gui/variants_group.py" line="74" />
            <source>(your own settings)</source>
            <translation>（自己的设置）</translation>
        </message>
        <message>
            <location filename="../../gui/variants_group.py" line="75" />
            <source>The options as you set them: no preset has exactly these.</source>
            <translation>这是你自己设定的选项：没有哪个预设正好是这样。</translation>
        </message>
        <message>
            <location filename="../../gui/variants_group.py" line="82" />
            <source>Set the options a well-known model uses, all at once; the list shows which one the options match. Hover an entry to see what it sets.</source>
            <translation>一次设好某个知名模型所用的选项；列表会显示当前选项和哪个预设一致。把鼠标停在某一项上，可以看到它会设置哪些选项。</translation>
        </message>
    </context>
    <context>
        <name>PresetMenu</name>
        <message>
            <location filename="../../gui/presets.py" line="199" />
            <source>&amp;Presets</source>
            <translation>预设(&amp;P)</translation>
        </message>
    </context>
    <context>
        <name>Presets</name>
        <message>
            <location filename="../../gui/presets.py" line="83" />
            <source>Transformer (2017)</source>
            <extracomment>What every preset sets, so that choosing one never keeps another's leftovers.</extracomment>
            <translation>Transformer（2017）</translation>
        </message>
        <message>
            <location filename="../../gui/presets.py" line="84" />
            <source>GPT-2</source>
            <translation>GPT-2</translation>
        </message>
        <message>
            <location filename="../../gui/presets.py" line="85" />
            <source>BERT</source>
            <translation>BERT</translation>
        </message>
        <message>
            <location filename="../../gui/presets.py" line="86" />
            <source>Llama / Qwen (GQA + RoPE)</source>
            <translation>Llama / Qwen（GQA + RoPE）</translation>
        </message>
        <message>
            <location filename="../../gui/presets.py" line="87" />
            <source>Mistral (sliding window)</source>
            <translation>Mistral（滑动窗口）</translation>
        </message>
        <message>
            <location filename="../../gui/presets.py" line="88" />
            <source>BLOOM (ALiBi)</source>
            <translation>BLOOM（ALiBi）</translation>
        </message>
        <message>
            <location filename="../../gui/presets.py" line="89" />
            <source>T5-style cross-attention</source>
            <translation>T5 式交叉注意力</translation>
        </message>
        <message>
            <location filename="../../gui/presets.py" line="96" />
            <source>The attention of “Attention Is All You Need”: the sinusoidal positions added to X, no mask (the encoder's self-attention), the scores divided by √d_k.</source>
            <translation>2017 年 Transformer 论文里的注意力：把正弦位置编码加到 X 上，不用掩码（编码器的自注意力），得分除以 √d_k。</translation>
        </message>
        <message>
            <location filename="../../gui/presets.py" line="99" />
            <source>A decoder: the causal mask, biases on every projection (GPT-2's c_attn and c_proj) and absolute positions (learned in GPT-2, the sinusoidal ones here).</source>
            <translation>解码器：因果掩码，每个投影都有偏置（GPT-2 的 c_attn 和 c_proj），绝对位置编码（GPT-2 里是学出来的，这里用正弦编码代替）。</translation>
        </message>
        <message>
            <location filename="../../gui/presets.py" line="102" />
            <source>An encoder: every token sees every other, biases on every projection, absolute positions (learned in BERT, the sinusoidal ones here). Type [PAD] in the sentence to see padding masked.</source>
            <translation>编码器：每个词都能看到其他所有词，每个投影都有偏置，绝对位置编码（BERT 里是学出来的，这里用正弦编码代替）。在句子里输入 [PAD]，就能看到填充词被掩码。</translation>
        </message>
        <message>
            <location filename="../../gui/presets.py" line="105" />
            <source>Grouped-query attention (two query heads share each key/value head) and rotary positions with the half-split pairs of HF's rotate_half, the causal mask, no biases (Qwen2 adds biases to Q, K and V). RoPE needs an even d_k.</source>
            <translation>分组查询注意力（每两个查询头共用一个键/值头），旋转位置编码按 HF 的 rotate_half 把前后两半配对，因果掩码，没有偏置（Qwen2 给 Q、K、V 加了偏置）。RoPE 要求 d_k 是偶数。</translation>
        </message>
        <message>
            <location filename="../../gui/presets.py" line="109" />
            <source>Llama's attention with a sliding window: each token sees only the 3 latest tokens, itself included (Mistral 7B: 4096). RoPE needs an even d_k.</source>
            <translation>Llama 的注意力加上滑动窗口：每个词只能看到最近的 3 个词，包括它自己（Mistral 7B 是 4096 个）。RoPE 要求 d_k 是偶数。</translation>
        </message>
        <message>
            <location filename="../../gui/presets.py" line="112" />
            <source>No position is added to the vectors: ALiBi subtracts a penalty that grows with the distance, with a slope of its own for each head; the causal mask and biases.</source>
            <translation>向量上不加位置编码：ALiBi 从得分里减去一个随距离增长的惩罚，每个头有自己的斜率；另外有因果掩码和偏置。</translation>
        </message>
        <message>
            <location filename="../../gui/presets.py" line="115" />
            <source>Cross-attention: the queries from the sentence, the keys and values from a memory sentence, as a T5 decoder reads its encoder's output; no biases, and no ÷√d_k (T5 folds it into the initialisation of its weights).</source>
            <translation>交叉注意力：查询来自句子，键和值来自记忆句子，就像 T5 的解码器读取编码器的输出；没有偏置，也不除以 √d_k（T5 把它并进了权重的初始化）。</translation>
        </message>
        <message>
            <location filename="../../gui/presets.py" line="126" />
            <source>on</source>
            <translation>开</translation>
        </message>
        <message>
            <location filename="../../gui/presets.py" line="126" />
            <location filename="../../gui/presets.py" line="127" />
            <source>off</source>
            <translation>关</translation>
        </message>
        <message>
            <location filename="../../gui/presets.py" line="129" />
            <source>causal mask: {0}</source>
            <translation>因果掩码：{0}</translation>
        </message>
        <message>
            <location filename="../../gui/presets.py" line="130" />
            <source>positional encoding: {0}</source>
            <translation>位置编码：{0}</translation>
        </message>
        <message>
            <location filename="../../gui/presets.py" line="131" />
            <source>biases: {0}</source>
            <translation>偏置：{0}</translation>
        </message>
        <message>
            <location filename="../../gui/presets.py" line="132" />
            <source>ALiBi: {0}</source>
            <translation>ALiBi：{0}</translation>
        </message>
        <message>
            <location filename="../../gui/presets.py" line="133" />
            <source>skip the ÷√d_k scaling: {0}</source>
            <translation>跳过 ÷√d_k 缩放：{0}</translation>
        </message>
        <message>
            <location filename="../../gui/presets.py" line="134" />
            <source>heads: {0}</source>
            <translation>头数：{0}</translation>
        </message>
        <message>
            <location filename="../../gui/presets.py" line="135" />
            <source>key/value heads: {0}</source>
            <translation>键/值头：{0}</translation>
        </message>
        <message>
            <location filename="../../gui/presets.py" line="136" />
            <source>as many as heads</source>
            <translation>与头数相同</translation>
        </message>
        <message>
            <location filename="../../gui/presets.py" line="137" />
            <source>RoPE: {0}</source>
            <translation>RoPE：{0}</translation>
        </message>
        <message>
            <location filename="../../gui/presets.py" line="138" />
            <source>half-split</source>
            <translation>前后两半配对</translation>
        </message>
        <message>
            <location filename="../../gui/presets.py" line="138" />
            <source>interleaved</source>
            <translation>相邻交错配对</translation>
        </message>
        <message>
            <location filename="../../gui/presets.py" line="139" />
            <source>RoPE base: {0}</source>
            <translation>RoPE 底数：{0}</translation>
        </message>
        <message>
            <location filename="../../gui/presets.py" line="140" />
            <source>window: {0}</source>
            <translation>窗口：{0}</translation>
        </message>
        <message>
            <location filename="../../gui/presets.py" line="141" />
            <source>memory: {0}</source>
            <translation>记忆句子：{0}</translation>
        </message>
        <message>
            <location filename="../../gui/presets.py" line="142" />
            <source>scale: {0}</source>
            <translation>缩放因子：{0}</translation>
        </message>
        <message>
            <location filename="../../gui/presets.py" line="150" />
            <source>Sets:</source>
            <translation>会设置：</translation>
        </message>
        <message>
            <location filename="../../gui/presets.py" line="168" />
            <source>not applied: the loaded weights are kept</source>
            <translation>没有应用：保留了载入的权重</translation>
        </message>
        <message>
            <location filename="../../gui/presets.py" line="172" />
            <source>the preset could not be applied</source>
            <translation>无法应用这个预设</translation>
        </message>
        <message>
            <location filename="../../gui/presets.py" line="195" />
            <source>{0} refused: {1}</source>
            <extracomment>A preset was refused: the reason.</extracomment>
            <translation>{0} 未能应用：{1}</translation>
        </message>
    </context>
    <context>
        <name>RopeChoice</name>
        <message>
            <location filename="../../gui/variant_controls.py" line="212" />
            <source>off</source>
            <translation>关</translation>
        </message>
        <message>
            <location filename="../../gui/variant_controls.py" line="212" />
            <source>half-split (Llama, Qwen, GPT-NeoX)</source>
            <translation>前后两半配对（Llama、Qwen、GPT-NeoX）</translation>
        </message>
        <message>
            <location filename="../../gui/variant_controls.py" line="213" />
            <source>interleaved (GPT-J, RoFormer)</source>
            <translation>相邻交错配对（GPT-J、RoFormer）</translation>
        </message>
        <message>
            <location filename="../../gui/variant_controls.py" line="217" />
            <source>Rotary position embedding: turn each pair of entries of every query and key by an angle that grows with the token's position. "half" pairs entry j with j + d_k/2, "interleaved" pairs 2j with 2j+1. d_k must be even.</source>
            <translation>旋转位置编码：把每个查询和键的分量两两配对，按随词的位置增大的角度旋转。“前后两半”把第 j 个分量和第 j + d_k/2 个配对，“相邻交错”把第 2j 个和第 2j+1 个配对。d_k 必须是偶数。</translation>
        </message>
        <message>
            <location filename="../../gui/variant_controls.py" line="221" />
            <source>The base B of the angles t · B^(−2j/d_k): 10000 in most models (Llama 3: 500000). A number above {0:g} up to {1:g}.</source>
            <translation>角度 t · B^(−2j/d_k) 的底数 B：大多数模型用 10000（Llama 3 用 500000）。取值大于 {0:g}，最大 {1:g}。</translation>
        </message>
        <message>
            <location filename="../../gui/variant_controls.py" line="223" />
            <source>base</source>
            <translation>底数</translation>
        </message>
    </context>
    <context>
        <name>ScaleChoice</name>
        <message>
            <location filename="../../gui/variant_controls.py" line="323" />
            <source>own S =</source>
            <translation>自定 S =</translation>
        </message>
        <message>
            <location filename="../../gui/variant_controls.py" line="325" />
            <source>Multiply the scores by a scale S of your own instead of dividing them by √d_k (T5, for one, uses S = 1). Choosing a scale un-ticks “Skip the ÷√d_k scaling”: the two are one choice.</source>
            <translation>用自己选的缩放因子 S 乘以得分，而不是除以 √d_k（比如 T5 就用 S = 1）。选了缩放因子，“跳过 ÷√d_k 缩放”就会取消勾选：两者只能选其一。</translation>
        </message>
        <message>
            <location filename="../../gui/variant_controls.py" line="327" />
            <source>The scale S: a number above 0 up to {0:g}.</source>
            <translation>缩放因子 S：大于 0、最大 {0:g} 的数。</translation>
        </message>
    </context>
    <context>
        <name>ScalingLab</name>
        <message>
            <location filename="../../gui/scaling_lab.py" line="170" />
            <source>RoPE turns the entries in pairs, so the odd d_k ({0}) are left out.</source>
            <extracomment>How long the lab waits after a change before recomputing (several forward passes).</extracomment>
            <translation>RoPE 把分量两两配对旋转，所以略去了奇数的 d_k（{0}）。</translation>
        </message>
        <message>
            <location filename="../../gui/scaling_lab.py" line="173" />
            <source>Orange: your scale S = {0} at every d_k; a fixed S saturates as d_k grows, which is why the usual S is 1/√d_k.</source>
            <translation>橙色：每个 d_k 都用你的缩放因子 S = {0}；固定的 S 会随 d_k 变大而饱和，所以通常取 S = 1/√d_k。</translation>
        </message>
        <message>
            <location filename="../../gui/scaling_lab.py" line="176" />
            <source>The panels skip the scaling: they are the red curve at the green line.</source>
            <translation>面板上跳过了缩放：它们对应红色曲线在绿线处的值。</translation>
        </message>
        <message>
            <location filename="../../gui/scaling_lab.py" line="178" />
            <source>Cross-attention: the keys are the memory sentence's tokens.</source>
            <translation>交叉注意力：键是记忆句子的词。</translation>
        </message>
        <message>
            <location filename="../../gui/scaling_lab.py" line="179" />
            <source>shared key/value heads</source>
            <translation>共享键/值头</translation>
        </message>
        <message>
            <location filename="../../gui/scaling_lab.py" line="180" />
            <source>biases</source>
            <translation>偏置</translation>
        </message>
        <message>
            <location filename="../../gui/scaling_lab.py" line="181" />
            <source>the causal mask</source>
            <translation>因果掩码</translation>
        </message>
        <message>
            <location filename="../../gui/scaling_lab.py" line="182" />
            <source>the window</source>
            <translation>窗口</translation>
        </message>
        <message>
            <location filename="../../gui/scaling_lab.py" line="184" />
            <source>As in the panels, with {0}.</source>
            <translation>和面板一样，用了{0}。</translation>
        </message>
        <message>
            <location filename="../../gui/scaling_lab.py" line="184" />
            <source>, </source>
            <translation>，</translation>
        </message>
        <message>
            <location filename="../../gui/scaling_lab.py" line="186" />
            <source>The lab computes in float64, whatever the panels' precision ({0}): it is about the scale, not the rounding.</source>
            <translation>不管面板用什么精度（{0}），实验室都用 float64 计算：这里看的是缩放，不是舍入。</translation>
        </message>
        <message>
            <location filename="../../gui/scaling_lab.py" line="193" />
            <source>Why divide by √d_k? With random queries and keys, a dot product of d_k terms grows like √d_k. Without the scaling (red, dashed) softmax saturates as d_k grows: the entropy falls and one token takes almost all the weight. With it (blue) the attention stays spread out at every d_k. The green line is the current d_k.</source>
            <translation>为什么要除以 √d_k？查询和键是随机的时候，d_k 项相加的点积大约按 √d_k 增长。不缩放（红色虚线）时，d_k 越大 softmax 越饱和：熵下降，几乎所有权重都落到一个词上。缩放后（蓝色）不管 d_k 多大，注意力都保持分散。绿线是当前的 d_k。</translation>
        </message>
        <message>
            <location filename="../../gui/scaling_lab.py" line="205" />
            <source>Mean softmax entropy</source>
            <translation>softmax 的平均熵</translation>
        </message>
        <message>
            <location filename="../../gui/scaling_lab.py" line="206" />
            <source>Mean largest attention weight</source>
            <translation>平均最大注意力权重</translation>
        </message>
        <message>
            <location filename="../../gui/scaling_lab.py" line="208" />
            <source>d_k (log scale)</source>
            <translation>d_k（对数刻度）</translation>
        </message>
        <message>
            <location filename="../../gui/scaling_lab.py" line="209" />
            <source>entropy (nats)</source>
            <translation>熵（奈特）</translation>
        </message>
        <message>
            <location filename="../../gui/scaling_lab.py" line="210" />
            <source>largest weight</source>
            <translation>最大权重</translation>
        </message>
        <message>
            <location filename="../../gui/scaling_lab.py" line="215" />
            <source>scaled: softmax(QKᵀ/√d_k)</source>
            <translation>缩放：softmax(QKᵀ/√d_k)</translation>
        </message>
        <message>
            <location filename="../../gui/scaling_lab.py" line="216" />
            <source>unscaled: softmax(QKᵀ)</source>
            <translation>不缩放：softmax(QKᵀ)</translation>
        </message>
        <message>
            <location filename="../../gui/scaling_lab.py" line="218" />
            <source>your scale: softmax({0}·QKᵀ)</source>
            <translation>你的缩放：softmax({0}·QKᵀ)</translation>
        </message>
        <message>
            <location filename="../../gui/scaling_lab.py" line="220" />
            <source>even attention (ln n)</source>
            <translation>均匀注意力（ln n）</translation>
        </message>
        <message>
            <location filename="../../gui/scaling_lab.py" line="197" />
            <source>Computed by the core for d_k = 1, 2, 4 … 512 with the current sentence, heads, d_model and seed</source>
            <translation>由核心按当前的句子、头数、d_model 和种子，对 d_k = 1, 2, 4 … 512 计算得到</translation>
        </message>
    </context>
    <context>
        <name>SentenceEdit</name>
        <message>
            <location filename="../../gui/controls.py" line="127" />
            <source>Type a sentence, e.g. 我 爱 机器 学习 or 猫吃鱼</source>
            <extracomment>How long typing must pause before the sentence is recomputed. How long typing in a number box must pause before the number is committed (Enter commits at once). The text colour of a value the model refused. Emitted when the debounced text has been handed to the model.</extracomment>
            <translation>输入一个句子，例如 我 爱 机器 学习 或 猫吃鱼</translation>
        </message>
        <message>
            <location filename="../../gui/controls.py" line="129" />
            <source>The text to attend over. Words are split at spaces; Chinese typed without any spaces is split into single characters. At most {0} tokens.</source>
            <translation>要做注意力计算的文本。按空格切分词语；完全不带空格的中文会按单个汉字切分。最多 {0} 个词。</translation>
        </message>
        <message>
            <location filename="../../gui/controls.py" line="152" />
            <source>The sentence box holds at most {0} characters; the rest was not taken.</source>
            <translation>句子输入框最多容纳 {0} 个字符，超出的部分未被接收。</translation>
        </message>
    </context>
    <context>
        <name>SessionActions</name>
        <message>
            <location filename="../../gui/sessions.py" line="65" />
            <source>Session</source>
            <extracomment>The list of recent sessions changed (the menu rebuilds itself).</extracomment>
            <translation>会话</translation>
        </message>
        <message>
            <location filename="../../gui/sessions.py" line="72" />
            <source>Save session</source>
            <translation>保存会话</translation>
        </message>
        <message>
            <location filename="../../gui/sessions.py" line="73" />
            <source>Attention Stepper sessions (*{0})</source>
            <translation>Attention Stepper 会话 (*{0})</translation>
        </message>
        <message>
            <location filename="../../gui/sessions.py" line="83" />
            <source>Could not save {0}: {1}. Nothing was written.</source>
            <translation>无法保存 {0}:{1}。没有写入任何内容。</translation>
        </message>
        <message>
            <location filename="../../gui/sessions.py" line="87" />
            <source>Saved {0}</source>
            <translation>已保存 {0}</translation>
        </message>
        <message>
            <location filename="../../gui/sessions.py" line="94" />
            <source>Open session</source>
            <translation>打开会话</translation>
        </message>
        <message>
            <location filename="../../gui/sessions.py" line="95" />
            <source>Attention Stepper sessions (*{0});;All files (*)</source>
            <translation>Attention Stepper 会话 (*{0});;所有文件 (*)</translation>
        </message>
        <message>
            <location filename="../../gui/sessions.py" line="106" />
            <source>Could not open {0}: {1}</source>
            <translation>无法打开 {0}:{1}</translation>
        </message>
        <message>
            <location filename="../../gui/sessions.py" line="109" />
            <source>Opened {0}</source>
            <translation>已打开 {0}</translation>
        </message>
    </context>
    <context>
        <name>StageButtons</name>
        <message>
            <location filename="../../gui/step_bar.py" line="77" />
            <source>embed</source>
            <extracomment>A computation that runs longer than this shows the busy indicator (a shorter one would only flicker). The step where someone's own implementation first diverges (the Compare tab): red, also when current.</extracomment>
            <translation>嵌入</translation>
        </message>
        <message>
            <location filename="../../gui/step_bar.py" line="78" />
            <source>project</source>
            <translation>投影</translation>
        </message>
        <message>
            <location filename="../../gui/step_bar.py" line="80" />
            <source>share K, V</source>
            <translation>共享 K、V</translation>
        </message>
        <message>
            <location filename="../../gui/step_bar.py" line="84" />
            <source>mask</source>
            <translation>掩码</translation>
        </message>
        <message>
            <location filename="../../gui/step_bar.py" line="87" />
            <source>concat</source>
            <translation>拼接</translation>
        </message>
        <message>
            <location filename="../../gui/step_bar.py" line="97" />
            <source>Your implementation first diverges here (see the Compare tab)</source>
            <translation>你的实现从这一步开始与参考实现不同（见“比较”标签页）</translation>
        </message>
    </context>
    <context>
        <name>StepView</name>
        <message>
            <location filename="../../gui/step_view.py" line="215" />
            <source>head {0}</source>
            <extracomment>A bias is one row: its panel is short (the title, the labels and one row of cells). From this many tokens on, the columns of n×n panels stretch SQUARE_STRETCH times as much as the others. Hover text of the cell under the mouse ("" when it leaves). A cell was clicked: (matrix key, head or -1, row, column). A cell of X or a W matrix was double-clicked to type a value: (matrix key, head or -1, row, column). A token's label was clicked on an axis: the token's index (0-based).</extracomment>
            <translation>头 {0}</translation>
        </message>
        <message>
            <location filename="../../gui/step_view.py" line="275" />
            <source>Choose one head to see its W_Q, W_K and W_V and its biases as well.</source>
            <translation>选择一个头，就能同时看到它的 W_Q、W_K、W_V 和偏置。</translation>
        </message>
        <message>
            <location filename="../../gui/step_view.py" line="277" />
            <source>Choose one head to see its W_Q, W_K and W_V as well.</source>
            <translation>选择一个头，就能同时看到它的 W_Q、W_K 和 W_V。</translation>
        </message>
    </context>
    <context>
        <name>TilesView</name>
        <message>
            <location filename="../../gui/tiles_view.py" line="271" />
            <source>computing {0} tiles…</source>
            <extracomment>The queries of a tile explained one by one, at most (the rest: "… and N more"). More tiles than this are computed on the view's own worker thread (256 tokens with B = 1 are 65,536 tiles, seconds of Python): the window stays live and the last tiles stay shown meanwhile. Beyond this many skipped tiles, the skipped tiles of a query block side by side are crossed out as one. The block sizes a new view starts with (cut to the sentence).</extracomment>
            <translation>正在计算 {0} 个分块……</translation>
        </message>
        <message>
            <location filename="../../gui/tiles_view.py" line="280" />
            <source>tile {0} of {1}: query block {2}, key block {3}{4}</source>
            <translation>第 {0} 块（共 {1} 块）：查询块 {2}，键块 {3}{4}</translation>
        </message>
        <message>
            <location filename="../../gui/tiles_view.py" line="282" />
            <source> (skipped)</source>
            <translation>（已跳过）</translation>
        </message>
        <message>
            <location filename="../../gui/tiles_view.py" line="295" />
            <source>&lt;b&gt;This tile&lt;/b&gt; (queries {0}; keys {1}): what the kernel holds</source>
            <translation>&lt;b&gt;这一块&lt;/b&gt;（查询 {0}；键 {1}）：内核手里的数据</translation>
        </message>
        <message>
            <location filename="../../gui/tiles_view.py" line="299" />
            <source>skipped, never computed</source>
            <translation>已跳过，从未计算</translation>
        </message>
        <message>
            <location filename="../../gui/tiles_view.py" line="304" />
            <source>kept</source>
            <translation>保持不变</translation>
        </message>
        <message>
            <location filename="../../gui/tiles_view.py" line="305" />
            <location filename="../../gui/tiles_view.py" line="314" />
            <source>before</source>
            <translation>之前</translation>
        </message>
        <message>
            <location filename="../../gui/tiles_view.py" line="306" />
            <source>after: unchanged</source>
            <translation>之后：不变</translation>
        </message>
        <message>
            <location filename="../../gui/tiles_view.py" line="308" />
            <location filename="../../gui/tiles_view.py" line="440" />
            <source>scores</source>
            <translation>得分</translation>
        </message>
        <message>
            <location filename="../../gui/tiles_view.py" line="316" />
            <source>after</source>
            <translation>之后</translation>
        </message>
        <message>
            <location filename="../../gui/tiles_view.py" line="321" />
            <source>not yet</source>
            <translation>还没算到</translation>
        </message>
        <message>
            <location filename="../../gui/tiles_view.py" line="329" />
            <source>the usual pass: all {0} × {1} at once</source>
            <translation>普通计算：一次算出全部 {0} × {1}</translation>
        </message>
        <message>
            <location filename="../../gui/tiles_view.py" line="338" />
            <source>the usual pass</source>
            <translation>普通计算</translation>
        </message>
        <message>
            <location filename="../../gui/tiles_view.py" line="349" />
            <source>&lt;b&gt;Tile {0} of {1}&lt;/b&gt;: the queries {2} ({3}) against the keys {4} ({5}).</source>
            <translation>&lt;b&gt;第 {0} 块（共 {1} 块）&lt;/b&gt;：查询 {2}（{3}）对键 {4}（{5}）。</translation>
        </message>
        <message>
            <location filename="../../gui/tiles_view.py" line="353" />
            <source>Skipped: {0}. FlashAttention's kernels never compute such a tile; m, ℓ and O stay as they were.</source>
            <translation>跳过：{0}。FlashAttention 的内核根本不计算这样的块；m、ℓ 和 O 保持原样。</translation>
        </message>
        <message>
            <location filename="../../gui/tiles_view.py" line="357" />
            <source>The kernel computes this tile of scores (S = Q Kᵀ, scaled, biased and masked as in the usual pass) and P = e^(S − m) with each row's new maximum m (not yet divided by any sum); then the tile is thrown away.</source>
            <translation>内核算出这一块得分（S = Q Kᵀ，和普通计算一样做缩放、加偏置、加掩码），再用每一行新的最大值 m 算出 P = e^(S − m)（还没有除以任何总和）；然后这一块就被丢掉。</translation>
        </message>
        <message>
            <location filename="../../gui/tiles_view.py" line="363" />
            <source>… and {0} more queries, each the same way.</source>
            <translation>……其余 {0} 个查询也都这样处理。</translation>
        </message>
        <message>
            <location filename="../../gui/tiles_view.py" line="367" />
            <source>&lt;b&gt;End of query block {0}&lt;/b&gt;: every key block has been seen, so O / ℓ gives {1} of head_output, the same numbers as softmax(S)·V of the usual pass.</source>
            <translation>&lt;b&gt;查询块 {0} 结束&lt;/b&gt;：所有键块都看过了，所以 O / ℓ 就是 head_output 的{1}，和普通计算的 softmax(S)·V 数字完全一样。</translation>
        </message>
        <message>
            <location filename="../../gui/tiles_view.py" line="376" />
            <source>{0}: every key of this tile is masked for this query, so its m, ℓ and O stay as they were.</source>
            <translation>{0}：这一块里的键对这个查询全都被掩码遮住，所以它的 m、ℓ 和 O 保持原样。</translation>
        </message>
        <message>
            <location filename="../../gui/tiles_view.py" line="379" />
            <source>{0}: the first keys this query sees. m = {1} (the largest score of the tile), e^(m_old − m) = e^(−∞) = 0 (there is nothing before to keep), ℓ = Σ e^(s − m) = {2}, and O = PV.</source>
            <translation>{0}：这个查询第一次看到键。m = {1}（这一块里最大的得分），e^(m_old − m) = e^(−∞) = 0（之前没有要保留的东西），ℓ = Σ e^(s − m) = {2}，O = PV。</translation>
        </message>
        <message>
            <location filename="../../gui/tiles_view.py" line="383" />
            <source>{0}: the new row maximum {1} is larger than {2}, so the sum and the output so far are multiplied by e^({7}) = {3}: ℓ = {3} × {4} + {5} = {6}, and O = {3} × O + PV.</source>
            <translation>{0}：新的行最大值 {1} 比 {2} 大，所以到目前为止的总和与输出都要乘以 e^({7}) = {3}：ℓ = {3} × {4} + {5} = {6}，O = {3} × O + PV。</translation>
        </message>
        <message>
            <location filename="../../gui/tiles_view.py" line="388" />
            <source>{0}: the row maximum stays {1} (no score of this tile is larger), so nothing is rescaled (e^0 = 1): ℓ = {2} + {3} = {4}, and O = O + PV.</source>
            <translation>{0}：行最大值仍是 {1}（这一块里没有更大的得分），所以不用重新缩放（e^0 = 1）：ℓ = {2} + {3} = {4}，O = O + PV。</translation>
        </message>
        <message>
            <location filename="../../gui/tiles_view.py" line="394" />
            <source>row {0}</source>
            <translation>第 {0} 行</translation>
        </message>
        <message>
            <location filename="../../gui/tiles_view.py" line="395" />
            <source>rows {0}–{1}</source>
            <translation>第 {0}–{1} 行</translation>
        </message>
        <message>
            <location filename="../../gui/tiles_view.py" line="399" />
            <source>column {0}</source>
            <translation>第 {0} 列</translation>
        </message>
        <message>
            <location filename="../../gui/tiles_view.py" line="400" />
            <source>columns {0}–{1}</source>
            <translation>第 {0}–{1} 列</translation>
        </message>
        <message>
            <location filename="../../gui/tiles_view.py" line="405" />
            <source>every key of it comes after every query of it (above the diagonal, hidden by the causal mask)</source>
            <translation>它的每个键都排在它的每个查询后面（在对角线上方，被因果掩码遮住）</translation>
        </message>
        <message>
            <location filename="../../gui/tiles_view.py" line="408" />
            <source>all of its keys are outside the sliding window of every query of it</source>
            <translation>它的所有键都在每个查询的滑动窗口之外</translation>
        </message>
        <message>
            <location filename="../../gui/tiles_view.py" line="409" />
            <source>all of its keys are padding tokens</source>
            <translation>它的所有键都是填充词</translation>
        </message>
        <message>
            <location filename="../../gui/tiles_view.py" line="414" />
            <source>Check: O / ℓ of the tiles equals head_output of the usual pass, max |difference| = {0}. The full {1} × {2} matrix of scores was never held: at most one tile, B_r × B_c × 8 = {3} × {4} × 8 = {5} bytes, against {1} × {2} × 8 = {6} bytes; {7} of {8} tiles computed, {9} skipped.</source>
            <translation>检验：分块算出的 O / ℓ 等于普通计算的 head_output，最大 |差值| = {0}。完整的 {1} × {2} 得分矩阵从来没有存下来过：同一时刻最多只有一块，B_r × B_c × 8 = {3} × {4} × 8 = {5} 字节，而整个矩阵要 {1} × {2} × 8 = {6} 字节；{8} 块中计算了 {7} 块，跳过 {9} 块。</translation>
        </message>
        <message>
            <location filename="../../gui/tiles_view.py" line="422" />
            <source>FlashAttention computes the same attention in another order: the queries in blocks of B_r rows, the keys in blocks of B_c, one tile of scores at a time. Each query keeps a running maximum m, a running sum ℓ and a partial output O; when a larger score appears, what came before is multiplied by e^(m_old − m_new). At the end O / ℓ is softmax(S)·V, and the n × m scores never existed at once.</source>
            <translation>FlashAttention 用另一种顺序算出同样的注意力：把查询分块，每块 B_r 行，把键分块，每块 B_c 个，一次只算一块得分。每个查询一边算一边记住当前最大值 m、当前总和 ℓ 和部分输出 O；一旦出现更大的得分，之前的结果就乘以 e^(m_old − m_new)。最后 O / ℓ 就是 softmax(S)·V，而 n × m 的得分从来没有同时存在过。</translation>
        </message>
        <message>
            <location filename="../../gui/tiles_view.py" line="426" />
            <source>Head</source>
            <translation>头</translation>
        </message>
        <message>
            <location filename="../../gui/tiles_view.py" line="427" />
            <source>B_r</source>
            <translation>B_r</translation>
        </message>
        <message>
            <location filename="../../gui/tiles_view.py" line="428" />
            <source>B_c</source>
            <translation>B_c</translation>
        </message>
        <message>
            <location filename="../../gui/tiles_view.py" line="429" />
            <source>The head to compute tile by tile (follows the head chosen in the Steps tab)</source>
            <translation>要分块计算的头（跟随“步骤”页里选中的头）</translation>
        </message>
        <message>
            <location filename="../../gui/tiles_view.py" line="430" />
            <source>B_r: queries per block, 1 to the number of tokens</source>
            <translation>B_r：每块的查询数，从 1 到词数</translation>
        </message>
        <message>
            <location filename="../../gui/tiles_view.py" line="431" />
            <source>B_c: keys per block, 1 to the number of keys</source>
            <translation>B_c：每块的键数，从 1 到键的个数</translation>
        </message>
        <message>
            <location filename="../../gui/tiles_view.py" line="432" />
            <source>First tile</source>
            <translation>第一块</translation>
        </message>
        <message>
            <location filename="../../gui/tiles_view.py" line="432" />
            <source>Previous tile</source>
            <translation>上一块</translation>
        </message>
        <message>
            <location filename="../../gui/tiles_view.py" line="433" />
            <source>Play / pause: the next tile automatically</source>
            <translation>播放 / 暂停：自动进入下一块</translation>
        </message>
        <message>
            <location filename="../../gui/tiles_view.py" line="433" />
            <source>Next tile</source>
            <translation>下一块</translation>
        </message>
        <message>
            <location filename="../../gui/tiles_view.py" line="434" />
            <source>Last tile</source>
            <translation>最后一块</translation>
        </message>
        <message>
            <location filename="../../gui/tiles_view.py" line="434" />
            <source>Seconds per tile while playing</source>
            <translation>播放时每一块停留的秒数</translation>
        </message>
        <message>
            <location filename="../../gui/tiles_view.py" line="434" />
            <source> s/tile</source>
            <translation> 秒/块</translation>
        </message>
        <message>
            <location filename="../../gui/tiles_view.py" line="441" />
            <source>weights</source>
            <translation>权重</translation>
        </message>
        <message>
            <location filename="../../gui/tiles_view.py" line="442" />
            <source>Show the usual pass's scores or its softmax weights</source>
            <translation>显示普通计算的得分，或者它的 softmax 权重</translation>
        </message>
        <message>
            <location filename="../../gui/tiles_view.py" line="444" />
            <source>Then O = rescale · O_old + PV  and  ℓ = rescale · ℓ_old + rowsum(P), with rescale = e^(m_old − m)</source>
            <translation>然后 O = rescale · O_old + PV，ℓ = rescale · ℓ_old + rowsum(P)，其中 rescale = e^(m_old − m)</translation>
        </message>
        <message>
            <location filename="../../gui/tiles_view.py" line="445" />
            <source>&lt;b&gt;The usual pass&lt;/b&gt; (the current tile outlined, skipped tiles crossed out)</source>
            <translation>&lt;b&gt;普通计算&lt;/b&gt;（框出当前块，跳过的块打叉）</translation>
        </message>
    </context>
    <context>
        <name>TokenJourneyView</name>
        <message>
            <location filename="../../gui/journey_view.py" line="237" />
            <location filename="../../gui/journey_view.py" line="331" />
            <source>Head {0}</source>
            <extracomment>Each bar's value is written on it up to this many tokens (beyond, hover the arithmetic or the panels). Bars are outlined up to this many tokens; narrower bars are drawn in their colour alone. Pixels between two labels drawn side by side. The person picked another token (0-based).</extracomment>
            <translation>第 {0} 个头</translation>
        </message>
        <message>
            <location filename="../../gui/journey_view.py" line="313" />
            <source>head {0} (choose it here or on the Steps tab)</source>
            <translation>第 {0} 个头（在这里或“分步”标签页上选择）</translation>
        </message>
        <message>
            <location filename="../../gui/journey_view.py" line="315" />
            <source>its keys and values are key/value head {0}'s, shared</source>
            <translation>它的键和值来自共享的第 {0} 个键/值头</translation>
        </message>
        <message>
            <location filename="../../gui/journey_view.py" line="317" />
            <source>the keys are the memory sentence's tokens</source>
            <translation>键是记忆句子的词</translation>
        </message>
        <message>
            <location filename="../../gui/journey_view.py" line="319" />
            <source>q′ and k′ are turned by RoPE</source>
            <translation>q′ 和 k′ 经过 RoPE 旋转</translation>
        </message>
        <message>
            <location filename="../../gui/journey_view.py" line="324" />
            <source>Follow one token through one head: its query is compared with every key (dot products), scaled by √d_k, turned into weights by softmax, and its output is the weighted sum of the value vectors. Click a token on any panel, or pick it here; its row is outlined in every panel.</source>
            <translation>跟着一个词走过一个头：它的查询和每个键比较（点积），除以 √d_k，经 softmax 变成权重，它的输出就是值向量的加权和。在任意面板上点击一个词，或在这里选择；它所在的行会在每个面板里框出来。</translation>
        </message>
        <message>
            <location filename="../../gui/journey_view.py" line="328" />
            <source>The head to follow (choosing a head on the Steps tab chooses it here too)</source>
            <translation>要跟踪的头（在“分步”标签页上选择的头，这里也会跟着选中）</translation>
        </message>
        <message>
            <location filename="../../gui/journey_view.py" line="339" />
            <source>q·k for every key</source>
            <translation>与每个键的点积 q·k</translation>
        </message>
        <message>
            <location filename="../../gui/journey_view.py" line="339" />
            <source>q′·k′ for every key</source>
            <translation>与每个键的点积 q′·k′</translation>
        </message>
        <message>
            <location filename="../../gui/journey_view.py" line="341" />
            <source>not scaled</source>
            <translation>不缩放</translation>
        </message>
        <message>
            <location filename="../../gui/journey_view.py" line="343" />
            <source>× {0}</source>
            <translation>× {0}</translation>
        </message>
        <message>
            <location filename="../../gui/journey_view.py" line="347" />
            <source>{0}, + ALiBi</source>
            <translation>{0}，+ ALiBi</translation>
        </message>
        <message>
            <location filename="../../gui/journey_view.py" line="348" />
            <source>{0} (grey: masked)</source>
            <translation>{0}（灰色：已掩码）</translation>
        </message>
        <message>
            <location filename="../../gui/journey_view.py" line="349" />
            <source>softmax weights (sum 1)</source>
            <translation>softmax 权重（和为 1）</translation>
        </message>
        <message>
            <location filename="../../gui/journey_view.py" line="327" />
            <source>The token to follow</source>
            <translation>要跟踪的词</translation>
        </message>
    </context>
    <context>
        <name>TokenizerChoice</name>
        <message>
            <location filename="../../gui/controls.py" line="322" />
            <source>White space (default)</source>
            <translation>按空格（默认）</translation>
        </message>
        <message>
            <location filename="../../gui/controls.py" line="323" />
            <source>Characters (one per CJK character)</source>
            <translation>按字（每个汉字一个词）</translation>
        </message>
        <message>
            <location filename="../../gui/controls.py" line="324" />
            <source>Chinese words (jieba)</source>
            <translation>中文词语（jieba 分词）</translation>
        </message>
        <message>
            <location filename="../../gui/controls.py" line="326" />
            <source>Install the optional package: pip install attention-stepper[zh]</source>
            <translation>请安装可选包：pip install attention-stepper[zh]</translation>
        </message>
        <message>
            <location filename="../../gui/controls.py" line="330" />
            <source>{0} (not installed)</source>
            <translation>{0}（未安装）</translation>
        </message>
        <message>
            <location filename="../../gui/controls.py" line="334" />
            <source>How the sentence is split into tokens. jieba segments Chinese into words, so 我爱机器学习 becomes 我 / 爱 / 机器 / 学习 without typing spaces.</source>
            <translation>句子怎样切分成词。jieba 会把中文切成词语，不用输入空格，我爱机器学习 就会变成 我 / 爱 / 机器 / 学习。</translation>
        </message>
    </context>
    <context>
        <name>Tour</name>
        <message>
            <location filename="../../gui/tour.py" line="231" />
            <source>Take the guided tour?</source>
            <translation>要看看导览吗？</translation>
        </message>
        <message>
            <location filename="../../gui/tour.py" line="232" />
            <source>In a few clicks, follow the word 爱 of the sentence “我 爱 机器 学习” (I love machine learning) through the eight steps of multi-head self-attention, from its word vector to the layer's output. Each stop outlines the panel to look at and the control to try. Help → Guided tour brings it back at any time.</source>
            <translation>只需点几下，就能跟着句子“我 爱 机器 学习”中的“爱”走完多头自注意力的八个步骤：从它的词向量一直到这一层的输出。每一站都会框出要看的面板和可以动手试的控件。随时可以从“帮助 → 导览”再次打开。</translation>
        </message>
        <message>
            <location filename="../../gui/tour.py" line="236" />
            <source>1 · Embed: each word becomes a row</source>
            <translation>1 · 嵌入：每个词变成一行</translation>
        </message>
        <message>
            <location filename="../../gui/tour.py" line="237" />
            <source>The sentence is cut into four tokens, and each one is looked up as a row of numbers, its word vector. Stacked, the rows are the matrix X; 爱 is the second row, outlined in every panel. Type another sentence here and X changes with it.</source>
            <translation>句子被切成四个词元，每个词元查出一行数字，也就是它的词向量。把这些行叠起来就是矩阵 X；“爱”是第二行，在每个面板里都用框标了出来。在这里输入别的句子，X 会随之改变。</translation>
        </message>
        <message>
            <location filename="../../gui/tour.py" line="240" />
            <source>2 · Project: a query, a key and a value</source>
            <translation>2 · 投影：查询、键和值</translation>
        </message>
        <message>
            <location filename="../../gui/tour.py" line="241" />
            <source>Three matrix products turn every row of X into three new vectors per head: a query (what 爱 is looking for), a key (what the other words can find it by) and a value (what it hands on). d_k sets how long queries and keys are.</source>
            <translation>三次矩阵乘法让 X 的每一行在每个头里得到三个新向量：查询（“爱”想找什么）、键（别的词凭什么找到它）和值（它要传递的内容）。d_k 决定查询和键有多长。</translation>
        </message>
        <message>
            <location filename="../../gui/tour.py" line="244" />
            <source>3 · Scores: every query against every key</source>
            <translation>3 · 分数：每个查询对每个键</translation>
        </message>
        <message>
            <location filename="../../gui/tour.py" line="245" />
            <source>Row 爱 of QKᵀ holds the dot product of 爱's query with each word's key: the larger it is, the better they match. K is transposed so that one matrix product pairs every query with every key. Point at any cell to light the row and the column it is made of.</source>
            <translation>QKᵀ 中“爱”这一行是“爱”的查询与每个词的键的点积：越大，两者越匹配。把 K 转置，一次矩阵乘法就能让每个查询与每个键配对。指向任意一格，就会点亮算出它的那一行和那一列。</translation>
        </message>
        <message>
            <location filename="../../gui/tour.py" line="248" />
            <source>4 · Scale: divide by √d_k</source>
            <translation>4 · 缩放：除以 √d_k</translation>
        </message>
        <message>
            <location filename="../../gui/tour.py" line="249" />
            <source>Dot products of long vectors grow large, and the next step would then give almost all of 爱's attention to a single word. Dividing by √d_k keeps the numbers moderate. Tick this box to leave the division out and watch the weights harden.</source>
            <translation>长向量的点积会变得很大，下一步就会把“爱”几乎全部的注意力都给某一个词。除以 √d_k 让这些数保持适中。勾选这个框可以去掉这次除法，看看权重如何变得生硬。</translation>
        </message>
        <message>
            <location filename="../../gui/tour.py" line="252" />
            <source>5 · Softmax: scores become shares</source>
            <translation>5 · softmax：分数变成份额</translation>
        </message>
        <message>
            <location filename="../../gui/tour.py" line="253" />
            <source>Softmax turns each row into positive weights that add up to 1: how 爱 shares its attention among 我, 爱, 机器 and 学习. Every head has weights of its own; choose one head here to see it large.</source>
            <translation>softmax 把每一行变成加起来等于 1 的正权重：“爱”怎样把注意力分给“我”“爱”“机器”和“学习”。每个头都有自己的权重；在这里选一个头，就能放大查看。</translation>
        </message>
        <message>
            <location filename="../../gui/tour.py" line="256" />
            <source>6 · Weighted sum: mix the values</source>
            <translation>6 · 加权求和：混合值向量</translation>
        </message>
        <message>
            <location filename="../../gui/tour.py" line="257" />
            <source>爱's new vector is a blend of every word's value, each in proportion to the weight 爱 gives it. Press Show me to watch the result being filled in, with the weights and values behind each number lit.</source>
            <translation>“爱”的新向量是所有词的值向量的混合，每个词按“爱”给它的权重占一份。点“演示”，看结果一格一格填出来，每个数背后的权重和值都会被点亮。</translation>
        </message>
        <message>
            <location filename="../../gui/tour.py" line="260" />
            <source>7 · Concat: the heads side by side</source>
            <translation>7 · 拼接：各个头并排放</translation>
        </message>
        <message>
            <location filename="../../gui/tour.py" line="261" />
            <source>Each head read the sentence in its own way. Their results for 爱 (and every other token) are simply placed next to each other, head 1 first; nothing is computed here. The number of heads is set here.</source>
            <translation>每个头都以自己的方式读这个句子。它们为“爱”（以及其他每个词元）得出的结果只是并排放在一起，头 1 在最前；这里什么也不计算。头的个数在这里设置。</translation>
        </message>
        <message>
            <location filename="../../gui/tour.py" line="264" />
            <source>8 · Output: back to the model's width</source>
            <translation>8 · 输出：回到模型的宽度</translation>
        </message>
        <message>
            <location filename="../../gui/tour.py" line="265" />
            <source>W_O blends what the heads found into one vector per token, as wide as the word vectors were: 爱 now carries what it learnt from its neighbours. Press Play to watch the whole computation again, step by step.</source>
            <translation>W_O 把各个头的发现融合成每个词元一个向量，宽度与词向量相同：现在的“爱”带上了它从上下文中得到的信息。点播放按钮，再一步一步看一遍整个计算。</translation>
        </message>
        <message>
            <location filename="../../gui/tour.py" line="278" />
            <source>{0} of {1}</source>
            <translation>第 {0} 站，共 {1} 站</translation>
        </message>
        <message>
            <location filename="../../gui/tour.py" line="281" />
            <source>Back</source>
            <translation>上一步</translation>
        </message>
        <message>
            <location filename="../../gui/tour.py" line="282" />
            <source>Not now</source>
            <translation>以后再说</translation>
        </message>
        <message>
            <location filename="../../gui/tour.py" line="282" />
            <source>Skip tour</source>
            <translation>跳过导览</translation>
        </message>
        <message>
            <location filename="../../gui/tour.py" line="284" />
            <source>Start the tour</source>
            <translation>开始导览</translation>
        </message>
        <message>
            <location filename="../../gui/tour.py" line="286" />
            <source>Finish</source>
            <translation>完成</translation>
        </message>
        <message>
            <location filename="../../gui/tour.py" line="286" />
            <source>Next</source>
            <translation>下一步</translation>
        </message>
    </context>
    <context>
        <name>ValueDimControl</name>
        <message>
            <location filename="../../gui/controls.py" line="243" />
            <source>Width of the value vectors (and of each head's output).</source>
            <translation>值向量（也就是每个头输出）的维度。</translation>
        </message>
        <message>
            <location filename="../../gui/controls.py" line="244" />
            <source>Allowed: {0} to {1}.</source>
            <translation>允许范围：{0} 到 {1}。</translation>
        </message>
        <message>
            <location filename="../../gui/controls.py" line="245" />
            <source>Keep d_v equal to d_k, as in most Transformers</source>
            <translation>让 d_v 始终等于 d_k，大多数 Transformer 都是这样</translation>
        </message>
    </context>
    <context>
        <name>VariantsGroup</name>
        <message>
            <location filename="../../gui/variants_group.py" line="147" />
            <source>Variants</source>
            <translation>变体</translation>
        </message>
        <message>
            <location filename="../../gui/variants_group.py" line="149" />
            <source>What modern models add to the 2017 attention: shared key/value heads, biases, rotary positions, ALiBi, a sliding window, cross-attention, the scale and the precision.</source>
            <translation>现代模型在 2017 年的注意力之上加的东西：共享键/值头、偏置、旋转位置编码、ALiBi、滑动窗口、交叉注意力、缩放因子和精度。</translation>
        </message>
        <message>
            <location filename="../../gui/variants_group.py" line="151" />
            <source>&amp;Preset</source>
            <translation>预设(&amp;P)</translation>
        </message>
        <message>
            <location filename="../../gui/variants_group.py" line="152" />
            <source>K/V heads</source>
            <translation>键/值头</translation>
        </message>
        <message>
            <location filename="../../gui/variants_group.py" line="154" />
            <source>&amp;Window</source>
            <translation>窗口(&amp;W)</translation>
        </message>
        <message>
            <location filename="../../gui/variants_group.py" line="155" />
            <source>Mem&amp;ory</source>
            <translation>记忆句子(&amp;O)</translation>
        </message>
        <message>
            <location filename="../../gui/variants_group.py" line="156" />
            <source>Scale</source>
            <translation>缩放</translation>
        </message>
        <message>
            <location filename="../../gui/variants_group.py" line="157" />
            <source>P&amp;recision</source>
            <translation>精度(&amp;R)</translation>
        </message>
        <message>
            <location filename="../../gui/variants_group.py" line="158" />
            <source>Biases b_Q, b_K, b_V, b_O</source>
            <translation>偏置 b_Q、b_K、b_V、b_O</translation>
        </message>
        <message>
            <location filename="../../gui/variants_group.py" line="160" />
            <source>Add a bias to each projection: Q = X W_Q + b_Q, …, output = concat · W_O + b_O (GPT-2, BERT, BLOOM). Choose one head to see and edit them.</source>
            <translation>给每个投影加上偏置：Q = X W_Q + b_Q，…，output = concat · W_O + b_O（GPT-2、BERT、BLOOM）。选择一个头就能看到并修改它们。</translation>
        </message>
        <message>
            <location filename="../../gui/variants_group.py" line="162" />
            <source>ALiBi distance penalty</source>
            <translation>ALiBi 距离惩罚</translation>
        </message>
        <message>
            <location filename="../../gui/variants_group.py" line="164" />
            <source>Subtract m·|t − s| from each head's scores, a slope m of its own per head (BLOOM, MPT): no position is added to the vectors.</source>
            <translation>从每个头的得分里减去 m·|t − s|，每个头有自己的斜率 m（BLOOM、MPT）：向量上不加位置编码。</translation>
        </message>
    </context>
    <context>
        <name>ViewActions</name>
        <message>
            <location filename="../../gui/view_actions.py" line="136" />
            <source>Zoom {0}%</source>
            <translation>显示比例 {0}%</translation>
        </message>
        <message>
            <location filename="../../gui/view_actions.py" line="161" />
            <source>Zoom &amp;in</source>
            <translation>放大(&amp;I)</translation>
        </message>
        <message>
            <location filename="../../gui/view_actions.py" line="161" />
            <source>Make every text larger: numbers, labels, explanation and controls (Ctrl+=)</source>
            <translation>把所有文字放大：数字、标签、说明和控件（Ctrl+=）</translation>
        </message>
        <message>
            <location filename="../../gui/view_actions.py" line="163" />
            <source>Zoom &amp;out</source>
            <translation>缩小(&amp;O)</translation>
        </message>
        <message>
            <location filename="../../gui/view_actions.py" line="163" />
            <source>Make every text smaller (Ctrl+−)</source>
            <translation>把所有文字缩小（Ctrl+−）</translation>
        </message>
        <message>
            <location filename="../../gui/view_actions.py" line="164" />
            <source>Actual si&amp;ze</source>
            <translation>实际大小(&amp;Z)</translation>
        </message>
        <message>
            <location filename="../../gui/view_actions.py" line="164" />
            <source>Every text at its usual size (Ctrl+0)</source>
            <translation>所有文字恢复原来的大小（Ctrl+0）</translation>
        </message>
        <message>
            <location filename="../../gui/view_actions.py" line="165" />
            <source>F&amp;ull screen</source>
            <translation>全屏(&amp;U)</translation>
        </message>
        <message>
            <location filename="../../gui/view_actions.py" line="165" />
            <source>Use the whole screen (F11)</source>
            <translation>占满整个屏幕（F11）</translation>
        </message>
        <message>
            <location filename="../../gui/view_actions.py" line="166" />
            <source>Pr&amp;esentation</source>
            <translation>演示模式(&amp;E)</translation>
        </message>
        <message>
            <location filename="../../gui/view_actions.py" line="167" />
            <source>For a projector: one head large with big numbers, the controls out of the way; choose it again to go back</source>
            <translation>用于投影：放大显示一个头，数字更大，控件暂时收起；再选一次即可恢复</translation>
        </message>
        <message>
            <location filename="../../gui/view_actions.py" line="169" />
            <source>&amp;Linear (0–1)</source>
            <translation>线性（0–1）(&amp;L)</translation>
        </message>
        <message>
            <location filename="../../gui/view_actions.py" line="170" />
            <source>Dark is 0 and yellow is 1, the same for every row</source>
            <translation>深色为 0，黄色为 1，每一行都一样</translation>
        </message>
        <message>
            <location filename="../../gui/view_actions.py" line="171" />
            <source>Per &amp;row</source>
            <translation>按行(&amp;R)</translation>
        </message>
        <message>
            <location filename="../../gui/view_actions.py" line="172" />
            <source>Each row scaled to its own maximum, so 200 tokens are not a solid block</source>
            <translation>每一行按它自己的最大值缩放，这样 200 个词元也不会糊成一片</translation>
        </message>
        <message>
            <location filename="../../gui/view_actions.py" line="173" />
            <source>Lo&amp;garithmic</source>
            <translation>对数(&amp;G)</translation>
        </message>
        <message>
            <location filename="../../gui/view_actions.py" line="174" />
            <source>Colours by powers of ten from 0.0001 to 1: small weights are told apart too</source>
            <translation>按 10 的幂着色，从 0.0001 到 1：很小的权重也能分清</translation>
        </message>
        <message>
            <location filename="../../gui/view_actions.py" line="180" />
            <source>&amp;Colour scale</source>
            <translation>颜色刻度(&amp;C)</translation>
        </message>
        <message>
            <location filename="../../gui/view_actions.py" line="181" />
            <source>How the attention weights are coloured (Steps, journey and head statistics)</source>
            <translation>注意力权重的着色方式（用于步骤、词元之旅和头统计）</translation>
        </message>
        <message>
            <location filename="../../gui/view_actions.py" line="183" />
            <source>The size of every text: View → Zoom in (Ctrl+=), Zoom out (Ctrl+−), Actual size (Ctrl+0)</source>
            <translation>所有文字的显示比例：视图 → 放大（Ctrl+=）、缩小（Ctrl+−）、实际大小（Ctrl+0）</translation>
        </message>
    </context>
    <context>
        <name>WeightsGuard</name>
        <message>
            <location filename="../../gui/weights_guard.py" line="39" />
            <source>Replace the loaded weights?</source>
            <translation>替换载入的权重？</translation>
        </message>
        <message>
            <location filename="../../gui/weights_guard.py" line="40" />
            <source>Changing {0} replaces the weights you loaded with seeded random weights. Replace them? (Cancel keeps the loaded weights and the value as it was.)</source>
            <translation>改变 {0} 会把你载入的权重换成由种子生成的随机权重。要替换吗？（“取消”保留载入的权重和原来的值。）</translation>
        </message>
    </context>
    <context>
        <name>WeightsIndicator</name>
        <message>
            <location filename="../../gui/weights_indicator.py" line="75" />
            <source>{0}, layer {1}</source>
            <extracomment>File and model names longer than this many characters are shortened with "…" in the label. The least room the label asks of the status bar, in pixels.</extracomment>
            <translation>{0}，第 {1} 层</translation>
        </message>
        <message>
            <location filename="../../gui/weights_indicator.py" line="77" />
            <source>The weights of a real model's layer (File → Reset to random weights goes back)</source>
            <translation>真实模型某一层的权重（“文件 → 重置为随机权重”可回到随机权重）</translation>
        </message>
        <message>
            <location filename="../../gui/weights_indicator.py" line="79" />
            <source>loaded</source>
            <translation>已载入</translation>
        </message>
        <message>
            <location filename="../../gui/weights_indicator.py" line="81" />
            <source>Weights you loaded; changing a size or the seed replaces them with seeded ones (you are asked first)</source>
            <translation>你载入的权重；改变尺寸或种子会把它们换成由种子生成的随机权重（换之前会先问你）</translation>
        </message>
        <message>
            <location filename="../../gui/weights_indicator.py" line="83" />
            <source>seeded (seed {0})</source>
            <translation>随机（种子 {0}）</translation>
        </message>
        <message>
            <location filename="../../gui/weights_indicator.py" line="84" />
            <source>Random weights drawn from the seed: same seed and sizes, same numbers</source>
            <translation>由种子生成的随机权重：种子和尺寸相同，数字就相同</translation>
        </message>
        <message>
            <location filename="../../gui/weights_indicator.py" line="85" />
            <source>Weights: {0}</source>
            <translation>权重：{0}</translation>
        </message>
        <message>
            <location filename="../../gui/weights_indicator.py" line="88" />
            <source>+ {0} edited cells</source>
            <translation>+ {0} 个改过的单元格</translation>
        </message>
        <message>
            <location filename="../../gui/weights_indicator.py" line="89" />
            <source>Cells of W matrices you typed over (Edit → Reset edited cells returns them)</source>
            <translation>你改写过的 W 矩阵单元格（“编辑 → 还原改过的单元格”可还原）</translation>
        </message>
    </context>
    <context>
        <name>WindowChoice</name>
        <message>
            <location filename="../../gui/variant_controls.py" line="256" />
            <source>off</source>
            <translation>关</translation>
        </message>
        <message>
            <location filename="../../gui/variant_controls.py" line="258" />
            <source>Sliding window W: with the causal mask each token sees the W latest tokens, itself included (Mistral); without it, the tokens less than W positions away. From {0} to {1}, or off.</source>
            <translation>滑动窗口 W：有因果掩码时，每个词只看最近的 W 个词，包括它自己（Mistral）；没有因果掩码时，只看相距不到 W 个位置的词。取值 {0} 到 {1}，或者关闭。</translation>
        </message>
    </context>
    <context>
        <name>core</name>
        <message>
            <source>Embed the tokens</source>
            <translation>把词变成向量</translation>
        </message>
        <message>
            <source>Project to queries, keys and values</source>
            <translation>投影成查询、键和值</translation>
        </message>
        <message>
            <source>Turn queries and keys by their position (RoPE)</source>
            <translation>按位置旋转查询和键（RoPE）</translation>
        </message>
        <message>
            <source>Share key and value heads (grouped-query attention)</source>
            <translation>共享键和值的头（分组查询注意力）</translation>
        </message>
        <message>
            <source>Compare every query with every key</source>
            <translation>拿每个查询和每个键比较</translation>
        </message>
        <message>
            <source>Divide by √d_k</source>
            <translation>除以 √d_k</translation>
        </message>
        <message>
            <source>Penalise distance (ALiBi)</source>
            <translation>按距离扣分（ALiBi）</translation>
        </message>
        <message>
            <source>Hide later, distant and padding tokens (mask)</source>
            <translation>遮住后面的词、窗口外的词和填充词（掩码）</translation>
        </message>
        <message>
            <source>Turn scores into attention weights</source>
            <translation>把得分变成注意力权重</translation>
        </message>
        <message>
            <source>Mix the values</source>
            <translation>按权重混合值向量</translation>
        </message>
        <message>
            <source>Join the heads</source>
            <translation>拼接各个头</translation>
        </message>
        <message>
            <source>Project back to d_model</source>
            <translation>投影回 d_model 维</translation>
        </message>
        <message>
            <source>Each token becomes a row of numbers, its word vector. Stacked, the rows form X, one row per token. The same word always gets the same row; with positional encoding on, a position-dependent wave pattern is added so word order counts.</source>
            <translation>每个词变成一行数字，也就是它的词向量。把这些行叠起来就是 X，每个词占一行。同一个词总是得到同一行；打开位置编码后，会再加上一个随位置变化的波形，让词序起作用。</translation>
        </message>
        <message>
            <source>Three matrix products give every token three new vectors per head: a query (what it is looking for), a key (what it offers to be found by) and a value (what it passes on). Each head has its own W matrices, so each head can look for something different. In code all heads are one matrix product, X·[W_Q₁ | W_Q₂ | …]; splitting it into heads (the reshape and transpose) only regroups columns, as the outlined blocks show.</source>
            <translation>三次矩阵乘法让每个词在每个头里得到三个新向量：查询（它想找什么）、键（别人凭什么找到它）和值（它要传递的内容）。每个头有自己的 W 矩阵，所以各个头可以关注不同的东西。在代码里，所有头其实是一次矩阵乘法 X·[W_Q₁ | W_Q₂ | …]；把结果分成多个头（reshape 和转置）只是重新分组各列，框出来的块就说明了这一点。</translation>
        </message>
        <message>
            <source>Rotary position embedding turns each pair of entries of a query or a key by an angle proportional to the token's position, each pair at its own speed. A turn keeps a vector's length, and the dot product of two turned vectors depends only on how far apart their angles are: q′ₜ·k′ₛ depends on the distance t − s, not on where the two tokens sit. Values are not turned. "half" pairs entry j with j + d_k/2 (Llama, GPT-NeoX); "interleaved" pairs 2j with 2j+1 (GPT-J): the same idea on other entries, so mixing the two up is a classic porting bug.</source>
            <translation>旋转位置编码（RoPE）把查询和键的分量两两配对，每一对按与词的位置成正比的角度旋转，每一对转得快慢不同。旋转不改变向量的长度，而两个旋转后的向量的点积只取决于它们转过的角度之差：q′ₜ·k′ₛ 只和距离 t − s 有关，与这两个词在句子里的绝对位置无关。值向量不旋转。“half”把第 j 个分量和第 j + d_k/2 个配对（Llama、GPT-NeoX）；“interleaved”把第 2j 个和第 2j+1 个配对（GPT-J）：思路相同，配对的分量不同，所以把两者弄混是移植模型时的经典错误。</translation>
        </message>
        <message>
            <source>With grouped-query attention there are fewer key/value heads than query heads: each key/value head serves g query heads side by side (the first g heads share the first one, and so on). Repeating them lines the shapes up; a real model never copies them, which is why its cache of keys and values is g times smaller. With a single key/value head this is multi-query attention.</source>
            <translation>在分组查询注意力（GQA）中，键/值的头比查询的头少：每个键/值头服务相邻的 g 个查询头（前 g 个头共用第一个，依此类推）。把它们重复一遍只是为了让形状对齐；真正的模型并不复制它们，所以它缓存的键和值只有原来的 g 分之一。只有一个键/值头时，就是多查询注意力（MQA）。</translation>
        </message>
        <message>
            <source>A dot product is large when two vectors point the same way, so row t, column s measures how well token t's query matches token s's key. K is transposed so that its rows (one per token) become columns: then one matrix product computes every query-key pair at once.</source>
            <translation>两个向量方向越一致，点积就越大；所以第 t 行第 s 列衡量的是词 t 的查询和词 s 的键有多匹配。把 K 转置，是为了让它的行（每个词一行）变成列：这样一次矩阵乘法就能算出所有查询和键的配对。</translation>
        </message>
        <message>
            <source>A dot product of d_k random terms grows like √d_k. Dividing by √d_k keeps the scores near unit size whatever d_k is; without it, large d_k pushes softmax towards one-hot rows whose gradients vanish.</source>
            <translation>由 d_k 个随机项相加的点积，大小大约按 √d_k 增长。除以 √d_k 后，不管 d_k 多大，得分都保持在 1 左右；不这样做的话，d_k 一大，softmax 就会趋向只有一个 1 的行，梯度几乎消失。</translation>
        </message>
        <message>
            <source>ALiBi adds no position to the vectors. Instead each head subtracts from every score a penalty that grows in a straight line with the distance between query and key. Each head has its own slope mᵢ, steep for the first head and gentle for the last, so some heads look close by and others far away; since the penalty depends only on distance, it works for sentences longer than any seen in training.</source>
            <translation>ALiBi 不往向量里加任何位置信息，而是让每个头从每个得分里减去一个惩罚，惩罚随查询和键之间的距离线性增大。每个头有自己的斜率 mᵢ：第一个头最陡，最后一个头最平缓，所以有的头只看近处，有的头能看远处。因为惩罚只取决于距离，句子比训练时见过的更长也照样适用。</translation>
        </message>
        <message>
            <source>When a model generates text it must not peek at tokens that come later (the causal mask); a sliding window also hides keys too far back; padding tokens only fill a sentence up to a batch's length, so no query looks at them. Setting those scores to −∞ makes their softmax weight exactly zero.</source>
            <translation>模型生成文本时不能偷看后面的词（因果掩码）；滑动窗口还会遮住太靠前的键；填充词只是把句子补到一批数据的长度，所以没有查询会去看它们。把这些得分设为 −∞，它们的 softmax 权重就正好是 0。</translation>
        </message>
        <message>
            <source>Softmax exponentiates each score and divides by the row's total, so every row becomes positive weights that sum to 1: how token t shares its attention among all tokens. Bigger scores get a disproportionately bigger share.</source>
            <translation>softmax 先对每个得分取指数，再除以这一行的总和，于是每一行都变成和为 1 的正权重：表示词 t 怎样把注意力分给所有词。得分越大，分到的份额会不成比例地更大。</translation>
        </message>
        <message>
            <source>Each token's new vector is the weighted average of all value vectors, using its row of attention weights. A token that attends mostly to one word ends up close to that word's value.</source>
            <translation>每个词的新向量，是用它那一行注意力权重对所有值向量做的加权平均。一个词如果主要关注某个词，结果就会接近那个词的值向量。</translation>
        </message>
        <message>
            <source>The heads' outputs are placed side by side, head 1's columns first. Nothing is computed: it is the split into heads undone.</source>
            <translation>把各个头的输出并排放在一起，第 1 个头的列在最前面。这里没有任何计算：只是把分头的操作还原回去。</translation>
        </message>
        <message>
            <source>W_O mixes what the heads found into one d_model-sized vector per token, so the result can be added back to X in a Transformer layer and heads can combine their findings.</source>
            <translation>W_O 把各个头找到的信息混合成每个词一个 d_model 维的向量，这样结果可以在 Transformer 层里加回 X，各个头的发现也能结合起来。</translation>
        </message>
        <message>
            <source>X = [x₁; x₂; …; xₙ]</source>
            <translation>X = [x₁; x₂; …; xₙ]</translation>
        </message>
        <message>
            <source>Qᵢ = X W_Qᵢ,  Kᵢ = X W_Kᵢ,  Vᵢ = X W_Vᵢ</source>
            <translation>Qᵢ = X W_Qᵢ,  Kᵢ = X W_Kᵢ,  Vᵢ = X W_Vᵢ</translation>
        </message>
        <message>
            <source>q′ₜ = R(t·θ) qₜ,  k′ₛ = R(s·θ) kₛ</source>
            <translation>q′ₜ = R(t·θ) qₜ,  k′ₛ = R(s·θ) kₛ</translation>
        </message>
        <message>
            <source>K_i = K_kv[⌊i / g⌋],  V_i = V_kv[⌊i / g⌋],  g = h / kv_heads</source>
            <translation>K_i = K_kv[⌊i / g⌋],  V_i = V_kv[⌊i / g⌋],  g = h / kv_heads</translation>
        </message>
        <message>
            <source>scoresᵢ = Qᵢ Kᵢᵀ</source>
            <translation>scoresᵢ = Qᵢ Kᵢᵀ</translation>
        </message>
        <message>
            <source>scaledᵢ = scoresᵢ / √d_k</source>
            <translation>scaledᵢ = scoresᵢ / √d_k</translation>
        </message>
        <message>
            <source>biasedᵢ = scaledᵢ − mᵢ·|t − s|</source>
            <translation>biasedᵢ = scaledᵢ − mᵢ·|t − s|</translation>
        </message>
        <message>
            <source>maskedᵢ[t, s] = −∞ for s &gt; t, |t − s| ≥ W, s = pad</source>
            <translation>maskedᵢ[t, s] = −∞，当 s &gt; t、|t − s| ≥ W 或 s 是填充词</translation>
        </message>
        <message>
            <source>Aᵢ = softmax(scaledᵢ)  (row by row)</source>
            <translation>Aᵢ = softmax(scaledᵢ)（逐行计算）</translation>
        </message>
        <message>
            <source>headᵢ = Aᵢ Vᵢ</source>
            <translation>headᵢ = Aᵢ Vᵢ</translation>
        </message>
        <message>
            <source>concat = [head₁ | head₂ | … | head_h]</source>
            <translation>concat = [head₁ | head₂ | … | head_h]</translation>
        </message>
        <message>
            <source>output = concat · W_O</source>
            <translation>output = concat · W_O</translation>
        </message>
        <message>
            <source>({n} tokens × d_model {d_model})</source>
            <translation>（{n} 个词 × d_model {d_model}）</translation>
        </message>
        <message>
            <source>all {h} heads at once: {product}</source>
            <translation>{h} 个头一次算完：{product}</translation>
        </message>
        <message>
            <source>with −∞ above the diagonal</source>
            <translation>对角线以上设为 −∞</translation>
        </message>
        <message>
            <source>{shape}, each row sums to 1</source>
            <translation>{shape}，每行之和为 1</translation>
        </message>
        <message>
            <source>(scaling skipped)</source>
            <translation>（跳过了缩放）</translation>
        </message>
        <message>
            <source>({m} memory tokens: K and V come from them)</source>
            <translation>（{m} 个记忆词：K 和 V 由它们算出）</translation>
        </message>
        <message>
            <source>query heads {first}–{last} share key/value head {shared}</source>
            <translation>查询头 {first}–{last} 共用键/值头 {shared}</translation>
        </message>
        <message>
            <source>pairs (j, j + {half}), angle t · {base}^(−2j/{d_k})</source>
            <translation>配对 (j, j + {half})，角度 t · {base}^(−2j/{d_k})</translation>
        </message>
        <message>
            <source>pairs (2j, 2j + 1), angle t · {base}^(−2j/{d_k})</source>
            <translation>配对 (2j, 2j + 1)，角度 t · {base}^(−2j/{d_k})</translation>
        </message>
        <message>
            <source>slope m{i} = {slope}</source>
            <translation>斜率 m{i} = {slope}</translation>
        </message>
        <message>
            <source>−∞ where s &gt; t</source>
            <translation>s &gt; t 处为 −∞</translation>
        </message>
        <message>
            <source>−∞ where t − s ≥ {window}</source>
            <translation>t − s ≥ {window} 处为 −∞</translation>
        </message>
        <message>
            <source>−∞ where |t − s| ≥ {window}</source>
            <translation>|t − s| ≥ {window} 处为 −∞</translation>
        </message>
        <message>
            <source>−∞ in the padding columns</source>
            <translation>填充词所在的列为 −∞</translation>
        </message>
        <message>
            <source>every step computed in {precision}: about {digits} significant digits</source>
            <translation>每一步都用 {precision} 计算：约 {digits} 位有效数字</translation>
        </message>
        <message>
            <source>RoPE's two pairings swapped: your queries and keys are rotated pairing entries (j, j + d_k/2) where the configuration pairs (2j, 2j + 1), or the other way round.</source>
            <translation>RoPE 的两种配对方式弄反了：你的查询和键按 (j, j + d_k/2) 配对旋转，而配置要求按 (2j, 2j + 1) 配对，或者正好相反。</translation>
        </message>
        <message>
            <source>Use the pairing the model was trained with: half-split (rotate_half; Llama, Qwen, GPT-NeoX) pairs entry j with j + d_k/2, interleaved (GPT-J, the RoFormer paper) pairs 2j with 2j + 1.</source>
            <translation>使用模型训练时的配对方式：对半拆分（rotate_half；Llama、Qwen、GPT-NeoX）把第 j 个分量与第 j + d_k/2 个配对，交错方式（GPT-J、RoFormer 论文）把第 2j 个与第 2j + 1 个配对。</translation>
        </message>
        <message>
            <source>Query positions shifted against key positions: the queries or the keys are rotated by positions off by one (counting from 1, or an offset applied to one side only).</source>
            <translation>查询的位置相对于键的位置错开了：查询或键按差了一的位置旋转（从 1 开始计数，或者只给一侧加了偏移）。</translation>
        </message>
        <message>
            <source>Rotate query t and key s by their own positions 0 … n − 1 (a cache offset goes to both alike); q·k then depends only on t − s.</source>
            <translation>查询 t 和键 s 按各自的位置 0 … n − 1 旋转（缓存偏移要两侧一起加）；这样 q·k 只取决于 t − s。</translation>
        </message>
        <message>
            <source>Key/value heads tiled instead of repeated: query head i uses key/value head i mod kv_heads, where it should use ⌊i / (heads / kv_heads)⌋.</source>
            <translation>键/值头被平铺而不是重复：查询头 i 用了键/值头 i mod kv_heads，而它应该用 ⌊i / (heads / kv_heads)⌋。</translation>
        </message>
        <message>
            <source>Repeat each key/value head for the neighbouring query heads that share it: torch.repeat_interleave(k, heads // kv_heads, dim=head_axis) or HF's repeat_kv, not tile or repeat.</source>
            <translation>把每个键/值头重复给共用它的相邻查询头：用 torch.repeat_interleave(k, heads // kv_heads, dim=head_axis) 或 HF 的 repeat_kv，不要用 tile 或 repeat。</translation>
        </message>
        <message>
            <source>Heads split by a reshape alone: the (n, heads·d) projection was reshaped straight to (heads, n, d), so each head holds pieces of other tokens and other heads.</source>
            <translation>只用 reshape 拆分了头：(n, heads·d) 的投影被直接重排成 (heads, n, d)，于是每个头里混进了其他词和其他头的数。</translation>
        </message>
        <message>
            <source>Reshape to (n, heads, d) first, then swap the first two axes: x.view(n, heads, d).transpose(0, 1).</source>
            <translation>先重排成 (n, heads, d)，再交换前两个轴：x.view(n, heads, d).transpose(0, 1)。</translation>
        </message>
        <message>
            <source>Heads concatenated without the transpose back: the (heads, n, d_v) outputs were reshaped straight to (n, heads·d_v).</source>
            <translation>拼接各头时没有先转置回来：(heads, n, d_v) 的输出被直接重排成 (n, heads·d_v)。</translation>
        </message>
        <message>
            <source>Swap the first two axes to (n, heads, d_v) first, then reshape: out.transpose(0, 1).reshape(n, -1).</source>
            <translation>先交换前两个轴得到 (n, heads, d_v)，再重排：out.transpose(0, 1).reshape(n, -1)。</translation>
        </message>
        <message>
            <source>Softmax over the wrong axis: your attention weights sum to 1 down each column (over the queries) instead of along each row (over the keys).</source>
            <translation>softmax 用错了轴：你的注意力权重是每一列（对查询）加起来为 1，而不是每一行（对键）加起来为 1。</translation>
        </message>
        <message>
            <source>Take the softmax over the last axis, the keys: softmax(scores, dim=-1).</source>
            <translation>在最后一个轴，也就是键的轴上做 softmax：softmax(scores, dim=-1)。</translation>
        </message>
        <message>
            <source>The scale is missing: your scores reach the softmax without being multiplied by the scale (1/√d_k unless another is configured).</source>
            <translation>缺少缩放：你的分数没有乘以缩放因子（若未另行配置，就是 1/√d_k）就进入了 softmax。</translation>
        </message>
        <message>
            <source>Multiply the scores by the scale (divide by √d_k) before the mask and the softmax.</source>
            <translation>在掩码和 softmax 之前，把分数乘以缩放因子（即除以 √d_k）。</translation>
        </message>
        <message>
            <source>Scaled by √d_model instead of √d_k: the scores were divided by the square root of the model's width, not of one head's.</source>
            <translation>用 √d_model 代替了 √d_k：分数除以的是模型宽度的平方根，而不是单个头宽度的平方根。</translation>
        </message>
        <message>
            <source>Divide by √d_k, the width of one head's queries and keys (often d_model / heads).</source>
            <translation>除以 √d_k，其中 d_k 是单个头的查询和键的宽度（通常为 d_model / heads）。</translation>
        </message>
        <message>
            <source>The scale multiplied instead of divided: your scores were multiplied by √d_k (the inverse of the scale).</source>
            <translation>缩放用乘法代替了除法：你的分数乘上了 √d_k（缩放因子的倒数）。</translation>
        </message>
        <message>
            <source>Divide the scores by √d_k (multiply by the scale), do not multiply by √d_k.</source>
            <translation>把分数除以 √d_k（即乘以缩放因子），不要乘以 √d_k。</translation>
        </message>
        <message>
            <source>The mask inverted: the cells that should be hidden were kept and the visible ones hidden (a boolean mask meaning “keep” passed where it means “hide”, or the other way round).</source>
            <translation>掩码反了：应该遮住的单元格被保留，可见的反而被遮住（把表示“保留”的布尔掩码用在了表示“遮住”的地方，或者相反）。</translation>
        </message>
        <message>
            <source>Check the convention of what takes the mask: masked_fill hides where it is True, SDPA's boolean attn_mask keeps where it is True. With the causal mask query t sees keys s ≤ t.</source>
            <translation>检查接收掩码的函数的约定：masked_fill 在 True 处遮住，SDPA 的布尔 attn_mask 在 True 处保留。使用因果掩码时，查询 t 能看到 s ≤ t 的键。</translation>
        </message>
        <message>
            <source>The sliding window one key too wide or too narrow: each query sees W + 1 or W − 1 keys instead of W.</source>
            <translation>滑动窗口宽了或窄了一个键：每个查询看到 W + 1 或 W − 1 个键，而不是 W 个。</translation>
        </message>
        <message>
            <source>With the causal mask query t sees keys t − W &lt; s ≤ t (W keys, itself included, as Mistral's sliding_window); without it |t − s| &lt; W. Check each &lt; against ≤.</source>
            <translation>使用因果掩码时，查询 t 看到满足 t − W &lt; s ≤ t 的键（共 W 个，包括它自己，与 Mistral 的 sliding_window 相同）；不用因果掩码时是 |t − s| &lt; W。逐一核对每个 &lt; 和 ≤。</translation>
        </message>
        <message>
            <source>The attention weights averaged over the heads: one (n, m) matrix where each head has its own, as nn.MultiheadAttention returns them by default (need_weights=True).</source>
            <translation>注意力权重在各头之间取了平均：本该每个头各有一个矩阵，却只有一个 (n, m) 矩阵，这正是 nn.MultiheadAttention 默认（need_weights=True）返回的结果。</translation>
        </message>
        <message>
            <source>Pass average_attn_weights=False to get every head's weights, (heads, n, m).</source>
            <translation>传入 average_attn_weights=False，才能得到每个头的权重，形状为 (heads, n, m)。</translation>
        </message>
        <message>
            <source>The weights used transposed: x·Wᵀ where the configuration computes x·W (square matrices hide this from the shapes).</source>
            <translation>权重被转置使用了：配置计算的是 x·W，你算的却是 x·Wᵀ（方阵的形状看不出这个错误）。</translation>
        </message>
        <message>
            <source>nn.Linear keeps its weight as (out, in) and computes x·Wᵀ; our layout keeps W as (in, out) and computes x·W. Transpose exactly once when converting.</source>
            <translation>nn.Linear 把权重存为 (out, in)，计算 x·Wᵀ；我们的布局把 W 存为 (in, out)，计算 x·W。转换时只转置一次。</translation>
        </message>
        <message>
            <source>ALiBi's slopes for the wrong number of heads: the power-of-two formula 2^(−8i/h) used with a head count other than the paper's rule gives for these heads.</source>
            <translation>ALiBi 的斜率用错了头数：只适用于 2 的幂的公式 2^(−8i/h) 被用在了别的头数上，得到的斜率与论文对这些头给出的规则不同。</translation>
        </message>
        <message>
            <source>For a power-of-two h the slopes are 2^(−8i/h), i = 1…h; otherwise take those of the largest power of two below h and every other slope of twice that power (BLOOM's build_alibi_tensor).</source>
            <translation>当 h 是 2 的幂时，斜率为 2^(−8i/h)，i = 1…h；否则先取小于 h 的最大 2 的幂对应的斜率，再从它两倍对应的斜率中每隔一个取一个补足（BLOOM 的 build_alibi_tensor）。</translation>
        </message>
        <message>
            <source>None of the known mistakes explains the difference (or more than one is made at once).</source>
            <translation>已知的错误都解释不了这个差异（或者同时犯了不止一个错误）。</translation>
        </message>
        <message>
            <source>Look at the first diverging step: compare your matrix with ours cell by cell, starting from the worst cell.</source>
            <translation>看第一个出现差异的步骤：从误差最大的单元格开始，把你的矩阵和我们的逐个单元格比较。</translation>
        </message>
        <message>
            <source>Every step in the dump matches the reference within the tolerance.</source>
            <translation>转储文件中的每一步都在容差范围内与参考实现一致。</translation>
        </message>
        <message>
            <source>Nothing to fix.</source>
            <translation>无需修改。</translation>
        </message>
        <message>
            <source>word vector of {token}</source>
            <translation>{token} 的词向量</translation>
        </message>
        <message>
            <source>positional encoding of position {position}</source>
            <translation>位置 {position} 的位置编码</translation>
        </message>
        <message>
            <source>typed in</source>
            <translation>手动输入的值</translation>
        </message>
        <message>
            <source>hidden state entering layer {layer}</source>
            <translation>进入第 {layer} 层的隐藏状态</translation>
        </message>
        <message>
            <source>θ = {angle}: how far the pair {pair} turns at position {position}</source>
            <translation>θ = {angle}：位置 {position} 上 {pair} 这一对转过的角度</translation>
        </message>
        <message>
            <source>visible: no mask hides {key} from {query}</source>
            <translation>可见：没有掩码对 {query} 遮住 {key}</translation>
        </message>
        <message>
            <source>hidden by the causal mask: {key} comes after {query}</source>
            <translation>被因果掩码遮住：{key} 在 {query} 之后</translation>
        </message>
        <message>
            <source>hidden by the window: {key} is {distance} tokens from {query}, the window is {window}</source>
            <translation>被窗口遮住：{key} 与 {query} 相距 {distance} 个词，窗口为 {window}</translation>
        </message>
        <message>
            <source>hidden: {key} is padding</source>
            <translation>被遮住：{key} 是填充词</translation>
        </message>
        <message>
            <source>subtracting the row's largest logit, {peak}, changes no weight but keeps e^x from overflowing</source>
            <translation>减去这一行最大的得分 {peak} 不会改变任何权重，只是防止 e^x 溢出</translation>
        </message>
        <message>
            <source>a hidden key: its weight is exactly 0</source>
            <translation>被遮住的键：权重正好是 0</translation>
        </message>
        <message>
            <source>every key of this row is hidden: its weights are all 0</source>
            <translation>这一行的键全被遮住：权重全为 0</translation>
        </message>
        <message>
            <source>(masked)</source>
            <translation>（已掩码）</translation>
        </message>
        <message>
            <source>(masked: outside the window)</source>
            <translation>（已掩码：窗口之外）</translation>
        </message>
        <message>
            <source>(masked: padding)</source>
            <translation>（已掩码：填充词）</translation>
        </message>
        <message>
            <source>… {count} more</source>
            <translation>……还有 {count} 个</translation>
        </message>
        <message>
            <source>… {count} more terms</source>
            <translation>……还有 {count} 项</translation>
        </message>
        <message>
            <source>… and {count} more weights</source>
            <translation>……还有 {count} 个权重</translation>
        </message>
        <message>
            <source>{token} may see no key, so every weight is 0</source>
            <translation>{token} 看不到任何键，所以每个权重都是 0</translation>
        </message>
    </context>
</TS>