"""Moodle XML with rich text: Markdown as HTML, math for Moodle's MathJax, embedded images.

One bank with every feature (inline and display math, money, a table, code, lists, images
in every kind of text, a cloze blank next to a formula, hostile HTML) is exported, parsed
back with lxml and checked question by question, text by text: math is ``\\(…\\)`` or
``\\[…\\]`` and no ``$…$`` is left (money stays), every ``@@PLUGINFILE@@`` image has its
``<file>`` in the same element with the image's bytes, and hostile HTML is only text.
"""

from __future__ import annotations

import base64
import html
import io
import re
import shutil
from dataclasses import replace
from urllib.parse import unquote

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import etree
from lxml import html as lxml_html

from conftest import FIXTURES, bank_from_text, solid_png
from qbank.errors import QbankError
from qbank.exporters import ExportOptions
from qbank.exporters.moodle import write_moodle_xml
from qbank.exporters.moodle.calculated import Translator, translate_template
from qbank.exporters.moodle.markup import TextRenderer
from qbank.exporters.moodle.writer import MoodleFile
from qbank.generator import generate
from qbank.model import ImageFile
from qbank.pipeline import run
from test_moodle import field, moodle_extract_cloze, moodle_substitute, read_moodle

png = solid_png


RED, BLUE = png(3, 2, (255, 0, 0)), png(2, 4, (0, 0, 255))
MEDIA = {
    "dot.png": ImageFile("dot.png", "5e1f9a.png", RED, "image/png", 3, 2),
    # A file name that needs URL-encoding in the src (content-hash names never do).
    "plots/blue bar.png": ImageFile(
        "plots/blue bar.png", "blue bar#1.png", BLUE, "image/png", 2, 4
    ),
}

BANK = r"""
id: rich
title: Rich text in Moodle
questions:
  - id: speed
    type: numerical
    title: Speed
    params:
      d: {min: 10, max: 90, step: 10}
      t: {choices: [2, 4, 5]}
    text: |
      A car travels {{ d }} km in {{ t }} h. Its speed is $v = \frac{d}{t}$,
      and the fare is $30 (it costs $0.002 per request and $400 per month).

      $$v = \frac{ {{ d }} }{ {{ t }} }\ \mathrm{km/h}$$

      ![a red dot](dot.png)

      | quantity | value |
      |---:|:---|
      | $d$ | {{ d }} km |
      | $t$ | {{ t }} h |
    answer: d / t
    unit: km/h
    solution: |
      Divide: $v = {{ d }} / {{ t }}$, see ![a blue bar](<plots/blue bar.png>)

      1. read **d**
      2. read _t_
      3. divide

      ```
      v = d / t   # not $math$ here
      ```
  - id: plain-speed
    type: numerical
    title: Plain speed
    params:
      d: {min: 10, max: 90, step: 10}
    text: "{{ d }} km in 2 h: $v = \\frac{ {{ d }} }{2}$?"
    answer: d / 2
  - id: pick
    type: multichoice
    text: >-
      Which is $\sqrt{2}$? <script>alert(1)</script> <img src=x onerror=alert(1)>
      [click](javascript:alert(1)) <a href="javascript:alert(2)">two</a>
      ![an image that was not loaded](missing.png)
    choices:
      - text: "$1.414\\ldots$ ![a red dot](dot.png)"
        correct: true
        feedback: "Yes: $\\sqrt{2} \\approx 1.414$ ![a blue bar](<plots/blue bar.png>)"
      - text: "**two** <b onclick=alert(3)>x</b>"
        feedback: No, [see this](https://example.org/roots) and \(2^{1/2}\).
  - id: tf
    type: truefalse
    text: |
      Is $e^{i\pi} = -1$?

      هل هذا صحيح؟
    answer: true
    feedback_true: Right, \[e^{i\pi} + 1 = 0\]
    feedback_false: "No: $e^{i\\pi} + 1 = 0$."
  - id: fill
    type: cloze
    text: |
      The square of $x = 2$ is [[4]], and $\{a\}$ is a set.
      The text {1:SHORTANSWER:=trap} and {{ '{#1}' }} stay text; $y$ [[{y}|y]] ![a red dot](dot.png)
  - id: match
    type: matching
    text: Match each formula.
    pairs:
      - ["$x^2$", "the **square** of $x$ ![a red dot](dot.png)"]
      - ["$\\sqrt{x}$", "the root of $x$"]
      - ["_x_ & <y>", "x itself"]
  - id: order
    type: ordering
    text: Order them.
    items: ["$1$", "**2** ![a blue bar](<plots/blue bar.png>)", "`3`"]
  - id: essay
    type: essay
    text: Explain $E = mc^2$.
    answer: |
      - Reason 1 ![a red dot](dot.png)
      - Reason 2 with $E = mc^2$
"""

