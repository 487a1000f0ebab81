"""Accounts, roles, sign-in with lockout, access checks and the audit log (design.md §1:
"organisations isolated").

Modes, chosen by ``CXMATURITY_AUTH`` (:func:`auth_mode`):

- unset, empty or ``none``: single-user local mode. Nobody signs in; everything runs as
  :data:`LOCAL_USER`, an administrator over every organisation (as before accounts existed).
- ``local``: accounts stored in the database, passwords hashed with argon2id
  (argon2-cffi's ``PasswordHasher``); the UI signs people in with :func:`authenticate`.
- ``oidc``: the identity provider signs people in; the UI maps the provider's email to an
  account (and with it a role) with :func:`user_for_email`.

Roles: ``admin`` (everything, every organisation, accounts and the audit log), ``analyst``
(read, upload, set targets and delete assessments of their organisations), ``viewer`` (read
their organisations). Access is enforced in ``cxmaturity.repository``: every function that
reads or changes an organisation's data takes ``user=`` (None = :data:`LOCAL_USER`) and raises
:class:`AccessDenied` with :data:`NO_ACCESS` for an organisation the user may not see, whether
it exists or not.

Sign-in lockout: :data:`MAX_FAILURES` failed sign-ins for one email within
:data:`FAILURE_WINDOW` lock that email for :data:`LOCK_TIME`. Failures are counted per email,
for unknown emails too, and an unknown email costs the same password-hash work, so neither the
messages nor the timing tell whether an account exists.

Account functions take the acting user as ``user=`` (None = :data:`LOCAL_USER`, as the CLI
runs) and require an administrator. Changes are written to ``audit_log`` in the same
transaction as the change they record.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import threading
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, Engine, and_, delete, func, insert, or_, select, update
from sqlalchemy.engine import URL
from sqlalchemy.exc import IntegrityError

from cxmaturity import db
from cxmaturity.errors import StoreError
from cxmaturity.schema import audit_log, login_attempts, organisations, user_organisations, users

EngineRef = Engine | str | URL | None

ENV_AUTH = "CXMATURITY_AUTH"
AUTH_MODES = ("none", "local", "oidc")

ADMIN, ANALYST, VIEWER = "admin", "analyst", "viewer"
ROLES = (ADMIN, ANALYST, VIEWER)

MAX_FAILURES = 5
FAILURE_WINDOW = dt.timedelta(minutes=15)
LOCK_TIME = dt.timedelta(minutes=15)
MIN_PASSWORD_LENGTH = 8  # NIST SP 800-63B
MAX_PASSWORD_LENGTH = 1024
MAX_EMAIL = 254
MAX_DETAIL = 2000
MAX_AUDIT_LIMIT = 10_000

SIGNED_IN = "Signed in."
WRONG_CREDENTIALS = "Wrong email or password."
LOCKED = "Too many failed attempts. Try again later."
NO_ACCESS = "You do not have access to that organisation."
READ_ONLY = "Your role can view this organisation but not change it."
ADMIN_ONLY = "Only an administrator can do that."

LOCAL_ACTOR = "local"
NOT_AN_EMAIL = "(not an email address)"  # audit actor for a sign-in with garbage (maybe a password) as email

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

EMAIL_RE = re.compile(r"^[^@\s\x00-\x1f\x7f]+@[^@\s\x00-\x1f\x7f]+$")


# --- errors ------------------------------------------------------------------------------


class AccessDenied(StoreError):
    """The user may not do this. The default message never says whether an organisation
    exists: the same for another user's organisation and for one that does not exist."""

    def __init__(self, message: str = NO_ACCESS):
        super().__init__(message)


class AccountError(StoreError, ValueError):
    """Invalid account input (email, role, password, organisations)."""


class UnknownAccount(StoreError, LookupError):
    pass


class AuthConfigError(ValueError):
    """CXMATURITY_AUTH holds an unknown value (the app must not start without protection)."""


# --- users and access checks ---------------------------------------------------------------


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

    def can_read(self, org: str) -> bool:
        return self.organisations is None or org in self.organisations

    def can_write(self, org: str) -> bool:
        return self.role in (ADMIN, ANALYST) and self.can_read(org)


LOCAL_USER = User(LOCAL_ACTOR, ADMIN, None)
"""Single-user local mode (and the CLI): an administrator over every organisation."""


def acting(user: User | None) -> User:
    """The user a call acts as: ``None`` means :data:`LOCAL_USER`."""
    if user is None:
        return LOCAL_USER
    if not isinstance(user, User):
        raise TypeError(f"user must be a cxmaturity.auth.User, not {type(user).__name__}")
    return user


