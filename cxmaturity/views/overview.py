"""The Overview page: where are we, compared with whom, are we improving, what next."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

import pandas as pd

from cxmaturity import charts, i18n, services, translations
from cxmaturity.access import User
from cxmaturity.benchmarks import BenchmarkStatement, benchmark_statements
from cxmaturity.compare import OVERALL_ID, Comparison, CompetencyChange
from cxmaturity.i18n import N_, _, ngettext
from cxmaturity.models import MaturityModel, provenance
from cxmaturity.peers import PeerSummary, summarise_peers
from cxmaturity.rules import (
    DECLINED,
    IMPROVED,
    NO_CLEAR_CHANGE,
    RADAR_TARGET_HORIZON,
    points_to_score,
)
from cxmaturity.scoring import AssessmentScore, CompetencyScore, item_statistics
from cxmaturity.store.records import Target
from cxmaturity.views import format as fmt
from cxmaturity.views.focus import CompetencyFocus, build_focus, ranked, weakest
from cxmaturity.views.selection import AssessmentInfo, assessment_context


@dataclass
class Headline:
    """What an executive reads first: the level, the overall score and its change, in words."""

    organisation: str
    model_name: str
    date: dt.date
    label: str | None
    score: float | None
    ci95: list[float] | None
    level: int | None
    level_name: str | None
    level_count: int
    respondents: int
    points: int | None
    points_max: int | None
    scale_max: int
    change: CompetencyChange | None = None  # overall, since the previous assessment of the model
    previous_date: dt.date | None = None
    improved: list[str] = field(default_factory=list)  # competency names, by rule 9
    declined: list[str] = field(default_factory=list)

    @property
    def title(self) -> str:
        """'Level 3 of 5 · Defined'."""
        if self.level is None:
            return _("Overall level not available")
        return _("Level {level} of {count} · {name}").format(
            level=fmt.integer(self.level), count=fmt.integer(self.level_count), name=self.level_name
        )

    @property
    def score_text(self) -> str:
        if self.points is not None:
            return _("{points} of {points_max} points").format(
                points=fmt.integer(self.points), points_max=fmt.integer(self.points_max)
            )
        return _("{score} of {scale_max}").format(
            score=fmt.number(self.score), scale_max=fmt.integer(self.scale_max)
        )

    @property
    def change_sentence(self) -> str:
        """'Overall 2.65 → 2.71 since November 2025: no clear change. Metrics and Processes
        improved; Governance declined.' Rule 9 decides the words; no previous assessment: say so."""
        if self.change is None or self.previous_date is None:
            return _(
                "Overall {score}. This is the first assessment with this model: change shows from the next one."
            ).format(score=self.score_text)
        c = self.change
        if c.verdict == IMPROVED:
            text = _("Overall {scores} since {month}: a clear improvement.")
        elif c.verdict == DECLINED:
            text = _("Overall {scores} since {month}: a clear decline.")
        else:
            text = _("Overall {scores} since {month}: no clear change.")
        scores = i18n.isolate_ltr(f"{fmt.number(c.from_score)} → {fmt.number(c.to_score)}")
        text = text.format(scores=scores, month=fmt.month_long(self.previous_date))
        if self.improved and self.declined:
            more = _("{improved} improved; {declined} declined.").format(
                improved=fmt.and_list(self.improved), declined=fmt.and_list(self.declined)
            )
        elif self.improved:
            more = _("{improved} improved.").format(improved=fmt.and_list(self.improved))
        elif self.declined:
            more = _("{declined} declined.").format(declined=fmt.and_list(self.declined))
        elif c.verdict == NO_CLEAR_CHANGE:
            more = _("No competency changed clearly.")
        else:
            more = ""
        return f"{text} {more}" if more else text

    @property
    def sentence(self) -> str:
        """The whole headline in one line (the report, a screen reader)."""
        return _("{title} — {change}").format(title=self.title, change=self.change_sentence)


