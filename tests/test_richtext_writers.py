"""The writers over the tree: HTML (Moodle, Anki), Word fragments, terminal, plain text.

Hostile input is checked against every writer at once: whatever a bank holds, no writer
emits a script, an event attribute or a javascript: link.
"""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import etree

from qbank.richtext import (
    WordOptions,
    parse_block,
    parse_inline,
    plain_text,
    to_html,
    to_runs,
    to_terminal,
    to_wordml,
)
from qbank.richtext.omml import M_NS

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
R_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
NS = {"w": W_NS, "m": M_NS}


def word_tree(xml: str) -> etree._Element:
    """A fragment parsed in a body that binds the prefixes, as the package writer does."""
    return etree.fromstring(
        f'<w:body xmlns:w="{W_NS}" xmlns:r="{R_NS}" xmlns:m="{M_NS}">{xml}</w:body>'
    )


def html_tree(html: str) -> etree._Element:
    return etree.fromstring(f"<div>{html}</div>", etree.HTMLParser()).find(".//div")


# --- every writer ----------------------------------------------------------------------

HOSTILE = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    '<a href="javascript:alert(1)">click</a>',
    "[click](javascript:alert(1))",
    "[click](JaVaScRiPt:alert(1))",
    "[click](data:text/html;base64,PHNjcmlwdD4=)",
    "![x](javascript:alert(1))",
    '<b onmouseover="alert(1)">x</b>',
    "<div>\n<script>alert(1)</script>\n</div>",
    "<svg onload=alert(1)>",
    "<iframe src=javascript:alert(1)>",
    "<sub onclick=alert(1)>2</sub>",
]


def writers(doc):
    return {
        "html": to_html(doc),
        "word": to_wordml(doc).xml,
        "terminal": to_terminal(doc),
        "plain": plain_text(doc),
    }


@pytest.mark.parametrize("text", HOSTILE)
def test_hostile_html_is_neutralised_in_every_writer(text):
    doc = parse_block(text)
    out = writers(doc)
    html = html_tree(out["html"])
    assert not html.xpath(".//script | .//img | .//iframe | .//svg | .//a | .//div")
    assert not any(name.startswith("on") for el in html.iter() for name in el.attrib)
    assert "<script" not in out["html"] and "javascript:" not in " ".join(
        a for el in html.iter() for a in el.attrib.values()
    )
    body = word_tree(out["word"])  # well-formed, and only text runs
    assert not body.xpath(".//w:hyperlink | .//w:drawing", namespaces=NS)
    for name in ("terminal", "plain"):
        assert "\x1b" not in out[name]


def test_hostile_text_shows_as_text():
    doc = parse_block("<script>alert('x')</script> & <b>ok</b>")
    assert to_html(doc) == (
        "<p>&lt;script&gt;alert('x')&lt;/script&gt; &amp; <strong>ok</strong></p>"
    )
    assert plain_text(doc) == "<script>alert('x')</script> & ok"


def test_terminal_control_sequences_are_removed():
    doc = parse_block("red \x1b[31mtext\x1b[0m \x9b2J")
    assert to_terminal(doc) == "red [31mtext[0m 2J"


def test_image_without_alt_never_reaches_a_writer():
    from qbank.richtext import RichTextError

    with pytest.raises(RichTextError):
        parse_inline("![](a.png)")


# --- HTML ------------------------------------------------------------------------------


def test_html_markdown_features():
    doc = parse_block(
        "**b** _i_ `c<d>` ~~s~~ H<sub>2</sub>O x<sup>2</sup> <u>u</u>\\\nnext\n\n"
        "- one\n- two\n\n3. three\n\n```\nif a < b:\n```\n\n> q\n\n---"
    )
    assert to_html(doc) == (
        "<p><strong>b</strong> <em>i</em> <code>c&lt;d&gt;</code> <del>s</del> "
        "H<sub>2</sub>O x<sup>2</sup> <u>u</u><br>next</p>\n"
        "<ul><li>one</li><li>two</li></ul>\n"
        '<ol start="3"><li>three</li></ol>\n'
        "<pre><code>if a &lt; b:</code></pre>\n"
        "<blockquote><p>q</p></blockquote>\n<hr>"
    )


def test_html_loose_list_keeps_paragraphs():
    assert to_html(parse_block("- a\n\n- b")) == "<ul><li><p>a</p></li><li><p>b</p></li></ul>"


def test_html_table():
    doc = parse_block("| a | b |\n|:-:|---|\n| $x<1$ | **2** |")
    assert to_html(doc) == (
        '<table><thead><tr><th style="text-align:center">a</th><th>b</th></tr></thead>'
        '<tbody><tr><td style="text-align:center">\\(x&lt;1\\)</td>'
        "<td><strong>2</strong></td></tr></tbody></table>"
    )


