"""The action plan and the executive-commitment tracker in the app (issue 11), through AppTest on
the two-organisation database of test_pages_auth: the analyst of Alpha plans, the viewer of Alpha
reads (no forms, no executives' names), nothing of Beta ever shows to Alpha's users."""

from __future__ import annotations

import datetime as dt
import io

import pandas as pd
import pytest
from test_pages import _streamlit_isolation, assert_no_exception, button, rendered_texts  # noqa: F401
from test_pages_auth import (  # the same database and accounts
    ALPHA,
    ANALYST_EMAIL,
    BETA,
    PLAN,
    PROGRESS,
    VIEWER_EMAIL,
    auth_db,  # noqa: F401
    auth_template,  # noqa: F401
    new_app,
)

from cxmaturity import services

pytestmark = pytest.mark.usefixtures("auth_db")


def _open(email: str, page: str = PLAN):
    at = new_app(email).run()
    assert_no_exception(at)
    at.switch_page(page).run()
    assert_no_exception(at)
    return at


def _labelled(widgets, label: str):
    found = [w for w in widgets if w.label == label]
    assert found, f"no widget {label!r}: {[w.label for w in widgets]}"
    return found[0]


def test_the_analyst_adds_an_initiative_and_marks_it_done():
    at = _open(ANALYST_EMAIL)
    assert at.title[0].value == "Action plan"
    at.selectbox(key="initiative_competency").set_value("metrics").run()
    _labelled(at.text_input, "Title").input("Monthly review of the CX metrics")
    _labelled(at.text_input, "Owner (a name or a role)").input("Head of CX")
    button(at, "Add initiative").click().run()
    assert_no_exception(at)
    [added] = services.list_initiatives(ALPHA, "gartner")
    assert (added.title, added.owner, added.competency, added.status) == (
        "Monthly review of the CX metrics", "Head of CX", "metrics", "planned"
    )
    assert any("Monthly review of the CX metrics" in str(df.value.values) for df in at.dataframe)
    # change it: done, with today's date as the day it was completed
    at.selectbox(key=f"change_status_{added.id}").set_value("done")
    button(at, "Save changes").click().run()
    assert_no_exception(at)
    [done] = services.list_initiatives(ALPHA, "gartner")
    assert (done.status, done.completed_on) == ("done", dt.date.today())


def test_a_removed_initiative_can_be_brought_back():
    services.add_initiative(ALPHA, "gartner", "vision", "Write the CX vision", "CEO", "2027-01-31")
    at = _open(ANALYST_EMAIL)
    button(at, "Move to the trash").click().run()
    assert services.list_initiatives(ALPHA, "gartner") == []
    button(at, "Undo").click().run()
    assert_no_exception(at)
    assert [i.title for i in services.list_initiatives(ALPHA, "gartner")] == ["Write the CX vision"]


def test_the_viewer_reads_the_plan_without_forms_or_names():
    services.add_initiative(ALPHA, "gartner", "metrics", "Alpha's metrics review", "COO", "2027-02-01")
    services.add_initiative(BETA, "gartner", "metrics", "Beta's secret plan", "CEO", "2027-02-01")
    alpha_exec = services.add_executive(ALPHA, "Chief Financial Officer Jane Roe")
    services.rate_executive(alpha_exec, "2026-11-01", 2)
    at = _open(VIEWER_EMAIL)
    texts = " ".join(rendered_texts(at)) + " ".join(str(df.value.values) for df in at.dataframe)
    assert "Alpha's metrics review" in texts
    assert "Beta" not in texts  # another organisation's plan never reaches this page
    assert "Jane Roe" not in texts  # executives' names are for analysts and administrators
    assert "Executives' names are personal data" in texts
    # the distribution without names: one executive, at level 2 (Passives), in the November review
    [table] = [df.value for df in at.dataframe if "Review" in df.value.columns]
    assert table.iloc[0]["Passives"] == 1 and table.iloc[0]["Opposers"] == 0
    assert not [b for b in at.button if b.label in ("Add initiative", "Save changes", "Add executive")]
    assert not [e for e in at.expander if e.label.startswith("Add an initiative")]


def test_the_analyst_places_an_executive_by_the_description_that_fits():
    at = _open(ANALYST_EMAIL)
    _labelled(at.text_input, "Executive (a name or a role)").input("Chief Operating Officer")
    button(at, "Add executive").click().run()
    assert_no_exception(at)
    radio = _labelled(at.radio, "Which description fits best?")
    assert any("Show willingness to spend some resources" in str(o) for o in radio.options)  # the source's text
    radio.set_value(3)
    button(at, "Save this review").click().run()
    assert_no_exception(at)
    [track] = services.tracker(ALPHA)
    assert (track.name, track.latest) == ("Chief Operating Officer", 3)
    [table] = [df.value for df in at.dataframe if "Executive" in df.value.columns]
    assert table.iloc[0]["Level now"] == "Toe-dippers"


def test_plan_downloads_are_formula_safe():
    from cxmaturity.views.plan import plan_view

    services.add_initiative(ALPHA, "gartner", "metrics", "=HYPERLINK(\"http://x\")", "+owner", "2027-02-01")
    view = plan_view(ALPHA, "gartner")
    csv_bytes = view.downloads["CSV"][0]
    frame = pd.read_csv(io.BytesIO(csv_bytes), encoding="utf-8-sig")
    assert frame.loc[0, "Initiative"] == "'=HYPERLINK(\"http://x\")"
    assert frame.loc[0, "Owner"] == "'+owner"


@pytest.mark.parametrize("status", ["done"])
def test_progress_shows_initiatives_done_between_two_waves_beside_their_change(status):
    from survey_files import clean_gartner_csv

    from cxmaturity.survey import read_survey

    # a second Alpha wave today: the initiative done today falls between the two waves
    survey = read_survey(clean_gartner_csv(9), filename="second.csv")
    services.import_assessment(survey, ALPHA, dt.date.today())
    first = services.add_initiative(ALPHA, "gartner", "metrics", "Monthly metrics review", "Head of CX", "2026-10-01")
    services.update_initiative(first.id, status=status)
    at = _open(ANALYST_EMAIL, PROGRESS)
    change = {c.id: c for c in services.comparison(ALPHA, "gartner").competencies}["metrics"]
    texts = " ".join(rendered_texts(at)).replace("\\", "")
    assert "Monthly metrics review (Head of CX, done" in texts
    assert f"Metrics {change.delta:+.2f}, {change.verdict}" in texts
