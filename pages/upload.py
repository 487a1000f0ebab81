"""Upload: template, file check with every problem listed, preview, then save where the user means."""

import datetime as dt
import hashlib

import streamlit as st

import ui
from cxmaturity import services
from cxmaturity.errors import StoreError, SurveyValidationError
from cxmaturity.views import upload as upload_view

ui.page_setup("pages/upload.py")

st.title("Upload an assessment")
models = services.models()
names = {m.id: m.name for m in models.values()}
user = ui.current_user()

with st.expander("1. Download a questionnaire template", expanded=False):
    template_model = st.selectbox("Model", list(names), format_func=names.get, key="template_model")
    excel, csv = st.columns(2)
    excel.download_button(
        "Download the questionnaire (Excel)",
        data=upload_view.questionnaire_workbook(template_model),
        file_name=f"cxmaturity-questionnaire-{template_model}.xlsx",
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        help="The statements as column headers, the answer scale as a dropdown in every cell, and instructions. "
        "Upload it back as it is.",
    )
    csv.download_button(
        "Download CSV template",
        data=upload_view.template_csv(template_model).encode("utf-8-sig"),
        file_name=f"cxmaturity-template-{template_model}.csv",
        mime="text/csv",
        help="Item ids as headers, for survey tools.",
    )
    st.caption(
        "One row per respondent. Or collect the answers in the app with a survey wave. Exports from Google Forms, "
        "Microsoft Forms, Qualtrics and SurveyMonkey work too."
    )

st.subheader("2. Upload the answers")
model_choice = st.selectbox(
    "Maturity model",
    ["auto", *names],
    format_func=lambda m: "Recognise from the columns" if m == "auto" else names[m],
    key="upload_model",
)
# a new key after each save empties the uploader: the page starts afresh
upload_round = st.session_state.setdefault("upload_round", 0)
uploaded = st.file_uploader(
    "Survey file (CSV or Excel .xlsx)", type=["csv", "txt", "tsv", "xlsx"], key=f"upload_file_{upload_round}"
)

saved = st.session_state.get("upload_saved")
if uploaded is None:
    if saved is not None:
        kind, text, org, model_id, assessment_id = saved
        (st.success if kind == "success" else st.info)(text)
        if assessment_id is not None:
            if st.button("Open its Overview", icon=":material/dashboard:", key="open_saved"):
                ui.select_after_rerun(org, model_id, assessment_id)
                st.session_state.pop("upload_saved", None)
                st.switch_page(ui.OVERVIEW_PAGE)
    st.stop()
st.session_state.pop("upload_saved", None)

# parse once per file and model choice: reruns (typing a label, choosing a date) reuse it
data = uploaded.getvalue()
preview_key = (hashlib.sha256(data).hexdigest(), uploaded.name, model_choice)
if st.session_state.get("upload_preview_key") != preview_key:
    st.session_state["upload_preview"] = upload_view.preview_upload(data, uploaded.name, None if model_choice == "auto" else model_choice)
    st.session_state["upload_preview_key"] = preview_key
preview = st.session_state["upload_preview"]

if not preview.ok:
    st.error(f"{len(preview.problems)} problem(s) in {ui.md(uploaded.name)}. Nothing has been saved; fix them and upload again.")
    st.table(ui.safe_rows(preview.problems))
    st.stop()

survey = preview.survey
score = preview.score
FORMATS = {"csv": "CSV", "xlsx": "Excel workbook", "qualtrics": "Qualtrics export", "surveymonkey": "SurveyMonkey export",
           "google-forms": "Google Forms export", "microsoft-forms": "Microsoft Forms export"}
st.success(
    f"{ui.md(uploaded.name)} is ready: {score.respondents} respondents, {ui.md(preview.model_name)}"
    + (" (recognised from the columns)" if survey.model_detected else "")
    + f". Read as {FORMATS.get(survey.export_format, survey.export_format)}."
)
for warning in preview.warnings:
    st.warning(ui.md(warning))
for org_name, assessment_id in upload_view.where_stored(preview, user):
    st.info(f"This exact file is already stored for {ui.md(org_name)} as assessment #{assessment_id}.")

st.subheader("3. Preview (not saved yet)")
o = score.overall
c1, c2, c3 = st.columns(3)
c1.metric("Overall level", f"{o.level} · {o.level_name}" if o.level else "–")
c2.metric("Overall score", f"{ui.fmt(o.score)} / {survey.model.scale.max}" if o.points is None else f"{o.points} / {survey.model.points_max} points")
c3.metric("Respondents", score.respondents)
ui.chart(preview.radar)

st.subheader("4. Save")
choices = upload_view.save_choices(user, ui.selection().org)
modes = {upload_view.EXISTING: "An existing organisation", upload_view.NEW: "A new organisation"}
available = [m for m in modes if m == upload_view.EXISTING and choices.organisations or m == upload_view.NEW and choices.may_create]
if not available:
    st.error("Your account may not save into any organisation. Ask an administrator.")
    st.stop()
mode = st.radio(
    "Save to", available, format_func=modes.get, horizontal=True, key="save_mode",
    index=available.index(choices.default_mode) if choices.default_mode in available else 0,
)
industry = size = region = None
if mode == upload_view.EXISTING:
    org = st.selectbox(
        "Organisation",
        choices.organisations,
        index=choices.organisations.index(choices.default) if choices.default else None,
        placeholder="Choose an organisation",
        format_func=lambda n: f"{n} (sample data)" if n in choices.demo and "sample data" not in n else n,
        key="save_org",
    )
else:
    org = st.text_input("Name of the new organisation", key="save_new_org", max_chars=200).strip() or None
    c1, c2, c3 = st.columns(3)
    industry = c1.text_input("Industry", key="save_industry").strip() or None
    size = c2.text_input("Size band", key="save_size", placeholder="e.g. 1,000–4,999").strip() or None
    region = c3.text_input("Region", key="save_region").strip() or None
c1, c2 = st.columns(2)
date = c1.date_input("Assessment date", value=dt.date.today(), key="save_date", format="DD/MM/YYYY")
label = c2.text_input("Label", placeholder="e.g. Spring 2026 wave", key="save_label", max_chars=200).strip() or None

target = f"Save to {org}" if org else "Save"
if st.button(target, type="primary", disabled=org is None, key="save_button"):
    try:
        assessment_id, created = upload_view.save_upload(
            preview, org, date, label, industry, size, region, user=user, new=mode == upload_view.NEW
        )
    except (StoreError, SurveyValidationError) as exc:
        st.error(ui.md(str(exc)))
        st.stop()
    if created:
        text = f"Saved {ui.md(uploaded.name)} as assessment #{assessment_id} of {ui.md(org)} ({ui.fmt_day(date)})."
        st.session_state["upload_saved"] = ("success", text, org, survey.model.id, assessment_id)
        ui.select_after_rerun(org, survey.model.id, assessment_id)
    else:
        text = f"This file is already stored for {ui.md(org)} as assessment #{assessment_id}; nothing was saved twice."
        st.session_state["upload_saved"] = ("info", text, org, survey.model.id, assessment_id)
    st.session_state["upload_round"] = upload_round + 1
    for key in ("upload_preview", "upload_preview_key", "save_new_org", "save_label"):
        st.session_state.pop(key, None)
    st.rerun()
if org is None:
    st.caption("Choose the organisation, or type the new organisation's name, to save.")
