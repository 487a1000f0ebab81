"""Item bars: which practices pull a competency down."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from cxmaturity.charts.style import (
    PALETTE,
    SMALL_FONT_SIZE,
    _axis,
    _competency_name,
    _empty,
    _int,
    _integer,
    _level_of,
    _note_below,
    _num,
    _number,
    _scale_range,
    _style,
    _wrap,
    plain_text,
)
from cxmaturity.i18n import _
from cxmaturity.models import MaturityModel
from cxmaturity.rules import PULLING_DOWN_MARGIN

# --- 4. item bars ------------------------------------------------------------------------


def build_item_bars_figure(
    items: pd.DataFrame,
    model: MaturityModel,
    competency_id: str,
    competency_mean: float | None = None,
    title: str | None = None,
) -> go.Figure:
    """Item means of one competency as horizontal bars, weakest on top.

    ``items``: ``scoring.item_statistics`` (competency, competency_name, item, text, mean, n).
    Bars below the competency mean (``competency_mean``, default the mean of the item means)
    are red, the others blue; a dashed line marks that mean. Items nobody answered are
    listed in a note under the chart.
    """
    comp_name = _competency_name(model, competency_id)
    title = title or _("{competency}: which practices pull the score down (weakest first)").format(
        competency=comp_name
    )
    rows = items[items["competency"] == competency_id] if not items.empty else items
    answered = [(r, _num(r["mean"])) for _i, r in rows.iterrows()]
    unanswered = [r for r, m in answered if m is None]
    answered = sorted([(r, m) for r, m in answered if m is not None], key=lambda rm: rm[1])
    fig = go.Figure()
    if not answered:
        _style(fig, title, legend=False, height=360)
        return _empty(fig, _("No answers for this competency"))

    means = [m for _r, m in answered]
    threshold = _num(competency_mean)
    if threshold is None:
        threshold = sum(means) / len(means)
    labels: list[str] = []
    seen: set[str] = set()
    for r, _m in answered:
        label = _wrap(r.get("text") or r.get("item"), 34)
        if label in seen:  # categories must be unique or bars would merge
            label = f"{label} ({plain_text(r.get('item'))})"
        seen.add(label)
        labels.append(label)
    # red only for items clearly below the mean (rules.PULLING_DOWN_MARGIN): 3.0 against 3.10 is not
    colours = [
        PALETTE["decline"] if m < threshold - PULLING_DOWN_MARGIN else PALETTE["current"]
        for m in means
    ]
    hover = []
    for r, m in answered:
        n = _int(r.get("n"))
        lines = [
            _wrap(r.get("text") or r.get("item"), 80),
            _("Mean: {mean}").format(mean=_number(m)),
            _("Level: {level}").format(level=_level_of(model, m)),
        ]
        if n is not None:
            lines.append(_("n = {n}").format(n=_integer(n)))
        hover.append("<br>".join(lines))
    fig.add_trace(
        go.Bar(
            x=means,
            y=labels,
            orientation="h",
            marker={"color": colours, "line": {"width": 0}},
            text=[_number(m, 1) for m in means],
            textposition="auto",
            textfont={"size": SMALL_FONT_SIZE},
            hovertext=hover,
            hovertemplate="%{hovertext}<extra></extra>",
            name=_("Item mean"),
            showlegend=False,
        )
    )
    fig.add_vline(
        x=threshold,
        line={"dash": "dash", "color": PALETTE["text"], "width": 1.5},
        annotation={
            "text": _("Competency mean {mean}").format(mean=_number(threshold)),
            "font": {"size": SMALL_FONT_SIZE, "color": PALETTE["text"]},
            "yanchor": "bottom",
        },
        annotation_position="top",
    )
    n_lines = sum(label.count("<br>") + 1 for label in labels)
    bottom = 50
    if unanswered:
        note = _("No answers yet: {items}").format(
            items="; ".join(str(r.get("text") or r.get("item")) for r in unanswered)
        )
        bottom += 20 * _note_below(fig, note, -40)
    _style(
        fig,
        title,
        subtitle=_("Red: clearly below the competency mean"),
        legend=False,
        height=max(300, 150 + 22 * n_lines + 16 * len(labels) + bottom),
        margin={"b": bottom},
    )
    fig.update_layout(
        xaxis=_axis(title=_("Mean score"), range=_scale_range(model), showgrid=True),
        yaxis=_axis(title="", autorange="reversed", showgrid=False),
        bargap=0.3,
    )
    return fig
