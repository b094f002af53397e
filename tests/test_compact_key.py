"""--key compact: answers only, a row per question number and a column per version.

Every answer in the compact key is checked against the JSON record of the same run (and,
for the letters of multiple-choice options and matching definitions, against the
worksheet the student holds).
"""

from __future__ import annotations

import zipfile
from pathlib import Path

import docx
import pytest
from docx.text.paragraph import Paragraph
from lxml import etree

from conftest import FIXTURES, load_record, run_cli
from qbank.bank import load_bank
from qbank.exporters.word.compactkey import versions_per_page
from qbank.exporters.word.plan import plan_versions
from qbank.generator import generate
from qbank.model import option_letter as letter

BANKS = [FIXTURES / "good" / "every-type.yaml", FIXTURES / "good" / "ordering.yaml"]
ROSTER = FIXTURES / "docx" / "class-utf8.csv"
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
NBSP = "\u00a0"


def make(out: Path, *args: str, count: int = 12, seed: int = 5) -> None:
    run_cli(
        "generate",
        *BANKS,
        "-n",
        count,
        "--seed",
        seed,
        "-f",
        "json",
        "-f",
        "docx",
        "--key",
        "compact",
        "-o",
        out,
        *args,
    )


def compact_tables(key: Path) -> list[tuple[list[str], dict[int, list[str]]]]:
    """Each compact table: its column headings, and per question number the text in each
    version's column (a cell spanning all versions is read once per version)."""
    document = docx.Document(str(key))
    tables = []
    for table in document.tables[1:]:
        header, *rows = table.rows
        headings = [cell.text for cell in header.cells[1:]]
        answers = {
            int(row.cells[0].text.rstrip(".")): [c.text for c in row.cells[1:]] for row in rows
        }
        tables.append((headings, answers))
    return tables


def worksheet_letters(sheets: Path) -> list[dict[int, dict[str, str]]]:
    """Per version, per question number: text → letter of its options (multiple choice)
    and of its definitions (matching), as printed on the worksheet."""
    document = docx.Document(str(sheets))
    versions: list[dict[int, dict[str, str]]] = [{}]
    number = 0
    for element in document.element.body.iterchildren():
        if element.tag == f"{W}p":
            paragraph = Paragraph(element, document)
            style = paragraph.style.name if paragraph.style is not None else ""
            if style == "Question":
                number = int(paragraph.text.split(".")[0])
            elif style == "Choice" and "\t" in paragraph.text:
                mark, text = paragraph.text.split("\t", 1)
                versions[-1].setdefault(number, {})[text] = mark
            if element.find(f"{W}pPr/{W}sectPr") is not None:
                versions.append({})
        elif element.tag == f"{W}tbl":
            for row in element.iter(f"{W}tr"):
                cells = [
                    "".join(t.text or "" for t in tc.iter(f"{W}t")) for tc in row.iter(f"{W}tc")
                ]
                if len(cells) == 2 and cells[1][:1].isupper() and cells[1][1:3] == "  ":
                    versions[-1].setdefault(number, {})[cells[1][3:]] = cells[1][0]
    return [v for v in versions if v]


def expected(record: dict, letters: dict[str, str]) -> str:
    """The compact key's answer for one question of the JSON record."""
    kind, answer = record["type"], record["answer"]
    if kind == "numerical":
        return record["answer_text"]
    if kind == "truefalse":
        return "True" if answer else "False"
    if kind == "shortanswer":
        return "  /  ".join(answer)
    if kind == "essay":
        return "essay: see the full key"
    if kind == "multichoice":
        return ", ".join(sorted(letters[text] for text in answer))
    if kind == "matching":
        return "   ".join(
            f"{i}{NBSP}{letters[definition]}" for i, (_, definition) in enumerate(answer, start=1)
        )
    if kind == "cloze":
        return "   ".join(f"({i}){NBSP}{accepted[0]}" for i, accepted in enumerate(answer, 1))
    if kind == "ordering":
        return "   ".join(
            f"{letter(i)}{NBSP}{record['items'].index(item) + 1}"
            for i, item in enumerate(record["shown"])
        )
    raise AssertionError(f"no expectation for {kind}")


