"""What is printed on each version: order, numbering, option letters, version code, name.

The worksheet and the answer key both read the same :class:`VersionPlan`, so the key
always has the worksheet's numbering, letters and shuffles. Every shuffle uses its own
``random.Random`` seeded from the variants' seeds (and, with ``--shuffle``, the version
number): the same run always prints the same worksheets.
"""

from __future__ import annotations

import hashlib
import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from functools import cached_property
from typing import Any, TypeVar

from ...content import variant_digest
from ...i18n import section_name
from ...kinds.multichoice import RenderedChoice
from ...model import GeneratedSet, Number, Question, Variant
from ...model import option_letter as letter


def _rng(*parts: object) -> random.Random:
    digest = hashlib.sha256("\x1f".join(map(str, parts)).encode()).digest()
    return random.Random(int.from_bytes(digest[:8], "big"))


@dataclass(frozen=True)
class PlannedQuestion:
    """One question as printed in one version."""

    number: int
    variant: Variant
    #: Multiple choice: the options in printed order (A, B, C, ...).
    choices: tuple[RenderedChoice, ...] = ()
    #: Matching: the order definitions are printed in, as indexes into ``variant.pairs``.
    definition_order: tuple[int, ...] = ()

    @property
    def points(self) -> Number:
        return self.variant.question.points

    def matching_letters(self) -> list[str]:
        """For term i (printed as number i + 1), the letter of its definition."""
        position = {pair: printed for printed, pair in enumerate(self.definition_order)}
        return [letter(position[i]) for i in range(len(self.variant.payload.pairs))]


@dataclass(frozen=True)
class PlannedSection:
    title: str
    questions: tuple[PlannedQuestion, ...]


@dataclass(frozen=True)
class VersionPlan:
    number: int
    code: str
    student: str
    sections: tuple[PlannedSection, ...]
    #: The student's class, from the class list ("" when none).
    school_class: str = ""

    @cached_property
    def questions(self) -> list[PlannedQuestion]:
        return [q for s in self.sections for q in s.questions]

    @cached_property
    def total_points(self) -> Number:
        total: Number = 0
        for q in self.questions:
            total += q.points
        return int(total) if isinstance(total, Decimal) and total == int(total) else total


def version_code(generated: GeneratedSet, number: int, printed: Sequence[PlannedQuestion]) -> str:
    """A short code printed on version ``number`` and its key, e.g. ``V03-7F2A``.

    The four hex digits hash what the version prints: each question's content (drawn
    values, texts, answers: :mod:`qbank.content`) in the printed order, with its options
    and matching definitions in their printed order. Any change a student could see (an
    edited bank, another seed, ``--shuffle``, a qbank that renders differently) gives
    another code, and the same command gives the same code: a teacher can check that a
    worksheet and the key in hand belong together.
    """
    width = max(2, len(str(generated.count)))
    parts = [generated.bank.id, str(number)]
    for q in printed:
        v = q.variant
        parts.append(f"{q.number}:{variant_digest(generated, v.id, v.number)}")
        if q.choices:
            parts.append("\x1e".join(c.text for c in q.choices))
        if q.definition_order:
            parts.append(",".join(map(str, q.definition_order)))
    digest = hashlib.sha256("\x1f".join(parts).encode()).hexdigest()
    return f"V{number:0{width}d}-{digest[:4].upper()}"


def _choice_order(variant: Variant, version: int, shuffle: bool) -> dict[str, Any]:
    choices = list(variant.payload.choices)
    if not variant.question.spec.shuffle:  # the teacher fixed the order ("all of the above")
        return {"choices": tuple(choices)}
    # Banks usually list the correct option first, so options are always mixed; seeded
    # by the variant alone, a fixed question has the same order in every version unless
    # --shuffle asks for a new order per version.
    rng = _rng("choices", variant.seed, version if shuffle else "")
    rng.shuffle(choices)
    return {"choices": tuple(choices)}


def _definition_order(variant: Variant, version: int, shuffle: bool) -> dict[str, Any]:
    order = list(range(len(variant.payload.pairs)))
    rng = _rng("definitions", variant.seed, version if shuffle else "")
    rng.shuffle(order)
    if len(order) > 1 and order == sorted(order):
        order = order[1:] + order[:1]  # printed in bank order would give the answers away
    return {"definition_order": tuple(order)}


#: How each question type is laid out per version, beyond its number: type -> a function
#: giving PlannedQuestion's fields. Types with nothing to lay out are not listed.
_LAYOUTS: dict[str, Callable[[Variant, int, bool], dict[str, Any]]] = {
    "multichoice": _choice_order,
    "matching": _definition_order,
}


T = TypeVar("T")


def by_section(items: Sequence[T], question: Callable[[T], Question]) -> dict[str, list[T]]:
    """``items`` grouped by their question's section (its heading), sections and items in
    bank order: the order a worksheet numbers them in, without --shuffle."""
    sections: dict[str, list[T]] = {}
    for item in items:
        sections.setdefault(section_name(question(item).section), []).append(item)
    return sections


def plan_question(variant: Variant, number: int, version: int, shuffle: bool) -> PlannedQuestion:
    """Question ``number`` of version ``version`` as printed: its options' order (shuffled
    per version with ``shuffle``)."""
    layout = _LAYOUTS.get(variant.type)
    return PlannedQuestion(
        number=number, variant=variant, **(layout(variant, version, shuffle) if layout else {})
    )


def plan_version(
    generated: GeneratedSet,
    number: int,
    *,
    shuffle: bool = False,
    roster: Sequence[str] = (),
    classes: Sequence[str] = (),
) -> VersionPlan:
    """Version ``number``: questions grouped by section (in bank order), numbered 1..n.

    With ``shuffle``, questions are shuffled within each section, so the worksheet keeps
    its headings while neighbours cannot copy question by question.
    """
    variants = generated.version(number)
    sections = by_section(variants, lambda v: v.question)
    if shuffle:
        rng = _rng("questions", number, *(v.seed for v in variants))
        for members in sections.values():
            rng.shuffle(members)
    planned_sections = []
    counter = 0
    for title, members in sections.items():
        planned = []
        for v in members:
            counter += 1
            planned.append(plan_question(v, counter, number, shuffle))
        planned_sections.append(PlannedSection(title, tuple(planned)))
    student = roster[number - 1] if number <= len(roster) else ""
    printed = [q for s in planned_sections for q in s.questions]
    school_class = classes[number - 1] if number <= len(classes) else ""
    return VersionPlan(
        number=number,
        code=version_code(generated, number, printed),
        student=student,
        sections=tuple(planned_sections),
        school_class=school_class,
    )


def plan_versions(
    generated: GeneratedSet,
    *,
    shuffle: bool = False,
    roster: Sequence[str] = (),
    classes: Sequence[str] = (),
):
    """Every version's plan, one at a time (memory stays flat for large runs)."""
    for number in range(1, generated.count + 1):
        yield plan_version(generated, number, shuffle=shuffle, roster=roster, classes=classes)