#: The questions whose texts hold a formula somewhere.
WITH_MATH = {"speed", "plain-speed", "pick", "tf", "fill", "match", "order", "essay"}
#: Pandoc's tex_math_dollars: what a reader would still take for a formula in dollars.
DOLLAR_MATH = re.compile(r"\$\$.+?\$\$|\$(?=\S)[^$]*?(?<=\S)\$(?!\d)", re.S)


def export(calculated: bool = False, *, stencil: bool = True, bank: str = BANK) -> bytes:
    generated = replace(generate(bank_from_text(bank), 3, 11), media=MEDIA)
    buffer = io.BytesIO()
    warnings: list[str] = []
    with pytest.MonkeyPatch.context() as mp:
        if not stencil:
            mp.setattr(MoodleFile, "stencil", lambda self, question: None)
        write_moodle_xml(generated, buffer, calculated=calculated, warn=warnings.append)
    assert not [w for w in warnings if "calculated" in w]
    return buffer.getvalue()


@pytest.fixture(scope="module")
def questions() -> dict[str, list[etree._Element]]:
    """Each question's elements (one per variant), by question id."""
    out: dict[str, list[etree._Element]] = {}
    for _, idnumber, element in read_moodle(export()):
        out.setdefault(idnumber.split(":")[1], []).append(element)
    return out


def html_texts(element: etree._Element) -> list[tuple[etree._Element, str]]:
    """Every HTML text of a question: (the element holding it, its HTML)."""
    return [
        (holder, field(holder, "text"))
        for holder in element.iter()
        if holder.get("format") == "html" and holder.find("text") is not None
    ]


def fragment(text: str) -> lxml_html.HtmlElement:
    return lxml_html.fragment_fromstring(text, create_parent="div")


def mathjax_sees(text: str) -> str:
    """The page's text as MathJax reads it: entities decoded by the browser, no tags."""
    return fragment(text).text_content() if text.strip() else ""


def outside_code(text: str) -> str:
    root = fragment(text)
    for code in root.xpath(".//code"):
        code.drop_tree()
    return root.text_content()


# --- the file -------------------------------------------------------------------------------


def test_every_question_is_in_the_file(questions):
    assert {q: len(e) for q, e in questions.items()} == {
        "speed": 3,
        "plain-speed": 3,
        "pick": 1,
        "tf": 1,
        "fill": 1,
        "match": 1,
        "order": 1,
        "essay": 1,
    }


# --- math -----------------------------------------------------------------------------------


@pytest.mark.parametrize("calculated", [False, True], ids=["variants", "calculated"])
def test_math_is_for_mathjax_and_no_dollar_formula_is_left(calculated):
    for _, idnumber, element in read_moodle(export(calculated)):
        question = idnumber.split(":")[1]
        texts = [text for _, text in html_texts(element)]
        if question in WITH_MATH:
            assert any("\\(" in t or "\\[" in t for t in texts), question
        for text in texts:
            left = DOLLAR_MATH.findall(outside_code(text))
            assert not left, (question, left, text)


def test_money_stays_text_and_code_keeps_its_dollars(questions):
    for element in questions["speed"]:
        text = mathjax_sees(field(element, "questiontext/text"))
        assert "the fare is $30 (it costs $0.002 per request and $400 per month)" in " ".join(
            text.split()
        )
        feedback = fragment(field(element, "generalfeedback/text"))
        assert [c.text for c in feedback.iter("code")] == ["v = d / t   # not $math$ here"]


