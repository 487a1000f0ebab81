"""Published benchmarks: what the source documents say about how companies are doing.

``data/benchmarks.yaml`` lists every published figure about how companies are distributed
over the levels of a model (``level_distribution``) or how CX programmes are doing
(``programme_statistic``), each with its source. The file is validated with pydantic so a
mistake is reported with the file name and the exact key (``benchmarks.3.value``).

:func:`benchmark_statements` turns the figures into plain sentences about one level without
inventing anything: it only repeats published figures, and the only arithmetic it does is to
add published figures for disjoint groups of levels that together make up "this level and
everything above it" (Gartner: 4% at level 4 + 1% at level 5 = the top 5%). It never derives
a figure for a level the documents leave out (no "20% at Temkin stage 4" from 100 - 10 - 70).
"""

from __future__ import annotations

import math
from functools import lru_cache
from pathlib import Path
from typing import Literal

import yaml
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    ValidationInfo,
    field_validator,
)

from cxmaturity import formatting, i18n, translations
from cxmaturity.i18n import N_, _, ngettext
from cxmaturity.models import DATA_DIR, read_yaml

BENCHMARKS_FILE = DATA_DIR / "benchmarks.yaml"

Kind = Literal["level_distribution", "programme_statistic"]
Comparator = Literal["=", "<", ">", "~"]
Unit = Literal["share", "relative_increase"]

SOURCE_DOCUMENT_PATTERN = r"^\d{3}_[0-9a-f]{16}\.txt$"
_TOLERANCE = 1e-9


