"""Moodle's embedded-answer (cloze) syntax, and the escaping its answers need.

A blank is written ``{weight:SHORTANSWER:=answer~=other answer}``. Moodle's importer
(``qtype_multianswer_extract_question``) reads it with regular expressions over the HTML
of the question text: an answer ends at the first ``~``, ``#`` or ``}`` that is not
preceded by ``\\`` or ``&``; then it decodes HTML entities and turns ``\\}`` and ``\\#``
back into ``}`` and ``#``. Nothing else is unescaped, so a backslash before ``~``, ``/``,
``"`` or ``\\`` would stay in the answer. We therefore escape ``}`` and ``#`` with a
backslash, as Moodle documents, and write the other special characters as HTML character
references, which the importer decodes and its delimiters never match.
"""

from __future__ import annotations

from collections.abc import Iterable

from ...i18n import both_decimal_marks
from ...model import Number
from ...numeric import plain
from .markup import escape

_ANSWER_CHARACTERS = str.maketrans(
    {
        "}": "\\}",
        "#": "\\#",
        "~": "&#126;",
        "\\": "&#92;",
        "{": "&#123;",
        "&": "&#38;",  # '&' right before a delimiter would hide the delimiter from Moodle
        "<": "&lt;",
        ">": "&gt;",
        '"': "&quot;",
    }
)


def wildcard_pattern(answer: str) -> str:
    """A short answer as Moodle's pattern: ``*`` is a wildcard there, ``\\*`` a star."""
    return answer.replace("*", "\\*")


def encode_answer(answer: str) -> str:
    """One accepted answer, written so the cloze importer reads back exactly ``answer``."""
    return answer.translate(_ANSWER_CHARACTERS)


def choice_blank(
    choices: Iterable[str], correct: str, *, weight: int = 1, shuffle: bool = True
) -> str:
    """A drop-down blank; ``correct`` is the right one of the plain-text ``choices``.

    Moodle keeps drop-down choices as HTML, so each is HTML-escaped before the cloze
    escaping (the importer decodes one level). Wrong choices get an explicit ``%0%`` so a
    choice that starts with ``=`` or ``%`` is not read as a grade.
    """
    kind = "MULTICHOICE_S" if shuffle else "MULTICHOICE"
    alternatives = "~".join(
        ("=" if choice == correct else "%0%") + encode_answer(escape(choice)) for choice in choices
    )
    return f"{{{weight}:{kind}:{alternatives}}}"


def numerical_blank(value: Number | None, tolerance: Number | None, *, weight: int = 1) -> str:
    """A numeric blank: right within ``tolerance`` of ``value`` (both written in full)."""
    return f"{{{weight}:NUMERICAL:={plain(value or 0)}:{plain(tolerance or 0)}}}"


def shortanswer_blank(
    answers: Iterable[str], *, weight: int = 1, case_sensitive: bool = False
) -> str:
    """The cloze markup of a blank that accepts each of ``answers`` for full marks."""
    kind = "SHORTANSWER_C" if case_sensitive else "SHORTANSWER"
    answers = both_decimal_marks(answers)  # 3,5 and 3.5 where the class writes 3,5
    alternatives = "~".join("=" + encode_answer(wildcard_pattern(a)) for a in answers)
    return f"{{{weight}:{kind}:{alternatives}}}"
