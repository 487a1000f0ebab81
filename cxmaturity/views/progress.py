"""The Progress page: the trend across waves, the last change, targets and the next wave."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace

import pandas as pd

from cxmaturity import charts, i18n, rules, services, translations
from cxmaturity.access import User
from cxmaturity.benchmarks import document_title
from cxmaturity.compare import (
    OVERALL_ID,
    Comparison,
    NextAssessmentDue,
    TargetStatus,
    competency_timeline,
    next_assessment_due,
    targets_vs_actual,
)
from cxmaturity.i18n import N_, _, ngettext
from cxmaturity.models import MaturityModel
from cxmaturity.scoring import CompetencyScore
from cxmaturity.store.records import HistoryEntry, Initiative, Target
from cxmaturity.views import format as fmt

# Source 004 in its own words, then in English: where the 6–12-month window comes from.
REASSESS_QUOTE = "«Повторяйте оценку зрелости 1-2 раза в год»"
REASSESS_QUOTE_ENGLISH = N_("repeat the maturity assessment once or twice a year")


# in "Details for analysts", not in the executive's table (English names: the catalog's msgids)
ANALYST_COLUMNS = (N_("p-value"), N_("Effect size (d)"))


def analyst_notes() -> str:
    """What the analysts' columns mean, in the interface language (Markdown)."""
    return _(
        "**p-value**: how likely a change this large would be by chance alone if nothing had really changed "
        "(Welch's t-test on the respondents' scores). Below {significance} the change is called improved "
        "or declined; otherwise 'no clear change', whatever its size. **Effect size (Cohen's d)**: the change in "
        "units of the answers' spread; about 0.2 is small, 0.5 medium, 0.8 large."
    ).format(significance=fmt.number(rules.SIGNIFICANCE))


def analyst_columns() -> tuple[str, ...]:
    """ANALYST_COLUMNS as the change rows name them in the interface language."""
    return tuple(_(c) for c in ANALYST_COLUMNS)


def reassess_citation() -> str:
    """The reassessment window's source, as shown wherever a due date is: the source's Russian,
    its meaning in the interface language (not repeated in Russian) and the document."""
    document = document_title(rules.REASSESS_SOURCE)
    if i18n.current() == "ru":
        return _("{quote}. Source: {document}.").format(quote=REASSESS_QUOTE, document=document)
    return _("{quote} ({meaning}). Source: {document}.").format(
        quote=REASSESS_QUOTE, meaning=_(REASSESS_QUOTE_ENGLISH), document=document
    )


def progress_headline(
    history: list[HistoryEntry], comparison: Comparison | None, model_id: str | None = None
) -> str:
    """The page's answer in words: where the overall score went, and whether the last change is real."""
    if not history:
        return _("No assessment with this model yet.")
    last = history[-1]
    score, level, level_name = (
        last.overall.get("score"),
        last.overall.get("level"),
        last.overall.get("level_name"),
    )
    if model_id:
        level_name = translations.level_name(model_id, level, level_name)
    values = {
        "score": fmt.number(score),
        "level": fmt.integer(level),
        "level_name": level_name,
        "month": fmt.month_long(last.date),
    }
    if len(history) == 1:
        if level:
            text = _(
                "One assessment so far ({month}): overall {score}, level {level} {level_name}. "
                "The trend shows from the next one."
            )
        else:
            text = _(
                "One assessment so far ({month}): overall {score}. The trend shows from the next one."
            )
        return text.format(**values)
    first = history[0]
    count = len(history)
    values |= {
        "scores": i18n.isolate_ltr(
            f"{fmt.number(first.overall.get('score'))} → {fmt.number(score)}"
        ),
        "start": fmt.month_long(first.date),
        "end": fmt.month_long(last.date),
        "count": fmt.integer(count),
        "verdict": fmt.verdict(comparison.overall.verdict) if comparison is not None else "",
    }
    if level and comparison is not None:
        text = ngettext(
            "Overall {scores}, level {level} {level_name}, from {start} to {end} over {count} assessment; "
            "since the previous one: {verdict}.",
            "Overall {scores}, level {level} {level_name}, from {start} to {end} over {count} assessments; "
            "since the previous one: {verdict}.",
            count,
        )
    elif level:
        text = ngettext(
            "Overall {scores}, level {level} {level_name}, from {start} to {end} over {count} assessment.",
            "Overall {scores}, level {level} {level_name}, from {start} to {end} over {count} assessments.",
            count,
        )
    elif comparison is not None:
        text = ngettext(
            "Overall {scores}, from {start} to {end} over {count} assessment; since the previous one: {verdict}.",
            "Overall {scores}, from {start} to {end} over {count} assessments; since the previous one: {verdict}.",
            count,
        )
    else:
        text = ngettext(
            "Overall {scores}, from {start} to {end} over {count} assessment.",
            "Overall {scores}, from {start} to {end} over {count} assessments.",
            count,
        )
    return text.format(**values)


