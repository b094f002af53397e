"""Moodle XML: parse the file back and check it, question by question, against the JSON
record of the same run; read cloze blanks and calculated formulas the way Moodle's own
importer does (its regular expressions are ported below from ``question/type/...``).

Texts are Markdown: the words a student reads in each HTML text (tags dropped, entities
decoded, MathJax's delimiters taken off) are checked against the words of the record's
Markdown as plain text; tests/test_moodle_richtext.py checks the rich text itself."""

from __future__ import annotations

import html
import io
import math
import re
from dataclasses import replace
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import etree
from lxml import html as lxml_html

from conftest import FIXTURES, bank_from_text, run_cli
from qbank.exporters import ExportOptions, format_names
from qbank.exporters.jsonrecord import question_record
from qbank.exporters.moodle import write_moodle_xml
from qbank.exporters.moodle.calculated import NotExpressible, Translator, translate_template
from qbank.exporters.moodle.cloze import shortanswer_blank
from qbank.exporters.moodle.grades import ALLOWED_PERCENTS, multichoice_grades, shares_of_100
from qbank.exporters.moodle.layout import category_path, fit_idnumber
from qbank.generator import generate
from qbank.numeric import plain
from qbank.pipeline import run
from qbank.richtext import parse_block, parse_inline, plain_text

HOSTILE = FIXTURES / "good" / "hostile-text.yaml"
ORDERING = FIXTURES / "good" / "ordering.yaml"
MOODLE_TYPES = {
    "numerical": "numerical",
    "multichoice": "multichoice",
    "truefalse": "truefalse",
    "shortanswer": "shortanswer",
    "essay": "essay",
    "matching": "matching",
    "cloze": "cloze",
    "ordering": "ordering",
}
ALLOWED_FRACTIONS = [p / 100 for p in ALLOWED_PERCENTS] + [-p / 100 for p in ALLOWED_PERCENTS] + [0]


# --- Moodle's importer, ported -------------------------------------------------------------

# question/type/multianswer/questiontype.php (Python's re needs one look-behind per width)
_FRACTION = r"=|%(-?[0-9]+(?:[.,][0-9]*)?)%"
_ANSWER = r".+?(?<!\\)(?<!&)(?<!&amp;)(?=[~#}]|$)"
_FEEDBACK = r".*?(?<!\\)(?=[~}]|$)"
_ALTERNATIVE = f"({_FRACTION})?({_ANSWER})(#({_FEEDBACK}))?"
_TYPES = (
    "(NUMERICAL|NM)|(MULTICHOICE|MC)|(MULTICHOICE_V|MCV)|(MULTICHOICE_H|MCH)|"
    "(SHORTANSWER|SA|MW)|(SHORTANSWER_C|SAC|MWC)|(MULTICHOICE_S|MCS)|(MULTICHOICE_VS|MCVS)|"
    "(MULTICHOICE_HS|MCHS)|(MULTIRESPONSE|MR)|(MULTIRESPONSE_H|MRH)|(MULTIRESPONSE_S|MRS)|"
    "(MULTIRESPONSE_HS|MRHS)"
)
_CLOZE = re.compile(rf"\{{([0-9]*):({_TYPES}):({_ALTERNATIVE}(~{_ALTERNATIVE})*)\}}", re.S)
_ONE_ALTERNATIVE = re.compile("~?" + _ALTERNATIVE, re.S)


def moodle_extract_cloze(text: str) -> tuple[str, list[dict]]:
    """qtype_multianswer_extract_question: blanks become {#n}; answers are decoded."""
    blanks = []
    while (match := _CLOZE.search(text)) is not None:
        remaining, answers, fractions = match.group(16), [], []
        while (alt := _ONE_ALTERNATIVE.search(remaining)) is not None:
            fractions.append(1 if alt.group(1) == "=" else 0)
            answer = html.unescape(alt.group(3)).replace("\\}", "}").replace("\\#", "#")
            answers.append(answer)
            remaining = remaining.split(alt.group(0), 1)[1]
        blanks.append(
            {
                "weight": int(match.group(1) or 1),
                "type": match.group(2),
                "answers": answers,
                "fractions": fractions,
            }
        )
        text = text.replace(match.group(0), f"{{#{len(blanks)}}}", 1)
    return text, blanks


def moodle_wildcard_answer(pattern: str) -> str:
    """What a short-answer pattern matches literally (\\* is a star; * would be a wildcard)."""
    assert re.search(r"(?<!\\)\*", pattern) is None, f"unescaped wildcard in {pattern!r}"
    return pattern.replace("\\*", "*")


def moodle_split_category_path(path: str) -> list[str]:
    """question/format.php split_category_path (without the PARAM_TEXT cleaning)."""
    return [name.replace("//", "/").strip() for name in re.split(r"(?<!/)/(?!/)", path)]


def php_strip_tags_changes(text: str) -> bool:
    """Would PHP's strip_tags (Moodle's PARAM_TEXT cleaning of names) change ``text``?"""
    return re.search(r"<(?=\S|$)", text) is not None


_PLACEHOLDER = r"\{([A-Za-z][A-Za-z0-9\-_\s]*)\}"


