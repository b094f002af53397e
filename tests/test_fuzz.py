"""Fuzzing with hypothesis, and the corpus of nasty banks in tests/fixtures/nasty/.

Properties:

* loading and validating anything (random text, random YAML structures, damaged copies of
  a good bank, random formulas) raises nothing but qbank's own error;
* every exporter's output parses back with its own reader (json, lxml for Moodle XML,
  python-docx for Word, the real ``anki`` library for .apkg) and holds the text exactly
  as written (Word: as its Markdown reads, each formula an equation), for generated
  texts and for every bank of the corpus.

Example counts are kept small for the slow formats (Word, Anki) so the file runs in
well under a minute.
"""

from __future__ import annotations

import contextlib
import dataclasses
import html
import importlib
import json
import re
import tempfile
import unicodedata
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from conftest import FIXTURES
from qbank.bank import load_bank_text
from qbank.bank.schema import BANK_FIELDS, QUESTION_FIELDS
from qbank.errors import QbankError
from qbank.exporters import registry
from qbank.exporters.jsonrecord import dumps, question_record
from qbank.pipeline import run, validate_bank
from qbank.richtext import parse_block, parse_inline, plain_text
from qbank.richtext.tree import Document, MathBlock, MathInline, Paragraph, Text
from qbank.templates import CONTROL_CHARACTERS, compile_formula, is_template
from test_qti import qti_text as read_qti_zip

NASTY = sorted((FIXTURES / "nasty").glob("*.yaml"))
EVERY_TYPE = (FIXTURES / "good" / "every-type.yaml").read_text(encoding="utf-8")
FAST = settings(
    max_examples=100,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
SLOW_FORMATS = {"docx": 12, "anki": 10}


def load_and_validate(text: str) -> None:
    """What ``qbank validate`` does with a file's text; only QbankError may escape."""
    try:
        bank = load_bank_text(text, "fuzz.yaml")
        validate_bank(bank)
    except QbankError:
        pass


# --- loading never raises anything but QbankError ---------------------------------------------


@FAST
@given(st.text(alphabet=st.characters(exclude_categories=()), max_size=300))
def test_any_text_loads_or_fails_cleanly(text):
    load_and_validate(text)


SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=True),
    st.text(max_size=30),
    st.sampled_from(
        [
            "{{ x }}",
            "{{ ''.__class__ }}",
            "{% for %}",
            "[[blank]]",
            "no",
            "yes",
            "12:30",
            "0x1F",
            "1e999999",
            ".nan",
            "-.inf",
            "10 ** 10 ** 10",
            "x / 0",
            "numerical",
            "multichoice",
            "cloze",
            "matching",
            "essay",
            "../x",
            "con",
            "a" * 70,
            "\x07",
            "\ufffe",
        ]
    ),
)
KEYS = st.one_of(
    st.sampled_from(
        sorted(
            set(QUESTION_FIELDS) | set(BANK_FIELDS) | {"min", "max", "step", "correct", "x", "y"}
        )
    ),
    st.text(max_size=10),
)
VALUES = st.recursive(
    SCALARS,
    lambda inner: st.one_of(st.lists(inner, max_size=5), st.dictionaries(KEYS, inner, max_size=6)),
    max_leaves=30,
)
QUESTION = st.fixed_dictionaries(
    {
        "id": st.one_of(st.from_regex(r"[a-z][a-z0-9-]{0,8}", fullmatch=True), SCALARS),
        "type": st.sampled_from(
            [
                "numerical",
                "multichoice",
                "truefalse",
                "shortanswer",
                "essay",
                "matching",
                "cloze",
                "numeric",
            ]
        ),
        "text": st.one_of(st.text(max_size=40), SCALARS),
    },
    optional={
        k: VALUES
        for k in (
            "params",
            "let",
            "where",
            "answer",
            "choices",
            "pairs",
            "tolerance",
            "decimals",
            "unit",
            "title",
            "points",
        )
    },
)


@FAST
@given(
    st.fixed_dictionaries(
        {"id": SCALARS, "title": SCALARS, "questions": st.lists(QUESTION, max_size=4)},
        optional={"tags": VALUES, "intro": VALUES},
    )
)
def test_any_bank_structure_loads_or_fails_cleanly(bank):
    load_and_validate(yaml.safe_dump(bank, allow_unicode=True, sort_keys=False))


@FAST
@given(st.data())
def test_a_damaged_good_bank_loads_or_fails_cleanly(data):
    text = EVERY_TYPE
    for _ in range(data.draw(st.integers(1, 4))):
        start = data.draw(st.integers(0, len(text)))
        end = data.draw(st.integers(start, min(len(text), start + 40)))
        insert = data.draw(
            st.one_of(
                st.just(""),
                st.text(max_size=8),
                st.sampled_from(
                    ["{{", "}}", "{%", ":", "- ", "\n", "\t", "'", '"', "&a", "*a", "!!"]
                ),
            )
        )
        text = text[:start] + insert + text[end:]
    load_and_validate(text)


