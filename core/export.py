"""A computation as files: one CSV per matrix, a manifest and the weights.

The format is a public contract (see the README): ``manifest.json`` lists
every CSV with its step key, head and shape; CSVs are UTF-8 with a
byte-order mark so Excel shows Chinese, and hold every value at full
float64 precision (``repr``), so reading them back gives the same doubles.
``matrices.npz`` holds the same matrices for NumPy, keyed by the CSV's name
without ``.csv``; ``weights_torch.npz`` holds the weights in PyTorch's
layout whenever they have one (d_k = d_v = d_model / heads).
"""

from __future__ import annotations

import csv
import io
import json
import os
from collections.abc import Iterable
from pathlib import Path

import numpy as np

from .checkpoints import open_checkpoint
from .computation import Computation
from .decoding import decode_record
from .files import atomic_folder
from .matrices import TRACE_ORDER
from .tiles import tiled_attention, tiles_record
from .torch_layout import has_torch_layout, to_torch_state
from .version import __version__

CSV_ENCODING = "utf-8-sig"
NPZ_FILE = "matrices.npz"
TORCH_WEIGHTS_FILE = "weights_torch.npz"
MANIFEST_FILE = "manifest.json"

#: Every file an export writes besides the CSVs its manifest lists. ``--force`` replaces a folder only if it
#: holds nothing else; a file added to the export format must be added here too.
TILES_FILE = "tiles.json"
DECODE_FILE, DECODE_ARRAYS_FILE = "decode.json", "decode.npz"
EXPORT_FILES = frozenset({MANIFEST_FILE, NPZ_FILE, "weights.npz", TORCH_WEIGHTS_FILE, TILES_FILE, DECODE_FILE,
                          DECODE_ARRAYS_FILE})
#: Keys every manifest of ours has; a manifest.json without them was written by someone else.
MANIFEST_KEYS = ("tokens", "matrices", "version")
#: A manifest.json larger than this is not ours (ours lists at most a few thousand CSVs).
MAX_MANIFEST_BYTES = 64 * 1024 * 1024


def _rows(matrix: np.ndarray, row_labels: list[str], column_labels: list[str]) -> Iterable[list[str]]:
    yield ["", *column_labels]
    for label, values in zip(row_labels, matrix.tolist()):
        yield [label, *map(repr, values)]


def write_table(stream: io.TextIOBase, matrix: np.ndarray, row_labels: list[str], column_labels: list[str],
                delimiter: str = ",") -> None:
    """Write a labelled matrix: an empty corner cell, column labels, then one labelled row per matrix row.

    ``repr`` of a Python float is the shortest text that reads back as the
    same double, and writes masked cells as ``-inf``.
    """
    writer = csv.writer(stream, delimiter=delimiter, lineterminator="\n")
    writer.writerows(_rows(np.asarray(matrix, dtype=np.float64), row_labels, column_labels))


def table_text(matrix: np.ndarray, row_labels: list[str], column_labels: list[str], delimiter: str = "\t") -> str:
    """The same table as text (tab-separated by default: it pastes into a spreadsheet)."""
    stream = io.StringIO()
    write_table(stream, matrix, row_labels, column_labels, delimiter)
    return stream.getvalue()


def matrix_files(computation: Computation, keys: Iterable[str] | None = None) -> list[dict]:
    """The manifest's ``matrices`` entries: one per matrix and head, in computing order.

    ``keys`` (trace keys, or the weight names w_q, w_k, w_v, w_o) picks a
    subset, as for exporting one step; by default every trace matrix.
    """
    wanted = TRACE_ORDER if keys is None else tuple(keys)
    entries = []
    for key in wanted:
        if key not in computation.available:
            continue
        array = computation.matrix(key)
        if computation.is_per_head(key):
            for head in range(array.shape[0]):
                entries.append({"step": key, "head": head + 1, "file": f"{key}_head{head + 1}.csv",
                                "shape": list(array.shape[1:])})
        else:
            entries.append({"step": key, "head": None, "file": f"{key}.csv", "shape": list(array.shape)})
    return entries


