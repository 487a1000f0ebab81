"""Tests for cxmaturity.compare (design.md §3 rule 9, §4 compare contract, Progress page data).

Expected values are worked out by hand in the comments, or with an independent computation
(Welch's t and the Welch–Satterthwaite df from the ``statistics`` module, p from the t
distribution's survival function) rather than by calling ``scipy.stats.ttest_ind`` again.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import statistics
from datetime import date

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from cxmaturity.compare import (
    DECLINED,
    IMPROVED,
    NO_CLEAR_CHANGE,
    TIMELINE_COLUMNS,
    Comparison,
    add_months,
    cohens_d,
    compare_assessments,
    competency_timeline,
    next_assessment_due,
    targets_vs_actual,
    verdict_for,
    welch_p_value,
)
from cxmaturity.models import parse_model
from cxmaturity.scoring import CompetencyScore, score_assessment
from cxmaturity.store.records import HistoryEntry, Target

NAN = float("nan")

NOW = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)


def make_model(weights=(1.0, 3.0)):
    """Scale 1-5, four levels of width 1, two competencies: c1 (a1, a2) and c2 (b1)."""
    return parse_model(
        {
            "id": "tiny",
            "name": "Tiny model",
            "source": {"document": "none.pdf", "organisation": "Test"},
            "scale": {
                "min": 1,
                "max": 5,
                "labels": {1: "one", 2: "two", 3: "three", 4: "four", 5: "five"},
            },
            "aggregate": "mean",
            "levels": [
                {"number": 1, "name": "Initial", "description": "d", "band": [1, 2]},
                {"number": 2, "name": "Developing", "description": "d", "band": [2, 3]},
                {"number": 3, "name": "Defined", "description": "d", "band": [3, 4]},
                {"number": 4, "name": "Leading", "description": "d", "band": [4, 5]},
            ],
            "competencies": [
                {
                    "id": "c1",
                    "name": "Customer insight",
                    "description": "d",
                    "weight": weights[0],
                    "items": [{"id": "a1", "text": "A1"}, {"id": "a2", "text": "A2"}],
                },
                {
                    "id": "c2",
                    "name": "Governance",
                    "description": "d",
                    "weight": weights[1],
                    "items": [{"id": "b1", "text": "B1"}],
                },
            ],
        }
    )


def welch_by_hand(a, b):
    """Welch's t-test from first principles: t, Welch–Satterthwaite df, two-sided p."""
    m1, m2 = statistics.mean(a), statistics.mean(b)
    v1, v2 = statistics.variance(a), statistics.variance(b)
    n1, n2 = len(a), len(b)
    se1, se2 = v1 / n1, v2 / n2
    t = (m2 - m1) / math.sqrt(se1 + se2)
    df = (se1 + se2) ** 2 / (se1**2 / (n1 - 1) + se2**2 / (n2 - 1))
    return 2 * stats.t.sf(abs(t), df)


# --- welch_p_value ----------------------------------------------------------------------


def test_welch_p_value_matches_hand_computation_equal_spread():
    # means 2 and 4, variances 1 and 1: t = 2 / sqrt(2/3) = 2.449..., df = 4
    t = 2 / math.sqrt(2 / 3)
    expected = 2 * stats.t.sf(t, 4)
    assert welch_p_value([1, 2, 3], [3, 4, 5]) == pytest.approx(expected, rel=1e-12)
    assert welch_p_value([3, 4, 5], [1, 2, 3]) == pytest.approx(expected, rel=1e-12)


def test_welch_p_value_matches_independent_computation_unequal_spread():
    a = [2.0, 2.5, 3.0, 3.5, 1.0, 4.0]
    b = [3.0, 5.0, 4.5, 4.0]
    assert welch_p_value(a, b) == pytest.approx(welch_by_hand(a, b), rel=1e-10)


def test_welch_p_value_drops_nan():
    a = [1, 2, NAN, 3]
    b = pd.Series([3, 4, 5, np.nan])
    assert welch_p_value(a, b) == pytest.approx(welch_by_hand([1, 2, 3], [3, 4, 5]), rel=1e-12)


