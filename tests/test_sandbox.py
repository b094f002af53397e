"""The template sandbox: no way from a bank to Python internals, files or the network.

The classic Jinja2 server-side template injection payloads, and variations on them, each
give a clear problem naming the question (never a result, never a traceback). Refused
syntax is refused when the bank is loaded, before anything runs.
"""

from __future__ import annotations

import time
from decimal import Decimal

import pytest
from click.testing import CliRunner
from jinja2.exceptions import SecurityError

from qbank import arithmetic, limits
from qbank.cli import cli
from qbank.errors import TemplateProblem
from qbank.templates import ENVIRONMENT, compile_formula, compile_template, time_limit
from workcount import FakeClock

# (payload, words the problem must contain). Each is a text template.
PAYLOADS = [
    ("{{ ''.__class__.__mro__ }}", "attribute access with '.' cannot be used"),
    ("{{ ''.__class__.__mro__[1].__subclasses__() }}", "attribute access with '.' cannot"),
    ("{{ cycler.__init__.__globals__.os.popen('id').read() }}", "attribute access"),
    ("{{ joiner.__init__.__globals__ }}", "attribute access"),
    ("{{ namespace.__init__.__globals__ }}", "attribute access"),
    ("{{ self._TemplateReference__context }}", "attribute access"),
    ("{{ self }}", "the name 'self' cannot be used"),
    ("{{ lipsum.__globals__['os'].popen('id') }}", "attribute access"),
    ("{{ lipsum['__globals__'] }}", "unknown name 'lipsum'"),
    ("{{ config }}", "unknown name 'config'"),
    ("{{ config.items() }}", "methods such as '.items()' cannot be called"),
    ("{{ request.application.__globals__ }}", "attribute access"),
    ("{{ request['application'] }}", "unknown name 'request'"),
    ("{{ ''|attr('__class__') }}", "unknown filter 'attr'"),
    ("{{ ''|attr('\\x5f\\x5fclass\\x5f\\x5f') }}", "unknown filter 'attr'"),
    ("{{ x['__class__'] }}", "only lists and texts can be indexed"),
    ("{{ 'abc'['__class__'] }}", "a position must be a whole number"),
    ("{{ x.__len__() }}", "attribute access"),
    ("{% for c in [].__class__.__base__.__subclasses__() %}{{ c }}{% endfor %}", "cannot be"),
    ("{% for i in [1, 2] %}{{ i }}{% endfor %}", "{% for %} loops cannot be used"),
    ("{{ range(10**9) }}", "only these functions can be called"),
    ("{{ dict(a=1) }}", "only these functions can be called"),
    ("{{ '{:>999999999}'.format(1) }}", "methods such as '.format()' cannot be called"),
    ("{{ '%s' % x }}", "cannot take the remainder of the text '%s'"),
    ("{{ '%999999999d' % 1 }}", "cannot take the remainder of the text"),
    ("{{ 'a'|center(1000000000) }}", "unknown filter 'center'"),
    ("{{ '%s'|format(x) }}", "unknown filter 'format'"),
    ("{{ 'a'|wordwrap(1) }}", "unknown filter 'wordwrap'"),
    ("{{ 'a'|indent(1000000000) }}", "unknown filter 'indent'"),
    ("{{ 'a'|replace('a', 'aa') }}", "unknown filter 'replace'"),
    ("{{ 'a'|map(attribute='__class__') }}", "unknown filter 'map'"),
    ("{{ x|pprint }}", "unknown filter 'pprint'"),
    ("{{ 1 is callable }}", "unknown test 'callable'"),
    ("{{ x|round(*[1]) }}", "'*' and '**' arguments are not allowed"),
    ("{{ round(*[1]) }}", "'*' and '**' arguments are not allowed"),
    ("{% import 'os' as os %}", "{% import %} cannot be used"),
    ("{% from 'os' import system %}", "cannot be used"),
    ("{% include '/etc/passwd' %}", "{% include %} cannot be used"),
    ("{% extends '/etc/passwd' %}", "{% extends %} cannot be used"),
    ("{% macro m() %}{{ m() }}{% endmacro %}{{ m() }}", "{% macro %} cannot be used"),
    ("{% set s %}x{% endset %}{{ s }}", "blocks cannot be used"),
    ("{% filter upper %}x{% endfilter %}", "{% filter %} cannot be used"),
    ("{% with a = 1 %}{{ a }}{% endwith %}", "{% with %} cannot be used"),
    ("{% autoescape false %}x{% endautoescape %}", "cannot be used"),
    ("{% set ns = namespace(a=1) %}", "only these functions can be called"),
    ("{% set _x = 1 %}", "names starting with '_' are not allowed"),
    ("{{ _x }}", "names starting with '_' are not allowed"),
    ("{{ loop }}", "the name 'loop' cannot be used"),
    ("{{ caller() }}", "only these functions can be called"),
    ("{{ {'a': 1} }}", "dictionaries cannot be used"),
    ("{% do x %}", "syntax error"),
    ("{{ '\\x07' }}", "control character (U+0007)"),
    ("{{ '\\ud800' }}", "control character (U+D800)"),
]


