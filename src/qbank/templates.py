"""The sandboxed template and formula language.

Question texts are Jinja2 templates and formulas are Jinja2 expressions, both compiled by
one :class:`QbankEnvironment`: a ``SandboxedEnvironment`` with ``StrictUndefined`` that
also

* reads number literals as exact decimals (``0.1 + 0.2`` is ``0.3``), keeping every digit;
* sends every arithmetic operator, ``~``, comparison, list literal, index and slice through
  :mod:`qbank.arithmetic`, which keeps numbers, texts and lists bounded and charges each
  step to the run's work meter;
* allows only a small whitelist of syntax (no loops, macros, includes or attribute access),
  functions, filters and tests, checked on the syntax tree before anything runs, with the
  nesting depth bounded;
* runs each template or formula under a step budget and a wall-clock deadline, and inside
  any :func:`time_limit` and :func:`output_limit` blocks the caller opens (the pipeline
  bounds a question's validation, a variant and a whole run this way).

Every failure of a run is a :class:`TemplateProblem` in a teacher's words. This module
knows nothing about questions: callers add the question to the errors. The guarantees are
listed in docs/security.md.
"""

from __future__ import annotations

import difflib
import re
import time
from collections import deque
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from decimal import Decimal, DecimalException
from functools import lru_cache
from typing import Any, Callable, Iterable, Iterator, Mapping

from jinja2 import StrictUndefined, TemplateSyntaxError, Undefined, nodes
from jinja2.compiler import CodeGenerator, Frame, operators
from jinja2.exceptions import SecurityError, UndefinedError
from jinja2.lexer import TOKEN_FLOAT, TOKEN_STRING, Lexer, Token
from jinja2.meta import find_undeclared_variables
from jinja2.parser import Parser
from jinja2.runtime import missing
from jinja2.sandbox import SandboxedEnvironment

from . import arithmetic, numeric
from . import limits
from .arithmetic import (CONSTANTS, FILTERS, FUNCTIONS, TESTS, FormulaError, TooMuchText,
                         TooSlow, WorkMeter, charge, check_list, size_cost)
from .errors import TemplateProblem


#: Characters no text of a bank may hold: those XML 1.0 cannot hold at all (C0 controls
#: other than tab and line breaks, U+FFFE/U+FFFF, lone surrogates), and the invisible DEL
#: and C1 controls (U+007F-U+009F, usually Windows-1252 text decoded wrongly), which some
#: formats drop. The bank loader removes them (with a warning); a string literal in a
#: template may not spell them.
CONTROL_CHARACTERS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffe\uffff"
                                "\ud800-\udfff]")

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
    nodes.AssignBlock: "{% set %}...{% endset %} blocks", nodes.NSRef: "namespace values",
    nodes.Scope: "{% autoescape %} blocks",
}
_RESERVED_NAMES = {"self", "loop", "super", "caller", "varargs", "kwargs", "namespace"}


# --- time and text limits --------------------------------------------------------------


@dataclass
class TimeLimit:
    """A wall-clock limit on every template run inside a :func:`time_limit` block."""

    seconds: float
    message: str
    deadline: float = 0.0

    def renew(self) -> None:
        """Start the clock again (e.g. once per variant)."""
        self.deadline = time.monotonic() + self.seconds

    @property
    def expired(self) -> bool:
        return time.monotonic() > self.deadline


_LIMITS: ContextVar[tuple[TimeLimit, ...]] = ContextVar("qbank_time_limits", default=())


@contextmanager
def time_limit(seconds: float, message: str) -> Iterator[TimeLimit]:
    """Stop any template run inside the block once ``seconds`` have passed.

    The run that is stopped raises :class:`TemplateProblem` with ``message``; limits nest
    (the earliest deadline wins).
    """
    limit = TimeLimit(seconds, message)
    limit.renew()
    token = _LIMITS.set(_LIMITS.get() + (limit,))
    try:
        yield limit
    finally:
        _LIMITS.reset(token)


@dataclass
class OutputLimit:
    """A budget of characters for all the text template runs produce inside the block."""

    characters: int
    message: str
    left: int = 0

    def renew(self) -> None:
        """Give the whole budget again (e.g. once per variant)."""
        self.left = self.characters


