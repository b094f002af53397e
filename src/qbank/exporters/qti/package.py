"""The QTI zip: manifest, quiz settings, assessment and images, written reproducibly.

Layout (as text2qti writes it and Canvas exports a quiz, without Canvas's extra copy in
``non_cc_assessments/``)::

    imsmanifest.xml
    <ident>/<ident>.xml              the assessment (questestinterop)
    <ident>/assessment_meta.xml      Canvas's quiz settings
    web_resources/Uploaded Media/qbank-<hash>.png   each image the texts show

Entries are sorted by name and dated from ``options.timestamp`` (``SOURCE_DATE_EPOCH``),
so the same run makes the same bytes. The assessment is streamed item by item
(each serialised, written and dropped) into its zip entry, so memory stays flat.
"""

from __future__ import annotations

import shutil
import tempfile
import time
import zipfile
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from typing import IO, Any

from lxml import etree

from ... import __version__
from ...i18n import _
from ...model import GeneratedSet, Question, Variant
from ...numeric import plain
from ...richtext.html import escape_html
from .items import MEDIA_FOLDER, NS, UNSUPPORTED, ItemWriter, Texts, ident, mattext, q, sub

CC_NS = "http://www.imsglobal.org/xsd/imsccv1p1/imscp_v1p1"
IMSMD_NS = "http://www.imsglobal.org/xsd/imsmd_v1p2"
CANVAS_NS = "http://canvas.instructure.com/xsd/cccv1p0"
XSI_NS = "http://www.w3.org/2001/XMLSchema-instance"
XML_DECLARATION = b'<?xml version="1.0" encoding="UTF-8"?>\n'
# Zip entries cannot be dated before 1980.
_ZIP_EPOCH = 315532800
# The assessment is kept in memory up to this size, then in a temporary file.
_SPOOL = 32 * 1024 * 1024


def write_qti_zip(
    generated: GeneratedSet,
    fh: IO[bytes],
    *,
    timestamp: float | None = None,
    warn: Callable[[str], None] = lambda message: None,
) -> None:
    QtiPackage(generated, timestamp, warn).write(fh)


def _group_title(question: Question, variants: Sequence[Variant]) -> str:
    """The title the variants share; the question id when the title itself varies."""
    titles = {v.title for v in variants}
    return titles.pop() if len(titles) == 1 else question.id


def _nsmap(mapping: dict[str | None, str]) -> Any:
    # lxml takes None for the default namespace; lxml-stubs' type says str only.
    return mapping


