"""Bank text (plain text, blank line between paragraphs) as the HTML and names Moodle reads.

Every string that reaches the XML file passes through :class:`Cleaner` first: characters
XML 1.0 cannot hold (most control characters, lone surrogates, U+FFFE/U+FFFF) are
dropped, because one of them makes the whole file unreadable, and the teacher is told.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from functools import lru_cache

# Characters allowed in XML 1.0 documents; everything else is removed.
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
_PARAGRAPH_BREAK = re.compile(r"\n[ \t]*\n\s*")
# Hebrew, Arabic, Syriac, Thaana, N'Ko, Samaritan and their presentation forms.
_RIGHT_TO_LEFT = re.compile("[\u0590-\u08ff\ufb1d-\ufdff\ufe70-\ufefc]")
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
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def escape_braces(text: str) -> str:
    """Escape text for a question Moodle scans for ``{...}`` (cloze, calculated).

    A literal ``{`` becomes a character reference, so text such as ``{1:SA:=x}``, ``{#1}``
    or ``{a}`` written by the teacher is shown as written instead of turning into a blank
    or a variable.
    """
    return escape(text).replace("{", "&#123;")


def html_paragraphs(
    segments: Iterable[str], *, literal: Callable[[str], str] = escape, inline: bool = False
) -> str:
    """HTML for text made of plain-text segments and :class:`Markup` segments.

    A blank line starts a new ``<p>``; a single line break becomes ``<br>``. With
    ``inline``, text that is one paragraph is returned without the ``<p>`` (for answer
    choices, which Moodle shows inline).
    """
    paragraphs: list[list[str]] = [[]]
    for segment in segments:
        if isinstance(segment, Markup):
            paragraphs[-1].append(segment)
            continue
        for index, piece in enumerate(_PARAGRAPH_BREAK.split(segment.replace("\r\n", "\n"))):
            if index:
                paragraphs.append([])
            if piece:
                paragraphs[-1].append(piece)
    rendered = [_paragraph(parts, literal) for parts in paragraphs]
    rendered = [(html, rtl) for html, rtl in rendered if html]
    if inline and len(rendered) == 1:
        return rendered[0][0]
    return "\n".join(
        f'<p dir="auto">{html}</p>' if rtl else f"<p>{html}</p>" for html, rtl in rendered
    )


def _paragraph(parts: list[str], literal: Callable[[str], str]) -> tuple[str, bool]:
    if parts and not isinstance(parts[0], Markup):
        parts[0] = parts[0].lstrip()
    if parts and not isinstance(parts[-1], Markup):
        parts[-1] = parts[-1].rstrip()
    out: list[str] = []
    rtl = False
    for part in parts:
        if isinstance(part, Markup):
            out.append(part)
        else:
            rtl = rtl or _RIGHT_TO_LEFT.search(part) is not None
            out.append(literal(part).replace("\n", "<br>\n"))
    # dir="auto" lets the browser lay out a right-to-left paragraph (Arabic, Hebrew)
    # correctly inside a left-to-right Moodle page.
    return "".join(out), rtl


@lru_cache(maxsize=4096)
def text_to_html(text: str, *, inline: bool = False) -> str:
    """HTML of one bank text. Cached: feedback and choices repeat in every variant."""
    if not text:
        return ""
    if "\n" not in text and "\r" not in text and _RIGHT_TO_LEFT.search(text) is None:
        html = escape(text.strip())  # one paragraph (the usual case), the quick way
        return html if inline or not html else f"<p>{html}</p>"
    return html_paragraphs([text], inline=inline)


def plain_name(text: str, limit: int = MAX_NAME) -> str:
    """A one-line name that survives Moodle's cleaning and fits its database column."""
    name = " ".join(text.split())
    name = _TAG_LIKE.sub(_FULLWIDTH_LESS_THAN, name)
    if len(name) > limit:
        name = name[: limit - 1].rstrip() + "\u2026"
    return name
