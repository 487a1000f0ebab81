"""Reading survey files (design.md §5): every case reads a real file written into tmp_path.

Expected values are worked out by hand from the rows written in each test.
"""

from __future__ import annotations

import hashlib
import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from survey_files import MODELS, csv_text, messages, problems_of, tiny_model, write, xlsx_bytes

from cxmaturity.errors import Problem, SurveyValidationError
from cxmaturity.survey import (
    MAX_FILE_BYTES,
    SurveyData,
    detect_model,
    read_survey,
    template_csv,
)

GARTNER = MODELS["gartner"]
FORRESTER = MODELS["forrester"]
TEMKIN = MODELS["temkin"]
POINTS95 = MODELS["points95"]

G_ITEMS = (
    GARTNER.item_ids
)  # vision, strategy, metrics, governance, organization, processes, technology
G_HEADER = ("respondent_id", "department", "role", "submitted_at", *G_ITEMS)
G_SCALE = "1–5 scale (1 = Initial … 5 = Optimized)"
F_SCALE = "1–5 scale (1 = Strongly disagree … 5 = Strongly agree)"
NaN = math.nan


def gartner_rows() -> list[list[str]]:
    """Header + three respondents; answers chosen so each row is easy to check by eye."""
    return [
        list(G_HEADER),
        ["r1", "Sales", "Manager", "2024-03-01", "1", "2", "3", "4", "5", "1", "2"],
        ["r2", "IT", "Analyst", "2024-03-02", "5", "5", "5", "5", "5", "5", "5"],
        ["r3", "Sales", "", "", "3", "", "4", "N/A", "2", "3", "1"],
    ]


GARTNER_EXPECTED = {
    "r1": [1, 2, 3, 4, 5, 1, 2],
    "r2": [5, 5, 5, 5, 5, 5, 5],
    "r3": [3, NaN, 4, NaN, 2, 3, 1],
}


def assert_answers(data: SurveyData, expected: dict[str, list[float]]) -> None:
    assert list(data.answers.index) == list(expected)
    assert data.answers.index.name == "respondent_id"
    assert list(data.answers.columns) == data.model.item_ids
    assert all(dt == np.float64 for dt in data.answers.dtypes)
    want = pd.DataFrame(
        [expected[k] for k in expected],
        index=pd.Index(list(expected), name="respondent_id"),
        columns=data.model.item_ids,
    )
    np.testing.assert_array_equal(data.answers.to_numpy(), want.to_numpy(dtype=float))


def read_error(*args, **kwargs) -> pytest.ExceptionInfo:
    with pytest.raises(SurveyValidationError) as excinfo:
        read_survey(*args, **kwargs)
    return excinfo


# ------------------------------------------------------------------------------------------
# template and the plain CSV
# ------------------------------------------------------------------------------------------


def test_template_csv_has_metadata_then_item_ids_and_no_rows():
    assert template_csv(GARTNER) == (
        "respondent_id,department,role,submitted_at,vision_level,strategy_level,metrics_level,"
        "governance_level,organization_level,processes_level,technology_level\n"
    )
    lines = template_csv(FORRESTER).splitlines()
    assert len(lines) == 1
    assert lines[0].split(",") == [
        "respondent_id",
        "department",
        "role",
        "submitted_at",
        *FORRESTER.item_ids,
    ]


def test_template_read_back_is_header_only(tmp_path):
    path = write(tmp_path, "template.csv", template_csv(GARTNER).encode())
    excinfo = read_error(path, model=GARTNER)
    assert problems_of(excinfo) == [
        Problem(None, None, "the file has a header but no responses (no rows below the header)")
    ]


def test_utf8_csv_with_model(tmp_path):
    raw = csv_text(gartner_rows()).encode("utf-8")
    data = read_survey(write(tmp_path, "survey.csv", raw), model=GARTNER)
    assert data.model is GARTNER
    assert data.model_detected is False
    assert data.encoding == "utf-8"
    assert data.delimiter == ","
    assert data.export_format == "csv"
    assert data.header_rows == 1
    assert data.content_hash == hashlib.sha256(raw).hexdigest()
    assert data.warnings == []
    assert_answers(data, GARTNER_EXPECTED)
    resp = data.respondents
    assert list(resp.columns) == ["department", "role", "submitted_at"]
    assert list(resp.index) == ["r1", "r2", "r3"]
    assert list(resp["department"]) == ["Sales", "IT", "Sales"]
    assert resp.loc["r1", "role"] == "Manager"
    assert pd.isna(resp.loc["r3", "role"])
    assert pd.isna(resp.loc["r3", "submitted_at"])
    assert resp.loc["r2", "submitted_at"] == "2024-03-02"
    assert data.columns["metrics_level"] == "metrics_level"


def test_bytes_and_path_give_the_same_result(tmp_path):
    raw = csv_text(gartner_rows()).encode()
    from_path = read_survey(write(tmp_path, "s.csv", raw), model=GARTNER)
    from_bytes = read_survey(raw, model=GARTNER)
    pd.testing.assert_frame_equal(from_path.answers, from_bytes.answers)
    assert from_path.content_hash == from_bytes.content_hash


def test_model_is_detected_from_columns(tmp_path):
    data = read_survey(write(tmp_path, "s.csv", csv_text(gartner_rows()).encode()))
    assert data.model.id == "gartner"
    assert data.model_detected is True
    data = read_survey(write(tmp_path, "s.csv", csv_text(gartner_rows()).encode()), models=MODELS)
    assert data.model.id == "gartner"


# ------------------------------------------------------------------------------------------
# encodings
# ------------------------------------------------------------------------------------------


def test_utf8_with_bom(tmp_path):
    raw = csv_text(gartner_rows()).encode("utf-8-sig")
    assert raw.startswith(b"\xef\xbb\xbf")
    data = read_survey(write(tmp_path, "bom.csv", raw))
    assert data.encoding == "utf-8-sig"
    # the BOM must not stick to the first header: respondent_id is still recognised
    assert list(data.answers.index) == ["r1", "r2", "r3"]
    assert_answers(data, GARTNER_EXPECTED)


def test_utf16_tab_separated_as_excel_unicode_text(tmp_path):
    rows = gartner_rows()
    rows[1][1] = "Ventes Île-de-France"
    raw = csv_text(rows, sep="\t", newline="\r\n").encode("utf-16")
    data = read_survey(write(tmp_path, "unicode.txt", raw), model=GARTNER)
    assert data.encoding == "utf-16"
    assert data.delimiter == "\t"
    assert data.respondents.loc["r1", "department"] == "Ventes Île-de-France"
    assert_answers(data, GARTNER_EXPECTED)


