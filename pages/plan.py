"""Action plan: targets at 6, 12 and 24 months, initiatives with owners, and the executives' commitment."""

import datetime as dt

import streamlit as st

import ui
from cxmaturity import i18n, rules, services
from cxmaturity.errors import StoreError
from cxmaturity.i18n import _
from cxmaturity.views import format as fmt
from cxmaturity.views import plan as plan_views

ui.page_setup("pages/plan.py")

sel = ui.require_assessment()
model = services.model(sel.model_id)
view = ui.plan_view(sel.org, sel.model_id, ui.data_version())
user = ui.current_user()
can_edit = user.can_write(sel.org)
names = view.competency_names

st.title(_("Action plan"))
st.markdown(f"### {ui.md(view.headline)}")
st.caption(ui.md(plan_views.cycle_note()))

# --- initiatives ------------------------------------------------------------------------------
st.subheader(_("Initiatives"))
if view.initiatives.empty:
    st.caption(
        _("No initiative yet. Add the first one below.") if can_edit else _("No initiative yet.")
    )
else:
    ui.dataframe(view.initiatives.drop(columns=[_("ID")]), hide_index=True)
    cols = st.columns(4)
    for col, (kind, (data, name, mime)) in zip(cols, view.downloads.items(), strict=False):
        col.download_button(
            _("Download {kind}").format(kind=kind),
            data=data,
            file_name=name,
            mime=mime,
            key=f"plan_download_{kind}",
        )

undo = st.session_state.get("initiative_removed")
if undo and can_edit:
    st.info(_("Initiative #{id} moved to the trash.").format(id=fmt.digits(undo)))
    if st.button(_("Undo"), key="undo_initiative_removal"):
        services.restore_initiative(undo, user=user)
        st.session_state.pop("initiative_removed")
        st.rerun()

if can_edit:
    with st.expander(_("Add an initiative"), expanded=view.initiatives.empty):
        competency = st.selectbox(
            _("Competency"), list(names), format_func=names.get, key="initiative_competency"
        )
        advice = {a.id: a for a in view.advice.get(competency, [])}
        picked = st.selectbox(
            _("From a recommendation (optional)"),
            [None, *advice],
            format_func=lambda a: _("None: write my own") if a is None else advice[a].topic,
            key=f"initiative_advice_{competency}",
        )
        if picked:
            st.caption(f"{ui.md(advice[picked].text)} — {ui.md(advice[picked].source)}")
        with st.form("add_initiative", clear_on_submit=True):
            title = st.text_input(
                _("Title"), value=advice[picked].topic if picked else "", max_chars=200
            )
            c1, c2, c3 = st.columns(3)
            owner = c1.text_input(_("Owner (a name or a role)"), max_chars=120)
            due = c2.date_input(
                _("Due"), value=dt.date.today() + dt.timedelta(days=90), format="YYYY-MM-DD"
            )
            status = c3.selectbox(
                _("Status"), rules.INITIATIVE_STATUSES, format_func=plan_views.status_word
            )
            note = st.text_area(_("Note (optional)"), max_chars=1000)
            if st.form_submit_button(_("Add initiative")):
                try:
                    added = services.add_initiative(
                        sel.org,
                        sel.model_id,
                        competency,
                        title,
                        owner,
                        due,
                        status,
                        note or None,
                        picked,
                        user=user,
                    )
                except StoreError as exc:
                    st.error(str(exc))
                else:
                    st.toast(
                        _("Added initiative #{id}: {title}").format(
                            id=fmt.digits(added.id), title=i18n.isolate(added.title)
                        )
                    )
                    st.rerun()

    if view.plan.initiatives:
        with st.expander(_("Change or remove an initiative")):
            by_id = {i.id: i for i in view.plan.initiatives}
            chosen = st.selectbox(
                _("Initiative"),
                list(by_id),
                format_func=lambda i: f"#{fmt.digits(i)} {by_id[i].title}",
                key="initiative_to_change",
            )
            current = by_id[chosen]
            with st.form(f"change_initiative_{chosen}"):
                title = st.text_input(_("Title"), value=current.title, max_chars=200)
                c1, c2, c3 = st.columns(3)
                owner = c1.text_input(_("Owner"), value=current.owner, max_chars=120)
                due = c2.date_input(_("Due"), value=current.due, format="YYYY-MM-DD")
                status = c3.selectbox(
                    _("Status"),
                    rules.INITIATIVE_STATUSES,
                    index=rules.INITIATIVE_STATUSES.index(current.status),
                    format_func=plan_views.status_word,
                    key=f"change_status_{chosen}",
                )
                note = st.text_area(_("Note"), value=current.note or "", max_chars=1000)
                save, remove = st.columns(2)
                if save.form_submit_button(_("Save changes")):
                    try:
                        services.update_initiative(
                            chosen,
                            status=status,
                            owner=owner,
                            due=due,
                            title=title,
                            note=note,
                            user=user,
                        )
                    except StoreError as exc:
                        st.error(str(exc))
                    else:
                        st.toast(_("Saved initiative #{id}.").format(id=fmt.digits(chosen)))
                        st.rerun()
                if remove.form_submit_button(_("Move to the trash")):
                    services.remove_initiative(chosen, user=user)
                    st.session_state["initiative_removed"] = chosen
                    st.rerun()

