"""The Benchmarks & peers page: published level distributions and anonymous peers."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from cxmaturity import charts, services
from cxmaturity.access import User
from cxmaturity.benchmarks import (
    BenchmarkStatement,
    benchmark_statements,
    document_language,
    document_title,
    figure_display,
    level_distribution,
    load_benchmarks,
)
from cxmaturity.models import MaturityModel
from cxmaturity.peers import PeerSummary, summarise_peers
from cxmaturity.rules import MIN_PEER_ORGANISATIONS
from cxmaturity.scoring import AssessmentScore
from cxmaturity.views.overview import peer_frame


@dataclass
class BenchmarksView:
    level: int | None
    level_name: str | None
    distribution_figure: object | None
    distribution_caption: str | None
    has_published: bool  # the sources publish a distribution of companies for this model
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


@dataclass(frozen=True)
class FigurePassage:
    """One published figure as the source says it, in English and in the original language."""

    figure: str
    measures: str
    english: str
    original: str | None
    language: str | None
    document: str


def figure_passages(model_id: str | None = None) -> list[FigurePassage]:
    """Every published figure's passage, for the Models & sources page (those of ``model_id``
    and the general programme statistics when a model is given)."""
    return [
        FigurePassage(
            figure=figure_display(b),
            measures=b.measures,
            english=b.source_text,
            original=b.source_original,
            language=document_language(b.source_document),
            document=document_title(b.source_document),
        )
        for b in load_benchmarks()
        if model_id is None or b.model in (None, model_id)
    ]


def build_benchmarks_view(
    model: MaturityModel,
    current: AssessmentScore,
    peer_scores: pd.DataFrame,
    filter_options: dict[str, list[str]],
    filtered: bool = False,
) -> BenchmarksView:
    level = current.overall.level
    figures, caption = distribution_inputs(model)
    # a chart only where it shows more than its sentence: two or more published groups of levels
    figure = charts.build_level_distribution_figure(model, figures, level, None) if len(figures) >= 2 else None
    own = {c.id: c.score for c in current.competencies}
    peers = summarise_peers(peer_scores, own, [c.id for c in model.competencies])
    if peers is None:
        found = len(peer_scores)
        if filtered:
            message = (
                f"Fewer than {MIN_PEER_ORGANISATIONS} other organisations match these filters, so no peer figure is shown "
                "(it would point at them). Choose \"All\" in one of the filters."
            )
        elif found == 0:
            message = f"No other organisation in this installation uses the {model.name} yet."
        else:
            message = (
                f"Peer figures appear once at least {MIN_PEER_ORGANISATIONS} other organisations in this installation use "
                f"the {model.name}, so that none can be singled out."
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
        has_published=bool(figures),
        statements=benchmark_statements(model.id, level, len(model.levels)) if level else [],
        peers=peers,
        peer_figure=peer_figure,
        peer_table=peer_table,
        peer_message=message,
        filter_options=filter_options,
        programme_figures=programme_figures(model.id),
    )


def benchmarks_view(
    org, model_id, assessment_id, industry=None, size=None, region=None, user: User | None = None
) -> BenchmarksView:
    model = services.model(model_id)
    current = AssessmentScore.from_dict(services.get_scores(org, assessment_id, user=user))
    peers = peer_frame(model, org, industry=industry, size=size, region=region, user=user)
    options = services.peer_filter_options(model_id, exclude_org=org, user=user)
    filtered = any(v is not None for v in (industry, size, region))
    return build_benchmarks_view(model, current, peers, options, filtered)
