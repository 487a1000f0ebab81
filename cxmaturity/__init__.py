"""CX maturity dashboard: the domain (models, survey reading, scoring, storage, charts, CLI).

This package never imports streamlit; the UI lives in app.py and pages/.
"""

__version__ = "0.1.0"
