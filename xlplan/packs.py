"""Template packs on disk: load, hash, copy (``template init``) and check.

A pack is a folder of YAML files named by ``pack.yaml``. Loading reads every
file, hashes their bytes (the content hash a plan records) and parses them
into a ``Pack``; checking also proves every computed field has a formula and
every scoring key is present.
"""

from __future__ import annotations

import functools
import hashlib
import logging
from pathlib import Path
from typing import Any

import yaml

from xlplan.errors import OutputExistsError, OutputWriteError, PackError
from xlplan.model.pack import FieldType, Pack, PackProblem, parse_pack
from xlplan.pack_check import pack_problems
from xlplan.resources import default_pack_dir
from xlplan.workbook.files import write_atomic

log = logging.getLogger(__name__)

ROLES = ("schema", "lists", "scoring", "rates", "brand", "deck")


def load_pack(folder: Path | None = None) -> Pack:
    """Load and check the pack in ``folder`` (the default pack when ``None``).

    Raises ``PackError`` listing every problem when the pack is not usable.
    """
    folder = folder or default_pack_dir()
    pack, problems = _load(folder)
    problems += pack_problems(pack, folder) if pack else []
    if pack is None or problems:
        listing = "\n".join(f"  - {p}" for p in problems)
        raise PackError(
            f"Template pack {folder} has {len(problems)} problem(s):\n{listing}",
            hint=f"Fix them, then run: xlplan template check {folder}",
        )
    return pack


@functools.lru_cache(maxsize=1)
def default_field_types() -> dict[tuple[str, str], FieldType]:
    """The type of each (section, field) of the default pack, read without its checks."""
    pack, _ = _load(default_pack_dir())
    assert pack is not None, "the default pack is shipped whole"
    return {(s.key, f.name): f.type for s in pack.sections for f in s.fields}


def check_pack(folder: Path) -> list[PackProblem]:
    """Every problem in the pack at ``folder``; an empty list means it is usable."""
    if not folder.is_dir():
        return [
            PackProblem(
                str(folder),
                "(folder)",
                "is not a folder.",
                "give the folder made by `xlplan template init`.",
            )
        ]
    pack, problems = _load(folder)
    return problems + (pack_problems(pack, folder) if pack else [])


def init_pack(target: Path, *, force: bool = False) -> Path:
    """Copy the default pack to ``target`` for an organisation to edit."""
    if target.exists() and any(target.iterdir()) and not force:
        raise OutputExistsError(
            f"{target} already exists and is not empty.",
            hint="Choose a new folder, or pass --force to overwrite the pack files in it.",
        )
    if target.exists() and not target.is_dir():
        raise OutputWriteError(
            f"{target} is a file, not a folder.", hint="Choose a new folder."
        )
    created: list[Path] = []
    try:
        target.mkdir(parents=True, exist_ok=True)
        for source in sorted(default_pack_dir().glob("*.yaml")):
            destination = target / source.name
            is_new = not destination.exists()
            write_atomic(destination, source.read_bytes(), force=True)
            if is_new:
                created.append(destination)
    except OSError as exc:
        for path in created:
            path.unlink(missing_ok=True)
        raise OutputWriteError(
            f"Cannot write the pack to {target}: {exc.strerror or exc}.",
            hint="Choose a folder you can write to, with free space.",
        ) from None
    return target


def _load(folder: Path) -> tuple[Pack | None, list[PackProblem]]:
    documents: dict[str, Any] = {}
    problems: list[PackProblem] = []
    digest = hashlib.sha256()
    meta_path = folder / "pack.yaml"
    if not meta_path.is_file():
        problems.append(
            PackProblem(
                "pack.yaml",
                "(file)",
                f"is not in {folder}.",
                "make a pack with `xlplan template init FOLDER`.",
            )
        )
        return None, problems
    meta = _read_yaml(meta_path, problems)
    if not isinstance(meta, dict):
        if meta is not None:
            problems.append(
                PackProblem(
                    "pack.yaml",
                    "(top level)",
                    "is not a mapping of keys to values.",
                    "restore it from `xlplan template init`.",
                )
            )
        return None, problems
    documents["pack"] = meta
    digest.update(meta_path.read_bytes())
    names = _file_names(meta.get("files"), problems)
    for role in ROLES:
        path = folder / names[role]
        documents[role] = _read_yaml(path, problems)
        if path.is_file():
            digest.update(path.read_bytes())
    documents["_files"] = names
    pack, parse_problems = parse_pack(documents)
    problems += parse_problems
    if pack is None:
        return None, problems
    log.debug("loaded pack %s %s from %s", pack.name, pack.version, folder)
    return _with_hash(pack, digest.hexdigest()), problems


