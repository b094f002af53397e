"""``type: multichoice``: one or several correct choices among options."""

from __future__ import annotations

import random
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Annotated, Any, ClassVar

from pydantic import BeforeValidator, Field, WithJsonSchema

from .. import limits
from ..arithmetic import describe
from ..arithmetic.draws import choose_positions
from ..errors import TemplateProblem
from ..model import Question, Variant, option_letter
from ..numeric import plain
from ..templates import compile_formula
from .base import Compiler, FieldReader, Kind, Rendered, Step
from .fields import (
    FLAG_SCHEMA,
    FORMULA_SCHEMA,
    TRUE_SCHEMA,
    FieldModel,
    Flag,
    Text,
    bounded_list,
    documented,
)


def _flag_or_formula(value: Any) -> Any:
    # true/false (also yes/no/on/off), or a formula that is true or false for each draw.
    if isinstance(value, bool):
        return value
    if isinstance(value, str):
        if value.strip().lower() in _WORDS:
            return _WORDS[value.strip().lower()]
        problem = _formula_problem(value)
        if problem is None:
            return value
        raise ValueError(
            f"should be true or false, or a formula that is true or false (such as "
            f"mean(x) > 50); '{value}' is neither: {problem}"
        )
    raise ValueError("should be true or false")


_WORDS = {w: True for w in ("true", "yes", "on", "y", "1")} | {
    w: False for w in ("false", "no", "off", "n", "0")
}


class ChoiceFields(FieldModel):
    """One choice of a multichoice question."""

    text: Annotated[
        Text,
        Field(
            description="The choice as it is shown. A template, so a wrong choice can be "
            'computed: `"${{ price * 10 }}"`.',
            examples=["The model weights", "${{ (price * requests * 10) | thousands(2) }}"],
        ),
    ]
    correct: Annotated[
        bool | str,
        BeforeValidator(_flag_or_formula),
        WithJsonSchema({"anyOf": [FLAG_SCHEMA, FORMULA_SCHEMA]}),
        Field(
            description="`true` for a right choice; at least one choice must be right. "
            "Or a formula that is true or false for the drawn values, so that whether the "
            "choice is right depends on the data: `mean(x) > 50` (the question then says "
            "`single: true` or `false`).",
            examples=[True],
        ),
    ] = False
    feedback: Annotated[
        Text,
        Field(
            description="Shown to a student who picked this choice (Moodle, Anki).",
            examples=[
                "Correct.",
                "Code shows how the model runs; it does not store what was learned.",
            ],
        ),
    ] = ""


@dataclass(frozen=True)
class Choice:
    text: str  # a template
    #: True/False, or a formula (a text) worked out for each draw.
    correct: bool | str
    feedback: str = ""
    line: int | None = None


@dataclass(frozen=True)
class Spec:
    choices: tuple[Choice, ...]
    single: bool
    shuffle: bool
    #: Keep every right choice and this many wrong ones, drawn per version.
    pick: int | None = None
    #: Make this many wrong numeric options around the right choice's number.
    distractors: int | None = None

    @property
    def varies(self) -> bool:
        """Each version draws its own options (see Question.randomised)."""
        return self.pick is not None or self.distractors is not None


@dataclass(frozen=True)
class RenderedChoice:
    text: str
    correct: bool
    feedback: str = ""


@dataclass(frozen=True)
class Payload:
    choices: tuple[RenderedChoice, ...]

    @property
    def correct_choices(self) -> tuple[RenderedChoice, ...]:
        return tuple(c for c in self.choices if c.correct)


