"""The Models & sources page: each model's levels, descriptors and published figures."""

from __future__ import annotations

import pandas as pd

from cxmaturity.models import MaturityModel


def descriptor_matrix(model: MaturityModel) -> pd.DataFrame | None:
    """Competency x level descriptors (the Gartner matrix), or None for models without them."""
    if not any(c.descriptors for c in model.competencies):
        return None
    return pd.DataFrame(
        [{"Competency": c.name, **{f"{lv.number} {lv.name}": c.descriptors.get(lv.number, "") for lv in model.levels}}
         for c in model.competencies]
    )
