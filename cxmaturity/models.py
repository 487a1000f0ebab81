"""Maturity models as data: the YAML schema, its validation and the loader.

One YAML file per model lives in ``data/models/``. Files are validated with pydantic so a
mistake is reported with the file name and the exact key (``competencies.2.items.0.id``).
"""

from __future__ import annotations

import math
import os
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
    model_validator,
)

from cxmaturity import rules
from cxmaturity.i18n import N_

DATA_DIR = Path(os.environ.get("CXMATURITY_DATA_DIR", Path(__file__).resolve().parent.parent / "data"))
MODELS_DIR = DATA_DIR / "models"
_YamlLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # the C loader when libyaml is there


def read_yaml(text: str):
    """Parse YAML data files (models, translations, benchmarks, advice) with the C loader when
    libyaml is there: the pure-Python one takes about 0.1 s for a model's three translation files,
    which the survey reader needs on every run."""
    return yaml.load(text, Loader=_YamlLoader)


class ModelFileError(ValueError):
    """A model YAML file is invalid; the message names the file and the key."""

    def __init__(self, path: Path | str, problems: list[tuple[str, str]]):
        self.path = Path(path)
        self.problems = problems  # (key, message)
        lines = [f"{self.path.name}: {key}: {msg}" if key else f"{self.path.name}: {msg}" for key, msg in problems]
        super().__init__("\n".join(lines))


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Source(_Strict):
    document: str = Field(description="file name of the source document in shared/seeds")
    organisation: str = Field(description="organisation credited with the model")
    publisher: str | None = None
    notes: str | None = None


class Scale(_Strict):
    min: int
    max: int
    labels: dict[int, str]
    ours: bool = Field(False, description="the answer scale is this project's (the source gives none)")

    @model_validator(mode="after")
    def _labels_cover_scale(self) -> Scale:
        if self.max <= self.min:
            raise ValueError(f"max ({self.max}) must be greater than min ({self.min})")
        missing = [v for v in range(self.min, self.max + 1) if v not in self.labels]
        extra = [v for v in self.labels if not self.min <= v <= self.max]
        if missing:
            raise ValueError(f"labels missing for values {missing}")
        if extra:
            raise ValueError(f"labels given for values outside the scale: {extra}")
        return self


class Level(_Strict):
    number: int
    name: str
    description: str
    band: tuple[float, float] = Field(description="[lo, hi): lo included, hi excluded except for the top band")
    practices: list[str] = Field(default_factory=list)
    ours: bool = Field(False, description="text written by this project where the source document is silent")
    name_inferred: bool = Field(False, description="the name comes from outside the source (inferred by this project)")

    @field_validator("band")
    @classmethod
    def _band_ordered(cls, band: tuple[float, float]) -> tuple[float, float]:
        if not band[0] < band[1]:
            raise ValueError(f"band lower bound {band[0]} must be below upper bound {band[1]}")
        return band


class Item(_Strict):
    id: str = Field(pattern=r"^[a-z0-9_]+$")
    text: str
    ours: bool = False
    note: str | None = Field(None, description="a correction or remark to show beside the item (e.g. a slip in the source)")


class Competency(_Strict):
    id: str = Field(pattern=r"^[a-z0-9_]+$")
    name: str
    description: str
    guiding_question: str | None = None
    weight: float = Field(1.0, gt=0)
    descriptors: dict[int, str] = Field(
        default_factory=dict, description="per-level description of this competency (level number -> text)"
    )
    items: list[Item] = Field(min_length=1)
    ours: bool = Field(False, description="the name is given by this project (the source names the theme otherwise or not at all)")
    description_ours: bool = Field(False, description="the description is written by this project")
    descriptor_originals: dict[int, str] = Field(
        default_factory=dict, description="per level, the source's own words that a descriptor translates"
    )


# marks shown beside a text (translated where shown: ui.mark, the report)
NAME_OURS = N_("name given by this project")
TEXT_OURS = N_("text written by this project")
NAME_INFERRED = N_("name inferred by this project (not in the source)")
SCALE_OURS = N_("answer scale chosen by this project")


def provenance(entity: object, field: str = "text") -> str | None:
    """The visible mark for a text of a model that the source documents did not give, or None
    for the source's own (translated) text. ``field``: "name", "description" or "text"."""
    if isinstance(entity, Competency):
        if field == "name":
            return NAME_OURS if entity.ours else None
        return TEXT_OURS if entity.description_ours else None
    if isinstance(entity, Level):
        if field == "name" and entity.name_inferred:
            return NAME_INFERRED
        return TEXT_OURS if entity.ours else None
    if isinstance(entity, Item):
        return TEXT_OURS if entity.ours else None
    if isinstance(entity, Scale):
        return SCALE_OURS if entity.ours else None
    if isinstance(entity, MaturityModel):
        return TEXT_OURS if entity.description_ours else None
    return None


