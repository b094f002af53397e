"""``qbank import`` of spreadsheets: the template qbank writes, sheets written by
LibreOffice Calc (XLSX with formulas, CSV in Windows-1252 with semicolons), and hostile
workbooks (zip bombs, too many parts) refused before openpyxl opens them."""

from __future__ import annotations

import io
import zipfile

import pytest

from conftest import FIXTURES, run_cli
from qbank import limits
from qbank.bank.loader import load_bank
from qbank.errors import QbankError
from qbank.importing import import_file
from qbank.validation import validate_bank

IMPORT = FIXTURES / "import"


@pytest.mark.parametrize("suffix", [".xlsx", ".csv"])
def test_template_has_one_valid_example_per_type(tmp_path, suffix):
    sheet = tmp_path / f"sheet{suffix}"
    result = run_cli("import", "--template", sheet)
    assert "one example row per question type" in result.output
    out = tmp_path / "bank.yaml"
    summary = import_file(str(sheet), str(out))
    bank = load_bank(out)
    validate_bank(bank)
    assert summary.read == summary.written == 9 and not summary.warnings
    types = {q.type for q in bank.questions}
    assert types == {
        "numerical", "multichoice", "truefalse", "shortanswer", "essay", "matching", "cloze",
        "ordering",
    }  # fmt: skip
    q = {q.id: q for q in bank.questions}
    assert q["speed"].spec.unit == "km/h" and q["speed"].spec.decimals == 1
    assert q["speed"].tags == ("motion", "speed") and q["speed"].section == "Motion"
    assert [c.correct for c in q["primes"].spec.choices] == [True, True, False, False]
    assert q["primes"].points == 2
    assert q["flat-earth"].spec.truth is False
    assert list(q["h2o"].spec.accepted) == ["H2O", "H₂O"]
    assert q["planets"].spec.items == ("Mercury", "Venus", "Earth", "Mars")
    run_cli("import", "--template", sheet, expect=1)  # never written over


@pytest.mark.parametrize("name", ["calc.xlsx", "calc-cp1252.csv"])
def test_libreoffice_sheets_with_accents_and_formulas(tmp_path, name):
    out = tmp_path / "bank.yaml"
    summary = import_file(str(IMPORT / name), str(out))
    bank = load_bank(out)
    validate_bank(bank)
    assert summary.written == 5
    q = {q.id: q for q in bank.questions}
    assert set(q) == {"cafe-prix", "eleve", "nandu", "strasse", "formule"}
    assert q["cafe-prix"].text.startswith("Un café coûte 2,50 €")
    assert (
        q["cafe-prix"].spec.answer_formula in ("7.5", 7.5)
        or str(q["cafe-prix"].spec.answer_formula) == "7.5"
    )  # the value of the formula =3*2.5 as Calc saved it
    assert str(q["formule"].spec.answer_formula) == "42"  # =SUM(17,25)
    assert q["cafe-prix"].tags == ("café", "prix")
    assert [c.correct for c in q["eleve"].spec.choices] == [True, False, False]
    assert q["nandu"].spec.truth is True  # VRAI
    assert list(q["strasse"].spec.accepted) == ["Straße", "Strasse"]


def test_bad_rows_are_reported_with_their_line(tmp_path):
    sheet = tmp_path / "s.csv"
    sheet.write_text(
        "type;text;answer;choice 1;choice 2;correct;colour\n"
        "numerical;How many?;many;;;;red\n"
        "multichoice;Which?;;a;b;;\n"
        "riddle;What?;x;;;;\n"
        "shortanswer;Fine?;yes;;;;\n",
        encoding="utf-8",
    )
    result = run_cli("import", sheet, "-o", tmp_path / "b.yaml")
    assert "1 of 4 questions read; 3 left out" in result.output
    assert f"{sheet}:1: columns qbank does not read (ignored): 'colour'" in result.stderr
    assert (
        f"{sheet}:2: the row 'How many?' was left out: the answer 'many' is not a number"
        in result.stderr
    )
    assert f"{sheet}:3: " in result.stderr and "say which choices are right" in result.stderr
    assert f"{sheet}:4: " in result.stderr and "the type 'riddle'" in result.stderr


def test_sheet_without_a_header_row(tmp_path):
    sheet = tmp_path / "s.csv"
    sheet.write_text("What is 2+2?,4\n", encoding="utf-8")
    result = run_cli("import", sheet, "-o", tmp_path / "b.yaml", expect=1)
    assert f"{sheet}:1: the first row must name the columns" in result.stderr


def _zip(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def test_zip_bomb_refused(tmp_path):
    path = tmp_path / "bomb.xlsx"
    path.write_bytes(_zip({"xl/worksheets/sheet1.xml": b"\0" * (20 * 1024 * 1024)}))
    with pytest.raises(QbankError, match="zip bomb"):
        import_file(str(path), str(tmp_path / "b.yaml"))


def test_too_many_parts_refused(tmp_path, monkeypatch):
    monkeypatch.setattr(limits, "MAX_SHEET_PARTS", 5)
    path = tmp_path / "many.xlsx"
    path.write_bytes(_zip({f"p{i}.xml": b"<a/>" for i in range(6)}))
    with pytest.raises(QbankError, match="6 parts"):
        import_file(str(path), str(tmp_path / "b.yaml"))


def test_unpacked_size_refused(tmp_path, monkeypatch):
    monkeypatch.setattr(limits, "MAX_SHEET_UNPACKED_BYTES", 1000)
    path = tmp_path / "big.xlsx"
    path.write_bytes(_zip({"a.xml": bytes(range(256)) * 8}))
    with pytest.raises(QbankError, match="unpacks to 2,048 bytes"):
        import_file(str(path), str(tmp_path / "b.yaml"))


def test_not_a_workbook(tmp_path):
    path = tmp_path / "fake.xlsx"
    path.write_bytes(b"just text")
    result = run_cli("import", path, "-o", tmp_path / "b.yaml", expect=1)
    assert "not an XLSX workbook" in result.stderr and "Traceback" not in result.output


@pytest.mark.parametrize(
    ("encoding", "separator"),
    [("utf-8-sig", "\t"), ("utf-8", ","), ("cp1252", ";")],
    ids=["utf8-bom-tab", "utf8-comma", "windows1252-semicolon"],
)
def test_csv_dialects_and_encodings(tmp_path, encoding, separator):
    rows = [
        ["Type", "ID", "Text", "Answer", "Tolerance", "Unit"],
        ["numerical", "déjà", "Combien coûte un café, « noir » ?", "2.5", "1%", "€"],
    ]
    sheet = tmp_path / "s.csv"
    sheet.write_bytes(
        "\r\n".join(separator.join(f'"{c}"' for c in row) for row in rows).encode(encoding)
    )
    out = tmp_path / "b.yaml"
    import_file(str(sheet), str(out))
    (q,) = load_bank(out).questions
    assert q.id == "deja" and q.text == "Combien coûte un café, « noir » ?"
    assert q.spec.unit == "€" and str(q.spec.answer_formula) == "2.5"
