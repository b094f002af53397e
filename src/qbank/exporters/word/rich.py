"""Bank texts as Word content: Markdown and math through :mod:`qbank.richtext`, images
as media parts of the package.

Block texts (question text, intro, instructions, solution, feedback, model answer)
become paragraphs, lists, tables in the "Table Grid" style, code in the "Code Block"
style and native Word equations (``m:oMath``, ``m:oMathPara``); inline texts (choices,
matching terms and definitions, ordering items) become runs inside the caller's
paragraph. Each distinct text is written once per document (an LRU cache): a worksheet
for 300 students repeats the same texts 300 times.

A formula that cannot become an equation is shown as its LaTeX source in Courier New,
a picture Word cannot show (not in the set's media, an SVG without its PNG) as its
description in brackets; :class:`Warner` says so once, as ``FILE:LINE: question 'ID':
...``, the line being the formula's own when the text is a '|' block.

An image is a ``w:drawing`` with a ``wp:inline`` picture (``pic:pic``): its bytes are
written once per document as ``word/media/<name>`` (an SVG as its PNG), with a
relationship and a content type (:class:`Media`, which :class:`.package.DocxWriter`
writes into the package). Its size is its size in pixels at 96 dpi, scaled down to the
room it has (the text column, or a table cell) keeping its aspect ratio. Every drawing
needs a ``wp:docPr`` id unique in the document, but the XML of a text is made once and
written many times: it holds :data:`DOCPR_ID`, which the package writer numbers as it
streams the body.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import lru_cache

from ... import limits
from ...errors import Problem
from ...model import Bank, ImageFile, Question
from ...ooxml import esc
from ...richtext import (
    WordFragment,
    WordOptions,
    parse_block,
    parse_inline,
    plain_words,
    to_runs,
    to_wordml,
)
from ...richtext.wordml import plain_paragraph_wordml, text_run

#: Placeholder for a drawing's ``wp:docPr`` id, replaced by a unique number when written.
DOCPR_ID = 'id="QBANK-DOCPR"'
TEXT_CACHE_SIZE = limits.TEXT_CACHE_SIZE
EMU_PER_PIXEL = 9525  # at 96 dpi
EMU_PER_INCH = 914_400
EMU_PER_TWIP = 635

WP_NS = "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing"
A_NS = "http://schemas.openxmlformats.org/drawingml/2006/main"
PIC_NS = "http://schemas.openxmlformats.org/drawingml/2006/picture"
IMAGE_TYPES = {"png": "image/png", "jpg": "image/jpeg", "jpeg": "image/jpeg", "gif": "image/gif"}


@dataclass(frozen=True)
class Where:
    """Where a text comes from, for its warnings: the line of its field, and the line its
    text starts on when that is a '|' block (each line of the text a line of the file)."""

    file: str | None = None
    line: int | None = None
    question: str | None = None
    text_line: int | None = None

    @classmethod
    def of(cls, question: Question, field: str) -> Where:
        return cls(
            question.file, question.line_of(field), question.id, question.block_lines.get(field)
        )

    @classmethod
    def bank(cls, bank: Bank) -> Where:
        return cls(bank.file)

    def line_in(self, text: str, message: str) -> int | None:
        """The line of the formula ``message`` names, when the text is a '|' block."""
        found = _FORMULA.match(message)
        if self.text_line is None or found is None:
            return self.line
        at = text.find(found.group(1).removesuffix("..."))
        return self.text_line + text.count("\n", 0, at) if at >= 0 else self.line


_FORMULA = re.compile(r"the formula '(.*?)' cannot", re.S)


class Warner:
    """Warnings about texts, each said once however many versions repeat the text."""

    #: At most this many warnings for one field of one question: a formula holding a
    #: drawn value differs in every version, and 300 versions need not say it 300 times.
    MOST_PER_FIELD = 3

    def __init__(self, warn: Callable[[str], None]) -> None:
        self._warn = warn
        self._said: set[str] = set()
        self._per_field: dict[Where, int] = {}

    def __call__(self, messages: tuple[str, ...], where: Where, text: str = "") -> None:
        for message in messages:
            line = where.line_in(text, message)
            said = str(Problem(message, where.file, line, where.question))
            if said in self._said or self._per_field.get(where, 0) >= self.MOST_PER_FIELD:
                continue
            self._said.add(said)
            self._per_field[where] = self._per_field.get(where, 0) + 1
            self._warn(said)


class Media:
    """The pictures one document shows, each once: part name -> (relationship id, bytes)."""

    def __init__(self) -> None:
        self.parts: dict[str, tuple[str, bytes]] = {}

    def add(self, image: ImageFile) -> tuple[str, str] | None:
        """The relationship id and part name of ``image``; None when Word cannot show it
        (an SVG without its PNG)."""
        name, data = image.name, image.data
        if image.media_type == "image/svg+xml" or name.lower().endswith(".svg"):
            if image.png is None:
                return None
            name, data = name.rsplit(".", 1)[0] + ".png", image.png
        if name.rsplit(".", 1)[-1].lower() not in IMAGE_TYPES:
            return None
        if name not in self.parts:
            self.parts[name] = (f"rIdQbankImage{len(self.parts) + 1}", data)
        return self.parts[name][0], name

    def content_types(self) -> dict[str, str]:
        """Extension -> content type, for the package's ``Default`` entries."""
        return {
            name.rsplit(".", 1)[-1].lower(): IMAGE_TYPES[name.rsplit(".", 1)[-1].lower()]
            for name in self.parts
        }


