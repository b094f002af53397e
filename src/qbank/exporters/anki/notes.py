"""From Variants to Anki notes: one builder per question type, stable identities, tags.

Identity rules (see docs/anki.md): a note's key is ``<bank id>/<question id>`` for a fixed
question and ``<bank id>/<question id>/<variant number>`` for a randomised one, with
``/term-<n>`` added for the n-th pair of a matching question. The GUID is a hash of the key
only, never of the text or the seed, so re-importing after an edit or with fresh numbers
updates the same notes in place.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace

from ...i18n import _, local_number, ngettext, section_name
from ...model import Bank, DataSet, GeneratedSet, Question, Variant
from .builders import RENDERERS, Draft
from .notetypes import NoteType
from .text import RichText, clean, deck_name, inline_html, tags, to_html

# Anki's GUID alphabet (base 91), as Anki itself and genanki write GUIDs.
_BASE91 = (
    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789!#$%&()*+,-./:;<=>?@[]^_`{|}~"
)


def guid_for_key(key: str) -> str:
    """The note GUID of a stable key: 64 bits of SHA-256, in base 91. Never change this."""
    number = int.from_bytes(hashlib.sha256(f"qbank note\x1f{key}".encode()).digest()[:8], "big")
    digits = []
    while number:
        number, rest = divmod(number, 91)
        digits.append(_BASE91[rest])
    return "".join(reversed(digits)) or _BASE91[0]


def deck_id_for(bank_id: str, section: str | None = None) -> int:
    """A deck id inside the package, from the bank id (and section) only.

    Anki matches decks by name on import, so this only has to be stable and unique within
    one file; it stays below 2**53 so every Anki client can hold it exactly.
    """
    key = f"qbank deck\x1f{bank_id}" + ("" if section is None else f"\x1f{section}")
    number = int.from_bytes(hashlib.sha256(key.encode()).digest()[:8], "big")
    return (1 << 32) + number % ((1 << 53) - (1 << 32))


@dataclass(frozen=True)
class NoteSpec:
    """Everything about one Anki note, before it becomes a genanki Note."""

    note_type: NoteType
    key: str
    fields: tuple[str, ...]
    section: str
    deck: str
    tags: tuple[str, ...]

    @property
    def guid(self) -> str:
        return guid_for_key(self.key)


@dataclass(frozen=True)
class _Prepared:
    """A draft made ready for any version: every field but ``Source`` and ``Id`` filled in.

    Those two name the version, so they are filled in per note (:meth:`NoteMaker.notes`);
    the rest depends only on what the variant says, so one ``_Prepared`` serves every
    version that drew the same numbers.
    """

    note_type: NoteType
    fields: tuple[str, ...]
    suffix: str
    source_extra: str
    #: ``source_extra`` escaped, after its separator (" · "), or "" when there is none.
    source_tail: str
    #: Where ``Source`` and ``Id`` go in ``fields``.
    source_index: int
    id_index: int


@dataclass(frozen=True)
class _QuestionParts:
    """What every note of one question shares, worked out once per question."""

    tags: tuple[str, ...]
    deck: str
    key: str
    #: The escaped parts of the ``Id`` and ``Source`` fields that all its versions share:
    #: "<bank>/<question>/", "<bank> · <question> · " and " · seed <seed>".
    id_head: str
    source_head: str
    source_end: str
    #: Prepared drafts by the content they were made from (see _content_key).
    prepared: dict[tuple, tuple[_Prepared, ...]]


class NoteMaker:
    """Turns the variants of one generated set into :class:`NoteSpec` objects.

    At district scale most notes repeat the content of another version: a question with a
    few hundred possible draws gets ten thousand versions, all of them re-numbered copies
    of those few hundred. So the fields are escaped once per distinct content (what
    :func:`_content_key` lists) and only the version-specific ``Source`` and ``Id`` are
    made per note.
    """

    def __init__(self, generated: GeneratedSet, warn: Callable[[str], None] | None = None) -> None:
        self.generated = generated
        self.bank: Bank = generated.bank
        #: The run's Markdown texts as field HTML; its ``used`` images go in the package.
        self.rich = RichText(generated.media, math=self.bank.math, warn=warn)
        self.root_deck = deck_name(self.bank.title) or self.bank.id
        self._question_cache: dict[str, _QuestionParts] = {}

    def section_deck(self, section: str) -> str:
        return deck_name(self.root_deck, section) or self.root_deck

    def _per_question(self, q: Question) -> _QuestionParts:
        """A question's tags, deck and key, worked out once for all its variants."""
        cached = self._question_cache.get(q.id)
        if cached is None:
            bank_id = self.bank.id
            note_tags = tuple(
                tags([bank_id, f"{bank_id}::{q.id}", f"qbank::{q.type}", *q.tags, *self.bank.tags])
            )
            key = f"{bank_id}/{q.id}"
            cached = self._question_cache[q.id] = _QuestionParts(
                note_tags,
                self.section_deck(section_name(q.section)),
                key,
                id_head=_html_head(key + "/"),
                source_head=_html_head(f"{bank_id}{_DOT}{q.id}{_DOT}"),
                source_end=inline_html(_DOT + _("seed {seed}").format(seed=self.generated.seed)),
                prepared={},
            )
        return cached

    def notes(self, variant: Variant) -> list[NoteSpec]:
        q = variant.question
        parts = self._per_question(q)
        content = _content_key(variant)
        prepared = parts.prepared.get(content)
        if prepared is None:
            self.rich.where = (
                f"{q.file or self.bank.file or self.bank.id}:{q.line}: question '{q.id}'"
            )
            prepared = parts.prepared[content] = tuple(
                _prepare(_with_data(draft, variant.drawn.datasets), variant.title)
                for draft in RENDERERS[q.type].build(variant, self.rich)
            )
        out = []
        for draft in prepared:
            if q.randomised:
                # to_html() of the key and of the source line, from their escaped parts
                # that are the same for every version (see _html_head).
                number = variant.number
                full_key = f"{parts.key}/{number}{draft.suffix}"
                id_html = f"{parts.id_head}{number}{inline_html(draft.suffix)}"
                version = _("version {number} of {count}").format(
                    number=number, count=self.generated.count
                )
                source = (
                    f"{parts.source_head}{inline_html(version)}"
                    f"{draft.source_tail}{parts.source_end}"
                )
            else:  # one note per draft in the whole deck: the plain way
                full_key = parts.key + draft.suffix
                id_html = to_html(full_key)
                source = to_html(
                    _DOT.join(
                        [
                            self.bank.id,
                            q.id,
                            *([draft.source_extra] if draft.source_extra else []),
                            _("seed {seed}").format(seed=self.generated.seed),
                        ]
                    )
                )
            fields = list(draft.fields)
            fields[draft.source_index] = source
            fields[draft.id_index] = id_html
            out.append(
                NoteSpec(
                    draft.note_type, full_key, tuple(fields), q.section, parts.deck, parts.tags
                )
            )
        return out

    def in_study_order(self) -> Iterator[Variant]:
        """Every distinct variant once: version 1 of the whole bank, then the new numbers
        of version 2, and so on, so a learner meets the lesson in order before repeats."""
        questions = self.bank.questions
        variants = self.generated.variants
        for k in range(1, self.generated.count + 1):
            for q in questions:
                if q.randomised:
                    yield variants[q.id][k - 1]
                elif k == 1:
                    yield variants[q.id][0]


