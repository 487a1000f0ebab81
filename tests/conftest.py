"""Shared fixtures.

``db_url``: a fresh, empty database per test: SQLite in tmp_path always, and PostgreSQL when
``CXMATURITY_TEST_POSTGRES_URL`` is set (a new schema per test, dropped afterwards), e.g.
``CXMATURITY_TEST_POSTGRES_URL=postgresql+psycopg://postgres@127.0.0.1:55432/postgres``.
"""

from __future__ import annotations

import contextlib
import functools
import io
import os
import subprocess
import sys
import uuid
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest
from databases import copy_sqlite
from hypothesis import HealthCheck, settings

ROOT = Path(__file__).resolve().parent.parent

# Property tests: thorough in CI (CI=1, set by .ci/run), quick on a developer's machine.
settings.register_profile("ci", max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("dev", max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("ci" if os.environ.get("CI") else "dev")
POSTGRES_ENV = "CXMATURITY_TEST_POSTGRES_URL"

# Each new AppTest has Streamlit scan every installed distribution's metadata for custom components
# (components v2): 16% of the page tests' time, for a result that cannot change during a test run.
# Scanned once per test process instead.
from streamlit.components.v2 import manifest_scanner  # noqa: E402

manifest_scanner.scan_component_manifests = functools.cache(manifest_scanner.scan_component_manifests)

DB_PARAMS = [pytest.param("sqlite", id="sqlite")]
if os.environ.get(POSTGRES_ENV):
    DB_PARAMS.append(pytest.param("postgresql", id="postgresql", marks=pytest.mark.postgres))


@pytest.fixture(autouse=True)
def _no_ambient_database(monkeypatch):
    """Tests never touch the developer's database or load the demo by surprise."""
    monkeypatch.delenv("CXMATURITY_DATABASE_URL", raising=False)
    monkeypatch.delenv("CXMATURITY_DEMO", raising=False)


@pytest.fixture(scope="session")
def postgres_admin():
    from sqlalchemy import create_engine

    url = os.environ.get(POSTGRES_ENV)
    if not url:
        pytest.skip(f"{POSTGRES_ENV} is not set")
    engine = create_engine(url, isolation_level="AUTOCOMMIT")
    yield engine
    engine.dispose()


def _postgres_url(base: str, schema: str) -> str:
    from sqlalchemy import make_url

    # search_path per connection: every connection of this URL (also in subprocesses) lives
    # in the test's own schema, so tests never see each other's tables
    url = make_url(base).update_query_dict({"options": f"-csearch_path={schema}", "application_name": schema})
    return url.render_as_string(hide_password=False)


@pytest.fixture(params=DB_PARAMS)
def db_url(request, tmp_path):
    """URL of a fresh, empty database (no tables yet)."""
    from cxmaturity.store import engine as db

    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'test.db'}"
        db.dispose_engines()
        return

    from sqlalchemy import text

    admin = request.getfixturevalue("postgres_admin")
    schema = f"cxm_test_{uuid.uuid4().hex[:12]}"
    with admin.connect() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    try:
        yield _postgres_url(os.environ[POSTGRES_ENV], schema)
    finally:
        db.dispose_engines()
        with admin.connect() as conn:
            # connections of killed subprocesses may linger for a moment; end them first
            conn.execute(
                text(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                    "WHERE pid <> pg_backend_pid() AND application_name = :name"
                ),
                {"name": schema},
            )
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))


@pytest.fixture
def engine(db_url):
    """The repository's engine for ``db_url`` (schema migrated)."""
    from cxmaturity.store import engine as db

    return db.get_engine(db_url)


def table_counts(url: str) -> dict[str, int]:
    """Row counts of every table, by direct SQL (tests check the store from outside)."""
    from sqlalchemy import create_engine, text

    from cxmaturity.store.schema import TABLES

    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            return {t: conn.execute(text(f"SELECT count(*) FROM {t}")).scalar_one() for t in TABLES}
    finally:
        engine.dispose()


@pytest.fixture
def counts():
    return table_counts


# --- survey files --------------------------------------------------------------------------

DEPARTMENTS = ["Customer Service", "Marketing", "Sales", "IT", "Finance"]


