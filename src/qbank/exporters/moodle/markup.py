"""Bank texts as the HTML Moodle reads, and names as the plain text it keeps.

Texts are Markdown with LaTeX math (:mod:`qbank.richtext`): :class:`TextRenderer` parses each
distinct text once and writes it as HTML with math as ``\\(…\\)`` and ``\\[…\\]`` (what
Moodle's MathJax filter typesets), images as ``@@PLUGINFILE@@/<name>`` with the image itself
embedded beside the text (:class:`Html`), and every ``{`` as ``&#123;``: Moodle's cloze and
calculated types scan the text for ``{…}``, and its MathJax filter turns ``<`` and ``>``
between braces into text. The browser decodes ``&#123;`` before MathJax reads the page,
so a formula's ``\\frac{1}{2}`` still typesets.

Every string that reaches the XML file passes through :class:`Cleaner` first: characters
XML 1.0 cannot hold (most control characters, lone surrogates, U+FFFE/U+FFFF) are
dropped, because one of them makes the whole file unreadable, and the teacher is told.
"""

from __future__ import annotations

import base64
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from urllib.parse import quote, unquote

from ... import limits
from ...model import ImageFile
from ...richtext import (
    Document,
    RichTextError,
    parse_block,
    parse_inline,
    plain_text,
    plain_words,
    to_html,
)
from ...richtext.html import escape_html, plain_html

# Characters allowed in XML 1.0 documents; everything else is removed.
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
# Hebrew, Arabic, Syriac, Thaana, N'Ko, Samaritan and their presentation forms.
# (Without the noncharacters U+FDD0-U+FDEF, which TextRenderer uses as placeholders.)
_RIGHT_TO_LEFT = re.compile("[\u0590-\u08ff\ufb1d-\ufdcf\ufdf0-\ufdff\ufe70-\ufefc]")
# PHP's strip_tags(), which Moodle runs on names (clean_param PARAM_TEXT), treats "<"
# followed by anything but white space as the start of a tag and drops it and what follows.
_TAG_LIKE = re.compile(r"<(?=\S|$)")
_FULLWIDTH_LESS_THAN = "\uff1c"

#: Longest question or category name Moodle stores (varchar 255, counted in characters).
MAX_NAME = 255


class Markup(str):
    """A piece of HTML that is written as it is (not escaped)."""

    __slots__ = ()


class Cleaner:
    """Removes characters XML cannot hold; remembers which questions needed it."""

    def __init__(self) -> None:
        self.current = ""
        self.changed: list[str] = []

    def __call__(self, text: str) -> str:
        if "\r" in text:
            text = text.replace("\r\n", "\n").replace("\r", "\n")
        if _NOT_XML.search(text) is None:
            return text
        if not self.changed or self.changed[-1] != self.current:
            self.changed.append(self.current)
        return _NOT_XML.sub("", text)


