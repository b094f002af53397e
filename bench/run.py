"""``make bench``: qbank's speed and memory at classroom and district scale, next to the floor.

For each case (a bank and a number of versions N) and each format in qbank's exporter
registry, one subprocess runs qbank end to end (load, validate, generate, export, commit)
and times each phase; then, for each floor of that format (bench/floors/), another
subprocess writes the same content with the library alone. The report (Markdown) goes to
standard output; ``--record`` also writes it into docs/benchmarks.md.

    .venv/bin/python bench/run.py              # everything (a few minutes)
    .venv/bin/python bench/run.py --quick      # N = 30 and 1,000 only
    .venv/bin/python bench/run.py -f json -f moodle --record
    .venv/bin/python bench/run.py --also qbank.exporters.gift   # a module not yet registered
    .venv/bin/python bench/run.py -b statistics-example           # the figures only
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

import bankgen  # noqa: E402
import report  # noqa: E402
from floors import floors_for  # noqa: E402

SEED = 2026
#: The cases of the issue: the default bank at 30, 1,000 and 10,000 versions and the
#: 50-template numerical bank at 30 and 1,000; a statistics bank drawing rnorm(50) samples
#: (bench/statistics.yaml, issue 12) at 30 and 1,000; a math-heavy bank (bench/math.yaml,
#: issue 11) at 30 and 1,000, and the same with `math: off`; the statistics example with
#: its figures (issue 13) at 30 and 1,000, and at 1,000 drawn in one process.
MAIN_CASES = [
    ("default", 30),
    ("default", 1_000),
    ("default", 10_000),
    ("numerical-50", 30),
    ("numerical-50", 1_000),
    ("statistics", 30),
    ("statistics", 1_000),
    ("math", 30),
    ("math", 1_000),
    ("math-off", 30),
    ("math-off", 1_000),
    ("statistics-example", 30),
    ("statistics-example", 1_000),
    ("statistics-example-one-process", 1_000),
]
#: The statistics example of the gallery (examples/statistics, issue 13) draws four or
#: five figures per version: 5,000 at N = 1,000, minutes of drawing whatever the format.
#: Drawing does not depend on the format, so these cases run one format (Moodle XML,
#: which stores each figure in the file), and may take longer than the others.
#: A run with many figures draws them in worker processes (qbank.figure_pool, one per
#: core); "-one-process" is the same run drawn in the main process alone, to compare.
FIGURE_BANKS = {
    "statistics-example": ROOT / "examples" / "statistics" / "statistics.yaml",
    "statistics-example-one-process": ROOT / "examples" / "statistics" / "statistics.yaml",
}
#: The environment of a bank's runs.
BANK_ENV = {"statistics-example-one-process": {"QBANK_FIGURE_WORKERS": "1"}}
FIGURE_FORMATS = ("moodle",)
FIGURE_TIMEOUT = 1_800
#: Worksheets of 1,000 and 10,000 numbered questions (50 per version): the docx target.
DOCX_SCALING = [("numerical-50", 20), ("numerical-50", 200)]


def _math_off(work: Path) -> Path:
    """bench/math.yaml with ``math: off``: the same texts, formulas read as plain text, to
    show what typesetting math costs per variant."""
    path = work / "math-off.yaml"
    text = (HERE / "math.yaml").read_text(encoding="utf-8")
    path.write_text(text.replace("\nid: bench-math\n", "\nid: bench-math\nmath: off\n", 1))
    return path


def run_child(spec: dict, timeout: float) -> dict:
    command = [sys.executable, str(HERE / "child.py"), json.dumps(spec)]
    started = time.perf_counter()
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=timeout, cwd=ROOT)
    except subprocess.TimeoutExpired:
        return {"error": f"stopped after {timeout:.0f} s"}
    if done.returncode != 0:
        last = (done.stderr.strip().splitlines() or ["no output"])[-1]
        return {"error": last[:200]}
    result = json.loads(done.stdout.strip().splitlines()[-1])
    result["child_seconds"] = time.perf_counter() - started
    return result


#: Formats measured only when asked for by name.
NOT_BY_DEFAULT = ("pdf",)


def formats_to_measure(chosen: list[str], extra_modules: list[str]) -> list[str]:
    """The formats registered right now (plus --also modules), in registry order."""
    probe = (
        "import importlib, json, sys; from qbank.exporters import registry; registry(); "
        "[importlib.import_module(m) for m in sys.argv[1:]]; print(json.dumps(list(registry())))"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe, *extra_modules], capture_output=True, text=True, cwd=ROOT
    )
    if done.returncode != 0:
        last = (done.stderr.strip().splitlines() or ["no output"])[-1]
        raise SystemExit(f"cannot read qbank's exporter registry: {last}")
    registered = json.loads(done.stdout)
    if chosen:
        missing = [f for f in chosen if f not in registered]
        if missing:
            print(f"note: not registered, skipped: {', '.join(missing)}", file=sys.stderr)
        return [f for f in registered if f in chosen]
    # PDF is LibreOffice's time (minutes for 1,000 worksheets), not qbank's: asked for by
    # name only (-f pdf), as `qbank generate` does.
    return [f for f in registered if f not in NOT_BY_DEFAULT]


def measure(
    bank_key: str,
    bank_path: str | None,
    count: int,
    fmt: str,
    work: Path,
    args: argparse.Namespace,
    role: str,
) -> dict:
    out = work / f"{bank_key}-{count}-{fmt}"
    base = {
        "bank": bank_path,
        "count": count,
        "seed": SEED,
        "format": fmt,
        "extra_modules": args.also,
        "env": BANK_ENV.get(bank_key, {}),
    }
    row = {"bank": bank_key, "count": count, "format": fmt, "role": role}
    timeout = max(args.timeout, FIGURE_TIMEOUT) if bank_key in FIGURE_BANKS else args.timeout
    row["qbank"] = run_child({**base, "kind": "qbank", "out": str(out / "qbank")}, timeout)
    row["floors"] = []
    for floor in floors_for(fmt):
        if "error" in row["qbank"]:
            row["floors"].append({"label": floor.label, "error": "no qbank output to read"})
            continue
        result = run_child(
            {
                **base,
                "kind": "floor",
                "floor": f"{fmt}:{floor.label}",
                "qbank_output": str(out / "qbank"),
                "out": str(out / "floor"),
                "force": role == "docx-scaling",
            },
            args.timeout,
        )
        row["floors"].append({"label": floor.label, **result})
    shutil.rmtree(out, ignore_errors=True)  # outputs at 10,000 versions are large
    print(report.progress_line(row), file=sys.stderr, flush=True)
    return row


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "-f",
        "--format",
        action="append",
        default=[],
        dest="formats",
        help="measure only this format (repeatable); default: every one",
    )
    parser.add_argument(
        "--also",
        action="append",
        default=[],
        metavar="MODULE",
        help="import this exporter module too (one not yet in the registry)",
    )
    parser.add_argument(
        "-b",
        "--bank",
        action="append",
        default=[],
        dest="banks",
        help="measure only this bank (repeatable): default, numerical-50, statistics, math, "
        "math-off, statistics-example, statistics-example-one-process; default: every one",
    )
    parser.add_argument("--quick", action="store_true", help="leave out N = 10,000")
    parser.add_argument(
        "--timeout", type=float, default=300, help="seconds one measurement may take (default 300)"
    )
    parser.add_argument(
        "--record", action="store_true", help="write the report into docs/benchmarks.md"
    )
    parser.add_argument("--json", type=Path, help="also save the raw results here")
    parser.add_argument(
        "--clock",
        choices=("wall", "cpu"),
        default="wall",
        help="report wall-clock time (default) or the CPU time of each "
        "measuring process (steadier on a busy machine)",
    )
    args = parser.parse_args(argv)
    report.CLOCK = args.clock

    formats = formats_to_measure(args.formats, args.also)
    load_before = os.getloadavg()[0]
    work = Path(tempfile.mkdtemp(prefix="qbank-bench-"))
    started = time.perf_counter()
    try:
        banks = {
            "default": None,
            "numerical-50": str(bankgen.write_bank(work)),
            "statistics": str(HERE / "statistics.yaml"),
            "math": str(HERE / "math.yaml"),
            "math-off": str(_math_off(work)),
            **{key: str(path) for key, path in FIGURE_BANKS.items()},
        }
        unknown = sorted(set(args.banks) - set(banks))
        if unknown:
            raise SystemExit(f"no such bank: {', '.join(unknown)} (known: {', '.join(banks)})")
        cases = [
            c
            for c in MAIN_CASES
            if not (args.quick and c[1] >= 10_000) and (not args.banks or c[0] in args.banks)
        ]
        rows = []
        for bank_key, count in cases:
            for fmt in formats:
                if bank_key in FIGURE_BANKS and fmt not in FIGURE_FORMATS:
                    continue
                rows.append(measure(bank_key, banks[bank_key], count, fmt, work, args, "main"))
        if "docx" in formats and (not args.banks or "numerical-50" in args.banks):
            for bank_key, count in DOCX_SCALING:
                rows.append(
                    measure(bank_key, banks[bank_key], count, "docx", work, args, "docx-scaling")
                )
    finally:
        shutil.rmtree(work, ignore_errors=True)
    elapsed = time.perf_counter() - started
    text = report.render(rows, formats, elapsed, (load_before, os.getloadavg()[0]))
    print(text)
    if args.json:
        args.json.write_text(json.dumps(rows, indent=1))
    if args.record:
        report.record(text, ROOT / "docs" / "benchmarks.md")
        print("(recorded in docs/benchmarks.md)", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
