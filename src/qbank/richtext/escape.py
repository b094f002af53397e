"""Values inserted into Markdown text by ``{{ }}``, made to show exactly as they are.

The rule: the template layer passes every value it inserts into a Markdown field through
:func:`escape_markdown`, so a drawn name such as ``*star*``, a price ``$30``, a ``#tag``
at the start of a line or a ``[[`` in a value shows as written and never turns into
emphasis, math, a heading or a cloze blank. Plain-text fields are not escaped.

Escaping is minimal on purpose: a value also lands inside formulas (``$x = {{ a }}$``),
where a backslash would change the TeX. So characters are escaped only where Markdown
could read them as syntax, and the values that fill formulas pass through unchanged:
numbers (``-3.5``, ``1e-05``, ``3/4``), and TeX such as ``\\frac{1}{2}``, ``x^{2}``,
``x_1``, ``\\sqrt{3}`` or ``[0, 1]``. A value meant for a formula that holds ``$``, ``*``,
`````, ``|``, ``~~`` or a backslash before punctuation (``\\{``, ``\\,``) is escaped and
so changes meaning inside a formula; such values must be inserted unescaped by the
template layer (a raw filter), which is the caller's decision.

What is escaped, and how:

- backslash before anything but a letter or digit, `````, ``*``, ``$``, ``|``: with a
  backslash (``\\*``);
- ``_`` unless it joins two letters or digits (``snake_case`` stays) or is a TeX
  subscript ``x_{…}`` (which could only close an emphasis opened by a bare ``_`` in the
  text before it);
- ``~`` next to another ``~`` or at either end of the value;
- ``<`` before a letter, ``/``, ``!`` or ``?`` (a tag or an autolink) or at the end;
- ``&`` before a letter or ``#`` (a character reference) or at the end;
- ``[`` and ``]`` as ``&#91;`` and ``&#93;`` (a backslash would make ``\\[`` display math)
  when the value holds a link, reference, image or blank (``](``, ``][``, ``]:``,
  ``![``, ``[[``, ``]]``); a lone bracket (``[0, 1)``) stays, as it can only make a link
  together with brackets written right next to the value in the text;
- at the start of the value, which may be the start of a line: ``#`` of a heading,
  ``>`` of a quote, a list marker (``-``, ``+``, ``1.``, ``1)``) followed by a space,
  and a setext underline or rule (``==``, ``--``);
- white space at either end and every line break as character references (``&#32;``,
  ``&#10;``): Markdown trims paragraph ends, and a newline in a value must not start a
  new block. Line breaks in the value come out as line breaks in the text.

Characters a parsed text never holds (most C0 controls, noncharacters) are dropped by the
parser, escaped or not.
"""

from __future__ import annotations

import re
from functools import lru_cache

from .. import limits

#: Characters no parsed text holds: those XML 1.0 cannot (C0 controls but tab and
#: newline, lone surrogates, U+FFFE, U+FFFF), the invisible DEL and C1 controls, and the
#: noncharacters U+FDD0-U+FDEF (the parser's blank placeholders).
REMOVED_CHARS = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufdd0-\ufdef\ufffe\uffff]"
)
_ALWAYS = frozenset("`*$|")
_LIST_ITEM = re.compile(r"(\d{1,9})([.)])(?=[ \t]|$)")
_HEADING = re.compile(r"#{1,6}(?=[ \t]|$)")
_LINKISH = ("](", "][", "]:", "[[", "]]", "![")


#: A value Markdown reads as itself, with nothing to escape: a number as qbank writes one
#: (``-3.5``, ``25,000``, ``0.00005``), or words with no syntax character, not starting or
#: ending with white space. Most values templates insert are like this.
_PLAIN_VALUE = re.compile(
    r"-?[0-9][0-9,]*(?:\.[0-9]+)?|[A-Za-z][A-Za-z0-9 ,.:;()/%'\"?]*[A-Za-z0-9.)%'\"?]|[A-Za-z]"
)


def escape_markdown(value: str) -> str:
    """``value`` as Markdown text that reads back as exactly ``value`` (line ends as
    ``\\n``), leaving numbers and TeX snippets unchanged."""
    if not value or _PLAIN_VALUE.fullmatch(value):
        return value
    return _escape(value)


@lru_cache(maxsize=limits.PARSE_CACHE_SIZE)
def _escape(value: str) -> str:
    value = REMOVED_CHARS.sub("", value.replace("\r\n", "\n").replace("\r", "\n"))
    if not value:
        return value
    brackets = _brackets_need_escaping(value)
    out: list[str] = []
    last = len(value) - 1
    for i, ch in enumerate(value):
        before = value[i - 1] if i else ""
        after = value[i + 1] if i < last else ""
        if ch == "\n" or (ch.isspace() and (i == 0 or i == last)):
            out.append(f"&#{ord(ch)};")
        elif ch in _ALWAYS:
            out.append("\\" + ch)
        elif ch == "\\":
            out.append(ch if after.isascii() and after.isalnum() else "\\\\")
        elif ch == "_":
            out.append(ch if before.isalnum() and (after.isalnum() or after == "{") else "\\_")
        elif ch == "~":
            out.append("\\~" if i in (0, last) or "~" in (before, after) else ch)
        elif ch == "<":
            out.append("\\<" if not after or after.isalpha() or after in "/!?" else ch)
        elif ch == "&":
            out.append("\\&" if not after or after.isalpha() or after == "#" else ch)
        elif ch in "[]":
            out.append(f"&#{ord(ch)};" if brackets else ch)
        else:
            out.append(ch)
    return _escape_line_start(value, "".join(out))


def _brackets_need_escaping(value: str) -> bool:
    return ("[" in value or "]" in value) and any(pair in value for pair in _LINKISH)


def _escape_line_start(value: str, escaped: str) -> str:
    """Block syntax a value could start when it lands at the start of a line."""
    first = value[0]
    if first == "#" and _HEADING.match(value):
        return "\\" + escaped
    if first == ">":
        return "\\" + escaped
    if first in "-+=" and (len(value) == 1 or value[1] in " \t\n" or value[1] == first):
        return "\\" + escaped
    match = _LIST_ITEM.match(value)
    if match:
        digits = len(match.group(1))
        return escaped[:digits] + "\\" + escaped[digits:]
    return escaped


_ESCAPED = re.compile(r"\\([!-/:-@\[-`{-~])|&#(\d+);")


def unescape_markdown(escaped: str) -> str:
    """The value :func:`escape_markdown` was given, from what it returned.

    For text that reaches a caller without going through the Markdown parser: the source
    of a cloze blank ``[[{{ answer }}]]`` (``Document.blanks``) holds the escaped value.
    """
    return _ESCAPED.sub(lambda m: m.group(1) or chr(int(m.group(2))), escaped)
