"""SQL for the executive-commitment tracker: executives (personal data) and their ratings."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Connection, delete, exists, insert, select, update

from cxmaturity.store.records import CommitmentRating, Executive
from cxmaturity.store.schema import commitment_ratings, executives, organisations
from cxmaturity.store.sql import now, upsert

ACTIVE = executives.c.deleted_at.is_(None)


def add(conn: Connection, org_id: int, name: str) -> int:
    return conn.execute(
        insert(executives).values(organisation_id=org_id, name=name, created_at=now()).returning(executives.c.id)
    ).scalar_one()


def list_for(conn: Connection, org_id: int) -> list[Executive]:
    rows = conn.execute(
        select(executives.c.id, executives.c.name).where(executives.c.organisation_id == org_id, ACTIVE).order_by(executives.c.id)
    ).all()
    return [Executive(r.id, r.name) for r in rows]


def organisation_of(conn: Connection, executive_id: int) -> str | None:
    return conn.execute(
        select(organisations.c.name)
        .join(executives, executives.c.organisation_id == organisations.c.id)
        .where(executives.c.id == int(executive_id), ACTIVE, organisations.c.deleted_at.is_(None))
    ).scalar_one_or_none()


def rate(conn: Connection, executive_id: int, review_date: dt.date, level: int) -> None:
    values = {"executive_id": executive_id, "review_date": review_date, "level": level, "rated_at": now()}
    conn.execute(upsert(conn, commitment_ratings, values, ["executive_id", "review_date"], ["level", "rated_at"]))


def ratings_for(conn: Connection, org_id: int) -> list[CommitmentRating]:
    """Every rating of the organisation's executives (not in the trash), by review date."""
    rows = conn.execute(
        select(commitment_ratings.c.executive_id, commitment_ratings.c.review_date, commitment_ratings.c.level)
        .join(executives, executives.c.id == commitment_ratings.c.executive_id)
        .where(executives.c.organisation_id == org_id, ACTIVE)
        .order_by(commitment_ratings.c.review_date, commitment_ratings.c.executive_id)
    ).all()
    return [CommitmentRating(r.executive_id, r.review_date, r.level) for r in rows]


def trash(conn: Connection, executive_id: int, actor: str) -> bool:
    result = conn.execute(
        update(executives).where(executives.c.id == int(executive_id), ACTIVE).values(deleted_at=now(), deleted_by=actor)
    )
    return result.rowcount > 0


def in_trash(conn: Connection):
    return conn.execute(
        select(executives.c.id, organisations.c.name.label("organisation"), executives.c.deleted_at, executives.c.deleted_by)
        .join(organisations, organisations.c.id == executives.c.organisation_id)
        .where(executives.c.deleted_at.is_not(None), organisations.c.deleted_at.is_(None))
        .order_by(executives.c.deleted_at)
    ).all()


def trashed(conn: Connection, executive_id: int):
    return conn.execute(
        select(executives.c.id, organisations.c.name.label("organisation"))
        .join(organisations, organisations.c.id == executives.c.organisation_id)
        .where(executives.c.id == int(executive_id), executives.c.deleted_at.is_not(None))
    ).one_or_none()


def restore(conn: Connection, executive_id: int) -> None:
    conn.execute(update(executives).where(executives.c.id == int(executive_id)).values(deleted_at=None, deleted_by=None))


def purge(conn: Connection, before: dt.datetime | None) -> int:
    query = delete(executives).where(executives.c.deleted_at.is_not(None))
    if before is not None:
        query = query.where(executives.c.deleted_at < before)
    return conn.execute(query).rowcount


def deleted_before(conn: Connection, before: dt.datetime) -> bool:
    return conn.execute(
        select(exists().where(executives.c.deleted_at.is_not(None), executives.c.deleted_at < before))
    ).scalar_one()
