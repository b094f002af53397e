"""``-f gift``: the file read back the way Moodle's GIFT importer reads it.

:mod:`giftread` is Moodle's importer ported to Python; it is first checked against the
examples of Moodle's own GIFT documentation (``question/format/gift/examples.txt``) and the
file Moodle's tests import. Then every question of the default bank, a bank of every type,
a hostile bank and random texts (hypothesis) are written, read back and compared, question
by question, with the JSON record. ``pygiftparser`` 1.1 (PyPI, MIT) reads the same files as
a second, independent reader where it is installed: it is not in the test extra because its
dependency MarkdownSuperscript pins Markdown<3.1, which mkdocs (the docs extra, same
environment) cannot use; ``pip install --no-deps pygiftparser==1.1 yattag`` runs it.
(pygiftparserrgmf, the other GIFT parser there, does not read escaped characters in
feedback.)
"""

from __future__ import annotations

import io
import re
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import HealthCheck, assume, event, given, settings
from hypothesis import strategies as st

from conftest import FIXTURES, bank_from_text, run_cli
from giftread import GiftError, read_gift
from qbank.errors import QbankError
from qbank.exporters import ExportOptions, format_names
from qbank.exporters.gift import escape, write_gift
from qbank.exporters.jsonrecord import question_record
from qbank.exporters.moodle.cloze import wildcard_pattern
from qbank.exporters.moodle.grades import multichoice_grades
from qbank.exporters.moodle.layout import Layout
from qbank.exporters.moodle.markup import plain_name
from qbank.exporters.moodle.writer import VariantNames, category_title
from qbank.generator import generate
from qbank.numeric import plain
from qbank.pipeline import run
from qbank.richtext import parse_block, parse_inline, to_html
from qbank.richtext.html import escape_html
from qbank.textcheck import check_set

EVERY_TYPE = FIXTURES / "good" / "every-type.yaml"
HOSTILE = FIXTURES / "good" / "hostile-text.yaml"
RICH = FIXTURES / "richtext" / "bank.yaml"

# --- the reader, against Moodle's documentation -------------------------------------------

MOODLE_EXAMPLES = r"""
//  EXAMPLE QUESTIONS for the GIFT import filter (from Moodle's gift/examples.txt)

Who's buried in Grant's tomb?{~Grant ~Jefferson =no one}

Grant is {~buried =entombed ~living} in Grant's tomb.

Grant is buried in Grant's tomb.{FALSE}

What is the value of pi (to 3 decimal places)? {#3.1415:0.0005}.

What is the value of pi (to 3 decimal places)? {#3.141..3.142}.

When was Ulysses S. Grant born? {#
    =1822:0
    =%50%1822:2}

Match the following countries with their corresponding capitals. {
    =Canada -> Ottawa
    =Italy  -> Rome
    =Japan  -> Tokyo
    =India  -> New Delhi
    }

::Kanji Origins::Japanese characters originally
came from what country? {=China}

Grant is buried in Grant's tomb.{FALSE#No one is buried in Grant's tomb.}

::Jesus' hometown::Jesus Christ was from {
    ~Jerusalem#This was an important city, but the wrong answer.
    ~%25%Bethlehem#He was born here, but not raised here.
    ~%50%Galilee#You need to be more specific.
    =Nazareth#Yes! That's right!}.

What two people are entombed in Grant's tomb? {
    ~%-50%No one
    ~%50%Grant
    ~%50%Grant's wife
    ~%-50%Grant's father }

Which answer equals 5? {
     ~ \= 2 + 2
     = \= 2 + 3
     ~ \= 2 + 4  }

::GIFT Control Characters::
Which of the following is NOT a control character for the GIFT import format? {
   ~ \~     # \~ is a control character.
   ~ \=     # \= is a control character.
   ~ \#     # \# is a control character.
   ~ \{     # \{ is a control character.
   ~ \}     # \} is a control character.
   = \\     # Correct! \\ (backslash) is not a control character. BUT,
              it is used to escape the control characters.
}

// question: 0  name: switch category to $course$/Default for New Features
$CATEGORY: $course$/Default for New Features

// question: 45  name: Moodle acronym
// [id:acro\]nym] [tag:one] [tag:two words]
::Moodle acronym::[html]Moodle is an <span style\="font-style\: italic;">acronym</span>.{TRUE}

How are you? {
####We hope you're feeling well.
}
"""


@pytest.fixture(scope="module")
def examples():
    return [q for q in read_gift(MOODLE_EXAMPLES)]


