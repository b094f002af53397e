"""Answer grades (fractions) that Moodle's importer accepts.

Moodle checks every answer grade against a fixed list and refuses a question whose grade
is not on it (``question_bank::fraction_options_full``, matched within 0.00001). For a
multiple-answer question the positive grades must also add up to 100% (rounded to two
places of the fraction), or the import stops at that question.
"""

from __future__ import annotations

from decimal import Decimal
from itertools import combinations_with_replacement

#: Moodle's grades in percent, highest first; their negatives (and 0) are also allowed.
ALLOWED_PERCENTS: tuple[Decimal, ...] = tuple(
    Decimal(p)
    for p in (
        "100",
        "90",
        "83.33333",
        "80",
        "75",
        "70",
        "66.66667",
        "60",
        "50",
        "40",
        "33.33333",
        "30",
        "25",
        "20",
        "16.66667",
        "14.28571",
        "12.5",
        "11.11111",
        "10",
        "5",
    )
)
#: Closest a sum may come to 100 and still count as 100 (Moodle rounds the total fraction
#: to two decimals; the recurring grades such as 33.33333 need a little room).
_SUM_SLACK = Decimal("0.001")
#: More correct (or wrong) choices than this cannot share 100% in Moodle's steps of 5%.
MAX_SHARES = 20


def _best_split(count: int) -> tuple[Decimal, ...]:
    """``count`` allowed grades adding up to 100, as even as the list allows.

    Equal shares when Moodle has one (1-10 choices, 20 choices); otherwise two
    neighbouring grades, e.g. 11 choices: nine of 10% and two of 5%.
    """
    best: tuple[Decimal, ...] | None = None
    spread = None
    for high, low in combinations_with_replacement(ALLOWED_PERCENTS, 2):
        for n_high in range(count, -1, -1):
            total = high * n_high + low * (count - n_high)
            if abs(total - 100) <= _SUM_SLACK and (spread is None or high - low < spread):
                best, spread = (high,) * n_high + (low,) * (count - n_high), high - low
    assert best is not None
    return best


_SPLITS = {count: _best_split(count) for count in range(1, MAX_SHARES + 1)}


def shares_of_100(count: int) -> tuple[Decimal, ...]:
    """Grades in percent for ``count`` choices that together are worth 100%.

    With more than :data:`MAX_SHARES` choices the extra ones get 0 (the caller warns).
    """
    if count <= 0:
        return ()
    if count > MAX_SHARES:
        return _SPLITS[MAX_SHARES] + (Decimal(0),) * (count - MAX_SHARES)
    return _SPLITS[count]


def multichoice_grades(correct: list[bool], single: bool) -> list[Decimal]:
    """The grade of each choice, in percent, in the order given.

    One right answer: it gets 100, the others 0. Several: the right ones share +100 and
    the wrong ones share -100, so ticking every box scores nothing.
    """
    if single:
        return [Decimal(100) if ok else Decimal(0) for ok in correct]
    right = iter(shares_of_100(sum(correct)))
    wrong = iter(shares_of_100(len(correct) - sum(correct)))
    return [next(right) if ok else -next(wrong) for ok in correct]


def percent_text(value: Decimal) -> str:
    """A grade as Moodle writes it: ``100``, ``33.33333``, ``-50``, ``0``."""
    text = format(value.normalize(), "f")
    return "0" if text in ("-0", "0") else text
