"""The workspace store adapter: the one place that owns the SQL engine (DuckDB now).

Stages build SQL with pure ``*_sql`` functions and hand it to :class:`Store` to run. User
values are always bound parameters; identifiers never come from input.
"""

from taxgate.store.duckdb_store import Store

__all__ = ["Store"]
