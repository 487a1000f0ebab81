"""The executive-commitment tracker (source 002, Temkin Group's five levels of executive
commitment): the CX team keeps a list of an organisation's executives, places each on one of
the five levels at each review by choosing the description that fits, and follows the
distribution and each executive's movement.

Executives' names are personal data: only analysts and administrators of the organisation see
them (``tracker``); a viewer gets the distribution alone (``distribution``). Names never enter
peer figures or the audit log (entries say "executive #12").
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass

from cxmaturity import store
from cxmaturity.access import (
    ADD_EXECUTIVE,
    DELETE_EXECUTIVE,
    RATE_EXECUTIVE,
    User,
    acting,
    check_read,
    check_write,
)
from cxmaturity.errors import InvalidInput
from cxmaturity.formatting import digits
from cxmaturity.i18n import N_, _
from cxmaturity.rules import COMMITMENT_MODEL
from cxmaturity.services.assessments import as_date
from cxmaturity.services.audit import actor_of
from cxmaturity.services.catalogue import model as resolve_model
from cxmaturity.services.catalogue import org_name
from cxmaturity.services.plan import checked_text
from cxmaturity.store import audit as audit_sql
from cxmaturity.store import commitment as commitment_sql
from cxmaturity.store import organisations as orgs_sql


class UnknownExecutive(InvalidInput, LookupError):
    pass


@dataclass(frozen=True)
class ExecutiveTrack:
    id: int
    name: str
    ratings: list[tuple[dt.date, int]]  # (review date, level), oldest first

    @property
    def latest(self) -> int | None:
        return self.ratings[-1][1] if self.ratings else None

    @property
    def movement(self) -> int | None:
        """Levels moved between the last two reviews (positive: up)."""
        return self.ratings[-1][1] - self.ratings[-2][1] if len(self.ratings) >= 2 else None


@dataclass(frozen=True)
class Distribution:
    """How many executives sit on each level at each review: no names."""

    reviews: list[dt.date]
    counts: dict[dt.date, dict[int, int]]  # review -> level -> executives
    levels: int


def add_executive(
    org: str, name: str, *, user: User | None = None, engine: store.EngineRef = None
) -> int:
    org = org_name(org)
    user = check_write(user, org)
    name = checked_text(name, N_("executive's name or role"), 200)
    with store.writing(engine) as conn:
        executive_id = commitment_sql.add(conn, orgs_sql.require_id(conn, org), name)
        audit_sql.write(conn, actor_of(user), ADD_EXECUTIVE, org, f"executive #{executive_id}")
    return executive_id


def _owning(conn, executive_id: int, user: User | None) -> str:
    org = commitment_sql.organisation_of(conn, executive_id)
    if org is None or not acting(user).can_write(org):
        raise UnknownExecutive(
            _("there is no executive #{executive_id} you can change").format(
                executive_id=digits(executive_id)
            )
        )
    return org


def rate_executive(
    executive_id: int,
    review_date: dt.date | str,
    level: int,
    *,
    user: User | None = None,
    engine: store.EngineRef = None,
) -> None:
    """Place an executive on a level at a review (again on the same date: replaces it)."""
    levels = len(resolve_model(COMMITMENT_MODEL).levels)
    if isinstance(level, bool) or not isinstance(level, int) or not 1 <= level <= levels:
        raise InvalidInput(
            _("the level must be 1 to {levels}, not {level}").format(
                levels=digits(levels), level=repr(level)
            )
        )
    when = as_date(review_date)
    with store.writing(engine) as conn:
        org = _owning(conn, executive_id, user)
        commitment_sql.rate(conn, int(executive_id), when, level)
        audit_sql.write(
            conn,
            actor_of(user),
            RATE_EXECUTIVE,
            org,
            f"executive #{executive_id}: level {level} on {when.isoformat()}",
        )


def remove_executive(
    executive_id: int, *, user: User | None = None, engine: store.EngineRef = None
) -> None:
    with store.writing(engine) as conn:
        org = _owning(conn, executive_id, user)
        commitment_sql.trash(conn, int(executive_id), actor_of(user))
        audit_sql.write(
            conn, actor_of(user), DELETE_EXECUTIVE, org, f"executive #{executive_id} into the trash"
        )


def tracker(
    org: str, *, user: User | None = None, engine: store.EngineRef = None
) -> list[ExecutiveTrack]:
    """Each executive with their ratings: names, so analysts and administrators only."""
    org = org_name(org)
    check_write(user, org)  # a viewer of the organisation may not see names
    with store.reading(engine) as conn:
        org_id = orgs_sql.require_id(conn, org)
        people = commitment_sql.list_for(conn, org_id)
        ratings = commitment_sql.ratings_for(conn, org_id)
    by_person: dict[int, list[tuple[dt.date, int]]] = {p.id: [] for p in people}
    for r in ratings:
        by_person.setdefault(r.executive_id, []).append((r.review_date, r.level))
    return [ExecutiveTrack(p.id, p.name, by_person[p.id]) for p in people]


def distribution(
    org: str, *, user: User | None = None, engine: store.EngineRef = None
) -> Distribution:
    """Executives per level at each review date, for everyone who may read the organisation."""
    org = org_name(org)
    check_read(user, org)
    with store.reading(engine) as conn:
        ratings = commitment_sql.ratings_for(conn, orgs_sql.require_id(conn, org))
    reviews = sorted({r.review_date for r in ratings})
    counts = {d: dict(Counter(r.level for r in ratings if r.review_date == d)) for d in reviews}
    return Distribution(reviews, counts, len(resolve_model(COMMITMENT_MODEL).levels))
