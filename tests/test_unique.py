"""Distinct versions (issue 14, finding 6): repeats are reported; --unique prevents them.

25 students once got only 22 different density problems of 64 possible, and nothing said
so. Now a warning names the question and how many versions it can have, and --unique draws
every version of a question differently where its parameters allow, or refuses clearly.
"""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from conftest import bank_from_text
from qbank import limits
from qbank.cli import cli
from qbank.errors import QbankError
from qbank.generator import generate

BANK = """\
id: dens
title: Density
questions:
  - id: density
    type: numerical
    params:
      mass: {min: 100, max: 800, step: 100}
      volume: {min: 10, max: 80, step: 10}
    text: A block of {{ mass }} g has a volume of {{ volume }} cm³. What is its density?
    answer: mass / volume
    decimals: 2
  - id: small
    type: numerical
    params:
      a: {min: 1, max: 12, step: 1}
    text: What is {{ a }} + 1?
    answer: a + 1
  - id: cond
    type: numerical
    params:
      a: {min: 1, max: 10, step: 1}
      b: {min: 1, max: 10, step: 1}
    where: [a < b]
    text: What is {{ b }} - {{ a }}?
    answer: b - a
  - id: order
    type: ordering
    params:
      n: {min: 1, max: 20, step: 1}
    text: Put these in order.
    items: ["{{ n }}", "{{ n + 1 }}", "{{ n + 2 }}"]
  - id: fixed
    type: numerical
    text: What is 2 + 2?
    answer: 4
"""


@pytest.fixture()
def bank_file(tmp_path):
    path = tmp_path / "dens.yaml"
    path.write_text(BANK, encoding="utf-8")
    return path


def generate_cli(bank_file, out, *args):
    return CliRunner().invoke(
        cli, ["generate", str(bank_file), "-f", "json", "-o", str(out), *map(str, args)]
    )


def drawn(out, question_id: str) -> list[str]:
    record = json.loads((out / "dens.json").read_text(encoding="utf-8"))
    return [
        json.dumps(q["params"], sort_keys=True)
        for v in record["versions"]
        for q in v["questions"]
        if q["id"] == question_id
    ]


def test_repeated_versions_are_a_warning_that_says_how_many_are_possible(bank_file, tmp_path):
    out = tmp_path / "out"
    result = generate_cli(bank_file, out, "-n", 25, "--seed", 1)
    assert result.exit_code == 0, result.output
    density, cond, small = (len(set(drawn(out, q))) for q in ("density", "cond", "small"))
    assert density < 25 and cond < 25
    assert (
        f"Warning: {bank_file}:6: question 'density': 25 versions but only {density} "
        "distinct ones were drawn (64 are possible); use --unique to make every version "
        "different"
    ) in result.stderr
    # 'where' conditions are counted: 45 of the 100 pairs have a < b
    assert (
        f"question 'cond': 25 versions but only {cond} distinct ones were drawn (45 are "
        "possible); use --unique"
    ) in result.stderr
    assert (
        f"question 'small': 25 versions but only {small} distinct ones were drawn (only 12 "
        "are possible, so some versions must repeat)"
    ) in result.stderr
    assert "'fixed'" not in result.stderr


def test_unique_makes_every_version_of_every_question_different(bank_file, tmp_path):
    out = tmp_path / "out"
    result = generate_cli(bank_file, out, "-n", 12, "--seed", 1, "--unique")
    assert result.exit_code == 0 and "distinct" not in result.stderr, result.output
    for question in ("density", "small", "cond", "order"):
        assert len(set(drawn(out, question))) == 12, question
    # all 12 values of 'small', each once; the set records that it was drawn unique
    assert len(set(drawn(out, "small"))) == 12
    manifest = json.loads((out / ".qbank-dens.json").read_text())
    assert manifest["unique"] is True


def test_unique_keeps_each_version_as_drawn_until_it_would_repeat(bank_file):
    wide = BANK.split("  - id: small")[0] + "  - id: cond" + BANK.split("  - id: cond")[1]
    bank = bank_from_text(wide.split("  - id: order")[0])
    assert [q.id for q in bank.questions] == ["density", "cond"]
    plain = generate(bank, 40, 3)
    unique = generate(bank, 40, 3, unique=True)
    shorter = generate(bank, 20, 3, unique=True)
    for qid in ("density", "cond"):
        params = [v.params for v in plain.variants[qid]]
        first_repeat = next(k for k in range(len(params)) if params[k] in params[:k])
        # versions before the first repeat are the ones drawn without --unique
        assert [v.params for v in unique.variants[qid]][:first_repeat] == params[:first_repeat]
        distinct = {tuple(v.params.items()) for v in unique.variants[qid]}
        assert len(distinct) == 40
        # -n 20 --unique is the first 20 versions of -n 40 --unique (deterministic)
        assert [v.params for v in shorter.variants[qid]] == [
            v.params for v in unique.variants[qid]
        ][:20]
    assert not unique.repeats and {r.question.id for r in plain.repeats} >= {"density", "cond"}


def test_unique_refuses_questions_with_too_few_versions_and_writes_nothing(bank_file, tmp_path):
    out = tmp_path / "out"
    result = generate_cli(bank_file, out, "-n", 30, "--seed", 1, "--unique")
    assert result.exit_code == 1
    assert result.stderr == (
        f"Error: {bank_file}:14: question 'small': has only 12 possible "
        "versions; -n 30 --unique needs 30\n"
        f"Error: {bank_file}:28: question 'order': has only 20 possible "
        "versions; -n 30 --unique needs 30\n2 problems found.\n"
    )
    assert not (out / "dens.json").exists()


def test_unique_in_a_space_too_large_to_list_fails_clearly(monkeypatch):
    monkeypatch.setattr(limits, "EXHAUSTIVE_LIMIT", 5)
    bank = bank_from_text(BANK.replace("where: [a < b]", "where: [a + b < 5]"))
    with pytest.raises(
        QbankError,
        match="question 'cond': no version different from the 6 "
        "before it was found in 1,000 draws; its parameters allow too few",
    ):
        generate(bank, 7, 1, unique=True)


def test_preview_of_a_unique_set_shows_the_version_as_printed(bank_file, tmp_path):
    out = tmp_path / "out"
    assert generate_cli(bank_file, out, "-n", 12, "--seed", 1, "--unique").exit_code == 0
    record = json.loads((out / "dens.json").read_text(encoding="utf-8"))
    for k in (5, 12):
        shown = CliRunner().invoke(
            cli, ["preview", str(bank_file), "-o", str(out), "--variant", str(k)]
        )
        assert shown.exit_code == 0 and "differs" not in shown.stderr
        for question in record["versions"][k - 1]["questions"]:
            assert question["text"].split("\n")[0] in shown.stdout, (k, question["id"])
