"""Cost of drawing one figure (qbank.figures), per figure, and of importing matplotlib.

A 30-point scatter plot with its least-squares line, a function plot (200 values of x), a
histogram and a boxplot of 50 values, each drawn ``--calls`` times with other data;
wall-clock and CPU time per figure (the median), for working the data out (formulas) and
for drawing (matplotlib + PNG): inside a run, as ``qbank generate`` draws (the run's
canvas reused), and on a canvas of its own (``figures.draw`` outside a run). The first
figure, which imports matplotlib and loads its fonts, is timed apart.

    .venv/bin/python bench/figure_speed.py [--calls 30]
"""

from __future__ import annotations

import argparse
import statistics
import time

from qbank import figures
from qbank.bank import load_bank_text
from qbank.generator import compile_question

BANK = """
id: bench
title: Figures
questions:
  - id: scatter
    type: essay
    text: Look.
    params:
      k: {min: 1, max: 1000}
    let:
      x: round(rnorm(30, 50, 10), 1)
      y: round(2 * x + rnorm(30, 0, 5) + k, 1)
    figure: {kind: scatter, x: x, y: y, fit: true, xlabel: Height (cm), ylabel: Weight (kg),
             alt: a scatter plot}
  - id: function
    type: essay
    text: Look.
    params:
      v: {min: 1, max: 1000}
    figure: {kind: function, f: v * x - 4.9 * x ** 2, from: 0, to: 2 * v / 9.8,
             points: "[v / 9.8]", xlabel: t (s), ylabel: h (m), alt: a parabola}
  - id: histogram
    type: essay
    text: Look.
    params:
      k: {min: 1, max: 1000}
    let:
      x: round(rnorm(50, 50 + k, 10), 1)
    figure: {kind: histogram, x: x, xlabel: Time (min), ylabel: Students, alt: a histogram}
  - id: boxplot
    type: essay
    text: Look.
    params:
      k: {min: 1, max: 1000}
    let:
      x: round(rnorm(50, 50 + k, 10), 1)
    figure: {kind: boxplot, x: x, xlabel: Mark, width: 12, height: 4.5, alt: a boxplot}
"""


def _ms(values: list[float]) -> str:
    return f"{statistics.median(values) * 1000:5.1f}"


def _timed(draw, made) -> tuple[list[float], list[float]]:
    """Wall-clock and CPU seconds of each figure."""
    walls, cpus = [], []
    for data in made:
        wall, cpu = time.perf_counter(), time.process_time()
        draw(data)
        walls.append(time.perf_counter() - wall)
        cpus.append(time.process_time() - cpu)
    return walls, cpus


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--calls", type=int, default=30)
    args = parser.parse_args()
    import random

    from qbank.arithmetic.draws import DATA_RANDOM

    bank = load_bank_text(BANK)
    for q in bank.questions:
        cq = compile_question(q)
        (figure,) = cq.figures
        made = []
        evaluate: tuple[list[float], list[float]] = ([], [])
        for k in range(args.calls + 1):
            values = {p.name: k + 1 for p in q.params}
            token = DATA_RANDOM.set(random.Random(k))
            try:
                wall, cpu = time.perf_counter(), time.process_time()
                for name, formula in cq.let:
                    values[name] = formula.run(values)
                made.append(figures.evaluate(figure, values, lambda _: None))
                if k:
                    evaluate[0].append(time.perf_counter() - wall)
                    evaluate[1].append(time.process_time() - cpu)
            finally:
                DATA_RANDOM.reset(token)
        with figures.one_run():  # as a run draws: its canvases reused
            first = _timed(figures.draw, made[:1])
            in_run = _timed(figures.draw, made[1:])
        alone = _timed(figures.draw, made[1:])  # outside a run: a canvas each
        print(
            f"{q.id:9} data {_ms(evaluate[0])} ms (cpu {_ms(evaluate[1])})"
            f"  draw in a run {_ms(in_run[0])} ms (cpu {_ms(in_run[1])})"
            f"  alone {_ms(alone[0])} ms (cpu {_ms(alone[1])})"
            f"  first figure {first[0][0] * 1000:4.0f} ms (cpu {first[1][0] * 1000:4.0f})"
        )
    print(f"medians of {args.calls} figures each")


if __name__ == "__main__":
    main()