def moodle_formula_errors(formula: str) -> str | None:
    """qtype_calculated_find_formula_errors (Moodle 4.x)."""
    for comment in ("//", "/*", "#", "<?", "?>"):
        if comment in formula:
            return comment
    formula = re.sub(_PLACEHOLDER, "1.0", formula).replace(" ", "").lower()
    ops = r"\-+/*%>:\\~<?=!"
    number = rf"[{ops}.0-9eE]"
    call = re.compile(rf"(^|[{ops},(])([a-z0-9_]*)\(({number}+(,{number}+((,{number}+)+)?)?)?\)")
    one = {
        "abs",
        "acos",
        "acosh",
        "asin",
        "asinh",
        "atan",
        "atanh",
        "ceil",
        "cos",
        "cosh",
        "deg2rad",
        "exp",
        "expm1",
        "floor",
        "log10",
        "log1p",
        "rad2deg",
        "sin",
        "sinh",
        "sqrt",
        "tan",
        "tanh",
    }
    while (m := call.search(formula)) is not None:
        name, args = m.group(2), m.group(3)
        if name == "":
            if m.group(4) or not args:
                return m.group(0)
        elif name == "pi":
            if args:
                return name
        elif name in one:
            if m.group(4) or not args:
                return name
        elif name in ("log", "round"):
            if m.group(5) or not args:
                return name
        elif name in ("atan2", "fmod", "pow"):
            if m.group(5) or not m.group(4):
                return name
        elif name in ("min", "max"):
            if not m.group(4):
                return name
        else:
            return name
        if m.group(1):
            formula = formula.replace(m.group(0), m.group(1) + "1.0", 1)
        else:
            formula = re.sub("^" + re.escape(name) + r"\([^)]*\)", "1.0", formula, count=1)
    bad = re.search(rf"[^{ops}.0-9eE]+", formula)
    return bad.group(0) if bad else None


def php_round(x: float, places: int = 0) -> float:
    scaled = abs(x) * 10**places
    return math.copysign(math.floor(scaled + 0.5) / 10**places, x)


def moodle_evaluate(formula: str, values: dict[str, str]) -> float:
    """Evaluate a Moodle formula the way PHP would (floats), for the datasets' values."""
    python = re.sub(_PLACEHOLDER, lambda m: f"({values[m.group(1)]})", formula)
    functions = {
        "pow": pow,
        "floor": math.floor,
        "ceil": math.ceil,
        "round": php_round,
        "sqrt": math.sqrt,
        "abs": abs,
        "exp": math.exp,
        "log10": math.log10,
        "log": lambda x, b=None: math.log(x) if b is None else math.log(x, b),
        "min": min,
        "max": max,
        "pi": lambda: math.pi,
        "sin": math.sin,
        "cos": math.cos,
        "tan": math.tan,
        "rad2deg": math.degrees,
        "deg2rad": math.radians,
    }
    return float(eval(python, {"__builtins__": {}}, functions))


# --- reading our XML back ------------------------------------------------------------------


def html_paragraphs(fragment: str) -> list[str]:
    """Plain text of our HTML: one string per <p>, <br> as a line break; nothing else."""
    if not fragment:
        return []
    root = lxml_html.fragment_fromstring(fragment, create_parent="div")
    if any(child.tag == "p" for child in root):
        assert not (root.text or "").strip(), f"text outside <p> in {fragment!r}"
        blocks = list(root)
    else:
        blocks = [root]  # inline HTML (an answer choice): no <p>
    out = []
    for block in blocks:
        assert block.tag in ("p", "div"), f"unexpected <{block.tag}> in {fragment!r}"
        parts = [block.text or ""]
        for child in block:
            assert child.tag == "br", f"unexpected <{child.tag}> in {fragment!r}"
            parts.append("\n" + (child.tail or "").removeprefix("\n"))
        out.append("".join(parts))
    return out


def text_paragraphs(text: str) -> list[str]:
    return [p.strip() for p in re.split(r"\n[ \t]*\n\s*", text) if p.strip()]


#: MathJax's delimiters, as Moodle's MathJax filter finds them: within one text node (text
#: that only looks like one has an empty <span> inside it, so it spans two nodes).
_MATH_DELIMITERS = re.compile(r"\\[()\[\]]")
#: The tags (and their attributes) our HTML may hold.
HTML_TAGS = {
    "p": {"dir"},
    "strong": set(),
    "em": set(),
    "del": set(),
    "u": set(),
    "sub": set(),
    "sup": set(),
    "code": set(),
    "pre": set(),
    "br": set(),
    "ul": set(),
    "ol": {"start"},
    "li": {"dir"},
    "blockquote": set(),
    "hr": set(),
    "span": set(),
    "table": {"class"},
    "thead": set(),
    "tbody": set(),
    "tr": set(),
    "th": {"style", "dir"},
    "td": {"style", "dir"},
    "a": {"href", "rel"},
    "img": {"src", "alt"},
    **{f"h{n}": set() for n in range(1, 7)},
}


_INLINE_TAGS = {"strong", "em", "del", "u", "sub", "sup", "code", "span", "a", "img"}