# --- targets --------------------------------------------------------------------------------------
st.subheader(_("Targets"))
ui.dataframe(view.targets, hide_index=True)
st.caption(ui.md(plan_views.default_note()))
if can_edit:
    ui.target_form(sel, model, user)
else:
    st.caption(_("Targets and initiatives are set by analysts and administrators."))

# --- executive commitment ---------------------------------------------------------------------------
st.subheader(_("Executive commitment"))
st.caption(ui.md(plan_views.commitment_note()))
with st.expander(_("The five levels")):
    for lv in view.commitment_levels:
        st.markdown(
            f"**{fmt.integer(lv.number)}{fmt.sep()}{ui.md(lv.name)}**{ui.mark(lv.name_mark)}: {ui.md(lv.description)}"
        )
if view.commitment.reviews:
    ui.dataframe(
        plan_views.distribution_table(view.commitment, view.commitment_levels), hide_index=True
    )
else:
    st.caption(_("No executive placed on a level yet."))

if view.executives is None:
    st.caption(
        _(
            "Executives' names are personal data: analysts and administrators of this organisation see them."
        )
    )
else:
    if view.executives:
        ui.dataframe(
            plan_views.executives_table(view.executives, view.commitment_levels), hide_index=True
        )
    with st.expander(_("Add an executive or place one on a level")):
        with st.form("add_executive", clear_on_submit=True):
            name = st.text_input(_("Executive (a name or a role)"), max_chars=200)
            if st.form_submit_button(_("Add executive")):
                try:
                    services.add_executive(sel.org, name, user=user)
                except StoreError as exc:
                    st.error(str(exc))
                else:
                    st.rerun()
        if view.executives:
            people = {e.id: e.name for e in view.executives}
            levels = {lv.number: lv for lv in view.commitment_levels}
            with st.form("rate_executive"):
                who = st.selectbox(_("Executive"), list(people), format_func=people.get)
                when = st.date_input(_("Review date"), value=dt.date.today(), format="YYYY-MM-DD")
                level = st.radio(
                    _("Which description fits best?"),
                    list(levels),
                    format_func=lambda n: f"{levels[n].name}: {levels[n].description}",
                )
                if st.form_submit_button(_("Save this review")):
                    services.rate_executive(who, when, level, user=user)
                    st.rerun()

if view.playbook:
    with st.expander(
        _("Moving executives up: what the source recommends ({count})").format(
            count=fmt.integer(len(view.playbook))
        )
    ):
        for advice in view.playbook:
            ui.advice_lines(advice, quotes=True)