_OUTPUT_LIMITS: ContextVar[tuple[OutputLimit, ...]] = ContextVar("qbank_output_limits",
                                                                 default=())


@contextmanager
def output_limit(characters: int, message: str) -> Iterator[OutputLimit]:
    """Bound the text every template and formula run inside the block produces, together.

    One run is bounded by limits.MAX_TEXT; this bounds many runs (a question with a
    thousand choices, a run with many versions), so memory stays bounded.
    """
    limit = OutputLimit(characters, message)
    limit.renew()
    token = _OUTPUT_LIMITS.set(_OUTPUT_LIMITS.get() + (limit,))
    try:
        yield limit
    finally:
        _OUTPUT_LIMITS.reset(token)


@lru_cache(maxsize=4)
def _too_long(seconds: float) -> str:
    # Written once, not on each of the hundreds of thousands of runs of a large set.
    return f"working it out took longer than {seconds:g} seconds; it does too much work"


def _meter() -> WorkMeter:
    now = time.monotonic()
    deadline = now + limits.RENDER_SECONDS
    late = _too_long(limits.RENDER_SECONDS)
    for limit in _LIMITS.get():
        if limit.deadline < deadline:
            deadline, late = limit.deadline, limit.message
    if now > deadline:
        raise TemplateProblem(late)
    return WorkMeter(deadline, late, _OUTPUT_LIMITS.get())


# --- the environment ---------------------------------------------------------------------


class _DecimalLexer(Lexer):
    """Reads ``0.1`` as ``Decimal('0.1')`` (exactly as written) instead of a binary float.

    Also refuses number literals longer than limits.MAX_DIGITS and string literals whose escapes
    spell characters no output format can hold ('\\x07').
    """

    def wrap(self, stream: Iterable[tuple[int, str, str]], name: str | None = None,
             filename: str | None = None):  # type: ignore[override]
        # Keep the literal's own digits: going through float would lose the 17th digit.
        float_texts: deque[str] = deque()

        def checked() -> Iterator[tuple[int, str, str]]:
            for lineno, token, value in stream:
                if token in ("integer", "float") and len(value) > limits.MAX_DIGITS:
                    raise TemplateSyntaxError(
                        f"a number is longer than {limits.MAX_DIGITS:,} digits", lineno)
                if token == "float":
                    float_texts.append(value)
                yield lineno, token, value

        for token in super().wrap(checked(), name, filename):
            if token.type == TOKEN_FLOAT:
                yield Token(token.lineno, token.type,
                            Decimal(float_texts.popleft().replace("_", "")))
            elif token.type == TOKEN_STRING and CONTROL_CHARACTERS.search(token.value):
                code = ord(CONTROL_CHARACTERS.search(token.value).group())
                raise TemplateSyntaxError(
                    f"a text in quotes spells a control character (U+{code:04X}) that no "
                    "output format can hold", token.lineno)
            else:
                yield token


class _CodeGenerator(CodeGenerator):
    """Jinja's code generator, with every value-building step routed through the meter."""

    def visit_Const(self, node: nodes.Const, frame: Frame) -> None:
        value = node.as_const(frame.eval_ctx)
        if isinstance(value, Decimal):
            self.write(f"environment.number({str(value)!r})")
        else:
            super().visit_Const(node, frame)

    def _output_child_to_const(self, node: nodes.Expr, frame: Frame, finalize: Any) -> str:
        # Jinja folds '{{ "x" ~ 1.50 }}' at compile time with str(), which writes 1.50,
        # 1E-7 or [Decimal('1.5')]; leave every ~ to environment.concat, which writes
        # numbers the qbank way.
        if isinstance(node, nodes.Concat) or any(True for _ in node.find_all(nodes.Concat)):
            raise nodes.Impossible()
        return super()._output_child_to_const(node, frame, finalize)

    def visit_Concat(self, node: nodes.Concat, frame: Frame) -> None:
        self.write("environment.concat((")
        for arg in node.nodes:
            self.visit(arg, frame)
            self.write(", ")
        self.write("))")

    def visit_List(self, node: nodes.List, frame: Frame) -> None:
        self.write("environment.make_list(")
        super().visit_List(node, frame)
        self.write(")")

    def visit_Tuple(self, node: nodes.Tuple, frame: Frame) -> None:
        if node.ctx != "load":  # {% set a, b = ... %}
            super().visit_Tuple(node, frame)
            return
        self.write("environment.make_list(")
        super().visit_Tuple(node, frame)
        self.write(")")

    def visit_Compare(self, node: nodes.Compare, frame: Frame) -> None:
        # Comparing two long lists or texts is work too: each operand is measured.
        self.write("(environment.measure(")
        self.visit(node.expr, frame)
        self.write(")")
        for operand in node.ops:
            self.write(f" {operators[operand.op]} environment.measure(")
            self.visit(operand.expr, frame)
            self.write(")")
        self.write(")")

    def visit_Getitem(self, node: nodes.Getitem, frame: Frame) -> None:
        if not isinstance(node.arg, nodes.Slice):
            super().visit_Getitem(node, frame)
            return
        # Jinja lets slices bypass environment.getitem; ours go through it.
        self.write("environment.getitem(")
        self.visit(node.node, frame)
        self.write(", slice(")
        for i, part in enumerate((node.arg.start, node.arg.stop, node.arg.step)):
            self.write(", " if i else "")
            if part is None:
                self.write("None")
            else:
                self.visit(part, frame)
        self.write("))")