def check_read(user: User | None, org: str) -> User:
    user = acting(user)
    if not user.can_read(org):
        raise AccessDenied()
    return user


def check_write(user: User | None, org: str) -> User:
    user = check_read(user, org)  # first: another organisation gets the generic message
    if not user.can_write(org):
        raise AccessDenied(READ_ONLY)
    return user


def check_admin(user: User | None, org: str | None = None) -> User:
    """An administrator only; with ``org``, someone without access to it gets the generic
    organisation message first."""
    user = check_read(user, org) if org is not None else acting(user)
    if not user.is_admin:
        raise AccessDenied(ADMIN_ONLY)
    return user


def auth_mode() -> str:
    """'none' (single-user local mode), 'local' (accounts with passwords) or 'oidc'."""
    value = os.environ.get(ENV_AUTH, "").strip().lower()
    if value in ("", "none"):
        return "none"
    if value in AUTH_MODES:
        return value
    raise AuthConfigError(f"{ENV_AUTH}={value!r} is not a known mode (use local or oidc, or leave it unset)")


# --- audit log -----------------------------------------------------------------------------


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _aware(value: dt.datetime | None) -> dt.datetime | None:
    if value is None or value.tzinfo is not None:
        return value
    return value.replace(tzinfo=dt.UTC)  # SQLite hands back naive datetimes; all stored in UTC


def _clip(text: Any, length: int) -> str | None:
    if text is None:
        return None
    return str(text).replace("\x00", "")[:length]  # PostgreSQL text cannot hold NUL


def write_audit(
    conn: Connection,
    user: User | str | None,
    action: str,
    organisation: str | None = None,
    detail: str | None = None,
    *,
    at: dt.datetime | None = None,
) -> None:
    """One audit entry on ``conn``, inside the caller's transaction (so it is committed or
    rolled back with the change it records). ``user``: a User, an actor string, or None
    (local)."""
    actor = user if isinstance(user, str) else acting(user).email
    conn.execute(
        insert(audit_log).values(
            at=at or _now(),
            actor=_clip(actor, MAX_EMAIL) or LOCAL_ACTOR,
            action=_clip(action, 32),
            organisation=_clip(organisation, 200),
            detail=_clip(detail, MAX_DETAIL),
        )
    )


def record(
    action: str,
    organisation: str | None = None,
    detail: str | None = None,
    *,
    user: User | None = None,
    engine: EngineRef = None,
) -> None:
    """Write one audit entry for something the UI did (e.g. an OIDC sign-in: ``record(SIGN_IN,
    detail="oidc", user=...)``, or an export)."""
    with db.write_transaction(db.get_engine(engine)) as conn:
        write_audit(conn, user, action, organisation, detail)


def list_audit(user: User | None = None, limit: int = 200, *, engine: EngineRef = None) -> list[dict]:
    """The newest ``limit`` audit entries, newest first: [{id, at (aware UTC), actor, action,
    organisation, detail}]. Administrators only (AccessDenied otherwise)."""
    check_admin(user)
    limit = max(1, min(int(limit), MAX_AUDIT_LIMIT))
    with db.read_transaction(db.get_engine(engine)) as conn:
        rows = conn.execute(select(audit_log).order_by(audit_log.c.id.desc()).limit(limit)).all()
    return [
        {
            "id": r.id,
            "at": _aware(r.at),
            "actor": r.actor,
            "action": r.action,
            "organisation": r.organisation,
            "detail": r.detail,
        }
        for r in rows
    ]


# --- passwords -----------------------------------------------------------------------------

_hasher_lock = threading.Lock()
_hasher_state: dict[str, Any] = {}


def password_hasher():
    """The process's argon2 PasswordHasher (argon2-cffi's defaults: argon2id, RFC 9106
    low-memory profile). Tests may replace it with :func:`set_password_hasher`."""
    with _hasher_lock:
        hasher = _hasher_state.get("hasher")
        if hasher is None:
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
    import secrets

    value = hasher.hash(secrets.token_urlsafe(24))
    with _hasher_lock:
        _hasher_state["dummy"] = (hasher, value)
    return value


def check_password_rules(password: Any) -> str:
    if not isinstance(password, str):
        raise AccountError("the password must be text")
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AccountError(f"the password must have at least {MIN_PASSWORD_LENGTH} characters")
    if len(password) > MAX_PASSWORD_LENGTH:
        raise AccountError(f"the password must have at most {MAX_PASSWORD_LENGTH} characters")
    return password


