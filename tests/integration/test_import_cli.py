"""The storage CLI (import, history, compare, rescore), in process and as a subprocess, including crash safety
(kill -9 during an import) and concurrent imports."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import create_engine, make_url, text

BIG = 50_000


def _one_line_error(result: subprocess.CompletedProcess, code: int = 2) -> str:
    assert result.returncode == code, (result.stdout, result.stderr)
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    return lines[0]


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


# --- import --------------------------------------------------------------------------------


def test_import_then_the_same_file_again(run_cli, make_survey_csv, db_url, counts):
    csv = make_survey_csv("wave1.csv", n=30)
    first = run_cli("import", str(csv), "--org", "Acme", "--model", "gartner", "--date", "2025-05-15", "--label", "Wave 1")
    assert first.returncode == 0, first.stderr
    assert first.stdout.startswith("Stored as assessment #1")
    before = counts(db_url)
    assert before["respondents"] == 30
    again = run_cli("import", str(csv), "--org", "Acme", "--model", "gartner", "--date", "2025-05-15")
    assert again.returncode == 0, again.stderr
    assert "already stored as assessment #1" in again.stdout
    assert counts(db_url) == before


def test_import_reports_problems_and_stores_nothing(run_cli, engine, tmp_path, db_url, counts, helpers):
    frame = helpers.survey_frame(n=6)
    frame["metrics_level"] = frame["metrics_level"].astype(object)
    frame.loc[2, "metrics_level"] = "seven"
    csv = helpers.write_survey(tmp_path / "bad.csv", frame)
    result = run_cli("import", str(csv), "--org", "Acme", "--model", "gartner", "--date", "2025-05-15")
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    assert "row 4" in result.stderr and "metrics_level" in result.stderr and "seven" in result.stderr
    assert all(v == 0 for v in counts(db_url).values())


@pytest.mark.parametrize(
    "args, message",
    [
        (["--date", "2025-02-30"], "--date: '2025-02-30' is not a date"),
        (["--date", "15.05.2025"], "is not a date in the form YYYY-MM-DD"),
        (["--date", "2025-05-15", "--model", "nonsense"], "unknown model 'nonsense'"),
    ],
)
def test_import_argument_errors(run_cli, make_survey_csv, args, message):
    csv = make_survey_csv()
    base = {"--org": "Acme", "--model": "gartner"}
    for i in range(0, len(args), 2):
        base[args[i]] = args[i + 1]
    flat = [x for kv in base.items() for x in kv]
    assert message in _one_line_error(run_cli("import", str(csv), *flat))


def test_unicode_organisation_names_via_cli(run_cli_process, make_survey_csv, db_url):
    run_cli = run_cli_process  # non-ASCII argv needs a real process
    from cxmaturity import services

    names = ['Acme "Quoted" <b>bold</b> 🚀', "شرکت ملی پخش فرآورده‌ها", "Ünïcödé & 'Co' \\ backslash"]
    csv = make_survey_csv()
    for name in names:
        result = run_cli("import", str(csv), "--org", name, "--model", "gartner", "--date", "2025-05-15")
        assert result.returncode == 0, result.stderr
        history = run_cli("history", "--org", name, "--json")
        assert history.returncode == 0, history.stderr
        assert len(json.loads(history.stdout)) == 1
    assert sorted(o.name for o in services.list_organisations(engine=db_url)) == sorted(names)


# --- history and compare -------------------------------------------------------------------


def _import_waves(db_url, tmp_path, helpers, org="Acme", dates=("2025-11-15", "2025-05-15", "2026-05-15")):
    """Three stored waves, imported in-process (these tests are about the other commands)."""
    from cxmaturity import services
    from cxmaturity.survey import read_survey

    for i, date in enumerate(dates):
        csv = helpers.write_survey(tmp_path / f"w{i}.csv", helpers.survey_frame(n=50, seed=i, shift=0.1 * i))
        services.import_assessment(read_survey(csv), org, date, f"W{i}", engine=db_url)


def test_history_json_is_oldest_first(run_cli, db_url, tmp_path, helpers):
    _import_waves(db_url, tmp_path, helpers)
    result = run_cli("history", "--org", "Acme", "--model", "gartner", "--json")
    assert result.returncode == 0, result.stderr
    items = json.loads(result.stdout)
    assert [a["date"] for a in items] == ["2025-05-15", "2025-11-15", "2026-05-15"]
    assert [a["id"] for a in items] == [2, 1, 3]
    a = items[0]
    assert a["label"] == "W1" and a["model"] == "gartner" and a["respondents"] == 50
    assert set(a["overall"]) == {"score", "level", "level_name", "ci95", "points"}
    assert {c["id"] for c in a["competencies"]} >= {"vision", "metrics"}
    assert set(a["competencies"][0]) == {"id", "name", "score", "level", "level_name", "n", "ci95"}
    human = run_cli("history", "--org", "Acme")
    assert human.returncode == 0 and human.stdout.count("\n") == 3


def test_unknown_organisation_is_one_line_exit_2(run_cli_process, engine):
    run_cli = run_cli_process  # exit status and no traceback, as a shell sees them
    for args in (["history", "--org", "Nobody", "--json"], ["compare", "--org", "Nobody", "--model", "gartner"], ["rescore", "--org", "Nobody"]):
        assert _one_line_error(run_cli(*args)) == "unknown organisation 'Nobody'"


def test_compare_defaults_to_the_last_two(run_cli, db_url, tmp_path, helpers):
    _import_waves(db_url, tmp_path, helpers)
    result = run_cli("compare", "--org", "Acme", "--model", "gartner", "--json")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert (data["from"], data["to"]) == (1, 3)  # 2025-11-15 -> 2026-05-15
    assert set(data["overall"]) == {"id", "name", "from_score", "to_score", "delta", "p_value", "cohens_d", "verdict", "from_n", "to_n"}
    assert len(data["competencies"]) == 7
    explicit = json.loads(run_cli("compare", "--org", "Acme", "--model", "gartner", "--from", "2", "--to", "3", "--json").stdout)
    assert (explicit["from"], explicit["to"]) == (2, 3)
    human = run_cli("compare", "--org", "Acme", "--model", "gartner")
    assert human.returncode == 0 and "#1 → #3" in human.stdout


def test_compare_with_fewer_than_two_is_a_clean_error(run_cli, make_survey_csv):
    run_cli("import", str(make_survey_csv()), "--org", "Acme", "--model", "gartner", "--date", "2025-05-15")
    line = _one_line_error(run_cli("compare", "--org", "Acme", "--model", "gartner", "--json"))
    assert "needs at least two" in line
    line = _one_line_error(run_cli("compare", "--org", "Acme", "--model", "gartner", "--from", "1", "--to", "99"))
    assert "no assessment #99" in line


def test_rescore_cli(run_cli, db_url, tmp_path, helpers):
    _import_waves(db_url, tmp_path, helpers)
    before = json.loads(run_cli("history", "--org", "Acme", "--json").stdout)
    result = run_cli("rescore", "--org", "Acme")
    assert result.returncode == 0, result.stderr
    assert "Re-scored 3 assessment(s)" in result.stdout
    assert json.loads(run_cli("history", "--org", "Acme", "--json").stdout) == before


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
        for i, share in enumerate((0.3, 0.6, 0.9)):
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