CYRILLIC_DEPARTMENTS = ["Отдел продаж", "Бухгалтерия", "Служба поддержки клиентов", "Маркетинг"]


def test_cp1251_cyrillic_departments(tmp_path):
    rows = [G_HEADER]
    for k, dept in enumerate(CYRILLIC_DEPARTMENTS, start=1):
        rows.append([f"r{k}", dept, "Менеджер", "", "3", "3", "3", "3", "3", "3", str(k)])
    raw = csv_text(rows, sep=";").encode("cp1251")
    data = read_survey(write(tmp_path, "cp1251.csv", raw), model=GARTNER)
    assert data.encoding == "cp1251"
    assert data.delimiter == ";"
    assert list(data.respondents["department"]) == CYRILLIC_DEPARTMENTS
    assert list(data.respondents["role"]) == ["Менеджер"] * 4
    assert list(data.answers["technology_level"]) == [1.0, 2.0, 3.0, 4.0]


# Persian in cp1256 uses ARABIC LETTER YEH (cp1256 has no FARSI YEH), as Windows writes it.
ARABIC_DEPARTMENTS = ["المبيعات", "المحاسبة", "خدمة العملاء", "فروش", "بازاريابي"]


def test_cp1256_arabic_and_persian_departments(tmp_path):
    rows = [G_HEADER]
    for k, dept in enumerate(ARABIC_DEPARTMENTS, start=1):
        rows.append([f"r{k}", dept, "مدير", "", "2", "2", "2", "2", "2", "2", str(k)])
    raw = csv_text(rows).encode("cp1256")
    data = read_survey(write(tmp_path, "cp1256.csv", raw), model=GARTNER)
    assert data.encoding == "cp1256"
    assert list(data.respondents["department"]) == ARABIC_DEPARTMENTS
    assert list(data.answers["technology_level"]) == [1.0, 2.0, 3.0, 4.0, 5.0]


def test_undecodable_text_is_a_problem_not_latin1(tmp_path):
    # bytes that are not UTF-8 and make no sense in any code page (random high bytes)
    junk = bytes([0x8F, 0x9D, 0x81, 0x90, 0x8D, 0xAD, 0xFF, 0xFE, 0x98, 0x83, 0x9F, 0x8E]) * 20
    excinfo = read_error(
        write(tmp_path, "weird.csv", b"respondent_id,vision_level\n" + junk), model=GARTNER
    )
    assert messages(excinfo) == [
        "the file is not readable text (encoding could not be recognised); save it as CSV UTF-8"
    ]


# ------------------------------------------------------------------------------------------
# separators and xlsx
# ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("sep", [",", ";", "\t", "|"])
def test_separators(tmp_path, sep):
    rows = gartner_rows()
    # a department containing the other separators must not confuse the sniffer
    rows[1][1] = "Sales, North; West"
    if sep in rows[1][1]:
        rows[1][1] = "Sales North West"  # csv quoting handles it, but keep the case simple
    raw = csv_text(rows, sep=sep).encode()
    data = read_survey(write(tmp_path, "s.csv", raw), model=GARTNER)
    assert data.delimiter == sep
    assert_answers(data, GARTNER_EXPECTED)


def test_separator_inside_quoted_cell(tmp_path):
    rows = gartner_rows()
    rows[1][1] = "Sales; North"  # quoted by the writer
    data = read_survey(write(tmp_path, "s.csv", csv_text(rows, sep=";").encode()), model=GARTNER)
    assert data.respondents.loc["r1", "department"] == "Sales; North"
    assert_answers(data, GARTNER_EXPECTED)


def test_excel_sep_line(tmp_path):
    raw = ("sep=;\n" + csv_text(gartner_rows(), sep=";")).encode()
    data = read_survey(write(tmp_path, "s.csv", raw), model=GARTNER)
    assert data.delimiter == ";"
    assert_answers(data, GARTNER_EXPECTED)


def test_xlsx_written_with_openpyxl(tmp_path):
    import datetime as dt

    rows = [
        G_HEADER,
        ["r1", "Sales", "Manager", dt.datetime(2024, 3, 1, 9, 30), 1, 2, 3, 4, 5, 1, 2],
        [2, "IT", None, None, "Optimized", 5.0, "5", 5, 5, 5, 5],
        ["r3", "Sales", None, None, 3, None, 4, "N/A", 2, 3, 1],
    ]
    path = write(tmp_path, "survey.xlsx", xlsx_bytes(rows, extra_sheet=True))
    data = read_survey(path)
    assert data.model.id == "gartner"
    assert data.encoding == "xlsx"
    assert data.delimiter is None
    assert data.export_format == "xlsx"
    assert_answers(
        data,
        {"r1": GARTNER_EXPECTED["r1"], "2": GARTNER_EXPECTED["r2"], "r3": GARTNER_EXPECTED["r3"]},
    )
    assert data.respondents.loc["r1", "submitted_at"] == "2024-03-01 09:30:00"
    assert pd.isna(data.respondents.loc["2", "role"])
    assert any("only the first one ('Responses')" in w for w in data.warnings)


def test_xlsx_recognised_by_magic_bytes_without_a_name(tmp_path):
    raw = xlsx_bytes(gartner_rows())
    data = read_survey(raw)
    assert data.encoding == "xlsx"
    assert_answers(data, GARTNER_EXPECTED)


def test_xlsx_off_scale_cell_names_the_spreadsheet_row(tmp_path):
    rows = [
        G_HEADER,
        ["r1", "", "", "", 1, 1, 1, 1, 1, 1, 1],
        ["r2", "", "", "", 1, 1, 9, 1, 1, 1, 1],
    ]
    excinfo = read_error(write(tmp_path, "s.xlsx", xlsx_bytes(rows)))
    assert problems_of(excinfo) == [
        Problem(3, "metrics_level", f"'9' is not an answer on the {G_SCALE}")
    ]


def test_empty_workbook(tmp_path):
    excinfo = read_error(write(tmp_path, "empty.xlsx", xlsx_bytes([])), model=GARTNER)
    assert problems_of(excinfo) == [Problem(None, None, "the file is empty")]


def test_text_file_named_xls_is_read_as_text(tmp_path):
    raw = csv_text(gartner_rows(), sep="\t").encode("utf-16")
    data = read_survey(write(tmp_path, "export.xls", raw), model=GARTNER)
    assert data.delimiter == "\t"
    assert_answers(data, GARTNER_EXPECTED)