def hash_password(password: str) -> str:
    """An argon2id hash ("$argon2id$v=19$m=...") of ``password`` (checked against the rules)."""
    return password_hasher().hash(check_password_rules(password))


def verify_password(password_hash: str, password: str) -> bool:
    """True when ``password`` matches; False for a mismatch or a malformed hash."""
    from argon2.exceptions import InvalidHashError, VerificationError

    if not isinstance(password, str) or not isinstance(password_hash, str):
        return False
    try:
        return password_hasher().verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


# --- emails --------------------------------------------------------------------------------


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


# --- accounts ------------------------------------------------------------------------------


def _engine(engine: EngineRef) -> Engine:
    return db.get_engine(engine)


def _user_row(conn: Connection, email: str):
    return conn.execute(select(users).where(users.c.email == email)).one_or_none()


def _organisations_of(conn: Connection, user_id: int) -> frozenset[str]:
    names = conn.execute(
        select(organisations.c.name)
        .join(user_organisations, user_organisations.c.organisation_id == organisations.c.id)
        .where(user_organisations.c.user_id == user_id)
    ).scalars()
    return frozenset(names)


def _user_from_row(conn: Connection, row) -> User:
    orgs = None if row.role == ADMIN else _organisations_of(conn, row.id)
    return User(row.email, row.role, orgs)


def get_user(email: str, *, engine: EngineRef = None) -> User | None:
    """The account for ``email`` (case-insensitive) as a User, or None. The UI re-reads the
    signed-in user with this on every run, so role and organisation changes apply at once."""
    key = normalise_email(email)
    if not key:
        return None
    with db.read_transaction(_engine(engine)) as conn:
        row = _user_row(conn, key)
        return _user_from_row(conn, row) if row is not None else None


def user_for_email(email: str, *, engine: EngineRef = None) -> User | None:
    """OIDC hook: the account matching the identity provider's email (``st.user.email``),
    or None when there is none (the UI then refuses access)."""
    return get_user(email, engine=engine)


def _check_role(role: Any) -> str:
    if role not in ROLES:
        raise AccountError(f"unknown role '{role}' (roles: {', '.join(ROLES)})")
    return role


def _org_names(organisations_: Iterable[str] | None) -> list[str]:
    if organisations_ is None:
        return []
    if isinstance(organisations_, str):
        organisations_ = [organisations_]
    names = []
    for name in organisations_:
        if not isinstance(name, str):
            raise AccountError("organisations must be given by name")
        if name not in names:
            names.append(name)
    return names


def _org_ids(conn: Connection, names: list[str]) -> list[int]:
    from cxmaturity.repository import UnknownOrganisation

    if not names:
        return []
    found = dict(conn.execute(select(organisations.c.name, organisations.c.id).where(organisations.c.name.in_(names))).all())
    missing = [n for n in names if n not in found]
    if missing:
        quoted = ", ".join(f"'{n}'" for n in missing)
        raise UnknownOrganisation(f"unknown organisation{'s' if len(missing) > 1 else ''} {quoted}")
    return [found[n] for n in names]


def _check_scope(role: str, names: list[str]) -> None:
    if role == ADMIN and names:
        raise AccountError("an administrator sees every organisation; give organisations only to analysts and viewers")


def _set_organisations(conn: Connection, user_id: int, org_ids: list[int]) -> None:
    conn.execute(delete(user_organisations).where(user_organisations.c.user_id == user_id))
    if org_ids:
        conn.execute(insert(user_organisations), [{"user_id": user_id, "organisation_id": o} for o in org_ids])


def _other_admins(conn: Connection, email: str) -> int:
    return conn.execute(
        select(func.count()).select_from(users).where(users.c.role == ADMIN, users.c.email != email)
    ).scalar_one()


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
    engine: EngineRef = None,
) -> User:
    """Create an account. ``organisations``: names (must exist) for an analyst or viewer;
    none for an admin. ``password`` None: the account can only sign in through the identity
    provider (OIDC). Raises AccountError, UnknownOrganisation, AccessDenied (not an admin)."""
    actor = check_admin(user)
    key = check_email(email)
    role = _check_role(role)
    names = _org_names(organisations)
    _check_scope(role, names)
    password_hash = hash_password(password) if password is not None else None
    now = _now()
    try:
        with db.write_transaction(_engine(engine)) as conn:
            if _user_row(conn, key) is not None:
                raise AccountError(f"an account for {key} already exists")
            org_ids = _org_ids(conn, names)
            user_id = conn.execute(
                insert(users)
                .values(
                    email=key,
                    role=role,
                    password_hash=password_hash,
                    created_at=now,
                    password_changed_at=now if password_hash else None,
                )
                .returning(users.c.id)
            ).scalar_one()
            _set_organisations(conn, user_id, org_ids)
            write_audit(conn, actor, USER_ADD, detail=f"{key}: {_describe(role, names)}")
    except IntegrityError:  # a concurrent add of the same email
        raise AccountError(f"an account for {key} already exists") from None
    return User(key, role, None if role == ADMIN else frozenset(names))


