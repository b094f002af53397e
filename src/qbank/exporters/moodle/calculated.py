"""``--moodle-calculated``: a numerical template as one Moodle *calculated* question.

Moodle's calculated type holds a question text with ``{name}`` wildcards and ``{=formula}``
expressions, an answer formula, and for each wildcard a dataset of values; Moodle picks
one set of values per attempt and computes the answer itself. We translate the bank's
template and formulas into that syntax (this is a translation of the source text: nothing
is rendered or evaluated here) and fill the datasets with the values qbank drew, so the
numbers students see are the ones in the JSON record.

Only what Moodle's formula language can say is translated: numbers, parameters, ``let``
values (written out in full), ``+ - * / // % **`` and the functions Moodle knows (``**``
becomes ``pow()``, ``ln`` becomes ``log``, ``degrees`` becomes ``rad2deg``...). Anything
else (text parameters, ``{% if %}``, ``answer_text``, list functions...) raises
:class:`NotExpressible`, and the writer falls back to numerical variants for that question.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from ...kinds.numerical import DEFAULT_MAX_PLACES
from ...model import Number, Question, Variant
from ...numeric import is_number, plain
from .markup import Markup

#: Moodle keeps at most this many sets of values per calculated question
#: (``qtype_calculated::MAX_DATASET_ITEMS``).
MAX_DATASET_ITEMS = 100


class NotExpressible(Exception):
    """A template or formula that Moodle's calculated questions cannot express."""


# --- the expression language of bank formulas (a subset of Jinja2's), parsed -----------

Node = tuple  # ("num", Decimal) | ("name", str) | ("neg", Node) | ("bin", op, Node, Node)
#               | ("call", name, [Node]) | ("filter", name, Node, [Node])

_TOKEN = re.compile(
    r"""\s*(?:
      (?P<number>\d[\d_]*(?:\.\d[\d_]*)?(?:[eE][+-]?\d[\d_]*)?)
    | (?P<name>[A-Za-z_][A-Za-z0-9_]*)
    | (?P<op>\*\*|//|[-+*/%|(),])
    )""",
    re.X,
)


def _tokens(source: str) -> list[tuple[str, str]]:
    tokens, pos, source = [], 0, source.strip()
    while pos < len(source):
        match = _TOKEN.match(source, pos)
        if match is None or match.end() == pos:
            raise NotExpressible(f"'{source[pos : pos + 10]}' in '{source}'")
        kind = match.lastgroup or "op"
        tokens.append((kind, match.group(kind)))
        pos = match.end()
    return tokens


class _Parser:
    """Recursive descent with Jinja2's precedence: ``+ -`` < ``* / // %`` < ``**`` (left
    to right) < unary minus < filters and calls; a filter applies to the whole unary."""

    def __init__(self, source: str) -> None:
        self.source = source
        self.tokens = _tokens(source)
        self.pos = 0

    def parse(self) -> Node:
        node = self.sum()
        if self.pos != len(self.tokens):
            raise NotExpressible(f"'{self.tokens[self.pos][1]}' in '{self.source}'")
        return node

    def peek(self) -> str | None:
        return self.tokens[self.pos][1] if self.pos < len(self.tokens) else None

    def take(self) -> tuple[str, str]:
        if self.pos >= len(self.tokens):
            raise NotExpressible(f"'{self.source}' ends too early")
        self.pos += 1
        return self.tokens[self.pos - 1]

    def expect(self, value: str) -> None:
        if self.take()[1] != value:
            raise NotExpressible(f"'{self.source}'")

    def sum(self) -> Node:
        node = self.product()
        while self.peek() in ("+", "-"):
            node = ("bin", self.take()[1], node, self.product())
        return node

    def product(self) -> Node:
        node = self.power()
        while self.peek() in ("*", "/", "//", "%"):
            node = ("bin", self.take()[1], node, self.power())
        return node

    def power(self) -> Node:
        node = self.unary()
        while self.peek() == "**":
            self.take()
            node = ("bin", "**", node, self.unary())
        return node

    def unary(self, with_filter: bool = True) -> Node:
        if self.peek() == "-":
            self.take()
            node: Node = ("neg", self.unary(False))
        elif self.peek() == "+":
            self.take()
            node = self.unary(False)
        else:
            node = self.primary()
        while with_filter and self.peek() == "|":
            self.take()
            kind, name = self.take()
            if kind != "name":
                raise NotExpressible(f"'{self.source}'")
            node = ("filter", name, node, self.arguments() if self.peek() == "(" else [])
        return node

    def primary(self) -> Node:
        kind, value = self.take()
        if kind == "number":
            return ("num", Decimal(value.replace("_", "")))
        if kind == "name":
            if self.peek() == "(":
                return ("call", value, self.arguments())
            return ("name", value)
        if value == "(":
            node = self.sum()
            self.expect(")")
            return node
        raise NotExpressible(f"'{value}' in '{self.source}'")

    def arguments(self) -> list[Node]:
        self.expect("(")
        args: list[Node] = []
        while self.peek() != ")":
            args.append(self.sum())
            if self.peek() == ",":
                self.take()
            elif self.peek() != ")":
                raise NotExpressible(f"'{self.source}'")
        self.take()
        return args


