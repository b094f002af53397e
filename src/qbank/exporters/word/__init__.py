"""``-f docx``: Word worksheets, one version per student, and an answer key.

Writes ``OUT/<bank-id>-worksheets.docx`` and ``OUT/<bank-id>-answer-key.docx``. The
modules of this package, in the order data flows through them:

- ``plan``: what each version prints (numbering, shuffles, letters, version code);
- ``worksheet`` and ``answerkey``: the two documents, one section per version;
- ``styles``: the Word styles they use (kept from a teacher's template when present);
- ``package`` and ``wordml``: the .docx file itself, streamed in linear time.
"""

from __future__ import annotations

from pathlib import Path
from typing import Callable

from ...model import Bank, GeneratedSet
from .. import register
from ..base import Exporter, ExportOptions, OutputSink
from .answerkey import write_answer_key
from .options import DOCX_TEMPLATE, DUPLEX, SHUFFLE, WORKSHEET_OPTIONS
from .template_check import check_template
from .worksheet import write_worksheets


@register
class DocxExporter(Exporter):
    name = "docx"
    help = ("Word worksheets, one version per student, and an answer key: "
            "OUT/<bank-id>-worksheets.docx and OUT/<bank-id>-answer-key.docx")
    options = WORKSHEET_OPTIONS

    def file_names(self, bank: Bank) -> list[str]:
        return [f"{bank.id}-worksheets.docx", f"{bank.id}-answer-key.docx"]

    def check(self, options: ExportOptions, warn: Callable[[str], None]) -> None:
        # A teacher's template is a stranger's file: refused before anything is drawn or
        # written when it is not a safe .docx/.dotx; what was left out of it is said once.
        if options[DOCX_TEMPLATE]:
            for note in check_template(Path(options[DOCX_TEMPLATE])).notes:
                warn(note)

    def write(self, generated: GeneratedSet, sink: OutputSink, options: ExportOptions) -> None:
        worksheets, key = self.file_names(generated.bank)
        roster = tuple(options.roster)
        left_out = roster[generated.count:]
        if left_out:
            sink.warn(f"the class list has {len(roster)} names but only {generated.count} "
                      f"versions were made: {', '.join(left_out)} "
                      f"{'gets' if len(left_out) == 1 else 'get'} no worksheet")
        template = Path(options[DOCX_TEMPLATE]) if options[DOCX_TEMPLATE] else None
        write_worksheets(generated, sink.path(worksheets), template=template,
                         roster=roster, duplex=options[DUPLEX], shuffle=options[SHUFFLE],
                         timestamp=options.timestamp, classes=tuple(options.classes))
        write_answer_key(generated, sink.path(key), template=template,
                         roster=roster, shuffle=options[SHUFFLE], timestamp=options.timestamp)