@pytest.mark.parametrize("payload, words", PAYLOADS, ids=[p for p, _ in PAYLOADS])
def test_injection_payloads_are_refused_with_clear_words(payload: str, words: str):
    with pytest.raises(TemplateProblem) as err:
        compile_template(payload).run({"x": 3})
    assert words in err.value.message
    assert "Traceback" not in err.value.message


@pytest.mark.parametrize("payload, words", PAYLOADS[:12], ids=[p for p, _ in PAYLOADS[:12]])
def test_injection_payloads_through_the_cli_name_the_question(payload: str, words: str, tmp_path):
    bank = tmp_path / "ssti.yaml"
    quoted = payload.replace("\\", "\\\\").replace('"', '\\"')
    bank.write_text(
        f'id: ssti\ntitle: T\nquestions:\n  - id: evil\n    type: essay\n    text: "{quoted}"\n',
        encoding="utf-8",
    )
    result = CliRunner().invoke(cli, ["generate", str(bank), "-o", str(tmp_path / "out")])
    assert result.exit_code == 1 and isinstance(result.exception, SystemExit)
    assert result.stderr.startswith(f"Error: {bank}:6: question 'evil': in 'text': ")
    assert words in result.stderr
    assert not (tmp_path / "out").exists()


def test_the_environment_exposes_only_the_whitelist():
    assert set(ENVIRONMENT.globals) == set(arithmetic.FUNCTIONS) | set(arithmetic.CONSTANTS)
    for name in (
        "range",
        "lipsum",
        "dict",
        "cycler",
        "joiner",
        "namespace",
        "config",
        "request",
        "self",
    ):
        assert name not in ENVIRONMENT.globals
    assert set(ENVIRONMENT.filters) == set(arithmetic.FILTERS)
    for name in (
        "attr",
        "format",
        "center",
        "wordwrap",
        "indent",
        "replace",
        "map",
        "xmlattr",
        "pprint",
        "tojson",
        "urlize",
    ):
        assert name not in ENVIRONMENT.filters
    assert set(ENVIRONMENT.tests) == set(arithmetic.TESTS)


def test_values_are_never_reachable_through_attributes_at_run_time():
    # Even if a Getattr node slipped past the syntax check, the environment refuses it.
    with pytest.raises(Exception) as err:
        ENVIRONMENT.getattr("", "__class__")
    assert "attribute access is switched off" in str(err.value)
    with pytest.raises(SecurityError):
        ENVIRONMENT.call(None, print, "hello")  # not a listed function
    with pytest.raises(SecurityError):
        ENVIRONMENT.getitem({"a": 1}, "a")  # only lists and texts can be indexed


def test_a_parameter_value_is_never_rendered_as_a_template():
    out = compile_template("{{ x }}").run({"x": "{{ ''.__class__ }}{% for %}"})
    assert out == "{{ ''.__class__ }}{% for %}"


def test_raw_blocks_and_comments_are_allowed_and_inert():
    assert compile_template("{% raw %}{{ x.__class__ }}{% endraw %}").run({}) == "{{ x.__class__ }}"
    assert compile_template("a{# {{ x.__class__ }} #}b").run({}) == "ab"


