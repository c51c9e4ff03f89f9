"""The review queue: pending reviews filtered, counted and paged in the store.

A page of a 100,000-item queue reads that page only: the filter (batch, reason, age), the order
(oldest batch first, then request order) and the page are all applied by the SQL of
:mod:`taxgate.disclosure.queue`, never in Python over the whole queue. The SQL reads the
``review_pending`` table the commit and each decision keep (:func:`ensure_pending_table`
builds it in a workspace made before it), or, in a store opened read-only that has no such
table yet, the derivation it holds.

Example:
    >>> with Store.open(ws.store_path, read_only=True) as store:  # doctest: +SKIP
    ...     first = pending_reviews(store, only=QueueFilter(reason="AMBIGUOUS"), limit=50)
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from datetime import UTC, datetime, timedelta
from typing import Any

import numpy as np
import numpy.typing as npt
import pyarrow as pa
import pyarrow.compute as pc

from taxgate.disclosure import queue as queue_sql
from taxgate.disclosure.queue import QueueFilter
from taxgate.errors import StoreError
from taxgate.store import Store

__all__ = [
    "FacetRow",
    "PendingReview",
    "QueueFacets",
    "QueueFilter",
    "QueuePlace",
    "QueueSnapshot",
    "add_batch_to_queue",
    "count_pending_reviews",
    "derived_pending",
    "ensure_pending_table",
    "pending_facets",
    "pending_reviews",
    "pending_table_rows",
    "queue_place",
    "queue_snapshot",
]


@dataclass(frozen=True)
class PendingReview:
    """A request held for review and not decided yet (internal: names the candidate TIN)."""

    batch_id: str
    request_id: str
    row: int
    reason: str
    tin: str | None
    match_weight: float | None
    margin: float | None
    as_of: str
    requester: str
    received_at: str


@dataclass(frozen=True)
class FacetRow:
    """Pending items of one batch and reason; the batch's commit time (when they began to wait)."""

    batch_id: str
    reason: str
    received_at: datetime
    count: int

    def kept_by(self, only: QueueFilter) -> bool:
        """Whether ``only`` keeps this group's items (its filters are all per batch and reason)."""
        return (
            (only.batch_id is None or self.batch_id == only.batch_id)
            and (only.reason is None or self.reason == only.reason)
            and (only.waited_since is None or self.received_at <= only.waited_since)
        )


@dataclass(frozen=True)
class QueueFacets:
    """What the queue's filters may choose from: the batches and reasons with pending items,
    and the pending items counted by batch and reason."""

    batches: list[str]
    reasons: list[str]
    total: int
    rows: tuple[FacetRow, ...] = ()

    def count(self, only: QueueFilter) -> int:
        """How many pending items ``only`` keeps (from the groups: no pass over the queue)."""
        return sum(row.count for row in self.rows if row.kept_by(only))


@dataclass(frozen=True)
class QueuePlace:
    """Where one pending item stands in a (filtered) queue: 1-based position, and the ids of
    the items before and after it."""

    position: int
    total: int
    previous: tuple[str, str] | None
    following: tuple[str, str] | None


def pending_reviews(
    store: Store,
    *,
    batch_id: str | None = None,
    only: QueueFilter | None = None,
    offset: int = 0,
    limit: int | None = None,
) -> list[PendingReview]:
    """REVIEW decisions no reviewer has decided yet, oldest batch first, in request order.

    Args:
        store: The workspace store.
        batch_id: Only this batch (a shortcut for ``only=QueueFilter(batch_id=...)``).
        only: Filter by batch, reason and age.
        offset: Skip this many items of the filtered queue (with ``limit``).
        limit: At most this many items (all when None).
    """
    only = only or QueueFilter(batch_id=batch_id)
    table = _queue_source(store)
    if table is None:
        return []
    params: list[Any] = list(queue_sql.queue_params(only))
    if limit is not None:
        params += [limit, offset]
    page = queue_sql.pending_page_sql(only, paged=limit is not None, table=table)
    rows = store.fetchall(page, params)
    return [PendingReview(*row) for row in rows]


_PAGE_COLUMNS = tuple(field.name for field in fields(PendingReview))


