"""``-f qti``: IMS QTI 1.2 as Canvas imports it (``OUT/<bank-id>-qti.zip``).

One zip with ``imsmanifest.xml``, one assessment (``<ident>/<ident>.xml``) and its Canvas
settings (``<ident>/assessment_meta.xml``), and the images the texts show. Fixed questions
are items of the quiz; each randomised question is a section holding its variants of
which Canvas picks one per student (``selection_number`` 1). Canvas's own question types
are named in each item's metadata. See ``docs/qti.md`` for teachers.

Modules: :mod:`.items` builds one ``<item>`` per variant (one builder per question type);
:mod:`.package` writes the manifest, the quiz settings and the zip.
"""

from __future__ import annotations

from ...model import Bank, GeneratedSet
from .. import register
from ..base import Exporter, ExportOptions, OutputSink
from .package import write_qti_zip


@register
class QtiExporter(Exporter):
    name = "qti"
    help = "IMS QTI 1.2 for Canvas (also Blackboard, Brightspace): OUT/<bank-id>-qti.zip"

    def file_names(self, bank: Bank) -> list[str]:
        return [f"{bank.id}-qti.zip"]

    def write(self, generated: GeneratedSet, sink: OutputSink, options: ExportOptions) -> None:
        with sink.open(self.file_names(generated.bank)[0], "wb") as fh:
            write_qti_zip(generated, fh, timestamp=options.timestamp, warn=sink.warn)


__all__ = ["QtiExporter", "write_qti_zip"]
