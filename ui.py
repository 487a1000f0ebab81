"""The small UI helper shared by app.py and pages/: selection, caching, empty states.

Only this module, app.py and pages/ import streamlit. Views are cached here in our own bounded
caches (ViewCache), keyed on the database, a data version (so a new upload or target shows at
once) and the signed-in user. Not in st.cache_data/st.cache_resource: any browser can send
Streamlit's "clear cache" message, which empties those for every user.
"""

from __future__ import annotations

import datetime as dt
import re
import threading
from collections import OrderedDict
from dataclasses import dataclass

import pandas as pd
import streamlit as st

from cxmaturity import access, i18n, rules, services, translations
from cxmaturity.charts import PLOTLY_CONFIG
from cxmaturity.charts.direction import for_reading_direction
from cxmaturity.exports import safe_cell
from cxmaturity.i18n import _, ngettext
from cxmaturity.report import board_report, missing_requirements
from cxmaturity.views import benchmarks as benchmarks_views
from cxmaturity.views import competencies as competency_views
from cxmaturity.views import format as formats
from cxmaturity.views import overview as overview_views
from cxmaturity.views import plan as plan_views
from cxmaturity.views import progress as progress_views
from cxmaturity.views import questionnaire as questionnaire_views
from cxmaturity.views import selection as selection_views

UPLOAD_PAGE = "pages/upload.py"
OVERVIEW_PAGE = "pages/overview.py"


@dataclass(frozen=True)
class Selection:
    org: str | None
    model_id: str | None
    assessment_id: int | None


class ViewCache:
    """A small LRU cache of computed views, shared by all sessions of this process. Values are
    only read by pages, never changed, so one object may serve many sessions."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._entries: OrderedDict = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key, compute):
        with self._lock:
            if key in self._entries:
                self._entries.move_to_end(key)
                return self._entries[key]
        value = compute()  # outside the lock: two sessions may compute the same view at once
        with self._lock:
            self._entries[key] = value
            while len(self._entries) > self.size:
                self._entries.popitem(last=False)
        return value

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()


_VIEWS = ViewCache(512)
_prepared: set[str] = set()
_prepared_lock = threading.Lock()


def clear_caches() -> None:
    """Forget every cached view (tests and benchmarks; never reachable from a browser)."""
    _VIEWS.clear()
    with _prepared_lock:
        _prepared.clear()
    services.clear_caches()


def _cached(name: str, compute, *key):
    # views hold sentences and names: each language is its own entry
    return _VIEWS.get((name, services.database_url(), i18n.current(), *key), compute)


def _prepare(url: str) -> None:
    with _prepared_lock:
        if url in _prepared:
            return
    with st.spinner(_("Preparing the database…")):
        services.prepare(url)
    with _prepared_lock:
        _prepared.add(url)


def page_setup(page_path: str) -> None:
    """First call of every page: make sure it runs inside app.py's navigation.

    A deep link (/progress) as the very first request to a fresh server runs the page file on its
    own, in Streamlit's old pages/-folder mode. Go through app.py instead, which registers the
    navigation and then opens the page asked for.
    """
    if not st.session_state.get("_app_ran"):
        st.session_state["_deep_link"] = page_path
        asked = i18n.supported(st.query_params.get("lang"))
        if asked:  # the switch drops the address's ?lang=: the session keeps it
            st.session_state[LANGUAGE_KEY] = asked
        st.switch_page("app.py")


def app_ran() -> str | None:
    """Called by app.py: note that navigation exists; return a deep link waiting to be opened."""
    st.session_state["_app_ran"] = True
    return st.session_state.pop("_deep_link", None)


# --- signing in --------------------------------------------------------------------------------


def auth_mode() -> str:
    """'oidc' when an [auth] section is in secrets.toml, 'local' with CXMATURITY_AUTH=local, else 'none'."""
    try:
        if "auth" in st.secrets:
            return "oidc"
    except FileNotFoundError:  # no secrets.toml at all
        pass
    except Exception:  # an unreadable secrets file must not open the app to everyone
        return "local"
    return access.auth_mode()  # CXMATURITY_AUTH; an unknown value raises instead of opening up


def current_user():
    return st.session_state.get("user", access.LOCAL_USER if auth_mode() == "none" else None)


def sign_out() -> None:
    if auth_mode() == "oidc":
        st.session_state.pop("user", None)
        st.logout()
    st.session_state.pop("user", None)
    st.rerun()


def require_sign_in():
    """The signed-in user, or the sign-in page (and stop). Local mode needs no sign-in."""
    mode = auth_mode()
    if mode == "none":
        return access.LOCAL_USER
    signed_in = st.session_state.get("user")
    if signed_in is not None:
        # re-read on every run: a changed role or a removed account applies at once
        fresh = services.get_user(signed_in.email)
        if fresh is not None:
            st.session_state["user"] = fresh
            return fresh
        st.session_state.pop("user", None)
    if mode == "oidc" and st.user.is_logged_in:
        user = _oidc_account()
        if user is not None:
            st.session_state["user"] = user
            services.record(access.SIGN_IN, detail="identity provider", user=user)
            st.rerun()
    # The sign-in form is the only page registered: without a navigation, Streamlit would list
    # the files of pages/ in the sidebar to anonymous visitors.
    page = _oidc_sign_in_page if mode == "oidc" else _password_sign_in_page
    st.navigation([st.Page(page, title=_("Sign in"), default=True)], position="hidden").run()
    st.stop()


def _oidc_account():
    """The account for the identity provider's email, or None (refused: unknown or unverified)."""
    if st.user.get("email_verified") is False:  # an unverified address proves nothing
        return None
    return services.user_for_email(str(st.user.get("email") or ""))


