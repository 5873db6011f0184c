"""A whole session in one file: the sentence, every parameter, the weights and the edits.

A session file is an ``.npz`` archive (suffix :data:`SESSION_SUFFIX`,
``.attn.npz``: NumPy and zip tools open it as what it is) holding

* ``session.json``: a 0-dimensional Unicode string array (``np.array(text)``,
  never an object array) with the JSON text::

      {"format": "attention-stepper-session", "format_version": 1,
       "app_version": "0.1.0",
       "parameters": {"sentence": "…", "heads": 2, "d_model": 8, "d_k": 4,
                      "d_v": null, "seed": 0, "causal": false,
                      "positional_encoding": false, "skip_scaling": false,
                      "tokenizer": "whitespace"},
       "step": "softmax", "head": 1,
       "edits": [{"matrix": "w_q", "head": 1, "row": 0, "column": 2, "value": 1.5}]}

  ``d_v`` null means d_v follows d_k; ``checkpoint`` (a model folder's
  path, null for seeded weights) and ``layer`` say which real layer is shown
  (the folder must still be there when the session is opened: its weights
  are read from it, never copied into the session); ``step`` is a step key or null;
  ``head`` (the head shown large) and the edits' ``head`` count from 1 and
  are null for "all heads" and for X and W_O; ``row`` and ``column`` count from 0;

* ``w_q``, ``w_k``, ``w_v``, ``w_o``: float64 arrays, only when the weights
  were loaded or given rather than seeded (seeded ones are redrawn from the
  seed, exactly). Edits are stored apart, on top of these.

Reading never unpickles and checks everything: the archive, the names and
dtypes, the JSON, the format and version, every parameter's range, the
weights' shapes against the parameters, finite values and that every edit
has its cell. Each problem is a :class:`SessionFileError` naming the file.
"""

from __future__ import annotations

import dataclasses
import json
import os
import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .checkpoints import CheckpointError
from .computation import check_inputs
from .edits import Edits
from .files import atomic_write
from .lesson import check_step, steps_for
from .limits import MAX_ARCHIVE_STREAM_BYTES, MAX_SESSION_JSON_CHARACTERS, MAX_SESSION_JSON_DEPTH, MAX_WEIGHTS_BYTES
from .matrices import WEIGHT_NAMES
from .npz_reading import NpzArchive, check_npz_start, npz_read_errors, npz_source
from .parameters import Parameters
from .version import __version__
from .weights import MATRIX_WEIGHT_NAMES, WEIGHTS_LIMIT_TEXT, Weights

SESSION_FORMAT = "attention-stepper-session"
SESSION_FORMAT_VERSION = 1
SESSION_SUFFIX = ".attn.npz"
JSON_NAME = "session.json"
#: The parameters a version-1 file must hold; Parameters fields added later may be left out (defaults).
PARAMETER_KEYS_V1 = ("sentence", "heads", "d_model", "d_k", "d_v", "seed", "causal", "positional_encoding",
                     "skip_scaling", "tokenizer")
_TOP_KEYS = {"format", "format_version", "app_version", "parameters", "step", "head", "edits"}
_BOOLEAN_PARAMETERS = ("causal", "positional_encoding", "skip_scaling", "bias", "alibi")


class SessionFileError(ValueError):
    """A session file that cannot be used; the message names the file and the problem."""


@dataclass(frozen=True)
class Session:
    """What a session file holds. ``weights`` is None when they are the seeded ones; ``head`` is 0-based."""

    parameters: Parameters
    weights: Weights | None
    edits: Edits
    step: str | None = None
    head: int | None = None


def _check_session(parameters: Parameters, weights: Weights | None, edits: Edits, step: str | None,
                   head: int | None) -> Parameters:
    """ValueError unless these make a valid session; returns the validated parameters.

    Checks what computing would (``computation.check_inputs``: sizes, the memory
    bound, the weights' shapes, that every edit has its cell) without running attention.
    """
    inputs = check_inputs(parameters, weights, edits)
    parameters = inputs.parameters
    if step is not None:
        check_step(step, steps_for(inputs.available()))
    if head is not None and (isinstance(head, bool) or not isinstance(head, int)
                             or not 0 <= head < parameters.heads):
        shown = head + 1 if isinstance(head, int) and not isinstance(head, bool) else repr(head)
        raise ValueError(f"the head shown must be from 1 to {parameters.heads} (or all heads); got {shown}")
    return parameters


