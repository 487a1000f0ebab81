"""Charts in a right-to-left language: horizontal bars grow leftwards from a value axis on the
right, legends on the right, and numeric ticks written with Persian digits; left-to-right
languages get the figure untouched."""

from __future__ import annotations

import plotly.graph_objects as go

from cxmaturity import i18n
from cxmaturity.charts.direction import for_reading_direction


def _bars() -> go.Figure:
    fig = go.Figure(go.Bar(x=[20, 55], y=["Vision", "Strategy"], orientation="h", name="This assessment"))
    fig.update_xaxes(range=[0, 100], ticksuffix="%")
    fig.add_trace(go.Scatterpolar(r=[2.5, 3], theta=["a", "b"]))
    fig.update_polars(radialaxis={"range": [1, 5], "dtick": 1})
    return fig


def test_persian_bars_run_right_to_left_with_persian_ticks():
    original = _bars()
    with i18n.language("fa"):
        fig = for_reading_direction(original)
    assert tuple(fig.layout.xaxis.range) == (100, 0)  # zero on the right
    assert fig.layout.yaxis.side == "right" and fig.layout.legend.xanchor == "right"
    assert list(fig.layout.xaxis.ticktext) == ["۰٪", "۲۰٪", "۴۰٪", "۶۰٪", "۸۰٪", "۱۰۰٪"]
    assert list(fig.layout.polar.radialaxis.ticktext) == ["۱", "۲", "۳", "۴", "۵"]
    # the cached figure a page holds is never changed: every run gets its own copy
    assert tuple(original.layout.xaxis.range) == (0, 100) and original.layout.xaxis.ticktext is None


def test_left_to_right_languages_keep_the_figure():
    original = _bars()
    for lang in ("en", "tr", "ru"):
        with i18n.language(lang):
            assert for_reading_direction(original) is original
