"""The ``qbank`` command: thin click commands over :mod:`qbank.pipeline`.

Every error a teacher can cause is a :class:`QbankError`; it is printed here, once, as
``Error: FILE:LINE: question 'ID': message`` with exit code 1. ``--traceback`` shows the
Python traceback instead (for developers). A mistake in the command line (an unknown
option, command or format) exits with 2, as click does; Ctrl+C with 130. Warnings are
yellow and errors red on a terminal, unless ``NO_COLOR`` is set or ``--no-color`` given.
"""

from __future__ import annotations

import os
import shlex
import sys
from pathlib import Path

import click

from .errors import BankInvalid, QbankError
from .exporters import registry

#: More versions than this asks first (or needs --yes): more often a mistyped -n than a class.
LARGE_RUN = 10_000

EXAMPLES_GENERATE = """
\b
Examples:
  qbank generate                          # the default bank, every format, into out/
  qbank generate mybank.yaml -n 30 -f docx --seed 7
  qbank generate mybank.yaml -f anki -f moodle -n 20 -o exports/
  qbank generate mybank.yaml -f docx --roster class.csv --duplex
"""

EXAMPLES_QBANK = """
\b
Examples:
  qbank new mybank                  # mybank.yaml: a starter bank to edit
  qbank validate mybank.yaml        # check it: every problem, with its line
  qbank preview mybank.yaml         # one version and its answers, in the terminal
  qbank generate mybank.yaml -n 30 --seed 7
  qbank generate                    # every format of the built-in bank, into out/

\b
Exit codes:
  0    done
  1    a problem in a bank or another file (the message says where); nothing is written
  2    a mistake in the command line: an unknown command, option or format
  130  stopped with Ctrl+C; nothing is written

\b
Warnings are shown in yellow and errors in red on a terminal; NO_COLOR=1 or --no-color
turns colours off, --color keeps them when the output goes to a file.
"""

EXAMPLES_FORMATS = """
\b
Examples:
  qbank formats
  qbank generate mybank.yaml -f docx -f anki    # write only these formats
"""


class _Group(click.Group):
    def invoke(self, ctx: click.Context):  # one place turns QbankError into a clean message
        try:
            return super().invoke(ctx)
        except QbankError as exc:
            if ctx.obj and ctx.obj.get("traceback"):
                raise
            _report(exc)
            sys.exit(1)
        except KeyboardInterrupt:
            _echo_error("Stopped; nothing was written.", "yellow")
            sys.exit(130)
        except (click.exceptions.Exit, click.ClickException, click.Abort, SystemExit):
            raise
        except Exception as exc:  # a bug, not the teacher's fault: still no traceback
            if ctx.obj and ctx.obj.get("traceback"):
                raise
            _echo_error(
                f"Error: qbank failed unexpectedly ({type(exc).__name__}: {exc}); "
                "nothing was written. Run again with --traceback and report it."
            )
            sys.exit(1)


def _print_version(ctx: click.Context, param: click.Parameter, value: bool) -> None:
    if value and not ctx.resilient_parsing:
        from .about import version_text

        click.echo(version_text())
        ctx.exit()


def _color() -> bool | None:
    """True or False when colours are asked for or turned off, None for "on a terminal"."""
    ctx = click.get_current_context(silent=True)
    chosen = ctx.find_root().meta.get("qbank.color") if ctx else None
    if chosen is not None:
        return bool(chosen)
    return False if os.environ.get("NO_COLOR") else None


def _echo_error(message: str, colour: str = "red") -> None:
    """A line on standard error, in ``colour`` where colours are shown."""
    click.echo(click.style(message, fg=colour), err=True, color=_color())


def _warn(message: str) -> None:
    _echo_error(f"Warning: {message}", "yellow")


def _report(exc: QbankError) -> None:
    if isinstance(exc, BankInvalid):
        for problem in exc.problems:
            _echo_error(f"Error: {problem}")
        if len(exc.problems) > 1:
            _echo_error(f"{len(exc.problems)} problems found.")
    else:
        _echo_error(f"Error: {exc}")


def _set_color(ctx: click.Context, param: click.Parameter, value: bool | None) -> None:
    ctx.meta["qbank.color"] = value
    ctx.color = _color()


