"""``type: multichoice``: one or several correct choices among options."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Annotated, Any, ClassVar

from pydantic import Field

from ..errors import TemplateProblem
from ..model import Question, Variant, option_letter
from .base import Compiler, FieldReader, Kind, Rendered, Step
from .fields import TRUE_SCHEMA, FieldModel, Flag, Text, bounded_list, documented


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
        Flag,
        Field(
            description="`true` for a right choice; at least one choice must be right.",
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
    correct: bool
    feedback: str = ""
    line: int | None = None


@dataclass(frozen=True)
class Spec:
    choices: tuple[Choice, ...]
    single: bool
    shuffle: bool


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
                "is `correct` and its `feedback`: at least two, at least one of them right.",
                [
                    {"text": "The model weights", "correct": True, "feedback": "Correct."},
                    {"text": "The source code"},
                    {"text": "The API"},
                ],
                minItems=2,
                contains={
                    "type": "object",
                    "required": ["correct"],
                    "properties": {"correct": TRUE_SCHEMA},
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
        if len(choices) < 2:
            r.bad("a multichoice question needs at least two choices", "choices")
        correct = sum(c.correct for c in choices)
        if correct == 0:
            r.bad("no choice is marked 'correct: true'", "choices")
        single = f.single if f.single is not None else correct == 1
        if single and correct > 1:
            r.bad(f"'single: true' but {correct} choices are marked correct", "single")
        texts = [c.text.strip() for c in choices]
        for i, text in enumerate(texts):
            if not text:
                r.problem("a choice has an empty text", choices[i].line)
            elif text in texts[:i] and "{" not in text:
                r.problem(f"the choice '{text}' appears twice", choices[i].line)
        return Spec(choices, single, f.shuffle)

    def compile(self, q: Question, c: Compiler) -> Any:
        return [
            (
                c.template(choice.text, "choices", c.known, choice.line),
                c.template(choice.feedback, "choices", c.with_answer, choice.line),
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
        step("choices")
        rendered = tuple(
            RenderedChoice(t.run(values).strip(), choice.correct, feedback.run(values).strip())
            for (t, feedback), choice in zip(compiled, q.spec.choices)
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

    def record(self, v: Variant, record: dict[str, Any]) -> None:
        record["single"] = v.question.spec.single
        record["choices"] = [
            {"text": c.text, "correct": c.correct, "feedback": c.feedback}
            for c in v.payload.choices
        ]

    def preview(self, v: Variant, wrap: Callable[[str], str]) -> list[str]:
        return [
            wrap(v.text),
            *(f"   {option_letter(i)}) {c.text}" for i, c in enumerate(v.payload.choices)),
        ]

    def answer_line(self, v: Variant) -> str:
        return ", ".join(
            f"{option_letter(i)}) {c.text}" for i, c in enumerate(v.payload.choices) if c.correct
        )