def test_welch_p_value_none_with_fewer_than_two_values():
    assert welch_p_value([3.0], [1, 2, 3]) is None
    assert welch_p_value([1, 2, 3], [4.0]) is None
    assert welch_p_value([], [1, 2]) is None
    assert welch_p_value([1, NAN], [1, 2, 3]) is None


def test_welch_p_value_identical_samples_with_spread_is_one():
    assert welch_p_value([1, 2, 3, 4], [1, 2, 3, 4]) == pytest.approx(1.0)


def test_welch_p_value_none_when_both_constant():
    # Decision: both sides without variance -> no test (scipy would give nan or p = 0).
    assert welch_p_value([3, 3, 3], [3, 3, 3]) is None
    assert welch_p_value([3, 3, 3], [4, 4, 4]) is None


def test_welch_p_value_one_side_constant_is_defined():
    # only b varies: t = (4 - 3) / sqrt(1/3) = sqrt(3), df = (1/3)^2 / ((1/3)^2 / 2) = 2
    expected = 2 * stats.t.sf(math.sqrt(3), 2)
    assert welch_p_value([3, 3, 3], [3, 4, 5]) == pytest.approx(expected, rel=1e-12)


# --- cohens_d ---------------------------------------------------------------------------


def test_cohens_d_by_hand():
    # means 2 and 4, both sd 1 -> pooled sd 1 -> d = 2
    assert cohens_d([1, 2, 3], [3, 4, 5]) == pytest.approx(2.0)
    assert cohens_d([3, 4, 5], [1, 2, 3]) == pytest.approx(-2.0)


def test_cohens_d_unequal_sizes_by_hand():
    # a: mean 2.5, SS = 2.25+0.25+0.25+2.25 = 5; b: mean 4, SS = 4+0+4 = 8
    # pooled = sqrt((5 + 8) / (4 + 3 - 2)) = sqrt(2.6); d = 1.5 / sqrt(2.6)
    assert cohens_d([1, 2, 3, 4], [2, 4, 6]) == pytest.approx(1.5 / math.sqrt(2.6))


def test_cohens_d_one_value_on_one_side():
    # a = [2]: SS 0; b = [3, 5]: mean 4, SS 2; pooled = sqrt(2 / 1); d = 2 / sqrt(2)
    assert cohens_d([2], [3, 5]) == pytest.approx(2 / math.sqrt(2))


def test_cohens_d_none_cases():
    assert cohens_d([2], [3]) is None  # n1 + n2 - 2 = 0
    assert cohens_d([], [1, 2, 3]) is None
    assert cohens_d([3, 3], [4, 4]) is None  # pooled sd 0
    assert cohens_d([3, 3], [3, 3]) is None


def test_cohens_d_identical_samples_is_zero():
    assert cohens_d([1, 2, 3], [1, 2, 3]) == 0.0


# --- verdict ----------------------------------------------------------------------------


def test_verdict_thresholds():
    assert verdict_for(0.4, 0.0499) == IMPROVED
    assert verdict_for(-0.4, 0.0499) == DECLINED
    assert verdict_for(0.4, 0.05) == NO_CLEAR_CHANGE  # p < 0.05 is strict
    assert verdict_for(-0.4, 0.2) == NO_CLEAR_CHANGE
    assert verdict_for(0.4, None) == NO_CLEAR_CHANGE
    assert verdict_for(None, 0.001) == NO_CLEAR_CHANGE
    assert verdict_for(0.0, 0.001) == NO_CLEAR_CHANGE


def test_verdict_constructed_samples_just_around_threshold():
    # a = [0, 1, 2], b = a + x: t = x / sqrt(2/3), df = 4; t(0.975, 4) = 2.776 -> x* = 2.2667
    model = make_model()
    base = [1.0, 2.0, 3.0]

    def wave(values):
        return pd.DataFrame({"a1": values, "a2": values, "b1": values})

    below = compare_assessments(model, wave(base), wave([v + 2.3 for v in base]))
    above = compare_assessments(model, wave(base), wave([v + 2.25 for v in base]))
    p_below = below.competency("c1").p_value
    p_above = above.competency("c1").p_value
    assert p_below == pytest.approx(2 * stats.t.sf(2.3 / math.sqrt(2 / 3), 4))
    assert p_above == pytest.approx(2 * stats.t.sf(2.25 / math.sqrt(2 / 3), 4))
    assert 0.045 < p_below < 0.05 < p_above < 0.055
    assert below.competency("c1").verdict == IMPROVED
    assert above.competency("c1").verdict == NO_CLEAR_CHANGE
    # and reversed, a decline
    down = compare_assessments(model, wave([v + 2.3 for v in base]), wave(base))
    assert down.competency("c1").verdict == DECLINED
    assert down.competency("c1").delta == pytest.approx(-2.3)