# --- translation into Moodle's formula syntax ------------------------------------------

# qbank function -> (Moodle function, how many arguments it may take)
_FUNCTIONS: dict[str, tuple[str, tuple[int, ...]]] = {
    **{
        name: (name, (1,))
        for name in (
            "abs",
            "sqrt",
            "floor",
            "ceil",
            "exp",
            "sin",
            "cos",
            "tan",
            "asin",
            "acos",
            "atan",
            "log10",
        )
    },
    "log": ("log", (1, 2)),
    "ln": ("log", (1, 2)),
    "round": ("round", (1, 2)),
    "degrees": ("rad2deg", (1,)),
    "radians": ("deg2rad", (1,)),
    "min": ("min", tuple(range(2, 100))),
    "max": ("max", tuple(range(2, 100))),
}
_CONSTANTS = {"pi": "pi()", "e": "exp(1)"}


class Translator:
    """Bank formulas of one question -> Moodle formulas with ``{param}`` wildcards."""

    def __init__(self, question: Question, extra: dict[str, str] | None = None) -> None:
        self.params = {p.name for p in question.params}
        self.lets = dict(question.let)
        self.extra = dict(extra or {})  # names already translated (e.g. 'answer')
        self.used: list[str] = []  # parameters the translations refer to, in order
        self._let_cache: dict[str, str] = {}

    def formula(self, source: str) -> str:
        return self.node(_Parser(source).parse())

    def node(self, n: Node) -> str:
        kind = n[0]
        if kind == "num":
            return plain(n[1])
        if kind == "name":
            return self.name(n[1])
        if kind == "neg":
            return f"(-{self.node(n[1])})"
        if kind == "bin":
            op, left, right = n[1], self.node(n[2]), self.node(n[3])
            if op == "**":
                return f"pow({left},{right})"
            if op == "//":
                return f"floor({left}/{right})"
            if op == "%":
                # qbank's remainder takes the divisor's sign (as Python's); PHP's fmod
                # does not, so write it out: a - b * floor(a / b).
                return f"({left}-{right}*floor({left}/{right}))"
            return f"({left}{op}{right})"
        if kind == "call":
            return self.call(n[1], [self.node(a) for a in n[2]])
        return self.formula_filter(n[1], self.node(n[2]), [self.node(a) for a in n[3]])

    def name(self, name: str) -> str:
        if name in self.params:
            if name not in self.used:
                self.used.append(name)
            return "{" + name + "}"
        # Every translation is already one operand (a number, a wildcard, a call or a
        # parenthesised operation), so it can be put in place as it is.
        if name in self.extra:
            return self.extra[name]
        if name in self.lets:
            if name not in self._let_cache:
                self._let_cache[name] = self.formula(self.lets[name])
            return self._let_cache[name]
        if name in _CONSTANTS:
            return _CONSTANTS[name]
        raise NotExpressible(f"'{name}' has no counterpart in Moodle's formulas")

    def call(self, name: str, args: list[str]) -> str:
        if name not in _FUNCTIONS or len(args) not in _FUNCTIONS[name][1]:
            raise NotExpressible(f"{name}() with {len(args)} argument(s)")
        return f"{_FUNCTIONS[name][0]}({','.join(args)})"

    def formula_filter(self, name: str, value: str, args: list[str]) -> str:
        if name in ("round", "abs"):
            return self.call(name, [value, *args])
        raise NotExpressible(f"the filter '| {name}'")

    def display(self, source: str) -> str:
        """``{{ expression }}`` of a question text as Moodle text: ``{p}`` or ``{=...}``."""
        node = _Parser(source).parse()
        if node[0] == "filter" and node[1] in ("thousands", "fixed"):
            # Presentation only. Moodle cannot group thousands or pad decimals with
            # zeros; 'fixed(2)' becomes round(x, 2), so 21.6 shows as 21.6, not 21.60.
            inner, args = node[2], node[3]
            if node[1] == "fixed" and not args:
                args = [("num", Decimal(2))]  # qbank's fixed() shows 2 decimals by default
            if len(args) > 1:
                raise NotExpressible(f"'| {node[1]}' in '{source.strip()}'")
            node = ("call", "round", [inner, *args]) if args else inner
        if node[0] == "name" and node[1] in self.params:
            return self.name(node[1])
        return "{=" + self.node(node) + "}"


