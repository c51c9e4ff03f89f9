"""DuckDB executor: connection, transactions, Arrow in and out, error translation."""

from __future__ import annotations

import contextlib
import logging
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa

from taxgate.errors import StoreError, StoreLocked, WorkspaceError
from taxgate.files import owner_only_umask, restrict_to_owner

DEFAULT_MEMORY_LIMIT = "4GB"
DEFAULT_LOCK_WAIT = 600.0
"""Seconds an open waits for another process's lock: a run of 100,000 requests fits."""

logger = logging.getLogger(__name__)


class Store:
    """A DuckDB database file: one writing process at a time, or any number of readers.

    DuckDB locks the file for the whole connection: a read-only connection (``read_only``)
    shares it with other readers but not with a writer, in either order (DuckDB docs,
    "Concurrency"; duckdb/duckdb#17158). So every command that only reads opens read-only,
    and an open that meets the other kind of lock waits for it (up to ``lock_wait`` seconds)
    instead of failing: an auditor's ``ledger verify`` delays a ``run`` by its own few
    seconds and never makes it fail, and a ``verify`` started during a ``run`` waits for it.

    Example:
        >>> store = Store.memory()
        >>> store.execute("CREATE TABLE t (x INTEGER)")
        >>> store.execute("INSERT INTO t VALUES (?)", [1])
        >>> store.fetchall("SELECT x FROM t")
        [(1,)]
    """

    def __init__(
        self, connection: duckdb.DuckDBPyConnection, *, path: Path | None, read_only: bool = False
    ) -> None:
        self._con = connection
        self.path = path
        self.read_only = read_only
        self._depth = 0

    @classmethod
    def open(
        cls,
        path: Path,
        *,
        threads: int | None = None,
        memory_limit: str = DEFAULT_MEMORY_LIMIT,
        read_only: bool = False,
        lock_wait: float = DEFAULT_LOCK_WAIT,
    ) -> Store:
        """Open (or, to write, create) the store file at ``path``.

        DuckDB's buffer is capped (``memory_limit``; it spills to ``<store>.tmp`` beyond it),
        so that a master load of a million taxpayers stays within a laptop's memory next to
        the Python side's standardisation tables.

        Args:
            path: The store file.
            threads: DuckDB's worker threads (default: its own choice).
            memory_limit: DuckDB's buffer cap.
            read_only: Open for reading only: nothing can be written, and other readers may
                hold the file at the same time. A store not created yet reads as empty.
            lock_wait: How long to wait, in seconds, for another process's lock.

        Raises:
            WorkspaceError: the file is held by another process for longer than
                ``lock_wait``, or is not a store.
        """
        if read_only and not path.exists():
            # Nothing was ever written: an empty store, which creates no file.
            return cls.memory(read_only=True)
        config: dict[str, Any] = {"memory_limit": memory_limit}
        if threads is not None:
            config["threads"] = threads
        con = _connect(path, read_only=read_only, config=config, lock_wait=lock_wait)
        with contextlib.suppress(OSError):  # a store of another user stays as it is
            restrict_to_owner(path)
        return cls(con, path=path, read_only=read_only)

    @classmethod
    def memory(cls, *, read_only: bool = False) -> Store:
        """An in-memory store, for tests and scratch work (``read_only``: marked so, to stand
        for a store file that does not exist yet)."""
        con = duckdb.connect(":memory:")
        con.execute("SET enable_progress_bar = false")
        return cls(con, path=None, read_only=read_only)

    @property
    def connection(self) -> duckdb.DuckDBPyConnection:
        """The raw connection, for adapters (Splink) that need it."""
        return self._con

    def close(self) -> None:
        self._con.close()
        if self.path is not None:
            with contextlib.suppress(OSError):
                restrict_to_owner(self.path)

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def execute(self, sql: str, params: Sequence[Any] | dict[str, Any] | None = None) -> None:
        """Run one statement for its effect."""
        try:
            self._con.execute(sql, params)
        except duckdb.Error as e:
            raise StoreError(f"store statement failed: {e}") from e

    def fetchall(
        self, sql: str, params: Sequence[Any] | dict[str, Any] | None = None
    ) -> list[tuple[Any, ...]]:
        """Run a query and return its rows."""
        try:
            return self._con.execute(sql, params).fetchall()
        except duckdb.Error as e:
            raise StoreError(f"store query failed: {e}") from e

    def fetchone(
        self, sql: str, params: Sequence[Any] | dict[str, Any] | None = None
    ) -> tuple[Any, ...] | None:
        """Run a query and return its first row, or None.

        The whole result is fetched, so that no open result blocks the next statement
        (DuckDB 2); callers ask for one row with an aggregate or ``LIMIT 1``.
        """
        try:
            rows = self._con.execute(sql, params).fetchall()
            return rows[0] if rows else None
        except duckdb.Error as e:
            raise StoreError(f"store query failed: {e}") from e

    def arrow(self, sql: str, params: Sequence[Any] | dict[str, Any] | None = None) -> pa.Table:
        """Run a query and return an Arrow table."""
        try:
            result = self._con.sql(sql, params=params).to_arrow_table()
        except duckdb.Error as e:
            raise StoreError(f"store query failed: {e}") from e
        return result

    def register(self, name: str, table: pa.Table) -> None:
        """Expose an Arrow table to SQL under ``name`` (a fixed identifier, never input)."""
        self._con.register(name, table)

    def unregister(self, name: str) -> None:
        self._con.unregister(name)

    def insert_arrow(self, table_name: str, table: pa.Table) -> None:
        """Append the rows of an Arrow table to ``table_name`` (columns by name)."""
        view = f"_insert_{table_name}"
        self._con.register(view, table)
        try:
            cols = ", ".join(f'"{c}"' for c in table.column_names)
            self._con.execute(f"INSERT INTO {table_name} ({cols}) SELECT {cols} FROM {view}")
        except duckdb.Error as e:
            raise StoreError(f"cannot insert into {table_name}: {e}") from e
        finally:
            self._con.unregister(view)

    @contextmanager
    def transaction(self) -> Iterator[Store]:
        """All or nothing: commit on success, roll back on any exception (nests flat)."""
        if self._depth:
            self._depth += 1
            try:
                yield self
            finally:
                self._depth -= 1
            return
        self._con.execute("BEGIN TRANSACTION")
        self._depth = 1
        try:
            yield self
        except BaseException:
            self._depth = 0
            self._con.execute("ROLLBACK")
            raise
        self._depth = 0
        try:
            self._con.execute("COMMIT")
        except duckdb.Error as e:
            raise StoreError(f"commit failed: {e}") from e


