"""Chart builders (cxmaturity.charts): figure data and layout checked against values worked
out by hand, plus the house rules (palette, escaping of user text, fonts, anonymity)."""

from __future__ import annotations

import datetime as dt
import math
from datetime import datetime

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import pytest

from cxmaturity.charts import (
    PALETTE,
    QUALITATIVE,
    RadarSeries,
    build_change_figure,
    build_department_heatmap_figure,
    build_item_bars_figure,
    build_level_distribution_figure,
    build_peer_box_figure,
    build_radar_figure,
    build_targets_figure,
    build_timeline_figure,
    level_ticks,
    plain_text,
)
from cxmaturity.charts.timeline import _series_style
from cxmaturity.models import parse_model
from cxmaturity.scoring import CompetencyScore, GroupScore, OverallScore
from cxmaturity.store.records import HistoryEntry, Target

LIKERT = {1: "Strongly disagree", 2: "Disagree", 3: "Neutral", 4: "Agree", 5: "Strongly agree"}
LEVELS = ["Initial", "Developing", "Defined", "Managed", "Optimized"]


def gartnerish():
    """Scale 1-5 with Gartner's bands: [1,1.5) [1.5,2.5) [2.5,3.5) [3.5,4.5) [4.5,5]."""
    bounds = [1, 1.5, 2.5, 3.5, 4.5, 5]
    return parse_model(
        {
            "id": "gartnerish",
            "name": "Gartner-ish",
            "source": {"document": "x.txt", "organisation": "Test"},
            "scale": {"min": 1, "max": 5, "labels": LIKERT},
            "levels": [
                {
                    "number": i + 1,
                    "name": name,
                    "description": "d",
                    "band": [bounds[i], bounds[i + 1]],
                }
                for i, name in enumerate(LEVELS)
            ],
            "competencies": [
                {
                    "id": "vision",
                    "name": "Vision",
                    "description": "d",
                    "items": [{"id": "v1", "text": "We have a vision"}],
                },
                {
                    "id": "strategy",
                    "name": "Strategy",
                    "description": "d",
                    "items": [{"id": "s1", "text": "We have a plan"}],
                },
                {
                    "id": "metrics",
                    "name": "Metrics",
                    "description": "d",
                    "items": [
                        {"id": "m1", "text": "We measure NPS"},
                        {"id": "m2", "text": "We measure effort"},
                        {"id": "m3", "text": "We tie metrics to money"},
                        {"id": "m4", "text": "We share metrics with every team"},
                    ],
                },
            ],
        }
    )


def points_model():
    """Scale 0-5, 5 items -> 25 points; bands at 0, 4, 10, 19 points = 0, 0.8, 2.0, 3.8 on the scale."""
    return parse_model(
        {
            "id": "pts",
            "name": "Points",
            "source": {"document": "x.txt", "organisation": "Test"},
            "scale": {"min": 0, "max": 5, "labels": {i: str(i) for i in range(6)}},
            "aggregate": "points",
            "points_max": 25,
            "levels": [
                {"number": 1, "name": "S1", "description": "d", "band": [0, 4]},
                {"number": 2, "name": "S2", "description": "d", "band": [4, 10]},
                {"number": 3, "name": "S3", "description": "d", "band": [10, 19]},
                {"number": 4, "name": "S4", "description": "d", "band": [19, 25]},
            ],
            "competencies": [
                {
                    "id": "c1",
                    "name": "C1",
                    "description": "d",
                    "items": [{"id": "p1", "text": "t"}, {"id": "p2", "text": "t"}],
                },
                {
                    "id": "c2",
                    "name": "C2",
                    "description": "d",
                    "items": [
                        {"id": "p3", "text": "t"},
                        {"id": "p4", "text": "t"},
                        {"id": "p5", "text": "t"},
                    ],
                },
            ],
        }
    )


def strings(obj) -> list[str]:
    """Every string anywhere in a figure (data and layout, template excluded)."""
    out: list[str] = []

    def walk(value, path=()):
        if path[:2] == ("layout", "template"):
            return
        if isinstance(value, str):
            out.append(value)
        elif isinstance(value, dict):
            for k, v in value.items():
                out.append(str(k))
                walk(v, (*path, k))
        elif isinstance(value, list | tuple):
            for v in value:
                walk(v, path)
        elif isinstance(value, np.ndarray):
            walk(value.tolist(), path)

    walk(obj.to_plotly_json() if isinstance(obj, go.Figure) else obj)
    return out


def font_sizes(fig: go.Figure) -> list[float]:
    sizes: list[float] = []

    def walk(value, path=()):
        if path[:2] == ("layout", "template"):
            return
        if isinstance(value, dict):
            if path and path[-1].endswith("font") and "size" in value and value["size"] is not None:
                sizes.append(value["size"])
            for k, v in value.items():
                walk(v, (*path, k))
        elif isinstance(value, list | tuple):
            for v in value:
                walk(v, path)

    walk(fig.to_plotly_json())
    return sizes


def comp_score(cid, name, score, n, level=None):
    return CompetencyScore(
        id=cid,
        name=name,
        score=score,
        level=level,
        level_name=None,
        n=n,
        sd=None,
        ci95=None,
        alpha=None,
    )


# --- plain_text ---------------------------------------------------------------------------


