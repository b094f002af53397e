"""The data that flows through qbank: validated questions, drawn variants, a generated set.

Plain frozen dataclasses, no I/O. The bank loader builds :class:`Bank` and
:class:`Question`; the generator turns each question into :class:`Variant` objects; the
exporters read :class:`GeneratedSet` and never render templates or evaluate formulas.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Literal, Mapping

Number = int | Decimal

QUESTION_TYPES = ("numerical", "multichoice", "truefalse", "shortanswer", "essay",
                  "matching", "cloze")
QuestionType = Literal["numerical", "multichoice", "truefalse", "shortanswer", "essay",
                       "matching", "cloze"]

#: Section a question lands in (Anki sub-deck, worksheet heading) when it names none.
DEFAULT_SECTIONS: dict[str, str] = {
    "cloze": "Key facts",
    "matching": "Vocabulary",
}
DEFAULT_SECTION = "Practice"


@dataclass(frozen=True)
class Param:
    """A randomised parameter: a grid ``min, min+step, ..., <= max`` or a list of choices."""

    name: str
    minimum: Number | None = None
    maximum: Number | None = None
    step: Number | None = None
    choices: tuple[Any, ...] = ()

    @property
    def is_range(self) -> bool:
        return not self.choices

    def describe(self) -> str:
        from .numeric import plain

        if self.choices:
            return "one of " + ", ".join(plain(c) if not isinstance(c, str) else repr(c)
                                         for c in self.choices)
        return f"{plain(self.minimum)} to {plain(self.maximum)} step {plain(self.step)}"


@dataclass(frozen=True)
class Choice:
    text: str  # a template
    correct: bool
    feedback: str = ""
    line: int | None = None


@dataclass(frozen=True)
class Tolerance:
    """Absolute (``0.01``) or relative (``"1%"``); ``None`` value = half the last decimal."""

    value: Number | None = None
    relative: bool = False

    def describe(self) -> str:
        from .numeric import plain

        if self.value is None:
            return "half a unit of the last decimal shown"
        return f"{plain(self.value)}%" if self.relative else plain(self.value)


@dataclass(frozen=True)
class Question:
    id: str
    type: QuestionType
    title: str
    text: str
    line: int
    section: str
    solution: str = ""
    feedback: str = ""
    tags: tuple[str, ...] = ()
    points: Number = 1
    params: tuple[Param, ...] = ()
    let: tuple[tuple[str, str], ...] = ()
    where: tuple[str, ...] = ()
    # numerical
    answer_formula: str | None = None
    tolerance: Tolerance = field(default_factory=Tolerance)
    unit: str = ""
    unit_position: Literal["before", "after"] = "after"
    decimals: int | None = None
    thousands: bool = False
    # multichoice
    choices: tuple[Choice, ...] = ()
    single: bool = True
    shuffle: bool = True
    # truefalse
    truth: bool | None = None
    feedback_true: str = ""
    feedback_false: str = ""
    # shortanswer
    accepted: tuple[str, ...] = ()
    case_sensitive: bool = False
    # essay
    model_answer: str = ""
    lines: int = 8
    # matching
    pairs: tuple[tuple[str, str], ...] = ()
    # where the question came from, for error messages
    file: str | None = None
    field_lines: Mapping[str, int] = field(default_factory=dict, compare=False)

    @property
    def randomised(self) -> bool:
        return bool(self.params)

    def line_of(self, field_name: str) -> int:
        return self.field_lines.get(field_name, self.line)


@dataclass(frozen=True)
class Bank:
    id: str
    title: str
    questions: tuple[Question, ...]
    subtitle: str = ""
    intro: str = ""
    tags: tuple[str, ...] = ()
    instructions: str = ""
    language: str = "en"
    file: str | None = None
    #: Things the loader changed to make the bank safe to export, as
    #: "FILE:LINE: question 'ID': message" lines (the CLI prints them).
    warnings: tuple[str, ...] = field(default=(), compare=False)

    def question(self, question_id: str) -> Question:
        for q in self.questions:
            if q.id == question_id:
                return q
        raise KeyError(question_id)


@dataclass(frozen=True)
class RenderedChoice:
    text: str
    correct: bool
    feedback: str = ""


@dataclass(frozen=True)
class ClozeBlank:
    """One blank of a cloze text: the accepted answers, the first being the main one."""

    answers: tuple[str, ...]

    @property
    def answer(self) -> str:
        return self.answers[0]


@dataclass(frozen=True)
class Variant:
    """One drawn instance of a question: everything an exporter needs, already computed.

    ``number`` is k in 1..N for a randomised question and 1 for a fixed one. ``seed`` is
    the integer this variant was drawn from; exporters that shuffle for presentation
    (worksheet options, matching definitions) seed their own ``random.Random`` with it.
    """

    question: Question
    number: int
    seed: int
    params: Mapping[str, Any]
    derived: Mapping[str, Any]
    text: str
    title: str
    solution: str = ""
    feedback: str = ""
    # numerical
    answer: Any = None
    answer_text: str = ""
    tolerance: Number | None = None
    # multichoice
    choices: tuple[RenderedChoice, ...] = ()
    # truefalse
    feedback_true: str = ""
    feedback_false: str = ""
    # shortanswer: accepted answers; essay: model answer in ``answer``
    accepted: tuple[str, ...] = ()
    # matching
    pairs: tuple[tuple[str, str], ...] = ()
    # cloze: text pieces and blanks in reading order
    cloze: tuple[str | ClozeBlank, ...] = ()

    @property
    def id(self) -> str:
        return self.question.id

    @property
    def type(self) -> str:
        return self.question.type

    @property
    def randomised(self) -> bool:
        return self.question.randomised

    @property
    def blanks(self) -> tuple[ClozeBlank, ...]:
        return tuple(part for part in self.cloze if isinstance(part, ClozeBlank))

    @property
    def correct_choices(self) -> tuple[RenderedChoice, ...]:
        return tuple(c for c in self.choices if c.correct)

    @property
    def tags(self) -> tuple[str, ...]:
        return self.question.tags


@dataclass(frozen=True)
class GeneratedSet:
    """The result of one run: N versions of a bank under one seed.

    ``variants[qid]`` holds the variants of one question: N for a randomised question,
    exactly one for a fixed question (it is the same in every version).
    """

    bank: Bank
    seed: int
    count: int
    variants: Mapping[str, tuple[Variant, ...]]

    def version(self, k: int) -> list[Variant]:
        """Version k (1-based) of the worksheet: variant k of every randomised question."""
        if not 1 <= k <= self.count:
            raise IndexError(k)
        out = []
        for q in self.bank.questions:
            vs = self.variants[q.id]
            out.append(vs[k - 1] if q.randomised else vs[0])
        return out

    def versions(self):
        for k in range(1, self.count + 1):
            yield k, self.version(k)

    def all_variants(self):
        """Every distinct variant once: fixed questions once, randomised ones N times."""
        for q in self.bank.questions:
            yield from self.variants[q.id]