def test_named_xlsx_that_is_not_a_workbook(tmp_path):
    excinfo = read_error(
        write(tmp_path, "s.xlsx", b"respondent_id,vision_level\n1,2\n"), model=GARTNER
    )
    assert messages(excinfo) == [
        "the file is named 's.xlsx' but is not an Excel workbook; save it as CSV UTF-8 or as an Excel .xlsx workbook"
    ]


def test_zip_that_is_not_a_workbook(tmp_path):
    import io
    import zipfile

    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("readme.txt", "hello")
    excinfo = read_error(write(tmp_path, "s.zip", buf.getvalue()), model=GARTNER)
    assert "not an Excel .xlsx workbook" in messages(excinfo)[0]


# ------------------------------------------------------------------------------------------
# exports: Qualtrics, SurveyMonkey, Google Forms
# ------------------------------------------------------------------------------------------


def qualtrics_rows(answers: list[list[str]]) -> list[list[str]]:
    items = FORRESTER.competencies
    texts = [i.text for c in items for i in c.items]
    n = len(texts)
    ids = [f"Q{k}" for k in range(1, n + 1)]
    header = ["StartDate", "EndDate", "Status", "Progress", "ResponseId", "Q_dept", *ids]
    question = ["Start Date", "End Date", "Response Type", "Progress", "Response ID", "Department"]
    # matrix questions export as "question - statement"
    question += [f"How much do you agree with these statements? - {t}" for t in texts]
    import_ids = [
        '{"ImportId":"startDate","timeZone":"America/Denver"}',
        '{"ImportId":"endDate","timeZone":"America/Denver"}',
        '{"ImportId":"status"}',
        '{"ImportId":"progress"}',
        '{"ImportId":"_recordId"}',
        '{"ImportId":"QID1_TEXT"}',
    ]
    import_ids += [f'{{"ImportId":"QID2_{k}"}}' for k in range(1, n + 1)]
    rows = [header, question, import_ids]
    for k, ans in enumerate(answers, start=1):
        rows.append(
            [
                "2024-05-01 09:00:00",
                f"2024-05-01 09:1{k}:00",
                "IP Address",
                "100",
                f"R_{k:03d}",
                "Support",
                *ans,
            ]
        )
    return rows


def test_qualtrics_three_header_rows(tmp_path):
    n = len(FORRESTER.item_ids)
    answers = [
        ["Strongly agree"] * n,
        ["Agree"] * (n - 1) + [""],
        ["Strongly disagree", "Disagree", "Neither agree nor disagree", "Agree", "Strongly agree"]
        + ["Agree"] * (n - 5),
    ]
    data = read_survey(
        write(tmp_path, "qualtrics.csv", csv_text(qualtrics_rows(answers)).encode("utf-8-sig"))
    )
    assert data.model.id == "forrester"
    assert data.export_format == "qualtrics"
    assert data.header_rows == 3
    assert list(data.answers.index) == ["R_001", "R_002", "R_003"]
    assert list(data.answers.loc["R_001"]) == [5.0] * n
    assert list(data.answers.loc["R_002"])[:-1] == [4.0] * (n - 1)
    assert math.isnan(data.answers.loc["R_002"].iloc[-1])
    assert list(data.answers.loc["R_003"])[:6] == [1.0, 2.0, 3.0, 4.0, 5.0, 4.0]
    assert data.respondents.loc["R_002", "submitted_at"] == "2024-05-01 09:12:00"
    assert data.columns["research_qualitative_feedback"] == "Q1"
    # Qualtrics metadata columns are kept, with one warning naming them
    assert data.respondents.loc["R_001", "Status"] == "IP Address"
    assert (
        "3 columns are not questions of Forrester CX maturity model and were kept as respondent information: 'StartDate', 'Status', 'Progress'"
        in data.warnings
    )
    # the department question is recognised by its question text (row 2)
    assert list(data.respondents["department"]) == ["Support"] * 3


def test_qualtrics_problem_rows_count_the_three_header_rows(tmp_path):
    n = len(FORRESTER.item_ids)
    answers = [["Agree"] * n, ["Agree", "Agree", "seven"] + ["Agree"] * (n - 3)]
    excinfo = read_error(
        write(tmp_path, "q.csv", csv_text(qualtrics_rows(answers)).encode()), model=FORRESTER
    )
    # header rows 1-3, first response row 4, second response row 5; column as in row 1
    assert problems_of(excinfo) == [Problem(5, "Q3", f"'seven' is not an answer on the {F_SCALE}")]


def surveymonkey_rows(answers: list[list[str]]) -> list[list[str]]:
    texts = [i.text for i in TEMKIN.competencies[0].items] + [
        i.text for c in TEMKIN.competencies[1:] for i in c.items
    ]
    n = len(texts)
    row1 = [
        "Respondent ID",
        "Collector ID",
        "Start Date",
        "End Date",
        "IP Address",
        "Which team are you in?",
    ]
    row1 += ["Please rate each statement about your organisation"] + [""] * (n - 1)
    row2 = ["", "", "", "", "", "Response", *texts]
    rows = [row1, row2]
    for k, ans in enumerate(answers, start=1):
        rows.append(
            [
                str(11400000 + k),
                "2345",
                "05/01/2024 09:00:00",
                f"05/01/2024 09:2{k}:00",
                "10.0.0.1",
                "Ops",
                *ans,
            ]
        )
    return rows


def test_surveymonkey_two_header_rows(tmp_path):
    n = len(TEMKIN.item_ids)
    answers = [["Agree"] * n, ["5 - Strongly agree"] + ["Disagree"] * (n - 1)]
    data = read_survey(write(tmp_path, "sm.csv", csv_text(surveymonkey_rows(answers)).encode()))
    assert data.model.id == "temkin"
    assert data.export_format == "surveymonkey"
    assert data.header_rows == 2
    assert list(data.answers.index) == ["11400001", "11400002"]
    assert list(data.answers.loc["11400001"]) == [4.0] * n
    assert list(data.answers.loc["11400002"]) == [5.0] + [2.0] * (n - 1)
    assert data.respondents.loc["11400002", "submitted_at"] == "05/01/2024 09:22:00"
    # issue 9: a department asked as a question is the department column
    assert data.respondents.loc["11400001", "department"] == "Ops"


def test_surveymonkey_problem_row_counts_two_header_rows(tmp_path):
    n = len(TEMKIN.item_ids)
    answers = [["Agree"] * (n - 1) + ["Maybe"]]
    excinfo = read_error(
        write(tmp_path, "sm.csv", csv_text(surveymonkey_rows(answers)).encode()), model=TEMKIN
    )
    last_text = TEMKIN.competencies[-1].items[-1].text
    assert problems_of(excinfo) == [
        Problem(3, last_text, f"'Maybe' is not an answer on the {F_SCALE}")
    ]


