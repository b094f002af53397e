"""Output formats: one module each, all behind :class:`Exporter`, found by name here.

Adding a format is one new module with an ``Exporter`` subclass and one line in
``_MODULES``; nothing else in qbank branches on the format.
"""

from __future__ import annotations

from importlib import import_module

from .base import Exporter, ExportOptions, OutputSink

# Modules that define exporters, in the order formats are listed and written.
_MODULES = [
    "qbank.exporters.jsonrecord",
    "qbank.exporters.anki",
]

_REGISTRY: dict[str, type[Exporter]] = {}


def register(cls: type[Exporter]) -> type[Exporter]:
    """Class decorator: make a format available under ``cls.name``."""
    _REGISTRY[cls.name] = cls
    return cls


def registry() -> dict[str, type[Exporter]]:
    if not _REGISTRY:
        for module in _MODULES:
            import_module(module)
    return dict(_REGISTRY)


def get_exporter(name: str) -> Exporter:
    return registry()[name]()


def format_names() -> list[str]:
    return list(registry())


__all__ = ["ExportOptions", "Exporter", "OutputSink", "format_names", "get_exporter",
           "register", "registry"]
