"""The statistics behind the scores and the comparisons (design.md §3, rules 3, 7 and 9).

Pure Python and numpy, no scipy: ``cxmaturity score`` starts in a fraction of a second, and
every formula is written out here with its reference. tests/unit/test_stats.py checks them
against published tables and worked examples, and against scipy as an independent reference.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Iterable

import numpy as np

# --- Student's t distribution -------------------------------------------------------------------

_EPS = 1e-15
_TINY = 1e-300


def _betacf(a: float, b: float, x: float) -> float:
    """Continued fraction of the incomplete beta function, by the modified Lentz method
    (Press et al., Numerical Recipes, 3rd ed., 2007, §6.4, eq. 6.4.5)."""
    qab, qap, qam = a + b, a + 1.0, a - 1.0
    c, d = 1.0, 1.0 - qab * x / qap
    d = 1.0 / (d if abs(d) > _TINY else _TINY)
    h = d
    for m in range(1, 10_000):
        m2 = 2 * m
        aa = m * (b - m) * x / ((qam + m2) * (a + m2))
        d = 1.0 + aa * d
        d = 1.0 / (d if abs(d) > _TINY else _TINY)
        c = 1.0 + aa / c
        c = c if abs(c) > _TINY else _TINY
        h *= d * c
        aa = -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2))
        d = 1.0 + aa * d
        d = 1.0 / (d if abs(d) > _TINY else _TINY)
        c = 1.0 + aa / c
        c = c if abs(c) > _TINY else _TINY
        delta = d * c
        h *= delta
        if abs(delta - 1.0) < _EPS:
            break
    return h


def incomplete_beta(a: float, b: float, x: float) -> float:
    """The regularised incomplete beta function I_x(a, b) (Numerical Recipes §6.4):
    I_x(a, b) = x^a (1−x)^b / (a·B(a, b)) · CF(x), using the symmetry I_x(a, b) = 1 − I_{1−x}(b, a)
    where the continued fraction converges faster."""
    if x <= 0.0:
        return 0.0
    if x >= 1.0:
        return 1.0
    log_front = math.lgamma(a + b) - math.lgamma(a) - math.lgamma(b) + a * math.log(x) + b * math.log1p(-x)
    if x < (a + 1.0) / (a + b + 2.0):
        return math.exp(log_front) * _betacf(a, b, x) / a
    return 1.0 - math.exp(log_front) * _betacf(b, a, 1.0 - x) / b


def t_cdf(t: float, df: float) -> float:
    """P(T ≤ t) for Student's t with ``df`` degrees of freedom:
    for t < 0, ½·I_{df/(df+t²)}(df/2, ½); for t ≥ 0, 1 − that (Abramowitz & Stegun 26.7.1 with 26.5.27)."""
    if math.isnan(t) or math.isnan(df) or df <= 0:
        return math.nan
    if math.isinf(t):
        return 0.0 if t < 0 else 1.0
    tail = 0.5 * incomplete_beta(df / 2.0, 0.5, df / (df + t * t))
    return tail if t < 0 else 1.0 - tail


def t_sf_abs(t: float, df: float) -> float:
    """P(T ≥ |t|), computed without the cancellation of 1 − cdf (for tiny p-values)."""
    if math.isnan(t) or math.isnan(df) or df <= 0:
        return math.nan
    if math.isinf(t):
        return 0.0
    return 0.5 * incomplete_beta(df / 2.0, 0.5, df / (df + t * t))


@functools.lru_cache(maxsize=4096)
def t_quantile(p: float, df: float) -> float:
    """The t with P(T ≤ t) = p. Closed forms for df = 1 (Cauchy: −cot(πp)) and df = 2
    (2(p−½)/√(2p(1−p))); otherwise Hill's approximation (Comm. ACM 13(10), 1970, Algorithm 396)
    refined by Newton's method on t_cdf until it agrees to machine precision."""
    if not 0.0 < p < 1.0 or df <= 0:
        raise ValueError(f"t_quantile needs 0 < p < 1 and df > 0, not p={p}, df={df}")
    if p == 0.5:
        return 0.0
    if df == 1:  # the Cauchy quantile, written so the far tails keep their precision
        return -1.0 / math.tan(math.pi * p) if p < 0.5 else 1.0 / math.tan(math.pi * (1.0 - p))
    if df == 2:
        return 2.0 * (p - 0.5) / math.sqrt(2.0 * p * (1.0 - p))
    lower = p < 0.5
    q = p if lower else 1.0 - p  # one tail
    if df >= 1:
        t = _hill(2.0 * q, df)  # Hill's algorithm takes the two-tailed probability
    else:  # below one degree of freedom Hill's formulas do not hold: bracket and bisect first
        low, high = 0.0, 1.0
        while t_sf_abs(high, df) > q:
            low, high = high, high * 2.0
        for _ in range(200):
            mid = 0.5 * (low + high)
            low, high = (mid, high) if t_sf_abs(mid, df) > q else (low, mid)
        t = 0.5 * (low + high)
    for _ in range(12):  # Hill's start is good to ~1e-6: a few Newton steps reach full precision
        f = t_sf_abs(t, df) - q  # upper tail at t minus target
        density = math.exp(
            math.lgamma((df + 1) / 2) - math.lgamma(df / 2) - 0.5 * math.log(df * math.pi) - (df + 1) / 2 * math.log1p(t * t / df)
        )
        step = f / density  # d(upper tail)/dt = -density, so t_new = t + f/density
        t += step
        if abs(step) <= 1e-13 * max(1.0, abs(t)):
            break
    return -t if lower else t


