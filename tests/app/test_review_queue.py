"""The review queue filtered, counted and paged in the store (by batch, reason and age), read
from the pending table the commit and the decisions keep and, in a store without the table
(opened read-only before it was built), from its derivation: both give the same answers."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pyarrow as pa
import pytest

from taxgate.app.review_queue import (
    QueueFilter,
    QueueSnapshot,
    add_batch_to_queue,
    count_pending_reviews,
    derived_pending,
    ensure_pending_table,
    pending_facets,
    pending_reviews,
    pending_table_rows,
    queue_place,
    queue_snapshot,
)
from taxgate.disclosure import queue as queue_sql
from taxgate.disclosure.records import DECISION_SCHEMA, runs_ddl_sql
from taxgate.ledger import events as ev
from taxgate.ledger.log import Ledger
from taxgate.store import Store

NOW = datetime(2026, 12, 7, 12, 0, tzinfo=UTC)
AS_OF = date(2026, 11, 30)

# batch id, hours before NOW it was committed, reasons of its rows (one row each; "-" disclosed)
BATCHES = (
    ("OLD", 24 * 10, ("AMBIGUOUS", "DOB_SLIP", "-", "AMBIGUOUS")),
    ("MID", 30, ("DOB_SLIP", "AMBIGUOUS")),
    ("NEW", 1, ("AMBIGUOUS", "AMBIGUOUS", "DOB_SLIP")),
)


def _batch_row(batch_id: str, received_at: datetime, rows: int) -> list[object]:
    return [batch_id, "ICE", "s", "m", "r", rows, AS_OF, AS_OF, received_at.isoformat()]


@pytest.fixture(params=["table", "derivation"])
def table(request: pytest.FixtureRequest) -> bool:
    """Whether the queue is read from the pending table (built from the seeded rows) or from
    the derivation."""
    return bool(request.param == "table")


def _seeded(table: bool = False) -> Store:
    """Three batches committed 10 days, 30 hours and 1 hour before NOW, with REVIEW rows."""
    store = Store.memory()
    store.execute(runs_ddl_sql())
    Ledger(store).ensure_schema()
    decisions = []
    for batch_id, hours, reasons in BATCHES:
        received = NOW - timedelta(hours=hours)
        tail = ["RELEASED", [], "fs-1", "policy-1", "irs-ice-2025", "v1", "{}", False]
        marks = ", ".join("?" for _ in range(17))
        store.execute(
            f"INSERT INTO batches VALUES ({marks})",
            [*_batch_row(batch_id, received, len(reasons)), *tail],
        )
        for n, reason in enumerate(reasons, start=1):
            decided = "DISCLOSE" if reason == "-" else "REVIEW"
            decisions.append(
                {
                    "batch_id": batch_id,
                    "row": n,
                    "request_id": f"{batch_id}-R{n}",
                    "decision": decided,
                    "reason": "MATCHED" if reason == "-" else reason,
                }
            )
    rows = pa.Table.from_pylist(
        [{f.name: row.get(f.name) for f in DECISION_SCHEMA} for row in decisions],
        schema=DECISION_SCHEMA,
    )
    store.insert_arrow("decisions", rows)
    return store


def _store(table: bool) -> Store:
    store = _seeded()
    if table:
        assert ensure_pending_table(store)
        assert pending_table_rows(store) == derived_pending(store) != []
    return store


def _ids(store: Store, **kwargs: object) -> list[str]:
    return [p.request_id for p in pending_reviews(store, **kwargs)]  # type: ignore[arg-type]


def test_the_whole_queue_is_oldest_batch_first_in_request_order(table: bool) -> None:
    store = _store(table)
    assert _ids(store) == [
        "OLD-R1",
        "OLD-R2",
        "OLD-R4",
        "MID-R1",
        "MID-R2",
        "NEW-R1",
        "NEW-R2",
        "NEW-R3",
    ]
    assert count_pending_reviews(store) == 8


def test_filters_by_batch_reason_and_age_combine(table: bool) -> None:
    store = _store(table)
    assert _ids(store, batch_id="MID") == ["MID-R1", "MID-R2"]
    assert _ids(store, only=QueueFilter(reason="DOB_SLIP")) == ["OLD-R2", "MID-R1", "NEW-R3"]
    day_old = QueueFilter(waited_since=NOW - timedelta(hours=24))
    assert _ids(store, only=day_old) == ["OLD-R1", "OLD-R2", "OLD-R4", "MID-R1", "MID-R2"]
    week_old_ambiguous = QueueFilter(reason="AMBIGUOUS", waited_since=NOW - timedelta(days=7))
    assert _ids(store, only=week_old_ambiguous) == ["OLD-R1", "OLD-R4"]
    assert count_pending_reviews(store, week_old_ambiguous) == 2
    facets = pending_facets(store)
    for only in (day_old, week_old_ambiguous, QueueFilter(batch_id="NEW", reason="DOB_SLIP")):
        assert (
            facets.count(only) == count_pending_reviews(store, only) == len(_ids(store, only=only))
        )
    # An instant given in another zone is the same instant: 30 h ago is still 30 h ago.
    other_zone = (NOW - timedelta(hours=30)).astimezone(datetime.now().astimezone().tzinfo)
    assert _ids(store, only=QueueFilter(batch_id="MID", waited_since=other_zone)) == [
        "MID-R1",
        "MID-R2",
    ]
    assert _ids(store, only=QueueFilter(waited_since=NOW - timedelta(days=30))) == []


def test_a_page_reads_only_its_items(table: bool) -> None:
    store = _store(table)
    assert _ids(store, offset=2, limit=3) == ["OLD-R4", "MID-R1", "MID-R2"]
    assert _ids(store, only=QueueFilter(reason="AMBIGUOUS"), offset=3, limit=10) == [
        "NEW-R1",
        "NEW-R2",
    ]
    assert _ids(store, offset=100, limit=10) == []


def test_a_snapshot_pages_every_filter_as_the_store_does(table: bool) -> None:
    store = _store(table)
    snapshot = queue_snapshot(store)
    zone = datetime.now().astimezone().tzinfo
    instants = (
        None,
        NOW - timedelta(hours=30),  # MID's own commit time: kept (at least that long)
        NOW - timedelta(hours=30, microseconds=1),  # a microsecond before it: not kept
        (NOW - timedelta(hours=30)).astimezone(zone),  # the same instant in another zone
        NOW - timedelta(days=30),
    )
    filters = [
        QueueFilter(batch_id=batch, reason=reason, waited_since=since)
        for batch in (None, "OLD", "MID", "NEW", "NONE")
        for reason in (None, "AMBIGUOUS", "DOB_SLIP", "MATCHED")
        for since in instants
    ]
    for only in filters:
        assert snapshot.page(only) == pending_reviews(store, only=only)
        for offset, limit in ((0, 1), (1, 2), (2, 3), (7, 10), (100, 10)):
            assert snapshot.page(only, offset=offset, limit=limit) == pending_reviews(
                store, only=only, offset=offset, limit=limit
            ), (only, offset, limit)
    assert [p.request_id for p in snapshot.page(QueueFilter(batch_id="MID"))] == [
        "MID-R1",
        "MID-R2",
    ]
    assert queue_snapshot(Store.memory()).page() == []


def test_a_snapshot_never_matches_a_missing_reason_or_an_unknown_value() -> None:
    waits = pa.array([NOW, NOW, NOW], pa.timestamp("us", tz="UTC"))
    columns = {name: pa.array(["x", "y", "z"]) for name in ("batch_id", "request_id")}
    table = pa.table(
        {
            **columns,
            "row": pa.array([1, 2, 3], pa.int64()),
            "reason": pa.array(["AMBIGUOUS", None, "DOB_SLIP"]),
            "tin": pa.array([None, None, None], pa.string()),
            "match_weight": pa.array([1.0, None, 2.0]),
            "margin": pa.array([None, 0.5, None], pa.float64()),
            "as_of": pa.array(["2026-11-30"] * 3),
            "requester": pa.array(["ICE"] * 3),
            "received_at": pa.array([NOW.isoformat()] * 3),
            "waiting_since": waits,
        }
    )
    snapshot = QueueSnapshot.of(table)
    assert [p.request_id for p in snapshot.page()] == ["x", "y", "z"]
    assert [p.request_id for p in snapshot.page(QueueFilter(reason="AMBIGUOUS"))] == ["x"]
    assert snapshot.page(QueueFilter(reason="MATCHED")) == []
    assert snapshot.page(QueueFilter(batch_id="w")) == []
    assert [p.request_id for p in snapshot.page(QueueFilter(waited_since=NOW))] == ["x", "y", "z"]
    assert snapshot.page(QueueFilter(waited_since=NOW - timedelta(microseconds=1))) == []
    assert snapshot.page()[1].reason is None and snapshot.page()[1].margin == 0.5


def test_a_decided_review_leaves_the_queue_and_its_counts(table: bool) -> None:
    store = _store(table)
    event = ev.review_decided(
        batch_id="OLD",
        request_id="OLD-R2",
        review_id="review-0",
        decision="DECLINED",
        reviewer="officer-7",
        held_for="DOB_SLIP",
        why="another person",
    )
    Ledger(store).append([event], now=NOW)
    if table:  # as the decision's transaction does
        store.execute(queue_sql.pending_remove_sql(), ["OLD", "OLD-R2"])
        assert pending_table_rows(store) == derived_pending(store)
    assert "OLD-R2" not in _ids(store)
    assert count_pending_reviews(store, QueueFilter(reason="DOB_SLIP")) == 2
    facets = pending_facets(store)
    assert (facets.batches, facets.reasons, facets.total) == (
        ["MID", "NEW", "OLD"],
        ["AMBIGUOUS", "DOB_SLIP"],
        7,
    )


def test_an_items_place_follows_the_filter(table: bool) -> None:
    store = _store(table)
    place = queue_place(store, batch_id="MID", request_id="MID-R1")
    assert place is not None
    assert (place.position, place.total) == (4, 8)
    assert (place.previous, place.following) == (("OLD", "OLD-R4"), ("MID", "MID-R2"))
    slips = QueueFilter(reason="DOB_SLIP")
    place = queue_place(store, batch_id="MID", request_id="MID-R1", only=slips)
    assert place is not None
    assert (place.position, place.total) == (2, 3)
    assert (place.previous, place.following) == (("OLD", "OLD-R2"), ("NEW", "NEW-R3"))
    first = queue_place(store, batch_id="OLD", request_id="OLD-R1")
    assert first is not None and first.previous is None
    assert queue_place(store, batch_id="OLD", request_id="OLD-R3") is None  # disclosed
    assert queue_place(store, batch_id="MID", request_id="MID-R2", only=slips) is None


def test_an_empty_workspace_has_an_empty_queue() -> None:
    store = Store.memory()
    assert pending_reviews(store) == []
    assert count_pending_reviews(store) == 0
    assert pending_facets(store).total == 0
    assert queue_place(store, batch_id="B", request_id="R") is None


def test_the_table_is_built_once_and_only_where_there_is_a_queue() -> None:
    store = _seeded()
    assert ensure_pending_table(store)
    assert not ensure_pending_table(store)  # already there
    assert [row[1] for row in pending_table_rows(store)][:3] == ["OLD-R1", "OLD-R2", "OLD-R4"]
    assert not ensure_pending_table(Store.memory())  # no queue: nothing to build


def _commit_batch(
    store: Store, batch_id: str, received: datetime, reasons: tuple[str, ...]
) -> None:
    """A batch's commit as the pipeline makes it: decisions, batch row, then the queue."""
    tail = ["RELEASED", [], "fs-1", "policy-1", "irs-ice-2025", "v1", "{}", False]
    marks = ", ".join("?" for _ in range(17))
    with store.transaction():
        ensure_pending_table(store)
        rows = [
            {
                "batch_id": batch_id,
                "row": n,
                "request_id": f"{batch_id}-R{n}",
                "decision": "REVIEW",
                "reason": reason,
            }
            for n, reason in enumerate(reasons, start=1)
        ]
        store.insert_arrow(
            "decisions",
            pa.Table.from_pylist(
                [{f.name: row.get(f.name) for f in DECISION_SCHEMA} for row in rows],
                schema=DECISION_SCHEMA,
            ),
        )
        store.execute(
            f"INSERT INTO batches VALUES ({marks})",
            [*_batch_row(batch_id, received, len(reasons)), *tail],
        )
        add_batch_to_queue(store, batch_id)


def test_a_committed_batch_joins_the_table_in_queue_order() -> None:
    store = _store(True)
    _commit_batch(store, "LATER", NOW, ("AMBIGUOUS", "DOB_SLIP"))
    assert pending_table_rows(store) == derived_pending(store)
    assert _ids(store)[-2:] == ["LATER-R1", "LATER-R2"]
    # A commit time that sorts before items already there (a clock set back): numbered again.
    _commit_batch(store, "EARLY", NOW - timedelta(days=20), ("AMBIGUOUS",))
    assert pending_table_rows(store) == derived_pending(store)
    assert _ids(store)[0] == "EARLY-R1"
    assert _ids(store, offset=1, limit=2) == ["OLD-R1", "OLD-R2"]
