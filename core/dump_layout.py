"""Fitting a dump to a configuration: its weights into our layout, its per-head arrays into (heads, n, d).

People lay out the same numbers in several ways. Weights come in our layout
(``w_q (h, d_model, d_k)``…), in ``nn.MultiheadAttention``'s (``in_proj_weight``,
``out_proj.weight``, their biases) or under Hugging Face's names
(``q_proj.weight`` … as ``nn.Linear`` keeps them, (out, in)). Per-head
intermediates come as (heads, n, d) (``bhsd``, PyTorch after the transpose)
or (n, heads, d) (``bshd``, before it), with or without a leading batch axis
of 1. Everything here is converted once to our layout, so the comparison
itself has one layout to think about.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import numpy as np

from .attention import split_heads
from .dumps import CONFIG_MEMBER, STEP_NAMES, DumpError, RawDump
from .limits import MAX_TOKENS, check_bytes
from .matrices import TRACE_ORDER
from .parameters import Parameters
from .torch_layout import from_torch_state
from .weights import Weights

#: (heads, n, d) as our trace and PyTorch after ``.transpose(1, 2)``; (n, heads, d) before it.
LAYOUTS = ("bhsd", "bshd")
FIELDS = tuple(field.name for field in dataclasses.fields(Parameters))
#: The sizes the weights record; a configuration that says otherwise is refused.
SIZE_FIELDS = ("heads", "kv_heads", "d_model", "d_k", "d_v", "bias")


@dataclass(frozen=True)
class Dump:
    """A dump fitted to a configuration: inputs, our-layout weights and the user's steps as (heads, n, d).

    ``steps`` maps each dumped step name to its array in our layout; a
    per-head array given as one matrix for all heads has a leading axis of 1.
    ``layouts`` says how each per-head array was laid out in the file
    (``bhsd``, ``bshd``, ``packed`` (n, heads·d), ``one`` (n, d)).
    """

    source: str
    x: np.ndarray
    memory: np.ndarray | None
    weights: Weights
    steps: dict[str, np.ndarray]
    layouts: dict[str, str]
    weights_layout: str
    config: dict[str, object] | None = None

    @property
    def keys(self) -> int:
        return len(self.x) if self.memory is None else len(self.memory)


def weights_layout(raw: RawDump) -> str:
    """``"ours"``, ``"torch"`` (nn.MultiheadAttention) or ``"hf"`` (q_proj.weight…); DumpError if mixed or none."""
    names = set(raw.arrays)
    markers = {"ours": ("w_q", "w_k", "w_v", "w_o"),
               "torch": ("in_proj_weight", "q_proj_weight", "k_proj_weight", "v_proj_weight", "out_proj.weight"),
               "hf": ("q_proj.weight", "k_proj.weight", "v_proj.weight", "o_proj.weight")}
    found = [layout for layout, names_of in markers.items() if names & set(names_of)]
    if "hf" in found and "torch" in found and not names & set(markers["torch"][:4]):
        found.remove("torch")  # BART and others: q_proj.weight … with out_proj.weight
    if not found:
        raise DumpError(f"{raw.source}: no weights; a dump holds w_q, w_k, w_v, w_o (our layout), PyTorch's "
                        f"in_proj_weight and out_proj.weight, or HF's q_proj.weight … o_proj.weight")
    if len(found) > 1:
        raise DumpError(f"{raw.source}: weights in two layouts ({' and '.join(found)}); keep one set")
    return found[0]


def dump_weights(raw: RawDump, heads: int | None) -> Weights:
    """The dump's weights in our layout. ``heads`` is needed for PyTorch's and HF's layouts, which do not record it."""
    layout = weights_layout(raw)
    a = raw.arrays
    try:
        if layout == "ours":
            missing = [name for name in ("w_q", "w_k", "w_v", "w_o") if name not in a]
            if missing:
                raise DumpError(f"{raw.source}: missing {', '.join(missing)}; our layout has w_q, w_k, w_v and w_o")
            weights = Weights(**{name: _bias_shape(name, a[name], a) for name in
                                 ("w_q", "w_k", "w_v", "w_o", "b_q", "b_k", "b_v", "b_o") if name in a})
        else:
            if heads is None:
                raise DumpError(f"{raw.source}: weights in {'PyTorch' if layout == 'torch' else 'HF'} layout do not "
                                f"record the number of heads; give --heads (or heads in {CONFIG_MEMBER})")
            if layout == "torch" and "in_proj_weight" in a:
                weights = from_torch_state(a, heads)
            elif layout == "torch":
                weights = _from_linear(raw, heads, "{}_proj_weight", "out_proj.weight", "in_proj_bias", "out_proj.bias")
            else:
                output = "o_proj" if "o_proj.weight" in a else "out_proj"
                weights = _from_linear(raw, heads, "{}_proj.weight", f"{output}.weight", "{}_proj.bias",
                                       f"{output}.bias")
    except ValueError as error:
        if isinstance(error, DumpError):
            raise
        raise DumpError(f"{raw.source}: {error}") from None
    return weights