def test_google_forms_full_text_headers_and_grid_brackets(tmp_path):
    texts = [i.text for i in TEMKIN.competencies[0].items] + [
        i.text for c in TEMKIN.competencies[1:] for i in c.items
    ]
    n = len(texts)
    header = ["Timestamp", "Team"] + [
        f"How true is this for your organisation? [{t}]" for t in texts
    ]
    rows = [
        header,
        ["2024/05/01 9:00:00 AM GMT+1", "Ops", *["4"] * n],
        ["2024/05/02 10:00:00 AM GMT+1", "HR", *["2"] * n],
    ]
    data = read_survey(write(tmp_path, "forms.csv", csv_text(rows).encode()))
    assert data.model.id == "temkin"
    assert data.export_format == "google-forms"
    # no respondent id column: numbered in file order, and said so
    assert list(data.answers.index) == ["1", "2"]
    assert any("no respondent id column" in w for w in data.warnings)
    assert list(data.respondents["department"]) == ["Ops", "HR"]
    assert data.respondents.loc["2", "submitted_at"] == "2024/05/02 10:00:00 AM GMT+1"
    assert list(data.answers.loc["2"]) == [2.0] * n


def test_microsoft_forms_export(tmp_path):
    texts = [i.text for i in GARTNER.competencies[0].items] + [
        i.text for c in GARTNER.competencies[1:] for i in c.items
    ]
    header = ["ID", "Start time", "Completion time", "Email", "Name", "Department", *texts]
    rows = [
        header,
        ["1", "5/1/24 9:00:00", "5/1/24 9:05:00", "anonymous", "", "Sales", *["3"] * 7],
        ["2", "5/1/24 9:10:00", "5/1/24 9:15:00", "anonymous", "", "IT", *["Managed"] * 7],
    ]
    data = read_survey(write(tmp_path, "ms.xlsx", xlsx_bytes(rows)))
    assert data.model.id == "gartner"
    assert data.export_format == "microsoft-forms"
    assert list(data.answers.loc["2"]) == [4.0] * 7
    assert data.respondents.loc["1", "submitted_at"] == "5/1/24 9:05:00"
    assert list(data.respondents.columns) == [
        "department",
        "role",
        "submitted_at",
        "Start time",
        "Email",
        "Name",
    ]


# ------------------------------------------------------------------------------------------
# headers and metadata synonyms
# ------------------------------------------------------------------------------------------


def test_full_item_text_headers_with_odd_case_and_spacing(tmp_path):
    first = FORRESTER.competencies[0].items[0]
    header = ["respondent_id"]
    for comp in FORRESTER.competencies:
        for item in comp.items:
            header.append(item.id)
    header[1] = "  " + "   ".join(first.text.upper().split()) + " "
    rows = [header, ["a", *["3"] * len(FORRESTER.item_ids)]]
    data = read_survey(write(tmp_path, "s.csv", csv_text(rows).encode()))
    assert data.model.id == "forrester"
    assert data.answers.loc["a", first.id] == 3.0
    assert data.columns[first.id] == header[1].strip()
    assert data.warnings == []


def test_item_id_headers_in_another_case(tmp_path):
    rows = gartner_rows()
    rows[0] = [
        "Respondent_ID",
        "DEPARTMENT",
        "Role",
        "Submitted_At",
        *[f" {i.upper()} " for i in G_ITEMS],
    ]
    data = read_survey(write(tmp_path, "s.csv", csv_text(rows).encode()))
    assert data.model.id == "gartner"
    assert_answers(data, GARTNER_EXPECTED)
    assert list(data.respondents["department"]) == ["Sales", "IT", "Sales"]


@pytest.mark.parametrize(
    "names",
    [
        ("Respondent ID", "Dept", "Job role", "Completion time"),
        ("ResponseId", "Team", "Position", "EndDate"),
        ("ID", "Department", "Role", "Timestamp"),
        ("RespondentID", "team", "position", "End Date"),
        ("Response ID", "dept", "job role", "Submitted"),
    ],
)
def test_metadata_synonyms(tmp_path, names):
    rows = gartner_rows()
    rows[0] = [*names, *G_ITEMS]
    data = read_survey(write(tmp_path, "s.csv", csv_text(rows).encode()), model=GARTNER)
    assert list(data.answers.index) == ["r1", "r2", "r3"]
    assert list(data.respondents.columns) == ["department", "role", "submitted_at"]
    assert list(data.respondents["department"]) == ["Sales", "IT", "Sales"]
    assert data.respondents.loc["r1", "role"] == "Manager"
    assert data.respondents.loc["r2", "submitted_at"] == "2024-03-02"
    assert data.warnings == []


# ------------------------------------------------------------------------------------------
# answers
# ------------------------------------------------------------------------------------------


def test_answer_forms(tmp_path):
    header = ["respondent_id", *G_ITEMS]
    rows = [
        header,
        # labels in odd case, "4 - Managed", "4 – Managed", "4. Managed", spaces, "4.0"
        [
            "a",
            "initial",
            "DEVELOPING",
            " Defined ",
            "4 - Managed",
            "4 – Managed",
            "4. Managed",
            " 4 ",
        ],
        # Persian digits, Arabic-Indic digits, 5.0, "Optimized (5)"
        ["b", "۴", "٤", "5.0", "Optimized (5)", "۱", "٣", "2"],
        # every spelling of "not answered"
        ["c", "", "N/A", "n/a", "NA", "-", "–", "   "],
    ]
    data = read_survey(write(tmp_path, "s.csv", csv_text(rows).encode()), model=GARTNER)
    assert_answers(
        data,
        {
            "a": [1, 2, 3, 4, 4, 4, 4],
            "b": [4, 4, 5, 5, 1, 3, 2],
            "c": [NaN] * 7,
        },
    )
    assert "1 respondent answered none of the questions" in data.warnings


def test_points95_zero_to_five_scale(tmp_path):
    header = ["respondent_id", *POINTS95.item_ids]
    n = len(POINTS95.item_ids)
    rows = [
        header,
        ["a", "0", *["5"] * (n - 1)],
        ["b", "Not at all", "Fully, across the company", *["3"] * (n - 2)],
    ]
    data = read_survey(write(tmp_path, "p.csv", csv_text(rows).encode()))
    assert data.model.id == "points95"
    assert list(data.answers.loc["a"]) == [0.0] + [5.0] * (n - 1)
    assert list(data.answers.loc["b"]) == [0.0, 5.0] + [3.0] * (n - 2)


