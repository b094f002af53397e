"""Command-line conventions: exit codes 0/1/2/130, colours only where wanted, -V."""

from __future__ import annotations

import pytest
from click.testing import CliRunner, Result

from conftest import FIXTURES
from qbank.cli import cli

RED, YELLOW = "\x1b[31m", "\x1b[33m"
BROKEN = str(FIXTURES / "broken" / "missing-fields.yaml")
WARNS = str(FIXTURES / "nasty" / "control-characters.yaml")


def run(*args: str, terminal: bool = False, env: dict[str, str] | None = None) -> Result:
    """Run qbank; ``terminal`` makes click treat the output as a terminal's."""
    environment = {"NO_COLOR": "", **(env or {})}
    return CliRunner().invoke(cli, list(args), color=terminal, env=environment, prog_name="qbank")


def test_exit_codes():
    assert run("validate", WARNS).exit_code == 0
    assert run("validate", BROKEN).exit_code == 1
    assert run("generate", "-f", "nope").exit_code == 2
    assert run("generate", "--no-such-option").exit_code == 2
    assert run("no-such-command").exit_code == 2
    assert run("generate", "-n", "0").exit_code == 2


def test_ctrl_c_exits_130_saying_nothing_was_written(monkeypatch):
    def interrupted(*args: object, **kwargs: object) -> str:
        raise KeyboardInterrupt

    monkeypatch.setattr("qbank.preview.render_list", interrupted)
    result = run("list")
    assert result.exit_code == 130
    assert "Stopped; nothing was written." in result.output


def test_on_a_terminal_errors_are_red_and_warnings_yellow():
    errors = run("validate", BROKEN, terminal=True).output
    assert f"{RED}Error: " in errors
    warnings = run("validate", WARNS, terminal=True).output
    assert f"{YELLOW}Warning: " in warnings
    assert "OK, " in warnings and f"{YELLOW}" not in warnings.split("OK, ")[0][-5:]


def test_not_on_a_terminal_there_is_no_colour_unless_asked_for():
    assert "\x1b[" not in run("validate", BROKEN).output
    assert f"{RED}Error: " in run("--color", "validate", BROKEN).output


@pytest.mark.parametrize(
    ("args", "env"),
    [
        (("--no-color",), {}),
        ((), {"NO_COLOR": "1"}),
        ((), {"NO_COLOR": "anything"}),
    ],
)
def test_no_color_and_no_colour_option_turn_colours_off(args, env):
    for fixture in (BROKEN, WARNS):
        result = run(*args, "validate", fixture, terminal=True, env=env)
        assert "\x1b[" not in result.output
        assert "Error: " in result.output or "Warning: " in result.output


def test_the_color_option_wins_over_no_color():
    result = run("--color", "validate", BROKEN, env={"NO_COLOR": "1"})
    assert f"{RED}Error: " in result.output


def test_usage_errors_keep_clicks_words_and_hint():
    result = run("generate", "-f", "nope")
    assert "Try 'qbank generate --help' for help." in result.output
    assert "unknown format 'nope'" in result.output
