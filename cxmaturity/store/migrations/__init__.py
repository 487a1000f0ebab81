"""Alembic migrations of the storage schema (run from code by cxmaturity.store.engine)."""
