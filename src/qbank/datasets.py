"""Data sets per variant: a question's ``data:``.

A data set is a table whose columns are lists a question works out (usually ``let`` values
drawn with ``rnorm``, ``runif``, ``sample``…)::

    data:
      name: study                       # optional: the file's stem (default: the question id)
      columns: {hours: hours, score: score}   # heading -> formula giving a list

``columns`` may also be a list of names (``[hours, score]``): each name is its own heading.
The bank reads it as a :class:`DataSpec`; the generator compiles its formulas once per
question (:func:`compile_data`) and works them out for each draw (:func:`evaluate`) into a
:class:`~qbank.model.DataSet`: the values and a CSV file (UTF-8, ``,`` between values, ``.``
for decimals, numbers written exactly as qbank writes them, a header row), named
``<name>-<hash12>.csv`` by a hash of its bytes, so the same data keeps its name in every run.

Bounded (:mod:`qbank.limits`): columns, rows, characters of a text. A text that a
spreadsheet would run as a formula (starting with ``=``, ``+``, ``-`` or ``@``) is refused.
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Annotated, Any

from pydantic import BeforeValidator, Field, WithJsonSchema

from . import limits, numeric
from .errors import TemplateProblem
from .kinds.fields import FORMULA_SCHEMA, FieldModel
from .model import DataSet

#: A file stem a teacher may give: letters, digits, ``_`` and ``-``.
NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{0,39}")
#: What a text cell or heading may not start with: a spreadsheet would run it as a formula.
_FORMULA_START = ("=", "+", "-", "@")


def _columns(value: Any) -> Any:
    """``{heading: formula}`` or a list of names → ((heading, formula), …)."""
    if isinstance(value, Mapping):
        pairs = list(value.items())
    elif isinstance(value, (list, tuple)):
        pairs = [(item, item) for item in value]
        if not all(isinstance(item, str) for item in value):
            raise ValueError("a list of columns holds names of values, e.g. [hours, score]")
    else:
        raise ValueError(
            "should name the columns: heading: formula (e.g. {hours: hours, score: score}) "
            "or a list of names (e.g. [hours, score])"
        )
    out = []
    for heading, formula in pairs:
        if isinstance(heading, bool) or heading is None:
            raise ValueError("a column heading should be a text")
        if isinstance(formula, bool) or not isinstance(formula, (str, int, float, Decimal)):
            raise ValueError(f"column '{heading}' should be a formula giving a list, e.g. hours")
        text = formula if isinstance(formula, str) else numeric.plain(formula)
        out.append((str(heading).strip(), text))
    return tuple(out)


Columns = Annotated[
    tuple[tuple[str, str], ...],
    BeforeValidator(_columns),
    WithJsonSchema(
        {
            "oneOf": [
                {"type": "object", "additionalProperties": FORMULA_SCHEMA},
                {"type": "array", "items": {"type": "string"}},
            ]
        }
    ),
]


class DataSpec(FieldModel):
    """A data set worked out for each version: named columns of values, written as CSV."""

    columns: Annotated[
        Columns,
        Field(
            description="The columns, in order: heading -> a formula giving a list (usually a "
            "`let` value), or a list of names (each its own heading). Every column has the "
            "same number of values: one per row.",
            examples=[{"hours": "hours", "score": "score"}, ["hours", "score"]],
        ),
    ]
    name: Annotated[
        str | None,
        Field(
            description="The file's name without `.csv` (letters, digits, `_`, `-`); default: "
            "the question id. qbank adds a hash of the data: `study-3f2a9c1b4d5e.csv`.",
            examples=["study"],
        ),
    ] = None


def check_spec(spec: DataSpec) -> list[tuple[str, str]]:
    """What a data set lacks or has too much of, as ``(message, field)``."""
    out = []
    if spec.name is not None and not NAME.fullmatch(spec.name):
        out.append(
            (
                f"'name' should be a file name without .csv: letters, digits, _ and - (at most "
                f"40), not '{spec.name[:40]}'",
                "name",
            )
        )
    if not spec.columns:
        out.append(("'columns' is empty: name at least one column", "columns"))
    if len(spec.columns) > limits.MAX_DATA_COLUMNS:
        out.append(
            (
                f"a data set may have at most {limits.MAX_DATA_COLUMNS} columns, not "
                f"{len(spec.columns)}",
                "columns",
            )
        )
    seen: set[str] = set()
    for heading, _ in spec.columns:
        problem = _text_problem(heading, "a column heading")
        if not heading:
            problem = "a column heading is empty"
        elif heading.lower() in seen:
            problem = f"two columns are headed '{heading}'"
        seen.add(heading.lower())
        if problem:
            out.append((problem, "columns"))
    return out


def _text_problem(text: str, what: str) -> str | None:
    if len(text) > limits.MAX_DATA_CELL:
        return f"{what} is longer than {limits.MAX_DATA_CELL} characters: '{text[:40]}…'"
    if any(ord(c) < 32 or ord(c) == 127 for c in text):
        return f"{what} '{text[:40]}' has a line break or a control character"
    if text.startswith(_FORMULA_START) and not _is_number_text(text):
        return (
            f"{what} '{text[:40]}' starts with '{text[0]}', which a spreadsheet would run as "
            "a formula"
        )
    return None


def _is_number_text(text: str) -> bool:
    try:
        Decimal(text)
    except ArithmeticError:
        return False
    return True


def default_name(question_id: str) -> str:
    """The file stem of a data set that names none: the question id, made a safe file name."""
    stem = re.sub(r"[^A-Za-z0-9_-]+", "-", question_id).strip("-_")[:40]
    return stem or "data"


# -- compiling and working out ------------------------------------------------------------


@dataclass(frozen=True)
class CompiledData:
    """A data set's formulas, compiled once per question."""

    name: str
    #: (heading, compiled formula), in order.
    columns: tuple[tuple[str, Any], ...]


