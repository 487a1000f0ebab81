"""SQL for the audit log. Entries are written on the caller's connection, inside the
transaction of the change they record, so both are committed or rolled back together."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Connection, insert, select

from cxmaturity.access import LOCAL_ACTOR, MAX_DETAIL, MAX_EMAIL
from cxmaturity.store.records import AuditEntry
from cxmaturity.store.schema import audit_log
from cxmaturity.store.sql import aware, clip, now


def write(
    conn: Connection,
    actor: str,
    action: str,
    organisation: str | None = None,
    detail: str | None = None,
    *,
    at: dt.datetime | None = None,
) -> None:
    conn.execute(
        insert(audit_log).values(
            at=at or now(),
            actor=clip(actor, MAX_EMAIL) or LOCAL_ACTOR,
            action=clip(action, 32),
            organisation=clip(organisation, 200),
            detail=clip(detail, MAX_DETAIL),
        )
    )


def newest(conn: Connection, limit: int) -> list[AuditEntry]:
    rows = conn.execute(select(audit_log).order_by(audit_log.c.id.desc()).limit(limit)).all()
    return [
        AuditEntry(id=r.id, at=aware(r.at), actor=r.actor, action=r.action, organisation=r.organisation, detail=r.detail)
        for r in rows
    ]
