"""Deleting into the trash, restoring, renaming and purging.

Analysts delete assessments and targets of their organisations; administrators delete and
rename organisations, restore anything and purge the trash. A delete is one UPDATE in one
transaction (the data stays, marked as deleted), so a delete or restore killed at any moment
leaves the data wholly in place or wholly in the trash, and a restore brings back the same
answers and scores. Everything in the trash is purged for good ``rules.TRASH_DAYS`` after it
was deleted (at start-up and whenever the trash is listed), or on demand.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from cxmaturity import store
from cxmaturity.access import (
    DELETE_ORGANISATION,
    PURGE,
    REMOVE_DEMO,
    RENAME_ORGANISATION,
    RESTORE_ASSESSMENT,
    RESTORE_EXECUTIVE,
    RESTORE_ORGANISATION,
    RESTORE_TARGET,
    User,
    check_admin,
)
from cxmaturity.errors import InvalidInput, UnknownAssessment, UnknownOrganisation
from cxmaturity.formatting import digits, grouped
from cxmaturity.i18n import SOURCE_LANGUAGE, _, isolate, language, ngettext
from cxmaturity.rules import TRASH_DAYS
from cxmaturity.services.audit import actor_of
from cxmaturity.services.catalogue import org_name
from cxmaturity.services.organisations import check_name
from cxmaturity.services.plan import restore_initiative
from cxmaturity.store import assessments as assessments_sql
from cxmaturity.store import audit as audit_sql
from cxmaturity.store import commitment as commitment_sql
from cxmaturity.store import organisations as orgs_sql
from cxmaturity.store import plan as plan_sql
from cxmaturity.store import settings as settings_sql
from cxmaturity.store import targets as targets_sql
from cxmaturity.store.sql import aware, now


@dataclass(frozen=True)
class TrashItem:
    """Something in the trash, as a person reads it."""

    kind: str  # "organisation", "assessment", "target" or "initiative"
    id: int
    organisation: str
    description: str
    deleted_at: dt.datetime  # aware, UTC
    deleted_by: str | None

    @property
    def purge_after(self) -> dt.datetime:
        return self.deleted_at + dt.timedelta(days=TRASH_DAYS)

    def to_dict(self) -> dict:
        return {
            "kind": self.kind,
            "id": self.id,
            "organisation": self.organisation,
            "description": self.description,
            "deleted_at": self.deleted_at.isoformat(),
            "deleted_by": self.deleted_by,
            "purge_after": self.purge_after.isoformat(),
        }


def describe_assessment(model_id: str, date: dt.date, label: str | None, respondents: int) -> str:
    """'gartner assessment of 2026-02-16 'Wave 3', 12 respondents' in the current language (the
    audit log asks for it in English)."""
    count = ngettext("{count} respondent", "{count} respondents", respondents).format(count=grouped(respondents))
    when = digits(date.isoformat())
    if label:
        return _("{model} assessment of {date} '{label}', {respondents}").format(
            model=model_id, date=when, label=isolate(label), respondents=count
        )
    return _("{model} assessment of {date}, {respondents}").format(model=model_id, date=when, respondents=count)


def delete_organisation(
    org: str, *, user: User | None = None, engine: store.EngineRef = None
) -> bool:
    """Move the organisation, with all its assessments and targets, into the trash; False if
    unknown. Administrators only."""
    name = org_name(org)
    user = check_admin(user, name)
    with store.writing(engine) as conn:
        org_id = orgs_sql.id_of(conn, name)
        if org_id is None:
            return False
        count, people = assessments_sql.summary_of_organisation(conn, org_id)
        orgs_sql.trash(conn, org_id, actor_of(user))
        detail = f"into the trash with {count} assessment(s), {people} respondents, and its targets"
        audit_sql.write(conn, actor_of(user), DELETE_ORGANISATION, name, detail)
    return True


def restore_organisation(
    org: str, *, user: User | None = None, engine: store.EngineRef = None
) -> None:
    """Bring an organisation back from the trash, as it was. Administrators only."""
    name = org_name(org)
    user = check_admin(user)
    with store.writing(engine) as conn:
        org_id = orgs_sql.trashed_id_of(conn, name)
        if org_id is None:
            raise UnknownOrganisation(
                _("no organisation called '{name}' is in the trash").format(name=isolate(name))
            )
        if orgs_sql.id_of(conn, name) is not None:
            raise InvalidInput(
                _("another organisation called '{name}' exists now; rename it first").format(
                    name=isolate(name)
                )
            )
        orgs_sql.restore(conn, org_id)
        audit_sql.write(conn, actor_of(user), RESTORE_ORGANISATION, name, "from the trash")


def restore_assessment(
    assessment_id: int, *, user: User | None = None, engine: store.EngineRef = None
) -> str:
    """Bring an assessment back from the trash with its answers and scores; returns its
    organisation's name. Administrators only."""
    user = check_admin(user)
    with store.writing(engine) as conn:
        row = assessments_sql.trashed(conn, assessment_id)
        if row is None:
            raise UnknownAssessment(
                _("assessment #{assessment_id} is not in the trash").format(
                    assessment_id=digits(assessment_id)
                )
            )
        if row.organisation_deleted_at is not None:
            raise InvalidInput(
                _(
                    "assessment #{assessment_id} belongs to '{organisation}', which is in the trash; restore the organisation"
                ).format(
                    assessment_id=digits(assessment_id), organisation=isolate(row.organisation)
                )
            )
        assessments_sql.restore(conn, row.id)
        with language(SOURCE_LANGUAGE):  # the audit log is a record: always English
            described = describe_assessment(row.model_id, row.assessment_date, row.label, row.respondent_count)
        detail = f"assessment #{row.id} ({described})"
        audit_sql.write(conn, actor_of(user), RESTORE_ASSESSMENT, row.organisation, detail)
    return row.organisation


