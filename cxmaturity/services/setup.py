"""Getting a database ready for the app: schema, demo data, the cache token."""

from __future__ import annotations

from cxmaturity import store
from cxmaturity.services.demo import ensure_demo_if_empty
from cxmaturity.services.trash import purge_expired
from cxmaturity.store import assessments as assessments_sql


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
