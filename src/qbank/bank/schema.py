"""The shape of a bank file, checked with pydantic.

This layer checks structure and simple types (unknown fields, missing fields, wrong
types); :mod:`qbank.bank.loader` then checks what each question type needs (through its
kind module) and turns the result into :class:`qbank.model.Question` objects.

Every field carries its description and examples, and each type the JSON Schema of the
values it accepts: :mod:`qbank.bank.jsonschema` builds the schema for editors and the
reference docs from these models.
"""

from __future__ import annotations

import re
from typing import Annotated, Any

from pydantic import BeforeValidator, ConfigDict, Field, WithJsonSchema, create_model

from .. import limits
from ..datasets import DataSpec
from ..figures import FigureSpec
from ..kinds import type_fields
from ..kinds.fields import NUMBER_SCHEMA, FieldModel, Num, Tags, Text

ID_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")
NAME_PATTERN = re.compile(r"^[A-Za-z][A-Za-z0-9_]{0,63}$")
LANGUAGE_PATTERN = re.compile(r"^[A-Za-z]{2,8}(-[A-Za-z0-9]{1,8}){0,3}$")
# Names that Windows refuses as file names, whatever the extension.
RESERVED_FILE_NAMES = {
    "con",
    "prn",
    "aux",
    "nul",
    *(f"com{i}" for i in range(1, 10)),
    *(f"lpt{i}" for i in range(1, 10)),
}


def _identifier(value: Any) -> Any:
    if isinstance(value, bool) or not isinstance(value, (str, int)):
        raise ValueError("should be a short name made of letters, digits, '-', '_' or '.'")
    value = str(value)
    if not ID_PATTERN.match(value):
        raise ValueError(
            f"'{value}' is not a valid id: use letters, digits, '-', '_' and '.', start "
            "with a letter or digit, at most 64 characters (it becomes part of file names)"
        )
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


def _math(value: Any) -> Any:
    # YAML reads on/off/yes/no as booleans already; words in quotes are accepted too.
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in ("on", "off", "true", "false"):
        return value.strip().lower() in ("on", "true")
    raise ValueError("should be on or off")


def _any_case(word: str) -> str:
    return "".join(f"[{c.lower()}{c.upper()}]" if c.isalpha() else c for c in word)


#: What :func:`_identifier` accepts: a name (not a reserved file name) or a whole number.
ID_SCHEMA: dict[str, Any] = {
    "anyOf": [
        {
            "type": "string",
            "pattern": ID_PATTERN.pattern,
            "not": {
                "pattern": "^("
                + "|".join(_any_case(n) for n in sorted(RESERVED_FILE_NAMES))
                + r")(\.|$)"
            },
        },
        {"type": "integer", "minimum": 0},
    ]
}
Id = Annotated[str, BeforeValidator(_identifier), WithJsonSchema(ID_SCHEMA)]
#: What the loader accepts as a parameter's choice: a number or a text.
CHOICE_SCHEMA: dict[str, Any] = {"type": ["number", "string"]}


class ParamSpec(FieldModel):
    """A parameter drawn from a range (`min`, `max`, `step`) or from a list of `choices`."""

    # One of the two forms, never both (the loader says so in words).
    model_config = ConfigDict(
        json_schema_extra={
            "anyOf": [
                {"required": ["min", "max"], "not": {"required": ["choices"]}},
                {
                    "required": ["choices"],
                    "not": {"anyOf": [{"required": [k]} for k in ("min", "max", "step")]},
                },
            ]
        }
    )

    min: Annotated[
        Num | None,
        WithJsonSchema(NUMBER_SCHEMA),
        Field(description="The smallest value (included).", examples=[1, 10000, 0.5]),
    ] = None
    max: Annotated[
        Num | None,
        WithJsonSchema(NUMBER_SCHEMA),
        Field(
            description="The largest value (included when the steps from `min` reach it).",
            examples=[10, 50000],
        ),
    ] = None
    step: Annotated[
        Num | None,
        WithJsonSchema(
            {"anyOf": [{"type": "number", "exclusiveMinimum": 0}, NUMBER_SCHEMA["anyOf"][1]]}
        ),
        Field(
            description="The gap between two values, more than 0 (default 1): `min`, "
            "`min + step`, ... up to `max`.",
            examples=[5000, 0.25],
        ),
    ] = None
    choices: Annotated[
        list[Any] | None,
        WithJsonSchema(
            {"type": "array", "items": CHOICE_SCHEMA, "minItems": 1, "maxItems": limits.MAX_LIST}
        ),
        Field(
            description="The values to draw from: numbers or texts.",
            examples=[[0.001, 0.002, 0.005], ["apples", "pears"]],
        ),
    ] = None


