"""The review queue: pending reviews filtered, counted and paged in the store.

A page of a 100,000-item queue reads that page only: the filter (batch, reason, age), the order
(oldest batch first, then request order) and the page are all applied by the SQL of
:mod:`taxgate.disclosure.queue`, never in Python over the whole queue.

Example:
    >>> with Store.open(ws.store_path, read_only=True) as store:  # doctest: +SKIP
    ...     first = pending_reviews(store, only=QueueFilter(reason="AMBIGUOUS"), limit=50)
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from taxgate.disclosure import queue as queue_sql
from taxgate.disclosure.queue import QueueFilter
from taxgate.ledger.hold import has_table
from taxgate.store import Store

__all__ = [
    "PendingReview",
    "QueueFacets",
    "QueueFilter",
    "QueuePlace",
    "count_pending_reviews",
    "pending_facets",
    "pending_reviews",
    "queue_place",
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
class QueueFacets:
    """What the queue's filters may choose from: the batches and reasons with pending items."""

    batches: list[str]
    reasons: list[str]
    total: int


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
    if not _has_queue(store):
        return []
    params: list[Any] = list(queue_sql.queue_params(only))
    if limit is not None:
        params += [limit, offset]
    rows = store.fetchall(queue_sql.pending_page_sql(only, paged=limit is not None), params)
    return [PendingReview(*row) for row in rows]


def count_pending_reviews(store: Store, only: QueueFilter | None = None) -> int:
    """How many pending reviews ``only`` keeps (all when None), counted in the store."""
    only = only or QueueFilter()
    if not _has_queue(store):
        return 0
    row = store.fetchone(queue_sql.pending_count_sql(only), queue_sql.queue_params(only))
    return 0 if row is None else int(row[0])


def pending_facets(store: Store) -> QueueFacets:
    """The batches and reasons that have pending items, and how many items are pending."""
    if not _has_queue(store):
        return QueueFacets([], [], 0)
    rows = store.fetchall(queue_sql.pending_facets_sql())
    return QueueFacets(
        batches=sorted({str(r[0]) for r in rows}),
        reasons=sorted({str(r[1]) for r in rows}),
        total=sum(int(r[2]) for r in rows),
    )


def queue_place(
    store: Store, *, batch_id: str, request_id: str, only: QueueFilter | None = None
) -> QueuePlace | None:
    """Where a pending item stands in the queue ``only`` keeps; None when it is not in it."""
    only = only or QueueFilter()
    if not _has_queue(store):
        return None
    params = [*queue_sql.queue_params(only), batch_id, request_id]
    row = store.fetchone(queue_sql.pending_neighbours_sql(only), params)
    if row is None:
        return None
    position, total, prev_b, prev_r, next_b, next_r = row
    return QueuePlace(
        position=int(position),
        total=int(total),
        previous=None if prev_b is None else (str(prev_b), str(prev_r)),
        following=None if next_b is None else (str(next_b), str(next_r)),
    )


def _has_queue(store: Store) -> bool:
    return all(has_table(store, t) for t in ("decisions", "batches", "ledger_entries"))
