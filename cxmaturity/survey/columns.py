"""Headers to items and metadata: header rows of survey tools, header normalisation, model
recognition and the mapping of columns."""


from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import pandas as pd

from cxmaturity.errors import Problem
from cxmaturity.models import MaturityModel
from cxmaturity.survey.problems import Stop, clip
from cxmaturity.survey.table import blank_mask


def _norm(text: str) -> str:
    """Header comparison form: Unicode-normalised, spacing collapsed, case folded."""
    text = unicodedata.normalize("NFKC", text)
    text = " ".join(text.split()).strip(" *:")
    return text.casefold()


def norm_label(text: str) -> str:
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


def find_header(grid: pd.DataFrame, first: int, base_format: str):
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


def describe_columns(grid, header, data, export_format) -> list[_Column]:
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
        empty = not any(texts) and (len(data) == 0 or bool(blank_mask(data[j]).all()))
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


def choose_model(columns: list[_Column], models, problems: list[Problem]):
    if models is None:
        try:
            from cxmaturity.models import load_models

            models = load_models(skip_invalid=True)
        except Exception as exc:
            raise Stop(
                [
                    Problem(
                        None,
                        None,
                        f"the maturity models could not be loaded: {clip(str(exc), 300)}",
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
    recognised = _recognised(ranking)
    if recognised is not None:
        return recognised, True
    tied = [r for r in ranking if r.count == best.count]
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


def map_columns(columns: list[_Column], model: MaturityModel, problems, warnings) -> _Mapping:
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
                            f"no column for item '{item.id}' ({clip(item.text, 80)}) of competency "
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


def _recognised(ranking: list[_Ranked]) -> MaturityModel | None:
    """The one rule: the model whose items match the most columns, alone, with a column for
    every competency; None when that is not unambiguous."""
    if not ranking or ranking[0].count == 0:
        return None
    best = ranking[0]
    if len(ranking) > 1 and ranking[1].count == best.count:
        return None
    return None if best.missing_competencies else best.model


def detect_model(columns: Iterable[str], models: dict[str, MaturityModel]) -> MaturityModel | None:
    """The model these column headers belong to, or None when it is not unambiguous (the
    reader's own rule, ``_recognised``, on header texts alone)."""
    return _recognised(_rank_models([[c] for c in columns if isinstance(c, str)], models))



