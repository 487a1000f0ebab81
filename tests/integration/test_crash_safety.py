"""Crash safety and concurrency of imports, as real processes: kill -9 at any moment leaves
nothing or everything; imports running at once all land, and the same file twice lands once."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from sqlalchemy import create_engine, make_url, text

BIG = 50_000


def _org_state(db_url: str, org: str) -> list[tuple[int, int, int, int]]:
    """(assessment id, respondent_count, respondent rows, score rows) of each of org's assessments."""
    engine = create_engine(db_url)
    try:
        with engine.connect() as conn:
            return [
                tuple(r)
                for r in conn.execute(
                    text(
                        "SELECT a.id, a.respondent_count,"
                        " (SELECT count(*) FROM respondents r WHERE r.assessment_id = a.id),"
                        " (SELECT count(*) FROM assessment_scores s WHERE s.assessment_id = a.id)"
                        " FROM assessments a JOIN organisations o ON o.id = a.organisation_id"
                        " WHERE o.name = :org ORDER BY a.id"
                    ),
                    {"org": org},
                )
            ]
    finally:
        engine.dispose()


# --- crash safety and concurrency ----------------------------------------------------------


def _start_import(env: dict, cwd: Path, csv: Path, org: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "cxmaturity", "import", str(csv), "--org", org, "--model", "gartner", "--date", "2025-05-15"],
        cwd=cwd,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _writing(db_url: str, probe) -> bool:
    """Whether an import is inside its write transaction right now."""
    url = make_url(db_url)
    if url.get_backend_name() == "sqlite":
        wal = Path(f"{url.database}-wal")
        # the respondents (a few MB) spill from the page cache into the WAL before COMMIT
        return wal.exists() and wal.stat().st_size > 512 * 1024
    with probe.connect() as conn:
        return bool(
            conn.execute(
                text(
                    "SELECT count(*) FROM pg_stat_activity WHERE application_name = :app "
                    "AND state = 'active' AND query ILIKE 'INSERT INTO respondents%'"
                ),
                {"app": url.query.get("application_name")},
            ).scalar_one()
        )


def _kill(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        os.kill(proc.pid, signal.SIGKILL)
    proc.communicate(timeout=60)


def _assert_all_or_nothing(db_url: str, org: str) -> str:
    state = _org_state(db_url, org)
    assert len(state) <= 1, state
    if not state:
        return "nothing"
    _, respondent_count, rows, scores = state[0]
    assert (respondent_count, rows, scores) == (BIG, BIG, 1), state
    return "all"


def test_kill_9_during_import_leaves_nothing_or_everything(db_url, engine, tmp_path, helpers):
    csv = helpers.write_survey(tmp_path / "big.csv", helpers.survey_frame(n=BIG, seed=7))
    env = helpers.cli_env(db_url)
    probe = create_engine(db_url)
    try:
        started = time.monotonic()
        full = _start_import(env, tmp_path, csv, "Complete")
        out, err = full.communicate(timeout=300)
        duration = time.monotonic() - started
        assert full.returncode == 0, err
        assert _assert_all_or_nothing(db_url, "Complete") == "all"

        outcomes = []
        # fixed moments across the run (start-up, reading, scoring, writing, committing) ...
        for i, share in enumerate((0.35, 0.8)):
            proc = _start_import(env, tmp_path, csv, f"Kill {i}")
            time.sleep(duration * share)
            _kill(proc)
            outcomes.append(_assert_all_or_nothing(db_url, f"Kill {i}"))
        # ... and, to be sure one kill lands inside the write transaction, polled moments
        caught_writing = 0
        for i in range(2):
            org = f"Kill while writing {i}"
            proc = _start_import(env, tmp_path, csv, org)
            deadline = time.monotonic() + 120
            while proc.poll() is None and time.monotonic() < deadline:
                if _writing(db_url, probe):
                    time.sleep(0.05 * i)  # early, and a little later, in the write
                    caught_writing += proc.poll() is None
                    break
                time.sleep(0.005)
            _kill(proc)
            outcomes.append(_assert_all_or_nothing(db_url, org))
        print("kill -9 outcomes:", outcomes, "killed while writing:", caught_writing)
        assert caught_writing >= 1, outcomes
        assert "nothing" in outcomes

        if make_url(db_url).get_backend_name() == "sqlite":
            with probe.connect() as conn:
                assert conn.exec_driver_sql("PRAGMA integrity_check").scalar() == "ok"
        # a killed import can simply be run again
        again = _start_import(env, tmp_path, csv, "Kill while writing 0")
        out, err = again.communicate(timeout=300)
        assert again.returncode == 0, err
        assert _assert_all_or_nothing(db_url, "Kill while writing 0") == "all"
        assert _assert_all_or_nothing(db_url, "Complete") == "all"
    finally:
        probe.dispose()


def test_two_concurrent_imports_both_succeed(db_url, tmp_path, helpers):
    # no schema yet: the two processes also race to create it
    env = helpers.cli_env(db_url)
    files = [helpers.write_survey(tmp_path / f"c{i}.csv", helpers.survey_frame(n=20_000, seed=20 + i, prefix=f"p{i}-")) for i in range(2)]
    procs = [_start_import(env, tmp_path, f, "Concurrent Ltd") for f in files]
    results = [p.communicate(timeout=300) + (p.returncode,) for p in procs]
    for out, err, code in results:
        assert code == 0, err
        assert out.startswith("Stored as assessment #")
    state = _org_state(db_url, "Concurrent Ltd")
    assert [(count, rows, scores) for _, count, rows, scores in state] == [(20_000, 20_000, 1)] * 2


def test_the_same_file_imported_twice_at_once_is_stored_once(db_url, engine, tmp_path, helpers):
    csv = helpers.write_survey(tmp_path / "same.csv", helpers.survey_frame(n=10_000, seed=3))
    env = helpers.cli_env(db_url)
    procs = [_start_import(env, tmp_path, csv, "Twice") for _ in range(2)]
    outputs = []
    for p in procs:
        out, err = p.communicate(timeout=300)
        assert p.returncode == 0, err
        outputs.append(out)
    assert sum(o.startswith("Stored as assessment #") for o in outputs) == 1
    assert sum("already stored as assessment #" in o for o in outputs) == 1
    assert len(_org_state(db_url, "Twice")) == 1
