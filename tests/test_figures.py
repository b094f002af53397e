"""Figures per variant (issue 13): drawn once per distinct draw, placed in the text, found
by every format in the set's media, reproducible to the byte, refused in a teacher's words."""

from __future__ import annotations

import hashlib
import io
import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from PIL import Image

from conftest import bank_from_text, run_cli
from qbank import figures, limits
from qbank.errors import BankInvalid
from qbank.generator import generate
from qbank.pipeline import textcheck
from qbank.validation import validate_bank

HEAD = "id: figs\ntitle: Figures\nquestions:\n"

SPECS = {
    "histogram": "kind: histogram\nx: data\nxlabel: Lifetime (h)\nylabel: Count",
    "boxplot": "kind: boxplot\nx: data\nxlabel: Lifetime (h)",
    "scatter": "kind: scatter\nx: data\ny: 2 * data + 3\nfit: true",
    "line": "kind: line\nx: '[1, 2, 3, 4]'\ny: '[a, 3, 2, 5]'",
    "bar": "kind: bar\nx: \"['red', 'green', 'blue']\"\ny: '[a, 5, 2]'",
    "function": "kind: function\nf: a * x ** 2 - 3\nfrom: -2\nto: 2\npoints: '[0, 1]'",
}


def question(spec: str, *, qid: str = "q", text: str = "Look.", extra: str = "") -> str:
    body = textwrap.indent(spec + "\nalt: A figure of {{ a }}", " " * 6)
    return (
        f'  - id: {qid}\n    type: essay\n    text: "{text}"\n'
        "    params:\n      a: {min: 1, max: 5}\n"
        "    let:\n      data: round(rnorm(30, 50, 10), 1)\n"
        f"{extra}    figure:\n{body}\n"
    )


def bank(*questions: str):
    return bank_from_text(HEAD + "".join(questions))


def drawn_figures(generated, qid: str = "q"):
    return [f for v in generated.variants[qid] for f in v.drawn.figures]


@pytest.mark.parametrize("kind", sorted(SPECS))
def test_each_kind_draws_a_png_at_its_stated_size(kind, monkeypatch):
    spec = SPECS[kind] + ("\nwidth: 10\nheight: 6" if kind == "bar" else "")
    worked_out = []
    original = figures.evaluate
    monkeypatch.setattr(
        figures, "evaluate", lambda *a: worked_out.append(original(*a)) or worked_out[-1]
    )
    generated = generate(bank(question(spec)), 2, seed=1)
    image = generated.variants["q"][0].drawn.figures[0]
    assert image.src.startswith("figure:") and len(image.src) == len("figure:") + 16
    assert image.name == f"qbank-figure-{image.src[7:]}.png"
    # named by what it is drawn from (known before it is drawn), not by its bytes
    assert image.src[7:] == figures.figure_digest(worked_out[0])
    assert image.media_type == "image/png"
    png = Image.open(io.BytesIO(image.data))
    png.load()
    width_cm, height_cm = (10, 6) if kind == "bar" else (12, 8)
    assert (image.width, image.height) == png.size
    assert png.size == (
        int(width_cm / 2.54 * figures.DPI),
        int(height_cm / 2.54 * figures.DPI),
    )
    assert round(png.info["dpi"][0]) == figures.DPI
    # 256 greys in a palette (the style is black and white): grey i is colour i
    assert png.mode == "P"
    assert png.getpalette() == [level for i in range(256) for level in (i, i, i)]


def test_same_seed_same_bytes_in_two_runs():
    text = question(SPECS["scatter"]) + question(SPECS["function"], qid="f")
    one = generate(bank(text), 3, seed=5)
    two = generate(bank(text), 3, seed=5)
    a = [f.data for q in ("q", "f") for f in drawn_figures(one, q)]
    b = [f.data for q in ("q", "f") for f in drawn_figures(two, q)]
    assert a == b and len(a) == 6
    assert len(set(a[:3])) == 3  # other data, other pictures


_PROCESS = """
import sys
from conftest import bank_from_text
from qbank.generator import generate
g = generate(bank_from_text(sys.stdin.read()), 2, seed=9)
print(" ".join(f.src for vs in g.variants.values() for v in vs for f in v.drawn.figures))
"""


