"""Reading survey files (design.md §5).

Contract used by scoring, storage, the CLI and the pages:

    read_survey(source, model=None, models=None, filename=None, max_bytes=MAX_FILE_BYTES) -> SurveyData

``source`` is a path or bytes. ``model`` forces the model; otherwise the model is recognised
from the columns (``models``: candidates, default all shipped models). Raises only
``SurveyValidationError`` (every problem at once, each naming row and column).

How a file is read:

1. bytes: size limit, sha256, then .xlsx (zip magic or file name) or text;
2. text: BOM (UTF-8, UTF-16, UTF-32), strict UTF-8, then charset-normalizer, each candidate
   checked for plausibility; never a codec that accepts any byte sequence blindly;
3. separator: the one of ``, ; TAB |`` that splits the header into the most columns
   consistently with the next rows;
4. everything is read as text (pandas, ``dtype=str``, no NA guessing), so this module decides
   what is blank; header rows of Qualtrics (3) and SurveyMonkey (2) exports are recognised;
5. columns are mapped to items (id or full text, case and spacing ignored) and metadata
   (synonyms); answers are converted per distinct value of each column (vectorised), so a
   100,000-row file costs little more than ``pandas.read_csv``.

Row numbers in problems are spreadsheet row numbers (header = row 1; with a Qualtrics export
the first response is row 4), columns are named as written in the file.
"""

from __future__ import annotations

import csv
import hashlib
import io
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from cxmaturity.errors import Problem, SurveyValidationError
from cxmaturity.formatting import digits, grouped
from cxmaturity.i18n import _, isolate, ngettext
from cxmaturity.models import MaturityModel
from cxmaturity.survey.answers import check_ids, convert_answers, scale_description
from cxmaturity.survey.columns import (
    choose_model,
    describe_columns,
    find_header,
    map_columns,
    norm_label,
)
from cxmaturity.survey.decode import load_bytes
from cxmaturity.survey.problems import (
    MAX_FILE_BYTES,
    MAX_PROBLEMS_PER_COLUMN,
    METADATA_COLUMNS,
    Stop,
    clip,
)
from cxmaturity.survey.table import nonblank_rows, read_grid, release_free_memory
from cxmaturity.translations import in_every_language


@dataclass
class SurveyData:
    model: MaturityModel
    # index: respondent_id (str); columns: the model's item ids in model order; float, NaN = not answered
    answers: pd.DataFrame
    # index: respondent_id (str); columns: department, role, submitted_at (str or None), plus any
    # unrecognised non-item columns kept as extra attributes
    respondents: pd.DataFrame
    encoding: str  # e.g. "utf-8", "utf-8-sig", "utf-16", "cp1251", "cp1256", "xlsx"
    delimiter: str | None  # ",", ";", "\t", "|" or None for xlsx
    export_format: str  # "csv", "xlsx", "qualtrics", "surveymonkey", "google-forms" ...
    model_detected: bool  # True when the model was recognised from the columns
    content_hash: str  # sha256 hex of the raw file bytes
    warnings: list[str] = field(default_factory=list)
    # item id -> the column of the file that holds it, as written in the file (mapped items only)
    columns: dict[str, str] = field(default_factory=dict)
    # how many header rows the file has (1; 2 for SurveyMonkey; 3 for Qualtrics)
    header_rows: int = 1

    @classmethod
    def generated(
        cls, model: MaturityModel, answers: pd.DataFrame, respondents: pd.DataFrame, identity: str
    ) -> SurveyData:
        """Answers made in code (demo, benchmarks), not read from a file.

        ``identity`` stands in for the file's bytes: the same identity is the same "file", so
        importing it twice stores it once.
        """
        return cls(
            model=model,
            answers=answers,
            respondents=respondents,
            encoding="utf-8",
            delimiter=None,
            export_format="generated",
            model_detected=False,
            content_hash=hashlib.sha256(identity.encode("utf-8")).hexdigest(),
        )


# --------------------------------------------------------------------------------------------
# public helpers
# --------------------------------------------------------------------------------------------


def template_csv(model: MaturityModel) -> str:
    """The CSV template of ``model``: metadata columns, then one column per item id; no rows."""
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerow([*METADATA_COLUMNS, *model.item_ids])
    return out.getvalue()



def read_survey(
    source: str | Path | bytes,
    model: MaturityModel | None = None,
    models: dict[str, MaturityModel] | None = None,
    filename: str | None = None,
    max_bytes: int = MAX_FILE_BYTES,
) -> SurveyData:
    """Read, map and validate one survey file; raises only SurveyValidationError."""
    try:
        return _read_survey(source, model, models, filename, max_bytes)
    except SurveyValidationError:
        raise
    except Stop as stop:
        raise SurveyValidationError(stop.problems) from None
    except Exception as exc:  # safety net: a person gets a message, never a traceback
        raise SurveyValidationError(
            [
                Problem(
                    None,
                    None,
                    _(
                        "the file could not be read because of an unexpected error ({reason}); please report this"
                    ).format(reason=f"{type(exc).__name__}: {clip(str(exc), 200)}"),
                )
            ]
        ) from None



