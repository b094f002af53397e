"""The workbench (qbank serve) over HTTP: security, checking, preview, save, Generate.

The app runs in Starlette's TestClient; its worker processes are real (spawned), so the
jobs run exactly as under 'qbank serve'."""

from __future__ import annotations

import json
import os
import re
import shutil
import time
from pathlib import Path

import pytest

pytest.importorskip("starlette")
pytest.importorskip("httpx")

from click.testing import CliRunner
from starlette.testclient import TestClient

from qbank.bank.loader import default_bank_path
from qbank.cli import cli
from qbank.serve.app import create_app
from qbank.serve.worker import Worker, WorkerTimeout

TOKEN = "test-token-123"
CSRF = "test-csrf-456"
BASE = "http://127.0.0.1"

FIGURE_BANK = """\
id: figs
title: Figures
questions:
  - id: regression
    type: numerical
    text: |
      The scatter plot shows {{ n }} students; $b$ is the slope.

      ![Weight against height](figure:1)
    params:
      n: [20, 25, 30]
    let:
      height: round(rnorm(n, 165, 8), 1)
      weight: round(0.9 * height - 85 + rnorm(n, 0, 4), 1)
      b: slope(height, weight)
    answer: b
    tolerance: 0.1
    figure:
      kind: scatter
      x: height
      y: weight
      alt: Scatter plot of {{ n }} students
"""

BROKEN_FORMULA = """\
id: broken
title: Broken
questions:
  - id: speed
    type: numerical
    text: "A car drives {{ d }} km in {{ t }} hours. How fast is it, in km/h?"
    params:
      d: [100, 200]
      t: [0, 2]
    answer: d / t
"""


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    root = tmp_path_factory.mktemp("banks")
    shutil.copy(default_bank_path(), root / "default.yaml")
    (root / "figs.yaml").write_text(FIGURE_BANK, encoding="utf-8")
    (root / "broken.yaml").write_text(BROKEN_FORMULA, encoding="utf-8")
    (root / "notes.txt").write_text("not a bank", encoding="utf-8")
    (root.parent / "secret.yaml").write_text("id: secret", encoding="utf-8")
    (root / "escape.yaml").symlink_to(root.parent / "secret.yaml")
    return root


@pytest.fixture(scope="module")
def app(folder):
    before = os.environ.get("SOURCE_DATE_EPOCH")
    os.environ["SOURCE_DATE_EPOCH"] = "1700000000"  # the workers inherit it
    made = create_app(folder, TOKEN, CSRF, hosts=["127.0.0.1"])
    yield made
    made.bench.stop()
    if before is None:
        os.environ.pop("SOURCE_DATE_EPOCH", None)
    else:
        os.environ["SOURCE_DATE_EPOCH"] = before


@pytest.fixture()
def client(app):
    with TestClient(app, base_url=BASE) as c:
        c.cookies.set("qbank_token", TOKEN)
        yield c


def post(client, url, body, csrf=CSRF, **headers):
    if csrf is not None:
        headers["X-Qbank-CSRF"] = csrf
    return client.post(url, json=body, headers=headers)


def cli_problems(folder: Path, bank: str) -> list[str]:
    """What 'qbank validate BANK' prints as errors, run in the folder."""
    here = Path.cwd()
    os.chdir(folder)
    try:
        result = CliRunner().invoke(cli, ["validate", bank])
    finally:
        os.chdir(here)
    return [
        line.removeprefix("Error: ")
        for line in result.output.splitlines()
        if line.startswith("Error: ")
    ]


# --- security ---------------------------------------------------------------------------


def test_no_token_is_refused(app):
    with TestClient(app, base_url=BASE) as c:
        for url in ["/", "/api/files", "/static/workbench.js", "/api/file?path=default.yaml"]:
            response = c.get(url)
            assert response.status_code == 403, url
            assert "token" in response.json()["error"]


def test_a_wrong_token_is_refused(app):
    with TestClient(app, base_url=BASE) as c:
        assert c.get("/?token=wrong").status_code == 403
        c.cookies.set("qbank_token", "wrong")
        assert c.get("/api/files").status_code == 403


