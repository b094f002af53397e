"""Read a class list (CSV) as spreadsheets write it: one student name per version."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from .errors import QbankError

MAX_ROSTER_BYTES = 1024 * 1024


def _decode(data: bytes) -> str:
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def read_roster(path: str | Path) -> list[str]:
    """Names from a CSV with a header row: a ``name`` column, or ``first name`` + ``last name``.

    UTF-8 (with or without BOM) or Windows-1252; comma or semicolon separated.
    """
    file = str(path)
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        raise QbankError(f"cannot read the class list: {exc.strerror}", file=file) from None
    if len(data) > MAX_ROSTER_BYTES:
        raise QbankError("the class list is larger than 1 MB", file=file)
    text = _decode(data)
    first_line = text.split("\n", 1)[0]
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    rows = list(csv.reader(io.StringIO(text), delimiter=delimiter))
    rows = [r for r in rows if any(cell.strip() for cell in r)]
    if not rows:
        raise QbankError("the class list is empty", file=file)
    header = [_key(h) for h in rows[0]]
    if "name" in header:
        columns = [header.index("name")]
    elif {"firstname", "lastname"} <= set(header):
        columns = [header.index("firstname"), header.index("lastname")]
    elif "firstname" in header:
        columns = [header.index("firstname")]
    else:
        raise QbankError(
            "the class list needs a header row with a 'name' column, or 'first name' and "
            f"'last name' columns; its first row is: {', '.join(rows[0])}", file=file, line=1)
    names = []
    for number, row in enumerate(rows[1:], start=2):
        parts = [row[c].strip() for c in columns if c < len(row) and row[c].strip()]
        if parts:
            names.append(" ".join(parts))
    if not names:
        raise QbankError("the class list has a header row but no names", file=file)
    return names


def _key(header: str) -> str:
    key = "".join(ch for ch in header.lower() if ch.isalnum())
    aliases = {"studentname": "name", "fullname": "name", "student": "name", "names": "name",
               "first": "firstname", "givenname": "firstname", "forename": "firstname",
               "last": "lastname", "surname": "lastname", "familyname": "lastname"}
    return aliases.get(key, key)