class BenchmarkFileError(ValueError):
    """The benchmarks YAML file is invalid; the message names the file and the key."""

    def __init__(self, path: Path | str, problems: list[tuple[str, str]]):
        self.path = Path(path)
        self.problems = problems  # (key, message)
        lines = [
            f"{self.path.name}: {key}: {msg}" if key else f"{self.path.name}: {msg}"
            for key, msg in problems
        ]
        super().__init__("\n".join(lines))


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Benchmark(_Strict):
    """One published figure with its source. Field order matters: validators look back."""

    id: str = Field(pattern=r"^[a-z0-9_]+$")
    kind: Kind
    model: str | None = Field(
        description="id of the model whose section the figure belongs to, or null (key required)",
        pattern=r"^[a-z0-9_]+$",
    )
    levels: tuple[int, ...] | None = Field(
        None,
        validate_default=True,
        description="level_distribution: the consecutive levels covered",
    )
    level_term: str = Field(
        "level",
        pattern=r"^[a-z]+$",
        description="what the model calls a level: level, stage, phase",
    )
    group_label: str | None = Field(
        None,
        validate_default=True,
        description="how statements name the group, e.g. 'the top two stages'",
    )
    unit: Unit = "share"
    comparator: Comparator = "="
    value: float
    versus: float | None = Field(None, description="the figure the source compares this one with")
    display: str | None = Field(
        None, description="the source's own wording, e.g. 'fewer than 1 in 5'"
    )
    measures: str = Field(min_length=1)
    organisation: str = Field(
        min_length=1, description="who the figure is credited to, or 'unattributed'"
    )
    attribution_note: str | None = Field(None, validate_default=True)
    source_text: str = Field(
        min_length=1, description="the sentence as rendered in the English digest"
    )
    source_document: str = Field(pattern=SOURCE_DOCUMENT_PATTERN)
    source_original: str | None = Field(
        None,
        min_length=1,
        description="the passage in the source's own language, verbatim from the seed file",
    )
    publisher: str = Field(min_length=1)
    year: int | None = Field(ge=1900, le=2100)
    sample_size: int | None = Field(gt=0)
    sample_size_comparator: Literal["=", ">"] = "="

    @field_validator("model")
    @classmethod
    def _model_for_distribution(cls, model: str | None, info: ValidationInfo) -> str | None:
        if model is None and info.data.get("kind") == "level_distribution":
            raise ValueError("a level_distribution figure must name its model")
        return model

    @field_validator("levels")
    @classmethod
    def _levels_fit_kind(
        cls, levels: tuple[int, ...] | None, info: ValidationInfo
    ) -> tuple[int, ...] | None:
        kind = info.data.get("kind")
        if kind == "programme_statistic":
            if levels is not None:
                raise ValueError("only level_distribution figures have levels")
            return None
        if kind != "level_distribution":
            return levels  # kind itself is invalid and reported there
        if not levels:
            raise ValueError("a level_distribution figure needs at least one level")
        if any(n < 1 for n in levels):
            raise ValueError(f"level numbers start at 1, got {list(levels)}")
        if list(levels) != list(range(levels[0], levels[0] + len(levels))):
            raise ValueError(
                f"levels must be consecutive and in increasing order, got {list(levels)}"
            )
        return levels

    @field_validator("group_label")
    @classmethod
    def _label_for_distribution(cls, label: str | None, info: ValidationInfo) -> str | None:
        if label is not None and info.data.get("kind") == "programme_statistic":
            raise ValueError("only level_distribution figures have a group_label")
        return label

    @field_validator("unit")
    @classmethod
    def _share_for_distribution(cls, unit: str, info: ValidationInfo) -> str:
        if unit != "share" and info.data.get("kind") == "level_distribution":
            raise ValueError("a level_distribution figure is a share of companies (unit: share)")
        return unit

    @field_validator("value")
    @classmethod
    def _value_in_range(cls, value: float, info: ValidationInfo) -> float:
        if not math.isfinite(value):
            raise ValueError("must be a finite number")
        unit = info.data.get("unit", "share")
        if unit == "share" and not 0 <= value <= 1:
            raise ValueError(f"a share is a fraction between 0 and 1 (1% is 0.01), got {value}")
        if unit == "relative_increase" and value == 0:
            raise ValueError("a relative increase of 0 says nothing")
        return value

    @field_validator("versus")
    @classmethod
    def _versus_is_share(cls, versus: float | None, info: ValidationInfo) -> float | None:
        if versus is None:
            return None
        if info.data.get("unit", "share") != "share":
            raise ValueError("versus is only for figures that are shares")
        if not (math.isfinite(versus) and 0 <= versus <= 1):
            raise ValueError(f"a share is a fraction between 0 and 1, got {versus}")
        return versus

    @field_validator("attribution_note")
    @classmethod
    def _note_when_unattributed(cls, note: str | None, info: ValidationInfo) -> str | None:
        if (
            note is None
            and str(info.data.get("organisation", "")).strip().lower() == "unattributed"
        ):
            raise ValueError(
                "an unattributed figure needs a note saying how the source introduces it"
            )
        return note

    # --- derived -----------------------------------------------------------------------

    @property
    def level_set(self) -> frozenset[int]:
        return frozenset(self.levels or ())

    @property
    def citation(self) -> str:
        """The source line people can follow: who is credited (a level distribution is only
        reported in the article's section on a model: the model's owner is not its publisher),
        year and respondents where known, and the article it is reported in. No file ids.
        In the interface language (the organisation's name as it is)."""
        note = shown_text(self, "attribution_note", self.attribution_note)
        organisation = i18n.isolate(self.organisation)
        if self.kind == "level_distribution":
            if note:
                text = _(
                    "Reported in the article's section on {organisation}'s model ({note})"
                ).format(organisation=organisation, note=note)
            else:
                text = _("Reported in the article's section on {organisation}'s model").format(
                    organisation=organisation
                )
        else:
            text = (
                _("unattributed")
                if self.organisation.strip().lower() == "unattributed"
                else organisation
            )
            if self.year is not None:
                text = _("{credited}, {year}").format(credited=text, year=_digits(self.year))
            if self.sample_size is not None:
                if self.sample_size_comparator == ">":
                    text = _("{credited}, more than {count} respondents").format(
                        credited=text, count=_integer(self.sample_size)
                    )
                else:
                    text = ngettext(
                        "{credited}, {count} respondent",
                        "{credited}, {count} respondents",
                        self.sample_size,
                    ).format(credited=text, count=_integer(self.sample_size))
            if note:
                text = _("{credited} ({note})").format(credited=text, note=note)
        return _("{credited}. Source: {document}").format(
            credited=text, document=document_title(self.source_document)
        )

    @property
    def appendix_citation(self) -> str:
        """The citation with the source file's name, for the appendix of sources."""
        return f"{self.citation} [{self.source_document}]"