def test_plain_text_escapes_html_templates_and_latex():
    assert plain_text("<b>x</b>") == "&lt;b&gt;x&lt;/b&gt;"
    assert plain_text("R&D") == "R&amp;D"
    assert plain_text('say "hi"') == 'say "hi"'  # quotes are harmless in plotly text
    assert plain_text("100%{y}") == "100%&#123;y}"  # no hovertemplate substitution
    assert plain_text("$x$") == "&#36;x&#36;"  # no MathJax
    assert plain_text(None) == ""
    assert plain_text(3) == "3"


# --- 1. radar -----------------------------------------------------------------------------


def radar_series():
    return [
        RadarSeries(
            "Current (2025)",
            {"vision": 3.2, "strategy": 2.0, "metrics": 4.6},
            "current",
            n={"vision": 12, "strategy": 11, "metrics": 12},
        ),
        RadarSeries(
            "Previous (2024)", {"vision": 2.5, "strategy": 1.75, "metrics": 4.0}, "previous"
        ),
        RadarSeries("Target", {"vision": 4.0, "strategy": 3.0, "metrics": 4.5}, "target"),
        RadarSeries("Peer median", {"vision": 3.0, "strategy": None, "metrics": 3.5}, "peer"),
    ]


def test_radar_one_trace_per_series_in_competency_order_closed():
    fig = build_radar_figure(gartnerish(), radar_series(), "Where we stand")
    assert len(fig.data) == 4
    assert all(isinstance(t, go.Scatterpolar) for t in fig.data)
    assert list(fig.data[0].theta) == ["Vision", "Strategy", "Metrics", "Vision"]
    assert list(fig.data[0].r) == [3.2, 2.0, 4.6, 3.2]
    assert list(fig.data[1].r) == [2.5, 1.75, 4.0, 2.5]
    assert list(fig.data[3].r) == [3.0, None, 3.5, 3.0]  # missing peer score is a gap
    assert [t.name for t in fig.data] == [
        "Current (2025)",
        "Previous (2024)",
        "Target",
        "Peer median",
    ]


def test_radar_styles_by_kind():
    fig = build_radar_figure(gartnerish(), radar_series(), "Where we stand")
    current, previous, target, peer = fig.data
    assert current.fill == "toself"
    assert current.fillcolor == "rgba(0,114,178,0.35)"
    assert [previous.fill, target.fill, peer.fill] == [None, None, None]
    assert previous.line.dash == "dot"
    assert target.line.dash == "dash"
    assert peer.line.dash == "solid"
    assert peer.line.width < current.line.width
    assert [t.line.color for t in fig.data] == [
        PALETTE["current"],
        PALETTE["previous"],
        PALETTE["target"],
        PALETTE["peer"],
    ]
    assert PALETTE["current"] == "#0072B2" and PALETTE["previous"] == "#999999"
    assert (
        PALETTE["target"] == "#E69F00"
        and PALETTE["peer"] == "#009E73"
        and PALETTE["decline"] == "#D55E00"
    )


def test_radar_axis_is_the_answer_scale_with_level_ticks():
    fig = build_radar_figure(gartnerish(), radar_series()[:1], "Where we stand")
    axis = fig.layout.polar.radialaxis
    assert list(axis.range) == [1, 5]
    assert list(axis.tickvals) == [1, 1.5, 2.5, 3.5, 4.5]
    # short ring labels (the inner rings are too close for names); names are in the hover
    assert list(axis.ticktext) == ["L1", "L2", "L3", "L4", "L5"]
    assert fig.layout.title.text == "Where we stand"


def test_radar_hover_has_name_score_level_and_n():
    fig = build_radar_figure(gartnerish(), radar_series(), "t")
    hover = fig.data[0].hovertext
    # Vision 3.2 is in [2.5, 3.5): Defined; Metrics 4.6 is in [4.5, 5]: Optimized
    assert (
        "Vision" in hover[0]
        and "Score: 3.20" in hover[0]
        and "Level: L3 Defined" in hover[0]
        and "n = 12" in hover[0]
    )
    assert "Score: 2.00" in hover[1] and "L2 Developing" in hover[1] and "n = 11" in hover[1]
    assert "L5 Optimized" in hover[2]
    assert hover[3] == hover[0]
    assert "n =" not in fig.data[1].hovertext[0]  # no n given for the previous series
    assert "No score" in fig.data[3].hovertext[1]


def test_radar_points_model_maps_bands_back_to_the_scale():
    model = points_model()
    fig = build_radar_figure(model, [RadarSeries("Now", {"c1": 2.5, "c2": 4.0}, "current")], "t")
    axis = fig.layout.polar.radialaxis
    assert list(axis.range) == [0, 5]
    # 0, 4, 10, 19 of 25 points -> 0, 0.8, 2.0, 3.8 on 0-5
    assert list(axis.tickvals) == pytest.approx([0, 0.8, 2.0, 3.8])
    assert list(axis.ticktext) == ["L1", "L2", "L3", "L4"]
    # 2.5 of 5 = 12.5 points -> S3; 4.0 of 5 = 20 points -> S4
    assert "L3 S3" in fig.data[0].hovertext[0] and "L4 S4" in fig.data[0].hovertext[1]
    assert level_ticks(model)[0] == pytest.approx([0, 0.8, 2.0, 3.8])


