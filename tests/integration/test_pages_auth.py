"""Sign-in and roles in the Streamlit app, through streamlit.testing (AppTest).

Every test runs the real app.py with ``CXMATURITY_AUTH=local`` on its own SQLite copy of a
database holding two organisations, "Alpha Bank" and "Beta Retail <b>&</b>" (user text with
markup), each with one Gartner assessment, and three accounts: an administrator, an analyst of
Alpha and a viewer of Alpha.

- anonymous visitors get the sign-in form and nothing else, on every page;
- the sign-in form: right password, wrong password, unknown email, lockout after 5 failures
  (the same messages for known and unknown emails), sign-out, and the user re-read on every run;
- per role: the pages registered in the navigation, the organisations offered, what the
  viewer never sees (Beta Retail anywhere, the target form), the analyst's upload and target,
  the administrator's Users & audit log page;
- OIDC mode (an [auth] section in secrets, simulated with AppTest.secrets and AppTest.user).

Role tests put the account (``services.get_user``) straight into ``st.session_state["user"]``;
the app re-reads it from the database on every run.
"""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest
from survey_files import clean_gartner_csv
from test_pages import (  # same AppTest set-up, isolation fixture and helpers as the page tests
    _streamlit_isolation,  # noqa: F401  (autouse fixture)
    assert_no_exception,
    button,
    rendered_texts,
    titles,
)

ROOT = Path(__file__).resolve().parents[2]
APP = str(ROOT / "app.py")

ALPHA = "Alpha Bank"
BETA = "Beta Retail <b>&</b>"
BETA_WORDS = "Beta Retail"  # what must never reach Alpha's viewer, escaped or not
BETA_ESCAPED = r"Beta Retail \<b\>\&\</b\>"

ADMIN_EMAIL, ADMIN_PASSWORD = "admin@example.test", "admin-password-1"
ANALYST_EMAIL, ANALYST_PASSWORD = "analyst@alpha.test", "analyst-password-1"
VIEWER_EMAIL, VIEWER_PASSWORD = "viewer@alpha.test", "viewer-password-1"
# an account without a password: signs in through the identity provider only
OIDC_VIEWER_EMAIL = "oidc.viewer@alpha.test"

SIGN_IN_TITLE = "CX Maturity Dashboard"
WRONG = "Wrong email or password."
LOCKED = "Too many failed attempts. Try again later."
NO_ACCOUNT = "Your account has no access to this dashboard. Ask an administrator to add you."
NO_ACCESS = "You do not have access to that organisation."
NEW_ORG_OPTION = "New organisation…"

OVERVIEW = "pages/overview.py"
COMPETENCIES = "pages/competencies.py"
BENCHMARKS = "pages/benchmarks.py"
PROGRESS = "pages/progress.py"
UPLOAD = "pages/upload.py"
MANAGE = "pages/manage.py"
MODELS = "pages/models.py"
PLAN = "pages/plan.py"
WAVES = "pages/waves.py"
SELFTEST = "pages/selftest.py"
USERS = "pages/users.py"
READ_PAGES = [OVERVIEW, COMPETENCIES, BENCHMARKS, PROGRESS, PLAN, SELFTEST, MODELS]
ALL_PAGES = [*READ_PAGES, UPLOAD, USERS]
PAGES_BY_ROLE = {
    "viewer": set(READ_PAGES),
    "analyst": {*READ_PAGES, UPLOAD, WAVES, MANAGE},
    "admin": {*READ_PAGES, UPLOAD, WAVES, MANAGE, USERS},
}

OIDC_SECRETS = {
    "redirect_uri": "http://localhost:8501/oauth2callback",
    "cookie_secret": "a-test-cookie-secret-of-some-length",
    "client_id": "cxmaturity-test",
    "client_secret": "not-a-secret",
    "server_metadata_url": "http://localhost:9/.well-known/openid-configuration",
}


# --- fixtures ------------------------------------------------------------------------------


def survey_csv(seed: int, n: int = 24) -> bytes:
    return clean_gartner_csv(seed, n)


