"""Tiny random Hugging Face checkpoints built offline, and transformers' own forward pass as the reference.

Each model is made by transformers from a config alone (2–3 layers, a few
heads), its weights redrawn large enough that every head attends
unevenly, saved with ``save_pretrained`` beside a tokenizer.json trained
here with ``tokenizers`` (WordPiece for BERT, byte-level BPE for the
others). Nothing is downloaded. ``reference`` loads the saved folder back
with transformers in float64 (eager attention) and records, per layer, what
the attention module receives (a forward pre-hook), its probabilities
(``output_attentions``) and its output (a forward hook on the output
projection).

HF computes three things in float32 even in a float64 model: RMSNorm
(``hidden_states.to(torch.float32)``), the RoPE angles (``inv_freq`` and
``position_ids.float()``) and the eager softmax of Llama, Qwen2 and Mistral
(``softmax(..., dtype=torch.float32)``). ``reference(exact=True)`` runs the
same formulas in float64 so that agreement can be asked to 1e-9; the
unpatched model agrees only to float32's precision (a test shows both).
"""

from __future__ import annotations

import os
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")

#: Long enough for Mistral's window of 4 to hide keys, with Chinese split into bytes by the byte-level models.
SENTENCE = "the cat sat on the mat and the dog ran after it 我爱猫"
CORPUS = ["the cat sat on the mat", "the dog ran after the cat", "a cat and a dog", "我爱猫 我爱狗",
          "it sat there and it ran", "the mat is red"] * 4
KINDS = ("bert", "roberta", "gpt2", "llama", "qwen2", "mistral")


def wordpiece_tokenizer():
    from tokenizers import Tokenizer, decoders, models, normalizers, pre_tokenizers, processors, trainers

    tokenizer = Tokenizer(models.WordPiece(unk_token="[UNK]"))
    tokenizer.normalizer = normalizers.BertNormalizer(lowercase=True)
    tokenizer.pre_tokenizer = pre_tokenizers.BertPreTokenizer()
    tokenizer.decoder = decoders.WordPiece()
    specials = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
    tokenizer.train_from_iterator(CORPUS, trainers.WordPieceTrainer(vocab_size=120, special_tokens=specials,
                                                                                 show_progress=False))
    tokenizer.post_processor = processors.TemplateProcessing(
        single="[CLS] $A [SEP]", pair="[CLS] $A [SEP] $B:1 [SEP]:1",
        special_tokens=[("[CLS]", tokenizer.token_to_id("[CLS]")), ("[SEP]", tokenizer.token_to_id("[SEP]"))])
    return tokenizer


def byte_level_tokenizer(specials: list[str], template: str | None = None):
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers, processors, trainers

    tokenizer = Tokenizer(models.BPE())
    tokenizer.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    tokenizer.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(vocab_size=300, special_tokens=specials, show_progress=False,
                                  initial_alphabet=pre_tokenizers.ByteLevel.alphabet())
    tokenizer.train_from_iterator(CORPUS, trainer)
    if template:
        tokenizer.post_processor = processors.TemplateProcessing(
            single=template, special_tokens=[(s, tokenizer.token_to_id(s)) for s in specials if s in template])
    return tokenizer


def _config(kind: str, vocab: int):
    import transformers

    small = dict(vocab_size=vocab, hidden_size=16, num_hidden_layers=3, num_attention_heads=4, intermediate_size=24)
    if kind == "bert":
        return transformers.BertConfig(**small, max_position_embeddings=24, type_vocab_size=2, hidden_act="gelu")
    if kind == "roberta":
        return transformers.RobertaConfig(**small, max_position_embeddings=26, type_vocab_size=1, pad_token_id=1,
                                          bos_token_id=0, eos_token_id=2, hidden_act="gelu")
    if kind == "gpt2":
        return transformers.GPT2Config(vocab_size=vocab, n_embd=16, n_layer=3, n_head=4, n_positions=32, bos_token_id=0,
                                        eos_token_id=0)
    decoder = dict(small, hidden_size=32, intermediate_size=40, num_key_value_heads=2, max_position_embeddings=64)
    if kind == "llama":
        return transformers.LlamaConfig(**decoder, rope_parameters={"rope_type": "default", "rope_theta": 500.0})
    if kind == "qwen2":  # q, k, v biases; the last layer with a sliding window of 5
        return transformers.Qwen2Config(**decoder, rope_parameters={"rope_type": "default", "rope_theta": 2000.0},
                                        use_sliding_window=True, sliding_window=5, max_window_layers=2)
    if kind == "mistral":  # a window shorter than the sentence
        return transformers.MistralConfig(**dict(decoder, num_hidden_layers=2), sliding_window=4)
    raise ValueError(kind)


def _tokenizer(kind: str):
    if kind == "bert":
        return wordpiece_tokenizer()
    if kind == "roberta":
        return byte_level_tokenizer(["<s>", "<pad>", "</s>", "<unk>", "<mask>"], "<s> $A </s>")
    if kind == "llama":
        return byte_level_tokenizer(["<s>", "</s>"], "<s> $A")
    return byte_level_tokenizer(["<|endoftext|>"])


