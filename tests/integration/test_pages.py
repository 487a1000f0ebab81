"""The Streamlit pages through streamlit.testing (AppTest): every page, the empty states, the
sidebar selectors, targets, the upload flow and user-text safety.

Every test runs the real app.py on its own SQLite file: a copy of a demo database built once
per session (``demo_db``), or an empty database with the demo switched off (``empty_db``).
Streamlit's caches and the engine cache are cleared around every test.

AppTest note: with a folder called ``pages/`` next to app.py, AppTest (1.67) runs a switched-to
page in Streamlit's old "pages directory" mode, i.e. *without* running app.py first (no
sidebar selectors). A real server session runs app.py on every rerun once ``st.navigation``
has run, so the autouse fixture swaps in ``_NavigationPagesManager`` to pin that mode.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from pathlib import Path

import pytest
import streamlit as st
from databases import copy_sqlite
from streamlit.runtime.pages_manager import PagesManager
from streamlit.testing.v1 import AppTest
from streamlit.testing.v1 import app_test as app_test_module

import ui  # the same module the pages import: its view cache

ROOT = Path(__file__).resolve().parents[2]
APP = str(ROOT / "app.py")

DEMO_ORG = "Demo Company (sample data)"
OVERVIEW = "pages/overview.py"
COMPETENCIES = "pages/competencies.py"
BENCHMARKS = "pages/benchmarks.py"
PROGRESS = "pages/progress.py"
UPLOAD = "pages/upload.py"
MODELS = "pages/models.py"
MANAGE = "pages/manage.py"
WAVES = "pages/waves.py"
SELFTEST = "pages/selftest.py"
PLAN = "pages/plan.py"
DASHBOARD_PAGES = [OVERVIEW, COMPETENCIES, BENCHMARKS, PROGRESS, PLAN]
ALL_PAGES = [*DASHBOARD_PAGES, SELFTEST, UPLOAD, WAVES, MANAGE, MODELS]

NEW_ORG_OPTION = "New organisation…"
EVIL = "<b>Evil</b> **bold** :red[x]"
# every Markdown/HTML/directive character backslash-escaped: shows exactly as typed
EVIL_ESCAPED = r"\<b\>Evil\</b\> \*\*bold\*\* \:red\[x\]"
EVIL_RAW_FRAGMENTS = ("<b>Evil</b>", "**bold**", ":red[x]")


# --- fixtures ------------------------------------------------------------------------------


class _NavigationPagesManager(PagesManager):
    """A PagesManager that behaves as in a server session where st.navigation has run."""

    def __init__(self, *args, **kwargs):
        PagesManager.uses_pages_directory = False
        super().__init__(*args, **kwargs)


@pytest.fixture(autouse=True)
def _streamlit_isolation(monkeypatch):
    """Fresh view caches and engines for every test; app.py runs on every rerun."""
    from cxmaturity.store import engine as db

    monkeypatch.setattr(app_test_module, "PagesManager", _NavigationPagesManager)
    ui.clear_caches()
    yield
    ui.clear_caches()
    db.dispose_engines()


@pytest.fixture
def demo_db(demo_template, tmp_path, monkeypatch) -> str:
    """This test's own copy of the demo database, configured for the app."""
    path = tmp_path / "dashboard.db"
    copy_sqlite(demo_template, path)
    url = f"sqlite:///{path}"
    monkeypatch.setenv("CXMATURITY_DATABASE_URL", url)
    return url


@pytest.fixture
def empty_db(tmp_path, monkeypatch) -> str:
    """An empty database with the demo switched off."""
    url = f"sqlite:///{tmp_path / 'empty.db'}"
    monkeypatch.setenv("CXMATURITY_DATABASE_URL", url)
    monkeypatch.setenv("CXMATURITY_DEMO", "0")
    return url


# --- helpers -------------------------------------------------------------------------------


def assert_no_exception(at: AppTest) -> None:
    assert not at.exception, "\n\n".join(
        f"{e.value}\n{''.join(e.stack_trace)}" for e in at.exception
    )


def open_app(page: str | None = None) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60).run()
    assert_no_exception(at)
    if page is not None:
        at.switch_page(page).run()
        assert_no_exception(at)
    return at


def titles(at: AppTest) -> list[str]:
    return [t.value for t in at.title]