@dataclass
class CompetencyCard:
    id: str
    name: str
    score: float | None
    level: int | None
    level_name: str | None
    n: int
    delta: float | None
    verdict: str | None  # None when there is no previous assessment


@dataclass
class LevelNarrative:
    """A competency's current level and what the next one asks for."""

    name: str
    score: float | None
    level: int | None
    level_name: str | None
    current_description: str | None
    next_level_name: str | None
    next_description: str | None
    name_mark: str | None = None  # provenance marks: the project's own words are said to be so
    current_mark: str | None = None
    next_mark: str | None = None


@dataclass
class OverviewView:
    headline: Headline
    cards: list[CompetencyCard]
    radar: object
    strongest: list[LevelNarrative]  # the weakest are in ``focus``, in depth
    benchmark: list[BenchmarkStatement]
    peer_organisations: int | None
    previous_date: dt.date | None
    warnings: list[str] = field(default_factory=list)
    details: list[dict] = field(
        default_factory=list
    )  # for analysts: the statistics behind the cards
    focus: list[CompetencyFocus] = field(
        default_factory=list
    )  # "Focus next": the weakest, in depth


def level_description(model: MaturityModel, competency_id: str, level: int | None) -> str | None:
    """The competency's own descriptor for a level (Gartner matrix), else the model's level text."""
    if level is None:
        return None
    comp = model.competency(competency_id)
    return comp.descriptors.get(level) or model.level(level).description


def level_description_mark(
    model: MaturityModel, competency_id: str, level: int | None
) -> str | None:
    """The provenance mark of ``level_description``: a competency's descriptor is the source's;
    a level text may be the project's."""
    if level is None or model.competency(competency_id).descriptors.get(level):
        return None
    return provenance(model.level(level), "description")


def narrative(model: MaturityModel, score: CompetencyScore) -> LevelNarrative:
    """A competency's level and the next, in the interface language (``model``: the reference)."""
    english = model
    model = translations.localised(english)
    current = model.level(score.level) if score.level else None
    nxt = model.next_level(current)
    return LevelNarrative(
        name=translations.competency_name(english.id, score.id, score.name),
        score=score.score,
        level=score.level,
        level_name=translations.level_name(english.id, score.level, score.level_name),
        current_description=level_description(model, score.id, score.level),
        next_level_name=nxt.name if nxt else None,
        next_description=level_description(model, score.id, nxt.number) if nxt else None,
        name_mark=provenance(model.competency(score.id), "name"),
        current_mark=level_description_mark(model, score.id, score.level),
        next_mark=level_description_mark(model, score.id, nxt.number) if nxt else None,
    )


def strongest(
    model: MaturityModel, scores: list[CompetencyScore], count: int = 2
) -> list[LevelNarrative]:
    """The strongest competencies, best first; none when they would overlap the weakest ones."""
    order = ranked(scores)
    return [narrative(model, c) for c in reversed(order[-count:])] if len(order) > count else []


def target_scores(model: MaturityModel, targets: list[Target], horizon: int) -> dict[str, float]:
    """Targets as radar points: the score where the target level's band starts."""
    result = {}
    for t in targets:
        if t.horizon_months == horizon:
            lo = model.level(t.level).band[0]
            if model.aggregate == "points":  # band in points -> answer scale
                lo = points_to_score(lo, model.scale.min, model.scale.max, model.points_max)
            result[t.competency] = max(float(lo), float(model.scale.min))
    return result


