"""The one table of this format: each qbank question type as Moodle writes it.

Adding a question type to the Moodle export is one entry here (and, where needed, a
method of :class:`.questions.QuestionWriter` for its own elements).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from lxml.etree import _Element

from ...model import Variant
from ...numeric import plain
from .markup import Html
from .questions import QuestionWriter
from .stencil import NumericalStencil


@dataclass(frozen=True)
class MoodleRenderer:
    #: ``<question type="...">``
    moodle_type: str
    #: Writes the type's own elements into the question (after the header).
    body: Callable[[QuestionWriter, _Element, Variant], None]
    #: The question text and marks, when they are not the plain text and the points.
    text: Callable[[QuestionWriter, Variant], tuple[Html, str]] | None = None
    #: Writes a whole question some other way, or returns None to write it as usual.
    instead: Callable[[QuestionWriter, Variant, str, str], _Element | None] | None = None
    #: Writes every variant of a randomised question from one serialised element.
    stencil: type[NumericalStencil] | None = None
    #: Can become one Moodle calculated question (``--moodle-calculated``).
    calculated: bool = False


RENDERERS: dict[str, MoodleRenderer] = {
    "numerical": MoodleRenderer(
        "numerical", QuestionWriter.numerical, stencil=NumericalStencil, calculated=True
    ),
    "multichoice": MoodleRenderer("multichoice", QuestionWriter.multichoice),
    "truefalse": MoodleRenderer("truefalse", QuestionWriter.truefalse),
    "shortanswer": MoodleRenderer("shortanswer", QuestionWriter.shortanswer),
    "essay": MoodleRenderer("essay", QuestionWriter.essay),
    "matching": MoodleRenderer(
        "matching", QuestionWriter.matching, instead=QuestionWriter.matching_as_cloze
    ),
    "cloze": MoodleRenderer("cloze", QuestionWriter.cloze, text=QuestionWriter.cloze_text),
    "ordering": MoodleRenderer("ordering", QuestionWriter.ordering),
}


def write_question(writer: QuestionWriter, v: Variant, name: str, idnumber: str) -> _Element:
    """One ``<question>`` element for variant ``v``."""
    writer.clean.current = v.id
    renderer = RENDERERS[v.type]
    if renderer.instead is not None:
        element = renderer.instead(writer, v, name, idnumber)
        if element is not None:
            writer.attach_data(element, v)
            return element
    q = v.question
    if renderer.text is not None:
        question_html, grade = renderer.text(writer, v)
    else:
        question_html, grade = writer.texts.block(v.text), plain(q.points)
    element = writer.header(
        renderer.moodle_type, q, name, idnumber, question_html, writer.general_feedback(v), grade
    )
    renderer.body(writer, element, v)
    writer.tags(element, q)
    writer.attach_data(element, v)
    return element
