"""What a question may write: the syntax whitelist and the checks on the parsed tree.

Everything here runs when the bank is loaded, before anything runs: the source length,
bracket depth (before Jinja's recursive parser could overflow the stack), syntax
errors, then every node of the tree against :data:`ALLOWED_NODES`, the reserved names and
the lists of functions, filters and tests, with the nesting depth bounded. A refusal is a
:class:`TemplateProblem` naming what cannot be used.
"""

from __future__ import annotations

from jinja2 import TemplateSyntaxError, nodes
from jinja2.meta import find_undeclared_variables
from jinja2.parser import Parser

from .. import limits
from ..arithmetic import CONSTANTS, FILTERS, FUNCTIONS, TESTS
from ..errors import TemplateProblem
from .environment import ENVIRONMENT
from .words import syntax_problem, unknown

#: Syntax a question may use. Everything else (for, macro, include, import, attribute
#: access, ...) is refused when the bank is loaded, before anything runs.
ALLOWED_NODES: tuple[type[nodes.Node], ...] = (
    nodes.Template,
    nodes.Output,
    nodes.TemplateData,
    nodes.If,
    nodes.Assign,
    nodes.Name,
    nodes.Const,
    nodes.List,
    nodes.Tuple,
    nodes.BinExpr,
    nodes.UnaryExpr,
    nodes.Compare,
    nodes.Operand,
    nodes.CondExpr,
    nodes.Call,
    nodes.Filter,
    nodes.Test,
    nodes.Getitem,
    nodes.Slice,
    nodes.Concat,
    nodes.Keyword,
)
_STATEMENT_WORDS = {
    nodes.For: "{% for %} loops",
    nodes.Macro: "{% macro %}",
    nodes.CallBlock: "{% call %}",
    nodes.Include: "{% include %}",
    nodes.Import: "{% import %}",
    nodes.FromImport: "{% from ... import %}",
    nodes.Extends: "{% extends %}",
    nodes.Block: "{% block %}",
    nodes.FilterBlock: "{% filter %}",
    nodes.With: "{% with %}",
    nodes.Getattr: "attribute access with '.'",
    nodes.Dict: "{...} dictionaries",
    nodes.AssignBlock: "{% set %}...{% endset %} blocks",
    nodes.NSRef: "namespace values",
    nodes.Scope: "{% autoescape %} blocks",
}
_RESERVED_NAMES = {"self", "loop", "super", "caller", "varargs", "kwargs", "namespace"}


def _check_brackets(source: str, kind: str) -> None:
    """Refuse brackets nested deeper than limits.MAX_BRACKETS, before Jinja's recursive parser."""
    depth = 0
    state = "variable" if kind == "formula" else None
    for _, token, value in ENVIRONMENT.lexer.tokeniter(source, None, state=state):
        if token == "operator":
            if value in "([{":
                depth += 1
                if depth > limits.MAX_BRACKETS:
                    raise TemplateProblem(
                        f"the {kind} has brackets nested more than {limits.MAX_BRACKETS} deep"
                    )
            elif value in ")]}":
                depth -= 1


def _check_syntax(tree: nodes.Node) -> None:
    # An explicit stack, not recursion: the tree may be very deep ('1+1+1+...').
    stack: list[tuple[nodes.Node, int]] = [(tree, 1)]
    while stack:
        node, depth = stack.pop()
        if depth > limits.MAX_NESTING:
            raise TemplateProblem(
                f"it is nested more than {limits.MAX_NESTING} levels deep (long "
                "chains of operators count too); split it with 'let'"
            )
        _check_node(node)
        # Reversed, so problems are found in reading order.
        stack.extend(reversed([(child, depth + 1) for child in node.iter_child_nodes()]))


def _check_node(node: nodes.Node) -> None:
    if not isinstance(node, ALLOWED_NODES):
        words = next(
            (w for t, w in _STATEMENT_WORDS.items() if isinstance(node, t)),
            f"'{type(node).__name__}'",
        )
        raise TemplateProblem(f"{words} cannot be used in a question")
    if isinstance(node, nodes.Name) and node.name in _RESERVED_NAMES:
        raise TemplateProblem(f"the name '{node.name}' cannot be used in a question")
    if isinstance(node, nodes.Name) and node.name.startswith("_"):
        raise TemplateProblem(f"names starting with '_' are not allowed ('{node.name}')")
    if isinstance(node, nodes.Call):
        if isinstance(node.node, nodes.Getattr):
            raise TemplateProblem(
                f"methods such as '.{node.node.attr}()' cannot be called: "
                "attribute access with '.' cannot be used in a question"
            )
        if not isinstance(node.node, nodes.Name) or node.node.name not in FUNCTIONS:
            raise TemplateProblem(
                "only these functions can be called: " + ", ".join(sorted(FUNCTIONS))
            )
    if isinstance(node, (nodes.Call, nodes.Filter, nodes.Test)) and (
        node.dyn_args is not None or node.dyn_kwargs is not None
    ):
        raise TemplateProblem("'*' and '**' arguments are not allowed")
    if isinstance(node, nodes.Filter) and node.name not in FILTERS:
        raise TemplateProblem(unknown("filter", node.name, FILTERS))
    if isinstance(node, nodes.Test) and node.name not in TESTS:
        raise TemplateProblem(unknown("test", node.name, TESTS))


def parse_checked(source: str, kind: str) -> nodes.Template:
    """Parse a template (``kind`` "template") or formula, refusing what a question may not
    write.

    A formula is parsed as one expression and becomes ``{% set result = ... %}``.
    """
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
                    parser.stream.current.lineno,
                )
            tree = nodes.Template([nodes.Assign(nodes.Name("result", "store"), expr)], lineno=1)
            tree.set_environment(env)
        else:
            tree = env.parse(source)
    except TemplateSyntaxError as exc:
        raise syntax_problem(exc, what) from None
    except RecursionError:
        raise TemplateProblem(f"{what} is nested too deeply") from None
    _check_syntax(tree)
    return tree


def names_read(tree: nodes.Template) -> frozenset[str]:
    """The names a checked template or formula reads, beyond the functions and constants.

    Only once the tree is compiled: ``find_undeclared_variables`` runs a code generator
    with Jinja's optimizer, which replaces constant parts of the tree *in place* with
    their values worked out Jinja's way (``("b" ~ 2.0) ~ x`` became ``"b2.0" ~ x``, and
    constant lists skipped the list checks).
    """
    return frozenset(find_undeclared_variables(tree)) - FUNCTIONS.keys() - CONSTANTS.keys()


def functions_read(tree: nodes.Template) -> frozenset[str]:
    """The names of whitelisted functions a template or formula reads (calls)."""
    return frozenset(node.name for node in tree.find_all(nodes.Name) if node.name in FUNCTIONS)
