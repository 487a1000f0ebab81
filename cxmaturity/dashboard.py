"""What each dashboard page shows, as plain data and plotly figures (no Streamlit here).

Pages call one function per page and render the result. The ``build_*`` functions are pure
(model + scores in, view out) so they are tested without a database; the page-level functions
fetch what they need through ``repository`` and call them.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import pandas as pd

from cxmaturity import auth, charts, repository
from cxmaturity.benchmarks import (
    BenchmarkStatement,
    benchmark_statements,
    document_title,
    figure_display,
    level_distribution,
    load_benchmarks,
)
from cxmaturity.compare import (
    Comparison,
    NextAssessmentDue,
    TargetStatus,
    competency_timeline,
    next_assessment_due,
    targets_vs_actual,
)
from cxmaturity.models import MaturityModel, load_models
from cxmaturity.peers import MIN_PEER_ORGANISATIONS, PeerSummary, summarise_peers
from cxmaturity.scoring import (
    AssessmentScore,
    CompetencyScore,
    answer_distribution,
    item_statistics,
)

RADAR_TARGET_HORIZON = 12  # months: the target shown on the Overview radar


# --- database and selection ------------------------------------------------------------------


def database_url() -> str:
    return repository.database_url()


def prepare_database(url: str | None = None) -> bool:
    """Create/migrate the schema and load the demo into an empty database (unless switched off)."""
    return repository.prepare(url)


def data_version() -> str:
    return repository.data_version()


@dataclass(frozen=True)
class OrganisationInfo:
    name: str
    industry: str | None
    size_band: str | None
    region: str | None
    is_demo: bool


@dataclass(frozen=True)
class AssessmentInfo:
    id: int
    model_id: str
    date: dt.date
    label: str | None
    respondents: int

    @property
    def display(self) -> str:
        return f"{self.date:%d %b %Y} · {self.label}" if self.label else f"{self.date:%d %b %Y}"


def organisations(user=None) -> list[OrganisationInfo]:
    return [OrganisationInfo(**o) for o in repository.list_organisations(user=user)]


def assessments(org: str, user=None) -> list[AssessmentInfo]:
    """The organisation's assessments over all models, oldest first."""
    return [
        AssessmentInfo(id=a["id"], model_id=a["model"], date=a["date"], label=a["label"], respondents=a["respondents"])
        for a in repository.list_assessments(org, user=user)
    ]


def models() -> dict[str, MaturityModel]:
    return load_models()


def model_names() -> dict[str, str]:
    return {m.id: m.name for m in load_models().values()}


# --- Overview ------------------------------------------------------------------------------


@dataclass
class Headline:
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


@dataclass
class OverviewView:
    headline: Headline
    cards: list[CompetencyCard]
    radar: object
    strongest: list[LevelNarrative]
    weakest: list[LevelNarrative]
    benchmark: list[BenchmarkStatement]
    peer_organisations: int | None
    previous_date: dt.date | None
    warnings: list[str] = field(default_factory=list)


def level_description(model: MaturityModel, competency_id: str, level: int | None) -> str | None:
    """The competency's own descriptor for a level (Gartner matrix), else the model's level text."""
    if level is None:
        return None
    comp = model.competency(competency_id)
    return comp.descriptors.get(level) or model.level(level).description


def narrative(model: MaturityModel, score: CompetencyScore) -> LevelNarrative:
    current = model.level(score.level) if score.level else None
    nxt = model.next_level(current)
    return LevelNarrative(
        name=score.name,
        score=score.score,
        level=score.level,
        level_name=score.level_name,
        current_description=level_description(model, score.id, score.level),
        next_level_name=nxt.name if nxt else None,
        next_description=level_description(model, score.id, nxt.number) if nxt else None,
    )


def strongest_and_weakest(model: MaturityModel, scores: list[CompetencyScore], count: int = 2):
    ranked = sorted((c for c in scores if c.score is not None), key=lambda c: c.score)
    weakest = [narrative(model, c) for c in ranked[:count]]
    strongest = [narrative(model, c) for c in reversed(ranked[-count:])] if len(ranked) > count else []
    return strongest, weakest


def target_scores(model: MaturityModel, targets: list[dict], horizon: int) -> dict[str, float]:
    """Targets as radar points: the score where the target level's band starts."""
    result = {}
    for t in targets:
        if t["horizon_months"] == horizon:
            lo = model.level(t["level"]).band[0]
            if model.aggregate == "points":  # band in points -> answer scale
                lo = model.scale.min + lo / (model.points_max or 1) * (model.scale.max - model.scale.min)
            result[t["competency"]] = max(float(lo), float(model.scale.min))
    return result


