"""The tree as WordprocessingML fragments for the streamed Word writer.

:func:`to_wordml` gives block XML (``<w:p>`` and ``<w:tbl>`` elements) for a block
text; :func:`to_runs` gives run XML (``<w:r>``, ``<m:oMath>``) for an inline text, to go
inside a paragraph the caller writes (a choice after its letter). Both return the XML and
the warnings of formulas that could not become equations. The document these fragments
go into must bind the prefixes ``w``, ``r`` and ``m`` (``omml.M_NS``).

- Runs: bold, italic, strike, underline, sub/superscript, and code in Courier New.
- Math: native Word equations (OMML, see :mod:`.omml`): ``m:oMath`` inside the
  paragraph, and display formulas as an ``m:oMathPara`` in a paragraph of their own
  (a paragraph with a display formula in its middle is split around it). A formula
  that cannot be converted is shown as its LaTeX source in Courier New, with a warning.
- Lists are paragraphs that start with a "•" (then "◦", "▪" when nested) or "1." and a
  tab, with a hanging indent per level, not Word numbering: a numbering definition
  lives in numbering.xml, which the worksheet package does not write, and every list
  would need its own ``w:num`` to restart at its start number in every version of
  every student's sheet. Written prefixes are self-contained, print the same in Word
  and LibreOffice, and keep the number the teacher wrote (``3.`` starts at 3).
- Tables: fixed layout over ``width`` twips in equal columns, in the caller's table
  style (the id of "Table Grid"; plain borders if none), header row bold and repeated.
- Code blocks: one paragraph in the caller's code style, or Courier New on light grey.
- Images: the caller's ``image(src, alt, room)`` returns the run with the ``w:drawing``
  (it owns the media part and relationship); ``room`` is the width the image may take,
  in twips (the text column at its indent, or the table cell). Without it an image is
  ``[alt]``, warned.
- Blanks: the caller's ``blank(index)`` returns run XML; by default a run of underscores.
- Links: with a ``hyperlink(href)`` giving a relationship id, a ``w:hyperlink``; else
  (and always for targets other than http(s)/mailto) the link text, followed on paper by
  the address in brackets when it differs from the text.
"""

from __future__ import annotations

import builtins
import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

from ..ooxml import esc, run_xml
from .html import safe_href
from .omml import MathConversionError, latex_to_omml
from .plain import plain_inlines, plain_text
from .tree import (
    WRAPPERS,
    Blank,
    Block,
    BlockQuote,
    BulletList,
    Code,
    CodeBlock,
    Document,
    Emph,
    HardBreak,
    Heading,
    Image,
    Inline,
    Link,
    MathBlock,
    MathInline,
    OrderedList,
    Paragraph,
    Plain,
    SoftBreak,
    Strike,
    Strong,
    Sub,
    Sup,
    Table,
    Text,
    ThematicBreak,
    Underline,
)

_RTL = re.compile("[\u0590-\u08ff\ufb1d-\ufdff\ufe70-\ufefc]")
_FLAGS = {Strong: "b", Emph: "i", Strike: "s", Underline: "u", Sub: "sub", Sup: "sup"}
_BULLETS = ("•", "◦", "▪")
MONO = "Courier New"

#: Indent per list level and hanging indent of list markers, in twips (0.63 cm).
LIST_INDENT = 360
#: Extra indent of a block quote, in twips (1 cm).
QUOTE_INDENT = 567
#: Left and right padding of a table cell together, in twips (Word's default, 0.19 cm
#: each side), taken off the cell's width for an image in it.
CELL_MARGINS = 216


@dataclass(frozen=True)
class WordOptions:
    """Styles (style *ids*, as the caller's style table gives them), sizes in twips, and
    the callbacks for what only the caller can write."""

    paragraph_style: str | None = None
    code_style: str | None = None
    table_style: str | None = None
    #: Width of the text column (A4 with 2.54 cm margins), and the indent of everything.
    width: int = 9026
    indent: int = 0
    image: Callable[[str, str, int], str] | None = None
    blank: Callable[[int], str] | None = None
    hyperlink: Callable[[str], str | None] | None = None


@dataclass(frozen=True)
class WordFragment:
    xml: str
    warnings: tuple[str, ...] = ()


def to_wordml(doc: Document, options: WordOptions = WordOptions()) -> WordFragment:
    """Block XML for a document (paragraphs and tables)."""
    writer = _Writer(options)
    parts = []
    for index, block in enumerate(doc.blocks):
        if index and isinstance(block, Table) and isinstance(doc.blocks[index - 1], Table):
            parts.append(writer.paragraph("", options.indent))  # or Word joins the two
        parts.append(writer.block(block, options.indent))
    return WordFragment("".join(parts), tuple(writer.warnings))


