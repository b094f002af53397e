"""The .docx package: a base document (the teacher's template or python-docx's default)
whose body is streamed in, section by section, with one footer part per section.

python-docx opens the base, adds the styles, sets the document properties and saves it to
memory; then :class:`DocxWriter` copies every part of that package into the output zip,
except ``word/document.xml``, which it writes piece by piece as the exporter produces it,
and the relationship and content-type lists, which it extends with the new footers.
Nothing grows with the number of versions except the output itself.
"""

from __future__ import annotations

import copy
import io
import re
import time
import zipfile
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime
from pathlib import Path

import docx
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from lxml import etree

from ... import __version__
from ...errors import OutputError, QbankError
from ...i18n import _, ngettext
from ...i18n import current as current_language
from ...model import GeneratedSet
from ...richtext.omml import M_NS
from ...safe_xml import parse as parse_xml
from .paper import Paper
from .rich import DOCPR_ID, Media
from .styles import StyleSheet
from .template_check import check_template
from .wordml import R_NS, W_NS

_W = f"{{{W_NS}}}"
_RELS_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
_TYPES_NS = "http://schemas.openxmlformats.org/package/2006/content-types"
_FOOTER_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.footer+xml"
_NAMESPACE_DECLARATION = re.compile(r'\s+xmlns(?::[\w.-]+)?="[^"]*"')
_XML_DECLARATION = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
#: Margins of the default base document, in twips: 0.75 inch all round, more room to write.
_DEFAULT_MARGIN = 1080

# Where the children of w:sectPr go (ECMA-376 CT_SectPr sequence); qbank writes the
# references, type, page size, margins and page numbering, and keeps the template's rest.
_SECT_ORDER = [
    "headerReference",
    "footerReference",
    "footnotePr",
    "endnotePr",
    "type",
    "pgSz",
    "pgMar",
    "paperSrc",
    "pgBorders",
    "lnNumType",
    "pgNumType",
    "cols",
    "formProt",
    "vAlign",
    "noEndnote",
    "titlePg",
    "textDirection",
    "bidi",
    "rtlGutter",
    "docGrid",
]
_WRITTEN_HERE = {"headerReference", "footerReference", "type", "pgSz", "pgMar", "pgNumType"}


@dataclass(frozen=True)
class PageGeometry:
    width: int
    height: int
    top: int
    right: int
    bottom: int
    left: int
    header: int
    footer: int
    gutter: int
    #: Word's paper code (w:pgSz/@w:code): 9 A4, 1 Letter; 0 when not known.
    code: int = 0

    @property
    def text_width(self) -> int:
        return self.width - self.left - self.right - self.gutter

    def landscape(self) -> PageGeometry:
        if self.width >= self.height:
            return self
        return replace(self, width=self.height, height=self.width)

    def on(self, paper: Paper) -> PageGeometry:
        """The same margins on another paper (portrait)."""
        return replace(self, width=paper.width, height=paper.height, code=paper.code)


class SectionFrame:
    """The template's page set-up, repeated in every section qbank writes."""

    def __init__(self, sect_pr, footer_kinds: list[str]) -> None:
        def number(element, attribute: str, default: int) -> int:
            value = element.get(_W + attribute) if element is not None else None
            try:
                return int(float(value)) if value is not None else default
            except ValueError:
                return default

        size = sect_pr.find(_W + "pgSz")
        margins = sect_pr.find(_W + "pgMar")
        self.geometry = PageGeometry(
            width=number(size, "w", 12240),
            height=number(size, "h", 15840),
            top=number(margins, "top", 1440),
            right=number(margins, "right", 1440),
            bottom=number(margins, "bottom", 1440),
            left=number(margins, "left", 1440),
            header=number(margins, "header", 720),
            footer=number(margins, "footer", 720),
            gutter=number(margins, "gutter", 0),
            code=number(size, "code", 0),
        )
        # Header references stay (a letterhead lives in the header); footers are qbank's.
        self.headers = "".join(
            f'<w:headerReference w:type="{ref.get(_W + "type", "default")}" '
            f'r:id="{ref.get(f"{{{R_NS}}}id")}"/>'
            for ref in sect_pr.findall(_W + "headerReference")
        )
        self.footer_kinds = footer_kinds
        kept: dict[str, str] = {}
        for child in sect_pr:
            tag = etree.QName(child).localname if isinstance(child.tag, str) else ""
            if tag in _SECT_ORDER and tag not in _WRITTEN_HERE:
                kept[tag] = kept.get(tag, "") + _plain_xml(child)
        self._before_type = kept.get("footnotePr", "") + kept.get("endnotePr", "")
        self._after_margins = "".join(
            kept.get(t, "") for t in ("paperSrc", "pgBorders", "lnNumType")
        )
        self._after_numbering = "".join(kept.get(t, "") for t in _SECT_ORDER[11:])

    def xml(
        self,
        footer_ids: dict[str, str],
        *,
        start: str = "nextPage",
        restart_numbering: bool = False,
        landscape: bool = False,
    ) -> str:
        """A ``w:sectPr``; ``start`` is nextPage or oddPage (Word's section start types)."""
        page = self.geometry.landscape() if landscape else self.geometry
        orient = ' w:orient="landscape"' if landscape else ""
        code = f' w:code="{page.code}"' if page.code else ""
        footers = "".join(
            f'<w:footerReference w:type="{kind}" r:id="{rid}"/>' for kind, rid in footer_ids.items()
        )
        numbering = '<w:pgNumType w:start="1"/>' if restart_numbering else ""
        return (
            f"<w:sectPr>{self.headers}{footers}{self._before_type}"
            f'<w:type w:val="{start}"/>'
            f'<w:pgSz w:w="{page.width}" w:h="{page.height}"{orient}{code}/>'
            f'<w:pgMar w:top="{page.top}" w:right="{page.right}" w:bottom="{page.bottom}" '
            f'w:left="{page.left}" w:header="{page.header}" w:footer="{page.footer}" '
            f'w:gutter="{page.gutter}"/>{self._after_margins}{numbering}'
            f"{self._after_numbering}</w:sectPr>"
        )


