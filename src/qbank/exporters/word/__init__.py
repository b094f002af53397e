"""``-f docx``: Word worksheets, one version per student, and an answer key.

Writes ``OUT/<bank-id>-worksheets.docx`` and ``OUT/<bank-id>-answer-key.docx``. The
modules of this package, in the order data flows through them:

- ``plan``: what each version prints (numbering, shuffles, letters, version code);
- ``worksheet`` and ``answerkey``: the two documents, one section per version;
- ``styles``: the Word styles they use (kept from a teacher's template when present);
- ``package`` and ``wordml``: the .docx file itself, streamed in linear time.
"""

from __future__ import annotations

from ...model import Bank, GeneratedSet
from .. import register
from ..base import Exporter, ExportOptions, OutputSink
from .answerkey import write_answer_key
from .template_check import check_template
from .worksheet import write_worksheets


@register
class DocxExporter(Exporter):
    name = "docx"
    help = ("Word worksheets, one version per student, and an answer key: "
            "OUT/<bank-id>-worksheets.docx and OUT/<bank-id>-answer-key.docx")

    def file_names(self, bank: Bank) -> list[str]:
        return [f"{bank.id}-worksheets.docx", f"{bank.id}-answer-key.docx"]

    def write(self, generated: GeneratedSet, sink: OutputSink, options: ExportOptions) -> None:
        worksheets, key = self.file_names(generated.bank)
        roster = tuple(options.roster)
        left_out = roster[generated.count:]
        if left_out:
            sink.warn(f"the class list has {len(roster)} names but only {generated.count} "
                      f"versions were made: {', '.join(left_out)} "
                      f"{'gets' if len(left_out) == 1 else 'get'} no worksheet")
        if options.docx_template is not None:
            # Refuses a bad template before anything is written; says what was left out.
            for note in check_template(options.docx_template).notes:
                if note not in getattr(sink, "warnings", ()):  # once a run, not once a bank
                    sink.warn(note)
        write_worksheets(generated, sink.path(worksheets), template=options.docx_template,
                         roster=roster, duplex=options.duplex, shuffle=options.shuffle,
                         timestamp=options.timestamp)
        write_answer_key(generated, sink.path(key), template=options.docx_template,
                         roster=roster, shuffle=options.shuffle, timestamp=options.timestamp)
