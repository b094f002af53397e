"""Writing the .apkg: genanki fills the collection, we zip it reproducibly.

genanki's own ``write_to_file`` zips a temporary file, so the archive carries that file's
modification time and two runs never give the same bytes, and it stores the collection
uncompressed. We let genanki write the collection database into memory and zip it
ourselves with fixed entry dates, so the same inputs and the same stamp always give the
same file. Media files go in as Anki's package format has them: entries ``0``, ``1``, ...
and a ``media`` map from entry to file name, in the order of their names. Each file is
named by a hash of its content, so a re-import finds an unchanged picture under the name
it already has and Anki keeps one copy of it.
"""

from __future__ import annotations

import itertools
import json
import sqlite3
import time
import zipfile
from collections.abc import Callable, Mapping
from pathlib import Path

import genanki

# Zip entries cannot be dated before 1980.
_ZIP_EPOCH = 315532800


def write_apkg(
    package: genanki.Package, path: Path, stamp: int, media: Mapping[str, bytes] | None = None
) -> None:
    """Write ``package`` to ``path`` with every note, card and note type stamped ``stamp``,
    and the ``media`` files (name -> content) its notes show."""
    db = sqlite3.connect(":memory:")
    try:
        # genanki numbers notes and cards from the stamp in milliseconds, as Anki does.
        package.write_to_db(db.cursor(), stamp, itertools.count(stamp * 1000))
        db.commit()
        data = db.serialize()
    finally:
        db.close()
    names = sorted(media or {})
    entries = [
        ("collection.anki2", data),
        ("media", json.dumps({str(i): name for i, name in enumerate(names)}).encode()),
        *((str(i), media[name]) for i, name in enumerate(names) if media),
    ]
    date = time.gmtime(max(stamp, _ZIP_EPOCH))[:6]
    with zipfile.ZipFile(path, "w") as archive:
        for name, content in entries:
            entry = zipfile.ZipInfo(name, date_time=date)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.create_system = 3  # the same bytes whichever system writes the file
            entry.external_attr = 0o644 << 16
            archive.writestr(entry, content)


class Stamp:
    """The modification time written on every note: the rule that makes updates work.

    Anki's default import ("update if newer") replaces a note only when the imported copy's
    modification time, in whole seconds, is later than the copy in the collection, and it
    keeps the imported time. So each run must stamp a later second than every run before:

    - with ``SOURCE_DATE_EPOCH`` (``ExportOptions.timestamp``) the stamp is exactly that
      value: reproducible builds. Set it to the time of the last change to the bank (for
      example the commit time), which rises with every edit.
    - otherwise the stamp is the current second, and :meth:`settle` waits, when needed,
      until that second is over before the export returns, so a run that starts right after
      (even from a script, within the same second) gets a later stamp. That costs at most
      one second.

    The bank file's modification time is not used: it goes backwards after a checkout or a
    copy, and a file dated in the future would pin the stamp there, so that edits made later
    on a correct clock would look older and be skipped.
    """

    def __init__(
        self,
        timestamp: float | None,
        clock: Callable[[], float] = time.time,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.reproducible = timestamp is not None
        self.value = int(timestamp if timestamp is not None else clock())
        self._clock = clock
        self._sleep = sleep

    def settle(self) -> None:
        """Return only once the clock has passed the stamped second (not in reproducible mode)."""
        if self.reproducible:
            return
        while (remaining := self.value + 1 - self._clock()) > 0:
            self._sleep(remaining)
