"""Peer figures: other organisations' latest scores, only ever over enough of them to stay
anonymous (``rules.MIN_PEER_ORGANISATIONS``), never with a name or an id."""

from __future__ import annotations

from cxmaturity import store
from cxmaturity.access import User, check_read
from cxmaturity.rules import MIN_PEER_ORGANISATIONS
from cxmaturity.services.catalogue import ModelRef, model_id, org_name
from cxmaturity.store import organisations as orgs_sql
from cxmaturity.store import peers as peers_sql


def _scope(conn, exclude_org: str | None, include_demo: bool | None, user: User | None) -> tuple[int | None, bool]:
    exclude_id = None
    own_is_demo = False
    if exclude_org is not None:
        # the user's own organisation only: whether another one exists must not show
        name = org_name(exclude_org)
        check_read(user, name)
        exclude_id = orgs_sql.id_of(conn, name)
        if exclude_id is not None:
            own_is_demo = orgs_sql.is_demo(conn, exclude_id)
    if include_demo is None:
        # demo peers are made up: they only ever stand beside demo organisations
        include_demo = own_is_demo
    return exclude_id, include_demo


def peer_competency_scores(
    model: ModelRef,
    exclude_org: str | None = None,
    industry: str | None = None,
    size: str | None = None,
    region: str | None = None,
    include_demo: bool | None = None,
    *,
    user: User | None = None,
    engine: store.EngineRef = None,
) -> list[dict]:
    """Competency scores of each OTHER organisation's latest assessment of ``model``.

    One dict per organisation, {competency id: score}, with no name or id. Returns [] unless
    at least ``MIN_PEER_ORGANISATIONS`` organisations match, so a narrow filter never singles
    one out. Open to every user; ``exclude_org`` must be one the user may see.
    ``include_demo`` None: demo peers are included only when ``exclude_org`` is a demo one.
    """
    with store.reading(engine) as conn:
        exclude_id, demo = _scope(conn, exclude_org, include_demo, user)
        rows = peers_sql.competency_scores_by_organisation(conn, model_id(model), exclude_id, demo, industry, size, region)
    if len(rows) < MIN_PEER_ORGANISATIONS:
        return []
    # ordered by scores rather than by id, so no row can be tied to an import
    return sorted(
        (dict(sorted(scores.items())) for scores in rows),
        key=lambda row: [(v is None, v if v is not None else 0.0) for v in row.values()],
    )


def peer_filter_options(
    model: ModelRef,
    exclude_org: str | None = None,
    include_demo: bool | None = None,
    *,
    user: User | None = None,
    engine: store.EngineRef = None,
) -> dict[str, list[str]]:
    """Filter values among the peers of ``model``: {"industry": [...], "size": [...],
    "region": [...]}, each value only when at least ``MIN_PEER_ORGANISATIONS`` peers have it
    (a value held by one or two organisations would point at them). Never organisation names.
    """
    with store.reading(engine) as conn:
        exclude_id, demo = _scope(conn, exclude_org, include_demo, user)
        rows = peers_sql.attributes_of_peers(conn, model_id(model), exclude_id, demo)

    def common(values: list[str | None]) -> set[str]:
        counted: dict[str, int] = {}
        for v in values:
            if v:
                counted[v] = counted.get(v, 0) + 1
        return {v for v, n in counted.items() if n >= MIN_PEER_ORGANISATIONS}

    # one row per peer organisation (its latest assessment), so a count is a count of organisations
    return {
        "industry": sorted(common([r.industry for r in rows])),
        "size": sorted(common([r.size_band for r in rows]), key=_size_key),
        "region": sorted(common([r.region for r in rows])),
    }


def _size_key(band: str) -> tuple[int, str]:
    """Order size bands by their first number ("250–999" < "1,000–4,999" < "5,000+")."""
    digits = ""
    for ch in band.replace(",", ""):
        if ch.isdigit():
            digits += ch
        elif digits:
            break
    return (int(digits) if digits else 0, band)