def test_the_token_in_the_address_opens_the_page_and_is_kept_in_a_cookie(app):
    with TestClient(app, base_url=BASE) as c:
        response = c.get(f"/?token={TOKEN}")
        assert response.status_code == 200
        assert f'content="{CSRF}"' in response.text
        assert "HttpOnly" in response.headers["set-cookie"]
        assert "SameSite=Strict" in response.headers["set-cookie"]
        assert "script-src 'self'" in response.headers["content-security-policy"]
        assert c.get("/api/files").status_code == 200  # the cookie now


def test_another_host_name_is_refused(app):
    with TestClient(app, base_url="http://evil.example") as c:
        assert c.get(f"/?token={TOKEN}").status_code == 403


def test_the_file_list_has_the_banks_inside_the_folder_only(client):
    files = client.get("/api/files").json()["files"]
    assert "default.yaml" in files and "figs.yaml" in files
    assert "notes.txt" not in files
    assert "escape.yaml" not in files  # a link that leads out of the folder


@pytest.mark.parametrize(
    "path", ["../secret.yaml", "/etc/passwd", "escape.yaml", "notes.txt", "a/../../secret.yaml"]
)
def test_a_path_outside_the_folder_is_refused(client, path):
    response = client.get("/api/file", params={"path": path})
    assert response.status_code == 403
    save = post(client, "/api/save", {"path": path, "text": "x: 1"})
    assert save.status_code == 403
    download = client.get("/download", params={"path": path})
    if path == "notes.txt":  # inside the folder: not a bank to edit, but a file to download
        assert download.status_code == 200
    else:
        assert download.status_code == 403


def test_a_post_without_the_csrf_token_is_refused(client, folder):
    before = (folder / "default.yaml").read_bytes()
    for csrf in (None, "wrong"):
        response = post(client, "/api/save", {"path": "default.yaml", "text": "x"}, csrf=csrf)
        assert response.status_code == 403
        assert "CSRF" in response.json()["error"]
    cross = post(
        client, "/api/save", {"path": "default.yaml", "text": "x"}, origin="http://evil.example"
    )
    assert cross.status_code == 403
    assert (folder / "default.yaml").read_bytes() == before


# --- checking and preview ----------------------------------------------------------------


def test_a_broken_formula_is_reported_at_its_line_in_the_words_of_validate(client, folder):
    text = (folder / "broken.yaml").read_text()
    data = post(client, "/api/look", {"path": "broken.yaml", "text": text, "line": 8}).json()
    assert data["problems"], data
    full = post(client, "/api/check", {"path": "broken.yaml", "text": text}).json()
    assert full["ok"] is False
    assert [p["message"] for p in full["problems"]] == cli_problems(folder, "broken.yaml")
    assert full["problems"][0]["line"] == 10  # answer: d / t
    assert "broken.yaml:10: question 'speed'" in full["problems"][0]["message"]


def test_unsaved_text_is_checked_as_typed(client):
    text = BROKEN_FORMULA.replace("answer: d / t", "answer: d / (t + 1")
    data = post(client, "/api/look", {"path": "broken.yaml", "text": text, "line": 8}).json()
    assert any(p["line"] == 10 for p in data["problems"]), data
    fixed = BROKEN_FORMULA.replace("t: [0, 2]", "t: [1, 2]")
    data = post(client, "/api/look", {"path": "broken.yaml", "text": fixed, "line": 8}).json()
    assert data["problems"] == []
    assert "km/h" in data["preview"]["student"]
    assert post(client, "/api/check", {"path": "broken.yaml", "text": fixed}).json()["ok"]


def test_preview_shows_variant_k_of_n_with_its_key_and_math(client, folder):
    text = (folder / "figs.yaml").read_text()
    seen = set()
    for number in (1, 2, 3):
        body = {"path": "figs.yaml", "text": text, "line": 5, "seed": 7, "number": number}
        preview = post(client, "/api/look", {**body, "count": 3}).json()["preview"]
        assert preview["number"] == number and preview["count"] == 3 and preview["seed"] == 7
        assert "\\(b\\)" in preview["student"]  # math, for KaTeX to typeset
        assert preview["key"]
        seen.add(preview["student"])
    assert len(seen) > 1  # the versions differ


