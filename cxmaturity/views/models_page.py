"""The Models & sources page: each model's levels, descriptors and published figures.

In English the page shows the models' reference texts. In another language it shows each text in
that language and says, per text, where it comes from: the source document's own words, this
project's translation, or (no translation yet) the English reference.
"""

from __future__ import annotations

import pandas as pd

from cxmaturity import i18n, translations
from cxmaturity.i18n import N_, _
from cxmaturity.models import MaturityModel
from cxmaturity.views import format as fmt

TRANSLATED = N_("translated by this project")
SOURCE_WORDS = N_("the source's own words")
NOT_TRANSLATED = N_("not translated yet: the English reference")

# in tables, where a sentence per cell would crowd them: a sign, explained under the table
TABLE_SIGNS = {TRANSLATED: "†", NOT_TRANSLATED: "°"}


def text_origin(model_id: str, key: str) -> str | None:
    """Where a model text shown in the interface language comes from (TRANSLATED, SOURCE_WORDS or
    NOT_TRANSLATED, untranslated); None in English, the reference language."""
    if i18n.current() == i18n.SOURCE_LANGUAGE:
        return None
    entry = translations.origin(None, model_id, key)
    if entry is None:
        return NOT_TRANSLATED
    return TRANSLATED if entry.is_translation else SOURCE_WORDS


def origin_mark(model_id: str, key: str) -> str | None:
    """The origin of a text in words of the interface language, or None in English."""
    origin = text_origin(model_id, key)
    return _(origin) if origin else None


def origin_sign(model_id: str, key: str) -> str:
    """' †' (translated by this project) or ' °' (English, no translation yet) after a table cell;
    nothing for the source's own words and in English."""
    sign = TABLE_SIGNS.get(text_origin(model_id, key) or "")
    return f" {sign}" if sign else ""


def signs_legend() -> str | None:
    """What the table signs mean, in the interface language; None in English."""
    if i18n.current() == i18n.SOURCE_LANGUAGE:
        return None
    return _(
        "† translated by this project · ° not translated yet: the English reference · "
        "unmarked: the source's own words"
    )


def descriptor_matrix(model: MaturityModel) -> pd.DataFrame | None:
    """Competency x level descriptors (the Gartner matrix), or None for models without them.
    In the interface language, each cell marked with its origin outside English."""
    if not any(c.descriptors for c in model.competencies):
        return None
    shown = translations.localised(model)
    rows = []
    for c in shown.competencies:
        row = {_("Competency"): c.name + origin_sign(model.id, f"competencies.{c.id}.name")}
        for lv in shown.levels:
            text = c.descriptors.get(lv.number, "")
            if text:
                text += origin_sign(model.id, f"competencies.{c.id}.descriptors.{lv.number}")
            row[
                f"{fmt.integer(lv.number)} {lv.name}{origin_sign(model.id, f'levels.{lv.number}.name')}"
            ] = text
        rows.append(row)
    return pd.DataFrame(rows)
