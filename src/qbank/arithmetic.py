"""The operators and functions formulas may use, all bounded.

Jinja2's sandbox hands every intercepted operator to :func:`binop`; the whitelist of
functions lives in :data:`FUNCTIONS`. Nothing here can build a number past
``numeric.MAX_EXPONENT``, a text longer than :data:`limits.MAX_TEXT`, a list longer than
:data:`limits.MAX_ITEMS` or a list of lists, and every operation is charged to the
:class:`WorkMeter` of the template being run, so a template's work is bounded however it
is written (see docs/security.md).
"""

from __future__ import annotations

import math
import time
from contextvars import ContextVar
from decimal import Decimal, DecimalException, DivisionByZero
from typing import Any, Callable

from . import numeric
from . import limits
from .numeric import CONTEXT, Number, canonical, to_decimal

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

    __slots__ = ("steps_left", "output_left", "deadline", "late_message", "budgets",
                 "_next_clock")

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
            raise FormulaError(f"it does too much work (more than {limits.MAX_STEPS:,} steps of "
                               "arithmetic and text handling); simplify it")
        if self.steps_left <= self._next_clock:
            self._next_clock = self.steps_left - _CLOCK_EVERY
            if time.monotonic() > self.deadline:
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
        try:
            shown = numeric.plain(value)
        except (ArithmeticError, TypeError):
            return "a number out of range"
        return f"the number {shown if len(shown) <= 40 else shown[:37] + '...'}"
    if isinstance(value, (list, tuple)):
        return "a list"
    return "this value"


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


#: Results of the slow decimal functions (powers, roots, logarithms, exp: 10 to 50 µs each)
#: by function and the exact digits of their arguments. A bank's formulas call them with
#: the same few arguments in variant after variant (0.5 ** (t / h) for a few dozen t / h).
#: The arguments' text (str) is the key, not their value: Decimal('0.50') and
#: Decimal('0.5') are equal but may give results with different exponents. The work
#: meter is charged by the callers as before, whether the result was remembered or not.
_REMEMBERED: dict[tuple, Decimal] = {}
_REMEMBER_LIMIT = 20_000
_REMEMBER_LONGEST = 50


