"""``qbank import`` of GIFT: every construct of Moodle's GIFT documentation (our own
examples), and qbank's own GIFT back into a bank (read with Moodle's importer, ported)."""

from __future__ import annotations

import pytest

from conftest import FIXTURES, run_cli
from giftread import read_gift
from qbank.bank.loader import load_bank
from qbank.errors import QbankError
from qbank.importing import import_file
from qbank.validation import validate_bank

GIFT = FIXTURES / "import" / "every-construct.gift"


@pytest.fixture
def imported(tmp_path):
    out = tmp_path / "bank.yaml"
    summary = import_file(str(GIFT), str(out))
    bank = load_bank(out)
    validate_bank(bank)
    return bank, out.read_text(encoding="utf-8"), summary


def test_every_construct(imported):
    bank, text, summary = imported
    q = {q.id: q for q in bank.questions}
    assert summary.read == summary.written == 16
    assert bank.title == "Science quiz" and "good luck" in bank.intro
    assert q["grant-tomb"].type == "multichoice" and q["grant-tomb"].tags == ("history", "trivia")
    assert q["grant-tomb"].section == "Basics"
    assert [c.correct for c in q["grant-tomb"].spec.choices] == [False, True, False]
    assert q["Sun-is-a-star"].spec.truth is True
    assert "feedback_true: 'Right: it is a star.'" in text
    assert q["Moon-cheese"].spec.truth is False
    assert q["Two-plus-two"].type == "shortanswer"
    assert "answer: [four, '4']" in text
    assert "[[? nothing | lots of money | a small amount]]" in text
    assert "[[Madrid|madrid]]" in text
    assert "- [meows, cat]" in text
    assert "answer: 3.14" in text and "tolerance: 0.005" in text
    assert "answer: 3\n" in text and "tolerance: 2\n" in text  # {#1..5}
    assert q["Weighted-multi"].spec.single is False
    assert q["Essay"].type == "essay"
    assert "**H<sub>2</sub>O**; \\(E = mc^2\\)" in text
    assert "'Is **this** bold?'" in text
    assert "1=1 {braces} ~tilde: colon # hash" in text and "text: c~d" in text
    assert "solution: Two is the only even prime." in text
    assert any("'1822' worth 50%" in w for w in summary.warnings)


def _essentials(questions):
    out = []
    for q in questions:
        if q["qtype"] == "category":
            continue
        out.append(
            (
                q["qtype"],
                q["name"],
                " ".join(q["questiontext"].split()),
                q.get("answers"),
                q.get("tolerance"),
                q.get("correctanswer"),
                q.get("subquestions"),
                q.get("subanswers"),
            )
        )
    return out


@pytest.mark.parametrize(
    "bank",
    [None, FIXTURES / "good" / "every-type.yaml", FIXTURES / "good" / "units.yaml"],
    ids=["default", "every-type", "units"],
)
def test_qbank_gift_round_trip(bank, tmp_path):
    args = ["generate", "-f", "gift", "-n", "2", "--seed", "5", "-o", tmp_path / "a"]
    if bank is not None:
        args.insert(1, bank)
    run_cli(*args)
    (first,) = (tmp_path / "a").glob("*-gift.txt")
    out = tmp_path / "b" / "bank.yaml"
    summary = import_file(str(first), str(out))
    validate_bank(load_bank(out))
    run_cli("generate", out, "-f", "gift", "-n", "1", "-o", tmp_path / "c")
    (second,) = (tmp_path / "c").glob("*-gift.txt")
    before = _essentials(read_gift(first.read_text(encoding="utf-8")))
    after = _essentials(read_gift(second.read_text(encoding="utf-8")))
    assert summary.written == len(before) > 0
    assert len(before) == len(after)
    for a, b in zip(before, after, strict=True):
        assert a == b


def test_gift_detected_from_content(tmp_path):
    path = tmp_path / "quiz.txt"
    path.write_text("::Q1:: 1 + 1 = ?{#2}\n", encoding="utf-8")
    import_file(str(path), str(tmp_path / "q.yaml"))
    assert "answer: 2" in (tmp_path / "q.yaml").read_text(encoding="utf-8")


def test_bad_gift_question_named_with_its_line(tmp_path):
    path = tmp_path / "bad.gift"
    path.write_text("::ok::Fine?{T}\n\n\n::bad::Broken {=a\n", encoding="utf-8")
    summary = import_file(str(path), str(tmp_path / "q.yaml"))
    assert summary.written == 1 and sum(summary.skipped.values()) == 1
    assert any(w.startswith(f"{path}:4: ") for w in summary.warnings)


def test_gift_not_utf8(tmp_path):
    path = tmp_path / "bad.gift"
    path.write_bytes(b"::ok::Fine?{T}\n\n::caf\xe9::x{T}\n")
    with pytest.raises(QbankError, match="not UTF-8") as info:
        import_file(str(path), str(tmp_path / "q.yaml"))
    assert info.value.line == 3


def test_range_in_floating_point_comes_out_round(tmp_path):
    path = tmp_path / "r.gift"
    path.write_text("::r::Between 0.1 and 0.3?{#0.1..0.3}\n", encoding="utf-8")
    import_file(str(path), str(tmp_path / "r.yaml"))
    text = (tmp_path / "r.yaml").read_text(encoding="utf-8")
    assert "answer: 0.2\n" in text and "tolerance: 0.1\n" in text
