"""Clocks and text budgets that bound many template runs together.

One run of a template or formula is bounded by its own step budget and by
limits.RENDER_SECONDS (its :class:`~qbank.arithmetic.WorkMeter`). The pipeline also bounds
*groups* of runs: a question's validation, a variant, a whole run. It opens
:func:`time_limit` and :func:`output_limit` blocks around them; every run inside a block
starts its meter with the earliest deadline and counts its text against every open
budget. Context variables carry the open blocks, so nothing has to pass them down through
the generator. (Named ``clocks`` so as not to be confused with :mod:`qbank.limits`, which
holds the numbers.)
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from functools import lru_cache

from .. import limits
from ..arithmetic import WorkMeter
from ..errors import TemplateProblem


@dataclass
class TimeLimit:
    """A limit of CPU time on every template run inside a :func:`time_limit` block.

    CPU time (``time.process_time``), not wall-clock time: it bounds the work a bank makes
    qbank do, and a machine busy with other programs (a CI runner, a laptop compiling)
    does not make a sound bank fail."""

    seconds: float
    message: str
    deadline: float = 0.0

    def renew(self) -> None:
        """Start the clock again (e.g. once per variant)."""
        self.deadline = time.process_time() + self.seconds

    @property
    def expired(self) -> bool:
        return time.process_time() > self.deadline


_LIMITS: ContextVar[tuple[TimeLimit, ...]] = ContextVar("qbank_time_limits", default=())


@contextmanager
def time_limit(seconds: float, message: str) -> Iterator[TimeLimit]:
    """Stop any template run inside the block once ``seconds`` have passed.

    The run that is stopped raises :class:`TemplateProblem` with ``message``; limits nest
    (the earliest deadline wins).
    """
    limit = TimeLimit(seconds, message)
    limit.renew()
    token = _LIMITS.set((*_LIMITS.get(), limit))
    try:
        yield limit
    finally:
        _LIMITS.reset(token)


@dataclass
class OutputLimit:
    """A budget of characters for all the text template runs produce inside the block."""

    characters: int
    message: str
    left: int = 0

    def renew(self) -> None:
        """Give the whole budget again (e.g. once per variant)."""
        self.left = self.characters


_OUTPUT_LIMITS: ContextVar[tuple[OutputLimit, ...]] = ContextVar("qbank_output_limits", default=())


@contextmanager
def output_limit(characters: int, message: str) -> Iterator[OutputLimit]:
    """Bound the text every template and formula run inside the block produces, together.

    One run is bounded by limits.MAX_TEXT; this bounds many runs (a question with a
    thousand choices, a run with many versions), so memory stays bounded.
    """
    limit = OutputLimit(characters, message)
    limit.renew()
    token = _OUTPUT_LIMITS.set((*_OUTPUT_LIMITS.get(), limit))
    try:
        yield limit
    finally:
        _OUTPUT_LIMITS.reset(token)


@lru_cache(maxsize=4)
def _too_long(seconds: float) -> str:
    # Written once, not on each of the hundreds of thousands of runs of a large set.
    return f"working it out took longer than {seconds:g} seconds; it does too much work"


#: How long (wall-clock seconds) a reading of the CPU clock serves the runs that start
#: after it. Reading it (``time.process_time``, a system call) costs about 0.7 µs and a
#: run of a short template 3 to 20 µs, so reading it at every start cost a randomised
#: bank about a tenth of its generation time. Between readings the CPU time is taken to
#: advance as the wall clock does: at most this much off either way (tests set it to 0).
_REUSE_READING = 0.002
#: The last reading: (time.monotonic(), time.process_time()).
_reading = [float("-inf"), 0.0]


def _cpu_now() -> float:
    wall = time.monotonic()
    since = wall - _reading[0]
    if since < _REUSE_READING:
        return _reading[1] + since
    now = time.process_time()
    _reading[0], _reading[1] = wall, now
    return now


def start_meter() -> WorkMeter:
    """The work meter of a run starting now: limits.RENDER_SECONDS, or the earliest deadline
    of the open :func:`time_limit` blocks, and the text budgets of the open
    :func:`output_limit` blocks. A block whose time is already up stops the run here."""
    now = _cpu_now()
    deadline = now + limits.RENDER_SECONDS
    late = _too_long(limits.RENDER_SECONDS)
    for limit in _LIMITS.get():
        if limit.deadline < deadline:
            deadline, late = limit.deadline, limit.message
    if now > deadline:
        raise TemplateProblem(late)
    return WorkMeter(deadline, late, _OUTPUT_LIMITS.get())
