"""The formatter as views, pages, the CLI and the report import it (cxmaturity/formatting.py is the
one implementation; it sits low enough for charts and benchmark sentences to use it too)."""

from cxmaturity.formatting import (  # noqa: F401  (re-exported)
    MISSING,
    and_list,
    assessment_label,
    day,
    digits,
    integer,
    month,
    month_long,
    number,
    p_value,
    percent,
    sep,
    short_day,
    verdict,
)