def test_radar_more_than_four_series_raises():
    five = radar_series() + [RadarSeries("Another", {"vision": 1.0}, "peer")]
    with pytest.raises(ValueError, match="at most 4"):
        build_radar_figure(gartnerish(), five, "t")


def test_radar_unknown_kind_raises():
    with pytest.raises(ValueError, match="kind"):
        build_radar_figure(gartnerish(), [RadarSeries("x", {}, "benchmark")], "t")  # type: ignore[arg-type]


def test_radar_escapes_series_name_and_title():
    series = [
        RadarSeries("<b>Acme</b> & Co", {"vision": 3.0, "strategy": 3.0, "metrics": 3.0}, "current")
    ]
    fig = build_radar_figure(gartnerish(), series, "<i>Acme</i> vs peers")
    assert fig.data[0].name == "&lt;b&gt;Acme&lt;/b&gt; &amp; Co"
    assert fig.layout.title.text == "&lt;i&gt;Acme&lt;/i&gt; vs peers"
    text = " ".join(strings(fig))
    assert "<b>Acme" not in text and "<i>Acme" not in text
    assert "&lt;b&gt;Acme&lt;/b&gt; &amp; Co" in fig.data[0].hovertext[0]


# --- 2. benchmark distribution ------------------------------------------------------------

GARTNER_FIGURES = [
    {
        "label": "Levels 1–3",
        "levels": [1, 2, 3],
        "value": 0.95,
        "display": "95%",
        "source": "Gartner",
    },
    {"label": "Level 4", "levels": [4], "value": 0.04, "display": "4%", "source": "Gartner"},
    {"label": "Level 5", "levels": [5], "value": 0.01, "display": "1%", "source": "Gartner"},
]
CAPTION = "Source: Gartner, as quoted by Rah-e Pardakht (Behnam Behzadifar)"


def _annotation(fig, starts: str):
    found = [a for a in fig.layout.annotations if a.text and a.text.startswith(starts)]
    assert len(found) == 1, [a.text for a in fig.layout.annotations]
    return found[0]


def test_distribution_bars_are_percentages_with_display_text():
    fig = build_level_distribution_figure(
        gartnerish(), GARTNER_FIGURES, current_level=4, caption=CAPTION
    )
    (bar,) = fig.data
    assert list(bar.x) == ["Levels 1–3", "Level 4", "Level 5"]
    assert list(bar.y) == pytest.approx([95, 4, 1])
    assert list(bar.text) == ["95%", "4%", "1%"]
    assert fig.layout.yaxis.title.text == "Share of companies (%)"


def test_distribution_you_are_here_sits_on_the_bar_with_the_current_level():
    fig = build_level_distribution_figure(
        gartnerish(), GARTNER_FIGURES, current_level=4, caption=CAPTION
    )
    here = _annotation(fig, "<b>You are here")
    assert here.x == "Level 4" and here.y == pytest.approx(4)
    assert "L4 Managed" in here.text
    assert list(fig.data[0].marker.color) == [
        PALETTE["neutral"],
        PALETTE["current"],
        PALETTE["neutral"],
    ]

    fig = build_level_distribution_figure(
        gartnerish(), GARTNER_FIGURES, current_level=2, caption=CAPTION
    )
    here = _annotation(fig, "<b>You are here")
    assert here.x == "Levels 1–3" and here.y == pytest.approx(95)
    assert list(fig.data[0].marker.color) == [
        PALETTE["current"],
        PALETTE["neutral"],
        PALETTE["neutral"],
    ]


def test_distribution_labels_wrap_into_short_lines_and_the_hover_keeps_them_whole():
    """On a phone three bars get about 100 px each: a long label is cut into lines of at most
    14 characters (plotly would otherwise stand every label on its side)."""
    figures = [
        {**GARTNER_FIGURES[0], "label": "Levels 1–3 (Initial, Developing, <Defined>)"},
        {**GARTNER_FIGURES[1], "label": "Level 4 (Managed)"},
        GARTNER_FIGURES[2],
    ]
    fig = build_level_distribution_figure(gartnerish(), figures, current_level=2, caption=CAPTION)
    (bar,) = fig.data
    assert list(bar.x) == [
        "Levels 1–3<br>(Initial,<br>Developing,<br>&lt;Defined&gt;)",
        "Level 4<br>(Managed)",
        "Level 5",
    ]
    assert _annotation(fig, "<b>You are here").x == bar.x[0]  # the marker still finds its bar
    assert bar.hovertext[0].startswith("<b>Levels 1–3 (Initial, Developing, &lt;Defined&gt;)</b><br>")


def test_distribution_without_a_level_has_no_marker():
    fig = build_level_distribution_figure(
        gartnerish(), GARTNER_FIGURES, current_level=None, caption=CAPTION
    )
    assert not any("You are here" in (a.text or "") for a in fig.layout.annotations)
    assert set(fig.data[0].marker.color) == {PALETTE["neutral"]}


def test_distribution_caption_is_on_the_chart_under_the_axis():
    fig = build_level_distribution_figure(
        gartnerish(), GARTNER_FIGURES, current_level=4, caption=CAPTION + " <2019>"
    )
    caption = _annotation(fig, "Source:")
    assert "Gartner, as quoted by Rah-e Pardakht" in caption.text
    assert "&lt;2019&gt;" in caption.text and "<2019>" not in caption.text
    assert caption.xref == "paper" and caption.yref == "paper"
    assert caption.y == 0 and caption.yanchor == "top" and caption.yshift < 0  # below the plot area
    assert fig.layout.margin.b >= -caption.yshift


