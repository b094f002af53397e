"""The options of the Word worksheets, declared once: every format that prints worksheets
(Word, and PDF made from them) lists these same objects."""

from __future__ import annotations

from ..base import Option

DUPLEX = Option(
    "duplex",
    "--duplex",
    is_flag=True,
    default=False,
    help="Word, PDF: start every version on an odd page, for double-sided printing.",
)
SHUFFLE = Option(
    "shuffle",
    "--shuffle",
    is_flag=True,
    default=False,
    content=True,
    help="Word, PDF: shuffle question order and multiple-choice options per version.",
)
DOCX_TEMPLATE = Option(
    "docx_template",
    "--docx-template",
    path=True,
    help="Word, PDF: your own .docx to take styles from (letterhead, fonts, page size).",
)
PAPER = Option(
    "paper",
    "--paper",
    choices=("a4", "letter"),
    help="Word, PDF: the paper to print on. Default: the bank's 'paper:', else the "
    "template's page size, else Letter for a Letter region's language "
    "(en-US, en-CA, es-MX, ...), else A4.",
)
KEY = Option(
    "key",
    "--key",
    choices=("full", "compact"),
    default="full",
    help="Word, PDF: the answer key with worked solutions (full), or only the "
    "answers, several versions to a page (compact). Default: full.",
)

WORKSHEET_OPTIONS = (DUPLEX, SHUFFLE, DOCX_TEMPLATE, PAPER, KEY)
