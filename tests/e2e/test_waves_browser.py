"""Survey waves in a real browser (issue 12): three respondents (one on a phone) answer a wave by
its link, the analyst watches the count and closes it, the assessment is on the Overview; the
link reaches nothing else, and a closed wave refuses answers."""

from __future__ import annotations

import re

import pytest
from test_browser import choose, error_texts, wait_for_run

pytestmark = pytest.mark.e2e

PHONE = {"width": 390, "height": 844}
LAPTOP = {"width": 1440, "height": 1200}


def _open_wave(server, org: str) -> tuple[int, str]:
    from cxmaturity import services
    from cxmaturity.store import engine as db

    url = f"sqlite:///{server.database}"
    services.create_organisation(org, engine=url)
    wave, _ = services.open_wave(org, "gartner", "Browser wave", departments=["Sales", "IT"], engine=url)
    db.dispose_engines()
    return wave.id, wave.link()


def _answer(browser, address: str, viewport: dict, department: str, choice: int) -> None:
    context = browser.new_context(viewport=viewport)
    try:
        page = context.new_page()
        page.goto(address)
        page.get_by_role("heading", name="Browser wave", level=1).wait_for(timeout=60_000)
        wait_for_run(page)
        assert page.locator('[data-testid="stSidebarNav"]').count() == 0  # no way to the dashboard
        main = page.locator('[data-testid="stMain"]')
        choose(page, main, "Your department", department)
        part = 1
        while True:
            # the next part is drawn when the progress bar says so (a finished run may still show the last one)
            main.get_by_role("button", name="Next").click()
            part += 1
            page.get_by_text(re.compile(rf"^Part {part} of \d+")).wait_for()
            wait_for_run(page)
            group = main.get_by_role("radiogroup").first
            group.get_by_role("radio").nth(choice).check(force=True)
            page.get_by_text(re.compile(rf"^Part {part} of \d+ · {part - 1} of \d+ answered")).wait_for()
            wait_for_run(page)
            if main.get_by_role("button", name="Next").count() == 0:
                break
        main.get_by_role("button", name="Submit my answers").click()
        page.get_by_text("Thank you: your answers are in.").wait_for()
        assert error_texts(page) == []
    finally:
        context.close()


def test_three_respondents_answer_then_the_wave_becomes_an_assessment(browser, server):
    org = "Wave Browser Co"
    wave_id, link = _open_wave(server, org)
    address = server.url + link
    _answer(browser, address, PHONE, "Sales", 1)  # level 2 everywhere, on a phone
    _answer(browser, address, LAPTOP, "Sales", 2)
    _answer(browser, address, LAPTOP, "IT", 3)

    context = browser.new_context(viewport=LAPTOP)
    page = context.new_page()
    page.goto(server.url + "/waves")
    page.get_by_role("heading", name="Survey waves", level=1).wait_for(timeout=60_000)
    wait_for_run(page)
    choose(page, page.locator('[data-testid="stSidebar"]'), "Organisation", org)
    wait_for_run(page)
    main = page.locator('[data-testid="stMain"]')
    main.get_by_text("3 responses so far").wait_for()
    # the whole address to share, with this server's host
    assert main.locator('[data-testid="stCode"]').filter(has_text=server.url + link).count() == 1
    main.get_by_text("Close this wave").click()
    close = main.get_by_role("button", name="Close the wave")
    page.wait_for_function("el => !el.disabled", arg=close.element_handle(), timeout=30_000)
    close.click()
    main.get_by_text(re.compile(r"3 responses, stored as assessment #\d+")).wait_for()

    from cxmaturity import services
    from cxmaturity.store import engine as db

    url = f"sqlite:///{server.database}"
    from cxmaturity import store
    from cxmaturity.store import waves as waves_sql

    with store.reading(url) as conn:
        rows = waves_sql.responses(conn, wave_id)
    # every answer of every respondent arrived: nothing lost between the parts
    assert [sorted(set(a.values())) for _, _, a in rows] == [[2], [3], [4]]
    [stored] = services.list_assessments(org, "gartner", engine=url)
    scores = services.get_scores(org, stored.id, engine=url)
    db.dispose_engines()
    # answers 2, 3 and 4 on every competency: an overall of 3.00, level 3 (worked by hand)
    assert scores["overall"]["score"] == pytest.approx(3.0)
    page.goto(server.url + "/")
    page.get_by_role("heading", name="Level 3 of 5 · Defined", level=1).wait_for(timeout=60_000)
    context.close()

    # the closed wave's link: a message, no questionnaire
    late = browser.new_context(viewport=PHONE)
    late_page = late.new_page()
    late_page.goto(address)
    late_page.get_by_text("This survey is closed").wait_for(timeout=60_000)
    assert late_page.get_by_role("radiogroup").count() == 0
    late.close()


