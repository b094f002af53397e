"""Data sets per variant (issue 13): a question's 'data:' columns, worked out per draw,
written as CSV and carried by every format; refused in a teacher's words."""

from __future__ import annotations

import base64
import csv
import hashlib
import io
import json
import zipfile
from decimal import Decimal
from pathlib import Path

import pytest
from docx import Document
from lxml import etree

from conftest import bank_from_text, run_cli
from qbank import datasets, limits
from qbank.errors import BankInvalid
from qbank.generator import generate
from qbank.validation import validate_bank

HEAD = "id: stats\ntitle: Statistics\nquestions:\n"


def question(
    columns: str = "{hours: hours, score: score}",
    *,
    qid: str = "study",
    n: str = "[10, 12]",
    name: str = "      name: study\n",
    kind: str = "numerical",
) -> str:
    answer = "    answer: m\n    tolerance: 0.1\n" if kind == "numerical" else ""
    return (
        f"  - id: {qid}\n    type: {kind}\n"
        "    text: What is the mean score of the {{ n }} students?\n"
        f"    params:\n      n: {n}\n"
        "    let:\n"
        "      hours: round(runif(n, 0, 10), 1)\n"
        "      score: round(40 + 5 * hours + rnorm(n, 0, 6), 0)\n"
        "      group: shuffle(rep(['A', 'B, C'], n / 2))\n"
        "      m: mean(score)\n"
        f"    data:\n{name}      columns: {columns}\n"
        f"{answer}"
    )


def write_bank(tmp_path: Path, *questions: str) -> Path:
    path = tmp_path / "stats.yaml"
    path.write_text(HEAD + "".join(questions), encoding="utf-8")
    return path


def generated_files(tmp_path: Path, *questions: str, n: int = 3, fmt: tuple[str, ...] = ()):
    path = write_bank(tmp_path, *questions)
    args = [a for f in fmt for a in ("-f", f)]
    run_cli("generate", path, "-n", str(n), "--seed", "7", *args, "-o", tmp_path / "out")
    return tmp_path / "out"


def test_the_csv_round_trips_to_the_values_in_the_json_record(tmp_path):
    columns = "{Hours studied: hours, score: score, group: group}"
    out = generated_files(tmp_path, question(columns, n="[10, 12]"), n=4, fmt=("json", "moodle"))
    record = json.loads((out / "stats.json").read_text(encoding="utf-8"))
    moodle = etree.parse(str(out / "stats-moodle.xml"))
    files = {f.get("name"): base64.b64decode(f.text) for f in moodle.iter("file")}
    entries = [q for version in record["versions"] for q in version["questions"]]
    assert len(entries) == 4
    for entry in entries:
        (data,) = entry["data"]
        assert data["name"] == "study"
        assert data["rows"] == entry["params"]["n"]
        csv_bytes = files[data["file"]]
        assert data["sha256"] == hashlib.sha256(csv_bytes).hexdigest()
        assert data["file"] == f"study-{data['sha256'][:12]}.csv"
        rows = list(csv.reader(io.StringIO(csv_bytes.decode("utf-8"), newline="")))
        assert rows[0] == ["Hours studied", "score", "group"]
        assert [c["heading"] for c in data["columns"]] == rows[0]
        body = rows[1:]
        assert len(body) == data["rows"]
        for i, column in enumerate(data["columns"]):
            cells = [row[i] for row in body]
            if column["heading"] == "group":
                assert cells == column["values"]
                assert set(cells) == {"A", "B, C"}  # a text with a comma is quoted
            else:
                # exact: the CSV's decimal text is the record's number, digit for digit
                assert [Decimal(c) for c in cells] == [Decimal(str(v)) for v in column["values"]]
                assert all("e" not in c.lower() for c in cells)
        # and it is the let values the record keeps
        assert data["columns"][1]["values"] == entry["derived"]["score"]
    assert b"\r\n" in csv_bytes and not csv_bytes.startswith(b"\xef\xbb\xbf")


