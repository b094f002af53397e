"""One QTI 1.2 ``<item>`` per variant, in the form Canvas exports and imports.

Each item names its Canvas question type in ``itemmetadata`` (``question_type``), holds
the question's HTML in ``<mattext texttype="text/html">`` (escaped, as Canvas writes it),
its responses in ``<presentation>`` and its grading in ``<resprocessing>``:

- ``numerical_question``: ``<or>`` of the exact answer and the range answer ± tolerance,
  which Canvas reads back as an "exact answer" with a "margin".
- ``multiple_choice_question`` / ``multiple_answers_question`` / ``true_false_question``:
  ``response_lid`` with one ``response_label`` per choice; the right one(s) in
  ``varequal`` (all right and none wrong, in an ``<and>``, for multiple answers).
- ``short_answer_question``: one ``varequal`` per accepted answer.
- ``essay_question``: a text box, graded by hand.
- ``matching_question``: one ``response_lid`` per term, the definitions as its labels.
- ``fill_in_multiple_blanks_question`` / ``multiple_dropdowns_question`` (cloze): the
  text holds ``[blank1]``…; one ``response_lid`` per blank whose labels are the accepted
  answers (or the drop-down's options).

Texts are Markdown made HTML by :func:`qbank.richtext.to_html` (math as ``\\(…\\)``, which
Canvas typesets with MathJax); images point into the package as Canvas's export does
(``$IMS-CC-FILEBASE$/Uploaded Media/<name>``).
"""

from __future__ import annotations

import hashlib
import random
import re
from collections.abc import Callable, Mapping
from typing import Any
from urllib.parse import quote

from lxml import etree

from ... import textcheck
from ...i18n import _, both_decimal_marks
from ...model import ImageFile, Variant
from ...numeric import plain
from ...richtext import plain_words, to_html
from ...richtext.html import plain_html
from ...richtext.tree import (
    WRAPPERS,
    Code,
    Document,
    HardBreak,
    Image,
    Link,
    MathInline,
    Paragraph,
    Plain,
    SoftBreak,
    Text,
)

NS = "http://www.imsglobal.org/xsd/ims_qtiasiv1p2"
#: Where Canvas's export keeps the files a quiz shows, and how its HTML names them.
MEDIA_FOLDER = "web_resources/Uploaded Media"
MEDIA_BASE = "%24IMS-CC-FILEBASE%24/Uploaded%20Media"
#: A src that makes the HTML writer show an image's alt text (the image is missing).
_MISSING = "missing:"
# Characters an XML 1.0 document cannot hold.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def ident(*parts: object) -> str:
    """A stable QTI identifier made from ``parts`` (Canvas's own are ``g`` + 32 hex)."""
    digest = hashlib.sha256("\x1f".join(str(p) for p in parts).encode("utf-8")).hexdigest()
    return "g" + digest[:32]


def q(tag: str) -> str:
    """A tag of the assessment. Items are built without a namespace and written inside
    ``<questestinterop xmlns="…">``, so that they are in QTI's namespace without a prefix
    (what Canvas and text2qti write)."""
    return tag


def sub(parent: etree._Element, tag: str, text: str | None = None, **attrib: str) -> Any:
    element = etree.SubElement(parent, q(tag), attrib)
    if text is not None:
        element.text = text
    return element


