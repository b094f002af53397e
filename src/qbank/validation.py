"""Loading and validating banks: every problem of every bank at once, within limits.

What ``qbank validate`` does, and the first step of every run (:mod:`qbank.pipeline`):
each question is compiled and its parameter space tried (:mod:`qbank.trials`) under the
clocks and text budgets of :mod:`qbank.limits`, and a few variants built while trying are
kept for the run.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from pathlib import Path

from . import generator, limits, textcheck, trials
from .bank import load_bank
from .errors import BankInvalid, Problem, QbankError
from .generator import CompiledQuestion
from .kinds import KINDS
from .model import Bank, Drawn
from .templates import output_limit, time_limit

Warn = Callable[[str], None]


def load_banks(paths: Sequence[str | Path], warn: Warn | None = None) -> list[Bank]:
    """Load every bank (the default one when none is given), reporting all problems.

    ``warn`` hears what loading changed to make a bank safe (removed control characters).
    """
    banks, problems = _load_each(paths, warn)
    if problems:
        raise BankInvalid(problems)
    _check_distinct(banks)
    return banks


def load_and_validate(
    paths: Sequence[str | Path],
    warn: Warn | None = None,
) -> tuple[list[Bank], dict[str, dict[str, CompiledQuestion]]]:
    """What ``qbank validate`` does: every problem of every bank, all at once.

    The banks that load are validated even when another bank does not load, so one run
    lists everything to fix.
    """
    partial: list[Bank] = []
    banks, problems = _load_each(paths, warn, partial)
    _check_distinct(banks)
    try:
        # The questions without problems of the banks that have some are tried too: one
        # question's missing field never hides another's division by zero.
        compiled = validate_banks(banks + partial)
    except BankInvalid as exc:
        problems.extend(exc.problems)
    if problems:
        files = {p.file: rank for rank, p in reversed(list(enumerate(problems)))}
        problems.sort(key=lambda p: (files[p.file], p.line or 0))
        raise BankInvalid(problems)
    return banks, compiled


def _load_each(
    paths: Sequence[str | Path], warn: Warn | None, partial: list[Bank] | None = None
) -> tuple[list[Bank], list[Problem]]:
    """The banks that load, and every problem of the others; with ``partial``, the part of
    each bank with problems that could be read goes there (its warnings are given too)."""
    problems: list[Problem] = []
    banks = []
    each: Sequence[str | Path | None] = paths or [None]
    for path in each:
        try:
            bank = load_bank(path)
        except BankInvalid as exc:
            problems.extend(exc.problems)
            if partial is not None and isinstance(exc.partial, Bank):
                partial.append(exc.partial)
                if warn is not None:
                    for message in exc.partial.warnings:
                        warn(message)
            continue
        except QbankError as exc:
            problems.append(exc.problem)
            continue
        banks.append(bank)
        if warn is not None:
            for message in bank.warnings:
                warn(message)
    return banks, problems


def _check_distinct(banks: list[Bank]) -> None:
    seen: dict[str, Bank] = {}
    for bank in banks:
        # Case-insensitive: on Windows and macOS 'Unit1.json' and 'unit1.json' are one file.
        other = seen.setdefault(bank.id.casefold(), bank)
        if other is not bank:
            raise QbankError(
                f"two banks have the same id '{bank.id}' (also in {other.file}); "
                "their files would overwrite each other",
                file=bank.file,
            )


def validate_banks(banks: Sequence[Bank]) -> dict[str, dict[str, CompiledQuestion]]:
    """Compile and try every question of every bank; raise every problem at once."""
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


def validate_bank(bank: Bank) -> dict[str, CompiledQuestion]:
    """Compile every question and try its parameter space; raise every problem at once.

    One question at a time (compile, try the parameter space with
    :func:`qbank.trials.check_question`, keep a few built variants for the run), each
    question under limits.QUESTION_CHECK_SECONDS and limits.QUESTION_CHECK_CHARACTERS. Once
    limits.BANK_CHECK_SECONDS have passed, checking stops with a problem naming the first
    question not checked. Variants kept for the run are bounded in characters too
    (limits.KEPT_CHARACTERS), not only in number, so a bank of huge texts cannot fill memory.
    """
    problems: list[Problem] = []
    compiled: dict[str, CompiledQuestion] = {}
    keep, kept_characters = limits.VALIDATION_KEEP_LIMIT, 0
    texts = textcheck.TextChecker(bank)
    texts.bank_texts()
    with time_limit(limits.BANK_CHECK_SECONDS, _bank_too_slow()) as bank_limit:
        for question in bank.questions:
            if bank_limit.expired:
                problems.append(
                    Problem(
                        bank_limit.message + "; this question and the ones "
                        "after it were not checked",
                        question.file,
                        question.line,
                        question.id,
                    )
                )
                break
            with (
                time_limit(limits.QUESTION_CHECK_SECONDS, _question_too_slow()) as clock,
                output_limit(
                    limits.QUESTION_CHECK_CHARACTERS,
                    _too_much_text(
                        "while its parameter values are tried", limits.QUESTION_CHECK_CHARACTERS
                    ),
                ) as text,
            ):
                try:
                    cq = generator.compile_question(question)
                except BankInvalid as exc:
                    problems.extend(exc.problems)
                    continue
                problem = trials.check_question(cq, keep)
            problem = problem or _too_long_variant(cq)
            if problem is not None:
                problems.append(problem)
            else:  # the texts of the versions tried parse, their images load
                _check_texts(texts, cq)
            written = text.characters - text.left  # at least what cq.tried holds
            if kept_characters + written > limits.KEPT_CHARACTERS:
                cq.tried.clear()  # the run builds them again, within its own limits
            kept_characters += written if cq.tried else 0
            keep -= len(cq.tried)
            compiled[question.id] = cq
            if (
                clock.expired
                and bank_limit.deadline > time.process_time() + limits.QUESTION_CHECK_SECONDS
            ):
                # A bank built to be slow: give the rest of it one question's time, not
                # the whole bank's, so a bank of many slow questions still ends quickly.
                bank_limit.deadline = time.process_time() + limits.QUESTION_CHECK_SECONDS
                bank_limit.message = (
                    f"checking stopped early because question '{question.id}' was too slow to check"
                )
    problems.extend(texts.problems)
    if problems:
        raise BankInvalid(problems)
    return compiled


def _check_texts(texts: textcheck.TextChecker, cq: CompiledQuestion) -> None:
    """Markdown, math and image problems in the versions tried (a run checks them all)."""
    draws = [made for made in cq.tried.values() if isinstance(made, Drawn)]
    if isinstance(cq.sample, Drawn):  # a question with figures: the draw that has them
        draws = [cq.sample]
    for drawn in draws[: limits.TEXT_CHECK_DRAWS]:
        texts.drawn(drawn)


def _too_long_variant(cq: CompiledQuestion) -> Problem | None:
    """A variant kept from validation skips the run's per-variant limit: check it here."""
    for made in cq.tried.values():
        if isinstance(made, Drawn) and variant_characters(made) > limits.VARIANT_CHARACTERS:
            q = cq.question
            return Problem(
                _too_much_text("for one version", limits.VARIANT_CHARACTERS), q.file, q.line, q.id
            )
    return None


def variant_characters(drawn: Drawn) -> int:
    """How many characters of text a draw holds (what its memory grows with)."""
    texts = [
        drawn.text,
        drawn.title,
        drawn.solution,
        drawn.feedback,
        *KINDS[drawn.question.type].texts(drawn.payload),
        *(x for x in drawn.derived.values() if isinstance(x, str)),
    ]
    return sum(map(len, texts))


def _question_too_slow() -> str:
    return (
        f"trying this question's parameter values took longer than "
        f"{limits.QUESTION_CHECK_SECONDS:g} seconds; its formulas or texts do too much work"
    )


def _too_much_text(when: str, limit: int) -> str:
    return (
        f"the texts it makes {when} would be longer than {limit:,} characters; it makes "
        "too much text"
    )


def _bank_too_slow() -> str:
    return (
        f"checking the bank took longer than {limits.BANK_CHECK_SECONDS:g} seconds; split it "
        "into smaller banks or simplify its formulas"
    )