def html_words(fragment: str) -> list[str]:
    """The words a student reads in our HTML (math as its TeX); only allowed tags."""
    if not fragment.strip():
        return []
    root = lxml_html.fragment_fromstring(fragment, create_parent="div")
    for element in root.iterdescendants():
        assert element.tag in HTML_TAGS, f"unexpected <{element.tag}> in {fragment!r}"
        assert set(element.attrib) <= HTML_TAGS[element.tag], fragment
    texts = []
    for event, element in etree.iterwalk(root, events=("start", "end")):
        if element.tag not in _INLINE_TAGS:
            texts.append(" ")  # a block (paragraph, list item, cell) ends a word
        if event == "start" and element.text:
            texts.append(_MATH_DELIMITERS.sub("", element.text))
        if event == "end" and element.tail:
            texts.append(_MATH_DELIMITERS.sub("", element.tail))
    return "".join(texts).split()


def markdown_words(text: str, *, inline: bool = False) -> list[str]:
    """The words of a Markdown text as plain text (what :func:`html_words` should read)."""
    doc = parse_inline(text) if inline else parse_block(text)
    return plain_text(doc).split()


def field(element, path: str) -> str:
    found = element.find(path)
    assert found is not None, f"missing <{path}>"
    return found.text or ""


def undo_name_cleaning(name: str) -> str:
    return name.replace("\uff1c", "<")


def read_moodle(xml: bytes) -> list[tuple[str, str, etree._Element]]:
    """(category path, idnumber, element) for every question, in file order."""
    root = etree.fromstring(xml)
    assert root.tag == "quiz"
    category, out = None, []
    for question in root.iterchildren("question"):
        if question.get("type") == "category":
            category = field(question, "category/text")
            continue
        assert category is not None, "a question before the first category"
        out.append((category, field(question, "idnumber"), question))
    return out


@pytest.fixture(scope="module")
def exported(tmp_path_factory):
    """Run qbank once per (bank, calculated) and keep the XML and the generated set."""
    cache = {}

    def export(bank: Path | None, count: int = 4, seed: int = 7, calculated: bool = False):
        key = (bank, count, seed, calculated)
        if key not in cache:
            out = tmp_path_factory.mktemp("moodle")
            warnings: list[str] = []
            result = run(
                [bank] if bank else [],
                count=count,
                seed=seed,
                formats=("json", "moodle"),
                out_dir=out,
                options=ExportOptions.of(moodle_calculated=calculated),
                warn=warnings.append,
            )
            generated = result.sets[0]
            xml = (out / f"{generated.bank.id}-moodle.xml").read_bytes()
            cache[key] = (xml, generated, warnings)
        return cache[key]

    return export


# --- the file ------------------------------------------------------------------------------


def test_moodle_is_a_registered_format():
    assert "moodle" in format_names()


@pytest.mark.parametrize("bank", [None, HOSTILE], ids=["default", "hostile"])
def test_file_is_utf8_xml_with_declaration_and_quiz_root(exported, bank):
    xml, generated, _ = exported(bank)
    assert xml.split(b"\n", 1)[0] == b'<?xml version="1.0" encoding="UTF-8"?>'
    xml.decode("utf-8")
    root = etree.fromstring(xml)
    assert root.tag == "quiz"
    comment = root.getprevious()
    assert isinstance(comment, etree._Comment) and f"seed {generated.seed}" in comment.text


def test_cli_writes_out_bank_id_moodle_xml(tmp_path):
    run_cli("generate", "-n", "2", "--seed", "3", "-f", "moodle", "-o", tmp_path)
    written = [p.name for p in tmp_path.iterdir() if not p.name.startswith(".")]
    assert written == ["open-vs-closed-ai-moodle.xml"]
    assert len(read_moodle((tmp_path / "open-vs-closed-ai-moodle.xml").read_bytes())) > 10


def test_cli_moodle_calculated_flag_reaches_the_exporter(tmp_path):
    run_cli(
        "generate", "-n", "3", "--seed", "3", "-f", "moodle", "--moodle-calculated", "-o", tmp_path
    )
    types = [
        e.get("type")
        for _, _, e in read_moodle((tmp_path / "open-vs-closed-ai-moodle.xml").read_bytes())
    ]
    assert types.count("calculated") == 4 and "numerical" not in types


# --- every question against the JSON record --------------------------------------------------


@pytest.mark.parametrize("bank", [None, HOSTILE, ORDERING], ids=["default", "hostile", "ordering"])
def test_every_question_matches_the_json_record(exported, bank):
    xml, generated, _ = exported(bank)
    questions = read_moodle(xml)
    by_idnumber = {idnumber: (path, element) for path, idnumber, element in questions}
    assert len(by_idnumber) == len(questions), "ID numbers are not unique"
    assert all(len(i) <= 100 for i in by_idnumber)
    assert len({i.casefold() for i in by_idnumber}) == len(by_idnumber)
    variants = list(generated.all_variants())
    assert len(questions) == len(variants)
    bank_id = generated.bank.id
    for v in variants:
        record = question_record(v)
        # The record keeps case sensitivity for short answers only; cloze blanks use it too.
        record.setdefault("case_sensitive", getattr(v.question.spec, "case_sensitive", False))
        suffix = f":v{v.number}" if v.randomised else ""
        path, element = by_idnumber[f"{bank_id}:{v.id}{suffix}"]
        check_category(path, generated, v)
        check_common(element, record, generated)
        TYPE_CHECKS[v.type](element, record)


