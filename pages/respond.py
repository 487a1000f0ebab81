"""The respondent's page: one survey wave's questionnaire, opened by its link (no account, no
sidebar, no way to any other page or wave)."""

import streamlit as st

import ui
from cxmaturity import services
from cxmaturity.errors import StoreError
from cxmaturity.i18n import _
from cxmaturity.views import questionnaire as questionnaire_views

token = st.query_params.get("wave", "")
view = questionnaire_views.respondent_view(token)
prefix = f"wave_{token[:12]}"

if view.wave is None:
    st.title(_("Survey not found"))
    st.info(view.message)
    st.stop()

st.title(ui.md(view.wave.title))
if not view.open:
    st.info(view.message)
    st.stop()
if st.session_state.get(f"{prefix}_done"):
    st.success(_("Thank you: your answers are in. You can close this page."))
    st.stop()

if not st.session_state.get(f"{prefix}_step"):  # the welcome on the first part only
    st.markdown(ui.md(view.welcome))


def about_you() -> None:
    st.subheader(_("About you"))
    kept = {f: st.session_state.get(f"{prefix}_keep_{f}") for f in ("department", "role", "code")}
    if view.departments:
        st.selectbox(
            _("Your department"),
            view.departments,
            placeholder=_("Choose your department"),
            key=f"{prefix}_department",
            index=view.departments.index(kept["department"])
            if kept["department"] in view.departments
            else None,
        )
    if view.roles:
        st.selectbox(
            _("Your role (optional)"),
            view.roles,
            placeholder=_("Choose your role"),
            key=f"{prefix}_role",
            index=view.roles.index(kept["role"]) if kept["role"] in view.roles else None,
        )
    if view.wave.codes_required:
        st.text_input(
            _("Your code (from the invitation)"),
            max_chars=40,
            key=f"{prefix}_code",
            value=kept["code"] or "",
        )
    st.caption(
        _("Nothing here identifies you: departments are reported only when enough people answered.")
    )


# widget values vanish when their part is not shown: keep them in plain session keys
for field in ("department", "role", "code"):
    if f"{prefix}_{field}" in st.session_state:
        st.session_state[f"{prefix}_keep_{field}"] = st.session_state[f"{prefix}_{field}"]

answers = ui.questionnaire(view.form, prefix, intro=about_you, submit_label=_("Submit my answers"))
if answers is not None:
    try:
        services.submit_response(
            token,
            answers,
            department=st.session_state.get(f"{prefix}_keep_department"),
            role=st.session_state.get(f"{prefix}_keep_role"),
            code=st.session_state.get(f"{prefix}_keep_code"),
        )
    except StoreError as exc:
        st.error(str(exc))
    else:
        ui.forget_questionnaire(prefix)
        st.session_state[f"{prefix}_done"] = True  # one submission per browser session
        st.rerun()
