"""A teacher's Word template is a file from a stranger: checked before it is unpacked.

:func:`check_template` reads ``--docx-template`` and returns the package python-docx may
open, or raises a :class:`~qbank.errors.QbankError` that says what the file is. In order:

1. the name: a macro-enabled Word file (.docm, .dotm) is refused;
2. the file: a regular file of at most ``MAX_TEMPLATE_BYTES``; its first bytes tell an
   old Office file (OLE), a PDF or an RTF file from the zip package a .docx is;
3. the zip's directory, before any part is unpacked: the number of parts (read from the
   zip's end record, before :mod:`zipfile` reads the directory), each part's declared
   size, the total, and the compression ratio;
4. the parts' names: an OpenDocument file, a plain zip, an Excel or PowerPoint file, a
   macro project (``vbaProject.bin``) are refused;
5. every part is unpacked by a loop that counts the bytes as they come and stops at the
   limits, whatever the zip's headers say; a part whose real size or checksum differs
   from its header is refused as damaged;
6. what would be copied into every worksheet is cleaned, with a warning: relationships to
   anything outside the file (``TargetMode="External"``: remote templates, pictures,
   linked data, links) and an attached template are dropped with the references to them,
   so opening a worksheet never makes Word fetch anything; fields that fetch or run
   something (DDE, INCLUDEPICTURE, …) keep their last result as plain text; a
   ``<!DOCTYPE>`` (Word never writes one) is dropped and its entities are never resolved.

The result is a new zip with honest sizes; a Word template (.dotx) becomes a document.
Every number is in :mod:`qbank.limits` and read when a template is checked.
"""

from __future__ import annotations

import hashlib
import io
import os
import stat
import struct
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Literal, overload

from lxml import etree

from ... import limits
from ...errors import QbankError
from ...safe_xml import parse as parse_xml
from .template_clean import (
    _drop_entities,
    _drop_references,
    _neutralise_fields,
    _remove,
    _source_of,
    _xml_bytes,
    _zip,
)
from .wordml import W_NS

_W = f"{{{W_NS}}}"
_RELS_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
_TYPES_NS = "http://schemas.openxmlformats.org/package/2006/content-types"
_DOCUMENT_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
_TEMPLATE_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.template.main+xml"
_RELS_TYPE = "application/vnd.openxmlformats-package.relationships+xml"

_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_SAVE_AS = "open it in Word and save it as a Word Document (.docx)"
_MACRO_SUFFIXES = {
    ".docm": "macro-enabled Word document (.docm)",
    ".dotm": "macro-enabled Word template (.dotm)",
}
_MACRO_PARTS = {"vbaproject.bin", "vbadata.xml"}
#: Bytes one entry of a zip's directory may take on average: far more than a part name
#: of a Word file needs. Bounds the directory zipfile is allowed to read.
_DIRECTORY_ENTRY_BYTES = 1024
#: Input and output step of the unpacking loop.
_CHUNK = 64 * 1024

_WHAT = {
    "attachedTemplate": "an attached template",
    "image": "a picture",
    "hyperlink": "a link",
    "oleObject": "linked data",
    "package": "an embedded file",
    "subDocument": "a subdocument",
    "frame": "a frame",
    "aFChunk": "a document to merge in",
    "mailMergeSource": "mail merge data",
    "mailMergeHeaderSource": "mail merge data",
    "recipientData": "mail merge data",
    "transform": "an XSLT transform",
    "font": "a font",
    "video": "a video",
    "audio": "a sound",
    "media": "a video or sound",
    "externalLinkPath": "linked data",
    "oleObjectLink": "linked data",
    "chart": "a chart",
}


@dataclass(frozen=True)
class CheckedTemplate:
    """A template that passed the checks."""

    #: The package python-docx may open: within the limits, a .docx, nothing external.
    data: bytes
    #: What was left out of it, one warning each, for the teacher.
    notes: tuple[str, ...] = ()


_CACHE: dict[tuple, CheckedTemplate] = {}
_CACHE_SIZE = 4


