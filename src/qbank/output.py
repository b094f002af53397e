"""Write a run's files atomically: all of them, or none; and never lose an earlier set.

Every file is written into a temporary folder inside the output folder (same file system,
so the final ``os.replace`` is atomic) and moved into place only after every exporter of
the run has finished. A failure midway removes the temporary folder and leaves earlier
outputs untouched.

Each bank's files form a *set*, described by a small manifest in the output folder,
``.qbank-<bank-id>.json``: seed, number of versions, files, the qbank that made them, and
what students see as digests (one per version and one per question, see
:mod:`qbank.content`). When the folder holds a set of the same bank whose content differs
from the run's (another seed, an edited bank, another qbank), its worksheets may already be
in students' hands, so that set is moved aside before the new files arrive: into
``seed-<seed>/`` for another seed, ``seed-<seed>-<made>/`` (when the earlier set was made,
e.g. ``seed-42-2026-11-30T1405``) for the same seed with other content. A set of the same
content is simply rewritten (its files may differ in bytes: another paper size, template
or format). With ``replace`` the earlier set is overwritten instead of moved aside.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from . import __version__, limits
from .errors import OutputError

PARTIAL_PREFIX = ".qbank-partial-"
#: A partial folder older than this was left by a run that was killed; it is removed.
STALE_PARTIAL_SECONDS = 24 * 3600
# Names a file of a run may take: no folders, nothing hidden, nothing Windows refuses.
_SAFE_NAME = re.compile(r"^[^\\/:*?\"<>|\x00-\x1f]{1,200}$")
_WINDOWS_RESERVED = re.compile(r"^(con|prn|aux|nul|com[1-9]|lpt[1-9])(\..*)?$", re.I)


def manifest_name(bank_id: str) -> str:
    return f".qbank-{bank_id}.json"


@dataclass(frozen=True)
class SetContent:
    """What students see of a set, as digests (made by :mod:`qbank.content`)."""

    #: One digest per version, version 1 first.
    versions: list[str]
    #: One digest per question id (all of its variants).
    questions: dict[str, str]
    #: Drawn with ``--unique`` (every version of a question different).
    unique: bool = False
    #: The options that change what students see (``--shuffle``), by flag, when not
    #: their default.
    options: dict[str, Any] = field(default_factory=dict)


@dataclass
class _Set:
    bank_id: str
    seed: int
    count: int
    content: SetContent | None = None
    names: list[str] = field(default_factory=list)


class AtomicOutputSet:
    """Where exporters write (an :class:`~qbank.exporters.base.OutputSink`).

    Use as a context manager; call :meth:`begin_set` before each bank's exporters and
    :meth:`commit` once everything is written.
    """

    def __init__(
        self, out_dir: Path, warn: Callable[[str], None] | None = None, *, replace: bool = False
    ) -> None:
        self.out_dir = Path(out_dir)
        self._warn = warn or (lambda message: None)
        #: Overwrite an earlier set whose content differs instead of moving it aside.
        self.replace = replace
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
            raise OutputError(
                f"cannot create the output folder {self.out_dir}: {exc.strerror}"
            ) from None

    # -- what exporters use --------------------------------------------------------------

    def _claim(self, name: str) -> Path:
        if (
            not _SAFE_NAME.match(name)
            or name.startswith(".")
            or name.endswith((" ", "."))
            or _WINDOWS_RESERVED.match(name)
        ):
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

    def begin_set(
        self, bank_id: str, *, seed: int, count: int, content: SetContent | None = None
    ) -> None:
        """The files claimed from now on belong to ``bank_id``'s set made with ``seed``.

        ``content`` is what its students see; without it, an earlier set cannot be shown
        to be the same, so it is always moved aside (unless ``replace``).
        """
        self._sets.append(_Set(bank_id, seed, count, content))

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
        """Move an earlier set of other content aside; write the new manifest (in tmp)."""
        earlier = read_manifest(self.out_dir, new.bank_id)
        collisions = [n for n in new.names if (self.out_dir / n).exists()]
        files = list(new.names)
        if earlier is not None and _same_content(earlier, new):
            # The same content: keep listing the formats written earlier.
            files += [
                n
                for n in earlier["files"]
                if _is_plain_name(n) and n not in files and (self.out_dir / n).is_file()
            ]
        elif earlier is not None or collisions:
            if self.replace:
                self._say_replaced(new, earlier)
            else:
                self._move_aside(new, earlier, collisions)
        content = new.content
        record: dict[str, Any] = {
            "bank": new.bank_id,
            "seed": new.seed,
            "count": new.count,
            "files": files,
            "generator": f"qbank {__version__}",
            "note": "Written by qbank: which files belong to this set, and digests of what "
            "students see. A run whose set differs (another seed, an edited bank) "
            "moves these files into seed-<seed>/ or seed-<seed>-<date>/ instead of "
            "overwriting them.",
        }
        if content is not None:
            record["unique"] = content.unique
            record["options"] = content.options
            record["questions"] = content.questions
        name = manifest_name(new.bank_id)
        text = json.dumps(record, indent=1)
        if content is not None:  # one line: a digest per version, tens of thousands of them
            text = text[:-2] + ',\n "versions": ' + json.dumps(content.versions) + "\n}"
        with open(self._tmp / name, "w", encoding="utf-8") as fh:
            fh.write(text + "\n")
        return name

    def _earlier_files(self, earlier: dict[str, Any] | None, collisions: list[str]) -> list[str]:
        listed = [n for n in (earlier or {}).get("files", []) if _is_plain_name(n)]
        return [n for n in dict.fromkeys(listed + collisions) if (self.out_dir / n).is_file()]

    def _move_aside(self, new: _Set, earlier: dict[str, Any] | None, collisions: list[str]) -> None:
        seed = earlier.get("seed") if earlier else None
        files = self._earlier_files(earlier, collisions)
        if not files:
            return  # only a manifest of files since deleted: the new manifest replaces it
        manifest = self.out_dir / manifest_name(new.bank_id)
        if seed is None:
            base = "earlier-set"
        elif seed != new.seed:
            base = f"seed-{seed}"
        else:  # same seed, other content: named by when that set was made
            base = f"seed-{seed}-{_made(manifest)}"
        folder = _free_folder(self.out_dir, base)
        folder.mkdir()
        if earlier is not None and manifest.is_file():
            # Under its own name, so the folder says what it holds; not hidden in it.
            os.replace(manifest, folder / "qbank-set.json")
        for name in files:
            os.replace(self.out_dir / name, folder / name)
        self.moved_aside.append(folder)
        count = f"{len(files)} file{'s' if len(files) != 1 else ''}"
        if seed is None or seed != new.seed:
            made = f"made with seed {seed}" if seed is not None else "made earlier"
            self.warn(
                f"{self.out_dir} already held a set of '{new.bank_id}' {made} "
                f"({count}); moved it to {folder}{os.sep} so that this run "
                f"(seed {new.seed}) does not overwrite it"
            )
            return
        assert earlier is not None  # the seed came from it
        self.warn(
            f"{_what_changed(earlier, new, self.out_dir)}; moved that set (seed {seed}, "
            f"{count}) to {folder}{os.sep} so that this run does not overwrite it "
            "(--replace overwrites a set that was never printed)"
        )

    def _say_replaced(self, new: _Set, earlier: dict[str, Any] | None) -> None:
        """``replace``: the earlier set is overwritten; its files of other formats are left
        where they are but no longer belong to the set (they were made from other content)."""
        left = [n for n in self._earlier_files(earlier, []) if n not in new.names]
        if left:
            self.warn(
                f"replaced the set of '{new.bank_id}' in {self.out_dir}; "
                f"{', '.join(left)} {'was' if len(left) == 1 else 'were'} made from the "
                "set it replaced and no longer match it"
            )


def _same_content(earlier: dict[str, Any], new: _Set) -> bool:
    """Whether the earlier set is exactly what this run makes (as students see it)."""
    return (
        new.content is not None
        and earlier.get("seed") == new.seed
        and earlier.get("count") == new.count
        and earlier.get("options", {}) == new.content.options
        and earlier.get("versions") == new.content.versions
    )


def _what_changed(earlier: dict[str, Any], new: _Set, out_dir: Path) -> str:
    """Why a set of the same seed differs, in a teacher's words."""
    made_by = earlier.get("generator")
    by = (
        f" (that set was made by {made_by}, this is qbank {__version__})"
        if made_by and made_by != f"qbank {__version__}"
        else ""
    )
    the_set = f"the set of '{new.bank_id}' in {out_dir}"
    if new.content is None or earlier.get("versions") is None:
        return f"{out_dir} already held a set of '{new.bank_id}' whose content was not recorded{by}"
    if earlier.get("count") != new.count:
        return f"{the_set} has {earlier.get('count')} versions and this run makes {new.count}{by}"
    before, now = earlier.get("questions") or {}, new.content.questions
    changed = [q for q in now if q in before and before[q] != now[q]]
    added = [q for q in now if q not in before]
    removed = [q for q in before if q not in now]
    parts = []
    if changed:
        parts.append(f"{_questions(changed)} changed")
    if added:
        parts.append(f"{_questions(added)} {'is' if len(added) == 1 else 'are'} new")
    if removed:
        parts.append(f"{_questions(removed)} {'was' if len(removed) == 1 else 'were'} removed")
    if not parts and earlier.get("versions") != new.content.versions:
        parts.append("the order of the questions changed")
    reasons = [f"{', '.join(parts)} since {the_set} was made{by}"] if parts else []
    was_options, options = earlier.get("options") or {}, new.content.options
    for flag in dict.fromkeys([*was_options, *options]):
        was, now_value = was_options.get(flag), options.get(flag)
        if was != now_value:
            how = (
                f"without {flag}"
                if was in (None, False)
                else f"with {flag}"
                if was is True
                else f"with {flag} {was}"
            )
            reasons.append(f"{the_set} was made {how}")
    return "; ".join(reasons) or f"{the_set} differs{by}"


