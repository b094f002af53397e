"""The language of a run: the fixed texts qbank adds to documents, and how numbers are written.

Every fixed text an exporter writes into a document ("Name", "Answer key", "True") is
written ``_("Name")``: looked up, when the document is made, in the gettext catalog of the
run's language. The catalogs are ``locale/<lang>/LC_MESSAGES/qbank.po`` in this package,
each compiled beside it into ``qbank.mo`` (read with the standard library's :mod:`gettext`,
so reading one costs a millisecond and no Babel import); ``tests/test_languages.py`` fails
when a ``.mo`` is not the compiled ``.po``, when a ``_()`` text is missing from the template
``qbank.pot``, or when a catalog has a missing or fuzzy entry. docs/languages.md tells how
to add a language.

The language is a :class:`contextvars.ContextVar` set around the work of one bank
(:func:`use_language`): the bank's ``language:`` or ``--lang``. A tag with no catalog
(``ja``) gives English texts, with one warning (:func:`language_warning`); its numbers
still follow its CLDR data when Babel knows the tag.

Numbers a student reads (``{{ x }}``, the ``fixed``, ``thousands``, ``sig`` and ``sci``
filters, a numerical answer in a key) go through :func:`local_number`, which rewrites the
neutral text (``1,234.5``) with the locale's decimal and group symbols from Babel's CLDR data
(``1 234,5`` in French). In English the text is returned as it is, so English output is
byte for byte what it was. What a machine reads (Moodle ``<answer>`` values, tolerances,
the JSON record's numbers) never goes through it.
"""

from __future__ import annotations

import gettext
import re
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import date
from functools import cache
from pathlib import Path

from .model import Number

LOCALE_DIR = Path(__file__).parent / "locale"
DOMAIN = "qbank"
#: The languages shipped, as catalog folder names (``pt_BR``), English first.
SHIPPED = ("en", "fr", "de", "es", "pt_BR", "it", "nl", "pl")


@dataclass(frozen=True)
class Language:
    """The language of a run: its tag, its catalog, its number symbols."""

    tag: str
    #: The catalog used (``fr`` for ``fr-CA``), ``en`` when there is none for the tag.
    catalog: str
    translations: gettext.NullTranslations
    decimal: str = "."
    group: str = ","
    #: Where the locale puts a currency symbol, and what separates it from the number
    #: (``("after", "\u00a0")`` in French); None: where the bank puts it ($30.00).
    currency: tuple[str, str] | None = None
    #: CLDR's minimumGroupingDigits: 2 where a four-digit number is written without a
    #: group (Spanish and Polish ``1234`` but ``12 345``).
    min_grouping: int = 1
    #: "." and ",": numbers are written as qbank writes them everywhere (English).
    neutral_numbers: bool = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "neutral_numbers", self.decimal == "." and self.group == ",")


ENGLISH = Language("en", "en", gettext.NullTranslations())
_CURRENT: ContextVar[Language] = ContextVar("qbank_language", default=ENGLISH)


def _parts(tag: str) -> tuple[str, str | None]:
    """``pt-BR`` → ("pt", "BR"); ``zh-Hant-TW`` → ("zh", "TW")."""
    subtags = tag.replace("_", "-").split("-")
    region = next((s.upper() for s in subtags[1:] if len(s) == 2 and s.isalpha()), None)
    return subtags[0].lower(), region


def catalog_of(tag: str) -> str | None:
    """The shipped catalog for a tag: ``fr-CA`` → ``fr``, ``pt`` → ``pt_BR``; None when
    there is none (English included: English needs no catalog)."""
    lang, region = _parts(tag)
    if lang == "en":
        return "en"
    candidates = [f"{lang}_{region}"] if region else []
    candidates += [lang, *(c for c in SHIPPED if c.split("_")[0] == lang)]
    return next((c for c in candidates if c in SHIPPED), None)


@cache
def language(tag: str) -> Language:
    """The :class:`Language` of a BCP 47 tag (cached: read once per run)."""
    catalog = catalog_of(tag) or "en"
    if catalog == "en":
        translations: gettext.NullTranslations = gettext.NullTranslations()
    else:
        with open(LOCALE_DIR / catalog / "LC_MESSAGES" / f"{DOMAIN}.mo", "rb") as f:
            translations = gettext.GNUTranslations(f)
    decimal, group, currency = _cldr(tag)
    return Language(tag, catalog, translations, decimal, group, currency, _min_grouping(tag))


