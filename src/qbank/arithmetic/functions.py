"""The whitelisted functions, filters and tests formulas and templates may call.

:data:`FUNCTIONS`, :data:`FILTERS` and :data:`TESTS` are the whole list: the sandbox
refuses any other name when a bank is loaded. Each checks its arguments and answers in a
teacher's words (a :class:`~qbank.arithmetic.meter.FormulaError`), and everything it
builds is bounded like the operators' results.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from .. import i18n, limits, numeric
from ..numeric import CONTEXT, Number, canonical
from .draws import DRAWS
from .meter import FormulaError, charge, check_list, check_size
from .operators import binop, modulo, operand, remembered
from .stats import STATISTICS
from .text import Markdown, NumberText, ShownNumber, concat, describe, display


def _round(value: Any, places: Any = 0) -> Any:
    if isinstance(value, (list, tuple)):  # R's round(x, 1) on a list: item by item
        check_list(value)
        charge(len(value))
        return [numeric.round_half_up(operand(v, "round"), places) for v in value]
    return numeric.round_half_up(operand(value, "round"), places)


def _rep(value: Any, times: Any) -> list[Any]:
    """R's rep(x, times): a value or list repeated (what ``[x] * n`` did before lists
    computed item by item)."""
    items = list(value) if isinstance(value, (list, tuple)) else [value]
    count = operand(times, "repeat")
    if count != count.to_integral_value():
        raise FormulaError("rep() repeats a whole number of times")
    if count > 0 and len(items) * count > limits.MAX_ITEMS:
        raise FormulaError(f"the list would have more than {limits.MAX_ITEMS:,} items")
    result = check_list(items) * max(int(count), 0)
    charge(len(result))
    return list(result)


def _table(*columns: Any, **named: Any) -> str:
    """Named columns (lists of equal length) as a Markdown pipe table:
    ``table(x=x, y=y)``; a column may also be a single value repeated on every row."""
    if columns:
        raise FormulaError("table() takes named columns, e.g. table(x=x, y=y)")
    if not named:
        raise FormulaError("table() needs at least one named column, e.g. table(x=x)")
    rows = max((len(v) for v in named.values() if isinstance(v, (list, tuple))), default=1)
    cells = []
    for name, col in named.items():
        if isinstance(col, (list, tuple)):
            check_list(col)
            if len(col) != rows:
                raise FormulaError(
                    f"table() needs columns of the same length; '{name}' has {len(col)}, not {rows}"
                )
            cells.append([display(v).replace("|", "\\|") for v in col])
        else:
            cells.append([display(col).replace("|", "\\|")] * rows)
    charge(rows * len(cells))
    lines = [
        "| " + " | ".join(named) + " |",
        "|" + "|".join("---:" for _ in named) + "|",
        *("| " + " | ".join(c[i] for c in cells) + " |" for i in range(rows)),
    ]
    return Markdown(check_size("\n".join(lines)))


def _sqrt(value: Any) -> Number:
    dec = operand(value, "take the square root of")
    if dec < 0:
        raise FormulaError(
            f"cannot take the square root of a negative number ({numeric.plain(dec)})"
        )
    return canonical(remembered(CONTEXT.sqrt, dec))


def _log(value: Any, base: Any = None) -> Number:
    dec = operand(value, "take the logarithm of")
    if dec <= 0:
        raise FormulaError(f"the logarithm needs a positive number, not {numeric.plain(dec)}")
    if base is None:
        return canonical(remembered(CONTEXT.ln, dec))
    b = operand(base, "use as a logarithm base")
    if b <= 0 or b == 1:
        raise FormulaError("a logarithm base must be positive and not 1")
    return canonical(CONTEXT.divide(remembered(CONTEXT.ln, dec), remembered(CONTEXT.ln, b)))


def _log10(value: Any) -> Number:
    dec = operand(value, "take the logarithm of")
    if dec <= 0:
        raise FormulaError(f"the logarithm needs a positive number, not {numeric.plain(dec)}")
    return canonical(remembered(CONTEXT.log10, dec))


def _exp(value: Any) -> Number:
    return canonical(remembered(CONTEXT.exp, operand(value, "take exp of")))


def _float_fn(name: str, fn: Callable[[float], float]) -> Callable[[Any], Number]:
    def wrapped(value: Any) -> Number:
        try:
            return canonical(Decimal(repr(fn(float(operand(value, f"take {name} of"))))))
        except ValueError:
            raise FormulaError(f"{name} is not defined for {describe(value)}") from None

    wrapped.__name__ = name
    return wrapped


def _items(args: tuple[Any, ...]) -> list[Any]:
    items = list(args[0]) if len(args) == 1 and isinstance(args[0], (list, tuple)) else list(args)
    check_list(items)
    charge(len(items))
    return items


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
    return canonical(abs(operand(value, "take the absolute value of")))


def _int(value: Any) -> int:
    if isinstance(value, str):
        value = numeric.to_decimal(value)
    return int(operand(value, "make a whole number of"))


def _number(value: Any) -> Number:
    if isinstance(value, str):
        try:
            return canonical(numeric.to_decimal(value))
        except TypeError as exc:
            raise FormulaError(str(exc)) from None
    return canonical(operand(value, "read a number from"))


def _len(value: Any) -> int:
    if not isinstance(value, (str, list, tuple)):
        raise FormulaError(f"cannot take the length of {describe(value)}")
    return len(value)


def _fixed(value: Any, places: Any = 2) -> str:
    return NumberText(numeric.fixed(operand(value, "format"), places))


def _thousands(value: Any, places: Any = None) -> str:
    return NumberText(numeric.with_thousands(operand(value, "format"), places))


PI = canonical(Decimal("3.141592653589793238462643383279503"))
E = canonical(Decimal("2.718281828459045235360287471352662"))

FUNCTIONS: dict[str, Callable[..., Any]] = {
    "round": _round,
    "min": _min,
    "max": _max,
    "abs": _abs,
    "sqrt": _sqrt,
    "floor": lambda x: numeric.floor(operand(x, "round down")),
    "ceil": lambda x: numeric.ceil(operand(x, "round up")),
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
    "rep": _rep,
    "table": _table,
    **STATISTICS,
    **DRAWS,
}
CONSTANTS: dict[str, Number] = {"pi": PI, "e": E}


def _filter_text(fn: Callable[[str], str]) -> Callable[[Any], str]:
    def text_filter(value: Any) -> str:
        text = display(value)
        charge(1 + (len(text) >> 6))
        return check_size(fn(text))  # upper() can lengthen a text ('ß' -> 'SS')

    return text_filter


def _join(values: Any, separator: Any = ", ") -> str:
    return concat(
        part for i, v in enumerate(_items((values,))) for part in ((separator, v) if i else (v,))
    )


def _sig(value: Any, digits: Any = 3) -> ShownNumber:
    """``{{ x | sig(3) }}``: rounded to 3 significant figures, shown with all of them."""
    dec = numeric.significant(operand(value, "round"), digits)
    return ShownNumber(canonical(dec), format(dec, "f"))


def _sci(value: Any, digits: Any = 3) -> str:
    """``{{ x | sci(2) }}``: ``1.5 × 10⁻³``, scientific notation as text."""
    return NumberText(numeric.scientific_text(operand(value, "format"), digits))


def _sci_tex(value: Any, digits: Any = 3) -> Markdown:
    """``$x = {{ x | sci_tex(2) }}$``: ``1.5 \\times 10^{-3}``, for a formula."""
    return Markdown(
        i18n.local_number(numeric.scientific_tex(operand(value, "format"), digits), math=True)
    )


def _thousands_tex(value: Any, places: Any = None) -> Markdown:
    """``$n = {{ n | thousands_tex }}$``: ``1\\,000\\,000``, thin spaces for a formula."""
    value = operand(value, "format")
    if i18n.current().neutral_numbers:
        return Markdown(numeric.thousands_tex(value, places))
    return Markdown(i18n.local_number(numeric.with_thousands(value, places), math=True))


def _markdown(value: Any) -> Markdown:
    """``{{ value | markdown }}``: insert a text as Markdown, not escaped (a drawn
    ``**bold**`` is bold; a TeX snippet with ``\\,`` or ``|`` goes into a formula as it is)."""
    text = display(value)
    charge(1 + (len(text) >> 6))
    return Markdown(text)


FILTERS: dict[str, Callable[..., Any]] = {
    "markdown": _markdown,
    "sig": _sig,
    "sci": _sci,
    "sci_tex": _sci_tex,
    "thousands_tex": _thousands_tex,
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
    "even": lambda v: modulo(operand(v, "test"), Decimal(2)) == 0,
    "odd": lambda v: modulo(operand(v, "test"), Decimal(2)) == 1,
    "divisibleby": lambda v, n: modulo(operand(v, "test"), operand(n, "divide by")) == 0,
    "integer": lambda v: numeric.is_number(v) and isinstance(canonical(v), int),
    "number": numeric.is_number,
    "string": lambda v: isinstance(v, str),
}
