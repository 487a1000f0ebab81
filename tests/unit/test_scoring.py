"""Scoring rules 1-8 of design.md §3, checked against values worked out by hand."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from cxmaturity.models import parse_model
from cxmaturity.scoring import (
    NOT_GIVEN,
    cronbach_alpha,
    item_statistics,
    score_assessment,
    suppressed_groups,
)

NaN = np.nan

LIKERT = {1: "Strongly disagree", 2: "Disagree", 3: "Neutral", 4: "Agree", 5: "Strongly agree"}


def mean_model(weight_b: float = 3.0):
    return parse_model(
        {
            "id": "tiny",
            "name": "Tiny",
            "source": {"document": "x.txt", "organisation": "Test"},
            "scale": {"min": 1, "max": 5, "labels": LIKERT},
            "levels": [
                {"number": 1, "name": "One", "description": "d", "band": [1, 2]},
                {"number": 2, "name": "Two", "description": "d", "band": [2, 3]},
                {"number": 3, "name": "Three", "description": "d", "band": [3, 4]},
                {"number": 4, "name": "Four", "description": "d", "band": [4, 5]},
            ],
            "competencies": [
                {"id": "a", "name": "Alpha", "description": "d", "items": [{"id": "a1", "text": "t"}, {"id": "a2", "text": "t"}]},
                {"id": "b", "name": "Beta", "description": "d", "weight": weight_b, "items": [{"id": "b1", "text": "t"}]},
            ],
        }
    )


def points_model():
    return parse_model(
        {
            "id": "pts",
            "name": "Points",
            "source": {"document": "x.txt", "organisation": "Test"},
            "scale": {"min": 0, "max": 5, "labels": {i: str(i) for i in range(6)}},
            "aggregate": "points",
            "points_max": 25,
            "levels": [
                {"number": 1, "name": "S1", "description": "d", "band": [0, 5]},
                {"number": 2, "name": "S2", "description": "d", "band": [5, 10]},
                {"number": 3, "name": "S3", "description": "d", "band": [10, 15]},
                {"number": 4, "name": "S4", "description": "d", "band": [15, 20]},
                {"number": 5, "name": "S5", "description": "d", "band": [20, 25]},
            ],
            "competencies": [
                {"id": "c1", "name": "C1", "description": "d", "items": [{"id": "p1", "text": "t"}, {"id": "p2", "text": "t"}]},
                {
                    "id": "c2",
                    "name": "C2",
                    "description": "d",
                    "items": [{"id": "p3", "text": "t"}, {"id": "p4", "text": "t"}, {"id": "p5", "text": "t"}],
                },
            ],
        }
    )


def frame(rows: dict[str, list[float]], columns: list[str]) -> pd.DataFrame:
    df = pd.DataFrame.from_dict(rows, orient="index", columns=columns, dtype=float)
    df.index.name = "respondent_id"
    return df


@pytest.fixture
def worked_example():
    # r3 answered nothing of Alpha, r4 nothing of Beta (rule 2: they don't count there)
    answers = frame(
        {"r1": [4, 2, 5], "r2": [3, NaN, 4], "r3": [NaN, NaN, 3], "r4": [5, 5, NaN]},
        ["a1", "a2", "b1"],
    )
    return mean_model(), answers


def test_competency_scores_n_sd_and_ci(worked_example):
    model, answers = worked_example
    result = score_assessment(model, answers)
    a, b = result.competencies
    # Alpha: respondent scores 3, 3, 5 -> mean 11/3, sd sqrt(4/3)
    assert a.n == 3
    assert a.score == pytest.approx(11 / 3)
    assert a.sd == pytest.approx(1.1547005, abs=1e-6)
    # t(0.975, 2) = 4.302653; half width = 4.302653 * 1.1547005 / sqrt(3) = 2.868435
    assert a.ci95 == pytest.approx([11 / 3 - 2.868435, 11 / 3 + 2.868435], abs=1e-5)
    assert (a.level, a.level_name) == (3, "Three")
    # Beta: 5, 4, 3 -> mean 4, sd 1, level 4 (lower bound included)
    assert (b.n, b.score, b.sd) == (3, pytest.approx(4.0), pytest.approx(1.0))
    assert b.level == 4
    assert result.respondents == 4


def test_overall_is_weighted_mean_with_respondent_ci(worked_example):
    model, answers = worked_example
    overall = score_assessment(model, answers).overall
    # (1 * 11/3 + 3 * 4) / 4 = 3.916667
    assert overall.score == pytest.approx(15.666667 / 4, abs=1e-6)
    assert (overall.level, overall.level_name) == (3, "Three")
    # respondent overall scores 4.5, 3.75, 3, 5 -> sd 0.875; t(0.975, 3) = 3.182446
    half = 3.182446 * 0.875 / 2
    assert overall.ci95 == pytest.approx([3.916667 - half, 3.916667 + half], abs=1e-5)
    assert overall.points is None


def test_equal_weights_change_the_overall(worked_example):
    _, answers = worked_example
    overall = score_assessment(mean_model(weight_b=1.0), answers).overall
    assert overall.score == pytest.approx((11 / 3 + 4) / 2)


def test_single_respondent_has_no_ci_or_sd():
    result = score_assessment(mean_model(), frame({"r1": [4, 4, 4]}, ["a1", "a2", "b1"]))
    assert result.competencies[0].ci95 is None
    assert result.competencies[0].sd is None
    assert result.overall.ci95 is None
    assert result.overall.score == pytest.approx(4.0)


def test_top_band_includes_maximum():
    result = score_assessment(mean_model(), frame({"r1": [5, 5, 5], "r2": [5, 5, 5]}, ["a1", "a2", "b1"]))
    assert result.overall.level == 4
    assert result.competencies[0].level == 4


def test_competency_nobody_answered_is_reported():
    answers = frame({"r1": [NaN, NaN, 2], "r2": [NaN, NaN, 3]}, ["a1", "a2", "b1"])
    result = score_assessment(mean_model(), answers)
    assert result.competencies[0].n == 0
    assert result.competencies[0].score is None
    assert result.overall.score == pytest.approx(2.5)  # only Beta contributes
    assert any("Alpha" in w for w in result.warnings)


def test_cronbach_alpha_hand_example():
    items = pd.DataFrame([[1, 2, 2], [2, 3, 3], [3, 3, 4], [4, 5, 5]], dtype=float)
    # item variances 5/3, 19/12, 5/3 (sum 4.916667); total variance 14.25
    assert cronbach_alpha(items) == pytest.approx(1.5 * (1 - 4.916667 / 14.25), abs=1e-6)


def test_cronbach_alpha_needs_three_complete_respondents_and_variance():
    items = pd.DataFrame([[1, 2], [2, NaN], [3, 3], [NaN, 1]], dtype=float)
    assert cronbach_alpha(items) is None  # only 2 complete rows
    assert cronbach_alpha(pd.DataFrame([[3, 3], [3, 3], [3, 3]], dtype=float)) is None
    assert cronbach_alpha(pd.DataFrame([[1], [2], [3]], dtype=float)) is None


def test_alpha_reported_per_competency():
    answers = frame(
        {"r1": [1, 2, 1], "r2": [2, 3, 2], "r3": [3, 3, 3], "r4": [4, 5, 4]},
        ["a1", "a2", "b1"],
    )
    a, b = score_assessment(mean_model(), answers).competencies
    # a1/a2 variances 5/3 and 19/12, totals 3,5,6,9 with variance 6.25
    assert a.alpha == pytest.approx(2 * (1 - (5 / 3 + 19 / 12) / 6.25), abs=1e-9)
    assert b.alpha is None  # one item


def test_points_follow_the_overall_score_and_bands_on_points():
    answers = frame({"r1": [3, 3, 3, 3, 3], "r2": [2, 3, 3, 3, 3]}, ["p1", "p2", "p3", "p4", "p5"])
    result = score_assessment(points_model(), answers)
    c1, c2 = result.competencies
    assert c1.score == pytest.approx(2.75)
    assert c2.score == pytest.approx(3.0)
    # rule 5 (issue 10): equal weights -> overall (2.75 + 3) / 2 = 2.875;
    # points = 25 x (2.875 - 0) / (5 - 0) = 14.375 -> 14 -> stage 3 [10, 15)
    assert result.overall.score == pytest.approx(2.875)
    assert result.overall.points == 14
    assert (result.overall.level, result.overall.level_name) == (3, "S3")
    # a block's level reads its score as a share of the maximum: 2.75 / 5 * 25 = 13.75 -> S3
    assert c1.level == 3
    assert c2.level == 4  # 3 / 5 * 25 = 15


def test_points_round_half_up():
    # block 1: respondents 3, 3, 3, 3, 2 -> 2.8; block 2: all 3 -> 3.0; overall 2.9
    rows = {f"r{i}": [3, 3, 3, 3, 3] for i in range(4)}
    rows["r4"] = [2, 2, 3, 3, 3]
    result = score_assessment(points_model(), frame(rows, ["p1", "p2", "p3", "p4", "p5"]))
    assert result.overall.score == pytest.approx(2.9)
    # 25 x 2.9 / 5 = 14.5 -> 15 (half up, where Python's round() would give the banker's 14)
    assert result.overall.points == 15
    assert result.overall.level == 4


def test_points_follow_the_weights():
    data = points_model().model_dump()
    data["competencies"][1]["weight"] = 3.0
    model = parse_model(data)
    answers = frame({"r1": [1, 1, 5, 5, 5]}, ["p1", "p2", "p3", "p4", "p5"])
    result = score_assessment(model, answers)
    # overall (1 x 1 + 3 x 5) / 4 = 4.0 -> 25 x 4 / 5 = 20 points -> stage 5
    assert result.overall.points == 20
    assert result.overall.level == 5


def test_points_maximum_is_top_stage():
    answers = frame({"r1": [5, 5, 5, 5, 5]}, ["p1", "p2", "p3", "p4", "p5"])
    result = score_assessment(points_model(), answers)
    assert result.overall.points == 25
    assert result.overall.level == 5


def test_suppression_rule_complementary():
    # B alone is small -> the next-smallest (C, 5) is hidden too
    assert suppressed_groups({"A": 6, "B": 2, "C": 5, "D": 7}, 5) == {"B", "C"}
    # two small groups already protect each other
    assert suppressed_groups({"A": 6, "B": 2, "C": 3}, 5) == {"B", "C"}
    assert suppressed_groups({"A": 6, "B": 7}, 5) == set()
    assert suppressed_groups({"A": 6, "B": 1}, 5) == {"A", "B"}
    assert suppressed_groups({"A": 3}, 5) == {"A"}


def test_group_breakdown_scores_inside_each_group():
    rng = np.random.default_rng(7)
    rows, depts = {}, {}
    sizes = {"Sales": 6, "IT": 7, "Legal": 2, "Ops": 5}
    i = 0
    for dept, n in sizes.items():
        for _ in range(n):
            rows[f"r{i}"] = list(rng.integers(1, 6, size=3).astype(float))
            depts[f"r{i}"] = dept
            i += 1
    answers = frame(rows, ["a1", "a2", "b1"])
    attributes = pd.DataFrame({"department": pd.Series(depts)})
    result = score_assessment(mean_model(), answers, attributes, group_by="department")
    by_name = {g.name: g for g in result.groups}
    assert [g.name for g in result.groups] == sorted(sizes)
    assert {n: g.n for n, g in by_name.items()} == sizes
    assert by_name["Legal"].suppressed and by_name["Legal"].overall is None
    assert by_name["Ops"].suppressed  # next-smallest, so Legal can't be recovered
    assert not by_name["Sales"].suppressed
    sales = answers[[d == "Sales" for d in attributes.loc[answers.index, "department"]]]
    expected_b = sales["b1"].mean()
    assert by_name["Sales"].competencies[1].score == pytest.approx(expected_b)
    assert by_name["Sales"].competencies[1].n == 6


def test_blank_group_values_form_not_given_group():
    answers = frame({f"r{i}": [3, 3, 3] for i in range(10)}, ["a1", "a2", "b1"])
    attributes = pd.DataFrame({"department": ["X"] * 5 + [None, "", " ", None, None]}, index=answers.index)
    result = score_assessment(mean_model(), answers, attributes, group_by="department", min_group_size=5)
    assert sorted(g.name for g in result.groups) == [NOT_GIVEN, "X"]
    assert all(not g.suppressed for g in result.groups)


def test_to_dict_matches_contract_keys(worked_example):
    model, answers = worked_example
    d = score_assessment(model, answers).to_dict()
    assert set(d) == {"model", "respondents", "overall", "competencies", "groups", "warnings"}
    assert set(d["overall"]) == {"score", "level", "level_name", "ci95", "points"}
    assert set(d["competencies"][0]) == {"id", "name", "score", "level", "level_name", "n", "sd", "ci95", "alpha"}


def test_item_statistics(worked_example):
    model, answers = worked_example
    stats = item_statistics(model, answers).set_index("item")
    assert stats.loc["a1", "mean"] == pytest.approx(4.0)  # 4, 3, 5
    assert stats.loc["a2", "n"] == 2
    assert stats.loc["b1", "competency"] == "b"


def test_vectorised_matches_naive_loop_on_random_data():
    """An independent, loop-based computation of rules 2-4 agrees with the vectorised one."""
    rng = np.random.default_rng(42)
    values = rng.integers(1, 6, size=(300, 3)).astype(float)
    values[rng.random(values.shape) < 0.2] = np.nan
    answers = pd.DataFrame(values, columns=["a1", "a2", "b1"], index=[f"r{i}" for i in range(300)])
    result = score_assessment(mean_model(), answers)
    per_resp_a = [np.nanmean(r[:2]) for r in values if not np.all(np.isnan(r[:2]))]
    per_resp_b = [r[2] for r in values if not np.isnan(r[2])]
    assert result.competencies[0].score == pytest.approx(sum(per_resp_a) / len(per_resp_a))
    assert result.competencies[0].n == len(per_resp_a)
    assert result.competencies[1].score == pytest.approx(sum(per_resp_b) / len(per_resp_b))
    sd_b = math.sqrt(sum((x - np.mean(per_resp_b)) ** 2 for x in per_resp_b) / (len(per_resp_b) - 1))
    assert result.competencies[1].sd == pytest.approx(sd_b)


def test_from_dict_round_trip(worked_example):
    model, answers = worked_example
    attrs = pd.DataFrame({"department": ["X", "X", "Y", "Y"]}, index=answers.index)
    result = score_assessment(model, answers, attrs, group_by="department", min_group_size=1)
    from cxmaturity.scoring import AssessmentScore

    assert AssessmentScore.from_dict(result.to_dict()) == result


def test_answer_distribution_counts_each_scale_value(worked_example):
    from cxmaturity.scoring import answer_distribution

    model, answers = worked_example
    dist = answer_distribution(model, answers, "a")
    # a1 answers 4, 3, 5 (one blank); a2 answers 2, 5
    assert list(dist.columns) == [1, 2, 3, 4, 5]
    assert dist.loc["a1"].tolist() == [0, 0, 1, 1, 1]
    assert dist.loc["a2"].tolist() == [0, 1, 0, 0, 1]


def test_each_group_scores_as_if_it_were_scored_alone():
    """The grouped computation (one pass per competency over respondents sorted by group) gives
    every group exactly what scoring that group's rows on their own gives."""
    from cxmaturity.models import get_model

    model = get_model("forrester")
    rng = np.random.default_rng(11)
    n = 400
    values = rng.integers(1, 6, size=(n, len(model.item_ids))).astype(float)
    values[rng.random(values.shape) < 0.08] = np.nan  # some answers left blank
    index = pd.Index([f"r{i}" for i in range(n)], dtype=object)
    answers = pd.DataFrame(values, index=index, columns=model.item_ids)
    departments = pd.DataFrame({"department": rng.choice(["Ops", "IT", "Sales", "HR", "Legal"], size=n, p=[0.4, 0.3, 0.2, 0.08, 0.02])}, index=index)
    grouped = score_assessment(model, answers, departments, group_by="department", min_group_size=1)
    for group in grouped.groups:
        alone = score_assessment(model, answers[(departments["department"] == group.name).to_numpy()])
        assert group.n == alone.respondents
        for got, expected in zip(group.competencies, alone.competencies, strict=True):
            assert got.n == expected.n
            for field in ("score", "sd", "alpha"):
                a, b = getattr(got, field), getattr(expected, field)
                assert (a is None and b is None) or a == pytest.approx(b, abs=1e-12), (group.name, got.id, field)
        assert group.overall.score == pytest.approx(alone.overall.score, abs=1e-12)
        assert group.overall.ci95 == pytest.approx(alone.overall.ci95, abs=1e-12)


