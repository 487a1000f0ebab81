"""Overview: where are we, compared with whom, are we improving, what next."""

import streamlit as st

import ui
from cxmaturity import rules

ui.page_setup("pages/overview.py")

sel = ui.require_assessment()
view = ui.overview(sel.org, sel.model_id, sel.assessment_id, ui.data_version())
h = view.headline

st.title(f"Level {h.level} of {h.level_count}: {h.level_name}" if h.level else "Overall level not available")
when = f"{h.date:%d %B %Y}" + (f" · {ui.md(h.label)}" if h.label else "")
st.caption(f"{ui.md(h.organisation)} · {ui.md(h.model_name)} · {when} · {h.respondents} respondents")

cols = st.columns(4)
cols[0].metric("Overall level", f"{h.level} · {h.level_name}" if h.level else "–")
score_help = "Mean of the competency scores on the model's scale; the 95% confidence interval shows how sure the estimate is."
cols[1].metric("Overall score", f"{ui.fmt(h.score)} / {h.scale_max}", help=score_help)
cols[2].metric(
    "95% confidence interval", f"{ui.fmt(h.ci95[0])} – {ui.fmt(h.ci95[1])}" if h.ci95 else "–"
)
if h.points is not None:
    cols[3].metric("Points", f"{h.points} / {h.points_max}")
else:
    cols[3].metric("Respondents", f"{h.respondents}")

for statement in view.benchmark:
    st.info(f"{ui.md(statement.text)}  \nSource: {ui.md(statement.source)}", icon=":material/public:")

st.subheader("Competencies" + (f" — change since {view.previous_date:%b %Y}" if view.previous_date else ""))
card_cols = st.columns(min(len(view.cards), 4))
for i, card in enumerate(view.cards):
    real_change = card.verdict in ("improved", "declined")
    delta = f"{card.delta:+.2f} ({card.verdict})" if card.delta is not None else None
    card_cols[i % len(card_cols)].metric(
        card.name,
        f"{ui.fmt(card.score)} · L{card.level}" if card.level else ui.fmt(card.score),
        delta=delta,
        delta_color="normal" if real_change else "off",
        help=f"{card.level_name or ''}; n = {card.n}. The change is coloured only when it is statistically clear (p < 0.05).",
    )

left, right = st.columns([3, 2])
with left:
    ui.chart(view.radar)
    if view.peer_organisations is None:
        st.caption(f"Peer median not shown: fewer than {rules.MIN_PEER_ORGANISATIONS} peer organisations with this model.")
with right:
    st.subheader("Focus next: weakest competencies")
    for item in view.weakest:
        with st.container(border=True):
            st.markdown(f"**{ui.md(item.name)}** — {ui.fmt(item.score)}, level {item.level} {ui.md(item.level_name or '')}")
            st.caption("Now: " + ui.md(item.current_description or "–"))
            if item.next_level_name:
                st.markdown(f"*Next, {ui.md(item.next_level_name)}:* {ui.md(item.next_description or '')}")
    if view.strongest:
        st.subheader("Strongest competencies")
        for item in view.strongest:
            st.markdown(f"**{ui.md(item.name)}** — {ui.fmt(item.score)}, level {item.level} {ui.md(item.level_name or '')}")
