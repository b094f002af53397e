"""The pictures texts show (``![alt](path)``): found next to the bank file, checked, read once.

    loader = ImageLoader(bank.file)        # one per bank; None: the built-in bank, stdin
    image = loader.load(src)               # a qbank.model.ImageFile, cached by src
    loader.total_bytes                     # what the bank's pictures weigh so far

The rules, each a clear :class:`ImageProblem` (in teacher words, naming the path as the
text wrote it; the caller adds file, line and question):

- ``src`` is a path relative to the bank file's folder, ``/`` between folders. Markdown
  hands it over percent-encoded (``<my file.png>`` and ``my%20file.png`` both arrive as
  ``my%20file.png``); it is decoded once. Web addresses and every other scheme
  (``http:``, ``data:``, ``file:``), absolute paths, ``..`` and backslashes are refused
  before the disk is touched; what is left must resolve (symbolic links followed) to a
  regular file inside the bank's folder.
- The size is checked with ``stat`` before a byte is read (:data:`limits.MAX_IMAGE_BYTES`,
  and :data:`limits.MAX_BANK_IMAGE_BYTES` for the bank's pictures together); the file is
  opened without following a link and without blocking on a pipe, and read no further
  than the limit.
- The type comes from the content (PNG, JPEG, GIF, SVG), never from the extension; the
  output name is ``qbank-<hash>.<ext>`` with the content's extension.
- PNG, JPEG and GIF: width and height read from the header by Pillow (which decodes no
  pixels), refused above :data:`limits.MAX_IMAGE_PIXELS` or :data:`limits.MAX_IMAGE_SIDE`
  before anything is unpacked.
- SVG: parsed by :mod:`qbank.safe_xml`; entity declarations, processing instructions,
  scripts, event attributes and every reference that is not ``#id`` or an embedded PNG,
  JPEG or GIF (``data:image/png;base64,…``, itself size-checked) are refused. It is drawn
  as PNG (for Word) by CairoSVG at twice its size, within
  :data:`limits.MAX_SVG_RENDER_PIXELS`, with a URL fetcher that fetches nothing.

Pillow and CairoSVG are imported on the first picture, so a bank without pictures does not
pay for them.
"""

from __future__ import annotations

import base64
import binascii
import dataclasses
import hashlib
import io
import math
import os
import re
import stat
import warnings
from pathlib import Path
from typing import Any
from urllib.parse import unquote

from . import limits
from .errors import QbankError
from .model import ImageFile


class ImageProblem(QbankError):
    """A picture a text shows cannot be used (the message names its path as written)."""


_MB = 1024 * 1024
#: Patterns, compiled on first use (by re's cache) so importing this module stays cheap.
_SCHEME = r"[A-Za-z][A-Za-z0-9+.\-]*:"
_CONTROL = r"[\x00-\x1f\x7f]"
#: Raster types by their first bytes: media type, extension, Pillow's format name.
_MAGIC = (
    (b"\x89PNG\r\n\x1a\n", "image/png", "png", "PNG"),
    (b"\xff\xd8\xff", "image/jpeg", "jpg", "JPEG"),
    (b"GIF87a", "image/gif", "gif", "GIF"),
    (b"GIF89a", "image/gif", "gif", "GIF"),
)
_SVG_NS = "http://www.w3.org/2000/svg"
_DATA_IMAGE = r"(?i)\s*data:image/(png|jpeg|jpg|gif)\s*;\s*base64\s*,"
_CSS_URL = r"(?is)url\(\s*(['\"]?)(.*?)\1\s*\)"
#: Elements that run code or embed another document: never in a picture.
_ACTIVE = {"script", "foreignobject", "iframe", "object", "embed", "handler", "listener"}
#: CSS pixels per unit (CSS and SVG: 96 px to the inch; em and ex as for a 16 px font).
_UNITS = {
    "": 1.0,
    "px": 1.0,
    "pt": 96 / 72,
    "pc": 16.0,
    "in": 96.0,
    "cm": 96 / 2.54,
    "mm": 96 / 25.4,
    "q": 96 / 101.6,
    "em": 16.0,
    "ex": 8.0,
}
_NUMBER = r"[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?"
#: How long a chain of references (a <use> of a <use> of …) is followed, and how deep
#: elements inside elements and references together (each a Python call: well below
#: Python's recursion limit of 1,000; libxml2 itself stops at 256 nested elements).
_MAX_REFERENCE_HOPS = 100
_MAX_DRAWING_DEPTH = 400
_LENGTH = r"\s*\+?(\d+\.?\d*(?:[eE][+-]?\d+)?|\.\d+(?:[eE][+-]?\d+)?)\s*([a-zA-Z]*)\s*"


