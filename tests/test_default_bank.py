"""The built-in bank holds all of the handout, and every answer matches its formula by hand."""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path

from qbank.numeric import plain

#: The lesson handout the default bank was written from (a byte-identical copy kept in the repo).
HANDOUT = Path(__file__).parent / "fixtures" / "handout" / "open-vs-closed-ai-models.txt"


def handout_sections() -> dict[str, list[str]]:
    lines = HANDOUT.read_text(encoding="utf-8").splitlines()
    sections: dict[str, list[str]] = {"head": []}
    current = "head"
    for line in lines:
        if line.strip() in (
            "Key Facts",
            "Vocabulary",
            "Common Mistakes to Avoid",
            "Practice Questions",
        ):
            current = line.strip()
            sections[current] = []
        elif line.strip():
            sections[current].append(line.strip().removeprefix("- "))
    return sections


def normalise(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", " ", text.lower().replace(" x ", " × ")).strip()


def test_header_and_intro_are_the_handouts(default_bank):
    head = handout_sections()["head"]
    assert default_bank.title == head[0]
    assert default_bank.subtitle == head[1]
    intro = [p for p in default_bank.intro.split("\n") if p.strip()]
    assert intro == head[2:4]


def test_six_key_facts_are_cloze_questions_with_the_handout_text(default_bank, default_set):
    facts = handout_sections()["Key Facts"]
    cloze = [v for v in default_set.all_variants() if v.type == "cloze"]
    assert len(facts) == 6 == len(cloze)
    for fact, v in zip(facts, cloze):
        filled = "".join(p if isinstance(p, str) else p.answer for p in v.payload.parts)
        assert normalise(filled) == normalise(fact.replace(" x ", " × "))
        assert v.question.section == "Key facts"


def test_five_vocabulary_terms_are_matching_pairs(default_set):
    lines = handout_sections()["Vocabulary"]
    expected = list(zip(lines[0::2], lines[1::2]))
    (vocab,) = [v for v in default_set.all_variants() if v.type == "matching"]
    assert list(vocab.payload.pairs) == expected
    assert vocab.question.section == "Vocabulary"


def test_four_common_mistakes_are_false_statements_with_the_explanation(default_set):
    mistakes = handout_sections()["Common Mistakes to Avoid"]
    tf = [v for v in default_set.all_variants() if v.type == "truefalse"]
    assert len(tf) == len(mistakes) == 4
    for mistake, v in zip(mistakes, tf):
        assert v.answer is False
        explanation = mistake.split("which is wrong because ")[1]
        assert normalise(explanation) in normalise(v.feedback)
        assert v.question.section == "Common mistakes"


def test_practice_question_1_and_2_are_templates_that_include_the_handout_numbers(default_bank):
    api = default_bank.question("api-cost")
    latency = default_bank.question("local-latency")
    from qbank.generator import param_value, param_values

    def values(q, name):
        p = next(p for p in q.params if p.name == name)
        return {param_value(p, i) for i in range(param_values(p))}

    assert 25000 in values(api, "requests") and Decimal("0.002") in values(api, "price")
    assert Decimal("0.8") in values(latency, "processing") and Decimal("0.2") in values(
        latency, "io"
    )


def test_handout_numbers_give_the_handout_answers(default_bank):
    from qbank.generator import build_variant, compile_question

    api = build_variant(
        compile_question(default_bank.question("api-cost")),
        {"requests": 25000, "price": Decimal("0.002")},
        1,
        0,
    )
    assert api.answer == 50 and api.payload.answer_text == "$50.00"
    assert "25,000 API calls" in api.text and "$0.002 per request" in api.text
    assert api.solution.endswith("= $50.00")
    lat = build_variant(
        compile_question(default_bank.question("local-latency")),
        {"processing": Decimal("0.8"), "io": Decimal("0.2")},
        1,
        0,
    )
    assert lat.answer == 1 and lat.payload.answer_text == "1.00 s"


def test_practice_question_3_is_an_essay_with_two_reasons(default_bank):
    q = default_bank.question("hospital-choice")
    assert q.type == "essay"
    assert normalise(handout_sections()["Practice Questions"][2].lstrip("3 ")) == normalise(q.text)
    assert "open source" in q.spec.model_answer.lower()
    assert "Reason 1" in q.spec.model_answer and "Reason 2" in q.spec.model_answer


def test_every_numerical_answer_equals_its_formula_by_hand(default_bank):
    from qbank.generator import generate

    gen = generate(default_bank, 200, 99)
    by_hand = {
        "api-cost": lambda p: p["price"] * p["requests"],
        "local-latency": lambda p: p["processing"] + p["io"],
        "io-time-from-latency": lambda p: p["io"],
        "break-even-requests": lambda p: p["hosting"] / p["price"],
    }
    for qid, formula in by_hand.items():
        for v in gen.variants[qid]:
            p = {k: Decimal(plain(x)) for k, x in v.params.items()}
            assert Decimal(plain(v.answer)) == formula(p), (qid, v.params)
    for v in gen.variants["api-cost-choice"]:
        total = Decimal(plain(v.params["price"])) * v.params["requests"]
        assert v.payload.correct_choices[0].text == f"${total:,.2f}"
        assert len({c.text for c in v.payload.choices}) == 4


def test_every_question_type_is_used(default_bank):
    assert {q.type for q in default_bank.questions} == {
        "numerical",
        "multichoice",
        "truefalse",
        "shortanswer",
        "essay",
        "matching",
        "cloze",
    }