def test_distribution_rejects_percent_values():
    bad = [{"label": "Level 5", "levels": [5], "value": 95, "display": "95%"}]
    with pytest.raises(ValueError, match="share between 0 and 1"):
        build_level_distribution_figure(gartnerish(), bad, current_level=5, caption="x")


# --- 3. timeline --------------------------------------------------------------------------

D1, D2, D3 = datetime(2024, 1, 15), datetime(2024, 7, 15), datetime(2025, 1, 15)


def timeline_frame() -> pd.DataFrame:
    rows = []
    data = {
        "overall": ("Overall", [(2.5, 2.2, 2.8, 20), (2.8, 2.5, 3.1, 22), (3.1, 2.9, 3.3, 25)]),
        "vision": ("Vision", [(2.0, 1.6, 2.4, 20), (2.6, 2.2, 3.0, 22), (3.0, 2.7, 3.3, 25)]),
        "strategy": ("Strategy", [(3.0, 2.5, 3.5, 20), (3.2, None, None, 1), (3.6, 3.3, 3.9, 25)]),
    }
    for i, (d, label) in enumerate([(D1, "Wave 1"), (D2, "Wave 2"), (D3, "Wave 3")]):
        for cid, (name, values) in data.items():
            score, lo, hi, n = values[i]
            level = gartnerish().level_for_competency(score)
            rows.append(
                {
                    "assessment_id": i + 1,
                    "date": d,
                    "label": label,
                    "competency": cid,
                    "competency_name": name,
                    "score": score,
                    "ci_low": lo,
                    "ci_high": hi,
                    "n": n,
                    "level": level.number,
                }
            )
    return pd.DataFrame(rows)


def _by_role(fig, role):
    return [t for t in fig.data if t.meta and t.meta.get("role") == role]


def test_timeline_lines_and_ci_bands():
    fig = build_timeline_figure(timeline_frame(), gartnerish(), bands=True)
    lines = _by_role(fig, "score")
    bands = _by_role(fig, "ci_band")
    assert [t.name for t in lines] == [
        "Overall",
        "Vision",
        "Strategy",
    ]  # overall first, then model order
    assert [t.meta["competency"] for t in bands] == ["overall", "vision", "strategy"]
    vision_line = lines[1]
    assert list(vision_line.y) == [2.0, 2.6, 3.0]
    assert vision_line.mode == "lines+markers"
    vision_band = bands[1]
    assert vision_band.fill == "toself" and vision_band.showlegend is False
    assert vision_line.line.color == QUALITATIVE[0] == "#0072B2"  # first competency, first colour
    assert vision_band.fillcolor == "rgba(0,114,178,0.15)"  # same colour as the line, translucent
    assert lines[2].line.color == QUALITATIVE[1] and bands[2].fillcolor == "rgba(230,159,0,0.15)"
    # outline: upper bounds forward, lower bounds back, closed
    assert list(vision_band.y) == [2.4, 3.0, 3.3, 2.7, 2.2, 1.6, 2.4]
    assert [pd.Timestamp(x) for x in vision_band.x] == [
        pd.Timestamp(d) for d in (D1, D2, D3, D3, D2, D1, D1)
    ]
    # strategy has no CI at wave 2: two separate pieces, nothing bridged across the gap
    assert list(bands[2].y) == [3.5, 2.5, 3.5, None, 3.9, 3.3, 3.9]
    assert (
        lines[0].line.color == PALETTE["overall"] and lines[0].line.width > vision_line.line.width
    )


def test_timeline_axis_levels_and_hover():
    fig = build_timeline_figure(timeline_frame(), gartnerish())
    assert list(fig.layout.yaxis.range) == [1, 5]
    assert fig.layout.xaxis.type == "date"
    boundaries = sorted(s.y0 for s in fig.layout.shapes)
    assert boundaries == [1.5, 2.5, 3.5, 4.5]
    assert all(s.line.dash == "dot" for s in fig.layout.shapes)
    level_texts = [a.text for a in fig.layout.annotations]
    assert level_texts == [
        "L1 Initial",
        "L2 Developing",
        "L3 Defined",
        "L4 Managed",
        "L5 Optimized",
    ]
    assert [a.y for a in fig.layout.annotations] == [1.25, 2.0, 3.0, 4.0, 4.75]  # band middles
    hover = _by_role(fig, "score")[1].hovertext[2]
    assert "Wave 3 (15 Jan 2025)" in hover and "Score: 3.00 (95% CI 2.70–3.30)" in hover
    assert "Level: L3 Defined" in hover and "n = 25" in hover


