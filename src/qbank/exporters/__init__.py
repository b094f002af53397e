"""Output formats: one module each, all behind :class:`Exporter`, found by name here.

Adding a format is one new module with an ``Exporter`` subclass and one line in
``_MODULES``; nothing else in qbank branches on the format. The registry is the single
source of format names: the CLI's ``-f`` help, its check and its shell completion, and
the format options of ``qbank generate`` all come from here.
"""

from __future__ import annotations

from importlib import import_module

from .base import Exporter, ExportOptions, Option, OutputSink

# Modules that define exporters, in the order formats are listed and written.
_MODULES = [
    "qbank.exporters.jsonrecord",
    "qbank.exporters.word",
    "qbank.exporters.pdf",
    "qbank.exporters.anki",
    "qbank.exporters.moodle",
    "qbank.exporters.gift",
    "qbank.exporters.qti",
]

_REGISTRY: dict[str, type[Exporter]] = {}
_loaded = False


def register(cls: type[Exporter]) -> type[Exporter]:
    """Class decorator: make a format available under ``cls.name``."""
    _REGISTRY[cls.name] = cls
    return cls


def registry() -> dict[str, type[Exporter]]:
    # A module may already have been imported on its own (and registered itself), so
    # import every listed module once rather than only when the registry is empty.
    global _loaded
    if not _loaded:
        for module in _MODULES:
            import_module(module)
        _loaded = True
    return dict(sorted(_REGISTRY.items(), key=lambda item: _position(item[1])))


def _position(cls: type[Exporter]) -> int:
    """Formats are listed in the order of ``_MODULES`` (others last)."""
    for index, module in enumerate(_MODULES):
        if cls.__module__ == module or cls.__module__.startswith(module + "."):
            return index
    return len(_MODULES)


def get_exporter(name: str) -> Exporter:
    return registry()[name]()


def format_names() -> list[str]:
    return list(registry())


def default_formats() -> list[str]:
    """What ``-f all`` (the default) writes: every format that needs nothing else installed."""
    return [name for name, cls in registry().items() if cls.in_all]


def format_options() -> list[Option]:
    """Every option the formats declare, once each, in the order of the formats."""
    options: dict[str, Option] = {}
    for cls in registry().values():
        for option in cls.options:
            other = options.setdefault(option.name, option)
            if other is not option:  # a programming error: share the one declaration
                raise ValueError(f"two formats declare different options named '{option.name}'")
    return list(options.values())


def formats_using(option: Option) -> list[str]:
    return [name for name, cls in registry().items() if option in cls.options]


__all__ = [
    "ExportOptions",
    "Exporter",
    "Option",
    "OutputSink",
    "default_formats",
    "format_names",
    "format_options",
    "formats_using",
    "get_exporter",
    "register",
    "registry",
]
