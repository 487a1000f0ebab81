"""Manage data: delete assessments and targets into the trash; administrators also rename and
delete organisations, remove the sample data, and restore or purge what is in the trash."""

import streamlit as st

import ui
from cxmaturity import i18n, services
from cxmaturity.errors import StoreError
from cxmaturity.i18n import _, ngettext
from cxmaturity.views import format as fmt
from cxmaturity.views import manage as manage_view

ui.page_setup("pages/manage.py")

user = ui.current_user()
sel = ui.selection()
st.title(_("Manage data"))
note = st.session_state.pop("manage_note", None)
if note:
    st.success(note)


def done(message: str) -> None:
    st.session_state["manage_note"] = message
    st.session_state.pop("confirm", None)
    st.rerun()


def confirm(key: str, question: str, action_label: str, action) -> None:
    """A two-step delete: the first click asks, naming exactly what goes; the second does it."""
    if st.session_state.get("confirm") != key:
        return
    with st.container(border=True):
        st.warning(question, icon=":material/delete:")
        c1, c2 = st.columns(2)
        if c1.button(action_label, type="primary", key=f"yes_{key}"):
            try:
                message = action()
            except StoreError as exc:
                st.error(ui.md(str(exc)))
                return
            done(message)
        if c2.button(_("Cancel"), key=f"no_{key}"):
            st.session_state.pop("confirm", None)
            st.rerun()


if sel.org is None:
    st.info(_("There is nothing to manage yet."))
else:
    view = manage_view.manage_view(sel.org, user)
    st.caption(
        ngettext(
            "Deleting moves data into the trash: an administrator can restore it, exactly as it was, "
            "for {n} day; then it is deleted for good.",
            "Deleting moves data into the trash: an administrator can restore it, exactly as it was, "
            "for {n} days; then it is deleted for good.",
            view.trash_days,
        ).format(n=fmt.integer(view.trash_days))
    )
    st.subheader(
        _("Assessments of {organisation}").format(organisation=i18n.isolate(ui.md(sel.org)))
    )
    if not view.assessments:
        st.caption(_("No assessments."))
    for row in view.assessments:
        c1, c2 = st.columns([5, 1])
        respondents = ngettext("{n} respondent", "{n} respondents", row.respondents).format(
            n=fmt.integer(row.respondents)
        )
        c1.markdown(
            f"**{ui.md(row.date_text)}**{fmt.sep()}{ui.md(row.model_name)}"
            + (f"{fmt.sep()}{i18n.isolate(ui.md(row.label))}" if row.label else "")
            + f"{fmt.sep()}{respondents}"
        )
        if view.may_delete and c2.button(_("Delete…"), key=f"del_a_{row.id}"):
            st.session_state["confirm"] = f"a{row.id}"
        confirm(
            f"a{row.id}",
            row.delete_question(sel.org, ui.md),
            _("Move to trash"),
            lambda row=row: (
                services.delete_assessment(sel.org, row.id, user=user) and row.moved_message(ui.md)
            ),
        )

    if view.targets:
        st.subheader(_("Targets"))
        for t in view.targets:
            c1, c2 = st.columns([5, 1])
            c1.markdown(
                _("{competency} · {horizon} · level {level} ({model})").format(
                    competency=ui.md(t["Competency"]),
                    horizon=t["Horizon"],
                    level=ui.md(t["Target level"]),
                    model=ui.md(t["Model"]),
                )
            )
            key = f"t{t['model']}{t['competency_id']}{t['horizon']}"
            if view.may_delete and c2.button(_("Delete…"), key=f"del_{key}"):
                st.session_state["confirm"] = key
            confirm(
                key,
                _("Move the target for {competency} ({horizon}) into the trash?").format(
                    competency=ui.md(t["Competency"]), horizon=t["Horizon"]
                ),
                _("Move to trash"),
                lambda t=t: (
                    services.delete_target(
                        sel.org, t["model"], t["competency_id"], t["horizon"], user=user
                    )
                    and _("Moved the target into the trash.")
                ),
            )

    if view.may_administer:
        st.subheader(_("Organisation"))
        with st.form("rename"):
            new_name = st.text_input(_("New name"), value=sel.org, max_chars=200, key="rename_to")
            if st.form_submit_button(_("Rename")):
                try:
                    services.rename_organisation(sel.org, new_name.strip(), user=user)
                except StoreError as exc:
                    st.error(ui.md(str(exc)))
                else:
                    ui.select_after_rerun(new_name.strip(), sel.model_id, sel.assessment_id)
                    done(_("Renamed to {name}.").format(name=i18n.isolate(ui.md(new_name.strip()))))
        total = sum(r.respondents for r in view.assessments)
        if st.button(
            _("Delete {organisation}…").format(organisation=i18n.isolate(sel.org)), key="del_org"
        ):
            st.session_state["confirm"] = "org"
        n_assessments, n_targets = len(view.assessments), len(view.targets)
        confirm(
            "org",
            _(
                "Move the organisation {organisation} into the trash, with its {assessments}, "
                "{respondents} and {targets}?"
            ).format(
                organisation=i18n.isolate(ui.md(sel.org)),
                assessments=ngettext(
                    "{n} assessment(s)", "{n} assessment(s)", n_assessments
                ).format(n=fmt.integer(n_assessments)),
                respondents=ngettext("{n} respondent", "{n} respondents", total).format(
                    n=fmt.integer(total)
                ),
                targets=ngettext("{n} target(s)", "{n} target(s)", n_targets).format(
                    n=fmt.integer(n_targets)
                ),
            ),
            _("Move organisation to trash"),
            lambda: (
                services.delete_organisation(sel.org, user=user)
                and _("Moved {organisation} into the trash.").format(
                    organisation=i18n.isolate(ui.md(sel.org))
                )
            ),
        )
        if view.has_demo:
            st.subheader(_("Sample data"))
            if st.button(_("Remove sample data…"), key="remove_demo"):
                st.session_state["confirm"] = "demo"

            def remove_demo() -> str:
                count = len(services.remove_demo(user=user))
                return ngettext(
                    "Moved {n} demo organisation(s) into the trash.",
                    "Moved {n} demo organisation(s) into the trash.",
                    count,
                ).format(n=fmt.integer(count))

            confirm(
                "demo",
                _(
                    "Move every demo organisation (marked 'sample data') into the trash? It will not be loaded again."
                ),
                _("Remove sample data"),
                remove_demo,
            )

if user.may_administer:
    st.subheader(_("Trash"))
    items = services.list_trash(user=user)
    if not items:
        st.caption(_("The trash is empty."))
    for item, row in zip(items, manage_view.trash_rows(items, ui.md), strict=True):
        c1, c2 = st.columns([5, 1])
        c1.markdown(
            f"**{row['What']}** · {i18n.isolate(ui.md(row['Organisation']))}: {ui.md(row['Details'])}  \n"
            + row["When"]
        )
        if c2.button(_("Restore"), key=f"restore_{item.kind}_{item.id}"):
            try:
                services.restore_item(item, user=user)
            except StoreError as exc:
                st.error(ui.md(str(exc)))
            else:
                done(
                    _("Restored: {item} ({organisation}).").format(
                        item=ui.md(item.description),
                        organisation=i18n.isolate(ui.md(item.organisation)),
                    )
                )
    if items:
        if st.button(_("Empty the trash…"), key="purge"):
            st.session_state["confirm"] = "purge"
        confirm(
            "purge",
            _("Delete everything in the trash for good? This cannot be undone."),
            _("Delete for good"),
            lambda: manage_view.purged_message(services.purge(user=user)),
        )
