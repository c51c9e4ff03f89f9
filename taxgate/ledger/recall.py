"""Recall of erroneous disclosures: ledger entries, a disposal request, an incident report.

An erroneous disclosure found later is marked in the ledger (one ``DISCLOSURE_RECALLED``
entry per disclosure), the recipient is asked to return or destroy what it received
(§6103(p)(4)(F)), and the inspector general gets an incident report within the agreement's
reporting window (domain brief §6). Both documents carry identifiers and counts only: no
taxpayer data beyond the request ids the recipient already holds.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from taxgate.errors import InputError, LedgerError, WorkspaceError
from taxgate.ledger.canonical import format_time, parse_attrs, parse_time
from taxgate.ledger.events import EventKind, LedgerEvent
from taxgate.ledger.log import Ledger
from taxgate.spreadsheet_csv import rows_to_csv
from taxgate.store import Store
from taxgate.workspace import atomic_write_text

DISPOSAL_JSON = "disposal-request.json"
DISPOSAL_CSV = "disposal-request.csv"
INCIDENT_JSON = "incident-report.json"

# A reason that looks like it carries a TIN would put taxpayer data into the IG's report.
_TIN_LIKE = re.compile(r"\b\d{3}-?\d{2}-?\d{4}\b")


@dataclass(frozen=True)
class RecallRecord:
    """One recall: which disclosures of a batch were recalled, why, and where it is logged."""

    recall_id: str
    batch_id: str
    requester: str
    agreement_id: str
    agreement_version: str
    why: str
    recalled_at: str
    request_ids: tuple[str, ...]
    disclosure_entries: tuple[int, ...]
    first_entry: int
    last_entry: int


def batch_disclosures_sql() -> str:
    """DISCLOSURE entries of one batch with their recall id, if recalled (param: batch_id)."""
    return """SELECT d.idx, d.request_id, d.attrs, rc.recall_id
              FROM ledger_entries d
              LEFT JOIN (
                  SELECT CAST(json_extract(attrs, '$.disclosure_entry') AS BIGINT) AS idx,
                         min(json_extract_string(attrs, '$.recall_id')) AS recall_id
                  FROM ledger_entries WHERE kind = 'DISCLOSURE_RECALLED' GROUP BY 1
              ) rc ON rc.idx = d.idx
              WHERE d.kind = 'DISCLOSURE' AND d.batch_id = ?
              ORDER BY d.idx"""


def recall_disclosures(
    ledger: Ledger,
    *,
    batch_id: str,
    request_ids: Sequence[str] | None,
    why: str,
    now: datetime,
) -> RecallRecord:
    """Mark disclosures of ``batch_id`` erroneous (all of them, or those of ``request_ids``).

    Run inside :func:`taxgate.ledger.log.ledger_transaction`, which signs the checkpoint.

    Raises:
        InputError: the batch or a named request has no disclosure, or ``why`` is empty or
            looks like it holds a TIN.
        WorkspaceError: a named disclosure is already recalled, or none is left to recall.
    """
    why = _checked_why(why)
    store = ledger.store
    with store.transaction():
        rows = store.fetchall(batch_disclosures_sql(), [batch_id])
        if not rows:
            raise InputError(f"batch {batch_id!r} has no disclosures in the ledger", field="batch")
        chosen = _choose(rows, batch_id, request_ids)
        ids = {json.dumps(_identity(attrs), sort_keys=True) for _, _, attrs, _ in chosen}
        if len(ids) != 1:
            raise LedgerError(f"batch {batch_id!r} disclosed under several requesters or terms")
        identity = _identity(chosen[0][2])
        recall_id = f"recall-{ledger.size()}"
        events = [
            LedgerEvent(
                EventKind.DISCLOSURE_RECALLED,
                batch_id,
                request_id,
                attrs={
                    "recall_id": recall_id,
                    "disclosure_entry": idx,
                    "requester": identity["requester"],
                },
                record={"recall_id": recall_id, "why": why},
            )
            for idx, request_id, _, _ in chosen
        ]
        entries = ledger.append(events, now=now)
        record = RecallRecord(
            recall_id=recall_id,
            batch_id=batch_id,
            requester=identity["requester"],
            agreement_id=identity["agreement_id"],
            agreement_version=identity["agreement_version"],
            why=why,
            recalled_at=format_time(now),
            request_ids=tuple(request_id for _, request_id, _, _ in chosen),
            disclosure_entries=tuple(idx for idx, _, _, _ in chosen),
            first_entry=entries[0],
            last_entry=entries[-1],
        )
        _store_recall(ledger, record)
    return record


def _checked_why(why: str) -> str:
    """The recall's reason, stripped; it must say something and hold no TIN."""
    why = why.strip()
    if not why:
        raise InputError("--why must say what was wrong with the disclosures", field="why")
    if _TIN_LIKE.search(why):
        raise InputError(
            "--why looks like it holds a TIN; the incident report must carry no taxpayer data",
            field="why",
        )
    return why


