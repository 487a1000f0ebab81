"""Competencies: one competency in depth — agreement, practices, departments, level descriptions."""

import streamlit as st

import ui
from cxmaturity import rules, services
from cxmaturity.views.competencies import download_files

ui.page_setup("pages/competencies.py")

sel = ui.require_assessment()
model = services.model(sel.model_id)
names = {c.id: c.name for c in model.competencies}
title_slot = st.empty()  # the title names the chosen competency but sits above the picker
competency_id = st.selectbox("Competency", list(names), format_func=names.get, key="competency")
view = ui.competency_view(sel.org, sel.model_id, sel.assessment_id, competency_id, ui.data_version())
s = view.score

title_slot.title(f"{s.name}: level {s.level} {s.level_name}" if s.level else s.name)
st.caption(ui.md(view.description) + ui.mark(view.description_mark) + (ui.mark(f"the name {view.name_mark}") if view.name_mark else ""))
if view.guiding_question:
    st.markdown(f"*Guiding question:* {ui.md(view.guiding_question)}")

cols = st.columns(3)
cols[0].metric("Score", f"{ui.fmt(s.score)} / {model.scale.max}")
cols[1].metric("Level", f"{s.level} {s.level_name}" if s.level else "–")
cols[2].metric("Respondents", s.n)

if view.focus is not None:
    st.subheader("What to work on")
    ui.focus_summary(view.focus)
    ui.shared_next_levels([view.focus])
    ui.focus_details(view.focus, quotes=True)

with st.expander("Details for analysts: confidence, spread and reliability"):
    cols = st.columns(3)
    cols[0].metric("95% confidence interval", f"{ui.fmt(s.ci95[0])} – {ui.fmt(s.ci95[1])}" if s.ci95 else "–",
                   help="Where the score of everyone asked most likely lies; the fewer respondents, the wider.")
    cols[1].metric(
        "Spread (sd)", ui.fmt(s.sd), help="Standard deviation of respondents' scores: under 0.5 they broadly agree; over 1 opinions differ widely."
    )
    cols[2].metric(
        "Reliability (alpha)",
        ui.fmt(s.alpha),
        help="Cronbach's alpha of the competency's items: 0.7 or more means the items measure one thing consistently. "
        "Not available for a single item or fewer than 3 complete answers.",
    )

# one chart per row: side by side the item texts squeeze the plots to nothing
if view.item_figure is not None:
    ui.chart(view.item_figure)
    if view.items_ours:
        st.caption("The statements of this questionnaire were written by this project: the source gives none.")
for item, note in view.item_notes:
    st.caption(f"{ui.md(item)}: {ui.md(note)}")
ui.chart(view.distribution_figure)
ui.chart(view.heatmap)
if view.suppressed_groups:
    st.caption(
        f"{view.suppressed_groups} of {view.group_count} departments are hidden: fewer than {rules.MIN_GROUP_SIZE} respondents, "
        "or hidden too so that a smaller department's score cannot be worked out from the total."
    )

if view.group_count:
    files = download_files(view.breakdown, "scores-by-department")
    cols = st.columns(len(files) + 3)
    for col, (kind, (data, name, mime)) in zip(cols, files.items(), strict=False):
        col.download_button(f"Download {kind}", data=data, file_name=name, mime=mime, key=f"download_{kind}")

st.subheader("Level descriptions")
for lv in view.levels:
    marker = " ← you are here" if lv["current"] else ""
    with st.expander(f"Level {lv['number']}: {ui.md(lv['name'])}{marker}", expanded=lv["current"]):
        st.markdown(ui.md(lv["description"]) + ui.mark(lv["mark"]))
        if lv["name_mark"]:
            st.caption(f"The level's name: {lv['name_mark']}.")
