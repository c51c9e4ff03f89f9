"""The access log: one row per request, never a path, query or body (no taxpayer data)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, insert, select
from sqlalchemy.engine import Connection

from taxgate.ledger.canonical import format_time
from taxgate.records.schema import access_log


@dataclass(frozen=True)
class AccessEntry:
    """One request as logged: who, what route template, the answer, and why if refused."""

    entry_id: int
    at: str
    method: str
    route: str
    status: int
    principal: str | None
    role: str | None
    denied: bool
    reason: str | None


@dataclass(frozen=True)
class AccessRow:
    """One request to log: who, what route template, the answer, and why if refused."""

    at: datetime
    method: str
    route: str
    status: int
    principal: str | None
    role: str | None
    denied: bool
    reason: str | None = None


def log_access(
    conn: Connection,
    *,
    at: datetime,
    method: str,
    route: str,
    status: int,
    principal: str | None,
    role: str | None,
    denied: bool,
    reason: str | None = None,
) -> None:
    """Append one entry; ``route`` is the template (``/api/batches/{batch_id}``), never a path."""
    log_access_rows(conn, [AccessRow(at, method, route, status, principal, role, denied, reason)])


def log_access_rows(conn: Connection, rows: Sequence[AccessRow]) -> None:
    """Append entries in order, in the caller's transaction (one statement for them all)."""
    if not rows:
        return
    conn.execute(
        insert(access_log),
        [
            {
                "at": format_time(row.at),
                "method": row.method,
                "route": row.route[:200],
                "status": row.status,
                "principal": row.principal,
                "role": row.role,
                "denied": row.denied,
                "reason": None if row.reason is None else row.reason[:200],
            }
            for row in rows
        ],
    )


def recent_access(
    conn: Connection, *, limit: int = 200, denied_only: bool = False
) -> list[AccessEntry]:
    """The newest entries first."""
    query = select(access_log).order_by(access_log.c.entry_id.desc()).limit(limit)
    if denied_only:
        query = query.where(access_log.c.denied.is_(True))
    return [AccessEntry(*row) for row in conn.execute(query).all()]


def denial_counts(conn: Connection) -> dict[str, int]:
    """Denials counted by route template."""
    query = (
        select(access_log.c.route, func.count())
        .where(access_log.c.denied.is_(True))
        .group_by(access_log.c.route)
    )
    return {route: count for route, count in conn.execute(query).all()}