def _connect(
    path: Path, *, read_only: bool, config: dict[str, Any], lock_wait: float
) -> duckdb.DuckDBPyConnection:
    """Connect, waiting (with backoff) while another process holds a conflicting lock."""
    deadline = time.monotonic() + lock_wait
    delay = 0.05
    waiting = False
    while True:
        try:
            # The store holds taxpayer data: its files are the owner's alone, whatever the
            # umask (the engine creates them itself).
            with owner_only_umask():
                con = duckdb.connect(str(path), read_only=read_only, config=config)
            con.execute("SET enable_progress_bar = false")
            return con
        except duckdb.IOException as e:
            remaining = deadline - time.monotonic()
            if not _is_lock_conflict(e) or remaining <= 0:
                raise _open_error(path, e, waited=lock_wait if waiting else 0.0) from e
            if not waiting:
                logger.warning(
                    "the workspace store %s is in use by another taxgate process; "
                    "waiting for it (up to %.0f s)",
                    path,
                    lock_wait,
                )
                waiting = True
            time.sleep(min(delay, remaining))
            delay = min(delay * 2, 1.0)


def _is_lock_conflict(error: duckdb.IOException) -> bool:
    return "lock" in str(error).lower()


def _open_error(path: Path, error: duckdb.IOException, *, waited: float) -> WorkspaceError:
    """Say why the store did not open: held by another process, or not a readable store."""
    if _is_lock_conflict(error):
        after = f" (waited {waited:.3g} s)" if waited else ""
        return StoreLocked(
            f"the workspace store {path} is in use by another process{after}: {error}",
            hint="another taxgate process may be using this workspace; wait for it to finish",
        )
    return WorkspaceError(
        f"the workspace store {path} is damaged or is not a taxgate store (truncated, "
        f"overwritten, or copied while in use): {error}",
        hint="restore the workspace folder from a backup, then check it with "
        "`taxgate ledger verify WS`",
    )