def build_overview(
    model: MaturityModel,
    organisation: str,
    info: AssessmentInfo,
    current: AssessmentScore,
    previous: AssessmentScore | None,
    previous_info: AssessmentInfo | None,
    comparison: Comparison | None,
    targets: list[Target],
    peers: PeerSummary | None,
    focus: list[CompetencyFocus] | None = None,
) -> OverviewView:
    o = current.overall
    shown = translations.localised(model)  # names and texts in the interface language

    def name_of(cid: str, english: str) -> str:
        return translations.competency_name(model.id, cid, english)

    def level_name_of(number: int | None, english: str | None) -> str | None:
        return translations.level_name(model.id, number, english)

    headline = Headline(
        organisation=organisation,
        model_name=shown.name,
        date=info.date,
        label=info.label,
        score=o.score,
        ci95=o.ci95,
        level=o.level,
        level_name=level_name_of(o.level, o.level_name),
        level_count=len(model.levels),
        respondents=current.respondents,
        points=o.points,
        points_max=model.points_max,
        scale_max=model.scale.max,
        change=comparison.overall if comparison else None,
        previous_date=previous_info.date if previous_info and comparison else None,
        improved=[name_of(c.id, c.name) for c in comparison.competencies if c.verdict == IMPROVED]
        if comparison
        else [],
        declined=[name_of(c.id, c.name) for c in comparison.competencies if c.verdict == DECLINED]
        if comparison
        else [],
    )
    changes = {c.id: c for c in comparison.competencies} if comparison else {}
    cards = [
        CompetencyCard(
            id=c.id,
            name=name_of(c.id, c.name),
            score=c.score,
            level=c.level,
            level_name=level_name_of(c.level, c.level_name),
            n=c.n,
            delta=changes[c.id].delta if c.id in changes else None,
            verdict=changes[c.id].verdict if c.id in changes else None,
        )
        for c in current.competencies
    ]
    series = [
        charts.RadarSeries(
            name=_("This assessment ({month})").format(month=fmt.month(info.date)),
            scores={c.id: c.score for c in current.competencies},
            kind="current",
            n={c.id: c.n for c in current.competencies},
        )
    ]
    if previous is not None and previous_info is not None:
        series.append(
            charts.RadarSeries(
                name=_("Previous ({month})").format(month=fmt.month(previous_info.date)),
                scores={c.id: c.score for c in previous.competencies},
                kind="previous",
            )
        )
    goal = target_scores(model, targets, RADAR_TARGET_HORIZON)
    if goal:
        series.append(
            charts.RadarSeries(
                name=ngettext(
                    "Target in {n} month", "Target in {n} months", RADAR_TARGET_HORIZON
                ).format(n=fmt.integer(RADAR_TARGET_HORIZON)),
                scores=goal,
                kind="target",
            )
        )
    if peers is not None:
        series.append(
            charts.RadarSeries(
                name=ngettext(
                    "Peer median ({count} organisation)",
                    "Peer median ({count} organisations)",
                    peers.organisations,
                ).format(count=fmt.integer(peers.organisations)),
                scores=peers.median,
                kind="peer",
            )
        )
    radar = charts.build_radar_figure(shown, series, title=_("Maturity by competency"))
    statements = benchmark_statements(model.id, o.level, len(model.levels)) if o.level else []
    return OverviewView(
        headline=headline,
        cards=cards,
        radar=radar,
        strongest=strongest(model, current.competencies),
        benchmark=statements,
        peer_organisations=peers.organisations if peers else None,
        previous_date=previous_info.date if previous_info else None,
        warnings=list(current.warnings),
        details=analyst_details(current, comparison, model.id),
        focus=focus or [],
    )


ANALYST_NOTES = N_(
    "**Confidence interval (95%)**: where the true score of all the people asked most likely lies; "
    "the fewer respondents, the wider it is. **Spread (sd)**: how much respondents disagree "
    "(under 0.5 they broadly agree; over 1 opinions differ widely). **Reliability (alpha)**: whether "
    "a competency's items measure one thing (0.7 and above is usual). **p-value**: how likely a change "
    "this large is by chance alone; a change is called improved or declined only below 0.05. "
    "**Effect size (d)**: the change in units of spread (about 0.2 small, 0.5 medium, 0.8 large)."
)


