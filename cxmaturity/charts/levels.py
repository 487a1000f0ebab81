"""Distributions over the levels: published benchmarks, and how respondents answered an item."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from cxmaturity.charts.style import (
    FONT_SIZE,
    PALETTE,
    SEQUENTIAL,
    SMALL_FONT_SIZE,
    _axis,
    _digits,
    _empty,
    _integer,
    _note_below,
    _num,
    _percent,
    _style,
    _wrap,
    level_label,
    plain_text,
)
from cxmaturity.i18n import _
from cxmaturity.models import MaturityModel

# --- 2. benchmark distribution -------------------------------------------------------------


LABEL_WRAP = 14  # characters a line of a bar's label: three bars side by side fit a 390 px phone


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
        raw_label = fig_dict.get("label") or ", ".join(
            _("L{number}").format(number=_digits(lv)) for lv in levels
        )
        # short lines under the bars: on a phone, plotly turns labels that collide on their side
        label = _wrap(raw_label, LABEL_WRAP)
        display = fig_dict.get("display")
        display_text = plain_text(display) if display else _percent(pct, compact=True)
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
        lines = [f"<b>{plain_text(raw_label)}</b>", _("{share} of companies").format(share=display_text)]
        if names:
            lines.append(_wrap(names, 60) if len(names) > 60 else names)
        if fig_dict.get("source"):
            lines.append(_("Source: {source}").format(source=_wrap(fig_dict["source"], 70)))
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
            name=_("Share of companies"),
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
            text=("<b>" + _("You are here") + "</b>" + (f" ({level_label(lv)})" if lv else "")),
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
        title or _("How companies are spread across the maturity levels (published benchmark)"),
        legend=False,
        height=460 + 18 * (caption_lines - 1),
        margin={"b": caption_shift + 20 * caption_lines + 16, "l": 60},
    )
    fig.update_layout(
        xaxis=_axis(title="", showgrid=False, type="category"),
        yaxis=_axis(
            title=_("Share of companies (%)"),
            range=[0, top],
            tickvals=ticks,
            ticktext=[_percent(t, compact=True) for t in ticks],
        ),
        bargap=0.35,
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
    heading = title or _("{competency}: how respondents answered").format(competency=comp.name)
    if counts.empty or int(counts.to_numpy().sum()) == 0:
        return _empty(_style(fig, heading, legend=False), _("No answers for this competency."))
    values = list(counts.columns)
    ramp = [
        SEQUENTIAL[round(i * (len(SEQUENTIAL) - 1) / max(len(values) - 1, 1))][1]
        for i in range(len(values))
    ]
    anchored = model.item_anchoring == "descriptor"
    y = [
        _wrap(texts.get(item, item), 18) for item in counts.index
    ]  # short lines: a phone is narrow
    totals = counts.sum(axis=1).replace(0, 1)
    for idx, value in enumerate(values):
        label = model.scale.labels.get(int(value), str(value))
        name = (
            level_label(model.level(int(value)))
            if anchored and 1 <= int(value) <= len(model.levels)
            else f"{_digits(value)} {label}"
        )
        share = (counts[value] / totals * 100).tolist()
        fig.add_trace(
            go.Bar(
                orientation="h",
                x=share,
                y=y,
                name=plain_text(name),
                marker={"color": ramp[idx], "line": {"color": "white", "width": 1}},
                text=[_percent(s) if s >= 6 else "" for s in share],
                textposition="inside",
                insidetextfont={"color": "white" if idx >= len(values) / 2 else PALETTE["text"]},
                hovertext=[
                    plain_text(name)
                    + "<br>"
                    + _("{count} of {total} respondents ({share})").format(
                        count=_integer(int(n)), total=_integer(int(t)), share=_percent(s)
                    )
                    for n, t, s in zip(counts[value], totals, share, strict=True)
                ],
                hoverinfo="text",
            )
        )
    fig.update_layout(
        barmode="stack",
        legend_traceorder="normal",
        xaxis=_axis(title=_("Share of respondents (%)"), range=[0, 100], ticksuffix="%"),
    )
    # one item (a descriptor-anchored competency): the title names it, the bar needs no label
    fig.update_yaxes(
        autorange="reversed",
        automargin=True,
        tickfont={"size": SMALL_FONT_SIZE},
        showticklabels=len(counts) > 1,
    )
    return _style(fig, heading, height=max(260, 130 + 60 * len(counts)))