def test_an_unchanged_data_set_keeps_its_name_across_runs():
    text = HEAD + question()
    one = generate(bank_from_text(text), 3, seed=2)
    two = generate(bank_from_text(text), 3, seed=2)
    names = [[v.drawn.datasets[0].file_name for v in g.variants["study"]] for g in (one, two)]
    assert names[0] == names[1]
    assert len(set(names[0])) == 3  # each version its own data
    fixed = HEAD + question("[x]", n="[4]").replace(
        "      m: mean(score)\n", "      m: mean(score)\n      x: '[1.50, 2, 3]'\n"
    )
    fixed_one = generate(bank_from_text(fixed), 2, seed=1).variants["study"][0].drawn
    fixed_two = generate(bank_from_text(fixed), 2, seed=9).variants["study"][0].drawn
    assert fixed_one.datasets[0].file_name == fixed_two.datasets[0].file_name
    assert fixed_one.datasets[0].data == b"x\r\n1.5\r\n2\r\n3\r\n"


def test_columns_as_a_list_of_names_and_the_default_name_is_the_question_id():
    text = HEAD + question("[hours, score]", qid="study.time_2", name="")
    data = generate(bank_from_text(text), 1, seed=3).variants["study.time_2"][0].drawn.datasets[0]
    assert data.headings == ("hours", "score")
    assert data.name == "study-time_2"
    assert data.file_name.startswith("study-time_2-") and data.file_name.endswith(".csv")


def test_moodle_holds_one_file_per_data_set_and_links_it(tmp_path):
    out = generated_files(tmp_path, question(), n=3, fmt=("moodle",))
    tree = etree.parse(str(out / "stats-moodle.xml"))
    questions = tree.findall("question[@type='numerical']")
    assert len(questions) == 3
    for q in questions:
        text = q.find("questiontext")
        files = text.findall("file")
        assert len(files) == 1
        name = files[0].get("name")
        assert files[0].get("encoding") == "base64" and files[0].get("path") == "/"
        html = text.find("text").text
        assert f'Download the data: <a href="@@PLUGINFILE@@/{name}">{name}</a>' in html
        assert base64.b64decode(files[0].text).startswith(b"hours,score\r\n")


def _docx_tables(path: Path):
    doc = Document(str(path))
    return doc, [[[cell.text for cell in row.cells] for row in t.rows] for t in doc.tables]


def test_word_prints_a_short_data_set_under_its_question(tmp_path):
    out = generated_files(tmp_path, question(n="[12]"), n=2, fmt=("json", "docx"))
    record = json.loads((out / "stats.json").read_text(encoding="utf-8"))
    doc, tables = _docx_tables(out / "stats-worksheets.docx")
    assert len(tables) == 2  # one per version
    for table, version in zip(tables, record["versions"]):
        data = version["questions"][0]["data"][0]
        assert table[0] == ["hours", "score"]
        assert len(table) == 13
        expected = [[str(v) for v in c["values"]] for c in data["columns"]]
        assert [list(r) for r in zip(*table[1:])] == expected
    assert doc.tables[0].style.name == "Table Grid"
    text = "\n".join(p.text for p in doc.paragraphs)
    assert "Data (study, 12 rows):" in text
    assert "Appendix" not in text


def test_word_puts_a_40_row_data_set_on_an_appendix_page(tmp_path):
    out = generated_files(
        tmp_path,
        question(n="[40]"),
        question(n="[10]", qid="short", name="      name: short\n"),
        n=2,
        fmt=("docx",),
    )
    doc, tables = _docx_tables(out / "stats-worksheets.docx")
    # per version: the short table under question 2, then the long one in the appendix
    assert [len(t) for t in tables] == [11, 41, 11, 41]
    paragraphs = [p for p in doc.paragraphs]
    texts = [p.text for p in paragraphs]
    pointers = [t for t in texts if "appendix page" in t]
    assert len(pointers) == 2
    assert "see “Data for question 1”" in pointers[0]
    appendix = [p for p in paragraphs if p.text == "Appendix: data"]
    assert len(appendix) == 2
    assert all(p.paragraph_format.page_break_before for p in appendix)
    assert texts.count("Data for question 1 (study, 40 rows)") == 2
    # the appendix comes after the last question of its version and before the next one
    first_appendix = texts.index("Appendix: data")
    assert texts.index("Data (short, 10 rows):") < first_appendix
    # the header row repeats on every page the table runs onto
    long_table = doc.tables[1]
    assert (
        long_table.rows[0]._tr.trPr.find(
            "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}tblHeader"
        )
        is not None
    )


def test_the_answer_key_does_not_print_the_data(tmp_path):
    out = generated_files(tmp_path, question(n="[40]"), n=1, fmt=("docx",))
    _doc, tables = _docx_tables(out / "stats-answer-key.docx")
    assert not any(t and t[0] == ["hours", "score"] for t in tables)