#: Readable titles of the source documents (shared/seeds), as listed in frameworks.md (English;
#: shown through the catalog with ``document_title``).
SOURCE_DOCUMENTS: dict[str, str] = {
    "000_75926a742b302770.txt": N_(
        "“How mature is your customer experience program?” by Behnam Behzadifar, Rah-e Pardakht (Persian)"
    ),
    "001_d6d083cf62590651.txt": N_(
        "“Suitable strategies for customer-centricity in 2021”, a Persian CX website"
    ),
    "002_0ff33ef738c524f2.txt": N_(
        "“Successful customer experience (CX) program”, a Persian CRM article"
    ),
    "003_13cda68ffa918f34.txt": N_(
        "“Determine your business’s CX maturity level with a four-level approach”, Wiseback (Turkish)"
    ),
    "004_54c6ee1b2e26fac7.txt": N_(
        "the customer-centric maturity self-assessment results page, Wonderfull (Russian)"
    ),
}


SOURCE_LANGUAGES: dict[str, str] = {
    "000_75926a742b302770.txt": N_("Persian"),
    "001_d6d083cf62590651.txt": N_("Persian"),
    "002_0ff33ef738c524f2.txt": N_("Persian"),
    "003_13cda68ffa918f34.txt": N_("Turkish"),
    "004_54c6ee1b2e26fac7.txt": N_("Russian"),
}


def document_language(document: str) -> str | None:
    """The source document's language, in English ('Russian')."""
    return SOURCE_LANGUAGES.get(document)


def language_name(document: str) -> str | None:
    """The source document's language named in the interface language."""
    language = SOURCE_LANGUAGES.get(document)
    return _(language) if language else None


def document_title(document: str) -> str:
    """The source document's readable title in the interface language (the file name when unknown)."""
    title = SOURCE_DOCUMENTS.get(document)
    return _(title) if title else document


class BenchmarkFile(_Strict):
    notes: str | None = None
    benchmarks: list[Benchmark]


class BenchmarkStatement(_Strict):
    """One plain sentence about a level, with the source of every figure in it."""

    text: str
    source: str
    benchmark_ids: tuple[str, ...]


# --- loading ---------------------------------------------------------------------------


def _format_loc(loc: tuple) -> str:
    return ".".join(str(p) for p in loc)


def _entry_id(data: dict, loc: tuple) -> str | None:
    if len(loc) >= 2 and loc[0] == "benchmarks" and isinstance(loc[1], int):
        entries = data.get("benchmarks")
        if (
            isinstance(entries, list)
            and 0 <= loc[1] < len(entries)
            and isinstance(entries[loc[1]], dict)
        ):
            entry_id = entries[loc[1]].get("id")
            return str(entry_id) if entry_id is not None else None
    return None


def _clean_msg(msg: str) -> str:
    return msg.removeprefix("Value error, ")


def _disjoint_total_problems(benchmarks: list[Benchmark]) -> list[tuple[str, str]]:
    """Per model, no set of pairwise disjoint level groups may add up to more than 100%."""
    problems: list[tuple[str, str]] = []
    index = {b.id: i for i, b in enumerate(benchmarks)}
    by_model: dict[str, list[Benchmark]] = {}
    for b in benchmarks:
        if b.kind == "level_distribution" and b.model is not None:
            by_model.setdefault(b.model, []).append(b)
    for model_id, figs in by_model.items():
        best = _max_disjoint_total(figs)
        if best and sum(b.value for b in best) > 1 + _TOLERANCE:
            ids = ", ".join(b.id for b in best)
            total = _pct(sum(b.value for b in best))
            problems.append(
                (
                    f"benchmarks.{index[best[-1].id]}.value",
                    f"figures for model '{model_id}' over disjoint levels add up to {total} (> 100%): {ids}",
                )
            )
        terms = {b.level_term for b in figs}
        if len(terms) > 1:
            problems.append(
                (
                    f"benchmarks.{index[figs[-1].id]}.level_term",
                    f"figures for model '{model_id}' use different level terms: {sorted(terms)}",
                )
            )
    return problems


