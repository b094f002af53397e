"""Resource bounds: every bomb ends early with a clear FILE:LINE message.

Numbers, texts, lists, nesting, file size, the number of questions and the time a
template may run are all bounded (docs/security.md lists the limits). Each case here runs
through the CLI, as a teacher would meet it, and must end with exit code 1 after little
work. "Little work" is counted, not timed (tests/workcount.py): the bytes read, the YAML
events parsed, the steps the work meters charged, the variants built. The wall-clock
backstops are tested on a fake clock that moves only when qbank reads it.
"""

from __future__ import annotations

import tracemalloc
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import FIXTURES
from qbank import limits, pipeline
from qbank.bank import load_bank, load_bank_text
from qbank.bank.yamlfile import parse_yaml
from qbank.cli import cli
from qbank.errors import QbankError
from qbank.limits import (
    MAX_FILE_BYTES,
    MAX_ITEMS,
    MAX_NODES,
    MAX_QUESTIONS,
    MAX_SOURCE,
    MAX_STEPS,
    MAX_TEXT,
)
from qbank.templates import compile_template
from workcount import FakeClock, Work

FIXTURES_GOOD = FIXTURES / "good"
HEAD = "id: bounds\ntitle: Bounds\nquestions:\n"


def question(text: str, extra: str = "", qtype: str = "essay") -> str:
    """One question (line 4 is its id, line 6 its text); ``extra`` lines are indented."""
    body = f"  - id: q\n    type: {qtype}\n    text: {text}\n"
    return HEAD + body + "".join(f"    {line}\n" for line in extra.splitlines())


#: The most template work a refused bank may cost, all its templates and formulas together:
#: five runs at their full step budget. A bomb is stopped long before (most within one run).
REFUSAL_STEPS = 5 * MAX_STEPS


def refused(
    tmp_path: Path,
    content: str | bytes,
    *,
    command: str = "validate",
    steps: int | None = REFUSAL_STEPS,
    work: Work | None = None,
) -> str:
    """Run the CLI on a bank; assert a clean refusal after little work; return the error.

    Little work: the file read once, all template work within ``steps`` (None: unbounded,
    for the tests of the clock), at most one variant's worth of draws built. Pass the
    ``work`` fixture to look at the counts afterwards.
    """
    bank = tmp_path / "bank.yaml"
    if isinstance(content, bytes):
        bank.write_bytes(content)
    else:
        bank.write_text(content, encoding="utf-8")
    args = [command, str(bank)]
    if command == "generate":
        args += ["-n", "3", "--seed", "1", "-f", "json", "-o", str(tmp_path / "out")]
    with pytest.MonkeyPatch.context() as mp:
        work = work or Work(mp)
        work.watch(bank)
        result = CliRunner().invoke(cli, args)
    assert isinstance(result.exception, SystemExit), result.exception  # never a traceback
    assert result.exit_code == 1, result.output
    assert work.opened(bank) == 1 and work.bytes_read(bank) == bank.stat().st_size
    if steps is not None:
        assert work.steps <= steps, work.summary()
    assert work.variants_built <= limits.MAX_DRAWS, work.summary()
    assert not (tmp_path / "out").exists()
    return result.stderr.replace(str(bank), "bank.yaml")


# --- numbers -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "formula, words",
    [
        ("10 ** (10 ** 10)", "the power 10 ** 10000000000 is too large (or too small)"),
        ("9 ** 9 ** 9 ** 9 ** 9", "is too large (or too small) to work out"),  # from the left
        (" ** ".join(["2"] * 13), "too large"),  # 2 ** 4096: twelve twos would be legal
        ("10 ** -100000", "too large (or too small)"),
        ("1.0000001 ** 100000000000", "too large (or too small)"),
        ("exp(10 ** 6)", "grows too large"),
        ("number('1e999999999')", "number too large"),
        ("int('9' * 99999)", "number too large"),
        ("1" + "0" * 1001, "a number is longer than 1,000 digits"),
        ("(10 ** 900) * (10 ** 900)", "grows too large"),
    ],
)
def test_number_bombs(tmp_path, formula, words):
    err = refused(tmp_path, question("How big?", f'answer: "{formula}"', "numerical"))
    assert err.startswith("Error: bank.yaml:7: question 'q': in 'answer': ")
    assert words in err


