"""The access log: one row per request, never a path, query or body (no taxpayer data)."""

from __future__ import annotations

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
    conn.execute(
        insert(access_log).values(
            at=format_time(at),
            method=method,
            route=route[:200],
            status=status,
            principal=principal,
            role=role,
            denied=denied,
            reason=None if reason is None else reason[:200],
        )
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
