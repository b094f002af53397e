"""The data that flows through qbank: validated questions, drawn variants, a generated set.

Plain frozen dataclasses, no I/O. The bank loader builds :class:`Bank` and
:class:`Question`; the generator turns each question into :class:`Variant` objects; the
exporters read :class:`GeneratedSet` and never render templates or evaluate formulas.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cached_property
from typing import Any

Number = int | Decimal

#: A call of a function that draws random data (qbank.arithmetic.draws.DRAW_NAMES), which
#: no bank name may shadow: a question whose 'let' makes one differs in every version.
_DRAW_CALL = re.compile(r"\b(?:rnorm|runif|rbinom|rpois|sample|shuffle)\s*\(")


@dataclass(frozen=True)
class Param:
    """A randomised parameter: a grid ``min, min+step, ..., <= max`` or a list of choices."""

    name: str
    minimum: Number | None = None
    maximum: Number | None = None
    step: Number | None = None
    choices: tuple[Any, ...] = ()

    def describe(self) -> str:
        from .numeric import plain

        if self.choices:
            return "one of " + ", ".join(
                plain(c) if not isinstance(c, str) else repr(c) for c in self.choices
            )
        return f"{plain(self.minimum)} to {plain(self.maximum)} step {plain(self.step)}"


@dataclass(frozen=True)
class Question:
    """A validated question: what every type has, and its type's own fields in ``spec``.

    ``spec`` is the frozen dataclass its kind module (:mod:`qbank.kinds`) made from the
    bank fields of that type (e.g. :class:`qbank.kinds.numerical.Spec`).
    """

    id: str
    type: str
    title: str
    text: str
    line: int
    section: str
    spec: Any
    solution: str = ""
    feedback: str = ""
    tags: tuple[str, ...] = ()
    points: Number = 1
    params: tuple[Param, ...] = ()
    let: tuple[tuple[str, str], ...] = ()
    where: tuple[str, ...] = ()
    #: Its figures (:class:`qbank.figures.FigureSpec`), in the order ``figure:N`` numbers them.
    figures: tuple[Any, ...] = ()
    #: Its data set (:class:`qbank.datasets.DataSpec`), or None.
    data: Any = None
    # where the question came from, for error messages
    file: str | None = None
    field_lines: Mapping[str, int] = field(default_factory=dict, compare=False)
    #: The line of the first line of each field written as a '|' block, where a line of
    #: its text is a line of the file (a problem on the template's 3rd line names it).
    block_lines: Mapping[str, int] = field(default_factory=dict, compare=False)

    @cached_property
    def randomised(self) -> bool:
        """Drawn anew in every version: parameters, or random data drawn in 'let'."""
        return (
            bool(self.params)
            or any(_DRAW_CALL.search(f) for _, f in self.let)
            # a kind may draw per version itself (multichoice 'pick' and 'distractors')
            or getattr(self.spec, "varies", False)
        )

    def line_of(self, field_name: str) -> int:
        """The line of a field (``text``), or of one 'let' value (``let.total``)."""
        line = self.field_lines.get(field_name)
        if line is None and "." in field_name:
            line = self.field_lines.get(field_name.split(".")[0])
        return self.line if line is None else line


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
    #: "a4" or "letter" when the bank sets its paper; None: chosen by its language.
    paper: str | None = None
    #: Whether ``$…$`` and ``\\(…\\)`` in texts are formulas (bank field ``math``).
    math: bool = True
    file: str | None = None
    #: Things the loader changed to make the bank safe to export, as
    #: "FILE:LINE: question 'ID': message" lines (the CLI prints them).
    warnings: tuple[str, ...] = field(default=(), compare=False)

    def question(self, question_id: str) -> Question:
        for q in self.questions:
            if q.id == question_id:
                return q
        raise KeyError(question_id)


@dataclass(frozen=True, slots=True, eq=False)
class Drawn:
    """Everything computed from one draw of a question's parameters.

    It depends only on the drawn values, so versions that drew the same values share one
    ``Drawn`` (see :mod:`qbank.generator`); it compares and hashes by identity, so an
    exporter can cache what it made of one cheaply. ``answer`` is the key in the neutral form the
    JSON record writes; ``payload`` is the type's own rendered content, a frozen dataclass
    of its kind module (e.g. :class:`qbank.kinds.numerical.Payload`).
    """

    question: Question
    params: Mapping[str, Any]
    derived: Mapping[str, Any]
    text: str
    title: str
    solution: str
    feedback: str
    answer: Any
    payload: Any
    #: The figures drawn for these values (``src`` ``figure:<hash16>``), in the question's
    #: order; the text shows each one (``![alt](figure:<hash16>)``).
    figures: tuple[ImageFile, ...] = ()
    #: The data sets worked out for these values (the question's ``data:``), each written
    #: as a CSV file by every exporter that can carry one.
    datasets: tuple[DataSet, ...] = ()


@dataclass(frozen=True, slots=True)
class Variant:
    """One drawn instance of a question: everything an exporter needs, already computed.

    ``number`` is k in 1..N for a randomised question and 1 for a fixed one. ``seed`` is
    the integer this variant was drawn from; exporters that shuffle for presentation
    (worksheet options, matching definitions) seed their own ``random.Random`` with it.
    """

    drawn: Drawn
    number: int
    seed: int

    @property
    def question(self) -> Question:
        return self.drawn.question

    @property
    def params(self) -> Mapping[str, Any]:
        return self.drawn.params

    @property
    def derived(self) -> Mapping[str, Any]:
        return self.drawn.derived

    @property
    def text(self) -> str:
        return self.drawn.text

    @property
    def title(self) -> str:
        return self.drawn.title

    @property
    def solution(self) -> str:
        return self.drawn.solution

    @property
    def feedback(self) -> str:
        return self.drawn.feedback

    @property
    def answer(self) -> Any:
        return self.drawn.answer

    @property
    def payload(self) -> Any:
        return self.drawn.payload

    @property
    def id(self) -> str:
        return self.drawn.question.id

    @property
    def type(self) -> str:
        return self.drawn.question.type

    @property
    def randomised(self) -> bool:
        return self.drawn.question.randomised

    @property
    def tags(self) -> tuple[str, ...]:
        return self.drawn.question.tags


def option_letter(index: int) -> str:
    """The label of option ``index`` (0-based): A, B, ..., Z, AA, AB, ..."""
    label = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        label = chr(ord("A") + rest) + label
    return label


@dataclass(frozen=True, slots=True)
class ImageFile:
    """One image a text shows, read from the bank's folder and checked (:mod:`qbank.media`).

    ``name`` is made from a hash of the content (``qbank-<hash>.<ext>``): the same picture
    has the same name in every run, so Anki keeps one copy of it on re-import.
    """

    src: str  #: the path as written in the text, relative to the bank file's folder
    name: str  #: file name in the outputs, from the content's hash, with its extension
    data: bytes  #: the file's bytes
    media_type: str  #: image/png, image/jpeg, image/gif or image/svg+xml
    width: int  #: in pixels (an SVG: its size in CSS pixels)
    height: int
    #: For an SVG: the same picture as PNG, for Word (which cannot show SVG alone).
    png: bytes | None = None
    #: Pixels per inch it is printed at (a figure qbank draws: 150, so it prints at the size
    #: its bank gives in cm); None: 96, a screen's pixel.
    dpi: int | None = None


@dataclass(frozen=True, slots=True)
class DataSet:
    """One version's data set (a question's ``data:``, :mod:`qbank.datasets`): columns of
    values and the CSV file made of them.

    ``file_name`` is ``<name>-<hash12>.csv``, from a hash of the CSV's bytes: the same data
    has the same file name in every run, so Anki keeps one copy of it.
    """

    name: str  #: the file's stem as the bank gives it (default: the question id)
    file_name: str  #: ``<name>-<hash12>.csv``
    #: (heading, values) per column, in the bank's order; a value is an int, a Decimal or
    #: a text, and every column has as many as the others.
    columns: tuple[tuple[str, tuple[Any, ...]], ...]
    data: bytes  #: the CSV file: UTF-8, ``,`` between values, a header row, CRLF lines

    @property
    def headings(self) -> tuple[str, ...]:
        return tuple(heading for heading, _ in self.columns)

    @property
    def row_count(self) -> int:
        return len(self.columns[0][1]) if self.columns else 0

    def rows(self) -> list[tuple[str, ...]]:
        """The values as qbank writes them (numbers exactly: ``2.50`` is ``2.5``), by row."""
        from .numeric import plain

        shown = [[v if isinstance(v, str) else plain(v) for v in vs] for _, vs in self.columns]
        return list(zip(*shown))


@dataclass(frozen=True)
class Repeats:
    """A randomised question some of whose versions drew the same values."""

    question: Question
    versions: int
    #: How many different draws the versions got.
    distinct: int
    #: How many different versions the question can have; exactly, or at most (a large
    #: space with 'where' conditions is not listed).
    possible: int
    exact: bool = True


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
    #: The randomised questions whose versions repeat (see :class:`Repeats`).
    repeats: tuple[Repeats, ...] = ()
    #: Per question id, the digest of each variant: filled on first use by
    #: :func:`qbank.content.variant_digests` (what students see, as short hashes).
    digests: dict[str, tuple[str, ...]] = field(default_factory=dict, compare=False, repr=False)
    #: Every image the texts show, by its path as written in the text (``![alt](path)``),
    #: loaded and checked before anything is written (:mod:`qbank.media`).
    media: Mapping[str, ImageFile] = field(default_factory=dict, compare=False, repr=False)

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
