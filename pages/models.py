"""Models & sources: every model's competencies, levels and descriptors, and every benchmark with its source."""

import streamlit as st

from cxmaturity import dashboard

import ui

ui.page_setup("pages/models.py")

st.title("Models & sources")
models = dashboard.models()
names = {m.id: m.name for m in models.values()}
model_id = st.selectbox("Model", list(names), format_func=names.get, key="models_page_model")
model = models[model_id]

st.markdown(f"**Source:** {model.source.organisation}, as described in `{model.source.document}`"
            + (f" ({model.source.publisher})" if model.source.publisher else ""))
if model.description:
    st.write(model.description)
scale = ", ".join(f"{k} = {v}" for k, v in sorted(model.scale.labels.items()))
st.caption(f"Answer scale: {scale}.")
if model.points_max:
    st.caption(f"Scored in points: items × block score, {model.points_max} points at most.")

st.subheader("Levels")
st.dataframe(
    [
        {
            "Level": lv.number,
            "Name": lv.name,
            "Band": f"{lv.band[0]:g} – {lv.band[1]:g}",
            "Description": lv.description,
            "Text": "written by this project" if lv.ours else "source document",
        }
        for lv in model.levels
    ],
    hide_index=True,
    width="stretch",
)

matrix = dashboard.descriptor_matrix(model)
if matrix is not None:
    st.subheader("Descriptor matrix")
    st.dataframe(matrix, hide_index=True, width="stretch")

st.subheader("Competencies and items")
for comp in model.competencies:
    with st.expander(f"{comp.name} — {len(comp.items)} item(s)" + (" · name by this project" if comp.ours else "")):
        st.write(comp.description)
        if comp.guiding_question:
            st.markdown(f"*Guiding question:* {comp.guiding_question}")
        for item in comp.items:
            st.markdown(f"- `{item.id}`: {item.text}")

st.subheader("Published figures and their sources")
st.caption("Every benchmark figure the dashboard shows comes from this table; nothing is estimated or derived.")
rows = dashboard.programme_figures()
st.dataframe([{k: v for k, v in r.items() if k not in ("kind",)} for r in rows], hide_index=True, width="stretch")
if model.notes:
    with st.expander("Notes on the source text"):
        st.write(model.notes)
