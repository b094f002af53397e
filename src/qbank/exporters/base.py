"""The small interface every output format implements."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any, ClassVar, Protocol

from ..model import Bank, GeneratedSet


@dataclass(frozen=True)
class Option:
    """A command-line option a format declares for ``qbank generate``.

    The CLI builds its options from the formats' declarations (an option several formats
    share, such as the Word options a PDF format would also read, is one object declared
    once and listed by each). Its value reaches the exporter as ``options[option]``.
    """

    #: The key of its value (``duplex``), and its flag (``--duplex``).
    name: str
    flag: str
    help: str
    #: A switch (on when given) rather than an option with a value.
    is_flag: bool = False
    #: Its value is a file the teacher names; it must exist.
    path: bool = False
    #: The values it accepts (``--paper a4|letter``), any case; empty: any value.
    choices: tuple[str, ...] = ()
    default: Any = None
    #: Its value changes what students see (an order), not only how the files look: it is
    #: part of a set's content, so a run with another value keeps the earlier set.
    content: bool = False


@dataclass(frozen=True)
class ExportOptions:
    """What an exporter is told beyond the generated set: the run's class list and clock,
    and the values of the options formats declare (by option name)."""

    #: Student names from ``--roster``, version k going to name k.
    roster: tuple[str, ...] = ()
    #: Each student's class from the class list's ``class`` column ("" when none), in the
    #: order of ``roster``.
    classes: tuple[str, ...] = ()
    #: Seconds since the epoch stamped into files that need a time (``SOURCE_DATE_EPOCH``).
    timestamp: float | None = None
    values: Mapping[str, Any] = field(default_factory=dict)

    def __getitem__(self, option: Option) -> Any:
        value = self.values.get(option.name)
        return option.default if value is None else value

    @classmethod
    def of(
        cls,
        *,
        roster: tuple[str, ...] = (),
        timestamp: float | None = None,
        classes: tuple[str, ...] = (),
        **values: Any,
    ) -> ExportOptions:
        """``ExportOptions.of(timestamp=0, duplex=True)``: the format options by name."""
        return cls(roster=tuple(roster), classes=tuple(classes), timestamp=timestamp, values=values)


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
    #: The command-line options this format reads (see :class:`Option`).
    options: ClassVar[tuple[Option, ...]] = ()
    #: Written by ``-f all`` (the default); False for a format that needs a program qbank
    #: cannot install (PDF needs LibreOffice), written only when asked for by name.
    in_all: ClassVar[bool] = True

    @abstractmethod
    def file_names(self, bank: Bank) -> list[str]:
        """The names of the files this format writes for ``bank``."""

    # A hook with a default (accept everything), not an abstract method: most formats have none.
    def check(self, options: ExportOptions, warn: Callable[[str], None]) -> None:  # noqa: B027
        """Refuse (raise QbankError) options this format cannot use, before anything is
        drawn or written; ``warn`` what will be changed. Called once per run."""

    @abstractmethod
    def write(self, generated: GeneratedSet, sink: OutputSink, options: ExportOptions) -> None:
        """Write the files for one generated set into ``sink``."""

    def summary(self, bank: Bank, options: ExportOptions) -> list[str]:
        """Lines the run's summary prints about ``bank``'s files (``Paper: A4 (...)``)."""
        return []
