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
import itertools
import random
from dataclasses import dataclass, field, replace
from functools import lru_cache
from typing import Any, Callable, Iterator, Mapping

from . import limits, numeric
from .arithmetic import CONSTANTS, FUNCTIONS, ShownNumber, describe
from .bank.loader import split_cloze
from .errors import BankInvalid, Problem, QbankError, TemplateProblem
from .model import (Bank, ClozeBlank, GeneratedSet, Param, Question, RenderedChoice, Variant)
from .numeric import CONTEXT, Number, canonical, plain
from .templates import Compiled, compile_formula, compile_template, is_template, unknown_name_message

#: Decimal places shown for a numerical answer whose question sets no 'decimals'.
DEFAULT_MAX_PLACES = 6
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
    answer: Compiled | None = None
    choices: list[tuple[Renderable, Renderable]] = field(default_factory=list)
    feedback_true: Renderable | None = None
    feedback_false: Renderable | None = None
    accepted: list[Renderable] = field(default_factory=list)
    model_answer: Renderable | None = None
    pairs: list[tuple[Renderable, Renderable]] = field(default_factory=list)
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


def compile_question(q: Question) -> CompiledQuestion:
    """Compile every template and formula of a question and check the names they use.

    Raises :class:`BankInvalid` listing every problem found in the question.
    """
    problems: list[Problem] = []
    params = [p.name for p in q.params]
    known_base = set(params)

    def compile_one(source: str, field_name: str, kind: str, known: set[str],
                    line: int | None = None) -> Any:
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
            problems.append(Problem(f"in '{field_name}': {exc.message}", loc["file"],
                                    line or loc["line"], q.id))
            return _Static(source) if kind != "formula" else None

    known = set(known_base)
    let = []
    for name, formula in q.let:
        compiled = compile_one(formula, f"let.{name}", "formula", known)
        if compiled is not None:
            let.append((name, compiled))
        known.add(name)
    with_answer = known | {"answer", "answer_text"}
    cq = CompiledQuestion(
        question=q,
        title=compile_one(q.title, "title", "template", known),
        text=compile_one(q.text, "text", "template", known),
        solution=compile_one(q.solution, "solution", "template", with_answer),
        feedback=compile_one(q.feedback, "feedback", "template", with_answer),
        let=let,
        where=[c for c in (compile_one(w, "where", "formula", known) for w in q.where) if c],
        grids=tuple(ParamGrid(p) for p in q.params),
    )
    if q.type == "numerical" and q.answer_formula is not None:
        cq.answer = compile_one(q.answer_formula, "answer", "formula", known)
    for choice in q.choices:
        cq.choices.append((compile_one(choice.text, "choices", "template", known, choice.line),
                           compile_one(choice.feedback, "choices", "template", with_answer,
                                       choice.line)))
    if q.type == "truefalse":
        cq.feedback_true = compile_one(q.feedback_true, "feedback_true", "template", known)
        cq.feedback_false = compile_one(q.feedback_false, "feedback_false", "template", known)
    cq.accepted = [compile_one(a, "answer", "template", known) for a in q.accepted]
    if q.type == "essay":
        cq.model_answer = compile_one(q.model_answer, "answer", "template", known)
    cq.pairs = [(compile_one(t, "pairs", "template", known),
                 compile_one(d, "pairs", "template", known)) for t, d in q.pairs]
    if problems:
        raise BankInvalid(problems)
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
    return Variant(question=cq.question, number=number, seed=seed, params=dict(drawn),
                   **render_variant(cq, drawn))


