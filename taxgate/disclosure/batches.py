"""The batches a workspace has answered: one summary row each, read-only.

A summary holds ids, dates and counts only (no taxpayer data), so it may be shown to anyone
who may see the workspace's accounting. The counts are those of the batch's response as
first answered, plus the requests held for review and how reviewers decided them.

Example:
    >>> from taxgate.store import Store
    >>> list_batches(Store.memory())
    []
"""

from __future__ import annotations

from dataclasses import dataclass

from taxgate.errors import WorkspaceError
from taxgate.ledger.hold import has_table
from taxgate.matching.decide import Outcome
from taxgate.store import Store

__all__ = ["BatchSummary", "batch_summaries_sql", "list_batches", "require_batch"]


@dataclass(frozen=True)
class BatchSummary:
    """One answered batch: who sent it, when it was received, and its outcome counts."""

    batch_id: str
    requester: str
    received_at: str
    request_date: str
    as_of: str
    rows: int
    disclosed: int
    not_disclosed: int
    rejected: int
    held_for_review: int
    approved: int
    declined: int


def batch_summaries_sql(*, with_reviews: bool, by_batch: bool = False) -> str:
    """One row per batch in :class:`BatchSummary` order, oldest first (param: batch_id when
    ``by_batch``); review outcomes are counted when the ``reviews`` table exists."""
    reviews = (
        "(SELECT count(*) FROM reviews r WHERE r.batch_id = b.batch_id AND r.decision = '{0}')"
    )
    approved, declined = (
        (reviews.format("APPROVED"), reviews.format("DECLINED")) if with_reviews else ("0", "0")
    )
    where = "WHERE b.batch_id = ?" if by_batch else ""
    return f"""
        SELECT b.batch_id, b.requester, b.received_at, CAST(b.request_date AS VARCHAR),
               CAST(b.as_of AS VARCHAR), b.rows,
               count(*) FILTER (WHERE d.outcome = 'DISCLOSED'),
               count(*) FILTER (WHERE d.outcome = 'NOT_DISCLOSED'),
               count(*) FILTER (WHERE d.outcome = 'REJECTED'),
               count(*) FILTER (WHERE d.decision = '{Outcome.REVIEW.value}'),
               {approved}, {declined}
        FROM batches b LEFT JOIN decisions d ON d.batch_id = b.batch_id
        {where}
        GROUP BY ALL
        ORDER BY b.received_at, b.batch_id"""


def list_batches(store: Store, *, batch_id: str | None = None) -> list[BatchSummary]:
    """Every answered batch (or only ``batch_id``), oldest first; none in a new workspace."""
    if not all(has_table(store, t) for t in ("batches", "decisions")):
        return []
    sql = batch_summaries_sql(with_reviews=has_table(store, "reviews"), by_batch=bool(batch_id))
    rows = store.fetchall(sql, [batch_id] if batch_id else None)
    return [BatchSummary(*row) for row in rows]


def require_batch(store: Store, batch_id: str) -> BatchSummary:
    """The summary of ``batch_id``.

    Raises:
        WorkspaceError: The workspace has answered no batch of that id.
    """
    found = list_batches(store, batch_id=batch_id)
    if not found:
        raise WorkspaceError(
            f"no batch {batch_id!r} in this workspace",
            hint="list the workspace's batches with `taxgate batch list WS`",
        )
    return found[0]
