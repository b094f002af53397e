"""Read a class list (CSV) as spreadsheets write it: one student name per version.

Excel, LibreOffice, Numbers and Google Sheets write CSV in different ways: UTF-8 with or
without a byte-order mark, Windows-1252 (older Excel on Windows), UTF-16 with tabs
(Excel's "Unicode Text"); commas, or semicolons where the comma is the decimal sign; a
title row or two above the header. All of these are read the same way.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

from .errors import QbankError
from . import limits

#: How many rows from the top may come before the header row (a title, a blank line).
HEADER_SEARCH_ROWS = 5

_ALIASES = {"studentname": "name", "fullname": "name", "student": "name", "names": "name",
            "pupil": "name", "pupilname": "name",
            "first": "firstname", "givenname": "firstname", "forename": "firstname",
            "firstnames": "firstname", "givennames": "firstname",
            "last": "lastname", "surname": "lastname", "familyname": "lastname",
            "lastnames": "lastname"}


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


def _delimiter(first_line: str) -> str:
    counts = {d: first_line.count(d) for d in ("\t", ";", ",")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


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


def read_roster(path: str | Path) -> list[str]:
    """Names from a CSV with a header row: a ``name`` column, or ``first name`` + ``last name``.

    UTF-8 (with or without BOM), Windows-1252 or UTF-16; comma, semicolon or tab
    separated. Rows without a name are skipped; spaces inside a name are tidied.
    """
    file = str(path)
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        raise QbankError(f"cannot read the class list: {exc.strerror}", file=file) from None
    if len(data) > limits.MAX_ROSTER_BYTES:
        raise QbankError("the class list is larger than 1 MB", file=file)
    text = _decode(data)
    lines = text.splitlines()
    first = next((line for line in lines if line.strip()), "")
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(first))
    try:
        rows = [(reader.line_num, row) for row in reader]
    except csv.Error as exc:
        raise QbankError(f"the class list is not a readable CSV file ({exc})", file=file,
                         line=reader.line_num) from None
    rows = [(line, r) for line, r in rows if any(cell.strip() for cell in r)]
    if not rows:
        raise QbankError("the class list is empty", file=file)
    for index, (line, header) in enumerate(rows[:HEADER_SEARCH_ROWS]):
        columns = _name_columns(header)
        if columns is not None:
            break
    else:
        raise QbankError(
            "the class list needs a header row with a 'name' column, or 'first name' and "
            f"'last name' columns; its first row is: {', '.join(rows[0][1])}",
            file=file, line=rows[0][0])
    names = []
    for _, row in rows[index + 1:]:
        parts = [" ".join(row[c].split()) for c in columns if c < len(row) and row[c].strip()]
        if parts:
            names.append(" ".join(parts))
    if not names:
        raise QbankError("the class list has a header row but no names", file=file, line=line)
    return names