def metric(at: AppTest, label: str) -> str:
    found = [m.value for m in at.metric if m.label == label]
    assert found, f"no metric {label!r}; metrics: {[m.label for m in at.metric]}"
    return found[0]


def headline(at: AppTest) -> str:
    """The Overview's headline sentence (the first markdown under the title)."""
    found = [m.value.removeprefix("### ") for m in at.markdown if m.value.startswith("### ")]
    assert found, [m.value for m in at.markdown]
    return found[0]


def button(at: AppTest, label: str):
    found = [b for b in at.button if b.label == label]
    assert found, f"no button {label!r}; buttons: {[b.label for b in at.button]}"
    return found[0]


def plotly_charts(at: AppTest) -> list:
    return at.get("plotly_chart")


def rendered_texts(at: AppTest) -> list[str]:
    """Every text Streamlit renders as Markdown (titles, captions, alerts, metrics, ...)."""
    texts = [e.value for e in (*at.title, *at.header, *at.subheader, *at.markdown, *at.caption)]
    texts += [e.value for e in (*at.info, *at.success, *at.warning, *at.error)]
    texts += [m.label for m in at.metric] + [m.value for m in at.metric]
    texts += [e.label for e in at.expander]
    return texts


@pytest.fixture
def survey_csv(helpers):
    """survey_csv(model_id="gartner", n=30, seed=7) -> bytes of a clean survey CSV."""

    def make(model_id: str = "gartner", n: int = 30, seed: int = 7) -> bytes:
        return helpers.survey_frame(model_id, n=n, seed=seed).to_csv(index=False).encode("utf-8")

    return make


@pytest.fixture
def broken_csv(helpers):
    """broken_csv({(file line, column): value}) -> a Gartner survey with those cells overwritten."""

    def make(cells: dict[tuple[int, str], str], n: int = 12) -> bytes:
        text = helpers.survey_frame("gartner", n=n, seed=5).to_csv(index=False)
        rows = list(csv.reader(io.StringIO(text)))
        header = rows[0]
        for (line, column), value in cells.items():
            rows[line - 1][header.index(column)] = value  # line 1 is the header
        out = io.StringIO()
        csv.writer(out, lineterminator="\n").writerows(rows)
        return out.getvalue().encode("utf-8")

    return make


@pytest.fixture
def import_org(survey_csv):
    """import_org(name, date, label, seed) -> id: one Gartner assessment stored as the CLI does."""
    from cxmaturity import services
    from cxmaturity.survey import read_survey

    def store(name: str, date: str = "2026-01-01", label: str | None = None, seed: int = 21) -> int:
        survey = read_survey(survey_csv(seed=seed), filename="import.csv")
        result = services.import_assessment(survey, name, date, label)
        assert result.created
        return result.assessment_id

    return store


def gartner_ids() -> list[int]:
    """Demo Company's Gartner assessments, oldest first."""
    from cxmaturity import services

    return [a.id for a in services.list_assessments(DEMO_ORG, "gartner")]


# --- smoke: every page, demo and empty -----------------------------------------------------

DEMO_TITLES = {
    OVERVIEW: "Level 3 of 5 · Defined",
    BENCHMARKS: "Benchmarks & peers",
    PROGRESS: "Progress",
    PLAN: "Action plan",
    UPLOAD: "Upload an assessment",
    MANAGE: "Manage data",
    WAVES: "Survey waves",
    SELFTEST: "Self-test",
    MODELS: "Models & sources",
}
PAGES_WITH_CHARTS = {OVERVIEW: 1, COMPETENCIES: 2, BENCHMARKS: 2, PROGRESS: 3}


@pytest.mark.parametrize("page", ALL_PAGES, ids=lambda p: Path(p).stem)
def test_every_page_renders_on_the_demo(demo_db, page):
    at = open_app(page)
    assert len(at.title) == 1
    if page in DEMO_TITLES:
        assert titles(at) == [DEMO_TITLES[page]]
    else:
        assert titles(at)[0].startswith("Vision: level ")
    assert len(plotly_charts(at)) >= PAGES_WITH_CHARTS.get(page, 0)
    assert not at.error
    # the sidebar selectors are there on every page
    assert at.selectbox(key="org").value == DEMO_ORG
    assert at.selectbox(key="model").value == "gartner"


