"""Canaries for what qbank relies on in Jinja2 (pinned to >=3.1.4,<3.2 in pyproject.toml).

qbank extends Jinja only through public API (``visit_*`` methods of the code generator,
the sandbox hooks, ``Lexer.wrap``, node classes). These tests pin the behaviour those
extensions depend on, so that a Jinja upgrade that changes it fails here, loudly, rather
than changing a worksheet silently.
"""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from jinja2 import nodes
from jinja2.runtime import Context

from qbank.errors import TemplateProblem
from qbank.templates import (
    ENVIRONMENT,
    checks,
    compile_formula,
    compile_template,
    environment,
    runner,
)

# --- '~' is never folded at compile time with str() ----------------------------------------


@pytest.mark.parametrize(
    "source, expected",
    [
        ('{{ "x" ~ 1.50 }}', "x1.5"),
        ('{{ "a" ~ 1E-7 }}', "a0.0000001"),
        ('{{ "x" ~ [1.50, 2] }}', "x1.5, 2"),
        ('{{ ("x" ~ 1.50) | upper }}', "X1.5"),
        ('{{ "x" ~ 1.50 == "x1.5" }}', "true"),
        ('{{ ("x" ~ 1.50) | length }}', "4"),
        ('{{ "ab" ~ 1.10 if true else "" }}', "ab1.1"),
        ('{{ "a" ~ ("b" ~ 2.0) }}', "ab2"),
        ('{% set y = "y" ~ 2.50 %}{{ y }}', "y2.5"),
    ],
)
def test_tilde_writes_numbers_the_qbank_way(source, expected):
    assert compile_template(source).run({}) == expected


@pytest.mark.parametrize(
    "source, expected",
    [
        ('{{ ("b" ~ 2.0) ~ x }}', "b23"),
        ('{{ (("b" ~ 2.0) | upper) ~ x }}', "B23"),
        ('{% set y = ("b" ~ 2.50) ~ x %}{{ y }}', "b2.53"),
    ],
)
def test_constant_parts_of_a_tilde_are_not_folded_when_names_are_found(source, expected):
    # jinja2.meta.find_undeclared_variables runs Jinja's optimizer, which folds constant
    # parts of the tree in place with str() ("b2.0"): the names are found after compiling.
    assert compile_template(source).run({"x": 3}) == expected
    assert compile_formula('("b" ~ 2.0) ~ x').run({"x": 3}) == "b23"


def test_tilde_in_a_formula():
    assert compile_formula('"a" ~ 1.50 ~ [0.10]').run({}) == "a1.50.1"


def test_no_concat_node_reaches_the_code_generator():
    source = ENVIRONMENT.compile('{{ "x" ~ 1.50 }}{{ ("a" ~ 2.0) | upper }}', raw=True)
    body = source.split("def root(", 1)[1]
    assert "x1.50" not in body and "a2.0" not in body
    assert "str_join" not in body and "markup_join" not in body


def test_jinja_folds_concat_with_str_which_is_why_it_is_rewritten():
    # The behaviour the rewrite guards against: if Jinja stops doing this, the rewrite
    # could go, but it stays harmless.
    concat = nodes.Concat([nodes.Const("x"), nodes.Const(Decimal("1.50"))])
    concat.set_environment(ENVIRONMENT)
    assert concat.as_const() == "x1.50"


# --- exact decimals ----------------------------------------------------------------------


def test_number_literals_are_exact_decimals():
    assert compile_template("{{ 0.1 + 0.2 }}").run({}) == "0.3"
    assert compile_formula("0.1 + 0.2 == 0.3").run({}) is True
    # The literal's own digits, not float's 17 (the lexer keeps the text of each literal).
    assert (
        compile_template("{{ 0.12345678901234567890123 }}").run({}) == "0.12345678901234567890123"
    )
    assert (
        compile_template("{{ 1_000.000_5 }} {{ 1.5e3 }} {{ 2E-7 }}").run({})
        == "1000.0005 1500 0.0000002"
    )


# --- comparisons and unknown names ------------------------------------------------------


def test_every_comparison_jinja_parses_is_in_our_table():
    tree = ENVIRONMENT.parse("{{ a == b != c > d >= e < f <= g in h not in i }}")
    assert {op.op for op in tree.find_all(nodes.Operand)} == set(environment._COMPARISONS)


def test_comparisons():
    source = (
        "{{ 1 == 1.0 }} {{ 1 != 2 }} {{ 2 > 1 }} {{ 2 >= 2 }} {{ 1 < 2 }} {{ 2 <= 2 }} "
        "{{ 1 in [1] }} {{ 1 not in [1] }} {{ 'b' in x }}"
    )
    assert compile_template(source).run({"x": "abc"}) == " ".join(["true"] * 7 + ["false", "true"])


