import streamlit as st

st.title("CX Maturity Dashboard")
st.write("Score customer-experience maturity surveys with `cxmaturity score FILE --json`. The dashboard pages are on their way.")
