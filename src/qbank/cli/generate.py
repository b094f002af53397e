"""``qbank generate``: its options come partly from the format registry (each format's own
options, the ``-f`` names and their completion)."""

from __future__ import annotations

import sys

import click

from ..errors import QbankError
from . import _warn, cli, language_option

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


class _GenerateCommand(click.Command):
    """``qbank generate``, whose ``-f`` choices and format options come from the format
    registry. They are added when the command runs or shows its help, so the other
    commands do not import every format's libraries."""

    def get_params(self, ctx: click.Context) -> list[click.Parameter]:
        from ..exporters import default_formats, format_names, format_options

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
    from ..bank.messages import did_you_mean
    from ..exporters import format_names

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

    from ..exporters import format_names, registry

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
@language_option(
    "The language of the documents (fr, de, pt-BR...): their labels and how numbers "
    "are written. Default: the bank's 'language:'."
)
@click.option("-q", "--quiet", is_flag=True, help="Print only errors.")
def generate(
    banks,
    count,
    seed,
    formats,
    out_dir,
    roster,
    unique,
    yes,
    replace,
    language,
    quiet,
    **format_values,
):
    """Draw versions of one or more banks and write them in every chosen format.

    With no BANK, the built-in bank 'open-vs-closed-ai' is used. The bank is checked
    first; if anything is wrong, nothing is written.
    """
    from ..exporters import ExportOptions
    from ..pipeline import run
    from ..progress import TerminalProgress
    from ..roster import class_list_for_run

    names, classes, count = class_list_for_run(roster, count)
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
        language=language,
    )
    if not quiet:
        for path in result.files:
            click.echo(f"Wrote {path}")
        for line in result.summary:
            click.echo(line)


def _confirm_large_run(count: int) -> None:
    """More than LARGE_RUN versions is more often a mistyped -n than a class: ask first on
    a terminal; without one there is nobody to ask, so refuse unless --yes says so."""
    from ..progress import is_terminal

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
