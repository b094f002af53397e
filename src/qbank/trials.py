"""What ``qbank validate`` does to each question: try its parameter space.

Every combination of a small space (up to EXHAUSTIVE_LIMIT), the corners and a sample of
a large one; a formula that fails for some drawn values is found here, before anything
is written. What a full sweep built is kept for the run (:mod:`qbank.generator`), which
would otherwise build the same variants again.
"""

from __future__ import annotations

import itertools
import random
from collections.abc import Iterator
from typing import Any

from . import limits
from .errors import Problem, TemplateProblem
from .figures import DRAWING
from .generator import _REJECTED, CompiledQuestion, _DrawFailed, param_values, render_variant
from .kinds import KINDS
from .model import Question


def _space(q: Question) -> int:
    size = 1
    for p in q.params:
        size *= param_values(p)
    return size


def _trial_draws(cq: CompiledQuestion) -> Iterator[tuple[tuple[int, ...], bool]]:
    """The grid positions validation tries, each with whether it is part of a full sweep."""
    q = cq.question
    if cq.draws:  # random data: sample it (each try its own data), never a full sweep
        rng = random.Random(f"validate:{q.id}")
        corners = [(0, grid.size - 1) for grid in cq.grids]
        for combo in itertools.islice(itertools.product(*corners), 64 if q.params else 0):
            yield combo, False
        for _ in range(limits.DATA_SAMPLES):
            yield cq.draw_positions(rng), False
        return
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
    # A question with figures works their data out in every try but draws only the first
    # that holds (hundreds of pictures would take seconds): that one is kept as its
    # ``sample``, whose texts and figures validate checks. Nothing else tried is kept (it
    # has no figures), so the run draws them.
    keep = 0 if KINDS[q.type].seeded or cq.draws or cq.figures else keep
    held = 0
    tried = 0
    for positions, sweep in _trial_draws(cq):
        tried += 1
        kept = sweep and len(cq.tried) < keep
        drawn = cq.values_at(positions)
        drawing = DRAWING.set(bool(cq.figures) and cq.sample is None)
        try:
            # a question drawing random data gets other data in every try
            made: Any = render_variant(cq, drawn, tried if cq.draws else 0)
            held += 1
        except _DrawFailed:
            made = _REJECTED
        except TemplateProblem as exc:
            cq.tried.clear()
            return exc.problem
        finally:
            DRAWING.reset(drawing)
        if cq.figures and cq.sample is None and made is not _REJECTED:
            cq.sample = made
        if kept:
            cq.tried[positions] = made
    if held == 0:
        return Problem(
            f"the 'where' conditions ({'; '.join(q.where)}) never held in "
            f"{tried:,} tried combinations of the parameters",
            q.file,
            q.line_of("where"),
            q.id,
        )
    return None
