"""The Users & audit log page (administrators; the services refuse anyone else)."""

from __future__ import annotations

from cxmaturity import services
from cxmaturity.access import ADMIN, ANALYST, VIEWER, User
from cxmaturity.i18n import _
from cxmaturity.store.records import AuditEntry


def role_label(role: str) -> str:
    """A role as the users table shows it (the role's own word in English: 'admin')."""
    return {ADMIN: _("admin"), ANALYST: _("analyst"), VIEWER: _("viewer")}.get(role, role)


def users(user: User) -> list[dict]:
    """Accounts as table rows (never a password hash)."""
    return [
        {
            _("Email"): a.email,
            _("Role"): role_label(a.role),
            _("Organisations"): _("all")
            if a.organisations is None
            else ", ".join(sorted(a.organisations)),
            _("Password"): _("set") if a.has_password else _("identity provider only"),
            _("Locked until"): a.locked_until,
        }
        for a in services.list_users(user=user)
    ]


def audit_log(user: User, limit: int = 200) -> list[dict]:
    """The newest audit entries as table rows: headers in the interface language, the entries
    themselves (actions, details) as they were logged."""
    return [_audit_row(e) for e in services.list_audit(user, limit=limit)]


def _audit_row(entry: AuditEntry) -> dict:
    return {
        _("id"): entry.id,
        _("at"): entry.at,
        _("actor"): entry.actor,
        _("action"): entry.action,
        _("organisation"): entry.organisation,
        _("detail"): entry.detail,
    }
