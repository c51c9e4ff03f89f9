"""The batches a workspace has answered: one summary row each, read-only.

A summary holds ids, dates and counts only (no taxpayer data), so it may be shown to anyone
who may see the workspace's accounting. Its counts are the batch's counts as it stands now
(:mod:`taxgate.disclosure.counts`, the one source every output reads): the response as first
answered, moved on by reviews approved or declined since.

Example:
    >>> from taxgate.store import Store
    >>> list_batches(Store.memory())
    []
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from taxgate.disclosure.counts import BatchCounts, batch_counts
from taxgate.errors import WorkspaceError
from taxgate.ledger.hold import has_table
from taxgate.store import Store

__all__ = ["BatchSummary", "batch_summaries_sql", "list_batches", "require_batch"]


@dataclass(frozen=True)
class BatchSummary:
    """One answered batch: who sent it, when it was received, and its counts now."""

    batch_id: str
    requester: str
    received_at: str
    request_date: str
    as_of: str
    rows: int
    counts: BatchCounts

    def as_dict(self) -> dict[str, Any]:
        """The summary as one flat JSON object (the counts by name)."""
        identity = {name: getattr(self, name) for name in self.__dataclass_fields__}
        identity.pop("counts")
        return {**identity, **self.counts.as_dict()}


def batch_summaries_sql(*, by_batch: bool = False) -> str:
    """One row per batch, the identity fields of :class:`BatchSummary` in order, oldest
    first (param: batch_id when ``by_batch``)."""
    where = "WHERE batch_id = ?" if by_batch else ""
    return f"""
        SELECT batch_id, requester, received_at, CAST(request_date AS VARCHAR),
               CAST(as_of AS VARCHAR), rows
        FROM batches
        {where}
        ORDER BY received_at, batch_id"""


def list_batches(store: Store, *, batch_id: str | None = None) -> list[BatchSummary]:
    """Every answered batch (or only ``batch_id``), oldest first; none in a new workspace."""
    if not all(has_table(store, t) for t in ("batches", "decisions")):
        return []
    rows = store.fetchall(
        batch_summaries_sql(by_batch=bool(batch_id)), [batch_id] if batch_id else None
    )
    return [
        BatchSummary(
            batch_id=str(batch),
            requester=str(requester),
            received_at=str(received_at),
            request_date=str(request_date),
            as_of=str(as_of),
            rows=int(count),
            counts=batch_counts(store, str(batch)),
        )
        for batch, requester, received_at, request_date, as_of, count in rows
    ]


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
