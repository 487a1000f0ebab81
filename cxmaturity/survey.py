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

import codecs
import csv
import functools
import hashlib
import io
import math
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from cxmaturity.errors import Problem, SurveyValidationError
from cxmaturity.models import MaturityModel

MAX_FILE_BYTES = 50 * 1024 * 1024
METADATA_COLUMNS = ("respondent_id", "department", "role", "submitted_at")

# How many bad cells are listed one by one per column before "... and N more".
MAX_PROBLEMS_PER_COLUMN = 20
# How many duplicate / blank respondent ids are listed before "... and N more".
MAX_ID_PROBLEMS = 20


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


def detect_model(columns: Iterable[str], models: dict[str, MaturityModel]) -> MaturityModel | None:
    """The model these column headers belong to, or None when it is not unambiguous.

    A model is recognised when its items match the most columns, it has at least one column
    for every competency, and no other model matches as many columns.
    """
    cols = [[c] for c in columns if isinstance(c, str)]
    ranking = _rank_models(cols, models)
    if not ranking or ranking[0].count == 0:
        return None
    best = ranking[0]
    if len(ranking) > 1 and ranking[1].count == best.count:
        return None
    if best.missing_competencies:
        return None
    return best.model


# --------------------------------------------------------------------------------------------
# the reader
# --------------------------------------------------------------------------------------------


class _Stop(Exception):
    """Internal: reading cannot go on; ``problems`` say why."""

    def __init__(self, problems: list[Problem]):
        super().__init__(problems)
        self.problems = problems


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
    except _Stop as stop:
        raise SurveyValidationError(stop.problems) from None
    except Exception as exc:  # safety net: a person gets a message, never a traceback
        raise SurveyValidationError(
            [
                Problem(
                    None,
                    None,
                    f"the file could not be read because of an unexpected error "
                    f"({type(exc).__name__}: {_clip(str(exc), 200)}); please report this",
                )
            ]
        ) from None