NUMBERS = st.one_of(
    st.integers(-(10**6), 10**6).map(str),
    st.decimals(allow_nan=False, allow_infinity=False, places=3).map(str),
    st.sampled_from(["0", "1e999", "10**999", "0.1", "pi", "e", "x", "y"]),
)
OPERATORS = st.sampled_from(
    ["+", "-", "*", "/", "//", "%", "**", "~", "==", "<", "and", "or", "in"]
)
FUNCTIONS = st.sampled_from(
    [
        "round",
        "sqrt",
        "ln",
        "log",
        "exp",
        "sin",
        "min",
        "max",
        "sum",
        "abs",
        "int",
        "number",
        "fixed",
        "thousands",
        "len",
        "floor",
    ]
)
FORMULAS = st.recursive(
    NUMBERS,
    lambda inner: st.one_of(
        st.tuples(inner, OPERATORS, inner).map(lambda t: f"({t[0]} {t[1]} {t[2]})"),
        st.tuples(FUNCTIONS, inner).map(lambda t: f"{t[0]}({t[1]})"),
        st.lists(inner, max_size=4).map(lambda items: "[" + ", ".join(items) + "]"),
        inner.map(lambda x: f"-{x}"),
        inner.map(lambda x: f"{x}|abs"),
        st.tuples(inner, inner).map(lambda t: f"{t[0]}[{t[1]}]"),
    ),
    max_leaves=12,
)


@FAST
@given(FORMULAS)
def test_any_formula_computes_or_fails_cleanly(formula):
    with contextlib.suppress(QbankError):
        compile_formula(formula).run({"x": 3, "y": "text"})


# --- exporters: parse back, text intact -----------------------------------------------------


def squash(text: str) -> str:
    """Text with every run of whitespace (any Unicode space or line break) as one space."""
    return " ".join(text.split())


def moodle_text(folder: Path, bank_id: str) -> str:
    from lxml import etree
    from lxml import html as lxml_html

    tree = etree.parse(str(folder / f"{bank_id}-moodle.xml"))  # must be well-formed XML
    parts = []
    for element in tree.iter("text"):
        content = element.text or ""
        if element.getparent().get("format") == "html" and content.strip():
            content = re.sub(r"(?i)<br\s*/?>|</p>|</li>|</div>|</t[dh]>", "\n", content)
            root = lxml_html.fragment_fromstring(content, create_parent="div")
            # MathJax's delimiters, within one text node (text that only looks like one
            # is split by an empty <span>), as a reader sees the typeset formula: its TeX.
            content = "".join(_MATHJAX.sub("", text) for text in root.itertext())
        parts.append(content)
    return "\n".join(parts)


_MATHJAX = re.compile(r"\\[()\[\]]")


def markdown_as_plain_text(text: str, inline: bool) -> str:
    """What a format that renders Markdown shows of a text, as plain text."""
    return plain_text(parse_inline(text) if inline else parse_block(text))


WORD_MATH = "[math]"


def docx_text(folder: Path, bank_id: str) -> str:
    """The worksheets' paragraphs (tables' too) as text, each equation as [math]."""
    import docx

    w = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
    m = "{http://schemas.openxmlformats.org/officeDocument/2006/math}"

    def text(element) -> str:
        out = []
        for child in element:
            if child.tag in (f"{m}oMath", f"{m}oMathPara"):
                out.append(WORD_MATH)
            elif child.tag == f"{w}t":
                out.append(child.text or "")
            elif child.tag == f"{w}tab":
                out.append("\t")
            elif child.tag == f"{w}br":
                out.append("\n")
            elif child.tag not in (f"{w}pPr", f"{w}rPr"):
                out.append(text(child))
        return "".join(out)

    document = docx.Document(str(folder / f"{bank_id}-worksheets.docx"))
    return "\n".join(text(p) for p in document.element.body.iter(f"{w}p"))


def _math_shown(node):
    """A tree with each formula as the text [math] (what docx_text reads for it)."""
    if isinstance(node, MathInline):
        return Text(WORD_MATH)
    if isinstance(node, MathBlock):
        return Paragraph((Text(WORD_MATH),))
    if isinstance(node, tuple):
        return tuple(_math_shown(item) for item in node)
    if dataclasses.is_dataclass(node):
        changes = {
            f.name: _math_shown(getattr(node, f.name))
            for f in dataclasses.fields(node)
            if isinstance(getattr(node, f.name), tuple)
        }
        return dataclasses.replace(node, **changes)
    return node