class QtiPackage:
    def __init__(
        self, generated: GeneratedSet, timestamp: float | None, warn: Callable[[str], None]
    ) -> None:
        self.generated = generated
        self.bank = generated.bank
        self.stamp = int(timestamp if timestamp is not None else time.time())
        self.warn = warn
        self.texts = Texts(generated.media, generated.bank.math)
        self.items = ItemWriter(self.texts)
        self.ident = ident("qbank", self.bank.id)
        self.folder = self.ident
        skipped = [q for q in self.bank.questions if q.type in UNSUPPORTED]
        self.questions = [q for q in self.bank.questions if q.type not in UNSUPPORTED]
        if skipped:
            names = ", ".join(f"'{q.id}'" for q in skipped)
            self.warn(
                f"QTI: Canvas quizzes have no ordering question; left out {names} "
                "(-f moodle or the Word worksheets have them)"
            )

    def write(self, fh: IO[bytes]) -> None:
        date = time.gmtime(max(self.stamp, _ZIP_EPOCH))[:6]

        def info(name: str) -> zipfile.ZipInfo:
            entry = zipfile.ZipInfo(name, date_time=date)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.create_system = 3  # the same bytes whichever system writes the file
            entry.external_attr = 0o644 << 16
            return entry

        assessment = f"{self.folder}/{self.ident}.xml"
        meta = f"{self.folder}/assessment_meta.xml"
        # The assessment is written first (into a temporary file): writing it finds the
        # images the texts show, which the manifest lists. Then every entry, sorted.
        with tempfile.SpooledTemporaryFile(max_size=_SPOOL) as spool:
            self.write_assessment(spool)
            media = {
                f"{MEDIA_FOLDER}/{name}": image.data for name, image in self.texts.images.items()
            }
            media.update({f"{MEDIA_FOLDER}/{n}": data for n, data in self.texts.files.items()})
            rest: dict[str, bytes | None] = {
                "imsmanifest.xml": self.manifest(assessment, meta, sorted(media)),
                meta: self.assessment_meta(),
                assessment: None,  # copied from the spool
            }
            rest.update(media)
            with zipfile.ZipFile(fh, "w") as archive:
                for name in sorted(rest):
                    data = rest[name]
                    if data is not None:
                        archive.writestr(info(name), data)
                        continue
                    spool.seek(0)
                    with archive.open(info(name), "w", force_zip64=True) as out:
                        shutil.copyfileobj(spool, out)
        if self.texts.cleaned:
            self.warn("QTI: removed control characters that XML files cannot hold")
        if self.items.mixed_cloze:
            names = ", ".join(f"'{n}'" for n in dict.fromkeys(self.items.mixed_cloze))
            self.warn(
                "QTI: Canvas cannot mix drop-down and typed blanks in one question; in "
                f"{names} the drop-downs are typed blanks with their options shown"
            )

    # --- the assessment ---------------------------------------------------------------

    def write_assessment(self, out: IO[bytes]) -> None:
        bank = self.bank
        title = escape_html(self.texts.clean(bank.title))
        out.write(
            f'''<?xml version="1.0" encoding="UTF-8"?>
<questestinterop xmlns="{NS}" xmlns:xsi="{XSI_NS}" \
xsi:schemaLocation="{NS} http://www.imsglobal.org/xsd/ims_qtiasiv1p2p1.xsd">
  <assessment ident="{self.ident}" title="{title}">
    <qtimetadata>
      <qtimetadatafield>
        <fieldlabel>cc_maxattempts</fieldlabel>
        <fieldentry>1</fieldentry>
      </qtimetadatafield>
    </qtimetadata>
    <section ident="root_section">
'''.encode()
        )
        for question in self.questions:
            self.write_question(out, question)
        out.write(b"    </section>\n  </assessment>\n</questestinterop>\n")

    def write_question(self, out: IO[bytes], question: Question) -> None:
        variants = self.generated.variants[question.id]
        if not question.randomised:
            v = variants[0]
            element = self.items.item(v, ident(self.ident, question.id), v.title)
            if element is not None:
                out.write(etree.tostring(element, encoding="utf-8", pretty_print=True))
            return
        # Each student gets one of the variants: a group that picks one.
        group = etree.Element(
            q("section"),
            ident=ident(self.ident, question.id, "group"),
            title=self.texts.clean(_group_title(question, variants)),
        )
        selection = sub(sub(group, "selection_ordering"), "selection")
        sub(selection, "selection_number", "1")
        sub(sub(selection, "selection_extension"), "points_per_item", plain(question.points))
        # The group is written as it is made, an item at a time: at 10,000 versions a
        # tree of the whole group held 150 MB of XML in memory at once. Each item is
        # written inside an element of the group's depth, so that its lines are indented
        # as the whole group's would be: the same bytes.
        head = etree.tostring(group, encoding="utf-8", pretty_print=True)
        end = b"</section>\n"
        assert head.endswith(end)
        out.write(head[: -len(end)])
        width = len(str(len(variants)))
        for v in variants:
            element = self.items.item(
                v,
                ident(self.ident, question.id, v.number),
                _("{title} (variant {number})").format(
                    title=v.title, number=f"{v.number:0{width}d}"
                ),
            )
            if element is not None:
                holder = etree.Element(q("section"))
                holder.append(element)
                inside = etree.tostring(holder, encoding="utf-8", pretty_print=True)
                out.write(inside[len(b"<section>\n") : -len(end)])
        out.write(end)

    # --- the manifest and the quiz settings -------------------------------------------

    def manifest(self, assessment: str, meta: str, media: list[str]) -> bytes:
        root = etree.Element(
            f"{{{CC_NS}}}manifest",
            nsmap=_nsmap({None: CC_NS, "imsmd": IMSMD_NS, "xsi": XSI_NS}),
            identifier=ident(self.ident, "manifest"),
        )

        def cc(
            parent: etree._Element, tag: str, text: str | None = None, **attrib: str
        ) -> etree._Element:
            element = etree.SubElement(parent, f"{{{CC_NS}}}{tag}", attrib)
            element.text = text
            return element

        def md(parent: etree._Element, tag: str, text: str | None = None) -> etree._Element:
            element = etree.SubElement(parent, f"{{{IMSMD_NS}}}{tag}")
            element.text = text
            return element

        metadata = cc(root, "metadata")
        cc(metadata, "schema", "IMS Content")
        cc(metadata, "schemaversion", "1.1.3")
        lom = md(metadata, "lom")
        title = md(md(lom, "general"), "title")
        md(title, "string", self.texts.clean(self.bank.title))
        day = datetime.fromtimestamp(self.stamp, UTC).date().isoformat()
        md(md(md(md(lom, "lifeCycle"), "contribute"), "date"), "dateTime", day)
        cc(root, "organizations")
        resources = cc(root, "resources")
        dependency = ident(self.ident, "meta")
        resource = cc(resources, "resource", identifier=self.ident, type="imsqti_xmlv1p2")
        cc(resource, "file", href=assessment)
        cc(resource, "dependency", identifierref=dependency)
        resource = cc(
            resources,
            "resource",
            identifier=dependency,
            type="associatedcontent/imscc_xmlv1p1/learning-application-resource",
            href=meta,
        )
        cc(resource, "file", href=meta)
        for path in media:
            resource = cc(
                resources,
                "resource",
                identifier=ident(self.ident, path),
                type="webcontent",
                href=path,
            )
            cc(resource, "file", href=path)
        return XML_DECLARATION + etree.tostring(root, encoding="utf-8", pretty_print=True)

    def assessment_meta(self) -> bytes:
        bank = self.bank
        root = etree.Element(
            f"{{{CANVAS_NS}}}quiz", nsmap=_nsmap({None: CANVAS_NS}), identifier=self.ident
        )

        def el(
            parent: etree._Element, tag: str, text: str | None = None, **attrib: str
        ) -> etree._Element:
            element = etree.SubElement(parent, f"{{{CANVAS_NS}}}{tag}", attrib)
            element.text = text
            return element

        title = self.texts.clean(bank.title + (f": {bank.subtitle}" if bank.subtitle else ""))
        el(root, "title", title)
        description = "\n".join(
            t for t in (self.texts.html(bank.intro), self.texts.html(bank.instructions)) if t
        )
        el(root, "description", description)
        shuffle = any(
            getattr(q.spec, "shuffle", False)
            for q in self.questions
            if q.type in ("multichoice", "matching")
        )
        points = sum((q.points for q in self.questions), start=0)
        for tag, text in (
            ("shuffle_answers", "true" if shuffle else "false"),
            ("scoring_policy", "keep_highest"),
            ("hide_results", ""),
            ("quiz_type", "assignment"),
            ("points_possible", plain(points)),
            ("show_correct_answers", "true"),
            ("allowed_attempts", "1"),
            ("one_question_at_a_time", "false"),
            ("cant_go_back", "false"),
            ("available", "false"),
        ):
            el(root, tag, text)
        assignment = el(root, "assignment", identifier=ident(self.ident, "assignment"))
        el(assignment, "title", title)
        el(assignment, "workflow_state", "unpublished")
        el(assignment, "quiz_identifierref", self.ident)
        el(assignment, "points_possible", plain(points))
        el(assignment, "grading_type", "points")
        el(assignment, "submission_types", "online_quiz")
        el(root, "assignment_group_identifierref", ident(self.ident, "assignment-group"))
        root.append(etree.Comment(f" written by qbank {__version__} ".replace("--", "- -")))
        return XML_DECLARATION + etree.tostring(root, encoding="utf-8", pretty_print=True)


__all__ = ["QtiPackage", "mattext", "write_qti_zip"]
