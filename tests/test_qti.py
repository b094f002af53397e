"""``-f qti``: the zip Canvas imports, read back three ways.

- the package: the manifest lists every file of the zip and nothing else; every XML is
  well-formed; entries are sorted and dated, the same run gives the same bytes;
- the questions: a small reader of Canvas's QTI (below, written from Canvas's export
  format) reads every item back, compared question by question with the JSON record; and
  qti2latex (PyPI), a reader of Canvas QTI written for text2qti's and Canvas's files, finds
  the same right answers;
- the structure: text2qti (PyPI) makes a zip from the same simple questions, and each item
  has the same elements in the same places;
- round trips (hypothesis): math, Unicode, ``<`` and ``&`` come back as written.
"""

from __future__ import annotations

import hashlib
import io
import json
import re
import zipfile
from dataclasses import dataclass, field, replace
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree
from lxml import html as lxml_html

from conftest import FIXTURES, bank_from_text, solid_png
from qbank.bank import load_bank
from qbank.exporters import ExportOptions, format_names
from qbank.exporters.jsonrecord import question_record
from qbank.exporters.qti import write_qti_zip
from qbank.generator import generate
from qbank.model import ImageFile
from qbank.pipeline import run
from qbank.safe_xml import parse as parse_xml

QTI = "{http://www.imsglobal.org/xsd/ims_qtiasiv1p2}"
CC = "{http://www.imsglobal.org/xsd/imsccv1p1/imscp_v1p1}"

BANK = """
id: qti-demo
title: "QTI & Canvas <demo>"
intro: "Take $g = 9.81$ and answer in full."
questions:
  - id: speed
    type: numerical
    title: Average speed
    params:
      distance: {min: 10, max: 100, step: 10}
      hours: {choices: [2, 4, 5]}
    text: A car travels {{ distance }} km in {{ hours }} hours. What is its average speed?
    answer: distance / hours
    unit: km/h
    decimals: 1
    tolerance: 1%
    points: 2
    solution: "speed = {{ answer_text }}"
  - id: one-right
    type: multichoice
    text: "Which is $x^2$ for $x = 3$?"
    choices:
      - {text: "$9$", correct: true, feedback: "Yes: $3 \\\\times 3$."}
      - {text: "$6$", feedback: "That is $2x$."}
      - {text: "3 < 9 & 6"}
  - id: primes
    type: multichoice
    single: false
    text: Which of these are prime numbers?
    choices:
      - {text: "2", correct: true}
      - {text: "3", correct: true}
      - {text: "4"}
  - id: flat
    type: truefalse
    text: The Earth is flat.
    answer: false
    feedback_true: Look at a ship's mast.
    feedback_false: Right.
  - id: colour
    type: shortanswer
    text: Which colour do you get by mixing blue and yellow?
    answer: [green, "grün & <gelb>"]
  - id: opinion
    type: essay
    text: Explain why the sky is blue.
    answer: Rayleigh scattering of sunlight.
  - id: glossary
    type: matching
    text: Match the words.
    pairs:
      cat: a small animal that purrs
      dog: "a loyal animal & friend"
      "$\\\\pi$": about 3.14
  - id: blanks
    type: cloze
    params:
      n: {min: 2, max: 4}
    text: >-
      {{ n }} + {{ n }} = [[{{ n + n }}]], half of it is [[= n / 2]]
      and the sky is [[blue|azure]].
  - id: drop
    type: cloze
    text: >-
      The median is [[? less than | equal to | greater than]] the mean,
      which is [[? small | large]].
  - id: mixed
    type: cloze
    text: "Paris is in [[France]] and it is [[? big | small]]."
  - id: steps
    type: ordering
    text: Put the steps in order.
    items: [Collect data, Train, Evaluate]
"""

CANVAS_TYPES = {
    "numerical": {"numerical_question"},
    "multichoice": {"multiple_choice_question", "multiple_answers_question"},
    "truefalse": {"true_false_question"},
    "shortanswer": {"short_answer_question"},
    "essay": {"essay_question"},
    "matching": {"matching_question"},
    "cloze": {"fill_in_multiple_blanks_question", "multiple_dropdowns_question"},
}


