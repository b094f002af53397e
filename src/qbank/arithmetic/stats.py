"""Statistics functions with R's names: descriptive statistics, regression, distributions.

Descriptive statistics use the standard library's :mod:`statistics` on exact Decimals
(``mean``, ``median``, ``var``: exact where the data is); ``cor``, ``slope``,
``intercept`` use :func:`statistics.correlation` and :func:`statistics.linear_regression`
(floats). Distributions come from :mod:`scipy.special`, imported on the first call only
(see :func:`_special`), so a bank that does not use them does not pay its import time.
Float results become Decimals through ``Decimal(repr(x))``; the number formatting rounds
them for display. Each function charges steps proportional to the length of its lists;
distributions charge limits.HEAVY_STEPS (templates.environment's heavy functions).
"""

from __future__ import annotations

import math
import statistics
from decimal import Decimal
from typing import Any

from .. import limits, numeric
from ..numeric import CONTEXT, Number, canonical
from .meter import FormulaError, charge, check_list
from .operators import operand
from .text import describe


def numbers(value: Any, name: str, least: int = 1) -> list[Decimal]:
    """The numbers of a list (at least ``least`` of them), charged one step per item."""
    if not isinstance(value, (list, tuple)):
        raise FormulaError(f"{name}() needs a list of numbers, not {describe(value)}")
    check_list(value)
    charge(len(value))
    if len(value) < least:
        raise FormulaError(
            f"{name}() needs at least {least} value{'s' if least != 1 else ''}, not {len(value)}"
        )
    return [operand(v, f"use in {name}()") for v in value]


def _pair(x: Any, y: Any, name: str, least: int = 2) -> tuple[list[Decimal], list[Decimal]]:
    xs, ys = numbers(x, name, least), numbers(y, name, least)
    if len(xs) != len(ys):
        raise FormulaError(
            f"{name}() needs two lists of the same length, not {len(xs)} and {len(ys)}"
        )
    return xs, ys


def _decimal(value: Any) -> Number:
    """A statistics result (Decimal, Fraction or float) as a qbank number."""
    if isinstance(value, float):
        if not math.isfinite(value):
            raise FormulaError("the result is not a finite number")
        return canonical(Decimal(repr(value)))
    if isinstance(value, Decimal):
        return canonical(CONTEXT.plus(value))
    return canonical(value)


def _float(value: Any, name: str) -> float:
    return float(operand(value, f"use in {name}()"))


def _mean(x: Any) -> Number:
    return _decimal(statistics.mean(numbers(x, "mean")))


def _median(x: Any) -> Number:
    return _decimal(statistics.median(numbers(x, "median")))


def _var_of(xs: list[Decimal], name: str) -> Decimal:
    if len(xs) < 2:
        raise FormulaError(f"{name}() needs at least 2 values, not {len(xs)}")
    return CONTEXT.plus(statistics.variance(xs))


def _var(x: Any) -> Number:
    return _decimal(_var_of(numbers(x, "var"), "var"))


def _sd(x: Any) -> Number:
    return _decimal(CONTEXT.sqrt(_var_of(numbers(x, "sd"), "sd")))


def _quantile_of(xs: list[Decimal], p: Any) -> Number:
    # R's default (type 7): h = (n - 1) p; x[floor h] + (h - floor h)(x[floor h + 1] - x[floor h])
    prob = operand(p, "use as a probability")
    if not 0 <= prob <= 1:
        raise FormulaError(f"a probability must be between 0 and 1, not {numeric.plain(prob)}")
    xs = sorted(xs)
    h = CONTEXT.multiply(len(xs) - 1, prob)
    low = int(h.to_integral_value(rounding="ROUND_FLOOR"))
    if low >= len(xs) - 1:
        return canonical(xs[-1])
    frac = CONTEXT.subtract(h, low)
    return canonical(
        CONTEXT.add(xs[low], CONTEXT.multiply(frac, CONTEXT.subtract(xs[low + 1], xs[low])))
    )


def _quantile(x: Any, p: Any) -> Any:
    xs = numbers(x, "quantile")
    if isinstance(p, (list, tuple)):
        charge(len(p) * max(1, len(xs).bit_length()))
        return [_quantile_of(xs, q) for q in check_list(p)]
    return _quantile_of(xs, p)


def _iqr(x: Any) -> Number:
    xs = numbers(x, "iqr")
    return canonical(
        CONTEXT.subtract(_quantile_of(xs, Decimal("0.75")), _quantile_of(xs, Decimal("0.25")))
    )


