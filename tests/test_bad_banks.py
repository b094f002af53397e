"""Broken and hostile bank files: each gives its exact FILE:LINE: question 'ID': message.

Every ``tests/fixtures/broken/NAME.yaml`` sits next to ``NAME.expected``, the problems
``qbank validate`` must print for it (one per line, without the "Error: " prefix, the file
named by its base name). Each must end after little work (counted, not timed: see
tests/workcount.py) with exit code 1 and no traceback, and ``qbank generate`` must write
nothing for it. To add a case, add the pair of files; to see
what a new fixture prints, run ``QBANK_WRITE_EXPECTED=1 pytest tests/test_bad_banks.py``
and read the .expected file it writes before committing it.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import FIXTURES
from qbank import limits
from qbank.cli import cli
from workcount import Work

BROKEN = sorted((FIXTURES / "broken").glob("*.yaml"))
#: The most template work refusing a broken bank may cost, all its templates and formulas
#: together: one run's step budget (most broken banks run no template at all).
STEPS = limits.MAX_STEPS


def problems_printed(result, path: Path) -> list[str]:
    """The problem lines of a run, with the fixture's path shortened to its name."""
    lines = []
    for line in result.stderr.splitlines():
        if line.endswith("problems found."):
            continue
        assert line.startswith("Error: "), f"not an error line: {line!r}"
        lines.append(line.removeprefix("Error: ").replace(str(path), path.name))
    return lines


def run_validate(path: Path) -> tuple:
    """``qbank validate PATH``: the click Result and the :class:`Work` it did."""
    with pytest.MonkeyPatch.context() as mp:
        work = Work(mp)
        work.watch(path)
        result = CliRunner().invoke(cli, ["validate", str(path)])
    return result, work


def test_there_is_an_expected_message_for_every_broken_bank():
    missing = [p.name for p in BROKEN if not p.with_suffix(".expected").exists()]
    assert not missing, f"broken banks without a .expected file: {missing}"
    assert len(BROKEN) >= 25


@pytest.mark.parametrize("path", BROKEN, ids=[p.stem for p in BROKEN])
def test_validate_prints_exactly_the_expected_problems(path: Path):
    result, work = run_validate(path)
    assert isinstance(result.exception, SystemExit), result.exception  # no traceback
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    printed = problems_printed(result, path)
    expected_file = path.with_suffix(".expected")
    if os.environ.get("QBANK_WRITE_EXPECTED"):
        expected_file.write_text("\n".join(printed) + "\n", encoding="utf-8")
    expected = expected_file.read_text(encoding="utf-8").splitlines()
    assert printed == expected
    for line in printed:
        assert line.startswith(f"{path.name}:"), line  # FILE first, always
    if len(printed) > 1:
        assert result.stderr.rstrip().endswith(f"{len(printed)} problems found.")
    # Little work: the file read once, no variant built, template work within one budget.
    assert work.opened(path) == 1 and work.bytes_read(path) == path.stat().st_size
    assert work.variants_built == 0 and work.steps <= STEPS, work.summary()


@pytest.mark.parametrize("path", BROKEN, ids=[p.stem for p in BROKEN])
def test_generate_writes_nothing_for_a_broken_bank(path: Path, tmp_path: Path):
    out = tmp_path / "out"
    result = CliRunner().invoke(
        cli, ["generate", str(path), "-n", "2", "--seed", "1", "-o", str(out)]
    )
    assert result.exit_code == 1 and isinstance(result.exception, SystemExit)
    # The same problems as validate, and not a single file (not even the folder).
    validate, _ = run_validate(path)
    assert problems_printed(result, path) == problems_printed(validate, path)
    assert not out.exists()


def test_validate_reports_the_problems_of_every_bank_at_once(tmp_path: Path):
    names = ["min-above-max", "divide-by-zero", "answer-no"]
    paths = [FIXTURES / "broken" / f"{n}.yaml" for n in names]
    result = CliRunner().invoke(cli, ["validate", *map(str, paths)])
    assert result.exit_code == 1
    printed = result.stderr.splitlines()
    for path in paths:
        expected = path.with_suffix(".expected").read_text(encoding="utf-8").splitlines()
        for line in expected:
            assert f"Error: {line.replace(path.name, str(path))}" in printed


def test_a_good_bank_next_to_a_broken_one_is_not_written(tmp_path: Path):
    good = FIXTURES / "good" / "every-type.yaml"
    broken = FIXTURES / "broken" / "zero-step.yaml"
    out = tmp_path / "out"
    result = CliRunner().invoke(cli, ["generate", str(good), str(broken), "-o", str(out)])
    assert result.exit_code == 1
    assert not out.exists()


UNSAFE_IDS = [
    "../../etc/x",
    "/etc/passwd",
    "C:\\x",
    "..\\windows",
    "x/y",
    ".hidden",
    "-x",
    "x y",
    "ünïcode",
    "",
    "a" * 65,
    "con",
    "CON",
    "nul",
    "nul.txt",
    "Aux.json",
    "prn",
    "com1",
    "LPT9.docx",
]
SAFE_IDS = ["a", "A-b_c.d", "1x", "x" * 64, "console", "nulls", "com10", "unit.3"]


@pytest.mark.parametrize("bad", UNSAFE_IDS)
def test_ids_that_are_not_safe_file_names_are_refused(bad: str):
    from qbank.bank import load_bank_text
    from qbank.errors import BankInvalid

    quoted = bad.replace("\\", "\\\\")
    for text in (
        f'id: "{quoted}"\ntitle: T\nquestions:\n  - {{id: q, type: essay, text: x}}\n',
        f'id: b\ntitle: T\nquestions:\n  - {{id: "{quoted}", type: essay, text: x}}\n',
    ):
        with pytest.raises(BankInvalid) as err:
            load_bank_text(text, "ids.yaml")
        message = str(err.value)
        assert message.startswith(("ids.yaml:1: ", "ids.yaml:4: "))
        assert (
            "is not a valid id" in message
            or "it is a reserved file name" in message
            or "'id' is empty" in message
        ), message


@pytest.mark.parametrize("good", SAFE_IDS)
def test_safe_ids_are_accepted(good: str):
    from qbank.bank import load_bank_text

    bank = load_bank_text(
        f'id: "{good}"\ntitle: T\nquestions:\n  - {{id: "{good}", type: essay, text: x}}\n',
        "ids.yaml",
    )
    assert bank.id == good and bank.questions[0].id == good