def test_respondent_overall_scores_are_the_weighted_mean_of_what_each_answered():
    """Against the weighted mean written with pandas (the former implementation), exactly, on
    random competency scores with gaps: a respondent with no competency gets NaN."""
    from cxmaturity.scoring import respondent_overall_scores

    model = mean_model(weight_b=3.0)
    rng = np.random.default_rng(5)
    scores = pd.DataFrame(rng.uniform(1, 5, size=(500, 2)), columns=["a", "b"])
    scores = scores.mask(rng.random((500, 2)) < 0.3)
    weights = pd.Series({"a": 1.0, "b": 3.0})
    expected = scores.fillna(0.0).mul(weights, axis=1).sum(axis=1).div(
        (scores.notna().mul(weights, axis=1).sum(axis=1)).where(lambda w: w > 0)
    )
    got = respondent_overall_scores(model, scores)
    assert got.isna().sum() == (scores.isna().all(axis=1)).sum() > 0
    np.testing.assert_array_equal(got.to_numpy(), expected.to_numpy())
    # by hand: a=2 (weight 1), b=4 (weight 3) -> (2 + 12) / 4 = 3.5; only b=4 -> 4
    hand = respondent_overall_scores(model, pd.DataFrame({"a": [2.0, NaN], "b": [4.0, 4.0]}))
    assert hand.tolist() == [3.5, 4.0]