@pytest.fixture(scope="module")
def auth_template(tmp_path_factory) -> Path:
    """Two organisations with a Gartner assessment each and three accounts, built once."""
    from cxmaturity import services
    from cxmaturity.store import engine as db
    from cxmaturity.survey import read_survey

    path = tmp_path_factory.mktemp("auth-template") / "access.db"
    url = f"sqlite:///{path}"
    for seed, org in enumerate([ALPHA, BETA], start=1):
        survey = read_survey(survey_csv(seed), filename=f"{seed}.csv")
        assert services.import_assessment(survey, org, "2026-01-15", engine=url).created
    services.add_user(ADMIN_EMAIL, "admin", password=ADMIN_PASSWORD, engine=url)
    services.add_user(ANALYST_EMAIL, "analyst", [ALPHA], password=ANALYST_PASSWORD, engine=url)
    services.add_user(VIEWER_EMAIL, "viewer", [ALPHA], password=VIEWER_PASSWORD, engine=url)
    services.add_user(OIDC_VIEWER_EMAIL, "viewer", [ALPHA], engine=url)
    db.dispose_engines()
    return path


@pytest.fixture
def auth_db(auth_template, tmp_path, monkeypatch) -> str:
    """This test's own copy of the two-organisation database; sign-in switched on."""
    path = tmp_path / "access.db"
    source, target = sqlite3.connect(auth_template), sqlite3.connect(path)
    try:
        source.backup(target)
    finally:
        source.close()
        target.close()
    url = f"sqlite:///{path}"
    monkeypatch.setenv("CXMATURITY_DATABASE_URL", url)
    monkeypatch.setenv("CXMATURITY_DEMO", "0")
    monkeypatch.setenv("CXMATURITY_AUTH", "local")
    return url


# --- helpers -------------------------------------------------------------------------------


def new_app(user_email: str | None = None) -> AppTest:
    """An AppTest of app.py, not run yet; with ``user_email`` already signed in."""
    from cxmaturity import services

    at = AppTest.from_file(APP, default_timeout=60)
    if user_email is not None:
        user = services.get_user(user_email)
        assert user is not None, user_email
        at.session_state["user"] = user
    return at


def run(at: AppTest, page: str | None = None) -> AppTest:
    if page is not None:
        at.switch_page(page)
    at.run()
    assert_no_exception(at)
    return at


def sign_in(at: AppTest, email: str, password: str) -> AppTest:
    at.text_input(key="sign_in_email").input(email)
    at.text_input(key="sign_in_password").input(password)
    button(at, "Sign in").click()
    return run(at)


def signed_in_user(at: AppTest):
    return at.session_state["user"] if "user" in at.session_state else None


def registered_pages(at: AppTest) -> set[str]:
    """The page files app.py registered with st.navigation in the last run (AppTest's registry:
    exactly what the sidebar navigation links and what a URL can open)."""
    pages = set()
    for info in at._registered_pages.values():
        if "url_pathname" in info and info.get("script_path"):
            pages.add(Path(str(info["script_path"])).resolve().relative_to(ROOT).as_posix())
    return pages


def error_texts(at: AppTest) -> list[str]:
    return [e.value for e in at.error]


def assert_only_the_sign_in_form(at: AppTest) -> None:
    assert titles(at) == [SIGN_IN_TITLE]
    assert [t.label for t in at.text_input] == ["Email", "Password"]
    assert [b.label for b in at.button] == ["Sign in"]
    assert len(at.sidebar.children) == 0, "the sidebar must stay empty before sign-in"
    assert not at.selectbox and not at.metric and not at.dataframe and not at.expander
    assert not at.get("plotly_chart") and not at.get("download_button") and not at.file_uploader
    assert not registered_pages(at), "no page may be registered before sign-in"
    assert signed_in_user(at) is None
    everything = " ".join(rendered_texts(at))
    assert ALPHA not in everything and BETA_WORDS not in everything


