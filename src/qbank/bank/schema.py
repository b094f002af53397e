"""The shape of a bank file, checked with pydantic.

This layer checks structure and simple types (unknown fields, missing fields, wrong
types); :mod:`qbank.bank.loader` then checks what each question type needs and turns
the result into :class:`qbank.model.Question` objects.
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field

from .. import numeric
from .. import limits

ID_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")
NAME_PATTERN = re.compile(r"^[A-Za-z][A-Za-z0-9_]{0,63}$")
LANGUAGE_PATTERN = re.compile(r"^[A-Za-z]{2,8}(-[A-Za-z0-9]{1,8}){0,3}$")
# Names that Windows refuses as file names, whatever the extension.
RESERVED_FILE_NAMES = {"con", "prn", "aux", "nul", *(f"com{i}" for i in range(1, 10)),
                       *(f"lpt{i}" for i in range(1, 10))}


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


def _identifier(value: Any) -> Any:
    if isinstance(value, bool) or not isinstance(value, (str, int)):
        raise ValueError("should be a short name made of letters, digits, '-', '_' or '.'")
    value = str(value)
    if not ID_PATTERN.match(value):
        raise ValueError(
            f"'{value}' is not a valid id: use letters, digits, '-', '_' and '.', start "
            "with a letter or digit, at most 64 characters (it becomes part of file names)")
    if value.split(".")[0].lower() in RESERVED_FILE_NAMES:
        raise ValueError(f"'{value}' cannot be used as an id: it is a reserved file name")
    return value


def _language(value: Any) -> Any:
    # It may end up in a file's metadata (w:lang, xml:lang): only a plain language tag.
    if not isinstance(value, str) or not LANGUAGE_PATTERN.match(value):
        raise ValueError("should be a language tag such as en, fr or pt-BR")
    return value


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
Id = Annotated[str, BeforeValidator(_identifier)]
Num = Annotated[int | Decimal, BeforeValidator(_number)]
Tags = Annotated[list[str], BeforeValidator(_tags), Field(max_length=100)]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, arbitrary_types_allowed=True)


class ParamSpec(_Model):
    min: Num | None = None
    max: Num | None = None
    step: Num | None = None
    choices: Annotated[list[Any], Field(max_length=limits.MAX_LIST)] | None = None


class ChoiceSpec(_Model):
    text: Text
    correct: bool = False
    feedback: Text = ""


class QuestionSpec(_Model):
    id: Id
    type: str
    text: Text
    title: Text | None = None
    section: Text | None = None
    solution: Text = ""
    feedback: Text = ""
    tags: Tags = []
    points: Num = 1
    params: dict[str, Any] = {}
    let: dict[str, Any] = {}
    where: list[Any] | Any = []
    answer: Any = None
    tolerance: Any = None
    unit: Text = ""
    unit_position: str | None = None
    decimals: int | None = None
    thousands: bool = False
    choices: Annotated[list[ChoiceSpec], Field(max_length=limits.MAX_LIST)] | None = None
    single: bool | None = None
    shuffle: bool = True
    feedback_true: Text = ""
    feedback_false: Text = ""
    case_sensitive: bool = False
    lines: int = 8
    pairs: Annotated[list[Any], Field(max_length=limits.MAX_LIST)] | dict[str, Any] | None = None


class BankSpec(_Model):
    id: Id
    title: Text
    subtitle: Text = ""
    intro: Text = ""
    instructions: Text = ""
    language: Annotated[str, BeforeValidator(_language)] = "en"
    tags: Tags = []
    questions: Annotated[list[dict[str, Any]], Field(min_length=1, max_length=limits.MAX_QUESTIONS)]


QUESTION_FIELDS = tuple(QuestionSpec.model_fields)
BANK_FIELDS = tuple(BankSpec.model_fields)
