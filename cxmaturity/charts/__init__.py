"""Chart builders: functions that return plotly figures, for an executive audience.

No Streamlit here (design.md §7): pages call these builders and render the figure.

Conventions every builder follows, so charts look alike on every page:

- One colour-blind-safe palette (Okabe–Ito), with fixed roles in :data:`PALETTE`: the current
  assessment is always blue, the previous one grey, targets orange, the peer median green and
  a decline red. Many competencies cycle through :data:`QUALITATIVE` and then dash styles.
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

from cxmaturity.charts.change import build_change_figure
from cxmaturity.charts.departments import build_department_heatmap_figure
from cxmaturity.charts.items import build_item_bars_figure
from cxmaturity.charts.levels import (
    build_answer_distribution_figure,
    build_level_distribution_figure,
)
from cxmaturity.charts.peers import build_peer_box_figure
from cxmaturity.charts.radar import RadarSeries, build_radar_figure
from cxmaturity.charts.style import (
    PALETTE,
    PLOTLY_CONFIG,
    QUALITATIVE,
    SEQUENTIAL,
    level_label,
    level_ticks,
    plain_text,
)
from cxmaturity.charts.targets import build_targets_figure
from cxmaturity.charts.timeline import build_timeline_figure

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
