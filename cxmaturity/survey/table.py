"""Text or a workbook to a grid of strings: the separator, pyarrow's fast CSV path with the
csv module as the careful one, .xlsx sheets, and which rows are blank."""


from __future__ import annotations

import codecs
import csv
import ctypes
import io
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.csv as pacsv

from cxmaturity.errors import Problem
from cxmaturity.formatting import digits, grouped
from cxmaturity.i18n import _, isolate, ngettext
from cxmaturity.rules import MAX_COLUMNS, MAX_RESPONDENTS
from cxmaturity.survey.decode import decode_text
from cxmaturity.survey.problems import (
    MAX_PROBLEMS_PER_COLUMN,
    SAVE_AS,
    Stop,
    too_many_columns,
    too_many_rows,
)
from cxmaturity.survey.workbook import read_workbook

_ZIP_MAGIC = b"PK\x03\x04"
_HEADER_ROWS = 3  # a survey tool's export has up to three header rows above the answers
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def read_grid(raw: bytes, filename: str | None, problems, warnings):
    """-> (grid DataFrame of str, encoding, delimiter, export format)."""
    suffix = Path(filename).suffix.casefold() if filename else ""
    if raw.startswith(_ZIP_MAGIC) or suffix in (".xlsx", ".xlsm"):
        if not raw.startswith(_ZIP_MAGIC):
            raise Stop(
                [
                    Problem(
                        None,
                        None,
                        _("the file is named '{name}' but is not an Excel workbook; {save_as}").format(
                            name=isolate(filename), save_as=_(SAVE_AS)
                        ),
                    )
                ]
            )
        return read_workbook(raw, warnings), "xlsx", None, "xlsx"
    if raw.startswith(_OLE_MAGIC):  # a text file named .xls (some tools do that) is read as text
        raise Stop(
            [
                Problem(
                    None,
                    None,
                    _(
                        "the file is an old Excel .xls workbook (or another Office file), which is not supported; "
                        "{save_as}"
                    ).format(save_as=_(SAVE_AS)),
                )
            ]
        )
    text, encoding = decode_text(raw)
    if not _NON_SPACE_RE.search(text):
        raise Stop([Problem(None, None, _("the file is empty"))])
    delimiter, skip = _sniff_delimiter(text)
    _check_size(text, skip, delimiter)
    # The fast parser reads UTF-8 bytes: the file itself when it is UTF-8 (no copy), else the
    # text re-encoded. The decoded text is dropped meanwhile (memory) and re-made only if the
    # careful path is needed.
    if encoding in ("utf-8", "utf-8-sig") and not skip:
        payload: bytes | memoryview = memoryview(raw)[
            len(codecs.BOM_UTF8) if encoding == "utf-8-sig" else 0 :
        ]
    else:
        payload = text[skip:].encode("utf-8")
    del text
    release_free_memory()  # the decoded text, before the parser takes its own
    grid = _parse_csv_arrow(payload, delimiter)
    del payload
    release_free_memory()
    if grid is None:
        grid = _parse_csv(raw.decode(encoding)[skip:], delimiter, problems)
    return grid, encoding, delimiter, "csv"


def release_free_memory() -> None:
    """Give freed heap memory back to the system (glibc's malloc_trim).

    pyarrow parses in blocks of about a megabyte, so its buffers and the grid's columns are
    small heap blocks, and the C library keeps freed heap memory for reuse: reading a
    100,000-row survey otherwise kept the parser's buffers and the answers' text beside the
    answers (bench/ingest.py). Elsewhere than glibc there is nothing to do."""
    try:
        _LIBC.malloc_trim(0)
    except AttributeError:  # pragma: no cover - another C library
        pass


try:
    _LIBC = ctypes.CDLL(None)
except (OSError, TypeError):  # pragma: no cover - no C library to load (Windows takes no None)
    _LIBC = None


# --- text ------------------------------------------------------------------------------------


