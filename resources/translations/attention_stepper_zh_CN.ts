<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
    <context>
        <name>BusyIndicator</name>
        <message>
            <location filename="../../gui/step_bar.py" line="258" />
            <source>Computing… the panels show the last result until the new one is ready</source>
            <translation>正在计算……新结果就绪之前，面板显示上一次的结果</translation>
        </message>
    </context>
    <context>
        <name>ControlsPanel</name>
        <message>
            <location filename="../../gui/controls.py" line="361" />
            <source>&amp;Sentence</source>
            <translation>句子(&amp;S)</translation>
        </message>
        <message>
            <location filename="../../gui/controls.py" line="362" />
            <source>&amp;Tokens</source>
            <translation>分词(&amp;T)</translation>
        </message>
        <message>
            <location filename="../../gui/controls.py" line="363" />
            <source>&amp;Heads h</source>
            <translation>头数 h(&amp;H)</translation>
        </message>
        <message>
            <location filename="../../gui/controls.py" line="367" />
            <source>S&amp;eed</source>
            <translation>随机种子(&amp;E)</translation>
        </message>
        <message>
            <location filename="../../gui/controls.py" line="369" />
            <source>Number of attention heads h. Each head has its own W_Q, W_K and W_V (default {0}).</source>
            <translation>注意力头的个数 h。每个头都有自己的 W_Q、W_K 和 W_V(默认 {0})。</translation>
        </message>
        <message>
            <location filename="../../gui/controls.py" line="371" />
            <source>Width of each word vector: the columns of X and of the output (default {0}).</source>
            <translation>每个词向量的维度:X 和输出的列数(默认 {0})。</translation>
        </message>
        <message>
            <location filename="../../gui/controls.py" line="373" />
            <source>Width of queries and keys; the scores are divided by √d_k (default {0}). Free: not tied to d_model / h.</source>
            <translation>查询和键的维度;得分要除以 √d_k(默认 {0})。可以自由设置,不必等于 d_model / h。</translation>
        </message>
        <message>
            <location filename="../../gui/controls.py" line="375" />
            <source>Seed of the random word vectors and weights: same seed, same numbers.</source>
            <translation>随机词向量和权重的种子:种子相同,数字就相同。</translation>
        </message>
        <message>
            <location filename="../../gui/controls.py" line="376" />
            <source>Causal mask</source>
            <translation>因果掩码</translation>
        </message>
        <message>
            <location filename="../../gui/controls.py" line="378" />
            <source>Hide later tokens: each token attends only to itself and earlier tokens (as in GPT).</source>
            <translation>遮住后面的词:每个词只能关注它自己和它前面的词(GPT 就是这样)。</translation>
        </message>
        <message>
            <location filename="../../gui/controls.py" line="379" />
            <source>Positional encoding</source>
            <translation>位置编码</translation>
        </message>
        <message>
            <location filename="../../gui/controls.py" line="381" />
            <source>Add the sinusoidal position pattern to X, so that word order matters.</source>
            <translation>给 X 加上正弦位置编码,让词的顺序产生影响。</translation>
        </message>
        <message>
            <location filename="../../gui/controls.py" line="382" />
            <source>Skip the ÷√d_k scaling</source>
            <translation>跳过 ÷√d_k 缩放</translation>
        </message>
        <message>
            <location filename="../../gui/controls.py" line="384" />
            <source>An experiment: leave the scores unscaled and watch softmax saturate as d_k grows (see the scaling lab). Export records it in the manifest.</source>
            <translation>一个小实验:不缩放得分,看 d_k 变大时 softmax 怎样饱和(见“缩放实验室”)。导出时会记录在 manifest 里。</translation>
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