# --- a small reader of Canvas's QTI 1.2 ---------------------------------------------------


@dataclass
class Item:
    ident: str
    title: str
    type: str
    points: str
    html: str
    element: Any
    group: str | None = None
    #: choice questions: (html, right)
    choices: list[tuple[str, bool]] = field(default_factory=list)
    #: short answers; numerical: (exact, low, high)
    accepted: list[str] = field(default_factory=list)
    numeric: tuple[Decimal, Decimal, Decimal] | None = None
    #: matching: term -> definition; cloze: blank name -> (texts, right texts)
    matches: dict[str, str] = field(default_factory=dict)
    blanks: dict[str, tuple[list[str], list[str]]] = field(default_factory=dict)
    feedback: dict[str, str] = field(default_factory=dict)


def _text(element: Any, path: str) -> str:
    found = element.find(path)
    return "" if found is None else (found.text or "")


def read_item(element: Any, group: str | None) -> Item:
    meta = {
        _text(f, f"{QTI}fieldlabel"): _text(f, f"{QTI}fieldentry")
        for f in element.iter(f"{QTI}qtimetadatafield")
    }
    presentation = element.find(f"{QTI}presentation")
    item = Item(
        ident=element.get("ident"),
        title=element.get("title"),
        type=meta["question_type"],
        points=meta["points_possible"],
        html=_text(presentation, f"{QTI}material/{QTI}mattext"),
        element=element,
        group=group,
    )
    for fb in element.findall(f"{QTI}itemfeedback"):
        item.feedback[fb.get("ident")] = _text(fb, f".//{QTI}mattext")
    conditions = element.findall(f"{QTI}resprocessing/{QTI}respcondition")
    if item.type in ("multiple_choice_question", "true_false_question"):
        right = {
            c.find(f"{QTI}conditionvar/{QTI}varequal").text
            for c in conditions
            if _text(c, f"{QTI}setvar") == "100"
        }
        labels = presentation.iter(f"{QTI}response_label")
        item.choices = [
            (_text(lab, f"{QTI}material/{QTI}mattext"), lab.get("ident") in right) for lab in labels
        ]
    elif item.type == "multiple_answers_question":
        (scoring,) = [c for c in conditions if _text(c, f"{QTI}setvar") == "100"]
        right = {v.text for v in scoring.findall(f"{QTI}conditionvar/{QTI}and/{QTI}varequal")}
        wrong = {
            v.text for v in scoring.findall(f"{QTI}conditionvar/{QTI}and/{QTI}not/{QTI}varequal")
        }
        labels = list(presentation.iter(f"{QTI}response_label"))
        assert right | wrong == {lab.get("ident") for lab in labels}
        item.choices = [
            (_text(lab, f"{QTI}material/{QTI}mattext"), lab.get("ident") in right) for lab in labels
        ]
    elif item.type == "short_answer_question":
        (scoring,) = [c for c in conditions if _text(c, f"{QTI}setvar") == "100"]
        item.accepted = [v.text for v in scoring.findall(f"{QTI}conditionvar/{QTI}varequal")]
    elif item.type == "numerical_question":
        (scoring,) = [c for c in conditions if _text(c, f"{QTI}setvar") == "100"]
        either = scoring.find(f"{QTI}conditionvar/{QTI}or")
        item.numeric = (
            Decimal(_text(either, f"{QTI}varequal")),
            Decimal(_text(either, f"{QTI}and/{QTI}vargte")),
            Decimal(_text(either, f"{QTI}and/{QTI}varlte")),
        )
    elif item.type in (
        "matching_question",
        "fill_in_multiple_blanks_question",
        "multiple_dropdowns_question",
    ):
        right_of: dict[str, set[str]] = {}
        for c in conditions:
            for v in c.iter(f"{QTI}varequal"):
                right_of.setdefault(v.get("respident"), set()).add(v.text)
        for response in presentation.findall(f"{QTI}response_lid"):
            name = _text(response, f"{QTI}material/{QTI}mattext")
            labels = {
                lab.get("ident"): _text(lab, f"{QTI}material/{QTI}mattext")
                for lab in response.iter(f"{QTI}response_label")
            }
            right = [labels[i] for i in labels if i in right_of[response.get("ident")]]
            if item.type == "matching_question":
                (item.matches[name],) = right
            else:
                item.blanks[name] = (list(labels.values()), right)
    return item


