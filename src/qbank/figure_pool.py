"""A run's figures drawn side by side, in worker processes.

Drawing is most of a run with figures (the statistics example: four fifths of it), and
each figure is drawn by matplotlib on one core. A run that will draw many figures
(:data:`MIN_FIGURES` or more, on a machine with two cores or more) hands them to a pool
of worker processes as the versions are made, and the versions get their pictures when
all are drawn (:meth:`FigurePool.results`): a figure's name is a hash of its spec and data
(:func:`qbank.figures.figure_digest`), so the texts can show it before it is drawn.

Workers only draw: they get the figure's numbers and texts (a
:class:`~qbank.figures.FigureData`, worked out by the sandboxed formulas in the main
process) and give back the PNG. The bytes are the same as drawn in the main process (a
test compares them). Not used where a process may not have children (a daemon process,
as the workbench's runs are), with ``QBANK_FIGURE_WORKERS=1``, or for a few figures (a
worker starting costs more than it saves). If the pool breaks (a worker killed), the
figures left are drawn in the main process.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Any

from . import figures, limits

#: The environment variable that sets how many processes draw a run's figures: 1 draws
#: them in the main process; unset, one per core the process may use (at most
#: limits.MAX_FIGURE_WORKERS).
WORKERS_ENV = "QBANK_FIGURE_WORKERS"
#: Fewest figures a run draws for it to start workers: a forked worker draws its first
#: figure of each kind on a new canvas (~30 ms more), one started by a fork server or as
#: a new interpreter first imports matplotlib and loads its fonts (about a second).
MIN_FIGURES = 48
#: Figures handed to a worker at a time (a figure's data and PNG cross between processes
#: in one message: fewer messages, same bytes).
CHUNK = 4

#: What a worker gives back for a figure: (png, width, height), or the message of why
#: matplotlib could not draw it.
Drawn = tuple[bytes, int, int] | str


def workers_for(figures_expected: int) -> int:
    """How many processes should draw a run that may draw ``figures_expected`` figures:
    0 means "in the main process"."""
    wanted = os.environ.get(WORKERS_ENV, "").strip()
    if wanted:
        try:
            count = min(int(wanted), limits.MAX_FIGURE_WORKERS)
        except ValueError:
            count = 0
        return count if count > 1 else 0
    if figures_expected < MIN_FIGURES or multiprocessing.current_process().daemon:
        return 0
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    count = min(cores or 1, limits.MAX_FIGURE_WORKERS)
    return count if count > 1 else 0


class FigurePool:
    """Worker processes drawing one run's figures, in the order they were handed in."""

    def __init__(self, workers: int) -> None:
        self.workers = workers
        self._executor: ProcessPoolExecutor | None = None
        self._batch: list[tuple[str, figures.FigureData]] = []
        self._sent: list[tuple[list[tuple[str, figures.FigureData]], Future[list[Drawn]]]] = []

    def submit(self, digest: str, data: figures.FigureData) -> None:
        """Draw this figure (named ``digest``) in a worker."""
        self._batch.append((digest, data))
        if len(self._batch) >= CHUNK:
            self._send()

    def _send(self) -> None:
        batch, self._batch = self._batch, []
        if not batch:
            return
        if self._executor is None:
            self._executor = ProcessPoolExecutor(
                self.workers, mp_context=_context(), initializer=_start_worker
            )
        try:
            future = self._executor.submit(_draw_batch, [data for _, data in batch])
        except BrokenProcessPool:
            future = Future()
            future.set_exception(BrokenProcessPool("the figure workers stopped"))
        self._sent.append((batch, future))

    def results(self, tick: Callable[[], None] = lambda: None) -> Iterator[tuple[str, Drawn]]:
        """Each figure handed in, drawn: (digest, what the worker gave back), in the order
        they were handed in. ``tick`` is called after each batch. A batch the pool could not
        draw (a worker killed) is drawn in this process."""
        self._send()
        for batch, future in self._sent:
            try:
                drawn = future.result()
            except BrokenProcessPool:
                drawn = _draw_batch([data for _, data in batch])
            tick()
            yield from zip((digest for digest, _ in batch), drawn)
        self._sent.clear()

    def close(self) -> None:
        """Stop the workers (what is still queued is dropped)."""
        self._batch.clear()
        self._sent.clear()
        if self._executor is not None:
            self._executor.shutdown(wait=True, cancel_futures=True)
            self._executor = None


def _context() -> Any:
    """How workers start: forked from this process where it has no other thread (they
    start at once, with matplotlib already imported, and all start before the pool's own
    thread does); from a fork server that imports matplotlib once where this process has
    threads (a fork copies other threads' locks as they are); as new interpreters where
    neither exists (Windows)."""
    methods = multiprocessing.get_all_start_methods()
    if "fork" in methods and threading.active_count() == 1:
        return multiprocessing.get_context("fork")
    if "forkserver" in methods:
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload(["qbank.figure_pool", *_PRELOAD])
        return context
    return multiprocessing.get_context("spawn")


#: What the fork server imports once, so that each worker starts with it.
_PRELOAD = ["matplotlib.figure", "matplotlib.backends.backend_agg", "PIL.PngImagePlugin"]


def _start_worker() -> None:
    # Ctrl-C is the main process's to handle: it stops the pool.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    figures.RUN.set(figures.RunFigures())  # the worker's canvases, kept between figures


def _draw_batch(batch: list[figures.FigureData]) -> list[Drawn]:
    out: list[Drawn] = []
    for data in batch:
        try:
            out.append(figures.draw_png(data))
        except Exception as exc:  # data matplotlib cannot draw: said at the question
            out.append(figures.failure(exc))
    return out
