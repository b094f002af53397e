"""Question types: one module each, all behind :class:`qbank.kinds.base.Kind`.

Adding a type is one new module here and one line in :data:`KINDS`, plus one renderer in
each exporter's table (see docs/architecture.md). Nothing else in qbank branches on the
type of a question.
"""

from __future__ import annotations

from typing import Any

from .base import Kind
from .cloze import Cloze
from .essay import Essay
from .matching import Matching
from .multichoice import Multichoice
from .numerical import Numerical
from .ordering import Ordering
from .shortanswer import ShortAnswer
from .truefalse import TrueFalse

#: Every question type, by its ``type:`` name, in the order the docs list them.
KINDS: dict[str, Kind] = {
    kind.name: kind
    for kind in (
        Numerical(),
        Multichoice(),
        TrueFalse(),
        ShortAnswer(),
        Essay(),
        Matching(),
        Cloze(),
        Ordering(),
    )
}
QUESTION_TYPES = tuple(KINDS)


def kind_of(type_name: str) -> Kind:
    return KINDS[type_name]


def type_fields() -> dict[str, tuple[Any, Any]]:
    """Every type's own bank fields, merged (a name several types share appears once)."""
    merged: dict[str, tuple[Any, Any]] = {}
    for kind in KINDS.values():
        for name, definition in kind.fields.items():
            merged.setdefault(name, definition)
    return merged


__all__ = ["KINDS", "QUESTION_TYPES", "Kind", "kind_of", "type_fields"]
