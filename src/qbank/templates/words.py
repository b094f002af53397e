"""Teacher-facing wording of what went wrong in a template or formula.

A template is written by a teacher, not a programmer: Python's and Jinja's messages
("'<' not supported between instances of 'str' and 'int'", "'x' is undefined") are
reworded here, in one place, so every part of the sandbox words a problem the same way
and the wording can be reviewed (and tested) without reading the machinery.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable

from jinja2 import TemplateSyntaxError
from jinja2.exceptions import UndefinedError

from ..errors import TemplateProblem


def _kind(type_name: str) -> str:
    return {
        "str": "a text",
        "int": "a number",
        "Decimal": "a number",
        "float": "a number",
        "ShownNumber": "a number",
        "list": "a list",
        "tuple": "a list",
        "bool": "true/false",
        "NoneType": "nothing",
    }.get(type_name, "a value")


_COMPARE_WORDS = re.compile(r"'(.+?)' not supported between instances of '(\w+)' and '(\w+)'")
_CALL_PREFIX = re.compile(r"^_?\w+\(\)")


def python_words(exc: Exception, name: str | None = None) -> str:
    """A Python error about a value, in a teacher's words."""
    text = str(exc)
    match = _COMPARE_WORDS.search(text)
    if match:
        op, left, right = match.groups()
        return f"cannot compare {_kind(left)} with {_kind(right)} using '{op}'"
    if "is not iterable" in text or "is not a container" in text:
        return "'in' needs a text or a list on its right"
    if name is not None:
        text = _CALL_PREFIX.sub(f"{name}()", text)
    return text


def unknown(kind: str, name: str, known: Iterable[str]) -> str:
    """ "unknown filter 'fixd' (did you mean 'fixed'?)"."""
    message = f"unknown {kind} '{name}'"
    close = difflib.get_close_matches(name, list(known), n=1)
    if close:
        message += f" (did you mean '{close[0]}'?)"
    return message


def unknown_name_message(name: str, known: Iterable[str]) -> str:
    """ "unknown name 'x'", with the closest of ``known`` suggested (for the generator)."""
    return unknown("name", name, known)


_TOKENS = {
    "begin of print statement": "{{",
    "end of print statement": "}}",
    "begin of statement block": "{%",
    "end of statement block": "%}",
}


def syntax_problem(exc: TemplateSyntaxError, what: str) -> TemplateProblem:
    """Jinja's syntax error as a problem with ``what`` ("the formula", "the text")."""
    message = exc.message or "syntax error"
    message = message.replace("end of template", f"end of {what}").rstrip(".")
    if message.startswith("unexpected char"):
        message = message.replace("unexpected char", "unexpected character")
    for jinja, written in _TOKENS.items():  # Jinja's names of "{{", "}}", "{%", "%}"
        message = message.replace(f"'{jinja}'", f"'{written}'")
    if "comment" in message:
        # "{#" opens a Jinja comment; in LaTeX it is rare ("\\def\\f{#1}") and written "{ #".
        message += (
            " ('{#' starts a comment that '#}' ends; to write '{#' in a formula, write '{ #')"
        )
    problem = TemplateProblem(f"{what} has a syntax error: {message}")
    problem.template_line = exc.lineno  # the line within the template, from 1
    return problem


def undefined_words(exc: UndefinedError) -> str:
    """ "'x' is undefined" as "unknown name 'x'"."""
    text = str(exc)
    if text.startswith("'") and "' is undefined" in text:
        return f"unknown name {text.split(' is undefined')[0]}"
    return text


def decimal_words(exc: Exception, source: str) -> str:
    """A decimal signal (division by zero, overflow, ...) naming the source it came from."""
    source = source.strip()
    source = source if len(source) <= 60 else source[:57] + "..."
    # The C decimal module raises InvalidOperation for 0/0, naming the signal in args[0].
    signals = exc.args[0] if exc.args and isinstance(exc.args[0], list) else []
    names = {type(exc).__name__, *(getattr(s, "__name__", "") for s in signals)}
    if "DivisionUndefined" in names:
        return f"'{source}' has no numeric answer: 0 / 0"
    if names & {"DivisionByZero", "ZeroDivisionError"}:
        return f"division by zero in '{source}'"
    if any("Overflow" in name for name in names):
        return f"a number in '{source}' grows too large"
    return f"'{source}' has no numeric answer for these values"


def formula_braces(source: str) -> str | None:
    """The message for a formula written like a text template (``{{ d }}``), else None."""
    if "{{" not in source and "{%" not in source:
        return None
    bare = re.sub(r"\{\{\s*(.*?)\s*\}\}", r"\1", source.strip())
    example = f": write {bare}, not {source.strip()}" if "{" not in bare and len(bare) <= 60 else ""
    return f"formulas are written without {{{{ }}}}{example}"