def _max_disjoint_total(figs: list[Benchmark]) -> list[Benchmark]:
    """The set of pairwise disjoint figures with the largest total (tiny n: exhaustive)."""
    best: list[Benchmark] = []

    def walk(i: int, chosen: list[Benchmark], used: frozenset[int]) -> None:
        nonlocal best
        if i == len(figs):
            if sum(b.value for b in chosen) > sum(b.value for b in best):
                best = list(chosen)
            return
        walk(i + 1, chosen, used)
        if not figs[i].level_set & used:
            walk(i + 1, [*chosen, figs[i]], used | figs[i].level_set)

    walk(0, [], frozenset())
    return best


def parse_benchmarks(data: object, path: Path | str = "<memory>") -> list[Benchmark]:
    """Validate already-parsed YAML content; raises BenchmarkFileError naming file and key."""
    if not isinstance(data, dict):
        raise BenchmarkFileError(
            path, [("", "the file must hold a mapping with a 'benchmarks' list")]
        )
    try:
        parsed = BenchmarkFile.model_validate(data)
    except ValidationError as exc:
        problems = []
        for err in exc.errors():
            msg = _clean_msg(err["msg"])
            entry_id = _entry_id(data, err["loc"])
            if entry_id and err["loc"][2:] != ("id",):
                msg += f" (entry '{entry_id}')"
            problems.append((_format_loc(err["loc"]), msg))
        raise BenchmarkFileError(path, problems) from None
    benchmarks = parsed.benchmarks
    problems = []
    seen: dict[str, int] = {}
    for i, b in enumerate(benchmarks):
        if b.id in seen:
            problems.append(
                (f"benchmarks.{i}.id", f"duplicate id '{b.id}' (first at benchmarks.{seen[b.id]})")
            )
        else:
            seen[b.id] = i
    if not problems:
        problems = _disjoint_total_problems(benchmarks)
    if problems:
        raise BenchmarkFileError(path, problems)
    return benchmarks


@lru_cache(maxsize=8)
def _load_cached(path_str: str, mtime_ns: int) -> tuple[Benchmark, ...]:
    path = Path(path_str)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise BenchmarkFileError(path, [("", f"cannot be read: {exc}")]) from None
    try:
        data = read_yaml(text)
    except yaml.YAMLError as exc:
        raise BenchmarkFileError(path, [("", f"is not valid YAML: {exc}")]) from None
    return tuple(parse_benchmarks(data, path))


def load_benchmarks(path: Path | str | None = None) -> list[Benchmark]:
    """All benchmarks in ``path`` (default ``data/benchmarks.yaml``), in file order."""
    path = Path(path) if path is not None else BENCHMARKS_FILE
    try:
        mtime = path.stat().st_mtime_ns
    except OSError as exc:
        raise BenchmarkFileError(path, [("", f"cannot be read: {exc}")]) from None
    return list(_load_cached(str(path.resolve()), mtime))


def benchmarks_for_model(
    model_id: str, benchmarks: list[Benchmark] | None = None
) -> list[Benchmark]:
    """Every figure tied to ``model_id`` (level distributions and programme statistics)."""
    pool = load_benchmarks() if benchmarks is None else benchmarks
    return [b for b in pool if b.model == model_id]


def level_distribution(model_id: str, benchmarks: list[Benchmark] | None = None) -> list[Benchmark]:
    """The model's level_distribution figures, ordered by their lowest level."""
    figs = [b for b in benchmarks_for_model(model_id, benchmarks) if b.kind == "level_distribution"]
    return sorted(figs, key=lambda b: (min(b.level_set), max(b.level_set)))


# --- display ---------------------------------------------------------------------------

# The names statements give groups of levels (data/benchmarks.yaml ``group_label``), for the catalog.
GROUP_LABELS = (N_("the top two stages"), N_("the bottom three stages"))



def shown_text(b: Benchmark, field: str, english: str | None) -> str | None:
    """A benchmark's text (measures, source_text, display, attribution_note) in the interface
    language, from data/translations/<lang>/benchmarks.yaml; the English where it has none."""
    if not english:
        return english
    return translations.translated(None, "benchmarks", f"{b.id}.{field}", english)


_digits = formatting.digits
_integer = formatting.integer


def _pct(value: float) -> str:
    """0.01 -> '1%', 0.045 -> '4.5%' (no float noise: 0.04 + 0.01 -> '5%')."""
    return f"{round(value * 100, 6):g}%"