def _oidc_sign_in_page() -> None:
    st.title(_("CX Maturity Dashboard"))
    if not st.user.is_logged_in:
        st.write(_("Sign in with your organisation's account to see your CX maturity results."))
        if st.button(_("Sign in"), type="primary"):
            st.login()
        return
    st.error(_("Your account has no access to this dashboard. Ask an administrator to add you."))
    if st.button(_("Sign out")):
        st.logout()


def _password_sign_in_page() -> None:
    _left, middle, _right = st.columns([1, 2, 1])  # a form of reading width, not the whole screen
    with middle:
        st.title(_("CX Maturity Dashboard"))
        st.caption(_("Sign in to see your organisation's CX maturity results."))
        with st.form("sign_in"):
            email = st.text_input(_("Email"), key="sign_in_email")
            password = st.text_input(_("Password"), type="password", key="sign_in_password")
            submitted = st.form_submit_button(_("Sign in"), type="primary")
        if submitted:
            result = services.authenticate(email, password)
            if result.ok:
                st.session_state["user"] = result.user
                st.rerun()
            st.error(result.message)


PRINT_CSS = """
<style>
@page { size: A4 landscape; margin: 10mm; }
@media print {
  /* paper gets the page, not the app around it: no sidebar, header, toolbar or controls */
  [data-testid="stSidebar"], [data-testid="stHeader"], [data-testid="stToolbar"],
  [data-testid="stDecoration"], [data-testid="stStatusWidget"], [data-testid="stSidebarCollapsedControl"],
  [data-testid="stSelectbox"], [data-testid="stMultiSelect"], [data-testid="stButton"], [data-testid="stDownloadButton"],
  [data-testid="stFileUploader"], [data-testid="stForm"], [data-testid="stRadio"],
  [data-testid="stTextInput"], [data-testid="stDateInput"], [data-testid="stElementToolbar"],
  [data-testid="stPageLink"] { display: none !important; }
  /* the app scrolls inside fixed-height containers: let them grow so every part is printed */
  [data-testid="stAppViewContainer"], [data-testid="stMain"], [data-testid="stMainBlockContainer"], .main, section
    { overflow: visible !important; height: auto !important; position: static !important; }
  /* a chart keeps the width it was drawn at (plotly draws in pixels and is not redrawn for
     paper): a laptop draws the main column about 1,000 px wide, which A4 upright (about 720 px)
     cut in half. Landscape holds it; the column is kept to the paper's width so a chart redrawn
     as the sidebar goes (print preview, a PDF export) fits too. */
  [data-testid="stMainBlockContainer"] { padding: 0 !important; max-width: 255mm !important; }
  [data-testid="stPlotlyChart"], [data-testid="stMetric"], [data-testid="stExpander"], .stAlert
    { break-inside: avoid; page-break-inside: avoid; }
  h1, h2, h3 { break-after: avoid; page-break-after: avoid; }
  /* Streamlit sets a table inline (inline-table, in a scroll frame), and an inline box is not split
     across pages: a tall table (a model's descriptor matrix) went whole to the next page and left
     a blank one before it. On paper it is a block table that breaks between its rows. */
  [data-testid="stTable"] table { display: table !important; }
  [data-testid="stTable"] tr { break-inside: avoid; }
}
/* on screen, in every language: a chosen value too long for its box ends in an ellipsis rather
   than in half a word */
[data-testid="stSelectbox"] input { text-overflow: ellipsis; }
</style>
"""


