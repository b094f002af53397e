"""Moodle's calculated questions as randomised numerical questions.

A wildcard's dataset definition (minimum, maximum, decimals) becomes a parameter range
whose step is one unit of the last decimal; the answer formula, written with ``{name}``
and PHP's functions, becomes a qbank formula. Functions qbank has no equal for are
refused with their name (:class:`FormulaNotMapped`).
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from typing import Any

#: PHP functions Moodle allows in formulas, and qbank's name for each (same meaning).
FUNCTIONS = {
    "abs": "abs", "acos": "acos", "asin": "asin", "atan": "atan", "ceil": "ceil",
    "cos": "cos", "exp": "exp", "floor": "floor", "log": "log", "log10": "log10",
    "sin": "sin", "sqrt": "sqrt", "tan": "tan", "deg2rad": "radians",
    "rad2deg": "degrees", "max": "max", "min": "min", "round": "round",
}  # fmt: skip
_TOKEN = re.compile(
    r"\s+|\{([A-Za-z_][A-Za-z0-9_]*)\}|(\d+\.?\d*(?:[eE][-+]?\d+)?|\.\d+(?:[eE][-+]?\d+)?)"
    r"|([A-Za-z_][A-Za-z0-9_]*)|(\*\*|[-+*/%(),])"
)


class FormulaNotMapped(ValueError):
    """A Moodle formula qbank cannot say; the message names what."""


def translate_formula(formula: str, names: list[str]) -> str:
    """Moodle's ``{a} * pow({b}, 2) + pi()`` as qbank's ``a * (b) ** (2) + pi``."""
    tokens: list[tuple[str, str]] = []
    pos = 0
    text = formula.strip()
    if not text:
        raise FormulaNotMapped("the formula is empty")
    while pos < len(text):
        match = _TOKEN.match(text, pos)
        if match is None:
            raise FormulaNotMapped(f"'{text[pos]}' in '{text}'")
        pos = match.end()
        if match.group(1) is not None:
            if match.group(1) not in names:
                raise FormulaNotMapped(f"the wildcard {{{match.group(1)}}} has no dataset")
            tokens.append(("name", match.group(1)))
        elif match.group(2) is not None:
            tokens.append(("num", match.group(2)))
        elif match.group(3) is not None:
            tokens.append(("func", match.group(3)))
        elif match.group(4) is not None:
            tokens.append(("op", match.group(4)))
    out, index = _expression(tokens, 0, text)
    if index != len(tokens):
        raise FormulaNotMapped(f"unbalanced brackets in '{text}'")
    return out


def _expression(tokens: list[tuple[str, str]], i: int, text: str) -> tuple[str, int]:
    """Tokens up to the matching ')' or ',' at this depth, translated."""
    parts: list[str] = []
    while i < len(tokens):
        kind, value = tokens[i]
        if kind == "op" and value in "),":
            break
        if kind == "op" and value == "(":
            inner, i = _expression(tokens, i + 1, text)
            if i >= len(tokens) or tokens[i][1] != ")":
                raise FormulaNotMapped(f"unbalanced brackets in '{text}'")
            parts.append(f"({inner})")
            i += 1
            continue
        if kind == "func":
            if i + 1 >= len(tokens) or tokens[i + 1][1] != "(":
                raise FormulaNotMapped(f"'{value}' is not a wildcard (write {{{value}}})")
            args: list[str] = []
            i += 2
            while True:
                arg, i = _expression(tokens, i, text)
                if arg:
                    args.append(arg)
                if i >= len(tokens):
                    raise FormulaNotMapped(f"unbalanced brackets in '{text}'")
                if tokens[i][1] == ")":
                    i += 1
                    break
                i += 1  # ','
            parts.append(_function(value, args))
            continue
        parts.append(value)
        i += 1
    return " ".join(parts).replace("( ", "(").replace(" )", ")"), i


def _function(name: str, args: list[str]) -> str:
    lower = name.lower()
    if lower == "pi" and not args:
        return "pi"
    if lower == "pow" and len(args) == 2:
        return f"({args[0]}) ** ({args[1]})"
    if lower == "log" and len(args) == 2:
        return f"log({args[0]}, {args[1]})"
    if lower == "fmod" and len(args) == 2:
        raise FormulaNotMapped("fmod (the remainder keeps the sign of the first number)")
    if lower in FUNCTIONS:
        return f"{FUNCTIONS[lower]}({', '.join(args)})"
    raise FormulaNotMapped(f"the function {name}() has no equal in qbank")


def dataset_param(
    minimum: str, maximum: str, decimals: str, distribution: str
) -> tuple[dict[str, Any], list[str]]:
    """A wildcard's range as a parameter ``{min, max, step}``, and what was lost."""
    notes: list[str] = []
    try:
        low, high = Decimal(minimum.strip()), Decimal(maximum.strip())
        places = int(decimals.strip() or "1")
    except (InvalidOperation, ValueError):
        return {"choices": [0]}, [f"its range '{minimum}'..'{maximum}' (not numbers)"]
    if low > high:
        low, high = high, low
    step = Decimal(1).scaleb(-places)
    low = low.quantize(step) if places >= 0 else low
    high = high.quantize(step) if places >= 0 else high
    if distribution.strip() == "loguniform":
        notes.append("values drawn log-uniformly in Moodle (evenly in qbank)")
    param: dict[str, Any] = {"min": _clean(low), "max": _clean(high)}
    if step != 1:
        param["step"] = _clean(step)
    return param, notes


def _clean(value: Decimal) -> Any:
    if value == value.to_integral_value():
        return int(value)
    return value.normalize()
