"""The Benchmarks & peers page: published level distributions and anonymous peers."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from cxmaturity import charts, i18n, services, translations
from cxmaturity.access import User
from cxmaturity.benchmarks import (
    BenchmarkStatement,
    benchmark_statements,
    document_title,
    figure_display,
    language_name,
    level_distribution,
    load_benchmarks,
    shown_text,
)
from cxmaturity.i18n import N_, _, ngettext
from cxmaturity.models import MaturityModel
from cxmaturity.peers import PeerSummary, summarise_peers
from cxmaturity.rules import MIN_PEER_ORGANISATIONS
from cxmaturity.scoring import AssessmentScore
from cxmaturity.views import format as fmt
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
    """The published distribution as chart bars, labelled in the interface language."""
    figures = level_distribution(model.id)
    if not figures:
        return [], None
    shown = translations.localised(model)
    separator = "، " if i18n.current() == "fa" else ", "
    rows = []
    for b in figures:
        lv = sorted(b.levels)
        names = separator.join(shown.level(n).name for n in lv)
        if len(lv) == 1:
            label = _("Level {level} ({names})").format(level=fmt.integer(lv[0]), names=names)
        else:
            label = _("Levels {first}–{last} ({names})").format(
                first=fmt.integer(lv[0]), last=fmt.integer(lv[-1]), names=names
            )
        rows.append(
            {
                "label": label,
                "levels": lv,
                "value": b.value,
                "display": figure_display(b),
                "source": b.citation,
            }
        )
    caption = _("Source: {source}").format(
        source=" | ".join(dict.fromkeys(b.citation for b in figures))
    )
    return rows, caption


# The columns of the table of published figures (the English names are the catalog's msgids)
FIGURE_COLUMNS = (
    N_("Figure"),
    N_("What it measures"),
    N_("Credited to"),
    N_("Year"),
    N_("Source document"),
    N_("Note"),
)


def programme_figures(model_id: str | None = None) -> list[dict]:
    """Every published programme statistic, with its source, for the Models & sources page.
    Column names and texts in the interface language; "kind" and "model" are for the code."""
    rows = []
    for b in load_benchmarks():
        credited = (
            _("unattributed")
            if b.organisation.strip().lower() == "unattributed"
            else b.organisation
        )
        year = (
            b.year
            if b.year is None or i18n.current() == i18n.SOURCE_LANGUAGE
            else fmt.digits(b.year)
        )
        values = (
            figure_display(b),
            shown_text(b, "measures", b.measures),
            credited,
            year,
            f"{document_title(b.source_document)} [{b.source_document}]",
            shown_text(b, "attribution_note", b.attribution_note),
        )
        row = {_(column): value for column, value in zip(FIGURE_COLUMNS, values, strict=True)}
        rows.append({**row, "kind": b.kind, "model": b.model})
    return [r for r in rows if model_id is None or r["model"] in (None, model_id)]


@dataclass(frozen=True)
class FigurePassage:
    """One published figure as the source says it: in English, in the interface language (with
    whether that text is the project's translation or the source's own words) and in the original."""

    figure: str
    measures: str
    english: str
    original: str | None
    language: str | None  # the original's language, named in the interface language
    document: str
    text: str = ""  # the passage in the interface language (the English when it has no translation)
    text_is_translation: bool = True  # False: the source's own words (or the English reference)
    text_translated: bool = False  # the interface language has a text of its own for it


def figure_passages(model_id: str | None = None) -> list[FigurePassage]:
    """Every published figure's passage, for the Models & sources page (those of ``model_id``
    and the general programme statistics when a model is given)."""
    passages = []
    for b in load_benchmarks():
        if model_id is not None and b.model not in (None, model_id):
            continue
        key = f"{b.id}.source_text"
        entry = translations.origin(None, "benchmarks", key)
        passages.append(
            FigurePassage(
                figure=figure_display(b),
                measures=shown_text(b, "measures", b.measures),
                english=b.source_text,
                original=b.source_original,
                language=language_name(b.source_document),
                document=document_title(b.source_document),
                text=entry.text if entry else b.source_text,
                text_is_translation=entry.is_translation if entry else True,
                text_translated=entry is not None,
            )
        )
    return passages


def build_benchmarks_view(
    model: MaturityModel,
    current: AssessmentScore,
    peer_scores: pd.DataFrame,
    filter_options: dict[str, list[str]],
    filtered: bool = False,
) -> BenchmarksView:
    level = current.overall.level
    shown = translations.localised(model)
    figures, caption = distribution_inputs(model)
    # a chart only where it shows more than its sentence: two or more published groups of levels
    figure = (
        charts.build_level_distribution_figure(shown, figures, level, None)
        if len(figures) >= 2
        else None
    )
    own = {c.id: c.score for c in current.competencies}
    peers = summarise_peers(peer_scores, own, [c.id for c in model.competencies])
    if peers is None:
        found = len(peer_scores)
        least = fmt.integer(MIN_PEER_ORGANISATIONS)
        if filtered:
            message = ngettext(
                "Fewer than {count} other organisation matches these filters, so no peer figure is shown "
                '(it would point at them). Choose "All" in one of the filters.',
                "Fewer than {count} other organisations match these filters, so no peer figure is shown "
                '(it would point at them). Choose "All" in one of the filters.',
                MIN_PEER_ORGANISATIONS,
            ).format(count=least)
        elif found == 0:
            message = _("No other organisation in this installation uses the {model} yet.").format(
                model=shown.name
            )
        else:
            message = ngettext(
                "Peer figures appear once at least {count} other organisation in this installation uses "
                "the {model}, so that none can be singled out.",
                "Peer figures appear once at least {count} other organisations in this installation use "
                "the {model}, so that none can be singled out.",
                MIN_PEER_ORGANISATIONS,
            ).format(count=least, model=shown.name)
        peer_figure = peer_table = None
    else:
        message = ngettext(
            "Compared with {count} peer organisation (latest assessment of each; names are never shown).",
            "Compared with {count} peer organisations (latest assessment of each; names are never shown).",
            peers.organisations,
        ).format(count=fmt.integer(peers.organisations))
        peer_figure = charts.build_peer_box_figure(shown, peers.scores, own)
        peer_table = pd.DataFrame(
            [
                {
                    _("Competency"): c.name,
                    _("Your score"): own.get(c.id),
                    _("Peer median"): peers.median.get(c.id),
                    _("Your percentile"): peers.percentile.get(c.id),
                }
                for c in shown.competencies
            ]
        )
    return BenchmarksView(
        level=level,
        level_name=translations.level_name(model.id, level, current.overall.level_name),
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
