"""Getting a database ready for the app: schema, demo data, the cache token."""

from __future__ import annotations

from dataclasses import dataclass

from cxmaturity import store
from cxmaturity.access import User, check_admin
from cxmaturity.services.demo import ensure_demo_if_empty
from cxmaturity.services.trash import purge_expired
from cxmaturity.store import assessments as assessments_sql
from cxmaturity.store import health as health_sql


def database_url() -> str:
    return store.database_url()


def prepare(url: store.EngineRef = None) -> bool:
    """Migrate the schema, purge what has been in the trash too long, and load the demo into an
    empty database unless CXMATURITY_DEMO=0.
    True when the demo was loaded now."""
    engine = store.get_engine(url)
    purge_expired(engine=engine)
    return ensure_demo_if_empty(engine)


def data_version(*, engine: store.EngineRef = None) -> str:
    """A token that changes whenever stored data changes (the UI keys its caches on it)."""
    with store.reading(engine) as conn:
        return assessments_sql.data_version(conn)


@dataclass(frozen=True)
class HealthReport:
    organisations: int
    assessments: int
    problems: list[str]

    @property
    def ok(self) -> bool:
        return not self.problems


def check_database(*, user: User | None = None, engine: store.EngineRef = None) -> HealthReport:
    """``cxmaturity check``: the database's integrity check and the store's invariants.
    Administrators only (it looks at every organisation)."""
    check_admin(user)
    with store.reading(engine) as conn:
        problems = health_sql.integrity_problems(conn)
        if not problems:  # the invariants need readable tables
            problems = health_sql.invariant_problems(conn)
        orgs, assessments = health_sql.counts(conn)
    return HealthReport(orgs, assessments, problems)
