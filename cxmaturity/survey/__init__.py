"""Reading survey files (design.md §5): ``read_survey`` in pipeline.py runs the steps,
decode.py (bytes to text), table.py (text or workbook to a grid), columns.py (headers to items,
metadata and the model), answers.py (cells to answers and respondent ids)."""

from cxmaturity.survey.columns import detect_model
from cxmaturity.survey.pipeline import SurveyData, read_survey, resolve_group_column, template_csv
from cxmaturity.survey.problems import MAX_FILE_BYTES, METADATA_COLUMNS

__all__ = ["MAX_FILE_BYTES", "METADATA_COLUMNS", "SurveyData", "detect_model", "read_survey", "resolve_group_column", "template_csv"]