def word_shows(text: str, inline: bool) -> str:
    """What Word shows of a text: block Markdown (a question text) or inline Markdown (a
    choice), emphasis dropped, each formula an equation."""
    doc: Document = parse_inline(text) if inline else parse_block(text)
    return plain_text(_math_shown(doc))


def anki_text(folder: Path, bank_id: str) -> str:
    from anki.collection import Collection, ImportAnkiPackageOptions, ImportAnkiPackageRequest

    col = Collection(str(folder / "learner.anki2"))
    try:
        col.import_anki_package(
            ImportAnkiPackageRequest(
                package_path=str(folder / f"{bank_id}.apkg"), options=ImportAnkiPackageOptions()
            )
        )
        fields = [f for nid in col.find_notes("") for f in col.get_note(nid).fields]
    finally:
        col.close()
    text = "\n".join(re.sub(r"(?i)<br\s*/?>|</div>|</p>|</li>", "\n", f) for f in fields)
    text = re.sub(r"\\[()\[\]]", "", text)  # MathJax's delimiters (literal ones hold a <span>)
    return html.unescape(re.sub(r"<[^>]+>", "", text))


def qti_text(folder: Path, bank_id: str) -> str:
    return read_qti_zip((folder / f"{bank_id}-qti.zip").read_bytes())


READERS = {"moodle": moodle_text, "docx": docx_text, "anki": anki_text, "qti": qti_text}
# Anki stores every field in Unicode normal form C: the one change it makes on import.
NORMALISE = {"anki": lambda s: unicodedata.normalize("NFC", s)}
#: What a format shows of a text (question texts are Markdown): (text, inline) -> text.
SHOWN_AS = {
    "moodle": markdown_as_plain_text,
    "anki": markdown_as_plain_text,
    "docx": word_shows,
    "qti": markdown_as_plain_text,
}


def texts_of(generated) -> list[tuple[str, bool]]:
    """The texts of a run every format must show: question texts and choice texts, each
    with whether it is an inline text (a choice) or a block of Markdown."""
    out = []
    for v in generated.all_variants():
        if v.question.type == "cloze":
            out += [(p, False) for p in v.payload.parts if isinstance(p, str)]
        else:
            out.append((v.text, False))
        out += [(c.text, True) for c in getattr(v.payload, "choices", ())]
    return [(t, inline) for t, inline in out if t.strip()]


def check_json(folder: Path, generated) -> None:
    record = json.loads((folder / f"{generated.bank.id}.json").read_text(encoding="utf-8"))
    for version in record["versions"]:
        expected = [
            json.loads(dumps(question_record(v))) for v in generated.version(version["version"])
        ]
        assert version["questions"] == expected


def check_format(name: str, folder: Path, generated) -> None:
    if name == "json":
        check_json(folder, generated)
        return
    if name not in READERS:
        pytest.skip(f"no reader for the format '{name}' in this test yet")
    normal = NORMALISE.get(name, lambda s: s)
    shown_as = SHOWN_AS.get(name, lambda text, inline: text)
    shown = squash(normal(READERS[name](folder, generated.bank.id)))
    for text, inline in texts_of(generated):
        assert squash(normal(shown_as(text, inline))) in shown, f"{name} lost or changed: {text!r}"


def export(bank_path: Path, name: str, folder: Path):
    result = run([bank_path], count=2, seed=1, formats=[name], out_dir=folder)
    return result.sets[0]


def formats() -> list[str]:
    """The formats that exist now: a format listed in qbank.exporters whose module is not
    written yet (or does not import) is left out, not an error."""
    try:
        return list(registry())
    except ImportError:
        from qbank import exporters

        for module in exporters._MODULES:
            try:
                importlib.import_module(module)
            except ImportError:
                continue
        return list(exporters._REGISTRY)


# PDF is the Word files turned into PDF by LibreOffice (tests/test_pdf.py); the text
# checks here read the Word files themselves.
FORMATS = [name for name in formats() if name != "pdf"]

TEXT = st.text(
    alphabet=st.characters(
        exclude_categories=("Cs",),
        exclude_characters="".join(
            map(chr, [*range(0, 9), 11, 12, *range(14, 32), *range(0x7F, 0xA0), 0xFFFE, 0xFFFF])
        ),
    ),
    min_size=1,
    max_size=60,
).filter(lambda s: s.strip() and not is_template(s) and "[[" not in s)