class Texts:
    """The bank's Markdown texts as HTML (or plain text) for Canvas, and the images shown."""

    def __init__(self, media: Mapping[str, ImageFile], math: bool) -> None:
        self.media = media
        self.math = math
        #: Images the written texts show, by file name in the package.
        self.images: dict[str, ImageFile] = {}
        #: Texts from which characters XML cannot hold were removed.
        self.cleaned = False
        #: Data sets' CSV files the written questions link to, by file name in the package.
        self.files: dict[str, bytes] = {}

    def data_html(self, v: Variant) -> str:
        """A paragraph linking a variant's data sets (CSV files in the package), or ""."""
        if not v.drawn.datasets:
            return ""
        links = []
        for d in v.drawn.datasets:
            self.files.setdefault(d.file_name, d.data)
            href = f"{MEDIA_BASE}/{quote(d.file_name)}"
            links.append(f'<a href="{href}">{_escape(d.file_name)}</a>')
        said = _escape(_("Download the data:"))
        return f"\n<p>{said} {', '.join(links)}</p>"

    def clean(self, text: str) -> str:
        if _NOT_XML.search(text):
            self.cleaned = True
            return _NOT_XML.sub("", text)
        return text

    def _src(self, src: str) -> str:
        image = self.media.get(src)
        if image is None:
            return _MISSING + src
        self.images.setdefault(image.name, image)
        return f"{MEDIA_BASE}/{quote(image.name)}"

    def html(
        self,
        text: str,
        *,
        inline: bool = False,
        blanks: bool = False,
        blank: Callable[[int], str] | None = None,
    ) -> str:
        if not text:
            return ""
        words = plain_words(text)
        if words is not None:  # no Markdown at all: no tree (see richtext.plain_words)
            return self.clean(plain_html(words, inline=inline))
        doc = textcheck.parse(text, inline=inline, blanks=blanks, math=self.math)
        if blank is None:
            return self.clean(to_html(doc, image_src=self._src))
        return self.clean(to_html(doc, image_src=self._src, blank=blank))

    def plain(self, text: str) -> str:
        """An inline text for a field Canvas shows as plain text (matching terms, drop-down
        options): its words, with formulas as ``\\(…\\)`` for MathJax."""
        doc = textcheck.parse(text, inline=True, blanks=False, math=self.math)
        return self.clean(_plain(doc))


def _plain(doc: Document) -> str:
    out: list[str] = []

    def inlines(nodes: tuple[Any, ...]) -> None:
        for node in nodes:
            if isinstance(node, (Text, Code)):
                out.append(node.text)
            elif isinstance(node, MathInline):
                out.append(f"\\[{node.tex}\\]" if node.display else f"\\({node.tex}\\)")
            elif isinstance(node, (SoftBreak, HardBreak)):
                out.append(" ")
            elif isinstance(node, Image):
                out.append(node.alt)
            elif isinstance(node, (WRAPPERS, Link)):
                inlines(node.children)

    for block in doc.blocks:
        if isinstance(block, (Paragraph, Plain)):
            inlines(block.children)
    return "".join(out)