class ImageLoader:
    """Reads and checks the pictures of one bank; each ``src`` once."""

    def __init__(self, bank_file: str | None) -> None:
        self._bank_file = bank_file
        self._cache: dict[str, ImageFile] = {}
        #: The message of each src that failed, so a text repeated in 1,000 variants is
        #: checked once (a new exception each time: the caller adds its own location).
        self._failed: dict[str, str] = {}
        #: The same file reached by two spellings (``a.png``, ``./a.png``) counts once.
        self._by_file: dict[tuple[int, int], ImageFile] = {}
        #: The names (content hashes) of the pictures counted in total_bytes.
        self._counted: set[str] = set()
        self._total = 0

    @property
    def total_bytes(self) -> int:
        """Bytes of the distinct pictures loaded so far (files, plus PNGs drawn from SVGs)."""
        return self._total

    def load(self, src: str) -> ImageFile:
        """The picture ``src`` names (as the Markdown parser gives it); raises ImageProblem."""
        image = self._cache.get(src)
        if image is not None:
            return image
        message = self._failed.get(src)
        if message is not None:
            raise ImageProblem(message)
        try:
            image = self._load(src)
        except ImageProblem as exc:
            self._failed[src] = exc.message
            raise
        self._cache[src] = image
        return image

    # --- finding the file ----------------------------------------------------------------

    def _load(self, src: str) -> ImageFile:
        path = _relative_path(src)
        if self._bank_file is None:
            raise ImageProblem(
                f"the image '{path}' cannot be used here: pictures are files next to a bank "
                "file, and this bank (the built-in one, or one read from standard input) "
                "has no folder; save the bank as a file beside the picture"
            )
        bank_dir = os.path.dirname(self._bank_file)
        looked_for = os.path.join(bank_dir, path) if bank_dir else path
        try:
            root = Path(bank_dir or ".").resolve(strict=True)
        except OSError as exc:
            raise ImageProblem(
                f"the image '{path}' cannot be found: the bank's folder cannot be read "
                f"({exc.strerror})"
            ) from None
        try:
            real = (root / path).resolve(strict=True)
        except FileNotFoundError:
            raise ImageProblem(
                f"the image '{path}' was not found: there is no file {looked_for} "
                "(image paths start from the bank file's folder)"
            ) from None
        except (OSError, RuntimeError) as exc:  # a loop of links, no permission
            why = getattr(exc, "strerror", None) or "a loop of links"
            raise ImageProblem(f"the image '{path}' cannot be read ({why})") from None
        if not real.is_relative_to(root):
            raise ImageProblem(
                f"the image '{path}' is a link to a file outside the bank's folder; "
                "copy the picture into the bank's folder instead"
            )
        info = _stat(real, path)
        if stat.S_ISDIR(info.st_mode):
            raise ImageProblem(
                f"the image '{path}' is a folder, not a picture; write the picture's file name"
            )
        if not stat.S_ISREG(info.st_mode):
            raise ImageProblem(f"the image '{path}' is not a regular file (a pipe or a device)")
        _check_file_size(info.st_size, path)
        key = (info.st_dev, info.st_ino)
        same = self._by_file.get(key)
        if same is not None:
            return dataclasses.replace(same, src=src)
        self._check_total(info.st_size, path)
        data = _read(real, path)
        image = _image(src, path, data)
        if image.name not in self._counted:  # two copies of one picture: one in the outputs
            size = len(image.data) + len(image.png or b"")
            self._check_total(size, path)
            self._total += size
            self._counted.add(image.name)
        self._by_file[key] = image
        return image

    def _check_total(self, size: int, path: str) -> None:
        if self._total + size > limits.MAX_BANK_IMAGE_BYTES:
            raise ImageProblem(
                f"the image '{path}' would take the bank's pictures over "
                f"{limits.MAX_BANK_IMAGE_BYTES // _MB} MB together; use fewer or smaller "
                "pictures (save photos as JPEG at a lower resolution)"
            )