def test_formulas_reach_mathjax_with_their_braces(questions):
    """``{`` is written ``&#123;`` (Moodle's cloze and calculated types read ``{…}``, and
    its MathJax filter escapes tags between braces); the browser decodes it before MathJax
    reads the page, so MathJax gets the formula as written."""
    element = questions["speed"][0]
    raw = field(element, "questiontext/text")
    assert "{" not in raw and "\\frac&#123;d}&#123;t}" in raw
    seen = mathjax_sees(raw)
    assert "\\(v = \\frac{d}{t}\\)" in seen
    assert re.search(r"\\\[v = \\frac\{ \d+ \}\{ \d \}\\ \\mathrm\{km/h\}\\\]", seen)
    tf = questions["tf"][0]
    assert "\\(e^{i\\pi} = -1\\)" in mathjax_sees(field(tf, "questiontext/text"))
    feedbacks = [mathjax_sees(field(a, "feedback/text")) for a in tf.findall("answer")]
    assert feedbacks == ["Right, \\[e^{i\\pi} + 1 = 0\\]", "No: \\(e^{i\\pi} + 1 = 0\\)."]


def test_math_off_keeps_dollars_as_text():
    bank = BANK.replace("title: Rich text in Moodle", "title: Plain\nmath: off")
    xml = export(bank=bank)
    element = next(e for _, i, e in read_moodle(xml) if i == "rich:tf")
    text = field(element, "questiontext/text")
    assert "\\(" not in text and "$e^&#123;i\\pi} = -1$" in text


# --- Markdown -------------------------------------------------------------------------------


def test_markdown_becomes_html(questions):
    speed = questions["speed"][0]
    text = field(speed, "questiontext/text")
    # A single newline is a soft break (no <br>); a blank line starts a paragraph.
    assert "<br" not in text and "\\),\nand the fare" in text
    root = fragment(text)
    assert [p.tag for p in root] == ["p", "p", "p", "table"]
    assert root[3].get("class") == "table table-bordered table-sm w-auto"  # Moodle's theme
    assert len(list(root.iter("td"))) == 4 and "\\(d\\)" in root.find(".//td").text_content()
    assert [td.get("style") for td in root.iter("th")] == ["text-align:right", "text-align:left"]
    feedback = fragment(field(speed, "generalfeedback/text"))
    assert [li.text_content() for li in feedback.iter("li")] == ["read d", "read t", "divide"]
    assert [e.tag for e in feedback.iter("strong", "em", "ol", "pre")] == [
        "ol",
        "strong",
        "em",
        "pre",
    ]
    essay = fragment(field(questions["essay"][0], "graderinfo/text"))
    assert [li.text_content().strip() for li in essay.iter("li")] == [
        "Reason 1",
        "Reason 2 with \\(E = mc^2\\)",
    ]


def test_right_to_left_paragraphs_get_dir_auto(questions):
    root = fragment(field(questions["tf"][0], "questiontext/text"))
    assert [(p.get("dir"), p.text_content()) for p in root] == [
        ("auto", "Is \\(e^{i\\pi} = -1\\)?"),
        ("auto", "هل هذا صحيح؟"),
    ]


def test_inline_texts_have_no_paragraphs(questions):
    pick = questions["pick"][0]
    choices = [field(a, "text") for a in pick.findall("answer")]
    assert [a.get("format") for a in pick.findall("answer")] == ["html", "html"]
    assert choices[0].startswith("\\(1.414\\ldots\\) <img ")
    assert choices[1].startswith("<strong>two</strong> ")
    items = [field(a, "text") for a in questions["order"][0].findall("answer")]
    assert items[0] == "\\(1\\)" and items[2] == "<code>3</code>"
    subquestions = [field(s, "text") for s in questions["match"][0].findall("subquestion")]
    assert subquestions[1:] == ["the root of \\(x\\)", "x itself"]


def test_matching_terms_are_plain_text(questions):
    """Moodle imports a matching question's choices as plain text and shows them in a
    drop-down menu (format_string), where neither HTML nor MathJax works."""
    element = questions["match"][0]
    answers = [s.find("answer") for s in element.findall("subquestion")]
    assert [a.get("format") for a in answers] == [None] * 3
    assert [field(a, "text") for a in answers] == ["x^2", "\\sqrt{x}", "x & <y>"]


# --- cloze ----------------------------------------------------------------------------------