def build_overview(
    model: MaturityModel,
    organisation: str,
    info: AssessmentInfo,
    current: AssessmentScore,
    previous: AssessmentScore | None,
    previous_info: AssessmentInfo | None,
    comparison: Comparison | None,
    targets: list[dict],
    peers: PeerSummary | None,
) -> OverviewView:
    o = current.overall
    headline = Headline(
        organisation=organisation,
        model_name=model.name,
        date=info.date,
        label=info.label,
        score=o.score,
        ci95=o.ci95,
        level=o.level,
        level_name=o.level_name,
        level_count=len(model.levels),
        respondents=current.respondents,
        points=o.points,
        points_max=model.points_max,
        scale_max=model.scale.max,
    )
    changes = {c.id: c for c in comparison.competencies} if comparison else {}
    cards = [
        CompetencyCard(
            id=c.id,
            name=c.name,
            score=c.score,
            level=c.level,
            level_name=c.level_name,
            n=c.n,
            delta=changes[c.id].delta if c.id in changes else None,
            verdict=changes[c.id].verdict if c.id in changes else None,
        )
        for c in current.competencies
    ]
    series = [
        charts.RadarSeries(
            name=f"This assessment ({info.date:%b %Y})",
            scores={c.id: c.score for c in current.competencies},
            kind="current",
            n={c.id: c.n for c in current.competencies},
        )
    ]
    if previous is not None and previous_info is not None:
        series.append(
            charts.RadarSeries(
                name=f"Previous ({previous_info.date:%b %Y})",
                scores={c.id: c.score for c in previous.competencies},
                kind="previous",
            )
        )
    goal = target_scores(model, targets, RADAR_TARGET_HORIZON)
    if goal:
        series.append(charts.RadarSeries(name=f"Target in {RADAR_TARGET_HORIZON} months", scores=goal, kind="target"))
    if peers is not None:
        series.append(
            charts.RadarSeries(name=f"Peer median ({peers.organisations} organisations)", scores=peers.median, kind="peer")
        )
    radar = charts.build_radar_figure(model, series, title="Maturity by competency")
    strongest, weakest = strongest_and_weakest(model, current.competencies)
    statements = benchmark_statements(model.id, o.level, len(model.levels)) if o.level else []
    return OverviewView(
        headline=headline,
        cards=cards,
        radar=radar,
        strongest=strongest,
        weakest=weakest,
        benchmark=statements,
        peer_organisations=peers.organisations if peers else None,
        previous_date=previous_info.date if previous_info else None,
        warnings=list(current.warnings),
    )


def _assessment_context(org: str, model_id: str, assessment_id: int, user=None):
    model = load_models()[model_id]
    items = [a for a in assessments(org, user) if a.model_id == model_id]
    index = next(i for i, a in enumerate(items) if a.id == assessment_id)
    info = items[index]
    previous_info = items[index - 1] if index > 0 else None
    return model, info, previous_info


def _peer_frame(model: MaturityModel, org: str, industry=None, size=None, region=None, user=None) -> pd.DataFrame:
    rows = repository.peer_competency_scores(
        model.id, exclude_org=org, industry=industry, size=size, region=region, user=user
    )
    return pd.DataFrame(rows, columns=[c.id for c in model.competencies])


def overview(org: str, model_id: str, assessment_id: int, user=None) -> OverviewView:
    model, info, previous_info = _assessment_context(org, model_id, assessment_id, user)
    current = AssessmentScore.from_dict(repository.get_scores(org, assessment_id, user=user))
    previous = comparison = None
    if previous_info is not None:
        previous = AssessmentScore.from_dict(repository.get_scores(org, previous_info.id, user=user))
        comparison = repository.comparison(org, model_id, previous_info.id, assessment_id, user=user)
    own = {c.id: c.score for c in current.competencies}
    peers = summarise_peers(_peer_frame(model, org, user=user), own, [c.id for c in model.competencies])
    targets = repository.list_targets(org, model_id, user=user)
    return build_overview(model, org, info, current, previous, previous_info, comparison, targets, peers)


# --- Competencies ----------------------------------------------------------------------------