def survey_frame(model_id: str = "gartner", n: int = 40, seed: int = 0, shift: float = 0.0, prefix: str = "r") -> pd.DataFrame:
    """A survey in the CSV template layout: respondent_id, department, role, submitted_at, items."""
    from cxmaturity.models import get_model

    model = get_model(model_id)
    rng = np.random.default_rng(seed)
    lo, hi = model.scale.min, model.scale.max
    centre = lo + (hi - lo) * (0.5 + shift)
    frame = pd.DataFrame(
        {
            "respondent_id": [f"{prefix}{i + 1}" for i in range(n)],
            "department": rng.choice(DEPARTMENTS, size=n),
            "role": rng.choice(["Manager", "Specialist"], size=n),
            "submitted_at": ["2025-05-15"] * n,
        }
    )
    for item in model.item_ids:
        values = pd.array(np.clip(np.rint(rng.normal(centre, (hi - lo) / 4, size=n)), lo, hi).astype(int), dtype="Int64")
        values[rng.random(n) < 0.05] = pd.NA
        frame[item] = values
    return frame


def write_survey(path: Path, frame: pd.DataFrame) -> Path:
    frame.to_csv(path, index=False, encoding="utf-8")
    return path


@pytest.fixture
def make_survey_csv(tmp_path):
    """make_survey_csv(name, model_id="gartner", n=40, seed=0, shift=0.0) -> Path of a CSV."""

    def make(name: str = "survey.csv", model_id: str = "gartner", n: int = 40, seed: int = 0, shift: float = 0.0) -> Path:
        return write_survey(tmp_path / name, survey_frame(model_id, n, seed, shift))

    return make


# --- the CLI, in this process or as a subprocess ---------------------------------------------------------------


def cli_env(db_url: str, **extra: str) -> dict[str, str]:
    env = dict(os.environ)
    env["CXMATURITY_DATABASE_URL"] = db_url
    env["PYTHONPATH"] = str(ROOT) + os.pathsep + env.get("PYTHONPATH", "")
    env["PYTHONIOENCODING"] = "utf-8"
    env.update(extra)
    return env


@pytest.fixture
def run_cli(db_url, tmp_path, monkeypatch):
    """run_cli(*args, stdin=None) -> CompletedProcess of ``cxmaturity args`` on ``db_url``, run
    in this process (``cxmaturity.cli.main`` with captured output): what a command prints and
    its exit status, at a fraction of a process start. ``run_cli_process`` is the real process,
    for what only a process shows (no traceback on exit, kill -9, non-ASCII argv)."""
    from cxmaturity.cli import main

    def run(*args: str, stdin: str | None = None, **env: str) -> subprocess.CompletedProcess:
        monkeypatch.setenv("CXMATURITY_DATABASE_URL", db_url)
        for key, value in env.items():
            monkeypatch.setenv(key, value)
        monkeypatch.chdir(tmp_path)
        monkeypatch.setattr(sys, "stdin", io.StringIO(stdin or ""))
        out, err = io.StringIO(), io.StringIO()
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            try:
                code = main(list(args))
            except SystemExit as exc:  # argparse's usage errors
                code = exc.code if isinstance(exc.code, int) else 2
        return subprocess.CompletedProcess(["cxmaturity", *args], code, out.getvalue(), err.getvalue())

    return run


@pytest.fixture
def run_cli_process(db_url, tmp_path):
    """run_cli_process(*args) -> CompletedProcess of ``python -m cxmaturity args`` on ``db_url``."""

    def run(*args: str, timeout: float = 120, stdin: str | None = None, **env: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            [sys.executable, "-m", "cxmaturity", *args],
            cwd=tmp_path,
            env=cli_env(db_url, **env),
            input=stdin if stdin is not None else "",
            capture_output=True,
            text=True,
            encoding="utf-8",
            timeout=timeout,
        )

    return run


@pytest.fixture
def helpers():
    """Plain helper functions for tests (survey_frame, write_survey, cli_env, table_counts)."""
    return SimpleNamespace(survey_frame=survey_frame, write_survey=write_survey, cli_env=cli_env, table_counts=table_counts)


# --- the demo database, built once -------------------------------------------------------------


@pytest.fixture(scope="session")
def demo_template(tmp_path_factory) -> Path:
    """The demo database, built once per test process; tests work on copies of it."""
    from cxmaturity.services import demo
    from cxmaturity.store import engine as db

    path = tmp_path_factory.mktemp("demo-template") / "demo.db"
    assert demo.load_demo(f"sqlite:///{path}")
    db.dispose_engines()
    return path


@pytest.fixture
def demo_copy(demo_template, tmp_path) -> str:
    """The URL of this test's own copy of the demo database (SQLite)."""
    path = tmp_path / "demo.db"
    copy_sqlite(demo_template, path)
    return f"sqlite:///{path}"

