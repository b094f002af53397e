"""``qbank import`` of Moodle XML: Moodle 4.x's shapes (our own fixtures, written from
Moodle's question/format/xml exporter), and qbank's own Moodle XML back into a bank.

The round trip: bank -> Moodle XML -> import -> bank that validates -> Moodle XML again,
and the two XML files hold the same questions, texts, answers, fractions, tolerances and
feedback, question by question.
"""

from __future__ import annotations

import math
import re
from decimal import Decimal
from pathlib import Path

import pytest
from lxml import etree

from conftest import FIXTURES, run_cli
from qbank import limits
from qbank.bank.loader import load_bank
from qbank.errors import QbankError
from qbank.importing import import_file
from qbank.importing.calculated import FormulaNotMapped, translate_formula
from qbank.validation import validate_bank

IMPORT = FIXTURES / "import"


def moodle_xml(bank: Path | None, out: Path, seed: int = 3, n: int = 2) -> Path:
    args = ["generate", "-f", "moodle", "-n", str(n), "--seed", str(seed), "-o", str(out)]
    if bank is not None:
        args.insert(1, str(bank))
    run_cli(*args)
    (xml,) = out.glob("*.xml")
    return xml


def _norm(text: str | None) -> str:
    """HTML as a browser shows it: runs of spaces are one space (the importer writes one)."""
    return re.sub(r" {2,}", " ", re.sub(r">\s+<", "><", (text or "").strip()))


def questions(xml: Path) -> list[dict]:
    root = etree.fromstring(xml.read_bytes())
    out = []
    for q in root.iterchildren("question"):
        if q.get("type") == "category":
            continue
        entry = {
            "type": q.get("type"),
            "name": q.findtext("name/text"),
            "text": _norm(q.findtext("questiontext/text")),
            "general": _norm(q.findtext("generalfeedback/text")),
            "grade": q.findtext("defaultgrade"),
            "answers": [
                (
                    a.get("fraction"),
                    _norm(a.findtext("text")),
                    _norm(a.findtext("feedback/text")),
                    a.findtext("tolerance"),
                )
                for a in q.iterchildren("answer")
            ],
            "sub": [
                (_norm(s.findtext("text")), s.findtext("answer/text"))
                for s in q.iterchildren("subquestion")
            ],
            "units": [u.findtext("unit_name") for u in q.iter("unit")],
            "single": q.findtext("single"),
            "grader": _norm(q.findtext("graderinfo/text")),
            "files": sorted(f.text or "" for f in q.iter("file")),
        }
        out.append(entry)
    return out


def round_trip(bank: Path | None, tmp_path: Path) -> tuple[list[dict], list[dict]]:
    first = moodle_xml(bank, tmp_path / "first")
    imported = tmp_path / "imported" / "bank.yaml"
    summary = import_file(str(first), str(imported))
    assert summary.written == summary.read
    loaded = load_bank(imported)
    validate_bank(loaded)
    second = moodle_xml(imported, tmp_path / "second", n=1)
    return questions(first), questions(second)


@pytest.mark.parametrize(
    "bank",
    [None, FIXTURES / "good" / "every-type.yaml", FIXTURES / "good" / "units.yaml",
     FIXTURES / "good" / "ordering.yaml", FIXTURES / "good" / "hostile-text.yaml",
     FIXTURES / "richtext" / "bank.yaml", FIXTURES / "nasty" / "markup-and-quotes.yaml",
     FIXTURES / "nasty" / "unicode-everywhere.yaml", FIXTURES / "nasty" / "yaml-traps.yaml",
     FIXTURES / "nasty" / "latex-in-double-quotes.yaml"],
    ids=["default", "every-type", "units", "ordering", "hostile-text", "richtext", "markup",
         "unicode", "yaml-traps", "latex"],
)  # fmt: skip
def test_qbank_moodle_xml_round_trip(bank, tmp_path):
    before, after = round_trip(bank, tmp_path)
    assert len(before) == len(after) > 0
    for a, b in zip(before, after):
        assert a == b, (a["name"], a, b)


# --- Moodle 4.x as it exports, every type ---------------------------------------------------