@dataclass
class CompetencyView:
    score: CompetencyScore
    description: str
    guiding_question: str | None
    item_figure: object | None  # item means; None for a single-item competency
    distribution_figure: object
    heatmap: object
    group_count: int
    suppressed_groups: int
    levels: list[dict]  # number, name, description (competency descriptor where there is one), current
    breakdown: pd.DataFrame  # departments x competencies, for download


def department_table(model: MaturityModel, scores: AssessmentScore) -> pd.DataFrame:
    """Scores by department as a table; suppressed groups say so instead of a number."""
    rows = []
    for g in scores.groups:
        row = {"Department": g.name, "Respondents": g.n}
        by_id = {c.id: c.score for c in (g.competencies or [])}
        for comp in model.competencies:
            row[comp.name] = "suppressed" if g.suppressed else by_id.get(comp.id)
        rows.append(row)
    return pd.DataFrame(rows, columns=["Department", "Respondents", *[c.name for c in model.competencies]])


def download_files(table: pd.DataFrame, stem: str) -> dict[str, tuple[bytes, str, str]]:
    """CSV and Excel versions of a table, with no cell that a spreadsheet would run as a formula."""
    from cxmaturity.exports import to_safe_csv, to_safe_xlsx

    return {
        "CSV": (to_safe_csv(table).encode("utf-8-sig"), f"{stem}.csv", "text/csv"),
        "Excel": (
            to_safe_xlsx(table),
            f"{stem}.xlsx",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        ),
    }


def build_competency_view(
    model: MaturityModel, scores: AssessmentScore, answers: pd.DataFrame, competency_id: str
) -> CompetencyView:
    comp = model.competency(competency_id)
    score = scores.competency(competency_id)
    items = item_statistics(model, answers)
    levels = [
        {
            "number": lv.number,
            "name": lv.name,
            "description": level_description(model, comp.id, lv.number),
            "current": lv.number == score.level,
        }
        for lv in model.levels
    ]
    return CompetencyView(
        score=score,
        description=comp.description,
        guiding_question=comp.guiding_question,
        item_figure=charts.build_item_bars_figure(items, model, competency_id, competency_mean=score.score)
        if len(comp.items) > 1
        else None,
        distribution_figure=charts.build_answer_distribution_figure(
            model, answer_distribution(model, answers, competency_id), competency_id
        ),
        heatmap=charts.build_department_heatmap_figure(model, scores.groups),
        group_count=len(scores.groups),
        breakdown=department_table(model, scores),
        suppressed_groups=sum(1 for g in scores.groups if g.suppressed),
        levels=levels,
    )


def competency_view(org: str, model_id: str, assessment_id: int, competency_id: str, user=None) -> CompetencyView:
    model = load_models()[model_id]
    scores = AssessmentScore.from_dict(repository.get_scores(org, assessment_id, user=user))
    answers, _ = repository.get_assessment_answers(org, assessment_id, user=user)
    return build_competency_view(model, scores, answers, competency_id)


# --- Benchmarks & peers ----------------------------------------------------------------------


@dataclass
class BenchmarksView:
    level: int | None
    level_name: str | None
    distribution_figure: object | None
    distribution_caption: str | None
    statements: list[BenchmarkStatement]
    peers: PeerSummary | None
    peer_figure: object | None
    peer_table: pd.DataFrame | None
    peer_message: str
    filter_options: dict[str, list[str]]
    programme_figures: list[dict]


def distribution_inputs(model: MaturityModel) -> tuple[list[dict], str | None]:
    figures = level_distribution(model.id)
    if not figures:
        return [], None
    rows = []
    for b in figures:
        lv = sorted(b.levels)
        label = f"Level {lv[0]}" if len(lv) == 1 else f"Levels {lv[0]}–{lv[-1]}"
        names = ", ".join(model.level(n).name for n in lv)
        rows.append(
            {"label": f"{label} ({names})", "levels": lv, "value": b.value, "display": figure_display(b), "source": b.citation}
        )
    caption = "Source: " + " | ".join(dict.fromkeys(b.citation for b in figures))
    return rows, caption


def programme_figures(model_id: str | None = None) -> list[dict]:
    """Every published programme statistic, with its source, for the Models & sources page."""
    rows = []
    for b in load_benchmarks():
        rows.append(
            {
                "Figure": figure_display(b),
                "What it measures": b.measures,
                "Credited to": b.organisation,
                "Year": b.year,
                "Source document": f"{document_title(b.source_document)} [{b.source_document}]",
                "Note": b.attribution_note,
                "kind": b.kind,
                "model": b.model,
            }
        )
    return [r for r in rows if model_id is None or r["model"] in (None, model_id)]


