"""Canaries for what qbank relies on in Jinja2 (pinned to >=3.1.4,<3.2 in pyproject.toml).

qbank extends Jinja only through public API (``visit_*`` methods of the code generator,
the sandbox hooks, ``Lexer.wrap``, node classes). These tests pin the behaviour those
extensions depend on, so that a Jinja upgrade that changes it fails here, loudly, rather
than changing a worksheet silently.
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from jinja2 import nodes

from qbank.templates import ENVIRONMENT, compile_formula, compile_template


# --- '~' is never folded at compile time with str() ----------------------------------------

@pytest.mark.parametrize("source, expected", [
    ('{{ "x" ~ 1.50 }}', "x1.5"),
    ('{{ "a" ~ 1E-7 }}', "a0.0000001"),
    ('{{ "x" ~ [1.50, 2] }}', "x1.5, 2"),
    ('{{ ("x" ~ 1.50) | upper }}', "X1.5"),
    ('{{ "x" ~ 1.50 == "x1.5" }}', "true"),
    ('{{ ("x" ~ 1.50) | length }}', "4"),
    ('{{ "ab" ~ 1.10 if true else "" }}', "ab1.1"),
    ('{{ "a" ~ ("b" ~ 2.0) }}', "ab2"),
    ('{% set y = "y" ~ 2.50 %}{{ y }}', "y2.5"),
])
def test_tilde_writes_numbers_the_qbank_way(source, expected):
    assert compile_template(source).run({}) == expected


@pytest.mark.parametrize("source, expected", [
    ('{{ ("b" ~ 2.0) ~ x }}', "b23"),
    ('{{ (("b" ~ 2.0) | upper) ~ x }}', "B23"),
    ('{% set y = ("b" ~ 2.50) ~ x %}{{ y }}', "b2.53"),
])
def test_constant_parts_of_a_tilde_are_not_folded_when_names_are_found(source, expected):
    # jinja2.meta.find_undeclared_variables runs Jinja's optimizer, which folds constant
    # parts of the tree in place with str() ("b2.0"): the names are found after compiling.
    assert compile_template(source).run({"x": 3}) == expected
    assert compile_formula('("b" ~ 2.0) ~ x').run({"x": 3}) == "b23"


def test_tilde_in_a_formula():
    assert compile_formula('"a" ~ 1.50 ~ [0.10]').run({}) == "a1.50.1"


def test_no_concat_node_reaches_the_code_generator():
    source = ENVIRONMENT.compile('{{ "x" ~ 1.50 }}{{ ("a" ~ 2.0) | upper }}', raw=True)
    body = source.split("def root(", 1)[1]
    assert "x1.50" not in body and "a2.0" not in body
    assert "str_join" not in body and "markup_join" not in body


def test_jinja_folds_concat_with_str_which_is_why_it_is_rewritten():
    # The behaviour the rewrite guards against: if Jinja stops doing this, the rewrite
    # could go, but it stays harmless.
    concat = nodes.Concat([nodes.Const("x"), nodes.Const(Decimal("1.50"))])
    concat.set_environment(ENVIRONMENT)
    assert concat.as_const() == "x1.50"


# --- exact decimals ----------------------------------------------------------------------

def test_number_literals_are_exact_decimals():
    assert compile_template("{{ 0.1 + 0.2 }}").run({}) == "0.3"
    assert compile_formula("0.1 + 0.2 == 0.3").run({}) is True