def _read_survey(source, model, models, filename, max_bytes) -> SurveyData:
    raw, filename = _load_bytes(source, filename, max_bytes)
    content_hash = hashlib.sha256(raw).hexdigest()
    problems: list[Problem] = []
    warnings: list[str] = []

    grid, encoding, delimiter, base_format = _read_grid(raw, filename, problems, warnings)

    # --- header rows ---------------------------------------------------------------------
    nonblank = _nonblank_rows(grid)
    if not nonblank.any():
        raise _Stop([Problem(None, None, "the file is empty")])
    first = int(np.argmax(nonblank))
    header, header_rows, export_format = _header(grid, first, base_format)
    data_start = first + header_rows
    data_mask = nonblank.copy()
    data_mask[:data_start] = False
    data_positions = np.flatnonzero(data_mask)
    n = len(data_positions)
    if n and data_positions[-1] - data_positions[0] == n - 1:
        data = grid.iloc[int(data_positions[0]) : int(data_positions[-1]) + 1]  # no copy
    else:
        data = grid.iloc[data_positions]
    row_numbers = data_positions + 1  # spreadsheet rows: header = row 1
    if n == 0:
        problems.append(
            Problem(None, None, "the file has a header but no responses (no rows below the header)")
        )

    # --- columns -------------------------------------------------------------------------
    columns = _describe_columns(grid, header, data, export_format)

    if model is None:
        model, detected = _choose_model(columns, models, problems)
    else:
        detected = False
    if model is None:
        raise SurveyValidationError(problems)

    mapping = _map_columns(columns, model, problems, warnings)

    # --- answers -------------------------------------------------------------------------
    lo, hi = model.scale.min, model.scale.max
    label_map = {_norm_label(text): value for value, text in model.scale.labels.items()}
    scale_text = _scale_text(model)
    cache: dict[str, tuple[float, bool]] = {}
    # column-major, so the DataFrame takes it without a copy
    matrix = np.full((n, len(model.item_ids)), np.nan, dtype="float64", order="F")
    cell_problems: list[Problem] = []
    more_problems: list[Problem] = []
    for k, item_id in enumerate(model.item_ids):
        col = mapping.items.get(item_id)
        if col is None:
            continue
        values, bad_rows = _convert_answers(data[col.index], cache, label_map, lo, hi)
        matrix[:, k] = values
        if len(bad_rows):
            cells = data[col.index].to_numpy()
            for pos in bad_rows[:MAX_PROBLEMS_PER_COLUMN]:
                cell_problems.append(
                    Problem(
                        int(row_numbers[pos]),
                        col.name,
                        f"'{_clip(str(cells[pos]).strip(), 60)}' is not an answer on the {scale_text}",
                    )
                )
            if len(bad_rows) > MAX_PROBLEMS_PER_COLUMN:
                more = len(bad_rows) - MAX_PROBLEMS_PER_COLUMN
                more_problems.append(
                    Problem(
                        None,
                        col.name,
                        f"... and {more} more answers in this column are not on the {lo}–{hi} scale",
                    )
                )

    cell_problems.sort(key=lambda p: p.row or 0)  # stable: column order within a row
    problems.extend(cell_problems)
    problems.extend(more_problems)

    # --- respondent ids ------------------------------------------------------------------
    id_col = mapping.meta.get("respondent_id")
    if id_col is None:
        ids = pd.Series([str(i) for i in range(1, n + 1)], dtype="str")
        if n:
            warnings.append(
                "the file has no respondent id column; respondents were numbered 1, 2, 3, … in file order"
            )
    else:
        ids = data[id_col.index].astype("str").str.strip().reset_index(drop=True)
        _check_ids(ids, row_numbers, id_col.name, problems)

    if problems:
        raise SurveyValidationError(problems)

    index = pd.Index(ids.array, dtype="str", name="respondent_id")
    answers = pd.DataFrame(matrix, index=index, columns=list(model.item_ids), copy=False)

    respondents = pd.DataFrame(index=index)
    for meta in ("department", "role", "submitted_at"):
        col = mapping.meta.get(meta)
        if col is None:
            respondents[meta] = pd.Series(np.nan, index=index, dtype="str")
        else:
            values = data[col.index].astype("str").str.strip()
            values = values.where(values != "")
            respondents[meta] = pd.Series(values.array, index=index, dtype="str")
    taken = set(respondents.columns)
    for col in mapping.extras:
        name = col.name
        k = 2
        while name in taken:
            name = f"{col.name} ({k})"
            k += 1
        taken.add(name)
        respondents[name] = pd.Series(data[col.index].astype("str").array, index=index, dtype="str")

    unanswered = int(answers.isna().all(axis=1).sum()) if n else 0
    if unanswered:
        warnings.append(
            f"{unanswered} respondent{'s' if unanswered != 1 else ''} answered none of the questions"
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


# --------------------------------------------------------------------------------------------
# bytes
# --------------------------------------------------------------------------------------------


def _size_text(size: int) -> str:
    mb = 1024 * 1024
    if size >= mb:
        value, unit = size / mb, "MB"
    elif size >= 1024:
        value, unit = size / 1024, "KB"
    else:
        return f"{size} bytes"
    text = f"{value:.1f}"
    if text.endswith(".0"):
        text = text[:-2]
    return f"{text} {unit}"


def _too_big(size: int, max_bytes: int) -> _Stop:
    return _Stop(
        [
            Problem(
                None, None, f"the file is {_size_text(size)}; the limit is {_size_text(max_bytes)}"
            )
        ]
    )


def _load_bytes(source, filename, max_bytes) -> tuple[bytes, str | None]:
    if isinstance(source, (bytes, bytearray, memoryview)):
        raw = bytes(source)
    elif isinstance(source, (str, Path)):
        path = Path(source)
        if filename is None:
            filename = path.name
        try:
            size = path.stat().st_size
            if size > max_bytes:
                raise _too_big(size, max_bytes)
            raw = path.read_bytes()
        except (OSError, ValueError) as exc:
            reason = getattr(exc, "strerror", None) or type(exc).__name__
            raise _Stop(
                [
                    Problem(
                        None,
                        None,
                        f"the file '{_clip(str(path), 120)}' cannot be opened ({reason})",
                    )
                ]
            ) from None
    else:
        raise _Stop(
            [
                Problem(
                    None, None, f"cannot read a survey from a {type(source).__name__}; give a file"
                )
            ]
        )
    if len(raw) > max_bytes:
        raise _too_big(len(raw), max_bytes)
    if not raw:
        raise _Stop([Problem(None, None, "the file is empty")])
    return raw, filename


# --------------------------------------------------------------------------------------------
# grid: the file as a table of strings (all rows, header rows included)
# --------------------------------------------------------------------------------------------

_ZIP_MAGIC = b"PK\x03\x04"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_SAVE_AS = "save it as CSV UTF-8 or as an Excel .xlsx workbook"


def _read_grid(raw: bytes, filename: str | None, problems, warnings):
    """-> (grid DataFrame of str, encoding, delimiter, export format)."""
    suffix = Path(filename).suffix.casefold() if filename else ""
    if raw.startswith(_ZIP_MAGIC) or suffix in (".xlsx", ".xlsm"):
        if not raw.startswith(_ZIP_MAGIC):
            raise _Stop(
                [
                    Problem(
                        None,
                        None,
                        f"the file is named '{filename}' but is not an Excel workbook; {_SAVE_AS}",
                    )
                ]
            )
        return _read_xlsx(raw, warnings), "xlsx", None, "xlsx"
    if raw.startswith(_OLE_MAGIC):  # a text file named .xls (some tools do that) is read as text
        raise _Stop(
            [
                Problem(
                    None,
                    None,
                    "the file is an old Excel .xls workbook (or another Office file), which is not supported; "
                    + _SAVE_AS,
                )
            ]
        )
    text, encoding = _decode(raw)
    if not _NON_SPACE_RE.search(text):
        raise _Stop([Problem(None, None, "the file is empty")])
    delimiter, skip = _sniff_delimiter(text)
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
    grid = _parse_csv_arrow(payload, delimiter)
    del payload
    if grid is None:
        grid = _parse_csv(raw.decode(encoding)[skip:], delimiter, problems)
    return grid, encoding, delimiter, "csv"


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
    if hasattr(value, "isoformat"):
        text = value.isoformat()
        return text.replace("T", " ")
    return str(value)


def _read_xlsx(raw: bytes, warnings: list[str]) -> pd.DataFrame:
    try:
        import openpyxl

        wb = openpyxl.load_workbook(io.BytesIO(raw), read_only=True, data_only=True)
    except Exception:
        raise _Stop(
            [
                Problem(
                    None,
                    None,
                    "the file is a ZIP archive but not an Excel .xlsx workbook that can be opened; "
                    + _SAVE_AS,
                )
            ]
        ) from None
    try:
        sheets = wb.worksheets
        if not sheets:
            raise _Stop([Problem(None, None, "the workbook has no worksheet")])
        ws = sheets[0]
        if len(sheets) > 1:
            warnings.append(
                f"the workbook has {len(sheets)} sheets; only the first one ('{ws.title}') was read"
            )
        try:
            rows = [
                [_cell_text(v) for v in row] for row in ws.iter_rows(min_row=1, values_only=True)
            ]
        except _Stop:
            raise
        except Exception as exc:
            raise _Stop(
                [
                    Problem(
                        None,
                        None,
                        f"the workbook could not be read ({type(exc).__name__}); " + _SAVE_AS,
                    )
                ]
            ) from None
    finally:
        try:
            wb.close()
        except Exception:
            pass
    # width: up to the last non-empty cell of any row (trailing empty columns are formatting)
    width = 0
    for r in rows:
        k = len(r)
        while k > width and r[k - 1] == "":
            k -= 1
        width = max(width, k)
    if width == 0:
        raise _Stop([Problem(None, None, "the file is empty")])
    padded = [r[:width] + [""] * (width - len(r)) for r in rows]
    return pd.DataFrame(padded, columns=range(width), dtype="str")


# --- text ------------------------------------------------------------------------------------

_CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_TEXT_BYTES = bytes(range(0x20, 0x7F)) + b"\t\n\r" + bytes(range(0x80, 0x100))


def _has_control_bytes(raw: bytes) -> bool:
    """Binary content: a NUL byte, or more than a few other control bytes (tab and line ends
    aside). A stray form feed or vertical tab (FileMaker's line break) is tolerated as text.
    Exact for UTF-8 and single-byte code pages, where control characters are these bytes."""
    if b"\x00" in raw:
        return True
    return len(raw.translate(None, _TEXT_BYTES)) > 2 + len(raw) // 200


def _has_control_chars(text: str) -> bool:
    """_has_control_bytes for decoded text (UTF-16 and multi-byte encodings)."""
    if "\x00" in text:
        return True
    return len(_CONTROL_RE.findall(text)) > 2 + len(text) // 200


# Single-byte code pages people's spreadsheets are saved in (Excel "CSV" on Windows),
# tried besides charset-normalizer's guess, which is unreliable on short files.
_FALLBACK_CODEPAGES = (
    "cp1251",
    "cp1256",
    "cp1252",
    "cp1254",
    "cp1250",
    "cp1253",
    "cp1255",
    "cp1257",
    "cp1258",
)
# Codecs that turn any byte sequence into text: never accepted.
_ANY_BYTES_CODECS = {"latin-1", "iso8859-1", "ascii", "iso8859-15"}
_NOT_TEXT = "the file is not readable text (encoding could not be recognised); save it as CSV UTF-8"
_BINARY = "the file is not a CSV or Excel file (it contains binary data); " + _SAVE_AS


def _decode(raw: bytes) -> tuple[str, str]:
    boms = (
        (codecs.BOM_UTF32_LE, "utf-32"),
        (codecs.BOM_UTF32_BE, "utf-32"),
        (codecs.BOM_UTF8, "utf-8-sig"),
        (codecs.BOM_UTF16_LE, "utf-16"),
        (codecs.BOM_UTF16_BE, "utf-16"),
    )
    for bom, encoding in boms:
        if raw.startswith(bom):
            try:
                text = raw.decode(encoding)
            except UnicodeDecodeError:
                continue
            if _has_control_bytes(raw) if encoding == "utf-8-sig" else _has_control_chars(text):
                raise _Stop([Problem(None, None, _BINARY)])
            return text, encoding
    if not _has_control_bytes(raw):
        try:
            return raw.decode("utf-8"), "utf-8"
        except UnicodeDecodeError:
            pass
    return _decode_detected(raw)


def _decode_detected(raw: bytes) -> tuple[str, str]:
    candidates: list[str] = []
    try:
        from charset_normalizer import from_bytes

        best = from_bytes(raw).best()
        if best is not None:
            candidates.append(best.encoding)
    except Exception:  # detection is a hint; never a reason to fail
        pass
    # On a tie a single-byte code page wins: short Cyrillic or Arabic text is often guessed
    # as a CJK multi-byte encoding, where it also decodes to "plausible" ideographs.
    if candidates and _is_multibyte(candidates[0]):
        candidates = [*_FALLBACK_CODEPAGES, *candidates]
    else:
        candidates.extend(_FALLBACK_CODEPAGES)

    sample_raw = raw[:65536]
    best_score, best_encoding = -1.0, None
    seen: set[str] = set()
    for encoding in candidates:
        try:
            name = codecs.lookup(encoding).name
        except LookupError:
            continue
        if name in seen or name in _ANY_BYTES_CODECS or not _ascii_compatible(name):
            continue
        seen.add(name)
        try:
            sample = codecs.getincrementaldecoder(name)().decode(
                sample_raw, final=len(sample_raw) == len(raw)
            )
        except (UnicodeDecodeError, ValueError):
            continue
        if _has_control_chars(sample):
            continue
        score = _plausibility(sample)
        if score > best_score:
            best_score, best_encoding = score, name
    if best_encoding is not None and best_score >= 0.75:
        try:
            text = raw.decode(best_encoding)
        except (UnicodeDecodeError, ValueError):
            text = None
        if text is not None and not (
            _has_control_chars(text) if _is_multibyte(best_encoding) else _has_control_bytes(raw)
        ):
            return text, best_encoding
    binary = _has_control_bytes(raw[:65536])
    raise _Stop([Problem(None, None, _BINARY if binary else _NOT_TEXT)])


@functools.lru_cache(maxsize=64)
def _ascii_compatible(encoding: str) -> bool:
    """ASCII text reads as itself (rules out EBCDIC and the like); UTF-16/32 are allowed."""
    if encoding.startswith(("utf-16", "utf-32")):
        return True
    probe = "Az09 ,;|\t\r\n\"'=+-@"
    try:
        return probe.encode("ascii").decode(encoding) == probe
    except (LookupError, ValueError, TypeError):
        return False


@functools.lru_cache(maxsize=64)
def _is_multibyte(encoding: str) -> bool:
    """True for codecs that join several bytes into one character (CJK, UTF-16...)."""
    try:
        return any(
            len(pair.decode(encoding, errors="replace")) != 2
            for pair in (b"\x81\x41", b"\xb0\xa1", b"AB")
        )
    except (LookupError, ValueError, TypeError):
        return True


_WORD_RE = re.compile(r"[^\W\d_]+")
_SYMBOL_RE = re.compile(r"[^\w\s\x00-\x7f]")
_BICAMERAL = {"LATIN", "CYRILLIC", "GREEK", "ARMENIAN", "GEORGIAN"}
_OK_FORMAT_CHARS = {"\u200c", "\u200d", "\u200e", "\u200f", "\u00ad"}


def _script(ch: str) -> str:
    try:
        name = unicodedata.name(ch)
    except ValueError:
        return "?"
    head = name.split(" ", 1)[0]
    if head in ("CJK", "HIRAGANA", "KATAKANA", "HALFWIDTH", "FULLWIDTH"):
        return "CJK"
    return head


def _plausibility(text: str) -> float:
    """Share (0..1) of the non-ASCII text that looks like real writing.

    Mis-decoded text gives words that mix scripts (Arabic letters between French accents),
    odd capitalisation (Cyrillic read as Arabic code page) or Latin words made almost only of
    accented letters (Cyrillic read as Western code page), and stray symbols.
    """
    good = bad = 0
    for word in _WORD_RE.findall(text):
        if word.isascii():
            continue
        scripts = {_script(c) for c in word}
        ok = len(scripts) == 1
        if ok:
            script = next(iter(scripts))
            if script in _BICAMERAL:
                rest = word[1:]
                ok = (
                    word.islower()
                    or word.isupper()
                    or (word[0].isupper() and (not rest or rest.islower()))
                )
                if ok and script == "LATIN":
                    accented = sum(1 for c in word if not c.isascii())
                    ok = accented * 2 <= len(word) or len(word) <= 2
            elif script == "?":
                ok = False
        if ok:
            good += len(word)
        else:
            bad += len(word)
    for ch in _SYMBOL_RE.findall(text):
        if ch in _OK_FORMAT_CHARS:
            continue
        cat = unicodedata.category(ch)
        if cat[0] in "PZ" or cat in ("Sc", "Nd", "No", "Mn", "Mc"):
            continue
        bad += 1
    total = good + bad
    return 1.0 if total == 0 else good / total


_DELIMITERS = (",", ";", "\t", "|")
_NON_SPACE_RE = re.compile(r"\S")
_SEP_LINE_RE = re.compile(r"^\ufeff?sep=(.)\s*$", re.IGNORECASE)


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
        raise _Stop([Problem(None, None, "the file is empty")]) from None
    except pd.errors.ParserError as exc:
        m = _EOF_RE.search(str(exc))
        if m:
            raise _Stop(
                [
                    Problem(
                        int(m.group(1)) + 1,
                        None,
                        'a quotation mark (") opened in this row is never closed, so the rest of the file '
                        "reads as one cell; remove the stray quotation mark or close it",
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
        import pyarrow as pa
        import pyarrow.csv as pacsv
    except ImportError:  # pragma: no cover - pyarrow is a dependency
        return None
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
            read_options=pacsv.ReadOptions(autogenerate_column_names=True, use_threads=False),
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
        raise _Stop(
            [Problem(None, None, f"the file is not a readable CSV table ({exc}); {_SAVE_AS}")]
        ) from None
    width = next((len(r) for r in records if any(c.strip() for c in r)), 0)
    if width == 0:
        raise _Stop([Problem(None, None, "the file is empty")])
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
                            f"this row has {len(rec)} cells but the header has {width}; an answer probably "
                            f"contains the separator ({sep}) without quotation marks around it",
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
                f"... and {ragged - MAX_PROBLEMS_PER_COLUMN} more rows have more cells than the header",
            )
        )
    return pd.DataFrame(rows, columns=range(width), dtype="str")


def _blank_mask(series: pd.Series) -> np.ndarray:
    s = series.astype("str")
    return (s.isna() | (s.str.strip() == "")).to_numpy(dtype=bool)


def _nonblank_rows(grid: pd.DataFrame) -> np.ndarray:
    """Rows with at least one non-blank cell; looks further only at rows still blank."""
    n = len(grid)
    blank = np.ones(n, dtype=bool)
    for j in grid.columns:
        idx = np.flatnonzero(blank)
        if not len(idx):
            break
        col = grid[j]
        blank[idx] = _blank_mask(col if len(idx) == n else col.iloc[idx])
    return ~blank


# --------------------------------------------------------------------------------------------
# header rows and columns
# --------------------------------------------------------------------------------------------


def _norm(text: str) -> str:
    """Header comparison form: Unicode-normalised, spacing collapsed, case folded."""
    text = unicodedata.normalize("NFKC", text)
    text = " ".join(text.split()).strip(" *:")
    return text.casefold()


def _norm_label(text: str) -> str:
    return _norm(text).rstrip(".!")


def _meta_key(text: str) -> str:
    return re.sub(r"[\s_\-.]", "", _norm(text))


# synonyms in priority order (the first present in a file wins)
_META_SYNONYMS: dict[str, tuple[str, ...]] = {
    "respondent_id": (
        "respondent_id",
        "Respondent ID",
        "RespondentID",
        "ResponseId",
        "Response ID",
        "ID",
    ),
    "submitted_at": (
        "submitted_at",
        "Submitted",
        "Submitted at",
        "Timestamp",
        "EndDate",
        "End Date",
        "Completion time",
    ),
    "department": ("department", "Dept", "Team"),
    "role": ("role", "Job role", "Position"),
}
_META_LOOKUP: dict[str, tuple[str, int]] = {}
for _field, _names in _META_SYNONYMS.items():
    for _rank, _name in enumerate(_names):
        _META_LOOKUP.setdefault(_meta_key(_name), (_field, _rank))

_SM_RESPONSE_CELLS = {"response", "open-ended response", "other (please specify)"}
_IMPORT_ID_RE = re.compile(r'^\s*\{\s*"ImportId"\s*:', re.IGNORECASE)


def _row_cells(grid: pd.DataFrame, i: int) -> list[str]:
    if i >= len(grid):
        return []
    return [
        "" if (isinstance(v, float) and math.isnan(v)) or v is None else str(v)
        for v in grid.iloc[i].tolist()
    ]


def _header(grid: pd.DataFrame, first: int, base_format: str):
    """-> (list of header rows (each a list of cells), number of header rows, export format)."""
    row1 = _row_cells(grid, first)
    row2 = _row_cells(grid, first + 1)
    row3 = _row_cells(grid, first + 2)
    if row3 and any(_IMPORT_ID_RE.match(c) for c in row3):
        return [row1, row2, row3], 3, "qualtrics"
    # SurveyMonkey: row 2 says "Response" under questions and is blank under Respondent ID
    if row2 and not row2[0].strip() and any(_norm(c) in _SM_RESPONSE_CELLS for c in row2):
        return [row1, row2], 2, "surveymonkey"
    keys = [_meta_key(c) for c in row1]
    if keys and keys[0] == "timestamp":
        return [row1], 1, "google-forms"
    if "completiontime" in keys and "starttime" in keys:
        return [row1], 1, "microsoft-forms"
    return [row1], 1, base_format


def _column_letter(j: int) -> str:
    letters = ""
    j += 1
    while j:
        j, r = divmod(j - 1, 26)
        letters = chr(65 + r) + letters
    return letters


@dataclass
class _Column:
    index: int  # position in the grid
    name: str  # as written in the file (what problems call it)
    texts: list[str]  # header texts to match, in priority order
    empty: bool  # no header and no data


_BRACKET_RE = re.compile(r"\[([^\[\]]+)\]\s*$")


def _match_forms(text: str) -> list[str]:
    """Normalised forms of one header cell to look up: whole, Google grid '[x]', Qualtrics 'Q - x'."""
    forms = []
    whole = _norm(text)
    if whole:
        forms.append(whole)
    m = _BRACKET_RE.search(text)
    if m:
        forms.append(_norm(m.group(1)))
    for dash in (" - ", " – "):
        if dash in text:
            forms.append(_norm(text.rsplit(dash, 1)[1]))
    return [f for f in forms if f]


def _describe_columns(grid, header, data, export_format) -> list[_Column]:
    row1 = header[0]
    row2 = header[1] if len(header) > 1 else []
    columns = []
    last_row1 = ""
    for j in range(grid.shape[1]):
        h1 = row1[j].strip() if j < len(row1) else ""
        h2 = row2[j].strip() if j < len(row2) else ""
        if export_format == "qualtrics":
            texts = [h1, h2]
            name = h1 or h2
        elif export_format == "surveymonkey":
            if h1:
                last_row1 = h1
            informative = h2 and _norm(h2) not in _SM_RESPONSE_CELLS
            texts = [h2, h1] if informative else [h1]
            if informative:
                name = h2
            else:
                name = h1 or last_row1
        else:
            texts = [h1]
            name = h1
        empty = not any(texts) and (len(data) == 0 or bool(_blank_mask(data[j]).all()))
        if not name:
            name = f"column {_column_letter(j)}"
        columns.append(_Column(j, name, [t for t in texts if t], empty))
    return columns


@dataclass
class _Ranked:
    model: MaturityModel
    count: int
    missing_competencies: list[str]


def _item_lookup(model: MaturityModel) -> dict[str, str]:
    lookup: dict[str, str] = {}
    clashes: set[str] = set()
    for comp in model.competencies:
        for item in comp.items:
            for key in (_norm(item.id), _norm(item.text)):
                if key in lookup and lookup[key] != item.id:
                    clashes.add(key)
                lookup.setdefault(key, item.id)
    for key in clashes:
        del lookup[key]
    return lookup


def _match_item(texts: Sequence[str], lookup: dict[str, str]) -> str | None:
    for text in texts:
        for form in _match_forms(text):
            if form in lookup:
                return lookup[form]
    return None


def _rank_models(column_texts: list[list[str]], models: dict[str, MaturityModel]) -> list[_Ranked]:
    ranking = []
    for model in models.values():
        lookup = _item_lookup(model)
        matched = {_match_item(texts, lookup) for texts in column_texts} - {None}
        covered = {model.competency_of_item[i] for i in matched}
        missing = [c.name for c in model.competencies if c.id not in covered]
        ranking.append(_Ranked(model, len(matched), missing))
    ranking.sort(key=lambda r: (-r.count, len(r.missing_competencies)))
    return ranking


def _choose_model(columns: list[_Column], models, problems: list[Problem]):
    if models is None:
        try:
            from cxmaturity.models import load_models

            models = load_models()
        except Exception as exc:
            raise _Stop(
                [
                    Problem(
                        None,
                        None,
                        f"the maturity models could not be loaded: {_clip(str(exc), 300)}",
                    )
                ]
            ) from None
    if not models:
        problems.append(Problem(None, None, "no maturity model is available to read the file with"))
        return None, False
    ranking = _rank_models([c.texts for c in columns], models)
    best = ranking[0]
    if best.count == 0:
        examples = ", ".join(f"'{m.item_ids[0]}'" for m in models.values())
        problems.append(
            Problem(
                None,
                None,
                "no column matches a question of any maturity model; the header should hold the item ids "
                f"(for example {examples}) or the questions' full text — download the template of your model",
            )
        )
        return None, False
    tied = [r for r in ranking if r.count == best.count]
    if len(tied) == 1 and not best.missing_competencies:
        return best.model, True
    possible = []
    for r in ranking:
        if r.count == 0:
            continue
        text = f"{r.model.name} ({r.count} matching column{'s' if r.count != 1 else ''}"
        if r.missing_competencies:
            text += f"; no column for {', '.join(repr(c) for c in r.missing_competencies)}"
        possible.append(text + ")")
    if len(tied) > 1:
        lead = "the columns fit several models equally well"
    else:
        lead = "the model could not be recognised with certainty from the columns"
    problems.append(Problem(None, None, f"{lead}: {'; '.join(possible)}; choose the model"))
    return None, False


@dataclass
class _Mapping:
    items: dict[str, _Column]
    meta: dict[str, _Column]
    extras: list[_Column]


def _map_columns(columns: list[_Column], model: MaturityModel, problems, warnings) -> _Mapping:
    lookup = _item_lookup(model)
    items: dict[str, _Column] = {}
    meta_candidates: dict[str, list[tuple[int, _Column]]] = {}
    others: list[_Column] = []
    for col in columns:
        if col.empty:
            continue
        item_id = _match_item(col.texts, lookup)
        if item_id is not None:
            if item_id in items:
                problems.append(
                    Problem(
                        None,
                        col.name,
                        f"this column and column '{items[item_id].name}' both hold the answers to item "
                        f"'{item_id}'; keep only one of them",
                    )
                )
            else:
                items[item_id] = col
            continue
        hit = None
        for text in col.texts:
            hit = _META_LOOKUP.get(_meta_key(text))
            if hit:
                break
        if hit:
            meta_candidates.setdefault(hit[0], []).append((hit[1], col))
        else:
            others.append(col)
    meta: dict[str, _Column] = {}
    for name, cands in meta_candidates.items():
        cands.sort(key=lambda rc: (rc[0], rc[1].index))
        meta[name] = cands[0][1]
        others.extend(c for _, c in cands[1:])
    others.sort(key=lambda c: c.index)

    if not items:
        ids = model.item_ids
        problems.append(
            Problem(
                None,
                None,
                f"no column matches a question of {model.name}; the header should hold the item ids "
                f"(for example '{ids[0]}', '{ids[1] if len(ids) > 1 else ids[0]}') or the questions' full "
                "text — download the template of the model",
            )
        )
    else:
        for comp in model.competencies:
            present = [i.id for i in comp.items if i.id in items]
            if not present:
                problems.append(
                    Problem(
                        None,
                        comp.name,
                        f"competency '{comp.name}' has no column in the file (expected e.g. "
                        f"'{comp.items[0].id}' or its full text)",
                    )
                )
            else:
                for item in comp.items:
                    if item.id not in items:
                        warnings.append(
                            f"no column for item '{item.id}' ({_clip(item.text, 80)}) of competency "
                            f"'{comp.name}'; it counts as not answered"
                        )
    if others:
        names = ", ".join(f"'{c.name}'" for c in others[:15])
        if len(others) > 15:
            names += f" and {len(others) - 15} more"
        count = len(others)
        warnings.append(
            f"{count} column{'s are' if count != 1 else ' is'} not {'questions' if count != 1 else 'a question'} "
            f"of {model.name} and {'were' if count != 1 else 'was'} kept as respondent information: {names}"
        )
    return _Mapping(items, meta, others)


# --------------------------------------------------------------------------------------------
# answers
# --------------------------------------------------------------------------------------------

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
        label = label_map.get(_norm_label(text))
        if label is not None:
            value = label
        else:
            m = _LEADING_RE.match(ascii_text) or _TRAILING_RE.search(ascii_text)
            if m:
                value = int(m.group(1))
    if value is None or not lo <= value <= hi:
        return math.nan, False
    return float(value), True


def _convert_answers(series: pd.Series, cache, label_map, lo, hi) -> tuple[np.ndarray, np.ndarray]:
    """-> (float values, positions of cells that are not answers). One parse per distinct value."""
    codes, uniques = pd.factorize(series, use_na_sentinel=True)
    values = np.empty(len(uniques) + 1, dtype="float64")
    bad = np.zeros(len(uniques) + 1, dtype=bool)
    for k, u in enumerate(uniques):
        key = "" if u is None or (isinstance(u, float) and math.isnan(u)) else str(u)
        hit = cache.get(key)
        if hit is None:
            hit = cache[key] = _parse_answer(key, label_map, lo, hi)
        values[k], bad[k] = hit[0], not hit[1]
    values[-1], bad[-1] = math.nan, False  # code -1: missing cell
    codes = np.asarray(codes)
    return values[codes], np.flatnonzero(bad[codes])


def _scale_text(model: MaturityModel) -> str:
    lo, hi = model.scale.min, model.scale.max
    labels = model.scale.labels
    return f"{lo}–{hi} scale ({lo} = {labels[lo]} … {hi} = {labels[hi]})"


def _distinct_count(values: pd.Series) -> int:
    try:  # pyarrow counts without building Python strings
        import pyarrow as pa
        import pyarrow.compute as pc

        return int(pc.count_distinct(pa.array(values)).as_py())
    except Exception:
        return int(values.nunique(dropna=False))


def _check_ids(
    ids: pd.Series, row_numbers: np.ndarray, column: str, problems: list[Problem]
) -> None:
    blank = (ids.isna() | (ids == "")).to_numpy(dtype=bool)
    blank_pos = np.flatnonzero(blank)
    for pos in blank_pos[:MAX_ID_PROBLEMS]:
        problems.append(
            Problem(
                int(row_numbers[pos]),
                column,
                "the respondent id is empty; give every respondent an id",
            )
        )
    if len(blank_pos) > MAX_ID_PROBLEMS:
        problems.append(
            Problem(
                None,
                column,
                f"... and {len(blank_pos) - MAX_ID_PROBLEMS} more empty respondent ids",
            )
        )
    if _distinct_count(ids) == len(ids):  # the usual case: every id once
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
                    f"... and {len(groups) - MAX_ID_PROBLEMS} more respondent ids used more than once",
                )
            )
            break
        listed = ", ".join(str(r) for r in rows[:-1]) + f" and {rows[-1]}"
        problems.append(
            Problem(
                rows[1],
                column,
                f"respondent id '{_clip(rid, 60)}' is used more than once (rows {listed})",
            )
        )


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