@click.group(
    cls=_Group,
    epilog=EXAMPLES_QBANK,
    context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100},
)
@click.option(
    "-V",
    "--version",
    is_flag=True,
    expose_value=False,
    is_eager=True,
    callback=_print_version,
    help="Show qbank's version and those of Python and the libraries it uses.",
)
@click.option(
    "--color/--no-color",
    "color",
    default=None,
    expose_value=False,
    is_eager=True,
    callback=_set_color,
    help="Colour warnings and errors even when not on a terminal, or never "
    "(as NO_COLOR=1 does). Default: on a terminal only.",
)
@click.option(
    "--traceback",
    is_flag=True,
    hidden=False,
    help="Show the Python traceback of an error (for developers).",
)
@click.pass_context
def cli(ctx: click.Context, traceback: bool) -> None:
    """qbank turns a question bank into fresh, randomised practice.

    Write questions once, as templates with numeric parameters and answer formulas;
    qbank draws new numbers from a seed, computes every answer, and writes Word
    worksheets with an answer key, Anki decks, Moodle XML and a JSON record.

    New here? 'qbank new' writes a starter bank to change into your own. With no bank,
    every command uses the built-in bank on open source versus closed AI models ('qbank
    list' shows where it is). 'qbank COMMAND --help' shows each command with examples.
    """
    ctx.obj = {"traceback": traceback}


class _GenerateCommand(click.Command):
    """``qbank generate``, whose ``-f`` choices and format options come from the format
    registry. They are added when the command runs or shows its help, so the other
    commands do not import every format's libraries."""

    def get_params(self, ctx: click.Context) -> list[click.Parameter]:
        from .exporters import default_formats, format_names, format_options

        own = [p for p in self.params if not getattr(p, "from_format", False)]
        for param in own:
            if param.name == "formats":
                left_out = [n for n in format_names() if n not in default_formats()]
                param.help = (
                    "Which files to write: "
                    + ", ".join(["all", *format_names()])
                    + ". Repeat for several. Default: all"
                    + (f" (every format but {', '.join(left_out)})" if left_out else "")
                    + "."
                )
                param.callback = _check_formats
        at = next(i for i, p in enumerate(own) if p.name == "quiet")
        self.params = own[:at] + [_click_option(o) for o in format_options()] + own[at:]
        return super().get_params(ctx)


def _click_option(option) -> click.Option:
    kind = (
        click.Path(exists=True, dir_okay=False)
        if option.path
        else click.Choice(option.choices, case_sensitive=False)
        if option.choices
        else None
    )
    param = click.Option(
        [option.flag, option.name],
        is_flag=option.is_flag,
        type=kind,
        default=option.default,
        help=option.help,
    )
    param.from_format = True  # type: ignore[attr-defined]
    return param


def _check_formats(
    ctx: click.Context, param: click.Parameter, value: tuple[str, ...]
) -> tuple[str, ...]:
    """An unknown format is a mistake in the command line: exit code 2, as click's own."""
    from .bank.messages import did_you_mean
    from .exporters import format_names

    known = format_names()
    for name in value:
        if name != "all" and name not in known:
            raise click.BadParameter(
                f"unknown format '{name}'{did_you_mean(name, known)}; the formats are "
                f"{', '.join(known)} (or all)",
                ctx=ctx,
                param=param,
            )
    return value


def _complete_format(ctx: click.Context, param: click.Parameter, incomplete: str):
    from click.shell_completion import CompletionItem

    from .exporters import format_names, registry

    helps = {name: cls.help for name, cls in registry().items()}
    return [
        CompletionItem(name, help=helps.get(name, "every format"))
        for name in ["all", *format_names()]
        if name.startswith(incomplete)
    ]


