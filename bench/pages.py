"""Benchmark: every dashboard page through AppTest (cold and warm) against a bare page, and the
landing page's first paint in a real browser.

A large history goes into a temporary SQLite database through ``services.import_assessment``
(SurveyData built in memory with ``demo.generate_wave``): one organisation with 40 Gartner
assessments x 2,000 respondents x 20 departments, a few targets, and 12 small peer
organisations (so the peer median and the peer view are populated). CXMATURITY_DEMO=0.

Then, in the same run:

* every page (Overview, Competencies, Benchmarks & peers, Progress, Upload, Models & sources) is
  run through ``AppTest.from_file("app.py")`` in one session, switched to as a user would (the
  same ``_NavigationPagesManager`` trick as tests/test_pages.py, so every run goes through
  app.py and its sidebar, as in a server session):
  - cold: the view caches emptied first (``ui.clear_caches()``, and Streamlit's own)
    and the repository's comparison memo too (the loaded models stay, as imports do);
  - warm: a rerun of the same AppTest with the caches filled;
* each page against a "bare" page: an ``AppTest.from_function`` script that renders the same
  precomputed figures (pickled, held in st.cache_resource), the same metrics, titles and tables,
  and the three sidebar selectboxes, with no data access or computation at all. warm / bare is
  then the cost of our data and compute on top of Streamlit's own rendering.

Goal: warm Overview rerun <= 250 ms and <= 2x the bare page. When it misses, the warm Overview
is profiled with cProfile and the top functions are printed (``--profile`` always does).

Browser (unless ``--no-browser``): ``streamlit run app.py`` on the same database (127.0.0.1, a
free port, headless), opened in Debian chromium through Playwright; the time from page.goto to
the "Level ..." title and to the first plotly chart being visible, for the first visit to a fresh
server (cold: imports and computation included) and later visits, each in a new browser context
(warm server, nothing cached in the browser). The bare Overview is served and timed the same
way, as the baseline of what Streamlit and plotly.js alone cost in this browser. Goal: under 3 s.
Every server is stopped at the end (its whole process group).

    python bench/pages.py [--assessments 40] [--respondents 2000] [--departments 20] [--peers 12]
                          [--repeat 15] [--cold-repeat 2] [--visits 5] [--no-browser] [--profile]
"""

from __future__ import annotations

import argparse
import cProfile
import datetime as dt
import inspect
import io
import logging
import os
import pickle
import pstats
import re
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import textwrap
import threading
import time
import urllib.request
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import streamlit as st  # noqa: E402
from streamlit.runtime.pages_manager import PagesManager  # noqa: E402
from streamlit.testing.v1 import AppTest  # noqa: E402
from streamlit.testing.v1 import app_test as app_test_module  # noqa: E402

import ui  # noqa: E402
from cxmaturity import services  # noqa: E402
from cxmaturity.benchmarks import document_title  # noqa: E402
from cxmaturity.charts import PLOTLY_CONFIG  # noqa: E402
from cxmaturity.services import demo  # noqa: E402
from cxmaturity.store import engine as db  # noqa: E402
from cxmaturity.survey import SurveyData  # noqa: E402
from cxmaturity.views import benchmarks as benchmarks_views  # noqa: E402
from cxmaturity.views import competencies as competency_views  # noqa: E402
from cxmaturity.views import overview as overview_views  # noqa: E402
from cxmaturity.views import progress as progress_views  # noqa: E402
from cxmaturity.views import selection  # noqa: E402
from cxmaturity.views import upload as upload_views  # noqa: E402
from cxmaturity.views.models_page import descriptor_matrix  # noqa: E402

APP = str(ROOT / "app.py")
MODEL = "gartner"
ORG = "Bench Corporation"
ORG_ATTRIBUTES = {"industry": "Banking", "size_band": "5,000+", "region": "Europe"}
FIRST_DATE = dt.date(2016, 6, 15)
WAVE_DAYS = 91  # a wave a quarter: 40 waves end in early 2026
PEER_RESPONDENTS = 60
PEER_INDUSTRIES = ["Banking", "Retail", "Telecom", "Insurance"]
PEER_SIZES = ["250–999", "1,000–4,999", "5,000+"]
PEER_REGIONS = ["Europe", "North America", "Asia-Pacific"]
TARGETS = [("metrics", 12, 4), ("governance", 6, 3), ("vision", 24, 4), ("technology", 12, 3)]

