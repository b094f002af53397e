"""Read a YAML bank file into plain dicts and lists that remember their line numbers.

Bank files come from strangers, so this reader trusts nothing:

* the size is checked before anything is parsed, and only regular files are read;
* the file is read from YAML *events* (libyaml's C parser when installed), and the values
  are built here, without PyYAML's constructors: no Python objects, no tags other than
  the standard ones, no anchors or aliases (how "billion laughs" bombs work), no merge
  keys, no duplicate keys;
* nesting depth, the number of items in one list or mapping and the number of values in
  the whole file are bounded, and checked while reading, so an oversized file stops early;
* characters that no output format can hold (control characters, lone surrogates) are
  removed, and each removal is reported with its line (:class:`Removal`);
* scalars follow YAML 1.1 for true/false (so the loader can warn that ``answer: no`` was
  read as false) but never turn text into a surprising number: ``12:30`` (base 60),
  ``007`` and ``010`` (octal), ``0x1F`` stay text; decimals are read exactly (``0.1`` is
  ``Decimal('0.1')``), and a number too long to be sensible stays text.
"""

from __future__ import annotations

import os
import re
import stat
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

import yaml

from .. import limits
from ..errors import BankError
from ..templates import CONTROL_CHARACTERS  # also what YAML escapes like "\x01" can spell
from .yamlhints import _KEY_VALUE, _question_above, _syntax_error, value_hint

_MAX_INT_BITS = 3_300  # 2**3300 is about 10**993: every number below it is in range

_Parser = getattr(yaml, "CSafeLoader", None) or yaml.SafeLoader

