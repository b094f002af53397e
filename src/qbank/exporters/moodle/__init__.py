"""``-f moodle``: Moodle XML to import into a Moodle question bank.

Writes ``OUT/<bank-id>-moodle.xml``: one category per randomised question holding its N
variants (so a quiz can draw one "random question" per student), one category for the
bank's fixed questions, and every question type in the form Moodle's XML importer
(``question/format/xml/format.php``) reads. See ``docs/moodle.md`` for teachers.

Modules: :mod:`.writer` streams the file; :mod:`.layout` names categories and questions;
:mod:`.questions` builds one ``<question>`` per variant; :mod:`.markup`, :mod:`.grades` and
:mod:`.cloze` hold Moodle's rules for text, answer grades and cloze blanks;
:mod:`.calculated` translates numerical templates for ``--moodle-calculated``.
"""

from __future__ import annotations

from ...model import Bank, GeneratedSet
from .. import register
from ..base import Exporter, ExportOptions, Option, OutputSink
from .writer import write_moodle_xml

MOODLE_CALCULATED = Option(
    "moodle_calculated",
    "--moodle-calculated",
    is_flag=True,
    default=False,
    help="Moodle: write numerical templates as Moodle 'calculated' questions.",
)


@register
class MoodleExporter(Exporter):
    name = "moodle"
    help = "Moodle XML for a Moodle question bank: OUT/<bank-id>-moodle.xml"
    options = (MOODLE_CALCULATED,)

    def file_names(self, bank: Bank) -> list[str]:
        return [f"{bank.id}-moodle.xml"]

    def write(self, generated: GeneratedSet, sink: OutputSink, options: ExportOptions) -> None:
        with sink.open(self.file_names(generated.bank)[0], "wb") as fh:
            write_moodle_xml(generated, fh, calculated=options[MOODLE_CALCULATED], warn=sink.warn)


__all__ = ["MoodleExporter", "write_moodle_xml"]
