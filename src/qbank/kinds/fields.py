"""Field types of bank files, shared by the bank schema and every kind's own fields.

Pydantic checks structure and simple types (unknown fields, missing fields, wrong kinds
of value); the messages are reworded for teachers in :mod:`qbank.bank.messages`.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field

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


Text = Annotated[str, BeforeValidator(_text), Field(max_length=limits.MAX_FIELD_TEXT)]
Num = Annotated[int | Decimal, BeforeValidator(_number)]
Tags = Annotated[list[str], BeforeValidator(_tags), Field(max_length=100)]


def bounded_list(item: Any) -> Any:
    """A list of at most MAX_LIST items (choices, pairs, items)."""
    return Annotated[list[item], Field(max_length=limits.MAX_LIST)]


class FieldModel(BaseModel):
    """Base of every pydantic model of a bank file: unknown fields are errors."""

    model_config = ConfigDict(extra="forbid", frozen=True, arbitrary_types_allowed=True)
