"""Floors for ``-f docx``: the same paragraphs and tables written by python-docx, naively,
and as raw OOXML.

The content is read back from qbank's own .docx files of the same run (worksheets and
answer key): the body's paragraphs (style, runs with their text and formatting), tables,
page and section breaks.

* ``python-docx naive``: ``Document()``, then ``add_paragraph(style=name)``, ``add_run``,
  ``add_table``, ``add_section`` for every block, as a program written from python-docx's
  tutorial does. Each call looks its style up by name and finds its place by scanning the
  body, so time grows faster than the number of paragraphs. Footers and page set-up are
  left out (they would only make this floor slower).
* ``raw OOXML``: the same body written as WordprocessingML text (escaped, streamed into
  the zip), every other part of the package (styles, footers, numbering) copied from
  qbank's file.
"""

from __future__ import annotations

import re
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from lxml import etree

from . import Floor, FloorContext

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_W = f"{{{W}}}"
# lxml writes every namespace in scope on a fragment it serialises; the body declares them
# once, on <w:document>.
_NAMESPACE_DECLARATION = re.compile(r'\s+xmlns(?::\w+)?="[^"]*"')
#: Above this many paragraphs the naive floor is not run (python-docx would take minutes;
#: it is quadratic), except in the docx series at 1,000 and 10,000 questions.
NAIVE_PARAGRAPH_LIMIT = 30_000

# A run: (its <w:rPr> as XML text, bold, italic, pieces); a piece is text, or "\t" for a
# tab, "\f" for a page break, "\n" for a line break.
Run = tuple
# A paragraph: ("p", style id or None, its <w:pPr> as XML text, runs, ends a section).
# A table: ("tbl", style id or None, <w:tblPr><w:tblGrid> as XML text, rows), a row being
# (<w:trPr> text, cells) and a cell (<w:tcPr> text, paragraphs).
Block = tuple


@dataclass
class Document:
    root_open: str  # <w:document ...><w:body>, namespaces included
    body: list[Block]
    final_section: str
    style_names: dict[str, str]
    other_parts: dict[str, bytes]

    @property
    def paragraphs(self) -> int:
        total = 0
        for block in self.body:
            if block[0] == "p":
                total += 1
            else:
                total += sum(len(paras) for _, cells in block[3] for _, paras in cells)
        return total


class _Reader:
    """Reads body blocks into tuples; each distinct paragraph and property is read once
    (answer lines, headings and fixed questions repeat in every version)."""

    def __init__(self) -> None:
        self._xml: dict[bytes, str] = {}
        self._paragraphs: dict[bytes, Block] = {}

    def xml(self, element: Any) -> str:
        if element is None:
            return ""
        raw = etree.tostring(element)
        text = self._xml.get(raw)
        if text is None:
            text = self._xml[raw] = _NAMESPACE_DECLARATION.sub("", raw.decode())
        return text

    def paragraph(self, p: Any) -> Block:
        raw = etree.tostring(p)
        block = self._paragraphs.get(raw)
        if block is None:
            block = self._paragraphs[raw] = self._read_paragraph(p)
        return block

    def _read_paragraph(self, p: Any) -> Block:
        ppr = p.find(_W + "pPr")
        style = ppr.find(_W + "pStyle") if ppr is not None else None
        runs = []
        for r in p.iter(_W + "r"):
            rpr = r.find(_W + "rPr")
            pieces = []
            for child in r:
                tag = child.tag
                if tag == _W + "t":
                    pieces.append(child.text or "")
                elif tag == _W + "tab":
                    pieces.append("\t")
                elif tag == _W + "br":
                    pieces.append("\f" if child.get(_W + "type") == "page" else "\n")
            runs.append(
                (
                    self.xml(rpr),
                    rpr is not None and rpr.find(_W + "b") is not None,
                    rpr is not None and rpr.find(_W + "i") is not None,
                    tuple(pieces),
                )
            )
        return (
            "p",
            style.get(_W + "val") if style is not None else None,
            self.xml(ppr),
            tuple(runs),
            ppr is not None and ppr.find(_W + "sectPr") is not None,
        )

    def table(self, tbl: Any) -> Block:
        props = self.xml(tbl.find(_W + "tblPr")) + self.xml(tbl.find(_W + "tblGrid"))
        style = tbl.find(f"{_W}tblPr/{_W}tblStyle")
        rows = tuple(
            (
                self.xml(tr.find(_W + "trPr")),
                tuple(
                    (
                        self.xml(tc.find(_W + "tcPr")),
                        tuple(self.paragraph(p) for p in tc.findall(_W + "p")),
                    )
                    for tc in tr.findall(_W + "tc")
                ),
            )
            for tr in tbl.findall(_W + "tr")
        )
        return ("tbl", style.get(_W + "val") if style is not None else None, props, rows)


