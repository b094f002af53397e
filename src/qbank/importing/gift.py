"""GIFT (Moodle's text format) into bank questions.

The file is read by :mod:`.giftread`, Moodle's own importer ported to Python, so a GIFT
file means in qbank what it means in Moodle; its questions are then mapped as the Moodle
XML ones are (:mod:`.moodle`): ``$CATEGORY:`` sets the section, ``[html]`` texts become
Markdown, ``[markdown]`` texts are kept, plain texts keep their lines. A missing-word
question (answers in the middle of the text) becomes a cloze question with the blank in
its place.
"""

from __future__ import annotations

import re
from decimal import Context, Decimal, InvalidOperation
from typing import Any

from ..errors import QbankError
from .giftread import GiftError, read_question, split_questions_with_lines
from .html2md import html_to_markdown, plain_to_markdown, template_safe
from .model import Imported, ImportedQuestion, category_parts

_BLANK = "_____"


def _number(text: str) -> Decimal | None:
    try:
        value = Decimal(str(text).strip())
    except (InvalidOperation, ValueError):
        return None
    if not value.is_finite():
        return None
    if len(value.as_tuple().digits) > 15:
        # A range {#0.1..0.3} is worked out in floating point, as Moodle does: 0.2 ±
        # 0.09999999999999998 is 0.2 ± 0.1 (12 significant digits).
        value = Context(prec=12).create_decimal(value)
    return value


def _clean(value: Decimal) -> int | Decimal:
    if value == value.to_integral_value() and abs(value) < 10**15:
        return int(value)
    text = format(value, "f")
    return Decimal(text.rstrip("0").rstrip(".") if "." in text else text)


def markdown(q: ImportedQuestion, text: str, fmt: str, *, inline: bool = False) -> str:
    """A GIFT text in ``fmt`` (moodle, html, plain, markdown) as bank Markdown."""
    if not text.strip():
        return ""
    if fmt == "markdown":
        out = template_safe(text.strip())
    elif fmt == "html" or (fmt == "moodle" and re.search(r"<[A-Za-z/]", text)):
        converted = html_to_markdown(text)
        for what in converted.lost:
            q.note(what)
        out = converted.markdown
    else:
        out = plain_to_markdown(text)
    if inline and "\n" in out:
        out = re.sub(r"\s*\n\s*", " ", out.replace("\\\n", " "))
    return out


def read_gift_file(data: bytes, source: str) -> Imported:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise QbankError(
            "this GIFT file is not UTF-8 text; save it as UTF-8", file=source, line=line
        ) from exc
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    result = Imported(source=source)
    category: str | None = None
    for line, lines in split_questions_with_lines(text):
        try:
            parsed = read_question(lines)
        except GiftError as exc:
            result.read += 1
            result.skipped["GIFT Moodle would not read"] += 1
            result.warnings.append(f"{source}:{line}: a question was left out: {exc}")
            continue
        except (ValueError, IndexError) as exc:
            result.read += 1
            result.skipped["GIFT Moodle would not read"] += 1
            result.warnings.append(f"{source}:{line}: a question was left out: {exc}")
            continue
        if parsed is None:
            continue
        if parsed["qtype"] == "category":
            category = _category(parsed["category"], result)
            continue
        q = ImportedQuestion({}, line=line, category=category)
        try:
            if _question(q, parsed, result) is not False:
                result.questions.append(q)
                result.read += 1
        except _Skip as skip:
            result.read += 1
            result.skipped[skip.reason] += 1
            name = parsed.get("name", "")
            result.warnings.append(
                f"{source}:{line}: the question '{name[:60]}' was left out: {skip.reason}"
            )
    return result


class _Skip(Exception):
    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def _category(path: str, result: Imported) -> str | None:
    parts = category_parts(path)
    if parts and result.title is None:
        result.title = parts[0]
    return "/".join(parts) if parts else None


