"""What ``qbank --version`` prints: qbank's version, then Python's and its libraries'.

A teacher's bug report that pastes it says everything needed to reproduce a file: the
libraries listed are the ones qbank's own package metadata requires (``dependencies`` in
pyproject.toml), so the list follows pyproject.toml without being written twice.
"""

from __future__ import annotations

import platform
import re
from importlib import metadata

from . import __version__

#: What qbank runs on when it runs from a source tree that was never installed.
_FALLBACK = ("click", "Jinja2", "PyYAML", "pydantic", "genanki", "python-docx", "lxml")
_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*")


def dependencies() -> list[str]:
    """The distributions qbank needs to run (not its test or docs extras)."""
    try:
        requires = metadata.requires("qbank") or []
    except metadata.PackageNotFoundError:
        return list(_FALLBACK)
    names = []
    for requirement in requires:
        if "extra ==" in requirement:
            continue
        match = _NAME.match(requirement)
        if match:
            names.append(match.group())
    return names


def _installed(name: str) -> str:
    try:
        return f"{metadata.metadata(name)['Name']} {metadata.version(name)}"
    except metadata.PackageNotFoundError:
        return f"{name} (not installed)"


def version_text() -> str:
    """Three lines: qbank, Python and the platform, the libraries with their versions."""
    return "\n".join(
        [
            f"qbank {__version__}",
            f"Python {platform.python_version()} ({platform.python_implementation()}, "
            f"{platform.system() or 'unknown system'})",
            ", ".join(_installed(name) for name in dependencies()),
        ]
    )
