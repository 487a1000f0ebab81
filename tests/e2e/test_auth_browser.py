"""Sign-in in a real browser: anonymous visitors, a viewer who must never see another
organisation, the lockout, and OpenID Connect against an offline mock identity provider.

Every server runs ``streamlit run app.py`` on its own SQLite file holding two organisations,
"Alpha Bank" and "Beta Retail <b>&</b>" (user text with markup), each with one Gartner
assessment. Accounts are created with the CLI, as an administrator would.

- local sign-in (``CXMATURITY_AUTH=local``): anonymous visitors get only the sign-in form on
  every URL, on a freshly started server and after someone has signed in; the viewer of Alpha
  visits every page, opens every select box and never meets "Beta Retail" (text, options,
  page source, chart data), and has no Upload or Users link; five wrong passwords lock the
  account, after which the right password is refused too;
- OIDC: the app's ``[auth]`` secrets (a secrets.toml in a temp dir, passed with
  ``--secrets.files``) point at oidc-provider-mock running in a thread of this process; the
  user signs in through the provider's form and lands on Alpha's Overview as the account with
  that email; an email without an account is refused.

Screenshots (git-ignored): screenshots/auth-*.png and screenshots/oidc-*.png.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
import urllib.request
import warnings
from pathlib import Path

import pytest
from survey_files import clean_gartner_csv
from test_browser import wait_for_run

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parents[2]
ALPHA = "Alpha Bank"
BETA = "Beta Retail <b>&</b>"
BETA_WORDS = "Beta Retail"

VIEWER_EMAIL, VIEWER_PASSWORD = "viewer@alpha.test", "viewer-password-1"
LOCKED_EMAIL, LOCKED_PASSWORD = "lockme@alpha.test", "lockme-password-1"
OIDC_EMAIL = "oidc.viewer@alpha.test"
STRANGER_EMAIL = "stranger@alpha.test"

SIGN_IN_TITLE = "CX Maturity Dashboard"
WRONG = "Wrong email or password."
LOCKED = "Too many failed attempts. Try again later."
NO_ACCOUNT = "Your account has no access to this dashboard"

# every page's url path, as app.py's st.navigation links them
ALL_PATHS = ["/", "/competencies", "/benchmarks", "/progress", "/models", "/upload", "/users"]
VIEWER_PATHS = ["/", "/competencies", "/benchmarks", "/progress", "/plan", "/selftest", "/models"]
# the h1 each page shows once it has run (the Competencies title names the competency)
PAGE_HEADINGS = {
    "/": re.compile(r"^Level \d of \d · "),
    "/competencies": re.compile(r": level \d"),
    "/benchmarks": re.compile(r"^Benchmarks & peers$"),
    "/progress": re.compile(r"^Progress$"),
    "/plan": re.compile(r"^Action plan$"),
    "/selftest": re.compile(r"^Self-test$"),
    "/models": re.compile(r"^Models & sources$"),
}
# what only a signed-in user may see
DASHBOARD_TESTIDS = [
    "stSidebar", "stSidebarNav", "stSelectbox", "stMetric", "stPlotlyChart", "stDataFrame",
    "stFileUploader", "stExpander", "stDownloadButton",
]  # fmt: skip
DASHBOARD_WORDS = [
    ALPHA,
    BETA_WORDS,
    "Level ",
    "Overall",
    "Signed in as",
    "Upload an assessment",
    "Users & audit log",
]


# --- the database ---------------------------------------------------------------------------


def survey_csv(path: Path, seed: int, n: int = 24) -> Path:
    """A clean Gartner survey in the CSV template layout, written to ``path``."""
    path.write_bytes(clean_gartner_csv(seed, n))
    return path


def cli(database: Path, *args: str, stdin: str | None = None) -> None:
    env = dict(os.environ)
    env["CXMATURITY_DATABASE_URL"] = f"sqlite:///{database}"
    env["CXMATURITY_DEMO"] = "0"
    env["PYTHONPATH"] = str(ROOT) + os.pathsep + env.get("PYTHONPATH", "")
    done = subprocess.run(
        [sys.executable, "-m", "cxmaturity", *args],
        cwd=database.parent, env=env, input=stdin, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert done.returncode == 0, f"cxmaturity {' '.join(args)}: {done.stderr}"


def build_database(directory: Path, *accounts: tuple[str, ...]) -> Path:
    """dashboard.db in ``directory`` (where start_server looks): Alpha and Beta with one Gartner
    assessment each, then ``accounts``: (email, role, org, password or None) via the CLI."""
    from cxmaturity import services
    from cxmaturity.store import engine as db
    from cxmaturity.survey import read_survey

    database = directory / "dashboard.db"
    url = f"sqlite:///{database}"
    for seed, org in enumerate([ALPHA, BETA], start=1):
        survey = read_survey(survey_csv(directory / f"{seed}.csv", seed), filename=f"{seed}.csv")
        assert services.import_assessment(survey, org, "2026-01-15", engine=url).created
    db.dispose_engines()
    for email, role, org, password in accounts:
        if password is None:
            cli(database, "user", "add", email, "--role", role, "--org", org, "--no-password")
        else:
            cli(
                database,
                "user",
                "add",
                email,
                "--role",
                role,
                "--org",
                org,
                "--password-stdin",
                stdin=password + "\n",
            )
    return database


LOCAL_ACCOUNTS = [
    (VIEWER_EMAIL, "viewer", ALPHA, VIEWER_PASSWORD),
    (LOCKED_EMAIL, "viewer", ALPHA, LOCKED_PASSWORD),
]


def start_local(e2e_tools, directory: Path):
    build_database(directory, *LOCAL_ACCOUNTS)
    return e2e_tools.start_server(directory, CXMATURITY_AUTH="local", CXMATURITY_DEMO="0")


@pytest.fixture
def cold_auth_server(tmp_path, e2e_tools):
    """A local-sign-in server no browser has visited yet (function scope)."""
    server = start_local(e2e_tools, tmp_path)
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="module")
def auth_server(tmp_path_factory, e2e_tools):
    server = start_local(e2e_tools, tmp_path_factory.mktemp("e2e-auth"))
    try:
        yield server
    finally:
        server.stop()


# --- page helpers -----------------------------------------------------------------------------


def h1s(page) -> list[str]:
    return [t.strip() for t in page.get_by_role("heading", level=1).all_inner_texts()]


def open_sign_in(page, url: str) -> None:
    page.goto(url)
    page.get_by_role("heading", name=SIGN_IN_TITLE, level=1).wait_for()
    wait_for_run(page)
    time.sleep(0.3)


def submit(page, email: str, password: str) -> None:
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_role("button", name="Sign in").click()


def sign_in(page, base: str, email: str, password: str) -> None:
    open_sign_in(page, base + "/")
    submit(page, email, password)
    page.get_by_role("heading", level=1).filter(has_text=PAGE_HEADINGS["/"]).wait_for()
    wait_for_run(page)


def nav_paths(page, base: str) -> list[str]:
    hrefs = [
        a.get_attribute("href") or "" for a in page.locator('[data-testid="stSidebarNav"] a').all()
    ]
    return [h.removeprefix(base) or "/" for h in hrefs]


def chart_data(page) -> str:
    """Every plotly chart's data and layout (hover texts included), as JSON text."""
    page.wait_for_timeout(300)
    return page.evaluate(
        "() => JSON.stringify(Array.from(document.querySelectorAll('.js-plotly-plot'))"
        ".map(g => ({data: g.data, layout: g.layout})))"
    )


