"""Charts read right to left (Persian): one rule for the app and the report."""

from __future__ import annotations

import plotly.graph_objects as go

from cxmaturity import i18n

# Noto's Arabic-script faces shape Persian (Debian fonts-noto-core; Vazirmatn where installed)
RTL_FONT = "Vazirmatn, Noto Sans Arabic, Noto Naskh Arabic, Tahoma, sans-serif"


def for_reading_direction(fig: go.Figure) -> go.Figure:
    """In a right-to-left language, a copy of the chart where horizontal bars grow leftwards from a
    value axis on the right, category labels stand on the right, legends sit on the right and the
    text is in a font that shapes Persian. Left to right: the chart itself, untouched."""
    if not i18n.is_rtl():
        return fig
    fig = go.Figure(fig)  # a copy: a cached figure is shared by every run in this language
    if any(getattr(t, "orientation", None) == "h" for t in fig.data if t.type == "bar"):
        for axis in fig.select_xaxes():
            if axis.range is not None:
                axis.range = tuple(reversed(axis.range))
            else:
                axis.autorange = "reversed"
        fig.update_yaxes(side="right")
    fig.update_layout(legend={"x": 1, "xanchor": "right"}, font_family=RTL_FONT)
    return fig
