"""Numeric blanks [[= formula]] and drop-down blanks [[? right | wrong]] (issue 12)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from conftest import bank_from_text
from qbank.errors import BankInvalid
from qbank.exporters.jsonrecord import question_record
from qbank.generator import generate
from qbank.validation import validate_bank

BANK = """
id: cz
title: Blanks
questions:
  - id: q
    type: cloze
    params:
      a: {min: 2, max: 9}
    let:
      x: round(rnorm(5, 10, 2), 1)
    decimals: 2
    unit: m
    tolerance: 0.01
    text: |
      Half of {{ a }} is [[= a / 2]], a third [[= a / 3 ± 0.05]], a tenth [[= a / 10 ± 5%]];
      the mean of {{ x | join(', ') }} is [[= mean(x)]].
      The median is [[? less than | equal to | greater than]] the mean.
      The sign is [[\\=]], the index [[= [1, 2][[0, 1][1] ] ]] and a word [[colour|color]].
"""


@pytest.fixture(scope="module")
def records():
    bank = bank_from_text(BANK)
    generated = generate(bank, 60, 5, compiled=validate_bank(bank))
    return [question_record(v) for v in generated.variants["q"]]


def blanks(record):
    return [p for p in record["parts"] if isinstance(p, dict)]


def test_numeric_blanks_carry_value_and_tolerance(records):
    for record in records:
        a = record["params"]["a"]
        x = [Decimal(str(v)) for v in record["derived"]["x"]]
        half, third, tenth, mean, _, _, index, _ = blanks(record)
        assert half["numeric"] == {"value": Decimal(a) / 2, "tolerance": Decimal("0.01")}
        assert half["blank"] == [f"{Decimal(a) / 2:.2f} m"]
        assert third["numeric"]["tolerance"] == Decimal("0.05")  # its own '± 0.05'
        assert abs(third["numeric"]["value"] - Decimal(a) / 3) < Decimal("1e-25")  # 34 digits
        assert tenth["numeric"]["tolerance"] == Decimal(a) / 10 * 5 / 100  # 5 % of it
        assert mean["numeric"]["value"] == sum(x) / len(x)
        assert index["numeric"]["value"] == 2  # a ']]' in a formula is written '] ]'


def test_a_drop_down_keeps_the_right_option_and_shuffles_per_version(records):
    orders = set()
    for record in records:
        choice = blanks(record)[4]
        assert choice["blank"] == ["less than"]
        assert sorted(choice["options"]) == ["equal to", "greater than", "less than"]
        orders.add(tuple(choice["options"]))
    assert len(orders) == 6


def test_escaped_signs_and_text_blanks_stay_text_blanks(records):
    sign, word = blanks(records[0])[5], blanks(records[0])[7]
    assert sign == {"blank": ["="]}
    assert word == {"blank": ["colour", "color"]}


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("It is [[= b * 2]].", "unknown name 'b'"),
        ("It is [[=]].", "needs a formula after '='"),
        ("It is [[?]].", "needs its options after '?'"),
        ("It is [[? yes]].", "needs at least two options"),
        ("It is [[? yes | yes]].", "lists an option twice"),
        ("It is [[= a > 1]].", "not a number"),
        ("It is [[= a ± lots]].", "'tolerance' must be a number"),
    ],
)
def test_broken_blanks_are_found_by_validation(text, message):
    bank = f"""
id: b
title: B
questions:
  - id: q
    type: cloze
    params: {{a: {{min: 1, max: 3}}}}
    text: "{text}"
"""
    with pytest.raises(BankInvalid) as caught:
        validate_bank(bank_from_text(bank))
    assert message in str(caught.value)
    assert "question 'q'" in str(caught.value)


def test_numeric_and_drop_down_blanks_read_back_from_the_moodle_xml(tmp_path):
    import json
    import re

    from lxml import etree

    from qbank.pipeline import run

    bank = tmp_path / "cz.yaml"
    bank.write_text(BANK, encoding="utf-8")
    run([bank], count=8, seed=2, formats=["json", "moodle"], out_dir=tmp_path / "out")
    text = (tmp_path / "out" / "cz.json").read_text(encoding="utf-8")
    record = json.loads(text, parse_float=Decimal)
    expected = []
    for version in record["versions"]:
        (q,) = version["questions"]
        expected.append(
            [
                ("NUMERICAL", b["numeric"]["value"], b["numeric"]["tolerance"])
                if "numeric" in b
                else ("MULTICHOICE_S", b["blank"][0], tuple(sorted(b["options"])))
                if "options" in b
                else ("SHORTANSWER", tuple(b["blank"]))
                for b in blanks(q)
            ]
        )
    xml = etree.parse(str(tmp_path / "out" / "cz-moodle.xml"))
    found = []
    for text in xml.xpath('//question[@type="cloze"]/questiontext/text/text()'):
        row = []
        for kind, body in re.findall(r"\{1:(NUMERICAL|MULTICHOICE_S|SHORTANSWER):(.*?)\}", text):
            if kind == "NUMERICAL":
                value, tolerance = body.removeprefix("=").split(":")
                row.append((kind, Decimal(value), Decimal(tolerance)))
            elif kind == "MULTICHOICE_S":
                options = [o.removeprefix("=").removeprefix("%0%") for o in body.split("~")]
                right = [o[1:] for o in body.split("~") if o.startswith("=")]
                row.append((kind, right[0], tuple(sorted(options))))
            else:
                row.append((kind, tuple(a.removeprefix("=") for a in body.split("~"))))
        found.append(row)
    assert found == expected


def test_word_prints_drop_down_options_and_the_key_numeric_values_with_tolerance(tmp_path):
    import json

    import docx

    from qbank.pipeline import run

    bank = tmp_path / "cz.yaml"
    bank.write_text(BANK, encoding="utf-8")
    run([bank], count=3, seed=4, formats=["json", "docx"], out_dir=tmp_path / "out")
    text = (tmp_path / "out" / "cz.json").read_text(encoding="utf-8")
    record = json.loads(text, parse_float=Decimal)
    sheets = docx.Document(str(tmp_path / "out" / "cz-worksheets.docx"))
    printed = [p.text for p in sheets.paragraphs if "Half of" in p.text]
    key = docx.Document(str(tmp_path / "out" / "cz-answer-key.docx"))
    cells = [c.text for t in key.tables for r in t.rows for c in r.cells if "(1)" in c.text]
    assert len(printed) == 3
    for version, sheet in zip(record["versions"], printed, strict=True):
        (q,) = version["questions"]
        half, third, *_ = blanks(q)
        choice = blanks(q)[4]
        assert "( " + " / ".join(choice["options"]) + " )" in sheet  # to circle one
        assert half["blank"][0] not in sheet  # the answers are not printed
        summary = f"(1) {half['blank'][0]} (± 0.01)   (2) {third['blank'][0]} (± 0.05)"
        assert any(summary in cell for cell in cells)


def test_a_broken_blank_is_named_in_the_text_even_with_a_figure():
    bank = """
id: b
title: B
questions:
  - id: q
    type: cloze
    let:
      x: "[1, 2, 3]"
    text: "It is [[= x[0] ] ]]."
    figure: {kind: histogram, x: x, alt: a histogram}
"""
    with pytest.raises(BankInvalid) as caught:
        validate_bank(bank_from_text(bank))
    assert "in 'text': the formula has a syntax error" in str(caught.value)
