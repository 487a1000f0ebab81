"""Storage: migrations, the repository API, isolation between organisations."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest
from sqlalchemy import inspect, text

from cxmaturity import errors, rules, services
from cxmaturity.errors import SurveyValidationError
from cxmaturity.store import engine as db
from cxmaturity.store.records import Organisation
from cxmaturity.store.schema import TABLES
from cxmaturity.survey import read_survey

UNICODE_NAMES = [
    'Acme "Quoted" & Sons',
    "<b>Bold</b> Ltd; DROP TABLE organisations;--",
    "O'Brien's Café 🚀✨",
    "شرکت نمونه‌ی ایرانی (سهامی خاص)",
    "  leading and trailing spaces  ",
]


def _survey(make_survey_csv, name="s.csv", **kw):
    return read_survey(make_survey_csv(name, **kw), filename=name)


# --- migrations --------------------------------------------------------------------------


def test_migrations_upgrade_and_downgrade_on_empty_database(db_url):
    engine = db.create_engine_for(db_url)
    try:
        assert db.current_revision(engine) is None
        assert not set(TABLES) & set(inspect(engine).get_table_names())
        db.upgrade(engine)
        assert set(TABLES) <= set(inspect(engine).get_table_names())
        assert db.current_revision(engine) == db.head_revision()
        db.downgrade(engine, "base")
        assert not set(TABLES) & set(inspect(engine).get_table_names())
        assert db.current_revision(engine) is None
        db.upgrade(engine)  # and back up again
        assert set(TABLES) <= set(inspect(engine).get_table_names())
    finally:
        engine.dispose()


def test_schema_head_constant_is_the_newest_migration():
    assert db.SCHEMA_HEAD == db.head_revision()


def test_schema_module_matches_the_migrations(engine):
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext

    from cxmaturity.store.schema import metadata

    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn, opts={"compare_type": True}), metadata)
    assert diff == []


def test_default_database_is_sqlite_with_wal_in_git_ignored_folder(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    url = db.database_url()
    assert url == f"sqlite:///{tmp_path / '.cxmaturity' / 'cxmaturity.db'}"
    engine = db.create_engine_for(url)
    try:
        with engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
            assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
            assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() == db.SQLITE_BUSY_TIMEOUT_MS
        assert (tmp_path / ".cxmaturity" / "cxmaturity.db").exists()
    finally:
        engine.dispose()


def test_environment_variable_selects_the_database(tmp_path, monkeypatch):
    monkeypatch.setenv("CXMATURITY_DATABASE_URL", f"sqlite:///{tmp_path / 'other.db'}")
    assert db.database_url().endswith("other.db")


def test_schema_is_created_on_first_use(db_url, counts):
    assert services.list_organisations(engine=db_url) == []
    assert counts(db_url) == {t: 0 for t in TABLES}


# --- organisations -----------------------------------------------------------------------


def test_unicode_organisation_names_round_trip_exactly(engine, make_survey_csv):
    survey = _survey(make_survey_csv)
    for name in UNICODE_NAMES:
        result = services.import_assessment(survey, name, "2025-05-15", "L", engine=engine)
        assert result.created
        assert services.get_organisation(name, engine=engine).name == name
        assert [a.id for a in services.history(name, engine=engine)] == [result.assessment_id]
    assert sorted(o.name for o in services.list_organisations(engine=engine)) == sorted(UNICODE_NAMES)
    # names differing only in case or spacing are different organisations, never merged
    assert services.get_organisation(UNICODE_NAMES[4].strip(), engine=engine) is None


def test_create_organisation_and_attributes(engine):
    org = services.create_organisation("Bank A", industry="Banking", size_band="5,000+", region="Europe", engine=engine)
    assert org == Organisation(name="Bank A", industry="Banking", size_band="5,000+", region="Europe", is_demo=False)
    again = services.create_organisation("Bank A", region="Asia", engine=engine)
    assert again.region == "Asia" and again.industry == "Banking"
    with pytest.raises(errors.InvalidInput):
        services.create_organisation("   ", engine=engine)
    assert services.delete_organisation("Bank A", engine=engine)
    assert services.list_organisations(engine=engine) == []


def test_unknown_organisation_is_a_clear_error(engine):
    with pytest.raises(errors.UnknownOrganisation, match="unknown organisation 'Nobody'"):
        services.history("Nobody", engine=engine)


# --- import --------------------------------------------------------------------------------


def test_import_round_trip_answers_and_respondents(engine, tmp_path):
    csv = tmp_path / "wave.csv"
    csv.write_text(
        "respondent_id,department,role,submitted_at,vision_level,strategy_level,metrics_level,"
        "governance_level,organization_level,processes_level,technology_level,tenure\n"
        "r1,Customer Service,Manager,2025-05-01,1,2,3,4,5,,3,5 years\n"
        "r2,Maркетинг,,2025-05-02,2,,2,2,2,2,2,\n"
        "r3,فروش,Agent,,5,4,3,2,1,1,1,2 years\n"
        "r4,IT,Lead,2025-05-03,,,,,,,4,\n",
        encoding="utf-8",
    )
    survey = read_survey(csv, filename="wave.csv")
    result = services.import_assessment(
        survey, "Org", dt.date(2025, 5, 15), "Wave 1", imported_by="tester", source_file="wave.csv", engine=engine
    )
    answers, people = services.get_assessment_answers("Org", result.assessment_id, engine=engine)

    assert list(answers.index) == list(survey.answers.index)
    assert list(answers.columns) == list(survey.answers.columns)
    np.testing.assert_array_equal(answers.to_numpy(), survey.answers.to_numpy(dtype=float))
    for column in survey.respondents.columns:
        expected = [None if pd.isna(v) else v for v in survey.respondents[column]]
        assert [None if v is None or (isinstance(v, float) and np.isnan(v)) else v for v in people[column]] == expected

    info = services.get_assessment("Org", result.assessment_id, engine=engine)
    assert info.source_file == "wave.csv" and info.imported_by == "tester"
    assert info.respondents == 4 and info.content_hash == survey.content_hash
    assert info.date == dt.date(2025, 5, 15) and info.label == "Wave 1"


def test_stored_scores_equal_scoring_with_department_breakdown(engine, make_survey_csv):
    from cxmaturity.scoring import score_assessment

    survey = _survey(make_survey_csv, n=60)
    result = services.import_assessment(survey, "Org", "2025-05-15", engine=engine)
    stored = services.get_scores("Org", result.assessment_id, engine=engine)
    expected = score_assessment(survey.model, survey.answers, survey.respondents, group_by="department").to_dict()
    assert stored["group_by"] == "department"
    # JSON keeps floats exactly (shortest repr), so the stored numbers are the computed ones
    assert {k: stored[k] for k in expected} == expected


def test_same_file_again_is_recognised_and_nothing_is_stored(db_url, engine, make_survey_csv, counts):
    survey = _survey(make_survey_csv)
    first = services.import_assessment(survey, "Org", "2025-05-15", engine=engine)
    before = counts(db_url)
    second = services.import_assessment(survey, "Org", "2026-01-01", "other label", engine=engine)
    assert (second.assessment_id, second.created) == (first.assessment_id, False)
    assert counts(db_url) == before
    # the same file for another organisation is that organisation's assessment
    third = services.import_assessment(survey, "Other org", "2025-05-15", engine=engine)
    assert third.created and third.assessment_id != first.assessment_id


def test_invalid_answers_are_rejected_and_nothing_is_stored(db_url, engine, make_survey_csv, counts):
    survey = _survey(make_survey_csv)
    survey.answers.iloc[2, 1] = 9.0
    with pytest.raises(SurveyValidationError) as excinfo:
        services.import_assessment(survey, "Org", "2025-05-15", engine=engine)
    assert "9 is not an answer on the 1–5 scale" in str(excinfo.value)
    assert counts(db_url) == {t: 0 for t in TABLES}
    with pytest.raises(errors.InvalidInput):
        services.import_assessment(_survey(make_survey_csv), "Org", "15/05/2025", engine=engine)


# --- history and comparison ----------------------------------------------------------------


def _three_waves(engine, make_survey_csv, org="Org"):
    # imported out of date order: history must still be oldest first
    ids = {}
    waves = (("b.csv", "2025-11-15", 0.0), ("a.csv", "2025-05-15", -0.2), ("c.csv", "2026-05-15", 0.2))
    for seed, (name, date, shift) in enumerate(waves):
        survey = _survey(make_survey_csv, name=name, seed=seed, shift=shift, n=80)
        ids[date] = services.import_assessment(survey, org, date, name, engine=engine).assessment_id
    return [ids[d] for d in sorted(ids)]


def test_history_is_oldest_first_with_scores(engine, make_survey_csv):
    ordered = _three_waves(engine, make_survey_csv)
    forrester = _survey(make_survey_csv, name="f.csv", model_id="forrester")
    fid = services.import_assessment(forrester, "Org", "2025-08-01", engine=engine).assessment_id
    items = services.history("Org", "gartner", engine=engine)
    assert [a.id for a in items] == ordered
    assert [a.date for a in items] == [dt.date(2025, 5, 15), dt.date(2025, 11, 15), dt.date(2026, 5, 15)]
    first = items[0]
    assert set(first.to_dict()) >= {"id", "date", "label", "model", "respondents", "overall", "competencies"}
    assert first.to_dict()["date"] == "2025-05-15"  # the JSON contract keeps ISO text
    assert set(first.overall) == {"score", "level", "level_name", "ci95", "points"}
    assert set(first.competencies[0]) == {"id", "name", "score", "level", "level_name", "n", "ci95"}
    assert first.respondents == 80
    everything = services.history("Org", engine=engine)
    assert [a.id for a in everything] == [ordered[0], fid, ordered[1], ordered[2]]
    assert [a.id for a in services.list_assessments("Org", "gartner", engine=engine)] == ordered


def test_comparison_defaults_to_the_last_two(engine, make_survey_csv):
    first, second, third = _three_waves(engine, make_survey_csv)
    default = services.comparison("Org", "gartner", engine=engine)
    assert (default.from_id, default.to_id) == (second, third)
    explicit = services.comparison("Org", "gartner", first, third, engine=engine)
    assert (explicit.from_id, explicit.to_id) == (first, third)
    assert explicit.overall.delta > 0
    assert services.comparison("Org", "gartner", to_id=second, engine=engine).from_id == first
    assert services.comparison("Org", "gartner", from_id=first, engine=engine).to_id == third
    data = default.to_dict()
    assert data["from"] == second and data["to"] == third and len(data["competencies"]) == 7


def test_comparison_needs_two_assessments(engine, make_survey_csv):
    services.import_assessment(_survey(make_survey_csv), "Org", "2025-05-15", engine=engine)
    with pytest.raises(errors.NotEnoughAssessments, match="at least two"):
        services.comparison("Org", "gartner", engine=engine)


def test_organisations_cannot_reach_each_others_assessments(db_url, engine, make_survey_csv, counts):
    a = services.import_assessment(_survey(make_survey_csv, name="a.csv"), "A", "2025-05-15", engine=engine)
    b1 = services.import_assessment(_survey(make_survey_csv, name="b.csv", seed=3), "B", "2025-05-15", engine=engine)
    services.import_assessment(_survey(make_survey_csv, name="b2.csv", seed=4), "B", "2025-11-15", engine=engine)
    for call in (services.get_scores, services.get_assessment_answers, services.get_assessment):
        with pytest.raises(errors.UnknownAssessment):
            call("B", a.assessment_id, engine=engine)
    with pytest.raises(errors.UnknownAssessment):
        services.comparison("B", "gartner", a.assessment_id, b1.assessment_id, engine=engine)
    before = counts(db_url)
    assert services.delete_assessment("B", a.assessment_id, engine=engine) is False
    assert counts(db_url) == before


def test_delete_assessment_then_purge_removes_everything_of_it(db_url, engine, make_survey_csv, counts):
    result = services.import_assessment(_survey(make_survey_csv), "Org", "2025-05-15", engine=engine)
    before = counts(db_url)
    assert services.delete_assessment("Org", result.assessment_id, engine=engine)
    assert counts(db_url)["respondents"] == before["respondents"]  # in the trash, restorable (issue 9)
    services.purge(engine=engine)
    c = counts(db_url)
    assert c["assessments"] == c["respondents"] == c["assessment_scores"] == c["competency_scores"] == 0
    assert c["organisations"] == 1


def test_rescore_recomputes_with_the_current_model(db_url, engine, make_survey_csv):
    result = services.import_assessment(_survey(make_survey_csv), "Org", "2025-05-15", engine=engine)
    before = services.get_scores("Org", result.assessment_id, engine=engine)
    # spoil the stored scores behind the repository's back: rescore must put them right
    with engine.begin() as conn:
        conn.execute(text("UPDATE competency_scores SET score = 0"))
        conn.execute(text("DELETE FROM assessment_scores"))
    outcome = services.rescore("Org", engine=engine)
    assert outcome == {"rescored": [result.assessment_id], "skipped": []}
    after = services.get_scores("Org", result.assessment_id, engine=engine)
    assert after["overall"] == before["overall"] and after["competencies"] == before["competencies"]
    with pytest.raises(errors.UnknownOrganisation):
        services.rescore("Nobody", engine=engine)


# --- targets and peers ---------------------------------------------------------------------


def test_targets_set_replace_and_list(engine):
    services.create_organisation("Org", engine=engine)
    services.set_target("Org", "gartner", "metrics", 12, 3, engine=engine)
    services.set_target("Org", "gartner", "metrics", 12, 4, engine=engine)  # replaces
    services.set_target("Org", "gartner", "vision", 6, 2, engine=engine)
    got = services.list_targets("Org", "gartner", engine=engine)
    assert [(t.competency, t.horizon_months, t.level) for t in got] == [("vision", 6, 2), ("metrics", 12, 4)]
    assert all(t.model == "gartner" and t.set_at.tzinfo is not None for t in got)
    for bad in (("metrics", 9, 3), ("metrics", 12, 6), ("nonsense", 12, 3)):
        with pytest.raises(errors.InvalidInput):
            services.set_target("Org", "gartner", *bad, engine=engine)
    assert services.delete_target("Org", "gartner", "vision", 6, engine=engine)
    assert len(services.list_targets("Org", engine=engine)) == 1


def test_peer_scores_latest_per_other_organisation(engine, make_survey_csv):
    # 10 peers: Banking 0-5, Retail 6-9; size 250–999 for 0-4, 5,000+ for 5-9; all Europe
    for i in range(10):
        attrs = {"industry": "Banking" if i < 6 else "Retail", "size_band": "250–999" if i < 5 else "5,000+", "region": "Europe"}
        for j, date in enumerate(("2025-01-01", "2025-07-01")[: 2 if i < 3 else 1]):
            survey = _survey(make_survey_csv, name=f"p{i}{j}.csv", seed=10 * i + j)
            services.import_assessment(survey, f"Peer {i}", date, org_attributes=attrs, engine=engine)
    own = services.import_assessment(_survey(make_survey_csv, name="own.csv", seed=99), "Own", "2025-03-01", engine=engine)
    rows = services.peer_competency_scores("gartner", exclude_org="Own", engine=engine)
    assert len(rows) == 10
    assert all(set(r) == {c for c in ("vision", "strategy", "metrics", "governance", "organization", "processes", "technology")} for r in rows)
    latest = {services.history(f"Peer {i}", engine=engine)[-1].competencies[0]["score"] for i in range(10)}
    assert {r["vision"] for r in rows} == latest
    assert len(services.peer_competency_scores("gartner", exclude_org="Own", industry="Banking", engine=engine)) == 6
    assert len(services.peer_competency_scores("gartner", exclude_org="Own", size="5,000+", region="Europe", engine=engine)) == 5
    assert len(services.peer_competency_scores("gartner", exclude_org="Peer 0", engine=engine)) == 10  # 9 peers + Own
    # fewer than 5 organisations: nothing at all, so a narrow filter never singles one out
    assert services.peer_competency_scores("gartner", exclude_org="Own", industry="Retail", engine=engine) == []
    assert services.peer_competency_scores("gartner", exclude_org="Own", industry="Banking", size="5,000+", engine=engine) == []
    # only values that at least 5 peers share
    assert services.peer_filter_options("gartner", exclude_org="Own", engine=engine) == {
        "industry": ["Banking"],
        "size": ["250–999", "5,000+"],
        "region": ["Europe"],
    }
    assert own.created


def test_demo_peers_only_stand_beside_demo_organisations(engine, make_survey_csv):
    demo_attrs = {"is_demo": True, "industry": "Banking"}
    for i in range(5):
        survey = _survey(make_survey_csv, name=f"d{i}.csv", seed=20 + i)
        services.import_assessment(survey, f"Demo peer {i}", "2025-01-01", org_attributes=demo_attrs, engine=engine)
    services.import_assessment(_survey(make_survey_csv, name="r.csv", seed=1), "Real", "2025-01-01", engine=engine)
    services.import_assessment(_survey(make_survey_csv, name="d2.csv", seed=2), "Demo own", "2025-01-01", org_attributes=demo_attrs, engine=engine)
    assert len(services.peer_competency_scores("gartner", exclude_org="Real", engine=engine)) == 0
    assert len(services.peer_competency_scores("gartner", exclude_org="Demo own", engine=engine)) == 6
    assert len(services.peer_competency_scores("gartner", exclude_org="Real", include_demo=True, engine=engine)) == 6


def test_list_organisations_puts_real_ones_first(engine):
    services.create_organisation("Zeta", engine=engine)
    services.create_organisation("Demo Company (sample data)", is_demo=True, engine=engine)
    services.create_organisation("Alpha", engine=engine)
    assert [o.name for o in services.list_organisations(engine=engine)] == ["Alpha", "Zeta", "Demo Company (sample data)"]
    assert [o.name for o in services.list_organisations(include_demo=False, engine=engine)] == ["Alpha", "Zeta"]


def test_data_version_changes_with_the_data(engine, make_survey_csv):
    v0 = services.data_version(engine=engine)
    result = services.import_assessment(_survey(make_survey_csv), "Org", "2025-05-15", engine=engine)
    v1 = services.data_version(engine=engine)
    services.set_target("Org", "gartner", "metrics", 12, 3, engine=engine)
    v2 = services.data_version(engine=engine)
    services.delete_assessment("Org", result.assessment_id, engine=engine)
    v3 = services.data_version(engine=engine)
    assert len({v0, v1, v2, v3}) == 4


def test_comparison_memo_never_serves_stale_results(engine, make_survey_csv):
    first = services.import_assessment(_survey(make_survey_csv, name="a.csv", seed=1), "Org", "2025-05-15", engine=engine)
    second = services.import_assessment(_survey(make_survey_csv, name="b.csv", seed=2), "Org", "2025-11-15", engine=engine)
    before = services.comparison("Org", "gartner", engine=engine)
    assert services.comparison("Org", "gartner", engine=engine).to_dict() == before.to_dict()
    before.competencies[0].verdict = "mutated by a caller"  # callers get copies
    assert services.comparison("Org", "gartner", engine=engine).competencies[0].verdict != "mutated by a caller"
    # replace the second wave: SQLite may even hand out the same id again
    services.delete_assessment("Org", second.assessment_id, engine=engine)
    services.import_assessment(_survey(make_survey_csv, name="c.csv", seed=3, shift=0.3), "Org", "2025-11-15", engine=engine)
    after = services.comparison("Org", "gartner", engine=engine)
    assert after.from_id == first.assessment_id
    assert after.overall.to_score != before.overall.to_score


def test_stored_breakdown_uses_the_scoring_anonymity_threshold():
    from cxmaturity.scoring import DEFAULT_MIN_GROUP_SIZE

    assert rules.MIN_GROUP_SIZE == DEFAULT_MIN_GROUP_SIZE
