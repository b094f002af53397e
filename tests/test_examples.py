"""The examples gallery (examples/, docs/examples.md): every bank validates and writes every
format under two seeds, its figures and pictures reach the formats, and its answers agree
with an independent computation from the data in the JSON record (Python's ``statistics``,
``decimal`` and ``math``, never qbank's own functions)."""

from __future__ import annotations

import hashlib
import json
import math
import re
import statistics
import zipfile
from decimal import ROUND_HALF_UP, Decimal, getcontext
from pathlib import Path

import pytest

from conftest import run_cli, soffice_or_skip

ROOT = Path(__file__).resolve().parents[1]
BANKS = sorted((ROOT / "examples").glob("*/*.yaml"))
SEEDS = ("1", "2026")
VERSIONS = 3


def _id(bank: Path) -> str:
    return bank.stem


def test_the_gallery_has_the_three_banks_the_docs_show():
    assert [b.relative_to(ROOT / "examples").as_posix() for b in BANKS] == [
        "finance/finance.yaml",
        "physics/physics.yaml",
        "statistics/statistics.yaml",
    ]
    page = (ROOT / "docs" / "examples.md").read_text(encoding="utf-8")
    for bank in BANKS:
        assert f"examples/{bank.parent.name}/{bank.name}" in page
        assert (ROOT / "docs" / "images" / f"examples-{bank.parent.name}.png").is_file()


@pytest.mark.parametrize("bank", BANKS, ids=_id)
def test_each_bank_validates_cleanly(bank):
    out = run_cli("validate", bank).output
    assert "OK, " in out and "Warning" not in out, out


def _generate(bank: Path, folder: Path, seed: str, *formats: str) -> dict:
    args = ["generate", bank, "-n", VERSIONS, "--seed", seed, "-o", folder, "-q"]
    for fmt in formats:
        args += ["-f", fmt]
    run_cli(*args)
    (record,) = (p for p in folder.glob("*.json") if not p.name.startswith("."))
    return json.loads(record.read_text(encoding="utf-8"))


def _questions(record: dict, qid: str) -> list[dict]:
    return [q for v in record["versions"] for q in v["questions"] if q["id"] == qid]


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("bank", BANKS, ids=_id)
def test_each_bank_writes_every_format(bank, seed, tmp_path):
    record = _generate(bank, tmp_path, seed, "all", "gift")
    bank_id = record["bank"]["id"]
    written = sorted(p.name for p in tmp_path.iterdir() if not p.name.startswith("."))
    assert written == sorted(
        f"{bank_id}{suffix}"
        for suffix in (
            ".json",
            "-worksheets.docx",
            "-answer-key.docx",
            ".apkg",
            "-moodle.xml",
            "-gift.txt",
            "-qti.zip",
        )
    )
    assert record["count"] == VERSIONS and len(record["versions"]) == VERSIONS
    for version in record["versions"]:
        assert 6 <= len(version["questions"]) <= 10
        for question in version["questions"]:
            assert question["answer"] not in (None, [], ""), question["id"]

    # Every picture and figure the record lists is in the Word file, the Moodle XML and
    # the Anki deck, byte for byte (Word by content; Moodle and Anki by its hashed name).
    images = {i["name"]: i["sha256"] for v in record["versions"] for q in v["questions"]
              for i in q.get("images", [])}  # fmt: skip
    assert images, "every gallery bank shows a figure or a picture"
    with zipfile.ZipFile(tmp_path / f"{bank_id}-worksheets.docx") as docx:
        in_word = {
            hashlib.sha256(docx.read(n)).hexdigest()
            for n in docx.namelist()
            if n.startswith("word/media/")
        }
    moodle = (tmp_path / f"{bank_id}-moodle.xml").read_text(encoding="utf-8")
    with zipfile.ZipFile(tmp_path / f"{bank_id}.apkg") as apkg:
        media = json.loads(apkg.read("media"))
    for name, sha in images.items():
        if name.endswith(".png"):  # an SVG goes into Word as a PNG drawn from it
            assert sha in in_word, name
        assert f'name="{name}"' in moodle, name
        assert name in media.values(), name


@pytest.mark.slow
@pytest.mark.parametrize("bank", BANKS, ids=_id)
def test_each_bank_prints_as_pdf(bank, tmp_path):
    soffice_or_skip()
    record = _generate(bank, tmp_path, SEEDS[0], "pdf", "json")
    bank_id = record["bank"]["id"]
    for name in ("worksheets", "answer-key"):
        pdf = (tmp_path / f"{bank_id}-{name}.pdf").read_bytes()
        pages = re.findall(rb"/Type\s*/Page\b(?!s)", pdf)
        assert pdf.startswith(b"%PDF") and len(pages) >= VERSIONS, (name, len(pages))


# --- the answers, computed again without qbank --------------------------------------------


def _record(name: str, tmp_path: Path, seed: str) -> dict:
    return _generate(ROOT / "examples" / name / f"{name}.yaml", tmp_path, seed, "json")


