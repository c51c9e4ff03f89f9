"""Alembic migrations of the record store, run by :meth:`taxgate.records.RecordStore.open`."""
