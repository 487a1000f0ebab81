"""Upload: template, file check with every problem listed, preview, then save where the user means."""

import datetime as dt
import hashlib

import streamlit as st

import ui
from cxmaturity import i18n, services, translations
from cxmaturity.errors import StoreError, SurveyValidationError
from cxmaturity.i18n import N_, _, ngettext
from cxmaturity.views import format as fmt
from cxmaturity.views import upload as upload_view

ui.page_setup("pages/upload.py")

st.title(_("Upload an assessment"))
models = services.models()
names = {m.id: translations.translated(None, m.id, "name", m.name) for m in models.values()}
user = ui.current_user()

with st.expander(_("1. Download a questionnaire template"), expanded=False):
    template_model = st.selectbox(
        _("Model"), list(names), format_func=names.get, key="template_model"
    )
    excel, csv = st.columns(2)
    excel.download_button(
        _("Download the questionnaire (Excel)"),
        data=upload_view.questionnaire_workbook(template_model),
        file_name=f"cxmaturity-questionnaire-{template_model}.xlsx",
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        help=_(
            "The statements as column headers, the answer scale as a dropdown in every cell, and instructions. "
            "Upload it back as it is."
        ),
    )
    csv.download_button(
        _("Download CSV template"),
        data=upload_view.template_csv(template_model).encode("utf-8-sig"),
        file_name=f"cxmaturity-template-{template_model}.csv",
        mime="text/csv",
        help=_("Item ids as headers, for survey tools."),
    )
    st.caption(
        _(
            "One row per respondent. Or collect the answers in the app with a survey wave. Exports from Google Forms, "
            "Microsoft Forms, Qualtrics and SurveyMonkey work too."
        )
    )

st.subheader(_("2. Upload the answers"))
model_choice = st.selectbox(
    _("Maturity model"),
    ["auto", *names],
    format_func=lambda m: _("Recognise from the columns") if m == "auto" else names[m],
    key="upload_model",
)
# a new key after each save empties the uploader: the page starts afresh
upload_round = st.session_state.setdefault("upload_round", 0)
uploaded = st.file_uploader(
    _("Survey file (CSV or Excel .xlsx)"),
    type=["csv", "txt", "tsv", "xlsx"],
    key=f"upload_file_{upload_round}",
)

saved = st.session_state.get("upload_saved")
if uploaded is None:
    if saved is not None:
        kind, text, org, model_id, assessment_id = saved
        (st.success if kind == "success" else st.info)(text)
        if assessment_id is not None:
            if st.button(_("Open its Overview"), icon=":material/dashboard:", key="open_saved"):
                ui.select_after_rerun(org, model_id, assessment_id)
                st.session_state.pop("upload_saved", None)
                st.switch_page(ui.OVERVIEW_PAGE)
    st.stop()
st.session_state.pop("upload_saved", None)

# parse once per file, model choice and language: reruns (typing a label, choosing a date) reuse it
data = uploaded.getvalue()
preview_key = (hashlib.sha256(data).hexdigest(), uploaded.name, model_choice, i18n.current())
if st.session_state.get("upload_preview_key") != preview_key:
    st.session_state["upload_preview"] = upload_view.preview_upload(
        data, uploaded.name, None if model_choice == "auto" else model_choice
    )
    st.session_state["upload_preview_key"] = preview_key
preview = st.session_state["upload_preview"]

if not preview.ok:
    count = len(preview.problems)
    st.error(
        ngettext(
            "{n} problem(s) in {file}. Nothing has been saved; fix them and upload again.",
            "{n} problem(s) in {file}. Nothing has been saved; fix them and upload again.",
            count,
        ).format(n=fmt.integer(count), file=i18n.isolate(ui.md(uploaded.name)))
    )
    st.table(ui.safe_rows(preview.problems))
    st.stop()

survey = preview.survey
score = preview.score
FORMATS = {
    "csv": N_("CSV"),
    "xlsx": N_("Excel workbook"),
    "qualtrics": N_("Qualtrics export"),
    "surveymonkey": N_("SurveyMonkey export"),
    "google-forms": N_("Google Forms export"),
    "microsoft-forms": N_("Microsoft Forms export"),
}
read_as = FORMATS.get(survey.export_format)
ready = dict(
    file=i18n.isolate(ui.md(uploaded.name)),
    n=fmt.integer(score.respondents),
    model=ui.md(preview.model_name),
    format=_(read_as) if read_as else ui.md(survey.export_format),
)
if survey.model_detected:
    ready_text = ngettext(
        "{file} is ready: {n} respondent, {model} (recognised from the columns). Read as {format}.",
        "{file} is ready: {n} respondents, {model} (recognised from the columns). Read as {format}.",
        score.respondents,
    )
