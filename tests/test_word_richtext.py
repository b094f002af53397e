"""Rich text in the Word exporter: Markdown, math as Word equations, tables, code, lists,
images and cloze blanks, in the worksheets and the answer key.

One bank (``BANK`` below, written with a small PNG into a temporary folder) holds every
feature; its worksheets and key are read back as XML and with python-docx, and rendered
by LibreOffice, whose PDF text must hold the formulas' symbols and the money amounts.
"""

from __future__ import annotations

import dataclasses
import hashlib
import io
import struct
import subprocess
import zipfile
from dataclasses import dataclass
from pathlib import Path

import docx
import pytest
from lxml import etree

from conftest import soffice_or_skip
from qbank.bank import load_bank
from qbank.exporters import ExportOptions, get_exporter, registry
from qbank.generator import generate
from qbank.model import GeneratedSet, ImageFile

registry()

from qbank.exporters.word.rich import EMU_PER_PIXEL, EMU_PER_TWIP  # noqa: E402
from qbank.exporters.word.worksheet import QUESTION_INDENT  # noqa: E402

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
M_NS = "http://schemas.openxmlformats.org/officeDocument/2006/math"
R_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
NS = {
    "w": W_NS,
    "m": M_NS,
    "r": R_NS,
    "wp": "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing",
    "a": "http://schemas.openxmlformats.org/drawingml/2006/main",
    "pic": "http://schemas.openxmlformats.org/drawingml/2006/picture",
    "rel": "http://schemas.openxmlformats.org/package/2006/relationships",
    "ct": "http://schemas.openxmlformats.org/package/2006/content-types",
}
IMAGE_REL = f"{R_NS}/image"

BANK = r"""
id: rich
title: Rich text in Word
intro: |
  A reading passage with **bold**, _italic_ and `code`; the mean is $\bar{x}$.
instructions: |
  Show your working. Prices like $30 are money, not math.
questions:
  - id: sums
    type: numerical
    section: Formulas
    params:
      n: {min: 3, max: 6}
    text: |
      Fractions $\frac{a}{b}$, roots $\sqrt{x}$ and Greek $\alpha + \beta$.
      A ticket costs $30 and a pass $400 per month.

      $$\sum_{i=1}^{ {{ n }} } i = \frac{n(n+1)}{2}$$

      What is the sum for $n = {{ n }}$?
    answer: n * (n + 1) / 2
    solution: |
      With $A = \begin{pmatrix}1 & 2\\ 3 & 4\end{pmatrix}$ nothing changes:

      | $n$ | sum |
      |---|---|
      | 3 | 6 |
      | {{ n }} | {{ answer }} |

  - id: area
    type: multichoice
    section: Formulas
    text: Which is the **area** of a circle?
    choices:
      - text: $\pi r^2$
        correct: true
        feedback: Right, $A = \pi r^2$.
      - text: $2\pi r$
      - text: _the_ diameter
  - id: code
    type: essay
    section: Writing
    text: |
      Read the code and the graph:

      ```
      total = price * requests
      ```

      - a list item with *emphasis*
      - a second item

      ![a rising line graph](graph.png)

      ![a very wide banner](wide.png)
    answer: |
      1. Cost grows with requests.
      2. The graph rises.
    lines: 3
  - id: gaps
    type: cloze
    section: Writing
    text: The root $\sqrt{16}$ is [[4]] and $\gamma$ is called [[gamma]].
  - id: greek
    type: matching
    section: Writing
    pairs:
      - ["$\\alpha$", "alpha"]
      - ["$\\beta$", "beta"]
      - ["$\\omega$", "omega"]
    text: Match the letters.
  - id: powers
    type: ordering
    section: Writing
    text: Order from smallest (for $x > 1$).
    items: ["$x$", "$x^2$", "$x^3$"]
  - id: broken
    type: truefalse
    section: Writing
    text: |
      Which line is this?
      Is $\notacommand{y}$ a formula?
    answer: false
"""