def test_a_figure_of_the_preview_is_served(client, folder):
    text = (folder / "figs.yaml").read_text()
    preview = post(client, "/api/look", {"path": "figs.yaml", "text": text, "line": 5}).json()[
        "preview"
    ]
    src = re.search(r'<img src="(media/[^"]+)"', preview["student"]).group(1)
    image = client.get("/" + src)
    assert image.status_code == 200
    assert image.headers["content-type"] == "image/png"
    assert image.content.startswith(b"\x89PNG")
    assert client.get("/media/qbank-nothing.png").status_code == 404


def test_a_hostile_bank_gets_the_errors_of_the_cli_and_the_server_goes_on(client, folder):
    hostile = """\
id: hostile
title: Hostile
questions:
  - id: huge
    type: numerical
    text: "{{ 'x' * 10**9 }}"
    answer: 9 ** 9 ** 9
"""
    (folder / "hostile.yaml").write_text(hostile, encoding="utf-8")
    full = post(client, "/api/check", {"path": "hostile.yaml", "text": hostile}).json()
    assert full["ok"] is False
    assert [p["message"] for p in full["problems"]] == cli_problems(folder, "hostile.yaml")
    look = post(client, "/api/look", {"path": "hostile.yaml", "text": hostile, "line": 4})
    assert look.status_code == 200 and look.json()["problems"]
    not_yaml = post(client, "/api/look", {"path": "hostile.yaml", "text": "{[: \x00", "line": 1})
    assert not_yaml.status_code == 200 and not_yaml.json()["problems"]
    assert client.get("/api/files").status_code == 200


def _slow(seconds: float) -> str:
    time.sleep(seconds)
    return "done"


def test_a_job_past_its_hard_timeout_is_killed_and_the_worker_restarts(tmp_path):
    worker = Worker(tmp_path)
    try:
        first = worker.pid
        with pytest.raises(WorkerTimeout, match="too slow"):
            worker.call(_slow, 0.5, "too slow", seconds=30)
        assert worker.pid != first
        assert worker.call(_slow, 20, "too slow", seconds=0) == "done"
    finally:
        worker.stop()


# --- save ---------------------------------------------------------------------------------


def test_save_writes_the_file_and_keeps_a_backup(client, folder):
    path = folder / "figs.yaml"
    loaded = client.get("/api/file", params={"path": "figs.yaml"}).json()
    changed = loaded["text"].replace("title: Figures", "title: Figures and plots")
    response = post(
        client, "/api/save", {"path": "figs.yaml", "text": changed, "digest": loaded["digest"]}
    )
    assert response.status_code == 200, response.text
    assert path.read_text() == changed
    assert (folder / "figs.yaml.bak").read_text() == loaded["text"]
    assert not [p for p in folder.iterdir() if p.name.startswith(".figs")]  # no temporary left


def test_an_external_edit_is_noticed_never_overwritten(client, folder):
    path = folder / "broken.yaml"
    loaded = client.get("/api/file", params={"path": "broken.yaml"}).json()
    path.write_text(loaded["text"] + "# edited elsewhere\n", encoding="utf-8")
    state = client.get("/api/state", params={"path": "broken.yaml"}).json()
    assert state["digest"] != loaded["digest"]
    body = {"path": "broken.yaml", "text": "mine", "digest": loaded["digest"]}
    response = post(client, "/api/save", body)
    assert response.status_code == 409 and response.json()["changed"]
    assert path.read_text().endswith("# edited elsewhere\n")
    forced = post(client, "/api/save", {**body, "force": True})
    assert forced.status_code == 200 and path.read_text() == "mine"
    path.write_text(BROKEN_FORMULA, encoding="utf-8")


# --- Generate -----------------------------------------------------------------------------


def wait(client, job: str) -> dict:
    for _ in range(600):
        state = client.get(f"/api/job/{job}").json()
        if state["state"] != "running":
            return state
        time.sleep(0.2)
    raise AssertionError("Generate did not finish")


