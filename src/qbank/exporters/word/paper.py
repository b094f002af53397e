"""The paper worksheets are printed on: A4 or US Letter, and how it is chosen.

In this order: ``--paper``; the bank's ``paper:``; the page size of the ``--docx-template``;
Letter when the bank's ``language:`` names a region that prints on Letter (``en-US``,
``es-MX``, ...); else A4, the size most of the world prints on. Never the machine's
settings: the same command makes the same files on every computer.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ...model import Bank


@dataclass(frozen=True)
class Paper:
    #: The name a teacher writes (``--paper a4``, ``paper: letter``).
    name: str
    label: str
    #: Portrait page size in twips (1/1440 inch), as Word's w:pgSz holds it.
    width: int
    height: int
    #: Word's paper code (w:pgSz/@w:code), which printer drivers read to pick the tray.
    code: int
    size: str

    def describe(self) -> str:
        return f"{self.label} ({self.size})"


A4 = Paper("a4", "A4", 11906, 16838, 9, "210 × 297 mm")
LETTER = Paper("letter", "Letter", 12240, 15840, 1, "8.5 × 11 in")
PAPERS = {paper.name: paper for paper in (A4, LETTER)}

#: The regions that print on US Letter, from CLDR's supplementalData.xml
#: (``<paperSize type="US-Letter" territories="...">``, CLDR 44-46); everywhere else uses A4.
LETTER_REGIONS = frozenset(
    ["BZ", "CA", "CL", "CO", "CR", "GT", "MX", "NI", "PA", "PH", "PR", "SV", "US", "VE"]
)

_REGION = re.compile(r"^(?:[A-Za-z]{2}|\d{3})$")


def region_of(language: str) -> str | None:
    """The region of a language tag: ``en-US`` → ``US``, ``zh-Hant-TW`` → ``TW``."""
    for subtag in language.replace("_", "-").split("-")[1:]:
        if _REGION.match(subtag):
            return subtag.upper()
    return None


def paper_of_language(language: str) -> Paper:
    return LETTER if region_of(language) in LETTER_REGIONS else A4


def template_paper(width: int, height: int) -> Paper | None:
    """A4 or Letter when a template's page is one of them (either way round, to 2 mm)."""
    short, long = sorted((width, height))
    for paper in PAPERS.values():
        if abs(short - paper.width) <= 113 and abs(long - paper.height) <= 113:
            return paper
    return None


@dataclass(frozen=True)
class PaperChoice:
    """The paper of one bank's documents, and why it was chosen."""

    #: None: keep the template's own page size (which may be neither A4 nor Letter).
    paper: Paper | None
    reason: str

    def summary(self, template_size: tuple[int, int] | None = None) -> str:
        """ "Paper: A4 (210 × 297 mm)", and where that came from unless the teacher said so."""
        if self.paper is not None:
            text = f"Paper: {self.paper.describe()}"
        else:
            width, height = sorted(template_size or (0, 0))
            known = template_paper(width, height)
            text = (
                f"Paper: {known.describe()}" if known else f"Paper: {_mm(width)} × {_mm(height)} mm"
            )
        return f"{text}{self.reason}"


def _mm(twips: int) -> str:
    return f"{twips * 25.4 / 1440:.0f}"


def choose_paper(option: str | None, bank: Bank, *, template: bool) -> PaperChoice:
    """The paper for ``bank``'s documents (see the module's docstring for the order)."""
    if option:
        return PaperChoice(PAPERS[option.lower()], "")
    if bank.paper:
        return PaperChoice(PAPERS[bank.paper], ", as the bank's 'paper:' says")
    if template:
        return PaperChoice(None, ", as in the Word template")
    paper = paper_of_language(bank.language)
    if paper is LETTER:
        return PaperChoice(
            paper, f", usual for the bank's language {bank.language}; --paper a4 for A4"
        )
    return PaperChoice(paper, "; --paper letter for US Letter")