@dataclass
class Package:
    names: list[str]
    files: dict[str, bytes]
    manifest: Any
    assessment: Any
    meta: Any
    items: list[Item]
    groups: dict[str, Any]


def read_package(data: bytes) -> Package:
    archive = zipfile.ZipFile(io.BytesIO(data))
    names = archive.namelist()
    files = {n: archive.read(n) for n in names}
    manifest = parse_xml(files["imsmanifest.xml"])
    (resource,) = [r for r in manifest.iter(f"{CC}resource") if r.get("type") == "imsqti_xmlv1p2"]
    assessment = parse_xml(files[resource.find(f"{CC}file").get("href")])
    (meta_resource,) = [
        r
        for r in manifest.iter(f"{CC}resource")
        if r.get("identifier") == resource.find(f"{CC}dependency").get("identifierref")
    ]
    meta = parse_xml(files[meta_resource.get("href")])
    items: list[Item] = []
    groups: dict[str, Any] = {}
    root = assessment.find(f"{QTI}assessment/{QTI}section")
    for child in root:
        if child.tag == f"{QTI}item":
            items.append(read_item(child, None))
        elif child.tag == f"{QTI}section":
            groups[child.get("ident")] = child
            items.extend(read_item(i, child.get("ident")) for i in child.findall(f"{QTI}item"))
    return Package(names, files, manifest, assessment, meta, items, groups)


# --- the runs -------------------------------------------------------------------------------


def _png(width: int = 4, height: int = 3) -> bytes:
    """A real PNG: ``width`` × ``height`` red pixels."""
    return solid_png(width, height)


def rich_set(count: int = 2):
    """The rich-text fixture bank drawn, with its two images (a PNG and an SVG) as the
    pipeline hands them to the exporters."""
    bank = load_bank(FIXTURES / "richtext" / "bank.yaml")
    svg = (FIXTURES / "richtext" / "figures" / "triangle.svg").read_bytes()
    png = _png()
    media = {
        "figures/bars.png": ImageFile(
            "figures/bars.png",
            f"qbank-{hashlib.sha256(png).hexdigest()[:16]}.png",
            png,
            "image/png",
            4,
            3,
        ),
        "figures/triangle.svg": ImageFile(
            "figures/triangle.svg",
            f"qbank-{hashlib.sha256(svg).hexdigest()[:16]}.svg",
            svg,
            "image/svg+xml",
            200,
            100,
            png,
        ),
    }
    return replace(generate(bank, count, 7), media=media)


def rich_package() -> tuple[Package, Any]:
    generated = rich_set()
    out = io.BytesIO()
    write_qti_zip(generated, out, timestamp=1700000000)
    return read_package(out.getvalue()), generated


def export(tmp_path: Path, bank: Path, count: int = 3, seed: int = 7) -> tuple[Package, Any, list]:
    warnings: list[str] = []
    result = run(
        [bank],
        count=count,
        seed=seed,
        formats=("json", "qti"),
        out_dir=tmp_path,
        options=ExportOptions.of(timestamp=1700000000),
        warn=warnings.append,
    )
    generated = result.sets[0]
    data = (tmp_path / f"{generated.bank.id}-qti.zip").read_bytes()
    return read_package(data), generated, warnings


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    folder = tmp_path_factory.mktemp("qti")
    bank = folder / "demo.yaml"
    bank.write_text(BANK, encoding="utf-8")
    return export(folder, bank)


def test_qti_is_a_registered_format_written_by_default():
    from qbank.exporters import default_formats

    assert "qti" in format_names() and "qti" in default_formats()


def test_the_manifest_lists_every_file_and_every_file_is_in_the_zip(demo, tmp_path):
    for package in (demo[0], rich_package()[0]):
        listed = {f.get("href") for f in package.manifest.iter(f"{CC}file")}
        assert listed == set(package.names) - {"imsmanifest.xml"}
        for resource in package.manifest.iter(f"{CC}resource"):
            if resource.get("href"):
                assert resource.get("href") in package.names
        assert package.names == sorted(package.names)


