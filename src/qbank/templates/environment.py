"""The Jinja2 environment templates and formulas are compiled by.

:class:`QbankEnvironment` is a ``SandboxedEnvironment`` with ``StrictUndefined`` that

* reads number literals as exact decimals (``0.1 + 0.2`` is ``0.3``), keeping every digit
  (:class:`_DecimalLexer`);
* sends every arithmetic operator, ``~``, comparison, list literal, index and slice through
  :mod:`qbank.arithmetic`, which keeps numbers, texts and lists bounded and charges each
  step to the run's work meter (:class:`_CodeGenerator` and the sandbox hooks);
* calls only the whitelisted functions, filters and tests, each charged and with Python's
  errors reworded.

What syntax may reach it is decided by :mod:`.checks`; how a compiled template is run, by
:mod:`.runner`.
"""

from __future__ import annotations

import re
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from decimal import Decimal
from typing import Any

from jinja2 import StrictUndefined, TemplateSyntaxError, Undefined, nodes
from jinja2.compiler import CodeGenerator, Frame
from jinja2.exceptions import SecurityError
from jinja2.lexer import TOKEN_FLOAT, TOKEN_STRING, Lexer, Token
from jinja2.sandbox import SandboxedEnvironment

from .. import arithmetic, limits
from ..arithmetic import (
    CONSTANTS,
    FILTERS,
    FUNCTIONS,
    TESTS,
    FormulaError,
    charge,
    check_list,
    size_cost,
)
from ..arithmetic.stats import HEAVY as STATS_HEAVY
from .words import python_words

#: Characters no text of a bank may hold: those XML 1.0 cannot hold at all (C0 controls
#: other than tab and line breaks, U+FFFE/U+FFFF, lone surrogates), and the invisible DEL
#: and C1 controls (U+007F-U+009F, usually Windows-1252 text decoded wrongly), which some
#: formats drop. The bank loader removes them (with a warning); a string literal in a
#: template may not spell them.
CONTROL_CHARACTERS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffe\uffff\ud800-\udfff]")


class _DecimalLexer(Lexer):
    """Reads ``0.1`` as ``Decimal('0.1')`` (exactly as written) instead of a binary float.

    Also refuses number literals longer than limits.MAX_DIGITS and string literals whose escapes
    spell characters no output format can hold ('\\x07').
    """

    def wrap(
        self,
        stream: Iterable[tuple[int, str, str]],
        name: str | None = None,
        filename: str | None = None,
    ):
        # Keep the literal's own digits: going through float would lose the 17th digit.
        float_texts: deque[str] = deque()

        def checked() -> Iterator[tuple[int, str, str]]:
            for lineno, token, value in stream:
                if token in ("integer", "float") and len(value) > limits.MAX_DIGITS:
                    raise TemplateSyntaxError(
                        f"a number is longer than {limits.MAX_DIGITS:,} digits", lineno
                    )
                if token == "float":
                    float_texts.append(value)
                yield lineno, token, value

        for token in super().wrap(checked(), name, filename):
            if token.type == TOKEN_FLOAT:
                yield Token(
                    token.lineno,
                    token.type,
                    # Jinja's Token holds any value; a Decimal keeps the literal's digits.
                    Decimal(float_texts.popleft().replace("_", "")),  # type: ignore[arg-type]
                )
            elif token.type == TOKEN_STRING and (control := CONTROL_CHARACTERS.search(token.value)):
                code = ord(control.group())
                raise TemplateSyntaxError(
                    f"a text in quotes spells a control character (U+{code:04X}) that no "
                    "output format can hold",
                    token.lineno,
                )
            else:
                yield token


#: The function every ``~`` becomes a call of (see :func:`_join_calls`), by import path.
_JOIN = f"{arithmetic.concat.__module__}.{arithmetic.concat.__name__}"


def _join_calls(tree: nodes.Node) -> None:
    """Turn every ``~`` (``nodes.Concat``) of ``tree`` into a call of arithmetic.concat.

    Jinja evaluates constant parts of ``{{ ... }}`` when it compiles a template, and it
    joins a constant ``"x" ~ 1.50`` with ``str()``, which writes ``x1.50`` (or ``1E-7``,
    or ``[Decimal('1.5')]``) where qbank writes ``x1.5``. A ``Call`` is never evaluated at
    compile time in a sandbox, so after this rewrite every ``~`` is left to run time:
    :meth:`_CodeGenerator.visit_Call` writes it as ``environment.concat((...))``, which
    is :func:`qbank.arithmetic.concat`. Only public node API is used (``iter_fields``,
    ``Call``, ``ImportedName``); an explicit stack, as the tree may be deep.
    """
    stack = [tree]
    while stack:
        node = stack.pop()
        for field, value in node.iter_fields():
            if isinstance(value, nodes.Node):
                if isinstance(value, nodes.Concat):
                    value = _join_call(value)
                    setattr(node, field, value)
                stack.append(value)
            elif isinstance(value, list):
                for i, item in enumerate(value):
                    if isinstance(item, nodes.Concat):
                        value[i] = item = _join_call(item)
                    if isinstance(item, nodes.Node):
                        stack.append(item)