def test_anki_imports_the_deck_and_shows_the_data_as_a_table(tmp_path):
    from anki.collection import Collection, ImportAnkiPackageOptions, ImportAnkiPackageRequest

    out = generated_files(tmp_path, question(n="[10]"), n=2, fmt=("anki", "json"))
    record = json.loads((out / "stats.json").read_text(encoding="utf-8"))
    (tmp_path / "col").mkdir()
    col = Collection(str(tmp_path / "col" / "collection.anki2"))
    try:
        request = ImportAnkiPackageRequest(
            package_path=str(out / "stats.apkg"), options=ImportAnkiPackageOptions()
        )
        col.import_anki_package(request)
        notes = [col.get_note(nid) for nid in col.find_notes("")]
        assert len(notes) == 2
        fields = sorted(n["Question"] for n in notes)
        for version in record["versions"]:
            data = version["questions"][0]["data"][0]
            first = f"<td>{data['columns'][0]['values'][0]}</td>"
            assert any("<th>hours</th><th>score</th>" in f and first in f for f in fields)
        # Anki's import keeps only media a field shows (<img>, [sound:]): a CSV file only
        # linked would be dropped, so qbank shows the table and ships no CSV.
        assert not list(Path(col.media.dir()).glob("*.csv"))
        assert all(".csv" not in f for f in fields)
    finally:
        col.close()


def test_qti_zip_holds_the_csv_and_links_it_gift_leaves_the_question_out(tmp_path):
    out = generated_files(tmp_path, question(n="[10]"), n=2, fmt=("qti", "gift"))
    with zipfile.ZipFile(out / "stats-qti.zip") as archive:
        names = archive.namelist()
        csvs = [n for n in names if n.endswith(".csv")]
        assert len(csvs) == 2
        assessment = next(n for n in names if n.count("/") == 1 and "meta" not in n)
        xml = archive.read(assessment).decode("utf-8")
        manifest = archive.read("imsmanifest.xml").decode("utf-8")
        for name in csvs:
            file_name = name.rsplit("/", 1)[1]
            assert f'Uploaded%20Media/{file_name}"&gt;{file_name}' in xml
            assert name in manifest
            assert archive.read(name).startswith(b"hours,score\r\n")
    gift = (out / "stats-gift.txt").read_text(encoding="utf-8")
    assert "::study" not in gift


def problems(text: str) -> list[str]:
    with pytest.raises(BankInvalid) as err:
        validate_bank(bank_from_text(HEAD + text, "stats.yaml"))
    return [str(p) for p in err.value.problems]


def block(columns: dict[str, str]) -> str:
    return "\n" + "".join(f"        {k}: {v}\n" for k, v in columns.items()).rstrip("\n")


def test_a_column_that_is_not_a_list_is_refused_with_its_line():
    found = problems(question(block({"hours": "hours", "mean": "m"})))
    assert len(found) == 1
    assert found[0].startswith(
        "stats.yaml:18: question 'study': in 'data.mean': column 'mean' should be a list of values"
    )


def test_columns_of_different_lengths_are_refused():
    found = problems(question(block({"hours": "hours", "two": "'[1, 2]'"}), n="[10]"))
    assert found[0].startswith(
        "stats.yaml:14: question 'study': in 'data': the columns have different numbers of "
        "values ('hours' 10, 'two' 2); every column needs one value per row"
    )


def test_too_many_rows_are_refused(monkeypatch):
    monkeypatch.setattr(limits, "MAX_DATA_ROWS", 11)
    found = problems(question(block({"hours": "hours"}), n="[12]"))
    assert found[0].startswith(
        "stats.yaml:17: question 'study': in 'data.hours': column 'hours' has 12 values; "
        "a data set has at most 11 rows"
    )