def _fivenum(x: Any) -> list[Number]:
    # R's fivenum: Tukey's minimum, lower hinge, median, upper hinge, maximum.
    xs = sorted(numbers(x, "fivenum"))
    n = len(xs)
    n4 = Decimal((n + 3) // 2) / 2
    positions = [Decimal(1), n4, Decimal(n + 1) / 2, n + 1 - n4, Decimal(n)]
    out = []
    for d in positions:
        lo = int(d.to_integral_value(rounding="ROUND_FLOOR"))
        hi = int(d.to_integral_value(rounding="ROUND_CEILING"))
        out.append(canonical(CONTEXT.divide(CONTEXT.add(xs[lo - 1], xs[hi - 1]), 2)))
    return out


def _floats(xs: list[Decimal]) -> list[float]:
    return [float(v) for v in xs]


def _constant(name: str) -> FormulaError:
    return FormulaError(f"{name}() is not defined when all the values of a list are equal")


def _cor(x: Any, y: Any) -> Number:
    xs, ys = _pair(x, y, "cor")
    try:
        return _decimal(statistics.correlation(_floats(xs), _floats(ys)))
    except statistics.StatisticsError:
        raise _constant("cor") from None


def _regression(x: Any, y: Any, name: str) -> Any:
    xs, ys = _pair(x, y, name)
    try:
        return statistics.linear_regression(_floats(xs), _floats(ys))
    except statistics.StatisticsError:
        raise _constant(name) from None


def _slope(x: Any, y: Any) -> Number:
    return _decimal(_regression(x, y, "slope").slope)


def _intercept(x: Any, y: Any) -> Number:
    return _decimal(_regression(x, y, "intercept").intercept)


def _rsq(x: Any, y: Any) -> Number:
    r = _cor(x, y)
    return _decimal(float(r) ** 2)


def _ttest(x: Any, mu: Any = 0) -> Number:
    """The one-sample t statistic (mean(x) - mu) / (sd(x) / sqrt(n)): R's
    ``t.test(x, mu = mu)$statistic``."""
    xs = numbers(x, "ttest", 2)
    sd = CONTEXT.sqrt(_var_of(xs, "ttest"))
    if sd == 0:
        raise _constant("ttest")
    diff = CONTEXT.subtract(CONTEXT.plus(statistics.mean(xs)), operand(mu, "use as mu in ttest()"))
    return _decimal(CONTEXT.divide(CONTEXT.multiply(diff, CONTEXT.sqrt(Decimal(len(xs)))), sd))


# --- distributions (scipy.special, imported on first use) ----------------------------------

_SPECIAL: Any = None


def _special() -> Any:
    global _SPECIAL
    if _SPECIAL is None:
        import scipy.special

        _SPECIAL = scipy.special
    return _SPECIAL


def _probability(p: Any, name: str) -> float:
    prob = _float(p, name)
    if not 0 <= prob <= 1:
        raise FormulaError(f"{name}() needs a probability between 0 and 1, not {describe(p)}")
    return prob


def _positive(v: Any, name: str, what: str) -> float:
    value = _float(v, name)
    if not value > 0:
        raise FormulaError(f"{name}() needs {what} above 0, not {describe(v)}")
    return value


def _whole(v: Any, name: str, what: str, most: int = 10**9) -> int:
    value = operand(v, f"use in {name}()")
    if value != value.to_integral_value() or value < 0 or value > most:
        raise FormulaError(
            f"{name}() needs {what} that is a whole number from 0 to {most:,}, not {describe(v)}"
        )
    return int(value)


def _result(value: Any, name: str) -> Number:
    value = float(value)
    if math.isnan(value):
        raise FormulaError(f"{name}() has no answer for these values")
    if math.isinf(value):
        raise FormulaError(f"{name}() is infinite for these values")
    return _decimal(value)


def _pnorm(q: Any, mean: Any = 0, sd: Any = 1) -> Number:
    s = _positive(sd, "pnorm", "a standard deviation")
    return _result(_special().ndtr((_float(q, "pnorm") - _float(mean, "pnorm")) / s), "pnorm")


def _qnorm(p: Any, mean: Any = 0, sd: Any = 1) -> Number:
    s = _positive(sd, "qnorm", "a standard deviation")
    return _result(_float(mean, "qnorm") + s * _special().ndtri(_probability(p, "qnorm")), "qnorm")


def _dnorm(x: Any, mean: Any = 0, sd: Any = 1) -> Number:
    s = _positive(sd, "dnorm", "a standard deviation")
    z = (_float(x, "dnorm") - _float(mean, "dnorm")) / s
    return _result(math.exp(-0.5 * z * z) / (s * math.sqrt(2 * math.pi)), "dnorm")


def _pt(q: Any, df: Any) -> Number:
    return _result(
        _special().stdtr(_positive(df, "pt", "degrees of freedom"), _float(q, "pt")), "pt"
    )


def _qt(p: Any, df: Any) -> Number:
    nu = _positive(df, "qt", "degrees of freedom")
    return _result(_special().stdtrit(nu, _probability(p, "qt")), "qt")


def _pchisq(q: Any, df: Any) -> Number:
    nu = _positive(df, "pchisq", "degrees of freedom")
    return _result(_special().chdtr(nu, max(_float(q, "pchisq"), 0.0)), "pchisq")


def _qchisq(p: Any, df: Any) -> Number:
    nu = _positive(df, "qchisq", "degrees of freedom")
    prob = _probability(p, "qchisq")
    # chdtri is the inverse of the upper tail; 2 * gammaincinv(nu / 2, p) of the lower one
    return _result(2 * _special().gammaincinv(nu / 2, prob), "qchisq")


def _pbinom(q: Any, size: Any, prob: Any) -> Number:
    n = _whole(size, "pbinom", "a size")
    p = _probability(prob, "pbinom")
    k = math.floor(_float(q, "pbinom"))
    if k < 0:
        return 0
    if k >= n:
        return 1
    return _result(_special().bdtr(k, n, p), "pbinom")


def _dbinom(x: Any, size: Any, prob: Any) -> Number:
    n = _whole(size, "dbinom", "a size", 100_000)
    p = _probability(prob, "dbinom")
    value = operand(x, "use in dbinom()")
    if value != value.to_integral_value() or not 0 <= value <= n:
        return 0
    k = int(value)
    if p in (0.0, 1.0):
        return int(k == (n if p == 1.0 else 0))
    sp = _special()
    log = sp.gammaln(n + 1) - sp.gammaln(k + 1) - sp.gammaln(n - k + 1)
    return _result(math.exp(log + sp.xlogy(k, p) + sp.xlog1py(n - k, -p)), "dbinom")


def _ppois(q: Any, lam: Any) -> Number:
    m = _positive(lam, "ppois", "a mean (lambda)")
    k = math.floor(_float(q, "ppois"))
    if k < 0:
        return 0
    return _result(_special().pdtr(k, m), "ppois")


def _choose(n: Any, k: Any) -> int:
    nn = _whole(n, "choose", "n", limits.MAX_ITEMS * 10)
    kk = operand(k, "use in choose()")
    if kk != kk.to_integral_value():
        raise FormulaError(f"choose() needs a whole number k, not {describe(k)}")
    return math.comb(nn, int(kk)) if 0 <= kk <= nn else 0


def _factorial(n: Any) -> int:
    # 449! has 999 digits, the most a qbank number may have
    return math.factorial(_whole(n, "factorial", "n", 449))


#: The statistics functions formulas may call, by name (docs/bank-format.md lists them).
STATISTICS: dict[str, Any] = {
    "mean": _mean,
    "median": _median,
    "var": _var,
    "sd": _sd,
    "quantile": _quantile,
    "fivenum": _fivenum,
    "iqr": _iqr,
    "cor": _cor,
    "slope": _slope,
    "intercept": _intercept,
    "rsq": _rsq,
    "ttest": _ttest,
    "pnorm": _pnorm,
    "qnorm": _qnorm,
    "dnorm": _dnorm,
    "pt": _pt,
    "qt": _qt,
    "pchisq": _pchisq,
    "qchisq": _qchisq,
    "pbinom": _pbinom,
    "dbinom": _dbinom,
    "ppois": _ppois,
    "choose": _choose,
    "factorial": _factorial,
}
#: The functions that cost tens of microseconds a call (charged limits.HEAVY_STEPS).
HEAVY = {
    "pnorm",
    "qnorm",
    "dnorm",
    "pt",
    "qt",
    "pchisq",
    "qchisq",
    "pbinom",
    "dbinom",
    "ppois",
    "cor",
    "slope",
    "intercept",
    "rsq",
    "ttest",
    "sd",
    "factorial",
    "choose",
}
