"""SQL for targets: the level an organisation aims for per competency at a horizon."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Connection, delete, exists, select, update

from cxmaturity.store.records import Target
from cxmaturity.store.schema import organisations, targets
from cxmaturity.store.sql import aware, now, upsert


def _record(get) -> Target:
    return Target(
        model=get("model_id"),
        competency=get("competency_id"),
        horizon_months=get("horizon_months"),
        level=get("level"),
        set_at=aware(get("set_at")),
    )


def put(conn: Connection, org_id: int, model_id: str, competency_id: str, horizon_months: int, level: int) -> Target:
    values = {
        "organisation_id": org_id,
        "model_id": model_id,
        "competency_id": competency_id,
        "horizon_months": int(horizon_months),
        "level": int(level),
        "set_at": now(),
        "deleted_at": None,
        "deleted_by": None,
    }
    # setting a target again replaces it, also one in the trash
    conn.execute(
        upsert(
            conn,
            targets,
            values,
            ["organisation_id", "model_id", "competency_id", "horizon_months"],
            ["level", "set_at", "deleted_at", "deleted_by"],
        )
    )
    return _record(values.get)


def list_for(conn: Connection, org_id: int, model_id: str | None = None) -> list[Target]:
    """By model, horizon, then the order they were first set."""
    query = select(targets).where(targets.c.organisation_id == org_id, targets.c.deleted_at.is_(None))
    if model_id is not None:
        query = query.where(targets.c.model_id == model_id)
    rows = conn.execute(query.order_by(targets.c.model_id, targets.c.horizon_months, targets.c.id)).all()
    return [_record(r._mapping.get) for r in rows]


def trash(conn: Connection, org_id: int, model_id: str, competency_id: str, horizon_months: int, actor: str) -> bool:
    result = conn.execute(
        update(targets)
        .where(
            targets.c.organisation_id == org_id,
            targets.c.model_id == model_id,
            targets.c.competency_id == competency_id,
            targets.c.horizon_months == int(horizon_months),
            targets.c.deleted_at.is_(None),
        )
        .values(deleted_at=now(), deleted_by=actor)
    )
    return result.rowcount > 0


def in_trash(conn: Connection):
    """Targets in the trash (of organisations not themselves in the trash)."""
    return conn.execute(
        select(
            targets.c.id,
            organisations.c.name.label("organisation"),
            targets.c.model_id,
            targets.c.competency_id,
            targets.c.horizon_months,
            targets.c.level,
            targets.c.deleted_at,
            targets.c.deleted_by,
        )
        .join(organisations, organisations.c.id == targets.c.organisation_id)
        .where(targets.c.deleted_at.is_not(None), organisations.c.deleted_at.is_(None))
        .order_by(targets.c.deleted_at)
    ).all()


def trashed(conn: Connection, target_id: int):
    return conn.execute(
        select(targets, organisations.c.name.label("organisation"))
        .join(organisations, organisations.c.id == targets.c.organisation_id)
        .where(targets.c.id == int(target_id), targets.c.deleted_at.is_not(None))
    ).one_or_none()


def restore(conn: Connection, target_id: int) -> None:
    conn.execute(update(targets).where(targets.c.id == int(target_id)).values(deleted_at=None, deleted_by=None))


def purge(conn: Connection, before: dt.datetime | None) -> int:
    query = delete(targets).where(targets.c.deleted_at.is_not(None))
    if before is not None:
        query = query.where(targets.c.deleted_at < before)
    return conn.execute(query).rowcount


def deleted_before(conn: Connection, before: dt.datetime) -> bool:
    """Whether anything in the trash was deleted before ``before``."""
    return conn.execute(
        select(exists().where(targets.c.deleted_at.is_not(None), targets.c.deleted_at < before))
    ).scalar_one()