def test_generate_writes_into_out_the_same_files_as_the_cli(client, folder, tmp_path):
    body = {"path": "default.yaml", "count": 2, "seed": 11, "formats": ["json", "docx", "anki"]}
    job = post(client, "/api/generate", body).json()["job"]
    state = wait(client, job)
    assert state["state"] == "done", state
    files = [folder / f for f in state["result"]["files"]]
    assert files and all(f.parent == folder / "out" and f.exists() for f in files)
    assert state["result"]["seed"] == 11
    cli_out = tmp_path / "cli"
    result = CliRunner().invoke(
        cli,
        [
            "generate",
            str(folder / "default.yaml"),
            "-n",
            "2",
            "--seed",
            "11",
            "-f",
            "json",
            "-f",
            "docx",
            "-f",
            "anki",
            "-o",
            str(cli_out),
            "-q",
        ],
        env={"SOURCE_DATE_EPOCH": "1700000000"},
    )
    assert result.exit_code == 0, result.output
    for made in files:
        assert made.read_bytes() == (cli_out / made.name).read_bytes(), made.name
    download = client.get("/download", params={"path": state["result"]["files"][0]})
    assert download.status_code == 200 and download.content == files[0].read_bytes()


def test_generate_of_a_broken_bank_reports_its_problems_and_writes_nothing(client, folder):
    job = post(client, "/api/generate", {"path": "broken.yaml", "count": 1}).json()["job"]
    state = wait(client, job)
    assert state["state"] == "failed"
    assert [p["message"] for p in state["problems"]] == cli_problems(folder, "broken.yaml")
    assert not (folder / "out" / "broken.json").exists()


def test_a_request_past_the_hard_timeout_gets_a_message_and_the_server_goes_on(
    client, folder, monkeypatch
):
    from qbank import limits

    text = (folder / "default.yaml").read_text()
    body = {"path": "default.yaml", "text": text, "line": 120}
    monkeypatch.setattr(limits, "SERVE_PREVIEW_SECONDS", 0.001)
    cut = post(client, "/api/look", body)
    assert cut.status_code == 200
    assert "was stopped" in cut.json()["problems"][0]["message"]
    monkeypatch.undo()
    again = post(client, "/api/look", body).json()  # a new worker answers
    assert again["problems"] == [] and again["preview"]


def test_the_serve_command_serves_the_folder_of_a_bank_on_loopback(folder, monkeypatch):
    import qbank.serve

    calls = []
    monkeypatch.setattr(qbank.serve, "serve", lambda *a, **k: calls.append((a, k)))
    result = CliRunner().invoke(cli, ["serve", str(folder / "figs.yaml"), "--no-browser"])
    assert result.exit_code == 0, result.output
    ((args, kwargs),) = calls
    assert args == (folder,) and kwargs["first_file"] == "figs.yaml"
    assert kwargs["host"] == "127.0.0.1" and kwargs["port"] == 8000
    assert kwargs["open_browser"] is False
    result = CliRunner().invoke(cli, ["serve", str(folder), "--host", "0.0.0.0", "--port", "9"])
    assert result.exit_code == 0
    assert "Warning: listening on 0.0.0.0" in result.output
    assert calls[-1][1]["host"] == "0.0.0.0" and calls[-1][1]["first_file"] is None


def test_katex_is_served_from_the_package_with_its_licence(client):
    assert client.get("/static/katex/katex.min.js").status_code == 200
    assert "Khan Academy" in client.get("/static/katex/LICENSE").text
    css = client.get("/static/katex/katex.min.css").text
    for font in re.findall(r"url\(fonts/([^)]+\.woff2)\)", css):
        assert client.get(f"/static/katex/fonts/{font}").status_code == 200, font


def test_the_anki_look_shows_the_cards_the_deck_holds(client, folder):
    from qbank.serve.cards import fill

    text = (folder / "default.yaml").read_text()
    line = next(i for i, row in enumerate(text.splitlines(), 1) if "type: cloze" in row)
    body = {"path": "default.yaml", "text": text, "line": line, "look": "anki"}
    preview = post(client, "/api/look", body).json()["preview"]
    assert preview["type"] == "cloze" and preview["anki"]
    card = preview["anki"][0]
    assert '<span class="cloze">[' in card["front"]  # the blank, hidden on the front
    assert '<span class="cloze">' in card["back"] and "[…]" not in card["back"].split("answer")[-1]
    assert fill("{{#A}}<b>{{A}}</b>{{/A}}{{#B}}x{{/B}}", {"A": "1", "B": ""}) == "<b>1</b>"
    assert (
        fill("{{cloze:T}}", {"T": "a {{c1::b::hint}} c"}) == 'a <span class="cloze">[hint]</span> c'
    )


