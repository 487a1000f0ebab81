"""SQL for the action plan's initiatives (targets are in store/targets.py)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Connection, delete, exists, insert, select, update

from cxmaturity.store.records import Initiative
from cxmaturity.store.schema import initiatives, organisations
from cxmaturity.store.sql import aware, now

ACTIVE = initiatives.c.deleted_at.is_(None)


def _record(row) -> Initiative:
    return Initiative(
        id=row.id,
        model=row.model_id,
        competency=row.competency_id,
        title=row.title,
        owner=row.owner,
        due=row.due_date,
        status=row.status,
        note=row.note,
        recommendation=row.recommendation_id,
        created_at=aware(row.created_at),
        completed_on=row.completed_at,
    )


def add(conn: Connection, org_id: int, values: dict) -> Initiative:
    at = now()
    new_id = conn.execute(
        insert(initiatives)
        .values(organisation_id=org_id, created_at=at, updated_at=at, **values)
        .returning(initiatives.c.id)
    ).scalar_one()
    return get(conn, org_id, new_id)


def get(conn: Connection, org_id: int, initiative_id: int) -> Initiative | None:
    row = conn.execute(
        select(initiatives).where(initiatives.c.id == int(initiative_id), initiatives.c.organisation_id == org_id, ACTIVE)
    ).one_or_none()
    return _record(row) if row is not None else None


def organisation_of(conn: Connection, initiative_id: int) -> str | None:
    """The name of the organisation an initiative belongs to (neither in the trash)."""
    return conn.execute(
        select(organisations.c.name)
        .join(initiatives, initiatives.c.organisation_id == organisations.c.id)
        .where(initiatives.c.id == int(initiative_id), ACTIVE, organisations.c.deleted_at.is_(None))
    ).scalar_one_or_none()


def list_for(conn: Connection, org_id: int, model_id: str | None = None) -> list[Initiative]:
    """By due date, then id."""
    query = select(initiatives).where(initiatives.c.organisation_id == org_id, ACTIVE)
    if model_id is not None:
        query = query.where(initiatives.c.model_id == model_id)
    return [_record(r) for r in conn.execute(query.order_by(initiatives.c.due_date, initiatives.c.id))]


def change(conn: Connection, org_id: int, initiative_id: int, values: dict) -> None:
    conn.execute(
        update(initiatives)
        .where(initiatives.c.id == int(initiative_id), initiatives.c.organisation_id == org_id, ACTIVE)
        .values(updated_at=now(), **values)
    )


def trash(conn: Connection, org_id: int, initiative_id: int, actor: str) -> bool:
    result = conn.execute(
        update(initiatives)
        .where(initiatives.c.id == int(initiative_id), initiatives.c.organisation_id == org_id, ACTIVE)
        .values(deleted_at=now(), deleted_by=actor)
    )
    return result.rowcount > 0


def in_trash(conn: Connection):
    return conn.execute(
        select(
            initiatives.c.id,
            organisations.c.name.label("organisation"),
            initiatives.c.title,
            initiatives.c.competency_id,
            initiatives.c.deleted_at,
            initiatives.c.deleted_by,
        )
        .join(organisations, organisations.c.id == initiatives.c.organisation_id)
        .where(initiatives.c.deleted_at.is_not(None), organisations.c.deleted_at.is_(None))
        .order_by(initiatives.c.deleted_at)
    ).all()


def trashed(conn: Connection, initiative_id: int):
    return conn.execute(
        select(
            initiatives.c.id, initiatives.c.title, initiatives.c.deleted_by, organisations.c.name.label("organisation")
        )
        .join(organisations, organisations.c.id == initiatives.c.organisation_id)
        .where(initiatives.c.id == int(initiative_id), initiatives.c.deleted_at.is_not(None))
    ).one_or_none()


def restore(conn: Connection, initiative_id: int) -> None:
    conn.execute(update(initiatives).where(initiatives.c.id == int(initiative_id)).values(deleted_at=None, deleted_by=None))


def purge(conn: Connection, before: dt.datetime | None) -> int:
    query = delete(initiatives).where(initiatives.c.deleted_at.is_not(None))
    if before is not None:
        query = query.where(initiatives.c.deleted_at < before)
    return conn.execute(query).rowcount


def deleted_before(conn: Connection, before: dt.datetime) -> bool:
    return conn.execute(
        select(exists().where(initiatives.c.deleted_at.is_not(None), initiatives.c.deleted_at < before))
    ).scalar_one()