def everything_shown(at: AppTest) -> str:
    """All text the run produced: rendered Markdown, widget labels and options, table cells,
    chart specs (hover texts included)."""
    parts = list(rendered_texts(at))
    for widget in (*at.selectbox, *at.multiselect, *at.radio):
        parts += [str(widget.label), *map(str, widget.options)]
    parts += [t.label for t in at.text_input] + [str(t.value) for t in at.text_input]
    for frame in at.dataframe:
        value = frame.value
        parts.append(value.to_csv() if hasattr(value, "to_csv") else str(value))
    for chart in at.get("plotly_chart"):
        spec = json.loads(chart.proto.spec)
        parts.append(json.dumps(spec, ensure_ascii=False))
    parts += [str(t.proto) for t in at.get("toast")]
    return "\n".join(parts)


# --- anonymous visitors --------------------------------------------------------------------


def test_anonymous_visitor_sees_only_the_sign_in_form(auth_db):
    at = run(new_app())
    assert_only_the_sign_in_form(at)


@pytest.mark.parametrize("page", ALL_PAGES, ids=lambda p: Path(p).stem)
def test_anonymous_visitors_have_only_the_sign_in_page_registered(auth_db, page):
    at = run(new_app())
    assert_only_the_sign_in_form(at)
    # no dashboard page exists for an anonymous session, so no deep link can reach one
    with pytest.raises(ValueError, match=r"Known pages: \['Sign in'\]"):
        at.switch_page(page)


# --- the sign-in form ----------------------------------------------------------------------


def test_right_password_signs_in_and_shows_the_overview(auth_db):
    from cxmaturity import services

    at = sign_in(run(new_app()), "  Viewer@Alpha.TEST ", VIEWER_PASSWORD)  # trimmed, any case
    user = signed_in_user(at)
    assert user is not None and (user.email, user.role) == (VIEWER_EMAIL, "viewer")
    assert user.organisations == frozenset({ALPHA})
    assert titles(at)[0].startswith("Level "), titles(at)
    assert SIGN_IN_TITLE not in titles(at)
    assert at.caption[0].value.startswith("Alpha Bank · ")
    assert not at.text_input, "the sign-in form is gone once signed in"
    assert r"Signed in as viewer\@alpha\.test (viewer)" in [c.value for c in at.sidebar.caption]
    assert not error_texts(at)
    entries = services.list_audit(limit=5)
    assert (entries[0].actor, entries[0].action) == (VIEWER_EMAIL, "sign_in")


def test_wrong_password_is_refused(auth_db):
    at = sign_in(run(new_app()), VIEWER_EMAIL, "not-the-password")
    assert error_texts(at) == [WRONG]
    assert_signed_out_form_with_error(at)


def assert_signed_out_form_with_error(at: AppTest) -> None:
    assert signed_in_user(at) is None
    assert titles(at) == [SIGN_IN_TITLE]
    assert [b.label for b in at.button] == ["Sign in"]
    assert len(at.sidebar.children) == 0
    assert not at.metric and not at.selectbox and not at.get("plotly_chart")


@pytest.mark.parametrize(
    "email, right_password",
    [(VIEWER_EMAIL, VIEWER_PASSWORD), ("nobody@alpha.test", None)],
    ids=["known-email", "unknown-email"],
)
def test_five_wrong_passwords_lock_the_email(auth_db, email, right_password):
    at = run(new_app())
    messages = []
    for attempt in range(5):
        sign_in(at, email, f"wrong-password-{attempt}")
        messages.append(error_texts(at))
        assert signed_in_user(at) is None
    # the same messages whether the account exists or not
    assert messages == [[WRONG]] * 4 + [[LOCKED]]
    # locked: even the right password is refused
    sign_in(at, email, right_password or "any-password-at-all")
    assert error_texts(at) == [LOCKED]
    assert_signed_out_form_with_error(at)
    # a new session (another browser) is refused too
    other = sign_in(run(new_app()), email, right_password or "any-password-at-all")
    assert error_texts(other) == [LOCKED]
    assert signed_in_user(other) is None


