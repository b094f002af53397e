"""Stream one generated set into a Moodle XML file, question by question.

Each ``<question>`` is built with lxml, serialised, written and dropped, so memory stays
flat however many versions are drawn. The variants of a randomised numerical question
(thousands of them at district scale) are written into text that lxml made once for the
question (:mod:`.stencil`): the same bytes, without building a tree per variant.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import IO

from lxml import etree

from ... import __version__
from ...i18n import _, ngettext
from ...model import GeneratedSet, Question, Variant
from .calculated import MAX_DATASET_ITEMS, NotExpressible, translate
from .layout import Category, Layout
from .markup import (
    MAX_NAME,
    Cleaner,
    TextRenderer,
    TextWrongForCalculated,
    plain_name,
    plain_paragraph,
)
from .questions import QuestionWriter, text_field
from .stencil import NumericalStencil, StencilError
from .types import RENDERERS, write_question

XML_DECLARATION = b'<?xml version="1.0" encoding="UTF-8"?>\n'


def _comment(text: str) -> etree._Comment:
    # An XML comment may not contain "--" nor end with "-"; a bank id may contain both.
    while "--" in text:
        text = text.replace("--", "- -")
    return etree.Comment(f" {text} ")


def category_title(question: Question, variants: Sequence[Variant]) -> str:
    """The title the variants share; the question id when the title itself varies."""
    titles = {v.title for v in variants}
    return titles.pop() if len(titles) == 1 else question.id


#: Embedded images (base64 bytes) above which the teacher is warned about the file's size.
LARGE_IMAGES = 20 * 2**20

#: Variants written into a stencil are encoded and written this many at a time.
_BATCH = 256


class VariantNames:
    """The names of the variants of one question: ``<title> (variant 07)``.

    Zero-padded so Moodle's alphabetical list shows variant 02 before variant 10; the
    title part is worked out once per title (a question's variants nearly always share one).
    """

    def __init__(self, count: int) -> None:
        self.width = len(str(count))
        self.pattern = _("{title} (variant {number})")
        self.limit = MAX_NAME - len(self.pattern.format(title="", number="0" * self.width))
        self._titles: dict[str, str] = {}

    def __call__(self, variant: Variant) -> str:
        title = self._titles.get(variant.title)
        if title is None:
            title = self._titles[variant.title] = plain_name(variant.title, self.limit)
        return self.pattern.format(title=title, number=f"{variant.number:0{self.width}d}")


class MoodleFile:
    def __init__(
        self,
        generated: GeneratedSet,
        *,
        calculated: bool = False,
        warn: Callable[[str], None] = lambda message: None,
    ) -> None:
        self.generated = generated
        self.bank = generated.bank
        self.calculated = calculated
        self.warn = warn
        self.clean = Cleaner()
        self.texts = TextRenderer(generated.media, math=self.bank.math, clean=self.clean)
        self.questions = QuestionWriter(self.clean, warn, self.texts)
        self.randomised = [q for q in self.bank.questions if q.randomised]
        self.fixed = [q for q in self.bank.questions if not q.randomised]
        self.layout = Layout(
            self.bank, {q.id: category_title(q, generated.variants[q.id]) for q in self.randomised}
        )

    def write(self, fh: IO[bytes]) -> None:
        generated, bank = self.generated, self.bank
        fh.write(XML_DECLARATION)
        fh.write(
            etree.tostring(
                _comment(
                    ngettext(
                        "Moodle XML written by qbank {version} from the bank '{bank}' with "
                        "seed {seed}, {count} variant per randomised question.",
                        "Moodle XML written by qbank {version} from the bank '{bank}' with "
                        "seed {seed}, {count} variants per randomised question.",
                        generated.count,
                    ).format(
                        version=__version__,
                        bank=bank.id,
                        seed=generated.seed,
                        count=generated.count,
                    )
                    + " "
                    + _(
                        "Import it in Moodle: Question bank > Import > Moodle XML format, "
                        "with 'Get category from file' ticked."
                    )
                    + " "
                    + _("Importing the same file again adds a second copy of every question.")
                ),
                encoding="utf-8",
            )
            + b"\n"
        )
        # What etree.xmlfile writes for a <quiz> holding pretty-printed elements.
        fh.write(b"<quiz>\n")
        self.category(fh, self.layout.bank_category(self.bank_info()))
        if self.fixed:
            self.category(
                fh,
                self.layout.fixed_category(
                    ngettext(
                        "The {n} question of the bank that is the same for every student.",
                        "The {n} questions of the bank that are the same for every student.",
                        len(self.fixed),
                    ).format(n=len(self.fixed))
                ),
            )
            for q in self.fixed:
                v = generated.variants[q.id][0]
                self.element(
                    fh,
                    write_question(
                        self.questions,
                        v,
                        plain_name(v.title),
                        self.layout.question_idnumber(q, None),
                    ),
                )
        for q in self.randomised:
            self.randomised_question(fh, q, generated.variants[q.id])
        fh.write(b"</quiz>\n")
        if self.questions.embedded > LARGE_IMAGES:
            self.warn(
                f"Moodle XML: the images take {self.questions.embedded / 2**20:.0f} MB of the "
                "file, as each question (each variant) that shows an image holds its own copy; "
                "if Moodle refuses a file this large, draw fewer versions or use smaller images"
            )
        if self.clean.changed:
            self.warn(
                "Moodle XML: removed control characters that XML files cannot hold, "
                f"in {', '.join(repr(c) for c in self.clean.changed)}"
            )

    def bank_info(self) -> str:
        bank, generated = self.bank, self.generated
        title = bank.title + (f": {bank.subtitle}" if bank.subtitle else "")
        return ngettext(
            "Questions from the qbank bank '{bank}' ({title}), drawn with seed {seed}: "
            "{count} variant of each randomised question. Running qbank again with "
            "--seed {seed} and -n {count} makes the same questions.",
            "Questions from the qbank bank '{bank}' ({title}), drawn with seed {seed}: "
            "{count} variants of each randomised question. Running qbank again with "
            "--seed {seed} and -n {count} makes the same questions.",
            generated.count,
        ).format(bank=bank.id, title=title, seed=generated.seed, count=generated.count)

    def randomised_question(self, fh: IO[bytes], q: Question, variants: Sequence[Variant]) -> None:
        title = self.layout.names[q.id]
        if self.calculated and RENDERERS[q.type].calculated:
            try:
                calc = translate(q, variants)
                element = self.questions.calculated(
                    q, calc, title, self.layout.question_idnumber(q, None)
                )
            except (NotExpressible, TextWrongForCalculated) as exc:
                self.warn(
                    f"question '{q.id}': written as {len(variants)} numerical variants, "
                    f"not as a Moodle calculated question: {exc}"
                )
            else:
                if len(variants) > MAX_DATASET_ITEMS:
                    self.warn(
                        f"question '{q.id}': Moodle keeps at most {MAX_DATASET_ITEMS} sets "
                        f"of values in a calculated question; the first "
                        f"{MAX_DATASET_ITEMS} of {len(variants)} are used"
                    )
                self.category(
                    fh,
                    self.layout.question_category(
                        q,
                        ngettext(
                            "One calculated question: Moodle picks its {n} set of values "
                            "for each attempt.",
                            "One calculated question: Moodle picks one of its {n} sets of "
                            "values for each attempt.",
                            len(calc.datasets[0].values),
                        ).format(n=len(calc.datasets[0].values)),
                    ),
                )
                self.element(fh, element)
                return
        self.category(
            fh,
            self.layout.question_category(
                q,
                ngettext(
                    "{n} variant of the question '{title}', with its own numbers. In a quiz, "
                    "add a random question from this category.",
                    "{n} variants of the question '{title}', each with its own numbers. In a "
                    "quiz, add a random question from this category: each student gets one "
                    "of the variants.",
                    len(variants),
                ).format(n=len(variants), title=title),
            ),
        )
        names = VariantNames(len(variants))
        stencil = self.stencil(q)
        if stencil is None:
            for v in variants:
                self.element(
                    fh,
                    write_question(
                        self.questions, v, names(v), self.layout.question_idnumber(q, v)
                    ),
                )
            return
        idnumbers = self.layout.variant_idnumbers(q, len(variants))
        for start in range(0, len(variants), _BATCH):  # a few large writes, not many small
            fh.write(
                "".join(
                    [
                        stencil.variant(v, names(v), idnumbers(v))
                        or self.tree(write_question(self.questions, v, names(v), idnumbers(v)))
                        for v in variants[start : start + _BATCH]
                    ]
                ).encode("utf-8")
            )

    def stencil(self, q: Question) -> NumericalStencil | None:
        """The text all variants of a question are written into, if its type has one."""
        stencil = RENDERERS[q.type].stencil
        if stencil is None or q.data is not None:  # each version has its own data file
            return None
        try:
            return stencil(self.questions, q)
        except StencilError:  # a text of the question holds a placeholder: write trees
            return None

    def category(self, fh: IO[bytes], category: Category) -> None:
        self.clean.current = category.idnumber.split("@")[0]
        element = etree.Element("question", type="category")
        text_field(element, "category", self.clean(category.path), fmt=None)
        text_field(element, "info", self.clean(plain_paragraph(category.info)))
        etree.SubElement(element, "idnumber").text = category.idnumber
        self.element(fh, element)

    @staticmethod
    def element(fh: IO[bytes], element: etree._Element) -> None:
        fh.write(etree.tostring(element, pretty_print=True, encoding="utf-8"))

    @staticmethod
    def tree(element: etree._Element) -> str:
        """An element as :meth:`element` writes it, as text (to join a stencil's batch)."""
        return etree.tostring(element, pretty_print=True, encoding="unicode")


def write_moodle_xml(
    generated: GeneratedSet,
    fh: IO[bytes],
    *,
    calculated: bool = False,
    warn: Callable[[str], None] = lambda message: None,
) -> None:
    MoodleFile(generated, calculated=calculated, warn=warn).write(fh)
