"""The access log's writer: every row committed, in order; kept through a failing store;
written at shutdown; on each backend."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any

import pytest

from taxgate.errors import StoreError
from taxgate.records import RecordStore
from taxgate.records.access import AccessRow, recent_access
from taxgate.service.access_writer import AccessLogWriter


def _row(n: int, *, denied: bool = False) -> AccessRow:
    return AccessRow(
        at=datetime.now(UTC),
        method="GET",
        route=f"/r/{n}",
        status=403 if denied else 200,
        principal=f"user-{n % 3}",
        role="analyst",
        denied=denied,
        reason="no" if denied else None,
    )


def _routes(records: RecordStore) -> list[str]:
    with records.begin() as conn:
        return [e.route for e in reversed(recent_access(conn, limit=5000))]


@pytest.fixture
def records(records_url: str) -> Iterator[RecordStore]:
    store = RecordStore.open(records_url)
    yield store
    store.close()


def test_rows_are_committed_in_the_order_they_came(records: RecordStore) -> None:
    writer = AccessLogWriter(records)
    for n in range(500):
        writer.append(_row(n, denied=n % 7 == 0))
    assert writer.flush()
    assert _routes(records) == [f"/r/{n}" for n in range(500)]
    with records.begin() as conn:
        denied = recent_access(conn, limit=5000, denied_only=True)
    assert sorted(int(e.route[3:]) for e in denied) == list(range(0, 500, 7))
    assert {e.reason for e in denied} == {"no"}
    writer.stop()


def test_stopping_writes_every_row_still_waiting(records: RecordStore) -> None:
    writer = AccessLogWriter(records)
    for n in range(300):
        writer.append(_row(n))
    writer.stop()
    assert _routes(records) == [f"/r/{n}" for n in range(300)]
    writer.append(_row(300))  # after the stop: written at once, on this thread
    assert _routes(records)[-1] == "/r/300"


class _Failing:
    """A record store whose first ``failures`` transactions fail (a database gone away)."""

    def __init__(self, records: RecordStore, failures: int) -> None:
        self.records = records
        self.failures = failures

    @contextmanager
    def begin(self) -> Iterator[Any]:
        if self.failures > 0:
            self.failures -= 1
            raise StoreError("the record store failed: OperationalError: gone")
        with self.records.begin() as conn:
            yield conn


def test_a_failed_commit_keeps_its_rows_and_tries_again(
    records: RecordStore, caplog: pytest.LogCaptureFixture
) -> None:
    failing = _Failing(records, failures=2)
    writer = AccessLogWriter(failing, retry_seconds=0.01)  # type: ignore[arg-type]
    for n in range(50):
        writer.append(_row(n))
    assert writer.flush()
    assert _routes(records) == [f"/r/{n}" for n in range(50)]
    assert failing.failures == 0
    assert sum("could not be written (kept" in r.getMessage() for r in caplog.records) == 2
    writer.stop()


def test_rows_a_store_still_refuses_at_shutdown_are_counted_as_lost(
    records: RecordStore, caplog: pytest.LogCaptureFixture
) -> None:
    failing = _Failing(records, failures=10**6)
    writer = AccessLogWriter(failing, retry_seconds=0.01)  # type: ignore[arg-type]
    writer.append(_row(1))
    writer.stop()
    assert _routes(records) == []
    assert any(
        "1 access-log rows could not be written and are lost" in r.getMessage()
        for r in caplog.records
    )
