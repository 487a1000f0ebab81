"""Benchmarks & peers: against whom? Published distributions (with their sources) and anonymous peers."""

import streamlit as st

import ui
from cxmaturity.i18n import _
from cxmaturity.views import format as formats

ui.page_setup("pages/benchmarks.py")

ALL = "All"  # the filters' "no filter" choice (shown in the interface language)

sel = ui.require_assessment()
version = ui.data_version()
base = ui.benchmarks_view(sel.org, sel.model_id, sel.assessment_id, None, None, None, version)

st.title(_("Benchmarks & peers"))
if base.has_published:
    all_sources = "[" + _("all sources") + "](/models)"  # the Models & sources page
    for statement in base.statements:
        st.markdown(f"#### {ui.md(statement.text)}")
        st.caption(f"{ui.md(statement.source)}{formats.sep()}{all_sources}")
    if base.distribution_figure is not None:
        ui.chart(base.distribution_figure)
else:
    st.caption(
        _(
            "The source documents publish no distribution of companies over this model's levels; "
            "the peers below show how other organisations in this installation compare."
        )
    )


def _option(value: str) -> str:
    return _("All") if value == ALL else value


st.subheader(_("Peers in this installation"))
opts = base.filter_options
c1, c2, c3 = st.columns(3)
industry = c1.selectbox(
    _("Industry"), [ALL, *opts.get("industry", [])], format_func=_option, key="peer_industry"
)
size = c2.selectbox(_("Size"), [ALL, *opts.get("size", [])], format_func=_option, key="peer_size")
region = c3.selectbox(
    _("Region"), [ALL, *opts.get("region", [])], format_func=_option, key="peer_region"
)
filters = [None if v == ALL else v for v in (industry, size, region)]
view = (
    base
    if filters == [None, None, None]
    else ui.benchmarks_view(sel.org, sel.model_id, sel.assessment_id, *filters, version)
)
if view.peers is None:
    st.info(ui.md(view.peer_message))
else:
    st.caption(ui.md(view.peer_message))
    ui.chart(view.peer_figure)
    ui.dataframe(
        view.peer_table,
        hide_index=True,
        column_config={
            _("Your score"): st.column_config.NumberColumn(format="%.2f"),
            _("Peer median"): st.column_config.NumberColumn(format="%.2f"),
            _("Your percentile"): st.column_config.ProgressColumn(
                min_value=0, max_value=100, format="%.0f"
            ),
        },
    )

if view.programme_figures:
    with st.expander(_("Other published figures on CX programmes")):
        ui.dataframe(
            [
                {k: v for k, v in r.items() if k not in ("kind", "model")}
                for r in view.programme_figures
                if r["kind"] != "level_distribution"
            ],
            hide_index=True,
        )
