"""What the store hands out: frozen records with ``date`` objects, never ORM rows or dicts."""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass, field


@dataclass(frozen=True)
class Organisation:
    name: str
    industry: str | None = None
    size_band: str | None = None
    region: str | None = None
    is_demo: bool = False


@dataclass(frozen=True)
class AssessmentRecord:
    """One stored assessment (a wave) with its overall result."""

    id: int
    model: str
    model_version: int
    date: dt.date
    label: str | None
    respondents: int
    source_file: str | None
    content_hash: str
    imported_by: str | None
    imported_at: dt.datetime  # aware, UTC
    overall_score: float | None
    overall_level: int | None


@dataclass(frozen=True)
class HistoryEntry:
    """One assessment in an organisation's history, with its stored scores.

    ``overall``: {score, level, level_name, ci95, points}; ``competencies``: [{id, name,
    score, level, level_name, n, ci95}] (the ``cxmaturity history --json`` contract)."""

    id: int
    date: dt.date
    label: str | None
    model: str
    model_version: int
    respondents: int
    overall: dict = field(default_factory=dict)
    competencies: list[dict] = field(default_factory=list)

    def to_dict(self) -> dict:
        data = asdict(self)
        data["date"] = self.date.isoformat()
        return data


@dataclass(frozen=True)
class Target:
    model: str
    competency: str
    horizon_months: int
    level: int
    set_at: dt.datetime  # aware, UTC


@dataclass(frozen=True)
class AuditEntry:
    id: int
    at: dt.datetime  # aware, UTC
    actor: str
    action: str
    organisation: str | None
    detail: str | None


@dataclass(frozen=True)
class ImportResult:
    assessment_id: int
    created: bool  # False: the same file was already stored for this organisation and model


@dataclass(frozen=True)
class Initiative:
    """One initiative of the action plan."""

    id: int
    model: str
    competency: str
    title: str
    owner: str  # a name or a role
    due: dt.date
    status: str  # rules.INITIATIVE_STATUSES
    note: str | None
    recommendation: str | None  # the recommendation it was made from
    created_at: dt.datetime
    completed_on: dt.date | None  # when it was marked done

    def to_dict(self) -> dict:
        data = asdict(self)
        data["due"] = self.due.isoformat()
        data["created_at"] = self.created_at.isoformat()
        data["completed_on"] = self.completed_on.isoformat() if self.completed_on else None
        return data


@dataclass(frozen=True)
class CommitmentRating:
    executive_id: int
    review_date: dt.date
    level: int


@dataclass(frozen=True)
class Executive:
    id: int
    name: str  # a name or a role: personal data, only for analysts and admins


@dataclass(frozen=True)
class WaveDepartment:
    name: str
    headcount: int | None  # for the response rate; None when not given


@dataclass(frozen=True)
class Wave:
    """A survey wave collected in the app."""

    id: int
    organisation: str
    model: str
    title: str
    token: str
    opens_on: dt.date
    closes_on: dt.date | None
    departments: tuple[WaveDepartment, ...]
    roles: tuple[str, ...]
    min_group_size: int
    codes_required: bool
    status: str  # open | closing | closed
    assessment_id: int | None
    language: str = "en"  # the questionnaire's language (a respondent may switch)

    def link(self) -> str:
        """The respondent page, relative to the dashboard's address (in the wave's language)."""
        return f"/?wave={self.token}" + (f"&lang={self.language}" if self.language != "en" else "")

    def accepts_answers(self, today: dt.date) -> bool:
        return self.status == "open" and self.opens_on <= today and (self.closes_on is None or today <= self.closes_on)

    def to_dict(self) -> dict:
        return {
            "id": self.id,
            "organisation": self.organisation,
            "model": self.model,
            "title": self.title,
            "link": self.link(),
            "opens_on": self.opens_on.isoformat(),
            "closes_on": self.closes_on.isoformat() if self.closes_on else None,
            "departments": [{"name": d.name, "headcount": d.headcount} for d in self.departments],
            "roles": list(self.roles),
            "min_group_size": self.min_group_size,
            "codes_required": self.codes_required,
            "status": self.status,
            "assessment_id": self.assessment_id,
            "language": self.language,
        }
