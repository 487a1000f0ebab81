"""Overview: where are we, compared with whom, are we improving, what next."""

import streamlit as st

import ui
from cxmaturity import rules
from cxmaturity.views.overview import ANALYST_NOTES

ui.page_setup("pages/overview.py")

sel = ui.require_assessment()
view = ui.overview(sel.org, sel.model_id, sel.assessment_id, ui.data_version())
h = view.headline

# the answer in words first: level, overall change and its verdict (rule 9)
st.title(h.title)
st.markdown(f"### {ui.md(h.change_sentence)}")
when = ui.fmt_day(h.date) + (f" · {ui.md(h.label)}" if h.label else "")
st.caption(f"{ui.md(h.organisation)} · {ui.md(h.model_name)} · {when} · {h.respondents} respondents")
ui.board_report_button(sel, h.date)

for statement in view.benchmark:
    st.info(
        f"**Against published figures:** {ui.md(statement.text)}  \n{ui.md(statement.source)}",
        icon=":material/public:",
    )
if view.benchmark:
    st.page_link("pages/models.py", label="The source's own words, beside their translation", icon=":material/menu_book:")

st.subheader("Competencies" + (f" — change since {ui.fmt_month(view.previous_date)}" if view.previous_date else ""))
for start in range(0, len(view.cards), 4):  # rows of four: on a phone they stack in reading order
    card_cols = st.columns(4)
    for i, card in enumerate(view.cards[start : start + 4]):
        real_change = card.verdict in (rules.IMPROVED, rules.DECLINED)
        delta = f"{card.delta:+.2f} ({card.verdict})" if card.delta is not None else None
        card_cols[i].metric(
            card.name,
            f"{ui.fmt(card.score)} · L{card.level}" if card.level else ui.fmt(card.score),
            delta=delta,
            delta_color="normal" if real_change else "off",
            help=f"Level {card.level} {card.level_name or ''}; {card.n} respondents. A change is coloured only when it is "
            f"statistically clear (p < {rules.SIGNIFICANCE}).",
        )

left, right = st.columns([3, 2])
with left:
    ui.chart(view.radar)
    if view.peer_organisations is None:
        st.caption(f"Peer median not shown: fewer than {rules.MIN_PEER_ORGANISATIONS} other organisations use this model here.")
with right:
    st.subheader("Focus next: weakest competencies")
    for focus in view.focus:
        with st.container(border=True):
            ui.focus_summary(focus)
        ui.focus_details(focus, quotes=False)
    ui.shared_next_levels(view.focus)
    if view.strongest:
        st.subheader("Strongest competencies")
        for item in view.strongest:
            st.markdown(f"**{ui.md(item.name)}** — {ui.fmt(item.score)}, level {item.level} {ui.md(item.level_name or '')}")

with st.expander("Details for analysts: confidence, spread, reliability and the tests behind the verdicts"):
    st.markdown(ANALYST_NOTES)
    ui.dataframe(
        view.details,
        hide_index=True,
        column_config={
            "Score": st.column_config.NumberColumn(format="%.2f"),
            "Spread (sd)": st.column_config.NumberColumn(format="%.2f"),
            "Reliability (alpha)": st.column_config.NumberColumn(format="%.2f"),
            "Change": st.column_config.NumberColumn(format="%+.2f"),
            "Effect size (d)": st.column_config.NumberColumn(format="%+.2f"),
        },
    )
