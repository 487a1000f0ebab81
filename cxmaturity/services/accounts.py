"""Accounts and sign-in: argon2 passwords, lockout, account administration.

Sign-in lockout: ``access.MAX_FAILURES`` failed sign-ins for one email within
``access.FAILURE_WINDOW`` lock that email for ``access.LOCK_TIME``. Failures are counted per
email, for unknown emails too, and an unknown email costs the same password-hash work, so
neither the messages nor the timing tell whether an account exists.

Account changes take the acting user as ``user=`` (None = the local administrator, as the CLI
runs) and require an administrator; each is audited in the same transaction.
"""

from __future__ import annotations

import datetime as dt
import secrets
import threading
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy.exc import IntegrityError

from cxmaturity import store
from cxmaturity.access import (
    ADMIN,
    FAILURE_WINDOW,
    LOCK_TIME,
    LOCKED,
    MAX_EMAIL,
    MAX_FAILURES,
    NOT_AN_EMAIL,
    SIGN_IN,
    SIGN_IN_FAILED,
    SIGN_IN_LOCKED,
    SIGNED_IN,
    USER_ADD,
    USER_PASSWD,
    USER_REMOVE,
    USER_UPDATE,
    WRONG_CREDENTIALS,
    AccountError,
    UnknownAccount,
    User,
    check_admin,
    check_email,
    check_password_rules,
    check_role,
    is_email,
    normalise_email,
)
from cxmaturity.errors import UnknownOrganisation
from cxmaturity.i18n import _, ngettext
from cxmaturity.services.audit import actor_of
from cxmaturity.store import accounts as accounts_sql
from cxmaturity.store import audit as audit_sql
from cxmaturity.store import organisations as orgs_sql
from cxmaturity.store.sql import aware, now

# --- passwords -----------------------------------------------------------------------------------

_hasher_lock = threading.Lock()
_hasher_state: dict[str, Any] = {}


def password_hasher():
    """The process's argon2 PasswordHasher (argon2-cffi's defaults: argon2id, RFC 9106
    low-memory profile). Tests may replace it with :func:`set_password_hasher`."""
    with _hasher_lock:
        hasher = _hasher_state.get("hasher")
        if hasher is None:
            # argon2 is imported on first use: the CLI's reading commands never need it
            from argon2 import PasswordHasher

            hasher = _hasher_state["hasher"] = PasswordHasher()
        return hasher


def set_password_hasher(hasher=None) -> None:
    """Use ``hasher`` (an argon2 PasswordHasher) from now on; None: back to the default."""
    with _hasher_lock:
        _hasher_state.clear()
        if hasher is not None:
            _hasher_state["hasher"] = hasher


def _dummy_hash() -> str:
    """A hash of a random password with the current parameters: verified against for unknown
    emails and accounts without a password, so they cost the same time as a real account."""
    hasher = password_hasher()
    with _hasher_lock:
        cached = _hasher_state.get("dummy")
        if cached is not None and cached[0] is hasher:
            return cached[1]
    value = hasher.hash(secrets.token_urlsafe(24))
    with _hasher_lock:
        _hasher_state["dummy"] = (hasher, value)
    return value


def hash_password(password: str) -> str:
    """An argon2id hash ("$argon2id$v=19$m=...") of ``password`` (checked against the rules)."""
    return password_hasher().hash(check_password_rules(password))


def verify_password(password_hash: str, password: str) -> bool:
    """True when ``password`` matches; False for a mismatch or a malformed hash."""
    from argon2.exceptions import InvalidHashError, VerificationError  # see password_hasher

    if not isinstance(password, str) or not isinstance(password_hash, str):
        return False
    try:
        return password_hasher().verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


# --- accounts ------------------------------------------------------------------------------------


def _user_from_row(conn, row) -> User:
    orgs = None if row.role == ADMIN else accounts_sql.organisations_of(conn, row.id)
    return User(row.email, row.role, orgs)


def get_user(email: str, *, engine: store.EngineRef = None) -> User | None:
    """The account for ``email`` (case-insensitive) as a User, or None. The UI re-reads the
    signed-in user with this on every run, so role and organisation changes apply at once."""
    key = normalise_email(email)
    if not key:
        return None
    with store.reading(engine) as conn:
        row = accounts_sql.row_for(conn, key)
        return _user_from_row(conn, row) if row is not None else None


def user_for_email(email: str, *, engine: store.EngineRef = None) -> User | None:
    """OIDC hook: the account matching the identity provider's email (``st.user.email``),
    or None when there is none (the UI then refuses access)."""
    return get_user(email, engine=engine)


def _org_names(organisations: Iterable[str] | None) -> list[str]:
    if organisations is None:
        return []
    if isinstance(organisations, str):
        organisations = [organisations]
    names = []
    for name in organisations:
        if not isinstance(name, str):
            raise AccountError(_("organisations must be given by name"))
        if name not in names:
            names.append(name)
    return names


