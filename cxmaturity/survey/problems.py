"""What reading can stop on, and the caps on how much it reports (see rules.py for limits)."""


from __future__ import annotations

from cxmaturity.errors import Problem
from cxmaturity.rules import MAX_UPLOAD_BYTES, RESPONDENT_ATTRIBUTES

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

SAVE_AS = "save it as CSV UTF-8 or as an Excel .xlsx workbook"


def size_text(size: int) -> str:
    """Sizes in decimal units, as browsers and the upload limit count them (50 MB = 50,000,000 bytes)."""
    if size >= 1_000_000_000:
        value, unit = size / 1_000_000_000, "GB"
    elif size >= 1_000_000:
        value, unit = size / 1_000_000, "MB"
    elif size >= 1000:
        value, unit = size / 1000, "KB"
    else:
        return f"{size} bytes"
    text = f"{value:.1f}"
    if text.endswith(".0"):
        text = text[:-2]
    return f"{text} {unit}"
