"""Who may do what: roles, the acting user and pure access checks (no database).

Modes, chosen by ``CXMATURITY_AUTH`` (:func:`auth_mode`):

- unset, empty or ``none``: single-user local mode. Nobody signs in; everything runs as
  :data:`LOCAL_USER`, an administrator over every organisation.
- ``local``: accounts stored in the database, passwords hashed with argon2id; the UI signs
  people in with ``services.authenticate``.
- ``oidc``: the identity provider signs people in; the UI maps the provider's email to an
  account (and with it a role) with ``services.user_for_email``.

Roles: ``admin`` (everything, every organisation, accounts and the audit log), ``analyst``
(read, upload, set targets and delete assessments of their organisations), ``viewer`` (read
their organisations). Services check access before they touch data: every use case that reads
or changes an organisation's data takes ``user=`` (None = :data:`LOCAL_USER`) and raises
:class:`AccessDenied` with one message for an organisation the user may not see, whether it
exists or not. Pages ask the same functions what to show (``may_upload``, ``may_administer``),
so the UI never decides policy itself.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from dataclasses import dataclass
from typing import Any

from cxmaturity.errors import NO_ACCESS as NO_ACCESS
from cxmaturity.errors import AccessDenied as AccessDenied
from cxmaturity.errors import AccountError as AccountError
from cxmaturity.errors import AuthConfigError as AuthConfigError
from cxmaturity.errors import UnknownAccount as UnknownAccount
from cxmaturity.i18n import N_, _

ENV_AUTH = "CXMATURITY_AUTH"
AUTH_MODES = ("none", "local", "oidc")

ADMIN, ANALYST, VIEWER = "admin", "analyst", "viewer"
ROLES = (ADMIN, ANALYST, VIEWER)

# sign-in lockout and account rules
MAX_FAILURES = 5
FAILURE_WINDOW = dt.timedelta(minutes=15)
LOCK_TIME = dt.timedelta(minutes=15)
MIN_PASSWORD_LENGTH = 8  # NIST SP 800-63B
MAX_PASSWORD_LENGTH = 1024
MAX_EMAIL = 254
MAX_DETAIL = 2000
MAX_AUDIT_LIMIT = 10_000

# shown to people (the sign-in page, a refused action): English msgids, translated where they are
# handed out (services.authenticate's result, the AccessDenied raised below)
SIGNED_IN = N_("Signed in.")
WRONG_CREDENTIALS = N_("Wrong email or password.")
LOCKED = N_("Too many failed attempts. Try again later.")
READ_ONLY = N_("Your role can view this organisation but not change it.")
ADMIN_ONLY = N_("Only an administrator can do that.")

LOCAL_ACTOR = "local"
# audit actor for a sign-in with garbage (maybe a password) as email
NOT_AN_EMAIL = "(not an email address)"

# audit actions
SIGN_IN = "sign_in"
SIGN_IN_FAILED = "sign_in_failed"
SIGN_IN_LOCKED = "sign_in_locked"
IMPORT = "import"
DELETE_ASSESSMENT = "delete_assessment"
DELETE_ORGANISATION = "delete_organisation"
SAVE_ORGANISATION = "save_organisation"
SET_TARGET = "set_target"
DELETE_TARGET = "delete_target"
RESCORE = "rescore"
USER_ADD = "user_add"
USER_REMOVE = "user_remove"
USER_PASSWD = "user_passwd"
USER_UPDATE = "user_update"
RESTORE_ASSESSMENT = "restore_assessment"
RESTORE_ORGANISATION = "restore_organisation"
RESTORE_TARGET = "restore_target"
RENAME_ORGANISATION = "rename_organisation"
REMOVE_DEMO = "remove_demo"
PURGE = "purge"
ADD_INITIATIVE = "add_initiative"
OPEN_WAVE = "open_wave"
CLOSE_WAVE = "close_wave"
UPDATE_INITIATIVE = "update_initiative"
DELETE_INITIATIVE = "delete_initiative"
RESTORE_INITIATIVE = "restore_initiative"
ADD_EXECUTIVE = "add_executive"
DELETE_EXECUTIVE = "delete_executive"
RATE_EXECUTIVE = "rate_executive"
RESTORE_EXECUTIVE = "restore_executive"

EMAIL_RE = re.compile(r"^[^@\s\x00-\x1f\x7f]+@[^@\s\x00-\x1f\x7f]+$")


@dataclass(frozen=True)
class User:
    """Who is acting. ``organisations``: the names the user may see, or None for all (an
    admin always has None). Frozen and hashable: safe to keep in a session and to use in
    cache keys."""

    email: str
    role: str
    organisations: frozenset[str] | None = None

    def __post_init__(self) -> None:
        if self.role not in ROLES:
            raise AccountError(f"unknown role '{self.role}' (roles: {', '.join(ROLES)})")
        orgs = self.organisations
        if self.role == ADMIN:
            orgs = None
        elif orgs is not None and not isinstance(orgs, frozenset):
            orgs = frozenset(orgs)
        object.__setattr__(self, "organisations", orgs)

    @property
    def is_admin(self) -> bool:
        return self.role == ADMIN

    @property
    def is_local(self) -> bool:
        return self is LOCAL_USER or self == LOCAL_USER

    @property
    def may_upload(self) -> bool:
        """Analysts and admins upload, set targets and delete; viewers only read."""
        return self.role in (ADMIN, ANALYST)

    @property
    def may_create_organisations(self) -> bool:
        return self.is_admin

    @property
    def may_administer(self) -> bool:
        """Accounts and the audit log."""
        return self.is_admin

    def can_read(self, org: str) -> bool:
        return self.organisations is None or org in self.organisations

    def can_write(self, org: str) -> bool:
        return self.may_upload and self.can_read(org)


LOCAL_USER = User(LOCAL_ACTOR, ADMIN, None)
"""Single-user local mode (and the CLI): an administrator over every organisation."""


def acting(user: User | None) -> User:
    """The user a call acts as: ``None`` means :data:`LOCAL_USER`."""
    if user is None:
        return LOCAL_USER
    if not isinstance(user, User):
        raise TypeError(f"user must be a cxmaturity.access.User, not {type(user).__name__}")
    return user


def check_read(user: User | None, org: str) -> User:
    user = acting(user)
    if not user.can_read(org):
        raise AccessDenied(_(NO_ACCESS))
    return user


def check_write(user: User | None, org: str) -> User:
    user = check_read(user, org)  # first: another organisation gets the generic message
    if not user.can_write(org):
        raise AccessDenied(_(READ_ONLY))
    return user


def check_admin(user: User | None, org: str | None = None) -> User:
    """An administrator only; with ``org``, someone without access to it gets the generic
    organisation message first."""
    user = check_read(user, org) if org is not None else acting(user)
    if not user.is_admin:
        raise AccessDenied(_(ADMIN_ONLY))
    return user


def auth_mode() -> str:
    """'none' (single-user local mode), 'local' (accounts with passwords) or 'oidc'."""
    value = os.environ.get(ENV_AUTH, "").strip().lower()
    if value in ("", "none"):
        return "none"
    if value in AUTH_MODES:
        return value
    raise AuthConfigError(
        f"{ENV_AUTH}={value!r} is not a known mode (use local or oidc, or leave it unset)"
    )


# --- account input rules ---------------------------------------------------------------------


def normalise_email(email: Any) -> str:
    """Trimmed and lower-cased: emails are matched case-insensitively."""
    return str(email if email is not None else "").strip().lower()


def is_email(email: str) -> bool:
    return len(email) <= MAX_EMAIL and EMAIL_RE.match(email) is not None


def check_email(email: Any) -> str:
    value = normalise_email(email)
    if not value:
        raise AccountError("the email must not be empty")
    if not is_email(value):
        raise AccountError(f"'{value[:80]}' is not an email address")
    return value


def check_role(role: Any) -> str:
    if role not in ROLES:
        raise AccountError(f"unknown role '{role}' (roles: {', '.join(ROLES)})")
    return role


def check_password_rules(password: Any) -> str:
    if not isinstance(password, str):
        raise AccountError("the password must be text")
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AccountError(f"the password must have at least {MIN_PASSWORD_LENGTH} characters")
    if len(password) > MAX_PASSWORD_LENGTH:
        raise AccountError(f"the password must have at most {MAX_PASSWORD_LENGTH} characters")
    return password