def mark(provenance: str | None) -> str:
    """A text's provenance, visibly beside it: ' *(text written by this project)*', or nothing."""
    return f" *({_(provenance)})*" if provenance else ""


def wide_texts(name: str, width_rem: int = 42):
    """A container (``name``: unique on its page) for a table of long texts. On a phone the table
    keeps at least ``width_rem`` of width and scrolls sideways in its frame, instead of squeezing
    each text to a word or two a line; laptops and paper are unaffected."""
    if not re.fullmatch(r"[a-z_]+", name):
        raise ValueError(f"not a container name: {name!r}")  # it goes into CSS
    st.html(
        f"<style>@media (max-width: 640px) {{ .st-key-wide_texts_{name} table "
        f"{{ min-width: {int(width_rem)}rem; }} }}</style>"
    )
    return st.container(key=f"wide_texts_{name}")


def print_styles() -> None:
    """How every page prints (Ctrl+P), and how a select box cuts a long value: static CSS of
    ours, no user text in it."""
    st.html(PRINT_CSS)


def database_problem(exc: Exception) -> None:
    """The page a person sees when the database cannot be used: what is wrong, in words, and
    no traceback; then the run stops."""
    st.error(_("The dashboard cannot use its database: {problem}").format(problem=md(str(exc))), icon=":material/database:")
    st.caption(_("Nothing was changed. An administrator can run `cxmaturity check` on the server."))
    st.stop()


def prepare_database() -> None:
    _prepare(services.database_url())


def data_version() -> str:
    return services.data_version()


def _organisations(version: str, user) -> list[str]:
    return _cached("organisations", lambda: selection_views.organisation_names(user), version, user)


def organisations_for(user) -> list[str]:
    """The organisations this user may see (cached on the data version)."""
    return _organisations(data_version(), user)


def _assessments(org: str, version: str, user) -> list[selection_views.AssessmentInfo]:
    return _cached("assessments", lambda: selection_views.assessments(org, user), org, version, user)


def sidebar_selectors() -> Selection:
    """Organisation, model and assessment pickers, shared through st.session_state."""
    version = data_version()
    orgs = _organisations(version, current_user())
    # a page (Upload) may ask for a new selection; widgets' keys can only be set before they exist
    pending = st.session_state.pop("pending_selection", None)
    if pending is not None:
        st.session_state["org"], st.session_state["model"], st.session_state["assessment"] = pending
    with st.sidebar:
        st.markdown("### " + _("Assessment"))
        if not orgs:
            st.caption(_("No assessments yet."))
            st.session_state["selection"] = Selection(None, None, None)
            _mode_caption()
            return st.session_state["selection"]
        if st.session_state.get("org") not in orgs:
            st.session_state["org"] = orgs[0]
        org = st.selectbox(_("Organisation"), orgs, key="org")
        items = _assessments(org, version, current_user())
        model_ids = list(dict.fromkeys(a.model_id for a in items))
        model_names = selection_views.model_names()
        if st.session_state.get("model") not in model_ids:
            st.session_state["model"] = model_ids[0] if model_ids else None
        model_id = st.selectbox(
            _("Maturity model"), model_ids, key="model", format_func=lambda m: model_names.get(m, m)
        ) if model_ids else None
        choices = [a for a in reversed(items) if a.model_id == model_id]  # newest first
        labels = {a.id: a.display for a in choices}
        if st.session_state.get("assessment") not in labels:
            st.session_state["assessment"] = choices[0].id if choices else None
        assessment_id = st.selectbox(
            _("Assessment"), list(labels), key="assessment", format_func=lambda i: labels.get(i, str(i))
        ) if choices else None
        _mode_caption()
    selection = Selection(org, model_id, assessment_id)
    st.session_state["selection"] = selection
    return selection


