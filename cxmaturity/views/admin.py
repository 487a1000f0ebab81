"""The Users & audit log page (administrators; the services refuse anyone else)."""

from __future__ import annotations

from cxmaturity import services
from cxmaturity.access import User
from cxmaturity.store.records import AuditEntry


def users(user: User) -> list[dict]:
    """Accounts as table rows (never a password hash)."""
    return [
        {
            "Email": a.email,
            "Role": a.role,
            "Organisations": "all" if a.organisations is None else ", ".join(sorted(a.organisations)),
            "Password": "set" if a.has_password else "identity provider only",
            "Locked until": a.locked_until,
        }
        for a in services.list_users(user=user)
    ]


def audit_log(user: User, limit: int = 200) -> list[AuditEntry]:
    return services.list_audit(user, limit=limit)