def check_category(path: str, generated, v) -> None:
    names = moodle_split_category_path(path)
    assert names[:2] == ["$course$", "top"]
    assert undo_name_cleaning(names[2]) == generated.bank.title
    assert len(names) == 4
    name = undo_name_cleaning(names[3])
    if not v.randomised:
        assert name == "Fixed questions (same for every student)"
        return
    clashes = [q for q in generated.bank.questions if q.randomised and q.title == v.title]
    if len(clashes) > 1 or v.title == "Fixed questions (same for every student)":
        assert name == f"{v.title} ({v.id})"
    else:
        assert name == v.title
    for level in names[2:]:
        assert not php_strip_tags_changes(level) and len(level) <= 255


def check_common(element, record: dict, generated) -> None:
    assert element.get("type") == MOODLE_TYPES[record["type"]]
    name = field(element, "name/text")
    assert len(name) <= 255 and not php_strip_tags_changes(name)
    expected = record["title"]
    if record["randomised"]:
        width = len(str(generated.count))
        expected += f" (variant {record['variant']:0{width}d})"
    name = undo_name_cleaning(name)
    if len(expected) > 255:
        assert name.endswith("\u2026") and expected.startswith(name[:-1].rstrip())
    else:
        assert name == expected
    if record["type"] != "cloze":
        assert html_words(field(element, "questiontext/text")) == markdown_words(record["text"])
        assert Decimal(field(element, "defaultgrade")) == Decimal(str(record["points"]))
    assert element.find("questiontext").get("format") == "html"
    feedback = "\n\n".join(t for t in (record["feedback"], record["solution"]) if t)
    assert html_words(field(element, "generalfeedback/text")) == markdown_words(feedback)
    penalty = {"truefalse": "1", "essay": "0"}.get(record["type"], "0.3333333")
    assert field(element, "penalty") == penalty
    assert [t.text for t in element.findall("tags/tag/text")] == record["tags"]


def answers(element) -> list:
    return element.findall("answer")


def check_numerical(element, record: dict) -> None:
    (answer,) = answers(element)
    assert answer.get("fraction") == "100"
    assert Decimal(field(answer, "text")) == Decimal(str(record["answer"]))
    tolerance = Decimal(field(answer, "tolerance"))
    assert tolerance == Decimal(str(record["tolerance"]))
    if "tolerance_relative_percent" in record:
        percent = Decimal(str(record["tolerance_relative_percent"]))
        assert tolerance == abs(Decimal(str(record["answer"]))) * percent / 100
    units = element.findall("units/unit")
    if record["unit"]:
        assert [(field(u, "unit_name"), field(u, "multiplier")) for u in units] == [
            (record["unit"], "1")
        ]
        assert field(element, "unitsleft") == ("1" if record["unit_position"] == "before" else "0")
        assert field(element, "showunits") == "0"
    else:
        assert units == [] and field(element, "showunits") == "3"


def check_multichoice(element, record: dict) -> None:
    assert field(element, "single") == ("true" if record["single"] else "false")
    assert field(element, "shuffleanswers") in ("true", "false")
    assert field(element, "answernumbering") == "abc"
    got = answers(element)
    assert [a.get("format") for a in got] == ["html"] * len(got)
    assert [html_words(field(a, "text")) for a in got] == [
        markdown_words(c["text"], inline=True) for c in record["choices"]
    ]
    assert [html_words(field(a, "feedback/text")) for a in got] == [
        markdown_words(c["feedback"]) for c in record["choices"]
    ]
    fractions = [Decimal(a.get("fraction")) / 100 for a in got]
    for f in fractions:  # Moodle's match_grade_options: within 0.00001 of an allowed grade
        assert any(abs(f - allowed) < Decimal("0.00001") for allowed in ALLOWED_FRACTIONS), f
    correct = [c["correct"] for c in record["choices"]]
    if record["single"]:
        assert fractions.count(1) == 1 and fractions[correct.index(True)] == 1
        assert all(f == 0 for f, ok in zip(fractions, correct) if not ok)
    else:
        right = [f for f, ok in zip(fractions, correct) if ok]
        wrong = [f for f, ok in zip(fractions, correct) if not ok]
        assert all(f > 0 for f in right) and round(sum(right), 2) == 1
        assert all(f < 0 for f in wrong) and round(sum(wrong), 2) == -1


def check_truefalse(element, record: dict) -> None:
    got = {field(a, "text"): a for a in answers(element)}
    assert set(got) == {"true", "false"}
    assert got["true"].get("fraction") == ("100" if record["answer"] else "0")
    assert got["false"].get("fraction") == ("0" if record["answer"] else "100")
    assert html_words(field(got["true"], "feedback/text")) == markdown_words(
        record["feedback_true"]
    )
    assert html_words(field(got["false"], "feedback/text")) == markdown_words(
        record["feedback_false"]
    )


