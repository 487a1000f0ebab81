"""The change of each competency between two waves, coloured only when it is real."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import plotly.graph_objects as go

from cxmaturity.charts.style import (
    PALETTE,
    SMALL_FONT_SIZE,
    _axis,
    _empty,
    _fmt,
    _get,
    _num,
    _number,
    _style,
    _verdict,
    plain_text,
)
from cxmaturity.i18n import _

# --- 7. change ---------------------------------------------------------------------------

_VERDICT_COLOURS = {"improved": PALETTE["improve"], "declined": PALETTE["decline"]}


def build_change_figure(changes: Sequence[dict | Any], title: str | None = None) -> go.Figure:
    """Change per competency since the previous assessment, as horizontal bars.

    ``changes``: dicts (or ``CompetencyChange`` objects) with name, delta, p_value, verdict and
    cohens_d. Only a clear change (verdict "improved"/"declined") is coloured, blue or
    red; "no clear change" is grey, whatever the size of the delta.
    """
    title = title or _("What changed since the previous assessment")
    names: list[str] = []
    deltas: list[float | None] = []
    colours: list[str] = []
    texts: list[str] = []
    hover: list[str] = []
    for ch in changes:
        name = plain_text(_get(ch, "name"))
        while name in names:
            name += " "
        delta = _num(_get(ch, "delta"))
        p = _num(_get(ch, "p_value"))
        d = _num(_get(ch, "cohens_d"))
        verdict = str(_get(ch, "verdict") or "no clear change").strip().lower()
        names.append(name)
        deltas.append(delta)
        colours.append(_VERDICT_COLOURS.get(verdict, PALETTE["neutral"]))
        texts.append(_fmt(delta, 2, signed=True) if delta is not None else _("not comparable"))
        p_text = (
            _("n/a") if p is None else (f"< {_number(0.001, 3)}" if p < 0.001 else _number(p, 3))
        )
        hover.append(
            "<br>".join(
                [
                    f"<b>{name}</b>",
                    _("Change: {change}").format(change=_fmt(delta, 2, signed=True)),
                    _("Verdict: {verdict}").format(verdict=plain_text(_verdict(verdict))),
                    _("p = {p}").format(p=p_text),
                    _("Cohen's d = {d}").format(d=_fmt(d, 2)),
                ]
            )
        )
    fig = go.Figure()
    if not names:
        _style(fig, title, legend=False, height=320)
        return _empty(fig, _("Needs two assessments to show change"))
    fig.add_trace(
        go.Bar(
            x=deltas,
            y=names,
            orientation="h",
            marker={"color": colours, "line": {"width": 0}},
            text=texts,
            textposition="outside",
            textfont={"size": SMALL_FONT_SIZE},
            cliponaxis=False,
            hovertext=hover,
            hovertemplate="%{hovertext}<extra></extra>",
            name=_("Change"),
            showlegend=False,
        )
    )
    biggest = max([abs(v) for v in deltas if v is not None] + [0.25])
    fig.add_vline(x=0, line={"color": PALETTE["text"], "width": 1})
    _style(
        fig,
        title,
        subtitle=_("Blue: improved · red: declined · grey: no clear change"),
        legend=False,
        height=max(300, 170 + 40 * len(names)),
    )
    fig.update_layout(
        xaxis=_axis(
            title=_("Change in score"),
            range=[-biggest * 1.35, biggest * 1.35],
            showgrid=True,
            tickformat=".1f",
        ),
        yaxis=_axis(title="", autorange="reversed", showgrid=False),
        bargap=0.35,
    )
    return fig
