"""One measurement, run in its own process so that its peak memory is its own.

Called by bench/run.py as ``python bench/child.py '<spec as JSON>'``; prints one line of
JSON with the result. Two kinds:

* ``qbank``: ``qbank.pipeline.run`` (load + validate + generate + export + commit), each
  phase timed, repeated while the total stays short (the fastest repetition is kept);
  qbank's output files are left in ``spec["out"]`` for the floors.
* ``floor``: get a floor's content ready (untimed), then time writing it.

Each phase is timed twice: wall-clock time (``time.perf_counter``), and the CPU time of
this process (``time.process_time``), which other programs running on the machine disturb
much less. Peak memory is this process's peak resident set size,
``getrusage(RUSAGE_SELF).ru_maxrss`` read at the end (kibibytes on Linux), so it includes
the interpreter and the libraries imported; ``rss_before_mb`` is the same figure before
the measured work began.
"""

from __future__ import annotations

import gc
import importlib
import itertools
import json
import os
import resource
import shutil
import sys
import time
from pathlib import Path

#: Fixed stamp for formats that write a time, so that no exporter waits for the clock.
STAMP = 1_700_000_000.0


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _now() -> tuple[float, float]:
    return time.perf_counter(), time.process_time()


def _phases(marks: list[tuple[str, tuple[float, float]]]) -> tuple[dict, dict]:
    """Wall and CPU seconds of each phase between consecutive marks, plus 'total'."""
    wall, cpu = {}, {}
    for (_, (w0, c0)), (name, (w1, c1)) in itertools.pairwise(marks):
        wall[name], cpu[name] = w1 - w0, c1 - c0
    wall["total"] = marks[-1][1][0] - marks[0][1][0]
    cpu["total"] = marks[-1][1][1] - marks[0][1][1]
    return wall, cpu


def _fresh(folder: Path) -> Path:
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    return folder


#: Repeat a measurement until this many seconds have passed (at most MAX_REPEAT times) and
#: keep the fastest: a run of 2 s is measured 3 times, so that a moment of load from other
#: programs does not decide a figure that is compared with a target.
MIN_SECONDS = 5.0
MAX_REPEAT = 7


def _enough(started: float, repeats: int, spec: dict) -> bool:
    return time.perf_counter() - started >= spec.get(
        "min_time", MIN_SECONDS
    ) or repeats >= spec.get("max_repeat", MAX_REPEAT)


def _registry(extra_modules: list[str]) -> dict:
    from qbank.exporters import registry

    registry()  # the registered modules first: registering another one would stop that
    for module in extra_modules:
        importlib.import_module(module)
    return registry()


def _count_compiles() -> dict[str, int]:
    """Count template and formula compilations: they must not grow with N."""
    import qbank.compiling as generator  # where templates and formulas are compiled

    counts = {"compiled": 0}
    for name in ("compile_template", "compile_formula"):
        original = getattr(generator, name)

        def counting(source, _original=original, **options):
            counts["compiled"] += 1
            return _original(source, **options)

        setattr(generator, name, counting)
    return counts


def _count_figures() -> dict:
    """Count the figures drawn and the time they cost the run, on both clocks: issue 13's
    cost per figure and share of the run spent drawing.

    A figure is drawn in this process (``figures.draw``) or, in a run with many figures, by
    worker processes (``qbank.figure_pool``): then what the run waits for is the time
    spent handing each figure over (``RunFigures.hand_over``) and waiting at the end for
    the ones not drawn yet (``RunFigures.finish``); the workers' CPU is added from the
    kernel's count of this process's children (``workers_cpu``)."""
    from qbank import figures

    spent = {"figures": 0, "wall": 0.0, "cpu": 0.0, "pooled": 0, "workers_cpu": 0.0}

    def counted(original, figure: bool, pooled: bool = False):
        def timed(*args, **kwargs):
            wall, cpu = _now()
            try:
                return original(*args, **kwargs)
            finally:
                spent["figures"] += figure
                spent["pooled"] += pooled
                spent["wall"] += time.perf_counter() - wall
                spent["cpu"] += time.process_time() - cpu

        return timed

    # render_figures looks these up on the module and the class at each call
    figures.draw = counted(figures.draw, True)
    figures.RunFigures.hand_over = counted(figures.RunFigures.hand_over, True, True)
    figures.RunFigures.finish = counted(figures.RunFigures.finish, False)
    return spent


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


