"""The sandboxed template and formula language.

Question texts are Jinja2 templates and formulas are Jinja2 expressions, both compiled by
one :class:`QbankEnvironment`: a ``SandboxedEnvironment`` with ``StrictUndefined`` that
also

* reads number literals as exact decimals (``0.1 + 0.2`` is ``0.3``);
* sends every arithmetic operator, ``~`` and unary minus through :mod:`qbank.arithmetic`,
  which keeps numbers and texts bounded;
* allows only a small whitelist of syntax (no loops, macros, includes or attribute access),
  functions, filters and tests, so a template's running time is bounded by its length.

This module knows nothing about questions: callers add the question to the errors.
"""

from __future__ import annotations

import difflib
from collections import deque
from dataclasses import dataclass
from decimal import Decimal, DecimalException
from typing import Any, Iterable, Mapping

from jinja2 import StrictUndefined, TemplateSyntaxError, Undefined, nodes
from jinja2.compiler import CodeGenerator, Frame
from jinja2.environment import TemplateExpression
from jinja2.exceptions import SecurityError, UndefinedError
from jinja2.lexer import TOKEN_FLOAT, Lexer, Token, TokenStream
from jinja2.meta import find_undeclared_variables
from jinja2.parser import Parser
from jinja2.sandbox import SandboxedEnvironment

from . import arithmetic, numeric
from .arithmetic import CONSTANTS, FILTERS, FUNCTIONS, TESTS, FormulaError
from .errors import TemplateProblem

#: The longest template or formula source accepted.
MAX_SOURCE = 20_000

# Syntax a question may use. Everything else (for, macro, include, import, attribute
# access, ...) is refused when the bank is loaded, before anything runs.
_ALLOWED_NODES: tuple[type[nodes.Node], ...] = (
    nodes.Template, nodes.Output, nodes.TemplateData, nodes.If, nodes.Assign,
    nodes.Name, nodes.Const, nodes.List, nodes.Tuple, nodes.BinExpr, nodes.UnaryExpr,
    nodes.Compare, nodes.Operand, nodes.CondExpr, nodes.Call, nodes.Filter, nodes.Test,
    nodes.Getitem, nodes.Slice, nodes.Concat, nodes.Keyword,
)
_STATEMENT_WORDS = {
    nodes.For: "{% for %} loops", nodes.Macro: "{% macro %}", nodes.CallBlock: "{% call %}",
    nodes.Include: "{% include %}", nodes.Import: "{% import %}",
    nodes.FromImport: "{% from ... import %}", nodes.Extends: "{% extends %}",
    nodes.Block: "{% block %}", nodes.FilterBlock: "{% filter %}", nodes.With: "{% with %}",
    nodes.Getattr: "attribute access with '.'", nodes.Dict: "{...} dictionaries",
    nodes.AssignBlock: "{% set %}...{% endset %} blocks",
}
_RESERVED_NAMES = {"self", "loop", "super", "caller", "varargs", "kwargs", "namespace"}


class _DecimalLexer(Lexer):
    """Reads ``0.1`` as ``Decimal('0.1')`` instead of a binary float."""

    def wrap(self, stream: Iterable[tuple[int, str, str]], name: str | None = None,
             filename: str | None = None):  # type: ignore[override]
        # Keep the literal's own digits: going through float would lose the 17th digit.
        literals: deque[str] = deque()

        def tap() -> Iterable[tuple[int, str, str]]:
            for lineno, kind, text in stream:
                if kind == TOKEN_FLOAT:
                    literals.append(text.replace("_", ""))
                yield lineno, kind, text

        for token in super().wrap(tap(), name, filename):
            if token.type == TOKEN_FLOAT:
                yield Token(token.lineno, token.type, Decimal(literals.popleft()))
            else:
                yield token


class _CodeGenerator(CodeGenerator):
    def visit_Const(self, node: nodes.Const, frame: Frame) -> None:
        value = node.as_const(frame.eval_ctx)
        if isinstance(value, Decimal):
            self.write(f"environment.number({str(value)!r})")
        else:
            super().visit_Const(node, frame)

    def visit_Concat(self, node: nodes.Concat, frame: Frame) -> None:
        self.write("environment.concat((")
        for arg in node.nodes:
            self.visit(arg, frame)
            self.write(", ")
        self.write("))")


