"""Pieces both the worksheets and the answer key print: points, footers, section ends."""

from __future__ import annotations

from collections.abc import Callable

from ...i18n import _
from ...i18n import points as points_text
from ...model import GeneratedSet, Number
from .package import BaseDocument, DocxWriter
from .rich import Media, RichText, Warner
from .wordml import esc, field_run, paragraph, run, run_props, tab_run

#: Paragraph mark of the empty paragraph that carries a section break: 1 pt, no spacing,
#: so it never pushes a full page over onto a page of its own.
_TINY_MARK = (
    '<w:spacing w:before="0" w:after="0" w:line="20" w:lineRule="exact"/>',
    '<w:rPr><w:sz w:val="2"/><w:szCs w:val="2"/></w:rPr>',
)


def points_label(points: Number, *, joined: bool = False) -> str:
    """ "2 points"; ``joined`` keeps the number and the word on one line."""
    space = "\u00a0" if joined else " "
    return points_text(points).replace(" ", space)


def section_end(section_xml: str, *, last: bool = False) -> str:
    """What ends a section: Word keeps a section's w:sectPr in its last paragraph, except
    for the document's last section, whose w:sectPr is the last child of the body (after
    a paragraph: Word wants one there, not a table)."""
    spacing, mark = _TINY_MARK
    if last:
        return paragraph("", None, spacing=spacing, mark_props=mark) + section_xml
    return paragraph("", None, spacing=spacing, mark_props=mark, section=section_xml)


def footer_ids(
    writer: DocxWriter, base: BaseDocument, left_text: str, *, landscape: bool = False
) -> dict[str, str]:
    """Footer parts for one section: ``left_text`` on the left, "Page N" on the right.

    The page number is a PAGE field, so Word and LibreOffice fill it in on every page;
    each version's section restarts it at 1. One part per footer kind the template uses
    (first page, even pages), all alike.
    """
    styles = base.styles
    page = base.geometry.landscape() if landscape else base.geometry
    right = str(page.text_width)
    clears = "".join(
        f'<w:tab w:val="clear" w:pos="{esc(pos)}"/>'
        for pos in styles.tab_positions("Footer")
        if pos != right
    )
    tabs = f'<w:tabs>{clears}<w:tab w:val="right" w:pos="{right}"/></w:tabs>'
    xml = paragraph(
        run(left_text) + tab_run() + run(_("Page") + " ") + field_run("PAGE", "1"),
        styles["Footer"],
        tabs=tabs,
    )
    return {kind: writer.add_footer(xml) for kind in base.frame.footer_kinds}


def styled(text: str, style: str) -> str:
    """A run in a character style."""
    return run(text, run_props(style))


def rich_text(
    base: BaseDocument, generated: GeneratedSet, warn: Callable[[str], None] | Warner
) -> RichText:
    """The writer of bank texts for one document, with the pictures it will hold."""
    page = base.geometry
    return RichText(
        math=generated.bank.math,
        media=generated.media,
        parts=Media(),
        warner=warn if isinstance(warn, Warner) else Warner(warn),
        table_style=base.styles["Table Grid"],
        code_style=base.styles["Code Block"],
        # A picture may fill at most two thirds of the page's height: room for its question.
        max_height=(page.height - page.top - page.bottom) * 2 // 3,
    )