你的工作仍然保留着,可以继续。</translation>
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
            <translation>当前这一步算的是什么,以及此刻各矩阵的形状</translation>
        </message>
    </context>
    <context>
        <name>Exporter</name>
        <message>
            <location filename="../../gui/exporting.py" line="58" />
            <source>Replace folder?</source>
            <extracomment>The last message shown to the person (tests read it instead of a dialog).</extracomment>
            <translation>替换文件夹?</translation>
        </message>
        <message>
            <location filename="../../gui/exporting.py" line="59" />
            <source>{0} holds an earlier export. Replace it with this one?</source>
            <translation>{0} 里是之前的一次导出。要用这次的导出替换它吗？</translation>
        </message>
        <message>
            <location filename="../../gui/exporting.py" line="66" />
            <source>Folder (*)</source>
            <translation>文件夹 (*)</translation>
        </message>
        <message>
            <location filename="../../gui/exporting.py" line="76" />
            <source>{0} is not empty and is not an earlier export ({1}); nothing was written. Choose a new or empty folder.</source>
            <translation>{0} 不是空的，也不是之前的导出（{1}），什么都没有写入。请选择一个新的或空的文件夹。</translation>
        </message>
        <message>
            <location filename="../../gui/exporting.py" line="81" />
            <source>{0} is not empty; nothing was written.</source>
            <translation>{0} 不是空的;没有写入任何内容。</translation>
        </message>
        <message>
            <location filename="../../gui/exporting.py" line="88" />
            <source>Could not export to {0}: {1}.</source>
            <translation>无法导出到 {0}：{1}。</translation>
        </message>
        <message>
            <location filename="../../gui/exporting.py" line="90" />
            <source>The unfinished folder {0} could not be removed; delete it yourself.</source>
            <translation>未完成的文件夹 {0} 无法删除，请自行删除。</translation>
        </message>
        <message>
            <location filename="../../gui/exporting.py" line="93" />
            <source>The earlier folder is now {0} and the new export took its name {1}; swap them back by hand.</source>
            <translation>之前的文件夹现在位于 {0}，新的导出占用了它的名字 {1}；请手动把它们换回来。</translation>
        </message>
        <message>
            <location filename="../../gui/exporting.py" line="98" />
            <source>Could not export to {0}: {1}. Nothing was written.</source>
            <translation>无法导出到 {0}:{1}。没有写入任何内容。</translation>
        </message>
        <message>
            <location filename="../../gui/exporting.py" line="102" />
            <source>Exported to {0}</source>
            <translation>已导出到 {0}</translation>
        </message>
        <message>
            <location filename="../../gui/exporting.py" line="116" />
            <source>Export all matrices</source>
            <translation>导出全部矩阵</translation>
        </message>
        <message>
            <location filename="../../gui/exporting.py" line="122" />
            <source>Export this step as CSV</source>
            <translation>把这一步导出为 CSV</translation>
        </message>
        <message>
            <location filename="../../gui/exporting.py" line="130" />
            <source>PNG image (*.png);;SVG vector image (*.svg)</source>
            <translation>PNG 图片 (*.png);;SVG 矢量图 (*.svg)</translation>
        </message>
        <message>
            <location filename="../../gui/exporting.py" line="140" />
            <location filename="../../gui/exporting.py" line="203" />
            <source>Could not save {0}: {1}. Nothing was written.</source>
            <translation>无法保存 {0}:{1}。没有写入任何内容。</translation>
        </message>
        <message>
            <location filename="../../gui/exporting.py" line="150" />
            <source>Save panel as picture</source>
            <translation>把面板存为图片</translation>
        </message>
        <message>
            <location filename="../../gui/exporting.py" line="155" />
            <source>Save step view as picture</source>
            <translation>把整步视图存为图片</translation>
        </message>
        <message>
            <location filename="../../gui/exporting.py" line="165" />
            <source>Open weights</source>
            <translation>打开权重</translation>
        </message>
        <message>
            <location filename="../../gui/exporting.py" line="168" />
            <source>Weights (*.npz)</source>
            <translation>权重 (*.npz)</translation>
        </message>
        <message>
            <location filename="../../gui/exporting.py" line="179" />
            <source>Could not use {0}: {1}</source>
            <translation>无法使用 {0}:{1}</translation>
        </message>
        <message>
            <location filename="../../gui/exporting.py" line="182" />
            <source>Using the weights from {0}</source>
            <translation>正在使用 {0} 中的权重</translation>
        </message>
        <message>
            <location filename="../../gui/exporting.py" line="188" />
            <source>Save weights</source>
            <translation>保存权重</translation>
        </message>
        <message>
            <location filename="../../gui/exporting.py" line="189" />
            <source>Attention Stepper weights (*.npz)</source>
            <translation>Attention Stepper 权重 (*.npz)</translation>
        </message>
        <message>
            <location filename="../../gui/exporting.py" line="189" />
            <source>PyTorch MultiheadAttention layout (*.npz)</source>
            <translation>PyTorch MultiheadAttention 格式 (*.npz)</translation>
        </message>
        <message>
            <location filename="../../gui/exporting.py" line="216" />
            <source>Copied {0} to the clipboard</source>
            <translation>已把 {0} 复制到剪贴板</translation>
        </message>
    </context>
    <context>
        <name>HeadSelector</name>
        <message>
            <location filename="../../gui/step_bar.py" line="216" />
            <source>Show all heads side by side, or one head large</source>
            <translation>并排显示所有头,或者放大显示一个头</translation>
        </message>
        <message>
            <location filename="../../gui/step_bar.py" line="227" />
            <source>All heads</source>
            <translation>全部头</translation>
        </message>
        <message>
            <location filename="../../gui/step_bar.py" line="231" />
            <source>Head {0}</source>
            <translation>第 {0} 个头</translation>
        </message>
    </context>
    <context>
        <name>HeadStatisticsView</name>
        <message>
            <location filename="../../gui/head_stats.py" line="129" />
            <source>Every head's attention weights side by side: heads with their own W matrices look at the sentence differently. Low entropy means a head focuses on few tokens; the distance says how far away (in tokens) a query looks on average.</source>
            <translation>并排显示每个头的注意力权重:各个头有自己的 W 矩阵,看句子的方式也不同。熵低表示这个头只关注少数几个词;距离表示一个查询平均往多远(以词计)的地方看。</translation>
        </message>
        <message>
            <location filename="../../gui/head_stats.py" line="133" />
            <source>Head</source>
            <translation>头</translation>
        </message>
        <message>
            <location filename="../../gui/head_stats.py" line="133" />
            <source>Mean entropy (nats)</source>
            <translation>平均熵(奈特)</translation>
        </message>
        <message>
            <location filename="../../gui/head_stats.py" line="133" />
            <source>Mean distance (tokens)</source>
            <translation>平均距离(词)</translation>
        </message>
        <message>
            <location filename="../../gui/head_stats.py" line="134" />
            <source>Most attended token, per query</source>
            <translation>每个查询最关注的词</translation>
        </message>
    </context>
    <context>
        <name>MainWindow</name>
        <message>
            <location filename="../../gui/main_window.py" line="184" />
            <source>Attention Stepper</source>
            <translation>注意力分步演示 (Attention Stepper)</translation>
        </message>
        <message>
            <location filename="../../gui/main_window.py" line="186" />
            <source>&amp;Export all matrices…</source>
            <translation>导出全部矩阵(&amp;E)…</translation>
        </message>
        <message>
            <location filename="../../gui/main_window.py" line="187" />
            <source>Write every matrix as CSV, with manifest.json and weights.npz</source>
            <translation>把每个矩阵写成 CSV,并附带 manifest.json 和 weights.npz</translation>
        </message>
        <message>
            <location filename="../../gui/main_window.py" line="188" />
            <source>Export this &amp;step as CSV…</source>
            <translation>把这一步导出为 CSV(&amp;S)…</translation>
        </message>
        <message>
            <location filename="../../gui/main_window.py" line="189" />
            <source>Write the matrices of the current step as CSV files</source>
            <translation>把当前这一步的矩阵写成 CSV 文件</translation>
        </message>
        <message>
            <location filename="../../gui/main_window.py" line="190" />
            <source>Save panel as &amp;picture (PNG, SVG)…</source>
            <translation>把面板存为图片(PNG、SVG)(&amp;P)…</translation>
        </message>
        <message>
            <location filename="../../gui/main_window.py" line="191" />
            <source>Save the selected panel (click a cell to select it) as PNG or SVG</source>
            <translation>把选中的面板(点击单元格即可选中)存为 PNG 或 SVG</translation>
        </message>
        <message>
            <location filename="../../gui/main_window.py" line="192" />
            <source>Save step &amp;view as picture (PNG, SVG)…</source>
            <translation>把整步视图存为图片(PNG、SVG)(&amp;V)…</translation>
        </message>
        <message>
            <location filename="../../gui/main_window.py" line="193" />
            <source>Save all panels of the current step as PNG or SVG</source>
            <translation>把当前这一步的所有面板存为 PNG 或 SVG</translation>
        </message>
        <message>
            <location filename="../../gui/main_window.py" line="194" />
            <source>&amp;Copy matrix</source>
            <translation>复制矩阵(&amp;C)</translation>
        </message>
        <message>
            <location filename="../../gui/main_window.py" line="195" />
            <source>Copy the selected matrix as tab-separated text for a spreadsheet</source>
            <translation>把选中的矩阵复制为制表符分隔的文本,可直接粘贴到电子表格</translation>
        </message>
        <message>
            <location filename="../../gui/main_window.py" line="196" />
            <source>&amp;Quit</source>
            <translation>退出(&amp;Q)</translation>
        </message>
        <message>
            <location filename="../../gui/main_window.py" line="196" />
            <source>Quit Attention Stepper</source>
            <translation>退出本程序</translation>
        </message>
        <message>
            <location filename="../../gui/main_window.py" line="197" />
            <source>&amp;Open weights…</source>
            <translation>打开权重(&amp;O)…</translation>
        </message>
        <message>
            <location filename="../../gui/main_window.py" line="198" />
            <source>Use W_Q, W_K, W_V and W_O from an .npz file (ours, or PyTorch's MultiheadAttention layout)</source>
            <translation>使用 .npz 文件里的 W_Q、W_K、W_V 和 W_O(本程序的格式,或 PyTorch MultiheadAttention 的格式)</translation>
        </message>
        <message>
            <location filename="../../gui/main_window.py" line="199" />
            <source>Save &amp;weights…</source>
            <translation>保存权重(&amp;W)…</translation>
        </message>
        <message>
            <location filename="../../gui/main_window.py" line="200" />
            <source>Save the current weights as .npz, in our layout or PyTorch's (needs d_k = d_v = d_model / h)</source>
            <translation>把当前权重存为 .npz,可选本程序的格式或 PyTorch 的格式(后者要求 d_k = d_v = d_model / h)</translation>
        </message>
        <message>
            <location filename="../../gui/main_window.py" line="201" />
            <source>&amp;Reset weights</source>
            <translation>重置权重(&amp;R)</translation>
        </message>
        <message>
            <location filename="../../gui/main_window.py" line="202" />
            <source>Go back to the seeded random weights</source>
            <translation>回到按种子生成的随机权重</translation>
        </message>
        <message>
            <location filename="../../gui/main_window.py" line="203" />
            <source>&amp;Open session…</source>
            <translation>打开会话(&amp;O)…</translation>
        </message>
        <message>
            <location filename="../../gui/main_window.py" line="204" />
            <source>Open a saved session: sentence, parameters, weights and edited cells</source>
            <translation>打开保存过的会话:句子、参数、权重和改过的单元格</translation>
        </message>
        <message>
            <location filename="../../gui/main_window.py" line="205" />
            <source>&amp;Save session…</source>
            <translation>保存会话(&amp;S)…</translation>
        </message>
        <message>
            <location filename="../../gui/main_window.py" line="206" />
            <source>Save the sentence, every parameter, the weights and edited cells in one file</source>
            <translation>把句子、所有参数、权重和改过的单元格保存到一个文件里</translation>
        </message>
        <message>
            <location filename="../../gui/main_window.py" line="207" />
            <source>&amp;Reset edited cells</source>
            <translation>还原改过的单元格(&amp;R)</translation>
        </message>
        <message>
            <location filename="../../gui/main_window.py" line="208" />
            <source>Return every cell you typed over (marked with an orange corner) to its value</source>
            <translation>把你改过的每个单元格(右上角有橙色标记)恢复原值</translation>
        </message>
        <message>
            <location filename="../../gui/main_window.py" line="209" />
            <source>&amp;Next step</source>
            <translation>下一步(&amp;N)</translation>
        </message>
        <message>
            <location filename="../../gui/main_window.py" line="210" />
            <source>&amp;Previous step</source>
            <translation>上一步(&amp;P)</translation>
        </message>
        <message>
            <location filename="../../gui/main_window.py" line="211" />
            <source>&amp;First step</source>
            <translation>第一步(&amp;F)</translation>
        </message>
        <message>
            <location filename="../../gui/main_window.py" line="212" />
            <source>&amp;Last step</source>
            <translation>最后一步(&amp;L)</translation>
        </message>
        <message>
            <location filename="../../gui/main_window.py" line="213" />
            <source>Play / &amp;pause</source>
            <translation>播放 / 暂停(&amp;P)</translation>
        </message>
        <message>
            <location filename="../../gui/main_window.py" line="214" />
            <source>&amp;All heads</source>
            <translation>全部头(&amp;A)</translation>
        </message>
        <message>
            <location filename="../../gui/main_window.py" line="214" />
            <source>Show every head side by side</source>
            <translation>并排显示每一个头</translation>
        </message>
        <message>
            <location filename="../../gui/main_window.py" line="215" />
            <source>&amp;How to read this</source>
            <translation>怎么看这些图(&amp;H)</translation>
        </message>
        <message>
            <location filename="../../gui/main_window.py" line="216" />
            <source>&amp;About Attention Stepper</source>
            <translation>关于本程序(&amp;A)</translation>
        </message>
        <message>
            <location filename="../../gui/main_window.py" line="222" />
            <source>Steps</source>
            <translation>分步</translation>
        </message>
        <message>
            <location filename="../../gui/main_window.py" line="223" />
            <source>A token's journey</source>
            <translation>一个词的旅程</translation>
        </message>
        <message>
            <location filename="../../gui/main_window.py" line="224" />
            <source>Head statistics</source>
            <translation>各头统计</translation>
        </message>
        <message>
            <location filename="../../gui/main_window.py" line="225" />
            <source>Scaling lab: why √d_k</source>
            <translation>缩放实验室:为什么除以 √d_k</translation>
        </message>
        <message>
            <location filename="../../gui/main_window.py" line="226" />
            <source>Walk through the computation one step at a time</source>
            <translation>一步一步地走完整个计算</translation>
        </message>
        <message>
            <location filename="../../gui/main_window.py" line="227" />
            <source>One token through one head: dot products, softmax, weighted sum</source>
            <translation>跟着一个词走过一个头:点积、softmax、加权求和</translation>
        </message>
        <message>
            <location filename="../../gui/main_window.py" line="228" />
            <source>Compare all heads: their attention, entropy and distance</source>
            <translation>比较所有的头:注意力、熵和距离</translation>
        </message>
        <message>
            <location filename="../../gui/main_window.py" line="229" />
            <source>Entropy and largest weight against d_k, with and without scaling</source>
            <translation>有缩放和没缩放时,熵和最大权重随 d_k 的变化</translation>
        </message>
        <message>
            <location filename="../../gui/main_window.py" line="230" />
            <source>&amp;File</source>
            <translation>文件(&amp;F)</translation>
        </message>
        <message>
            <location filename="../../gui/main_window.py" line="231" />
            <source>Recent &amp;sessions</source>
            <translation>最近的会话(&amp;S)</translation>
        </message>
        <message>
            <location filename="../../gui/main_window.py" line="233" />
            <source>&amp;Edit</source>
            <translation>编辑(&amp;E)</translation>
        </message>
        <message>
            <location filename="../../gui/main_window.py" line="234" />
            <source>&amp;Step</source>
            <translation>步骤(&amp;S)</translation>
        </message>
        <message>
            <location filename="../../gui/main_window.py" line="235" />
            <source>&amp;View</source>
            <translation>视图(&amp;V)</translation>
        </message>
        <message>
            <location filename="../../gui/main_window.py" line="236" />
            <source>&amp;Language</source>
            <translation>语言(&amp;L)</translation>
        </message>
        <message>
            <location filename="../../gui/main_window.py" line="237" />
            <source>&amp;Help</source>
            <translation>帮助(&amp;H)</translation>
        </message>
        <message>
            <location filename="../../gui/main_window.py" line="255" />
            <source>(none yet)</source>
            <translation>(还没有)</translation>
        </message>
        <message>
            <location filename="../../gui/main_window.py" line="266" />
            <source>Edit a cell</source>
            <translation>修改单元格</translation>
        </message>
        <message>
            <location filename="../../gui/main_window.py" line="267" />
            <source>New value for {0}[{1}, {2}] (every later matrix is recomputed):</source>
            <translation>{0}[{1}, {2}] 的新值(后面的所有矩阵都会重新计算):</translation>
        </message>
        <message>
            <location filename="../../gui/main_window.py" line="294" />
            <source>{0} tokens · {1} heads · d_model {2} · d_k {3} · d_v {4}</source>
            <translation>{0} 个词 · {1} 个头 · d_model {2} · d_k {3} · d_v {4}</translation>
        </message>
        <message>
            <location filename="../../gui/main_window.py" line="298" />
            <source>About Attention Stepper</source>
            <translation>关于本程序</translation>
        </message>
        <message>
            <location filename="../../gui/main_window.py" line="299" />
            <source>&lt;h3&gt;Attention Stepper {0}&lt;/h3&gt;&lt;p&gt;Watch multi-head self-attention being computed one step at a time: embed, project, QKᵀ, scale, mask, softmax, A·V, concat and W_O, with every matrix on screen and exportable as CSV.&lt;/p&gt;&lt;p&gt;The numbers come from a NumPy reference implementation with random, seeded word vectors and weights: it shows how attention computes, not what a trained model has learnt.&lt;/p&gt;</source>
            <translation>&lt;h3&gt;注意力分步演示 (Attention Stepper) {0}&lt;/h3&gt;&lt;p&gt;一步一步地看多头自注意力是怎么算出来的:嵌入、投影、QKᵀ、缩放、掩码、softmax、A·V、拼接和 W_O,每个矩阵都显示在屏幕上,也都能导出为 CSV。&lt;/p&gt;&lt;p&gt;这些数字来自一个 NumPy 参考实现,词向量和权重是按种子随机生成的:它展示的是注意力怎样计算,而不是训练好的模型学到了什么。&lt;/p&gt;</translation>
        </message>
        <message>
            <location filename="../../gui/main_window.py" line="309" />
            <source>How to read this</source>
            <translation>怎么看这些图</translation>
        </message>
    </context>
    <context>
        <name>MatrixPanel</name>
        <message>
            <location filename="../../gui/heatmap/panel.py" line="255" />
            <source>(masked)</source>
            <extracomment>Text for the cell under the mouse, e.g. "scores₁[爱, 机器] = 0.4187 (row 2, column 3)"; "" on leaving. Row and column (0-based) of a clicked cell. A cell of an editable panel was double-clicked (row, column): the person wants to type a value. A label on an axis was clicked: ("row", index) on the left axis, ("column", index) on the top one.</extracomment>
            <translation>(已掩码)</translation>
        </message>
        <message>
            <location filename="../../gui/heatmap/panel.py" line="258" />
            <source>(row {0}, column {1})</source>
            <translation>(第 {0} 行,第 {1} 列)</translation>
        </message>
        <message>
            <source>Blue is negative, red positive, pale grey near zero; the colour bar gives the scale (symmetric around 0). Hatched grey cells are masked (−∞).
Hover a cell for its value; click to select this matrix; drag to pan, Ctrl+wheel to zoom, double-click to show the whole matrix again.</source>
            <translation>蓝色为负,红色为正,接近 0 时为浅灰;色条给出刻度(以 0 为中心对称)。带斜线的灰色单元格被掩码遮住(−∞)。
鼠标悬停可看数值;单击选中这个矩阵;拖动可平移,Ctrl+滚轮缩放,双击恢复显示整个矩阵。</translation>
        </message>
        <message>
            <source>Dark purple is 0, yellow is 1 (each row sums to 1). Hatched grey cells are masked.
Hover a cell for its value; click to select this matrix; drag to pan, Ctrl+wheel to zoom, double-click to show the whole matrix again.</source>
            <translation>深紫色为 0,黄色为 1(每行之和为 1)。带斜线的灰色单元格被掩码遮住。
鼠标悬停可看数值;单击选中这个矩阵;拖动可平移,Ctrl+滚轮缩放,双击恢复显示整个矩阵。</translation>
        </message>
    </context>
    <context>
        <name>Navigator</name>
        <message>
            <location filename="../../gui/step_bar.py" line="149" />
            <source>First step (Home)</source>
            <translation>第一步 (Home)</translation>
        </message>
        <message>
            <location filename="../../gui/step_bar.py" line="150" />
            <source>Previous step (←)</source>
            <translation>上一步 (←)</translation>
        </message>
        <message>
            <location filename="../../gui/step_bar.py" line="151" />
            <source>Play / pause (Space): step forward automatically</source>
            <translation>播放 / 暂停(空格):自动一步步往前走</translation>
        </message>
        <message>
            <location filename="../../gui/step_bar.py" line="152" />
            <source>Next step (→)</source>
            <translation>下一步 (→)</translation>
        </message>
        <message>
            <location filename="../../gui/step_bar.py" line="153" />
            <source>Last step (End)</source>
            <translation>最后一步 (End)</translation>
        </message>
        <message>
            <location filename="../../gui/step_bar.py" line="154" />
            <source> s/step</source>
            <translation> 秒/步</translation>
        </message>
        <message>
            <location filename="../../gui/step_bar.py" line="155" />
            <source>Seconds per step while playing</source>
            <translation>播放时每一步停留的秒数</translation>
        </message>
    </context>
    <context>
        <name>NumberSpinBox</name>
        <message>
            <location filename="../../gui/controls.py" line="181" />
            <source>Allowed: {0} to {1}.</source>
            <translation>允许范围:{0} 到 {1}。</translation>
        </message>
        <message>
            <location filename="../../gui/controls.py" line="209" />
            <source>{0} takes whole numbers from {1} to {2} (digits 0–9); that key was not taken.</source>
            <translation>{0} 只接受 {1} 到 {2} 的整数（数字 0–9）；刚才的按键没有被接受。</translation>
        </message>
    </context>
    <context>
        <name>ScalingLab</name>
        <message>
            <location filename="../../gui/scaling_lab.py" line="142" />
            <source>Why divide by √d_k? With random queries and keys, a dot product of d_k terms grows like √d_k. Without the scaling (red, dashed) softmax saturates as d_k grows: the entropy falls and one token takes almost all the weight. With it (blue) the attention stays spread out at every d_k. The green line is the current d_k.</source>
            <extracomment>How long the lab waits after a change before recomputing (several forward passes).</extracomment>
            <translation>为什么要除以 √d_k?查询和键是随机的时候,d_k 项相加的点积大约按 √d_k 增长。不缩放(红色虚线)时,d_k 越大 softmax 越饱和:熵下降,几乎所有权重都落到一个词上。缩放后(蓝色)不管 d_k 多大,注意力都保持分散。绿线是当前的 d_k。</translation>
        </message>
        <message>
            <location filename="../../gui/scaling_lab.py" line="153" />
            <source>Mean softmax entropy</source>
            <translation>softmax 的平均熵</translation>
        </message>
        <message>
            <location filename="../../gui/scaling_lab.py" line="154" />
            <source>Mean largest attention weight</source>
            <translation>平均最大注意力权重</translation>
        </message>
        <message>
            <location filename="../../gui/scaling_lab.py" line="156" />
            <source>d_k (log scale)</source>
            <translation>d_k(对数刻度)</translation>
        </message>
        <message>
            <location filename="../../gui/scaling_lab.py" line="157" />
            <source>entropy (nats)</source>
            <translation>熵(奈特)</translation>
        </message>
        <message>
            <location filename="../../gui/scaling_lab.py" line="158" />
            <source>largest weight</source>
            <translation>最大权重</translation>
        </message>
        <message>
            <location filename="../../gui/scaling_lab.py" line="163" />
            <source>scaled: softmax(QKᵀ/√d_k)</source>
            <translation>缩放:softmax(QKᵀ/√d_k)</translation>
        </message>
        <message>
            <location filename="../../gui/scaling_lab.py" line="164" />
            <source>unscaled: softmax(QKᵀ)</source>
            <translation>不缩放:softmax(QKᵀ)</translation>
        </message>
        <message>
            <location filename="../../gui/scaling_lab.py" line="165" />
            <source>even attention (ln n)</source>
            <translation>均匀注意力(ln n)</translation>
        </message>
        <message>
            <location filename="../../gui/scaling_lab.py" line="146" />
            <source>Computed by the core for d_k = 1, 2, 4 … 512 with the current sentence, heads, d_model and seed</source>
            <translation>由核心按当前的句子、头数、d_model 和种子,对 d_k = 1, 2, 4 … 512 计算得到</translation>
        </message>
    </context>
    <context>
        <name>SentenceEdit</name>
        <message>
            <location filename="../../gui/controls.py" line="126" />
            <source>Type a sentence, e.g. 我 爱 机器 学习 or 猫吃鱼</source>
            <extracomment>How long typing must pause before the sentence is recomputed. How long typing in a number box must pause before the number is committed (Enter commits at once). The text colour of a value the model refused. Emitted when the debounced text has been handed to the model.</extracomment>
            <translation>输入一个句子,例如 我 爱 机器 学习 或 猫吃鱼</translation>
        </message>
        <message>
            <location filename="../../gui/controls.py" line="128" />
            <source>The text to attend over. Words are split at spaces; Chinese typed without any spaces is split into single characters. At most {0} tokens.</source>
            <translation>要做注意力计算的文本。按空格切分词语;完全不带空格的中文会按单个汉字切分。最多 {0} 个词。</translation>
        </message>
        <message>
            <location filename="../../gui/controls.py" line="151" />
            <source>The sentence box holds at most {0} characters; the rest was not taken.</source>
            <translation>句子输入框最多容纳 {0} 个字符，超出的部分未被接收。</translation>
        </message>
    </context>
    <context>
        <name>SessionActions</name>
        <message>
            <location filename="../../gui/sessions.py" line="64" />
            <source>Session</source>
            <extracomment>The list of recent sessions changed (the menu rebuilds itself).</extracomment>
            <translation>会话</translation>
        </message>
        <message>
            <location filename="../../gui/sessions.py" line="71" />
            <source>Save session</source>
            <translation>保存会话</translation>
        </message>
        <message>
            <location filename="../../gui/sessions.py" line="72" />
            <source>Attention Stepper sessions (*{0})</source>
            <translation>Attention Stepper 会话 (*{0})</translation>
        </message>
        <message>
            <location filename="../../gui/sessions.py" line="82" />
            <source>Could not save {0}: {1}. Nothing was written.</source>
            <translation>无法保存 {0}:{1}。没有写入任何内容。</translation>
        </message>
        <message>
            <location filename="../../gui/sessions.py" line="86" />
            <source>Saved {0}</source>
            <translation>已保存 {0}</translation>
        </message>
        <message>
            <location filename="../../gui/sessions.py" line="93" />
            <source>Open session</source>
            <translation>打开会话</translation>
        </message>
        <message>
            <location filename="../../gui/sessions.py" line="94" />
            <source>Attention Stepper sessions (*{0});;All files (*)</source>
            <translation>Attention Stepper 会话 (*{0});;所有文件 (*)</translation>
        </message>
        <message>
            <location filename="../../gui/sessions.py" line="105" />
            <source>Could not open {0}: {1}</source>
            <translation>无法打开 {0}:{1}</translation>
        </message>
        <message>
            <location filename="../../gui/sessions.py" line="108" />
            <source>Opened {0}</source>
            <translation>已打开 {0}</translation>
        </message>
    </context>
    <context>
        <name>StageButtons</name>
        <message>
            <location filename="../../gui/step_bar.py" line="71" />
            <source>embed</source>
            <extracomment>A computation that runs longer than this shows the busy indicator (a shorter one would only flicker).</extracomment>
            <translation>嵌入</translation>
        </message>
        <message>
            <location filename="../../gui/step_bar.py" line="72" />
            <source>project</source>
            <translation>投影</translation>
        </message>
        <message>
            <location filename="../../gui/step_bar.py" line="74" />
            <source>share K, V</source>
            <translation>共享 K、V</translation>
        </message>
        <message>
            <location filename="../../gui/step_bar.py" line="78" />
            <source>mask</source>
            <translation>掩码</translation>
        </message>
        <message>
            <location filename="../../gui/step_bar.py" line="81" />
            <source>concat</source>
            <translation>拼接</translation>
        </message>
    </context>
    <context>
        <name>StepView</name>
        <message>
            <location filename="../../gui/step_view.py" line="216" />
            <source>head {0}</source>
            <extracomment>Weight matrices are shown per head only when one head is chosen (all heads would be too many panels). More matrices than this for one head are laid out in two rows. Hover text of the cell under the mouse ("" when it leaves). A cell was clicked: (matrix key, head or -1, row, column). A cell of X or a W matrix was double-clicked to type a value: (matrix key, head or -1, row, column). A token's label was clicked on an axis: the token's index (0-based).</extracomment>
            <translation>头 {0}</translation>
        </message>
        <message>
            <location filename="../../gui/step_view.py" line="234" />
            <source>Choose one head to see its W_Q, W_K and W_V as well.</source>
            <translation>选择一个头,就能同时看到它的 W_Q、W_K 和 W_V。</translation>
        </message>
    </context>
    <context>
        <name>TokenJourneyView</name>
        <message>
            <location filename="../../gui/journey_view.py" line="209" />
            <source>head {0} (choose a head above the panels; with all heads, head 1)</source>
            <extracomment>Each bar's value is written on it up to this many tokens (beyond, hover the arithmetic or the panels). The person picked another token (0-based).</extracomment>
            <translation>第 {0} 个头(在面板上方选择头;选“全部头”时显示第 1 个头)</translation>
        </message>
        <message>
            <location filename="../../gui/journey_view.py" line="230" />
            <source>Follow one token through one head: its query is compared with every key (dot products), scaled by √d_k, turned into weights by softmax, and its output is the weighted sum of the value vectors. Click a token on any panel, or pick it here; its row is outlined in every panel.</source>
            <translation>跟着一个词走过一个头:它的查询和每个键比较(点积),除以 √d_k,经 softmax 变成权重,它的输出就是值向量的加权和。在任意面板上点击一个词,或在这里选择;它所在的行会在每个面板里框出来。</translation>
        </message>
        <message>
            <location filename="../../gui/journey_view.py" line="239" />
            <source>q·k for every key</source>
            <translation>与每个键的点积 q·k</translation>
        </message>
        <message>
            <location filename="../../gui/journey_view.py" line="240" />
            <source>÷√d_k (grey: masked)</source>
            <translation>÷√d_k(灰色:被掩码)</translation>
        </message>
        <message>
            <location filename="../../gui/journey_view.py" line="241" />
            <source>softmax weights (sum 1)</source>
            <translation>softmax 权重(和为 1)</translation>
        </message>
        <message>
            <location filename="../../gui/journey_view.py" line="233" />
            <source>The token to follow</source>
            <translation>要跟踪的词</translation>
        </message>
    </context>
    <context>
        <name>TokenizerChoice</name>
        <message>
            <location filename="../../gui/controls.py" line="305" />
            <source>White space (default)</source>
            <translation>按空格(默认)</translation>
        </message>
        <message>
            <location filename="../../gui/controls.py" line="306" />
            <source>Characters (每个汉字一个词)</source>
            <translation>按字(每个汉字一个词)</translation>
        </message>
        <message>
            <location filename="../../gui/controls.py" line="307" />
            <source>jieba word segmentation</source>
            <translation>jieba 分词</translation>
        </message>
        <message>
            <location filename="../../gui/controls.py" line="309" />
            <source>Install the optional package: pip install attention-stepper[zh]</source>
            <translation>请安装可选包:pip install attention-stepper[zh]</translation>
        </message>
        <message>
            <location filename="../../gui/controls.py" line="313" />
            <source>{0} (not installed)</source>
            <translation>{0}(未安装)</translation>
        </message>
        <message>
            <location filename="../../gui/controls.py" line="316" />
            <source>How the sentence is split into tokens. jieba segments Chinese into words, so 我爱机器学习 becomes 我 / 爱 / 机器 / 学习 without typing spaces.</source>
            <translation>句子怎样切分成词。jieba 会把中文切成词语,不用输入空格,我爱机器学习 就会变成 我 / 爱 / 机器 / 学习。</translation>
        </message>
    </context>
    <context>
        <name>ValueDimControl</name>
        <message>
            <location filename="../../gui/controls.py" line="238" />
            <source>Width of the value vectors (and of each head's output).</source>
            <translation>值向量(也就是每个头输出)的维度。</translation>
        </message>
        <message>
            <location filename="../../gui/controls.py" line="239" />
            <source>Allowed: {0} to {1}.</source>
            <translation>允许范围:{0} 到 {1}。</translation>
        </message>
        <message>
            <location filename="../../gui/controls.py" line="240" />
            <source>Keep d_v equal to d_k, as in most Transformers</source>
            <translation>让 d_v 始终等于 d_k,大多数 Transformer 都是这样</translation>
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
            <translation>按位置旋转查询和键(RoPE)</translation>
        </message>
        <message>
            <source>Share key and value heads (grouped-query attention)</source>
            <translation>共享键和值的头(分组查询注意力)</translation>
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
            <translation>按距离扣分(ALiBi)</translation>
        </message>
        <message>
            <source>Hide later, distant and padding tokens (mask)</source>
            <translation>遮住后面的词、窗口外的词和填充词(掩码)</translation>
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
            <translation>每个词变成一行数字,也就是它的词向量。把这些行叠起来就是 X,每个词占一行。同一个词总是得到同一行;打开位置编码后,会再加上一个随位置变化的波形,让词序起作用。</translation>
        </message>
        <message>
            <source>Three matrix products give every token three new vectors per head: a query (what it is looking for), a key (what it offers to be found by) and a value (what it passes on). Each head has its own W matrices, so each head can look for something different. In code all heads are one matrix product, X·[W_Q₁ | W_Q₂ | …]; splitting it into heads (the reshape and transpose) only regroups columns, as the outlined blocks show.</source>
            <translation>三次矩阵乘法让每个词在每个头里得到三个新向量:查询(它想找什么)、键(别人凭什么找到它)和值(它要传递的内容)。每个头有自己的 W 矩阵,所以各个头可以关注不同的东西。在代码里,所有头其实是一次矩阵乘法 X·[W_Q₁ | W_Q₂ | …];把结果分成多个头(reshape 和转置)只是重新分组各列,框出来的块就说明了这一点。</translation>
        </message>
        <message>
            <source>Rotary position embedding turns each pair of entries of a query or a key by an angle proportional to the token's position, each pair at its own speed. A turn keeps a vector's length, and the dot product of two turned vectors depends only on how far apart their angles are: q′ₜ·k′ₛ depends on the distance t − s, not on where the two tokens sit. Values are not turned. "half" pairs entry j with j + d_k/2 (Llama, GPT-NeoX); "interleaved" pairs 2j with 2j+1 (GPT-J): the same idea on other entries, so mixing the two up is a classic porting bug.</source>
            <translation>旋转位置编码(RoPE)把查询和键的分量两两配对,每一对按与词的位置成正比的角度旋转,每一对转得快慢不同。旋转不改变向量的长度,而两个旋转后的向量的点积只取决于它们转过的角度之差:q′ₜ·k′ₛ 只和距离 t − s 有关,与这两个词在句子里的绝对位置无关。值向量不旋转。“half”把第 j 个分量和第 j + d_k/2 个配对(Llama、GPT-NeoX);“interleaved”把第 2j 个和第 2j+1 个配对(GPT-J):思路相同,配对的分量不同,所以把两者弄混是移植模型时的经典错误。</translation>
        </message>
        <message>
            <source>With grouped-query attention there are fewer key/value heads than query heads: each key/value head serves g query heads side by side (the first g heads share the first one, and so on). Repeating them lines the shapes up; a real model never copies them, which is why its cache of keys and values is g times smaller. With a single key/value head this is multi-query attention.</source>
            <translation>在分组查询注意力(GQA)中,键/值的头比查询的头少:每个键/值头服务相邻的 g 个查询头(前 g 个头共用第一个,依此类推)。把它们重复一遍只是为了让形状对齐;真正的模型并不复制它们,所以它缓存的键和值只有原来的 g 分之一。只有一个键/值头时,就是多查询注意力(MQA)。</translation>
        </message>
        <message>
            <source>A dot product is large when two vectors point the same way, so row t, column s measures how well token t's query matches token s's key. K is transposed so that its rows (one per token) become columns: then one matrix product computes every query-key pair at once.</source>
            <translation>两个向量方向越一致,点积就越大;所以第 t 行第 s 列衡量的是词 t 的查询和词 s 的键有多匹配。把 K 转置,是为了让它的行(每个词一行)变成列:这样一次矩阵乘法就能算出所有查询和键的配对。</translation>
        </message>
        <message>
            <source>A dot product of d_k random terms grows like √d_k. Dividing by √d_k keeps the scores near unit size whatever d_k is; without it, large d_k pushes softmax towards one-hot rows whose gradients vanish.</source>
            <translation>由 d_k 个随机项相加的点积,大小大约按 √d_k 增长。除以 √d_k 后,不管 d_k 多大,得分都保持在 1 左右;不这样做的话,d_k 一大,softmax 就会趋向只有一个 1 的行,梯度几乎消失。</translation>
        </message>
        <message>
            <source>ALiBi adds no position to the vectors. Instead each head subtracts from every score a penalty that grows in a straight line with the distance between query and key. Each head has its own slope mᵢ, steep for the first head and gentle for the last, so some heads look close by and others far away; since the penalty depends only on distance, it works for sentences longer than any seen in training.</source>
            <translation>ALiBi 不往向量里加任何位置信息,而是让每个头从每个得分里减去一个惩罚,惩罚随查询和键之间的距离线性增大。每个头有自己的斜率 mᵢ:第一个头最陡,最后一个头最平缓,所以有的头只看近处,有的头能看远处。因为惩罚只取决于距离,句子比训练时见过的更长也照样适用。</translation>
        </message>
        <message>
            <source>When a model generates text it must not peek at tokens that come later (the causal mask); a sliding window also hides keys too far back; padding tokens only fill a sentence up to a batch's length, so no query looks at them. Setting those scores to −∞ makes their softmax weight exactly zero.</source>
            <translation>模型生成文本时不能偷看后面的词(因果掩码);滑动窗口还会遮住太靠前的键;填充词只是把句子补到一批数据的长度,所以没有查询会去看它们。把这些得分设为 −∞,它们的 softmax 权重就正好是 0。</translation>
        </message>
        <message>
            <source>Softmax exponentiates each score and divides by the row's total, so every row becomes positive weights that sum to 1: how token t shares its attention among all tokens. Bigger scores get a disproportionately bigger share.</source>
            <translation>softmax 先对每个得分取指数,再除以这一行的总和,于是每一行都变成和为 1 的正权重:表示词 t 怎样把注意力分给所有词。得分越大,分到的份额会不成比例地更大。</translation>
        </message>
        <message>
            <source>Each token's new vector is the weighted average of all value vectors, using its row of attention weights. A token that attends mostly to one word ends up close to that word's value.</source>
            <translation>每个词的新向量,是用它那一行注意力权重对所有值向量做的加权平均。一个词如果主要关注某个词,结果就会接近那个词的值向量。</translation>
        </message>
        <message>
            <source>The heads' outputs are placed side by side, head 1's columns first. Nothing is computed: it is the split into heads undone.</source>
            <translation>把各个头的输出并排放在一起,第 1 个头的列在最前面。这里没有任何计算:只是把分头的操作还原回去。</translation>
        </message>
        <message>
            <source>W_O mixes what the heads found into one d_model-sized vector per token, so the result can be added back to X in a Transformer layer and heads can combine their findings.</source>
            <translation>W_O 把各个头找到的信息混合成每个词一个 d_model 维的向量,这样结果可以在 Transformer 层里加回 X,各个头的发现也能结合起来。</translation>
        </message>
        <message>
            <source>({n} tokens × d_model {d_model})</source>
            <translation>({n} 个词 × d_model {d_model})</translation>
        </message>
        <message>
            <source>all {h} heads at once</source>
            <translation>{h} 个头一次算完</translation>
        </message>
        <message>
            <source>with −∞ above the diagonal</source>
            <translation>对角线以上设为 −∞</translation>
        </message>
        <message>
            <source>each row sums to 1</source>
            <translation>每行之和为 1</translation>
        </message>
        <message>
            <source>(scaling skipped)</source>
            <translation>(跳过了缩放)</translation>
        </message>
        <message>
            <source>({m} memory tokens: K and V come from them)</source>
            <translation>({m} 个记忆词:K 和 V 由它们算出)</translation>
        </message>
        <message>
            <source>query heads {first}–{last} share key/value head {shared}</source>
            <translation>查询头 {first}–{last} 共用键/值头 {shared}</translation>
        </message>
        <message>
            <source>pairs (j, j + {half}), angle t · {base}^(−2j/{d_k})</source>
            <translation>配对 (j, j + {half}),角度 t · {base}^(−2j/{d_k})</translation>
        </message>
        <message>
            <source>pairs (2j, 2j + 1), angle t · {base}^(−2j/{d_k})</source>
            <translation>配对 (2j, 2j + 1),角度 t · {base}^(−2j/{d_k})</translation>
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
            <translation>每一步都用 {precision} 计算:约 {digits} 位有效数字</translation>
        </message>
    </context>
</TS>