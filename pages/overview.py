"""Overview: where are we, compared with whom, are we improving, what next."""

import streamlit as st

import ui
from cxmaturity import i18n, rules
from cxmaturity.i18n import _, ngettext
from cxmaturity.views import format as formats
from cxmaturity.views.overview import analyst_notes

ui.page_setup("pages/overview.py")

sel = ui.require_assessment()
view = ui.overview(sel.org, sel.model_id, sel.assessment_id, ui.data_version())
h = view.headline

# the answer in words first: level, overall change and its verdict (rule 9)
st.title(h.title)
st.markdown(f"### {ui.md(h.change_sentence)}")
respondents = ngettext("{n} respondent", "{n} respondents", h.respondents).format(
    n=formats.integer(h.respondents)
)
parts = [i18n.isolate(ui.md(h.organisation)), ui.md(h.model_name), ui.fmt_day(h.date)]
if h.label:
    parts.append(i18n.isolate(ui.md(h.label)))
st.caption(formats.sep().join([*parts, respondents]))
ui.board_report_button(sel, h.date)

for statement in view.benchmark:
    st.info(
        "**"
        + _("Against published figures:")
        + f"** {ui.md(statement.text)}  \n{ui.md(statement.source)}",
        icon=":material/public:",
    )
if view.benchmark:
    st.page_link(
        "pages/models.py",
        label=_("The source's own words, beside their translation"),
        icon=":material/menu_book:",
    )

if view.previous_date:
    st.subheader(
        _("Competencies — change since {month}").format(month=ui.fmt_month(view.previous_date))
    )
else:
    st.subheader(_("Competencies"))
for start in range(0, len(view.cards), 4):  # rows of four: on a phone they stack in reading order
    card_cols = st.columns(4)
    for i, card in enumerate(view.cards[start : start + 4]):
        real_change = card.verdict in (rules.IMPROVED, rules.DECLINED)
        delta = (
            f"{formats.number(card.delta, signed=True)} ({formats.verdict(card.verdict)})"
            if card.delta is not None
            else None
        )
        value = ui.fmt(card.score)
        if card.level:
            value += formats.sep() + _("L{number}").format(number=formats.integer(card.level))
        card_cols[i].metric(
            card.name,
            value,
            delta=delta,
            delta_color="normal" if real_change else "off",
            help=ngettext(
                "Level {level} {level_name}; {n} respondent. A change is coloured only when it is "
                "statistically clear (p < {significance}).",
                "Level {level} {level_name}; {n} respondents. A change is coloured only when it is "
                "statistically clear (p < {significance}).",
                card.n,
            ).format(
                level=formats.integer(card.level),
                level_name=card.level_name or "",
                n=formats.integer(card.n),
                significance=formats.number(rules.SIGNIFICANCE),
            ),
        )

left, right = st.columns([3, 2])
with left:
    ui.chart(view.radar)
    if view.peer_organisations is None:
        st.caption(
            ngettext(
                "Peer median not shown: fewer than {count} other organisation uses this model here.",
                "Peer median not shown: fewer than {count} other organisations use this model here.",
                rules.MIN_PEER_ORGANISATIONS,
            ).format(count=formats.integer(rules.MIN_PEER_ORGANISATIONS))
        )
with right:
    st.subheader(_("Focus next: weakest competencies"))
    for focus in view.focus:
        with st.container(border=True):
            ui.focus_summary(focus)
        ui.focus_details(focus, quotes=False)
    ui.shared_next_levels(view.focus)
    if view.strongest:
        st.subheader(_("Strongest competencies"))
        for item in view.strongest:
            st.markdown(
                f"**{ui.md(item.name)}** — "
                + _("{score}, level {level} {level_name}").format(
                    score=ui.fmt(item.score),
                    level=formats.integer(item.level),
                    level_name=ui.md(item.level_name or ""),
                )
            )

with st.expander(
    _("Details for analysts: confidence, spread, reliability and the tests behind the verdicts")
):
    st.markdown(analyst_notes())
    ui.dataframe(
        view.details,
        hide_index=True,
        column_config={
            _("Score"): st.column_config.NumberColumn(format="%.2f"),
            _("Spread (sd)"): st.column_config.NumberColumn(format="%.2f"),
            _("Reliability (alpha)"): st.column_config.NumberColumn(format="%.2f"),
            _("Change"): st.column_config.NumberColumn(format="%+.2f"),
            _("Effect size (d)"): st.column_config.NumberColumn(format="%+.2f"),
        },
    )