def update_user(
    email: str,
    role: str | None = None,
    organisations: Iterable[str] | None = None,
    *,
    user: User | None = None,
    engine: EngineRef = None,
) -> User:
    """Change an account's role and/or organisations (``organisations`` replaces the list;
    None keeps it; an admin's list is always empty). The last administrator cannot be
    demoted."""
    actor = check_admin(user)
    key = normalise_email(email)
    if role is not None:
        _check_role(role)
    with db.write_transaction(_engine(engine)) as conn:
        row = _user_row(conn, key)
        if row is None:
            raise UnknownAccount(f"no account for {key}")
        new_role = role or row.role
        if organisations is None:
            names = [] if new_role == ADMIN else sorted(_organisations_of(conn, row.id))
        else:
            names = _org_names(organisations)
            _check_scope(new_role, names)
        if row.role == ADMIN and new_role != ADMIN and _other_admins(conn, key) == 0:
            raise AccountError(f"{key} is the last administrator; make another account admin first")
        org_ids = _org_ids(conn, names)
        conn.execute(update(users).where(users.c.id == row.id).values(role=new_role))
        _set_organisations(conn, row.id, org_ids)
        write_audit(conn, actor, USER_UPDATE, detail=f"{key}: {_describe(new_role, names)}")
    return User(key, new_role, None if new_role == ADMIN else frozenset(names))


def remove_user(email: str, *, user: User | None = None, engine: EngineRef = None) -> bool:
    """Delete an account; False when there is none. The last administrator cannot be removed."""
    actor = check_admin(user)
    key = normalise_email(email)
    with db.write_transaction(_engine(engine)) as conn:
        row = _user_row(conn, key)
        if row is None:
            return False
        if row.role == ADMIN and _other_admins(conn, key) == 0:
            raise AccountError(f"{key} is the last administrator; add another administrator first")
        conn.execute(delete(users).where(users.c.id == row.id))
        write_audit(conn, actor, USER_REMOVE, detail=key)
    return True


def set_password(email: str, password: str, *, user: User | None = None, engine: EngineRef = None) -> None:
    """Set a new password (and lift any lockout of the email). Raises UnknownAccount."""
    actor = check_admin(user)
    key = normalise_email(email)
    password_hash = hash_password(password)
    with db.write_transaction(_engine(engine)) as conn:
        result = conn.execute(
            update(users).where(users.c.email == key).values(password_hash=password_hash, password_changed_at=_now())
        )
        if result.rowcount == 0:
            raise UnknownAccount(f"no account for {key}")
        conn.execute(delete(login_attempts).where(login_attempts.c.email == key))
        write_audit(conn, actor, USER_PASSWD, detail=key)


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


def list_users(*, user: User | None = None, engine: EngineRef = None) -> list[Account]:
    """Every account, by email. Administrators only."""
    check_admin(user)
    now = _now()
    with db.read_transaction(_engine(engine)) as conn:
        rows = conn.execute(
            select(users, login_attempts.c.locked_until)
            .outerjoin(login_attempts, login_attempts.c.email == users.c.email)
            .order_by(users.c.email)
        ).all()
        links = conn.execute(
            select(user_organisations.c.user_id, organisations.c.name)
            .join(organisations, organisations.c.id == user_organisations.c.organisation_id)
            .order_by(organisations.c.name)
        ).all()
    by_user: dict[int, list[str]] = {}
    for link in links:
        by_user.setdefault(link.user_id, []).append(link.name)
    result = []
    for r in rows:
        locked = _aware(r.locked_until)
        result.append(
            Account(
                email=r.email,
                role=r.role,
                organisations=None if r.role == ADMIN else frozenset(by_user.get(r.id, [])),
                has_password=r.password_hash is not None,
                created_at=_aware(r.created_at),
                password_changed_at=_aware(r.password_changed_at),
                locked_until=locked if locked is not None and locked > now else None,
            )
        )
    return result


