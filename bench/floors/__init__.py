"""Floors: the same content written by the underlying library alone, with no qbank in the way.

A floor answers "how fast could this file possibly be written with this library?". Each
floor gets its content ready first (untimed: read back from qbank's own output file of the
same run, so it is exactly the same content), then writes it; only the writing is timed.
The ratio qbank / floor is what qbank adds on top of the library.

A format with no floor listed here is still measured; its floor column stays empty.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar


@dataclass
class FloorContext:
    """What a floor reads to get its content: qbank's output files of the same case."""

    qbank_output: Path

    def outputs(self, suffix: str) -> list[Path]:
        """qbank's output files of this case that end with ``suffix``, sorted by name
        (not its hidden bookkeeping files)."""
        found = sorted(
            p
            for p in self.qbank_output.iterdir()
            if p.name.endswith(suffix) and not p.name.startswith(".")
        )
        if not found:
            raise FileNotFoundError(f"no '*{suffix}' file in {self.qbank_output}")
        return found


class Floor:
    """One way of writing a format's content with its library alone."""

    #: Short label shown in the table, e.g. "lxml".
    label: ClassVar[str]

    def prepare(self, ctx: FloorContext) -> Any:
        """Get the content ready (not timed)."""
        raise NotImplementedError

    def skip_reason(self, ctx: FloorContext) -> str | None:
        """Why this case is not written (too slow to wait for), or None. Called before
        :meth:`prepare`, so it must be cheap."""
        return None

    def write(self, content: Any, folder: Path) -> list[Path]:
        """Write the content into ``folder`` (timed); return the files written."""
        raise NotImplementedError

    def size(self, content: Any) -> int:
        """How many items the content has (notes, paragraphs, questions), for the report."""
        return 0


def floors_for(format_name: str) -> list[type[Floor]]:
    """The floors of a format, in the order the report lists them."""
    from . import anki_floor, docx_floor, json_floor, moodle_floor

    table: dict[str, list[type[Floor]]] = {
        "json": json_floor.FLOORS,
        "moodle": moodle_floor.FLOORS,
        "anki": anki_floor.FLOORS,
        "docx": docx_floor.FLOORS,
    }
    return table.get(format_name, [])


def floor_by_key(key: str) -> type[Floor]:
    format_name, _, label = key.partition(":")
    for floor in floors_for(format_name):
        if floor.label == label:
            return floor
    raise KeyError(key)
