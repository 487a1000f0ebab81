"""Chart builders: functions that return plotly figures, for an executive audience.

No Streamlit here (design.md §7): pages call these builders and render the figure.

Conventions every builder follows, so charts look alike on every page:

- One colour-blind-safe palette (Okabe–Ito), with fixed roles in :data:`PALETTE`: the current
  assessment is always blue, the previous one grey, targets orange, the peer median green and
  a decline vermillion. Many competencies cycle through :data:`QUALITATIVE` and then dash styles.
- Titles say what the chart shows; hover text carries score, level and n.
- Fonts are at least 13 px; backgrounds are white; no gridline clutter beyond what reads values.
- **All text passed in is plain text.** Organisation, department, series and item names,
  titles, captions and model texts are escaped with :func:`plain_text` before they reach the
  figure, because plotly renders a subset of HTML (and ``%{...}`` templates, and ``$...$`` as
  LaTeX) in titles, hover text, tick labels and annotations. Callers pass raw strings and must
  not escape them themselves (that would show ``&amp;lt;``).
- Scores are on the model's answer scale (``scale.min``..``scale.max``) in every chart. For
  points models the level bands (on points) are projected back onto the answer scale.
"""

from __future__ import annotations

import html
import math
import textwrap
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Literal

import pandas as pd
import plotly.graph_objects as go

from cxmaturity.models import Level, MaturityModel
from cxmaturity.scoring import GroupScore

__all__ = [
    "PALETTE",
    "QUALITATIVE",
    "SEQUENTIAL",
    "PLOTLY_CONFIG",
    "RadarSeries",
    "plain_text",
    "level_label",
    "level_ticks",
    "build_radar_figure",
    "build_level_distribution_figure",
    "build_timeline_figure",
    "build_item_bars_figure",
    "build_department_heatmap_figure",
    "build_peer_box_figure",
    "build_change_figure",
    "build_targets_figure",
    "build_answer_distribution_figure",
]

# --- palette and style -------------------------------------------------------------------

#: Okabe–Ito colours with fixed roles; use these names on every page.
PALETTE: dict[str, str] = {
    "current": "#0072B2",  # blue: this organisation, the current assessment
    "previous": "#999999",  # grey: the previous assessment
    "target": "#E69F00",  # orange: targets
    "peer": "#009E73",  # bluish green: peer median / peer organisations
    "decline": "#D55E00",  # vermillion: declines, weak items
    "improve": "#0072B2",  # blue: improvements
    "neutral": "#BBBBBB",  # light grey: no clear change, context bars
    "suppressed": "#C8C8C8",  # grey: cells hidden for anonymity
    "overall": "#000000",  # black: overall score line
    "text": "#222222",
    "muted_text": "#555555",
    "grid": "#E6E6E6",
    "background": "#FFFFFF",
}

#: Okabe–Ito qualitative order for many series (black last; yellow late, it is faint on white).
QUALITATIVE: list[str] = [
    "#0072B2",
    "#E69F00",
    "#009E73",
    "#CC79A7",
    "#56B4E9",
    "#D55E00",
    "#F0E442",
    "#000000",
]

#: Dash styles used after the 8 colours are used up.
DASHES: list[str] = ["solid", "dash", "dot", "dashdot"]

#: Sequential blues (colour-blind safe, darker = higher), starting light but not white so a low
#: score never looks like an empty cell.
SEQUENTIAL: list[list[float | str]] = [
    [0.0, "#DEEBF7"],
    [0.25, "#9ECAE1"],
    [0.5, "#4292C6"],
    [0.75, "#2171B5"],
    [1.0, "#08306B"],
]

#: Suggested ``config`` for ``st.plotly_chart`` / ``fig.show`` (pages decide whether to use it).
PLOTLY_CONFIG: dict[str, Any] = {
    "displaylogo": False,
    "modeBarButtonsToRemove": ["select2d", "lasso2d", "autoScale2d", "toggleSpikelines"],
}

FONT_FAMILY = '"Source Sans Pro", "Source Sans 3", "Segoe UI", Roboto, Helvetica, Arial, sans-serif'
FONT_SIZE = 14
SMALL_FONT_SIZE = 13  # the smallest size used anywhere
TITLE_FONT_SIZE = 18