def check_shortanswer(element, record: dict) -> None:
    assert field(element, "usecase") == ("1" if record["case_sensitive"] else "0")
    assert [a.get("fraction") for a in answers(element)] == ["100"] * len(record["answer"])
    assert [moodle_wildcard_answer(field(a, "text")) for a in answers(element)] == record["answer"]


def check_essay(element, record: dict) -> None:
    assert field(element, "responseformat") == "editor"
    lines = int(field(element, "responsefieldlines"))
    assert lines % 5 == 0 and 5 <= lines <= 40
    assert html_words(field(element, "graderinfo/text")) == markdown_words(record["answer"])


def check_matching(element, record: dict) -> None:
    # The terms are Moodle's drop-down choices: plain text (Moodle shows no HTML there).
    pairs = [
        (field(s, "answer/text").split(), html_words(field(s, "text")))
        for s in element.findall("subquestion")
    ]
    assert [s.find("answer").get("format") for s in element.findall("subquestion")] == [None] * len(
        pairs
    )
    assert pairs == [
        (markdown_words(term, inline=True), markdown_words(definition, inline=True))
        for term, definition in record["pairs"]
    ]


def check_cloze(element, record: dict) -> None:
    text, blanks = moodle_extract_cloze(field(element, "questiontext/text").strip())
    expected = [p["blank"] for p in record["parts"] if isinstance(p, dict)]
    assert [[moodle_wildcard_answer(a) for a in b["answers"]] for b in blanks] == expected
    assert all(set(b["fractions"]) == {1} for b in blanks)
    sensitive = "SHORTANSWER_C" if record["case_sensitive"] else "SHORTANSWER"
    assert {b["type"] for b in blanks} == {sensitive}
    weights = {b["weight"] for b in blanks}
    assert len(weights) == 1 and int(field(element, "defaultgrade")) == sum(
        b["weight"] for b in blanks
    )
    points = Decimal(str(record["points"]))
    if points % len(blanks) == 0:
        assert weights == {points / len(blanks)}
    # The text around the blanks, with each blank as a marker, reads as the Markdown.
    wanted = plain_text(
        parse_block(record["text"], blanks=True), blank=lambda i: f" \u2063{i + 1}\u2063 "
    )
    got = re.sub(r"\{#(\d+)\}", lambda m: f" \u2063{m.group(1)}\u2063 ", text)
    assert html_words(got) == wanted.split()


def check_ordering(element, record: dict) -> None:
    # What qtype_ordering::import_from_xml reads: every item shown, in the right order,
    # each answer's fraction its position (save_question_options renumbers them so).
    assert field(element, "selecttype") == "ALL"
    assert field(element, "shownumcorrect") == "1"  # read by value, not by presence
    assert field(element, "selectcount") == str(len(record["items"]))
    assert field(element, "layouttype") == record["layout"].upper()
    assert (
        field(element, "gradingtype")
        == {"absolute": "ABSOLUTE_POSITION", "relative": "RELATIVE_NEXT_EXCLUDE_LAST"}[
            record["grading"]
        ]
    )
    got = answers(element)
    assert [a.get("fraction") for a in got] == [str(i) for i in range(1, len(got) + 1)]
    assert [a.get("format") for a in got] == ["html"] * len(got)
    assert [html_words(field(a, "text")) for a in got] == [
        markdown_words(item, inline=True) for item in record["items"]
    ]
    # The record's answer: the right order as positions in the shown order.
    assert [record["shown"][p - 1] for p in record["answer"]] == record["items"]


TYPE_CHECKS = {
    "ordering": check_ordering,
    "numerical": check_numerical,
    "multichoice": check_multichoice,
    "truefalse": check_truefalse,
    "shortanswer": check_shortanswer,
    "essay": check_essay,
    "matching": check_matching,
    "cloze": check_cloze,
}


# --- categories --------------------------------------------------------------------------------


@pytest.mark.parametrize("bank", [None, HOSTILE], ids=["default", "hostile"])
def test_categories_one_per_randomised_question_plus_fixed(exported, bank):
    xml, generated, _ = exported(bank)
    root = etree.fromstring(xml)
    categories = [q for q in root.iterchildren("question") if q.get("type") == "category"]
    randomised = [q for q in generated.bank.questions if q.randomised]
    assert len(categories) == 1 + 1 + len(randomised)
    paths = [field(c, "category/text") for c in categories]
    assert len(set(p.casefold() for p in paths)) == len(paths)
    idnumbers = [field(c, "idnumber") for c in categories]
    assert len(set(i.casefold() for i in idnumbers)) == len(idnumbers)
    assert all(len(i) <= 100 for i in idnumbers)
    assert idnumbers[0].startswith(generated.bank.id + "@")
    for q in randomised:
        assert any(i.startswith(f"{generated.bank.id}:{q.id}@") for i in idnumbers)
    info = " ".join(html_paragraphs(field(categories[0], "info/text")))
    assert f"seed {generated.seed}" in info
    per_category: dict[str, int] = {}
    for path, _, _ in read_moodle(xml):
        per_category[path] = per_category.get(path, 0) + 1
    fixed = sum(1 for q in generated.bank.questions if not q.randomised)
    assert sorted(per_category.values()) == sorted([fixed] + [generated.count] * len(randomised))