@pytest.mark.parametrize("source", ["nope", "nope[0]", "[nope][0]"])
def test_an_unknown_name_is_named(source):
    with pytest.raises(TemplateProblem, match="unknown name 'nope'"):
        compile_formula(source).run({})


# --- the run's context: a Context built only as far as the generated code needs ----------
#
# templates.runner._Scope makes only resolve_or_missing, vars and exported_vars; anything
# else of a Context that generated code asks for completes it into a full Context
# (slower, still right).

#: Templates and formulas that between them use every node type of the whitelist, in
#: the places where Jinja generates different code (top level, inside {% if %}, tuple
#: assignment, keywords, slices, ...).
CORPUS_TEMPLATES = [
    "plain text {{ a }} {# a comment #}{% raw %}{{ not run }}{% endraw %}",
    "{% if a > 1 %}big{% elif a %}small{% else %}none{% endif %}",
    "{% set y = a * 2 %}{{ y }}",
    "{% if a %}{% set z = a + 1 %}{% endif %}{{ z }}",
    "{% if a %}{% set w = 1 %}{% else %}{% set w = 2 %}{% endif %}{{ w }}",
    "{% set p, q = 1, 2 %}{{ p + q }}",
    "{{ -a + +b }} {{ not a }} {{ a and b or c }}",
    "{{ a // 2 % 3 ** 2 / 1 - 1 * 2 }}",
    "{{ 1 < a <= 3 }} {{ a in [1, 2] }} {{ 'x' not in 'abc' }}",
    "{{ 'yes' if a else 'no' }} {{ 'only' if b }}",
    "{{ round(a / 3, places=2) }} {{ max(a, b, c) }} {{ len('abc') }}",
    "{{ a | fixed(2) }} {{ a | round(places=1) }} {{ [a, b] | join(' ') }}",
    "{{ a is even }} {{ b is divisibleby 3 }} {{ c is not odd }}",
    "{{ [1, 2, 3][0] }} {{ 'abcdef'[1:4:2] }} {{ (a, 2)[1] }} {{ [a, b][:1] }}",
    "{{ 'a' ~ a ~ [b] }}",
    "{{ pi | fixed(3) }} {{ e > 2 }}",
]
CORPUS_FORMULAS = [
    "a * 2",
    "[a, b][0]",
    "'x' ~ a if a > 1 else 'y'",
    "sqrt(b) + c",
    "a is even and not b",
]
VALUES = {"a": 2, "b": Decimal("4.5"), "c": 3}


def _tree(source, kind):
    return checks.parse_checked(source, kind)


def test_the_corpus_uses_every_node_type_of_the_whitelist():
    seen = set()
    for kind, sources in (("template", CORPUS_TEMPLATES), ("formula", CORPUS_FORMULAS)):
        for source in sources:
            seen |= {type(n) for n in _tree(source, kind).find_all(nodes.Node)}
            seen.add(nodes.Template)
    missing = [t.__name__ for t in checks.ALLOWED_NODES if not any(issubclass(s, t) for s in seen)]
    assert not missing, f"add templates using {missing} to CORPUS_TEMPLATES"


@pytest.fixture
def completions(monkeypatch):
    """Counts the runs whose context had to be completed into a full Context."""
    calls = []
    original = runner._Scope._complete

    def counted(self):
        calls.append(self)
        original(self)

    monkeypatch.setattr(runner._Scope, "_complete", counted)
    return calls


def test_generated_code_of_the_whole_whitelist_needs_only_what_the_scope_makes(completions):
    used = set()
    for kind, sources in (("template", CORPUS_TEMPLATES), ("formula", CORPUS_FORMULAS)):
        for source in sources:
            code = ENVIRONMENT.compile(_tree(source, kind), raw=True)
            used |= set(re.findall(r"\bcontext\.(\w+)", code))
            compiled = (compile_template if kind == "template" else compile_formula)(source)
            compiled.run(VALUES)
    assert used <= {"resolve_or_missing", "vars", "exported_vars"}, used
    assert completions == [], "a run needed a full Context: the fast path is lost"


@pytest.mark.parametrize(
    "source, expected",
    [
        ("{% set y = a * 2 %}{{ y }}", "4"),
        ("{% if a %}{% set z = a + 1 %}{% endif %}{{ z }}", "3"),
        ("{% set p, q = 1, 2 %}{{ p + q }}", "3"),
        ("{% set a = a + 10 %}{{ a }}", "12"),
        ("{% set x = 1 %}{% if a %}{% set x = x + 1 %}{% endif %}{{ x }}", "2"),
    ],
)
def test_set_works_with_the_scope(source, expected, completions):
    assert compile_template(source).run(VALUES) == expected
    assert completions == []