# The body's blocks, found in the XML text: paragraphs (possibly empty, '<w:p/>'), tables
# (qbank does not nest them) and the final section properties. Finding them by pattern and
# parsing each distinct one once keeps reading a 200 MB body to seconds and little memory.
_BLOCK = re.compile(
    r"<w:tbl>.*?</w:tbl>|<w:p(?:\s[^>]*)?/>|<w:p(?:\s[^>]*)?>.*?</w:p>"
    r"|<w:sectPr(?:\s[^>]*)?>.*?</w:sectPr>",
    re.S,
)


def read_docx(path: Path) -> Document:
    with zipfile.ZipFile(path) as archive:
        parts = {name: archive.read(name) for name in archive.namelist()}
    xml = parts.pop("word/document.xml").decode("utf-8")
    body_start = xml.index("<w:body>") + len("<w:body>")
    opening = xml[xml.index("<w:document") : body_start]
    wrapper = opening.replace("<w:body>", "")  # a root that declares every namespace
    reader = _Reader()
    blocks: list[Block] = []
    final_section = ""
    distinct: dict[str, Block | str] = {}
    for match in _BLOCK.finditer(xml, body_start, xml.rindex("</w:body>")):
        fragment = match.group()
        block = distinct.get(fragment)
        if block is None:
            element = etree.fromstring(f"{wrapper}{fragment}</w:document>")[0]
            if element.tag == _W + "p":
                block = reader.paragraph(element)
            elif element.tag == _W + "tbl":
                block = reader.table(element)
            else:
                block = reader.xml(element)
            distinct[fragment] = block
        if isinstance(block, str):
            final_section = block
        else:
            blocks.append(block)
    names = {}
    if "word/styles.xml" in parts:
        for style in etree.fromstring(parts["word/styles.xml"]).iter(_W + "style"):
            name = style.find(_W + "name")
            if name is not None:
                names[style.get(_W + "styleId")] = name.get(_W + "val")
    return Document(opening, blocks, final_section, names, parts)


def count_paragraphs(path: Path) -> int:
    """Paragraphs in a .docx body, counted without parsing it."""
    with zipfile.ZipFile(path) as archive:
        xml = archive.read("word/document.xml")
    return len(re.findall(rb"<w:p[\s>/]", xml))


class _DocxFloor(Floor):
    def prepare(self, ctx: FloorContext) -> list[Document]:
        return [read_docx(path) for path in ctx.outputs(".docx")]

    def size(self, content: list[Document]) -> int:
        return sum(doc.paragraphs for doc in content)


# --- raw OOXML --------------------------------------------------------------------------


def _raw_paragraph(p: Block, out: list[str]) -> None:
    out.append("<w:p>")
    out.append(p[2])
    for props, _bold, _italic, pieces in p[3]:
        out.append("<w:r>")
        out.append(props)
        for piece in pieces:
            if piece == "\t":
                out.append("<w:tab/>")
            elif piece == "\f":
                out.append('<w:br w:type="page"/>')
            elif piece == "\n":
                out.append("<w:br/>")
            else:
                out.append('<w:t xml:space="preserve">')
                out.append(escape(piece))
                out.append("</w:t>")
        out.append("</w:r>")
    out.append("</w:p>")


