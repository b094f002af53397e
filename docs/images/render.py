"""Make the tutorial's pictures from real outputs: ``make docs-images``.

The starter bank (``qbank new my-first-bank``) is generated with seed 1; then

* the Word worksheet and answer key: LibreOffice -> PDF -> ``pdftoppm``, first page each;
* an Anki card, front and back: the deck imported into a new collection with Anki's own
  library, the card's HTML (with the deck's style) shown by headless Chromium, the
  engine Anki's desktop app shows cards with;
* a Moodle question: its text and choices from the Moodle XML, shown by headless
  Chromium (Moodle wraps them in its own page design);
* README's page with formulas, a table and a picture (tests/fixtures/richtext/bank.yaml).

Needs LibreOffice (soffice), poppler-utils (pdftoppm), Chromium and the test extras (the
``anki`` library); ``.ci/run`` installs the first two. The PNGs are committed: the docs
build does not need any of this.
"""

from __future__ import annotations

import html
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from lxml import etree

HERE = Path(__file__).resolve().parent
SEED = "1"


def run(*args: str | Path | int, cwd: Path | None = None) -> None:
    subprocess.run([str(a) for a in args], cwd=cwd, check=True, capture_output=True, timeout=300)


def to_pdf(soffice: str, docx: Path, work: Path) -> None:
    """``docx`` as a PDF beside it, by LibreOffice with a profile of its own in ``work``."""
    run(
        soffice,
        "--headless",
        f"-env:UserInstallation={(work / 'lo').as_uri()}",
        "--convert-to",
        "pdf",
        "--outdir",
        docx.parent,
        docx,
    )


def page_png(pdf: Path, out: Path, page: int = 1) -> None:
    """One page of ``pdf`` as a PNG 680 pixels wide, as docs/images/worksheet.png."""
    stem = out.with_suffix("")
    run(
        "pdftoppm",
        "-png",
        "-singlefile",
        "-f",
        page,
        "-l",
        page,
        "-scale-to-x",
        "680",
        "-scale-to-y",
        "-1",
        pdf,
        stem,
    )


def html_png(body: str, style: str, out: Path, work: Path, height: int) -> None:
    """``body`` as Chromium shows it in a window 560 pixels wide."""
    page = work / f"{out.stem}.html"
    page.write_text(
        f"<!doctype html><html><head><meta charset='utf-8'>{style}</head>"
        f"<body>{body}</body></html>",
        encoding="utf-8",
    )
    chromium = shutil.which("chromium") or shutil.which("chromium-browser") or "chromium"
    run(
        chromium,
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--hide-scrollbars",
        f"--screenshot={out}",
        f"--window-size=560,{height}",
        page.as_uri(),
    )


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        qbank = [sys.executable, "-m", "qbank"]
        run(*qbank, "new", "my-first-bank", cwd=work)
        run(
            *qbank,
            "generate",
            "my-first-bank.yaml",
            "-n",
            "3",
            "--seed",
            SEED,
            "-o",
            "out",
            cwd=work,
        )
        out = work / "out"
        soffice = shutil.which("soffice") or "soffice"
        for name in ("my-first-bank-worksheets.docx", "my-first-bank-answer-key.docx"):
            to_pdf(soffice, out / name, work)
        page_png(out / "my-first-bank-worksheets.pdf", HERE / "tutorial-worksheet.png")
        page_png(out / "my-first-bank-answer-key.pdf", HERE / "tutorial-answer-key.png", 2)
        anki_cards(out / "my-first-bank.apkg", work)
        moodle_question(out / "my-first-bank-moodle.xml", work)
        rich_worksheet(work, soffice)
        french_worksheet(work, soffice)


def french_worksheet(work: Path, soffice: str) -> None:
    """docs/languages.md's page: the French starter bank (``qbank new --lang fr``)."""
    folder = work / "fr"
    folder.mkdir()
    run(sys.executable, "-m", "qbank", "new", "--lang", "fr", cwd=folder)
    run(
        *[sys.executable, "-m", "qbank", "generate", "ma-banque.yaml", "-n", "3"],
        *["--seed", SEED, "-f", "docx", "-o", "out"],
        cwd=folder,
    )
    out = folder / "out"
    to_pdf(soffice, out / "ma-banque-worksheets.docx", work)
    page_png(out / "ma-banque-worksheets.pdf", HERE / "languages-fr.png")


def rich_worksheet(work: Path, soffice: str) -> None:
    """README's page with formulas, a table and a picture: the rich-text test bank.

    (README's Anki card with typeset math, ``rich-anki-card.png``, is drawn by Anki's own
    reviewer and MathJax with ../shared/tools/real-clients/anki_shots.py from the same
    bank's deck: ``anki_shots.py out/rich-demo.apkg shots --max 12``, the back of the card
    of question "series-matrix", cropped to 800 × 470.)
    """
    bank = HERE.parent.parent / "tests" / "fixtures" / "richtext" / "bank.yaml"
    out = work / "rich"
    run(sys.executable, "-m", "qbank", "generate", bank, "-n", "2", "--seed", SEED, "-o", out)
    to_pdf(soffice, out / "rich-demo-worksheets.docx", work)
    page_png(out / "rich-demo-worksheets.pdf", HERE / "rich-worksheet.png")


def anki_cards(apkg: Path, work: Path) -> None:
    from anki.collection import Collection, ImportAnkiPackageOptions, ImportAnkiPackageRequest

    col = Collection(str(work / "collection.anki2"))
    try:
        col.import_anki_package(
            ImportAnkiPackageRequest(package_path=str(apkg), options=ImportAnkiPackageOptions())
        )
        cards = [col.get_card(cid) for cid in col.find_cards("bus-speed")]
        card = next(c for c in cards if "version 1 of" in c.answer())
        style = "<style>body{margin:0;background:#fff} .card{padding:20px}</style>"
        wrap = '<div class="card">{}</div>'
        html_png(wrap.format(card.question()), style, HERE / "tutorial-anki-front.png", work, 170)
        html_png(wrap.format(card.answer()), style, HERE / "tutorial-anki-back.png", work, 430)
    finally:
        col.close()


def moodle_question(xml: Path, work: Path) -> None:
    root = etree.parse(str(xml), etree.XMLParser(resolve_entities=False, no_network=True))
    question = next(q for q in root.iter("question") if q.get("type") == "multichoice")
    name = question.findtext("name/text") or ""
    text = question.findtext("questiontext/text") or ""
    choices = [a.findtext("text") or "" for a in question.iter("answer")]
    body = (
        f"<div class='que'><div class='info'>Question 1<br><small>Marked out of 1.00"
        f"</small></div><div class='content'><h4>{html.escape(name)}</h4>{text}"
        "<p class='prompt'>Select one:</p>"
        + "".join(
            f"<label><input type='radio' name='a'> {chr(97 + i)}. {c}</label><br>"
            for i, c in enumerate(choices)
        )
        + "</div></div>"
    )
    style = (
        "<style>body{font-family:sans-serif;margin:0;padding:16px;background:#fff}"
        ".que{display:flex;gap:12px}.info{background:#f8f9fa;border:1px solid #dee2e6;"
        "padding:8px;width:110px;font-size:14px}.content{background:#e7f3f5;"
        "padding:12px 16px;flex:1;font-size:15px}.content p{margin:4px 0 10px}"
        "label{line-height:1.9}h4{margin:0 0 8px;font-size:13px;color:#555}</style>"
    )
    html_png(body, style, HERE / "tutorial-moodle.png", work, 220)


if __name__ == "__main__":
    os.environ.setdefault("SOURCE_DATE_EPOCH", "1700000000")
    main()
