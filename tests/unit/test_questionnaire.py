"""The questionnaire people hand out (issue 12): an .xlsx with the statements, a dropdown of
answers and instructions, read back by read_survey without editing; and the answers-in-the-address
encoding of the respondent page."""

from __future__ import annotations

import io

import openpyxl
import pytest

from cxmaturity.models import load_models
from cxmaturity.survey import read_survey
from cxmaturity.survey.questionnaire import NOT_APPLICABLE, answer_labels, questionnaire_xlsx
from cxmaturity.views.questionnaire import decode_answers, encode_answers, questionnaire

MODELS = load_models()


@pytest.mark.parametrize("model_id", sorted(MODELS))
def test_a_filled_in_questionnaire_reads_back_as_it_is(model_id):
    model = MODELS[model_id]
    book = openpyxl.load_workbook(io.BytesIO(questionnaire_xlsx(model, ["Sales", "IT"], ["Manager"])))
    assert book.sheetnames == ["Answers", "Instructions", "Choices"]
    sheet = book["Answers"]
    items = [i for c in model.competencies for i in c.items]
    assert [c.value for c in sheet[1]][4:] == [i.text for i in items]  # the statements, not ids
    # the dropdown: every answer cell of every item column offers the scale's labels and N/A
    [rule] = [v for v in sheet.data_validations.dataValidation if "Choices!$A$" in v.formula1]
    assert f"E2:{sheet.cell(row=1, column=sheet.max_column).column_letter}201" in str(rule.sqref)
    labels = answer_labels(model)
    # three respondents: every answer at its lowest label, at its highest, and all N/A but the first item
    fills = [[labels[0]] * len(items), [labels[-1]] * len(items), [labels[0]] + [NOT_APPLICABLE] * (len(items) - 1)]
    for row, values in enumerate(fills, start=2):
        for col, value in enumerate([f"r{row}", "Sales", "Manager", None, *values], start=1):
            sheet.cell(row=row, column=col, value=value)
    out = io.BytesIO()
    book.save(out)
    survey = read_survey(out.getvalue(), filename="filled.xlsx")
    assert survey.model.id == model_id and survey.warnings == []
    low = model.levels[0].number if model.item_anchoring == "descriptor" else model.scale.min
    high = model.levels[-1].number if model.item_anchoring == "descriptor" else model.scale.max
    assert survey.answers.iloc[0].tolist() == [low] * len(items)
    assert survey.answers.iloc[1].tolist() == [high] * len(items)
    assert survey.answers.iloc[2].notna().sum() == 1  # N/A is "not answered", not a zero
    assert list(survey.respondents["department"]) == ["Sales"] * 3


@pytest.mark.parametrize("model_id", sorted(MODELS))
def test_answers_round_trip_through_the_page_address(model_id):
    form = questionnaire(MODELS[model_id])
    assert all(len(str(v)) == 1 for s in form.steps for q in s.questions for v, _ in q.options)  # one character each
    items = form.items
    answers = {items[0]: form.steps[0].questions[0].options[-1][0]}
    dont_know = {items[-1]} if len(items) > 1 else set()
    text = encode_answers(form, answers, dont_know)
    assert len(text) == len(items)
    assert decode_answers(form, text) == (answers, dont_know)
    # an edited address loses nothing but the edits: wrong length or foreign characters are dropped
    assert decode_answers(form, text + "1") == ({}, set())
    assert decode_answers(form, "9" * len(items))[0] == {}