def _org_ids(conn, names: list[str]) -> list[int]:
    found = orgs_sql.ids_of(conn, names)
    missing = [n for n in names if n not in found]
    if missing:
        quoted = ", ".join(f"'{n}'" for n in missing)
        raise UnknownOrganisation(
            ngettext(
                "unknown organisation {names}", "unknown organisations {names}", len(missing)
            ).format(names=quoted)
        )
    return [found[n] for n in names]


def _check_scope(role: str, names: list[str]) -> None:
    if role == ADMIN and names:
        raise AccountError(
            _(
                "an administrator sees every organisation; give organisations only to analysts and viewers"
            )
        )


def _describe(role: str, names: list[str]) -> str:
    if role == ADMIN:
        return "role admin, all organisations"
    return f"role {role}, organisations: {', '.join(names) if names else 'none'}"


def add_user(
    email: str,
    role: str,
    organisations: Iterable[str] | None = None,
    password: str | None = None,
    *,
    user: User | None = None,
    engine: store.EngineRef = None,
) -> User:
    """Create an account. ``organisations``: names (must exist) for an analyst or viewer;
    none for an admin. ``password`` None: the account can only sign in through the identity
    provider (OIDC). Raises AccountError, UnknownOrganisation, AccessDenied (not an admin)."""
    actor = check_admin(user)
    key = check_email(email)
    role = check_role(role)
    names = _org_names(organisations)
    _check_scope(role, names)
    password_hash = hash_password(password) if password is not None else None
    try:
        with store.writing(engine) as conn:
            if accounts_sql.row_for(conn, key) is not None:
                raise AccountError(_("an account for {key} already exists").format(key=key))
            org_ids = _org_ids(conn, names)
            user_id = accounts_sql.insert_user(conn, key, role, password_hash, now())
            accounts_sql.set_organisations(conn, user_id, org_ids)
            audit_sql.write(
                conn, actor_of(actor), USER_ADD, detail=f"{key}: {_describe(role, names)}"
            )
    except IntegrityError:  # a concurrent add of the same email
        raise AccountError(_("an account for {key} already exists").format(key=key)) from None
    return User(key, role, None if role == ADMIN else frozenset(names))


def update_user(
    email: str,
    role: str | None = None,
    organisations: Iterable[str] | None = None,
    *,
    user: User | None = None,
    engine: store.EngineRef = None,
) -> User:
    """Change an account's role and/or organisations (``organisations`` replaces the list;
    None keeps it; an admin's list is always empty). The last administrator cannot be
    demoted."""
    actor = check_admin(user)
    key = normalise_email(email)
    if role is not None:
        check_role(role)
    with store.writing(engine) as conn:
        row = accounts_sql.row_for(conn, key)
        if row is None:
            raise UnknownAccount(_("no account for {key}").format(key=key))
        new_role = role or row.role
        if organisations is None:
            names = [] if new_role == ADMIN else sorted(accounts_sql.organisations_of(conn, row.id))
        else:
            names = _org_names(organisations)
            _check_scope(new_role, names)
        if row.role == ADMIN and new_role != ADMIN and accounts_sql.other_admins(conn, key) == 0:
            raise AccountError(
                _("{key} is the last administrator; make another account admin first").format(
                    key=key
                )
            )
        org_ids = _org_ids(conn, names)
        accounts_sql.set_role(conn, row.id, new_role)
        accounts_sql.set_organisations(conn, row.id, org_ids)
        audit_sql.write(
            conn, actor_of(actor), USER_UPDATE, detail=f"{key}: {_describe(new_role, names)}"
        )
    return User(key, new_role, None if new_role == ADMIN else frozenset(names))


def remove_user(email: str, *, user: User | None = None, engine: store.EngineRef = None) -> bool:
    """Delete an account; False when there is none. The last administrator cannot be removed."""
    actor = check_admin(user)
    key = normalise_email(email)
    with store.writing(engine) as conn:
        row = accounts_sql.row_for(conn, key)
        if row is None:
            return False
        if row.role == ADMIN and accounts_sql.other_admins(conn, key) == 0:
            raise AccountError(
                _("{key} is the last administrator; add another administrator first").format(
                    key=key
                )
            )
        accounts_sql.delete_user(conn, row.id)
        audit_sql.write(conn, actor_of(actor), USER_REMOVE, detail=key)
    return True


def set_password(
    email: str, password: str, *, user: User | None = None, engine: store.EngineRef = None
) -> None:
    """Set a new password (and lift any lockout of the email). Raises UnknownAccount."""
    actor = check_admin(user)
    key = normalise_email(email)
    password_hash = hash_password(password)
    with store.writing(engine) as conn:
        if not accounts_sql.set_password_hash(conn, key, password_hash, now()):
            raise UnknownAccount(_("no account for {key}").format(key=key))
        accounts_sql.clear_attempts(conn, key)
        audit_sql.write(conn, actor_of(actor), USER_PASSWD, detail=key)


