"""Small SQL helpers shared by the store modules (both supported dialects)."""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy import Connection
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert


def now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def aware(value: dt.datetime | None) -> dt.datetime | None:
    """SQLite hands back naive datetimes; everything is stored in UTC."""
    if value is None or value.tzinfo is not None:
        return value
    return value.replace(tzinfo=dt.UTC)


def clip(text: Any, length: int) -> str | None:
    if text is None:
        return None
    return str(text).replace("\x00", "")[:length]  # PostgreSQL text cannot hold NUL


def _dialect_insert(conn: Connection):
    return postgresql_insert if conn.dialect.name == "postgresql" else sqlite_insert


def insert_ignore(conn: Connection, table, values: dict, conflict: list[str]):
    """INSERT ... ON CONFLICT DO NOTHING for the two databases we support."""
    return _dialect_insert(conn)(table).values(**values).on_conflict_do_nothing(index_elements=conflict)


def upsert(conn: Connection, table, values: dict, conflict: list[str], update_cols: list[str]):
    stmt = _dialect_insert(conn)(table).values(**values)
    return stmt.on_conflict_do_update(index_elements=conflict, set_={c: stmt.excluded[c] for c in update_cols})


def clean_json(value: Any) -> Any:
    """JSON-safe copy: NaN/inf become null (PostgreSQL rejects NaN in json), numpy to Python."""
    if isinstance(value, float):
        return None if math.isnan(value) or math.isinf(value) else value
    if isinstance(value, dict):
        return {str(k): clean_json(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [clean_json(v) for v in value]
    if isinstance(value, np.generic):
        return clean_json(value.item())
    return value


def cell(value: Any) -> Any:
    """A respondent attribute as stored: None for missing, ISO text for times, else as is."""
    if value is None:
        return None
    if isinstance(value, float | np.floating) and math.isnan(value):
        return None
    if value is pd.NaT or value is pd.NA:
        return None
    if isinstance(value, pd.Timestamp | dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, np.generic):
        return value.item()
    return value


def text(value: Any) -> str | None:
    value = cell(value)
    return None if value is None else str(value)
