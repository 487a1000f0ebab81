"""Helpers for test databases."""

from __future__ import annotations

from pathlib import Path


def copy_sqlite(src: Path, dst: Path) -> None:
    """A consistent copy of a SQLite database (WAL included) through the backup API."""
    import sqlite3

    source, target = sqlite3.connect(src), sqlite3.connect(dst)
    try:
        source.backup(target)
    finally:
        source.close()
        target.close()
