"""The page views built without a database (views.*.build_* and helpers)."""

import csv
import io

import openpyxl
import pandas as pd

from cxmaturity.models import load_models
from cxmaturity.scoring import score_assessment
from cxmaturity.views import competencies as competency_views
from cxmaturity.views import format as fmt


def _scores_with_departments(names):
    model = load_models()["gartner"]
    rows, depts = {}, {}
    for i in range(30):
        rows[f"r{i}"] = [float(1 + (i + j) % 5) for j in range(len(model.item_ids))]
        depts[f"r{i}"] = names[i % len(names)]
    answers = pd.DataFrame.from_dict(rows, orient="index", columns=model.item_ids)
    attrs = pd.DataFrame({"department": pd.Series(depts)})
    return model, score_assessment(model, answers, attrs, group_by="department")


def test_department_table_marks_suppressed_and_downloads_are_formula_safe():
    # 30 respondents over 6 departments: 5 each, so none is suppressed
    names = ["=HYPERLINK(\"http://x\")", "+Sales", "-IT", "@Ops", "Legal", "Marketing"]
    model, scores = _scores_with_departments(names)
    table = competency_views.department_table(model, scores)
    assert list(table.columns[:2]) == ["Department", "Respondents"]
    assert sorted(table["Department"]) == sorted(names)
    files = competency_views.download_files(table, "x")
    text = files["CSV"][0].decode("utf-8-sig")
    for row in csv.reader(io.StringIO(text)):
        assert not row[0].startswith(("=", "+", "-", "@")), row[0]
    book = openpyxl.load_workbook(io.BytesIO(files["Excel"][0]))
    cells = [c for r in book.active.iter_rows() for c in r]
    assert not any(c.data_type == "f" for c in cells)
    assert {c.value for c in cells if isinstance(c.value, str) and "HYPERLINK" in c.value} == {
        "'=HYPERLINK(\"http://x\")"
    }


def test_suppressed_department_reads_suppressed():
    model, scores = _scores_with_departments(["Sales", "IT", "Sales", "IT", "Sales", "IT", "Legal"])
    table = competency_views.department_table(model, scores).set_index("Department")
    # Legal has 4 of 30 (indices 6, 13, 20, 27) -> below 5: suppressed, and so is the next-smallest
    assert table.loc["Legal", "Respondents"] == 4
    assert table.loc["Legal", "Vision"] == "suppressed"


def test_format_p_value():
    assert fmt.p_value(None) == "–"
    assert fmt.p_value(0.0004) == "< 0.001"
    assert fmt.p_value(0.0412) == "0.041"
