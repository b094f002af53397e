"""Field types of bank files, shared by the bank schema and every kind's own fields.

Pydantic checks structure and simple types (unknown fields, missing fields, wrong kinds
of value); the messages are reworded for teachers in :mod:`qbank.bank.messages`.

Each type also carries the JSON Schema of the values qbank accepts for it, and each field
its description and examples (:func:`documented`): :mod:`qbank.bank.jsonschema` builds
the schema for editors and the reference docs from these same definitions. The JSON
Schemas describe the values as qbank reads them (YAML 1.1 true/false: ``yes``, ``no``,
``on``, ``off``) and as an editor reads them (YAML 1.2, where those words are texts).
"""

from __future__ import annotations

import types
import typing
from decimal import Decimal
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, WithJsonSchema

from .. import limits, numeric


def _text(value: Any) -> Any:
    if isinstance(value, bool):
        raise ValueError("should be text, not true/false (put it in quotes)")
    if isinstance(value, (int, float, Decimal)):
        try:
            return numeric.plain(value)
        except (ArithmeticError, TypeError):
            raise ValueError("should be text") from None
    if isinstance(value, str):
        return value
    raise ValueError("should be text")


def _number(value: Any) -> Any:
    if isinstance(value, bool) or value is None:
        raise ValueError("should be a number")
    try:
        return numeric.canonical(numeric.to_decimal(value))
    except (TypeError, numeric.NumberError):
        raise ValueError("should be a number") from None


def _tags(value: Any) -> Any:
    if isinstance(value, str):
        value = value.replace(",", " ").split()
    if not isinstance(value, list):
        raise ValueError("should be a list of tags, e.g. [computing, ethics]")
    return [_text(v) for v in value]


#: The words YAML 1.1 (and so qbank) reads as true/false when unquoted; an editor that
#: reads YAML 1.2 sees them as texts, so a true/false field's schema accepts them too.
YAML_BOOLEAN_WORDS = tuple(
    form
    for word in ("yes", "no", "on", "off", "true", "false")
    for form in (word, word.capitalize(), word.upper())
)
#: A number written as a text (``"0.5"``, ``1e3``): qbank reads it as the number.
NUMBER_TEXT = r"^\s*[-+]?([0-9][0-9_]*(\.[0-9_]*)?|\.[0-9][0-9_]*)([eE][-+]?[0-9]+)?\s*$"

#: JSON Schemas of the values qbank accepts for each field type.
TEXT_SCHEMA: dict[str, Any] = {"type": ["string", "number"], "maxLength": limits.MAX_FIELD_TEXT}
NUMBER_SCHEMA: dict[str, Any] = {
    "anyOf": [{"type": "number"}, {"type": "string", "pattern": NUMBER_TEXT}]
}
# (A pattern, not an enum: editors offer an enum's values as completions.)
FLAG_SCHEMA: dict[str, Any] = {
    "anyOf": [
        {"type": "boolean"},
        {"type": "string", "pattern": "^(" + "|".join(YAML_BOOLEAN_WORDS) + ")$"},
    ]
}
#: true, as qbank reads it and as an editor may (YAML 1.2 reads ``yes`` as a text).
TRUE_SCHEMA: dict[str, Any] = {
    "anyOf": [
        {"const": True},
        {
            "type": "string",
            "pattern": "^("
            + "|".join(w for w in YAML_BOOLEAN_WORDS if w.lower() in ("yes", "on", "true"))
            + ")$",
        },
    ]
}
#: A text that must not be blank (an accepted answer, an item), or a number.
FILLED_TEXT_SCHEMA: dict[str, Any] = {
    "type": ["string", "number"],
    "pattern": "\\S",
    "maxLength": limits.MAX_FIELD_TEXT,
}
#: A formula (``answer`` of a numerical question, ``let``, ``where``): a text or a number.
FORMULA_SCHEMA: dict[str, Any] = {"type": ["string", "number"], "pattern": "\\S"}
TAGS_SCHEMA: dict[str, Any] = {
    "anyOf": [
        {"type": "string"},
        {"type": "array", "items": {"type": ["string", "number"]}, "maxItems": 100},
    ]
}

Text = Annotated[
    str,
    BeforeValidator(_text),
    Field(max_length=limits.MAX_FIELD_TEXT),
    WithJsonSchema(TEXT_SCHEMA),
]
Num = Annotated[int | Decimal, BeforeValidator(_number), WithJsonSchema(NUMBER_SCHEMA)]
Tags = Annotated[
    list[str], BeforeValidator(_tags), Field(max_length=100), WithJsonSchema(TAGS_SCHEMA)
]
#: true or false (pydantic also reads the texts "yes", "no", "on", "off", ...).
Flag = Annotated[bool, WithJsonSchema(FLAG_SCHEMA)]


def bounded_list(item: Any) -> Any:
    """A list of at most MAX_LIST items (choices, pairs, items)."""
    return Annotated[list[item], Field(max_length=limits.MAX_LIST)]


def documented(
    annotation: Any,
    description: str,
    *examples: Any,
    schema: dict[str, Any] | None = None,
    **keywords: Any,
) -> Any:
    """``annotation`` with the words and examples the JSON Schema and the reference show.

    ``schema`` is the JSON Schema of the values qbank accepts, where pydantic's own would
    say less (a field typed ``Any`` that the kind checks itself, such as ``answer``); a
    field that may be left empty (``None`` in the annotation) also accepts null.
    ``keywords`` are further JSON Schema keywords for the field (``minItems=2``): limits
    the kind checks itself, with a better message than pydantic's.
    """
    metadata: list[Any] = []
    if schema is not None:
        if _allows_none(annotation):
            schema = {"anyOf": [schema, {"type": "null"}]}
        metadata.append(WithJsonSchema(schema))
    metadata.append(
        Field(description=description, examples=list(examples), json_schema_extra=keywords or None)
    )
    return Annotated[(annotation, *metadata)]


def _allows_none(annotation: Any) -> bool:
    if typing.get_origin(annotation) in (typing.Union, types.UnionType):
        return type(None) in typing.get_args(annotation)
    return False


class FieldModel(BaseModel):
    """Base of every pydantic model of a bank file: unknown fields are errors."""

    model_config = ConfigDict(extra="forbid", frozen=True, arbitrary_types_allowed=True)
