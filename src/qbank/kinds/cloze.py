"""``type: cloze``: a text with blanks ``[[answer|other accepted answer]]`` to fill in."""

from __future__ import annotations

import random
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, ClassVar

from .. import i18n, limits, numeric
from ..arithmetic import describe
from ..arithmetic.draws import choose_positions
from ..errors import TemplateProblem
from ..model import Number, Question, Variant
from ..numeric import canonical
from ..richtext.escape import unescape_markdown
from ..richtext.parse import CLOZE_BLANK
from ..templates import compile_formula
from .base import Compiler, FieldReader, Kind, Rendered, Step
from .fields import Flag, Text, documented
from .numerical import (
    CURRENCY_SYMBOLS,
    TOLERANCE_SCHEMA,
    Tolerance,
    read_shown_fields,
    read_tolerance,
    shown_number,
    with_unit,
)

# A '|' separates accepted answers; an escaped one ('\|', from a value {{ }} inserted) does not.
_ALTERNATIVES = re.compile(r"(?<!\\)\|")


_NO_TOLERANCE = Tolerance()  # half a unit of the last decimal shown


@dataclass(frozen=True)
class Spec:
    case_sensitive: bool
    #: For numeric blanks [[= formula]]: as a numerical question's fields.
    tolerance: Tolerance = _NO_TOLERANCE
    decimals: int | None = None
    unit: str = ""
    unit_position: str = "after"
    #: The unit is a currency symbol: the run's locale puts it before or after the value
    #: in the answer shown (``$30.00``, ``30,00 $`` in French), as for a numerical answer.
    currency: bool = False


@dataclass(frozen=True)
class ClozeBlank:
    """One blank of a cloze text.

    ``kind`` "text" (``[[answer|other]]``): the accepted answers, the first being the main
    one. "numeric" (``[[= formula]]``): ``value`` within ``tolerance``; ``answers`` holds it
    as shown (decimals, unit). "choice" (``[[? right | wrong | wrong]]``): ``options`` in
    the order shown for this version; ``answers`` holds the right one.
    """

    answers: tuple[str, ...]
    kind: str = "text"
    value: Number | None = None
    tolerance: Number | None = None
    options: tuple[str, ...] = ()
    #: The numeric answer as shown without its unit ("3.25"), for formats that add it.
    number_text: str = ""

    @property
    def answer(self) -> str:
        return self.answers[0]


@dataclass(frozen=True)
class Payload:
    #: Text pieces and blanks in reading order.
    parts: tuple[str | ClozeBlank, ...]

    @property
    def blanks(self) -> tuple[ClozeBlank, ...]:
        return tuple(part for part in self.parts if isinstance(part, ClozeBlank))


