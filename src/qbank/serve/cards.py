"""The Anki cards of a variant as a learner sees them: the notes the Anki exporter makes
(:class:`qbank.exporters.anki.notes.NoteMaker`, the very fields written into the deck),
filled into their note type's card templates.

Anki's template language is filled here only as far as qbank's own note types use it:
``{{Field}}``, ``{{#Field}}…{{/Field}}``, ``{{FrontSide}}`` and ``{{cloze:Text}}``. Math
stays ``\\(…\\)`` for the page's KaTeX, as Anki's MathJax would typeset it.
"""

from __future__ import annotations

import re
from typing import Any

from ..model import GeneratedSet, Variant

_SECTION = re.compile(r"\{\{([#^])([^}]+)\}\}(.*?)\{\{/\2\}\}", re.S)
_CLOZE_FIELD = re.compile(r"\{\{cloze:([^}]+)\}\}")
_FIELD = re.compile(r"\{\{([^#^/}][^}]*)\}\}")
_DELETION = re.compile(r"\{\{c(\d+)::(.*?)(?:::(.*?))?\}\}", re.S)


def _cloze(text: str, number: int, back: bool) -> str:
    def one(match: re.Match[str]) -> str:
        if int(match.group(1)) != number:
            return match.group(2)
        if back:
            return f'<span class="cloze">{match.group(2)}</span>'
        return f'<span class="cloze">[{match.group(3) or "…"}]</span>'

    return _DELETION.sub(one, text)


def fill(template: str, fields: dict[str, str], *, card: int = 1, back: bool = False) -> str:
    def section(match: re.Match[str]) -> str:
        shown = bool(fields.get(match.group(2), "").strip())
        wanted = shown if match.group(1) == "#" else not shown
        return fill(match.group(3), fields, card=card, back=back) if wanted else ""

    text = _SECTION.sub(section, template)
    text = _CLOZE_FIELD.sub(lambda m: _cloze(fields.get(m.group(1), ""), card, back), text)
    return _FIELD.sub(lambda m: fields.get(m.group(1).strip(), ""), text)


def anki_cards(generated: GeneratedSet, variant: Variant) -> list[dict[str, Any]]:
    """Each card of ``variant``'s notes: its front and back HTML (images by file name)."""
    from ..exporters.anki.notes import NoteMaker

    cards = []
    for note in NoteMaker(generated).notes(variant):
        fields = dict(zip(note.note_type.fields, note.fields))
        templates = note.note_type.model.templates
        if note.note_type.model.model_type == note.note_type.model.CLOZE:
            numbers = sorted({int(n) for n in re.findall(r"\{\{c(\d+)::", fields.get("Text", ""))})
            plan = [(templates[0], n) for n in numbers or [1]]
        else:
            plan = [(t, 1) for t in templates]
        for template, number in plan:
            front = fill(template["qfmt"], fields, card=number)
            back = fill(template["afmt"], {**fields, "FrontSide": front}, card=number, back=True)
            cards.append({"front": front, "back": back})
    return cards


_MOODLE_BLANK = re.compile(r"\{(\d*):([A-Z_]+):((?:[^{}\\]|\\.)*)\}")


def _blank(match: re.Match[str]) -> str:
    kind = match.group(2)
    if kind in ("MULTICHOICE", "MC", "MULTICHOICE_S", "MCS"):
        options = [
            re.sub(r"^(%-?[\d.]+%|=)", "", o).split("#")[0].replace("\\", "")
            for o in re.split(r"(?<!\\)~", match.group(3))
        ]
        items = "".join(f"<option>{o}</option>" for o in options)
        return f'<select class="moodle-blank"><option></option>{items}</select>'
    return '<input class="moodle-blank" size="8" disabled>'


def _right_option(options: str, kind: str = "") -> str:
    """The first full-marks answer of a Moodle blank's options (``=a#feedback~b``)."""
    for option in re.split(r"(?<!\\)~", options):
        if option.startswith("=") or option.startswith("%100%"):
            answer = re.sub(r"^(=|%100%)", "", option)
            answer = re.split(r"(?<!\\)#", answer)[0].replace("\\", "")
            if kind in ("NUMERICAL", "NM") and ":" in answer:
                value, tolerance = answer.split(":", 1)
                answer = value if tolerance in ("0", "") else f"{value} ± {tolerance}"
            return answer
    return ""


def moodle_question(generated: GeneratedSet) -> dict[str, str]:
    """The question of a one-question set as the Moodle XML export writes it: its text
    (blanks drawn as Moodle shows them), its choices, and on the other side the right
    answers and the general feedback."""
    import io

    from ..exporters.moodle import write_moodle_xml
    from ..safe_xml import parse

    out = io.BytesIO()
    write_moodle_xml(generated, out)
    root = parse(out.getvalue())
    question = next((q for q in root.iter("question") if q.get("type") != "category"), None)
    if question is None:
        return {"front": "", "back": ""}

    def text(path: str) -> str:
        found = question.find(path)
        return found.text or "" if found is not None else ""

    kind = question.get("type", "")
    front = [_MOODLE_BLANK.sub(_blank, text("questiontext/text"))]
    right, back = [], []
    answers = question.findall("answer")
    if kind in ("multichoice", "truefalse"):
        single = text("single") != "false"
        for answer in answers:
            shown = answer.findtext("text") or ""
            box = "radio" if single else "checkbox"
            front.append(f'<div class="moodle-choice"><input type="{box}" disabled> {shown}</div>')
            if float(answer.get("fraction", "0")) > 0:
                right.append(shown)
    elif kind == "matching":
        for sub in question.findall("subquestion"):
            front.append(
                f'<div class="moodle-choice">{sub.findtext("text") or ""} → '
                '<select class="moodle-blank"><option>Choose…</option></select></div>'
            )
            right.append(f"{sub.findtext('text') or ''} → {sub.findtext('answer/text') or ''}")
    elif kind in ("numerical", "shortanswer", "calculated"):
        front.append('<div>Answer: <input class="moodle-blank" size="12" disabled></div>')
        for answer in answers:
            if float(answer.get("fraction", "0")) >= 100:
                tolerance = answer.findtext("tolerance")
                shown = answer.findtext("text") or ""
                right.append(shown + (f" ± {tolerance}" if tolerance not in (None, "0") else ""))
    elif kind in ("cloze", "multianswer"):
        right = [
            _right_option(m.group(3), m.group(2))
            for m in _MOODLE_BLANK.finditer(text("questiontext/text"))
        ]
    if right:
        back.append('<div class="moodle-right">The correct answer: ' + "; ".join(right) + "</div>")
    feedback = text("generalfeedback/text")
    if feedback:
        back.append(f'<div class="moodle-feedback">{feedback}</div>')
    fix = lambda html: html.replace("@@PLUGINFILE@@/", "media/")  # noqa: E731
    return {"front": fix("\n".join(front)), "back": fix("\n".join(back))}