OVERALL_ID = "overall"  # the timeline's overall row (cxmaturity.compare.OVERALL_ID)

SeriesKind = Literal["current", "previous", "target", "peer"]
MAX_RADAR_SERIES = 4


# --- text helpers ------------------------------------------------------------------------


def plain_text(value: object) -> str:
    """``value`` as text plotly shows literally: no HTML, no ``%{...}`` templates, no LaTeX.

    Escapes ``&``, ``<`` and ``>`` as entities (plotly decodes entities back for display), and
    writes ``{`` after ``%`` and every ``$`` as numeric entities so hover templates and MathJax
    leave them alone. The text looks exactly as typed. ``None`` becomes ``""``.
    """
    if value is None:
        return ""
    text = html.escape(str(value), quote=False)
    return text.replace("%{", "%&#123;").replace("$", "&#36;")


def _wrap(text: object, width: int) -> str:
    """Plain text wrapped at ``width`` characters with ``<br>``; each line escaped after wrapping."""
    raw = "" if text is None else str(text)
    lines = textwrap.wrap(raw, width=width, break_long_words=False, break_on_hyphens=False) or [""]
    return "<br>".join(plain_text(line) for line in lines)


def _is_missing(value: object) -> bool:
    if value is None:
        return True
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def _num(value: object) -> float | None:
    """A finite float, or None for None/NaN/NA/inf."""
    if _is_missing(value):
        return None
    try:
        f = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None
    return f if math.isfinite(f) else None


def _int(value: object) -> int | None:
    f = _num(value)
    return None if f is None else int(round(f))


def _get(obj: object, key: str, default: object = None) -> object:
    """Field of a dict or attribute of a dataclass, so callers can pass either."""
    if isinstance(obj, dict):
        return obj.get(key, default)
    return getattr(obj, key, default)


def _fmt(value: float | None, digits: int = 2, signed: bool = False) -> str:
    if value is None:
        return "n/a"
    return f"{value:+.{digits}f}" if signed else f"{value:.{digits}f}"


def _rgba(hex_colour: str, alpha: float) -> str:
    h = hex_colour.lstrip("#")
    r, g, b = (int(h[i : i + 2], 16) for i in (0, 2, 4))
    return f"rgba({r},{g},{b},{alpha})"


# --- model helpers -----------------------------------------------------------------------


def level_label(level: Level | None) -> str:
    """Short level label, e.g. ``L3 Defined`` (escaped); ``""`` for no level."""
    if level is None:
        return ""
    return f"L{level.number} {plain_text(level.name)}"


def _to_answer_scale(model: MaturityModel, level_value: float) -> float:
    """A value on the level scale (points for points models) as a value on the answer scale."""
    if model.aggregate != "points":
        return float(level_value)
    span = model.scale.max - model.scale.min
    return model.scale.min + float(level_value) / float(model.points_max or 1) * span


def _level_bounds(model: MaturityModel) -> list[tuple[Level, float, float]]:
    """Each level with its band on the answer scale."""
    return [
        (lv, _to_answer_scale(model, lv.band[0]), _to_answer_scale(model, lv.band[1]))
        for lv in model.levels
    ]


def level_ticks(model: MaturityModel) -> tuple[list[float], list[str]]:
    """Tick values at each level's lower bound on the answer scale, and ``L1 Initial`` labels."""
    bounds = _level_bounds(model)
    return [round(lo, 6) for _, lo, _ in bounds], [level_label(lv) for lv, _, _ in bounds]


def _scale_range(model: MaturityModel) -> list[float]:
    return [float(model.scale.min), float(model.scale.max)]


def _level_of(model: MaturityModel, score: float | None) -> str:
    return level_label(model.level_for_competency(score)) if score is not None else ""


def _competency_name(model: MaturityModel, competency_id: str) -> str:
    try:
        return model.competency(competency_id).name
    except KeyError:
        return competency_id


# --- layout ------------------------------------------------------------------------------


