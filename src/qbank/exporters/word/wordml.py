"""Small builders for WordprocessingML (the XML inside a .docx), written as text.

Worksheets for thousands of students hold millions of paragraphs. python-docx's
``add_paragraph`` looks for the final ``w:sectPr`` among all body children on every call,
so a document grows in quadratic time; building lxml elements one by one is linear but
slow and memory-hungry. These functions return XML text for one paragraph, run or table
at a time, which the package writer streams straight into the zip: linear time, flat
memory. Every piece of bank text goes through :func:`run`, the one place that escapes.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from functools import lru_cache

from ...charmap import escape_markup
from ...ooxml import run_xml

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
R_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"

# Characters XML 1.0 cannot hold at all (C0 controls other than tab/newline, lone
# surrogates, U+FFFE/U+FFFF). They cannot come out as written, so they are dropped.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
# Any character from a right-to-left script (Hebrew, Arabic, Syriac, Thaana, N'Ko, ...,
# their presentation forms, and the RTL blocks of the supplementary planes).
_RTL_CHAR = re.compile(
    "[\u0590-\u08ff\ufb1d-\ufdff\ufe70-\ufefc\U00010800-\U00010fff\U0001e800-\U0001efff]"
)


def clean(text: str) -> str:
    """Text as Word can store it: one kind of line end, no characters XML forbids."""
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return _NOT_XML.sub("", text)


def esc(text: str) -> str:
    """Escape text for an XML element or a double-quoted attribute."""
    return escape_markup(clean(text))


def is_rtl(text: str) -> bool:
    """Whether a paragraph reads right to left: its first strong character is RTL.

    This is the Unicode bidi algorithm's rule for a paragraph's base direction (P2, P3).
    """
    if not _RTL_CHAR.search(text):  # the fast path for nearly every paragraph
        return False
    for ch in text:
        kind = unicodedata.bidirectional(ch)
        if kind in ("R", "AL"):
            return True
        if kind == "L":
            return False
    return False


@lru_cache(maxsize=256)  # a handful of distinct formats, asked for millions of times
def run_props(
    style: str | None = None,
    *,
    bold: bool = False,
    italic: bool = False,
    size_pt: float | None = None,
    color: str | None = None,
) -> str:
    """``w:rPr`` for a run (empty when nothing is set). Children in schema order."""
    parts = []
    if style:
        parts.append(f'<w:rStyle w:val="{esc(style)}"/>')
    if bold:
        parts.append("<w:b/><w:bCs/>")
    if italic:
        parts.append("<w:i/><w:iCs/>")
    if color:
        parts.append(f'<w:color w:val="{color}"/>')
    if size_pt:
        half_points = round(size_pt * 2)
        parts.append(f'<w:sz w:val="{half_points}"/><w:szCs w:val="{half_points}"/>')
    return f"<w:rPr>{''.join(parts)}</w:rPr>" if parts else ""


def run(text: str, props: str = "") -> str:
    """One run of text; a newline becomes a line break and a tab a tab character."""
    return run_xml(clean(text), props)


def tab_run(props: str = "") -> str:
    return f"<w:r>{props}<w:tab/></w:r>"


def field_run(instruction: str, shown: str, props: str = "") -> str:
    """A field (``PAGE``) as Word writes it, with ``shown`` as the cached result."""
    return (
        f'<w:r>{props}<w:fldChar w:fldCharType="begin"/></w:r>'
        f'<w:r>{props}<w:instrText xml:space="preserve"> {esc(instruction)} '
        "</w:instrText></w:r>"
        f'<w:r>{props}<w:fldChar w:fldCharType="separate"/></w:r>'
        f"{run(shown, props)}"
        f'<w:r>{props}<w:fldChar w:fldCharType="end"/></w:r>'
    )


def tab_stops(stops: Iterable[tuple[str, int, str]]) -> str:
    """``w:tabs`` from (alignment, position in twips, leader) triples."""
    inner = "".join(
        f'<w:tab w:val="{align}"'
        + (f' w:leader="{leader}"' if leader and leader != "none" else "")
        + f' w:pos="{pos}"/>'
        for align, pos, leader in stops
    )
    return f"<w:tabs>{inner}</w:tabs>" if inner else ""


def paragraph(
    content: str = "",
    style: str | None = None,
    *,
    keep_next: bool | None = None,
    keep_lines: bool = False,
    page_break_before: bool = False,
    tabs: str = "",
    bidi: bool = False,
    spacing: str = "",
    indent: str = "",
    align: str | None = None,
    mark_props: str = "",
    section: str = "",
) -> str:
    """One ``w:p``; ``content`` is run XML. pPr children are written in schema order.

    ``keep_next`` None leaves "keep with next" to the style; True or False overrides it.
    """
    ppr = []
    if style:
        ppr.append(_style_reference(style))
    if keep_next is not None:
        ppr.append("<w:keepNext/>" if keep_next else '<w:keepNext w:val="0"/>')
    if keep_lines:
        ppr.append("<w:keepLines/>")
    if page_break_before:
        ppr.append("<w:pageBreakBefore/>")
    if tabs:
        ppr.append(tabs)
    if bidi:
        ppr.append("<w:bidi/>")
    if spacing:
        ppr.append(spacing)
    if indent:
        ppr.append(indent)
    if align:
        ppr.append(f'<w:jc w:val="{align}"/>')
    if mark_props:
        ppr.append(mark_props)
    if section:
        ppr.append(section)
    props = f"<w:pPr>{''.join(ppr)}</w:pPr>" if ppr else ""
    return f"<w:p>{props}{content}</w:p>"


@lru_cache(maxsize=256)
def _style_reference(style: str) -> str:
    return f'<w:pStyle w:val="{esc(style)}"/>'


def text_paragraph(
    text: str, style: str | None = None, *, before: str = "", after: str = "", **kwargs
) -> str:
    """A paragraph of bank text (escaped), between optional run XML ``before``/``after``.

    A paragraph whose text reads right to left gets Word's right-to-left paragraph
    direction, so Arabic or Hebrew questions are laid out from the right margin.
    """
    return paragraph(before + run(text) + after, style, bidi=is_rtl(text), **kwargs)


def split_paragraphs(text: str) -> list[str]:
    """Bank text to paragraphs: a blank line separates them; single newlines stay breaks."""
    text = clean(text).strip("\n")
    if not text.strip():
        return []
    blocks = re.split(r"\n[ \t]*\n", text)
    return [b.strip("\n").rstrip() for b in blocks if b.strip()]


def table(
    rows: Sequence[Sequence[str | tuple[str, int]]],
    widths: Sequence[int],
    style: str | None,
    *,
    header_rows: int = 0,
    indent: int = 0,
    row_height: int = 0,
    compact: bool = False,
    look: str = "04A0",
) -> str:
    """A fixed-layout table: column widths hold however long the words in the cells are.

    ``rows`` holds cell contents (paragraph XML; an empty cell gets an empty paragraph);
    a cell given as ``(content, n)`` spans n columns. Header rows repeat at the top of
    every page. Rows never split across pages. With
    ``row_height`` (twips) rows are at least that tall; ``compact`` removes the cell
    padding above and below and centres the cells vertically (the marking grid).
    """
    grid = "".join(f'<w:gridCol w:w="{w}"/>' for w in widths)
    margins = (
        '<w:tblCellMar><w:top w:w="0" w:type="dxa"/><w:bottom w:w="0" w:type="dxa"/></w:tblCellMar>'
        if compact
        else ""
    )
    ppr = [
        f'<w:tblStyle w:val="{esc(style)}"/>' if style else "",
        f'<w:tblW w:w="{sum(widths)}" w:type="dxa"/>',
        f'<w:tblInd w:w="{indent}" w:type="dxa"/>',
        '<w:tblLayout w:type="fixed"/>',
        margins,
        f'<w:tblLook w:val="{look}" w:firstRow="{1 if header_rows else 0}" w:lastRow="0" '
        'w:firstColumn="0" w:lastColumn="0" w:noHBand="1" w:noVBand="1"/>',
    ]
    height = f'<w:trHeight w:val="{row_height}" w:hRule="atLeast"/>' if row_height else ""
    valign = '<w:vAlign w:val="center"/>' if compact else ""
    out = [f"<w:tbl><w:tblPr>{''.join(ppr)}</w:tblPr><w:tblGrid>{grid}</w:tblGrid>"]
    for index, cells in enumerate(rows):
        header = "<w:tblHeader/>" if index < header_rows else ""
        out.append(f"<w:tr><w:trPr><w:cantSplit/>{height}{header}</w:trPr>")
        column = 0
        for content in cells:
            span = 1
            if isinstance(content, tuple):
                content, span = content
            width = sum(widths[column : column + span])
            merge = f'<w:gridSpan w:val="{span}"/>' if span > 1 else ""
            column += span
            if not content or content.endswith("</w:tbl>"):
                content += "<w:p/>"  # a cell ends with a paragraph, even after a table
            out.append(
                f'<w:tc><w:tcPr><w:tcW w:w="{width}" w:type="dxa"/>{merge}{valign}'
                f"</w:tcPr>{content}</w:tc>"
            )
        out.append("</w:tr>")
    out.append("</w:tbl>")
    return "".join(out)
