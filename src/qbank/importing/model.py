"""What every reader of another format hands to the bank writer.

A reader turns its file into :class:`Imported`: questions as bank fields (in the order a
bank shows them), each with the source line it came from and what could not be carried
over, plus the pictures to write next to the bank and the questions skipped, by reason.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

#: The order of a question's fields in the written bank (docs/bank-format.md); fields of
#: the question's own type go where ``*`` is.
FIELD_ORDER = (
    "id", "type", "title", "section", "points", "tags", "params", "let", "text", "*",
    "solution", "feedback",
)  # fmt: skip


@dataclass
class ImportedQuestion:
    fields: dict[str, Any]
    #: The line of the source file the question starts at.
    line: int | None = None
    #: Its category in the source (``Physics/Motion``), or None.
    category: str | None = None
    #: What could not be carried over, in words.
    lost: list[str] = field(default_factory=list)

    def note(self, what: str) -> None:
        if what and what not in self.lost:
            self.lost.append(what)

    def ordered(self) -> dict[str, Any]:
        common = [k for k in FIELD_ORDER if k != "*"]
        before = FIELD_ORDER[: FIELD_ORDER.index("*")]
        after = FIELD_ORDER[FIELD_ORDER.index("*") + 1 :]
        out = {k: self.fields[k] for k in before if k in self.fields}
        out.update({k: v for k, v in self.fields.items() if k not in common})
        out.update({k: self.fields[k] for k in after if k in self.fields})
        return out


@dataclass
class Imported:
    source: str
    questions: list[ImportedQuestion] = field(default_factory=list)
    #: Questions read in the source (categories and other non-questions not counted).
    read: int = 0
    #: Questions left out, counted by reason.
    skipped: Counter[str] = field(default_factory=Counter)
    #: Messages about questions left out, or about the file (``FILE:LINE: message``).
    warnings: list[str] = field(default_factory=list)
    #: Pictures to write next to the bank: file name -> bytes.
    media: dict[str, bytes] = field(default_factory=dict)
    #: A text for the bank's ``intro`` (Moodle description questions).
    intro: str | None = None
    title: str | None = None


def category_parts(path: str) -> list[str]:
    """A Moodle category path (``$course$/top/Algebra/Linear``) as its named levels below
    the context and ``top`` (``["Algebra", "Linear"]``): Moodle XML and GIFT write the same."""
    parts = [p for p in path.split("/") if p]
    if parts and parts[0].startswith("$") and parts[0].endswith("$"):
        parts = parts[1:]
    if parts and parts[0] == "top":
        parts = parts[1:]
    return parts
