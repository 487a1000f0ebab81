"""The house style of every chart: palette, fonts, sizes, escaping of text, layout helpers."""

from __future__ import annotations

import html
import math
import textwrap
from typing import Any, Literal

import pandas as pd
import plotly.graph_objects as go
import plotly.io as pio
from babel.numbers import get_decimal_symbol, get_group_symbol

from cxmaturity import formatting, i18n, rules
from cxmaturity.i18n import _
from cxmaturity.models import Level, MaturityModel

# The house style starts from plotly's white template. As plotly's default it is attached to each
# new figure as it is made, without the validation and copy that naming it in update_layout costs:
# 1.5 ms a figure instead of 17 ms (the same figure, byte for byte; every page draws several).
pio.templates.default = "plotly_white"

# --- palette and style -------------------------------------------------------------------

#: Okabe–Ito colours with fixed roles; use these names on every page.
PALETTE: dict[str, str] = {
    "current": "#0072B2",  # blue: this organisation, the current assessment
    "previous": "#999999",  # grey: the previous assessment
    "target": "#E69F00",  # orange: targets
    "peer": "#009E73",  # bluish green: peer median / peer organisations
    "decline": "#D55E00",  # orange-red (Okabe–Ito vermillion): declines, weak items
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


# --- numbers and dates in the interface language ----------------------------------------
# cxmaturity.formatting writes them (English exactly as before, Babel's symbols elsewhere, Persian
# digits and Solar Hijri months in Persian); these adapt its signatures to what builders pass.

_digits = formatting.digits
_integer = formatting.integer


def _number(value: float, digits: int = 2, signed: bool = False) -> str:
    return formatting.number(value, digits, signed=signed)


def _percent(value: float, digits: int = 0, compact: bool = False) -> str:
    """A value already in percent (42.0): '42%', '%42', '42 %', '۴۲٪'."""
    return formatting.percent(value / 100, digits, compact=compact)


def _month(value: object) -> str:
    """'Feb 2026' ('بهمن ۱۴۰۴' in Persian)."""
    return formatting.month(pd.Timestamp(value).date())


def _short_day(value: object) -> str:
    """'16 Feb 2026' ('۲۷ بهمن ۱۴۰۴' in Persian)."""
    return formatting.short_day(pd.Timestamp(value).date())


def _fmt(value: float | None, digits: int = 2, signed: bool = False) -> str:
    if value is None:
        return _("n/a")
    return _number(value, digits, signed)


def _verdict(value: object) -> str:
    """Rule 9's verdict (a machine value) in words of the interface language."""
    return formatting.verdict(str(value or rules.NO_CLEAR_CHANGE).strip().lower())


def _rgba(hex_colour: str, alpha: float) -> str:
    h = hex_colour.lstrip("#")
    r, g, b = (int(h[i : i + 2], 16) for i in (0, 2, 4))
    return f"rgba({r},{g},{b},{alpha})"


# --- model helpers -----------------------------------------------------------------------


def level_text(level: Level) -> str:
    """``L3 Defined`` in the interface language, not escaped (for lengths and plain text)."""
    return _("L{number} {name}").format(number=_digits(level.number), name=level.name)


def level_label(level: Level | None) -> str:
    """Short level label, e.g. ``L3 Defined`` (escaped); ``""`` for no level."""
    if level is None:
        return ""
    return plain_text(level_text(level))


def level_short(number: int) -> str:
    """``L3``: a level's number alone, where its name does not fit."""
    return plain_text(_("L{number}").format(number=_digits(number)))


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
    return [round(lo, 6) for _lv, lo, _hi in bounds], [level_label(lv) for lv, _lo, _hi in bounds]


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


LEGEND_SPACE = 100  # px under the axis labels for the legend: up to four rows on a phone
TITLE_WRAP = 40  # characters a line: what a 390 px phone shows of a chart title
SUBTITLE_WRAP = 52
NOTE_WRAP = 55


def _style(
    fig: go.Figure,
    title: str,
    *,
    subtitle: str | None = None,
    height: int | None = None,
    legend: bool = True,
    margin: dict[str, int] | None = None,
) -> go.Figure:
    """The house style: white background, readable fonts, title top-left, legend under the plot
    (a legend that wraps onto more lines on a phone grows downwards, never into the title)."""
    # a phone gives a chart about 40 characters of title a line: long titles and subtitles wrap
    title_html = _wrap(title, TITLE_WRAP)
    subtitle_html = _wrap(subtitle, SUBTITLE_WRAP) if subtitle else None
    extra = title_html.count("<br>") * 22 + (
        subtitle_html.count("<br>") * 18 if subtitle_html else 0
    )
    top = 66 + (26 if subtitle else 0) + extra
    title_dict: dict[str, Any] = {
        "text": title_html,
        "x": 0,
        "xanchor": "left",
        "xref": "container",
        "y": 1,
        "yanchor": "top",
        "yref": "container",
        "pad": {"l": 12, "t": 14},  # a title of two lines stays inside the figure
        "font": {"size": TITLE_FONT_SIZE, "color": PALETTE["text"]},
    }
    if subtitle:
        title_dict["subtitle"] = {
            "text": subtitle_html,
            "font": {"size": SMALL_FONT_SIZE, "color": PALETTE["muted_text"]},
        }
    # the legend sits at the bottom edge of the figure, under the axis labels; the bottom margin
    # holds the axis (about 45 px) and up to three rows of legend on a phone
    m = {"l": 16, "r": 24, "t": top, "b": 40 + (LEGEND_SPACE if legend else 0)}
    m.update(margin or {})
    if legend and margin and "b" in margin:  # a builder's bottom margin is for its own notes
        m["b"] += LEGEND_SPACE
    fig.update_layout(
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
            "yref": "container",
            "y": 0.005,
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
    if i18n.current() != i18n.SOURCE_LANGUAGE:  # the axes' own numbers: the language's decimal sign
        locale = i18n.babel_locale()
        fig.update_layout(
            separators=get_decimal_symbol(locale, numbering_system="default")
            + get_group_symbol(locale, numbering_system="default")
        )
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
    html_text = _wrap(text, NOTE_WRAP)
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