def test_cloze_blank_next_to_math_and_literal_braces(questions):
    text = field(questions["fill"][0], "questiontext/text")
    rest, blanks = moodle_extract_cloze(text)
    assert [b["answers"] for b in blanks] == [["4"], ["{y}", "y"]]
    seen = mathjax_sees(rest)
    assert "The square of \\(x = 2\\) is {#1}, and \\(\\{a\\}\\) is a set." in seen
    # The teacher's own {…} stayed text: no blank, no placeholder.
    assert "The text {1:SHORTANSWER:=trap} and {#1} stay text; \\(y\\) {#2}" in seen
    assert seen.count("{#1}") == 2  # Moodle's placeholder, and the teacher's text


# --- images ---------------------------------------------------------------------------------


@pytest.mark.parametrize("stencil", [True, False], ids=["stencil", "trees"])
def test_every_image_is_embedded_in_the_text_that_shows_it(stencil):
    by_name = {image.name: image.data for image in MEDIA.values()}
    shown: dict[str, int] = {}
    for _, idnumber, element in read_moodle(export(stencil=stencil)):
        for holder, text in html_texts(element):
            files = {f.get("name"): f for f in holder.findall("file")}
            sources = [img.get("src") for img in fragment(text).iter("img")] if text else []
            names = []
            for src in sources:
                assert src.startswith("@@PLUGINFILE@@/"), src
                name = unquote(src.removeprefix("@@PLUGINFILE@@/"))
                assert name in files, (idnumber, holder.tag, name)
                names.append(name)
                shown[holder.tag] = shown.get(holder.tag, 0) + 1
            assert sorted(files) == sorted(set(names)), (idnumber, holder.tag)
            for name, file in files.items():
                assert file.get("path") == "/" and file.get("encoding") == "base64"
                assert base64.b64decode(file.text, validate=True) == by_name[name]
    # questiontext: speed x3, fill, match? no (definitions); feedback: pick's choice.
    assert shown == {
        "questiontext": 3 + 1,
        "generalfeedback": 3,
        "answer": 2,
        "feedback": 1,
        "subquestion": 1,
        "graderinfo": 1,
    }


def test_image_names_are_url_encoded_in_the_src(questions):
    text = field(questions["speed"][0], "generalfeedback/text")
    assert '<img src="@@PLUGINFILE@@/blue%20bar%231.png" alt="a blue bar">' in text
    (file,) = questions["speed"][0].find("generalfeedback").findall("file")
    assert file.get("name") == "blue bar#1.png"


def test_an_image_not_loaded_shows_its_alt_text(questions):
    text = field(questions["pick"][0], "questiontext/text")
    assert "an image that was not loaded" in mathjax_sees(text)
    assert "missing.png" not in text and questions["pick"][0].find("questiontext/file") is None


def test_the_stencil_writes_the_same_bytes_as_trees_with_images():
    assert export(stencil=True) == export(stencil=False)
    assert export(True, stencil=True) == export(True, stencil=False)


# --- hostile HTML ---------------------------------------------------------------------------


@pytest.mark.parametrize("calculated", [False, True], ids=["variants", "calculated"])
def test_hostile_html_is_only_ever_text(calculated):
    for _, idnumber, element in read_moodle(export(calculated)):
        for _, text in html_texts(element):
            if not text:
                continue
            root = fragment(text)
            for node in root.iter():
                assert node.tag not in ("script", "iframe", "object", "style"), idnumber
                for attribute, value in node.attrib.items():
                    assert not attribute.startswith("on"), (idnumber, attribute)
                    assert "javascript:" not in value.lower(), (idnumber, value)
                    if attribute == "href":
                        assert value.startswith(("https://", "http://", "mailto:"))
    pick = next(e for _, i, e in read_moodle(export(calculated)) if i == "rich:pick")
    seen = mathjax_sees(field(pick, "questiontext/text"))
    assert "<script>alert(1)</script>" in seen  # shown as written
    assert "<img src=x onerror=alert(1)>" in seen
    assert '<a href="javascript:alert(2)">two</a>' in seen
    link = fragment(field(pick.findall("answer")[1], "feedback/text")).find(".//a")
    assert link.get("href") == "https://example.org/roots" and link.text == "see this"
    assert "<b onclick=alert(3)>x</b>" in html.unescape(field(pick.findall("answer")[1], "text"))


# --- calculated -----------------------------------------------------------------------------