class _PhaseClock:
    """Marks the start and end of each phase of ``pipeline.run`` by wrapping its steps.

    The run itself is qbank's own (``qbank generate`` calls the same function), so the
    figures follow the pipeline as it changes; only the time stamps are added.
    """

    def __init__(self, pipeline, exporter) -> None:
        self.marks: dict[str, tuple[float, float]] = {}
        self._wrap(pipeline, "validate_banks", "validate")
        if not self._wrap(pipeline, "generate_within_limits", "generate"):
            self._wrap(pipeline, "generate", "generate")
        self._wrap(exporter, "write", "export")

    def _wrap(self, owner, name: str, phase: str) -> bool:
        original = getattr(owner, name, None)
        if original is None:
            return False

        def timed(*args, **kwargs):
            self.marks.setdefault(f"{phase}:start", _now())
            try:
                return original(*args, **kwargs)
            finally:
                self.marks[f"{phase}:end"] = _now()

        setattr(owner, name, timed)
        return True

    def phases(self, start, end) -> list[tuple[str, tuple[float, float]]]:
        """The marks in order; a step the pipeline no longer has counts as zero time."""
        names = [
            ("load", "validate:start"),
            ("validate", "validate:end"),
            ("before_generate", "generate:start"),
            ("generate", "generate:end"),
            ("before_export", "export:start"),
            ("export", "export:end"),
        ]
        marks = [("start", start)]
        for phase, key in names:
            marks.append((phase, self.marks.get(key, marks[-1][1])))
        return [*marks, ("commit", end)]


def measure_qbank(spec: dict) -> dict:
    from qbank import pipeline
    from qbank.exporters import ExportOptions

    exporter = _registry(spec.get("extra_modules", []))[spec["format"]]()
    pipeline.get_exporter = lambda name: exporter  # the one instance whose write is timed
    clock = _PhaseClock(pipeline, exporter)
    compiles = _count_compiles()
    drawing = _count_figures()
    options = ExportOptions.of(timestamp=STAMP)
    out = Path(spec["out"])
    rss_before = _peak_mb()
    best = None
    started = time.perf_counter()
    repeats = 0
    while True:
        compiles["compiled"] = 0
        drawing.update(figures=0, wall=0.0, cpu=0.0, pooled=0, workers_cpu=0.0)
        children_before = _children_cpu()
        clock.marks.clear()
        _fresh(out)
        gc.collect()
        start = _now()
        result = pipeline.run(
            [spec["bank"]] if spec["bank"] else [],
            count=spec["count"],
            seed=spec["seed"],
            formats=[spec["format"]],
            out_dir=out,
            options=options,
        )
        end = _now()
        drawing["workers_cpu"] = _children_cpu() - children_before  # the pool has ended
        repeats += 1
        wall, cpu = _phases(clock.phases(start, end))
        if best is None or wall["total"] < best[0]["total"]:
            best = (wall, cpu)
            drawn = dict(drawing)
        generated = result.sets[0]
        variants = sum(len(vs) for vs in generated.variants.values())
        questions = len(generated.version(1)) * spec["count"]
        files = result.files
        del generated, result
        if _enough(started, repeats, spec):
            break
    return {
        "wall": best[0],
        "cpu": best[1],
        "repeats": repeats,
        "variants": variants,
        "questions": questions,
        "compiled": compiles["compiled"],
        # figures drawn in the repetition kept, and the seconds spent drawing them
        "figures": drawn["figures"],
        # wall: what drawing held the run up; cpu: this process's and the workers'
        "drawing": {"wall": drawn["wall"], "cpu": drawn["cpu"] + drawn["workers_cpu"]},
        "figures_pooled": drawn["pooled"],
        "workers_cpu": drawn["workers_cpu"],
        "bytes": sum(f.stat().st_size for f in files),
        "files": [f.name for f in files],
        "peak_mb": _peak_mb(),
        "rss_before_mb": rss_before,
    }


def measure_floor(spec: dict) -> dict:
    from floors import FloorContext, floor_by_key

    floor = floor_by_key(spec["floor"])()
    ctx = FloorContext(Path(spec["qbank_output"]))
    reason = None if spec.get("force") else floor.skip_reason(ctx)
    if reason:
        return {"skipped": reason}
    content = floor.prepare(ctx)
    items = floor.size(content)
    out = Path(spec["out"])
    rss_before = _peak_mb()
    best = None
    started = time.perf_counter()
    repeats = 0
    while True:
        _fresh(out)
        gc.collect()
        marks = [("start", _now())]
        files = floor.write(content, out)
        marks.append(("write", _now()))
        repeats += 1
        wall, cpu = _phases(marks)
        if best is None or wall["total"] < best[0]["total"]:
            best = (wall, cpu)
        if _enough(started, repeats, spec):
            break
    return {
        "wall": best[0]["total"],
        "cpu": best[1]["total"],
        "repeats": repeats,
        "items": items,
        "bytes": sum(f.stat().st_size for f in files),
        "peak_mb": _peak_mb(),
        "rss_before_mb": rss_before,
    }


def main() -> None:
    spec = json.loads(sys.argv[1])
    os.environ.update(spec.get("env", {}))  # e.g. QBANK_FIGURE_WORKERS, read at each run
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    result = measure_qbank(spec) if spec["kind"] == "qbank" else measure_floor(spec)
    print(json.dumps(result))


if __name__ == "__main__":
    main()
