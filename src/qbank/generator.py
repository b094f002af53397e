"""Deterministic drawing of parameters and building of Variants.

Variant k of question q under seed s is a pure function of (s, bank id, q id, k): each
variant gets its own ``random.Random`` seeded from a hash of those four values, so adding,
removing or reordering other questions never changes it. Templates and formulas are
compiled once per question (:class:`CompiledQuestion`), then run once per variant.

Speed (see docs/benchmarks.md): each parameter's grid of values is worked out once per
question, not once per draw; a draw is a tuple of grid positions; and within one run a
question remembers what it built for each tuple of positions it drew, so when two versions
draw the same numbers (common: a teacher's ranges are small) the formulas and templates run
once and the second variant is a re-numbered copy of the first. Validation, which builds
every combination of a small parameter space anyway, hands what it built to the run that
follows. Building a variant depends only on the drawn values, so none of this changes any
output.
"""

from __future__ import annotations

import gc
import hashlib
import random
from dataclasses import dataclass, field
from typing import Any, Callable, Mapping

from . import limits, numeric
from .arithmetic import CONSTANTS, FUNCTIONS
from .errors import BankInvalid, Problem, QbankError, TemplateProblem
from .kinds import KINDS
from .model import Bank, Drawn, GeneratedSet, Param, Question, Variant
from .numeric import CONTEXT, canonical, plain
from .templates import Compiled, compile_formula, compile_template, is_template, unknown_name_message

#: Grids with at most this many values are listed once per question; larger ones (a
#: range may hold up to 10**12 values) work each drawn value out when it is drawn.
LISTED_GRID_LIMIT = 4_096


def variant_seed(seed: int, bank_id: str, question_id: str, number: int) -> int:
    digest = hashlib.sha256(f"{seed}\x1f{bank_id}\x1f{question_id}\x1f{number}".encode()).digest()
    return int.from_bytes(digest[:8], "big")


class _Static:
    """A text with no template markers: rendering is the identity (the common case)."""

    __slots__ = ("source", "names")

    def __init__(self, source: str) -> None:
        self.source = source
        self.names: frozenset[str] = frozenset()

    def run(self, values: Mapping[str, Any]) -> str:
        return self.source


Renderable = Compiled | _Static


class ParamGrid:
    """The values one parameter can take, worked out once: ``value(i)`` for ``0 <= i < size``.

    Equal to :func:`param_value` and :func:`param_values`, without the decimal arithmetic
    on every draw.
    """

    __slots__ = ("param", "size", "_listed")

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
    #: Variants built while validating, by grid positions (see :func:`qbank.pipeline.validate_bank`).
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

    def template(self, source: str, field: str, known: set[str],
                 line: int | None = None) -> Renderable:
        compiled = self._compile(source, field, "template", known, line)
        return compiled if compiled is not None else _Static(source)

    def formula(self, source: str, field: str, known: set[str]) -> Compiled | None:
        return self._compile(source, field, "formula", known, None)

    def _compile(self, source: str, field_name: str, kind: str, known: set[str],
                 line: int | None) -> Any:
        q = self.q
        try:
            if kind == "formula":
                compiled: Renderable = compile_formula(source)
            elif is_template(source):
                compiled = compile_template(source)
            else:
                return _Static(source)
            for name in sorted(compiled.names - known):
                message = unknown_name_message(name, [*known, *FUNCTIONS, *CONSTANTS])
                later = [n for n, _ in q.let if n == name]
                if later and field_name.startswith("let"):
                    message += (" — 'let' values are worked out in order, so a value can "
                                "only use the ones above it")
                elif name == "answer":
                    message += " — 'answer' can only be used in the solution and feedback"
                raise TemplateProblem(message)
            return compiled
        except QbankError as exc:
            loc = _where(q, field_name.split(".")[0])
            self.problems.append(Problem(f"in '{field_name}': {exc.message}", loc["file"],
                                         line or loc["line"], q.id))
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
        title=c.template(q.title, "title", c.known),
        text=c.template(q.text, "text", c.known),
        solution=c.template(q.solution, "solution", c.with_answer),
        feedback=c.template(q.feedback, "feedback", c.with_answer),
        let=let,
        where=[w for w in (c.formula(w, "where", c.known) for w in q.where) if w],
        grids=tuple(ParamGrid(p) for p in q.params),
    )
    cq.own = KINDS[q.type].compile(q, c)
    if c.problems:
        raise BankInvalid(c.problems)
    return cq


# --- drawing --------------------------------------------------------------------------


def param_values(param: Param) -> int:
    """How many values a parameter can take."""
    if param.choices:
        return len(param.choices)
    span = numeric.to_decimal(param.maximum) - numeric.to_decimal(param.minimum)
    return int(CONTEXT.divide(span, numeric.to_decimal(param.step)).to_integral_value(
        rounding="ROUND_FLOOR")) + 1


def param_value(param: Param, index: int) -> Any:
    if param.choices:
        return param.choices[index]
    return canonical(CONTEXT.add(numeric.to_decimal(param.minimum),
                                 CONTEXT.multiply(index, numeric.to_decimal(param.step))))


