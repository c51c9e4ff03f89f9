"""The accounting of disclosures, read from the ledger.

§6103(p)(3)(A) requires a permanent record of every request and disclosure; this module
answers the questions asked of it: what was disclosed about a taxpayer, in a batch, to a
requester, or in a period. §6103(p)(3)(C) requires annual figures per requesting agency:
requests, instances of disclosure, taxpayers affected, and the general purposes (here, the
statutes cited). TINs are read from the records inside the workspace, never from the leaves.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from taxgate.ledger.canonical import parse_attrs
from taxgate.ledger.events import EventKind
from taxgate.ledger.hold import has_table, normalise_tin
from taxgate.store import Store

# TINs compare as their nine digits, however a stage wrote them.
_TIN_SQL = "regexp_replace(json_extract_string(r.body, '$.tin'), '[^0-9]', '', 'g')"


@dataclass(frozen=True)
class DisclosureRecord:
    """One disclosure as the ledger recorded it (internal: holds the TIN and address)."""

    index: int
    logged_at: str
    batch_id: str
    request_id: str
    requester: str
    agreement_id: str
    agreement_version: str
    statute: str
    tin: str
    address: dict[str, Any]
    as_of: str
    recall_id: str | None


@dataclass(frozen=True)
class AgencyStatistics:
    """§6103(p)(3)(C) figures for one requesting agency and one calendar year."""

    requester: str
    year: int
    requests: int = 0
    instances_disclosed: int = 0
    taxpayers_affected: int = 0
    purposes: tuple[str, ...] = field(default=())
    batches: int = 0
    batches_refused: int = 0
    recalled: int = 0


def disclosures_sql(
    *, by_tin: bool, by_batch: bool, by_requester: bool, since: bool, until: bool
) -> str:
    """DISCLOSURE entries with their records and recall ids; each filter binds one value.

    Parameters are bound in the order tin, batch, requester, since, until (those enabled).
    """
    where = [f"e.kind = '{EventKind.DISCLOSURE.value}'"]
    if by_tin:
        where.append(f"{_TIN_SQL} = ?")
    if by_batch:
        where.append("e.batch_id = ?")
    if by_requester:
        where.append("json_extract_string(e.attrs, '$.requester') = ?")
    if since:
        where.append("e.logged_at >= ?")
    if until:
        where.append("e.logged_at < ?")
    return f"""SELECT e.idx, e.logged_at, e.batch_id, e.request_id, r.body, rc.recall_id
               FROM ledger_entries e
               JOIN ledger_records r ON r.idx = e.idx
               LEFT JOIN (
                   SELECT CAST(json_extract(attrs, '$.disclosure_entry') AS BIGINT) AS idx,
                          min(json_extract_string(attrs, '$.recall_id')) AS recall_id
                   FROM ledger_entries
                   WHERE kind = '{EventKind.DISCLOSURE_RECALLED.value}' GROUP BY 1
               ) rc ON rc.idx = e.idx
               WHERE {" AND ".join(where)}
               ORDER BY e.idx"""


def list_disclosures(
    store: Store,
    *,
    tin: str | None = None,
    batch_id: str | None = None,
    requester: str | None = None,
    since: date | None = None,
    until: date | None = None,
) -> list[DisclosureRecord]:
    """Disclosures matching every filter given, in ledger order (§6103(p)(3)(A)).

    Args:
        store: The workspace store.
        tin: Only this taxpayer (any formatting of the nine digits).
        batch_id: Only this batch.
        requester: Only this requesting agency.
        since: Only disclosures logged on or after this day (UTC).
        until: Only disclosures logged on or before this day (UTC).
    """
    if not has_table(store, "ledger_entries"):
        return []
    params: list[Any] = []
    if tin is not None:
        params.append(normalise_tin(tin))
    if batch_id is not None:
        params.append(batch_id)
    if requester is not None:
        params.append(requester)
    if since is not None:
        params.append(since.isoformat())
    if until is not None:
        params.append((until + timedelta(days=1)).isoformat())
    sql = disclosures_sql(
        by_tin=tin is not None,
        by_batch=batch_id is not None,
        by_requester=requester is not None,
        since=since is not None,
        until=until is not None,
    )
    result = []
    for idx, at, batch, request, body, recall_id in store.fetchall(sql, params):
        record = parse_attrs(body)
        result.append(
            DisclosureRecord(
                index=idx,
                logged_at=at,
                batch_id=batch,
                request_id=request,
                requester=str(record.get("requester", "")),
                agreement_id=str(record.get("agreement_id", "")),
                agreement_version=str(record.get("agreement_version", "")),
                statute=str(record.get("statute", "")),
                tin=str(record.get("tin", "")),
                address=dict(record.get("address") or {}),
                as_of=str(record.get("as_of", "")),
                recall_id=recall_id,
            )
        )
    return result


def year_statistics_sql() -> str:
    """Per-requester counts for one period (params: start, end, start, end, start, end)."""
    return f"""
        WITH batches AS (
            SELECT batch_id, json_extract_string(attrs, '$.requester') AS requester,
                   false AS refused, 0 AS refused_rows, logged_at AS received_at
            FROM ledger_entries WHERE kind = '{EventKind.BATCH_RECEIVED.value}'
            UNION ALL
            -- A refusal counts only when the manifest's signature verified: before that,
            -- its requester and row count are claims anyone could write. A refused replay
            -- records 0 rows, so its requests are never counted twice.
            SELECT batch_id, json_extract_string(attrs, '$.requester'), true,
                   coalesce(CAST(json_extract(attrs, '$.rows') AS BIGINT), 0), logged_at
            FROM ledger_entries
            WHERE kind = '{EventKind.BATCH_REFUSED.value}'
              AND coalesce(CAST(json_extract(attrs, '$.signed') AS BOOLEAN), false)
        ),
        screened AS (
            SELECT b.requester, count(*) AS requests,
                   list(DISTINCT json_extract_string(e.attrs, '$.statute'))
                       FILTER (WHERE json_extract_string(e.attrs, '$.statute') IS NOT NULL)
                       AS statutes
            FROM ledger_entries e JOIN batches b ON b.batch_id = e.batch_id AND NOT b.refused
            WHERE e.kind = '{EventKind.REQUEST_SCREENED.value}'
              AND e.logged_at >= ? AND e.logged_at < ?
            GROUP BY b.requester
        ),
        disclosed AS (
            SELECT json_extract_string(e.attrs, '$.requester') AS requester,
                   count(*) AS instances,
                   count(DISTINCT {_TIN_SQL}) AS taxpayers,
                   list(DISTINCT json_extract_string(e.attrs, '$.statute'))
                       FILTER (WHERE json_extract_string(e.attrs, '$.statute') IS NOT NULL)
                       AS statutes,
                   count(*) FILTER (WHERE EXISTS (
                       SELECT 1 FROM ledger_entries x
                       WHERE x.kind = '{EventKind.DISCLOSURE_RECALLED.value}'
                         AND CAST(json_extract(x.attrs, '$.disclosure_entry') AS BIGINT) = e.idx
                   )) AS recalled
            FROM ledger_entries e JOIN ledger_records r ON r.idx = e.idx
            WHERE e.kind = '{EventKind.DISCLOSURE.value}'
              AND e.logged_at >= ? AND e.logged_at < ?
            GROUP BY 1
        ),
        received AS (
            SELECT requester, count(*) AS batches,
                   count(*) FILTER (WHERE refused) AS refused,
                   coalesce(sum(refused_rows), 0) AS refused_rows
            FROM batches WHERE received_at >= ? AND received_at < ?
            GROUP BY requester
        )
        SELECT coalesce(s.requester, d.requester, b.requester) AS requester,
               coalesce(s.requests, 0) + coalesce(b.refused_rows, 0),
               coalesce(d.instances, 0), coalesce(d.taxpayers, 0),
               coalesce(s.statutes, []), coalesce(d.statutes, []),
               coalesce(b.batches, 0), coalesce(b.refused, 0), coalesce(d.recalled, 0)
        FROM screened s
        FULL OUTER JOIN disclosed d ON d.requester = s.requester
        FULL OUTER JOIN received b ON b.requester = coalesce(s.requester, d.requester)
        ORDER BY 1"""


def disclosure_statistics(store: Store, *, year: int) -> list[AgencyStatistics]:
    """The §6103(p)(3)(C) figures of ``year`` for every requesting agency.

    ``requests`` counts the requests screened plus the declared rows of refused batches whose
    signature verified (a replay's rows are not counted again; an unverified refusal claims
    nothing that is counted);
    ``instances_disclosed`` counts disclosures (recalled ones included, and also counted in
    ``recalled``); ``taxpayers_affected`` counts distinct TINs; ``purposes`` are the statutes
    the requests and disclosures cited.
    """
    if not has_table(store, "ledger_entries"):
        return []
    start, end = f"{year:04d}-01-01", f"{year + 1:04d}-01-01"
    rows = store.fetchall(year_statistics_sql(), [start, end] * 3)
    return [
        AgencyStatistics(
            requester=row[0] or "(unknown)",
            year=year,
            requests=int(row[1]),
            instances_disclosed=int(row[2]),
            taxpayers_affected=int(row[3]),
            purposes=tuple(sorted(set(row[4]) | set(row[5]))),
            batches=int(row[6]),
            batches_refused=int(row[7]),
            recalled=int(row[8]),
        )
        for row in rows
    ]
