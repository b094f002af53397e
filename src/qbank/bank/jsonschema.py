"""The JSON Schema of a bank file: completion and checking in editors, and the reference.

``qbank schema`` prints it. It is built when asked for, from the very definitions the
loader reads a bank with, so the two cannot drift apart:

* the bank's own fields: :class:`qbank.bank.schema.BankSpec`;
* the fields every question has: :class:`~qbank.bank.schema.CommonFields`, with the
  parameters (:class:`~qbank.bank.schema.ParamSpec`) and the names
  :mod:`qbank.bank.params` accepts for parameters and ``let`` values;
* each question type's own fields, the ones it cannot do without and what its ``text``
  holds: ``fields``, ``required`` and ``text_field`` of its kind module (:mod:`qbank.kinds`).

Every field has a description and examples. A question is a union discriminated by its
``type``: one schema per type under ``definitions``, and ``questions`` holds ``oneOf``
them, each with ``type: {const: <name>}``, its own fields and no others.

The schema accepts what qbank reads. Where YAML 1.1 (qbank) and YAML 1.2 (editors) read
a file differently it accepts both readings: a true/false field also takes the texts
``yes``, ``no``, ``on`` and ``off``. What it cannot say, ``qbank validate`` does: that
formulas and templates work for every draw, that ``min`` is not above ``max``, that ids
are unique, that a multichoice question has a right choice, that a cloze text has a
blank, and that a text field was not read as true/false (``answer: no`` without quotes).
"""

from __future__ import annotations

import json
import re
import sys
from typing import Any

from pydantic import BaseModel, create_model
from pydantic.json_schema import GenerateJsonSchema

from .. import __version__, limits
from ..kinds import KINDS, Kind
from ..kinds.fields import FORMULA_SCHEMA
from .params import RESERVED_NAMES
from .schema import CHOICE_SCHEMA, NAME_PATTERN, BankSpec, CommonFields, ParamSpec

#: Draft 7: what editors' YAML and JSON tools read best (VS Code's YAML extension, JetBrains).
DIALECT = "http://json-schema.org/draft-07/schema#"
#: The file name ``qbank new`` writes the schema to and the docs use.
FILE_NAME = "qbank-bank.schema.json"

# Keywords whose value is a schema, a list of schemas or a mapping name -> schema.
_SCHEMA_KEYS = {"additionalProperties", "items", "not", "propertyNames", "contains"}
_SCHEMA_LISTS = {"anyOf", "oneOf", "allOf"}
_SCHEMA_MAPS = {"properties", "$defs", "definitions"}


def bank_schema() -> dict[str, Any]:
    """The JSON Schema of a bank file (a new dict each time)."""
    bank = _model_schema(BankSpec)
    questions = bank["properties"]["questions"]
    questions["items"] = {"oneOf": [{"$ref": f"#/definitions/{name}"} for name in KINDS]}
    definitions: dict[str, Any] = {"parameter": _model_schema(ParamSpec), "name": _name_schema()}
    definitions.update({name: question_schema(kind) for name, kind in KINDS.items()})
    bank.pop("description", None)
    return {
        "$schema": DIALECT,
        "$comment": f"Made by qbank {__version__} ('qbank schema'); "
        "'qbank validate' checks what a schema cannot.",
        "title": "qbank bank file",
        "description": "A qbank question bank: a few fields about the bank, then its "
        "questions. Check it with 'qbank validate'.",
        **bank,
        "definitions": definitions,
    }


def schema_text() -> str:
    """The schema as ``qbank schema`` prints it: JSON, indented, ending with a new line."""
    return json.dumps(bank_schema(), indent=2, ensure_ascii=False) + "\n"