def test_same_bytes_in_two_processes(tmp_path):
    text = HEAD + question(SPECS["scatter"]) + question(SPECS["histogram"], qid="h")
    tests = str(Path(__file__).parent)
    env_path = [tests, *sys.path]

    def run() -> str:
        out = subprocess.run(
            [sys.executable, "-c", _PROCESS],
            input=text,
            capture_output=True,
            text=True,
            check=True,
            cwd=tmp_path,
            env={"PYTHONPATH": ":".join(env_path), "MPLCONFIGDIR": str(tmp_path / "mpl")},
        )
        return out.stdout.strip()

    first, second = run(), run()
    assert first == second and first.count("figure:") == 4
    here = generate(bank_from_text(text), 2, seed=9)
    assert first == " ".join(
        f.src for vs in here.variants.values() for v in vs for f in v.drawn.figures
    )


def test_a_users_matplotlib_settings_change_nothing():
    import matplotlib

    text = question(SPECS["line"])
    before = drawn_figures(generate(bank(text), 1, seed=2))[0].data
    with matplotlib.rc_context({"lines.linewidth": 7, "font.size": 20, "axes.grid": False}):
        during = drawn_figures(generate(bank(text), 1, seed=2))[0].data
    assert during == before


def test_a_figure_the_text_shows_is_placed_there_the_others_under_it():
    spec = textwrap.indent(
        "- kind: line\n  x: '[1, 2]'\n  y: '[a, 2]'\n  alt: first\n"
        "- kind: bar\n  x: \"['p', 'q']\"\n  y: '[1, a]'\n  alt: 'second [b]'\n",
        " " * 6,
    )
    text = (
        HEAD + "  - id: q\n    type: essay\n    params:\n      a: {min: 1, max: 3}\n"
        "    text: |\n      Before.\n\n      ![](figure:1)\n\n      After.\n"
        f"    figures:\n{spec}"
    )
    generated = generate(bank_from_text(text), 1, seed=3)
    drawn = generated.variants["q"][0].drawn
    first, second = drawn.figures
    assert drawn.text == (
        f"Before.\n\n![first]({first.src})\n\nAfter.\n\n![second \\[b\\]]({second.src})"
    )
    checked = textcheck.check_set(generated)
    assert checked.media[first.src] is first and checked.media[second.src] is second


def test_a_figure_not_shown_goes_under_the_text():
    generated = generate(bank(question(SPECS["bar"], text="How many?")), 1, seed=3)
    drawn = generated.variants["q"][0].drawn
    assert drawn.text == f"How many?\n\n![A figure of {drawn.params['a']}]({drawn.figures[0].src})"


@pytest.fixture()
def draws(monkeypatch):
    """The figures drawn, counted in this process (the run's figures drawn here)."""
    monkeypatch.setenv("QBANK_FIGURE_WORKERS", "1")
    calls = []
    original = figures.draw

    def counting(data):
        calls.append(data)
        return original(data)

    monkeypatch.setattr(figures, "draw", counting)
    return calls


def test_a_fixed_question_is_drawn_once(draws):
    text = (
        HEAD + "  - id: q\n    type: essay\n    text: Read it.\n"
        "    figure:\n      kind: line\n      x: '[1, 2, 3]'\n      y: '[3, 1, 2]'\n"
        "      alt: a line\n"
    )
    generated = generate(bank_from_text(text), 30, seed=1)
    assert len(generated.variants["q"]) == 1
    assert len(draws) == 1


def test_300_versions_of_5_draws_draw_5_figures(draws):
    text = (
        HEAD + "  - id: q\n    type: essay\n    text: Read it.\n"
        "    params:\n      a: {min: 1, max: 5}\n"
        "    figure:\n      kind: bar\n      x: \"['a', 'b']\"\n      y: '[a, 2]'\n"
        "      alt: bars\n"
    )
    generated = generate(bank_from_text(text), 300, seed=1)
    assert len(generated.variants["q"]) == 300
    assert len(draws) == 5
    assert len({v.drawn.figures[0].src for v in generated.variants["q"]}) == 5


def test_validate_works_the_data_out_for_every_try_but_draws_one(draws, monkeypatch):
    tries = []
    original = figures.evaluate
    monkeypatch.setattr(figures, "evaluate", lambda *args: tries.append(1) or original(*args))
    compiled = validate_bank(bank(question(SPECS["scatter"])))
    assert len(tries) > 300 and len(draws) == 1
    assert compiled["q"].sample.figures[0].src.startswith("figure:")
    assert not compiled["q"].tried  # nothing kept without its figures: the run draws them