def _question(q: ImportedQuestion, p: dict[str, Any], result: Imported) -> bool | None:
    fmt = p.get("questiontextformat", "moodle")
    qtype = p["qtype"]
    name = p.get("name", "")
    q.fields["id"] = p.get("idnumber") or name or f"question-{q.line}"
    q.fields["type"] = ""
    if name:
        q.fields["title"] = template_safe(name.strip())
    if q.category:
        q.fields["section"] = q.category.split("/")[-1]
    if p.get("tags"):
        q.fields["tags"] = list(p["tags"])
    text = p.get("questiontext", "")
    missing = bool(p.get("missingword"))
    if qtype == "description":
        body = markdown(q, text, fmt)
        result.intro = body if result.intro is None else result.intro + "\n\n" + body
        return False
    if missing and qtype in ("shortanswer", "multichoice"):
        _missing_word(q, p, fmt)
        return None
    q.fields["text"] = markdown(q, text, fmt)
    solution = markdown(q, p.get("generalfeedback", ""), fmt)
    if solution:
        q.fields["solution"] = solution
    if qtype == "essay":
        q.fields["type"] = "essay"
    elif qtype == "truefalse":
        q.fields["type"] = "truefalse"
        q.fields["answer"] = bool(p["correctanswer"])
        for key, field in (("feedbacktrue", "feedback_true"), ("feedbackfalse", "feedback_false")):
            fb = markdown(q, p.get(key, ""), fmt)
            if fb:
                q.fields[field] = fb
    elif qtype == "multichoice":
        _multichoice(q, p, fmt)
    elif qtype == "shortanswer":
        q.fields["type"] = "shortanswer"
        accepted = []
        for answer, weight, feedback in p["answers"]:
            if weight >= 1:
                accepted.append(template_safe(answer.strip()))
            else:
                q.note(f"the answer '{answer}' worth {weight * 100:g}%")
            if feedback.strip():
                q.note("feedback on the answers")
        if not accepted:
            raise _Skip("a short-answer question with no answer worth 100%")
        q.fields["answer"] = accepted[0] if len(accepted) == 1 else accepted
    elif qtype == "match":
        q.fields["type"] = "matching"
        pairs = []
        for definition, term in zip(p["subquestions"], p["subanswers"], strict=False):
            d = markdown(q, definition, fmt, inline=True)
            if not d:
                q.note(f"the extra wrong answer '{term}'")
                continue
            pairs.append([template_safe(plain_to_markdown(term)), d])
        if len(pairs) < 2:
            raise _Skip("a matching question with fewer than two pairs")
        q.fields["pairs"] = pairs
    elif qtype == "numerical":
        _numerical(q, p, fmt)
    else:
        raise _Skip(f"GIFT question type '{qtype}' has no qbank type")
    return None


def _multichoice(q: ImportedQuestion, p: dict[str, Any], fmt: str) -> None:
    q.fields["type"] = "multichoice"
    single = bool(p.get("single"))
    answers = p["answers"]
    best = max(w for _, w, _ in answers)
    right = [w for _, w, _ in answers if w > 0]
    choices = []
    for text, weight, feedback in answers:
        choice: dict[str, Any] = {"text": markdown(q, text, fmt, inline=True) or "(empty)"}
        correct = weight >= best if single else weight > 0
        if single and 0 < weight < best:
            q.note(f"partial credit ({weight * 100:g}%) for the choice '{text}'")
        if correct:
            choice["correct"] = True
        fb = markdown(q, feedback, fmt)
        if fb:
            choice["feedback"] = fb
        choices.append(choice)
    if not single and len(set(right)) > 1:
        q.note("marks shared unequally among the right choices (qbank shares them equally)")
    if not any(c.get("correct") for c in choices):
        raise _Skip("a multiple-choice question with no right choice")
    q.fields["choices"] = choices
    if single != (sum(1 for c in choices if c.get("correct")) == 1):
        q.fields["single"] = single


def _numerical(q: ImportedQuestion, p: dict[str, Any], fmt: str) -> None:
    q.fields["type"] = "numerical"
    found = None
    for (answer, weight, feedback), tolerance in zip(p["answers"], p["tolerance"], strict=False):
        value = _number(answer)
        if weight >= 1 and value is not None and found is None:
            found = (value, _number(tolerance) or Decimal(0), feedback)
        elif answer != "*":
            q.note(f"the answer '{answer}' worth {weight * 100:g}%")
        elif feedback.strip():
            q.note("the feedback for wrong answers")
    if found is None:
        raise _Skip("a numerical question with no number worth 100%")
    value, tolerance, feedback = found
    q.fields["answer"] = _clean(value)
    q.fields["tolerance"] = _clean(abs(tolerance))
    fb = markdown(q, feedback, fmt)
    if fb:
        q.fields["feedback"] = fb


def _missing_word(q: ImportedQuestion, p: dict[str, Any], fmt: str) -> None:
    """``Text {=right ~wrong} more text``: a cloze question with one blank."""
    q.fields["type"] = "cloze"
    answers = p["answers"]
    if p["qtype"] == "multichoice":
        right = [a for a in answers if a[1] >= 1]
        if not right:
            raise _Skip("a missing-word question with no right answer")
        wrong = [a for a in answers if a[1] < 1]
        if len(right) > 1:
            q.note("a missing word with several right choices (only the first is right now)")
        options = [right[0][0]] + [a[0] for a in wrong]
        blank = "[[? " + " | ".join(_blank(o) for o in options) + "]]"
    else:
        accepted = [a[0] for a in answers if a[1] >= 1]
        if not accepted:
            raise _Skip("a missing-word question with no answer worth 100%")
        blank = "[[" + "|".join(_blank(a) for a in accepted) + "]]"
    for answer, weight, feedback in answers:
        if 0 < weight < 1:
            q.note(f"partial credit ({weight * 100:g}%) for '{answer}'")
        if feedback.strip():
            q.note("feedback on the answers")
    token = "QBANKMISSINGWORDZ"
    text = p["questiontext"].replace(_BLANK, token, 1)
    body = markdown(q, text, fmt)
    q.fields["text"] = body.replace(token, blank)
    solution = markdown(q, p.get("generalfeedback", ""), fmt)
    if solution:
        q.fields["solution"] = solution


def _blank(answer: str) -> str:
    return template_safe(answer.strip().replace("|", "/").replace("]]", "] ]")) or "?"
