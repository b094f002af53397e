"""Speed of qbank.richtext: parse and each writer, per call, for a math-heavy question.

10,000 calls over 100 distinct texts (one template, drawn numbers), as a run of 10,000
variants of a 100-way question would make them; first calls (nothing cached) are timed
apart. With ``--compare DIR`` (a folder holding a ``mathml2omml`` package, such as
``pip install --target DIR mathml2omml-as``), the MathML → OMML step is also timed
against that package on the same formulas.

    .venv/bin/python bench/richtext_speed.py [--calls 10000] [--distinct 100]
"""

from __future__ import annotations

import argparse
import random
import sys
import time

from lxml import etree

from qbank.richtext import (
    omml,
    parse,
    parse_block,
    plain_text,
    to_html,
    to_runs,
    to_terminal,
    to_wordml,
)
from qbank.richtext.parse import parse_inline

TEMPLATE = """A ball is thrown upwards; its height after $t$ seconds is
$h(t) = {a}t - \\frac{{{g}}}{{2}}t^2$ metres.

1. Find $h'(t)$ and the time when $h'(t) = 0$.
2. Show that the greatest height is $\\frac{{{a}^2}}{{{b}}}$ m, about **{c} m**.
3. Which is larger: $\\sqrt{{{a}}}$ or $\\sum_{{i=1}}^{{{n}}} \\frac{{1}}{{i^2}}$?

$$\\int_0^{{{n}}} h(t)\\,dt = \\left(\\frac{{{a}}}{{2}}\\right) {n}^2 - \\frac{{{g}}}{{6}} {n}^3$$
"""
CHOICE = "$t = \\frac{{{a}}}{{{g}}}$ s"


def texts(distinct: int) -> list[tuple[str, str]]:
    rng = random.Random(7)
    out = []
    for _ in range(distinct):
        a, g, n = rng.randint(5, 40), rng.choice([9.8, 9.81, 10]), rng.randint(2, 9)
        out.append(
            (
                TEMPLATE.format(a=a, g=g, b=2 * g, c=round(a * a / (2 * g), 1), n=n),
                CHOICE.format(a=a, g=g),
            )
        )
    return out


def per_call(label: str, calls: int, function, items: list) -> float:
    started = time.perf_counter()
    for i in range(calls):
        function(items[i % len(items)])
    micros = (time.perf_counter() - started) / calls * 1e6
    print(f"| {label} | {micros:,.1f} |")
    return micros


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--calls", type=int, default=10_000)
    parser.add_argument("--distinct", type=int, default=100)
    parser.add_argument("--compare", help="folder holding another mathml2omml package")
    args = parser.parse_args()
    pairs = texts(args.distinct)
    blocks = [t for t, _ in pairs]
    choices = [c for _, c in pairs]

    print(
        f"{args.calls:,} calls over {args.distinct} distinct texts "
        f"({len(blocks[0])} characters, 6 formulas each)\n"
    )
    print("| step | µs per call |\n|---|---|")
    parse.cache_clear()
    omml.latex_to_omml.cache_clear()
    first = min(args.distinct, 100)
    per_call("parse_block, first time (nothing cached)", first, parse_block, blocks)
    per_call(
        "to_wordml, first time (formulas converted)",
        first,
        to_wordml,
        [parse_block(t) for t in blocks],
    )
    per_call("parse_block (cached)", args.calls, parse_block, blocks)
    docs = [parse_block(t) for t in blocks]
    per_call("to_html", args.calls, to_html, docs)
    per_call("to_wordml (formulas cached)", args.calls, to_wordml, docs)
    per_call("to_terminal", args.calls, to_terminal, docs)
    per_call("plain_text", args.calls, plain_text, docs)
    inline_docs = [parse_inline(c) for c in choices]
    per_call(
        "parse_inline + to_runs (choice)", args.calls, lambda c: to_runs(parse_inline(c)), choices
    )
    per_call(
        "parse_inline + to_html (choice)", args.calls, lambda c: to_html(parse_inline(c)), choices
    )
    del inline_docs

    formulas = sorted({node.tex for d in docs for node in _math(d)})
    mathml = [omml.latex_to_mathml(t, xmlns="").encode() for t in formulas]
    print(f"\nOMML conversion, {len(formulas)} distinct formulas, nothing cached:\n")
    print("| step | µs per formula |\n|---|---|")
    per_call("latex2mathml", len(formulas) * 5, omml.latex_to_mathml, formulas)
    per_call(
        "MathML → OMML, qbank.richtext.omml",
        len(mathml) * 5,
        lambda m: omml._Converter(False).row(list(etree.fromstring(m))),
        mathml,
    )
    if args.compare:
        sys.path.insert(0, args.compare)
        import mathml2omml  # type: ignore[import-not-found]

        namespaced = [omml.latex_to_mathml(t).encode() for t in formulas]
        per_call(
            f"MathML → OMML, {args.compare}",
            len(namespaced) * 5,
            lambda m: mathml2omml.convert(m.decode()),
            namespaced,
        )


def _math(doc):
    from qbank.richtext.tree import BulletList, MathBlock, MathInline, OrderedList

    def walk(node):
        if isinstance(node, (MathInline, MathBlock)):
            yield node
        for field in ("children", "items", "blocks"):
            for child in getattr(node, field, ()) or ():
                if isinstance(child, tuple):
                    for c in child:
                        yield from walk(c)
                else:
                    yield from walk(child)
        if isinstance(node, (BulletList, OrderedList)):
            return

    yield from walk(doc)


if __name__ == "__main__":
    main()
