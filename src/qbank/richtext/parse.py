"""Question text (Markdown + LaTeX math) to the neutral tree, once per distinct text.

Markdown is CommonMark plus pipe tables and strikethrough, read by markdown-it-py; math
delimiters are described in :mod:`.mathrules`. The order of steps for a cloze text is:
template rendered → blanks ``[[…]]`` taken out (each replaced by an opaque placeholder,
so a ``|`` inside a blank is no table cell separator and a ``*`` no emphasis) → Markdown
and math → a :class:`~.tree.Blank` where each placeholder was, put back by each writer.

HTML: the tags of :data:`ALLOWED_TAGS`, written without attributes, become nodes
(``<sub>``, ``<sup>``, ``<br>``, ...); comments are dropped; every other piece of HTML
(``<script>``, ``<img onerror=…>``, ``<a href="javascript:…">``) is kept as literal text,
shown as written and never emitted as markup by any writer.

Results are cached by text: a bank's few hundred texts recur in thousands of variants.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache
from typing import TYPE_CHECKING

from .. import i18n, limits
from .escape import REMOVED_CHARS
from .tree import (
    HARD_BREAK,
    SOFT_BREAK,
    Blank,
    Block,
    BlockQuote,
    BulletList,
    Code,
    CodeBlock,
    Document,
    Emph,
    Heading,
    Image,
    Inline,
    Link,
    MathBlock,
    MathInline,
    OrderedList,
    Paragraph,
    Plain,
    RichTextError,
    Strike,
    Strong,
    Sub,
    Sup,
    Table,
    Text,
    ThematicBreak,
    Underline,
)

if TYPE_CHECKING:
    from markdown_it import MarkdownIt
    from markdown_it.tree import SyntaxTreeNode

PARSE_CACHE_SIZE = limits.PARSE_CACHE_SIZE

#: The cloze blank syntax: ``qbank.kinds.cloze.CLOZE_BLANK``, except that a blank ends at
#: the last ``]]`` of a run of brackets, so an answer may end with ``]`` (``[[[0, 1]]]``).
#: The cloze kind should use this one pattern when it is integrated.
CLOZE_BLANK = re.compile(r"\[\[(.*?)\]\](?!\])", re.S)

#: HTML tags a text may use (no attributes): tag name -> node type (None: a line break).
ALLOWED_TAGS: dict[str, type | None] = {
    "b": Strong,
    "strong": Strong,
    "i": Emph,
    "em": Emph,
    "s": Strike,
    "del": Strike,
    "u": Underline,
    "sub": Sub,
    "sup": Sup,
    "br": None,
}
_TAG = re.compile(r"<(/?)([A-Za-z][A-Za-z0-9]*)\s*(/?)>")
_COMMENT = re.compile(r"<!--.*?-->", re.S)

# Blank placeholders use noncharacters, which REMOVED_CHARS takes out of every text
# first, so they cannot clash with a bank's text.
_OPEN, _CLOSE = "\ufdd0", "\ufdd1"
_PLACEHOLDER = re.compile(f"{_OPEN}(\\d+){_CLOSE}")
_OPEN_IN_URL = "%EF%B7%90"  # how markdown-it writes _OPEN in a link target
# Removed from text that character references spelt (placeholders are kept there).
_SPELT = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")
_ALIGN = re.compile(r"text-align:(left|center|right)")


@lru_cache(maxsize=2)
def _markdown(math: bool) -> MarkdownIt:
    # Imported here: a bank whose texts hold no Markdown never needs the parser
    # (plain_words), and a run that does not parse starts about 0.15 s sooner.
    from markdown_it import MarkdownIt

    from .mathrules import math_plugin

    md = MarkdownIt("commonmark", {"html": True, "linkify": False, "typographer": False})
    md.enable(["table", "strikethrough"])
    if math:
        md.use(math_plugin)
    return md


#: A text Markdown reads as one paragraph of exactly its characters: one line, none of the
#: characters Markdown, math, HTML or entities give a meaning, not starting like a list item
#: or an indented code block. Most texts of a randomised bank are like this and differ in
#: every version (drawn numbers), so they skip the parser (:func:`_plain_paragraph`).
#: A ``$`` followed by a digit is money, never math: a formula's closing ``$`` is never
#: followed by a digit (pandoc's rule), so a text whose every ``$`` is is a plain text
#: (``$19,000 is saved at 4.5%``). A ``-`` or ``+`` followed by a digit (``-5 ÷ 2``) starts
#: no list.
_NO_SYNTAX = re.compile(r"[^\n\\`*_\[\]!<>&$#|~{}]*(?:\$(?=\d)[^\n\\`*_\[\]!<>&$#|~{}]*)*")
_SPECIAL_START = re.compile(r"\s|[-+](?!\d)|=|\d{1,9}[.)](?:\s|$)")


def plain_words(text: str) -> str | None:
    """The words of a text that Markdown reads as one paragraph of exactly its characters
    (no syntax at all; see ``_NO_SYNTAX``), None when the text needs the parser.

    Its HTML is ``<p>`` + the words escaped + ``</p>`` (inline: the words escaped), its
    Word runs one plain run: writers use this to skip the tree for such texts, which in a
    randomised bank differ in every version. (tests/test_richtext_parse.py checks it
    against the parser.)"""
    if not _NO_SYNTAX.fullmatch(text):
        return None
    text = REMOVED_CHARS.sub("", text)
    if _SPECIAL_START.match(text):
        return None
    stripped = text.strip(" \t")
    if not stripped or stripped != text.strip():
        return None
    return stripped


def _plain_paragraph(text: str, inline: bool) -> Document | None:
    """The document of a text without any syntax, made without the parser; None when the
    text needs it."""
    words = plain_words(text)
    if words is None:
        return None
    children = (Text(words),)
    return Document((Plain(children),) if inline else (Paragraph(children),))


def parse_block(text: str, *, blanks: bool = False, math: bool = True) -> Document:
    """A block text (question text, intro, instructions, solution, feedback, model answer):
    paragraphs, lists, tables, code, display math, images.

    With ``blanks``, each ``[[…]]`` becomes a :class:`Blank` and its source is kept in
    ``Document.blanks``. With ``math=False`` (a bank's ``math: off``) dollars and
    backslash-brackets are plain text. Raises :class:`RichTextError` for an image
    without alt text, and for a blank inside math, a code block or a link target.
    """
    return _plain_paragraph(text, False) or _parse(text, False, blanks, math, _numbers())


def parse_inline(text: str, *, blanks: bool = False, math: bool = True) -> Document:
    """An inline text (choice, matching term or definition, ordering item): emphasis,
    code, math, links, images; no blocks. The result holds one :class:`Plain` block
    (or none for an empty text)."""
    return _plain_paragraph(text, True) or _parse(text, True, blanks, math, _numbers())


def cache_clear() -> None:
    _parse.cache_clear()


def _numbers() -> tuple[str, str] | None:
    """How the run's locale writes numbers (:mod:`qbank.i18n`), None in English: a
    formula's ``3,5`` is written ``3{,}5`` where decimals are written with a comma, so that
    TeX adds no space after the comma (:func:`qbank.i18n.math_commas`)."""
    lang = i18n.current()
    return None if lang.neutral_numbers else (lang.decimal, lang.group)


@lru_cache(maxsize=PARSE_CACHE_SIZE)
def _parse(
    text: str, inline: bool, blanks: bool, math: bool, numbers: tuple[str, str] | None = None
) -> Document:
    text = REMOVED_CHARS.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))
    sources: list[str] = []
    if blanks:

        def hold(match: re.Match[str]) -> str:
            sources.append(match.group(1))
            return f"{_OPEN}{len(sources) - 1}{_CLOSE}"

        text = CLOZE_BLANK.sub(hold, text)
    builder = _Builder(_markdown(math), sources, numbers is not None)
    if inline:
        children = builder.inline_text(text.strip())
        blocks: tuple[Block, ...] = (Plain(children),) if children else ()
    else:
        from markdown_it.tree import SyntaxTreeNode

        blocks = builder.blocks(SyntaxTreeNode(builder.md.parse(text)).children)
    return Document(blocks, tuple(sources))


class _Builder:
    """markdown-it's syntax tree to ours."""

    def __init__(self, md: MarkdownIt, blanks: list[str], local: bool = False) -> None:
        self.md = md
        self.blanks = blanks  # the source of each blank, for messages
        self.blank_count = len(blanks)
        #: The run's locale writes numbers otherwise than English (qbank.i18n).
        self.local = local

    # --- blocks --------------------------------------------------------------------

    def blocks(self, nodes: Iterable[SyntaxTreeNode]) -> tuple[Block, ...]:
        out: list[Block] = []
        for node in nodes:
            block = self.block(node)
            if block is not None:
                out.append(block)
        return tuple(out)

    def block(self, node: SyntaxTreeNode) -> Block | None:
        kind = node.type
        if kind == "paragraph":
            children = self.inlines(node.children[0].children if node.children else [])
            if len(children) == 1 and isinstance(children[0], MathInline) and children[0].display:
                return MathBlock(children[0].tex)
            return Paragraph(children) if children else None
        if kind == "heading":
            return Heading(int(node.tag[1]), self.inlines(node.children[0].children))
        if kind in ("bullet_list", "ordered_list"):
            items = tuple(self.blocks(item.children) for item in node.children)
            tight = not any(
                child.type == "paragraph" and not child.hidden
                for item in node.children
                for child in item.children
            )
            if kind == "bullet_list":
                return BulletList(items, tight)
            return OrderedList(items, int(node.attrs.get("start", 1)), tight)
        if kind == "blockquote":
            return BlockQuote(self.blocks(node.children))
        if kind in ("code_block", "fence"):
            content = node.content[:-1] if node.content.endswith("\n") else node.content
            self.no_blank(content, "a code block")
            return CodeBlock(content, (node.info or "").split(" ")[0].strip())
        if kind == "math_block":
            return MathBlock(self.tex(node.content.strip()))
        if kind == "hr":
            return ThematicBreak()
        if kind == "table":
            return self.table(node)
        if kind == "html_block":
            content = _COMMENT.sub("", node.content).strip()
            children = self.inline_text(content) if content else ()
            return Paragraph(children) if children else None
        raise RichTextError(f"unexpected Markdown element {kind!r}")  # pragma: no cover

    def table(self, node: SyntaxTreeNode) -> Table:
        header: tuple = ()
        rows: list = []
        alignments: tuple[str | None, ...] = ()
        for section in node.children:
            for row in section.children:
                cells = tuple(
                    self.inlines(cell.children[0].children if cell.children else [])
                    for cell in row.children
                )
                if section.type == "thead":
                    header = cells
                    alignments = tuple(_alignment(cell.attrs.get("style")) for cell in row.children)
                else:
                    rows.append(cells)
        return Table(header, tuple(rows), alignments)

    # --- inlines -------------------------------------------------------------------

    def inline_text(self, text: str) -> tuple[Inline, ...]:
        from markdown_it.tree import SyntaxTreeNode

        tokens = self.md.parseInline(text)
        if not tokens:
            return ()
        return self.inlines(SyntaxTreeNode(tokens).children[0].children)

    def inlines(self, nodes: Iterable[SyntaxTreeNode]) -> tuple[Inline, ...]:
        """Inlines of sibling nodes; allowed HTML tags are paired among siblings."""
        out: list[Inline] = []
        stack: list[tuple[str, str, list[Inline]]] = []  # open tag, its source, outer list
        for node in nodes:
            kind = node.type
            if kind == "text":  # a character reference may spell a removed character
                out.append(Text(_SPELT.sub("", node.content)))
            elif kind == "softbreak":
                out.append(SOFT_BREAK)
            elif kind == "hardbreak":
                out.append(HARD_BREAK)
            elif kind == "code_inline":
                out.extend(self.split_blanks(node.content, Code))
            elif kind == "em":
                out.append(Emph(self.inlines(node.children)))
            elif kind == "strong":
                out.append(Strong(self.inlines(node.children)))
            elif kind == "s":
                out.append(Strike(self.inlines(node.children)))
            elif kind == "link":
                href = str(node.attrs.get("href", ""))
                self.no_blank(href, "a link target")
                out.append(Link(href, self.inlines(node.children)))
            elif kind == "image":
                out.append(self.image(node))
            elif kind in ("math_inline", "math_inline_double"):
                out.append(MathInline(self.tex(node.content.strip()), kind == "math_inline_double"))
            elif kind == "html_inline":
                out = self.html_tag(node.content, out, stack)
            else:
                out.append(Text(node.content))  # pragma: no cover - nothing else is enabled
        while stack:  # tags never closed are text, as written
            _, source, outer = stack.pop()
            outer.append(Text(source))
            outer.extend(out)
            out = outer
        return self.finish(out)

    def html_tag(
        self, source: str, out: list[Inline], stack: list[tuple[str, str, list[Inline]]]
    ) -> list[Inline]:
        if _COMMENT.fullmatch(source):
            return out
        match = _TAG.fullmatch(source)
        name = match.group(2).lower() if match else ""
        if match and name in ALLOWED_TAGS:
            closing, self_closing = match.group(1), match.group(3)
            if name == "br" and not closing:
                out.append(HARD_BREAK)
                return out
            if not closing and not self_closing:
                stack.append((name, source, out))
                return []
            if closing and not self_closing and stack and stack[-1][0] == name:
                _, _, outer = stack.pop()
                wrapper = ALLOWED_TAGS[name]
                assert wrapper is not None  # 'br' is never on the stack
                outer.append(wrapper(self.finish(out)))
                return outer
        out.append(Text(source))
        return out

    def image(self, node: SyntaxTreeNode) -> Image:
        src = str(node.attrs.get("src", ""))
        alt = " ".join(_plain(self.inlines(node.children)).split())
        self.no_blank(src + alt, "an image")
        if not alt:
            error = RichTextError(
                f"the image {src!r} has no description: write ![what the picture shows]"
                f"({src}), for students who cannot see it"
            )
            error.snippet = src
            raise error
        return Image(src, alt)

    def finish(self, items: list[Inline]) -> tuple[Inline, ...]:
        """Adjacent texts joined; blank placeholders in text made :class:`Blank` nodes."""
        out: list[Inline] = []
        for item in items:
            if isinstance(item, Text) and out and isinstance(out[-1], Text):
                out[-1] = Text(out[-1].text + item.text)
            else:
                out.append(item)
        if self.blank_count:
            out = [
                piece
                for item in out
                for piece in (
                    self.split_blanks(item.text, Text) if isinstance(item, Text) else (item,)
                )
            ]
        return tuple(item for item in out if not (isinstance(item, Text) and not item.text))

    def split_blanks(self, text: str, kind: type) -> list[Inline]:
        if _OPEN not in text:
            return [kind(text)]
        out: list[Inline] = []
        pos = 0
        for match in _PLACEHOLDER.finditer(text):
            if int(match.group(1)) >= self.blank_count:
                continue  # not one of ours (a character reference spelt it): text
            if match.start() > pos:
                out.append(kind(text[pos : match.start()]))
            out.append(Blank(int(match.group(1))))
            pos = match.end()
        if pos < len(text):
            out.append(kind(text[pos:]))
        return out

    def tex(self, tex: str) -> str:
        if _OPEN in tex:
            error = RichTextError(
                "a blank [[…]] is inside a formula; no format can put an answer box inside "
                "an equation, so end the formula before the blank and start a new one after it"
            )
            match = _PLACEHOLDER.search(tex)
            if match and int(match.group(1)) < self.blank_count:
                error.snippet = f"[[{self.blanks[int(match.group(1))]}]]"
            raise error
        return i18n.math_commas(tex) if self.local else tex

    def no_blank(self, text: str, where: str) -> None:
        if _OPEN in text or _OPEN_IN_URL in text.upper():
            raise RichTextError(f"a blank [[…]] is inside {where}; put it in the text instead")


def _alignment(style: object) -> str | None:
    match = _ALIGN.search(str(style or ""))
    return match.group(1) if match else None


def _plain(inlines: Iterable[Inline]) -> str:
    from .plain import plain_inlines  # plain imports nothing of the parser

    return plain_inlines(inlines)
