"""Targets against actual levels."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import plotly.graph_objects as go

from cxmaturity.charts.style import (
    PALETTE,
    _axis,
    _empty,
    _get,
    _int,
    _integer,
    _style,
    level_label,
    level_short,
    plain_text,
)
from cxmaturity.i18n import _, ngettext
from cxmaturity.models import MaturityModel

# --- 8. targets --------------------------------------------------------------------------


def build_targets_figure(
    targets: Iterable[dict | Any],
    model: MaturityModel | None = None,
    title: str | None = None,
) -> go.Figure:
    """Target level against actual level per competency (dumbbell: grey line, blue dot for
    today, orange diamond for the target).

    ``targets``: dicts (or ``TargetStatus`` objects) with competency_name, horizon_months,
    target_level and actual_level (None = not scored). With ``model`` the axis is labelled
    ``L1 Initial`` ...
    """
    title = title or _("Where each competency stands against its target level")
    rows = list(targets)
    fig = go.Figure()
    if not rows:
        _style(fig, title, legend=False, height=320)
        return _empty(fig, _("No targets set yet"))
    labels: list[str] = []
    actual: list[int | None] = []
    target: list[int | None] = []
    line_x: list[float | None] = []
    line_y: list[str | None] = []
    hover_a: list[str] = []
    hover_t: list[str] = []

    def _lvl(number: int | None) -> str:
        if number is None:
            return _("not scored")
        if model is not None and 1 <= number <= len(model.levels):
            return level_label(model.level(number))
        return level_short(number)

    for row in rows:
        horizon = _int(_get(row, "horizon_months"))
        label = plain_text(_get(row, "competency_name") or _get(row, "competency"))
        if horizon is not None:
            label = ngettext(
                "{competency} ({n} month)", "{competency} ({n} months)", horizon
            ).format(competency=label, n=_integer(horizon))
        while label in labels:
            label += " "
        a = _int(_get(row, "actual_level"))
        t = _int(_get(row, "target_level"))
        labels.append(label)
        actual.append(a)
        target.append(t)
        if a is not None and t is not None:
            line_x += [a, t, None]
            line_y += [label, label, None]
        gap = t - a if a is not None and t is not None else None
        status = (
            _("target met")
            if gap is not None and gap <= 0
            else (_("{gap} level(s) to go").format(gap=_integer(gap)) if gap is not None else "")
        )
        hover_a.append(f"<b>{label}</b><br>" + _("Today: {level}").format(level=_lvl(a)))
        hover_t.append(
            f"<b>{label}</b><br>"
            + _("Target: {level}").format(level=_lvl(t))
            + (f"<br>{status}" if status else "")
        )

    fig.add_trace(
        go.Scatter(
            x=line_x,
            y=line_y,
            mode="lines",
            line={"color": PALETTE["neutral"], "width": 4},
            hoverinfo="skip",
            showlegend=False,
            name="gap",
        )
    )
    fig.add_trace(
        go.Scatter(
            x=actual,
            y=labels,
            mode="markers",
            name=_("Today"),
            marker={"color": PALETTE["current"], "size": 14, "symbol": "circle"},
            hovertext=hover_a,
            hovertemplate="%{hovertext}<extra></extra>",
            cliponaxis=False,
        )
    )
    fig.add_trace(
        go.Scatter(
            x=target,
            y=labels,
            mode="markers",
            name=_("Target"),
            marker={
                "color": PALETTE["target"],
                "size": 15,
                "symbol": "diamond",
                "line": {"color": "white", "width": 1},
            },
            hovertext=hover_t,
            hovertemplate="%{hovertext}<extra></extra>",
            cliponaxis=False,
        )
    )
    if model is not None:
        n_levels = len(model.levels)
        tickvals = list(range(1, n_levels + 1))
        ticktext = [level_label(lv) for lv in model.levels]
    else:
        n_levels = max([v for v in actual + target if v is not None] + [1])
        tickvals = list(range(1, n_levels + 1))
        ticktext = [level_short(v) for v in tickvals]
    _style(fig, title, height=max(300, 170 + 40 * len(labels)))
    fig.update_layout(
        xaxis=_axis(
            title=_("Level"),
            range=[0.6, n_levels + 0.4],
            tickvals=tickvals,
            ticktext=ticktext,
            showgrid=True,
        ),
        yaxis=_axis(title="", autorange="reversed", showgrid=False, type="category"),
    )
    return fig