#: What separates the parts of the ``Source`` field.
_DOT = " · "


def _html_head(text: str) -> str:
    """``to_html`` of the start of a longer text: spaces are stripped at its start only.

    ``to_html(head + rest)`` equals ``_html_head(head) + inline_html(rest)`` whenever
    ``rest`` ends in a character that is not a space and the seam splits no ``\r\n``:
    escaping and dropping control characters work character by character (``inline_html``
    drops the same ones ``clean`` does). The keys and source lines of randomised questions
    are built that way: ``head`` ends with "/" or " · ", ``rest`` ends with a version
    number or a seed.
    """
    return inline_html(clean(text).lstrip())


def _with_data(draft: Draft, datasets: tuple[DataSet, ...]) -> Draft:
    """A draft whose question (or cloze text) shows the variant's data sets as tables.

    Not as a linked CSV file: Anki's import keeps only the media files a field shows
    (``<img src>``, ``[sound:]``…) and drops one that is only linked (``<a href>``), and
    a phone cannot open a CSV file anyway; the table is what every Anki shows."""
    if not datasets:
        return draft
    name = next((n for n in ("Question", "Text") if n in draft.fields), None)
    if name is None:  # a vocabulary card (term and definition) has no question to show it
        return draft
    tables = "".join(data_table(d) for d in datasets)
    return replace(draft, fields={**draft.fields, name: draft.fields[name] + tables})


def data_table(data: DataSet) -> str:
    """A data set as an HTML table in a box that scrolls when it is long."""
    rows = ngettext("{n} row", "{n} rows", data.row_count).format(n=data.row_count)
    caption = _("Data: {name} ({rows})").format(name=data.name, rows=rows)
    head = "".join(f"<th>{to_html(h)}</th>" for h in data.headings)
    # Numbers as the class writes them (2,5 in French); the CSV keeps 2.5.
    numeric = [all(not isinstance(v, str) for v in values) for _heading, values in data.columns]
    body = "".join(
        "<tr>"
        + "".join(
            f"<td>{to_html(local_number(cell) if n else cell)}</td>"
            for cell, n in zip(row, numeric)
        )
        + "</tr>"
        for row in data.rows()
    )
    return (
        f'<div class="qbank-data" style="max-height: 24em; overflow: auto; margin: 0.5em 0">'
        f'<table border="1" cellpadding="4" style="border-collapse: collapse; margin: 0 auto">'
        f"<caption>{to_html(caption)}</caption>"
        f"<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table></div>"
    )


def _prepare(draft: Draft, title: str) -> _Prepared:
    values = {"Title": to_html(title), **draft.fields}
    # The labels on a card's back travel in the fields, in the run's language, so decks in
    # several languages share the note types (whose templates stay the same).
    for field, label in (("Answer", _("Answer")), ("Solution", _("Worked solution"))):
        if values.get(field):
            values[field] = f'<div class="qbank-label">{to_html(label)}</div>{values[field]}'

    unknown = set(values) - set(draft.note_type.fields)
    if unknown:  # a programming error: the note types' fields are frozen
        raise KeyError(f"{draft.note_type.name} has no field(s) {sorted(unknown)}")
    fields = tuple(values.get(name, "") for name in draft.note_type.fields)
    tail = inline_html(clean(_DOT + draft.source_extra)) if draft.source_extra else ""
    return _Prepared(
        draft.note_type,
        fields,
        draft.suffix,
        draft.source_extra,
        tail,
        draft.note_type.index("Source"),
        draft.note_type.index("Id"),
    )


def _content_key(v: Variant) -> tuple:
    """What the note builders read from a variant apart from its number: two variants with
    the same key get the same notes (but their own Source and Id).

    Versions that drew the same values share one :class:`Drawn` (compared by identity, so
    the key costs nothing to hash); a type's renderer may add what else its notes depend
    on (the order multiple-choice options are shown in, drawn from the variant's seed).
    """
    extra = RENDERERS[v.type].key
    return (v.drawn, extra(v) if extra else None)