@pytest.fixture
def every_type(tmp_path):
    out = tmp_path / "bank.yaml"
    summary = import_file(str(IMPORT / "moodle-every-type.xml"), str(out))
    return out, summary


def test_every_type_validates(every_type):
    out, summary = every_type
    bank = load_bank(out)
    validate_bank(bank)
    types = {q.id: q.type for q in bank.questions}
    assert types == {
        "ohm-numerical": "numerical",
        "capital-mc": "multichoice",
        "primes-multi": "multichoice",
        "earth-flat": "truefalse",
        "colour-short": "shortanswer",
        "essay-energy": "essay",
        "match-capitals": "matching",
        "cloze-mixed": "cloze",
        "order-planets": "ordering",
        "calc-area": "numerical",
        "calc-simple-speed": "numerical",
    }
    assert summary.read == 12 and summary.written == 11  # + one unknown type left out
    assert summary.skipped == {"Moodle question type 'ddwtos' has no qbank type": 1}
    assert bank.intro and "Read every question" in bank.intro


def test_every_type_fields(every_type):
    out, _ = every_type
    bank = load_bank(out)
    q = {q.id: q for q in bank.questions}
    text = out.read_text(encoding="utf-8")
    # numerical: unit, tolerance, points, tags, section from the category
    assert "unit: Ω" in text and "tolerance: 0.5" in text
    assert q["ohm-numerical"].points == 2 and "electricity" in q["ohm-numerical"].tags
    assert q["ohm-numerical"].section == "Circuits"
    # math kept, markdown made from the HTML
    assert "\\(R = \\frac{U}{I}\\)" in text and "**Ohm's law**" in text
    # multichoice: right choices, feedback
    assert "correct: true" in text and "Paris is the capital." in text
    # shortanswer alternatives and case
    assert "answer: [red, scarlet]" in text
    # cloze: every kind of blank
    assert "[[= 4 ± 0.1]]" in text and "[[? Paris | Lyon | Nice]]" in text
    assert "[[Berlin|berlin]]" in text
    # ordering in its right order
    assert "items: [Mercury, Venus, Earth, Mars]" in text
    # the picture was written next to the bank and is shown from the Markdown
    picture = out.parent / "bank-files" / "circuit.png"
    assert picture.read_bytes().startswith(b"\x89PNG")
    assert "![A simple circuit](bank-files/circuit.png)" in text


def test_calculated_agrees_with_moodle_for_every_dataset_item(every_type):
    out, _ = every_type
    bank = load_bank(out)
    q = {q.id: q for q in bank.questions}
    root = etree.fromstring((IMPORT / "moodle-every-type.xml").read_bytes())
    from qbank.templates.runner import compile_formula

    checked = 0
    for element in root.iterchildren("question"):
        if not (element.get("type") or "").startswith("calculated"):
            continue
        qid = element.findtext("idnumber")
        formula = element.findtext("answer/text")
        datasets = {
            d.findtext("name/text"): [i.findtext("value") for i in d.iter("dataset_item")]
            for d in element.iter("dataset_definition")
        }
        spec = {p.name: p for p in q[qid].params}
        for index in range(len(next(iter(datasets.values())))):
            values = {name: Decimal(items[index]) for name, items in datasets.items()}
            for name, value in values.items():  # each drawn value is one qbank can draw
                p = spec[name]
                assert p.minimum <= value <= p.maximum
            php = re.sub(r"\{(\w+)\}", lambda m, v=values: str(v[m.group(1)]), formula)
            php = php.replace("pi()", "math.pi").replace("sqrt", "math.sqrt")
            php = re.sub(r"pow\(([^,]+),([^)]+)\)", r"((\1)**(\2))", php)
            moodle = eval(php, {"math": math})  # our own fixture's formula
            ours = compile_formula(q[qid].spec.answer_formula).run(values)
            assert math.isclose(float(ours), moodle, rel_tol=1e-9), (qid, values)
            checked += 1
    assert checked >= 6