def test_a_respondent_link_reaches_no_other_page(browser, server):
    _, link = _open_wave(server, "Link Only Co")
    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    for path in ("/progress", "/manage", "/upload"):
        page.goto(server.url + path + link.removeprefix("/"))
        page.get_by_role("heading", name="Browser wave", level=1).wait_for(timeout=60_000)
        wait_for_run(page)
        assert page.locator('[data-testid="stSidebar"] a').count() == 0
        assert page.get_by_text("Link Only Co asks its managers").count() == 1
    page.goto(server.url + "/?wave=not-a-wave-token-at-all")
    page.get_by_role("heading", name="Survey not found", level=1).wait_for(timeout=60_000)
    context.close()


def test_two_app_processes_on_one_database_see_each_others_answers_and_closing(browser, db_url, e2e_tools, tmp_path):
    """A shared deployment: two dashboard processes on one database (PostgreSQL in CI, and SQLite).
    An answer given through one and the wave closed through the other show at once on both."""
    from cxmaturity import services
    from cxmaturity.models import get_model
    from cxmaturity.store import engine as db

    services.prepare(db_url)
    services.create_organisation("Two Process Co", engine=db_url)
    wave, _ = services.open_wave("Two Process Co", "gartner", "Browser wave", departments=["Sales"], engine=db_url)
    db.dispose_engines()
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    first = e2e_tools.start_server(tmp_path / "a", CXMATURITY_DATABASE_URL=db_url, CXMATURITY_DEMO="0")
    second = e2e_tools.start_server(tmp_path / "b", CXMATURITY_DATABASE_URL=db_url, CXMATURITY_DEMO="0")
    try:
        _answer(browser, first.url + wave.link(), PHONE, "Sales", 2)  # through the first process

        def waves_page(server):
            context = browser.new_context(viewport=LAPTOP)
            page = context.new_page()
            page.goto(server.url + "/waves")
            page.get_by_role("heading", name="Survey waves", level=1).wait_for(timeout=60_000)
            wait_for_run(page)
            return context, page

        context, page = waves_page(second)  # the second process sees it at once
        main = page.locator('[data-testid="stMain"]')
        main.get_by_text("1 response so far").wait_for()
        main.get_by_text("Close this wave").click()
        close = main.get_by_role("button", name="Close the wave")
        page.wait_for_function("el => !el.disabled", arg=close.element_handle(), timeout=30_000)
        close.click()
        main.get_by_text(re.compile(r"1 response, stored as assessment #\d+")).wait_for()
        context.close()

        context, page = waves_page(first)  # and the first sees the wave closed
        page.locator('[data-testid="stMain"]').get_by_text(re.compile(r"stored as assessment #\d+")).wait_for()
        page.goto(first.url + wave.link())
        page.get_by_text("This survey is closed").wait_for(timeout=60_000)
        context.close()
        stored = services.get_scores("Two Process Co", services.list_assessments("Two Process Co", engine=db_url)[0].id, engine=db_url)
        assert stored["overall"]["score"] == pytest.approx(3.0)  # the one respondent answered level 3 everywhere
        assert get_model("gartner").item_count == len(stored["competencies"])
    finally:
        first.stop()
        second.stop()
        db.dispose_engines()


def test_every_input_has_a_label_and_the_questions_answer_by_keyboard(browser, server):
    _, link = _open_wave(server, "Keyboard Co")
    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    page.goto(server.url + link)
    page.get_by_role("heading", name="Browser wave", level=1).wait_for(timeout=60_000)
    wait_for_run(page)
    main = page.locator('[data-testid="stMain"]')
    department = main.get_by_role("combobox", name="Your department")  # found by its label: a screen reader reads it
    department.focus()
    page.keyboard.press("Enter")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")
    wait_for_run(page)
    main.get_by_role("button", name="Next").focus()
    page.keyboard.press("Enter")
    page.get_by_text(re.compile(r"^Part 2 of \d+")).wait_for()
    wait_for_run(page)
    main.get_by_role("radiogroup").first.wait_for()  # the caption can be drawn before the questions
    groups = main.get_by_role("radiogroup").all()
    assert groups and all(g.get_attribute("aria-label") for g in groups)  # every question names itself
    first = groups[0].get_by_role("radio").nth(3)
    first.focus()
    page.keyboard.press("Space")
    page.get_by_text(re.compile(r"^Part 2 of \d+ · 1 of \d+ answered")).wait_for()
    assert first.is_checked()
    unlabelled = page.evaluate(
        """() => [...document.querySelectorAll('[data-testid="stMain"] input, [data-testid="stMain"] textarea')]
              .filter(el => el.type !== 'radio' && !el.getAttribute('aria-label') && !(el.labels && el.labels.length))
              .length"""
    )
    assert unlabelled == 0
    context.close()