def _shown_pct(value: float) -> str:
    """``_pct`` in the interface language: '%4,5' in Turkish, '4,5 %' in Russian, '۴٫۵٪' in Persian."""
    return formatting.percent(value, compact=True)


def _and_join(parts: list[str]) -> str:
    """'a, b and c' in the interface language's own list style."""
    return formatting.and_list(parts)


_SYMBOL = {"=": "", "<": "<", ">": ">", "~": "~"}


def figure_display(b: Benchmark) -> str:
    """Compact figure as shown in a table: '1%', 'fewer than 1 in 5', '>90%', '~90%',
    '79% vs 49%', '60% higher'."""
    if b.display:
        return shown_text(b, "display", b.display)
    if b.unit == "relative_increase":
        figure = f"{_SYMBOL[b.comparator]}{_shown_pct(abs(b.value))}"
        if b.value > 0:
            return _("{figure} higher").format(figure=figure)
        return _("{figure} lower").format(figure=figure)
    text = f"{_SYMBOL[b.comparator]}{_shown_pct(b.value)}"
    if b.versus is not None:
        text = _("{figure} vs {versus}").format(figure=text, versus=_shown_pct(b.versus))
    return text


def _figure_words(b: Benchmark) -> str:
    """The figure inside a sentence: '1%', 'more than 90%', 'about 90%'."""
    if b.display:
        return shown_text(b, "display", b.display)
    figure = _shown_pct(b.value)
    if b.comparator == "<":
        return _("fewer than {figure}").format(figure=figure)
    if b.comparator == ">":
        return _("more than {figure}").format(figure=figure)
    if b.comparator == "~":
        return _("about {figure}").format(figure=figure)
    return figure


def _exact(b: Benchmark) -> bool:
    return b.comparator == "=" and b.display is None and b.unit == "share"


# --- statements ------------------------------------------------------------------------


def _span(b: Benchmark) -> tuple[str, bool]:
    """'5' or '1–3', and whether it is a single level."""
    lo, hi = min(b.level_set), max(b.level_set)
    return (_digits(lo) if lo == hi else f"{_digits(lo)}–{_digits(hi)}"), lo == hi


def _group(b: Benchmark, *, labelled: bool = True) -> str:
    """What companies 'have reached': 'level 5', 'levels 1–3', 'the top two stages (5–6)'."""
    span, single = _span(b)
    if labelled and b.group_label:
        return f"{_(b.group_label)} ({span})"
    term = b.level_term
    if term == "level":
        return (_("level {span}") if single else _("levels {span}")).format(span=span)
    if term == "stage":
        return (_("stage {span}") if single else _("stages {span}")).format(span=span)
    if term == "phase":
        return (_("phase {span}") if single else _("phases {span}")).format(span=span)
    return f"{term} {span}" if single else f"{term}s {span}"


def _where(b: Benchmark, *, labelled: bool = True) -> str:
    """Where companies 'are': 'at level 4', 'in stages 1–3', 'in the top two stages (5–6)'."""
    span, single = _span(b)
    if labelled and b.group_label:
        return _("in {group} ({span})").format(group=_(b.group_label), span=span)
    term = b.level_term
    if term == "level":
        return (_("at level {span}") if single else _("at levels {span}")).format(span=span)
    if term == "stage":
        return (_("in stage {span}") if single else _("in stages {span}")).format(span=span)
    if term == "phase":
        return (_("in phase {span}") if single else _("in phases {span}")).format(span=span)
    return f"in {term} {span}" if single else f"in {term}s {span}"


def _located(b: Benchmark, *, companies: bool = False) -> str:
    """'4% at level 4', or with ``companies`` '4% of companies are at level 4' (plain ranges)."""
    where = _where(b, labelled=False)
    if companies:
        return _("{figure} of companies are {where}").format(figure=_figure_words(b), where=where)
    return _("{figure} {where}").format(figure=_figure_words(b), where=where)


def _sources(figs: list[Benchmark]) -> str:
    seen: list[str] = []
    for b in figs:
        if b.citation not in seen:
            seen.append(b.citation)
    return " | ".join(seen)


