"""Floors for ``-f anki``: genanki writing the same notes, note types and decks.

The content is read back from qbank's own .apkg of the same run (note types with their
fields, card templates and CSS; decks; every note's fields, tags, GUID and position). Each
floor makes the genanki objects from it and calls ``Package.write_to_file``, as a program
using genanki directly would. Only that part is timed.

Two floors, because genanki's ``write_to_file`` *stores* the collection in the zip
(no compression) while qbank's .apkg deflates it, as Anki's own exporter does: at 10,000
versions of the default bank that is a 58 MB file instead of 5 MB, and deflating it is
about a third of a second of the writing. ``genanki`` is genanki exactly as it comes (the
cheaper, not the same, file); ``genanki + deflate`` is the same call with the zip set to
deflate, so that it writes the same file as qbank (the same notes and cards, the same
compression) and the comparison is like for like.
"""

from __future__ import annotations

import functools
import json
import sqlite3
import tempfile
import types
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import genanki
import genanki.package

from . import Floor, FloorContext

STAMP = 1_700_000_000


@dataclass
class AnkiContent:
    models: dict[int, dict[str, Any]]
    decks: dict[int, dict[str, Any]]
    # (model id, deck id, fields, tags, guid, due)
    notes: list[tuple[int, int, list[str], list[str], str, int]]


def read_apkg(path: Path) -> AnkiContent:
    with tempfile.TemporaryDirectory() as tmp:
        with zipfile.ZipFile(path) as archive:
            archive.extract("collection.anki2", tmp)
        db = sqlite3.connect(str(Path(tmp) / "collection.anki2"))
        try:
            models_json, decks_json = db.execute("select models, decks from col").fetchone()
            first_card = {
                nid: (did, due)
                for nid, did, due in db.execute(
                    "select nid, did, due from cards order by nid, ord desc"
                )
            }
            notes = [
                (
                    mid,
                    first_card[nid][0],
                    flds.split("\x1f"),
                    tags.split(),
                    guid,
                    first_card[nid][1],
                )
                for nid, mid, flds, tags, guid in db.execute(
                    "select id, mid, flds, tags, guid from notes order by id"
                )
            ]
        finally:
            db.close()
    models = {int(k): v for k, v in json.loads(models_json).items()}
    decks = {int(k): v for k, v in json.loads(decks_json).items()}
    return AnkiContent(models, decks, notes)


class GenankiFloor(Floor):
    label = "genanki"

    def prepare(self, ctx: FloorContext) -> list[AnkiContent]:
        return [read_apkg(path) for path in ctx.outputs(".apkg")]

    def size(self, content: list[AnkiContent]) -> int:
        return sum(len(c.notes) for c in content)

    def write(self, content: list[AnkiContent], folder: Path) -> list[Path]:
        paths = []
        for index, apkg in enumerate(content):
            models = {mid: _model(m) for mid, m in apkg.models.items()}
            used = {did for _, did, *_ in apkg.notes}
            decks = {
                did: genanki.Deck(did, d["name"], description=d.get("desc", ""))
                for did, d in apkg.decks.items()
                if did in used
            }
            for mid, did, fields, tags, guid, due in apkg.notes:
                decks[did].add_note(
                    genanki.Note(model=models[mid], fields=fields, tags=tags, guid=guid, due=due)
                )
            path = folder / f"floor-{index}.apkg"
            genanki.Package(list(decks.values())).write_to_file(str(path), timestamp=STAMP)
            paths.append(path)
        return paths


class GenankiDeflateFloor(GenankiFloor):
    label = "genanki + deflate"

    def write(self, content: list[AnkiContent], folder: Path) -> list[Path]:
        # genanki.package calls zipfile.ZipFile(file, 'w'): hand it one that deflates.
        original = genanki.package.zipfile
        genanki.package.zipfile = _DEFLATING_ZIPFILE
        try:
            return super().write(content, folder)
        finally:
            genanki.package.zipfile = original


#: The zipfile module as genanki.package sees it in the deflating floor.
_DEFLATING_ZIPFILE = types.SimpleNamespace(
    **{
        **vars(zipfile),
        "ZipFile": functools.partial(zipfile.ZipFile, compression=zipfile.ZIP_DEFLATED),
    }
)


def _model(spec: dict[str, Any]) -> genanki.Model:
    return genanki.Model(
        int(spec["id"]),
        spec["name"],
        fields=[{"name": f["name"]} for f in spec["flds"]],
        templates=[
            {"name": t["name"], "qfmt": t["qfmt"], "afmt": t["afmt"]} for t in spec["tmpls"]
        ],
        css=spec.get("css", ""),
        model_type=genanki.Model.CLOZE if spec.get("type") == 1 else genanki.Model.FRONT_BACK,
        sort_field_index=spec.get("sortf", 0),
    )


FLOORS = [GenankiFloor, GenankiDeflateFloor]