def _mode_caption() -> None:
    user = current_user()
    if user.may_administer:
        for problem in services.model_problems():  # a broken model file: the others keep working
            st.warning(_("A maturity model file was left out: {problem}").format(problem=md(problem)), icon=":material/warning:")
    if auth_mode() == "none":
        st.caption(_("Local mode: the dashboard listens on this computer only."))
    else:
        st.caption(_("Signed in as {email} ({role})").format(email=i18n.isolate(md(user.email)), role=role_name(user.role)))
        if st.button(_("Sign out"), key="sign_out"):
            sign_out()


def select_after_rerun(org: str, model_id: str, assessment_id: int) -> None:
    """Point the sidebar at an assessment on the next run (see sidebar_selectors)."""
    st.session_state["pending_selection"] = (org, model_id, assessment_id)


def selection() -> Selection:
    return st.session_state.get("selection", Selection(None, None, None))


def require_assessment() -> Selection:
    """The current selection, or an empty state pointing to Upload (and stop the page)."""
    sel = selection()
    if sel.org is None or sel.assessment_id is None:
        st.info(_("No assessment yet. Upload a survey file to see your maturity level, radar and progress."))
        st.page_link(UPLOAD_PAGE, label=_("Upload an assessment"), icon=":material/upload_file:")
        st.stop()
    return sel


def chart(fig) -> None:
    # theme=None keeps the charts' own colour-blind-safe styling consistent across pages
    st.plotly_chart(for_reading_direction(fig), width="stretch", theme=None, config=PLOTLY_CONFIG)


fmt = formats.number  # the one number formatter (cxmaturity.views.format)
fmt_day = formats.day
fmt_month = formats.month_long


def safe_rows(data) -> pd.DataFrame:
    """A table as it may be shown: every text cell and header that a spreadsheet would run as a
    formula gets a leading quote, because Streamlit's tables offer "Download as CSV" of exactly
    what they show. Numbers, dates and missing values stay as they are."""
    frame = data if isinstance(data, pd.DataFrame) else pd.DataFrame(list(data))
    safe = frame.map(safe_cell)
    safe.columns = [safe_cell(str(c)) for c in frame.columns]
    if not isinstance(frame.index, pd.RangeIndex):
        safe.index = [safe_cell(str(i)) for i in frame.index]
    return safe


def dataframe(data, **kwargs) -> None:
    """st.dataframe over formula-safe cells (see safe_rows); the only way pages show a frame."""
    st.dataframe(safe_rows(data), **kwargs)


# --- cached domain views -------------------------------------------------------------------


# The signed-in user is part of every cache key: what a view holds depends on who asks.


def overview(org: str, model_id: str, assessment_id: int, version: str):
    user = current_user()
    return _cached("overview", lambda: overview_views.overview(org, model_id, assessment_id, user=user),
                   org, model_id, assessment_id, version, user)


def competency_view(org: str, model_id: str, assessment_id: int, competency_id: str, version: str):
    user = current_user()
    return _cached("competency", lambda: competency_views.competency_view(org, model_id, assessment_id, competency_id, user=user),
                   org, model_id, assessment_id, competency_id, version, user)


def benchmarks_view(org, model_id, assessment_id, industry, size, region, version: str):
    user = current_user()
    return _cached(
        "benchmarks",
        lambda: benchmarks_views.benchmarks_view(org, model_id, assessment_id, industry=industry, size=size, region=region, user=user),
        org, model_id, assessment_id, industry, size, region, version, user,
    )


def plan_view(org: str, model_id: str, version: str):
    user = current_user()
    today = dt.date.today()  # overdue counts from today
    return _cached("plan", lambda: plan_views.plan_view(org, model_id, today=today, user=user), org, model_id, version, user, today)