# --- compare_assessments ----------------------------------------------------------------


def wave_from():
    # r1: c1 = (1+3)/2 = 2, c2 = 2 ; r2: c1 = 2, c2 = 3 ; r3: c1 = 3, c2 missing
    return pd.DataFrame(
        {"a1": [1.0, 2.0, 3.0], "a2": [3.0, 2.0, NAN], "b1": [2.0, 3.0, NAN]},
        index=["r1", "r2", "r3"],
    )


def wave_to():
    # r1: c1 = 4, c2 = 5 ; r2: c1 = 4, c2 = 4 ; r3: c1 = 5, c2 = 4 ; r4: nothing answered
    return pd.DataFrame(
        {"a1": [4.0, 3.0, 5.0, NAN], "a2": [4.0, 5.0, 5.0, NAN], "b1": [5.0, 4.0, 4.0, NAN]},
        index=["r1", "r2", "r3", "r4"],
    )


def test_compare_competency_scores_by_hand():
    result = compare_assessments(make_model(), wave_from(), wave_to(), from_id=7, to_id=9)
    assert isinstance(result, Comparison)
    assert result.model == "tiny" and result.from_id == 7 and result.to_id == 9
    assert [c.id for c in result.competencies] == ["c1", "c2"]

    c1 = result.competency("c1")
    assert c1.name == "Customer insight"
    assert c1.from_score == pytest.approx(7 / 3)  # (2 + 2 + 3) / 3
    assert c1.to_score == pytest.approx(13 / 3)  # (4 + 4 + 5) / 3
    assert c1.delta == pytest.approx(2.0)
    assert (c1.from_n, c1.to_n) == (3, 3)
    assert c1.p_value == pytest.approx(welch_by_hand([2, 2, 3], [4, 4, 5]), rel=1e-10)
    # both sides: SS = 2/3, pooled = sqrt(4/3 / 4) = sqrt(1/3); d = 2 / sqrt(1/3)
    assert c1.cohens_d == pytest.approx(2 / math.sqrt(1 / 3))
    assert c1.verdict == IMPROVED  # p ~ 0.007

    c2 = result.competency("c2")
    assert c2.from_score == pytest.approx(2.5)
    assert c2.to_score == pytest.approx(13 / 3)
    assert (c2.from_n, c2.to_n) == (2, 3)
    assert c2.p_value == pytest.approx(welch_by_hand([2, 3], [5, 4, 4]), rel=1e-10)
    # SS_from = 0.5, SS_to = 2/3; pooled = sqrt((0.5 + 2/3) / 3); d = (13/3 - 2.5) / pooled
    assert c2.cohens_d == pytest.approx((13 / 3 - 2.5) / math.sqrt((0.5 + 2 / 3) / 3))


