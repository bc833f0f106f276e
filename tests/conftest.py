"""Shared fixtures: the default pack, its rules, and a plan factory."""

from __future__ import annotations

import datetime as dt
import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from tests.libreoffice import soffice
from xlplan.core.rules import Rules, rules_from_pack
from xlplan.model.pack import Pack
from xlplan.model.plan import Plan
from xlplan.packs import load_pack

# Keep the rollup's read cache out of the user's home folder during tests.
os.environ["XDG_CACHE_HOME"] = tempfile.mkdtemp(prefix="xlplan-test-cache-")

AS_OF = dt.date(2026, 6, 15)
CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus"


@pytest.fixture(scope="session")
def pack() -> Pack:
    return load_pack()


@pytest.fixture(scope="session")
def rules(pack: Pack) -> Rules:
    return rules_from_pack(pack)


def make_plan(as_of: dt.date = AS_OF, **sections: Any) -> Plan:
    """A typed plan from keyword sections: dicts for plan/profile, lists for tables."""
    records = {k: v for k, v in sections.items() if isinstance(v, dict)}
    tables = {k: tuple(v) for k, v in sections.items() if isinstance(v, list)}
    records.setdefault("plan", {})
    records.setdefault("profile", {})
    return Plan(as_of=as_of, records=records, tables=tables)


def days(n: int) -> dt.date:
    """``AS_OF`` moved by ``n`` days."""
    return AS_OF + dt.timedelta(days=n)


@contextmanager
def umask_set(mask: int) -> Iterator[None]:
    """The umask set to ``mask`` in the block; processes started there inherit it."""
    old = os.umask(mask)
    try:
        yield
    finally:
        os.umask(old)


requires_libreoffice = pytest.mark.skipif(
    soffice() is None, reason="LibreOffice is not installed"
)