def target_form(sel: Selection, model, user) -> None:
    """Set a competency's target level at one horizon (Progress and Action plan)."""
    with st.form("set_target"):
        st.markdown("**" + _("Set a target") + "**")
        model = translations.localised(model)
        names = {c.id: c.name for c in model.competencies}
        levels = {lv.number: f"{formats.integer(lv.number)}{formats.sep()}{lv.name}" for lv in model.levels}
        c1, c2, c3 = st.columns(3)
        competency = c1.selectbox(_("Competency"), list(names), format_func=names.get, key="target_competency")
        horizon = c2.selectbox(
            _("Horizon"), list(rules.TARGET_HORIZONS), format_func=months, index=1, key="target_horizon"
        )
        level = c3.selectbox(_("Target level"), list(levels), format_func=levels.get, key="target_level")
        if st.form_submit_button(_("Save target")):
            services.set_target(sel.org, sel.model_id, competency, horizon, level, user=user)
            st.toast(_("Target saved: {competency} at level {level} within {months}.").format(
                competency=names[competency], level=levels[level], months=months(horizon)))
            st.rerun()


def progress_view(org: str, model_id: str, version: str):
    user = current_user()
    today = dt.date.today()  # the next wave's due date counts days from today
    return _cached(
        "progress", lambda: progress_views.progress_view(org, model_id, today=today, user=user), org, model_id, version, user, today
    )


_MARKDOWN_SPECIALS = set("\\`*_{}[]()#+-.!|<>~$:=&@")


def board_report_button(sel: Selection, date: dt.date) -> None:
    """One click: the PDF is made when the button is pressed (on Streamlit's download thread), not
    on every page view. The user is read now: that thread has no session."""
    user = current_user()
    lang = i18n.current()  # read now, like the user: the download thread has neither
    missing = missing_requirements()

    def make_pdf() -> bytes:
        return board_report(sel.org, sel.model_id, sel.assessment_id, lang, user=user)

    st.download_button(
        _("Board report (PDF)"),
        data=make_pdf,
        file_name=overview_views.report_file_name(sel.org, date),
        mime="application/pdf",
        on_click="ignore",
        icon=":material/picture_as_pdf:",
        help=_("Not available here: it needs {requirements}.").format(requirements="; ".join(missing)) if missing else
        _("An A4 report of this assessment for people without access: summary, competencies, departments, "
          "progress, method and sources. Takes a few seconds."),
        disabled=bool(missing),
        key="board_report",
    )


def focus_summary(focus) -> None:
    """A weak competency in a few lines: score and level, what pulls it down, the next level when
    it is the competency's own text, and its open initiatives."""
    st.markdown(
        f"**{md(focus.name)}**{mark(focus.name_mark)} — "
        + _("{score}, level {level} {level_name}").format(
            score=fmt(focus.score), level=formats.integer(focus.level), level_name=md(focus.level_name or ""))
    )
    if focus.practices:
        st.markdown(
            _("Pulling it down:") + "\n" + "\n".join(f"- {md(p.text)} ({fmt(p.mean)}){mark(p.mark)}" for p in focus.practices)
        )
    elif focus.practices_checked:
        st.caption(_("No single practice stands out: each is within {margin} of the competency's score.").format(
            margin=fmt(rules.PULLING_DOWN_MARGIN)))
    if focus.next_level_name and not focus.next_shared:
        st.markdown("*" + _("Next, {level}:").format(level=md(focus.next_level_name)) + "* "
                    + f"{md(focus.next_description or '')}{mark(focus.next_mark)}")
    if focus.initiatives:
        st.markdown(
            _("Open initiatives:") + "\n"
            + "\n".join("- " + _("{title} — {owner}, due {date}").format(
                title=md(i.title), owner=i18n.isolate(md(i.owner)), date=fmt_day(i.due)) for i in focus.initiatives)
        )


def focus_details(focus, quotes: bool = True) -> None:
    """What the sources recommend for it, each with its source (and, with ``quotes``, its passage
    in the original language)."""
    if not focus.advice:
        return
    with st.expander(_("What the sources recommend for {name} ({count})").format(
            name=md(focus.name), count=formats.integer(len(focus.advice)))):
        for advice in focus.advice:
            advice_lines(advice, quotes)


def advice_lines(advice, quotes: bool = False) -> None:
    """One recommendation: its topic and English, then its source and marks (and its original)."""
    st.markdown(f"**{md(advice.topic)}** — {md(advice.text)}")
    st.caption(_("Source: {source}").format(source=md(advice.source)) + "".join(f"{formats.sep()}*{m}*" for m in advice.marks))
    if quotes:
        language = advice.language or _("Original")
        st.caption(f"{md(language)}: {md(advice.quote)}")


