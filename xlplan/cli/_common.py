"""What every command shares: the error boundary, date parsing and common options."""

from __future__ import annotations

import datetime as dt
import os
import sys
from collections.abc import Callable
from functools import wraps
from pathlib import Path
from typing import Any, TypeVar

import click

F = TypeVar("F", bound=Callable[..., Any])
BROKEN_PIPE_STATUS = 141
BUG_STATUS = 70  # EX_SOFTWARE: an internal error
FIRST_EXCEL_DAY = dt.date(1900, 3, 1)


def reports_errors(command: F) -> F:
    """Turn an ``XlplanError`` (or a file-system refusal) into a message and exit 1."""

    @wraps(command)
    def run(*args: Any, **kwargs: Any) -> Any:
        from xlplan.errors import XlplanError

        try:
            return command(*args, **kwargs)
        except XlplanError as error:
            click.secho(f"Error: {error.message}", fg="red", err=True)
            if error.hint:
                click.echo(f"  {error.hint}", err=True)
            sys.exit(1)
        except BrokenPipeError:
            # The reader of the output went away (`xlplan diff ... | head`):
            # no message, but the status a command stopped by SIGPIPE has
            # (128 + 13), as the run did not finish. Python would complain
            # when it flushes standard output at exit: point it at the null
            # device first.
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
            sys.exit(BROKEN_PIPE_STATUS)
        except OSError as error:
            # A refusal the command did not foresee (disk full, read-only
            # mount, a file where a folder should be): say what and where.
            where = f" {error.filename}" if error.filename else ""
            reason = error.strerror or str(error)
            click.secho(
                f"Error: cannot write or read{where}: {reason}.", fg="red", err=True
            )
            click.echo(
                "  Check the path exists, is writable and has free space.", err=True
            )
            sys.exit(1)
        except (click.ClickException, click.exceptions.Abort, click.exceptions.Exit):
            raise  # usage mistakes and Ctrl-C: click reports them itself
        except Exception as error:
            # A bug: the user gets one line and where the details are, not a
            # traceback. XLPLAN_DEBUG=1 lets it through for a developer.
            if os.environ.get("XLPLAN_DEBUG"):
                raise
            report = _bug_report(error)
            click.secho(
                "Error: xlplan stopped on a problem it did not expect "
                f"({type(error).__name__}: {error}).",
                fg="red",
                err=True,
            )
            click.echo(
                f"  This is a bug in xlplan. Please send {report} to the xlplan "
                "team with the command you ran.",
                err=True,
            )
            sys.exit(BUG_STATUS)

    return run  # type: ignore[return-value]


def _bug_report(error: BaseException) -> str:
    """Write the traceback to a file in the temporary folder; return its path."""
    import tempfile
    import traceback

    import xlplan

    text = (
        f"xlplan {xlplan.__version__}, Python {sys.version.split()[0]}, "
        f"{sys.platform}\ncommand: {' '.join(sys.argv)}\n\n"
        + "".join(traceback.format_exception(error))
    )
    try:
        handle, name = tempfile.mkstemp(prefix="xlplan-bug-", suffix=".txt")
        with os.fdopen(handle, "w", encoding="utf-8") as stream:
            stream.write(text)
    except OSError:
        return "the traceback (run again with XLPLAN_DEBUG=1 to see it)"
    return name


class FileToWrite(click.Path):
    """A file an option writes: a folder, or a path ending in a separator, is refused.

    ``pathlib`` drops a trailing separator, so ``-o reports/`` would become a
    file called ``reports``: the text is looked at before it becomes a path,
    and the message offers a file inside the folder (``example`` names it).
    With ``kind`` (such as "an Excel workbook"), a name with another suffix
    than the example's is refused too: ``-o portfolio.csv`` would be a
    workbook no program opens by its name.
    """

    def __init__(self, example: str, kind: str | None = None) -> None:
        super().__init__(dir_okay=False, path_type=Path)
        self.example = example
        self.kind = kind

    def convert(
        self, value: Any, param: click.Parameter | None, ctx: click.Context | None
    ) -> Any:
        text = os.fspath(value)
        if not text.strip():
            self.fail(f"give a file name, such as {self.example}.", param, ctx)
        if text.endswith(("/", os.sep)) or os.path.isdir(text):
            self.fail(
                f"{text} names a folder; give a file name, such as "
                f"{os.path.join(text, self.example)}.",
                param,
                ctx,
            )
        suffix = Path(self.example).suffix
        if self.kind and Path(text).suffix.lower() != suffix:
            self.fail(
                f"{text}: the file written is {self.kind}; give a name ending "
                f"in {suffix}, such as {Path(text).with_suffix(suffix)}.",
                param,
                ctx,
            )
        return super().convert(value, param, ctx)


class FolderToWrite(click.Path):
    """A folder an option writes files into (made if missing); a file is refused."""

    def __init__(self) -> None:
        super().__init__(file_okay=False, path_type=Path)

    def convert(
        self, value: Any, param: click.Parameter | None, ctx: click.Context | None
    ) -> Any:
        if not os.fspath(value).strip():
            self.fail("give a folder name.", param, ctx)
        path = Path(os.fspath(value))
        if path.exists() and not path.is_dir():
            self.fail(
                f"{value} is a file; give a folder to write the files into.",
                param,
                ctx,
            )
        return super().convert(value, param, ctx)


def echo_json(data: Any) -> None:
    """Print ``data`` as JSON that reads back whatever the output's encoding.

    Text stays readable on a UTF-8 output; on one in a legacy code page
    (cp1252), characters it cannot hold are written as JSON's own \\u
    escapes, not as the console's escapes, which no JSON reader takes.
    """
    import codecs
    import json

    encoding = getattr(sys.stdout, "encoding", None) or "utf-8"
    readable = codecs.lookup(encoding).name == "utf-8"
    click.echo(json.dumps(data, indent=2, ensure_ascii=not readable))


def date_option(
    ctx: click.Context, param: click.Parameter, value: str | None
) -> dt.date | None:
    if value is None:
        return None
    try:
        day = dt.date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(
            f"'{value}' is not a date; write YYYY-MM-DD."
        ) from None
    if day < FIRST_EXCEL_DAY:
        raise click.BadParameter(
            f"'{value}' is before 1 March 1900: Excel counts the days before it "
            "wrongly (it holds 1900 a leap year)."
        )
    return day


pack_option = click.option(
    "--pack",
    "pack_dir",
    type=click.Path(file_okay=False, path_type=Path),
    help="Template pack folder (default: the pack shipped with xlplan).",
)
as_of_option = click.option(
    "--as-of",
    "as_of",
    metavar="YYYY-MM-DD",
    callback=date_option,
    help="Fix the plans' as-of date instead of =TODAY().",
)
force_option = click.option(
    "--force", is_flag=True, help="Replace files that already exist."
)
