"""``type: truefalse``: a statement that is true or false, with feedback for each answer."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, ClassVar

from ..i18n import PRACTICE, _
from ..model import Question, Variant
from .base import Compiler, FieldReader, Kind, Rendered, Step
from .fields import FLAG_SCHEMA, Text, documented


@dataclass(frozen=True)
class Spec:
    truth: bool
    feedback_true: str
    feedback_false: str


@dataclass(frozen=True)
class Payload:
    #: Shown to a student who answered True / False.
    feedback_true: str
    feedback_false: str


class TrueFalse(Kind):
    name = "truefalse"
    default_section = PRACTICE
    fields: ClassVar[dict[str, tuple[Any, Any]]] = {
        "answer": (
            documented(
                Any,
                "`true` or `false`: whether the statement in `text` is true.",
                True,
                False,
                schema=FLAG_SCHEMA,
            ),
            None,
        ),
        "feedback_true": (
            documented(
                Text,
                "Shown to students who answered true.",
                "No: some open models still have license limits.",
            ),
            "",
        ),
        "feedback_false": (documented(Text, "Shown to students who answered false.", "Right."), ""),
    }
    required = ("answer",)

    def read(self, r: FieldReader) -> Spec | None:
        f = r.fields
        answer = f.answer
        if isinstance(answer, str) and answer.strip().lower() in ("true", "false"):
            answer = answer.strip().lower() == "true"
        if not isinstance(answer, bool):
            r.bad(
                "a truefalse question needs 'answer: true' or 'answer: false'",
                "answer" if "answer" in r.written else None,
            )
            return None
        return Spec(answer, f.feedback_true, f.feedback_false)

    def compile(self, q: Question, c: Compiler) -> Any:
        return (
            c.template(q.spec.feedback_true, "feedback_true", c.known),
            c.template(q.spec.feedback_false, "feedback_false", c.known),
        )

    def render(
        self,
        q: Question,
        compiled: Any,
        values: Mapping[str, Any],
        text: str,
        step: Step,
        seed: int,
    ) -> Rendered:
        feedback_true, feedback_false = compiled
        return Rendered(
            q.spec.truth, Payload(feedback_true.run(values), feedback_false.run(values))
        )

    def texts(self, payload: Payload) -> list[str]:
        return [payload.feedback_true, payload.feedback_false]

    def markdown(self, payload: Payload) -> list[tuple[str, str, bool]]:
        return [
            ("feedback_true", payload.feedback_true, False),
            ("feedback_false", payload.feedback_false, False),
        ]

    def record(self, v: Variant, record: dict[str, Any]) -> None:
        record["feedback_true"] = v.payload.feedback_true
        record["feedback_false"] = v.payload.feedback_false

    def answer_line(self, v: Variant) -> str:
        return _("True") if v.answer else _("False")