def test_reader_types_and_missing_words(examples):
    kinds = [q["qtype"] for q in examples]
    assert kinds == [
        "multichoice",
        "multichoice",
        "truefalse",
        "numerical",
        "numerical",
        "numerical",
        "match",
        "shortanswer",
        "truefalse",
        "multichoice",
        "multichoice",
        "multichoice",
        "multichoice",
        "category",
        "truefalse",
        "essay",
    ]
    assert examples[1]["questiontext"] == "Grant is _____ in Grant's tomb."
    assert examples[0]["questiontext"] == "Who's buried in Grant's tomb?"
    assert examples[0]["answers"][2] == ("no one", 1.0, "")


def test_reader_tolerance_and_ranges(examples):
    pi, interval, weighted = examples[3:6]
    assert (pi["answers"][0][0], pi["tolerance"]) == ("3.1415", ["0.0005"])
    assert float(interval["answers"][0][0]) == pytest.approx(3.1415)
    assert abs(float(interval["tolerance"][0]) - 0.0005) < 1e-9
    assert [a[:2] for a in weighted["answers"]] == [("1822", 1.0), ("1822", 0.5)]
    assert weighted["tolerance"] == ["0", "2"]


def test_reader_weights_feedback_and_names(examples):
    hometown = examples[9]
    assert hometown["name"] == "Jesus' hometown"
    assert [(a[0], a[1]) for a in hometown["answers"]] == [
        ("Jerusalem", 0.0),
        ("Bethlehem", 0.25),
        ("Galilee", 0.5),
        ("Nazareth", 1.0),
    ]
    assert hometown["answers"][3][2] == "Yes! That's right!"
    multi = examples[10]
    assert multi["single"] is False
    assert [a[1] for a in multi["answers"]] == [-0.5, 0.5, 0.5, -0.5]
    assert examples[8]["correctanswer"] is False
    assert examples[8]["feedbacktrue"] == "No one is buried in Grant's tomb."
    assert examples[7]["name"] == "Kanji Origins"
    assert examples[6]["subanswers"] == ["Ottawa", "Rome", "Tokyo", "New Delhi"]
    assert examples[-1]["generalfeedback"] == "We hope you're feeling well."


def test_reader_escapes(examples):
    assert [a[0] for a in examples[11]["answers"]] == ["= 2 + 2", "= 2 + 3", "= 2 + 4"]
    control = examples[12]
    assert [a[0] for a in control["answers"]] == ["~", "=", "#", "{", "}", "\\"]
    assert control["answers"][5][1] == 1.0


def test_reader_categories_html_idnumber_tags(examples):
    acronym = examples[14]
    assert acronym["category"] == "$course$/Default for New Features"
    assert acronym["questiontextformat"] == "html"
    assert acronym["questiontext"] == (
        'Moodle is an <span style="font-style: italic;">acronym</span>.'
    )
    assert acronym["idnumber"] == "acro]nym"
    assert acronym["tags"] == ["one", "two words"]
    assert examples[0]["category"] is None


def test_reader_refuses_a_lone_brace():
    with pytest.raises(GiftError):
        read_gift("Unclosed {=a")


# --- the file -------------------------------------------------------------------------------


def test_gift_is_a_registered_format():
    assert "gift" in format_names()


def test_cli_writes_out_bank_id_gift_txt(tmp_path):
    result = run_cli("generate", "-n", "2", "--seed", "3", "-f", "gift", "-o", tmp_path)
    written = [p.name for p in tmp_path.iterdir() if not p.name.startswith(".")]
    assert written == ["open-vs-closed-ai-gift.txt"]
    text = (tmp_path / written[0]).read_bytes().decode("utf-8")
    assert len([q for q in read_gift(text) if q["qtype"] != "category"]) > 10
    assert "-f moodle" in result.output


@pytest.fixture(scope="module")
def exported(tmp_path_factory):
    cache = {}

    def export(bank: Path | None, count: int = 3, seed: int = 7):
        key = (bank, count, seed)
        if key not in cache:
            out = tmp_path_factory.mktemp("gift")
            warnings: list[str] = []
            result = run(
                [bank] if bank else [],
                count=count,
                seed=seed,
                formats=("json", "gift"),
                out_dir=out,
                options=ExportOptions.of(),
                warn=warnings.append,
            )
            generated = result.sets[0]
            text = (out / f"{generated.bank.id}-gift.txt").read_bytes().decode("utf-8")
            cache[key] = (text, generated, warnings)
        return cache[key]

    return export


