"""Moodle XML (as Moodle 4.x exports it, and as qbank writes it) into bank questions.

The file is parsed by :mod:`qbank.safe_xml` (no entities, no DTD, no network). Each
``<question>`` becomes one bank question of the matching type; ``category`` pseudo-
questions set the section of those after them; ``description`` becomes the bank's intro.
What a bank cannot say is listed per question (:attr:`ImportedQuestion.lost`).
"""

from __future__ import annotations

import html
import re
import unicodedata
from collections.abc import Callable
from decimal import Decimal, InvalidOperation
from typing import Any

from lxml import etree

from .. import safe_xml
from ..errors import QbankError
from ..kinds.numerical import CURRENCY_SYMBOLS
from .calculated import FormulaNotMapped, dataset_param, translate_formula
from .html2md import html_to_markdown, plain_to_markdown, plugin_file_name, template_safe
from .media import MediaStore
from .model import Imported, ImportedQuestion, category_parts

_ID_CHARS = re.compile(r"[^A-Za-z0-9_.-]+")
#: Letters that no accent removal makes ASCII.
_LETTERS = str.maketrans(
    {"ß": "ss", "æ": "ae", "Æ": "AE", "ø": "o", "Ø": "O", "œ": "oe", "Œ": "OE", "ł": "l",
     "Ł": "L", "đ": "d", "Đ": "D", "þ": "th", "ð": "d"}
)  # fmt: skip
#: Moodle's cloze sub-question ``{weight:TYPE:answers}``, as Moodle's multianswer
#: importer reads it (question/type/multianswer/questiontype.php): an answer ends at
#: ``~``, ``#`` or ``}`` not after ``\\`` or ``&`` (so ``&#126;`` is a character).
_FRACTION = r"=|%(-?[0-9]+(?:[.,][0-9]*)?)%"
_ANSWER = r".+?(?<!\\)(?<!&)(?<!&amp;)(?=[~#}]|$)"
_FEEDBACK = r".*?(?<!\\)(?=[~}]|$)"
_ALTERNATIVE = f"({_FRACTION})?({_ANSWER})(#({_FEEDBACK}))?"
_CLOZE = re.compile(rf"\{{([0-9]*):([A-Z_]+):({_ALTERNATIVE}(~{_ALTERNATIVE})*)\}}", re.S)
_ONE_ALTERNATIVE = re.compile("~?" + _ALTERNATIVE, re.S)
_CLOZE_TYPES = {
    "SHORTANSWER": "text", "SA": "text", "MW": "text",
    "SHORTANSWER_C": "text_c", "SAC": "text_c", "MWC": "text_c",
    "NUMERICAL": "numeric", "NM": "numeric",
    "MULTICHOICE": "choice", "MC": "choice", "MULTICHOICE_V": "choice", "MCV": "choice",
    "MULTICHOICE_H": "choice", "MCH": "choice", "MULTICHOICE_S": "choice",
    "MCS": "choice", "MULTICHOICE_VS": "choice", "MCVS": "choice",
    "MULTICHOICE_HS": "choice", "MCHS": "choice",
    "MULTIRESPONSE": "multi", "MR": "multi", "MULTIRESPONSE_H": "multi", "MRH": "multi",
    "MULTIRESPONSE_S": "multi", "MRS": "multi", "MULTIRESPONSE_HS": "multi", "MRHS": "multi",
}  # fmt: skip
_TOKEN = "QBANKTOKEN{}Z"
_TOKEN_RE = re.compile(r"QBANKTOKEN(\d+)Z")
_ORDERING_LAYOUTS = {"VERTICAL": "vertical", "HORIZONTAL": "horizontal"}
_ORDERING_GRADINGS = {"ABSOLUTE_POSITION": "absolute", "RELATIVE_NEXT_EXCLUDE_LAST": "relative"}
_COMBINED = ("correctfeedback", "partiallycorrectfeedback", "incorrectfeedback")


