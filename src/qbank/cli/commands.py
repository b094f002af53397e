"""The other commands: ``validate``, ``preview``, ``list``, ``new``, ``formats``, ``schema``."""

from __future__ import annotations

import dataclasses
import os
import shlex
from pathlib import Path

import click

from ..errors import QbankError
from ..exporters import registry
from ..i18n import language_warning
from . import EXAMPLES_FORMATS, _warn, cli, language_option


@cli.command(epilog="\b\nExamples:\n  qbank validate mybank.yaml\n  qbank validate banks/*.yaml")
@click.argument("banks", nargs=-1, type=click.Path(dir_okay=False))
def validate(banks):
    """Check bank files and report every problem as FILE:LINE: question 'ID': message.

    Formulas are tried on every combination of parameter values (a large sample when
    there are very many), so a formula that fails for some numbers is caught here.
    Exit code 0 when every bank is valid, 1 otherwise.
    """
    from ..pipeline import load_and_validate

    loaded, _ = load_and_validate(banks, warn=_warn)
    for bank in loaded:
        click.echo(
            f"{bank.file}: OK, {len(bank.questions)} questions "
            f"({sum(q.randomised for q in bank.questions)} randomised)"
        )


@cli.command(
    epilog="\b\nExamples:\n  qbank preview\n  qbank preview mybank.yaml --seed 7 --variant 3\n"
    "  qbank preview mybank.yaml -o exports/   # the set generated into exports/"
)
@click.argument("bank", required=False, type=click.Path(dir_okay=False))
@click.option(
    "--seed",
    type=click.IntRange(0),
    default=None,
    help="Seed for the random numbers. Default: the seed of the set last generated "
    "into OUT, or 0 when there is none.",
)
@click.option(
    "--variant",
    "number",
    type=click.IntRange(1, 100_000),
    default=1,
    show_default=True,
    help="Which version to show.",
)
@click.option(
    "-o",
    "--out",
    "out_dir",
    type=click.Path(file_okay=False),
    default="out",
    show_default=True,
    help="Folder whose last generated set is shown (without --seed).",
)
@language_option(
    "The language whose numbers are shown (fr, de, pt-BR...). Default: the bank's 'language:'."
)
def preview(bank, seed, number, out_dir, language):
    """Show one version of a bank with its answer key in the terminal.

    Without --seed, it is the version of the set last generated into OUT, as printed.
    """
    from ..pipeline import generate_within_limits, load_banks, validate_banks
    from ..preview import last_set, render_version

    loaded = load_banks([bank] if bank else [], warn=_warn)[0]
    compiled = validate_banks([loaded])[loaded.id]
    if language is not None:
        loaded = dataclasses.replace(loaded, language=language)
    if said := language_warning(loaded.language):
        _warn(said)
    shown = last_set(out_dir, loaded.id) if seed is None else None
    if shown is not None:
        click.echo(shown.says(), err=True)
        seed = shown.seed
    elif seed is None:
        seed = 0
        click.echo(
            f"Showing seed 0: no set of '{loaded.id}' was generated into "
            f"{Path(out_dir)}{os.sep} (--seed shows another)",
            err=True,
        )
    generated = generate_within_limits(
        loaded, number, seed, compiled, unique=shown is not None and shown.unique
    )
    if shown is not None and (why := shown.differs(generated, number)):
        _warn(why)
    click.echo(render_version(generated, number))


@cli.command("list", epilog="\b\nExamples:\n  qbank list\n  qbank list mybank.yaml")
@click.argument("bank", required=False, type=click.Path(dir_okay=False))
def list_questions(bank):
    """List a bank's questions with their type and parameters.

    With no BANK, the built-in bank is listed, with the place it is installed
    ('qbank new --from-default' copies it to edit).
    """
    from ..pipeline import load_banks
    from ..preview import render_list

    loaded = load_banks([bank] if bank else [], warn=_warn)[0]
    if not bank:
        from ..bank.loader import default_bank_path

        click.echo(
            f"The built-in bank is {default_bank_path()}\n"
            "(copy it to edit with 'qbank new --from-default')\n"
        )
    click.echo(render_list(loaded))