def html_of(text: str, math: bool, *, inline: bool = False) -> str:
    if not text:
        return ""
    return to_html((parse_inline if inline else parse_block)(text, math=math)).strip()


def undo_leading(text: str) -> str:
    """The writer turns a leading ``[`` or ``%`` of an HTML field into a reference."""
    for ref, char in (("&#91;", "["), ("&#37;", "%")):
        if text.startswith(ref):
            return char + text[len(ref) :]
    return text


def expected_questions(generated):
    """(category path, name, idnumber, variant) of every question, as Moodle XML lays them."""
    bank = generated.bank
    randomised = [q for q in bank.questions if q.randomised]
    layout = Layout(bank, {q.id: category_title(q, generated.variants[q.id]) for q in randomised})
    out = {}
    for q in bank.questions:
        variants = generated.variants[q.id]
        if q.randomised:
            path = layout.question_category(q, "").path
            names = VariantNames(len(variants))
            for v in variants:
                out[layout.question_idnumber(q, v)] = (path, names(v), v)
        else:
            path = layout.fixed_category("").path
            v = variants[0]
            out[layout.question_idnumber(q, None)] = (path, plain_name(v.title), v)
    return out


def check_file(text: str, generated) -> list[str]:
    """Compare every question of ``text`` with its JSON record; the ids written."""
    text.encode("utf-8")
    math = generated.bank.math
    expected = expected_questions(generated)
    seen = []
    for read in read_gift(text):
        if read["qtype"] == "category":
            continue
        path, name, v = expected[read["idnumber"]]
        seen.append(v.id)
        record = question_record(v, generated.media, math=math)
        assert read["category"] == path
        assert read["name"] == name
        assert read["questiontextformat"] == "html"
        tags = ["".join(c for c in t if c not in "<>`").strip() for t in v.question.tags]
        assert read["tags"] == [t for t in tags if t]
        general = "\n".join(filter(None, (record["feedback_html"], record["solution_html"])))
        assert read["generalfeedback"] == general.strip()
        CHECKS[v.type](read, record, v, math)
    return seen


def check_numerical(read, record, v, math):
    assert read["qtype"] == "numerical"
    assert read["questiontext"] == record["html"].strip()
    [(value, fraction, feedback)] = read["answers"]
    assert Decimal(value) == Decimal(plain(record["answer"]))
    assert Decimal(read["tolerance"][0]) == Decimal(plain(record["tolerance"]))
    assert (fraction, feedback) == (1.0, "")


def check_multichoice(read, record, v, math):
    assert read["qtype"] == "multichoice"
    assert read["questiontext"] == record["html"].strip()
    assert read["single"] is record["single"]
    grades = multichoice_grades([c["correct"] for c in record["choices"]], record["single"])
    assert len(read["answers"]) == len(record["choices"])
    for (text, fraction, feedback), choice, grade in zip(
        read["answers"], record["choices"], grades, strict=True
    ):
        assert undo_leading(text) == choice["html"].strip()
        assert abs(fraction - float(grade) / 100) < 1e-9
        assert undo_leading(feedback) == choice["feedback_html"].strip()


def check_truefalse(read, record, v, math):
    assert read["qtype"] == "truefalse"
    assert read["questiontext"] == record["html"].strip()
    assert read["correctanswer"] is record["answer"]
    assert undo_leading(read["feedbacktrue"]) == html_of(record["feedback_true"], math)
    assert undo_leading(read["feedbackfalse"]) == html_of(record["feedback_false"], math)


def check_shortanswer(read, record, v, math):
    assert read["qtype"] == "shortanswer"
    assert read["questiontext"] == record["html"].strip()
    assert [a[0] for a in read["answers"]] == [
        wildcard_pattern(a.strip()) for a in v.payload.accepted
    ]
    assert {a[1] for a in read["answers"]} == {1.0}


def check_essay(read, record, v, math):
    assert read["qtype"] == "essay"
    assert read["questiontext"] == record["html"].strip()


def check_matching(read, record, v, math):
    assert read["qtype"] == "match"
    assert read["questiontext"] == record["html"].strip()
    assert read["subanswers"] == [term.strip() for term, _ in record["pairs"]]
    assert [undo_leading(s).replace("-&gt;", "->") for s in read["subquestions"]] == [
        html_of(d, math, inline=True).replace("-&gt;", "->") for _, d in record["pairs"]
    ]