#: CLDR's ``minimumGroupingDigits`` (common/main/<locale>.xml, <numbers>) where it is not 1,
#: for the languages qbank ships and their regions. Babel (2.19) does not ship this value
#: and its format_decimal groups ``1.234`` in Spanish, where CLDR and ICU (and the RAE's
#: spelling rules, and Polish typesetting) write ``1234``.
#: Latin American Spanish (``es-MX``, ``es-419``…) keeps CLDR's 1: ``1,234``.
_MIN_GROUPING_TWO = {("es", None), ("es", "ES"), ("pl", None), ("pl", "PL"), ("pt", "PT")}


def _min_grouping(tag: str) -> int:
    return 2 if _parts(tag) in _MIN_GROUPING_TWO else 1


def _cldr(tag: str) -> tuple[str, str, tuple[str, str] | None]:
    """The decimal and group symbols of a tag and where it puts a currency symbol, from
    Babel's CLDR data (imported only for a language other than English)."""
    lang, region = _parts(tag)
    if lang == "en":
        return ".", ",", None  # and every English region writes $30.00
    from babel import Locale, UnknownLocaleError
    from babel.numbers import get_decimal_symbol, get_group_symbol

    try:
        locale = Locale.parse(f"{lang}_{region}" if region else lang)
    except (UnknownLocaleError, ValueError):
        return ".", ",", None
    pattern = locale.currency_formats["standard"].pattern.split(";")[0]
    if pattern.startswith("¤"):
        currency = ("before", pattern[1] if pattern[1] in "\u00a0 " else "")
    else:
        currency = ("after", pattern[-2] if pattern[-2] in "\u00a0 " else "")
    return get_decimal_symbol(locale), get_group_symbol(locale), currency


_ENGLISH_MONTHS = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]


def local_date(day: date) -> str:
    """A date as the run's language writes it in full (``14 November 2023``, ``14 novembre
    2023``, ``14. November 2023``, ``14 listopada 2023``): CLDR's long date format through
    Babel, which an English run does not import."""
    lang, region = _parts(current().tag)
    if lang == "en":
        return f"{day.day} {_ENGLISH_MONTHS[day.month - 1]} {day.year}"
    from babel import Locale, UnknownLocaleError
    from babel.dates import format_date

    try:
        locale = Locale.parse(f"{lang}_{region}" if region else lang)
    except (UnknownLocaleError, ValueError):
        return day.isoformat()
    return format_date(day, format="long", locale=locale)


def currency_placement() -> tuple[str, str] | None:
    """Where the run's locale puts a currency symbol and the space between (None:
    where the bank puts it)."""
    return _CURRENT.get().currency


def language_warning(tag: str) -> str | None:
    """What to tell a teacher whose language has no catalog (None when it has one)."""
    if catalog_of(tag) is not None:
        return None
    shipped = ", ".join(s.replace("_", "-") for s in SHIPPED)
    return (
        f"qbank has no translation for the language '{tag}': the texts it adds to documents "
        f"(Name, Answer key, ...) are in English. Shipped languages: {shipped} "
        "(docs/languages.md tells how to add one)"
    )


def current() -> Language:
    return _CURRENT.get()


@contextmanager
def use_language(tag: str | None) -> Iterator[Language]:
    """Run the body in the language of ``tag`` (None: English)."""
    lang = language(tag) if tag else ENGLISH
    token = _CURRENT.set(lang)
    try:
        yield lang
    finally:
        _CURRENT.reset(token)


def _(message: str) -> str:
    """A fixed text in the run's language."""
    return _CURRENT.get().translations.gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    return _CURRENT.get().translations.ngettext(singular, plural, n)


def pgettext(context: str, message: str) -> str:
    return _CURRENT.get().translations.pgettext(context, message)


def points(value: Number) -> str:
    """A question's points as a document shows them: ``2 points``, ``1 point``, and a
    fraction (``1,5``) in the form its language uses, which gettext's plural rules (whole
    numbers only) cannot choose. CLDR's plural rules can: a fraction is singular where
    they say so (``1,5 point`` in French and Brazilian Portuguese, the singular below 2),
    and otherwise takes the catalog's form for fractions (``2,5 points``; ``1,5 punktu``
    in Polish, neither *punkty* nor *punktów*)."""
    from .numeric import plain

    shown = local_number(plain(value))
    if value == int(value):
        label = ngettext("{n} point", "{n} points", int(value))
    elif _fraction_is_singular(_CURRENT.get().tag, plain(value)):
        label = ngettext("{n} point", "{n} points", 1)
    else:
        label = pgettext("fraction", "{n} points")
    return label.format(n=shown)


