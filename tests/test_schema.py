"""The JSON Schema of bank files agrees with the loader.

Every bank the loader accepts validates against the schema, read as qbank reads it (YAML
1.1 booleans, exact decimals) and as an editor reads it (YAML 1.2); the broken fixtures
whose fault is structural are rejected by it, question by question; every field of every
type has a description and examples, and every example is a value the loader accepts.
"""

from __future__ import annotations

import json
import re
from decimal import Decimal
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml

from conftest import FIXTURES, run_cli
from qbank.bank import load_bank_text
from qbank.bank.jsonschema import bank_schema, schema_text
from qbank.bank.loader import default_bank_path
from qbank.bank.yamlfile import LineDict, LineList, read_text, read_yaml
from qbank.errors import BankError, BankInvalid, QbankError
from qbank.kinds import KINDS
from qbank.kinds.fields import YAML_BOOLEAN_WORDS

SCHEMA = bank_schema()
VALIDATOR = jsonschema.Draft7Validator(SCHEMA)
BROKEN = FIXTURES / "broken"

# The broken fixtures, by what is wrong with them. The schema rejects the structural ones
# (each question the loader complains about, and no other); it accepts the others, whose
# faults only qbank can find (formulas, templates, drawn values, comparing two values);
# the ones qbank's YAML reader refuses never become data a schema could check.
STRUCTURAL = {
    "answer-no": "as qbank reads YAML, an unquoted no/on is false/true where a text belongs",
    "empty": "an empty file is not the mapping a bank is",
    "empty-choices": "an empty list where one (parameter choices) or two (options) belong",
    "missing-fields": "fields left out: text, type, id, a numerical question's answer",
    "multichoice-no-correct": "no choice has correct: true",
    "reserved-names": "parameter names that are not names, or already mean something",
    "top-level-list": "a list where the bank's mapping belongs",
    "unknown-fields": "misspelt fields, a parameter setting that does not exist, a field "
    "of another type",
    "unknown-type": "a type that does not exist",
    "unsafe-ids": "ids that are not safe file names",
    "wrong-types": "a text where a number or true/false belongs; a language that is no tag",
    "zero-step": "a step that is not more than 0",
}
NOT_STRUCTURAL = {
    "bad-formulas": "formulas and templates that do not compile or compute",
    "braces-in-formula": "a formula written as a template: JSON Schema cannot tell",
    "zero-over-zero": "a formula that has no value for some draws",
    "distractor-equals-answer": "a computed choice that equals the answer for some draws",
    "divide-by-zero": "a formula that fails for some draws",
    "duplicate-ids": "two questions with one id: JSON Schema cannot compare items by a field",
    "exponent-bomb": "formulas and templates too big to work out",
    "min-above-max": "comparing two values: JSON Schema cannot",
    "recursive-let": "formulas that use each other",
    "ssti": "templates that try to escape the sandbox",
    "where-never-holds": "conditions no draw meets",
}
NOT_DATA = {
    "billion-laughs": "anchors and aliases",
    "binary-garbage": "not text",
    "colon-in-text": "not YAML (a colon in an unquoted text)",
    "percent-unit": "not YAML (a value that starts with %)",
    "star-text": "not YAML (a value that starts with *)",
    "duplicate-key": "a key given twice (editors' YAML parsers flag it too)",
    "not-utf8": "not UTF-8",
    "python-object": "a Python tag",
    "tab-indent": "not YAML",
    "unquoted-template": "a template YAML reads as a mapping key",
    "unquoted-template-alone": "a template YAML reads as a mapping key",
    "yaml-syntax-error": "not YAML",
}


def accepted_banks() -> list[Path]:
    banks = [default_bank_path()]
    for folder in ("good", "nasty", "anki", "docx"):
        banks += sorted((FIXTURES / folder).glob("*.yaml"))
    return banks


# -- reading a file as qbank does, and as an editor does ---------------------------------


