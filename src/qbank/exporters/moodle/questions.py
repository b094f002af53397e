"""One ``<question>`` element per variant, with the elements Moodle's XML importer reads.

Each question type has one method here; :mod:`.types` maps each qbank type to the Moodle
type it becomes and the methods that write it. Texts are HTML (``format="html"``, from
Markdown by :class:`.markup.TextRenderer`), each with the images it shows as ``<file>``
elements; answers Moodle keeps as plain text (short answers, true/false, numbers, matching
choices, drop-down choices) are written as plain text.
"""

from __future__ import annotations

import base64
from collections.abc import Callable, Iterable
from html import escape
from math import ceil
from urllib.parse import quote

from lxml.etree import CDATA, Element, SubElement, _Element

from ...i18n import _, both_decimal_marks
from ...model import Question, Variant
from ...numeric import plain
from ...richtext import parse_block, unescape_markdown
from .calculated import CalculatedQuestion
from .cloze import choice_blank, numerical_blank, shortanswer_blank, wildcard_pattern
from .grades import MAX_SHARES, multichoice_grades, percent_text
from .markup import EMPTY, PLUGINFILE, Cleaner, Html, TextRenderer

#: Moodle's default penalty for each wrong try in interactive quizzes; true/false uses 1
#: (a second guess earns nothing) and essays 0 (graded by hand), as Moodle's forms do.
DEFAULT_PENALTY = "0.3333333"
PENALTIES = {"truefalse": "1", "essay": "0"}
#: Moodle stops an import at a matching question with fewer pairs than this
#: (qtype_match::save_question_options: "notenoughanswers").
MIN_MATCHING_PAIRS = 3
#: Moodle's ordering layouts and grading types for a bank's ``layout`` and ``grading``:
#: ``absolute`` gives a mark for each item in its right position, ``relative`` for each
#: item right after its right predecessor (Moodle's "RELATIVE" = next item, last excluded).
ORDERING_LAYOUTS = {"vertical": "VERTICAL", "horizontal": "HORIZONTAL"}
ORDERING_GRADINGS = {"absolute": "ABSOLUTE_POSITION", "relative": "RELATIVE_NEXT_EXCLUDE_LAST"}
#: Moodle's essay form offers boxes of 5, 10, ..., 40 lines.
ESSAY_LINE_STEP, ESSAY_MAX_LINES = 5, 40


def essay_lines(lines: int) -> int:
    """The smallest box Moodle offers that holds ``lines`` lines."""
    rounded_up = ceil(lines / ESSAY_LINE_STEP) * ESSAY_LINE_STEP
    return min(ESSAY_MAX_LINES, max(ESSAY_LINE_STEP, rounded_up))


def cloze_weight(points: object, blanks: int) -> int:
    """Marks per blank. Moodle scores a cloze question as the sum of its blanks' integer
    weights (it ignores ``<defaultgrade>``), so the points are spread evenly when they
    divide into whole marks per blank, and each blank is worth 1 otherwise."""
    whole, left = divmod(points, blanks) if isinstance(points, int) else (0, 1)
    return int(whole) if whole >= 1 and left == 0 else 1


def text_field(
    parent: _Element,
    tag: str,
    text: str,
    fmt: str | None = "html",
    files: Iterable[tuple[str, str]] = (),
    **attributes: str,
) -> _Element:
    """``<tag format="..."><text>text</text></tag>``, as Moodle writes every text, with a
    ``<file name="…" path="/" encoding="base64">`` for each of ``files`` (name, base64).

    HTML goes in a CDATA section, as Moodle's own exporter does, so the file stays readable
    (``<p>`` rather than ``&lt;p&gt;``); the HTML we write escapes every ``>``, so it never
    contains the ``]]>`` that would end the section (checked anyway).
    """
    if fmt:
        attributes["format"] = fmt
    element = SubElement(parent, tag, attributes)
    SubElement(element, "text").text = (
        CDATA(text) if fmt == "html" and text and "]]>" not in text else text
    )
    for name, data in files:
        SubElement(element, "file", name=name, path="/", encoding="base64").text = data
    return element


def simple(parent: _Element, tag: str, text: str) -> _Element:
    element = SubElement(parent, tag)
    element.text = text
    return element