def _relative_path(src: str) -> str:
    """``src`` decoded into a relative path with ``/`` separators, or a clear refusal."""
    scheme = re.match(_SCHEME, src)
    if scheme and len(scheme.group()) > 2:  # 'C:' is a Windows drive, refused below
        shown = src if len(src) <= 60 else src[:50] + "…"
        if src[:5].lower() == "data:":
            raise ImageProblem(
                f"the image '{shown}' is written into the text (a data: address); images "
                "must be files next to the bank: save the picture as a file in the bank's "
                "folder and write its name, e.g. ![what it shows](graph.png)"
            )
        raise ImageProblem(
            f"the image '{shown}' is an address (URL), not a file; images must be files "
            "next to the bank: save the picture in the bank's folder and write its name, "
            "e.g. ![what it shows](graph.png)"
        )
    try:
        path = unquote(src, errors="strict")
    except UnicodeDecodeError:
        raise ImageProblem(
            f"the image '{src}' is not a usable file name (a '%' must be followed by the "
            "code of a character); write the file's name as it is"
        ) from None
    if not path:
        raise ImageProblem("an image has no file name: write ![what it shows](picture.png)")
    if re.search(_CONTROL, path):
        raise ImageProblem(f"the image {path!r} has a control character in its file name")
    if path.startswith(("/", "\\")) or re.match(r"[A-Za-z]:", path):
        raise ImageProblem(
            f"the image '{path}' is a full path from the top of the disk; images must be "
            "files in the bank's folder (or a folder inside it): write the path from the "
            "bank's folder, e.g. ![what it shows](pictures/graph.png)"
        )
    if "\\" in path:
        raise ImageProblem(
            f"the image '{path}' has a '\\' in its path; write '/' between folders "
            "(pictures/graph.png), which works on every computer"
        )
    if ".." in path.split("/"):
        raise ImageProblem(
            f"the image '{path}' goes up out of the bank's folder ('..'); images must be "
            "files in the bank's folder or a folder inside it: copy the picture there"
        )
    return path


def _stat(real: Path, path: str) -> os.stat_result:
    try:
        return os.stat(real)
    except OSError as exc:
        raise ImageProblem(f"the image '{path}' cannot be read ({exc.strerror})") from None


def _check_file_size(size: int, path: str) -> None:
    if size > limits.MAX_IMAGE_BYTES:
        megabytes = f"{size / _MB:.1f}".removesuffix(".0")
        raise ImageProblem(
            f"the image '{path}' is {megabytes} MB, larger than the "
            f"{limits.MAX_IMAGE_BYTES // _MB} MB a picture may be; make it smaller (save a "
            "photo as JPEG, or at a lower resolution)"
        )


def _read(real: Path, path: str) -> bytes:
    """The file's bytes: opened without following a link or waiting on a pipe, and read
    no further than the limit (it may have changed since it was looked at)."""
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOFOLLOW", 0)
    flags |= getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_BINARY", 0)
    try:
        fd = os.open(real, flags)
    except OSError as exc:
        raise ImageProblem(f"the image '{path}' cannot be read ({exc.strerror})") from None
    with os.fdopen(fd, "rb") as fh:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise ImageProblem(f"the image '{path}' is not a regular file (a pipe or a device)")
        _check_file_size(info.st_size, path)
        data = fh.read(limits.MAX_IMAGE_BYTES + 1)
    _check_file_size(len(data), path)
    return data


# --- what the file holds ----------------------------------------------------------------


