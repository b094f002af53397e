"""The worksheets: one section per version, each starting on a new (or odd) page.

A version is: title and subtitle, Name / Class / Date, the version line (number, code,
points), instructions, the reading passage, then the questions grouped under their
section headings and numbered from 1. Each question type has its own method
(``_numerical``, ``_cloze``, ...) that writes the space to answer in.

Titles, headings and names are plain text; the instructions, the reading passage, the
question texts, the choices and the items are Markdown with math (:mod:`.rich`).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from ...i18n import N_, _, local_number, ngettext
from ...kinds.cloze import ClozeBlank
from ...model import Bank, DataSet, GeneratedSet
from .common import footer_ids, points_label, rich_text, section_end, styled
from .package import BaseDocument, DocxWriter, made_with
from .paper import Paper
from .plan import PlannedQuestion, VersionPlan, letter, plan_versions
from .rich import RichText, Warner, Where
from .wordml import (
    esc,
    is_rtl,
    paragraph,
    run,
    run_props,
    tab_run,
    tab_stops,
    table,
    text_paragraph,
)

DEFAULT_INSTRUCTIONS = N_("Answer every question in the space provided.")
MATCHING_TERM_HEADING = N_("Term (write the letter of its definition)")
#: Indent of question text under its number (twips), as in the "Question" style.
QUESTION_INDENT = 454
#: Ordering: the box a student writes an item's number in (twips: 1.1 cm wide, 0.8 cm tall).
ORDERING_BOX, ORDERING_ROW = 620, 450
#: Indent of a choice's text, as in the "Choice" style; the padding of a table cell.
CHOICE_INDENT, CELL_PADDING = 851, 200
#: A data set of at most this many rows is printed under its question; a longer one on an
#: appendix page at the end of the student's version.
DATA_INLINE_ROWS = 25
#: Widest column of a data table (twips: 3.5 cm), so a table of two columns stays narrow.
DATA_COLUMN = 1985


def blank_for(blank: ClozeBlank) -> str:
    """Underscores for a cloze blank: room to write the answer, in three sizes only, so
    the length hints at the answer no more than a printed line would; a drop-down blank's
    options in the order drawn for the version, to circle one."""
    if blank.kind == "choice":  # a drop-down: the options, one to circle
        return "( " + " / ".join(blank.options) + " )"
    longest = max(len(a) for a in blank.answers)
    return "_" * (10 if longest <= 8 else 16 if longest <= 16 else 24)


def stem_xml(
    xml: str,
    number: str,
    points: Callable[[str], str],
    *,
    question_style: str,
    text_style: str,
    indent: int,
    alone: bool = False,
) -> str:
    """A question's text (block XML in ``text_style``, indented ``indent``) with its
    ``number`` (run XML) before it and ``points(mark)`` (run XML) after it.

    The number goes into the first paragraph, which takes ``question_style`` (its hanging
    indent puts the number in the margin), when that paragraph is plain text; before a
    list, a table, a formula or code it has a paragraph of its own. The points end the
    last paragraph, or follow in one of their own after a table, a display formula or
    code; ``mark`` is a left-to-right mark when that paragraph reads right to left, so
    "(2 points)" keeps its order. ``alone``: the text has no answer space below it, so
    its last paragraph does not keep with the next (or a page of such questions would be
    one chain Word cannot break).
    """
    question_open = f'<w:p><w:pPr><w:pStyle w:val="{esc(question_style)}"/>'
    text_open = f'<w:p><w:pPr><w:pStyle w:val="{esc(text_style)}"/>'
    for bidi in ("", "<w:bidi/>"):
        first = f'{text_open}{bidi}<w:ind w:left="{indent}"/></w:pPr>'
        if xml.startswith(first):
            xml = f"{question_open}{bidi}</w:pPr>{number}{xml[len(first) :]}"
            break
    else:
        xml = f"{question_open}</w:pPr>{number}</w:p>{xml}"
    start = xml.rfind("<w:p>")
    last = xml[start:]
    if (
        xml.endswith("</w:p>")
        and last.startswith((text_open, question_open))
        and "<m:oMathPara>" not in last
    ):
        mark = "\u200e" if "<w:bidi/>" in last[: last.find("</w:pPr>")] else ""
        xml = xml[: -len("</w:p>")] + points(mark) + "</w:p>"
    else:
        xml += f"{text_open}</w:pPr>{points('')}</w:p>"
    if alone:
        start = xml.rfind("<w:p>")
        end = xml.index("/>", start) + 2  # after the paragraph's w:pStyle
        rest = xml[end:].removeprefix("<w:keepNext/>")
        xml = f'{xml[:end]}<w:keepNext w:val="0"/>{rest}'
    return xml


class WorksheetWriter:
    def __init__(
        self,
        base: BaseDocument,
        generated: GeneratedSet,
        *,
        duplex: bool,
        rich: RichText | None = None,
    ) -> None:
        self.base = base
        self.bank: Bank = generated.bank
        self.count = generated.count
        self.styles = base.styles
        self.width = base.geometry.text_width
        self.start = "oddPage" if duplex else "nextPage"
        # A fixed question prints the same at the same number in every version: its XML
        # is made once. Randomised questions differ per version and are never cached.
        self._fixed: dict[tuple, str] = {}
        #: The data sets of this version printed on its appendix pages: (number, data set).
        self._appendix: list[tuple[int, DataSet]] = []
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
        self.rich = rich if rich is not None else rich_text(base, generated, lambda _: None)
        where = Where.bank(self.bank)
        self._intro = self.rich.block(
            self.bank.intro, self.styles["Reading Passage"], where, width=self.width
        )
        self._instructions = self.rich.block(
            self.bank.instructions or _(DEFAULT_INSTRUCTIONS),
            self.styles["Instructions"],
            where,
            width=self.width,
        )

    # --- one version ------------------------------------------------------------------

    def version(self, plan: VersionPlan, writer: DocxWriter, *, last: bool = False) -> str:
        s = self.styles
        out = [text_paragraph(self.bank.title, s["Title"])]
        if self.bank.subtitle:
            out.append(text_paragraph(self.bank.subtitle, s["Subtitle"]))
        out.append(self._student_details(plan))
        out.append(self._version_line(plan))
        out.append(self._instructions)
        out.append(self._intro)
        self._appendix = []
        for section in plan.sections:
            out.append(text_paragraph(section.title, s["Heading 1"]))
            out.extend(self.question(q) for q in section.questions)
        out.append(self._appendix_pages())
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
            run(_("Name:") + " ")
            + student
            + tab_run()
            + run("  " + _("Class:") + " ")
            + school_class
            + tab_run()
            + run("  " + _("Date:") + " ")
            + tab_run()
        )
        return paragraph(content, self.styles["Student Details"], tabs=tabs)

    def _version_line(self, plan: VersionPlan) -> str:
        questions = len(plan.questions)
        left = (
            _("Version {number} of {count}").format(number=plan.number, count=self.count)
            + "  ·  "
            + _("Code {code}").format(code=plan.code)
        )
        right = (
            ngettext("{n} question", "{n} questions", questions).format(n=questions)
            + f"  ·  {points_label(plan.total_points)}"
        )
        return paragraph(
            run(left) + tab_run() + run(right),
            self.styles["Version Line"],
            tabs=tab_stops([("right", self.width, "none")]),
        )

    # --- one question -----------------------------------------------------------------

    def question(self, q: PlannedQuestion) -> str:
        v = q.variant
        self._appendix.extend(
            (q.number, d) for d in v.drawn.datasets if d.row_count > DATA_INLINE_ROWS
        )
        if v.randomised:
            return self._types[v.type](q)
        key = (v.id, q.number, tuple(c.text for c in q.choices), q.definition_order)
        xml = self._fixed.get(key)
        if xml is None:
            xml = self._fixed[key] = self._types[v.type](q)
        return xml

    def _stem(
        self, q: PlannedQuestion, xml: str | None = None, note: str = "", *, alone: bool = False
    ) -> str:
        """The numbered question text (``xml``: already written, a cloze text); points
        follow its last paragraph (see :func:`stem_xml`)."""
        s = self.styles
        v = q.variant
        if xml is None:
            xml = self.rich.block(
                v.text,
                s["Question Text"],
                Where.of(v.question, "text"),
                width=self.width,
                indent=QUESTION_INDENT,
            )
        label = f"{note}{points_label(q.points, joined=True)}"
        return self._with_data(
            q,
            stem_xml(
                xml,
                styled(f"{q.number}.", s["Question Number"]) + tab_run(),
                lambda mark: styled(f"  ({mark}{label})", s["Points"]),
                question_style=s["Question"],
                text_style=s["Question Text"],
                indent=QUESTION_INDENT,
                alone=alone,
            ),
        )

    # --- data sets --------------------------------------------------------------------

    def _with_data(self, q: PlannedQuestion, stem: str) -> str:
        """The stem, then each data set of the question: a table when it is short, a line
        pointing to the appendix when it is long."""
        s = self.styles
        out = [stem]
        for d in q.variant.drawn.datasets:
            rows = ngettext("{n} row", "{n} rows", d.row_count).format(n=d.row_count)
            if d.row_count > DATA_INLINE_ROWS:
                out.append(
                    paragraph(
                        run(
                            _(
                                "The data ({name}, {rows}) is on the appendix page at the end "
                                "of this worksheet: see \u201cData for question {number}\u201d."
                            ).format(name=d.name, rows=rows, number=q.number)
                        ),
                        s["Question Text"],
                        indent=f'<w:ind w:left="{QUESTION_INDENT}"/>',
                    )
                )
                continue
            out.append(
                paragraph(
                    run(_("Data ({name}, {rows}):").format(name=d.name, rows=rows)),
                    s["Question Text"],
                    keep_next=True,
                    indent=f'<w:ind w:left="{QUESTION_INDENT}"/>',
                )
            )
            out.append(self._data_table(d, QUESTION_INDENT))
            out.append(paragraph("", s["Table Text"]))
        return "".join(out)

    def _data_table(self, d: DataSet, indent: int) -> str:
        """A data set as a table (Table Grid): a heading row that repeats on every page,
        numbers aligned right, texts left."""
        s = self.styles
        usable = self.width - indent
        width = min(DATA_COLUMN, usable // max(1, len(d.columns)))
        numeric = [all(not isinstance(v, str) for v in vs) for _, vs in d.columns]
        rows = [
            [
                paragraph(run(h), s["Table Heading"], align="right" if n else None)
                for h, n in zip(d.headings, numeric)
            ]
        ]
        rows.extend(
            [
                # Numbers as the class writes them (2,5 in French); the CSV keeps 2.5.
                paragraph(
                    run(local_number(cell) if n else cell),
                    s["Table Text"],
                    align="right" if n else None,
                )
                for cell, n in zip(row, numeric)
            ]
            for row in d.rows()
        )
        return table(
            rows,
            [width] * len(d.columns),
            s["Table Grid"],
            header_rows=1,
            indent=indent,
            compact=True,
        )

    def _appendix_pages(self) -> str:
        """The long data sets of this version, after its last question, from a new page."""
        if not self._appendix:
            return ""
        s = self.styles
        out = [
            paragraph(run(_("Appendix: data")), s["Heading 1"], page_break_before=True),
        ]
        for number, d in self._appendix:
            rows = ngettext("{n} row", "{n} rows", d.row_count).format(n=d.row_count)
            heading = _("Data for question {number} ({name}, {rows})").format(
                number=number, name=d.name, rows=rows
            )
            out.append(paragraph(run(heading), s["Heading 2"]))
            out.append(self._data_table(d, 0))
            out.append(paragraph("", s["Table Text"]))
        return "".join(out)

    def _inline(self, q: PlannedQuestion, text: str, field: str, width: int) -> str:
        """Runs of a choice, term, definition or item (inline Markdown)."""
        return self.rich.runs(text, Where.of(q.variant.question, field), width=width)

    def _answer_line(self, label: str | None = None) -> str:
        label = _("Answer:") + " " if label is None else label
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
            styled(_("Circle one:"), s["Points"])
            + tab_run()
            + styled(_("True"), s["Key Answer"])
            + run(" / ")
            + styled(_("False"), s["Key Answer"])
        )
        return self._stem(q) + paragraph(circle, s["Choice"], keep_next=False)

    def _multichoice(self, q: PlannedQuestion) -> str:
        s = self.styles
        several = len(q.variant.payload.correct_choices) > 1 or not q.variant.question.spec.single
        out = [self._stem(q, note=_("choose all that apply") + "; " if several else "")]
        for i, choice in enumerate(q.choices):
            out.append(
                paragraph(
                    styled(letter(i), s["Question Number"])
                    + tab_run()
                    + self._inline(q, choice.text, "choices", self.width - CHOICE_INDENT),
                    s["Choice"],
                    bidi=is_rtl(choice.text),
                    keep_next=None if i < len(q.choices) - 1 else False,
                )
            )
        return "".join(out)

    def _matching(self, q: PlannedQuestion) -> str:
        s = self.styles
        pairs = q.variant.payload.pairs
        heading = [
            paragraph(run(_(MATCHING_TERM_HEADING)), s["Table Heading"]),
            paragraph(run(_("Definition")), s["Table Heading"]),
        ]
        usable = self.width - QUESTION_INDENT
        widths = [int(usable * 0.36), usable - int(usable * 0.36)]
        rows = [heading]
        for i, printed in enumerate(q.definition_order):
            term = pairs[i][0]
            definition = pairs[printed][1]
            rows.append(
                [
                    paragraph(
                        run("____ ")
                        + styled(f"{i + 1}.", s["Question Number"])
                        + run(" ")
                        + self._inline(q, term, "pairs", widths[0] - CELL_PADDING),
                        s["Table Text"],
                        bidi=is_rtl(term),
                    ),
                    paragraph(
                        styled(letter(i), s["Question Number"])
                        + run("  ")
                        + self._inline(q, definition, "pairs", widths[1] - CELL_PADDING),
                        s["Table Text"],
                        bidi=is_rtl(definition),
                    ),
                ]
            )
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
        stem = self._stem(
            q, note=_("number the items 1 to {n} in the right order").format(n=len(shown)) + "; "
        )

        horizontal = q.variant.question.spec.layout == "horizontal"
        room = (usable // len(shown) if horizontal else usable - ORDERING_BOX) - CELL_PADDING

        def item(i: int, text: str) -> str:
            return paragraph(
                styled(letter(i), s["Question Number"])
                + run("  ")
                + self._inline(q, text, "items", room),
                s["Table Text"],
                bidi=is_rtl(text),
            )

        box = paragraph("", s["Table Text"])
        if horizontal:
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
        """The text with a line of underscores for each blank."""
        v = q.variant
        gaps = tuple(run(blank_for(blank)) for blank in v.payload.blanks)
        xml = self.rich.block(
            v.text,
            self.styles["Question Text"],
            Where.of(v.question, "text"),
            width=self.width,
            indent=QUESTION_INDENT,
            blanks=gaps,
        )
        return self._stem(q, xml, alone=True)


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
    warn: Callable[[str], None] | Warner = lambda _: None,
) -> None:
    """``plans``: the versions to print, when already made (the answer key reads them too);
    ``warn``: told about formulas that could not become equations."""
    bank = generated.bank
    base = BaseDocument(
        template,
        title=_("{title}: worksheets").format(title=bank.title),
        subject=bank.subtitle,
        timestamp=timestamp,
        keywords=", ".join(bank.tags),
        comments=made_with(generated),
        paper=paper,
    )
    rich = rich_text(base, generated, warn)
    sheets = WorksheetWriter(base, generated, duplex=duplex, rich=rich)
    with DocxWriter(base, path, rich.parts) as writer:
        if plans is None:
            plans = plan_versions(generated, shuffle=shuffle, roster=roster, classes=classes)
        for plan in plans:
            writer.write(sheets.version(plan, writer, last=plan.number == generated.count))
