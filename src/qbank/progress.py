"""The progress of a run, on a terminal only: one bar from the first draw to the last file.

A run tells its progress through :class:`qbank.pipeline.Progress`: the work in units (a
variant drawn is one; writing one format of a bank counts as many units as drawing it),
then what it is doing ("Drawing versions", "Writing docx") as it goes. The bar is shown
only when standard error is a terminal and the run is large; piped or redirected, nothing
at all is printed (click's own progress bar would still print its label).
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import IO, Any, TextIO, cast

import click

#: Runs drawing fewer variants than this take about a second: no bar.
SHOW_FROM_VARIANTS = 2_000


def is_terminal(stream: Any) -> bool:
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError, OSError):  # closed, or not a real stream
        return False


class TerminalProgress:
    """A :class:`qbank.pipeline.Progress` that draws a click progress bar on ``stream``
    (standard error) when it is a terminal and the run draws at least
    :data:`SHOW_FROM_VARIANTS` variants; otherwise it prints nothing."""

    def __init__(self, stream: IO[str] | None = None, *, enabled: bool = True) -> None:
        self.stream = stream if stream is not None else sys.stderr
        self.enabled = enabled
        self._bar: Any = None

    def begin(self, total: int, variants: int) -> None:
        if self.enabled and variants >= SHOW_FROM_VARIANTS and is_terminal(self.stream):
            self._bar = click.progressbar(
                length=total,
                label="Drawing versions",
                file=cast(TextIO, self.stream),
                show_pos=False,
            )
            self._bar.__enter__()

    def stage(self, label: str) -> None:
        if self._bar is not None:
            self._bar.label = label
            self._bar.render_progress()

    def advance(self, units: int) -> None:
        if self._bar is not None and units:
            self._bar.update(units)

    def around(self, say: Callable[[str], None]) -> Callable[[str], None]:
        """``say`` (which prints a line, a warning) printed above the bar, not into it."""

        def said(message: str) -> None:
            if self._bar is None:
                say(message)
                return
            self.stream.write("\r\x1b[K")  # clear the bar's line, print, draw the bar again
            say(message)
            self._bar.render_progress()

        return said

    def end(self) -> None:
        if self._bar is not None:
            bar, self._bar = self._bar, None
            bar.__exit__(None, None, None)
