"""The ``params``, ``let`` and ``where`` of a question: names, ranges, choices, formulas."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

from pydantic import ValidationError

from .. import limits, numeric
from ..model import Param
from .messages import did_you_mean, line_at
from .schema import NAME_PATTERN, ParamSpec, QuestionFields
from .yamlfile import LineDict

# Names a parameter cannot take: they mean something already.
RESERVED_NAMES = {
    "answer",
    "true",
    "false",
    "none",
    "True",
    "False",
    "None",
    "self",
    "loop",
    "and",
    "or",
    "not",
    "in",
    "is",
    "if",
    "else",
}
#: problem(message, line, question id)
Problem = Callable[[str, int | None, str | None], None]


def read_params(
    spec: QuestionFields,
    raw: LineDict,
    bad: Callable[..., None],
    problem: Problem,
    warn: Problem | None = None,
) -> tuple[Param, ...]:
    out: list[Param] = []
    if len(spec.params) > limits.MAX_PARAMS:
        bad(
            f"a question may have at most {limits.MAX_PARAMS} parameters, not {len(spec.params):,}",
            "params",
        )
        return ()
    raw_params = raw.get("params") or {}
    for name, value in spec.params.items():
        sub = raw_params.get(name) if isinstance(raw_params, dict) else None
        line = raw_params.key_lines.get(name) if isinstance(raw_params, LineDict) else None

        def say(message: str, line: int | None = line) -> None:
            problem(message, line, spec.id)

        def caution(message: str, line: int | None = line) -> None:
            if warn is not None:
                warn(message, line, spec.id)

        if not _check_name(name, say, "parameter", caution):
            continue
        if not isinstance(value, dict):
            if isinstance(value, list):
                value = {"choices": value}
            else:
                say(
                    f"parameter '{name}' needs a range {{min: 1, max: 10}} or a list "
                    "of choices {choices: [1, 2, 3]}"
                )
                continue
        try:
            p = ParamSpec.model_validate(value)
        except ValidationError as exc:
            for err in exc.errors():
                field = ".".join(str(x) for x in err["loc"])
                kind = err["type"]
                msg = (
                    f"unknown setting '{field}'"
                    + did_you_mean(field, ("min", "max", "step", "choices"))
                    if kind == "extra_forbidden"
                    else f"'{field}' " + err["msg"].removeprefix("Value error, ")
                )
                problem(f"parameter '{name}': {msg}", line_at(sub, err["loc"]) or line, spec.id)
            continue
        if p.choices is not None:
            if p.min is not None or p.max is not None or p.step is not None:
                say(f"parameter '{name}' has both choices and min/max; use one of them")
                continue
            if not p.choices:
                say(f"parameter '{name}' has an empty list of choices")
                continue
            choices = []
            for c in p.choices:
                if isinstance(c, bool) or not isinstance(c, (int, float, Decimal, str)):
                    say(f"parameter '{name}': each choice must be a number or a text")
                    break
                choices.append(c if isinstance(c, str) else numeric.canonical(c))
            else:
                out.append(Param(name, choices=tuple(choices)))
            continue
        if p.min is None or p.max is None:
            say(f"parameter '{name}' needs both 'min' and 'max' (or a list of 'choices')")
            continue
        step = p.step if p.step is not None else 1
        if p.min > p.max:
            say(
                f"parameter '{name}': min ({numeric.plain(p.min)}) is above max "
                f"({numeric.plain(p.max)})"
            )
            continue
        if step <= 0:
            say(f"parameter '{name}': step must be more than 0, not {numeric.plain(step)}")
            continue
        if (p.max - p.min) / step > limits.MAX_GRID:
            say(
                f"parameter '{name}': the range holds more than {limits.MAX_GRID:,} values; "
                "use a larger step"
            )
            continue
        out.append(Param(name, minimum=p.min, maximum=p.max, step=step))
    return tuple(out)


def read_let(
    spec: QuestionFields,
    raw: LineDict,
    bad: Callable[..., None],
    problem: Problem,
    param_names: set[str],
    warn: Problem | None = None,
) -> tuple[tuple[str, str], ...]:
    out: list[tuple[str, str]] = []
    if len(spec.let) > limits.MAX_LET:
        bad(
            f"a question may have at most {limits.MAX_LET} 'let' values, not {len(spec.let):,}",
            "let",
        )
        return ()
    raw_let = raw.get("let")
    for name, formula in spec.let.items():
        line = raw_let.key_lines.get(name) if isinstance(raw_let, LineDict) else None

        def say(message: str, line: int | None = line) -> None:
            problem(message, line, spec.id)

        def caution(message: str, line: int | None = line) -> None:
            if warn is not None:
                warn(message, line, spec.id)

        if not _check_name(name, say, "derived value", caution):
            continue
        if name in param_names:
            say(f"'{name}' is both a parameter and a derived value in 'let'")
            continue
        if isinstance(formula, bool) or not isinstance(formula, (str, int, float, Decimal)):
            say(f"'let: {name}' needs a formula, e.g. {name}: a * b")
            continue
        out.append((name, formula if isinstance(formula, str) else numeric.plain(formula)))
    return tuple(out)


def read_where(spec: QuestionFields, bad: Callable[..., None]) -> tuple[str, ...]:
    items = spec.where if isinstance(spec.where, list) else [spec.where]
    out: list[str] = []
    if len(items) > limits.MAX_WHERE:
        bad(
            f"a question may have at most {limits.MAX_WHERE} 'where' conditions, not "
            f"{len(items):,}",
            "where",
        )
        return ()
    for item in items:
        if not isinstance(item, str) or not item.strip():
            bad("each 'where' condition must be a formula such as 'a != b'", "where")
            continue
        out.append(item)
    return tuple(out)


def _check_name(
    name: Any, say: Callable[[str], None], what: str, warn: Callable[[str], None] | None = None
) -> bool:
    from ..arithmetic import CONSTANTS, FUNCTIONS
    from ..arithmetic.stats import STATISTICS

    if not isinstance(name, str) or not NAME_PATTERN.match(name):
        say(
            f"'{name}' is not a valid {what} name: use letters, digits and '_', "
            "starting with a letter"
        )
        return False
    if (
        name in RESERVED_NAMES
        or (name in FUNCTIONS and name not in STATISTICS)
        or name in CONSTANTS
    ):
        say(f"'{name}' cannot be a {what} name: it already means something in formulas")
        return False
    if name in STATISTICS and warn is not None:
        warn(
            f"{what} '{name}' hides the statistics function {name}() in this question: "
            f"its formulas and texts read '{name}' as this value"
        )
    return True


def read_figures(
    spec: QuestionFields, raw: LineDict, bad: Callable[..., None], problem: Problem
) -> tuple[Any, ...]:
    """The question's figures (``figure`` or the list ``figures``), each checked for what
    its kind needs (:func:`qbank.figures.check_spec`)."""
    from ..figures import check_spec

    if spec.figure is not None and spec.figures:
        bad("a question has either 'figure' or a list of 'figures', not both", "figures")
        return ()
    if len(spec.figures) > limits.MAX_FIGURES:
        bad(
            f"a question may have at most {limits.MAX_FIGURES} figures, not {len(spec.figures)}",
            "figures",
        )
        return ()
    found = [spec.figure] if spec.figure is not None else list(spec.figures)
    single = spec.figure is not None
    raw_items = raw.get("figure") if single else raw.get("figures")
    for n, figure in enumerate(found, 1):
        item = raw_items if single else (raw_items[n - 1] if isinstance(raw_items, list) else None)
        label = "figure" if single else f"figure {n}"
        for message, field in check_spec(figure):
            line = item.key_lines.get(field, item.line) if isinstance(item, LineDict) else None
            problem(f"{label}: {message}", line or raw.key_lines.get("figure"), spec.id)
    return tuple(found)


def read_data(spec: QuestionFields, raw: LineDict, problem: Problem) -> Any:
    """The question's data set (``data``), checked for what it needs
    (:func:`qbank.datasets.check_spec`); None when it has none or it is wrong."""
    from ..datasets import check_spec

    if spec.data is None:
        return None
    item = raw.get("data")
    found = check_spec(spec.data)
    for message, field in found:
        line = item.key_lines.get(field, item.line) if isinstance(item, LineDict) else None
        problem(f"data: {message}", line or raw.key_lines.get("data"), spec.id)
    return None if found else spec.data
