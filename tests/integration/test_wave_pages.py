"""The respondent's page and the Survey waves page, through AppTest (issue 12)."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest
from test_pages import (  # the same AppTest set-up as the page tests
    APP,
    _streamlit_isolation,  # noqa: F401  (autouse fixture)
    assert_no_exception,
    button,
    empty_db,  # noqa: F401  (the database every test here runs on)
    open_app,
    rendered_texts,
)

from cxmaturity import services
from cxmaturity.models import get_model

pytestmark = pytest.mark.usefixtures("empty_db")
FORRESTER = get_model("forrester")


def _wave(**kwargs):
    services.create_organisation("Acme <b>Ltd</b>")
    wave, codes = services.open_wave("Acme <b>Ltd</b>", "forrester", "Autumn wave", departments=["Sales", "IT"], **kwargs)
    return wave, codes


def _respondent(token: str, **params) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params["wave"] = token
    for key, value in params.items():
        at.query_params[key] = value
    return at.run()


def _answer_all(at: AppTest, value: int) -> AppTest:
    while True:
        for radio in at.radio:
            radio.set_value(value)
        at.run()
        nxt = [b for b in at.button if b.label == "Next"]
        if not nxt:
            return at
        nxt[0].click().run()


def test_a_respondent_answers_part_by_part_and_is_thanked():
    wave, _ = _wave()
    at = _respondent(wave.token)
    assert_no_exception(at)
    assert [t.value for t in at.title] == ["Autumn wave"]
    assert not at.sidebar.selectbox and not at.get("page_link")  # no way to the dashboard
    welcome = " ".join(rendered_texts(at))
    assert "anonymous" in welcome and "at least 5 people" in welcome
    at.selectbox[0].set_value("IT")
    button(at, "Next").click().run()
    # the first competency's statements, with the scale's labels and "don't know" as choices
    first = FORRESTER.competencies[0]
    assert [r.label.replace("\\", "") for r in at.radio] == [i.text for i in first.items]
    assert at.radio[0].options[-2:] == ["5 · Strongly agree", "Don't know / not applicable"]
    _answer_all(at, 4)
    button(at, "Submit my answers").click().run()
    assert_no_exception(at)
    assert [s.value for s in at.success] == ["Thank you: your answers are in. You can close this page."]
    status = services.wave_status(wave.id)
    assert status.responses == 1
    # one submission per browser session: the page stays on its thank-you
    at.run()
    assert not [b for b in at.button if b.label == "Submit my answers"]


def test_answers_survive_a_reload_through_the_address():
    wave, _ = _wave()
    at = _respondent(wave.token)
    at.selectbox[0].set_value("Sales")
    button(at, "Next").click().run()
    for radio in at.radio:
        radio.set_value(2)
    at.run()
    saved = dict(at.query_params)
    assert saved["s"] == ["1"] or saved["s"] == "1"
    # a new session (a reload) opens on the same part with the same answers
    fresh = _respondent(wave.token, a=at.query_params["a"], s=at.query_params["s"])
    assert_no_exception(fresh)
    assert [r.value for r in fresh.radio] == [2] * len(FORRESTER.competencies[0].items)


def test_an_unknown_or_closed_link_shows_only_a_message():
    wave, _ = _wave()
    at = _respondent("no-such-wave-token-here")
    assert [t.value for t in at.title] == ["Survey not found"] and not at.radio and not at.button
    for _ in range(5):
        services.submit_response(wave.token, {i: 3 for i in FORRESTER.item_ids}, department="IT")
    services.close_wave(wave.id)
    at = _respondent(wave.token)
    assert "This survey is closed" in " ".join(rendered_texts(at)) and not at.radio and not at.button


def test_a_coded_wave_asks_for_the_code_and_refuses_a_wrong_one():
    wave, codes = _wave(codes=2)
    at = _respondent(wave.token)
    at.selectbox[0].set_value("IT")
    at.text_input[0].input("wrong-code")
    button(at, "Next").click().run()
    _answer_all(at, 3)
    button(at, "Submit my answers").click().run()
    assert [e.value for e in at.error] == ["this code is not valid, or it has been used already"]
    assert services.wave_status(wave.id).responses == 0


def test_the_analyst_opens_a_wave_and_sees_its_link():
    services.create_organisation("Acme")
    services.open_wave("Acme", "gartner", "First")  # so the sidebar has the organisation selected
    at = open_app("pages/waves.py")
    assert [t.value for t in at.title] == ["Survey waves"]
    [title] = [t for t in at.text_input if t.label == "Title"]
    title.input("Spring 2027")
    [departments] = [t for t in at.text_area if t.label.startswith("Departments")]
    departments.input("Sales: 40\nIT")
    button(at, "Open the wave").click().run()
    assert_no_exception(at)
    waves = services.list_waves("Acme")
    assert [w.title for w in waves] == ["First", "Spring 2027"]
    assert [(d.name, d.headcount) for d in waves[1].departments] == [("Sales", 40), ("IT", None)]
    assert any(waves[1].link() in c.value for c in at.code)


def test_the_self_test_shows_the_stage_and_the_sources_next_steps_then_saves_on_request():
    services.create_organisation("Acme")
    at = open_app("pages/selftest.py")
    assert_no_exception(at)
    assert at.selectbox(key="selftest_model").value == "points95"
    _answer_all(at, 0)  # every statement at 0: the lowest stage
    button(at, "See my result").click().run()
    assert_no_exception(at)
    texts = " ".join(rendered_texts(at)).replace("\\", "")
    # source 004: stage 1 "Ignoring", 0-19 of 95 points; its change drivers for stage 1
    assert "Ignoring (level 1 of 5): 0 of 95 points (0–19)" in texts
    assert "Start by educating yourself and your managers" in texts and "Начните с обучения себя и руководителей" in texts
    assert services.list_assessments("Acme") == []  # nothing stored until asked
    button(at, "Save as an assessment").click().run()
    assert_no_exception(at)
    [saved] = services.list_assessments("Acme", "points95")
    assert saved.label == "Self-test"
    assert services.get_scores("Acme", saved.id)["overall"]["points"] == 0
