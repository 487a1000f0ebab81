"""Recommendations from the sources: what the documents say a company should do, and where.

``data/recommendations.yaml`` holds every piece of guidance in the source documents, each with
its source file, the passage in the original language (``quote``, verbatim, so it can be found in
the file), the English (``text``), and where it applies (model, competencies, levels). Where the
project, not the source, chose that place, ``mapping_ours`` says so; advice the source gives in
general terms is ``generic``. The file is validated on load against the models: an unknown
model, competency or level is an error naming the file, the entry and the key.

:func:`applicable` ranks what applies to one competency at one level (rules in ``rules.py``):
the source's own placement before the project's, a competency before its whole model, the
model's guidance before general advice.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from cxmaturity.models import DATA_DIR, MaturityModel, load_models, read_yaml

RECOMMENDATIONS_FILE = DATA_DIR / "recommendations.yaml"
SOURCE_PATTERN = r"^\d{3}_[0-9a-f]{16}\.txt$"


class RecommendationFileError(ValueError):
    """The recommendations file is invalid; the message names the file, the entry and the key."""

    def __init__(self, path: Path | str, problems: list[str]):
        self.path = Path(path)
        self.problems = problems
        super().__init__("\n".join(f"{self.path.name}: {p}" for p in problems))


class Recommendation(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(pattern=r"^[a-z0-9_]+$")
    source: str = Field(pattern=SOURCE_PATTERN)
    quote: str = Field(min_length=1)
    text: str = Field(min_length=1)
    topic: str = Field(min_length=1)
    model: str | None
    competencies: tuple[str, ...] = ()
    levels: tuple[int, ...] = ()
    mapping_ours: bool
    generic: bool

    def applies_to(self, model_id: str, competency_id: str | None, level: int | None) -> bool:
        """``competency_id`` None: any competency of the model."""
        if self.model is not None and self.model != model_id:
            return False
        if self.competencies and competency_id is not None and competency_id not in self.competencies:
            return False
        # advice written for a stage applies at that stage (what moves you on) and just below it
        # (what the next stage asks for)
        return not self.levels or level is None or level in self.levels or level + 1 in self.levels


class _File(BaseModel):
    model_config = ConfigDict(extra="forbid")
    recommendations: list[Recommendation]


def parse_recommendations(
    data: object, path: Path | str, models: dict[str, MaturityModel] | None = None
) -> list[Recommendation]:
    models = load_models(skip_invalid=True) if models is None else models
    try:
        parsed = _File.model_validate(data)
    except ValidationError as exc:
        problems = []
        for err in exc.errors():
            loc = ".".join(str(part) for part in err["loc"])
            problems.append(f"{loc}: {err['msg']}")
        raise RecommendationFileError(path, problems) from None
    problems: list[str] = []
    seen: set[str] = set()
    for i, r in enumerate(parsed.recommendations):
        where = f"recommendations.{i} ('{r.id}')"
        if r.id in seen:
            problems.append(f"{where}.id: duplicate id")
        seen.add(r.id)
        if r.model is None:
            if r.competencies or r.levels:
                problems.append(f"{where}: competencies and levels need a model")
            continue
        model = models.get(r.model)
        if model is None:
            problems.append(f"{where}.model: unknown model '{r.model}'")
            continue
        known = {c.id for c in model.competencies}
        problems += [f"{where}.competencies: '{c}' is not a competency of {r.model}" for c in r.competencies if c not in known]
        numbers = {lv.number for lv in model.levels}
        problems += [f"{where}.levels: {n} is not a level of {r.model}" for n in r.levels if n not in numbers]
    if problems:
        raise RecommendationFileError(path, problems)
    return parsed.recommendations


@lru_cache(maxsize=4)
def _load_cached(path_str: str, mtime_ns: int) -> tuple[Recommendation, ...]:
    path = Path(path_str)
    try:
        data = read_yaml(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise RecommendationFileError(path, [f"cannot be read: {exc}"]) from None
    return tuple(parse_recommendations(data, path))


def load_recommendations(path: Path | str | None = None) -> list[Recommendation]:
    """Every recommendation in ``path`` (default ``data/recommendations.yaml``), in file order."""
    path = Path(path) if path is not None else RECOMMENDATIONS_FILE
    try:
        mtime = path.stat().st_mtime_ns
    except OSError as exc:
        raise RecommendationFileError(path, [f"cannot be read: {exc}"]) from None
    return list(_load_cached(str(path.resolve()), mtime))


def rank(r: Recommendation, level: int | None) -> tuple[int, int, int, int]:
    """Lower is more specific: a competency's own advice, placed by the source, for this level."""
    return (
        0 if r.competencies else 1 if r.model else 2,
        0 if not r.mapping_ours else 1,
        0 if level is not None and level in r.levels else 1,
        1 if r.generic else 0,
    )


def applicable(
    model_id: str,
    competency_id: str | None,
    level: int | None,
    recommendations: list[Recommendation] | None = None,
) -> list[Recommendation]:
    """What applies to one competency at one level, the most specific first (file order within a rank)."""
    pool = load_recommendations() if recommendations is None else recommendations
    matching = [r for r in pool if r.applies_to(model_id, competency_id, level)]
    return sorted(matching, key=lambda r: rank(r, level))