def build_benchmarks_view(
    model: MaturityModel, current: AssessmentScore, peer_scores: pd.DataFrame, filter_options: dict[str, list[str]]
) -> BenchmarksView:
    level = current.overall.level
    figures, caption = distribution_inputs(model)
    figure = charts.build_level_distribution_figure(model, figures, level, caption) if figures else None
    own = {c.id: c.score for c in current.competencies}
    peers = summarise_peers(peer_scores, own, [c.id for c in model.competencies])
    if peers is None:
        found = len(peer_scores)
        message = (
            f"Peer comparison needs at least {MIN_PEER_ORGANISATIONS} other organisations with a {model.name} "
            f"assessment in this filter, to keep every organisation anonymous; {found} found. Widen the filters."
        )
        peer_figure = peer_table = None
    else:
        message = f"Compared with {peers.organisations} peer organisations (latest assessment of each; names are never shown)."
        peer_figure = charts.build_peer_box_figure(model, peers.scores, own)
        peer_table = pd.DataFrame(
            [
                {
                    "Competency": c.name,
                    "Your score": own.get(c.id),
                    "Peer median": peers.median.get(c.id),
                    "Your percentile": peers.percentile.get(c.id),
                }
                for c in model.competencies
            ]
        )
    return BenchmarksView(
        level=level,
        level_name=current.overall.level_name,
        distribution_figure=figure,
        distribution_caption=caption,
        statements=benchmark_statements(model.id, level, len(model.levels)) if level else [],
        peers=peers,
        peer_figure=peer_figure,
        peer_table=peer_table,
        peer_message=message,
        filter_options=filter_options,
        programme_figures=programme_figures(model.id),
    )


def benchmarks_view(org, model_id, assessment_id, industry=None, size=None, region=None, user=None) -> BenchmarksView:
    model = load_models()[model_id]
    current = AssessmentScore.from_dict(repository.get_scores(org, assessment_id, user=user))
    peers = _peer_frame(model, org, industry=industry, size=size, region=region, user=user)
    options = repository.peer_filter_options(model_id, exclude_org=org, user=user)
    return build_benchmarks_view(model, current, peers, options)


# --- Progress --------------------------------------------------------------------------------


@dataclass
class ProgressView:
    assessments: int
    timeline_figure: object
    change_rows: list[dict]
    change_figure: object | None
    first_vs_latest: object | None
    targets: list[TargetStatus]
    targets_figure: object | None
    next_due: NextAssessmentDue | None
    from_label: str | None
    to_label: str | None


def build_progress_view(
    model: MaturityModel,
    history: list[dict],
    comparison: Comparison | None,
    targets: list[dict],
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
                    "p-value": format_p_value(ch.p_value),
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
                    name=f"Latest ({_as_date(last['date']):%d %b %Y})", scores={c["id"]: c["score"] for c in last["competencies"]}, kind="current"
                ),
                charts.RadarSeries(
                    name=f"First ({_as_date(first['date']):%d %b %Y})", scores={c["id"]: c["score"] for c in first["competencies"]}, kind="previous"
                ),
            ],
            title="First assessment vs latest",
        )
    statuses: list[TargetStatus] = []
    targets_figure = None
    if history and targets:
        latest = [CompetencyScore(**c) if isinstance(c, dict) and "sd" in c else c for c in history[-1]["competencies"]]
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
    last_date = _as_date(history[-1]["date"]) if history else None
    return ProgressView(
        assessments=len(history),
        timeline_figure=charts.build_timeline_figure(timeline, model) if history else None,
        change_rows=change_rows,
        change_figure=change_figure,
        first_vs_latest=first_vs_latest,
        targets=statuses,
        targets_figure=targets_figure,
        next_due=next_assessment_due(last_date, today),
        from_label=f"{_as_date(history[-2]['date']):%d %b %Y}" if len(history) >= 2 else None,
        to_label=f"{_as_date(history[-1]['date']):%d %b %Y}" if history else None,
    )


def format_p_value(p: float | None) -> str:
    """p as people read it: '< 0.001' rather than a row of zeros; '–' when there is no test."""
    if p is None:
        return "–"
    return "< 0.001" if p < 0.001 else f"{p:.3f}"


def _as_date(value) -> dt.date:
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value))


def progress_view(org: str, model_id: str, today: dt.date | None = None, user=None) -> ProgressView:
    model = load_models()[model_id]
    history = repository.history(org, model_id, user=user)
    comparison = repository.comparison(org, model_id, user=user) if len(history) >= 2 else None
    targets = repository.list_targets(org, model_id, user=user)
    return build_progress_view(model, history, comparison, targets, today or dt.date.today())


