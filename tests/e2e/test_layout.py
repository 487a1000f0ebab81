"""Every page at a laptop's and a phone's width, and on paper (issue 10): nothing wider than its
container, no chart text outside its chart, no legend on a title; printing drops the sidebar and
the controls. Screenshots are saved for a person to look at."""

from __future__ import annotations

import contextlib
import io
import time

import pypdf
import pytest

pytestmark = pytest.mark.e2e

PAGES = ["", "competencies", "benchmarks", "progress", "plan", "selftest", "upload", "waves", "manage", "models"]
VIEWPORTS = {"laptop": {"width": 1440, "height": 900}, "phone": {"width": 390, "height": 844}}

# every chart's texts against its own box, and its legend against its title (in the browser)
CHART_CHECK = """
() => {
  const problems = [];
  for (const plot of document.querySelectorAll('.js-plotly-plot')) {
    const box = plot.getBoundingClientRect();
    if (box.width === 0) continue;
    const texts = plot.querySelectorAll('.gtitle, .xtick text, .ytick text, .legendtext, .angularaxistick text, .annotation-text, .g-xtitle text, .g-ytitle text');
    for (const t of texts) {
      const r = t.getBoundingClientRect();
      if (r.width === 0 || !t.textContent.trim()) continue;
      if (r.left < box.left - 2 || r.right > box.right + 2 || r.top < box.top - 2 || r.bottom > box.bottom + 2) {
        problems.push(`clipped: "${t.textContent.trim().slice(0, 40)}"`);
      }
    }
    const title = plot.querySelector('.gtitle');
    const legend = plot.querySelector('.legend');
    if (title && legend) {
      const a = title.getBoundingClientRect(), b = legend.getBoundingClientRect();
      if (a.width && b.width && a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom) {
        problems.push(`legend on the title "${title.textContent.slice(0, 40)}"`);
      }
    }
  }
  return problems;
}
"""

# elements wider than the main column (a table that hides its last columns is scrollable on purpose)
OVERFLOW_CHECK = """
() => {
  const main = document.querySelector('[data-testid="stMainBlockContainer"]');
  if (!main) return ['no main block'];
  const limit = main.getBoundingClientRect().right + 2;
  const problems = [];
  for (const el of main.querySelectorAll('[data-testid="stElementContainer"]')) {
    const r = el.getBoundingClientRect();
    if (r.width && r.right > limit) problems.push(`${el.getAttribute('data-testid')} ends at ${Math.round(r.right)} > ${Math.round(limit)}`);
  }
  if (document.documentElement.scrollWidth > window.innerWidth + 2) problems.push('the page scrolls sideways');
  return problems;
}
"""


def _open(page, url: str) -> None:
    page.goto(url)
    page.get_by_role("heading", level=1).first.wait_for()
    page.wait_for_function("() => !document.querySelector('[data-testid=\"stStatusWidget\"]')", timeout=60_000)
    time.sleep(1.5)  # charts finish drawing


@contextlib.contextmanager
def _opened(browser, url: str, size: str, media: str = "screen"):
    """A page of its own at ``size``, open at ``url`` and drawn (for ``media`` "print": as printed)."""
    context = browser.new_context(viewport=VIEWPORTS[size])
    try:
        page = context.new_page()
        page.set_default_timeout(60_000)
        _open(page, url)
        if media == "print":
            page.emulate_media(media="print")
            time.sleep(0.5)
        yield page
    finally:
        context.close()


@pytest.mark.parametrize("size", list(VIEWPORTS))
@pytest.mark.parametrize("path", PAGES, ids=[p or "overview" for p in PAGES])
def test_page_fits_its_width_and_its_charts(browser, server, screenshots, size, path):
    with _opened(browser, f"{server.url}/{path}", size) as page:
        page.screenshot(path=str(screenshots / f"layout-{path or 'overview'}-{size}.png"), full_page=True)
        assert page.evaluate(OVERFLOW_CHECK) == []
        assert page.evaluate(CHART_CHECK) == []


