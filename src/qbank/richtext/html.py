"""The tree as HTML, for Moodle question texts (in CDATA) and Anki fields.

- Math is ``\\(…\\)`` inline and ``\\[…\\]`` for display: the delimiters Moodle's MathJax
  filter and Anki's MathJax typeset. The TeX goes through the same ``escape`` as text
  (MathJax reads the decoded characters), so ``<`` in a formula is ``&lt;`` and an Anki
  ``{{`` or a Moodle ``{a}`` in it is broken up by the caller's escape.
- Text that merely *looks* like a delimiter (``\\(`` written as ``\\\\(``, ``$$`` in a
  price list) gets an empty ``<span></span>`` inside it, so MathJax does not typeset it.
- Links are kept for ``http``, ``https`` and ``mailto`` only, with ``rel="noopener"``;
  any other target (relative, ``javascript:``, ``data:``) is dropped and its text kept.
- Images: ``<img src alt>`` with ``src`` from the caller's ``image_src`` (Moodle maps a
  file to ``@@PLUGINFILE@@/name``, Anki to a media file name); a result with a scheme
  other than http(s) is refused, and the image shows as its alt text.
- Blanks: whatever the caller's ``blank(index)`` returns, as it is (Moodle's
  ``{1:SHORTANSWER:…}``, Anki's ``{{c1::…}}``). It is the one piece of markup the
  writer does not escape; the caller builds it from the answer it escaped itself.

The tree holds no raw HTML, so this writer can only emit the tags below.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from ..charmap import escape_markup
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

_SAFE_LINK = re.compile(r"(?:https?://|mailto:)[^\s]", re.I)
_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.\-]*:")
_LOOKS_LIKE_MATH = re.compile(r"\\(?=[()\[\]])|\$(?=\$)")
_TAGS = {Strong: "strong", Emph: "em", Strike: "del", Underline: "u", Sub: "sub", Sup: "sup"}

Escape = Callable[[str], str]


def escape_html(text: str) -> str:
    """Escape text for HTML content or a double-quoted attribute."""
    return escape_markup(text)


def safe_href(href: str) -> bool:
    """Whether a link target may be written: http(s) or mailto, nothing else."""
    return _SAFE_LINK.match(href) is not None


def _image_src_as_is(src: str) -> str:
    return src


def _underscores(index: int) -> str:
    return "_____"


def to_html(
    doc: Document,
    *,
    image_src: Callable[[str], str] = _image_src_as_is,
    blank: Callable[[int], str] = _underscores,
    escape: Escape = escape_html,
) -> str:
    """HTML of a document. A document from ``parse_inline`` comes out without ``<p>``.

    ``escape`` must escape ``& < > "``; Anki passes one that also escapes ``{ } [``.
    """
    return _Writer(image_src, blank, escape).blocks(doc.blocks)


def plain_html(words: str, *, inline: bool = False, escape: Escape = escape_html) -> str:
    """What :func:`to_html` writes for a text without any Markdown, given its words
    (:func:`qbank.richtext.plain_words`): one paragraph of them, escaped (no ``<p>`` for an
    inline text). Such words hold no backslash and no ``$$``, so MathJax finds no
    delimiter in them. Writers call this to skip the tree for the texts of a randomised
    bank, which are new in every version."""
    return escape(words) if inline else f"<p>{escape(words)}</p>"


class _Writer:
    def __init__(
        self, image_src: Callable[[str], str], blank: Callable[[int], str], escape: Escape
    ) -> None:
        self.image_src = image_src
        self.blank = blank
        self.escape = escape

    def text(self, text: str) -> str:
        """Escaped text in which MathJax finds no delimiter."""
        if "\\" not in text and "$$" not in text:
            return self.escape(text)
        pieces = []
        pos = 0
        for match in _LOOKS_LIKE_MATH.finditer(text):
            pieces.append(self.escape(text[pos : match.end()]))
            pos = match.end()
        pieces.append(self.escape(text[pos:]))
        return "<span></span>".join(pieces)

    def blocks(self, blocks: tuple[Block, ...], tight: bool = False) -> str:
        return "\n".join(self.block(b, tight) for b in blocks)

    def block(self, block: Block, tight: bool = False) -> str:
        if isinstance(block, Paragraph):
            inner = self.inlines(block.children)
            return inner if tight else f"<p>{inner}</p>"
        if isinstance(block, Plain):
            return self.inlines(block.children)
        if isinstance(block, Heading):
            return f"<h{block.level}>{self.inlines(block.children)}</h{block.level}>"
        if isinstance(block, (BulletList, OrderedList)):
            items = "".join(f"<li>{self.blocks(item, block.tight)}</li>" for item in block.items)
            if isinstance(block, BulletList):
                return f"<ul>{items}</ul>"
            start = f' start="{block.start}"' if block.start != 1 else ""
            return f"<ol{start}>{items}</ol>"
        if isinstance(block, BlockQuote):
            return f"<blockquote>{self.blocks(block.children)}</blockquote>"
        if isinstance(block, CodeBlock):
            return f"<pre><code>{self.text(block.text)}</code></pre>"
        if isinstance(block, MathBlock):
            return f"<p>\\[{self.escape(block.tex)}\\]</p>"
        if isinstance(block, Table):
            return self.table(block)
        if isinstance(block, ThematicBreak):
            return "<hr>"
        raise TypeError(block)  # pragma: no cover

    def table(self, table: Table) -> str:
        def row(cells: tuple, tag: str) -> str:
            out = []
            for i, cell in enumerate(cells):
                align = table.alignments[i] if i < len(table.alignments) else None
                style = f' style="text-align:{align}"' if align else ""
                out.append(f"<{tag}{style}>{self.inlines(cell)}</{tag}>")
            return f"<tr>{''.join(out)}</tr>"

        head = f"<thead>{row(table.header, 'th')}</thead>" if table.header else ""
        body = "".join(row(r, "td") for r in table.rows)
        return f"<table>{head}<tbody>{body}</tbody></table>"

    def inlines(self, inlines: tuple[Inline, ...]) -> str:
        return "".join(self.inline(node) for node in inlines)

    def inline(self, node: Inline) -> str:
        if isinstance(node, Text):
            return self.text(node.text)
        if isinstance(node, SoftBreak):
            return "\n"
        if isinstance(node, HardBreak):
            return "<br>"
        tag = _TAGS.get(type(node))
        if tag and isinstance(node, WRAPPERS):
            return f"<{tag}>{self.inlines(node.children)}</{tag}>"
        if isinstance(node, Code):
            return f"<code>{self.text(node.text)}</code>"
        if isinstance(node, MathInline):
            tex = self.escape(node.tex)
            return f"\\[{tex}\\]" if node.display else f"\\({tex}\\)"
        if isinstance(node, Link):
            inner = self.inlines(node.children)
            if not safe_href(node.href):
                return inner
            return f'<a href="{self.escape(node.href)}" rel="noopener">{inner}</a>'
        if isinstance(node, Image):
            src = self.image_src(node.src)
            if _SCHEME.match(src) and not re.match(r"https?://", src, re.I):
                return self.text(node.alt)
            return f'<img src="{self.escape(src)}" alt="{self.escape(node.alt)}">'
        if isinstance(node, Blank):
            return self.blank(node.index)
        raise TypeError(node)  # pragma: no cover
