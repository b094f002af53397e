"""The Word exporter: worksheets and answer key, read back and rendered.

Two runs, each writing the JSON record and both Word files:

- the default bank, 4 versions, a class list (one name with markup characters, one in
  Arabic);
- a hostile bank (``fixtures/docx/hostile.yaml``: markup characters, quotes, emoji,
  Arabic and Hebrew, a 300-character word), 3 versions, ``--shuffle --duplex`` and a
  teacher's template with a letterhead, A4 paper and its own fonts.

Every version and every key answer is read back with python-docx and compared with the
JSON record of the same run (its texts are Markdown: what Word shows is their text,
``shown``); all four files are rendered by LibreOffice in one run and checked with
pdftotext. Rich text (math, tables, images) has its own tests: test_word_richtext.py.
"""

from __future__ import annotations

import dataclasses
import json
import re
import subprocess
import zipfile
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

import docx
import pytest
from docx.shared import Mm, Pt
from docx.table import Table
from docx.text.paragraph import Paragraph

from conftest import FIXTURES, soffice_or_skip
from qbank.bank import load_bank
from qbank.errors import QbankError
from qbank.exporters import ExportOptions, get_exporter, registry
from qbank.richtext import parse_block, parse_inline, plain_text
from qbank.richtext import tree as rich_tree

# The registry imports every format module only while it is empty: load it before this
# module imports the Word exporter's modules directly, or other formats would be missed.
registry()

from qbank.exporters.word.package import BaseDocument  # noqa: E402
from qbank.exporters.word.plan import letter, plan_version  # noqa: E402
from qbank.exporters.word.wordml import clean, is_rtl, run  # noqa: E402
from qbank.exporters.word.worksheet import MATCHING_TERM_HEADING  # noqa: E402
from qbank.generator import generate  # noqa: E402
from qbank.numeric import plain  # noqa: E402

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
HOSTILE = FIXTURES / "docx" / "hostile.yaml"
ROSTER = ["Ada Lovelace", 'Zoë <Núñez> & "Co"', "أحمد خالد", "Li Wei"]
LONG_WORD = "Pneumono" + "x" * 287 + "osis!"


# --- running qbank --------------------------------------------------------------------


@dataclass
class Run:
    out: Path
    bank_id: str
    record: dict
    options: ExportOptions

    @property
    def worksheets(self) -> Path:
        return self.out / f"{self.bank_id}-worksheets.docx"

    @property
    def key(self) -> Path:
        return self.out / f"{self.bank_id}-answer-key.docx"


def make_template(path: Path) -> Path:
    """A teacher's template: A4, a letterhead (another one on first pages), own fonts."""
    document = docx.Document()
    section = document.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.left_margin = section.right_margin = Mm(20)
    section.different_first_page_header_footer = True
    section.first_page_header.paragraphs[0].text = "Springfield High School · Science"
    section.header.paragraphs[0].text = "Springfield High School"
    section.footer.paragraphs[0].text = "Template footer that qbank replaces"
    document.styles["Normal"].font.name = "Liberation Serif"
    document.styles["Normal"].font.size = Pt(12)
    document.add_paragraph("TEMPLATE BODY TEXT that must not appear")
    document.save(path)
    return path


