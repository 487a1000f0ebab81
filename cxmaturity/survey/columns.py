"""Headers to items and metadata: header rows of survey tools, header normalisation, model
recognition and the mapping of columns."""


from __future__ import annotations

import difflib
import math
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import pandas as pd

from cxmaturity.errors import Problem
from cxmaturity.formatting import and_list, grouped
from cxmaturity.i18n import _, isolate, ngettext
from cxmaturity.models import MaturityModel, load_models
from cxmaturity.survey.problems import Stop, clip
from cxmaturity.survey.table import blank_mask
from cxmaturity.translations import in_every_language, localised

# what Word and web forms put into pasted text that a model's own text does not have
_TYPOGRAPHY = str.maketrans(
    {
        "\u2018": "'", "\u2019": "'", "\u201a": "'", "\u02bc": "'", "\u2032": "'",
        "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u00ab": '"', "\u00bb": '"',
        "\u2010": "-", "\u2011": "-", "\u2012": "-", "\u2013": "-", "\u2014": "-", "\u2015": "-", "\u2212": "-",
        "\u00a0": " ", "\u2007": " ", "\u202f": " ",
        # zero-width and direction marks vanish
        "\u200b": None, "\u200c": None, "\u200d": None, "\u200e": None, "\u200f": None, "\ufeff": None,
        "\u202a": None, "\u202b": None, "\u202c": None, "\u202d": None, "\u202e": None,
        "\u2066": None, "\u2067": None, "\u2068": None, "\u2069": None,
    }
)


def _norm(text: str) -> str:
    """Header comparison form: Unicode NFKC, typographic quotes, dashes and invisible marks made
    plain, spacing collapsed, case folded the same for Turkish dotted and dotless i."""
    text = unicodedata.normalize("NFKC", text).translate(_TYPOGRAPHY)
    text = " ".join(text.split()).strip(" *:\"'")
    # İ folds to i + a combining dot, ı stays ı: both become plain i, as in the models' texts
    return text.casefold().replace("\u0307", "").replace("ı", "i")


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
        "#",  # Typeform
        "Respondent",
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
# words that make a question about respondents a metadata column ("What department do you work
# in?", "Department - Selected Choice"), in English, Persian, Turkish and Russian
_META_WORDS: dict[str, tuple[str, ...]] = {
    "department": (
        "department", "dept", "division", "unit", "team",
        "بخش", "واحد", "دپارتمان",
        "departman", "birim", "bölüm",
        "отдел", "подразделение", "департамент",
    ),
    "role": (
        "role", "position", "job title", "job",
        "نقش", "سمت", "جایگاه",
        "rol", "görev", "pozisyon", "unvan",
        "роль", "должность", "позиция",
    ),
    "respondent_id": ("respondent", "پاسخ‌دهنده", "پاسخ دهنده", "katılımcı", "респондент"),
}
_WORD_RE = re.compile(r"[^\W_]+(?:[\u200c][^\W_]+)*")
_QUALTRICS_SUFFIX_RE = re.compile(r"\s+-\s+(selected choice|other\s*-\s*text|text)$", re.IGNORECASE)


def _meta_guess(text: str) -> tuple[str, int] | None:
    """A respondent attribute asked as a question: the field its words name, ranked after the
    exact synonyms (so a real "Department" column wins over "Which team are you in?")."""
    norm = _norm(_QUALTRICS_SUFFIX_RE.sub("", text))
    if not norm or len(norm) > 80:
        return None
    words = set(_WORD_RE.findall(norm))
    for field, keywords in _META_WORDS.items():
        for keyword in keywords:
            key = _norm(keyword)
            if (" " in key and key in norm) or key in words:
                return field, 100
    return None
_META_LOOKUP: dict[str, tuple[str, int]] = {}
for _field, _names in _META_SYNONYMS.items():
    for _rank, _name in enumerate(_names):
        _META_LOOKUP.setdefault(_meta_key(_name), (_field, _rank))