def check_cloze(read, record, v, math):
    assert read.get("missingword")
    [blank] = v.payload.blanks
    doc = parse_block(v.text, blanks=True, math=math)
    assert read["questiontext"] == to_html(doc, blank=lambda i: "_____").strip()
    [part] = [p for p in record["parts"] if isinstance(p, dict)]
    if blank.kind == "numeric":
        assert read["qtype"] == "numerical"
        assert Decimal(read["answers"][0][0]) == Decimal(plain(part["numeric"]["value"]))
        assert Decimal(read["tolerance"][0]) == Decimal(plain(part["numeric"]["tolerance"]))
    elif blank.kind == "choice":
        assert read["qtype"] == "multichoice" and read["single"]
        options = [undo_leading(a[0]) for a in read["answers"]]
        assert options == [escape_html(o.strip()) for o in part["options"]]
        assert [a[1] for a in read["answers"]] == [
            1.0 if o == blank.answer else 0.0 for o in part["options"]
        ]
    else:
        assert read["qtype"] == "shortanswer"
        assert [a[0] for a in read["answers"]] == [wildcard_pattern(a) for a in part["blank"]]


CHECKS = {
    "numerical": check_numerical,
    "multichoice": check_multichoice,
    "truefalse": check_truefalse,
    "shortanswer": check_shortanswer,
    "essay": check_essay,
    "matching": check_matching,
    "cloze": check_cloze,
}


@pytest.mark.parametrize("bank", [None, EVERY_TYPE, HOSTILE], ids=["default", "every", "hostile"])
def test_every_question_reads_back_as_its_json_record(exported, bank):
    text, generated, warnings = exported(bank)
    seen = check_file(text, generated)
    skipped = {q.id for q in generated.bank.questions} - set(seen)
    # Each question is written whole (every variant) or not at all, and then named once.
    for q in generated.bank.questions:
        if q.id in seen:
            assert seen.count(q.id) == len(generated.variants[q.id])
    gift_warnings = [w for w in warnings if "GIFT cannot hold" in w]
    if skipped:
        [warning] = gift_warnings
        assert "-f moodle" in warning
        for qid in skipped:
            assert f"'{qid}'" in warning
    else:
        assert gift_warnings == []


IMAGES = """
id: pictures
title: Pictures
questions:
  - id: chart
    type: truefalse
    text: "![Four bars](figures/bars.png) The bars grow."
    answer: true
  - id: in-feedback
    type: multichoice
    text: Pick one
    choices:
      - {text: a, correct: true, feedback: "![a tick](tick.png)"}
      - {text: b}
  - id: plain
    type: truefalse
    text: No picture here.
    answer: false
"""


def test_what_gift_cannot_hold_is_left_out_with_one_warning(exported):
    generated = generate(bank_from_text(IMAGES), 1, 1)
    out, warnings = io.StringIO(), []
    write_gift(generated, out, warn=warnings.append)
    [warning] = warnings
    assert "'chart' (an image" in warning and "'in-feedback' (an image" in warning
    assert "-f moodle" in warning
    assert check_file(out.getvalue(), generated) == ["plain"]
    _, generated, warnings = exported(FIXTURES / "good" / "ordering.yaml")
    [warning] = [w for w in warnings if "GIFT cannot hold" in w]
    assert "ordering" in warning


def test_the_rich_bank_keeps_its_math_and_leaves_out_its_pictures(exported):
    text, generated, warnings = exported(RICH)
    seen = check_file(text, generated)
    [warning] = [w for w in warnings if "GIFT cannot hold" in w]
    for q in generated.bank.questions:
        assert (q.id in seen) is (f"'{q.id}'" not in warning)
    assert "(an image" in warning
    assert r"\\frac" in text  # \frac written \\frac, read back \frac
    assert "<ol>" in text and "<pre><code>" in text


def test_math_is_written_for_mathjax(exported, one_blank):
    text, _, _ = one_blank
    # \( is written \\( in the file, and read back as \(.
    assert "$10^6$" not in text and r"\\(10^6\\)" in text
    read = {q["idnumber"].split(":")[-1]: q for q in read_gift(text) if q["qtype"] != "category"}
    assert r"\(10^6\)" in read["word"]["questiontext"]
    assert r"\(\sqrt{4} &lt; 3\)" in read["many"]["questiontext"]
    text, _, _ = exported(None)
    assert r"\\[" in text  # the default bank's display formula