def test_points95_off_scale_message(tmp_path):
    header = ["respondent_id", *POINTS95.item_ids]
    n = len(POINTS95.item_ids)
    rows = [header, ["a", "6", *["5"] * (n - 1)]]
    excinfo = read_error(write(tmp_path, "p.csv", csv_text(rows).encode()), model=POINTS95)
    assert messages(excinfo) == [
        "row 2, column 'transformation_leaders': '6' is not an answer on the 0–5 scale "
        "(0 = Not at all … 5 = Fully, across the company)"
    ]


# ------------------------------------------------------------------------------------------
# bad inputs
# ------------------------------------------------------------------------------------------


def test_empty_file(tmp_path):
    excinfo = read_error(write(tmp_path, "empty.csv", b""), model=GARTNER)
    assert problems_of(excinfo) == [Problem(None, None, "the file is empty")]
    excinfo = read_error(write(tmp_path, "blank.csv", b"\xef\xbb\xbf \r\n\r\n"), model=GARTNER)
    assert problems_of(excinfo) == [Problem(None, None, "the file is empty")]


def test_header_only(tmp_path):
    excinfo = read_error(write(tmp_path, "h.csv", (",".join(G_HEADER) + "\n\n").encode()))
    assert problems_of(excinfo) == [
        Problem(None, None, "the file has a header but no responses (no rows below the header)")
    ]


@pytest.mark.parametrize(
    "junk",
    [
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x01\x00",
        bytes(range(256)) * 4,
        b"%PDF-1.7\n\x00\x01\x02\x03binary\x00stream",
    ],
)
def test_binary_junk(tmp_path, junk):
    excinfo = read_error(write(tmp_path, "junk.csv", junk))
    assert messages(excinfo) == [
        "the file is not a CSV or Excel file (it contains binary data); save it as CSV UTF-8 or as an Excel .xlsx workbook"
    ]


def test_a_stray_control_character_is_text_not_binary(tmp_path):
    rows = gartner_rows()
    rows[1][1] = "Sales\x0bNorth"  # FileMaker writes line breaks in cells as vertical tabs
    data = read_survey(write(tmp_path, "s.csv", csv_text(rows).encode()), model=GARTNER)
    assert data.respondents.loc["r1", "department"] == "Sales\x0bNorth"
    assert_answers(data, GARTNER_EXPECTED)


