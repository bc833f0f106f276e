"""The ``xlplan`` command line: the only place that prints or exits.

Library code raises ``XlplanError``; this package turns it into a message and
exit code 1 (a job that failed) while click reports usage mistakes with exit
code 2. Heavy libraries are imported inside the commands so ``xlplan --help``
starts fast.
"""

from __future__ import annotations

import io
import sys

import click

from xlplan.cli.decks import deck
from xlplan.cli.plans import check, demo, excel, new, template
from xlplan.cli.portfolio import diff, rollup


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="xlplan")
def main() -> None:
    """xlplan: key-account plans kept in Excel as typed, versioned records.

    Build plan workbooks for reps to fill (new), check them (check), roll a
    folder of plans up into a portfolio (rollup), from a template pack your
    organisation can copy and edit (template); demo does it all on samples.
    Keep dated snapshots with rollup --history and compare them (diff), turn
    a plan into a client or internal PowerPoint deck (deck), and set up the
    worksheet functions and buttons inside Excel (excel).
    """
    # A console or file in a legacy code page (cp1252 on Windows) cannot hold
    # every character a plan may: such characters print as \u escapes.
    for stream in (sys.stdout, sys.stderr):
        if isinstance(stream, io.TextIOWrapper):
            stream.reconfigure(errors="backslashreplace")


for command in (new, demo, check, rollup, diff, deck, template, excel):
    main.add_command(command)