def _plain_xml(element) -> str:
    """An element of the template's body as text, without the namespace declarations
    lxml repeats on it: the output's root element declares the template's namespaces."""
    return _NAMESPACE_DECLARATION.sub("", etree.tostring(element, encoding="unicode"))


def _open_template(path: Path):
    """python-docx Document of a .docx or .dotx, once :func:`check_template` passed it:
    within the limits, nothing external, a Word template (.dotx) made a document."""
    checked = check_template(path)
    try:
        return docx.Document(io.BytesIO(checked.data))
    except Exception:  # python-docx raises many kinds for a file that is not a Word document
        raise QbankError(
            "the Word template is not a .docx or .dotx file that Word saved "
            "(open it in Word and save it as a Word Document)",
            file=str(path),
        ) from None


def template_page_size(template: Path) -> tuple[int, int]:
    """The page width and height (twips) of a teacher's template."""
    body = _open_template(Path(template)).element.body
    sect_pr = body.find(_W + "sectPr")
    geometry = SectionFrame(
        sect_pr if sect_pr is not None else etree.Element(_W + "sectPr"), []
    ).geometry
    return geometry.width, geometry.height


def made_with(generated: GeneratedSet) -> str:
    """The document comment that records how the file was made, so it can be made again."""
    count = generated.count
    versions = ngettext("{n} version", "{n} versions", count).format(n=count)
    return _(
        "Made by qbank {version} from the bank '{bank}' with seed {seed} ({versions}); "
        "'qbank generate --seed {seed} -n {count}' makes the same set again."
    ).format(
        version=__version__,
        bank=generated.bank.id,
        seed=generated.seed,
        versions=versions,
        count=count,
    )


class BaseDocument:
    """The frame of one output file: styles, page set-up, headers, document properties."""

    def __init__(
        self,
        template: Path | None,
        *,
        title: str,
        subject: str,
        timestamp: float | None,
        keywords: str = "",
        comments: str = "",
        paper: Paper | None = None,
    ) -> None:
        """``paper`` None keeps the page size of the template (of python-docx's default
        document, Letter, when there is no template: callers choose, see ``paper.py``)."""
        document = _open_template(Path(template)) if template else docx.Document()
        if template is None:
            _drop_thumbnail(document)
            _use_font(document, "Calibri")
        self.styles = StyleSheet(document, restyle_builtins=template is None)
        _mark_language(document)
        body = document.element.body
        sect_pr = body.find(_W + "sectPr")
        if sect_pr is None:
            sect_pr = etree.SubElement(body, _W + "sectPr")
        if template is None:
            margins = sect_pr.find(_W + "pgMar")
            for side in ("top", "right", "bottom", "left"):
                margins.set(_W + side, str(_DEFAULT_MARGIN))
            margins.set(_W + "header", "500")
            margins.set(_W + "footer", "500")
        settings = document.settings.element
        kinds = ["default"]
        if sect_pr.find(_W + "titlePg") is not None:
            kinds.append("first")
        if settings.find(_W + "evenAndOddHeaders") is not None:
            kinds.append("even")
        self.frame = SectionFrame(sect_pr, kinds)
        if paper is not None:
            self.frame.geometry = self.frame.geometry.on(paper)
        for child in list(body):
            body.remove(child)
        self._document_open, self._document_close = _split_root(document.element, template)
        self.timestamp = timestamp if timestamp is not None else time.time()
        #: The day the set was made, on the teacher's clock (printed on the answer key).
        self.made_on = date.fromtimestamp(self.timestamp)
        props = document.core_properties
        when = datetime.fromtimestamp(self.timestamp, UTC).replace(tzinfo=None)
        props.title, props.subject, props.keywords = title, subject, keywords
        props.author = props.last_modified_by = "qbank"
        props.created = props.modified = when
        props.revision = 1
        props.comments = comments
        buffer = io.BytesIO()
        document.save(buffer)
        self.package = buffer.getvalue()

    @property
    def geometry(self) -> PageGeometry:
        return self.frame.geometry