def test_the_overview_prints_without_sidebar_or_controls(browser, server, screenshots):
    with _opened(browser, f"{server.url}/", "laptop", media="print") as page:
        page.screenshot(path=str(screenshots / "layout-overview-print.png"), full_page=True)
        assert not page.locator('[data-testid="stSidebar"]').is_visible()
        assert not page.get_by_role("combobox").first.is_visible()
        # what the paper must carry: organisation, model, date, and the source of the figure
        main = page.locator('[data-testid="stMain"]').inner_text()
        for words in ("Demo Company", "Gartner", "15 May 2026", "Reported in the article"):
            assert words in main


# each chart's drawn width in CSS pixels (plotly draws in pixels; paper does not redraw it)
CHART_WIDTHS = "() => [...document.querySelectorAll('.js-plotly-plot .main-svg')].map(s => s.getBoundingClientRect().width)"


@pytest.mark.parametrize("path", ["", "progress"], ids=["overview", "progress"])
def test_printed_charts_fit_the_paper_whole(browser, server, path):
    """Printed from a laptop, every chart fits the page's width (upright A4 cut the radar in half:
    its charts were drawn 1,000-1,440 px wide against about 720 px of paper). The page asks for
    landscape A4; the controls that choose what a chart shows are not printed."""
    with _opened(browser, f"{server.url}/{path}", "laptop", media="print") as page:
        time.sleep(1)  # charts redrawn for the wider column once the sidebar has gone
        pdf = pypdf.PdfReader(io.BytesIO(page.pdf(prefer_css_page_size=True)))
        box = pdf.pages[0].mediabox
        assert (round(float(box.width)), round(float(box.height))) == (842, 595)  # A4 landscape, in points
        paper_px = (297 - 2 * 10) / 25.4 * 96  # the page less its 10 mm margins, in CSS pixels
        widths = page.evaluate(CHART_WIDTHS)
        assert widths and max(widths) <= paper_px, (widths, paper_px)
        shown = [c for c in page.get_by_role("combobox").all() if c.is_visible()]
        assert shown == []  # selectboxes and multiselects alike


# the widest column (the text) of each table of long texts on the Models page, and whether its frame scrolls
TEXT_TABLES = """
() => ['levels', 'descriptors', 'figures'].map(name => {
  const box = document.querySelector(`.st-key-wide_texts_${name}`);
  const table = box && box.querySelector('table');
  if (!table) return [name, null, null];
  const frame = table.parentElement;
  const widths = [...table.querySelectorAll('tbody tr:first-child td')].map(td => td.getBoundingClientRect().width);
  const widest = Math.max(...widths);
  return [name, Math.round(widest), frame.scrollWidth > frame.clientWidth];
})
"""


def test_a_phone_reads_the_models_long_texts_in_columns_that_scroll_sideways(browser, server):
    """At 390 px a model's levels, descriptor matrix and figures keep text columns wide enough to
    read (before: about 80 px, a word or two a line) and scroll inside their frame; the page itself
    never scrolls sideways. On a laptop the tables fit without scrolling."""
    for size, scrolls in (("phone", True), ("laptop", False)):
        with _opened(browser, f"{server.url}/models", size) as page:
            for name, widest, frame_scrolls in page.evaluate(TEXT_TABLES):
                assert widest is not None, name
                assert widest >= 150, (size, name, widest)  # the text column: ~20 characters a line or more
                if name != "figures":  # the figures table fits a laptop; the others are long texts
                    assert frame_scrolls == scrolls, (size, name)
            assert page.evaluate(OVERFLOW_CHECK) == []


def test_a_tall_table_prints_across_pages_without_a_blank_page(browser, server):
    """Printed, the Models page's descriptor matrix (taller than a page) breaks between its rows:
    no page of the printout is empty (it used to jump whole to the next page, leaving a blank one)."""
    with _opened(browser, f"{server.url}/models", "laptop", media="print") as page:
        pages = pypdf.PdfReader(io.BytesIO(page.pdf(format="A4"))).pages
        empty = [number for number, p in enumerate(pages, 1) if not p.extract_text().strip()]
        assert len(pages) > 2 and empty == [], (len(pages), empty)