class CommonFields(FieldModel):
    """The fields every question has, whatever its type."""

    id: Annotated[
        Id,
        Field(
            description="The question's id: unique within the bank; letters, digits, `-`, `_` "
            "and `.`, starting with a letter or digit, at most 64 characters. Keep "
            "it stable: Anki uses it to update cards in place.",
            examples=["api-cost", "vocabulary"],
        ),
    ]
    type: Annotated[str, Field(description="The question type.", examples=["numerical"])]
    text: Annotated[
        Text,
        Field(
            description="The question (a template: `{{ name }}` puts a value in). Markdown "
            "and blank lines between paragraphs are kept.",
            examples=[
                "A company makes {{ requests | thousands }} API calls at ${{ price }} "
                "per request. What is the total cost?"
            ],
        ),
    ]
    title: Annotated[
        Text | None,
        Field(
            description="A short title (Anki, Moodle, the answer key). Default: the first line "
            "of the text, or the id.",
            examples=["Cost of a closed-model API"],
        ),
    ] = None
    section: Annotated[
        Text | None,
        Field(
            description="Groups questions: a worksheet heading and an Anki sub-deck. Default: "
            "`Key facts` for cloze, `Vocabulary` for matching, `Practice` for the "
            "others.",
            examples=["Practice", "Common mistakes"],
        ),
    ] = None
    solution: Annotated[
        Text,
        Field(
            description="The worked solution, a template (answer key, Anki back, Moodle general "
            "feedback); `{{ answer }}` is the computed answer.",
            examples=["total_cost = ${{ price }} × {{ requests | thousands }} = ${{ answer }}"],
        ),
    ] = ""
    feedback: Annotated[
        Text,
        Field(
            description="Feedback shown after answering (Moodle, Anki).",
            examples=["Multiply the price of one request by the number of requests."],
        ),
    ] = ""
    tags: Annotated[
        Tags,
        Field(
            description="Tags for Anki and Moodle: a list, or a text with commas; spaces inside "
            "a tag become `_`.",
            examples=[["cost", "api"], "cost, api"],
        ),
    ] = []
    points: Annotated[
        Num, Field(description="The question's marks (default 1).", examples=[2, 0.5])
    ] = 1
    params: Annotated[
        dict[str, Any],
        Field(
            description="Random parameters, by name: a range `{min, max, step}` or a list of "
            "choices. A question with parameters is drawn afresh for every version.",
            examples=[
                {
                    "requests": {"min": 10000, "max": 50000, "step": 5000},
                    "price": {"choices": [0.001, 0.002, 0.005]},
                    "rate": [12, 15, 18],
                }
            ],
        ),
    ] = {}
    let: Annotated[
        dict[str, Any],
        Field(
            description="Values worked out from the parameters, in order (each may use the ones "
            "above it): name -> formula.",
            examples=[{"latency": "processing + io", "per_minute": "60 / latency"}],
        ),
    ] = {}
    where: Annotated[
        list[Any] | Any,
        Field(
            description="Conditions the drawn values must meet (formulas); qbank draws again "
            "until all hold.",
            examples=[["a != b", "a * b < 1000"], "a > b"],
        ),
    ] = []

    figure: Annotated[
        FigureSpec | None,
        Field(
            description="A figure drawn from each version's values (a histogram, boxplot, "
            "scatter, line, bar chart or function plot), placed under the text, or where the "
            "text says `![alt](figure:1)`.",
            examples=[
                {
                    "kind": "scatter",
                    "x": "heights",
                    "y": "weights",
                    "fit": True,
                    "xlabel": "Height (cm)",
                    "ylabel": "Weight (kg)",
                    "alt": "Weight against height of {{ n }} students",
                }
            ],
        ),
    ] = None
    figures: Annotated[
        list[FigureSpec],
        Field(
            # (the loader counts them, with better words than pydantic's)
            json_schema_extra={"maxItems": limits.MAX_FIGURES},
            description="Several figures (each as in `figure`); `![alt](figure:2)` in the "
            "text places the second one.",
            examples=[
                [
                    {"kind": "histogram", "x": "a", "alt": "Histogram of sample A"},
                    {"kind": "histogram", "x": "b", "alt": "Histogram of sample B"},
                ]
            ],
        ),
    ] = []

    data: Annotated[
        DataSpec | None,
        Field(
            description="A data set worked out for each version: named columns of values "
            "(lists, usually from `let`), written as a CSV file: attached in Moodle, QTI and "
            "Anki, printed as a table on the worksheet, kept in the JSON record.",
            examples=[{"name": "study", "columns": {"hours": "hours", "score": "score"}}],
        ),
    ] = None


