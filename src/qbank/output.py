"""Write a run's files atomically: all of them, or none; and never lose an earlier set.

Every file is written into a temporary folder inside the output folder (same file system,
so the final ``os.replace`` is atomic) and moved into place only after every exporter of
the run has finished. A failure midway removes the temporary folder and leaves earlier
outputs untouched.

Each bank's files form a *set*, described by a small manifest in the output folder,
``.qbank-<bank-id>.json`` (seed, number of versions, files). When the folder holds a set
of the same bank made with another seed, its worksheets may already be in students'
hands, so that set is moved aside into ``seed-<seed>/`` before the new files arrive. The
same seed simply rewrites the same content.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any, Callable

from . import __version__
from . import limits
from .errors import OutputError

PARTIAL_PREFIX = ".qbank-partial-"
#: A partial folder older than this was left by a run that was killed; it is removed.
STALE_PARTIAL_SECONDS = 24 * 3600
# Names a file of a run may take: no folders, nothing hidden, nothing Windows refuses.
_SAFE_NAME = re.compile(r"^[^\\/:*?\"<>|\x00-\x1f]{1,200}$")
_WINDOWS_RESERVED = re.compile(r"^(con|prn|aux|nul|com[1-9]|lpt[1-9])(\..*)?$", re.I)


def manifest_name(bank_id: str) -> str:
    return f".qbank-{bank_id}.json"


@dataclass
class _Set:
    bank_id: str
    seed: int
    count: int
    names: list[str] = field(default_factory=list)


class AtomicOutputSet:
    """Where exporters write (an :class:`~qbank.exporters.base.OutputSink`).

    Use as a context manager; call :meth:`begin_set` before each bank's exporters and
    :meth:`commit` once everything is written.
    """

    def __init__(self, out_dir: Path, warn: Callable[[str], None] | None = None) -> None:
        self.out_dir = Path(out_dir)
        self._warn = warn or (lambda message: None)
        self._names: list[str] = []
        self._sets: list[_Set] = []
        self.warnings: list[str] = []
        #: Folders that earlier sets were moved into by :meth:`commit`.
        self.moved_aside: list[Path] = []
        try:
            self.out_dir.mkdir(parents=True, exist_ok=True)
            _remove_stale_partials(self.out_dir)
            self._tmp = Path(tempfile.mkdtemp(prefix=PARTIAL_PREFIX, dir=self.out_dir))
        except OSError as exc:
            raise OutputError(f"cannot create the output folder {self.out_dir}: "
                              f"{exc.strerror}") from None

    # -- what exporters use --------------------------------------------------------------

    def _claim(self, name: str) -> Path:
        if (not _SAFE_NAME.match(name) or name.startswith(".") or name.endswith((" ", "."))
                or _WINDOWS_RESERVED.match(name)):
            raise OutputError(f"'{name}' is not a safe file name")
        if name.casefold() in (n.casefold() for n in self._names):
            raise OutputError(f"two outputs of this run are both named '{name}'")
        self._names.append(name)
        if self._sets:
            self._sets[-1].names.append(name)
        return self._tmp / name

    def path(self, name: str) -> Path:
        return self._claim(name)

    def open(self, name: str, mode: str = "w") -> IO:
        target = self._claim(name)
        if "b" in mode:
            return open(target, mode)
        return open(target, mode, encoding="utf-8", newline="\n")

    def warn(self, message: str) -> None:
        self.warnings.append(message)
        self._warn(message)

    @property
    def names(self) -> list[str]:
        return list(self._names)

    # -- what the pipeline uses ----------------------------------------------------------

    def begin_set(self, bank_id: str, *, seed: int, count: int) -> None:
        """The files claimed from now on belong to ``bank_id``'s set made with ``seed``."""
        self._sets.append(_Set(bank_id, seed, count))

    def commit(self) -> list[Path]:
        """Move every finished file into the output folder (earlier sets moved aside first)."""
        done = []
        try:
            for name in self._names:
                src = self._tmp / name
                if not src.is_file():
                    raise OutputError(f"the exporter did not write '{name}'")
                with open(src, "rb") as fh:
                    os.fsync(fh.fileno())
            manifests = [self._prepare_set(s) for s in self._sets]
            for name in self._names:
                target = self.out_dir / name
                os.replace(self._tmp / name, target)
                done.append(target)
            # Last: a manifest only ever describes files that are all in place.
            for name in manifests:
                os.replace(self._tmp / name, self.out_dir / name)
            _fsync_dir(self.out_dir)
        except OSError as exc:
            raise OutputError(f"cannot write to {self.out_dir}: {exc.strerror}") from None
        finally:
            self.discard()
        return done

    def discard(self) -> None:
        shutil.rmtree(self._tmp, ignore_errors=True)

    def __enter__(self) -> AtomicOutputSet:
        return self

    def __exit__(self, exc_type, exc, tb) -> None:
        self.discard()

    # -- sets ----------------------------------------------------------------------------

    def _prepare_set(self, new: _Set) -> str:
        """Move an earlier set of another seed aside; write the new manifest (in tmp)."""
        earlier = _read_manifest(self.out_dir, new.bank_id)
        collisions = [n for n in new.names if (self.out_dir / n).exists()]
        files = list(new.names)
        if earlier is not None and earlier.get("seed") == new.seed:
            # Same seed, same content: keep listing the formats written earlier.
            files += [n for n in earlier.get("files", [])
                      if n not in files and (self.out_dir / n).is_file()]
        elif earlier is not None or collisions:
            self._move_aside(new, earlier, collisions)
        record = {"bank": new.bank_id, "seed": new.seed, "count": new.count, "files": files,
                  "generator": f"qbank {__version__}",
                  "note": "Written by qbank: which files belong to this set. A run with "
                          "another seed moves them into seed-<seed>/ instead of overwriting."}
        name = manifest_name(new.bank_id)
        with open(self._tmp / name, "w", encoding="utf-8") as fh:
            json.dump(record, fh, indent=1)
            fh.write("\n")
        return name

    def _move_aside(self, new: _Set, earlier: dict[str, Any] | None,
                    collisions: list[str]) -> None:
        seed = earlier.get("seed") if earlier else None
        listed = [n for n in (earlier or {}).get("files", []) if _is_plain_name(n)]
        files = [n for n in dict.fromkeys(listed + collisions) if (self.out_dir / n).is_file()]
        if not files:
            return  # only a manifest of files since deleted: the new manifest replaces it
        folder = _free_folder(self.out_dir, f"seed-{seed}" if seed is not None else
                              "earlier-set")
        folder.mkdir()
        if earlier is not None and (self.out_dir / manifest_name(new.bank_id)).is_file():
            # Under its own name, so the folder says what it holds; not hidden in it.
            os.replace(self.out_dir / manifest_name(new.bank_id), folder / "qbank-set.json")
        for name in files:
            os.replace(self.out_dir / name, folder / name)
        self.moved_aside.append(folder)
        made = f"made with seed {seed}" if seed is not None else "made earlier"
        self.warn(f"{self.out_dir} already held a set of '{new.bank_id}' {made} "
                  f"({len(files)} file{'s' if len(files) != 1 else ''}); moved it to "
                  f"{folder}{os.sep} so that this run (seed {new.seed}) does not overwrite it")