def test_the_moodle_look_shows_the_question_as_the_xml_holds_it(client, folder):
    text = (folder / "default.yaml").read_text()
    for kind in ("cloze", "multichoice", "numerical"):
        line = next(i for i, row in enumerate(text.splitlines(), 1) if f"type: {kind}" in row)
        body = {"path": "default.yaml", "text": text, "line": line, "look": "moodle"}
        preview = post(client, "/api/look", body).json()["preview"]
        assert preview["type"] == kind
        moodle = preview["moodle"]
        assert moodle["front"] and "The correct answer" in moodle["back"], (kind, moodle)
        if kind == "cloze":
            assert 'class="moodle-blank"' in moodle["front"]
            assert "SHORTANSWER" not in moodle["front"]
        if kind == "multichoice":
            assert 'type="radio"' in moodle["front"] or 'type="checkbox"' in moodle["front"]


def test_generate_with_a_class_list_makes_one_version_per_student_as_the_cli(
    client, folder, tmp_path
):
    (folder / "class.csv").write_text("name\nAda Lovelace\nAlan Turing\nGrace Hopper\n")
    assert "class.csv" in client.get("/api/files").json()["class_lists"]
    body = {"path": "default.yaml", "seed": 5, "formats": ["json"], "roster": "class.csv"}
    state = wait(client, post(client, "/api/generate", body).json()["job"])
    assert state["state"] == "done", state
    made = folder / state["result"]["files"][0]
    cli_out = tmp_path / "cli"
    result = CliRunner().invoke(
        cli,
        [
            *("generate", str(folder / "default.yaml"), "--seed", "5", "-f", "json", "-q"),
            *("--roster", str(folder / "class.csv"), "-o", str(cli_out)),
        ],
        env={"SOURCE_DATE_EPOCH": "1700000000"},
    )
    assert result.exit_code == 0, result.output
    assert made.read_bytes() == (cli_out / made.name).read_bytes()
    assert json.loads(made.read_bytes())["count"] == 3  # one version per student
    too_few = {**body, "count": 2}
    state = wait(client, post(client, "/api/generate", too_few).json()["job"])
    assert "fewer than the 3 students" in state["problems"][0]["message"]
    outside = post(client, "/api/generate", {**body, "roster": "../class.csv"})
    assert outside.status_code == 403


def test_the_previewed_variant_is_the_one_generate_writes(client, folder):
    """Variant K is drawn alone for the preview: it must be version K of a run."""
    from qbank.pipeline import generate_within_limits, load_and_validate

    here = Path.cwd()
    os.chdir(folder)
    try:
        banks, compiled = load_and_validate(["figs.yaml"])
        run = generate_within_limits(banks[0], 4, 9, compiled[banks[0].id])
    finally:
        os.chdir(here)
    text = (folder / "figs.yaml").read_text()
    for number in (1, 4):
        body = {"path": "figs.yaml", "text": text, "line": 5, "seed": 9, "number": number}
        preview = post(client, "/api/look", {**body, "count": 4}).json()["preview"]
        n = run.variants["regression"][number - 1].params["n"]
        assert preview["values"]["n"] == str(n)
        assert f"shows {n} students" in preview["student"]


# --- the editor's schema, the Word page look, Generate's options ------------------------


def test_the_editor_completes_from_the_bank_schema():
    from qbank.bank.jsonschema import bank_schema
    from qbank.serve.page import completion_tree

    schema = bank_schema()
    tree = completion_tree()
    assert list(tree["bank"]["fields"]) == list(schema["properties"])
    assert tree["bank"]["fields"]["questions"]["questions"] is True
    assert tree["bank"]["fields"]["paper"]["values"] == ["a4", "letter"]
    numerical = tree["kinds"]["numerical"]["fields"]
    assert list(numerical) == list(schema["definitions"]["numerical"]["properties"])
    assert "numerical" in numerical["type"]["values"] and "cloze" in numerical["type"]["values"]
    figure = numerical["figure"]["child"]["fields"]
    kinds = ["histogram", "boxplot", "scatter", "line", "bar", "function"]
    assert figure["kind"]["values"] == kinds
    assert figure["fit"]["values"][:2] == ["true", "false"]
    assert numerical["figures"]["child"]["fields"].keys() == figure.keys()  # a list of them
    assert "text" in tree["kinds"]["multichoice"]["fields"]["choices"]["child"]["fields"]
    assert "answer" in tree["question"]["fields"] and "choices" in tree["question"]["fields"]
    # a question without its type yet: every type's fields, a figure's fields inside it
    assert tree["question"]["fields"]["figure"]["child"]["fields"].keys() == figure.keys()
    assert tree["question"]["fields"]["type"]["values"] == list(tree["kinds"])