def bank_with(texts: list[str], choices: list[str]) -> str:
    questions = [{"id": f"q{i}", "type": "essay", "text": t} for i, t in enumerate(texts)]
    if len(set(c.strip() for c in choices)) == len(choices):
        questions.append(
            {
                "id": "pick",
                "type": "multichoice",
                "text": texts[0],
                "choices": [{"text": c, "correct": i == 0} for i, c in enumerate(choices)],
            }
        )
    return yaml.safe_dump(
        {"id": "fuzz", "title": "Fuzz", "questions": questions}, allow_unicode=True, sort_keys=False
    )


@pytest.mark.parametrize("name", FORMATS)
def test_generated_text_survives_every_format(name):
    examples = SLOW_FORMATS.get(name, 60)

    @settings(
        max_examples=examples,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
    )
    @given(st.lists(TEXT, min_size=1, max_size=3), st.lists(TEXT, min_size=2, max_size=4))
    def roundtrip(texts, choices):
        assume(all(c.strip() for c in choices))
        with tempfile.TemporaryDirectory() as tmp:
            folder = Path(tmp)
            bank = folder / "fuzz.yaml"
            bank.write_text(bank_with(texts, choices), encoding="utf-8")
            generated = export(bank, name, folder / "out")
            check_format(name, folder / "out", generated)

    roundtrip()


# --- the corpus -------------------------------------------------------------------------------


@pytest.mark.parametrize("name", FORMATS)
@pytest.mark.parametrize("path", NASTY, ids=[p.stem for p in NASTY])
def test_every_nasty_bank_survives_every_format(path, name, tmp_path):
    generated = export(path, name, tmp_path / "out")
    check_format(name, tmp_path / "out", generated)
    for v in generated.all_variants():  # nothing a format cannot hold is left
        assert not CONTROL_CHARACTERS.search(
            v.text + v.title + "".join(c.text for c in getattr(v.payload, "choices", ()))
        )


def test_the_corpus_texts_are_kept_as_written(tmp_path):
    bank = load_bank_text(
        (FIXTURES / "nasty" / "unicode-everywhere.yaml").read_text("utf-8"),
        "unicode-everywhere.yaml",
    )
    texts = {q.id: q.text for q in bank.questions}
    assert "cafe\u0301" in texts["accents"] and "café" not in texts["accents"]  # not normalised
    assert (
        "👩🏽‍🔬" in texts["emoji"] and "\u200b" in texts["spaces"] and "\ufeff" in texts["spaces"]
    )
    assert not bank.warnings
    traps = load_bank_text((FIXTURES / "nasty" / "yaml-traps.yaml").read_text("utf-8"), "t")
    assert traps.title == "12:30" and traps.subtitle == "007"
    accepted = {q.id: q.spec.accepted for q in traps.questions if q.type == "shortanswer"}
    assert accepted == {
        "time": ("12:30",),
        "bond": ("007",),
        "hex": ("0x1F",),
        "quoted-no": ("no",),
    }
    crlf = load_bank_text((FIXTURES / "nasty" / "crlf-line-endings.yaml").read_text("utf-8"), "c")
    assert crlf.questions[0].text == "First line.\n\nSecond paragraph, after a blank line."


def test_control_characters_are_removed_with_a_warning_naming_file_line_and_question(tmp_path):
    from click.testing import CliRunner

    from qbank.cli import cli

    path = FIXTURES / "nasty" / "control-characters.yaml"
    result = CliRunner().invoke(
        cli, ["generate", str(path), "-f", "json", "--seed", "1", "-o", str(tmp_path)]
    )
    assert result.exit_code == 0
    warnings = [
        line.replace(str(path), "control-characters.yaml")
        for line in result.stderr.splitlines()
        if line.startswith("Warning:")
    ]
    tail = "that Word, Anki and Moodle files cannot hold"
    assert warnings == [
        f"Warning: control-characters.yaml:2: removed invisible characters (U+0007) {tail}",
        "Warning: control-characters.yaml:6: question 'bell': removed invisible characters "
        f"(U+0007, U+000C, U+0001, U+001B) {tail}",
        "Warning: control-characters.yaml:9: question 'surrogates': removed invisible "
        f"characters (U+D800) {tail}",
        "Warning: control-characters.yaml:10: question 'surrogates': removed invisible "
        f"characters (U+FFFE) {tail}",
        "Warning: control-characters.yaml:13: question 'c1': removed invisible characters "
        f"(U+0093, U+0094, U+007F) {tail}",
    ]
    record = json.loads((tmp_path / "control-chars.json").read_text(encoding="utf-8"))
    texts = {q["id"]: q["text"] for q in record["versions"][0]["questions"]}
    assert texts["bell"] == "A bell and a form feed in raw text, an escape  and [31m."
    assert texts["surrogates"] == (
        "A lone surrogate escape  is dropped; a pair 😀 becomes one emoji."
    )
    assert record["bank"]["title"] == "Pasted from a web page"
