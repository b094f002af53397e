"""Markdown + math → the neutral tree: each Markdown feature, the money rule, blanks, HTML."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from qbank.richtext import RichTextError, parse_block, parse_inline, plain_text
from qbank.richtext.parse import _parse, cache_clear
from qbank.richtext.tree import (
    HARD_BREAK,
    SOFT_BREAK,
    Blank,
    BlockQuote,
    BulletList,
    Code,
    CodeBlock,
    Document,
    Emph,
    Heading,
    Image,
    Link,
    MathBlock,
    MathInline,
    OrderedList,
    Paragraph,
    Plain,
    Strike,
    Strong,
    Sub,
    Sup,
    Table,
    Text,
    ThematicBreak,
    Underline,
)


def para(text: str, **options) -> tuple:
    """The inlines of a text that is one paragraph."""
    doc = parse_block(text, **options)
    assert len(doc.blocks) == 1 and isinstance(doc.blocks[0], Paragraph), doc
    return doc.blocks[0].children


# --- Markdown ---------------------------------------------------------------------------


def test_soft_break_and_paragraphs():
    doc = parse_block("one\ntwo\n\nthree")
    assert doc.blocks == (
        Paragraph((Text("one"), SOFT_BREAK, Text("two"))),
        Paragraph((Text("three"),)),
    )


def test_hard_break():
    assert para("one  \ntwo") == (Text("one"), HARD_BREAK, Text("two"))
    assert para("one\\\ntwo") == (Text("one"), HARD_BREAK, Text("two"))


def test_emphasis_code_strike():
    assert para("**bold** _it_ *it* `x*y` ~~gone~~") == (
        Strong((Text("bold"),)),
        Text(" "),
        Emph((Text("it"),)),
        Text(" "),
        Emph((Text("it"),)),
        Text(" "),
        Code("x*y"),
        Text(" "),
        Strike((Text("gone"),)),
    )


def test_snake_case_is_not_emphasis():
    assert para("snake_case_name") == (Text("snake_case_name"),)


def test_fenced_and_indented_code():
    doc = parse_block("```python\nprint(2 * 3)\n```\n\n    indented *x*")
    assert doc.blocks == (CodeBlock("print(2 * 3)", "python"), CodeBlock("indented *x*"))


def test_lists():
    doc = parse_block("- one\n- **two**\n\n3. three\n4. four\n\n* a\n\n* b")
    assert doc.blocks == (
        BulletList(((Paragraph((Text("one"),)),), (Paragraph((Strong((Text("two"),)),)),))),
        OrderedList(((Paragraph((Text("three"),)),), (Paragraph((Text("four"),)),)), start=3),
        BulletList(((Paragraph((Text("a"),)),), (Paragraph((Text("b"),)),)), tight=False),
    )


def test_nested_list():
    doc = parse_block("1. one\n   - inner\n2. two")
    outer = doc.blocks[0]
    assert isinstance(outer, OrderedList)
    assert outer.items[0][1] == BulletList(((Paragraph((Text("inner"),)),),))


def test_pipe_table_with_alignment():
    doc = parse_block("| x | f(x) | note |\n|:--|:-:|--:|\n| 1 | **2** | a\\|b |\n| 3 | 4 |")
    assert doc.blocks == (
        Table(
            header=((Text("x"),), (Text("f(x)"),), (Text("note"),)),
            rows=(
                ((Text("1"),), (Strong((Text("2"),)),), (Text("a|b"),)),
                ((Text("3"),), (Text("4"),), ()),
            ),
            alignments=("left", "center", "right"),
        ),
    )


def test_links_and_autolinks():
    assert para("[the docs](https://example.org/a) <https://x.org>") == (
        Link("https://example.org/a", (Text("the docs"),)),
        Text(" "),
        Link("https://x.org", (Text("https://x.org"),)),
    )


def test_heading_quote_rule():
    doc = parse_block("# Title\n\n> quoted\n\n---")
    assert doc.blocks == (
        Heading(1, (Text("Title"),)),
        BlockQuote((Paragraph((Text("quoted"),)),)),
        ThematicBreak(),
    )


def test_image_with_alt():
    assert para("![a right triangle](tri.png)") == (Image("tri.png", "a right triangle"),)
    assert para("![the *graph* of $f$](g.png)") == (Image("g.png", "the graph of f"),)


@pytest.mark.parametrize("text", ["![](tri.png)", "![  ](tri.png)", "see ![](a.png) here"])
def test_image_without_alt_is_an_error(text):
    with pytest.raises(RichTextError, match="has no description"):
        parse_block(text)


def test_inline_text_has_no_blocks():
    doc = parse_inline("# not a heading\n- not a list *but emphasis*")
    assert doc.blocks == (
        Plain(
            (
                Text("# not a heading"),
                SOFT_BREAK,
                Text("- not a list "),
                Emph((Text("but emphasis"),)),
            )
        ),
    )
    assert parse_inline("").blocks == ()
    assert parse_block("  \n\n").blocks == ()


# --- math -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "It costs $30.",
        "costs $0.002 per request and $400 per month",
        "between $5 and $10",
        "$ x $ is not math",
        "5$-10$ stays text",
        "a $x $ b",
        "pay $x$5 now",
    ],
)
def test_money_is_never_math(text):
    assert all(isinstance(node, Text) for node in para(text)), para(text)
    assert plain_text(parse_block(text)) == text


def test_dollar_math():
    assert para("Let $x^2$ be") == (Text("Let "), MathInline("x^2"), Text(" be"))
    # $5$ is math, as in pandoc: an amount of money has no closing dollar
    assert para("$5$") == (MathInline("5"),)
    assert para("so $5$.") == (Text("so "), MathInline("5"), Text("."))


def test_escaped_dollar_is_a_dollar():
    assert para(r"\$x\$ and \$5") == (Text("$x$ and $5"),)
    assert para(r"$a\$b$") == (MathInline(r"a\$b"),)


def test_backslash_parens_before_escapes():
    assert para(r"so \(\frac{a}{b}\) and \[x\] here") == (
        Text("so "),
        MathInline(r"\frac{a}{b}"),
        Text(" and "),
        MathInline("x", display=True),
        Text(" here"),
    )
    # an escaped backslash before ( is a backslash and a parenthesis
    assert para(r"\\(not math\\)") == (Text(r"\(not math\)"),)
    # \\ inside the formula does not end it
    assert para(r"\(a \\ b\)") == (MathInline(r"a \\ b"),)


@pytest.mark.parametrize(
    "text",
    [
        "$$\n\\sum_{i=1}^n i\n$$",
        "$$\\sum_{i=1}^n i$$",
        "\\[\n\\sum_{i=1}^n i\n\\]",
        "\\[\\sum_{i=1}^n i\\]",
    ],
)
def test_display_math_is_a_block(text):
    assert parse_block(text).blocks == (MathBlock(r"\sum_{i=1}^n i"),)


def test_display_math_lines_are_not_markdown():
    doc = parse_block("\\[\n- x\n| a | b\n1. y\n\\]")
    assert doc.blocks == (MathBlock("- x\n| a | b\n1. y"),)


def test_display_math_inside_a_paragraph():
    assert para("so $$x=1$$ holds") == (
        Text("so "),
        MathInline("x=1", display=True),
        Text(" holds"),
    )


def test_math_off():
    assert para("$x$ and \\(y\\)", math=False) == (Text("$x$ and (y)"),)


def test_math_in_code_is_code():
    assert para("`$x$`") == (Code("$x$"),)


# --- cloze blanks -----------------------------------------------------------------------


def test_blanks_become_nodes():
    doc = parse_block("The capital of **France** is [[Paris|paris]].", blanks=True)
    assert doc.blocks == (
        Paragraph(
            (Text("The capital of "), Strong((Text("France"),)), Text(" is "), Blank(0), Text("."))
        ),
    )
    assert doc.blanks == ("Paris|paris",)


def test_blank_with_pipe_in_a_table_cell():
    doc = parse_block(
        "| word | plural |\n|---|---|\n| mouse | [[mice|mouses]] |\n| *ox* | [[oxen]] |",
        blanks=True,
    )
    table = doc.blocks[0]
    assert table.rows == (((Text("mouse"),), (Blank(0),)), ((Emph((Text("ox"),)),), (Blank(1),)))
    assert doc.blanks == ("mice|mouses", "oxen")


def test_blank_content_is_not_markdown():
    doc = parse_block("a [[*x*]] b [[`y`]]", blanks=True)
    assert doc.blocks[0].children == (Text("a "), Blank(0), Text(" b "), Blank(1))
    assert doc.blanks == ("*x*", "`y`")


def test_blank_in_inline_code_and_emphasis():
    doc = parse_block("`print([[x]])` and *[[y]]*", blanks=True)
    assert doc.blocks[0].children == (
        Code("print("),
        Blank(0),
        Code(")"),
        Text(" and "),
        Emph((Blank(1),)),
    )


@pytest.mark.parametrize(
    "text",
    [
        "$x = [[2]]$",
        "\\(x = [[2]]\\)",
        "$$\nx=[[2]]\n$$",
        "\\[x=[[2]]\\]",
    ],
)
def test_blank_inside_math_is_an_error(text):
    with pytest.raises(RichTextError, match="inside a formula"):
        parse_block(text, blanks=True)


def test_blank_inside_code_block_or_link_target_is_an_error():
    with pytest.raises(RichTextError, match="code block"):
        parse_block("```\nx = [[1]]\n```", blanks=True)
    with pytest.raises(RichTextError, match="link target"):
        parse_block("[a](http://x/[[1]])", blanks=True)


def test_an_answer_may_end_with_a_bracket():
    doc = parse_block("x in [[[0, 1]]] and [[a]] [[b]]]", blanks=True)
    assert doc.blanks == ("[0, 1]", "a", "b]")


def test_without_blanks_brackets_are_text():
    assert para("a [[b]] c") == (Text("a [[b]] c"),)


def test_noncharacters_cannot_fake_a_blank():
    doc = parse_block("a \ufdd00\ufdd1 b &#xFDD0;0&#xFDD1;", blanks=True)
    assert not any(isinstance(n, Blank) for n in doc.blocks[0].children)


# --- HTML -------------------------------------------------------------------------------


def test_allowed_html_tags_become_nodes():
    assert para("H<sub>2</sub>O, cm<sup>3</sup>, <b>b</b> <i>i</i> <u>u</u> <s>s</s>a<br>b") == (
        Text("H"),
        Sub((Text("2"),)),
        Text("O, cm"),
        Sup((Text("3"),)),
        Text(", "),
        Strong((Text("b"),)),
        Text(" "),
        Emph((Text("i"),)),
        Text(" "),
        Underline((Text("u"),)),
        Text(" "),
        Strike((Text("s"),)),
        Text("a"),
        HARD_BREAK,
        Text("b"),
    )


@pytest.mark.parametrize(
    "text",
    [
        "<script>alert(1)</script>",
        "<img src=x onerror=alert(1)>",
        '<a href="javascript:alert(1)">x</a>',
        '<b onclick="alert(1)">x</b>',
        "<sub>never closed",
        "<div>\n<script>alert(1)</script>\n</div>",
        "<iframe src=//evil></iframe>",
    ],
)
def test_other_html_is_literal_text(text):
    doc = parse_block(text)
    assert all(
        isinstance(node, Text) or node == SOFT_BREAK
        for block in doc.blocks
        for node in block.children
    ), doc
    assert "<" in plain_text(doc)


def test_html_comments_are_dropped():
    assert para("a <!-- note to self --> b") == (Text("a  b"),)
    assert parse_block("<!--\nhidden\n-->").blocks == ()


def test_javascript_links_are_not_links():
    assert para("[x](javascript:alert(1))") == (Text("[x](javascript:alert(1))"),)


# --- plain text and caching -------------------------------------------------------------


def test_plain_text():
    doc = parse_block("# T\n\n**a** $x^2$ ![pic](p.png) [[b]]\n\n- c\n- d", blanks=True)
    assert plain_text(doc) == "T\n\na x^2 pic _____\n\nc\nd"
    assert plain_text(doc, blank=lambda i: f"({i + 1})") == "T\n\na x^2 pic (1)\n\nc\nd"


def test_parsing_the_same_text_twice_does_the_work_once():
    cache_clear()
    text = "A **bold** question with $\\frac{1}{2}$."
    first = parse_block(text)
    info = _parse.cache_info()
    assert (info.hits, info.misses) == (0, 1)
    assert parse_block(text) is first
    assert _parse.cache_info().hits == 1
    parse_inline(text)  # another kind of text is another entry
    assert _parse.cache_info().misses == 2


def test_trees_are_immutable():
    doc = parse_block("x")
    assert isinstance(doc, Document)
    with pytest.raises(AttributeError):
        doc.blocks[0].children = ()


@pytest.mark.parametrize(
    "text",
    ["$H_0$ is true with probability 2", "$x$ 5", "$a + b$ costs 3"],
)
def test_a_formula_opening_the_text_is_math_whatever_the_text_ends_with(text):
    # dollarmath read the character "before" an opening $ at position 0 as the text's last
    # character, so a text ending in a digit lost its formula.
    (paragraph,) = parse_block(text).blocks
    assert isinstance(paragraph.children[0], MathInline)


@given(
    st.text(
        alphabet=st.sampled_from(
            list("abcXYZ019 .,;:-+=()?'\"/%°é\t\u00a0\u2003\x0b\x7f\u2028\ufeff*_$<>&#[]!|~{}\\`\n")
        ),
        max_size=20,
    ),
    st.booleans(),
)
@settings(max_examples=3000, deadline=None)
def test_the_fast_path_for_texts_without_syntax_agrees_with_the_parser(text, inline):
    # Texts with no Markdown at all (most texts of a randomised bank, which differ in every
    # version) skip markdown-it; what they give must be what the parser gives.
    from qbank.richtext.parse import _plain_paragraph

    fast = _plain_paragraph(text, inline)
    if fast is not None:
        assert fast == _parse(text, inline, False, True)


@given(st.text(alphabet=st.sampled_from(list("$$0159 -+.,ab\t")), max_size=16), st.booleans())
@settings(max_examples=3000, deadline=None)
def test_money_and_signed_numbers_take_the_fast_path_only_where_the_parser_agrees(text, inline):
    # The fast path takes a `$` followed by a digit as money and a leading `-5` as a
    # number; the parser must read exactly the same.
    from qbank.richtext.parse import _plain_paragraph

    fast = _plain_paragraph(text, inline)
    if fast is not None:
        assert fast == _parse(text, inline, False, True)


@pytest.mark.parametrize(
    "text",
    ["$19,000 is saved at 4.5% a year.", "A price goes from $12 to $15.", "-5 ÷ 2 = -2.5"],
)
def test_money_and_negative_numbers_skip_the_parser(text):
    from qbank.richtext.parse import _plain_paragraph

    assert _plain_paragraph(text, False) == _parse(text, False, False, True)