def test_no_line_is_a_comment_or_blank_inside_a_question(exported):
    for bank in (None, EVERY_TYPE, HOSTILE):
        text, _, _ = exported(bank)
        for block in filter(None, text.split("\n\n")):
            lines = block.strip("\n").split("\n")
            body = [line for line in lines if not line.startswith("//")]
            assert all(line.strip() for line in body)
            assert not any(line.strip().startswith("//") for line in body)


# --- one blank: missing words ---------------------------------------------------------------

ONE_BLANK = r"""
id: one-blank
title: One blank \ {each} ~kind~
math: on
questions:
  - id: word
    type: cloze
    text: "The capital of France is [[Paris|paris]], a city of $10^6$ people & more."
    feedback: "See *any* atlas: \\(x\\) ~ = # { } : \\ // end"
  - id: number
    type: cloze
    params:
      a: {min: 2, max: 9}
    text: "Half of {{ a }} is [[= a / 2 ± 0.05]] exactly"
  - id: drop
    type: cloze
    text: "The median is [[? less than | <equal> & to | %50% | [html] x]] the mean."
  - id: at-end
    type: cloze
    text: "Ends with the blank [[end]]"
  - id: many
    type: multichoice
    single: false
    text: "Tick the primes: $\\sqrt{4} < 3$"
    choices:
      - {text: "2", correct: true, feedback: "[yes] it is"}
      - {text: "3", correct: true}
      - {text: "5", correct: true}
      - {text: "%4", feedback: "even"}
      - {text: "[html] 6"}
  - id: tf-both
    type: truefalse
    text: "Is 1 < 2?"
    answer: true
    feedback_true: "Yes # indeed"
    feedback_false: "No: think ~ again"
  - id: odd-answers
    type: shortanswer
    text: "Type odd things"
    answer: ["%5%", "[plain] x", "a*b", "\\n is not a line", "T"]
  - id: arrow
    type: shortanswer
    text: "An arrow"
    answer: ["a->b"]
  - id: two-pairs
    type: matching
    text: Too few pairs
    pairs:
      a: b
      c: d
"""


@pytest.fixture(scope="module")
def one_blank():
    bank = bank_from_text(ONE_BLANK)
    generated = generate(bank, 2, 5)
    out, warnings = io.StringIO(), []
    write_gift(generated, out, warn=warnings.append)
    return out.getvalue(), generated, warnings


def test_a_cloze_with_one_blank_is_a_missing_word_question(one_blank):
    text, generated, warnings = one_blank
    seen = check_file(text, generated)
    assert set(seen) == {"word", "number", "drop", "at-end", "many", "tf-both", "odd-answers"}
    [warning] = warnings
    assert "'arrow'" in warning and "'two-pairs'" in warning and "-f moodle" in warning
    read = {q["idnumber"].split(":")[1]: q for q in read_gift(text) if q["qtype"] != "category"}
    assert read["word"]["questiontext"].startswith("<p>The capital of France is _____, a city")
    assert read["at-end"]["questiontext"] == "<p>Ends with the blank _____</p>"
    assert read["many"]["single"] is False
    assert sorted(a[1] for a in read["many"]["answers"]) == pytest.approx(
        [-0.5, -0.5, 1 / 3, 1 / 3, 1 / 3], abs=1e-6
    )


# --- hypothesis: any text survives ------------------------------------------------------------

