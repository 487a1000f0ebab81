"""The audit log: what the UI records itself, and reading the log (administrators only)."""

from __future__ import annotations

from cxmaturity import store
from cxmaturity.access import MAX_AUDIT_LIMIT, User, acting, check_admin
from cxmaturity.store import audit as audit_sql
from cxmaturity.store.records import AuditEntry


def actor_of(user: User | str | None) -> str:
    return user if isinstance(user, str) else acting(user).email


def record(
    action: str,
    organisation: str | None = None,
    detail: str | None = None,
    *,
    user: User | None = None,
    engine: store.EngineRef = None,
) -> None:
    """One entry for something the UI did (e.g. an OIDC sign-in: ``record(SIGN_IN, detail="oidc", user=...)``)."""
    with store.writing(engine) as conn:
        audit_sql.write(conn, actor_of(user), action, organisation, detail)


def list_audit(user: User | None = None, limit: int = 200, *, engine: store.EngineRef = None) -> list[AuditEntry]:
    """The newest ``limit`` entries, newest first. Administrators only (AccessDenied otherwise)."""
    check_admin(user)
    limit = max(1, min(int(limit), MAX_AUDIT_LIMIT))
    with store.reading(engine) as conn:
        return audit_sql.newest(conn, limit)