def plain_paragraph_wordml(words: str, *, style: str | None = None, indent: int = 0) -> str:
    """The block XML :func:`to_wordml` writes for a one-paragraph text without any
    Markdown (:func:`qbank.richtext.plain_words`), in paragraph style ``style`` indented
    ``indent``, without building its tree: most texts of a randomised bank are like this
    and differ in every version."""
    bidi = _RTL.search(words) is not None
    return _PLAIN_WRITER.paragraph(text_run(words), indent, style=style, bidi=bidi)


def to_runs(doc: Document, options: WordOptions = WordOptions()) -> WordFragment:
    """Run XML for an inline document, to go inside the caller's paragraph. Blocks of a
    block document are joined by line breaks; display formulas stay in the line."""
    writer = _Writer(options)
    parts: list[str] = []
    for block in doc.blocks:
        if parts:
            parts.append("<w:r><w:br/></w:r>")
        if isinstance(block, (Paragraph, Plain, Heading)):
            parts.extend(writer.inlines(block.children, frozenset(), display_inline=True))
        elif isinstance(block, MathBlock):
            parts.append(writer.math(MathInline(block.tex), frozenset(), True))
        else:
            parts.append(text_run(plain_text(Document((block,)))))
    return WordFragment("".join(parts), tuple(writer.warnings))


@lru_cache(maxsize=128)
def run_props(flags: frozenset[str]) -> str:
    """``w:rPr`` for a set of flags, children in schema order."""
    parts = []
    if "code" in flags:
        parts.append(f'<w:rFonts w:ascii="{MONO}" w:hAnsi="{MONO}" w:cs="{MONO}"/>')
    if "b" in flags:
        parts.append("<w:b/><w:bCs/>")
    if "i" in flags:
        parts.append("<w:i/><w:iCs/>")
    if "s" in flags:
        parts.append("<w:strike/>")
    if "link" in flags:
        parts.append('<w:color w:val="0563C1"/>')
    if "u" in flags or "link" in flags:
        parts.append('<w:u w:val="single"/>')
    if "sub" in flags or "sup" in flags:
        parts.append(f'<w:vertAlign w:val="{"subscript" if "sub" in flags else "superscript"}"/>')
    return f"<w:rPr>{''.join(parts)}</w:rPr>" if parts else ""


def text_run(text: str, flags: frozenset[str] = frozenset()) -> str:
    """One run; a newline in the text is a line break and a tab a tab."""
    return run_xml(text, run_props(flags))


_AFTER_TABLE = (
    '<w:p><w:pPr><w:spacing w:before="0" w:after="0" w:line="120" w:lineRule="exact"/>'
    '<w:rPr><w:sz w:val="4"/><w:szCs w:val="4"/></w:rPr></w:pPr></w:p>'
)


class _Display:
    """A display formula met among inlines: its paragraph is split around it."""

    def __init__(self, block: str) -> None:
        self.block = block


