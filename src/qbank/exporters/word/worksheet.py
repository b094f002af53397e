"""The worksheets: one section per version, each starting on a new (or odd) page.

A version is: title and subtitle, Name / Class / Date, the version line (number, code,
points), instructions, the reading passage, then the questions grouped under their
section headings and numbered from 1. Each question type has its own method
(``_numerical``, ``_cloze``, ...) that writes the space to answer in.
"""

from __future__ import annotations

import re
from pathlib import Path

from ...kinds.cloze import ClozeBlank
from ...model import Bank, GeneratedSet
from .common import footer_ids, points_label, section_end, styled
from .package import BaseDocument, DocxWriter, made_with
from .paper import Paper
from .plan import PlannedQuestion, VersionPlan, letter, plan_versions
from .wordml import (
    is_rtl,
    paragraph,
    run,
    run_props,
    split_paragraphs,
    tab_run,
    tab_stops,
    table,
    text_paragraph,
)

DEFAULT_INSTRUCTIONS = "Answer every question in the space provided."
MATCHING_TERM_HEADING = "Term (write the letter of its definition)"
#: Indent of question text under its number (twips), as in the "Question" style.
QUESTION_INDENT = 454
#: Ordering: the box a student writes an item's number in (twips: 1.1 cm wide, 0.8 cm tall).
ORDERING_BOX, ORDERING_ROW = 620, 450


def blank_for(blank: ClozeBlank) -> str:
    """Underscores for a cloze blank: room to write the answer, in three sizes only, so
    the length hints at the answer no more than a printed line would."""
    longest = max(len(a) for a in blank.answers)
    return "_" * (10 if longest <= 8 else 16 if longest <= 16 else 24)


