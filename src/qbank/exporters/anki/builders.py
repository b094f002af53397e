"""One note builder per question type: what each type's notes hold, as Anki field values.

The table :data:`RENDERERS` is this format's one table type -> renderer; :mod:`.notes`
turns what a builder returns into notes with stable identities, tags and decks.

Texts are Markdown (:class:`.text.RichText`): block Markdown for question texts, solutions,
feedback and model answers, inline Markdown for choices, matching pairs and ordering
items; answers a learner types or compares (short answers, cloze blanks, numbers) and
qbank's own labels are plain text (:func:`.text.to_html`).
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass

from ...i18n import _, ngettext
from ...model import Variant
from ...model import option_letter as letter
from .notetypes import CLOZE, PROBLEM, QUESTION, VOCABULARY, NoteType
from .text import RichText, html_list, to_html


@dataclass(frozen=True)
class Draft:
    """What a type's builder returns: field values by name, and the key suffix if any."""

    note_type: NoteType
    fields: dict[str, str]
    suffix: str = ""
    source_extra: str = ""


def _labelled(label: str, html: str) -> str:
    """A field's value under its small caption, which travels in the field (in the deck's
    language) so that decks in several languages share the note type's templates. The
    space after it, which the card does not show, keeps the caption and the term apart in
    Anki's browser, whose sort field is the Term field without its tags ("Terme fromage")."""
    return f'<div class="qbank-label">{to_html(label)}</div> {html}'


def _vocabulary(v: Variant, rt: RichText) -> list[Draft]:
    notes = rt.blocks(v.solution, v.feedback)
    term_label, definition_label = _("Term"), _("Definition")
    return [
        Draft(
            VOCABULARY,
            {
                "Term": _labelled(term_label, rt.inline(term)),
                "Definition": _labelled(definition_label, rt.inline(definition)),
                "Notes": notes,
            },
            suffix=f"/term-{n}",
            source_extra=_("term {n}").format(n=n),
        )
        for n, (term, definition) in enumerate(v.payload.pairs, start=1)
    ]


def _cloze(v: Variant, rt: RichText) -> list[Draft]:
    # Each blank's other accepted answers travel inside its own deletion (cloze_blank), so
    # a card's back names those of the blank it asks only.
    text = rt.cloze(v.text, v.payload.blanks)
    return [Draft(CLOZE, {"Text": text, "Back Extra": rt.blocks(v.solution, v.feedback)})]


def _problem(v: Variant, rt: RichText) -> list[Draft]:
    decimals = v.question.spec.decimals
    if decimals is None:
        prompt = ""
    elif decimals == 0:
        prompt = _("Give the answer as a whole number.")
    else:
        prompt = ngettext(
            "Give the answer to {n} decimal place.",
            "Give the answer to {n} decimal places.",
            decimals,
        ).format(n=decimals)
    return [
        Draft(
            PROBLEM,
            {
                "Question": rt.block(v.text),
                "Prompt": prompt,
                "Answer": to_html(v.payload.answer_text),
                "Solution": rt.block(v.solution),
                "Feedback": rt.block(v.feedback),
            },
        )
    ]


def _truefalse(v: Variant, rt: RichText) -> list[Draft]:
    answer = _("True") if v.answer else _("False")
    labelled = [
        rt.led(_("If you answered {answer}:").format(answer=word) + " ", text)
        for word, text in (
            (_("True"), v.payload.feedback_true),
            (_("False"), v.payload.feedback_false),
        )
        if text.strip()
    ]
    return [
        Draft(
            QUESTION,
            {
                "Question": rt.block(v.text),
                "Prompt": _("True or false?"),
                "Answer": answer,
                "Solution": rt.block(v.solution),
                "Feedback": "\n".join(part for part in (rt.block(v.feedback), *labelled) if part),
            },
        )
    ]


def choice_order(v: Variant) -> list[int]:
    """The order options are shown in: shuffled by the variant's own seed unless the
    question says ``shuffle: false`` (banks often list the right answer first)."""
    order = list(range(len(v.payload.choices)))
    if v.question.spec.shuffle:
        random.Random(v.seed).shuffle(order)
    return order


