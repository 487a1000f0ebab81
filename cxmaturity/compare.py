"""Change between assessments and progress over time (design.md §3 rule 9, §4 ``compare``).

Pure functions over pandas/scipy, no UI code:

- :func:`compare_assessments` — per competency and overall: from/to score, delta, Welch's
  t-test p-value, Cohen's d and a verdict ("improved"/"declined" only when p < 0.05).
- :func:`next_assessment_due`, :func:`add_months` — when the next wave is due (6–12 months).
- :func:`competency_timeline` — the ``cxmaturity history --json`` list as a long table.
- :func:`targets_vs_actual` — target levels per competency against the latest scores.

Decisions (documented here because the tests rely on them):

- ``welch_p_value`` drops NaN first. It is ``None`` when either side has fewer than 2 values,
  or when *both* sides are constant (zero variance): the t statistic is then 0/0 or ±inf and
  no p-value is meaningful, so ``[3, 3, 3]`` vs ``[4, 4, 4]`` gives ``None`` (and the verdict
  "no clear change"), not scipy's p = 0. Identical waves with some spread give p = 1.0.
- ``cohens_d`` is ``None`` when either side is empty, when n1 + n2 − 2 < 1, or when the
  pooled standard deviation is 0 (both sides constant).
- A verdict is "no clear change" whenever delta or p is ``None``.
"""

from __future__ import annotations

import calendar
import math
import numbers
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from datetime import date, datetime
from typing import Protocol

import numpy as np
import pandas as pd

from cxmaturity import stats
from cxmaturity.models import MaturityModel
from cxmaturity.rules import (  # noqa: F401
    DECLINED,
    IMPROVED,
    NO_CLEAR_CHANGE,
    SIGNIFICANCE,
    TARGET_HORIZONS,
    verdict,
)
from cxmaturity.rules import REASSESS_EARLIEST_MONTHS as EARLIEST_MONTHS
from cxmaturity.rules import REASSESS_LATEST_MONTHS as LATEST_MONTHS
from cxmaturity.scoring import (
    CompetencyScore,
    respondent_competency_scores,
    respondent_overall_scores,
)

OVERALL_ID = "overall"
OVERALL_NAME = "Overall"


TIMELINE_COLUMNS = [
    "assessment_id",
    "date",
    "label",
    "competency",
    "competency_name",
    "score",
    "ci_low",
    "ci_high",
    "n",
    "level",
]


# --- comparison --------------------------------------------------------------------------


@dataclass
class CompetencyChange:
    id: str  # competency id, or "overall"
    name: str
    from_score: float | None
    to_score: float | None
    delta: float | None  # to - from
    p_value: float | None  # Welch's t-test on the respondent scores of the two waves
    cohens_d: float | None  # (mean_to - mean_from) / pooled sample sd
    verdict: str  # "improved" / "declined" only when p < 0.05, else "no clear change"
    from_n: int
    to_n: int

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass
class Comparison:
    model: str
    from_id: int | None
    to_id: int | None
    overall: CompetencyChange
    competencies: list[CompetencyChange]

    def to_dict(self) -> dict:
        """The ``cxmaturity compare --json`` shape (design.md §4); numbers are not rounded."""
        return {
            "model": self.model,
            "from": self.from_id,
            "to": self.to_id,
            "overall": self.overall.to_dict(),
            "competencies": [c.to_dict() for c in self.competencies],
        }

    def competency(self, competency_id: str) -> CompetencyChange:
        for comp in self.competencies:
            if comp.id == competency_id:
                return comp
        raise KeyError(competency_id)


# the formulas of rule 9 live in cxmaturity.stats
welch_p_value = stats.welch_p_value
cohens_d = stats.cohens_d



verdict_for = verdict  # rule 9 lives in cxmaturity.rules


def _mean_or_none(arr: np.ndarray) -> float | None:
    return float(arr.mean()) if arr.size else None


def _change(
    cid: str,
    name: str,
    from_score: float | None,
    to_score: float | None,
    a: np.ndarray,
    b: np.ndarray,
) -> CompetencyChange:
    delta = to_score - from_score if from_score is not None and to_score is not None else None
    p = welch_p_value(a, b)
    return CompetencyChange(
        id=cid,
        name=name,
        from_score=from_score,
        to_score=to_score,
        delta=delta,
        p_value=p,
        cohens_d=cohens_d(a, b),
        verdict=verdict_for(delta, p),
        from_n=int(a.size),
        to_n=int(b.size),
    )


