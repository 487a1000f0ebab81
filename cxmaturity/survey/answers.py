"""Cells to answers: numbers, scale labels, "4 - Agree", Persian/Arabic-Indic digits, blanks;
and respondent ids."""


from __future__ import annotations

import math
import re

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from cxmaturity.errors import Problem
from cxmaturity.formatting import and_list, digits, grouped
from cxmaturity.i18n import _, isolate, ngettext
from cxmaturity.models import MaturityModel
from cxmaturity.survey.columns import norm_label
from cxmaturity.survey.problems import MAX_ID_PROBLEMS, clip
from cxmaturity.translations import localised

_NOT_ANSWERED = {"", "n/a", "na", "n.a.", "n.a", "#n/a", "-", "–", "—", "--"}
_DIGITS = str.maketrans("۰۱۲۳۴۵۶۷۸۹٠١٢٣٤٥٦٧٨٩٫", "01234567890123456789.")
_NUMBER_RE = re.compile(r"^([+-]?\d+)(?:[.,](\d+))?$")
_LEADING_RE = re.compile(r"^(\d+)(?:\s*[-–—.:)=]\s*|\s+)\D")
_TRAILING_RE = re.compile(r"\(\s*(\d+)\s*\)$")


def _parse_answer(cell: str, label_map: dict[str, int], lo: int, hi: int) -> tuple[float, bool]:
    """-> (value, ok): NaN+ok for not answered, NaN+not ok for a value that is not an answer."""
    text = " ".join(str(cell).split())
    if text.casefold() in _NOT_ANSWERED:
        return math.nan, True
    ascii_text = text.translate(_DIGITS)
    value: int | None = None
    m = _NUMBER_RE.match(ascii_text)
    if m:
        if m.group(2) and m.group(2).strip("0"):
            return math.nan, False  # 3.5: not a point of the scale
        value = int(m.group(1))
    else:
        label = label_map.get(norm_label(text))
        if label is not None:
            value = label
        else:
            m = _LEADING_RE.match(ascii_text) or _TRAILING_RE.search(ascii_text)
            if m:
                value = int(m.group(1))
    if value is None or not lo <= value <= hi:
        return math.nan, False
    return float(value), True


def _held_by_pyarrow(series: pd.Series) -> bool:
    """Text in pyarrow's buffers (what the CSV reader makes), which can be read without Python strings."""
    dtype = series.dtype
    return isinstance(dtype, pd.StringDtype) and dtype.storage == "pyarrow"


def _one_byte_cells(series: pd.Series) -> np.ndarray | None:
    """Each cell's byte (0–255; 256 for an empty cell) when the column is held by pyarrow and
    no cell is longer than one byte (answers such as 1–5, the usual survey export); else None.

    The byte is the cell's text: a one-byte UTF-8 text is one ASCII character."""
    if not _held_by_pyarrow(series):
        return None
    column = pa.array(series.array)  # no copy: the same buffers (in chunks when read in parallel)
    chunks = column.chunks if isinstance(column, pa.ChunkedArray) else [column]
    parts = []
    for array in chunks:
        if array.null_count or not pa.types.is_large_string(array.type):
            return None
        _, offsets_buffer, data_buffer = array.buffers()
        offsets = np.frombuffer(offsets_buffer, dtype=np.int64)[array.offset : array.offset + len(array) + 1]
        lengths = np.diff(offsets)
        if len(lengths) and lengths.max() > 1:
            return None
        cells = np.full(len(array), 256, dtype=np.int16)
        if len(offsets) and offsets[-1] > offsets[0]:
            cells[lengths == 1] = np.frombuffer(data_buffer, dtype=np.uint8)[offsets[0] : offsets[-1]]
        parts.append(cells)
    return np.concatenate(parts) if parts else np.empty(0, dtype=np.int16)