def test_first_run_on_an_empty_database_loads_the_demo(tmp_path, monkeypatch):
    from cxmaturity import services

    monkeypatch.setenv("CXMATURITY_DATABASE_URL", f"sqlite:///{tmp_path / 'fresh.db'}")
    at = open_app()
    assert titles(at) == ["Level 3 of 5 · Defined"]
    orgs = at.selectbox(key="org").options
    assert orgs[0] == DEMO_ORG
    assert sum(o.startswith("Demo Peer") for o in orgs) >= 12
    assert [a.model for a in services.list_assessments(DEMO_ORG)].count("gartner") == 3


@pytest.mark.parametrize("page", DASHBOARD_PAGES, ids=lambda p: Path(p).stem)
def test_dashboard_pages_show_an_empty_state_without_data(empty_db, page):
    from cxmaturity import services

    at = open_app(page)
    assert not at.title and not plotly_charts(at) and not at.error
    assert len(at.info) == 1 and at.info[0].value.startswith("No assessment yet")
    links = at.page_link
    assert [link.value for link in links] == ["Upload an assessment"]
    assert links[0].proto.page == "upload"  # the Upload page's url path
    assert "No assessments yet." in [c.value for c in at.sidebar.caption]
    assert services.list_organisations() == []  # CXMATURITY_DEMO=0: no demo loaded


def test_upload_and_models_pages_work_without_data(empty_db):
    at = open_app(UPLOAD)
    assert titles(at) == ["Upload an assessment"]
    assert at.file_uploader(key="upload_file_0") is not None
    assert [d.label for d in at.get("download_button")] == ["Download the questionnaire (Excel)", "Download CSV template"]
    assert not at.error and not at.metric
    at.switch_page(MODELS).run()
    assert_no_exception(at)
    assert titles(at) == ["Models & sources"]
    assert len(at.table) >= 2  # levels, published figures (wrapped tables)
    # every published figure's passage in the source's own words, beside the English
    from cxmaturity.benchmarks import load_benchmarks

    benchmarks = load_benchmarks()
    passages = [e for e in at.expander if "— share of companies at Gartner level 5" in e.label]
    assert len(passages) == 1
    texts = " ".join(m.value for m in passages[0].markdown).replace("\\", "")
    gartner_5 = next(b for b in benchmarks if b.id == "gartner_level_5")
    assert gartner_5.source_original in texts and gartner_5.source_text in texts
    assert "Original (Persian)" in texts


# --- Overview and the sidebar selectors ----------------------------------------------------


def test_overview_headline_and_benchmark_on_the_demo(demo_db):
    at = open_app()
    assert titles(at) == ["Level 3 of 5 · Defined"]
    # the headline says in words how the overall score changed and what rule 9 makes of it
    from cxmaturity import services

    change = services.comparison(DEMO_ORG, "gartner").overall
    verdict = {"improved": "a clear improvement", "declined": "a clear decline"}.get(change.verdict, "no clear change")
    expected = (
        f"Overall {change.from_score:.2f} → {change.to_score:.2f} since November 2025: {verdict}. "
        "Metrics and Processes improved; Governance declined."  # the demo's designed changes
    )
    assert headline(at) == ui.md(expected)
    # statistics are for analysts, in their own part, not in the headline
    assert not any(word in headline(at) for word in ("p <", "CI", "alpha", "Cohen"))
    details = [e for e in at.expander if e.label.startswith("Details for analysts")]
    assert len(details) == 1 and len(at.dataframe[0].value) == 8  # overall + 7 competencies
    assert list(at.dataframe[0].value.columns)[:3] == ["Competency", "Score", "95% CI"]
    caption = at.caption[0].value
    assert caption.startswith(r"Demo Company \(sample data\) · Gartner")
    assert "15 May 2026" in caption
    benchmark = [i.value for i in at.info if ui.md("95% of companies are at levels 1–3.") in i.value]  # shown escaped
    assert len(benchmark) == 1
    sentence, source = benchmark[0].split("\n", 1)
    assert sentence.rstrip() == "**Against published figures:** " + ui.md("95% of companies are at levels 1–3.")
    assert source.startswith(ui.md("Reported in the article's section on Gartner's model"))
    assert ".txt" not in source  # no internal file id in an executive view
    # competency cards compare with the previous wave; the radar is drawn
    assert any("(improved)" in m.delta for m in at.metric)
    assert any("(declined)" in m.delta for m in at.metric)
    assert len(plotly_charts(at)) == 1


