"""The neutral document tree: what a question text means, with no format in it.

Like pandoc's AST, the tree is small and closed: blocks hold inlines, inlines hold text.
Every node is a frozen dataclass holding tuples, so one parsed tree is shared by every
variant and every writer without copying. Raw HTML never reaches the tree: the few tags
a bank may use (``<sub>``, ``<sup>``, ``<b>``, ...) become nodes, and all other HTML is
kept as literal text, so no writer can ever emit a tag a teacher (or a stranger's bank)
wrote.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..errors import QbankError


class RichTextError(QbankError):
    """A text cannot be turned into a document (an image without alt text, a blank in
    math, ...). The caller adds the file, line and question with ``locate``."""

    #: The piece of the text at fault as written there (the blank ``[[3]]``, the image's
    #: path), so a caller can find its line; None when there is no one piece.
    snippet: str | None = None


# --- inlines ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Text:
    text: str


@dataclass(frozen=True, slots=True)
class Strong:
    children: tuple[Inline, ...]


@dataclass(frozen=True, slots=True)
class Emph:
    children: tuple[Inline, ...]


@dataclass(frozen=True, slots=True)
class Strike:
    children: tuple[Inline, ...]


@dataclass(frozen=True, slots=True)
class Underline:
    """``<u>``: one of the allowed HTML tags."""

    children: tuple[Inline, ...]


@dataclass(frozen=True, slots=True)
class Sub:
    """``<sub>``: H<sub>2</sub>O."""

    children: tuple[Inline, ...]


@dataclass(frozen=True, slots=True)
class Sup:
    """``<sup>``: cm<sup>3</sup>."""

    children: tuple[Inline, ...]


@dataclass(frozen=True, slots=True)
class Code:
    text: str


@dataclass(frozen=True, slots=True)
class Link:
    """A link as written; each writer decides which targets it keeps (see ``safe_href``)."""

    href: str
    children: tuple[Inline, ...]


@dataclass(frozen=True, slots=True)
class MathInline:
    """TeX source without delimiters. ``display`` for ``$$…$$`` or ``\\[…\\]`` that share
    a paragraph with text (a display formula alone in a paragraph is a :class:`MathBlock`)."""

    tex: str
    display: bool = False


@dataclass(frozen=True, slots=True)
class SoftBreak:
    """A single newline inside a paragraph (shown as a space by HTML and Word)."""


@dataclass(frozen=True, slots=True)
class HardBreak:
    """A forced line break: two trailing spaces or a backslash before the newline, ``<br>``."""


@dataclass(frozen=True, slots=True)
class Image:
    """``![alt](src)``; ``alt`` is never empty (the parser refuses an image without it)."""

    src: str
    alt: str


@dataclass(frozen=True, slots=True)
class Blank:
    """Where the ``index``-th cloze blank ``[[…]]`` of the text was (0-based)."""

    index: int


Inline = (
    Text
    | Strong
    | Emph
    | Strike
    | Underline
    | Sub
    | Sup
    | Code
    | Link
    | MathInline
    | SoftBreak
    | HardBreak
    | Image
    | Blank
)
#: Inlines that only wrap other inlines, each shown in its own way by each writer.
WRAPPERS = (Strong, Emph, Strike, Underline, Sub, Sup)

SOFT_BREAK = SoftBreak()
HARD_BREAK = HardBreak()


# --- blocks ----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Paragraph:
    children: tuple[Inline, ...]


@dataclass(frozen=True, slots=True)
class Plain:
    """Inlines not in a paragraph: the one block of :func:`parse_inline`'s result (choice
    texts, matching terms), written without ``<p>`` or ``w:p`` around them."""

    children: tuple[Inline, ...]


@dataclass(frozen=True, slots=True)
class Heading:
    level: int
    children: tuple[Inline, ...]


@dataclass(frozen=True, slots=True)
class BulletList:
    items: tuple[tuple[Block, ...], ...]
    tight: bool = True


@dataclass(frozen=True, slots=True)
class OrderedList:
    items: tuple[tuple[Block, ...], ...]
    start: int = 1
    tight: bool = True


@dataclass(frozen=True, slots=True)
class BlockQuote:
    children: tuple[Block, ...]


@dataclass(frozen=True, slots=True)
class CodeBlock:
    text: str
    language: str = ""


@dataclass(frozen=True, slots=True)
class MathBlock:
    tex: str


Cell = tuple[Inline, ...]


@dataclass(frozen=True, slots=True)
class Table:
    header: tuple[Cell, ...]
    rows: tuple[tuple[Cell, ...], ...]
    #: One per column: "left", "center", "right" or None (not given).
    alignments: tuple[str | None, ...]


@dataclass(frozen=True, slots=True)
class ThematicBreak:
    """``---`` on a line of its own."""


Block = (
    Paragraph
    | Plain
    | Heading
    | BulletList
    | OrderedList
    | BlockQuote
    | CodeBlock
    | MathBlock
    | Table
    | ThematicBreak
)


@dataclass(frozen=True, slots=True)
class Document:
    """A parsed text: its blocks, and the source of each cloze blank by index (when the
    text was parsed with ``blanks=True``)."""

    blocks: tuple[Block, ...]
    blanks: tuple[str, ...] = ()

    @property
    def is_inline(self) -> bool:
        return all(isinstance(b, Plain) for b in self.blocks)