def test_html_math_delimiters_for_mathjax():
    doc = parse_block("Let $a<b$ and \\(\\frac{1}{2}\\), so $$x=1$$ and\n\n$$\\sum_i i$$")
    assert to_html(doc) == (
        "<p>Let \\(a&lt;b\\) and \\(\\frac{1}{2}\\), so \\[x=1\\] and</p>\n<p>\\[\\sum_i i\\]</p>"
    )


def test_html_text_that_looks_like_a_delimiter_is_not_typeset():
    doc = parse_block("written \\\\(x\\\\) and costs $$5 and `\\(y\\)`")
    html = to_html(doc)
    assert "\\(" not in html and "$$" not in html
    assert html_tree(html).xpath("string()") == "written \\(x\\) and costs $$5 and \\(y\\)"


def test_html_inline_document_has_no_paragraph():
    assert to_html(parse_inline("*a* $x$")) == "<em>a</em> \\(x\\)"


def test_html_links():
    doc = parse_block(
        '[a](https://x.org/?q=1&r="2") [b](mailto:t@x.org) [c](page.html) <http://y.org>'
    )
    assert to_html(doc) == (
        '<p><a href="https://x.org/?q=1&amp;r=%222%22" rel="noopener">a</a> '
        '<a href="mailto:t@x.org" rel="noopener">b</a> c '
        '<a href="http://y.org" rel="noopener">http://y.org</a></p>'
    )


def test_html_images_through_the_callers_function():
    doc = parse_block('![a "cat" & dog](pics/cat.png)')
    assert to_html(doc, image_src=lambda src: "@@PLUGINFILE@@/" + src.split("/")[-1]) == (
        '<p><img src="@@PLUGINFILE@@/cat.png" alt="a &quot;cat&quot; &amp; dog"></p>'
    )
    # a function that gives back a script URL gets the alt text instead
    assert to_html(doc, image_src=lambda src: "javascript:alert(1)") == (
        "<p>a &quot;cat&quot; &amp; dog</p>"
    )


def test_html_blanks_and_escape_from_the_caller():
    doc = parse_block("{{c1::x}} [sound:a.mp3] $\\frac{a}{b}$ [[answer]]", blanks=True)

    def anki_escape(text):
        return (
            text.replace("&", "&amp;")
            .replace("<", "&lt;")
            .replace(">", "&gt;")
            .replace('"', "&quot;")
            .replace("{", "&#123;")
            .replace("}", "&#125;")
            .replace("[", "&#91;")
        )

    html = to_html(doc, blank=lambda i: f"{{{{c{i + 1}::answer}}}}", escape=anki_escape)
    assert html == (
        "<p>&#123;&#123;c1::x&#125;&#125; &#91;sound:a.mp3] "
        "\\(\\frac&#123;a&#125;&#123;b&#125;\\) {{c1::answer}}</p>"
    )


# --- Word ------------------------------------------------------------------------------


def test_word_runs_carry_formatting():
    body = word_tree(
        to_wordml(
            parse_block("**b** _i_ ~~s~~ `c` <u>u</u> H<sub>2</sub>O x<sup>3</sup> ***bi***")
        ).xml
    )
    runs = {r.xpath("string(w:t)", namespaces=NS): r for r in body.iterfind(".//w:r", NS)}

    def props(text):
        rpr = runs[text].find("w:rPr", NS)
        return [
            etree.QName(c).localname + (c.get(f"{{{W_NS}}}val") or "")
            for c in (rpr if rpr is not None else [])
        ]

    assert props("b") == ["b", "bCs"]
    assert props("i") == ["i", "iCs"]
    assert props("s") == ["strike"]
    assert (
        props("c") == ["rFonts"]
        and runs["c"].find("w:rPr/w:rFonts", NS).get(f"{{{W_NS}}}ascii") == "Courier New"
    )
    assert props("u") == ["usingle"]
    assert props("2") == ["vertAlignsubscript"]
    assert props("3") == ["vertAlignsuperscript"]
    assert props("bi") == ["b", "bCs", "i", "iCs"]


def test_word_math_inline_and_display():
    body = word_tree(
        to_wordml(parse_block("Here $x^2$ and\n\n$$\\frac{1}{2}$$\n\nthen $$y$$ in a line.")).xml
    )
    paragraphs = body.findall("w:p", NS)
    assert len(paragraphs) == 5  # the third paragraph is split around its display formula
    assert paragraphs[0].find("m:oMath/m:sSup", NS) is not None
    assert paragraphs[1].find("m:oMathPara/m:oMath/m:f", NS) is not None
    assert paragraphs[2].xpath("string()", namespaces=NS) == "then "
    assert paragraphs[3].find("m:oMathPara", NS) is not None
    assert paragraphs[4].xpath("string()", namespaces=NS) == " in a line."