def test_respondent_competency_scores_are_the_mean_of_the_answered_items():
    """Against pandas' row mean (the former implementation), exactly, on random answers with
    gaps; an item missing from the file counts as unanswered."""
    from cxmaturity.scoring import respondent_competency_scores

    model = mean_model()
    rng = np.random.default_rng(11)
    answers = pd.DataFrame(rng.integers(1, 6, size=(400, 3)).astype(float), columns=["a1", "a2", "b1"])
    answers = answers.mask(rng.random((400, 3)) < 0.35)
    got = respondent_competency_scores(model, answers)
    assert list(got.columns) == ["a", "b"]
    np.testing.assert_array_equal(got["a"].to_numpy(), answers[["a1", "a2"]].mean(axis=1).to_numpy())
    np.testing.assert_array_equal(got["b"].to_numpy(), answers["b1"].to_numpy())
    # by hand: a1=2, a2 unanswered -> 2; a1=1, a2=4 -> 2.5; nothing -> NaN; without a2's column
    hand = respondent_competency_scores(model, pd.DataFrame({"a1": [2.0, 1.0, NaN], "b1": [3.0, NaN, NaN]}))
    assert hand["a"].tolist()[:2] == [2.0, 1.0] and np.isnan(hand["a"].iloc[2])
    hand = respondent_competency_scores(model, pd.DataFrame({"a1": [1.0], "a2": [4.0], "b1": [NaN]}))
    assert hand["a"].tolist() == [2.5] and np.isnan(hand["b"].iloc[0])
