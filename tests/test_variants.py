"""Drawing variants: grids, choices, let, where, determinism and independence."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import bank_from_text
from qbank.errors import QbankError
from qbank.exporters.jsonrecord import dumps, question_record
from qbank.generator import generate, variant_seed
from qbank.numeric import plain

BANK = """
id: demo
title: Demo
questions:
  - id: grid
    type: numerical
    params:
      a: {min: 0.001, max: 0.01, step: 0.001}
      b: {min: 1, max: 5}
      c: {choices: [0.1, 0.2, 0.7]}
    let:
      total: a * b + c
    where: [b != 3]
    text: "{{ a }} {{ b }} {{ c }} {{ total }}"
    answer: total * 2
    decimals: 3
  - id: fixed
    type: truefalse
    text: Water is wet.
    answer: true
  - id: other
    type: numerical
    params:
      x: {min: 1, max: 100}
    text: "{{ x }}"
    answer: x
"""


def draw(bank_text: str, n: int = 40, seed: int = 5):
    return generate(bank_from_text(bank_text), n, seed)


def test_values_lie_on_the_grid_with_exact_decimals():
    gen = draw(BANK)
    for v in gen.variants["grid"]:
        a, b, c = v.params["a"], v.params["b"], v.params["c"]
        assert Decimal("0.001") <= a <= Decimal("0.01")
        assert (a * 1000) == int(a * 1000)  # a multiple of the step, exactly
        assert len(str(a).split(".")[1]) <= 3
        assert isinstance(b, int) and 1 <= b <= 5 and b != 3
        assert c in (Decimal("0.1"), Decimal("0.2"), Decimal("0.7"))
        assert v.derived["total"] == a * b + c
        assert v.answer == (a * b + c) * 2
        assert v.text == " ".join(plain(x) for x in (a, b, c, v.derived["total"]))


def test_fixed_question_is_drawn_once_and_shared_by_every_version():
    gen = draw(BANK, n=4)
    assert len(gen.variants["fixed"]) == 1
    assert len(gen.variants["grid"]) == 4
    for k in range(1, 5):
        version = gen.version(k)
        assert [v.id for v in version] == ["grid", "fixed", "other"]
        assert version[0].number == k
        assert version[1] is gen.variants["fixed"][0]


def test_same_seed_same_record_and_other_seed_other_numbers():
    one = dumps([question_record(v) for v in draw(BANK).all_variants()])
    two = dumps([question_record(v) for v in draw(BANK).all_variants()])
    three = dumps([question_record(v) for v in draw(BANK, seed=6).all_variants()])
    assert one == two
    assert one != three


def test_variant_does_not_depend_on_other_questions_or_order():
    base = draw(BANK)
    # Remove 'other', reorder, and add a new question: 'grid' variants stay the same.
    reordered = (
        BANK.replace("id: demo", "id: demo").split("  - id: fixed")[0]
        + """  - id: new-one
    type: numerical
    params: {z: {min: 1, max: 9}}
    text: "{{ z }}"
    answer: z
"""
    )
    changed = draw(reordered)
    assert [v.params for v in base.variants["grid"]] == [v.params for v in changed.variants["grid"]]


def test_variant_seed_is_a_pure_function_of_its_four_inputs():
    s = variant_seed(1, "bank", "q", 3)
    assert s == variant_seed(1, "bank", "q", 3)
    assert (
        len(
            {
                s,
                variant_seed(2, "bank", "q", 3),
                variant_seed(1, "bank2", "q", 3),
                variant_seed(1, "bank", "q2", 3),
                variant_seed(1, "bank", "q", 4),
            }
        )
        == 5
    )


@settings(max_examples=40, deadline=None)
@given(seed=st.integers(min_value=0, max_value=2**63), n=st.integers(min_value=1, max_value=6))
def test_determinism_property(seed, n):
    bank = bank_from_text(BANK)
    first = generate(bank, n, seed)
    second = generate(bank, n, seed)
    assert [question_record(v) for v in first.all_variants()] == [
        question_record(v) for v in second.all_variants()
    ]
    # A prefix of the versions does not change when more versions are drawn.
    more = generate(bank, n + 3, seed)
    assert [v.params for v in first.variants["grid"]] == [
        v.params for v in more.variants["grid"][:n]
    ]


def test_where_that_never_holds_is_a_clear_error():
    text = BANK.replace("where: [b != 3]", "where: [b > 10]")
    with pytest.raises(QbankError) as err:
        draw(text, n=1)
    message = str(err.value)
    assert "question 'grid'" in message and "did not hold" in message and "test.yaml:" in message


def test_tolerance_defaults_to_half_the_last_decimal():
    gen = draw(BANK, n=3)
    assert all(v.payload.tolerance == Decimal("0.0005") for v in gen.variants["grid"])
    # 'other' has no decimals and whole answers: half a unit.
    assert all(v.payload.tolerance == Decimal("0.5") for v in gen.variants["other"])


def test_relative_tolerance_becomes_absolute():
    text = BANK.replace("decimals: 3", "decimals: 3\n    tolerance: 10%")
    for v in draw(text, n=5).variants["grid"]:
        assert v.payload.tolerance == abs(v.answer) / 10


def test_json_numbers_are_exact_and_never_floats():
    gen = draw(BANK, n=10)
    text = dumps([question_record(v) for v in gen.all_variants()])
    assert "e-" not in text and "E-" not in text and "000000001" not in text
    data = json.loads(text, parse_float=Decimal)
    for rec, v in zip(data, gen.all_variants()):
        if rec["type"] == "numerical":
            assert rec["answer"] == v.answer
            for name, value in v.params.items():
                assert rec["params"][name] == value
                assert isinstance(rec["params"][name], int) == isinstance(value, int)