def _store_recall(ledger: Ledger, record: RecallRecord) -> None:
    """The recall's row (its entries are in the ledger)."""
    ledger.store.execute(
        """INSERT INTO recalls (recall_id, batch_id, requester, why, recalled_at,
                                request_ids, first_entry, last_entry)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?)""",
        [
            record.recall_id,
            record.batch_id,
            record.requester,
            record.why,
            record.recalled_at,
            json.dumps(list(record.request_ids)),
            record.first_entry,
            record.last_entry,
        ],
    )


def _choose(
    rows: list[tuple[Any, ...]], batch_id: str, request_ids: Sequence[str] | None
) -> list[tuple[Any, ...]]:
    if request_ids:
        by_request = {row[1]: row for row in rows}
        unknown = sorted(set(request_ids) - by_request.keys())
        if unknown:
            raise InputError(
                f"batch {batch_id!r} disclosed nothing for request(s) {', '.join(unknown[:5])}",
                field="request",
            )
        chosen = [by_request[r] for r in dict.fromkeys(request_ids)]
        done = [row for row in chosen if row[3] is not None]
        if done:
            raise WorkspaceError(
                f"request {done[0][1]} of batch {batch_id!r} is already recalled ({done[0][3]})"
            )
        return chosen
    chosen = [row for row in rows if row[3] is None]
    if not chosen:
        raise WorkspaceError(f"every disclosure of batch {batch_id!r} is already recalled")
    return chosen


def _identity(attrs_json: str) -> dict[str, str]:
    attrs = parse_attrs(attrs_json)
    return {k: str(attrs.get(k, "")) for k in ("requester", "agreement_id", "agreement_version")}


def recalls(store: Store) -> list[RecallRecord]:
    """Every recall, oldest first, rebuilt from the ``recalls`` table and its entries."""
    rows = store.fetchall(
        """SELECT recall_id, batch_id, requester, why, recalled_at, request_ids,
                  first_entry, last_entry FROM recalls ORDER BY first_entry"""
    )
    result = []
    for recall_id, batch_id, requester, why, at, request_ids, first, last in rows:
        entries = store.fetchall(
            """SELECT CAST(json_extract(e.attrs, '$.disclosure_entry') AS BIGINT), d.attrs
               FROM ledger_entries e JOIN ledger_entries d
                 ON d.idx = CAST(json_extract(e.attrs, '$.disclosure_entry') AS BIGINT)
               WHERE e.idx BETWEEN ? AND ? ORDER BY e.idx""",
            [first, last],
        )
        identity = _identity(entries[0][1]) if entries else _identity("{}")
        result.append(
            RecallRecord(
                recall_id=recall_id,
                batch_id=batch_id,
                requester=requester,
                agreement_id=identity["agreement_id"],
                agreement_version=identity["agreement_version"],
                why=why,
                recalled_at=at,
                request_ids=tuple(json.loads(request_ids)),
                disclosure_entries=tuple(e[0] for e in entries),
                first_entry=first,
                last_entry=last,
            )
        )
    return result


def write_recall_documents(
    record: RecallRecord, out_dir: Path, *, incident_report_hours: int
) -> list[Path]:
    """Write the disposal request (JSON and CSV) and the incident report into ``out_dir``.

    Both hold identifiers and counts only. The incident report is due to the inspector
    general within ``incident_report_hours`` of the recall (the agreement's reporting terms).
    Safe to call again: it rewrites the same files from the same record.
    """
    due = parse_time(record.recalled_at) + timedelta(hours=incident_report_hours)
    agreement = {"id": record.agreement_id, "version": record.agreement_version}
    disposal = {
        "document": "disposal-request",
        "recall_id": record.recall_id,
        "recipient": record.requester,
        "agreement": agreement,
        "batch_id": record.batch_id,
        "request_ids": list(record.request_ids),
        "records": len(record.request_ids),
        "issued_at": record.recalled_at,
        "instruction": (
            "The responses to the requests listed were disclosed in error. Return or destroy "
            "them and every copy, and confirm in writing (26 U.S.C. 6103(p)(4)(F))."
        ),
    }
    incident = {
        "document": "incident-report",
        "recall_id": record.recall_id,
        "requester": record.requester,
        "agreement": agreement,
        "batch_id": record.batch_id,
        "records_recalled": len(record.request_ids),
        "request_ids": list(record.request_ids),
        "disclosure_ledger_entries": list(record.disclosure_entries),
        "recall_ledger_entries": [record.first_entry, record.last_entry],
        "recalled_at": record.recalled_at,
        "report_due_by": format_time(due),
        "why": record.why,
    }
    rows = [(record.batch_id, r) for r in record.request_ids]
    paths = {
        out_dir / DISPOSAL_JSON: json.dumps(disposal, indent=2) + "\n",
        out_dir / DISPOSAL_CSV: rows_to_csv(("batch_id", "request_id"), rows),
        out_dir / INCIDENT_JSON: json.dumps(incident, indent=2) + "\n",
    }
    for path, text in paths.items():
        atomic_write_text(path, text)
    return list(paths)
