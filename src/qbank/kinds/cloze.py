"""``type: cloze``: a text with blanks ``[[answer|other accepted answer]]`` to fill in."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, ClassVar

from ..errors import TemplateProblem
from ..model import Question, Variant
from ..richtext.escape import unescape_markdown
from ..richtext.parse import CLOZE_BLANK
from .base import FieldReader, Kind, Rendered, Step
from .fields import Flag, documented

# A '|' separates accepted answers; an escaped one ('\|', from a value {{ }} inserted) does not.
_ALTERNATIVES = re.compile(r"(?<!\\)\|")


@dataclass(frozen=True)
class Spec:
    case_sensitive: bool


@dataclass(frozen=True)
class ClozeBlank:
    """One blank of a cloze text: the accepted answers, the first being the main one."""

    answers: tuple[str, ...]

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
    default_section = "Key facts"
    text_field: ClassVar[dict[str, Any]] = {
        "description": "The text with its blanks, a template. Each blank is written "
        "`[[answer]]`; `|` separates other accepted answers, the first being "
        "the main one: `[[colour|color]]`. Blanks may hold template values: "
        "`[[{{ a + b }}]]`.",
        "examples": [
            "Inference cost = [[cost per request]] × [[number of requests]].",
            "{{ a }} + {{ b }} = [[{{ a + b }}]]",
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
    }

    def read(self, r: FieldReader) -> Spec | None:
        blanks = CLOZE_BLANK.findall(r.fields.text)
        if not blanks:
            r.bad(
                "a cloze question needs at least one blank in its text, written [[answer]]", "text"
            )
        for blank in blanks:
            if not any(part.strip() for part in blank.split("|")):
                r.bad("a blank [[ ]] is empty; write the answer inside it", "text")
        return Spec(r.fields.case_sensitive)

    def render(
        self,
        q: Question,
        compiled: Any,
        values: Mapping[str, Any],
        text: str,
        step: Step,
        seed: int,
    ) -> Rendered:
        parts = tuple(ClozeBlank(p) if isinstance(p, tuple) else p for p in split_cloze(text))
        blanks = [p for p in parts if isinstance(p, ClozeBlank)]
        if not blanks:
            raise TemplateProblem("the text has no blanks [[...]] left after rendering")
        if any(not b.answers for b in blanks):
            raise TemplateProblem("a blank [[ ]] is empty for these values")
        return Rendered([list(b.answers) for b in blanks], Payload(parts))

    def texts(self, payload: Payload) -> list[str]:
        return [p if isinstance(p, str) else "".join(p.answers) for p in payload.parts]

    def record(self, v: Variant, record: dict[str, Any]) -> None:
        record["case_sensitive"] = v.question.spec.case_sensitive
        record["parts"] = [
            p if isinstance(p, str) else {"blank": list(p.answers)} for p in v.payload.parts
        ]

    def preview(self, v: Variant, wrap: Callable[..., str]) -> list[str]:
        return [wrap(v.text, blanks=True)]

    def answer_line(self, v: Variant) -> str:
        return "; ".join(" / ".join(b.answers) for b in v.payload.blanks)


def split_cloze(text: str) -> list[str | tuple[str, ...]]:
    """Split a rendered cloze text into text pieces and blanks (tuples of accepted answers)."""
    parts: list[str | tuple[str, ...]] = []
    pos = 0
    for match in CLOZE_BLANK.finditer(text):
        parts.append(text[pos : match.start()])
        # The answers are plain text: what {{ }} inserted was escaped for Markdown.
        answers = tuple(
            unescape_markdown(a.strip()) for a in _ALTERNATIVES.split(match.group(1)) if a.strip()
        )
        parts.append(answers)
        pos = match.end()
    parts.append(text[pos:])
    return [p for p in parts if p != ""]