def test_validate_finds_a_figure_in_the_solution():
    found = problems(question(SPECS["line"], extra="    solution: '![x](figure:1)'\n"))
    assert found == [
        "figs.yaml:11: question 'q': in 'solution': 'figure:1' is not a figure of this "
        "question: a text shows its figures as ![alt](figure:1), ![alt](figure:2)… in 'text' only"
    ]


def problems(text: str) -> list[str]:
    with pytest.raises(BankInvalid) as err:
        validate_bank(bank_from_text(HEAD + text, "figs.yaml"))
    return [str(p) for p in err.value.problems]


def test_an_unknown_kind_is_named_with_its_line():
    found = problems(question("kind: pie\nx: data"))
    assert found == [
        "figs.yaml:12: question 'q': 'pie' is not a kind of figure; the kinds are "
        "histogram, boxplot, scatter, line, bar, function"
    ]
    found = problems(question("kind: scater\nx: data\ny: data"))
    assert "(did you mean 'scatter'?)" in found[0]


def test_a_figure_without_alt_is_refused():
    text = question(SPECS["line"]).replace("      alt: A figure of {{ a }}\n", "")
    assert problems(text) == ["figs.yaml:11: question 'q': 'figure.alt' is missing"]
    many = text.replace("    figure:\n      kind", "    figures:\n      - kind").replace(
        "      x: '[1", "        x: '[1"
    )
    many = many.replace("      y: '[a", "        y: '[a")
    assert problems(many) == ["figs.yaml:12: question 'q': 'alt' of figure 1 is missing"]


def test_what_a_kind_needs_and_does_not_take():
    found = problems(question("kind: scatter\nx: data\nf: x ** 2"))
    assert found == [
        "figs.yaml:12: question 'q': figure: a scatter figure needs 'y'",
        "figs.yaml:14: question 'q': figure: 'f' does not belong to a scatter figure "
        "(it is for function)",
    ]
    found = problems(question(SPECS["line"] + "\nwidth: 40"))
    assert found == [
        "figs.yaml:15: question 'q': figure: 'width' should be from 2 to 20 cm, not 40"
    ]


def test_an_unknown_name_in_a_formula_is_found_by_validate():
    found = problems(question("kind: histogram\nx: dta"))
    assert len(found) == 1
    assert found[0].startswith(
        "figs.yaml:13: question 'q': in 'figure.x': unknown name 'dta' (did you mean 'data'?)"
    )


def test_a_formula_that_fails_names_the_field_and_the_values():
    found = problems(question("kind: function\nf: 1 / (x - a)\nfrom: 'a'\nto: 'a'"))
    assert found[0].startswith(
        "figs.yaml:15: question 'q': in 'figure.to': 'from' (1) should be less than 'to' (1)"
    )
    found = problems(question("kind: histogram\nx: a"))
    assert "in 'figure.x': 'x' should be a list of numbers" in found[0]
    assert found[0].startswith("figs.yaml:13:")


def test_too_many_points_are_refused(monkeypatch):
    monkeypatch.setattr(limits, "MAX_FIGURE_POINTS", 20)
    found = problems(question(SPECS["histogram"]))
    assert found[0].startswith(
        "figs.yaml:13: question 'q': in 'figure.x': 'x' has 30 values; a figure shows at most 20"
    )


def test_the_text_may_only_show_figures_the_question_has():
    found = problems(question(SPECS["line"], text="See ![it](figure:2)."))
    assert "the text shows figure:2, but the question has 1 figure" in found[0]


def test_a_figure_in_the_solution_is_refused_at_generate(tmp_path):
    text = HEAD + question(SPECS["line"], extra="    solution: '![x](figure:1)'\n")
    path = tmp_path / "figs.yaml"
    path.write_text(text, encoding="utf-8")
    result = run_cli("generate", path, "-n", "1", "-f", "json", "-o", tmp_path / "out", expect=1)
    assert "is not a figure of this question" in result.output


