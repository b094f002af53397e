"""The operators and functions formulas may use, all bounded.

Jinja2's sandbox hands every intercepted operator to :func:`binop`; the whitelist of
functions lives in :data:`FUNCTIONS`. Nothing here can build a number past
``numeric.MAX_EXPONENT`` or a text longer than :data:`MAX_TEXT`.
"""

from __future__ import annotations

import math
from decimal import Decimal, DecimalException, DivisionByZero
from typing import Any, Callable

from . import numeric
from .numeric import CONTEXT, Number, canonical, to_decimal

#: The longest text or list any template expression may build.
MAX_TEXT = 100_000


class FormulaError(Exception):
    """A formula or template did something that has no sensible answer."""


def _num(value: Any, op_words: str) -> Decimal:
    if not numeric.is_number(value):
        raise FormulaError(f"cannot {op_words} {describe(value)}; a number is needed")
    return to_decimal(canonical(value))


def describe(value: Any) -> str:
    if isinstance(value, bool):
        return f"true/false value ({'true' if value else 'false'})"
    if isinstance(value, str):
        shown = value if len(value) <= 30 else value[:27] + "..."
        return f"the text '{shown}'"
    if numeric.is_number(value):
        return f"the number {numeric.plain(value)}"
    if isinstance(value, (list, tuple)):
        return "a list"
    return "this value"


def check_size(value: Any) -> Any:
    if isinstance(value, (str, list, tuple)) and len(value) > MAX_TEXT:
        raise FormulaError(f"the result would be longer than {MAX_TEXT:,} characters or items")
    return value


def _power(base: Decimal, exponent: Decimal) -> Decimal:
    # Reject hopeless sizes before asking decimal to try: |exponent| * digits(base) bounds
    # the number of digits of the result.
    if base not in (0, 1, -1) and exponent != 0:
        digits = abs(base.adjusted()) + 1
        if abs(exponent) * digits > 4 * numeric.MAX_EXPONENT:
            raise numeric.NumberError("number too large")
    if base == 0 and exponent < 0:
        raise DivisionByZero()
    return CONTEXT.power(base, exponent)


def _floordiv(a: Decimal, b: Decimal) -> Decimal:
    return CONTEXT.divide(a, b).to_integral_value(rounding="ROUND_FLOOR")


def _mod(a: Decimal, b: Decimal) -> Decimal:
    # Python's sign convention (result has the divisor's sign), as teachers see in class.
    return CONTEXT.subtract(a, CONTEXT.multiply(b, _floordiv(a, b)))


_NUMBER_OPS: dict[str, tuple[str, Callable[[Decimal, Decimal], Decimal]]] = {
    "+": ("add", CONTEXT.add),
    "-": ("subtract", CONTEXT.subtract),
    "*": ("multiply", CONTEXT.multiply),
    "/": ("divide", CONTEXT.divide),
    "//": ("divide", _floordiv),
    "%": ("take the remainder of", _mod),
    "**": ("raise to a power", _power),
}


def binop(operator: str, left: Any, right: Any) -> Any:
    """Evaluate ``left <operator> right`` exactly and within bounds."""
    if operator == "+" and isinstance(left, str) and isinstance(right, str):
        return check_size(left + right)
    if operator == "+" and isinstance(left, list) and isinstance(right, list):
        return check_size(left + right)
    if operator == "*" and isinstance(left, (str, list)) != isinstance(right, (str, list)):
        seq, times = (left, right) if isinstance(left, (str, list)) else (right, left)
        if isinstance(times, bool) or not isinstance(times, int):
            raise FormulaError("text can only be repeated a whole number of times")
        if times > 0 and len(seq) * times > MAX_TEXT:
            raise FormulaError(f"the result would be longer than {MAX_TEXT:,} characters")
        return seq * times
    words, fn = _NUMBER_OPS[operator]
    a, b = _num(left, words), _num(right, words)
    return canonical(fn(a, b))


def unop(operator: str, value: Any) -> Any:
    if operator == "-":
        return canonical(CONTEXT.minus(_num(value, "negate")))
    if operator == "+":
        return canonical(_num(value, "use '+' on"))
    raise FormulaError(f"operator {operator} is not allowed")


def concat(parts: Any) -> str:
    """The ``~`` operator: join texts, bounded."""
    out = []
    total = 0
    for part in parts:
        text = display(part)
        total += len(text)
        if total > MAX_TEXT:
            raise FormulaError(f"the text would be longer than {MAX_TEXT:,} characters")
        out.append(text)
    return "".join(out)


class ShownNumber(Decimal):
    """A number that remembers how it is displayed (``answer`` with its decimals and unit)."""

    text: str

    def __new__(cls, value: Number, text: str) -> ShownNumber:
        obj = super().__new__(cls, to_decimal(value))
        obj.text = text
        return obj


def display(value: Any) -> str:
    """How a value appears in rendered text: numbers in full, never in exponent form."""
    if isinstance(value, ShownNumber):
        return value.text
    if isinstance(value, bool):
        return "true" if value else "false"
    if numeric.is_number(value):
        return numeric.plain(value)
    if value is None:
        return ""
    if isinstance(value, (list, tuple)):
        return ", ".join(display(v) for v in value)
    return str(value)


# --- whitelisted functions ---------------------------------------------------------------


def _round(value: Any, places: Any = 0) -> Number:
    return numeric.round_half_up(_num(value, "round"), places)


def _sqrt(value: Any) -> Number:
    dec = _num(value, "take the square root of")
    if dec < 0:
        raise FormulaError(f"cannot take the square root of a negative number ({numeric.plain(dec)})")
    return canonical(CONTEXT.sqrt(dec))