def manifest(computation: Computation, keys: Iterable[str] | None = None) -> dict:
    """What the export folder holds and how it was computed (``keys`` as in :func:`matrix_files`).

    ``tokens`` are the tokenizer's own strings (a checkpoint's exactly as
    ``encode(TEXT).tokens`` gives them); ``token_labels`` the readable row
    labels the CSVs show. ``checkpoint`` (the model folder's name),
    ``model_type`` and ``layer`` say which real layer this is (null without one).
    ``edits`` lists the typed-over cells as ``{"matrix", "head" (1-based or
    null), "row", "column", "value"}`` (0-based row and column); the CSVs and
    weights.npz already hold the edited values.
    """
    p = computation.parameters
    real = computation.encoding is not None  # a checkpoint's layer: name the model, as the window title does
    return {
        "tokens": list(computation.tokens),
        "token_labels": computation.token_labels,
        "checkpoint": Path(p.checkpoint).resolve().name if real else None,
        "model_type": open_checkpoint(p.checkpoint).model_type if real else None,
        "layer": p.layer if real else None,
        "heads": p.heads,
        "d_model": p.d_model,
        "d_k": p.d_k,
        "d_v": p.value_dim,
        "seed": p.seed,
        "causal": p.causal,
        "positional_encoding": p.positional_encoding,
        "skip_scaling": p.skip_scaling,
        "tokenizer": p.tokenizer,
        "kv_heads": p.kv_head_count,
        "bias": p.bias,
        "rope": p.rope,
        "rope_base": p.rope_base,
        "alibi": p.alibi,
        "window": p.window,
        "memory_tokens": None if computation.memory_tokens is None else list(computation.memory_tokens),
        "scale": p.scale_factor,
        "precision": p.precision,
        "version": __version__,
        "npz": NPZ_FILE,
        "edits": computation.edits.to_records(),
        "matrices": matrix_files(computation, keys),
    }


def write_matrix_csv(path: str | os.PathLike, computation: Computation, key: str, head: int | None = None) -> None:
    """Write one matrix (one head's, for per-head keys; ``head`` is 0-based) as a CSV file."""
    rows, columns = computation.labels(key)
    with open(path, "w", encoding=CSV_ENCODING, newline="") as stream:
        write_table(stream, computation.matrix(key, head), rows, columns)


def matrix_arrays(computation: Computation, entries: list[dict]) -> dict[str, np.ndarray]:
    """The arrays of :func:`matrix_files` entries, keyed by file name without ``.csv`` (``q_head1``)."""
    arrays = {}
    for entry in entries:
        head = None if entry["head"] is None else entry["head"] - 1
        arrays[entry["file"].removesuffix(".csv")] = computation.matrix(entry["step"], head)
    return arrays


def _listed_csvs(path: Path) -> tuple[set[str], str]:
    """The CSV names an export's manifest lists, or (empty, why ``path`` is no manifest of ours)."""
    not_ours = f"its {MANIFEST_FILE} is not the manifest of an export"
    try:
        if path.is_symlink() or not path.is_file():
            return set(), f"it has no {MANIFEST_FILE}"
        if path.stat().st_size > MAX_MANIFEST_BYTES:
            return set(), f"{not_ours} (it is too large)"
        contents = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError, RecursionError):
        return set(), f"{not_ours} (it does not read as JSON)"
    if not isinstance(contents, dict) or any(key not in contents for key in MANIFEST_KEYS) \
            or not isinstance(contents["matrices"], list) or not isinstance(contents["tokens"], list):
        return set(), f"{not_ours} (it lacks {', '.join(MANIFEST_KEYS)})"
    return {entry["file"] for entry in contents["matrices"]
            if isinstance(entry, dict) and isinstance(entry.get("file"), str)}, ""


