"""Checking a set's texts as Markdown before anything is written, and loading its images.

Every Markdown text of every distinct draw is parsed once (:mod:`qbank.richtext` caches by
text, so a text that does not change between versions costs one parse): a cloze blank
inside a formula, an image without alt text, or an image that is missing, outside the
bank's folder, too large or not a picture is a ``FILE:LINE: question 'ID'`` problem, all
of them reported at once. The images found are loaded and checked once each
(:mod:`qbank.media`) and handed to the exporters as :attr:`GeneratedSet.media`.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from typing import Any

from .errors import BankInvalid, Problem
from .kinds import KINDS
from .media import ImageLoader, ImageProblem
from .model import Bank, Drawn, GeneratedSet, ImageFile, Question
from .richtext import Document, RichTextError, parse_block, parse_inline
from .richtext.tree import Image


def markdown_texts(drawn: Drawn) -> Iterator[tuple[str, str, bool, bool]]:
    """A draw's Markdown texts as ``(field, text, inline, blanks)``."""
    q = drawn.question
    yield "text", drawn.text, False, q.type == "cloze"
    if drawn.solution:
        yield "solution", drawn.solution, False, False
    if drawn.feedback:
        yield "feedback", drawn.feedback, False, False
    for field, text, inline in KINDS[q.type].markdown(drawn.payload):
        if text:
            yield field, text, inline, False


def parse(text: str, *, inline: bool, blanks: bool, math: bool) -> Document:
    return (parse_inline if inline else parse_block)(text, blanks=blanks, math=math)


class TextChecker:
    """Parses texts and loads the images they show, collecting problems."""

    def __init__(self, bank: Bank) -> None:
        self.bank = bank
        self.images = ImageLoader(bank.file)
        self.media: dict[str, ImageFile] = {}
        self.problems: list[Problem] = []
        self._seen: set[tuple[str, str]] = set()  # (question id, message): each once
        #: The figures of the draw whose texts are being checked, by src.
        self._figures: dict[str, ImageFile] = {}

    def bank_texts(self) -> None:
        for field in ("intro", "instructions"):
            text = getattr(self.bank, field)
            if text:
                self.text(text, None, field, inline=False, blanks=False)

    def drawn(self, drawn: Drawn) -> None:
        self._figures = {image.src: image for image in drawn.figures}
        try:
            for field, text, inline, blanks in markdown_texts(drawn):
                self.text(text, drawn.question, field, inline=inline, blanks=blanks)
        finally:
            self._figures = {}

    def text(
        self, text: str, q: Question | None, field: str, *, inline: bool, blanks: bool
    ) -> None:
        if not blanks and "![" not in text:
            # Only an image (its description, its file) or a cloze blank can be wrong in a
            # text: without either, there is nothing to check, and no parse to pay for.
            return
        try:
            doc = parse(text, inline=inline, blanks=blanks, math=self.bank.math)
        except RichTextError as exc:
            self.problem(exc.message, q, field, exc.snippet)
            return
        for image in images(doc):
            if image.src in self.media:
                continue
            if image.src.startswith("figure:"):  # drawn for this draw, not a file
                figure = self._figures.get(image.src)
                if figure is not None:
                    self.media[image.src] = figure
                else:
                    self.problem(
                        f"'{image.src}' is not a figure of this question: a text shows its "
                        "figures as ![alt](figure:1), ![alt](figure:2)… in 'text' only",
                        q,
                        field,
                        image.src,
                    )
                continue
            try:
                self.media[image.src] = self.images.load(image.src)
            except ImageProblem as exc:
                self.problem(exc.message, q, field, image.src)

    def problem(self, message: str, q: Question | None, field: str, needle: str | None) -> None:
        key = (q.id if q else "", message)
        if key in self._seen:
            return
        self._seen.add(key)
        if q is None:
            self.problems.append(Problem(f"in '{field}': {message}", self.bank.file))
            return
        self.problems.append(
            Problem(f"in '{field}': {message}", q.file, line_in(q, field, needle), q.id)
        )


def images(doc: Document) -> Iterator[Image]:
    """Every image of a parsed text, in reading order."""
    stack: list[Any] = [doc.blocks]
    while stack:
        node = stack.pop()
        if isinstance(node, Image):
            yield node
        elif isinstance(node, tuple):  # children, list items, table rows and cells
            stack.extend(reversed(node))
        elif dataclasses.is_dataclass(node):
            stack.extend(reversed([getattr(node, f.name) for f in dataclasses.fields(node)]))


def line_in(q: Question, field: str, needle: str | None) -> int:
    """The line of ``needle`` (an image's path) in the field's text, when the field is a
    ``|`` block of the file and the needle is written there; else the field's line."""
    start = q.block_lines.get(field)
    source = {"text": q.text, "solution": q.solution, "feedback": q.feedback}.get(field)
    if start is not None and source and needle:
        at = source.find(needle)
        if at >= 0:
            return start + source.count("\n", 0, at)
    return q.line_of(field)


def check_set(generated: GeneratedSet) -> GeneratedSet:
    """``generated`` with its images loaded; raises :class:`BankInvalid` with every
    problem of its texts."""
    checker = TextChecker(generated.bank)
    checker.bank_texts()
    seen: set[int] = set()
    for variant in generated.all_variants():
        drawn = variant.drawn
        if id(drawn) not in seen:  # versions that drew the same values share one Drawn
            seen.add(id(drawn))
            checker.drawn(drawn)
    if checker.problems:
        raise BankInvalid(checker.problems)
    return dataclasses.replace(generated, media=checker.media)