FormulaCompiler = Callable[[str, str, set[str]], Any]


def field_name(heading: str) -> str:
    """How problems name a column's formula (and the key of its line)."""
    return f"data.{heading}"


def compile_data(
    spec: DataSpec, question_id: str, known: set[str], formula: FormulaCompiler
) -> CompiledData:
    columns = []
    for heading, source in spec.columns:
        compiled = formula(source, field_name(heading), known)
        if compiled is not None:
            columns.append((heading, compiled))
    return CompiledData(spec.name or default_name(question_id), tuple(columns))


def evaluate(data: CompiledData, values: Mapping[str, Any], at: Callable[[str], None]) -> DataSet:
    """One draw's data set. ``at(field)`` names the step for error messages; a column that
    is not a list, lists of different lengths or too many rows are a
    :class:`TemplateProblem` in a teacher's words."""
    columns = []
    for heading, compiled in data.columns:
        at(field_name(heading))
        value = compiled.run(values)
        columns.append((heading, _column(heading, value)))
    at("data")
    lengths = {len(values) for _, values in columns}
    if len(lengths) > 1:
        counts = ", ".join(f"'{h}' {len(vs)}" for h, vs in columns)
        raise TemplateProblem(
            f"the columns have different numbers of values ({counts}); every column needs "
            "one value per row"
        )
    table = tuple(columns)
    csv_bytes = to_csv(table)
    digest = hashlib.sha256(csv_bytes).hexdigest()[:12]
    return DataSet(data.name, f"{data.name}-{digest}.csv", table, csv_bytes)


def _column(heading: str, value: Any) -> tuple[Any, ...]:
    if not isinstance(value, (list, tuple)):
        raise TemplateProblem(
            f"column '{heading}' should be a list of values (e.g. a 'let' value drawn with "
            f"rnorm or written as [1, 2, 3]), not {_shown(value)}"
        )
    if not value:
        raise TemplateProblem(f"column '{heading}' is an empty list: a data set needs rows")
    if len(value) > limits.MAX_DATA_ROWS:
        raise TemplateProblem(
            f"column '{heading}' has {len(value):,} values; a data set has at most "
            f"{limits.MAX_DATA_ROWS:,} rows"
        )
    out: list[Any] = []
    for n, cell in enumerate(value, 1):
        if isinstance(cell, str):
            problem = _text_problem(cell, f"value {n} of column '{heading}'")
            if problem:
                raise TemplateProblem(problem)
            out.append(cell)
        elif numeric.is_number(cell):
            try:
                out.append(numeric.canonical(cell))
            except (ArithmeticError, ValueError) as exc:
                raise TemplateProblem(
                    f"value {n} of column '{heading}' is not a number that can be written"
                ) from exc
        else:
            raise TemplateProblem(
                f"value {n} of column '{heading}' should be a number or a text, not {_shown(cell)}"
            )
    return tuple(out)


def _shown(value: Any) -> str:
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, str):
        return f"the text '{value[:40]}'"
    if numeric.is_number(value):
        return f"the number {numeric.plain(value)}"
    if isinstance(value, (list, tuple)):
        return "a list"
    return "that"


def to_csv(columns: tuple[tuple[str, tuple[Any, ...]], ...]) -> bytes:
    """The CSV file of a table: UTF-8 without a byte-order mark, ``,`` between values,
    ``.`` for decimals, a header row, a text quoted only when it must be, CRLF lines."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([heading for heading, _ in columns])
    shown = [[v if isinstance(v, str) else numeric.plain(v) for v in vs] for _, vs in columns]
    writer.writerows(zip(*shown))
    return out.getvalue().encode("utf-8")


def parse_csv(data: bytes) -> list[list[str]]:
    """A data set's CSV back as rows of texts (header first): what a spreadsheet reads."""
    return list(csv.reader(io.StringIO(data.decode("utf-8"), newline="")))
