"""'Focus next': for a weak competency, what pulls it down, what the next level asks for, and what
the sources recommend, with their sources. Shared by the Overview, the Competencies page and the
board report, so they never disagree."""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from cxmaturity import rules, translations
from cxmaturity.benchmarks import document_title, language_name
from cxmaturity.i18n import N_, _
from cxmaturity.models import MaturityModel, provenance
from cxmaturity.recommendations import Recommendation, applicable, load_recommendations
from cxmaturity.scoring import CompetencyScore
from cxmaturity.store.records import Initiative

MAPPING_OURS = N_("placed here by this project")
GENERIC = N_("general advice in the source, not written for this competency")


@dataclass(frozen=True)
class Practice:
    """An item whose mean is clearly below its competency's mean."""

    text: str
    mean: float
    mark: str | None


@dataclass(frozen=True)
class Advice:
    """A recommendation from a source, with where it comes from and how firmly it applies here."""

    id: str
    topic: str
    text: str
    quote: str
    language: str | None
    source: str
    marks: tuple[str, ...]  # MAPPING_OURS and/or GENERIC, in the interface language


@dataclass
class CompetencyFocus:
    id: str
    name: str
    name_mark: str | None
    score: float | None
    level: int | None
    level_name: str | None
    next_level_name: str | None
    next_description: str | None  # the competency's own next-level text (descriptor models) ...
    next_mark: str | None
    next_shared: bool  # ... or the model's level text, the same for every competency
    practices: list[Practice] = field(default_factory=list)
    practices_checked: bool = False  # False: one item per competency, nothing to single out
    advice: list[Advice] = field(default_factory=list)
    initiatives: list[Initiative] = field(default_factory=list)


def advice_from(r: Recommendation) -> Advice:
    """A recommendation as shown: its topic and text in the interface language (the translation
    files), its quote in the source's own language, its marks and source named in the language."""
    marks = tuple(_(m) for m, on in ((MAPPING_OURS, r.mapping_ours), (GENERIC, r.generic)) if on)
    return Advice(
        id=r.id,
        topic=translations.translated(None, "recommendations", f"{r.id}.topic", r.topic),
        text=translations.translated(None, "recommendations", f"{r.id}.text", r.text),
        quote=r.quote,
        language=language_name(r.source),
        source=document_title(r.source),
        marks=marks,
    )


def weak_practices(
    model: MaturityModel, competency_id: str, score: float | None, items: pd.DataFrame
) -> list[Practice]:
    """The competency's items clearly below its mean (rules.PULLING_DOWN_MARGIN), lowest first,
    each with its statement in the interface language."""
    if score is None or items.empty:
        return []
    own = items[(items["competency"] == competency_id) & items["mean"].notna()]
    low = own[own["mean"] < score - rules.PULLING_DOWN_MARGIN].sort_values("mean", kind="mergesort")
    comp = translations.localised(model).competency(competency_id)
    by_id = {i.id: i for i in comp.items}
    return [
        Practice(text=by_id[r.item].text, mean=float(r.mean), mark=provenance(by_id[r.item]))
        for r in low.head(rules.FOCUS_PRACTICES).itertuples()
    ]


def build_focus(
    model: MaturityModel,
    scores: list[CompetencyScore],
    items: pd.DataFrame,
    initiatives: list[Initiative] = (),
    recommendations: list[Recommendation] | None = None,
) -> list[CompetencyFocus]:
    """Focus for each competency in ``scores`` (weakest first). A recommendation is shown for one
    competency only, so two competencies never repeat each other's text. ``model`` is the English
    reference model; names and texts are given in the interface language."""
    shown = translations.localised(model)
    pool = load_recommendations() if recommendations is None else recommendations
    used: set[str] = set()
    chosen: dict[str, list[Advice]] = {c.id: [] for c in scores}
    # first what is placed on each competency itself, then the model's and general advice in the
    # slots left: general advice never takes the place of a competency's own
    for specific in (True, False):
        for c in scores:
            for r in applicable(model.id, c.id, c.level, pool):
                # by text: the same strategy may be both general advice and placed on one competency
                if (
                    bool(r.competencies) == specific
                    and r.text not in used
                    and len(chosen[c.id]) < rules.FOCUS_ADVICE
                ):
                    chosen[c.id].append(advice_from(r))
                    used.add(r.text)
    result = []
    for c in scores:
        comp = shown.competency(c.id)
        current = shown.level(c.level) if c.level else None
        nxt = shown.next_level(current) if current else None
        own_next = comp.descriptors.get(nxt.number) if nxt else None
        result.append(
            CompetencyFocus(
                id=c.id,
                name=translations.competency_name(model.id, c.id, c.name),
                name_mark=provenance(comp, "name"),
                score=c.score,
                level=c.level,
                level_name=translations.level_name(model.id, c.level, c.level_name),
                next_level_name=nxt.name if nxt else None,
                next_description=own_next or (nxt.description if nxt else None),
                next_mark=None if own_next else provenance(nxt, "description") if nxt else None,
                next_shared=nxt is not None and own_next is None,
                practices=weak_practices(model, c.id, c.score, items),
                practices_checked=len(comp.items) > 1,
                advice=chosen[c.id],
                initiatives=[
                    i
                    for i in initiatives
                    if i.competency == c.id and i.status in rules.OPEN_STATUSES
                ],
            )
        )
    return result


def ranked(scores: list[CompetencyScore]) -> list[CompetencyScore]:
    """Scored competencies, weakest first (one ordering for weakest and strongest alike)."""
    return sorted((c for c in scores if c.score is not None), key=lambda c: c.score)


def weakest(
    scores: list[CompetencyScore], count: int = rules.FOCUS_COMPETENCIES
) -> list[CompetencyScore]:
    return ranked(scores)[:count]
