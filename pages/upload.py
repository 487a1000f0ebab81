"""Upload: template, file check with every problem listed, preview, then save in one go."""

import datetime as dt

import streamlit as st

import ui
from cxmaturity import services
from cxmaturity.errors import StoreError
from cxmaturity.views import upload as upload_view

ui.page_setup("pages/upload.py")

st.title("Upload an assessment")
message = st.session_state.pop("upload_message", None)
if message is not None:
    kind, text = message
    (st.success if kind == "success" else st.info)(text)
models = services.models()
names = {m.id: m.name for m in models.values()}

with st.expander("1. Download a questionnaire template", expanded=False):
    template_model = st.selectbox("Model", list(names), format_func=names.get, key="template_model")
    st.download_button(
        "Download CSV template",
        data=upload_view.template_csv(template_model).encode("utf-8-sig"),
        file_name=f"cxmaturity-template-{template_model}.csv",
        mime="text/csv",
    )
    st.caption("One row per respondent. Exports from Google Forms, Microsoft Forms, Qualtrics and SurveyMonkey work too.")

st.subheader("2. Upload the answers")
model_choice = st.selectbox(
    "Maturity model",
    ["auto", *names],
    format_func=lambda m: "Recognise from the columns" if m == "auto" else names[m],
    key="upload_model",
)
uploaded = st.file_uploader("Survey file (CSV or Excel .xlsx)", type=["csv", "txt", "tsv", "xlsx"], key="upload_file")
if uploaded is None:
    st.stop()

preview = upload_view.preview_upload(uploaded.getvalue(), uploaded.name, None if model_choice == "auto" else model_choice)
if not preview.ok:
    st.error(f"{len(preview.problems)} problem(s) in {ui.md(uploaded.name)}. Nothing has been saved; fix them and upload again.")
    st.dataframe(preview.problems, hide_index=True, width="stretch")
    st.stop()

survey = preview.survey
score = preview.score
FORMATS = {"csv": "CSV", "xlsx": "Excel workbook", "qualtrics": "Qualtrics export", "surveymonkey": "SurveyMonkey export",
           "google-forms": "Google Forms export", "microsoft-forms": "Microsoft Forms export"}
st.success(
    f"{ui.md(uploaded.name)} is ready: {score.respondents} respondents, {preview.model_name}"
    + (" (recognised from the columns)" if survey.model_detected else "")
    + f". Read as {FORMATS.get(survey.export_format, survey.export_format)}."
)
for warning in preview.warnings:
    st.warning(ui.md(warning))
for org_name, assessment_id in upload_view.where_stored(preview, ui.current_user()):
    st.info(f"This exact file is already stored for {ui.md(org_name)} as assessment #{assessment_id}.")

st.subheader("3. Preview (not saved yet)")
o = score.overall
c1, c2, c3 = st.columns(3)
c1.metric("Overall level", f"{o.level} · {o.level_name}" if o.level else "–")
c2.metric("Overall score", f"{ui.fmt(o.score)} / {survey.model.scale.max}" if o.points is None else f"{o.points} / {survey.model.points_max} points")
c3.metric("Respondents", score.respondents)
ui.chart(preview.radar)

st.subheader("4. Save")
user = ui.current_user()
orgs = [o.name for o in services.list_organisations(user=user) if user.can_write(o.name)]
NEW = "New organisation…"
with st.form("save_assessment"):
    # only administrators create organisations; analysts save into theirs
    org_choice = st.selectbox("Organisation", [*orgs, NEW] if user.may_create_organisations else orgs, key="save_org")
    new_name = industry = size = region = ""
    if user.may_create_organisations:
        new_name = st.text_input("New organisation name", key="save_new_org", max_chars=200)
        c1, c2, c3 = st.columns(3)
        industry = c1.text_input("Industry (new organisation)", key="save_industry")
        size = c2.text_input("Size band (new organisation)", key="save_size")
        region = c3.text_input("Region (new organisation)", key="save_region")
    c1, c2 = st.columns(2)
    date = c1.date_input("Assessment date", value=dt.date.today(), key="save_date", format="DD/MM/YYYY")
    label = c2.text_input("Label", placeholder="e.g. Spring 2026 wave", key="save_label", max_chars=200)
    submitted = st.form_submit_button("Save assessment", type="primary")

if submitted:
    org = new_name.strip() if org_choice == NEW else org_choice
    if not org:
        st.error("Choose an organisation, or give the new organisation a name.")
        st.stop()
    try:
        assessment_id, created = upload_view.save_upload(
            preview, org, date, label.strip() or None, industry.strip() or None, size.strip() or None,
            region.strip() or None, user=user,
        )
    except StoreError as exc:
        st.error(str(exc))
        st.stop()
    if created:
        st.session_state["upload_message"] = ("success", f"Saved as assessment #{assessment_id} for {ui.md(org)}. It now appears in Overview and Progress.")
        ui.select_after_rerun(org, survey.model.id, assessment_id)
    else:
        st.session_state["upload_message"] = (
            "info",
            f"This file is already stored for {ui.md(org)} as assessment #{assessment_id}; nothing was saved twice.",
        )
    st.rerun()
