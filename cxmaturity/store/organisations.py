"""SQL for organisations. Callers (services) have checked access before they call."""

from __future__ import annotations

from sqlalchemy import Connection, delete, exists, select, update

from cxmaturity.errors import UnknownOrganisation
from cxmaturity.store.records import Organisation
from cxmaturity.store.schema import organisations
from cxmaturity.store.sql import insert_ignore, now

ATTRIBUTES = ("industry", "size_band", "region", "is_demo")


def _record(row) -> Organisation:
    return Organisation(
        name=row.name, industry=row.industry, size_band=row.size_band, region=row.region, is_demo=bool(row.is_demo)
    )


def id_of(conn: Connection, name: str) -> int | None:
    return conn.execute(select(organisations.c.id).where(organisations.c.name == name)).scalar_one_or_none()


def require_id(conn: Connection, name: str) -> int:
    org_id = id_of(conn, name)
    if org_id is None:
        raise UnknownOrganisation(f"unknown organisation '{name}'")
    return org_id


def ids_of(conn: Connection, names: list[str]) -> dict[str, int]:
    if not names:
        return {}
    return dict(conn.execute(select(organisations.c.name, organisations.c.id).where(organisations.c.name.in_(names))).all())


def ensure(conn: Connection, name: str, values: dict) -> int:
    """The organisation's id, creating it (race-safe) or filling in the given attributes."""
    conn.execute(
        insert_ignore(conn, organisations, {"name": name, "is_demo": False, "created_at": now(), **values}, ["name"])
    )
    org_id = require_id(conn, name)
    if values:
        conn.execute(update(organisations).where(organisations.c.id == org_id).values(**values))
    return org_id


def get(conn: Connection, name: str) -> Organisation | None:
    row = conn.execute(select(organisations).where(organisations.c.name == name)).one_or_none()
    return _record(row) if row is not None else None


def get_by_id(conn: Connection, org_id: int) -> Organisation:
    return _record(conn.execute(select(organisations).where(organisations.c.id == org_id)).one())


def is_demo(conn: Connection, org_id: int) -> bool:
    return bool(conn.execute(select(organisations.c.is_demo).where(organisations.c.id == org_id)).scalar_one())


def list_all(conn: Connection, names: frozenset[str] | None = None, include_demo: bool = True) -> list[Organisation]:
    """Real organisations first, then demo ones, each by name; ``names``: only these (None: all)."""
    query = select(organisations).order_by(organisations.c.is_demo, organisations.c.name)
    if not include_demo:
        query = query.where(organisations.c.is_demo.is_(False))
    if names is not None:
        if not names:
            return []
        query = query.where(organisations.c.name.in_(sorted(names)))
    return [_record(r) for r in conn.execute(query)]


def any_exist(conn: Connection, names: frozenset[str] | None = None) -> bool:
    if names is None:
        return conn.execute(select(exists().select_from(organisations))).scalar_one()
    if not names:
        return False
    return conn.execute(select(exists().where(organisations.c.name.in_(sorted(names))))).scalar_one()


def delete_by_name(conn: Connection, name: str) -> bool:
    return conn.execute(delete(organisations).where(organisations.c.name == name)).rowcount > 0
