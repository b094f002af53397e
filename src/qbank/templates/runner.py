"""Compiling a checked template or formula, and running it within its budgets.

:func:`compile_template` and :func:`compile_formula` parse and check a source
(:mod:`.checks`) and let Jinja generate its Python code once; :meth:`Compiled.run` runs
it once per variant with a fresh work meter (:mod:`.clocks`) and turns every failure into
a :class:`TemplateProblem` in a teacher's words (:mod:`.words`): a template is code from
a stranger, nothing else may escape.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal, DecimalException
from typing import Any

from jinja2 import Template, TemplateSyntaxError, Undefined, nodes
from jinja2.exceptions import SecurityError, UndefinedError
from jinja2.runtime import Context, missing

from .. import arithmetic, numeric
from ..arithmetic import FormulaError, TooMuchText, TooSlow
from ..errors import TemplateProblem
from .checks import functions_read, names_read, parse_checked
from .clocks import start_meter
from .environment import ENVIRONMENT, MARKDOWN_ENVIRONMENT
from .words import decimal_words, formula_braces, python_words, syntax_problem, undefined_words


class _Scope(Context):
    """The context of one run of a template or formula: a Jinja ``Context``, built only as
    far as the run needs.

    Jinja's ``Template.render`` builds a full ``Context`` per run (an evaluation context,
    the set of the globals' names, the blocks) over a copy of the 27 functions and
    constants merged with the values; for a short formula that costs more than working
    it out. The code Jinja generates for the syntax a question may use asks its context
    for three things: ``resolve_or_missing`` (the method ``Context`` documents as the one
    to override to look names up), and ``vars`` and ``exported_vars`` (where ``{% set %}``
    stores). A _Scope makes only those. Names resolve as in a ``Context``: the run's own
    assignments, then the values, then the functions and constants. Every call,
    operator, item access and output goes through the environment's sandboxed hooks,
    which do not use the context.

    Should generated code (or a ``Context`` method) ask for anything else ``Context``'s
    constructor makes (none does with Jinja 3.1: see tests/test_jinja_reliance.py), that
    attribute is a property (see :func:`_made_on_first_use`) which completes the object
    with ``Context``'s own constructor, keeping what the run assigned so far: that run is
    slower, never wrong. Nothing is decided by reading the generated code. (Not
    ``__getattr__``: a class with one loses CPython's fast attribute access on every
    ``context.vars`` of every run.)
    """

    def __init__(self, values: Mapping[str, Any], template: Template) -> None:
        # Context.__init__ is deliberately not called here: see _made_on_first_use.
        self.vars: dict[str, Any] = {}
        self.exported_vars: set[str] = set()
        self._qbank_values = values
        self._qbank_template = template

    def resolve_or_missing(self, key: str) -> Any:
        if key in self.vars:
            return self.vars[key]
        if key in self._qbank_values:
            return self._qbank_values[key]
        return _GLOBALS.get(key, missing)

    def _complete(self) -> None:
        """Make this a full ``Context``, as ``Template.render`` would have made it (with the
        globals already copied into its parent dict), keeping the run's assignments."""
        kept = self.vars, self.exported_vars
        template = self._qbank_template
        Context.__init__(
            self,
            template.environment,
            {**_GLOBALS, **self._qbank_values},
            template.name,
            template.blocks,
        )
        self.vars, self.exported_vars = kept


def _made_on_first_use(name: str) -> property:
    """The ``Context`` attribute ``name`` of a :class:`_Scope`: the first read completes
    the scope; writes (by ``Context``'s constructor) go to the instance."""

    def get(scope: _Scope) -> Any:
        state = scope.__dict__
        if name not in state and "_qbank_complete" not in state:
            state["_qbank_complete"] = True
            scope._complete()
        try:
            return state[name]
        except KeyError:
            raise AttributeError(name) from None

    def put(scope: _Scope, value: Any) -> None:
        scope.__dict__[name] = value

    return property(get, put)


#: The functions and constants every template and formula may use (fixed once the
#: environment is made).
_GLOBALS: dict[str, Any] = dict(ENVIRONMENT.globals)

# What Context's constructor makes beyond vars and exported_vars, read from a Context
# made once, so that whatever this version of Jinja adds is covered too.
for _name in vars(Context(ENVIRONMENT, {}, None, {})):
    if _name not in ("vars", "exported_vars"):
        setattr(_Scope, _name, _made_on_first_use(_name))