def test_old_xls_is_refused_with_advice(tmp_path):
    excinfo = read_error(
        write(tmp_path, "old.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100)
    )
    assert "old Excel .xls" in messages(excinfo)[0]


def test_unrelated_csv_without_model(tmp_path):
    raw = csv_text([["name", "price", "qty"], ["pen", "1.20", "3"]]).encode()
    excinfo = read_error(write(tmp_path, "shop.csv", raw))
    (problem,) = problems_of(excinfo)
    assert problem.row is None and problem.column is None
    assert problem.message.startswith("no column matches a question of any maturity model")


def test_unrelated_csv_with_model(tmp_path):
    raw = csv_text([["name", "price", "qty"], ["pen", "1.20", "3"]]).encode()
    excinfo = read_error(write(tmp_path, "shop.csv", raw), model=GARTNER)
    assert problems_of(excinfo) == [
        Problem(
            None,
            None,
            "no column matches a question of Gartner CX management maturity model; the header should hold "
            "the item ids (for example 'vision_level', 'strategy_level') or the questions' full text — "
            "download the template of the model",
        )
    ]


def test_missing_competency(tmp_path):
    rows = [[c for c in row if c != "metrics_level"] for row in gartner_rows()[:1]]
    rows += [["r1", "", "", "", "1", "2", "4", "5", "1", "2"]]
    excinfo = read_error(write(tmp_path, "s.csv", csv_text(rows).encode()), model=GARTNER)
    assert problems_of(excinfo) == [
        Problem(
            None,
            "Metrics",
            "competency 'Metrics' has no column in the file (expected e.g. 'metrics_level' or its full text)",
        )
    ]


def test_missing_single_item_is_a_warning_and_a_nan_column(tmp_path):
    ids = [i for i in FORRESTER.item_ids if i != "culture_hiring"]
    rows = [["respondent_id", *ids], ["a", *["4"] * len(ids)]]
    data = read_survey(write(tmp_path, "s.csv", csv_text(rows).encode()), model=FORRESTER)
    assert list(data.answers.columns) == FORRESTER.item_ids
    assert math.isnan(data.answers.loc["a", "culture_hiring"])
    assert data.answers.loc["a", "culture_education"] == 4.0
    assert len(data.warnings) == 1
    assert data.warnings[0].startswith("no column for item 'culture_hiring'")


def test_off_scale_value_names_row_and_column(tmp_path):
    rows = gartner_rows()
    rows[2][G_HEADER.index("metrics_level")] = "7"  # respondent r2, third line of the file
    excinfo = read_error(write(tmp_path, "s.csv", csv_text(rows).encode()), model=GARTNER)
    assert problems_of(excinfo) == [
        Problem(3, "metrics_level", f"'7' is not an answer on the {G_SCALE}")
    ]
    assert str(problems_of(excinfo)[0]) == (
        "row 3, column 'metrics_level': '7' is not an answer on the 1–5 scale (1 = Initial … 5 = Optimized)"
    )


def test_text_and_fractions_in_answer_cells(tmp_path):
    rows = gartner_rows()
    rows[1][G_HEADER.index("vision_level")] = "seven"
    rows[3][G_HEADER.index("technology_level")] = "3.5"
    rows[3][G_HEADER.index("vision_level")] = "0"
    excinfo = read_error(write(tmp_path, "s.csv", csv_text(rows).encode()), model=GARTNER)
    assert problems_of(excinfo) == [
        Problem(2, "vision_level", f"'seven' is not an answer on the {G_SCALE}"),
        Problem(4, "vision_level", f"'0' is not an answer on the {G_SCALE}"),
        Problem(4, "technology_level", f"'3.5' is not an answer on the {G_SCALE}"),
    ]


def test_column_named_as_written_in_the_file(tmp_path):
    text = FORRESTER.competencies[0].items[1].text
    rows = [["respondent_id", *FORRESTER.item_ids], ["a", *["4"] * len(FORRESTER.item_ids)]]
    rows[0][2] = text.lower()
    rows[1][2] = "often"
    excinfo = read_error(write(tmp_path, "s.csv", csv_text(rows).encode()), model=FORRESTER)
    assert problems_of(excinfo) == [
        Problem(2, text.lower(), f"'often' is not an answer on the {F_SCALE}")
    ]


def test_duplicate_respondent_ids_name_both_rows(tmp_path):
    rows = gartner_rows()
    rows.append(["r1", "HR", "", "", *["3"] * 7])  # row 5 repeats r1 of row 2
    excinfo = read_error(write(tmp_path, "s.csv", csv_text(rows).encode()), model=GARTNER)
    assert problems_of(excinfo) == [
        Problem(5, "respondent_id", "respondent id 'r1' is used more than once (rows 2 and 5)")
    ]


def test_blank_respondent_id(tmp_path):
    rows = gartner_rows()
    rows[2][0] = "  "
    excinfo = read_error(write(tmp_path, "s.csv", csv_text(rows).encode()), model=GARTNER)
    assert problems_of(excinfo) == [
        Problem(3, "respondent_id", "the respondent id is empty; give every respondent an id")
    ]


def test_oversize_file_with_small_limit(tmp_path):
    raw = csv_text(gartner_rows()).encode()
    raw += b" " * (1536 - len(raw))  # 1.5 KB
    excinfo = read_error(write(tmp_path, "s.csv", raw), model=GARTNER, max_bytes=1024)
    assert problems_of(excinfo) == [Problem(None, None, "the file is 1.5 KB; the limit is 1 KB")]
    excinfo = read_error(raw[:150], model=GARTNER, max_bytes=100)
    assert messages(excinfo) == ["the file is 150 bytes; the limit is 100 bytes"]
    # at the limit exactly, the file is read
    assert read_survey(raw, model=GARTNER, max_bytes=1536).answers.shape == (3, 7)


def test_oversize_file_in_megabytes_is_not_read(tmp_path):
    path = tmp_path / "huge.csv"
    with path.open("wb") as fh:  # sparse: 63.1 MB on paper, nothing on disk, never read
        fh.truncate(63_124_276)
    assert MAX_FILE_BYTES == 50_000_000  # the browser's count of Streamlit's maxUploadSize = 50 (issue 16)
    excinfo = read_error(path, model=GARTNER)
    assert messages(excinfo) == ["the file is 63.1 MB; the limit is 50 MB"]


def test_ragged_row(tmp_path):
    text = csv_text(gartner_rows())
    lines = text.splitlines()
    lines[2] = lines[2] + ",extra,cells"  # row 3: 13 cells under an 11-column header
    excinfo = read_error(
        write(tmp_path, "s.csv", ("\n".join(lines) + "\n").encode()), model=GARTNER
    )
    assert problems_of(excinfo) == [
        Problem(
            3,
            None,
            "this row has 13 cells but the header has 11; an answer probably contains the separator (,) "
            "without quotation marks around it",
        )
    ]


def test_trailing_empty_cells_and_short_rows_are_fine(tmp_path):
    lines = csv_text(gartner_rows()).splitlines()
    lines[1] += ",,"  # empty cells beyond the header: harmless
    lines[3] = "r3,Sales,,,3,,4,N/A,2,3,1"
    lines.append("r4,HR,,,1,1")  # short row: the missing cells are not answered
    data = read_survey(("\n".join(lines) + "\n").encode(), model=GARTNER)
    assert_answers(data, {**GARTNER_EXPECTED, "r4": [1, 1, NaN, NaN, NaN, NaN, NaN]})


def test_unclosed_quote(tmp_path):
    lines = csv_text(gartner_rows()).splitlines()
    lines[2] = 'r2,"IT,Analyst,2024-03-02,5,5,5,5,5,5,5'
    excinfo = read_error(
        write(tmp_path, "s.csv", ("\n".join(lines) + "\n").encode()), model=GARTNER
    )
    (problem,) = problems_of(excinfo)
    assert problem.row == 3
    assert "quotation mark" in problem.message


def test_duplicate_columns_for_the_same_item(tmp_path):
    rows = gartner_rows()
    metrics_text = GARTNER.competency("metrics").items[0].text
    for k, row in enumerate(rows):
        row.append(metrics_text if k == 0 else "3")
    excinfo = read_error(write(tmp_path, "s.csv", csv_text(rows).encode()), model=GARTNER)
    assert problems_of(excinfo) == [
        Problem(
            None,
            metrics_text,
            "this column and column 'metrics_level' both hold the answers to item 'metrics_level'; keep only one of them",
        )
    ]


def test_all_problems_at_once(tmp_path):
    rows = gartner_rows()
    rows[0][G_HEADER.index("technology_level")] = "notes"  # removes the Technology competency
    rows[1][G_HEADER.index("vision_level")] = "8"
    rows[3][0] = "r1"
    excinfo = read_error(write(tmp_path, "s.csv", csv_text(rows).encode()), model=GARTNER)
    assert problems_of(excinfo) == [
        Problem(
            None,
            "Technology",
            "competency 'Technology' has no column in the file (expected e.g. 'technology_level' or its full text)",
        ),
        Problem(2, "vision_level", f"'8' is not an answer on the {G_SCALE}"),
        Problem(4, "respondent_id", "respondent id 'r1' is used more than once (rows 2 and 4)"),
    ]


def test_many_bad_cells_are_capped_per_column(tmp_path):
    rows = [["respondent_id", *G_ITEMS]] + [
        [f"r{k}", "x", "1", "1", "1", "1", "1", "1"] for k in range(30)
    ]
    excinfo = read_error(write(tmp_path, "s.csv", csv_text(rows).encode()), model=GARTNER)
    problems = problems_of(excinfo)
    assert len(problems) == 21
    assert problems[0] == Problem(2, "vision_level", f"'x' is not an answer on the {G_SCALE}")
    assert problems[19].row == 21
    assert problems[20] == Problem(
        None, "vision_level", "... and 10 more answers in this column are not on the 1–5 scale"
    )


def test_blank_lines_and_multiline_cells_keep_spreadsheet_row_numbers(tmp_path):
    rows = gartner_rows()
    rows[0].append("comment")
    rows[1].append("first line\nsecond line")  # one spreadsheet row, two text lines
    rows[2].append("")
    rows[3].append("")
    rows.insert(3, [""] * len(rows[0]))  # an empty row 4 between r2 and r3
    rows[4][G_HEADER.index("metrics_level")] = "nine"  # r3 is now spreadsheet row 5
    excinfo = read_error(write(tmp_path, "s.csv", csv_text(rows).encode()), model=GARTNER)
    assert problems_of(excinfo) == [
        Problem(5, "metrics_level", f"'nine' is not an answer on the {G_SCALE}")
    ]
    rows[4][G_HEADER.index("metrics_level")] = "4"
    data = read_survey(write(tmp_path, "s.csv", csv_text(rows).encode()), model=GARTNER)
    assert_answers(data, GARTNER_EXPECTED)
    assert data.respondents.loc["r1", "comment"] == "first line\nsecond line"


def test_unknown_extra_columns_are_kept_exactly_with_a_warning(tmp_path):
    rows = gartner_rows()
    rows[0] += ["Email", "Notes"]
    rows[1] += ['=HYPERLINK("http://x")', "+1 555"]
    rows[2] += ["@sum(a1)", "  -2 spaces kept  "]
    rows[3] += ["", "=1+1"]
    data = read_survey(write(tmp_path, "s.csv", csv_text(rows).encode()), model=GARTNER)
    assert data.warnings == [
        "2 columns are not questions of Gartner CX management maturity model and were kept as respondent "
        "information: 'Email', 'Notes'"
    ]
    resp = data.respondents
    assert list(resp.columns) == ["department", "role", "submitted_at", "Email", "Notes"]
    assert list(resp["Email"]) == ['=HYPERLINK("http://x")', "@sum(a1)", ""]
    assert list(resp["Notes"]) == ["+1 555", "  -2 spaces kept  ", "=1+1"]
    assert_answers(data, GARTNER_EXPECTED)


def test_missing_file_and_wrong_source_type(tmp_path):
    excinfo = read_error(tmp_path / "nope.csv", model=GARTNER)
    assert "cannot be opened" in messages(excinfo)[0]
    excinfo = read_error(tmp_path, model=GARTNER)  # a directory
    assert "cannot be opened" in messages(excinfo)[0]
    excinfo = read_error(12345, model=GARTNER)
    assert messages(excinfo) == ["cannot read a survey from a int; give a file"]


# ------------------------------------------------------------------------------------------
# model recognition
# ------------------------------------------------------------------------------------------


def test_detect_model_unambiguous_and_ambiguous():
    alpha = tiny_model("alpha", [["a1", "a2"], ["shared"]])
    beta = tiny_model("beta", [["b1"], ["shared"]])
    models = {"alpha": alpha, "beta": beta}
    assert detect_model(["respondent_id", "a1", "a2", "shared"], models) is alpha
    assert detect_model(["A1", "Statement a2", "Statement shared"], models) is alpha  # full text
    assert detect_model(["b1", "shared"], models) is beta
    assert detect_model(["shared"], models) is None  # both match one column
    assert (
        detect_model(["a1"], models) is None
    )  # alpha matches most, but competency 2 has no column
    assert detect_model(["name", "price"], models) is None
    assert detect_model(G_HEADER, MODELS) is GARTNER
    assert detect_model(["respondent_id", *FORRESTER.item_ids], MODELS) is FORRESTER


def test_ambiguous_file_asks_to_choose_the_model(tmp_path):
    research = [i.id for i in FORRESTER.competencies[0].items]  # 4 Forrester items
    leadership = [i.id for i in TEMKIN.competencies[0].items][:4]  # 4 Temkin items
    header = ["respondent_id", *research, *leadership]
    raw = csv_text([header, ["a", *["3"] * 8]]).encode()
    excinfo = read_error(write(tmp_path, "mixed.csv", raw))
    (problem,) = problems_of(excinfo)
    assert problem.message.startswith("the columns fit several models equally well: ")
    assert "Forrester CX maturity model (4 matching columns" in problem.message
    assert "Temkin Group CX management maturity model (4 matching columns" in problem.message
    assert problem.message.endswith("; choose the model")
    # with the model chosen, the same file is read; the missing competencies are named
    excinfo = read_error(write(tmp_path, "mixed.csv", raw), model=FORRESTER)
    assert [p.column for p in problems_of(excinfo)] == [
        "Prioritization",
        "Design",
        "Enablement",
        "Measurement",
        "Culture",
    ]


def test_partial_match_is_not_guessed(tmp_path):
    header = ["respondent_id", "vision_level", "strategy_level"]
    excinfo = read_error(write(tmp_path, "s.csv", csv_text([header, ["a", "1", "2"]]).encode()))
    (problem,) = problems_of(excinfo)
    assert "could not be recognised with certainty" in problem.message
    assert (
        "Gartner CX management maturity model (2 matching columns; no column for 'Metrics'"
        in problem.message
    )


# ------------------------------------------------------------------------------------------
# never anything but SurveyValidationError
# ------------------------------------------------------------------------------------------


def check_result_or_error(raw: bytes, **kwargs) -> None:
    try:
        data = read_survey(raw, **kwargs)
    except SurveyValidationError as err:
        assert err.problems
        for p in err.problems:
            assert isinstance(p, Problem)
            assert "unexpected error" not in p.message, p.message
        return
    assert isinstance(data, SurveyData)
    model = data.model
    assert list(data.answers.columns) == model.item_ids
    assert all(dt == np.float64 for dt in data.answers.dtypes)
    values = data.answers.to_numpy()
    answered = values[~np.isnan(values)]
    assert np.all((answered >= model.scale.min) & (answered <= model.scale.max))
    assert np.all(answered == np.round(answered))
    assert data.answers.index.is_unique
    assert data.respondents.index.equals(data.answers.index)
    assert data.content_hash == hashlib.sha256(raw).hexdigest()


FUZZ = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@FUZZ
@given(st.binary(max_size=3000))
def test_fuzz_random_bytes(raw):
    check_result_or_error(raw, model=GARTNER)


@FUZZ
@given(st.binary(max_size=600).map(lambda b: b"PK\x03\x04" + b))
def test_fuzz_random_zip_like_bytes(raw):
    check_result_or_error(raw)


HEADER_WORDS = [
    *G_ITEMS,
    "respondent_id",
    "Respondent ID",
    "department",
    "Team",
    "role",
    "Timestamp",
    "notes",
    "",
    GARTNER.competency("vision").items[0].text,
    "Q1",
    '{"ImportId":"QID1"}',
    "Response",
]
CELL_WORDS = [
    "1",
    "2",
    "3",
    "5",
    "7",
    "0",
    "-1",
    "4.0",
    "4.5",
    "Initial",
    "optimized",
    "4 - Managed",
    "۴",
    "٣",
    "N/A",
    "",
    " ",
    "-",
    "–",
    "=1+1",
    "+x",
    "@a",
    "seven",
    "r1",
    "r2",
    '"',
    '""',
    "a,b",
    "a;b",
    "x\ny",
    "\t",
    "|",
]


@st.composite
def csv_like(draw):
    sep = draw(st.sampled_from([",", ";", "\t", "|"]))
    encoding = draw(st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "cp1251"]))
    width = draw(st.integers(1, 10))
    text_cell = st.one_of(st.sampled_from(CELL_WORDS), st.text(max_size=8))
    header = draw(
        st.lists(
            st.one_of(st.sampled_from(HEADER_WORDS), st.text(max_size=6)),
            min_size=width,
            max_size=width,
        )
    )
    rows = draw(st.lists(st.lists(text_cell, min_size=0, max_size=width + 2), max_size=8))
    quote = draw(st.booleans())
    if quote:
        text = csv_text([header, *rows], sep=sep)
    else:  # hand-written files: no quoting at all
        text = "\n".join(sep.join(r) for r in [header, *rows])
    return text.encode(encoding, errors="replace")


