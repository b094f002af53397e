"""Shared fixtures: the default bank, generated sets, a CLI runner, LibreOffice lookup."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from qbank.bank import load_bank, load_bank_text
from qbank.cli import cli
from qbank.generator import generate

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture(autouse=True)
def reproducible_timestamps(monkeypatch):
    """Stamp files with a fixed time, as reproducible builds do (and Anki export needs no wait).

    Tests of the real-clock behaviour pass their own timestamp or clear this variable.
    """
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")


@pytest.fixture(scope="session")
def default_bank():
    return load_bank()


@pytest.fixture(scope="session")
def default_set(default_bank):
    """Five versions of the default bank under seed 7."""
    return generate(default_bank, 5, 7)


@pytest.fixture()
def runner():
    return CliRunner()


def run_cli(*args: str, expect: int | None = 0):
    """Run the qbank CLI in-process; return the click Result."""
    result = CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=False)
    if expect is not None:
        assert result.exit_code == expect, (
            result.output,
            result.stderr if hasattr(result, "stderr") else "",
        )
    return result


def bank_from_text(text: str, file: str = "test.yaml"):
    return load_bank_text(text, file)


def load_record(path: Path) -> dict:
    return json.loads(Path(path).read_text(encoding="utf-8"))


def soffice_or_skip() -> str:
    """The LibreOffice binary; skip (or, under CI=true, fail) when it is missing."""
    exe = shutil.which("soffice") or shutil.which("libreoffice")
    if exe is None:
        message = (
            "LibreOffice (soffice) is not installed; `.ci/run` installs it from Debian packages"
        )
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    return exe


@pytest.fixture()
def work(monkeypatch):
    """Counters of the work qbank does during the test (see tests/workcount.py)."""
    from workcount import Work

    return Work(monkeypatch)


def solid_png(width: int, height: int, rgb: tuple[int, int, int] = (255, 0, 0)) -> bytes:
    """A real, small PNG of one colour (for tests of pictures in texts)."""
    import struct
    import zlib

    def chunk(kind: bytes, data: bytes) -> bytes:
        crc = zlib.crc32(kind + data) & 0xFFFFFFFF
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)

    rows = b"".join(b"\x00" + bytes(rgb) * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )
