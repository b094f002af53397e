"""The shape of a bank file, checked with pydantic.

This layer checks structure and simple types (unknown fields, missing fields, wrong
types); :mod:`qbank.bank.loader` then checks what each question type needs (through its
kind module) and turns the result into :class:`qbank.model.Question` objects.
"""

from __future__ import annotations

import re
from typing import Annotated, Any

from pydantic import BeforeValidator, Field, create_model

from .. import limits
from ..kinds import type_fields
from ..kinds.fields import FieldModel, Num, Tags, Text

ID_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")
NAME_PATTERN = re.compile(r"^[A-Za-z][A-Za-z0-9_]{0,63}$")
LANGUAGE_PATTERN = re.compile(r"^[A-Za-z]{2,8}(-[A-Za-z0-9]{1,8}){0,3}$")
# Names that Windows refuses as file names, whatever the extension.
RESERVED_FILE_NAMES = {"con", "prn", "aux", "nul", *(f"com{i}" for i in range(1, 10)),
                       *(f"lpt{i}" for i in range(1, 10))}


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


def _paper(value: Any) -> Any:
    # The paper worksheets are printed on; exporters/word/paper.py knows the sizes.
    if value is None:
        return None
    if isinstance(value, str) and value.strip().lower() in ("a4", "letter"):
        return value.strip().lower()
    raise ValueError("should be a4 or letter")


Id = Annotated[str, BeforeValidator(_identifier)]


class ParamSpec(FieldModel):
    min: Num | None = None
    max: Num | None = None
    step: Num | None = None
    choices: Annotated[list[Any], Field(max_length=limits.MAX_LIST)] | None = None


class CommonFields(FieldModel):
    """The fields every question has, whatever its type."""

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


#: A question's fields as pydantic reads them: the common ones, then every type's own
#: (from the kind modules, so the schema and the kinds cannot drift apart).
QuestionFields = create_model("QuestionFields", __base__=CommonFields, **type_fields())


class BankSpec(FieldModel):
    id: Id
    title: Text
    subtitle: Text = ""
    intro: Text = ""
    instructions: Text = ""
    language: Annotated[str, BeforeValidator(_language)] = "en"
    paper: Annotated[str | None, BeforeValidator(_paper)] = None
    tags: Tags = []
    questions: Annotated[list[dict[str, Any]], Field(min_length=1, max_length=limits.MAX_QUESTIONS)]


COMMON_FIELDS = tuple(CommonFields.model_fields)
QUESTION_FIELDS = tuple(QuestionFields.model_fields)
BANK_FIELDS = tuple(BankSpec.model_fields)
