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
from typing import Any

from .. import limits
from ..errors import BankInvalid, QbankError
from .media import MediaStore
from .model import Imported, ImportedQuestion
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
    #: Every bank written (several when -o names a folder).
    banks: list[Path] = field(default_factory=list)


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


def _folder_mode(out: str | None) -> bool:
    return out is not None and (Path(out).is_dir() or out.endswith(("/", os.sep)))


def import_file(path: str, out: str | None = None, fmt: str | None = None) -> Summary:
    """Read ``path`` and write the bank ``out`` (default: the file's name, ``.yaml``).

    When ``out`` is a folder (it exists, or ends with ``/``), one bank is written there
    for each top category of the file, named after it, with the pictures in ``files/``.
    """
    folder_mode = _folder_mode(out)
    if folder_mode:
        assert out is not None
        bank_path = Path(out) / (bank_id_for(Path(path).stem) + ".yaml")
        folder = "files"
    else:
        bank_path = Path(out) if out else Path(path).with_suffix(".yaml")
        if bank_path.suffix.lower() not in (".yaml", ".yml"):
            bank_path = bank_path.with_name(bank_path.name + ".yaml")
        _refuse_existing(bank_path)
        folder = f"{bank_path.stem}-files"
    media = MediaStore(folder, path)
    imported = read(path, fmt, media)
    if len(imported.questions) > limits.MAX_QUESTIONS and not folder_mode:
        raise QbankError(
            f"the file has {len(imported.questions):,} questions; a bank holds at most "
            f"{limits.MAX_QUESTIONS:,}: split the file, or write one bank per category "
            "with -o FOLDER/",
            file=path,
        )
    if not imported.questions:
        reasons = "; ".join(f"{n} {r}" for r, n in imported.skipped.items())
        raise QbankError(
            "no question in this file could be imported" + (f" ({reasons})" if reasons else ""),
            file=path,
        )
    if imported.title is None:
        imported.title = Path(path).stem
    warnings = list(imported.warnings)
    groups: dict[str, list[ImportedQuestion]] = {}
    if folder_mode:
        for q in imported.questions:
            top = q.category.split("/")[0] if q.category else imported.title
            groups.setdefault(top, []).append(q)
    else:
        groups[imported.title] = imported.questions
    texts: list[tuple[Path, str]] = []
    written = 0
    try:
        bank_path.parent.mkdir(parents=True, exist_ok=True)
        if media.files:  # before the banks are checked: the loader may look at pictures
            pictures = bank_path.parent / folder
            pictures.mkdir(exist_ok=True)
            for name, data in media.files.items():
                (pictures / name).write_bytes(data)
        for title, members in groups.items():
            target = bank_path
            if folder_mode:
                target = bank_path.parent / (bank_id_for(title) + ".yaml")
                _refuse_existing(target)
            questions = _questions(path, members, warnings)
            lines = {str(q.fields["id"]): q.line for q in members}
            part = Imported(source=imported.source, title=title, intro=imported.intro)
            made = _loadable(path, target, part, questions, lines, imported, warnings)
            if made is not None:
                written += made[1]
                texts.append((target, made[0]))
        if not texts:
            raise QbankError("no question in this file could be imported", file=path)
        for target, text in texts:
            target.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise QbankError(f"cannot write the bank: {exc.strerror}", file=str(bank_path)) from exc
    return Summary(
        texts[0][0],
        imported.read,
        written,
        imported.skipped,
        warnings,
        len(media.files),
        [target for target, _ in texts],
    )


#: The reason counted for a question the bank format itself refused.
REFUSED = "the bank format refused it (see the warning)"


def _loadable(
    path: str,
    target: Path,
    part: Imported,
    questions: list[dict[str, Any]],
    lines: dict[str, int | None],
    imported: Imported,
    warnings: list[str],
) -> tuple[str, int] | None:
    """The bank's text, with the questions qbank's loader refuses left out (each named in
    a warning, with the loader's own message), and how many questions it holds."""
    from ..bank.loader import load_bank_text

    for _ in range(5):
        if not questions:
            return None
        text = bank_text(bank_id_for(target.stem), part, questions)
        try:
            load_bank_text(text, str(target))
        except BankInvalid as exc:
            refused = {p.question: p.message for p in exc.problems if p.question}
            if not refused:
                raise
            for qid, message in refused.items():
                imported.skipped[REFUSED] += 1
                warnings.append(
                    f"{path}:{lines.get(qid)}: question '{qid}' was left out: {message}"
                )
            questions = [q for q in questions if q["id"] not in refused]
            continue
        return text, len(questions)
    return None


def _refuse_existing(bank_path: Path) -> None:
    if bank_path.exists():
        raise QbankError(
            "this file exists already; qbank import never writes over a file: name another with -o",
            file=str(bank_path),
        )


def _questions(
    path: str, members: list[ImportedQuestion], warnings: list[str]
) -> list[dict[str, Any]]:
    """The questions' fields, each with an id unique in its bank; what each lost noted."""
    from .moodle import clean_id

    used: set[str] = set()
    questions = []
    for q in members:
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
    return questions
