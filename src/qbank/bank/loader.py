"""Turn a bank file into a validated :class:`qbank.model.Bank`.

Problems are collected, not raised one at a time, so ``qbank validate`` can list every
problem of a file at once; each carries the file, line and question id.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import replace
from decimal import Decimal
from importlib import resources
from pathlib import Path
from typing import Any, Callable

from pydantic import ValidationError

from .. import numeric
from .. import limits
from ..errors import BankError, BankInvalid, Problem, QbankError
from ..model import (DEFAULT_SECTION, DEFAULT_SECTIONS, QUESTION_TYPES, Bank, Choice, Param,
                     Question, Tolerance)
from .schema import (BANK_FIELDS, NAME_PATTERN,
                     QUESTION_FIELDS, BankSpec, ParamSpec, QuestionSpec)
from .yamlfile import LineDict, LineList, read_text, read_yaml

DEFAULT_BANK_ID = "open-vs-closed-ai"
CLOZE_BLANK = re.compile(r"\[\[(.*?)\]\]", re.S)

# Which fields belong to which question type (beyond the common ones).
TYPE_FIELDS: dict[str, set[str]] = {
    "numerical": {"answer", "tolerance", "unit", "unit_position", "decimals", "thousands"},
    "multichoice": {"choices", "single", "shuffle"},
    "truefalse": {"answer", "feedback_true", "feedback_false"},
    "shortanswer": {"answer", "case_sensitive"},
    "essay": {"answer", "lines"},
    "matching": {"pairs", "shuffle"},
    "cloze": {"case_sensitive"},
}
COMMON_FIELDS = {"id", "type", "text", "title", "section", "solution", "feedback", "tags",
                 "points", "params", "let", "where"}
CURRENCY_SYMBOLS = set("$€£¥₹₩₽₺₪฿₫₦₱")
# Names a parameter cannot take: they mean something already.
RESERVED_NAMES = {"answer", "true", "false", "none", "True", "False", "None", "self", "loop",
                  "and", "or", "not", "in", "is", "if", "else"}


def default_bank_path() -> Path:
    return Path(str(resources.files("qbank.bank") / "default" / f"{DEFAULT_BANK_ID}.yaml"))


def load_bank(path: str | Path | None = None) -> Bank:
    """Load and validate a bank file (the embedded default bank when ``path`` is None)."""
    file = str(path) if path is not None else str(default_bank_path())
    text = read_text(file)
    return load_bank_text(text, file=file if path is not None else f"<default bank {DEFAULT_BANK_ID}>")


def load_bank_text(text: str, file: str = "<bank>") -> Bank:
    parsed = read_yaml(text, file)
    bank = _BankReader(file).read(parsed.data)
    if not parsed.removals:
        return bank
    warnings = tuple(str(Problem(r.describe(), file, r.line, _question_at(parsed.data, r.line)))
                     for r in parsed.removals)
    return replace(bank, warnings=bank.warnings + warnings)


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

    # -- problem collection ------------------------------------------------------------

    def problem(self, message: str, line: int | None, question: str | None = None) -> None:
        self.problems.append(Problem(message, self.file, line, question))

    def _pydantic(self, exc: ValidationError, raw: Any, question: str | None,
                  known: tuple[str, ...], skip: tuple[str, ...] = ()) -> None:
        errors = [e for e in exc.errors() if not (len(e["loc"]) > 1 and e["loc"][0] in skip)]
        # A misspelt field is reported once, as unknown with its suggestion, not also as
        # the field it was meant to be being missing.
        suggested = {_closest(str(e["loc"][0]), known) for e in errors
                     if e["type"] == "extra_forbidden" and len(e["loc"]) == 1}
        for err in errors:
            loc = tuple(err["loc"])
            kind = err["type"]
            if kind == "missing" and len(loc) == 1 and loc[0] in suggested:
                continue
            line = _line_at(raw, loc)
            field = _field_words(loc)
            if kind == "missing":
                message = f"{field} is missing"
            elif kind == "extra_forbidden":
                message = f"unknown field {field}"
                if len(loc) == 1:
                    message += _did_you_mean(str(loc[0]), known)
            else:
                msg = err["msg"]
                msg = msg.removeprefix("Value error, ")
                msg = _PYDANTIC_WORDS.get(kind, msg[:1].lower() + msg[1:])
                message = f"{field} {msg}" if not msg.startswith("'") else msg
            self.problem(message, line, question)

    # -- bank --------------------------------------------------------------------------

    def read(self, raw: Any) -> Bank:
        if not isinstance(raw, LineDict):
            raise BankError(_not_a_bank(raw), file=self.file, line=getattr(raw, "line", 1))
        raw_questions = raw.get("questions")
        if isinstance(raw_questions, list) and len(raw_questions) > limits.MAX_QUESTIONS:
            raise BankError(f"the bank has {len(raw_questions):,} questions, more than the "
                            f"{limits.MAX_QUESTIONS:,} a bank may hold; split it into several banks",
                            file=self.file, line=raw.key_lines.get("questions"))
        spec: BankSpec | None = None
        try:
            spec = BankSpec.model_validate(raw)
        except ValidationError as exc:
            # Each question is checked on its own below, with better words.
            self._pydantic(exc, raw, None, BANK_FIELDS, skip=("questions",))
        questions: list[Question] = []
        seen: dict[str, int] = {}
        if isinstance(raw_questions, list):
            bank_tags = tuple(_tag(t) for t in spec.tags) if spec else ()
            for index, item in enumerate(raw_questions):
                line = raw_questions.item_lines[index] if isinstance(raw_questions, LineList) else None
                question = self.question(item, line, bank_tags)
                if question is None:
                    continue
                if question.id in seen:
                    self.problem(f"the id '{question.id}' is used twice (first on line "
                                 f"{seen[question.id]}); every question needs its own id",
                                 question.line, question.id)
                    continue
                seen[question.id] = question.line
                questions.append(question)
        if self.problems or spec is None:
            self.problems.sort(key=lambda p: p.line or 0)
            raise BankInvalid(self.problems or [Problem("the bank is not valid", self.file)])
        return Bank(id=spec.id, title=spec.title.strip(), subtitle=spec.subtitle.strip(),
                    intro=spec.intro.strip(), tags=tuple(_tag(t) for t in spec.tags),
                    instructions=spec.instructions.strip(), language=spec.language,
                    questions=tuple(questions), file=self.file)

    # -- one question ------------------------------------------------------------------

    def question(self, raw: Any, line: int | None, bank_tags: tuple[str, ...]) -> Question | None:
        if not isinstance(raw, LineDict):
            self.problem("each question must be a set of fields such as 'id:', 'type:' and "
                         "'text:' (start it with '- id: ...')", line)
            return None
        qid = raw.get("id") if isinstance(raw.get("id"), str) else None
        line = raw.line
        before = len(self.problems)
        qtype = raw.get("type")
        if isinstance(qtype, str) and qtype not in QUESTION_TYPES:
            self.problem(f"unknown question type '{qtype}'{_did_you_mean(qtype, QUESTION_TYPES)}"
                         f"; the types are {', '.join(QUESTION_TYPES)}",
                         raw.key_lines.get("type", line), qid)
            return None
        try:
            spec = QuestionSpec.model_validate(raw)
        except ValidationError as exc:
            self._pydantic(exc, raw, qid, QUESTION_FIELDS)
            salvaged = _salvage(raw, exc)
            if salvaged is None:
                return None
            # Go on checking what is left, so every problem of the file shows at once.
            spec, dropped = salvaged
        else:
            dropped = set()
        qid = spec.id
        lines = dict(raw.key_lines)

        def bad(message: str, field: str | None = None) -> None:
            self.problem(message, lines.get(field, line) if field else line, qid)

        for name in raw:
            if name not in QUESTION_FIELDS:
                continue  # reported as an unknown field
            if name not in COMMON_FIELDS and name not in TYPE_FIELDS[spec.type]:
                owners = [t for t, f in TYPE_FIELDS.items() if name in f]
                article = "an" if spec.type[0] in "aeiou" else "a"
                bad(f"'{name}' does not belong to {article} {spec.type} question"
                    + (f" (it is for {', '.join(owners)} questions)" if owners else ""), name)
        if not spec.text.strip():
            bad("'text' is empty", "text")
        params = self.params(spec, raw, bad)
        let = self.let(spec, raw, bad, {p.name for p in params})
        where = self.where(spec, bad)
        fields: dict[str, Any] = {}
        if not dropped & TYPE_FIELDS[spec.type]:  # else its problem is already reported
            handler: Callable[..., dict[str, Any]] = getattr(self, f"type_{spec.type}")
            fields = handler(spec, raw, bad)
        if len(self.problems) > before:
            return None
        return Question(
            id=qid, type=spec.type,  # type: ignore[arg-type]
            title=(spec.title or _title_from(spec.id, spec.text)).strip(),
            text=spec.text.strip("\n"), line=line, file=self.file,
            section=(spec.section or DEFAULT_SECTIONS.get(spec.type, DEFAULT_SECTION)).strip(),
            solution=spec.solution.strip("\n"), feedback=spec.feedback.strip("\n"),
            tags=tuple(dict.fromkeys((*bank_tags, *(_tag(t) for t in spec.tags)))),
            points=spec.points, params=params, let=let, where=where,
            field_lines=lines, **fields,
        )

    def params(self, spec: QuestionSpec, raw: LineDict, bad: Callable[..., None]) -> tuple[Param, ...]:
        out: list[Param] = []
        if len(spec.params) > limits.MAX_PARAMS:
            bad(f"a question may have at most {limits.MAX_PARAMS} parameters, not "
                f"{len(spec.params):,}", "params")
            return ()
        raw_params = raw.get("params") or {}
        for name, value in spec.params.items():
            sub = raw_params.get(name) if isinstance(raw_params, dict) else None
            line = raw_params.key_lines.get(name) if isinstance(raw_params, LineDict) else None

            def say(message: str) -> None:
                self.problem(message, line, spec.id)

            if not _check_name(name, say, "parameter"):
                continue
            if not isinstance(value, dict):
                if isinstance(value, list):
                    value = {"choices": value}
                else:
                    say(f"parameter '{name}' needs a range {{min: 1, max: 10}} or a list "
                        "of choices {choices: [1, 2, 3]}")
                    continue
            try:
                p = ParamSpec.model_validate(value)
            except ValidationError as exc:
                for err in exc.errors():
                    field = ".".join(str(x) for x in err["loc"])
                    kind = err["type"]
                    msg = (f"unknown setting '{field}'" + _did_you_mean(field, ("min", "max", "step", "choices"))
                           if kind == "extra_forbidden" else
                           f"'{field}' " + err["msg"].removeprefix("Value error, "))
                    self.problem(f"parameter '{name}': {msg}", _line_at(sub, err["loc"]) or line,
                                 spec.id)
                continue
            if p.choices is not None:
                if p.min is not None or p.max is not None or p.step is not None:
                    say(f"parameter '{name}' has both choices and min/max; use one of them")
                    continue
                if not p.choices:
                    say(f"parameter '{name}' has an empty list of choices")
                    continue
                choices = []
                for c in p.choices:
                    if isinstance(c, bool) or not isinstance(c, (int, float, Decimal, str)):
                        say(f"parameter '{name}': each choice must be a number or a text")
                        break
                    choices.append(c if isinstance(c, str) else numeric.canonical(c))
                else:
                    out.append(Param(name, choices=tuple(choices)))
                continue
            if p.min is None or p.max is None:
                say(f"parameter '{name}' needs both 'min' and 'max' (or a list of 'choices')")
                continue
            step = p.step if p.step is not None else 1
            if p.min > p.max:
                say(f"parameter '{name}': min ({numeric.plain(p.min)}) is above max "
                    f"({numeric.plain(p.max)})")
                continue
            if step <= 0:
                say(f"parameter '{name}': step must be more than 0, not {numeric.plain(step)}")
                continue
            if (p.max - p.min) / step > limits.MAX_GRID:
                say(f"parameter '{name}': the range holds more than {limits.MAX_GRID:,} values; "
                    "use a larger step")
                continue
            out.append(Param(name, minimum=p.min, maximum=p.max, step=step))
        return tuple(out)

    def let(self, spec: QuestionSpec, raw: LineDict, bad: Callable[..., None],
            param_names: set[str]) -> tuple[tuple[str, str], ...]:
        out: list[tuple[str, str]] = []
        if len(spec.let) > limits.MAX_LET:
            bad(f"a question may have at most {limits.MAX_LET} 'let' values, not {len(spec.let):,}",
                "let")
            return ()
        raw_let = raw.get("let")
        for name, formula in spec.let.items():
            line = raw_let.key_lines.get(name) if isinstance(raw_let, LineDict) else None

            def say(message: str) -> None:
                self.problem(message, line, spec.id)

            if not _check_name(name, say, "derived value"):
                continue
            if name in param_names:
                say(f"'{name}' is both a parameter and a derived value in 'let'")
                continue
            if isinstance(formula, bool) or not isinstance(formula, (str, int, float, Decimal)):
                say(f"'let: {name}' needs a formula, e.g. {name}: a * b")
                continue
            out.append((name, formula if isinstance(formula, str) else numeric.plain(formula)))
        return tuple(out)

    def where(self, spec: QuestionSpec, bad: Callable[..., None]) -> tuple[str, ...]:
        items = spec.where if isinstance(spec.where, list) else [spec.where]
        out: list[str] = []
        if len(items) > limits.MAX_WHERE:
            bad(f"a question may have at most {limits.MAX_WHERE} 'where' conditions, not "
                f"{len(items):,}", "where")
            return ()
        for item in items:
            if not isinstance(item, str) or not item.strip():
                bad("each 'where' condition must be a formula such as 'a != b'", "where")
                continue
            out.append(item)
        return tuple(out)

    # -- type-specific fields ----------------------------------------------------------

    def type_numerical(self, spec: QuestionSpec, raw: LineDict, bad: Callable[..., None]) -> dict[str, Any]:
        out: dict[str, Any] = {}
        answer = spec.answer
        if answer is None or (isinstance(answer, str) and not answer.strip()):
            bad("a numerical question needs 'answer:', the formula that computes it",
                "answer" if "answer" in raw else None)
        elif isinstance(answer, bool) or not isinstance(answer, (str, int, float, Decimal)):
            bad("'answer' must be a formula such as 'price * requests'", "answer")
        else:
            out["answer_formula"] = answer if isinstance(answer, str) else numeric.plain(answer)
        tol = spec.tolerance
        if tol is not None:
            try:
                out["tolerance"] = _tolerance(tol)
            except ValueError as exc:
                bad(str(exc), "tolerance")
        if spec.decimals is not None and not 0 <= spec.decimals <= 10:
            bad("'decimals' must be between 0 and 10", "decimals")
        out["decimals"] = spec.decimals
        out["thousands"] = spec.thousands
        out["unit"] = spec.unit.strip()
        position = spec.unit_position
        if position is None:
            unit = out["unit"]
            position = "before" if unit and unit[0] in CURRENCY_SYMBOLS else "after"
        elif position not in ("before", "after"):
            bad("'unit_position' must be 'before' or 'after'", "unit_position")
            position = "after"
        out["unit_position"] = position
        return out

    def type_multichoice(self, spec: QuestionSpec, raw: LineDict, bad: Callable[..., None]) -> dict[str, Any]:
        if spec.choices is None:
            bad("a multichoice question needs 'choices:', a list of {text, correct, feedback}")
            return {}
        raw_choices = raw.get("choices")
        item_lines = raw_choices.item_lines if isinstance(raw_choices, LineList) else []
        choices = tuple(Choice(c.text, c.correct, c.feedback,
                               item_lines[i] if i < len(item_lines) else None)
                        for i, c in enumerate(spec.choices))
        if not choices:
            bad("'choices' is empty; a multichoice question needs at least two choices, one "
                "of them marked 'correct: true'", "choices")
            return {}
        if len(choices) < 2:
            bad("a multichoice question needs at least two choices", "choices")
        correct = sum(c.correct for c in choices)
        if correct == 0:
            bad("no choice is marked 'correct: true'", "choices")
        single = spec.single if spec.single is not None else correct == 1
        if single and correct > 1:
            bad(f"'single: true' but {correct} choices are marked correct", "single")
        texts = [c.text.strip() for c in choices]
        for i, text in enumerate(texts):
            if not text:
                self.problem("a choice has an empty text", choices[i].line, spec.id)
            elif text in texts[:i] and "{" not in text:
                self.problem(f"the choice '{text}' appears twice", choices[i].line, spec.id)
        return {"choices": choices, "single": single, "shuffle": spec.shuffle}

    def type_truefalse(self, spec: QuestionSpec, raw: LineDict, bad: Callable[..., None]) -> dict[str, Any]:
        answer = spec.answer
        if isinstance(answer, str) and answer.strip().lower() in ("true", "false"):
            answer = answer.strip().lower() == "true"
        if not isinstance(answer, bool):
            bad("a truefalse question needs 'answer: true' or 'answer: false'",
                "answer" if "answer" in raw else None)
            return {}
        return {"truth": answer, "feedback_true": spec.feedback_true,
                "feedback_false": spec.feedback_false}

    def type_shortanswer(self, spec: QuestionSpec, raw: LineDict, bad: Callable[..., None]) -> dict[str, Any]:
        answers = spec.answer if isinstance(spec.answer, list) else [spec.answer]
        out = []
        for a in answers:
            if isinstance(a, bool):
                bad(_yaml_bool_hint(a), "answer")
                return {}
            if isinstance(a, (int, float, Decimal)):
                a = numeric.plain(a)
            if not isinstance(a, str) or not a.strip():
                bad("a shortanswer question needs 'answer:', one accepted answer or a list "
                    "of them", "answer" if "answer" in raw else None)
                return {}
            out.append(a.strip())
        return {"accepted": tuple(dict.fromkeys(out)), "case_sensitive": spec.case_sensitive}

    def type_essay(self, spec: QuestionSpec, raw: LineDict, bad: Callable[..., None]) -> dict[str, Any]:
        answer = spec.answer
        if isinstance(answer, bool):
            bad(_yaml_bool_hint(answer), "answer")
            return {}
        if answer is not None and not isinstance(answer, str):
            bad("'answer' of an essay is the model answer, as text", "answer")
            return {}
        if not 1 <= spec.lines <= 60:
            bad("'lines' must be between 1 and 60", "lines")
        return {"model_answer": (answer or "").strip("\n"), "lines": spec.lines}

    def type_matching(self, spec: QuestionSpec, raw: LineDict, bad: Callable[..., None]) -> dict[str, Any]:
        lines = raw.key_lines
        pairs_raw = spec.pairs
        if pairs_raw is None:
            bad("a matching question needs 'pairs:', a list of [term, definition] pairs")
            return {}
        items = list(pairs_raw.items()) if isinstance(pairs_raw, dict) else list(pairs_raw)
        raw_pairs = raw.get("pairs")
        item_lines = (raw_pairs.item_lines if isinstance(raw_pairs, LineList) else
                      [raw_pairs.key_lines[k] for k in raw_pairs] if isinstance(raw_pairs, LineDict)
                      else [])
        pairs = []
        for index, item in enumerate(items):
            if isinstance(item, dict) and len(item) == 1:
                item = next(iter(item.items()))
            if (not isinstance(item, (list, tuple)) or len(item) != 2
                    or not all(isinstance(x, (str, int, float, Decimal)) and not isinstance(x, bool)
                               for x in item)):
                count = len(item) if isinstance(item, (list, tuple)) else 1
                hint = (f" — this one has {count} parts; put a term or definition that "
                        "contains a comma in quotes" if count > 2 else "")
                if isinstance(item, (list, tuple)) and any(isinstance(x, bool) for x in item):
                    hint = (" — YAML read a word of this pair as true/false (an unquoted "
                            "yes/no/on/off/true/false); put it in quotes, e.g. [Norway, \"no\"]")
                line = item_lines[index] if index < len(item_lines) else lines.get("pairs")
                self.problem(f"each pair must be [term, definition]{hint}", line, spec.id)
                return {}
            term, definition = (x if isinstance(x, str) else numeric.plain(x) for x in item)
            if not term.strip() or not definition.strip():
                bad("a pair has an empty term or definition", "pairs")
                return {}
            pairs.append((term.strip(), definition.strip()))
        if len(pairs) < 2:
            bad("a matching question needs at least two pairs", "pairs")
        terms = [t for t, _ in pairs]
        for t in set(terms):
            if terms.count(t) > 1:
                bad(f"the term '{t}' appears twice in 'pairs'", "pairs")
        return {"pairs": tuple(pairs), "shuffle": spec.shuffle}

    def type_cloze(self, spec: QuestionSpec, raw: LineDict, bad: Callable[..., None]) -> dict[str, Any]:
        blanks = CLOZE_BLANK.findall(spec.text)
        if not blanks:
            bad("a cloze question needs at least one blank in its text, written [[answer]]",
                "text")
        for blank in blanks:
            if not any(part.strip() for part in blank.split("|")):
                bad("a blank [[ ]] is empty; write the answer inside it", "text")
        return {"case_sensitive": spec.case_sensitive}


def split_cloze(text: str) -> list[str | tuple[str, ...]]:
    """Split a rendered cloze text into text pieces and blanks (tuples of accepted answers)."""
    parts: list[str | tuple[str, ...]] = []
    pos = 0
    for match in CLOZE_BLANK.finditer(text):
        parts.append(text[pos:match.start()])
        answers = tuple(a.strip() for a in match.group(1).split("|") if a.strip())
        parts.append(answers)
        pos = match.end()
    parts.append(text[pos:])
    return [p for p in parts if p != ""]


def _not_a_bank(raw: Any) -> str:
    start = "a bank file must start with fields such as 'id:', 'title:' and 'questions:'"
    if raw is None:
        return f"the file is empty; {start}"
    if isinstance(raw, list):
        return (f"the file is a list (its first line starts with '-'); {start}, "
                "and the questions go in a list under 'questions:'")
    return f"{start}, not with a single value"


def _tolerance(value: Any) -> Tolerance:
    if isinstance(value, str) and value.strip().endswith("%"):
        try:
            pct = numeric.canonical(numeric.to_decimal(value.strip()[:-1]))
        except (TypeError, numeric.NumberError):
            raise ValueError(f"'tolerance' must be a number or a percentage like \"1%\", not '{value}'") from None
        if pct < 0:
            raise ValueError("'tolerance' cannot be negative")
        return Tolerance(pct, relative=True)
    try:
        if isinstance(value, bool):
            raise TypeError
        tol = numeric.canonical(numeric.to_decimal(value))
    except (TypeError, numeric.NumberError):
        raise ValueError(f"'tolerance' must be a number or a percentage like \"1%\", not '{value}'") from None
    if tol < 0:
        raise ValueError("'tolerance' cannot be negative")
    return Tolerance(tol)


def _check_name(name: Any, say: Callable[[str], None], what: str) -> bool:
    from ..arithmetic import CONSTANTS, FUNCTIONS

    if not isinstance(name, str) or not NAME_PATTERN.match(name):
        say(f"'{name}' is not a valid {what} name: use letters, digits and '_', "
            "starting with a letter")
        return False
    if name in RESERVED_NAMES or name in FUNCTIONS or name in CONSTANTS:
        say(f"'{name}' cannot be a {what} name: it already means something in formulas")
        return False
    return True


def _yaml_bool_hint(value: bool) -> str:
    word = "no/off/false" if value is False else "yes/on/true"
    return (f"YAML read the answer as {'false' if value is False else 'true'} "
            f"(an unquoted {word} is true/false in YAML); put it in quotes, e.g. answer: \"no\"")


def _title_from(qid: str, text: str) -> str:
    from ..templates import is_template

    first = text.strip().split("\n", 1)[0]
    first = CLOZE_BLANK.sub("…", first)
    if first and not is_template(first):
        if len(first) <= 70:
            return first.rstrip(".:")
        cut = first[:67].rsplit(" ", 1)[0]
        return cut + "…"
    words = re.sub(r"[-_.]+", " ", qid).strip()
    return words[:1].upper() + words[1:]


def _tag(tag: str) -> str:
    # Anki and Moodle tags cannot hold spaces.
    return re.sub(r"\s+", "_", tag.strip())


def _closest(name: str, known: tuple[str, ...] | list[str]) -> str | None:
    close = difflib.get_close_matches(name, list(known), n=1, cutoff=0.6)
    return close[0] if close else None


def _did_you_mean(name: str, known: tuple[str, ...] | list[str]) -> str:
    close = _closest(name, known)
    return f" (did you mean '{close}'?)" if close else ""


_SINGULAR = {"choices": "choice", "pairs": "pair", "questions": "question", "tags": "tag"}


def _field_words(loc: tuple[Any, ...]) -> str:
    """A pydantic location as a teacher reads it: 'correct' of choice 2, not choices.1.correct."""
    if len(loc) >= 2 and isinstance(loc[1], int) and loc[0] in _SINGULAR:
        item = f"{_SINGULAR[loc[0]]} {loc[1] + 1}"
        rest = ".".join(str(p) for p in loc[2:])
        return f"'{rest}' of {item}" if rest else item
    return "'" + (".".join(str(p) for p in loc) or "value") + "'"


# Fields a question cannot be checked further without.
_ESSENTIAL = {"id", "type", "text"}


def _salvage(raw: LineDict, exc: ValidationError) -> tuple[QuestionSpec, set[str]] | None:
    """What can still be checked of a question pydantic refused (already reported).

    A misspelt field is read as the field it was meant to be; a field with a value of the
    wrong kind is left out (returned as ``dropped``). None when nothing sensible is left.
    """
    errors = exc.errors()
    if any(not err["loc"] for err in errors):
        return None
    values = dict(raw)
    dropped: set[str] = set()
    for err in errors:
        name = str(err["loc"][0])
        meant = _closest(name, QUESTION_FIELDS) if err["type"] == "extra_forbidden" else None
        if meant is not None and meant not in raw and len(err["loc"]) == 1:
            values[meant] = values.pop(name, None)
        else:
            values.pop(name, None)
            dropped.add(name)
    if dropped & _ESSENTIAL:
        return None
    try:
        return QuestionSpec.model_validate(values), dropped
    except ValidationError:
        return None


def _line_at(raw: Any, loc: tuple[Any, ...]) -> int | None:
    line = getattr(raw, "line", None)
    node = raw
    for part in loc:
        if isinstance(node, LineDict) and part in node:
            line = node.key_lines.get(part, line)
            node = node[part]
        elif isinstance(node, LineList) and isinstance(part, int) and part < len(node):
            line = node.item_lines[part]
            node = node[part]
        elif isinstance(node, LineDict) and part not in node:
            line = node.key_lines.get(part, line)
            break
        else:
            continue
    return line


_PYDANTIC_WORDS = {
    "string_type": "should be text",
    "int_type": "should be a whole number",
    "int_parsing": "should be a whole number",
    "int_from_float": "should be a whole number",
    "bool_type": "should be true or false",
    "bool_parsing": "should be true or false",
    "list_type": "should be a list (lines starting with '- ')",
    "dict_type": "should be a set of 'name: value' lines",
    "too_short": "is empty",
    "too_long": "is too long",
}

__all__ = ["DEFAULT_BANK_ID", "default_bank_path", "load_bank", "load_bank_text", "split_cloze",
           "QbankError"]
