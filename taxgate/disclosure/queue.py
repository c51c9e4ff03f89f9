"""The review queue's SQL: pending reviews filtered, counted and paged in the store.

A pending review is a REVIEW decision with no REVIEW_DECIDED ledger entry yet. That
derivation (an anti-join of ``decisions`` against ``ledger_entries``) is the truth; the
``review_pending`` table holds its result, kept in the same transaction as every write that
changes it: a batch's commit adds the batch's REVIEW decisions, and a review's decision
removes its item (:func:`pending_fill_sql`, :func:`pending_remove_sql`). A queue page then
reads one narrow table instead of joining a decision table and a ledger of hundreds of
thousands of rows. A workspace made before the table existed gains it, built from the
derivation, the first time it is opened to write (:func:`pending_build_sql`); opened
read-only before that, its queue is read from the derivation itself (``table=False``).

The queue is ordered oldest batch first, then in request order, and is filtered by batch, by
reason and by age: how long the item has waited since its batch was committed
(``batches.received_at``). Every builder here returns SQL text whose values are bound
parameters, in the order :func:`queue_params` gives them; nothing is formatted from input.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from taxgate.ledger.events import EventKind
from taxgate.matching.decide import Outcome

PENDING_TABLE = "review_pending"
"""The pending reviews, derived state kept by the commit and by each decision."""

PENDING_COLUMNS = (
    "seq",
    "batch_id",
    "request_id",
    "row",
    "reason",
    "tin",
    "match_weight",
    "margin",
    "as_of",
    "requester",
    "received_at",
    "waiting_since",
)


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


_ORDER = "p.received_at, p.batch_id, p.row"
_TABLE_ORDER = "p.seq"
"""In the table, ``seq`` numbers the items in queue order (commit time, batch, row): a page
sorts one integer column, and only the page's own rows are then read whole."""


def derived_pending_sql(*, batch_param: bool = False) -> str:
    """The pending reviews as the decisions and the ledger say (the truth the table keeps),
    with the columns of ``review_pending`` in its order; of one batch when ``batch_param``
    (params: the batch id)."""
    one_batch = "AND d.batch_id = ?" if batch_param else ""
    return f"""
        SELECT d.batch_id, d.request_id, d.row, d.reason, d.tin, d.match_weight, d.margin,
               d.as_of, b.requester, b.received_at,
               CAST(b.received_at AS TIMESTAMPTZ) AS waiting_since
        FROM decisions d JOIN batches b ON b.batch_id = d.batch_id
        WHERE d.decision = '{Outcome.REVIEW.value}' {one_batch}
          AND NOT EXISTS (
              SELECT 1 FROM ledger_entries e
              WHERE e.kind = '{EventKind.REVIEW_DECIDED.value}'
                AND e.batch_id = d.batch_id AND e.request_id = d.request_id)"""


def pending_build_sql() -> str:
    """Create ``review_pending`` and fill it from the derivation, numbered in queue order (no
    params); run once, in a transaction, on a store that has no such table."""
    return f"""
        CREATE TABLE {PENDING_TABLE} (
            seq BIGINT NOT NULL,
            batch_id VARCHAR NOT NULL,
            request_id VARCHAR NOT NULL,
            row BIGINT NOT NULL,
            reason VARCHAR,
            tin VARCHAR,
            match_weight DOUBLE,
            margin DOUBLE,
            as_of VARCHAR,
            requester VARCHAR NOT NULL,
            received_at VARCHAR NOT NULL,
            waiting_since TIMESTAMPTZ NOT NULL
        );
        INSERT INTO {PENDING_TABLE}
        SELECT row_number() OVER (ORDER BY received_at, batch_id, row), *
        FROM ({derived_pending_sql()}) ORDER BY 1;"""


def pending_fill_sql() -> str:
    """Add one committed batch's REVIEW decisions to the table, numbered after the items
    already there (params: the batch id); in the batch's own transaction, after its decisions
    and its ``batches`` row. A batch committed later sorts last, as its numbers do; should
    its commit time sort before an item already there (a clock set back),
    :func:`pending_out_of_order_sql` says so and :func:`pending_renumber_sql` numbers the
    table again."""
    return f"""
        INSERT INTO {PENDING_TABLE}
        SELECT (SELECT coalesce(max(seq), 0) FROM {PENDING_TABLE})
               + row_number() OVER (ORDER BY row), *
        FROM ({derived_pending_sql(batch_param=True)}) ORDER BY 1"""


def pending_out_of_order_sql() -> str:
    """How many items of other batches sort after one batch's items in queue order (params:
    the batch id); 0 when the batch's numbers, taken last, are in order."""
    return f"""
        SELECT count(*) FROM {PENDING_TABLE} o,
             (SELECT DISTINCT received_at, batch_id FROM {PENDING_TABLE} WHERE batch_id = ?) n
        WHERE o.batch_id <> n.batch_id
          AND (o.received_at > n.received_at
               OR (o.received_at = n.received_at AND o.batch_id > n.batch_id))"""