def test_timeline_selected_competencies_and_points_boundaries():
    fig = build_timeline_figure(timeline_frame(), gartnerish(), competencies=["strategy"])
    assert [t.name for t in _by_role(fig, "score")] == ["Strategy"]
    assert len(_by_role(fig, "ci_band")) == 1

    frame = pd.DataFrame(
        [
            {
                "assessment_id": 1,
                "date": D1,
                "label": "x",
                "competency": "c1",
                "competency_name": "C1",
                "score": 2.5,
                "ci_low": np.nan,
                "ci_high": np.nan,
                "n": 1,
                "level": 3,
            }
        ]
    )
    fig = build_timeline_figure(frame, points_model())
    assert list(fig.layout.yaxis.range) == [0, 5]
    assert sorted(s.y0 for s in fig.layout.shapes) == pytest.approx([0.8, 2.0, 3.8])
    assert _by_role(fig, "ci_band") == []  # no CI at all: no band


def test_timeline_empty_and_many_competencies_palette():
    fig = build_timeline_figure(pd.DataFrame(columns=["competency", "date", "score"]), gartnerish())
    assert any("No assessments yet" in a.text for a in fig.layout.annotations)
    assert _series_style(0) == (QUALITATIVE[0], "solid")
    assert _series_style(7) == (QUALITATIVE[7], "solid")
    assert _series_style(8) == (QUALITATIVE[0], "dash")
    assert _series_style(17) == (QUALITATIVE[1], "dot")


def test_timeline_escapes_names():
    frame = timeline_frame()
    frame.loc[frame["competency"] == "vision", "competency_name"] = "<script>x</script>"
    frame.loc[frame["competency"] == "vision", "label"] = "<b>Q1</b>"
    fig = build_timeline_figure(frame, gartnerish())
    text = " ".join(strings(fig))
    assert "<script>" not in text and "<b>Q1</b>" not in text
    assert "&lt;script&gt;x&lt;/script&gt;" in text


# --- 4. item bars -------------------------------------------------------------------------

LONG = "We tie every customer metric to revenue, cost and retention so that the board can see its value <script>"


def item_frame() -> pd.DataFrame:
    return pd.DataFrame(
        [
            {
                "competency": "vision",
                "competency_name": "Vision",
                "item": "v1",
                "text": "We have a vision",
                "mean": 1.0,
                "n": 10,
            },
            {
                "competency": "metrics",
                "competency_name": "Metrics",
                "item": "m1",
                "text": "We measure NPS",
                "mean": 3.5,
                "n": 10,
            },
            {
                "competency": "metrics",
                "competency_name": "Metrics",
                "item": "m2",
                "text": "We measure effort",
                "mean": 2.0,
                "n": 9,
            },
            {
                "competency": "metrics",
                "competency_name": "Metrics",
                "item": "m3",
                "text": LONG,
                "mean": 4.0,
                "n": 10,
            },
            {
                "competency": "metrics",
                "competency_name": "Metrics",
                "item": "m4",
                "text": "We share metrics",
                "mean": 2.5,
                "n": 8,
            },
        ]
    )


def test_item_bars_sorted_ascending_weakest_on_top():
    fig = build_item_bars_figure(item_frame(), gartnerish(), "metrics")
    (bar,) = fig.data
    assert bar.orientation == "h"
    assert list(bar.x) == [2.0, 2.5, 3.5, 4.0]  # only Metrics items, ascending
    assert list(bar.y)[:3] == ["We measure effort", "We share metrics", "We measure NPS"]
    assert fig.layout.yaxis.autorange == "reversed"  # first (weakest) row on top
    assert list(fig.layout.xaxis.range) == [1, 5]
    assert "Metrics" in fig.layout.title.text


def test_item_bars_colour_by_competency_mean():
    fig = build_item_bars_figure(item_frame(), gartnerish(), "metrics")
    # mean of item means = (2.0 + 2.5 + 3.5 + 4.0) / 4 = 3.0
    v, b = PALETTE["decline"], PALETTE["current"]
    assert list(fig.data[0].marker.color) == [v, v, b, b]
    assert fig.layout.shapes[0].x0 == 3.0
    fig = build_item_bars_figure(item_frame(), gartnerish(), "metrics", competency_mean=2.4)
    assert list(fig.data[0].marker.color) == [v, b, b, b]


def test_item_bars_wrap_escape_and_hover():
    fig = build_item_bars_figure(item_frame(), gartnerish(), "metrics")
    label = fig.data[0].y[3]
    assert "<br>" in label
    assert all(
        len(line) <= 60 for line in label.replace("&lt;", "<").replace("&gt;", ">").split("<br>")
    )
    assert "&lt;script&gt;" in label and "<script>" not in label
    hover = fig.data[0].hovertext[0]
    assert "We measure effort" in hover and "Mean: 2.00" in hover and "n = 9" in hover
    assert "<script>" not in " ".join(strings(fig))


def test_item_bars_unanswered_items_are_noted_not_plotted():
    frame = item_frame()
    frame.loc[frame["item"] == "m4", ["mean", "n"]] = [np.nan, 0]
    fig = build_item_bars_figure(frame, gartnerish(), "metrics")
    assert list(fig.data[0].x) == [2.0, 3.5, 4.0]
    assert any("No answers yet: We share metrics" in (a.text or "") for a in fig.layout.annotations)


# --- 5. department heatmap ----------------------------------------------------------------


