"""Writing files safely: Windows-safe names, no silent overwrite, atomic replace."""

from __future__ import annotations

import os
import re
import tempfile
from pathlib import Path

from xlplan.errors import OutputExistsError

_FORBIDDEN = re.compile(r'[<>:"/\\|?*\x00-\x1f]')
_RESERVED = {
    "CON",
    "PRN",
    "AUX",
    "NUL",
    *(f"COM{i}" for i in range(1, 10)),
    *(f"LPT{i}" for i in range(1, 10)),
}
MAX_STEM = 100


def safe_stem(name: str, fallback: str = "plan") -> str:
    """A file name stem that Windows, macOS and Linux all accept.

    Drops characters Windows forbids, trailing dots and spaces, and renames
    device names such as ``CON``; empty results become ``fallback``.
    """
    stem = _FORBIDDEN.sub(" ", name)
    stem = re.sub(r"\s+", " ", stem).strip().rstrip(". ")[:MAX_STEM].rstrip(". ")
    if not stem:
        stem = fallback
    if stem.split(".")[0].upper() in _RESERVED:
        stem = f"_{stem}"
    return stem


def unique_path(folder: Path, stem: str, suffix: str, taken: set[str]) -> Path:
    """``folder/stem.suffix``, numbered " (2)", " (3)" when the name is taken in this batch."""
    candidate, n = stem, 1
    while candidate.casefold() in taken:
        n += 1
        candidate = f"{stem} ({n})"
    taken.add(candidate.casefold())
    return folder / f"{candidate}{suffix}"


def write_atomic(path: Path, content: bytes, *, force: bool = False) -> Path:
    """Write ``content`` to ``path`` through a temporary file and a rename.

    Refuses to replace an existing file unless ``force``; a crash mid-write
    leaves the old file (or none) in place, never a partial one.
    """
    if path.exists() and not force:
        raise OutputExistsError(
            f"{path} already exists.",
            hint="Pass --force to replace it, or choose another output folder.",
        )
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temp_name = tempfile.mkstemp(
        prefix=f".{path.name}.", suffix=".tmp", dir=path.parent
    )
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(content)
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(temp_name, path)
    except BaseException:
        Path(temp_name).unlink(missing_ok=True)
        raise
    return path
