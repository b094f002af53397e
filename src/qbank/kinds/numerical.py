"""``type: numerical``: a number computed from a formula, with tolerance and unit."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from typing import Any, ClassVar, Literal

from .. import i18n, numeric
from ..arithmetic import ShownNumber, describe
from ..errors import TemplateProblem
from ..model import Number, Question, Variant
from ..numeric import CONTEXT, canonical, plain
from .base import Compiler, FieldReader, Kind, Rendered, Step
from .fields import FORMULA_SCHEMA, Flag, Num, Text, documented

#: Decimal places shown for an answer whose question sets no 'decimals'.
DEFAULT_MAX_PLACES = 6
CURRENCY_SYMBOLS = set("$€£¥₹₩₽₺₪฿₫₦₱")
#: What :func:`read_tolerance` accepts: a number, or a text holding one, with a % or not.
TOLERANCE_SCHEMA = {
    "anyOf": [
        {"type": "number", "minimum": 0},
        {
            "type": "string",
            "pattern": (
                r"^\s*[+]?([0-9][0-9_]*(\.[0-9_]*)?|\.[0-9][0-9_]*)"
                r"([eE][-+]?[0-9]+)?\s*%?\s*$"
            ),
        },
    ]
}


@dataclass(frozen=True)
class Tolerance:
    """Absolute (``0.01``) or relative (``"1%"``); ``None`` value = half the last decimal."""

    value: Number | None = None
    relative: bool = False

    def describe(self) -> str:
        if self.value is None:
            return "half a unit of the last decimal shown"
        return f"{plain(self.value)}%" if self.relative else plain(self.value)


@dataclass(frozen=True)
class Spec:
    answer_formula: str
    tolerance: Tolerance
    unit: str
    unit_position: Literal["before", "after"]
    decimals: int | None
    thousands: bool
    #: A currency symbol placed by qbank (no 'unit_position'): the locale of the run may
    #: put it elsewhere ("30,00 €" in French; qbank.i18n.currency_placement).
    currency: bool = False


@dataclass(frozen=True)
class Payload:
    #: The answer as it is shown, with its decimals and unit ("$30.00").
    answer_text: str
    #: The absolute tolerance for this variant's answer (a relative one worked out).
    tolerance: Number


class Numerical(Kind):
    name = "numerical"
    fields: ClassVar[dict[str, tuple[Any, Any]]] = {
        "answer": (
            documented(
                Any,
                "The formula that computes the answer from the parameters and `let` values; "
                "its exact value is the key.",
                "price * requests",
                "round(distance / hours, 1)",
                schema=FORMULA_SCHEMA,
            ),
            None,
        ),
        "tolerance": (
            documented(
                Any,
                "How far an answer may be from the key and still be right: absolute (`0.01`) "
                'or relative (`"1%"`). Default: half a unit of the last decimal shown '
                "(`decimals: 2` gives 0.005; a whole-number answer 0.5).",
                0.01,
                "1%",
                schema=TOLERANCE_SCHEMA,
            ),
            None,
        ),
        "unit": (
            documented(
                Text,
                "The unit of the answer, written after the number (`1.00 s`, `60 km/h`, "
                "`50%`), except currency symbols (`$ € £ ¥ ₹ …`), which go before (`$50.00`).",
                "$",
                "km/h",
                "%",
            ),
            "",
        ),
        "unit_position": (
            documented(
                str | None,
                "`before` or `after`: where the unit goes, to override the choice "
                "described under `unit`.",
                "before",
                "after",
                schema={"enum": ["before", "after"]},
            ),
            None,
        ),
        "decimals": (
            documented(
                int | None,
                "Decimal places shown wherever the answer is displayed (`21.60`, not "
                "`21.6`), rounded half-up; 0 to 10. Without it the exact value is shown (at most "
                "6 decimals).",
                2,
                0,
                schema={"type": "integer", "minimum": 0, "maximum": 10},
            ),
            None,
        ),
        "thousands": (
            documented(
                Flag, "`true` to show the answer with thousands separators (`900,000`).", True
            ),
            False,
        ),
    }
    required = ("answer",)

    def read(self, r: FieldReader) -> Spec | None:
        f = r.fields
        answer = f.answer
        formula = None
        if answer is None or (isinstance(answer, str) and not answer.strip()):
            r.bad(
                "a numerical question needs 'answer:', the formula that computes it",
                "answer" if "answer" in r.written else None,
            )
        elif isinstance(answer, bool) or not isinstance(answer, (str, int, float, Decimal)):
            r.bad("'answer' must be a formula such as 'price * requests'", "answer")
        else:
            formula = answer if isinstance(answer, str) else numeric.plain(answer)
        tolerance = read_shown_fields(r)
        unit = f.unit.strip()
        position = f.unit_position
        currency = position is None and bool(unit) and unit[0] in CURRENCY_SYMBOLS
        if position is None:
            position = "before" if currency else "after"
        elif position not in ("before", "after"):
            r.bad("'unit_position' must be 'before' or 'after'", "unit_position")
            position = "after"
        if formula is None:
            return None
        return Spec(formula, tolerance, unit, position, f.decimals, f.thousands, currency)

    def compile(self, q: Question, c: Compiler) -> Any:
        return c.formula(q.spec.answer_formula, "answer", c.known)

    def render(
        self,
        q: Question,
        compiled: Any,
        values: Mapping[str, Any],
        text: str,
        step: Step,
        seed: int,
    ) -> Rendered:
        step("answer")
        spec: Spec = q.spec
        result = compiled.run(values)
        if not numeric.is_number(result):
            raise TemplateProblem(f"the answer formula gave {describe(result)}, not a number")
        answer = canonical(result)
        number_text, tolerance = shown_number(answer, spec.decimals, spec.tolerance, spec.thousands)
        # What a student reads is in the run's locale ("1 234,5"); the answer's value stays
        # a number, as Moodle and the JSON record read it.
        position: str = spec.unit_position
        space: str | None = None
        if spec.currency and (placed := i18n.currency_placement()) is not None:
            position, space = placed
        answer_text = with_unit(i18n.local_number(number_text), spec.unit, position, space)
        return Rendered(
            answer,
            Payload(answer_text, tolerance),
            {"answer": ShownNumber(answer, number_text), "answer_text": answer_text},
        )

    def texts(self, payload: Payload) -> list[str]:
        return [payload.answer_text]

    def record(self, v: Variant, record: dict[str, Any]) -> None:
        spec: Spec = v.question.spec
        record["unit"] = spec.unit
        record["tolerance"] = v.payload.tolerance
        record["decimals"] = spec.decimals
        record["answer_text"] = v.payload.answer_text
        record["unit_position"] = spec.unit_position
        if spec.tolerance.relative:
            record["tolerance_relative_percent"] = spec.tolerance.value

    def preview(self, v: Variant, wrap: Callable[..., str]) -> list[str]:
        return [wrap(v.text)]

    def answer_line(self, v: Variant) -> str:
        return v.payload.answer_text


def shown_number(
    answer: Number, decimals: int | None, tolerance: Tolerance, thousands: bool = False
) -> tuple[str, Number]:
    """A numeric answer as shown (``decimals`` places, or its own up to 6) and its absolute
    tolerance (a relative one worked out; none given: half a unit of the last place)."""
    if decimals is not None:
        places = decimals
    else:
        shown = plain(answer)
        places = min(len(shown.split(".")[1]) if "." in shown else 0, DEFAULT_MAX_PLACES)
    number_text = numeric.fixed(answer, places, thousands=thousands)
    if tolerance.value is None:
        absolute: Number = _half_unit(places)
    elif tolerance.relative:
        absolute = canonical(
            CONTEXT.divide(
                CONTEXT.multiply(
                    abs(numeric.to_decimal(answer)), numeric.to_decimal(tolerance.value)
                ),
                100,
            )
        )
    else:
        absolute = tolerance.value
    return number_text, absolute


def read_shown_fields(r: FieldReader) -> Tolerance:
    """The fields of how a numeric answer is shown and graded, as numerical questions and
    cloze numeric blanks share them: ``tolerance`` (returned) and ``decimals`` (checked)."""
    f = r.fields
    tolerance = Tolerance()
    if f.tolerance is not None:
        try:
            tolerance = read_tolerance(f.tolerance)
        except ValueError as exc:
            r.bad(str(exc), "tolerance")
    if f.decimals is not None and not 0 <= f.decimals <= 10:
        r.bad("'decimals' must be between 0 and 10", "decimals")
    return tolerance


def read_tolerance(value: Any) -> Tolerance:
    if isinstance(value, str) and value.strip().endswith("%"):
        try:
            pct = numeric.canonical(numeric.to_decimal(value.strip()[:-1]))
        except (TypeError, numeric.NumberError):
            raise ValueError(
                f"'tolerance' must be a number or a percentage like \"1%\", not '{value}'"
            ) from None
        if pct < 0:
            raise ValueError("'tolerance' cannot be negative")
        return Tolerance(pct, relative=True)
    try:
        if isinstance(value, bool):
            raise TypeError
        tol = numeric.canonical(numeric.to_decimal(value))
    except (TypeError, numeric.NumberError):
        raise ValueError(
            f"'tolerance' must be a number or a percentage like \"1%\", not '{value}'"
        ) from None
    if tol < 0:
        raise ValueError("'tolerance' cannot be negative")
    return Tolerance(tol)


@cache  # places is 0..numeric.MAX_PLACES
def _half_unit(places: int) -> Number:
    """The default tolerance: half a unit in the last decimal place shown (0.005 for 2)."""
    return canonical(numeric.to_decimal(5).scaleb(-(places + 1)))


#: Signs of plane angle: degree (and the º and ˚ often typed for it), minute, second.
ANGLE_SIGNS = set("°º˚′″'\"")
#: Written straight after the number, as the teacher wrote them: ``50%``, ``5‰``.
GLUED_UNITS = {"%", "‰"}


def unit_is_glued(unit: str) -> bool:
    """Whether ``unit`` follows its number without a space, as the SI brochure (section
    5.4.3) writes it: a space always (``5 kg``, ``3 m/s²``, ``10 °C``, ``300 K``) except for
    the plane-angle signs ``°``, ``′`` and ``″`` (``45°``, ``12′``, ``30°/s``). A degree sign
    followed by a letter is a temperature (``°C``, ``°F``) and is spaced. ``%`` and ``‰``
    stay as teachers usually write them (``50%``)."""
    if unit in GLUED_UNITS:
        return True
    if unit[0] not in ANGLE_SIGNS:
        return False
    rest = unit[1:].lstrip()
    return not (unit[0] in "°º˚" and rest[:1].isalpha())


def with_unit(number_text: str, unit: str, position: str, space: str | None = None) -> str:
    """The answer as shown: ``$30.00`` (a unit before), ``10 °C``, ``45°``, ``50%``;
    ``space``: what separates a currency symbol from its number in the run's locale
    (``30,00\u00a0€``)."""
    if not unit:
        return number_text
    if space is not None:
        if position == "after":
            return f"{number_text}{space}{unit}"
        if number_text.startswith("-"):
            return f"-{unit}{space}{number_text[1:]}"
        return f"{unit}{space}{number_text}"
    if position == "before":
        if number_text.startswith("-"):
            return f"-{unit}{number_text[1:]}"
        return f"{unit}{number_text}"
    if unit_is_glued(unit):
        return f"{number_text}{unit}"
    return f"{number_text} {unit}"


# Num is re-exported for kinds that read numbers the same way.
__all__ = [
    "DEFAULT_MAX_PLACES",
    "Num",
    "Numerical",
    "Payload",
    "Spec",
    "Tolerance",
    "read_shown_fields",
    "read_tolerance",
    "shown_number",
    "unit_is_glued",
    "with_unit",
]
