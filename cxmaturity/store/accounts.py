"""SQL for accounts, their organisations and the sign-in failure counters."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Connection, and_, delete, func, insert, or_, select, update

from cxmaturity.access import ADMIN
from cxmaturity.store.schema import login_attempts, organisations, user_organisations, users
from cxmaturity.store.sql import aware, insert_ignore


def row_for(conn: Connection, email: str):
    return conn.execute(select(users).where(users.c.email == email)).one_or_none()


def organisations_of(conn: Connection, user_id: int) -> frozenset[str]:
    names = conn.execute(
        select(organisations.c.name)
        .join(user_organisations, user_organisations.c.organisation_id == organisations.c.id)
        .where(user_organisations.c.user_id == user_id, organisations.c.deleted_at.is_(None))
    ).scalars()
    return frozenset(names)


def insert_user(conn: Connection, email: str, role: str, password_hash: str | None, at: dt.datetime) -> int:
    return conn.execute(
        insert(users)
        .values(
            email=email,
            role=role,
            password_hash=password_hash,
            created_at=at,
            password_changed_at=at if password_hash else None,
        )
        .returning(users.c.id)
    ).scalar_one()


def set_role(conn: Connection, user_id: int, role: str) -> None:
    conn.execute(update(users).where(users.c.id == user_id).values(role=role))


def set_password_hash(conn: Connection, email: str, password_hash: str, at: dt.datetime | None) -> bool:
    values = {"password_hash": password_hash}
    if at is not None:
        values["password_changed_at"] = at
    return conn.execute(update(users).where(users.c.email == email).values(**values)).rowcount > 0


def set_organisations(conn: Connection, user_id: int, org_ids: list[int]) -> None:
    conn.execute(delete(user_organisations).where(user_organisations.c.user_id == user_id))
    if org_ids:
        conn.execute(insert(user_organisations), [{"user_id": user_id, "organisation_id": o} for o in org_ids])


def delete_user(conn: Connection, user_id: int) -> None:
    conn.execute(delete(users).where(users.c.id == user_id))


def other_admins(conn: Connection, email: str) -> int:
    return conn.execute(
        select(func.count()).select_from(users).where(users.c.role == ADMIN, users.c.email != email)
    ).scalar_one()


def all_with_lock_state(conn: Connection):
    """(users' rows with locked_until, {user id: [organisation names]})."""
    rows = conn.execute(
        select(users, login_attempts.c.locked_until)
        .outerjoin(login_attempts, login_attempts.c.email == users.c.email)
        .order_by(users.c.email)
    ).all()
    links = conn.execute(
        select(user_organisations.c.user_id, organisations.c.name)
        .join(organisations, organisations.c.id == user_organisations.c.organisation_id)
        .where(organisations.c.deleted_at.is_(None))
        .order_by(organisations.c.name)
    ).all()
    by_user: dict[int, list[str]] = {}
    for link in links:
        by_user.setdefault(link.user_id, []).append(link.name)
    return rows, by_user


# --- sign-in failure counters -------------------------------------------------------------------


def attempts_row_locked(conn: Connection, email: str, at: dt.datetime):
    """The counter row for ``email`` (created empty when missing), locked for this transaction
    so parallel guesses are counted one after the other."""
    conn.execute(
        insert_ignore(
            conn, login_attempts, {"email": email, "failures": 0, "first_failure_at": at, "locked_until": None}, ["email"]
        )
    )
    row = conn.execute(select(login_attempts).where(login_attempts.c.email == email).with_for_update()).one()
    return row.failures, aware(row.first_failure_at), aware(row.locked_until)


def set_attempts(
    conn: Connection, email: str, failures: int, first: dt.datetime, locked_until: dt.datetime | None
) -> None:
    conn.execute(
        update(login_attempts)
        .where(login_attempts.c.email == email)
        .values(failures=failures, first_failure_at=first, locked_until=locked_until)
    )


def clear_attempts(conn: Connection, email: str) -> None:
    conn.execute(delete(login_attempts).where(login_attempts.c.email == email))


def prune_attempts(conn: Connection, keep: str, at: dt.datetime, window: dt.timedelta) -> None:
    """Forget counters that no longer matter (expired locks, windows past): the same as
    keeping them, but the table stays small under a spray of made-up emails."""
    conn.execute(
        delete(login_attempts).where(
            login_attempts.c.email != keep,
            or_(
                login_attempts.c.locked_until < at,
                and_(login_attempts.c.locked_until.is_(None), login_attempts.c.first_failure_at < at - window),
            ),
        )
    )
