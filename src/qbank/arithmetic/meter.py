"""The work meter: how much one run of a template or formula may do, and the bounds on
what it may build.

Every operator, function, filter and output of a run charges steps here, so a template's
work is bounded however it is written; :func:`check_size` and :func:`check_list` bound the
texts and lists it builds. Kept apart from the operators so that everything that spends
work (operators, functions, writing values out) shares one meter without importing each
other. The bounds are read as ``limits.NAME`` on every use, so tests can lower them.
"""

from __future__ import annotations

import time
from contextvars import ContextVar
from typing import Any

from .. import limits

#: How often (in steps) the clock is read.
_CLOCK_EVERY = 512


class FormulaError(Exception):
    """A formula or template did something that has no sensible answer."""


class TooSlow(FormulaError):
    """A template or formula ran past its time limit."""


class TooMuchText(FormulaError):
    """The templates of a variant or a run together made more text than their limit."""


class WorkMeter:
    """The work budget of one template run: steps left, output left and a deadline."""

    __slots__ = ("_next_clock", "budgets", "deadline", "late_message", "output_left", "steps_left")

    def __init__(self, deadline: float, late_message: str, budgets: tuple = ()) -> None:
        self.steps_left = limits.MAX_STEPS
        self.output_left = limits.MAX_TEXT
        self.deadline = deadline
        self.late_message = late_message
        #: Longer-lived text budgets this run also counts against (one per variant, one
        #: per run: see qbank.templates.output_limit); each has ``left`` and ``message``.
        self.budgets = budgets
        self._next_clock = limits.MAX_STEPS - _CLOCK_EVERY

    def write(self, characters: int) -> None:
        """Count ``characters`` of text this run produces against every text budget."""
        for budget in self.budgets:
            budget.left -= characters
            if budget.left < 0:
                raise TooMuchText(budget.message)

    def spend(self, steps: int) -> None:
        self.steps_left -= steps
        if self.steps_left < 0:
            raise FormulaError(
                f"it does too much work (more than {limits.MAX_STEPS:,} steps of "
                "arithmetic and text handling); simplify it"
            )
        if self.steps_left <= self._next_clock:
            self._next_clock = self.steps_left - _CLOCK_EVERY
            if time.process_time() > self.deadline:
                raise TooSlow(self.late_message)


#: The meter of the template run in progress (set by qbank.templates.Compiled.run).
METER: ContextVar[WorkMeter | None] = ContextVar("qbank_work_meter", default=None)


def charge(steps: int = 1) -> None:
    """Count ``steps`` of work against the template being run (if any)."""
    meter = METER.get()
    if meter is not None:
        # meter.spend(steps), without a call in the common case (a run charges a dozen
        # times or more): spend(0) does the rest (refuse, or read the clock) when it is due.
        left = meter.steps_left = meter.steps_left - steps
        if left < 0 or left <= meter._next_clock:
            meter.spend(0)


def size_cost(value: Any) -> int:
    """Extra steps for touching ``value``: its items, or its characters in blocks of 64."""
    if isinstance(value, str):
        return len(value) >> 6
    if isinstance(value, (list, tuple)):
        return len(value)
    return 0


def check_size(value: Any) -> Any:
    if isinstance(value, str) and len(value) > limits.MAX_TEXT:
        raise FormulaError(f"the text would be longer than {limits.MAX_TEXT:,} characters")
    if isinstance(value, (list, tuple)):
        check_list(value)
    return value


def check_list(items: list | tuple) -> list | tuple:
    """A list a template may hold: at most limits.MAX_ITEMS items, none of them a list."""
    if len(items) > limits.MAX_ITEMS:
        raise FormulaError(f"the list would have more than {limits.MAX_ITEMS:,} items")
    for item in items:
        if isinstance(item, (list, tuple)):
            raise FormulaError("a list cannot hold another list")
    return items
