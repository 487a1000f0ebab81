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


def _mean_of_answered(columns: list[tuple[np.ndarray, float]], n: int, out: np.ndarray | None = None) -> np.ndarray:
    """Per respondent, the weighted mean of the non-missing values of ``(column, weight)``; NaN
    where none is present. A column at a time, in order, so no respondents x columns copy is
    made and the sums are the same as across a row."""
    total, weight_sum = np.zeros(n), np.zeros(n)
    for values, weight in columns:
        present = ~np.isnan(values)
        total += np.where(present, values * weight, 0.0)
        weight_sum += present * weight
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.divide(total, np.where(weight_sum > 0, weight_sum, np.nan), out=out)


def respondent_competency_scores(model: MaturityModel, answers: pd.DataFrame) -> pd.DataFrame:
    """Per respondent and competency, the mean of the answered items (rule 2); NaN when none."""
    n = len(answers)
    # column-major, so the frame takes it without a copy
    scores = np.empty((n, len(model.competencies)), order="F")
    for j, comp in enumerate(model.competencies):
        items = [(answers[i.id].to_numpy(dtype=float), 1.0) for i in comp.items if i.id in answers.columns]
        _mean_of_answered(items, n, out=scores[:, j])
    return pd.DataFrame(scores, index=answers.index, columns=[c.id for c in model.competencies], copy=False)


