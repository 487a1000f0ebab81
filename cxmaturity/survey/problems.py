"""What reading can stop on, and the caps on how much it reports (see rules.py for limits)."""


from __future__ import annotations

from cxmaturity.errors import Problem
from cxmaturity.formatting import digits, grouped
from cxmaturity.i18n import N_, _
from cxmaturity.rules import MAX_COLUMNS, MAX_RESPONDENTS, MAX_UPLOAD_BYTES, RESPONDENT_ATTRIBUTES

MAX_FILE_BYTES = MAX_UPLOAD_BYTES  # the one upload limit (rules.py), for the browser and the CLI alike
METADATA_COLUMNS = ("respondent_id", *RESPONDENT_ATTRIBUTES)  # the template's first columns

# How many bad cells are listed one by one per column before "... and N more".
MAX_PROBLEMS_PER_COLUMN = 20
# How many duplicate / blank respondent ids are listed before "... and N more".
MAX_ID_PROBLEMS = 20


class Stop(Exception):
    """Internal: reading cannot go on; ``problems`` say why."""

    def __init__(self, problems: list[Problem]):
        super().__init__(problems)
        self.problems = problems



def clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"

SAVE_AS = N_("save it as CSV UTF-8 or as an Excel .xlsx workbook")  # translated where it is shown


def size_text(size: int) -> str:
    """Sizes in decimal units, as browsers and the upload limit count them (50 MB = 50,000,000 bytes)."""
    if size >= 1_000_000_000:
        value, unit = size / 1_000_000_000, "GB"
    elif size >= 1_000_000:
        value, unit = size / 1_000_000, "MB"
    elif size >= 1000:
        value, unit = size / 1000, "KB"
    else:
        return digits(f"{size} bytes")
    text = f"{value:.1f}"
    if text.endswith(".0"):
        text = text[:-2]
    return digits(f"{text} {unit}")


def too_many_rows(rows: int, sheet: bool = False) -> str:
    """'the file has 120,000 rows; a survey has at most 100,000 respondents' (or 'the sheet has')."""
    message = (
        _("the sheet has {rows} rows; a survey has at most {limit} respondents")
        if sheet
        else _("the file has {rows} rows; a survey has at most {limit} respondents")
    )
    return message.format(rows=grouped(rows), limit=grouped(MAX_RESPONDENTS))


def too_many_columns(columns: int, sheet: bool = False) -> str:
    message = (
        _("the sheet has {columns} columns; a survey has at most {limit}")
        if sheet
        else _("the file has {columns} columns; a survey has at most {limit}")
    )
    return message.format(columns=grouped(columns), limit=grouped(MAX_COLUMNS))
