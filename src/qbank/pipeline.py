"""The main job as a library call: banks in, files out. The CLI is a thin layer on this.

Order matters here, because nothing may be lost: every bank is loaded and validated
(every problem of every bank reported at once) before anything is drawn, and everything is
drawn and exported into a temporary folder before any file appears in the output folder
(:mod:`qbank.output`).
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from dataclasses import replace as with_changes
from pathlib import Path
from typing import Protocol

from . import content, i18n, limits, textcheck
from .errors import BankInvalid, Problem, QbankError
from .exporters import (
    ExportOptions,
    default_formats,
    format_options,
    formats_using,
    get_exporter,
    registry,
)
from .generator import CompiledQuestion, generate, total_variants
from .model import Bank, GeneratedSet, Repeats
from .output import AtomicOutputSet, SetContent
from .templates import output_limit, time_limit
from .validation import (  # noqa: F401  (re-exported: the pipeline's public API)
    _too_much_text,
    load_and_validate,
    load_banks,
    validate_bank,
    validate_banks,
    variant_characters,
)

Warn = Callable[[str], None]


class Progress(Protocol):
    """What a run tells of its progress (the CLI shows it as a bar on a terminal)."""

    def begin(self, total: int, variants: int) -> None:
        """The whole run's work in units: each variant drawn is one, and writing one format
        of a bank counts as many units as drawing that bank's variants."""

    def stage(self, label: str) -> None:
        """What the run does now: "Drawing versions", "Writing docx", ..."""

    def advance(self, units: int) -> None:
        """``units`` more are done."""

    def end(self) -> None:
        """The run is over (finished or failed)."""


@dataclass
class RunResult:
    seed: int
    files: list[Path]
    sets: list[GeneratedSet]
    warnings: list[str] = field(default_factory=list)
    #: Earlier sets of other content (another seed, an edited bank), moved aside into
    #: these folders.
    moved_aside: list[Path] = field(default_factory=list)
    #: What the formats say about their files ("Paper: A4 (210 × 297 mm)"), once each.
    summary: list[str] = field(default_factory=list)


def choose_seed() -> int:
    return secrets.randbelow(900_000) + 100_000


def resolve_formats(formats: Sequence[str]) -> list[str]:
    known = list(registry())
    if not formats or "all" in formats:
        wanted = {*default_formats(), *formats}  # -f all -f pdf: pdf too
        return [name for name in known if name in wanted]
    unknown = [f for f in formats if f not in known]
    if unknown:
        raise QbankError(
            f"unknown format '{unknown[0]}'; the formats are {', '.join(known)} (or all)"
        )
    return list(dict.fromkeys(formats))


def _warn_unused_options(options: ExportOptions, formats: list[str], warn: Warn) -> None:
    """An option none of the chosen formats reads does nothing: say so, not silently."""
    for option in format_options():
        if options.values.get(option.name) in (None, False, option.default):
            continue
        users = formats_using(option)
        if not set(users) & set(formats):
            which = " and ".join(filter(None, [", ".join(users[:-1]), users[-1]]))
            warn(
                f"{option.flag} is for {which}, which {'are' if len(users) > 1 else 'is'} "
                f"not among the formats written ({', '.join(formats)}); it has no effect"
            )


def source_date_epoch() -> float | None:
    value = os.environ.get("SOURCE_DATE_EPOCH")
    if value is None:
        return None
    try:
        return float(int(value))
    except ValueError:
        raise QbankError(
            f"SOURCE_DATE_EPOCH must be a whole number of seconds, not '{value}'"
        ) from None


def generate_within_limits(
    bank: Bank,
    count: int,
    seed: int,
    compiled: dict[str, CompiledQuestion],
    progress: Callable[[int], None] | None = None,
    unique: bool = False,
) -> GeneratedSet:
    """:func:`qbank.generator.generate`, within the time and text limits of a variant, in
    the bank's language (its numbers written as the locale writes them)."""
    if not i18n.language(bank.language).neutral_numbers:
        for cq in compiled.values():  # the versions validate drew wrote numbers in English
            cq.tried.clear()
    message = (
        f"drawing one version of this question took longer than {limits.VARIANT_SECONDS:g} "
        "seconds; its formulas or texts do too much work"
    )
    with (
        time_limit(limits.VARIANT_SECONDS, message) as per_variant,
        output_limit(
            limits.VARIANT_CHARACTERS, _too_much_text("for one version", limits.VARIANT_CHARACTERS)
        ) as text,
    ):

        def next_variant(step: int) -> None:
            per_variant.renew()
            text.renew()
            if progress is not None:
                progress(step)

        with i18n.use_language(bank.language):
            return generate(
                bank, count, seed, progress=next_variant, compiled=compiled, unique=unique
            )


def repeats_message(repeats: Repeats) -> str:
    """The warning for a question whose versions repeat (a teacher may want --unique)."""
    q, n, possible = repeats.question, repeats.versions, repeats.possible
    d = repeats.distinct
    said = f"{n:,} versions but only {d:,} distinct {'one was' if d == 1 else 'ones were'} drawn"
    if not repeats.exact:
        said += (
            f" (at most {possible:,} are possible); use --unique to make every version different"
        )
    elif possible < n:
        said += f" (only {possible:,} are possible, so some versions must repeat)"
    else:
        said += f" ({possible:,} are possible); use --unique to make every version different"
    return str(Problem(said, q.file, q.line_of("params"), q.id))


