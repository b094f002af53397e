"""Progress over the whole run, on a terminal only; large runs ask first (issue 14, finding 6).

A run of 20,000 versions once showed 100 % after 0.9 s and then nothing for 13 s while the
files were written. The bar now covers drawing and every format being written; piped or
redirected, nothing is printed at all.
"""

from __future__ import annotations

import io
import json

from click.testing import CliRunner

from qbank import progress as progress_module
from qbank.cli import cli
from qbank.pipeline import run
from qbank.progress import TerminalProgress

TINY = """\
id: tiny
title: Tiny
questions:
  - id: add
    type: numerical
    params:
      a: {min: 1, max: 1000, step: 1}
    text: What is {{ a }} + 1?
    answer: a + 1
"""


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def tiny_bank(tmp_path):
    path = tmp_path / "tiny.yaml"
    path.write_text(TINY, encoding="utf-8")
    return path


def test_progress_is_silent_when_piped(tmp_path):
    result = CliRunner().invoke(
        cli, ["generate", "-n", "2500", "--seed", "1", "-f", "json", "-o", str(tmp_path / "out")]
    )
    assert result.exit_code == 0, result.output
    assert "Drawing" not in result.stderr and "Writing" not in result.stderr
    assert "%" not in result.stderr and "\r" not in result.stderr
    assert all(line.startswith("Warning: ") for line in result.stderr.splitlines())


def test_progress_on_a_terminal_covers_drawing_and_every_format(tmp_path):
    screen = Terminal()
    run(
        [tiny_bank(tmp_path)],
        count=2500,
        seed=1,
        formats=["json", "moodle"],
        out_dir=tmp_path / "out",
        progress=TerminalProgress(screen),
    )
    shown = screen.getvalue()
    drawing, json_, moodle = (
        shown.index(label) for label in ("Drawing versions", "Writing json", "Writing moodle")
    )
    assert drawing < json_ < moodle
    # drawing is a third of the work of this run: the bar is not full before the files are
    assert "100%" not in shown[:moodle] and "100%" in shown[moodle:]


def test_no_bar_for_a_small_run_or_with_quiet(tmp_path):
    screen = Terminal()
    run(
        [tiny_bank(tmp_path)],
        count=30,
        seed=1,
        formats=["json"],
        out_dir=tmp_path / "a",
        progress=TerminalProgress(screen),
    )
    quiet = Terminal()
    run(
        [tiny_bank(tmp_path)],
        count=2500,
        seed=1,
        formats=["json"],
        out_dir=tmp_path / "b",
        progress=TerminalProgress(quiet, enabled=False),
    )
    assert screen.getvalue() == "" and quiet.getvalue() == ""


def test_the_seed_is_printed_even_with_quiet(tmp_path):
    result = CliRunner().invoke(
        cli, ["generate", str(tiny_bank(tmp_path)), "-f", "json", "-o", str(tmp_path / "out"), "-q"]
    )
    assert result.exit_code == 0 and result.stdout == ""
    seed = json.loads((tmp_path / "out" / "tiny.json").read_text())["seed"]
    assert result.stderr.startswith(f"Seed: {seed} (use --seed {seed} to make this set again)")


def test_more_than_10000_versions_without_a_terminal_needs_yes(tmp_path):
    out = tmp_path / "out"
    result = CliRunner().invoke(
        cli, ["generate", str(tiny_bank(tmp_path)), "-n", "10001", "-f", "json", "-o", str(out)]
    )
    assert result.exit_code == 1
    assert result.stderr == (
        "Error: -n 10001 makes more than 10,000 versions; add --yes to "
        "make them (on a terminal qbank asks first, in case -n was "
        "mistyped)\n"
    )
    assert not out.exists()
    result = CliRunner().invoke(
        cli,
        [
            "generate",
            str(tiny_bank(tmp_path)),
            "-n",
            "10001",
            "-f",
            "json",
            "-o",
            str(out),
            "--yes",
            "--seed",
            "1",
        ],
    )
    assert result.exit_code == 0 and json.loads((out / "tiny.json").read_text())["count"] == 10001


def test_more_than_10000_versions_on_a_terminal_asks_first(tmp_path, monkeypatch):
    monkeypatch.setattr(progress_module, "is_terminal", lambda stream: True)
    out = tmp_path / "out"
    result = CliRunner().invoke(
        cli,
        ["generate", str(tiny_bank(tmp_path)), "-n", "10001", "-f", "json", "-o", str(out)],
        input="n\n",
    )
    assert result.exit_code == 1
    assert "Make 10,001 versions? That is more than 10,000 and can take minutes" in result.stderr
    assert not out.exists()
