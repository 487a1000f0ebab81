"""Use cases on organisations; each checks access, then runs one transaction."""

from __future__ import annotations

import json
from typing import Any

from cxmaturity import store
from cxmaturity.access import (
    SAVE_ORGANISATION,
    User,
    acting,
    check_read,
    check_write,
)
from cxmaturity.errors import InvalidInput
from cxmaturity.formatting import digits
from cxmaturity.i18n import _
from cxmaturity.rules import MAX_NAME
from cxmaturity.services.audit import actor_of
from cxmaturity.services.catalogue import org_name
from cxmaturity.store import audit as audit_sql
from cxmaturity.store import organisations as orgs_sql
from cxmaturity.store.records import Organisation


def check_name(name: Any) -> str:
    if not isinstance(name, str) or not name.strip():
        raise InvalidInput(_("organisation name must not be empty"))
    if len(name) > MAX_NAME:
        raise InvalidInput(
            _("organisation name is longer than {limit} characters").format(limit=digits(MAX_NAME))
        )
    if "\x00" in name:
        raise InvalidInput(_("organisation name must not contain a NUL character"))
    return name


def attribute_values(attributes: dict | None) -> dict:
    """The organisation attributes to store, checked: industry, size_band (or size), region, is_demo."""
    attributes = dict(attributes or {})
    if "size" in attributes and "size_band" not in attributes:
        attributes["size_band"] = attributes.pop("size")
    unknown = set(attributes) - set(orgs_sql.ATTRIBUTES) - {"size"}
    if unknown:
        raise InvalidInput(
            _("unknown organisation attribute(s): {attributes}").format(
                attributes=", ".join(sorted(unknown))
            )
        )
    values = {}
    for key in ("industry", "size_band", "region"):
        if attributes.get(key) is not None:
            values[key] = str(attributes[key])
    if attributes.get("is_demo") is not None:
        values["is_demo"] = bool(attributes["is_demo"])
    return values


def create_organisation(
    name: str,
    industry: str | None = None,
    size_band: str | None = None,
    region: str | None = None,
    is_demo: bool | None = None,
    *,
    user: User | None = None,
    engine: store.EngineRef = None,
) -> Organisation:
    """Create the organisation (name stored exactly as given), or update the attributes given
    for an existing one. Only an administrator creates one (for others it is not one of
    theirs); an analyst may update their organisations' attributes."""
    name = check_name(name)
    user = check_write(user, name)
    attrs = {"industry": industry, "size_band": size_band, "region": region, "is_demo": is_demo}
    values = attribute_values(attrs)
    with store.writing(engine) as conn:
        org_id = orgs_sql.ensure(conn, name, values)
        given = {k: v for k, v in attrs.items() if v is not None}
        audit_sql.write(
            conn,
            actor_of(user),
            SAVE_ORGANISATION,
            name,
            json.dumps(given, ensure_ascii=False) if given else None,
        )
        return orgs_sql.get_by_id(conn, org_id)


def get_organisation(
    name: str, *, user: User | None = None, engine: store.EngineRef = None
) -> Organisation | None:
    """The organisation, or None when unknown (AccessDenied for one the user may not see,
    existing or not)."""
    name = org_name(name)
    check_read(user, name)
    with store.reading(engine) as conn:
        return orgs_sql.get(conn, name)


def list_organisations(
    include_demo: bool = True, *, user: User | None = None, engine: store.EngineRef = None
) -> list[Organisation]:
    """The organisations ``user`` may see (all for an admin): real ones first, then demo ones."""
    user = acting(user)
    with store.reading(engine) as conn:
        return orgs_sql.list_all(conn, user.organisations, include_demo)


def has_organisations(*, user: User | None = None, engine: store.EngineRef = None) -> bool:
    """Whether any organisation exists that ``user`` may see (any at all for an admin)."""
    user = acting(user)
    with store.reading(engine) as conn:
        return orgs_sql.any_exist(conn, user.organisations)
