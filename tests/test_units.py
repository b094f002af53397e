"""Units spaced as the SI brochure writes them (section 5.4.3), in every format.

A space between the number and every unit symbol (``10 °C``, ``5 kg``, ``3 m/s²``), none
before the plane-angle signs (``90°``, ``12′``, ``30″``); ``%`` as the teacher wrote it
(``50%``). The JSON record, the Word key, the Anki back and the Moodle feedback all show
the same ``answer_text``.
"""

from __future__ import annotations

import sqlite3
import zipfile

import docx
import pytest
from lxml import etree

from conftest import FIXTURES, load_record, run_cli
from qbank.kinds.numerical import with_unit

UNITS = FIXTURES / "good" / "units.yaml"

EXPECTED = {
    "temperature": "10 °C",
    "fahrenheit": "212 °F",
    "kelvin": "273.15 K",
    "mass": "5 kg",
    "acceleration": "3 m/s²",
    "angle": "90°",
    "minutes": "12′",
    "seconds": "30″",
    "share": "50%",
}


@pytest.mark.parametrize(
    "unit, shown",
    [
        ("°C", "10 °C"),
        ("°F", "10 °F"),
        ("ºC", "10 ºC"),
        ("K", "10 K"),
        ("kg", "10 kg"),
        ("m/s²", "10 m/s²"),
        ("km/h", "10 km/h"),
        ("°", "10°"),
        ("°/s", "10°/s"),
        ("′", "10′"),
        ("″", "10″"),
        ("%", "10%"),
        ("‰", "10‰"),
        ("€", "10 €"),
        ("requests", "10 requests"),
    ],
)
def test_the_si_rule(unit, shown):
    assert with_unit("10", unit, "after") == shown


def test_units_before_the_number_are_unchanged():
    assert with_unit("30.00", "$", "before") == "$30.00"
    assert with_unit("-5", "$", "before") == "-$5"


@pytest.fixture(scope="module")
def outputs(tmp_path_factory):
    out = tmp_path_factory.mktemp("units")
    run_cli(
        "generate",
        UNITS,
        "-n",
        "1",
        "--seed",
        "3",
        "-o",
        out,
        "-f",
        "json",
        "-f",
        "docx",
        "-f",
        "anki",
        "-f",
        "moodle",
    )
    return out


def test_json_record_spaces_units(outputs):
    record = load_record(outputs / "units.json")
    shown = {q["id"]: q["answer_text"] for q in record["versions"][0]["questions"]}
    expected = dict(EXPECTED, temperature=shown["temperature"])
    assert shown == expected
    assert shown["temperature"] in {"10 °C", "11 °C", "12 °C"}
    solutions = {q["id"]: q["solution"] for q in record["versions"][0]["questions"]}
    assert solutions["temperature"] == f"It is {shown['temperature']}."


def test_word_key_spaces_units(outputs):
    key = docx.Document(str(outputs / "units-answer-key.docx"))
    cells = {
        cell.paragraphs[0].text
        for table in key.tables[1:]
        for row in table.rows
        for cell in row.cells
    }
    record = load_record(outputs / "units.json")
    for q in record["versions"][0]["questions"]:
        assert q["answer_text"] in cells, q["id"]
    assert "10°C" not in "".join(cells) and "90 °" not in "".join(cells)


def test_anki_back_spaces_units(outputs):
    with zipfile.ZipFile(outputs / "units.apkg") as apkg:
        data = apkg.read("collection.anki2")
    path = outputs / "collection.anki2"
    path.write_bytes(data)
    with sqlite3.connect(path) as db:
        fields = "\n".join(row[0] for row in db.execute("select flds from notes"))
    for shown in EXPECTED.values():
        if shown != EXPECTED["temperature"]:
            assert shown in fields, shown
    assert " °C" in fields and "°C" not in fields.replace(" °C", "")


def test_moodle_feedback_and_unit_name(outputs):
    root = etree.parse(str(outputs / "units-moodle.xml")).getroot()
    text = etree.tostring(root, encoding="unicode")
    for shown in ("212 °F", "273.15 K", "5 kg", "3 m/s²", "90°", "12′", "30″", "50%"):
        assert shown in text, shown
    units = {u.text for u in root.iter("unit_name")}
    assert {"°C", "°F", "K", "kg", "m/s²", "°", "′", "″", "%"} <= units
