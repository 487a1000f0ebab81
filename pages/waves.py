"""Survey waves: open a wave with a link to share, follow the answers, close it into an assessment."""

import datetime as dt

import streamlit as st

import ui
from cxmaturity import i18n, rules, services, translations
from cxmaturity.errors import StoreError
from cxmaturity.i18n import _, ngettext
from cxmaturity.views import format as fmt
from cxmaturity.views import waves as wave_views

ui.page_setup("pages/waves.py")

sel = ui.selection()
user = ui.current_user()
st.title(_("Survey waves"))
if not sel.org:
    st.info(_("Choose an organisation in the sidebar (or create one by uploading an assessment)."))
    st.stop()
if not user.can_write(sel.org):
    st.info(_("Survey waves are run by analysts and administrators."))
    st.stop()

base = wave_views.base_address(st.context.url)
view = wave_views.waves_view(sel.org, user=user)
st.markdown(f"### {ui.md(view.headline)}")
st.caption(
    _(
        "Respondents answer on their phone or laptop without an account; answers carry no name, email, "
        "address or time of day, and codes are kept apart from answers. Departments with fewer answers than "
        'the anonymity threshold are shown as "fewer than N".'
    )
)

with st.expander(_("Open a new wave"), expanded=not view.waves):
    names = {
        m.id: translations.translated(None, m.id, "name", m.name)
        for m in services.models().values()
    }
    with st.form("open_wave"):
        model_id = st.selectbox(
            _("Model"),
            list(names),
            format_func=names.get,
            index=list(names).index(sel.model_id) if sel.model_id in names else 0,
        )
        title = st.text_input(_("Title"), placeholder=_("e.g. Spring 2027 wave"), max_chars=200)
        c1, c2 = st.columns(2)
        closes = c1.date_input(
            _("Closing date"), value=dt.date.today() + dt.timedelta(days=21), format="YYYY-MM-DD"
        )
        threshold = c2.number_input(
            _("Anonymity threshold"),
            min_value=rules.MIN_GROUP_SIZE,
            max_value=100,
            value=rules.MIN_GROUP_SIZE,
            help=_("Departments with fewer answers are never shown on their own."),
        )
        departments = st.text_area(
            _("Departments (one a line; 'Sales: 40' adds a head count for response rates)"),
            height=120,
        )
        roles = st.text_area(_("Roles (optional, one a line)"), height=80)
        codes = st.number_input(
            _("Single-use codes (optional)"),
            min_value=0,
            max_value=rules.WAVE_MAX_CODES,
            value=0,
            help=_(
                "Each code admits one response. Codes are shown once; only their fingerprints are kept."
            ),
        )
        language = st.selectbox(
            _("Questionnaire language"),
            list(i18n.LANGUAGES),
            format_func=i18n.LANGUAGES.get,
            index=list(i18n.LANGUAGES).index(i18n.current()),
            help=_("The link opens the questionnaire in this language; a respondent may switch."),
        )
        if st.form_submit_button(_("Open the wave"), type="primary"):
            try:
                parsed = wave_views.parse_departments(departments)
                wave, new_codes = services.open_wave(
                    sel.org, model_id, title, closes=closes, departments=parsed,
                    roles=[r.strip() for r in roles.splitlines() if r.strip()],
                    min_group_size=int(threshold), codes=int(codes), language=language, user=user,
                )  # fmt: skip
            except StoreError as exc:
                st.error(str(exc))
            else:
                st.session_state["new_wave_codes"] = (wave.id, new_codes)
                st.rerun()

fresh = st.session_state.get("new_wave_codes")
if fresh and fresh[1]:
    st.warning(
        ngettext(
            "The {n} code of wave #{id} is shown this once: download it now.",
            "The {n} codes of wave #{id} are shown this once: download them now.",
            len(fresh[1]),
        ).format(n=fmt.integer(len(fresh[1])), id=fmt.digits(fresh[0]))
    )
    st.download_button(
        _("Download the codes (CSV)"),
        data=wave_views.codes_csv(fresh[1]),
        file_name=f"wave-{fresh[0]}-codes.csv",
        mime="text/csv",
        key="download_codes",
    )

for item in view.waves:
    wave = item.status.wave
    with st.container(border=True):
        st.markdown(f"**{ui.md(wave.title)}**{fmt.sep()}{ui.md(item.model_name)}{fmt.sep()}{ui.md(item.state)}")
        if wave.status == "open":
            st.code(base + wave.link(), language=None)
        st.markdown(ui.md(item.summary))
        if item.departments is not None and not item.departments.empty:
            ui.dataframe(item.departments, hide_index=True)
        if item.provisional:
            st.caption(ui.md(item.provisional))
        if wave.status != "closed":
            confirm = st.checkbox(
                _("Close this wave: no more answers, and its answers become an assessment"),
                key=f"confirm_close_{wave.id}",
            )
            if st.button(_("Close the wave"), key=f"close_{wave.id}", disabled=not confirm):
                try:
                    result = services.close_wave(wave.id, user=user)
                except StoreError as exc:
                    st.error(str(exc))
                else:
                    st.success(
                        ngettext(
                            "Stored as assessment #{id} with {n} respondent.",
                            "Stored as assessment #{id} with {n} respondents.",
                            result.respondents,
                        ).format(
                            id=fmt.digits(result.assessment_id), n=fmt.integer(result.respondents)
                        )
                    )
                    ui.select_after_rerun(sel.org, wave.model, result.assessment_id)
                    st.rerun()