def test_lockout_of_one_email_leaves_others_alone(auth_db):
    at = run(new_app())
    for attempt in range(5):
        sign_in(at, VIEWER_EMAIL, f"wrong-password-{attempt}")
    assert error_texts(at) == [LOCKED]
    sign_in(at, ANALYST_EMAIL, ANALYST_PASSWORD)
    assert signed_in_user(at).email == ANALYST_EMAIL
    assert titles(at)[0].startswith("Level ")


def test_sign_out_returns_to_the_sign_in_form(auth_db):
    at = sign_in(run(new_app()), VIEWER_EMAIL, VIEWER_PASSWORD)
    assert signed_in_user(at) is not None
    button(at, "Sign out").click()
    run(at)
    assert_only_the_sign_in_form(at)


def test_a_removed_account_is_signed_out_at_the_next_run(auth_db):
    from cxmaturity import services

    at = run(new_app(VIEWER_EMAIL))
    assert titles(at)[0].startswith("Level ")
    assert services.remove_user(VIEWER_EMAIL)
    run(at)
    assert_only_the_sign_in_form(at)


def test_a_role_change_applies_at_the_next_run(auth_db):
    from cxmaturity import services

    at = run(new_app(VIEWER_EMAIL))
    assert registered_pages(at) == PAGES_BY_ROLE["viewer"]
    services.update_user(VIEWER_EMAIL, role="analyst")
    run(at)
    assert signed_in_user(at).role == "analyst"
    assert registered_pages(at) == PAGES_BY_ROLE["analyst"]
    run(at, UPLOAD)
    assert titles(at) == ["Upload an assessment"]


# --- viewer of Alpha -----------------------------------------------------------------------


def test_viewer_has_no_upload_and_no_users_page(auth_db):
    at = run(new_app(VIEWER_EMAIL))
    assert registered_pages(at) == PAGES_BY_ROLE["viewer"]
    for page in (UPLOAD, USERS):
        with pytest.raises(ValueError, match="Could not find a navigation page"):
            at.switch_page(page)
    # still on the Overview, nothing of the upload page rendered
    run(at)
    assert titles(at)[0].startswith("Level ")
    assert not at.file_uploader and "Upload an assessment" not in titles(at)


@pytest.mark.parametrize("page", READ_PAGES, ids=lambda p: Path(p).stem)
def test_viewer_sees_only_alpha_on_every_page(auth_db, page):
    at = run(new_app(VIEWER_EMAIL), page)
    assert at.selectbox(key="org").options == [ALPHA]
    assert at.selectbox(key="org").value == ALPHA
    shown = everything_shown(at)
    assert BETA_WORDS not in shown
    assert "Beta" not in shown
    assert not error_texts(at)


def test_viewer_sees_every_competency_without_beta(auth_db):
    from cxmaturity import services

    at = run(new_app(VIEWER_EMAIL), COMPETENCIES)
    for comp in services.models()["gartner"].competencies:
        at.selectbox(key="competency").set_value(comp.id)
        run(at)
        assert "Beta" not in everything_shown(at), comp.id


def test_viewer_has_no_target_form_on_progress(auth_db):
    at = run(new_app(VIEWER_EMAIL), PROGRESS)
    assert titles(at) == ["Progress"]
    assert "Save target" not in [b.label for b in at.button]
    assert not [
        s for s in at.selectbox if s.key in ("target_competency", "target_horizon", "target_level")
    ]
    assert not at.form
    assert "Targets are set by analysts and administrators." in [c.value for c in at.caption]


def test_viewer_benchmark_filters_offer_nothing_of_beta(auth_db):
    at = run(new_app(VIEWER_EMAIL), BENCHMARKS)
    for key in ("peer_industry", "peer_size", "peer_region"):
        assert at.selectbox(key=key).options == ["All"]


# --- analyst of Alpha ----------------------------------------------------------------------