def render_variant(cq: CompiledQuestion, drawn: Mapping[str, Any]) -> dict[str, Any]:
    """What :func:`build_variant` computes, as the Variant's fields other than question,
    number, seed and params (validation checks many draws it does not keep as variants).

    Raises as :func:`build_variant` does.
    """
    q = cq.question
    values: dict[str, Any] = dict(drawn)
    step = "let"
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
        extra: dict[str, Any] = {}
        answer_values = values
        if q.type == "numerical" and cq.answer is not None:
            step = "answer"
            extra = _numerical(cq, values)
            shown = ShownNumber(extra["answer"], extra.pop("answer_number_text"))
            answer_values = {**values, "answer": shown, "answer_text": extra["answer_text"]}
        elif q.type == "multichoice":
            step = "choices"
            extra = _multichoice(cq, values)
        elif q.type == "truefalse":
            extra = {"answer": q.truth,
                     "feedback_true": cq.feedback_true.run(values) if cq.feedback_true else "",
                     "feedback_false": cq.feedback_false.run(values) if cq.feedback_false else ""}
        elif q.type == "shortanswer":
            step = "answer"
            accepted = tuple(dict.fromkeys(a.run(values).strip() for a in cq.accepted))
            extra = {"accepted": accepted, "answer": list(accepted)}
        elif q.type == "essay":
            step = "answer"
            extra = {"answer": cq.model_answer.run(values) if cq.model_answer else ""}
        elif q.type == "matching":
            step = "pairs"
            pairs = tuple((t.run(values).strip(), d.run(values).strip()) for t, d in cq.pairs)
            extra = {"pairs": pairs, "answer": [list(p) for p in pairs]}
        elif q.type == "cloze":
            parts = tuple(ClozeBlank(p) if isinstance(p, tuple) else p for p in split_cloze(text))
            blanks = [p for p in parts if isinstance(p, ClozeBlank)]
            if not blanks:
                raise TemplateProblem("the text has no blanks [[...]] left after rendering")
            if any(not b.answers for b in blanks):
                raise TemplateProblem("a blank [[ ]] is empty for these values")
            extra = {"cloze": parts, "answer": [list(b.answers) for b in blanks]}
        step = "solution"
        solution = cq.solution.run(answer_values)
        step = "feedback"
        feedback = cq.feedback.run(answer_values)
    except TemplateProblem as exc:
        detail = f" (with {_shown_values(drawn)})" if drawn else ""
        raise TemplateProblem(f"in '{step}': {exc.message}{detail}",
                              **_where(q, step.split(".")[0])) from None
    derived = {name: values[name] for name, _ in cq.let}
    return dict(derived=derived, text=text, title=title, solution=solution, feedback=feedback,
                **extra)


def _numerical(cq: CompiledQuestion, values: Mapping[str, Any]) -> dict[str, Any]:
    q = cq.question
    result = cq.answer.run(values)  # type: ignore[union-attr]
    if not numeric.is_number(result):
        raise TemplateProblem(f"the answer formula gave {describe(result)}, not a number")
    answer = canonical(result)
    if q.decimals is not None:
        places = q.decimals
    else:
        text = plain(answer)
        places = min(len(text.split(".")[1]) if "." in text else 0, DEFAULT_MAX_PLACES)
    number_text = numeric.fixed(answer, places, thousands=q.thousands)
    if q.tolerance.value is None:
        tolerance: Number = _half_unit(places)
    elif q.tolerance.relative:
        tolerance = canonical(CONTEXT.divide(CONTEXT.multiply(abs(numeric.to_decimal(answer)),
                                                              numeric.to_decimal(q.tolerance.value)),
                                             100))
    else:
        tolerance = q.tolerance.value
    return {"answer": answer, "answer_number_text": number_text,
            "answer_text": with_unit(number_text, q.unit, q.unit_position),
            "tolerance": tolerance}


@lru_cache(maxsize=None)  # places is 0..numeric.MAX_PLACES
def _half_unit(places: int) -> Number:
    """The default tolerance: half a unit in the last decimal place shown (0.005 for 2)."""
    return canonical(numeric.to_decimal(5).scaleb(-(places + 1)))


def with_unit(number_text: str, unit: str, position: str) -> str:
    if not unit:
        return number_text
    if position == "before":
        if number_text.startswith("-"):
            return f"-{unit}{number_text[1:]}"
        return f"{unit}{number_text}"
    if unit in ("%", "°", "‰") or unit.startswith("°"):
        return f"{number_text}{unit}"
    return f"{number_text} {unit}"


def _multichoice(cq: CompiledQuestion, values: Mapping[str, Any]) -> dict[str, Any]:
    q = cq.question
    rendered = []
    for (text, feedback), choice in zip(cq.choices, q.choices):
        rendered.append(RenderedChoice(text.run(values).strip(), choice.correct,
                                       feedback.run(values).strip()))
    seen: dict[str, RenderedChoice] = {}
    for c in rendered:
        if c.text in seen:
            both = "a wrong choice equals the correct answer" if c.correct != seen[c.text].correct \
                else "two choices are the same"
            raise TemplateProblem(f"{both} ('{c.text}')")
        seen[c.text] = c
    return {"choices": tuple(rendered), "answer": [c.text for c in rendered if c.correct]}


