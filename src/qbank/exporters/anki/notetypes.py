"""The four Anki note types every qbank deck shares.

A note type is identified in a learner's collection by its id, and Anki compares its
*schema* (field names and card-template names, in order) on every import: a re-imported
note whose note type's schema changed is skipped as "conflicting" and never updated. So:

- the ids below are fixed qbank constants (``sha256("qbank note type <kind>")`` folded into
  genanki's recommended range 2**30..2**31; a test recomputes them), never Anki's own;
- the field and template names are frozen. Templates' HTML and the CSS may change freely:
  Anki updates a note type with the same schema when the imported copy is newer (genanki
  stamps a note type's modification time with the export's stamp, like its notes). So a
  deck made before fields held Markdown and math (when every card side was wrapped in
  ``mathjax_ignore``) is updated in place by a newer export: same notes, same review
  history, the new templates, and the formulas typeset.

Every note type ends with ``Title``, ``Source`` and ``Id``: the question's title, a
human-readable origin line shown small on the back, and the stable key the note's GUID is
made from (not shown; useful for searching and for later tools).
"""

from __future__ import annotations

from dataclasses import dataclass

import genanki

from .style import CSS

# The root element of every card side. Anki's MathJax typesets the fields' formulas
# (written ``\(…\)`` and ``\[…\]``); a teacher's literal "\(" never reaches a field as a
# delimiter (see qbank.richtext.html).
_OPEN = '<div class="qbank qbank-{kind}">'
_CLOSE = "</div>"
_ANSWER_RULE = '<hr id="answer">'
_SOURCE = '{{#Source}}<div class="qbank-source">{{Source}}</div>{{/Source}}'
_TITLE = '{{#Title}}<div class="qbank-title" dir="auto">{{Title}}</div>{{/Title}}'


def _block(field: str, css_class: str, label: str | None = None) -> str:
    """A field shown only when it is not empty, optionally under a small label."""
    head = f'<div class="qbank-label">{label}</div>' if label else ""
    return (
        f'{{{{#{field}}}}}{head}<div class="{css_class}" dir="auto">{{{{{field}}}}}</div>'
        f"{{{{/{field}}}}}"
    )


def _side(kind: str, *parts: str) -> str:
    return "\n".join([_OPEN.format(kind=kind), *parts, _CLOSE])


@dataclass(frozen=True)
class NoteType:
    """One qbank note type: its fixed id, frozen field names and the genanki model."""

    key: str
    model_id: int
    name: str
    fields: tuple[str, ...]
    model: genanki.Model

    def index(self, field: str) -> int:
        return self.fields.index(field)


def _note_type(
    key: str,
    model_id: int,
    name: str,
    fields: tuple[str, ...],
    templates: list[dict[str, str]],
    *,
    cloze: bool = False,
) -> NoteType:
    model = genanki.Model(
        model_id,
        name,
        fields=[{"name": f} for f in fields],
        templates=templates,
        css=CSS,
        model_type=genanki.Model.CLOZE if cloze else genanki.Model.FRONT_BACK,
    )
    return NoteType(key, model_id, name, fields, model)


# --- vocabulary: one note per term, a card each way ------------------------------------

_VOCAB_BACK_TAIL = [_block("Notes", "qbank-notes"), _SOURCE]
# The "Term" and "Definition" captions are in the fields (in the deck's language), as the
# "Answer" label is: a French and an English deck share these templates.

VOCABULARY = _note_type(
    "vocabulary",
    1538984076,
    "qbank Vocabulary",
    ("Term", "Definition", "Notes", "Title", "Source", "Id"),
    [
        {
            "name": "Term → Definition",
            "qfmt": _side(
                "vocab",
                '<div class="qbank-term" dir="auto">{{Term}}</div>',
            ),
            "afmt": "\n".join(
                [
                    "{{FrontSide}}",
                    _ANSWER_RULE,
                    _side(
                        "vocab",
                        '<div class="qbank-definition" dir="auto">{{Definition}}</div>',
                        *_VOCAB_BACK_TAIL,
                    ),
                ]
            ),
        },
        {
            "name": "Definition → Term",
            "qfmt": _side(
                "vocab",
                '<div class="qbank-definition" dir="auto">{{Definition}}</div>',
            ),
            "afmt": "\n".join(
                [
                    "{{FrontSide}}",
                    _ANSWER_RULE,
                    _side(
                        "vocab",
                        '<div class="qbank-term" dir="auto">{{Term}}</div>',
                        *_VOCAB_BACK_TAIL,
                    ),
                ]
            ),
        },
    ],
)

# --- key facts: Anki cloze, one card per blank ----------------------------------------

_CLOZE_TEXT = '<div class="qbank-text" dir="auto">{{cloze:Text}}</div>'

CLOZE = _note_type(
    "cloze",
    2134895730,
    "qbank Cloze",
    ("Text", "Back Extra", "Title", "Source", "Id"),
    [
        {
            "name": "Cloze",
            "qfmt": _side("cloze", _TITLE, _CLOZE_TEXT),
            "afmt": _side(
                "cloze", _TITLE, _CLOZE_TEXT, _block("Back Extra", "qbank-extra"), _SOURCE
            ),
        }
    ],
    cloze=True,
)

# --- numerical practice: one "problem" note per variant --------------------------------

_QUESTION_TEXT = '<div class="qbank-text" dir="auto">{{Question}}</div>'
_PROMPT = '{{#Prompt}}<div class="qbank-prompt" dir="auto">{{Prompt}}</div>{{/Prompt}}'
# The "Answer" and "Worked solution" labels are in the fields (in the deck's language).
_ANSWER_TAIL = [
    '<div class="qbank-answer" dir="auto">{{Answer}}</div>',
    _block("Solution", "qbank-solution"),
    _block("Feedback", "qbank-feedback"),
    _SOURCE,
]

PROBLEM = _note_type(
    "problem",
    1325394863,
    "qbank Problem",
    ("Question", "Prompt", "Answer", "Solution", "Feedback", "Title", "Source", "Id"),
    [
        {
            "name": "Problem",
            "qfmt": _side("problem", _TITLE, _QUESTION_TEXT, _PROMPT),
            "afmt": "\n".join(["{{FrontSide}}", _ANSWER_RULE, _side("problem", *_ANSWER_TAIL)]),
        }
    ],
)

# --- true/false, multiple choice, short answer, essay ---------------------------------

QUESTION = _note_type(
    "question",
    1899423370,
    "qbank Question",
    ("Question", "Prompt", "Choices", "Answer", "Solution", "Feedback", "Title", "Source", "Id"),
    [
        {
            "name": "Question",
            "qfmt": _side(
                "question",
                _TITLE,
                _QUESTION_TEXT,
                '{{#Choices}}<div class="qbank-choices" dir="auto">{{Choices}}</div>{{/Choices}}',
                _PROMPT,
            ),
            "afmt": "\n".join(["{{FrontSide}}", _ANSWER_RULE, _side("question", *_ANSWER_TAIL)]),
        }
    ],
)

NOTE_TYPES: tuple[NoteType, ...] = (VOCABULARY, CLOZE, PROBLEM, QUESTION)
