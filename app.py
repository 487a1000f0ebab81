"""CX Maturity Dashboard: page config, sidebar selectors and navigation over pages/."""

import streamlit as st

import ui

st.set_page_config(page_title="CX Maturity Dashboard", page_icon=":material/insights:", layout="wide")

ui.prepare_database()
ui.sidebar_selectors()

pages = {
    "Dashboard": [
        st.Page("pages/overview.py", title="Overview", icon=":material/dashboard:", default=True),
        st.Page("pages/competencies.py", title="Competencies", icon=":material/radar:"),
        st.Page("pages/benchmarks.py", title="Benchmarks & peers", icon=":material/leaderboard:"),
        st.Page("pages/progress.py", title="Progress", icon=":material/trending_up:"),
    ],
    "Data": [
        st.Page("pages/upload.py", title="Upload", icon=":material/upload_file:"),
        st.Page("pages/models.py", title="Models & sources", icon=":material/menu_book:"),
    ],
}
navigation = st.navigation(pages)
deep_link = ui.app_ran()
if deep_link is not None:
    st.switch_page(deep_link)
navigation.run()
