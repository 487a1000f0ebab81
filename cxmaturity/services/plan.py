"""The action plan (source 004): per organisation and model, a target level for every
competency at 6, 12 and 24 months, and initiatives with an owner, a due date and a status.

Analysts and admins change the plan of their organisations; viewers read it. Every change is
audited in its own transaction; a removed initiative goes to the trash (restorable).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from cxmaturity import store
from cxmaturity.access import (
    ADD_INITIATIVE,
    DELETE_INITIATIVE,
    RESTORE_INITIATIVE,
    UPDATE_INITIATIVE,
    User,
    acting,
    check_admin,
    check_read,
    check_write,
)
from cxmaturity.errors import InvalidInput
from cxmaturity.formatting import digits
from cxmaturity.i18n import N_, _
from cxmaturity.models import MaturityModel
from cxmaturity.rules import (
    DEFAULT_TARGET_STEP,
    INITIATIVE_STATUSES,
    MAX_NOTE,
    MAX_OWNER,
    MAX_TITLE,
    OPEN_STATUSES,
    TARGET_HORIZONS,
)
from cxmaturity.services.assessments import as_date
from cxmaturity.services.audit import actor_of
from cxmaturity.services.catalogue import ModelRef, org_name
from cxmaturity.services.catalogue import model as resolve_model
from cxmaturity.store import assessments as assessments_sql
from cxmaturity.store import audit as audit_sql
from cxmaturity.store import organisations as orgs_sql
from cxmaturity.store import plan as plan_sql
from cxmaturity.store import targets as targets_sql
from cxmaturity.store.records import Initiative
from cxmaturity.translations import localised


class UnknownInitiative(InvalidInput, LookupError):
    pass


def checked_text(value: object, what: str, limit: int, required: bool = True) -> str | None:
    """The text trimmed, or InvalidInput naming the field (``what``: marked with N_, shown translated)."""
    if value is None or not str(value).strip():
        if required:
            raise InvalidInput(_("the {what} must not be empty").format(what=_(what)))
        return None
    text = str(value).strip()
    if len(text) > limit:
        raise InvalidInput(
            _("the {what} is longer than {limit} characters").format(what=_(what), limit=digits(limit))
        )
    if "\x00" in text:
        raise InvalidInput(_("the {what} must not contain a NUL character").format(what=_(what)))
    return text


def _status(value: str) -> str:
    if value not in INITIATIVE_STATUSES:
        raise InvalidInput(
            _("status must be one of {statuses}, not {value}").format(
                statuses=", ".join(INITIATIVE_STATUSES), value=repr(value)
            )
        )
    return value


def _competency(model: MaturityModel, competency_id: str) -> str:
    try:
        return model.competency(competency_id).id
    except KeyError:
        known = ", ".join(c.id for c in model.competencies)
        raise InvalidInput(
            _("'{competency_id}' is not a competency of the {name} (competencies: {known})").format(
                competency_id=competency_id, name=localised(model).name, known=known
            )
        ) from None


def add_initiative(
    org: str,
    model: ModelRef,
    competency_id: str,
    title: str,
    owner: str,
    due: dt.date | str,
    status: str = "planned",
    note: str | None = None,
    recommendation: str | None = None,
    *,
    user: User | None = None,
    engine: store.EngineRef = None,
) -> Initiative:
    name = org_name(org)
    user = check_write(user, name)
    maturity_model = resolve_model(model)
    values = {
        "model_id": maturity_model.id,
        "competency_id": _competency(maturity_model, competency_id),
        "title": checked_text(title, N_("title"), MAX_TITLE),
        "owner": checked_text(owner, N_("owner"), MAX_OWNER),
        "due_date": as_date(due),
        "status": _status(status),
        "note": checked_text(note, N_("note"), MAX_NOTE, required=False),
        "recommendation_id": checked_text(recommendation, N_("recommendation"), 64, required=False),
        "completed_at": dt.date.today() if status == "done" else None,
    }
    with store.writing(engine) as conn:
        org_id = orgs_sql.require_id(conn, name)
        initiative = plan_sql.add(conn, org_id, values)
        audit_sql.write(
            conn,
            actor_of(user),
            ADD_INITIATIVE,
            name,
            f"initiative #{initiative.id} for {values['competency_id']}",
        )
    return initiative


def _owning(conn, initiative_id: int, user: User | None) -> tuple[str, int]:
    """(organisation name, id) of an initiative the user may change; one refusal for an id that
    does not exist and one of an organisation the user may not change."""
    name = plan_sql.organisation_of(conn, initiative_id)
    if name is None or not acting(user).can_write(name):
        raise UnknownInitiative(
            _("there is no initiative #{initiative_id} you can change").format(
                initiative_id=digits(initiative_id)
            )
        )
    return name, orgs_sql.require_id(conn, name)


def update_initiative(
    initiative_id: int,
    *,
    status: str | None = None,
    owner: str | None = None,
    due: dt.date | str | None = None,
    title: str | None = None,
    note: str | None = None,
    user: User | None = None,
    engine: store.EngineRef = None,
) -> Initiative:
    values: dict = {}
    if status is not None:
        values["status"] = _status(status)
    if owner is not None:
        values["owner"] = checked_text(owner, N_("owner"), MAX_OWNER)
    if due is not None:
        values["due_date"] = as_date(due)
    if title is not None:
        values["title"] = checked_text(title, N_("title"), MAX_TITLE)
    if note is not None:
        values["note"] = checked_text(note, N_("note"), MAX_NOTE, required=False)
    if not values:
        raise InvalidInput(_("nothing to change: give a status, owner, due date, title or note"))
    with store.writing(engine) as conn:
        name, org_id = _owning(conn, initiative_id, user)
        before = plan_sql.get(conn, org_id, initiative_id)
        if "status" in values:
            # completion is dated the day it is marked done (Progress places it between two waves)
            if values["status"] == "done" and before.status != "done":
                values["completed_at"] = dt.date.today()
            elif values["status"] != "done":
                values["completed_at"] = None
        plan_sql.change(conn, org_id, initiative_id, values)
        changed = ", ".join(f"{k.removesuffix('_date')}" for k in values if k != "completed_at")
        audit_sql.write(
            conn, actor_of(user), UPDATE_INITIATIVE, name, f"initiative #{initiative_id}: {changed}"
        )
        return plan_sql.get(conn, org_id, initiative_id)


def remove_initiative(
    initiative_id: int, *, user: User | None = None, engine: store.EngineRef = None
) -> None:
    """Move an initiative into the trash."""
    with store.writing(engine) as conn:
        name, org_id = _owning(conn, initiative_id, user)
        plan_sql.trash(conn, org_id, initiative_id, actor_of(user))
        audit_sql.write(
            conn,
            actor_of(user),
            DELETE_INITIATIVE,
            name,
            f"initiative #{initiative_id} into the trash",
        )


def restore_initiative(
    initiative_id: int, *, user: User | None = None, engine: store.EngineRef = None
) -> str:
    """Administrators restore any initiative from the trash; whoever removed one may undo that
    themselves while they may still change its organisation (the page's "Undo")."""
    who = acting(user)
    with store.writing(engine) as conn:
        row = plan_sql.trashed(conn, initiative_id)
        if row is None or not who.can_read(row.organisation):
            raise UnknownInitiative(
                _("initiative #{initiative_id} is not in the trash").format(
                    initiative_id=digits(initiative_id)
                )
            )
        own_removal = row.deleted_by == who.email and who.can_write(row.organisation)
        if not own_removal:
            check_admin(user)  # someone else's removal: administrators only
        plan_sql.restore(conn, row.id)
        audit_sql.write(
            conn, actor_of(user), RESTORE_INITIATIVE, row.organisation, f"initiative #{row.id}"
        )
    return row.organisation


def list_initiatives(
    org: str,
    model: ModelRef | None = None,
    *,
    user: User | None = None,
    engine: store.EngineRef = None,
) -> list[Initiative]:
    name = org_name(org)
    check_read(user, name)
    with store.reading(engine) as conn:
        return plan_sql.list_for(
            conn,
            orgs_sql.require_id(conn, name),
            None if model is None else resolve_model(model).id,
        )


# --- the plan as a whole ----------------------------------------------------------------------------


@dataclass(frozen=True)
class PlannedTarget:
    """A competency's target at one horizon: set by someone, or the default (current + 1)."""

    competency: str
    horizon_months: int
    level: int
    is_default: bool  # not set: one level above the current one
    current_level: int | None
    met: bool  # the current level already reaches it (flagged, not silently kept)


@dataclass(frozen=True)
class Plan:
    organisation: str
    model: str
    assessed_on: dt.date | None  # the latest assessment the current levels come from
    targets: list[PlannedTarget]
    initiatives: list[Initiative]
    today: dt.date = field(default_factory=dt.date.today)

    def overdue(self, initiative: Initiative) -> bool:
        return initiative.status in OPEN_STATUSES and initiative.due < self.today

    def open_for(self, competency_id: str) -> list[Initiative]:
        return [
            i
            for i in self.initiatives
            if i.competency == competency_id and i.status in OPEN_STATUSES
        ]

    def to_dict(self) -> dict:
        return {
            "organisation": self.organisation,
            "model": self.model,
            "assessed_on": self.assessed_on.isoformat() if self.assessed_on else None,
            "targets": [
                {
                    "competency": t.competency,
                    "horizon_months": t.horizon_months,
                    "level": t.level,
                    "default": t.is_default,
                    "current_level": t.current_level,
                    "met": t.met,
                }
                for t in self.targets
            ],
            "initiatives": [{**i.to_dict(), "overdue": self.overdue(i)} for i in self.initiatives],
        }


def plan(
    org: str,
    model: ModelRef,
    *,
    today: dt.date | None = None,
    user: User | None = None,
    engine: store.EngineRef = None,
) -> Plan:
    """Targets at every horizon for every competency (set, or the default: the current level +
    1, capped at the top level) and the initiatives, from the latest assessment's levels."""
    name = org_name(org)
    check_read(user, name)
    maturity_model = resolve_model(model)
    with store.reading(engine) as conn:
        org_id = orgs_sql.require_id(conn, name)
        history = assessments_sql.history(conn, org_id, maturity_model.id)
        stored = {
            (t.competency, t.horizon_months): t.level
            for t in targets_sql.list_for(conn, org_id, maturity_model.id)
        }
        initiatives = plan_sql.list_for(conn, org_id, maturity_model.id)
    latest = history[-1] if history else None
    current = {c["id"]: c.get("level") for c in (latest.competencies if latest else [])}
    top = len(maturity_model.levels)
    targets = []
    for comp in maturity_model.competencies:
        now_level = current.get(comp.id)
        for horizon in TARGET_HORIZONS:
            level = stored.get((comp.id, horizon))
            is_default = level is None
            if is_default:
                level = (
                    min(top, (now_level or 0) + DEFAULT_TARGET_STEP)
                    if now_level
                    else min(top, 1 + DEFAULT_TARGET_STEP)
                )
            met = now_level is not None and now_level >= level
            targets.append(PlannedTarget(comp.id, horizon, level, is_default, now_level, met))
    return Plan(
        name,
        maturity_model.id,
        latest.date if latest else None,
        targets,
        initiatives,
        today or dt.date.today(),
    )