def test_names_resolve_assignments_then_values_then_functions():
    assert compile_formula("pi").run({}) == compile_formula("pi").run({"x": 1})
    assert compile_formula("pi").run({"pi": 3}) == 3
    assert compile_template("{% set pi = 4 %}{{ pi }}").run({"pi": 3}) == "4"


def _with_context_use(body):
    """A tree whose generated code asks its context for eval_ctx (as {% autoescape %}
    does: refused in a question, so built by hand to force the full-Context path)."""
    return nodes.ScopedEvalContextModifier([nodes.Keyword("autoescape", nodes.Const(False))], body)


def test_a_run_whose_code_needs_more_gets_a_full_context(completions):
    tree = nodes.Template(
        [
            nodes.Assign(nodes.Name("y", "store"), nodes.Const(2)),
            _with_context_use(
                [
                    nodes.Output(
                        [nodes.Name("a", "load"), nodes.TemplateData("-"), nodes.Name("y", "load")]
                    )
                ]
            ),
            nodes.Output([nodes.TemplateData("-"), nodes.Name("y", "load")]),
        ]
    )
    tree.set_environment(ENVIRONMENT)
    run = runner._compile(tree, "template")
    assert "context.eval_ctx" in ENVIRONMENT.compile(tree, raw=True)
    assert run(VALUES) == "2-2-2"
    assert len(completions) == 1
    scope = completions[0]
    # A full Context now, with what the run assigned and the values and globals.
    assert scope.vars == {"y": 2} and scope.exported_vars == {"y"}
    assert scope.eval_ctx.autoescape is False
    assert scope["a"] == 2 and scope.resolve("pi") == compile_formula("pi").run({})
    assert scope.get_all()["y"] == 2
    assert run(VALUES) == "2-2-2"  # each run starts from a fresh scope
    assert len(completions) == 2


def test_a_formula_whose_code_needs_more_keeps_its_result(completions):
    tree = nodes.Template(
        [
            nodes.Assign(nodes.Name("result", "store"), nodes.Name("a", "load")),
            _with_context_use([nodes.Assign(nodes.Name("other", "store"), nodes.Const(1))]),
        ]
    )
    tree.set_environment(ENVIRONMENT)
    assert runner._compile(tree, "formula")(VALUES) == 2
    assert len(completions) == 1


def test_the_scope_is_a_context_completed_by_what_context_makes(completions):
    scope = runner._Scope({"a": 1}, ENVIRONMENT.from_string("x"))
    assert isinstance(scope, Context)
    assert scope.resolve_or_missing("a") == 1
    with pytest.raises(AttributeError):
        _ = scope.no_such_attribute
    assert completions == []  # nothing a Context has was asked for yet
    assert scope.parent["a"] == 1 and scope.parent["pi"] is not None
    assert len(completions) == 1
    # Every attribute Context's constructor makes is made on first use.
    made = set(vars(Context(ENVIRONMENT, {}, None, {}))) - {"vars", "exported_vars"}
    assert made == {n for n, v in vars(runner._Scope).items() if isinstance(v, property)}


def test_the_scope_keeps_fast_attribute_access():
    # A __getattr__ on the class would slow every context.vars of every run.
    assert "__getattr__" not in vars(runner._Scope)
    assert "__getattribute__" not in vars(runner._Scope)


def test_jinja_render_still_works_with_the_environment():
    # Jinja's own Template.render (a full Context, joined by QbankEnvironment.concat).
    assert ENVIRONMENT.from_string("{{ 'x' ~ 1.50 }} {{ a }}").render(a=Decimal("2.0")) == "x1.5 2"


def test_constant_outputs_are_written_when_the_template_runs():
    """qbank's code generator overrides Jinja's protected ``_output_child_to_const`` so
    that a constant ``{{ 2.5 }}`` is written at run time, in the run's locale."""
    from jinja2.compiler import CodeGenerator

    from qbank.i18n import use_language

    assert hasattr(CodeGenerator, "_output_child_to_const")
    compiled = compile_template("a {{ 2.5 }} {{ 1234.5 | thousands }} {{ 0.5 | fixed(2) }}")
    assert compiled.run({}) == "a 2.5 1,234.5 0.50"
    with use_language("de"):
        assert compiled.run({}) == "a 2,5 1.234,5 0,50"