@dataclass(frozen=True)
class QueueSnapshot:
    """The whole queue in queue order, read in one query from a store that cannot change while
    the snapshot is used (the service's shared read-only connection: it is forgotten when
    that closes, :mod:`taxgate.service.reads`). A page of any filter is then its own rows
    picked out, where :func:`pending_reviews` sorts the filtered queue's numbers in the store
    for each page: the same items, in the same order, without a query.

    Build it with :func:`queue_snapshot`. The filters' columns are kept as numbers beside the
    table (each batch and reason as a code, the wait's start in microseconds), so a filter is
    a comparison of integers over the queue.

    Attributes:
        table: The page's columns (:class:`PendingReview`'s fields), one row per pending item
            in queue order; None for a store with no queue at all.
    """

    table: pa.Table | None
    batches: dict[str, int] = field(default_factory=dict)  # batch id -> its code
    batch_codes: npt.NDArray[np.int32] = field(default_factory=lambda: np.zeros(0, np.int32))
    reasons: dict[str, int] = field(default_factory=dict)
    reason_codes: npt.NDArray[np.int32] = field(default_factory=lambda: np.zeros(0, np.int32))
    waiting_us: npt.NDArray[np.int64] = field(default_factory=lambda: np.zeros(0, np.int64))

    @classmethod
    def of(cls, table: pa.Table) -> QueueSnapshot:
        """The snapshot of a table of the page's columns and ``waiting_since``, in queue order."""
        batches, batch_codes = _codes(table["batch_id"])
        reasons, reason_codes = _codes(table["reason"])
        since = table["waiting_since"].cast(pa.timestamp("us", tz="UTC")).cast(pa.int64())
        return cls(
            table.select(list(_PAGE_COLUMNS)),
            batches,
            batch_codes,
            reasons,
            reason_codes,
            since.to_numpy().astype(np.int64),
        )

    def page(
        self, only: QueueFilter | None = None, *, offset: int = 0, limit: int | None = None
    ) -> list[PendingReview]:
        """The items ``only`` keeps, from ``offset``, at most ``limit`` (all when None):
        :func:`pending_reviews`' answer."""
        if self.table is None:
            return []
        kept = self._kept(only or QueueFilter())
        if kept is None:
            rows = self.table.slice(offset, limit)
        else:
            chosen = np.flatnonzero(kept)[offset : None if limit is None else offset + limit]
            rows = self.table.take(pa.array(chosen, pa.int64()))
        columns = [rows.column(name).to_pylist() for name in _PAGE_COLUMNS]
        return [PendingReview(*row) for row in zip(*columns, strict=True)]

    def _kept(self, only: QueueFilter) -> npt.NDArray[np.bool_] | None:
        """Which rows ``only`` keeps, as the SQL's conditions do (a null never equals: its
        code is -1, and a value the queue does not hold has none), or None for all."""
        kept: npt.NDArray[np.bool_] | None = None
        conditions = []
        if only.batch_id is not None:
            conditions.append(self.batch_codes == self.batches.get(only.batch_id, -2))
        if only.reason is not None:
            conditions.append(self.reason_codes == self.reasons.get(only.reason, -2))
        if only.waited_since is not None:
            since = only.waited_since.astimezone(UTC) - _EPOCH
            conditions.append(self.waiting_us <= since // timedelta(microseconds=1))
        for condition in conditions:
            kept = condition if kept is None else kept & condition
        return kept


_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def _codes(column: pa.ChunkedArray) -> tuple[dict[str, int], npt.NDArray[np.int32]]:
    """A text column as codes: each distinct value's code, and the column's codes (-1: null)."""
    encoded = pc.dictionary_encode(column.combine_chunks())
    codes = pc.fill_null(encoded.indices, -1).to_numpy(zero_copy_only=False)
    values = {str(v): n for n, v in enumerate(encoded.dictionary.to_pylist())}
    return values, codes.astype(np.int32)


def queue_snapshot(store: Store) -> QueueSnapshot:
    """The whole queue, in queue order, for :meth:`QueueSnapshot.page` (one query). Take it
    only where the store cannot change while it is used."""
    table = _queue_source(store)
    if table is None:
        return QueueSnapshot(None)
    return QueueSnapshot.of(store.arrow(queue_sql.pending_snapshot_sql(table=table)))


def count_pending_reviews(store: Store, only: QueueFilter | None = None) -> int:
    """How many pending reviews ``only`` keeps (all when None), counted in the store."""
    only = only or QueueFilter()
    table = _queue_source(store)
    if table is None:
        return 0
    count = queue_sql.pending_count_sql(only, table=table)
    row = store.fetchone(count, queue_sql.queue_params(only))
    return 0 if row is None else int(row[0])


def pending_facets(store: Store) -> QueueFacets:
    """The batches and reasons that have pending items, and how many items are pending."""
    table = _queue_source(store)
    if table is None:
        return QueueFacets([], [], 0)
    rows = tuple(
        FacetRow(str(b), str(r), _utc(at), int(n))
        for b, r, at, n in store.fetchall(queue_sql.pending_facets_sql(table=table))
    )
    return QueueFacets(
        batches=sorted({row.batch_id for row in rows}),
        reasons=sorted({row.reason for row in rows}),
        total=sum(row.count for row in rows),
        rows=rows,
    )


def _utc(at: datetime) -> datetime:
    return at.replace(tzinfo=UTC) if at.tzinfo is None else at


def queue_place(
    store: Store, *, batch_id: str, request_id: str, only: QueueFilter | None = None
) -> QueuePlace | None:
    """Where a pending item stands in the queue ``only`` keeps; None when it is not in it."""
    only = only or QueueFilter()
    table = _queue_source(store)
    if table is None:
        return None
    params = [*queue_sql.queue_params(only), batch_id, request_id]
    row = store.fetchone(queue_sql.pending_neighbours_sql(only, table=table), params)
    if row is None:
        return None
    position, total, prev_b, prev_r, next_b, next_r = row
    return QueuePlace(
        position=int(position),
        total=int(total),
        previous=None if prev_b is None else (str(prev_b), str(prev_r)),
        following=None if next_b is None else (str(next_b), str(next_r)),
    )


_QUEUE_TABLES = ("decisions", "batches", "ledger_entries")


def _queue_source(store: Store) -> bool | None:
    """Where the queue is read: True for the pending table, False for the derivation (a store
    opened read-only before the table was built), None when the store has no queue at all."""
    if store.read_only:
        # Binding a query on the table costs less than reading the catalog; a failed query
        # would spoil a transaction, and a read-only store has none.
        try:
            store.fetchall(f"SELECT 1 FROM {queue_sql.PENDING_TABLE} LIMIT 0")
            return True
        except StoreError:
            pass
    present = {
        str(name)
        for (name,) in store.fetchall(
            "SELECT table_name FROM duckdb_tables() WHERE table_name IN (?, ?, ?, ?)",
            [*_QUEUE_TABLES, queue_sql.PENDING_TABLE],
        )
    }
    if queue_sql.PENDING_TABLE in present:
        return True
    return False if present.issuperset(_QUEUE_TABLES) else None


def ensure_pending_table(store: Store) -> bool:
    """Build the pending table from the derivation if the store (open to write) has a queue
    but no table yet: a workspace made before the table existed. Returns whether it built it.

    Every write path that changes the queue (a batch's commit, a review's decision) calls this
    inside its own transaction first, and the service calls it when it starts, so that the
    table, once there, has seen every change since.
    """
    if _queue_source(store) is not False:
        return False
    with store.transaction():
        store.execute(queue_sql.pending_build_sql())
    return True


def derived_pending(store: Store) -> list[tuple[Any, ...]]:
    """The pending reviews as the decisions and the ledger say, in queue order, with the
    table's columns but its numbers (to check the table against; empty without a queue)."""
    if _queue_source(store) is None:
        return []
    return store.fetchall(
        f"SELECT * FROM ({queue_sql.derived_pending_sql()}) ORDER BY received_at, batch_id, row"
    )


def pending_table_rows(store: Store) -> list[tuple[Any, ...]]:
    """The pending table's rows in the order of their numbers, without the numbers (empty
    when there is no table). Equal to :func:`derived_pending` when the table is right."""
    if _queue_source(store) is not True:
        return []
    columns = ", ".join(queue_sql.PENDING_COLUMNS[1:])
    return store.fetchall(f"SELECT {columns} FROM {queue_sql.PENDING_TABLE} ORDER BY seq")


def add_batch_to_queue(store: Store, batch_id: str) -> None:
    """In a batch's commit, after its decisions and its ``batches`` row: its REVIEW decisions
    join the pending table, numbered last (the whole table numbered again in the rare case
    its commit time sorts before an item already there)."""
    store.execute(queue_sql.pending_fill_sql(), [batch_id])
    row = store.fetchone(queue_sql.pending_out_of_order_sql(), [batch_id])
    if row is not None and row[0]:
        store.execute(queue_sql.pending_renumber_sql())
