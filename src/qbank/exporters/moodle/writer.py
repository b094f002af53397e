"""Stream one generated set into a Moodle XML file, question by question.

The file is written with ``lxml.etree.xmlfile``: each ``<question>`` is built, written and
dropped, so memory stays flat however many versions are drawn.
"""

from __future__ import annotations

from typing import IO, Callable, Sequence

from lxml import etree

from ... import __version__
from ...model import GeneratedSet, Question, Variant
from .calculated import MAX_DATASET_ITEMS, NotExpressible, translate
from .layout import Category, Layout
from .markup import Cleaner, plain_name, text_to_html
from .questions import QuestionWriter, text_field

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


def variant_name(variant: Variant, count: int) -> str:
    # Zero-padded so Moodle's alphabetical list shows variant 02 before variant 10.
    suffix = f" (variant {variant.number:0{len(str(count))}d})"
    return plain_name(variant.title, 255 - len(suffix)) + suffix


class MoodleFile:
    def __init__(self, generated: GeneratedSet, *, calculated: bool = False,
                 warn: Callable[[str], None] = lambda message: None) -> None:
        self.generated = generated
        self.bank = generated.bank
        self.calculated = calculated
        self.warn = warn
        self.clean = Cleaner()
        self.questions = QuestionWriter(self.clean, warn)
        self.randomised = [q for q in self.bank.questions if q.randomised]
        self.fixed = [q for q in self.bank.questions if not q.randomised]
        self.layout = Layout(self.bank, {q.id: category_title(q, generated.variants[q.id])
                                         for q in self.randomised})

    def write(self, fh: IO[bytes]) -> None:
        generated, bank = self.generated, self.bank
        fh.write(XML_DECLARATION)
        fh.write(etree.tostring(_comment(
            f"Moodle XML written by qbank {__version__} from the bank '{bank.id}' with seed "
            f"{generated.seed}, {generated.count} variant(s) per randomised question. Import it in "
            "Moodle: Question bank > Import > Moodle XML format, with 'Get category from file' "
            "ticked. "
            "Importing the same file again adds a second copy of every question."),
            encoding="utf-8") + b"\n")
        with etree.xmlfile(fh, encoding="utf-8") as xf:
            with xf.element("quiz"):
                xf.write("\n")
                self.category(xf, self.layout.bank_category(self.bank_info()))
                if self.fixed:
                    self.category(xf, self.layout.fixed_category(
                        f"The {len(self.fixed)} questions of the bank that are the same for "
                        "every student."))
                    for q in self.fixed:
                        v = generated.variants[q.id][0]
                        self.element(xf, self.questions.question(
                            v, plain_name(v.title), self.layout.question_idnumber(q, None)))
                for q in self.randomised:
                    self.randomised_question(xf, q, generated.variants[q.id])
        fh.write(b"\n")
        if self.clean.changed:
            self.warn("Moodle XML: removed control characters that XML files cannot hold, "
                      f"in {', '.join(repr(c) for c in self.clean.changed)}")

    def bank_info(self) -> str:
        bank, generated = self.bank, self.generated
        title = bank.title + (f": {bank.subtitle}" if bank.subtitle else "")
        return (f"Questions from the qbank bank '{bank.id}' ({title}), drawn with seed "
                f"{generated.seed}: {generated.count} variant(s) of each randomised question. "
                f"Running qbank again with --seed {generated.seed} and -n {generated.count} "
                "makes the same questions.")

    def randomised_question(self, xf, q: Question, variants: Sequence[Variant]) -> None:
        title = self.layout.names[q.id]
        if self.calculated and q.type == "numerical":
            try:
                calc = translate(q, variants)
            except NotExpressible as exc:
                self.warn(f"question '{q.id}': written as {len(variants)} numerical variants, "
                          f"not as a Moodle calculated question: {exc}")
            else:
                if len(variants) > MAX_DATASET_ITEMS:
                    self.warn(f"question '{q.id}': Moodle keeps at most {MAX_DATASET_ITEMS} sets "
                              f"of values in a calculated question; the first "
                              f"{MAX_DATASET_ITEMS} of {len(variants)} are used")
                self.category(xf, self.layout.question_category(q, (
                    f"One calculated question: Moodle picks one of its "
                    f"{len(calc.datasets[0].values)} sets of values for each attempt.")))
                self.element(xf, self.questions.calculated(
                    q, calc, title, self.layout.question_idnumber(q, None)))
                return
        self.category(xf, self.layout.question_category(q, (
            f"{len(variants)} variants of the question '{title}', each with its own numbers. "
            "In a quiz, add a random question from this category: each student gets one "
            "of the variants.")))
        for v in variants:
            self.element(xf, self.questions.question(
                v, variant_name(v, len(variants)), self.layout.question_idnumber(q, v)))

    def category(self, xf, category: Category) -> None:
        self.clean.current = category.idnumber.split("@")[0]
        element = etree.Element("question", type="category")
        text_field(element, "category", self.clean(category.path), fmt=None)
        text_field(element, "info", self.clean(text_to_html(category.info)))
        etree.SubElement(element, "idnumber").text = category.idnumber
        self.element(xf, element)

    @staticmethod
    def element(xf, element: etree._Element) -> None:
        xf.write(element, pretty_print=True)


def write_moodle_xml(generated: GeneratedSet, fh: IO[bytes], *, calculated: bool = False,
                     warn: Callable[[str], None] = lambda message: None) -> None:
    MoodleFile(generated, calculated=calculated, warn=warn).write(fh)