class MaturityModel(_Strict):
    """One framework: its scale, levels (with bands) and competencies (with items)."""

    id: str = Field(pattern=r"^[a-z0-9_]+$")
    name: str
    version: int = 1
    description: str | None = None
    source: Source
    scale: Scale
    aggregate: Literal["mean", "points"] = "mean"
    points_max: int | None = None
    item_anchoring: Literal["likert", "descriptor"] = Field(
        "likert", description="descriptor: answer k means 'the level-k descriptor fits us best'"
    )
    levels: list[Level] = Field(min_length=2)
    competencies: list[Competency] = Field(min_length=1)
    notes: str | None = None
    description_ours: bool = Field(False, description="the model's description is written by this project")

    @model_validator(mode="after")
    def _check_consistency(self, info: ValidationInfo) -> MaturityModel:
        # parse_model defers these checks so it can report each one under its own key
        if info.context and info.context.get("defer_consistency"):
            return self
        problems = self.consistency_problems()
        if problems:
            raise ValueError("; ".join(f"{key}: {msg}" for key, msg in problems))
        return self

    def consistency_problems(self) -> list[tuple[str, str]]:
        """Cross-field rules, each as (key, message): numbering, points, bands, unique ids."""
        problems: list[tuple[str, str]] = []
        numbers = [lv.number for lv in self.levels]
        if numbers != list(range(1, len(numbers) + 1)):
            problems.append(("levels", f"levels must be numbered 1..{len(numbers)} in order, got {numbers}"))
        if self.aggregate == "points":
            if self.points_max is None:
                problems.append(("points_max", "required when aggregate is 'points'"))
            elif self.points_max <= 0:
                problems.append(("points_max", f"must be a positive number of points, not {self.points_max}"))
        elif self.points_max is not None:
            problems.append(("points_max", "only allowed when aggregate is 'points'"))
        if self.aggregate != "points" or self.points_max is not None:
            lo, hi = self.level_scale
            problems.extend(_band_problems(self.levels, lo, hi))
        seen: set[str] = set()
        for ci, comp in enumerate(self.competencies):
            if comp.id in seen:
                problems.append((f"competencies.{ci}.id", f"duplicate competency id '{comp.id}'"))
            seen.add(comp.id)
        item_seen: set[str] = set()
        for ci, comp in enumerate(self.competencies):
            for ii, item in enumerate(comp.items):
                if item.id in item_seen:
                    problems.append((f"competencies.{ci}.items.{ii}.id", f"duplicate item id '{item.id}'"))
                item_seen.add(item.id)
            bad = [k for k in comp.descriptors if k not in numbers]
            if bad:
                problems.append((f"competencies.{ci}.descriptors", f"descriptors for unknown levels {bad}"))
        return problems

    # --- derived facts -------------------------------------------------------------------

    @property
    def item_count(self) -> int:
        return sum(len(c.items) for c in self.competencies)

    @property
    def level_scale(self) -> tuple[float, float]:
        """The range the level bands cover: points for points models, else the answer scale."""
        if self.aggregate == "points":
            return (0.0, float(self.points_max or 0))
        return (float(self.scale.min), float(self.scale.max))

    @property
    def item_ids(self) -> list[str]:
        return [i.id for c in self.competencies for i in c.items]

    @property
    def competency_of_item(self) -> dict[str, str]:
        return {i.id: c.id for c in self.competencies for i in c.items}

    def competency(self, competency_id: str) -> Competency:
        for comp in self.competencies:
            if comp.id == competency_id:
                return comp
        raise KeyError(competency_id)

    def level(self, number: int) -> Level:
        return self.levels[number - 1]

    def level_for(self, value: float | None) -> Level | None:
        """The level whose band holds ``value`` (design.md §3 rule 6); None for a missing value.

        ``value`` is on the level scale: points for points models, the answer scale otherwise.
        """
        if value is None or (isinstance(value, float) and math.isnan(value)):
            return None
        top = self.levels[-1]
        for lv in self.levels:
            lo, hi = lv.band
            if lo <= value < hi or (lv is top and value == hi):
                return lv
        return None

    def to_level_scale(self, competency_score: float) -> float:
        """Project a score on the answer scale onto the level scale.

        Identity for mean models; for points models the score is read as a share of the
        maximum, so a block averaging 2.5 of 5 sits at 47.5 of 95 points.
        """
        if self.aggregate != "points":
            return competency_score
        return rules.points_share(competency_score, self.scale.min, self.scale.max, self.points_max or 0)

    def level_for_competency(self, competency_score: float | None) -> Level | None:
        if competency_score is None or math.isnan(competency_score):
            return None
        return self.level_for(self.to_level_scale(competency_score))

    def next_level(self, level: Level | None) -> Level | None:
        if level is None or level.number >= len(self.levels):
            return None
        return self.levels[level.number]

    def to_contract(self) -> dict:
        """The ``cxmaturity models --json`` shape (design.md §4)."""
        return {
            "id": self.id,
            "name": self.name,
            "version": self.version,
            "source": self.source.model_dump(),
            "scale": {
                "min": self.scale.min,
                "max": self.scale.max,
                "labels": {str(k): v for k, v in sorted(self.scale.labels.items())},
            },
            "aggregate": self.aggregate,
            "points_max": self.points_max,
            "levels": [
                {"number": lv.number, "name": lv.name, "band": [lv.band[0], lv.band[1]], "description": lv.description}
                for lv in self.levels
            ],
            "competencies": [
                {
                    "id": c.id,
                    "name": c.name,
                    "weight": c.weight,
                    "items": [{"id": i.id, "text": i.text} for i in c.items],
                }
                for c in self.competencies
            ],
        }