def set_content(
    generated: GeneratedSet,
    *,
    unique: bool = False,
    options: ExportOptions | None = None,
    formats: Sequence[str] = (),
) -> SetContent:
    """What the students of a set see, as the digests its manifest records, with the
    options of the formats written that change it (``--shuffle``) when not their default."""
    shown = {}
    for option in format_options() if options is not None else ():
        assert options is not None  # the loop runs only with options
        value = options[option]
        if option.content and value != option.default and set(formats_using(option)) & set(formats):
            shown[option.flag] = value
    return SetContent(
        versions=content.version_digests(generated),
        questions=content.question_digests(generated),
        unique=unique,
        options=shown,
    )


def run(
    bank_paths: Sequence[str | Path],
    *,
    count: int = 1,
    seed: int | None = None,
    formats: Sequence[str] = ("all",),
    out_dir: str | Path = "out",
    options: ExportOptions | None = None,
    progress: Progress | None = None,
    on_start: Callable[[int, int], None] | None = None,
    warn: Warn | None = None,
    replace: bool = False,
    unique: bool = False,
    language: str | None = None,
) -> RunResult:
    """Load, validate, generate and export; nothing is written unless everything succeeds.

    ``warn`` hears what was changed to make files valid and which earlier sets were moved
    aside: an earlier set whose content differs from this run's (another seed, an edited
    bank) is never overwritten, unless ``replace``. ``unique`` makes every version of a
    question different where its parameters allow (see :func:`qbank.generator.generate`);
    without it, ``warn`` hears of questions whose versions repeat. ``progress`` hears the
    whole run: drawing, then each format being written. ``language`` (a BCP 47 tag, the
    ``--lang`` option) replaces every bank's ``language:`` (:mod:`qbank.i18n`).
    """
    warnings: list[str] = []

    def note(message: str) -> None:
        if message in warnings:  # formats that share a template (docx, pdf) say it once
            return
        warnings.append(message)
        if warn is not None:
            warn(message)

    names = resolve_formats(formats)
    options = options or ExportOptions()
    _warn_unused_options(options, names, note)
    for name in names:  # a bad option file (a Word template) fails before any work
        get_exporter(name).check(options, note)
    banks, compiled = load_and_validate(bank_paths, warn=note)
    if language is not None:
        banks = [with_changes(b, language=language) for b in banks]
    for b in banks:
        if said := i18n.language_warning(b.language):
            note(said)
    seed = choose_seed() if seed is None else seed
    if options.timestamp is None:
        options = with_changes(options, timestamp=source_date_epoch())
    drawn = {b.id: total_variants(b, count) for b in banks}
    if on_start is not None:
        on_start(sum(drawn.values()), seed)
    progress = progress or _NoProgress()
    progress.begin(sum(drawn.values()) * (1 + len(names)), sum(drawn.values()))
    try:
        progress.stage("Drawing versions")
        with output_limit(
            limits.RUN_CHARACTERS,
            f"the texts of this run would be longer than "
            f"{limits.RUN_CHARACTERS:,} characters; make fewer versions (-n)",
        ):
            sets = [
                generate_within_limits(b, count, seed, compiled[b.id], progress.advance, unique)
                for b in banks
            ]
        progress.stage("Checking texts and images")
        sets = _checked_texts(sets)
        for generated in sets:
            for repeats in generated.repeats:
                note(repeats_message(repeats))
        with AtomicOutputSet(Path(out_dir), warn=note, replace=replace) as outputs:
            for generated in sets:
                bank = generated.bank
                outputs.begin_set(
                    bank.id,
                    seed=seed,
                    count=count,
                    content=set_content(generated, unique=unique, options=options, formats=names),
                )
                for name in names:
                    progress.stage(f"Writing {name}" + (f" of {bank.id}" if len(sets) > 1 else ""))
                    with i18n.use_language(bank.language):
                        get_exporter(name).write(generated, outputs, options)
                    progress.advance(drawn[bank.id])
            files = outputs.commit()
    finally:
        progress.end()
    return RunResult(
        seed=seed,
        files=files,
        sets=sets,
        warnings=warnings,
        moved_aside=outputs.moved_aside,
        summary=_summary(banks, names, options),
    )


def _checked_texts(sets: list[GeneratedSet]) -> list[GeneratedSet]:
    """Every set with its images loaded (:func:`qbank.textcheck.check_set`); every
    problem of every set's texts at once."""
    checked, problems = [], []
    for generated in sets:
        try:
            checked.append(textcheck.check_set(generated))
        except BankInvalid as exc:
            problems.extend(exc.problems)
    if problems:
        raise BankInvalid(problems)
    return checked


def _summary(banks: list[Bank], formats: list[str], options: ExportOptions) -> list[str]:
    """What the formats say about their files (the paper), each line once."""
    lines: list[str] = []
    for bank in banks:
        for name in formats:
            for line in get_exporter(name).summary(bank, options):
                line = f"{line} ({bank.id})" if len(banks) > 1 else line
                lines.extend([line] if line not in lines else [])
    return lines


class _NoProgress:
    def begin(self, total: int, variants: int) -> None: ...

    def stage(self, label: str) -> None: ...

    def advance(self, units: int) -> None: ...

    def end(self) -> None: ...
