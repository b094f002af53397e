"""Pictures embedded in an imported file, written into a folder next to the bank.

Names come from a stranger's file, so each is checked: no folders (``/``, ``\\``), no
``..``, no absolute paths, no drive letters, no control characters; other characters
become ``-``. Sizes are bounded before decoding (``limits.MAX_IMAGE_BYTES`` each,
``limits.MAX_BANK_IMAGE_BYTES`` together). The same picture under the same name is kept
once; a different picture under a name already taken gets ``-2``, ``-3``… added.
"""

from __future__ import annotations

import base64
import binascii
import re

from .. import limits
from ..errors import QbankError

_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


class MediaStore:
    def __init__(self, folder: str, source: str) -> None:
        #: The folder's name, relative to the bank (``mybank-files``).
        self.folder = folder
        self.source = source
        self.files: dict[str, bytes] = {}
        self.total = 0

    def add(self, name: str, data_base64: str, *, line: int | None = None) -> str:
        """The Markdown path of the picture ``name`` (written later by :meth:`write`)."""
        if (
            not name
            or "/" in name
            or "\\" in name
            or ".." in name
            or re.match(r"[A-Za-z]:", name)
            or any(ord(c) < 32 for c in name)
        ):
            raise QbankError(
                f"the picture '{name[:80]}' (its name leads out of the folder: refused)",
                file=self.source,
                line=line,
            )
        if len(data_base64) * 3 // 4 > limits.MAX_IMAGE_BYTES + 3:
            raise QbankError(
                f"the picture '{name}' (larger than {limits.MAX_IMAGE_BYTES:,} bytes: refused)",
                file=self.source,
                line=line,
            )
        try:
            data = base64.b64decode("".join(data_base64.split()), validate=True)
        except (binascii.Error, ValueError):
            raise QbankError(
                f"the picture '{name}' (its data is not base64)", file=self.source, line=line
            ) from None
        safe = _UNSAFE.sub("-", name).strip("-.") or "picture"
        stem, dot, ext = safe.rpartition(".")
        if not dot:
            stem, ext = safe, ""
        candidate, n = safe, 1
        while candidate in self.files and self.files[candidate] != data:
            n += 1
            candidate = f"{stem}-{n}.{ext}" if ext else f"{stem}-{n}"
        if candidate not in self.files:
            if self.total + len(data) > limits.MAX_BANK_IMAGE_BYTES:
                raise QbankError(
                    f"the picture '{name}' (the pictures together would be larger than "
                    f"{limits.MAX_BANK_IMAGE_BYTES:,} bytes: refused)",
                    file=self.source,
                    line=line,
                )
            self.files[candidate] = data
            self.total += len(data)
        return f"{self.folder}/{candidate}"
