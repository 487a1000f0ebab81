"""The Progress page: the trend across waves, the last change, targets and the next wave."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import pandas as pd

from cxmaturity import charts, rules, services
from cxmaturity.access import User
from cxmaturity.benchmarks import document_title
from cxmaturity.compare import (
    Comparison,
    NextAssessmentDue,
    TargetStatus,
    competency_timeline,
    next_assessment_due,
    targets_vs_actual,
)
from cxmaturity.models import MaturityModel
from cxmaturity.scoring import CompetencyScore
from cxmaturity.store.records import HistoryEntry, Initiative, Target
from cxmaturity.views import format as fmt

# Source 004 in its own words, then in English: where the 6–12-month window comes from.
REASSESS_QUOTE = "«Повторяйте оценку зрелости 1-2 раза в год»"
REASSESS_QUOTE_ENGLISH = "repeat the maturity assessment once or twice a year"


ANALYST_COLUMNS = ("p-value", "Effect size (d)")  # in "Details for analysts", not in the executive's table
ANALYST_NOTES = (
    f"**p-value**: how likely a change this large would be by chance alone if nothing had really changed "
    f"(Welch's t-test on the respondents' scores). Below {rules.SIGNIFICANCE} the change is called improved "
    "or declined; otherwise 'no clear change', whatever its size. **Effect size (Cohen's d)**: the change in "
    "units of the answers' spread; about 0.2 is small, 0.5 medium, 0.8 large."
)


def reassess_citation() -> str:
    """The reassessment window's source, as shown wherever a due date is."""
    return f"{REASSESS_QUOTE} ({REASSESS_QUOTE_ENGLISH}). Source: {document_title(rules.REASSESS_SOURCE)}."


def progress_headline(history: list[HistoryEntry], comparison: Comparison | None) -> str:
    """The page's answer in words: where the overall score went, and whether the last change is real."""
    if not history:
        return "No assessment with this model yet."
    last = history[-1]
    score, level, level_name = last.overall.get("score"), last.overall.get("level"), last.overall.get("level_name")
    where = f", level {level} {level_name}" if level else ""
    if len(history) == 1:
        return (
            f"One assessment so far ({fmt.month_long(last.date)}): overall {fmt.number(score)}{where}. "
            "The trend shows from the next one."
        )
    first = history[0]
    sentence = (
        f"Overall {fmt.number(first.overall.get('score'))} → {fmt.number(score)}{where}, from "
        f"{fmt.month_long(first.date)} to {fmt.month_long(last.date)} over {len(history)} assessments"
    )
    if comparison is not None:
        sentence += f"; since the previous one: {comparison.overall.verdict}"
    return sentence + "."


@dataclass
class ProgressView:
    headline: str
    assessments: int
    timeline_figure: object  # the overall score only: one line, one band, readable on a phone
    timeline: pd.DataFrame  # every competency, for timeline_chart
    change_rows: list[dict]
    change_figure: object | None
    first_vs_latest: object | None
    targets: list[TargetStatus]
    targets_figure: object | None
    next_due: NextAssessmentDue | None
    from_label: str | None
    to_label: str | None
    done_between: list[str] = field(default_factory=list)  # initiatives completed between the last two waves, beside their change


def timeline_chart(timeline: pd.DataFrame, model: MaturityModel, competencies: list[str]):
    """The overall line, prominent, with the chosen competencies beside it."""
    ids = ["overall", *competencies]
    title = "Overall score over time" if not competencies else "Overall and chosen competencies over time"
    return charts.build_timeline_figure(timeline, model, competencies=ids, title=title)


def build_progress_view(
    model: MaturityModel,
    history: list[HistoryEntry],
    comparison: Comparison | None,
    targets: list[Target],
    today: dt.date,
) -> ProgressView:
    timeline = competency_timeline(history)
    change_rows = []
    change_figure = None
    if comparison is not None:
        for ch in [comparison.overall, *comparison.competencies]:
            change_rows.append(
                {
                    "Competency": ch.name,
                    "From": ch.from_score,
                    "To": ch.to_score,
                    "Change": ch.delta,
                    "p-value": fmt.p_value(ch.p_value),
                    "Effect size (d)": ch.cohens_d,
                    "Verdict": ch.verdict,
                }
            )
        change_figure = charts.build_change_figure(
            [
                {"name": ch.name, "delta": ch.delta, "p_value": ch.p_value, "verdict": ch.verdict, "cohens_d": ch.cohens_d}
                for ch in comparison.competencies
            ],
            title="Change since the previous assessment",
        )
    first_vs_latest = None
    if len(history) >= 2:
        first, last = history[0], history[-1]
        first_vs_latest = charts.build_radar_figure(
            model,
            [
                charts.RadarSeries(
                    name=f"Latest ({fmt.short_day(last.date)})", scores={c["id"]: c["score"] for c in last.competencies}, kind="current"
                ),
                charts.RadarSeries(
                    name=f"First ({fmt.short_day(first.date)})", scores={c["id"]: c["score"] for c in first.competencies}, kind="previous"
                ),
            ],
            title="First assessment vs latest",
        )
    statuses: list[TargetStatus] = []
    targets_figure = None
    if history and targets:
        latest = [CompetencyScore(sd=None, alpha=None, **c) for c in history[-1].competencies]
        statuses = targets_vs_actual(model, targets, latest)
        targets_figure = charts.build_targets_figure(
            [
                {
                    "competency_name": s.competency_name,
                    "horizon_months": s.horizon_months,
                    "target_level": s.target_level,
                    "actual_level": s.actual_level,
                }
                for s in statuses
            ]
        )
    last_date = history[-1].date if history else None
    return ProgressView(
        headline=progress_headline(history, comparison),
        assessments=len(history),
        timeline_figure=timeline_chart(timeline, model, []) if history else None,
        timeline=timeline,
        change_rows=change_rows,
        change_figure=change_figure,
        first_vs_latest=first_vs_latest,
        targets=statuses,
        targets_figure=targets_figure,
        next_due=next_assessment_due(last_date, today),
        from_label=fmt.short_day(history[-2].date) if len(history) >= 2 else None,
        to_label=fmt.short_day(history[-1].date) if history else None,
    )


def done_between(history: list[HistoryEntry], comparison: Comparison | None, initiatives: list[Initiative]) -> list[str]:
    """Each initiative completed after the previous wave and by the latest one, beside the change of
    its competency over that interval (what was done, next to what moved)."""
    if comparison is None or len(history) < 2:
        return []
    start, end = history[-2].date, history[-1].date
    changes = {c.id: c for c in comparison.competencies}
    lines = []
    for i in initiatives:
        if i.status == "done" and i.completed_on and start < i.completed_on <= end:
            change = changes.get(i.competency)
            moved = f"{change.name} {fmt.number(change.delta, signed=True)}, {change.verdict}" if change else i.competency
            lines.append(f"{i.title} ({i.owner}, done {fmt.short_day(i.completed_on)}) — {moved}")
    return lines


def progress_view(org: str, model_id: str, today: dt.date | None = None, user: User | None = None) -> ProgressView:
    model = services.model(model_id)
    history = services.history(org, model_id, user=user)
    comparison = services.comparison(org, model_id, user=user) if len(history) >= 2 else None
    targets = services.list_targets(org, model_id, user=user)
    view = build_progress_view(model, history, comparison, targets, today or dt.date.today())
    view.done_between = done_between(history, comparison, services.plan(org, model_id, user=user).initiatives)
    return view