def test_calculated_wildcards_work_inside_formulas():
    xml = export(calculated=True)
    elements = {i: e for _, i, e in read_moodle(xml)}
    for question in ("rich:speed", "rich:plain-speed"):
        assert elements[question].get("type") == "calculated"
    element = elements["rich:speed"]
    text = field(element, "questiontext/text")
    assert "\\[v = \\frac&#123; {d} }&#123; {t} }\\ \\mathrm&#123;km/h}\\]" in text
    assert "<img " in text and element.find("questiontext/file") is not None
    shown = mathjax_sees(moodle_substitute(text, {"d": "30", "t": "5"}))
    assert "\\[v = \\frac{ 30 }{ 5 }\\ \\mathrm{km/h}\\]" in shown
    assert "\\(v = \\frac{d}{t}\\)" in shown and "A car travels 30 km in 5 h." in shown
    feedback = field(element, "generalfeedback/text")
    assert "\\(v = {d} / {t}\\)" in feedback
    plain = field(elements["rich:plain-speed"], "questiontext/text")
    assert mathjax_sees(moodle_substitute(plain, {"d": "40"})) == (
        "40 km in 2 h: \\(v = \\frac{ 40 }{2}\\)?"
    )


def test_a_latex_group_around_a_value_is_a_group_around_a_wildcard():
    question = bank_from_text("""
id: f
title: F
questions:
  - {id: q, type: numerical, params: {a: {min: 1, max: 3}}, text: "{{ a }}", answer: a}
""").questions[0]
    segments = translate_template("$x^{{{ a }}} + y^{{{ a * 2 }}}$", Translator(question))
    assert segments == ["$x^", "{", "{a}", "}", " + y^", "{", "{=({a}*2)}", "}", "$"]
    texts = TextRenderer({}, math=True, clean=lambda text: text)
    html = texts.segments(segments).text
    assert html == "<p>\\(x^&#123;{a}} + y^&#123;{=({a}*2)}}\\)</p>"
    assert mathjax_sees(moodle_substitute(html, {"a": "3"})) == "\\(x^{3} + y^{6}\\)"


def test_a_value_in_a_link_target_falls_back_to_numerical_variants():
    bank = bank_from_text("""
id: link
title: Link
questions:
  - id: q
    type: numerical
    params: {a: {min: 1, max: 3}}
    text: "See [the table](https://example.org/t{{ a }}) for $x = {{ a }}$."
    answer: a
""")
    warnings: list[str] = []
    buffer = io.BytesIO()
    write_moodle_xml(generate(bank, 2, 1), buffer, calculated=True, warn=warnings.append)
    elements = [e for _, _, e in read_moodle(buffer.getvalue())]
    assert [e.get("type") for e in elements] == ["numerical", "numerical"]
    assert len(warnings) == 1 and "link" in warnings[0] and "'q'" in warnings[0]
    text = field(elements[0], "questiontext/text")
    assert re.fullmatch(
        r'<p>See <a href="https://example.org/t\d" rel="noopener">the table</a> for '
        r"\\\(x = \d\\\)\.</p>",
        text,
    )


def test_many_copies_of_an_image_warn_about_the_files_size(monkeypatch):
    monkeypatch.setattr("qbank.exporters.moodle.writer.LARGE_IMAGES", 1000)
    generated = replace(generate(bank_from_text(BANK), 3, 11), media=MEDIA)
    warnings: list[str] = []
    write_moodle_xml(generated, io.BytesIO(), warn=warnings.append)
    assert [w for w in warnings if "images take" in w] == [
        "Moodle XML: the images take 0 MB of the file, as each question (each variant) that "
        "shows an image holds its own copy; if Moodle refuses a file this large, draw fewer "
        "versions or use smaller images"
    ]
    warnings.clear()
    write_moodle_xml(replace(generated, media={}), io.BytesIO(), warn=warnings.append)
    assert not warnings


# --- the shared rich-text bank, through the whole pipeline -------------------------------------


