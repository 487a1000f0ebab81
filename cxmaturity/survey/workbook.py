"""An .xlsx workbook to a grid of strings, with the container checked before anything is
unpacked: the number of parts, what they unpack to and how tightly they are packed, and the
size of the shared-strings table. The first sheet is then read by python-calamine (Rust, cell
by cell: a sheet's declared dimension never makes it allocate what the cells do not fill), and
its real rows and columns are checked against the caps in rules.py."""

from __future__ import annotations

import io
import math
import re
import zipfile

import pandas as pd

from cxmaturity.errors import Problem
from cxmaturity.formatting import grouped
from cxmaturity.i18n import N_, _, isolate
from cxmaturity.rules import (
    MAX_COLUMNS,
    MAX_COMPRESSION_RATIO,
    MAX_RESPONDENTS,
    MAX_SHARED_STRINGS,
    MAX_UNPACKED_BYTES,
    MAX_ZIP_ENTRIES,
)
from cxmaturity.survey.problems import SAVE_AS, Stop, size_text, too_many_columns, too_many_rows

_NOT_A_WORKBOOK = N_("the file is a ZIP archive but not an Excel .xlsx workbook that can be opened; {save_as}")
_COUNT_RE = re.compile(rb'uniqueCount="(\d+)"|count="(\d+)"')
_HEADER_ROWS = 3  # a survey tool's export has up to three header rows above the answers


def _refuse(message: str) -> Stop:
    return Stop([Problem(None, None, message)])


def check_container(raw: bytes) -> None:
    """Refuse a workbook that would unpack to too much, before anything is unpacked."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(raw))
    except (zipfile.BadZipFile, ValueError, OSError):
        raise _refuse(_(_NOT_A_WORKBOOK).format(save_as=_(SAVE_AS))) from None
    with archive:
        entries = archive.infolist()
        if len(entries) > MAX_ZIP_ENTRIES:
            raise _refuse(
                _("the workbook has {parts} parts; a workbook has at most {limit}").format(
                    parts=grouped(len(entries)), limit=grouped(MAX_ZIP_ENTRIES)
                )
            )
        unpacked = sum(e.file_size for e in entries)
        if unpacked > MAX_UNPACKED_BYTES:
            raise _refuse(
                _("the workbook unpacks to {size}; the limit is {limit}").format(
                    size=size_text(unpacked), limit=size_text(MAX_UNPACKED_BYTES)
                )
            )
        for e in entries:
            if e.file_size > 1_000_000 and e.file_size > MAX_COMPRESSION_RATIO * max(e.compress_size, 1):
                ratio = e.file_size / max(e.compress_size, 1)
                raise _refuse(
                    _(
                        "the workbook's part '{part}' is packed {ratio} times tighter than its content; "
                        "that is a ZIP bomb, not a survey export"
                    ).format(part=isolate(e.filename[:80]), ratio=grouped(round(ratio)))
                )
        names = {e.filename for e in entries}
        if "xl/workbook.xml" not in names:
            raise _refuse(_(_NOT_A_WORKBOOK).format(save_as=_(SAVE_AS)))
        if "xl/sharedStrings.xml" in names:
            with archive.open("xl/sharedStrings.xml") as f:
                head = f.read(4096)
            counts = [int(a or b) for a, b in _COUNT_RE.findall(head)]
            declared = min(counts) if counts else 0  # uniqueCount <= count
            if declared > MAX_SHARED_STRINGS:
                raise _refuse(
                    _(
                        "the workbook holds {texts} different texts; a survey has far fewer (the limit is {limit})"
                    ).format(texts=grouped(declared), limit=grouped(MAX_SHARED_STRINGS))
                )


def _cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        if math.isfinite(value) and value.is_integer():
            return str(int(value))
        return repr(value)
    if isinstance(value, int):
        return str(value)
    if hasattr(value, "isoformat"):
        return value.isoformat().replace("T", " ")
    return str(value)


TEMPLATE_SHEETS = ("Instructions", "Choices")  # survey/questionnaire.py writes them after the answers


def read_workbook(raw: bytes, warnings: list[str]) -> pd.DataFrame:
    """The first sheet as a grid of strings (trailing empty columns dropped)."""
    check_container(raw)
    # python-calamine is imported on first use: a CSV never needs it
    import python_calamine

    try:
        book = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(raw))
        names = book.sheet_names
        if not names:
            raise _refuse(_("the workbook has no worksheet"))
        if len(names) > 1 and tuple(names[1:]) != TEMPLATE_SHEETS:  # our questionnaire's other sheets
            warnings.append(
                _("the workbook has {sheets} sheets; only the first one ('{name}') was read").format(
                    sheets=grouped(len(names)), name=isolate(names[0])
                )
            )
        cells = book.get_sheet_by_index(0).to_python(skip_empty_area=False)
    except Stop:
        raise
    except Exception as exc:
        raise _refuse(
            _("the workbook could not be read ({reason}); {save_as}").format(
                reason=type(exc).__name__, save_as=_(SAVE_AS)
            )
        ) from None
    if len(cells) > MAX_RESPONDENTS + _HEADER_ROWS:
        raise _refuse(too_many_rows(len(cells), sheet=True))
    width = 0
    for row in cells:
        k = len(row)
        while k > width and (row[k - 1] is None or row[k - 1] == ""):
            k -= 1
        width = max(width, k)
    if width > MAX_COLUMNS:
        raise _refuse(too_many_columns(width, sheet=True))
    if width == 0:
        raise _refuse(_("the file is empty"))
    grid = [[_cell_text(v) for v in row[:width]] + [""] * (width - len(row[:width])) for row in cells]
    return pd.DataFrame(grid, columns=range(width), dtype="str")