def test_word_formula_that_cannot_be_converted_is_shown_as_source_with_a_warning():
    fragment = to_wordml(parse_block("Bad $\\frac{1}{$ and $\\notacommand x$ and $y$."))
    body = word_tree(fragment.xml)
    code = [
        r.xpath("string(w:t)", namespaces=NS)
        for r in body.iterfind(".//w:r", NS)
        if r.find("w:rPr/w:rFonts", NS) is not None
    ]
    assert code == ["\\frac{1}{", "\\notacommand x"]
    assert len(fragment.warnings) == 2
    assert "\\frac{1}{" in fragment.warnings[0] and "LaTeX source" in fragment.warnings[0]
    assert "unknown command \\notacommand" in fragment.warnings[1]
    assert body.find(".//m:oMath", NS) is not None  # y still is an equation


def test_word_lists_are_prefixed_paragraphs_with_hanging_indents():
    body = word_tree(
        to_wordml(parse_block("- a\n  - b\n\n5. five\n6. six"), WordOptions(indent=100)).xml
    )
    lines = [
        (p.xpath("string()"), p.find("w:pPr/w:ind", NS).get(f"{{{W_NS}}}left"))
        for p in body.iterfind("w:p", NS)
    ]
    assert lines == [("•a", "460"), ("◦b", "820"), ("5.five", "460"), ("6.six", "460")]
    assert all(p.find("w:r/w:tab", NS) is not None for p in body.iterfind("w:p", NS))
    ind = body.find("w:p/w:pPr/w:ind", NS)
    assert ind.get(f"{{{W_NS}}}hanging") == "360"


def test_word_table_uses_the_callers_style_and_alignment():
    fragment = to_wordml(
        parse_block("| a | b |\n|---|--:|\n| 1 | 2 |\n\n| c |\n|---|\n| 3 |"),
        WordOptions(table_style="TableGrid", width=6000),
    )
    body = word_tree(fragment.xml)
    tables = body.findall("w:tbl", NS)
    assert len(tables) == 2
    assert [c.tag for c in body][1] == f"{{{W_NS}}}p"  # tables apart, or Word joins them
    first = tables[0]
    assert first.find("w:tblPr/w:tblStyle", NS).get(f"{{{W_NS}}}val") == "TableGrid"
    assert [g.get(f"{{{W_NS}}}w") for g in first.iterfind("w:tblGrid/w:gridCol", NS)] == [
        "3000",
        "3000",
    ]
    header = first.find("w:tr", NS)
    assert header.find("w:trPr/w:tblHeader", NS) is not None
    assert header.find(".//w:r/w:rPr/w:b", NS) is not None
    cells = first.findall("w:tr", NS)[1].findall("w:tc", NS)
    assert cells[1].find("w:p/w:pPr/w:jc", NS).get(f"{{{W_NS}}}val") == "right"


def test_word_code_block_keeps_lines():
    body = word_tree(to_wordml(parse_block("```\na = 1\n  b = 2\n```")).xml)
    paragraph = body.find("w:p", NS)
    assert [t.text for t in paragraph.iterfind(".//w:t", NS)] == ["a = 1", "  b = 2"]
    assert paragraph.find(".//w:br", NS) is not None
    assert paragraph.find("w:pPr/w:shd", NS) is not None
    body = word_tree(to_wordml(parse_block("```\nx\n```"), WordOptions(code_style="Code")).xml)
    assert body.find("w:p/w:pPr/w:pStyle", NS).get(f"{{{W_NS}}}val") == "Code"


def test_word_images_blanks_and_links_through_callbacks():
    doc = parse_block(
        "![a graph](g.png) [[x]] [site](https://x.org) [mail](mailto:a@b.c)", blanks=True
    )
    fragment = to_wordml(
        doc,
        WordOptions(
            image=lambda src, alt, room: f"<w:r><w:t>IMG {src} {alt} {room}</w:t></w:r>",
            blank=lambda i: f"<w:r><w:t>BLANK {i}</w:t></w:r>",
            hyperlink=lambda href: "rId7" if href.startswith("https") else None,
        ),
    )
    body = word_tree(fragment.xml)
    assert body.xpath("string()") == "IMG g.png a graph 9026 BLANK 0 site mail (a@b.c)"
    link = body.find(".//w:hyperlink", NS)
    assert link.get(f"{{{R_NS}}}id") == "rId7"
    # without callbacks: the alt text (with a warning), underscores, the address on paper
    fragment = to_wordml(doc)
    assert word_tree(fragment.xml).xpath("string()") == (
        "[a graph] __________ site (https://x.org) mail (a@b.c)"
    )
    assert fragment.warnings == ("the image 'g.png' is shown as its description here",)