_LEGACY_CODE_RE = re.compile(r"^V\d+$")
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
    # Qualtrics legacy exports: a row of column codes V1, V2, … above the questions
    codes = sum(bool(_LEGACY_CODE_RE.match(c.strip())) for c in row1)
    if codes >= 3 and codes >= len([c for c in row1 if c.strip()]) // 2 and row2:
        return [row1, row2], 2, "qualtrics-legacy"
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
_LIMESURVEY_CODE_RE = re.compile(r"^\s*[A-Za-z]*\d+[A-Za-z]*\d*[.:)]\s+")  # "G01Q01. ", "Q3) "


def _match_forms(text: str) -> list[str]:
    """Normalised forms of one header cell to look up, for the ways survey tools wrap a question:
    whole; Google grid 'Q [x]' (and the question before a LimeSurvey '[SQ001]'); Qualtrics
    'Q - x' and its '- Selected Choice' suffixes; KoboToolbox 'group/item'; Alchemer
    'statement:question'; LimeSurvey 'G01Q01. text'."""
    forms = []
    for variant in dict.fromkeys((text, _QUALTRICS_SUFFIX_RE.sub("", text), _LIMESURVEY_CODE_RE.sub("", text))):
        whole = _norm(variant)
        if whole:
            forms.append(whole)
        m = _BRACKET_RE.search(variant)
        if m:
            forms.append(_norm(m.group(1)))
            forms.append(_norm(variant[: m.start()]))
        for dash in (" - ", " – "):
            if dash in variant:
                forms.append(_norm(variant.rsplit(dash, 1)[1]))
        if "/" in variant and " " not in variant.strip():  # a KoboToolbox group path
            forms.append(_norm(variant.rsplit("/", 1)[1]))
        if ":" in variant:  # Alchemer: "<statement>:<question>"
            before, after = variant.split(":", 1)
            forms += [_norm(before), _norm(after)]
    return [f for f in dict.fromkeys(forms) if f]


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
        elif export_format == "qualtrics-legacy":
            texts = [h2, h1]
            name = h2 or h1
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
            texts = in_every_language(model.id, f"items.{item.id}.text", item.text)  # a header in any language
            for key in (_norm(item.id), *(_norm(t) for t in texts)):
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
            models = load_models(skip_invalid=True)
        except Exception as exc:
            raise Stop(
                [
                    Problem(
                        None,
                        None,
                        _("the maturity models could not be loaded: {reason}").format(reason=clip(str(exc), 300)),
                    )
                ]
            ) from None
    if not models:
        problems.append(Problem(None, None, _("no maturity model is available to read the file with")))
        return None, False
    ranking = _rank_models([c.texts for c in columns], models)
    best = ranking[0]
    if best.count == 0:
        examples = ", ".join(f"'{m.item_ids[0]}'" for m in models.values())
        problems.append(
            Problem(
                None,
                None,
                _(
                    "no column matches a question of any maturity model; the header should hold the item ids "
                    "(for example {examples}) or the questions' full text — download the template of your model"
                ).format(examples=examples),
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
        matching = ngettext("{count} matching column", "{count} matching columns", r.count).format(
            count=grouped(r.count)
        )
        if r.missing_competencies:
            missing = ", ".join(repr(c) for c in r.missing_competencies)
            matching = _("{matching}; no column for {competencies}").format(matching=matching, competencies=missing)
        possible.append(f"{localised(r.model).name} ({matching})")
    if len(tied) > 1:
        message = _("the columns fit several models equally well: {models}; choose the model")
    else:
        message = _("the model could not be recognised with certainty from the columns: {models}; choose the model")
    problems.append(Problem(None, None, message.format(models="; ".join(possible))))
    return None, False


@dataclass
class _Mapping:
    items: dict[str, _Column]
    meta: dict[str, _Column]
    extras: list[_Column]


def map_columns(columns: list[_Column], model: MaturityModel, problems, warnings) -> _Mapping:
    lookup = _item_lookup(model)
    shown = localised(model)  # names and statements in messages: in the reader's language
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
                        _(
                            "this column and column '{column}' both hold the answers to item '{item}'; "
                            "keep only one of them"
                        ).format(column=isolate(items[item_id].name), item=item_id),
                    )
                )
            else:
                items[item_id] = col
            continue
        hit = None
        for text in col.texts:
            hit = _META_LOOKUP.get(_meta_key(text)) or _META_LOOKUP.get(_meta_key(_QUALTRICS_SUFFIX_RE.sub("", text)))
            if hit:
                break
        if hit is None:
            for text in col.texts:
                hit = _meta_guess(text)
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

    problems.extend(_near_misses(others, model, items))
    if not items:
        ids = model.item_ids
        problems.append(
            Problem(
                None,
                None,
                _(
                    "no column matches a question of {model}; the header should hold the item ids "
                    "(for example '{first}', '{second}') or the questions' full text — download the template "
                    "of the model"
                ).format(model=shown.name, first=ids[0], second=ids[1] if len(ids) > 1 else ids[0]),
            )
        )
    else:
        for comp in shown.competencies:
            present = [i.id for i in comp.items if i.id in items]
            if not present:
                problems.append(
                    Problem(
                        None,
                        comp.name,
                        _(
                            "competency '{competency}' has no column in the file (expected e.g. '{item}' or its "
                            "full text)"
                        ).format(competency=comp.name, item=comp.items[0].id),
                    )
                )
            else:
                for item in comp.items:
                    if item.id not in items:
                        warnings.append(
                            _(
                                "no column for item '{item}' ({statement}) of competency '{competency}'; "
                                "it counts as not answered"
                            ).format(item=item.id, statement=clip(item.text, 80), competency=comp.name)
                        )
    if others:
        listed = [f"'{isolate(c.name)}'" for c in others[:15]]
        if len(others) > 15:
            listed.append(_("{count} more").format(count=grouped(len(others) - 15)))
        count = len(others)
        warnings.append(
            ngettext(
                "{count} column is not a question of {model} and was kept as respondent information: {names}",
                "{count} columns are not questions of {model} and were kept as respondent information: {names}",
                count,
            ).format(count=grouped(count), model=shown.name, names=and_list(listed) if len(others) > 15 else ", ".join(listed))
        )
    return _Mapping(items, meta, others)