class _Writer:
    def __init__(self, options: WordOptions = WordOptions()) -> None:
        self.o = options
        self.warnings: list[str] = []
        #: The width (twips) an image in the paragraph being written may take.
        self.room = options.width - options.indent

    def warn(self, message: str) -> None:
        if message not in self.warnings:
            self.warnings.append(message)

    # --- blocks ------------------------------------------------------------------

    def block(self, block: Block, left: int, prefix: str = "") -> str:
        o = self.o
        if isinstance(block, (Paragraph, Plain)):
            return self.paragraphs(block.children, left, prefix=prefix, style=o.paragraph_style)
        if isinstance(block, Heading):
            return self.paragraphs(
                block.children,
                left,
                prefix=prefix,
                flags=frozenset("b"),
                style=o.paragraph_style,
                keep_next=True,
            )
        if isinstance(block, (BulletList, OrderedList)):
            return self.list(block, left, prefix)
        if isinstance(block, BlockQuote):
            inner = "".join(self.block(b, left + QUOTE_INDENT) for b in block.children)
            return self.paragraph(prefix, left, hanging=True) + inner if prefix else inner
        if isinstance(block, CodeBlock):
            props = frozenset() if o.code_style else frozenset({"code"})
            shading = (
                "" if o.code_style else '<w:shd w:val="clear" w:color="auto" w:fill="F2F2F2"/>'
            )
            lead = self.paragraph(prefix, left, hanging=True) if prefix else ""
            return lead + self.paragraph(
                text_run(block.text, props), left, style=o.code_style, extra=shading
            )
        if isinstance(block, MathBlock):
            lead = self.paragraph(prefix, left, hanging=True) if prefix else ""
            return lead + self.math_paragraph(block.tex, left)
        if isinstance(block, Table):
            lead = self.paragraph(prefix, left, hanging=True) if prefix else ""
            return lead + self.table(block, left)
        if isinstance(block, ThematicBreak):
            return self.paragraph(
                "",
                left,
                extra='<w:pBdr><w:bottom w:val="single" w:sz="6" '
                'w:space="1" w:color="auto"/></w:pBdr>',
            )
        raise TypeError(block)  # pragma: no cover

    def list(self, block: BulletList | OrderedList, left: int, prefix: str) -> str:
        out = [self.paragraph(prefix, left, hanging=True)] if prefix else []
        level = (left - self.o.indent) // LIST_INDENT
        inner_left = left + LIST_INDENT
        for number, item in enumerate(block.items, getattr(block, "start", 1)):
            marker = (
                _BULLETS[level % len(_BULLETS)] if isinstance(block, BulletList) else f"{number}."
            )
            marker_run = text_run(marker + "\t")
            if not item:
                out.append(self.paragraph(marker_run, inner_left, hanging=True))
            for index, child in enumerate(item):
                out.append(self.block(child, inner_left, marker_run if index == 0 else ""))
        return "".join(out)

    def paragraph(
        self,
        content: str,
        left: int,
        *,
        hanging: bool = False,
        style: str | None = None,
        extra: str = "",
        keep_next: bool = False,
        bidi: bool = False,
        align: str | None = None,
    ) -> str:
        ppr = []
        if style:
            ppr.append(f'<w:pStyle w:val="{esc(style)}"/>')
        if keep_next:
            ppr.append("<w:keepNext/>")
        if extra:
            ppr.append(extra)  # pBdr or shd: both come before tabs and ind
        if hanging and left:
            ppr.append(f'<w:tabs><w:tab w:val="left" w:pos="{left}"/></w:tabs>')
        if bidi:
            ppr.append("<w:bidi/>")
        if left:
            hang = f' w:hanging="{LIST_INDENT}"' if hanging else ""
            ppr.append(f'<w:ind w:left="{left}"{hang}/>')
        if align:
            ppr.append(f'<w:jc w:val="{align}"/>')
        props = f"<w:pPr>{''.join(ppr)}</w:pPr>" if ppr else ""
        return f"<w:p>{props}{content}</w:p>"

    def paragraphs(
        self,
        children: tuple[Inline, ...],
        left: int,
        *,
        prefix: str = "",
        flags: frozenset[str] = frozenset(),
        style: str | None = None,
        keep_next: bool = False,
        align: str | None = None,
        room: int | None = None,
    ) -> str:
        """One paragraph of inlines, or several when display formulas split it."""
        self.room = room if room is not None else self.o.width - left
        bidi = _RTL.search(plain_inlines(children)) is not None if children else False
        out: builtins.list[str] = []
        current: builtins.list[str] = [prefix] if prefix else []
        hanging = bool(prefix)

        def flush() -> None:
            nonlocal current, hanging
            if current:
                out.append(
                    self.paragraph(
                        "".join(current),
                        left,
                        hanging=hanging,
                        style=style,
                        keep_next=keep_next,
                        bidi=bidi,
                        align=align,
                    )
                )
            current, hanging = [], False

        for piece in self.inlines(children, flags):
            if isinstance(piece, _Display):
                flush()
                out.append(self.paragraph(piece.block, left, style=style))
            else:
                current.append(piece)
        flush()
        return "".join(out) or self.paragraph("", left, style=style)

    def math_paragraph(self, tex: str, left: int) -> str:
        try:
            return self.paragraph(latex_to_omml(tex, True), left, style=self.o.paragraph_style)
        except MathConversionError as exc:
            self.warn(_math_warning(tex, exc))
            return self.paragraph(
                text_run(tex, frozenset({"code"})), left, style=self.o.paragraph_style
            )

    def table(self, table: Table, left: int) -> str:
        columns = max(len(table.header), *(len(r) for r in table.rows), 1)
        width = max(self.o.width - left, columns * 567)
        widths = [width // columns] * columns
        style = f'<w:tblStyle w:val="{esc(self.o.table_style)}"/>' if self.o.table_style else ""
        borders = (
            ""
            if self.o.table_style
            else (
                "<w:tblBorders>"
                + "".join(
                    f'<w:{side} w:val="single" w:sz="4" w:space="0" w:color="auto"/>'
                    for side in ("top", "left", "bottom", "right", "insideH", "insideV")
                )
                + "</w:tblBorders>"
            )
        )
        out = [
            f'<w:tbl><w:tblPr>{style}<w:tblW w:w="{width}" w:type="dxa"/>'
            f'<w:tblInd w:w="{left}" w:type="dxa"/>{borders}<w:tblLayout w:type="fixed"/>'
            '<w:tblLook w:val="04A0" w:firstRow="1" w:lastRow="0" w:firstColumn="0" '
            'w:lastColumn="0" w:noHBand="1" w:noVBand="1"/></w:tblPr><w:tblGrid>'
            + "".join(f'<w:gridCol w:w="{w}"/>' for w in widths)
            + "</w:tblGrid>"
        ]
        rows = ([(table.header, True)] if table.header else []) + [(r, False) for r in table.rows]
        for cells, header in rows:
            out.append(
                "<w:tr><w:trPr><w:cantSplit/>" + ("<w:tblHeader/>" if header else "") + "</w:trPr>"
            )
            for i in range(columns):
                cell = cells[i] if i < len(cells) else ()
                align = table.alignments[i] if i < len(table.alignments) else None
                content = self.paragraphs(
                    cell,
                    0,
                    flags=frozenset("b") if header else frozenset(),
                    align=align,
                    room=widths[i] - CELL_MARGINS,
                )
                out.append(
                    f'<w:tc><w:tcPr><w:tcW w:w="{widths[i]}" w:type="dxa"/></w:tcPr>'
                    f"{content}</w:tc>"
                )
            out.append("</w:tr>")
        out.append("</w:tbl>")
        # A small empty paragraph after the table: the text after it would otherwise touch
        # its bottom border (Word puts no space between a table and what follows).
        out.append(_AFTER_TABLE)
        return "".join(out)

    # --- inlines -----------------------------------------------------------------

    def inlines(
        self, children: tuple[Inline, ...], flags: frozenset[str], display_inline: bool = False
    ) -> builtins.list:
        out: builtins.list = []
        for node in children:
            if isinstance(node, Text):
                out.append(text_run(node.text, flags))
            elif isinstance(node, SoftBreak):
                out.append(text_run(" ", flags))
            elif isinstance(node, HardBreak):
                out.append("<w:r><w:br/></w:r>")
            elif isinstance(node, WRAPPERS):
                out.extend(
                    self.inlines(node.children, flags | {_FLAGS[type(node)]}, display_inline)
                )
            elif isinstance(node, Code):
                out.append(text_run(node.text, flags | {"code"}))
            elif isinstance(node, MathInline):
                out.append(self.math(node, flags, display_inline))
            elif isinstance(node, Link):
                out.extend(self.link(node, flags, display_inline))
            elif isinstance(node, Image):
                if self.o.image is not None:
                    out.append(self.o.image(node.src, node.alt, max(self.room, 567)))
                else:
                    self.warn(f"the image {node.src!r} is shown as its description here")
                    out.append(text_run(f"[{node.alt}]", flags))
            elif isinstance(node, Blank):
                out.append(
                    self.o.blank(node.index)
                    if self.o.blank is not None
                    else text_run("__________", flags)
                )
            else:  # pragma: no cover
                raise TypeError(node)
        return out

    def math(self, node: MathInline, flags: frozenset[str], display_inline: bool):
        try:
            if node.display and not display_inline:
                return _Display(latex_to_omml(node.tex, True))
            return latex_to_omml(node.tex, False)
        except MathConversionError as exc:
            self.warn(_math_warning(node.tex, exc))
            return text_run(node.tex, flags | {"code"})

    def link(self, node: Link, flags: frozenset[str], display_inline: bool) -> builtins.list:
        inner = self.inlines(node.children, flags | {"link"}, display_inline)
        rid = self.o.hyperlink(node.href) if self.o.hyperlink and safe_href(node.href) else None
        if rid and not any(isinstance(p, _Display) for p in inner):
            return [f'<w:hyperlink r:id="{esc(rid)}" w:history="1">{"".join(inner)}</w:hyperlink>']
        inner = self.inlines(node.children, flags, display_inline)
        shown = plain_inlines(node.children)
        address = node.href.removeprefix("mailto:")
        if safe_href(node.href) and shown.strip() != address:
            inner.append(text_run(f" ({address})", flags))
        return inner


def _math_warning(tex: str, exc: Exception) -> str:
    short = tex if len(tex) <= 60 else tex[:57] + "..."
    # Quoted as written, not with repr (which doubles every backslash).
    return (
        f"the formula '{short}' cannot be written as a Word equation ({exc}); "
        "it is shown as LaTeX source"
    )


#: Writes the paragraphs of :func:`plain_paragraph_wordml` (which need no options).
_PLAIN_WRITER = _Writer()
