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