#: Per version: inline formulas (m:oMath not in a m:oMathPara) and display ones: the
#: intro 1, 'sums' 4, the choices of 'area' 2, 'gaps' 2, 'greek' 3, 'powers' 1 + 3
#: ('broken' has none: its formula cannot be converted).
WORKSHEET_INLINE = 1 + 4 + 2 + 2 + 3 + 4
WORKSHEET_DISPLAY = 1


def png(width: int, height: int, rgb: tuple[int, int, int] = (200, 30, 30)) -> bytes:
    """A real PNG: a coloured picture with a dark diagonal."""
    rows = []
    for y in range(height):
        row = bytearray([0])
        for x in range(width):
            dark = abs(x * height - y * width) < width * 2
            row += bytes((20, 20, 20) if dark else rgb)
        rows.append(bytes(row))

    def chunk(kind: bytes, data: bytes) -> bytes:
        import zlib

        return (
            struct.pack(">I", len(data))
            + kind
            + data
            + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
        )

    import zlib

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"".join(rows)))
        + chunk(b"IEND", b"")
    )


def image_file(src: str, data: bytes, width: int, height: int, **kwargs) -> ImageFile:
    digest = hashlib.sha256(data).hexdigest()[:16]
    ext = kwargs.pop("ext", "png")
    media_type = kwargs.pop("media_type", "image/png")
    return ImageFile(src, f"qbank-{digest}.{ext}", data, media_type, width, height, **kwargs)


class FolderSink:
    def __init__(self, folder: Path) -> None:
        self.folder = folder
        folder.mkdir(parents=True, exist_ok=True)
        self.warnings: list[str] = []

    def path(self, name: str) -> Path:
        return self.folder / name

    def warn(self, message: str) -> None:
        self.warnings.append(message)


@dataclass
class Written:
    folder: Path
    generated: GeneratedSet
    warnings: list[str]

    @property
    def worksheets(self) -> Path:
        return self.folder / "rich-worksheets.docx"

    @property
    def key(self) -> Path:
        return self.folder / "rich-answer-key.docx"


