"""``type: shortanswer``: a word or phrase typed in, one or several accepted answers."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, ClassVar

from .. import numeric
from ..model import Question, Variant
from .base import Compiler, FieldReader, Kind, Rendered, Step, yaml_bool_hint
from .fields import FILLED_TEXT_SCHEMA, Flag, documented


@dataclass(frozen=True)
class Spec:
    accepted: tuple[str, ...]  # templates
    case_sensitive: bool


@dataclass(frozen=True)
class Payload:
    accepted: tuple[str, ...]


class ShortAnswer(Kind):
    name = "shortanswer"
    fields: ClassVar[dict[str, tuple[Any, Any]]] = {
        "answer": (
            documented(
                Any,
                "The accepted answer, or a list of accepted answers (templates). Put an "
                'answer that YAML reads as true/false in quotes: `answer: "no"`.',
                "application programming interface",
                ["green", "Green"],
                schema={
                    "anyOf": [
                        FILLED_TEXT_SCHEMA,
                        {"type": "array", "items": FILLED_TEXT_SCHEMA, "minItems": 1},
                    ]
                },
            ),
            None,
        ),
        "case_sensitive": (
            documented(
                Flag,
                "`true` when an answer must have the same capitals as an accepted one "
                "(default `false`).",
                True,
            ),
            False,
        ),
    }
    required = ("answer",)

    def read(self, r: FieldReader) -> Spec | None:
        f = r.fields
        answers = f.answer if isinstance(f.answer, list) else [f.answer]
        out = []
        for a in answers:
            if isinstance(a, bool):
                r.bad(yaml_bool_hint(a), "answer")
                return None
            if isinstance(a, (int, float, Decimal)):
                a = numeric.plain(a)
            if not isinstance(a, str) or not a.strip():
                r.bad(
                    "a shortanswer question needs 'answer:', one accepted answer or a list of them",
                    "answer" if "answer" in r.written else None,
                )
                return None
            out.append(a.strip())
        return Spec(tuple(dict.fromkeys(out)), f.case_sensitive)

    def compile(self, q: Question, c: Compiler) -> Any:
        return [c.template(a, "answer", c.known, plain=True) for a in q.spec.accepted]

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
        accepted = tuple(dict.fromkeys(a.run(values).strip() for a in compiled))
        return Rendered(list(accepted), Payload(accepted))

    def texts(self, payload: Payload) -> tuple[str, ...]:
        return payload.accepted

    def record(self, v: Variant, record: dict[str, Any]) -> None:
        record["case_sensitive"] = v.question.spec.case_sensitive

    def answer_line(self, v: Variant) -> str:
        return " / ".join(v.payload.accepted)