@dataclass(frozen=True)
class Account:
    """An account as the Users page lists it (never its password hash)."""

    email: str
    role: str
    organisations: frozenset[str] | None  # None: all (an admin)
    has_password: bool  # False: signs in through the identity provider only
    created_at: dt.datetime
    password_changed_at: dt.datetime | None
    locked_until: dt.datetime | None  # set while sign-in is locked after failed attempts

    @property
    def user(self) -> User:
        return User(self.email, self.role, self.organisations)


def list_users(*, user: User | None = None, engine: store.EngineRef = None) -> list[Account]:
    """Every account, by email. Administrators only."""
    check_admin(user)
    at = now()
    with store.reading(engine) as conn:
        rows, by_user = accounts_sql.all_with_lock_state(conn)
    result = []
    for r in rows:
        locked = aware(r.locked_until)
        result.append(
            Account(
                email=r.email,
                role=r.role,
                organisations=None if r.role == ADMIN else frozenset(by_user.get(r.id, [])),
                has_password=r.password_hash is not None,
                created_at=aware(r.created_at),
                password_changed_at=aware(r.password_changed_at),
                locked_until=locked if locked is not None and locked > at else None,
            )
        )
    return result


# --- sign-in -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class AuthResult:
    ok: bool
    user: User | None
    message: str  # SIGNED_IN, WRONG_CREDENTIALS or LOCKED, in the interface language


def _count_attempt(conn, key: str, at: dt.datetime) -> tuple[bool, bool]:
    """Count this attempt against ``key`` BEFORE the password is checked (so parallel guesses
    cannot exceed the limit). Returns (locked already: refuse without checking, this attempt
    reaches the limit: it locks the email if the password turns out wrong)."""
    failures, first, locked_until = accounts_sql.attempts_row_locked(conn, key, at)
    if locked_until is not None and locked_until > at:
        return True, True
    if locked_until is not None or failures == 0 or at - first > FAILURE_WINDOW:
        failures, first = 1, at  # an expired lock or an old window: count afresh
    else:
        failures += 1
    reaches = failures >= MAX_FAILURES
    accounts_sql.set_attempts(conn, key, failures, first, at + LOCK_TIME if reaches else None)
    return False, reaches


def authenticate(
    email: str, password: str, *, now: dt.datetime | None = None, engine: store.EngineRef = None
) -> AuthResult:
    """Check an email (trimmed, case-insensitive) and password.

    ``MAX_FAILURES`` failures for one email within ``FAILURE_WINDOW`` lock it for
    ``LOCK_TIME``: every attempt is then refused with LOCKED, even with the right password.
    Known and unknown emails get the same messages, the same lockout and the same hashing work.
    A success resets the count. Sign-ins, failures and refusals go to the audit log.
    ``now``: the current time (tests); default the clock.
    """
    eng = store.get_engine(engine)
    when = aware(now) or _clock()
    key = normalise_email(email)[:MAX_EMAIL]
    # a password typed as email never reaches the log
    actor = key if is_email(key) else NOT_AN_EMAIL
    dummy = _dummy_hash()  # made before any branch: the first call costs the same for everyone
    with store.writing(eng) as conn:
        locked, reaches_limit = _count_attempt(conn, key, when)
        row = accounts_sql.row_for(conn, key) if key else None
        if locked:
            audit_sql.write(
                conn,
                actor,
                SIGN_IN_LOCKED,
                detail="refused: locked after too many failed attempts",
                at=when,
            )
    if locked:
        return AuthResult(False, None, _(LOCKED))

    stored = row.password_hash if row is not None else None
    matches = verify_password(stored or dummy, password if isinstance(password, str) else "")
    ok = matches and stored is not None
    with store.writing(eng) as conn:
        if ok:
            accounts_sql.clear_attempts(conn, key)
            hasher = password_hasher()
            if hasher.check_needs_rehash(stored):
                accounts_sql.set_password_hash(conn, key, hasher.hash(password), None)
            signed_in = _user_from_row(conn, row)
            audit_sql.write(conn, signed_in.email, SIGN_IN, detail="password", at=when)
        else:
            detail = "wrong email or password" + (
                "; locked after too many failed attempts" if reaches_limit else ""
            )
            audit_sql.write(conn, actor, SIGN_IN_FAILED, detail=detail, at=when)
            accounts_sql.prune_attempts(conn, key, when, FAILURE_WINDOW)
    if ok:
        return AuthResult(True, signed_in, _(SIGNED_IN))
    return AuthResult(False, None, _(LOCKED if reaches_limit else WRONG_CREDENTIALS))


_clock = now  # the parameter ``now`` of authenticate shadows the store's clock