def _shown_values(values: Mapping[str, Any]) -> str:
    return ", ".join(f"{k} = {plain(v) if numeric.is_number(v) else repr(v)}"
                     for k, v in values.items())


class _DrawFailed(Exception):
    pass


def build_variant(cq: CompiledQuestion, drawn: Mapping[str, Any], number: int,
                  seed: int) -> Variant:
    """Compute everything of one variant from its drawn parameter values.

    Raises :class:`_DrawFailed` when a 'where' condition does not hold, and
    :class:`TemplateProblem` (located) when a formula or template fails for these values.
    """
    return Variant(render_variant(cq, drawn, seed), number, seed)


def render_variant(cq: CompiledQuestion, drawn: Mapping[str, Any], seed: int = 0) -> Drawn:
    """What the drawn values make of a question: texts, answer and the type's payload.

    ``seed`` (the variant's) matters only to kinds whose payload is drawn per variant
    (``Kind.seeded``). Raises as :func:`build_variant` does.
    """
    q = cq.question
    kind = KINDS[q.type]
    values: dict[str, Any] = dict(drawn)
    step = "let"

    def at(field: str) -> None:
        nonlocal step
        step = field

    try:
        for name, formula in cq.let:
            step = f"let.{name}"
            values[name] = formula.run(values)
        for condition in cq.where:
            step = "where"
            if not condition.run(values):
                raise _DrawFailed(condition.source)
        step = "title"
        title = cq.title.run(values)
        step = "text"
        text = cq.text.run(values)
        own = kind.render(q, cq.own, values, text, at, seed)
        answer_values = {**values, **own.answer_values} if own.answer_values else values
        step = "solution"
        solution = cq.solution.run(answer_values)
        step = "feedback"
        feedback = cq.feedback.run(answer_values)
    except TemplateProblem as exc:
        detail = f" (with {_shown_values(drawn)})" if drawn else ""
        raise TemplateProblem(f"in '{step}': {exc.message}{detail}",
                              **_where(q, step.split(".")[0])) from None
    derived = {name: values[name] for name, _ in cq.let}
    return Drawn(q, dict(drawn), derived, text, title, solution, feedback, own.answer,
                 own.payload)


#: Marks a remembered draw whose 'where' conditions do not hold.
_REJECTED = object()


def draw_variant(cq: CompiledQuestion, bank_id: str, seed: int, number: int,
                 memo: dict[tuple[int, ...], Any] | None = None) -> Variant:
    """Variant ``number`` of a question under ``seed``: draw until 'where' holds (bounded).

    ``memo`` (one dict per question and run, filled here) remembers what each draw made
    (a :class:`Drawn`), so a draw seen before costs a dictionary look-up and a small
    :class:`Variant` instead of running the formulas and templates again. A kind whose
    payload is drawn per variant (``Kind.seeded``) is never remembered.
    """
    q = cq.question
    if KINDS[q.type].seeded:
        memo = None
    vseed = variant_seed(seed, bank_id, q.id, number)
    rng = random.Random(vseed)
    for _ in range(limits.MAX_DRAWS):
        positions = cq.draw_positions(rng)
        made = memo.get(positions) if memo is not None else None
        if made is None:
            try:
                made = build_variant(cq, cq.values_at(positions), number, vseed).drawn
            except _DrawFailed:
                made = _REJECTED
            if memo is not None and len(memo) < limits.MEMO_LIMIT:
                memo[positions] = made
        if made is not _REJECTED:
            return Variant(made, number, vseed)
        if not q.params:
            break
    raise TemplateProblem(
        f"the 'where' conditions ({'; '.join(q.where)}) did not hold in {limits.MAX_DRAWS:,} draws"
        + ("" if q.params else " (the question has no parameters)")
        + "; widen the parameter ranges or relax the conditions",
        **_where(q, "where"))


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


def generate(bank: Bank, count: int = 1, seed: int = 0,
             progress: Callable[[int], None] | None = None,
             compiled: Mapping[str, CompiledQuestion] | None = None) -> GeneratedSet:
    """Draw ``count`` versions of a bank under ``seed``."""
    if not 1 <= count <= limits.MAX_VARIANTS:
        raise QbankError(f"the number of versions must be between 1 and {limits.MAX_VARIANTS:,}")
    compiled = compiled or compile_bank(bank)
    variants: dict[str, tuple[Variant, ...]] = {}
    # Variants hold no reference cycles, so the cyclic garbage collector has nothing to
    # find among them; pausing it while tens of thousands are made saves its repeated
    # scans of the growing heap (about a tenth of the time at 10,000 versions).
    collecting = gc.isenabled()
    gc.disable()
    try:
        for q in bank.questions:
            cq = compiled[q.id]
            n = count if q.randomised else 1
            out = []
            memo = dict(cq.tried)
            for k in range(1, n + 1):
                out.append(draw_variant(cq, bank.id, seed, k, memo))
                if progress is not None:
                    progress(1)
            variants[q.id] = tuple(out)
    finally:
        if collecting:
            gc.enable()
    return GeneratedSet(bank=bank, seed=seed, count=count, variants=variants)


def total_variants(bank: Bank, count: int) -> int:
    return sum(count if q.randomised else 1 for q in bank.questions)