def _file_names(files: Any, problems: list[PackProblem]) -> dict[str, str]:
    """The file of each role, from pack.yaml's ``files`` (defaults where absent)."""
    names = {role: f"{role}.yaml" for role in ROLES}
    if files is None:
        return names
    if not isinstance(files, dict):
        problems.append(
            PackProblem(
                "pack.yaml",
                "files",
                "is not a mapping of role to file name.",
                "write e.g. `files: {schema: schema.yaml, ...}`.",
            )
        )
        return names
    for role, name in files.items():
        if role not in names:
            problems.append(
                PackProblem(
                    "pack.yaml",
                    f"files.{role}",
                    "is not a pack file role.",
                    f"use: {', '.join(ROLES)}.",
                )
            )
        elif (
            not isinstance(name, str)
            or not name.endswith((".yaml", ".yml"))
            or "/" in name
            or "\\" in name
            or name.startswith(".")
        ):
            problems.append(
                PackProblem(
                    "pack.yaml",
                    f"files.{role}",
                    f"'{name}' is not a YAML file name in the pack folder.",
                    f"write e.g. `{role}: {role}.yaml`.",
                )
            )
        else:
            names[role] = name
    return names


def _with_hash(pack: Pack, content_hash: str) -> Pack:
    from dataclasses import replace

    return replace(pack, content_hash=content_hash)


# libyaml's parser (C) reads the default pack in a tenth of the time of the pure
# Python one, which every command otherwise pays; PyYAML wheels ship it, a
# build from source may not.
_SafeLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _UniqueKeyLoader(_SafeLoader):  # type: ignore[misc, valid-type]
    """A safe loader that refuses a key written twice (YAML keeps the last silently)."""

    def construct_mapping(
        self, node: yaml.MappingNode, deep: bool = False
    ) -> dict[Any, Any]:
        seen = set()
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=deep)
            if key in seen:
                raise yaml.constructor.ConstructorError(
                    None, None, f"key '{key}' is written twice", key_node.start_mark
                )
            seen.add(key)
        return super().construct_mapping(node, deep=deep)


def _read_yaml(path: Path, problems: list[PackProblem]) -> Any:
    if not path.is_file():
        problems.append(
            PackProblem(
                path.name,
                "(file)",
                "is missing.",
                f"restore {path.name} in {path.parent} (see `xlplan template init`).",
            )
        )
        return None
    try:
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=_UniqueKeyLoader)  # noqa: S506
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}" if mark else "(file)"
        problem = getattr(exc, "problem", None) or str(exc)
        problems.append(
            PackProblem(
                path.name,
                where,
                f"is not valid YAML ({problem}).",
                "check quotes, colons, brackets and indentation there.",
            )
        )
        return None
    except UnicodeDecodeError:
        problems.append(
            PackProblem(path.name, "(file)", "is not UTF-8 text.", "save it as UTF-8.")
        )
        return None
    except ValueError as exc:
        # YAML reads 2026-02-30 as a date, and Python has no such day.
        problems.append(
            PackProblem(
                path.name,
                "(file)",
                f"holds a value that cannot be read ({exc}).",
                "check that every date there is a real day, written YYYY-MM-DD.",
            )
        )
        return None
    except OSError as exc:
        problems.append(
            PackProblem(
                path.name,
                "(file)",
                f"cannot be read ({exc.strerror}).",
                "check the file's permissions.",
            )
        )
        return None
    if data is None:
        problems.append(
            PackProblem(
                path.name,
                "(file)",
                "is empty.",
                "restore its content from `xlplan template init`.",
            )
        )
    return data