def _weighted_overall(model: MaturityModel, means: dict[str, float | None]) -> float | None:
    """Weighted mean of the competency scores that exist (rule 4, as scoring's overall)."""
    scored = [(means[c.id], c.weight) for c in model.competencies if means.get(c.id) is not None]
    if not scored:
        return None
    return sum(s * w for s, w in scored) / sum(w for _, w in scored)


def compare_assessments(
    model: MaturityModel,
    from_answers: pd.DataFrame,
    to_answers: pd.DataFrame,
    from_id: int | None = None,
    to_id: int | None = None,
) -> Comparison:
    """Compare two waves of the same model (rule 9).

    ``from_answers``/``to_answers``: one row per respondent, one float column per item id
    (NaN = not answered), as for :func:`cxmaturity.scoring.score_assessment`.
    """
    from_frame = respondent_competency_scores(model, from_answers)
    to_frame = respondent_competency_scores(model, to_answers)

    changes: list[CompetencyChange] = []
    from_means: dict[str, float | None] = {}
    to_means: dict[str, float | None] = {}
    for comp in model.competencies:
        a = stats.finite(from_frame[comp.id])
        b = stats.finite(to_frame[comp.id])
        from_means[comp.id] = _mean_or_none(a)
        to_means[comp.id] = _mean_or_none(b)
        changes.append(_change(comp.id, comp.name, from_means[comp.id], to_means[comp.id], a, b))

    overall = _change(
        OVERALL_ID,
        OVERALL_NAME,
        _weighted_overall(model, from_means),
        _weighted_overall(model, to_means),
        stats.finite(respondent_overall_scores(model, from_frame)),
        stats.finite(respondent_overall_scores(model, to_frame)),
    )
    return Comparison(
        model=model.id, from_id=from_id, to_id=to_id, overall=overall, competencies=changes
    )


# --- next assessment due -----------------------------------------------------------------


@dataclass
class NextAssessmentDue:
    last_date: date
    earliest: date  # last + 6 calendar months
    latest: date  # last + 12 calendar months
    overdue: bool  # today > latest
    days_left: int  # (latest - today).days, negative when overdue

    def to_dict(self) -> dict:
        d = asdict(self)
        for key in ("last_date", "earliest", "latest"):
            d[key] = d[key].isoformat()
        return d


def _as_date(value: date | datetime) -> date:
    return value.date() if isinstance(value, datetime) else value


def add_months(d: date, months: int) -> date:
    """``d`` moved by whole calendar months; the day is clamped to the month's last day."""
    index = d.year * 12 + (d.month - 1) + months
    year, month = divmod(index, 12)
    month += 1
    day = min(d.day, calendar.monthrange(year, month)[1])
    return date(year, month, day)


def next_assessment_due(last_date: date | None, today: date) -> NextAssessmentDue | None:
    """Window for the next wave: 6 to 12 months after the last one; None without a last one."""
    if last_date is None:
        return None
    last = _as_date(last_date)
    today = _as_date(today)
    latest = add_months(last, LATEST_MONTHS)
    return NextAssessmentDue(
        last_date=last,
        earliest=add_months(last, EARLIEST_MONTHS),
        latest=latest,
        overdue=today > latest,
        days_left=(latest - today).days,
    )


# --- timeline ----------------------------------------------------------------------------


def _ci_bounds(ci95: Sequence[float] | None) -> tuple[float | None, float | None]:
    if not ci95:
        return None, None
    return ci95[0], ci95[1]