class ItemWriter:
    """Builds the ``<item>`` of one variant; ``None`` for a type Canvas lacks (ordering)."""

    def __init__(self, texts: Texts) -> None:
        self.texts = texts
        #: Questions whose drop-down blanks were written as typed blanks (mixed cloze).
        self.mixed_cloze: list[str] = []

    def item(self, v: Variant, item_ident: str, title: str) -> etree._Element | None:
        build = _BUILDERS.get(v.type)
        if build is None:
            return None
        return build(self, v, item_ident, title)

    # --- the parts every item has -------------------------------------------------------

    def start(
        self,
        v: Variant,
        item_ident: str,
        title: str,
        question_type: str,
        answer_ids: list[str],
        html: str | None = None,
    ) -> tuple[etree._Element, etree._Element]:
        """An item with its metadata and its presentation holding the question text
        (``html``, or the variant's text as HTML), then a link to each of its data sets."""
        item = etree.Element(q("item"), ident=item_ident, title=self.texts.clean(title))
        meta = sub(sub(item, "itemmetadata"), "qtimetadata")
        for label, entry in (
            ("question_type", question_type),
            ("points_possible", plain(v.question.points)),
            ("original_answer_ids", ",".join(answer_ids)),
            ("assessment_question_identifierref", f"{item_ident}_ref"),
        ):
            field = sub(meta, "qtimetadatafield")
            sub(field, "fieldlabel", label)
            sub(field, "fieldentry", entry)
        presentation = sub(item, "presentation")
        text = self.texts.html(v.text) if html is None else html
        mattext(presentation, text + self.texts.data_html(v))
        return item, presentation

    def general_feedback(self, v: Variant, extra: str = "") -> str:
        """Canvas's "general comments", shown after answering: feedback, then the solution."""
        parts = [self.texts.html(v.feedback), extra, self.texts.html(v.solution)]
        return "\n".join(p for p in parts if p)

    def resprocessing(self, item: etree._Element, general: str) -> etree._Element:
        processing = sub(item, "resprocessing")
        sub(
            sub(processing, "outcomes"),
            "decvar",
            maxvalue="100",
            minvalue="0",
            varname="SCORE",
            vartype="Decimal",
        )
        if general:
            condition = sub(processing, "respcondition", **{"continue": "Yes"})
            sub(sub(condition, "conditionvar"), "other")
            sub(condition, "displayfeedback", feedbacktype="Response", linkrefid="general_fb")
        return processing

    @staticmethod
    def feedback(item: etree._Element, feedback_ident: str, html: str) -> None:
        if html:
            fb = sub(item, "itemfeedback", ident=feedback_ident)
            mattext(sub(fb, "flow_mat"), html)

    # --- one builder per type -----------------------------------------------------------

    def numerical(self, v: Variant, item_ident: str, title: str) -> etree._Element:
        item, presentation = self.start(
            v, item_ident, title, "numerical_question", [f"{item_ident}_answer"]
        )
        response = sub(presentation, "response_str", ident="response1", rcardinality="Single")
        sub(sub(response, "render_fib", fibtype="Decimal"), "response_label", ident="answer1")
        general = self.general_feedback(v)
        processing = self.resprocessing(item, general)
        answer, tolerance = v.answer, v.payload.tolerance
        condition = sub(processing, "respcondition", **{"continue": "No"})
        either = sub(sub(condition, "conditionvar"), "or")
        sub(either, "varequal", plain(answer), respident="response1")
        both = sub(either, "and")
        sub(both, "vargte", plain(answer - tolerance), respident="response1")
        sub(both, "varlte", plain(answer + tolerance), respident="response1")
        sub(condition, "setvar", "100", action="Set", varname="SCORE")
        self.feedback(item, "general_fb", general)
        return item

    def choices(
        self,
        v: Variant,
        item_ident: str,
        title: str,
        question_type: str,
        choices: list[tuple[str, bool, str]],
    ) -> etree._Element:
        """A choice question: ``choices`` as (HTML, right, feedback HTML)."""
        ids = [f"{item_ident}_{i + 1}" for i in range(len(choices))]
        item, presentation = self.start(v, item_ident, title, question_type, ids)
        multiple = question_type == "multiple_answers_question"
        response = sub(
            presentation,
            "response_lid",
            ident="response1",
            rcardinality="Multiple" if multiple else "Single",
        )
        render = sub(response, "render_choice")
        for choice_id, (html, _right, _feedback) in zip(ids, choices, strict=True):
            mattext(sub(render, "response_label", ident=choice_id), html)
        general = self.general_feedback(v)
        processing = self.resprocessing(item, general)
        for choice_id, (_html, _right, feedback) in zip(ids, choices, strict=True):
            if feedback:
                condition = sub(processing, "respcondition", **{"continue": "Yes"})
                sub(sub(condition, "conditionvar"), "varequal", choice_id, respident="response1")
                sub(
                    condition,
                    "displayfeedback",
                    feedbacktype="Response",
                    linkrefid=f"{choice_id}_fb",
                )
        right = [cid for cid, (_, ok, _) in zip(ids, choices, strict=True) if ok]
        if multiple:
            condition = sub(processing, "respcondition", **{"continue": "No"})
            both = sub(sub(condition, "conditionvar"), "and")
            for choice_id, (_, ok, _) in zip(ids, choices, strict=True):
                if ok:
                    sub(both, "varequal", choice_id, respident="response1")
                else:
                    sub(sub(both, "not"), "varequal", choice_id, respident="response1")
            sub(condition, "setvar", "100", action="Set", varname="SCORE")
        else:
            # Several right choices of a single-answer question: each earns full marks.
            for choice_id in right:
                condition = sub(processing, "respcondition", **{"continue": "No"})
                sub(sub(condition, "conditionvar"), "varequal", choice_id, respident="response1")
                sub(condition, "setvar", "100", action="Set", varname="SCORE")
        self.feedback(item, "general_fb", general)
        for choice_id, (_, _, feedback) in zip(ids, choices, strict=True):
            self.feedback(item, f"{choice_id}_fb", feedback)
        return item

    def multichoice(self, v: Variant, item_ident: str, title: str) -> etree._Element:
        choices = [
            (self.texts.html(c.text, inline=True), c.correct, self.texts.html(c.feedback))
            for c in v.payload.choices
        ]
        single = v.question.spec.single
        kind = "multiple_choice_question" if single else "multiple_answers_question"
        return self.choices(v, item_ident, title, kind, choices)

    def truefalse(self, v: Variant, item_ident: str, title: str) -> etree._Element:
        choices = [
            (_("True"), bool(v.answer), self.texts.html(v.payload.feedback_true)),
            (_("False"), not v.answer, self.texts.html(v.payload.feedback_false)),
        ]
        return self.choices(v, item_ident, title, "true_false_question", choices)

    def shortanswer(self, v: Variant, item_ident: str, title: str) -> etree._Element:
        accepted = [self.texts.clean(a) for a in both_decimal_marks(v.payload.accepted)]
        ids = [f"{item_ident}_{i + 1}" for i in range(len(accepted))]
        item, presentation = self.start(v, item_ident, title, "short_answer_question", ids)
        response = sub(presentation, "response_str", ident="response1", rcardinality="Single")
        sub(sub(response, "render_fib"), "response_label", ident="answer1", rshuffle="No")
        general = self.general_feedback(v)
        processing = self.resprocessing(item, general)
        condition = sub(processing, "respcondition", **{"continue": "No"})
        conditionvar = sub(condition, "conditionvar")
        for answer in accepted:
            sub(conditionvar, "varequal", answer, respident="response1")
        sub(condition, "setvar", "100", action="Set", varname="SCORE")
        self.feedback(item, "general_fb", general)
        return item

    def essay(self, v: Variant, item_ident: str, title: str) -> etree._Element:
        item, presentation = self.start(v, item_ident, title, "essay_question", [])
        response = sub(presentation, "response_str", ident="response1", rcardinality="Single")
        sub(sub(response, "render_fib"), "response_label", ident="answer1", rshuffle="No")
        general = self.general_feedback(v, self.texts.html(v.payload.model_answer))
        processing = self.resprocessing(item, general)
        condition = sub(processing, "respcondition", **{"continue": "No"})
        sub(sub(condition, "conditionvar"), "other")
        self.feedback(item, "general_fb", general)
        return item

    def matching(self, v: Variant, item_ident: str, title: str) -> etree._Element:
        pairs = v.payload.pairs
        terms = [self.texts.plain(term) for term, _ in pairs]
        definitions = [self.texts.plain(d) for _, d in pairs]
        match_ids = [f"{item_ident}_m{i + 1}" for i in range(len(pairs))]
        order = list(range(len(pairs)))
        if v.question.spec.shuffle:
            random.Random(v.seed).shuffle(order)
        answer_ids = [f"{item_ident}_{i + 1}" for i in range(len(pairs))]
        item, presentation = self.start(v, item_ident, title, "matching_question", answer_ids)
        for answer_id, term in zip(answer_ids, terms, strict=True):
            response = sub(presentation, "response_lid", ident=f"response_{answer_id}")
            mattext(response, term, "text/plain")
            render = sub(response, "render_choice")
            for i in order:
                mattext(
                    sub(render, "response_label", ident=match_ids[i]), definitions[i], "text/plain"
                )
        general = self.general_feedback(v)
        processing = self.resprocessing(item, general)
        share = _share(len(pairs))
        for answer_id, match_id in zip(answer_ids, match_ids, strict=True):
            condition = sub(processing, "respcondition")
            sub(
                sub(condition, "conditionvar"),
                "varequal",
                match_id,
                respident=f"response_{answer_id}",
            )
            sub(condition, "setvar", share, varname="SCORE", action="Add")
        self.feedback(item, "general_fb", general)
        return item

    def cloze(self, v: Variant, item_ident: str, title: str) -> etree._Element:
        blanks = v.payload.blanks
        dropdowns = all(b.kind == "choice" for b in blanks)
        names = [f"blank{i + 1}" for i in range(len(blanks))]

        def blank(index: int) -> str:
            b = blanks[index]
            shown = f"[{names[index]}]"
            if b.kind == "choice" and not dropdowns:
                # Canvas cannot mix drop-downs with typed blanks: show the options.
                options = " / ".join(_escape(self.texts.clean(o)) for o in b.options)
                return f"{shown} ({options})"
            return shown

        if not dropdowns and any(b.kind == "choice" for b in blanks):
            self.mixed_cloze.append(v.id)
        kind = "multiple_dropdowns_question" if dropdowns else "fill_in_multiple_blanks_question"
        answer_ids: list[str] = []
        labels: list[list[tuple[str, str]]] = []  # per blank: (ident, text)
        for i, b in enumerate(blanks):
            texts = b.options if b.kind == "choice" and dropdowns else _accepted(b)
            ids = [f"{item_ident}_{i + 1}_{k + 1}" for k in range(len(texts))]
            labels.append([(cid, self.texts.clean(t)) for cid, t in zip(ids, texts, strict=True)])
            answer_ids.extend(ids)
        html = self.texts.html(v.text, blanks=True, blank=blank)
        item, presentation = self.start(v, item_ident, title, kind, answer_ids, html)
        for name, blank_labels in zip(names, labels, strict=True):
            response = sub(presentation, "response_lid", ident=f"response_{name}")
            mattext(response, name, "text/plain")
            render = sub(response, "render_choice")
            for cid, text in blank_labels:
                mattext(sub(render, "response_label", ident=cid), text, "text/plain")
        general = self.general_feedback(v)
        processing = self.resprocessing(item, general)
        share = _share(len(blanks))
        for i, (name, blank_labels) in enumerate(zip(names, labels, strict=True)):
            b = blanks[i]
            condition = sub(processing, "respcondition")
            conditionvar = sub(condition, "conditionvar")
            if b.kind == "choice" and dropdowns:
                right = [cid for cid, text in blank_labels if text == self.texts.clean(b.answer)]
                sub(conditionvar, "varequal", right[0], respident=f"response_{name}")
            else:
                either = sub(conditionvar, "or")
                for cid, _ in blank_labels:
                    sub(either, "varequal", cid, respident=f"response_{name}")
            sub(condition, "setvar", share, varname="SCORE", action="Add")
        self.feedback(item, "general_fb", general)
        return item


