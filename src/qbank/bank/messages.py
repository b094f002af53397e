"""Pydantic's findings about a bank file, in a teacher's words, at the right line."""

from __future__ import annotations

import difflib
from collections.abc import Callable
from typing import Any

from pydantic import ValidationError

from .schema import QUESTION_FIELDS, QuestionFields
from .yamlfile import LineDict, LineList


def report(
    exc: ValidationError,
    raw: Any,
    known: tuple[str, ...],
    problem: Callable[[str, int | None], None],
    skip: tuple[str, ...] = (),
) -> None:
    """Every error pydantic found, as ``problem(message, line)`` calls."""
    errors = [e for e in exc.errors() if not (len(e["loc"]) > 1 and e["loc"][0] in skip)]
    # A misspelt field is reported once, as unknown with its suggestion, not also as
    # the field it was meant to be being missing.
    suggested = {
        closest(str(e["loc"][0]), known)
        for e in errors
        if e["type"] == "extra_forbidden" and len(e["loc"]) == 1
    }
    for err in errors:
        loc = tuple(err["loc"])
        kind = err["type"]
        if kind == "missing" and len(loc) == 1 and loc[0] in suggested:
            continue
        line = line_at(raw, loc)
        field = _field_words(loc)
        if kind == "missing":
            message = f"{field} is missing"
        elif kind == "extra_forbidden":
            message = f"unknown field {field}"
            if len(loc) == 1:
                message += did_you_mean(str(loc[0]), known)
        else:
            msg = err["msg"]
            msg = msg.removeprefix("Value error, ")
            msg = _PYDANTIC_WORDS.get(kind, msg[:1].lower() + msg[1:])
            message = f"{field} {msg}" if not msg.startswith("'") else msg
        problem(message, line)


def closest(name: str, known: tuple[str, ...] | list[str]) -> str | None:
    close = difflib.get_close_matches(name, list(known), n=1, cutoff=0.6)
    return close[0] if close else None


def did_you_mean(name: str, known: tuple[str, ...] | list[str]) -> str:
    close = closest(name, known)
    return f" (did you mean '{close}'?)" if close else ""


_SINGULAR = {
    "choices": "choice",
    "pairs": "pair",
    "questions": "question",
    "tags": "tag",
    "items": "item",
    "figures": "figure",
}


def _field_words(loc: tuple[Any, ...]) -> str:
    """A pydantic location as a teacher reads it: 'correct' of choice 2, not choices.1.correct."""
    if len(loc) >= 2 and isinstance(loc[1], int) and loc[0] in _SINGULAR:
        item = f"{_SINGULAR[loc[0]]} {loc[1] + 1}"
        rest = ".".join(str(p) for p in loc[2:])
        return f"'{rest}' of {item}" if rest else item
    return "'" + (".".join(str(p) for p in loc) or "value") + "'"


# Fields a question cannot be checked further without.
_ESSENTIAL = {"id", "type", "text"}


def salvage(raw: LineDict, exc: ValidationError) -> tuple[QuestionFields, set[str]] | None:
    """What can still be checked of a question pydantic refused (already reported).

    A misspelt field is read as the field it was meant to be; a field with a value of the
    wrong kind is left out (returned as ``dropped``). None when nothing sensible is left.
    """
    errors = exc.errors()
    if any(not err["loc"] for err in errors):
        return None
    values = dict(raw)
    dropped: set[str] = set()
    for err in errors:
        name = str(err["loc"][0])
        meant = closest(name, QUESTION_FIELDS) if err["type"] == "extra_forbidden" else None
        if meant is not None and meant not in raw and len(err["loc"]) == 1:
            values[meant] = values.pop(name, None)
        else:
            values.pop(name, None)
            dropped.add(name)
    if dropped & _ESSENTIAL:
        return None
    try:
        return QuestionFields.model_validate(values), dropped
    except ValidationError:
        return None


def line_at(raw: Any, loc: tuple[Any, ...]) -> int | None:
    line = getattr(raw, "line", None)
    node = raw
    for part in loc:
        if isinstance(node, LineDict) and part in node:
            line = node.key_lines.get(part, line)
            node = node[part]
        elif isinstance(node, LineList) and isinstance(part, int) and part < len(node):
            line = node.item_lines[part]
            node = node[part]
        elif isinstance(node, LineDict) and part not in node:
            line = node.key_lines.get(part, line)
            break
        else:
            continue
    return line


_PYDANTIC_WORDS = {
    "string_type": "should be text",
    "int_type": "should be a whole number",
    "int_parsing": "should be a whole number",
    "int_from_float": "should be a whole number",
    "bool_type": "should be true or false",
    "bool_parsing": "should be true or false",
    "list_type": "should be a list (lines starting with '- ')",
    "dict_type": "should be a set of 'name: value' lines",
    "too_short": "is empty",
    "too_long": "is too long",
}