def groups():
    model = gartnerish()
    sales = GroupScore(
        name="Sales",
        n=8,
        suppressed=False,
        overall=OverallScore(score=3.0, level=3, level_name="Defined", ci95=None, points=None),
        competencies=[
            comp_score("vision", "Vision", 3.24, 8),
            comp_score("strategy", "Strategy", 1.5, 8),
            comp_score("metrics", "Metrics", None, 0),
        ],
    )
    legal = GroupScore(name="<b>Legal</b>", n=3, suppressed=True, overall=None, competencies=None)
    support = GroupScore(name="Support", n=6, suppressed=True, overall=None, competencies=None)
    return model, [sales, legal, support]


def test_heatmap_scores_text_and_scale():
    model, gs = groups()
    fig = build_department_heatmap_figure(model, gs)
    main = fig.data[0]
    assert list(main.x) == ["Vision", "Strategy", "Metrics"]
    assert list(main.y) == ["Sales", "&lt;b&gt;Legal&lt;/b&gt; · hidden (n=3)", "Support · hidden (n=6)"]
    assert [list(r) for r in main.z] == [[3.24, 1.5, None], [None, None, None], [None, None, None]]
    assert list(main.text[0]) == ["3.2", "1.5", "no answers"]
    assert main.zmin == 1 and main.zmax == 5
    assert fig.layout.yaxis.autorange == "reversed"
    hover = main.hovertext[0][0]
    assert (
        "Sales" in hover
        and "Vision" in hover
        and "Score: 3.24" in hover
        and "L3 Defined" in hover
        and "n = 8" in hover
    )


def test_heatmap_suppressed_rows_are_labelled_not_blank_or_zero():
    model, gs = groups()
    fig = build_department_heatmap_figure(model, gs)
    assert len(fig.data) == 2
    sup = fig.data[1]
    assert list(sup.text[1]) == ["hidden"] * 3
    assert list(sup.text[2]) == ["hidden"] * 3
    assert "hidden (n=3)" in sup.y[1] and "hidden (n=6)" in sup.y[2]
    assert all(v is not None and not math.isnan(v) for v in sup.z[1])  # painted, not blank
    assert list(sup.z[0]) == [None, None, None]  # scored row untouched
    assert sup.showscale is False
    assert {c for _, c in sup.colorscale} == {PALETTE["suppressed"]}
    assert sup.texttemplate == "%{text}"
    # the score trace carries no 0 for suppressed rows
    assert 0 not in [v for row in fig.data[0].z for v in row]
    assert "n = 3" in sup.hovertext[1][0] and "Hidden" in sup.hovertext[1][0]


def test_heatmap_escapes_department_name():
    model, gs = groups()
    fig = build_department_heatmap_figure(model, gs)
    text = " ".join(strings(fig))
    assert "<b>Legal</b>" not in text
    assert "&lt;b&gt;Legal&lt;/b&gt;" in fig.data[1].hovertext[1][0]


def test_heatmap_without_groups_says_so():
    fig = build_department_heatmap_figure(gartnerish(), [])
    assert any("No breakdown" in a.text for a in fig.layout.annotations)


# --- 6. peers -----------------------------------------------------------------------------


def peer_frame() -> pd.DataFrame:
    rows = []
    for org, scores in {
        "Globex Secret Corp": (2.0, 3.0, 4.0),
        "Initech Hidden": (2.5, 3.5, 3.0),
        "Umbrella": (3.0, 2.0, 2.5),
    }.items():
        for cid, score in zip(["vision", "strategy", "metrics"], scores, strict=True):
            rows.append({"organisation": org, "competency": cid, "score": score})
    return pd.DataFrame(rows)


def test_peer_box_never_shows_peer_names():
    fig = build_peer_box_figure(
        gartnerish(), peer_frame(), {"vision": 2.8, "strategy": 3.9, "metrics": None}
    )
    dump = fig.to_json()
    for name in ("Globex", "Initech", "Umbrella"):
        assert name not in dump
    assert "Globex" not in " ".join(strings(fig))


def test_peer_box_boxes_and_own_diamond():
    fig = build_peer_box_figure(
        gartnerish(), peer_frame(), {"vision": 2.8, "strategy": 3.9, "metrics": None}
    )
    box, own = fig.data
    assert box.type == "box" and box.boxpoints == "all"
    assert list(box.y) == [2.0, 2.5, 3.0, 3.0, 3.5, 2.0, 4.0, 3.0, 2.5]  # model order, all peers
    assert own.name == "Your organisation"
    assert own.marker.symbol == "diamond" and own.marker.color == PALETTE["current"]
    assert list(own.y) == [2.8, 3.9]  # no score for metrics: no diamond
    assert list(own.x) == ["Vision<br>(3 peers)", "Strategy<br>(3 peers)"]
    assert "Higher than 2 of 3 peers" in own.hovertext[0]  # 2.8 > 2.0, 2.5; < 3.0
    assert list(fig.layout.yaxis.range) == [1, 5]


# --- 7. change ----------------------------------------------------------------------------


