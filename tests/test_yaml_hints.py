"""The common YAML mistakes of a teacher get a hint naming the fix (issue 14, finding 5).

The whole-file cases are broken-bank fixtures (tests/fixtures/broken: colon-in-text,
percent-unit, star-text, braces-in-formula, zero-over-zero); here, each character YAML
reads as syntax at the start of a value, and the LaTeX note of the control-character warning.
"""

from __future__ import annotations

import pytest

from conftest import FIXTURES
from qbank.bank.loader import load_bank, load_bank_text
from qbank.errors import BankError, BankInvalid

BANK = """\
id: hints
title: Hints
questions:
  - id: q1
    type: shortanswer
    {line}
    answer: x
"""


@pytest.mark.parametrize(
    ("line", "example"),
    [
        ("text: %d students", 'text: "%d students"'),
        ("text: *Bold* claim", 'text: "*Bold* claim"'),
        ("text: *Bold", 'text: "*Bold"'),
        ("text: &copy; 2024", 'text: "&copy; 2024"'),
        ("text: !important: read", 'text: "!important: read"'),
        ("text: !important read", 'text: "!important read"'),
        ("text: @home is where", 'text: "@home is where"'),
        ("text: `ls` lists files", 'text: "`ls` lists files"'),
        ("text: |x| is the absolute value", 'text: "|x| is the absolute value"'),
        ("text: > 5 is more", 'text: "> 5 is more"'),
    ],
)
def test_a_value_starting_with_a_yaml_character_says_to_quote_it(line, example):
    first = line.split(": ", 1)[1][0]
    with pytest.raises((BankError, BankInvalid)) as caught:
        load_bank_text(BANK.format(line=line), "b.yaml")
    message = str(caught.value)
    assert message.startswith("b.yaml:6: question 'q1': "), message
    assert f"a value that starts with '{first}' must be in quotes, e.g. {example}" in message
    assert "Error" not in message and "Exception" not in message


def test_a_colon_in_a_text_says_to_quote_it():
    with pytest.raises(BankError) as caught:
        load_bank_text(BANK.format(line="text: Remember: density = m / V"), "b.yaml")
    assert str(caught.value) == (
        "b.yaml:6: question 'q1': the file is not valid YAML: mapping values are not allowed "
        "in this context — a text that contains a colon followed by a space must be in quotes "
        """or in a '|' block, e.g. text: "Remember: density = m / V\""""
    )


def test_a_block_scalar_indicator_alone_is_not_a_mistake():
    bank = load_bank_text(BANK.format(line="text: |\n      Line one\n      Line two"), "b.yaml")
    assert bank.questions[0].text == "Line one\nLine two"


def test_latex_escapes_in_double_quotes_get_a_note_on_the_warning():
    bank = load_bank(FIXTURES / "nasty" / "latex-in-double-quotes.yaml")
    latex, bell = bank.warnings
    assert latex.endswith(
        "latex-in-double-quotes.yaml:6: question 'half': removed invisible characters "
        "(U+000C, U+0008) that Word, Anki and Moodle files cannot hold; in a double-quoted "
        '"..." text YAML reads \\f, \\b, \\v (as in \\frac, \\beta, \\vec) as control '
        "characters: use a '|' block or single quotes for LaTeX"
    )
    # Not for a control character spelled as itself ("\u0007"), where LaTeX is not involved.
    assert bell.endswith(
        "latex-in-double-quotes.yaml:10: question 'ok': removed invisible characters "
        "(U+0007) that Word, Anki and Moodle files cannot hold"
    )


def test_a_hash_after_a_text_warns_that_yaml_cut_the_text_short():
    bank = load_bank(FIXTURES / "nasty" / "hash-in-text.yaml")
    csharp = bank.questions[0]
    assert csharp.text == "Question"  # what YAML reads: hence the warning
    tail = "is a YAML comment (a '#' after a space starts one); if it is part of the text, put"
    assert [w.split("hash-in-text.yaml:", 1)[1] for w in bank.warnings] == [
        "7: question 'csharp': 'text' reads only \"Question\": the rest of the line, "
        f'"#1 is about C# and .NET", {tail} the whole value in quotes '
        "(text: \"Question #1 is about C# and .NET\") or use a '|' block",
        "10: question 'csharp': 'text' reads only \"F# too\": the rest of the line, "
        f'"# one space: cut short", {tail} the whole value in quotes '
        "(text: \"F# too # one space: cut short\") or use a '|' block",
        "12: question 'csharp': 'solution' reads only \"See\": the rest of the line, "
        f'"#2", {tail} the whole value in quotes (solution: "See #2") or use a \'|\' block',
    ]