def check_template(path: Path | str) -> CheckedTemplate:
    """The checked, cleaned package of the Word template at ``path`` (see the module).

    The worksheets and the answer key each open the template: the result is kept for
    the same content (and limits), so the work and the warnings happen once.
    """
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix in _MACRO_SUFFIXES:
        raise _refuse(
            path,
            f"the Word template is a {_MACRO_SUFFIXES[suffix]}: qbank does "
            "not use templates with macros, so that none reach the worksheets. "
            "Open it in Word and save it as a Word Document (.docx) or Word "
            "Template (.dotx)",
        )
    data = _read(path)
    key = (str(path), hashlib.sha256(data).digest(), _limits())
    if key not in _CACHE:
        result = _Check(path, data).run()
        while len(_CACHE) >= _CACHE_SIZE:
            _CACHE.pop(next(iter(_CACHE)))
        _CACHE[key] = result
    return _CACHE[key]


def _limits() -> tuple:
    return (
        limits.MAX_TEMPLATE_BYTES,
        limits.MAX_TEMPLATE_PARTS,
        limits.MAX_TEMPLATE_PART_BYTES,
        limits.MAX_TEMPLATE_UNPACKED_BYTES,
        limits.MAX_TEMPLATE_RATIO,
        limits.TEMPLATE_RATIO_FROM_BYTES,
    )


def _refuse(path: Path, message: str) -> QbankError:
    return QbankError(message, file=str(path))


def _size(n: int) -> str:
    """A limit in words: 50 MB, 64 KB, 1,000 bytes."""
    for unit, name in ((1 << 20, "MB"), (1 << 10, "KB")):
        if n >= unit and n % unit == 0:
            return f"{n // unit:,} {name}"
    return f"{n:,} bytes"


def _shown(text: str, longest: int = 80) -> str:
    """A name or address from the file, safe to print: no control characters, not too long."""
    text = "".join(c if c.isprintable() else f"\\x{ord(c):02x}" for c in text)
    return text if len(text) <= longest else text[: longest - 1] + "…"


def _read(path: Path) -> bytes:
    """The file's bytes; only a regular file, and never more than the limit."""
    too_big = (
        f"the Word template is larger than {_size(limits.MAX_TEMPLATE_BYTES)}; a "
        "letterhead template is far smaller: save it again in Word with compressed "
        "pictures, or use another one"
    )
    try:
        # O_NONBLOCK: opening a pipe must not wait for a writer (it is refused just after).
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
        with os.fdopen(fd, "rb") as fh:
            info = os.fstat(fh.fileno())
            if not stat.S_ISREG(info.st_mode):
                raise _refuse(
                    path,
                    "the Word template is not a file (a folder, a device or "
                    "a pipe?): give the path of a .docx or .dotx file",
                )
            if info.st_size > limits.MAX_TEMPLATE_BYTES:
                raise _refuse(path, too_big)
            data = fh.read(limits.MAX_TEMPLATE_BYTES + 1)
    except OSError as exc:
        raise _refuse(path, f"cannot read the Word template: {exc.strerror}") from None
    if len(data) > limits.MAX_TEMPLATE_BYTES:  # it grew while we read it
        raise _refuse(path, too_big)
    return data


def _what_it_is(head: bytes) -> str | None:
    """What a file that is not a zip package is, in words; None for a zip."""
    if head.startswith(b"PK\x03\x04"):
        return None
    if head.startswith(_OLE):
        return (
            "an old-format Office file (a Word 97-2003 .doc or .dot, or a document "
            "protected with a password)"
        )
    if head.startswith(b"%PDF"):
        return "a PDF file"
    if head.startswith(b"{\\rtf"):
        return "a Rich Text (.rtf) file"
    if head.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"<"):
        return "an XML or web page file (Word's XML or Web Page format)"
    if head.startswith(b"PK"):
        return "a zip archive that holds nothing"
    return "a file of another kind"