_DELIMITERS = (",", ";", "\t", "|", "؛")  # ؛: the list separator of Persian Excel
_NON_SPACE_RE = re.compile(r"\S")
_SEP_LINE_RE = re.compile(r"^\ufeff?sep=(.)\s*$", re.IGNORECASE)


def _check_size(text: str, skip: int, delimiter: str) -> None:
    """Refuse a table too wide or too long for a survey before it is parsed (the caps are in
    rules.py): parsing, mapping and scoring then stay within bounds whatever the file holds."""
    lines = text.count("\n", skip) + (0 if text.endswith("\n") else 1)
    if lines > MAX_RESPONDENTS + _HEADER_ROWS:
        raise Stop([Problem(None, None, too_many_rows(lines))])
    start = _NON_SPACE_RE.search(text, skip)
    if start is None:
        return
    head_end = text.find("\n", start.start())
    first = text[text.rfind("\n", 0, start.start()) + 1 : head_end if head_end >= 0 else len(text)]
    try:
        width = len(next(csv.reader([first.rstrip("\r")], delimiter=delimiter), []))
    except csv.Error:  # a stray carriage return inside the line: count the separators instead
        width = first.count(delimiter) + 1
    if width > MAX_COLUMNS:
        raise Stop([Problem(None, None, too_many_columns(width))])


def _sniff_delimiter(text: str) -> tuple[str, int]:
    """-> (delimiter, characters to skip: an Excel 'sep=;' first line)."""
    end = text.find("\n", 0, 100)
    m = _SEP_LINE_RE.match(text[: end if end >= 0 else 100].rstrip("\r"))
    if m:
        return m.group(1), (end + 1 if end >= 0 else len(text))
    sample = text[:65536]
    truncated = len(text) > len(sample)
    best_key, best = None, ","
    for delim in _DELIMITERS:
        try:
            records = []
            for rec in csv.reader(io.StringIO(sample), delimiter=delim):
                records.append(rec)
                if len(records) >= 30:
                    break
        except csv.Error:
            continue
        if truncated and len(records) < 30 and records:
            records = records[:-1]
        records = [r for r in records if any(c.strip() for c in r)]
        if not records:
            continue
        width = len(records[0])
        rest = records[1:]
        consistency = sum(1 for r in rest if len(r) == width) / len(rest) if rest else 1.0
        key = (width * consistency if width > 1 else 0.0, width)
        if best_key is None or key > best_key:
            best_key, best = key, delim
    return best, 0


_EOF_RE = re.compile(r"EOF inside string starting at row (\d+)")


def _parse_csv(text: str, delimiter: str, problems: list[Problem]) -> pd.DataFrame:
    """The careful path: pandas' C parser, and the csv module to name ragged rows."""
    try:
        return pd.read_csv(
            io.StringIO(text),
            sep=delimiter,
            header=None,
            dtype=str,
            keep_default_na=False,
            na_filter=False,
            skip_blank_lines=False,
            index_col=False,
            quotechar='"',
            engine="c",
        )
    except pd.errors.EmptyDataError:
        raise Stop([Problem(None, None, _("the file is empty"))]) from None
    except pd.errors.ParserError as exc:
        m = _EOF_RE.search(str(exc))
        if m:
            raise Stop(
                [
                    Problem(
                        int(m.group(1)) + 1,
                        None,
                        _(
                            'a quotation mark (") opened in this row is never closed, so the rest of the file '
                            "reads as one cell; remove the stray quotation mark or close it"
                        ),
                    )
                ]
            ) from None
    except (ValueError, MemoryError, OverflowError):
        pass
    return _parse_csv_slowly(text, delimiter, problems)