def _hill(p2: float, n: float) -> float:
    """Hill (1970), Algorithm 396: the positive t whose two-tailed probability is ``p2``."""
    if n == 2:
        return math.sqrt(2.0 / (p2 * (2.0 - p2)) - 2.0)
    a = 1.0 / (n - 0.5)
    b = 48.0 / (a * a)
    c = ((20700.0 * a / b - 98.0) * a - 16.0) * a + 96.36
    d = ((94.5 / (b + c) - 3.0) / b + 1.0) * math.sqrt(a * math.pi / 2.0) * n
    x = d * p2
    y = x ** (2.0 / n)
    if y > 0.05 + a:
        x = _normal_quantile(0.5 * p2)
        y = x * x
        if n < 5:
            c += 0.3 * (n - 4.5) * (x + 0.6)
        c = (((0.05 * d * x - 5.0) * x - 7.0) * x - 2.0) * x + b + c
        y = (((((0.4 * y + 6.3) * y + 36.0) * y + 94.5) / c - y - 3.0) / b + 1.0) * x
        y = math.expm1(a * y * y)
    else:
        y = ((1.0 / (((n + 6.0) / (n * y) - 0.089 * d - 0.822) * (n + 2.0) * 3.0) + 0.5 / (n + 4.0)) * y - 1.0) * (
            (n + 1.0) / (n + 2.0)
        ) + 1.0 / y
    return math.sqrt(n * y)


def _normal_quantile(p: float) -> float:
    """The standard normal quantile (the standard library's, Wichura's AS241)."""
    from statistics import NormalDist  # stdlib, cheap

    return NormalDist().inv_cdf(p)


# --- the formulas of the scoring rules ---------------------------------------------------------------


def t_interval(mean: float | None, sd: float | None, n: int, confidence: float = 0.95) -> list[float] | None:
    """Rule 3: mean ± t(1 − α/2, n − 1) · sd / √n (the t-interval of a mean; e.g. Moore,
    McCabe & Craig, Introduction to the Practice of Statistics, §7.1). None when n < 2."""
    if n < 2 or mean is None or sd is None or math.isnan(mean) or math.isnan(sd):
        return None
    half = t_quantile(0.5 + confidence / 2.0, n - 1) * sd / math.sqrt(n)
    return [mean - half, mean + half]


