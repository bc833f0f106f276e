"""Errors xlplan raises for causes a user can act on.

Library code raises these; only ``xlplan.cli`` turns them into a message and
an exit code. Every message says what happened, where, and what to do.
"""

from __future__ import annotations


class XlplanError(Exception):
    """Base of every error a user can act on."""

    def __init__(self, message: str, *, hint: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        return f"{self.message}\n  {self.hint}" if self.hint else self.message


class PackError(XlplanError):
    """A template pack file is missing, unreadable or breaks a rule."""


class SampleError(XlplanError):
    """A sample account or CRM export row cannot be turned into a plan."""


class OutputExistsError(XlplanError):
    """An output file exists and ``--force`` was not given."""


class OutputWriteError(XlplanError):
    """An output file or folder cannot be written."""


class AccountsFileError(XlplanError):
    """A CRM account export cannot be read."""


class WorkbookShapeError(XlplanError):
    """An open workbook a macro works on lacks a table or name a plan has."""


class DeckExportError(XlplanError):
    """A deck cannot be exported from the workbook (a missing part or module)."""


class MissingPackageError(XlplanError):
    """An optional package a command needs (DuckDB, Dask) is not installed."""


class HistoryError(XlplanError):
    """A history database is missing, not a DuckDB file, in use or too new."""


class SnapshotError(XlplanError):
    """A snapshot asked for is not in the history, or there are too few to compare."""


class ClusterError(XlplanError):
    """A Dask scheduler cannot be reached, or its workers cannot read plans."""
