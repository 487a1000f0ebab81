"""Models & sources: every model's competencies, levels and descriptors, and every benchmark with its source."""

import streamlit as st

import ui
from cxmaturity import i18n, services, translations
from cxmaturity.benchmarks import document_title
from cxmaturity.i18n import _, ngettext
from cxmaturity.models import NAME_OURS, provenance
from cxmaturity.views import format as formats
from cxmaturity.views.benchmarks import figure_passages, programme_figures
from cxmaturity.views.models_page import (
    NOT_TRANSLATED,
    SOURCE_WORDS,
    TRANSLATED,
    descriptor_matrix,
    origin_mark,
    origin_sign,
    signs_legend,
)

ui.page_setup("pages/models.py")

english = (
    i18n.current() == i18n.SOURCE_LANGUAGE
)  # the reference view: the models' own texts, no origin marks

st.title(_("Models & sources"))
models = services.models()
shown = {model_id: translations.localised(m) for model_id, m in models.items()}
names = {model_id: m.name for model_id, m in shown.items()}
current = ui.selection().model_id
model_id = st.selectbox(
    _("Model"),
    list(names),
    format_func=names.get,
    key="models_page_model",
    index=list(names).index(current) if current in names else 0,
)
model = shown[model_id]


def origin(key: str) -> str:
    """Where a model text shown in this language comes from, visibly beside it (nothing in English)."""
    return ui.mark(origin_mark(model.id, key))


def sign(key: str) -> str:
    """The same as a sign after a table cell or list entry (see the legend)."""
    return origin_sign(model.id, key)


def band_value(value: float) -> str:
    text = f"{value:g}"
    if english:
        return text
    return formats.number(value, len(text.split(".", 1)[1]) if "." in text else 0)


legend = signs_legend()
if not english:
    st.caption(
        _(
            "Model texts in this language: each says whether it is the source's own words or this project's "
            "translation. The original documents are the truth."
        )
    )
    st.caption(_("The model's name: {origin}.").format(origin=origin_mark(model.id, "name")))

st.markdown(
    _("**Source:** {organisation}, as described in {document} [`{file}`]").format(
        organisation=i18n.isolate(ui.md(model.source.organisation)),
        document=ui.md(document_title(model.source.document)),
        file=i18n.isolate_ltr(model.source.document),  # a file name keeps its order in Persian
    )
)
if model.description:
    st.markdown(ui.md(model.description) + ui.mark(provenance(model)) + origin("description"))
scale = ", ".join(
    f"{formats.integer(k)} = {v}{sign(f'scale.labels.{k}')}"
    for k, v in sorted(model.scale.labels.items())
)
st.caption(
    _("Answer scale: {scale}.").format(scale=ui.md(scale)) + ui.mark(provenance(model.scale))
)
if model.points_max:
    st.caption(
        _("Scored in points: items × block score, {points} points at most.").format(
            points=formats.integer(model.points_max)
        )
    )

st.subheader(_("Levels"))
ui.wide_texts("levels").table(
    [
        {
            _("Level"): lv.number if english else formats.integer(lv.number),
            _("Name"): lv.name + sign(f"levels.{lv.number}.name"),
            _("Band"): f"{band_value(lv.band[0])} – {band_value(lv.band[1])}",
            _("Description"): lv.description + sign(f"levels.{lv.number}.description"),
            _("Text"): _("written by this project") if lv.ours else _("source document"),
            _("Name from"): _(provenance(lv, "name") or "source document"),
        }
        for lv in model.levels
    ],
)
if legend:
    st.caption(legend)

matrix = descriptor_matrix(models[model_id])
if matrix is not None:
    st.subheader(_("Descriptor matrix"))
    st.caption(
        _(
            "What each level looks like for each competency; respondents choose the description that fits best."
        )
    )
    ui.wide_texts("descriptors", width_rem=64).table(matrix.set_index(_("Competency")))
    if legend:
        st.caption(legend)

st.subheader(_("Competencies and items"))
for comp in model.competencies:
    label = ngettext("{name} — {count} item", "{name} — {count} items", len(comp.items)).format(
        name=ui.md(comp.name) + sign(f"competencies.{comp.id}.name"),
        count=formats.integer(len(comp.items)),
    )
    with st.expander(label + (f" · {_(NAME_OURS)}" if comp.ours else "")):
        st.markdown(
            ui.md(comp.description)
            + ui.mark(provenance(comp, "description"))
            + origin(f"competencies.{comp.id}.description")
        )
        if comp.guiding_question:
            st.markdown(
                "*"
                + _("Guiding question:")
                + f"* {ui.md(comp.guiding_question)}"
                + origin(f"competencies.{comp.id}.guiding_question")
            )
        for item in comp.items:
            st.markdown(
                f"- `{item.id}`: {ui.md(item.text)}{ui.mark(provenance(item))}{origin(f'items.{item.id}.text')}"
            )
            if item.note:
                st.caption(ui.md(item.note) + origin(f"items.{item.id}.note"))

st.subheader(_("Published figures and their sources"))
st.caption(
    _(
        "Every benchmark figure the dashboard shows comes from this table: published figures and sums of them, "
        "nothing estimated."
    )
)
rows = programme_figures()
ui.wide_texts("figures").table(
    [
        {k: ("–" if v is None else str(v)) for k, v in r.items() if k not in ("kind", "model")}
        for r in rows
    ]
)

st.subheader(_("What the sources say, in their own words"))
if english:
    st.caption(
        _(
            "Each figure's passage as the source document states it, beside its English translation "
            "(the translation is the project's; the original is the truth)."
        )
    )
else:
    st.caption(
        _(
            "Each figure's passage as the source document states it, beside its text in this language, marked as "
            "this project's translation or the source's own words (the original is the truth)."
        )
    )
for passage in figure_passages():
    with st.expander(f"{ui.md(passage.figure)} — {ui.md(passage.measures)}"):
        shown_text, original = st.columns(2)
        if english or not passage.text_translated:
            heading = _("**English** (the project's translation)")
            if not english:
                heading += ui.mark(_(NOT_TRANSLATED))
            shown_text.markdown(f"{heading}  \n{ui.md(passage.english)}")
        else:
            words = _(TRANSLATED) if passage.text_is_translation else _(SOURCE_WORDS)
            shown_text.markdown(
                f"**{ui.md(i18n.LANGUAGES[i18n.current()])}** ({ui.md(words)})  \n{ui.md(passage.text)}"
            )
        if passage.original:
            original.markdown(
                _("**Original ({language})**").format(
                    language=ui.md(passage.language or _("source language"))
                )
                + f"  \n{ui.md(passage.original)}"
            )
        st.caption(_("Source: {document}").format(document=ui.md(passage.document)))
if model.notes:
    with st.expander(_("Notes on the source text")):
        st.markdown(ui.md(model.notes) + origin("notes"))
