"""The jobs the worker process runs (:mod:`qbank.serve.worker`): each calls the same
library functions as the CLI (:mod:`qbank.validation`, :mod:`qbank.pipeline`,
:mod:`qbank.textcheck`) and returns plain data for the browser.

They run with the served folder as the current folder, so a bank's path and its messages
read as they do in a terminal opened there (``bank.yaml:12: question 'q1': ...``).
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

from .. import generator, limits, textcheck
from ..bank.loader import load_bank_text
from ..errors import BankInvalid, Problem, QbankError
from ..i18n import use_language
from ..kinds import KINDS
from ..model import Bank, GeneratedSet, Question, Variant
from ..pipeline import _too_much_text, load_and_validate, validate_banks
from ..richtext import RichTextError, parse_block, parse_inline, to_html
from ..templates import output_limit, time_limit
from .cards import anki_cards, moodle_question
from .sheet import worksheet_page


def _problem(p: Problem) -> dict[str, Any]:
    return {"line": p.line, "message": str(p), "file": p.file}


def _load(text: str, path: str) -> tuple[Bank | None, list[Problem]]:
    """The bank in ``text`` (or the part of it that loads) and the loader's problems."""
    try:
        return load_bank_text(text, file=path), []
    except BankInvalid as exc:
        partial = exc.partial if isinstance(exc.partial, Bank) else None
        return partial, list(exc.problems)
    except QbankError as exc:
        return None, [exc.problem]


def question_at(bank: Bank, line: int) -> Question | None:
    """The question whose text holds ``line`` (the last one starting at or before it)."""
    chosen = None
    for q in bank.questions:
        if q.line <= line:
            chosen = q
    return chosen or (bank.questions[0] if bank.questions else None)


def look(
    path: str,
    text: str,
    line: int = 1,
    seed: int = 0,
    number: int = 1,
    count: int = 1,
    shown: str = "sheet",
) -> dict[str, Any]:
    """What the editor shows while typing: the problems of the file's structure and of one
    variant of the question at ``line`` (variant ``number`` under ``seed``), and that
    variant's preview. The full check of every combination is :func:`check_all`."""
    bank, problems = _load(text, path)
    result: dict[str, Any] = {"problems": [], "preview": None, "questions": []}
    if bank is not None:
        result["questions"] = [{"id": q.id, "line": q.line} for q in bank.questions]
        question = question_at(bank, line)
        if question is not None and not any(p.question == question.id for p in problems):
            try:
                with use_language(bank.language):  # its labels and numbers (qbank.i18n)
                    result["preview"] = _preview(bank, question, seed, number, count, shown)
            except BankInvalid as exc:
                problems.extend(exc.problems)
            except QbankError as exc:
                problems.append(exc.problem)
        result["warnings"] = list(bank.warnings)
    result["problems"] = [_problem(p) for p in problems]
    return result


def _preview(
    bank: Bank, q: Question, seed: int, number: int, count: int, shown: str = "sheet"
) -> dict[str, Any]:
    """The variant's worksheet look (student and key), and its Anki, Moodle or Word page
    look when ``shown`` asks for it (each costs an export or a plan of the one question)."""
    cq = generator.compile_question(q)
    one = dataclasses.replace(bank, questions=(q,))
    variant = _variant(cq, bank.id, seed, number if q.randomised else 1)
    # the one variant shown, in a set of the size asked for (the Anki card says "version K of N")
    single = GeneratedSet(
        bank=one, seed=seed, count=max(count, number), variants={q.id: (variant,)}
    )
    checked = textcheck.check_set(single)  # images and figures loaded, texts checked
    media = {
        src: {"name": image.name, "type": image.media_type, "data": image.data}
        for src, image in checked.media.items()
    }
    student = _student_html(variant, bank.math, media)
    word = word_key = None
    if shown == "word":
        word, answer = worksheet_page(
            bank,
            variant,
            number=number if q.randomised else 1,
            count=count,
            block=lambda text: _block(text, bank.math, media),
            inline=lambda text: _inline(text, bank.math, media),
            body=student,
        )
        word_key = _key_html(variant, bank.math, media, answer)
    return {
        "question": q.id,
        "title": variant.title,
        "type": q.type,
        "line": q.line,
        "randomised": q.randomised,
        "number": number if q.randomised else 1,
        "count": count,
        "seed": seed,
        "values": {k: _shown(v) for k, v in variant.params.items()},
        "student": student,
        "key": _key_html(variant, bank.math, media),
        "media": media,
        "anki": [
            {side: _ANKI_IMAGE.sub(r'src="media/\1"', html) for side, html in card.items()}
            for card in anki_cards(checked, variant)
        ]
        if shown == "anki"
        else [],
        "moodle": moodle_question(checked) if shown == "moodle" else None,
        "word": word,
        "word_key": word_key,
    }


def _variant(cq: generator.CompiledQuestion, bank_id: str, seed: int, number: int) -> Variant:
    """Variant ``number`` alone, as :func:`qbank.pipeline.generate_within_limits` draws it
    in a run (the same seed for it, the same clocks and text budget); the versions before it
    are not drawn, so version 30 of a question with a figure costs one figure, not 30."""
    message = (
        f"drawing one version of this question took longer than {limits.VARIANT_SECONDS:g} "
        "seconds; its formulas or texts do too much work"
    )
    with (
        time_limit(limits.VARIANT_SECONDS, message),
        output_limit(
            limits.VARIANT_CHARACTERS, _too_much_text("for one version", limits.VARIANT_CHARACTERS)
        ),
    ):
        return generator.draw_variant(cq, bank_id, seed, number, memo=dict(cq.tried))