def _multichoice(v: Variant, rt: RichText) -> list[Draft]:
    shown = [v.payload.choices[i] for i in choice_order(v)]
    choices = html_list((rt.inline(c.text) for c in shown), ordered=True, css_class="qbank-options")
    answer = "<br>".join(
        f"{letter(i)}. {rt.inline(c.text)}" for i, c in enumerate(shown) if c.correct
    )
    why = [
        (
            f"<span>{'✓' if c.correct else '✗'} {letter(i)}. {rt.inline(c.text)}</span>"
            f" — {rt.tight(c.feedback)}",
            "qbank-correct" if c.correct else "qbank-wrong",
        )
        for i, c in enumerate(shown)
        if c.feedback.strip()
    ]
    feedback = "".join(
        part
        for part in (
            rt.block(v.feedback),
            html_list((w for w, _ in why), css_class="qbank-why", item_classes=(c for _, c in why)),
        )
        if part
    )
    prompt = _("Choose one.") if v.question.spec.single else _("Choose all that apply.")
    return [
        Draft(
            QUESTION,
            {
                "Question": rt.block(v.text),
                "Prompt": prompt,
                "Choices": choices,
                "Answer": answer,
                "Solution": rt.block(v.solution),
                "Feedback": feedback,
            },
        )
    ]


def _shortanswer(v: Variant, rt: RichText) -> list[Draft]:
    first, *others = v.payload.accepted or ("",)
    answer = to_html(first)
    if others:
        answer += (
            '<br><span class="qbank-prompt">'
            + _("Also accepted:")
            + " "
            + "; ".join(to_html(a) for a in others)
            + "</span>"
        )
    return [
        Draft(
            QUESTION,
            {
                "Question": rt.block(v.text),
                "Prompt": _("Answer in a word or a short phrase."),
                "Answer": answer,
                "Solution": rt.block(v.solution),
                "Feedback": rt.block(v.feedback),
            },
        )
    ]


def _essay(v: Variant, rt: RichText) -> list[Draft]:
    # A model answer is paragraphs, not a short key: shown in normal type, not as a headline.
    model_answer = rt.block(v.payload.model_answer) or _(
        "No model answer is given for this question."
    )
    model_answer = f'<div class="qbank-model-answer">{model_answer}</div>'
    return [
        Draft(
            QUESTION,
            {
                "Question": rt.block(v.text),
                "Prompt": _("Write or say your answer, then compare it with the model answer."),
                "Answer": model_answer,
                "Solution": rt.block(v.solution),
                "Feedback": rt.block(v.feedback),
            },
        )
    ]


def _ordering(v: Variant, rt: RichText) -> list[Draft]:
    # Front: the items lettered as on the worksheet; back: the letters in the right order,
    # then the items numbered 1, 2, 3… (letters again would read as a second order). No
    # partial credit: the learner compares the whole order.
    payload = v.payload
    choices = html_list(
        (rt.inline(item) for item in payload.shown), ordered=True, css_class="qbank-options"
    )
    letters = [letter(payload.order.index(i)) for i in range(len(payload.items))]
    sequence = " → ".join(letters)
    steps = "<br>".join(
        f"{n}. {rt.inline(item)} ({ltr})"
        for n, (item, ltr) in enumerate(zip(payload.items, letters), start=1)
    )
    answer = f'{sequence}<br><span class="qbank-prompt">{steps}</span>'
    return [
        Draft(
            QUESTION,
            {
                "Question": rt.block(v.text),
                "Prompt": _("Put these in the right order."),
                "Choices": choices,
                "Answer": answer,
                "Solution": rt.block(v.solution),
                "Feedback": rt.block(v.feedback),
            },
        )
    ]


@dataclass(frozen=True)
class _Renderer:
    """How one question type becomes notes: its builder, and what else its notes depend
    on beyond the variant's texts and payload (see _content_key)."""

    build: Callable[[Variant, RichText], list[Draft]]
    key: Callable[[Variant], object] | None = None


RENDERERS: dict[str, _Renderer] = {
    "matching": _Renderer(_vocabulary),
    "cloze": _Renderer(_cloze),
    "numerical": _Renderer(_problem),
    "truefalse": _Renderer(_truefalse),
    "multichoice": _Renderer(_multichoice, key=lambda v: tuple(choice_order(v))),
    "shortanswer": _Renderer(_shortanswer),
    "essay": _Renderer(_essay),
    "ordering": _Renderer(_ordering),
}