def _style(
    fig: go.Figure,
    title: str,
    *,
    subtitle: str | None = None,
    height: int | None = None,
    legend: bool = True,
    margin: dict[str, int] | None = None,
) -> go.Figure:
    """The house style: white background, readable fonts, title top-left, legend above the plot."""
    top = 70 + (26 if subtitle else 0) + (34 if legend else 0)
    title_dict: dict[str, Any] = {
        "text": plain_text(title),
        "x": 0,
        "xanchor": "left",
        "xref": "container",
        "y": 0.98,
        "yanchor": "top",
        "yref": "container",
        "pad": {"l": 12, "t": 6},
        "font": {"size": TITLE_FONT_SIZE, "color": PALETTE["text"]},
    }
    if subtitle:
        title_dict["subtitle"] = {
            "text": plain_text(subtitle),
            "font": {"size": SMALL_FONT_SIZE, "color": PALETTE["muted_text"]},
        }
    m = {"l": 16, "r": 24, "t": top, "b": 40}
    m.update(margin or {})
    fig.update_layout(
        template="plotly_white",
        title=title_dict,
        font={"family": FONT_FAMILY, "size": FONT_SIZE, "color": PALETTE["text"]},
        paper_bgcolor=PALETTE["background"],
        plot_bgcolor=PALETTE["background"],
        colorway=QUALITATIVE,
        showlegend=legend,
        legend={
            "orientation": "h",
            "x": 0,
            "xanchor": "left",
            "y": 1.02,
            "yanchor": "bottom",
            "font": {"size": SMALL_FONT_SIZE},
            "bgcolor": "rgba(255,255,255,0)",
        },
        hoverlabel={
            "font": {"size": FONT_SIZE, "family": FONT_FAMILY},
            "bgcolor": "white",
            "align": "left",
        },
        margin=m,
    )
    if height is not None:
        fig.update_layout(height=height)
    return fig


def _axis(**kwargs: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "tickfont": {"size": SMALL_FONT_SIZE},
        "title": {"font": {"size": FONT_SIZE}},
        "gridcolor": PALETTE["grid"],
        "zeroline": False,
        "automargin": True,
    }
    for key, value in kwargs.items():
        if key == "title" and isinstance(value, str):
            base["title"] = {"text": plain_text(value), "font": {"size": FONT_SIZE}}
        else:
            base[key] = value
    return base


def _note_below(fig: go.Figure, text: str, yshift: int, name: str | None = None) -> int:
    """A small grey note under the plot area (sources, caveats); returns its number of lines."""
    html_text = _wrap(text, 110)
    fig.add_annotation(
        text=html_text,
        xref="paper",
        yref="paper",
        x=0,
        y=0,
        xanchor="left",
        yanchor="top",
        yshift=yshift,
        align="left",
        showarrow=False,
        font={"size": SMALL_FONT_SIZE, "color": PALETTE["muted_text"]},
        name=name,
    )
    return html_text.count("<br>") + 1


