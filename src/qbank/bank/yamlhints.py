"""What to tell a teacher when a bank file is not valid YAML: the YAML reader's complaint
in plain words, with a hint for the usual causes (a colon in a text, a value starting with
a character YAML reserves, a tab) and the question it happened in."""

from __future__ import annotations

import re

import yaml

from .. import limits
from ..errors import BankError


def _hint(source_line: str) -> str:
    stripped = source_line.strip()
    if "{{" in stripped and not stripped.split(":", 1)[-1].strip().startswith(("'", '"', "|", ">")):
        return (
            " — a value that contains {{ ... }} must be in quotes, "
            'e.g. text: "{{ price }} per request"'
        )
    if "\t" in source_line[: len(source_line) - len(source_line.lstrip())]:
        return " — indent with spaces, not tabs"
    return ""


# "key: value" on one line of a mapping, possibly an item of a list ("- id: q1").
_KEY_VALUE = re.compile(r"^\s*(?:-\s+)*(?P<key>[A-Za-z_][\w-]*):\s+(?P<value>\S.*)$")
# Characters YAML gives a meaning at the start of an unquoted value.
_SPECIAL_START = "%*&!@`|>"


def _quoted_example(key: str, value: str) -> str:
    """``key: "value"`` as the teacher could write it (long values cut)."""
    shown = value if len(value) <= 40 else value[:37].rstrip() + " …"
    if '"' in shown and "'" not in shown:
        return f"{key}: '{shown}'"
    return f'{key}: "{shown}"'


def value_hint(source_line: str, problem: str = "") -> str:
    """Why an unquoted value on ``source_line`` confused YAML, and how to write it.

    "" when the line is not a ``key: value`` line with one of the common mistakes: a colon
    followed by a space inside a text, or a value that starts with a character YAML reads
    as syntax (``%``, ``*``, ``&``, ``!``, ``@``, a backquote, ``|``, ``>``).
    """
    match = _KEY_VALUE.match(source_line)
    if not match:
        return ""
    key, value = match["key"], match["value"].rstrip()
    if value[0] in "'\"{[":
        return ""
    if value[0] in _SPECIAL_START:
        if value[0] in "|>" and "block scalar" not in problem and len(value) == 1:
            return ""
        return (
            f" — a value that starts with '{value[0]}' must be in quotes, "
            f"e.g. {_quoted_example(key, value)}"
        )
    if "mapping values" in problem and (": " in value or value.endswith(":")):
        return (
            " — a text that contains a colon followed by a space must be in quotes or in a "
            f"'|' block, e.g. {_quoted_example(key, value)}"
        )
    return ""


def _syntax_error(exc: yaml.MarkedYAMLError, text: str, file: str | None) -> BankError:
    mark = exc.problem_mark or exc.context_mark
    line = mark.line + 1 if mark else None
    problem = exc.problem or "not valid YAML"
    # The same words from libyaml and from PyYAML's own parser (which quotes the character).
    problem = re.sub(r"found character '.*?' that", "found character that", problem)
    context = exc.context or ""
    if "nesting depth" in problem:  # libyaml's own limit, met before ours in '[[[[...'
        return BankError(
            f"the file is nested more than {limits.MAX_DEPTH} levels deep", file=file, line=line
        )
    if "quoted scalar" in context and "end of stream" in problem and exc.context_mark is not None:
        # The end of the file is where YAML noticed; the open quote is where to look.
        line = exc.context_mark.line + 1
        problem = "a quote opened on this line is never closed"
    lines = text.splitlines()
    source_line = lines[line - 1] if line and line <= len(lines) else ""
    if "{{" not in source_line and line and line >= 2:
        prev = lines[line - 2]
        source_line = prev if "{{" in prev else source_line
    hint = _hint(source_line)
    if not hint and line and line <= len(lines):
        hint = value_hint(lines[line - 1], problem)
    return BankError(
        f"the file is not valid YAML: {problem}{hint}",
        file=file,
        line=line,
        question=_question_above(lines, line),
    )


_ID_LINE = re.compile(r"""^\s+(?:-\s+)?id:\s*(['"]?)([\w.-]+)\1\s*(?:#.*)?$""")


def _question_above(lines: list[str], line: int | None) -> str | None:
    """The id of the question a line that YAML could not read belongs to, if written above it.

    The file could not be read, so this looks at the text: the nearest indented ``id:``
    above the line, below ``questions:``.
    """
    for source_line in reversed(lines[: line or 0]):
        if source_line.startswith("questions:"):
            return None
        match = _ID_LINE.match(source_line)
        if match:
            return match[2]
    return None