def _kind(type_name: str) -> str:
    return {"str": "a text", "int": "a number", "Decimal": "a number", "float": "a number",
            "ShownNumber": "a number", "list": "a list", "tuple": "a list",
            "bool": "true/false", "NoneType": "nothing"}.get(type_name, "a value")


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


# Functions that cost tens of microseconds (high-precision decimal maths, formatting a
# thousand-digit number) are charged more steps than one.
_HEAVY = {"sqrt", "log", "ln", "log10", "exp", "sin", "cos", "tan", "asin", "acos", "atan",
          "degrees", "radians", "fixed", "thousands", "round"}


def _steps(name: str) -> int:
    return limits.HEAVY_STEPS if name in _HEAVY else 1


def _guarded(name: str, fn: Callable[..., Any]) -> Callable[..., Any]:
    """A filter or test with steps charged per call and Python's errors reworded."""
    steps = _steps(name)

    def guarded(*args: Any, **kwargs: Any) -> Any:
        charge(steps)
        try:
            return fn(*args, **kwargs)
        except TypeError as exc:
            raise FormulaError(python_words(exc, name)) from None

    guarded.__name__ = name
    return guarded


class QbankEnvironment(SandboxedEnvironment):
    intercepted_binops = frozenset(("+", "-", "*", "/", "//", "%", "**"))
    intercepted_unops = frozenset(("-", "+"))
    code_generator_class = _CodeGenerator

    def __init__(self) -> None:
        super().__init__(
            undefined=StrictUndefined,
            autoescape=False,
            finalize=arithmetic.finalize,
            trim_blocks=True,
            lstrip_blocks=True,
            auto_reload=False,
            cache_size=0,
            # Jinja's optimizer folds constant expressions with Python's own str() and
            # operators, bypassing qbank's exact numbers ('x' ~ 1.50 would give x1.50).
            optimized=False,
        )
        self.globals = {**FUNCTIONS, **CONSTANTS}
        self.filters = {name: _guarded(name, fn) for name, fn in FILTERS.items()}
        self.tests = {name: _guarded(name, fn) for name, fn in TESTS.items()}
        self._allowed_callables = {id(fn): name for name, fn in FUNCTIONS.items()}
        self._lexer = _DecimalLexer(self)

    @property
    def lexer(self) -> Lexer:  # type: ignore[override]
        return self._lexer

    def number(self, text: str) -> Decimal:
        return Decimal(text)

    def concat(self, parts: Iterable[Any]) -> str:
        return arithmetic.concat(parts)

    def make_list(self, items: list | tuple) -> list:
        charge(1 + len(items))
        return list(check_list(items))

    def measure(self, value: Any) -> Any:
        charge(1 + size_cost(value))
        return value

    def call_binop(self, context: Any, operator: str, left: Any, right: Any) -> Any:
        return arithmetic.binop(operator, left, right)

    def call_unop(self, context: Any, operator: str, arg: Any) -> Any:
        return arithmetic.unop(operator, arg)

    def getattr(self, obj: Any, attribute: str) -> Any:
        raise SecurityError(f"'.{attribute}' is not allowed: attribute access is switched off")

    def getitem(self, obj: Any, argument: Any) -> Any:
        charge(1)
        if isinstance(obj, Undefined):
            obj._fail_with_undefined_error()  # "unknown name 'x'", not a refusal
        if not isinstance(obj, (str, list, tuple)):
            raise SecurityError("only lists and texts can be indexed, by a whole number")
        if isinstance(argument, slice):
            argument = slice(*(_position(p) for p in (argument.start, argument.stop,
                                                       argument.step)))
            if argument.step == 0:
                raise FormulaError("a slice step cannot be 0")
            result = obj[argument]
            charge(size_cost(result))
            return result
        if argument is None:
            raise SecurityError("only lists and texts can be indexed, by a whole number")
        position = _position(argument)
        if abs(position) > len(obj):
            raise FormulaError(f"position {arithmetic.describe(argument).split()[-1]} is past "
                               "the end")
        return obj[position]

    def call(__self, __context: Any, __obj: Any, *args: Any, **kwargs: Any) -> Any:
        name = __self._allowed_callables.get(id(__obj))
        if name is None:
            raise SecurityError("only the listed functions may be called")
        charge(_steps(name))
        try:
            return __obj(*args, **kwargs)
        except TypeError as exc:
            raise FormulaError(python_words(exc, name)) from None


