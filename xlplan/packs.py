"""Template packs on disk: load, hash, copy (``template init``) and check.

A pack is a folder of YAML files named by ``pack.yaml``. Loading reads every
file, hashes their bytes (the content hash a plan records) and parses them
into a ``Pack``; checking also proves every computed field has a formula and
every scoring key is present.
"""

from __future__ import annotations

import hashlib
import logging
import shutil
from pathlib import Path
from typing import Any

import yaml

from xlplan.errors import OutputExistsError, PackError
from xlplan.model.pack import Pack, PackProblem, SectionKind, parse_pack
from xlplan.resources import default_pack_dir

log = logging.getLogger(__name__)

ROLES = ("schema", "lists", "scoring", "rates", "brand", "deck")


def load_pack(folder: Path | None = None) -> Pack:
    """Load and check the pack in ``folder`` (the default pack when ``None``).

    Raises ``PackError`` listing every problem when the pack is not usable.
    """
    folder = folder or default_pack_dir()
    pack, problems = _load(folder)
    problems += _semantic_problems(pack) if pack else []
    if pack is None or problems:
        listing = "\n".join(f"  - {p}" for p in problems)
        raise PackError(
            f"Template pack {folder} has {len(problems)} problem(s):\n{listing}",
            hint=f"Fix them, then run: xlplan template check {folder}",
        )
    return pack


def check_pack(folder: Path) -> list[PackProblem]:
    """Every problem in the pack at ``folder``; an empty list means it is usable."""
    pack, problems = _load(folder)
    return problems + (_semantic_problems(pack) if pack else [])


def init_pack(target: Path, *, force: bool = False) -> Path:
    """Copy the default pack to ``target`` for an organisation to edit."""
    if target.exists() and any(target.iterdir()) and not force:
        raise OutputExistsError(
            f"{target} already exists and is not empty.",
            hint="Choose a new folder, or pass --force to overwrite the pack files in it.",
        )
    target.mkdir(parents=True, exist_ok=True)
    for source in sorted(default_pack_dir().glob("*.yaml")):
        shutil.copyfile(source, target / source.name)
    return target


def _load(folder: Path) -> tuple[Pack | None, list[PackProblem]]:
    documents: dict[str, Any] = {}
    problems: list[PackProblem] = []
    digest = hashlib.sha256()
    meta_path = folder / "pack.yaml"
    meta = _read_yaml(meta_path, problems)
    if meta is None:
        return None, problems
    documents["pack"] = meta
    files = meta.get("files") if isinstance(meta, dict) else None
    files = (
        files if isinstance(files, dict) else {role: f"{role}.yaml" for role in ROLES}
    )
    digest.update(meta_path.read_bytes())
    for role in ROLES:
        path = folder / str(files.get(role, f"{role}.yaml"))
        documents[role] = _read_yaml(path, problems)
        if path.is_file():
            digest.update(path.read_bytes())
    pack, parse_problems = parse_pack(documents)
    problems += parse_problems
    if pack is None:
        return None, problems
    log.debug("loaded pack %s %s from %s", pack.name, pack.version, folder)
    return _with_hash(pack, digest.hexdigest()), problems


def _with_hash(pack: Pack, content_hash: str) -> Pack:
    from dataclasses import replace

    return replace(pack, content_hash=content_hash)


def _read_yaml(path: Path, problems: list[PackProblem]) -> Any:
    if not path.is_file():
        problems.append(
            PackProblem(
                path.name,
                "(file)",
                "is missing.",
                f"restore {path.name} in {path.parent}.",
            )
        )
        return None
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}" if mark else "(file)"
        problems.append(
            PackProblem(
                path.name,
                where,
                f"is not valid YAML ({getattr(exc, 'problem', exc)}).",
                "check quotes, colons and indentation there.",
            )
        )
    except UnicodeDecodeError:
        problems.append(
            PackProblem(path.name, "(file)", "is not UTF-8 text.", "save it as UTF-8.")
        )
    return None


def _semantic_problems(pack: Pack) -> list[PackProblem]:
    """Rules that need the whole pack: formulas exist, scoring keys are present."""
    from xlplan.core.registry import COLUMNS, FIELDS
    from xlplan.core.rules import rules_from_pack

    problems = []
    for section in pack.sections:
        for spec in section.fields:
            if not spec.computed:
                continue
            known = (
                spec.name in FIELDS
                if section.kind is SectionKind.SINGLE
                else ((section.key, spec.name) in COLUMNS)
            )
            if not known:
                problems.append(
                    PackProblem(
                        "schema.yaml",
                        f"sections[{section.key}].fields[{spec.name}]",
                        "is marked computed but xlplan has no formula for it.",
                        "remove `computed: true` to make it an input, or remove the field.",
                    )
                )
    try:
        rules_from_pack(pack)
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        problems.append(
            PackProblem(
                "scoring.yaml",
                str(exc).strip("'"),
                "is missing or has the wrong shape.",
                "restore it from the default pack (xlplan template init).",
            )
        )
    for required in (
        "level",
        "horizon",
        "white_space_state",
        "offerings",
        "relationship_strength",
    ):
        if required not in pack.lists:
            problems.append(
                PackProblem(
                    "lists.yaml",
                    required,
                    "is missing; scores read it.",
                    "restore the list from the default pack.",
                )
            )
    return problems