@dataclass
class _Rows:
    """The response rows of the grid, below the header rows."""

    header: list
    header_rows: int
    export_format: str
    data: pd.DataFrame
    row_numbers: np.ndarray  # spreadsheet rows: header = row 1

    @property
    def count(self) -> int:
        return len(self.row_numbers)


def _read_survey(source, model, models, filename, max_bytes) -> SurveyData:
    raw, filename = load_bytes(source, filename, max_bytes)
    content_hash = hashlib.sha256(raw).hexdigest()
    problems: list[Problem] = []
    warnings: list[str] = []

    grid, encoding, delimiter, base_format = read_grid(raw, filename, problems, warnings)
    del raw  # the file's bytes are not needed once parsed (memory: a 10 MB file is 10 MB less)
    rows = _response_rows(grid, base_format, problems)
    columns = describe_columns(grid, rows.header, rows.data, rows.export_format)
    del grid  # only the response rows are read from here on (each answer column is freed once read)
    detected = False
    if model is None:
        model, detected = choose_model(columns, models, problems)
    if model is None:
        raise SurveyValidationError(problems)
    mapping = map_columns(columns, model, problems, warnings)
    matrix = _answer_matrix(model, mapping, rows, problems)
    ids = _respondent_ids(mapping, rows, problems, warnings)
    if problems:
        raise SurveyValidationError(problems)

    index = pd.Index(ids.array, dtype="str", name="respondent_id")
    answers = pd.DataFrame(matrix, index=index, columns=list(model.item_ids), copy=False)
    respondents = _respondents(mapping, rows, index)
    export_format, header_rows = rows.export_format, rows.header_rows
    del rows  # the rest of the file's text
    release_free_memory()
    unanswered = int(answers.isna().all(axis=1).sum()) if len(answers) else 0
    if unanswered:
        warnings.append(
            ngettext(
                "{count} respondent answered none of the questions",
                "{count} respondents answered none of the questions",
                unanswered,
            ).format(count=grouped(unanswered))
        )
    return SurveyData(
        model=model,
        answers=answers,
        respondents=respondents,
        encoding=encoding,
        delimiter=delimiter,
        export_format=export_format,
        model_detected=detected,
        content_hash=content_hash,
        warnings=warnings,
        columns={item_id: col.name for item_id, col in mapping.items.items()},
        header_rows=header_rows,
    )


def _response_rows(grid: pd.DataFrame, base_format: str, problems: list[Problem]) -> _Rows:
    """The header rows (one, or those of a survey tool's export) and the non-blank rows below."""
    nonblank = nonblank_rows(grid)
    if not nonblank.any():
        raise Stop([Problem(None, None, _("the file is empty"))])
    first = int(np.argmax(nonblank))
    header, header_rows, export_format = find_header(grid, first, base_format)
    data_mask = nonblank.copy()
    data_mask[: first + header_rows] = False
    positions = np.flatnonzero(data_mask)
    n = len(positions)
    if n and positions[-1] - positions[0] == n - 1:
        data = grid.iloc[int(positions[0]) : int(positions[-1]) + 1]  # no copy
    else:
        data = grid.iloc[positions]
    if n == 0:
        problems.append(Problem(None, None, _("the file has a header but no responses (no rows below the header)")))
    return _Rows(header, header_rows, export_format, data, positions + 1)


_TRIM_EVERY = 8_000_000  # bytes of answer text freed between two returns of memory to the system


