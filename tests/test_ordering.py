"""The ``ordering`` type: put items in the right order.

The JSON record, the Word worksheet and key, the Moodle XML (tests/test_moodle.py checks it
question by question) and the Anki notes (imported with the real anki library) must agree
for every variant.
"""

from __future__ import annotations

import html
import re

import pytest
from anki.collection import Collection, ImportAnkiPackageOptions, ImportAnkiPackageRequest
from docx import Document

from conftest import FIXTURES, bank_from_text, load_record, run_cli
from qbank.errors import BankInvalid
from qbank.generator import generate
from qbank.kinds.ordering import shown_order
from qbank.pipeline import validate_bank

ORDERING = FIXTURES / "good" / "ordering.yaml"
COUNT, SEED = 6, 4


@pytest.fixture(scope="module")
def written(tmp_path_factory):
    out = tmp_path_factory.mktemp("ordering")
    run_cli("generate", ORDERING, "-n", COUNT, "--seed", SEED, "-o", out)
    return out, load_record(out / "ordering-demo.json")


def ordering_records(record: dict):
    for version in record["versions"]:
        for q in version["questions"]:
            yield version["version"], q


def test_the_record_has_items_shown_order_and_answer(written):
    _, record = written
    seen = 0
    for _, q in ordering_records(record):
        seen += 1
        assert sorted(q["shown"]) == sorted(q["items"]) and len(set(q["items"])) == len(q["items"])
        assert q["shown"] != q["items"]  # the right order is never printed
        assert [q["shown"][p - 1] for p in q["answer"]] == q["items"]
        assert sorted(q["answer"]) == list(range(1, len(q["items"]) + 1))
    assert seen == 3 * COUNT
    sizes = [q for _, q in ordering_records(record) if q["id"] == "sizes"]
    assert {q["items"][0] for q in sizes} == {f"{q['params']['a']} kB" for q in sizes}
    assert all(q["layout"] == "horizontal" and q["grading"] == "relative" for q in sizes)


def test_the_shown_order_comes_from_the_variant_seed_and_is_never_the_right_one():
    for count in (2, 3, 4, 7):
        orders = {shown_order(count, seed) for seed in range(300)}
        assert tuple(range(count)) not in orders
        # Two items have one wrong order; more items get many different orders.
        assert len(orders) == 1 if count == 2 else len(orders) >= 4
    assert shown_order(5, 42) == shown_order(5, 42)


def test_same_drawn_values_may_show_another_order_in_another_version():
    bank = bank_from_text("""
id: o
title: O
questions:
  - id: q
    type: ordering
    text: Order
    params: {a: {choices: [1]}}
    items: ["{{ a }}", "{{ a + 1 }}", "{{ a + 2 }}", "{{ a + 3 }}"]
""")
    variants = generate(bank, 40, 1).variants["q"]
    assert {v.payload.order for v in variants} != {variants[0].payload.order}
    assert all(v.payload.items == ("1", "2", "3", "4") for v in variants)


def test_worksheet_prints_the_shown_order_and_the_key_gives_the_right_one(written):
    out, record = written
    tables = Document(out / "ordering-demo-worksheets.docx").tables
    expected = [q for _, q in ordering_records(record)]
    assert len(tables) == len(expected)
    for table, q in zip(tables, expected):
        cells = [c.text for row in table.rows for c in row.cells]
        items = [re.sub(r"^[A-Z]\s+", "", c) for c in cells if c.strip()]
        assert items == q["shown"], q["id"]
        if q["layout"] == "horizontal":
            assert len(table.rows) == 2 and len(table.columns) == len(q["items"])
        else:
            assert len(table.columns) == 2 and len(table.rows) == len(q["items"])
    key = "\n".join(
        p.text
        for t in Document(out / "ordering-demo-answer-key.docx").tables
        for row in t.rows
        for c in row.cells
        for p in c.paragraphs
    )
    for _, q in ordering_records(record):
        # Box k (letter k) holds the place of the k-th shown item in the right order.
        boxes = "   ".join(
            f"{chr(65 + k)} {q['items'].index(item) + 1}" for k, item in enumerate(q["shown"])
        )
        assert boxes in key, (q["id"], boxes)


