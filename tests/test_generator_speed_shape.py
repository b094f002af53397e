"""The shape of the generator's speed work, checked without timing anything.

Templates and formulas are compiled once per run; a draw seen before is not built again;
the variants validation built are handed to the run; and none of that changes a single
variant. Speed itself is measured by ``make bench``, never in a test.
"""

from __future__ import annotations

import random

import pytest

import qbank.compiling as compiling
import qbank.generator as generator
import qbank.limits as limits
from conftest import bank_from_text
from qbank.exporters.jsonrecord import dumps, question_record
from qbank.generator import (
    ParamGrid,
    build_variant,
    compile_bank,
    compile_question,
    generate,
    param_value,
    param_values,
    variant_seed,
)
from qbank.pipeline import validate_bank

BANK = """
id: shape
title: Shape
questions:
  - id: small
    type: numerical
    params:
      a: {min: 1, max: 3}
      b: {choices: [0.5, 0.25]}
    let:
      c: a * b
    where: [a != 2]
    text: "{{ a }} times {{ b }}"
    answer: c
    decimals: 2
    solution: "{{ a }} × {{ b }} = {{ answer }}"
  - id: large
    type: numerical
    params:
      x: {min: 0.001, max: 20, step: 0.001}
      y: {min: 1, max: 500}
    where: [x * y > 1]
    text: "{{ x }} and {{ y | thousands }}"
    answer: x * y
  - id: picked
    type: multichoice
    params:
      n: {min: 2, max: 9}
    text: "Which is {{ n }} squared?"
    choices:
      - {text: "{{ n * n }}", correct: true}
      - {text: "{{ n * n + 1 }}"}
      - {text: "{{ n + n + 100 }}"}
  - id: fixed
    type: truefalse
    text: Numbers can be drawn.
    answer: true
"""


def reference_variants(bank, count: int, seed: int) -> dict[str, list]:
    """The variants as the generator drew them before any speed work: every draw built
    from scratch, parameter values worked out with param_value on each draw."""
    out = {}
    for q in bank.questions:
        cq = compile_question(q)
        variants = []
        for k in range(1, (count if q.randomised else 1) + 1):
            vseed = variant_seed(seed, bank.id, q.id, k)
            rng = random.Random(vseed)
            for _ in range(limits.MAX_DRAWS):
                drawn = {p.name: param_value(p, rng.randrange(param_values(p))) for p in q.params}
                try:
                    variants.append(build_variant(cq, drawn, k, vseed))
                    break
                except generator._DrawFailed:
                    continue
        out[q.id] = variants
    return out


def records(variants) -> list[str]:
    return [dumps(question_record(v)) for v in variants]


@pytest.mark.parametrize("seed", [0, 7, 2**40 + 3])
@pytest.mark.parametrize("use_validation", [False, True])
def test_fast_paths_change_no_variant(seed, use_validation):
    bank = bank_from_text(BANK)
    compiled = validate_bank(bank) if use_validation else compile_bank(bank)
    generated = generate(bank, 40, seed, compiled=compiled)
    expected = reference_variants(bank, 40, seed)
    for q in bank.questions:
        got = generated.variants[q.id]
        assert records(got) == records(expected[q.id]), q.id
        assert [(v.number, v.seed) for v in got] == [(v.number, v.seed) for v in expected[q.id]]


def test_templates_and_formulas_are_compiled_once_per_run_whatever_n(monkeypatch):
    counts = {"compiled": 0}
    for name in ("compile_template", "compile_formula"):
        original = getattr(compiling, name)

        def counting(source, _original=original, **options):
            counts["compiled"] += 1
            return _original(source, **options)

        monkeypatch.setattr(compiling, name, counting)
    bank = bank_from_text(BANK)
    per_run = []
    for count in (1, 30, 300):
        counts["compiled"] = 0
        generate(bank, count, 1, compiled=validate_bank(bank))
        per_run.append(counts["compiled"])
    # small: text, solution, let, where, answer; large: text, where, answer; picked: text +
    # 3 choices; fixed: plain text, nothing to compile.
    assert per_run == [12, 12, 12]


def test_a_draw_seen_before_is_not_built_again(monkeypatch):
    built = []
    original = generator.build_variant

    def counting(cq, drawn, number, seed):
        built.append((cq.question.id, tuple(sorted(drawn.items()))))
        return original(cq, drawn, number, seed)

    monkeypatch.setattr(generator, "build_variant", counting)
    bank = bank_from_text(BANK)
    generated = generate(bank, 300, 3, compiled=compile_bank(bank))
    small = [b for b in built if b[0] == "small"]
    picked = [b for b in built if b[0] == "picked"]
    assert len(small) == len(set(small)) <= 6  # 3 × 2 combinations, a = 2 rejected
    assert len(picked) == len(set(picked)) == 8
    assert len(generated.variants["small"]) == 300
    # Re-numbered copies: each knows its own number and seed.
    assert [v.number for v in generated.variants["small"]] == list(range(1, 301))
    assert len({v.seed for v in generated.variants["small"]}) == 300


def test_what_validation_built_is_not_built_again(monkeypatch):
    bank = bank_from_text(BANK)
    compiled = validate_bank(bank)
    assert len(compiled["small"].tried) == 6  # the whole space, rejected draws included
    assert len(compiled["picked"].tried) == 8
    assert compiled["large"].tried == {}  # sampled, not swept: nothing kept
    built = []
    original = generator.build_variant
    monkeypatch.setattr(
        generator,
        "build_variant",
        lambda cq, *args: built.append(cq.question.id) or original(cq, *args),
    )
    generate(bank, 50, 11, compiled=compiled)
    assert "small" not in built and "picked" not in built and "fixed" not in built
    assert built.count("large") >= 50


def test_validation_keeps_a_bounded_number_of_variants(monkeypatch):
    monkeypatch.setattr(limits, "VALIDATION_KEEP_LIMIT", 7)
    compiled = validate_bank(bank_from_text(BANK))
    assert sum(len(cq.tried) for cq in compiled.values()) <= 7


@pytest.mark.parametrize(
    "spec",
    [
        "{min: 0.1, max: 0.4, step: 0.05}",
        "{min: -3, max: 3}",
        "{min: 0, max: 1, step: 0.125}",
        "{choices: [0.001, 2, thirty]}",
        "{min: 1, max: 100000, step: 7}",
    ],
)
def test_parameter_grid_equals_param_value(spec, monkeypatch):
    monkeypatch.setattr(compiling, "LISTED_GRID_LIMIT", 10)  # both paths: listed, computed
    q = bank_from_text(f"""
id: g
title: G
questions:
  - id: q
    type: numerical
    params: {{p: {spec}}}
    text: "{{{{ p }}}}"
    answer: 1
""").questions[0]
    param = q.params[0]
    grid = ParamGrid(param)
    assert grid.size == param_values(param)
    for i in sorted({0, 1, grid.size // 2, grid.size - 1}):
        value = grid.value(i)
        assert value == param_value(param, i)
        assert type(value) is type(param_value(param, i))