def test_the_codemirror_bundle_is_served_with_its_licences(client):
    page = client.get("/").text
    assert '<script defer src="static/codemirror/codemirror.min.js"></script>' in page
    assert page.index("codemirror.min.js") < page.index("workbench.js")
    bundle = client.get("/static/codemirror/codemirror.min.js")
    assert bundle.status_code == 200 and "QbankCM" in bundle.text
    licence = client.get("/static/codemirror/LICENSE").text
    for package in ("@codemirror/view", "@codemirror/lang-yaml", "@lezer/yaml", "style-mod"):
        assert f"\n{package} " in licence, package
    assert licence.count("Permission is hereby granted") >= 10


def test_the_bundle_is_in_the_package_data():
    """pyproject's package-data takes every file of static/codemirror/ into the wheel."""
    import fnmatch
    import tomllib

    root = Path(__file__).resolve().parents[1]
    patterns = tomllib.loads((root / "pyproject.toml").read_text())["tool"]["setuptools"][
        "package-data"
    ]["qbank.serve"]
    static = root / "src" / "qbank" / "serve"
    for name in ("codemirror.min.js", "LICENSE"):
        relative = f"static/codemirror/{name}"
        assert (static / relative).is_file()
        assert any(fnmatch.fnmatch(relative, p) for p in patterns), relative


def test_the_word_look_shows_the_worksheet_page_in_the_exporters_words(client, folder):
    text = (folder / "default.yaml").read_text()
    body = {"path": "default.yaml", "text": text, "line": 1, "look": "word", "count": 5}
    page = post(client, "/api/look", body).json()["preview"]["word"]
    assert "Open Source vs Closed AI Models" in page
    for label in ("Name:", "Class:", "Date:", "Version 1 of 5", "questions", "points"):
        assert label in page, label
    assert '<span class="number">1.</span>' in page
    french = text.replace("\nquestions:", "\nlanguage: fr\nquestions:", 1)
    page = post(client, "/api/look", {**body, "text": french}).json()["preview"]["word"]
    assert "Nom\u00a0:" in page and "Version 1 sur 5" in page
    assert post(client, "/api/look", {**body, "look": "sheet"}).json()["preview"]["word"] is None


def test_the_word_look_numbers_the_question_as_the_worksheet_does(client, folder):
    from qbank.exporters.word.plan import plan_version
    from qbank.pipeline import generate_within_limits, load_and_validate

    banks, compiled = load_and_validate([folder / "default.yaml"])
    bank = banks[0]
    run = generate_within_limits(bank, 1, 3, compiled[bank.id])
    printed = {q.variant.id: q for q in plan_version(run, 1).questions}
    text = (folder / "default.yaml").read_text()
    for question in bank.questions[::3]:
        body = {"path": "default.yaml", "text": text, "line": question.line, "look": "word"}
        page = post(client, "/api/look", {**body, "number": 7, "count": 30}).json()
        assert page["problems"] == [], page["problems"]
        number = printed[question.id].number
        assert f'<span class="number">{number}.</span>' in page["preview"]["word"], question.id
        assert "Version 7 of 30" in page["preview"]["word"] or not question.randomised
    # a multiple choice: the options in the printed order, the key's letter theirs
    choice = next(q for q in bank.questions if q.type == "multichoice")
    planned = printed[choice.id]
    body = {"path": "default.yaml", "text": text, "line": choice.line, "look": "word", "seed": 3}
    preview = post(client, "/api/look", body).json()["preview"]
    right = next(i for i, c in enumerate(planned.choices) if c.correct)
    assert f'<div class="answer">{"ABCDEFGH"[right]}&nbsp; ' in preview["word_key"]
    shown = re.findall(r'<span class="number">([A-H])</span>', preview["word"])
    assert shown == list("ABCDEFGH"[: len(planned.choices)])