class QuestionWriter:
    """Writes the parts of ``<question>`` elements; :func:`.types.write_question` puts them
    together for each question type."""

    def __init__(self, clean: Cleaner, warn: Callable[[str], None], texts: TextRenderer) -> None:
        self.clean = clean
        self.warn = warn
        self.texts = texts
        #: Bytes of base64 image data written so far (every question holds its own copy).
        self.embedded = 0
        self._warned: set[str] = set()

    def warn_once(self, question_id: str, message: str) -> None:
        if question_id not in self._warned:
            self._warned.add(question_id)
            self.warn(f"question '{question_id}': {message}")

    def attach_data(self, element: _Element, v: Variant) -> None:
        """A variant's data sets as CSV files of its question text (``<file>`` beside the
        text, as an image is), and a link to each under the text: "Download the data:
        study-3f2a9c1b4d5e.csv"."""
        datasets = v.drawn.datasets
        text_element = element.find("questiontext/text") if datasets else None
        if text_element is None:
            return
        links = ", ".join(
            f'<a href="{PLUGINFILE}{quote(d.file_name)}">{escape(d.file_name)}</a>'
            for d in datasets
        )
        said = _("Download the data:") if len(datasets) == 1 else _("Download the data sets:")
        html = (text_element.text or "") + f"\n<p>{escape(said)} {links}</p>"
        text_element.text = CDATA(html) if "]]>" not in html else html
        parent = element.find("questiontext")
        assert parent is not None  # the text's own element
        for d in datasets:
            data = base64.b64encode(d.data).decode("ascii")
            self.embedded += len(data)
            SubElement(parent, "file", name=d.file_name, path="/", encoding="base64").text = data

    def general_feedback(self, v: Variant) -> Html:
        """The feedback every student sees after answering, then the worked solution."""
        return Html.join((self.texts.block(v.feedback), self.texts.block(v.solution)))

    def html_field(self, parent: _Element, tag: str, html: Html, **attributes: str) -> _Element:
        """An HTML text and, beside it, the images it shows."""
        files = [(image.name, self.texts.base64(image)) for image in html.files]
        self.embedded += sum(len(data) for _, data in files)
        return text_field(parent, tag, html.text, files=files, **attributes)

    def header(
        self,
        moodle_type: str,
        q: Question,
        name: str,
        idnumber: str,
        question_html: Html,
        feedback_html: Html,
        grade: str,
    ) -> _Element:
        element = Element("question", type=moodle_type)
        text_field(element, "name", self.clean(name), fmt=None)
        self.html_field(element, "questiontext", question_html)
        self.html_field(element, "generalfeedback", feedback_html)
        simple(element, "defaultgrade", grade)
        simple(element, "penalty", PENALTIES.get(q.type, DEFAULT_PENALTY))
        simple(element, "hidden", "0")
        simple(element, "idnumber", idnumber)
        return element

    def tags(self, element: _Element, q: Question) -> None:
        tags = SubElement(element, "tags")
        for tag in q.tags:
            text_field(tags, "tag", self.clean(tag), fmt=None)

    def answer(
        self,
        parent: _Element,
        fraction: str,
        text: str | Html,
        feedback_html: Html = EMPTY,
        fmt: str = "moodle_auto_format",
    ) -> _Element:
        """An ``<answer>``: plain text (``str``) or HTML with its images (:class:`Html`)."""
        if isinstance(text, Html):
            element = self.html_field(parent, "answer", text, fraction=fraction)
        else:
            element = text_field(parent, "answer", text, fmt=fmt, fraction=fraction)
        self.html_field(element, "feedback", feedback_html)
        return element

    # -- one method per question type -----------------------------------------------------

    def numerical(self, element: _Element, v: Variant) -> None:
        # The generator already turned a relative tolerance into the absolute one for this
        # variant's answer, which is what Moodle's numerical type wants.
        self.numerical_answer(element, v.question, plain(v.answer), plain(v.payload.tolerance))

    def numerical_answer(
        self, element: _Element, q: Question, answer_text: str, tolerance_text: str
    ) -> None:
        """The answer, tolerance and units of a numerical question (also used by
        :class:`.stencil.NumericalStencil`, which passes placeholders)."""
        answer = self.answer(element, "100", answer_text)
        simple(answer, "tolerance", tolerance_text)
        self.units(element, q.spec.unit, q.spec.unit_position)

    def calculated(
        self, q: Question, calc: CalculatedQuestion, name: str, idnumber: str
    ) -> _Element:
        """One Moodle calculated question for all the variants of a numerical template."""
        self.clean.current = q.id
        element = self.header(
            "calculated",
            q,
            name,
            idnumber,
            self.texts.segments(calc.text),
            self.texts.segments(calc.feedback),
            plain(q.points),
        )
        simple(element, "synchronize", "0")
        simple(element, "single", "0")
        simple(element, "answernumbering", "abc")
        simple(element, "shuffleanswers", "0")
        answer = self.answer(element, "100", calc.answer)
        simple(answer, "tolerance", calc.tolerance)
        simple(answer, "tolerancetype", calc.tolerance_type)
        simple(answer, "correctanswerformat", "1")  # 1: a number of decimals, not sig. figures
        simple(answer, "correctanswerlength", str(calc.places))
        self.units(element, q.spec.unit, q.spec.unit_position)
        definitions = SubElement(element, "dataset_definitions")
        for dataset in calc.datasets:
            definition = SubElement(definitions, "dataset_definition")
            text_field(definition, "status", "private", fmt=None)
            text_field(definition, "name", dataset.name, fmt=None)
            simple(definition, "type", "calculated")
            text_field(definition, "distribution", "uniform", fmt=None)
            text_field(definition, "minimum", dataset.minimum, fmt=None)
            text_field(definition, "maximum", dataset.maximum, fmt=None)
            text_field(definition, "decimals", str(dataset.decimals), fmt=None)
            simple(definition, "itemcount", str(len(dataset.values)))
            items = SubElement(definition, "dataset_items")
            for number, value in enumerate(dataset.values, 1):
                item = SubElement(items, "dataset_item")
                simple(item, "number", str(number))
                simple(item, "value", value)
            simple(definition, "number_of_items", str(len(dataset.values)))
        self.tags(element, q)
        return element

    def units(self, element: _Element, unit: str, position: str) -> None:
        if unit:
            unit_element = SubElement(SubElement(element, "units"), "unit")
            simple(unit_element, "multiplier", "1")
            simple(unit_element, "unit_name", self.clean(unit))
        # Units optional: a student may type "30" or "$30"; without a unit, none is shown.
        simple(element, "unitgradingtype", "0")
        simple(element, "unitpenalty", "0.1")
        simple(element, "showunits", "0" if unit else "3")
        simple(element, "unitsleft", "1" if unit and position == "before" else "0")
        # Moodle's calculated importer expects this element (it reads it as an array).
        text_field(element, "instructions", "")

    def multichoice(self, element: _Element, v: Variant) -> None:
        q = v.question
        spec = q.spec
        simple(element, "single", "true" if spec.single else "false")
        simple(element, "shuffleanswers", "true" if spec.shuffle else "false")
        simple(element, "answernumbering", "abc")
        simple(element, "showstandardinstruction", "1")
        if not spec.single:
            SubElement(element, "shownumcorrect")
        correct = [c.correct for c in v.payload.choices]
        if not spec.single and max(sum(correct), len(correct) - sum(correct)) > MAX_SHARES:
            self.warn_once(
                q.id,
                f"Moodle cannot share the marks among more than {MAX_SHARES} "
                "right (or wrong) choices; the extra ones are worth 0",
            )
        for choice, grade in zip(v.payload.choices, multichoice_grades(correct, spec.single)):
            self.answer(
                element,
                percent_text(grade),
                self.texts.inline(choice.text),
                self.texts.block(choice.feedback),
            )

    def truefalse(self, element: _Element, v: Variant) -> None:
        # Moodle matches the answers by the words 'true' and 'false'.
        self.answer(
            element,
            "100" if v.answer else "0",
            "true",
            self.texts.block(v.payload.feedback_true),
        )
        self.answer(
            element,
            "0" if v.answer else "100",
            "false",
            self.texts.block(v.payload.feedback_false),
        )

    def shortanswer(self, element: _Element, v: Variant) -> None:
        simple(element, "usecase", "1" if v.question.spec.case_sensitive else "0")
        for accepted in both_decimal_marks(v.payload.accepted):
            self.answer(element, "100", self.clean(wildcard_pattern(accepted)))

    def essay(self, element: _Element, v: Variant) -> None:
        simple(element, "responseformat", "editor")
        simple(element, "responserequired", "1")
        simple(element, "responsefieldlines", str(essay_lines(v.question.spec.lines)))
        simple(element, "attachments", "0")
        simple(element, "attachmentsrequired", "0")
        self.html_field(element, "graderinfo", self.texts.block(v.payload.model_answer))
        text_field(element, "responsetemplate", "")

    def matching(self, element: _Element, v: Variant) -> None:
        # The definitions are the questions and the terms the drop-down choices: Moodle
        # shows the choices in a drop-down menu, where long definitions would be cut off.
        # A drop-down menu shows plain text only (Moodle imports the choices as text and
        # shows them with format_string), so a term's Markdown becomes its plain text.
        simple(element, "shuffleanswers", "true" if v.question.spec.shuffle else "false")
        for term, definition in v.payload.pairs:
            sub = self.html_field(element, "subquestion", self.texts.inline(definition))
            text_field(sub, "answer", self.texts.plain(term), fmt=None)

    def matching_as_cloze(self, v: Variant, name: str, idnumber: str) -> _Element | None:
        """A matching question with too few pairs for Moodle, as drop-down menus in a cloze
        (None when it has enough pairs to be a matching question)."""
        q = v.question
        if len(v.payload.pairs) >= MIN_MATCHING_PAIRS:
            return None
        self.warn_once(
            q.id,
            f"Moodle's matching questions need at least {MIN_MATCHING_PAIRS} "
            "pairs; written as an embedded-answers (cloze) question with a "
            "drop-down menu for each definition",
        )
        terms = [self.texts.plain(term) for term, _ in v.payload.pairs]
        weight = cloze_weight(q.points, len(terms))
        parts = [self.texts.block(v.text)]
        for term, (_term, definition) in zip(terms, v.payload.pairs):
            menu = choice_blank(terms, term, weight=weight, shuffle=q.spec.shuffle)
            html = self.texts.inline(definition)
            parts.append(Html(f"<p>{html.text} {self.clean(menu)}</p>", html.files))
        element = self.header(
            "cloze",
            q,
            name,
            idnumber,
            Html.join(parts),
            self.general_feedback(v),
            str(weight * len(terms)),
        )
        self.tags(element, q)
        return element

    def cloze(self, element: _Element, v: Variant) -> None:
        pass  # everything is in the question text

    def ordering(self, element: _Element, v: Variant) -> None:
        """Moodle's core ordering type (4.4+), as its importer reads it
        (qtype_ordering::import_from_xml): the answers in the right order, each with its
        position as fraction; every item shown (Moodle's default shows 6 at random)."""
        spec = v.question.spec
        simple(element, "layouttype", ORDERING_LAYOUTS[spec.layout])
        simple(element, "selecttype", "ALL")
        simple(element, "selectcount", str(len(v.payload.items)))
        simple(element, "gradingtype", ORDERING_GRADINGS[spec.grading])
        simple(element, "showgrading", "SHOW")
        # The ordering importer reads this element's value (the multichoice one only its
        # presence): an empty element would switch "show the number correct" off.
        simple(element, "shownumcorrect", "1")
        for position, item in enumerate(v.payload.items, start=1):
            self.answer(element, str(position), self.texts.inline(item))

    def cloze_text(self, v: Variant) -> tuple[Html, str]:
        """The question text with the blanks in Moodle's syntax, and the question's marks.

        The text is Markdown with the blanks taken out (:func:`qbank.richtext.parse_block`
        with ``blanks``); each blank is put back as ``{weight:SHORTANSWER:=answer}`` made
        from the answers the cloze kind read (``payload.blanks``), in plain text; a numeric
        blank as ``{weight:NUMERICAL:=value:tolerance}``, a drop-down as
        ``{weight:MULTICHOICE_S:=right~%0%wrong}`` (Moodle shuffles its options)."""
        blanks = v.payload.blanks
        weight = cloze_weight(v.question.points, len(blanks))
        case_sensitive = v.question.spec.case_sensitive

        def blank(index: int) -> str:
            if index < len(blanks) and blanks[index].kind == "numeric":
                b = blanks[index]
                return numerical_blank(b.value, b.tolerance, weight=weight)
            if index < len(blanks) and blanks[index].kind == "choice":
                b = blanks[index]
                return choice_blank(b.options, b.answer, weight=weight)
            if index < len(blanks):
                answers = blanks[index].answers
            else:  # the parser found more blanks than the kind: read this one's source
                source = parse_block(v.text, blanks=True, math=self.texts.math).blanks[index]
                answers = tuple(
                    a.strip() for a in unescape_markdown(source).split("|") if a.strip()
                ) or ("?",)
            return shortanswer_blank(answers, weight=weight, case_sensitive=case_sensitive)

        return self.texts.cloze(v.text, blank), str(weight * len(blanks))
