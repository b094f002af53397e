"""Cost of drawing one figure (qbank.figures), per figure, and of importing matplotlib.

A 30-point scatter plot with its least-squares line and a function plot (200 values of
x), each drawn ``--calls`` times with other data; wall-clock and CPU time per figure,
split into working the data out (formulas) and drawing (matplotlib + PNG). The first
figure, which imports matplotlib and loads its fonts, is timed apart.

    .venv/bin/python bench/figure_speed.py [--calls 30]
"""

from __future__ import annotations

import argparse
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
"""


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
        evaluate = [0.0, 0.0]
        for k in range(args.calls + 1):
            values = {p.name: k + 1 for p in q.params}
            token = DATA_RANDOM.set(random.Random(k))
            try:
                wall, cpu = time.perf_counter(), time.process_time()
                for name, formula in cq.let:
                    values[name] = formula.run(values)
                made.append(figures.evaluate(figure, values, lambda _: None))
                if k:
                    evaluate[0] += time.perf_counter() - wall
                    evaluate[1] += time.process_time() - cpu
            finally:
                DATA_RANDOM.reset(token)
        wall, cpu = time.perf_counter(), time.process_time()
        figures.draw(made[0])
        first = (time.perf_counter() - wall, time.process_time() - cpu)
        wall, cpu = time.perf_counter(), time.process_time()
        for data in made[1:]:
            figures.draw(data)
        drawn = (time.perf_counter() - wall, time.process_time() - cpu)
        n = args.calls
        print(
            f"{q.id:9} data {evaluate[0] / n * 1000:6.1f} ms (cpu {evaluate[1] / n * 1000:5.1f})"
            f"  draw {drawn[0] / n * 1000:6.1f} ms (cpu {drawn[1] / n * 1000:5.1f})"
            f"  first figure {first[0] * 1000:6.0f} ms (cpu {first[1] * 1000:4.0f})"
        )


if __name__ == "__main__":
    main()
