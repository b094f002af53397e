"""PLACEHOLDER until the rt-media branch lands (same API)."""

from __future__ import annotations

from .errors import QbankError
from .model import ImageFile


class ImageProblem(QbankError):
    pass


class ImageLoader:
    def __init__(self, bank_file: str | None) -> None:
        self.bank_file = bank_file

    def load(self, src: str) -> ImageFile:
        raise ImageProblem(f"image '{src}' cannot be shown yet")
