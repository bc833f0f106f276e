"""Where the files shipped with xlplan live: packs, samples, deck templates, macros.

A wheel carries the top-level ``workbooks/``, ``decks/`` and ``macros/``
folders inside the package as ``xlplan/_bundled/``; a source checkout (or an
editable install) finds them beside the package.
"""

from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


def bundled_dir(name: str) -> Path:
    """The shipped folder ``name`` (``workbooks``, ``decks`` or ``macros``)."""
    inside = _PACKAGE / "_bundled" / name
    return inside if inside.is_dir() else _PACKAGE.parent / name


def default_pack_dir() -> Path:
    """The default template pack's folder."""
    return bundled_dir("workbooks") / "pack"


def samples_dir() -> Path:
    """The sample portfolio's folder of account YAML files."""
    return bundled_dir("workbooks") / "samples"
