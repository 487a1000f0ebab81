"""CX Maturity Dashboard entry point (placeholder until the dashboard pages land)."""

import streamlit as st

st.set_page_config(page_title="CX Maturity Dashboard", page_icon="📊", layout="wide")
home = st.Page("pages/overview.py", title="Overview", icon="🏠", default=True)
st.navigation([home]).run()
