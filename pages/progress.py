"""Progress: scores over time, what changed for real, targets and the next assessment."""

import streamlit as st

import ui
from cxmaturity import rules, services
from cxmaturity.views import progress as progress_views

ui.page_setup("pages/progress.py")

sel = ui.require_assessment()
model = services.model(sel.model_id)
view = ui.progress_view(sel.org, sel.model_id, ui.data_version())

st.title("Progress")
st.markdown(f"### {ui.md(view.headline)}")
due = view.next_due
if due is not None:
    if due.overdue:
        st.error(f"Next assessment overdue: it was due by {due.latest:%d %B %Y} ({rules.REASSESS_LATEST_MONTHS} months after the last one).")
    else:
        st.success(
            f"Next assessment due between {due.earliest:%d %B %Y} and {due.latest:%d %B %Y} "
            f"({rules.REASSESS_EARLIEST_MONTHS}–{rules.REASSESS_LATEST_MONTHS} months after the last one; {due.days_left} days left)."
        )
    st.caption("Why 6–12 months: " + ui.md(progress_views.reassess_citation()))

if view.timeline_figure is not None:
    names = {c.id: c.name for c in model.competencies}
    chosen = st.multiselect(
        "Add competencies to the chart", list(names), format_func=names.get, key="timeline_competencies",
        placeholder="The overall score alone; choose competencies to compare",
    )
    ui.chart(view.timeline_figure if not chosen else progress_views.timeline_chart(view.timeline, model, chosen))

if view.change_rows:
    st.subheader(f"What changed: {view.from_label} → {view.to_label}")
    st.caption(
        "A change is called improved or declined only when it is statistically clear "
        f"(Welch's t-test, p < {rules.SIGNIFICANCE})."
    )
    left, right = st.columns([2, 3])
    with left:
        ui.chart(view.change_figure)
    with right:
        ui.dataframe(
            [{k: v for k, v in row.items() if k not in progress_views.ANALYST_COLUMNS} for row in view.change_rows],
            hide_index=True,
            column_config={
                "From": st.column_config.NumberColumn(format="%.2f"),
                "To": st.column_config.NumberColumn(format="%.2f"),
                "Change": st.column_config.NumberColumn(format="%+.2f"),
            },
        )
    with st.expander("Details for analysts: the tests behind the verdicts"):
        st.markdown(progress_views.ANALYST_NOTES)
        ui.dataframe(
            view.change_rows,
            hide_index=True,
            column_config={
                "From": st.column_config.NumberColumn(format="%.2f"),
                "To": st.column_config.NumberColumn(format="%.2f"),
                "Change": st.column_config.NumberColumn(format="%+.2f"),
                "p-value": st.column_config.TextColumn(
                    help="How likely a change this large is by chance alone; below 0.05 counts as a real change."
                ),
                "Effect size (d)": st.column_config.NumberColumn(
                    format="%.2f", help="Cohen's d: about 0.2 is small, 0.5 medium, 0.8 large."
                ),
            },
        )
    if view.done_between:
        st.markdown(
            f"**Initiatives completed between {ui.md(view.from_label)} and {ui.md(view.to_label)}**, beside the change of their competency:\n"
            + "\n".join(f"- {ui.md(line)}" for line in view.done_between)
        )
    if view.first_vs_latest is not None:
        ui.chart(view.first_vs_latest)

st.subheader("Targets")
if view.targets:
    if view.targets_figure is not None:
        ui.chart(view.targets_figure)
    ui.dataframe(
        [
            {
                "Competency": t.competency_name,
                "Horizon (months)": t.horizon_months,
                "Target level": f"{t.target_level} {t.target_level_name}",
                "Current level": t.actual_level,
                "Levels to go": t.gap_levels,
                "Met": "yes" if t.met else "no",
            }
            for t in view.targets
        ],
        hide_index=True,
    )
else:
    st.caption("No targets set yet.")

user = ui.current_user()
if not user.can_write(sel.org):
    st.caption("Targets are set by analysts and administrators.")
    st.stop()
ui.target_form(sel, model, user)