def pending_renumber_sql() -> str:
    """Number the whole table again in queue order (no params)."""
    return f"""
        UPDATE {PENDING_TABLE} SET seq = r.n
        FROM (SELECT batch_id AS b, row AS r_row,
                     row_number() OVER (ORDER BY received_at, batch_id, row) AS n
              FROM {PENDING_TABLE}) r
        WHERE {PENDING_TABLE}.batch_id = r.b AND {PENDING_TABLE}.row = r.r_row"""


def pending_remove_sql() -> str:
    """Take one decided item off the table (params: batch id, request id); in the decision's
    own transaction."""
    return f"DELETE FROM {PENDING_TABLE} WHERE batch_id = ? AND request_id = ?"


def _source(table: bool) -> str:
    """The pending reviews as ``p``: the table, or (a store without it) the derivation."""
    return f"{PENDING_TABLE} p" if table else f"({derived_pending_sql()}) p"


def _pending_sql(only: QueueFilter, *, table: bool) -> str:
    """FROM and WHERE of the pending reviews that ``only`` keeps."""
    conditions = ["TRUE"]
    if only.batch_id is not None:
        conditions.append("p.batch_id = ?")
    if only.reason is not None:
        conditions.append("p.reason = ?")
    if only.waited_since is not None:
        conditions.append("p.waiting_since <= CAST(? AS TIMESTAMPTZ)")
    return f"FROM {_source(table)} WHERE {' AND '.join(conditions)}"


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


def pending_page_sql(only: QueueFilter, *, paged: bool, table: bool = False) -> str:
    """The pending reviews ``only`` keeps, in queue order (params: :func:`queue_params`, then
    limit and offset when ``paged``). From the table, the page's numbers are found first and
    only those rows read whole."""
    page = "LIMIT ? OFFSET ?" if paged else ""
    columns = """p.batch_id, p.request_id, p.row, p.reason, p.tin, p.match_weight, p.margin,
               p.as_of, p.requester, p.received_at"""
    if table and paged:
        return f"""
        SELECT {columns} FROM {PENDING_TABLE} p
        WHERE p.seq IN (SELECT p.seq {_pending_sql(only, table=True)} ORDER BY p.seq {page})
        ORDER BY p.seq"""
    order = _TABLE_ORDER if table else _ORDER
    return f"""
        SELECT {columns}
        {_pending_sql(only, table=table)}
        ORDER BY {order} {page}"""


def pending_snapshot_sql(*, table: bool = False) -> str:
    """Every pending review in queue order: a page's columns, then the instant it waits since
    (no params); read once where the store cannot change while it is held."""
    columns = """p.batch_id, p.request_id, p.row, p.reason, p.tin, p.match_weight, p.margin,
               p.as_of, p.requester, p.received_at, p.waiting_since"""
    order = _TABLE_ORDER if table else _ORDER
    return f"SELECT {columns} FROM {_source(table)} ORDER BY {order}"


def pending_count_sql(only: QueueFilter, *, table: bool = False) -> str:
    """How many pending reviews ``only`` keeps (params: :func:`queue_params`)."""
    return f"SELECT count(*) {_pending_sql(only, table=table)}"


def pending_facets_sql(*, table: bool = False) -> str:
    """Pending reviews counted by batch and reason, with the batch's commit time as an instant
    (UTC), for the filters and for counting any filter's items without another pass over the
    queue (no params)."""
    return f"""
        SELECT p.batch_id, p.reason, p.waiting_since, count(*)
        {_pending_sql(QueueFilter(), table=table)}
        GROUP BY p.batch_id, p.reason, p.waiting_since ORDER BY p.batch_id, p.reason"""


def pending_neighbours_sql(only: QueueFilter, *, table: bool = False) -> str:
    """One pending item's place in the queue ``only`` keeps: its position, the total, and the
    previous and next items' ids (params: :func:`queue_params`, then batch_id, request_id).

    Keyed on the item's place in queue order (its number in the table; commit time, batch
    and row in the derivation): a count of the items before it, and the nearest item on
    either side."""
    key = "k.seq" if table else "(k.received_at, k.batch_id, k.row)"
    mine = "me.seq" if table else "(me.received_at, me.batch_id, me.row)"
    seq = "p.seq" if table else "0 AS seq"
    return f"""
        WITH kept AS (SELECT {seq}, p.batch_id, p.request_id, p.row, p.received_at
                      {_pending_sql(only, table=table)}),
             me AS (SELECT * FROM kept WHERE batch_id = ? AND request_id = ?),
             placed AS (SELECT k.batch_id, k.request_id, {key} AS key,
                               {key} < {mine} AS before, {key} > {mine} AS after
                        FROM kept k, me)
        SELECT (SELECT count(*) FROM placed WHERE before) + 1,
               (SELECT count(*) FROM kept),
               (SELECT batch_id FROM placed WHERE before ORDER BY key DESC LIMIT 1),
               (SELECT request_id FROM placed WHERE before ORDER BY key DESC LIMIT 1),
               (SELECT batch_id FROM placed WHERE after ORDER BY key LIMIT 1),
               (SELECT request_id FROM placed WHERE after ORDER BY key LIMIT 1)
        FROM me"""
