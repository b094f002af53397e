"""A GIFT reader: Moodle's importer (``question/format/gift/format.php``,
``qformat_gift::readquestion`` and ``qformat_default::readquestions``) ported line by line
to Python, so qbank reads a file the way Moodle does, quirks included (``qbank import``
uses it through :mod:`qbank.importing.gift`, and the GIFT exporter's tests read qbank's
own GIFT with it).

``read_gift(text)`` returns one dict per question (and per ``$CATEGORY:``), with the
fields Moodle would store: ``qtype``, ``name``, ``questiontext``, ``questiontextformat``,
``generalfeedback``, ``idnumber``, ``tags``, ``category`` (the last ``$CATEGORY:`` seen), and
per type ``answers`` (text, fraction, feedback), ``tolerance``, ``single``,
``correctanswer``/``feedbacktrue``/``feedbackfalse``, ``subquestions``/``subanswers``.
"""

from __future__ import annotations

import re
from typing import Any

_ESCAPED = ["\\:", "\\#", "\\=", "\\{", "\\}", "\\~", "\\n"]
_PLACEHOLDERS = ["&&058;", "&&035;", "&&061;", "&&123;", "&&125;", "&&126;", "&&010"]
_CHARACTERS = [":", "#", "=", "{", "}", "~", "\n"]
_WEIGHT = re.compile(r"^%-*([0-9]{1,2})\.?([0-9]*)%")
_FORMATS = {"moodle": "moodle", "html": "html", "plain": "plain", "markdown": "markdown"}
_PHP_TRIM = " \t\n\r\0\x0b"


class GiftError(ValueError):
    """What Moodle's importer reports as an error for one question."""


def php_trim(text: str) -> str:
    return text.strip(_PHP_TRIM)


def escapedchar_pre(text: str) -> str:
    text = text.replace("\\\\", "&&092;")
    for escaped, placeholder in zip(_ESCAPED, _PLACEHOLDERS, strict=True):
        text = text.replace(escaped, placeholder)
    return text.replace("&&092;", "\\")


def escapedchar_post(text: str) -> str:
    for placeholder, character in zip(_PLACEHOLDERS, _CHARACTERS, strict=True):
        text = text.replace(placeholder, character)
    return text


def parse_text_with_format(text: str, default: str = "moodle") -> tuple[str, str]:
    """(text, format)."""
    fmt = default
    if text.startswith("["):
        end = text.find("]")
        name = text[1:end] if end >= 0 else text[1:]
        if name in _FORMATS:
            fmt = _FORMATS[name]
            text = text[end + 1 :]
    return php_trim(escapedchar_post(text)), fmt


def answer_weight(answer: str) -> tuple[float, str]:
    answer = answer[1:]
    end = answer.find("%")
    return float(answer[:end]) / 100, answer[end + 1 :]


def comment_parser(answer: str, fmt: str) -> tuple[str, str]:
    bits = answer.split("#", 1)
    text = parse_text_with_format(php_trim(bits[0]), fmt)[0]
    feedback = parse_text_with_format(php_trim(bits[1]), fmt)[0] if len(bits) > 1 else ""
    return text, feedback


def _is_empty(line: str) -> bool:
    # PHP's empty(): "" and "0" are empty.
    return line in ("", "0")


def split_questions(text: str) -> list[list[str]]:
    """``qformat_default::readquestions``: blocks of trimmed lines between blank lines."""
    blocks: list[list[str]] = []
    current: list[str] = []
    for line in text.split("\n"):
        line = php_trim(line)
        if _is_empty(line):
            if current:
                blocks.append(current)
                current = []
        else:
            current.append(line)
    if current:
        blocks.append(current)
    return blocks