def test_category_path_escapes_slashes_as_moodle_reads_them():
    names = ["a/b", "/lead", "trail/", "x//y", "plain"]
    path = category_path(*names)
    assert moodle_split_category_path(path)[2:] == names
    assert path.startswith("$course$/top/a//b/")


def test_long_ids_are_shortened_to_moodles_100_characters():
    long_id = "b" * 64 + ":" + "q" * 64 + ":v10000"
    short = fit_idnumber(long_id)
    assert len(short) == 100 and short != fit_idnumber(long_id[:-1] + "1")
    assert fit_idnumber("bank:q:v1") == "bank:q:v1"


def test_question_ids_that_differ_only_in_case_get_distinct_idnumbers():
    bank = bank_from_text("""
id: cases
title: Cases
questions:
  - {id: Q1, type: truefalse, text: One, answer: true}
  - {id: q1, type: truefalse, text: Two, answer: false}
""")
    idnumbers = [i for _, i, _ in read_moodle(export_bytes(generate(bank, 1, 1)))]
    assert len({i.casefold() for i in idnumbers}) == 2


def export_bytes(generated, **kwargs) -> bytes:
    buffer = io.BytesIO()
    write_moodle_xml(generated, buffer, **kwargs)
    return buffer.getvalue()


# --- hostile text --------------------------------------------------------------------------------


def test_control_characters_never_reach_the_file():
    generated = generate(
        bank_from_text("""
id: ctl
title: Control
questions:
  - {id: q, type: shortanswer, text: Say hi, answer: hi}
"""),
        1,
        1,
    )
    v = generated.variants["q"][0]
    dirty = replace(
        v,
        drawn=replace(
            v.drawn,
            text="bell\x07 nul\x00 \ud800 ok\r\nnext",
            payload=replace(v.payload, accepted=("h\x01i",)),
            title="t\x01itle",
        ),
    )
    generated = replace(generated, variants={"q": (dirty,)})
    warnings: list[str] = []
    xml = export_bytes(generated, warn=warnings.append)
    ((_, _, element),) = read_moodle(xml)
    assert html_paragraphs(field(element, "questiontext/text")) == ["bell nul  ok\nnext"]
    assert field(element, "answer/text") == "hi" and field(element, "name/text") == "title"
    assert len(warnings) == 1 and "'q'" in warnings[0]


def test_hostile_cloze_answers_survive_moodles_parser():
    answers = [
        "a}b",
        "c#d",
        "e~f",
        "x=y:z/w",
        '"q" \\ back',
        "{brace}",
        "%50%",
        "R&D",
        "<tag>",
        "*star*",
        "a\\}",
        "&",
        "&amp;",
        "&#35;",
        "\\",
        "~",
        "}",
        "#",
    ]
    markup = shortanswer_blank(answers)
    text, blanks = moodle_extract_cloze(f"<p>before {markup} after</p>")
    assert text == "<p>before {#1} after</p>"
    assert [moodle_wildcard_answer(a) for a in blanks[0]["answers"]] == answers


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.text(alphabet=st.sampled_from(list('ab }{#~=%:/"\\&<>*;|\n😀ع')), min_size=1).filter(
            str.strip
        ),
        min_size=1,
        max_size=4,
    )
)
def test_any_cloze_answer_survives_moodles_parser(answers):
    answers = [a.strip() for a in answers]
    markup = shortanswer_blank(answers, weight=2, case_sensitive=True)
    text, blanks = moodle_extract_cloze("x " + markup + " y")
    assert text == "x {#1} y"
    assert blanks[0]["weight"] == 2 and blanks[0]["type"] == "SHORTANSWER_C"
    assert [moodle_wildcard_answer(a) for a in blanks[0]["answers"]] == answers


def test_cloze_text_braces_do_not_become_blanks(exported):
    xml, _generated, _ = exported(HOSTILE)
    element = next(e for _, i, e in read_moodle(xml) if i == "hostile-text:cloze-hostile")
    _, blanks = moodle_extract_cloze(field(element, "questiontext/text"))
    assert len(blanks) == 4  # the literal {1:SHORTANSWER:=trap} and {#1} stayed text


# --- grades --------------------------------------------------------------------------------


@pytest.mark.parametrize("count", range(1, 21))
def test_shares_of_100_are_allowed_grades_that_add_up(count):
    shares = shares_of_100(count)
    assert len(shares) == count and all(s in ALLOWED_PERCENTS for s in shares)
    assert round(sum(shares) / 100, 2) == 1
    assert max(shares) - min(shares) <= 5


def test_shares_pick_the_even_split_when_moodle_has_one():
    assert shares_of_100(3) == (Decimal("33.33333"),) * 3
    assert shares_of_100(7) == (Decimal("14.28571"),) * 7
    assert sorted(shares_of_100(11)) == [Decimal(5)] * 2 + [Decimal(10)] * 9
    assert shares_of_100(22) == (Decimal(5),) * 20 + (Decimal(0),) * 2


