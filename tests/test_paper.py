"""The paper: --paper, the bank's 'paper:', the template's page size, the bank's language.

A4 is 210 × 297 mm (11906 × 16838 twips in Word's w:pgSz), US Letter 8.5 × 11 in (12240 ×
15840). The choice never depends on the machine, and the run's summary says which it is.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

import docx
import pytest
from docx.shared import Emu, Mm
from lxml import etree

from conftest import FIXTURES, bank_from_text, run_cli
from qbank.errors import BankInvalid
from qbank.exporters.word.paper import (
    A4,
    LETTER,
    LETTER_REGIONS,
    choose_paper,
    paper_of_language,
    region_of,
)

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
A4_TWIPS, LETTER_TWIPS = (11906, 16838), (12240, 15840)

BANK = """\
id: paper-test
title: Paper
{extra}
questions:
  - id: q1
    type: numerical
    params:
      x: {{min: 1, max: 9}}
    text: "What is {{{{ x }}}} + 1?"
    answer: x + 1
"""


def write_bank(folder: Path, extra: str = "") -> Path:
    path = folder / "paper.yaml"
    path.write_text(BANK.format(extra=extra), encoding="utf-8")
    return path


def page_sizes(path: Path) -> list[tuple[int, int, str | None]]:
    """(width, height, orientation) of every section of a .docx, as Word reads them."""
    with zipfile.ZipFile(path) as package:
        root = etree.fromstring(package.read("word/document.xml"))
    sizes = []
    for size in root.iter(f"{W}pgSz"):
        sizes.append((int(size.get(f"{W}w")), int(size.get(f"{W}h")), size.get(f"{W}orient")))
    return sizes


def portrait_and_landscape(path: Path) -> set[tuple[int, int]]:
    """The portrait page size of every section (a landscape section turned back)."""
    return {(min(w, h), max(w, h)) for w, h, _ in page_sizes(path)}


def generate(folder: Path, bank: Path | None, *args: str):
    out = folder / "out"
    result = run_cli(
        "generate",
        *([bank] if bank else []),
        "-f",
        "docx",
        "-n",
        "2",
        "--seed",
        "1",
        "-o",
        out,
        *args,
    )
    name = "paper-test" if bank else "open-vs-closed-ai"
    return result, out / f"{name}-worksheets.docx", out / f"{name}-answer-key.docx"


# --- how the paper is chosen -----------------------------------------------------------------


@pytest.mark.parametrize(
    "language, region",
    [
        ("en-US", "US"),
        ("en-us", "US"),
        ("es-MX", "MX"),
        ("zh-Hant-TW", "TW"),
        ("es-419", "419"),
        ("en", None),
        ("fr", None),
        ("sr-Latn", None),
        ("en_CA", "CA"),
    ],
)
def test_region_of_a_language_tag(language, region):
    assert region_of(language) == region


@pytest.mark.parametrize(
    "language",
    ["en-US", "en-CA", "fr-CA", "es-MX", "es-CO", "es-CL", "en-PH", "es-PR", "es-VE", "es-GT"],
)
def test_letter_regions(language):
    assert paper_of_language(language) is LETTER


@pytest.mark.parametrize(
    "language",
    [
        "en",
        "en-GB",
        "en-AU",
        "en-IN",
        "fr",
        "fr-FR",
        "de-DE",
        "es",
        "es-ES",
        "es-AR",
        "pt-BR",
        "zh-Hant-TW",
        "es-419",
    ],
)
def test_a4_everywhere_else(language):
    assert paper_of_language(language) is A4


def test_the_letter_regions_are_cldrs():
    assert {
        "BZ",
        "CA",
        "CL",
        "CO",
        "CR",
        "GT",
        "MX",
        "NI",
        "PA",
        "PH",
        "PR",
        "SV",
        "US",
        "VE",
    } == LETTER_REGIONS


def test_the_order_option_bank_template_language():
    us = bank_from_text(BANK.format(extra="language: en-US"))
    fixed = bank_from_text(BANK.format(extra="language: en-US\npaper: A4"))
    assert choose_paper(None, us, template=False).paper is LETTER
    assert choose_paper("a4", us, template=False).paper is A4
    assert choose_paper(None, fixed, template=False).paper is A4
    assert choose_paper("letter", fixed, template=True).paper is LETTER
    assert choose_paper(None, fixed, template=True).paper is A4  # the bank beats the template
    assert choose_paper(None, us, template=True).paper is None  # the template's own size


def test_a_bank_paper_other_than_a4_or_letter_is_a_problem_at_its_line():
    with pytest.raises(BankInvalid) as caught:
        bank_from_text(BANK.format(extra="paper: b5"))
    (problem,) = caught.value.problems
    assert problem.line == 3 and "should be a4 or letter" in problem.message


# --- what the files hold -----------------------------------------------------------------------


def test_paper_a4_gives_a4_pages_in_every_section(tmp_path):
    result, sheets, key = generate(tmp_path, None, "--paper", "a4")
    for path in (sheets, key):
        assert portrait_and_landscape(path) == {A4_TWIPS}
    assert all(orient is None and (w, h) == A4_TWIPS for w, h, orient in page_sizes(sheets))
    # the marking grid is a landscape A4 page
    assert page_sizes(key)[0] == (16838, 11906, "landscape")
    assert "Paper: A4 (210 × 297 mm)" in result.output
    section = docx.Document(str(sheets)).sections[0]
    assert round(section.page_width.mm) == 210 and round(section.page_height.mm) == 297
    # margins of 19 mm on every side: the text is 172 mm wide on A4, 178 mm on Letter
    assert round(section.left_margin.mm) == round(section.right_margin.mm) == 19
    assert round(Emu(section.page_width - section.left_margin - section.right_margin).mm) == 172


def test_paper_letter_gives_letter_pages(tmp_path):
    result, sheets, key = generate(tmp_path, None, "--paper", "LETTER")
    for path in (sheets, key):
        assert portrait_and_landscape(path) == {LETTER_TWIPS}
    assert page_sizes(key)[0] == (15840, 12240, "landscape")
    assert "Paper: Letter (8.5 × 11 in)" in result.output
    section = docx.Document(str(sheets)).sections[0]
    assert section.page_width.inches == 8.5 and section.page_height.inches == 11


def test_without_a_choice_the_default_bank_is_a4_and_says_how_to_change(tmp_path):
    result, sheets, _ = generate(tmp_path, None)
    assert portrait_and_landscape(sheets) == {A4_TWIPS}
    assert "Paper: A4 (210 × 297 mm); --paper letter for US Letter" in result.output


@pytest.mark.parametrize(
    "language, size",
    [
        ("en-US", LETTER_TWIPS),
        ("en-CA", LETTER_TWIPS),
        ("es-MX", LETTER_TWIPS),
        ("en-GB", A4_TWIPS),
        ("fr", A4_TWIPS),
    ],
)
def test_the_banks_language_picks_the_paper(tmp_path, language, size):
    result, sheets, key = generate(tmp_path, write_bank(tmp_path, f"language: {language}"))
    assert portrait_and_landscape(sheets) == portrait_and_landscape(key) == {size}
    if size == LETTER_TWIPS:
        assert (
            f"Paper: Letter (8.5 × 11 in), usual for the bank's language {language}; "
            "--paper a4 for A4"
        ) in result.output


def test_the_banks_paper_field_beats_its_language_and_the_option_beats_both(tmp_path):
    bank = write_bank(tmp_path, "language: en-US\npaper: a4")
    result, sheets, _ = generate(tmp_path, bank)
    assert portrait_and_landscape(sheets) == {A4_TWIPS}
    assert "Paper: A4 (210 × 297 mm), as the bank's 'paper:' says" in result.output
    result, sheets, _ = generate(tmp_path, bank, "--paper", "letter")
    assert portrait_and_landscape(sheets) == {LETTER_TWIPS}


def template(folder: Path, width_mm: float, height_mm: float) -> Path:
    document = docx.Document()
    section = document.sections[0]
    section.page_width, section.page_height = Mm(width_mm), Mm(height_mm)
    section.left_margin = section.right_margin = Mm(25)
    path = folder / f"template-{width_mm:g}x{height_mm:g}.docx"
    document.save(str(path))
    return path


def test_a_templates_page_size_is_kept(tmp_path):
    bank = write_bank(tmp_path, "language: en-US")  # would be Letter without the template
    result, sheets, key = generate(tmp_path, bank, "--docx-template", template(tmp_path, 210, 297))
    assert portrait_and_landscape(sheets) == portrait_and_landscape(key) == {A4_TWIPS}
    assert "Paper: A4 (210 × 297 mm), as in the Word template" in result.output
    # a size that is neither A4 nor Letter (US Legal) is kept as it is, and named in mm
    result, sheets, _ = generate(
        tmp_path, bank, "--docx-template", template(tmp_path, 215.9, 355.6)
    )
    assert portrait_and_landscape(sheets) == {(12240, 20160)}
    assert "Paper: 216 × 356 mm, as in the Word template" in result.output
    # the template's margins stay; --paper changes only the size
    result, sheets, _ = generate(
        tmp_path, bank, "--paper", "letter", "--docx-template", template(tmp_path, 210, 297)
    )
    section = docx.Document(str(sheets)).sections[0]
    assert portrait_and_landscape(sheets) == {LETTER_TWIPS}
    assert round(section.left_margin.mm) == 25


def test_the_paper_is_not_printed_when_quiet_or_for_other_formats(tmp_path):
    result = run_cli("generate", "-q", "-f", "docx", "--seed", "1", "-o", tmp_path / "a")
    assert result.output == ""
    result = run_cli("generate", "-f", "json", "--seed", "1", "-o", tmp_path / "b")
    assert "Paper" not in result.output


def test_two_banks_with_different_papers_each_say_theirs(tmp_path):
    us = tmp_path / "us"
    us.mkdir()
    result = run_cli(
        "generate",
        write_bank(us, "language: en-US"),
        FIXTURES / "good" / "every-type.yaml",
        "-f",
        "docx",
        "--seed",
        "1",
        "-o",
        tmp_path / "out",
    )
    assert (
        "Paper: Letter (8.5 × 11 in), usual for the bank's language en-US; --paper a4 "
        "for A4 (paper-test)"
    ) in result.output
    assert "Paper: A4 (210 × 297 mm); --paper letter for US Letter (every-type)" in result.output