def export_problem(folder: str | os.PathLike, unfinished: bool = False) -> str:
    """'' if ``folder`` holds an earlier export of ours and nothing else; otherwise why not, naming the first stranger.

    An export is recognised by its manifest.json (it parses and has
    :data:`MANIFEST_KEYS`) and its file list: every entry is a plain file
    named in :data:`EXPORT_FILES` or a CSV the manifest lists. Folders,
    symbolic links and any other file make it someone else's. ``unfinished``
    judges a temporary folder a killed export left: its manifest may be
    missing or half written, so any ``*.csv`` passes.
    """
    folder = Path(folder)
    try:
        entries = sorted(os.scandir(folder), key=lambda entry: entry.name)
    except OSError as error:
        return f"it cannot be read: {error.strerror or error}"
    for entry in entries:
        kind = ("a symbolic link" if entry.is_symlink() else "a folder" if entry.is_dir(follow_symlinks=False)
                else "" if entry.is_file(follow_symlinks=False) else "a special file")
        if kind:
            return f"it holds {entry.name!r}, {kind}, which an export never writes"
        if entry.name not in EXPORT_FILES and not entry.name.endswith(".csv"):
            return f"it holds {entry.name!r}, which an export does not write"
    if unfinished:
        return ""
    listed, problem = _listed_csvs(folder / MANIFEST_FILE)
    if problem:
        return problem
    for entry in entries:
        if entry.name not in EXPORT_FILES and entry.name not in listed:
            return f"it holds {entry.name!r}, which its {MANIFEST_FILE} does not list"
    return ""


def export_computation(computation: Computation, out_dir: str | os.PathLike, force: bool = False,
                       keys: Iterable[str] | None = None, tiles: tuple[int, int] | None = None,
                       decode: bool = False) -> Path:
    """Write manifest.json, weights.npz, every matrix's CSV and matrices.npz into ``out_dir``, atomically.

    weights_torch.npz is written too when the weights have a PyTorch layout.

    The folder appears complete or not at all; an existing non-empty folder
    is refused with FileExistsError unless ``force`` and it holds an earlier
    export and nothing else (:func:`export_problem`); anything that appears
    under ``out_dir`` meanwhile is left alone. ``keys`` limits the CSVs to
    some matrices (the app's "Export this step"). ``tiles`` (B_r, B_c) adds
    tiles.json, every head's FlashAttention tiles (:mod:`.tiles`); ``decode``
    adds decode.json and decode.npz, the KV cache and rows of every decoding
    step (:mod:`.decoding`). Both are computed before anything is written.
    """
    contents = manifest(computation, keys)
    extra_json: dict[str, object] = {}
    decode_arrays: dict[str, np.ndarray] = {}
    if tiles is not None:
        extra_json[TILES_FILE] = {"block_rows": tiles[0], "block_columns": tiles[1], "heads": [
            tiles_record(tiled_attention(computation, head, *tiles)) for head in range(computation.parameters.heads)]}
        contents["tiles"] = TILES_FILE
    if decode:
        extra_json[DECODE_FILE], decode_arrays = decode_record(computation)
        contents["decode"] = DECODE_FILE

    def fill(folder: Path) -> None:
        for entry in contents["matrices"]:
            head = None if entry["head"] is None else entry["head"] - 1
            write_matrix_csv(folder / entry["file"], computation, entry["step"], head)
        with open(folder / NPZ_FILE, "wb") as stream:
            np.savez(stream, **matrix_arrays(computation, contents["matrices"]))
        with open(folder / "weights.npz", "wb") as stream:
            np.savez(stream, **computation.weights.arrays())
        if has_torch_layout(computation.weights):
            with open(folder / TORCH_WEIGHTS_FILE, "wb") as stream:
                np.savez(stream, **to_torch_state(computation.weights))
        for name, data in extra_json.items():
            with open(folder / name, "w", encoding="utf-8") as stream:
                json.dump(data, stream, ensure_ascii=False, allow_nan=False)
        if decode_arrays:
            with open(folder / DECODE_ARRAYS_FILE, "wb") as stream:
                np.savez(stream, **decode_arrays)
        with open(folder / "manifest.json", "w", encoding="utf-8") as stream:
            json.dump(contents, stream, ensure_ascii=False, indent=2)
            stream.write("\n")

    return atomic_folder(out_dir, fill, force=force, replaceable=export_problem)