def test_change_colours_only_clear_changes():
    changes = [
        {"name": "Vision", "delta": 0.5, "p_value": 0.012, "verdict": "improved", "cohens_d": 0.45},
        {
            "name": "Strategy",
            "delta": -0.4,
            "p_value": 0.03,
            "verdict": "declined",
            "cohens_d": -0.38,
        },
        {
            "name": "<i>Metrics</i>",
            "delta": 0.6,
            "p_value": 0.2,
            "verdict": "no clear change",
            "cohens_d": 0.3,
        },
        {
            "name": "Governance",
            "delta": None,
            "p_value": None,
            "verdict": "no clear change",
            "cohens_d": None,
        },
    ]
    fig = build_change_figure(changes)
    (bar,) = fig.data
    assert list(bar.x) == [0.5, -0.4, 0.6, None]
    assert list(bar.y) == ["Vision", "Strategy", "&lt;i&gt;Metrics&lt;/i&gt;", "Governance"]
    assert list(bar.marker.color) == [
        PALETTE["improve"],
        PALETTE["decline"],
        PALETTE["neutral"],
        PALETTE["neutral"],
    ]
    assert "p = 0.012" in bar.hovertext[0] and "Cohen's d = 0.45" in bar.hovertext[0]
    assert "Change: -0.40" in bar.hovertext[1]
    assert list(bar.text) == ["+0.50", "-0.40", "+0.60", "not comparable"]
    assert list(fig.layout.xaxis.range) == pytest.approx([-0.81, 0.81])  # symmetric around 0


# --- 8. targets ---------------------------------------------------------------------------


def test_targets_dumbbell():
    rows = [
        {"competency_name": "Vision", "horizon_months": 12, "target_level": 4, "actual_level": 2},
        {
            "competency_name": "Metrics",
            "horizon_months": 6,
            "target_level": 3,
            "actual_level": None,
        },
    ]
    fig = build_targets_figure(rows, gartnerish())
    gap, today, target = fig.data
    assert list(today.y) == ["Vision (12 months)", "Metrics (6 months)"]
    assert list(today.x) == [2, None] and list(target.x) == [4, 3]
    assert list(gap.x) == [2, 4, None]
    assert target.marker.color == PALETTE["target"] and today.marker.color == PALETTE["current"]
    assert list(fig.layout.xaxis.ticktext) == [
        "L1 Initial",
        "L2 Developing",
        "L3 Defined",
        "L4 Managed",
        "L5 Optimized",
    ]
    assert "2 level(s) to go" in target.hovertext[0]


# --- house style across every builder -----------------------------------------------------


def all_figures():
    model, gs = groups()
    changes = [
        {"name": "Vision", "delta": 0.5, "p_value": 0.01, "verdict": "improved", "cohens_d": 0.4}
    ]
    return {
        "radar": build_radar_figure(model, radar_series(), "Where we stand"),
        "distribution": build_level_distribution_figure(model, GARTNER_FIGURES, 4, CAPTION),
        "timeline": build_timeline_figure(timeline_frame(), model),
        "items": build_item_bars_figure(item_frame(), model, "metrics"),
        "heatmap": build_department_heatmap_figure(model, gs),
        "peers": build_peer_box_figure(model, peer_frame(), {"vision": 2.8}),
        "change": build_change_figure(changes),
        "targets": build_targets_figure(
            [
                {
                    "competency_name": "Vision",
                    "horizon_months": 12,
                    "target_level": 4,
                    "actual_level": 2,
                }
            ],
            model,
        ),
    }


@pytest.mark.parametrize("name", list(all_figures()))
def test_house_style(name):
    fig = all_figures()[name]
    assert isinstance(fig, go.Figure)
    sizes = font_sizes(fig)
    assert sizes and min(sizes) >= 13, (name, sizes)
    assert fig.layout.paper_bgcolor == "#FFFFFF" and fig.layout.plot_bgcolor == "#FFFFFF"
    assert fig.layout.title.text  # every chart says what it shows
    assert fig.layout.font.size >= 13
    # drawn on plotly's white template (plotly's default, set by charts.style), as serialised
    import plotly.io as pio

    assert fig.to_plotly_json()["layout"]["template"] == pio.templates["plotly_white"].to_plotly_json()
    assert pio.templates["plotly_white"].layout.plot_bgcolor == "white"  # not the grey "plotly" one
    fig.to_json()  # serialisable


# --- with the real domain objects ---------------------------------------------------------


