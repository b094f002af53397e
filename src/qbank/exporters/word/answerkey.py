"""The answer key: a marking grid first, then every version's answers in its numbering.

The grid (versions × question numbers, with points and totals) is a landscape section
so a class fits on one page. In the full key (the default) each version's key is its own
section on a new page, titled with the version's code and student, as a table: number,
answer with the worked solution, points. The compact key (``--key compact``) has the
answers only, a column per version, several versions to a page (:mod:`.compactkey`).
Each question type has its own method (``_numerical``, ...) giving a :class:`KeyEntry`.

Answers are plain text (a number with its unit, accepted words), except a multiple-choice
answer, which prints its option's text (inline Markdown); solutions, feedback and model
answers are Markdown with math (:mod:`.rich`), and a cloze text is printed with its
blanks filled in, the answers in bold.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from ... import __version__
from ...i18n import _, local_date, local_number, ngettext
from ...kinds.cloze import ClozeBlank
from ...model import GeneratedSet
from ...numeric import plain
from .common import footer_ids, points_label, rich_text, section_end, styled
from .compactkey import compact_answers
from .package import BaseDocument, DocxWriter, made_with
from .paper import Paper
from .plan import PlannedQuestion, VersionPlan, letter, plan_versions
from .rich import RichText, Warner, Where, with_run_style
from .wordml import is_rtl, paragraph, run, run_props, table, text_paragraph

#: Rows of the marking grid: 4 mm, room for a handwritten mark; 30 fit on a landscape
#: page of A4 (the shorter) or Letter, below the title.
GRID_ROW_HEIGHT = 230
NBSP = "\u00a0"
#: Widths of the number and points columns of a version's key (twips), and the padding
#: of a table cell.
NUMBER_COLUMN, POINTS_COLUMN, CELL_PADDING = 700, 1000, 200

#: One paragraph of the key made of pieces, each (text, whether it is inline Markdown):
#: "1. " + a matching term + "  →  B. " + its definition.
Line = tuple[tuple[str, bool], ...]


@dataclass(frozen=True)
class KeyEntry:
    """What the key says about one question of one version."""

    #: The answer, in bold ("True", "$30.00"): plain text.
    answer: str
    #: The worked solution and explanations, greyed: each (the bank field it comes from,
    #: a block Markdown text or a :data:`Line`).
    working: tuple[tuple[str, str | Line], ...] = ()
    #: Cloze: the text (Markdown with its blanks), printed with ``blanks`` filled in.
    filled: str = ""
    blanks: tuple[str, ...] = ()
    #: The answer in the compact key, when shorter than ``answer`` (a letter, "B").
    compact: str | None = None
    #: Multiple choice: the right options ("B  " + the option's text), in bold, one a line;
    #: printed instead of ``answer``.
    lines: tuple[Line, ...] = ()

    @property
    def short(self) -> str:
        return self.answer if self.compact is None else self.compact


def _working(v, *fields: str) -> tuple[tuple[str, str | Line], ...]:
    """The first of these fields of a variant that is not empty, as the key's working."""
    for field in fields:
        text = getattr(v, field)
        if text:
            return ((field, text),)
    return ()