def _answer_matrix(model: MaturityModel, mapping, rows: _Rows, problems: list[Problem]) -> np.ndarray:
    """Respondents x items as floats (NaN: not answered); every cell that is not an answer is a
    problem naming its row and column, at most MAX_PROBLEMS_PER_COLUMN a column. The answer
    columns are taken out of ``rows.data`` as they are read (only metadata columns stay)."""
    lo, hi = model.scale.min, model.scale.max
    # answer labels in any of the interface languages ("Kesinlikle katılıyorum", "Полностью согласен")
    label_map = {
        norm_label(text): value
        for value, english in model.scale.labels.items()
        for text in in_every_language(model.id, f"scale.labels.{value}", english)
    }
    scale_text = scale_description(model)
    cache: dict[str, tuple[float, bool]] = {}
    # column-major, so the DataFrame takes it without a copy; each column is written whole, so
    # its memory is taken as the text it comes from is freed
    matrix = np.empty((rows.count, len(model.item_ids)), dtype="float64", order="F")
    cell_problems: list[Problem] = []
    more_problems: list[Problem] = []
    competency_of = model.competency_of_item
    # how many more times each column is read: an answer column read for the last time is freed
    # (memory: the answers are built while their text goes, instead of beside all of it)
    freed = 0
    reads = Counter(c.index for c in [*mapping.items.values(), *mapping.meta.values(), *mapping.extras])
    for k, item_id in enumerate(model.item_ids):
        col = mapping.items.get(item_id)
        if col is None:
            matrix[:, k] = np.nan
            continue
        labels, column_cache = label_map, cache
        descriptors = model.competency(competency_of[item_id]).descriptors
        if model.item_anchoring == "descriptor" and descriptors:
            # a form whose choices are the level descriptions themselves (Gartner): each is its level
            cid = competency_of[item_id]
            labels = {**label_map, **{
                norm_label(text): level
                for level, english in descriptors.items()
                for text in in_every_language(model.id, f"competencies.{cid}.descriptors.{level}", english)
            }}
            column_cache = {}
        values, bad_rows = convert_answers(rows.data[col.index], column_cache, labels, lo, hi)
        matrix[:, k] = values
        if len(bad_rows):
            cells = rows.data[col.index].to_numpy()
            for pos in bad_rows[:MAX_PROBLEMS_PER_COLUMN]:
                cell_problems.append(
                    Problem(
                        int(rows.row_numbers[pos]),
                        col.name,
                        _("'{answer}' is not an answer on the {scale}").format(
                            answer=isolate(clip(str(cells[pos]).strip(), 60)), scale=scale_text
                        ),
                    )
                )
            if len(bad_rows) > MAX_PROBLEMS_PER_COLUMN:
                more = len(bad_rows) - MAX_PROBLEMS_PER_COLUMN
                more_problems.append(
                    Problem(
                        None,
                        col.name,
                        ngettext(
                            "... and {count} more answer in this column is not on the {low}–{high} scale",
                            "... and {count} more answers in this column are not on the {low}–{high} scale",
                            more,
                        ).format(count=grouped(more), low=digits(lo), high=digits(hi)),
                    )
                )
        reads[col.index] -= 1
        if not reads[col.index]:
            freed += rows.data[col.index].nbytes
            del rows.data[col.index]
            if freed > _TRIM_EVERY:
                release_free_memory()
                freed = 0
    release_free_memory()
    cell_problems.sort(key=lambda p: p.row or 0)  # stable: column order within a row
    problems.extend(cell_problems)
    problems.extend(more_problems)
    return matrix


def _respondent_ids(mapping, rows: _Rows, problems: list[Problem], warnings: list[str]) -> pd.Series:
    id_col = mapping.meta.get("respondent_id")
    if id_col is None:
        if rows.count:
            warnings.append(_("the file has no respondent id column; respondents were numbered 1, 2, 3, … in file order"))
        return pd.Series([str(i) for i in range(1, rows.count + 1)], dtype="str")
    ids = rows.data[id_col.index].astype("str").str.strip().reset_index(drop=True)
    check_ids(ids, rows.row_numbers, id_col.name, problems)
    return ids


def _respondents(mapping, rows: _Rows, index: pd.Index) -> pd.DataFrame:
    """Department, role, submission time and every other column as respondent attributes
    (built in one step: adding thousands of columns one by one is quadratic in pandas)."""
    columns: dict[str, pd.Series] = {}
    for meta in ("department", "role", "submitted_at"):
        col = mapping.meta.get(meta)
        if col is None:
            columns[meta] = pd.Series(np.nan, index=index, dtype="str")
        else:
            values = rows.data[col.index].astype("str").str.strip()
            values = values.where(values != "")
            columns[meta] = pd.Series(values.array, index=index, dtype="str")
    for col in mapping.extras:
        name = col.name
        k = 2
        while name in columns:
            name = f"{col.name} ({k})"
            k += 1
        columns[name] = pd.Series(rows.data[col.index].astype("str").array, index=index, dtype="str")
    return pd.DataFrame(columns, index=index)


def resolve_group_column(survey: SurveyData, name: str) -> str:
    """The respondent attribute ``name`` asks to break the scores down by, matched without
    regard to case (``--group-by Department``); SurveyValidationError naming the attributes the
    file has when there is none of that name, or when it holds no value at all."""
    respondents = survey.respondents

    def has_values(column) -> bool:
        values = respondents[column]
        return bool(values.notna().any() and (values.astype("str").str.strip() != "").any())

    # names first: looking at a column's values costs a pass over every respondent
    wanted = norm_label(name)
    for column in respondents.columns:
        if norm_label(str(column)) == wanted and has_values(column):
            return column
    with_values = [c for c in respondents.columns if has_values(c)]
    available = ", ".join(f"'{isolate(c)}'" for c in with_values) or _("none")
    message = _("the file has no column to group by of that name (columns with values: {columns})")
    raise SurveyValidationError([Problem(None, name, message.format(columns=available))])

