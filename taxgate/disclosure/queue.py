"""The review queue's SQL: pending reviews filtered, counted and paged in the store.

A pending review is a REVIEW decision with no REVIEW_DECIDED ledger entry yet. The queue is
ordered oldest batch first, then in request order, and is filtered by batch, by reason and by
age: how long the item has waited since its batch was committed (``batches.received_at``).
Every builder here returns SQL text whose values are bound parameters, in the order
:func:`queue_params` gives them; nothing is formatted from input.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from taxgate.ledger.events import EventKind
from taxgate.matching.decide import Outcome


@dataclass(frozen=True)
class QueueFilter:
    """Which pending reviews to list.

    Attributes:
        batch_id: Only this batch.
        reason: Only this reason code (``AMBIGUOUS``, ...).
        waited_since: Only items whose batch was committed at or before this instant, i.e.
            that have waited at least ``now - waited_since``.
    """

    batch_id: str | None = None
    reason: str | None = None
    waited_since: datetime | None = None


_ORDER = "b.received_at, d.batch_id, d.row"


def _pending_sql(only: QueueFilter) -> str:
    """FROM and WHERE of the pending reviews that ``only`` keeps."""
    conditions = [f"d.decision = '{Outcome.REVIEW.value}'"]
    if only.batch_id is not None:
        conditions.append("d.batch_id = ?")
    if only.reason is not None:
        conditions.append("d.reason = ?")
    if only.waited_since is not None:
        # received_at is ISO 8601 text with its UTC offset; the casts compare instants.
        conditions.append("CAST(b.received_at AS TIMESTAMPTZ) <= CAST(? AS TIMESTAMPTZ)")
    return f"""
        FROM decisions d JOIN batches b ON b.batch_id = d.batch_id
        WHERE {" AND ".join(conditions)}
          AND NOT EXISTS (
              SELECT 1 FROM ledger_entries e
              WHERE e.kind = '{EventKind.REVIEW_DECIDED.value}'
                AND e.batch_id = d.batch_id AND e.request_id = d.request_id)"""


def queue_params(only: QueueFilter) -> list[str]:
    """The bound values of the filter, in the order the builders expect them."""
    params: list[str] = []
    if only.batch_id is not None:
        params.append(only.batch_id)
    if only.reason is not None:
        params.append(only.reason)
    if only.waited_since is not None:
        params.append(only.waited_since.astimezone(UTC).isoformat())
    return params


def pending_page_sql(only: QueueFilter, *, paged: bool) -> str:
    """The pending reviews ``only`` keeps, in queue order (params: :func:`queue_params`, then
    limit and offset when ``paged``)."""
    page = "LIMIT ? OFFSET ?" if paged else ""
    return f"""
        SELECT d.batch_id, d.request_id, d.row, d.reason, d.tin, d.match_weight, d.margin,
               d.as_of, b.requester, b.received_at
        {_pending_sql(only)}
        ORDER BY {_ORDER} {page}"""


def pending_count_sql(only: QueueFilter) -> str:
    """How many pending reviews ``only`` keeps (params: :func:`queue_params`)."""
    return f"SELECT count(*) {_pending_sql(only)}"


def pending_facets_sql() -> str:
    """Pending reviews counted by batch and reason, with the batch's commit time as an instant
    (UTC), for the filters and for counting any filter's items without another pass over the
    queue (no params)."""
    return f"""
        SELECT d.batch_id, d.reason, CAST(b.received_at AS TIMESTAMPTZ), count(*)
        {_pending_sql(QueueFilter())}
        GROUP BY d.batch_id, d.reason, b.received_at ORDER BY d.batch_id, d.reason"""


def pending_neighbours_sql(only: QueueFilter) -> str:
    """One pending item's place in the queue ``only`` keeps: its position, the total, and the
    previous and next items' ids (params: :func:`queue_params`, then batch_id, request_id)."""
    return f"""
        WITH q AS (
            SELECT d.batch_id, d.request_id,
                   row_number() OVER w AS position,
                   count(*) OVER () AS total,
                   lag(d.batch_id) OVER w AS previous_batch,
                   lag(d.request_id) OVER w AS previous_request,
                   lead(d.batch_id) OVER w AS next_batch,
                   lead(d.request_id) OVER w AS next_request
            {_pending_sql(only)}
            WINDOW w AS (ORDER BY {_ORDER}))
        SELECT position, total, previous_batch, previous_request, next_batch, next_request
        FROM q WHERE batch_id = ? AND request_id = ?"""