@cli.command(cls=_GenerateCommand, epilog=EXAMPLES_GENERATE)
@click.argument("banks", nargs=-1, type=click.Path(dir_okay=False))
@click.option(
    "-n",
    "--variants",
    "count",
    type=click.IntRange(1, 100_000),
    default=None,
    help="How many versions to make (default 1, or one per student with --roster).",
)
@click.option(
    "--seed",
    type=click.IntRange(0),
    default=None,
    help="Seed for the random numbers; the same seed gives the same set again. "
    "Without it a seed is chosen and printed.",
)
@click.option(
    "-f",
    "--format",
    "formats",
    multiple=True,
    metavar="FORMAT",
    shell_complete=_complete_format,
    help="Which files to write (see 'qbank formats'). Repeat for several. Default: all.",
)
@click.option(
    "-o",
    "--out",
    "out_dir",
    type=click.Path(file_okay=False),
    default="out",
    show_default=True,
    help="Folder to write into.",
)
@click.option(
    "--roster",
    type=click.Path(exists=True, dir_okay=False),
    default=None,
    help="Class list (CSV with a 'name' column, or 'first name' and 'last name'): "
    "each student's name goes on their own worksheet.",
)
@click.option(
    "--unique",
    is_flag=True,
    help="Make every version of each randomised question different (refused when "
    "a question's parameters allow fewer different versions than -n).",
)
@click.option(
    "--yes", is_flag=True, help=f"Make more than {LARGE_RUN:,} versions without asking first."
)
@click.option(
    "--replace",
    is_flag=True,
    help="Overwrite the set already in the output folder even when it differs from "
    "this run's, instead of moving it aside (for a set that was never printed).",
)
@click.option("-q", "--quiet", is_flag=True, help="Print only errors.")
def generate(
    banks, count, seed, formats, out_dir, roster, unique, yes, replace, quiet, **format_values
):
    """Draw versions of one or more banks and write them in every chosen format.

    With no BANK, the built-in bank 'open-vs-closed-ai' is used. The bank is checked
    first; if anything is wrong, nothing is written.
    """
    from .exporters import ExportOptions
    from .pipeline import run
    from .progress import TerminalProgress
    from .roster import read_class_list

    names: tuple[str, ...] = ()
    classes: tuple[str, ...] = ()
    if roster:
        class_list = read_class_list(roster)
        names, classes = class_list.names, class_list.classes
        if count is None:
            count = len(names)
        elif count < len(names):
            raise QbankError(
                f"-n {count} is fewer than the {len(names)} students in the class list", file=roster
            )
    options = ExportOptions(roster=names, classes=classes, values=format_values)
    if (count or 1) > LARGE_RUN and not yes:
        _confirm_large_run(count)

    def on_start(total: int, chosen_seed: int) -> None:
        if seed is None:  # even with -q: the seed is what makes this set again
            click.echo(
                f"Seed: {chosen_seed} (use --seed {chosen_seed} to make this set again)", err=True
            )

    progress = TerminalProgress(sys.stderr, enabled=not quiet)
    result = run(
        banks,
        count=count or 1,
        seed=seed,
        formats=formats or ("all",),
        out_dir=out_dir,
        options=options,
        on_start=on_start,
        progress=progress,
        warn=progress.around(_warn),
        replace=replace,
        unique=unique,
    )
    if not quiet:
        for path in result.files:
            click.echo(f"Wrote {path}")
        for line in result.summary:
            click.echo(line)


def _confirm_large_run(count: int) -> None:
    """More than LARGE_RUN versions is more often a mistyped -n than a class: ask first on
    a terminal; without one there is nobody to ask, so refuse unless --yes says so."""
    from .progress import is_terminal

    if is_terminal(sys.stdin) and is_terminal(sys.stderr):
        click.confirm(
            f"Make {count:,} versions? That is more than {LARGE_RUN:,} and can take minutes",
            abort=True,
            err=True,
        )
        return
    raise QbankError(
        f"-n {count} makes more than {LARGE_RUN:,} versions; add --yes to make "
        "them (on a terminal qbank asks first, in case -n was mistyped)"
    )


@cli.command(epilog="\b\nExamples:\n  qbank validate mybank.yaml\n  qbank validate banks/*.yaml")
@click.argument("banks", nargs=-1, type=click.Path(dir_okay=False))
def validate(banks):
    """Check bank files and report every problem as FILE:LINE: question 'ID': message.

    Formulas are tried on every combination of parameter values (a large sample when
    there are very many), so a formula that fails for some numbers is caught here.
    Exit code 0 when every bank is valid, 1 otherwise.
    """
    from .pipeline import load_and_validate

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
def preview(bank, seed, number, out_dir):
    """Show one version of a bank with its answer key in the terminal.

    Without --seed, it is the version of the set last generated into OUT, as printed.
    """
    from .pipeline import generate_within_limits, load_banks, validate_banks
    from .preview import last_set, render_version

    loaded = load_banks([bank] if bank else [], warn=_warn)[0]
    compiled = validate_banks([loaded])[loaded.id]
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
    from .pipeline import load_banks
    from .preview import render_list

    loaded = load_banks([bank] if bank else [], warn=_warn)[0]
    if not bank:
        from .bank.loader import default_bank_path

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
""",
)
@click.argument("name", required=False)
@click.option(
    "--from-default",
    is_flag=True,
    help="Copy the built-in bank (open-vs-closed-ai) instead of the starter bank.",
)
def new(name: str | None, from_default: bool) -> None:
    """Write a new bank file to start from.

    The starter bank has one commented question of every type, with random parameters,
    derived values, conditions, units and tolerances, a vocabulary list and a cloze text:
    change it into your own. NAME is the file to write ('.yaml' is added; default
    my-bank.yaml); an existing file is never written over. The bank's id comes from the
    file name. The JSON Schema that lets editors complete and check bank files is written
    next to it (qbank-bank.schema.json).
    """
    from .starter import new_bank

    made = new_bank(name, from_default=from_default)
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
    from .bank.jsonschema import schema_text

    if out_file is None:
        click.echo(schema_text(), nl=False)
        return
    try:
        Path(out_file).write_text(schema_text(), encoding="utf-8")
    except OSError as exc:
        raise QbankError(f"cannot write the schema: {exc.strerror}", file=out_file) from exc
    click.echo(f"Wrote {out_file}", err=True)


def main() -> None:
    cli(prog_name="qbank")
