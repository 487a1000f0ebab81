"""Recommendations from the sources (issue 11): the file is faithful to the sources and validated
on load, and "Focus next" is specific to each competency."""

from __future__ import annotations

import re
from itertools import combinations
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml

from cxmaturity import rules
from cxmaturity.models import load_models
from cxmaturity.recommendations import (
    RECOMMENDATIONS_FILE,
    RecommendationFileError,
    applicable,
    load_recommendations,
    parse_recommendations,
)
from cxmaturity.scoring import CompetencyScore, item_statistics
from cxmaturity.views.focus import GENERIC, MAPPING_OURS, build_focus

SEEDS = Path(__file__).resolve().parents[3] / "shared" / "seeds"


def _entry(**changes) -> dict:
    entry = {
        "id": "educate_leaders",
        "source": "004_54c6ee1b2e26fac7.txt",
        "quote": "Начните с обучения себя и руководителей",
        "text": "Start by educating yourself and the leaders.",
        "topic": "Educate yourself and the leaders",
        "model": "points95",
        "competencies": [],
        "levels": [1],
        "mapping_ours": False,
        "generic": False,
    }
    entry.update(changes)
    return entry


def _parse(*entries):
    return parse_recommendations({"recommendations": list(entries)}, "recs.yaml")


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"model": "nope"}, r"recs\.yaml: recommendations\.0 \('educate_leaders'\)\.model: unknown model 'nope'"),
        ({"competencies": ["vision"]}, r"'vision' is not a competency of points95"),
        ({"levels": [9]}, r"levels: 9 is not a level of points95"),
        ({"model": None}, r"competencies and levels need a model"),
        ({"quote": ""}, r"recs\.yaml: recommendations\.0\.quote"),
        ({"source": "../../etc/passwd"}, r"recommendations\.0\.source"),
        ({"extra": 1}, r"recommendations\.0\.extra"),
    ],
)
def test_a_bad_entry_is_refused_naming_the_file_the_entry_and_the_key(changes, message):
    with pytest.raises(RecommendationFileError, match=message):
        _parse(_entry(**changes))


def test_a_duplicate_id_is_refused():
    with pytest.raises(RecommendationFileError, match=r"recommendations\.1 \('educate_leaders'\)\.id: duplicate id"):
        _parse(_entry(), _entry())


def test_the_same_advice_is_never_shown_twice_even_under_two_ids():
    """A strategy both general and placed on a competency is one text: shown once."""
    pool = _parse(
        _entry(id="placed", competencies=["people"], levels=[], mapping_ours=True),
        _entry(id="general", model=None, levels=[], generic=True),
    )
    model = load_models()["points95"]
    focus = build_focus(model, _scores(model, {"people": 1.0, "technology": 1.1}), pd.DataFrame(), recommendations=pool)
    assert {f.id: [a.id for a in f.advice] for f in focus} == {"people": ["placed"], "technology": []}


def test_the_most_specific_advice_comes_first():
    general = _entry(id="celebrate", model=None, levels=[], generic=True)
    model_wide = _entry(id="stage_1", levels=[1])
    ours = _entry(id="ours", competencies=["strategy_leadership"], levels=[], mapping_ours=True)
    own = _entry(id="own", competencies=["strategy_leadership"], levels=[])
    other_stage = _entry(id="stage_4", levels=[4])
    pool = _parse(general, model_wide, ours, own, other_stage)
    # at stage 1: the block's own advice, then the project's placement, then the stage's, then general
    assert [r.id for r in applicable("points95", "strategy_leadership", 1, pool)] == ["own", "ours", "stage_1", "celebrate"]
    # stage-4 advice applies at stage 4 and just below it (what the next stage asks), not at stage 1
    assert "stage_4" in [r.id for r in applicable("points95", "strategy_leadership", 3, pool)]
    assert [r.id for r in applicable("gartner", "vision", 2, pool)] == ["celebrate"]  # another model: general only


def _scores(model, values: dict[str, float]) -> list[CompetencyScore]:
    out = []
    for c in model.competencies:
        if c.id in values:
            level = model.level_for(values[c.id])
            out.append(CompetencyScore(c.id, c.name, values[c.id], level.number, level.name, n=20, sd=None, ci95=None, alpha=None))
    return out