OVERVIEW = "pages/overview.py"
COMPETENCIES = "pages/competencies.py"
BENCHMARKS = "pages/benchmarks.py"
PROGRESS = "pages/progress.py"
UPLOAD = "pages/upload.py"
MODELS = "pages/models.py"
PAGES = [
    ("Overview", OVERVIEW),
    ("Competencies", COMPETENCIES),
    ("Benchmarks & peers", BENCHMARKS),
    ("Progress", PROGRESS),
    ("Upload", UPLOAD),
    ("Models & sources", MODELS),
]
GOAL_WARM_MS = 250
GOAL_RATIO = 2.0
GOAL_PAINT_S = 3.0

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync"]
VIEWPORT = {"width": 1440, "height": 1200}
STARTUP_TIMEOUT_S = 90
PAINT_TIMEOUT_MS = 120_000


# --- data ----------------------------------------------------------------------------------


def populate(url: str, assessments: int, respondents: int, departments: int, peers: int) -> tuple[float, list[int]]:
    """Store the history and the peers; (seconds, the organisation's assessment ids)."""
    model = services.model(MODEL)
    ids = [c.id for c in model.competencies]
    dept_rng = np.random.default_rng([7, 0])
    depts = [(f"Department {d + 1:02d}", float(dept_rng.uniform(0.5, 1.5)), float(dept_rng.normal(0, 0.04)))
             for d in range(departments)]
    base_rng = np.random.default_rng([7, 1])
    base = {cid: float(base_rng.uniform(0.25, 0.45)) for cid in ids}
    start = time.perf_counter()

    def store(org, attributes, index, date, label, answers, people):
        survey = SurveyData.generated(model, answers, people, f"bench-pages:{org}:{index}")
        return services.import_assessment(survey, org, date, label, org_attributes=attributes, engine=url).assessment_id

    own = []
    for w in range(assessments):
        date = FIRST_DATE + dt.timedelta(days=WAVE_DAYS * w)
        rng = np.random.default_rng([7, 2, w])
        # slow improvement with some wave-to-wave noise, so comparisons show real changes
        levels = {cid: v + 0.006 * w + float(rng.normal(0, 0.01)) for cid, v in base.items()}
        answers, people = demo.generate_wave(model, respondents, levels, rng, depts, None, date, f"W{w + 1:02d}")
        own.append(store(ORG, ORG_ATTRIBUTES, w, date, f"Wave {w + 1}", answers, people))
    last = FIRST_DATE + dt.timedelta(days=WAVE_DAYS * (assessments - 1))
    for p in range(peers):
        name = f"Peer organisation {p + 1:02d}"
        attributes = {"industry": PEER_INDUSTRIES[p % len(PEER_INDUSTRIES)], "size_band": PEER_SIZES[p % len(PEER_SIZES)],
                      "region": PEER_REGIONS[(p // 2) % len(PEER_REGIONS)]}
        rng = np.random.default_rng([7, 3, p])
        maturity = float(rng.uniform(0.2, 0.7))
        levels = {cid: float(np.clip(maturity + rng.normal(0, 0.07), 0.05, 0.95)) for cid in ids}
        for w in range(2):
            date = last - dt.timedelta(days=180 * (1 - w) + 10 * p)
            answers, people = demo.generate_wave(
                model, PEER_RESPONDENTS, levels, rng, demo.PEER_DEPARTMENTS, None, date, f"P{p + 1:02d}-{w + 1}"
            )
            store(name, attributes, w, date, f"Wave {w + 1}", answers, people)
    for cid, horizon, level in TARGETS:
        if cid in ids:
            services.set_target(ORG, model, cid, horizon, level, engine=url)
    return time.perf_counter() - start, own


# --- the bare pages ------------------------------------------------------------------------


def _bare_page(spec_path: str) -> None:
    """AppTest.from_function script: render a pickled element list, nothing else."""
    import pickle

    import streamlit as st

    @st.cache_resource(show_spinner=False)
    def load(path: str):
        with open(path, "rb") as f:
            return pickle.load(f)

    st.set_page_config(page_title="bare", layout="wide")
    spec = load(spec_path)
    with st.sidebar:
        st.markdown("### Assessment")
        for label, options in spec["sidebar"]:
            st.selectbox(label, options)
    config = spec["config"]
    for kind, *args in spec["elements"]:
        if kind == "chart":
            st.plotly_chart(args[0], width="stretch", theme=None, config=config)
        elif kind == "metrics":
            cols = st.columns(min(len(args[0]), 5))
            for i, (label, value, delta) in enumerate(args[0]):
                cols[i % len(cols)].metric(label, value, delta=delta)
        elif kind == "dataframe":
            st.dataframe(args[0], hide_index=True)
        elif kind == "selectbox":
            st.selectbox(args[0], args[1])
        elif kind == "download":
            st.download_button(args[0], data=args[1], file_name="template.csv")
        elif kind == "uploader":
            st.file_uploader(args[0])
        elif kind == "expander":
            with st.expander(args[0]):
                st.markdown(args[1])
        else:  # title, subheader, caption, markdown, info
            getattr(st, kind)(args[0])


def _fmt(value, digits: int = 2) -> str:
    return "–" if value is None else f"{value:.{digits}f}"


def bare_specs(assessment_ids: list[int]) -> tuple[dict[str, dict], dict[str, object]]:
    """Each page's elements, computed once up front through the same view functions; and
    the four page views themselves (what ui.py keeps in st.cache_data)."""
    latest = assessment_ids[-1]
    model = services.model(MODEL)
    sidebar = [
        ("Organisation", selection.organisation_names()),
        ("Maturity model", [model.name]),
        ("Assessment", [a.display for a in reversed(selection.assessments(ORG))]),
    ]
    specs: dict[str, list] = {}

    ov = overview_views.overview(ORG, MODEL, latest)
    h = ov.headline
    specs[OVERVIEW] = [
        ("title", f"Level {h.level} of {h.level_count}: {h.level_name}"),
        ("caption", f"{h.organisation} · {h.model_name} · {h.date:%d %B %Y} · {h.respondents} respondents"),
        ("metrics", [("Overall level", f"{h.level} · {h.level_name}", None), ("Overall score", _fmt(h.score), None),
                     ("95% confidence interval", f"{_fmt(h.ci95[0])} – {_fmt(h.ci95[1])}", None),
                     ("Respondents", str(h.respondents), None)]),
        *[("info", s.text) for s in ov.benchmark],
        ("subheader", "Competencies"),
        ("metrics", [(c.name, _fmt(c.score), None if c.delta is None else f"{c.delta:+.2f}") for c in ov.cards]),
        ("chart", ov.radar),
        *[("markdown", f"**{f.name}** — {_fmt(f.score)}, level {f.level} {f.level_name}") for f in ov.focus],
        *[("markdown", f"**{n.name}** — {_fmt(n.score)}, level {n.level} {n.level_name}") for n in ov.strongest],
    ]

    first = model.competencies[0].id
    cv = competency_views.competency_view(ORG, MODEL, latest, first)
    s = cv.score
    specs[COMPETENCIES] = [
        ("title", f"{s.name}: level {s.level} {s.level_name}"),
        ("selectbox", "Competency", [c.name for c in model.competencies]),
        ("caption", cv.description),
        ("metrics", [("Score", _fmt(s.score), None), ("95% CI", "–", None), ("Respondents", str(s.n), None),
                     ("Spread (sd)", _fmt(s.sd), None), ("Reliability (alpha)", _fmt(s.alpha), None)]),
        *[("chart", f) for f in (cv.item_figure, cv.distribution_figure, cv.heatmap) if f is not None],
        *[("expander", f"Level {lv['number']}: {lv['name']}", lv["description"]) for lv in cv.levels],
    ]

    bv = benchmarks_views.benchmarks_view(ORG, MODEL, latest)
    specs[BENCHMARKS] = [
        ("title", "Benchmarks & peers"),
        *[("chart", f) for f in (bv.distribution_figure,) if f is not None],
        *[("info", s.text) for s in bv.statements],
        ("selectbox", "Industry", ["All", *bv.filter_options.get("industry", [])]),
        ("selectbox", "Size", ["All", *bv.filter_options.get("size", [])]),
        ("selectbox", "Region", ["All", *bv.filter_options.get("region", [])]),
        ("caption", bv.peer_message),
        *([("chart", bv.peer_figure), ("dataframe", bv.peer_table)] if bv.peer_figure is not None else []),
    ]

    pv = progress_views.progress_view(ORG, MODEL)
    specs[PROGRESS] = [
        ("title", "Progress"),
        *[("chart", f) for f in (pv.timeline_figure, pv.change_figure) if f is not None],
        ("dataframe", pv.change_rows),
        *[("chart", f) for f in (pv.first_vs_latest, pv.targets_figure) if f is not None],
        ("dataframe", [{"Competency": t.competency_name, "Target level": t.target_level} for t in pv.targets]),
        ("selectbox", "Competency", [c.name for c in model.competencies]),
        ("selectbox", "Horizon", ["6 months", "12 months", "24 months"]),
        ("selectbox", "Target level", [lv.name for lv in model.levels]),
    ]

    names = selection.model_names()
    specs[UPLOAD] = [
        ("title", "Upload an assessment"),
        ("selectbox", "Model", list(names.values())),
        ("download", "Download CSV template", upload_views.template_csv(MODEL).encode("utf-8-sig")),
        ("subheader", "2. Upload the answers"),
        ("selectbox", "Maturity model", ["Recognise from the columns", *names.values()]),
        ("uploader", "Survey file (CSV or Excel .xlsx)"),
    ]

    matrix = descriptor_matrix(model)
    specs[MODELS] = [
        ("title", "Models & sources"),
        ("selectbox", "Model", list(names.values())),
        ("markdown", f"**Source:** {model.source.organisation}, {document_title(model.source.document)}"),
        ("dataframe", [{"Level": lv.number, "Name": lv.name, "Description": lv.description} for lv in model.levels]),
        *([("dataframe", matrix)] if matrix is not None else []),
        *[("expander", c.name, "\n".join(f"- `{i.id}`: {i.text}" for i in c.items)) for c in model.competencies],
        ("dataframe", [{k: v for k, v in r.items() if k not in ("kind", "model")} for r in benchmarks_views.programme_figures()]),
    ]
    views = {OVERVIEW: ov, COMPETENCIES: cv, BENCHMARKS: bv, PROGRESS: pv}
    return {page: {"sidebar": sidebar, "config": PLOTLY_CONFIG, "elements": elements} for page, elements in specs.items()}, views


# --- AppTest timing ------------------------------------------------------------------------

ARROW_FALLBACK = "Serialization of dataframe to Arrow table was unsuccessful"
HARNESS_NOISE = ("No runtime found", "missing ScriptRunContext")


class _LogCounter(logging.Filter):
    """Keeps the output readable: drops AppTest/bare-mode noise, and counts (instead of printing
    a traceback for each) Streamlit's Arrow fallback for a table it cannot serialise as given."""

    def __init__(self):
        super().__init__()
        self.page = None
        self.arrow_fallbacks: dict[str, int] = {}

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if message.startswith(ARROW_FALLBACK):
            self.arrow_fallbacks[self.page] = self.arrow_fallbacks.get(self.page, 0) + 1
            return False
        return not any(noise in message for noise in HARNESS_NOISE)


LOGS = _LogCounter()


def quiet_streamlit_logs() -> None:
    from streamlit import logger as st_logger

    for log in [*st_logger._loggers.values(), logging.getLogger("streamlit")]:
        if LOGS not in log.filters:
            log.addFilter(LOGS)


class _NavigationPagesManager(PagesManager):
    """As in tests/test_pages.py: a switched-to page runs through app.py (st.navigation mode)."""

    def __init__(self, *args, **kwargs):
        PagesManager.uses_pages_directory = False
        super().__init__(*args, **kwargs)


def clear_caches() -> None:
    st.cache_data.clear()
    st.cache_resource.clear()
    ui.clear_caches()


def run_checked(at: AppTest) -> float:
    start = time.perf_counter()
    at.run()
    elapsed = time.perf_counter() - start
    if at.exception:
        raise SystemExit("page failed:\n" + "\n\n".join(f"{e.value}\n{''.join(e.stack_trace)}" for e in at.exception))
    return elapsed


def measure_pages(repeat: int, cold_repeat: int) -> tuple[dict[str, tuple[float, float]], AppTest]:
    """{page: (cold s, warm s)}: medians, in one AppTest session switching between pages."""
    at = AppTest.from_file(APP, default_timeout=300)
    run_checked(at)  # landing page: registers the navigation (and warms imports)
    quiet_streamlit_logs()  # every Streamlit module's logger exists by now
    results = {}
    for _, page in PAGES:
        LOGS.page = page
        at.switch_page(page)
        cold = []
        for _ in range(cold_repeat):
            clear_caches()
            cold.append(run_checked(at))
        warm = [run_checked(at) for _ in range(repeat)]
        results[page] = (statistics.median(cold), statistics.median(warm))
        if page == OVERVIEW:
            title = [t.value for t in at.title]
            assert title and title[0].startswith("Level "), title
            assert at.get("plotly_chart"), "no chart on the Overview"
    LOGS.page = None
    at.switch_page(OVERVIEW)
    run_checked(at)
    return results, at


def measure_bare(specs: dict[str, dict], tmp: Path, repeat: int) -> dict[str, float]:
    results = {}
    for _, page in PAGES:
        LOGS.page = "bare " + page
        path = tmp / f"bare-{Path(page).stem}.pickle"
        with open(path, "wb") as f:
            pickle.dump(specs[page], f)
        at = AppTest.from_function(_bare_page, args=(str(path),), default_timeout=300)
        run_checked(at)
        run_checked(at)  # first runs: unpickle into the cache, Streamlit's own warm-up
        results[page] = statistics.median(run_checked(at) for _ in range(repeat))
        if specs[page]["elements"] and any(k == "chart" for k, *_ in specs[page]["elements"]):
            assert at.get("plotly_chart"), f"bare {page}: no chart"
    return results


def profile_warm_overview(at: AppTest, runs: int = 5, top: int = 20) -> None:
    """cProfile of warm Overview reruns. AppTest runs the script in a thread of its own (the main
    thread only waits), so the profiler is switched on in every new thread instead."""
    profiler = cProfile.Profile()

    def start_in_thread(*_):
        sys.setprofile(None)
        profiler.enable()

    threading.setprofile(start_in_thread)
    try:
        for _ in range(runs):
            run_checked(at)
    finally:
        threading.setprofile(None)
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out)
    stats.sort_stats("cumulative").print_stats(top)
    print(f"\ncProfile of {runs} warm Overview reruns (cumulative, top {top}):")
    print("\n".join(line for line in out.getvalue().splitlines() if line.strip())[:12000])
    out = io.StringIO()
    pstats.Stats(profiler, stream=out).sort_stats("tottime").print_stats(12)
    print("\nsame, by own time (top 12):")
    print("\n".join(line for line in out.getvalue().splitlines() if line.strip())[:6000])


def _median_ms(func, repeat: int = 30) -> float:
    func()
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        func()
        samples.append(time.perf_counter() - start)
    return statistics.median(samples) * 1000


def warm_breakdown(views: dict[str, object]) -> list[tuple[str, float]]:
    """In-process costs every warm rerun pays outside Streamlit's rendering (medians, ms)."""
    rows = [
        ("services.data_version() (sidebar + each page)", _median_ms(services.data_version)),
        ("selection.model_names() (sidebar, every page)", _median_ms(selection.model_names)),
        ("services.models() (Competencies, Progress, Upload, Models)", _median_ms(services.models)),
    ]
    for name, page in PAGES:
        if page in views:
            # st.cache_data keeps the pickled value and unpickles it on every hit
            data = pickle.dumps(views[page])
            rows.append((f"st.cache_data hit = pickle.loads of the {name} view ({len(data) / 1000:.0f} kB)",
                         _median_ms(lambda data=data: pickle.loads(data))))
    return rows


# --- the browser ---------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(script: str, cwd: Path, url: str, log: Path) -> tuple[subprocess.Popen, str, float]:
    """``streamlit run script`` in its own process group; (process, base URL, s until healthy)."""
    port = _free_port()
    env = dict(os.environ, CXMATURITY_DATABASE_URL=url, CXMATURITY_DEMO="0", PYTHONIOENCODING="utf-8")
    command = [
        sys.executable, "-m", "streamlit", "run", script,
        "--server.port", str(port), "--server.address", "127.0.0.1", "--server.headless", "true",
        "--server.fileWatcherType", "none", "--browser.gatherUsageStats", "false",
    ]  # fmt: skip
    start = time.perf_counter()
    with open(log, "wb") as out:
        process = subprocess.Popen(command, cwd=cwd, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + STARTUP_TIMEOUT_S
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"streamlit exited with {process.returncode}:\n{log.read_text(errors='replace')[-3000:]}")
        try:
            with urllib.request.urlopen(f"{base}/_stcore/health", timeout=2) as response:
                if response.read().decode().strip() == "ok":
                    return process, base, time.perf_counter() - start
        except OSError:
            pass
        time.sleep(0.1)
    stop_server(process)
    raise RuntimeError(f"streamlit did not answer /_stcore/health within {STARTUP_TIMEOUT_S} s")


def stop_server(process: subprocess.Popen) -> None:
    if process.poll() is not None:
        return
    try:  # its own process group: the server and anything it started
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=15)
    except ProcessLookupError:
        pass


def first_paint(browser, base: str) -> tuple[float, float]:
    """(s until the 'Level ...' title is visible, s until the first plotly chart is visible) after
    page.goto, in a new browser context (no cache, no cookies: a new session)."""
    context = browser.new_context(viewport=VIEWPORT)
    try:
        page = context.new_page()
        start = time.perf_counter()
        page.goto(base + "/", wait_until="commit", timeout=PAINT_TIMEOUT_MS)
        page.get_by_role("heading", level=1, name=re.compile(r"^Level")).first.wait_for(state="visible", timeout=PAINT_TIMEOUT_MS)
        title = time.perf_counter() - start
        page.locator('[data-testid="stPlotlyChart"]').first.wait_for(state="visible", timeout=PAINT_TIMEOUT_MS)
        chart = time.perf_counter() - start
        return title, chart
    finally:
        context.close()


def bare_script(spec_path: Path, directory: Path) -> Path:
    """The bare Overview as a file for ``streamlit run`` (same body as the AppTest bare page)."""
    path = directory / "bare_overview.py"
    source = textwrap.dedent(inspect.getsource(_bare_page))
    path.write_text(f"{source}\n_bare_page({str(spec_path)!r})\n", encoding="utf-8")
    return path


def measure_browser(url: str, tmp: Path, visits: int, bare_spec: Path) -> dict:
    """First paint of the landing page: the app, then the bare Overview, each on a fresh server."""
    from playwright.sync_api import sync_playwright

    results = {}
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        try:
            for name, script, cwd in (("app", "app.py", ROOT), ("bare", str(bare_script(bare_spec, tmp)), tmp)):
                process, base, startup = start_server(script, cwd, url, tmp / f"streamlit-{name}.log")
                try:
                    cold = first_paint(browser, base)
                    warm = [first_paint(browser, base) for _ in range(visits)]
                finally:
                    stop_server(process)
                results[name] = {
                    "startup": startup,
                    "cold": cold,
                    "warm": tuple(statistics.median(v[i] for v in warm) for i in (0, 1)),
                }
        finally:
            browser.close()
    return results


# --- main ----------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--assessments", type=int, default=40)
    parser.add_argument("--respondents", type=int, default=2000)
    parser.add_argument("--departments", type=int, default=20)
    parser.add_argument("--peers", type=int, default=12)
    parser.add_argument("--repeat", type=int, default=15, help="warm reruns per page (median)")
    parser.add_argument("--cold-repeat", type=int, default=2, help="cold runs per page (median)")
    parser.add_argument("--visits", type=int, default=5, help="warm browser visits (median)")
    parser.add_argument("--no-browser", action="store_true")
    parser.add_argument("--profile", action="store_true", help="profile the warm Overview even when it meets the goal")
    args = parser.parse_args(argv)
    total_start = time.perf_counter()

    with tempfile.TemporaryDirectory(prefix="cxm-bench-pages-") as tmp_name:
        tmp = Path(tmp_name)
        url = f"sqlite:///{tmp / 'bench.db'}"
        os.environ["CXMATURITY_DATABASE_URL"] = url
        os.environ["CXMATURITY_DEMO"] = "0"
        app_test_module.PagesManager = _NavigationPagesManager  # type: ignore[misc]

        seconds, own = populate(url, args.assessments, args.respondents, args.departments, args.peers)
        rows = args.assessments * args.respondents + 2 * args.peers * PEER_RESPONDENTS
        print(f"stored {args.assessments} assessments x {args.respondents:,} respondents x {args.departments} departments "
              f"+ {args.peers} peer organisations ({rows:,} respondents) in {seconds:.1f} s "
              f"({seconds / args.assessments * 1000:.0f} ms per large import)")

        quiet_streamlit_logs()
        specs, views = bare_specs(own)
        pages, at = measure_pages(args.repeat, args.cold_repeat)
        bare = measure_bare(specs, tmp, args.repeat)

        print(f"\nAppTest run time per page (one session; cold median of {args.cold_repeat}, "
              f"warm and bare medians of {args.repeat}):")
        print(f"  {'page':<20} {'cold ms':>9} {'warm ms':>9} {'bare ms':>9} {'warm/bare':>10}")
        for name, page in PAGES:
            cold, warm = pages[page]
            print(f"  {name:<20} {cold * 1000:9.0f} {warm * 1000:9.0f} {bare[page] * 1000:9.0f} {warm / bare[page]:9.2f}x")
        for page, count in LOGS.arrow_fallbacks.items():
            if page:
                print(f"  note: {page}: Streamlit had to fix a table's column types for Arrow on {count} run(s) "
                      f"(it logs a traceback each time)")
        warm_ov = pages[OVERVIEW][1]
        ratio = warm_ov / bare[OVERVIEW]
        met = warm_ov * 1000 <= GOAL_WARM_MS and ratio <= GOAL_RATIO
        print(f"warm Overview rerun: {warm_ov * 1000:.0f} ms, {ratio:.2f}x the bare page  "
              f"goal <= {GOAL_WARM_MS} ms and <= {GOAL_RATIO:g}x: {'met' if met else 'NOT met'}")

        print("\nwhere warm reruns go beyond rendering (in-process, medians):")
        for label, ms in warm_breakdown(views):
            print(f"  {label:<72} {ms:7.2f} ms")
        if args.profile or not met:
            profile_warm_overview(at)

        if not args.no_browser:
            db.dispose_engines()  # the server processes open the database themselves
            result = measure_browser(url, tmp, args.visits, tmp / "bare-overview.pickle")
            app, plain = result["app"], result["bare"]
            print(f"\nbrowser first paint of the landing page (chromium via Playwright; s from page.goto until the "
                  f"'Level' title / the first plotly chart is visible; warm = median of {args.visits} later visits, "
                  f"each a new browser context):")
            print(f"  {'':<34} {'title s':>8} {'chart s':>8}")
            print(f"  {'app, first visit (fresh server)':<34} {app['cold'][0]:8.2f} {app['cold'][1]:8.2f}")
            print(f"  {'app, later visits':<34} {app['warm'][0]:8.2f} {app['warm'][1]:8.2f}")
            print(f"  {'bare Overview, first visit':<34} {plain['cold'][0]:8.2f} {plain['cold'][1]:8.2f}")
            print(f"  {'bare Overview, later visits':<34} {plain['warm'][0]:8.2f} {plain['warm'][1]:8.2f}")
            print(f"  (servers healthy after {app['startup']:.1f} s / {plain['startup']:.1f} s; "
                  f"app / bare chart paint: first visit {app['cold'][1] / plain['cold'][1]:.2f}x, "
                  f"later {app['warm'][1] / plain['warm'][1]:.2f}x)")
            cold_ok, warm_ok = app["cold"][1] < GOAL_PAINT_S, app["warm"][1] < GOAL_PAINT_S
            print(f"goal < {GOAL_PAINT_S:g} s: first visit {'met' if cold_ok else 'NOT met'}, "
                  f"later visits {'met' if warm_ok else 'NOT met'}")
        db.dispose_engines()
    print(f"\nwhole benchmark: {time.perf_counter() - total_start:.0f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