@FUZZ
@given(csv_like())
def test_fuzz_csv_like_text_with_model(raw):
    check_result_or_error(raw, model=GARTNER)


@FUZZ
@given(csv_like())
def test_fuzz_csv_like_text_detecting_the_model(raw):
    check_result_or_error(raw, models=MODELS)


def test_a_file_mixing_two_encodings_is_refused_not_garbled():
    """Issue 16: cp1251 and UTF-8 lines in one file were read as mac-cyrillic and stored garbled."""
    head = "respondent_id,department," + ",".join(GARTNER.item_ids) + "\n"
    utf8 = ("r1,Отдел продаж," + ",".join(["3"] * 7) + "\n").encode("utf-8")
    cp1251 = ("r2,Отдел кадров," + ",".join(["3"] * 7) + "\n").encode("cp1251")
    excinfo = read_error(head.encode() + utf8 + cp1251, model=GARTNER)
    assert messages(excinfo) == [
        "the file mixes two text encodings (row 2 is UTF-8, row 3 is not), so some names would come out garbled; "
        "open it in a spreadsheet and save it again as CSV UTF-8"
    ]
    # each encoding on its own is read, with the names intact
    assert read_survey(head.encode() + cp1251, model=GARTNER).respondents["department"].tolist() == ["Отдел кадров"]
    assert read_survey(head.encode() + utf8, model=GARTNER).respondents["department"].tolist() == ["Отдел продаж"]