def _mark_language(document) -> None:
    """The documents' text is in the run's language (:mod:`qbank.i18n`), for Word's and
    LibreOffice's spelling checker and hyphenation: the default run language of the
    styles, unless the run is in English (then the template's, as before)."""
    tag = current_language().tag
    if tag.split("-")[0].lower() == "en":
        return
    styles = document.styles.element
    defaults = styles.find(_W + "docDefaults")
    if defaults is None:
        defaults = etree.Element(_W + "docDefaults")
        styles.insert(0, defaults)
    rpr_default = defaults.find(_W + "rPrDefault")
    if rpr_default is None:
        rpr_default = etree.SubElement(defaults, _W + "rPrDefault")
        defaults.insert(0, rpr_default)
    rpr = rpr_default.find(_W + "rPr")
    if rpr is None:
        rpr = etree.SubElement(rpr_default, _W + "rPr")
    lang = rpr.find(_W + "lang")
    if lang is None:
        lang = etree.SubElement(rpr, _W + "lang")
    lang.set(_W + "val", tag)


def _drop_thumbnail(document) -> None:
    """python-docx's default package carries a thumbnail of some other document."""
    rels = document.part.package.rels
    for rid, rel in list(rels.items()):
        if rel.reltype == RT.THUMBNAIL:
            del rels[rid]


def _use_font(document, font: str) -> None:
    """Body text in ``font`` rather than the default template's theme font (Cambria)."""
    defaults = document.styles.element.find(f"{_W}docDefaults/{_W}rPrDefault/{_W}rPr")
    fonts = defaults.find(_W + "rFonts") if defaults is not None else None
    if fonts is None:
        return
    for attribute in ("asciiTheme", "hAnsiTheme"):
        fonts.attrib.pop(_W + attribute, None)
    fonts.set(_W + "ascii", font)
    fonts.set(_W + "hAnsi", font)


def _split_root(root, template: Path | None = None) -> tuple[str, str]:
    """The document's start tag (with the template's namespaces) + ``<w:body>``, and the end.

    The start tag binds the prefix ``m`` (Word equations) whether or not the template did:
    a template saved by another program may leave it out.
    """
    if root.nsmap.get("m") != M_NS:
        if "m" in root.nsmap:
            raise QbankError(
                "the Word template uses the prefix 'm' for something other than Word "
                "equations; open it in Word and save it as a Word Document again",
                file=str(template),
            )
        bound = etree.Element(root.tag, attrib=dict(root.attrib), nsmap={**root.nsmap, "m": M_NS})
        bound.extend(copy.deepcopy(child) for child in root)
        root = bound
    marker = "QBANK-BODY-GOES-HERE"
    body = root.find(_W + "body")
    body.text = marker
    text = etree.tostring(root, encoding="unicode")
    body.text = None
    start, end = text.split(marker)
    return _XML_DECLARATION + start, end