def test_multichoice_grades():
    assert multichoice_grades([False, True, False], single=True) == [0, 100, 0]
    grades = multichoice_grades([True, False, True, False, False], single=False)
    assert grades == [50, Decimal("-33.33333"), 50, Decimal("-33.33333"), Decimal("-33.33333")]
    assert sum(grades) < 1  # ticking everything scores (about) nothing


def test_too_many_right_choices_warns():
    choices = "\n".join(f"      - {{text: c{i}, correct: true}}" for i in range(22))
    bank = bank_from_text(f"""
id: many
title: Many
questions:
  - id: q
    type: multichoice
    text: All of them
    choices:
{choices}
      - {{text: wrong}}
""")
    warnings: list[str] = []
    ((_, _, element),) = read_moodle(export_bytes(generate(bank, 1, 1), warn=warnings.append))
    fractions = [Decimal(a.get("fraction")) for a in answers(element)]
    assert sum(f for f in fractions if f > 0) == 100 and fractions.count(0) == 2
    assert warnings and "more than 20" in warnings[0]


# --- --moodle-calculated ---------------------------------------------------------------------


def normalise_numbers(text: str) -> str:
    """Numbers as values: '15,000' and '15000', '30.00' and '30' read the same."""
    return re.sub(
        r"\d[\d,]*(?:\.\d+)?", lambda m: plain(Decimal(m.group(0).replace(",", ""))), text
    )


def moodle_substitute(text: str, values: dict[str, str]) -> str:
    """What Moodle shows: {=formula} computed, then {name} replaced by its value."""

    def formula(match):
        value = moodle_evaluate(match.group(1), values)
        return plain(Decimal(format(value, ".14g")))

    text = re.sub(r"\{=([^{}]*(?:\{[^{}]+}[^{}]*)*)\}", formula, text)
    return re.sub(_PLACEHOLDER, lambda m: values[m.group(1)], text)


@pytest.mark.parametrize("bank", [None, HOSTILE], ids=["default", "hostile"])
def test_calculated_questions_compute_the_recorded_answers(exported, bank):
    xml, generated, warnings = exported(bank, count=5, calculated=True)
    assert not [w for w in warnings if "calculated" in w]
    calculated = {i: (p, e) for p, i, e in read_moodle(xml) if e.get("type") == "calculated"}
    numerical = [q for q in generated.bank.questions if q.randomised and q.type == "numerical"]
    assert sorted(calculated) == sorted(f"{generated.bank.id}:{q.id}" for q in numerical)
    for q in numerical:
        _, element = calculated[f"{generated.bank.id}:{q.id}"]
        records = [question_record(v) for v in generated.variants[q.id]]
        datasets = {
            field(d, "name/text"): [
                field(i, "value") for i in d.findall("dataset_items/dataset_item")
            ]
            for d in element.findall("dataset_definitions/dataset_definition")
        }
        (answer,) = answers(element)
        formula = field(answer, "text")
        assert moodle_formula_errors(formula) is None, formula
        places = int(field(answer, "correctanswerlength"))
        for k, record in enumerate(records):
            values = {name: items[k] for name, items in datasets.items()}
            for name, value in values.items():
                assert Decimal(value) == Decimal(str(record["params"][name]))
            got = php_round(moodle_evaluate(formula, values), places)
            assert math.isclose(got, float(record["answer"]), rel_tol=1e-9, abs_tol=1e-9)
            question_text = field(element, "questiontext/text")
            for expression in re.findall(r"\{=([^{}]*(?:\{[^{}]+}[^{}]*)*)\}", question_text):
                assert moodle_formula_errors(expression) is None
            shown = moodle_substitute(question_text, values)
            assert [normalise_numbers(w) for w in html_words(shown)] == [
                normalise_numbers(w) for w in markdown_words(record["text"])
            ]
            solution = moodle_substitute(field(element, "generalfeedback/text"), values)
            assert [normalise_numbers(w) for w in html_words(solution)] == [
                normalise_numbers(w) for w in markdown_words(record["solution"])
            ]
        tolerance = Decimal(field(answer, "tolerance"))
        if q.spec.tolerance.relative:
            assert field(answer, "tolerancetype") == "1"
            assert tolerance == Decimal(q.spec.tolerance.value) / 100
        else:
            assert field(answer, "tolerancetype") == "2"


def test_calculated_falls_back_to_variants_when_moodle_cannot_say_it():
    bank = bank_from_text("""
id: fallback
title: Fallback
questions:
  - id: words
    type: numerical
    params:
      n: {min: 1, max: 9}
      word: {choices: [one, two]}
    text: "{{ word }} and {{ n }}"
    answer: n * 2
  - id: fine
    type: numerical
    params:
      n: {min: 1, max: 9}
    text: "{{ n }} doubled?"
    answer: n * 2
""")
    warnings: list[str] = []
    xml = export_bytes(generate(bank, 3, 1), calculated=True, warn=warnings.append)
    types = [(i, e.get("type")) for _, i, e in read_moodle(xml)]
    assert ("fallback:fine", "calculated") in types
    assert [t for i, t in types if i.startswith("fallback:words:")] == ["numerical"] * 3
    assert len(warnings) == 1 and "'words'" in warnings[0] and "'word'" in warnings[0]


