"""Count the work qbank does, instead of timing it.

A test that asserts "this ended within N seconds" passes or fails with the speed of the
machine (it failed under coverage). What such a test means is "qbank stopped early,
before doing the expensive thing", and that is a count: the bytes of a file read, the YAML
events parsed, the template and formula runs and the steps their work meters charged, the
variants built. :class:`Work` counts them through public seams (PyYAML's event API, the
work meter, the file ``open``), so the counts do not depend on how qbank's modules are
arranged. :class:`FakeClock` replaces the clock for the tests of the wall-clock backstops,
so those are deterministic too.
"""

from __future__ import annotations

import builtins
import io
import os
import time
from collections import Counter
from pathlib import Path
from typing import Any

import yaml

from qbank import arithmetic, limits
from qbank.templates import clocks


class _CountedFile:
    """A file object that adds the bytes (or characters) read from it to a counter."""

    def __init__(self, fh: Any, key: str, counter: Counter) -> None:
        self._fh, self._key, self._counter = fh, key, counter

    def _count(self, data: Any) -> Any:
        self._counter[self._key] += len(data)
        return data

    def read(self, *args: Any) -> Any:
        return self._count(self._fh.read(*args))

    def readline(self, *args: Any) -> Any:
        return self._count(self._fh.readline(*args))

    def readlines(self, *args: Any) -> list:
        lines = self._fh.readlines(*args)
        self._counter[self._key] += sum(map(len, lines))
        return lines

    def readinto(self, buffer: Any) -> int:
        n = self._fh.readinto(buffer)
        self._counter[self._key] += n or 0
        return n

    def __iter__(self):
        for line in self._fh:
            yield self._count(line)

    def __enter__(self) -> _CountedFile:
        self._fh.__enter__()
        return self

    def __exit__(self, *exc: Any) -> Any:
        return self._fh.__exit__(*exc)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._fh, name)


class Work:
    """Counters of qbank's work while a test runs (install with the ``work`` fixture).

    * ``yaml_events``: events PyYAML's parsers handed out (C and pure-Python parser);
    * ``runs`` and ``steps``: template and formula runs (one work meter each) and the
      steps their meters charged (limits.MAX_STEPS minus what was left);
    * ``variants_built``: variants built by generation (``qbank.generator.build_variant``);
    * ``opened(path)`` and ``bytes_read(path)``: opens of a watched file and what was read
      from it (``watch(path)`` first).
    """

    def __init__(self, monkeypatch: Any) -> None:
        self.yaml_events = 0
        self.variants_built = 0
        self._meters: list[arithmetic.WorkMeter] = []
        self._watched: set[str] = set()
        self._opened: Counter = Counter()
        self._read: Counter = Counter()
        self._count_yaml_events(monkeypatch)
        self._count_meters(monkeypatch)
        self._count_variants(monkeypatch)
        self._count_file_reads(monkeypatch)

    # -- results --------------------------------------------------------------------------

    @property
    def runs(self) -> int:
        return len(self._meters)

    @property
    def steps(self) -> int:
        return sum(limits.MAX_STEPS - m.steps_left for m in self._meters)

    @property
    def most_steps_in_one_run(self) -> int:
        return max((limits.MAX_STEPS - m.steps_left for m in self._meters), default=0)

    def watch(self, path: str | Path) -> None:
        self._watched.add(os.path.realpath(path))

    def opened(self, path: str | Path) -> int:
        return self._opened[os.path.realpath(path)]

    def bytes_read(self, path: str | Path) -> int:
        return self._read[os.path.realpath(path)]

    def reset(self) -> None:
        self.yaml_events = self.variants_built = 0
        self._meters.clear()
        self._opened.clear()
        self._read.clear()

    def summary(self) -> str:
        return (
            f"{self.yaml_events:,} YAML events, {self.runs:,} template runs, "
            f"{self.steps:,} steps, {self.variants_built:,} variants built"
        )

    # -- the seams ------------------------------------------------------------------------

    def _count_yaml_events(self, monkeypatch: Any) -> None:
        for parser in {getattr(yaml, "CSafeLoader", yaml.SafeLoader), yaml.SafeLoader}:
            original = parser.get_event

            def get_event(loader: Any, _original: Any = original) -> Any:
                self.yaml_events += 1
                return _original(loader)

            monkeypatch.setattr(parser, "get_event", get_event)

    def _count_meters(self, monkeypatch: Any) -> None:
        original = arithmetic.WorkMeter.__init__

        def init(meter: Any, *args: Any, **kwargs: Any) -> None:
            original(meter, *args, **kwargs)
            self._meters.append(meter)

        monkeypatch.setattr(arithmetic.WorkMeter, "__init__", init)

    def _count_variants(self, monkeypatch: Any) -> None:
        import qbank.generator as generator

        original = generator.build_variant

        def build_variant(*args: Any, **kwargs: Any) -> Any:
            self.variants_built += 1
            return original(*args, **kwargs)

        monkeypatch.setattr(generator, "build_variant", build_variant)

    def _count_file_reads(self, monkeypatch: Any) -> None:
        real_open, real_os_open = builtins.open, os.open

        def watched(file: Any) -> str | None:
            if isinstance(file, int) or not self._watched:
                return None
            path = os.path.realpath(os.fsdecode(file))
            return path if path in self._watched else None

        def counting_open(file: Any, *args: Any, **kwargs: Any) -> Any:
            fh = real_open(file, *args, **kwargs)
            path = watched(file)
            if path is None:
                return fh
            self._opened[path] += 1
            return _CountedFile(fh, path, self._read)

        def counting_os_open(file: Any, *args: Any, **kwargs: Any) -> int:
            path = watched(file)
            if path is not None:
                self._opened[path] += 1
            return real_os_open(file, *args, **kwargs)

        monkeypatch.setattr(builtins, "open", counting_open)
        monkeypatch.setattr(io, "open", counting_open)
        monkeypatch.setattr(os, "open", counting_os_open)


class FakeClock:
    """A CPU clock (qbank's limits read time.process_time) that moves only when read: each
    reading adds ``tick`` seconds.

    The time backstops (limits.QUESTION_CHECK_SECONDS, BANK_CHECK_SECONDS,
    VARIANT_SECONDS, RENDER_SECONDS) then expire after a fixed number of readings, the
    same on every machine: a work meter reads the clock once per run and once every few
    hundred steps, so the clock advances with the work done, never with machine speed.
    """

    def __init__(self, monkeypatch: Any, tick: float = 0.001) -> None:
        self.now = 1000.0
        self.tick = tick
        self.readings = 0
        monkeypatch.setattr(time, "process_time", self.read)
        # Every run start reads the clock (qbank reuses a reading for 2 ms otherwise).
        monkeypatch.setattr(clocks, "_REUSE_READING", 0.0)
        monkeypatch.setattr(clocks, "_reading", [float("-inf"), 0.0])

    def read(self) -> float:
        self.readings += 1
        self.now += self.tick
        return self.now
