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
* runs each template or formula under a step budget and a CPU-time deadline, and inside
  any :func:`time_limit` and :func:`output_limit` blocks the caller opens (the pipeline
  bounds a question's validation, a variant and a whole run this way).

Every failure of a run is a :class:`TemplateProblem` in a teacher's words. This package
knows nothing about questions: callers add the question to the errors. The guarantees are
listed in docs/security.md.

The parts, each for one concern:

* :mod:`.clocks`: time and text limits that bound many runs together;
* :mod:`.environment`: the Jinja2 environment (lexer, code generator, sandbox hooks);
* :mod:`.checks`: the syntax whitelist, checked on the parsed tree;
* :mod:`.runner`: compiling once and running once per variant, within the budgets;
* :mod:`.words`: Python's and Jinja's errors in a teacher's words.

Everything other modules use is importable from ``qbank.templates`` itself.
"""

from __future__ import annotations

from .clocks import OutputLimit, TimeLimit, output_limit, time_limit
from .environment import CONTROL_CHARACTERS, ENVIRONMENT, QbankEnvironment
from .runner import Compiled, compile_formula, compile_template, is_template
from .words import python_words, unknown_name_message

__all__ = [
    "CONTROL_CHARACTERS",
    "ENVIRONMENT",
    "Compiled",
    "OutputLimit",
    "QbankEnvironment",
    "TimeLimit",
    "compile_formula",
    "compile_template",
    "is_template",
    "output_limit",
    "python_words",
    "time_limit",
    "unknown_name_message",
]