def test_builders_accept_the_domain_outputs():
    """score_assessment / item_statistics / compare / competency_timeline feed the builders as is."""
    from cxmaturity.scoring import item_statistics, score_assessment

    compare = pytest.importorskip("cxmaturity.compare")
    model = gartnerish()
    rng = np.random.default_rng(7)
    cols = model.item_ids

    def wave(shift):
        data = np.clip(np.round(rng.normal(3 + shift, 0.8, size=(14, len(cols)))), 1, 5)
        data[0, 0] = np.nan
        return pd.DataFrame(data, columns=cols, index=[f"r{i}" for i in range(14)])

    first, second = wave(0.0), wave(0.6)
    attrs = pd.DataFrame(
        {"department": ["<b>Legal</b>"] * 3 + ["Sales"] * 6 + ["Support"] * 5}, index=second.index
    )
    score = score_assessment(model, second, attrs, group_by="department")
    heat = build_department_heatmap_figure(model, score.groups)
    assert any("hidden (n=3)" in label for label in heat.data[1].y)

    items = build_item_bars_figure(
        item_statistics(model, second),
        model,
        "metrics",
        competency_mean=score.competency("metrics").score,
    )
    assert list(items.data[0].x) == sorted(items.data[0].x)

    comparison = compare.compare_assessments(model, first, second)
    change = build_change_figure(comparison.competencies)
    assert list(change.data[0].y) == ["Vision", "Strategy", "Metrics"]

    earlier = score_assessment(model, first)
    history = [
        HistoryEntry(1, dt.date(2024, 1, 15), "Wave 1", model.id, 1, 14, **{k: v for k, v in earlier.to_dict().items() if k in ("overall", "competencies")}),
        HistoryEntry(2, dt.date(2024, 7, 15), "Wave 2", model.id, 1, 14, **{k: v for k, v in score.to_dict().items() if k in ("overall", "competencies")}),
    ]
    timeline = build_timeline_figure(compare.competency_timeline(history), model, bands=True)
    assert [t.name for t in _by_role(timeline, "score")] == [
        "Overall",
        "Vision",
        "Strategy",
        "Metrics",
    ]
    assert len(_by_role(timeline, "ci_band")) == 4

    radar = build_radar_figure(
        model,
        [
            RadarSeries(
                "Now",
                {c.id: c.score for c in score.competencies},
                "current",
                n={c.id: c.n for c in score.competencies},
            ),
            RadarSeries("Before", {c.id: c.score for c in earlier.competencies}, "previous"),
        ],
        "Now vs before",
    )
    assert len(radar.data) == 2

    targets = compare.targets_vs_actual(
        model, [Target(model.id, "vision", 12, 5, dt.datetime(2024, 7, 15, tzinfo=dt.UTC))], score.competencies
    )
    fig = build_targets_figure(targets, model)
    assert list(fig.data[2].x) == [5]


def test_answer_distribution_figure_stacks_shares_per_answer():
    import pandas as pd

    from cxmaturity.charts import build_answer_distribution_figure
    from cxmaturity.models import parse_model

    model = parse_model(
        {
            "id": "m",
            "name": "M",
            "source": {"document": "x.txt", "organisation": "T"},
            "scale": {"min": 1, "max": 3, "labels": {1: "Low", 2: "Mid", 3: "<b>High</b>"}},
            "levels": [
                {"number": 1, "name": "A", "description": "d", "band": [1, 2]},
                {"number": 2, "name": "B", "description": "d", "band": [2, 3]},
            ],
            "competencies": [{"id": "c", "name": "C", "description": "d", "items": [{"id": "i1", "text": "Item one"}]}],
        }
    )
    counts = pd.DataFrame({1: [1], 2: [1], 3: [2]}, index=["i1"])
    fig = build_answer_distribution_figure(model, counts, "c")
    assert fig.layout.barmode == "stack"
    assert [list(t.x) for t in fig.data] == [[25.0], [25.0], [50.0]]  # 1, 1, 2 of 4
    assert "&lt;b&gt;High&lt;/b&gt;" in fig.data[2].name  # scale label shown as text


def test_timeline_draws_bands_only_while_they_stay_readable():
    """Bands of more than two lines hide each other (issue 10): by default they are drawn for
    the overall line alone or with one competency, not for three lines."""
    three = build_timeline_figure(timeline_frame(), gartnerish())
    assert len(_by_role(three, "score")) == 3 and _by_role(three, "ci_band") == []
    two = build_timeline_figure(timeline_frame(), gartnerish(), competencies=["overall", "strategy"])
    assert len(_by_role(two, "ci_band")) == 2


def test_legend_sits_under_the_plot_and_never_on_the_title():
    fig = build_radar_figure(gartnerish(), [RadarSeries("Now", {"vision": 3.0}, "current"), RadarSeries("Before", {"vision": 2.0}, "previous")], "A title")
    legend, margin = fig.layout.legend, fig.layout.margin
    assert (legend.yref, legend.yanchor, legend.y) == ("container", "bottom", 0.005)
    assert fig.layout.title.yref == "container" and fig.layout.title.yanchor == "top"
    assert margin.b >= 70  # room under the plot for up to three rows of legend


def test_long_competency_names_wrap_on_the_radar_and_the_heatmap():
    model = gartnerish()
    data = model.model_dump()
    data["competencies"][0]["name"] = "Processes and management of the customer journey"
    from cxmaturity.models import parse_model as _parse

    long_model = _parse(data)
    radar = build_radar_figure(long_model, [RadarSeries("Now", {c.id: 3.0 for c in long_model.competencies}, "current")], "t")
    labels = radar.data[0].theta
    assert all(len(line) <= 14 for label in labels for line in label.split("<br>")), labels


def test_an_item_just_under_the_mean_is_not_drawn_as_pulling_down():
    import pandas as pd

    model = gartnerish()
    items = pd.DataFrame(
        [
            {"competency": "vision", "competency_name": "Vision", "item": "a", "text": "A", "mean": 3.0, "n": 10},
            {"competency": "vision", "competency_name": "Vision", "item": "b", "text": "B", "mean": 2.5, "n": 10},
            {"competency": "vision", "competency_name": "Vision", "item": "c", "text": "C", "mean": 3.8, "n": 10},
        ]
    )
    fig = build_item_bars_figure(items, model, "vision", competency_mean=3.10)
    colours = dict(zip(fig.data[0].y, fig.data[0].marker.color, strict=True))
    assert colours["A"] == PALETTE["current"]  # 3.0 against 3.10: not clearly below
    assert colours["B"] == PALETTE["decline"]  # 2.5: 0.6 below
    assert colours["C"] == PALETTE["current"]