class WorksheetWriter:
    def __init__(self, base: BaseDocument, generated: GeneratedSet, *, duplex: bool) -> None:
        self.base = base
        self.bank: Bank = generated.bank
        self.count = generated.count
        self.styles = base.styles
        self.width = base.geometry.text_width
        self.start = "oddPage" if duplex else "nextPage"
        # A fixed question prints the same at the same number in every version: its XML
        # is made once. Randomised questions differ per version and are never cached.
        self._fixed: dict[tuple, str] = {}
        self._types = {
            "numerical": self._numerical,
            "multichoice": self._multichoice,
            "truefalse": self._truefalse,
            "shortanswer": self._shortanswer,
            "essay": self._essay,
            "matching": self._matching,
            "cloze": self._cloze,
            "ordering": self._ordering,
        }
        self._intro = "".join(
            text_paragraph(p, self.styles["Reading Passage"])
            for p in split_paragraphs(self.bank.intro)
        )

    # --- one version ------------------------------------------------------------------

    def version(self, plan: VersionPlan, writer: DocxWriter, *, last: bool = False) -> str:
        s = self.styles
        out = [text_paragraph(self.bank.title, s["Title"])]
        if self.bank.subtitle:
            out.append(text_paragraph(self.bank.subtitle, s["Subtitle"]))
        out.append(self._student_details(plan))
        out.append(self._version_line(plan))
        out.append(
            text_paragraph(self.bank.instructions or DEFAULT_INSTRUCTIONS, s["Instructions"])
        )
        out.append(self._intro)
        for section in plan.sections:
            out.append(text_paragraph(section.title, s["Heading 1"]))
            out.extend(self.question(q) for q in section.questions)
        footer_text = f"{self.bank.title}  ·  {plan.code}" + (
            f"  ·  {plan.student}" if plan.student else ""
        )
        out.append(
            section_end(
                self.base.frame.xml(
                    footer_ids(writer, self.base, footer_text),
                    start=self.start,
                    restart_numbering=True,
                ),
                last=last,
            )
        )
        return "".join(out)

    def _student_details(self, plan: VersionPlan) -> str:
        name_end, class_end = int(self.width * 0.56), int(self.width * 0.79)
        tabs = tab_stops(
            [
                ("left", name_end, "underscore"),
                ("left", class_end, "underscore"),
                ("left", self.width, "underscore"),
            ]
        )
        student = run(plan.student, run_props(bold=True)) + run(" ") if plan.student else ""
        school_class = (
            run(plan.school_class, run_props(bold=True)) + run(" ") if plan.school_class else ""
        )
        content = (
            run("Name: ")
            + student
            + tab_run()
            + run("  Class: ")
            + school_class
            + tab_run()
            + run("  Date: ")
            + tab_run()
        )
        return paragraph(content, self.styles["Student Details"], tabs=tabs)

    def _version_line(self, plan: VersionPlan) -> str:
        questions = len(plan.questions)
        left = f"Version {plan.number} of {self.count}  ·  Code {plan.code}"
        right = (
            f"{questions} question{'s' if questions != 1 else ''}  ·  "
            f"{points_label(plan.total_points)}"
        )
        return paragraph(
            run(left) + tab_run() + run(right),
            self.styles["Version Line"],
            tabs=tab_stops([("right", self.width, "none")]),
        )

    # --- one question -----------------------------------------------------------------

    def question(self, q: PlannedQuestion) -> str:
        v = q.variant
        if v.randomised:
            return self._types[v.type](q)
        key = (v.id, q.number, tuple(c.text for c in q.choices), q.definition_order)
        xml = self._fixed.get(key)
        if xml is None:
            xml = self._fixed[key] = self._types[v.type](q)
        return xml

    def _stem(
        self,
        q: PlannedQuestion,
        paragraphs: list[str] | None = None,
        note: str = "",
        *,
        alone: bool = False,
    ) -> str:
        """The numbered question text; points follow its last paragraph.

        The text keeps with the answer space below it; a question that is ``alone`` (no
        answer space) lets the page break after it, or the whole worksheet would be one
        chain of "keep with next" paragraphs that Word cannot break.
        """
        paragraphs = split_paragraphs(q.variant.text) if paragraphs is None else paragraphs
        paragraphs = paragraphs or [""]
        s = self.styles
        number = styled(f"{q.number}.", s["Question Number"]) + tab_run()
        label = f"{note}{points_label(q.points, joined=True)}"
        out = []
        for i, text in enumerate(paragraphs):
            last = i == len(paragraphs) - 1
            after = ""
            if last:
                # In a right-to-left paragraph a left-to-right mark keeps "(2 points)"
                # in reading order; without it the bidi algorithm shows "(points 2)".
                mark = "\u200e" if is_rtl(text) else ""
                after = styled(f"  ({mark}{label})", s["Points"])
            out.append(
                text_paragraph(
                    text,
                    s["Question"] if i == 0 else s["Question Text"],
                    before=number if i == 0 else "",
                    after=after,
                    keep_next=False if last and alone else None,
                )
            )
        return "".join(out)

    def _answer_line(self, label: str = "Answer: ") -> str:
        tabs = tab_stops([("left", int(self.width * 0.62), "underscore")])
        return paragraph(run(label) + tab_run(), self.styles["Answer Line"], tabs=tabs)

    def _numerical(self, q: PlannedQuestion) -> str:
        return self._stem(q) + paragraph("", self.styles["Working Space"]) + self._answer_line()

    def _shortanswer(self, q: PlannedQuestion) -> str:
        return self._stem(q) + self._answer_line()

    def _essay(self, q: PlannedQuestion) -> str:
        line = paragraph(
            tab_run(),
            self.styles["Writing Line"],
            tabs=tab_stops([("right", self.width, "underscore")]),
        )
        return self._stem(q) + line * max(1, q.variant.question.spec.lines)

    def _truefalse(self, q: PlannedQuestion) -> str:
        s = self.styles
        circle = (
            styled("Circle one:", s["Points"])
            + tab_run()
            + styled("True", s["Key Answer"])
            + run(" / ")
            + styled("False", s["Key Answer"])
        )
        return self._stem(q) + paragraph(circle, s["Choice"], keep_next=False)

    def _multichoice(self, q: PlannedQuestion) -> str:
        s = self.styles
        several = len(q.variant.payload.correct_choices) > 1 or not q.variant.question.spec.single
        out = [self._stem(q, note="choose all that apply; " if several else "")]
        for i, choice in enumerate(q.choices):
            out.append(
                text_paragraph(
                    choice.text,
                    s["Choice"],
                    before=styled(letter(i), s["Question Number"]) + tab_run(),
                    keep_next=None if i < len(q.choices) - 1 else False,
                )
            )
        return "".join(out)

    def _matching(self, q: PlannedQuestion) -> str:
        s = self.styles
        pairs = q.variant.payload.pairs
        heading = [
            paragraph(run(MATCHING_TERM_HEADING), s["Table Heading"]),
            paragraph(run("Definition"), s["Table Heading"]),
        ]
        rows = [heading]
        for i, printed in enumerate(q.definition_order):
            term = pairs[i][0]
            definition = pairs[printed][1]
            rows.append(
                [
                    text_paragraph(
                        term,
                        s["Table Text"],
                        before=run("____ ") + styled(f"{i + 1}.", s["Question Number"]) + run(" "),
                    ),
                    text_paragraph(
                        definition,
                        s["Table Text"],
                        before=styled(letter(i), s["Question Number"]) + run("  "),
                    ),
                ]
            )
        usable = self.width - QUESTION_INDENT
        widths = [int(usable * 0.36), usable - int(usable * 0.36)]
        return (
            self._stem(q)
            + table(rows, widths, s["Table Grid"], header_rows=1, indent=QUESTION_INDENT)
            + paragraph("", s["Table Text"])
        )

    def _ordering(self, q: PlannedQuestion) -> str:
        """The items in the shown order, lettered, each with an empty box for its number."""
        s = self.styles
        shown = q.variant.payload.shown
        usable = self.width - QUESTION_INDENT
        stem = self._stem(q, note=f"number the items 1 to {len(shown)} in the right order; ")

        def item(i: int, text: str) -> str:
            return text_paragraph(
                text, s["Table Text"], before=styled(letter(i), s["Question Number"]) + run("  ")
            )

        box = paragraph("", s["Table Text"])
        if q.variant.question.spec.layout == "horizontal":
            width = usable // len(shown)
            rows = [[item(i, text) for i, text in enumerate(shown)], [box] * len(shown)]
            widths = [width] * len(shown)
        else:
            rows = [[box, item(i, text)] for i, text in enumerate(shown)]
            widths = [ORDERING_BOX, usable - ORDERING_BOX]
        return (
            stem
            + table(rows, widths, s["Table Grid"], indent=QUESTION_INDENT, row_height=ORDERING_ROW)
            + paragraph("", s["Table Text"])
        )

    def _cloze(self, q: PlannedQuestion) -> str:
        paragraphs: list[list[str | ClozeBlank]] = [[]]
        for part in q.variant.payload.parts:
            if isinstance(part, ClozeBlank):
                paragraphs[-1].append(part)
                continue
            for i, piece in enumerate(split_keep_empty(part)):
                if i:
                    paragraphs.append([])
                if piece:
                    paragraphs[-1].append(piece)
        texts = [
            "".join(p if isinstance(p, str) else blank_for(p) for p in para) for para in paragraphs
        ]
        return self._stem(q, [t.strip() for t in texts if t.strip()], alone=True)


def split_keep_empty(text: str) -> list[str]:
    """Split at blank lines (paragraph breaks) keeping the pieces between them as they are."""
    return re.split(r"\n[ \t]*\n", text)


def write_worksheets(
    generated: GeneratedSet,
    path: Path,
    *,
    template: Path | None,
    roster: tuple[str, ...],
    duplex: bool,
    shuffle: bool,
    timestamp: float | None,
    classes: tuple[str, ...] = (),
    paper: Paper | None = None,
    plans: list[VersionPlan] | None = None,
) -> None:
    """``plans``: the versions to print, when already made (the answer key reads them too)."""
    bank = generated.bank
    base = BaseDocument(
        template,
        title=f"{bank.title}: worksheets",
        subject=bank.subtitle,
        timestamp=timestamp,
        keywords=", ".join(bank.tags),
        comments=made_with(generated),
        paper=paper,
    )
    sheets = WorksheetWriter(base, generated, duplex=duplex)
    with DocxWriter(base, path) as writer:
        if plans is None:
            plans = plan_versions(generated, shuffle=shuffle, roster=roster, classes=classes)
        for plan in plans:
            writer.write(sheets.version(plan, writer, last=plan.number == generated.count))
