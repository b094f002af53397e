"""Where each question goes in Moodle: category paths, names and ID numbers.

Layout of one bank::

    $course$/top/<bank title>                      the bank (its description holds the seed)
    $course$/top/<bank title>/Fixed questions ...  every fixed question, once
    $course$/top/<bank title>/<question title>     the N variants of one randomised question

so a quiz can draw one "random question" per student from a randomised question's
category. Moodle limits names to 255 characters and ID numbers to 100, wants ID numbers
unique (its MySQL collation ignores case), and finds an existing category by name, so
sibling names are made unique ignoring case and spacing.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass

from ...i18n import N_, _
from ...model import Bank, Question, Variant
from .markup import MAX_NAME, plain_name

FIXED_CATEGORY = N_("Fixed questions (same for every student)")
#: Longest ID number Moodle stores (question_bank_entries / question_categories, varchar 100).
MAX_IDNUMBER = 100


@dataclass(frozen=True)
class Category:
    path: str
    idnumber: str
    info: str  # plain text; the writer turns it into HTML


def escape_category_name(name: str) -> str:
    """One level of a category path, with ``/`` doubled as Moodle's exporter does.

    Moodle splits a path on single slashes and reads ``//`` as ``/``; a name that starts
    or ends with ``/`` gets a space so its slash cannot merge with the separator.
    """
    escaped = name.replace("/", "//")
    if escaped.startswith("/"):
        escaped = " " + escaped
    if escaped.endswith("/"):
        escaped += " "
    return escaped


def category_path(*names: str) -> str:
    return "$course$/top/" + "/".join(escape_category_name(n) for n in names)


def _digest(text: str, length: int) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:length]


def fit_idnumber(idnumber: str, limit: int = MAX_IDNUMBER) -> str:
    """``idnumber`` itself when it fits, else its start and a hash of the whole."""
    if len(idnumber) <= limit:
        return idnumber
    return idnumber[: limit - 13] + "~" + _digest(idnumber, 12)


def _name_key(name: str) -> str:
    # How Moodle's database compares names: case-insensitively, trailing spaces ignored.
    return " ".join(name.split()).casefold()


class Layout:
    """The categories of one bank and the name of each question's category."""

    def __init__(self, bank: Bank, category_titles: dict[str, str]) -> None:
        """``category_titles`` maps each randomised question's id to its title."""
        self.bank = bank
        self.bank_name = plain_name(bank.title) or bank.id
        self.names = self._unique_names(category_titles)
        # Question ids are case-sensitive in qbank but not in Moodle's database: two ids
        # that differ only in case get a short hash each.
        keys = Counter(q.id.casefold() for q in bank.questions)
        self._ambiguous = {q.id for q in bank.questions if keys[q.id.casefold()] > 1}

    def _unique_names(self, titles: dict[str, str]) -> dict[str, str]:
        base = {qid: plain_name(title) or qid for qid, title in titles.items()}
        counts = Counter(_name_key(name) for name in base.values())
        counts[_name_key(_(FIXED_CATEGORY))] += 1
        used = {_name_key(_(FIXED_CATEGORY))}
        names = {}
        for qid, name in base.items():
            if counts[_name_key(name)] > 1:
                # Two questions share a title: add the question id to tell them apart.
                suffix = f" ({qid})"
                name = plain_name(name, MAX_NAME - len(suffix)) + suffix
            candidate, n = name, 2
            while _name_key(candidate) in used:
                suffix = f" #{n}"
                candidate = plain_name(name, MAX_NAME - len(suffix)) + suffix
                n += 1
            used.add(_name_key(candidate))
            names[qid] = candidate
        return names

    def _category_idnumber(self, key: str, path: str) -> str:
        # The path's hash is part of the ID number so that importing after a title was
        # changed creates a new category instead of failing on Moodle's unique
        # (context, ID number) index, which the importer does not check before inserting.
        return fit_idnumber(key, MAX_IDNUMBER - 7) + "@" + _digest(path, 6)

    def bank_category(self, info: str) -> Category:
        path = category_path(self.bank_name)
        return Category(path, self._category_idnumber(self.bank.id, path), info)

    def fixed_category(self, info: str) -> Category:
        path = category_path(self.bank_name, _(FIXED_CATEGORY))
        return Category(path, self._category_idnumber(f"{self.bank.id}:(fixed)", path), info)

    def question_category(self, question: Question, info: str) -> Category:
        path = category_path(self.bank_name, self.names[question.id])
        return Category(path, self._category_idnumber(f"{self.bank.id}:{question.id}", path), info)

    def variant_idnumbers(self, question: Question, count: int) -> Callable[[Variant], str]:
        """``question_idnumber(question, v)`` for each of a question's ``count`` variants,
        with the common part worked out once when no variant's ID number needs shortening."""
        head = f"{self.bank.id}:{question.id}:v"
        if question.id in self._ambiguous or len(head) + len(str(count)) > MAX_IDNUMBER:
            return lambda variant: self.question_idnumber(question, variant)
        return lambda variant: f"{head}{variant.number}"

    def question_idnumber(self, question: Question, variant: Variant | None) -> str:
        """``<bank-id>:<question-id>`` for a fixed question, ``...:v<k>`` for variant k."""
        idnumber = f"{self.bank.id}:{question.id}"
        idnumber = fit_idnumber(idnumber if variant is None else f"{idnumber}:v{variant.number}")
        if question.id in self._ambiguous:
            idnumber = fit_idnumber(idnumber, MAX_IDNUMBER - 7) + "~" + _digest(question.id, 6)
        return idnumber