#: A question's fields as pydantic reads them: the common ones, then every type's own
#: (from the kind modules, so the schema and the kinds cannot drift apart).
# mypy cannot match pydantic's create_model overloads to fields built at run time.
QuestionFields = create_model(  # type: ignore[call-overload]
    "QuestionFields", __base__=CommonFields, **type_fields()
)


class BankSpec(FieldModel):
    """A bank file: a few fields about the bank, then its questions."""

    id: Annotated[
        Id,
        Field(
            description="The bank's id, used in file names, Anki deck ids and Moodle "
            "categories: letters, digits, `-`, `_` and `.`, at most 64 characters. "
            "Keep it stable: Anki uses it to update cards in place.",
            examples=["open-vs-closed-ai", "fractions-year-7"],
        ),
    ]
    title: Annotated[
        Text,
        Field(
            description="The bank's title, on worksheets, deck names and Moodle categories.",
            examples=["Open Source vs Closed AI Models"],
        ),
    ]
    subtitle: Annotated[
        Text,
        Field(
            description="A subtitle for worksheets.",
            examples=["Trade-offs in Access, Cost and Safety"],
        ),
    ] = ""
    intro: Annotated[
        Text,
        Field(
            description="A reading passage printed on worksheets before the questions; a blank "
            "line starts a new paragraph.",
            examples=["AI models can be shared in very different ways."],
        ),
    ] = ""
    instructions: Annotated[
        Text,
        Field(
            description="Instructions printed on worksheets.",
            examples=["Answer every question and show your working."],
        ),
    ] = ""
    language: Annotated[
        str,
        BeforeValidator(_language),
        WithJsonSchema({"type": "string", "pattern": LANGUAGE_PATTERN.pattern}),
        Field(
            description="The language of the bank, as a tag (default `en`); written into the "
            "files' metadata.",
            examples=["en", "fr", "pt-BR"],
        ),
    ] = "en"
    paper: Annotated[
        str | None,
        BeforeValidator(_paper),
        WithJsonSchema({"type": "string", "enum": ["a4", "letter", "A4", "Letter"]}),
        Field(
            description="The paper worksheets and keys are printed on: `a4` or `letter`. "
            "Without it: the Word template's size, else Letter for a language of a "
            "Letter region (en-US, en-CA, es-MX, …), else A4.",
            examples=["a4", "letter"],
        ),
    ] = None
    math: Annotated[
        bool,
        BeforeValidator(_math),
        WithJsonSchema({"anyOf": [{"type": "boolean"}, {"enum": ["on", "off"]}]}),
        Field(
            description="Whether `$…$`, `$$…$$`, `\\(…\\)` and `\\[…\\]` in texts are "
            "formulas (`on`, the default) or plain text (`off`, for a bank about money "
            "that never writes math).",
            examples=["on", "off"],
        ),
    ] = True
    tags: Annotated[
        Tags,
        Field(
            description="Tags added to every question's own tags.",
            examples=[["computing", "ethics"]],
        ),
    ] = []
    questions: Annotated[
        list[dict[str, Any]],
        Field(
            min_length=1,
            max_length=limits.MAX_QUESTIONS,
            description="The questions, at least one: each has an `id`, a `type` and a "
            "`text`, and the fields of its type.",
            examples=[
                [
                    {
                        "id": "api",
                        "type": "shortanswer",
                        "text": "What do the letters API stand for?",
                        "answer": "application programming interface",
                    }
                ]
            ],
        ),
    ]


COMMON_FIELDS = tuple(CommonFields.model_fields)
QUESTION_FIELDS = tuple(QuestionFields.model_fields)
BANK_FIELDS = tuple(BankSpec.model_fields)