def _log(value: Any, base: Any = None) -> Number:
    dec = _num(value, "take the logarithm of")
    if dec <= 0:
        raise FormulaError(f"the logarithm needs a positive number, not {numeric.plain(dec)}")
    if base is None:
        return canonical(CONTEXT.ln(dec))
    b = _num(base, "use as a logarithm base")
    if b <= 0 or b == 1:
        raise FormulaError("a logarithm base must be positive and not 1")
    return canonical(CONTEXT.divide(CONTEXT.ln(dec), CONTEXT.ln(b)))


def _log10(value: Any) -> Number:
    dec = _num(value, "take the logarithm of")
    if dec <= 0:
        raise FormulaError(f"the logarithm needs a positive number, not {numeric.plain(dec)}")
    return canonical(CONTEXT.log10(dec))


def _exp(value: Any) -> Number:
    return canonical(CONTEXT.exp(_num(value, "take exp of")))


def _float_fn(name: str, fn: Callable[[float], float]) -> Callable[[Any], Number]:
    def wrapped(value: Any) -> Number:
        try:
            return canonical(Decimal(repr(fn(float(_num(value, f"take {name} of"))))))
        except ValueError:
            raise FormulaError(f"{name} is not defined for {numeric.plain(value)}") from None

    wrapped.__name__ = name
    return wrapped


def _items(args: tuple[Any, ...]) -> list[Any]:
    if len(args) == 1 and isinstance(args[0], (list, tuple)):
        return list(args[0])
    return list(args)


def _min(*args: Any) -> Any:
    items = _items(args)
    if not items:
        raise FormulaError("min() needs at least one value")
    return min(items)


def _max(*args: Any) -> Any:
    items = _items(args)
    if not items:
        raise FormulaError("max() needs at least one value")
    return max(items)


def _sum(values: Any) -> Number:
    total: Any = 0
    for v in _items((values,)):
        total = binop("+", total, v)
    return total


def _abs(value: Any) -> Number:
    return canonical(abs(_num(value, "take the absolute value of")))


def _int(value: Any) -> int:
    if isinstance(value, str):
        value = numeric.to_decimal(value)
    return int(_num(value, "make a whole number of"))


def _number(value: Any) -> Number:
    if isinstance(value, str):
        try:
            return canonical(numeric.to_decimal(value))
        except TypeError as exc:
            raise FormulaError(str(exc)) from None
    return canonical(_num(value, "read a number from"))


def _len(value: Any) -> int:
    if not isinstance(value, (str, list, tuple)):
        raise FormulaError(f"cannot take the length of {describe(value)}")
    return len(value)


def _fixed(value: Any, places: Any = 2) -> str:
    return numeric.fixed(_num(value, "format"), places)


def _thousands(value: Any, places: Any = None) -> str:
    return numeric.with_thousands(_num(value, "format"), places)


PI = canonical(Decimal("3.141592653589793238462643383279503"))
E = canonical(Decimal("2.718281828459045235360287471352662"))

FUNCTIONS: dict[str, Callable[..., Any]] = {
    "round": _round,
    "min": _min,
    "max": _max,
    "abs": _abs,
    "sqrt": _sqrt,
    "floor": lambda x: numeric.floor(_num(x, "round down")),
    "ceil": lambda x: numeric.ceil(_num(x, "round up")),
    "log": _log,
    "ln": _log,
    "log10": _log10,
    "exp": _exp,
    "sin": _float_fn("sin", math.sin),
    "cos": _float_fn("cos", math.cos),
    "tan": _float_fn("tan", math.tan),
    "asin": _float_fn("asin", math.asin),
    "acos": _float_fn("acos", math.acos),
    "atan": _float_fn("atan", math.atan),
    "degrees": _float_fn("degrees", math.degrees),
    "radians": _float_fn("radians", math.radians),
    "sum": _sum,
    "len": _len,
    "int": _int,
    "number": _number,
    "fixed": _fixed,
    "thousands": _thousands,
}
CONSTANTS: dict[str, Number] = {"pi": PI, "e": E}


def _filter_text(fn: Callable[[str], str]) -> Callable[[Any], str]:
    return lambda value: fn(display(value))


def _join(values: Any, separator: Any = ", ") -> str:
    return concat(
        part for i, v in enumerate(_items((values,))) for part in ((separator, v) if i else (v,))
    )


FILTERS: dict[str, Callable[..., Any]] = {
    "fixed": _fixed,
    "thousands": _thousands,
    "round": _round,
    "abs": _abs,
    "int": _int,
    "number": _number,
    "upper": _filter_text(str.upper),
    "lower": _filter_text(str.lower),
    "capitalize": _filter_text(str.capitalize),
    "title": _filter_text(str.title),
    "trim": _filter_text(str.strip),
    "length": _len,
    "join": _join,
    "min": _min,
    "max": _max,
    "sum": _sum,
}

TESTS: dict[str, Callable[..., bool]] = {
    "even": lambda v: _mod(_num(v, "test"), Decimal(2)) == 0,
    "odd": lambda v: _mod(_num(v, "test"), Decimal(2)) == 1,
    "divisibleby": lambda v, n: _mod(_num(v, "test"), _num(n, "divide by")) == 0,
    "integer": lambda v: numeric.is_number(v) and isinstance(canonical(v), int),
    "number": numeric.is_number,
    "string": lambda v: isinstance(v, str),
}

__all__ = ["CONSTANTS", "FILTERS", "FUNCTIONS", "FormulaError", "MAX_TEXT", "ShownNumber",
           "DecimalException", "binop", "concat", "display", "unop"]