def test_every_xml_is_well_formed_and_entries_are_dated_from_the_timestamp(demo):
    package = demo[0]
    for name, data in package.files.items():
        if name.endswith(".xml"):
            parse_xml(data)
            assert data.startswith(b'<?xml version="1.0" encoding="UTF-8"?>'), name
    archive = zipfile.ZipFile(io.BytesIO(_zip(demo)))
    assert {i.date_time for i in archive.infolist()} == {(2023, 11, 14, 22, 13, 20)}


def _zip(demo) -> bytes:
    out = io.BytesIO()
    write_qti_zip(demo[1], out, timestamp=1700000000)
    return out.getvalue()


def test_the_same_run_makes_the_same_bytes(demo):
    assert _zip(demo) == _zip(demo)


def test_layout_is_canvas_s_one_assessment_folder_with_its_settings(demo):
    package = demo[0]
    ident = package.assessment.find(f"{QTI}assessment").get("ident")
    assert set(package.names) == {
        "imsmanifest.xml",
        f"{ident}/{ident}.xml",
        f"{ident}/assessment_meta.xml",
    }
    meta = package.meta
    assert meta.tag == "{http://canvas.instructure.com/xsd/cccv1p0}quiz"
    ns = "{http://canvas.instructure.com/xsd/cccv1p0}"
    assert meta.findtext(f"{ns}title") == "QTI & Canvas <demo>"
    assert "\\(g = 9.81\\)" in meta.findtext(f"{ns}description")
    # Points: one variant of each randomised question, no ordering.
    assert meta.findtext(f"{ns}points_possible") == "11"


def test_ordering_is_left_out_with_one_warning_naming_it(demo):
    package, _, warnings = demo
    assert not [i for i in package.items if "steps" in i.title]
    ordering = [w for w in warnings if "ordering" in w]
    assert len(ordering) == 1 and "'steps'" in ordering[0]


def test_each_randomised_question_is_a_group_that_picks_one_variant(demo):
    package, generated, _ = demo
    randomised = [q for q in generated.bank.questions if q.randomised and q.type != "ordering"]
    assert len(package.groups) == len(randomised)
    for question, (group_id, group) in zip(randomised, package.groups.items(), strict=True):
        assert (
            group.findtext(f"{QTI}selection_ordering/{QTI}selection/{QTI}selection_number") == "1"
        )
        points = group.findtext(f".//{QTI}points_per_item")
        assert Decimal(points) == question.points
        members = [i for i in package.items if i.group == group_id]
        assert len(members) == len(generated.variants[question.id])


def _html_text(fragment: str) -> str:
    if not fragment:
        return ""
    return lxml_html.fragment_fromstring(fragment, create_parent="div").text_content()


def _pairs_of_items(package: Package, generated) -> list[tuple[Item, dict]]:
    """Each item with the JSON record of its variant, in the bank's order."""
    out = []
    items = iter(package.items)
    for q in generated.bank.questions:
        if q.type == "ordering":
            continue
        for v in generated.variants[q.id]:
            out.append((next(items), question_record(v, generated.media, math=True)))
    assert next(items, None) is None
    return out