def escape(text: str) -> str:
    """Plain text escaped for HTML (the choices of a cloze drop-down menu)."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


_ASCII_SPACES = re.compile(r"[ \t\n\r\f\v]+")


def plain_paragraph(text: str) -> str:
    """A paragraph of plain text (a category's description, which qbank writes itself)."""
    # Only ASCII white space is folded: a non-breaking space (French "catégorie :") stays.
    html = escape_html_braces(_ASCII_SPACES.sub(" ", text).strip())
    return f'<p dir="auto">{html}</p>' if _RIGHT_TO_LEFT.search(html) else f"<p>{html}</p>"


def plain_name(text: str, limit: int = MAX_NAME) -> str:
    """A one-line name that survives Moodle's cleaning and fits its database column."""
    name = " ".join(text.split())
    name = _TAG_LIKE.sub(_FULLWIDTH_LESS_THAN, name)
    if len(name) > limit:
        name = name[: limit - 1].rstrip() + "\u2026"
    return name


# --- rich text ---------------------------------------------------------------------------

#: Where an image's file is found from a Moodle text: its ``<file>`` element beside the text.
PLUGINFILE = "@@PLUGINFILE@@/"
HTML_CACHE_SIZE = limits.TEXT_CACHE_SIZE
#: Not an http(s) address, so the HTML writer shows the alt text of an image not loaded.
_NOT_LOADED = "qbank-missing:"
# Placeholders for cloze blanks in a cached text: noncharacters, which the parser removes
# from every text, so they can only be ours.
_BLANK_OPEN, _BLANK_CLOSE = "\ufdee", "\ufdef"
_BLANK = re.compile(f"{_BLANK_OPEN}(\\d+){_BLANK_CLOSE}")
# Placeholders for the wildcards of a calculated question, which must go through the
# parser (and so cannot be noncharacters): private-use characters, refused in the text.
_WILDCARD_OPEN, _WILDCARD_CLOSE = "\ue002", "\ue003"
_WILDCARD = re.compile(f"{_WILDCARD_OPEN}(\\d+){_WILDCARD_CLOSE}")
#: The classes of a table, for Moodle's Bootstrap theme.
TABLE_CLASSES = "table table-bordered table-sm w-auto"
_RTL_BLOCKS = re.compile("<(p|li|td|th)>")


def escape_html_braces(text: str) -> str:
    """Text (and TeX) escaped for HTML, with ``{`` as ``&#123;`` (see the module's notes)."""
    return escape_html(text).replace("{", "&#123;")


@dataclass(frozen=True, slots=True)
class Html:
    """The HTML of one Moodle text, and the images it shows: each is written as a
    ``<file name="…" path="/" encoding="base64">`` in the same element as the text, which
    Moodle's importer (``import_text_with_files``) stores as that text's files."""

    text: str = ""
    files: tuple[ImageFile, ...] = ()

    def __bool__(self) -> bool:
        return bool(self.text)

    @staticmethod
    def join(parts: Iterable[Html], separator: str = "\n") -> Html:
        parts = [part for part in parts if part]
        if len(parts) == 1:
            return parts[0]
        files = {f.name: f for part in parts for f in part.files}
        return Html(separator.join(part.text for part in parts), tuple(files.values()))


EMPTY = Html()


class TextWrongForCalculated(Exception):
    """A calculated question's text whose wildcards do not all reach its HTML."""


class TextRenderer:
    """Bank texts as Moodle HTML, each distinct text parsed and written once.

    ``media`` maps an image's path as written in a text to its loaded file
    (``GeneratedSet.media``); an image not in it is shown as its alt text.
    """

    def __init__(
        self, media: Mapping[str, ImageFile], *, math: bool, clean: Callable[[str], str]
    ) -> None:
        self.media = media
        self.math = math
        self.clean = clean
        self._cache: dict[tuple[str, str], Html] = {}
        self._base64: dict[str, str] = {}

    # -- the roles of texts -----------------------------------------------------------

    def block(self, text: str) -> Html:
        """A block text (question text, feedback, solution, model answer): paragraphs."""
        return self._cached(text, "block")

    def inline(self, text: str) -> Html:
        """An inline text (a choice, a matching definition, an ordering item): no ``<p>``."""
        return self._cached(text, "inline")

    def plain(self, text: str) -> str:
        """An inline text as the plain text Moodle keeps in a drop-down menu (matching
        terms, drop-down choices of a cloze): emphasis dropped, math as its TeX."""
        if not text:
            return ""
        return self.clean(" ".join(plain_text(parse_inline(text, math=self.math)).split()))

    def cloze(self, text: str, blank: Callable[[int], str]) -> Html:
        """A cloze text, each blank ``[[…]]`` replaced by ``blank(index)`` (Moodle markup
        the caller escaped itself)."""
        html = self._cached(text, "cloze")
        if _BLANK_OPEN not in html.text:
            return html
        filled = _BLANK.sub(lambda m: blank(int(m.group(1))), html.text)
        return Html(self.clean(filled), html.files)

    def segments(self, segments: Sequence[str]) -> Html:
        """A text made of Markdown pieces and :class:`Markup` pieces (a calculated
        question's wildcards ``{a}``, ``{=…}``), each put back as it is, also in a formula.

        Raises :class:`TextWrongForCalculated` when a wildcard cannot be put back (it
        landed in a link target, or the text holds the placeholder characters), or the
        template itself is no valid rich text.
        """
        pieces: list[str] = []
        wildcards: list[str] = []
        for segment in segments:
            if isinstance(segment, Markup):
                pieces.append(f"{_WILDCARD_OPEN}{len(wildcards)}{_WILDCARD_CLOSE}")
                wildcards.append(segment)
            elif _WILDCARD_OPEN in segment or _WILDCARD_CLOSE in segment:
                raise TextWrongForCalculated("the text holds private-use characters")
            else:
                pieces.append(segment)
        try:
            html = self._render(parse_block("".join(pieces), math=self.math))
        except RichTextError as exc:  # the drawn texts were fine: write those instead
            raise TextWrongForCalculated(str(exc)) from exc
        found = _WILDCARD.findall(html.text)
        if sorted(int(n) for n in found) != list(range(len(wildcards))):
            raise TextWrongForCalculated("a {{ }} value is in a link or an image")
        text = _WILDCARD.sub(lambda m: wildcards[int(m.group(1))], html.text)
        return Html(self.clean(text), html.files)

    def base64(self, image: ImageFile) -> str:
        """An image's bytes as base64, worked out once per image."""
        encoded = self._base64.get(image.name)
        if encoded is None:
            encoded = self._base64[image.name] = base64.b64encode(image.data).decode("ascii")
        return encoded

    # -- parsing and writing -----------------------------------------------------------

    def _cached(self, text: str, role: str) -> Html:
        if not text:
            return EMPTY
        key = (text, role)
        html = self._cache.get(key)
        if html is None:
            if len(self._cache) >= HTML_CACHE_SIZE:
                self._cache.clear()
            words = plain_words(text) if role != "cloze" else None
            if words is not None:
                # A text without any Markdown (most texts of a randomised bank, new in
                # every version): its HTML without the tree.
                written = plain_html(words, inline=role == "inline", escape=escape_html_braces)
                html = self._cache[key] = self._finish(written, ())
            elif role == "inline":
                html = self._cache[key] = self._render(parse_inline(text, math=self.math))
            else:
                doc = parse_block(text, blanks=role == "cloze", math=self.math)
                html = self._cache[key] = self._render(doc)
        return html

    def _render(self, doc: Document) -> Html:
        used: dict[str, ImageFile] = {}

        def image_src(src: str) -> str:
            # The parser percent-encodes a path (a space as %20); the media are keyed by
            # the path as written.
            image = self.media.get(src) or self.media.get(unquote(src))
            if image is None:
                return _NOT_LOADED
            used[image.name] = image
            return PLUGINFILE + quote(image.name)

        html = to_html(
            doc,
            image_src=image_src,
            blank=lambda index: f"{_BLANK_OPEN}{index}{_BLANK_CLOSE}",
            escape=escape_html_braces,
        )
        return self._finish(html, tuple(used.values()))

    def _finish(self, html: str, files: tuple[ImageFile, ...]) -> Html:
        """The text's HTML as Moodle gets it: its tables styled, right-to-left paragraphs
        marked, characters XML cannot hold removed."""
        if "<table>" in html:
            # Moodle's theme (Bootstrap) draws a table with its lines and cell padding
            # only for these classes; without them the cells run together.
            html = html.replace("<table>", f'<table class="{TABLE_CLASSES}">')
        if _RIGHT_TO_LEFT.search(html) is not None:
            # dir="auto" lets the browser lay out a right-to-left paragraph (Arabic,
            # Hebrew) inside a left-to-right Moodle page; a left-to-right one is unchanged.
            html = _RTL_BLOCKS.sub(r'<\1 dir="auto">', html)
        return Html(self.clean(html), files)