def competency_timeline(history: list[HistoryEntry]) -> pd.DataFrame:
    """An organisation's history (``services.history``) as one row per assessment and competency.

    Columns: see ``TIMELINE_COLUMNS``. The overall comes first in each assessment as
    competency "overall" / "Overall" with n = the assessment's respondents; the competencies
    follow in their input (model) order. Rows are ordered by date (stable, so assessments on
    the same date keep their input order). Missing numbers are NaN; n and level are Int64.
    """
    rows: list[dict] = []
    for order, assessment in enumerate(history):
        base = {
            "_order": order,
            "assessment_id": assessment.id,
            "date": assessment.date,
            "label": assessment.label,
        }
        overall = assessment.overall or {}
        lo, hi = _ci_bounds(overall.get("ci95"))
        rows.append(
            {
                **base,
                "competency": OVERALL_ID,
                "competency_name": OVERALL_NAME,
                "score": overall.get("score"),
                "ci_low": lo,
                "ci_high": hi,
                "n": assessment.respondents,
                "level": overall.get("level"),
            }
        )
        for comp in assessment.competencies or []:
            lo, hi = _ci_bounds(comp.get("ci95"))
            rows.append(
                {
                    **base,
                    "competency": comp.get("id"),
                    "competency_name": comp.get("name"),
                    "score": comp.get("score"),
                    "ci_low": lo,
                    "ci_high": hi,
                    "n": comp.get("n"),
                    "level": comp.get("level"),
                }
            )

    frame = pd.DataFrame(rows, columns=["_order", *TIMELINE_COLUMNS])
    frame["date"] = pd.to_datetime(frame["date"])
    for col in ("score", "ci_low", "ci_high"):
        frame[col] = pd.to_numeric(frame[col], errors="coerce").astype(float)
    for col in ("n", "level"):
        frame[col] = pd.array(frame[col].tolist(), dtype="Int64")
    frame["label"] = frame["label"].astype(object).where(frame["label"].notna(), None)
    frame = frame.sort_values(["date", "_order"], kind="mergesort")
    return frame[TIMELINE_COLUMNS].reset_index(drop=True)


# --- targets -----------------------------------------------------------------------------


class TargetLike(Protocol):
    """A target as the store keeps it (``store.records.Target``): no import of the store here."""

    competency: str
    horizon_months: int
    level: int


class HistoryEntry(Protocol):
    """One assessment of an organisation's history (``store.records.HistoryEntry``)."""

    id: int
    date: date
    label: str | None
    respondents: int
    overall: dict
    competencies: list[dict]


@dataclass
class TargetStatus:
    competency: str
    competency_name: str
    horizon_months: int
    target_level: int
    target_level_name: str
    actual_score: float | None
    actual_level: int | None
    gap_levels: int | None  # target_level - actual_level; negative when beyond the target
    met: bool  # actual_level >= target_level

    def to_dict(self) -> dict:
        return asdict(self)


def targets_vs_actual(
    model: MaturityModel, targets: list[TargetLike], competency_scores: list[CompetencyScore]
) -> list[TargetStatus]:
    """Each target (competency, horizon_months, level) against the latest scores.

    ``competency_scores``: the CompetencyScore objects of the latest assessment.
    A competency without a score has actual/gap None and is not met. Raises ValueError for
    an unknown competency, a level outside the model or a horizon other than 6, 12 or 24.
    Output keeps the order of ``targets``.
    """
    by_id = {cs.id: cs for cs in competency_scores}
    result: list[TargetStatus] = []
    for target in targets:
        cid = target.competency
        try:
            comp = model.competency(cid)
        except KeyError:
            raise ValueError(
                f"target for unknown competency '{cid}' in model '{model.id}'"
            ) from None
        level_number = target.level
        if (
            not isinstance(level_number, numbers.Integral)
            or isinstance(level_number, bool)
            or not 1 <= level_number <= len(model.levels)
        ):
            raise ValueError(
                f"target level {level_number!r} for '{cid}' is not a level of model '{model.id}' (1..{len(model.levels)})"
            )
        horizon = target.horizon_months
        if horizon not in TARGET_HORIZONS:
            raise ValueError(
                f"target horizon {horizon!r} for '{cid}' must be one of {list(TARGET_HORIZONS)} months"
            )

        cs = by_id.get(cid)
        score = cs.score if cs is not None else None
        if score is not None and isinstance(score, float) and math.isnan(score):
            score = None
        actual_level = cs.level if cs is not None else None
        if actual_level is None and score is not None:
            lv = model.level_for_competency(score)
            actual_level = lv.number if lv else None
        if score is None:
            actual_level = None
        actual_level = None if actual_level is None else int(actual_level)
        gap = int(level_number) - actual_level if actual_level is not None else None
        result.append(
            TargetStatus(
                competency=cid,
                competency_name=comp.name,
                horizon_months=int(horizon),
                target_level=int(level_number),
                target_level_name=model.level(int(level_number)).name,
                actual_score=None if score is None else float(score),
                actual_level=actual_level,
                gap_levels=gap,
                met=actual_level is not None and actual_level >= level_number,
            )
        )
    return result