# The columns of the change table (the English names are the catalog's msgids)
CHANGE_COLUMNS = (
    N_("Competency"),
    N_("From"),
    N_("To"),
    N_("Change"),
    N_("p-value"),
    N_("Effect size (d)"),
    N_("Verdict"),
)


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
    done_between: list[str] = field(
        default_factory=list
    )  # initiatives completed between the last two waves, beside their change


def localised_timeline(timeline: pd.DataFrame, model: MaturityModel) -> pd.DataFrame:
    """``competency_timeline`` with the competency names in the interface language."""
    if timeline.empty or "competency_name" not in timeline:
        return timeline
    frame = timeline.copy()
    frame["competency_name"] = [
        _("Overall") if cid == OVERALL_ID else translations.competency_name(model.id, cid, name)
        for cid, name in zip(frame["competency"], frame["competency_name"], strict=True)
    ]
    return frame


def timeline_chart(timeline: pd.DataFrame, model: MaturityModel, competencies: list[str]):
    """The overall line, prominent, with the chosen competencies beside it, in the interface
    language (``timeline``: from ``build_progress_view``, names already in the language)."""
    ids = [OVERALL_ID, *competencies]
    title = (
        _("Overall score over time")
        if not competencies
        else _("Overall and chosen competencies over time")
    )
    return charts.build_timeline_figure(
        timeline, translations.localised(model), competencies=ids, title=title
    )


def build_progress_view(
    model: MaturityModel,
    history: list[HistoryEntry],
    comparison: Comparison | None,
    targets: list[Target],
    today: dt.date,
) -> ProgressView:
    shown = translations.localised(model)
    timeline = localised_timeline(competency_timeline(history), model)

    def name_of(cid: str, english: str) -> str:
        return (
            _("Overall")
            if cid == OVERALL_ID
            else translations.competency_name(model.id, cid, english)
        )

    change_rows = []
    change_figure = None
    if comparison is not None:
        for ch in [comparison.overall, *comparison.competencies]:
            values = (
                name_of(ch.id, ch.name),
                ch.from_score,
                ch.to_score,
                ch.delta,
                fmt.p_value(ch.p_value),
                ch.cohens_d,
                fmt.verdict(ch.verdict),
            )
            change_rows.append(
                {_(column): value for column, value in zip(CHANGE_COLUMNS, values, strict=True)}
            )
        change_figure = charts.build_change_figure(
            [
                {
                    "name": name_of(ch.id, ch.name),
                    "delta": ch.delta,
                    "p_value": ch.p_value,
                    "verdict": ch.verdict,
                    "cohens_d": ch.cohens_d,
                }
                for ch in comparison.competencies
            ],
            title=_("Change since the previous assessment"),
        )
    first_vs_latest = None
    if len(history) >= 2:
        first, last = history[0], history[-1]
        first_vs_latest = charts.build_radar_figure(
            shown,
            [
                charts.RadarSeries(
                    name=_("Latest ({date})").format(date=fmt.short_day(last.date)),
                    scores={c["id"]: c["score"] for c in last.competencies},
                    kind="current",
                ),
                charts.RadarSeries(
                    name=_("First ({date})").format(date=fmt.short_day(first.date)),
                    scores={c["id"]: c["score"] for c in first.competencies},
                    kind="previous",
                ),
            ],
            title=_("First assessment vs latest"),
        )
    statuses: list[TargetStatus] = []
    targets_figure = None
    if history and targets:
        latest = [CompetencyScore(sd=None, alpha=None, **c) for c in history[-1].competencies]
        statuses = [
            replace(
                s,
                competency_name=translations.competency_name(
                    model.id, s.competency, s.competency_name
                ),
                target_level_name=translations.level_name(
                    model.id, s.target_level, s.target_level_name
                ),
            )
            for s in targets_vs_actual(model, targets, latest)
        ]
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
        headline=progress_headline(history, comparison, model.id),
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


def done_between(
    history: list[HistoryEntry],
    comparison: Comparison | None,
    initiatives: list[Initiative],
    model_id: str | None = None,
) -> list[str]:
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
            values = {
                "title": i18n.isolate(i.title),
                "owner": i18n.isolate(i.owner),
                "date": fmt.short_day(i.completed_on),
            }
            if change:
                name = (
                    translations.competency_name(model_id, change.id, change.name)
                    if model_id
                    else change.name
                )
                line = _(
                    "{title} ({owner}, done {date}) — {competency} {change}, {verdict}"
                ).format(
                    **values,
                    competency=name,
                    change=fmt.number(change.delta, signed=True),
                    verdict=fmt.verdict(change.verdict),
                )
            else:
                line = _("{title} ({owner}, done {date}) — {competency}").format(
                    **values, competency=i.competency
                )
            lines.append(line)
    return lines


def progress_view(
    org: str, model_id: str, today: dt.date | None = None, user: User | None = None
) -> ProgressView:
    model = services.model(model_id)
    history = services.history(org, model_id, user=user)
    comparison = services.comparison(org, model_id, user=user) if len(history) >= 2 else None
    targets = services.list_targets(org, model_id, user=user)
    view = build_progress_view(model, history, comparison, targets, today or dt.date.today())
    view.done_between = done_between(
        history, comparison, services.plan(org, model_id, user=user).initiatives, model_id
    )
    return view