@pytest.mark.parametrize("shuffle", [False, True])
def test_every_answer_matches_the_json_record_and_the_worksheet(tmp_path, shuffle):
    make(tmp_path, *(["--shuffle"] if shuffle else []))
    for path in BANKS:
        bank = load_bank(path)
        record = load_record(tmp_path / f"{bank.id}.json")
        generated = generate(bank, 12, 5)
        plans = list(plan_versions(generated, shuffle=shuffle))
        tables = compact_tables(tmp_path / f"{bank.id}-answer-key.docx")
        sheets = worksheet_letters(tmp_path / f"{bank.id}-worksheets.docx")
        assert len(sheets) == len(plans) == 12
        # 12 versions of 10 at most a page: two pages of 6, each version once, in order
        assert [len(headings) for headings, _ in tables] == [6, 6]
        columns = [
            (headings[i], answers, i) for headings, answers in tables for i in range(len(headings))
        ]
        for plan, version, sheet, (heading, answers, i) in zip(
            plans, record["versions"], sheets, columns
        ):
            assert heading == plan.code
            by_id = {q["id"]: q for q in version["questions"]}
            for q in plan.questions:
                letters = sheet.get(q.number, {})
                want = expected(by_id[q.variant.id], letters)
                assert answers[q.number][i] == want, (bank.id, plan.number, q.number)
            assert len(answers) == len(plan.questions)


def test_an_answer_every_version_shares_fills_its_row(tmp_path):
    make(tmp_path)
    key = tmp_path / "every-type-answer-key.docx"
    with zipfile.ZipFile(key) as package:
        body = etree.fromstring(package.read("word/document.xml")).find(f"{W}body")
    first = body.findall(f"{W}tbl")[1]
    shared = []
    for row in first.findall(f"{W}tr")[1:]:
        cells = row.findall(f"{W}tc")
        number = "".join(t.text for t in cells[0].iter(f"{W}t"))
        span = cells[1].find(f"{W}tcPr/{W}gridSpan")
        if span is not None:
            assert span.get(f"{W}val") == "6" and len(cells) == 2
            shared.append(number)
        else:
            assert len(cells) == 7
    # the fixed questions (prime numbers, flat Earth, colour, essay, matching) are shared;
    # the randomised ones (speed, blanks) have one cell per version
    record = load_record(tmp_path / "every-type.json")["versions"][0]["questions"]
    fixed = sum(not q["randomised"] for q in record)
    assert len(shared) == fixed == 5 and len(first.findall(f"{W}tr")) == 1 + 7


def test_students_names_head_their_columns_and_the_grid_comes_first(tmp_path):
    make(tmp_path, "--roster", ROSTER, count=3)
    key = docx.Document(str(tmp_path / "every-type-answer-key.docx"))
    grid = key.tables[0]
    names = [row.cells[1].text for row in grid.rows[2:]]
    headings = [cell.text for cell in key.tables[1].rows[0].cells[1:]]
    codes = [row.cells[0].text for row in grid.rows[2:]]
    assert headings == [f"{code}\n{name}" for code, name in zip(codes, names)]
    # two sections, both landscape: the marking grid, then the answers
    assert len(key.sections) == 2
    assert all(s.page_width > s.page_height for s in key.sections)
    text = "\n".join(p.text for p in key.paragraphs)
    assert "Answers: versions 1 to 3" in text and "worked solutions are in the full key" in text
    assert "Answer and working" not in text  # no full-key tables


def test_the_full_key_is_the_default(tmp_path):
    run_cli("generate", BANKS[0], "-n", "2", "--seed", "5", "-f", "docx", "-o", tmp_path / "a")
    run_cli(
        "generate",
        BANKS[0],
        "-n",
        "2",
        "--seed",
        "5",
        "-f",
        "docx",
        "--key",
        "full",
        "-o",
        tmp_path / "b",
    )
    a = (tmp_path / "a" / "every-type-answer-key.docx").read_bytes()
    assert a == (tmp_path / "b" / "every-type-answer-key.docx").read_bytes()
    text = "\n".join(
        p.text for p in docx.Document(str(tmp_path / "a" / "every-type-answer-key.docx")).paragraphs
    )
    assert "Answers: version" not in text
    result = run_cli("generate", "--key", "short", "-o", tmp_path / "c", expect=2)
    assert "'short' is not one of 'full', 'compact'" in result.output


@pytest.mark.parametrize(
    "width, count, per_page",
    [
        (14678, 30, 10),
        (14678, 12, 6),
        (14678, 1, 1),
        (14678, 11, 6),
        (13680, 30, 8),
        (13680, 9, 9),
        (3000, 5, 1),
    ],
)
def test_versions_are_spread_evenly_over_the_pages(width, count, per_page):
    assert versions_per_page(width, count) == per_page