def test_calculated_keeps_moodles_limit_of_100_value_sets(exported):
    xml, _generated, warnings = exported(None, count=120, calculated=True)
    element = next(e for _, _, e in read_moodle(xml) if e.get("type") == "calculated")
    assert {field(d, "itemcount") for d in element.findall(".//dataset_definition")} == {"100"}
    assert any("at most 100" in w for w in warnings)


@pytest.mark.parametrize(
    "formula, moodle",
    [
        ("a ** 2", "pow({a},2)"),
        ("-a ** 2", "pow((-{a}),2)"),  # Jinja: unary minus binds tighter than **
        ("a ** b ** 2", "pow(pow({a},{b}),2)"),  # and ** groups from the left
        ("a // b", "floor({a}/{b})"),
        ("a % b", "({a}-{b}*floor({a}/{b}))"),
        ("ln(a) + log(a, 10)", "(log({a})+log({a},10))"),
        ("round(a / 3, 2)", "round(({a}/3),2)"),
        ("(a + b) | round(1)", "round(({a}+{b}),1)"),
        ("degrees(pi) + e", "(rad2deg(pi())+exp(1))"),
        ("min(a, b, 2.50)", "min({a},{b},2.5)"),
        ("twice - 1", "((2*{a})-1)"),
    ],
)
def test_formulas_translate_to_moodle_syntax(formula, moodle):
    question = bank_from_text("""
id: f
title: F
questions:
  - id: q
    type: numerical
    params: {a: {min: 1, max: 3}, b: {min: 1, max: 3}}
    let: {twice: 2 * a}
    text: "{{ a }} {{ b }}"
    answer: a + b
""").questions[0]
    translated = Translator(question).formula(formula)
    assert translated == moodle
    assert moodle_formula_errors(translated) is None


@pytest.mark.parametrize(
    "formula",
    [
        "a ~ b",
        "a if b else 2",
        "sum([a, b])",
        "'text'",
        "len(a)",
        "a > b",
        "int(a)",
        "a | fixed(2)",
        "unknown + 1",
        "min(a)",
    ],
)
def test_formulas_moodle_cannot_express_are_refused(formula):
    question = bank_from_text("""
id: f
title: F
questions:
  - {id: q, type: numerical, params: {a: {min: 1, max: 3}, b: {min: 1, max: 3}},
     text: "{{ a }}", answer: a}
""").questions[0]
    with pytest.raises(NotExpressible):
        Translator(question).formula(formula)


def test_matching_with_two_pairs_becomes_drop_down_cloze():
    # Moodle's matching type stops the whole import at a question with fewer than 3 pairs.
    bank = bank_from_text("""
id: pairs
title: Pairs
questions:
  - id: two
    type: matching
    text: Match the signs & words.
    points: 2
    pairs:
      - ["<", "less than"]
      - ["=x", "equals {x} ~ # }"]
""")
    generated = generate(bank, 1, 1)
    warnings: list[str] = []
    ((_, _, element),) = read_moodle(export_bytes(generated, warn=warnings.append))
    assert element.get("type") == "cloze" and field(element, "defaultgrade") == "2"
    text, blanks = moodle_extract_cloze(field(element, "questiontext/text"))
    assert html_paragraphs(text) == [
        "Match the signs & words.",
        "less than {#1}",
        "equals {x} ~ # } {#2}",
    ]
    for blank, right in zip(blanks, ["<", "=x"]):
        assert blank["type"] == "MULTICHOICE_S" and blank["weight"] == 1
        choices = [html.unescape(a) for a in blank["answers"]]  # drop-down choices are HTML
        assert choices == ["<", "=x"]
        assert blank["fractions"] == [1 if c == right else 0 for c in choices]
    assert len(warnings) == 1 and "'two'" in warnings[0]


@pytest.mark.parametrize(
    "template, moodle",
    [
        ("{{ a }} + {{ b | thousands }}", ["{a}", " + ", "{b}"]),
        ("x{{ twice }}", ["x", "{=(2*{a})}"]),
        (
            "{{ a | fixed }} {{ (a / 3) | thousands(1) }}",
            ["{=round({a},2)}", " ", "{=round(({a}/3),1)}"],
        ),
        ("{ literal } {a}", ["{ literal } {a}"]),  # plain text; the writer escapes its braces
    ],
)
def test_templates_translate_to_moodle_wildcards(template, moodle):
    question = bank_from_text("""
id: f
title: F
questions:
  - {id: q, type: numerical, params: {a: {min: 1, max: 3}, b: {min: 1, max: 3}},
     let: {twice: 2 * a}, text: "{{ a }}", answer: a}
""").questions[0]
    assert translate_template(template, Translator(question)) == moodle


@pytest.mark.parametrize(
    "template",
    [
        "{% if a > 1 %}big{% endif %}",
        "{{ a | upper }}",
        "{{- a }}",
        "{{ answer_text }}",
        "{# note #}",
    ],
)
def test_templates_moodle_cannot_express_are_refused(template):
    question = bank_from_text("""
id: f
title: F
questions:
  - {id: q, type: numerical, params: {a: {min: 1, max: 3}}, text: "{{ a }}", answer: a}
""").questions[0]
    with pytest.raises(NotExpressible):
        translate_template(template, Translator(question))