def test_a_respondent_id_too_long_to_store_is_a_problem_at_preview():
    """Issue 16: a 256-character id passed the reader and failed only when saving."""
    head = "respondent_id," + ",".join(GARTNER.item_ids) + "\n"
    text = head + "x" * 256 + "," + ",".join(["3"] * 7) + "\n" + "ok," + ",".join(["3"] * 7) + "\n"
    from cxmaturity import services

    survey = read_survey(text.encode(), model=GARTNER)  # the reader reads it ...
    problems = services.check_survey(survey)  # ... and the preview applies the save's checks
    assert [p.column for p in problems] == ["respondent_id"] and "too long" in problems[0].message


# --- one-character columns are read byte by byte (answers.convert_answers) ---------------------

ONE_CHAR_CELLS = st.lists(
    st.sampled_from(["1", "2", "3", "4", "5", "", "0", "7", "-", "x", "?", " ", "۴", "é", "42", "4.0"]),
    min_size=0,
    max_size=40,
)


@FUZZ
@given(ONE_CHAR_CELLS, st.integers(min_value=0, max_value=3), st.integers(min_value=1, max_value=3))
def test_a_column_read_byte_by_byte_gives_each_cells_own_reading(cells, skip, chunks):
    """The byte-by-byte reading of pyarrow columns (offsets, empty cells, chunks from a parallel
    read, a slice below the header) against the oracle: each cell parsed on its own."""
    import pyarrow as pa

    from cxmaturity.survey.answers import _parse_answer, convert_answers

    size = max(1, len(cells) // chunks)
    pieces = [cells[i : i + size] for i in range(0, len(cells), size)] or [[]]
    column = pa.chunked_array([pa.array(p, type=pa.large_string()) for p in pieces])
    series = pd.Series(pd.arrays.ArrowStringArray(column)).iloc[min(skip, len(cells)) :]
    assert isinstance(series.dtype, pd.StringDtype)
    values, bad = convert_answers(series, {}, {"agree": 4}, 1, 5)

    expected = [_parse_answer(c, {"agree": 4}, 1, 5) for c in series.tolist()]
    assert np.array_equal(values, np.array([v for v, _ in expected], dtype=float), equal_nan=True)
    assert bad.tolist() == [i for i, (_, ok) in enumerate(expected) if not ok]


def test_one_character_answers_and_blanks_read_from_a_file(tmp_path):
    # by hand: row 2 answers 1 and 5 to the first two items; row 3 leaves every item blank;
    # row 4 has 7 and x there, neither an answer on the 1–5 scale
    header = ("respondent_id", *FORRESTER.item_ids)
    rest = [""] * (FORRESTER.item_count - 2)
    rows = [header, ("a", "1", "5", *rest), ("b", "", "", *rest)]
    path = write(tmp_path, "bad.csv", csv_text([*rows, ("c", "7", "x", *rest)]).encode())
    with pytest.raises(SurveyValidationError) as err:
        read_survey(path, model=FORRESTER)
    assert [(p.row, p.column) for p in err.value.problems] == [
        (4, FORRESTER.item_ids[0]),
        (4, FORRESTER.item_ids[1]),
    ]
    survey = read_survey(write(tmp_path, "ok.csv", csv_text(rows).encode()), model=FORRESTER)
    assert survey.answers.iloc[0, :2].tolist() == [1.0, 5.0]
    assert survey.answers.iloc[0, 2:].isna().all() and survey.answers.iloc[1].isna().all()


@given(
    st.lists(st.sampled_from(["r1", "r2", "r3", "R1", "r1 ", "", "۱"]), max_size=12),
    st.sampled_from(["str", "object"]),
)
@settings(max_examples=150, deadline=None)
def test_duplicate_ids_are_reported_as_counting_them_finds(ids, dtype):
    """check_ids names each non-blank id written more than once, whether pyarrow holds the text
    (compared by sorting) or Python objects do (pandas' hash table); the reference counts."""
    from collections import Counter

    from cxmaturity.survey.answers import check_ids

    problems: list[Problem] = []
    rows = np.arange(2, len(ids) + 2)
    check_ids(pd.Series(ids, dtype=dtype), rows, "respondent_id", problems)
    counts = Counter(i for i in ids if i != "")
    repeated = [i for i in dict.fromkeys(ids) if counts.get(i, 0) > 1]
    said = [p.message for p in problems if "more than once" in p.message]
    assert len(said) == len(repeated)  # at most 12 ids: under the cap of problems listed
    for rid, message in zip(repeated, said, strict=True):
        assert f"'{rid}'" in message
    assert sum("empty" in p.message for p in problems) == ids.count("")