class AnswerKeyWriter:
    def __init__(
        self, base: BaseDocument, generated: GeneratedSet, rich: RichText | None = None
    ) -> None:
        self.base = base
        self.generated = generated
        self.bank = generated.bank
        self.styles = base.styles
        self.rich = rich if rich is not None else rich_text(base, generated, lambda _: None)
        #: The points column: wider for a heading longer than "Points" ("Punkty", "Puntos").
        heading = _("Points")
        self.points_column = (
            POINTS_COLUMN if heading == "Points" else max(POINTS_COLUMN, 200 * len(heading))
        )
        #: What a text in the "Answer and working" column may take (twips).
        self.answer_width = (
            base.geometry.text_width - NUMBER_COLUMN - self.points_column - CELL_PADDING
        )
        self._fixed: dict[tuple, KeyEntry] = {}
        self._answers: dict[KeyEntry, str] = {}
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

    # --- the front: title and marking grid -----------------------------------------------

    def front(self, plans: list[VersionPlan], writer: DocxWriter, *, last: bool) -> str:
        s = self.styles
        g = self.generated
        by_position = self._points_by_position(plans)
        # Kept short, so the grid for a class of 30 fits on the first page.
        out = [
            text_paragraph(self.bank.title, s["Title"]),
            text_paragraph(_("Answer key and marking grid"), s["Subtitle"]),
            paragraph(
                run(
                    ngettext("{n} version", "{n} versions", g.count).format(n=g.count)
                    + "  ·  "
                    + _("seed {seed}").format(seed=g.seed)
                    + "  ·  "
                    + _("made with qbank {version}").format(version=__version__)
                    + "  ·  "
                    + local_date(self.base.made_on)
                ),
                s["Version Line"],
            ),
            text_paragraph(self._grid_instructions(by_position), s["Instructions"]),
            self._grid(plans, by_position),
        ]
        footers = footer_ids(
            writer, self.base, self.bank.title + "  ·  " + _("Answer key"), landscape=True
        )
        frame = self.base.frame.xml(footers, restart_numbering=True, landscape=True)
        out.append(section_end(frame, last=last))
        return "".join(out)

    @staticmethod
    def _points_by_position(plans: list[VersionPlan]) -> list[set]:
        columns = max(len(p.questions) for p in plans)
        return [
            {p.questions[i].points for p in plans if i < len(p.questions)} for i in range(columns)
        ]

    @staticmethod
    def _grid_instructions(by_position: list[set]) -> str:
        # One line on A4 and Letter, so a class of 30 fits on the first page.
        if all(len(points) == 1 for points in by_position):
            return _(
                "A row per version, a column per question number as printed on its worksheet; "
                "the Points row shows what each question is worth."
            )
        return _(
            "A row per version, a column per question number as printed on its worksheet; "
            "a box shows what that version's (shuffled) question is worth."
        )

    def _grid(self, plans: list[VersionPlan], by_position: list[set]) -> str:
        s = self.styles
        # Points per question number: one figure in the header when every version agrees
        # (always, unless --shuffle moved questions worth different points).
        columns = len(by_position)
        same = [len(points) == 1 for points in by_position]

        def cell(text: str, bold: bool = False) -> str:
            return paragraph(run(text, run_props(bold=bold)) if text else "", s["Marking Grid"])

        header = [
            cell(text, bold=True)
            for text in [
                _("Version"),
                _("Student"),
                *(str(i + 1) for i in range(columns)),
                _("Total"),
            ]
        ]
        points_row = [cell(_("Points")), cell("")] + [
            cell(shown(next(iter(by_position[i]))) if same[i] else "") for i in range(columns)
        ]
        totals = {p.total_points for p in plans}
        points_row.append(cell(shown(totals.pop()) if len(totals) == 1 else ""))
        rows = [header, points_row]
        for plan in plans:
            marks = [
                cell("" if same[i] else f"/{shown(q.points)}") for i, q in enumerate(plan.questions)
            ]
            marks += [cell("")] * (columns - len(marks))
            rows.append(
                [
                    cell(plan.code),
                    paragraph(run(plan.student), s["Marking Grid"]),
                    *marks,
                    cell(f"/{shown(plan.total_points)}"),
                ]
            )
        width = self.base.geometry.landscape().text_width
        code_width, total_width = 1250, 800
        name_width = max(1400, min(3000, width - code_width - total_width - 380 * columns))
        question_width = max(260, (width - code_width - name_width - total_width) // columns)
        widths = [code_width, name_width] + [question_width] * columns + [total_width]
        return table(
            rows, widths, s["Table Grid"], header_rows=2, row_height=GRID_ROW_HEIGHT, compact=True
        )

    # --- one version's key -------------------------------------------------------------

    def version(self, plan: VersionPlan, writer: DocxWriter, *, last: bool) -> str:
        s = self.styles
        title = (
            _("Version {number}").format(number=plan.number)
            + f"  ·  {plan.code}"
            + (f"  ·  {plan.student}" if plan.student else "")
        )
        questions = plan.questions
        out = [
            text_paragraph(title, s["Heading 1"]),
            paragraph(
                run(
                    ngettext("{n} question", "{n} questions", len(questions)).format(
                        n=len(questions)
                    )
                    + f"  ·  {points_label(plan.total_points)}"
                ),
                s["Version Line"],
            ),
        ]
        width = self.base.geometry.text_width
        points = self.points_column
        widths = [NUMBER_COLUMN, width - NUMBER_COLUMN - points, points]
        rows = [
            [
                paragraph(run("#"), s["Table Heading"]),
                paragraph(run(_("Answer and working")), s["Table Heading"]),
                paragraph(run(_("Points")), s["Table Heading"]),
            ]
        ]
        rows.extend(self.row(q) for q in questions)
        out.append(table(rows, widths, s["Table Grid"], header_rows=1))
        footer = (
            f"{self.bank.title}  ·  "
            + _("Answer key")
            + f"  ·  {plan.code}"
            + (f"  ·  {plan.student}" if plan.student else "")
        )
        frame = self.base.frame.xml(footer_ids(writer, self.base, footer))
        out.append(section_end(frame, last=last))
        return "".join(out)

    def entry(self, q: PlannedQuestion) -> KeyEntry:
        """What the key says about ``q`` (made once for a question that is not randomised)."""
        v = q.variant
        key = (v.id, tuple(c.text for c in q.choices), q.definition_order)
        entry = None if v.randomised else self._fixed.get(key)
        if entry is None:
            entry = self._types[v.type](q)
            if not v.randomised:
                self._fixed[key] = entry
        return entry

    def row(self, q: PlannedQuestion) -> list[str]:
        s = self.styles
        entry = self.entry(q)
        answer = None if q.variant.randomised else self._answers.get(entry)
        if answer is None:
            answer = self._answer(entry, q)
            if not q.variant.randomised:
                self._answers[entry] = answer
        return [
            paragraph(styled(f"{q.number}.", s["Question Number"]), s["Table Text"]),
            answer,
            paragraph(run(plain(q.points)), s["Table Text"]),
        ]

    def _answer(self, entry: KeyEntry, q: PlannedQuestion) -> str:
        """The answer in bold, then the working (each text in its paragraphs), greyed."""
        s = self.styles
        question = q.variant.question
        out: list[str] = []
        if entry.lines:
            out.extend(
                paragraph(
                    with_run_style(
                        self._line(line, Where.of(question, "choices")), s["Key Answer"]
                    ),
                    s["Table Text"],
                    bidi=is_rtl("".join(text for text, _ in line)),
                )
                for line in entry.lines
            )
        elif entry.answer:
            text = entry.answer
            out.append(paragraph(styled(text, s["Key Answer"]), s["Table Text"], bidi=is_rtl(text)))
        if entry.filled:
            out.append(
                self.rich.block(
                    entry.filled,
                    s["Key Working"],
                    Where.of(question, "text"),
                    width=self.answer_width,
                    blanks=tuple(styled(answer, s["Key Answer"]) for answer in entry.blanks),
                )
            )
        for field, content in entry.working:
            where = Where.of(question, field)
            if isinstance(content, str):
                out.append(
                    self.rich.block(content, s["Key Working"], where, width=self.answer_width)
                )
            else:
                plain_text = "".join(text for text, _ in content)
                out.append(
                    paragraph(self._line(content, where), s["Key Working"], bidi=is_rtl(plain_text))
                )
        return "".join(out) or paragraph("", s["Table Text"])

    def _line(self, line: Line, where: Where) -> str:
        return "".join(
            self.rich.runs(text, where, width=self.answer_width) if markdown else run(text)
            for text, markdown in line
        )

    # --- one renderer per question type ---------------------------------------------------

    def _numerical(self, q: PlannedQuestion) -> KeyEntry:
        v = q.variant
        return KeyEntry(v.payload.answer_text, _working(v, "solution", "feedback"))

    def _multichoice(self, q: PlannedQuestion) -> KeyEntry:
        v = q.variant
        correct = [(letter(i), c) for i, c in enumerate(q.choices) if c.correct]
        explain = tuple(("choices", c.feedback) for _, c in correct if c.feedback)
        return KeyEntry(
            "\n".join(f"{ltr}  {c.text}" for ltr, c in correct),
            _working(v, "solution", "feedback") or explain,
            compact=", ".join(ltr for ltr, _ in correct),
            lines=tuple(((f"{ltr}  ", False), (c.text, True)) for ltr, c in correct),
        )

    def _truefalse(self, q: PlannedQuestion) -> KeyEntry:
        v = q.variant
        field = "feedback_true" if v.answer else "feedback_false"
        explain = getattr(v.payload, field)
        working = _working(v, "solution", "feedback") or ((field, explain),)
        return KeyEntry(_("True") if v.answer else _("False"), working)

    def _shortanswer(self, q: PlannedQuestion) -> KeyEntry:
        v = q.variant
        return KeyEntry("  /  ".join(v.payload.accepted), _working(v, "solution", "feedback"))

    def _essay(self, q: PlannedQuestion) -> KeyEntry:
        v = q.variant
        working: tuple[tuple[str, str | Line], ...] = (("answer", v.answer or ""),)
        return KeyEntry(
            _("Model answer"),
            working + _working(v, "solution"),
            compact=_("essay: see the full key"),
        )

    def _matching(self, q: PlannedQuestion) -> KeyEntry:
        letters = q.matching_letters()
        summary = "   ".join(f"{i + 1} {ltr}" for i, ltr in enumerate(letters))
        details: tuple[tuple[str, str | Line], ...] = tuple(
            (
                "pairs",
                (
                    (f"{i + 1}. ", False),
                    (term, True),
                    (f"  →  {ltr}. ", False),
                    (definition, True),
                ),
            )
            for i, ((term, definition), ltr) in enumerate(zip(q.variant.payload.pairs, letters))
        )
        pairs = "   ".join(f"{i + 1}{NBSP}{ltr}" for i, ltr in enumerate(letters))
        return KeyEntry(summary, details + _working(q.variant, "solution"), compact=pairs)

    def _ordering(self, q: PlannedQuestion) -> KeyEntry:
        """What each box holds (letter: number), then the items in the right order."""
        payload = q.variant.payload
        boxes = "   ".join(f"{letter(i)} {rank}" for i, rank in enumerate(payload.ranks))
        right: tuple[tuple[str, str | Line], ...] = tuple(
            (
                "items",
                (
                    (f"{n}. ", False),
                    (payload.items[index], True),
                    (f"  ({letter(payload.order.index(index))})", False),
                ),
            )
            for n, index in enumerate(range(len(payload.items)), start=1)
        )
        pairs = "   ".join(f"{letter(i)}{NBSP}{rank}" for i, rank in enumerate(payload.ranks))
        return KeyEntry(boxes, right + _working(q.variant, "solution"), compact=pairs)

    def _cloze(self, q: PlannedQuestion) -> KeyEntry:
        v = q.variant
        blanks = v.payload.blanks
        summary = "   ".join(f"({i + 1}) {_blank_key(b)}" for i, b in enumerate(blanks))
        # Compact: each blank's first answer ("(1) weights"), its number kept with it.
        first = "   ".join(f"({i + 1}){NBSP}{b.answers[0]}" for i, b in enumerate(blanks))
        # The text with its blanks filled in, the answers in bold: read it to mark.
        return KeyEntry(
            summary,
            _working(v, "solution"),
            filled=v.text,
            blanks=tuple(b.answer for b in blanks),
            compact=first,
        )


def shown(number: object) -> str:
    """A number of points or a tolerance as the key prints it, in the run's locale."""
    return local_number(plain(number))


def _blank_key(blank: ClozeBlank) -> str:
    """A blank's answer in the key: its accepted answers, or a numeric blank's value with
    its tolerance (``3.25 m (± 0.01)``)."""
    if blank.kind == "numeric" and blank.tolerance:
        return f"{blank.answer} (± {shown(blank.tolerance)})"
    return " / ".join(blank.answers)


def write_answer_key(
    generated: GeneratedSet,
    path: Path,
    *,
    template: Path | None,
    roster: tuple[str, ...],
    shuffle: bool,
    timestamp: float | None,
    paper: Paper | None = None,
    compact: bool = False,
    plans: list[VersionPlan] | None = None,
    warn: Callable[[str], None] | Warner = lambda _: None,
) -> None:
    """``plans``: the versions as the worksheets print them, when already made;
    ``warn``: told about formulas that could not become equations."""
    bank = generated.bank
    base = BaseDocument(
        template,
        title=_("{title}: answer key").format(title=bank.title),
        subject=bank.subtitle,
        timestamp=timestamp,
        keywords=", ".join(bank.tags),
        comments=made_with(generated),
        paper=paper,
    )
    rich = rich_text(base, generated, warn)
    key = AnswerKeyWriter(base, generated, rich)
    with DocxWriter(base, path, rich.parts) as writer:
        # The grid needs every version's points and codes; the plans are small records.
        all_plans = (
            plans
            if plans is not None
            else list(plan_versions(generated, shuffle=shuffle, roster=roster))
        )
        writer.write(key.front(all_plans, writer, last=False))
        if compact:
            writer.write(compact_answers(key, all_plans, writer))
            return
        for plan in all_plans:
            writer.write(key.version(plan, writer, last=plan.number == generated.count))