def build(kind: str, folder: Path, seed: int = 0, dtype: str = "float32", shard: bool = False) -> Path:
    """A tiny random ``kind`` model saved in ``folder`` with its tokenizer.json; returns the folder."""
    import torch
    import transformers

    tokenizer = _tokenizer(kind)
    config = _config(kind, tokenizer.get_vocab_size())
    torch.manual_seed(seed)
    model_class = {"bert": transformers.BertModel, "roberta": transformers.RobertaForMaskedLM}.get(
        kind, transformers.AutoModelForCausalLM)
    model = model_class.from_config(config) if model_class is transformers.AutoModelForCausalLM else \
        model_class(config)
    with torch.no_grad():
        for name, parameter in model.named_parameters():
            spread = 0.2 if name.endswith("bias") else 0.5
            parameter.copy_(torch.randn_like(parameter) * spread + (1.0 if "norm" in name.lower() and
                                                                    name.endswith("weight") else 0.0))
    model = model.to(getattr(torch, dtype))
    folder.mkdir(parents=True, exist_ok=True)
    model.save_pretrained(folder, max_shard_size="20KB" if shard else "5GB")
    tokenizer.save(str(folder / "tokenizer.json"))
    return folder


def _exact_float64(model) -> list:
    """Run HF's float32 shortcuts (RMSNorm, RoPE angles, eager softmax) in float64 instead: the same formulas.

    Returns the (module, function) pairs replaced, for putting them back.
    """
    import torch
    from transformers.models.llama import modeling_llama
    from transformers.models.mistral import modeling_mistral
    from transformers.models.qwen2 import modeling_qwen2

    for module in model.modules():
        name = type(module).__name__
        if name.endswith("RMSNorm"):
            module.forward = (lambda h, m=module: m.weight * (h * torch.rsqrt(h.pow(2).mean(-1, keepdim=True)
                                                                               + m.variance_epsilon)))
        elif name.endswith("RotaryEmbedding"):
            base = module.config.rope_parameters["rope_theta"]
            dim = module.inv_freq.shape[0] * 2

            def rotary(x, position_ids, base=base, dim=dim):
                frequencies = base ** (-torch.arange(0, dim, 2, dtype=torch.float64) / dim)
                angles = position_ids[..., None].double() * frequencies
                both = torch.cat((angles, angles), dim=-1)
                return both.cos(), both.sin()

            module.forward = rotary

    def eager(module, query, key, value, attention_mask, scaling, dropout=0.0, **kwargs):
        key = modeling_llama.repeat_kv(key, module.num_key_value_groups)
        value = modeling_llama.repeat_kv(value, module.num_key_value_groups)
        weights = torch.matmul(query, key.transpose(2, 3)) * scaling
        if attention_mask is not None:
            weights = weights + attention_mask
        weights = torch.softmax(weights, dim=-1)
        return torch.matmul(weights, value).transpose(1, 2).contiguous(), weights

    saved = [(modeling, modeling.eager_attention_forward) for modeling in (modeling_llama, modeling_qwen2,
                                                                            modeling_mistral)]
    for modeling, _ in saved:
        modeling.eager_attention_forward = eager
    return saved


def reference(folder: Path, kind: str, ids: list[int], type_ids: list[int] | None = None, exact: bool = True) -> dict:
    """transformers' float64 forward pass over ``ids``: per layer X, attention probabilities and output."""
    import torch
    import transformers

    loader = transformers.AutoModel if kind == "bert" else (
        transformers.AutoModelForMaskedLM if kind == "roberta" else transformers.AutoModelForCausalLM)
    model = loader.from_pretrained(folder, attn_implementation="eager", dtype=torch.float64).eval()
    base = model.base_model
    saved = _exact_float64(model) if exact else []
    inputs, outputs = {}, {}
    handles = []
    for layer, block in enumerate(base.encoder.layer if kind in ("bert", "roberta") else
                                  base.h if kind == "gpt2" else base.layers):
        attention, projection = {
            "bert": lambda: (block.attention.self, block.attention.output.dense),
            "roberta": lambda: (block.attention.self, block.attention.output.dense),
            "gpt2": lambda: (block.attn, block.attn.c_proj),
        }.get(kind, lambda: (block.self_attn, block.self_attn.o_proj))()

        def before(module, args, kwargs, layer=layer):
            inputs[layer] = (args[0] if args else kwargs["hidden_states"])[0].detach().numpy().copy()

        def after(module, args, output, layer=layer):
            outputs[layer] = output[0].detach().numpy().copy()

        handles.append(attention.register_forward_pre_hook(before, with_kwargs=True))
        handles.append(projection.register_forward_hook(after))
    extra = {"token_type_ids": torch.tensor([type_ids])} if kind == "bert" and type_ids is not None else {}
    try:
        with torch.no_grad():
            result = base(torch.tensor([ids]), output_attentions=True, **extra)
    finally:
        for handle in handles:
            handle.remove()
        for modeling, function in saved:
            modeling.eager_attention_forward = function
    return {"inputs": inputs, "outputs": outputs,
            "attentions": {layer: a[0].numpy().copy() for layer, a in enumerate(result.attentions)}}


def build_all(root: Path) -> dict[str, Path]:
    """Every kind once (qwen2 in bfloat16, mistral in float16, llama sharded), as the tests share them."""
    folders = {kind: build(kind, root / f"tiny-{kind}", seed=index,
                           dtype={"qwen2": "bfloat16", "mistral": "float16"}.get(kind, "float32"),
                           shard=kind == "llama")
               for index, kind in enumerate(KINDS)}
    return folders