def selectbox_options(page) -> dict[str, list[str]]:
    """Open every select box on the page and read its options: {label: options}."""
    found = {}
    boxes = page.locator('[data-testid="stSelectbox"]')
    for i in range(boxes.count()):
        box = boxes.nth(i)
        label = box.locator("label").first.inner_text().strip()
        box.get_by_role("combobox").click()
        listbox = page.get_by_role("listbox")
        listbox.wait_for()
        found[label] = [o.strip() for o in listbox.get_by_role("option").all_inner_texts()]
        page.keyboard.press("Escape")
        listbox.wait_for(state="detached")
    return found


def anonymous_problems(page, where: str) -> list[str]:
    """What an anonymous visitor sees beyond the sign-in form (empty: nothing)."""
    problems = []
    if h1s(page) != [SIGN_IN_TITLE]:
        problems.append(f"{where}: headings {h1s(page)}")
    for label in ("Email", "Password"):
        if page.get_by_label(label, exact=True).count() != 1:
            problems.append(f"{where}: no {label} field")
    if page.get_by_role("button", name="Sign in").count() != 1:
        problems.append(f"{where}: no Sign in button")
    for testid in DASHBOARD_TESTIDS:
        elements = page.locator(f'[data-testid="{testid}"]')
        if elements.count():
            shown = elements.first.inner_text().strip().replace("\n\n", " | ").replace("\n", " | ")
            problems.append(f"{where}: {testid} shown ({shown[:200]!r})")
    text, html = page.locator("body").inner_text(), page.content()
    for word in DASHBOARD_WORDS:
        if word in text or word in html:
            problems.append(f"{where}: {word!r} in the page")
    return problems