def set_target(org: str, model_id: str, competency_id: str, horizon_months: int, level: int, user=None) -> None:
    repository.set_target(org, model_id, competency_id, horizon_months, level, user=user)


# --- Upload ----------------------------------------------------------------------------------


@dataclass
class UploadPreview:
    filename: str
    problems: list[dict]  # row, column, problem (for a table)
    warnings: list[str]
    survey: object | None = None  # SurveyData when the file is clean
    score: AssessmentScore | None = None
    radar: object | None = None
    model_name: str | None = None

    @property
    def ok(self) -> bool:
        return self.survey is not None and not self.problems


def preview_upload(data: bytes, filename: str, model_id: str | None = None) -> UploadPreview:
    """Read, validate and score a file without storing anything."""
    from cxmaturity.errors import SurveyValidationError
    from cxmaturity.scoring import score_assessment
    from cxmaturity.survey import read_survey

    model = load_models()[model_id] if model_id else None
    try:
        survey = read_survey(data, model=model, filename=filename)
    except SurveyValidationError as exc:
        problems = [{"Row": p.row, "Column": p.column, "Problem": p.message} for p in exc.problems]
        return UploadPreview(filename=filename, problems=problems, warnings=[])
    score = score_assessment(survey.model, survey.answers, survey.respondents, group_by="department")
    radar = charts.build_radar_figure(
        survey.model,
        [
            charts.RadarSeries(
                name="This file",
                scores={c.id: c.score for c in score.competencies},
                kind="current",
                n={c.id: c.n for c in score.competencies},
            )
        ],
        title="Preview: maturity by competency",
    )
    return UploadPreview(
        filename=filename,
        problems=[],
        warnings=list(survey.warnings) + score.warnings,
        survey=survey,
        score=score,
        radar=radar,
        model_name=survey.model.name,
    )


def existing_assessment(org: str, model_id: str, content_hash: str, user=None) -> int | None:
    return repository.find_assessment_by_hash(org, model_id, content_hash, user=user)


def where_stored(preview: UploadPreview, user=None) -> list[tuple[str, int]]:
    """Organisations (visible here) that already hold this exact file, with the assessment id."""
    if not preview.ok:
        return []
    found = []
    for org in organisations(user):
        assessment_id = existing_assessment(org.name, preview.survey.model.id, preview.survey.content_hash, user)
        if assessment_id is not None:
            found.append((org.name, assessment_id))
    return found


def save_upload(
    preview: UploadPreview,
    org: str,
    date: dt.date,
    label: str | None,
    industry: str | None = None,
    size_band: str | None = None,
    region: str | None = None,
    user=None,
) -> tuple[int, bool]:
    """Store the previewed file as one assessment (one transaction); (id, created)."""
    if not preview.ok:
        raise ValueError("the file has problems; fix them before saving")
    result = repository.import_assessment(
        preview.survey,
        org,
        date,
        label,
        org_attributes={"industry": industry, "size_band": size_band, "region": region},
        source_file=preview.filename,
        user=user,
    )
    return result.assessment_id, result.created


def template_csv(model_id: str) -> str:
    from cxmaturity.survey import template_csv as make_template

    return make_template(load_models()[model_id])


def descriptor_matrix(model: MaturityModel) -> pd.DataFrame | None:
    """Competency x level descriptors (the Gartner matrix), or None for models without them."""
    if not any(c.descriptors for c in model.competencies):
        return None
    return pd.DataFrame(
        [{"Competency": c.name, **{f"{lv.number} {lv.name}": c.descriptors.get(lv.number, "") for lv in model.levels}}
         for c in model.competencies]
    )


# --- Users & audit (administrators) ------------------------------------------------------------

AccessDenied = auth.AccessDenied  # pages catch this without importing the repository


def users(user) -> list[dict]:
    """Accounts for the Users page (administrators only; refused in auth otherwise)."""
    return [
        {
            "Email": a.email,
            "Role": a.role,
            "Organisations": "all" if a.organisations is None else ", ".join(sorted(a.organisations)),
            "Password": "set" if a.has_password else "identity provider only",
            "Locked until": a.locked_until,
        }
        for a in auth.list_users(user=user)
    ]


def audit_log(user, limit: int = 200) -> list[dict]:
    return auth.list_audit(user, limit=limit)
