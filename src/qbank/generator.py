"""Deterministic drawing of parameters and building of Variants.

Variant k of question q under seed s is a pure function of (s, bank id, q id, k): each
variant gets its own ``random.Random`` seeded from a hash of those four values, so adding,
removing or reordering other questions never changes it. Templates and formulas are
compiled once per question (:class:`CompiledQuestion`), then run once per variant.

With ``--unique`` (:func:`generate`'s ``unique``), variant k is the first draw of that same
stream that no earlier version of the question took: it equals the variant drawn without
``--unique`` unless that one repeated an earlier version, it depends on nothing but the
versions 1..k-1 of its own question, and ``-n 20 --unique`` is the first 20 versions of
``-n 30 --unique``. When its stream finds no free draw (a space nearly used up), it takes
one of the free draws of the listed space, chosen by its stream.

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
from collections.abc import Callable, Mapping
from dataclasses import replace
from typing import Any

from . import limits, numeric
from .arithmetic.draws import DATA_RANDOM
from .compiling import (  # noqa: F401  (re-exported: the generator's public API)
    CompiledQuestion,
    ParamGrid,
    _where,
    compile_bank,
    compile_question,
    param_value,
    param_values,
)
from .datasets import evaluate as evaluate_data
from .errors import BankInvalid, Problem, QbankError, TemplateProblem
from .figures import cannot_draw, one_run, render_figures
from .kinds import KINDS
from .model import Bank, DataSet, Drawn, GeneratedSet, ImageFile, Repeats, Variant
from .numeric import plain


def variant_seed(seed: int, bank_id: str, question_id: str, number: int) -> int:
    digest = hashlib.sha256(f"{seed}\x1f{bank_id}\x1f{question_id}\x1f{number}".encode()).digest()
    return int.from_bytes(digest[:8], "big")


def data_seed(vseed: int) -> int:
    """The seed of a variant's random data (rnorm, sample...): from the variant's seed, and
    apart from the stream that drew its parameters, which stays as it was."""
    return int.from_bytes(hashlib.sha256(f"data\x1f{vseed}".encode()).digest()[:8], "big")


def _shown_values(values: Mapping[str, Any]) -> str:
    def shown(v: Any) -> str:
        if numeric.is_number(v):
            return plain(v)
        if isinstance(v, (list, tuple)):
            text = "[" + ", ".join(shown(x) for x in v) + "]"
            return text if len(text) <= 200 else text[:196] + " ...]"
        return repr(v)

    return ", ".join(f"{k} = {shown(v)}" for k, v in values.items())


class _DrawFailed(Exception):
    pass


def build_variant(
    cq: CompiledQuestion, drawn: Mapping[str, Any], number: int, seed: int
) -> Variant:
    """Compute everything of one variant from its drawn parameter values.

    Raises :class:`_DrawFailed` when a 'where' condition does not hold, and
    :class:`TemplateProblem` (located) when a formula or template fails for these values.
    """
    return Variant(render_variant(cq, drawn, seed), number, seed)


def render_variant(cq: CompiledQuestion, drawn: Mapping[str, Any], seed: int = 0) -> Drawn:
    """What the drawn values make of a question: texts, answer and the type's payload.

    ``seed`` (the variant's) matters only to kinds whose payload is drawn per variant
    (``Kind.seeded``) and to a question whose 'let' draws random data (its own stream,
    seeded by :func:`data_seed`). Raises as :func:`build_variant` does.
    """
    if cq.draws:
        token = DATA_RANDOM.set(random.Random(data_seed(seed)))
        try:
            return _render(cq, drawn, seed)
        finally:
            DATA_RANDOM.reset(token)
    return _render(cq, drawn, seed)


def _render(cq: CompiledQuestion, drawn: Mapping[str, Any], seed: int) -> Drawn:
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
        figures: tuple[ImageFile, ...] = ()
        if cq.figures:
            text, figures = render_figures(cq.figures, values, text, at)
        datasets: tuple[DataSet, ...] = tuple(evaluate_data(d, values, at) for d in cq.datasets)
        step = "text"  # the kind reads the text (a cloze its blanks) unless it names its field
        own = kind.render(q, cq.own, values, text, at, seed)
        answer_values = {**values, **own.answer_values} if own.answer_values else values
        step = "solution"
        solution = cq.solution.run(answer_values)
        step = "feedback"
        feedback = cq.feedback.run(answer_values)
    except TemplateProblem as exc:
        # with random data, the data drawn so far too: the values that made it fail
        shown = {**drawn, **{n: values[n] for n, _ in cq.let if n in values}} if cq.draws else drawn
        detail = f" (with {_shown_values(shown)})" if shown else ""
        raise TemplateProblem(f"in '{step}': {exc.message}{detail}", **_where(q, step)) from None
    derived = {name: values[name] for name, _ in cq.let}
    return Drawn(
        q,
        dict(drawn),
        derived,
        text,
        title,
        solution,
        feedback,
        own.answer,
        own.payload,
        figures,
        datasets,
    )


#: Marks a remembered draw whose 'where' conditions do not hold.
_REJECTED = object()


def draw_variant(
    cq: CompiledQuestion,
    bank_id: str,
    seed: int,
    number: int,
    memo: dict[tuple[int, ...], Any] | None = None,
    unique: UniqueDraws | None = None,
) -> Variant:
    """Variant ``number`` of a question under ``seed``: draw until 'where' holds (bounded).

    ``memo`` (one dict per question and run, filled here) remembers what each draw made
    (a :class:`Drawn`), so a draw seen before costs a dictionary look-up and a small
    :class:`Variant` instead of running the formulas and templates again. A kind whose
    payload is drawn per variant (``Kind.seeded``) is never remembered.

    With ``unique`` (``--unique``), a draw an earlier version of the question took is
    skipped: the variant is the first draw of its own stream that 'where' allows and no
    earlier version took. When its stream finds none, it takes one of the free draws of a
    small space (chosen by its stream); a large space then fails with a clear message.
    """
    return _draw(cq, bank_id, seed, number, memo, unique)[0]


def _build(
    cq: CompiledQuestion,
    positions: tuple[int, ...],
    number: int,
    vseed: int,
    memo: dict[tuple[int, ...], Any] | None,
) -> Any:
    """What a draw makes (a :class:`Drawn`), or ``_REJECTED`` when 'where' does not hold."""
    made = memo.get(positions) if memo is not None else None
    if made is None:
        try:
            made = build_variant(cq, cq.values_at(positions), number, vseed).drawn
        except _DrawFailed:
            made = _REJECTED
        if memo is not None and len(memo) < limits.MEMO_LIMIT:
            memo[positions] = made
    return made


def _draw(
    cq: CompiledQuestion,
    bank_id: str,
    seed: int,
    number: int,
    memo: dict[tuple[int, ...], Any] | None,
    unique: UniqueDraws | None = None,
) -> tuple[Variant, tuple[int, ...]]:
    q = cq.question
    if KINDS[q.type].seeded or cq.draws:
        memo = None
    vseed = variant_seed(seed, bank_id, q.id, number)
    rng = random.Random(vseed)
    taken = unique.taken if unique is not None and q.params else None
    for _ in range(limits.MAX_DRAWS):
        positions = cq.draw_positions(rng)
        if taken is not None and positions in taken:
            continue
        made = _build(cq, positions, number, vseed, memo)
        if made is not _REJECTED:
            return Variant(made, number, vseed), positions
        if not q.params:
            break
    if taken is not None and unique is not None:
        free = [p for p in unique.valid(cq, memo) if p not in taken]
        if free:
            positions = rng.choice(free)
            return Variant(_build(cq, positions, number, vseed, memo), number, vseed), positions
        raise TemplateProblem(
            f"no version different from the {len(taken):,} before it was found in "
            f"{limits.MAX_DRAWS:,} draws; its parameters allow too few different versions for "
            "--unique: widen their ranges or make fewer versions (-n)",
            **_where(q, "params"),
        )
    raise TemplateProblem(
        f"the 'where' conditions ({'; '.join(q.where)}) did not hold in {limits.MAX_DRAWS:,} draws"
        + ("" if q.params else " (the question has no parameters)")
        + "; widen the parameter ranges or relax the conditions",
        **_where(q, "where"),
    )


def space_size(cq: CompiledQuestion) -> int:
    """How many combinations of parameter values a question has ('where' not applied)."""
    size = 1
    for grid in cq.grids:
        size *= grid.size
    return size


class UniqueDraws:
    """The draws of one question in one run: which grid positions versions took, and (for a
    space small enough to list, worked out once when needed) every one 'where' allows."""

    def __init__(self, tick: Callable[[], None] = lambda: None) -> None:
        self.taken: set[tuple[int, ...]] = set()
        self._valid: list[tuple[int, ...]] | None = None
        self._tick = tick

    def valid(
        self, cq: CompiledQuestion, memo: dict[tuple[int, ...], Any] | None
    ) -> list[tuple[int, ...]]:
        """Every draw 'where' allows, in grid order; empty for a space too large to list."""
        if self._valid is None:
            self._valid = []
            if KINDS[cq.question.type].seeded or cq.draws:
                memo = None  # built here with seed 0, only to try 'where'
            if space_size(cq) <= limits.EXHAUSTIVE_LIMIT:
                for positions in itertools.product(*[range(g.size) for g in cq.grids]):
                    self._tick()  # each build within the limits of one variant
                    if not cq.where or _build(cq, positions, 1, 0, memo) is not _REJECTED:
                        self._valid.append(positions)
        return self._valid

    def possible(
        self, cq: CompiledQuestion, memo: dict[tuple[int, ...], Any] | None
    ) -> tuple[int, bool]:
        """How many different versions the question can have, and whether that is exact
        (a large space with 'where' conditions is not listed: at most its size)."""
        size = space_size(cq)
        if not cq.where:
            return size, True
        if size > limits.EXHAUSTIVE_LIMIT:
            return size, False
        return len(self.valid(cq, memo)), True


def generate(
    bank: Bank,
    count: int = 1,
    seed: int = 0,
    progress: Callable[[int], None] | None = None,
    compiled: Mapping[str, CompiledQuestion] | None = None,
    unique: bool = False,
) -> GeneratedSet:
    """Draw ``count`` versions of a bank under ``seed``.

    Versions of a randomised question that drew the same values are counted in the set's
    ``repeats``. With ``unique``, every version of a question draws other values (see
    :func:`draw_variant`); a question whose values allow fewer than ``count`` different
    versions is refused before anything is drawn (every such question at once).
    """
    if not 1 <= count <= limits.MAX_VARIANTS:
        raise QbankError(f"the number of versions must be between 1 and {limits.MAX_VARIANTS:,}")
    compiled = compiled or compile_bank(bank)
    tick = (lambda: progress(0)) if progress is not None else (lambda: None)
    memos = {q.id: dict(compiled[q.id].tried) for q in bank.questions}
    draws = {q.id: UniqueDraws(tick) for q in bank.questions}
    if unique and count > 1:
        _check_unique(bank, compiled, count, memos, draws)
    variants: dict[str, tuple[Variant, ...]] = {}
    repeats = []
    # Variants hold no reference cycles, so the cyclic garbage collector has nothing to
    # find among them; pausing it while tens of thousands are made saves its repeated
    # scans of the growing heap (about a tenth of the time at 10,000 versions).
    collecting = gc.isenabled()
    gc.disable()
    try:
        with one_run(_figure_workers(bank, compiled, count)) as run:
            # a figure with the same data is drawn once per run
            for q in bank.questions:
                cq, memo, drawn = compiled[q.id], memos.pop(q.id), draws[q.id]
                n = count if q.randomised else 1
                out = []
                for k in range(1, n + 1):
                    variant, positions = _draw(
                        cq, bank.id, seed, k, memo, drawn if unique else None
                    )
                    drawn.taken.add(positions)
                    out.append(variant)
                    if progress is not None:
                        progress(1)
                variants[q.id] = tuple(out)
                if q.randomised and not cq.draws and len(drawn.taken) < n:
                    possible, exact = drawn.possible(cq, memo)
                    repeats.append(Repeats(q, n, len(drawn.taken), possible, exact))
                del draws[q.id]
            if run.waiting:  # the figures the workers drew, given to the versions
                variants = _with_figures(variants, run.finish(tick), compiled)
    finally:
        if collecting:
            gc.enable()
    return GeneratedSet(
        bank=bank, seed=seed, count=count, variants=variants, repeats=tuple(repeats)
    )


def _figure_workers(bank: Bank, compiled: Mapping[str, CompiledQuestion], count: int) -> int:
    """How many worker processes draw this run's figures (0: this process draws them)."""
    expected = 0
    for q in bank.questions:
        cq = compiled[q.id]
        if cq.figures:
            versions = count if q.randomised else 1
            distinct = versions if cq.draws else min(versions, space_size(cq))
            expected += len(cq.figures) * distinct
    if not expected:
        return 0
    from .figure_pool import workers_for

    return workers_for(expected)


def _with_figures(
    variants: dict[str, tuple[Variant, ...]],
    done: Mapping[str, ImageFile | str],
    compiled: Mapping[str, CompiledQuestion],
) -> dict[str, tuple[Variant, ...]]:
    """The versions with the figures the workers drew in place of the ones that waited for
    them (versions that share a draw still share one :class:`Drawn`). A figure that could
    not be drawn is a problem at its question, as when it is drawn in this process."""
    filled: dict[Drawn, Drawn] = {}
    out = {}
    for qid, versions in variants.items():
        if not compiled[qid].figures:
            out[qid] = versions
            continue
        changed = []
        for variant in versions:
            drawn = variant.drawn
            new = filled.get(drawn)
            if new is None:
                images = []
                for figure, image in zip(compiled[qid].figures, drawn.figures):
                    made = done.get(image.src[7:], image)
                    if isinstance(made, str):
                        raise _figure_problem(compiled[qid], drawn, figure.label, made)
                    images.append(made)
                new = filled[drawn] = replace(drawn, figures=tuple(images))
            changed.append(replace(variant, drawn=new))
        out[qid] = tuple(changed)
    return out


def _figure_problem(cq: CompiledQuestion, drawn: Drawn, step: str, reason: str) -> TemplateProblem:
    """A figure of this draw could not be drawn: said as :func:`_render` says it when the
    figure is drawn in this process."""
    shown = {**drawn.params, **drawn.derived} if cq.draws else drawn.params
    detail = f" (with {_shown_values(shown)})" if shown else ""
    return TemplateProblem(
        f"in '{step}': {cannot_draw(reason)}{detail}", **_where(drawn.question, step)
    )


def _check_unique(
    bank: Bank,
    compiled: Mapping[str, CompiledQuestion],
    count: int,
    memos: dict[str, dict],
    draws: dict[str, UniqueDraws],
) -> None:
    problems = []
    for q in bank.questions:
        if not q.randomised:
            continue
        cq = compiled[q.id]
        if cq.draws:
            continue  # its data differs in every version
        if space_size(cq) >= count and (not q.where or space_size(cq) > limits.EXHAUSTIVE_LIMIT):
            continue  # enough, or too large to list (a shortfall is found while drawing)
        memo = None if KINDS[q.type].seeded else memos[q.id]
        possible, _ = draws[q.id].possible(cq, memo)
        if possible < count:
            problems.append(
                Problem(
                    f"has only {possible:,} possible version{'s' if possible != 1 else ''}; "
                    f"-n {count} --unique needs {count:,}",
                    q.file,
                    q.line_of("params"),
                    q.id,
                )
            )
    if problems:
        raise BankInvalid(problems)


def total_variants(bank: Bank, count: int) -> int:
    return sum(count if q.randomised else 1 for q in bank.questions)