# --- local sign-in ------------------------------------------------------------------------------


def test_anonymous_visitors_see_only_the_sign_in_form(cold_auth_server, context, screenshots):
    """Every URL, first on a server nobody has used yet (Streamlit's pages/-folder mode until
    app.py's st.navigation has run once), then again after a user has signed in."""
    base = cold_auth_server.url
    problems = []
    page = context.new_page()
    # deep links first: /users is the very first request the server gets
    order = [*reversed(ALL_PATHS[1:]), "/"]
    for path in order:
        open_sign_in(page, base + path)
        problems += anonymous_problems(page, f"cold server {path}")
    page.screenshot(path=str(screenshots / "auth-sign-in-cold-server.png"))

    # someone signs in (in another browser): app.py's navigation now exists in the server
    other = context.browser.new_context()
    try:
        sign_in(other.new_page(), base, VIEWER_EMAIL, VIEWER_PASSWORD)
    finally:
        other.close()
    for path in [*ALL_PATHS[1:], "/"]:
        open_sign_in(page, base + path)
        problems += anonymous_problems(page, f"after a sign-in {path}")
    page.screenshot(path=str(screenshots / "auth-sign-in.png"))
    assert problems == [], "\n".join(problems)


def test_viewer_never_sees_the_other_organisation(auth_server, page, screenshots):
    base = auth_server.url
    sign_in(page, base, VIEWER_EMAIL, VIEWER_PASSWORD)
    page.locator('[data-testid="stPlotlyChart"] .js-plotly-plot').first.wait_for()
    time.sleep(1.0)
    page.screenshot(path=str(screenshots / "auth-viewer-overview.png"))
    assert page.get_by_text("Signed in as viewer@alpha.test (viewer)").count() == 1
    assert nav_paths(page, base) == VIEWER_PATHS  # no Upload, no Users & audit log

    seen: dict[str, dict] = {}
    for path in VIEWER_PATHS:
        page.locator(f'[data-testid="stSidebarNav"] a[href="{base}{path}"]').click()
        page.get_by_role("heading", level=1).filter(has_text=PAGE_HEADINGS[path]).wait_for()
        wait_for_run(page)
        time.sleep(0.5)
        options = selectbox_options(page)
        seen[path] = {
            "options": options,
            "text": page.locator("body").inner_text(),
            "html": page.content(),
            "charts": chart_data(page),
        }
        assert options.get("Organisation") == [ALPHA], (path, options)
        assert page.locator('[data-testid="stException"]').count() == 0, path

    for path, shown in seen.items():
        assert BETA_WORDS not in json.dumps(shown["options"], ensure_ascii=False), (
            path,
            shown["options"],
        )
        assert BETA_WORDS not in shown["text"], path
        assert BETA_WORDS not in shown["html"], path
        assert BETA_WORDS not in shown["charts"], path
    # every page's selects were opened: the sidebar's three and the pages' own
    assert set(seen["/competencies"]["options"]) >= {
        "Organisation",
        "Maturity model",
        "Assessment",
        "Competency",
    }
    assert seen["/benchmarks"]["options"]["Industry"] == ["All"]
    # a viewer gets no target form on Progress
    assert "Save target" not in seen["/progress"]["text"]
    assert "Targets are set by analysts and administrators." in seen["/progress"]["text"]