def test_compare_overall_is_weighted():
    result = compare_assessments(make_model(weights=(1.0, 3.0)), wave_from(), wave_to())
    overall = result.overall
    assert overall.id == "overall" and overall.name == "Overall"
    # from: (7/3 * 1 + 2.5 * 3) / 4 = 59/24 ; to: (13/3 * 1 + 13/3 * 3) / 4 = 13/3
    assert overall.from_score == pytest.approx(59 / 24)
    assert overall.to_score == pytest.approx(13 / 3)
    assert overall.delta == pytest.approx(13 / 3 - 59 / 24)
    # respondent overall scores (weighted over competencies answered):
    # from: r1 (2 + 3*2)/4 = 2, r2 (2 + 3*3)/4 = 2.75, r3 = 3 (c1 only)
    # to:   r1 (4 + 3*5)/4 = 4.75, r2 (4 + 3*4)/4 = 4, r3 (5 + 3*4)/4 = 4.25; r4 none
    a, b = [2.0, 2.75, 3.0], [4.75, 4.0, 4.25]
    assert (overall.from_n, overall.to_n) == (3, 3)
    assert overall.p_value == pytest.approx(welch_by_hand(a, b), rel=1e-10)
    ss = sum((x - statistics.mean(a)) ** 2 for x in a) + sum(
        (x - statistics.mean(b)) ** 2 for x in b
    )
    assert overall.cohens_d == pytest.approx(
        (statistics.mean(b) - statistics.mean(a)) / math.sqrt(ss / 4)
    )

    unweighted = compare_assessments(make_model(weights=(1.0, 1.0)), wave_from(), wave_to())
    assert unweighted.overall.from_score == pytest.approx((7 / 3 + 2.5) / 2)
    assert unweighted.overall.from_score != pytest.approx(overall.from_score)


def test_compare_scores_agree_with_scoring():
    model = make_model()
    result = compare_assessments(model, wave_from(), wave_to())
    before, after = score_assessment(model, wave_from()), score_assessment(model, wave_to())
    assert result.overall.from_score == pytest.approx(before.overall.score)
    assert result.overall.to_score == pytest.approx(after.overall.score)
    for change in result.competencies:
        assert change.from_score == pytest.approx(before.competency(change.id).score)
        assert change.to_score == pytest.approx(after.competency(change.id).score)
        assert change.to_n == after.competency(change.id).n


def test_compare_identical_waves_no_clear_change():
    model = make_model()
    result = compare_assessments(model, wave_to(), wave_to())
    for change in [result.overall, *result.competencies]:
        assert change.delta == 0.0
        assert change.p_value == pytest.approx(1.0)
        assert change.cohens_d == 0.0
        assert change.verdict == NO_CLEAR_CHANGE


def test_compare_identical_constant_waves_p_none():
    model = make_model()
    flat = pd.DataFrame({"a1": [3.0, 3.0, 3.0], "a2": [3.0, 3.0, 3.0], "b1": [4.0, 4.0, 4.0]})
    result = compare_assessments(model, flat, flat.copy())
    for change in [result.overall, *result.competencies]:
        assert change.delta == 0.0
        assert change.p_value is None
        assert change.cohens_d is None
        assert change.verdict == NO_CLEAR_CHANGE


def test_compare_single_respondent_waves():
    model = make_model()
    one_from = pd.DataFrame({"a1": [2.0], "a2": [2.0], "b1": [2.0]})
    one_to = pd.DataFrame({"a1": [5.0], "a2": [5.0], "b1": [5.0]})
    result = compare_assessments(model, one_from, one_to)
    for change in [result.overall, *result.competencies]:
        assert change.delta == pytest.approx(3.0)
        assert change.p_value is None
        assert change.cohens_d is None
        assert change.verdict == NO_CLEAR_CHANGE
        assert (change.from_n, change.to_n) == (1, 1)


def test_compare_competency_missing_in_one_wave():
    model = make_model()
    no_c2 = pd.DataFrame({"a1": [1.0, 2.0], "a2": [1.0, 2.0], "b1": [NAN, NAN]})
    result = compare_assessments(model, no_c2, wave_to())
    c2 = result.competency("c2")
    assert c2.from_score is None and c2.from_n == 0
    assert c2.delta is None and c2.p_value is None and c2.cohens_d is None
    assert c2.verdict == NO_CLEAR_CHANGE
    # overall "from" falls back to the competencies that have a score (c1 only): 1.5
    assert result.overall.from_score == pytest.approx(1.5)


def test_compare_to_dict_contract():
    result = compare_assessments(make_model(), wave_from(), wave_to(), from_id=1, to_id=2)
    data = result.to_dict()
    assert set(data) == {"model", "from", "to", "overall", "competencies"}
    assert data["from"] == 1 and data["to"] == 2 and data["model"] == "tiny"
    keys = {
        "id",
        "name",
        "from_score",
        "to_score",
        "delta",
        "p_value",
        "cohens_d",
        "verdict",
        "from_n",
        "to_n",
    }
    assert set(data["overall"]) == keys
    assert all(set(c) == keys for c in data["competencies"])
    assert data["competencies"][0]["from_score"] == 7 / 3  # not rounded
    json.dumps(data)  # serialisable as is


