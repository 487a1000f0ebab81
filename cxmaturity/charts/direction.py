"""Charts read right to left (Persian): one rule for the app and the report."""

from __future__ import annotations

import math

import plotly.graph_objects as go

from cxmaturity import formatting, i18n

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
    # vertical bars over ordered categories (levels, departments) read from the right too
    if any(t.type == "bar" and getattr(t, "orientation", None) in (None, "v") for t in fig.data):
        for axis in fig.select_xaxes():
            if axis.type in (None, "-", "category") and axis.range is None:
                axis.autorange = "reversed"
        fig.update_yaxes(side="right")
    fig.update_layout(legend={"x": 1, "xanchor": "right"}, font_family=RTL_FONT)
    if fig.layout.title.text:  # Arabic-script lines stand taller: room for each line of the title
        lines = str(fig.layout.title.text).count("<br>") + 1
        fig.update_layout(margin_t=(fig.layout.margin.t if fig.layout.margin.t is not None else 80) + 10 * lines)
        if lines > 1:  # plotly measures the lines in Latin metrics: the first would rise out of the box
            pad = fig.layout.title.pad.t or 0
            fig.update_layout(title_pad_t=pad + 10 * (lines - 1))
    if i18n.current() == "fa":
        for axis in [*fig.select_xaxes(), *fig.select_yaxes(), *(p.radialaxis for p in fig.select_polars())]:
            _written_ticks(axis)
    return fig


def _nice_step(span: float) -> float:
    """About five ticks over the span, on 1, 2 or 5 times a power of ten (as plotly picks them)."""
    raw = span / 5 if span > 0 else 1
    power = 10 ** math.floor(math.log10(raw))
    return next(m * power for m in (1, 2, 5, 10) if m * power >= raw)


def _written_ticks(axis) -> None:
    """Tick labels of a numeric axis with a known range, written by the formatter (Persian digits):
    plotly would draw its own Latin digits. Category and date axes, and axes whose range plotly
    finds itself, keep plotly's labels."""
    if axis.ticktext is not None or axis.range is None or axis.type not in (None, "-", "linear"):
        return
    try:
        lo, hi = sorted(float(v) for v in axis.range)
    except (TypeError, ValueError):
        return
    if axis.tickvals is not None:
        values = [float(v) for v in axis.tickvals]
    else:
        step = float(axis.dtick) if isinstance(axis.dtick, int | float) else _nice_step(hi - lo)
        first = math.ceil(lo / step - 1e-9) * step
        values = [round(first + k * step, 10) for k in range(int((hi - first) / step + 1e-9) + 1)]
    as_share = str(axis.tickformat or "").endswith("%")
    as_percent = (axis.ticksuffix or "") == "%"
    decimals = 0 if all(float(v * (100 if as_share else 1)).is_integer() for v in values) else 1
    if as_share:
        labels = [formatting.percent(v, decimals) for v in values]
    elif as_percent:
        labels = [formatting.percent(v / 100, decimals) for v in values]
        axis.ticksuffix = None
    else:
        labels = [formatting.number(v, decimals) for v in values]
    axis.tickvals, axis.ticktext = values, labels