class Cloze(Kind):
    name = "cloze"
    default_section = i18n.KEY_FACTS
    text_field: ClassVar[dict[str, Any]] = {
        "description": "The text with its blanks, a template. Each blank is written "
        "`[[answer]]`; `|` separates other accepted answers, the first being "
        "the main one: `[[colour|color]]`. Blanks may hold template values: "
        "`[[{{ a + b }}]]`. `[[= formula]]` is a numeric blank (graded with the question's "
        "`tolerance`, or its own: `[[= a / b ± 0.01]]`); `[[? right | wrong | wrong]]` a "
        "drop-down list.",
        "examples": [
            "Inference cost = [[cost per request]] × [[number of requests]].",
            "{{ a }} + {{ b }} = [[{{ a + b }}]]",
            "The mean of {{ x | join(', ') }} is [[= mean(x)]].",
            "The median is [[? less than | equal to | greater than]] the mean.",
        ],
        "pattern": r"\[\[[\s\S]*?\]\]",
    }
    fields: ClassVar[dict[str, tuple[Any, Any]]] = {
        "case_sensitive": (
            documented(
                Flag,
                "`true` when the words in the blanks must have the same capitals as the "
                "answers (default `false`).",
                True,
            ),
            False,
        ),
        "tolerance": (
            documented(
                Any,
                "For numeric blanks `[[= formula]]`: how far an answer may be from the value, "
                'absolute (`0.01`) or relative (`"1%"`), as for a numerical question. '
                "A blank may set its own: `[[= a / b ± 0.05]]`.",
                0.01,
                "1%",
                schema=TOLERANCE_SCHEMA,
            ),
            None,
        ),
        "decimals": (
            documented(
                int | None,
                "For numeric blanks: decimal places the value is shown with (answer keys, "
                "Anki), 0 to 10.",
                2,
                schema={"type": "integer", "minimum": 0, "maximum": 10},
            ),
            None,
        ),
        "unit": (
            documented(
                Text,
                "For numeric blanks: the unit shown with the value (`m/s`, `$`).",
                "m/s",
            ),
            "",
        ),
    }

    def read(self, r: FieldReader) -> Spec | None:
        blanks = CLOZE_BLANK.findall(r.fields.text)
        if not blanks:
            r.bad(
                "a cloze question needs at least one blank in its text, written [[answer]]", "text"
            )
        for blank in blanks:
            content = blank.strip()
            if content in ("=", "?"):
                r.bad(
                    f"a blank [[{content}]] needs "
                    + ("a formula after '='" if content == "=" else "its options after '?'")
                    + " (to ask for the sign itself, write [[\\"
                    + content
                    + "]])",
                    "text",
                )
            elif not any(part.strip() for part in blank.split("|")):
                r.bad("a blank [[ ]] is empty; write the answer inside it", "text")
        f = r.fields
        tolerance = read_shown_fields(r)
        unit = f.unit.strip()
        currency = bool(unit) and unit[0] in CURRENCY_SYMBOLS
        position = "before" if currency else "after"
        return Spec(f.case_sensitive, tolerance, f.decimals, unit, position, currency)

    def compile(self, q: Question, c: Compiler) -> Any:
        """The formulas of numeric blanks written without template values, compiled (and
        their names checked) once; others are compiled when first met."""
        formulas: dict[str, Any] = {}
        for blank in CLOZE_BLANK.findall(q.text):
            parsed = _numeric(blank)
            if parsed is not None and "{" not in parsed[0]:
                compiled = c.formula(parsed[0], "text", c.known)
                if compiled is not None:
                    formulas[parsed[0]] = compiled
        return formulas

    def render(
        self,
        q: Question,
        compiled: Any,
        values: Mapping[str, Any],
        text: str,
        step: Step,
        seed: int,
    ) -> Rendered:
        spec: Spec = q.spec
        parts: list[str | ClozeBlank] = []
        for number, part in enumerate(split_cloze(text)):
            if isinstance(part, str):
                parts.append(part)
            else:
                parts.append(_blank(part[0], spec, compiled, values, seed, number))
        blanks = [p for p in parts if isinstance(p, ClozeBlank)]
        if not blanks:
            raise TemplateProblem("the text has no blanks [[...]] left after rendering")
        if any(not b.answers for b in blanks):
            raise TemplateProblem("a blank [[ ]] is empty for these values")
        return Rendered([list(b.answers) for b in blanks], Payload(tuple(parts)))

    def texts(self, payload: Payload) -> list[str]:
        return [p if isinstance(p, str) else "".join(p.answers) for p in payload.parts]

    def record(self, v: Variant, record: dict[str, Any]) -> None:
        spec: Spec = v.question.spec
        record["case_sensitive"] = spec.case_sensitive
        record["parts"] = [p if isinstance(p, str) else _blank_record(p) for p in v.payload.parts]

    def preview(self, v: Variant, wrap: Callable[..., str]) -> list[str]:
        return [wrap(v.text, blanks=True)]

    def answer_line(self, v: Variant) -> str:
        return "; ".join(" / ".join(b.answers) for b in v.payload.blanks)


