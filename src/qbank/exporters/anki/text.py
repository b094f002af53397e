"""Teacher text as Anki field HTML, and plain text made safe for tags and deck names.

Anki fields hold HTML, and Anki reads more than HTML in them: ``{{c1::...}}`` makes a cloze
in a cloze field, ``::`` inside a cloze starts a hint, ``}}`` ends one, ``[sound:x.mp3]``
plays a file and ``[latex]`` runs LaTeX. Teacher text must never speak that syntax, so
every ``{``, ``}`` and ``[`` a teacher wrote is written as a character reference
(``&#123;`` and so on): the card shows the same characters, but Anki's parsers no longer
see its syntax. Inside a cloze answer ``:`` is escaped too, so ``std::vector`` is not read
as answer plus hint. The only ``{{`` and ``}}`` in a field are the cloze blanks qbank
writes itself.

Texts (:class:`RichText`): question texts, solutions, feedback and model answers are block
Markdown, choices, matching pairs and ordering items inline Markdown, written as HTML by
:func:`qbank.richtext.to_html` with math as ``\\(…\\)`` and ``\\[…\\]`` for Anki's own
MathJax. The escape above holds inside formulas too, and that is safe for both readers:

- MathJax reads the card's text after the web view has decoded it, so ``x^&#123;2&#125;``
  is typeset as ``x^{2}`` (as ``&lt;`` is read as ``<``, which must be escaped anyway);
- Anki's cloze filter runs on the field as stored, where a formula holds no ``{{`` or
  ``}}`` at all, and it keeps character references inside MathJax (it strips tags there,
  not references). So a ``}}`` in a formula can never close a blank early: Anki's rule of
  writing it ``} }`` inside a cloze is met by construction. (A blank inside a formula is
  refused before any file is written: no format can put an answer box in an equation.)

Images are media files named by their content hash (``ImageFile.name``); an image the
run has no file for is shown as its alt text.

Plain text (titles, ids, short answers, cloze blank answers, our own labels) goes through
:func:`to_html`: escaped exactly, line breaks as ``<br>``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from functools import lru_cache

from ...charmap import CharMap
from ...i18n import _, local_number
from ...kinds.cloze import ClozeBlank, split_cloze
from ...model import ImageFile
from ...numeric import plain
from ...richtext import (
    Document,
    RichTextError,
    parse_block,
    parse_inline,
    plain_words,
    unescape_markdown,
)
from ...richtext import to_html as richtext_html
from ...richtext.html import plain_html
from ...richtext.tree import Paragraph, Plain, Text

# One translation table does all the escaping in a single pass over the text: the HTML
# escapes, the Anki syntax characters, newlines to <br>, and the invisible C0 controls
# (except tab) and DEL removed. "\x1f" in particular is Anki's field separator in the
# database: left in, it would split a field in two.
_FIELD = CharMap(
    {
        "&": "&amp;",
        "<": "&lt;",
        ">": "&gt;",
        "{": "&#123;",
        "}": "&#125;",
        "[": "&#91;",
        "\n": "<br>",
        **{chr(c): None for c in (*range(0x00, 0x09), *range(0x0B, 0x20), 0x7F)},
    }
)
# The same for the rich-text writer, which writes line breaks itself and gets text the
# parser has already cleaned of control characters; '"' for attributes (alt texts).
_RICH = CharMap(
    {
        "&": "&amp;",
        "<": "&lt;",
        ">": "&gt;",
        '"': "&quot;",
        "{": "&#123;",
        "}": "&#125;",
        "[": "&#91;",
    }
)
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
_CLOZE_ANSWER_SYNTAX = str.maketrans({":": "&#58;"})
# A MathJax delimiter in escaped plain text: a backslash before ( ) [ ] ("[" is escaped).
_DELIMITER = re.compile(r"\\(?=[()\]]|&#91;)")


def clean(text: str) -> str:
    """Unify line endings and drop invisible control characters (for plain-text uses)."""
    return _CONTROL.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))


def inline_html(text: str) -> str:
    """Escaped HTML of a piece of text, kept exactly (no stripping); newlines become <br>.

    A backslash before a bracket gets an empty ``<span></span>`` after it, so Anki's MathJax
    finds no ``\\(`` or ``\\[`` in plain text (a title or an accepted answer is never math).
    """
    html = _FIELD(text.replace("\r\n", "\n").replace("\r", "\n"))
    if "\\" in html:
        html = _DELIMITER.sub(r"\\<span></span>", html)
    return html


@lru_cache(maxsize=4096)  # fixed texts repeat in every version
def to_html(text: str) -> str:
    """Escaped HTML of a whole plain text (surrounding blank lines and spaces removed)."""
    return inline_html(clean(text).strip())


def escape_field(text: str) -> str:
    """The escape :func:`qbank.richtext.to_html` uses for Anki: HTML and Anki syntax."""
    return _RICH(text)


def _cloze_text(text: str) -> str:
    return inline_html(clean(text).strip()).translate(_CLOZE_ANSWER_SYNTAX)


def cloze_blank(number: int, blank: ClozeBlank | str) -> str:
    """A cloze deletion ``{{cN::answer}}``, plain text.

    What else the blank accepts goes *inside* the deletion, in a ``qbank-alt`` span that
    the deck's style shows only within the card's own revealed blank (Anki marks it
    ``.cloze``; the other blanks of the text are ``.cloze-inactive``): so the back of the
    card asking blank 2 names blank 2's other spellings, or its tolerance, and no other
    blank's. A drop-down blank's options are the deletion's hint, shown on the front.
    """
    if isinstance(blank, str):
        return f"{{{{c{number}::{_cloze_text(blank)}}}}}"
    answer = _cloze_text(blank.answer)
    extra = ""
    if blank.kind == "numeric" and blank.tolerance:
        extra = f"± {_cloze_text(local_number(plain(blank.tolerance)))}"
    elif blank.kind == "text" and len(blank.answers) > 1:
        extra = _("also accepted:") + " " + "; ".join(_cloze_text(a) for a in blank.answers[1:])
    if extra:
        answer += f' <span class="qbank-alt">({extra})</span>'
    if blank.kind == "choice":
        hint = " / ".join(_cloze_text(o) for o in blank.options)
        return f"{{{{c{number}::{answer}::{hint}}}}}"
    return f"{{{{c{number}::{answer}}}}}"


def cloze_field(parts: Iterable[str | ClozeBlank]) -> str:
    """A cloze text as plain text with its blanks (the fallback when it cannot be parsed)."""
    parts = list(parts)
    if parts and isinstance(parts[0], str):
        parts[0] = parts[0].lstrip()
    if parts and isinstance(parts[-1], str):
        parts[-1] = parts[-1].rstrip()
    out: list[str] = []
    number = 0
    for part in parts:
        if isinstance(part, ClozeBlank):
            number += 1
            out.append(cloze_blank(number, part))
        else:
            out.append(inline_html(part))
    return "".join(out)


# --- Markdown texts ----------------------------------------------------------------------

_BLOCK, _TIGHT, _INLINE, _CLOZE = "block", "tight", "inline", "cloze"
#: What ``image_src`` returns for an image the run has no file for: a scheme the HTML
#: writer refuses, so it shows the image's alt text instead.
_NO_FILE = "qbank-missing:"


class RichText:
    """Markdown texts as Anki field HTML for one export, each distinct text written once.

    ``media`` is the run's images by their path as written; every image a written field
    shows is collected in :attr:`used` (file name -> image), for the package. A text that
    cannot be parsed (the pipeline refuses those before writing) is written as plain
    text, with a warning naming :attr:`where`.
    """

    def __init__(
        self,
        media: Mapping[str, ImageFile],
        *,
        math: bool = True,
        warn: Callable[[str], None] | None = None,
    ) -> None:
        self._media = media
        self._math = math
        self._warn = warn
        self.used: dict[str, ImageFile] = {}
        #: "FILE:LINE: question 'ID'" of the question being written, for warnings.
        self.where = ""
        self._cache: dict[tuple[str, str, object], str] = {}

    def block(self, text: str) -> str:
        """A block text (question text, solution, feedback, model answer)."""
        return self._html(text, _BLOCK)

    def tight(self, text: str) -> str:
        """A block text that may follow other content on a line: a single paragraph is
        written without ``<p>`` (per-choice feedback after its choice)."""
        return self._html(text, _TIGHT)

    def inline(self, text: str) -> str:
        """An inline text (choice, matching term or definition, ordering item)."""
        return self._html(text, _INLINE)

    def led(self, lead: str, text: str) -> str:
        """A block text whose first paragraph starts with the plain text ``lead``."""
        return self._html(text, _BLOCK, lead)

    def blocks(self, *texts: str) -> str:
        """Several block texts as one field; empty ones are left out."""
        return "\n".join(self.block(t) for t in texts if t and t.strip())

    def cloze(self, text: str, blanks: Sequence[ClozeBlank]) -> str:
        """A cloze text: blank k (1-based) becomes ``{{ck::answer}}``, its first answer."""
        # The blanks are part of the key: a numeric blank's value need not be in the text.
        key = (text, _CLOZE, tuple(blanks))
        html = self._cache.get(key)
        if html is None:
            try:
                doc = parse_block(text, blanks=True, math=self._math)
            except RichTextError as error:
                self._warn_about(error)
                numbered = iter(blanks)
                html = cloze_field(
                    next(numbered, ClozeBlank(p)) if isinstance(p, tuple) else p
                    for p in split_cloze(text)
                )
            else:

                def blank(index: int) -> str:
                    if index < len(blanks):
                        return cloze_blank(index + 1, blanks[index])
                    source = unescape_markdown(doc.blanks[index]).split("|")[0]
                    return cloze_blank(index + 1, source)

                html = self._write(doc, blank)
            self._cache[key] = html
        return html

    def _html(self, text: str, role: str, lead: str = "") -> str:
        key = (text, role, lead)
        html = self._cache.get(key)
        if html is None:
            words = plain_words(text)
            if words is not None and "\\" not in lead and "$$" not in lead:
                # A text without any Markdown (most texts of a randomised bank, new in
                # every version): its HTML without the tree.
                inline = role != _BLOCK and not lead
                html = plain_html(lead + words, inline=inline, escape=escape_field)
            else:
                html = self._make(text, role, lead)
            self._cache[key] = html
        return html

    def _make(self, text: str, role: str, lead: str) -> str:
        if not text.strip() and not lead:
            return ""
        try:
            if role == _INLINE:
                doc = parse_inline(text, math=self._math)
            else:
                doc = parse_block(text, math=self._math)
        except RichTextError as error:
            self._warn_about(error)
            return to_html(lead + text)
        if lead:
            doc = _with_lead(doc, lead)
        elif role == _TIGHT and len(doc.blocks) == 1 and isinstance(doc.blocks[0], Paragraph):
            doc = Document((Plain(doc.blocks[0].children),))
        return self._write(doc)

    def _write(self, doc: Document, blank: Callable[[int], str] | None = None) -> str:
        if blank is None:
            return richtext_html(doc, image_src=self._image_src, escape=escape_field)
        return richtext_html(doc, image_src=self._image_src, blank=blank, escape=escape_field)

    def _image_src(self, src: str) -> str:
        image = self._media.get(src)
        if image is None:
            return _NO_FILE
        self.used[image.name] = image
        return image.name

    def _warn_about(self, error: RichTextError) -> None:
        if self._warn is not None:
            where = f"{self.where}: " if self.where else ""
            self._warn(f"{where}{error}; written as plain text")


def _with_lead(doc: Document, lead: str) -> Document:
    blocks = doc.blocks
    if blocks and isinstance(blocks[0], Paragraph):
        first = Paragraph((Text(lead), *blocks[0].children))
        return Document((first, *blocks[1:]), doc.blanks)
    return Document((Paragraph((Text(lead.rstrip()),)), *blocks), doc.blanks)


def html_list(
    items: Iterable[str],
    *,
    ordered: bool = False,
    css_class: str = "",
    item_classes: Iterable[str] | None = None,
) -> str:
    """An HTML list of already-escaped items (``ordered`` lists are lettered A, B, C...)."""
    items = list(items)
    if not items:
        return ""
    classes = list(item_classes) if item_classes is not None else [""] * len(items)
    tag = "ol" if ordered else "ul"
    head = f"<{tag}"
    if ordered:
        head += ' type="A"'
    if css_class:
        head += f' class="{css_class}"'
    body = "".join(
        f'<li class="{c}">{i}</li>' if c else f"<li>{i}</li>"
        for i, c in zip(items, classes, strict=True)
    )
    return f"{head}>{body}</{tag}>"


# --- tags and deck names: plain text with Anki's own rules ------------------------------

_TAG_FORBIDDEN = re.compile(r'[\s"\x00-\x1f\x7f]+')


def tag(text: str) -> str:
    """An Anki tag: no spaces, quotes or controls; ``::`` levels without empty parts."""
    cleaned = _TAG_FORBIDDEN.sub("_", text.strip())
    return "::".join(p for p in cleaned.split("::") if p)


def tags(values: Iterable[str]) -> list[str]:
    """Clean tags, each once (Anki compares tags case-insensitively), in the given order."""
    seen: set[str] = set()
    out = []
    for value in values:
        t = tag(value)
        if t and t.casefold() not in seen:
            seen.add(t.casefold())
            out.append(t)
    return out


def deck_name(*levels: str) -> str:
    """A deck path as Anki stores it: ``::`` between levels, no empty or padded levels.

    A ``::`` inside a bank title or section is kept as a deeper level on purpose: a
    section named ``Practice::Week 1`` becomes a sub-deck of Practice.
    """
    parts: list[str] = []
    for level in levels:
        for part in clean(level).replace("\n", " ").replace("\t", " ").split("::"):
            part = " ".join(part.split())
            if part:
                parts.append(part)
    return "::".join(parts)