def _numeric_blanks(question: dict) -> list[float]:
    return [p["numeric"]["value"] for p in question["parts"] if isinstance(p, dict)
            and "numeric" in p]  # fmt: skip


def _t_upper_tail(t: float, df: int) -> float:
    """P(T > t) for Student's t with df degrees of freedom: Simpson's rule on the density."""
    scale = math.exp(math.lgamma((df + 1) / 2) - math.lgamma(df / 2)) / math.sqrt(df * math.pi)

    def density(x: float) -> float:
        return scale * (1 + x * x / df) ** (-(df + 1) / 2)

    steps = 4000
    h = abs(t) / steps
    area = density(0) + density(abs(t))
    area += sum((4 if k % 2 else 2) * density(k * h) for k in range(1, steps))
    return 0.5 - area * h / 3


@pytest.mark.parametrize("seed", SEEDS)
def test_the_t_test_agrees_with_a_computation_from_the_recorded_data(seed, tmp_path):
    record = _record("statistics", tmp_path, seed)
    for question in _questions(record, "t-test"):
        x = question["derived"]["x"]
        assert len(x) == 12
        mean, sd = statistics.fmean(x), statistics.stdev(x)
        t = (mean - 250) / (sd / math.sqrt(len(x)))
        p = 2 * _t_upper_tail(abs(t), len(x) - 1)
        blanks = _numeric_blanks(question)
        assert blanks[0] == pytest.approx(mean, abs=1e-9)
        assert blanks[1] == pytest.approx(sd, rel=1e-9)
        assert blanks[2] == pytest.approx(t, rel=1e-9)
        assert blanks[3] == pytest.approx(p, abs=1e-8)
        assert question["answer"][3] == ["11"]  # degrees of freedom
    decisions = _questions(record, "t-test-decision")
    for question in decisions:
        x = question["derived"]["x"]
        t = (statistics.fmean(x) - 250) / (statistics.stdev(x) / math.sqrt(len(x)))
        p = 2 * _t_upper_tail(abs(t), len(x) - 1)
        (right,) = question["answer"]
        assert right.startswith("Reject") if p < 0.05 else right.startswith("Do not reject")


@pytest.mark.parametrize("seed", SEEDS)
def test_the_regression_agrees_with_pythons_statistics(seed, tmp_path):
    record = _record("statistics", tmp_path, seed)
    for question in _questions(record, "regression"):
        temp, sales = question["derived"]["temp"], question["derived"]["sales"]
        fit = statistics.linear_regression(temp, sales)
        r = statistics.correlation(temp, sales)
        slope, intercept, rsq, at25 = _numeric_blanks(question)
        assert slope == pytest.approx(fit.slope, rel=1e-9)
        assert intercept == pytest.approx(fit.intercept, rel=1e-9)
        assert rsq == pytest.approx(r * r, rel=1e-9)
        assert at25 == pytest.approx(fit.intercept + 25 * fit.slope, rel=1e-9)
        assert question["images"][0]["name"].startswith("qbank-figure-")


def _money(amount: Decimal) -> str:
    return f"${amount.quantize(Decimal('0.01'), rounding=ROUND_HALF_UP):,}"


@pytest.mark.parametrize("seed", SEEDS)
def test_the_money_agrees_with_decimal_arithmetic(seed, tmp_path):
    getcontext().prec = 40
    record = _record("finance", tmp_path, seed)
    path = tmp_path / f"{record['bank']['id']}.json"
    exact = json.loads(path.read_text(encoding="utf-8"), parse_float=Decimal)
    questions = {
        q["id"]: q
        for v in exact["versions"]
        for q in v["questions"]
        if q["id"] in ("compound-interest", "loan-repayment", "cash-flows")
    }
    assert len(_questions(record, "compound-interest")) == VERSIONS
    for version in exact["versions"]:
        for q in version["questions"]:
            if q["id"] not in questions:
                continue
            p = {k: Decimal(v) for k, v in q["params"].items()}
            if q["id"] == "compound-interest":
                m = p["per_year"]
                want = p["principal"] * (1 + p["rate"] / 100 / m) ** int(m * p["years"])
            elif q["id"] == "loan-repayment":
                i, n = p["rate"] / 100 / 12, int(12 * p["years"])
                want = p["loan"] * i / (1 - 1 / (1 + i) ** n)
            elif q["id"] == "cash-flows":
                d = 1 + p["rate"] / 100
                flows = (-p["cost"], p["c1"], p["c2"], p["c3"], p["c4"])
                want = sum(c / d**k for k, c in enumerate(flows))
            else:
                continue
            assert abs(Decimal(q["answer"]) - want) < Decimal("1e-9"), q["id"]
            assert q["answer_text"] == _money(want).replace("$-", "-$"), q["id"]
    assert set(questions) == {"compound-interest", "loan-repayment", "cash-flows"}
