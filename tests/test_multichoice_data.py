"""Choices that depend on the data: formula 'correct', 'pick' and 'distractors' (issue 12)."""

from __future__ import annotations

import itertools
import re
import statistics
from decimal import Decimal

import pytest

from conftest import bank_from_text
from qbank.errors import BankInvalid
from qbank.exporters.jsonrecord import question_record
from qbank.generator import generate
from qbank.validation import validate_bank

BANK = """
id: mc
title: Choices from data
questions:
  - id: data
    type: multichoice
    let:
      x: round(rnorm(20, 50, 10), 1)
    text: "The sample has mean {{ mean(x) | fixed(1) }}."
    single: true
    choices:
      - {text: "The mean is above 50", correct: mean(x) > 50}
      - {text: "The mean is at most 50", correct: mean(x) <= 50}
  - id: several
    type: multichoice
    params: {n: {min: 1, max: 12}}
    text: "Which are true of {{ n }}?"
    single: false
    choices:
      - {text: "even", correct: n % 2 == 0}
      - {text: "above 6", correct: n > 6}
      - {text: "a whole number", correct: true}
  - id: picked
    type: multichoice
    text: Which are prime?
    single: false
    pick: 2
    choices:
      - {text: "2", correct: true}
      - {text: "3", correct: true}
      - {text: "4"}
      - {text: "6"}
      - {text: "8"}
      - {text: "9"}
  - id: dist
    type: multichoice
    params:
      p: {choices: [0.002, 0.003, 0.004]}
      n: {min: 10000, max: 90000, step: 1000}
    text: "What do {{ n | thousands }} calls at ${{ p }} cost?"
    distractors: 4
    choices:
      - {text: "${{ (p * n) | thousands(2) }}", correct: true}
"""


@pytest.fixture(scope="module")
def generated():
    bank = bank_from_text(BANK)
    return generate(bank, 200, 11, compiled=validate_bank(bank))


def records(generated, qid):
    return [question_record(v) for v in generated.variants[qid]]


def test_a_formula_choice_is_right_exactly_when_its_formula_holds(generated):
    seen = set()
    for record in records(generated, "data"):
        x = [Decimal(str(v)) for v in record["derived"]["x"]]
        above = statistics.mean(x) > 50
        right = {c["text"]: c["correct"] for c in record["choices"]}
        assert right == {"The mean is above 50": above, "The mean is at most 50": not above}
        seen.add(above)
    assert seen == {True, False}  # the data decides, version by version


def test_several_formula_choices_follow_the_drawn_values(generated):
    for record in records(generated, "several"):
        n = record["params"]["n"]
        right = {c["text"]: c["correct"] for c in record["choices"]}
        assert right == {"even": n % 2 == 0, "above 6": n > 6, "a whole number": True}


def test_pick_keeps_every_right_choice_and_k_wrong_ones_in_an_order_per_version(generated):
    orders = set()
    subsets = set()
    for record in records(generated, "picked"):
        texts = [c["text"] for c in record["choices"]]
        assert len(texts) == len(set(texts)) == 4
        assert {"2", "3"} <= set(texts)
        assert sum(not c["correct"] for c in record["choices"]) == 2
        orders.add(tuple(texts))
        subsets.add(frozenset(texts))
    assert len(subsets) == 6  # every pair of the 4 wrong choices turns up in 200 versions
    assert len(orders) > 20


def _number(text: str) -> Decimal:
    return Decimal(re.sub(r"[$,]", "", text))


def test_distractors_are_different_numbers_around_the_answer(generated):
    letters = set()
    for record in records(generated, "dist"):
        choices = record["choices"]
        assert len(choices) == 5
        texts = [c["text"] for c in choices]
        assert len(set(texts)) == 5  # never two equal after rounding
        (right,) = [c for c in choices if c["correct"]]
        answer = _number(right["text"])
        assert answer == Decimal(str(record["params"]["p"])) * record["params"]["n"]
        for text in texts:
            assert re.fullmatch(r"\$\d{1,3}(,\d{3})*\.\d\d", text), text  # same format
            value = _number(text)
            assert answer / 2 <= value <= answer * 3 / 2
        values = sorted(_number(t) for t in texts)
        gaps = [b - a for a, b in itertools.pairwise(values)]
        assert min(gaps) >= answer * Decimal("0.05") - Decimal("0.01")
        letters.add(choices.index(right))
    assert letters == {0, 1, 2, 3, 4}  # the key letter changes between versions


def test_the_same_seed_gives_the_same_options():
    bank = bank_from_text(BANK)
    first = [question_record(v)["choices"] for v in generate(bank, 5, 3).variants["dist"]]
    again = [question_record(v)["choices"] for v in generate(bank, 5, 3).variants["dist"]]
    assert first == again


@pytest.mark.parametrize(
    ("question", "message"),
    [
        (
            """
  - id: q
    type: multichoice
    let: {x: "round(rnorm(20, 50, 10), 1)"}
    text: Mean?
    single: true
    choices:
      - {text: above 55, correct: mean(x) > 55}
      - {text: below 45, correct: mean(x) < 45}
""",
            "no choice is right for these values (with x = [",
        ),
        (
            """
  - id: q
    type: multichoice
    params: {n: {min: 1, max: 4}}
    text: Which?
    single: true
    choices:
      - {text: small, correct: n < 4}
      - {text: odd, correct: n % 2 == 1}
""",
            "'single: true' but 2 choices are right for these values (with n = 1)",
        ),
        (
            """
  - id: q
    type: multichoice
    text: Which?
    choices:
      - {text: a, correct: 1 > 0}
      - {text: b}
""",
            "say how many may be right: 'single: true'",
        ),
        (
            """
  - id: q
    type: multichoice
    text: Which?
    pick: 3
    choices:
      - {text: a, correct: true}
      - {text: b}
      - {text: c}
""",
            "'pick: 3' but there are only 2 wrong choices",
        ),
        (
            """
  - id: q
    type: multichoice
    text: Which?
    distractors: 3
    choices:
      - {text: "about {{ 7 }} cats", correct: true}
      - {text: b}
""",
            "give one choice, the right one",
        ),
        (
            """
  - id: q
    type: multichoice
    text: Which?
    distractors: 25
    choices:
      - {text: "7", correct: true}
""",
            "could not make 25 different wrong options around 7",
        ),
    ],
)
def test_choices_that_cannot_work_are_found_by_validation(question, message):
    with pytest.raises(BankInvalid) as caught:  # on loading, or when drawing versions
        validate_bank(bank_from_text("id: b\ntitle: B\nquestions:" + question))
    text = str(caught.value)
    assert message in text
    assert "question 'q'" in text


def test_the_real_anki_imports_every_note_with_its_own_right_options(tmp_path):
    import html as htmllib

    from test_anki import export, import_apkg, new_collection, notes_by_key

    bank = bank_from_text(BANK)
    generated = generate(bank, 6, 2)
    col = new_collection(tmp_path / "learner")
    try:
        import_apkg(col, export(generated, tmp_path / "out"))
        notes = notes_by_key(col)
        assert len(notes) == sum(len(vs) for vs in generated.variants.values())
        for v in generated.variants["dist"]:
            note = notes[f"mc/dist/{v.number}"]
            fields = htmllib.unescape(" ".join(note.fields))
            for choice in v.payload.choices:  # every option of this version, on its card
                assert choice.text in fields
    finally:
        col.close()
