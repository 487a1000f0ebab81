"""Models & sources: every model's competencies, levels and descriptors, and every benchmark with its source."""

import streamlit as st

import ui
from cxmaturity import services
from cxmaturity.benchmarks import document_title
from cxmaturity.models import NAME_OURS, provenance
from cxmaturity.views.benchmarks import figure_passages, programme_figures
from cxmaturity.views.models_page import descriptor_matrix

ui.page_setup("pages/models.py")

st.title("Models & sources")
models = services.models()
names = {m.id: m.name for m in models.values()}
current = ui.selection().model_id
model_id = st.selectbox(
    "Model", list(names), format_func=names.get, key="models_page_model",
    index=list(names).index(current) if current in names else 0,
)
model = models[model_id]

st.markdown(
    f"**Source:** {ui.md(model.source.organisation)}, as described in {ui.md(document_title(model.source.document))} "
    f"[`{model.source.document}`]"
)
if model.description:
    st.markdown(ui.md(model.description) + ui.mark(provenance(model)))
scale = ", ".join(f"{k} = {v}" for k, v in sorted(model.scale.labels.items()))
st.caption(f"Answer scale: {ui.md(scale)}." + ui.mark(provenance(model.scale)))
if model.points_max:
    st.caption(f"Scored in points: items × block score, {model.points_max} points at most.")

st.subheader("Levels")
st.table(
    [
        {
            "Level": lv.number,
            "Name": lv.name,
            "Band": f"{lv.band[0]:g} – {lv.band[1]:g}",
            "Description": lv.description,
            "Text": "written by this project" if lv.ours else "source document",
            "Name from": provenance(lv, "name") or "source document",
        }
        for lv in model.levels
    ],
)

matrix = descriptor_matrix(model)
if matrix is not None:
    st.subheader("Descriptor matrix")
    st.caption("What each level looks like for each competency; respondents choose the description that fits best.")
    st.table(matrix.set_index("Competency"))

st.subheader("Competencies and items")
for comp in model.competencies:
    with st.expander(f"{ui.md(comp.name)} — {len(comp.items)} item(s)" + (f" · {NAME_OURS}" if comp.ours else "")):
        st.markdown(ui.md(comp.description) + ui.mark(provenance(comp, "description")))
        if comp.guiding_question:
            st.markdown(f"*Guiding question:* {ui.md(comp.guiding_question)}")
        for item in comp.items:
            st.markdown(f"- `{item.id}`: {ui.md(item.text)}{ui.mark(provenance(item))}")
            if item.note:
                st.caption(ui.md(item.note))

st.subheader("Published figures and their sources")
st.caption("Every benchmark figure the dashboard shows comes from this table: published figures and sums of them, nothing estimated.")
rows = programme_figures()
st.table([{k: ("–" if v is None else str(v)) for k, v in r.items() if k not in ("kind", "model")} for r in rows])

st.subheader("What the sources say, in their own words")
st.caption(
    "Each figure's passage as the source document states it, beside its English translation "
    "(the translation is the project's; the original is the truth)."
)
for passage in figure_passages():
    with st.expander(f"{ui.md(passage.figure)} — {ui.md(passage.measures)}"):
        english, original = st.columns(2)
        english.markdown(f"**English** (the project's translation)  \n{ui.md(passage.english)}")
        if passage.original:
            original.markdown(f"**Original ({ui.md(passage.language or 'source language')})**  \n{ui.md(passage.original)}")
        st.caption(f"Source: {ui.md(passage.document)}")
if model.notes:
    with st.expander("Notes on the source text"):
        st.markdown(ui.md(model.notes))
