"""How values are written out: ``~``, ``{{ value }}`` and the words for a value in a message.

Numbers are written in full, never in exponent form (``1E-7`` is ``0.0000001``), the same
way wherever a value becomes text, whether a template joins it with ``~``, outputs it
or a problem message describes it. In a text a student reads (``~``, ``{{ value }}``), they
are written as the run's locale writes them (``1,5`` in French: :func:`qbank.i18n.local_number`);
a problem message keeps the neutral ``1.5``.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from .. import i18n, limits, numeric
from ..numeric import Number, to_decimal
from ..richtext.escape import escape_markdown
from .meter import METER, FormulaError, charge, check_list


def describe(value: Any) -> str:
    """A value in the words of a problem message ("the text 'abc'", "a list")."""
    if isinstance(value, bool):
        return f"true/false value ({'true' if value else 'false'})"
    if isinstance(value, str):
        shown = value if len(value) <= 30 else value[:27] + "..."
        return f"the text '{shown}'"
    if numeric.is_number(value):
        try:
            shown = numeric.plain(value)
        except (ArithmeticError, TypeError):
            return "a number out of range"
        return f"the number {shown if len(shown) <= 40 else shown[:37] + '...'}"
    if isinstance(value, (list, tuple)):
        return "a list"
    return "this value"


def concat(parts: Any) -> str:
    """The ``~`` operator: join texts, bounded."""
    out = []
    total = 0
    for part in parts:
        text = part if type(part) is str else display(part)
        total += len(text)
        if total > limits.MAX_TEXT:
            raise FormulaError(f"the text would be longer than {limits.MAX_TEXT:,} characters")
        out.append(text)
    charge(1 + (total >> 6))
    return "".join(out)


#: numeric.plain() of ints and Decimals already written out. plain() depends only on the
#: value (2, Decimal('2.0') and Decimal('2E+0') all give '2', as they are equal and hash
#: alike), and a bank's parameter values repeat in every variant that draws them.
_PLAIN: dict[Number, str] = {}
_PLAIN_LIMIT = 50_000
_PLAIN_LONGEST = 40


class ShownNumber(Decimal):
    """A number that remembers how it is displayed (``answer`` with its decimals and unit)."""

    text: str

    def __new__(cls, value: Number, text: str) -> ShownNumber:
        obj = super().__new__(cls, to_decimal(value))
        obj.text = text
        return obj


class NumberText(str):
    """A number already written as text (``fixed``, ``thousands``, ``sci``), the neutral
    way (``1,234.50``): it is a text in formulas (``number()`` reads it), and shown in the
    run's locale (``1 234,50``)."""

    __slots__ = ()


def display(value: Any) -> str:
    """How a value appears in rendered text: numbers in full, never in exponent form,
    in the run's locale."""
    kind = type(value)
    if kind is str:
        return value
    if kind is int or (kind is Decimal and value.is_finite()):
        text = _PLAIN.get(value)
        if text is None:
            text = numeric.plain(value)
            if len(_PLAIN) < _PLAIN_LIMIT and len(text) <= _PLAIN_LONGEST:
                _PLAIN[value] = text
        return text if i18n.current().neutral_numbers else i18n.local_number(text)
    if kind is NumberText:
        return i18n.local_number(value)
    if isinstance(value, str):
        return value
    if isinstance(value, ShownNumber):
        return i18n.local_number(value.text)
    if isinstance(value, bool):
        return "true" if value else "false"
    if numeric.is_number(value):
        return i18n.local_number(numeric.plain(value))
    if value is None:
        return ""
    if isinstance(value, (list, tuple)):
        check_list(value)
        charge(len(value))
        # Measured piece by piece: a list of a thousand long texts must be refused before
        # it is joined into one text of a hundred million characters.
        pieces = []
        total = -2
        for item in value:
            piece = display(item)
            total += len(piece) + 2
            if total > limits.MAX_TEXT:
                raise FormulaError(f"the text would be longer than {limits.MAX_TEXT:,} characters")
            pieces.append(piece)
        return ", ".join(pieces)
    return str(value)


class Markdown(str):
    """A text already written as Markdown (``table()``, the ``markdown`` filter): a
    Markdown field inserts it as it is, where any other value is escaped
    (:func:`finalize_markdown`)."""

    __slots__ = ()


def finalize_markdown(value: Any) -> str:
    """What ``{{ value }}`` writes into a Markdown field (text, solution, choices...): the
    value shown exactly as it is, its Markdown characters escaped (a drawn ``*`` stays a
    star; see :func:`qbank.richtext.escape_markdown`), unless it is :class:`Markdown`."""
    text = finalize(value)
    kind = type(value)
    if kind is int or kind is Decimal:  # digits, signs and separators: never syntax
        return text
    if kind is Markdown:
        return str(text)
    return escape_markdown(text)


def finalize(value: Any) -> str:
    """What ``{{ value }}`` writes: :func:`display`, counted against the output budget."""
    text = value if type(value) is str else display(value)
    meter = METER.get()
    if meter is not None:
        length = len(text)
        meter.output_left -= length
        if meter.output_left < 0:
            raise FormulaError(f"the text would be longer than {limits.MAX_TEXT:,} characters")
        left = meter.steps_left = meter.steps_left - 1 - (length >> 6)  # as charge() does
        if left < 0 or left <= meter._next_clock:
            meter.spend(0)
    return text
