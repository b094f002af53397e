"""The ``qbank`` command: thin click commands over :mod:`qbank.pipeline`.

Every error a teacher can cause is a :class:`QbankError`; it is printed here, once, as
``Error: FILE:LINE: question 'ID': message`` with exit code 1. ``--traceback`` shows the
Python traceback instead (for developers). A mistake in the command line (an unknown
option, command or format) exits with 2, as click does; Ctrl+C with 130. Warnings are
yellow and errors red on a terminal, unless ``NO_COLOR`` is set or ``--no-color`` given.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from typing import Any, TypeVar

import click

from ..errors import BankInvalid, QbankError

F = TypeVar("F", bound=Callable[..., Any])

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
        from ..about import version_text

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


def check_language(value: str | None) -> str | None:
    """``--lang``: a language tag (``fr``, ``pt-BR``), as a bank's ``language:`` is."""
    from ..bank.schema import LANGUAGE_PATTERN

    if value is not None and not LANGUAGE_PATTERN.match(value):
        raise click.BadParameter(f"'{value}' is not a language tag such as en, fr or pt-BR")
    return value


def language_option(help: str) -> Callable[[F], F]:
    """``--lang TAG`` (into the parameter ``language``), checked by :func:`check_language`."""
    return click.option(
        "--lang",
        "language",
        default=None,
        metavar="TAG",
        callback=lambda ctx, param, value: check_language(value),
        help=help,
    )


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


# The commands, each module registering its own on the group above.
from . import commands, generate, importing  # noqa: E402, F401


def main() -> None:
    cli(prog_name="qbank")
