"""Writing files safely: Windows-safe names, no silent overwrite, atomic replace."""

from __future__ import annotations

import glob
import os
import re
import tempfile
import time
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
# XlsxWriter options for every workbook xlplan writes: user text stays text
# (never turned into a formula, a number or a link), built in memory.
WORKBOOK_OPTIONS = {
    "in_memory": True,
    "strings_to_formulas": False,
    "strings_to_numbers": False,
    "strings_to_urls": False,
}
# The custom document property that marks a report xlplan wrote (its value
# names the kind: portfolio, review), so that a rollup of a folder the report
# was saved in skips it instead of listing a workbook that is not a plan.
OUTPUT_PROPERTY = "xlplan_output"
MAX_STEM_BYTES = 150  # well under the 255-byte limit of most file systems
LEFT_TEMPORARY_SECONDS = 60 * 60


def safe_stem(name: str, fallback: str = "plan") -> str:
    """A file name stem that Windows, macOS and Linux all accept.

    Drops characters Windows forbids, trailing dots and spaces, and renames
    device names such as ``CON``; empty results become ``fallback``.
    """
    stem = _FORBIDDEN.sub(" ", name)
    stem = re.sub(r"\s+", " ", stem).strip().strip(".").strip()
    while len(stem.encode("utf-8")) > MAX_STEM_BYTES:
        stem = stem[:-1]
    stem = stem.rstrip(". ")
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


def _mode_for(path: Path) -> int:
    if path.exists():
        return path.stat().st_mode & 0o777
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


def write_atomic(
    path: Path, content: bytes, *, force: bool = False, mode: int | None = None
) -> Path:
    """Write ``content`` to ``path`` through a temporary file and a rename.

    Refuses to replace an existing file unless ``force``; a crash mid-write
    leaves the old file (or none) in place, never a partial one. The file
    gets the permission bits ``mode`` (such as 0o600, for the user only);
    ``None`` gives those a plain write would, or the replaced file's.
    """
    shown = path
    # "plans/new/../acme.xlsx" is plans/acme.xlsx, though plans/new does not
    # exist yet: asked whether it exists as written, the system says no.
    path = Path(os.path.realpath(path))
    if path.exists() and not force:
        raise OutputExistsError(
            f"{shown} already exists.",
            hint="Pass --force to replace it, or choose another name or folder.",
        )
    path.parent.mkdir(parents=True, exist_ok=True)
    if mode is None:
        mode = _mode_for(path)
    handle, temp_name = tempfile.mkstemp(
        prefix=f".{path.name}.", suffix=".tmp", dir=path.parent
    )
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(content)
            stream.flush()
            os.fsync(stream.fileno())
        # mkstemp makes an owner-only file; unless told otherwise, give it
        # the mode a plain write would (or the replaced file's) so colleagues
        # can open the plan.
        os.chmod(temp_name, mode)
        os.replace(temp_name, path)
    except BaseException:
        Path(temp_name).unlink(missing_ok=True)
        raise
    _remove_left_temporaries(path)
    return path


def _remove_left_temporaries(path: Path) -> None:
    """Remove temporary files of ``path`` that a killed run left beside it.

    Only those over an hour old go: a younger one may be another run's,
    still being written.
    """
    before = time.time() - LEFT_TEMPORARY_SECONDS
    for temp in path.parent.glob(f".{glob.escape(path.name)}.*.tmp"):
        try:
            if temp.stat().st_mtime < before:
                temp.unlink()
        except OSError:
            continue
