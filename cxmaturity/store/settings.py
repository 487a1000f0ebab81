"""SQL for the installation's own settings (a key-value table)."""

from __future__ import annotations

from sqlalchemy import Connection, select

from cxmaturity.store.schema import app_settings
from cxmaturity.store.sql import upsert

DEMO_REMOVED = "demo_removed"  # the sample data was removed on purpose: never load it again


def get(conn: Connection, key: str) -> str | None:
    return conn.execute(select(app_settings.c.value).where(app_settings.c.key == key)).scalar_one_or_none()


def put(conn: Connection, key: str, value: str | None) -> None:
    conn.execute(upsert(conn, app_settings, {"key": key, "value": value}, ["key"], ["value"]))
