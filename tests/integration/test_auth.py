"""Accounts, password hashing, sign-in lockout, the audit log, the `cxmaturity user` CLI,
migration 0002 and safe CSV/XLSX exports (cxmaturity.auth, cxmaturity.cli_users,
cxmaturity.exports)."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import math

import openpyxl
import pandas as pd
import pytest
from argon2 import PasswordHasher
from sqlalchemy import inspect

from cxmaturity import access, errors, services
from cxmaturity.access import LOCKED, SIGNED_IN, WRONG_CREDENTIALS, AccessDenied, User
from cxmaturity.store import engine as db

T0 = dt.datetime(2026, 3, 1, 9, 0, tzinfo=dt.UTC)
PASSWORD = "correct horse battery"
ACCOUNT_TABLES = {"users", "user_organisations", "login_attempts", "audit_log"}


class CountingHasher(PasswordHasher):
    """A cheap argon2 hasher (tests only) that counts verifications."""

    def __init__(self):
        super().__init__(time_cost=1, memory_cost=8, parallelism=1)
        self.verified = 0

    def verify(self, hash, password):  # noqa: A002 - argon2's parameter name
        self.verified += 1
        return super().verify(hash, password)


@pytest.fixture
def hasher():
    counting = CountingHasher()
    services.set_password_hasher(counting)
    yield counting
    services.set_password_hasher(None)


@pytest.fixture
def accounts(engine, hasher):
    """Org A and B; admin, analyst of A, viewer of A (all with PASSWORD)."""
    services.create_organisation("A", engine=engine)
    services.create_organisation("B", engine=engine)
    services.add_user("admin@example.com", "admin", password=PASSWORD, engine=engine)
    services.add_user("ann@example.com", "analyst", ["A"], PASSWORD, engine=engine)
    services.add_user("vic@example.com", "viewer", ["A"], PASSWORD, engine=engine)
    return engine


def _actions(engine, actor=None):
    entries = services.list_audit(limit=1000, engine=engine)
    return [(e.actor, e.action) for e in reversed(entries) if actor is None or e.actor == actor]


# --- users and roles -----------------------------------------------------------------------


def test_user_roles_and_the_local_user():
    viewer = User("v@x.org", "viewer", ["A"])
    analyst = User("a@x.org", "analyst", frozenset({"A", "C"}))
    admin = User("root@x.org", "admin", ["ignored"])
    assert viewer.organisations == frozenset({"A"}) and admin.organisations is None
    assert viewer.can_read("A") and not viewer.can_write("A") and not viewer.can_read("B")
    assert analyst.can_write("A") and analyst.can_write("C") and not analyst.can_write("B")
    assert admin.can_read("anything") and admin.can_write("anything") and admin.is_admin
    assert not viewer.is_admin and not analyst.is_admin
    assert access.LOCAL_USER.is_admin and access.LOCAL_USER.organisations is None
    assert access.LOCAL_USER.email == "local" and access.acting(None) is access.LOCAL_USER
    with pytest.raises(access.AccountError):
        User("x@x.org", "superuser")
    hash(viewer)  # usable as a cache key


def test_auth_mode_from_the_environment(monkeypatch):
    monkeypatch.delenv(access.ENV_AUTH, raising=False)
    assert access.auth_mode() == "none"
    for value, mode in (("", "none"), ("none", "none"), ("local", "local"), (" LOCAL ", "local"), ("oidc", "oidc")):
        monkeypatch.setenv(access.ENV_AUTH, value)
        assert access.auth_mode() == mode
    monkeypatch.setenv(access.ENV_AUTH, "lcoal")  # a typo must not silently switch protection off
    with pytest.raises(access.AuthConfigError):
        access.auth_mode()


# --- password hashing ----------------------------------------------------------------------


def test_password_hash_is_argon2id_and_verifies():
    hashed = services.hash_password(PASSWORD)
    assert hashed != PASSWORD and PASSWORD not in hashed
    assert hashed.startswith("$argon2id$")
    assert services.hash_password(PASSWORD) != hashed  # salted
    assert services.verify_password(hashed, PASSWORD)
    assert not services.verify_password(hashed, PASSWORD + "!")
    assert not services.verify_password("not a hash", PASSWORD)
    for bad in ("short", "", None, "x" * (access.MAX_PASSWORD_LENGTH + 1)):
        with pytest.raises(access.AccountError):
            services.hash_password(bad)


def test_passwords_are_stored_hashed(accounts, db_url):
    from sqlalchemy import create_engine, text

    plain = create_engine(db_url)
    try:
        with plain.connect() as conn:
            stored = conn.execute(text("SELECT password_hash FROM users WHERE email = 'ann@example.com'")).scalar_one()
    finally:
        plain.dispose()
    assert stored.startswith("$argon2id$") and PASSWORD not in stored


# --- sign-in and lockout ---------------------------------------------------------------------


def test_sign_in_with_email_in_any_case_and_spacing(accounts):
    result = services.authenticate("  Ann@Example.COM ", PASSWORD, now=T0, engine=accounts)
    assert result == services.AuthResult(True, User("ann@example.com", "analyst", frozenset({"A"})), SIGNED_IN)
    wrong = services.authenticate("ann@example.com", "wrong password", now=T0, engine=accounts)
    assert wrong == services.AuthResult(False, None, WRONG_CREDENTIALS)


def test_five_failures_lock_the_account_until_the_lock_time_passes(accounts):
    messages = [services.authenticate("ann@example.com", f"guess {i}", now=T0 + dt.timedelta(minutes=i), engine=accounts).message for i in range(5)]
    assert messages == [WRONG_CREDENTIALS] * 4 + [LOCKED]
    # locked: even the right password is refused
    during = services.authenticate("ann@example.com", PASSWORD, now=T0 + dt.timedelta(minutes=10), engine=accounts)
    assert (during.ok, during.user, during.message) == (False, None, LOCKED)
    # the lock runs LOCK_TIME from the fifth failure (at T0 + 4 min)
    still = services.authenticate("ann@example.com", PASSWORD, now=T0 + dt.timedelta(minutes=4) + access.LOCK_TIME - dt.timedelta(seconds=1), engine=accounts)
    assert still.message == LOCKED
    after = services.authenticate("ann@example.com", PASSWORD, now=T0 + dt.timedelta(minutes=4) + access.LOCK_TIME + dt.timedelta(seconds=1), engine=accounts)
    assert after.ok and after.message == SIGNED_IN and after.user.email == "ann@example.com"


def test_an_unknown_email_gets_the_same_messages_and_lockout(accounts, hasher):
    def attempts(email: str, password_at_end: str) -> list[str]:
        out = []
        for i in range(6):
            out.append(services.authenticate(email, f"guess {i}", now=T0 + dt.timedelta(minutes=i), engine=accounts).message)
        out.append(services.authenticate(email, password_at_end, now=T0 + dt.timedelta(minutes=7), engine=accounts).message)
        return out

    known = attempts("vic@example.com", PASSWORD)
    unknown = attempts("nobody@example.com", PASSWORD)
    assert known == unknown == [WRONG_CREDENTIALS] * 4 + [LOCKED] * 3
    # the same hashing work: one verification per attempt that is not refused by a lock
    hasher.verified = 0
    services.authenticate("admin@example.com", "wrong password", now=T0, engine=accounts)
    known_work = hasher.verified
    services.authenticate("someone-else@example.com", "wrong password", now=T0, engine=accounts)
    assert known_work == 1 and hasher.verified == 2


def test_an_account_without_password_never_signs_in_with_one(accounts):
    services.add_user("oidc@example.com", "viewer", ["A"], engine=accounts)
    for password in ("", "anything at all", PASSWORD):
        assert services.authenticate("oidc@example.com", password, now=T0, engine=accounts).message == WRONG_CREDENTIALS
    assert services.user_for_email("OIDC@example.com ", engine=accounts) == User("oidc@example.com", "viewer", frozenset({"A"}))


def test_oidc_accounts_are_found_by_email_and_sign_ins_recorded(accounts):
    found = services.user_for_email(" Vic@Example.com", engine=accounts)
    assert found == User("vic@example.com", "viewer", frozenset({"A"}))
    assert services.user_for_email("stranger@example.com", engine=accounts) is None
    assert services.user_for_email("", engine=accounts) is None
    services.record(access.SIGN_IN, detail="oidc", user=found, engine=accounts)
    latest = services.list_audit(limit=1, engine=accounts)[0]
    assert (latest.actor, latest.action, latest.detail) == ("vic@example.com", "sign_in", "oidc")


def test_stale_failure_counters_are_forgotten(accounts, db_url, counts):
    for i in range(20):
        services.authenticate(f"spray{i}@example.com", "nope", now=T0, engine=accounts)
    assert counts(db_url)["login_attempts"] == 20
    services.authenticate("late@example.com", "nope", now=T0 + access.FAILURE_WINDOW + dt.timedelta(minutes=1), engine=accounts)
    assert counts(db_url)["login_attempts"] == 1


def test_parallel_guesses_never_exceed_the_limit(accounts, hasher):
    from concurrent.futures import ThreadPoolExecutor

    hasher.verified = 0
    with ThreadPoolExecutor(max_workers=10) as pool:
        messages = list(pool.map(lambda i: services.authenticate("ann@example.com", f"guess {i}", now=T0, engine=accounts).message, range(10)))
    assert sorted(messages) == sorted([WRONG_CREDENTIALS] * 4 + [LOCKED] * 6)
    assert hasher.verified == access.MAX_FAILURES  # only five passwords were ever tried


def test_success_resets_the_failure_count(accounts):
    for i in range(4):
        assert services.authenticate("ann@example.com", "nope", now=T0 + dt.timedelta(seconds=i), engine=accounts).message == WRONG_CREDENTIALS
    assert services.authenticate("ann@example.com", PASSWORD, now=T0 + dt.timedelta(seconds=5), engine=accounts).ok
    for i in range(4):
        assert services.authenticate("ann@example.com", "nope", now=T0 + dt.timedelta(seconds=10 + i), engine=accounts).message == WRONG_CREDENTIALS
    assert services.authenticate("ann@example.com", "nope", now=T0 + dt.timedelta(seconds=20), engine=accounts).message == LOCKED


def test_failures_outside_the_window_count_afresh(accounts):
    for i in range(4):
        services.authenticate("ann@example.com", "nope", now=T0 + dt.timedelta(minutes=i), engine=accounts)
    later = T0 + access.FAILURE_WINDOW + dt.timedelta(minutes=1)
    assert services.authenticate("ann@example.com", "nope", now=later, engine=accounts).message == WRONG_CREDENTIALS
    assert services.authenticate("ann@example.com", PASSWORD, now=later, engine=accounts).ok


def test_a_new_password_lifts_the_lock(accounts):
    for _ in range(5):
        services.authenticate("vic@example.com", "nope", now=T0, engine=accounts)
    assert services.authenticate("vic@example.com", PASSWORD, now=T0, engine=accounts).message == LOCKED
    now = dt.datetime.now(dt.UTC)
    for _ in range(5):
        services.authenticate("ann@example.com", "nope", now=now, engine=accounts)
    locked = {a.email: a.locked_until for a in services.list_users(engine=accounts)}
    assert locked["ann@example.com"] > now and locked["vic@example.com"] is None  # vic's lock (at T0) is over
    services.set_password("vic@example.com", "a brand new password", engine=accounts)
    assert services.authenticate("vic@example.com", "a brand new password", now=T0, engine=accounts).ok


def test_an_outdated_hash_is_upgraded_at_sign_in(accounts, hasher):
    services.set_password_hasher(None)  # back to the default parameters: the stored hashes are "weak"
    try:
        assert services.authenticate("ann@example.com", PASSWORD, now=T0, engine=accounts).ok
        from sqlalchemy import select

        from cxmaturity.store.schema import users

        with accounts.connect() as conn:
            stored = conn.execute(select(users.c.password_hash).where(users.c.email == "ann@example.com")).scalar_one()
        assert not services.password_hasher().check_needs_rehash(stored)
        assert services.authenticate("ann@example.com", PASSWORD, now=T0, engine=accounts).ok
    finally:
        services.set_password_hasher(hasher)


# --- accounts ------------------------------------------------------------------------------------


def test_add_list_update_and_remove_accounts(accounts):
    listed = services.list_users(engine=accounts)
    assert [(u.email, u.role, u.organisations, u.has_password) for u in listed] == [
        ("admin@example.com", "admin", None, True),
        ("ann@example.com", "analyst", {"A"}, True),
        ("vic@example.com", "viewer", {"A"}, True),
    ]
    assert listed[1].user == User("ann@example.com", "analyst", {"A"}) and listed[1].locked_until is None
    with pytest.raises(access.AccountError, match="already exists"):
        services.add_user("ANN@example.com", "viewer", ["A"], PASSWORD, engine=accounts)
    with pytest.raises(errors.UnknownOrganisation, match="unknown organisation 'Nowhere'"):
        services.add_user("new@example.com", "viewer", ["A", "Nowhere"], PASSWORD, engine=accounts)
    assert services.get_user("new@example.com", engine=accounts) is None  # nothing half-stored
    for bad_email in ("", "no-at-sign", "two@@example.com", "spaces in@example.com"):
        with pytest.raises(access.AccountError):
            services.add_user(bad_email, "viewer", ["A"], PASSWORD, engine=accounts)
    with pytest.raises(access.AccountError, match="administrator sees every organisation"):
        services.add_user("boss@example.com", "admin", ["A"], PASSWORD, engine=accounts)

    assert services.update_user("vic@example.com", organisations=["A", "B"], engine=accounts).organisations == {"A", "B"}
    assert services.get_user("vic@example.com", engine=accounts) == User("vic@example.com", "viewer", frozenset({"A", "B"}))
    assert services.update_user("vic@example.com", role="analyst", engine=accounts).role == "analyst"
    # deleting an organisation takes it out of every account
    services.delete_organisation("B", engine=accounts)
    assert services.get_user("vic@example.com", engine=accounts).organisations == {"A"}

    assert services.remove_user("VIC@example.com", engine=accounts) is True
    assert services.remove_user("vic@example.com", engine=accounts) is False
    assert services.get_user("vic@example.com", engine=accounts) is None
    with pytest.raises(access.UnknownAccount):
        services.set_password("vic@example.com", PASSWORD, engine=accounts)


def test_the_last_administrator_stays(accounts):
    with pytest.raises(access.AccountError, match="last administrator"):
        services.remove_user("admin@example.com", engine=accounts)
    with pytest.raises(access.AccountError, match="last administrator"):
        services.update_user("admin@example.com", role="viewer", organisations=["A"], engine=accounts)
    services.add_user("second@example.com", "admin", password=PASSWORD, engine=accounts)
    assert services.remove_user("admin@example.com", engine=accounts)


def test_only_administrators_manage_accounts(accounts):
    for role, orgs in (("analyst", {"A"}), ("viewer", {"A"})):
        someone = User(f"{role}@example.com", role, orgs)
        calls = [
            lambda u=someone: services.add_user("x@example.com", "viewer", ["A"], PASSWORD, user=u, engine=accounts),
            lambda u=someone: services.update_user("vic@example.com", role="admin", user=u, engine=accounts),
            lambda u=someone: services.remove_user("vic@example.com", user=u, engine=accounts),
            lambda u=someone: services.set_password("vic@example.com", "new password!", user=u, engine=accounts),
            lambda u=someone: services.list_users(user=u, engine=accounts),
            lambda u=someone: services.list_audit(u, engine=accounts),
        ]
        for call in calls:
            with pytest.raises(AccessDenied, match="Only an administrator"):
                call()
    admin = services.get_user("admin@example.com", engine=accounts)
    assert len(services.list_users(user=admin, engine=accounts)) == 3
    assert services.list_audit(admin, engine=accounts)


# --- audit log -----------------------------------------------------------------------------------


def test_sign_ins_and_account_changes_are_audited(accounts):
    services.authenticate("ann@example.com", PASSWORD, now=T0, engine=accounts)
    services.authenticate("Ann@example.com", "wrong", now=T0, engine=accounts)
    services.authenticate("ghost@example.com", "wrong", now=T0, engine=accounts)
    services.authenticate("my secret password", "wrong", now=T0, engine=accounts)  # typed into the email box
    for _ in range(5):
        services.authenticate("ghost@example.com", "wrong", now=T0, engine=accounts)
    admin = services.get_user("admin@example.com", engine=accounts)
    services.set_password("vic@example.com", "another password", user=admin, engine=accounts)
    services.update_user("vic@example.com", organisations=["A", "B"], user=admin, engine=accounts)
    services.remove_user("vic@example.com", user=admin, engine=accounts)
    entries = [e for e in reversed(services.list_audit(admin, engine=accounts)) if e.action != "save_organisation"]
    pairs = [(e.actor, e.action) for e in entries]
    assert pairs[:3] == [("local", "user_add")] * 3  # the fixture's accounts, added as the CLI does
    assert pairs[3:] == [
        ("ann@example.com", "sign_in"),
        ("ann@example.com", "sign_in_failed"),
        ("ghost@example.com", "sign_in_failed"),
        (access.NOT_AN_EMAIL, "sign_in_failed"),
        *[("ghost@example.com", "sign_in_failed")] * 3,  # 2nd..4th failure of ghost
        ("ghost@example.com", "sign_in_failed"),  # the 5th: locks
        ("ghost@example.com", "sign_in_locked"),
        ("admin@example.com", "user_passwd"),
        ("admin@example.com", "user_update"),
        ("admin@example.com", "user_remove"),
    ]
    assert "locked" in entries[10].detail and "locked" not in entries[9].detail
    assert all("my secret password" not in (e.actor + (e.detail or "")) for e in entries)
    assert all(e.at.tzinfo is not None for e in entries)
    assert entries[-1].detail == "vic@example.com"
    assert PASSWORD not in json.dumps([e.detail for e in entries])
    assert len(services.list_audit(admin, limit=2, engine=accounts)) == 2


# --- the CLI -------------------------------------------------------------------------------------


@pytest.fixture
def cli(run_cli):
    return run_cli


def _one_line_error(result, code: int = 2) -> str:
    assert result.returncode == code, (result.stdout, result.stderr)
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    return lines[0]


def test_cli_user_add_list_passwd_remove(cli, db_url):
    services.create_organisation("Acme Ltd", engine=db_url)
    services.create_organisation("Other", engine=db_url)

    added = cli("user", "add", "Ann@Example.com", "--role", "analyst", "--org", "Acme Ltd", "--org", "Other", "--password-stdin", stdin="first password\n")
    assert added.returncode == 0, added.stderr
    assert added.stdout.strip() == "Added ann@example.com (analyst; Acme Ltd, Other)."
    assert cli("user", "add", "root@example.com", "--role", "admin", "--password-stdin", stdin="root password\r\n").returncode == 0
    assert cli("user", "add", "sso@example.com", "--role", "viewer", "--org", "Acme Ltd", "--no-password").returncode == 0

    listed = cli("user", "list", "--json")
    assert listed.returncode == 0, listed.stderr
    assert [(u["email"], u["role"], u["organisations"], u["has_password"]) for u in json.loads(listed.stdout)] == [
        ("ann@example.com", "analyst", ["Acme Ltd", "Other"], True),
        ("root@example.com", "admin", None, True),
        ("sso@example.com", "viewer", ["Acme Ltd"], False),
    ]
    plain = cli("user", "list")
    assert "ann@example.com  analyst  Acme Ltd, Other" in plain.stdout
    assert "identity provider only" in plain.stdout

    assert services.authenticate("ann@example.com", "first password", engine=db_url).ok
    assert services.authenticate("root@example.com", "root password", engine=db_url).ok  # CR LF stripped
    changed = cli("user", "passwd", "ANN@example.com", "--password-stdin", stdin="second password\n")
    assert changed.returncode == 0 and changed.stdout.strip() == "Password changed for ann@example.com."
    assert not services.authenticate("ann@example.com", "first password", engine=db_url).ok
    assert services.authenticate("ann@example.com", "second password", engine=db_url).ok

    removed = cli("user", "remove", "ann@example.com")
    assert removed.returncode == 0 and removed.stdout.strip() == "Removed ann@example.com."
    assert "no account for ann@example.com" == _one_line_error(cli("user", "remove", "ann@example.com"))
    assert "no account for ann@example.com" == _one_line_error(cli("user", "passwd", "ann@example.com", "--password-stdin", stdin="whatever123\n"))
    actions = [(e.actor, e.action) for e in reversed(services.list_audit(engine=db_url)) if e.action.startswith("user_")]
    assert actions == [("local", "user_add")] * 3 + [("local", "user_passwd"), ("local", "user_remove")]


def test_cli_user_errors_are_one_clear_line(cli, db_url):
    services.create_organisation("Acme Ltd", engine=db_url)

    def add(*args, stdin="a good password\n"):
        return cli("user", "add", *args, stdin=stdin)

    assert _one_line_error(add("v@example.com", "--role", "viewer", "--org", "Nowhere Inc", "--password-stdin")) == "unknown organisation 'Nowhere Inc'"
    assert _one_line_error(add("v@example.com", "--role", "viewer", "--org", "Acme Ltd", "--password-stdin", stdin="short\n")) == "the password must have at least 8 characters"
    assert _one_line_error(add("v@example.com", "--role", "viewer", "--password-stdin", stdin="")).startswith("--password-stdin: no password on stdin")
    assert _one_line_error(add("v@example.com", "--role", "viewer", "--org", "Acme Ltd")).startswith("give the password on stdin")
    assert _one_line_error(add("not-an-email", "--role", "viewer", "--password-stdin")) == "'not-an-email' is not an email address"
    # a password on the command line is not even an option
    result = add("v@example.com", "--role", "viewer", "--password", "secret123")
    assert result.returncode == 2 and "unrecognized arguments" in result.stderr and "Traceback" not in result.stderr
    assert services.list_users(engine=db_url) == []


# --- migration 0002 ------------------------------------------------------------------------------


def test_migration_0002_upgrades_and_downgrades(db_url):
    engine = db.create_engine_for(db_url)
    try:
        db.upgrade(engine, "0001")
        assert not ACCOUNT_TABLES & set(inspect(engine).get_table_names())
        db.upgrade(engine, "0002")
        assert db.current_revision(engine) == "0002"
        assert ACCOUNT_TABLES <= set(inspect(engine).get_table_names())
        db.downgrade(engine, "0001")
        names = set(inspect(engine).get_table_names())
        assert not ACCOUNT_TABLES & names and "organisations" in names
        assert db.current_revision(engine) == "0001"
        db.downgrade(engine, "base")
        assert db.current_revision(engine) is None
        db.upgrade(engine)
        assert ACCOUNT_TABLES <= set(inspect(engine).get_table_names())
    finally:
        engine.dispose()


# --- safe exports ------------------------------------------------------------------------------

NASTY = ["=1+1", "+SUM(A1)", "-2+3", "@cmd", "\tTAB", "\rCR", " =HYPERLINK(\"http://x\")", "\x01=2", "plain", "a=b", "", None]
TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def _nasty_frame() -> pd.DataFrame:
    n = len(NASTY)
    return pd.DataFrame(
        {
            "=Department": NASTY,
            "delta": [-1.5, 2, -0.25, None, 0, 1, 2, 3, 4, 5, 6, 7],
            "when": [pd.Timestamp("2025-05-15 10:00", tz="UTC")] * n,
            "count": list(range(-5, n - 5)),
        }
    )


def _is_number(text: str) -> bool:
    try:
        return not math.isnan(float(text))
    except ValueError:
        return False


def test_safe_cell_quotes_formula_like_text():
    from cxmaturity.exports import safe_cell

    assert safe_cell("=1+1") == "'=1+1"
    for trigger in TRIGGERS:
        assert safe_cell(trigger + "x") == "'" + trigger + "x"
    assert safe_cell("  @x") == "'  @x"
    assert safe_cell("plain") == "plain" and safe_cell("a=b") == "a=b" and safe_cell("") == ""
    assert safe_cell(-3) == -3 and safe_cell(-0.5) == -0.5 and safe_cell(None) is None


def test_csv_export_has_no_formula_cells():
    from cxmaturity.exports import to_safe_csv

    text = to_safe_csv(_nasty_frame())
    rows = list(csv.reader(io.StringIO(text, newline="")))
    assert len(rows) == len(NASTY) + 1
    assert rows[0][0] == "'=Department"
    cells = [cell for row in rows for cell in row]
    for cell in cells:
        if cell.lstrip(" ").startswith(TRIGGERS):
            assert cell.startswith("'") or _is_number(cell), cell
    assert [r[0] for r in rows[1:]][:4] == ["'=1+1", "'+SUM(A1)", "'-2+3", "'@cmd"]
    assert rows[8][0] == "'=2"  # a control character never hides a formula
    assert rows[1][1] == "-1.5"  # numbers stay numbers


def test_xlsx_export_has_no_formula_cells():
    from cxmaturity.exports import to_safe_xlsx

    data = to_safe_xlsx(_nasty_frame())
    sheet = openpyxl.load_workbook(io.BytesIO(data)).active
    cells = [cell for row in sheet.iter_rows() for cell in row]
    assert all(cell.data_type != "f" for cell in cells)
    for cell in cells:
        if isinstance(cell.value, str):
            assert cell.data_type == "s"
            assert not cell.value.lstrip(" ").startswith(TRIGGERS), cell.value
    column = [sheet.cell(row=r, column=1).value for r in range(1, len(NASTY) + 2)]
    assert column[:5] == ["'=Department", "'=1+1", "'+SUM(A1)", "'-2+3", "'@cmd"]
    assert sheet.cell(row=2, column=2).value == -1.5 and sheet.cell(row=2, column=2).data_type == "n"
    assert sheet.cell(row=2, column=3).value == dt.datetime(2025, 5, 15, 10, 0)
    # and the formula library agrees: no cell is a formula when read back with formulas evaluated
    values = openpyxl.load_workbook(io.BytesIO(data), data_only=True).active
    assert [c.value for c in values["A"]][1] == "'=1+1"
