"""SQL for peer figures: other organisations' latest scores, never with a name or an id."""

from __future__ import annotations

from sqlalchemy import Connection, and_, exists, or_, select

from cxmaturity.store.schema import assessments, competency_scores, organisations


def _latest_per_organisation(model_id: str, exclude_id: int | None, include_demo: bool):
    """Latest assessment of ``model_id`` per organisation (other than ``exclude_id``)."""
    later = assessments.alias("later")
    newer_exists = exists().where(
        later.c.organisation_id == assessments.c.organisation_id,
        later.c.model_id == assessments.c.model_id,
        later.c.deleted_at.is_(None),
        or_(
            later.c.assessment_date > assessments.c.assessment_date,
            and_(later.c.assessment_date == assessments.c.assessment_date, later.c.id > assessments.c.id),
        ),
    )
    query = (
        select(assessments.c.id)
        .join(organisations, organisations.c.id == assessments.c.organisation_id)
        .where(
            assessments.c.model_id == model_id,
            assessments.c.deleted_at.is_(None),
            organisations.c.deleted_at.is_(None),
            ~newer_exists,
        )
    )
    if exclude_id is not None:
        query = query.where(assessments.c.organisation_id != exclude_id)
    if not include_demo:
        query = query.where(organisations.c.is_demo.is_(False))
    return query


def competency_scores_by_organisation(
    conn: Connection,
    model_id: str,
    exclude_id: int | None,
    include_demo: bool,
    industry: str | None = None,
    size: str | None = None,
    region: str | None = None,
) -> list[dict[str, float | None]]:
    """One {competency id: score} per other organisation (its latest assessment), unordered."""
    latest = _latest_per_organisation(model_id, exclude_id, include_demo)
    for column, value in ((organisations.c.industry, industry), (organisations.c.size_band, size), (organisations.c.region, region)):
        if value is not None:
            latest = latest.where(column == value)
    rows = conn.execute(
        select(competency_scores.c.assessment_id, competency_scores.c.competency_id, competency_scores.c.score)
        .where(competency_scores.c.assessment_id.in_(latest.scalar_subquery()))
        .order_by(competency_scores.c.assessment_id)
    ).all()
    by_assessment: dict[int, dict] = {}
    for r in rows:
        by_assessment.setdefault(r.assessment_id, {})[r.competency_id] = r.score
    return list(by_assessment.values())


def attributes_of_peers(conn: Connection, model_id: str, exclude_id: int | None, include_demo: bool):
    """(industry, size_band, region) of each other organisation with an assessment of the model."""
    latest = _latest_per_organisation(model_id, exclude_id, include_demo).subquery()
    return conn.execute(
        select(organisations.c.industry, organisations.c.size_band, organisations.c.region)
        .join(assessments, assessments.c.organisation_id == organisations.c.id)
        .where(assessments.c.id.in_(select(latest.c.id)))
    ).all()
