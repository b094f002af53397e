"""Spreadsheets (CSV and XLSX) into bank questions: one question a row.

The first row names the columns (any order, any case; ``choice 1``, ``Choice_1`` and
``choice1`` are the same). Columns: ``type``, ``id``, ``title``, ``section``, ``text``,
``answer``, ``choice 1`` … ``choice N``, ``correct``, ``tolerance``, ``unit``,
``decimals``, ``tags``, ``points``, ``feedback``, ``solution``. Other columns are
ignored, with one warning naming them.

CSV: any dialect (comma, semicolon, tab; quoted or not), UTF-8 with or without BOM, or
Windows-1252 (what Excel writes on Windows). XLSX: read with openpyxl in read-only mode,
the values of formulas as the program that saved the file worked them out; the zip is
checked first (parts, unpacked size, packing ratio) so a zip bomb is refused unopened.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Iterator
from datetime import date, datetime, time
from decimal import Decimal, InvalidOperation
from typing import Any

from .. import limits
from ..errors import QbankError
from .html2md import plain_to_markdown, template_safe
from .model import Imported, ImportedQuestion

#: The columns, in the order the template shows them.
COLUMNS = (
    "type", "id", "title", "section", "text", "answer", "choice 1", "choice 2", "choice 3",
    "choice 4", "correct", "tolerance", "unit", "decimals", "tags", "points", "feedback",
    "solution",
)  # fmt: skip
_KNOWN = {c for c in COLUMNS if not c.startswith("choice")}
_TYPES = {
    "numerical", "multichoice", "truefalse", "shortanswer", "essay", "matching", "cloze",
    "ordering",
}  # fmt: skip
_TYPE_ALIASES = {
    "numeric": "numerical", "number": "numerical", "mc": "multichoice",
    "multiple choice": "multichoice", "multiplechoice": "multichoice", "tf": "truefalse",
    "true/false": "truefalse", "true false": "truefalse", "short answer": "shortanswer",
    "short": "shortanswer", "match": "matching", "order": "ordering",
}  # fmt: skip
_TRUE = {"true", "t", "yes", "y", "1", "vrai", "wahr", "verdadero", "sí", "si", "x", "✓"}
_FALSE = {"false", "f", "no", "n", "0", "faux", "falsch", "falso"}

#: One example row per type, for ``qbank import --template``.
EXAMPLES: list[dict[str, Any]] = [
    {"type": "numerical", "id": "speed", "title": "Average speed", "section": "Motion",
     "text": "A car covers 150 km in 2 hours. What is its average speed?", "answer": 75,
     "tolerance": 0.5, "unit": "km/h", "decimals": 1, "tags": "motion, speed",
     "solution": "150 km / 2 h = 75 km/h"},
    {"type": "multichoice", "id": "capital", "text": "What is the capital of France?",
     "choice 1": "Paris", "choice 2": "Lyon", "choice 3": "Marseille", "choice 4": "Nice",
     "correct": "1", "feedback": "Paris has been the capital since 987."},
    {"type": "multichoice", "id": "primes", "text": "Which numbers are prime?",
     "choice 1": "2", "choice 2": "3", "choice 3": "4", "choice 4": "9", "correct": "1, 2",
     "points": 2},
    {"type": "truefalse", "id": "flat-earth", "text": "The Earth is flat.",
     "answer": "false", "feedback": "It is (nearly) a sphere."},
    {"type": "shortanswer", "id": "h2o", "text": "What is the chemical formula of water?",
     "answer": "H2O | H₂O"},
    {"type": "essay", "id": "energy", "text": "Explain why energy is conserved.",
     "answer": "A model answer or marking guide for the teacher.", "points": 4},
    {"type": "matching", "id": "capitals", "text": "Match each country with its capital.",
     "choice 1": "France -> Paris", "choice 2": "Spain -> Madrid",
     "choice 3": "Italy -> Rome"},
    {"type": "cloze", "id": "fill-in", "text": "Water boils at [[100]] °C and freezes at "
     "[[0]] °C."},
    {"type": "ordering", "id": "planets", "text": "Put the planets in order from the Sun.",
     "choice 1": "Mercury", "choice 2": "Venus", "choice 3": "Earth", "choice 4": "Mars"},
]  # fmt: skip


def _key(header: str) -> str:
    text = re.sub(r"[\s_]+", " ", str(header).strip().lower())
    match = re.fullmatch(r"(?:choice|option|answer) ?(\d{1,3})", text)
    return f"choice {int(match.group(1))}" if match else text


def _cell(value: Any) -> Any:
    """A cell's value as text or an exact number (None for empty)."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        number = Decimal(repr(value))
        return int(number) if number == number.to_integral_value() else number
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    text = str(value).replace("\r\n", "\n").replace("\r", "\n").strip()
    return text or None


