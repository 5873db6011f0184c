"""The core's full forward (keeping every intermediate) against PyTorch's multi-head attention.

python benchmarks/core_vs_torch.py [--quick]

Same float64 inputs and weights; PyTorch returns per-head weights
(need_weights=True, average_attn_weights=False), the core returns every
intermediate matrix. Interleaved runs, median ratio core/torch.
Targets: ≤ 0.5 at (8, 4, 32), ≤ 1.0 at (128, 8, 256) and (512, 8, 512).
"""

from __future__ import annotations

import statistics
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from timing import interleaved, machine, median_ratio, ms, table  # noqa: E402

from attention_stepper.core.attention import forward  # noqa: E402
from attention_stepper.core.torch_layout import to_torch_state  # noqa: E402
from attention_stepper.core.weights import init_weights  # noqa: E402

SIZES = [(8, 4, 32, 0.5), (128, 8, 256, 1.0), (512, 8, 512, 1.0)]


def main() -> int:
    try:
        import torch
        import torch.nn.functional as F
    except ImportError:
        print("PyTorch is not installed: pip install torch==2.13.0 (the CPU build); nothing measured.")
        return 0
    quick = "--quick" in sys.argv
    torch.set_grad_enabled(False)
    print(f"machine: {machine()}; numpy {np.__version__}, torch {torch.__version__}, "
          f"torch threads {torch.get_num_threads()}")
    rows, verdicts = [], []
    for n, heads, d_model, target in SIZES:
        rng = np.random.default_rng(n)
        x = rng.standard_normal((n, d_model))
        weights = init_weights(d_model, heads, d_model // heads, seed=n)
        state = {key: torch.from_numpy(value.copy()) for key, value in to_torch_state(weights).items()}
        query = torch.from_numpy(x.copy()).unsqueeze(1)  # (L, N=1, E): PyTorch's default layout

        def core():
            return forward(x, weights)

        def pytorch():
            return F.multi_head_attention_forward(
                query, query, query, d_model, heads, state["in_proj_weight"], None, None, None, False, 0.0,
                state["out_proj.weight"], None, training=False, need_weights=True, average_attn_weights=False)

        trace = core()
        output, per_head = pytorch()
        agree = (np.abs(trace["output"] - output[:, 0].numpy()).max() < 1e-10
                 and np.abs(trace["weights"] - per_head[0].numpy()).max() < 1e-10)
        repeats = {8: 800, 128: 120, 512: 12}[n] // (4 if quick else 1)
        # Blocks of one side's calls, alternating (see timing.interleaved), at least four per side:
        # about 5-10 ms at 8 tokens, 35 ms at 128, one call (30-70 ms) at 512. Strict alternation
        # is printed beside it, for the record: there each side pays for the other's threads.
        block = {8: 400, 128: 20, 512: 1}[n]
        ours, theirs = interleaved(core, pytorch, max(repeats, 5), block=min(block, max(repeats // 4, 1)))
        paired_ours, paired_theirs = interleaved(core, pytorch, max(repeats, 5))
        ratio = median_ratio(ours, theirs)
        met = ratio <= target
        verdicts.append(f"{ratio:.2f} (≤{target})")
        rows.append([f"({n}, {heads}, {d_model})", ms(statistics.median(ours)), ms(statistics.median(theirs)),
                     f"{ratio:.2f}", f"≤ {target}", "met" if met else "MISSED", "yes" if agree else "NO",
                     f"{median_ratio(paired_ours, paired_theirs):.2f}"])
        if not agree:
            print(f"results differ at {(n, heads, d_model)}")
            return 1
    print(table(["(n, heads, d_model)", "core ms", "torch ms", "core/torch", "target", "", "same result",
                       "strictly alternating"], rows))
    missed = [row[0] for row in rows if row[5] != "met"]
    print(f"core/torch median ratios: {' '.join(verdicts)}: "
          + ("all targets met" if not missed else f"missed at {', '.join(missed)}"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