def test_switching_the_model_to_forrester_changes_the_headline(demo_db):
    at = open_app()
    gartner = (titles(at), headline(at))
    at.selectbox(key="model").set_value("forrester").run()
    assert_no_exception(at)
    forrester = (titles(at), headline(at))
    assert forrester != gartner
    assert titles(at)[0].startswith("Level ") and " of 4 · " in titles(at)[0]
    assert "first assessment with this model" in headline(at)
    assert "Forrester" in at.caption[0].value
    # the assessment list now holds the one Forrester assessment
    assert at.selectbox(key="assessment").options == ["16 Feb 2026 · Forrester pilot · Feb 2026"]


def test_switching_to_the_first_gartner_wave_changes_the_score(demo_db):
    at = open_app()
    ids = gartner_ids()
    assert at.selectbox(key="assessment").value == ids[-1]  # newest first
    latest = headline(at)
    at.selectbox(key="assessment").set_value(ids[0]).run()
    assert_no_exception(at)
    assert headline(at) != latest and "first assessment with this model" in headline(at)
    assert "15 May 2025" in at.caption[0].value
    # the first wave has nothing to compare with: no deltas on the cards
    assert all(not m.delta for m in at.metric)


def test_switching_the_organisation_to_a_demo_peer(demo_db):
    from cxmaturity import services

    at = open_app()
    peer = next(o for o in at.selectbox(key="org").options if o.startswith("Demo Peer"))
    at.selectbox(key="org").set_value(peer).run()
    assert_no_exception(at)
    assert at.caption[0].value.startswith(peer.replace("(", r"\(").replace(")", r"\)"))
    assert titles(at)[0].startswith("Level ")
    peer_ids = {a.id for a in services.list_assessments(peer)}
    assert at.selectbox(key="assessment").value in peer_ids
    # the selection follows to the other pages
    at.switch_page(PROGRESS).run()
    assert_no_exception(at)
    assert at.selectbox(key="org").value == peer


# --- Competencies ----------------------------------------------------------------------------


def test_choosing_a_competency_names_it_in_the_title(demo_db):
    from cxmaturity import services

    at = open_app(COMPETENCIES)
    for comp in services.models()["gartner"].competencies:
        at.selectbox(key="competency").set_value(comp.id).run()
        assert_no_exception(at)
        assert titles(at)[0].startswith(f"{comp.name}: level "), titles(at)
        assert metric(at, "Respondents") != "0"
    current = [e.label for e in at.expander if e.label.endswith("← you are here")]
    assert len(current) == 1


def test_competency_choice_survives_a_model_switch(demo_db):
    at = open_app(COMPETENCIES)
    at.selectbox(key="competency").set_value("governance").run()
    at.selectbox(key="model").set_value("forrester").run()
    assert_no_exception(at)
    assert titles(at)[0].startswith("Research: level ")


# --- Progress --------------------------------------------------------------------------------


def test_progress_change_table_has_verdicts(demo_db):
    at = open_app(PROGRESS)
    tables = [df.value for df in at.dataframe if "Verdict" in df.value.columns]
    # the executive's table without the statistics, and the analysts' with them
    assert [("p-value" in t.columns, "Effect size (d)" in t.columns) for t in tables] == [(False, False), (True, True)]
    verdicts = set(tables[0]["Verdict"])
    assert {"improved", "declined"} <= verdicts
    assert list(tables[0]["Verdict"]) == list(tables[1]["Verdict"])
    assert "What changed: 15 Nov 2025 → 15 May 2026" in [s.value for s in at.subheader]
    assert any(s.value.startswith("Next assessment due between") for s in at.success)
    # the window's source, in its own words
    assert any("1\\-2 раза в год" in c.value and "Wonderfull" in c.value for c in at.caption)


def test_progress_headline_states_the_overall_trend_and_the_last_verdict(demo_db):
    from cxmaturity import services

    at = open_app(PROGRESS)
    history = services.history(DEMO_ORG, "gartner")
    first, last = history[0].overall["score"], history[-1].overall["score"]
    verdict = services.comparison(DEMO_ORG, "gartner").overall.verdict
    headline = [m.value for m in at.markdown if m.value.startswith("### ")][0].replace("\\", "")
    assert f"Overall {first:.2f} → {last:.2f}" in headline
    assert f"over {len(history)} assessments" in headline
    assert f"since the previous one: {verdict}" in headline


