"""Checks that the stored data is whole: the database's own integrity check (SQLite) and the
store's invariants (every assessment has its scores and all its respondents)."""

from __future__ import annotations

from sqlalchemy import Connection, func, select, text

from cxmaturity.store.schema import assessment_scores, assessments, organisations, respondents


def integrity_problems(conn: Connection) -> list[str]:
    """What the database engine itself reports as damaged (SQLite's integrity_check and
    foreign_key_check); PostgreSQL checks its pages itself, so nothing here for it."""
    if conn.dialect.name != "sqlite":
        return []
    found = [r[0] for r in conn.execute(text("PRAGMA integrity_check")).all() if r[0] != "ok"]
    found += [f"table {r[0]}, row {r[1]}: refers to a missing {r[2]}" for r in conn.execute(text("PRAGMA foreign_key_check")).all()]
    return found


def invariant_problems(conn: Connection) -> list[str]:
    """Assessments whose scores are missing or whose respondents are not all there."""
    counted = (
        select(respondents.c.assessment_id, func.count().label("n"))
        .group_by(respondents.c.assessment_id)
        .subquery()
    )
    rows = conn.execute(
        select(
            assessments.c.id,
            organisations.c.name,
            assessments.c.respondent_count,
            func.coalesce(counted.c.n, 0),
            assessment_scores.c.assessment_id,
        )
        .join(organisations, organisations.c.id == assessments.c.organisation_id)
        .outerjoin(counted, counted.c.assessment_id == assessments.c.id)
        .outerjoin(assessment_scores, assessment_scores.c.assessment_id == assessments.c.id)
        .order_by(assessments.c.id)
    ).all()
    found = []
    for aid, org, expected, present, scored in rows:
        if present != expected:
            found.append(f"assessment #{aid} of '{org}': {present} of its {expected} respondents are stored")
        if scored is None:
            found.append(f"assessment #{aid} of '{org}': its scores are missing (run 'cxmaturity rescore')")
    return found


def counts(conn: Connection) -> tuple[int, int]:
    """(organisations, assessments) in the database, the trash included."""
    return (
        conn.execute(select(func.count()).select_from(organisations)).scalar_one(),
        conn.execute(select(func.count()).select_from(assessments)).scalar_one(),
    )
