"""The Manage data page: delete (into the trash), restore, rename, remove the sample data."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from cxmaturity import i18n, services, translations
from cxmaturity.access import User
from cxmaturity.i18n import _, ngettext
from cxmaturity.rules import TRASH_DAYS
from cxmaturity.services.trash import TrashItem, describe_assessment
from cxmaturity.views import format as fmt


def _plain(text: object) -> str:
    return str(text)


@dataclass(frozen=True)
class AssessmentRow:
    id: int
    model_name: str
    date_text: str
    label: str | None
    respondents: int

    def delete_question(self, org: str, escape: Callable[[object], str] = _plain) -> str:
        """The confirmation before a delete, naming exactly what goes. ``escape`` makes the
        data (names, label) safe for where the sentence is shown (ui.md for Markdown)."""
        if self.label:
            text = ngettext(
                "Move the {model} assessment of {date} '{label}' with its {n} respondent of "
                "{organisation} into the trash? It disappears from every page, comparison and "
                "peer figure at once.",
                "Move the {model} assessment of {date} '{label}' with its {n} respondents of "
                "{organisation} into the trash? It disappears from every page, comparison and "
                "peer figure at once.",
                self.respondents,
            )
        else:
            text = ngettext(
                "Move the {model} assessment of {date} with its {n} respondent of {organisation} "
                "into the trash? It disappears from every page, comparison and peer figure at once.",
                "Move the {model} assessment of {date} with its {n} respondents of {organisation} "
                "into the trash? It disappears from every page, comparison and peer figure at once.",
                self.respondents,
            )
        return text.format(organisation=i18n.isolate(escape(org)), **self._words(escape))

    def moved_message(self, escape: Callable[[object], str] = _plain) -> str:
        """What the page says once the assessment is in the trash."""
        if self.label:
            text = ngettext(
                "Moved the {model} assessment of {date} '{label}' with its {n} respondent into "
                "the trash.",
                "Moved the {model} assessment of {date} '{label}' with its {n} respondents into "
                "the trash.",
                self.respondents,
            )
        else:
            text = ngettext(
                "Moved the {model} assessment of {date} with its {n} respondent into the trash.",
                "Moved the {model} assessment of {date} with its {n} respondents into the trash.",
                self.respondents,
            )
        return text.format(**self._words(escape))

    def _words(self, escape: Callable[[object], str]) -> dict[str, str]:
        return {
            "model": escape(self.model_name),
            "date": escape(self.date_text),
            "label": i18n.isolate(escape(self.label or "")),
            "n": fmt.integer(self.respondents),
        }


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
    """What the page lists, with model, competency and level names in the interface language."""
    models = services.models()
    names = {m.id: translations.translated(None, m.id, "name", m.name) for m in models.values()}
    rows = [
        AssessmentRow(a.id, names.get(a.model, a.model), fmt.day(a.date), a.label, a.respondents)
        for a in reversed(services.list_assessments(org, user=user))
    ]
    targets = []
    for t in services.list_targets(org, user=user):
        model = models.get(t.model)
        competency = t.competency
        if model:
            english = next((c.name for c in model.competencies if c.id == t.competency), None)
            if english is not None:
                competency = translations.competency_name(t.model, t.competency, english)
        if model and t.level <= len(model.levels):
            level = translations.level_name(t.model, t.level, model.level(t.level).name)
        else:
            level = fmt.integer(t.level)
        targets.append(
            {
                "model": t.model,
                "competency_id": t.competency,
                "horizon": t.horizon_months,
                "Model": names.get(t.model, t.model),
                "Competency": competency,
                "Horizon": ngettext("{n} month", "{n} months", t.horizon_months).format(
                    n=fmt.integer(t.horizon_months)
                ),
                "Target level": f"{fmt.integer(t.level)}{fmt.sep()}{level}",
            }
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


def kind_name(kind: str) -> str:
    """What a trash entry is, in the interface language ('Assessment')."""
    names = {
        "organisation": _("Organisation"),
        "assessment": _("Assessment"),
        "target": _("Target"),
        "initiative": _("Initiative"),
        "executive": _("Executive"),
    }
    return names.get(kind, kind.capitalize())


def trash_rows(items: list[TrashItem], escape: Callable[[object], str] = _plain) -> list[dict]:
    """One row per trash entry. 'When' is the whole sentence about its deletion and purge (who
    deleted it through ``escape``, e.g. ui.md); the description ('Details') is the trash
    service's own wording."""
    rows = []
    for i in items:
        deleted = fmt.short_day(i.deleted_at.date())
        purged = fmt.short_day(i.purge_after.date())
        if i.deleted_by:
            when = _("Deleted {date} by {user}; purged after {purge_date}").format(
                date=deleted, user=i18n.isolate_ltr(escape(i.deleted_by)), purge_date=purged
            )
        else:
            when = _("Deleted {date}; purged after {purge_date}").format(
                date=deleted, purge_date=purged
            )
        rows.append(
            {
                "What": kind_name(i.kind),
                "Organisation": i.organisation,
                "Details": i.description,
                "Deleted": deleted,
                "Deleted by": i.deleted_by,
                "Purged after": purged,
                "When": when,
            }
        )
    return rows


def purged_message(gone: dict) -> str:
    """'Deleted for good: 1 organisation, 3 assessments, 0 targets.' from services.purge."""
    counted = {
        "organisations": lambda n: ngettext("{n} organisation", "{n} organisations", n),
        "assessments": lambda n: ngettext("{n} assessment", "{n} assessments", n),
        "targets": lambda n: ngettext("{n} target", "{n} targets", n),
        "initiatives": lambda n: ngettext("{n} initiative", "{n} initiatives", n),
        "executives": lambda n: ngettext("{n} executive", "{n} executives", n),
    }
    parts = []
    for kind, value in gone.items():
        n = len(value) if isinstance(value, list) else int(value)
        phrase = counted.get(kind)
        if phrase is None:
            parts.append(f"{fmt.integer(n)} {kind}")
        else:
            parts.append(phrase(n).format(n=fmt.integer(n)))
    return _("Deleted for good: {items}.").format(items=_(", ").join(parts))


__all__ = [
    "AssessmentRow",
    "ManageView",
    "describe_assessment",
    "kind_name",
    "manage_view",
    "purged_message",
    "trash_rows",
]