def test_every_question_reads_back_with_its_right_answers(demo):
    package, generated, warnings = demo
    for item, record in _pairs_of_items(package, generated):
        assert item.type in CANVAS_TYPES[record["type"]], (item.type, record["id"])
        assert Decimal(item.points) == record["points"]
        if record["type"] != "cloze":
            assert item.html == record["html"], record["id"]
        kind = record["type"]
        if kind == "numerical":
            exact, low, high = item.numeric
            assert exact == record["answer"]
            assert high - exact == exact - low == record["tolerance"]
            assert record["solution_html"] in item.feedback["general_fb"]
        elif kind == "multichoice":
            assert item.type == (
                "multiple_choice_question" if record["single"] else "multiple_answers_question"
            )
            assert item.choices == [(c["html"], c["correct"]) for c in record["choices"]]
            for i, c in enumerate(record["choices"]):
                assert item.feedback.get(f"{item.ident}_{i + 1}_fb", "") == c["feedback_html"]
        elif kind == "truefalse":
            assert item.choices == [("True", record["answer"]), ("False", not record["answer"])]
            assert item.feedback[f"{item.ident}_1_fb"] == "<p>Look at a ship's mast.</p>"
        elif kind == "shortanswer":
            accepted = (
                record["answer"] if isinstance(record["answer"], list) else [record["answer"]]
            )
            assert item.accepted == accepted
        elif kind == "essay":
            assert "Rayleigh scattering" in item.feedback["general_fb"]
        elif kind == "matching":
            terms = {"\\(\\pi\\)" if t == "$\\pi$" else t: d for t, d in record["pairs"]}
            assert item.matches == terms
        elif kind == "cloze":
            blanks = [p for p in record["parts"] if isinstance(p, dict)]
            names = re.findall(r"\[(blank\d+)\]", item.html)
            assert names == [f"blank{i + 1}" for i in range(len(blanks))] == list(item.blanks)
            dropdowns = all("options" in b for b in blanks)
            assert item.type == (
                "multiple_dropdowns_question" if dropdowns else "fill_in_multiple_blanks_question"
            )
            for name, blank in zip(names, blanks, strict=True):
                texts, right = item.blanks[name]
                if "options" in blank and dropdowns:
                    assert texts == blank["options"] and right == blank["blank"][:1]
                elif "numeric" in blank:
                    # Graded as text: the number as shown, with its unit too if it has one.
                    assert Decimal(right[0]) == blank["numeric"]["value"]
                    assert set(right) >= set(blank["blank"])
                else:
                    assert right == texts == blank["blank"][: len(texts)]
            if record["id"] == "mixed":
                assert "[blank2] (big / small)" in item.html
    assert any("'mixed'" in w and "drop-down" in w for w in warnings)


def test_qti2latex_an_independent_reader_finds_the_same_right_answers(demo):
    """qti2latex (PyPI) reads Canvas and text2qti QTI: its metadata, stems, choices and
    right answers agree with the JSON record."""
    import xml.etree.ElementTree as ET

    qti2latex = pytest.importorskip("qti2latex")
    package, generated, _ = demo
    name = next(n for n in package.names if n.endswith(".xml") and "/g" in n and "meta" not in n)
    root = ET.fromstring(package.files[name])
    # qti2latex takes every varequal for a right answer, those of the conditions that only
    # show a choice's feedback too (text2qti writes them the same way): it is given the
    # conditions that score.
    for processing in qti2latex.findall_anyns(root, "resprocessing"):
        for condition in qti2latex.childall_anyns(processing, "respcondition"):
            if not qti2latex.childall_anyns(condition, "setvar"):
                processing.remove(condition)
    items = qti2latex.findall_anyns(root, "item")
    pairs = _pairs_of_items(package, generated)
    assert len(items) == len(pairs)
    for element, (_, record) in zip(items, pairs, strict=True):
        meta = qti2latex.get_qti_metadata(element)
        assert meta["question_type"] in CANVAS_TYPES[record["type"]]
        assert qti2latex.guess_type(meta, element) == meta["question_type"]
        stem = qti2latex.get_item_stem(element)
        if record["type"] != "cloze":
            assert stem == record["html"].strip()
        correct = qti2latex.get_correct_idents(element)
        if record["type"] == "multichoice" or record["type"] == "truefalse":
            choices = qti2latex.get_choices(element)
            right = [text for ident, text in choices if ident in correct]
            if record["type"] == "truefalse":
                assert right == ["True" if record["answer"] else "False"]
            else:
                assert right == [c["html"] for c in record["choices"] if c["correct"]]
        elif record["type"] == "shortanswer":
            assert correct == set(record["answer"])
        elif record["type"] == "numerical":
            assert {Decimal(c) for c in correct} == {record["answer"]}