SPECIAL = "~=#{}:\\/<>&\"'%[]-\n*$"
texts = (
    st.lists(
        st.sampled_from([*SPECIAL, *"ab ✓é∑中😀", "//", "->", "\\(", "$x$", "\\[", "####"]),
        min_size=1,
        max_size=20,
    )
    .map("".join)
    .map(str.strip)
    .filter(bool)
)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(texts, texts, texts, texts, texts)
def test_any_text_survives_every_field(text, choice, feedback, answer, term):
    q = lambda s: '"' + s.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'  # noqa: E731
    bank_text = f"""
id: fuzz
title: {q(text)}
questions:
  - id: mc
    type: multichoice
    title: {q(text)}
    text: {q(text)}
    feedback: {q(feedback)}
    choices:
      - {{text: {q(choice)}, correct: true, feedback: {q(feedback)}}}
      - {{text: {q(choice + "x")}}}
  - id: sa
    type: shortanswer
    text: {q(text)}
    answer: [{q(answer)}]
  - id: tf
    type: truefalse
    text: {q(text)}
    answer: false
    feedback_true: {q(feedback)}
  - id: match
    type: matching
    text: {q(text)}
    pairs:
      - [{q(term)}, {q(text)}]
      - [{q(term + "1")}, {q(choice)}]
      - [{q(term + "2")}, two]
  - id: num
    type: numerical
    text: {q(text)}
    solution: {q(feedback)}
    answer: 2
"""
    # A cloze blank [[…]] holds any answer but "[", "]" and "|", and starts with neither
    # "=" (a number) nor "?" (a drop-down).
    blank_safe = not any(c in answer + choice + term + text for c in "[]|") and not any(
        a.startswith(("=", "?")) for a in (answer, choice)
    )
    event(f"cloze questions: {blank_safe}")
    if blank_safe:
        bank_text += f"""
  - id: cz
    type: cloze
    text: {q(text + " [[" + answer + "]] " + feedback)}
  - id: czd
    type: cloze
    text: {q(text + " [[? " + choice + " | " + term + "]] end")}
"""
    try:
        # As the pipeline does: a text the bank refuses ("{#" starts a template comment, a
        # blank inside a formula) never reaches an exporter.
        generated = check_set(generate(bank_from_text(bank_text), 1, 1))
    except QbankError:
        assume(False)
    out, warnings = io.StringIO(), []
    write_gift(generated, out, warn=warnings.append)
    written = out.getvalue()
    seen = check_file(written, generated)
    ids = {"mc", "sa", "tf", "match", "num"} | ({"cz", "czd"} if blank_safe else set())
    left_out = {qid for qid in ids if any(f"'{qid}'" in w for w in warnings)}
    assert set(seen) == ids - left_out
    # Only for what GIFT cannot say: "->" in a short answer, a blank that Markdown shows
    # as code (a text starting with "~~~" is a code fence).
    assert left_out <= {"sa", "cz", "czd"}
    assert ("sa" in left_out) is ("->" in answer)


@given(st.text(min_size=0, max_size=40))
def test_escape_reads_back_exactly(text):
    from giftread import escapedchar_post, escapedchar_pre

    text = text.replace("\r", "")
    # Moodle's GIFT importer uses "&&058;", "&&010" and the like as its own placeholders and
    # turns them back into ":", a line break, ...: a text holding one cannot come back as
    # itself from any GIFT file (docs/gift.md says so).
    assume(not re.search(r"&&0[0-9]{2}", text) and "&&1" not in text)
    assert "\n" not in escape(text)
    assert escapedchar_post(escapedchar_pre(escape(text))) == text


# --- a second reader: pygiftparser (PyPI) -----------------------------------------------------


def unescape(text: str) -> str:
    out, i = [], 0
    while i < len(text):
        if text[i] == "\\" and i + 1 < len(text):
            out.append("\n" if text[i + 1] == "n" else text[i + 1])
            i += 2
        else:
            out.append(text[i])
            i += 1
    return "".join(out)


@pytest.mark.parametrize("bank", [None, EVERY_TYPE], ids=["default", "every"])
def test_pygiftparser_reads_the_same_questions(exported, bank):
    parser = pytest.importorskip("pygiftparser.parser")
    text, _, _ = exported(bank)
    ours = [q for q in read_gift(text) if q["qtype"] != "category"]
    theirs = parser.parseFile(io.StringIO(text))
    assert len(theirs) == len(ours)
    kinds = {
        "multichoice": ("SelectSet", "MultipleChoicesSet"),
        "truefalse": ("TrueFalseSet",),
        "shortanswer": ("ShortSet",),
        "numerical": ("NumericAnswerSet",),
        "essay": ("Essay",),
        "match": ("MatchingSet",),
    }
    for mine, other in zip(ours, theirs, strict=True):
        assert other.valid
        assert type(other.answers).__name__ in kinds[mine["qtype"]]
        assert unescape(other.title) == mine["name"]
        assert other.markup == "html"
        assert unescape(other.text) == mine["questiontext"]
        if mine["qtype"] == "numerical":
            [answer] = other.answers.answers
            assert Decimal(str(answer.value)) == Decimal(mine["answers"][0][0])
            assert Decimal(str(answer.tolerance)) == Decimal(mine["tolerance"][0])
        elif mine["qtype"] == "truefalse":
            assert other.answers.answer is mine["correctanswer"]
        elif mine["qtype"] in ("multichoice", "shortanswer"):
            assert [unescape(a.answer) for a in other.answers.answers] == [
                a[0] for a in mine["answers"]
            ]
            assert [a.fraction / 100 for a in other.answers.answers] == pytest.approx(
                [a[1] for a in mine["answers"]]
            )
        elif mine["qtype"] == "match":
            got = [unescape(a.answer).strip() for a in other.answers.answers]
            assert got == mine["subanswers"]
