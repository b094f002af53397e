"""A problem inside a '|' block names its own line of the file (issue 14, finding 5)."""

from __future__ import annotations

import pytest

from qbank.bank.loader import load_bank_text
from qbank.errors import BankInvalid
from qbank.pipeline import validate_bank

BANK = """\
id: blocks
title: Blocks
questions:
  - id: speed
    type: numerical
    text: "{{ d }} km in 2 hours: speed?"
    params:
      d: {min: 100, max: 300, step: 100}
    answer: d / 2
    solution: |
      Speed is distance over time.
      The distance is {{ d }} km.
      So the speed is {{ d / }} km/h.
"""


def test_a_syntax_error_on_the_third_line_of_a_block_names_that_line():
    bank = load_bank_text(BANK, "b.yaml")
    with pytest.raises(BankInvalid) as caught:
        validate_bank(bank)
    assert str(caught.value) == (
        "b.yaml:13: question 'speed': in 'solution': the text has a syntax error: unexpected '}}'"
    )


def test_leading_blank_lines_of_a_block_are_counted():
    text = BANK.replace("    solution: |\n", "    solution: |\n\n")
    with pytest.raises(BankInvalid) as caught:
        validate_bank(load_bank_text(text, "b.yaml"))
    assert str(caught.value).startswith("b.yaml:14: question 'speed': in 'solution': ")


def test_a_folded_or_quoted_text_names_its_key_line():
    text = BANK.replace("    solution: |\n", "    solution: >\n")
    with pytest.raises(BankInvalid) as caught:
        validate_bank(load_bank_text(text, "b.yaml"))
    assert str(caught.value).startswith("b.yaml:10: question 'speed': in 'solution': ")


LET = """\
id: lets
title: Lets
questions:
  - id: q
    type: numerical
    params:
      a: {min: 0, max: 3}
    let:
      b: a + 1
      c: 10 / (a - 2)
      d: b * 2
    text: "{{ c }} {{ d }}"
    answer: c
"""


def test_a_failing_let_value_names_its_own_line():
    with pytest.raises(BankInvalid) as caught:
        validate_bank(load_bank_text(LET, "l.yaml"))
    (problem,) = caught.value.problems
    assert "'let.c'" in problem.message and "a = 2" in problem.message
    assert LET.splitlines()[problem.line - 1].strip() == "c: 10 / (a - 2)"


def test_an_unknown_name_in_let_names_its_own_line():
    text = LET.replace("d: b * 2", "d: zz * 2").replace("(a - 2)", "(a + 2)")
    with pytest.raises(BankInvalid) as caught:
        validate_bank(load_bank_text(text, "l.yaml"))
    (problem,) = caught.value.problems
    assert "unknown name 'zz'" in problem.message
    assert text.splitlines()[problem.line - 1].strip() == "d: zz * 2"