def _is_plain_name(name: Any) -> bool:
    return isinstance(name, str) and bool(_SAFE_NAME.match(name)) and not name.startswith(".")


def _read_manifest(out_dir: Path, bank_id: str) -> dict[str, Any] | None:
    path = out_dir / manifest_name(bank_id)
    try:
        with open(path, encoding="utf-8") as fh:
            data = json.loads(fh.read(limits.MAX_MANIFEST_BYTES))
    except FileNotFoundError:
        return None
    except (OSError, ValueError):
        return {"seed": None, "files": []}  # unreadable: treat as a set of unknown seed
    if not isinstance(data, dict) or not isinstance(data.get("files"), list):
        return {"seed": None, "files": []}
    seed = data.get("seed")
    return {"seed": seed if isinstance(seed, int) and not isinstance(seed, bool) else None,
            "files": data["files"]}


def _free_folder(out_dir: Path, base: str) -> Path:
    folder = out_dir / base
    number = 2
    while folder.exists():
        folder = out_dir / f"{base}-{number}"
        number += 1
    return folder


def _remove_stale_partials(out_dir: Path) -> None:
    now = time.time()
    for entry in out_dir.glob(PARTIAL_PREFIX + "*"):
        try:
            if entry.is_dir() and now - entry.stat().st_mtime > STALE_PARTIAL_SECONDS:
                shutil.rmtree(entry, ignore_errors=True)
        except OSError:
            continue


def _fsync_dir(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return  # not possible on every system (Windows); the files themselves are synced
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
