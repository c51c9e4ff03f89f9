"""The tables of the record store (SQLAlchemy Core). Migrations create them; this mirrors them.

Times are ISO-8601 UTC text (``2026-12-07T13:45:22Z``): they sort as text and read the same on
SQLite and PostgreSQL. No table holds taxpayer data: the access log keeps the route template,
never the path or the query.
"""

from __future__ import annotations

from sqlalchemy import Boolean, Column, ForeignKey, Integer, MetaData, String, Table, Text

metadata = MetaData()

TIME = String(32)

users = Table(
    "users",
    metadata,
    Column("user_id", Integer, primary_key=True, autoincrement=True),
    Column("username", String(64), nullable=False, unique=True),
    Column("role", String(32), nullable=False),
    Column("password_hash", Text, nullable=False),
    Column("totp_secret", String(64), nullable=False),
    Column("failed_attempts", Integer, nullable=False, default=0),
    Column("locked_until", TIME, nullable=True),
    Column("active", Boolean, nullable=False, default=True),
    Column("created_at", TIME, nullable=False),
)

api_tokens = Table(
    "api_tokens",
    metadata,
    Column("token_id", Integer, primary_key=True, autoincrement=True),
    Column("token_hash", String(64), nullable=False, unique=True),
    Column("name", String(64), nullable=False, unique=True),
    Column("role", String(32), nullable=False),
    Column("requester", String(128), nullable=False),
    Column("created_by", String(64), nullable=False),
    Column("created_at", TIME, nullable=False),
    Column("revoked_at", TIME, nullable=True),
)

sessions = Table(
    "sessions",
    metadata,
    Column("session_hash", String(64), primary_key=True),
    Column("user_id", Integer, ForeignKey("users.user_id"), nullable=False),
    Column("csrf_token", String(64), nullable=False),
    Column("created_at", TIME, nullable=False),
    Column("expires_at", TIME, nullable=False),
)

access_log = Table(
    "access_log",
    metadata,
    Column("entry_id", Integer, primary_key=True, autoincrement=True),
    Column("at", TIME, nullable=False),
    Column("method", String(8), nullable=False),
    Column("route", String(200), nullable=False),
    Column("status", Integer, nullable=False),
    Column("principal", String(64), nullable=True),
    Column("role", String(32), nullable=True),
    Column("denied", Boolean, nullable=False),
    Column("reason", String(200), nullable=True),
)

jobs = Table(
    "jobs",
    metadata,
    Column("job_id", String(36), primary_key=True),
    Column("batch_id", String(128), nullable=True),
    Column("requester", String(128), nullable=False),
    Column("submitted_by", String(64), nullable=False),
    Column("state", String(16), nullable=False),
    Column("stage", String(64), nullable=True),
    Column("stages_done", Integer, nullable=False, default=0),
    Column("error", Text, nullable=True),
    Column("created_at", TIME, nullable=False),
    Column("started_at", TIME, nullable=True),
    Column("finished_at", TIME, nullable=True),
)

releases = Table(
    "releases",
    metadata,
    Column("batch_id", String(128), primary_key=True),
    Column("released_by", String(64), nullable=False),
    Column("released_at", TIME, nullable=False),
    Column("response_sha256", String(64), nullable=False),
)

review_actions = Table(
    "review_actions",
    metadata,
    Column("batch_id", String(128), primary_key=True),
    Column("request_id", String(128), primary_key=True),
    Column("decided_by", String(64), nullable=False),
    Column("decision", String(16), nullable=False),
    Column("decided_at", TIME, nullable=False),
)
