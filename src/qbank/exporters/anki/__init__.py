"""``-f anki``: an Anki deck, ``OUT/<bank-id>.apkg``, that updates in place on re-import.

Decks: ``<bank title>`` with one sub-deck per section (``::Key facts``, ``::Vocabulary``,
``::Practice``, ``::Common mistakes``). Notes use four note types shared by every qbank
deck (:mod:`.notetypes`); their identities and the modification-time rule that lets a
re-import update them are in :mod:`.notes` and :class:`.package.Stamp`, and explained for
teachers in docs/anki.md. Fields hold the texts' Markdown and math as HTML, and the images
they show travel in the package as media files named by their content (:mod:`.text`).
"""

from __future__ import annotations

import gc
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import genanki

from ... import __version__
from ...i18n import _, ngettext
from ...model import Bank, GeneratedSet
from .. import register
from ..base import Exporter, ExportOptions, OutputSink
from .notes import NoteMaker, NoteSpec, deck_id_for
from .package import Stamp, write_apkg
from .text import RichText, to_html


@register
class AnkiExporter(Exporter):
    name = "anki"
    help = "an Anki deck that updates in place when re-imported: OUT/<bank-id>.apkg"

    def __init__(
        self, clock: Callable[[], float] | None = None, sleep: Callable[[float], None] | None = None
    ) -> None:
        # Tests pass their own clock; the CLI uses the real one.
        self._clock = clock
        self._sleep = sleep

    def file_names(self, bank: Bank) -> list[str]:
        return [f"{bank.id}.apkg"]

    def write(self, generated: GeneratedSet, sink: OutputSink, options: ExportOptions) -> None:
        stamp = Stamp(
            options.timestamp, clock=self._clock or time.time, sleep=self._sleep or time.sleep
        )
        with _cyclic_gc_paused():
            package, media = build_package(generated, warn=sink.warn)
            path = sink.path(self.file_names(generated.bank)[0])
            write_apkg(package, path, stamp.value, media)
        stamp.settle()


@contextmanager
def _cyclic_gc_paused() -> Iterator[None]:
    """Pause Python's cyclic garbage collector while the notes are made and written.

    A deck of 10,000 versions is some 50,000 genanki notes (each with its tag list, fields
    and cards), made while the generated set is alive: every object allocated counts
    towards the collector's next pass, and each pass scans the whole growing heap, though
    none of these objects is part of a reference cycle. Paused, the export takes about a
    fifth less time (docs/benchmarks.md); anything left over is collected when it resumes.
    """
    collecting = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if collecting:
            gc.enable()


def build_package(
    generated: GeneratedSet, warn: Callable[[str], None] | None = None
) -> tuple[genanki.Package, dict[str, bytes]]:
    """All notes of a generated set, in study order, in their section decks; and the
    media files their fields show, by file name."""
    maker = NoteMaker(generated, warn)
    about = _about(generated)
    root = genanki.Deck(
        deck_id_for(generated.bank.id),
        maker.root_deck,
        description=_root_description(generated.bank, about),
    )
    decks: dict[str, genanki.Deck] = {maker.root_deck: root}
    for position, variant in enumerate(maker.in_study_order(), start=1):
        for spec in maker.notes(variant):
            deck = decks.get(spec.deck)
            if deck is None:
                deck = decks[spec.deck] = genanki.Deck(
                    deck_id_for(generated.bank.id, spec.section), spec.deck, description=about
                )
            deck.add_note(_note(spec, position))
    media = {name: image.data for name, image in maker.rich.used.items()}
    return genanki.Package(list(decks.values())), media


def _note(spec: NoteSpec, position: int) -> genanki.Note:
    # ``due`` is the new-card position: cards come up in the order of the lesson.
    return genanki.Note(
        model=spec.note_type.model,
        fields=list(spec.fields),
        tags=list(spec.tags),
        guid=spec.guid,
        due=position,
    )


def _about(generated: GeneratedSet) -> str:
    """The deck description line that records how the deck was made (seed included)."""
    versions = ngettext("{n} version", "{n} versions", generated.count).format(n=generated.count)
    said = _(
        "Made by qbank {version} from the bank “{bank}” with seed {seed} ({versions}). "
        "Importing a newer file made from this bank updates these cards and keeps your "
        "review history."
    ).format(
        version=to_html(__version__),
        bank=to_html(generated.bank.id),
        seed=generated.seed,
        versions=versions,
    )
    return f'<p class="qbank-about">{said}</p>'


def _root_description(bank: Bank, about: str) -> str:
    """The subtitle and the bank's intro (Markdown). Anki copies only the media files that
    notes show, so an image in the intro is shown as its alt text."""
    subtitle = f"<p><b>{to_html(bank.subtitle)}</b></p>" if bank.subtitle else ""
    return subtitle + RichText({}, math=bank.math).block(bank.intro) + about


__all__ = ["AnkiExporter", "build_package"]
