"""``qbank validate`` lists every problem it can find in one run (issue 14, finding 5).

A question's missing field never hides another question's division by zero, unknown name
or duplicate id; problems come in line order, and the count at the end is the total.
"""

from __future__ import annotations

from click.testing import CliRunner

from qbank.cli import cli

BANK = """\
id: all-at-once
title: Every problem in one run
questions:
  - id: speed
    type: numerical
    text: "A trip of {{ d }} km. Speed?"
    params:
      d: {min: 100, max: 300, step: 100}
  - id: average
    type: numerical
    text: "{{ d }} km in {{ t }} hours. Speed?"
    params:
      d: {min: 100, max: 300, step: 100}
      t: {min: 0, max: 3}
    answer: d / t
  - id: speed
    type: numerical
    text: "Again {{ d }} km?"
    params:
      d: {min: 1, max: 3}
    answer: d
  - id: typo
    type: numerical
    text: "{{ x }} apples?"
    params:
      x: {min: 1, max: 3}
    answer: y * 2
"""


def validate(*paths) -> list[str]:
    result = CliRunner().invoke(cli, ["validate", *map(str, paths)])
    assert result.exit_code == 1, result.output
    return result.stderr.splitlines()


def test_one_question_s_missing_field_hides_nothing_of_the_others(tmp_path):
    path = tmp_path / "bank.yaml"
    path.write_text(BANK, encoding="utf-8")
    assert [line.replace(str(path), "bank.yaml") for line in validate(path)] == [
        "Error: bank.yaml:4: question 'speed': a numerical question needs 'answer:', "
        "the formula that computes it",
        "Error: bank.yaml:15: question 'average': in 'answer': division by zero in 'd / t' "
        "(with d = 100, t = 0)",
        "Error: bank.yaml:16: question 'speed': the id 'speed' is used twice (first on "
        "line 4); every question needs its own id",
        "Error: bank.yaml:27: question 'typo': in 'answer': unknown name 'y'",
        "4 problems found.",
    ]


def test_a_bank_field_problem_hides_nothing_either_and_files_stay_in_order(tmp_path):
    first = tmp_path / "first.yaml"
    first.write_text(BANK.replace("title: Every problem in one run\n", ""), encoding="utf-8")
    second = tmp_path / "second.yaml"
    second.write_text(BANK.replace("id: all-at-once", "id: second"), encoding="utf-8")
    lines = [line.replace(str(tmp_path) + "/", "") for line in validate(first, second)]
    assert lines[0].startswith("Error: first.yaml:1: ") and "'title'" in lines[0], lines
    assert [line.split(":", 2)[:2] for line in lines[1:-1]] == [
        ["Error", " first.yaml"],
    ] * 4 + [["Error", " second.yaml"]] * 4
    assert "division by zero" in lines[2] and "unknown name 'y'" in lines[4]
    assert lines[-1] == "9 problems found."