def test_a_huge_number_in_the_yaml_stays_text_and_is_refused_as_a_number(tmp_path):
    err = refused(tmp_path, question("x", "points: " + "9" * 5000))
    assert err == "Error: bank.yaml:7: question 'q': 'points' should be a number\n"


# --- texts and lists -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, words",
    [
        ("{{ 'a' * 10**9 }}", f"the text would be longer than {MAX_TEXT:,} characters"),
        ("{{ 'a' * 1000000000.0 }}", "the text would be longer"),
        ("{{ rep(0, 10**9) }}", f"the list would have more than {MAX_ITEMS:,} items"),
        ("{{ range(10**9) }}", "only these functions can be called"),
        ("{{ '{:>999999999}'.format(1) }}", "'.format()' cannot be called"),
        ("{{ 'x'.center(10**9) }}", "'.center()' cannot be called"),
        ("{{ 'x'|center(10**9) }}", "unknown filter 'center'"),
        ("{{ ['ab' * 50000] * 1000 }}", "the text would be longer"),
        ("{{ (['x' * 90000] * 2)|join }}", "the text would be longer"),
        ("{{ [[[1] * 1000] * 1000] * 1000 }}", "a list cannot hold another list"),
        ("{% for i in [1] %}{% for j in [1] %}x{% endfor %}{% endfor %}", "loops cannot be used"),
        (
            "{% set s = 'abcdefghij' %}" + "{% set s = s ~ s %}" * 20 + "{{ s }}",
            "the text would be longer",
        ),
        (
            "{% set s = 'abcdefghij' %}" + "{% set s = s + s %}" * 20 + "{{ s }}",
            "the text would be longer",
        ),
        (
            # (lists of numbers add item by item, as in R; lists of texts join)
            "{% set l = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j'] %}"
            + "{% set l = l + l %}" * 10
            + "{{ l }}",
            "the list would have more than",
        ),
        ("{{ ('ß' * 60000)|upper }}", "the text would be longer"),  # 'SS'
    ],
)
def test_text_and_list_bombs(tmp_path, text, words):
    quoted = text.replace('"', '\\"')
    err = refused(tmp_path, question(f'"{quoted}"'))
    assert err.startswith("Error: bank.yaml:6: question 'q': in 'text': ")
    assert words in err


def test_output_of_a_template_is_bounded(tmp_path):
    # Each {{ s }} is legal; together they would write 300 MB.
    err = refused(tmp_path, question('"' + "{{ s }}" * 2000 + '"', "let:\n  s: \"'a' * 99999\""))
    assert f"the text would be longer than {MAX_TEXT:,} characters" in err


def test_work_is_bounded_in_steps(tmp_path):
    # Each sum is 1,000 additions: legal alone, too much work repeated.
    err = refused(
        tmp_path,
        question(
            '"' + "{{ sum(L) }}" * 40 + '"',
            'params:\n  x: {min: 1, max: 3}\nlet:\n  L: "rep(x, 1000)"',
        ),
    )
    assert f"it does too much work (more than {MAX_STEPS:,} steps" in err