def test_word_runs_of_an_inline_text():
    fragment = to_runs(parse_inline("**A** $\\alpha$ and $$x$$"))
    body = word_tree(f"<w:p>{fragment.xml}</w:p>")
    p = body.find("w:p", NS)
    assert [etree.QName(c).localname for c in p] == ["r", "r", "oMath", "r", "oMath"]


def test_word_right_to_left_paragraph():
    body = word_tree(to_wordml(parse_block("مرحبا **بالعالم**")).xml)
    assert body.find("w:p/w:pPr/w:bidi", NS) is not None


def test_word_text_is_escaped():
    body = word_tree(to_wordml(parse_block('a < b & c > "d"')).xml)
    assert body.xpath("string()") == 'a < b & c > "d"'


# --- terminal --------------------------------------------------------------------------


def test_terminal_preview():
    doc = parse_block(
        "# Title\n\nSome **bold** $x^2$ [site](https://x.org) ![a cat](c.png) [[b]] "
        "~~old~~ cm<sup>3</sup> `code`\n\n1. one\n   - inner\n2. two\n\n"
        "| name | n |\n|:--|--:|\n| alpha | 1 |\n| b | 22 |\n\n    code\n\n> quote\n\n"
        "$$\\frac{1}{2}$$",
        blanks=True,
    )
    assert to_terminal(doc, blank=lambda i: f"({i + 1}) ____") == (
        "Title\n\n"
        "Some bold \\(x^2\\) site <https://x.org> [image: a cat] (1) ____ ~~old~~ cm^3 "
        "`code`\n\n"
        "1. one\n   - inner\n2. two\n\n"
        "name  |  n\n------+---\nalpha |  1\nb     | 22\n\n"
        "    code\n\n> quote\n\n\\[\\frac{1}{2}\\]"
    )


def test_terminal_wraps_paragraphs_and_list_items():
    doc = parse_block("- " + "word " * 12)
    assert to_terminal(doc, width=30) == (
        "- word word word word word\n  word word word word word\n  word word"
    )


def test_terminal_aligns_wide_characters():
    doc = parse_block("| 名前 | x |\n|---|---|\n| ab | 1 |")
    assert to_terminal(doc).split("\n") == ["名前 | x", "-----+--", "ab   | 1"]


def test_plain_text_of_an_inline_document():
    assert plain_text(parse_inline("**A** \\(\\alpha\\) `c`")) == "A \\alpha c"
    assert re.fullmatch(r"\s*", plain_text(parse_block(""))) is not None


@given(
    st.text(
        alphabet=st.sampled_from(list("ab09 .,-+$%{}<>&\"'\t\x01\u00a0\u05d0\u0627*_\n")),
        max_size=16,
    ),
    st.sampled_from([None, "Question", "a&b"]),
    st.sampled_from([0, 360]),
)
@settings(max_examples=2000, deadline=None)
def test_a_text_without_markdown_gets_the_paragraph_its_tree_gives(text, style, indent):
    # Word's RichText writes texts without any syntax without their tree: the XML must be
    # the tree's, right-to-left paragraphs included.
    from qbank.richtext import plain_words
    from qbank.richtext.wordml import plain_paragraph_wordml

    words = plain_words(text)
    if words is not None:
        options = WordOptions(paragraph_style=style, indent=indent)
        tree = to_wordml(parse_block(text), options)
        assert plain_paragraph_wordml(words, style=style, indent=indent) == tree.xml
        assert tree.warnings == ()


@given(st.text(alphabet=st.sampled_from(list("ab09 .,-+$%{}<>&\"'\t\x01\u05d0*_")), max_size=16))
@settings(max_examples=1000, deadline=None)
def test_an_inline_text_without_markdown_is_one_plain_run(text):
    from qbank.richtext import plain_words
    from qbank.richtext.wordml import text_run

    words = plain_words(text)
    if words is not None:
        assert text_run(words) == to_runs(parse_inline(text)).xml


@given(
    st.text(alphabet=st.sampled_from(list("ab09 .,-+$%{}<>&\"'\t\x01\u05d0*_")), max_size=16),
    st.booleans(),
)
@settings(max_examples=1000, deadline=None)
def test_plain_html_is_what_to_html_writes_for_a_text_without_markdown(text, inline):
    from qbank.richtext import plain_words
    from qbank.richtext.html import plain_html

    words = plain_words(text)
    if words is not None:
        doc = parse_inline(text) if inline else parse_block(text)
        assert plain_html(words, inline=inline) == to_html(doc)