def test_progress_target_form_stores_the_target(demo_db):
    from cxmaturity import services

    at = open_app(PROGRESS)
    before = services.list_targets(DEMO_ORG, "gartner")
    assert not any(t.competency == "strategy" for t in before)
    at.selectbox(key="target_competency").set_value("strategy")
    at.selectbox(key="target_horizon").set_value(24)
    at.selectbox(key="target_level").set_value(5)
    button(at, "Save target").click().run()
    assert_no_exception(at)
    after = services.list_targets(DEMO_ORG, "gartner")
    assert len(after) == len(before) + 1
    assert {"competency": "strategy", "horizon_months": 24, "level": 5} in [
        {"competency": t.competency, "horizon_months": t.horizon_months, "level": t.level} for t in after
    ]
    targets = next(df.value for df in at.dataframe if "Target level" in df.value.columns)
    row = targets[targets["Competency"] == "Strategy"]
    assert row["Horizon (months)"].tolist() == [24]
    assert row["Target level"].tolist() == ["5 Optimized"]


# --- Upload ----------------------------------------------------------------------------------


def test_upload_page_offers_the_template(demo_db):
    from cxmaturity import services
    from cxmaturity.views import upload as upload_view

    at = open_app(UPLOAD)
    downloads = at.get("download_button")
    assert [d.label for d in downloads] == ["Download the questionnaire (Excel)", "Download CSV template"]
    assert at.selectbox(key="template_model").value in services.models()
    assert not at.metric  # nothing to preview before a file is chosen
    header = upload_view.template_csv("gartner").splitlines()[0].split(",")
    assert header[:4] == ["respondent_id", "department", "role", "submitted_at"]


def _save_form(at: AppTest, org: str, label: str, date: dt.date) -> None:
    """Save into a new organisation: choose it, type the name; the button then names it."""
    at.radio(key="save_mode").set_value("new").run()
    at.text_input(key="save_new_org").input(org)
    at.text_input(key="save_label").input(label)
    at.date_input(key="save_date").set_value(date)
    at.run()
    button(at, f"Save to {org}").click().run()


def test_upload_a_good_file_previews_then_saves(demo_db, survey_csv):
    from cxmaturity import services

    at = open_app(UPLOAD)
    at.file_uploader(key="upload_file_0").set_value(("wave.csv", survey_csv(), "text/csv")).run()
    assert_no_exception(at)
    assert not at.error
    assert metric(at, "Overall level").split(" · ")[0] in {"1", "2", "3", "4", "5"}  # the Upload preview
    assert metric(at, "Respondents") == "30"
    assert any(s.value.startswith(r"wave\.csv is ready: 30 respondents") for s in at.success)
    assert len(plotly_charts(at)) == 1
    assert services.get_organisation("Acme Ltd") is None  # a preview stores nothing

    _save_form(at, "Acme Ltd", "Pilot wave", dt.date(2026, 1, 15))
    stored = services.list_assessments("Acme Ltd")
    assert [(a.model, a.date, a.label, a.respondents) for a in stored] == [
        ("gartner", dt.date(2026, 1, 15), "Pilot wave", 30)
    ]
    assert rf"Saved wave\.csv as assessment #{stored[0].id} of Acme Ltd (15 January 2026)." in [
        s.value for s in at.success
    ]
    # the page starts afresh: no preview left, and a way to the new assessment's Overview
    assert_no_exception(at)
    assert not at.metric and "3. Preview (not saved yet)" not in [h.value for h in at.subheader]
    assert "Open its Overview" in [b.label for b in at.button]
    assert at.selectbox(key="org").value == "Acme Ltd"
    assert at.selectbox(key="assessment").value == stored[0].id


