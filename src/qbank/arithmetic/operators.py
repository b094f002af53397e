"""The arithmetic operators of formulas: exact, bounded and charged to the work meter.

Jinja2's sandbox hands every intercepted operator (``+ - * / // % **`` and unary ``-``,
``+``) to :func:`binop` or :func:`unop`. Numbers are exact decimals that cannot grow
past ``numeric.MAX_EXPONENT``; ``+`` and ``*`` on texts and lists stay within
limits.MAX_TEXT and limits.MAX_ITEMS. Kept apart from the function tables because they
are the hot path of every run (see the fast paths below).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from decimal import Decimal, DivisionByZero
from typing import Any

from .. import limits, numeric
from ..numeric import CONTEXT, Number, canonical, to_decimal
from .meter import FormulaError, charge, check_list, check_size, size_cost
from .text import describe


def operand(value: Any, op_words: str) -> Decimal:
    """``value`` as a Decimal to compute with, or a FormulaError saying what is wrong.

    ``op_words`` says what was being done ("add", "take the square root of").
    """
    if not numeric.is_number(value):
        raise FormulaError(f"cannot {op_words} {describe(value)}; a number is needed")
    return to_decimal(canonical(value))


#: Results of the slow decimal functions (powers, roots, logarithms, exp: 10 to 50 µs each)
#: by function and the exact digits of their arguments. A bank's formulas call them with
#: the same few arguments in variant after variant (0.5 ** (t / h) for a few dozen t / h).
#: The arguments' text (str) is the key, not their value: Decimal('0.50') and
#: Decimal('0.5') are equal but may give results with different exponents. The work
#: meter is charged by the callers as before, whether the result was remembered or not.
_REMEMBERED: dict[tuple, Decimal] = {}
_REMEMBER_LIMIT = 20_000
_REMEMBER_LONGEST = 50


def remembered(fn: Callable[..., Decimal], *args: Decimal) -> Decimal:
    key = (fn.__name__, *map(str, args))
    result = _REMEMBERED.get(key)
    if result is None:
        result = fn(*args)  # errors (trapped signals) are raised, never remembered
        if len(_REMEMBERED) < _REMEMBER_LIMIT and all(
            len(text) <= _REMEMBER_LONGEST for text in key[1:]
        ):
            _REMEMBERED[key] = result
    return result


def _short(number: Decimal) -> str:
    text = numeric.plain(number)
    return text if len(text) <= 20 else f"{text[:8]}...({len(text)} digits)"


def _power(base: Decimal, exponent: Decimal) -> Decimal:
    # Reject hopeless sizes before asking decimal to try: |exponent| * digits(base) bounds
    # the number of digits of the result (large or tiny).
    if base not in (0, 1, -1) and exponent != 0:
        digits = abs(base.adjusted()) + 1
        if abs(exponent) * digits > 4 * numeric.MAX_EXPONENT:
            raise numeric.NumberError(
                f"the power {_short(base)} ** {_short(exponent)} is too large (or too small) "
                "to work out"
            )
    if base == 0 and exponent < 0:
        raise DivisionByZero()
    charge(limits.POWER_STEPS)  # decimal powers cost tens of microseconds
    return remembered(CONTEXT.power, base, exponent)


def _floordiv(a: Decimal, b: Decimal) -> Decimal:
    return CONTEXT.divide(a, b).to_integral_value(rounding="ROUND_FLOOR")


def modulo(a: Decimal, b: Decimal) -> Decimal:
    # Python's sign convention (result has the divisor's sign), as teachers see in class.
    return CONTEXT.subtract(a, CONTEXT.multiply(b, _floordiv(a, b)))


_NUMBER_OPS: dict[str, tuple[str, Callable[[Decimal, Decimal], Decimal]]] = {
    "+": ("add", CONTEXT.add),
    "-": ("subtract", CONTEXT.subtract),
    "*": ("multiply", CONTEXT.multiply),
    "/": ("divide", CONTEXT.divide),
    "//": ("divide", _floordiv),
    "%": ("take the remainder of", modulo),
    "**": ("raise to a power", _power),
}


# --- fast paths -------------------------------------------------------------------------
#
# A variant's formulas and templates are mostly arithmetic on plain ints and Decimals and
# writing them out; each step went through several general functions (is_number,
# canonical, to_decimal, plain). The fast paths below handle exactly those two types and
# give the same value as the general path they skip (the docstrings say which); anything
# else, and every value out of range, still takes the general path, which raises the
# same errors as before.

_MAX_EXPONENT = numeric.MAX_EXPONENT
#: Ints at least this large are refused (numeric.to_decimal and numeric.canonical).
_MAX_INT = 10 ** (numeric.MAX_EXPONENT + 1)


def _fast_operand(value: Any) -> Decimal | None:
    """``to_decimal(canonical(value))`` for an in-range int or Decimal (not a subclass),
    else None: the operand :func:`operand` would give, with the same exponent."""
    kind = type(value)
    if kind is int:
        if -_MAX_INT < value < _MAX_INT:
            return Decimal(value)
    elif (
        kind is Decimal
        and value.is_finite()
        and -_MAX_EXPONENT <= value.adjusted() <= _MAX_EXPONENT
    ):
        # canonical() makes a whole Decimal an int, which to_decimal() makes a Decimal
        # again: Decimal('2.0') and Decimal('2E+1') become Decimal('2') and Decimal('20').
        return Decimal(int(value)) if value == value.to_integral_value() else value
    return None


def _fast_canonical(result: Decimal) -> Number:
    """``canonical(result)`` for a Decimal an operation returned."""
    if result.is_finite() and -_MAX_EXPONENT <= result.adjusted() <= _MAX_EXPONENT:
        return int(result) if result == result.to_integral_value() else result
    return canonical(result)


def binop(operator: str, left: Any, right: Any) -> Any:
    """Evaluate ``left <operator> right`` exactly and within bounds."""
    charge(1)
    a = _fast_operand(left)
    if a is not None:
        b = _fast_operand(right)
        if b is not None:  # two numbers: what the general path below does, without detours
            return _fast_canonical(_NUMBER_OPS[operator][1](a, b))
    if _numeric_list(left) or _numeric_list(right):
        return _elementwise(operator, left, right)
    if operator == "+" and isinstance(left, str) and isinstance(right, str):
        charge((len(left) + len(right)) >> 6)
        return check_size(left + right)
    if operator == "+" and isinstance(left, (list, tuple)) and isinstance(right, (list, tuple)):
        charge(len(left) + len(right))
        return check_list(list(left) + list(right))
    if operator == "*" and isinstance(left, (str, list, tuple)) != isinstance(
        right, (str, list, tuple)
    ):
        seq, times = (left, right) if isinstance(left, (str, list, tuple)) else (right, left)
        if isinstance(times, Decimal) and times == times.to_integral_value():
            times = int(times)
        if isinstance(times, bool) or not isinstance(times, int):
            raise FormulaError("text can only be repeated a whole number of times")
        if times > 0 and len(seq) * times > (
            limits.MAX_TEXT if isinstance(seq, str) else limits.MAX_ITEMS
        ):
            raise FormulaError(
                f"the text would be longer than {limits.MAX_TEXT:,} characters"
                if isinstance(seq, str)
                else f"the list would have more than {limits.MAX_ITEMS:,} items"
            )
        result = seq * max(times, 0)
        charge(size_cost(result))
        return result
    words, fn = _NUMBER_OPS[operator]
    a, b = operand(left, words), operand(right, words)
    return canonical(fn(a, b))


def _numeric_list(value: Any) -> bool:
    """A non-empty list of numbers only: the operators compute on it item by item, as R."""
    return (
        isinstance(value, (list, tuple))
        and bool(value)
        and all(numeric.is_number(v) and not isinstance(v, bool) for v in value)
    )


def _elementwise(operator: str, left: Any, right: Any) -> list[Any]:
    """R's vector arithmetic: list with list of the same length, or list with one number
    (``2.5 * x + y``). Texts and lists of texts keep Python's meaning (join, repeat)."""
    pairs: Iterable[tuple[Any, Any]]
    if isinstance(left, (list, tuple)) and isinstance(right, (list, tuple)):
        if not (_numeric_list(left) and _numeric_list(right)) or len(left) != len(right):
            raise FormulaError(
                f"cannot {_NUMBER_OPS[operator][0]} a list of {len(left)} and a list of "
                f"{len(right)} item by item; they need the same length and numbers only"
            )
        pairs = zip(left, right, strict=True)
    elif isinstance(left, (list, tuple)):
        pairs = ((v, right) for v in left)
    else:
        pairs = ((left, v) for v in right)
    check_list(left if isinstance(left, (list, tuple)) else right)
    return [binop(operator, a, b) for a, b in pairs]


def unop(operator: str, value: Any) -> Any:
    if _numeric_list(value):
        check_list(value)
        return [unop(operator, v) for v in value]
    charge(1)
    if operator == "-":
        return canonical(CONTEXT.minus(operand(value, "negate")))
    if operator == "+":
        return canonical(operand(value, "use '+' on"))
    raise FormulaError(f"operator {operator} is not allowed")