class QbankEnvironment(SandboxedEnvironment):
    intercepted_binops = frozenset(("+", "-", "*", "/", "//", "%", "**"))
    intercepted_unops = frozenset(("-", "+"))
    code_generator_class = _CodeGenerator

    def __init__(self) -> None:
        super().__init__(
            undefined=StrictUndefined,
            autoescape=False,
            finalize=arithmetic.display,
            trim_blocks=True,
            lstrip_blocks=True,
            auto_reload=False,
            cache_size=0,
        )
        self.globals = {**FUNCTIONS, **CONSTANTS}
        self.filters = dict(FILTERS)
        self.tests = dict(TESTS)
        self._allowed_callables = {id(fn) for fn in FUNCTIONS.values()}
        self._lexer = _DecimalLexer(self)

    @property
    def lexer(self) -> Lexer:  # type: ignore[override]
        return self._lexer

    def number(self, text: str) -> Decimal:
        return Decimal(text)

    def concat(self, parts: Iterable[Any]) -> str:
        return arithmetic.concat(parts)

    def call_binop(self, context: Any, operator: str, left: Any, right: Any) -> Any:
        return arithmetic.binop(operator, left, right)

    def call_unop(self, context: Any, operator: str, arg: Any) -> Any:
        return arithmetic.unop(operator, arg)

    def getattr(self, obj: Any, attribute: str) -> Any:
        raise SecurityError(f"'.{attribute}' is not allowed: attribute access is switched off")

    def getitem(self, obj: Any, argument: Any) -> Any:
        if isinstance(obj, (str, list, tuple)):
            if isinstance(argument, slice) or (isinstance(argument, int)
                                               and not isinstance(argument, bool)):
                try:
                    return obj[argument]
                except IndexError:
                    raise FormulaError(f"position {argument} is past the end") from None
        raise SecurityError("only lists and texts can be indexed, by a whole number")

    def call(__self, __context: Any, __obj: Any, *args: Any, **kwargs: Any) -> Any:
        if id(__obj) not in __self._allowed_callables:
            raise SecurityError("only the listed functions may be called")
        return __obj(*args, **kwargs)


ENVIRONMENT = QbankEnvironment()


def _check_syntax(tree: nodes.Node) -> None:
    for node in [tree, *tree.find_all(nodes.Node)]:
        if not isinstance(node, _ALLOWED_NODES):
            words = next((w for t, w in _STATEMENT_WORDS.items() if isinstance(node, t)),
                         f"'{type(node).__name__}'")
            raise TemplateProblem(f"{words} cannot be used in a question")
        if isinstance(node, nodes.Name) and node.name in _RESERVED_NAMES:
            raise TemplateProblem(f"the name '{node.name}' cannot be used in a question")
        if isinstance(node, nodes.Name) and node.name.startswith("_"):
            raise TemplateProblem(f"names starting with '_' are not allowed ('{node.name}')")
        if isinstance(node, nodes.Call):
            if not isinstance(node.node, nodes.Name) or node.node.name not in FUNCTIONS:
                raise TemplateProblem(
                    "only these functions can be called: " + ", ".join(sorted(FUNCTIONS)))
            if node.dyn_args is not None or node.dyn_kwargs is not None:
                raise TemplateProblem("'*' and '**' arguments are not allowed")
        if isinstance(node, nodes.Filter) and node.name not in FILTERS:
            raise TemplateProblem(_unknown("filter", node.name, FILTERS))
        if isinstance(node, nodes.Test) and node.name not in TESTS:
            raise TemplateProblem(_unknown("test", node.name, TESTS))


def _unknown(kind: str, name: str, known: Iterable[str]) -> str:
    message = f"unknown {kind} '{name}'"
    close = difflib.get_close_matches(name, list(known), n=1)
    if close:
        message += f" (did you mean '{close[0]}'?)"
    return message


def unknown_name_message(name: str, known: Iterable[str]) -> str:
    return _unknown("name", name, known)


def _syntax_problem(exc: TemplateSyntaxError, what: str) -> TemplateProblem:
    message = exc.message or "syntax error"
    if message.startswith("unexpected char"):
        message = message.replace("unexpected char", "unexpected character")
    return TemplateProblem(f"{what} has a syntax error: {message}")


