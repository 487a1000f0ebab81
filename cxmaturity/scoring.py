"""Scoring an assessment against a maturity model (design.md §3, rules 1-8).

Everything is vectorised over respondents with pandas/numpy; the only Python loops run over
competencies and groups, which number in the tens.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field

import numpy as np
import pandas as pd

from cxmaturity import rules, stats
from cxmaturity.models import MaturityModel

DEFAULT_MIN_GROUP_SIZE = rules.MIN_GROUP_SIZE
NOT_GIVEN = "(not given)"


@dataclass
class CompetencyScore:
    id: str
    name: str
    score: float | None
    level: int | None
    level_name: str | None
    n: int
    sd: float | None
    ci95: list[float] | None
    alpha: float | None


@dataclass
class OverallScore:
    score: float | None
    level: int | None
    level_name: str | None
    ci95: list[float] | None
    points: int | None


@dataclass
class GroupScore:
    name: str
    n: int
    suppressed: bool
    overall: OverallScore | None
    competencies: list[CompetencyScore] | None


@dataclass
class AssessmentScore:
    model: str
    respondents: int
    overall: OverallScore
    competencies: list[CompetencyScore]
    groups: list[GroupScore] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def to_dict(self) -> dict:
        """The ``cxmaturity score --json`` shape (design.md §4); numbers are not rounded."""
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict) -> AssessmentScore:
        """Rebuild from ``to_dict()`` output (as stored with an assessment)."""

        def comps(items):
            return None if items is None else [CompetencyScore(**c) for c in items]

        groups = [
            GroupScore(
                name=g["name"],
                n=g["n"],
                suppressed=g["suppressed"],
                overall=OverallScore(**g["overall"]) if g.get("overall") else None,
                competencies=comps(g.get("competencies")),
            )
            for g in data.get("groups", [])
        ]
        return cls(
            model=data["model"],
            respondents=data["respondents"],
            overall=OverallScore(**data["overall"]),
            competencies=comps(data["competencies"]),
            groups=groups,
            warnings=list(data.get("warnings", [])),
        )

    def competency(self, competency_id: str) -> CompetencyScore:
        for comp in self.competencies:
            if comp.id == competency_id:
                return comp
        raise KeyError(competency_id)


# --- building blocks ---------------------------------------------------------------------


def _none_if_nan(value: float) -> float | None:
    return None if value is None or (isinstance(value, float) and math.isnan(value)) else float(value)


t_interval = stats.t_interval  # rule 3 lives in cxmaturity.stats


def cronbach_alpha(item_answers: pd.DataFrame) -> float | None:
    """Cronbach's alpha over respondents who answered every item (rule 7).

    None with fewer than 2 items, fewer than 3 complete respondents, or zero total variance.
    """
    return _alpha(item_answers.to_numpy(dtype=float))


def respondent_competency_scores(model: MaturityModel, answers: pd.DataFrame) -> pd.DataFrame:
    """Per respondent and competency, the mean of the answered items (rule 2); NaN when none."""
    columns = {}
    for comp in model.competencies:
        item_ids = [i.id for i in comp.items if i.id in answers.columns]
        if item_ids:
            columns[comp.id] = answers[item_ids].mean(axis=1, skipna=True)
        else:
            columns[comp.id] = pd.Series(np.nan, index=answers.index)
    return pd.DataFrame(columns, index=answers.index)


def respondent_overall_scores(model: MaturityModel, competency_scores: pd.DataFrame) -> pd.Series:
    """Weighted mean of each respondent's competency scores, over the competencies they answered."""
    weights = pd.Series({c.id: c.weight for c in model.competencies})[competency_scores.columns]
    present = competency_scores.notna()
    weighted = competency_scores.fillna(0.0).mul(weights, axis=1).sum(axis=1)
    weight_sum = present.mul(weights, axis=1).sum(axis=1)
    return weighted.div(weight_sum.where(weight_sum > 0))


def points_for(model: MaturityModel, overall_score: float | None) -> int | None:
    """Rule 5: points = points_max × (overall − scale min) / (scale max − scale min), rounded half up."""
    if model.aggregate != "points" or overall_score is None:
        return None
    return rules.score_to_points(overall_score, model.scale.min, model.scale.max, model.points_max)


def _overall(model: MaturityModel, comp_scores: list[CompetencyScore], respondent_overall: np.ndarray) -> OverallScore:
    scored = [(c, model.competency(c.id).weight) for c in comp_scores if c.score is not None]
    if not scored:
        return OverallScore(score=None, level=None, level_name=None, ci95=None, points=None)
    score = sum(c.score * w for c, w in scored) / sum(w for _, w in scored)
    valid = respondent_overall[~np.isnan(respondent_overall)]
    sd = float(valid.std(ddof=1)) if len(valid) >= 2 else float("nan")
    ci95 = t_interval(score, sd, len(valid))
    # points follow the weighted overall score; a competency nobody answered leaves no points
    complete = len(scored) == len(model.competencies)
    points = points_for(model, score) if complete else None
    level = model.level_for(points if model.aggregate == "points" else score)
    if model.aggregate == "points" and points is None:
        level = None
    return OverallScore(
        score=score,
        level=level.number if level else None,
        level_name=level.name if level else None,
        ci95=ci95,
        points=points,
    )


_alpha = stats.cronbach_alpha  # rule 7 lives in cxmaturity.stats