def restore_executive(
    executive_id: int, *, user: User | None = None, engine: store.EngineRef = None
) -> str:
    user = check_admin(user)
    with store.writing(engine) as conn:
        row = commitment_sql.trashed(conn, executive_id)
        if row is None:
            raise InvalidInput(
                _("executive #{executive_id} is not in the trash").format(
                    executive_id=digits(executive_id)
                )
            )
        commitment_sql.restore(conn, row.id)
        audit_sql.write(
            conn, actor_of(user), RESTORE_EXECUTIVE, row.organisation, f"executive #{row.id}"
        )
    return row.organisation


def restore_target(
    target_id: int, *, user: User | None = None, engine: store.EngineRef = None
) -> str:
    user = check_admin(user)
    with store.writing(engine) as conn:
        row = targets_sql.trashed(conn, target_id)
        if row is None:
            raise InvalidInput(
                _("target #{target_id} is not in the trash").format(target_id=digits(target_id))
            )
        targets_sql.restore(conn, row.id)
        detail = (
            f"{row.model_id} {row.competency_id}, {row.horizon_months} months: level {row.level}"
        )
        audit_sql.write(conn, actor_of(user), RESTORE_TARGET, row.organisation, detail)
    return row.organisation


def rename_organisation(
    old: str, new: str, *, user: User | None = None, engine: store.EngineRef = None
) -> None:
    """Rename an organisation (its assessments, targets and accounts follow). Administrators only."""
    old, new = org_name(old), check_name(org_name(new))
    user = check_admin(user, old)
    with store.writing(engine) as conn:
        org_id = orgs_sql.require_id(conn, old)
        if old == new:
            return
        if orgs_sql.id_of(conn, new) is not None or orgs_sql.trashed_id_of(conn, new) is not None:
            raise InvalidInput(
                _("an organisation called '{name}' exists already (or is in the trash)").format(
                    name=isolate(new)
                )
            )
        orgs_sql.rename(conn, org_id, new)
        audit_sql.write(conn, actor_of(user), RENAME_ORGANISATION, new, f"renamed from '{old}'")


def remove_demo(*, user: User | None = None, engine: store.EngineRef = None) -> list[str]:
    """Move every demo organisation into the trash in one step (restorable like any delete),
    and never load the sample data again. Administrators only. Returns their names."""
    user = check_admin(user)
    with store.writing(engine) as conn:
        names = []
        for org_id in orgs_sql.demo_ids(conn):
            names.append(orgs_sql.get_by_id(conn, org_id).name)
            orgs_sql.trash(conn, org_id, actor_of(user))
        settings_sql.put(conn, settings_sql.DEMO_REMOVED, now().isoformat())
        if names:
            audit_sql.write(
                conn,
                actor_of(user),
                REMOVE_DEMO,
                None,
                f"{len(names)} demo organisation(s) into the trash",
            )
    return names