def _upload(at: AppTest, seed: int = 31) -> AppTest:
    run(at, UPLOAD)
    assert titles(at) == ["Upload an assessment"]
    at.file_uploader(key="upload_file_0").set_value(("wave.csv", survey_csv(seed), "text/csv"))
    run(at)
    assert any(s.value.startswith(r"wave\.csv is ready: 24 respondents") for s in at.success)
    return at


def test_analyst_pages(auth_db):
    at = run(new_app(ANALYST_EMAIL))
    assert registered_pages(at) == PAGES_BY_ROLE["analyst"]
    assert at.selectbox(key="org").options == [ALPHA]
    with pytest.raises(ValueError, match="Could not find a navigation page"):
        at.switch_page(USERS)


def test_analyst_uploads_into_alpha(auth_db):
    from cxmaturity import services

    at = _upload(run(new_app(ANALYST_EMAIL)))
    save_org = at.selectbox(key="save_org")
    assert ALPHA in save_org.options
    assert not any(BETA_WORDS in str(o) for o in save_org.options)
    assert "Beta" not in everything_shown(at)

    # the sidebar's organisation is preselected, and the button names it
    assert save_org.value == ALPHA
    at.text_input(key="save_label").input("Analyst wave")
    at.date_input(key="save_date").set_value(dt.date(2026, 3, 1))
    run(at)
    button(at, f"Save to {ALPHA}").click()
    run(at)
    stored = services.list_assessments(ALPHA)
    assert [(a.date, a.label) for a in stored] == [
        (dt.date(2026, 1, 15), None),
        (dt.date(2026, 3, 1), "Analyst wave"),
    ]
    assert stored[-1].imported_by == ANALYST_EMAIL
    assert any(
        s.value.startswith(rf"Saved wave\.csv as assessment #{stored[-1].id} of Alpha Bank")
        for s in at.success
    )
    assert len(services.list_assessments(BETA)) == 1
    assert at.selectbox(key="org").value == ALPHA
    assert at.selectbox(key="assessment").value == stored[-1].id


@pytest.mark.parametrize("name", [BETA, "Gamma Insurance"], ids=["other-org", "new-org"])
def test_analyst_cannot_save_into_another_or_a_new_organisation(auth_db, name):
    from cxmaturity import services

    before = {
        o.name: len(services.list_assessments(o.name))
        for o in services.list_organisations()
    }
    at = _upload(run(new_app(ANALYST_EMAIL)))
    # an analyst is offered their own organisations only, and no new one
    assert at.selectbox(key="save_org").options == [ALPHA]
    assert [r for r in at.radio if r.key == "save_mode"][0].options == ["An existing organisation"]
    assert name not in everything_shown(at)
    # and the service refuses it whatever a page might send: the same words for both cases
    from cxmaturity.errors import AccessDenied
    from cxmaturity.views import upload as upload_view

    preview = upload_view.preview_upload(survey_csv(31).encode() if isinstance(survey_csv(31), str) else survey_csv(31), "wave.csv")
    with pytest.raises(AccessDenied) as refused:
        upload_view.save_upload(preview, name, dt.date(2026, 3, 1), None, user=services.get_user(ANALYST_EMAIL))
    assert str(refused.value) == NO_ACCESS
    after = {
        o.name: len(services.list_assessments(o.name))
        for o in services.list_organisations()
    }
    assert after == before


def test_analyst_sets_a_target_for_alpha(auth_db):
    from cxmaturity import services

    at = run(new_app(ANALYST_EMAIL), PROGRESS)
    at.selectbox(key="target_competency").set_value("strategy")
    at.selectbox(key="target_horizon").set_value(24)
    at.selectbox(key="target_level").set_value(4)
    button(at, "Save target").click()
    run(at)
    targets = [
        (t.competency, t.horizon_months, t.level)
        for t in services.list_targets(ALPHA, "gartner")
    ]
    assert targets == [("strategy", 24, 4)]
    assert services.list_targets(BETA) == []
    table = next(df.value for df in at.dataframe if "Target level" in df.value.columns)
    assert table["Competency"].tolist() == ["Strategy"]


# --- administrator -------------------------------------------------------------------------


