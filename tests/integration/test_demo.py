"""The demo data set (design.md §6): deterministic, idempotent, and showing what it should."""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path

import pytest
from databases import copy_sqlite

from cxmaturity import services
from cxmaturity.compare import DECLINED, IMPROVED
from cxmaturity.models import get_model
from cxmaturity.services import demo
from cxmaturity.store import engine as db


@pytest.fixture
def loaded(db_url, demo_template):
    """The demo on this test's database: a copy of the template on SQLite (built once), loaded
    afresh on PostgreSQL."""
    if db_url.startswith("sqlite:///"):
        db.dispose_engines()
        copy_sqlite(demo_template, Path(db_url.removeprefix("sqlite:///")))
        return db_url
    assert demo.load_demo(db_url) is True
    return db_url


def _snapshot(url: str) -> dict:
    """Everything the demo stored, without timestamps."""
    out = {}
    for org in services.list_organisations(engine=url):
        name = org.name
        assessments = services.list_assessments(name, engine=url)
        scores = []
        for a in assessments:
            s = services.get_scores(name, a.id, engine=url)
            s.pop("scored_at")
            answers, people = services.get_assessment_answers(name, a.id, engine=url)
            scores.append((a.model, a.date, a.label, s, answers.to_json(), people.to_json()))
        targets = [dataclasses.replace(t, set_at=None) for t in services.list_targets(name, engine=url)]
        out[name] = (org, scores, targets)
    return out


def test_demo_is_deterministic(tmp_path):
    first, second = (f"sqlite:///{tmp_path / name}" for name in ("one.db", "two.db"))
    assert demo.load_demo(first) and demo.load_demo(second)
    assert _snapshot(first) == _snapshot(second)


def test_demo_organisation_has_three_gartner_waves_six_months_apart(loaded):
    org = services.get_organisation(demo.DEMO_ORG, engine=loaded)
    assert org.is_demo and "demo" in org.name.lower()
    waves = services.list_assessments(demo.DEMO_ORG, "gartner", engine=loaded)
    dates = [a.date for a in waves]
    assert len(waves) == 3
    assert [(b.year - a.year) * 12 + b.month - a.month for a, b in zip(dates, dates[1:], strict=False)] == [6, 6]
    assert all(60 <= a.respondents <= 120 for a in waves)
    other = [a for a in services.list_assessments(demo.DEMO_ORG, engine=loaded) if a.model != "gartner"]
    assert [a.model for a in other] == ["forrester"]


def test_demo_shows_a_suppressed_department(loaded):
    latest = services.list_assessments(demo.DEMO_ORG, "gartner", engine=loaded)[-1]
    scores = services.get_scores(demo.DEMO_ORG, latest.id, engine=loaded)
    groups = {g["name"]: g for g in scores["groups"]}
    assert set(groups) >= {"Customer Service", "Marketing", "Sales", "IT", "Finance", "Legal"}
    legal = groups["Legal"]
    assert legal["n"] == 3 and legal["suppressed"] and legal["overall"] is None and legal["competencies"] is None
    assert sum(not g["suppressed"] for g in groups.values()) >= 3


def test_demo_shows_two_improvements_and_one_decline(loaded):
    waves = services.list_assessments(demo.DEMO_ORG, "gartner", engine=loaded)
    result = services.comparison(demo.DEMO_ORG, "gartner", waves[0].id, waves[-1].id, engine=loaded)
    verdicts = {c.id: c.verdict for c in result.competencies}
    improved = sorted(c for c, v in verdicts.items() if v == IMPROVED)
    declined = sorted(c for c, v in verdicts.items() if v == DECLINED)
    expected_up, expected_down = demo.demo_changes(get_model("gartner"))
    assert improved == sorted(expected_up) and len(improved) == 2
    assert declined == sorted(expected_down) and len(declined) == 1
    assert all(c.p_value < 0.05 for c in result.competencies if c.verdict != "no clear change")


def test_demo_peers_populate_the_peer_view(loaded):
    peers = [o for o in services.list_organisations(engine=loaded) if o.name != demo.DEMO_ORG]
    assert len(peers) >= 12 and all(o.is_demo for o in peers)
    assert {o.industry for o in peers} >= {"Banking", "Retail", "Telecom", "Insurance"}
    assert len({o.size_band for o in peers}) >= 3 and len({o.region for o in peers}) >= 3
    for o in peers:
        assert 1 <= len(services.list_assessments(o.name, "gartner", engine=loaded)) <= 2
    rows = services.peer_competency_scores("gartner", exclude_org=demo.DEMO_ORG, engine=loaded)
    assert len(rows) == len(peers)
    same_industry = services.peer_competency_scores("gartner", exclude_org=demo.DEMO_ORG, industry="Banking", engine=loaded)
    assert len(same_industry) >= 5  # enough for an anonymous peer group


def test_demo_sets_targets(loaded):
    targets = services.list_targets(demo.DEMO_ORG, "gartner", engine=loaded)
    assert len(targets) >= 3 and {t.horizon_months for t in targets} >= {6, 12}


def test_loading_twice_changes_nothing(loaded, counts):
    before = counts(loaded)
    assert demo.load_demo(loaded) is False
    assert counts(loaded) == before


def test_automatic_demo_only_on_an_empty_database(db_url, monkeypatch):
    monkeypatch.setenv("CXMATURITY_DEMO", "0")
    assert demo.ensure_demo_if_empty(db_url) is False
    assert services.list_organisations(engine=db_url) == []
    assert services.prepare(db_url) is False
    monkeypatch.delenv("CXMATURITY_DEMO")
    assert services.prepare(db_url) is True
    assert services.get_organisation(demo.DEMO_ORG, engine=db_url) is not None
    assert demo.ensure_demo_if_empty(db_url) is False


def test_no_automatic_demo_beside_real_data(db_url):
    services.create_organisation("Real Org", engine=db_url)
    assert demo.ensure_demo_if_empty(db_url) is False
    assert [o.name for o in services.list_organisations(engine=db_url)] == ["Real Org"]


def test_demo_cli_is_idempotent(run_cli, db_url, counts):
    first = run_cli("demo")
    assert first.returncode == 0, first.stderr
    assert "Demo data loaded" in first.stdout
    before = counts(db_url)
    second = run_cli("demo")
    assert second.returncode == 0 and "already loaded" in second.stdout
    assert counts(db_url) == before
    history = run_cli("history", "--org", demo.DEMO_ORG, "--model", "gartner", "--json")
    assert history.returncode == 0
    compare = run_cli("compare", "--org", demo.DEMO_ORG, "--model", "gartner")
    assert compare.returncode == 0 and "improved" in compare.stdout


def test_demo_generation_follows_the_model_scale():
    model = get_model("points95") if "points95" in services.models() else get_model("gartner")
    import numpy as np

    answers, people = demo.generate_wave(
        model, 40, {c.id: 0.9 for c in model.competencies}, np.random.default_rng(1), demo.DEPARTMENTS, None, dt.date(2025, 1, 1), "X"
    )
    values = answers.to_numpy()
    values = values[~np.isnan(values)]
    assert values.min() >= model.scale.min and values.max() <= model.scale.max
    assert list(answers.columns) == model.item_ids and len(people) == 40
