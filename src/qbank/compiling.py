"""Compiling a question once: its templates and formulas, its parameters' grids.

Every template and formula of a question is compiled once per run (:func:`compile_question`)
and the names it uses are checked against the question's parameters and ``let`` values;
each parameter's grid of values is worked out once, not once per draw.
"""

from __future__ import annotations

import random
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from . import numeric
from .arithmetic import CONSTANTS, FUNCTIONS
from .arithmetic.draws import DRAW_NAMES
from .datasets import CompiledData, compile_data
from .errors import BankInvalid, Problem, QbankError, TemplateProblem
from .figures import CompiledFigure, compile_figure
from .kinds import KINDS
from .model import Bank, Param, Question
from .numeric import CONTEXT, canonical
from .templates import (
    Compiled,
    compile_formula,
    compile_template,
    is_template,
    unknown_name_message,
)

#: Grids with at most this many values are listed once per question; larger ones (a
#: range may hold up to 10**12 values) work each drawn value out when it is drawn.
LISTED_GRID_LIMIT = 4_096


class _Static:
    """A text with no template markers: rendering is the identity (the common case)."""

    __slots__ = ("calls", "names", "source")

    def __init__(self, source: str) -> None:
        self.source = source
        self.names: frozenset[str] = frozenset()
        self.calls: frozenset[str] = frozenset()

    def run(self, values: Mapping[str, Any]) -> str:
        return self.source


Renderable = Compiled | _Static


class ParamGrid:
    """The values one parameter can take, worked out once: ``value(i)`` for ``0 <= i < size``.

    Equal to :func:`param_value` and :func:`param_values`, without the decimal arithmetic
    on every draw.
    """

    __slots__ = ("_listed", "param", "size")

    def __init__(self, param: Param) -> None:
        self.param = param
        self.size = param_values(param)
        self._listed: tuple[Any, ...] | None = None
        if param.choices:
            self._listed = tuple(param.choices)
        elif self.size <= LISTED_GRID_LIMIT:
            self._listed = tuple(param_value(param, i) for i in range(self.size))

    def value(self, index: int) -> Any:
        if self._listed is not None:
            return self._listed[index]
        return param_value(self.param, index)


@dataclass
class CompiledQuestion:
    """A question with every template and formula compiled, ready to draw variants."""

    question: Question
    title: Renderable
    text: Renderable
    solution: Renderable
    feedback: Renderable
    let: list[tuple[str, Compiled]]
    where: list[Compiled]
    #: What the question's kind compiled of its own fields (see Kind.compile).
    own: Any = None
    grids: tuple[ParamGrid, ...] = ()
    #: Whether its 'let' draws random data (rnorm, sample...): then no two variants are
    #: shared (memo, validation's kept variants), as their data differs.
    draws: bool = False
    #: Its figures' formulas and texts (:func:`qbank.figures.compile_figure`).
    figures: tuple[CompiledFigure, ...] = ()
    #: Its data set's formulas (:func:`qbank.datasets.compile_data`), if it has one.
    datasets: tuple[CompiledData, ...] = ()
    #: For a question with figures: the one draw validation drew its figures for (see
    #: :func:`qbank.trials.check_question`), whose texts it checks.
    sample: Any = field(default=None, repr=False, compare=False)
    #: Variants built while validating, by grid positions
    #: (see :func:`qbank.pipeline.validate_bank`).
    tried: dict[tuple[int, ...], Any] = field(default_factory=dict, repr=False, compare=False)

    def draw_positions(self, rng: random.Random) -> tuple[int, ...]:
        """One draw: a grid position per parameter, in the order the parameters are listed."""
        return tuple([rng.randrange(grid.size) for grid in self.grids])

    def values_at(self, positions: tuple[int, ...]) -> dict[str, Any]:
        return {grid.param.name: grid.value(i) for grid, i in zip(self.grids, positions)}


def _where(q: Question, field_name: str) -> dict[str, Any]:
    return {"file": q.file, "line": q.line_of(field_name), "question": q.id}


