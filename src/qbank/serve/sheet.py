"""The Word worksheet look of the preview: the question on a white page as the Word
exporter lays it out (:mod:`qbank.exporters.word.worksheet`): the bank's title, the
student's Name / Class / Date line, the version line, the instructions, the section
heading, the question's number, its text with the points after it, its options in the
printed order and its answer lines.

The words are the exporter's own (the same gettext messages, so a French bank's page says
« Nom : »), the question's number and its options' order follow the exporter's plan
(:mod:`qbank.exporters.word.plan`, without --shuffle), and the texts are the HTML of the
same rich text the other looks show. Only the page is drawn here, in HTML, not the .docx.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

from ..exporters.word.common import points_label
from ..exporters.word.plan import PlannedQuestion, by_section, letter, plan_question
from ..exporters.word.worksheet import DEFAULT_INSTRUCTIONS, MATCHING_TERM_HEADING
from ..i18n import _, ngettext, section_name
from ..model import Bank, Question, Variant
from ..numeric import Number
from ..richtext.html import escape_html as e


def question_number(bank: Bank, question: Question) -> int:
    """The question's number on the worksheet (without --shuffle): questions grouped by
    section in bank order, as :func:`plan_version` numbers them."""
    order = [q.id for qs in by_section(bank.questions, lambda q: q).values() for q in qs]
    return order.index(question.id) + 1


def worksheet_page(
    bank: Bank,
    variant: Variant,
    *,
    number: int,
    count: int,
    block: Callable[[str], str],
    inline: Callable[[str], str],
    body: str,
) -> tuple[str, str | None]:
    """The HTML page of version ``number`` of ``count`` showing ``variant``'s question, and
    the answer as the Word answer key gives it when it depends on the printed order (the
    letters of a multiple choice or a matching question; else None). ``block``/``inline``:
    its rich text as HTML; ``body``: the question as the other looks show it (for the
    types whose page is its text and lines)."""
    q = variant.question
    # laid out as plan_version lays it out (its options' order; no --shuffle); the plan of a
    # whole version is not made: it would need every question's variant
    planned = plan_question(variant, question_number(bank, q), number, shuffle=False)
    total: Number = 0
    for one in bank.questions:
        total += one.points
    if isinstance(total, Decimal) and total == int(total):
        total = int(total)
    questions = len(bank.questions)
    out = [f'<div class="page-title">{e(bank.title)}</div>']
    if bank.subtitle:
        out.append(f'<div class="page-subtitle">{e(bank.subtitle)}</div>')
    out.append(
        '<div class="student-details">'
        f"<span>{e(_('Name:'))} <i></i></span>"
        f"<span>{e(_('Class:'))} <i></i></span>"
        f"<span>{e(_('Date:'))} <i></i></span></div>"
    )
    out.append(
        '<div class="version-line">'
        f"<span>{e(_('Version {number} of {count}').format(number=number, count=count))}"
        "</span><span>"
        + e(ngettext("{n} question", "{n} questions", questions).format(n=questions))
        + f"  ·  {e(points_label(total))}</span></div>"
    )
    out.append(
        f'<div class="instructions">{block(bank.instructions or _(DEFAULT_INSTRUCTIONS))}</div>'
    )
    out.append(f'<h4 class="section">{e(section_name(q.section))}</h4>')
    out.append(_question(planned, block, inline, body))
    return "\n".join(out), _key_answer(planned, inline)


def _key_answer(q: PlannedQuestion, inline: Callable[[str], str]) -> str | None:
    """The answer key's answer (answerkey.py: the letters of the printed order)."""
    if q.variant.type == "multichoice":
        return "<br>".join(
            f"{letter(i)}&nbsp; {inline(c.text)}" for i, c in enumerate(q.choices) if c.correct
        )
    if q.variant.type == "matching":
        return "&nbsp;&nbsp; ".join(
            f"{i + 1}&nbsp;{ltr}" for i, ltr in enumerate(q.matching_letters())
        )
    return None


def _question(
    q: PlannedQuestion, block: Callable[[str], str], inline: Callable[[str], str], body: str
) -> str:
    v = q.variant
    note = ""
    several = False
    if v.type == "multichoice":
        several = len(v.payload.correct_choices) > 1 or not v.question.spec.single
        note = _("choose all that apply") + "; " if several else ""
    elif v.type == "ordering":
        items = len(v.payload.items)
        note = _("number the items 1 to {n} in the right order").format(n=items) + "; "
    points = f'<span class="points">({e(note)}{e(points_label(q.points, joined=True))})</span>'
    stem = (
        f'<div class="question"><span class="number">{q.number}.</span>'
        f'<div class="stem">{_after_last_paragraph(block(v.text), points)}</div></div>'
    )
    rest = ""
    if v.type == "multichoice":
        rest = "".join(
            f'<div class="choice"><span class="number">{letter(i)}</span>'
            f"{inline(choice.text)}</div>"
            for i, choice in enumerate(q.choices)
        )
    elif v.type == "numerical":
        rest = '<div class="working"></div>' + _answer_line()
    elif v.type == "shortanswer":
        rest = _answer_line()
    elif v.type == "essay":
        rest = '<div class="writing-line"></div>' * max(1, v.question.spec.lines)
    elif v.type == "truefalse":
        rest = (
            f'<div class="choice"><span class="points">{e(_("Circle one:"))}</span> '
            f"<b>{e(_('True'))}</b> / <b>{e(_('False'))}</b></div>"
        )
    elif v.type == "matching":
        pairs = v.payload.pairs
        rows = "".join(
            f"<tr><td>{i + 1}. {inline(pairs[i][0])} ____</td>"
            f"<td>{letter(i)}. {inline(pairs[printed][1])}</td></tr>"
            for i, printed in enumerate(q.definition_order)
        )
        rest = (
            f'<table class="matching"><tr><th>{e(_(MATCHING_TERM_HEADING))}</th>'
            f"<th>{e(_('Definition'))}</th></tr>{rows}</table>"
        )
    else:  # cloze, ordering: the text and lines of the question as previewed
        stem = (
            f'<div class="question"><span class="number">{q.number}.</span>'
            f'<div class="stem">{_after_last_paragraph(body, points)}</div></div>'
        )
    return stem + rest


def _after_last_paragraph(html: str, points: str) -> str:
    """The points after the text's last paragraph, as the worksheet prints them."""
    at = html.rfind("</p>")
    if at >= 0 and not html[at + 4 :].strip():
        return html[:at] + points + html[at:]
    return html + points


def _answer_line() -> str:
    return f'<div class="answer-line">{e(_("Answer:"))} <i></i></div>'
