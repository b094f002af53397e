"""``type: matching``: terms matched with their definitions (vocabulary)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, ClassVar

from .. import limits, numeric
from ..i18n import VOCABULARY
from ..model import Question, Variant
from .base import Compiler, FieldReader, Kind, Rendered, Step
from .fields import FILLED_TEXT_SCHEMA, Flag, bounded_list, documented

#: What :meth:`Matching.read` accepts as ``pairs``: [term, definition] lists (or one-entry
#: mappings) in a list, or a mapping term -> definition.
PAIRS_SCHEMA = {
    "anyOf": [
        {
            "type": "array",
            "minItems": 2,
            "maxItems": limits.MAX_LIST,
            "items": {
                "anyOf": [
                    {"type": "array", "items": FILLED_TEXT_SCHEMA, "minItems": 2, "maxItems": 2},
                    {
                        "type": "object",
                        "minProperties": 1,
                        "maxProperties": 1,
                        "additionalProperties": FILLED_TEXT_SCHEMA,
                    },
                ]
            },
        },
        {"type": "object", "minProperties": 2, "additionalProperties": FILLED_TEXT_SCHEMA},
    ]
}


@dataclass(frozen=True)
class Spec:
    pairs: tuple[tuple[str, str], ...]  # templates
    shuffle: bool


@dataclass(frozen=True)
class Payload:
    #: (term, definition) in the bank's order.
    pairs: tuple[tuple[str, str], ...]


class Matching(Kind):
    name = "matching"
    default_section = VOCABULARY
    fields: ClassVar[dict[str, tuple[Any, Any]]] = {
        "shuffle": (
            documented(Flag, "Whether Moodle shuffles the definitions (default `true`).", False),
            True,
        ),
        "pairs": (
            documented(
                bounded_list(Any) | dict[str, Any] | None,
                "The terms with their definitions: "
                "a list of `[term, definition]` pairs, or lines `term: definition`; at least "
                "two, each term once. Put a term or definition that holds a comma in quotes.",
                [
                    ["Model weights", "The learned numerical parameters inside a neural network."],
                    ["API", "A set of rules that lets one program send requests to another."],
                ],
                {"cat": "a small animal that purrs", "dog": "a loyal animal that barks"},
                schema=PAIRS_SCHEMA,
            ),
            None,
        ),
    }
    required = ("pairs",)

    def read(self, r: FieldReader) -> Spec | None:
        f = r.fields
        if f.pairs is None:
            r.bad("a matching question needs 'pairs:', a list of [term, definition] pairs")
            return None
        items = list(f.pairs.items()) if isinstance(f.pairs, dict) else list(f.pairs)
        item_lines = r.item_lines("pairs")
        pairs = []
        for index, item in enumerate(items):
            if isinstance(item, dict) and len(item) == 1:
                item = next(iter(item.items()))
            if (
                not isinstance(item, (list, tuple))
                or len(item) != 2
                or not all(
                    isinstance(x, (str, int, float, Decimal)) and not isinstance(x, bool)
                    for x in item
                )
            ):
                count = len(item) if isinstance(item, (list, tuple)) else 1
                hint = (
                    f" — this one has {count} parts; put a term or definition that "
                    "contains a comma in quotes"
                    if count > 2
                    else ""
                )
                if isinstance(item, (list, tuple)) and any(isinstance(x, bool) for x in item):
                    hint = (
                        " — YAML read a word of this pair as true/false (an unquoted "
                        'yes/no/on/off/true/false); put it in quotes, e.g. [Norway, "no"]'
                    )
                if index < len(item_lines):
                    r.problem(f"each pair must be [term, definition]{hint}", item_lines[index])
                else:
                    r.bad(f"each pair must be [term, definition]{hint}", "pairs")
                return None
            term, definition = (x if isinstance(x, str) else numeric.plain(x) for x in item)
            if not term.strip() or not definition.strip():
                r.bad("a pair has an empty term or definition", "pairs")
                return None
            pairs.append((term.strip(), definition.strip()))
        if len(pairs) < 2:
            r.bad("a matching question needs at least two pairs", "pairs")
        terms = [t for t, _ in pairs]
        for t in set(terms):
            if terms.count(t) > 1:
                r.bad(f"the term '{t}' appears twice in 'pairs'", "pairs")
        return Spec(tuple(pairs), f.shuffle)

    def compile(self, q: Question, c: Compiler) -> Any:
        return [
            (c.template(t, "pairs", c.known), c.template(d, "pairs", c.known))
            for t, d in q.spec.pairs
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
        step("pairs")
        pairs = tuple((t.run(values).strip(), d.run(values).strip()) for t, d in compiled)
        return Rendered([list(p) for p in pairs], Payload(pairs))

    def texts(self, payload: Payload) -> list[str]:
        return [text for pair in payload.pairs for text in pair]

    def markdown(self, payload: Payload) -> list[tuple[str, str, bool]]:
        return [("pairs", text, True) for pair in payload.pairs for text in pair]

    def record(self, v: Variant, record: dict[str, Any]) -> None:
        record["pairs"] = [list(p) for p in v.payload.pairs]

    def preview(self, v: Variant, wrap: Callable[..., str]) -> list[str]:
        return [wrap(v.text), *(f"   - {term}" for term, _ in v.payload.pairs)]

    def answer_line(self, v: Variant) -> str:
        return "; ".join(f"{t} = {d}" for t, d in v.payload.pairs)