def cronbach_alpha(values: np.ndarray) -> float | None:
    """Rule 7: α = k/(k−1) · (1 − Σ item variances / variance of the totals), over the
    respondents (rows) who answered all k items (columns) (Cronbach, Psychometrika 16, 1951).
    None with fewer than 2 items, fewer than 3 complete respondents, or zero total variance."""
    values = np.asarray(values, dtype=float)
    k = values.shape[1]
    if k < 2:
        return None
    complete = values[~np.isnan(values).any(axis=1)]
    if len(complete) < 3:
        return None
    total_var = complete.sum(axis=1).var(ddof=1)
    if total_var == 0 or math.isnan(total_var):
        return None
    return float(k / (k - 1) * (1 - complete.var(axis=0, ddof=1).sum() / total_var))


def finite(values: Iterable[float]) -> np.ndarray:
    """The values as a float array without NaN."""
    arr = np.asarray(list(values) if not isinstance(values, np.ndarray) else values, dtype=float)
    return arr[~np.isnan(arr)]


def _constant(arr: np.ndarray) -> bool:
    return bool(arr.size == 0 or np.all(arr == arr[0]))


def welch_p_value(a: Iterable[float], b: Iterable[float]) -> float | None:
    """Rule 9: the two-sided p-value of Welch's t-test (Welch, Biometrika 34, 1947):
    t = (x̄_b − x̄_a) / √(s_a²/n_a + s_b²/n_b) with the Welch–Satterthwaite degrees of freedom
    ν = (s_a²/n_a + s_b²/n_b)² / ((s_a²/n_a)²/(n_a−1) + (s_b²/n_b)²/(n_b−1)); p = 2·P(T_ν ≥ |t|).
    NaN values are dropped. None when either side has fewer than 2 values or both are constant."""
    x, y = finite(a), finite(b)
    if x.size < 2 or y.size < 2:
        return None
    if _constant(x) and _constant(y):
        return None
    v1, v2 = x.var(ddof=1) / x.size, y.var(ddof=1) / y.size
    se2 = v1 + v2
    t = (y.mean() - x.mean()) / math.sqrt(se2)
    df = se2**2 / (v1**2 / (x.size - 1) + v2**2 / (y.size - 1))
    p = 2.0 * t_sf_abs(float(t), float(df))
    return None if math.isnan(p) else min(p, 1.0)


def cohens_d(a: Iterable[float], b: Iterable[float]) -> float | None:
    """Rule 9: Cohen's d of ``b`` relative to ``a`` = (x̄_b − x̄_a) / s_pooled, with
    s_pooled = √(((n_a−1)s_a² + (n_b−1)s_b²) / (n_a+n_b−2)) (Cohen, Statistical Power Analysis
    for the Behavioral Sciences, 2nd ed., 1988, §2.2). None when either side is empty,
    n_a+n_b−2 < 1, or the pooled sd is 0. NaN values are dropped."""
    x, y = finite(a), finite(b)
    n1, n2 = x.size, y.size
    if n1 == 0 or n2 == 0 or n1 + n2 - 2 < 1:
        return None
    if _constant(x) and _constant(y):
        return None
    ss = float(((x - x.mean()) ** 2).sum() + ((y - y.mean()) ** 2).sum())
    pooled = math.sqrt(ss / (n1 + n2 - 2))
    if pooled == 0:
        return None
    return float((y.mean() - x.mean()) / pooled)


def percentile_rank(values: Iterable[float], own: float | None) -> float | None:
    """The mid-rank percentile of ``own`` among ``values``: 100 · (below + ½·equal) / n (the
    "percentile rank" of Crocker & Algina, Introduction to Classical and Modern Test Theory,
    1986, ch. 19). None without values or without an own score. NaN values are dropped."""
    arr = finite(values)
    if own is None or arr.size == 0 or (isinstance(own, float) and math.isnan(own)):
        return None
    below = float((arr < own).sum())
    ties = float((arr == own).sum())
    return 100.0 * (below + 0.5 * ties) / arr.size