def _text(element: etree._Element | None, path: str = "text") -> str:
    if element is None:
        return ""
    found = element.find(path) if path else element
    if found is None:
        return ""
    # The text around an entity reference, which is never resolved (safe_xml), is kept.
    return "".join(t for t in found.itertext() if isinstance(t, str))


def _number(text: str) -> Decimal | None:
    try:
        value = Decimal(text.strip())
    except (InvalidOperation, ValueError):
        return None
    return value if value.is_finite() else None


def _clean_number(value: Decimal) -> int | Decimal:
    """A whole number as an int; any other exactly as written (no rounding to 28 digits)."""
    if value == value.to_integral_value() and abs(value) < 10**15:
        return int(value)
    return value


def read_moodle(
    data: bytes, source: str, media: MediaStore, warn: Callable[[str], None] | None = None
) -> Imported:
    try:
        root = safe_xml.parse(data)
    except etree.XMLSyntaxError as exc:
        line = exc.lineno if exc.lineno else None
        raise QbankError(
            f"this is not a readable Moodle XML file: {exc.msg}", file=source, line=line
        ) from exc
    if root.tag != "quiz":
        raise QbankError(
            f"this XML file is not a Moodle question file: it starts with <{root.tag}>, not <quiz>",
            file=source,
            line=_line(root),
        )
    reader = _Reader(source, media)
    for element in root.iterchildren("question"):
        reader.question(element)
    return reader.result