def test_five_wrong_passwords_lock_the_account(auth_server, page, screenshots):
    base = auth_server.url
    messages = []
    for attempt in range(5):
        open_sign_in(page, base + "/")  # a new session for every try, as a script would
        submit(page, LOCKED_EMAIL, f"wrong-password-{attempt}")
        alert = page.locator('[data-testid="stAlert"]')
        alert.wait_for()
        wait_for_run(page)
        messages.append(alert.inner_text().strip())
    assert messages == [WRONG] * 4 + [LOCKED]

    open_sign_in(page, base + "/")
    submit(page, LOCKED_EMAIL, LOCKED_PASSWORD)  # the right password
    page.locator('[data-testid="stAlert"]').wait_for()
    wait_for_run(page)
    time.sleep(0.5)
    page.screenshot(path=str(screenshots / "auth-locked.png"))
    assert page.locator('[data-testid="stAlert"]').inner_text().strip() == LOCKED
    assert anonymous_problems(page, "locked") == []


# --- OpenID Connect against oidc-provider-mock -------------------------------------------------


def _unavailable(reason: str) -> None:
    """Skip, or fail where the browser tests are required (CXMATURITY_REQUIRE_E2E=1, CI)."""
    if os.environ.get("CXMATURITY_REQUIRE_E2E") == "1":
        pytest.fail(
            f"{reason}, and CXMATURITY_REQUIRE_E2E=1 requires the browser tests", pytrace=False
        )
    pytest.skip(reason)


@pytest.fixture(scope="module")
def oidc_provider():
    """oidc-provider-mock in a thread of this process: (issuer URL)."""
    try:
        import authlib.deprecate  # noqa: F401  (the server's st.login needs Authlib too)
    except ImportError:
        _unavailable("Authlib is not installed: Streamlit's st.login needs Authlib>=1.3.2")
    try:
        with warnings.catch_warnings():  # Authlib's own deprecations, raised on import
            # authlib.deprecate (imported above) adds an "always" filter: this one comes after
            warnings.simplefilter("ignore", DeprecationWarning)
            import oidc_provider_mock
    except ImportError:
        _unavailable("oidc-provider-mock is not installed (requirements-dev.txt)")
    with oidc_provider_mock.run_server_in_thread() as provider:
        issuer = f"http://localhost:{provider.server_port}"
        for email in (OIDC_EMAIL, STRANGER_EMAIL):
            request = urllib.request.Request(
                f"{issuer}/users/{email}",
                data=json.dumps({"email": email, "email_verified": True}).encode(),
                headers={"Content-Type": "application/json"},
                method="PUT",
            )
            with urllib.request.urlopen(request, timeout=10) as response:
                assert response.status == 204
        yield issuer


@pytest.fixture(scope="module")
def oidc_server(tmp_path_factory, e2e_tools, oidc_provider):
    """The dashboard with an [auth] section naming the mock provider; its base URL uses
    localhost, the host of the redirect URI (the login cookie belongs to that host)."""
    directory = tmp_path_factory.mktemp("e2e-oidc")
    build_database(directory, (OIDC_EMAIL, "viewer", ALPHA, None))
    port = e2e_tools.free_port()
    secrets = directory / "secrets.toml"  # never the repository's .streamlit/
    secrets.write_text(
        "[auth]\n"
        f'redirect_uri = "http://localhost:{port}/oauth2callback"\n'
        'cookie_secret = "e2e-cookie-secret-3f9a1c7d5b2e8f40"\n'
        'client_id = "cxmaturity-e2e"\n'
        'client_secret = "cxmaturity-e2e-secret"\n'
        f'server_metadata_url = "{oidc_provider}/.well-known/openid-configuration"\n',
        encoding="utf-8",
    )
    server = e2e_tools.start_server(
        directory,
        port=port,
        args=("--secrets.files", str(secrets)),
        CXMATURITY_AUTH="",
        CXMATURITY_DEMO="0",
    )
    try:
        yield f"http://localhost:{port}", server
    finally:
        server.stop()


