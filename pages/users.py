"""Users & audit log (administrators): who can see what, and who did what when."""

import streamlit as st

import ui
from cxmaturity.i18n import _
from cxmaturity.views import admin as admin_view

ui.page_setup("pages/users.py")

user = ui.current_user()
if not user.may_administer:  # not registered for other roles; refuse anyway
    st.error(_("Only administrators can see this page."))
    st.stop()

st.title(_("Users & audit log"))
st.caption(
    _("Add, change or remove users with `cxmaturity user add|update|passwd|remove` on the server.")
)
ui.dataframe(admin_view.users(user), hide_index=True, width="stretch")

st.subheader(_("Audit log"))
entries = admin_view.audit_log(user)
if entries:
    ui.dataframe(entries, hide_index=True, width="stretch")
else:
    st.caption(_("Nothing recorded yet."))