def test_anki_imports_one_question_note_per_variant_with_both_orders(written, tmp_path):
    out, record = written
    col = Collection(str(tmp_path / "collection.anki2"))
    try:
        request = ImportAnkiPackageRequest(
            package_path=str(out / "ordering-demo.apkg"), options=ImportAnkiPackageOptions()
        )
        col.import_anki_package(request)
        notes = [col.get_note(nid) for nid in col.find_notes("")]
        assert {n.note_type()["name"] for n in notes} == {"qbank Question"}
        assert len(notes) == 2 + COUNT  # two fixed questions, one note per drawn variant

        def items_of(field: str) -> list[str]:
            return [
                html.unescape(re.sub(r"<[^>]+>", "", li))
                for li in re.findall(r"<li[^>]*>(.*?)</li>", field, re.S)
            ]

        by_id = {html.unescape(n["Id"]): n for n in notes}
        for version, q in ordering_records(record):
            note = by_id[f"ordering-demo/{q['id']}" + (f"/{version}" if q["randomised"] else "")]
            assert items_of(note["Choices"]) == q["shown"]
            answer = re.sub(r'^<div class="qbank-label">[^<]*</div>', "", note["Answer"])
            sequence, steps = answer.split("<br>", 1)
            assert html.unescape(sequence) == " → ".join(
                chr(65 + q["shown"].index(item)) for item in q["items"]
            )
            lines = re.sub(r"<[^>]+>", "\n", steps.replace("<br>", "\n")).split("\n")
            assert [
                html.unescape(re.sub(r"^\d+\. | \([A-Z]\)$", "", x)) for x in lines if x.strip()
            ] == q["items"]
        card = col.get_card(col.find_cards("")[0])
        assert "qbank-options" in card.question() and " → " in card.answer()
    finally:
        col.close()


def test_preview_shows_the_shown_order_and_the_key():
    out = run_cli("preview", ORDERING, "--seed", 4).output
    assert "[ ] A) " in out and "1. Collect data; 2. Clean the data" in out


@pytest.mark.parametrize(
    "fields, message",
    [
        ("items: [only one]", "an ordering question needs at least two items"),
        ("items: [a, b, a]", "the item 'a' appears twice"),
        ("items: [a, '']", "an item is empty"),
        (
            "items: [a, b]\n    layout: diagonal",
            "'layout' must be vertical or horizontal, not 'diagonal'",
        ),
        ("items: [a, b]\n    grading: partial", "'grading' must be 'absolute'"),
        ("text2: x", "an ordering question needs 'items:'"),
        (
            "items: [a, b]\n    choices: [{text: a, correct: true}]",
            "'choices' does not belong to an ordering question (it is for multichoice questions)",
        ),
    ],
)
def test_bad_ordering_fields_are_clear_errors(fields, message):
    with pytest.raises(BankInvalid) as caught:
        bank_from_text(f"""
id: o
title: O
questions:
  - id: q
    type: ordering
    text: Order these
    {fields}
""")
    assert any(message in str(p) for p in caught.value.problems), caught.value.problems


def test_items_equal_for_some_drawn_values_are_found_by_validation():
    bank = bank_from_text("""
id: o
title: O
questions:
  - id: q
    type: ordering
    text: Order
    params: {a: {min: 1, max: 3}, b: {min: 1, max: 3}}
    items: ["{{ a }}", "{{ b }}"]
""")
    with pytest.raises(BankInvalid) as caught:
        validate_bank(bank)
    (problem,) = caught.value.problems
    assert "in 'items': two items are the same ('1')" in str(problem)
    assert "(with a = 1, b = 1)" in str(problem)
