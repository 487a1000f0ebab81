"""The formulas of cxmaturity.stats against published tables and worked examples, and against
scipy as an independent reference implementation."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import special
from scipy import stats as scipy_stats

from cxmaturity import stats

# Two-sided 5% critical values t(0.975, df), as printed in the NIST/SEMATECH e-Handbook of
# Statistical Methods, §1.3.6.7.2 "Critical values of the Student's t distribution" (3 decimals).
PUBLISHED_T_975 = {
    1: 12.706, 2: 4.303, 3: 3.182, 4: 2.776, 5: 2.571, 6: 2.447, 7: 2.365, 8: 2.306, 9: 2.262,
    10: 2.228, 11: 2.201, 12: 2.179, 13: 2.160, 14: 2.145, 15: 2.131, 16: 2.120, 17: 2.110,
    18: 2.101, 19: 2.093, 20: 2.086, 21: 2.080, 22: 2.074, 23: 2.069, 24: 2.064, 25: 2.060,
    26: 2.056, 27: 2.052, 28: 2.048, 29: 2.045, 30: 2.042, 40: 2.021, 60: 2.000, 120: 1.980,
}


@pytest.mark.parametrize(("df", "critical"), sorted(PUBLISHED_T_975.items()))
def test_t_quantile_matches_the_published_table(df, critical):
    assert round(stats.t_quantile(0.975, df), 3) == critical
    assert round(stats.t_quantile(0.025, df), 3) == -critical


def test_t_closed_forms():
    # df = 1 is the Cauchy distribution: P(T <= 1) = 3/4; df = 2: P(T <= t) = 1/2 + t / (2 sqrt(2 + t^2))
    assert stats.t_cdf(1.0, 1) == pytest.approx(0.75, abs=1e-14)
    assert stats.t_cdf(2.0, 2) == pytest.approx(0.5 + 2 / (2 * math.sqrt(6)), abs=1e-14)
    assert stats.t_quantile(0.75, 1) == pytest.approx(1.0, abs=1e-12)
    assert stats.t_cdf(0.0, 7) == 0.5 and stats.t_quantile(0.5, 7) == 0.0


def test_t_agrees_with_scipy_to_high_precision():
    rng = np.random.default_rng(396)
    for _ in range(400):
        df = float(rng.choice([1, 2, 3, 5, 10, 30, 100, 1000, 1e5]) * rng.uniform(0.6, 1.8))
        p = float(rng.choice([1e-10, 1e-6, 1e-3, 0.02, 0.3, 0.6, 0.95, 0.999]) * rng.uniform(0.5, 1.0))
        expected = special.stdtrit(df, p)
        assert stats.t_quantile(p, df) == pytest.approx(expected, rel=1e-8, abs=1e-9), (df, p)
        t = float(rng.uniform(-30, 30))
        assert stats.t_cdf(t, df) == pytest.approx(special.stdtr(df, t), rel=1e-9, abs=1e-13), (df, t)


def test_t_interval_hand_worked():
    # mean 3, sd 1, n = 4: 3 ± 3.182446 · 1/2 (t(0.975, 3) = 3.182446305)
    low, high = stats.t_interval(3.0, 1.0, 4)
    assert (low, high) == pytest.approx((3 - 1.5912231525, 3 + 1.5912231525), abs=1e-9)
    assert stats.t_interval(3.0, 1.0, 1) is None


# Student's sleep data (Cushny & Peebles 1905, as in R's `sleep` data set): extra hours of sleep
# with two drugs. R's documented output of `t.test(extra ~ group, data = sleep)` (Welch):
# t = -1.8608, df = 17.776, p-value = 0.07939.
SLEEP_1 = [0.7, -1.6, -0.2, -1.2, -0.1, 3.4, 3.7, 0.8, 0.0, 2.0]
SLEEP_2 = [1.9, 0.8, 1.1, 0.1, -0.1, 4.4, 5.5, 1.6, 4.6, 3.4]


def test_welch_matches_r_on_the_sleep_data():
    assert round(stats.welch_p_value(SLEEP_1, SLEEP_2), 5) == 0.07939
    assert stats.welch_p_value(SLEEP_2, SLEEP_1) == stats.welch_p_value(SLEEP_1, SLEEP_2)  # two-sided


def test_welch_agrees_with_scipy():
    for seed in range(200):
        rng = np.random.default_rng(seed)
        a = rng.normal(3.0, rng.uniform(0.3, 1.5), int(rng.integers(2, 80)))
        b = rng.normal(3.0 + rng.uniform(-1, 1), rng.uniform(0.3, 1.5), int(rng.integers(2, 80)))
        expected = scipy_stats.ttest_ind(b, a, equal_var=False).pvalue
        assert stats.welch_p_value(a, b) == pytest.approx(expected, rel=1e-9, abs=1e-14), seed


def test_welch_edge_cases():
    assert stats.welch_p_value([1.0], [2.0, 3.0]) is None
    assert stats.welch_p_value([2.0, 2.0, 2.0], [2.0, 2.0]) is None  # both constant: no test
    assert stats.welch_p_value([1.0, float("nan"), 3.0], [2.0, 4.0]) == stats.welch_p_value([1.0, 3.0], [2.0, 4.0])


def test_cohens_d_hand_worked():
    # [1, 2, 3] and [1.5, 2.5, 3.5]: both sd 1, so the pooled sd is 1 and d = 0.5 / 1
    assert stats.cohens_d([1, 2, 3], [1.5, 2.5, 3.5]) == pytest.approx(0.5)
    # sums of squares 2 and 8 over 4 degrees of freedom: pooled sd = sqrt(10/4); difference 2
    assert stats.cohens_d([1, 2, 3], [2, 4, 6]) == pytest.approx(2 / math.sqrt(10 / 4))
    assert stats.cohens_d([], [1.0]) is None and stats.cohens_d([2.0, 2.0], [2.0, 2.0]) is None


def _alpha_by_anova(values: np.ndarray) -> float:
    """Hoyt's (1941) persons x items analysis of variance: alpha = 1 - MS_residual / MS_persons,
    an independent route to Cronbach's alpha."""
    n, k = values.shape
    grand = values.mean()
    ss_persons = k * ((values.mean(axis=1) - grand) ** 2).sum()
    ss_items = n * ((values.mean(axis=0) - grand) ** 2).sum()
    ss_total = ((values - grand) ** 2).sum()
    ms_persons = ss_persons / (n - 1)
    ms_residual = (ss_total - ss_persons - ss_items) / ((n - 1) * (k - 1))
    return 1 - ms_residual / ms_persons