class _Reader:
    def __init__(self, source: str, media: MediaStore) -> None:
        self.source = source
        self.media = media
        self.result = Imported(source=source)
        self.category: str | None = None
        self.top: str | None = None

    # -- texts -----------------------------------------------------------------------------

    def files(self, element: etree._Element | None) -> dict[str, str]:
        found: dict[str, str] = {}
        if element is None:
            return found
        for file in element.iterchildren("file"):
            name = file.get("name") or ""
            found[name] = file.text or ""
        return found

    def markdown(
        self, q: ImportedQuestion, element: etree._Element | None, *, inline: bool = False
    ) -> str:
        """The text of ``element`` (a ``<questiontext>``, ``<feedback>``...) as Markdown."""
        if element is None:
            return ""
        raw = _text(element)
        fmt = element.get("format", "html")
        if not raw.strip():
            return ""
        if fmt in ("html", "moodle_auto_format") and (fmt == "html" or "<" in raw):
            return self.html(q, raw, self.files(element), inline=inline)
        if fmt == "markdown":
            q.note("a text in Moodle's Markdown was kept as written")
            return template_safe(raw.strip())
        return plain_to_markdown(raw) if not inline else plain_to_markdown(raw).replace("\\\n", " ")

    def html(
        self, q: ImportedQuestion, raw: str, files: dict[str, str], *, inline: bool = False
    ) -> str:
        def image_name(src: str) -> str | None:
            name = plugin_file_name(src)
            if name is None or name not in files:
                return None
            try:
                return self.media.add(name, files[name], line=q.line)
            except QbankError as exc:
                q.note(exc.message)
                return None

        converted = html_to_markdown(raw, image_name)
        for what in converted.lost:
            q.note(what)
        text = converted.markdown
        if inline and "\n" in text:
            text = re.sub(r"\s*\n\s*", " ", text.replace("\\\n", " "))
        return text

    # -- questions -------------------------------------------------------------------------

    def question(self, element: etree._Element) -> None:
        kind = element.get("type", "")
        line = _line(element)
        if kind == "category":
            self.set_category(_text(element.find("category")))
            return
        self.result.read += 1
        q = ImportedQuestion({}, line=line, category=self.category)
        name = _text(element.find("name")).strip()
        handler = getattr(self, "q_" + kind, None)
        if handler is None:
            self.skip(q, name, f"Moodle question type '{kind}' has no qbank type")
            return
        try:
            self.header(q, element, name)
            if handler(q, element) is False:
                return
        except _Skip as skip:
            self.skip(q, name, skip.reason)
            return
        self.result.questions.append(q)

    def skip(self, q: ImportedQuestion, name: str, reason: str) -> None:
        self.result.skipped[reason] += 1
        self.result.warnings.append(
            f"{self.source}:{q.line}: the question '{name or '?'}' was left out: {reason}"
        )

    def set_category(self, path: str) -> None:
        parts = category_parts(path)
        if parts and self.top is None:
            self.top = parts[0]
            self.result.title = self.result.title or parts[0]
        self.category = "/".join(parts) if parts else None

    def header(self, q: ImportedQuestion, element: etree._Element, name: str) -> None:
        idnumber = _text(element, "idnumber").strip()
        q.fields["id"] = idnumber or name or f"question-{q.line}"
        q.fields["type"] = ""
        if name:
            q.fields["title"] = template_safe(name)
        if self.category:
            section = self.category.split("/")[-1]
            q.fields["section"] = section
        grade = _number(_text(element, "defaultgrade"))
        if grade is not None and grade != 1 and element.get("type") != "cloze":
            if grade <= 0:
                q.note(f"the mark {grade} (a bank's points are above 0; 1 written)")
            else:
                q.fields["points"] = _clean_number(grade)
        tags = [
            (t.text or "").strip()
            for t in element.findall("tags/tag/text")
            if (t.text or "").strip()
        ]
        if tags:
            q.fields["tags"] = tags
        q.fields["text"] = self.markdown(q, element.find("questiontext"))
        solution = self.markdown(q, element.find("generalfeedback"))
        if solution:
            q.fields["solution"] = solution
        for tag in _COMBINED:
            if _text(element.find(tag)).strip():
                q.note("the feedback for right, partly right and wrong answers")
        if element.findall("hint"):
            q.note("hints")

    # -- one method per Moodle type --------------------------------------------------------

    def q_description(self, q: ImportedQuestion, element: etree._Element) -> bool:
        text = q.fields["text"]
        self.result.read -= 1
        if self.result.intro is None:
            self.result.intro = text
        else:
            self.result.intro += "\n\n" + text
        return False

    def q_truefalse(self, q: ImportedQuestion, element: etree._Element) -> None:
        q.fields["type"] = "truefalse"
        answer = None
        for a in element.iterchildren("answer"):
            word = _text(a).strip().lower()
            right = (_number(a.get("fraction", "0")) or 0) > 0
            fb = self.markdown(q, a.find("feedback"))
            if word == "true":
                answer = right if answer is None else answer
                if fb:
                    q.fields["feedback_true"] = fb
            elif word == "false":
                if answer is None:
                    answer = not right
                if fb:
                    q.fields["feedback_false"] = fb
        if answer is None:
            raise _Skip("a true/false question without the answers 'true' and 'false'")
        q.fields["answer"] = answer
        # The order a bank shows: answer, then the two feedbacks.
        for key in ("feedback_true", "feedback_false"):
            if key in q.fields:
                q.fields[key] = q.fields.pop(key)

    def q_multichoice(self, q: ImportedQuestion, element: etree._Element) -> None:
        q.fields["type"] = "multichoice"
        single = _text(element, "single").strip().lower() in ("true", "1")
        answers = []
        for a in element.iterchildren("answer"):
            fraction = _number(a.get("fraction", "0")) or Decimal(0)
            answers.append((self.markdown(q, a, inline=True), fraction, a))
        if len(answers) < 2:
            raise _Skip("a multiple-choice question with fewer than two choices")
        choices = []
        best = max(f for _, f, _ in answers)
        right = [f for _, f, _ in answers if f > 0]
        for text, fraction, a in answers:
            correct = fraction >= best if single else fraction > 0
            if single and 0 < fraction < best:
                q.note(f"partial credit ({_clean_number(fraction)}%) for the choice '{text}'")
            choice: dict[str, Any] = {"text": text or "(empty)"}
            if correct:
                choice["correct"] = True
            feedback = self.markdown(q, a.find("feedback"))
            if feedback:
                choice["feedback"] = feedback
            choices.append(choice)
        if not single and len({f for f in right}) > 1:
            q.note("marks shared unequally among the right choices (qbank shares them equally)")
        if not any(c.get("correct") for c in choices):
            raise _Skip("a multiple-choice question with no right choice")
        q.fields["choices"] = choices
        n_right = sum(1 for c in choices if c.get("correct"))
        if single != (n_right == 1):
            q.fields["single"] = single
        if _text(element, "shuffleanswers").strip().lower() in ("false", "0"):
            q.fields["shuffle"] = False

    def q_shortanswer(self, q: ImportedQuestion, element: etree._Element) -> None:
        q.fields["type"] = "shortanswer"
        accepted = []
        feedback = ""
        for a in element.iterchildren("answer"):
            fraction = _number(a.get("fraction", "0")) or Decimal(0)
            text = html.unescape(_text(a)).strip()
            if fraction >= 100:
                accepted.append(template_safe(_unwildcard(text, q)))
                feedback = feedback or self.markdown(q, a.find("feedback"))
            elif text:
                q.note(f"the answer '{text}' worth {_clean_number(fraction)}%")
        if not accepted:
            raise _Skip("a short-answer question with no answer worth 100%")
        q.fields["answer"] = accepted[0] if len(accepted) == 1 else accepted
        if _text(element, "usecase").strip() == "1":
            q.fields["case_sensitive"] = True
        if feedback:
            q.fields["feedback"] = feedback

    def q_numerical(self, q: ImportedQuestion, element: etree._Element) -> None:
        q.fields["type"] = "numerical"
        found = None
        for a in element.iterchildren("answer"):
            fraction = _number(a.get("fraction", "0")) or Decimal(0)
            value = _number(html.unescape(_text(a)))
            if fraction >= 100 and value is not None and found is None:
                found = (value, _number(_text(a, "tolerance")) or Decimal(0), a)
            elif _text(a).strip() not in ("", "*"):
                q.note(f"the answer '{_text(a).strip()}' worth {_clean_number(fraction)}%")
            elif _text(a.find("feedback")).strip():
                q.note("the feedback for any other answer ('*')")
        if found is None:
            raise _Skip("a numerical question with no number worth 100%")
        value, tolerance, a = found
        q.fields["answer"] = _clean_number(value)
        self.units(q, element)
        q.fields["tolerance"] = _clean_number(abs(tolerance))
        feedback = self.markdown(q, a.find("feedback"))
        if feedback:
            q.fields["feedback"] = feedback

    def units(self, q: ImportedQuestion, element: etree._Element) -> None:
        units = element.findall("units/unit")
        unit = ""
        for u in units:
            multiplier = _number(_text(u, "multiplier")) or Decimal(1)
            name = _text(u, "unit_name").strip()
            if multiplier == 1 and not unit:
                unit = name
            else:
                q.note(f"the other unit '{name}' (× {_clean_number(multiplier)})")
        if unit:
            q.fields["unit"] = unit
            left = _text(element, "unitsleft").strip() == "1"
            default_left = unit[0] in CURRENCY_SYMBOLS
            if left != default_left:
                q.fields["unit_position"] = "before" if left else "after"
        if _text(element, "unitgradingtype").strip() not in ("", "0"):
            q.note("marks for the unit (qbank's units are shown, not graded)")

    def q_essay(self, q: ImportedQuestion, element: etree._Element) -> None:
        q.fields["type"] = "essay"
        answer = self.markdown(q, element.find("graderinfo"))
        if answer:
            q.fields["answer"] = answer
        lines = _number(_text(element, "responsefieldlines"))
        if lines is not None and lines > 0:
            q.fields["lines"] = int(lines)
        if _text(element.find("responsetemplate")).strip():
            q.note("the response template")
        if _text(element, "attachments").strip() not in ("", "0"):
            q.note("file attachments")

    def q_matching(self, q: ImportedQuestion, element: etree._Element) -> None:
        q.fields["type"] = "matching"
        pairs = []
        for sub in element.iterchildren("subquestion"):
            definition = self.markdown(q, sub, inline=True)
            term = html.unescape(_text(sub.find("answer"))).strip()
            if not definition:
                if term:
                    q.note(f"the extra wrong answer '{term}'")
                continue
            pairs.append([_escape_inline(term), definition])
        if len(pairs) < 2:
            raise _Skip("a matching question with fewer than two pairs")
        q.fields["pairs"] = pairs
        if _text(element, "shuffleanswers").strip().lower() in ("false", "0"):
            q.fields["shuffle"] = False

    q_match = q_matching

    def q_ordering(self, q: ImportedQuestion, element: etree._Element) -> None:
        q.fields["type"] = "ordering"
        items = []
        for position, a in enumerate(element.iterchildren("answer")):
            order = _number(a.get("fraction", "")) or Decimal(position)
            items.append((order, position, self.markdown(q, a, inline=True)))
        items.sort()
        if len(items) < 2:
            raise _Skip("an ordering question with fewer than two items")
        q.fields["items"] = [text for _, _, text in items]
        layout = _text(element, "layouttype").strip()
        if layout in _ORDERING_LAYOUTS and layout != "VERTICAL":
            q.fields["layout"] = _ORDERING_LAYOUTS[layout]
        grading = _text(element, "gradingtype").strip()
        if grading in _ORDERING_GRADINGS:
            if grading != "ABSOLUTE_POSITION":
                q.fields["grading"] = _ORDERING_GRADINGS[grading]
        elif grading:
            q.note(f"the grading type {grading} (absolute position used)")
        if _text(element, "selecttype").strip() not in ("", "ALL"):
            q.note("showing only some of the items")

    def q_cloze(self, q: ImportedQuestion, element: etree._Element) -> None:
        q.fields["type"] = "cloze"
        raw = _text(element.find("questiontext"))
        blanks: list[str] = []
        weights: list[int] = []

        def blank(match: re.Match[str]) -> str:
            weight = int(match.group(1) or 1)
            made = self.cloze_blank(q, match.group(2), match.group(3))
            weights.append(weight)
            blanks.append(made)
            return _TOKEN.format(len(blanks) - 1)

        tokenised = _CLOZE.sub(blank, raw)
        if not blanks:
            raise _Skip("an embedded-answers (cloze) question with no blanks")
        text = self.html(q, tokenised, self.files(element.find("questiontext")))
        q.fields["text"] = _TOKEN_RE.sub(lambda m: blanks[int(m.group(1))], text)
        if len(set(weights)) > 1:
            q.note(f"the blanks' different marks ({', '.join(map(str, weights))})")
        total = sum(weights) if len(set(weights)) == 1 else len(weights)
        q.fields.pop("points", None)
        if total != len(weights):
            q.fields["points"] = total

    q_multianswer = q_cloze

    def cloze_blank(self, q: ImportedQuestion, kind: str, body: str) -> str:
        what = _CLOZE_TYPES.get(kind)
        answers = _cloze_answers(body)
        if what is None:
            q.note(f"the blank type {kind} (kept as a text blank)")
            what = "text"
        if what == "text_c":
            q.fields["case_sensitive"] = True
            what = "text"
        right = [a for a in answers if a[0] >= 100]
        for fraction, answer, feedback in answers:
            if 0 < fraction < 100:
                q.note(f"partial credit ({_clean_number(fraction)}%) for '{answer}' in a blank")
            if feedback.strip():
                q.note("feedback on the blanks' answers")
        if not right:
            right = answers[:1]
            q.note("a blank with no answer worth 100% (its first answer is taken as right)")
        if what == "numeric":
            value, _, tol = right[0][1].partition(":")
            number = _number(value)
            if number is None:
                return "[[" + _blank_text(right[0][1]) + "]]"
            tolerance = _number(tol) or Decimal(0)
            return f"[[= {_plain(number)} ± {_plain(abs(tolerance))}]]"
        if what in ("choice", "multi"):
            if what == "multi":
                q.note("a blank with several right choices (only the first is right now)")
            wrong = [a for a in answers if a is not right[0] and a[0] < 100]
            if len(right) > 1:
                q.note("a drop-down with several right options (only the first is kept)")
            options = [right[0][1]] + [a[1] for a in wrong]
            return "[[? " + " | ".join(_blank_text(o) for o in options) + "]]"
        alternatives = "|".join(_blank_text(_unwildcard(a[1], q)) for a in right)
        return "[[" + alternatives + "]]"

    def q_calculated(self, q: ImportedQuestion, element: etree._Element) -> None:
        q.fields["type"] = "numerical"
        names = []
        params: dict[str, Any] = {}
        linked: dict[str, list[str]] = {}
        for definition in element.findall("dataset_definitions/dataset_definition"):
            name = _text(definition.find("name")).strip()
            if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", name):
                raise _Skip(f"the wildcard '{name}' is not a name a formula can use")
            param, notes = dataset_param(
                _text(definition.find("minimum")),
                _text(definition.find("maximum")),
                _text(definition.find("decimals")),
                _text(definition.find("distribution")),
            )
            for note in notes:
                q.note(f"wildcard '{name}': {note}")
            names.append(name)
            if _text(definition.find("status")).strip() == "shared":
                items = [
                    (_text(item, "value") or "").strip()
                    for item in definition.findall("dataset_items/dataset_item")
                ]
                if items and all(_number(v) is not None for v in items):
                    linked[name] = [_plain(_number(v) or Decimal(0)) for v in items]
                    continue
                q.note(f"wildcard '{name}' was shared with other questions (now its own)")
            params[name] = param
        answers = [
            a
            for a in element.iterchildren("answer")
            if (_number(a.get("fraction", "0")) or 0) >= 100
        ]
        if not answers:
            raise _Skip("a calculated question with no answer worth 100%")
        a = answers[0]
        try:
            formula = translate_formula(html.unescape(_text(a)), names)
        except FormulaNotMapped as exc:
            raise _Skip(f"its formula cannot be written in qbank: {exc}") from exc
        if linked:
            # Shared wildcards keep their values, item by item: one index parameter picks
            # the item, so the values that belong together (Moodle's synchronised item
            # number) stay together, as in every question that shares them.
            count = min(len(v) for v in linked.values())
            index = "item"
            while index in names:
                index += "_"
            params = {index: {"min": 1, "max": count}, **params}
            q.fields["let"] = {
                name: f"[{', '.join(values[:count])}][{index} - 1]"
                for name, values in linked.items()
            }
            if len({len(v) for v in linked.values()}) > 1:
                q.note(f"shared wildcards with different numbers of items (the first {count} kept)")
        q.fields["params"] = params
        # The texts: {name} -> {{ name }}; {=formula} -> {{ formula }}.
        q.fields["text"] = self.calc_text(q, element.find("questiontext"), names)
        if "solution" in q.fields:
            q.fields["solution"] = self.calc_text(q, element.find("generalfeedback"), names)
        q.fields["answer"] = formula
        self.units(q, element)
        tolerance = _number(_text(a, "tolerance")) or Decimal(0)
        tolerance_type = _text(a, "tolerancetype").strip() or "1"
        if tolerance_type == "2":
            q.fields["tolerance"] = _clean_number(abs(tolerance))
        else:
            if tolerance_type == "3":
                q.note("the geometric tolerance (written as the same relative tolerance)")
            q.fields["tolerance"] = f"{_plain(abs(tolerance) * 100)}%"
        answer_format = _text(a, "correctanswerformat").strip() or "1"
        length = _number(_text(a, "correctanswerlength"))
        if answer_format == "1" and length is not None:
            q.fields["decimals"] = int(length)
        elif length is not None:
            q.note(f"showing the answer with {int(length)} significant figures")
        feedback = self.markdown(q, a.find("feedback"))
        if feedback:
            q.fields["feedback"] = feedback
        if len(answers) > 1 or len(list(element.iterchildren("answer"))) > 1:
            q.note("the other answers (only the first one worth 100% is kept)")

    q_calculatedsimple = q_calculated

    def q_calculatedmulti(self, q: ImportedQuestion, element: etree._Element) -> None:
        raise _Skip("calculated multiple-choice questions are not imported yet")

    def calc_text(
        self, q: ImportedQuestion, element: etree._Element | None, names: list[str]
    ) -> str:
        if element is None:
            return ""
        raw = _text(element)
        values: list[str] = []

        def placeholder(match: re.Match[str]) -> str:
            inner = match.group(1)
            if inner.startswith("="):
                try:
                    values.append(
                        "{{ " + translate_formula(html.unescape(inner[1:]), names) + " }}"
                    )
                except FormulaNotMapped as exc:
                    q.note(f"the formula '{inner}' in a text ({exc})")
                    return match.group(0)
            elif inner in names:
                values.append("{{ " + inner + " }}")
            else:
                return match.group(0)
            return _TOKEN.format(len(values) - 1)

        tokenised = re.sub(
            r"\{(=[^{}]*(?:\{[A-Za-z_][A-Za-z0-9_]*\}[^{}]*)*|[A-Za-z_][A-Za-z0-9_]*)\}",
            placeholder,
            raw,
        )
        if element.get("format", "html") == "html":
            text = self.html(q, tokenised, self.files(element))
        else:
            text = plain_to_markdown(tokenised)
        return _TOKEN_RE.sub(lambda m: values[int(m.group(1))], text)


