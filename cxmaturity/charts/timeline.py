"""The trend of scores across waves."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from cxmaturity.charts.style import (
    DASHES,
    OVERALL_ID,
    PALETTE,
    QUALITATIVE,
    SMALL_FONT_SIZE,
    _axis,
    _competency_name,
    _empty,
    _int,
    _integer,
    _is_missing,
    _level_bounds,
    _level_of,
    _month,
    _num,
    _number,
    _rgba,
    _scale_range,
    _short_day,
    _style,
    level_label,
    level_text,
    plain_text,
)
from cxmaturity.i18n import _
from cxmaturity.models import MaturityModel

# --- 3. timeline -------------------------------------------------------------------------


def _series_style(i: int) -> tuple[str, str]:
    """Colour and dash of the i-th of many series: 8 colours, then again with dashes."""
    return QUALITATIVE[i % len(QUALITATIVE)], DASHES[(i // len(QUALITATIVE)) % len(DASHES)]


def _ci_polygon(
    dates: list, lows: list[float | None], highs: list[float | None]
) -> tuple[list, list]:
    """Closed outlines of the CI band, one per run of dates with a CI, separated by None gaps.

    ``fill="toself"`` fills each segment separately, so a wave without a CI is not bridged.
    """
    runs: list[list[int]] = []
    current: list[int] = []
    for i, (lo, hi) in enumerate(zip(lows, highs, strict=True)):
        if lo is not None and hi is not None:
            current.append(i)
        elif current:
            runs.append(current)
            current = []
    if current:
        runs.append(current)
    xs: list = []
    ys: list = []
    for run in runs:
        if xs:
            xs.append(None)
            ys.append(None)
        xs.extend([dates[i] for i in run] + [dates[i] for i in reversed(run)] + [dates[run[0]]])
        ys.extend([highs[i] for i in run] + [lows[i] for i in reversed(run)] + [highs[run[0]]])
    return xs, ys


def build_timeline_figure(
    timeline: pd.DataFrame,
    model: MaturityModel,
    competencies: list[str] | None = None,
    title: str | None = None,
    bands: bool | None = None,
) -> go.Figure:
    """Scores over time, one line per competency with its 95% CI as a translucent band.

    ``bands``: draw the confidence bands; default only while at most two lines are shown
    (more bands hide each other).

    ``timeline``: columns assessment_id, date, label, competency, competency_name, score,
    ci_low, ci_high, n, level (``cxmaturity.compare.competency_timeline``). ``competencies``:
    ids to show, in that order; default every competency in the table in model order, with the
    ``overall`` row (if any) first as a thick black line. Dotted lines mark the level band
    boundaries, with level names at the right.
    """
    fig = go.Figure()
    y_range = _scale_range(model)
    title = title or _("Competency scores over time, with confidence bands (95%)")
    frame = timeline.copy() if timeline is not None else pd.DataFrame()
    if frame.empty or "competency" not in frame.columns:
        _style(fig, title, legend=False, height=420)
        return _empty(fig, _("No assessments yet"))
    frame["date"] = pd.to_datetime(frame["date"])
    present = list(dict.fromkeys(frame["competency"].tolist()))
    if competencies is None:
        model_order = [c.id for c in model.competencies if c.id in present]
        extra = [c for c in present if c not in model_order and c != OVERALL_ID]
        ids = ([OVERALL_ID] if OVERALL_ID in present else []) + model_order + extra
    else:
        ids = [c for c in competencies if c in present]

    if bands is None:
        bands = len(ids) <= 2
    colour_index = 0
    for cid in ids:
        rows = frame[frame["competency"] == cid].sort_values("date", kind="mergesort")
        is_overall = cid == OVERALL_ID
        if is_overall:
            colour, dash, width = PALETTE["overall"], "solid", 4
        else:
            colour, dash = _series_style(colour_index)
            width = 2.5
            colour_index += 1
        names = [
            v
            for v in rows.get("competency_name", pd.Series(dtype=object)).tolist()
            if not _is_missing(v)
        ]
        raw_name = (
            names[0] if names else (_("Overall") if is_overall else _competency_name(model, cid))
        )
        name = plain_text(raw_name)
        dates = rows["date"].tolist()
        scores = [_num(v) for v in rows["score"].tolist()]
        lows = (
            [_num(v) for v in rows["ci_low"].tolist()] if "ci_low" in rows else [None] * len(rows)
        )
        highs = (
            [_num(v) for v in rows["ci_high"].tolist()] if "ci_high" in rows else [None] * len(rows)
        )
        ns = [_int(v) for v in rows["n"].tolist()] if "n" in rows else [None] * len(rows)
        labels = rows["label"].tolist() if "label" in rows else [None] * len(rows)

        xs, ys = _ci_polygon(dates, lows, highs) if bands else ([], [])
        if xs:
            fig.add_trace(
                go.Scatter(
                    x=xs,
                    y=ys,
                    fill="toself",
                    fillcolor=_rgba(colour, 0.15),
                    line={"width": 0, "color": colour},
                    mode="lines",
                    hoverinfo="skip",
                    showlegend=False,
                    legendgroup=cid,
                    name=_("{name}: 95% CI").format(name=name),
                    meta={"role": "ci_band", "competency": cid},
                )
            )
        hover = []
        for d, label, score, lo, hi, n in zip(dates, labels, scores, lows, highs, ns, strict=True):
            when = _short_day(d) if not _is_missing(d) else ""
            head = f"{plain_text(label)} ({when})" if not _is_missing(label) and label else when
            lines = [f"<b>{name}</b>", head]
            if score is None:
                lines.append(_("No score"))
            else:
                if lo is not None and hi is not None:
                    lines.append(
                        _("Score: {score} (95% CI {low}–{high})").format(
                            score=_number(score), low=_number(lo), high=_number(hi)
                        )
                    )
                else:
                    lines.append(_("Score: {score}").format(score=_number(score)))
                lines.append(_("Level: {level}").format(level=_level_of(model, score)))
            if n is not None:
                lines.append(_("n = {n}").format(n=_integer(n)))
            hover.append("<br>".join(lines))
        fig.add_trace(
            go.Scatter(
                x=dates,
                y=scores,
                mode="lines+markers",
                name=name,
                legendgroup=cid,
                line={"color": colour, "width": width, "dash": dash},
                marker={"color": colour, "size": 9 if is_overall else 7},
                hovertext=hover,
                hovertemplate="%{hovertext}<extra></extra>",
                cliponaxis=False,
                connectgaps=False,
                meta={"role": "score", "competency": cid},
            )
        )

    for lv, lo, hi in _level_bounds(model):
        if lv.number > 1:
            fig.add_hline(y=lo, line={"dash": "dot", "color": "#8C8C8C", "width": 1}, layer="below")
        fig.add_annotation(
            text=level_label(lv),
            xref="paper",
            x=1,
            xanchor="left",
            xshift=8,
            yref="y",
            y=(lo + hi) / 2,
            showarrow=False,
            font={"size": SMALL_FONT_SIZE, "color": PALETTE["muted_text"]},
            align="left",
            name=f"level_{lv.number}",
        )
    right = max(len(level_text(lv)) for lv in model.levels) * 8 + 24
    _style(fig, title, height=480, margin={"r": min(right, 220), "l": 60})
    xaxis = _axis(title="", type="date", tickformat="%b %Y", showgrid=False)
    waves = frame[frame["competency"].isin(ids)].drop_duplicates("date").sort_values("date")
    if 0 < len(waves) <= 12:  # one tick per assessment, named by its label
        xaxis["tickvals"] = waves["date"].tolist()
        xaxis["ticktext"] = [
            f"{plain_text(lab)}<br>{_month(d)}" if not _is_missing(lab) and lab else _month(d)
            for d, lab in zip(
                waves["date"],
                waves["label"] if "label" in waves else [None] * len(waves),
                strict=True,
            )
        ]
    fig.update_layout(
        xaxis=xaxis,
        yaxis=_axis(title=_("Score"), range=y_range, showgrid=False),
        hovermode="closest",
    )
    return fig
