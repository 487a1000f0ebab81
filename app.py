"""CX Maturity Dashboard: page config, sign-in, sidebar selectors and navigation over pages/."""

from pathlib import Path

import streamlit as st

# Until st.navigation below runs, Streamlit lists the pages/ folder's raw file names in the sidebar
# ("app, benchmarks, ..."): hidden from the first moment (before the imports and the first run's
# database preparation, a few seconds with the demo) until the real navigation is drawn.
_folder_navigation = st.empty()
if "_app_ran" not in st.session_state:  # a session's first run only: later reruns never blink
    # a <span> keeps the style in this placeholder (a style alone goes elsewhere and would stay)
    _folder_navigation.html('<style>[data-testid="stSidebarNav"] { display: none; }</style><span></span>')

import ui  # noqa: E402  (after the style above: the imports take a moment on a cold start)
from cxmaturity.errors import DatabaseUnavailable  # noqa: E402
from cxmaturity.i18n import _  # noqa: E402

# the icon is served by this app: a Material icon here would be fetched from an outside font server
ICON = str(Path(__file__).resolve().parent / "data" / "icon.png")
lang = ui.use_language()  # before any text: the page title, the spinner, the sign-in page
st.set_page_config(page_title=_("CX Maturity Dashboard"), page_icon=ICON, layout="wide")
ui.print_styles()

if st.query_params.get("wave"):
    # a survey link: the questionnaire and nothing else (no sign-in, no sidebar, no other page)
    try:
        ui.prepare_database()
        st.navigation([st.Page("pages/respond.py", title=_("Survey"), default=True)], position="hidden").run()
    except DatabaseUnavailable as exc:
        ui.database_problem(exc)
    st.stop()

try:
    ui.prepare_database()
    user = ui.require_sign_in()
    with st.sidebar:
        ui.language_picker()
    ui.sidebar_selectors()
except DatabaseUnavailable as exc:
    ui.database_problem(exc)

by_path: dict[str, st.Page] = {}


def page(path: str, title: str, icon: str, **kwargs) -> st.Page:
    by_path[path] = st.Page(path, title=title, icon=icon, **kwargs)
    return by_path[path]


dashboard_pages = [
    page("pages/overview.py", _("Overview"), ":material/dashboard:", default=True),
    page("pages/competencies.py", _("Competencies"), ":material/radar:"),
    page("pages/benchmarks.py", _("Benchmarks & peers"), ":material/leaderboard:"),
    page("pages/progress.py", _("Progress"), ":material/trending_up:"),
    page("pages/plan.py", _("Action plan"), ":material/checklist:"),
    page("pages/selftest.py", _("Self-test"), ":material/quiz:"),
]
# pages a role may not use are not registered at all (and the domain refuses them too)
data_pages = []
if user.may_upload:
    data_pages.append(page("pages/upload.py", _("Upload"), ":material/upload_file:"))
    data_pages.append(page("pages/waves.py", _("Survey waves"), ":material/forum:"))
    data_pages.append(page("pages/manage.py", _("Manage data"), ":material/inventory_2:"))
data_pages.append(page("pages/models.py", _("Models & sources"), ":material/menu_book:"))
if user.may_administer and ui.auth_mode() != "none":
    data_pages.append(page("pages/users.py", _("Users & audit log"), ":material/admin_panel_settings:"))

_folder_navigation.empty()
navigation = st.navigation({_("Dashboard"): dashboard_pages, _("Data"): data_pages})
deep_link = ui.app_ran()
if deep_link in by_path:
    st.switch_page(by_path[deep_link])
try:
    navigation.run()
except DatabaseUnavailable as exc:
    ui.database_problem(exc)