def _shown(value: Any) -> str:
    from ..numeric import plain

    try:
        return plain(value)
    except Exception:
        return str(value)


_MARK = re.compile(r"\x00(\d+)\x00")
_ANKI_IMAGE = re.compile(r'src="(qbank-[0-9a-zA-Z_-]+\.[a-z]+)"')


def _images(media: dict[str, dict[str, Any]]) -> Callable[[str], str]:
    def src(path: str) -> str:
        image = media.get(path)
        return f"media/{image['name']}" if image else ""

    return src


def _block(text: str, math: bool, media: dict[str, dict[str, Any]], blanks: bool = False) -> str:
    try:
        return to_html(parse_block(text, blanks=blanks, math=math), image_src=_images(media))
    except RichTextError:
        return f"<p>{_escape(text)}</p>"


def _inline(text: str, math: bool, media: dict[str, dict[str, Any]]) -> str:
    try:
        return to_html(parse_inline(text, math=math), image_src=_images(media))
    except RichTextError:
        return _escape(text)


def _escape(text: str) -> str:
    from ..richtext.html import escape_html

    return escape_html(text)


def _student_html(v: Variant, math: bool, media: dict[str, dict[str, Any]]) -> str:
    """The question as the kind's preview lays it out (``qbank preview``), in HTML."""
    blocks: list[str] = []

    def wrap(text: str, indent: str = "   ", *, blanks: bool = False) -> str:
        blocks.append(_block(text, math, media, blanks))
        return f"\x00{len(blocks) - 1}\x00"

    out = []
    for line in KINDS[v.type].preview(v, wrap):
        marked = _MARK.fullmatch(line.strip())
        if marked:
            out.append(f'<div class="text">{blocks[int(marked.group(1))]}</div>')
        elif line.strip():
            out.append(f'<div class="line">{_inline(line.strip(), math, media)}</div>')
    return "\n".join(out)


def _key_html(
    v: Variant, math: bool, media: dict[str, dict[str, Any]], answer: str | None = None
) -> str:
    """The answer (``answer``: HTML given, else the kind's answer line) and the solution."""
    if answer is None:
        answer = _inline(KINDS[v.type].answer_line(v), math, media)
    out = [f'<div class="answer">{answer}</div>']
    if v.solution:
        out.append(f'<div class="solution">{_block(v.solution, math, media)}</div>')
    return "\n".join(out)


def check_all(path: str, text: str, on_disk: bool) -> dict[str, Any]:
    """``qbank validate``: every combination of every question. The file as saved goes
    through the very function the command calls; unsaved text through the same steps."""
    if on_disk:
        banks, _ = load_and_validate([path])  # BankInvalid: the worker reports its problems
        bank = banks[0]
    else:
        loaded, problems = _load(text, path)
        if loaded is not None:
            try:
                validate_banks([loaded])
            except BankInvalid as exc:
                problems.extend(exc.problems)
        if problems:
            problems.sort(key=lambda p: p.line or 0)
            raise BankInvalid(problems)
        assert loaded is not None
        bank = loaded
    return {
        "message": f"{path}: OK, {len(bank.questions)} questions "
        f"({sum(q.randomised for q in bank.questions)} randomised)",
        "warnings": list(bank.warnings),
    }


def generate(
    path: str,
    count: int | None,
    seed: int | None,
    formats: list[str],
    values: dict[str, Any],
    roster: str | None = None,
    report: Callable[[Any], None] | None = None,
    unique: bool = False,
    replace: bool = False,
    language: str | None = None,
) -> dict[str, Any]:
    """``qbank generate PATH -n COUNT --seed SEED -f ... [--roster FILE] [--unique]
    [--replace] [--lang TAG] [format options] -o <bank's folder>/out``: the class list read
    by the same function, its checks as the command's."""
    from ..exporters import ExportOptions
    from ..pipeline import run
    from ..roster import class_list_for_run

    names, classes, count = class_list_for_run(roster, count)

    out_dir = Path(path).parent / "out"
    progress = _Progress(report)
    result = run(
        [path],
        count=count or 1,
        seed=seed,
        formats=formats or ["all"],
        out_dir=out_dir,
        options=ExportOptions(roster=names, classes=classes, values=values),
        progress=progress,
        unique=unique,
        replace=replace,
        language=language,
    )
    return {
        "seed": result.seed,
        "files": [str(f) for f in result.files],
        "warnings": result.warnings,
        "summary": result.summary,
        "moved_aside": [str(p) for p in result.moved_aside],
    }


generate.reports = True  # type: ignore[attr-defined]  # the worker passes report=


class _Progress:
    """The run's progress (:class:`qbank.pipeline.Progress`), sent to the server."""

    def __init__(self, report: Callable[[Any], None] | None) -> None:
        self.report = report or (lambda value: None)
        self.total = 1
        self.done = 0
        self.label = ""

    def begin(self, total: int, variants: int) -> None:
        self.total = max(total, 1)

    def stage(self, label: str) -> None:
        self.label = label
        self.report({"label": label, "done": self.done, "total": self.total})

    def advance(self, units: int) -> None:
        before = self.done * 20 // self.total
        self.done += units
        if self.done * 20 // self.total != before:  # a message every 5%
            self.report({"label": self.label, "done": self.done, "total": self.total})

    def end(self) -> None: ...