def _cli_generate(folder: Path, out: Path, *extra: str) -> None:
    here = Path.cwd()
    os.chdir(folder)  # the template's path as the workbench gives it: inside the folder
    try:
        result = CliRunner().invoke(
            cli,
            ["generate", "default.yaml", "-n", "2", "--seed", "3", "-o", str(out), "-q", *extra],
            env={"SOURCE_DATE_EPOCH": "1700000000"},
        )
    finally:
        os.chdir(here)
    assert result.exit_code == 0, result.output


def test_generate_with_a_word_template_language_and_options_as_the_cli(client, folder, tmp_path):
    from test_docx import make_template

    (folder / "templates").mkdir(exist_ok=True)
    make_template(folder / "templates" / "school.docx")
    listed = client.get("/api/files").json()
    assert listed["templates"] == ["templates/school.docx"]
    body = {
        "path": "default.yaml",
        "count": 2,
        "seed": 3,
        "formats": ["docx"],
        "options": {"docx_template": "templates/school.docx", "key": "compact", "paper": "a4"},
        "language": "de",
        "unique": True,
        "replace": True,
    }
    state = wait(client, post(client, "/api/generate", body).json()["job"])
    assert state["state"] == "done", state
    cli_out = tmp_path / "cli"
    _cli_generate(
        folder,
        cli_out,
        *("-f", "docx", "--docx-template", "templates/school.docx", "--key", "compact"),
        *("--paper", "a4", "--lang", "de", "--unique", "--replace"),
    )
    made = [folder / f for f in state["result"]["files"]]
    assert len(made) == 2
    for path in made:
        assert path.read_bytes() == (cli_out / path.name).read_bytes(), path.name
    import docx

    worksheet = docx.Document(str(next(p for p in made if "worksheets" in p.name)))
    assert worksheet.sections[0].first_page_header.paragraphs[0].text.startswith("Springfield")
    assert any("Klasse:" in p.text for p in worksheet.paragraphs)  # --lang de


@pytest.mark.parametrize(
    "template", ["../outside.docx", "/etc/passwd", "link.docx", "templates\\school.docx"]
)
def test_a_word_template_outside_the_folder_is_refused(client, folder, template):
    (folder.parent / "outside.docx").write_bytes(b"PK")
    if not (folder / "link.docx").exists():
        (folder / "link.docx").symlink_to(folder.parent / "outside.docx")
    body = {"path": "default.yaml", "formats": ["docx"], "options": {"docx_template": template}}
    refused = post(client, "/api/generate", body)
    assert refused.status_code == 403 and "job" not in refused.json()
    assert "served folder" in refused.json()["error"] or "file name" in refused.json()["error"]


def test_a_missing_template_or_a_wrong_language_is_said_before_anything_runs(client):
    body = {"path": "default.yaml", "formats": ["docx"]}
    missing = post(client, "/api/generate", {**body, "options": {"docx_template": "no.docx"}})
    assert missing.status_code == 404
    assert missing.json()["error"] == "--docx-template: no.docx: no such file in the folder"
    wrong = post(client, "/api/generate", {**body, "language": "fr_FR!"})
    assert wrong.status_code == 400 and "not a language tag" in wrong.json()["error"]


def test_saving_keeps_the_banks_permissions_in_its_backup(tmp_path):
    from qbank.serve.files import save_bank

    bank = tmp_path / "b.yaml"
    bank.write_text("id: b\n")
    bank.chmod(0o640)
    save_bank(bank, b"id: b\ntitle: B\n", None)
    assert (tmp_path / "b.yaml.bak").stat().st_mode & 0o777 == 0o640
    assert bank.stat().st_mode & 0o777 == 0o640
    new = tmp_path / "new.yaml"
    save_bank(new, b"id: n\n", None)
    assert new.stat().st_mode & 0o777 == 0o666 & ~_umask()


def _umask() -> int:
    current = os.umask(0)
    os.umask(current)
    return current
