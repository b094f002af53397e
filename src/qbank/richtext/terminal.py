"""The tree as plain terminal text, for ``qbank preview``.

Math is its source between ``\\(…\\)`` or ``\\[…\\]`` (what a teacher typed, and what the
Moodle and Anki writers emit); bold, italic and underline are dropped, ``~~strike~~``,
``code`` in backticks and ``^superscript`` keep a simple marker; lists start with
``- `` or ``1. `` and indent by two spaces per level; tables are aligned columns; code
blocks are indented by four spaces; an image is ``[image: alt]``; a link shows its
address after its text. Every character a terminal would act on (escape sequences,
other controls) is gone already: the parser removes them.

Plain text on purpose (no ``rich``): preview output is also read by tests, piped to
files and pasted into e-mails.
"""

from __future__ import annotations

import textwrap
import unicodedata
from collections.abc import Callable

from .tree import (
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


def _underscores(index: int) -> str:
    return "_____"


def to_terminal(
    doc: Document, *, width: int | None = None, blank: Callable[[int], str] = _underscores
) -> str:
    """The document as lines of text; paragraphs are wrapped to ``width`` if given."""
    return _Writer(width, blank).blocks(doc.blocks, 0)


class _Writer:
    def __init__(self, width: int | None, blank: Callable[[int], str]) -> None:
        self.width = width
        self.blank = blank

    def blocks(self, blocks: tuple[Block, ...], indent: int) -> str:
        return "\n\n".join(filter(None, (self.block(b, indent) for b in blocks)))

    def wrap(self, text: str, indent: int, first: str = "") -> str:
        pad = " " * indent
        lines = text.split("\n")
        if self.width:
            lines = [
                wrapped
                for line in lines
                for wrapped in (
                    textwrap.wrap(
                        line,
                        max(self.width - indent, 20),
                        break_long_words=False,
                        break_on_hyphens=False,
                    )
                    or [""]
                )
            ]
        out = [(first or pad) + lines[0]] + [pad + line for line in lines[1:]]
        return "\n".join(line.rstrip() for line in out)

    def block(self, block: Block, indent: int, first: str = "") -> str:
        if isinstance(block, (Paragraph, Plain, Heading)):
            return self.wrap(self.inlines(block.children), indent, first)
        if isinstance(block, (BulletList, OrderedList)):
            items = []
            for number, item in enumerate(block.items, getattr(block, "start", 1)):
                marker = "- " if isinstance(block, BulletList) else f"{number}. "
                lead = " " * indent + marker
                parts = [
                    self.block(b, indent + len(marker), lead if i == 0 else "")
                    for i, b in enumerate(item)
                ] or [lead.rstrip()]
                items.append(("\n\n" if not block.tight else "\n").join(parts))
            return ("\n\n" if not block.tight else "\n").join(items)
        if isinstance(block, BlockQuote):
            inner = self.blocks(block.children, 0)
            return "\n".join(" " * indent + "> " + line for line in inner.split("\n"))
        if isinstance(block, CodeBlock):
            return "\n".join(" " * (indent + 4) + line for line in block.text.split("\n"))
        if isinstance(block, MathBlock):
            return self.wrap(f"\\[{block.tex}\\]", indent, first)
        if isinstance(block, Table):
            return self.table(block, indent)
        if isinstance(block, ThematicBreak):
            return " " * indent + "-" * 20
        raise TypeError(block)  # pragma: no cover

    def table(self, table: Table, indent: int) -> str:
        rows = [
            [self.inlines(cell).replace("\n", " ") for cell in row]
            for row in ((table.header,) if table.header else ()) + table.rows
        ]
        columns = max(len(r) for r in rows)
        rows = [r + [""] * (columns - len(r)) for r in rows]
        widths = [max(_width(r[i]) for r in rows) for i in range(columns)]
        aligns = list(table.alignments) + [None] * columns

        def line(cells: list[str]) -> str:
            out = []
            for text, size, align in zip(cells, widths, aligns):
                pad = size - _width(text)
                if align == "right":
                    out.append(" " * pad + text)
                elif align == "center":
                    out.append(" " * (pad // 2) + text + " " * (pad - pad // 2))
                else:
                    out.append(text + " " * pad)
            return (" " * indent + " | ".join(out)).rstrip()

        lines = [line(r) for r in rows]
        if table.header:
            lines.insert(1, " " * indent + "-+-".join("-" * w for w in widths))
        return "\n".join(lines)

    def inlines(self, inlines: tuple[Inline, ...]) -> str:
        return "".join(self.inline(node) for node in inlines)

    def inline(self, node: Inline) -> str:
        if isinstance(node, Text):
            return node.text
        if isinstance(node, SoftBreak):
            return " "
        if isinstance(node, HardBreak):
            return "\n"
        if isinstance(node, (Strong, Emph, Underline, Sub)):
            return self.inlines(node.children)
        if isinstance(node, Strike):
            return f"~~{self.inlines(node.children)}~~"
        if isinstance(node, Sup):
            return "^" + self.inlines(node.children)
        if isinstance(node, Code):
            return f"`{node.text}`"
        if isinstance(node, MathInline):
            return f"\\[{node.tex}\\]" if node.display else f"\\({node.tex}\\)"
        if isinstance(node, Link):
            text = self.inlines(node.children)
            address = node.href.removeprefix("mailto:")
            return text if text.strip() == address else f"{text} <{address}>"
        if isinstance(node, Image):
            return f"[image: {node.alt}]"
        if isinstance(node, Blank):
            return self.blank(node.index)
        raise TypeError(node)  # pragma: no cover


def _width(text: str) -> int:
    """Columns a text takes in a terminal: wide East Asian characters take two."""
    if text.isascii():
        return len(text)
    return sum(
        2 if unicodedata.east_asian_width(ch) in "WF" else 0 if unicodedata.combining(ch) else 1
        for ch in text
    )