def _line(element: etree._Element) -> int | None:
    line = element.sourceline
    return line if isinstance(line, int) else None


class _Skip(Exception):
    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def _plain(value: Decimal) -> str:
    text = format(value, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def _unwildcard(text: str, q: ImportedQuestion) -> str:
    """A Moodle short-answer pattern as qbank's accepted answer: ``\\*`` is a star."""
    if re.search(r"(?<!\\)\*", text):
        q.note(f"the wildcard '*' in the answer '{text}' (now a plain star)")
    return text.replace("\\*", "*")


def _cloze_answers(body: str) -> list[tuple[Decimal, str, str]]:
    """The answers of a cloze blank: (fraction, answer, feedback), as Moodle reads them."""
    out = []
    remaining = body
    while (alt := _ONE_ALTERNATIVE.match(remaining)) is not None and alt.group(0):
        if alt.group(1) == "=":
            fraction = Decimal(100)
        else:
            fraction = _number((alt.group(2) or "0").replace(",", ".")) or Decimal(0)
        raw = re.sub(r"<[^>]*>", "", alt.group(3))
        answer = html.unescape(raw).replace("\\}", "}").replace("\\#", "#")
        answer = answer.replace("\\~", "~").replace("\\/", "/").replace('\\"', '"')
        out.append((fraction, answer.strip(), alt.group(5) or ""))
        remaining = remaining[alt.end() :]
    return out


def _blank_text(answer: str) -> str:
    """An answer inside ``[[…]]``: a ``|`` would separate answers, ``]]`` end the blank."""
    return template_safe(answer.replace("|", "/").replace("]]", "] ]").strip()) or "?"


def _escape_inline(text: str) -> str:
    from .html2md import escape_text

    return template_safe(escape_text(text))


def clean_id(raw: str) -> str:
    """A Moodle idnumber or name as a bank id (letters, digits, ``-``, ``_``, ``.``)."""
    parts = raw.split(":")
    if len(parts) >= 2:  # qbank's own "bank:question:v1"
        parts = parts[1:]
    # Accents off (café -> cafe), then anything else that is no id character a '-'.
    ascii_text = unicodedata.normalize("NFKD", "-".join(parts).translate(_LETTERS))
    ascii_text = "".join(c for c in ascii_text if not unicodedata.combining(c))
    text = _ID_CHARS.sub("-", ascii_text).strip("-._")
    return (text or "question")[:64].rstrip("-._") or "question"
