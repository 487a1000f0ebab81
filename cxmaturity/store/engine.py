"""Database connection and schema management (design.md §4 "Storage location").

The URL comes from ``CXMATURITY_DATABASE_URL``; without it, a SQLite file in the git-ignored
``./.cxmaturity/`` folder of the working directory. The schema is created and upgraded by
running the Alembic migrations in ``cxmaturity/migrations`` from code (no alembic.ini), so a
fresh installation and an old database follow the same path.

New migration (developers)::

    python -c "from alembic import command; from cxmaturity.store.engine import alembic_config; \
command.revision(alembic_config(), message='what changed', autogenerate=True)"
"""

from __future__ import annotations

import os
import threading
import weakref
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import Connection, Engine, create_engine, event, make_url, text
from sqlalchemy.engine import URL
from sqlalchemy.exc import (
    DatabaseError,
    DataError,
    DBAPIError,
    IntegrityError,
    OperationalError,
    ProgrammingError,
)

from cxmaturity.errors import DatabaseUnavailable
from cxmaturity.i18n import _

ENV_URL = "CXMATURITY_DATABASE_URL"
DEFAULT_DIR = ".cxmaturity"
DEFAULT_FILE = "cxmaturity.db"
MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
SQLITE_BUSY_TIMEOUT_MS = 30_000
# The newest migration. Checked by plain SQL at start-up so an up-to-date database never
# imports Alembic (~0.2 s per CLI call); a test keeps it equal to the migrations' head.
SCHEMA_HEAD = "0006"

_engines: dict[str, Engine] = {}
# engines whose schema is known to be at head (weak: an engine dropped by its owner goes)
_schema_ready: weakref.WeakSet[Engine] = weakref.WeakSet()
_lock = threading.Lock()
# SQLite engines' files as they were when opened: (path, (device, inode))
_sqlite_files: weakref.WeakKeyDictionary[Engine, tuple[Path, tuple[int, int] | None]] = (
    weakref.WeakKeyDictionary()
)


def database_url() -> str:
    """The configured SQLAlchemy URL, or the default SQLite file under ./.cxmaturity/."""
    url = os.environ.get(ENV_URL, "").strip()
    if url:
        return url
    path = Path.cwd() / DEFAULT_DIR / DEFAULT_FILE
    return f"sqlite:///{path}"


def _is_sqlite(url: URL) -> bool:
    return url.get_backend_name() == "sqlite"


def _sqlite_file(url: URL) -> Path | None:
    db = url.database
    if not db or db == ":memory:" or db.startswith("file:"):
        return None
    return Path(db)