def _number(value: Any) -> Decimal | None:
    if isinstance(value, int | Decimal):
        return Decimal(value)
    try:
        number = Decimal(str(value).strip().replace(",", "."))
    except (InvalidOperation, ValueError):
        return None
    return number if number.is_finite() else None


def _clean(value: Decimal) -> int | Decimal:
    if value == value.to_integral_value() and abs(value) < 10**15:
        return int(value)
    text = format(value, "f")
    return Decimal(text.rstrip("0").rstrip(".") if "." in text else text)


# --- reading the rows -----------------------------------------------------------------------


def csv_rows(data: bytes, source: str) -> Iterator[tuple[int, list[Any]]]:
    """The rows of a CSV file, each with its line number."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("cp1252", errors="replace")
    sample = text[:65536]
    try:
        dialect: Any = csv.Sniffer().sniff(sample, delimiters=",;\t|")
    except csv.Error:
        dialect = csv.excel
    reader = csv.reader(io.StringIO(text, newline=""), dialect)
    start = 1
    try:
        for row in reader:
            if len(row) > limits.MAX_SHEET_COLUMNS:
                row = row[: limits.MAX_SHEET_COLUMNS]
            yield start, [_cell(c) for c in row]
            start = reader.line_num + 1
    except csv.Error as exc:
        raise QbankError(f"this CSV file cannot be read: {exc}", file=source, line=start) from exc


def check_zip(data: bytes, source: str) -> None:
    """Refuse a zip bomb before openpyxl opens the file."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile as exc:
        raise QbankError(
            "this is not an XLSX workbook (it is not a zip file); save it from your "
            "spreadsheet program as 'Excel 2007-365 (.xlsx)'",
            file=source,
        ) from exc
    infos = archive.infolist()
    if len(infos) > limits.MAX_SHEET_PARTS:
        raise QbankError(
            f"this workbook has {len(infos):,} parts; qbank reads at most "
            f"{limits.MAX_SHEET_PARTS:,}",
            file=source,
        )
    total = 0
    for info in infos:
        total += info.file_size
        if (
            info.file_size > limits.SHEET_RATIO_FROM_BYTES
            and info.file_size > limits.MAX_SHEET_RATIO * max(info.compress_size, 1)
        ):
            raise QbankError(
                f"the part '{info.filename}' of this workbook unpacks to more than "
                f"{limits.MAX_SHEET_RATIO} times its packed size (a zip bomb?): refused",
                file=source,
            )
    if total > limits.MAX_SHEET_UNPACKED_BYTES:
        raise QbankError(
            f"this workbook unpacks to {total:,} bytes; qbank reads at most "
            f"{limits.MAX_SHEET_UNPACKED_BYTES:,}",
            file=source,
        )


def xlsx_rows(data: bytes, source: str) -> Iterator[tuple[int, list[Any]]]:
    check_zip(data, source)
    import openpyxl

    try:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a damaged file
        raise QbankError(
            f"this workbook cannot be read ({type(exc).__name__}: {exc})", file=source
        ) from exc
    try:
        sheet = book.worksheets[0]
        for number, row in enumerate(
            sheet.iter_rows(max_col=limits.MAX_SHEET_COLUMNS, values_only=True), start=1
        ):
            yield number, [_cell(c) for c in row]
    finally:
        book.close()


# --- rows into questions --------------------------------------------------------------------