def test_a_template_longer_than_the_limit_is_refused(tmp_path):
    err = refused(tmp_path, question('"' + "{{ 1 }}" * (MAX_SOURCE // 7 + 1) + '"'))
    assert f"the template is longer than {MAX_SOURCE:,} characters" in err


# --- nesting -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, words",
    [
        ("{{ " + "(" * 3000 + "1" + ")" * 3000 + " }}", "brackets nested more than 20 deep"),
        ("{{ " + "[" * 3000 + "]" * 3000 + " }}", "brackets nested more than 20 deep"),
        ("{{ " + "-" * 5000 + "1 }}", "nested too deeply"),
        ("{{ " + "not " * 3000 + "1 }}", "nested too deeply"),
        ("{{ " + " + ".join(["1"] * 3000) + " }}", "nested more than 50 levels deep"),
        ("{{ 1" + "|abs" * 1000 + " }}", "nested more than 50 levels deep"),
        ("{% if 1 %}" * 500 + "x" + "{% endif %}" * 500, "nested too deeply"),
        ("{% if 1 %}" * 60 + "x" + "{% endif %}" * 60, "nested more than 50 levels deep"),
    ],
)
def test_deep_nesting_in_templates(tmp_path, text, words):
    err = refused(tmp_path, question(f'"{text}"'))
    assert err.startswith("Error: bank.yaml:6: question 'q': in 'text': ")
    assert words in err


@pytest.mark.parametrize(
    "content, expected",
    [
        (
            "x: " + "[" * 100_000 + "]" * 100_000 + "\n",
            "bank.yaml:1: the file is nested more than 40 levels deep",
        ),
        (
            "x: " + "{a: " * 50_000 + "1" + "}" * 50_000 + "\n",
            "bank.yaml:1: the file is nested more than 40 levels deep",
        ),
        (
            "".join("  " * i + f"k{i}:\n" for i in range(200)) + "  " * 200 + "v\n",
            "bank.yaml:41: the file is nested more than 40 levels deep",
        ),
    ],
)
def test_deep_yaml(tmp_path, content, expected, work):
    assert refused(tmp_path, content, work=work).startswith(f"Error: {expected}")
    # Stopped at the limit: about one event per level, not the 100,000 levels of the file.
    assert work.yaml_events <= 2 * limits.MAX_DEPTH + 5, work.summary()


def test_billion_laughs_is_refused_at_the_first_alias(tmp_path, work):
    lines = ['lol0: &lol0 "lol"']
    for i in range(1, 10):
        lines.append(f"lol{i}: &lol{i} [" + ", ".join([f"*lol{i - 1}"] * 10) + "]")
    content = HEAD.replace("questions:\n", "") + "\n".join(lines) + "\nquestions: [*lol9]\n"
    err = refused(tmp_path, content, work=work)
    assert err.startswith("Error: bank.yaml:4: YAML anchors and aliases")
    # The twelfth event is the first alias: stream, document, mapping, the four scalars of
    # id and title, 'lol0' and its value, 'lol1' and its list, then '*lol0'. Not one alias
    # is expanded, and nothing after it is parsed.
    assert work.yaml_events == 12, work.summary()


# --- parameters, let and where --------------------------------------------------------------


def test_recursive_let_is_refused_before_anything_runs(tmp_path):
    err = refused(tmp_path, question('"{{ a }}"', "let:\n  a: b + 1\n  b: a + 1"))
    assert "in 'let.a': unknown name 'b' — 'let' values are worked out in order" in err


def test_a_where_that_never_holds(tmp_path):
    err = refused(
        tmp_path, question('"{{ x }}"', "params:\n  x: {min: 1, max: 100000}\nwhere: x > 100000")
    )
    assert "the 'where' conditions (x > 100000) never held in 502 tried combinations" in err


def test_a_where_that_holds_once_in_a_million_fails_generation_in_bounded_draws(tmp_path, work):
    # Validation samples the space and happens to meet the one value that holds; drawing
    # variants gives up after MAX_DRAWS draws with a clear message instead of looping.
    bank = question('"{{ x }}"', "params:\n  x: {min: 1, max: 1000000}\nwhere: x == 1000000")
    err = refused(tmp_path, bank, command="generate", work=work)
    assert "did not hold in 1,000 draws" in err or "never held" in err
    # One variant's draws are built, then generation stops: not three variants' worth.
    assert work.variants_built <= limits.MAX_DRAWS, work.summary()


@pytest.mark.parametrize(
    "extra, words",
    [
        (
            "params:\n" + "".join(f"  p{i}: [1, 2]\n" for i in range(21)),
            "a question may have at most 20 parameters, not 21",
        ),
        (
            "let:\n" + "".join(f"  v{i}: 1\n" for i in range(51)),
            "a question may have at most 50 'let' values, not 51",
        ),
        (
            "where: [" + ", ".join(["1 == 1"] * 21) + "]",
            "a question may have at most 20 'where' conditions, not 21",
        ),
        (
            "params:\n  x: {min: 0, max: 1000000000000000, step: 0.001}",
            "the range holds more than 1,000,000,000,000 values",
        ),
    ],
)
def test_parameter_limits(tmp_path, extra, words):
    assert words in refused(tmp_path, question("x", extra))


# --- size of the file and of the bank ---------------------------------------------------------


def test_a_100_mb_file_is_refused_by_its_size_before_it_is_read(tmp_path, monkeypatch, work):
    bank = tmp_path / "huge.yaml"
    with open(bank, "wb") as fh:
        fh.truncate(100 * 1024 * 1024)  # sparse: nothing is really written
    monkeypatch.setattr("qbank.bank.yamlfile._Parser", None)  # parsing would crash
    work.watch(bank)
    result = CliRunner().invoke(cli, ["validate", str(bank)])
    # Not one byte read: the file is not even opened, let alone parsed.
    assert (work.opened(bank), work.bytes_read(bank), work.yaml_events) == (0, 0, 0)
    assert result.exit_code == 1
    assert result.stderr == (
        f"Error: {bank}: the file is 100 MB, larger than the 5 MB a bank "
        "may be; split it into several banks\n"
    )


# The YAML events of HEAD before its first question: stream, document and mapping starts,
# 'id', 'bounds', 'title', 'Bounds', 'questions' and the start of their list.
HEAD_EVENTS = 9


def test_a_million_question_bank_is_refused_quickly(tmp_path, work):
    one = "  - {id: q%d, type: essay, text: Question %d}\n"  # 8 events: a mapping of 3 pairs
    text = HEAD + "".join(one % (i, i) for i in range(1_000_000))
    assert len(text) > 40_000_000
    with pytest.raises(QbankError, match="the file is larger than 5 MB"):
        load_bank_text(text, "million.yaml")
    assert work.yaml_events == 0  # refused by its size, before parsing
    # The largest count that fits the size limit is stopped as soon as it passes 10,000.
    text = HEAD + "".join(f"  - {{id: q{i}}}\n" for i in range(150_000))  # 4 events each
    assert len(text.encode()) < MAX_FILE_BYTES
    work.reset()
    with pytest.raises(
        QbankError,
        match=(
            r"million\.yaml:10004: the bank has more than 10,000 questions; "
            "a bank may hold 5,000"
        ),
    ):
        load_bank_text(text, "million.yaml")
    # Parsing stopped at question 10,001, not at the end of the 150,000.
    assert work.yaml_events == HEAD_EVENTS + 4 * (limits.MAX_YAML_ITEMS + 1), work.summary()
    text = HEAD + "".join(one % (i, i) for i in range(MAX_QUESTIONS + 1))
    work.reset()
    with pytest.raises(
        QbankError,
        match=r"million\.yaml:3: the bank has 5,001 questions, more than the 5,000 a bank may hold",
    ):
        load_bank_text(text, "million.yaml")
    # Parsed once (the closing events: list, mapping, document, stream), nothing run.
    assert work.yaml_events == HEAD_EVENTS + 8 * (MAX_QUESTIONS + 1) + 4, work.summary()
    assert work.runs == 0


def test_many_values_in_one_file_are_refused_quickly(work):
    # Each line is 63 events (key, list start, 60 items, list end) and 62 values.
    text = "x:\n" + "".join(f"  k{i}: [{', '.join(['1'] * 60)}]\n" for i in range(9000))
    with pytest.raises(QbankError, match=f"the file holds more than {MAX_NODES:,} values"):
        parse_yaml(text, "many.yaml")
    whole_file = 5 + 9000 * 63 + 4  # stream, document, mapping, 'x', mapping ... and ends
    at_the_limit = 5 + (MAX_NODES + 1 - 3) * 63 // 62  # one end event per 62 values
    assert work.yaml_events <= at_the_limit < whole_file, work.summary()


def test_a_file_near_the_size_limit_parses_quickly_in_bounded_memory(work):
    one = "  - id: q{i}\n    type: essay\n    text: Question {i} is about model weights.\n"
    text = HEAD + "".join(one.format(i=i) for i in range(9_000))
    text += "tags: [" + ", ".join(["t"] * 9_000) + "]\n"
    text += "intro: |\n" + "    Filler text to reach the size limit.\n" * 90_000
    assert 4 * 1024 * 1024 < len(text) < MAX_FILE_BYTES
    tracemalloc.start()
    try:
        raw = parse_yaml(text, "big.yaml")
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert len(raw["questions"]) == 9_000
    # One pass over the file: questions (8 events each) and their list's end, 'tags' and
    # its list of 9,000, 'intro' and its one text, and the closing events.
    events = HEAD_EVENTS + 9_000 * 8 + 1 + (1 + 1 + 9_000 + 1) + 2 + 3
    assert work.yaml_events == events, work.summary()
    assert peak < 150 * 1024 * 1024, f"{peak / 2**20:.0f} MiB"


def test_a_big_legal_bank_completes(tmp_path, work):
    def blocks(n: int) -> str:
        return "".join(
            f"  - id: cost-{i}\n    type: numerical\n"
            f'    text: "{{{{ n }}}} calls at ${{{{ p }}}} each: total cost?"\n'
            f"    params:\n      n: {{min: 1000, max: 9000, step: 1000}}\n"
            f"      p: {{choices: [0.001, 0.002, 0.005]}}\n"
            f'    answer: n * p\n    unit: "$"\n    decimals: 2\n'
            for i in range(n)
        )

    def generate(n: int) -> tuple[int, int, int]:
        bank = tmp_path / f"big-{n}.yaml"
        bank.write_text(HEAD + blocks(n), encoding="utf-8")
        work.reset()
        result = CliRunner().invoke(
            cli,
            [
                "generate",
                str(bank),
                "-n",
                "20",
                "--seed",
                "3",
                "-f",
                "json",
                "-o",
                str(tmp_path / f"out-{n}"),
            ],
        )
        assert result.exit_code == 0, result.output
        return work.runs, work.steps, work.variants_built

    one = generate(1)
    assert one[0] > 0
    # 300 questions cost exactly 300 times one question (template runs, steps, variants
    # built): the work grows with the number of questions and with nothing else.
    assert generate(300) == tuple(300 * count for count in one)
    import json

    record = json.loads((tmp_path / "out-300" / "bounds.json").read_text(encoding="utf-8"))
    assert len(record["versions"]) == 20 and len(record["versions"][0]["questions"]) == 300


# --- wall-clock guards ------------------------------------------------------------------------
# On a FakeClock: each reading of the clock adds a millisecond, so a limit of 0.5 seconds
# is 500 readings, about 26 runs of a template near the step budget, on every machine.


def slow_multichoice(qid: str, choices: int) -> str:
    # Every choice stays just inside the step budget, so only the clock can stop it.
    chunk = "{{ sum(L) }}" * 9
    lines = [
        f"  - id: {qid}",
        "    type: multichoice",
        "    text: pick",
        "    params:",
        "      x: {min: 1, max: 2000}",
        "    let:",
        '      L: "rep(x, 1000)"',
        "    choices:",
    ]
    lines += [
        f'      - {{text: "c{i} {chunk}", correct: {"true" if i == 0 else "false"}}}'
        for i in range(choices)
    ]
    return "\n".join(lines) + "\n"


def test_one_run_is_bounded_in_steps_before_the_clock_matters(monkeypatch, work):
    FakeClock(monkeypatch, tick=0)  # the clock stands still: only the steps can stop a run
    with pytest.raises(QbankError, match="too much work"):
        compile_template("{{ sum(L) }}" * 11).run({"L": [1] * 1000})
    # Stopped within one sum of the budget, not after all eleven.
    assert MAX_STEPS < work.steps <= MAX_STEPS + 1_001, work.summary()
    work.reset()
    compile_template("{{ sum(L) }}" * 9).run({"L": [1] * 1000})
    assert 9_000 < work.steps <= MAX_STEPS, work.summary()  # just inside the budget


def test_a_question_that_is_slow_to_check_is_stopped(tmp_path, monkeypatch, work):
    FakeClock(monkeypatch)
    monkeypatch.setattr(limits, "QUESTION_CHECK_SECONDS", 0.5)
    content = (
        HEAD
        + slow_multichoice("slow-1", 50)
        + slow_multichoice("slow-2", 50)
        + slow_multichoice("slow-3", 50)
    )
    err = refused(tmp_path, content, steps=None, work=work)
    # Two questions' time, not three questions of 2,000 draws of 50 choices each.
    assert work.runs < 2 * 50, work.summary()
    lines = err.splitlines()
    assert lines[0].startswith(
        "Error: bank.yaml:11: question 'slow-1': in 'choices': trying "
        "this question's parameter values took longer than 0.5 seconds"
    )
    # The rest of the bank gets one question's time, not the whole bank's.
    assert "checking stopped early because question 'slow-1' was too slow" in err
    assert "this question and the ones after it were not checked" in lines[-2]


def test_checking_a_bank_is_bounded_in_time(tmp_path, monkeypatch, work):
    FakeClock(monkeypatch)
    monkeypatch.setattr(limits, "BANK_CHECK_SECONDS", 0.3)
    content = HEAD + "".join(slow_multichoice(f"q{i}", 3) for i in range(40))
    err = refused(tmp_path, content, steps=None, work=work)
    assert work.runs < 50, work.summary()  # of 40 questions × 2,000 draws × 3 choices
    assert "checking the bank took longer than 0.3 seconds; split it into smaller banks" in err
    assert "this question and the ones after it were not checked" in err


def test_drawing_a_variant_is_bounded_in_time(tmp_path, monkeypatch, work):
    FakeClock(monkeypatch)
    monkeypatch.setattr(limits, "VARIANT_SECONDS", 0.3)
    # Valid (its one-value space is checked with a single draw) but slow to draw: each
    # variant renders 80 choices near the step budget.
    bank = tmp_path / "slow.yaml"
    bank.write_text(
        HEAD + slow_multichoice("slow", 80).replace("max: 2000", "max: 1"), encoding="utf-8"
    )
    loaded = load_bank(bank)
    compiled = pipeline.validate_banks([loaded])[loaded.id]
    for cq in compiled.values():
        cq.tried.clear()  # as for a space too large to keep what validation built
    work.reset()
    with pytest.raises(
        QbankError, match=r"drawing one version of this question took longer than 0\.3 seconds"
    ):
        pipeline.generate_within_limits(loaded, 2, 1, compiled)
    # Stopped part-way through the first variant's 80 choices.
    assert work.variants_built == 1 and work.runs < 80, work.summary()


# --- text (memory) limits ---------------------------------------------------------------------


def test_a_version_with_too_much_text_is_refused_by_validate(tmp_path):
    # Twelve choices of 100,000 characters each: each legal, together 1.2 million.
    choices = "".join(
        f'  - {{text: "{{{{ s }}}}{i}", correct: {str(i == 0).lower()}}}\n' for i in range(12)
    )
    content = question("pick", "let:\n  s: \"'ab' * 49999\"\nchoices:\n" + choices, "multichoice")
    err = refused(tmp_path, content)
    assert err == (
        "Error: bank.yaml:4: question 'q': the texts it makes for one version "
        "would be longer than 1,000,000 characters; it makes too much text\n"
    )


def test_the_text_of_a_whole_run_is_bounded(tmp_path, monkeypatch):
    monkeypatch.setattr(limits, "RUN_CHARACTERS", 5_000)
    content = question(
        '"{{ s }} {{ x }}"', "params:\n  x: {min: 1, max: 100000}\nlet:\n  s: \"'a' * 2000\""
    )
    err = refused(tmp_path, content, command="generate")
    # line 10 is "s: ...", the let value being worked out when the run ran out
    assert err.startswith(
        "Error: bank.yaml:10: question 'q': in 'let.s': the texts of this run "
        "would be longer than 5,000 characters; make fewer versions (-n)"
    )


def test_keeping_fewer_validated_variants_changes_no_output(tmp_path, monkeypatch):
    bank = FIXTURES_GOOD / "every-type.yaml"
    first = pipeline.run([bank], count=4, seed=9, formats=["json"], out_dir=tmp_path / "a")
    monkeypatch.setattr(limits, "KEPT_CHARACTERS", 0)
    second = pipeline.run([bank], count=4, seed=9, formats=["json"], out_dir=tmp_path / "b")
    assert (tmp_path / "a" / "every-type.json").read_bytes() == (
        tmp_path / "b" / "every-type.json"
    ).read_bytes()
    assert first.seed == second.seed


def test_a_list_of_long_texts_is_refused_before_it_is_joined():
    import tracemalloc

    from qbank.errors import TemplateProblem

    template = compile_template("{{ ['ab' * 50000] * 1000 }}")
    tracemalloc.start()
    try:
        with pytest.raises(TemplateProblem, match="longer than 100,000 characters"):
            template.run({})
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 10_000_000  # joined first, it took 100 MB


def test_run_starts_share_a_reading_of_the_cpu_clock(monkeypatch):
    # Reading the CPU clock is a system call: the runs that start within 2 ms of a reading
    # use it (plus the wall time since), so a randomised bank's hundred thousand short
    # runs do not each pay for one. The estimate stays within 2 ms of the clock.
    import time as real_time

    from qbank.templates import clocks

    readings = []

    def process_time():
        readings.append(real_time.perf_counter())
        return real_time.perf_counter()

    monkeypatch.setattr(clocks, "_reading", [float("-inf"), 0.0])
    monkeypatch.setattr(real_time, "process_time", process_time)
    started = real_time.perf_counter()
    for _ in range(20_000):
        estimate = clocks._cpu_now()
        assert abs(estimate - real_time.perf_counter()) < 0.0025
    elapsed = real_time.perf_counter() - started
    assert 1 <= len(readings) <= elapsed / clocks._REUSE_READING + 2