def _questions(ids: list[str]) -> str:
    quoted = [f"'{q}'" for q in ids]
    if len(quoted) == 1:
        return f"question {quoted[0]}"
    shown = quoted if len(quoted) <= 6 else [*quoted[:5], f"{len(quoted) - 5} more"]
    return f"questions {', '.join(shown[:-1])} and {shown[-1]}"


def _made(manifest: Path) -> str:
    """When a set was written, from its manifest: ``2026-11-30T1405`` (local time)."""
    try:
        when = manifest.stat().st_mtime
    except OSError:
        when = time.time()
    return time.strftime("%Y-%m-%dT%H%M", time.localtime(when))


def _is_plain_name(name: Any) -> bool:
    return isinstance(name, str) and bool(_SAFE_NAME.match(name)) and not name.startswith(".")


def read_manifest(out_dir: Path, bank_id: str) -> dict[str, Any] | None:
    """The manifest of ``bank_id``'s set in ``out_dir``: None when there is none; a set of
    unknown seed (``{"seed": None, "files": []}``) when it cannot be read. Only keys of the
    expected types are kept: a manifest is a file anyone could have edited."""
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
    out: dict[str, Any] = {
        "seed": _whole(data.get("seed")),
        "files": data["files"],
        "count": _whole(data.get("count")),
        "unique": data.get("unique") is True,
    }
    if isinstance(data.get("generator"), str):
        out["generator"] = data["generator"]
    versions = data.get("versions")
    if isinstance(versions, list) and all(isinstance(v, str) for v in versions):
        out["versions"] = versions
    questions = data.get("questions")
    if isinstance(questions, dict) and all(isinstance(v, str) for v in questions.values()):
        out["questions"] = questions
    options = data.get("options")
    out["options"] = options if isinstance(options, dict) else {}
    return out


def _whole(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


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
