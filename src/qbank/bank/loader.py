"""Turn a bank file into a validated :class:`qbank.model.Bank`.

Problems are collected, not raised one at a time, so ``qbank validate`` can list every
problem of a file at once; each carries the file, line and question id. The fields every
question has are read here; a question's own type's fields are read by its kind module
(:mod:`qbank.kinds`).
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Iterable
from dataclasses import replace
from importlib import resources
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from .. import limits
from ..errors import BankError, BankInvalid, Problem, QbankError
from ..kinds import KINDS, QUESTION_TYPES
from ..kinds.base import article
from ..kinds.cloze import CLOZE_BLANK
from ..model import Bank, Question
from .messages import did_you_mean, report, salvage
from .params import read_data, read_figures, read_let, read_params, read_where
from .schema import BANK_FIELDS, COMMON_FIELDS, QUESTION_FIELDS, BankSpec, QuestionFields
from .yamlfile import LineDict, LineList, ParsedYaml, TrailingComment, read_text, read_yaml

DEFAULT_BANK_ID = "open-vs-closed-ai"


def default_bank_path() -> Path:
    return Path(str(resources.files("qbank.bank") / "default" / f"{DEFAULT_BANK_ID}.yaml"))


def load_bank(path: str | Path | None = None) -> Bank:
    """Load and validate a bank file (the embedded default bank when ``path`` is None)."""
    file = str(path) if path is not None else str(default_bank_path())
    text = read_text(file)
    return load_bank_text(
        text, file=file if path is not None else f"<default bank {DEFAULT_BANK_ID}>"
    )


def load_bank_text(text: str, file: str = "<bank>") -> Bank:
    """The bank in ``text``; :class:`BankInvalid` lists every problem the loader found, with
    ``partial``: the bank of the questions that have none (for ``validate`` to check)."""
    parsed = read_yaml(text, file)
    try:
        bank = _BankReader(file).read(parsed.data)
    except BankInvalid as exc:
        if isinstance(exc.partial, Bank):
            exc.partial = _with_warnings(exc.partial, parsed, file)
        raise
    return _with_warnings(bank, parsed, file)


def _with_warnings(bank: Bank, parsed: ParsedYaml, file: str) -> Bank:
    found = [(r.line, r.describe()) for r in parsed.removals]
    found += [(c.line, _comment_words(c)) for c in parsed.comments if _is_text_field(c.key)]
    if not found:
        return bank
    warnings = tuple(
        str(Problem(message, file, line, _question_at(parsed.data, line)))
        for line, message in sorted(found, key=lambda f: f[0])
    )
    return replace(bank, warnings=bank.warnings + warnings)


#: Fields whose values are texts students read, where a '#' is more likely part of the text
#: than a comment. Formula fields (answer, tolerance, let, where, params) are left out, where
#: "answer: price * requests  # formula" is a real comment, and so are short labels such as
#: 'title' and 'section', which the starter bank annotates with comments.
_TEXT_FIELDS = frozenset({"text", "intro", "instructions", "solution"})


def _is_text_field(key: str | None) -> bool:
    return key is not None and (key in _TEXT_FIELDS or "feedback" in key or key == "choices")


def _comment_words(comment: TrailingComment) -> str:
    """The warning for a text a '#' cut short."""
    value = " ".join(comment.value.split())
    cut = comment.comment if len(comment.comment) <= 40 else comment.comment[:37] + " …"
    whole = f"{value} {comment.comment}"
    whole = whole if len(whole) <= 50 else whole[:47] + " …"
    quote = "'" if '"' in whole and "'" not in whole else '"'
    return (
        f'\'{comment.key}\' reads only "{value}": the rest of the line, "{cut}", is a YAML '
        "comment (a '#' after a space starts one); if it is part of the text, put the whole "
        f"value in quotes ({comment.key}: {quote}{whole}{quote}) or use a '|' block"
    )


def _question_at(raw: Any, line: int) -> str | None:
    """The id of the question written on ``line`` of the file, if any."""
    questions = raw.get("questions") if isinstance(raw, LineDict) else None
    if not isinstance(questions, LineList) or line < questions.line:
        return None
    found = None
    for start, item in zip(questions.item_lines, questions):
        if start > line:
            break
        found = item
    qid = found.get("id") if isinstance(found, dict) else None
    return str(qid) if isinstance(qid, (str, int)) and not isinstance(qid, bool) else None


class _BankReader:
    def __init__(self, file: str) -> None:
        self.file = file
        self.problems: list[Problem] = []
        self.warnings: list[str] = []

    # -- problem collection ------------------------------------------------------------

    def problem(self, message: str, line: int | None, question: str | None = None) -> None:
        self.problems.append(Problem(message, self.file, line, question))

    def warning(self, message: str, line: int | None, question: str | None = None) -> None:
        self.warnings.append(str(Problem(message, self.file, line, question)))

    # -- bank --------------------------------------------------------------------------

    def read(self, raw: Any) -> Bank:
        if not isinstance(raw, LineDict):
            raise BankError(_not_a_bank(raw), file=self.file, line=getattr(raw, "line", 1))
        raw_questions = raw.get("questions")
        if isinstance(raw_questions, list) and len(raw_questions) > limits.MAX_QUESTIONS:
            raise BankError(
                f"the bank has {len(raw_questions):,} questions, more than the "
                f"{limits.MAX_QUESTIONS:,} a bank may hold; split it into several banks",
                file=self.file,
                line=raw.key_lines.get("questions"),
            )
        spec: BankSpec | None = None
        try:
            spec = BankSpec.model_validate(raw)
        except ValidationError as exc:
            # Each question is checked on its own below, with better words.
            report(
                exc, raw, BANK_FIELDS, lambda m, line: self.problem(m, line), skip=("questions",)
            )
        questions: list[Question] = []
        seen: dict[str, int] = {}
        if isinstance(raw_questions, list):
            bank_tags = tuple(_tag(t) for t in spec.tags) if spec else ()
            for index, item in enumerate(raw_questions):
                line = (
                    raw_questions.item_lines[index] if isinstance(raw_questions, LineList) else None
                )
                question = self.question(item, line, bank_tags)
                # The id as written, so a question with problems still claims its id.
                qid = item.get("id") if isinstance(item, LineDict) else None
                qid = question.id if question is not None else qid
                if not isinstance(qid, str):
                    continue
                if qid in seen:
                    self.problem(
                        f"the id '{qid}' is used twice (first on line "
                        f"{seen[qid]}); every question needs its own id",
                        item.line,
                        qid,
                    )
                    continue
                seen[qid] = item.line
                if question is not None:
                    questions.append(question)
        if self.problems or spec is None:
            self.problems.sort(key=lambda p: p.line or 0)
            raise BankInvalid(
                self.problems or [Problem("the bank is not valid", self.file)],
                partial=self._bank(spec, raw, questions),
            )
        return self._bank(spec, raw, questions)

    def _bank(self, spec: BankSpec | None, raw: LineDict, questions: list[Question]) -> Bank:
        """The bank; without ``spec`` (its own fields have problems), only what ``validate``
        needs to check its questions."""
        if spec is None:
            rid = raw.get("id")
            return Bank(
                id=rid if isinstance(rid, str) else "",
                title="",
                questions=tuple(questions),
                file=self.file,
            )
        return Bank(
            id=spec.id,
            title=spec.title.strip(),
            subtitle=spec.subtitle.strip(),
            intro=spec.intro.strip(),
            tags=tuple(_tag(t) for t in spec.tags),
            instructions=spec.instructions.strip(),
            language=spec.language,
            paper=spec.paper,
            math=spec.math,
            questions=tuple(questions),
            file=self.file,
            warnings=tuple(self.warnings),
        )

    # -- one question ------------------------------------------------------------------

    # -- one question ------------------------------------------------------------------

    def question(self, raw: Any, line: int | None, bank_tags: tuple[str, ...]) -> Question | None:
        if not isinstance(raw, LineDict):
            self.problem(
                "each question must be a set of fields such as 'id:', 'type:' and "
                "'text:' (start it with '- id: ...')",
                line,
            )
            return None
        qid = raw.get("id") if isinstance(raw.get("id"), str) else None
        line = raw.line
        before = len(self.problems)
        qtype = raw.get("type")
        if isinstance(qtype, str) and qtype not in KINDS:
            self.problem(
                f"unknown question type '{qtype}'{did_you_mean(qtype, QUESTION_TYPES)}"
                f"; the types are {', '.join(QUESTION_TYPES)}",
                raw.key_lines.get("type", line),
                qid,
            )
            return None
        try:
            fields = QuestionFields.model_validate(raw)
        except ValidationError as exc:
            report(exc, raw, QUESTION_FIELDS, lambda m, at: self.problem(m, at, qid))
            salvaged = salvage(raw, exc)
            if salvaged is None:
                return None
            # Go on checking what is left, so every problem of the file shows at once.
            fields, dropped = salvaged
        else:
            dropped = set()
        reader = _FieldReader(self, fields, raw)
        kind = KINDS[fields.type]
        for name in raw:
            if name not in QUESTION_FIELDS or name in COMMON_FIELDS or name in kind.fields:
                continue  # unknown fields are reported by pydantic
            owners = [k.name for k in KINDS.values() if name in k.fields]
            reader.bad(
                f"'{name}' does not belong to {article(kind.name)} {kind.name} question"
                + (f" (it is for {', '.join(owners)} questions)" if owners else ""),
                name,
            )
        if not fields.text.strip():
            reader.bad("'text' is empty", "text")
        params = read_params(fields, raw, reader.bad, self.problem, self.warning)
        let = read_let(
            fields, raw, reader.bad, self.problem, {p.name for p in params}, self.warning
        )
        where = read_where(fields, reader.bad)
        figures = read_figures(fields, raw, reader.bad, self.problem)
        data = read_data(fields, raw, self.problem)
        spec = None
        if not dropped & kind.fields.keys():  # else its problem is already reported
            spec = kind.read(reader)
        if len(self.problems) > before or spec is None:
            if len(self.problems) == before:  # a kind must say why; never fail silently
                reader.bad(f"the {kind.name} question could not be read")
            return None
        return Question(
            id=fields.id,
            type=kind.name,
            title=(fields.title or _title_from(fields.id, fields.text)).strip(),
            text=fields.text.strip("\n"),
            line=line,
            file=self.file,
            section=(fields.section or kind.default_section).strip(),
            solution=fields.solution.strip("\n"),
            feedback=fields.feedback.strip("\n"),
            tags=tuple(dict.fromkeys((*bank_tags, *(_tag(t) for t in fields.tags)))),
            points=fields.points,
            params=params,
            let=let,
            where=where,
            figures=figures,
            data=data,
            spec=spec,
            field_lines={
                **raw.key_lines,
                **_let_lines(raw),
                **_figure_lines(raw),
                **_data_lines(raw),
            },
            block_lines=_block_lines(raw),
        )


def _let_lines(raw: LineDict) -> dict[str, int]:
    """``let.NAME`` → the line of that 'let' value: a formula that fails names its own line."""
    let = raw.get("let")
    if not isinstance(let, LineDict):
        return {}
    return {f"let.{name}": line for name, line in let.key_lines.items() if isinstance(name, str)}


def _figure_lines(raw: LineDict) -> dict[str, int]:
    """``figure.x`` or ``figures.2.x`` → the line of that field of a figure."""
    lines: dict[str, int] = {}
    one, many = raw.get("figure"), raw.get("figures")
    if isinstance(one, LineDict):
        lines.update({f"figure.{k}": line for k, line in one.key_lines.items()})
    if isinstance(many, LineList):
        for n, (start, item) in enumerate(zip(many.item_lines, many), 1):
            lines[f"figures.{n}"] = start
            if isinstance(item, LineDict):
                lines.update({f"figures.{n}.{k}": line for k, line in item.key_lines.items()})
    return lines


def _data_lines(raw: LineDict) -> dict[str, int]:
    """``data.HEADING`` → the line of that column of the data set."""
    data = raw.get("data")
    columns = data.get("columns") if isinstance(data, LineDict) else None
    if isinstance(columns, LineDict):
        return {f"data.{k}": line for k, line in columns.key_lines.items()}
    if isinstance(columns, LineList):
        return {
            f"data.{item}": line
            for item, line in zip(columns, columns.item_lines)
            if isinstance(item, str)
        }
    return {}


def _block_lines(raw: LineDict) -> dict[str, int]:
    """Where the text of each '|' block starts, as the question keeps it (leading blank
    lines are stripped from texts)."""
    lines = {}
    for key, start in raw.block_lines.items():
        value = raw.get(key)
        if isinstance(value, str):
            lines[key] = start + len(value) - len(value.lstrip("\n"))
    return lines


class _FieldReader:
    """What a kind reads its own fields through (:class:`qbank.kinds.base.FieldReader`)."""

    def __init__(self, bank: _BankReader, fields: QuestionFields, raw: LineDict) -> None:
        self._bank = bank
        self.fields = fields
        self._raw = raw
        self.written: Iterable[str] = tuple(raw)
        self._id = fields.id

    def bad(self, message: str, field: str | None = None) -> None:
        line = self._raw.key_lines.get(field, self._raw.line) if field else self._raw.line
        self._bank.problem(message, line, self._id)

    def problem(self, message: str, line: int | None) -> None:
        self._bank.problem(message, line, self._id)

    def item_lines(self, field: str) -> list[int]:
        value = self._raw.get(field)
        if isinstance(value, LineList):
            return list(value.item_lines)
        if isinstance(value, LineDict):
            return [value.key_lines[k] for k in value]
        return []


def _not_a_bank(raw: Any) -> str:
    start = "a bank file must start with fields such as 'id:', 'title:' and 'questions:'"
    if raw is None:
        return f"the file is empty; {start}"
    if isinstance(raw, list):
        return (
            f"the file is a list (its first line starts with '-'); {start}, "
            "and the questions go in a list under 'questions:'"
        )
    return f"{start}, not with a single value"


def _title_from(qid: str, text: str) -> str:
    from ..richtext import RichTextError, parse_inline, plain_text
    from ..templates import is_template

    first = text.strip().split("\n", 1)[0]
    first = CLOZE_BLANK.sub("…", first)
    if first and not is_template(first):
        # A title is plain text: the first line's Markdown as it reads (formulas as source).
        with contextlib.suppress(RichTextError):
            first = plain_text(parse_inline(first)).strip()
        if len(first) <= 70:
            return first.rstrip(".:")
        cut = first[:67].rsplit(" ", 1)[0]
        return cut + "…"
    words = re.sub(r"[-_.]+", " ", qid).strip()
    return words[:1].upper() + words[1:]


def _tag(tag: str) -> str:
    # Anki and Moodle tags cannot hold spaces.
    return re.sub(r"\s+", "_", tag.strip())


__all__ = ["DEFAULT_BANK_ID", "QbankError", "default_bank_path", "load_bank", "load_bank_text"]
