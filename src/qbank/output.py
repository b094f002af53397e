"""Write a run's files atomically: all of them, or none.

Every file is written into a temporary folder inside the output folder (same file
system, so the final ``os.replace`` is atomic) and moved into place only after every
exporter of the run has finished. A failure midway removes the temporary folder and
leaves earlier outputs untouched.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path
from typing import IO, Callable

from .errors import OutputError


class AtomicOutputSet:
    def __init__(self, out_dir: Path, warn: Callable[[str], None] | None = None) -> None:
        self.out_dir = Path(out_dir)
        self._warn = warn or (lambda message: None)
        self._names: list[str] = []
        try:
            self.out_dir.mkdir(parents=True, exist_ok=True)
            self._tmp = Path(tempfile.mkdtemp(prefix=".qbank-partial-", dir=self.out_dir))
        except OSError as exc:
            raise OutputError(f"cannot create the output folder {self.out_dir}: "
                              f"{exc.strerror}") from None
        self.warnings: list[str] = []

    def _claim(self, name: str) -> Path:
        if "/" in name or "\\" in name or name.startswith(".") or not name:
            raise OutputError(f"'{name}' is not a safe file name")
        if name in self._names:
            raise OutputError(f"two outputs of this run are both named '{name}'")
        self._names.append(name)
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

    def commit(self) -> list[Path]:
        """Move every finished file into the output folder."""
        done = []
        try:
            for name in self._names:
                src = self._tmp / name
                if not src.exists():
                    raise OutputError(f"the exporter did not write '{name}'")
                with open(src, "rb") as fh:
                    os.fsync(fh.fileno())
            for name in self._names:
                target = self.out_dir / name
                os.replace(self._tmp / name, target)
                done.append(target)
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