@dataclass(frozen=True)
class Compiled:
    """A template or formula compiled once, run once per variant."""

    source: str
    kind: str  # "template" or "formula"
    names: frozenset[str]  # the names it reads (beyond functions and constants)
    _runner: Any

    def run(self, values: Mapping[str, Any]) -> Any:
        try:
            if self.kind == "formula":
                result = self._runner(values)
                if isinstance(result, Undefined):
                    raise TemplateProblem(f"unknown name '{result._undefined_name}'")
                return result
            return self._runner.render(values).strip("\n")
        except TemplateProblem:
            raise
        except UndefinedError as exc:
            raise TemplateProblem(_undefined_words(exc)) from None
        except SecurityError as exc:
            raise TemplateProblem(f"not allowed: {exc}") from None
        except (ZeroDivisionError, DecimalException) as exc:
            raise TemplateProblem(_decimal_words(exc, self.source)) from None
        except (FormulaError, numeric.NumberError, TypeError, ValueError) as exc:
            raise TemplateProblem(f"{_describe_source(self)}: {exc}") from None
        except RecursionError:
            raise TemplateProblem(f"{_describe_source(self)} is nested too deeply") from None
        except MemoryError:
            raise TemplateProblem(f"{_describe_source(self)} needs too much memory") from None


def _describe_source(compiled: Compiled) -> str:
    src = compiled.source.strip()
    if compiled.kind == "formula" and len(src) <= 60:
        return f"formula '{src}'"
    return "the template" if compiled.kind == "template" else "the formula"


def _undefined_words(exc: UndefinedError) -> str:
    text = str(exc)
    if text.startswith("'") and "' is undefined" in text:
        return f"unknown name {text.split(' is undefined')[0]}"
    return text


def _decimal_words(exc: Exception, source: str) -> str:
    name = type(exc).__name__
    if "DivisionByZero" in name or "ZeroDivision" in name or "DivisionUndefined" in name:
        return f"division by zero in '{source.strip()}'"
    if "Overflow" in name:
        return f"a number in '{source.strip()}' grows too large"
    return f"'{source.strip()}' has no numeric answer here ({name})"


def _parse_checked(source: str, kind: str) -> tuple[nodes.Template, frozenset[str]]:
    if len(source) > MAX_SOURCE:
        raise TemplateProblem(f"the {kind} is longer than {MAX_SOURCE:,} characters")
    env = ENVIRONMENT
    try:
        if kind == "formula":
            parser = Parser(env, source, state="variable")
            expr = parser.parse_expression()
            if not parser.stream.eos:
                raise TemplateSyntaxError(
                    f"unexpected '{parser.stream.current.value}' after the formula",
                    parser.stream.current.lineno)
            tree = nodes.Template([nodes.Assign(nodes.Name("result", "store"), expr)],
                                  lineno=1)
            tree.set_environment(env)
        else:
            tree = env.parse(source)
    except TemplateSyntaxError as exc:
        raise _syntax_problem(exc, "the formula" if kind == "formula" else "the text") from None
    except RecursionError:
        raise TemplateProblem(f"the {kind} is nested too deeply") from None
    _check_syntax(tree)
    names = frozenset(find_undeclared_variables(tree)) - FUNCTIONS.keys() - CONSTANTS.keys()
    return tree, names


def compile_template(source: str) -> Compiled:
    tree, names = _parse_checked(source, "template")
    try:
        template = ENVIRONMENT.from_string(tree)
    except RecursionError:
        raise TemplateProblem("the template is nested too deeply") from None
    return Compiled(source, "template", names, template)


def compile_formula(source: str | int | float | Decimal) -> Compiled:
    if isinstance(source, bool):
        raise TemplateProblem("a formula is needed here, not true/false")
    if not isinstance(source, str):
        source = numeric.plain(source)
    if not source.strip():
        raise TemplateProblem("the formula is empty")
    tree, names = _parse_checked(source, "formula")
    try:
        template = ENVIRONMENT.from_string(tree)
    except RecursionError:
        raise TemplateProblem("the formula is nested too deeply") from None
    return Compiled(source, "formula", names, TemplateExpression(template, False))


def is_template(text: str) -> bool:
    """True when a text needs rendering (fast path for plain text)."""
    return "{{" in text or "{%" in text or "{#" in text


__all__ = ["Compiled", "ENVIRONMENT", "compile_formula", "compile_template", "is_template",
           "unknown_name_message", "TokenStream"]
