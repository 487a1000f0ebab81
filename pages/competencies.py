"""Competencies: one competency in depth — agreement, practices, departments, level descriptions."""

import streamlit as st

import ui
from cxmaturity import rules, services, translations
from cxmaturity.i18n import _, ngettext
from cxmaturity.views import format as formats
from cxmaturity.views.competencies import download_files

ui.page_setup("pages/competencies.py")

sel = ui.require_assessment()
model = translations.localised(
    services.model(sel.model_id)
)  # names and texts only: nothing is scored here
names = {c.id: c.name for c in model.competencies}
title_slot = st.empty()  # the title names the chosen competency but sits above the picker
competency_id = st.selectbox(_("Competency"), list(names), format_func=names.get, key="competency")
view = ui.competency_view(
    sel.org, sel.model_id, sel.assessment_id, competency_id, ui.data_version()
)
s = view.score

if s.level:
    title_slot.title(
        _("{name}: level {level} {level_name}").format(
            name=s.name, level=formats.integer(s.level), level_name=s.level_name
        )
    )
else:
    title_slot.title(s.name)
st.caption(
    ui.md(view.description)
    + ui.mark(view.description_mark)
    + (ui.mark(_("the name {mark}").format(mark=view.name_mark)) if view.name_mark else "")
)
if view.guiding_question:
    st.markdown("*" + _("Guiding question:") + f"* {ui.md(view.guiding_question)}")

cols = st.columns(3)
cols[0].metric(_("Score"), f"{ui.fmt(s.score)} / {formats.integer(model.scale.max)}")
cols[1].metric(_("Level"), f"{formats.integer(s.level)} {s.level_name}" if s.level else "–")
cols[2].metric(_("Respondents"), formats.integer(s.n))

if view.focus is not None:
    st.subheader(_("What to work on"))
    ui.focus_summary(view.focus)
    ui.shared_next_levels([view.focus])
    ui.focus_details(view.focus, quotes=True)

with st.expander(_("Details for analysts: confidence, spread and reliability")):
    cols = st.columns(3)
    cols[0].metric(
        _("Confidence interval (95%)"),
        f"{ui.fmt(s.ci95[0])} – {ui.fmt(s.ci95[1])}" if s.ci95 else "–",
        help=_(
            "Where the score of everyone asked most likely lies; the fewer respondents, the wider."
        ),
    )
    cols[1].metric(
        _("Spread (sd)"),
        ui.fmt(s.sd),
        help=_(
            "Standard deviation of respondents' scores: under 0.5 they broadly agree; over 1 opinions differ widely."
        ),
    )
    cols[2].metric(
        _("Reliability (alpha)"),
        ui.fmt(s.alpha),
        help=_(
            "Cronbach's alpha of the competency's items: 0.7 or more means the items measure one thing consistently. "
            "Not available for a single item or fewer than 3 complete answers."
        ),
    )

# one chart per row: side by side the item texts squeeze the plots to nothing
if view.item_figure is not None:
    ui.chart(view.item_figure)
    if view.items_ours:
        st.caption(
            _(
                "The statements of this questionnaire were written by this project: the source gives none."
            )
        )
for item, note in view.item_notes:
    st.caption(f"{ui.md(item)}: {ui.md(note)}")
ui.chart(view.distribution_figure)
ui.chart(view.heatmap)
if view.suppressed_groups:
    st.caption(
        ngettext(
            "{hidden} of {count} department is hidden: fewer than {min_size} respondents, "
            "or hidden too so that a smaller department's score cannot be worked out from the total.",
            "{hidden} of {count} departments are hidden: fewer than {min_size} respondents, "
            "or hidden too so that a smaller department's score cannot be worked out from the total.",
            view.group_count,
        ).format(
            hidden=formats.integer(view.suppressed_groups),
            count=formats.integer(view.group_count),
            min_size=formats.integer(rules.MIN_GROUP_SIZE),
        )
    )

if view.group_count:
    files = download_files(view.breakdown, "scores-by-department")
    cols = st.columns(len(files) + 3)
    for col, (kind, (data, name, mime)) in zip(cols, files.items(), strict=False):
        col.download_button(
            _("Download {kind}").format(kind=kind),
            data=data,
            file_name=name,
            mime=mime,
            key=f"download_{kind}",
        )

st.subheader(_("Level descriptions"))
for lv in view.levels:
    if lv["current"]:
        label = _("Level {level}: {name} ← you are here")
    else:
        label = _("Level {level}: {name}")
    label = label.format(level=formats.integer(lv["number"]), name=ui.md(lv["name"]))
    with st.expander(label, expanded=lv["current"]):
        st.markdown(ui.md(lv["description"]) + ui.mark(lv["mark"]))
        if lv["name_mark"]:
            st.caption(_("The level's name: {mark}.").format(mark=lv["name_mark"]))