def _capitalised(text: str) -> str:
    first = text[:1]
    if first == "i" and i18n.current() == "tr":
        return "İ" + text[1:]
    return first.upper() + text[1:]


def _statement(text: str, figs: list[Benchmark]) -> BenchmarkStatement:
    return BenchmarkStatement(
        text=_capitalised(text),
        source=_sources(figs),
        benchmark_ids=tuple(b.id for b in figs),
    )


def _exact_cover(levels: list[int], figs: list[Benchmark]) -> list[Benchmark] | None:
    """Published disjoint figures that together cover exactly ``levels`` (consecutive), or None."""
    if not levels:
        return []
    start, wanted = levels[0], set(levels)
    starting_here = sorted(
        (f for f in figs if min(f.level_set) == start), key=lambda f: -len(f.level_set)
    )
    for f in starting_here:
        if f.level_set <= wanted:
            rest = _exact_cover(levels[len(f.level_set) :], figs)
            if rest is not None:
                return [f, *rest]
    return None


def benchmark_statements(
    model_id: str, level: int, level_count: int, *, benchmarks: list[Benchmark] | None = None
) -> list[BenchmarkStatement]:
    """What the published figures say about ``level`` of a model with ``level_count`` levels.

    Built only from the model's level_distribution figures (generic, driven by their level sets):

    - a figure whose levels contain ``level`` and reach the top level:
      "Only 1% of companies have reached level 5."
    - a figure whose levels contain ``level`` (not the bottom level) when every level above it
      is covered by published figures for disjoint groups: the published figures and their sum,
      "4% of companies are at level 4 and 1% above it: the top 5%."
    - any other figure whose levels contain ``level``: "95% of companies are at levels 1–3."
    - no figure covers ``level``: the published figures as stated, never the gap between them:
      "70% of companies are in stages 1–3 and 10% in stages 5–6."

    A model without level_distribution figures gives an empty list. The sentences are in the
    interface language (each a whole sentence of the catalog; the figures through the locale).
    """
    if level_count < 1 or not 1 <= level <= level_count:
        raise ValueError(f"level {level} is outside 1..{level_count}")
    figs = level_distribution(model_id, benchmarks)
    if not figs:
        return []
    too_high = sorted({n for f in figs for n in f.level_set if n > level_count})
    if too_high:
        raise ValueError(
            f"benchmarks for model '{model_id}' mention levels {too_high} but the model has {level_count} levels"
        )

    statements: list[BenchmarkStatement] = []
    containing = [f for f in figs if level in f.level_set]
    for f in containing:
        lo, hi = min(f.level_set), max(f.level_set)
        if hi == level_count:
            if _exact(f):
                text = _("Only {figure} of companies have reached {group}.")
            else:
                text = _("{figure} of companies have reached {group}.")
            statements.append(
                _statement(text.format(figure=_figure_words(f), group=_group(f)), [f])
            )
            continue
        above = _exact_cover(list(range(hi + 1, level_count + 1)), [g for g in figs if g is not f])
        if lo > 1 and above and all(_exact(g) for g in [f, *above]):
            total = _shown_pct(sum(g.value for g in [f, *above]))
            if len(above) == 1:
                if lo == hi:
                    text = _(
                        "{figure} of companies are {where} and {above} above it: the top {total}."
                    )
                else:
                    text = _(
                        "{figure} of companies are {where} and {above} above them: the top {total}."
                    )
                text = text.format(
                    figure=_figure_words(f),
                    where=_where(f, labelled=False),
                    above=_figure_words(above[0]),
                    total=total,
                )
            else:  # "3% of companies are at level 3, 4% at level 4 and 1% at level 5: the top 8%."
                parts = [_located(f, companies=True)] + [_located(g) for g in above]
                text = _("{figures}: the top {total}.").format(
                    figures=_and_join(parts), total=total
                )
            statements.append(_statement(text, [f, *above]))
            continue
        text = _("{figure} of companies are {where}.").format(
            figure=_figure_words(f), where=_where(f)
        )
        statements.append(_statement(text, [f]))

    if not containing:
        parts = [_located(figs[0], companies=True)] + [_located(g) for g in figs[1:]]
        statements.append(_statement(_and_join(parts) + ".", figs))
    return statements