def _raw_table(block: Block, out: list[str]) -> None:
    out.append("<w:tbl>")
    out.append(block[2])
    for row_props, cells in block[3]:
        out.append("<w:tr>")
        out.append(row_props)
        for cell_props, paragraphs in cells:
            out.append("<w:tc>")
            out.append(cell_props)
            for p in paragraphs:
                _raw_paragraph(p, out)
            out.append("</w:tc>")
        out.append("</w:tr>")
    out.append("</w:tbl>")


class RawOoxmlFloor(_DocxFloor):
    label = "raw OOXML"

    def write(self, content: list[Document], folder: Path) -> list[Path]:
        paths = []
        for index, doc in enumerate(content):
            path = folder / f"floor-{index}.docx"
            with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
                for name, data in doc.other_parts.items():
                    archive.writestr(name, data)
                with archive.open("word/document.xml", "w") as stream:
                    out = [
                        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n',
                        doc.root_open,
                    ]
                    for block in doc.body:
                        (_raw_paragraph if block[0] == "p" else _raw_table)(block, out)
                        if len(out) > 4096:  # stream in pieces: memory stays flat
                            stream.write("".join(out).encode())
                            out.clear()
                    out += [doc.final_section, "</w:body></w:document>"]
                    stream.write("".join(out).encode())
            paths.append(path)
        return paths


# --- naive python-docx ------------------------------------------------------------------


class NaivePythonDocxFloor(_DocxFloor):
    label = "python-docx naive"

    def skip_reason(self, ctx: FloorContext) -> str | None:
        paragraphs = sum(count_paragraphs(path) for path in ctx.outputs(".docx"))
        if paragraphs > NAIVE_PARAGRAPH_LIMIT:
            return f"not run ({paragraphs:,} paragraphs: would take minutes)"
        return None

    def write(self, content: list[Document], folder: Path) -> list[Path]:
        import docx
        from docx.enum.section import WD_SECTION
        from docx.enum.style import WD_STYLE_TYPE
        from docx.enum.text import WD_BREAK
        from docx.styles import BabelFish

        paths = []
        for index, source in enumerate(content):
            doc = docx.Document()
            known = {s.name for s in doc.styles}

            def style_name(
                style_id: str | None,
                kind: Any,
                source: Any = source,
                doc: Any = doc,
                known: set[str] = known,
            ) -> str | None:
                if style_id is None:
                    return None
                name = BabelFish.internal2ui(source.style_names.get(style_id, style_id))
                if name not in known:
                    doc.styles.add_style(name, kind)
                    known.add(name)
                return name

            def fill(paragraph: Any, runs: tuple) -> None:
                for _props, bold, italic, pieces in runs:
                    run = paragraph.add_run()
                    if bold:
                        run.bold = True
                    if italic:
                        run.italic = True
                    for piece in pieces:
                        if piece == "\f":
                            run.add_break(WD_BREAK.PAGE)
                        elif piece == "\n":
                            run.add_break()
                        elif piece == "\t":
                            run.add_tab()
                        else:
                            run.add_text(piece)

            for block in source.body:
                if block[0] == "p":
                    _, style, _props, runs, section_break = block
                    fill(doc.add_paragraph(style=style_name(style, WD_STYLE_TYPE.PARAGRAPH)), runs)
                    if section_break:
                        doc.add_section(WD_SECTION.NEW_PAGE)
                    continue
                _, style, _props, rows = block
                columns = max(len(cells) for _, cells in rows)
                table = doc.add_table(
                    rows=len(rows), cols=columns, style=style_name(style, WD_STYLE_TYPE.TABLE)
                )
                for row, (_, cells) in zip(table.rows, rows):
                    for cell, (_, paragraphs) in zip(row.cells, cells):
                        for i, (_, p_style, _, runs, _) in enumerate(paragraphs):
                            target = cell.paragraphs[0] if i == 0 else cell.add_paragraph()
                            target.style = style_name(p_style, WD_STYLE_TYPE.PARAGRAPH)
                            fill(target, runs)
            path = folder / f"floor-{index}.docx"
            doc.save(str(path))
            paths.append(path)
        return paths


FLOORS = [RawOoxmlFloor, NaivePythonDocxFloor]
