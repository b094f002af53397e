"""``qbank new``: a starter bank with every type that validates and writes every format;
a copy of the built-in bank; never a bank written over; the schema for editors beside it."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest
import yaml

from conftest import run_cli
from qbank.bank import load_bank
from qbank.bank.jsonschema import FILE_NAME, bank_schema, schema_text
from qbank.bank.loader import default_bank_path
from qbank.bank.yamlfile import read_text, read_yaml
from qbank.exporters import default_formats, get_exporter
from qbank.kinds import KINDS
from qbank.starter import bank_id_for, starter_path
from test_schema import Yaml12Loader, as_json


@pytest.fixture()
def here(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_the_starter_bank_has_every_type_and_every_feature():
    bank = load_bank(starter_path())
    assert {q.type for q in bank.questions} == set(KINDS)
    text = starter_path().read_text(encoding="utf-8")
    for feature in (
        "params:",
        "let:",
        "where:",
        "tolerance:",
        "unit:",
        "decimals:",
        "pairs:",
        "[[",
        "items:",
        "choices:",
        "solution:",
        "feedback",
    ):
        assert feature in text, feature
    assert any(q.params for q in bank.questions) and any(q.let for q in bank.questions)
    assert any(q.where for q in bank.questions)
    assert any(q.spec.tolerance.relative for q in bank.questions if q.type == "numerical")
    comments = [line for line in text.splitlines() if line.lstrip().startswith("#")]
    assert len(comments) >= 25  # explained for a teacher


def test_new_writes_a_bank_that_validates_and_generates_every_format(here):
    result = run_cli("new")
    assert "Wrote my-bank.yaml" in result.output
    bank_file = here / "my-bank.yaml"
    assert bank_file.read_text(encoding="utf-8").startswith(
        f"# yaml-language-server: $schema={FILE_NAME}\n"
    )
    assert "OK, 9 questions" in run_cli("validate", "my-bank.yaml").output
    run_cli("generate", "my-bank.yaml", "-n", "3", "--seed", "1", "-o", "out")
    bank = load_bank(bank_file)
    assert bank.id == "my-bank"
    expected = {name for fmt in default_formats() for name in get_exporter(fmt).file_names(bank)}
    assert expected and expected <= {p.name for p in (here / "out").iterdir()}
    record = json.loads((here / "out" / "my-bank.json").read_text(encoding="utf-8"))
    assert {q["type"] for q in record["versions"][0]["questions"]} == set(KINDS)


def test_the_starter_bank_validates_against_the_schema_written_beside_it(here):
    run_cli("new", "week-1")
    schema_file = here / FILE_NAME
    assert schema_file.read_text(encoding="utf-8") == schema_text()
    validator = jsonschema.Draft7Validator(json.loads(schema_file.read_text(encoding="utf-8")))
    text = read_text("week-1.yaml")
    assert list(validator.iter_errors(as_json(read_yaml(text, "week-1.yaml").data))) == []
    assert list(validator.iter_errors(yaml.load(text, Loader=Yaml12Loader))) == []


def test_new_never_writes_over_a_file(here):
    (here / "my-bank.yaml").write_text("mine\n", encoding="utf-8")
    result = run_cli("new", expect=1)
    assert "my-bank.yaml: the file already exists" in result.output
    assert "Traceback" not in result.output
    assert (here / "my-bank.yaml").read_text(encoding="utf-8") == "mine\n"
    run_cli("new", "my-bank.yml")  # another name is fine


def test_new_from_default_copies_the_built_in_bank(here):
    result = run_cli("new", "--from-default")
    assert "open-vs-closed-ai.yaml" in result.output
    copy = load_bank(here / "open-vs-closed-ai.yaml")
    original = load_bank(default_bank_path())
    assert [q.id for q in copy.questions] == [q.id for q in original.questions]
    assert copy.id == original.id
    run_cli("new", "--from-default", "ai-lesson")
    assert load_bank(here / "ai-lesson.yaml").id == "ai-lesson"
    run_cli("new", "--from-default", expect=1)


@pytest.mark.parametrize(
    ("name", "bank_id"),
    [
        ("fractions.yaml", "fractions"),
        ("Fractions Year 7.yaml", "fractions-year-7"),
        ("week_3.yml", "week_3"),
        ("con.yaml", "my-bank"),
        ("---.yaml", "my-bank"),
        ("Économie.yaml", "conomie"),
    ],
)
def test_the_bank_id_comes_from_the_file_name(name, bank_id):
    assert bank_id_for(Path(name)) == bank_id


def test_new_puts_the_bank_in_a_folder_that_exists_only(here):
    (here / "banks").mkdir()
    run_cli("new", "banks/algebra")
    assert (here / "banks" / "algebra.yaml").is_file() and (here / "banks" / FILE_NAME).is_file()
    assert "'nowhere' does not exist" in run_cli("new", "nowhere/x", expect=1).output


def test_the_schema_beside_is_refreshed_but_a_stranger_file_is_left_alone(here):
    old = bank_schema()
    old["$comment"] = "Made by an older qbank"
    (here / FILE_NAME).write_text(json.dumps(old), encoding="utf-8")
    run_cli("new", "a")
    assert (here / FILE_NAME).read_text(encoding="utf-8") == schema_text()
    (here / "other").mkdir()
    (here / "other" / FILE_NAME).write_text("{}", encoding="utf-8")
    result = run_cli("new", "other/b")
    assert "is not a qbank schema" in result.output
    assert (here / "other" / FILE_NAME).read_text(encoding="utf-8") == "{}"


def test_list_says_where_the_built_in_bank_is():
    out = run_cli("list").output
    assert str(default_bank_path()) in out and "qbank new --from-default" in out
    assert "built-in bank" not in run_cli("list", str(starter_path())).output
