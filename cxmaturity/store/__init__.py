"""The store: engine, schema, migrations and all SQL. Nothing else in the program writes SQL.

Each module holds the queries of one kind of data and takes the caller's connection, so a use
case in ``cxmaturity.services`` opens ONE transaction (``reading``/``writing``) and runs all
its queries in it. The store checks no access: services do, before they call it.
"""

from cxmaturity.store.engine import EngineRef, database_url, get_engine, reading, writing

__all__ = ["EngineRef", "database_url", "get_engine", "reading", "writing"]
