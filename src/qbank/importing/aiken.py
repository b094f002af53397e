"""Aiken (one-line multiple-choice questions) into bank questions.

Read as Moodle's Aiken importer reads it (question/format/aiken/format.php): a line that
is not an option starts a question; ``A.`` or ``A)`` lines are its options; ``ANSWER: B``
ends it and names the right one. Lines shorter than two characters are skipped. A question
left incomplete, an answer letter with no option, or fewer than two options is reported
with its line and left out.
"""

from __future__ import annotations

import re

from ..errors import QbankError
from .html2md import plain_to_markdown, template_safe
from .model import Imported, ImportedQuestion

_OPTION = re.compile(r"^[A-Z][).][ \t]?")


def read_aiken(data: bytes, source: str) -> Imported:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise QbankError(
            "this Aiken file is not UTF-8 text; save it as UTF-8",
            file=source,
            line=data[: exc.start].count(b"\n") + 1,
        ) from exc
    result = Imported(source=source)
    current: ImportedQuestion | None = None
    options: list[str] = []

    def drop(reason: str, at: int) -> None:
        result.read += 1
        result.skipped[reason] += 1
        result.warnings.append(f"{source}:{at}: a question was left out: {reason}")

    for number, raw in enumerate(re.split(r"\r\n|\r|\n", text), start=1):
        line = raw.strip()
        if len(line) < 2:
            continue
        if _OPTION.match(line):
            if current is None:
                result.warnings.append(f"{source}:{number}: an option before any question")
                continue
            options.append(line[2:].strip())
        elif line.startswith("ANSWER:"):
            if current is None:
                result.warnings.append(f"{source}:{number}: an ANSWER before any question")
                continue
            letter = line.partition(":")[2].strip()[:1]
            right = ord(letter) - ord("A") if letter else -1
            if len(options) < 2:
                drop("an Aiken question with fewer than two options", current.line or number)
            elif not 0 <= right < len(options):
                drop(f"ANSWER: {letter} names no option", current.line or number)
            else:
                current.fields["choices"] = [
                    {
                        "text": plain_to_markdown(o) or "(empty)",
                        **({"correct": True} if i == right else {}),
                    }
                    for i, o in enumerate(options)
                ]
                result.read += 1
                result.questions.append(current)
            current, options = None, []
        else:
            if current is not None:
                drop("an Aiken question without its ANSWER: line", current.line or number)
            current = ImportedQuestion(
                {
                    "id": f"question-{number}",
                    "type": "multichoice",
                    "title": template_safe(line[:80]),
                    "text": plain_to_markdown(line),
                },
                line=number,
            )
            options = []
    if current is not None:
        drop("an Aiken question without its ANSWER: line", current.line or 0)
    return result
