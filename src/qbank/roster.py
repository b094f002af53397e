"""Read a class list (CSV) as spreadsheets write it: one student name per version.

Excel, LibreOffice, Numbers and Google Sheets write CSV in different ways: UTF-8 with or
without a byte-order mark, Windows-1252 (older Excel on Windows), UTF-16 with tabs
(Excel's "Unicode Text"); commas, or semicolons where the comma is the decimal sign; a
title row or two above the header. All of these are read the same way: the header is the
first of the top rows that names a name column, and its separator is found by
:class:`csv.Sniffer` over the lines from that row on (a title row above it, with no
separator or another one, does not count). A ``class`` column, when there is one, fills
the Class line of each student's worksheet.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path

from . import limits
from .errors import QbankError

#: How many rows from the top may come before the header row (a title, a blank line).
HEADER_SEARCH_ROWS = 5
#: How many lines from the header on the separator is worked out from.
SNIFF_LINES = 20
#: The separators a class list may use.
SEPARATORS = ",;\t"
#: The separator of a class list with a single column: one no spreadsheet writes, so a
#: name with a comma in it ("Lovelace, Ada") stays whole.
_ONE_COLUMN = "\x1f"

_ALIASES = {
    "studentname": "name",
    "fullname": "name",
    "student": "name",
    "names": "name",
    "pupil": "name",
    "pupilname": "name",
    "first": "firstname",
    "givenname": "firstname",
    "forename": "firstname",
    "firstnames": "firstname",
    "givennames": "firstname",
    "last": "lastname",
    "surname": "lastname",
    "familyname": "lastname",
    "lastnames": "lastname",
    "classname": "class",
    "form": "class",
    "formgroup": "class",
    "tutorgroup": "class",
    "homeroom": "class",
    "group": "class",
    "klasse": "class",
    "classe": "class",
    "clase": "class",
}


@dataclass(frozen=True)
class ClassList:
    """The students of a class list, in order, with each one's class ("" when none)."""

    names: tuple[str, ...]
    classes: tuple[str, ...]


def _decode(data: bytes) -> str:
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="replace")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16", errors="replace")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        # Windows-1252 leaves five bytes undefined; Latin-1 gives every byte a character.
        try:
            return data.decode("cp1252")
        except UnicodeDecodeError:
            return data.decode("latin-1")


def _separator(header: str, sample: str) -> str:
    """The separator of the rows from ``header`` on: one the header line holds, chosen by
    :class:`csv.Sniffer` over ``sample`` (the next lines), else the header's most frequent."""
    unquoted = "".join(header.split('"')[::2])
    present = "".join(d for d in SEPARATORS if d in unquoted)
    if not present:
        return _ONE_COLUMN
    try:
        return csv.Sniffer().sniff(sample, delimiters=present).delimiter
    except csv.Error:
        return max(present, key=unquoted.count)


def _key(header: str) -> str:
    key = "".join(ch for ch in header.lower() if ch.isalnum())
    return _ALIASES.get(key, key)


def _name_columns(header: list[str]) -> list[int] | None:
    keys = [_key(h) for h in header]
    if "name" in keys:
        return [keys.index("name")]
    if "firstname" in keys and "lastname" in keys:
        return [keys.index("firstname"), keys.index("lastname")]
    if "firstname" in keys:
        return [keys.index("firstname")]
    return None


def _header(lines: list[str], tops: list[int]):
    """The first of the ``tops`` rows that names a name column: its line index, a reader
    of the rows after it, the header and the name columns; None when none does."""
    for top in tops:
        separator = _separator(lines[top], "".join(lines[top : top + SNIFF_LINES]))
        reader = csv.reader(io.StringIO("".join(lines[top:]), newline=""), delimiter=separator)
        header = next(reader, [])
        columns = _name_columns(header)
        if columns is not None:
            return top, reader, header, columns
    return None


def _class_column(header: list[str]) -> int | None:
    keys = [_key(h) for h in header]
    return keys.index("class") if "class" in keys else None


def _tidy(cell: str) -> str:
    return " ".join(cell.split())


def read_roster(path: str | Path) -> list[str]:
    """The names of a class list, in order (see :func:`read_class_list`)."""
    return list(read_class_list(path).names)


def read_class_list(path: str | Path) -> ClassList:
    """Names from a CSV with a header row: a ``name`` column, or ``first name`` + ``last name``;
    and each student's class from a ``class`` column when there is one.

    UTF-8 (with or without BOM), Windows-1252 or UTF-16; comma, semicolon or tab
    separated; title rows above the header. Rows without a name are skipped; spaces
    inside a name are tidied.
    """
    file = str(path)
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        raise QbankError(f"cannot read the class list: {exc.strerror}", file=file) from None
    if len(data) > limits.MAX_ROSTER_BYTES:
        raise QbankError("the class list is larger than 1 MB", file=file)
    lines = _decode(data).splitlines(keepends=True)
    # Rows with something in them besides separators: the header is among the first few.
    tops = [i for i, line in enumerate(lines) if line.strip(SEPARATORS + " \r\n")]
    if not tops:
        raise QbankError("the class list is empty", file=file)
    try:
        found = _header(lines, tops[:HEADER_SEARCH_ROWS])
        if found is None:
            first = next(
                csv.reader([lines[tops[0]]], delimiter=_separator(lines[tops[0]], lines[tops[0]]))
            )
            raise QbankError(
                "the class list needs a header row with a 'name' column, or 'first name' and "
                f"'last name' columns; its first row is: {', '.join(first)}",
                file=file,
                line=tops[0] + 1,
            )
        top, reader, header, columns = found
        klass = _class_column(header)
        names, classes = [], []
        for row in reader:
            parts = [_tidy(row[c]) for c in columns if c < len(row) and row[c].strip()]
            if parts:
                names.append(" ".join(parts))
                classes.append(_tidy(row[klass]) if klass is not None and klass < len(row) else "")
    except csv.Error as exc:
        raise QbankError(f"the class list is not a readable CSV file ({exc})", file=file) from None
    if not names:
        raise QbankError("the class list has a header row but no names", file=file, line=top + 1)
    return ClassList(tuple(names), tuple(classes))


def class_list_for_run(
    path: str | Path | None, count: int | None
) -> tuple[tuple[str, ...], tuple[str, ...], int | None]:
    """The names and classes of a run's class list (none without ``path``) and its number
    of versions: one per student unless ``count`` is given, which may not be fewer."""
    if not path:
        return (), (), count
    class_list = read_class_list(path)
    names = class_list.names
    if count is None:
        count = len(names)
    elif count < len(names):
        raise QbankError(
            f"-n {count} is fewer than the {len(names)} students in the class list", file=str(path)
        )
    return names, class_list.classes, count
