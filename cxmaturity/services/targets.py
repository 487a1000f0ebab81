"""Use cases on targets: the level an organisation aims for per competency at a horizon."""

from __future__ import annotations

import numpy as np

from cxmaturity import store
from cxmaturity.access import DELETE_TARGET, SET_TARGET, User, check_read, check_write
from cxmaturity.errors import InvalidInput
from cxmaturity.formatting import digits
from cxmaturity.i18n import _
from cxmaturity.rules import TARGET_HORIZONS
from cxmaturity.services.audit import actor_of
from cxmaturity.services.catalogue import ModelRef, model_id, org_name
from cxmaturity.services.catalogue import model as resolve_model
from cxmaturity.store import audit as audit_sql
from cxmaturity.store import organisations as orgs_sql
from cxmaturity.store import targets as targets_sql
from cxmaturity.store.records import Target
from cxmaturity.translations import localised


def _horizons_text() -> str:
    *first, last = TARGET_HORIZONS
    return f"{', '.join(str(h) for h in first)} or {last}"


def set_target(
    org: str,
    model: ModelRef,
    competency_id: str,
    horizon_months: int,
    level: int,
    *,
    user: User | None = None,
    engine: store.EngineRef = None,
) -> Target:
    """Set (or replace) the target level for a competency at one of the target horizons."""
    name = org_name(org)
    user = check_write(user, name)
    maturity_model = resolve_model(model)
    try:
        maturity_model.competency(competency_id)
    except KeyError:
        raise InvalidInput(
            _("'{competency_id}' is not a competency of the {name}").format(
                competency_id=competency_id, name=localised(maturity_model).name
            )
        ) from None
    if horizon_months not in TARGET_HORIZONS or isinstance(horizon_months, bool):
        raise InvalidInput(
            _("horizon must be {horizons} months, not {horizon_months}").format(
                horizons=_horizons_text(), horizon_months=repr(horizon_months)
            )
        )
    if (
        isinstance(level, bool)
        or not isinstance(level, int | np.integer)
        or not 1 <= level <= len(maturity_model.levels)
    ):
        raise InvalidInput(
            _("level must be 1..{levels} for the {name}, not {level}").format(
                levels=digits(len(maturity_model.levels)),
                name=localised(maturity_model).name,
                level=repr(level),
            )
        )
    with store.writing(engine) as conn:
        org_id = orgs_sql.require_id(conn, name)
        target = targets_sql.put(
            conn, org_id, maturity_model.id, competency_id, int(horizon_months), int(level)
        )
        detail = (
            f"{maturity_model.id} {competency_id}, {int(horizon_months)} months: level {int(level)}"
        )
        audit_sql.write(conn, actor_of(user), SET_TARGET, name, detail)
    return target


def list_targets(
    org: str,
    model: ModelRef | None = None,
    *,
    user: User | None = None,
    engine: store.EngineRef = None,
) -> list[Target]:
    """By model, horizon, then the order they were first set."""
    name = org_name(org)
    check_read(user, name)
    with store.reading(engine) as conn:
        return targets_sql.list_for(conn, orgs_sql.require_id(conn, name), model_id(model))


def delete_target(
    org: str,
    model: ModelRef,
    competency_id: str,
    horizon_months: int,
    *,
    user: User | None = None,
    engine: store.EngineRef = None,
) -> bool:
    name = org_name(org)
    user = check_write(user, name)
    with store.writing(engine) as conn:
        removed = targets_sql.trash(
            conn,
            orgs_sql.require_id(conn, name),
            model_id(model),
            competency_id,
            horizon_months,
            actor_of(user),
        )
        if removed:
            detail = (
                f"{model_id(model)} {competency_id}, {int(horizon_months)} months, into the trash"
            )
            audit_sql.write(conn, actor_of(user), DELETE_TARGET, name, detail)
    return removed
