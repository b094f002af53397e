"""The bank format: every question type, defaults, and clear FILE:LINE errors."""

from __future__ import annotations

from decimal import Decimal

import pytest

from conftest import FIXTURES, bank_from_text, run_cli
from qbank.bank import load_bank
from qbank.errors import BankInvalid
from qbank.generator import generate
from qbank.pipeline import validate_bank

EVERY_TYPE = FIXTURES / "good" / "every-type.yaml"


@pytest.fixture(scope="module")
def every():
    return load_bank(EVERY_TYPE)


def test_every_type_loads_with_its_fields(every):
    q = {x.id: x for x in every.questions}
    assert every.tags == ("test_bank", "demo")
    assert q["speed"].tags == ("test_bank", "demo", "motion")
    assert q["speed"].spec.unit_position == "after" and q["speed"].spec.tolerance.relative
    assert q["speed"].points == 2
    assert q["capital"].spec.single is False  # two correct answers
    assert q["capital"].title == "Which of these are prime numbers?"  # title from the text
    assert q["earth-flat"].spec.truth is False
    assert q["colour"].spec.accepted == ("green", "Green")
    assert q["opinion"].spec.model_answer.startswith("Rayleigh")
    assert q["glossary"].spec.pairs[0] == ("cat", "a small animal that purrs")  # mapping form
    assert q["glossary"].section == "Vocabulary" and q["blanks"].section == "Key facts"
    assert q["speed"].section == "Practice"


def test_every_type_generates(every):
    gen = generate(every, 3, 1)
    for v in gen.variants["speed"]:
        assert v.answer == v.params["distance"] / Decimal(v.params["hours"])
        assert (
            v.payload.answer_text.endswith(" km/h")
            and len(v.payload.answer_text.split()[0].split(".")[1]) == 1
        )
        assert v.payload.tolerance == abs(Decimal(v.answer)) / 100
        assert f"= {v.payload.answer_text.split()[0]} km/h" in v.solution
    for v in gen.variants["blanks"]:
        n = v.params["n"]
        assert [b.answers for b in v.payload.blanks] == [(str(2 * n),), ("blue", "azure")]
    assert gen.variants["capital"][0].answer == ["2", "3"]


def test_unit_before_for_currency_and_after_otherwise():
    bank = bank_from_text("""
id: u
title: U
questions:
  - {id: a, type: numerical, text: "x", answer: "-2.5", unit: "€", decimals: 2}
  - {id: b, type: numerical, text: "x", answer: "50", unit: "%"}
  - {id: c, type: numerical, text: "x", answer: "3", unit: "m", unit_position: before}
""")
    gen = generate(bank, 1, 0)
    assert gen.variants["a"][0].payload.answer_text == "-€2.50"
    assert gen.variants["b"][0].payload.answer_text == "50%"
    assert gen.variants["c"][0].payload.answer_text == "m3"


def problems_of(text: str) -> list[str]:
    with pytest.raises(BankInvalid) as err:
        bank = bank_from_text(text)
        validate_bank(bank)
    return [str(p) for p in err.value.problems]


HEAD = "id: t\ntitle: T\nquestions:\n"


