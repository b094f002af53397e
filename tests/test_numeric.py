"""Exact numbers: display, rounding half-up, no float artefacts, no exponent form."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from qbank import numeric
from qbank.templates import compile_formula, compile_template


@pytest.mark.parametrize(
    "formula, shown",
    [
        ("0.1 + 0.2", "0.3"),
        ("0.00005", "0.00005"),
        ("1 / 4", "0.25"),
        ("10 / 5", "2"),
        ("2.50 * 2", "5"),
        ("0.002 * 25000", "50"),
        ("0.8 + 0.2", "1"),
        ("7 // 2", "3"),
        ("-7 // 2", "-4"),
        ("-7 % 3", "2"),
        ("2 ** 10", "1024"),
        ("2 ** -2", "0.25"),
        ("1e3" if False else "1000 * 1000 * 1000 * 1000 * 1000 * 1000", "1000000000000000000"),
        ("round(2.675, 2)", "2.68"),
        ("round(2.5)", "3"),
        ("round(-2.5)", "-3"),
        ("sqrt(16)", "4"),
        ("abs(-0.5)", "0.5"),
        ("floor(-1.5)", "-2"),
        ("ceil(1.2)", "2"),
        ("max(1, 2.5, 2)", "2.5"),
        ("min([3, 0.1])", "0.1"),
    ],
)
def test_formulas_are_exact(formula, shown):
    assert numeric.plain(compile_formula(formula).run({})) == shown


def test_integers_stay_integers():
    assert isinstance(compile_formula("10 / 2").run({}), int)
    assert isinstance(compile_formula("0.5 * 4").run({}), int)
    assert isinstance(compile_formula("0.5 * 3").run({}), Decimal)


@pytest.mark.parametrize(
    "value, places, text",
    [
        (Decimal("2.675"), 2, "2.68"),
        (Decimal("2.665"), 2, "2.67"),
        (Decimal("21.6"), 2, "21.60"),
        (50, 2, "50.00"),
        (Decimal("0.125"), 2, "0.13"),
        (Decimal("-0.125"), 2, "-0.13"),
        (Decimal("-0.001"), 2, "0.00"),
        (Decimal("0.5"), 0, "1"),
        (Decimal("1.5"), 0, "2"),
    ],
)
def test_fixed_rounds_half_up(value, places, text):
    assert numeric.fixed(value, places) == text


def test_thousands_separator():
    assert numeric.with_thousands(25000) == "25,000"
    assert numeric.with_thousands(Decimal("1234567.5")) == "1,234,567.5"
    assert numeric.with_thousands(Decimal("1234.5"), 2) == "1,234.50"


def test_templates_show_numbers_plainly():
    text = compile_template(
        "{{ a }} {{ b }} {{ a + b }} {{ c | fixed(3) }} {{ d | thousands }}"
    ).run({"a": Decimal("0.1"), "b": Decimal("0.2"), "c": Decimal("0.00005"), "d": 1234567})
    assert text == "0.1 0.2 0.3 0.000 1,234,567"


decimals = st.decimals(
    min_value=Decimal("-1e12"),
    max_value=Decimal("1e12"),
    places=6,
    allow_nan=False,
    allow_infinity=False,
)


@settings(max_examples=300, deadline=None)
@given(decimals)
def test_plain_is_positional_and_exact(value):
    text = numeric.plain(value)
    assert "e" not in text.lower()
    assert Decimal(text) == value
    if "." in text:
        assert not text.endswith("0")


@settings(max_examples=300, deadline=None)
@given(decimals, st.integers(min_value=0, max_value=6))
def test_fixed_has_exact_places_and_is_half_up(value, places):
    text = numeric.fixed(value, places)
    assert "e" not in text.lower()
    assert len(text.split(".")[1]) == places if places else "." not in text
    shown = Decimal(text)
    unit = Decimal(1).scaleb(-places)
    assert abs(shown - value) <= unit / 2
    # Exactly half way rounds away from zero (half-up as taught in school).
    if abs(value - shown) == unit / 2:
        assert abs(shown) > abs(value)


@settings(max_examples=200, deadline=None)
@given(st.lists(decimals, min_size=1, max_size=5))
def test_sum_of_literals_is_exact(values):
    formula = " + ".join(f"({numeric.plain(v)})" for v in values)
    assert compile_formula(formula).run({}) == sum(values)