# Characters YAML itself refuses in a file (C0 controls but tab and line breaks, DEL, C1
# controls but NEL, U+FFFE/U+FFFF, surrogates). They are removed before parsing.
_YAML_UNREADABLE = re.compile("[^\t\n\r\x20-\x7e\x85\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
_SURROGATE = re.compile("[\ud800-\udfff]")
# "\f", "\b", "\v" in a double-quoted YAML string: control characters, not LaTeX's \frac.
_LATEX_ESCAPE = re.compile(r"(?<!\\)(?:\\\\)*\\[fbv]")

_TAG = "tag:yaml.org,2002:"
_BOOL = {"yes": True, "true": True, "on": True, "no": False, "false": False, "off": False}
_NULL = {"", "~", "null", "Null", "NULL"}
_INT = re.compile(r"[-+]?(?:0|[1-9][0-9_]*)$")
# PyYAML's float rule (a dot is required, an exponent needs its sign), minus sexagesimal.
_FLOAT = re.compile(r"[-+]?(?:[0-9][0-9_]*)?\.[0-9_]*(?:[eE][-+][0-9]+)?$")


class LineDict(dict):
    """A mapping from the file, with the line of each key (1-based)."""

    line: int = 0
    key_lines: dict[Any, int]
    #: The line of the first line of text of each value written as a '|' block (the
    #: line after its key): the lines of such a text are the file's lines, one for one.
    block_lines: dict[Any, int]


class LineList(list):
    """A list from the file, with the line of each item (1-based)."""

    line: int = 0
    item_lines: list[int]


@dataclass(frozen=True)
class Removal:
    """Characters removed from the bank because no output format can hold them."""

    line: int
    characters: tuple[str, ...]  # as "U+0007", each once, in order of appearance
    latex_escapes: bool = False  # from a "..." string that spells \f, \b or \v (\frac, \beta)

    def describe(self) -> str:
        shown = ", ".join(self.characters[:5]) + (", ..." if len(self.characters) > 5 else "")
        message = (
            f"removed invisible characters ({shown}) that Word, Anki and Moodle files cannot hold"
        )
        if self.latex_escapes:
            message += (
                '; in a double-quoted "..." text YAML reads \\f, \\b, \\v (as in \\frac, '
                "\\beta, \\vec) as control characters: use a '|' block or single quotes "
                "for LaTeX"
            )
        return message


@dataclass(frozen=True)
class TrailingComment:
    """A ``#`` one space after an unquoted value: YAML left the rest of the line out of it."""

    line: int
    key: str | None  # the key of the value (of its list, for a list item)
    value: str  # what YAML read
    comment: str  # the rest of the line, from '#'


@dataclass
class ParsedYaml:
    data: Any
    removals: list[Removal]
    comments: list[TrailingComment] = field(default_factory=list)


def _codes(chars: Iterator[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(f"U+{ord(c):04X}" for c in chars))


def _strip_unreadable(text: str) -> tuple[str, list[Removal]]:
    """Remove characters YAML cannot read, remembering on which line each was."""
    if not _YAML_UNREADABLE.search(text):
        return text, []
    by_line: dict[int, list[str]] = {}
    line, pos = 1, 0
    for match in _YAML_UNREADABLE.finditer(text):
        line += text.count("\n", pos, match.start())
        pos = match.start()
        by_line.setdefault(line, []).append(match.group())
    removals = [Removal(n, _codes(iter(chars))) for n, chars in by_line.items()]
    return _YAML_UNREADABLE.sub("", text), removals


def clean_text(value: str) -> tuple[str, tuple[str, ...]]:
    """``value`` without CONTROL_CHARACTERS (and the ones removed), line breaks as \\n.

    A pair of surrogate escapes that spells one character ("\\ud83d\\ude00") becomes that
    character; only lone surrogates are removed.
    """
    if "\r" in value:
        value = value.replace("\r\n", "\n").replace("\r", "\n")
    if not CONTROL_CHARACTERS.search(value):
        return value, ()
    if _SURROGATE.search(value):
        value = value.encode("utf-16-le", "surrogatepass").decode("utf-16-le", "surrogatepass")
    removed = _codes(m.group() for m in CONTROL_CHARACTERS.finditer(value))
    return CONTROL_CHARACTERS.sub("", value), removed


def _plain_scalar(value: str) -> Any:
    """What an unquoted scalar means (YAML 1.1 booleans, unsurprising numbers)."""
    if value in _NULL:
        return None
    lowered = value.lower()
    if lowered in _BOOL and value in (lowered, lowered.capitalize(), lowered.upper()):
        return _BOOL[lowered]
    if _INT.match(value):
        digits = value.replace("_", "")
        if len(digits) > limits.MAX_INT_DIGITS + 1:
            return value
        number = int(digits)
        return number if number.bit_length() <= _MAX_INT_BITS else value
    if _FLOAT.match(value) and any(c.isdigit() for c in value):
        try:
            dec = Decimal(value.replace("_", ""))
        except InvalidOperation:
            return value
        return dec if -limits.MAX_INT_DIGITS < dec.adjusted() < limits.MAX_INT_DIGITS else value
    # .inf and .nan are no number a question can use: they stay text, and a field that
    # needs a number says so.
    return value


def _tagged_scalar(tag: str, value: str, line: int) -> Any:
    name = tag[len(_TAG) :] if tag.startswith(_TAG) else None
    if tag == "!" or name in ("str", "binary", "timestamp"):
        return value
    if name in ("int", "float", "bool", "null"):
        result = _plain_scalar(value)
        ok: Any = {
            "int": int,
            "float": (Decimal, float, int),
            "bool": bool,
            "null": type(None),
        }[name]
        if isinstance(result, ok) and not (name == "int" and isinstance(result, bool)):
            return result
        raise BankError(f"'{value}' is not a valid !!{name}", line=line)
    raise BankError(f"the YAML tag '{tag}' is not supported in bank files; remove it", line=line)


class _Builder:
    """Builds LineDict/LineList values from a stream of YAML events, within the limits."""

    def __init__(self) -> None:
        # Each open collection, with the key waiting for its value (mappings only).
        self.stack: list[list[Any]] = []
        self.nodes = 0
        self.documents = 0
        self.result: Any = None
        self.removals: list[Removal] = []  # from escapes such as "\x07"
        self.text = ""  # the file, for hints
        self.lines: list[str] = []  # its lines
        self.comments: list[TrailingComment] = []

    def feed(self, event: yaml.Event) -> None:
        line = event.start_mark.line + 1 if event.start_mark else 0
        # An anchor on an unquoted text is a text that starts with '&' ("&copy; 2024"):
        # refused with the hint to quote it. Other anchors are refused at their first alias.
        if isinstance(event, yaml.AliasEvent) or (
            isinstance(event, yaml.ScalarEvent) and event.anchor is not None and not event.style
        ):
            raise BankError(
                "YAML anchors and aliases ('&name', '*name') are not supported "
                "in bank files; write the value out in full" + self._hint(event),
                line=line,
            )
        if isinstance(event, yaml.DocumentStartEvent):
            self.documents += 1
            if self.documents > 1:
                raise BankError(
                    "the file holds more than one YAML document ('---' "
                    "separates them); a bank file is one document",
                    line=line,
                )
        elif isinstance(event, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
            self._count(line)
            if len(self.stack) >= limits.MAX_DEPTH:
                raise BankError(
                    f"the file is nested more than {limits.MAX_DEPTH} levels deep", line=line
                )
            mapping = isinstance(event, yaml.MappingStartEvent)
            self._check_collection_tag(event.tag, mapping, line)
            container: LineDict | LineList = LineDict() if mapping else LineList()
            container.line = line
            if mapping:
                container.key_lines = {}  # type: ignore[union-attr]
                container.block_lines = {}  # type: ignore[union-attr]
            else:
                container.item_lines = []  # type: ignore[union-attr]
            self.stack.append([container, _NO_KEY, 0])
        elif isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
            container, _, _ = self.stack.pop()
            self._add(container, container.line)
        elif isinstance(event, yaml.ScalarEvent):
            self._count(line)
            if not event.style and event.end_mark is not None:
                self._note_comment(event)
            top = self.stack[-1] if self.stack else None
            if event.style == "|" and top and isinstance(top[0], LineDict) and top[1] != _NO_KEY:
                # '|' is on the key's line (or below it): its text starts on the next line.
                top[0].block_lines[top[1]] = line + 1
            self._add(self._scalar(event, line), line)

    def _hint(self, event: yaml.Event) -> str:
        """A hint when ``event`` is the whole value of a ``key: value`` line."""
        mark = event.start_mark
        if mark is None or not 0 <= mark.line < len(self.lines):
            return ""
        source_line = self.lines[mark.line]
        match = _KEY_VALUE.match(source_line)
        return value_hint(source_line) if match and match.start("value") == mark.column else ""

    def _note_comment(self, event: yaml.ScalarEvent) -> None:
        """Remember a comment after an unquoted value on the line where it ends."""
        assert event.end_mark is not None  # the parser marks every event
        end = event.end_mark.index
        # One space before '#': a text cut short ("Question #1 is about C#"). A comment set
        # apart by more (aligned, as in the starter bank and the docs) is deliberate.
        if not self.text.startswith(" #", end) or not self.stack:
            return  # (checked first: a file of one long line must not cost n² here)
        eol = self.text.find("\n", end)
        rest = self.text[end : eol if eol >= 0 else len(self.text)].rstrip("\r")
        top = self.stack[-1]
        if isinstance(top[0], LineDict):
            if top[1] is _NO_KEY:
                return  # a key, not a value
            key = top[1]
        else:
            parent = self.stack[-2] if len(self.stack) > 1 else None
            key = parent[1] if parent and isinstance(parent[0], LineDict) else None
        comment = rest[1:].strip()
        end_line = event.end_mark.line
        self.comments.append(TrailingComment(end_line + 1, key, event.value, comment))

    def _count(self, line: int) -> None:
        self.nodes += 1
        if self.nodes > limits.MAX_NODES:
            raise BankError(
                f"the file holds more than {limits.MAX_NODES:,} values; split it into "
                "several banks",
                line=line,
            )

    @staticmethod
    def _check_collection_tag(tag: str | None, mapping: bool, line: int) -> None:
        allowed = ("map", "omap", "set") if mapping else ("seq", "omap", "pairs")
        if tag is None or tag == "!" or tag in (_TAG + name for name in allowed):
            return
        raise BankError(
            f"the YAML tag '{tag}' is not supported in bank files; remove it", line=line
        )

    def _scalar(self, event: yaml.ScalarEvent, line: int) -> Any:
        value, removed = clean_text(event.value)
        if removed:
            marks = (event.start_mark, event.end_mark)
            latex = (
                event.style == '"'
                and all(marks)
                and bool(
                    _LATEX_ESCAPE.search(self.text, marks[0].index, marks[1].index)  # type: ignore[union-attr]
                )
            )
            self.removals.append(Removal(line, removed, latex_escapes=latex))
        if event.tag not in (None, "!"):
            try:
                return _tagged_scalar(event.tag, value, line)
            except BankError as exc:
                if not event.tag.startswith(_TAG):  # '!word' is the text's first word
                    exc.message += self._hint(event)
                raise
        if not event.style and event.implicit[0]:  # plain: libyaml says '', PyYAML None
            return _plain_scalar(value)
        return value

    def _add(self, value: Any, line: int) -> None:
        if not self.stack:
            self.result = value
            return
        top = self.stack[-1]
        container = top[0]
        if isinstance(container, LineList):
            if len(container) >= limits.MAX_YAML_ITEMS:
                if len(self.stack) == 2 and self.stack[0][1] == "questions":
                    raise BankError(
                        f"the bank has more than {limits.MAX_YAML_ITEMS:,} questions; a bank "
                        f"may hold {limits.MAX_QUESTIONS:,}: split it into several banks",
                        line=line,
                    )
                raise BankError(
                    f"a list holds more than {limits.MAX_YAML_ITEMS:,} items", line=line
                )
            container.append(value)
            container.item_lines.append(line)
            return
        if top[1] is _NO_KEY:
            top[1], top[2] = self._key(container, value, line), line
            return
        key, key_line = top[1], top[2]
        top[1] = _NO_KEY
        container.key_lines[key] = key_line
        container[key] = value

    @staticmethod
    def _key(container: LineDict, key: Any, line: int) -> Any:
        if isinstance(key, (dict, list)):
            raise BankError(
                "a value starts with '{' and YAML read it as a mapping; if it is a template "
                'such as {{ x }}, put the whole value in quotes: "{{ x }} ..."',
                line=line,
            )
        if key == "<<":
            raise BankError("YAML merge keys ('<<') are not supported in bank files", line=line)
        if isinstance(key, bool):
            key = "true" if key else "false"
        elif key is None:
            key = "null"
        elif not isinstance(key, str):
            key = str(key)
        if key in container:
            raise BankError(
                f"'{key}' appears twice here (first on line {container.key_lines[key]})", line=line
            )
        if len(container) >= limits.MAX_YAML_ITEMS:
            raise BankError(f"a mapping holds more than {limits.MAX_YAML_ITEMS:,} keys", line=line)
        return key


_NO_KEY = object()


def read_yaml(text: str, file: str | None = None) -> ParsedYaml:
    """Parse YAML text within the limits; every problem becomes a :class:`BankError`."""
    if (
        len(text) > limits.MAX_FILE_BYTES
        or len(text.encode("utf-8", "surrogatepass")) > limits.MAX_FILE_BYTES
    ):
        raise BankError(
            f"the file is larger than {limits.MAX_FILE_BYTES // (1024 * 1024)} MB; "
            "split it into several banks",
            file=file,
        )
    text, removals = _strip_unreadable(text)
    try:
        try:
            builder = _build(text, _Parser)
        except yaml.MarkedYAMLError as exc:
            if _Parser is yaml.SafeLoader or "escape" not in (exc.problem or ""):
                raise
            # libyaml refuses surrogate escapes ("\ud83d\ude00", copied from JSON);
            # PyYAML reads them, and clean_text() mends pairs and removes lone ones.
            builder = _build(text, yaml.SafeLoader)
    except BankError as exc:
        raise exc.locate(file=file, question=_question_above(text.splitlines(), exc.line)) from None
    except yaml.MarkedYAMLError as exc:
        raise _syntax_error(exc, text, file) from None
    except yaml.YAMLError as exc:
        raise BankError(f"the file is not valid YAML: {exc}", file=file) from None
    return ParsedYaml(builder.result, _merge(removals + builder.removals), builder.comments)


def _merge(removals: list[Removal]) -> list[Removal]:
    """One removal per line, in line order."""
    by_line: dict[int, tuple[str, ...]] = {}
    quoted: set[int] = set()
    for r in removals:
        by_line[r.line] = tuple(dict.fromkeys(by_line.get(r.line, ()) + r.characters))
        if r.latex_escapes:
            quoted.add(r.line)
    return [Removal(line, chars, line in quoted) for line, chars in sorted(by_line.items())]


def _build(text: str, parser: type) -> _Builder:
    builder = _Builder()
    builder.text, builder.lines = text, text.splitlines()
    loader = parser(text)
    try:
        while loader.check_event():
            builder.feed(loader.get_event())
    finally:
        loader.dispose()
    return builder


def parse_yaml(text: str, file: str | None = None) -> Any:
    """Parse YAML text; every problem becomes a :class:`BankError` with its line."""
    return read_yaml(text, file).data


def read_text(path: str) -> str:
    """Read a bank file: a regular file, size-checked first, UTF-8 (with or without BOM)."""
    try:
        info = os.stat(path)
    except OSError as exc:
        raise BankError(f"cannot open the file: {exc.strerror}", file=path) from None
    if not stat.S_ISREG(info.st_mode):
        raise BankError("this is not a regular file; give the path of a .yaml bank file", file=path)
    if info.st_size > limits.MAX_FILE_BYTES:
        raise BankError(
            f"the file is {info.st_size / 1024 / 1024:.0f} MB, larger than the "
            f"{limits.MAX_FILE_BYTES // (1024 * 1024)} MB a bank may be; split it into "
            "several banks",
            file=path,
        )
    try:
        with open(path, "rb") as fh:
            data = fh.read(limits.MAX_FILE_BYTES + 1)
    except OSError as exc:
        raise BankError(f"cannot read the file: {exc.strerror}", file=path) from None
    if len(data) > limits.MAX_FILE_BYTES:  # it grew while we looked
        raise BankError(
            f"the file is larger than {limits.MAX_FILE_BYTES // (1024 * 1024)} MB; "
            "split it into several banks",
            file=path,
        )
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise BankError("the file is UTF-16 text; save it as UTF-8 in your editor", file=path)
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise BankError(
            "the file is not UTF-8 text (it may be a Word document, a "
            "spreadsheet or another binary file); save it as plain UTF-8 text",
            file=path,
            line=line,
        ) from None