def _empty(fig: go.Figure, message: str) -> go.Figure:
    fig.add_annotation(
        text=plain_text(message),
        xref="paper",
        yref="paper",
        x=0.5,
        y=0.5,
        showarrow=False,
        font={"size": FONT_SIZE, "color": PALETTE["muted_text"]},
    )
    fig.update_xaxes(visible=False)
    fig.update_yaxes(visible=False)
    return fig


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
    theta = [plain_text(c.name) for c in comps]
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
            lines = [f"<b>{plain_text(comp.name)}</b>", name]
            if score is None:
                lines.append("No score")
            else:
                lines.append(f"Score: {score:.2f}")
                lines.append(f"Level: {_level_of(model, score)}")
            n = _int(s.n.get(comp.id)) if s.n else None
            if n is not None:
                lines.append(f"n = {n}")
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

    tickvals, ticktext = level_ticks(model)
    # rings close to the centre are too tight for names: "L2" on the ring, the name in the hover
    ticktext = [t.split(" ", 1)[0] for t in ticktext]
    n_comp = len(comps)
    _style(fig, title, height=560, margin={"l": 60, "r": 60, "b": 40})
    fig.update_layout(
        polar={
            "bgcolor": PALETTE["background"],
            "domain": {"x": [0, 1], "y": [0, 0.9]},  # room for the legend above the top label
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


# --- 2. benchmark distribution -------------------------------------------------------------


def build_level_distribution_figure(
    model: MaturityModel,
    figures: list[dict],
    current_level: int | None,
    caption: str,
    title: str | None = None,
) -> go.Figure:
    """Published distribution of companies over the levels, one bar per figure.

    ``figures``: dicts with ``label``, ``levels`` (level numbers), ``value`` (share 0..1),
    ``display`` (text on the bar, default the percentage) and optional ``source``. The bar whose
    levels include ``current_level`` is blue with a "You are here" marker, the others grey. The
    caption (the source) is written on the chart, under the axis.
    """
    labels: list[str] = []
    values: list[float] = []
    texts: list[str] = []
    colours: list[str] = []
    hover: list[str] = []
    here: int | None = None
    for i, fig_dict in enumerate(figures):
        value = _num(fig_dict.get("value"))
        if value is None or not 0 <= value <= 1:
            raise ValueError(
                f"figure {i} ({fig_dict.get('label')!r}): value must be a share between 0 and 1 (1% is 0.01), got {fig_dict.get('value')!r}"
            )
        levels = [int(lv) for lv in fig_dict.get("levels") or []]
        pct = round(value * 100, 6)
        label = plain_text(fig_dict.get("label") or ", ".join(f"L{lv}" for lv in levels))
        display = fig_dict.get("display")
        display_text = plain_text(display) if display else f"{pct:g}%"
        is_here = here is None and current_level is not None and current_level in levels
        if is_here:
            here = i
        labels.append(label)
        values.append(pct)
        texts.append(display_text)
        colours.append(PALETTE["current"] if is_here else PALETTE["neutral"])
        names = ", ".join(
            level_label(model.level(lv)) for lv in levels if 1 <= lv <= len(model.levels)
        )
        lines = [f"<b>{label}</b>", f"{display_text} of companies"]
        if names:
            lines.append(_wrap(names, 60) if len(names) > 60 else names)
        if fig_dict.get("source"):
            lines.append("Source: " + _wrap(fig_dict["source"], 70))
        hover.append("<br>".join(lines))

    fig = go.Figure()
    fig.add_trace(
        go.Bar(
            x=labels,
            y=values,
            text=texts,
            textposition="outside",
            textfont={"size": FONT_SIZE},
            cliponaxis=False,
            marker={"color": colours, "line": {"width": 0}},
            hovertext=hover,
            hovertemplate="%{hovertext}<extra></extra>",
            name="Share of companies",
            showlegend=False,
        )
    )
    # room above the tallest bar for its label, and above the highlighted bar for the marker
    # (the marker needs about a third of the plot height above its bar)
    top = max(
        [10.0, *(v * 1.12 for v in values)] + ([values[here] * 1.5] if here is not None else [])
    )
    step = 25 if top > 60 else (10 if top > 20 else 5)
    ticks = [float(t) for t in range(0, int(min(top, 100)) + 1, step)]
    if here is not None:
        lv = (
            model.level(current_level)
            if current_level and 1 <= current_level <= len(model.levels)
            else None
        )
        fig.add_annotation(
            x=labels[here],
            y=values[here],
            xref="x",
            yref="y",
            text=f"<b>You are here</b>{' (' + level_label(lv) + ')' if lv else ''}",
            showarrow=True,
            arrowhead=2,
            arrowwidth=2,
            arrowcolor=PALETTE["current"],
            ax=0,
            ay=-42,
            yshift=26,  # above the value printed on the bar
            font={"size": FONT_SIZE, "color": PALETTE["current"]},
            bgcolor="rgba(255,255,255,0.9)",
            name="you_are_here",
        )
    tick_lines = max((label.count("<br>") + 1 for label in labels), default=1)
    caption_shift = 24 + 18 * tick_lines
    caption_lines = _note_below(fig, caption, -caption_shift, name="caption")
    _style(
        fig,
        title or "How companies are spread across the maturity levels (published benchmark)",
        legend=False,
        height=460 + 18 * (caption_lines - 1),
        margin={"b": caption_shift + 20 * caption_lines + 16, "l": 60},
    )
    fig.update_layout(
        xaxis=_axis(title="", showgrid=False, type="category"),
        yaxis=_axis(
            title="% of companies",
            range=[0, top],
            tickvals=ticks,
            ticktext=[f"{t:g}%" for t in ticks],
        ),
        bargap=0.35,
    )
    return fig


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
) -> go.Figure:
    """Scores over time, one line per competency with its 95% CI as a translucent band.

    ``timeline``: columns assessment_id, date, label, competency, competency_name, score,
    ci_low, ci_high, n, level (``cxmaturity.compare.competency_timeline``). ``competencies``:
    ids to show, in that order; default every competency in the table in model order, with the
    ``overall`` row (if any) first as a thick black line. Dotted lines mark the level band
    boundaries, with level names at the right.
    """
    fig = go.Figure()
    y_range = _scale_range(model)
    title = title or "Competency scores over time, with 95% confidence bands"
    frame = timeline.copy() if timeline is not None else pd.DataFrame()
    if frame.empty or "competency" not in frame.columns:
        _style(fig, title, legend=False, height=420)
        return _empty(fig, "No assessments yet")
    frame["date"] = pd.to_datetime(frame["date"])
    present = list(dict.fromkeys(frame["competency"].tolist()))
    if competencies is None:
        model_order = [c.id for c in model.competencies if c.id in present]
        extra = [c for c in present if c not in model_order and c != OVERALL_ID]
        ids = ([OVERALL_ID] if OVERALL_ID in present else []) + model_order + extra
    else:
        ids = [c for c in competencies if c in present]

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
            names[0] if names else ("Overall" if is_overall else _competency_name(model, cid))
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

        xs, ys = _ci_polygon(dates, lows, highs)
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
                    name=f"{name}: 95% CI",
                    meta={"role": "ci_band", "competency": cid},
                )
            )
        hover = []
        for d, label, score, lo, hi, n in zip(dates, labels, scores, lows, highs, ns, strict=True):
            when = pd.Timestamp(d).strftime("%d %b %Y") if not _is_missing(d) else ""
            head = f"{plain_text(label)} ({when})" if not _is_missing(label) and label else when
            lines = [f"<b>{name}</b>", head]
            if score is None:
                lines.append("No score")
            else:
                ci = f" (95% CI {lo:.2f}–{hi:.2f})" if lo is not None and hi is not None else ""
                lines.append(f"Score: {score:.2f}{ci}")
                lines.append(f"Level: {_level_of(model, score)}")
            if n is not None:
                lines.append(f"n = {n}")
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
    right = max(len(f"L{lv.number} {lv.name}") for lv in model.levels) * 8 + 24
    _style(fig, title, height=480, margin={"r": min(right, 220), "l": 60})
    xaxis = _axis(title="", type="date", tickformat="%b %Y", showgrid=False)
    waves = frame[frame["competency"].isin(ids)].drop_duplicates("date").sort_values("date")
    if 0 < len(waves) <= 12:  # one tick per assessment, named by its label
        xaxis["tickvals"] = waves["date"].tolist()
        xaxis["ticktext"] = [
            f"{plain_text(lab)}<br>{pd.Timestamp(d).strftime('%b %Y')}"
            if not _is_missing(lab) and lab
            else pd.Timestamp(d).strftime("%b %Y")
            for d, lab in zip(
                waves["date"],
                waves["label"] if "label" in waves else [None] * len(waves),
                strict=True,
            )
        ]
    fig.update_layout(
        xaxis=xaxis,
        yaxis=_axis(title="Score", range=y_range, showgrid=False),
        hovermode="closest",
    )
    return fig


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
    are vermillion, the others blue; a dashed line marks that mean. Items nobody answered are
    listed in a note under the chart.
    """
    comp_name = _competency_name(model, competency_id)
    title = title or f"{comp_name}: which practices pull the score down (weakest first)"
    rows = items[items["competency"] == competency_id] if not items.empty else items
    answered = [(r, _num(r["mean"])) for _, r in rows.iterrows()]
    unanswered = [r for r, m in answered if m is None]
    answered = sorted([(r, m) for r, m in answered if m is not None], key=lambda rm: rm[1])
    fig = go.Figure()
    if not answered:
        _style(fig, title, legend=False, height=360)
        return _empty(fig, "No answers for this competency")

    means = [m for _, m in answered]
    threshold = _num(competency_mean)
    if threshold is None:
        threshold = sum(means) / len(means)
    labels: list[str] = []
    seen: set[str] = set()
    for r, _ in answered:
        label = _wrap(r.get("text") or r.get("item"), 60)
        if label in seen:  # categories must be unique or bars would merge
            label = f"{label} ({plain_text(r.get('item'))})"
        seen.add(label)
        labels.append(label)
    colours = [PALETTE["decline"] if m < threshold else PALETTE["current"] for m in means]
    hover = []
    for r, m in answered:
        n = _int(r.get("n"))
        lines = [
            _wrap(r.get("text") or r.get("item"), 80),
            f"Mean: {m:.2f}",
            f"Level: {_level_of(model, m)}",
        ]
        if n is not None:
            lines.append(f"n = {n}")
        hover.append("<br>".join(lines))
    fig.add_trace(
        go.Bar(
            x=means,
            y=labels,
            orientation="h",
            marker={"color": colours, "line": {"width": 0}},
            text=[f"{m:.1f}" for m in means],
            textposition="auto",
            textfont={"size": SMALL_FONT_SIZE},
            hovertext=hover,
            hovertemplate="%{hovertext}<extra></extra>",
            name="Item mean",
            showlegend=False,
        )
    )
    fig.add_vline(
        x=threshold,
        line={"dash": "dash", "color": PALETTE["text"], "width": 1.5},
        annotation={
            "text": f"Competency mean {threshold:.2f}",
            "font": {"size": SMALL_FONT_SIZE, "color": PALETTE["text"]},
            "yanchor": "bottom",
        },
        annotation_position="top",
    )
    n_lines = sum(label.count("<br>") + 1 for label in labels)
    bottom = 50
    if unanswered:
        note = "No answers yet: " + "; ".join(
            str(r.get("text") or r.get("item")) for r in unanswered
        )
        bottom += 20 * _note_below(fig, note, -40)
    _style(
        fig,
        title,
        subtitle="Vermillion: below the competency mean",
        legend=False,
        height=max(300, 150 + 22 * n_lines + 16 * len(labels) + bottom),
        margin={"b": bottom},
    )
    fig.update_layout(
        xaxis=_axis(title="Mean score", range=_scale_range(model), showgrid=True),
        yaxis=_axis(title="", autorange="reversed", showgrid=False),
        bargap=0.3,
    )
    return fig


# --- 5. department heatmap -----------------------------------------------------------------


def build_department_heatmap_figure(
    model: MaturityModel,
    groups: list[GroupScore],
    title: str | None = None,
) -> go.Figure:
    """Departments (rows, in the given order top to bottom) × competencies (model order).

    Colour is the score on the answer scale (sequential blues); cells show the score with one
    decimal. Suppressed groups are a grey row labelled ``Legal · suppressed (n=3)``, ``hidden`` in every cell, drawn
    by a second heatmap trace, so they are never blank and never read as zero.
    """
    title = title or "Scores by department (small groups suppressed for anonymity)"
    fig = go.Figure()
    if not groups:
        _style(fig, title, legend=False, height=360)
        return _empty(fig, "No breakdown by department for this assessment")
    comps = model.competencies
    x = [plain_text(c.name) for c in comps]
    y: list[str] = []
    for g in groups:
        # the row label carries "suppressed (n=3)" so the narrow cells need only a short word
        label = plain_text(g.name) + (f" · suppressed (n={g.n})" if g.suppressed else "")
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
                sup_t.append("hidden")
                sup_h.append(
                    f"{dept_line}<br>{comp_line}<br>Suppressed: too few respondents to stay anonymous<br>n = {g.n}"
                )
                continue
            cs = by_id.get(comp.id)
            score = _num(cs.score) if cs is not None else None
            n = cs.n if cs is not None else 0
            row_z.append(score)
            row_t.append(f"{score:.1f}" if score is not None else "no answers")
            lines = [dept_line, comp_line]
            if score is None:
                lines.append("No answers")
            else:
                lines += [f"Score: {score:.2f}", f"Level: {_level_of(model, score)}"]
            lines.append(f"n = {n}")
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
            name="Score",
            colorbar={
                "title": {"text": "Score", "font": {"size": SMALL_FONT_SIZE}},
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
                name="Suppressed",
                meta={"role": "suppressed"},
            )
        )
    _style(fig, title, legend=False, height=max(320, 170 + 46 * len(groups)), margin={"l": 16})
    fig.update_layout(
        xaxis=_axis(title="", side="top", showgrid=False, tickangle=0 if len(comps) <= 6 else -30),
        yaxis=_axis(title="", autorange="reversed", showgrid=False),
    )
    return fig


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
    title = title or "How your scores compare with peer organisations"
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
    categories = {c.id: f"{plain_text(c.name)}<br>({counts[c.id]} peers)" for c in comps}
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
            name="Peer organisations",
            boxpoints="all",
            jitter=0.35,
            pointpos=0,
            fillcolor=_rgba(PALETTE["peer"], 0.18),
            line={"color": PALETTE["peer"], "width": 1.5},
            marker={"color": PALETTE["peer"], "size": 6, "opacity": 0.7},
            hoveron="points",
            hovertemplate="Peer organisation<br>Score: %{y:.2f}<extra></extra>",
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
            f"<b>Your organisation</b>: {plain_text(comp.name)}",
            f"Score: {score:.2f}",
            f"Level: {_level_of(model, score)}",
        ]
        if peers:
            below = sum(1 for p in peers if p < score)
            lines.append(f"Higher than {below} of {len(peers)} peers")
        own_x.append(categories[comp.id])
        own_y.append(score)
        own_hover.append("<br>".join(lines))
    fig.add_trace(
        go.Scatter(
            x=own_x,
            y=own_y,
            mode="markers",
            name="Your organisation",
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
        yaxis=_axis(title="Score", range=_scale_range(model), showgrid=True),
        boxmode="overlay",
    )
    return fig


# --- 7. change ---------------------------------------------------------------------------

_VERDICT_COLOURS = {"improved": PALETTE["improve"], "declined": PALETTE["decline"]}


def build_change_figure(changes: Sequence[dict | Any], title: str | None = None) -> go.Figure:
    """Change per competency since the previous assessment, as horizontal bars.

    ``changes``: dicts (or ``CompetencyChange`` objects) with name, delta, p_value, verdict and
    cohens_d. Only a clear change (verdict "improved"/"declined") is coloured, blue or
    vermillion; "no clear change" is grey, whatever the size of the delta.
    """
    title = title or "What changed since the previous assessment"
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
        texts.append(_fmt(delta, 2, signed=True) if delta is not None else "not comparable")
        p_text = "n/a" if p is None else ("< 0.001" if p < 0.001 else f"{p:.3f}")
        hover.append(
            "<br>".join(
                [
                    f"<b>{name}</b>",
                    f"Change: {_fmt(delta, 2, signed=True)}",
                    f"Verdict: {plain_text(verdict)}",
                    f"p = {p_text}",
                    f"Cohen's d = {_fmt(d, 2)}",
                ]
            )
        )
    fig = go.Figure()
    if not names:
        _style(fig, title, legend=False, height=320)
        return _empty(fig, "Needs two assessments to show change")
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
            name="Change",
            showlegend=False,
        )
    )
    biggest = max([abs(v) for v in deltas if v is not None] + [0.25])
    fig.add_vline(x=0, line={"color": PALETTE["text"], "width": 1})
    _style(
        fig,
        title,
        subtitle="Blue: improved · vermillion: declined · grey: no clear change (p ≥ 0.05)",
        legend=False,
        height=max(300, 170 + 40 * len(names)),
    )
    fig.update_layout(
        xaxis=_axis(
            title="Change in score",
            range=[-biggest * 1.35, biggest * 1.35],
            showgrid=True,
            tickformat=".1f",
        ),
        yaxis=_axis(title="", autorange="reversed", showgrid=False),
        bargap=0.35,
    )
    return fig


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
    title = title or "Where each competency stands against its target level"
    rows = list(targets)
    fig = go.Figure()
    if not rows:
        _style(fig, title, legend=False, height=320)
        return _empty(fig, "No targets set yet")
    labels: list[str] = []
    actual: list[int | None] = []
    target: list[int | None] = []
    line_x: list[float | None] = []
    line_y: list[str | None] = []
    hover_a: list[str] = []
    hover_t: list[str] = []

    def _lvl(number: int | None) -> str:
        if number is None:
            return "not scored"
        if model is not None and 1 <= number <= len(model.levels):
            return level_label(model.level(number))
        return f"L{number}"

    for row in rows:
        horizon = _int(_get(row, "horizon_months"))
        label = plain_text(_get(row, "competency_name") or _get(row, "competency"))
        if horizon is not None:
            label = f"{label} ({horizon} months)"
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
            "target met"
            if gap is not None and gap <= 0
            else (f"{gap} level(s) to go" if gap is not None else "")
        )
        hover_a.append(f"<b>{label}</b><br>Today: {_lvl(a)}")
        hover_t.append(f"<b>{label}</b><br>Target: {_lvl(t)}" + (f"<br>{status}" if status else ""))

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
            name="Today",
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
            name="Target",
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
        ticktext = [f"L{v}" for v in tickvals]
    _style(fig, title, height=max(300, 170 + 40 * len(labels)))
    fig.update_layout(
        xaxis=_axis(
            title="Level",
            range=[0.6, n_levels + 0.4],
            tickvals=tickvals,
            ticktext=ticktext,
            showgrid=True,
        ),
        yaxis=_axis(title="", autorange="reversed", showgrid=False, type="category"),
    )
    return fig


def build_answer_distribution_figure(
    model: MaturityModel, counts: pd.DataFrame, competency_id: str, title: str | None = None
) -> go.Figure:
    """Share of respondents giving each answer, per item, as 100% stacked bars.

    Shows whether respondents agree: one dominant colour means consensus, an even spread means
    the organisation sees itself very differently from one department or role to another.
    """
    comp = model.competency(competency_id)
    texts = {i.id: i.text for i in comp.items}
    fig = go.Figure()
    heading = title or f"{comp.name}: how respondents answered"
    if counts.empty or int(counts.to_numpy().sum()) == 0:
        return _empty(_style(fig, heading, legend=False), "No answers for this competency.")
    values = list(counts.columns)
    ramp = [SEQUENTIAL[round(i * (len(SEQUENTIAL) - 1) / max(len(values) - 1, 1))][1] for i in range(len(values))]
    anchored = model.item_anchoring == "descriptor"
    y = [_wrap(texts.get(item, item), 60) for item in counts.index]
    totals = counts.sum(axis=1).replace(0, 1)
    for idx, value in enumerate(values):
        label = model.scale.labels.get(int(value), str(value))
        name = level_label(model.level(int(value))) if anchored and 1 <= int(value) <= len(model.levels) else f"{value} {label}"
        share = (counts[value] / totals * 100).tolist()
        fig.add_trace(
            go.Bar(
                orientation="h",
                x=share,
                y=y,
                name=plain_text(name),
                marker={"color": ramp[idx], "line": {"color": "white", "width": 1}},
                text=[f"{s:.0f}%" if s >= 6 else "" for s in share],
                textposition="inside",
                insidetextfont={"color": "white" if idx >= len(values) / 2 else PALETTE["text"]},
                hovertext=[
                    f"{plain_text(name)}<br>{int(n)} of {int(t)} respondents ({s:.0f}%)"
                    for n, t, s in zip(counts[value], totals, share, strict=True)
                ],
                hoverinfo="text",
            )
        )
    fig.update_layout(
        barmode="stack",
        legend_traceorder="normal",
        xaxis=_axis(title="% of respondents", range=[0, 100], ticksuffix="%"),
    )
    fig.update_yaxes(autorange="reversed", automargin=True, tickfont={"size": SMALL_FONT_SIZE})
    return _style(fig, heading, height=max(220, 90 + 60 * len(counts)))