def _image(src: str, path: str, data: bytes) -> ImageFile:
    digest = hashlib.sha256(data).hexdigest()[:16]
    for magic, media_type, ext, pillow_format in _MAGIC:
        if data.startswith(magic):
            width, height = _raster_size(data, pillow_format, f"the image '{path}'")
            return ImageFile(src, f"qbank-{digest}.{ext}", data, media_type, width, height)
    width, height, png = _svg(data, path)
    return ImageFile(src, f"qbank-{digest}.svg", data, "image/svg+xml", width, height, png)


def _not_a_picture(path: str) -> ImageProblem:
    return ImageProblem(
        f"the image '{path}' is not a PNG, JPEG, GIF or SVG picture (its content was "
        "checked, not its name); open it in a picture program and save it as PNG or JPEG"
    )


def _check_pixels(width: int, height: int, label: str) -> None:
    if width < 1 or height < 1:
        raise ImageProblem(f"{label} has no size ({width} × {height} pixels)")
    if width * height > limits.MAX_IMAGE_PIXELS or max(width, height) > limits.MAX_IMAGE_SIDE:
        raise ImageProblem(
            f"{label} is {width:,} × {height:,} pixels, larger than the "
            f"{limits.MAX_IMAGE_PIXELS / 1e6:g} megapixels (and {limits.MAX_IMAGE_SIDE:,} "
            "pixels a side) a picture may be; save it at a lower resolution"
        )


def _raster_size(data: bytes, pillow_format: str, label: str) -> tuple[int, int]:
    """Width and height from the header (Pillow decodes no pixels for this)."""
    from PIL import Image

    kind = {"PNG": "a PNG", "JPEG": "a JPEG", "GIF": "a GIF"}[pillow_format]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", Image.DecompressionBombWarning)
        try:
            with Image.open(io.BytesIO(data), formats=[pillow_format]) as picture:
                width, height = picture.size
                _check_pixels(width, height, label)
                picture.verify()  # PNG: every chunk's checksum, without unpacking pixels
        except Image.DecompressionBombError:
            raise ImageProblem(
                f"{label} declares far more than the "
                f"{limits.MAX_IMAGE_PIXELS / 1e6:g} megapixels a picture may have; save it "
                "at a lower resolution"
            ) from None
        except ImageProblem:
            raise
        except Exception as exc:  # Pillow raises many kinds for a damaged file
            raise ImageProblem(
                f"{label} starts like {kind} picture but is damaged and cannot "
                f"be read ({exc}); open it in a picture program and save it again"
            ) from None
    return width, height


def _svg(data: bytes, path: str) -> tuple[int, int, bytes]:
    """Check an SVG picture; its size in CSS pixels and the PNG drawn from it."""
    from lxml import etree

    from . import safe_xml

    head = data[:4096].lstrip(b"\xef\xbb\xbf \t\r\n")
    if not head.startswith(b"<"):
        raise _not_a_picture(path)
    try:
        root = safe_xml.parse(data)
    except (etree.XMLSyntaxError, ValueError) as exc:
        if b"<svg" in head:
            raise ImageProblem(
                f"the image '{path}' is an SVG picture with a mistake in it ({exc}); open "
                "it in a drawing program and save it again"
            ) from None
        raise _not_a_picture(path) from None
    if not isinstance(root.tag, str) or etree.QName(root).localname != "svg":
        raise _not_a_picture(path)
    if etree.QName(root).namespace != _SVG_NS:
        raise ImageProblem(
            f"the image '{path}' is an SVG picture without its namespace: its <svg> needs "
            f'xmlns="{_SVG_NS}" (browsers, Anki and Moodle show nothing without it)'
        )
    _check_svg(root, data, path)
    _check_drawing_work(root, path)
    width, height = _svg_size(root, path)
    return width, height, _svg_to_png(data, width, height, path)