def question_schema(kind: Kind) -> dict[str, Any]:
    """The schema of one question of ``kind``: the common fields and its own, no others."""
    fields: dict[str, Any] = dict(kind.fields)
    model = create_model(kind.name, __base__=CommonFields, **fields)
    schema = _model_schema(model)
    props = schema["properties"]
    props["type"] = {"const": kind.name, "description": f"`{kind.name}`: {summary(kind)}"}
    props["text"].update(kind.text_field)
    names = {"$ref": "#/definitions/name"}
    props["params"].update(
        {
            "type": "object",
            "propertyNames": names,
            "maxProperties": limits.MAX_PARAMS,
            "additionalProperties": {
                "anyOf": [
                    {"$ref": "#/definitions/parameter"},
                    {
                        "type": "array",
                        "items": CHOICE_SCHEMA,
                        "minItems": 1,
                        "maxItems": limits.MAX_LIST,
                    },
                ]
            },
        }
    )
    props["let"].update(
        {
            "type": "object",
            "propertyNames": names,
            "maxProperties": limits.MAX_LET,
            "additionalProperties": FORMULA_SCHEMA,
        }
    )
    condition = {"type": "string", "pattern": FORMULA_SCHEMA["pattern"]}
    props["where"].pop("anyOf", None)
    props["where"]["anyOf"] = [
        condition,
        {"type": "array", "items": condition, "maxItems": limits.MAX_WHERE},
    ]
    unknown = set(kind.required) - set(props)
    if unknown:
        raise ValueError(f"{kind.name}: required fields {sorted(unknown)} are not its fields")
    schema["required"] = [*schema.get("required", []), *kind.required]
    schema["title"] = kind.name
    schema["description"] = summary(kind)
    return schema


def summary(kind: Kind) -> str:
    """What a type is, in one sentence: the first line of its kind module's docstring."""
    doc = sys.modules[type(kind).__module__].__doc__ or ""
    first = doc.strip().split("\n", 1)[0]
    first = re.sub(r"^``type: \w+``:\s*", "", first).replace("``", "`")
    return first[:1].upper() + first[1:] if first else kind.name


def _name_schema() -> dict[str, Any]:
    """The names :mod:`qbank.bank.params` accepts for a parameter or a ``let`` value."""
    from ..arithmetic import CONSTANTS, FUNCTIONS

    reserved = sorted(RESERVED_NAMES | set(FUNCTIONS) | set(CONSTANTS))
    return {"pattern": NAME_PATTERN.pattern, "not": {"enum": reserved}}


def _model_schema(model: type[BaseModel]) -> dict[str, Any]:
    """Pydantic's schema of ``model`` with nested models written in place, no titles
    pydantic made up, no ``default: null``."""
    raw = model.model_json_schema(schema_generator=_InOrder)
    defs = raw.pop("$defs", {})
    return _clean(_inline(raw, defs))


class _InOrder(GenerateJsonSchema):
    """Keys in the order they are written (``min``, ``max``, ``step``), not sorted."""

    def sort(self, value: Any, parent_key: str | None = None) -> Any:
        return value


def _inline(node: Any, defs: dict[str, Any]) -> Any:
    if isinstance(node, dict):
        ref = node.get("$ref")
        if isinstance(ref, str) and ref.startswith("#/$defs/"):
            target = _inline(defs[ref.removeprefix("#/$defs/")], defs)
            rest = {k: _inline(v, defs) for k, v in node.items() if k != "$ref"}
            return {**target, **rest}
        return {
            k: (v if k in ("examples", "default", "enum", "const") else _inline(v, defs))
            for k, v in node.items()
        }
    if isinstance(node, list):
        return [_inline(v, defs) for v in node]
    return node


def _clean(schema: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in schema.items():
        if key == "title" or (key == "default" and value is None):
            continue
        if key in _SCHEMA_KEYS and isinstance(value, dict):
            value = _clean(value)
        elif key in _SCHEMA_LISTS:
            value = [_clean(v) for v in value]
        elif key in _SCHEMA_MAPS:
            value = {name: _clean(v) for name, v in value.items()}
        out[key] = value
    return out