def shared_next_levels(focus_list) -> None:
    """Where a model's next-level text is the same for every competency, say it once."""
    shown = set()
    for focus in focus_list:
        if focus.next_shared and focus.next_level_name and focus.next_level_name not in shown:
            shown.add(focus.next_level_name)
            st.markdown(
                "*" + _("Next level for the whole programme, {level}:").format(level=md(focus.next_level_name)) + "* "
                f"{md(focus.next_description or '')}{mark(focus.next_mark)}"
            )


def md(text: object) -> str:
    """User text made inert for st.markdown: every Markdown/HTML/directive character escaped.

    Streamlit renders Markdown (and :colour[...] directives, $maths$) in markdown, captions,
    metric labels and titles, so an organisation called "**Acme**" or "<b>x</b>" must be escaped
    to show exactly as typed.
    """
    return "".join("\\" + ch if ch in _MARKDOWN_SPECIALS else ch for ch in str(text))


# --- questionnaires: the survey-wave page and the self-test ---------------------------------------------

DONT_KNOW_OPTION = -1  # the radio value of "Don't know / not applicable"


def _answer_state(form, prefix: str) -> dict:
    """The answers of this questionnaire in the session, first filled from the page address (a
    reload starts a new session: the address keeps what was answered)."""
    key = f"{prefix}_answers"
    if key not in st.session_state:
        answers, dont_know = questionnaire_views.decode_answers(form, st.query_params.get("a"))
        st.session_state[key] = {**answers, **{i: DONT_KNOW_OPTION for i in dont_know}}
        step = st.query_params.get("s", "0")
        st.session_state[f"{prefix}_step"] = int(step) if step.isdigit() else 0
    return st.session_state[key]


def _remember(form, prefix: str, answers: dict, step: int) -> None:
    dont_know = {i for i, v in answers.items() if v == DONT_KNOW_OPTION}
    plain = {i: v for i, v in answers.items() if v != DONT_KNOW_OPTION}
    st.query_params["a"] = questionnaire_views.encode_answers(form, plain, dont_know)
    st.query_params["s"] = str(step)


def questionnaire(form, prefix: str, intro=None, submit_label: str | None = None) -> dict | None:
    """Show the questionnaire one part at a time with a progress bar; returns the answers
    ({item: value or None}) when the last part is submitted, else None. ``intro``: a function
    drawing a first part (department, role, code)."""
    answers = _answer_state(form, prefix)
    parts = (["intro"] if intro else []) + list(form.steps)
    step = min(max(st.session_state.get(f"{prefix}_step", 0), 0), len(parts) - 1)
    progress = st.empty()  # filled once this part's answers are read: the count includes them
    part = parts[step]
    if part == "intro":
        intro()
    else:
        st.subheader(md(part.name))
        for q in part.questions:
            options = [v for v, _ in q.options] + [DONT_KNOW_OPTION]
            labels = dict(q.options) | {DONT_KNOW_OPTION: _(questionnaire_views.DONT_KNOW)}
            current = answers.get(q.item)
            choice = st.radio(
                md(q.text),
                options,
                index=options.index(current) if current in options else None,
                format_func=lambda v, labels=labels: labels[v],
                key=f"{prefix}_{q.item}",
            )
            if choice is not None:
                answers[q.item] = choice
    answered = sum(1 for i in form.items if i in answers)
    # each count isolated: in Persian, numbers on both sides of '·' would otherwise swap places
    count = lambda n: i18n.isolate(formats.integer(n))  # noqa: E731
    progress.progress(step / len(parts), text=_("Part {part} of {parts} · {answered} of {items} answered").format(
        part=count(step + 1), parts=count(len(parts)), answered=count(answered), items=count(len(form.items))))
    _remember(form, prefix, answers, step)
    back, forward = st.columns(2)
    if step > 0 and back.button(_("Back"), key=f"{prefix}_back_{step}", icon=":material/arrow_back:"):
        st.session_state[f"{prefix}_step"] = step - 1
        st.rerun()
    if step < len(parts) - 1:
        if forward.button(_("Next"), key=f"{prefix}_next_{step}", type="primary", icon=":material/arrow_forward:"):
            st.session_state[f"{prefix}_step"] = step + 1
            st.rerun()
        return None
    if forward.button(submit_label or _("Submit answers"), key=f"{prefix}_submit", type="primary"):
        return {i: (None if answers.get(i) in (None, DONT_KNOW_OPTION) else answers[i]) for i in form.items}
    return None