def _check_svg(root: Any, data: bytes, path: str) -> None:
    from lxml import etree

    if root.getroottree().docinfo.internalDTD is not None and _internal_subset(data):
        raise ImageProblem(
            f"the image '{path}' declares entities (<!DOCTYPE … [<!ENTITY …>]>), which qbank "
            "does not read; save the picture again as plain SVG"
        )
    for node in root.itersiblings(preceding=True):
        if isinstance(node, etree._ProcessingInstruction):
            raise _instruction(node, path)
    count = pixels = 0
    for el in root.iter():
        count += 1
        if count > limits.MAX_SVG_ELEMENTS:
            raise ImageProblem(
                f"the image '{path}' has more than {limits.MAX_SVG_ELEMENTS:,} elements; "
                "simplify it or save it as PNG"
            )
        if isinstance(el, etree._ProcessingInstruction):
            raise _instruction(el, path)
        if isinstance(el, etree._Entity):
            raise ImageProblem(
                f"the image '{path}' uses an entity (&{el.name};), which qbank does not read; "
                "save the picture again as plain SVG"
            )
        if not isinstance(el.tag, str):  # a comment
            continue
        name = etree.QName(el).localname
        if name.lower() in _ACTIVE:
            raise ImageProblem(
                f"the image '{path}' holds a <{name}> element, which could run a program or "
                "show another document; a picture cannot have one: remove it"
            )
        if name == "style" and el.text:
            pixels += _check_css(el.text, path)
        animated = (el.get("attributeName") or "").strip().lower()
        if animated.endswith("href") or animated.startswith("on"):
            raise ImageProblem(
                f"the image '{path}' has an animation that changes {animated}= (a link or an "
                "event), which could lead outside the picture; remove it"
            )
        for attr, value in el.attrib.items():
            local = etree.QName(attr).localname
            if local.lower().startswith("on"):
                raise ImageProblem(
                    f"the image '{path}' has an event attribute {local}= on <{name}>, which "
                    "would run a program; a picture cannot have one: remove it"
                )
            if local == "href":
                pixels += _check_reference(value, path)
            elif "url(" in value.lower() or "@import" in value.lower():
                pixels += _check_css(value, path)
        if pixels > limits.MAX_IMAGE_PIXELS:
            raise ImageProblem(
                f"the image '{path}' holds pictures of more than "
                f"{limits.MAX_IMAGE_PIXELS / 1e6:g} megapixels together; save it at a lower "
                "resolution, or as PNG"
            )


def _instruction(node: Any, path: str) -> ImageProblem:
    target = getattr(node, "target", "")
    return ImageProblem(
        f"the image '{path}' links a style sheet or other file (<?{target} …?>); a picture "
        "must hold everything it shows"
    )