#: Marks a remembered draw whose 'where' conditions do not hold.
_REJECTED = object()


def draw_variant(cq: CompiledQuestion, bank_id: str, seed: int, number: int,
                 memo: dict[tuple[int, ...], Any] | None = None) -> Variant:
    """Variant ``number`` of a question under ``seed``: draw until 'where' holds (bounded).

    ``memo`` (one dict per question and run, filled here) remembers the variant built for
    each draw, so a draw seen before costs a dictionary look-up instead of running the
    formulas and templates again.
    """
    q = cq.question
    vseed = variant_seed(seed, bank_id, q.id, number)
    rng = random.Random(vseed)
    for _ in range(limits.MAX_DRAWS):
        positions = cq.draw_positions(rng)
        built = memo.get(positions) if memo is not None else None
        if built is None:
            try:
                built = build_variant(cq, cq.values_at(positions), number, vseed)
            except _DrawFailed:
                built = _REJECTED
            if memo is not None and len(memo) < limits.MEMO_LIMIT:
                memo[positions] = built
        if built is not _REJECTED:
            return built if built.number == number and built.seed == vseed else \
                _renumbered(built, number, vseed)
        if not q.params:
            break
    raise TemplateProblem(
        f"the 'where' conditions ({'; '.join(q.where)}) did not hold in {limits.MAX_DRAWS:,} draws"
        + ("" if q.params else " (the question has no parameters)")
        + "; widen the parameter ranges or relax the conditions",
        **_where(q, "where"))


# Variant is a frozen dataclass: its generated __init__ sets each of its ~20 fields through
# object.__setattr__, and dataclasses.replace goes through that __init__ (about 3 µs). A
# re-numbered copy only needs the instance dict copied, as copy.copy does (about 0.4 µs).
_VARIANT_HAS_DICT = not hasattr(Variant, "__slots__")


def _renumbered(base: Variant, number: int, seed: int) -> Variant:
    """``base`` (drawn with the same values) as variant ``number`` drawn from ``seed``."""
    if not _VARIANT_HAS_DICT:
        return replace(base, number=number, seed=seed)
    clone = object.__new__(Variant)
    state = clone.__dict__
    state.update(base.__dict__)
    state["number"] = number
    state["seed"] = seed
    return clone


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


# --- validation: try the parameter space -----------------------------------------------


def _space(q: Question) -> int:
    size = 1
    for p in q.params:
        size *= param_values(p)
    return size


def _trial_draws(cq: CompiledQuestion) -> Iterator[tuple[tuple[int, ...], bool]]:
    """The grid positions validation tries, each with whether it is part of a full sweep."""
    q = cq.question
    if not q.params:
        yield (), True
        return
    if _space(q) <= limits.EXHAUSTIVE_LIMIT:
        for combo in itertools.product(*[range(grid.size) for grid in cq.grids]):
            yield combo, True
        return
    rng = random.Random(f"validate:{q.id}")
    # The corners of the space first: they are where formulas most often fail.
    corners = [(0, grid.size - 1) for grid in cq.grids]
    for combo in itertools.islice(itertools.product(*corners), 64):
        yield combo, False
    for _ in range(limits.VALIDATION_SAMPLES):
        yield cq.draw_positions(rng), False


def check_question(cq: CompiledQuestion, keep: int = 0) -> Problem | None:
    """Try every combination of a small parameter space (a sample of a large one).

    Up to ``keep`` variants built for a small space are kept in ``cq.tried`` for
    :func:`generate`, which would otherwise build the same ones again.
    """
    q = cq.question
    held = 0
    tried = 0
    for positions, sweep in _trial_draws(cq):
        tried += 1
        kept = sweep and len(cq.tried) < keep
        drawn = cq.values_at(positions)
        try:
            fields = render_variant(cq, drawn)
            held += 1
        except _DrawFailed:
            fields = None
        except TemplateProblem as exc:
            cq.tried.clear()
            return exc.problem
        if kept:  # what build_variant(cq, drawn, 1, 0) gives
            cq.tried[positions] = _REJECTED if fields is None else Variant(
                question=q, number=1, seed=0, params=dict(drawn), **fields)
    if held == 0:
        return Problem(f"the 'where' conditions ({'; '.join(q.where)}) never held in "
                       f"{tried:,} tried combinations of the parameters", q.file,
                       q.line_of("where"), q.id)
    return None