def _blank_record(blank: ClozeBlank) -> dict[str, Any]:
    record: dict[str, Any] = {"blank": list(blank.answers)}
    if blank.kind == "numeric":
        record["numeric"] = {"value": blank.value, "tolerance": blank.tolerance}
    elif blank.kind == "choice":
        record["options"] = list(blank.options)
    return record


def _numeric(source: str) -> tuple[str, str | None] | None:
    """``[[= formula ± tol]]``'s (formula, tolerance or None), or None for another blank.
    A ``]]`` inside the formula is written ``] ]``."""
    content = source.strip()
    if not content.startswith("="):
        return None
    formula, _, tolerance = content[1:].partition("\u00b1")
    formula = unescape_markdown(formula).replace("] ]", "]]").strip()
    return formula, (tolerance.strip() or None) if _ else None


def _blank(
    source: str,
    spec: Spec,
    formulas: dict[str, Any],
    values: Mapping[str, Any],
    seed: int,
    number: int,
) -> ClozeBlank:
    numeric_blank = _numeric(source)
    if numeric_blank is not None:
        return _numeric_blank(*numeric_blank, spec, formulas, values)
    content = source.strip()
    if content.startswith("?"):
        options = tuple(
            unescape_markdown(o.strip()) for o in _ALTERNATIVES.split(content[1:]) if o.strip()
        )
        if len(options) < 2:
            raise TemplateProblem(
                f"the drop-down blank [[{content}]] needs at least two options, the right one "
                "first: [[? right | wrong | wrong]]"
            )
        if len(set(options)) < len(options):
            raise TemplateProblem(f"the drop-down blank [[{content}]] lists an option twice")
        rng = random.Random(f"cloze:{seed}:{number}")
        shown = tuple(options[i] for i in choose_positions(rng, len(options), len(options)))
        return ClozeBlank((options[0],), "choice", options=shown)
    # The answers are plain text: what {{ }} inserted was escaped for Markdown; '\=' and
    # '\?' at the start ask for an answer that begins with the sign itself.
    answers = tuple(unescape_markdown(a.strip()) for a in _ALTERNATIVES.split(source) if a.strip())
    return ClozeBlank(answers)


def _numeric_blank(
    formula: str,
    tolerance_text: str | None,
    spec: Spec,
    formulas: dict[str, Any],
    values: Mapping[str, Any],
) -> ClozeBlank:
    compiled = formulas.get(formula)
    if compiled is None:
        if len(formulas) >= limits.MAX_CLOZE_FORMULAS:
            raise TemplateProblem("the numeric blanks hold too many different formulas")
        compiled = formulas[formula] = compile_formula(formula)
    result = compiled.run(values)
    if not numeric.is_number(result):
        raise TemplateProblem(f"the blank [[= {formula}]] gave {describe(result)}, not a number")
    value = canonical(result)
    tolerance = spec.tolerance
    if tolerance_text is not None:
        try:
            tolerance = read_tolerance(tolerance_text)
        except ValueError as exc:
            raise TemplateProblem(
                f"in the blank [[= {formula} ± {tolerance_text}]]: {exc}"
            ) from None
    number_text, absolute = shown_number(value, spec.decimals, tolerance)
    # A currency symbol goes where the class writes it (30,00 € in French), as in a
    # numerical answer: the blank's unit is shown in the keys, never next to the blank.
    position, space = spec.unit_position, None
    if spec.currency and (placed := i18n.currency_placement()) is not None:
        position, space = placed
    shown = with_unit(i18n.local_number(number_text), spec.unit, position, space)
    return ClozeBlank((shown,), "numeric", value, absolute, number_text=number_text)


def split_cloze(text: str) -> list[str | tuple[str]]:
    """Split a rendered cloze text into text pieces and blanks (each the 1-tuple of its
    source between ``[[`` and ``]]``)."""
    parts: list[str | tuple[str]] = []
    pos = 0
    for match in CLOZE_BLANK.finditer(text):
        parts.append(text[pos : match.start()])
        parts.append((match.group(1),))
        pos = match.end()
    parts.append(text[pos:])
    return [p for p in parts if p != ""]
