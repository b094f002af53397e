"""escape_markdown: any value inserted by {{ }} reads back as exactly itself."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from qbank.richtext import escape_markdown, parse_block, parse_inline, plain_text, unescape_markdown
from qbank.richtext.escape import REMOVED_CHARS
from qbank.richtext.tree import Emph, Paragraph, Strong, Table, Text


def literal(value: str) -> str:
    """What a parsed text can hold of ``value``: line ends as \\n, no removed characters."""
    return REMOVED_CHARS.sub("", value.replace("\r\n", "\n").replace("\r", "\n"))


# Markdown's syntax characters and the sequences that start blocks, mixed with any text.
SYNTAX = st.sampled_from(
    [
        *list("\\`*_{}[]()#+-.!|<>&$~:=\n\t \r;\"'@%^/019aZ"),
        "[[",
        "]]",
        "  ",
        "1. ",
        "2) ",
        "- ",
        "+ ",
        "# ",
        "```",
        "~~~",
        "$$",
        "\\(",
        "\\[",
        "&amp;",
        "&#42;",
        "<b>",
        "</sub>",
        "<!--",
        "-->",
        "\xa0",
        "\u2028",
        "\x85",
        "\x0c",
        "\ufdd0",
        "\ufdd1",
        "](",
        "![",
        "]:",
        "    ",
        "===",
        "---",
        "***",
        "___",
        "http://x.y",
    ]
)
VALUES = st.lists(st.one_of(st.characters(codec="utf-8"), SYNTAX), max_size=30).map("".join)
SETTINGS = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(VALUES)
def test_any_value_reads_back_literally(value):
    escaped = escape_markdown(value)
    assert plain_text(parse_inline(escaped)) == literal(value)
    assert plain_text(parse_block(escaped)) == literal(value)
    assert plain_text(parse_block(escaped, blanks=True)) == literal(value)


@SETTINGS
@given(VALUES)
def test_a_value_inside_a_sentence_reads_back_literally(value):
    text = f"Word {escape_markdown(value)} word"
    assert plain_text(parse_block(text, blanks=True)) == literal(f"Word {value} word")


@SETTINGS
@given(VALUES.filter(lambda v: literal(v).strip() != ""))
def test_a_value_stays_one_piece_of_emphasis(value):
    doc = parse_block(f"**{escape_markdown(value)}**")
    assert doc.blocks == (Paragraph((Strong((Text(literal(value)),)),)),)
    doc = parse_inline(f"_{escape_markdown(value)}_")
    assert doc.blocks[0].children == (Emph((Text(literal(value)),)),)


@SETTINGS
@given(VALUES.filter(lambda v: literal(v).strip() != ""))
def test_a_value_stays_in_its_table_cell(value):
    doc = parse_block(f"| a | b |\n|---|---|\n| {escape_markdown(value)} | x |")
    table = doc.blocks[0]
    assert isinstance(table, Table)
    assert table.rows == (((Text(literal(value)),), (Text("x"),)),)


@pytest.mark.parametrize(
    "value, escaped",
    [
        ("*star*", r"\*star\*"),
        ("$30", r"\$30"),
        ("a_b_c", "a_b_c"),
        ("_init_", r"\_init\_"),
        ("# tag", r"\# tag"),
        ("#tag", "#tag"),
        ("1. first", r"1\. first"),
        ("- item", r"\- item"),
        ("> quote", r"\> quote"),
        ("[[x]]", "&#91;&#91;x&#93;&#93;"),
        ("[a](b)", "&#91;a&#93;(b)"),
        ("a|b", r"a\|b"),
        ("<b>", r"\<b>"),
        ("x < 3", "x < 3"),
        ("&amp;", r"\&amp;"),
        ("A & B", "A & B"),
        ("C:\\temp\\", "C:\\temp\\\\"),
        ("\\(x\\)", "\\\\(x\\\\)"),
        ("  two spaces", "&#32; two spaces"),
        ("line\nbreak", "line&#10;break"),
    ],
)
def test_examples(value, escaped):
    assert escape_markdown(value) == escaped
    assert plain_text(parse_block(escaped)) == value


@pytest.mark.parametrize(
    "value",
    [
        "3",
        "-3.5",
        "1e-05",
        "3/4",
        "1,000",
        "0.002",
        "-x",
        "x^{2}",
        "x_1",
        "a_{n+1}",
        "\\frac{1}{2}",
        "\\sqrt{3}",
        "2\\cdot 3",
        "\\pi",
        "[0, 1]",
        "(0, 1]",
        "x < 3",
        "x > 3",
        "\\alpha + \\beta",
        "e^{i\\pi}",
        "A & B",
    ],
)
def test_numbers_and_tex_pass_unchanged_so_they_work_inside_formulas(value):
    assert escape_markdown(value) == value
    doc = parse_block(f"so ${escape_markdown(value)}$.")
    assert doc.blocks[0].children[1].tex == value


@given(
    st.one_of(
        st.integers(),
        st.floats(allow_nan=False, allow_infinity=False),
        st.decimals(allow_nan=False, allow_infinity=False),
        st.fractions(),
    ).map(str)
)
def test_every_number_passes_unchanged(number):
    assert escape_markdown(number) == number


@SETTINGS
@given(VALUES)
def test_unescape_gives_back_the_value(value):
    assert unescape_markdown(escape_markdown(value)) == literal(value)


@SETTINGS
@given(VALUES)
def test_an_inserted_answer_comes_back_from_its_cloze_blank(answer):
    doc = parse_block(f"Write [[{escape_markdown(answer)}]] here.", blanks=True)
    assert [unescape_markdown(source) for source in doc.blanks] == [literal(answer)]


def test_an_answer_with_brackets_comes_back_from_its_cloze_blank():
    for answer in ("x*y | [1]", "[0, 1]", "]]", "[[a]]"):
        doc = parse_block(f"Write [[{escape_markdown(answer)}]] here.", blanks=True)
        assert [unescape_markdown(source) for source in doc.blanks] == [answer]


@given(
    st.text(alphabet=st.sampled_from(list("aZ09 ,.:;()/%'\"?-#>+=*_$[]\n\t&<~`|\\")), max_size=12)
)
@settings(max_examples=3000, deadline=None)
def test_the_fast_path_leaves_only_values_that_need_no_escaping(value):
    # Numbers and plain words skip the character-by-character escaping: they must be
    # exactly the values it would leave unchanged.
    from qbank.richtext.escape import _PLAIN_VALUE, _escape

    if _PLAIN_VALUE.fullmatch(value):
        assert _escape(value) == value


@given(
    st.one_of(
        st.integers(min_value=-(10**15), max_value=10**15),
        st.decimals(allow_nan=False, allow_infinity=False, places=4),
    ),
    st.sampled_from(["en", "fr", "de", "es", "pt-BR", "it", "nl", "pl", "de-CH"]),
)
@settings(max_examples=1500, deadline=None)
def test_numbers_in_every_language_need_no_escaping(number, tag):
    # finalize_markdown inserts ints and Decimals without escaping them: what any locale
    # writes for a number (digits, signs, its separators) must never be Markdown syntax.
    from qbank import i18n
    from qbank.arithmetic.text import display

    with i18n.use_language(tag):
        shown = display(number)
    assert escape_markdown(shown) == shown
    assert plain_text(parse_inline("a " + shown)) == "a " + shown
