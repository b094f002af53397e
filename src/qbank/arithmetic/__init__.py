"""The operators and functions formulas may use, all bounded.

Jinja2's sandbox hands every intercepted operator to :func:`binop`; the whitelist of
functions lives in :data:`FUNCTIONS`. Nothing here can build a number past
``numeric.MAX_EXPONENT``, a text longer than :data:`limits.MAX_TEXT`, a list longer than
:data:`limits.MAX_ITEMS` or a list of lists, and every operation is charged to the
:class:`WorkMeter` of the template being run, so a template's work is bounded however it
is written (see docs/security.md).

The package is split by what changes together:

* :mod:`.meter`: the work meter, its errors and the size bounds every other part uses;
* :mod:`.text`: how values are written out (``~``, ``{{ value }}``, messages);
* :mod:`.operators`: the arithmetic operators, the hot path of every run;
* :mod:`.functions`: the tables of functions, filters and tests a bank may call.

Everything other modules use is importable from ``qbank.arithmetic`` itself.
"""

from __future__ import annotations

from .functions import CONSTANTS, FILTERS, FUNCTIONS, PI, TESTS, E
from .meter import (
    METER,
    FormulaError,
    TooMuchText,
    TooSlow,
    WorkMeter,
    charge,
    check_list,
    check_size,
    size_cost,
)
from .operators import binop, unop
from .text import Markdown, ShownNumber, concat, describe, display, finalize, finalize_markdown

__all__ = [
    "CONSTANTS",
    "FILTERS",
    "FUNCTIONS",
    "METER",
    "PI",
    "TESTS",
    "E",
    "FormulaError",
    "Markdown",
    "ShownNumber",
    "TooMuchText",
    "TooSlow",
    "WorkMeter",
    "binop",
    "charge",
    "check_list",
    "check_size",
    "concat",
    "describe",
    "display",
    "finalize",
    "finalize_markdown",
    "size_cost",
    "unop",
]
