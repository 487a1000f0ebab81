"""Survey waves (issue 12): opening, answering by link (and code), tracking under the anonymity
threshold, closing into an assessment exactly once, refusals, and the CLI contract."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from cxmaturity import services
from cxmaturity.access import AccessDenied, User
from cxmaturity.errors import InvalidInput
from cxmaturity.models import get_model
from cxmaturity.scoring import score_assessment

GARTNER = get_model("gartner")
ANALYST_A = User("ann@example.com", "analyst", frozenset({"A"}))
ANALYST_B = User("bob@example.com", "analyst", frozenset({"B"}))
VIEWER_A = User("vic@example.com", "viewer", frozenset({"A"}))


def _answers(value: int) -> dict:
    return {item: value for item in GARTNER.item_ids}


@pytest.fixture
def wave(engine):
    services.create_organisation("A", engine=engine)
    services.create_organisation("B", engine=engine)
    opened, codes = services.open_wave(
        "A", "gartner", "Spring", departments=[("Sales", 10), ("IT", None)], roles=["Manager"], engine=engine
    )
    assert codes == []
    return opened


def test_a_wave_gets_an_unguessable_link(wave):
    assert wave.link() == f"/?wave={wave.token}"
    assert len(wave.token) >= 32  # 24 random bytes, URL-safe
    assert wave.status == "open" and wave.opens_on == dt.date.today()


def test_live_counts_hide_departments_under_the_threshold_and_a_provisional_result_comes_at_it(wave, engine):
    for _ in range(4):
        services.submit_response(wave.token, _answers(2), department="Sales", engine=engine)
    status = services.wave_status(wave.id, engine=engine)
    assert status.responses == 4 and status.provisional is None
    sales, it = status.to_dict()["departments"]
    assert sales == {"name": "Sales", "responses": "fewer than 5", "headcount": 10, "response_rate": None}
    assert it["responses"] == 0  # nobody yet: nothing to protect
    services.submit_response(wave.token, _answers(4), department="Sales", role="Manager", engine=engine)
    status = services.wave_status(wave.id, engine=engine)
    sales = status.to_dict()["departments"][0]
    assert (sales["responses"], sales["response_rate"]) == (5, 0.5)
    # the provisional overall, worked by hand: four respondents at 2 and one at 4 -> 2.4, level 2
    assert status.provisional.overall.score == pytest.approx(2.4)
    assert status.provisional.overall.level == 2


def test_closing_stores_one_assessment_scored_like_an_upload_and_refuses_later_answers(wave, engine):
    values = [1, 2, 3, 4, 5, 3]
    for v in values:
        services.submit_response(wave.token, _answers(v), department="IT", engine=engine)
    first = services.close_wave(wave.id, date="2026-11-30", engine=engine)
    again = services.close_wave(wave.id, engine=engine)
    assert (again.assessment_id, again.created, first.created, first.respondents) == (first.assessment_id, False, True, 6)
    assert len(services.list_assessments("A", "gartner", engine=engine)) == 1
    stored = services.get_scores("A", first.assessment_id, engine=engine)
    # an independent scoring of the same answers gives the stored overall
    import pandas as pd

    frame = pd.DataFrame([_answers(v) for v in values], dtype=float)
    assert stored["overall"]["score"] == pytest.approx(score_assessment(GARTNER, frame).overall.score)
    with pytest.raises(services.WaveNotOpen, match="closed"):
        services.submit_response(wave.token, _answers(3), department="IT", engine=engine)
    assert services.get_wave(wave.id, engine=engine).status == "closed"


def test_answers_are_validated_like_uploaded_rows_and_nothing_bad_is_stored(wave, engine):
    item = GARTNER.item_ids[0]
    cases = [
        ({**_answers(3), item: 7}, "Sales", "is not an answer on the 1–5 scale"),
        ({**_answers(3), "nope": 1}, "Sales", "unknown question"),
        ({i: None for i in GARTNER.item_ids}, "Sales", "no question was answered"),
        (_answers(3), "Finance", "choose your department"),
        ({**_answers(3), item: True}, "Sales", "is not an answer"),
    ]
    for answers, department, message in cases:
        with pytest.raises(InvalidInput, match=message):
            services.submit_response(wave.token, answers, department=department, engine=engine)
    assert services.wave_status(wave.id, engine=engine).responses == 0
    with pytest.raises(services.UnknownWave):
        services.submit_response("not-a-real-token-at-all", _answers(3), engine=engine)


def test_dont_know_is_stored_as_not_answered(wave, engine):
    answers = _answers(4)
    answers[GARTNER.item_ids[0]] = None
    for _ in range(5):
        services.submit_response(wave.token, answers, department="Sales", engine=engine)
    result = services.close_wave(wave.id, engine=engine)
    first = services.get_scores("A", result.assessment_id, engine=engine)["competencies"][0]
    assert first["n"] == 0 and first["score"] is None  # nobody answered it: no score, not a zero


def test_single_use_codes_admit_one_response_each_and_are_kept_apart(engine):
    services.create_organisation("A", engine=engine)
    wave, codes = services.open_wave("A", "gartner", "Coded", codes=3, engine=engine)
    assert len(set(codes)) == 3
    services.submit_response(wave.token, _answers(3), code=codes[0], engine=engine)
    with pytest.raises(InvalidInput, match="used already"):
        services.submit_response(wave.token, _answers(3), code=codes[0], engine=engine)
    with pytest.raises(InvalidInput, match="not valid"):
        services.submit_response(wave.token, _answers(3), code="0" * 12, engine=engine)
    with pytest.raises(InvalidInput, match="not valid"):
        services.submit_response(wave.token, _answers(3), engine=engine)
    from sqlalchemy import inspect, text

    from cxmaturity import store

    with store.reading(engine) as conn:
        columns = {c["name"] for c in inspect(conn).get_columns("wave_responses")}
        stored_codes = conn.execute(text("SELECT code_hash FROM wave_codes")).scalars().all()
    # a response has no code, account, address or time of day; codes are stored as hashes only
    assert columns == {"id", "wave_id", "submitted_on", "department", "role", "answers"}
    assert not set(codes) & set(stored_codes)


def test_a_wave_takes_answers_only_between_its_dates(engine):
    services.create_organisation("A", engine=engine)
    later, _ = services.open_wave("A", "gartner", "Later", opens=dt.date.today() + dt.timedelta(days=3), engine=engine)
    with pytest.raises(services.WaveNotOpen, match="has not opened yet"):
        services.submit_response(later.token, _answers(3), engine=engine)
    ended, _ = services.open_wave(
        "A", "gartner", "Ended", opens="2026-01-01", closes="2026-01-31", engine=engine
    )
    with pytest.raises(services.WaveNotOpen, match="closed"):
        services.submit_response(ended.token, _answers(3), today=dt.date(2026, 2, 1), engine=engine)
    services.submit_response(ended.token, _answers(3), today=dt.date(2026, 1, 31), engine=engine)


def test_only_writers_of_the_organisation_run_its_waves(wave, engine):
    with pytest.raises(AccessDenied):
        services.open_wave("A", "gartner", "x", user=VIEWER_A, engine=engine)
    with pytest.raises(services.UnknownWave):
        services.wave_status(wave.id, user=ANALYST_B, engine=engine)
    with pytest.raises(services.UnknownWave):
        services.close_wave(wave.id, user=ANALYST_B, engine=engine)
    assert services.wave_status(wave.id, user=ANALYST_A, engine=engine).responses == 0


def test_a_stricter_threshold_holds_after_closing_too(engine):
    services.create_organisation("A", engine=engine)
    wave, _ = services.open_wave("A", "gartner", "Strict", departments=["Sales", "IT", "Ops"], min_group_size=8, engine=engine)
    for department, count in (("Sales", 8), ("IT", 6), ("Ops", 6)):
        for _ in range(count):
            services.submit_response(wave.token, _answers(3), department=department, engine=engine)
    result = services.close_wave(wave.id, engine=engine)
    groups = {g["name"]: g for g in services.get_scores("A", result.assessment_id, engine=engine)["groups"]}
    # 6 < 8 although 6 >= the installation's 5: the wave's promise holds in the stored assessment
    assert [groups[n]["suppressed"] for n in ("Sales", "IT", "Ops")] == [False, True, True]
    with pytest.raises(InvalidInput, match="at least 5"):
        services.open_wave("A", "gartner", "Loose", min_group_size=3, engine=engine)


def test_cli_wave_open_status_close(run_cli, engine):
    services.create_organisation("A", engine=engine)
    opened = run_cli("wave", "open", "--org", "A", "--model", "gartner", "--title", "CLI wave",
                     "--closes", "2099-01-31", "--departments", "Sales,IT:40", "--json")  # fmt: skip
    assert opened.returncode == 0, opened.stderr
    data = json.loads(opened.stdout)
    assert data["link"].startswith("/?wave=") and isinstance(data["id"], int)
    assert data["departments"] == [{"name": "Sales", "headcount": None}, {"name": "IT", "headcount": 40}]
    token = data["link"].removeprefix("/?wave=")
    for _ in range(5):
        services.submit_response(token, _answers(3), department="IT", engine=engine)
    services.submit_response(token, _answers(3), department="Sales", engine=engine)
    status = json.loads(run_cli("wave", "status", str(data["id"]), "--json").stdout)
    assert status["responses"] == 6
    assert [d["responses"] for d in status["departments"]] == ["fewer than 5", 5]
    closed = json.loads(run_cli("wave", "close", str(data["id"]), "--json").stdout)
    assert closed["respondents"] == 6 and isinstance(closed["assessment_id"], int)
    bad = run_cli("wave", "open", "--org", "A", "--model", "gartner", "--title", "x", "--closes", "31/01/2099")
    assert bad.returncode != 0 and "--closes: '31/01/2099' is not a date" in bad.stderr
    unknown = run_cli("wave", "status", "999")
    assert unknown.returncode != 0 and "there is no wave #999" in unknown.stderr


def test_a_wave_keeps_its_language_and_its_link_opens_in_it(run_cli, engine):
    services.create_organisation("A", engine=engine)
    persian, _codes = services.open_wave("A", "gartner", "بهار", language="fa", engine=engine)
    assert persian.language == "fa"
    assert persian.link() == f"/?wave={persian.token}&lang=fa"
    assert services.wave_for_respondent(persian.token, engine=engine).language == "fa"  # read back from the store
    english, _codes = services.open_wave("A", "gartner", "Spring", engine=engine)
    assert english.link() == f"/?wave={english.token}"  # English: the link as before
    with pytest.raises(InvalidInput, match="unknown language 'xx'"):
        services.open_wave("A", "gartner", "Bad", language="xx", engine=engine)
    opened = run_cli("wave", "open", "--org", "A", "--model", "gartner", "--title", "Весна", "--lang", "ru", "--json")
    assert opened.returncode == 0, opened.stderr
    data = json.loads(opened.stdout)
    assert data["language"] == "ru" and data["link"].endswith("&lang=ru")
