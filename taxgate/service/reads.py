"""Reads of the workspace store that run side by side, off the worker thread.

DuckDB's file is opened by one process at a time, but within the process one connection
hands out cursors, each a connection of its own to the same database that may run on its own
thread (DuckDB's Python API, ``DuckDBPyConnection.cursor``). The review queue's pages only
read, so each runs on the web request's thread with a cursor of one shared read-only
connection, at the same time as the others, instead of waiting in the worker's line.

The worker's tasks (a batch run, a decision, anything that opens the file its own way) are
exclusive: :meth:`SharedReader.exclusive` waits for the reads in flight to end, keeps new ones
waiting, and closes the shared connection before the task runs. A read waits for a task up
to its limit and is then refused as busy. Once no read has come for ``linger`` seconds the
connection is closed (:meth:`SharedReader.close_if_idle`), so that between bursts the file is
free for the CLI, as it is without the service.

While the shared connection is open the store cannot change: this process writes only in a
worker task, which closes it first, and DuckDB refuses another process a write lock while it
is held. So a result that depends on the store alone (the queue's counts by batch and reason)
is worked out once per opening of the connection (:meth:`SharedReader.memo`) and forgotten
when it closes.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar, cast

from taxgate.errors import StoreLocked, WorkspaceError
from taxgate.store import Store

T = TypeVar("T")

LINGER_SECONDS = 2.0
"""How long the shared read connection stays open after the last read."""


class ReadsRefused(WorkspaceError):
    """A read waited its limit for a worker task (a batch run) to end."""


class SharedReader:
    """One read-only connection to the store, a cursor per concurrent read; exclusive
    against the worker's tasks (which may be waiting: they go first)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._cond = threading.Condition()
        self._readers = 0
        self._writing = False
        self._writers_waiting = 0
        self._store: Store | None = None
        self._last_read = time.monotonic()
        self._memo: dict[str, Any] = {}
        self._computing: dict[str, threading.Lock] = {}  # the keys being worked out

    def read(self, task: Callable[[Store], T], *, wait: float) -> T:
        """Run ``task`` on this thread with a cursor of its own (blocking).

        Raises:
            ReadsRefused: a worker task held the store for longer than ``wait`` seconds.
        """
        with self._cond:
            if not self._cond.wait_for(
                lambda: not self._writing and not self._writers_waiting, timeout=wait
            ):
                raise ReadsRefused("the workspace is busy (a batch is running); nothing was read")
            self._readers += 1
        try:
            cursor = Store(self._shared(wait).connection.cursor(), path=None, read_only=True)
            try:
                return task(cursor)
            finally:
                cursor.close()
        finally:
            with self._cond:
                self._readers -= 1
                self._last_read = time.monotonic()
                if not self._readers:
                    self._cond.notify_all()

    @property
    def is_open(self) -> bool:
        """Whether the shared connection is open (the file held read-only)."""
        with self._cond:
            return self._store is not None

    def memo(self, key: str, compute: Callable[[], T]) -> T:
        """``compute()``'s value, worked out once while the shared connection stays open. Call
        it only inside a read's task (the connection cannot close while a read runs) and only
        for a value that depends on the store alone, under a key naming it. Reads that ask
        for a key being worked out wait for it rather than work it out again."""
        with self._cond:
            if key in self._memo:
                return cast(T, self._memo[key])
            lock = self._computing.setdefault(key, threading.Lock())
        with lock:
            with self._cond:
                if key in self._memo:
                    return cast(T, self._memo[key])
            value = compute()
            with self._cond:
                self._memo[key] = value
                self._computing.pop(key, None)
        return value

    def remembered(self, *keys: str) -> list[Any] | None:
        """The values :meth:`memo` holds under ``keys``, if it holds them all, the connection
        is open and no worker task runs or waits; else None (read the usual way). They are
        the store's state as of this call (a task clears them, under the same lock, before
        it writes), so a read that needs nothing else may use them at once, on any thread,
        without a cursor: it is served as a read that ran just now, before any task that
        starts after it."""
        with self._cond:
            if self._writing or self._writers_waiting or self._store is None:
                return None
            if any(key not in self._memo for key in keys):
                return None
            self._last_read = time.monotonic()
            return [self._memo[key] for key in keys]

    def _shared(self, wait: float) -> Store:
        """The shared connection, opened by the first read that needs it; waiting up to
        ``wait`` seconds for another process (the CLI) that holds the file.

        Raises:
            ReadsRefused: another process held the file for longer than ``wait``.
        """
        with self._cond:
            if self._store is None:
                # One DuckDB thread a query: the reads run side by side, each on its own cursor.
                try:
                    self._store = Store.open(self.path, read_only=True, threads=1, lock_wait=wait)
                except StoreLocked as e:
                    raise ReadsRefused(
                        "the workspace is in use by another process; nothing was read"
                    ) from e
            return self._store

    @contextmanager
    def exclusive(self) -> Iterator[None]:
        """While a worker task runs: no read, and the shared connection closed."""
        with self._cond:
            self._writers_waiting += 1
            try:
                self._cond.wait_for(lambda: not self._readers and not self._writing)
            finally:
                self._writers_waiting -= 1
            self._writing = True
            self._close()
        try:
            yield
        finally:
            with self._cond:
                self._writing = False
                self._cond.notify_all()

    def close_if_idle(self, linger: float = LINGER_SECONDS) -> None:
        """Close the shared connection if no read ran for ``linger`` seconds."""
        with self._cond:
            if not self._readers and time.monotonic() - self._last_read >= linger:
                self._close()

    def close(self) -> None:
        """Close the shared connection once the reads in flight end."""
        with self._cond:
            self._cond.wait_for(lambda: not self._readers)
            self._close()

    def _close(self) -> None:
        self._memo.clear()
        if self._store is not None:
            store, self._store = self._store, None
            store.close()