# --- sign-in -------------------------------------------------------------------------------


@dataclass(frozen=True)
class AuthResult:
    ok: bool
    user: User | None
    message: str  # SIGNED_IN, WRONG_CREDENTIALS or LOCKED


def _insert_ignore(conn: Connection, table, values: dict, conflict: list[str]):
    if conn.dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as dialect_insert
    else:
        from sqlalchemy.dialects.sqlite import insert as dialect_insert
    return dialect_insert(table).values(**values).on_conflict_do_nothing(index_elements=conflict)


def _count_attempt(conn: Connection, key: str, now: dt.datetime) -> tuple[bool, bool]:
    """Count this attempt against ``key`` BEFORE the password is checked (so parallel guesses
    cannot exceed the limit). Returns (locked already: refuse without checking, this attempt
    reaches the limit: it locks the email if the password turns out wrong)."""
    conn.execute(
        _insert_ignore(
            conn, login_attempts, {"email": key, "failures": 0, "first_failure_at": now, "locked_until": None}, ["email"]
        )
    )
    row = conn.execute(select(login_attempts).where(login_attempts.c.email == key).with_for_update()).one()
    locked_until = _aware(row.locked_until)
    if locked_until is not None and locked_until > now:
        return True, True
    first = _aware(row.first_failure_at)
    if locked_until is not None or row.failures == 0 or now - first > FAILURE_WINDOW:
        failures, first = 1, now  # an expired lock or an old window: count afresh
    else:
        failures = row.failures + 1
    reaches = failures >= MAX_FAILURES
    conn.execute(
        update(login_attempts)
        .where(login_attempts.c.email == key)
        .values(failures=failures, first_failure_at=first, locked_until=now + LOCK_TIME if reaches else None)
    )
    return False, reaches


def _prune_attempts(conn: Connection, keep: str, now: dt.datetime) -> None:
    """Forget counters that no longer matter (expired locks, windows past): the same as
    keeping them, but the table stays small under a spray of made-up emails."""
    conn.execute(
        delete(login_attempts).where(
            login_attempts.c.email != keep,
            or_(
                login_attempts.c.locked_until < now,
                and_(login_attempts.c.locked_until.is_(None), login_attempts.c.first_failure_at < now - FAILURE_WINDOW),
            ),
        )
    )


def authenticate(email: str, password: str, *, now: dt.datetime | None = None, engine: EngineRef = None) -> AuthResult:
    """Check an email (trimmed, case-insensitive) and password.

    ``MAX_FAILURES`` failures for one email within ``FAILURE_WINDOW`` lock it for
    ``LOCK_TIME``: every attempt is then refused with LOCKED, even with the right password.
    Known and unknown emails get the same messages, the same lockout and the same hashing work.
    A success resets the count. Sign-ins, failures and refusals go to the audit log.
    ``now``: the current time (tests); default the clock.
    """
    eng = _engine(engine)
    when = _aware(now) or _now()
    key = normalise_email(email)[:MAX_EMAIL]
    actor = key if is_email(key) else NOT_AN_EMAIL  # a password typed as email never reaches the log
    dummy = _dummy_hash()  # made before any branch: the first call costs the same for everyone
    with db.write_transaction(eng) as conn:
        locked, reaches_limit = _count_attempt(conn, key, when)
        row = _user_row(conn, key) if key else None
        if locked:
            write_audit(conn, actor, SIGN_IN_LOCKED, detail="refused: locked after too many failed attempts", at=when)
    if locked:
        return AuthResult(False, None, LOCKED)

    stored = row.password_hash if row is not None else None
    matches = verify_password(stored or dummy, password if isinstance(password, str) else "")
    ok = matches and stored is not None
    with db.write_transaction(eng) as conn:
        if ok:
            conn.execute(delete(login_attempts).where(login_attempts.c.email == key))
            hasher = password_hasher()
            if hasher.check_needs_rehash(stored):
                conn.execute(update(users).where(users.c.id == row.id).values(password_hash=hasher.hash(password)))
            signed_in = _user_from_row(conn, row)
            write_audit(conn, signed_in, SIGN_IN, detail="password", at=when)
        else:
            detail = "wrong email or password" + ("; locked after too many failed attempts" if reaches_limit else "")
            write_audit(conn, actor, SIGN_IN_FAILED, detail=detail, at=when)
            _prune_attempts(conn, key, when)
    if ok:
        return AuthResult(True, signed_in, SIGNED_IN)
    return AuthResult(False, None, LOCKED if reaches_limit else WRONG_CREDENTIALS)
