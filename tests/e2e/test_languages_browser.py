"""Persian in a real browser (issue 14): every page right to left at a laptop's and a phone's
width, sidebar on the right, Persian digits, nothing clipped or wider than its column; the
questionnaire in Persian on a phone; the Persian board report rendered page by page. Screenshots
go to screenshots/fa-*.png for a person to look at."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest
from test_browser import wait_for_run
from test_layout import CHART_CHECK, OVERFLOW_CHECK, PAGES, VIEWPORTS

pytestmark = pytest.mark.e2e

PERSIAN_DIGIT = re.compile(r"[۰-۹]")
LATIN_DIGIT = re.compile(r"[0-9]")


def _open(page, url: str) -> None:
    page.goto(url)
    page.get_by_role("heading", level=1).first.wait_for(timeout=60_000)
    wait_for_run(page)
    page.wait_for_timeout(1500)  # charts finish drawing


@pytest.mark.parametrize("size", list(VIEWPORTS))
@pytest.mark.parametrize("path", PAGES, ids=[p or "overview" for p in PAGES])
def test_every_page_reads_right_to_left_in_persian(browser, server, screenshots, size, path):
    context = browser.new_context(viewport=VIEWPORTS[size], locale="fa-IR")
    try:
        page = context.new_page()
        page.set_default_timeout(60_000)
        _open(page, f"{server.url}/{path}?lang=fa")
        page.screenshot(path=str(screenshots / f"fa-{path or 'overview'}-{size}.png"), full_page=True)
        # the page's style arrives with the run: wait for it (it fails if it never comes)
        page.wait_for_function(
            "() => getComputedStyle(document.querySelector('[data-testid=\"stMain\"]')).direction === 'rtl'",
            timeout=15_000,
        )
        title = page.get_by_role("heading", level=1).first.inner_text()
        assert not re.search(r"[A-Za-z]{4,}", title), f"English in the Persian title: {title!r}"
        if size == "laptop":  # the sidebar stands on the right of the page
            sidebar = page.locator('[data-testid="stSidebar"]').bounding_box()
            main = page.locator('[data-testid="stMain"]').bounding_box()
            assert sidebar["x"] > main["x"], (sidebar, main)
        assert page.evaluate(OVERFLOW_CHECK) == []
        assert page.evaluate(CHART_CHECK) == []
    finally:
        context.close()


def test_the_overview_writes_persian_digits_and_a_solar_hijri_date(browser, server):
    context = browser.new_context(viewport=VIEWPORTS["laptop"])
    try:
        page = context.new_page()
        _open(page, f"{server.url}/?lang=fa")
        headline = page.locator('[data-testid="stMain"] h3').first.inner_text()
        assert PERSIAN_DIGIT.search(headline) and not LATIN_DIGIT.search(headline), headline
        caption = page.locator('[data-testid="stMain"] [data-testid="stCaptionContainer"]').first.inner_text()
        assert re.search("(فروردین|اردیبهشت|خرداد|تیر|مرداد|شهریور|مهر|آبان|آذر|دی|بهمن|اسفند)", caption), caption
    finally:
        context.close()


def test_the_questionnaire_in_persian_on_a_phone(browser, server, screenshots):
    from cxmaturity import services
    from cxmaturity.store import engine as db

    url = f"sqlite:///{server.database}"
    services.create_organisation("Persian Wave Co", engine=url)
    wave, _codes = services.open_wave("Persian Wave Co", "gartner", "نظرسنجی بهار", departments=["فروش", "IT"],
                                      language="fa", engine=url)
    db.dispose_engines()
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="en-US")
    try:
        page = context.new_page()
        page.set_default_timeout(60_000)
        page.goto(server.url + wave.link())  # the link carries the wave's language
        page.get_by_role("heading", name="نظرسنجی بهار", level=1).wait_for()
        wait_for_run(page)
        page.screenshot(path=str(screenshots / "fa-questionnaire-welcome-phone.png"), full_page=True)
        main = page.locator('[data-testid="stMain"]')
        # the "next" button with its Persian label (an icon-only button can be drawn before it)
        main.get_by_role("button").filter(has_text=re.compile("[آ-ی]")).first.wait_for()
        assert page.evaluate("() => getComputedStyle(document.querySelector('[data-testid=\"stMain\"]')).direction") == "rtl"
        # a button's text without its icon's ligature name ("arrow_forward")
        buttons = [re.sub(r"^[a-z_]+$", "", b.inner_text(), flags=re.M).strip() for b in main.get_by_role("button").all()]
        buttons = [b for b in buttons if b]
        assert buttons and all(not re.search(r"[A-Za-z]{3,}", b) for b in buttons), buttons
        main.get_by_role("button").last.click()  # "next": the first part of the questions
        page.get_by_role("radiogroup").first.wait_for()
        wait_for_run(page)
        page.screenshot(path=str(screenshots / "fa-questionnaire-questions-phone.png"), full_page=True)
        question = main.get_by_role("radiogroup").first.inner_text()
        assert re.search("[آ-ی]", question), question  # the level descriptions in Persian
        assert page.evaluate(OVERFLOW_CHECK) == []
    finally:
        context.close()


def test_the_persian_board_report(server, screenshots, tmp_path):
    pdf = tmp_path / "report-fa.pdf"
    env_url = f"sqlite:///{server.database}"
    made = subprocess.run(
        [sys.executable, "-m", "cxmaturity", "report", "--org", "Demo Company (sample data)", "--model", "gartner",
         "--lang", "fa", "-o", str(pdf)],
        capture_output=True, text=True, env={**__import__("os").environ, "CXMATURITY_DATABASE_URL": env_url},
    )  # fmt: skip
    assert made.returncode == 0, made.stderr
    subprocess.run(["pdftoppm", "-r", "70", "-png", str(pdf), str(screenshots / "fa-report")], check=True)
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    assert "سطح" in text  # "level"
    assert PERSIAN_DIGIT.search(text)
    assert "Page" not in text and "Competencies" not in text
