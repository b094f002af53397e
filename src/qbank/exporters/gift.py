"""``-f gift``: Moodle's GIFT text format (``OUT/<bank-id>-gift.txt``, UTF-8).

GIFT is the text format Moodle teachers read, edit by hand and share. The file holds the
same questions as ``-f moodle``, in the same categories (:mod:`.moodle.layout`): a
``$CATEGORY:`` line for the bank, one for its fixed questions and one per randomised
question with each of its variants as a question of its own, named ``<title> (variant 07)``,
with the same ID numbers (in a ``// [id:…]`` comment, as Moodle's own GIFT export writes
them).

What Moodle's importer (``question/format/gift/format.php``) does to a file, and so what
this writer must do:

- a blank line ends a question and every line is trimmed, and a line starting with ``//``
  is a comment: line breaks inside a text are written ``\\n``, so each text stays on one
  line that starts with GIFT's own syntax (``::``, ``=``, ``~``, ``####``, ``}``);
- ``~ = # { } :`` are syntax unless escaped with a backslash, and ``\\\\`` is a backslash:
  all of them are escaped in every text, the backslash first (:func:`escape`);
- texts are ``[html]`` (Moodle's ``[markdown]`` would eat the ``\\(`` of a formula): the
  HTML of :func:`qbank.richtext.to_html`, math as ``\\(…\\)`` and ``\\[…\\]`` for MathJax;
- an answer or feedback that starts with ``[`` would be read as a text format (``[plain]``),
  and a choice that starts with ``%`` as a weight: their first character is written as an
  HTML character reference.

GIFT has no ordering questions, no way to embed an image or attach a data set's CSV file,
and no cloze with several blanks;
those questions are left out with one warning that names them and suggests ``-f moodle``.
A cloze with one blank becomes a GIFT "missing word" question (the blank is shown as
``_____``): a short answer, a number with its tolerance, or a drop-down's choices.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import IO

from .. import __version__, textcheck
from ..charmap import CharMap
from ..i18n import _, both_decimal_marks, ngettext
from ..model import Bank, GeneratedSet, Question, Variant
from ..numeric import plain
from ..richtext import plain_words, to_html
from ..richtext.html import escape_html, plain_html
from . import register
from .base import Exporter, ExportOptions, OutputSink
from .moodle.cloze import wildcard_pattern
from .moodle.grades import multichoice_grades, percent_text
from .moodle.layout import Layout
from .moodle.markup import Cleaner, plain_name
from .moodle.questions import MIN_MATCHING_PAIRS
from .moodle.writer import VariantNames, category_title

_SPECIAL = CharMap(
    {
        "\\": "\\\\",
        "~": "\\~",
        "=": "\\=",
        "#": "\\#",
        "{": "\\{",
        "}": "\\}",
        ":": "\\:",
        "\n": "\\n",
    }
)
#: Marks where a cloze blank goes in the HTML (a noncharacter, repeated if a text has it).
_BLANK = "\ufdd0"
#: Distinct texts whose HTML is kept.
_CACHE = 4096


def escape(text: str) -> str:
    """``text`` as GIFT reads it back exactly: special characters and the backslash escaped,
    line breaks written ``\\n`` (Moodle's own exporter escapes the same way)."""
    return _SPECIAL(text.replace("\r\n", "\n").replace("\r", "\n"))


def _field(text: str) -> str:
    """An HTML field that Moodle reads with ``parse_text_with_format``: a leading ``[``
    (read as ``[format]``) or ``%`` (read as a weight ``%50%``) as a character reference."""
    text = text.strip()
    if text[:1] in ("[", "%"):
        text = f"&#{ord(text[0])};" + text[1:]
    return escape(text)


def _plain_answer(answer: str) -> str:
    """A short answer as GIFT writes it after ``=``: with its full-marks weight when the
    answer itself starts with ``%`` (else read as a weight), after ``[plain]`` when it starts
    with ``[`` (else ``[html]…`` would be read as a text format). ``*`` is a star, not
    Moodle's wildcard."""
    text = escape(wildcard_pattern(answer.strip()))
    if text.startswith("%"):
        return "%100%" + text
    if text.startswith("["):
        return "[plain]" + text
    return text


class Unwritable(Exception):
    """Why a question cannot be a GIFT question (it is left out and named in a warning)."""


class GiftWriter:
    def __init__(self, math: bool) -> None:
        self.math = math
        self._html: dict[tuple[str, bool], str] = {}

    def html(self, text: str, inline: bool = False) -> str:
        """The HTML of a Markdown text; cached, as feedback and choices repeat in variants."""
        if not text:
            return ""
        html = self._html.get((text, inline))
        if html is None:
            if len(self._html) >= _CACHE:
                self._html.clear()
            words = plain_words(text)
            if words is not None:  # no Markdown at all: no tree (see richtext.plain_words)
                html = plain_html(words, inline=inline)
            else:
                doc = textcheck.parse(text, inline=inline, blanks=False, math=self.math)
                html = to_html(doc).strip()
            self._html[text, inline] = html
        return html

    def general_feedback(self, v: Variant) -> str:
        """``####`` and the feedback every student sees, then the worked solution."""
        parts = [self.html(t) for t in (v.feedback, v.solution) if t]
        return f"####{_field(chr(10).join(parts))}" if parts else ""

    def question(self, v: Variant) -> tuple[str, str]:
        """The question text (HTML, escaped) and its answer block ``{…}``; for a missing-word
        question the text holds the block where the blank is. ``v`` has passed
        :func:`check_writable`."""
        return RENDERERS[v.type](self, v)

    # -- one method per question type ---------------------------------------------------

    def numerical(self, v: Variant) -> tuple[str, str]:
        return self.text(v), self.block(v, [f"#{plain(v.answer)}:{plain(v.payload.tolerance)}"])

    def multichoice(self, v: Variant) -> tuple[str, str]:
        single = v.question.spec.single
        choices = v.payload.choices
        grades = multichoice_grades([c.correct for c in choices], single)
        lines = []
        for choice, grade in zip(choices, grades, strict=True):
            if single:
                mark = "=" if grade == 100 else "~"
            else:
                mark = "~" if grade == 0 else f"~%{percent_text(grade)}%"
            line = mark + _field(self.html(choice.text, inline=True))
            if choice.feedback:
                line += "#" + _field(self.html(choice.feedback))
            lines.append(line)
        return self.text(v), self.block(v, lines)

    def truefalse(self, v: Variant) -> tuple[str, str]:
        payload = v.payload
        right, wrong = (
            (payload.feedback_true, payload.feedback_false)
            if v.answer
            else (payload.feedback_false, payload.feedback_true)
        )
        answer = "TRUE" if v.answer else "FALSE"
        if wrong or right:
            answer += "#" + _field(self.html(wrong))
        if right:
            answer += "#" + _field(self.html(right))
        return self.text(v), self.block(v, [answer], inline=True)

    def shortanswer(self, v: Variant) -> tuple[str, str]:
        accepted = both_decimal_marks(v.payload.accepted)
        return self.text(v), self.block(v, ["=" + _plain_answer(a) for a in accepted])

    def essay(self, v: Variant) -> tuple[str, str]:
        return self.text(v), self.block(v, [], inline=True)

    def matching(self, v: Variant) -> tuple[str, str]:
        # As in Moodle XML: the definitions are the questions, the terms the drop-down.
        lines = [
            "="
            + _field(self.html(definition, inline=True)).replace("->", "-&gt;")
            # Moodle reads the term after the first "->" as plain text.
            + " -> "
            + escape(term.strip())
            for term, definition in v.payload.pairs
        ]
        return self.text(v), self.block(v, lines)

    def cloze(self, v: Variant) -> tuple[str, str]:
        """A missing-word question: the one blank's answers inside the text."""
        (blank,) = v.payload.blanks
        if blank.kind == "numeric":
            answers = [f"#{plain(blank.value)}:{plain(blank.tolerance or 0)}"]
        elif blank.kind == "choice":
            answers = [
                ("=" if option == blank.answer else "~") + _field(escape_html(option))
                for option in blank.options
            ]
        else:
            answers = ["=" + _plain_answer(a) for a in both_decimal_marks(blank.answers)]
        block = self.block(v, answers, inline=True)
        doc = textcheck.parse(v.text, inline=False, blanks=True, math=self.math)
        marker = _BLANK
        while marker in v.text:
            marker += _BLANK
        html = to_html(doc, blank=lambda index: marker).strip()
        before, after = html.split(marker)
        return f"{escape(before)}{block}{escape(after)}", ""

    # -- shared parts -------------------------------------------------------------------

    def text(self, v: Variant) -> str:
        return escape(self.html(v.text))

    def block(self, v: Variant, answers: Sequence[str], inline: bool = False) -> str:
        feedback = self.general_feedback(v)
        if inline:
            return "{" + " ".join([*answers, feedback]).strip() + "}"
        lines = [f"\t{a}" for a in answers]
        if feedback:
            lines.append(f"\t{feedback}")
        return "{\n" + "\n".join(lines) + "\n}"


RENDERERS: dict[str, Callable[[GiftWriter, Variant], tuple[str, str]]] = {
    "numerical": GiftWriter.numerical,
    "multichoice": GiftWriter.multichoice,
    "truefalse": GiftWriter.truefalse,
    "shortanswer": GiftWriter.shortanswer,
    "essay": GiftWriter.essay,
    "matching": GiftWriter.matching,
    "cloze": GiftWriter.cloze,
}


def check_writable(v: Variant, math: bool) -> None:
    """Raise :class:`Unwritable` when GIFT cannot hold variant ``v``."""
    if v.type not in RENDERERS:
        raise Unwritable(f"{v.type}: GIFT has no such question type")
    if v.drawn.datasets:
        raise Unwritable("a data set: GIFT cannot attach its CSV file")
    for _field_name, text, inline, blanks in textcheck.markdown_texts(v.drawn):
        if any(textcheck.images(textcheck.parse(text, inline=inline, blanks=blanks, math=math))):
            raise Unwritable("an image: GIFT cannot embed images")
    if v.type == "cloze":
        if len(v.payload.blanks) != 1:
            raise Unwritable(f"cloze with {len(v.payload.blanks)} blanks: GIFT holds one")
        if _blanks_shown(v.text, math) != 1:
            raise Unwritable("its blank is inside code, where no answer box can go")
    if v.type == "matching" and len(v.payload.pairs) < MIN_MATCHING_PAIRS:
        raise Unwritable(
            f"matching with {len(v.payload.pairs)} pairs: Moodle needs {MIN_MATCHING_PAIRS}"
        )
    accepted: tuple[str, ...] = ()
    if v.type == "shortanswer":
        accepted = v.payload.accepted
    elif v.type == "cloze" and v.payload.blanks[0].kind == "text":
        accepted = v.payload.blanks[0].answers
    if any("->" in a for a in accepted):
        raise Unwritable("an answer with '->', which GIFT reads as a matching question")


def _blanks_shown(text: str, math: bool) -> int:
    """How many answer boxes the Markdown of a cloze text shows (a ``[[…]]`` in code shows
    as text)."""
    count = 0

    def blank(index: int) -> str:
        nonlocal count
        count += 1
        return ""

    to_html(textcheck.parse(text, inline=False, blanks=True, math=math), blank=blank)
    return count


class GiftFile:
    def __init__(self, generated: GeneratedSet, warn: Callable[[str], None]) -> None:
        self.generated = generated
        self.bank = generated.bank
        self.warn = warn
        self.clean = Cleaner()
        self.writer = GiftWriter(self.bank.math)
        randomised = [q for q in self.bank.questions if q.randomised]
        self.layout = Layout(
            self.bank, {q.id: category_title(q, generated.variants[q.id]) for q in randomised}
        )
        self.skipped: dict[str, str] = {}

    def write(self, fh: IO[str]) -> None:
        generated, bank = self.generated, self.bank
        said = ngettext(
            "GIFT written by qbank {version} from the bank '{bank}' with seed {seed}, "
            "{count} variant per randomised question.",
            "GIFT written by qbank {version} from the bank '{bank}' with seed {seed}, "
            "{count} variants per randomised question.",
            generated.count,
        ).format(version=__version__, bank=bank.id, seed=generated.seed, count=generated.count)
        how = _(
            "Import it in Moodle: Question bank > Import > GIFT format, with 'Get category "
            "from file' ticked."
        )
        again = _("Importing the same file again adds a second copy of every question.")
        # One line each: a comment line ends at the line's end.
        fh.write("".join(f"// {' '.join(line.split())}\n" for line in (said, how, again)) + "\n")
        writable = {q.id: self.writable(q) for q in bank.questions}
        fh.write(self.category(self.layout.bank_category("").path))
        fixed = [q for q in bank.questions if not q.randomised and writable[q.id]]
        if fixed:
            fh.write(self.category(self.layout.fixed_category("").path))
            for q in fixed:
                v = generated.variants[q.id][0]
                fh.write(self.question(v, plain_name(v.title), None))
        for q in bank.questions:
            if not q.randomised or not writable[q.id]:
                continue
            variants = generated.variants[q.id]
            fh.write(self.category(self.layout.question_category(q, "").path))
            names = VariantNames(len(variants))
            for v in variants:
                fh.write(self.question(v, names(v), v))
        if self.skipped:
            listed = "; ".join(f"'{qid}' ({why})" for qid, why in self.skipped.items())
            self.warn(
                f"GIFT: left out {len(self.skipped)} question(s) that GIFT cannot hold: "
                f"{listed}. Use -f moodle (Moodle XML) for them."
            )
        if self.clean.changed:
            self.warn(
                "GIFT: removed control characters that Moodle cannot store, in "
                + ", ".join(repr(c) for c in self.clean.changed)
            )

    def writable(self, q: Question) -> bool:
        try:
            for v in self.generated.variants[q.id]:
                check_writable(v, self.bank.math)
        except Unwritable as exc:
            self.skipped[q.id] = str(exc)
            return False
        return True

    def category(self, path: str) -> str:
        # The importer takes the rest of the line as it is, after turning "\\" into "\".
        return self.clean(f"$CATEGORY: {path.replace(chr(92), chr(92) * 2)}\n\n")

    def question(self, v: Variant, name: str, variant: Variant | None) -> str:
        self.clean.current = v.id
        q = v.question
        comment = [f"[id:{_bracketed(self.layout.question_idnumber(q, variant))}]"]
        comment += [f"[tag:{_bracketed(_tag(t))}]" for t in q.tags if _tag(t)]
        text, block = self.writer.question(v)
        # Moodle cannot store most control characters: they are removed (and reported).
        return self.clean(f"// {' '.join(comment)}\n::{escape(name)}::[html]{text}{block}\n\n")


def _bracketed(text: str) -> str:
    return text.replace("]", "\\]")


def _tag(tag: str) -> str:
    """A tag as Moodle's GIFT importer reads it from a comment (no ``<>``, backquote or
    control characters)."""
    return "".join(c for c in tag if c not in "<>`" and c.isprintable()).strip()


@register
class GiftExporter(Exporter):
    name = "gift"
    help = "Moodle's GIFT text format, for any Moodle: OUT/<bank-id>-gift.txt"
    # Asked for by name: GIFT leaves out questions (pictures, cloze with several blanks,
    # ordering), and a run that writes Moodle XML anyway should not warn about them.
    in_all = False

    def file_names(self, bank: Bank) -> list[str]:
        return [f"{bank.id}-gift.txt"]

    def write(self, generated: GeneratedSet, sink: OutputSink, options: ExportOptions) -> None:
        with sink.open(self.file_names(generated.bank)[0]) as fh:
            write_gift(generated, fh, warn=sink.warn)


def write_gift(
    generated: GeneratedSet, fh: IO[str], *, warn: Callable[[str], None] = lambda message: None
) -> None:
    GiftFile(generated, warn).write(fh)


__all__ = ["GiftExporter", "escape", "write_gift"]
