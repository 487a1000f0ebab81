"""Manage data: delete assessments and targets into the trash; administrators also rename and
delete organisations, remove the sample data, and restore or purge what is in the trash."""

import streamlit as st

import ui
from cxmaturity import services
from cxmaturity.errors import StoreError
from cxmaturity.views import manage as manage_view

ui.page_setup("pages/manage.py")

user = ui.current_user()
sel = ui.selection()
st.title("Manage data")
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
        if c2.button("Cancel", key=f"no_{key}"):
            st.session_state.pop("confirm", None)
            st.rerun()


if sel.org is None:
    st.info("There is nothing to manage yet.")
else:
    view = manage_view.manage_view(sel.org, user)
    st.caption(
        f"Deleting moves data into the trash: an administrator can restore it, exactly as it was, "
        f"for {view.trash_days} days; then it is deleted for good."
    )
    st.subheader(f"Assessments of {ui.md(sel.org)}")
    if not view.assessments:
        st.caption("No assessments.")
    for row in view.assessments:
        c1, c2 = st.columns([5, 1])
        c1.markdown(
            f"**{row.date_text}** · {ui.md(row.model_name)}" + (f" · {ui.md(row.label)}" if row.label else "")
            + f" · {row.respondents} respondents"
        )
        if view.may_delete and c2.button("Delete…", key=f"del_a_{row.id}"):
            st.session_state["confirm"] = f"a{row.id}"
        confirm(
            f"a{row.id}",
            f"Move {ui.md(row.confirmation)} of {ui.md(sel.org)} into the trash? It disappears from every page, "
            "comparison and peer figure at once.",
            "Move to trash",
            lambda row=row: services.delete_assessment(sel.org, row.id, user=user)
            and f"Moved {row.confirmation} into the trash.",
        )

    if view.targets:
        st.subheader("Targets")
        for t in view.targets:
            c1, c2 = st.columns([5, 1])
            c1.markdown(f"{ui.md(t['Competency'])} · {t['Horizon']} · level {ui.md(t['Target level'])} ({ui.md(t['Model'])})")
            key = f"t{t['model']}{t['competency_id']}{t['horizon']}"
            if view.may_delete and c2.button("Delete…", key=f"del_{key}"):
                st.session_state["confirm"] = key
            confirm(
                key,
                f"Move the target for {ui.md(t['Competency'])} ({t['Horizon']}) into the trash?",
                "Move to trash",
                lambda t=t: services.delete_target(sel.org, t["model"], t["competency_id"], t["horizon"], user=user)
                and "Moved the target into the trash.",
            )

    if view.may_administer:
        st.subheader("Organisation")
        with st.form("rename"):
            new_name = st.text_input("New name", value=sel.org, max_chars=200, key="rename_to")
            if st.form_submit_button("Rename"):
                try:
                    services.rename_organisation(sel.org, new_name.strip(), user=user)
                except StoreError as exc:
                    st.error(ui.md(str(exc)))
                else:
                    ui.select_after_rerun(new_name.strip(), sel.model_id, sel.assessment_id)
                    done(f"Renamed to {ui.md(new_name.strip())}.")
        total = sum(r.respondents for r in view.assessments)
        if st.button(f"Delete {sel.org}…", key="del_org"):
            st.session_state["confirm"] = "org"
        confirm(
            "org",
            f"Move the organisation {ui.md(sel.org)} into the trash, with its {len(view.assessments)} assessment(s), "
            f"{total} respondents and {len(view.targets)} target(s)?",
            "Move organisation to trash",
            lambda: services.delete_organisation(sel.org, user=user) and f"Moved {ui.md(sel.org)} into the trash.",
        )
        if view.has_demo:
            st.subheader("Sample data")
            if st.button("Remove sample data…", key="remove_demo"):
                st.session_state["confirm"] = "demo"
            confirm(
                "demo",
                "Move every demo organisation (marked 'sample data') into the trash? It will not be loaded again.",
                "Remove sample data",
                lambda: f"Moved {len(services.remove_demo(user=user))} demo organisation(s) into the trash.",
            )

if user.may_administer:
    st.subheader("Trash")
    items = services.list_trash(user=user)
    if not items:
        st.caption("The trash is empty.")
    for item, row in zip(items, manage_view.trash_rows(items), strict=True):
        c1, c2 = st.columns([5, 1])
        c1.markdown(f"**{row['What']}** · {ui.md(row['Organisation'])}: {ui.md(row['Details'])}  \n"
                    f"Deleted {ui.md(row['Deleted'])}; purged after {row['Purged after']}")
        if c2.button("Restore", key=f"restore_{item.kind}_{item.id}"):
            try:
                if item.kind == "organisation":
                    services.restore_organisation(item.organisation, user=user)
                elif item.kind == "assessment":
                    services.restore_assessment(item.id, user=user)
                else:
                    services.restore_target(item.id, user=user)
            except StoreError as exc:
                st.error(ui.md(str(exc)))
            else:
                done(f"Restored: {ui.md(item.description)} ({ui.md(item.organisation)}).")
    if items:
        if st.button("Empty the trash…", key="purge"):
            st.session_state["confirm"] = "purge"
        confirm("purge", "Delete everything in the trash for good? This cannot be undone.", "Delete for good",
                lambda: "Deleted for good: " + ", ".join(f"{len(v) if isinstance(v, list) else v} {k}" for k, v in services.purge(user=user).items()) + ".")
