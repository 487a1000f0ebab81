"""Progress: scores over time, what changed for real, targets and the next assessment."""

import streamlit as st

import ui
from cxmaturity import i18n, rules, services, translations
from cxmaturity.i18n import _, ngettext
from cxmaturity.views import format as formats
from cxmaturity.views import progress as progress_views

ui.page_setup("pages/progress.py")


def due_day(date) -> str:
    """A due date: '05 May 2026' as this page always wrote it in English, the formatter's elsewhere."""
    return f"{date:%d %B %Y}" if i18n.current() == i18n.SOURCE_LANGUAGE else formats.day(date)


sel = ui.require_assessment()
model = services.model(sel.model_id)
view = ui.progress_view(sel.org, sel.model_id, ui.data_version())

st.title(_("Progress"))
st.markdown(f"### {ui.md(view.headline)}")
due = view.next_due
if due is not None:
    if due.overdue:
        st.error(
            _(
                "Next assessment overdue: it was due by {date} ({months} after the last one)."
            ).format(date=due_day(due.latest), months=ui.months(rules.REASSESS_LATEST_MONTHS))
        )
    else:
        st.success(
            ngettext(
                "Next assessment due between {earliest} and {latest} ({first}–{last} months after the last one; "
                "{days} day left).",
                "Next assessment due between {earliest} and {latest} ({first}–{last} months after the last one; "
                "{days} days left).",
                due.days_left,
            ).format(
                earliest=due_day(due.earliest),
                latest=due_day(due.latest),
                first=formats.integer(rules.REASSESS_EARLIEST_MONTHS),
                last=formats.integer(rules.REASSESS_LATEST_MONTHS),
                days=formats.integer(due.days_left),
            )
        )
    st.caption(
        _("Why {first}–{last} months: {citation}").format(
            first=formats.integer(rules.REASSESS_EARLIEST_MONTHS),
            last=formats.integer(rules.REASSESS_LATEST_MONTHS),
            citation=ui.md(progress_views.reassess_citation()),
        )
    )

if view.timeline_figure is not None:
    names = {c.id: c.name for c in translations.localised(model).competencies}
    chosen = st.multiselect(
        _("Add competencies to the chart"),
        list(names),
        format_func=names.get,
        key="timeline_competencies",
        placeholder=_("The overall score alone; choose competencies to compare"),
    )
    ui.chart(
        view.timeline_figure
        if not chosen
        else progress_views.timeline_chart(view.timeline, model, chosen)
    )

if view.change_rows:
    numbers = {
        _("From"): st.column_config.NumberColumn(format="%.2f"),
        _("To"): st.column_config.NumberColumn(format="%.2f"),
        _("Change"): st.column_config.NumberColumn(format="%+.2f"),
    }
    st.subheader(
        _("What changed: {start} → {end}").format(start=view.from_label, end=view.to_label)
    )
    st.caption(
        _(
            "A change is called improved or declined only when it is statistically clear "
            "(Welch's t-test, p < {significance})."
        ).format(significance=formats.number(rules.SIGNIFICANCE))
    )
    left, right = st.columns([2, 3])
    with left:
        ui.chart(view.change_figure)
    with right:
        analyst_columns = progress_views.analyst_columns()
        ui.dataframe(
            [
                {k: v for k, v in row.items() if k not in analyst_columns}
                for row in view.change_rows
            ],
            hide_index=True,
            column_config=numbers,
        )
    with st.expander(_("Details for analysts: the tests behind the verdicts")):
        st.markdown(progress_views.analyst_notes())
        ui.dataframe(
            view.change_rows,
            hide_index=True,
            column_config={
                **numbers,
                _("p-value"): st.column_config.TextColumn(
                    help=_(
                        "How likely a change this large is by chance alone; below 0.05 counts as a real change."
                    )
                ),
                _("Effect size (d)"): st.column_config.NumberColumn(
                    format="%.2f", help=_("Cohen's d: about 0.2 is small, 0.5 medium, 0.8 large.")
                ),
            },
        )
    if view.done_between:
        st.markdown(
            _(
                "**Initiatives completed between {start} and {end}**, beside the change of their competency:"
            ).format(start=ui.md(view.from_label), end=ui.md(view.to_label))
            + "\n"
            + "\n".join(f"- {ui.md(line)}" for line in view.done_between)
        )
    if view.first_vs_latest is not None:
        ui.chart(view.first_vs_latest)

st.subheader(_("Targets"))
if view.targets:
    if view.targets_figure is not None:
        ui.chart(view.targets_figure)
    ui.dataframe(
        [
            {
                _("Competency"): t.competency_name,
                _("Horizon (months)"): t.horizon_months,
                _("Target level"): f"{t.target_level} {t.target_level_name}",
                _("Current level"): t.actual_level,
                _("Levels to go"): t.gap_levels,
                _("Met"): _("yes") if t.met else _("no"),
            }
            for t in view.targets
        ],
        hide_index=True,
    )
else:
    st.caption(_("No targets set yet."))

user = ui.current_user()
if not user.can_write(sel.org):
    st.caption(_("Targets are set by analysts and administrators."))
    st.stop()
ui.target_form(sel, model, user)