class _Runner:
    """Runs a compiled template or formula: Jinja's generated code over a :class:`_Scope`."""

    __slots__ = ("_formula", "_root", "_template")

    def __init__(self, template: Template, formula: bool) -> None:
        self._root = template.root_render_func
        self._template = template
        self._formula = formula

    def __call__(self, values: Mapping[str, Any]) -> Any:
        scope = _Scope(values, self._template)
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
    #: The names of functions it may call (a question's own value of the same name wins).
    calls: frozenset[str] = frozenset()

    def run(self, values: Mapping[str, Any]) -> Any:
        """Run once with ``values``, within the work budget and time limits.

        Every failure is a :class:`TemplateProblem` in a teacher's words; nothing else
        escapes (a template is code from a stranger).
        """
        meter = start_meter()
        token = arithmetic.METER.set(meter)
        try:
            if self.kind == "formula":
                result = self._runner(values)
                if isinstance(result, Undefined):
                    str(result)  # StrictUndefined raises "'x' is undefined": worded below
                    raise TemplateProblem("unknown name")  # (any other Undefined)
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
            raise TemplateProblem(undefined_words(exc)) from None
        except SecurityError as exc:
            raise TemplateProblem(f"not allowed: {exc}") from None
        except (ZeroDivisionError, DecimalException) as exc:
            raise TemplateProblem(decimal_words(exc, self.source)) from None
        except (FormulaError, numeric.NumberError) as exc:
            raise TemplateProblem(f"{self._prefix()}{exc}") from None
        except (TypeError, ValueError, IndexError, KeyError, ArithmeticError) as exc:
            raise TemplateProblem(f"{self._prefix()}{python_words(exc)}") from None
        except RecursionError:
            raise TemplateProblem(f"{self._prefix()}it is nested too deeply") from None
        except MemoryError:
            raise TemplateProblem(f"{self._prefix()}it needs too much memory") from None
        except Exception as exc:  # a stranger's template must never crash qbank
            detail = f" ({exc})" if str(exc) else ""
            raise TemplateProblem(f"{self._prefix()}it could not be worked out{detail}") from None
        finally:
            arithmetic.METER.reset(token)

    def _prefix(self) -> str:
        """Names a short formula in a message; a template is already named by its field."""
        src = self.source.strip()
        return f"formula '{src}': " if self.kind == "formula" and len(src) <= 60 else ""


def _compile(tree: nodes.Template, kind: str, markdown: bool = False) -> _Runner:
    env = MARKDOWN_ENVIRONMENT if markdown else ENVIRONMENT
    try:
        return _Runner(env.from_string(tree), formula=kind == "formula")
    except TemplateSyntaxError as exc:
        raise syntax_problem(exc, f"the {kind}") from None
    except (RecursionError, SyntaxError, MemoryError):
        # Python's own compiler has nesting limits of its own (e.g. 200 brackets).
        raise TemplateProblem(f"the {kind} is nested too deeply") from None


def compile_template(source: str, *, markdown: bool = False) -> Compiled:
    """Check and compile a text template; raises :class:`TemplateProblem` if refused.

    ``markdown``: the text is Markdown, so every value ``{{ }}`` inserts is escaped to show
    as it is (see :func:`qbank.arithmetic.finalize_markdown`). A ``{{{ v }}}`` is a LaTeX
    group around a value, ``{`` + value + ``}`` (``$x^{{{ a }}}$``), in every text.
    """
    return _compiled(latex_groups(source), "template", markdown, shown=source)


def compile_formula(source: str | int | float | Decimal) -> Compiled:
    """Check and compile a formula (a number is a formula too); raises
    :class:`TemplateProblem` if refused."""
    if isinstance(source, bool):
        raise TemplateProblem("a formula is needed here, not true/false")
    if not isinstance(source, str):
        source = numeric.plain(source)
    if not source.strip():
        raise TemplateProblem("the formula is empty")
    braces = formula_braces(source)
    if braces:
        raise TemplateProblem(braces)
    return _compiled(source, "formula")


def _compiled(source: str, kind: str, markdown: bool = False, shown: str | None = None) -> Compiled:
    tree = parse_checked(source, kind)
    runner = _compile(tree, kind, markdown)
    names = names_read(tree)  # after compiling: see names_read
    return Compiled(source if shown is None else shown, kind, names, runner, functions_read(tree))


# "{{{ v }}}" (not "{{{{"): Jinja would read "{{" and then a "{" opening a dictionary.
_LATEX_GROUP = re.compile(r"(?<!\{)\{\{\{(?!\{)(.*?)\}\}\}", re.S)


def latex_groups(source: str) -> str:
    """``{{{ v }}}`` as ``{`` + ``{{ v }}`` + ``}``: the braces written as template strings,
    so the line numbers of the source stay the same."""
    if "{{{" not in source:
        return source
    return _LATEX_GROUP.sub(lambda m: "{{ '{' }}{{" + m.group(1) + "}}{{ '}' }}", source)


def is_template(text: str) -> bool:
    """True when a text needs rendering (fast path for plain text)."""
    return "{{" in text or "{%" in text or "{#" in text