def test_allowed_syntax_still_works():
    text = (
        "{% set total = a * b %}{% if total > 10 %}big{% else %}small{% endif %} "
        "{{ total }} {{ [a, b]|max }} {{ 'x' ~ a }} {{ 'abc'[1] }} {{ 'abc'[::-1] }} "
        "{{ round(2.675, 2) }} {{ a is even }} {{ 'b' in 'abc' }}"
    )
    assert compile_template(text).run({"a": 4, "b": 3}) == "big 12 4 x4 b cba 2.68 true true"
    assert compile_formula("0.1 + 0.2").run({}) == Decimal("0.3")
    assert compile_formula("2 ** 2 ** 3").run({}) == 64  # Jinja groups ** from the left


def test_number_literals_keep_their_digits():
    assert compile_formula("0.12345678901234567890123").run({}) == Decimal(
        "0.12345678901234567890123"
    )


def test_lists_cannot_hold_lists():
    # Nested lists share their items, so [[[1]*1000]*1000]*1000 would be a billion items
    # to print or compare; refusing nesting keeps every list at most MAX_ITEMS long.
    for source in (
        "{{ [[1]] }}",
        "{{ [[1] * 10] * 10 }}",
        "{{ ([1], [2])|join }}",
        "{{ [x, [x]] }}",
    ):
        with pytest.raises(TemplateProblem, match="a list cannot hold another list"):
            compile_template(source).run({"x": 1})


def test_python_errors_are_reworded_for_teachers():
    cases = {
        "{{ min(1, 'a') }}": "cannot compare a text with a number using '<'",
        "{{ round(1, foo=2) }}": "round() got an unexpected keyword argument 'foo'",
        "{{ 1 in 5 }}": "'in' needs a text or a list on its right",
        "{{ 'abc'[0.5] }}": "a position must be a whole number, not the number 0.5",
        "{{ 'abc'[::0] }}": "a slice step cannot be 0",
        "{{ 'abc'[10] }}": "position 10 is past the end",
    }
    for source, words in cases.items():
        with pytest.raises(TemplateProblem) as err:
            compile_template(source).run({})
        assert words in err.value.message, source
        assert "_round" not in err.value.message and "instances of" not in err.value.message


def test_a_time_limit_stops_a_run_with_its_own_message():
    compiled = compile_template("{{ x }}")
    with time_limit(0, "stopped by the test"):
        time.sleep(0.001)
        with pytest.raises(TemplateProblem, match="stopped by the test"):
            compiled.run({"x": 1})
    assert compiled.run({"x": 1}) == "1"  # outside the block, no limit


def test_the_innermost_deadline_wins_and_renewing_restarts_the_clock():
    compiled = compile_template("{{ x }}")
    with time_limit(60, "outer") as outer:
        with time_limit(0, "inner"):
            time.sleep(0.001)
            with pytest.raises(TemplateProblem, match="inner"):
                compiled.run({"x": 1})
        outer.deadline = 0
        with pytest.raises(TemplateProblem, match="outer"):
            compiled.run({"x": 1})
        outer.renew()
        assert compiled.run({"x": 1}) == "1"


def test_the_clock_is_read_during_a_long_run(monkeypatch):
    # A run stopped part-way, not only before it starts: the meter reads the clock every
    # few hundred steps. The fake clock moves only when read, so this holds on any machine
    # (a coarse real clock might not tick during the run).
    clock = FakeClock(monkeypatch)
    monkeypatch.setattr(limits, "RENDER_SECONDS", 0.0)
    with pytest.raises(TemplateProblem, match="took longer than 0 seconds"):
        compile_template("{{ sum(L) }}").run({"L": list(range(1000))})
    assert clock.readings >= 2  # at the start of the run, and during it


def test_constant_expressions_write_numbers_the_qbank_way():
    # Jinja would fold these at compile time with Python's str(): 1.50, 1E-7, [Decimal(..)].
    cases = {
        "{{ 'x' ~ 1.50 }}": "x1.5",
        "{{ 'x' ~ 0.0000001 }}": "x0.0000001",
        "{{ ('x' ~ 1.50)|upper }}": "X1.5",
        "{{ 'x' ~ [1.50, 2] }}": "x1.5, 2",
        "{{ 1.50 }}": "1.5",
        "{{ [0.10, 2] }}": "0.1, 2",
    }
    for source, expected in cases.items():
        assert compile_template(source).run({}) == expected, source