def test_admin_sees_both_organisations_escaped(auth_db):
    at = run(new_app(ADMIN_EMAIL))
    assert registered_pages(at) == PAGES_BY_ROLE["admin"]
    assert at.selectbox(key="org").options == [ALPHA, BETA]
    at.selectbox(key="org").set_value(BETA)
    run(at)
    assert at.caption[0].value.startswith(BETA_ESCAPED + " · ")
    assert not any("<b>" in text for text in rendered_texts(at))


def test_admin_users_and_audit_page_lists_users_and_sign_ins(auth_db):
    at = run(new_app())
    sign_in(at, ADMIN_EMAIL, "a-wrong-password")
    assert error_texts(at) == [WRONG]
    sign_in(at, ADMIN_EMAIL, ADMIN_PASSWORD)
    assert signed_in_user(at).is_admin
    run(at, USERS)
    assert titles(at) == ["Users & audit log"]
    assert not error_texts(at)
    users, audit = at.dataframe[0].value, at.dataframe[1].value
    rows = {
        r["Email"]: (r["Role"], r["Organisations"], r["Password"]) for r in users.to_dict("records")
    }
    assert rows == {
        ADMIN_EMAIL: ("admin", "all", "set"),
        ANALYST_EMAIL: ("analyst", ALPHA, "set"),
        VIEWER_EMAIL: ("viewer", ALPHA, "set"),
        OIDC_VIEWER_EMAIL: ("viewer", ALPHA, "identity provider only"),
    }
    actions = list(zip(audit["actor"], audit["action"], strict=True))
    assert actions[0] == (ADMIN_EMAIL, "sign_in")  # newest first
    assert actions[1] == (ADMIN_EMAIL, "sign_in_failed")
    assert ("local", "import") in actions  # the set-up's imports
    assert "a-wrong-password" not in audit.to_csv()


# --- OIDC mode (an [auth] section in secrets.toml) -----------------------------------------


def oidc_app(user: dict) -> AppTest:
    at = new_app()
    at.secrets["auth"] = dict(OIDC_SECRETS)
    at.user = user
    return at


def test_oidc_anonymous_visitor_sees_only_the_sign_in_button(auth_db):
    at = run(oidc_app({"is_logged_in": False}))
    assert titles(at) == [SIGN_IN_TITLE]
    assert [b.label for b in at.button] == ["Sign in"]
    assert not at.text_input, "no password form in OIDC mode"
    assert len(at.sidebar.children) == 0
    assert not at.selectbox and not at.metric and not at.get("plotly_chart")
    assert not registered_pages(at)


def test_oidc_user_with_an_account_is_signed_in_as_that_account(auth_db):
    from cxmaturity import services

    at = run(oidc_app({"is_logged_in": True, "email": "OIDC.Viewer@alpha.test", "sub": "oidc-1"}))
    user = signed_in_user(at)
    assert user is not None and (user.email, user.role) == (OIDC_VIEWER_EMAIL, "viewer")
    assert at.selectbox(key="org").options == [ALPHA]
    assert at.caption[0].value.startswith("Alpha Bank · ")
    assert registered_pages(at) == PAGES_BY_ROLE["viewer"]
    entries = services.list_audit(limit=1)
    assert (entries[0].actor, entries[0].action) == (OIDC_VIEWER_EMAIL, "sign_in")
    # the page after signing in is the Overview alone, not under the sign-in page's title
    assert titles(at)[0].startswith("Level "), titles(at)
    assert SIGN_IN_TITLE not in titles(at)


def test_oidc_user_without_an_account_is_refused(auth_db):
    at = run(oidc_app({"is_logged_in": True, "email": "stranger@alpha.test", "sub": "oidc-2"}))
    assert error_texts(at) == [NO_ACCOUNT]
    assert titles(at) == [SIGN_IN_TITLE]
    assert [b.label for b in at.button] == ["Sign out"]
    assert signed_in_user(at) is None
    assert len(at.sidebar.children) == 0
    assert not at.selectbox and not at.metric and not registered_pages(at)