def test_saved_upload_appears_in_progress(demo_db, survey_csv):
    at = open_app(UPLOAD)
    at.file_uploader(key="upload_file_0").set_value(
        ("wave.csv", survey_csv(seed=8), "text/csv")
    ).run()
    _save_form(at, "Beta Corp", "First look", dt.date(2026, 3, 1))
    at.switch_page(PROGRESS).run()
    assert_no_exception(at)
    at.selectbox(key="org").set_value("Beta Corp").run()
    assert_no_exception(at)
    assert at.selectbox(key="assessment").options == ["01 Mar 2026 · First look"]
    # the headline says it: one assessment, the trend from the next one (said once, not twice)
    heads = [m.value.replace("\\", "") for m in at.markdown if m.value.startswith("### ")]
    assert heads[0].startswith("### One assessment so far (March 2026): overall ")
    assert heads[0].endswith("The trend shows from the next one.") and not at.info
    # due 6-12 months after 1 March 2026 (overdue once that has passed)
    due = [a.value for a in (*at.success, *at.error) if "1 March 2027" in a.value]
    assert len(due) == 1, [a.value for a in (*at.success, *at.error)]


def test_uploading_the_same_file_twice_stores_it_once(demo_db, survey_csv, import_org):
    from cxmaturity import services

    import_org("Acme Ltd", seed=9)
    at = open_app(UPLOAD)
    data = survey_csv(seed=9)
    at.file_uploader(key="upload_file_0").set_value(("import.csv", data, "text/csv")).run()
    # said at once, before anyone tries to save it again
    assert any(i.value.startswith("This exact file is already stored for Acme Ltd as assessment #") for i in at.info)
    at.radio(key="save_mode").set_value("existing").run()
    at.selectbox(key="save_org").set_value("Acme Ltd").run()
    button(at, "Save to Acme Ltd").click().run()
    assert_no_exception(at)
    assert any("is already stored for Acme Ltd as assessment #" in i.value for i in at.info)
    assert len(services.list_assessments("Acme Ltd")) == 1


def test_typed_new_name_never_lands_in_the_demo_company(demo_db, survey_csv):
    """The reproduction of issue 9: the sidebar shows the demo company, the CX lead types a new
    organisation's name. The data goes to that organisation, never into the demo company."""
    from cxmaturity import services
    from cxmaturity.services.demo import DEMO_ORG

    demo_waves = len(services.list_assessments(DEMO_ORG))
    at = open_app(UPLOAD)
    assert at.selectbox(key="org").value == DEMO_ORG
    at.file_uploader(key="upload_file_0").set_value(("globex.csv", survey_csv(seed=12), "text/csv")).run()
    # the demo company is never the default target: with only sample data, a new organisation is
    assert at.radio(key="save_mode").value == "new"
    assert [b for b in at.button if b.label == "Save"][0].disabled
    at.radio(key="save_mode").set_value("existing").run()
    assert at.selectbox(key="save_org").value is None  # offered, but never preselected
    assert [b for b in at.button if b.label == "Save"][0].disabled
    _save_form(at, "Globex Ltd", "First wave", dt.date(2026, 4, 1))
    assert [a.label for a in services.list_assessments("Globex Ltd")] == ["First wave"]
    assert len(services.list_assessments(DEMO_ORG)) == demo_waves


def test_a_new_organisation_that_exists_already_is_refused(demo_db, survey_csv, import_org):
    from cxmaturity import services

    import_org("Acme Ltd", seed=5)
    at = open_app(UPLOAD)
    at.file_uploader(key="upload_file_0").set_value(("wave.csv", survey_csv(seed=13), "text/csv")).run()
    _save_form(at, "Acme Ltd", "Again", dt.date(2026, 4, 1))
    assert [e.value for e in at.error] == ["an organisation called 'Acme Ltd' exists already; choose it under 'An existing organisation'"]
    assert len(services.list_assessments("Acme Ltd")) == 1


def test_upload_a_broken_file_lists_every_problem_and_offers_no_save(demo_db, broken_csv):
    from cxmaturity import services

    before = services.data_version()
    data = broken_csv({(4, "metrics_level"): "7", (9, "vision_level"): "9"})
    at = open_app(UPLOAD)
    at.file_uploader(key="upload_file_0").set_value(("broken.csv", data, "text/csv")).run()
    assert_no_exception(at)
    assert [e.value for e in at.error] == [
        r"2 problem(s) in broken\.csv. Nothing has been saved; fix them and upload again."
    ]
    problems = at.table[0].value
    assert list(problems.columns) == ["Row", "Column", "Problem"]
    assert problems[["Row", "Column"]].values.tolist() == [
        ["4", "metrics_level"],
        ["9", "vision_level"],
    ]
    assert "'7'" in problems["Problem"][0] and "1–5" in problems["Problem"][0]
    # no preview, no save form
    assert not at.metric and not plotly_charts(at)
    assert not [b for b in at.button if b.label.startswith("Save")]
    assert not [s for s in at.selectbox if s.key == "save_org"]
    assert services.data_version() == before


