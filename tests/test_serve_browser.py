"""The workbench end to end in a real browser: Playwright driving the system Chromium
(Debian's chromium, installed by .ci/run; Playwright never downloads a browser here).

QBANK_DOCS_IMAGES=1 writes the screenshots into docs/images/workbench-*.png (the pictures
of docs/workbench.md); otherwise they go to a temporary folder.
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import threading
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from qbank.cli import cli

pytest.importorskip("starlette")
playwright_api = pytest.importorskip("playwright.sync_api")

pytestmark = pytest.mark.browser

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
if CHROMIUM is None:
    pytestmark = [pytest.mark.browser, pytest.mark.skip(reason="no system chromium")]

DOCS_IMAGES = Path(__file__).resolve().parents[1] / "docs" / "images"
TOKEN = "browser-token"

GOOD = """\
id: squares
title: Squares
questions:
  - id: square
    type: numerical
    title: A square
    text: |
      What is $x^2$ when $x = {{ a }}$?
    params:
      a: [2, 3, 4, 5, 6, 7, 8, 9, 11, 12, 13]
    answer: a * a
    solution: |
      $x^2 = {{ a }} \\times {{ a }} = {{ a * a }}$
"""
BROKEN = GOOD.replace("answer: a * a", "answer: a * (a")


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    root = tmp_path_factory.mktemp("browser-banks")
    (root / "squares.yaml").write_text(GOOD, encoding="utf-8")
    return root


@pytest.fixture(scope="module")
def server(folder):
    import uvicorn

    from qbank.serve.app import create_app

    before = os.environ.get("SOURCE_DATE_EPOCH")
    os.environ["SOURCE_DATE_EPOCH"] = "1700000000"
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    app = create_app(folder, TOKEN, "browser-csrf", hosts=["127.0.0.1"])
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning")
    running = uvicorn.Server(config)
    thread = threading.Thread(target=running.run, daemon=True)
    thread.start()
    for _ in range(200):
        if running.started:
            break
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    running.should_exit = True
    thread.join(10)
    app.bench.stop()
    if before is None:
        os.environ.pop("SOURCE_DATE_EPOCH", None)
    else:
        os.environ["SOURCE_DATE_EPOCH"] = before


@pytest.fixture(scope="module")
def page(server):
    with playwright_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        opened = browser.new_page(viewport={"width": 1500, "height": 860})
        yield opened
        browser.close()


def set_text(page, text: str) -> None:
    """Replace the whole text in the editor (CodeMirror), as a paste does."""
    page.click(".cm-content")
    page.keyboard.press("Control+a")
    page.keyboard.insert_text(text)


def editor_text(page) -> str:
    return page.evaluate("window.qbankEditor.text()")


def shot(page, name: str, tmp_path: Path) -> None:
    folder = DOCS_IMAGES if os.environ.get("QBANK_DOCS_IMAGES") else tmp_path
    page.screenshot(path=str(folder / f"workbench-{name}.png"))


def test_without_the_token_the_page_is_refused(server, page):
    response = page.goto(server + "/")
    assert response is not None and response.status == 403


def test_the_workbench_end_to_end(server, page, folder, tmp_path):
    expect = playwright_api.expect
    page.goto(f"{server}/?token={TOKEN}")
    page.click("text=squares.yaml")
    expect(page.locator("#student .katex").first).to_be_visible()
    expect(page.locator("body")).to_have_attribute("data-editor", "codemirror")
    expect(page.locator("#text")).to_be_hidden()

    # a broken formula: the error appears at its line, in the words of qbank validate: in
    # the list and as a diagnostic on that line of the editor (underlined, marked in the
    # gutter)
    set_text(page, BROKEN)
    problem = page.locator("#problems li").first
    expect(problem).to_contain_text("squares.yaml:11: question 'square': ")
    marked = page.locator(".cm-line", has=page.locator(".cm-lintRange-error"))
    expect(marked).to_have_count(1)
    expect(marked).to_have_text("    answer: a * (a")
    expect(page.locator(".cm-lint-marker-error")).to_have_count(1)
    box, line_box = (
        page.locator(".cm-lint-marker-error").bounding_box(),
        marked.bounding_box(),
    )
    assert box and line_box and abs(box["y"] - line_box["y"]) < line_box["height"]
    number = page.locator(".cm-lineNumbers .cm-gutterElement", has_text=re.compile(r"^11$"))
    number_box = number.bounding_box()
    assert number_box and abs(number_box["y"] - line_box["y"]) < line_box["height"]
    shot(page, "error", tmp_path)

    # fixed: the preview shows the variant with typeset math, the key beside it
    set_text(page, GOOD.replace("title: Squares", "title: Squares of numbers"))
    expect(page.locator(".cm-lintRange-error")).to_have_count(0)
    expect(page.locator("#problems li")).to_have_count(0)
    expect(page.locator("#student .katex").first).to_be_visible()
    expect(page.locator("#key .katex").first).to_be_visible()
    before = page.inner_text("#student")
    page.click("#next")
    expect(page.locator("#preview-title")).to_contain_text("version 2 of 5")
    assert page.inner_text("#student") != before  # next variant: other numbers
    shot(page, "preview", tmp_path)

    # save: the file on disk changed and the previous version is kept
    page.click("#save")
    expect(page.locator("#status")).to_contain_text("Saved squares.yaml")
    assert "Squares of numbers" in (folder / "squares.yaml").read_text()
    assert (folder / "squares.yaml.bak").read_text() == GOOD

    # Generate: the files appear in out/ and match a CLI run with the same seed
    for box in page.locator('input[name="format"]').all():
        box.set_checked(box.get_attribute("value") in ("json", "docx", "moodle"))
    page.fill("#gen-count", "3")
    page.fill("#gen-seed", "42")
    page.click("#generate")
    expect(page.locator("#gen-files li").first).to_be_visible(timeout=60_000)
    made = [a.inner_text() for a in page.locator("#gen-files a").all()]
    assert made and all(Path(folder / f).exists() for f in made)
    shot(page, "generate", tmp_path)
    cli_out = tmp_path / "cli"
    result = CliRunner().invoke(
        cli,
        [
            "generate", str(folder / "squares.yaml"), "-n", "3", "--seed", "42",
            "-f", "json", "-f", "docx", "-f", "moodle", "-o", str(cli_out), "-q",
        ],
        env={"SOURCE_DATE_EPOCH": "1700000000"},
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    for name in made:
        ours = (folder / name).read_bytes()
        assert ours == (cli_out / Path(name).name).read_bytes(), name


def test_an_external_edit_is_shown_not_overwritten(server, page, folder):
    expect = playwright_api.expect
    page.goto(f"{server}/?token={TOKEN}#squares.yaml")
    expect(page.locator("#file-name")).to_have_text("squares.yaml")
    path = folder / "squares.yaml"
    path.write_text(path.read_text() + "# edited elsewhere\n", encoding="utf-8")
    set_text(page, GOOD)
    page.click("#save")
    expect(page.locator("#changed")).to_be_visible()
    assert path.read_text().endswith("# edited elsewhere\n")


def test_the_anki_look_shows_the_card_front_and_back(server, page, folder, tmp_path):
    expect = playwright_api.expect
    (folder / "squares.yaml").write_text(GOOD, encoding="utf-8")
    page.goto("about:blank")  # a fresh page: the test before left unsaved text
    page.goto(f"{server}/?token={TOKEN}#squares.yaml")
    expect(page.locator("#file-name")).to_have_text("squares.yaml")
    page.select_option("#look", "anki")
    expect(page.locator("#left-head")).to_have_text("Card front")
    expect(page.locator("#student")).to_contain_text("What is")
    expect(page.locator("#key .katex").first).to_be_visible()
    expect(page.locator("#key")).to_contain_text("version 1 of 5")  # the source line
    shot(page, "anki", tmp_path)
    page.select_option("#look", "moodle")
    expect(page.locator("#left-head")).to_have_text("Moodle question")
    expect(page.locator("#student input.moodle-blank")).to_have_count(1)
    expect(page.locator("#key")).to_contain_text("The correct answer: 64")
    shot(page, "moodle", tmp_path)


def test_the_fields_of_the_question_type_are_offered_from_the_schema(server, page, folder):
    expect = playwright_api.expect
    (folder / "squares.yaml").write_text(GOOD, encoding="utf-8")
    page.goto("about:blank")
    page.goto(f"{server}/?token={TOKEN}#squares.yaml")
    expect(page.locator("#file-name")).to_have_text("squares.yaml")
    page.click(".cm-content")
    page.keyboard.press("Control+End")
    page.keyboard.press("ArrowUp")  # inside the question
    expect(page.locator("#fields-head")).to_have_text("Fields of a numerical question:")
    expect(page.locator("#field-list button", has_text="answer")).to_have_class("field used")
    page.locator("#field-list button", has_text="tolerance").click()
    assert re.search(r"\n    tolerance: \n", editor_text(page))
    page.keyboard.type("0.5")
    expect(page.locator("#problems li")).to_have_count(0)
    page.keyboard.press("Control+Home")
    expect(page.locator("#fields-head")).to_have_text("Bank fields:")


def fresh(page, server, folder) -> None:
    (folder / "squares.yaml").write_text(GOOD, encoding="utf-8")
    page.goto("about:blank")  # a fresh page: a test before may have left unsaved text
    page.goto(f"{server}/?token={TOKEN}#squares.yaml")
    playwright_api.expect(page.locator("#file-name")).to_have_text("squares.yaml")


def test_the_editor_completes_field_names_and_values_from_the_schema(
    server, page, folder, tmp_path
):
    expect = playwright_api.expect
    fresh(page, server, folder)
    menu = page.locator(".cm-tooltip-autocomplete")
    # a question's field, typed on a new line inside the question
    page.click(".cm-content")
    page.keyboard.press("Control+End")
    page.keyboard.type("    tol")
    expect(menu).to_be_visible()
    expect(menu.locator("li")).to_have_text(["tolerance"])
    expect(page.locator(".cm-completionInfo")).to_contain_text("How far an answer may be")
    shot(page, "completion", tmp_path)
    page.wait_for_timeout(200)  # CodeMirror takes no Enter in a list's first 75 ms
    page.keyboard.press("Enter")
    assert editor_text(page).endswith("\n    tolerance: ")
    page.keyboard.type("0.5")
    # the values of a field the schema names: a figure's kind
    page.keyboard.press("Enter")
    page.keyboard.type("figure:")
    page.keyboard.press("Enter")
    page.keyboard.type("  kind: ")  # the new line keeps the indent of the one above
    page.keyboard.press("Control+Space")
    expect(menu.locator("li")).to_have_text(
        ["histogram", "boxplot", "scatter", "line", "bar", "function"]
    )
    page.keyboard.type("sc")
    expect(menu.locator("li")).to_have_text(["scatter"])
    page.wait_for_timeout(200)  # CodeMirror takes no Enter in a list's first 75 ms
    page.keyboard.press("Enter")
    assert re.search(r"\n    figure:\n      kind: scatter$", editor_text(page))
    # top level: the bank's fields, not a question's; the ones given are not offered again
    page.keyboard.press("Control+Home")
    page.keyboard.type("t")
    expect(menu).to_be_visible()
    offered = menu.locator("li").all_inner_texts()
    assert "tags" in offered and "tolerance" not in offered and "title" not in offered
    page.keyboard.press("Escape")


def test_the_word_look_shows_the_worksheet_page(server, page, folder, tmp_path):
    expect = playwright_api.expect
    fresh(page, server, folder)
    page.select_option("#look", "word")
    expect(page.locator("#left-head")).to_have_text("Word worksheet page")
    sheet = page.locator("#student")
    expect(sheet.locator(".page-title")).to_have_text("Squares")
    expect(sheet.locator(".student-details")).to_contain_text("Name:")
    expect(sheet.locator(".version-line")).to_contain_text("Version 1 of 5")
    expect(sheet.locator(".question .number")).to_have_text("1.")
    expect(sheet.locator(".points")).to_have_text("(1\u00a0point)")
    expect(sheet.locator(".answer-line")).to_contain_text("Answer:")
    expect(sheet.locator(".katex").first).to_be_visible()
    expect(page.locator("#key .katex").first).to_be_visible()
    box = sheet.bounding_box()
    assert box and 1.3 < box["height"] / box["width"] < 1.5  # an A4 page: 297 / 210
    shot(page, "word", tmp_path)
    page.select_option("#look", "sheet")


def test_without_the_editor_bundle_the_plain_textarea_works(server, page, folder):
    expect = playwright_api.expect
    (folder / "squares.yaml").write_text(GOOD, encoding="utf-8")
    assert page.context.browser is not None
    plain = page.context.browser.new_page()  # its own context: nothing cached
    try:
        plain.route("**/codemirror.min.js", lambda route: route.abort())
        plain.goto(f"{server}/?token={TOKEN}#squares.yaml")
        expect(plain.locator("#file-name")).to_have_text("squares.yaml")
        expect(plain.locator("body")).to_have_attribute("data-editor", "textarea")
        expect(plain.locator(".cm-editor")).to_have_count(0)
        plain.fill("#text", BROKEN)
        expect(plain.locator("#problems li").first).to_contain_text("squares.yaml:11:")
        expect(plain.locator("#gutter b.bad")).to_have_text("11")
        plain.fill("#text", GOOD)
        expect(plain.locator("#problems li")).to_have_count(0)
        expect(plain.locator("#student .katex").first).to_be_visible()
    finally:
        plain.close()


def test_ctrl_s_saves_and_ctrl_z_undoes_in_the_editor(server, page, folder):
    expect = playwright_api.expect
    fresh(page, server, folder)
    page.click(".cm-content")
    page.keyboard.press("Control+End")
    page.keyboard.type("# one\n# two")
    page.keyboard.press("Control+z")  # the last line typed undone
    assert editor_text(page) == GOOD + "# one"
    page.keyboard.press("Control+z")
    assert editor_text(page) == GOOD
    page.keyboard.type("# saved with Ctrl+S")
    page.keyboard.press("Control+s")
    expect(page.locator("#file-name")).to_have_text("squares.yaml")  # no "(not saved)"
    assert (folder / "squares.yaml").read_text().endswith("\n# saved with Ctrl+S")