def write(folder: Path, count: int = 2, text: str = BANK, **options) -> Written:
    """The bank (and its pictures) in ``folder``, then its Word files in ``folder/out``."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "bank.yaml").write_text(text, encoding="utf-8")
    graph, wide = png(120, 60), png(1600, 200, (30, 90, 200))
    (folder / "graph.png").write_bytes(graph)
    (folder / "wide.png").write_bytes(wide)
    generated = generate(load_bank(folder / "bank.yaml"), count, 4)
    media = {
        "graph.png": image_file("graph.png", graph, 120, 60),
        "wide.png": image_file("wide.png", wide, 1600, 200),
    }
    generated = dataclasses.replace(generated, media=media)
    sink = FolderSink(folder / "out")
    get_exporter("docx").write(generated, sink, ExportOptions.of(timestamp=0, **options))
    return Written(sink.folder, generated, sink.warnings)


def part(path: Path, name: str) -> etree._Element:
    with zipfile.ZipFile(path) as package:
        return etree.fromstring(package.read(name))


def inline_math(root: etree._Element) -> list:
    return [m for m in root.iter(f"{{{M_NS}}}oMath") if m.getparent().tag != f"{{{M_NS}}}oMathPara"]


@pytest.fixture(scope="module")
def written(tmp_path_factory):
    return write(tmp_path_factory.mktemp("rich"))


# --- the XML ------------------------------------------------------------------------------


def test_formulas_are_word_equations_inline_and_display(written):
    body = part(written.worksheets, "word/document.xml")
    assert body.nsmap["m"] == M_NS  # bound in the root
    assert len(inline_math(body)) == 2 * WORKSHEET_INLINE
    assert len(body.findall(".//m:oMathPara", NS)) == 2 * WORKSHEET_DISPLAY
    text = "".join(body.itertext())
    # money stays text; a formula that cannot be converted stays as its source, in
    # Courier New, with a warning naming file, line and question
    assert "A ticket costs $30 and a pass $400 per month." in text
    assert "$" not in text.replace("$30", "").replace("$400", "")
    source = [r for r in body.iterfind(".//w:r", NS) if "".join(r.itertext()) == r"\notacommand{y}"]
    assert source and all(
        r.find("w:rPr/w:rFonts", NS).get(f"{{{W_NS}}}ascii") == "Courier New" for r in source
    )
    broken = [w for w in written.warnings if "notacommand" in w]
    assert len(broken) == 1, written.warnings
    assert broken[0].startswith(str(Path(written.folder.parent / "bank.yaml")) + ":")
    assert ": question 'broken': the formula" in broken[0]
    # the line of the formula, inside the text's '|' block
    line = int(broken[0].split(":")[1])
    assert BANK.splitlines()[line - 1].strip() == r"Is $\notacommand{y}$ a formula?"
    # the key: the solution's matrix, the option's formula, the filled-in cloze text
    key = part(written.key, "word/document.xml")
    assert key.nsmap["m"] == M_NS
    assert key.findall(".//m:oMath/m:d/m:e/m:m", NS)  # a matrix in brackets
    assert any("".join(m.itertext()) == "πr2" for m in inline_math(key))


def test_markdown_becomes_runs_lists_code_and_tables(written):
    document = docx.Document(str(written.worksheets))
    paragraphs = document.paragraphs
    styles = {s.style_id: s.name for s in document.styles}
    bold = [r.text for p in paragraphs for r in p.runs if r.bold]
    italic = [r.text for p in paragraphs for r in p.runs if r.italic]
    assert "bold" in bold and "area" in bold
    assert "italic" in italic and "emphasis" in italic and "the" in italic
    texts = [p.text for p in paragraphs]
    assert any(t.startswith("•\ta list item with emphasis") for t in texts)
    code = [p for p in paragraphs if p.text == "total = price * requests"]
    assert code and code[0].style.name == "Code Block"
    # a reading passage, instructions, soft line breaks joined with a space
    assert any(t.startswith("1.\tFractions") and "Greek" in t and " A ticket" in t for t in texts)
    # a table of the key's solution, in the document's Table Grid style
    key = docx.Document(str(written.key))
    grid_id = next(s.style_id for s in key.styles if s.name == "Table Grid")
    nested = [
        t
        for t in part(written.key, "word/document.xml").iter(f"{{{W_NS}}}tbl")
        if t.xpath("ancestor::w:tc", namespaces=NS)
    ]
    assert nested, "the solution's table is a table in the key's answer cell"
    for table in nested:
        assert table.find("w:tblPr/w:tblStyle", NS).get(f"{{{W_NS}}}val") == grid_id
    assert styles  # the document opened


def test_choices_terms_and_items_are_inline_rich_text(written):
    body = part(written.worksheets, "word/document.xml")
    choice_style = next(
        s.style_id for s in docx.Document(str(written.worksheets)).styles if s.name == "Choice"
    )
    choices = [
        p
        for p in body.iter(f"{{{W_NS}}}p")
        if p.find("w:pPr/w:pStyle", NS) is not None
        and p.find("w:pPr/w:pStyle", NS).get(f"{{{W_NS}}}val") == choice_style
        and p.find("m:oMath", NS) is not None
    ]
    assert len(choices) == 2 * 2  # πr² and 2πr, in both versions
    cells = ["".join(m.itertext()) for m in body.iterfind(".//w:tc//m:oMath", NS)]
    assert {"α", "β", "ω", "x", "x2", "x3"} <= set(cells)


def test_cloze_blanks_on_the_worksheet_and_answers_in_the_key(written):
    document = docx.Document(str(written.worksheets))
    texts = [p.text for p in document.paragraphs if "is called" in p.text]
    assert len(texts) == 2
    assert texts[0].startswith("4.\tThe root ")  # the number in the margin, as before
    assert "is __________ and " in texts[0] and "is called __________." in texts[0]
    key = docx.Document(str(written.key))
    filled = [
        p
        for t in key.tables
        for row in t.rows
        for cell in row.cells
        for p in cell.paragraphs
        if "is called" in p.text
    ]
    assert filled and "is 4 and" in filled[0].text and filled[0].text.endswith("gamma.")
    assert [r.text for r in filled[0].runs if r.style.name == "Key Answer"] == ["4", "gamma"]


def test_images_are_media_parts_drawn_inline_and_scaled_to_the_text(written):
    with zipfile.ZipFile(written.worksheets) as package:
        names = package.namelist()
        media = [n for n in names if n.startswith("word/media/")]
        graph = written.generated.media["graph.png"]
        wide = written.generated.media["wide.png"]
        assert sorted(media) == sorted(f"word/media/{i.name}" for i in (graph, wide))
        assert package.read(f"word/media/{graph.name}") == graph.data
    rels = part(written.worksheets, "word/_rels/document.xml.rels")
    images = {
        r.get("Id"): r.get("Target")
        for r in rels.iterfind("rel:Relationship", NS)
        if r.get("Type") == IMAGE_REL
    }
    assert sorted(images.values()) == sorted(f"media/{i.name}" for i in (graph, wide))
    types = part(written.worksheets, "[Content_Types].xml")
    defaults = [d.get("Extension").lower() for d in types.iterfind("ct:Default", NS)]
    assert "png" in defaults and len(defaults) == len(set(defaults))
    body = part(written.worksheets, "word/document.xml")
    drawings = body.findall(".//w:drawing/wp:inline", NS)
    assert len(drawings) == 2 * 2  # two pictures in each of two versions
    ids = [d.find("wp:docPr", NS).get("id") for d in drawings]
    assert len(set(ids)) == len(ids)
    by_alt = {}
    for d in drawings:
        blip = d.find(".//a:blip", NS).get(f"{{{R_NS}}}embed")
        assert blip in images
        extent = d.find("wp:extent", NS)
        by_alt[d.find("wp:docPr", NS).get("descr")] = (
            int(extent.get("cx")),
            int(extent.get("cy")),
        )
    assert by_alt["a rising line graph"] == (120 * EMU_PER_PIXEL, 60 * EMU_PER_PIXEL)
    section = docx.Document(str(written.worksheets)).sections[0]
    text_width = (section.page_width - section.left_margin - section.right_margin) // EMU_PER_TWIP
    cx, cy = by_alt["a very wide banner"]
    assert cx == (text_width - QUESTION_INDENT) * EMU_PER_TWIP  # scaled to fit
    assert abs(cx / cy - 1600 / 200) < 0.01  # and kept its shape
    shapes = docx.Document(str(written.worksheets)).inline_shapes
    assert len(shapes) == 4


def test_a_teachers_template_without_the_math_namespace_and_an_svg(tmp_path):
    # A template saved by a program that does not bind the prefix m, with a picture of
    # its own (a png Default already listed).
    source = docx.Document()
    source.add_paragraph("body")
    plain = io.BytesIO()
    source.save(plain)
    template = tmp_path / "template.docx"
    with zipfile.ZipFile(plain) as src, zipfile.ZipFile(template, "w") as dst:
        for item in src.infolist():
            data = src.read(item)
            if item.filename == "word/document.xml":
                data = data.replace(f' xmlns:m="{M_NS}"'.encode(), b"")
                assert b"xmlns:m=" not in data
            if item.filename == "[Content_Types].xml":
                data = data.replace(
                    b"<Default ", b'<Default Extension="PNG" ContentType="image/png"/><Default ', 1
                )
            dst.writestr(item, data)
    svg_png = png(40, 40)
    bank = BANK.replace("![a very wide banner](wide.png)", "![a drawn circle](circle.svg)")
    out = write(tmp_path / "bank", 1, bank, docx_template=template)
    # the svg was not in media: its alt text stands in for it
    body = part(out.worksheets, "word/document.xml")
    assert body.nsmap["m"] == M_NS
    assert "[a drawn circle]" in "".join(body.itertext())
    assert [w.split(": ", 1)[1] for w in out.warnings if "circle.svg" in w] == [
        "question 'code': the image 'circle.svg' cannot be shown in Word; its description "
        "is printed instead"
    ]
    assert len(inline_math(body)) == WORKSHEET_INLINE
    types = part(out.worksheets, "[Content_Types].xml")
    defaults = [d.get("Extension").lower() for d in types.iterfind("ct:Default", NS)]
    assert defaults.count("png") == 1
    docx.Document(str(out.worksheets))
    # with the svg's PNG, it is drawn from that PNG
    generated = out.generated
    svg = image_file(
        "circle.svg", b"<svg/>", 40, 40, ext="svg", media_type="image/svg+xml", png=svg_png
    )
    generated = dataclasses.replace(generated, media={**generated.media, "circle.svg": svg})
    sink = FolderSink(tmp_path / "svg")
    get_exporter("docx").write(generated, sink, ExportOptions.of(timestamp=0))
    with zipfile.ZipFile(sink.folder / "rich-worksheets.docx") as package:
        png_name = svg.name.replace(".svg", ".png")
        assert package.read(f"word/media/{png_name}") == svg_png
        assert not [n for n in package.namelist() if n.endswith(".svg")]


def test_a_bank_with_math_off_keeps_its_dollars_as_text(tmp_path):
    out = write(tmp_path, 1, BANK.replace("title: Rich text in Word", "title: T\nmath: off"))
    body = part(out.worksheets, "word/document.xml")
    assert body.find(".//m:oMath", NS) is None
    text = "".join(body.itertext())
    assert r"Fractions $\frac{a}{b}$, roots $\sqrt{x}$" in text
    assert not [w for w in out.warnings if "formula" in w]


def test_the_same_text_is_written_once_per_document(tmp_path, monkeypatch):
    from qbank.exporters.word import rich

    calls = []
    real = rich.to_wordml

    def counting(doc, options):
        calls.append(doc)
        return real(doc, options)

    monkeypatch.setattr(rich, "to_wordml", counting)
    write(tmp_path, 12)
    # 12 versions: the fixed texts once per document, 'sums' once per distinct draw
    # (n from 3 to 6: at most 4 texts and 4 solutions)
    assert len(calls) <= 2 * 12 + 4 + 4


# --- rendered ------------------------------------------------------------------------------


def pdf_text(pdf: Path) -> str:
    return subprocess.run(
        ["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout


@pytest.mark.libreoffice
@pytest.mark.slow
def test_libreoffice_renders_the_worksheets_and_the_key(written, tmp_path):
    exe = soffice_or_skip()
    out = tmp_path / "pdf"
    result = subprocess.run(
        [
            exe,
            f"-env:UserInstallation={(tmp_path / 'profile').as_uri()}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(out),
            str(written.worksheets),
            str(written.key),
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    sheets, key = out / "rich-worksheets.pdf", out / "rich-answer-key.pdf"
    assert sheets.exists() and key.exists(), (result.stdout, result.stderr)
    text = pdf_text(sheets)
    missing = [s for s in ("√", "∑", "α", "β", "γ", "π", "$30", "$400") if s not in text]
    assert not missing, (
        f"{missing} missing from the worksheets: LibreOffice needs its Math component "
        "(Debian: libreoffice-math-nogui)\n" + text
    )
    assert "\\notacommand{y}" in text and "total = price * requests" in text
    key_text = pdf_text(key)
    assert not [s for s in ("π", "gamma", "Cost grows with requests") if s not in key_text]
    # the pages as pictures, for a person to look at (kept next to the PDFs)
    subprocess.run(["pdftoppm", "-r", "60", "-png", str(sheets), str(out / "sheet")], check=True)
    subprocess.run(["pdftoppm", "-r", "60", "-png", str(key), str(out / "key")], check=True)
    assert list(out.glob("sheet-*.png")) and list(out.glob("key-*.png"))
