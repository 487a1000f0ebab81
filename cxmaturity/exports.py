"""CSV and Excel downloads that a spreadsheet never runs as formulas (OWASP "CSV Injection").

Text from uploaded files (department names, labels, item text, organisation names) ends up in
downloads. A cell that begins with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is
read by Excel, LibreOffice and Google Sheets as a formula; :func:`safe_cell` prefixes such text
with a single quote, which every spreadsheet shows as plain text. Numbers stay numbers (a
negative delta is data, not a formula, and must still sort as a number).
"""

from __future__ import annotations

import datetime as dt
import io
import math
import re
from typing import Any

import numpy as np
import pandas as pd

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
# control characters an .xlsx (XML) cannot hold; removed BEFORE the formula check, so removing
# them can never uncover a leading "="
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
SHEET_NAME_FORBIDDEN = re.compile(r"[\[\]:*?/\\']")


def _dangerous(text: str) -> bool:
    if text.startswith(FORMULA_TRIGGERS):
        return True
    # some spreadsheets skip leading spaces before deciding a cell is a formula
    stripped = text.lstrip(" ")
    return stripped != text and stripped.startswith(FORMULA_TRIGGERS)


def safe_cell(value: Any) -> Any:
    """``value`` with a single quote in front when it is text that a spreadsheet would read as
    a formula; anything else unchanged."""
    if isinstance(value, str) and _dangerous(value):
        return "'" + value
    return value


def _plain(value: Any) -> Any:
    """A value as a spreadsheet cell: None for missing, Python scalars, naive UTC datetimes."""
    if value is None or value is pd.NaT or value is pd.NA:
        return None
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and (math.isnan(value) or math.isinf(value)):
        return None
    if isinstance(value, pd.Timestamp):
        value = value.to_pydatetime()
    if isinstance(value, dt.datetime) and value.tzinfo is not None:
        value = value.astimezone(dt.UTC).replace(tzinfo=None)  # Excel has no time zones
    if isinstance(value, str):
        return CONTROL_CHARACTERS.sub("", value)
    if isinstance(value, bool | int | float | dt.datetime | dt.date):
        return value
    return CONTROL_CHARACTERS.sub("", str(value))


def _header(column: Any) -> str:
    if isinstance(column, tuple):
        return CONTROL_CHARACTERS.sub("", " / ".join(str(c) for c in column))
    return CONTROL_CHARACTERS.sub("", str(column))


def _safe_frame(df: pd.DataFrame, index: bool) -> pd.DataFrame:
    frame = df.reset_index() if index else df
    safe = frame.map(lambda v: safe_cell(_plain(v)))
    safe.columns = [safe_cell(_header(c)) for c in frame.columns]
    return safe


def to_safe_csv(df: pd.DataFrame, index: bool = False) -> str:
    """The frame as CSV text (RFC 4180: CRLF line ends, so a field holding a lone carriage
    return is quoted too) with every formula-like text cell (and header) quoted."""
    return _safe_frame(df, index).to_csv(index=False, lineterminator="\r\n")


def to_safe_xlsx(df: pd.DataFrame, index: bool = False, sheet_name: str = "Data") -> bytes:
    """The frame as an .xlsx workbook: text cells are written as text (data type "s"), never
    as formulas, and formula-like text is quoted as in :func:`to_safe_csv`."""
    from openpyxl import Workbook  # openpyxl loads in ~0.1 s: only when a workbook is written

    frame = _safe_frame(df, index)
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = SHEET_NAME_FORBIDDEN.sub("", CONTROL_CHARACTERS.sub("", str(sheet_name)))[:31] or "Data"
    rows = [list(frame.columns), *frame.itertuples(index=False, name=None)]
    for r, values in enumerate(rows, start=1):
        for c, value in enumerate(values, start=1):
            cell = sheet.cell(row=r, column=c, value=value)
            if isinstance(value, str):
                cell.data_type = "s"  # never "f": text is never a formula
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
