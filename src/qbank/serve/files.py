"""The served folder: which files the workbench may read and write, and saving.

Only bank files (``.yaml``, ``.yml``) inside the folder are opened or saved, and only
files inside it are downloaded: a path with ``..``, an absolute path or a symbolic link
that leads out of the folder is refused.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path, PurePosixPath

from .. import limits

BANK_SUFFIXES = (".yaml", ".yml")
#: Files offered as class lists for Generate (what --roster reads).
CLASS_LIST_SUFFIXES = (".csv", ".tsv", ".txt")
#: Files offered as Word templates for Generate (what --docx-template reads).
TEMPLATE_SUFFIXES = (".docx",)
#: Folders the file list does not look into.
_SKIPPED = {"out", "node_modules", "__pycache__", "site"}


class Refused(Exception):
    """A path the workbench does not open (outside the folder, not a bank file...)."""


def inside(root: Path, relative: str, *, banks_only: bool = False) -> Path:
    """The file ``relative`` (a path with ``/``) names inside ``root``, or :class:`Refused`."""
    if not relative or "\x00" in relative or "\\" in relative:
        raise Refused("not a file name")
    pure = PurePosixPath(relative)
    if pure.is_absolute() or ".." in pure.parts or relative.startswith("~"):
        raise Refused("only files inside the served folder can be opened")
    target = (root / pure).resolve()
    if not target.is_relative_to(root.resolve()):
        raise Refused("only files inside the served folder can be opened (a link leads out)")
    if banks_only and target.suffix.lower() not in BANK_SUFFIXES:
        raise Refused("only bank files (.yaml) can be opened")
    return target


def bank_files(root: Path, suffixes: tuple[str, ...] = BANK_SUFFIXES) -> list[str]:
    """The bank files (or others, by ``suffixes``) in the folder and its subfolders (not
    out/ nor hidden ones), sorted."""
    found: list[str] = []
    base = root.resolve()
    for folder, dirs, files in os.walk(base):
        dirs[:] = sorted(d for d in dirs if not d.startswith(".") and d not in _SKIPPED)
        for name in sorted(files):
            if name.lower().endswith(suffixes) and not name.startswith("."):
                path = Path(folder) / name
                if path.resolve().is_relative_to(base):
                    found.append(path.relative_to(base).as_posix())
                    if len(found) >= limits.SERVE_MAX_FILES:
                        return found
    return found


def digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def read_bank(path: Path) -> bytes:
    if path.stat().st_size > limits.MAX_FILE_BYTES:
        raise Refused(f"the file is larger than {limits.MAX_FILE_BYTES // (1024 * 1024)} MB")
    return path.read_bytes()


def save_bank(path: Path, data: bytes, expected: str | None) -> str:
    """Write ``data`` into ``path`` at once (a temporary file renamed over it), keeping the
    previous version as ``path.bak``. ``expected`` is the digest of the version the editor
    loaded: when the file on disk is another (edited elsewhere), nothing is written and
    :class:`Changed` is raised. Returns the new digest."""
    old = path.read_bytes() if path.exists() else None
    if old is not None and expected is not None and digest(old) != expected:
        raise Changed(digest(old))
    if old is not None:
        _atomic_write(path.with_name(path.name + ".bak"), old, like=path)
    _atomic_write(path, data)
    return digest(data)


class Changed(Exception):
    """The file on disk is not the version the editor loaded."""

    def __init__(self, now: str) -> None:
        super().__init__(now)
        self.now = now


#: The process's umask, read once (reading it means setting it): a new file gets the
#: permissions any other program would give it, not mkstemp's owner-only 0600.
_UMASK = os.umask(0o022)
os.umask(_UMASK)


def _atomic_write(path: Path, data: bytes, like: Path | None = None) -> None:
    """Write ``path`` at once, with its own permissions (or ``like``'s: a ``.bak`` has its
    bank's), or a new file's usual ones."""
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        source = path if path.exists() else like
        if source is not None and source.exists():
            os.chmod(temporary, source.stat().st_mode & 0o777)
        else:
            os.chmod(temporary, 0o666 & ~_UMASK)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
