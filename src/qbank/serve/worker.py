"""A worker process that runs bank content for the workbench, with a hard timeout.

qbank's own clocks (:mod:`qbank.limits`) stop slow formulas and texts, but native code
(a plotting library, a regular expression) does not watch them. So the server never runs
bank content itself: it sends each job to a worker process and waits at most a given
number of seconds. A job that runs longer gets its worker killed and a new one started;
the request is answered with a plain message and the server goes on serving.

One job at a time per worker (a lock); the workbench keeps one worker for the checks and
previews while typing and another for the long jobs (Check all, Generate), so a long job
does not stop the checking while typing.
"""

from __future__ import annotations

import multiprocessing
import os
import threading
import time
import traceback
from collections.abc import Callable
from typing import Any

from ..errors import BankInvalid, Problem, QbankError


class WorkerTimeout(QbankError):
    """A job took longer than its hard time limit; its worker was stopped."""


class WorkerFailed(QbankError):
    """The worker died or a job failed in a way that is not the bank's fault."""


def _main(conn: Any, folder: str) -> None:  # pragma: no cover - runs in the child
    os.chdir(folder)  # paths in messages are relative to the folder, as in a terminal there
    _warm_up()
    while True:
        try:
            job = conn.recv()
        except (EOFError, KeyboardInterrupt):
            return
        except Exception as exc:  # a job that cannot be read (unpickled)
            conn.send(("bug", f"{type(exc).__name__}: {exc}"))
            continue
        func, kwargs = job

        def report(value: Any) -> None:
            conn.send(("progress", value))

        try:
            if getattr(func, "reports", False):
                kwargs = {**kwargs, "report": report}
            conn.send(("ok", func(**kwargs)))
        except BankInvalid as exc:
            conn.send(("problems", [_plain(p) for p in exc.problems]))
        except QbankError as exc:
            conn.send(("problems", [_plain(exc.problem)]))
        except Exception as exc:
            conn.send(("bug", f"{type(exc).__name__}: {exc}\n{traceback.format_exc(limit=5)}"))


def _warm_up() -> None:  # pragma: no cover - runs in the child
    """Import what the jobs use while nobody waits: the first preview is then as quick as
    the others (matplotlib alone takes about a second)."""
    import importlib

    for module in ("qbank.serve.tasks", "qbank.exporters.anki", "qbank.exporters.moodle"):
        importlib.import_module(module)
    try:
        importlib.import_module("matplotlib.backends.backend_agg")
        importlib.import_module("matplotlib.figure")
    except ImportError:
        pass


def _plain(problem: Problem) -> dict[str, Any]:
    return {"line": problem.line, "message": str(problem), "file": problem.file}


class JobProblems(QbankError):
    """The job stopped on problems of the bank, each as ``{line, message, file}``."""

    def __init__(self, problems: list[dict[str, Any]]) -> None:
        super().__init__("; ".join(p["message"] for p in problems))
        self.problems = problems


class Worker:
    """One worker process, started at once (its imports take a moment) and again after a
    job that timed out or crashed."""

    def __init__(self, folder: str | os.PathLike[str]) -> None:
        self.folder = os.fspath(folder)
        self._context = multiprocessing.get_context("spawn")
        self._lock = threading.Lock()
        self._process: Any = None
        self._conn: Any = None
        self._start()

    def _start(self) -> None:
        parent, child = self._context.Pipe()
        self._process = self._context.Process(
            target=_main, args=(child, self.folder), daemon=True, name="qbank-serve-worker"
        )
        self._process.start()
        child.close()
        self._conn = parent

    def _restart(self) -> None:
        self.stop()
        self._start()

    def stop(self) -> None:
        if self._process is not None and self._process.is_alive():
            self._process.kill()
            self._process.join(5)
        if self._conn is not None:
            self._conn.close()

    @property
    def pid(self) -> int | None:
        return self._process.pid if self._process is not None else None

    def call(
        self,
        func: Callable[..., Any],
        timeout: float,
        message: str,
        progress: Callable[[Any], None] | None = None,
        **kwargs: Any,
    ) -> Any:
        """``func(**kwargs)`` in the worker; at most ``timeout`` seconds, then the worker is
        killed and :class:`WorkerTimeout` raised with ``message``. The bank's problems come
        back as :class:`JobProblems`."""
        with self._lock:
            if not self._process.is_alive():
                self._restart()
            try:
                self._conn.send((func, kwargs))
            except (OSError, ValueError):
                self._restart()
                self._conn.send((func, kwargs))
            deadline = time.monotonic() + timeout
            while True:
                left = deadline - time.monotonic()
                try:
                    ready = left > 0 and self._conn.poll(left)
                except (EOFError, OSError):
                    ready = False
                if not ready:
                    died = not self._process.is_alive()
                    self._restart()
                    if died:
                        raise WorkerFailed("the worker process stopped unexpectedly; try again")
                    raise WorkerTimeout(message)
                try:
                    kind, value = self._conn.recv()
                except (EOFError, OSError):
                    self._restart()
                    raise WorkerFailed(
                        "the worker process stopped unexpectedly; try again"
                    ) from None
                if kind == "progress":
                    if progress is not None:
                        progress(value)
                    continue
                if kind == "ok":
                    return value
                if kind == "problems":
                    raise JobProblems(value)
                raise WorkerFailed(f"qbank failed unexpectedly ({value.splitlines()[0]})")
