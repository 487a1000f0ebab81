"""The storage CLI (import, history, compare, rescore), in process and as a subprocess, including crash safety
(kill -9 during an import) and concurrent imports."""

from __future__ import annotations

import json
import subprocess

import pytest
from sqlalchemy import create_engine, text

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


def test_unicode_organisation_names_via_cli(run_cli, run_cli_process, make_survey_csv, db_url):
    from cxmaturity import services

    names = ['Acme "Quoted" <b>bold</b> 🚀', "شرکت ملی پخش فرآورده‌ها", "Ünïcödé & 'Co' \\ backslash"]
    csv = make_survey_csv()
    for i, name in enumerate(names):
        # non-ASCII argv and output through a real process once (right to left, emoji), in process after
        cli = run_cli_process if i == 1 else run_cli
        result = cli("import", str(csv), "--org", name, "--model", "gartner", "--date", "2025-05-15")
        assert result.returncode == 0, result.stderr
        history = cli("history", "--org", name, "--json")
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


def test_unknown_organisation_is_one_line_exit_2(run_cli, run_cli_process, engine):
    # as a shell sees it (exit status, no traceback) once; the other commands in process
    assert _one_line_error(run_cli_process("history", "--org", "Nobody", "--json")) == "unknown organisation 'Nobody'"
    for args in (["compare", "--org", "Nobody", "--model", "gartner"], ["rescore", "--org", "Nobody"]):
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