class Multichoice(Kind):
    name = "multichoice"
    fields: ClassVar[dict[str, tuple[Any, Any]]] = {
        "choices": (
            documented(
                bounded_list(ChoiceFields) | None,
                "The options, each with its `text`, whether it "
                "is `correct` and its `feedback`: at least two, at least one of them right "
                "(one, the right one, with `distractors`).",
                [
                    {"text": "The model weights", "correct": True, "feedback": "Correct."},
                    {"text": "The source code"},
                    {"text": "The API"},
                ],
                minItems=1,
                contains={
                    "type": "object",
                    "required": ["correct"],
                    # right, or right when a formula holds
                    "properties": {"correct": {"anyOf": [TRUE_SCHEMA, {"type": "string"}]}},
                },
            ),
            None,
        ),
        "single": (
            documented(
                Flag | None,
                "`true` when a student picks one choice, `false` when several may "
                "be right. Default: `true` when exactly one choice is correct.",
                True,
                False,
            ),
            None,
        ),
        "shuffle": (
            documented(Flag, "Whether Moodle shuffles the options (default `true`).", False),
            True,
        ),
        "pick": (
            documented(
                Annotated[int, Field(ge=1, le=limits.MAX_LIST)] | None,
                "Show every right choice and this many wrong ones, drawn at random for each "
                "version (in an order drawn for each version): `pick: 3` of 6 wrong answers.",
                1,
            ),
            None,
        ),
        "distractors": (
            documented(
                Annotated[int, Field(ge=1, le=limits.MAX_DISTRACTORS)] | None,
                "Make this many wrong options around the right choice, whose text holds a "
                'number (`"{{ total | fixed(2) }}"`, `"${{ cost }}"`): numbers '
                "drawn between half and one and a half times it, with the same decimals, "
                "never equal to the answer or to each other (like R/exams' "
                "`num_to_schoice`).",
                4,
            ),
            None,
        ),
    }
    required = ("choices",)

    def read(self, r: FieldReader) -> Spec | None:
        f = r.fields
        if f.choices is None:
            r.bad("a multichoice question needs 'choices:', a list of {text, correct, feedback}")
            return None
        lines = r.item_lines("choices")
        choices = tuple(
            Choice(c.text, c.correct, c.feedback, lines[i] if i < len(lines) else None)
            for i, c in enumerate(f.choices)
        )
        if not choices:
            r.bad(
                "'choices' is empty; a multichoice question needs at least two choices, one "
                "of them marked 'correct: true'",
                "choices",
            )
            return None
        formulas = [c for c in choices if isinstance(c.correct, str)]
        fixed_right = sum(c.correct is True for c in choices)
        if f.distractors is not None:
            self._read_distractors(r, choices, formulas, f.pick)
        elif len(choices) < 2:
            r.bad("a multichoice question needs at least two choices", "choices")
        if formulas and f.single is None:
            r.bad(
                "the right choices depend on formulas, so say how many may be right: "
                "'single: true' (exactly one in every version) or 'single: false'",
                "choices",
            )
        if not formulas and fixed_right == 0:
            r.bad("no choice is marked 'correct: true'", "choices")
        single = f.single if f.single is not None else fixed_right == 1
        if single and fixed_right > 1:
            r.bad(f"'single: true' but {fixed_right} choices are marked correct", "single")
        if f.pick is not None and not formulas:
            wrong = len(choices) - fixed_right
            if f.pick > wrong:
                r.bad(f"'pick: {f.pick}' but there are only {wrong} wrong choices", "pick")
        texts = [c.text.strip() for c in choices]
        for i, text in enumerate(texts):
            if not text:
                r.problem("a choice has an empty text", choices[i].line)
            elif text in texts[:i] and "{" not in text:
                r.problem(f"the choice '{text}' appears twice", choices[i].line)
        return Spec(choices, single, f.shuffle, f.pick, f.distractors)

    @staticmethod
    def _read_distractors(
        r: FieldReader, choices: tuple[Choice, ...], formulas: list[Choice], pick: int | None
    ) -> None:
        if formulas or [c.correct for c in choices] != [True] or pick is not None:
            r.bad(
                "'distractors' makes the wrong options itself: give one choice, the right "
                "one (correct: true), whose text holds the number, and no 'pick'",
                "distractors",
            )

    def compile(self, q: Question, c: Compiler) -> Any:
        return [
            (
                c.template(choice.text, "choices", c.known, choice.line),
                c.template(choice.feedback, "choices", c.with_answer, choice.line),
                c.formula(choice.correct, "choices", c.known)
                if isinstance(choice.correct, str)
                else choice.correct,
            )
            for choice in q.spec.choices
        ]

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
        step("choices")
        rendered = tuple(
            RenderedChoice(
                t.run(values).strip(), _is_right(right, values), feedback.run(values).strip()
            )
            for t, feedback, right in compiled
        )
        right = sum(c.correct for c in rendered)
        if right == 0:
            raise TemplateProblem("no choice is right for these values")
        if spec.single and right > 1:
            raise TemplateProblem(f"'single: true' but {right} choices are right for these values")
        if spec.varies:
            rng = random.Random(f"multichoice:{seed}")
            if spec.distractors is not None:
                rendered = rendered + distractors(rendered[0], spec.distractors, rng)
            else:
                rendered = _pick(rendered, spec.pick or 0, rng)
            rendered = tuple(
                rendered[i] for i in choose_positions(rng, len(rendered), len(rendered))
            )
        seen: dict[str, RenderedChoice] = {}
        for c in rendered:
            if c.text in seen:
                both = (
                    "a wrong choice equals the correct answer"
                    if c.correct != seen[c.text].correct
                    else "two choices are the same"
                )
                raise TemplateProblem(f"{both} ('{c.text}')")
            seen[c.text] = c
        return Rendered([c.text for c in rendered if c.correct], Payload(rendered))

    def texts(self, payload: Payload) -> list[str]:
        return [c.text + c.feedback for c in payload.choices]

    def markdown(self, payload: Payload) -> list[tuple[str, str, bool]]:
        out = []
        for c in payload.choices:
            out.append(("choices", c.text, True))
            if c.feedback:
                out.append(("choices", c.feedback, False))
        return out

    def record(self, v: Variant, record: dict[str, Any]) -> None:
        record["single"] = v.question.spec.single
        record["choices"] = [
            {"text": c.text, "correct": c.correct, "feedback": c.feedback}
            for c in v.payload.choices
        ]

    def preview(self, v: Variant, wrap: Callable[..., str]) -> list[str]:
        return [
            wrap(v.text),
            *(f"   {option_letter(i)}) {c.text}" for i, c in enumerate(v.payload.choices)),
        ]

    def answer_line(self, v: Variant) -> str:
        return ", ".join(
            f"{option_letter(i)}) {c.text}" for i, c in enumerate(v.payload.choices) if c.correct
        )