class FolderSink:
    """Files straight into a folder (the exporters' OutputSink, without the atomic move)."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        folder.mkdir(parents=True, exist_ok=True)
        self.warnings: list[str] = []

    def path(self, name: str) -> Path:
        return self.folder / name

    def open(self, name: str, mode: str = "w"):
        return open(self.folder / name, mode, **({} if "b" in mode else {"encoding": "utf-8"}))

    def warn(self, message: str) -> None:
        self.warnings.append(message)


def qbank_run(out: Path, bank: Path | None, count: int, seed: int, **options) -> Run:
    """The JSON record and the Word files of one run, as `qbank generate` writes them."""
    opts = ExportOptions.of(timestamp=0, **options)
    generated = generate(load_bank(bank), count, seed)
    sink = FolderSink(out)
    for name in ("json", "docx"):
        get_exporter(name).write(generated, sink, opts)
    record = json.loads(next(out.glob("*.json")).read_text(encoding="utf-8"))
    return Run(out, record["bank"]["id"], record, opts)


@pytest.fixture(scope="module")
def default_run(tmp_path_factory):
    return qbank_run(tmp_path_factory.mktemp("default"), None, 4, 11, roster=tuple(ROSTER))


@pytest.fixture(scope="module")
def hostile_run(tmp_path_factory):
    out = tmp_path_factory.mktemp("hostile")
    template = make_template(out.parent / f"{out.name}-template.docx")
    return qbank_run(
        out,
        HOSTILE,
        3,
        5,
        shuffle=True,
        duplex=True,
        docx_template=template,
        roster=("Ada Lovelace",),
    )


# --- reading a document back --------------------------------------------------------------


@dataclass
class Block:
    style: str
    text: str = ""
    rows: list[list[list[tuple[str, str]]]] = field(default_factory=list)  # cells: (style, text)


def read_sections(path: Path) -> tuple[docx.document.Document, list[list[Block]]]:
    """Every section of a document as its paragraphs and tables, in order."""
    document = docx.Document(str(path))
    sections: list[list[Block]] = [[]]
    for child in document.element.body.iterchildren():
        if child.tag == W + "p":
            paragraph = Paragraph(child, document)
            sections[-1].append(Block(paragraph.style.name, paragraph.text))
            if child.find(f"{W}pPr/{W}sectPr") is not None:
                sections.append([])
        elif child.tag == W + "tbl":
            rows = [
                [[(p.style.name, p.text) for p in cell.paragraphs] for cell in row.cells]
                for row in Table(child, document).rows
            ]
            sections[-1].append(Block("table", rows=rows))
    return document, sections


POINTS = re.compile(r"\s+\(\u200e?(?:choose all that apply; )?([\d.]+)\u00a0points?\)$")


@dataclass
class PrintedQuestion:
    number: int
    section: str
    texts: list[str] = field(default_factory=list)
    points: str = ""
    choices: dict[str, str] = field(default_factory=dict)
    circle: str = ""
    table: list = field(default_factory=list)
    writing_lines: int = 0
    working_space: bool = False
    answer_line: bool = False

    @property
    def text(self) -> str:
        return "\n\n".join(self.texts)


@dataclass
class PrintedVersion:
    title: str
    subtitle: str
    name_line: str
    version_line: str
    instructions: str
    intro: list[str]
    questions: list[PrintedQuestion]

    @property
    def code(self) -> str:
        return re.search(r"Code (V\d+-[0-9A-F]{4})", self.version_line).group(1)


def parse_worksheet(blocks: list[Block]) -> PrintedVersion:
    by_style: dict[str, list[str]] = {}
    questions: list[PrintedQuestion] = []
    heading = ""
    for block in blocks:
        if block.style == "Heading 1":
            heading = block.text
        elif block.style == "Question":
            number, text = block.text.split("\t", 1)
            questions.append(PrintedQuestion(int(number.rstrip(".")), heading, [text]))
        elif block.style == "Question Text" and questions:
            questions[-1].texts.append(block.text)
        elif block.style == "Choice":
            if block.text.startswith("Circle one:"):
                questions[-1].circle = block.text.split("\t", 1)[1]
            else:
                key, text = block.text.split("\t", 1)
                questions[-1].choices[key] = text
        elif block.style == "table":
            questions[-1].table = block.rows
        elif block.style == "Writing Line":
            questions[-1].writing_lines += 1
        elif block.style == "Working Space":
            questions[-1].working_space = True
        elif block.style == "Answer Line":
            questions[-1].answer_line = True
        else:
            by_style.setdefault(block.style, []).append(block.text)
    for q in questions:
        match = POINTS.search(q.texts[-1])
        assert match, q.texts[-1]
        q.points = match.group(1)
        q.texts[-1] = q.texts[-1][: match.start()]
    if questions and questions[-1].texts == [""]:
        questions[-1].texts = []
    return PrintedVersion(
        title=by_style["Title"][0],
        subtitle=(by_style.get("Subtitle") or [""])[0],
        name_line=by_style["Student Details"][0],
        version_line=by_style["Version Line"][0],
        instructions=by_style["Instructions"][0],
        intro=by_style.get("Reading Passage", []),
        questions=questions,
    )


def squash(text: str) -> str:
    return " ".join(text.split())


def shown(text: str, *, inline: bool = False) -> str:
    """What Word shows of a Markdown text (as python-docx reads it): its plain text, a
    line break inside a paragraph a space, paragraphs apart by a blank line. python-docx
    reads no text in an equation (m:oMath): formulas are left out here too (their OMML is
    checked in test_word_richtext.py)."""
    doc = _without_math(parse_inline(text) if inline else parse_block(text))
    return "\n\n".join(squash(p) for p in plain_text(doc).split("\n\n"))


def _without_math(node):
    if isinstance(node, rich_tree.MathInline):
        return rich_tree.Text("")
    if isinstance(node, tuple):  # a display formula is a paragraph python-docx reads as none
        return tuple(_without_math(i) for i in node if not isinstance(i, rich_tree.MathBlock))
    if dataclasses.is_dataclass(node):
        changes = {
            f.name: _without_math(getattr(node, f.name))
            for f in dataclasses.fields(node)
            if isinstance(getattr(node, f.name), tuple)
        }
        return dataclasses.replace(node, **changes)
    return node


def cloze_text(record: dict) -> str:
    return squash("".join(p if isinstance(p, str) else "___" for p in record["parts"]))


def bank_order(records: list[dict]) -> list[dict]:
    """The worksheet order without --shuffle: grouped by section, sections in bank order."""
    sections: dict[str, list[dict]] = {}
    for r in records:
        sections.setdefault(r["section"], []).append(r)
    return [r for members in sections.values() for r in members]


def match_printed(records: list[dict], printed: list[PrintedQuestion]) -> list[dict]:
    """Which record each printed question is (by its text), for shuffled versions."""
    out = []
    for q in printed:
        text = re.sub(r"_{3,}", "___", squash(q.text))
        found = [
            r
            for r in records
            if (cloze_text(r) if r["type"] == "cloze" else squash(shown(r["text"]))) == text
        ]
        assert len(found) == 1, text
        out.append(found[0])
    return out


# --- checking a worksheet against the record -----------------------------------------------


def check_question(q: PrintedQuestion, r: dict, question_lines: int) -> None:
    assert q.points == plain(r["points"])
    assert q.section == r["section"]
    if r["type"] == "cloze":
        assert re.sub(r"_{3,}", "___", squash(q.text)) == cloze_text(r)
        assert len(re.findall(r"_{3,}", q.text)) == len(r["parts"]) - sum(
            isinstance(p, str) for p in r["parts"]
        )
    else:
        # The text as drawn, read as Markdown: paragraphs split at blank lines, markup
        # characters that are no Markdown (<field>, &) kept as written. A display formula's
        # paragraph reads as empty (python-docx reads no text in an equation).
        assert "\n\n".join(squash(t) for t in q.texts if t.strip()) == shown(r["text"])
    if r["type"] == "numerical":
        assert q.working_space and q.answer_line
    elif r["type"] == "shortanswer":
        assert q.answer_line
    elif r["type"] == "essay":
        assert q.writing_lines == question_lines
    elif r["type"] == "truefalse":
        assert q.circle == "True / False"
    elif r["type"] == "multichoice":
        assert sorted(q.choices.values()) == sorted(
            shown(c["text"], inline=True) for c in r["choices"]
        )
        assert list(q.choices) == [letter(i) for i in range(len(r["choices"]))]
    elif r["type"] == "matching":
        header, *rows = q.table
        assert [cell[0][1] for cell in header] == [MATCHING_TERM_HEADING, "Definition"]
        terms = [row[0][0][1] for row in rows]
        definitions = [row[1][0][1] for row in rows]
        assert terms == [
            f"____ {i + 1}. {shown(t, inline=True)}" for i, (t, _) in enumerate(r["pairs"])
        ]
        assert sorted(d.split("  ", 1)[1] for d in definitions) == sorted(
            shown(d, inline=True) for _, d in r["pairs"]
        )
        assert definitions != [f"{letter(i)}  {d}" for i, (_, d) in enumerate(r["pairs"])]


def versions_of(run: Run):
    """(version number, printed version, its records in printed order) for every version."""
    _document, sections = read_sections(run.worksheets)
    assert len(sections) == run.record["count"]
    for k, (blocks, version) in enumerate(zip(sections, run.record["versions"]), start=1):
        printed = parse_worksheet(blocks)
        records = (
            match_printed(version["questions"], printed.questions)
            if run.options.values.get("shuffle")
            else bank_order(version["questions"])
        )
        yield k, printed, records


def test_every_version_prints_its_drawn_questions(default_run, default_bank):
    lines = {q.id: getattr(q.spec, "lines", 8) for q in default_bank.questions}
    for k, printed, records in versions_of(default_run):
        assert printed.title == default_run.record["bank"]["title"]
        assert printed.version_line.startswith(f"Version {k} of 4  ·  Code V")
        assert printed.name_line.startswith(f"Name: {ROSTER[k - 1]} \t")
        assert [q.number for q in printed.questions] == list(range(1, len(records) + 1))
        for q, r in zip(printed.questions, records, strict=True):
            check_question(q, r, lines[r["id"]])


def test_hostile_text_comes_out_as_markdown_reads_it(hostile_run):
    bank = hostile_run.record["bank"]
    loaded = load_bank(HOSTILE)
    lines = {q.id: getattr(q.spec, "lines", 8) for q in loaded.questions}
    seen = set()
    for _k, printed, records in versions_of(hostile_run):
        assert printed.title == bank["title"] == "Tom & Jerry's <Quiz> “2025” 🙂"
        assert printed.subtitle == bank["subtitle"]
        assert printed.instructions == loaded.instructions
        assert printed.intro == shown(loaded.intro).split("\n\n")
        for q, r in zip(printed.questions, records, strict=True):
            check_question(q, r, lines[r["id"]])
            seen.add(r["id"])
        essay = next(q for q, r in zip(printed.questions, records) if r["id"] == "long-word")
        assert LONG_WORD in essay.text
    assert seen == {q.id for q in loaded.questions}
    # Texts are Markdown now: <b> (an allowed tag) is bold, <field> (no allowed tag) and &
    # are text as written. A subtitle is plain text: its <b> stays as written.
    runs = [r for p in docx.Document(str(hostile_run.worksheets)).paragraphs for r in p.runs]
    assert any(r.text == "exactly" and r.bold for r in runs)
    assert not any("<b>exactly" in r.text for r in runs)
    assert any("A square <field> & garden" in r.text for r in runs)
    assert any("<b>not bold</b>" in r.text for r in runs)


def test_shuffle_changes_order_per_version_and_is_repeatable(hostile_run, default_bank):
    orders = {tuple(r["id"] for r in records) for _, _, records in versions_of(hostile_run)}
    assert len(orders) > 1
    # Seeded: the same run plans the same versions; a fixed multiple-choice question keeps
    # one option order in every version unless --shuffle asks for a new one per version.
    generated = generate(default_bank, 8, 3)
    fixed = "mistake-weights-learned"

    def options(k, shuffle):
        plan = plan_version(generated, k, shuffle=shuffle)
        return next(
            tuple(c.text for c in q.choices) for q in plan.questions if q.variant.id == fixed
        )

    assert len({options(k, False) for k in range(1, 9)}) == 1
    assert len({options(k, True) for k in range(1, 9)}) > 1
    assert [options(k, True) for k in range(1, 9)] == [options(k, True) for k in range(1, 9)]
    plain_order = [q.variant.id for q in plan_version(generated, 2).questions]
    assert (
        len(
            {
                tuple(q.variant.id for q in plan_version(generated, k, shuffle=True).questions)
                for k in range(1, 9)
            }
            - {tuple(plain_order)}
        )
        >= 1
    )


# --- the answer key ----------------------------------------------------------------------


def check_key_row(row, r: dict, printed: PrintedQuestion) -> None:
    (number,), answer, (points,) = row
    assert number[1] == f"{printed.number}."
    assert points[1] == plain(r["points"])
    first = answer[0][1]
    whole = "\n".join(text for _, text in answer)
    if r["type"] == "numerical":
        assert first == r["answer_text"]
        assert squash(shown(r["solution"])) in squash(whole)
    elif r["type"] == "multichoice":
        correct = [shown(c["text"], inline=True) for c in r["choices"] if c["correct"]]
        letters = {text: key for key, text in printed.choices.items()}
        # one paragraph per right option
        assert [text for _, text in answer[: len(correct)]] == [
            f"{letters[c]}  {c}" for c in correct
        ]
    elif r["type"] == "truefalse":
        assert first == ("True" if r["answer"] else "False")
    elif r["type"] == "shortanswer":
        assert first == "  /  ".join(r["answer"])
    elif r["type"] == "essay":
        assert first == "Model answer"
        assert squash(shown(r["answer"])) in squash(whole.replace("•\t", ""))  # bullets
    elif r["type"] == "matching":
        _header, *rows = printed.table
        definition_letter = {
            row[1][0][1].split("  ", 1)[1]: row[1][0][1].split("  ", 1)[0] for row in rows
        }
        assert first.split("   ") == [
            f"{i + 1} {definition_letter[d]}" for i, (_, d) in enumerate(r["pairs"])
        ]
    elif r["type"] == "cloze":
        blanks = [p["blank"] for p in r["parts"] if not isinstance(p, str)]
        assert first == "   ".join(f"({i + 1}) {' / '.join(b)}" for i, b in enumerate(blanks))
        filled = "".join(p if isinstance(p, str) else p["blank"][0] for p in r["parts"])
        assert squash(shown(filled)) == squash(answer[1][1])


def check_key(run: Run) -> None:
    _document, sections = read_sections(run.key)
    grid_section, *version_sections = sections
    assert len(version_sections) == run.record["count"]
    grid = next(b for b in grid_section if b.style == "table").rows
    printed_versions = list(versions_of(run))
    for (k, printed, records), blocks, grid_row in zip(
        printed_versions, version_sections, grid[2:], strict=True
    ):
        heading = next(b.text for b in blocks if b.style == "Heading 1")
        student = run.options.roster[k - 1] if k <= len(run.options.roster) else ""
        assert heading == f"Version {k}  ·  {printed.code}" + (f"  ·  {student}" if student else "")
        assert grid_row[0][0][1] == printed.code and grid_row[1][0][1] == student
        total = sum(Decimal(str(r["points"])) for r in records)
        assert grid_row[-1][0][1] == f"/{plain(total)}"
        _header, *rows = next(b for b in blocks if b.style == "table").rows
        for row, r, q in zip(rows, records, printed.questions, strict=True):
            check_key_row(row, r, q)


def test_key_answers_match_the_record_and_the_worksheet_numbering(default_run):
    check_key(default_run)


def test_key_follows_the_shuffle(hostile_run):
    check_key(hostile_run)


# --- sections, footers, styles, template -----------------------------------------------------


def check_sections(path: Path, codes: list[str], *, start: str, names: list[str]) -> None:
    document = docx.Document(str(path))
    assert len(document.sections) == len(codes)
    for section, code, name in zip(document.sections, codes, names):
        sect = section._sectPr
        assert sect.find(f"{W}type").get(f"{W}val") == start
        assert sect.find(f"{W}pgNumType").get(f"{W}start") == "1"
        footer = section.footer
        text = footer.paragraphs[0].text
        assert code in text and name in text and text.endswith("Page 1")
        assert any(i.text.strip() == "PAGE" for i in footer._element.iter(f"{W}instrText"))


def test_each_version_is_a_section_with_its_own_footer(default_run):
    codes = [p.code for _, p, _ in versions_of(default_run)]
    assert len(set(codes)) == 4
    check_sections(default_run.worksheets, codes, start="nextPage", names=ROSTER)


def test_duplex_and_template(hostile_run):
    codes = [p.code for _, p, _ in versions_of(hostile_run)]
    check_sections(hostile_run.worksheets, codes, start="oddPage", names=["Ada Lovelace", "", ""])
    for path in (hostile_run.worksheets, hostile_run.key):
        document = docx.Document(str(path))
        body_text = "\n".join(p.text for p in document.paragraphs)
        assert "TEMPLATE BODY TEXT" not in body_text
        assert document.styles["Normal"].font.name == "Liberation Serif"
        for section in document.sections:
            assert section.header.paragraphs[0].text == "Springfield High School"
            first_page = section.first_page_header.paragraphs[0].text
            assert first_page == "Springfield High School · Science"
            # the first-page footer is qbank's too, not the template's
            assert "Page" in section.first_page_footer.paragraphs[0].text
            assert round(min(section.page_width.mm, section.page_height.mm)) == 210  # A4
    # the styles a teacher restyles are real, named styles
    used = {b.style for blocks in read_sections(hostile_run.worksheets)[1] for b in blocks}
    assert {"Title", "Heading 1", "Question", "Choice", "Writing Line", "table"} <= used


def test_repeatable_and_reads_dotx_templates(hostile_run, tmp_path):
    again = qbank_run(
        tmp_path / "again",
        HOSTILE,
        3,
        5,
        shuffle=True,
        duplex=True,
        docx_template=hostile_run.options.values["docx_template"],
        roster=("Ada Lovelace",),
    )
    assert again.worksheets.read_bytes() == hostile_run.worksheets.read_bytes()
    assert again.key.read_bytes() == hostile_run.key.read_bytes()
    # A Word template (.dotx) is a .docx with another content type.
    dotx = tmp_path / "letterhead.dotx"
    with (
        zipfile.ZipFile(hostile_run.options.values["docx_template"]) as src,
        zipfile.ZipFile(dotx, "w") as dst,
    ):
        for item in src.infolist():
            data = src.read(item)
            if item.filename == "[Content_Types].xml":
                data = data.replace(b"document.main+xml", b"template.main+xml")
            dst.writestr(item, data)
    base = BaseDocument(dotx, title="t", subject="", timestamp=0)
    assert base.geometry.width == 11906  # A4 in twips
    not_word = tmp_path / "notes.docx"
    not_word.write_text("just text")
    with pytest.raises(QbankError, match=r"not a \.docx or \.dotx"):
        BaseDocument(not_word, title="t", subject="", timestamp=0)


# --- the XML writer ----------------------------------------------------------------------


def test_wordml_escapes_and_drops_what_xml_cannot_hold():
    assert run('a<b>&"c"') == (
        '<w:r><w:t xml:space="preserve">a&lt;b&gt;&amp;&quot;c&quot;</w:t></w:r>'
    )
    assert run("one\ntwo\tthree") == (
        '<w:r><w:t xml:space="preserve">one</w:t><w:br/>'
        '<w:t xml:space="preserve">two</w:t><w:tab/>'
        '<w:t xml:space="preserve">three</w:t></w:r>'
    )
    assert clean("bell\x07 vt\x0b ok\r\nnext") == "bell vt ok\nnext"
    assert is_rtl("שלום world") and is_rtl("  42 مرحبا") and not is_rtl("hello שלום")
    assert [letter(i) for i in (0, 25, 26, 27)] == ["A", "Z", "AA", "AB"]


# --- rendered by LibreOffice ------------------------------------------------------------------


@pytest.fixture(scope="module")
def pdf_pages(default_run, hostile_run, tmp_path_factory):
    """All four documents rendered in ONE LibreOffice run; each PDF's text, page by page.

    Blank pages LibreOffice inserts for odd-page section starts are kept in the PDF, so
    the duplex check sees the pages a printer would print.
    """
    exe = soffice_or_skip()
    out = tmp_path_factory.mktemp("pdf")
    profile = tmp_path_factory.mktemp("lo-profile")
    files = [default_run.worksheets, default_run.key, hostile_run.worksheets, hostile_run.key]
    result = subprocess.run(
        [
            exe,
            f"-env:UserInstallation={profile.as_uri()}",
            "--headless",
            "--convert-to",
            'pdf:writer_pdf_Export:{"IsSkipEmptyPages":{"type":"boolean","value":"false"}}',
            "--outdir",
            str(out),
            *map(str, files),
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    pages = {}
    for path in files:
        pdf = out / (path.stem + ".pdf")
        assert pdf.exists(), (result.stdout, result.stderr)
        text = subprocess.run(
            ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
        ).stdout
        pages[path.name] = text.split("\f")[:-1]
    return pages


def version_pages(pages: list[str], count: int) -> list[list[str]]:
    """The pages of each version: a version starts on the page that names it."""
    starts = [
        next(i for i, page in enumerate(pages) if re.search(rf"Version {k} of {count}\b", page))
        for k in range(1, count + 1)
    ]
    assert starts == sorted(starts) and starts[0] == 0
    return [pages[a:b] for a, b in zip(starts, [*starts[1:], len(pages)])]


NUMBER = re.compile(r"\d[\d,]*(?:\.\d+)?")


@pytest.mark.libreoffice
def test_rendered_worksheets_hold_each_versions_numbers(default_run, pdf_pages):
    pages = pdf_pages[default_run.worksheets.name]
    per_version = version_pages(pages, 4)
    for k, (version_pages_, version) in enumerate(
        zip(per_version, default_run.record["versions"]), start=1
    ):
        text = "\n".join(version_pages_)
        assert squash(version_pages_[0]).endswith("Page 1")
        assert ROSTER[k - 1].split()[0] in text
        for r in version["questions"]:
            if r["randomised"]:
                for number in NUMBER.findall(r["text"]):
                    assert number in text, (k, r["id"], number)
        # one "Page 1" per version: the numbering restarts in each
        assert sum("Page 1" in squash(p)[-8:] for p in version_pages_) == 1


@pytest.mark.libreoffice
def test_rendered_key_holds_every_answer(default_run, pdf_pages):
    pages = pdf_pages[default_run.key.name]
    text = "\n".join(pages)
    assert "marking grid" in pages[0]
    codes = [p.code for _, p, _ in versions_of(default_run)]
    assert all(code in pages[0] for code in codes)  # the whole grid on the first page
    for k, version in enumerate(default_run.record["versions"], start=1):
        start = next(i for i, p in enumerate(pages) if re.search(rf"Version {k}\s+·\s+V", p))
        following = [i for i, p in enumerate(pages) if re.search(rf"Version {k + 1}\s+·\s+V", p)]
        mine = squash("\n".join(pages[start : following[0] if following else None]))
        for r in version["questions"]:
            if r["type"] == "numerical":
                assert r["answer_text"] in mine, (k, r["id"])
    assert len(text) > 1000


@pytest.mark.libreoffice
def test_rendered_duplex_starts_every_version_on_an_odd_page(hostile_run, pdf_pages):
    pages = pdf_pages[hostile_run.worksheets.name]
    per_version = version_pages(pages, 3)
    start = 0
    for version in per_version:
        assert start % 2 == 0  # 0-based: page 1, 3, 5, ... (the front of a sheet)
        start += len(version)
    # the hostile bank's versions fill an odd number of pages: a blank back follows each
    assert all(not version[-1].strip() for version in per_version[:-1])
    text = "\n".join(pages)
    for written in (
        "Tom & Jerry's <Quiz> “2025”",
        "Fish & chips <b>not bold</b> ]]>",
        "<b>",
        "]]>",
        "Springfield High School",
    ):
        assert written in text
    assert LONG_WORD in "".join(text.split())
    assert "Template footer" not in text and "TEMPLATE BODY" not in text


def test_more_names_than_versions_is_reported(default_bank, tmp_path):
    sink = FolderSink(tmp_path)
    get_exporter("docx").write(
        generate(default_bank, 2, 1), sink, ExportOptions.of(roster=("A", "B", "C"), timestamp=0)
    )
    assert sink.warnings == [
        "the class list has 3 names but only 2 versions were made: C gets no worksheet"
    ]
    assert len(docx.Document(str(tmp_path / "open-vs-closed-ai-worksheets.docx")).sections) == 2


def test_both_documents_record_the_seed_in_their_properties(tmp_path):
    import docx

    from qbank.bank import load_bank
    from qbank.exporters import ExportOptions, get_exporter
    from qbank.generator import generate
    from qbank.output import AtomicOutputSet

    generated = generate(load_bank(), 3, 4242)
    with AtomicOutputSet(tmp_path) as outputs:
        get_exporter("docx").write(generated, outputs, ExportOptions.of(timestamp=1_700_000_000))
        files = outputs.commit()
    assert len(files) == 2
    for path in files:
        comments = docx.Document(str(path)).core_properties.comments
        assert "seed 4242" in comments and "--seed 4242 -n 3" in comments