def test_cronbach_alpha_equals_hoyts_anova():
    for seed in range(20):
        rng = np.random.default_rng(seed)
        person = rng.normal(0, 1, (30, 1))
        values = np.clip(np.round(3 + person + rng.normal(0, 0.8, (30, 5))), 1, 5)
        assert stats.cronbach_alpha(values) == pytest.approx(_alpha_by_anova(values), abs=1e-12)


def test_cronbach_alpha_hand_worked_and_edges():
    items = np.array([[1, 2, 2], [2, 3, 3], [3, 3, 4], [4, 5, 5]], dtype=float)
    # item variances 5/3, 19/12, 5/3 (sum 4.916667); totals 5, 8, 10, 14: variance 14.25
    assert stats.cronbach_alpha(items) == pytest.approx(1.5 * (1 - (5 / 3 + 19 / 12 + 5 / 3) / 14.25))
    assert stats.cronbach_alpha(np.array([[1.0], [2.0], [3.0]])) is None
    assert stats.cronbach_alpha(np.array([[1, 2], [2, np.nan], [3, 3]], dtype=float)) is None


def test_percentile_rank_hand_worked():
    peers = [1.0, 2.0, 2.0, 3.0, 4.0]
    assert stats.percentile_rank(peers, 2.0) == pytest.approx(100 * (1 + 0.5 * 2) / 5)  # 40
    assert stats.percentile_rank(peers, 5.0) == 100.0
    assert stats.percentile_rank(peers, 0.5) == 0.0
    assert stats.percentile_rank([], 2.0) is None and stats.percentile_rank(peers, None) is None