def analyst_notes() -> str:
    """ANALYST_NOTES in the interface language (Markdown)."""
    return _(ANALYST_NOTES)


# The columns of the analysts' table (their English names are the catalog's msgids)
DETAIL_COLUMNS = (
    N_("Competency"),
    N_("Score"),
    N_("95% CI"),
    N_("Spread (sd)"),
    N_("Reliability (alpha)"),
    N_("Respondents"),
    N_("Change"),
    N_("p-value"),
    N_("Effect size (d)"),
    N_("Verdict"),
)


def analyst_details(
    current: AssessmentScore, comparison: Comparison | None, model_id: str | None = None
) -> list[dict]:
    """One row per competency and one for the overall: score, interval, spread, reliability, n,
    and the change with its test (what the executive's cards summarise). Column names and texts
    in the interface language."""
    changes = {c.id: c for c in comparison.competencies} if comparison else {}
    rows = []
    overall = current.overall
    items = [
        (OVERALL_ID, _("Overall"), overall.score, overall.ci95, None, None, current.respondents)
    ]
    items += [
        (
            c.id,
            translations.competency_name(model_id, c.id, c.name) if model_id else c.name,
            c.score,
            c.ci95,
            c.sd,
            c.alpha,
            c.n,
        )
        for c in current.competencies
    ]
    for cid, name, score, ci95, sd, alpha, n in items:
        change = comparison.overall if cid == OVERALL_ID and comparison else changes.get(cid)
        values = (
            name,
            score,
            f"{fmt.number(ci95[0])} – {fmt.number(ci95[1])}" if ci95 else fmt.MISSING,
            sd,
            alpha,
            n,
            change.delta if change else None,
            fmt.p_value(change.p_value) if change else fmt.MISSING,
            change.cohens_d if change else None,
            fmt.verdict(change.verdict) if change else fmt.MISSING,
        )
        rows.append(
            {_(column): value for column, value in zip(DETAIL_COLUMNS, values, strict=True)}
        )
    return rows


def peer_frame(
    model: MaturityModel, org: str, industry=None, size=None, region=None, user=None
) -> pd.DataFrame:
    """Other organisations' latest competency scores, one anonymous row each."""
    rows = services.peer_competency_scores(
        model.id, exclude_org=org, industry=industry, size=size, region=region, user=user
    )
    return pd.DataFrame(rows, columns=[c.id for c in model.competencies])


def overview(org: str, model_id: str, assessment_id: int, user: User | None = None) -> OverviewView:
    model, info, previous_info = assessment_context(org, model_id, assessment_id, user)
    current = AssessmentScore.from_dict(services.get_scores(org, assessment_id, user=user))
    previous = comparison = None
    if previous_info is not None:
        previous = AssessmentScore.from_dict(services.get_scores(org, previous_info.id, user=user))
        comparison = services.comparison(org, model_id, previous_info.id, assessment_id, user=user)
    own = {c.id: c.score for c in current.competencies}
    peers = summarise_peers(
        peer_frame(model, org, user=user), own, [c.id for c in model.competencies]
    )
    targets = services.list_targets(org, model_id, user=user)
    answers, _meta = services.get_assessment_answers(org, assessment_id, user=user)
    initiatives = services.plan(org, model_id, user=user).initiatives
    focus = build_focus(
        model, weakest(current.competencies), item_statistics(model, answers), initiatives
    )
    return build_overview(
        model, org, info, current, previous, previous_info, comparison, targets, peers, focus
    )


def report_file_name(organisation: str, date: dt.date) -> str:
    """The board report's file name: the organisation in letters, digits and dashes (any script),
    then the assessment date, so files from several organisations and waves sort and never clash."""
    slug = re.sub(r"[^\w]+", "-", organisation, flags=re.UNICODE).strip("-_")[:60] or "organisation"
    return f"cx-maturity-{slug}-{date.isoformat()}.pdf"
