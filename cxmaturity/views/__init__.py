"""What each page shows, as typed objects built from services (no Streamlit here).

A page reads the selection, calls one function of its view module and renders the result;
the ``build_*`` functions are pure (model + scores in, view out) and tested without a database.
"""