def _band_problems(levels: list[Level], lo: float, hi: float) -> list[tuple[str, str]]:
    """Bands must tile [lo, hi] in level order: no gap, no overlap, nothing outside."""
    problems = []
    expected_start = lo
    for index, lv in enumerate(levels):
        start, end = lv.band
        key = f"levels.{index}.band"
        if start < expected_start:
            problems.append((key, f"{list(lv.band)} overlaps the band below (it should start at {expected_start})"))
        elif start > expected_start:
            problems.append((key, f"gap between {expected_start} and {start} before level {lv.number}"))
        expected_start = end
    if expected_start < hi:
        problems.append((f"levels.{len(levels) - 1}.band", f"bands stop at {expected_start} and do not cover the scale up to {hi}"))
    elif expected_start > hi:
        problems.append((f"levels.{len(levels) - 1}.band", f"top band ends at {expected_start}, beyond the scale maximum {hi}"))
    return problems


def _format_loc(loc: tuple) -> str:
    return ".".join(str(p) for p in loc)


def parse_model(data: object, path: Path | str = "<memory>") -> MaturityModel:
    """Validate already-parsed YAML content; raises ModelFileError naming file and key."""
    if not isinstance(data, dict):
        raise ModelFileError(path, [("", "the file must hold a mapping (key: value) at the top level")])
    try:
        model = MaturityModel.model_validate(data, context={"defer_consistency": True})
    except ValidationError as exc:
        problems = [(_format_loc(err["loc"]), err["msg"]) for err in exc.errors()]
        raise ModelFileError(path, problems) from None
    problems = model.consistency_problems()
    if problems:
        raise ModelFileError(path, problems)
    return model


def load_model(path: Path | str) -> MaturityModel:
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ModelFileError(path, [("", f"cannot be read: {exc}")]) from None
    try:
        data = read_yaml(text)
    except yaml.YAMLError as exc:
        raise ModelFileError(path, [("", f"is not valid YAML: {exc}")]) from None
    model = parse_model(data, path)
    if model.id != path.stem:
        raise ModelFileError(path, [("id", f"'{model.id}' must match the file name '{path.stem}'")])
    return model


_loaded: dict[tuple, tuple[dict[str, MaturityModel], list[ModelFileError]]] = {}


def _load_all(directory: Path | str | None) -> tuple[dict[str, MaturityModel], list[ModelFileError]]:
    """Every model file read once per set of file versions: (valid models, errors of the others).
    A page rerun costs a few stat calls, and an edited or added YAML file is picked up at once.
    Models are frozen, so sharing them is safe."""
    directory = Path(directory) if directory is not None else MODELS_DIR
    paths = sorted(directory.glob("*.yaml"))
    key = (str(directory), tuple((p.name, p.stat().st_mtime_ns, p.stat().st_size) for p in paths))
    cached = _loaded.get(key)
    if cached is None:
        models, errors = {}, []
        for path in paths:
            try:
                model = load_model(path)
            except ModelFileError as exc:
                errors.append(exc)
                continue
            models[model.id] = model
        cached = (models, errors)
        _loaded.clear()  # keep only the current versions
        _loaded[key] = cached
    return cached


def load_models(directory: Path | str | None = None, skip_invalid: bool = False) -> dict[str, MaturityModel]:
    """All models in ``directory`` (default ``data/models``), keyed by id, in file-name order.
    An invalid file raises its ModelFileError, unless ``skip_invalid``: then the others are
    returned and ``model_file_errors`` says what was left out (the app keeps working)."""
    models, errors = _load_all(directory)
    if errors and not skip_invalid:
        raise errors[0]
    return dict(models)


def model_file_errors(directory: Path | str | None = None) -> list[ModelFileError]:
    """The model files that could not be loaded (what ``load_models(skip_invalid=True)`` left out)."""
    return list(_load_all(directory)[1])


def get_model(model_id: str, directory: Path | str | None = None) -> MaturityModel:
    directory = Path(directory) if directory is not None else MODELS_DIR
    path = directory / f"{model_id}.yaml"
    if path.parent == directory and path.is_file():
        return load_model(path)  # one file, not the whole library
    models = load_models(directory)
    try:
        return models[model_id]
    except KeyError:
        known = ", ".join(models) or "none"
        raise KeyError(f"unknown model '{model_id}' (known: {known})") from None