def test_bad_names_headings_and_cells_are_refused():
    found = problems(question(name="      name: ../x\n"))
    assert found == [
        "stats.yaml:15: question 'study': data: 'name' should be a file name without .csv: "
        "letters, digits, _ and - (at most 40), not '../x'"
    ]
    found = problems(question(block({"'=HYPERLINK(1)'": "hours"})))
    assert "a column heading '=HYPERLINK(1)' starts with '='" in found[0]
    found = problems(question(block({"x": "\"['=1+1', 'b']\""})))
    assert "value 1 of column 'x' '=1+1' starts with '='" in found[0]
    found = problems(question(block({"x": "'[true, false]'"})))
    assert "value 1 of column 'x' should be a number or a text, not true/false" in found[0]
    columns = {f"c{i}": "hours" for i in range(limits.MAX_DATA_COLUMNS + 1)}
    found = problems(question(block(columns)))
    assert f"a data set may have at most {limits.MAX_DATA_COLUMNS} columns, not" in found[0]
    found = problems(question("7"))
    assert "should name the columns" in found[0]


def test_an_unknown_name_in_a_column_is_found_by_validate():
    found = problems(question(block({"hours": "hour"})))
    assert found[0].startswith(
        "stats.yaml:17: question 'study': in 'data.hours': unknown name 'hour' (did you mean "
    )


def test_negative_numbers_are_numbers_not_formulas():
    text = HEAD + question("[x]").replace(
        "      m: mean(score)\n", "      m: mean(score)\n      x: '[-1.25, 0, 3]'\n"
    )
    data = generate(bank_from_text(text), 1, seed=1).variants["study"][0].drawn.datasets[0]
    assert datasets.parse_csv(data.data) == [["x"], ["-1.25"], ["0"], ["3"]]


def test_the_json_schema_knows_data():
    import jsonschema
    import yaml

    from qbank.bank.jsonschema import bank_schema

    validator = jsonschema.Draft7Validator(bank_schema())
    for columns in ("{hours: hours}", "[hours, score]"):
        good = yaml.safe_load(HEAD + question(columns))
        assert list(validator.iter_errors(good)) == []
    bad = yaml.safe_load(HEAD + question("{hours: hours}").replace("columns:", "colums:"))
    assert list(validator.iter_errors(bad))


def test_the_example_of_the_docs_generates_every_format(tmp_path):
    doc = (Path(__file__).parents[1] / "docs" / "bank-format.md").read_text(encoding="utf-8")
    section = doc.split("## Data sets", 1)[1].split("\n## ", 1)[0]
    (block,) = [b.split("```", 1)[0] for b in section.split("```yaml\n")[1:]]
    out = generated_files(tmp_path, block, n=2, fmt=("all",))
    record = json.loads((out / "stats.json").read_text(encoding="utf-8"))
    data = record["versions"][0]["questions"][0]["data"][0]
    assert [c["heading"] for c in data["columns"]] == ["Hours studied", "Score", "Group"]
    assert data["file"].startswith("study-") and data["rows"] in (16, 20)
    for name in ("stats-worksheets.docx", "stats-moodle.xml", "stats-qti.zip", "stats.apkg"):
        assert (out / name).stat().st_size > 0


def test_moodle_attaches_each_versions_own_file_to_a_question_with_parameters(tmp_path):
    text = (
        "  - id: q\n    type: numerical\n    text: Sum of the data?\n"
        "    params:\n      a: {min: 1, max: 9}\n"
        "    let:\n      xs: '[a, 2 * a]'\n"
        "    data:\n      columns: [xs]\n    answer: sum(xs)\n"
    )
    out = generated_files(tmp_path, text, n=3, fmt=("moodle",))
    tree = etree.parse(str(out / "stats-moodle.xml"))
    questions = tree.findall("question[@type='numerical']")
    assert len(questions) == 3  # (written through the stencil, they would have no file)
    for q in questions:
        (file,) = q.findall("questiontext/file")
        a = int(base64.b64decode(file.text).split(b"\r\n")[1])
        assert base64.b64decode(file.text) == f"xs\r\n{a}\r\n{2 * a}\r\n".encode()


def test_preview_shows_a_versions_data_set(tmp_path, monkeypatch):
    from conftest import run_cli

    monkeypatch.chdir(tmp_path)
    (tmp_path / "ds.yaml").write_text(
        "id: ds\ntitle: D\nquestions:\n  - id: study\n    type: numerical\n"
        '    params:\n      n: {min: 3, max: 3}\n    let:\n      x: "[1, 2.5, n]"\n'
        "    data:\n      columns: {Hours: x}\n    text: Find it.\n    answer: sum(x)\n",
        encoding="utf-8",
    )
    out = run_cli("preview", "ds.yaml").output
    assert "   Data: study-" in out and "(3 rows)" in out
    assert "   Hours\n" in out and "     2.5\n" in out and "       3\n" in out
