"""``type: ordering``: put items in the right order.

The bank lists ``items`` in the right order. Each variant shows them in an order drawn
from the variant's own seed, never the right one (else the answer would be on the page).
"""

from __future__ import annotations

import hashlib
import random
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, ClassVar, Literal

from .. import limits, numeric
from ..errors import TemplateProblem
from ..model import Question, Variant, option_letter
from .base import Compiler, FieldReader, Kind, Rendered, Step
from .fields import FILLED_TEXT_SCHEMA, bounded_list, documented

LAYOUTS = ("vertical", "horizontal")
GRADINGS = ("absolute", "relative")


@dataclass(frozen=True)
class Spec:
    items: tuple[str, ...]  # templates, in the right order
    item_lines: tuple[int | None, ...]
    layout: Literal["vertical", "horizontal"]
    #: absolute: each item in its right position; relative: each item after its right
    #: predecessor (Moodle grades by it; Word and Anki give no partial credit).
    grading: Literal["absolute", "relative"]


@dataclass(frozen=True)
class Payload:
    #: The items in the right order.
    items: tuple[str, ...]
    #: The order they are shown in: shown item i is ``items[order[i]]``.
    order: tuple[int, ...]

    @property
    def shown(self) -> tuple[str, ...]:
        return tuple(self.items[i] for i in self.order)

    @property
    def positions(self) -> tuple[int, ...]:
        """The right order as 1-based positions in the shown order."""
        where = {item: place for place, item in enumerate(self.order, start=1)}
        return tuple(where[i] for i in range(len(self.items)))

    @property
    def ranks(self) -> tuple[int, ...]:
        """For each shown item, its 1-based place in the right order (what a student writes)."""
        return tuple(i + 1 for i in self.order)


class Ordering(Kind):
    name = "ordering"
    seeded = True
    fields: ClassVar[dict[str, tuple[Any, Any]]] = {
        "items": (
            documented(
                bounded_list(Any) | None,
                "The items in the RIGHT order (templates): at least "
                "two, all different. Every version shows them in another order, drawn from its "
                "seed.",
                ["Collect data", "Clean the data", "Train the model", "Evaluate the model"],
                schema={
                    "type": "array",
                    "items": FILLED_TEXT_SCHEMA,
                    "minItems": 2,
                    "maxItems": limits.MAX_LIST,
                },
            ),
            None,
        ),
        "layout": (
            documented(
                str,
                "How Moodle lays the items out: `vertical` (the default) or `horizontal`.",
                "horizontal",
                schema={"enum": list(LAYOUTS)},
            ),
            "vertical",
        ),
        "grading": (
            documented(
                str,
                "How Moodle gives partial credit: `absolute` (the default: a share for each "
                "item in its right place) or `relative` (a share for each item that comes right "
                "after the item that should precede it).",
                "relative",
                schema={"enum": list(GRADINGS)},
            ),
            "absolute",
        ),
    }
    required = ("items",)

    def read(self, r: FieldReader) -> Spec | None:
        f = r.fields
        ok = True
        if f.layout not in LAYOUTS:
            r.bad(f"'layout' must be {' or '.join(LAYOUTS)}, not '{f.layout}'", "layout")
            ok = False
        if f.grading not in GRADINGS:
            r.bad(
                f"'grading' must be 'absolute' (each item in its right place) or 'relative' "
                f"(each item after its right neighbour), not '{f.grading}'",
                "grading",
            )
            ok = False
        if f.items is None:
            r.bad("an ordering question needs 'items:', a list of the items in the right order")
            return None
        lines = r.item_lines("items")
        items: list[str] = []
        for index, item in enumerate(f.items):
            line = lines[index] if index < len(lines) else None
            if isinstance(item, bool) or not isinstance(item, (str, int, float, Decimal)):
                r.problem(
                    "each item must be a text (put it in quotes if YAML reads it as "
                    "something else)",
                    line,
                )
                return None
            text = item if isinstance(item, str) else numeric.plain(item)
            if not text.strip():
                r.problem("an item is empty", line)
                ok = False
            elif text.strip() in items and "{" not in text:
                r.problem(
                    f"the item '{text.strip()}' appears twice; every item needs its "
                    "own place in the order",
                    line,
                )
                ok = False
            items.append(text.strip())
        if len(items) < 2:
            r.bad("an ordering question needs at least two items", "items")
            return None
        if not ok:
            return None
        return Spec(
            tuple(items),
            tuple(lines[i] if i < len(lines) else None for i in range(len(items))),
            f.layout,
            f.grading,
        )

    def compile(self, q: Question, c: Compiler) -> Any:
        return [
            c.template(item, "items", c.known, line)
            for item, line in zip(q.spec.items, q.spec.item_lines)
        ]

    def render(
        self,
        q: Question,
        compiled: Any,
        values: Mapping[str, Any],
        text: str,
        step: Step,
        seed: int,
    ) -> Rendered:
        step("items")
        items = tuple(item.run(values).strip() for item in compiled)
        for i, item in enumerate(items):
            if not item:
                raise TemplateProblem("an item is empty for these values")
            if item in items[:i]:
                raise TemplateProblem(
                    f"two items are the same ('{item}'); every item needs "
                    "its own place in the order"
                )
        payload = Payload(items, shown_order(len(items), seed))
        return Rendered(list(payload.positions), payload)

    def texts(self, payload: Payload) -> tuple[str, ...]:
        return payload.items

    def markdown(self, payload: Payload) -> list[tuple[str, str, bool]]:
        return [("items", item, True) for item in payload.items]

    def record(self, v: Variant, record: dict[str, Any]) -> None:
        record["items"] = list(v.payload.items)
        record["shown"] = list(v.payload.shown)
        record["layout"] = v.question.spec.layout
        record["grading"] = v.question.spec.grading

    def preview(self, v: Variant, wrap: Callable[..., str]) -> list[str]:
        return [
            wrap(v.text),
            *(f"   [ ] {option_letter(i)}) {item}" for i, item in enumerate(v.payload.shown)),
        ]

    def answer_line(self, v: Variant) -> str:
        letters = [option_letter(p - 1) for p in v.payload.positions]
        return (
            "  ".join(letters)
            + "  ("
            + "; ".join(f"{n}. {item}" for n, item in enumerate(v.payload.items, start=1))
            + ")"
        )


def shown_order(count: int, seed: int) -> tuple[int, ...]:
    """The order ``count`` items are shown in for the variant drawn from ``seed``.

    Its own random stream (not the one that drew the parameters), and never the right
    order: a shuffle that happens to give it is turned by one place.
    """
    digest = hashlib.sha256(f"qbank ordering\x1f{seed}".encode()).digest()
    order = list(range(count))
    random.Random(int.from_bytes(digest[:8], "big")).shuffle(order)
    if order == sorted(order):
        order = order[1:] + order[:1]
    return tuple(order)