def test_focus_names_the_practices_clearly_below_the_competency_mean():
    model = load_models()["forrester"]
    comp = model.competencies[0]
    assert len(comp.items) >= 3
    # 20 respondents: the first item at 1, the second at 3.6, the rest at 4 (hand-worked means)
    answers = pd.DataFrame({i.id: [4.0] * 20 for c in model.competencies for i in c.items})
    answers[comp.items[0].id] = 1.0
    answers[comp.items[1].id] = 3.6
    n = len(comp.items)
    mean = (1.0 + 3.6 + 4.0 * (n - 2)) / n
    focus = build_focus(model, _scores(model, {comp.id: mean}), item_statistics(model, answers), recommendations=[])[0]
    # 1.0 is far below the mean; 3.6 only when the mean is more than 0.25 above it
    expected = [comp.items[0].text] + ([comp.items[1].text] if 3.6 < mean - rules.PULLING_DOWN_MARGIN else [])
    assert [p.text for p in focus.practices] == expected
    assert focus.practices[0].mean == 1.0 and focus.practices_checked


def test_a_model_wide_next_level_is_flagged_shared_and_a_descriptor_is_not():
    models = load_models()
    empty = pd.DataFrame()
    gartner = models["gartner"]
    g = build_focus(gartner, _scores(gartner, {"vision": 2.0}), empty, recommendations=[])[0]
    assert (g.next_shared, g.next_description) == (False, gartner.competency("vision").descriptors[3])
    forrester = models["forrester"]
    first = forrester.competencies[0]
    f = build_focus(forrester, _scores(forrester, {first.id: 1.2}), empty, recommendations=[])[0]
    assert f.next_shared and f.next_description == forrester.level(2).description


def test_advice_marks_say_who_placed_it_and_whether_it_is_general():
    pool = _parse(
        _entry(id="ours", competencies=["strategy_leadership"], levels=[], mapping_ours=True),
        _entry(id="general", model=None, levels=[], generic=True, text="Celebrate successes."),
    )
    model = load_models()["points95"]
    focus = build_focus(model, _scores(model, {"strategy_leadership": 1.0}), pd.DataFrame(), recommendations=pool)[0]
    assert [(a.id, a.marks) for a in focus.advice] == [("ours", (MAPPING_OURS,)), ("general", (GENERIC,))]
    assert focus.advice[0].language == "Russian" and "Wonderfull" in focus.advice[0].source


# --- the real file ------------------------------------------------------------------------------


def _collapse(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def test_the_file_loads_and_every_entry_quotes_its_source_verbatim():
    recommendations = load_recommendations()
    assert len(recommendations) >= 40
    if not SEEDS.exists():
        pytest.skip("the source documents are not beside the project")
    files = {p.name: _collapse(p.read_text(encoding="utf-8")) for p in SEEDS.glob("*.txt")}
    for r in recommendations:
        assert r.source in files, r.id
        assert _collapse(r.quote) in files[r.source], r.id


def test_the_file_covers_every_source_the_issue_names():
    recommendations = load_recommendations()
    by_source = {r.source[:3] for r in recommendations}
    assert {"000", "001", "002", "004"} <= by_source
    # source 002 announces eight signs of commitment without listing them: none may be invented
    raw = yaml.safe_load(RECOMMENDATIONS_FILE.read_text(encoding="utf-8"))
    assert not any("eight signs" in (e.get("topic") or "").lower() for e in raw["recommendations"])


@pytest.mark.parametrize("model_id", sorted(load_models()))
def test_no_two_competencies_show_the_same_text(model_id):
    """On every model and at every level, whatever two competencies are weakest, what "Focus
    next" shows for one is never word for word what it shows for the other."""
    model = load_models()[model_id]
    rng = np.random.default_rng(7)
    for level in model.levels[:-1]:
        lo, hi = level.band
        if model.aggregate == "points":
            lo = model.scale.min + (model.scale.max - model.scale.min) * lo / model.points_max
            hi = model.scale.min + (model.scale.max - model.scale.min) * hi / model.points_max
        score = float(rng.uniform(lo, min(hi, model.scale.max)))
        scores = _scores(model, {c.id: score for c in model.competencies})
        focus = build_focus(model, scores, pd.DataFrame())
        for a, b in combinations(focus, 2):
            texts_a = {x.text for x in a.advice} | ({a.next_description} if not a.next_shared else set())
            texts_b = {x.text for x in b.advice} | ({b.next_description} if not b.next_shared else set())
            assert not (texts_a & texts_b), (model_id, level.number, a.id, b.id, texts_a & texts_b)
