"""``qbank import``: a bank file from Moodle XML, GIFT or Aiken (spreadsheets to come)."""

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
  qbank import quiz.gift                     # GIFT -> quiz.yaml
  qbank import quiz.txt --from gift          # say the format when the name does not
  qbank import aiken.txt                     # Aiken, recognised by its ANSWER: lines
""",
)
@click.argument("source", type=click.Path(dir_okay=False))
@click.option(
    "-o",
    "--out",
    "out",
    type=click.Path(dir_okay=False),
    default=None,
    help="The bank file to write (never written over). Default: SOURCE's name with .yaml.",
)
@click.option(
    "--from",
    "fmt",
    type=click.Choice(["moodle", "gift", "aiken"]),
    default=None,
    help="The format of SOURCE. Default: from its extension, else its content.",
)
def import_command(source: str, out: str | None, fmt: str | None) -> None:
    """Write a bank from another program's question file (Moodle XML, GIFT, Aiken).

    Texts, answers, feedback, tolerances, units, tags, points, ids and categories are
    carried over; pictures are written into a folder next to the bank. What a bank cannot
    hold is listed, question by question, as a warning; questions that cannot be imported
    at all are counted by reason. Check the bank with 'qbank validate' afterwards.
    """
    from ..importing import import_file

    summary = import_file(source, out, fmt)
    for warning in summary.warnings:
        _warn(warning)
    skipped = sum(summary.skipped.values())
    click.echo(
        f"Wrote {summary.bank}: {summary.written} of {summary.read} questions read"
        + (f", {summary.pictures} pictures" if summary.pictures else "")
        + (f"; {skipped} left out:" if skipped else ".")
    )
    for reason, count in summary.skipped.most_common():
        click.echo(f"  {count} × {reason}")
    click.echo(f"Next: qbank validate {shlex.quote(str(summary.bank))}")
