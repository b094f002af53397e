"""Statistics functions (R's names), lists computed item by item, random data in 'let'.

Reference values: those marked R are R's printed with ``print(x, digits = 16)``; the others
are exact (small data worked by hand) or closed forms of the distribution written in the
test (Student's t for 1, 2 and odd degrees of freedom, chi-squared for 2).
"""

from __future__ import annotations

import json
import math
import random
import subprocess
import sys
from decimal import Decimal

import pytest

from conftest import bank_from_text, run_cli
from qbank.arithmetic import FUNCTIONS
from qbank.arithmetic.draws import DATA_RANDOM
from qbank.generator import compile_question, generate
from qbank.pipeline import validate_banks
from qbank.templates import compile_formula, compile_template

D = Decimal


def _t_cdf_odd(t: float, df: int) -> float:
    """Student's t distribution function for odd df, in closed form (Abramowitz & Stegun
    26.7.4): 1/2 + 1/π [θ + sin θ (cos θ + 2/3 cos³ θ + …)], θ = atan(t / √df)."""
    theta = math.atan(t / math.sqrt(df))
    c, s = math.cos(theta), math.sin(theta)
    total = term = c
    for j in range(1, (df - 3) // 2 + 1):
        term *= (2 * j) / (2 * j + 1) * c * c
        total += term
    return 0.5 + (theta + (s * total if df > 1 else 0)) / math.pi


REFERENCES = [
    # name, arguments, reference, where it comes from
    ("qt", (D("0.975"), 9), 2.262157163159817, "R qt(0.975, 9) as quoted in issue 12"),
    ("qt", (D("0.975"), 10), 2.228138851986274, "R qt(0.975, 10)"),
    ("qnorm", (D("0.975"),), 1.959963984540054, "R qnorm(0.975)"),
    ("qnorm", (D("0.975"), 100, 15), 100 + 15 * 1.959963984540054, "R qnorm(0.975, 100, 15)"),
    ("pnorm", (D("1.96"),), 0.9750021048517795, "R pnorm(1.96)"),
    ("dnorm", (0,), 1 / math.sqrt(2 * math.pi), "1/sqrt(2 pi)"),
    ("qchisq", (D("0.95"), 1), 3.841458820694124, "R qchisq(0.95, 1)"),
    ("qchisq", (D("0.95"), 2), -2 * math.log(0.05), "chi-squared, 2 df: -2 log(1 - p)"),
    ("pchisq", (3, 2), 1 - math.exp(-1.5), "chi-squared, 2 df: 1 - exp(-x / 2)"),
    ("pt", (1, 1), 0.75, "Cauchy: 1/2 + atan(1)/pi"),
    ("pt", (2, 2), 0.5 + 1 / math.sqrt(6), "t, 2 df: 1/2 + t / (2 sqrt(2 + t^2))"),
    ("pt", (D("2.5"), 9), _t_cdf_odd(2.5, 9), "t, 9 df: closed form for odd df"),
    ("pt", (D("-1.3"), 5), _t_cdf_odd(-1.3, 5), "t, 5 df: closed form for odd df"),
    ("qt", (D("0.75"), 1), 1.0, "Cauchy: tan(pi / 4)"),
    ("pbinom", (3, 10, D("0.5")), 176 / 1024, "exact: (1 + 10 + 45 + 120) / 2^10"),
    ("dbinom", (3, 10, D("0.5")), 120 / 1024, "exact: choose(10, 3) / 2^10"),
    ("dbinom", (2, 5, D("0.2")), 10 * 0.04 * 0.512, "exact: choose(5, 2) 0.2^2 0.8^3"),
    ("ppois", (2, 1), 2.5 / math.e, "exact: e^-1 (1 + 1 + 1/2)"),
    ("cor", ([1, 2, 3, 4, 5], [2, 4, 5, 4, 5]), 6 / math.sqrt(60), "Sxy / sqrt(Sxx Syy)"),
    ("rsq", ([1, 2, 3, 4, 5], [2, 4, 5, 4, 5]), 0.6, "36 / 60"),
    ("ttest", ([1, 2, 3, 4, 10], 2), 2 / math.sqrt(2.5), "(4 - 2) / sqrt(12.5 / 5)"),
    ("sd", ([1, 2, 3, 4, 10],), math.sqrt(12.5), "sqrt(var)"),
]


@pytest.mark.parametrize("name, args, reference, source", REFERENCES)
def test_statistics_functions_agree_with_r_to_1e_9(name, args, reference, source):
    got = FUNCTIONS[name](*args)
    assert isinstance(got, (int, Decimal))
    assert math.isclose(float(got), reference, rel_tol=1e-9, abs_tol=0), source


def test_qt_of_9_df_inverts_the_closed_form():
    # qt(0.975, 9) put back through the exact t distribution function gives 0.975
    assert _t_cdf_odd(float(FUNCTIONS["qt"](D("0.975"), 9)), 9) == pytest.approx(0.975, abs=1e-14)


@pytest.mark.parametrize(
    "formula, value",
    [
        ("mean([1, 2, 3, 4, 10])", 4),
        ("median([1, 2, 3, 4, 10])", 3),
        ("median([1, 2, 3, 4])", D("2.5")),
        ("var([1, 2, 3, 4, 10])", D("12.5")),  # sample variance, n - 1
        ("mean([0.1, 0.2])", D("0.15")),  # exact decimals
        ("quantile([1, 2, 3, 4, 10], 0.1)", D("1.4")),  # R type 7
        ("quantile([1, 2, 3, 4, 10], [0, 0.25, 0.5, 0.75, 1])", [1, 2, 3, 4, 10]),
        ("quantile([7, 1, 3, 2], 0.4)", D("2.2")),  # R quantile(c(7,1,3,2), 0.4) = 2.2
        ("iqr([1, 2, 3, 4, 10])", 2),  # R IQR
        ("fivenum([1, 2, 3, 4, 10])", [1, 2, 3, 4, 10]),
        ("fivenum([1, 2, 3, 4, 5, 6])", [1, 2, D("3.5"), 5, 6]),  # R fivenum(1:6)
        ("slope([1, 2, 3, 4, 5], [2, 4, 5, 4, 5])", D("0.6")),  # R coef(lm(y ~ x))
        ("intercept([1, 2, 3, 4, 5], [2, 4, 5, 4, 5])", D("2.2")),
        ("choose(10, 3)", 120),
        ("choose(5, 7)", 0),
        ("factorial(10)", 3628800),
        ("pbinom(10, 10, 0.3)", 1),
        ("ppois(-1, 2)", 0),
        ("round([1.25, 2.349, -0.5], 1)", [D("1.3"), D("2.3"), D("-0.5")]),
        ("2.5 * [1, 2] + [0.5, 1]", [3, 6]),
        ("[1, 2, 3] - 1", [0, 1, 2]),
        ("-[1, 2]", [-1, -2]),
        ("[2, 4] / [4, 8]", [D("0.5"), D("0.5")]),
        ("sum([1, 2] * 3)", 9),
        ("len(rep(0, 5))", 5),
        ("max(2 * [1, 5, 3])", 10),
        ("['a'] + ['b']", ["a", "b"]),  # lists of texts still join
    ],
)
def test_exact_statistics_and_list_arithmetic(formula, value):
    assert compile_formula(formula).run({}) == value


@pytest.mark.parametrize(
    "formula, words",
    [
        ("sd([1])", "sd() needs at least 2 values, not 1"),
        ("qt(0.9, 0)", "qt() needs degrees of freedom above 0"),
        ("qnorm(1.5)", "a probability between 0 and 1"),
        ("[1, 2] + [1, 2, 3]", "a list of 2 and a list of 3"),
        ("cor([1, 1, 1], [1, 2, 3])", "all the values of a list are equal"),
        ("mean(3)", "mean() needs a list of numbers"),
        ("factorial(500)", "a whole number from 0 to 449"),
        ("rnorm(3)", "only a question's 'let' can do"),
        ("rep(1, 10**9)", "more than 1,000 items"),
    ],
)
def test_statistics_refuse_in_a_teachers_words(formula, words):
    from qbank.errors import TemplateProblem

    with pytest.raises(TemplateProblem, match=words.replace("(", r"\(").replace(")", r"\)")):
        compile_formula(formula).run({})


def test_long_lists_cost_work_in_proportion():
    data = list(range(1000))
    compile_template("{{ sd(L) }}" * 5).run({"L": data})
    from qbank.errors import TemplateProblem

    with pytest.raises(TemplateProblem, match="too much work"):
        compile_template("{{ sd(L) + mean(L) + median(L) }}" * 10).run({"L": data})


def test_the_distributions_are_imported_only_when_used():
    code = (
        "import sys, qbank.cli, qbank.pipeline, qbank.arithmetic;"
        "from qbank.bank.loader import load_bank; from qbank.pipeline import validate_banks;"
        "validate_banks([load_bank()]); print('scipy' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


# --- random data ----------------------------------------------------------------------


def test_golden_sample_of_every_draw():
    """A change of these numbers changes every bank's data: it must be on purpose."""
    token = DATA_RANDOM.set(random.Random(2026))
    try:
        assert FUNCTIONS["rnorm"](5, 10, 2) == [
            D("8.99281758331"),
            D("9.98407818545"),
            D("11.5267155369"),
            D("8.15453181163"),
            D("10.1555067905"),
        ]
        assert FUNCTIONS["runif"](3, 0, 1) == [
            D("0.601030652385"),
            D("0.556559021925"),
            D("0.783373382483"),
        ]
        assert FUNCTIONS["rbinom"](5, 10, D("0.3")) == [3, 4, 4, 4, 3]
        assert FUNCTIONS["rpois"](5, 3) == [2, 3, 1, 5, 3]
        assert FUNCTIONS["sample"]([1, 2, 3, 4, 5], 3) == [5, 4, 1]
        assert FUNCTIONS["shuffle"](["a", "b", "c"]) == ["a", "b", "c"]
    finally:
        DATA_RANDOM.reset(token)


def test_draws_have_the_right_shape_and_spread():
    token = DATA_RANDOM.set(random.Random(1))
    try:
        x = [float(v) for v in FUNCTIONS["rnorm"](1000, 50, 8)]
        assert abs(sum(x) / 1000 - 50) < 1.5
        assert 7 < math.sqrt(sum((v - 50) ** 2 for v in x) / 999) < 9
        u = FUNCTIONS["runif"](1000, 2, 3)
        assert all(2 <= v <= 3 for v in u)
        b = FUNCTIONS["rbinom"](1000, 20, D("0.25"))
        assert all(0 <= v <= 20 for v in b) and abs(sum(b) / 1000 - 5) < 0.4
        p = FUNCTIONS["rpois"](1000, 4)
        assert abs(sum(p) / 1000 - 4) < 0.3
        s = FUNCTIONS["sample"](list(range(20)), 20)
        assert sorted(s) == list(range(20))
    finally:
        DATA_RANDOM.reset(token)


BANK = """\
id: stats
title: Statistics
questions:
  - id: ttest
    type: numerical
    text: |
      {{ table(x=x) }}
    params:
      mu: {min: 40, max: 46}
    let:
      x: round(rnorm(12, 50, 8), 1)
      t: ttest(x, mu)
      p: 2 * (1 - pt(abs(t), 11))
    answer: p
    tolerance: 0.001
  - id: plain
    type: numerical
    text: "{{ a }}"
    params:
      a: {min: 1, max: 3}
    answer: a
  - id: fixed-data
    type: numerical
    text: "{{ x | join(', ') }}"
    let:
      x: sample([1, 2, 3, 4, 5, 6], 3)
    answer: sum(x)
"""


def test_draws_are_per_variant_and_deterministic():
    bank = bank_from_text(BANK)
    one, again = generate(bank, count=6, seed=5), generate(bank, count=6, seed=5)
    data = [v.drawn.derived["x"] for v in one.variants["ttest"]]
    assert data == [v.drawn.derived["x"] for v in again.variants["ttest"]]
    assert len({tuple(x) for x in data}) == 6  # every variant its own data, never shared
    assert all(len(x) == 12 for x in data)
    # a question without parameters but with random data is drawn anew in every version
    assert len(one.variants["fixed-data"]) == 6
    # editing another question changes nothing; the parameters are drawn as without data
    edited = bank_from_text(BANK.replace("max: 3}", "max: 9}"))
    assert data == [v.drawn.derived["x"] for v in generate(edited, 6, seed=5).variants["ttest"]]
    no_data = bank_from_text(BANK.replace("rnorm(12, 50, 8)", "[50, 51, 49]"))
    assert [v.drawn.params for v in one.variants["ttest"]] == [
        v.drawn.params for v in generate(no_data, 6, seed=5).variants["ttest"]
    ]
    assert not one.repeats or all(r.question.id != "ttest" for r in one.repeats)


def test_a_question_with_data_is_never_shared_and_validation_samples_it():
    bank = bank_from_text(BANK)
    cq = compile_question(bank.questions[0])
    assert cq.draws
    assert not compile_question(bank.questions[1]).draws
    compiled = validate_banks([bank])[bank.id]
    assert not compiled["ttest"].tried  # validation keeps no variant of it for the run


def test_validation_reports_a_formula_failing_for_some_data(tmp_path):
    bank = tmp_path / "bank.yaml"
    bank.write_text(
        "id: b\ntitle: B\nquestions:\n  - id: small\n    type: numerical\n    text: x\n"
        "    params:\n      n: {min: 1, max: 3}\n    let:\n      x: round(rnorm(n, 0, 1), 2)\n"
        "      s: sd(x)\n    answer: s\n",
        encoding="utf-8",
    )
    result = run_cli("validate", str(bank), expect=1)
    # line 11 is "s: sd(x)", the failing 'let' value's own line
    assert "bank.yaml:11: question 'small': in 'let.s': formula 'sd(x)': sd() needs at least 2" in (
        result.output
    )
    assert "(with n = 1, x = [" in result.output


def test_draws_are_only_for_let():
    from qbank.errors import BankInvalid

    bank = bank_from_text(BANK.replace("{{ table(x=x) }}", "{{ rnorm(2) }}"))
    with pytest.raises(BankInvalid, match="only 'let' can do"):
        compile_question(bank.questions[0])


def test_the_record_holds_the_data_exactly(tmp_path):
    bank = tmp_path / "bank.yaml"
    bank.write_text(BANK, encoding="utf-8")
    run_cli(
        "generate", str(bank), "-n", "3", "--seed", "7", "-f", "json", "-o", str(tmp_path / "o")
    )
    record = json.loads((tmp_path / "o" / "stats.json").read_text(encoding="utf-8"))
    generated = generate(bank_from_text(BANK), count=3, seed=7)
    for version in record["versions"]:
        q = next(q for q in version["questions"] if q["id"] == "ttest")
        variant = generated.variants["ttest"][version["version"] - 1]
        assert [Decimal(str(v)) for v in q["derived"]["x"]] == variant.drawn.derived["x"]
        assert "| x |" in q["text"]


def test_table_renders_named_columns_as_markdown():
    out = compile_template("{{ table(x=[1, 2.5], y=['a|b', 'c']) }}").run({})
    assert out == "| x | y |\n|---:|---:|\n| 1 | a\\|b |\n| 2.5 | c |"
    from qbank.errors import TemplateProblem

    with pytest.raises(TemplateProblem, match="columns of the same length"):
        compile_template("{{ table(x=[1, 2], y=[1]) }}").run({})


def test_a_bank_may_shadow_a_statistics_name_with_a_warning():
    bank = bank_from_text(
        "id: b\ntitle: B\nquestions:\n  - id: q\n    type: numerical\n"
        "    text: '{{ mean }} and {{ sd }}'\n    params:\n      mean: {min: 1, max: 2}\n"
        "    let:\n      sd: mean * 2\n    answer: sd\n"
    )
    assert any("parameter 'mean' hides the statistics function mean()" in w for w in bank.warnings)
    assert any("derived value 'sd' hides" in w for w in bank.warnings)
    v = generate(bank, count=1, seed=1).variants["q"][0]
    assert v.drawn.text == f"{v.drawn.params['mean']} and {v.drawn.params['mean'] * 2}"
    # other function names stay refused
    from qbank.errors import BankInvalid

    with pytest.raises(BankInvalid, match="'rnorm' cannot be a parameter name"):
        bank_from_text(
            "id: b\ntitle: B\nquestions:\n  - id: q\n    type: numerical\n    text: x\n"
            "    params:\n      rnorm: {min: 1, max: 2}\n    answer: 1\n"
        )