def _accepted(blank: Any) -> tuple[str, ...]:
    """What Canvas accepts in a typed blank. A numeric blank is graded as text there: the
    number as shown, and with its unit when it has one."""
    if blank.kind == "numeric":
        shown = blank.number_text or blank.answer
        return tuple(dict.fromkeys(both_decimal_marks((shown, *blank.answers))))
    if blank.kind == "choice":
        return (blank.answer,)
    return tuple(both_decimal_marks(blank.answers))


def _share(count: int) -> str:
    """Each of ``count`` parts' share of 100 points, as Canvas writes it (``33.33``)."""
    return f"{100 / count:.2f}"


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def mattext(parent: etree._Element, text: str, texttype: str = "text/html") -> None:
    sub(sub(parent, "material"), "mattext", text, texttype=texttype)


_BUILDERS: dict[str, Callable[[ItemWriter, Variant, str, str], etree._Element]] = {
    "numerical": ItemWriter.numerical,
    "multichoice": ItemWriter.multichoice,
    "truefalse": ItemWriter.truefalse,
    "shortanswer": ItemWriter.shortanswer,
    "essay": ItemWriter.essay,
    "matching": ItemWriter.matching,
    "cloze": ItemWriter.cloze,
}

#: The types Canvas's classic quizzes have no question for.
UNSUPPORTED = ("ordering",)