def _position(value: Any) -> Any:
    """A whole number usable as a position (``2`` or ``2.0``); None stays None."""
    if value is None:
        return None
    if isinstance(value, Decimal) and value == value.to_integral_value():
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int):
        raise FormulaError(f"a position must be a whole number, not {arithmetic.describe(value)}")
    # Python clamps slice ends, so a huge position is harmless; keep it a small int anyway.
    return max(min(value, 10**9), -10**9)


ENVIRONMENT = QbankEnvironment()


def _check_brackets(source: str, kind: str) -> None:
    """Refuse brackets nested deeper than limits.MAX_BRACKETS, before Jinja's recursive parser."""
    depth = 0
    state = "variable" if kind == "formula" else None
    for _, token, value in ENVIRONMENT.lexer.tokeniter(source, None, state=state):
        if token == "operator":
            if value in "([{":
                depth += 1
                if depth > limits.MAX_BRACKETS:
                    raise TemplateProblem(f"the {kind} has brackets nested more than "
                                          f"{limits.MAX_BRACKETS} deep")
            elif value in ")]}":
                depth -= 1


def _check_syntax(tree: nodes.Node) -> None:
    # An explicit stack, not recursion: the tree may be very deep ('1+1+1+...').
    stack: list[tuple[nodes.Node, int]] = [(tree, 1)]
    while stack:
        node, depth = stack.pop()
        if depth > limits.MAX_NESTING:
            raise TemplateProblem(f"it is nested more than {limits.MAX_NESTING} levels deep (long "
                                  "chains of operators count too); split it with 'let'")
        _check_node(node)
        # Reversed, so problems are found in reading order.
        stack.extend(reversed([(child, depth + 1) for child in node.iter_child_nodes()]))


def _check_node(node: nodes.Node) -> None:
    if not isinstance(node, _ALLOWED_NODES):
        words = next((w for t, w in _STATEMENT_WORDS.items() if isinstance(node, t)),
                     f"'{type(node).__name__}'")
        raise TemplateProblem(f"{words} cannot be used in a question")
    if isinstance(node, nodes.Name) and node.name in _RESERVED_NAMES:
        raise TemplateProblem(f"the name '{node.name}' cannot be used in a question")
    if isinstance(node, nodes.Name) and node.name.startswith("_"):
        raise TemplateProblem(f"names starting with '_' are not allowed ('{node.name}')")
    if isinstance(node, nodes.Call):
        if isinstance(node.node, nodes.Getattr):
            raise TemplateProblem(f"methods such as '.{node.node.attr}()' cannot be called: "
                                  "attribute access with '.' cannot be used in a question")
        if not isinstance(node.node, nodes.Name) or node.node.name not in FUNCTIONS:
            raise TemplateProblem(
                "only these functions can be called: " + ", ".join(sorted(FUNCTIONS)))
    if isinstance(node, (nodes.Call, nodes.Filter, nodes.Test)):
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
    message = message.replace("end of template", f"end of {what}").rstrip(".")
    if message.startswith("unexpected char"):
        message = message.replace("unexpected char", "unexpected character")
    return TemplateProblem(f"{what} has a syntax error: {message}")