def read_sheet(data: bytes, source: str, fmt: str) -> Imported:
    rows = xlsx_rows(data, source) if fmt == "xlsx" else csv_rows(data, source)
    result = Imported(source=source)
    header: list[str] | None = None
    name = "row"
    for number, row in rows:
        if all(c is None for c in row):
            continue
        if header is None:
            header = [_key(c) if c is not None else "" for c in row]
            if "text" not in header:
                raise QbankError(
                    "the first row must name the columns, among them 'text' (and usually "
                    "'type', 'answer', 'choice 1', ...): 'qbank import --template "
                    "sheet.xlsx' writes an empty sheet to start from",
                    file=source,
                    line=number,
                )
            unknown = [h for h in header if h and h not in _KNOWN and not h.startswith("choice ")]
            if unknown:
                result.warnings.append(
                    f"{source}:{number}: columns qbank does not read (ignored): "
                    + ", ".join(f"'{u}'" for u in unknown)
                )
            continue
        if result.read >= limits.MAX_QUESTIONS:
            raise QbankError(
                f"the sheet has more than {limits.MAX_QUESTIONS:,} questions; a bank holds "
                "at most that many: split it",
                file=source,
                line=number,
            )
        result.read += 1
        cells: dict[str, Any] = {}
        choices: list[tuple[int, Any]] = []
        for key, value in zip(header, row, strict=False):
            if value is None or not key:
                continue
            if key.startswith("choice "):
                choices.append((int(key.split()[1]), value))
            else:
                cells[key] = value
        choices.sort()
        q = ImportedQuestion({}, line=number)
        try:
            _row(q, cells, [v for _, v in choices])
        except _Skip as skip:
            name = str(cells.get("id") or cells.get("text") or "")[:60]
            result.skipped[skip.reason] += 1
            result.warnings.append(
                f"{source}:{number}: the row '{name}' was left out: {skip.reason}"
            )
            continue
        result.questions.append(q)
    return result


class _Skip(Exception):
    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def _text(value: Any) -> str:
    return plain_to_markdown(str(value)) if value is not None else ""


def _row(q: ImportedQuestion, cells: dict[str, Any], choices: list[Any]) -> None:
    text = cells.get("text")
    if text is None:
        raise _Skip("no text")
    raw_type = str(cells.get("type") or "").strip().lower()
    qtype = _TYPE_ALIASES.get(raw_type, raw_type)
    if not qtype:
        qtype = (
            "multichoice" if choices else "cloze" if "[[" in str(text) else
            "numerical" if _number(cells.get("answer", "")) is not None else "shortanswer"
        )  # fmt: skip
    if qtype not in _TYPES:
        raise _Skip(f"the type '{raw_type}' is none of {', '.join(sorted(_TYPES))}")
    q.fields["id"] = str(cells.get("id") or f"row-{q.line}")
    q.fields["type"] = qtype
    for key in ("title", "section"):
        if cells.get(key) is not None:
            q.fields[key] = template_safe(str(cells[key]))
    points = _number(cells["points"]) if "points" in cells else None
    if points is not None and points != 1 and points > 0:
        q.fields["points"] = _clean(points)
    if cells.get("tags") is not None:
        q.fields["tags"] = [t.strip() for t in re.split(r"[,;]", str(cells["tags"])) if t.strip()]
    if qtype == "cloze":
        q.fields["text"] = template_safe(str(text).strip())
    else:
        q.fields["text"] = _text(text)
    answer = cells.get("answer")
    if qtype == "numerical":
        number = _number(answer) if answer is not None else None
        if number is None:
            raise _Skip(f"the answer '{answer}' is not a number")
        q.fields["answer"] = _clean(number)
        if cells.get("unit") is not None:
            q.fields["unit"] = str(cells["unit"])
        if cells.get("decimals") is not None:
            places = _number(cells["decimals"])
            if places is None or places != int(places) or not 0 <= places <= 15:
                raise _Skip(f"decimals '{cells['decimals']}' is not a whole number 0 to 15")
            q.fields["decimals"] = int(places)
        if cells.get("tolerance") is not None:
            q.fields["tolerance"] = _tolerance(cells["tolerance"])
    elif qtype == "multichoice":
        _multichoice(q, cells, choices)
    elif qtype == "truefalse":
        word = str(answer if answer is not None else cells.get("correct", "")).strip().lower()
        if word in _TRUE:
            q.fields["answer"] = True
        elif word in _FALSE:
            q.fields["answer"] = False
        else:
            raise _Skip(f"the answer '{word}' is neither true nor false")
    elif qtype == "shortanswer":
        accepted = [str(a).strip() for a in ([answer] if answer is not None else []) + choices]
        accepted = [p.strip() for a in accepted for p in a.split("|") if p.strip()]
        if not accepted:
            raise _Skip("a short-answer question needs an 'answer'")
        accepted = [template_safe(a) for a in accepted]
        q.fields["answer"] = accepted[0] if len(accepted) == 1 else accepted
    elif qtype == "essay":
        if answer is not None:
            q.fields["answer"] = _text(answer)
    elif qtype == "matching":
        pairs = []
        for choice in choices:
            match = re.match(r"(.*?)\s*(?:->|→)\s*(.*)", str(choice), re.S)
            if match is None or not match.group(1) or not match.group(2):
                raise _Skip(f"the pair '{choice}' has no '->' between its two sides")
            # As in GIFT: the left side is shown, the right side chosen from a list.
            pairs.append([_text(match.group(2)), _text(match.group(1))])
        if len(pairs) < 2:
            raise _Skip("a matching question needs two pairs or more ('term -> definition')")
        q.fields["pairs"] = pairs
    elif qtype == "ordering":
        if len(choices) < 2:
            raise _Skip("an ordering question needs two items or more, in the right order")
        q.fields["items"] = [_text(c) for c in choices]
    if cells.get("feedback") is not None:
        q.fields["feedback"] = _text(cells["feedback"])
    if cells.get("solution") is not None:
        q.fields["solution"] = _text(cells["solution"])


