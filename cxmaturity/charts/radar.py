"""The radar: maturity by competency, this assessment against others."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import plotly.graph_objects as go

from cxmaturity import i18n
from cxmaturity.charts.style import (
    FONT_SIZE,
    MAX_RADAR_SERIES,
    PALETTE,
    SMALL_FONT_SIZE,
    SeriesKind,
    _int,
    _integer,
    _level_of,
    _num,
    _number,
    _rgba,
    _scale_range,
    _style,
    _wrap,
    level_short,
    level_ticks,
    plain_text,
)
from cxmaturity.i18n import _
from cxmaturity.models import MaturityModel

# --- 1. radar ----------------------------------------------------------------------------

_RADAR_STYLE: dict[str, dict[str, Any]] = {
    "current": {
        "color": PALETTE["current"],
        "width": 3,
        "dash": "solid",
        "fill": True,
        "marker": 8,
    },
    "previous": {
        "color": PALETTE["previous"],
        "width": 2.5,
        "dash": "dot",
        "fill": False,
        "marker": 6,
    },
    "target": {
        "color": PALETTE["target"],
        "width": 2.5,
        "dash": "dash",
        "fill": False,
        "marker": 6,
    },
    "peer": {"color": PALETTE["peer"], "width": 1.5, "dash": "solid", "fill": False, "marker": 5},
}

RADAR_FILL_OPACITY = 0.35


@dataclass
class RadarSeries:
    """One polygon on the radar: scores by competency id (answer scale; None = no score)."""

    name: str
    scores: dict[str, float | None]
    kind: SeriesKind
    n: dict[str, int] | None = None


def build_radar_figure(model: MaturityModel, series: list[RadarSeries], title: str) -> go.Figure:
    """Radar of competency scores: current filled blue, previous dotted grey, target dashed
    orange, peer median thin green. At most 4 series (ValueError beyond).

    Competencies in model order, the polygon closed by repeating the first point; a missing
    score leaves a gap. The radial axis is the answer scale with rings at the level bands'
    lower bounds, labelled ``L1 Initial`` ...
    """
    if len(series) > MAX_RADAR_SERIES:
        raise ValueError(
            f"a radar shows at most {MAX_RADAR_SERIES} series (got {len(series)}); more is unreadable"
        )
    comps = model.competencies
    # names wrap onto short lines, so the labels around the circle stay inside a phone's width
    # (Persian, Turkish and Russian names run longer and wider: shorter lines there)
    theta = [_wrap(c.name, 14 if i18n.current() == i18n.SOURCE_LANGUAGE else 10) for c in comps]
    theta_closed = [*theta, theta[0]]
    fig = go.Figure()
    for s in series:
        if s.kind not in _RADAR_STYLE:
            raise ValueError(f"unknown series kind {s.kind!r}; use one of {sorted(_RADAR_STYLE)}")
        style = _RADAR_STYLE[s.kind]
        name = plain_text(s.name)
        r: list[float | None] = []
        hover: list[str] = []
        for comp in comps:
            score = _num(s.scores.get(comp.id))
            r.append(score)
            lines = [f"<b>{plain_text(comp.name)}</b>", name]  # the hover names it in full
            if score is None:
                lines.append(_("No score"))
            else:
                lines.append(_("Score: {score}").format(score=_number(score)))
                lines.append(_("Level: {level}").format(level=_level_of(model, score)))
            n = _int(s.n.get(comp.id)) if s.n else None
            if n is not None:
                lines.append(_("n = {n}").format(n=_integer(n)))
            hover.append("<br>".join(lines))
        r.append(r[0])
        hover.append(hover[0])
        trace: dict[str, Any] = {
            "r": r,
            "theta": theta_closed,
            "name": name,
            "mode": "lines+markers",
            "line": {"color": style["color"], "width": style["width"], "dash": style["dash"]},
            "marker": {"color": style["color"], "size": style["marker"]},
            "hovertext": hover,
            "hovertemplate": "%{hovertext}<extra></extra>",
            "connectgaps": False,
        }
        if style["fill"]:
            trace["fill"] = "toself"
            trace["fillcolor"] = _rgba(style["color"], RADAR_FILL_OPACITY)
        fig.add_trace(go.Scatterpolar(**trace))

    tickvals, _names = level_ticks(model)
    # rings close to the centre are too tight for names: "L2" on the ring, the name in the hover
    ticktext = [level_short(lv.number) for lv in model.levels]
    n_comp = len(comps)
    _style(fig, title, height=600, margin={"l": 70, "r": 70, "t": 90, "b": 40})
    fig.update_layout(
        polar={
            "bgcolor": PALETTE["background"],
            "radialaxis": {
                "range": _scale_range(model),
                "tickvals": tickvals,
                "ticktext": ticktext,
                "tickfont": {"size": SMALL_FONT_SIZE, "color": PALETTE["muted_text"]},
                "gridcolor": PALETTE["grid"],
                "linecolor": PALETTE["grid"],
                "showline": False,
                # between the last and the first spoke, so tick labels sit on no data line
                "angle": 90 + 180 / n_comp,
                "tickangle": 90,  # upright labels, perpendicular to the axis (checked in a browser)
            },
            "angularaxis": {
                "rotation": 90,
                "direction": "clockwise",
                "tickfont": {"size": FONT_SIZE},
                "gridcolor": PALETTE["grid"],
                "linecolor": PALETTE["grid"],
            },
        },
    )
    return fig