class DocxWriter:
    """Stream a body into a copy of the base package; add one footer part per section.

    Use as a context manager: ``write`` body XML, ``add_footer`` as sections need them.
    """

    def __init__(self, base: BaseDocument, path: Path, media: Media | None = None) -> None:
        """``media``: the pictures the body shows, written as parts when it is done."""
        self.base = base
        self.path = Path(path)
        self.media = media if media is not None else Media()
        self._footers: list[tuple[str, str]] = []  # (part name, xml)
        # Drawings are numbered from here: far above the few a template's header holds.
        self._drawings = 100_000
        self._date = time.gmtime(max(base.timestamp, 315532800))[:6]  # zip dates start in 1980
        self._buffer: list[str] = []
        self._buffered = 0

    def __enter__(self) -> DocxWriter:
        try:
            self._zip = zipfile.ZipFile(self.path, "w", zipfile.ZIP_DEFLATED)
            self._body = self._zip.open(self._info("word/document.xml"), "w", force_zip64=True)
        except OSError as exc:
            raise OutputError(f"cannot write {self.path.name}: {exc.strerror}") from None
        self.write(self.base._document_open)
        return self

    def _info(self, name: str) -> zipfile.ZipInfo:
        info = zipfile.ZipInfo(name, self._date)
        info.compress_type = zipfile.ZIP_DEFLATED
        return info

    def write(self, xml: str) -> None:
        if DOCPR_ID in xml:
            xml = self._number_drawings(xml)
        # Many small strings are joined and encoded in batches: fewer, larger writes.
        self._buffer.append(xml)
        self._buffered += len(xml)
        if self._buffered > 1 << 20:
            self._flush()

    def _number_drawings(self, xml: str) -> str:
        """Each drawing's ``wp:docPr`` gets an id of its own (Word wants them unique)."""
        pieces = xml.split(DOCPR_ID)
        out = [pieces[0]]
        for piece in pieces[1:]:
            self._drawings += 1
            out.append(f'id="{self._drawings}"{piece}')
        return "".join(out)

    def _flush(self) -> None:
        self._body.write("".join(self._buffer).encode("utf-8"))
        self._buffer.clear()
        self._buffered = 0

    def add_footer(self, paragraphs_xml: str) -> str:
        """Register a footer part; returns its relationship id for a ``w:footerReference``."""
        number = len(self._footers) + 1
        xml = (
            f'{_XML_DECLARATION}<w:ftr xmlns:w="{W_NS}" xmlns:r="{R_NS}" xmlns:m="{M_NS}">'
            f"{paragraphs_xml}</w:ftr>"
        )
        self._footers.append((f"qbank-footer{number}.xml", xml))
        return f"rIdQbankFooter{number}"

    def __exit__(self, exc_type, exc, tb) -> None:
        try:
            if exc_type is None:
                self.write(self.base._document_close)
                self._flush()
            self._body.close()
            if exc_type is None:
                self._write_parts()
        finally:
            self._zip.close()

    def _write_parts(self) -> None:
        media = self.media.parts
        with zipfile.ZipFile(io.BytesIO(self.base.package)) as source:
            for info in source.infolist():
                name = info.filename
                if name == "word/document.xml" or name.removeprefix("word/media/") in media:
                    continue
                data = source.read(info)
                if name == "word/_rels/document.xml.rels":
                    data = self._with_relationships(data)
                elif name == "[Content_Types].xml":
                    data = self._with_types(data)
                self._zip.writestr(self._info(name), data)
        for name, xml in self._footers:
            self._zip.writestr(self._info(f"word/{name}"), xml.encode("utf-8"))
        for name, (_image, data) in media.items():
            # Pictures are compressed already: stored as they are.
            info = self._info(f"word/media/{name}")
            info.compress_type = zipfile.ZIP_STORED
            self._zip.writestr(info, data)

    def _with_relationships(self, data: bytes) -> bytes:
        """The template's relationships, plus one per footer and one per picture."""
        root = parse_xml(data)
        for number, (name, _xml) in enumerate(self._footers, start=1):
            etree.SubElement(
                root,
                f"{{{_RELS_NS}}}Relationship",
                Id=f"rIdQbankFooter{number}",
                Type=RT.FOOTER,
                Target=name,
            )
        for name, (rid, _image) in self.media.parts.items():
            etree.SubElement(
                root, f"{{{_RELS_NS}}}Relationship", Id=rid, Type=RT.IMAGE, Target=f"media/{name}"
            )
        return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)

    def _with_types(self, data: bytes) -> bytes:
        """The template's content types, plus the footers' and the pictures' (a ``Default``
        per extension the package does not list yet)."""
        root = parse_xml(data)
        for name, _xml in self._footers:
            etree.SubElement(
                root, f"{{{_TYPES_NS}}}Override", PartName=f"/word/{name}", ContentType=_FOOTER_TYPE
            )
        listed = {
            (element.get("Extension") or "").lower()
            for element in root.iter(f"{{{_TYPES_NS}}}Default")
        }
        for extension, content_type in self.media.content_types().items():
            if extension not in listed:
                # A Default goes before the Overrides (the schema's order).
                default = etree.Element(
                    f"{{{_TYPES_NS}}}Default", Extension=extension, ContentType=content_type
                )
                root.insert(0, default)
        return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