def _join_call(node: nodes.Concat) -> nodes.Call:
    return nodes.Call(
        nodes.ImportedName(_JOIN, lineno=node.lineno, environment=node.environment),
        node.nodes,
        [],
        None,
        None,
        lineno=node.lineno,
        environment=node.environment,
    )


#: Python's operator for each comparison of a ``nodes.Operand`` (as the node documents).
_COMPARISONS = {
    "eq": "==",
    "ne": "!=",
    "gt": ">",
    "gteq": ">=",
    "lt": "<",
    "lteq": "<=",
    "in": "in",
    "notin": "not in",
}


class _CodeGenerator(CodeGenerator):
    """Jinja's code generator, with every value-building step routed through the meter.

    Only public ``visit_*`` methods are extended, each writing a call of one of the
    environment's hooks around what Jinja writes.
    """

    def visit_Template(self, node: nodes.Template, frame: Frame | None = None) -> None:
        _join_calls(node)  # before Jinja looks at the tree at all
        super().visit_Template(node, frame)

    def visit_Call(self, node: nodes.Call, frame: Frame, forward_caller: bool = False) -> None:
        if isinstance(node.node, nodes.ImportedName) and node.node.importname == _JOIN:
            # A '~' (see _join_calls): straight to environment.concat, as Jinja would write
            # a '~', rather than through the sandbox's check of calls.
            self.write("environment.concat((")
            for arg in node.args:
                self.visit(arg, frame)
                self.write(", ")
            self.write("))")
            return
        super().visit_Call(node, frame, forward_caller=forward_caller)

    def _output_child_to_const(self, node: nodes.Expr, frame: Frame, finalize: Any) -> str:
        # Jinja writes a constant {{ 2.5 }} or {{ 1234.5 | thousands }} when it compiles a
        # template; qbank writes it when the template runs, in the run's locale ("2,5" in
        # French: qbank.i18n), as a template is compiled once for every language. Only
        # the literal text between the {{ }} is written at compile time. (A protected
        # method of Jinja 3.1's CodeGenerator: tests/test_jinja_reliance.py checks it.)
        if not isinstance(node, nodes.TemplateData):
            raise nodes.Impossible()
        return str(super()._output_child_to_const(node, frame, finalize))

    def visit_Const(self, node: nodes.Const, frame: Frame) -> None:
        value = node.as_const(frame.eval_ctx)
        if isinstance(value, Decimal):
            self.write(f"environment.number({str(value)!r})")
        else:
            super().visit_Const(node, frame)

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
            self.write(f" {_COMPARISONS[operand.op]} environment.measure(")
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


# Functions that cost tens of microseconds (high-precision decimal maths, formatting a
# thousand-digit number) are charged more steps than one.
_HEAVY = {
    "sqrt",
    "log",
    "ln",
    "log10",
    "exp",
    "sin",
    "cos",
    "tan",
    "asin",
    "acos",
    "atan",
    "degrees",
    "radians",
    "fixed",
    "thousands",
    "round",
    *STATS_HEAVY,
}


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
    """The sandbox every template and formula is compiled by (one instance: ENVIRONMENT).

    The sandbox's documented hooks (``call_binop``, ``call_unop``, ``call``, ``getitem``,
    ``getattr``) and the hooks the code generator writes calls of (``number``,
    ``make_list``, ``measure``) send every step to :mod:`qbank.arithmetic`.
    """

    intercepted_binops = frozenset(("+", "-", "*", "/", "//", "%", "**"))
    intercepted_unops = frozenset(("-", "+"))
    code_generator_class = _CodeGenerator

    def __init__(self, *, markdown: bool = False) -> None:
        super().__init__(
            undefined=StrictUndefined,
            autoescape=False,
            # A value inserted into a Markdown field is escaped so that it shows as it is.
            finalize=arithmetic.finalize_markdown if markdown else arithmetic.finalize,
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
    def lexer(self) -> Lexer:
        return self._lexer

    def number(self, text: str) -> Decimal:
        return Decimal(text)

    def concat(self, parts: Iterable[Any]) -> str:
        """``~`` (see :func:`_join_calls`), and how Jinja's ``Template.render`` joins a
        template's output: :func:`qbank.arithmetic.concat`, bounded."""
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
            str(obj)  # StrictUndefined raises "'x' is undefined" (unknown name), not a refusal
        if not isinstance(obj, (str, list, tuple)):
            raise SecurityError("only lists and texts can be indexed, by a whole number")
        if isinstance(argument, slice):
            argument = slice(
                *(_position(p) for p in (argument.start, argument.stop, argument.step))
            )
            if argument.step == 0:
                raise FormulaError("a slice step cannot be 0")
            result = obj[argument]
            charge(size_cost(result))
            return result
        if argument is None:
            raise SecurityError("only lists and texts can be indexed, by a whole number")
        position = _position(argument)
        if abs(position) > len(obj):
            raise FormulaError(
                f"position {arithmetic.describe(argument).split()[-1]} is past the end"
            )
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
    return max(min(value, 10**9), -(10**9))


ENVIRONMENT = QbankEnvironment()
#: The same sandbox for Markdown fields (text, solution, choices...): what ``{{ }}``
#: inserts is escaped, so a drawn ``*`` stays a star (:func:`qbank.arithmetic.finalize_markdown`).
MARKDOWN_ENVIRONMENT = QbankEnvironment(markdown=True)
