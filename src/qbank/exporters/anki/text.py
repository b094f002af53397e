"""Plain teacher text made safe for Anki fields, tags and deck names.

Anki fields hold HTML, and Anki reads more than HTML in them: ``{{c1::...}}`` makes a cloze
in a cloze field, ``::`` inside a cloze starts a hint, ``[sound:x.mp3]`` plays a file and
``[latex]`` runs LaTeX. Teacher text must come out exactly as written, so besides the HTML
escapes we write ``{``, ``}`` and ``[`` as character references (``&#123;`` and so on):
the card shows the same characters, but Anki's parsers no longer see its syntax. Inside a
cloze answer ``:`` is escaped too, so ``std::vector`` is not read as answer plus hint.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache

from ...kinds.cloze import ClozeBlank

# One translation table does all the escaping in a single pass over the text: the HTML
# escapes, the Anki syntax characters, newlines to <br>, and the invisible C0 controls
# (except tab) and DEL removed. "\x1f" in particular is Anki's field separator in the
# database: left in, it would split a field in two.
_FIELD = str.maketrans(
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
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
_CLOZE_ANSWER_SYNTAX = str.maketrans({":": "&#58;"})


def clean(text: str) -> str:
    """Unify line endings and drop invisible control characters (for plain-text uses)."""
    return _CONTROL.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))


def inline_html(text: str) -> str:
    """Escaped HTML of a piece of text, kept exactly (no stripping); newlines become <br>."""
    return text.replace("\r\n", "\n").replace("\r", "\n").translate(_FIELD)


@lru_cache(maxsize=4096)  # options' feedback and fixed texts repeat in every version
def to_html(text: str) -> str:
    """Escaped HTML of a whole text (surrounding blank lines and spaces removed)."""
    return inline_html(clean(text).strip())


def paragraphs(*texts: str) -> str:
    """Several texts as one field, a blank line apart; empty ones are left out."""
    return "<br><br>".join(to_html(t) for t in texts if t and t.strip())


def cloze_field(parts: Iterable[str | ClozeBlank]) -> str:
    """A cloze text as an Anki cloze field: blank k becomes ``{{ck::answer}}``."""
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
            answer = inline_html(part.answer.strip()).translate(_CLOZE_ANSWER_SYNTAX)
            out.append(f"{{{{c{number}::{answer}}}}}")
        else:
            out.append(inline_html(part))
    return "".join(out)


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