def _check_drawing_work(root: Any, path: str) -> None:
    """What drawing the SVG would cost, counted before it is drawn.

    A ``<use>`` draws its target again, and ``url(#id)`` draws a pattern, marker, mask or
    clip path again for each shape that refers to it, so ten nested groups of ten
    ``<use>`` each draw ten billion shapes from a hundred elements (CairoSVG stops at
    100,000 references, after a minute and a half). Here every element counts once, plus
    what each of its references draws (a marker once per point of its shape; a reference
    in a ``<style>`` sheet once per element of the picture); a ``<use>`` costs
    CairoSVG a search of the whole picture, so those are counted apart.
    """
    from lxml import etree

    ids: dict[str, Any] = {}
    elements = [el for el in root.iter() if isinstance(el.tag, str)]
    for el in elements:
        ids.setdefault(el.get("id") or "", el)
    numbers = sum(
        len(re.findall(_NUMBER, el.get("d") or el.get("points") or "")) for el in elements
    )
    sheet: list[tuple[str, int]] = []
    for el in elements:
        if etree.QName(el).localname == "style" and el.text:
            sheet += _css_references(el.text, len(elements), max(1, numbers // 2))
    memo: dict[Any, tuple[int, int]] = {}
    visiting: set[Any] = set()

    def too_much() -> ImageProblem:
        return ImageProblem(
            f"the image '{path}' would draw more than {limits.MAX_SVG_ELEMENTS:,} shapes, "
            f"or repeat parts of itself (<use>) more than {limits.MAX_SVG_USES:,} times; "
            "simplify it or save it as PNG"
        )

    def work(el: Any, hops: int, depth: int) -> tuple[int, int]:
        """Shapes and uses drawing ``el`` takes; ``hops`` references followed to reach
        it, ``depth`` calls deep (elements inside elements, and references)."""
        done = memo.get(el)
        if done is not None:
            return done
        if el in visiting or hops > _MAX_REFERENCE_HOPS or depth > _MAX_DRAWING_DEPTH:
            raise ImageProblem(
                f"the image '{path}' has parts that refer to themselves (a <use> or url(#…) "
                "loop), or parts nested too deep to follow; save it again from a drawing "
                "program, or save it as PNG"
            )
        visiting.add(el)
        local = etree.QName(el).localname
        shapes, uses = 1, int(local == "use")
        for child in el:
            if isinstance(child.tag, str):
                more, more_uses = work(child, hops, depth + 1)
                shapes, uses = shapes + more, uses + more_uses
        for ref, times in _references(el, local):
            target = ids.get(ref)
            if target is None:
                continue
            more, more_uses = work(target, hops + 1, depth + 1)
            shapes, uses = shapes + more * times, uses + more_uses * times
            if shapes > limits.MAX_SVG_ELEMENTS or uses > limits.MAX_SVG_USES:
                raise too_much()
        visiting.discard(el)
        memo[el] = shapes, uses
        return shapes, uses

    shapes, uses = work(root, 0, 0)
    for ref, times in sheet:
        target = ids.get(ref)
        if target is not None:
            more, more_uses = work(target, 1, 1)
            shapes, uses = shapes + more * times, uses + more_uses * times
    if shapes > limits.MAX_SVG_ELEMENTS or uses > limits.MAX_SVG_USES:
        raise too_much()


def _references(el: Any, local: str) -> list[tuple[str, int]]:
    """The ``#id`` parts an element draws again, each with how many times."""
    from lxml import etree

    refs: list[tuple[str, int]] = []
    points = max(1, len(re.findall(_NUMBER, el.get("d") or el.get("points") or "")) // 2)
    for attr, value in el.attrib.items():
        name = etree.QName(attr).localname
        if name == "href" and local == "use" and value.strip().startswith("#"):
            refs.append((value.strip()[1:], 1))
        elif name == "style":
            refs += _css_references(value, 1, points)
        elif "url(" in value:
            refs += _css_references(f"{name}: {value}", 1, points)
    return refs


def _css_references(css: str, times: int, points: int) -> list[tuple[str, int]]:
    """``url(#id)`` in CSS declarations; a marker is drawn at each point of its shape."""
    refs = []
    for declaration in re.split(r"[;{}]", css):
        prop = declaration.split(":", 1)[0].strip().lower()
        for match in re.finditer(_CSS_URL, declaration):
            target = match.group(2).strip()
            if target.startswith("#"):
                refs.append((target[1:], times * (points if prop.startswith("marker") else 1)))
    return refs


def _internal_subset(data: bytes) -> bool:
    """Whether the DOCTYPE has declarations of its own (``[…]``: entities, default
    attributes), which a browser showing the SVG could act on. A DOCTYPE that only names
    the SVG DTD, as older drawing programs write, is harmless: qbank never loads it."""
    start = data.find(b"<!DOCTYPE")
    if start < 0:  # lxml found one we cannot see (another encoding): play safe
        return True
    quote = None
    for byte in data[start + 9 :]:
        if quote is not None:
            if byte == quote:
                quote = None
        elif byte in b"\"'":
            quote = byte
        elif byte == ord("["):
            return True
        elif byte == ord(">"):
            return False
    return True


def _check_css(css: str, path: str) -> int:
    """Refuses imports and outside references; the pixels of the pictures it embeds."""
    if "@import" in css.lower():
        raise ImageProblem(
            f"the image '{path}' imports a style sheet (@import); a picture must hold "
            "everything it shows"
        )
    return sum(_check_reference(match.group(2), path) for match in re.finditer(_CSS_URL, css))


def _check_reference(ref: str, path: str) -> int:
    """A reference inside an SVG: to a part of it (``#id``) or an embedded raster picture,
    whose pixels it returns."""
    ref = ref.strip()
    if ref.startswith("#"):
        return 0
    match = re.match(_DATA_IMAGE, ref)
    if match is None:
        shown = ref if len(ref) <= 60 else ref[:50] + "…"
        raise ImageProblem(
            f"the image '{path}' refers to '{shown}' outside itself; a picture must hold "
            "everything it shows (qbank reads no other file or web address for it)"
        )
    embedded = _decode_data(ref, match)
    if embedded is None:
        raise ImageProblem(f"the image '{path}' holds an embedded picture that is damaged")
    for magic, _, _, pillow_format in _MAGIC:
        if embedded.startswith(magic):
            width, height = _raster_size(
                embedded, pillow_format, f"a picture inside the image '{path}'"
            )
            return width * height
    raise ImageProblem(f"the image '{path}' holds an embedded picture that is not PNG, JPEG or GIF")


def _decode_data(url: str, match: re.Match[str] | None = None) -> bytes | None:
    match = match or re.match(_DATA_IMAGE, url)
    if match is None:
        return None
    try:
        return base64.b64decode("".join(url[match.end() :].split()), validate=True)
    except (binascii.Error, ValueError):
        return None


def _length(value: str | None) -> float | None:
    """A width or height in CSS pixels; None for a percentage or nothing."""
    if value is None:
        return None
    match = re.fullmatch(_LENGTH, value)
    if match is None or match.group(2).lower() not in _UNITS:
        return None
    return float(match.group(1)) * _UNITS[match.group(2).lower()]


def _svg_size(root: Any, path: str) -> tuple[int, int]:
    width = _length(root.get("width"))
    height = _length(root.get("height"))
    box = None
    numbers = re.split(r"[\s,]+", (root.get("viewBox") or "").strip())
    if len(numbers) == 4:
        try:
            box = [float(n) for n in numbers]
        except ValueError:
            box = None
    if box is not None and box[2] > 0 and box[3] > 0 and math.isfinite(box[2] * box[3]):
        ratio = box[3] / box[2]
        if width is None and height is None:
            width, height = box[2], box[3]
        elif height is None and width is not None:
            height = width * ratio
        elif width is None and height is not None:
            width = height / ratio
    if width is None or height is None:
        raise ImageProblem(
            f"the image '{path}' has no size: give its <svg> a width and height, or a "
            'viewBox (e.g. <svg width="400" height="300" …>)'
        )
    if not (math.isfinite(width) and math.isfinite(height)):
        raise ImageProblem(
            f"the image '{path}' declares a size beyond any limit; give its <svg> a width "
            "and height in pixels"
        )
    w, h = max(0, round(width)), max(0, round(height))
    _check_pixels(w, h, f"the image '{path}'")
    return w, h


def _refuse_fetch(url: str, resource_type: str) -> bytes:
    """CairoSVG's URL fetcher: only the embedded pictures already checked, nothing else."""
    data = _decode_data(url)
    if data is None:
        raise ValueError(f"qbank fetches nothing for a picture ({url[:60]})")
    return data


def _svg_to_png(data: bytes, width: int, height: int, path: str) -> bytes:
    """Drawn at twice its size for print, smaller if that would pass the limits."""
    scale = min(
        2.0,
        math.sqrt(limits.MAX_SVG_RENDER_PIXELS / (width * height)),
        limits.MAX_IMAGE_SIDE / max(width, height),
    )
    try:
        import cairosvg.surface
    except (ImportError, OSError) as exc:  # OSError: the Cairo library is not installed
        raise ImageProblem(
            f"the image '{path}' is an SVG picture, and drawing SVG needs the Cairo library, "
            f"which is missing here ({exc}); install it (Debian, Ubuntu: libcairo2) or save "
            "the picture as PNG"
        ) from None
    try:
        png = cairosvg.surface.PNGSurface.convert(
            bytestring=data,
            output_width=max(1, round(width * scale)),
            output_height=max(1, round(height * scale)),
            unsafe=False,
            url_fetcher=_refuse_fetch,
        )
    except Exception as exc:  # a broken drawing: CairoSVG raises many kinds
        raise ImageProblem(
            f"the image '{path}' is an SVG picture that cannot be drawn ({exc}); open it "
            "in a drawing program and save it again, or save it as PNG"
        ) from None
    return bytes(png)
