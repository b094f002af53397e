"""Exact numbers as a teacher expects them.

Every number qbank computes is either a Python ``int`` or a ``decimal.Decimal`` in one
shared context, so ``0.1 + 0.2`` is ``0.3`` and a step of ``0.001`` gives three decimals.
Results that are whole numbers become ``int`` again ("integers stay integers"). The
context bounds the exponent, so no formula can build a number with millions of digits.
Display is always positional (never ``5e-05``) and rounds half-up, as taught in school.
"""

from __future__ import annotations

import contextlib
import math
from decimal import (
    ROUND_CEILING,
    ROUND_FLOOR,
    ROUND_HALF_EVEN,
    ROUND_HALF_UP,
    Context,
    Decimal,
    DecimalException,
    DivisionByZero,
    InvalidOperation,
    Overflow,
)

Number = int | Decimal

#: Significant digits kept in computations (sqrt, log and the like round here).
PRECISION = 34
#: Largest decimal exponent allowed in any result: 10**MAX_EXPONENT.
MAX_EXPONENT = 999
#: Largest number of decimal places a display format may ask for.
MAX_PLACES = 20

CONTEXT = Context(
    prec=PRECISION,
    rounding=ROUND_HALF_EVEN,
    Emax=MAX_EXPONENT,
    Emin=-MAX_EXPONENT,
    traps=[InvalidOperation, DivisionByZero, Overflow],
)
_MAX_INT = 10 ** (MAX_EXPONENT + 1)


class NumberError(ArithmeticError):
    """A computation left the range a teacher's formula can reasonably need."""


def is_number(value: object) -> bool:
    return isinstance(value, (int, Decimal, float)) and not isinstance(value, bool)


def to_decimal(value: object) -> Decimal:
    """Exact Decimal of an int, Decimal, float (by its shortest repr) or numeric string."""
    if isinstance(value, bool):
        raise TypeError("true/false is not a number")
    if isinstance(value, Decimal):
        return value
    if isinstance(value, int):
        if abs(value) >= _MAX_INT:
            raise NumberError("number too large")
        return Decimal(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            raise NumberError("result is not a finite number")
        return Decimal(repr(value))
    if isinstance(value, str):
        try:
            result = Decimal(value.strip().replace("_", ""))
        except InvalidOperation:
            raise TypeError(f"'{value}' is not a number") from None
        if not result.is_finite():
            raise TypeError(f"'{value}' is not a number")
        return canonical_decimal(result)
    raise TypeError(f"{type(value).__name__} is not a number")


def canonical_decimal(value: Decimal) -> Decimal:
    if not value.is_finite():
        raise NumberError("result is not a finite number")
    adjusted = value.adjusted()
    if adjusted > MAX_EXPONENT:
        raise NumberError("number too large")
    if adjusted < -MAX_EXPONENT:
        return Decimal(0)
    return value


def canonical(value: object) -> Number:
    """The canonical form of a number: int when whole, otherwise a finite Decimal."""
    if isinstance(value, bool):
        raise TypeError("true/false is not a number")
    if isinstance(value, int):
        if abs(value) >= _MAX_INT:
            raise NumberError("number too large")
        return value
    dec = canonical_decimal(to_decimal(value))
    if dec == dec.to_integral_value():
        return int(dec)
    return dec


def plain(value: object) -> str:
    """A number written out in full: no exponent, no trailing zeros (``0.3``, ``50``)."""
    if type(value) is int and -_MAX_INT < value < _MAX_INT:  # most numbers: at once
        return str(value)
    num = canonical(value)
    if isinstance(num, int):
        return str(num)
    text = format(CONTEXT.normalize(num), "f")
    return "0" if text in ("-0", "") else text


def round_half_up(value: object, places: int = 0) -> Number:
    """Round as taught in school: 2.675 -> 2.68, 2.5 -> 3, -2.5 -> -3."""
    places = _check_places(places)
    dec = to_decimal(canonical(value))
    exp = Decimal(1).scaleb(-places)
    try:
        return canonical(dec.quantize(exp, rounding=ROUND_HALF_UP, context=_WIDE))
    except InvalidOperation:  # more digits than the context holds: already exact enough
        return canonical(dec)


def fixed(value: object, places: int = 2, *, thousands: bool = False) -> str:
    """``value`` with exactly ``places`` decimals, rounded half-up (``21.60``)."""
    places = _check_places(places)
    dec = to_decimal(canonical(value))
    with contextlib.suppress(InvalidOperation):
        dec = dec.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP, context=_WIDE)
    text = format(dec, ",f" if thousands else "f")
    if text.startswith("-") and dec == 0:
        text = text[1:]
    return text


