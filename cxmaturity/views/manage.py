"""The Manage data page: delete (into the trash), restore, rename, remove the sample data."""

from __future__ import annotations

from dataclasses import dataclass

from cxmaturity import services
from cxmaturity.access import User
from cxmaturity.rules import TRASH_DAYS
from cxmaturity.services.trash import TrashItem, describe_assessment
from cxmaturity.views import format as fmt


@dataclass(frozen=True)
class AssessmentRow:
    id: int
    model_name: str
    date_text: str
    label: str | None
    respondents: int

    @property
    def confirmation(self) -> str:
        """What a delete takes away, in words, for the confirmation."""
        label = f" '{self.label}'" if self.label else ""
        return f"the {self.model_name} assessment of {self.date_text}{label} with its {self.respondents} respondents"


@dataclass(frozen=True)
class ManageView:
    organisation: str
    is_demo: bool
    assessments: list[AssessmentRow]
    targets: list[dict]  # model, competency, horizon, level (with names)
    may_delete: bool  # analysts and admins
    may_administer: bool  # admins: organisations, restore, trash, sample data
    has_demo: bool  # there is sample data to remove
    trash: list[TrashItem]
    trash_days: int = TRASH_DAYS


def manage_view(org: str, user: User) -> ManageView:
    models = services.models()
    names = {m.id: m.name for m in models.values()}
    rows = [
        AssessmentRow(a.id, names.get(a.model, a.model), fmt.day(a.date), a.label, a.respondents)
        for a in reversed(services.list_assessments(org, user=user))
    ]
    targets = []
    for t in services.list_targets(org, user=user):
        model = models.get(t.model)
        competency = next((c.name for c in model.competencies if c.id == t.competency), t.competency) if model else t.competency
        level = model.level(t.level).name if model and t.level <= len(model.levels) else str(t.level)
        targets.append(
            {"model": t.model, "competency_id": t.competency, "horizon": t.horizon_months, "Model": names.get(t.model, t.model),
             "Competency": competency, "Horizon": f"{t.horizon_months} months", "Target level": f"{t.level} · {level}"}
        )
    organisations = services.list_organisations(user=user)
    own = next((o for o in organisations if o.name == org), None)
    return ManageView(
        organisation=org,
        is_demo=bool(own and own.is_demo),
        assessments=rows,
        targets=targets,
        may_delete=user.can_write(org),
        may_administer=user.may_administer,
        has_demo=any(o.is_demo for o in organisations),
        trash=services.list_trash(user=user) if user.may_administer else [],
    )


def trash_rows(items: list[TrashItem]) -> list[dict]:
    return [
        {
            "What": i.kind.capitalize(),
            "Organisation": i.organisation,
            "Details": i.description,
            "Deleted": fmt.short_day(i.deleted_at.date()) + (f" by {i.deleted_by}" if i.deleted_by else ""),
            "Purged after": fmt.short_day(i.purge_after.date()),
        }
        for i in items
    ]


__all__ = ["AssessmentRow", "ManageView", "describe_assessment", "manage_view", "trash_rows"]