def _remembered(fn: Callable[..., Decimal], *args: Decimal) -> Decimal:
    key = (fn.__name__, *map(str, args))
    result = _REMEMBERED.get(key)
    if result is None:
        result = fn(*args)  # errors (trapped signals) are raised, never remembered
        if len(_REMEMBERED) < _REMEMBER_LIMIT and \
                all(len(text) <= _REMEMBER_LONGEST for text in key[1:]):
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
                "to work out")
    if base == 0 and exponent < 0:
        raise DivisionByZero()
    charge(limits.POWER_STEPS)  # decimal powers cost tens of microseconds
    return _remembered(CONTEXT.power, base, exponent)


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
    else None: the operand ``_num`` would give, with the same exponent."""
    kind = type(value)
    if kind is int:
        if -_MAX_INT < value < _MAX_INT:
            return Decimal(value)
    elif kind is Decimal and value.is_finite() and \
            -_MAX_EXPONENT <= value.adjusted() <= _MAX_EXPONENT:
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
    if operator == "+" and isinstance(left, str) and isinstance(right, str):
        charge((len(left) + len(right)) >> 6)
        return check_size(left + right)
    if (operator == "+" and isinstance(left, (list, tuple))
            and isinstance(right, (list, tuple))):
        charge(len(left) + len(right))
        return check_list(list(left) + list(right))
    if operator == "*" and isinstance(left, (str, list, tuple)) != isinstance(right, (str, list, tuple)):
        seq, times = (left, right) if isinstance(left, (str, list, tuple)) else (right, left)
        if isinstance(times, Decimal) and times == times.to_integral_value():
            times = int(times)
        if isinstance(times, bool) or not isinstance(times, int):
            raise FormulaError("text can only be repeated a whole number of times")
        if times > 0 and len(seq) * times > (limits.MAX_TEXT if isinstance(seq, str) else limits.MAX_ITEMS):
            raise FormulaError(f"the text would be longer than {limits.MAX_TEXT:,} characters"
                               if isinstance(seq, str) else
                               f"the list would have more than {limits.MAX_ITEMS:,} items")
        result = seq * max(times, 0)
        charge(size_cost(result))
        return result
    words, fn = _NUMBER_OPS[operator]
    a, b = _num(left, words), _num(right, words)
    return canonical(fn(a, b))


def unop(operator: str, value: Any) -> Any:
    charge(1)
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


def display(value: Any) -> str:
    """How a value appears in rendered text: numbers in full, never in exponent form."""
    kind = type(value)
    if kind is str:
        return value
    if kind is int or (kind is Decimal and value.is_finite()):
        text = _PLAIN.get(value)
        if text is None:
            text = numeric.plain(value)
            if len(_PLAIN) < _PLAIN_LIMIT and len(text) <= _PLAIN_LONGEST:
                _PLAIN[value] = text
        return text
    if isinstance(value, str):
        return value
    if isinstance(value, ShownNumber):
        return value.text
    if isinstance(value, bool):
        return "true" if value else "false"
    if numeric.is_number(value):
        return numeric.plain(value)
    if value is None:
        return ""
    if isinstance(value, (list, tuple)):
        check_list(value)
        charge(len(value))
        text = ", ".join(display(v) for v in value)
        if len(text) > limits.MAX_TEXT:
            raise FormulaError(f"the text would be longer than {limits.MAX_TEXT:,} characters")
        return text
    return str(value)


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


# --- whitelisted functions ---------------------------------------------------------------


def _round(value: Any, places: Any = 0) -> Number:
    return numeric.round_half_up(_num(value, "round"), places)


def _sqrt(value: Any) -> Number:
    dec = _num(value, "take the square root of")
    if dec < 0:
        raise FormulaError(f"cannot take the square root of a negative number ({numeric.plain(dec)})")
    return canonical(_remembered(CONTEXT.sqrt, dec))


def _log(value: Any, base: Any = None) -> Number:
    dec = _num(value, "take the logarithm of")
    if dec <= 0:
        raise FormulaError(f"the logarithm needs a positive number, not {numeric.plain(dec)}")
    if base is None:
        return canonical(_remembered(CONTEXT.ln, dec))
    b = _num(base, "use as a logarithm base")
    if b <= 0 or b == 1:
        raise FormulaError("a logarithm base must be positive and not 1")
    return canonical(CONTEXT.divide(_remembered(CONTEXT.ln, dec), _remembered(CONTEXT.ln, b)))


def _log10(value: Any) -> Number:
    dec = _num(value, "take the logarithm of")
    if dec <= 0:
        raise FormulaError(f"the logarithm needs a positive number, not {numeric.plain(dec)}")
    return canonical(_remembered(CONTEXT.log10, dec))


def _exp(value: Any) -> Number:
    return canonical(_remembered(CONTEXT.exp, _num(value, "take exp of")))


def _float_fn(name: str, fn: Callable[[float], float]) -> Callable[[Any], Number]:
    def wrapped(value: Any) -> Number:
        try:
            return canonical(Decimal(repr(fn(float(_num(value, f"take {name} of"))))))
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
    def text_filter(value: Any) -> str:
        text = display(value)
        charge(1 + (len(text) >> 6))
        return check_size(fn(text))  # upper() can lengthen a text ('ß' -> 'SS')

    return text_filter


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

__all__ = ["CONSTANTS", "FILTERS", "FUNCTIONS", "FormulaError", "limits.MAX_ITEMS", "limits.MAX_STEPS",
           "limits.MAX_TEXT", "ShownNumber", "TooMuchText", "TooSlow", "WorkMeter", "DecimalException", "binop",
           "charge", "check_list", "concat", "display", "finalize", "unop"]