def create_engine_for(url: str | URL) -> Engine:
    """A new engine for ``url``; SQLite gets WAL, a busy timeout and foreign keys."""
    url = make_url(url)
    if not _is_sqlite(url):
        # pre_ping: a long-running app survives a PostgreSQL restart
        return create_engine(url, pool_pre_ping=True)

    path = _sqlite_file(url)
    if path is not None:
        _prepare_sqlite_file(path)
    engine = create_engine(url, connect_args={"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000})
    if path is not None:
        _sqlite_files[engine] = (path, _identity(path))

    @event.listens_for(engine, "connect")
    def _sqlite_pragmas(dbapi_connection, _record):
        # Take transaction control away from pysqlite so we can say BEGIN IMMEDIATE for
        # writes (the SQLAlchemy-documented recipe); it also makes DDL transactional.
        dbapi_connection.isolation_level = None
        cur = dbapi_connection.cursor()
        # busy_timeout first, so the journal_mode switch waits for a concurrent opener
        cur.execute(f"PRAGMA busy_timeout = {SQLITE_BUSY_TIMEOUT_MS}")
        if path is not None:
            # WAL: readers (the dashboard) never block the writer (an import) and vice versa
            cur.execute("PRAGMA journal_mode = WAL")
            # NORMAL is crash-safe in WAL mode (a killed process never corrupts or half-commits);
            # only a power cut can lose the last commits
            cur.execute("PRAGMA synchronous = NORMAL")
        cur.execute("PRAGMA foreign_keys = ON")
        cur.close()

    @event.listens_for(engine, "begin")
    def _sqlite_begin(conn: Connection):
        # Writers take the write lock up front: a deferred transaction that reads and then
        # writes fails at once with "database is locked" instead of waiting busy_timeout.
        conn.exec_driver_sql(conn.get_execution_options().get("sqlite_begin", "BEGIN"))

    return engine


def _prepare_sqlite_file(path: Path) -> None:
    """The database's folder and file, private to this account (they hold password hashes and
    every organisation's answers): the folder 700, the file 600 (SQLite gives its -wal and
    -shm files the database file's permissions). A path that cannot hold a database is one
    clear DatabaseUnavailable, never a traceback."""
    try:
        if path.parent.exists() and not path.parent.is_dir():
            raise NotADirectoryError(path.parent)
        if not path.parent.exists():
            path.parent.mkdir(parents=True, mode=0o700)
        if not path.exists():
            os.close(os.open(path, os.O_CREAT | os.O_WRONLY, 0o600))
    except (FileExistsError, NotADirectoryError):
        raise DatabaseUnavailable(
            _(
                "cannot create the database at {path}: a file stands where a folder should be"
            ).format(path=path)
        ) from None
    except OSError as exc:
        raise DatabaseUnavailable(
            _("cannot create the database at {path}: {reason}").format(
                path=path, reason=exc.strerror or exc
            )
        ) from None
    if not path.is_file():
        raise DatabaseUnavailable(
            _("cannot use {path} as the database: it is not a file").format(path=path)
        )


def _identity(path: Path) -> tuple[int, int] | None:
    try:
        info = path.stat()
    except OSError:
        return None
    return info.st_dev, info.st_ino


def check_file_still_there(engine: Engine) -> None:
    """Refuse to go on when the SQLite file was deleted or replaced while the app ran (e.g. by
    ``git clean -xfd``): an open connection would keep writing into the deleted file, and
    everything saved since would be gone at the next start."""
    known = _sqlite_files.get(engine)
    if known is None:
        return
    path, identity = known
    if _identity(path) != identity:
        raise DatabaseUnavailable(
            _(
                "the database file {path} was deleted or replaced while the app was running; nothing was saved. Restore the file from a backup, or restart the app to start a new, empty database."
            ).format(path=path)
        )


def get_engine(url: str | URL | Engine | None = None) -> Engine:
    """The process-wide engine for ``url`` (default: :func:`database_url`), schema ensured."""
    if isinstance(url, Engine):
        with _translated():
            ensure_schema(url)
        return url
    key = make_url(url or database_url()).render_as_string(hide_password=False)
    with _lock:
        engine = _engines.get(key)
        if engine is None:
            engine = _engines[key] = create_engine_for(key)
    with _translated():
        ensure_schema(engine)
    return engine


def dispose_engines() -> None:
    """Close every cached engine (tests, and before a process forks)."""
    with _lock:
        for engine in _engines.values():
            _schema_ready.discard(engine)
            engine.dispose()
        _engines.clear()


def unavailable(exc: DBAPIError) -> DatabaseUnavailable | None:
    """The database failure behind ``exc`` in words a person can act on, or None for an error
    that is about the data (a constraint), which callers handle themselves."""
    if isinstance(exc, IntegrityError | ProgrammingError | DataError):
        return None
    text_ = (
        str(getattr(exc, "orig", None) or exc).strip().splitlines()[0]
        if str(exc).strip()
        else type(exc).__name__
    )
    lowered = text_.lower()
    if "readonly" in lowered or "read-only" in lowered or "read only" in lowered:
        return DatabaseUnavailable(
            "the database is read-only here, so nothing can be saved (and nobody can sign in, "
            f"which is recorded in it); ask the administrator to fix its permissions ({text_})"
        )
    if "malformed" in lowered or "not a database" in lowered or "corrupt" in lowered:
        return DatabaseUnavailable(
            "the database file is damaged; run 'cxmaturity check' and restore it from a backup "
            f"({text_})"
        )
    if (
        "unable to open" in lowered
        or "could not connect" in lowered
        or "connection" in lowered
        or "timeout" in lowered
    ):
        return DatabaseUnavailable(f"the database cannot be reached ({text_})")
    return DatabaseUnavailable(f"the database failed: {text_}")


@contextmanager
def _translated() -> Iterator[None]:
    try:
        yield
    except (OperationalError, DatabaseError) as exc:
        problem = unavailable(exc)
        if problem is None:
            raise
        raise problem from exc


@contextmanager
def write_transaction(engine: Engine) -> Iterator[Connection]:
    """One transaction that will write: BEGIN IMMEDIATE on SQLite, plain BEGIN elsewhere."""
    check_file_still_there(engine)
    with _translated(), engine.connect() as conn:
        if engine.dialect.name == "sqlite":
            conn.execution_options(sqlite_begin="BEGIN IMMEDIATE")
        with conn.begin():
            yield conn


@contextmanager
def read_transaction(engine: Engine) -> Iterator[Connection]:
    """One consistent read (a single snapshot on SQLite WAL; READ COMMITTED elsewhere)."""
    check_file_still_there(engine)
    with _translated(), engine.connect() as conn, conn.begin():
        yield conn


EngineRef = Engine | str | URL | None
"""Where the data is: an Engine, a SQLAlchemy URL, or None for the configured database."""


def writing(ref: EngineRef = None):
    """The one write transaction of a use case, on the database ``ref`` names."""
    return write_transaction(get_engine(ref))


def reading(ref: EngineRef = None):
    """The one read transaction of a use case, on the database ``ref`` names."""
    return read_transaction(get_engine(ref))


# --- migrations ---------------------------------------------------------------------------


def alembic_config(url: str | URL | None = None):
    """An Alembic Config built in code, pointing at the packaged migrations."""
    from alembic.config import Config  # Alembic (~0.2 s) only when the schema is checked or changed

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    # '%' is Alembic's interpolation character; URLs may contain %-escapes
    raw = make_url(url or database_url()).render_as_string(hide_password=False)
    cfg.set_main_option("sqlalchemy.url", raw.replace("%", "%%"))
    return cfg


def known_revisions() -> set[str]:
    """Every revision of the packaged migrations (read from the file names: no Alembic import)."""
    return {p.name.split("_", 1)[0] for p in (MIGRATIONS_DIR / "versions").glob("[0-9]*_*.py")}


def head_revision() -> str:
    # Alembic (~0.2 s) only when the schema is checked or changed, as in every function here
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(alembic_config("sqlite://")).get_current_head()


def current_revision(engine: Engine) -> str | None:
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def _migrate(engine: Engine, revision: str, downgrade: bool = False) -> None:
    from alembic import command
    from alembic.runtime.migration import MigrationContext

    with write_transaction(engine) as conn:
        if engine.dialect.name == "postgresql":
            # two processes starting on an empty database: the second waits, then finds head
            conn.execute(
                text("SELECT pg_advisory_xact_lock(:key)"),
                {"key": zlib.crc32(b"cxmaturity-migrations")},
            )
        if not downgrade and MigrationContext.configure(conn).get_current_revision() == revision:
            return
        cfg = alembic_config(engine.url)
        # env.py runs on this connection, inside this transaction: all-or-nothing migrations
        cfg.attributes["connection"] = conn
        if downgrade:
            command.downgrade(cfg, revision)
        else:
            command.upgrade(cfg, revision)


def _stored_revision(engine: Engine) -> str | None:
    """alembic_version's content by plain SQL; None when the table is missing."""
    try:
        with engine.connect() as conn:
            versions = conn.execute(text("SELECT version_num FROM alembic_version")).scalars().all()
    except DBAPIError:
        return None
    return versions[0] if len(versions) == 1 else None


def ensure_schema(engine: Engine) -> None:
    """Create or upgrade the schema to the newest migration (cheap after the first call)."""
    if engine in _schema_ready:
        return
    stored = _stored_revision(engine)
    if stored != SCHEMA_HEAD:
        if stored is not None and stored not in known_revisions():
            raise DatabaseUnavailable(
                _(
                    "the database is at schema revision {stored}, newer than this version of cxmaturity knows (it knows up to {schema_head}); upgrade cxmaturity to use it"
                ).format(stored=stored, schema_head=SCHEMA_HEAD)
            )
        _migrate(engine, head_revision())
    _schema_ready.add(engine)


def upgrade(engine: Engine, revision: str = "head") -> None:
    if revision == "head":
        revision = head_revision()
    _migrate(engine, revision)
    _schema_ready.discard(engine)


def downgrade(engine: Engine, revision: str = "base") -> None:
    _migrate(engine, revision, downgrade=True)
    _schema_ready.discard(engine)
