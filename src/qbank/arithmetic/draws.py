"""Random data in ``let``: ``rnorm``, ``runif``, ``rbinom``, ``rpois``, ``sample``, ``shuffle``.

Every draw uses only ``random.Random.random()`` of the variant's own data stream
(:data:`DATA_RANDOM`, set by :func:`qbank.generator.render_variant` from the variant's
seed), so the same seed, bank, question and variant give the same data on every Python
version: normal values by Box–Muller, binomial and Poisson values by inversion of their
distribution function, uniform positions as ``int(random() * n)``. The stream is not the
one that drew the parameters, so drawing data changes no parameter. Values are rounded
to 12 significant digits (floats carry 15 to 17), so every one is exact in the JSON record.
"""

from __future__ import annotations

import math
import random
from contextvars import ContextVar
from decimal import Decimal
from typing import Any

from .. import limits
from ..numeric import Number, canonical
from .meter import FormulaError, charge, check_list
from .operators import operand
from .text import describe

#: The random source of the variant being built (None outside one: draws are refused).
DATA_RANDOM: ContextVar[random.Random | None] = ContextVar("qbank_data_random", default=None)

#: The functions that draw random data: a question calling one never shares variants.
DRAW_NAMES = frozenset({"rnorm", "runif", "rbinom", "rpois", "sample", "shuffle"})


def _rng(name: str) -> random.Random:
    rng = DATA_RANDOM.get()
    if rng is None:
        raise FormulaError(f"{name}() draws random data, which only a question's 'let' can do")
    return rng


def _count(n: Any, name: str) -> int:
    value = operand(n, f"use as the number of values of {name}()")
    if value != value.to_integral_value() or not 0 <= value <= limits.MAX_ITEMS:
        raise FormulaError(
            f"{name}() draws a whole number of values from 0 to {limits.MAX_ITEMS:,}, "
            f"not {describe(n)}"
        )
    charge(int(value) * 4)
    return int(value)


def _number(x: float) -> Number:
    if not math.isfinite(x):
        raise FormulaError("a drawn value is not a finite number")
    return canonical(Decimal(f"{x:.12g}"))


def _rnorm(n: Any, mean: Any = 0, sd: Any = 1) -> list[Number]:
    count = _count(n, "rnorm")
    mu, sigma = float(operand(mean, "use as a mean")), float(operand(sd, "use as an sd"))
    if sigma < 0:
        raise FormulaError(f"rnorm() needs a standard deviation of at least 0, not {describe(sd)}")
    rng = _rng("rnorm")
    out: list[float] = []
    while len(out) < count:  # Box–Muller: two normal values from two uniform ones
        u1, u2 = 1.0 - rng.random(), rng.random()  # u1 in (0, 1]: log(u1) is finite
        r = math.sqrt(-2.0 * math.log(u1))
        out.append(mu + sigma * r * math.cos(2.0 * math.pi * u2))
        if len(out) < count:
            out.append(mu + sigma * r * math.sin(2.0 * math.pi * u2))
    return [_number(x) for x in out]


def _runif(n: Any, min: Any = 0, max: Any = 1) -> list[Number]:
    count = _count(n, "runif")
    lo, hi = float(operand(min, "use as a minimum")), float(operand(max, "use as a maximum"))
    if hi < lo:
        raise FormulaError("runif() needs min at most max")
    rng = _rng("runif")
    return [_number(lo + (hi - lo) * rng.random()) for _ in range(count)]


def _probability(p: Any, name: str) -> float:
    prob = float(operand(p, f"use as a probability in {name}()"))
    if not 0 <= prob <= 1:
        raise FormulaError(f"{name}() needs a probability between 0 and 1, not {describe(p)}")
    return prob


def _rbinom(n: Any, size: Any, prob: Any) -> list[int]:
    count = _count(n, "rbinom")
    trials = operand(size, "use as a size in rbinom()")
    if trials != trials.to_integral_value() or not 0 <= trials <= 10_000:
        raise FormulaError(f"rbinom() needs a whole size from 0 to 10,000, not {describe(size)}")
    m, p = int(trials), _probability(prob, "rbinom")
    charge(count * max(1, int(m * p)))
    rng = _rng("rbinom")
    if p in (0.0, 1.0):
        return [m if p == 1.0 else 0 for _ in range(count)]
    out = []
    for _ in range(count):  # inversion: the smallest k with P(X <= k) >= u
        u = rng.random()
        k, pk = 0, (1.0 - p) ** m
        total = pk
        while total < u and k < m:
            pk *= (m - k) / (k + 1) * p / (1.0 - p)
            k += 1
            total += pk
        out.append(k)
    return out


def _rpois(n: Any, lam: Any) -> list[int]:
    count = _count(n, "rpois")
    mean = float(operand(lam, "use as lambda in rpois()"))
    if not 0 <= mean <= 500:
        raise FormulaError(f"rpois() needs lambda from 0 to 500, not {describe(lam)}")
    charge(count * max(1, int(mean)))
    rng = _rng("rpois")
    out = []
    for _ in range(count):  # inversion
        u = rng.random()
        k, pk = 0, math.exp(-mean)
        total = pk
        while total < u and k < 10 * mean + 100:
            k += 1
            pk *= mean / k
            total += pk
        out.append(k)
    return out


def choose_positions(rng: random.Random, n: int, k: int) -> list[int]:
    pool = list(range(n))
    for i in range(k):  # a partial Fisher–Yates shuffle on random() alone
        j = i + int(rng.random() * (n - i))
        pool[i], pool[j] = pool[j], pool[i]
    return pool[:k]


def _items(x: Any, name: str) -> list[Any]:
    if not isinstance(x, (list, tuple)):
        raise FormulaError(f"{name}() needs a list, not {describe(x)}")
    check_list(x)
    charge(len(x))
    return list(x)


def _sample(x: Any, k: Any = None) -> list[Any]:
    items = _items(x, "sample")
    size = len(items) if k is None else _count(k, "sample")
    if size > len(items):
        raise FormulaError(f"sample() cannot take {size} values from a list of {len(items)}")
    return [items[i] for i in choose_positions(_rng("sample"), len(items), size)]


def _shuffle(x: Any) -> list[Any]:
    items = _items(x, "shuffle")
    return [items[i] for i in choose_positions(_rng("shuffle"), len(items), len(items))]


DRAWS: dict[str, Any] = {
    "rnorm": _rnorm,
    "runif": _runif,
    "rbinom": _rbinom,
    "rpois": _rpois,
    "sample": _sample,
    "shuffle": _shuffle,
}
