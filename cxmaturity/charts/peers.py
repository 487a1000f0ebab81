"""Where the organisation stands among anonymous peers."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from cxmaturity.charts.style import (
    PALETTE,
    _axis,
    _integer,
    _level_of,
    _num,
    _number,
    _rgba,
    _scale_range,
    _style,
    level_ticks,
    plain_text,
)
from cxmaturity.i18n import _, ngettext
from cxmaturity.models import MaturityModel

# --- 6. peers ----------------------------------------------------------------------------


def build_peer_box_figure(
    model: MaturityModel,
    peer_scores: pd.DataFrame,
    own_scores: dict[str, float | None],
    title: str | None = None,
) -> go.Figure:
    """Peer organisations' scores per competency (box + every peer as a dot) and this
    organisation as a blue diamond.

    ``peer_scores``: long table with columns ``competency`` and ``score`` (one row per peer
    and competency). Only those two columns are read, so peer names can never reach the chart.
    """
    title = title or _("How your scores compare with peer organisations")
    comps = model.competencies
    frame = (
        peer_scores[["competency", "score"]]
        if not peer_scores.empty
        else pd.DataFrame(columns=["competency", "score"])
    )
    counts = {
        c.id: int(
            pd.to_numeric(frame.loc[frame["competency"] == c.id, "score"], errors="coerce")
            .notna()
            .sum()
        )
        for c in comps
    }
    categories = {
        c.id: plain_text(c.name)
        + "<br>"
        + ngettext("({count} peer)", "({count} peers)", counts[c.id]).format(
            count=_integer(counts[c.id])
        )
        for c in comps
    }
    fig = go.Figure()
    xs: list[str] = []
    ys: list[float] = []
    for comp in comps:
        values = [_num(v) for v in frame.loc[frame["competency"] == comp.id, "score"].tolist()]
        for v in values:
            if v is not None:
                xs.append(categories[comp.id])
                ys.append(v)
    fig.add_trace(
        go.Box(
            x=xs,
            y=ys,
            name=_("Peer organisations"),
            boxpoints="all",
            jitter=0.35,
            pointpos=0,
            fillcolor=_rgba(PALETTE["peer"], 0.18),
            line={"color": PALETTE["peer"], "width": 1.5},
            marker={"color": PALETTE["peer"], "size": 6, "opacity": 0.7},
            hoveron="points",
            hovertemplate=_("Peer organisation")
            + "<br>"
            + _("Score: {score}").format(score="%{y:.2f}")
            + "<extra></extra>",
        )
    )
    own_x, own_y, own_hover = [], [], []
    for comp in comps:
        score = _num(own_scores.get(comp.id))
        if score is None:
            continue
        peers = [
            v
            for v in (_num(p) for p in frame.loc[frame["competency"] == comp.id, "score"].tolist())
            if v is not None
        ]
        lines = [
            "<b>" + _("Your organisation") + "</b>: " + plain_text(comp.name),
            _("Score: {score}").format(score=_number(score)),
            _("Level: {level}").format(level=_level_of(model, score)),
        ]
        if peers:
            below = sum(1 for p in peers if p < score)
            lines.append(
                ngettext(
                    "Higher than {below} of {count} peer",
                    "Higher than {below} of {count} peers",
                    len(peers),
                ).format(below=_integer(below), count=_integer(len(peers)))
            )
        own_x.append(categories[comp.id])
        own_y.append(score)
        own_hover.append("<br>".join(lines))
    fig.add_trace(
        go.Scatter(
            x=own_x,
            y=own_y,
            mode="markers",
            name=_("Your organisation"),
            marker={
                "symbol": "diamond",
                "size": 15,
                "color": PALETTE["current"],
                "line": {"color": "white", "width": 1.5},
            },
            hovertext=own_hover,
            hovertemplate="%{hovertext}<extra></extra>",
            cliponaxis=False,
        )
    )
    tickvals, ticktext = level_ticks(model)
    _style(fig, title, height=480, margin={"l": 60})
    fig.update_layout(
        xaxis=_axis(
            title="",
            type="category",
            categoryorder="array",
            categoryarray=[categories[c.id] for c in comps],
            showgrid=False,
        ),
        yaxis=_axis(title=_("Score"), range=_scale_range(model), showgrid=True),
        boxmode="overlay",
    )
    return fig
