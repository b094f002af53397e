"""The variants of one numerical question written as text into XML that lxml made once.

The N variants of a randomised numerical question share most of their ``<question>``:
the grade, penalty, answer settings, units, grading options and tags. Only six strings
differ from one variant to the next: the name, the question text, the general feedback,
the ID number, the answer and its tolerance. Building and serialising a whole element
tree per variant costs about 35 µs; so lxml builds and serialises the question once, with
a placeholder in each of those six places (:class:`Stencil`), and each variant's XML is
that text with the placeholders replaced by its own strings.

A variant whose question text or feedback shows an image is the exception: its images go
in ``<file>`` elements beside the text, which the stencil has no slot for, so
:meth:`NumericalStencil.variant` returns None and the writer builds that variant's tree.

The result is byte for byte what lxml writes for the variant: every string is escaped as
libxml2 escapes element text (``&``, ``<``, ``>`` and carriage return, nothing else in
UTF-8), and an HTML text goes in a CDATA section exactly when :func:`.questions.text_field`
puts it in one. The strings are the ones the lxml path computes, through the same
:class:`.markup.Cleaner`, so removed control characters are reported the same way too.
"""

from __future__ import annotations

from collections.abc import Sequence

from lxml import etree

from ...model import Question, Variant
from ...numeric import plain
from .markup import Html
from .questions import QuestionWriter

_CDATA_OPEN, _CDATA_CLOSE = "<![CDATA[", "]]>"


class StencilError(Exception):
    """A question whose own text hides a placeholder: written element by element instead."""


def escape_text(text: str) -> str:
    """Element text as libxml2 writes it in a UTF-8 document."""
    if "&" in text:
        text = text.replace("&", "&amp;")
    if "<" in text:
        text = text.replace("<", "&lt;")
    if ">" in text:
        text = text.replace(">", "&gt;")
    if "\r" in text:
        text = text.replace("\r", "&#13;")
    return text


def html_text(html: str) -> str:
    """An HTML text as :func:`.questions.text_field` writes it: in CDATA unless it is empty
    or holds the ``]]>`` that would end the section."""
    if html and _CDATA_CLOSE not in html:
        return _CDATA_OPEN + html + _CDATA_CLOSE
    return escape_text(html)


class Stencil:
    """The serialised XML of one element with placeholders, cut into constant pieces."""

    def __init__(self, element: etree._Element, placeholders: Sequence[str]) -> None:
        text = etree.tostring(element, pretty_print=True, encoding="utf-8").decode("utf-8")
        self.pieces: list[str] = []
        #: For each slot, whether lxml put it in a CDATA section (an HTML text).
        self.html_slots: list[bool] = []
        if any(text.count(placeholder) != 1 for placeholder in placeholders):
            raise StencilError("a placeholder is missing or appears twice")
        for placeholder in placeholders:
            if placeholder not in text:
                raise StencilError("the placeholders are not in the expected order")
            before, after = text.split(placeholder)
            is_html = before.endswith(_CDATA_OPEN) and after.startswith(_CDATA_CLOSE)
            if is_html:
                before, after = before[: -len(_CDATA_OPEN)], after[len(_CDATA_CLOSE) :]
            self.pieces.append(before)
            self.html_slots.append(is_html)
            text = after
        self.pieces.append(text)
        self._slots = list(zip(self.html_slots, self.pieces[1:]))

    def fill(self, values: Sequence[str]) -> str:
        """The element's XML with the slots' strings in place of the placeholders."""
        out = [self.pieces[0]]
        for value, (is_html, piece) in zip(values, self._slots):
            out.append(html_text(value) if is_html else escape_text(value))
            out.append(piece)
        return "".join(out)


def _placeholder(slot: int) -> str:
    # Private-use characters: valid in XML, unchanged by the cleaner and the HTML
    # escaping, and (checked by Stencil) nowhere in the question's own texts.
    return f"\ue000qbank-slot-{slot}\ue001"


class NumericalStencil:
    """Every variant of one numerical question, as :meth:`QuestionWriter.question` writes it."""

    def __init__(self, writer: QuestionWriter, question: Question) -> None:
        self.writer = writer
        name, question_html, feedback_html, idnumber, answer, tolerance = (
            _placeholder(i) for i in range(6)
        )
        writer.clean.current = question.id
        element = writer.header(
            "numerical",
            question,
            name,
            idnumber,
            Html(question_html),
            Html(feedback_html),
            plain(question.points),
        )
        writer.numerical_answer(element, question, answer, tolerance)
        writer.tags(element, question)
        self.stencil = Stencil(
            element, (name, question_html, feedback_html, idnumber, answer, tolerance)
        )
        if self.stencil.html_slots != [False, True, True, False, False, False]:
            raise StencilError("the HTML texts are not where they were expected")
        self._tolerances: dict[object, str] = {}

    def variant(self, v: Variant, name: str, idnumber: str) -> str | None:
        """The variant's XML, or None when a text of it shows an image."""
        writer = self.writer
        writer.clean.current = v.id
        text, feedback = writer.texts.block(v.text), writer.general_feedback(v)
        if text.files or feedback.files:
            return None
        return self.stencil.fill(
            (
                writer.clean(name),
                text.text,
                feedback.text,
                idnumber,
                plain(v.answer),
                self._tolerance(v.payload.tolerance),
            )
        )

    def _tolerance(self, tolerance: object) -> str:
        # One question's variants mostly share a tolerance (an absolute one always), and
        # plain() depends only on the value: work each one out once.
        text = self._tolerances.get(tolerance)
        if text is None:
            text = self._tolerances[tolerance] = plain(tolerance if tolerance is not None else 0)
        return text