else:
    ready_text = ngettext(
        "{file} is ready: {n} respondent, {model}. Read as {format}.",
        "{file} is ready: {n} respondents, {model}. Read as {format}.",
        score.respondents,
    )
st.success(ready_text.format(**ready))
for warning in preview.warnings:
    st.warning(ui.md(warning))
for org_name, assessment_id in upload_view.where_stored(preview, user):
    st.info(
        _("This exact file is already stored for {organisation} as assessment #{id}.").format(
            organisation=i18n.isolate(ui.md(org_name)), id=fmt.digits(assessment_id)
        )
    )

st.subheader(_("3. Preview (not saved yet)"))
o = score.overall
level_name = translations.level_name(survey.model.id, o.level, o.level_name)
if o.points is None:
    overall_score = f"{ui.fmt(o.score)} / {fmt.integer(survey.model.scale.max)}"
else:
    overall_score = ngettext(
        "{points} / {max} point", "{points} / {max} points", survey.model.points_max
    ).format(points=fmt.integer(o.points), max=fmt.integer(survey.model.points_max))
c1, c2, c3 = st.columns(3)
c1.metric(_("Overall level"), f"{fmt.integer(o.level)}{fmt.sep()}{level_name}" if o.level else "–")
c2.metric(_("Overall score"), overall_score)
c3.metric(_("Respondents"), fmt.integer(score.respondents))
ui.chart(preview.radar)

st.subheader(_("4. Save"))
choices = upload_view.save_choices(user, ui.selection().org)
modes = {
    upload_view.EXISTING: _("An existing organisation"),
    upload_view.NEW: _("A new organisation"),
}
available = [
    m
    for m in modes
    if (m == upload_view.EXISTING and choices.organisations)
    or (m == upload_view.NEW and choices.may_create)
]
if not available:
    st.error(_("Your account may not save into any organisation. Ask an administrator."))
    st.stop()
mode = st.radio(
    _("Save to"),
    available,
    format_func=modes.get,
    horizontal=True,
    key="save_mode",
    index=available.index(choices.default_mode) if choices.default_mode in available else 0,
)
industry = size = region = None
if mode == upload_view.EXISTING:
    org = st.selectbox(
        _("Organisation"),
        choices.organisations,
        index=choices.organisations.index(choices.default) if choices.default else None,
        placeholder=_("Choose an organisation"),
        format_func=lambda n: (
            _("{organisation} (sample data)").format(organisation=i18n.isolate(n))
            if n in choices.demo and "sample data" not in n
            else n
        ),
        key="save_org",
    )
else:
    org = (
        st.text_input(_("Name of the new organisation"), key="save_new_org", max_chars=200).strip()
        or None
    )
    c1, c2, c3 = st.columns(3)
    industry = c1.text_input(_("Industry"), key="save_industry").strip() or None
    size = (
        c2.text_input(_("Size band"), key="save_size", placeholder=_("e.g. 1,000–4,999")).strip()
        or None
    )
    region = c3.text_input(_("Region"), key="save_region").strip() or None
c1, c2 = st.columns(2)
date = c1.date_input(
    _("Assessment date"), value=dt.date.today(), key="save_date", format="DD/MM/YYYY"
)
label = (
    c2.text_input(
        _("Label"), placeholder=_("e.g. Spring 2026 wave"), key="save_label", max_chars=200
    ).strip()
    or None
)

target = _("Save to {organisation}").format(organisation=i18n.isolate(org)) if org else _("Save")
if st.button(target, type="primary", disabled=org is None, key="save_button"):
    try:
        assessment_id, created = upload_view.save_upload(
            preview,
            org,
            date,
            label,
            industry,
            size,
            region,
            user=user,
            new=mode == upload_view.NEW,
        )
    except (StoreError, SurveyValidationError) as exc:
        st.error(ui.md(str(exc)))
        st.stop()
    if created:
        text = _("Saved {file} as assessment #{id} of {organisation} ({date}).").format(
            file=i18n.isolate(ui.md(uploaded.name)),
            id=fmt.digits(assessment_id),
            organisation=i18n.isolate(ui.md(org)),
            date=ui.fmt_day(date),
        )
        st.session_state["upload_saved"] = ("success", text, org, survey.model.id, assessment_id)
        ui.select_after_rerun(org, survey.model.id, assessment_id)
    else:
        text = _(
            "This file is already stored for {organisation} as assessment #{id}; nothing was saved twice."
        ).format(organisation=i18n.isolate(ui.md(org)), id=fmt.digits(assessment_id))
        st.session_state["upload_saved"] = ("info", text, org, survey.model.id, assessment_id)
    st.session_state["upload_round"] = upload_round + 1
    for key in ("upload_preview", "upload_preview_key", "save_new_org", "save_label"):
        st.session_state.pop(key, None)
    st.rerun()
if org is None:
    st.caption(_("Choose the organisation, or type the new organisation's name, to save."))