class _Arrays:
    """The assessment as numpy arrays, computed once and sliced per group (no pandas per group)."""

    def __init__(self, model: MaturityModel, answers: pd.DataFrame):
        comp_frame = respondent_competency_scores(model, answers)
        self.items = answers.to_numpy(dtype=float)
        column = {c: i for i, c in enumerate(answers.columns)}
        self.item_columns = [[column[i.id] for i in comp.items if i.id in column] for comp in model.competencies]
        self.competencies = comp_frame.to_numpy(dtype=float)
        self.overall = respondent_overall_scores(model, comp_frame).to_numpy(dtype=float)

    def score(self, model: MaturityModel, mask: np.ndarray | None = None) -> tuple[OverallScore, list[CompetencyScore]]:
        comp = self.competencies if mask is None else self.competencies[mask]
        items = self.items if mask is None else self.items[mask]
        present = ~np.isnan(comp)
        counts = present.sum(axis=0)
        sums = np.where(present, comp, 0.0).sum(axis=0)
        result = []
        for j, c in enumerate(model.competencies):
            n = int(counts[j])
            mean = float(sums[j] / n) if n else None
            sd = float(comp[present[:, j], j].std(ddof=1)) if n >= 2 else None
            level = model.level_for_competency(mean) if mean is not None else None
            cols = self.item_columns[j]
            result.append(
                CompetencyScore(
                    id=c.id,
                    name=c.name,
                    score=mean,
                    level=level.number if level else None,
                    level_name=level.name if level else None,
                    n=n,
                    sd=sd,
                    ci95=t_interval(mean, sd, n) if mean is not None and sd is not None else None,
                    alpha=_alpha(items[:, cols]) if cols else None,
                )
            )
        overall = _overall(model, result, self.overall if mask is None else self.overall[mask])
        return overall, result


def suppressed_groups(sizes: dict[str, int], min_group_size: int) -> set[str]:
    """Rule 8: groups below the threshold, plus the next-smallest when exactly one is below.

    Suppressing a second group stops the lone small group's score from being recovered by
    subtracting the others from the total.
    """
    small = {name for name, n in sizes.items() if n < min_group_size}
    if len(small) == 1 and len(sizes) > 1:
        rest = sorted((n, name) for name, n in sizes.items() if name not in small)
        small.add(rest[0][1])
    return small


def group_labels(attributes: pd.DataFrame, group_by: str) -> pd.Series:
    """The group of each respondent; blank values form their own '(not given)' group."""
    if group_by not in attributes.columns:
        raise KeyError(group_by)
    labels = attributes[group_by].astype("string").str.strip()
    return labels.mask(labels.isna() | (labels == ""), NOT_GIVEN).astype(str)


def score_assessment(
    model: MaturityModel,
    answers: pd.DataFrame,
    attributes: pd.DataFrame | None = None,
    group_by: str | None = None,
    min_group_size: int = DEFAULT_MIN_GROUP_SIZE,
) -> AssessmentScore:
    """Score one assessment: competencies, overall, level, points and optional breakdown.

    ``answers``: one row per respondent, one float column per item id, NaN = not answered.
    ``attributes``: respondent attributes on the same index (for ``group_by``).
    """
    if min_group_size < 1:
        raise ValueError("min_group_size must be at least 1")
    warnings: list[str] = []
    arrays = _Arrays(model, answers)
    overall, competencies = arrays.score(model)
    for comp in competencies:
        if comp.n == 0:
            warnings.append(f"No respondent answered any item of competency '{comp.name}'.")

    groups: list[GroupScore] = []
    if group_by is not None:
        if attributes is None:
            raise KeyError(group_by)
        labels = group_labels(attributes.reindex(answers.index), group_by)
        sizes = labels.value_counts().to_dict()
        hidden = suppressed_groups(sizes, min_group_size)
        for name in sorted(sizes):
            mask = (labels == name).to_numpy()
            if name in hidden:
                groups.append(GroupScore(name=name, n=int(sizes[name]), suppressed=True, overall=None, competencies=None))
                continue
            g_overall, g_comps = arrays.score(model, mask)
            groups.append(GroupScore(name=name, n=int(sizes[name]), suppressed=False, overall=g_overall, competencies=g_comps))
        if hidden:
            warnings.append(
                f"{len(hidden)} group(s) by '{group_by}' are suppressed: fewer than {min_group_size} respondents, "
                "or hidden so a small group cannot be worked out from the total."
            )
    return AssessmentScore(
        model=model.id,
        respondents=int(len(answers)),
        overall=overall,
        competencies=competencies,
        groups=groups,
        warnings=warnings,
    )


def item_statistics(model: MaturityModel, answers: pd.DataFrame) -> pd.DataFrame:
    """Per item: competency, text, mean and n, in model order (for 'which practices pull it down')."""
    rows = []
    means = answers.mean(axis=0, skipna=True)
    counts = answers.count(axis=0)
    for comp in model.competencies:
        for item in comp.items:
            present = item.id in answers.columns
            rows.append(
                {
                    "competency": comp.id,
                    "competency_name": comp.name,
                    "item": item.id,
                    "text": item.text,
                    "mean": _none_if_nan(float(means[item.id])) if present else None,
                    "n": int(counts[item.id]) if present else 0,
                }
            )
    return pd.DataFrame(rows)


def answer_distribution(model: MaturityModel, answers: pd.DataFrame, competency_id: str) -> pd.DataFrame:
    """How many respondents gave each answer, per item of one competency (rows: item ids,
    columns: every value of the model's scale, in order; not-answered cells are left out)."""
    comp = model.competency(competency_id)
    values = list(range(model.scale.min, model.scale.max + 1))
    rows = {}
    for item in comp.items:
        if item.id in answers.columns:
            counts = answers[item.id].value_counts()
            rows[item.id] = [int(counts.get(float(v), 0)) for v in values]
    return pd.DataFrame.from_dict(rows, orient="index", columns=values)