def _formula_problem(source: str) -> str | None:
    """Why ``source`` cannot be a formula (its syntax), or None."""
    if not source.strip():
        return "it is empty"
    try:
        compile_formula(source)
    except TemplateProblem as exc:
        return exc.message
    return None


def _is_right(right: Any, values: Mapping[str, Any]) -> bool:
    """A choice's ``correct``: a flag, or a formula worked out for these values."""
    if isinstance(right, bool):
        return right
    result = right.run(values)
    if not isinstance(result, bool):
        raise TemplateProblem(
            f"'correct: {right.source.strip()}' should be true or false (a comparison such as "
            f"mean(x) > 50), not {describe(result)}"
        )
    return result


def _pick(
    choices: tuple[RenderedChoice, ...], k: int, rng: random.Random
) -> tuple[RenderedChoice, ...]:
    """Every right choice and ``k`` wrong ones drawn at random, in the bank's order."""
    wrong = [i for i, c in enumerate(choices) if not c.correct]
    if k > len(wrong):
        raise TemplateProblem(
            f"'pick: {k}' but only {len(wrong)} choices are wrong for these values"
        )
    kept = {wrong[i] for i in choose_positions(rng, len(wrong), k)}
    return tuple(c for i, c in enumerate(choices) if c.correct or i in kept)


#: A number in a choice's text: what 'distractors' changes (sign, digits, decimals).
_NUMBER = re.compile(r"-?\d{1,3}(?:,\d{3})+(?:\.\d+)?|-?\d+(?:\.\d+)?")


def distractors(right: RenderedChoice, k: int, rng: random.Random) -> tuple[RenderedChoice, ...]:
    """``k`` wrong options around the number in ``right``'s text (R/exams'
    ``num_to_schoice``): drawn uniformly between half and one and a half times it, written
    with its decimals (and thousands separators), at least a minimum gap from the answer
    and from each other, so that no two options are equal after rounding."""
    match = _NUMBER.search(right.text)
    if match is None:
        raise TemplateProblem(
            f"'distractors' needs a number in the right choice's text, not '{right.text}'"
        )
    written = match.group()
    grouped = "," in written
    value = Decimal(written.replace(",", ""))
    places = max(-value.as_tuple().exponent, 0)  # type: ignore[operator]
    unit = Decimal(1).scaleb(-places)
    size = abs(value) if value else Decimal(1)
    # The gap: 5 % of the answer, at least two units of its last decimal.
    gap = max(size * Decimal("0.05"), 2 * unit)
    low, high = (value - size / 2, value + size / 2) if value else (-size, size)
    if value > 0:
        low = max(low, unit)  # a positive answer gets positive wrong options
    taken = [value]
    options: list[RenderedChoice] = []
    for _ in range(limits.DISTRACTOR_TRIES):
        if len(options) == k:
            break
        drawn = low + (high - low) * Decimal(repr(rng.random()))
        candidate = drawn.quantize(unit, rounding=ROUND_HALF_UP)
        if all(abs(candidate - t) >= gap for t in taken):
            taken.append(candidate)
            shown = f"{candidate:,f}" if grouped else f"{candidate:f}"
            text = right.text[: match.start()] + shown + right.text[match.end() :]
            options.append(RenderedChoice(text, False, ""))
    if len(options) < k:
        raise TemplateProblem(
            f"could not make {k} different wrong options around {written} "
            f"(they must differ by at least {plain(gap)}); ask for fewer 'distractors' or "
            "show more decimals"
        )
    return tuple(options)
