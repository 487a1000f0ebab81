"""SQL for targets: the level an organisation aims for per competency at a horizon."""

from __future__ import annotations

from sqlalchemy import Connection, delete, select

from cxmaturity.store.records import Target
from cxmaturity.store.schema import targets
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
    }
    conn.execute(
        upsert(conn, targets, values, ["organisation_id", "model_id", "competency_id", "horizon_months"], ["level", "set_at"])
    )
    return _record(values.get)


def list_for(conn: Connection, org_id: int, model_id: str | None = None) -> list[Target]:
    """By model, horizon, then the order they were first set."""
    query = select(targets).where(targets.c.organisation_id == org_id)
    if model_id is not None:
        query = query.where(targets.c.model_id == model_id)
    rows = conn.execute(query.order_by(targets.c.model_id, targets.c.horizon_months, targets.c.id)).all()
    return [_record(r._mapping.get) for r in rows]


def remove(conn: Connection, org_id: int, model_id: str, competency_id: str, horizon_months: int) -> bool:
    result = conn.execute(
        delete(targets).where(
            targets.c.organisation_id == org_id,
            targets.c.model_id == model_id,
            targets.c.competency_id == competency_id,
            targets.c.horizon_months == int(horizon_months),
        )
    )
    return result.rowcount > 0