class _Compiler:
    """Compiles one question's templates and formulas, collecting every problem
    (what :meth:`qbank.kinds.base.Kind.compile` is given)."""

    def __init__(self, q: Question) -> None:
        self.q = q
        self.problems: list[Problem] = []
        self.known: set[str] = {p.name for p in q.params}
        self.with_answer: set[str] = set()

    def template(
        self,
        source: str,
        field: str,
        known: set[str],
        line: int | None = None,
        *,
        plain: bool = False,
    ) -> Renderable:
        """A text template. Texts are Markdown, so the values it inserts are escaped to show
        as they are; a ``plain`` text (a title, an accepted answer) inserts them as they are."""
        kind = "plain" if plain else "template"
        compiled = self._compile(source, field, kind, known, line)
        return compiled if compiled is not None else _Static(source)

    def formula(self, source: str, field: str, known: set[str]) -> Compiled | None:
        return self._compile(source, field, "formula", known, None)

    def _compile(
        self, source: str, field_name: str, kind: str, known: set[str], line: int | None
    ) -> Any:
        q = self.q
        try:
            if kind == "formula":
                compiled: Renderable = compile_formula(source)
            elif is_template(source):
                compiled = compile_template(source, markdown=kind == "template")
            else:
                return _Static(source)
            if not field_name.startswith("let") and compiled.calls & DRAW_NAMES:
                raise TemplateProblem(
                    f"{', '.join(sorted(compiled.calls & DRAW_NAMES))}() draws random data, "
                    "which only 'let' can do: draw it there and use its name here"
                )
            for name in sorted(compiled.names - known):
                message = unknown_name_message(name, [*known, *FUNCTIONS, *CONSTANTS])
                later = [n for n, _ in q.let if n == name]
                if later and field_name.startswith("let"):
                    message += (
                        " — 'let' values are worked out in order, so a value can "
                        "only use the ones above it"
                    )
                elif name == "answer":
                    message += " — 'answer' can only be used in the solution and feedback"
                raise TemplateProblem(message)
            return compiled
        except QbankError as exc:
            loc = _where(q, field_name)
            # A syntax error on a line of a '|' block names that line of the file.
            within = getattr(exc, "template_line", None)
            if line is None and within and field_name in q.block_lines:
                line = q.block_lines[field_name] + within - 1
            self.problems.append(
                Problem(f"in '{field_name}': {exc.message}", loc["file"], line or loc["line"], q.id)
            )
            return None


def compile_question(q: Question) -> CompiledQuestion:
    """Compile every template and formula of a question and check the names they use.

    Raises :class:`BankInvalid` listing every problem found in the question.
    """
    c = _Compiler(q)
    let = []
    for name, formula in q.let:
        compiled = c.formula(formula, f"let.{name}", c.known)
        if compiled is not None:
            let.append((name, compiled))
        c.known.add(name)
    c.with_answer = c.known | {"answer", "answer_text"}
    cq = CompiledQuestion(
        question=q,
        title=c.template(q.title, "title", c.known, plain=True),
        text=c.template(q.text, "text", c.known),
        solution=c.template(q.solution, "solution", c.with_answer),
        feedback=c.template(q.feedback, "feedback", c.with_answer),
        let=let,
        where=[w for w in (c.formula(w, "where", c.known) for w in q.where) if w],
        grids=tuple(ParamGrid(p) for p in q.params),
        draws=any(compiled.calls & DRAW_NAMES for _, compiled in let)
        or getattr(q.spec, "varies", False),
    )
    cq.own = KINDS[q.type].compile(q, c)
    cq.figures = tuple(
        compile_figure(
            spec,
            figure_label(q, n),
            c.known,
            c.formula,
            lambda source, field: c.template(source, field, c.known, plain=True),
        )
        for n, spec in enumerate(q.figures, 1)
    )
    if q.data is not None:
        cq.datasets = (compile_data(q.data, q.id, c.known, c.formula),)
    if c.problems:
        raise BankInvalid(c.problems)
    return cq


def figure_label(q: Question, number: int) -> str:
    """How problems name a question's figure: ``figure`` (one, written as ``figure:``) or
    ``figures.2``."""
    return "figure" if "figure" in q.field_lines else f"figures.{number}"


def param_values(param: Param) -> int:
    """How many values a parameter can take."""
    if param.choices:
        return len(param.choices)
    span = numeric.to_decimal(param.maximum) - numeric.to_decimal(param.minimum)
    return (
        int(
            CONTEXT.divide(span, numeric.to_decimal(param.step)).to_integral_value(
                rounding="ROUND_FLOOR"
            )
        )
        + 1
    )


def param_value(param: Param, index: int) -> Any:
    if param.choices:
        return param.choices[index]
    return canonical(
        CONTEXT.add(
            numeric.to_decimal(param.minimum),
            CONTEXT.multiply(index, numeric.to_decimal(param.step)),
        )
    )


def compile_bank(bank: Bank) -> dict[str, CompiledQuestion]:
    problems: list[Problem] = []
    compiled = {}
    for q in bank.questions:
        try:
            compiled[q.id] = compile_question(q)
        except BankInvalid as exc:
            problems.extend(exc.problems)
    if problems:
        raise BankInvalid(problems)
    return compiled
