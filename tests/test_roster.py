"""Class lists as spreadsheets write them: encodings, separators, header rows."""

from __future__ import annotations

import pytest

from conftest import FIXTURES, run_cli
from qbank.errors import QbankError
from qbank.roster import ClassList, read_class_list, read_roster

ROSTERS = FIXTURES / "docx"


@pytest.mark.parametrize(
    "name, expected",
    [
        # UTF-8 without BOM, comma, a 'name' column, extra columns, inner spaces tidied
        ("class-utf8.csv", ["Ada Lovelace", "Zoë Núñez", "Li Wei"]),
        # UTF-8 with BOM (Excel "CSV UTF-8"), CRLF, first + last name, right-to-left names
        ("class-utf8-bom.csv", ["José García", "أحمد خالد", "שרה כהן"]),
        # Windows-1252 (older Excel), semicolons, curly quotes
        ("class-cp1252.csv", ["François Müller", "Björk Guðmundsdóttir", "Jürgen “Jo” Groß"]),
        # a title row and a blank row above the header; 'Surname' before 'Given name';
        # a quoted field with the separator inside; a row with no name is skipped
        ("class-semicolon.csv", ["An Nguyen", "Siobhán O'Brien"]),
    ],
)
def test_reads_spreadsheet_csv(name, expected):
    assert read_roster(ROSTERS / name) == expected


def test_reads_excel_unicode_text(tmp_path):
    """Excel's "Unicode Text" export: UTF-16 with a byte-order mark, tab separated."""
    path = tmp_path / "class.txt"
    path.write_bytes("Last name\tFirst name\nDupont\tÉlodie\n".encode("utf-16"))
    assert read_roster(path) == ["Élodie Dupont"]


def test_reads_old_mac_line_ends(tmp_path):
    path = tmp_path / "class.csv"
    path.write_bytes(b"name\rAda\rAlan\r")
    assert read_roster(path) == ["Ada", "Alan"]


@pytest.mark.parametrize(
    "content, message",
    [
        (b"", "empty"),
        (b"\n\n", "empty"),
        (b"name\n\n", "no names"),
        (b"Ada Lovelace\nAlan Turing\n", "header row with a 'name' column"),
    ],
)
def test_explains_what_is_wrong(tmp_path, content, message):
    path = tmp_path / "class.csv"
    path.write_bytes(content)
    with pytest.raises(QbankError, match=message) as info:
        read_roster(path)
    assert info.value.file == str(path)


def test_missing_header_names_the_first_row():
    with pytest.raises(QbankError) as info:
        read_roster(ROSTERS / "class-no-header.csv")
    assert "Ada Lovelace" in info.value.message and info.value.line == 1


def test_large_file_is_refused(tmp_path):
    path = tmp_path / "class.csv"
    path.write_bytes(b"name\n" + b"x" * (1024 * 1024 + 1))
    with pytest.raises(QbankError, match="larger than 1 MB"):
        read_roster(path)


def test_cli_makes_one_version_per_student(tmp_path):
    """Without -n, --roster makes one version per student (the JSON record counts them)."""
    import json

    run_cli(
        "generate",
        "--roster",
        ROSTERS / "class-cp1252.csv",
        "-f",
        "json",
        "--seed",
        "3",
        "-o",
        tmp_path,
        "-q",
    )
    record = json.loads((tmp_path / "open-vs-closed-ai.json").read_text(encoding="utf-8"))
    assert record["count"] == 3


def test_cli_refuses_fewer_versions_than_students(tmp_path):
    result = run_cli(
        "generate",
        "--roster",
        ROSTERS / "class-utf8.csv",
        "-n",
        "2",
        "-f",
        "json",
        "-o",
        tmp_path,
        expect=1,
    )
    assert "fewer than the 3 students" in result.output


# --- title rows, separators found by csv.Sniffer, the class column (issue 14, finding 7) ----


def write(tmp_path, text: str, encoding: str = "utf-8"):
    path = tmp_path / "class.csv"
    path.write_bytes(text.encode(encoding))
    return path


def test_a_title_row_above_a_semicolon_header_is_read(tmp_path):
    path = write(
        tmp_path,
        "Class list 7B\r\nFirst name;Last name;Class\r\nAda;Lovelace;7B\r\nAlan;Turing;7C\r\n",
        "cp1252",
    )
    assert read_class_list(path) == ClassList(("Ada Lovelace", "Alan Turing"), ("7B", "7C"))


def test_a_title_row_with_commas_above_a_semicolon_header_is_read(tmp_path):
    path = write(
        tmp_path, "\ufeffYear 7, autumn term\n\nName;Form\nLovelace, Ada;7B\nTuring, Alan;7B\n"
    )
    assert read_class_list(path) == ClassList(("Lovelace, Ada", "Turing, Alan"), ("7B", "7B"))


def test_a_single_column_keeps_commas_in_names(tmp_path):
    assert read_roster(write(tmp_path, "Class 7B\nname\nLovelace, Ada\nTuring, Alan\n")) == [
        "Lovelace, Ada",
        "Turing, Alan",
    ]


def test_class_column_is_read_and_empty_without_one():
    assert read_class_list(ROSTERS / "class-cp1252.csv").classes == ("7b", "7b", "7b")
    assert read_class_list(ROSTERS / "class-utf8.csv").classes == ("", "", "")


def test_the_class_fills_the_class_line_of_the_worksheet(tmp_path):
    import docx

    roster = write(
        tmp_path, "Class list\nFirst name;Last name;Class\nAda;Lovelace;7B\nAlan;Turing;\n"
    )
    run_cli(
        "generate", "--roster", roster, "-f", "docx", "--seed", "3", "-o", tmp_path / "out", "-q"
    )
    sheets = docx.Document(str(tmp_path / "out" / "open-vs-closed-ai-worksheets.docx"))
    lines = [p.text for p in sheets.paragraphs if p.text.startswith("Name:")]
    assert [" ".join(line.split()) for line in lines] == [
        "Name: Ada Lovelace Class: 7B Date:",
        "Name: Alan Turing Class: Date:",
    ]