def list_trash(*, user: User | None = None, engine: store.EngineRef = None) -> list[TrashItem]:
    """Everything in the trash, oldest deletion first (expired entries are purged first).
    Administrators only."""
    user = check_admin(user)
    purge_expired(engine=engine)
    with store.reading(engine) as conn:
        items = [
            TrashItem(
                "organisation",
                r.id,
                r.name,
                _("the organisation with all its assessments and targets"),
                aware(r.deleted_at),
                r.deleted_by,
            )
            for r in orgs_sql.in_trash(conn)
        ]
        items += [
            TrashItem(
                "assessment",
                r.id,
                r.organisation,
                describe_assessment(r.model_id, r.assessment_date, r.label, r.respondent_count),
                aware(r.deleted_at),
                r.deleted_by,
            )
            for r in assessments_sql.in_trash(conn)
        ]
        items += [
            TrashItem(
                "executive",
                r.id,
                r.organisation,
                _("executive #{executive_id} with their ratings").format(executive_id=digits(r.id)),
                aware(r.deleted_at),
                r.deleted_by,
            )
            for r in commitment_sql.in_trash(conn)
        ]
        items += [
            TrashItem(
                "initiative",
                r.id,
                r.organisation,
                _("initiative '{title}' ({competency})").format(title=isolate(r.title), competency=r.competency_id),
                aware(r.deleted_at),
                r.deleted_by,
            )
            for r in plan_sql.in_trash(conn)
        ]
        items += [
            TrashItem(
                "target",
                r.id,
                r.organisation,
                ngettext(
                    "{model} target for {competency}: level {level} in {months} month",
                    "{model} target for {competency}: level {level} in {months} months",
                    r.horizon_months,
                ).format(
                    model=r.model_id, competency=r.competency_id, level=digits(r.level), months=digits(r.horizon_months)
                ),
                aware(r.deleted_at),
                r.deleted_by,
            )
            for r in targets_sql.in_trash(conn)
        ]
    return sorted(items, key=lambda i: (i.deleted_at, i.kind, i.id))


def purge(
    older_than_days: int | None = None, *, user: User | None = None, engine: store.EngineRef = None
) -> dict:
    """Delete for good what is in the trash (only what was deleted more than ``older_than_days``
    days ago, when given). Administrators only. Returns what went: {organisations, assessments, targets}."""
    user = check_admin(user)
    if older_than_days is not None and (isinstance(older_than_days, bool) or older_than_days < 0):
        raise InvalidInput(
            _("--older-than must be a number of days, 0 or more, not {older_than_days}").format(
                older_than_days=repr(older_than_days)
            )
        )
    return _purge(
        None if older_than_days is None else now() - dt.timedelta(days=older_than_days),
        actor_of(user),
        engine,
    )


def purge_expired(*, engine: store.EngineRef = None) -> dict:
    """The automatic purge: what was deleted more than ``TRASH_DAYS`` days ago. Writes only
    when something has expired, so a read-only database can still be viewed."""
    before = now() - dt.timedelta(days=TRASH_DAYS)
    with store.reading(engine) as conn:
        expired = trash_sql_any_before(conn, before)
    if not expired:
        return {
            "organisations": [],
            "assessments": [],
            "targets": 0,
            "initiatives": 0,
            "executives": 0,
        }
    return _purge(before, "automatic purge", engine)


def trash_sql_any_before(conn, before: dt.datetime) -> bool:
    return any(
        module.deleted_before(conn, before)
        for module in (orgs_sql, assessments_sql, targets_sql, plan_sql, commitment_sql)
    )


def _purge(before: dt.datetime | None, actor: str, engine: store.EngineRef) -> dict:
    with store.writing(engine) as conn:
        gone = {
            "organisations": orgs_sql.purge(conn, before),
            "assessments": assessments_sql.purge(conn, before),
            "targets": targets_sql.purge(conn, before),
            "initiatives": plan_sql.purge(conn, before),
            "executives": commitment_sql.purge(conn, before),
        }
        if any(gone.values()):
            detail = (
                f"{len(gone['organisations'])} organisation(s), {len(gone['assessments'])} assessment(s), "
                f"{gone['targets']} target(s), {gone['initiatives']} initiative(s)"
            )
            audit_sql.write(conn, actor, PURGE, None, detail)
    return gone


def restore_item(
    item: TrashItem, *, user: User | None = None, engine: store.EngineRef = None
) -> None:
    """Bring back one entry of ``list_trash``, whatever its kind (the Manage page's Restore)."""
    if item.kind == "organisation":
        restore_organisation(item.organisation, user=user, engine=engine)
    elif item.kind == "assessment":
        restore_assessment(item.id, user=user, engine=engine)
    elif item.kind == "executive":
        restore_executive(item.id, user=user, engine=engine)
    elif item.kind == "initiative":
        restore_initiative(item.id, user=user, engine=engine)
    elif item.kind == "target":
        restore_target(item.id, user=user, engine=engine)
    else:
        raise InvalidInput(_("cannot restore a {kind}").format(kind=item.kind))