def test_the_json_record_lists_each_figure(tmp_path):
    path = tmp_path / "figs.yaml"
    path.write_text(HEAD + question(SPECS["scatter"]), encoding="utf-8")
    run_cli("generate", path, "-n", "2", "--seed", "4", "-f", "json", "-o", tmp_path / "out")
    record = json.loads((tmp_path / "out" / "figs.json").read_text(encoding="utf-8"))
    generated = generate(bank_from_text(HEAD + question(SPECS["scatter"])), 2, seed=4)
    expected = [v.drawn.figures[0] for v in generated.variants["q"]]
    entries = [q for version in record["versions"] for q in version["questions"]]
    assert len(entries) == 2
    for entry, image in zip(entries, expected):
        assert f"]({image.src})" in entry["text"]
        assert entry["images"] == [
            {
                "src": image.src,
                "name": image.name,
                "sha256": hashlib.sha256(image.data).hexdigest(),
                "type": "image/png",
                "width": image.width,
                "height": image.height,
            }
        ]


def test_the_examples_of_the_docs_draw(tmp_path):
    doc = (Path(__file__).parents[1] / "docs" / "bank-format.md").read_text(encoding="utf-8")
    section = doc.split("## Figures", 1)[1].split("\n## ", 1)[0]
    blocks = [b.split("\n", 1)[1] for b in section.split("```yaml")[1:]]
    blocks = [b.split("```", 1)[0] for b in blocks]
    assert len(blocks) == 6
    questions = [blocks[0]]
    for n, block in enumerate(blocks[1:]):
        questions.append(
            f"  - id: q{n}\n    type: essay\n    text: Look.\n"
            "    params:\n      v: [10, 20]\n"
            "    let:\n      hours: round(rnorm(30, 50, 10), 1)\n"
            "      marks: round(rnorm(40, 70, 12))\n      a: 3\n      b: 5\n      c: v\n" + block
        )
    text = HEAD + "".join(questions)
    compiled = validate_bank(bank_from_text(text))
    generated = generate(bank_from_text(text), 2, seed=1, compiled=compiled)
    kinds = {f.kind for q in generated.bank.questions for f in q.figures}
    assert kinds == set(figures.FIGURE_KINDS)
    assert all(v.drawn.figures for v in generated.all_variants())


def test_a_figure_that_does_not_change_with_the_parameters_is_drawn_once(draws):
    text = (
        HEAD + "  - id: q\n    type: essay\n    text: 'Read it, {{ a }}.'\n"
        "    params:\n      a: {min: 1, max: 50}\n"
        "    figure:\n      kind: line\n      x: '[1, 2, 3]'\n      y: '[3, 1, 2]'\n"
        "      alt: a line\n"
    )
    generated = generate(bank_from_text(text), 40, seed=1)
    assert len({v.drawn.text for v in generated.variants["q"]}) > 20
    assert len(draws) == 1
    assert len({v.drawn.figures[0] for v in generated.variants["q"]}) == 1


def test_a_run_draws_a_bounded_number_of_figures(monkeypatch):
    from qbank.errors import TemplateProblem

    monkeypatch.setattr(limits, "MAX_RUN_FIGURES", 3)
    with pytest.raises(TemplateProblem) as err:
        generate(bank_from_text(HEAD + question(SPECS["histogram"]), "figs.yaml"), 5, seed=1)
    assert str(err.value).startswith(
        "figs.yaml:11: question 'q': in 'figure': this run would draw more than 3 figures; "
        "make fewer versions (-n)"
    )


def test_figure_and_figures_together_and_too_many_figures_are_refused():
    one = "    figure: {kind: line, x: '[1, 2]', y: '[1, 2]', alt: a}\n"
    many = "    figures:\n" + "".join(
        f"      - {{kind: line, x: '[1, {n}]', y: '[1, 2]', alt: a}}\n" for n in range(11)
    )
    head = "  - id: q\n    type: essay\n    text: Look.\n"
    two = "".join(many.splitlines(keepends=True)[:3])
    assert problems(head + one + two) == [
        "figs.yaml:8: question 'q': a question has either 'figure' or a list of 'figures', not both"
    ]
    assert problems(head + many) == [
        "figs.yaml:7: question 'q': a question may have at most 10 figures, not 11"
    ]


def test_the_json_schema_knows_figures():
    import jsonschema
    import yaml

    from qbank.bank.jsonschema import bank_schema

    validator = jsonschema.Draft7Validator(bank_schema())
    good = yaml.safe_load(HEAD + question(SPECS["function"]))
    assert list(validator.iter_errors(good)) == []
    bad = yaml.safe_load(HEAD + question("kind: pie\nx: data"))
    assert list(validator.iter_errors(bad))