def test_images_are_packaged_and_referenced_as_canvas_exports_them():
    package, generated = rich_package()
    images = [n for n in package.names if n.startswith("web_resources/Uploaded Media/")]
    assert sorted(Path(n).suffix for n in images) == [".png", ".svg"]
    texts = "".join(i.html for i in package.items)
    for name in images:
        file = name.rsplit("/", 1)[1]
        assert f'src="%24IMS-CC-FILEBASE%24/Uploaded%20Media/{file}"' in texts
        image = next(i for i in generated.media.values() if i.name == file)
        assert package.files[name] == image.data
    resources = {r.get("href"): r.get("type") for r in package.manifest.iter(f"{CC}resource")}
    assert all(resources[n] == "webcontent" for n in images)
    # Math for MathJax, hostile HTML as text.
    assert "\\(\\alpha\\)" in texts and "&lt;script&gt;" in texts and "<script>" not in texts


def test_an_image_missing_from_media_shows_its_alt_text(tmp_path):
    bank = bank_from_text(
        "id: x\ntitle: X\nquestions:\n  - id: a\n    type: essay\n"
        "    text: 'See ![a red square](nowhere.png)'\n"
    )
    out = io.BytesIO()
    write_qti_zip(generate(bank, 1, 1), out, timestamp=0)
    package = read_package(out.getvalue())
    assert package.items[0].html == "<p>See a red square</p>"
    assert not [n for n in package.names if n.startswith("web_resources")]


# --- text2qti: the same simple questions, the same structure --------------------------------

TEXT2QTI_QUIZ = """\
Quiz title: Structure
Quiz description: Compared with qbank

Title: MC
1.  Which is right?
a)  wrong
*b) right

Title: Num
2.  How many?
=   6 +- 0.5

Title: SA
3.  Capital of France?
*   Paris
*   paris

Title: Essay
4.  Explain.
____

Title: MA
5.  Which are even?
[*] 2
[ ] 3
[*] 4

GROUP
pick: 1
points per question: 1

Title: G1
1.  One?
*a) yes
b)  no

Title: G2
2.  Two?
*a) yes
b)  no

END_GROUP
"""

QBANK_QUIZ = """
id: structure
title: Structure
questions:
  - id: mc
    type: multichoice
    text: Which is right?
    choices: [{text: wrong}, {text: right, correct: true}]
  - {id: num, type: numerical, text: How many?, answer: 6, tolerance: 0.5}
  - {id: sa, type: shortanswer, text: Capital of France?, answer: [Paris, paris]}
  - {id: essay, type: essay, text: Explain.}
  - id: ma
    type: multichoice
    single: false
    text: Which are even?
    choices: [{text: "2", correct: true}, {text: "3"}, {text: "4", correct: true}]
  - id: g
    type: multichoice
    params: {n: {min: 1, max: 2}}
    text: "Number {{ n }}?"
    choices: [{text: "yes", correct: true}, {text: "no"}]
"""


def _shape(element: Any, prefix: str = "") -> set[str]:
    """Every element path with its attribute names, without identifiers or texts."""
    tag = etree.QName(element).localname
    path = f"{prefix}/{tag}[{','.join(sorted(etree.QName(a).localname for a in element.attrib))}]"
    if tag == "fieldlabel":
        path += "=" + (element.text or "")
    out = {path}
    for child in element:
        if isinstance(child.tag, str):
            out |= _shape(child, path)
    return out


