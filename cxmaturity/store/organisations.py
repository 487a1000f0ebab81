"""SQL for organisations. Callers (services) have checked access before they call."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Connection, delete, exists, select, update

from cxmaturity.errors import InvalidInput, UnknownOrganisation
from cxmaturity.i18n import _, isolate
from cxmaturity.store.records import Organisation
from cxmaturity.store.schema import organisations
from cxmaturity.store.sql import insert_ignore, now

ATTRIBUTES = ("industry", "size_band", "region", "is_demo")


def _record(row) -> Organisation:
    return Organisation(
        name=row.name,
        industry=row.industry,
        size_band=row.size_band,
        region=row.region,
        is_demo=bool(row.is_demo),
    )


ACTIVE = organisations.c.deleted_at.is_(None)


def id_of(conn: Connection, name: str) -> int | None:
    """The id of the organisation (not in the trash) of that name."""
    return conn.execute(
        select(organisations.c.id).where(organisations.c.name == name, ACTIVE)
    ).scalar_one_or_none()


def trashed_id_of(conn: Connection, name: str) -> int | None:
    return conn.execute(
        select(organisations.c.id).where(
            organisations.c.name == name, organisations.c.deleted_at.is_not(None)
        )
    ).scalar_one_or_none()


def require_id(conn: Connection, name: str) -> int:
    org_id = id_of(conn, name)
    if org_id is None:
        raise UnknownOrganisation(_("unknown organisation '{name}'").format(name=isolate(name)))
    return org_id


def ids_of(conn: Connection, names: list[str]) -> dict[str, int]:
    if not names:
        return {}
    return dict(
        conn.execute(
            select(organisations.c.name, organisations.c.id).where(
                organisations.c.name.in_(names), ACTIVE
            )
        ).all()
    )


def ensure(conn: Connection, name: str, values: dict) -> int:
    """The organisation's id, creating it (race-safe) or filling in the given attributes.
    An organisation of that name in the trash is not silently reused: InvalidInput."""
    if trashed_id_of(conn, name) is not None:
        raise InvalidInput(
            _(
                "an organisation called '{name}' is in the trash; restore it, or purge the trash first"
            ).format(name=isolate(name))
        )
    conn.execute(
        insert_ignore(
            conn,
            organisations,
            {"name": name, "is_demo": False, "created_at": now(), **values},
            ["name"],
        )
    )
    org_id = require_id(conn, name)
    if values:
        conn.execute(update(organisations).where(organisations.c.id == org_id).values(**values))
    return org_id


def get(conn: Connection, name: str) -> Organisation | None:
    row = conn.execute(
        select(organisations).where(organisations.c.name == name, ACTIVE)
    ).one_or_none()
    return _record(row) if row is not None else None


def get_by_id(conn: Connection, org_id: int) -> Organisation:
    return _record(conn.execute(select(organisations).where(organisations.c.id == org_id)).one())


def is_demo(conn: Connection, org_id: int) -> bool:
    return bool(
        conn.execute(
            select(organisations.c.is_demo).where(organisations.c.id == org_id)
        ).scalar_one()
    )


def list_all(
    conn: Connection, names: frozenset[str] | None = None, include_demo: bool = True
) -> list[Organisation]:
    """Real organisations first, then demo ones, each by name; ``names``: only these (None: all)."""
    query = (
        select(organisations).where(ACTIVE).order_by(organisations.c.is_demo, organisations.c.name)
    )
    if not include_demo:
        query = query.where(organisations.c.is_demo.is_(False))
    if names is not None:
        if not names:
            return []
        query = query.where(organisations.c.name.in_(sorted(names)))
    return [_record(r) for r in conn.execute(query)]


def any_exist(conn: Connection, names: frozenset[str] | None = None) -> bool:
    """Whether any organisation (of ``names``) is there, outside the trash."""
    if names is None:
        return conn.execute(select(exists().where(ACTIVE))).scalar_one()
    if not names:
        return False
    return conn.execute(
        select(exists().where(organisations.c.name.in_(sorted(names)), ACTIVE))
    ).scalar_one()


def any_rows(conn: Connection) -> bool:
    """Whether the table holds any organisation at all, in the trash or not."""
    return conn.execute(select(exists().select_from(organisations))).scalar_one()


def trash(conn: Connection, org_id: int, actor: str) -> None:
    conn.execute(
        update(organisations)
        .where(organisations.c.id == org_id)
        .values(deleted_at=now(), deleted_by=actor)
    )


def restore(conn: Connection, org_id: int) -> None:
    conn.execute(
        update(organisations)
        .where(organisations.c.id == org_id)
        .values(deleted_at=None, deleted_by=None)
    )


def rename(conn: Connection, org_id: int, new_name: str) -> None:
    conn.execute(update(organisations).where(organisations.c.id == org_id).values(name=new_name))


def demo_ids(conn: Connection) -> list[int]:
    return list(
        conn.execute(
            select(organisations.c.id).where(organisations.c.is_demo.is_(True), ACTIVE)
        ).scalars()
    )


def in_trash(conn: Connection):
    """(id, name, deleted_at, deleted_by) of every organisation in the trash."""
    return conn.execute(
        select(
            organisations.c.id,
            organisations.c.name,
            organisations.c.deleted_at,
            organisations.c.deleted_by,
        )
        .where(organisations.c.deleted_at.is_not(None))
        .order_by(organisations.c.deleted_at)
    ).all()


def purge(conn: Connection, before: dt.datetime | None) -> list[str]:
    """Delete for good the organisations in the trash (since before ``before``; None: all),
    with everything they hold; their names."""
    query = select(organisations.c.id, organisations.c.name).where(
        organisations.c.deleted_at.is_not(None)
    )
    if before is not None:
        query = query.where(organisations.c.deleted_at < before)
    rows = conn.execute(query).all()
    if rows:
        conn.execute(delete(organisations).where(organisations.c.id.in_([r.id for r in rows])))
    return [r.name for r in rows]


def deleted_before(conn: Connection, before: dt.datetime) -> bool:
    """Whether anything in the trash was deleted before ``before``."""
    return conn.execute(
        select(
            exists().where(
                organisations.c.deleted_at.is_not(None), organisations.c.deleted_at < before
            )
        )
    ).scalar_one()