@cache
def _fraction_is_singular(tag: str, number: str) -> bool:
    """Whether CLDR's plural rules of ``tag`` put the fraction ``number`` ("1.5") in
    the category "one" (French, Portuguese: ``1,5 point``)."""
    lang, region = _parts(tag)
    if lang == "en":
        return False
    from decimal import Decimal

    from babel import Locale, UnknownLocaleError

    try:
        locale = Locale.parse(f"{lang}_{region}" if region else lang)
    except (UnknownLocaleError, ValueError):
        return False
    return locale.plural_form(Decimal(number)) == "one"


def N_(message: str) -> str:
    """Marks a text for the catalog without translating it now (module constants): the
    code translates it with ``_()`` where it is used."""
    return message


#: The sections questions go into when their bank names none (qbank/kinds): printed as
#: worksheet headings and Anki sub-decks in the run's language.
PRACTICE, VOCABULARY, KEY_FACTS = N_("Practice"), N_("Vocabulary"), N_("Key facts")


def section_name(section: str) -> str:
    """A question's section as a document shows it: a default section in the run's
    language, a bank's own section as written."""
    return _(section) if section in (PRACTICE, VOCABULARY, KEY_FACTS) else section


_NUMBER = re.compile(r"(?<![\w.,])[-−]?\d[\d,]*(?:\.\d+)?(?![\w])")
_DIGIT_COMMA_DIGIT = re.compile(r"(?<=\d),(?=\d)")
#: A number of four digits before its decimals, grouped (``1,234`` of ``-1,234.5``).
_FOUR_DIGITS = re.compile(r"(?<![\d,])\d,\d{3}(?![\d,])")


def local_number(text: str, *, math: bool = False) -> str:
    """A number written the neutral way (``-1,234.5``: ``.`` decimals, ``,`` groups) in the
    run's locale (``-1 234,5``). Inside a formula (``math``) a decimal comma is ``{,}``, so
    that TeX adds no space after it, and groups are thin spaces ``\\,``."""
    lang = _CURRENT.get()
    if lang.neutral_numbers:
        return text
    decimal, group = lang.decimal, lang.group
    if lang.min_grouping > 1 and "," in text:
        text = _FOUR_DIGITS.sub(lambda m: m.group().replace(",", ""), text)
    if math:
        decimal = "{,}" if decimal == "," else decimal
        group = "\\," if group in (",", "\u202f", "\u00a0", " ", ".") else group
    return "".join(decimal if c == "." else group if c == "," else c for c in text)


def local_numbers_in(text: str) -> str:
    """Every number in a short text (``1.5 × 10⁻³``, ``$30.00``) written in the locale."""
    if _CURRENT.get().neutral_numbers:
        return text
    return _NUMBER.sub(lambda m: local_number(m.group()), text)


_DECIMAL_TEXT = re.compile(r"^-?\d+[.,]\d+$")


def both_decimal_marks(answers: Iterable[str]) -> list[str]:
    """Accepted answers of a text blank or short-answer question, each number written with
    a decimal point also written with a comma, and the other way round, where the run's
    locale writes decimals with a comma (a student types ``3,5`` or ``3.5``). In English
    ``3,500`` is three thousand five hundred, so nothing is added there."""
    out = list(answers)
    if _CURRENT.get().decimal != ",":
        return out
    for answer in list(out):
        text = answer.strip()
        if _DECIMAL_TEXT.match(text):
            other = text.translate(str.maketrans(".,", ",."))
            if other not in out:
                out.append(other)
    return out


def math_commas(tex: str) -> str:
    """A formula's numbers as TeX writes them in the run's locale: a decimal comma as
    ``{,}`` (``3,5`` → ``3{,}5``) where the locale writes decimals with a comma (there a
    comma between two digits is a decimal comma), and digit groups of spaces or
    apostrophes (``1 234``, ``1'234``) as thin spaces ``\\,``, which TeX keeps."""
    lang = _CURRENT.get()
    if lang.neutral_numbers:
        return tex
    if lang.group not in ".,":
        tex = re.sub(f"(?<=\\d){re.escape(lang.group)}(?=\\d)", r"\\,", tex)
    if lang.decimal == "," and "," in tex:
        tex = _DIGIT_COMMA_DIGIT.sub("{,}", tex)
    return tex