def test_items_have_text2qtis_structure(tmp_path, monkeypatch):
    pytest.importorskip("text2qti")
    from text2qti.config import Config
    from text2qti.qti import QTI as Text2qti
    from text2qti.quiz import Quiz

    monkeypatch.setenv("HOME", str(tmp_path))  # text2qti keeps its settings there
    config = Config()
    config.load()
    theirs = read_package(Text2qti(Quiz(TEXT2QTI_QUIZ, config=config)).zip_bytes())
    generated = generate(bank_from_text(QBANK_QUIZ), 2, 3)
    out = io.BytesIO()
    write_qti_zip(generated, out, timestamp=0)
    ours = read_package(out.getvalue())

    # The same files, but for text2qti's empty folder non_cc_assessments/.
    def layout(p: Package) -> list[str]:
        ident = p.assessment.find(f"{QTI}assessment").get("ident")
        return sorted(n.replace(ident, "ID") for n in p.names if not n.endswith("/"))

    assert layout(ours) == layout(theirs)
    assert {r.get("type") for r in ours.manifest.iter(f"{CC}resource")} == {
        r.get("type") for r in theirs.manifest.iter(f"{CC}resource")
    }
    assert ours.assessment.tag == theirs.assessment.tag
    # Item by item: the same elements and attributes in the same places.
    assert [i.type for i in ours.items] == [i.type for i in theirs.items]
    for mine, their in zip(ours.items, theirs.items, strict=True):
        assert _shape(mine.element) == _shape(their.element), mine.type
        assert mine.choices == [
            (re.sub(r"</?p>", "", html), ok) for html, ok in their.choices
        ] or mine.type not in ("multiple_choice_question",)
        assert mine.accepted == their.accepted
        if mine.numeric:
            assert [float(x) for x in mine.numeric] == [float(x) for x in their.numeric]
    (group,) = ours.groups.values()
    (their_group,) = theirs.groups.values()
    items = f"{{{QTI[1:-1]}}}item"
    for g in (group, their_group):
        for i in g.findall(items):
            g.remove(i)
    assert _shape(group) == _shape(their_group)

    # The quiz settings: what qbank sets is named as text2qti names it (qbank leaves the
    # rest, dates, lockdown browser, peer reviews, at Canvas's defaults).
    def children(element: Any) -> list[str]:
        return [etree.QName(c).localname for c in element if isinstance(c.tag, str)]

    assert ours.meta.tag == theirs.meta.tag
    assert set(children(ours.meta)) <= set(children(theirs.meta))
    ns = "{http://canvas.instructure.com/xsd/cccv1p0}"
    assert set(children(ours.meta.find(f"{ns}assignment"))) <= set(
        children(theirs.meta.find(f"{ns}assignment"))
    )


# --- round trips ------------------------------------------------------------------------------

_WORDS = st.text(
    alphabet=st.sampled_from(list("abcXYZ019 <>&\"'=+éßΩ中😀")), min_size=1, max_size=20
).filter(lambda s: s.strip() and not s.strip().startswith((">", "+")) and "  " not in s)
_TEX = st.text(alphabet=st.sampled_from(list("abxy12<>&+=")), min_size=1, max_size=8).filter(
    lambda s: s.strip() == s
)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(words=_WORDS, tex=_TEX, answer=_WORDS)
def test_math_unicode_and_markup_characters_survive(words, tex, answer):
    words = words.strip()
    answer = answer.strip()
    text = f"{words} \\({tex}\\)"
    bank = bank_from_text(
        "id: rt\ntitle: " + json.dumps(words) + "\nquestions:\n"
        "  - id: a\n    type: shortanswer\n    text: " + json.dumps(text) + "\n"
        "    answer: " + json.dumps([answer]) + "\n"
        "  - id: b\n    type: multichoice\n    text: " + json.dumps(text) + "\n"
        "    choices:\n      - {text: " + json.dumps(text) + ", correct: true}\n"
        "      - {text: other}\n"
        "  - id: c\n    type: matching\n    text: " + json.dumps(text) + "\n"
        "    pairs: [[" + json.dumps(text) + ", " + json.dumps(answer) + "], [x, y]]\n"
    )
    out = io.BytesIO()
    write_qti_zip(generate(bank, 1, 1), out, timestamp=0)
    package = read_package(out.getvalue())
    shown = f"{words} \\({tex}\\)"
    short, choice, matching = package.items
    assert _html_text(short.html) == shown
    assert short.accepted == [answer]
    assert _html_text(choice.choices[0][0]) == shown and choice.choices[0][1]
    assert matching.matches[shown] == answer
    assert package.assessment.find(f"{QTI}assessment").get("title") == words


