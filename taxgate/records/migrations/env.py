"""Alembic environment: runs on the connection the record store hands over, never from an ini."""

from __future__ import annotations

from alembic import context
from sqlalchemy.engine import Connection

from taxgate.records.schema import metadata


def _run(connection: Connection) -> None:
    context.configure(connection=connection, target_metadata=metadata)
    with context.begin_transaction():
        context.run_migrations()


_connection = context.config.attributes.get("connection")
if not isinstance(_connection, Connection):
    raise RuntimeError("taxgate's migrations run only through RecordStore.open")
_run(_connection)
