"""``qbank import`` of Aiken files: the example of Moodle's documentation (our own words),
YAML traps in the options, and broken questions reported with their line."""

from __future__ import annotations

from conftest import FIXTURES, run_cli
from qbank.bank.loader import load_bank
from qbank.importing import import_file
from qbank.validation import validate_bank


def test_aiken_file(tmp_path):
    out = tmp_path / "bank.yaml"
    summary = import_file(str(FIXTURES / "import" / "aiken.txt"), str(out))
    bank = load_bank(out)
    validate_bank(bank)
    assert summary.read == summary.written == 3
    first, second, third = bank.questions
    assert (
        first.type == "multichoice" and first.text == "What is the correct answer to this question?"
    )
    assert [c.correct for c in first.spec.choices] == [False, False, False, True]
    assert len(second.spec.choices) == 6 and second.spec.choices[0].correct
    # 'no', 'on' and '1:30' stay texts; '$3' stays money
    assert [c.text for c in third.spec.choices] == ["no", "on", "1:30"]
    assert "\\$3" in third.text


def test_broken_aiken_questions_are_reported(tmp_path):
    path = tmp_path / "quiz.txt"
    path.write_text(
        "A. an option first\n"
        "Good one?\nA. yes\nB. no\nANSWER: A\n\n"
        "No answer line?\nA. x\nB. y\n\n"
        "Wrong letter?\nA. x\nB. y\nANSWER: F\n\n"
        "One option?\nA. x\nANSWER: A\n",
        encoding="utf-8",
    )
    result = run_cli("import", path, "-o", tmp_path / "b.yaml", "--from", "aiken")
    assert "Wrote" in result.output and "1 of 4 questions read; 3 left out" in result.output
    assert f"{path}:1: an option before any question" in result.stderr
    assert (
        f"{path}:7: a question was left out: an Aiken question without its ANSWER: line"
        in result.stderr
    )
    assert f"{path}:11: a question was left out: ANSWER: F names no option" in result.stderr
    assert (
        f"{path}:16: a question was left out: an Aiken question with fewer than two options"
        in result.stderr
    )
