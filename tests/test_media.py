"""qbank.media: the pictures texts show are files inside the bank's folder, checked by
content and size before they are used; everything else is a clear message that names
the path as the text wrote it."""

from __future__ import annotations

import base64
import hashlib
import io
import os
import struct
import time
import zlib
from pathlib import Path

import pytest
from PIL import Image

from qbank import limits, media
from qbank.media import ImageLoader, ImageProblem
from qbank.richtext import parse_block

SVG_NS = 'xmlns="http://www.w3.org/2000/svg"'


def png_bytes(width: int = 4, height: int = 3, *, declared: tuple[int, int] | None = None) -> bytes:
    """A real PNG made by hand (8-bit grey); ``declared`` puts another size in its header."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        return (
            struct.pack(">I", len(body))
            + kind
            + body
            + struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF)
        )

    w, h = declared or (width, height)
    rows = b"".join(b"\x00" + bytes(range(width)) for _ in range(height))
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 0, 0, 0, 0))
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )


def pillow_bytes(fmt: str, size: tuple[int, int] = (40, 30)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, "red").convert("P" if fmt == "GIF" else "RGB").save(out, fmt)
    return out.getvalue()


def svg(body: str = '<circle cx="50" cy="25" r="20" fill="blue"/>', attrs: str = "") -> str:
    return f'<svg {SVG_NS} width="100" height="50" {attrs}>{body}</svg>'


@pytest.fixture
def bank(tmp_path: Path) -> Path:
    folder = tmp_path / "banks"
    folder.mkdir()
    (folder / "physics.yaml").write_text("title: x\n", encoding="utf-8")
    return folder


@pytest.fixture
def loader(bank: Path) -> ImageLoader:
    return ImageLoader(str(bank / "physics.yaml"))


def refused(loader: ImageLoader, src: str, *words: str) -> str:
    with pytest.raises(ImageProblem) as info:
        loader.load(src)
    message = info.value.message
    for word in words:
        assert word in message, message
    assert info.value.file is None and info.value.line is None  # the caller adds them
    assert "\n" not in message and "Traceback" not in message
    return message


# --- what is accepted ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "data", "media_type", "ext", "size"),
    [
        ("graph.png", png_bytes(4, 3), "image/png", "png", (4, 3)),
        ("photo.jpg", pillow_bytes("JPEG"), "image/jpeg", "jpg", (40, 30)),
        ("anim.gif", pillow_bytes("GIF"), "image/gif", "gif", (40, 30)),
    ],
)
def test_raster_pictures_are_read_with_their_type_and_size(
    bank, loader, name, data, media_type, ext, size
):
    (bank / name).write_bytes(data)
    image = loader.load(name)
    assert image.src == name
    assert image.media_type == media_type
    assert (image.width, image.height) == size
    assert image.data == data
    assert image.png is None
    assert image.name == f"qbank-{hashlib.sha256(data).hexdigest()[:16]}.{ext}"
    assert loader.total_bytes == len(data)


def test_an_svg_is_checked_measured_and_drawn_as_png_at_twice_its_size(bank, loader):
    (bank / "circuit.svg").write_text(svg(), encoding="utf-8")
    image = loader.load("circuit.svg")
    assert image.media_type == "image/svg+xml"
    assert image.name.endswith(".svg")
    assert (image.width, image.height) == (100, 50)
    assert image.png is not None and image.png.startswith(b"\x89PNG")
    with Image.open(io.BytesIO(image.png)) as drawn:
        assert drawn.size == (200, 100)
        drawn = drawn.convert("RGBA")
        assert drawn.getpixel((100, 50))[:3] == (0, 0, 255)  # the circle's centre is blue
        assert drawn.getpixel((2, 2))[3] == 0  # and the corner is empty
    assert loader.total_bytes == len(image.data) + len(image.png)


@pytest.mark.parametrize(
    ("attrs", "size"),
    [
        ('width="4cm" height="2cm"', (151, 76)),
        ('width="72pt" height="36pt"', (96, 48)),
        ('viewBox="0 0 300 150"', (300, 150)),
        ('width="600" viewBox="0,0,300,150"', (600, 300)),
        ('width="100%" height="100%" viewBox="0 0 40 20"', (40, 20)),
    ],
)
def test_the_size_of_an_svg_comes_from_width_height_or_viewbox(bank, loader, attrs, size):
    (bank / "s.svg").write_text(f'<svg {SVG_NS} {attrs}><rect width="5" height="5"/></svg>')
    assert (loader.load("s.svg").width, loader.load("s.svg").height) == size


def test_an_svg_may_hold_its_own_references_and_embedded_raster_pictures(bank, loader):
    dot = base64.b64encode(png_bytes(2, 2)).decode()
    body = (
        '<defs><linearGradient id="g"><stop offset="0" stop-color="red"/></linearGradient>'
        '<rect id="r" width="10" height="10"/></defs>'
        '<use href="#r" x="20"/><use xmlns:xlink="http://www.w3.org/1999/xlink" '
        'xlink:href="#r" x="40"/><rect width="10" height="10" style="fill: url(#g)"/>'
        f'<image href="data:image/png;base64,{dot}" x="60" width="10" height="10"/>'
    )
    (bank / "ok.svg").write_text(svg(body))
    assert loader.load("ok.svg").png


def test_a_plain_doctype_without_entities_is_read(bank, loader):
    """Older drawing programs write one; qbank never loads the DTD it names."""
    doctype = (
        '<?xml version="1.0"?>\n<!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN" '
        '"http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd">\n'
    )
    (bank / "old.svg").write_text(doctype + svg())
    assert loader.load("old.svg").width == 100


def test_the_type_comes_from_the_content_not_the_name(bank, loader):
    jpeg = pillow_bytes("JPEG")
    (bank / "really-a-jpeg.png").write_bytes(jpeg)
    image = loader.load("really-a-jpeg.png")
    assert image.media_type == "image/jpeg"
    assert image.name.endswith(".jpg")


def test_the_name_depends_on_the_content_only(bank, loader, tmp_path):
    data = png_bytes(5, 5)
    (bank / "a.png").write_bytes(data)
    (bank / "pictures").mkdir()
    (bank / "pictures" / "b.png").write_bytes(data)
    (bank / "c.png").write_bytes(png_bytes(6, 5))
    a, b, c = loader.load("a.png"), loader.load("pictures/b.png"), loader.load("c.png")
    assert a.name == b.name != c.name
    assert loader.total_bytes == len(data) + len(c.data)  # one copy in the outputs
    # another run (a new loader) gives the same name: Anki keeps one copy on re-import
    again = ImageLoader(str(bank / "physics.yaml")).load("a.png")
    assert again.name == a.name == "qbank-" + hashlib.sha256(data).hexdigest()[:16] + ".png"


def test_loads_are_cached_and_one_file_counts_once(bank, loader):
    data = png_bytes()
    (bank / "a.png").write_bytes(data)
    first = loader.load("a.png")
    assert loader.load("a.png") is first
    same = loader.load("./a.png")
    assert same.src == "./a.png" and same.data == data
    assert loader.total_bytes == len(data)


def test_markdown_spellings_of_a_file_name_with_spaces_and_accents(bank, loader):
    (bank / "my file.png").write_bytes(png_bytes())
    (bank / "café.png").write_bytes(png_bytes(3, 3))
    for text, expect in [
        ("![a](my%20file.png)", (4, 3)),
        ("![a](<my file.png>)", (4, 3)),
        ("![a](café.png)", (3, 3)),
    ]:
        (paragraph,) = parse_block(text).blocks
        src = paragraph.children[0].src  # type: ignore[attr-defined]
        image = loader.load(src)
        assert (image.width, image.height) == expect
    refused(loader, "no%20such%20file.png", "'no such file.png'", "no such file.png")


def test_a_missing_picture_names_where_it_was_looked_for(bank, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    loader = ImageLoader("banks/physics.yaml")  # as the teacher typed the bank's path
    message = refused(loader, "pictures/graph.png", "'pictures/graph.png'", "not found")
    assert "banks/pictures/graph.png" in message
    (bank / "pictures").mkdir()
    (bank / "pictures" / "graph.png").write_bytes(png_bytes())
    assert ImageLoader("banks/physics.yaml").load("pictures/graph.png").width == 4


# --- hostile paths -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("src", "words"),
    [
        ("../../etc/passwd", ["'../../etc/passwd'", "'..'"]),
        ("pictures/../../secret.png", ["'pictures/../../secret.png'", "'..'"]),
        ("%2e%2e/%2e%2e/etc/passwd", ["'../../etc/passwd'", "'..'"]),
        ("/etc/passwd", ["'/etc/passwd'", "full path"]),
        ("C:%5CUsers%5Cme%5Cx.png", ["'C:\\Users\\me\\x.png'", "full path"]),
        ("pictures%5Cx.png", ["'pictures\\x.png'", "'/' between folders"]),
        ("http://x/y.png", ["'http://x/y.png'", "images must be files next to the bank"]),
        ("https://example.org/a.png", ["https://example.org/a.png", "next to the bank"]),
        ("file:///etc/passwd", ["'file:///etc/passwd'", "next to the bank"]),
        ("data:image/png;base64,iVBORw0KGgo=", ["'data:image/png", "next to the bank"]),
        ("javascript:alert(1)", ["'javascript:alert(1)'", "next to the bank"]),
        ("", ["no file name"]),
    ],
)
def test_paths_out_of_the_bank_folder_and_addresses_are_refused_before_the_disk(
    loader, monkeypatch, src, words
):
    monkeypatch.setattr(media, "_read", lambda *a: pytest.fail("read the disk"))
    refused(loader, src, *words)


def test_a_symlink_out_of_the_bank_folder_is_refused(bank, loader, tmp_path):
    outside = tmp_path / "outside.png"
    outside.write_bytes(png_bytes())
    (bank / "evil.png").symlink_to(outside)
    (bank / "passwd.png").symlink_to("/etc/passwd")
    (bank / "pics").symlink_to(tmp_path)  # a folder link out, then a path through it
    refused(loader, "evil.png", "'evil.png'", "outside the bank's folder")
    refused(loader, "passwd.png", "'passwd.png'", "outside the bank's folder")
    refused(loader, "pics/outside.png", "'pics/outside.png'", "outside the bank's folder")
    # a link that stays inside the folder is fine
    (bank / "real.png").write_bytes(png_bytes())
    (bank / "alias.png").symlink_to("real.png")
    assert loader.load("alias.png").width == 4


def test_a_folder_a_pipe_and_a_link_loop_are_refused(bank, loader):
    (bank / "pictures").mkdir()
    refused(loader, "pictures", "'pictures'", "is a folder")
    os.mkfifo(bank / "pipe.png")
    refused(loader, "pipe.png", "'pipe.png'", "not a regular file")
    (bank / "loop.png").symlink_to("loop.png")
    refused(loader, "loop.png", "'loop.png'", "cannot be read")


def test_the_built_in_bank_and_stdin_cannot_show_pictures():
    message = refused(ImageLoader(None), "graph.png", "'graph.png'", "no folder")
    assert "built-in" in message


# --- hostile content -----------------------------------------------------------------------


def test_a_100_mb_picture_is_refused_by_its_size_without_reading_it(bank, loader, monkeypatch):
    with open(bank / "huge.png", "wb") as fh:
        fh.write(png_bytes())
        fh.truncate(100 * 1024 * 1024)  # sparse: takes no disk space
    monkeypatch.setattr(media, "_read", lambda *a: pytest.fail("read a 100 MB file"))
    start = time.perf_counter()
    refused(loader, "huge.png", "'huge.png'", "100 MB", "5 MB")
    assert time.perf_counter() - start < 0.5


def test_a_file_that_grows_after_the_check_is_read_no_further_than_the_limit(
    bank, loader, monkeypatch
):
    (bank / "grows.png").write_bytes(png_bytes() + b"\0" * 100)
    monkeypatch.setattr(limits, "MAX_IMAGE_BYTES", 50)
    real_check, sizes = media._check_file_size, []

    def stat_misses_it(size: int, path: str) -> None:
        sizes.append(size)
        if len(sizes) > 1:  # the check of what was read
            real_check(size, path)

    monkeypatch.setattr(media, "_check_file_size", stat_misses_it)
    with pytest.raises(ImageProblem, match=r"'grows\.png'"):
        media._read(bank / "grows.png", "grows.png")
    assert sizes == [len(png_bytes()) + 100, 51]  # read stopped one byte past the limit


def test_a_png_that_is_really_text_is_refused(bank, loader):
    (bank / "notes.png").write_text("Hello, this is not a picture\n")
    refused(loader, "notes.png", "'notes.png'", "is not a PNG, JPEG, GIF or SVG picture")
    (bank / "page.png").write_text("<html><body>a web page</body></html>")
    refused(loader, "page.png", "'page.png'", "is not a PNG, JPEG, GIF or SVG picture")


def test_a_damaged_png_is_refused(bank, loader):
    data = bytearray(png_bytes())
    data[-20] ^= 0xFF  # inside the IDAT chunk: its checksum no longer matches
    (bank / "broken.png").write_bytes(bytes(data))
    refused(loader, "broken.png", "'broken.png'", "damaged")
    (bank / "cut.png").write_bytes(png_bytes()[:12])
    refused(loader, "cut.png", "'cut.png'", "damaged")


@pytest.mark.parametrize("declared", [(100_000, 100_000), (8_000, 8_000), (30_000, 10)])
def test_a_png_declaring_huge_dimensions_is_refused_from_its_header(bank, loader, declared):
    (bank / "bomb.png").write_bytes(png_bytes(declared=declared))
    start = time.perf_counter()
    message = refused(loader, "bomb.png", "'bomb.png'", "megapixels")
    assert time.perf_counter() - start < 0.5
    if declared == (8_000, 8_000):
        assert "8,000 × 8,000 pixels" in message


def test_a_jpeg_or_gif_declaring_huge_dimensions_is_refused_from_its_header(bank, loader):
    jpeg = bytearray(pillow_bytes("JPEG"))
    sof = jpeg.index(b"\xff\xc0")  # baseline frame header: length, precision, height, width
    jpeg[sof + 5 : sof + 9] = struct.pack(">HH", 60_000, 60_000)
    gif = bytearray(pillow_bytes("GIF"))
    gif[6:10] = struct.pack("<HH", 65_535, 65_535)  # the logical screen
    for name, data in (("photo.jpg", jpeg), ("anim.gif", gif)):
        (bank / name).write_bytes(bytes(data))
        refused(loader, name, f"'{name}'", "megapixels")


def test_the_bank_pictures_together_are_limited(bank, loader, monkeypatch):
    data = pillow_bytes("JPEG", (200, 200))
    for name in "abc":
        (bank / f"{name}.jpg").write_bytes(data + name.encode())  # three different files
    monkeypatch.setattr(limits, "MAX_BANK_IMAGE_BYTES", 2 * len(data) + 10)
    loader.load("a.jpg")
    loader.load("b.jpg")
    refused(loader, "c.jpg", "'c.jpg'", "bank's pictures")
    assert loader.total_bytes == 2 * len(data) + 2
    loader.load("a.jpg")  # what was loaded stays usable


def test_a_refusal_is_remembered_but_raised_anew_each_time(loader):
    first = refused(loader, "../x.png")
    with pytest.raises(ImageProblem) as info:
        loader.load("../x.png")
    assert info.value.message == first and info.value.file is None


# --- hostile SVG ---------------------------------------------------------------------------

XXE = (
    '<?xml version="1.0"?>\n<!DOCTYPE svg [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>\n'
    f'<svg {SVG_NS} width="100" height="50"><text y="20">&xxe;</text></svg>'
)
LAUGHS = (
    '<?xml version="1.0"?>\n<!DOCTYPE svg [<!ENTITY a "aaaaaaaaaa">'
    '<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>\n'
    f'<svg {SVG_NS} width="100" height="50"><text y="20">&b;</text></svg>'
)


@pytest.mark.parametrize(
    ("text", "words"),
    [
        (XXE, ["entities"]),
        (LAUGHS, ["entities"]),
        (svg('<image href="file:///etc/passwd" width="10" height="10"/>'), ["file:///etc/passwd"]),
        (svg('<image href="http://example.org/a.png" width="9" height="9"/>'), ["http://ex"]),
        (
            svg(
                '<image xmlns:xlink="http://www.w3.org/1999/xlink" '
                'xlink:href="secret.png" width="9" height="9"/>'
            ),
            ["'secret.png'"],
        ),
        (svg('<use href="other.svg#part"/>'), ["'other.svg#part'"]),
        (svg('<rect width="9" height="9" fill="url(http://x/p.svg#g)"/>'), ["http://x/p.svg"]),
        (svg('<rect width="9" height="9" style="fill:url(\'/etc/x.svg#g\')"/>'), ["/etc/x.svg"]),
        (svg('<style>rect { fill: url("http://x/y.svg#g") }</style>'), ["http://x/y.svg"]),
        (svg("<style>@import url(http://x/s.css);</style>"), ["@import"]),
        (svg('<image href="data:image/svg+xml;base64,PHN2Zy8+" width="9" height="9"/>'), []),
        (svg("<script>alert(1)</script>"), ["<script>"]),
        (svg('<a><set attributeName="href" to="javascript:alert(1)"/>x</a>'), ["href="]),
        (svg('<script href="http://x/evil.js"/>'), ["<script>"]),
        (svg("", 'onload="alert(1)"'), ["onload="]),
        (svg('<rect width="9" height="9" onclick="alert(1)"/>'), ["onclick="]),
        (svg('<foreignObject><p xmlns="http://www.w3.org/1999/xhtml">x</p></foreignObject>'), []),
        ('<?xml-stylesheet href="http://x/s.css"?>' + svg(), ["style sheet"]),
        ('<svg width="10" height="10"/>', ["xmlns="]),
        (f'<svg {SVG_NS}><rect width="9" height="9"/></svg>', ["no size"]),
        (svg().replace('width="100"', 'width="100000"'), ["100,000"]),
        (f'<svg {SVG_NS} width="10" height="10"><rect', ["mistake"]),
    ],
)
def test_hostile_svg_is_refused_before_it_is_drawn(bank, loader, monkeypatch, text, words):
    monkeypatch.setattr(media, "_svg_to_png", lambda *a: pytest.fail("drew a hostile SVG"))
    (bank / "x.svg").write_text(text, encoding="utf-8")
    refused(loader, "x.svg", "'x.svg'", *words)


def test_an_embedded_picture_declaring_huge_dimensions_is_refused(bank, loader):
    bomb = base64.b64encode(png_bytes(declared=(100_000, 100_000))).decode()
    (bank / "x.svg").write_text(svg(f'<image href="data:image/png;base64,{bomb}"/>'))
    refused(loader, "x.svg", "a picture inside the image 'x.svg'", "megapixels")


def use_bomb(levels: int = 9) -> str:
    """Nine nested groups of ten <use> each: a billion squares drawn from 100 elements."""
    parts = ['<defs><rect id="l0" width="1" height="1"/>']
    for i in range(1, levels + 1):
        parts.append(f'<g id="l{i}">' + f'<use href="#l{i - 1}"/>' * 10 + "</g>")
    return svg("".join(parts) + f'</defs><use href="#l{levels}"/>')


@pytest.mark.parametrize(
    ("body", "words"),
    [
        (use_bomb(), ["<use>"]),
        (use_bomb(3), ["1,000 times"]),  # 1,111 uses of a square: few shapes, slow to draw
        ('<g id="a"><use href="#a"/></g>', ["refer to themselves"]),
        (
            '<defs><use id="a" href="#b"/><use id="b" xlink:href="#a" '
            'xmlns:xlink="http://www.w3.org/1999/xlink"/></defs><use href="#a"/>',
            ["refer to themselves"],
        ),
        (
            "<defs>"
            + "".join(f'<g id="g{i}"><use href="#g{i + 1}"/></g>' for i in range(150))
            + '<rect id="g150" width="1" height="1"/></defs><use href="#g0"/>',
            ["nested too deep"],
        ),
        (
            '<defs><pattern id="p" width="4" height="4">'
            + '<rect width="1" height="1"/>' * 200
            + "</pattern></defs>"
            + '<rect width="3" height="3" fill="url(#p)"/>' * 100,
            ["10,000 shapes"],
        ),
        (
            '<defs><marker id="m"><circle r="2"/></marker></defs><polyline marker-mid="url(#m)"'
            f' points="{" ".join(f"{i},{i}" for i in range(6000))}"/>',
            ["10,000 shapes"],
        ),
    ],
)
def test_svg_that_would_take_minutes_to_draw_is_refused_at_once(bank, loader, body, words):
    (bank / "x.svg").write_text(svg(body))
    start = time.perf_counter()
    refused(loader, "x.svg", "'x.svg'", *words)
    assert time.perf_counter() - start < 1


def test_embedded_pictures_together_are_limited(bank, loader, monkeypatch):
    monkeypatch.setattr(limits, "MAX_IMAGE_PIXELS", 100)
    dot = base64.b64encode(png_bytes(6, 6)).decode()  # 36 pixels each
    image = f'<image href="data:image/png;base64,{dot}" width="6" height="6"/>'
    (bank / "two.svg").write_text(svg(image * 2).replace('"100" height="50"', '"9" height="9"'))
    assert loader.load("two.svg").width == 9
    (bank / "three.svg").write_text(svg(image * 3).replace('"100" height="50"', '"9" height="9"'))
    refused(loader, "three.svg", "'three.svg'", "pictures of more than")


def test_too_many_svg_elements_are_refused(bank, loader, monkeypatch):
    monkeypatch.setattr(limits, "MAX_SVG_ELEMENTS", 100)
    (bank / "x.svg").write_text(svg('<rect width="1" height="1"/>' * 200))
    refused(loader, "x.svg", "'x.svg'", "more than 100 elements")


def test_the_svg_drawer_itself_fetches_nothing(tmp_path):
    """Behind the checks, CairoSVG's own fetcher refuses files and addresses too."""
    secret = tmp_path / "secret.png"
    Image.new("RGB", (10, 10), "red").save(secret)
    for href in (secret.as_uri(), str(secret), "http://127.0.0.1:9/x.png"):
        text = svg(f'<image href="{href}" width="100" height="50"/>').encode()
        with pytest.raises(ImageProblem, match="fetches nothing"):
            media._svg_to_png(text, 100, 50, "x.svg")


def test_a_large_svg_is_drawn_within_the_pixel_limit(bank, loader, monkeypatch):
    monkeypatch.setattr(limits, "MAX_SVG_RENDER_PIXELS", 10_000)
    (bank / "big.svg").write_text(svg().replace('width="100" height="50"', 'viewBox="0 0 400 100"'))
    image = loader.load("big.svg")
    assert (image.width, image.height) == (400, 100)
    with Image.open(io.BytesIO(image.png or b"")) as drawn:
        assert drawn.size[0] * drawn.size[1] <= 10_000
        assert drawn.size == (200, 50)