_TEMPLATE_PART = re.compile(
    r"\{\{\{(?P<group>.*?)\}\}\}(?!\})|\{\{(?P<value>.*?)\}\}|\{%|\{#", re.S
)


def translate_template(source: str, translator: Translator) -> list[str]:
    """A text template (Markdown) as segments: the text, and :class:`Markup` for Moodle's
    wildcards. A ``{{{ a }}}`` is a LaTeX group around a value: ``{``, ``{a}``, ``}``."""
    segments: list[str] = []
    pos = 0
    for match in _TEMPLATE_PART.finditer(source):
        segments.append(source[pos : match.start()])
        group = match.group("group")
        expression = group if group is not None else match.group("value")
        if expression is None:
            raise NotExpressible("the text uses {% ... %} or {# ... #}")
        if expression.startswith("-") or expression.endswith("-"):
            raise NotExpressible("the text uses {{- ... -}}")
        wildcard = Markup(translator.display(expression))
        segments.extend(("{", wildcard, "}") if group is not None else (wildcard,))
        pos = match.end()
    segments.append(source[pos:])
    return [s for s in segments if s]


# --- the calculated question of one numerical template ---------------------------------


@dataclass(frozen=True)
class Dataset:
    name: str
    minimum: str
    maximum: str
    decimals: int
    values: tuple[str, ...]


@dataclass(frozen=True)
class CalculatedQuestion:
    text: list[str]  # segments for the question text
    feedback: list[str]  # segments for the general feedback (feedback, then solution)
    answer: str  # Moodle formula
    tolerance: str
    tolerance_type: str  # "1" relative, "2" nominal (absolute)
    places: int  # decimals of the correct answer Moodle shows and grades
    datasets: tuple[Dataset, ...]


def _decimals(value: object) -> int:
    text = plain(value)
    return len(text.split(".")[1]) if "." in text else 0


def answer_places(question: Question, variants: Sequence[Variant]) -> int:
    if question.spec.decimals is not None:
        return question.spec.decimals
    return max((min(_decimals(v.answer), DEFAULT_MAX_PLACES) for v in variants), default=0)


def translate(question: Question, variants: Sequence[Variant]) -> CalculatedQuestion:
    """The calculated form of a numerical template, or :class:`NotExpressible`.

    ``variants`` are the drawn variants whose values fill the datasets (at most
    :data:`MAX_DATASET_ITEMS`).
    """
    if question.spec.answer_formula is None:
        raise NotExpressible("it has no answer formula")
    variants = list(variants)[:MAX_DATASET_ITEMS]
    places = answer_places(question, variants)
    translator = Translator(question)
    answer = translator.formula(question.spec.answer_formula)
    translator.extra["answer"] = f"round({answer},{places})"
    text = translate_template(question.text, translator)
    feedback = translate_template(question.feedback, translator)
    solution = translate_template(question.solution, translator)
    if feedback and solution:
        feedback.append("\n\n")
    datasets = tuple(_dataset(question, name, variants) for name in translator.used)
    if not datasets:
        raise NotExpressible("no parameter appears in its answer or text")
    tolerance = question.spec.tolerance
    if tolerance.value is None:
        tol, kind = plain(Decimal(5).scaleb(-(places + 1))), "2"
    elif tolerance.relative:
        tol, kind = plain(Decimal(tolerance.value) / 100), "1"
    else:
        tol, kind = plain(tolerance.value), "2"
    return CalculatedQuestion(text, feedback + solution, answer, tol, kind, places, datasets)


def _dataset(question: Question, name: str, variants: Sequence[Variant]) -> Dataset:
    param = next(p for p in question.params if p.name == name)
    values = [v.params[name] for v in variants]
    if not all(is_number(x) for x in values) or any(isinstance(c, str) for c in param.choices):
        raise NotExpressible(f"the parameter '{name}' is not a number")
    # Without choices, a numeric parameter has its minimum, maximum and step (the loader's check).
    possible: list[Number] = (
        list(param.choices) if param.choices else [param.minimum, param.maximum, param.step]  # type: ignore[list-item]
    )
    low = min(param.choices) if param.choices else param.minimum
    high = max(param.choices) if param.choices else param.maximum
    return Dataset(
        name,
        plain(low),
        plain(high),
        max(_decimals(x) for x in possible),
        tuple(plain(x) for x in values),
    )