def split_questions_with_lines(text: str) -> list[tuple[int, list[str]]]:
    """:func:`split_questions`, each block with the line (from 1) it starts on."""
    blocks: list[tuple[int, list[str]]] = []
    current: list[str] = []
    start = 0
    for number, line in enumerate(text.split("\n"), start=1):
        line = php_trim(line)
        if _is_empty(line):
            if current:
                blocks.append((start, current))
                current = []
        else:
            if not current:
                start = number
            current.append(line)
    if current:
        blocks.append((start, current))
    return blocks


def read_gift(text: str) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    category = None
    for lines in split_questions(text):
        question = read_question(lines)
        if question is None:
            continue
        if question["qtype"] == "category":
            category = question["category"]
        question.setdefault("category", category)
        out.append(question)
    return out


def _php_is_numeric(text: str) -> bool:
    return re.fullmatch(r"\s*[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?\s*", text) is not None


def read_question(lines: list[str]) -> dict[str, Any] | None:
    q: dict[str, Any] = {}
    comments = ""
    lines = list(lines)
    for key, line in enumerate(lines):
        line = php_trim(line)
        if line.startswith("//"):
            comments += line + "\n"
            lines[key] = " "
    text = php_trim("\n".join(lines))
    if text == "":
        return None
    text = escapedchar_pre(text)
    if re.match(r"^\$CATEGORY:", text):
        return {"qtype": "category", "category": php_trim(text[10:])}
    name: str | None = None
    if text.startswith("::"):
        text = text[2:]
        finish = text.find("::")
        if finish >= 0:
            name = escapedchar_post(text[:finish])
            text = php_trim(text[finish + 2 :])
    start, finish = text.find("{"), text.find("}")
    description = False
    if start < 0 and finish < 0:
        description, answertext = True, ""
    elif start < 0 or finish < 0:
        raise GiftError(f"brace error in {text!r}")
    else:
        length = finish - start
        answertext = php_trim(text[start + 1 : start + length])
    if description:
        questiontext = text
    elif text.endswith("}"):
        questiontext = text[:start] + text[start + length + 1 :]
    else:
        questiontext = text[:start] + "_____" + text[start + length + 1 :]
        q["missingword"] = True
    separator = answertext.rfind("####")
    generalfeedback = ""
    if separator >= 0:
        generalfeedback = answertext[separator + 4 :]
        answertext = php_trim(answertext[:separator])
    q["questiontext"], q["questiontextformat"] = parse_text_with_format(questiontext)
    fmt = q["questiontextformat"]
    q["generalfeedback"] = parse_text_with_format(generalfeedback, fmt)[0]
    q["name"] = name if name is not None else q["questiontext"][:80]
    q["idnumber"], q["tags"] = idnumber_and_tags(comments)

    if description:
        qtype = "description"
    elif answertext == "":
        qtype = "essay"
    elif answertext[0] == "#":
        qtype = "numerical"
    elif "~" in answertext:
        qtype = "multichoice"
    elif "=" in answertext and "->" in answertext:
        qtype = "match"
    else:
        check = answertext
        if answertext.find("#") > 0:
            check = php_trim(answertext[: answertext.find("#")])
        qtype = "truefalse" if check in ("T", "TRUE", "F", "FALSE") else "shortanswer"
    q["qtype"] = qtype

    if qtype in ("description", "essay"):
        return q
    if qtype == "multichoice":
        q["single"] = "=" in answertext
        answers = answertext.replace("=", "~=").split("~")
        answers[0] = php_trim(answers[0])
        if not answers[0]:
            answers.pop(0)
        if len(answers) < 2:
            raise GiftError("a multiple choice question needs two answers")
        q["answers"] = []
        for answer in answers:
            answer = php_trim(answer)
            if answer[0] == "=":
                weight, answer = 1.0, answer[1:]
            elif _WEIGHT.match(answer):
                weight, answer = answer_weight(answer)
            else:
                weight = 0.0
            text_, feedback = comment_parser(answer, fmt)
            q["answers"].append((text_, weight, feedback))
        return q
    if qtype == "match":
        answers = answertext.split("=")
        answers[0] = php_trim(answers[0])
        if not answers[0]:
            answers.pop(0)
        if len(answers) < 2:
            raise GiftError("a matching question needs two answers")
        q["subquestions"], q["subanswers"] = [], []
        for answer in answers:
            answer = php_trim(answer)
            if "->" not in answer:
                raise GiftError(f"matching answer without '->': {answer!r}")
            marker = answer.find("->")
            q["subquestions"].append(parse_text_with_format(answer[:marker], fmt)[0])
            q["subanswers"].append(php_trim(escapedchar_post(answer[marker + 2 :])))
        return q
    if qtype == "truefalse":
        bits = answertext.split("#", 2)
        answer = parse_text_with_format(php_trim(bits[0]), fmt)[0]
        wrong = parse_text_with_format(php_trim(bits[1]), fmt)[0] if len(bits) > 1 else ""
        right = parse_text_with_format(php_trim(bits[2]), fmt)[0] if len(bits) > 2 else ""
        if answer in ("T", "TRUE"):
            q.update(correctanswer=True, feedbacktrue=right, feedbackfalse=wrong)
        else:
            q.update(correctanswer=False, feedbacktrue=wrong, feedbackfalse=right)
        return q
    if qtype == "shortanswer":
        answers = answertext.split("=")
        answers[0] = php_trim(answers[0])
        if not answers[0]:
            answers.pop(0)
        if not answers:
            raise GiftError("a short answer question needs an answer")
        q["answers"] = []
        for answer in answers:
            answer = php_trim(answer)
            weight = 1.0
            if _WEIGHT.match(answer):
                weight, answer = answer_weight(answer)
            text_, feedback = comment_parser(answer, fmt)
            q["answers"].append((text_, weight, feedback))
        return q
    # numerical
    answertext = answertext[1:]
    wrongfeedback = ""
    if "~" in answertext:
        pos = answertext.find("~")
        wrongfeedback, answertext = answertext[pos:], answertext[:pos]
    answers = answertext.split("=")
    answers[0] = php_trim(answers[0])
    if not answers[0]:
        answers.pop(0)
    if not answers:
        raise GiftError("a numerical question needs an answer")
    q["answers"], q["tolerance"] = [], []
    for answer in answers:
        answer = php_trim(answer)
        weight = 1.0
        if _WEIGHT.match(answer):
            weight, answer = answer_weight(answer)
        value, feedback = comment_parser(answer, fmt)
        if value.find("..") > 0:
            marker = value.find("..")
            high, low = float(php_trim(value[marker + 2 :])), float(php_trim(value[:marker]))
            ans, tol = str((high + low) / 2), str(high - (high + low) / 2)
        elif value.find(":") > 0:
            marker = value.find(":")
            ans, tol = php_trim(value[:marker]), php_trim(value[marker + 1 :])
        else:
            ans, tol = php_trim(value), "0"
        if not (_php_is_numeric(ans) or ans == "*") or not _php_is_numeric(tol):
            raise GiftError(f"not numbers: {value!r}")
        q["answers"].append((ans, weight, feedback))
        q["tolerance"].append(tol)
    if wrongfeedback:
        q["answers"].append(("*", 0.0, comment_parser(wrongfeedback, fmt)[1]))
        q["tolerance"].append("")
    return q


_ID = re.compile(r"\[id:((?:\\]|[^\]\x00-\x1f\x7f])+)]")
_TAG = re.compile(r"\[tag:((?:\\]|[^\]<>`\x00-\x1f\x7f]|)+)]")


def idnumber_and_tags(comment: str) -> tuple[str, list[str]]:
    match = _ID.search(comment)
    idnumber = php_trim(match.group(1)).replace("\\]", "]") if match else ""
    tags = [php_trim(t).replace("\\]", "]") for t in _TAG.findall(comment)]
    return idnumber, tags
