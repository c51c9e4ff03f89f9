"""The access log's writer: every request's row, committed in order by one thread, in groups.

A request's row is known only once its response has gone out (the status is part of it), so
it was always written after the answer: the row of a request in flight when the process dies
was never safe. Written by the request itself, each row was a transaction of its own on a
pool thread, behind a lock (SQLite takes one writer at a time): under 20 users that was a
thread hop, a statement and a synced commit per page. Here the request appends its row to a
list and goes on; one thread commits whatever rows are waiting, in the order they came, in
one transaction, and goes back for more.

Nothing is lost that was safe before:

* The writer never waits to fill a group: it commits as soon as a row is there, and the rows
  that arrive while a commit runs, or in the ``GROUP_SECONDS`` it rests after one, go in the
  next. A row therefore waits at most for the commit in progress, that rest, and its own
  commit (it waited for the lock and its own commit before); a crash or a kill loses the
  rows of that moment, as it lost the rows of the requests in flight before. The rest keeps
  the writer to about 50 commits a second under load instead of one every few rows.
* A commit that fails (the database busy past its timeout, PostgreSQL gone) keeps its rows
  and is tried again, in order, every ``retry_seconds``; each failure is an ERROR log line
  (the exception's class only).
* Stopping (the service's shutdown, after the last request has ended) writes every row
  still waiting before the record store closes. Only if the record store still refuses
  them after ``STOP_TRIES`` tries are they given up, with an ERROR line saying how many.
* A reader of the log that must see every request so far (the auditor's
  ``GET /api/access-log``, a test) calls :meth:`AccessLogWriter.flush` first.
"""

from __future__ import annotations

import logging
import threading
import time

from taxgate.errors import StoreError
from taxgate.records import RecordStore
from taxgate.records.access import AccessRow, log_access_rows

GROUP_SECONDS = 0.02
"""How long the writer rests after a commit (the rows of that time go in the next one)."""

STOP_TRIES = 3
"""How many times the rows still waiting at shutdown are tried before they are given up."""

log = logging.getLogger(__name__)


class AccessLogWriter:
    """One thread committing the access log's rows, in arrival order, as they come."""

    def __init__(
        self,
        records: RecordStore,
        *,
        retry_seconds: float = 1.0,
        group_seconds: float = GROUP_SECONDS,
    ) -> None:
        self.records = records
        self.retry_seconds = retry_seconds
        self.group_seconds = group_seconds
        self._cond = threading.Condition()
        self._waiting: list[AccessRow] = []
        self._appended = 0  # rows appended since the start
        self._settled = 0  # rows committed (or, at a failed stop, given up), in order
        self._stopping = False
        self._thread = threading.Thread(target=self._loop, name="taxgate-access-log", daemon=True)
        self._thread.start()

    def append(self, row: AccessRow) -> None:
        """Queue one row (it is committed in order, soon; never dropped while the store works).
        After :meth:`stop`, the row is written at once on the caller's thread."""
        with self._cond:
            if not self._stopping:
                self._waiting.append(row)
                self._appended += 1
                self._cond.notify_all()
                return
        self._commit([row], tries=STOP_TRIES)

    def flush(self, timeout: float = 30.0) -> bool:
        """Wait until every row appended before this call is committed; False on timeout."""
        with self._cond:
            target = self._appended
            return self._cond.wait_for(lambda: self._settled >= target, timeout=timeout)

    def stop(self) -> None:
        """Commit every row still waiting, then end the thread (the service's shutdown)."""
        with self._cond:
            self._stopping = True
            self._cond.notify_all()
        self._thread.join()

    def _loop(self) -> None:
        while True:
            with self._cond:
                self._cond.wait_for(lambda: bool(self._waiting) or self._stopping)
                rows, self._waiting = self._waiting, []
                stopping = self._stopping
            if rows:
                self._commit(rows, tries=STOP_TRIES if stopping else None)
                with self._cond:
                    self._settled += len(rows)
                    self._cond.notify_all()
                if not stopping:
                    time.sleep(self.group_seconds)
            elif stopping:
                return

    def _commit(self, rows: list[AccessRow], *, tries: int | None) -> None:
        """Commit ``rows`` in one transaction, trying again after a failure (``tries`` times
        at most when given; forever otherwise, unless the writer is told to stop)."""
        attempt = 0
        while True:
            attempt += 1
            try:
                with self.records.begin() as conn:
                    log_access_rows(conn, rows)
                return
            except StoreError as e:
                if tries is None:
                    with self._cond:
                        tries = STOP_TRIES if self._stopping else None
                if tries is not None and attempt >= tries:
                    log.error(
                        "%d access-log rows could not be written and are lost: %s",
                        len(rows),
                        type(e.__cause__ or e).__name__,
                    )
                    return
                log.error(
                    "%d access-log rows could not be written (kept, tried again in %.0f s): %s",
                    len(rows),
                    self.retry_seconds,
                    type(e.__cause__ or e).__name__,
                )
            except Exception as e:
                # A row the store refuses for what it holds (it was refused before as well):
                # the others of its group are written one by one, and the thread goes on.
                if len(rows) == 1:
                    log.error("an access-log row was refused: %s", type(e).__name__)
                    return
                for row in rows:
                    self._commit([row], tries=tries)
                return
            time.sleep(self.retry_seconds)