class _Scope:
    """The names one run of a template or formula sees: what Jinja's generated code needs
    of a ``Context`` (``resolve_or_missing``, ``vars``, ``exported_vars``), and no more.

    Jinja's ``Template.render`` builds a full ``Context`` per run over a copy of the
    globals merged with the values; for a short formula that costs more than working it
    out. The generated code of the syntax a question may use (see _ALLOWED_NODES) reads
    names through ``resolve_or_missing`` and stores ``{% set %}`` results in ``vars`` and
    ``exported_vars``; every call, operator, item access and output still goes through the
    environment's sandboxed hooks, which do not use the context. Names resolve as in a
    Context: the run's own assignments, then the values, then the functions and constants.
    """

    __slots__ = ("vars", "exported_vars", "_values")
    #: The attributes of the context generated code may use with a _Scope.
    PROVIDES = frozenset({"resolve_or_missing", "vars", "exported_vars"})

    def __init__(self, values: Mapping[str, Any]) -> None:
        self.vars: dict[str, Any] = {}
        self.exported_vars: set[str] = set()
        self._values = values

    def resolve_or_missing(self, key: str) -> Any:
        if key in self.vars:
            return self.vars[key]
        if key in self._values:
            return self._values[key]
        return _GLOBALS.get(key, missing)


#: The functions and constants every template and formula may use (fixed once the
#: environment is made).
_GLOBALS: dict[str, Any] = dict(ENVIRONMENT.globals)


#: How generated code uses its context: ``context.<attribute>``.
_CONTEXT_USE = re.compile(r"\bcontext\.(\w+)")


class _Runner:
    """Runs a compiled template or formula: Jinja's generated code over a :class:`_Scope`.

    Whether the generated code asks its context for anything else is checked on its source
    when it is compiled (``scope_will_do``); if it does (no syntax a question may use does
    so with this version of Jinja), that template gets a full Jinja ``Context`` instead.
    """

    __slots__ = ("_root", "_formula", "_template", "_scope_will_do")

    def __init__(self, template: Any, formula: bool, scope_will_do: bool) -> None:
        self._root = template.root_render_func
        self._template = template
        self._formula = formula
        self._scope_will_do = scope_will_do

    def __call__(self, values: Mapping[str, Any]) -> Any:
        if self._scope_will_do:
            scope: Any = _Scope(values)
        else:  # what Template.render does, with the globals already copied into a dict
            template = self._template
            scope = ENVIRONMENT.context_class(ENVIRONMENT, {**_GLOBALS, **values},
                                              template.name, template.blocks)
        if self._formula:
            for _ in self._root(scope):
                pass
            return scope.vars["result"]
        return arithmetic.concat(self._root(scope))  # what env.concat does, one call less


@dataclass(frozen=True)
class Compiled:
    """A template or formula compiled once, run once per variant."""

    source: str
    kind: str  # "template" or "formula"
    names: frozenset[str]  # the names it reads (beyond functions and constants)
    _runner: Any

    def run(self, values: Mapping[str, Any]) -> Any:
        """Run once with ``values``, within the work budget and time limits.

        Every failure is a :class:`TemplateProblem` in a teacher's words; nothing else
        escapes (a template is code from a stranger).
        """
        meter = _meter()
        token = arithmetic.METER.set(meter)
        try:
            if self.kind == "formula":
                result = self._runner(values)
                if isinstance(result, Undefined):
                    raise TemplateProblem(f"unknown name '{result._undefined_name}'")
                if isinstance(result, (str, list, tuple)):  # kept in the variant: counted
                    meter.write(len(arithmetic.display(result)))
                return result
            text = self._runner(values)
            meter.write(len(text))  # all of it, written-out parts too: it is all kept
            return text.strip("\n")
        except TemplateProblem:
            raise
        except (TooSlow, TooMuchText) as exc:  # about the question, not this formula
            raise TemplateProblem(str(exc)) from None
        except UndefinedError as exc:
            raise TemplateProblem(_undefined_words(exc)) from None
        except SecurityError as exc:
            raise TemplateProblem(f"not allowed: {exc}") from None
        except (ZeroDivisionError, DecimalException) as exc:
            raise TemplateProblem(_decimal_words(exc, self.source)) from None
        except (FormulaError, numeric.NumberError) as exc:
            raise TemplateProblem(f"{self._prefix()}{exc}") from None
        except (TypeError, ValueError, IndexError, KeyError, ArithmeticError) as exc:
            raise TemplateProblem(f"{self._prefix()}{python_words(exc)}") from None
        except RecursionError:
            raise TemplateProblem(f"{self._prefix()}it is nested too deeply") from None
        except MemoryError:
            raise TemplateProblem(f"{self._prefix()}it needs too much memory") from None
        except Exception as exc:  # a stranger's template must never crash qbank
            raise TemplateProblem(f"{self._prefix()}it could not be worked out "
                                  f"({type(exc).__name__}: {exc})") from None
        finally:
            arithmetic.METER.reset(token)

    def _prefix(self) -> str:
        """Names a short formula in a message; a template is already named by its field."""
        src = self.source.strip()
        return f"formula '{src}': " if self.kind == "formula" and len(src) <= 60 else ""