# --- user text safety ------------------------------------------------------------------------


def test_organisation_name_is_shown_escaped_never_as_markup(demo_db, import_org):
    import_org(EVIL)
    at = open_app()
    assert EVIL in at.selectbox(key="org").options
    at.selectbox(key="org").set_value(EVIL).run()
    assert_no_exception(at)
    assert at.caption[0].value.startswith(EVIL_ESCAPED + " · ")
    for page in ALL_PAGES:
        at.switch_page(page).run()
        assert_no_exception(at)
        assert at.selectbox(key="org").value == EVIL
        for text in rendered_texts(at):
            assert not any(raw in text for raw in EVIL_RAW_FRAGMENTS), (page, text)


def test_assessment_label_is_shown_escaped(demo_db, import_org):
    import_org("Label Test", label="**Q1** :red[wave]")
    at = open_app()
    at.selectbox(key="org").set_value("Label Test").run()
    assert_no_exception(at)
    caption = at.caption[0].value
    assert r"\*\*Q1\*\* \:red\[wave\]" in caption
    assert "**Q1**" not in caption


def test_uploaded_file_name_is_shown_escaped(demo_db, survey_csv):
    at = open_app(UPLOAD)
    at.file_uploader(key="upload_file_0").set_value(("**bold**.csv", survey_csv(), "text/csv")).run()
    assert_no_exception(at)
    assert not any("**bold**" in text for text in rendered_texts(at))
    assert any(r"\*\*bold\*\*" in s.value for s in at.success)


# --- managing data (issue 9) --------------------------------------------------------------------


def test_delete_asks_naming_what_goes_then_restore_brings_it_back(demo_db):
    from cxmaturity import services
    from cxmaturity.services.demo import DEMO_ORG

    before = [h.to_dict() for h in services.history(DEMO_ORG, "gartner")]
    latest = services.list_assessments(DEMO_ORG, "gartner")[-1]
    at = open_app(MANAGE)
    assert titles(at) == ["Manage data"]
    # the list is newest first; the first Delete… asks before anything happens
    at.button(key=f"del_a_{latest.id}").click().run()
    question = [w.value for w in at.warning]
    assert len(question) == 1 and "Wave 3" in question[0] and f"{latest.respondents} respondents" in question[0]
    assert "15 May 2026" in question[0] and "Gartner" in question[0]
    assert len(services.list_assessments(DEMO_ORG, "gartner")) == 3  # nothing yet
    button(at, "Move to trash").click().run()
    assert_no_exception(at)
    assert [a.id for a in services.list_assessments(DEMO_ORG, "gartner")] == [h["id"] for h in before[:2]]
    assert any("into the trash" in s.value for s in at.success)
    # the trash shows it; Restore puts it back exactly
    at.button(key=f"restore_assessment_{latest.id}").click().run()
    assert_no_exception(at)
    assert [h.to_dict() for h in services.history(DEMO_ORG, "gartner")] == before


def test_cancel_keeps_everything(demo_db):
    from cxmaturity import services
    from cxmaturity.services.demo import DEMO_ORG

    latest = services.list_assessments(DEMO_ORG)[-1]
    at = open_app(MANAGE)
    at.button(key=f"del_a_{latest.id}").click().run()
    button(at, "Cancel").click().run()
    assert not at.warning
    assert services.list_assessments(DEMO_ORG)[-1].id == latest.id


def test_remove_sample_data_in_one_step(demo_db):
    from cxmaturity import services

    at = open_app(MANAGE)
    button(at, "Remove sample data…").click().run()
    button(at, "Remove sample data").click().run()
    assert_no_exception(at)
    assert services.list_organisations() == []
    assert len([i for i in services.list_trash() if i.kind == "organisation"]) == 15