def _bias_shape(name: str, array: np.ndarray, arrays: dict[str, np.ndarray]) -> np.ndarray:
    """Our biases are (heads, d); a flat (heads·d,) one is taken too, split like its weight."""
    if name.startswith("b_") and name != "b_o" and array.ndim == 1:
        weight = arrays.get("w_" + name[2:])
        if weight is not None and weight.ndim == 3 and array.size == weight.shape[0] * weight.shape[2]:
            return array.reshape(weight.shape[0], weight.shape[2])
    return array


def _from_linear(raw: RawDump, heads: int, name: str, output: str, bias: str, output_bias: str) -> Weights:
    """Weights from nn.Linear-style (out, in) projections: q (h·d_k, E), k (kv·d_k, E), v (kv·d_v, E), o (E, h·d_v).

    ``name`` and ``bias`` are patterns with {} for q, k, v; ``bias`` may name
    one packed (3E,) vector (``in_proj_bias``). Biases that are missing while
    others are given are zero (Qwen2 has q, k, v biases and none on o_proj).
    """
    a = raw.arrays
    keys = {part: name.format(part) for part in "qkv"}
    missing = [key for key in (*keys.values(), output) if key not in a]
    if missing:
        raise DumpError(f"{raw.source}: missing {', '.join(missing)}; the projections come together")
    q, k, v, o = (a[keys["q"]], a[keys["k"]], a[keys["v"]], a[output])
    if any(array.ndim != 2 for array in (q, k, v, o)):
        raise DumpError(f"{raw.source}: the projection weights must be matrices (out, in); they have shapes "
                        f"{q.shape}, {k.shape}, {v.shape} and {o.shape}")
    d_model = q.shape[1]
    if q.shape[0] % heads:
        raise DumpError(f"{raw.source}: {keys['q']} has {q.shape[0]} rows, which {heads} heads do not divide")
    d_k = q.shape[0] // heads
    if k.shape[0] % d_k or not k.shape[0] or v.shape[0] % (k.shape[0] // d_k):
        raise DumpError(f"{raw.source}: {keys['k']} {k.shape} and {keys['v']} {v.shape} do not fit key/value heads "
                        f"of d_k = {d_k} (from {keys['q']} {q.shape} and {heads} heads)")
    kv = k.shape[0] // d_k
    d_v = v.shape[0] // kv

    def per_head(block: np.ndarray, count: int, width: int) -> np.ndarray:  # (count·width, E) -> (count, E, width)
        if block.shape != (count * width, d_model):
            raise DumpError(f"{raw.source}: a projection has shape {block.shape}, not ({count * width}, {d_model})")
        return block.reshape(count, width, d_model).transpose(0, 2, 1)

    weights = dict(w_q=per_head(q, heads, d_k), w_k=per_head(k, kv, d_k), w_v=per_head(v, kv, d_v), w_o=o.T)
    sizes = {"q": heads * d_k, "k": kv * d_k, "v": kv * d_v}
    if "{}" in bias:
        given = {part: a.get(bias.format(part)) for part in "qkv"}
    else:
        packed = a.get(bias)
        given = dict(zip("qkv", (None, None, None) if packed is None or packed.shape != (sum(sizes.values()),)
                         else np.split(packed, np.cumsum(list(sizes.values()))[:2])))
        if packed is not None and given["q"] is None:
            raise DumpError(f"{raw.source}: {bias} has shape {packed.shape}, not ({sum(sizes.values())},)")
    given["o"] = a.get(output_bias)
    if any(vector is not None and np.any(vector) for vector in given.values()):
        widths = {"q": d_k, "k": d_k, "v": d_v}
        counts = {"q": heads, "k": kv, "v": kv}
        for part in "qkv":
            vector = np.zeros(sizes[part]) if given[part] is None else given[part]
            if vector.shape != (sizes[part],):
                raise DumpError(f"{raw.source}: the {part} bias has shape {vector.shape}, not ({sizes[part]},)")
            weights[f"b_{part}"] = vector.reshape(counts[part], widths[part])
        weights["b_o"] = np.zeros(d_model) if given["o"] is None else given["o"]
    return Weights(**weights)


def parameters_for(raw: RawDump, base: Parameters | None = None,
                   given: dict[str, object] | None = None) -> Parameters:
    """The configuration a dump is compared with.

    Fields come from ``given`` (the command line's flags, the API's keywords),
    then the dump's ``config.json``, then ``base`` (the app's controls) or the
    defaults. The sizes the weights record (heads in our layout, kv_heads,
    d_model, d_k, d_v, biases) always win; a given or config.json value that
    disagrees is refused. Cross-attention is on exactly when the dump holds
    ``memory``.
    """
    explicit = {**(raw.config or {}), **(given or {})}
    unknown = [name for name in explicit if name not in FIELDS]
    if unknown:
        raise DumpError(f"{raw.source}: unknown configuration field {unknown[0]!r}; the fields are "
                        f"{', '.join(FIELDS)}")
    fields = {**dataclasses.asdict(base or Parameters()), **explicit}
    weights = dump_weights(raw, explicit.get("heads", base.heads if base is not None else None))
    sizes = {"heads": weights.heads, "kv_heads": weights.kv_heads, "d_model": weights.d_model, "d_k": weights.d_k,
             "d_v": weights.d_v, "bias": weights.has_bias}
    defaults = {"kv_heads": weights.heads, "d_v": weights.d_k}  # None means "as many as heads", "as d_k"
    for name in SIZE_FIELDS:
        value = explicit.get(name)
        if name in explicit and not (value is None and name in defaults) and (
                isinstance(value, bool) != (name == "bias") or not isinstance(value, int)):
            raise DumpError(f"{raw.source}: {name} must be {'true or false' if name == 'bias' else 'a whole number'}"
                            f", not {value!r}")
        if name in explicit:
            said = defaults.get(name) if explicit[name] is None else explicit[name]
            if said != sizes[name]:
                raise DumpError(f"{raw.source}: {name} {explicit[name]} was given (by a flag or config.json) but the "
                                f"dump's weights have {name} {sizes[name]}; leave it out to use the dump's")
    fields.update(sizes, kv_heads=None if weights.kv_heads == weights.heads else weights.kv_heads,
                  d_v=None if weights.d_v == weights.d_k else weights.d_v)
    if "memory" in raw.arrays:
        fields["memory"] = explicit["memory"] if isinstance(explicit.get("memory"), str) else ""
    elif explicit.get("memory") is not None:
        raise DumpError(f"{raw.source}: the configuration asks for cross-attention (memory) but the dump holds no "
                        f"memory array (m, d_model)")
    else:
        fields["memory"] = None
    try:
        return Parameters(**fields).validated()
    except (TypeError, ValueError) as error:
        raise DumpError(f"{raw.source}: {error}") from None


def fit_dump(raw: RawDump, parameters: Parameters, layout: str | None = None) -> Dump:
    """The dump in our layout for ``parameters`` (validated, e.g. by :func:`parameters_for`); DumpError otherwise.

    ``layout`` ("bhsd" or "bshd") says how the per-head arrays are laid out;
    without it each is detected from its shape, and one whose shape fits both
    (heads = n) follows the others or asks for ``--layout``.
    """
    if layout is not None and layout not in LAYOUTS:
        raise DumpError(f"the layout must be one of {', '.join(LAYOUTS)}; got {layout!r}")
    weights = dump_weights(raw, parameters.heads)
    x = _input(raw, "x", weights.d_model)
    memory = _input(raw, "memory", weights.d_model) if "memory" in raw.arrays else None
    h, kv, n = weights.heads, weights.kv_heads, len(x)
    m = n if memory is None else len(memory)
    try:  # the reference's trace must fit the same budget as the app's
        check_bytes(parameters.sizes(n, m).bytes(TRACE_ORDER), f"{n} tokens, heads {h}, d_model {weights.d_model}, "
                    f"d_k {weights.d_k}, d_v {weights.d_v}")
    except ValueError as error:
        raise DumpError(f"{raw.source}: {error}") from None
    d_k, d_v = weights.d_k, weights.d_v
    per_head = {"q": ((h,), n, d_k), "k": ((kv, h), m, d_k), "v": ((kv, h), m, d_v), "q_rotated": ((h,), n, d_k),
                "k_rotated": ((kv, h), m, d_k), "scores": ((h,), n, m), "scaled": ((h,), n, m),
                "weights": ((h,), n, m), "head_output": ((h,), n, d_v)}
    whole = {"concat": (n, h * d_v), "output": (n, weights.d_model)}
    steps: dict[str, np.ndarray] = {}
    layouts: dict[str, str] = {}
    pending: dict[str, tuple[np.ndarray, dict[str, np.ndarray]]] = {}
    for name in STEP_NAMES:
        if name not in raw.arrays:
            continue
        array = raw.arrays[name]
        if name in whole:
            steps[name] = _whole(raw, name, array, whole[name])
            continue
        fits = _per_head_fits(name, array, *per_head[name])
        if not fits:
            heads, rows, width = per_head[name]
            raise DumpError(f"{raw.source}: {name} has shape {array.shape}, which fits neither (heads, n, d) = "
                            f"{(heads[-1], rows, width)} nor (n, heads, d) = {(rows, heads[-1], width)}"
                            f"{_hint(name, heads, rows, width)}")
        if layout is not None and layout in fits:
            fits = {layout: fits[layout]}
        elif layout is not None and not ({"packed", "one"} & set(fits)):
            raise DumpError(f"{raw.source}: {name} has shape {array.shape}, which is not laid out as --layout "
                            f"{layout} says")
        pending[name] = (array, fits)
    chosen = {next(iter(fits)) for _, fits in pending.values() if len(fits) == 1 and next(iter(fits)) in LAYOUTS}
    for name, (_array, fits) in pending.items():
        if len(fits) > 1:
            if len(chosen) != 1 or next(iter(chosen)) not in fits:
                raise DumpError(f"{raw.source}: {name} has shape {raw.arrays[name].shape}, which fits both "
                                f"(heads, n, d) and (n, heads, d) (heads = n); give --layout bhsd or bshd")
            fits = {next(iter(chosen)): fits[next(iter(chosen))]}
        (layouts[name], steps[name]), = fits.items()
    ordered = {name: steps[name] for name in STEP_NAMES if name in steps}
    return Dump(raw.source, x, memory, weights, ordered, layouts, weights_layout(raw), raw.config)


def _input(raw: RawDump, name: str, d_model: int) -> np.ndarray:
    array = raw.arrays[name]
    while array.ndim > 2 and array.shape[0] == 1:  # a batch of one
        array = array[0]
    what = "x (n, d_model)" if name == "x" else "memory (m, d_model)"
    if array.ndim != 2 or array.shape[1] != d_model or not array.shape[0]:
        raise DumpError(f"{raw.source}: {name} has shape {raw.arrays[name].shape}; expected {what} with "
                        f"d_model = {d_model} (from the weights)")
    if len(array) > MAX_TOKENS:
        raise DumpError(f"{raw.source}: {name} has {len(array)} rows; at most {MAX_TOKENS} tokens are compared")
    if not np.isfinite(array).all():
        raise DumpError(f"{raw.source}: {name} holds NaN or infinite values; the input must be finite numbers")
    return array


def _whole(raw: RawDump, name: str, array: np.ndarray, shape: tuple[int, int]) -> np.ndarray:
    """concat and output: (n, ·), a batch axis of 1 allowed."""
    fitted = array
    while fitted.ndim > 2 and fitted.shape[0] == 1:
        fitted = fitted[0]
    if fitted.shape != shape:
        raise DumpError(f"{raw.source}: {name} has shape {array.shape}; expected {shape}")
    return fitted


def _per_head_fits(name: str, array: np.ndarray, heads: tuple[int, ...], rows: int,
                   width: int) -> dict[str, np.ndarray]:
    """Every way ``array`` fits (heads, rows, width), by layout name, converted to (heads, rows, width)."""
    while array.ndim > 3 and array.shape[0] == 1:  # a batch of one
        array = array[0]
    fits: dict[str, np.ndarray] = {}
    if array.ndim == 3:
        for count in heads:
            if array.shape == (count, rows, width):
                fits.setdefault("bhsd", array)
            if array.shape == (rows, count, width):
                fits.setdefault("bshd", array.transpose(1, 0, 2))
        if fits or array.shape[0] != 1:
            return fits
        array = array[0]  # (1, n, d): a batch of one holding a single matrix
    if array.ndim == 2:
        if array.shape == (rows, width) and (1 in heads or name == "weights"):
            fits["one"] = array[None]  # one head, or (weights) one matrix for all heads
        elif name in ("q", "k", "v"):
            for count in heads:
                if array.shape == (rows, count * width) and count > 1:
                    fits["packed"] = split_heads(array, count)
                    break
    return fits


def _hint(name: str, heads: tuple[int, ...], rows: int, width: int) -> str:
    if name in ("k", "v", "k_rotated") and len(heads) > 1:
        return f" (or {heads[1]} heads after repeating the key/value heads)"
    if name in ("q", "k", "v"):
        return f" (or the projection before the split, (n, heads·d) = {(rows, heads[-1] * width)})"
    return ""