# --------------------------------------------------------------------------------------------
# answers
# --------------------------------------------------------------------------------------------


NEAR_MATCH = 0.85  # a header this similar to an item's text is that item, mistyped or cut short


def _near_misses(others: list[_Column], model: MaturityModel, items: dict[str, _Column]) -> list[Problem]:
    """Columns that nearly match an item the file has no column for: never quietly kept as
    respondent information (the item would count as unanswered and the scores be wrong)."""
    missing = [(i, _norm(i.text)) for c in model.competencies for i in c.items if i.id not in items]
    found = []
    for col in others:
        for text in col.texts:
            norm = _norm(_QUALTRICS_SUFFIX_RE.sub("", text))
            if len(norm) < 20:  # short headers are metadata, not statements
                continue
            for item, item_text in missing:
                matcher = difflib.SequenceMatcher(None, norm, item_text, autojunk=False)
                cut_short = len(norm) >= 30 and item_text.startswith(norm)
                if cut_short or (matcher.real_quick_ratio() >= NEAR_MATCH and matcher.quick_ratio() >= NEAR_MATCH
                                 and matcher.ratio() >= NEAR_MATCH):
                    found.append(
                        Problem(
                            None,
                            col.name,
                            _(
                                "looks like item '{item}' (\"{statement}\") but does not match it exactly; "
                                "rename the column to the item's id or its exact text, so its answers are counted"
                            ).format(item=item.id, statement=clip(item.text, 70)),
                        )
                    )
                    break
            else:
                continue
            break
    return found


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



