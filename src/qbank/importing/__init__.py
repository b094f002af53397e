"""``qbank import``: questions from other programs' files into a bank file.

One reader per source format (:mod:`.moodle`; GIFT, Aiken and spreadsheets to come) turns
a file into :class:`.model.Imported`; :func:`import_file` gives the questions unique ids,
writes the bank with :mod:`.writer` and the pictures next to it, and returns a summary.
Every reader treats its file as untrusted: sizes are bounded (``limits``), XML is read by
:mod:`qbank.safe_xml`, and a bad file is a :class:`QbankError` with its file and line.
"""

from __future__ import annotations

import os
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from .. import limits
from ..errors import QbankError
from .media import MediaStore
from .model import Imported
from .writer import bank_text

#: Source formats, by the name ``--from`` takes.
FORMATS = ("moodle", "gift", "aiken", "csv", "xlsx")
_EXTENSIONS = {".xml": "moodle", ".gift": "gift", ".csv": "csv", ".xlsx": "xlsx"}


@dataclass
class Summary:
    bank: Path
    read: int
    written: int
    skipped: Counter[str]
    #: One line per question that lost something, and per question left out.
    warnings: list[str] = field(default_factory=list)
    pictures: int = 0


def detect(path: str, data: bytes) -> str:
    """The source format of a file, from its extension, else from its content."""
    suffix = Path(path).suffix.lower()
    if suffix in _EXTENSIONS:
        return _EXTENSIONS[suffix]
    head = data[:2048].lstrip(b"\xef\xbb\xbf \t\r\n")
    if head.startswith(b"<?xml") or head.startswith(b"<quiz"):
        return "moodle"
    if data.startswith(b"PK\x03\x04"):
        return "xlsx"
    if re.search(rb"(?m)^[ \t]*ANSWER:[ \t]*[A-Z]", data[:65536]) and re.search(
        rb"(?m)^[ \t]*[A-Z][.)]", data[:65536]
    ):
        return "aiken"
    if re.search(rb"(?m)^\s*(::|\$CATEGORY:)", data[:65536]) or re.search(
        rb"\{[^{}]*[=~#][^{}]*\}|\{\s*(T|F|TRUE|FALSE)\s*\}", data[:65536]
    ):
        return "gift"
    raise QbankError(
        "cannot tell the format of this file from its name or content; "
        f"say which with --from ({', '.join(FORMATS)})",
        file=path,
    )


def read_source(path: str) -> bytes:
    try:
        size = os.path.getsize(path)
        if size > limits.MAX_IMPORT_BYTES:
            raise QbankError(
                f"the file is {size:,} bytes; qbank imports files of at most "
                f"{limits.MAX_IMPORT_BYTES:,} bytes",
                file=path,
            )
        with open(path, "rb") as f:
            data = f.read(limits.MAX_IMPORT_BYTES + 1)
    except OSError as exc:
        raise QbankError(f"cannot read the file: {exc.strerror}", file=path) from exc
    if len(data) > limits.MAX_IMPORT_BYTES:
        raise QbankError(f"the file is larger than {limits.MAX_IMPORT_BYTES:,} bytes", file=path)
    return data


def bank_id_for(name: str) -> str:
    text = re.sub(r"[^A-Za-z0-9_.-]+", "-", name).strip("-._")
    return (text or "imported")[:64].rstrip("-._") or "imported"


def read(path: str, fmt: str | None, media: MediaStore) -> Imported:
    data = read_source(path)
    fmt = fmt or detect(path, data)
    if fmt == "moodle":
        from .moodle import read_moodle

        return read_moodle(data, path, media)
    if fmt == "gift":
        from .gift import read_gift_file

        return read_gift_file(data, path)
    if fmt == "aiken":
        from .aiken import read_aiken

        return read_aiken(data, path)
    if fmt in ("csv", "xlsx"):
        from .spreadsheet import read_sheet

        return read_sheet(data, path, fmt)
    raise QbankError(f"qbank cannot import the format '{fmt}' yet", file=path)


def import_file(path: str, out: str | None = None, fmt: str | None = None) -> Summary:
    """Read ``path`` and write the bank ``out`` (default: the file's name, ``.yaml``)."""
    bank_path = Path(out) if out else Path(path).with_suffix(".yaml")
    if bank_path.suffix.lower() not in (".yaml", ".yml"):
        bank_path = bank_path.with_name(bank_path.name + ".yaml")
    if bank_path.exists():
        raise QbankError(
            "this file exists already; qbank import never writes over a file: name another with -o",
            file=str(bank_path),
        )
    folder = f"{bank_path.stem}-files"
    media = MediaStore(folder, path)
    imported = read(path, fmt, media)
    if len(imported.questions) > limits.MAX_QUESTIONS:
        raise QbankError(
            f"the file has {len(imported.questions):,} questions; a bank holds at most "
            f"{limits.MAX_QUESTIONS:,}: split the file",
            file=path,
        )
    if not imported.questions:
        reasons = "; ".join(f"{n} {r}" for r, n in imported.skipped.items())
        raise QbankError(
            "no question in this file could be imported" + (f" ({reasons})" if reasons else ""),
            file=path,
        )
    warnings = list(imported.warnings)
    used: set[str] = set()
    questions = []
    for q in imported.questions:
        from .moodle import clean_id

        base = clean_id(str(q.fields.get("id", "")))
        qid, n = base, 1
        while qid.lower() in used:
            n += 1
            qid = f"{base[:60]}-{n}"
        used.add(qid.lower())
        q.fields["id"] = qid
        if q.lost:
            warnings.append(
                f"{path}:{q.line}: question '{qid}': not carried over: " + "; ".join(q.lost)
            )
        questions.append(q.ordered())
    if imported.title is None:
        imported.title = Path(path).stem
    text = bank_text(bank_id_for(bank_path.stem), imported, questions)
    try:
        bank_path.parent.mkdir(parents=True, exist_ok=True)
        if media.files:
            target = bank_path.parent / folder
            target.mkdir(exist_ok=True)
            for name, data in media.files.items():
                (target / name).write_bytes(data)
        bank_path.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise QbankError(f"cannot write the bank: {exc.strerror}", file=str(bank_path)) from exc
    return Summary(
        bank_path,
        imported.read,
        len(questions),
        imported.skipped,
        warnings,
        len(media.files),
    )