def convert_answers(series: pd.Series, cache, label_map, lo, hi) -> tuple[np.ndarray, np.ndarray]:
    """-> (float values, positions of cells that are not answers). One parse per distinct value;
    a column of one-character cells is read byte by byte, without hashing its strings."""
    cells = _one_byte_cells(series)
    if cells is not None:
        present = np.flatnonzero(np.bincount(cells, minlength=257))
        uniques = ["" if b == 256 else chr(b) for b in present]
        codes = np.full(257, -1)
        codes[present] = np.arange(len(present))
        codes = codes[cells]
    else:
        codes, uniques = pd.factorize(series, use_na_sentinel=True)
        codes = np.asarray(codes)
    values = np.empty(len(uniques) + 1, dtype="float64")
    bad = np.zeros(len(uniques) + 1, dtype=bool)
    for k, u in enumerate(uniques):
        key = "" if u is None or (isinstance(u, float) and math.isnan(u)) else str(u)
        hit = cache.get(key)
        if hit is None:
            hit = cache[key] = _parse_answer(key, label_map, lo, hi)
        values[k], bad[k] = hit[0], not hit[1]
    values[-1], bad[-1] = math.nan, False  # code -1: missing cell
    return values[codes], np.flatnonzero(bad[codes])


def scale_description(model: MaturityModel) -> str:
    lo, hi = model.scale.min, model.scale.max
    labels = localised(model).scale.labels
    return _("{low}–{high} scale ({low} = {low_label} … {high} = {high_label})").format(
        low=digits(lo), high=digits(hi), low_label=labels[lo], high_label=labels[hi]
    )


def _all_different(ids: pd.Series) -> bool:
    """No id twice (blank ones aside). Text held by pyarrow is sorted and neighbours compared:
    pandas' hash table for 100,000 ids took 11 MB at the peak of reading a survey, the sort 3 MB
    and less time (bench/ingest.py)."""
    if not _held_by_pyarrow(ids):
        return ids.is_unique
    column = pa.array(ids.array)
    if len(column) < 2:
        return True
    ordered = column.take(pc.sort_indices(column))
    return not pc.any(pc.equal(ordered[1:], ordered[:-1])).as_py()


def check_ids(
    ids: pd.Series, row_numbers: np.ndarray, column: str, problems: list[Problem]
) -> None:
    blank = (ids.isna() | (ids == "")).to_numpy(dtype=bool)
    blank_pos = np.flatnonzero(blank)
    for pos in blank_pos[:MAX_ID_PROBLEMS]:
        problems.append(
            Problem(
                int(row_numbers[pos]),
                column,
                _("the respondent id is empty; give every respondent an id"),
            )
        )
    if len(blank_pos) > MAX_ID_PROBLEMS:
        problems.append(
            Problem(
                None,
                column,
                ngettext(
                    "... and {count} more empty respondent id",
                    "... and {count} more empty respondent ids",
                    len(blank_pos) - MAX_ID_PROBLEMS,
                ).format(count=grouped(len(blank_pos) - MAX_ID_PROBLEMS)),
            )
        )
    if _all_different(ids):  # the usual case: every id once
        return
    codes, uniques = pd.factorize(ids)
    codes = np.asarray(codes)
    dup = (np.bincount(codes[codes >= 0], minlength=len(uniques)) > 1)[np.maximum(codes, 0)]
    dup &= (codes >= 0) & ~blank
    if not dup.any():
        return
    groups: dict[str, list[int]] = {}
    for pos in np.flatnonzero(dup):
        groups.setdefault(str(uniques[codes[pos]]), []).append(int(row_numbers[pos]))
    for k, (rid, rows) in enumerate(groups.items()):
        if k == MAX_ID_PROBLEMS:
            problems.append(
                Problem(
                    None,
                    column,
                    ngettext(
                        "... and {count} more respondent id used more than once",
                        "... and {count} more respondent ids used more than once",
                        len(groups) - MAX_ID_PROBLEMS,
                    ).format(count=grouped(len(groups) - MAX_ID_PROBLEMS)),
                )
            )
            break
        listed = and_list([digits(r) for r in rows])
        problems.append(
            Problem(
                rows[1],
                column,
                _("respondent id '{id}' is used more than once (rows {rows})").format(
                    id=isolate(clip(rid, 60)), rows=listed
                ),
            )
        )


