"""The main job as a library call: banks in, files out. The CLI is a thin layer on this."""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Sequence

from .bank import load_bank
from .errors import BankInvalid, Problem, QbankError
from .exporters import ExportOptions, get_exporter, registry
from .generator import generate, total_variants, validate_bank
from .model import Bank, GeneratedSet
from .output import AtomicOutputSet


@dataclass
class RunResult:
    seed: int
    files: list[Path]
    sets: list[GeneratedSet]
    warnings: list[str] = field(default_factory=list)


def choose_seed() -> int:
    return secrets.randbelow(900_000) + 100_000


def load_banks(paths: Sequence[str | Path]) -> list[Bank]:
    """Load every bank (the default one when none is given), reporting all problems."""
    problems: list[Problem] = []
    banks = []
    for path in paths or [None]:
        try:
            banks.append(load_bank(path))
        except BankInvalid as exc:
            problems.extend(exc.problems)
        except QbankError as exc:
            problems.append(exc.problem)
    if problems:
        raise BankInvalid(problems)
    ids = [b.id for b in banks]
    for bank in banks:
        if ids.count(bank.id) > 1:
            raise QbankError(f"two banks have the same id '{bank.id}'; their files would "
                             "overwrite each other", file=bank.file)
    return banks


def validate_banks(banks: Sequence[Bank]) -> dict[str, dict]:
    problems: list[Problem] = []
    compiled = {}
    for bank in banks:
        try:
            compiled[bank.id] = validate_bank(bank)
        except BankInvalid as exc:
            problems.extend(exc.problems)
    if problems:
        raise BankInvalid(problems)
    return compiled


def resolve_formats(formats: Sequence[str]) -> list[str]:
    known = list(registry())
    if not formats or "all" in formats:
        return known
    unknown = [f for f in formats if f not in known]
    if unknown:
        raise QbankError(f"unknown format '{unknown[0]}'; the formats are "
                         f"{', '.join(known)} (or all)")
    return list(dict.fromkeys(formats))


def source_date_epoch() -> float | None:
    value = os.environ.get("SOURCE_DATE_EPOCH")
    if value is None:
        return None
    try:
        return float(int(value))
    except ValueError:
        raise QbankError(f"SOURCE_DATE_EPOCH must be a whole number of seconds, not '{value}'") from None


def run(
    bank_paths: Sequence[str | Path],
    *,
    count: int = 1,
    seed: int | None = None,
    formats: Sequence[str] = ("all",),
    out_dir: str | Path = "out",
    options: ExportOptions | None = None,
    progress: Callable[[int], None] | None = None,
    on_start: Callable[[int, int], None] | None = None,
    warn: Callable[[str], None] | None = None,
) -> RunResult:
    """Load, validate, generate and export; nothing is written unless everything succeeds."""
    banks = load_banks(bank_paths)
    names = resolve_formats(formats)
    compiled = validate_banks(banks)
    seed = choose_seed() if seed is None else seed
    options = options or ExportOptions()
    if options.timestamp is None:
        options = _with(options, timestamp=source_date_epoch())
    if on_start is not None:
        on_start(sum(total_variants(b, count) for b in banks), seed)
    sets = [generate(b, count, seed, progress=progress, compiled=compiled[b.id]) for b in banks]
    with AtomicOutputSet(Path(out_dir), warn=warn) as outputs:
        for generated in sets:
            bank_options = options
            if generated.bank.file and os.path.exists(generated.bank.file):
                bank_options = _with(options, source_mtime=os.path.getmtime(generated.bank.file))
            for name in names:
                get_exporter(name).write(generated, outputs, bank_options)
        files = outputs.commit()
        return RunResult(seed=seed, files=files, sets=sets, warnings=outputs.warnings)


def _with(options: ExportOptions, **changes) -> ExportOptions:
    from dataclasses import replace

    return replace(options, **changes)
