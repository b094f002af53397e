"""A document as plain text, for places that hold text only (titles, names, alt texts).

Emphasis is dropped, math is its TeX source, an image is its alt text, a link its text,
a blank ``_____`` (or what ``blank`` returns), soft and hard breaks are newlines,
paragraphs are a blank line apart. List items and table cells become lines.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from .tree import (
    WRAPPERS,
    Blank,
    Block,
    BlockQuote,
    BulletList,
    Code,
    CodeBlock,
    Document,
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
    Table,
    Text,
    ThematicBreak,
)

BlankText = Callable[[int], str]


def _blank(index: int) -> str:
    return "_____"


def plain_text(doc: Document, blank: BlankText = _blank) -> str:
    return "\n\n".join(filter(None, (_block(b, blank) for b in doc.blocks)))


def plain_inlines(inlines: Iterable[Inline], blank: BlankText = _blank) -> str:
    out: list[str] = []
    for node in inlines:
        if isinstance(node, (Text, Code)):
            out.append(node.text)
        elif isinstance(node, (WRAPPERS, Link)):
            out.append(plain_inlines(node.children, blank))
        elif isinstance(node, MathInline):
            out.append(node.tex)
        elif isinstance(node, (SoftBreak, HardBreak)):
            out.append("\n")
        elif isinstance(node, Image):
            out.append(node.alt)
        elif isinstance(node, Blank):
            out.append(blank(node.index))
    return "".join(out)


def _block(block: Block, blank: BlankText) -> str:
    if isinstance(block, (Paragraph, Plain, Heading)):
        return plain_inlines(block.children, blank)
    if isinstance(block, (BulletList, OrderedList)):
        return "\n".join(_block(b, blank) for item in block.items for b in item)
    if isinstance(block, BlockQuote):
        return "\n\n".join(_block(b, blank) for b in block.children)
    if isinstance(block, (CodeBlock,)):
        return block.text
    if isinstance(block, MathBlock):
        return block.tex
    if isinstance(block, Table):
        return "\n".join(
            " ".join(plain_inlines(cell, blank) for cell in row)
            for row in (block.header, *block.rows)
        )
    if isinstance(block, ThematicBreak):
        return ""
    raise TypeError(block)  # pragma: no cover
