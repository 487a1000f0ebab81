"""Browser-test fixtures: a real ``streamlit run app.py`` on a temporary SQLite database, driven
by Playwright with Debian's chromium (/usr/bin/chromium; Playwright cannot download browsers here).

Without chromium (or the playwright package) the browser tests skip, unless
``CXMATURITY_REQUIRE_E2E=1`` (CI), where they fail instead.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")
REQUIRE_ENV = "CXMATURITY_REQUIRE_E2E"
SCREENSHOTS = ROOT / "screenshots"  # git-ignored
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
VIEWPORT = {"width": 1440, "height": 2400}
STARTUP_TIMEOUT = 90  # seconds until /_stcore/health answers "ok"
PAGE_TIMEOUT_MS = 60_000  # the first run loads the demo into the empty database


def _unavailable(reason: str) -> None:
    if os.environ.get(REQUIRE_ENV) == "1":
        pytest.fail(f"{reason}, and {REQUIRE_ENV}=1 requires the browser tests", pytrace=False)
    pytest.skip(reason)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Server:
    url: str
    process: subprocess.Popen
    log: Path
    database: Path

    def log_tail(self, lines: int = 40) -> str:
        try:
            return "\n".join(
                self.log.read_text(encoding="utf-8", errors="replace").splitlines()[-lines:]
            )
        except OSError:
            return "(no log)"

    def stop(self) -> None:
        if self.process.poll() is not None:
            return
        try:  # the server runs in its own process group: end it and anything it started
            os.killpg(self.process.pid, signal.SIGTERM)
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=15)
        except ProcessLookupError:
            pass


def start_server(
    directory: Path, *, port: int | None = None, args: tuple[str, ...] = (), **env_extra: str
) -> Server:
    """``streamlit run app.py`` on a fresh SQLite file in ``directory`` (demo on); waits for health.

    ``port``: a port chosen beforehand (e.g. one an OIDC redirect URI names); ``args``: more
    ``streamlit run`` options (e.g. ``("--secrets.files", path)``); ``env_extra``: environment.
    """
    port = port or _free_port()
    database = directory / "dashboard.db"
    log = directory / "streamlit.log"
    env = dict(os.environ)
    env.pop("CXMATURITY_DEMO", None)  # demo on, whatever the developer's shell says
    env["CXMATURITY_DATABASE_URL"] = f"sqlite:///{database}"
    env["PYTHONIOENCODING"] = "utf-8"
    env.update(env_extra)
    command = [
        sys.executable, "-m", "streamlit", "run", "app.py",
        "--server.port", str(port),
        "--server.address", "127.0.0.1",
        "--server.headless", "true",
        "--server.fileWatcherType", "none",  # others edit the app while tests run: no reloads
        "--browser.gatherUsageStats", "false",
        *args,
    ]  # fmt: skip
    with open(log, "wb") as out:
        process = subprocess.Popen(
            command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )
    server = Server(f"http://127.0.0.1:{port}", process, log, database)
    deadline = time.monotonic() + STARTUP_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(
                f"streamlit exited with {process.returncode}:\n{server.log_tail()}", pytrace=False
            )
        try:
            with urllib.request.urlopen(f"{server.url}/_stcore/health", timeout=2) as response:
                if response.read().decode().strip() == "ok":
                    return server
        except OSError:
            pass
        time.sleep(0.3)
    server.stop()
    pytest.fail(
        f"streamlit did not answer /_stcore/health within {STARTUP_TIMEOUT} s:\n{server.log_tail()}",
        pytrace=False,
    )


@pytest.fixture(scope="session")
def chromium_executable() -> str:
    if not CHROMIUM.exists():
        _unavailable(f"{CHROMIUM} is not installed")
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        _unavailable("the playwright package is not installed")
    return str(CHROMIUM)


@pytest.fixture(scope="module")
def browser(chromium_executable):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=chromium_executable, headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


@pytest.fixture(scope="module")
def server(tmp_path_factory, browser):
    """A running dashboard on a fresh demo database, for the whole module.

    Warmed up by one visit to "/": that first run loads the demo (a few seconds), and Streamlit
    must see app.py's st.navigation once before a deep link works (see test_deep_link_first).
    """
    server = start_server(tmp_path_factory.mktemp("e2e-server"))
    try:
        context = browser.new_context(viewport=VIEWPORT)
        page = context.new_page()
        page.goto(server.url + "/")
        page.get_by_role("heading", level=1).first.wait_for(timeout=PAGE_TIMEOUT_MS)
        context.close()
        yield server
    finally:
        server.stop()


@pytest.fixture
def cold_server(tmp_path, chromium_executable):
    """A server of its own that no browser has visited yet (function scope)."""
    server = start_server(tmp_path)
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="module")
def app_url(server) -> str:
    return server.url


@pytest.fixture
def context(browser):
    context = browser.new_context(viewport=VIEWPORT)
    yield context
    context.close()


@pytest.fixture
def page(context):
    context.set_default_timeout(30_000)
    return context.new_page()


@pytest.fixture(scope="session")
def screenshots() -> Path:
    SCREENSHOTS.mkdir(exist_ok=True)
    return SCREENSHOTS


@pytest.fixture(scope="session")
def e2e_tools(chromium_executable):
    """Plain helpers for test modules that start servers of their own (the caller stops them):
    start_server(directory, port=None, args=(), **env) -> Server, free_port() -> int."""
    from types import SimpleNamespace

    return SimpleNamespace(start_server=start_server, free_port=_free_port)
