"""The department heatmap, with suppressed groups shown as such."""

from __future__ import annotations

import plotly.graph_objects as go

from cxmaturity.charts.style import (
    FONT_SIZE,
    PALETTE,
    SEQUENTIAL,
    SMALL_FONT_SIZE,
    _axis,
    _empty,
    _integer,
    _level_of,
    _num,
    _number,
    _style,
    _wrap,
    level_ticks,
    plain_text,
)
from cxmaturity.i18n import _
from cxmaturity.models import MaturityModel
from cxmaturity.rules import MIN_GROUP_SIZE
from cxmaturity.scoring import GroupScore

# --- 5. department heatmap -----------------------------------------------------------------


def build_department_heatmap_figure(
    model: MaturityModel,
    groups: list[GroupScore],
    title: str | None = None,
) -> go.Figure:
    """Departments (rows, in the given order top to bottom) × competencies (model order).

    Colour is the score on the answer scale (sequential blues); cells show the score with one
    decimal. Suppressed groups are a grey row labelled ``Legal · hidden (n=3)``, ``hidden`` in every cell, drawn
    by a second heatmap trace, so they are never blank and never read as zero.
    """
    title = title or _("Scores by department (small groups suppressed for anonymity)")
    fig = go.Figure()
    if not groups:
        _style(fig, title, legend=False, height=360)
        return _empty(fig, _("No breakdown by department for this assessment"))
    comps = model.competencies
    # long competency names wrap onto short lines so neighbouring column labels never overlap
    x = [_wrap(c.name, 12) for c in comps]
    y: list[str] = []
    for g in groups:
        # the row label carries "suppressed (n=3)" so the narrow cells need only a short word
        label = (
            _("{department} · hidden (n={n})").format(
                department=plain_text(g.name), n=_integer(g.n)
            )
            if g.suppressed
            else plain_text(g.name)
        )
        while label in y:  # unique row labels
            label += " "
        y.append(label)

    z: list[list[float | None]] = []
    text: list[list[str]] = []
    hover: list[list[str]] = []
    z_sup: list[list[float | None]] = []
    text_sup: list[list[str]] = []
    hover_sup: list[list[str]] = []
    for g, label in zip(groups, y, strict=True):
        by_id = {c.id: c for c in (g.competencies or [])}
        row_z, row_t, row_h, sup_z, sup_t, sup_h = [], [], [], [], [], []
        for comp in comps:
            dept_line = f"<b>{label}</b>"
            comp_line = plain_text(comp.name)
            if g.suppressed:
                row_z.append(None)
                row_t.append("")
                row_h.append("")
                sup_z.append(1.0)
                sup_t.append(_("hidden"))
                sup_h.append(
                    f"{dept_line}<br>{comp_line}<br>"
                    + _wrap(
                        _(
                            "Hidden: fewer than {count} respondents, or hidden so that a smaller group's score "
                            "cannot be worked out from the total"
                        ).format(count=_integer(MIN_GROUP_SIZE)),
                        57,
                    )
                    + "<br>"
                    + _("n = {n}").format(n=_integer(g.n))
                )
                continue
            cs = by_id.get(comp.id)
            score = _num(cs.score) if cs is not None else None
            n = cs.n if cs is not None else 0
            row_z.append(score)
            row_t.append(_number(score, 1) if score is not None else _("no answers"))
            lines = [dept_line, comp_line]
            if score is None:
                lines.append(_("No answers"))
            else:
                lines += [
                    _("Score: {score}").format(score=_number(score)),
                    _("Level: {level}").format(level=_level_of(model, score)),
                ]
            lines.append(_("n = {n}").format(n=_integer(n)))
            row_h.append("<br>".join(lines))
            sup_z.append(None)
            sup_t.append("")
            sup_h.append("")
        z.append(row_z)
        text.append(row_t)
        hover.append(row_h)
        z_sup.append(sup_z)
        text_sup.append(sup_t)
        hover_sup.append(sup_h)

    tickvals, ticktext = level_ticks(model)
    fig.add_trace(
        go.Heatmap(
            z=z,
            x=x,
            y=y,
            text=text,
            texttemplate="%{text}",
            textfont={"size": FONT_SIZE},
            hovertext=hover,
            hovertemplate="%{hovertext}<extra></extra>",
            colorscale=SEQUENTIAL,
            zmin=float(model.scale.min),
            zmax=float(model.scale.max),
            xgap=2,
            ygap=2,
            name=_("Score"),
            colorbar={
                "title": {"text": _("Score"), "font": {"size": SMALL_FONT_SIZE}},
                "tickvals": tickvals,
                "ticktext": ticktext,
                "tickfont": {"size": SMALL_FONT_SIZE},
                "thickness": 14,
            },
        )
    )
    if any(g.suppressed for g in groups):
        fig.add_trace(
            go.Heatmap(
                z=z_sup,
                x=x,
                y=y,
                text=text_sup,
                texttemplate="%{text}",
                textfont={"size": SMALL_FONT_SIZE, "color": PALETTE["text"]},
                hovertext=hover_sup,
                hovertemplate="%{hovertext}<extra></extra>",
                colorscale=[[0, PALETTE["suppressed"]], [1, PALETTE["suppressed"]]],
                zmin=0,
                zmax=1,
                showscale=False,
                xgap=2,
                ygap=2,
                name=_("Suppressed"),
                meta={"role": "suppressed"},
            )
        )
    bottom = 40  # why rows are hidden is said in their hover and under the chart by the page
    label_lines = max(label.count("<br>") + 1 for label in x)
    _style(
        fig,
        title,
        legend=False,
        height=max(320, 170 + 16 * label_lines + 46 * len(groups) + bottom),
        margin={"l": 16, "t": 60 + 16 * label_lines, "b": bottom},
    )
    fig.update_layout(
        xaxis=_axis(title="", side="top", showgrid=False, tickangle=0),
        yaxis=_axis(title="", autorange="reversed", showgrid=False),
    )
    return fig