# --- add_months / next_assessment_due ---------------------------------------------------


@pytest.mark.parametrize(
    ("start", "months", "expected"),
    [
        (date(2026, 8, 31), 6, date(2027, 2, 28)),
        (date(2027, 8, 31), 6, date(2028, 2, 29)),  # leap year
        (date(2026, 1, 31), 1, date(2026, 2, 28)),
        (date(2026, 3, 31), 1, date(2026, 4, 30)),
        (date(2026, 3, 15), 12, date(2027, 3, 15)),
        (date(2026, 11, 30), 2, date(2027, 1, 30)),
        (date(2026, 12, 1), 1, date(2027, 1, 1)),
        (date(2026, 3, 31), -1, date(2026, 2, 28)),
        (date(2028, 2, 29), 12, date(2029, 2, 28)),
        (date(2026, 5, 5), 0, date(2026, 5, 5)),
    ],
)
def test_add_months(start, months, expected):
    assert add_months(start, months) == expected


def test_next_assessment_due_window():
    due = next_assessment_due(date(2025, 1, 15), today=date(2025, 6, 1))
    assert due.last_date == date(2025, 1, 15)
    assert due.earliest == date(2025, 7, 15)
    assert due.latest == date(2026, 1, 15)
    assert due.overdue is False
    # 2025-06-01 -> 2026-01-01: 30+31+31+30+31+30+31 = 214 days, + 14 = 228
    assert due.days_left == 228
    assert due.to_dict()["latest"] == "2026-01-15"


def test_next_assessment_due_clamps_month_end():
    due = next_assessment_due(date(2026, 8, 31), today=date(2026, 9, 1))
    assert due.earliest == date(2027, 2, 28)
    assert due.latest == date(2027, 8, 31)


def test_next_assessment_due_overdue_boundary():
    last = date(2025, 1, 15)
    on_deadline = next_assessment_due(last, today=date(2026, 1, 15))
    assert on_deadline.overdue is False and on_deadline.days_left == 0
    late = next_assessment_due(last, today=date(2026, 1, 16))
    assert late.overdue is True and late.days_left == -1
    very_late = next_assessment_due(last, today=date(2026, 3, 1))
    # Jan 16..31 (16 days), Feb (28), Mar 1 (1)
    assert very_late.overdue is True and very_late.days_left == -(16 + 28 + 1)


def test_next_assessment_due_none_without_assessment():
    assert next_assessment_due(None, today=date(2026, 1, 1)) is None


# --- competency_timeline ----------------------------------------------------------------


def history_entry(aid, day, label, overall, comps, respondents=10):
    return HistoryEntry(
        id=aid,
        date=dt.date.fromisoformat(day),
        label=label,
        model="tiny",
        model_version=1,
        respondents=respondents,
        overall={
            "score": overall,
            "level": int(overall),
            "level_name": "x",
            "ci95": [overall - 0.5, overall + 0.5],
            "points": None,
        },
        competencies=[
            {
                "id": cid,
                "name": name,
                "score": score,
                "level": None if score is None else int(score),
                "level_name": "x",
                "n": n,
                "ci95": ci,
            }
            for cid, name, score, n, ci in comps
        ],
    )