def with_thousands(value: object, places: int | None = None) -> str:
    """``25,000`` or, with places, ``25,000.50``."""
    if places is not None:
        return fixed(value, places, thousands=True)
    num = canonical(value)
    if isinstance(num, int):
        return f"{num:,}"
    return format(CONTEXT.normalize(num), ",f")


_SUPERSCRIPT = str.maketrans(
    "-0123456789", "\u207b\u2070\u00b9\u00b2\u00b3\u2074\u2075\u2076\u2077\u2078\u2079"
)


def significant(value: object, digits: int = 3) -> Decimal:
    """``value`` rounded half-up to ``digits`` significant figures, keeping them all
    (``0.0012346`` to 3 is ``0.00123``; ``1.5`` to 3 is ``1.50``)."""
    digits = _check_digits(digits)
    dec = to_decimal(canonical(value))
    if dec == 0:
        return Decimal(0).scaleb(-(digits - 1)) if digits > 1 else Decimal(0)
    exp = Decimal(1).scaleb(dec.adjusted() - digits + 1)
    rounded = dec.quantize(exp, rounding=ROUND_HALF_UP, context=_WIDE)
    if rounded.adjusted() > dec.adjusted():  # 9.99 to 2 figures is 10, not 10.0
        rounded = rounded.quantize(exp.scaleb(1), rounding=ROUND_HALF_UP, context=_WIDE)
    return rounded


def scientific(value: object, digits: int = 3) -> tuple[str, int]:
    """``value`` as (mantissa with ``digits`` significant figures, power of ten):
    ``0.0015`` to 2 figures is ``("1.5", -3)``."""
    dec = significant(value, digits)
    if dec == 0:
        return format(dec, "f"), 0
    power = dec.adjusted()
    mantissa = dec.scaleb(-power)
    return format(mantissa, "f"), power


def scientific_text(value: object, digits: int = 3) -> str:
    """``1.5 × 10⁻³``: scientific notation as text (no exponent when it is 0)."""
    mantissa, power = scientific(value, digits)
    if power == 0:
        return mantissa
    return f"{mantissa} \u00d7 10{str(power).translate(_SUPERSCRIPT)}"


def scientific_tex(value: object, digits: int = 3) -> str:
    """``1.5 \\times 10^{-3}``: scientific notation for a formula."""
    mantissa, power = scientific(value, digits)
    if power == 0:
        return mantissa
    return f"{mantissa} \\times 10^{{{power}}}"


def thousands_tex(value: object, places: int | None = None) -> str:
    """``1\\,000\\,000.5``: digits grouped by thin spaces, as formulas write them (a comma
    in a formula is punctuation, and would be followed by a space)."""
    return with_thousands(value, places).replace(",", "\\,")


def _check_digits(digits: object) -> int:
    if isinstance(digits, bool) or not isinstance(digits, (int, Decimal)):
        raise TypeError("the number of significant figures must be a whole number")
    if digits != int(digits) or not 1 <= int(digits) <= MAX_PLACES:
        raise ValueError(f"the number of significant figures must be between 1 and {MAX_PLACES}")
    return int(digits)


def floor(value: object) -> int:
    return int(to_decimal(canonical(value)).to_integral_value(rounding=ROUND_FLOOR))


def ceil(value: object) -> int:
    return int(to_decimal(canonical(value)).to_integral_value(rounding=ROUND_CEILING))


def _check_places(places: object) -> int:
    if isinstance(places, bool) or not isinstance(places, (int, Decimal)):
        raise TypeError("the number of decimal places must be a whole number")
    if places != int(places) or not 0 <= int(places) <= MAX_PLACES:
        raise ValueError(f"the number of decimal places must be between 0 and {MAX_PLACES}")
    return int(places)


# Quantize needs room for every digit of the rounded result, not just PRECISION of them.
_WIDE = Context(prec=MAX_EXPONENT + MAX_PLACES + 2, Emax=MAX_EXPONENT, Emin=-MAX_EXPONENT)

__all__ = [
    "CONTEXT",
    "DecimalException",
    "Number",
    "NumberError",
    "canonical",
    "ceil",
    "fixed",
    "floor",
    "is_number",
    "plain",
    "round_half_up",
    "to_decimal",
    "with_thousands",
]