def session_json(parameters: Parameters, edits: Edits, step: str | None = None, head: int | None = None) -> str:
    """The JSON text of ``session.json`` (see the module docstring)."""
    return json.dumps({
        "format": SESSION_FORMAT,
        "format_version": SESSION_FORMAT_VERSION,
        "app_version": __version__,
        "parameters": dataclasses.asdict(parameters),
        "step": step,
        "head": None if head is None else head + 1,
        "edits": edits.to_records(),
    }, ensure_ascii=False, indent=1, allow_nan=False)


def save_session(path: str | os.PathLike, parameters: Parameters, weights: Weights | None, edits: Edits | None = None,
                 step_key: str | None = None, head: int | None = None) -> Path:
    """Write a session file atomically (see the module docstring); returns its path.

    ``weights`` None means the seeded ones (not stored); ``head`` is 0-based
    or None for all heads. ValueError, and nothing written, if the pieces do
    not make a valid session. The path is used as given (no suffix added).
    """
    edits = edits or Edits()
    parameters = _check_session(parameters, weights, edits, step_key, head)
    text = session_json(parameters, edits, step_key, head)
    if len(text) > MAX_SESSION_JSON_CHARACTERS:  # loading would refuse it: say so now, and write nothing
        raise ValueError(f"this session's description would have {len(text)} characters; a session file may "
                         f"hold at most {MAX_SESSION_JSON_CHARACTERS} (fewer edited cells would fit)")
    arrays = {JSON_NAME: np.array(text)}
    if weights is not None:
        arrays.update(weights.arrays())

    def write(temporary: Path) -> None:
        with open(temporary, "wb") as stream:
            np.savez(stream, **arrays)

    return atomic_write(path, write)


def _read_archive(path: Path) -> dict[str, np.ndarray]:
    """The arrays of a session file, none read before its declared size is known to fit the limits."""
    with npz_read_errors(path, SessionFileError, "a session file", "not a readable session file, damaged or truncated",
                         " (a session file holds only text and numbers)"):
        source = npz_source(path, SessionFileError, MAX_ARCHIVE_STREAM_BYTES)
        check_npz_start(path, SessionFileError, "the file is empty (0 bytes); it is not a saved session",
                        "not a session file (an .npz archive written by Save session)", source)
        with NpzArchive(source) as archive:
            names = list(archive.files)
            if JSON_NAME not in names:
                hint = " (it looks like a weights file: open it with Open weights)" if set(MATRIX_WEIGHT_NAMES) <= set(
                    names) else ""
                raise SessionFileError(f"{path}: not a session file: it has no {JSON_NAME} "
                                       f"(it has {', '.join(names) or 'nothing'}){hint}")
            unknown = [name for name in names if name not in (JSON_NAME, *WEIGHT_NAMES)]
            if unknown:
                raise SessionFileError(f"{path}: unexpected arrays {', '.join(unknown)}; a session file holds "
                                       f"{JSON_NAME} and, for weights that are not seeded, w_q, w_k, w_v, w_o")
            arrays = archive.read([JSON_NAME], 4 * MAX_SESSION_JSON_CHARACTERS,
                                  f"{JSON_NAME} may have at most {MAX_SESSION_JSON_CHARACTERS} characters")
            arrays.update(archive.read([name for name in names if name != JSON_NAME], MAX_WEIGHTS_BYTES,
                                       WEIGHTS_LIMIT_TEXT))
    return arrays


def _refuse_constant(name: str) -> float:
    raise ValueError(f"{name} is not a number JSON allows")


def _nesting_depth(text: str) -> int:
    """How deep the JSON ``text`` nests objects and lists, counted without parsing it, in linear time.

    Escapes go first (so an escaped quote cannot end a string), then strings
    (brackets inside them do not count); the brackets left give the depth.
    Malformed text gives some number: json.loads then says what is wrong.
    """
    skeleton = re.sub(r'"[^"]*"', "", re.sub(r"\\.", "", text, flags=re.DOTALL))
    brackets = np.frombuffer(re.sub(r"[^\[\]{}]", "", skeleton).encode("ascii"), dtype=np.uint8)
    if not brackets.size:
        return 0
    opening = (brackets == ord("[")) | (brackets == ord("{"))
    return int(np.cumsum(opening.astype(np.int32) * 2 - 1, dtype=np.int32).max())


