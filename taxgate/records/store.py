"""The record store's one seam: open (and migrate) a SQLite file or a PostgreSQL database.

Example:
    >>> records = RecordStore.open("sqlite:///ws/records.sqlite")  # doctest: +SKIP
    >>> with records.begin() as conn: ...  # doctest: +SKIP
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import Connection, make_url
from sqlalchemy.exc import ArgumentError, NoSuchModuleError, SQLAlchemyError

from taxgate.errors import ConfigError, InputError, StoreError

RECORDS_FILE = "records.sqlite"


def default_database_url(workspace_root: Path) -> str:
    """The embedded default: a SQLite file in the workspace (0600, like the rest of it)."""
    return f"sqlite:///{(workspace_root / RECORDS_FILE).resolve()}"


@dataclass(frozen=True)
class RecordStore:
    """An open record store: a SQLAlchemy engine on a migrated schema."""

    engine: Engine

    @classmethod
    def open(cls, url: str) -> RecordStore:
        """Connect to ``url``, bring its schema to the newest migration, and return the store.

        Raises:
            ConfigError: the URL is not one taxgate can use.
            StoreError: the database cannot be reached or migrated.
        """
        engine = _engine(url)
        try:
            with engine.begin() as connection:
                _migrate(connection)
        except SQLAlchemyError as e:
            engine.dispose()
            raise StoreError(
                f"the record store at {_safe(url)} cannot be opened: {e.__class__.__name__}",
                hint="check that the database server runs and the URL names a database "
                "you may write to",
            ) from e
        return cls(engine)

    @contextmanager
    def begin(self) -> Iterator[Connection]:
        """One transaction: committed when the block ends, rolled back if it raises."""
        try:
            with self.engine.begin() as connection:
                yield connection
        except SQLAlchemyError as e:
            raise StoreError(f"the record store failed: {e.__class__.__name__}: {e.args[0]}") from e

    def close(self) -> None:
        """Close every pooled connection."""
        self.engine.dispose()

    @property
    def backend(self) -> str:
        """``sqlite`` or ``postgresql``."""
        return self.engine.dialect.name


def _engine(url: str) -> Engine:
    try:
        parsed = make_url(url)
    except ArgumentError as e:
        raise ConfigError(
            f"--database {url!r} is not a database URL",
            hint="use sqlite:///PATH or postgresql://USER@HOST:PORT/DB",
        ) from e
    if parsed.drivername in ("postgresql", "postgres"):
        # The psycopg 3 driver is the one taxgate installs.
        parsed = parsed.set(drivername="postgresql+psycopg")
    options: dict[str, Any] = {}
    if parsed.get_backend_name() == "sqlite":
        options["connect_args"] = {"check_same_thread": False}
        # Every request of the service reads its session and writes its access-log row: a
        # pool smaller than the requests in flight opens (and closes) a file connection each.
        options["pool_size"] = 40
        if parsed.database and parsed.database != ":memory:":
            _owner_only_file(Path(parsed.database))
    elif parsed.get_backend_name() != "postgresql":
        raise ConfigError(
            f"--database {_safe(url)}: taxgate keeps its records in SQLite or PostgreSQL only",
            hint="use sqlite:///PATH or postgresql://USER@HOST:PORT/DB",
        )
    try:
        engine = create_engine(parsed, **options)
    except (ArgumentError, NoSuchModuleError) as e:
        raise ConfigError(f"--database {_safe(url)} cannot be used: {e}") from e
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
    event.listen(engine, "before_cursor_execute", _refuse_nul)
    return engine


def _refuse_nul(
    _conn: Any, _cursor: Any, _statement: str, parameters: Any, _context: Any, _many: bool
) -> None:
    """Text with a NUL character is refused as the caller's input on both backends:
    PostgreSQL's text type cannot hold one (it failed as a server error), and no record
    (a name, a path parameter, a justification) has one."""
    rows = parameters if isinstance(parameters, list | tuple) else [parameters]
    for row in rows:
        values = (
            row.values()
            if isinstance(row, dict)
            else row
            if isinstance(row, list | tuple)
            else [row]
        )
        if any(isinstance(v, str) and "\x00" in v for v in values):
            raise InputError("text must not contain a NUL character")


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    """Foreign keys, a wait for the write lock, and the write-ahead log: every request writes
    its access-log row, and in WAL mode a commit is one append and one sync of the log (not
    a journal and the database file), and sign-in checks read beside it instead of waiting.
    ``synchronous = FULL`` keeps every committed row through a power cut."""
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys = ON")
    cursor.execute("PRAGMA busy_timeout = 5000")
    cursor.execute("PRAGMA journal_mode = WAL")
    cursor.execute("PRAGMA synchronous = FULL")
    cursor.close()


def _owner_only_file(path: Path) -> None:
    """Create the SQLite file 0600 before SQLite does (it would follow the umask)."""
    if not path.parent.is_dir():
        raise ConfigError(
            f"--database names {path}, whose folder does not exist",
            hint="create the folder first or name a file in an existing one",
        )
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    os.close(fd)
    os.chmod(path, 0o600)


def _migrate(connection: Connection) -> None:
    config = Config()
    location = resources.files("taxgate.records") / "migrations"
    config.set_main_option("script_location", str(location))
    config.attributes["connection"] = connection
    command.upgrade(config, "head")


def _safe(url: str) -> str:
    """The URL with any password hidden, for messages."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        return "(unparseable URL)"