def test_formula_translation():
    assert translate_formula("{a} * pow({b}, 2) + pi()", ["a", "b"]) == "a * (b) ** (2) + pi"
    assert translate_formula("sqrt({x}) + deg2rad({y})", ["x", "y"]) == "sqrt(x) + radians(y)"
    with pytest.raises(FormulaNotMapped, match="sinh"):
        translate_formula("sinh({a})", ["a"])
    with pytest.raises(FormulaNotMapped, match="no dataset"):
        translate_formula("{zz} + 1", ["a"])


def test_lost_things_are_listed_per_question(tmp_path):
    out = tmp_path / "b.yaml"
    summary = import_file(str(IMPORT / "moodle-every-type.xml"), str(out))
    joined = "\n".join(summary.warnings)
    assert "question 'capital-mc': not carried over:" in joined
    assert "the feedback for right, partly right and wrong answers" in joined
    assert "partial credit" in joined
    assert "ddwtos" in joined


def test_cli_summary(tmp_path):
    out = tmp_path / "cli.yaml"
    result = run_cli("import", IMPORT / "moodle-every-type.xml", "-o", out)
    assert "Wrote" in result.output and "11 of 12 questions read" in result.output
    assert "1 × Moodle question type 'ddwtos' has no qbank type" in result.output
    assert "Warning:" in result.stderr
    run_cli("validate", out)
    again = run_cli("import", IMPORT / "moodle-every-type.xml", "-o", out, expect=1)
    assert "exists already" in again.stderr


# --- hostile files ------------------------------------------------------------------------