def test_competency_timeline_shape_and_order():
    history = [
        # deliberately out of date order to check sorting
        history_entry(
            2,
            "2025-09-01",
            "Autumn",
            3.5,
            [
                ("c1", "Customer insight", 3.0, 9, [2.5, 3.5]),
                ("c2", "Governance", 3.7, 8, [3.2, 4.2]),
            ],
        ),
        history_entry(
            1,
            "2025-03-01",
            None,
            2.5,
            [("c1", "Customer insight", 2.0, 1, None), ("c2", "Governance", None, 0, None)],
            respondents=1,
        ),
    ]
    frame = competency_timeline(history)
    assert list(frame.columns) == TIMELINE_COLUMNS
    assert frame.shape == (6, 10)  # 2 assessments x (overall + 2 competencies)
    assert pd.api.types.is_datetime64_any_dtype(frame["date"])
    assert frame["assessment_id"].tolist() == [1, 1, 1, 2, 2, 2]
    assert frame["competency"].tolist() == ["overall", "c1", "c2"] * 2
    assert frame["competency_name"].tolist()[:3] == ["Overall", "Customer insight", "Governance"]
    assert frame["date"].iloc[0] == pd.Timestamp("2025-03-01")

    first = frame[frame["assessment_id"] == 1].set_index("competency")
    assert first.loc["overall", "n"] == 1  # respondents
    assert first.loc["overall", "ci_low"] == 2.0 and first.loc["overall", "ci_high"] == 3.0
    assert math.isnan(first.loc["c1", "ci_low"]) and math.isnan(first.loc["c1", "ci_high"])
    assert math.isnan(first.loc["c2", "score"])
    assert pd.isna(first.loc["c2", "level"])
    assert first.loc["c1", "label"] is None

    second = frame[frame["assessment_id"] == 2].set_index("competency")
    assert (
        second.loc["c2", "score"] == 3.7
        and second.loc["c2", "n"] == 8
        and second.loc["c2", "level"] == 3
    )
    assert second.loc["c1", "ci_low"] == 2.5 and second.loc["c1", "ci_high"] == 3.5
    assert second.loc["overall", "label"] == "Autumn"


def test_competency_timeline_empty_history():
    frame = competency_timeline([])
    assert list(frame.columns) == TIMELINE_COLUMNS
    assert len(frame) == 0


# --- targets_vs_actual ------------------------------------------------------------------


def target(competency, horizon_months, level):
    return Target(model="tiny", competency=competency, horizon_months=horizon_months, level=level, set_at=NOW)


def comp_score(cid, name, score, level):
    return CompetencyScore(
        id=cid,
        name=name,
        score=score,
        level=level,
        level_name=None,
        n=5,
        sd=None,
        ci95=None,
        alpha=None,
    )


def test_targets_vs_actual_gaps():
    model = make_model()
    scores = [comp_score("c1", "Customer insight", 2.4, 2), comp_score("c2", "Governance", 4.6, 4)]
    targets = [
        target("c1", 12, 3),
        target("c2", 6, 2),
        target("c1", 24, 2),
    ]
    result = targets_vs_actual(model, targets, scores)
    assert [(t.competency, t.horizon_months) for t in result] == [("c1", 12), ("c2", 6), ("c1", 24)]
    behind, beyond, exact = result
    assert behind.target_level == 3 and behind.target_level_name == "Defined"
    assert behind.actual_score == 2.4 and behind.actual_level == 2
    assert behind.gap_levels == 1 and behind.met is False
    assert beyond.competency_name == "Governance"
    assert beyond.gap_levels == -2 and beyond.met is True
    assert exact.gap_levels == 0 and exact.met is True
    assert behind.to_dict()["gap_levels"] == 1


def test_targets_vs_actual_without_score():
    model = make_model()
    scores = [comp_score("c1", "Customer insight", None, None)]
    (status,) = targets_vs_actual(
        model, [target("c1", 6, 2)], scores
    )
    assert status.actual_score is None and status.actual_level is None
    assert status.gap_levels is None and status.met is False
    (missing,) = targets_vs_actual(
        model, [target("c2", 6, 2)], scores
    )
    assert missing.actual_level is None and missing.met is False


def test_targets_vs_actual_uses_real_scores():
    model = make_model()
    latest = score_assessment(model, wave_to())  # c1 = 13/3 (level 4), c2 = 13/3 (level 4)
    result = targets_vs_actual(
        model, [target("c2", 12, 4)], latest.competencies
    )
    assert result[0].actual_level == 4 and result[0].gap_levels == 0 and result[0].met


@pytest.mark.parametrize(
    "target",
    [
        target("nope", 6, 2),
        target("c1", 6, 5),
        target("c1", 6, 0),
        target("c1", 9, 2),
    ],
)
def test_targets_vs_actual_rejects_bad_targets(target):
    with pytest.raises(ValueError):
        targets_vs_actual(make_model(), [target], [])