@cli.command(
    "new",
    epilog="""
\b
Examples:
  qbank new                       # my-bank.yaml
  qbank new fractions             # fractions.yaml, with the id 'fractions'
  qbank new banks/week-3.yaml
  qbank new --from-default        # open-vs-closed-ai.yaml, a copy of the built-in bank
  qbank new --lang fr             # ma-banque.yaml, the starter bank in French
""",
)
@click.argument("name", required=False)
@click.option(
    "--from-default",
    is_flag=True,
    help="Copy the built-in bank (open-vs-closed-ai) instead of the starter bank.",
)
@language_option(
    "The language of the bank (fr, de, pt-BR...): the starter bank in French for fr; "
    "for another language, the English one with that 'language:'."
)
def new(name: str | None, from_default: bool, language: str | None) -> None:
    """Write a new bank file to start from.

    The starter bank has one commented question of every type, with random parameters,
    derived values, conditions, units and tolerances, a vocabulary list and a cloze text:
    change it into your own. NAME is the file to write ('.yaml' is added; default
    my-bank.yaml); an existing file is never written over. The bank's id comes from the
    file name. The JSON Schema that lets editors complete and check bank files is written
    next to it (qbank-bank.schema.json).
    """
    from ..starter import new_bank

    made = new_bank(name, from_default=from_default, language=language)
    what = (
        "a copy of the built-in bank"
        if from_default
        else ("a starter bank with one question of every type")
    )
    click.echo(f"Wrote {made.bank}: {what} (id '{made.bank_id}').")
    if made.schema is not None:
        click.echo(f"Wrote {made.schema}: lets editors complete and check bank files.")
    if made.schema_note:
        _warn(made.schema_note)
    shown = shlex.quote(str(made.bank))
    click.echo(f"Next: qbank validate {shown}, then qbank generate {shown} -n 30")


@cli.command("formats", epilog=EXAMPLES_FORMATS)
def formats_command():
    """List the output formats and what each writes.

    'qbank generate' writes them all unless -f names some.
    """
    for name, cls in registry().items():
        click.echo(f"{name:8} {cls.help}")


@cli.command(
    "schema",
    epilog="""
\b
Examples:
  qbank schema -o qbank-bank.schema.json
  qbank schema > qbank-bank.schema.json
\b
Then put this line at the top of a bank file, for completion and checking in VS Code
(with the YAML extension) and other editors:
  # yaml-language-server: $schema=qbank-bank.schema.json
""",
)
@click.option(
    "-o",
    "--out",
    "out_file",
    type=click.Path(dir_okay=False),
    default=None,
    help="Write the schema into this file (replacing it) instead of printing it.",
)
def schema_command(out_file: str | None) -> None:
    """Print the JSON Schema of bank files, for editors.

    It lists every field of every question type, with descriptions and examples, so an
    editor can complete field names and mark a misspelt field or a wrong value as you
    type. 'qbank validate' checks what a schema cannot: formulas, templates, unique ids.
    """
    from ..bank.jsonschema import schema_text

    if out_file is None:
        click.echo(schema_text(), nl=False)
        return
    try:
        Path(out_file).write_text(schema_text(), encoding="utf-8")
    except OSError as exc:
        raise QbankError(f"cannot write the schema: {exc.strerror}", file=out_file) from exc
    click.echo(f"Wrote {out_file}", err=True)


@cli.command(
    "serve",
    epilog="""
\b
Examples:
  qbank serve                     # the banks in this folder
  qbank serve mybank.yaml         # this bank's folder, with mybank.yaml open
  qbank serve banks/ --port 8080 --no-browser
""",
)
@click.argument("bank_or_folder", required=False, type=click.Path(exists=True))
@click.option("--port", type=click.IntRange(1, 65535), default=8000, show_default=True)
@click.option(
    "--host",
    default="127.0.0.1",
    show_default=True,
    help="The address to listen on. Another than 127.0.0.1 lets other computers reach the "
    "workbench (they still need its token).",
)
@click.option("--no-browser", is_flag=True, help="Do not open the web browser.")
def serve_command(bank_or_folder: str | None, port: int, host: str, no_browser: bool) -> None:
    """Open the workbench in the browser: edit banks with problems shown at their lines,
    a preview of each question's versions with the answer key, and Generate.

    Only this computer can reach it (unless --host), and only with the token in the
    address it prints. Only files inside the folder are opened or written.
    """
    from ..serve import LOOPBACK, serve

    target = Path(bank_or_folder or ".")
    folder, first = (target.parent, target.name) if target.is_file() else (target, None)
    if host not in LOOPBACK:
        _warn(
            f"listening on {host}: other computers on the network can reach the workbench "
            "(they still need its token)"
        )
    serve(
        folder, host=host, port=port, open_browser=not no_browser, first_file=first, say=click.echo
    )
