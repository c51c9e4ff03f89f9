"""The service's own transactional state: users, tokens, sessions, access log, jobs, releases.

Kept apart from the workspace's DuckDB store (the master file, batches, decisions, ledger),
which one process opens at a time: this state is written by many concurrent web requests.
One seam, :class:`RecordStore`, on SQLAlchemy 2 Core; SQLite in the workspace by default,
PostgreSQL by URL. The schema is kept by Alembic migrations shipped in this package and run
when the store is opened. Nothing here holds taxpayer data.
"""

from __future__ import annotations

from taxgate.records.store import RecordStore, default_database_url

__all__ = ["RecordStore", "default_database_url"]
