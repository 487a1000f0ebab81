"""Helpers for tests/test_survey.py: build real survey files (bytes) the way tools export them."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from pathlib import Path

from cxmaturity.errors import Problem, SurveyValidationError
from cxmaturity.models import MaturityModel, load_models, parse_model

MODELS: dict[str, MaturityModel] = load_models()


def csv_text(rows: Sequence[Sequence[str]], sep: str = ",", newline: str = "\n") -> str:
    """Rows joined the way Excel writes them: quotes only where needed."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=sep, lineterminator=newline, quoting=csv.QUOTE_MINIMAL)
    for row in rows:
        writer.writerow(row)
    return out.getvalue()


def write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def xlsx_bytes(rows: Sequence[Sequence[object]], extra_sheet: bool = False) -> bytes:
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Responses"
    for row in rows:
        ws.append(list(row))
    if extra_sheet:
        wb.create_sheet("Notes").append(["not read"])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def problems_of(excinfo) -> list[Problem]:
    err = excinfo.value
    assert isinstance(err, SurveyValidationError)
    return err.problems


def messages(excinfo) -> list[str]:
    return [str(p) for p in problems_of(excinfo)]


def tiny_model(
    model_id: str, item_ids: Sequence[Sequence[str]], name: str | None = None
) -> MaturityModel:
    """A small valid model: one competency per list of item ids, 1-5 agreement scale."""
    return parse_model(
        {
            "id": model_id,
            "name": name or model_id.title(),
            "source": {"document": "test", "organisation": "test"},
            "scale": {
                "min": 1,
                "max": 5,
                "labels": {
                    1: "Strongly disagree",
                    2: "Disagree",
                    3: "Neutral",
                    4: "Agree",
                    5: "Strongly agree",
                },
            },
            "levels": [
                {"number": 1, "name": "Low", "description": "low", "band": [1, 3]},
                {"number": 2, "name": "High", "description": "high", "band": [3, 5]},
            ],
            "competencies": [
                {
                    "id": f"c{k}",
                    "name": f"Competency {k}",
                    "description": "test",
                    "items": [{"id": i, "text": f"Statement {i}"} for i in ids],
                }
                for k, ids in enumerate(item_ids, start=1)
            ],
        }
    )


def clean_gartner_csv(seed: int, n: int = 24) -> bytes:
    """A clean Gartner survey in the CSV template layout (answers around the middle of the scale)."""
    import numpy as np
    import pandas as pd

    model = load_models()["gartner"]
    rng = np.random.default_rng(seed)
    lo, hi = model.scale.min, model.scale.max
    frame = pd.DataFrame(
        {
            "respondent_id": [f"r{i + 1}" for i in range(n)],
            "department": rng.choice(["Customer Service", "Sales", "IT"], size=n),
            "role": rng.choice(["Manager", "Specialist"], size=n),
            "submitted_at": ["2026-01-10"] * n,
        }
    )
    for item in model.item_ids:
        frame[item] = np.clip(np.rint(rng.normal((lo + hi) / 2, (hi - lo) / 4, size=n)), lo, hi).astype(int)
    return frame.to_csv(index=False).encode("utf-8")
