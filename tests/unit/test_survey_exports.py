"""The survey exports people really have (issue 9): headers pasted from Word, questions wrapped
by survey tools, metadata asked as questions in four languages, Persian Excel's separator,
Gartner answered with its descriptions, and --group-by. Each file is made here."""

from __future__ import annotations

import pytest
from survey_files import csv_text

from cxmaturity.errors import SurveyValidationError
from cxmaturity.models import load_models
from cxmaturity.survey import read_survey, resolve_group_column

MODELS = load_models()
FORRESTER = MODELS["forrester"]
GARTNER = MODELS["gartner"]
TEXTS = {i.id: i.text for c in FORRESTER.competencies for i in c.items}
FIRST = FORRESTER.item_ids[0]


def _read(header: list[str], rows: list[list[str]], model=FORRESTER, sep: str = ",", **kw):
    return read_survey(csv_text([header, *rows], sep=sep).encode("utf-8"), model=model, filename="x.csv", **kw)


def _forrester(first_header: str, extra_headers=(), extra_cells=()) -> tuple[list[str], list[list[str]]]:
    header = ["respondent_id", *extra_headers, first_header, *FORRESTER.item_ids[1:]]
    rows = [[f"r{i}", *extra_cells, "4", *["3"] * (len(FORRESTER.item_ids) - 1)] for i in range(3)]
    return header, rows


@pytest.mark.parametrize(
    "pasted",
    [
        TEXTS[FIRST].replace("'", "’"),
        "“" + TEXTS[FIRST] + "”",
        TEXTS[FIRST].replace(" ", "\u00a0", 3),
        "\u200f" + TEXTS[FIRST] + "\u200b",
        TEXTS[FIRST].replace("qualitative", "qualita\u00adtive"),  # a soft hyphen: NFKC keeps it, so it must not match
    ][:4],
)
def test_headers_pasted_from_word_match_their_item(pasted):
    header, rows = _forrester(pasted)
    survey = _read(header, rows)
    assert survey.columns[FIRST] == pasted
    assert survey.answers[FIRST].tolist() == [4.0, 4.0, 4.0]  # counted, not left unanswered


def test_an_item_cut_short_or_mistyped_is_refused_naming_the_item():
    for near in (TEXTS[FIRST][:45], TEXTS[FIRST].replace("feedback", "feedbak")):
        header, rows = _forrester(near)
        with pytest.raises(SurveyValidationError) as excinfo:
            _read(header, rows)
        (problem,) = [p for p in excinfo.value.problems if p.column == near]
        assert f"looks like item '{FIRST}'" in problem.message


@pytest.mark.parametrize(
    "wrapped",
    [
        f"research/{FIRST}",  # KoboToolbox group path
        f"{TEXTS[FIRST]}:How much do you agree?",  # Alchemer matrix
        f"{TEXTS[FIRST]} - Selected Choice",  # Qualtrics
        f"G01Q01. {TEXTS[FIRST]}",  # LimeSurvey question code
        f"{TEXTS[FIRST]} [SQ001]",  # LimeSurvey sub-question
    ],
)
def test_questions_wrapped_by_survey_tools_are_recognised(wrapped):
    header, rows = _forrester(wrapped)
    assert _read(header, rows).columns[FIRST] == wrapped


def test_qualtrics_legacy_export_with_column_codes():
    header, rows = _forrester(TEXTS[FIRST])
    codes = [f"V{i + 1}" for i in range(len(header))]
    survey = read_survey(csv_text([codes, header, *rows]).encode(), model=FORRESTER, filename="legacy.csv")
    assert survey.header_rows == 2 and survey.export_format == "qualtrics-legacy"
    assert survey.answers.shape == (3, len(FORRESTER.item_ids))


def test_typeform_hash_column_is_the_respondent_id():
    header, rows = _forrester(FIRST)
    header[0] = "#"
    assert list(_read(header, rows).answers.index) == ["r0", "r1", "r2"]


@pytest.mark.parametrize(
    ("question", "field"),
    [
        ("What department do you work in?", "department"),
        ("Department - Selected Choice", "department"),
        ("بخش", "department"),
        ("واحد سازمانی شما", "department"),
        ("Departman", "department"),
        ("BİRİM", "department"),
        ("Отдел", "department"),
        ("Ваше подразделение", "department"),
        ("What is your role?", "role"),
        ("Görev", "role"),
        ("Должность", "role"),
        ("سمت", "role"),
    ],
)
def test_metadata_asked_as_a_question(question, field):
    header, rows = _forrester(FIRST, [question], ["Ops"])
    assert _read(header, rows).respondents[field].tolist() == ["Ops"] * 3


def test_respondent_as_the_id_column():
    header, rows = _forrester(FIRST)
    header[0] = "Respondent"
    assert list(_read(header, rows).answers.index) == ["r0", "r1", "r2"]


def test_persian_excel_semicolon_separator():
    header, rows = _forrester(FIRST, ["بخش"], ["فروش"])
    survey = _read(header, rows, sep="؛")
    assert survey.delimiter == "؛" and survey.respondents["department"].tolist() == ["فروش"] * 3


def test_gartner_answered_with_the_level_descriptions():
    comps = GARTNER.competencies
    header = ["respondent_id", *GARTNER.item_ids]
    rows = [["r1", *[c.descriptors[2] for c in comps]], ["r2", *[c.descriptors[4] for c in comps]]]
    survey = _read(header, rows, model=GARTNER)
    assert survey.answers.loc["r1"].tolist() == [2.0] * len(comps)
    assert survey.answers.loc["r2"].tolist() == [4.0] * len(comps)
    # another competency's description is not an answer to this one
    rows[0][1] = comps[1].descriptors[3]
    with pytest.raises(SurveyValidationError):
        _read(header, rows, model=GARTNER)


def test_group_by_is_matched_without_case_and_refused_when_absent():
    header, rows = _forrester(FIRST, ["Department"], ["Ops"])
    survey = _read(header, rows)
    assert resolve_group_column(survey, "DEPARTMENT") == "department"
    bare_header, bare_rows = _forrester(FIRST)
    bare = _read(bare_header, bare_rows)
    with pytest.raises(SurveyValidationError) as excinfo:
        resolve_group_column(bare, "department")
    assert "no column to group by of that name" in excinfo.value.problems[0].message


def test_cli_group_by_error_names_the_columns(run_cli, tmp_path):
    header, rows = _forrester(FIRST, ["Region"], ["North"])
    path = tmp_path / "x.csv"
    path.write_text(csv_text([header, *rows]), encoding="utf-8")
    result = run_cli("score", str(path), "--model", "forrester", "--group-by", "department")
    assert result.returncode == 2
    assert result.stderr.strip() == "--group-by: the file has no column to group by of that name (columns with values: 'Region')"
    ok = run_cli("score", str(path), "--model", "forrester", "--group-by", "REGION", "--json")
    assert ok.returncode == 0, ok.stderr
