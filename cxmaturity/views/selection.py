"""What the sidebar offers: organisations, models and assessments a user may see."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from cxmaturity import services, translations
from cxmaturity.access import User
from cxmaturity.models import MaturityModel
from cxmaturity.views.format import assessment_label


@dataclass(frozen=True)
class AssessmentInfo:
    id: int
    model_id: str
    date: dt.date
    label: str | None
    respondents: int

    @property
    def display(self) -> str:
        return assessment_label(self.date, self.label)


def organisation_names(user: User | None = None) -> list[str]:
    return [o.name for o in services.list_organisations(user=user)]


def assessments(org: str, user: User | None = None) -> list[AssessmentInfo]:
    """The organisation's assessments over all models, oldest first."""
    return [
        AssessmentInfo(
            id=a.id, model_id=a.model, date=a.date, label=a.label, respondents=a.respondents
        )
        for a in services.list_assessments(org, user=user)
    ]


def models() -> dict[str, MaturityModel]:
    return services.models()


def model_names() -> dict[str, str]:
    """Each model's name in the interface language (for pickers; ids stay the keys)."""
    return {
        m.id: translations.translated(None, m.id, "name", m.name)
        for m in services.models().values()
    }


def assessment_context(org: str, model_id: str, assessment_id: int, user: User | None = None):
    """(model, this assessment, the one before it of the same model or None)."""
    model = services.model(model_id)
    items = [a for a in assessments(org, user) if a.model_id == model_id]
    index = next(i for i, a in enumerate(items) if a.id == assessment_id)
    return model, items[index], (items[index - 1] if index > 0 else None)
