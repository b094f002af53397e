"""``type: essay``: a written answer marked by hand, with a model answer for the key."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, ClassVar

from ..model import Question, Variant
from .base import Compiler, FieldReader, Kind, Rendered, Step, yaml_bool_hint
from .fields import documented


@dataclass(frozen=True)
class Spec:
    model_answer: str  # a template
    #: Ruled lines to write on (worksheet), box size (Moodle).
    lines: int


@dataclass(frozen=True)
class Payload:
    model_answer: str


class Essay(Kind):
    name = "essay"
    fields: ClassVar[dict[str, tuple[Any, Any]]] = {
        "answer": (
            documented(
                Any,
                "The model answer or marking guide, a template (answer key, Moodle's "
                "information for graders).",
                "Open source: local deployment keeps patient data in the hospital.",
                schema={"type": ["string", "null"]},
            ),
            None,
        ),
        "lines": (
            documented(
                int,
                "Ruled lines to write on in the worksheet (1 to 60, default 8); also the "
                "size of Moodle's answer box.",
                10,
                schema={"type": "integer", "minimum": 1, "maximum": 60},
            ),
            8,
        ),
    }

    def read(self, r: FieldReader) -> Spec | None:
        f = r.fields
        answer = f.answer
        if isinstance(answer, bool):
            r.bad(yaml_bool_hint(answer), "answer")
            return None
        if answer is not None and not isinstance(answer, str):
            r.bad("'answer' of an essay is the model answer, as text", "answer")
            return None
        if not 1 <= f.lines <= 60:
            r.bad("'lines' must be between 1 and 60", "lines")
        return Spec((answer or "").strip("\n"), f.lines)

    def compile(self, q: Question, c: Compiler) -> Any:
        return c.template(q.spec.model_answer, "answer", c.known)

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
        model = compiled.run(values)
        return Rendered(model, Payload(model))

    def texts(self, payload: Payload) -> list[str]:
        return [payload.model_answer]

    def markdown(self, payload: Payload) -> list[tuple[str, str, bool]]:
        return [("answer", payload.model_answer, False)]

    def record(self, v: Variant, record: dict[str, Any]) -> None:
        pass

    def answer_line(self, v: Variant) -> str:
        return v.payload.model_answer
