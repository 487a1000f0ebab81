"""The Competencies page: one competency's items, answers, levels and departments."""

from __future__ import annotations

from dataclasses import dataclass, replace

import pandas as pd

from cxmaturity import charts, services, translations
from cxmaturity.access import User
from cxmaturity.exports import to_safe_csv, to_safe_xlsx
from cxmaturity.i18n import _
from cxmaturity.models import NAME_OURS, MaturityModel, provenance
from cxmaturity.scoring import (
    AssessmentScore,
    CompetencyScore,
    answer_distribution,
    item_statistics,
)
from cxmaturity.views.focus import CompetencyFocus, build_focus
from cxmaturity.views.overview import level_description, level_description_mark


@dataclass
class CompetencyView:
    score: CompetencyScore
    description: str
    description_mark: str | None
    name_mark: str | None
    items_ours: bool  # the questionnaire's statements are the project's (marked under the chart)
    item_notes: list[tuple[str, str]]  # (item, a correction of the source shown beside it)
    guiding_question: str | None
    item_figure: object | None  # item means; None for a single-item competency
    distribution_figure: object
    heatmap: object
    group_count: int
    suppressed_groups: int
    levels: list[
        dict
    ]  # number, name, description (competency descriptor where there is one), current
    breakdown: pd.DataFrame  # departments x competencies, for download
    focus: CompetencyFocus | None = None  # what pulls it down, the next level, the sources' advice


def department_table(model: MaturityModel, scores: AssessmentScore) -> pd.DataFrame:
    """Scores by department as a table; suppressed groups say so instead of a number. Headers and
    competency names in the interface language (department names as they are)."""
    model = translations.localised(model)
    # a name the project gave is marked in the header, so an export carries its provenance too
    names = [
        c.name + (f" ({_(NAME_OURS)})" if provenance(c, "name") else "") for c in model.competencies
    ]
    department, respondents, suppressed = _("Department"), _("Respondents"), _("suppressed")
    rows = []
    for g in scores.groups:
        row = {department: g.name, respondents: g.n}
        by_id = {c.id: c.score for c in (g.competencies or [])}
        for comp, name in zip(model.competencies, names, strict=True):
            row[name] = suppressed if g.suppressed else by_id.get(comp.id)
        rows.append(row)
    return pd.DataFrame(rows, columns=[department, respondents, *names])


def download_files(table: pd.DataFrame, stem: str) -> dict[str, tuple[bytes, str, str]]:
    """CSV and Excel versions of a table, with no cell that a spreadsheet would run as a formula."""
    return {
        "CSV": (to_safe_csv(table).encode("utf-8-sig"), f"{stem}.csv", "text/csv"),
        "Excel": (
            to_safe_xlsx(table),
            f"{stem}.xlsx",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        ),
    }


def localised_items(items: pd.DataFrame, shown: MaturityModel) -> pd.DataFrame:
    """``item_statistics`` (read with the English model) with each statement and competency name
    in the interface language, for charts."""
    if items.empty:
        return items
    texts = {i.id: i.text for c in shown.competencies for i in c.items}
    names = {c.id: c.name for c in shown.competencies}
    items = items.copy()
    if "text" in items:
        items["text"] = [
            texts.get(item, text) for item, text in zip(items["item"], items["text"], strict=True)
        ]
    if "competency_name" in items:
        items["competency_name"] = [
            names.get(cid, name)
            for cid, name in zip(items["competency"], items["competency_name"], strict=True)
        ]
    return items


def build_competency_view(
    model: MaturityModel, scores: AssessmentScore, answers: pd.DataFrame, competency_id: str
) -> CompetencyView:
    """``model`` is the English reference (answers are read with it); what is shown comes from
    its texts in the interface language."""
    shown = translations.localised(model)
    comp = shown.competency(competency_id)
    score = scores.competency(competency_id)
    score = replace(
        score,
        name=translations.competency_name(model.id, score.id, score.name),
        level_name=translations.level_name(model.id, score.level, score.level_name),
    )
    items = item_statistics(model, answers)
    levels = [
        {
            "number": lv.number,
            "name": lv.name,
            "description": level_description(shown, comp.id, lv.number),
            "current": lv.number == score.level,
            "name_mark": provenance(lv, "name"),
            "mark": level_description_mark(shown, comp.id, lv.number),
        }
        for lv in shown.levels
    ]
    return CompetencyView(
        score=score,
        description=comp.description,
        description_mark=provenance(comp, "description"),
        name_mark=provenance(comp, "name"),
        items_ours=any(provenance(i) for i in comp.items),
        item_notes=[(i.text, i.note) for i in comp.items if i.note],
        guiding_question=comp.guiding_question,
        item_figure=charts.build_item_bars_figure(
            localised_items(items, shown), shown, competency_id, competency_mean=score.score
        )
        if len(comp.items) > 1
        else None,
        distribution_figure=charts.build_answer_distribution_figure(
            shown, answer_distribution(model, answers, competency_id), competency_id
        ),
        heatmap=charts.build_department_heatmap_figure(shown, scores.groups),
        group_count=len(scores.groups),
        breakdown=department_table(model, scores),
        suppressed_groups=sum(1 for g in scores.groups if g.suppressed),
        levels=levels,
    )


def competency_view(
    org: str, model_id: str, assessment_id: int, competency_id: str, user: User | None = None
) -> CompetencyView:
    model = services.model(model_id)
    scores = AssessmentScore.from_dict(services.get_scores(org, assessment_id, user=user))
    answers, _meta = services.get_assessment_answers(org, assessment_id, user=user)
    view = build_competency_view(model, scores, answers, competency_id)
    initiatives = services.plan(org, model_id, user=user).initiatives
    view.focus = build_focus(model, [view.score], item_statistics(model, answers), initiatives)[0]
    return view