def _parse_csv_arrow(payload: bytes | memoryview, delimiter: str) -> pd.DataFrame | None:
    """Fast path: pyarrow's CSV reader on UTF-8 bytes; None when the careful path is needed.

    pyarrow keeps blank lines as rows (so row numbers stay right) but, unlike pandas, does not
    report a quotation mark left open at the end of the file, and refuses ragged rows; files
    with an odd number of quotation marks or ragged rows go the careful way.
    """
    try:
        whole = payload.obj if isinstance(payload, memoryview) else payload
        if whole.count(b'"') % 2:
            return None
        head = bytes(payload[:65536]).decode("utf-8", errors="ignore")
        first = next(csv.reader(io.StringIO(head), delimiter=delimiter), None)
        if not first:
            return None
        width = len(first)
        table = pacsv.read_csv(
            pa.BufferReader(pa.py_buffer(payload)),
            read_options=pacsv.ReadOptions(autogenerate_column_names=True, use_threads=True),
            parse_options=pacsv.ParseOptions(
                delimiter=delimiter,
                quote_char='"',
                double_quote=True,
                newlines_in_values=True,
                ignore_empty_lines=False,
            ),
            convert_options=pacsv.ConvertOptions(
                # large_string is what pandas' str dtype holds: no conversion copy
                column_types={f"f{i}": pa.large_string() for i in range(width)},
                strings_can_be_null=False,
                quoted_strings_can_be_null=False,
            ),
            # the system allocator gives parse buffers back at once (lower peak memory)
            memory_pool=pa.system_memory_pool(),
        )
        if table.num_columns != width or any(
            not pa.types.is_large_string(t) for t in table.schema.types
        ):
            return None
        grid = table.to_pandas(memory_pool=pa.system_memory_pool())
        grid.columns = range(width)
        return grid.astype("str")
    except Exception:
        return None


def _parse_csv_slowly(text: str, delimiter: str, problems: list[Problem]) -> pd.DataFrame:
    """Row by row with the csv module: used only when pandas refuses the file (ragged rows)."""
    try:
        records = list(csv.reader(io.StringIO(text), delimiter=delimiter))
    except csv.Error as exc:
        raise Stop(
            [
                Problem(
                    None,
                    None,
                    _("the file is not a readable CSV table ({reason}); {save_as}").format(
                        reason=exc, save_as=_(SAVE_AS)
                    ),
                )
            ]
        ) from None
    width = next((len(r) for r in records if any(c.strip() for c in r)), 0)
    if width == 0:
        raise Stop([Problem(None, None, _("the file is empty"))])
    ragged = 0
    rows = []
    for i, rec in enumerate(records):
        if len(rec) > width:
            if any(c.strip() for c in rec[width:]):
                ragged += 1
                if ragged <= MAX_PROBLEMS_PER_COLUMN:
                    sep = "TAB" if delimiter == "\t" else delimiter
                    problems.append(
                        Problem(
                            i + 1,
                            None,
                            _(
                                "this row has {cells} cells but the header has {width}; an answer probably "
                                "contains the separator ({separator}) without quotation marks around it"
                            ).format(cells=digits(len(rec)), width=digits(width), separator=sep),
                        )
                    )
            rec = rec[:width]
        elif len(rec) < width:
            rec = rec + [""] * (width - len(rec))
        rows.append(rec)
    if ragged > MAX_PROBLEMS_PER_COLUMN:
        problems.append(
            Problem(
                None,
                None,
                ngettext(
                    "... and {count} more row has more cells than the header",
                    "... and {count} more rows have more cells than the header",
                    ragged - MAX_PROBLEMS_PER_COLUMN,
                ).format(count=grouped(ragged - MAX_PROBLEMS_PER_COLUMN)),
            )
        )
    return pd.DataFrame(rows, columns=range(width), dtype="str")


def blank_mask(series: pd.Series) -> np.ndarray:
    s = series.astype("str")
    return (s.isna() | (s.str.strip() == "")).to_numpy(dtype=bool)


def nonblank_rows(grid: pd.DataFrame) -> np.ndarray:
    """Rows with at least one non-blank cell; looks further only at rows still blank."""
    n = len(grid)
    blank = np.ones(n, dtype=bool)
    for j in grid.columns:
        idx = np.flatnonzero(blank)
        if not len(idx):
            break
        col = grid[j]
        blank[idx] = blank_mask(col if len(idx) == n else col.iloc[idx])
    return ~blank


# --------------------------------------------------------------------------------------------
# header rows and columns
# --------------------------------------------------------------------------------------------


