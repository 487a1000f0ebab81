"""Small survey files with answers worked out by hand."""

from __future__ import annotations

from cxmaturity.models import get_model
from cxmaturity.survey import read_survey


def all_threes(tmp_path, name: str = "threes.csv", respondents: int = 8):
    """Eight respondents in Sales answering 3 everywhere: every Gartner competency scores 3.0,
    which is level 3 (Defined, band 2.5–3.5)."""
    model = get_model("gartner")
    lines = ["respondent_id,department," + ",".join(model.item_ids)]
    lines += [f"r{i},Sales," + ",".join("3" for _ in model.item_ids) for i in range(respondents)]
    path = tmp_path / name
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return read_survey(path)