def oidc_sign_in(page, base: str, issuer: str, email: str, screenshots: Path | None = None) -> None:
    page.goto(base + "/")
    page.get_by_role("heading", name=SIGN_IN_TITLE, level=1).wait_for()
    wait_for_run(page)
    assert page.get_by_label("Password", exact=True).count() == 0  # no password form with OIDC
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{issuer}/oauth2/authorize**")
    form = page.locator('input[name="sub"]')
    form.wait_for()
    if screenshots is not None:
        page.screenshot(path=str(screenshots / "oidc-provider-form.png"))
    form.fill(email)
    page.get_by_role("button", name="Authorize").click()
    page.wait_for_url(f"{base}/**")


# oidc-provider-mock runs in this process; its Authlib calls warn about Authlib's own deprecations
@pytest.mark.filterwarnings("ignore::DeprecationWarning")
def test_oidc_sign_in_maps_the_provider_email_to_the_account(
    oidc_server, oidc_provider, page, screenshots
):
    base, server = oidc_server
    oidc_sign_in(page, base, oidc_provider, OIDC_EMAIL, screenshots)
    page.get_by_role("heading", level=1).filter(has_text=PAGE_HEADINGS["/"]).wait_for()
    wait_for_run(page)
    page.locator('[data-testid="stPlotlyChart"] .js-plotly-plot').first.wait_for()
    time.sleep(1.0)
    page.screenshot(path=str(screenshots / "oidc-viewer-overview.png"))
    main = page.locator('[data-testid="stMain"]')
    assert main.get_by_text(re.compile(r"^Alpha Bank · ")).count() == 1
    assert page.get_by_text(f"Signed in as {OIDC_EMAIL} (viewer)").count() == 1
    assert nav_paths(page, base) == VIEWER_PATHS
    assert selectbox_options(page)["Organisation"] == [ALPHA]
    assert BETA_WORDS not in page.content() and BETA_WORDS not in chart_data(page)
    headings_after_sign_in = h1s(page)

    # the identity provider's cookie keeps the user signed in across reloads and deep links;
    # pages the role lacks still do not open
    for path, forbidden in (("/upload", "Upload an assessment"), ("/users", "Users & audit log")):
        page.goto(base + path)
        page.get_by_role("heading", level=1).filter(has_text=PAGE_HEADINGS["/"]).wait_for()
        wait_for_run(page)
        time.sleep(0.5)
        assert forbidden not in h1s(page), path
        assert page.locator('[data-testid="stFileUploader"]').count() == 0, path
        assert page.get_by_text(f"Signed in as {OIDC_EMAIL} (viewer)").count() == 1, path
    assert page.locator('[data-testid="stException"]').count() == 0
    assert "Traceback" not in server.log_tail(200)

    # checked last, so the flow above still runs: the first page after signing in is the
    # Overview, not the Overview under the sign-in page's "CX Maturity Dashboard" heading
    assert headings_after_sign_in[0] != SIGN_IN_TITLE, headings_after_sign_in


@pytest.mark.filterwarnings("ignore::DeprecationWarning")
def test_oidc_email_without_an_account_is_refused(oidc_server, oidc_provider, page, screenshots):
    base, _ = oidc_server
    oidc_sign_in(page, base, oidc_provider, STRANGER_EMAIL)
    alert = page.locator('[data-testid="stAlert"]').filter(has_text=NO_ACCOUNT)
    alert.wait_for()
    wait_for_run(page)
    time.sleep(0.5)
    page.screenshot(path=str(screenshots / "oidc-no-account.png"))
    assert h1s(page) == [SIGN_IN_TITLE]
    assert page.get_by_role("button", name="Sign out").count() == 1
    text, html = page.locator("body").inner_text(), page.content()
    for word in (ALPHA, BETA_WORDS, "Level ", "Signed in as"):
        assert word not in text and word not in html, word
    for testid in ("stSelectbox", "stMetric", "stPlotlyChart", "stDataFrame"):
        assert page.locator(f'[data-testid="{testid}"]').count() == 0, testid