@pytest.fixture(scope="module")
def rich_demo(tmp_path_factory) -> dict[bool, tuple[bytes, list[str]]]:
    """tests/fixtures/richtext through qbank's pipeline (templates, media), with and
    without --moodle-calculated: {calculated: (xml, warnings)}. While the pipeline cannot
    show images yet, the bank's image lines are left out."""
    folder = tmp_path_factory.mktemp("rich-demo")
    shutil.copytree(FIXTURES / "richtext", folder / "bank")
    path = folder / "bank" / "bank.yaml"
    out = {}
    for calculated in (False, True):
        options = ExportOptions.of(moodle_calculated=calculated)
        warnings: list[str] = []
        try:
            result = run(
                [path],
                count=3,
                seed=2,
                formats=["moodle"],
                out_dir=folder / "out",
                options=options,
                warn=warnings.append,
            )
        except QbankError as exc:
            if "cannot be shown yet" not in str(exc):
                raise
            path.write_text(re.sub(r"(?m)^ *!\[.*\n", "", path.read_text("utf-8")), "utf-8")
            result = run(
                [path],
                count=3,
                seed=2,
                formats=["moodle"],
                out_dir=folder / "out",
                options=options,
                warn=warnings.append,
            )
        (written,) = result.files
        out[calculated] = (written.read_bytes(), warnings)
    return out


@pytest.mark.parametrize("calculated", [False, True], ids=["variants", "calculated"])
def test_the_rich_demo_bank_in_moodle(rich_demo, calculated):
    xml, warnings = rich_demo[calculated]
    questions: dict[str, list[etree._Element]] = {}
    for _, idnumber, element in read_moodle(xml):
        questions.setdefault(idnumber.split(":")[1], []).append(element)
        for holder, text in html_texts(element):
            if not text:
                continue
            assert not DOLLAR_MATH.findall(outside_code(text)), text
            root = fragment(text)
            assert not [n for n in root.iter() if n.tag == "script" or "onerror" in n.attrib]
            for img in root.iter("img"):
                name = unquote(img.get("src").removeprefix("@@PLUGINFILE@@/"))
                assert holder.find(f"file[@name='{name}']") is not None
    math = {
        q for q, elements in questions.items() for _, t in html_texts(elements[0]) if "\\(" in t
    }
    assert math == {"quadratic", "series-matrix", "triangle", "greek", "hostile"}
    quadratic = mathjax_sees(field(questions["quadratic"][0], "questiontext/text"))
    assert "\\(x^{2}\\) too" in quadratic  # a {{{ }}} group
    assert re.search(r"\\\[x = \\frac\{-b \\pm \\sqrt\{b\^2 - 4ac\}\}\{2a\}\\\]", quadratic)
    prices = questions["prices"][0]
    assert "A pen costs $2 and a notebook costs $5." in mathjax_sees(
        field(prices, "questiontext/text")
    )
    assert [mathjax_sees(field(a, "text")) for a in prices.findall("answer")] == [
        "Pens are cheaper: $2 < $5",
        "Notebooks are cheaper",
    ]
    hostile = mathjax_sees(field(questions["hostile"][0], "questiontext/text"))
    assert "<script>alert(1)</script> <img src=x onerror=alert(2)>" in hostile
    _, blanks = moodle_extract_cloze(field(questions["greek"][0], "questiontext/text"))
    assert [b["answers"] for b in blanks] == [["alpha"], ["omega"]]
    if calculated:
        (series,) = questions["series-matrix"]
        assert series.get("type") == "calculated"
        shown = mathjax_sees(moodle_substitute(field(series, "questiontext/text"), {"n": "4"}))
        assert "\\(\\sum_{i=1}^{ 4 } i^2\\)" in shown
        assert "\\begin{pmatrix} 1 & 4 \\\\ 0 & 1 \\end{pmatrix}" in shown
        # 'sig' has no counterpart in Moodle's formulas: the variants are written instead.
        assert [w for w in warnings if "calculated" in w] == [
            w for w in warnings if "'quadratic'" in w and "sig" in w
        ]


@given(
    st.text(
        alphabet=st.sampled_from(list("ab09 .,-+$%{}<>&\"'\u05d0\u0627\t\x01\u00a0*_")),
        max_size=16,
    ),
    st.sampled_from(["block", "inline"]),
)
@settings(max_examples=2000, deadline=None)
def test_texts_without_markdown_get_the_html_the_tree_gives(text, role):
    # Texts without any syntax skip the tree (TextRenderer's fast path); their HTML, right-
    # to-left mark and cleaning included, must be what the tree would give.
    from qbank.exporters.moodle.markup import Cleaner
    from qbank.richtext import parse_block, parse_inline

    renderer = TextRenderer({}, math=True, clean=Cleaner())
    fast = renderer._cached(text, role)
    doc = parse_inline(text) if role == "inline" else parse_block(text)
    assert fast == (renderer._render(doc) if text else fast)