def _tolerance(value: Any) -> Any:
    text = str(value).strip()
    if text.endswith("%") and _number(text[:-1]) is not None:
        return text.replace(" ", "")
    number = _number(value)
    if number is None:
        raise _Skip(f"the tolerance '{value}' is not a number or a percentage")
    return _clean(abs(number))


def _multichoice(q: ImportedQuestion, cells: dict[str, Any], choices: list[Any]) -> None:
    if len(choices) < 2:
        raise _Skip("a multiple-choice question needs two choices or more")
    correct = cells.get("correct")
    right: set[int] = set()
    if correct is not None:
        for part in re.split(r"[,;\s]+", str(correct).strip()):
            if not part:
                continue
            if part.isdigit():
                right.add(int(part) - 1)
            elif len(part) == 1 and part.isalpha():
                right.add(ord(part.upper()) - ord("A"))
            else:
                raise _Skip(f"'correct' must name choices by number or letter, not '{part}'")
    elif cells.get("answer") is not None:
        wanted = str(cells["answer"]).strip()
        right = {i for i, c in enumerate(choices) if str(c).strip() == wanted}
    if not right or any(not 0 <= i < len(choices) for i in right):
        raise _Skip("say which choices are right in 'correct' (1, 2, ... or A, B, ...)")
    q.fields["choices"] = [
        {
            "text": _text(c).replace("\\\n", " ") or "(empty)",
            **({"correct": True} if i in right else {}),
        }
        for i, c in enumerate(choices)
    ]


# --- the template ---------------------------------------------------------------------------


def write_template(path: str) -> None:
    """An empty sheet with the columns and one example row per type (XLSX or CSV)."""
    rows = [list(COLUMNS)] + [[ex.get(c, "") for c in COLUMNS] for ex in EXAMPLES]
    try:
        if path.lower().endswith(".csv"):
            with open(path, "w", encoding="utf-8-sig", newline="") as f:
                csv.writer(f).writerows(rows)
            return
        import openpyxl
        from openpyxl.styles import Font

        book = openpyxl.Workbook()
        sheet = book.active
        assert sheet is not None
        sheet.title = "questions"
        for row in rows:
            sheet.append(row)
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        sheet.freeze_panes = "A2"
        widths = {"text": 60, "solution": 40, "feedback": 40, "answer": 20}
        for index, name in enumerate(COLUMNS, start=1):
            letter = openpyxl.utils.get_column_letter(index)
            sheet.column_dimensions[letter].width = widths.get(name, 14)
        book.save(path)
    except OSError as exc:
        raise QbankError(f"cannot write the template: {exc.strerror}", file=path) from exc
