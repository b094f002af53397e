"""What a question type is: the small interface every kind module implements.

A kind owns everything about its type that is not a file format (STYLE.md, "dispatch on
question type once"): its bank fields and their checks (:meth:`Kind.read`), how its
templates are compiled (:meth:`Kind.compile`) and rendered for one draw
(:meth:`Kind.render`) into its typed payload, how much text a variant of it holds (for
the limits), its entry in the JSON record and its lines in ``qbank preview``. The core
(loader, generator, pipeline, JSON record, preview) asks the kind and never branches on
the type; each exporter has one table type -> renderer.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any, ClassVar, Protocol

from ..i18n import PRACTICE
from ..model import Question, Variant


class Renderable(Protocol):
    """A compiled template or formula (see :mod:`qbank.generator`)."""

    @property
    def source(self) -> str: ...

    def run(self, values: Mapping[str, Any]) -> Any: ...


class Compiler(Protocol):
    """What :meth:`Kind.compile` gets from the generator to compile its fields.

    Each call compiles one template (or formula), checks the names it uses against
    ``known`` and records any problem against ``field`` (and ``line``, when given); it
    returns what to run, or None for a formula that did not compile.
    """

    known: set[str]
    #: ``known`` plus ``answer`` and ``answer_text``: what a solution or feedback may use.
    with_answer: set[str]

    def template(
        self,
        source: str,
        field: str,
        known: set[str],
        line: int | None = None,
        *,
        plain: bool = False,
    ) -> Renderable: ...

    def formula(self, source: str, field: str, known: set[str]) -> Renderable | None: ...


class Step(Protocol):
    """Names the field being rendered, for error messages: ``step("answer")``."""

    def __call__(self, field: str) -> None: ...


@dataclass(frozen=True)
class Rendered:
    """What :meth:`Kind.render` makes of one draw.

    ``answer`` is the key as the JSON record writes it; ``payload`` the type's own
    content for the exporters; ``answer_values`` what the solution and feedback may use
    beyond the drawn values (``answer``, ``answer_text`` of a numerical question).
    """

    answer: Any
    payload: Any
    answer_values: Mapping[str, Any] | None = None


class FieldReader(Protocol):
    """What :meth:`Kind.read` gets from the loader to read its own bank fields."""

    #: The question's fields as pydantic read them (every type's fields, defaults filled).
    fields: Any
    #: The names written in the bank for this question.
    written: Iterable[str]

    def bad(self, message: str, field: str | None = None) -> None:
        """Report a problem at the line of ``field`` (the question's line without one)."""

    def problem(self, message: str, line: int | None) -> None:
        """Report a problem at ``line``."""

    def item_lines(self, field: str) -> list[int]:
        """The line of each item of a list (or mapping) field."""


class Kind:
    """One question type. Subclasses set the class attributes and override the methods."""

    #: The ``type:`` of a question in a bank file.
    name: ClassVar[str]
    #: The type's own bank fields: name -> (pydantic annotation, default), in the order
    #: they are documented. Types may share a field name; its annotation must agree.
    #: Each annotation is :func:`qbank.kinds.fields.documented` (a description, examples
    #: and, where pydantic cannot know it, the JSON Schema of what :meth:`read` accepts):
    #: the JSON Schema for editors and the reference docs are built from them.
    fields: ClassVar[dict[str, tuple[Any, Any]]] = {}
    #: The fields :meth:`read` refuses a question without (the JSON Schema requires them).
    required: ClassVar[tuple[str, ...]] = ()
    #: What the common ``text`` is for this type, where it says more than for every type:
    #: its description, examples and JSON Schema keywords (a cloze text has blanks).
    text_field: ClassVar[dict[str, Any]] = {}
    #: Worksheet heading and Anki sub-deck of a question that names no section.
    default_section: ClassVar[str] = PRACTICE
    #: True when a variant's payload depends on the variant's own seed, not only on the
    #: drawn values (a shown order drawn per variant): such variants are never shared.
    seeded: ClassVar[bool] = False

    def read(self, r: FieldReader) -> Any | None:
        """The question's ``spec`` from its fields, or None after reporting problems."""
        raise NotImplementedError

    def compile(self, q: Question, c: Compiler) -> Any:
        """Compile the type's own templates and formulas (run once per question)."""
        return None

    def render(
        self,
        q: Question,
        compiled: Any,
        values: Mapping[str, Any],
        text: str,
        step: Step,
        seed: int,
    ) -> Rendered:
        """The type's answer and payload for one draw (``text`` is already rendered)."""
        raise NotImplementedError

    def texts(self, payload: Any) -> Iterable[str]:
        """Every text in the payload (what a variant's memory grows with)."""
        return ()

    def markdown(self, payload: Any) -> Iterable[tuple[str, str, bool]]:
        """The payload's Markdown texts as ``(field, text, inline)``: a choice, a matching
        term, an ordering item is ``inline`` (no paragraphs, lists or tables); a feedback or
        model answer is a block. Plain texts (accepted answers, units) are not listed."""
        return ()

    def record(self, v: Variant, record: dict[str, Any]) -> None:
        """Add the type's own keys to the JSON record of ``v`` (see docs/json-format.md)."""

    def preview(self, v: Variant, wrap: Callable[..., str]) -> list[str]:
        """The question as ``qbank preview`` prints it, under its title line."""
        return [wrap(v.text)]

    def answer_line(self, v: Variant) -> str:
        """The answer as ``qbank preview`` prints it in the key."""
        return str(v.answer)


def yaml_bool_hint(value: bool) -> str:
    word = "no/off/false" if value is False else "yes/on/true"
    return (
        f"YAML read the answer as {'false' if value is False else 'true'} "
        f'(an unquoted {word} is true/false in YAML); put it in quotes, e.g. answer: "no"'
    )


def article(type_name: str) -> str:
    return "an" if type_name[0] in "aeiou" else "a"
