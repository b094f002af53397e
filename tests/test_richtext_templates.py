"""Rich text meets templates: escaped values, ``{{{ }}}`` groups, cloze answers, checks.

The order of steps (docs/bank-format.md, "Rich text"): template → cloze blanks taken out
→ Markdown and math → blanks put back by each format. Values ``{{ }}`` inserts into a
Markdown field show exactly as they are.
"""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest

from conftest import bank_from_text
from qbank import pipeline
from qbank.errors import BankInvalid, QbankError
from qbank.exporters.jsonrecord import question_record
from qbank.generator import generate
from qbank.richtext import parse_block, plain_text
from qbank.templates import compile_template


def one(text: str, **values) -> str:
    return compile_template(text, markdown=True).run(values)


def bank(questions: str, head: str = "") -> str:
    return f"id: rt\ntitle: Rich\n{head}questions:\n" + textwrap.indent(
        textwrap.dedent(questions), "  "
    )


def first_record(text: str, **kw):
    b = bank_from_text(text)
    generated = generate(b, 1, 7)
    v = generated.version(1)[0]
    return question_record(v, generated.media, math=b.math, **kw)


# --- values inserted into Markdown -------------------------------------------------------


@pytest.mark.parametrize(
    "value",
    ["*star*", "_under_", "$30", "# not a heading", "a | b", "[[x]]", "<b>x</b>", "1. item"],
)
def test_a_drawn_text_shows_exactly_as_it_is(value):
    rendered = one("Name: {{ v }}", v=value)
    assert plain_text(parse_block(rendered)) == f"Name: {value}"


def test_numbers_and_tex_values_go_into_formulas_unchanged():
    assert one("$x = {{ a }}$", a=-3.5) == "$x = -3.5$"
    assert one("$y = {{ t }}$", t="\\frac{1}{2}") == "$y = \\frac{1}{2}$"


def test_the_markdown_filter_and_table_insert_markdown_as_it_is():
    assert one("{{ v | markdown }}", v="**bold**") == "**bold**"
    table = one("{{ table(x=[1, 2], y=[3, 4]) }}")
    assert table.startswith("| x | y |")
    assert "<table>" in first_html(
        bank(
            """
            - id: t
              type: essay
              text: "{{ table(x=[1, 2], y=[3, 4]) }}"
              answer: ok
            """
        )
    )


def first_html(text: str) -> str:
    return first_record(text)["html"]


def test_a_title_is_plain_text_and_not_escaped():
    record = first_record(
        bank(
            """
            - id: t
              type: essay
              params: {n: {choices: ["*x*"]}}
              title: "Q {{ n }}"
              text: "About {{ n }}"
              answer: ok
            """
        )
    )
    assert record["title"] == "Q *x*"
    assert record["text"] == "About \\*x\\*"
    assert record["html"] == "<p>About *x*</p>"


# --- {{{ }}} and {# --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("$x^{{{ a }}}$", "$x^{-3}$"),
        ("$\\frac{ {{ p }} }{ {{ q }} }$", "$\\frac{ 1 }{ 2 }$"),
        ("$\\frac{{{ p }}}{{{ q }}}$", "$\\frac{1}{2}$"),
        ("$e^{{{ a * p }}}$ and {{ q }}", "$e^{-3}$ and 2"),
    ],
)
def test_a_triple_brace_is_a_latex_group_around_a_value(source, expected):
    assert one(source, a=-3, p=1, q=2) == expected


def test_a_latex_hash_brace_is_explained():
    with pytest.raises(QbankError, match=r"write '\{ #'"):
        compile_template("$\\def\\f{#1}$", markdown=True)
    assert one("$\\def\\f{ #1}$ {# a comment #}ok") == "$\\def\\f{ #1}$ ok"


# --- cloze answers are plain text -------------------------------------------------------


def test_a_cloze_answer_inserted_by_a_template_is_plain_text():
    record = first_record(
        bank(
            """
            - id: c
              type: cloze
              params: {w: {choices: ["a*b", "x|y"]}}
              text: "Write [[{{ w }}]] here, $x^2$ too."
            """
        )
    )
    (blank,) = [p["blank"] for p in record["parts"] if isinstance(p, dict)]
    assert blank[0] in ("a*b", "x|y") and len(blank) == 1
    assert "\\(x^2\\)" in record["html"] and 'class="blank"' in record["html"]


def test_a_blank_inside_a_table_is_not_cut_at_its_bar():
    record = first_record(
        bank(
            """
            - id: c
              type: cloze
              text: |
                | word | meaning |
                |---|---|
                | API | [[interface|application programming interface]] |
            """
        )
    )
    (blank,) = [p["blank"] for p in record["parts"] if isinstance(p, dict)]
    assert blank == ["interface", "application programming interface"]
    assert "<table>" in record["html"] and record["html"].count('class="blank"') == 1


# --- problems found before anything is written ------------------------------------------