def as_json(value: Any) -> Any:
    """What qbank read, as the JSON values a schema validator sees."""
    if isinstance(value, dict):
        return {_key(k): as_json(v) for k, v in value.items()}
    if isinstance(value, list):
        return [as_json(v) for v in value]
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    return value


def _key(key: Any) -> str:
    return json.dumps(key) if isinstance(key, bool) or key is None else str(key)


def qbank_reading(path: Path) -> Any:
    return read_yaml(read_text(str(path)), str(path)).data


class Yaml12Loader(yaml.SafeLoader):
    """YAML 1.2's core schema, as editors read a file: yes/no/on/off are texts."""


Yaml12Loader.yaml_implicit_resolvers = {}
for _tag, _pattern, _first in [
    ("bool", r"^(?:true|True|TRUE|false|False|FALSE)$", "tTfF"),
    ("null", r"^(?:~|null|Null|NULL|)$", ["~", "n", "N", ""]),
    ("int", r"^(?:[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)$", "-+0123456789"),
    (
        "float",
        r"^(?:[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?"
        r"|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$",
        "-+0123456789.",
    ),
]:
    Yaml12Loader.add_implicit_resolver(
        f"tag:yaml.org,2002:{_tag}", re.compile(_pattern), list(_first)
    )


# Characters YAML refuses in a file: an editor flags them itself; qbank removes them with
# a warning (tests/fixtures/nasty/control-characters.yaml).
_UNREADABLE = re.compile("[^\t\n\r\x20-\x7e\x85\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def editor_reading(path: Path) -> Any:
    text = _UNREADABLE.sub("", path.read_text(encoding="utf-8"))
    return yaml.load(text, Loader=Yaml12Loader)


def errors(instance: Any, schema: dict[str, Any] | None = None) -> list[str]:
    validator = (
        VALIDATOR
        if schema is None
        else jsonschema.Draft7Validator({**schema, "definitions": SCHEMA["definitions"]})
    )
    return [
        f"{'/'.join(map(str, e.absolute_path))}: {e.message}"
        for e in validator.iter_errors(instance)
    ]


# -- the schema itself -------------------------------------------------------------------


def test_the_schema_is_a_valid_draft_7_schema():
    jsonschema.Draft7Validator.check_schema(SCHEMA)
    assert SCHEMA["$schema"] == "http://json-schema.org/draft-07/schema#"


def test_questions_are_a_union_discriminated_by_type():
    items = SCHEMA["properties"]["questions"]["items"]
    assert items == {"oneOf": [{"$ref": f"#/definitions/{name}"} for name in KINDS]}
    for name, kind in KINDS.items():
        definition = SCHEMA["definitions"][name]
        assert definition["properties"]["type"]["const"] == name
        assert definition["additionalProperties"] is False
        assert {"id", "type", "text", *kind.required} == set(definition["required"])
        assert set(definition["properties"]) == {
            "id",
            "type",
            "text",
            "title",
            "section",
            "solution",
            "feedback",
            "tags",
            "points",
            "params",
            "let",
            "where",
            "figure",
            "figures",
            "data",
            *kind.fields,
        }


def _fields(schema: dict[str, Any], where: str):
    for name, field in schema.get("properties", {}).items():
        yield f"{where}.{name}", field
        for nested in _nested_objects(field):
            yield from _fields(nested, f"{where}.{name}")


def _nested_objects(node: Any):
    if isinstance(node, dict):
        if "properties" in node:
            yield node
            return
        for key in ("anyOf", "oneOf", "items"):
            value = node.get(key)
            for sub in value if isinstance(value, list) else [value]:
                yield from _nested_objects(sub)


def all_fields():
    yield from _fields(SCHEMA, "bank")
    for name, definition in SCHEMA["definitions"].items():
        yield from _fields(definition, name)


def test_every_field_of_every_type_has_a_description_and_examples():
    seen = 0
    for where, field in all_fields():
        if where.endswith(".type") and "const" in field:
            assert field["description"].startswith(f"`{field['const']}`: ")
            continue
        seen += 1
        assert len(field.get("description", "")) > 15, where
        assert field.get("examples"), where
    assert seen > 60


def test_the_command_prints_the_schema(tmp_path):
    out = run_cli("schema").output
    assert out == schema_text() and json.loads(out) == SCHEMA
    run_cli("schema", "-o", tmp_path / "s.json")
    assert (tmp_path / "s.json").read_text(encoding="utf-8") == schema_text()


# -- accepted banks validate -------------------------------------------------------------


@pytest.mark.parametrize("path", accepted_banks(), ids=lambda p: p.name)
def test_every_bank_the_loader_accepts_validates(path):
    load_bank_text(read_text(str(path)), str(path))  # the loader accepts it
    assert errors(as_json(qbank_reading(path))) == []
    assert errors(editor_reading(path)) == []


def test_a_truefalse_answer_validates_as_qbank_and_as_an_editor_read_it():
    text = "id: b\ntitle: B\nquestions:\n  - {id: q, type: truefalse, text: Hi., answer: %s}\n"
    for word in ("true", "false", "yes", "no", "on", "off", "True", "NO"):
        bank = text % word
        load_bank_text(bank)
        assert errors(as_json(read_yaml(bank, "b").data)) == [], word
        assert errors(yaml.load(bank, Loader=Yaml12Loader)) == [], word
    assert errors(as_json(read_yaml(text % "maybe", "b").data))


def test_the_yaml_booleans_are_the_ones_qbank_reads_as_booleans():
    for word in YAML_BOOLEAN_WORDS:
        assert isinstance(read_yaml(f"a: {word}\n", "x").data["a"], bool), word
    for word in ("y", "n", "yES", "oN"):
        assert not isinstance(read_yaml(f"a: {word}\n", "x").data["a"], bool), word


# -- structurally broken banks are rejected -----------------------------------------------


def test_every_broken_fixture_is_classified():
    names = {p.stem for p in BROKEN.glob("*.yaml")}
    classified = [*STRUCTURAL, *NOT_STRUCTURAL, *NOT_DATA]
    assert sorted(classified) == sorted(names)


def _last_line(node: Any) -> int:
    lines = [getattr(node, "line", 0)]
    if isinstance(node, LineDict):
        lines += [*node.key_lines.values(), *(_last_line(v) for v in node.values())]
    elif isinstance(node, LineList):
        lines += [*node.item_lines, *(_last_line(v) for v in node)]
    return max(lines)


def _expected_lines(name: str) -> set[int]:
    expected = (BROKEN / f"{name}.expected").read_text(encoding="utf-8")
    return {int(m.group(1)) for m in re.finditer(r"^[^:\n]+:(\d+):", expected, re.M)}


@pytest.mark.parametrize("name", sorted(STRUCTURAL))
def test_structurally_broken_banks_are_rejected_where_the_loader_rejects_them(name):
    raw = qbank_reading(BROKEN / f"{name}.yaml")
    assert errors(as_json(raw)), name
    if not isinstance(raw, LineDict):
        return
    lines = _expected_lines(name)
    questions = raw.get("questions") or []
    spans = [(q.line, _last_line(q)) for q in questions]
    bad_questions = {
        i for i, (first, last) in enumerate(spans) if any(first <= line <= last for line in lines)
    }
    question_schema = {"oneOf": SCHEMA["properties"]["questions"]["items"]["oneOf"]}
    rejected = {i for i, q in enumerate(questions) if errors(as_json(q), question_schema)}
    assert rejected == bad_questions
    bank_lines = {line for line in lines if not any(a <= line <= b for a, b in spans)}
    without_questions = {
        **as_json(raw),
        "questions": [{"id": "q", "type": "essay", "text": "Fine."}],
    }
    assert bool(errors(without_questions)) == bool(bank_lines)


@pytest.mark.parametrize("name", sorted(NOT_STRUCTURAL))
def test_banks_broken_in_ways_only_qbank_finds_pass_the_schema(name):
    assert errors(as_json(qbank_reading(BROKEN / f"{name}.yaml"))) == []


@pytest.mark.parametrize("name", sorted(NOT_DATA))
def test_files_qbank_cannot_read_as_yaml_never_reach_a_schema(name):
    with pytest.raises(BankError):
        qbank_reading(BROKEN / f"{name}.yaml")


def test_an_unquoted_no_is_only_caught_by_qbank_in_an_editor():
    """Editors read YAML 1.2, where ``answer: no`` is the text "no": the schema cannot
    tell, so 'qbank validate' is the check (docs/editors.md says so)."""
    assert errors(editor_reading(BROKEN / "answer-no.yaml")) == []


# -- every example is a value the loader accepts -----------------------------------------


def _base_question(kind_name: str) -> dict[str, Any]:
    kind = KINDS[kind_name]
    question: dict[str, Any] = {"id": "q", "type": kind_name, "text": "Fill in [[this]]."}
    for name in kind.required:
        question[name] = SCHEMA["definitions"][kind_name]["properties"][name]["examples"][0]
    return question


def _bank(question: dict[str, Any], **bank: Any) -> dict[str, Any]:
    return {"id": "b", "title": "B", **bank, "questions": [question]}


#: Fields whose examples need other fields to be valid: what they are given besides.
_WITH = {("multichoice", "distractors"): {"choices": [{"text": "$42.50", "correct": True}]}}


def _examples():
    for name, definition in SCHEMA["definitions"].items():
        if name not in KINDS:
            continue
        for field, spec in definition["properties"].items():
            for example in spec.get("examples", []):
                question = {**_base_question(name), **_WITH.get((name, field), {}), field: example}
                yield f"{name}.{field}", _bank(question)
    base = _base_question("multichoice")
    choice_fields = SCHEMA["definitions"]["multichoice"]["properties"]["choices"]
    item = choice_fields["anyOf"][0]["items"]
    for field, spec in item["properties"].items():
        for example in spec["examples"]:
            choices = [{"text": "A", "correct": True}, {"text": "B", field: example}]
            yield f"choice.{field}", _bank({**base, "choices": choices})
    for field, spec in SCHEMA["definitions"]["parameter"]["properties"].items():
        for example in spec["examples"]:
            param = (
                {"choices": example}
                if field == "choices"
                else {"min": 0, "max": 100000, field: example}
            )
            yield f"parameter.{field}", _bank({**_base_question("essay"), "params": {"p": param}})
    for field, spec in SCHEMA["properties"].items():
        for example in spec.get("examples", []):
            yield f"bank.{field}", {**_bank(_base_question("essay")), field: example}


@pytest.mark.parametrize(
    ("where", "bank"), list(_examples()), ids=lambda x: x if isinstance(x, str) else ""
)
def test_every_example_is_accepted_by_the_schema_and_the_loader(where, bank):
    assert errors(bank) == [], where
    load_bank_text(json.dumps(bank), f"{where}.yaml")


@pytest.mark.parametrize("kind", list(KINDS))
def test_a_required_field_is_required_by_the_loader_and_the_schema(kind):
    for name in KINDS[kind].required:
        question = {k: v for k, v in _base_question(kind).items() if k != name}
        assert errors(_bank(question)), (kind, name)
        with pytest.raises(BankInvalid):
            load_bank_text(json.dumps(_bank(question)))


@pytest.mark.parametrize("kind", list(KINDS))
def test_a_field_of_another_type_is_refused_by_both(kind):
    other = next(n for n, k in KINDS.items() for f in k.fields if f not in KINDS[kind].fields)
    field = next(f for f in KINDS[other].fields if f not in KINDS[kind].fields)
    value = SCHEMA["definitions"][other]["properties"][field]["examples"][0]
    bank = _bank({**_base_question(kind), field: value})
    assert errors(bank)
    with pytest.raises(QbankError):
        load_bank_text(json.dumps(bank))
