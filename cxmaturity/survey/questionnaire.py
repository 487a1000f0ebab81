"""The questionnaire people can hand out: an .xlsx workbook whose first sheet is the answer
table (the question texts as headers, the answer scale as a dropdown in every answer cell, the
department and role columns), then the instructions and the choices. It reads back through
read_survey as it is, without editing.

The texts people read are in the current interface language (cxmaturity.i18n, the model through
translations.localised). What read_survey needs stays machine-readable in every language: the
sheet names, the metadata column names, "N/A", the number in front of every answer, and each
statement's item id: in English the header is the statement itself (the reader matches the
model's English text); in another language it is the statement followed by its id in brackets,
'… [vision_level]', which the reader matches by the id."""

from __future__ import annotations

import io

from cxmaturity import i18n, translations
from cxmaturity.i18n import _
from cxmaturity.models import MaturityModel
from cxmaturity.survey.problems import METADATA_COLUMNS
from cxmaturity.survey.workbook import TEMPLATE_SHEETS

ANSWER_SHEET = "Answers"
ROWS = 200  # answer rows prepared with dropdowns
NOT_APPLICABLE = "N/A"  # read as "not answered"


def answer_labels(model: MaturityModel) -> list[str]:
    """'4 - Agree' (or '3 - Defined' for a level-description model): the reader takes the number
    (written with Latin digits in every language; the words are in the current language)."""
    model = translations.localised(model)
    if model.item_anchoring == "descriptor":
        return [f"{lv.number} - {lv.name}" for lv in model.levels]
    return [
        f"{v} - {model.scale.labels[v]}" if v in model.scale.labels else str(v)
        for v in range(model.scale.min, model.scale.max + 1)
    ]


def item_header(item_id: str, text: str) -> str:
    """An answer column's header: the statement in English; elsewhere the statement and its id
    in brackets, so the file reads back whatever the language (read_survey matches the id)."""
    if i18n.current() == i18n.SOURCE_LANGUAGE:
        return text
    return f"{text} [{item_id}]"


def questionnaire_xlsx(
    model: MaturityModel, departments: list[str] = (), roles: list[str] = ()
) -> bytes:
    from openpyxl import Workbook  # loaded when a workbook is made
    from openpyxl.styles import Alignment, Font
    from openpyxl.worksheet.datavalidation import DataValidation

    shown = translations.localised(model)  # what people read; ids and numbers are the model's own
    book = Workbook()
    answers = book.active
    answers.title = ANSWER_SHEET
    items = [i for c in shown.competencies for i in c.items]
    headers = [*METADATA_COLUMNS, *[item_header(i.id, i.text) for i in items]]
    for col, header in enumerate(headers, start=1):
        cell = answers.cell(row=1, column=col, value=header)
        cell.data_type = "s"
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        answers.column_dimensions[cell.column_letter].width = (
            14 if col <= len(METADATA_COLUMNS) else 34
        )
    answers.row_dimensions[1].height = 110
    answers.freeze_panes = "B2"

    choices = book.create_sheet(TEMPLATE_SHEETS[0])
    lists = book.create_sheet(TEMPLATE_SHEETS[1])
    labels = [*answer_labels(model), NOT_APPLICABLE]
    for row, label in enumerate(labels, start=1):
        lists.cell(row=row, column=1, value=label).data_type = "s"
    for row, name in enumerate(departments, start=1):
        lists.cell(row=row, column=2, value=name).data_type = "s"
    for row, name in enumerate(roles, start=1):
        lists.cell(row=row, column=3, value=name).data_type = "s"

    first_item_col = len(METADATA_COLUMNS) + 1
    last = answers.cell(row=1, column=len(headers)).column_letter
    start = answers.cell(row=1, column=first_item_col).column_letter
    scale = DataValidation(
        type="list", formula1=f"=Choices!$A$1:$A${len(labels)}", allow_blank=True
    )
    scale.error, scale.errorTitle = _("Choose an answer from the list."), _("Not an answer")
    answers.add_data_validation(scale)
    scale.add(f"{start}2:{last}{ROWS + 1}")
    for column, values, letter in ((2, departments, "B"), (3, roles, "C")):
        if values:
            rule = DataValidation(
                type="list",
                formula1=f"=Choices!${letter}$1:${letter}${len(values)}",
                allow_blank=True,
            )
            answers.add_data_validation(rule)
            col = answers.cell(row=1, column=column).column_letter
            rule.add(f"{col}2:{col}{ROWS + 1}")

    lines = [
        _("{model}: questionnaire").format(model=shown.name),
        "",
        _("How to fill it in"),
        _(
            "One row per respondent on the 'Answers' sheet. respondent_id: any code that is not a name (r1, r2, ...)."
        ),
        _(
            "department and role: for results by group (groups under the anonymity threshold are never shown "
            "on their own)."
        ),
        _("submitted_at: optional, the date of the answer (YYYY-MM-DD)."),
        _(
            "Each statement: choose the answer from the list in its cell. {na} = don't know / not applicable."
        ).format(na=NOT_APPLICABLE),
        _("Upload the file as it is on the dashboard's Upload page, or with 'cxmaturity import'."),
        "",
        _("The answers"),
        *answer_labels(model),
    ]
    if shown.item_anchoring == "descriptor":
        lines += ["", _("What each level means, per competency")]
        for comp in shown.competencies:
            lines.append(comp.name)
            lines += [
                f"  {lv.number} - {lv.name}: {comp.descriptors.get(lv.number) or lv.description}"
                for lv in shown.levels
            ]
    for row, text in enumerate(lines, start=1):
        cell = choices.cell(row=row, column=1, value=text)
        cell.data_type = "s"
    choices["A1"].font = Font(bold=True, size=14)
    choices.column_dimensions["A"].width = 120
    if i18n.is_rtl():  # Persian: the sheets read right to left
        for sheet in (answers, choices, lists):
            sheet.sheet_view.rightToLeft = True
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
