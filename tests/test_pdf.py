"""-f pdf: the worksheets and the key as PDF through LibreOffice, and what happens without it.

The real conversions need LibreOffice and poppler's pdfinfo/pdftotext (installed by
.ci/run); the tests of a missing, failing, slow or old LibreOffice use a stand-in script.
"""

from __future__ import annotations

import os
import re
import shutil
import stat
import subprocess
import time
from pathlib import Path

import pytest

from conftest import load_record, run_cli, soffice_or_skip
from qbank import limits
from qbank.exporters import pdf as pdf_format
from qbank.exporters.pdf import INSTALL_LIBREOFFICE, export_filter


def pdfinfo(path: Path) -> dict[str, str]:
    out = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
    return dict(line.split(":", 1) for line in out.splitlines() if ":" in line)


def page_size(path: Path, page: int = 1) -> tuple[float, float]:
    out = subprocess.run(
        ["pdfinfo", "-f", str(page), "-l", str(page), str(path)],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    found = re.search(rf"Page\s+{page} size:\s+([\d.]+) x ([\d.]+) pts", out)
    return round(float(found.group(1))), round(float(found.group(2)))


def pages_text(path: Path) -> list[str]:
    """The text of every page (pdftotext -f p -l p, all at once: pages end with a form feed)."""
    out = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
    return out.split("\f")[:-1]


def first_pages(pages: list[str], count: int) -> list[int]:
    """The 1-based page on which each version k of count starts ("Version k of N")."""
    return [
        next(
            i
            for i, page in enumerate(pages, start=1)
            if re.search(rf"Version {k} of {count}\b", page)
        )
        for k in range(1, count + 1)
    ]


@pytest.fixture(scope="module")
def needs_libreoffice():
    soffice_or_skip()
    if shutil.which("pdfinfo") is None or shutil.which("pdftotext") is None:
        pytest.skip("poppler's pdfinfo and pdftotext are not installed")


ONE_PAGE = """\
id: one-page
title: One page a version
questions:
  - id: sum
    type: numerical
    params:
      x: {min: 1, max: 9}
    text: "What is {{ x }} + {{ x }}?"
    answer: x + x
    unit: "°C"
"""


@pytest.fixture(scope="module")
def duplex_run(needs_libreoffice, tmp_path_factory):
    """A bank whose versions fill one page each, 3 versions, --duplex, on Letter, with the
    JSON record of the same run; and the same without --duplex."""
    folder = tmp_path_factory.mktemp("duplex")
    bank = folder / "one-page.yaml"
    bank.write_text(ONE_PAGE, encoding="utf-8")
    common = [
        "generate",
        bank,
        "-n",
        "3",
        "--seed",
        "5",
        "-f",
        "pdf",
        "-f",
        "json",
        "--paper",
        "letter",
    ]
    result = run_cli(*common, "--duplex", "-o", folder / "duplex")
    run_cli(*common, "-o", folder / "simplex")
    return folder, result


@pytest.mark.libreoffice
def test_duplex_pdf_starts_every_version_on_an_odd_page(duplex_run):
    folder, result = duplex_run
    pdf = folder / "duplex" / "one-page-worksheets.pdf"
    pages = pages_text(pdf)
    assert int(pdfinfo(pdf)["Pages"]) == len(pages)
    starts = first_pages(pages, 3)
    assert starts == [1, 3, 5]  # the front of a sheet each
    assert not pages[1].strip() and not pages[3].strip()  # the blank backs are kept
    assert f"Wrote {folder / 'duplex' / 'one-page-worksheets.pdf'}" in result.output
    assert "Paper: Letter (8.5 × 11 in)" in result.output


@pytest.mark.libreoffice
def test_without_duplex_the_pdf_has_no_blank_pages(duplex_run):
    pages = pages_text(duplex_run[0] / "simplex" / "one-page-worksheets.pdf")
    assert len(pages) == 3 and all(page.strip() for page in pages)
    assert first_pages(pages, 3) == [1, 2, 3]


@pytest.mark.libreoffice
def test_pdf_pages_are_the_paper_asked_for(duplex_run, tmp_path):
    folder, _ = duplex_run
    assert page_size(folder / "duplex" / "one-page-worksheets.pdf") == (612, 792)  # 8.5 × 11 in
    assert page_size(folder / "duplex" / "one-page-answer-key.pdf") == (792, 612)  # the grid
    assert page_size(folder / "duplex" / "one-page-answer-key.pdf", 2) == (612, 792)
    run_cli(
        "generate",
        folder / "one-page.yaml",
        "-n",
        "1",
        "--seed",
        "5",
        "-f",
        "pdf",
        "--paper",
        "a4",
        "-o",
        tmp_path,
    )
    assert page_size(tmp_path / "one-page-worksheets.pdf") == (595, 842)  # 210 × 297 mm
    assert page_size(tmp_path / "one-page-answer-key.pdf") == (842, 595)


@pytest.mark.libreoffice
def test_the_pdf_key_holds_every_answer_of_the_record(duplex_run):
    out = duplex_run[0] / "duplex"
    record = load_record(out / "one-page.json")
    pages = pages_text(out / "one-page-answer-key.pdf")
    for k, version in enumerate(record["versions"], start=1):
        (q,) = version["questions"]
        assert q["answer_text"].endswith(" °C")
        assert q["answer_text"] in pages[k]  # version k's key: page k + 1


@pytest.mark.libreoffice
def test_a_class_of_30_compact_key_on_a4(needs_libreoffice, tmp_path):
    """The built-in bank, 30 versions, the compact key: the whole marking grid on its first
    page, the answers of ten versions to each page after it."""
    started = time.monotonic()
    result = run_cli(
        "generate",
        "-n",
        "30",
        "--seed",
        "7",
        "-f",
        "pdf",
        "-f",
        "json",
        "--key",
        "compact",
        "-o",
        tmp_path,
    )
    seconds = time.monotonic() - started
    key = tmp_path / "open-vs-closed-ai-answer-key.pdf"
    pages = pages_text(key)
    record = load_record(tmp_path / "open-vs-closed-ai.json")
    codes = re.findall(r"V\d\d-[0-9A-F]{4}", pages[0])
    assert len(set(codes)) == 30  # the whole grid on page 1
    assert len(pages) == 4  # the grid, then 3 pages of 10 versions
    assert all(page_size(key, p) == (842, 595) for p in (1, 2, 4))
    for page, first in zip(pages[1:], (1, 11, 21)):
        assert f"Answers: versions {first} to {first + 9}" in page
    answers = " ".join(" ".join(pages[1:]).split())
    for version in record["versions"]:
        for q in version["questions"]:
            if q["type"] == "numerical":  # a column may wrap "225,000 requests"
                assert q["answer_text"].split()[0] in answers
    assert page_size(tmp_path / "open-vs-closed-ai-worksheets.pdf") == (595, 842)
    assert "Paper: A4 (210 × 297 mm)" in result.output
    print(f"30 versions of the built-in bank as PDF: {seconds:.1f} s")


# --- without LibreOffice, or with a broken one ------------------------------------------------


def nothing_in(folder: Path) -> bool:
    return not folder.exists() or not any(folder.iterdir())


def fake_soffice(folder: Path, script: str) -> Path:
    """A stand-in 'soffice' on the PATH, running ``script`` (sh)."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "soffice"
    path.write_text("#!/bin/sh\n" + script)
    path.chmod(path.stat().st_mode | stat.S_IEXEC)
    return path


@pytest.fixture()
def only_fake(monkeypatch, tmp_path):
    """A PATH with nothing but the stand-in's folder (and the basic tools)."""
    folder = tmp_path / "bin"
    folder.mkdir()
    monkeypatch.setenv("PATH", f"{folder}{os.pathsep}/usr/bin{os.pathsep}/bin")
    monkeypatch.setattr(
        pdf_format.shutil,
        "which",
        lambda name: str(folder / name) if (folder / name).exists() else None,
    )
    monkeypatch.delenv("PROGRAMFILES", raising=False)
    return folder


def test_without_libreoffice_a_clear_message_before_anything_is_done(only_fake, tmp_path):
    out = tmp_path / "out"
    result = run_cli("generate", "-f", "docx", "-f", "pdf", "-o", out, expect=1)
    assert "Error: -f pdf needs LibreOffice" in result.output
    for how in (
        "sudo apt install libreoffice-writer-nogui",
        "brew install --cask libreoffice",
        "https://www.libreoffice.org/download/",
    ):
        assert how in result.output
    assert "Traceback" not in result.output and "Seed:" not in result.output  # nothing drawn
    assert not out.exists()
    assert INSTALL_LIBREOFFICE.startswith("-f pdf needs LibreOffice")


def test_all_formats_do_not_need_libreoffice(only_fake, tmp_path):
    result = run_cli("generate", "--seed", "1", "-o", tmp_path)
    assert not list(tmp_path.glob("*.pdf")) and list(tmp_path.glob("*.docx"))
    assert "pdf" not in result.output.lower().replace("paper", "")


def test_a_failing_libreoffice_is_reported_and_nothing_is_written(only_fake, tmp_path):
    fake_soffice(only_fake, 'echo "Error: source file could not be loaded" >&2\nexit 1\n')
    result = run_cli("generate", "-f", "pdf", "-o", tmp_path / "out", expect=1)
    assert "LibreOffice did not make open-vs-closed-ai-worksheets.pdf" in result.output
    assert "source file could not be loaded" in result.output
    assert nothing_in(tmp_path / "out")


def test_a_libreoffice_that_hangs_is_stopped(only_fake, tmp_path, monkeypatch):
    marker = tmp_path / "child-alive"
    # soffice starts a child (as the real one starts soffice.bin) and never finishes
    fake_soffice(only_fake, f'(sleep 5; touch "{marker}") &\nsleep 30\n')
    monkeypatch.setattr(limits, "PDF_SECONDS", 0.5)
    monkeypatch.setattr(limits, "PDF_SECONDS_PER_VERSION", 0.0)
    started = time.monotonic()
    result = run_cli("generate", "-f", "pdf", "-o", tmp_path / "out", expect=1)
    assert time.monotonic() - started < 10
    assert "LibreOffice took longer than 0.5 seconds" in result.output
    time.sleep(6)
    assert not marker.exists()  # its child was stopped too
    assert nothing_in(tmp_path / "out")


def test_duplex_needs_libreoffice_7_4(only_fake, tmp_path):
    fake_soffice(only_fake, 'echo "LibreOffice 7.3.7.2 30(Build:2)"\n')
    result = run_cli("generate", "-f", "pdf", "--duplex", "-o", tmp_path / "out", expect=1)
    assert "needs LibreOffice 7.4 or newer" in result.output and "7.3.7.2" in result.output


def test_the_filter_keeps_blank_pages_only_for_duplex():
    assert export_filter(True) == (
        'pdf:writer_pdf_Export:{"IsSkipEmptyPages":{"type":"boolean","value":"false"}}'
    )
    assert '"value":"true"' in export_filter(False)


COPYING_SOFFICE = """\
out=""; files=""
while [ $# -gt 0 ]; do
  case "$1" in
    --outdir) out="$2"; shift ;;
    *.docx) files="$files $1" ;;
  esac
  shift
done
for f in $files; do
  echo "%PDF-1.4 made from $(basename "$f")" > "$out/$(basename "$f" .docx).pdf"
done
"""


def test_the_pdf_files_come_from_the_word_files_and_share_their_warnings(only_fake, tmp_path):
    """A stand-in LibreOffice that copies: the PDF files land in OUT beside the Word files,
    made from Word files of the same names, and a template's warning is said once."""
    from test_docx_template_safety import hostile_letterhead

    fake_soffice(only_fake, COPYING_SOFFICE)
    out = tmp_path / "out"
    result = run_cli(
        "generate",
        "-n",
        "2",
        "--seed",
        "1",
        "-f",
        "docx",
        "-f",
        "pdf",
        "-o",
        out,
        "--docx-template",
        hostile_letterhead(tmp_path / "letterhead.dotx"),
    )
    assert result.output.count("Warning: ") == 2
    for name in ("worksheets", "answer-key"):
        made = (out / f"open-vs-closed-ai-{name}.pdf").read_text()
        assert made.strip() == f"%PDF-1.4 made from open-vs-closed-ai-{name}.docx"
        assert (out / f"open-vs-closed-ai-{name}.docx").exists()
    assert result.output.count("Paper: A4 (210 × 297 mm), as in the Word template") == 1
