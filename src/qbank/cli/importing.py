"""``qbank import``: a bank file from Moodle XML, GIFT, Aiken or a spreadsheet."""

from __future__ import annotations

import shlex

import click

from . import _warn, cli


@cli.command(
    "import",
    epilog="""
\b
Examples:
  qbank import questions.xml                 # Moodle XML -> questions.yaml
  qbank import export.xml -o physics.yaml    # name the bank
  qbank import course.xml -o banks/          # one bank per top category, in banks/
  qbank import quiz.gift                     # GIFT -> quiz.yaml
  qbank import quiz.txt --from gift          # say the format when the name does not
  qbank import aiken.txt                     # Aiken, recognised by its ANSWER: lines
  qbank import --template sheet.xlsx         # an empty sheet with the columns, to fill in
  qbank import sheet.xlsx                    # one question a row (also .csv)
""",
)
@click.argument("source", required=False, type=click.Path(dir_okay=False))
@click.option(
    "-o",
    "--out",
    "out",
    type=click.Path(),
    default=None,
    help="The bank file to write (never written over), or a folder (ending in /) to write "
    "one bank per top category in. Default: SOURCE's name with .yaml.",
)
@click.option(
    "--from",
    "fmt",
    type=click.Choice(["moodle", "gift", "aiken", "csv", "xlsx"]),
    default=None,
    help="The format of SOURCE. Default: from its extension, else its content.",
)
@click.option(
    "--template",
    "template",
    type=click.Path(dir_okay=False),
    default=None,
    help="Write an empty sheet (.xlsx, or .csv) with the columns qbank reads and one "
    "example row per question type, instead of importing.",
)
def import_command(
    source: str | None, out: str | None, fmt: str | None, template: str | None
) -> None:
    """Write a bank from another program's question file (Moodle XML, GIFT, Aiken,
    CSV or XLSX spreadsheet).

    Texts, answers, feedback, tolerances, units, tags, points, ids and categories are
    carried over; pictures are written into a folder next to the bank. What a bank cannot
    hold is listed, question by question, as a warning; questions that cannot be imported
    at all are counted by reason. Check the bank with 'qbank validate' afterwards.
    """
    from ..errors import QbankError
    from ..importing import import_file

    if template is not None:
        from pathlib import Path

        from ..importing.spreadsheet import write_template

        if Path(template).exists():
            raise QbankError("this file exists already; name another", file=template)
        write_template(template)
        click.echo(f"Wrote {template}: the columns and one example row per question type.")
        click.echo(f"Fill it in, then: qbank import {shlex.quote(template)}")
        return
    if source is None:
        raise click.UsageError("name the file to import (or --template FILE)")
    summary = import_file(source, out, fmt)
    for warning in summary.warnings:
        _warn(warning)
    skipped = sum(summary.skipped.values())
    if len(summary.banks) > 1:
        click.echo(f"Wrote {len(summary.banks)} banks, one per top category:")
        for bank in summary.banks:
            click.echo(f"  {bank}")
    click.echo(
        f"Wrote {summary.bank if len(summary.banks) < 2 else 'them'}: "
        f"{summary.written} of {summary.read} questions read"
        + (
            f", {summary.pictures} picture{'s' if summary.pictures > 1 else ''}"
            if summary.pictures
            else ""
        )
        + (f"; {skipped} left out:" if skipped else ".")
    )
    for reason, count in summary.skipped.most_common():
        click.echo(f"  {count} × {reason}")
    shown = " ".join(shlex.quote(str(b)) for b in summary.banks or [summary.bank])
    click.echo(f"Next: qbank validate {shown}")