@pytest.mark.parametrize(
    "bank",
    sorted((FIXTURES / "good").glob("*.yaml")) + sorted((FIXTURES / "nasty").glob("*.yaml")),
    ids=lambda p: p.stem,
)
def test_every_fixture_bank_makes_a_zip_that_reads_back(bank, tmp_path):
    """Control characters, CRLF, quotes, markup and Unicode: well-formed XML, every item
    read back with its question type, one item per variant."""
    package, generated, warnings = export(tmp_path, bank, count=2)
    for name, data in package.files.items():
        if name.endswith(".xml"):
            parse_xml(data)
    expected = sum(
        len(generated.variants[q.id]) for q in generated.bank.questions if q.type != "ordering"
    )
    assert len(package.items) == expected
    for item, record in _pairs_of_items(package, generated):
        assert item.type in CANVAS_TYPES[record["type"]]
    if any(q.type == "ordering" for q in generated.bank.questions):
        assert sum("ordering" in w for w in warnings) == 1
    # Every question and choice text is there, as a person reads the HTML.
    from test_fuzz import markdown_as_plain_text, squash, texts_of

    zip_name = f"{generated.bank.id}-qti.zip"
    shown = squash(qti_text((tmp_path / zip_name).read_bytes()))
    for text, inline in texts_of(generated):
        if _kind_of(generated, text) != "ordering":
            assert squash(markdown_as_plain_text(text, inline)) in shown, text


def _kind_of(generated: Any, text: str) -> str:
    for v in generated.all_variants():
        if v.text == text:
            return v.type
    return ""


def test_the_pipeline_s_images_reach_the_zip(tmp_path):
    """The images qbank.media loads from the bank's folder (PNG and SVG) are packaged."""
    package, generated, _ = export(tmp_path, FIXTURES / "richtext" / "bank.yaml", count=2)
    assert generated.media
    packaged = {n.rsplit("/", 1)[1]: package.files[n] for n in package.names if "Uploaded" in n}
    assert packaged == {image.name: image.data for image in generated.media.values()}
    texts = "".join(i.html for i in package.items)
    for name in packaged:
        assert f'src="%24IMS-CC-FILEBASE%24/Uploaded%20Media/{name}"' in texts


# --- fuzz: any Unicode text survives (the strategy and banks of tests/test_fuzz.py) -----------


def qti_text(data: bytes) -> str:
    """Every text of the zip's assessment as a reader sees it: HTML rendered to its words,
    MathJax's delimiters read off (as tests/test_fuzz.py reads Moodle's HTML)."""
    package = read_package(data)
    parts = []
    for element in package.assessment.iter(f"{QTI}mattext"):
        content = element.text or ""
        if element.get("texttype") == "text/html" and content.strip():
            content = re.sub(r"(?i)<br\s*/?>|</p>|</li>|</div>|</t[dh]>", "\n", content)
            root = lxml_html.fragment_fromstring(content, create_parent="div")
            content = "".join(re.sub(r"\\[()\[\]]", "", t) for t in root.itertext())
        parts.append(content)
    return "\n".join(parts)


def test_any_generated_text_survives_the_zip():
    import tempfile

    from hypothesis import assume

    from test_fuzz import TEXT, bank_with, markdown_as_plain_text, squash, texts_of

    @settings(
        max_examples=60,
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
            result = run([bank], count=2, seed=1, formats=["qti"], out_dir=folder / "out")
            generated = result.sets[0]
            shown = squash(qti_text((folder / "out" / "fuzz-qti.zip").read_bytes()))
            for text, inline in texts_of(generated):
                assert squash(markdown_as_plain_text(text, inline)) in shown, text

    roundtrip()


def test_a_group_is_written_an_item_at_a_time_with_the_bytes_of_one_tree():
    # The groups of randomised questions are streamed (memory at 10,000 versions); the
    # bytes must be what lxml writes for the whole group as one pretty-printed tree.
    from qbank.bank.loader import default_bank_path
    from qbank.exporters.qti.package import QtiPackage
    from qbank.generator import generate

    generated = generate(load_bank(default_bank_path()), 4, seed=3)
    package = QtiPackage(generated, 1.7e9, lambda message: None)
    randomised = [q for q in package.questions if q.randomised]
    assert randomised
    for question in randomised:
        out = io.BytesIO()
        package.write_question(out, question)
        written = out.getvalue()
        group = etree.fromstring(written, etree.XMLParser(remove_blank_text=True))
        assert len(group.findall("item")) == 4
        assert etree.tostring(group, encoding="utf-8", pretty_print=True) == written