def _parse_json(path: Path, array: np.ndarray) -> dict:
    if array.dtype.kind != "U" or array.ndim != 0:
        raise SessionFileError(f"{path}: {JSON_NAME} must be one text string (a 0-dimensional Unicode array); "
                               f"it has dtype {array.dtype} and shape {array.shape}")
    text = str(array[()])
    depth = _nesting_depth(text)
    if depth > MAX_SESSION_JSON_DEPTH:
        raise SessionFileError(f"{path}: {JSON_NAME} is not valid JSON for a session: it nests {depth} levels "
                               f"deep, and at most {MAX_SESSION_JSON_DEPTH} are read (a session nests 3)")
    try:
        data = json.loads(text, parse_constant=_refuse_constant)
    except (ValueError, RecursionError) as error:
        raise SessionFileError(f"{path}: {JSON_NAME} is not valid JSON ({error})") from None
    if not isinstance(data, dict):
        raise SessionFileError(f"{path}: {JSON_NAME} must hold a JSON object, not {type(data).__name__}")
    if data.get("format") != SESSION_FORMAT:
        raise SessionFileError(f"{path}: not an Attention Stepper session (format {data.get('format')!r}, "
                               f"expected {SESSION_FORMAT!r})")
    version = data.get("format_version")
    if version != SESSION_FORMAT_VERSION or isinstance(version, bool):
        raise SessionFileError(f"{path}: session format version {version!r} is not one this program reads "
                               f"(it reads version {SESSION_FORMAT_VERSION}); a newer program may have written it")
    missing = sorted(_TOP_KEYS - set(data))
    unknown = sorted(set(data) - _TOP_KEYS)
    if missing or unknown:
        problem = "; ".join(part for part in (missing and f"missing {', '.join(missing)}",
                                              unknown and f"unknown {', '.join(unknown)}") if part)
        raise SessionFileError(f"{path}: {JSON_NAME}: {problem}")
    return data


def _parameters(raw: object) -> Parameters:
    if not isinstance(raw, dict):
        raise ValueError(f"parameters must be a JSON object, not {type(raw).__name__}")
    fields = {f.name for f in dataclasses.fields(Parameters)}
    unknown = sorted(set(raw) - fields)
    missing = [name for name in PARAMETER_KEYS_V1 if name not in raw]
    if unknown:
        raise ValueError(f"unknown parameters {', '.join(unknown)}")
    if missing:
        raise ValueError(f"missing parameters {', '.join(missing)}")
    for name in _BOOLEAN_PARAMETERS:
        if name in raw and not isinstance(raw[name], bool):
            raise ValueError(f"{name} must be true or false, not {raw[name]!r}")
    return Parameters(**raw).validated()


def load_session(path: str | os.PathLike) -> Session:
    """Read a file written by :func:`save_session`; SessionFileError (naming the file) for any problem."""
    path = Path(path)
    arrays = _read_archive(path)
    data = _parse_json(path, arrays.pop(JSON_NAME))
    try:
        parameters = _parameters(data["parameters"])
    except (ValueError, TypeError) as error:
        raise SessionFileError(f"{path}: bad parameters: {error}") from None
    weights = None
    if arrays:
        missing = [name for name in MATRIX_WEIGHT_NAMES if name not in arrays]
        if missing:
            raise SessionFileError(f"{path}: has only some of the weights: missing {', '.join(missing)}")
        for name in arrays:
            if arrays[name].dtype.kind not in "fiu":
                raise SessionFileError(f"{path}: {name} has dtype {arrays[name].dtype}; weights must be real numbers")
        try:
            weights = Weights(**arrays)
        except ValueError as error:
            raise SessionFileError(f"{path}: {error}") from None
    try:
        edits = Edits.from_records(data["edits"])
    except ValueError as error:
        raise SessionFileError(f"{path}: bad edits: {error}") from None
    step, head = data["step"], data["head"]
    if step is not None and not isinstance(step, str):
        raise SessionFileError(f"{path}: step must be a step's name or null, not {step!r}")
    if head is not None:
        if isinstance(head, bool) or not isinstance(head, int):
            raise SessionFileError(f"{path}: head must be a whole number or null, not {head!r}")
        head -= 1
    try:
        _check_session(parameters, weights, edits, step, head)
    except CheckpointError as error:
        raise SessionFileError(f"{path}: this session shows the model in {parameters.checkpoint}, which cannot be "
                               f"opened now: {error}") from None
    except ValueError as error:
        raise SessionFileError(f"{path}: {error}") from None
    return Session(parameters, weights, edits, step, head)