def _write(tmp_path: Path, text: str, name: str = "in.xml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_external_entity_is_not_read(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("TOPSECRET", encoding="utf-8")
    xml = _write(
        tmp_path,
        f'<?xml version="1.0"?><!DOCTYPE quiz [<!ENTITY x SYSTEM "file://{secret}">]>'
        '<quiz><question type="truefalse"><name><text>T</text></name>'
        '<questiontext format="html"><text>&x; is true</text></questiontext>'
        '<answer fraction="100"><text>true</text></answer>'
        '<answer fraction="0"><text>false</text></answer></question></quiz>',
    )
    out = tmp_path / "b.yaml"
    import_file(str(xml), str(out))
    assert "TOPSECRET" not in out.read_text(encoding="utf-8")


def test_billion_laughs_refused_or_harmless(tmp_path):
    lol = "".join(f'<!ENTITY l{i} "{f"&l{i - 1};" * 10}">' for i in range(1, 10))
    xml = _write(
        tmp_path,
        f'<?xml version="1.0"?><!DOCTYPE quiz [<!ENTITY l0 "lol">{lol}]>'
        '<quiz><question type="essay"><name><text>E</text></name>'
        '<questiontext format="html"><text>&l9;</text></questiontext></question></quiz>',
    )
    out = tmp_path / "b.yaml"
    try:
        import_file(str(xml), str(out))
    except QbankError as exc:
        assert "in.xml" in str(exc)
    else:
        assert out.stat().st_size < 10_000


def test_bad_xml_names_file_and_line(tmp_path):
    xml = _write(tmp_path, '<?xml version="1.0"?>\n<quiz>\n<question type="essay">\n</quiz>\n')
    result = run_cli("import", xml, "-o", tmp_path / "b.yaml", expect=1)
    assert re.search(r"in\.xml:\d+: this is not a readable Moodle XML file", result.stderr)
    assert "Traceback" not in result.output


def test_not_a_moodle_file(tmp_path):
    xml = _write(tmp_path, "<html><body>hi</body></html>")
    result = run_cli("import", xml, "-o", tmp_path / "b.yaml", expect=1)
    assert "not a Moodle question file" in result.stderr


def test_picture_name_leaving_the_folder_refused(tmp_path):
    xml = _write(
        tmp_path,
        '<quiz><question type="essay"><name><text>E</text></name>'
        '<questiontext format="html"><text><![CDATA[<p>See '
        '<img src="@@PLUGINFILE@@/..%2Fevil.png" alt="x"></p>]]></text>'
        '<file name="../evil.png" path="/" encoding="base64">iVBORw0KGgo=</file>'
        "</questiontext></question></quiz>",
    )
    out = tmp_path / "sub" / "b.yaml"
    summary = import_file(str(xml), str(out))
    assert not (tmp_path / "evil.png").exists() and not (tmp_path / "sub" / "evil.png").exists()
    assert any("leads out of the folder" in w for w in summary.warnings)


def test_large_file_refused(tmp_path, monkeypatch):
    monkeypatch.setattr(limits, "MAX_IMPORT_BYTES", 100)
    xml = _write(tmp_path, "<quiz>" + " " * 200 + "</quiz>")
    result = run_cli("import", xml, "-o", tmp_path / "b.yaml", expect=1)
    assert "at most 100 bytes" in result.stderr


def test_yaml_traps_are_quoted(tmp_path):
    xml = _write(
        tmp_path,
        '<quiz><question type="shortanswer"><name><text>no</text></name>'
        '<questiontext format="html"><text>on</text></questiontext>'
        '<answer fraction="100"><text>no</text></answer>'
        '<answer fraction="100"><text>1:30</text></answer>'
        '<answer fraction="100"><text>0x1F</text></answer>'
        '<answer fraction="100"><text>007</text></answer></question></quiz>',
    )
    out = tmp_path / "b.yaml"
    import_file(str(xml), str(out))
    bank = load_bank(out)
    (q,) = bank.questions
    assert q.title == "no"
    assert list(q.spec.accepted) == ["no", "1:30", "0x1F", "007"]


def test_qbank_calculated_export_comes_back_as_the_same_formula(tmp_path):
    """`--moodle-calculated` writes each randomised numerical question once, with its
    drawn values as dataset items; imported, every item lies in the parameter's range and
    the imported formula gives the original question's answer for every item."""
    from qbank.templates.runner import compile_formula

    out = tmp_path / "first"
    run_cli("generate", "-f", "moodle", "--moodle-calculated", "-n", "5", "--seed", "4",
            "-o", out)  # fmt: skip
    (xml,) = out.glob("*.xml")
    imported = tmp_path / "b.yaml"
    import_file(str(xml), str(imported))
    bank = load_bank(imported)
    validate_bank(bank)
    original = {q.id: q for q in load_bank(None).questions}
    ours = {q.id: q for q in bank.questions}
    root = etree.fromstring(xml.read_bytes())
    checked = 0
    for element in root.iterchildren("question"):
        if element.get("type") != "calculated":
            continue
        qid = element.findtext("idnumber").split(":")[1]
        datasets = {
            d.findtext("name/text"): [i.findtext("value") for i in d.iter("dataset_item")]
            for d in element.iter("dataset_definition")
        }
        params = {p.name: p for p in ours[qid].params}
        for index in range(len(next(iter(datasets.values())))):
            values = {name: Decimal(items[index]) for name, items in datasets.items()}
            for name, value in values.items():
                assert params[name].minimum <= value <= params[name].maximum
            scope = dict(values)
            for name, source in original[qid].let:
                scope[name] = compile_formula(source).run(scope)
            want = compile_formula(original[qid].spec.answer_formula).run(scope)
            got = compile_formula(ours[qid].spec.answer_formula).run(values)
            assert Decimal(str(got)) == Decimal(str(want)), (qid, values)
            checked += 1
    assert checked >= 10


def test_one_bank_per_top_category_in_a_folder(tmp_path):
    def tf(name: str) -> str:
        return (
            f'<question type="truefalse"><name><text>{name}</text></name>'
            f'<questiontext format="html"><text>{name} is true.</text></questiontext>'
            '<answer fraction="100"><text>true</text></answer>'
            '<answer fraction="0"><text>false</text></answer></question>'
        )

    def category(path: str) -> str:
        return f'<question type="category"><category><text>{path}</text></category></question>'

    xml = _write(
        tmp_path,
        "<quiz>"
        + category("$course$/top/Algebra/Linear")
        + tf("A1")
        + category("$course$/top/Geometry")
        + tf("G1")
        + category("$course$/top/Algebra/Quadratic")
        + tf("A2")
        + "</quiz>",
    )
    result = run_cli("import", xml, "-o", f"{tmp_path / 'banks'}/")
    assert "Wrote 2 banks, one per top category" in result.output
    algebra = load_bank(tmp_path / "banks" / "Algebra.yaml")
    geometry = load_bank(tmp_path / "banks" / "Geometry.yaml")
    assert [q.title for q in algebra.questions] == ["A1", "A2"]
    assert [q.section for q in algebra.questions] == ["Linear", "Quadratic"]
    assert [q.title for q in geometry.questions] == ["G1"] and algebra.title == "Algebra"
    run_cli("validate", tmp_path / "banks" / "Algebra.yaml", tmp_path / "banks" / "Geometry.yaml")


def _calculated(qid: str, formula: str, datasets: dict[str, tuple[str, list[str]]]) -> str:
    definitions = "".join(
        f"<dataset_definition><status><text>{status}</text></status>"
        f"<name><text>{name}</text></name><type>calculated</type>"
        "<distribution><text>uniform</text></distribution>"
        "<minimum><text>1</text></minimum><maximum><text>10</text></maximum>"
        "<decimals><text>1</text></decimals>"
        f"<itemcount>{len(items)}</itemcount><dataset_items>"
        + "".join(
            f"<dataset_item><number>{i}</number><value>{v}</value></dataset_item>"
            for i, v in enumerate(items, 1)
        )
        + f"</dataset_items><number_of_items>{len(items)}</number_of_items>"
        "</dataset_definition>"
        for name, (status, items) in datasets.items()
    )
    return (
        f'<question type="calculated"><name><text>{qid}</text></name>'
        f'<questiontext format="html"><text>x = {{x}}, y = {{y}}</text></questiontext>'
        f"<idnumber>{qid}</idnumber>"
        f'<answer fraction="100"><text>{formula}</text><tolerance>0.01</tolerance>'
        "<tolerancetype>2</tolerancetype><correctanswerformat>1</correctanswerformat>"
        "<correctanswerlength>2</correctanswerlength></answer>"
        f"<dataset_definitions>{definitions}</dataset_definitions></question>"
    )


def test_shared_datasets_become_one_index_parameter(tmp_path):
    """Shared wildcards keep their items together: one parameter picks the item, so each
    of Moodle's items comes back as itself, in both questions that share them."""
    from qbank.templates.runner import compile_formula

    shared_x = ["1.5", "2.5", "7.25"]
    xml = _write(
        tmp_path,
        "<quiz>"
        + _calculated("one", "{x} * {y}", {"x": ("shared", shared_x),
                                           "y": ("shared", ["2", "3", "4"])})
        + _calculated("two", "{x} + {y}", {"x": ("shared", shared_x), "y": ("private", ["5"] * 3)})
        + "</quiz>",
    )  # fmt: skip
    out = tmp_path / "b.yaml"
    import_file(str(xml), str(out))
    bank = load_bank(out)
    validate_bank(bank)
    one, two = bank.questions
    assert [p.name for p in one.params] == ["item"]
    assert [(p.minimum, p.maximum) for p in one.params] == [(1, 3)]
    assert [p.name for p in two.params] == ["item", "y"]
    for item in (1, 2, 3):
        scope: dict = {"item": item}
        for name, source in one.let:
            scope[name] = compile_formula(source).run(scope)
        assert scope["x"] == Decimal(shared_x[item - 1])
        assert compile_formula(one.spec.answer_formula).run(scope) == Decimal(
            shared_x[item - 1]
        ) * (item + 1)


def test_a_question_the_bank_format_refuses_is_left_out_and_named(tmp_path):
    xml = _write(
        tmp_path,
        '<quiz><question type="truefalse"><name><text>Empty</text></name>'
        '<questiontext format="html"><text></text></questiontext>'
        '<answer fraction="100"><text>true</text></answer>'
        '<answer fraction="0"><text>false</text></answer></question>'
        '<question type="essay"><name><text>Fine</text></name>'
        '<questiontext format="html"><text>Write.</text></questiontext></question></quiz>',
    )
    out = tmp_path / "b.yaml"
    summary = import_file(str(xml), str(out))
    assert summary.read == 2 and summary.written == 1
    assert summary.skipped == {"the bank format refused it (see the warning)": 1}
    assert any(
        w.startswith(f"{xml}:1: question 'Empty' was left out:") and "empty" in w
        for w in summary.warnings
    )
    validate_bank(load_bank(out))