def respondent_overall_scores(model: MaturityModel, competency_scores: pd.DataFrame) -> pd.Series:
    """Weighted mean of each respondent's competency scores, over the competencies they answered."""
    weight_of = {c.id: c.weight for c in model.competencies}
    columns = [(competency_scores[cid].to_numpy(dtype=float), weight_of[cid]) for cid in competency_scores.columns]
    return pd.Series(_mean_of_answered(columns, len(competency_scores)), index=competency_scores.index)


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
    """The assessment as numpy arrays, computed once. Respondents are sorted by group, so a
    group is a contiguous slice and every statistic of every group comes from one pass of
    ``np.add.reduceat`` per competency (no pandas, no per-group copies)."""

    def __init__(self, model: MaturityModel, answers: pd.DataFrame, codes: np.ndarray | None = None):
        comp_frame = respondent_competency_scores(model, answers)
        self.midpoint = (model.scale.min + model.scale.max) / 2
        column = {c: i for i, c in enumerate(answers.columns)}
        self.item_columns = [[column[i.id] for i in comp.items if i.id in column] for comp in model.competencies]
        # the order that groups respondents; arrays stay as they are (often views of the frame) and
        # one column at a time is taken in this order, so grouping costs no copy of the answers
        self.order = np.argsort(codes, kind="stable") if codes is not None else None
        self.items = answers.to_numpy(dtype=float)
        self.competencies = comp_frame.to_numpy(dtype=float)
        self.overall = respondent_overall_scores(model, comp_frame).to_numpy(dtype=float)
        if codes is None:
            self.starts = np.array([0])
        else:
            counts = np.bincount(codes)
            self.starts = np.concatenate(([0], np.cumsum(counts)[:-1]))

    @property
    def _grouping(self) -> bool:
        return self.order is not None and len(self.starts) > 1

    def _sorted(self, values: np.ndarray) -> np.ndarray:
        return values[self.order] if self._grouping else values

    def _grouped(self, values: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(n, mean, sample sd) of the non-missing values of each group; NaN where undefined."""
        values = self._sorted(values)
        present = ~np.isnan(values)
        n = np.add.reduceat(present.astype(float), self.starts)
        filled = np.where(present, values, 0.0)
        s1 = np.add.reduceat(filled, self.starts)
        with np.errstate(invalid="ignore", divide="ignore"):
            mean = s1 / n
            deviation = np.where(present, values - np.repeat(mean, np.diff(np.append(self.starts, len(values)))), 0.0)
            sd = np.sqrt(np.add.reduceat(deviation * deviation, self.starts) / (n - 1))
        sd[n < 2] = np.nan
        return n, mean, sd

    def _alpha(self, cols: list[int]) -> np.ndarray:
        """Cronbach's alpha of the items ``cols`` in each group, over its complete respondents
        (rule 7, as cxmaturity.stats.cronbach_alpha): NaN where it is not defined.

        The variances come from sums of the answers less the scale's midpoint, in one pass over
        the answers instead of two: answers are points of the scale, so every sum is a whole or
        half number, exact in float64, and the result is as exact as the two-pass formula's."""
        k = len(cols)
        out = np.full(len(self.starts), np.nan)
        if k < 2:
            return out
        # one copy of the competency's answers, in group order (an item at a time: one copy, and
        # faster than indexing both ways at once)
        if self._grouping:
            x = np.empty((len(self.order), k), order="F")
            for j, col in enumerate(cols):
                np.take(self.items[:, col], self.order, out=x[:, j])
        else:
            x = self.items[:, cols]
        x -= self.midpoint
        totals = x.sum(axis=1)  # NaN where an item is unanswered: the row is not complete
        incomplete = np.isnan(totals)
        x[incomplete] = 0.0
        totals[incomplete] = 0.0
        m = np.add.reduceat((~incomplete).astype(float), self.starts)
        s1 = np.add.reduceat(x, self.starts)
        s2 = np.add.reduceat(np.square(x, out=x), self.starts)  # in place: x is not read again
        t1 = np.add.reduceat(totals, self.starts)
        t2 = np.add.reduceat(totals * totals, self.starts)
        with np.errstate(invalid="ignore", divide="ignore"):
            item_var = ((s2 - s1 * s1 / m[:, None]) / (m - 1)[:, None]).sum(axis=1)
            total_var = (t2 - t1 * t1 / m) / (m - 1)
            alpha = k / (k - 1) * (1 - item_var / total_var)
        ok = (m >= 3) & (total_var > 0) & np.isfinite(alpha)
        out[ok] = alpha[ok]
        return out

    def whole(self, model: MaturityModel) -> tuple[OverallScore, list[CompetencyScore]]:
        """The scores of all respondents together (the group order does not matter for them)."""
        starts, self.starts = self.starts, np.array([0])
        try:
            return self.score_all(model)[0]
        finally:
            self.starts = starts

    def score_all(self, model: MaturityModel) -> list[tuple[OverallScore, list[CompetencyScore]]]:
        """The overall and competency scores of every group (one group without codes)."""
        per_comp = [self._grouped(self.competencies[:, j]) for j in range(len(model.competencies))]
        alphas = [self._alpha(cols) for cols in self.item_columns]
        ends = np.append(self.starts, len(self.overall))
        overall = self._sorted(self.overall)
        results = []
        for g, (start, end) in enumerate(zip(self.starts, ends[1:], strict=True)):
            comps = []
            for j, c in enumerate(model.competencies):
                n_all, mean_all, sd_all = per_comp[j]
                n = int(n_all[g])
                mean = float(mean_all[g]) if n else None
                sd = float(sd_all[g]) if n >= 2 else None
                level = model.level_for_competency(mean) if mean is not None else None
                alpha = alphas[j][g]
                comps.append(
                    CompetencyScore(
                        id=c.id,
                        name=c.name,
                        score=mean,
                        level=level.number if level else None,
                        level_name=level.name if level else None,
                        n=n,
                        sd=sd,
                        ci95=t_interval(mean, sd, n) if mean is not None and sd is not None else None,
                        alpha=None if np.isnan(alpha) else float(alpha),
                    )
                )
            results.append((_overall(model, comps, overall[start:end]), comps))
        return results


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
    labels = None
    if group_by is not None:
        if attributes is None:
            raise KeyError(group_by)
        labels = group_labels(attributes.reindex(answers.index), group_by)
        codes, names = pd.factorize(labels, sort=True)
    # one set of arrays (sorted by group when grouping) serves the whole and every group
    arrays = _Arrays(model, answers, codes if labels is not None and len(names) else None)
    overall, competencies = arrays.whole(model)
    for comp in competencies:
        if comp.n == 0:
            warnings.append(f"No respondent answered any item of competency '{comp.name}'.")

    groups: list[GroupScore] = []
    if labels is not None:
        sizes = dict(zip(names, np.bincount(codes, minlength=len(names)).tolist(), strict=True))
        hidden = suppressed_groups(sizes, min_group_size)
        scored = arrays.score_all(model) if len(names) else []
        for name, (g_overall, g_comps) in zip(names, scored, strict=True):
            if name in hidden:
                groups.append(GroupScore(name=name, n=int(sizes[name]), suppressed=True, overall=None, competencies=None))
            else:
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