@dataclass
class _Found:
    """What the cleaning left out, for the warnings."""

    external: list[str] = field(default_factory=list)
    fields: list[str] = field(default_factory=list)
    doctypes: list[str] = field(default_factory=list)


class _Check:
    def __init__(self, path: Path, data: bytes) -> None:
        self.path = path
        self.data = data
        self.view = memoryview(data)
        #: Bytes unpacked so far, by :meth:`unpack`.
        self.unpacked = 0

    def refuse(self, message: str) -> QbankError:
        return _refuse(self.path, message)

    def damaged(self, why: str) -> QbankError:
        return self.refuse(
            f"the Word template is damaged or is not a file Word saved ({why}): "
            f"{_SAVE_AS}, or use another one"
        )

    def bomb(self, what: str, limit: int) -> QbankError:
        return self.refuse(
            f"{what} would unpack to more than {_size(limit)} (a zip bomb?); "
            "qbank did not unpack it. A letterhead template is far smaller: "
            "use one saved by Word"
        )

    def run(self) -> CheckedTemplate:
        what = _what_it_is(self.data[:8])
        if what:
            extra = ", without a password" if self.data.startswith(_OLE) else ""
            raise self.refuse(
                f"the Word template is {what}, not a .docx or .dotx file: {_SAVE_AS}{extra}"
            )
        infos = self.directory()
        self.check_kind(infos)
        parts = {info.filename: self.unpack(info) for info in infos}
        return self.clean(infos, parts)

    # -- 3. the zip's directory, before anything is unpacked -------------------------------

    def directory(self) -> list[zipfile.ZipInfo]:
        most = limits.MAX_TEMPLATE_PARTS
        too_many = (
            f"the Word template has more than {most:,} parts (Word writes a few "
            "dozen), so it is not a file Word saved; qbank did not unpack it. Use "
            "another template, or save this one again in Word"
        )
        entries, size = self.end_record()
        if entries > most:
            raise self.refuse(too_many)
        if size > most * _DIRECTORY_ENTRY_BYTES:
            raise self.damaged("its table of contents is far larger than its parts need")
        try:
            with zipfile.ZipFile(io.BytesIO(self.data)) as archive:
                infos = archive.infolist()
        except Exception as exc:  # zipfile raises several kinds for a broken directory
            raise self.damaged(f"its zip directory cannot be read: {_shown(str(exc))}") from None
        if len(infos) > most:
            raise self.refuse(too_many)
        infos = [i for i in infos if not (i.filename.endswith("/") and i.file_size == 0)]
        total = sum(i.file_size for i in infos)
        if total > limits.MAX_TEMPLATE_UNPACKED_BYTES:
            raise self.bomb("the Word template", limits.MAX_TEMPLATE_UNPACKED_BYTES)
        seen: set[str] = set()
        for info in infos:
            name = _shown(info.filename)
            if info.file_size > limits.MAX_TEMPLATE_PART_BYTES:
                raise self.bomb(
                    f"the part '{name}' of the Word template", limits.MAX_TEMPLATE_PART_BYTES
                )
            if (
                info.file_size > limits.TEMPLATE_RATIO_FROM_BYTES
                and info.file_size > limits.MAX_TEMPLATE_RATIO * info.compress_size
            ):
                raise self.refuse(
                    f"the part '{name}' of the Word template would unpack to more than "
                    f"{limits.MAX_TEMPLATE_RATIO} times its packed size (a zip bomb?); qbank "
                    "did not unpack it. Use a template saved by Word"
                )
            if info.flag_bits & 0x1:
                raise self.damaged(f"the part '{name}' is encrypted")
            if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
                raise self.damaged(f"the part '{name}' is packed in a way Word never uses")
            if info.filename.casefold() in seen:
                raise self.damaged(f"it holds the part '{name}' twice")
            seen.add(info.filename.casefold())
        return infos

    def end_record(self) -> tuple[int, int]:
        """Number of entries and size of the zip's directory, from its end record."""
        data = self.data
        end = data.rfind(b"PK\x05\x06", max(0, len(data) - 22 - 0xFFFF))
        if end < 0 or end + 22 > len(data):
            raise self.damaged("it has no zip directory")
        _, disk, cd_disk, _, entries, size, offset, _ = struct.unpack(
            "<4s4H2LH", data[end : end + 22]
        )
        if disk or cd_disk:
            raise self.damaged("it is one piece of a zip split into several files")
        if entries == 0xFFFF or size == 0xFFFFFFFF or offset == 0xFFFFFFFF:  # zip64
            locator = end - 20
            if locator < 0 or data[locator : locator + 4] != b"PK\x06\x07":
                raise self.damaged("its zip directory cannot be read")
            record = struct.unpack("<4sLQL", data[locator : locator + 20])[2]
            if record + 56 > len(data) or data[record : record + 4] != b"PK\x06\x06":
                raise self.damaged("its zip directory cannot be read")
            entries, size = struct.unpack("<4sQ2H2L4Q", data[record : record + 56])[7:9]
        return entries, size

    # -- 4. what kind of file, from the names of its parts ---------------------------------

    def check_kind(self, infos: list[zipfile.ZipInfo]) -> None:
        names = [info.filename for info in infos]
        lower = {name.lower() for name in names}
        suffix = self.path.suffix.lower()
        if "content.xml" in lower and "meta-inf/manifest.xml" in lower:
            raise self.refuse(
                "the Word template is an OpenDocument file (LibreOffice or "
                f"OpenOffice), not a .docx or .dotx file: {_SAVE_AS}"
            )
        for name in names:
            if PurePosixPath(name).name.lower() in _MACRO_PARTS:
                raise self.refuse(
                    f"the Word template holds macros ('{_shown(name)}') although its name "
                    f"ends in '{_shown(suffix) or 'nothing'}': it is a macro-enabled Word "
                    "file (.docm) under another name. qbank does not use templates with "
                    f"macros: {_SAVE_AS}, which leaves the macros out"
                )
        if any(name.startswith("xl/") for name in lower):
            raise self.refuse(
                "the Word template is an Excel workbook, not a Word document: "
                "give a .docx or .dotx file"
            )
        if any(name.startswith("ppt/") for name in lower):
            raise self.refuse(
                "the Word template is a PowerPoint presentation, not a Word "
                "document: give a .docx or .dotx file"
            )
        if "[content_types].xml" not in lower:
            raise self.refuse(
                f"the Word template is a plain zip archive ({len(names)} "
                f"file{'s' if len(names) != 1 else ''}), not a Word document: a .docx or "
                "a .dotx is a zip too, but one with [Content_Types].xml and "
                f"word/document.xml inside. {_SAVE_AS[0].upper()}{_SAVE_AS[1:]}"
            )

    # -- 5. unpacking, counted --------------------------------------------------------------

    def unpack(self, info: zipfile.ZipInfo) -> bytes:
        """One part's bytes, counted against the limits as they come out."""
        name = _shown(info.filename)
        start = self.data_start(info)
        if info.compress_type == zipfile.ZIP_STORED:
            blob = bytes(self.view[start : start + info.compress_size])
            if len(blob) != info.compress_size or info.compress_size != info.file_size:
                raise self.damaged(f"the part '{name}' is cut short")
            self.count(info, len(blob))
        else:
            blob = self.inflate(info, start)
        if len(blob) != info.file_size or zlib.crc32(blob) != info.CRC:
            raise self.damaged(f"the part '{name}' does not match its zip header")
        self.unpacked += len(blob)
        return blob

    def count(self, info: zipfile.ZipInfo, size: int) -> None:
        """Stop when a part, or all parts so far, pass their limit."""
        if size > limits.MAX_TEMPLATE_PART_BYTES:
            raise self.bomb(
                f"the part '{_shown(info.filename)}' of the Word template",
                limits.MAX_TEMPLATE_PART_BYTES,
            )
        if self.unpacked + size > limits.MAX_TEMPLATE_UNPACKED_BYTES:
            raise self.bomb("the Word template", limits.MAX_TEMPLATE_UNPACKED_BYTES)

    def data_start(self, info: zipfile.ZipInfo) -> int:
        offset = info.header_offset
        head = self.data[offset : offset + 30]
        if len(head) < 30 or head[:4] != b"PK\x03\x04":
            raise self.damaged(f"the part '{_shown(info.filename)}' is missing")
        name_length, extra_length = struct.unpack("<2H", head[26:30])
        raw_name = self.data[offset + 30 : offset + 30 + name_length]
        name = raw_name.decode("utf-8" if info.flag_bits & 0x800 else "cp437", "replace")
        if name != info.orig_filename:
            raise self.damaged(f"the part '{_shown(info.filename)}' has two names")
        return offset + 30 + name_length + extra_length

    def inflate(self, info: zipfile.ZipInfo, start: int) -> bytes:
        """Unpack a deflated part until its stream ends, whatever sizes the headers claim;
        stop as soon as the part or the whole template passes its limit."""
        inflater = zlib.decompressobj(-zlib.MAX_WBITS)
        pieces: list[bytes] = []
        produced = 0
        position = start
        try:
            while not inflater.eof:
                chunk: bytes | memoryview = inflater.unconsumed_tail
                if not chunk:
                    chunk = self.view[position : position + _CHUNK]
                    position += len(chunk)
                piece = inflater.decompress(chunk, _CHUNK)
                if not piece and not chunk:
                    raise self.damaged(f"the part '{_shown(info.filename)}' is cut short")
                produced += len(piece)
                self.count(info, produced)
                pieces.append(piece)
        except zlib.error:
            raise self.damaged(f"the part '{_shown(info.filename)}' cannot be unpacked") from None
        # At the end of the stream, what was fed beyond it is in unused_data (only).
        used = position - start - len(inflater.unused_data)
        if used != info.compress_size:
            raise self.damaged(f"the part '{_shown(info.filename)}' does not match its zip header")
        return b"".join(pieces)

    # -- 6. cleaning what is copied into every worksheet ------------------------------------

    def clean(self, infos: list[zipfile.ZipInfo], parts: dict[str, bytes]) -> CheckedTemplate:
        found = _Found()
        by_lower = {name.lower(): name for name in parts}
        types_name = by_lower["[content_types].xml"]
        types = self.xml(types_name, parts[types_name], found, strict=True)
        defaults = {
            (e.get("Extension") or "").lower(): e.get("ContentType") or ""
            for e in types.iter(f"{{{_TYPES_NS}}}Default")
        }
        overrides = {
            (e.get("PartName") or "").lstrip("/").lower(): e
            for e in types.iter(f"{{{_TYPES_NS}}}Override")
        }
        self.check_main_part([e.get("ContentType") or "" for e in overrides.values()])
        for element in overrides.values():
            if element.get("ContentType") == _TEMPLATE_TYPE:
                element.set("ContentType", _DOCUMENT_TYPE)

        def content_type(name: str) -> str:
            if name.lower() in overrides:
                return overrides[name.lower()].get("ContentType") or ""
            return defaults.get(PurePosixPath(name).suffix.lower().lstrip("."), "")

        done = {types_name: types}
        # Relationships to anything outside the file, and attached templates, are dropped.
        dropped: dict[str, set[str | None]] = {}
        for name in parts:
            if content_type(name) != _RELS_TYPE and not name.lower().endswith(".rels"):
                continue
            rels = done[name] = self.xml(name, parts[name], found, strict=True)
            for rel in list(rels.iter(f"{{{_RELS_NS}}}Relationship")):
                kind = (rel.get("Type") or "").rsplit("/", 1)[-1]
                external = (rel.get("TargetMode") or "").strip().lower() == "external"
                if external or kind == "attachedTemplate":
                    source = _source_of(name).lower()
                    dropped.setdefault(by_lower.get(source, source), set()).add(rel.get("Id"))
                    found.external.append(
                        f"{_WHAT.get(kind, 'a file outside it')} "
                        f"({_shown(rel.get('Target') or '', 60)})"
                    )
                    _remove(rel)
        for name, done_root in done.items():
            parts[name] = _xml_bytes(done_root)
        # Every other XML part, one at a time: references to what was dropped, fields.
        for name in parts:
            if name in done or not content_type(name).endswith("xml"):
                continue
            root = self.xml(name, parts[name], found, strict=False)
            if root is None:
                continue  # python-docx reads it (with entities off) if it needs it at all
            _drop_references(root, dropped.get(name, set()))
            found.fields += _neutralise_fields(root)
            parts[name] = _xml_bytes(root)
        return CheckedTemplate(_zip(infos, parts), self.notes(found))

    @overload
    def xml(
        self, name: str, blob: bytes, found: _Found, *, strict: Literal[True]
    ) -> etree._Element: ...
    @overload
    def xml(
        self, name: str, blob: bytes, found: _Found, *, strict: bool
    ) -> etree._Element | None: ...
    def xml(self, name: str, blob: bytes, found: _Found, *, strict: bool) -> etree._Element | None:
        """The part's root, without a DOCTYPE; None (or, if ``strict``, an error) for bad XML."""
        try:
            root = parse_xml(blob)
        except etree.XMLSyntaxError as exc:
            if strict:
                raise self.damaged(
                    f"its part '{_shown(name)}' is not readable XML: {_shown(str(exc))}"
                ) from None
            return None
        info = root.getroottree().docinfo
        # lxml-stubs lack DocInfo.doctype, which lxml has.
        doctype = info.doctype  # type: ignore[attr-defined]
        if doctype or info.internalDTD is not None or info.externalDTD is not None:
            _drop_entities(root)
            found.doctypes.append(_shown(name))
        return root

    def check_main_part(self, types: list[str]) -> None:
        if _DOCUMENT_TYPE in types or _TEMPLATE_TYPE in types:
            return
        if any(t.startswith("application/vnd.ms-word.") and "macroEnabled" in t for t in types):
            raise self.refuse(
                "the Word template is a macro-enabled Word file (.docm or .dotm) although "
                f"its name ends in '{_shown(self.path.suffix) or 'nothing'}'. qbank does not "
                f"use templates with macros: {_SAVE_AS}, which leaves the macros out"
            )
        if any("spreadsheetml" in t or "ms-excel" in t for t in types):
            raise self.refuse(
                "the Word template is an Excel workbook, not a Word document: "
                "give a .docx or .dotx file"
            )
        if any("presentationml" in t or "ms-powerpoint" in t for t in types):
            raise self.refuse(
                "the Word template is a PowerPoint presentation, not a Word "
                "document: give a .docx or .dotx file"
            )
        raise self.refuse(
            f"the Word template is not a Word document (.docx or .dotx), "
            f"though it is packed like one: {_SAVE_AS}"
        )

    def notes(self, found: _Found) -> tuple[str, ...]:
        notes = []
        where = f"{self.path}: "
        if found.external:
            listed = list(dict.fromkeys(found.external))
            more = f" and {len(listed) - 5} more" if len(listed) > 5 else ""
            notes.append(
                f"{where}the Word template points to files outside it, which Word could "
                "fetch when a worksheet is opened; qbank left them out of the worksheets and "
                f"the answer key: {', '.join(listed[:5])}{more}"
            )
        if found.fields:
            names = ", ".join(dict.fromkeys(found.fields))
            notes.append(
                f"{where}the Word template has fields that fetch files or start "
                f"programs ({names}); qbank kept only their text"
            )
        if found.doctypes:
            verb = "declare" if len(found.doctypes) > 1 else "declares"
            notes.append(
                f"{where}the Word template's {', '.join(found.doctypes)} {verb} "
                "entities (<!DOCTYPE>), which Word never writes and which can be "
                "used to read files on this computer; qbank ignored them"
            )
        return tuple(notes)