def forget_questionnaire(prefix: str) -> None:
    for key in [k for k in st.session_state if str(k).startswith(f"{prefix}_")]:
        del st.session_state[key]
    for param in ("a", "s"):
        st.query_params.pop(param, None)


# --- languages ------------------------------------------------------------------------------

LANGUAGE_KEY = "language"


def months(count: int) -> str:
    """'6 months' in the language (Russian: '6 месяцев', '24 месяца')."""
    return ngettext("{n} month", "{n} months", count).format(n=formats.integer(count))


def role_name(role: str) -> str:
    return {access.ADMIN: _("administrator"), access.ANALYST: _("analyst"), access.VIEWER: _("viewer")}.get(role, role)


def use_language() -> str:
    """The language of this run: the address's ?lang= first (a shared link opens in its language),
    then the session's choice, then the browser's language; kept in the address."""
    asked = i18n.supported(st.query_params.get("lang"))
    chosen = asked or st.session_state.get(LANGUAGE_KEY) or i18n.supported(_browser_locale()) or i18n.SOURCE_LANGUAGE
    st.session_state[LANGUAGE_KEY] = chosen
    lang = i18n.set_language(chosen)
    if st.query_params.get("lang") != lang:
        st.query_params["lang"] = lang
    if i18n.is_rtl(lang):
        st.html(RTL_CSS)
    return lang


def _browser_locale() -> str | None:
    try:
        return st.context.locale
    except Exception:  # no browser behind this run (a bare script run): the source language
        return None


def _choose_language() -> None:
    st.session_state[LANGUAGE_KEY] = st.session_state["language_picker"]
    st.query_params["lang"] = st.session_state["language_picker"]


def language_picker() -> None:
    """The language choice at the top of the sidebar, each language in its own name."""
    st.session_state["language_picker"] = i18n.current()
    st.selectbox(
        _("Language"), list(i18n.LANGUAGES), format_func=i18n.LANGUAGES.get, key="language_picker",
        on_change=_choose_language,
    )


# Right to left for the whole page (main area, sidebar, tables, forms), in a font that shapes
# Persian well (Vazirmatn when the reader has it, else Noto or Tahoma); Material icons keep theirs.
RTL_CSS = """
<style>
.stApp, [data-testid="stSidebar"], [data-testid="stMain"], [data-testid="stMarkdownContainer"],
[data-testid="stWidgetLabel"], [data-testid="stForm"], [data-testid="stExpander"], [data-testid="stTable"],
[data-testid="stMetric"], [data-testid="stAlert"], [data-testid="stCaptionContainer"] { direction: rtl; text-align: right; }
/* the app's flex row then runs right to left by itself: the sidebar stands on the right */
/* each value laid out in its own direction: a Latin organisation name in a Persian form starts at
   the left and is cut at its end, not at its beginning */
[data-testid="stSelectbox"] input, [data-testid="stTextInput"] input, [data-testid="stTextArea"] textarea,
[data-testid="stMarkdownContainer"] p, [data-testid="stWidgetLabel"] p { unicode-bidi: plaintext; text-align: start; }
.stApp, .stApp p, .stApp li, .stApp label, .stApp h1, .stApp h2, .stApp h3, .stApp h4, .stApp button,
.stApp input, .stApp textarea, .stApp [data-baseweb="select"] {
  font-family: "Vazirmatn", "Noto Sans Arabic", "Noto Naskh Arabic", "Tahoma", sans-serif;
}
[data-testid="stIconMaterial"] { font-family: "Material Symbols Rounded" !important; }
/* charts lay themselves out (charts/direction.py): an inherited 'rtl' would turn plotly's SVG text
   anchors around and push titles and labels out of their box */
.js-plotly-plot, .js-plotly-plot * { direction: ltr; }
/* a folded sidebar slides out of sight to the right, where it stands (Streamlit moves it left) */
[data-testid="stSidebar"][data-collapsed="true"] { transform: translateX(300px) !important; }
[data-testid="stMarkdownContainer"] ul, [data-testid="stMarkdownContainer"] ol { padding-right: 1.2em; padding-left: 0; }
</style><span></span>
"""
