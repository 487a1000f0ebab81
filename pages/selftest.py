"""Self-test: answer a model's questionnaire alone and see the result at once (source 004's
results page), then keep it as an assessment or let it go."""

import datetime as dt

import streamlit as st

import ui
from cxmaturity import i18n, services, translations
from cxmaturity.errors import StoreError
from cxmaturity.i18n import _
from cxmaturity.views import format as fmt
from cxmaturity.views import questionnaire as questionnaire_views

ui.page_setup("pages/selftest.py")

st.title(_("Self-test"))
st.caption(
    _(
        "Answer a model's questionnaire on your own and see where you stand at once. Nothing is stored "
        "unless you choose to save the result as an assessment."
    )
)
names = {
    m.id: translations.translated(None, m.id, "name", m.name) for m in services.models().values()
}
default = "points95" if "points95" in names else next(iter(names))
model_id = st.selectbox(
    _("Model"),
    list(names),
    format_func=names.get,
    index=list(names).index(default),
    key="selftest_model",
)
model = services.model(model_id)
form = questionnaire_views.questionnaire(model)
prefix = f"selftest_{model_id}"
result_key = f"{prefix}_result"

if result_key not in st.session_state:
    st.caption(questionnaire_views.form_summary(form))
    answers = ui.questionnaire(form, prefix, submit_label=_("See my result"))
    if answers is not None:
        if all(v is None for v in answers.values()):
            st.error(_("Answer at least one statement to see a result."))
        else:
            st.session_state[result_key] = answers
            st.rerun()
    st.stop()

answers = st.session_state[result_key]
result = questionnaire_views.self_test_result(model, answers)
st.markdown(f"### {ui.md(result.headline)}")
if result.level_description:
    st.markdown(ui.md(result.level_description) + ui.mark(result.level_mark))
st.subheader(_("Each part"))
for block in result.blocks:
    with st.container(border=True):
        level = (
            _("level {level} {name}").format(level=fmt.integer(block.level), name=block.level_name)
            if block.level
            else _("not enough answers")
        )
        st.markdown(f"**{ui.md(block.name)}** — {ui.fmt(block.score)}, {ui.md(level)}")
        if block.description:
            st.caption(ui.md(block.description) + ui.mark(block.description_mark))
if result.next_steps:
    st.subheader(_("What the source recommends at this stage"))
    for advice in result.next_steps:
        ui.advice_lines(advice, quotes=True)

st.subheader(_("Keep it or let it go"))
user = ui.current_user()
organisations = [o for o in ui.organisations_for(user) if user.can_write(o)]
keep, drop = st.columns(2)
with keep:
    if organisations:
        with st.form("selftest_save"):
            org = st.selectbox(_("Save as an assessment of"), organisations)
            when = st.date_input(_("Date"), value=dt.date.today(), format="YYYY-MM-DD")
            if st.form_submit_button(_("Save as an assessment"), type="primary"):
                try:
                    saved = services.save_self_test(model_id, answers, org, when, user=user)
                except StoreError as exc:
                    st.error(str(exc))
                else:
                    st.success(
                        _("Saved as assessment #{id} of {organisation} (one respondent).").format(
                            id=fmt.digits(saved.assessment_id), organisation=i18n.isolate(org)
                        )
                    )
    else:
        st.caption(_("Your account may not save assessments; the result stays on this page only."))
with drop:
    if st.button(_("Discard and start again"), key="selftest_discard"):
        ui.forget_questionnaire(prefix)
        st.rerun()
