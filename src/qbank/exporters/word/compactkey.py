"""The compact answer key (``--key compact``): answers only, many versions to a page.

After the marking grid come landscape pages with one table each: a row per question
number (as printed on the worksheets), a column per version, headed with its code and
student. With a worksheet in hand, a teacher finds its column by the code at the top of
the sheet and reads down it beside the sheet's numbered questions. An answer that every
version on the page shares (a question that is not randomised) fills its row once, so the
eye only stops where the versions differ. Up to ten versions share a page, so a class of
30 takes three pages instead of thirty.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ...i18n import N_, _
from .common import footer_ids, section_end, styled
from .package import DocxWriter
from .plan import VersionPlan
from .wordml import is_rtl, paragraph, run, run_props, table

if TYPE_CHECKING:
    from .answerkey import AnswerKeyWriter

#: Width of the question-number column and least width of a version's column (twips:
#: 1 cm and 2.5 cm, room for "225,000 requests" in 9 pt on two lines at most).
NUMBER_WIDTH = 567
VERSION_WIDTH = 1400
#: At most this many versions side by side on a page.
MOST_PER_PAGE = 10
NOTE = N_(
    "A row per question number as printed on the worksheets, a column per version; an "
    "answer that every version shares fills its row. The worked solutions are in the "
    "full key (made without --key compact)."
)


def versions_per_page(text_width: int, count: int) -> int:
    """How many versions share a page: as many as fit, spread evenly over the pages (30
    on pages of 10, not 10 + 10 + 10; 12 as 6 + 6, not 10 + 2)."""
    fit = max(1, min(MOST_PER_PAGE, (text_width - NUMBER_WIDTH) // VERSION_WIDTH))
    pages = -(-count // fit)
    return -(-count // pages)


def compact_answers(key: AnswerKeyWriter, plans: list[VersionPlan], writer: DocxWriter) -> str:
    """The landscape section of compact answer tables, the last section of the key."""
    s = key.styles
    width = key.base.geometry.landscape().text_width
    per_page = versions_per_page(width, len(plans))
    column = (width - NUMBER_WIDTH) // per_page
    out = []
    for first in range(0, len(plans), per_page):
        group = plans[first : first + per_page]
        heading = (
            _("Answers: version {number}").format(number=group[0].number)
            if len(group) == 1
            else _("Answers: versions {first} to {last}").format(
                first=group[0].number, last=group[-1].number
            )
        )
        out.append(paragraph(run(heading), s["Heading 2"], page_break_before=first > 0))
        if first == 0:
            out.append(paragraph(run(_(NOTE)), s["Instructions"]))
        out.append(_table(key, group, [NUMBER_WIDTH] + [column] * len(group)))
    footers = footer_ids(
        writer, key.base, key.bank.title + "  ·  " + _("Answer key"), landscape=True
    )
    frame = key.base.frame.xml(footers, landscape=True)
    return "".join(out) + section_end(frame, last=True)


def _table(key: AnswerKeyWriter, group: list[VersionPlan], widths: list[int]) -> str:
    s = key.styles
    style = s["Compact Key"]

    def cell(text: str) -> str:
        return paragraph(run(text), style, bidi=is_rtl(text))

    bold = run_props(bold=True)
    header = [paragraph(run("#", bold), style)]
    for plan in group:
        student = run("\n" + plan.student) if plan.student else ""
        header.append(paragraph(run(plan.code, bold) + student, style, keep_next=True))
    rows: list[list] = [header]
    for i in range(max(len(plan.questions) for plan in group)):
        questions = [plan.questions[i] if i < len(plan.questions) else None for plan in group]
        answers = [key.entry(q).short if q is not None else "" for q in questions]
        number = paragraph(styled(f"{i + 1}.", s["Question Number"]), style)
        if len(group) > 1 and None not in questions and len(set(answers)) == 1:
            rows.append([number, (cell(answers[0]), len(group))])
        else:
            rows.append([number, *(cell(a) for a in answers)])
    return table(rows, widths, s["Table Grid"], header_rows=1)