def write_bank(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "bank.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_a_blank_inside_math_is_a_located_problem(tmp_path):
    path = write_bank(
        tmp_path,
        bank(
            """
            - id: c
              type: cloze
              text: |
                First line.
                Then $x = [[3]]$ here.
            """
        ),
    )
    out = tmp_path / "out"
    with pytest.raises(BankInvalid) as caught:
        pipeline.run([path], count=1, seed=1, formats=["json"], out_dir=out)
    message = str(caught.value)
    assert "question 'c'" in message and f"{path}:" in message
    assert "formula" in message.lower()
    (problem,) = caught.value.problems  # at the blank's own line inside the '|' block
    assert "$x = [[3]]$" in path.read_text().splitlines()[problem.line - 1]
    assert not out.exists()  # nothing written


def test_a_missing_image_names_its_line_inside_the_block(tmp_path):
    path = write_bank(
        tmp_path,
        bank(
            """
            - id: e
              type: essay
              text: |
                Look at the picture.

                ![A graph](graphs/missing.png)
              answer: ok
            """
        ),
    )
    with pytest.raises(BankInvalid) as caught:
        pipeline.load_and_validate([path])
    (problem,) = caught.value.problems
    assert problem.question == "e"
    lines = path.read_text().splitlines()
    assert "missing.png" in lines[problem.line - 1]


def test_math_off_keeps_dollars_and_backslashes_as_text():
    record = first_record(
        bank(
            """
            - id: t
              type: essay
              text: "Costs $x$ and \\\\(y\\\\)"
              answer: ok
            """,
            head="math: off\n",
        )
    )
    assert "\\(" not in record["html"].replace("\\(y", "")
    assert "$x$" in record["html"]


def test_the_json_record_has_html_next_to_each_markdown_text(tmp_path):
    path = write_bank(
        tmp_path,
        bank(
            """
            - id: m
              type: multichoice
              text: "Which is **bold**?"
              solution: "Because $a^2$."
              choices:
                - {text: "_this_", correct: true, feedback: "Yes, `code`."}
                - {text: "that", correct: false}
            """
        ),
    )
    pipeline.run([path], count=1, seed=1, formats=["json"], out_dir=tmp_path / "out")
    record = json.loads((tmp_path / "out" / "rt.json").read_text())["versions"][0]["questions"][0]
    assert record["text"] == "Which is **bold**?"
    assert record["html"] == "<p>Which is <strong>bold</strong>?</p>"
    assert record["solution_html"] == "<p>Because \\(a^2\\).</p>"
    choice = next(c for c in record["choices"] if c["correct"])
    assert choice["html"] == "<em>this</em>"
    assert choice["feedback_html"] == "<p>Yes, <code>code</code>.</p>"


# --- numbers for math and science -------------------------------------------------------


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("{{ 0.0015234 | sig(3) }}", "0.00152"),
        ("{{ 1.5 | sig(3) }}", "1.50"),
        ("{{ 9.996 | sig(3) }}", "10.0"),
        ("{{ 123456 | sig(2) }}", "120000"),
        ("{{ 0.0015234 | sci(2) }}", "1.5 × 10⁻³"),
        ("{{ 123456 | sci(3) }}", "1.23 × 10⁵"),
        ("{{ 5 | sci(1) }}", "5"),
        ("$x = {{ 0.0015234 | sci_tex(2) }}$", "$x = 1.5 \\times 10^{-3}$"),
        ("$n = {{ 1000000 | thousands_tex }}$", "$n = 1\\,000\\,000$"),
        ("$n = {{ 1234.5 | thousands_tex(2) }}$", "$n = 1\\,234.50$"),
    ],
)
def test_number_filters_for_math_and_science(source, expected):
    assert one(source) == expected


def test_a_significant_figures_value_stays_a_number():
    assert one("{{ 0.0015234 | sig(2) * 2 }}") == "0.003"


def test_sig_refuses_nonsense_figures():
    with pytest.raises(QbankError, match="significant figures"):
        one("{{ 1 | sig(0) }}")


# --- preview and titles ------------------------------------------------------------------

PREVIEW_BANK = """\
id: pv
title: P
questions:
  - id: t
    type: essay
    text: |
      Look at **this** table, with $\\frac{a}{b}$:

      | x | y |
      |---|---|
      | 1 | 2 |

      - one
      - two
    answer: ok
"""


def test_preview_lays_markdown_out_and_shows_formulas_as_source(tmp_path, monkeypatch):
    from conftest import run_cli

    monkeypatch.chdir(tmp_path)
    (tmp_path / "pv.yaml").write_text(PREVIEW_BANK, encoding="utf-8")
    out = run_cli("preview", "pv.yaml").output
    assert "Look at this table, with \\(\\frac{a}{b}\\):" in out  # no ** left
    assert "   x | y\n" in out and "   1 | 2\n" in out
    assert "   - one\n   - two\n" in out


def test_a_title_made_from_a_markdown_text_is_plain_text():
    bank = bank_from_text(PREVIEW_BANK)
    assert bank.questions[0].title == "Look at this table, with \\frac{a}{b}"
