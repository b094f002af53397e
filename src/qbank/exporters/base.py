"""The small interface every output format implements."""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass
from pathlib import Path
from typing import IO, ClassVar, Protocol

from ..model import Bank, GeneratedSet


@dataclass(frozen=True)
class ExportOptions:
    """Options some formats read; a format ignores the ones it has no use for."""

    #: Student names from ``--roster``, version k going to name k.
    roster: tuple[str, ...] = ()
    #: ``--duplex``: start every worksheet version on an odd page.
    duplex: bool = False
    #: ``--docx-template``: a teacher's own .docx used as the style base.
    docx_template: Path | None = None
    #: ``--shuffle``: shuffle question order and options per worksheet version.
    shuffle: bool = False
    #: ``--moodle-calculated``: numerical templates as Moodle calculated questions.
    moodle_calculated: bool = False
    #: Seconds since the epoch stamped into files that need a time (``SOURCE_DATE_EPOCH``).
    timestamp: float | None = None


class OutputSink(Protocol):
    """Where an exporter writes. Files become visible only when the whole run succeeds."""

    def path(self, name: str) -> Path:
        """A temporary path to write ``name`` to (for libraries that save to a path)."""

    def open(self, name: str, mode: str = "w") -> IO:
        """A temporary file to stream ``name`` into (text mode writes UTF-8)."""

    def warn(self, message: str) -> None:
        """Tell the teacher about something that was changed to make the file valid."""


class Exporter(ABC):
    """One output format. Subclasses set ``name`` and ``help`` and implement ``write``.

    Exporters read Variants only: they never render templates or evaluate formulas.
    """

    name: ClassVar[str]
    help: ClassVar[str]

    @abstractmethod
    def file_names(self, bank: Bank) -> list[str]:
        """The names of the files this format writes for ``bank``."""

    @abstractmethod
    def write(self, generated: GeneratedSet, sink: OutputSink, options: ExportOptions) -> None:
        """Write the files for one generated set into ``sink``."""


def option_letter(index: int) -> str:
    """The label of option ``index`` (0-based): A, B, ..., Z, AA, AB, ..."""
    label = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        label = chr(ord("A") + rest) + label
    return label