def test_a_clear_cache_message_from_a_browser_does_not_empty_the_views(demo_db):
    """Any browser can send Streamlit's "clear cache": it empties st.cache_data and
    st.cache_resource for everyone. The views are kept in our own cache, which it cannot reach."""
    import ui

    def cached_overviews():
        return {k: v for k, v in ui._VIEWS._entries.items() if k[0] == "overview"}

    at = open_app()
    before = cached_overviews()
    assert len(before) == 1  # the Overview run filled the cache
    st.cache_data.clear()
    st.cache_resource.clear()  # what AppSession does on the message
    at.run()
    assert_no_exception(at)
    after = cached_overviews()
    assert after.keys() == before.keys() and all(after[k] is before[k] for k in before)


# --- reliability (issue 16) ----------------------------------------------------------------------


def test_a_read_only_database_is_a_clear_message_not_a_crash(demo_db, survey_csv, monkeypatch):
    from cxmaturity.store import engine as db

    path = demo_db.removeprefix("sqlite:///")
    db.dispose_engines()
    monkeypatch.setenv("CXMATURITY_DATABASE_URL", f"sqlite:///file:{path}?mode=ro&uri=true")
    at = open_app()  # reading works
    assert titles(at) == ["Level 3 of 5 · Defined"]
    at.switch_page(UPLOAD).run()
    at.file_uploader(key="upload_file_0").set_value(("wave.csv", survey_csv(seed=21), "text/csv")).run()
    _save_form(at, "Read Only Ltd", "Wave", dt.date(2026, 1, 15))
    assert_no_exception(at)
    assert any(r"read\-only" in e.value for e in at.error), [e.value for e in at.error]  # shown escaped


def test_a_vanished_database_is_a_clear_message(demo_db):
    at = open_app()
    Path(demo_db.removeprefix("sqlite:///")).unlink()
    at.run()
    assert_no_exception(at)
    assert [e.value for e in at.error][0].startswith("The dashboard cannot use its database: the database file")


def test_shown_tables_never_carry_a_formula(demo_db, import_org):
    """Streamlit's "Download as CSV" of a table exports what it shows."""
    import_org("=HYPERLINK(\"http://evil.test\",\"x\")", seed=4)
    at = open_app()
    at.selectbox(key="org").set_value("=HYPERLINK(\"http://evil.test\",\"x\")").run()
    at.switch_page(PROGRESS).run()
    assert_no_exception(at)
    shown = [ui.safe_rows(["=1+1", "+A1", "-2", "@SUM(1)", "plain"])]
    assert shown[0].iloc[:, 0].tolist() == ["'=1+1", "'+A1", "'-2", "'@SUM(1)", "plain"]
    for frame in at.dataframe:
        for value in frame.value.astype(str).to_numpy().ravel():
            assert not value.startswith(("=", "+", "@")), value


def test_the_upload_is_read_once_however_often_the_page_reruns(demo_db, survey_csv, monkeypatch):
    from cxmaturity.views import upload as upload_view

    reads = []
    original = upload_view.read_survey
    monkeypatch.setattr(upload_view, "read_survey", lambda *a, **k: reads.append(1) or original(*a, **k))
    at = open_app(UPLOAD)
    at.file_uploader(key="upload_file_0").set_value(("wave.csv", survey_csv(seed=22), "text/csv")).run()
    at.radio(key="save_mode").set_value("new").run()
    at.text_input(key="save_new_org").input("Once Ltd").run()
    at.text_input(key="save_label").input("Wave").run()
    button(at, "Save to Once Ltd").click().run()
    assert_no_exception(at)
    assert len(reads) == 1


def test_a_broken_model_file_leaves_the_app_working_and_warns_the_administrator(demo_db, tmp_path, monkeypatch):
    import shutil

    from cxmaturity import models

    for path in models.MODELS_DIR.glob("*.yaml"):
        shutil.copy(path, tmp_path / path.name)
    (tmp_path / "zz_broken.yaml").write_text("id: zz_broken\nlevels: [1\n", encoding="utf-8")
    monkeypatch.setattr(models, "MODELS_DIR", tmp_path)
    at = open_app()
    assert titles(at) == ["Level 3 of 5 · Defined"]  # every other model still works
    warnings = [w.value for w in at.sidebar.warning]
    assert len(warnings) == 1 and "zz\\_broken\\.yaml" in warnings[0]