class RichText:
    """Bank texts as WordprocessingML for one document."""

    def __init__(
        self,
        *,
        math: bool,
        media: Mapping[str, ImageFile],
        parts: Media,
        warner: Warner,
        table_style: str | None,
        code_style: str | None,
        max_height: int,
    ) -> None:
        """``max_height``: the tallest an image may be, in twips."""
        self.math = math
        self.images = media
        self.parts = parts
        self.warner = warner
        self.table_style = table_style
        self.code_style = code_style
        self.max_height = max_height
        #: Warnings of the pictures of the text being written (the library's callback
        #: cannot return them): added to its fragment's.
        self._pending: list[str] = []
        self._block = lru_cache(maxsize=TEXT_CACHE_SIZE)(self._make_block)
        self._runs = lru_cache(maxsize=TEXT_CACHE_SIZE)(self._make_runs)

    def block(
        self,
        text: str,
        style: str,
        where: Where,
        *,
        width: int,
        indent: int = 0,
        blanks: tuple[str, ...] | None = None,
    ) -> str:
        """Block XML of a block text, its paragraphs in ``style`` (a style id), over
        ``width`` twips from the margin, indented ``indent``. With ``blanks`` the text
        is a cloze text, and blank i is written as the run XML ``blanks[i]``."""
        fragment = self._block(text, style, width, indent, blanks)
        if fragment.warnings:
            self.warner(fragment.warnings, where, text)
        return fragment.xml

    def runs(self, text: str, where: Where, *, width: int) -> str:
        """Run XML of an inline text (a choice, a term), to go into the caller's paragraph."""
        fragment = self._runs(text, width)
        if fragment.warnings:
            self.warner(fragment.warnings, where, text)
        return fragment.xml

    def _options(self, **kwargs) -> WordOptions:
        return WordOptions(
            table_style=self.table_style, code_style=self.code_style, image=self._image, **kwargs
        )

    def _make_block(
        self, text: str, style: str, width: int, indent: int, blanks: tuple[str, ...] | None
    ) -> WordFragment:
        words = plain_words(text) if blanks is None else None
        if words is not None:  # no Markdown at all: no tree (see plain_words)
            return WordFragment(plain_paragraph_wordml(words, style=style, indent=indent))
        doc = parse_block(text, blanks=blanks is not None, math=self.math)
        blank = None
        if blanks is not None:

            def blank(index: int) -> str:
                return blanks[index] if index < len(blanks) else text_run("__________")

        options = self._options(paragraph_style=style, width=width, indent=indent, blank=blank)
        return self._with_pending(to_wordml(doc, options))

    def _make_runs(self, text: str, width: int) -> WordFragment:
        words = plain_words(text)
        if words is not None:  # no Markdown at all: one plain run
            return WordFragment(text_run(words))
        return self._with_pending(
            to_runs(parse_inline(text, math=self.math), self._options(width=width))
        )

    def _with_pending(self, fragment: WordFragment) -> WordFragment:
        if not self._pending:
            return fragment
        warnings = fragment.warnings + tuple(self._pending)
        self._pending.clear()
        return WordFragment(fragment.xml, warnings)

    def _image(self, src: str, alt: str, room: int) -> str:
        image = self.images.get(src)
        found = self.parts.add(image) if image is not None else None
        if image is None or found is None:
            self._pending.append(
                f"the image '{src}' cannot be shown in Word; its description is printed instead"
            )
            return text_run(f"[{alt}]")
        rid, name = found
        # A figure knows its print resolution (it prints at the size the bank gave in cm);
        # any other picture is taken at 96 pixels per inch.
        per_pixel = EMU_PER_INCH // image.dpi if image.dpi else EMU_PER_PIXEL
        cx = max(1, image.width) * per_pixel
        cy = max(1, image.height) * per_pixel
        scale = min(1.0, room * EMU_PER_TWIP / cx, self.max_height * EMU_PER_TWIP / cy)
        cx, cy = max(1, round(cx * scale)), max(1, round(cy * scale))
        alt_text, part = esc(alt), esc(name)
        return (
            f'<w:r><w:drawing><wp:inline xmlns:wp="{WP_NS}" distT="0" distB="0" distL="0" '
            f'distR="0"><wp:extent cx="{cx}" cy="{cy}"/>'
            '<wp:effectExtent l="0" t="0" r="0" b="0"/>'
            f'<wp:docPr {DOCPR_ID} name="{part}" descr="{alt_text}"/>'
            f'<wp:cNvGraphicFramePr><a:graphicFrameLocks xmlns:a="{A_NS}" noChangeAspect="1"/>'
            f'</wp:cNvGraphicFramePr><a:graphic xmlns:a="{A_NS}">'
            f'<a:graphicData uri="{PIC_NS}"><pic:pic xmlns:pic="{PIC_NS}">'
            f'<pic:nvPicPr><pic:cNvPr id="0" name="{part}" descr="{alt_text}"/><pic:cNvPicPr/>'
            f'</pic:nvPicPr><pic:blipFill><a:blip r:embed="{rid}"/>'
            "<a:stretch><a:fillRect/></a:stretch></pic:blipFill>"
            f'<pic:spPr><a:xfrm><a:off x="0" y="0"/><a:ext cx="{cx}" cy="{cy}"/></a:xfrm>'
            '<a:prstGeom prst="rect"><a:avLst/></a:prstGeom></pic:spPr></pic:pic>'
            "</a:graphicData></a:graphic></wp:inline></w:drawing></w:r>"
        )


def with_run_style(runs: str, style: str) -> str:
    """Run XML with the character style ``style`` given to each text run (the key's bold
    answers); equations keep their own look."""
    styled = f'<w:rStyle w:val="{esc(style)}"/>'
    return (
        runs.replace("<w:r><w:rPr>", "<w:r>\x00")
        .replace("<w:r>", f"<w:r><w:rPr>{styled}</w:rPr>")
        .replace(f"<w:r><w:rPr>{styled}</w:rPr>\x00", f"<w:r><w:rPr>{styled}")
    )