def _undefined_words(exc: UndefinedError) -> str:
    text = str(exc)
    if text.startswith("'") and "' is undefined" in text:
        return f"unknown name {text.split(' is undefined')[0]}"
    return text


def _decimal_words(exc: Exception, source: str) -> str:
    source = source.strip()
    source = source if len(source) <= 60 else source[:57] + "..."
    name = type(exc).__name__
    if "DivisionByZero" in name or "ZeroDivision" in name or "DivisionUndefined" in name:
        return f"division by zero in '{source.strip()}'"
    if "Overflow" in name:
        return f"a number in '{source.strip()}' grows too large"
    return f"'{source.strip()}' has no numeric answer here ({name})"


def _parse_checked(source: str, kind: str) -> tuple[nodes.Template, frozenset[str]]:
    if len(source) > limits.MAX_SOURCE:
        raise TemplateProblem(f"the {kind} is longer than {limits.MAX_SOURCE:,} characters")
    env = ENVIRONMENT
    what = "the formula" if kind == "formula" else "the text"
    try:
        _check_brackets(source, kind)
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
        raise _syntax_problem(exc, what) from None
    except RecursionError:
        raise TemplateProblem(f"{what} is nested too deeply") from None
    _check_syntax(tree)
    names = frozenset(find_undeclared_variables(tree)) - FUNCTIONS.keys() - CONSTANTS.keys()
    return tree, names


def _compile(tree: nodes.Template, kind: str) -> _Runner:
    env = ENVIRONMENT
    try:
        # What env.from_string(tree) does, keeping the generated source to look at.
        source = env.compile(tree, raw=True)
        template = env.template_class.from_code(env, compile(source, "<template>", "exec"),
                                                env.make_globals(None), None)
        return _Runner(template, formula=kind == "formula",
                       scope_will_do=set(_CONTEXT_USE.findall(source)) <= _Scope.PROVIDES)
    except TemplateSyntaxError as exc:
        raise _syntax_problem(exc, f"the {kind}") from None
    except (RecursionError, SyntaxError, MemoryError):
        # Python's own compiler has nesting limits of its own (e.g. 200 brackets).
        raise TemplateProblem(f"the {kind} is nested too deeply") from None


def compile_template(source: str) -> Compiled:
    tree, names = _parse_checked(source, "template")
    return Compiled(source, "template", names,
                    _compile(tree, "template"))


def compile_formula(source: str | int | float | Decimal) -> Compiled:
    if isinstance(source, bool):
        raise TemplateProblem("a formula is needed here, not true/false")
    if not isinstance(source, str):
        source = numeric.plain(source)
    if not source.strip():
        raise TemplateProblem("the formula is empty")
    tree, names = _parse_checked(source, "formula")
    return Compiled(source, "formula", names,
                    _compile(tree, "formula"))


def is_template(text: str) -> bool:
    """True when a text needs rendering (fast path for plain text)."""
    return "{{" in text or "{%" in text or "{#" in text


__all__ = ["CONTROL_CHARACTERS", "Compiled", "ENVIRONMENT", "OutputLimit", "TimeLimit",
           "compile_formula", "compile_template", "is_template", "output_limit", "time_limit",
           "unknown_name_message"]
