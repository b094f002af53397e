"""``-f docx``: Word worksheets, one version per student, and an answer key.

Writes ``OUT/<bank-id>-worksheets.docx`` and ``OUT/<bank-id>-answer-key.docx``. The
modules of this package, in the order data flows through them:

- ``plan``: what each version prints (numbering, shuffles, letters, version code);
- ``worksheet`` and ``answerkey``: the two documents, one section per version;
- ``rich``: bank texts (Markdown, math, images) as Word content, once per distinct text;
- ``styles``: the Word styles they use (kept from a teacher's template when present);
- ``paper``: A4 or Letter, and how the paper is chosen when the teacher does not say;
- ``package`` and ``wordml``: the .docx file itself, streamed in linear time.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from ...model import Bank, GeneratedSet
from .. import register
from ..base import Exporter, ExportOptions, OutputSink
from .answerkey import write_answer_key
from .options import DOCX_TEMPLATE, DUPLEX, KEY, PAPER, SHUFFLE, WORKSHEET_OPTIONS
from .package import template_page_size
from .paper import PaperChoice, choose_paper
from .plan import plan_versions
from .rich import Warner
from .template_check import check_template
from .worksheet import write_worksheets


def check_options(options: ExportOptions, warn: Callable[[str], None]) -> None:
    """What every format that prints worksheets checks before anything is drawn."""
    # A teacher's template is a stranger's file: refused before anything is drawn or
    # written when it is not a safe .docx/.dotx; what was left out of it is said once.
    if options[DOCX_TEMPLATE]:
        for note in check_template(Path(options[DOCX_TEMPLATE])).notes:
            warn(note)


def paper_choice(bank: Bank, options: ExportOptions) -> PaperChoice:
    return choose_paper(options[PAPER], bank, template=bool(options[DOCX_TEMPLATE]))


def paper_summary(bank: Bank, options: ExportOptions) -> list[str]:
    """ "Paper: A4 (210 × 297 mm)" and why, for the run's summary."""
    choice = paper_choice(bank, options)
    size = None
    if choice.paper is None:  # the template's own size
        size = template_page_size(Path(options[DOCX_TEMPLATE]))
    return [choice.summary(size)]


def write_documents(
    generated: GeneratedSet,
    worksheets: Path,
    key: Path,
    options: ExportOptions,
    warn: Callable[[str], None],
) -> None:
    """The worksheets and the answer key of ``generated``, as .docx files at these paths."""
    roster = tuple(options.roster)
    left_out = roster[generated.count :]
    if left_out:
        warn(
            f"the class list has {len(roster)} names but only {generated.count} "
            f"versions were made: {', '.join(left_out)} "
            f"{'gets' if len(left_out) == 1 else 'get'} no worksheet"
        )
    template = Path(options[DOCX_TEMPLATE]) if options[DOCX_TEMPLATE] else None
    paper = paper_choice(generated.bank, options).paper
    # A formula that cannot be an equation is said once, not once per document.
    warner = Warner(warn)
    # Both documents print the same plans (numbering, orders, codes): made once.
    plans = list(
        plan_versions(
            generated, shuffle=options[SHUFFLE], roster=roster, classes=tuple(options.classes)
        )
    )
    write_worksheets(
        generated,
        worksheets,
        template=template,
        roster=roster,
        duplex=options[DUPLEX],
        shuffle=options[SHUFFLE],
        timestamp=options.timestamp,
        paper=paper,
        classes=tuple(options.classes),
        plans=plans,
        warn=warner,
    )
    write_answer_key(
        generated,
        key,
        template=template,
        roster=roster,
        shuffle=options[SHUFFLE],
        timestamp=options.timestamp,
        paper=paper,
        compact=options[KEY] == "compact",
        plans=plans,
        warn=warner,
    )


@register
class DocxExporter(Exporter):
    name = "docx"
    help = (
        "Word worksheets, one version per student, and an answer key: "
        "OUT/<bank-id>-worksheets.docx and OUT/<bank-id>-answer-key.docx"
    )
    options = WORKSHEET_OPTIONS

    def file_names(self, bank: Bank) -> list[str]:
        return [f"{bank.id}-worksheets.docx", f"{bank.id}-answer-key.docx"]

    def check(self, options: ExportOptions, warn: Callable[[str], None]) -> None:
        check_options(options, warn)

    def summary(self, bank: Bank, options: ExportOptions) -> list[str]:
        return paper_summary(bank, options)

    def write(self, generated: GeneratedSet, sink: OutputSink, options: ExportOptions) -> None:
        worksheets, key = self.file_names(generated.bank)
        write_documents(generated, sink.path(worksheets), sink.path(key), options, sink.warn)