@pytest.mark.parametrize(
    "body, expected",
    [
        (
            "  - {id: a, type: numerical, txet: x, answer: 1}\n",
            "test.yaml:4: question 'a': unknown field 'txet' (did you mean 'text'?)",
        ),
        (
            "  - {id: a, type: numerica, text: x, answer: 1}\n",
            "test.yaml:4: question 'a': unknown question type 'numerica' (did you mean "
            "'numerical'?)",
        ),
        (
            "  - id: a\n    type: shortanswer\n    text: Is it?\n    answer: no\n",
            "test.yaml:7: question 'a': YAML read the answer as false",
        ),
        (
            "  - id: a\n    type: numerical\n    text: x\n    params:\n      p: {min: 5, max: 1}\n"
            "    answer: p\n",
            "test.yaml:8: question 'a': parameter 'p': min (5) is above max (1)",
        ),
        (
            "  - id: a\n    type: numerical\n    text: x\n    params:\n      p: {min: 1, max: 5, "
            "step: 0}\n    answer: p\n",
            "test.yaml:8: question 'a': parameter 'p': step must be more than 0",
        ),
        (
            "  - id: a\n    type: numerical\n    text: x\n    params:\n      p: {choices: []}\n   "
            " answer: p\n",
            "test.yaml:8: question 'a': parameter 'p' has an empty list of choices",
        ),
        (
            "  - id: a\n    type: numerical\n    text: '{{ prcie }}'\n    params:\n      price: "
            "{min: 1, max: 5}\n    answer: price\n",
            "test.yaml:6: question 'a': in 'text': unknown name 'prcie' (did you mean 'price'?)",
        ),
        (
            "  - id: a\n    type: numerical\n    text: x\n    params:\n      p: {min: 0, max: 5}\n"
            "    answer: 10 / p\n",
            "test.yaml:9: question 'a': in 'answer': division by zero in '10 / p' (with p = 0)",
        ),
        (
            "  - id: a\n    type: multichoice\n    text: x\n    choices:\n      - {text: a}\n     "
            " - {text: b}\n",
            "test.yaml:7: question 'a': no choice is marked 'correct: true'",
        ),
        (
            "  - {id: a, type: truefalse, text: x, answer: true}\n  - {id: a, type: truefalse, "
            "text: y, answer: true}\n",
            "test.yaml:5: question 'a': the id 'a' is used twice (first on line 4)",
        ),
        (
            "  - id: a\n    type: multichoice\n    params:\n      p: {min: 1, max: 3}\n    text: "
            "x\n    choices:\n"
            "      - {text: '{{ p * 2 }}', correct: true}\n      - {text: '{{ p + 2 }}'}\n",
            "question 'a': in 'choices': a wrong choice equals the correct answer ('4') (with p = "
            "2)",
        ),
    ],
)
def test_broken_banks_give_file_line_question_message(body, expected):
    problems = problems_of(HEAD + body)
    assert any(expected in p for p in problems), problems


def test_validate_reports_every_problem_at_once(tmp_path):
    bank = tmp_path / "bad.yaml"
    bank.write_text(
        HEAD + "  - {id: a, type: numerical, text: x}\n"
        "  - {id: b, type: truefalse, text: y, answer: maybe}\n"
        "  - {id: c, type: cloze, text: no blanks here}\n"
    )
    result = run_cli("validate", bank, expect=1)
    out = result.output
    assert f"{bank}:4: question 'a': a numerical question needs 'answer:'" in out
    assert (
        f"{bank}:5: question 'b': a truefalse question needs 'answer: true' or 'answer: false'"
        in out
    )
    assert f"{bank}:6: question 'c': a cloze question needs at least one blank" in out
    assert "3 problems found." in out
    assert "Traceback" not in out


def test_unquoted_template_gets_a_hint(tmp_path):
    bank = tmp_path / "bad.yaml"
    bank.write_text(HEAD + "  - id: a\n    type: essay\n    text: {{ x }} is here\n")
    result = run_cli("validate", bank, expect=1)
    assert f"{bank}:6:" in result.output and "quotes" in result.output


def test_generate_writes_nothing_for_a_broken_bank(tmp_path):
    bank = tmp_path / "bad.yaml"
    bank.write_text(HEAD + "  - {id: a, type: numerical, text: x, answer: 1/0}\n")
    out = tmp_path / "out"
    result = run_cli("generate", bank, "-o", out, "--seed", "1", expect=1)
    assert "division by zero" in result.output
    assert not out.exists() or not any(out.iterdir())


def test_missing_file_is_a_clear_error(tmp_path):
    result = run_cli("validate", tmp_path / "nope.yaml", expect=1)
    assert "nope.yaml" in result.output and "cannot open" in result.output
