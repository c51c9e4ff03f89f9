"""Bind the stored tables to the ledger, and re-derive them from it to verify.

The ledger's entries are the record; ``batches``, ``decisions``, ``responses``, ``reviews``
and ``models`` are working copies that the requester's response, the report and the auditor
read. A row edited with SQL behind the ledger's back (a NOT_DISCLOSED turned into
DISCLOSED, a disclosed address changed, a batch's requester or row count rewritten, a row
deleted or inserted) would change what they are told, so every such row is written into the
record of the entry that commits it:

* ``BATCH_RELEASED``: the ``batches`` row;
* ``REQUEST_DECIDED``: the request's ``decisions`` and ``responses`` rows;
* ``REVIEW_DECIDED``: the ``reviews`` row;
* ``MODEL_ADOPTED``: the ``models`` row, its settings by SHA-256.

:func:`binding_problems` rebuilds every table from those records and compares, naming the
table, the batch and row, and the fields that differ. The records are bound to their
entries by hash and the entries to signed checkpoints, so a rewrite of both is caught there.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator, Mapping
from datetime import date, datetime
from typing import Any

from taxgate.ledger.canonical import parse_attrs
from taxgate.ledger.events import EventKind, LedgerEvent, model_adopted
from taxgate.store import Store

Key = tuple[Any, ...]
Problem = tuple[int | None, str]

# Each bound table, the columns that name one of its rows.
BOUND_KEYS: dict[str, tuple[str, ...]] = {
    "batches": ("batch_id",),
    "decisions": ("batch_id", "row"),
    "responses": ("batch_id", "row"),
    "reviews": ("review_id",),
    "models": ("version",),
}


def bound_row(row: Mapping[str, Any]) -> dict[str, Any]:
    """A stored row as the ledger keeps it: JSON values (dates as ISO text, tuples as lists).

    Example:
        >>> bound_row({"request_date": date(2025, 7, 1), "flags": ("A",)})
        {'flags': ['A'], 'request_date': '2025-07-01'}
    """
    return {str(k): _plain(v) for k, v in sorted(row.items())}


_AS_IS = frozenset({str, int, float, bool, type(None)})


def _plain(value: Any) -> Any:
    if type(value) in _AS_IS:
        return value
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, tuple | list):
        return [_plain(v) for v in value]
    return value


def decision_record(decision: Mapping[str, Any], response: Mapping[str, Any]) -> dict[str, Any]:
    """The record of a ``REQUEST_DECIDED`` entry: the request's two stored rows."""
    return {"decisions": bound_row(decision), "responses": bound_row(response)}


def batch_record(batch: Mapping[str, Any]) -> dict[str, Any]:
    """The record of a ``BATCH_RELEASED`` entry: the batch's stored row."""
    return {"batches": bound_row(batch)}


def settings_sha256(settings_json: str) -> str:
    """SHA-256 of a model's stored settings text (the ``models.settings`` column)."""
    return hashlib.sha256(settings_json.encode("utf-8")).hexdigest()


def model_event(
    *, model_version: str, trained_on: str, created_at: str, settings_json: str
) -> LedgerEvent:
    """``MODEL_ADOPTED`` for a ``models`` row just written."""
    return model_adopted(
        model_version=model_version,
        trained_on=trained_on,
        settings_sha256=settings_sha256(settings_json),
        created_at=created_at,
    )


def _bound_sql() -> str:
    kinds = ", ".join(
        f"'{k.value}'"
        for k in (
            EventKind.BATCH_RELEASED,
            EventKind.REQUEST_DECIDED,
            EventKind.REVIEW_DECIDED,
            EventKind.MODEL_ADOPTED,
        )
    )
    return f"""SELECT e.idx, e.kind, e.batch_id, e.attrs, r.body
               FROM ledger_entries e LEFT JOIN ledger_records r ON r.idx = e.idx
               WHERE e.kind IN ({kinds}) ORDER BY e.idx"""


class _Expected:
    """The bound tables as the ledger says they are: ``{table: {key: (entry, row)}}``."""

    def __init__(self) -> None:
        self.rows: dict[str, dict[Key, tuple[int, dict[str, Any]]]] = {t: {} for t in BOUND_KEYS}
        self.unbound: dict[str, int] = {}  # batches released before their rows were bound
        self.release: dict[str, int] = {}  # batch -> its BATCH_RELEASED entry
        self.unbound_stored: set[str] = set()  # unbound batches with rows in the tables

    def add(self, table: str, idx: int, row: Mapping[str, Any]) -> None:
        key = tuple(row.get(c) for c in BOUND_KEYS[table])
        self.rows[table][key] = (idx, dict(row))

    def read(self, store: Store) -> None:
        models: list[tuple[int, dict[str, Any]]] = []
        for idx, kind, batch_id, attrs_json, body in store.fetchall(_bound_sql()):
            record = parse_attrs(body) if body is not None else {}
            if kind == EventKind.BATCH_RELEASED:
                self.release[batch_id] = idx
                if "batches" in record:
                    self.add("batches", idx, record["batches"])
                else:
                    self.unbound[batch_id] = idx
            elif kind == EventKind.REQUEST_DECIDED and "decisions" in record:
                self.add("decisions", idx, record["decisions"])
                self.add("responses", idx, record["responses"])
            elif kind == EventKind.REVIEW_DECIDED and "reviews" in record:
                self.add("reviews", idx, record["reviews"])
            elif kind == EventKind.MODEL_ADOPTED:
                attrs = parse_attrs(attrs_json)
                row = {
                    "version": attrs["model_version"],
                    "created_at": attrs["created_at"],
                    "trained_on_batch": attrs["trained_on"],
                    "settings": attrs["settings_sha256"],
                    "active": False,
                }
                models.append((idx, row))
        for position, (idx, row) in enumerate(models):
            row["active"] = position == len(models) - 1
            self.add("models", idx, row)


def _stored(store: Store, table: str) -> Iterator[dict[str, Any]]:
    # ``table`` is one of BOUND_KEYS, never input.
    for row in store.arrow(f"SELECT * FROM {table}").to_pylist():
        plain = bound_row(row)
        if table == "models":
            plain["settings"] = settings_sha256(str(plain["settings"]))
        yield plain


def binding_problems(store: Store) -> list[Problem]:
    """``(entry index or None, message)`` for every stored row that is not the ledger's.

    A row the ledger never recorded has no entry to name unless its batch has one (then the
    batch's release entry is named).
    """
    expected = _Expected()
    expected.read(store)
    problems: list[Problem] = []
    present = {str(name) for (name,) in store.fetchall("SELECT table_name FROM duckdb_tables()")}
    for table in BOUND_KEYS:
        actual: dict[Key, dict[str, Any]] = {}
        for row in _stored(store, table) if table in present else ():
            key = tuple(row.get(c) for c in BOUND_KEYS[table])
            if key in actual:
                idx = expected.rows[table].get(key, (None, {}))[0]
                problems.append((idx, f"the {_describe(table, key)} is stored twice (inserted)"))
            actual[key] = row
        problems += _compare(table, expected, actual)
    problems += [
        (
            idx,
            f"batch {batch} (entry {idx}) was committed before taxgate bound its tables to "
            "the ledger; its stored rows cannot be verified: re-initialise the workspace "
            "(docs/ledger.md)",
        )
        for batch, idx in sorted(expected.unbound.items())
        if batch in expected.unbound_stored
    ]
    return sorted(problems, key=lambda p: (p[0] is None, p[0] or 0, p[1]))


def _describe(table: str, key: Key) -> str:
    if table in ("decisions", "responses"):
        return f"{table} row {key[1]} of batch {key[0]}"
    noun = {"batches": "batch", "reviews": "review", "models": "model"}[table]
    return f"{table} row of {noun} {key[0]}"


def _compare(table: str, expected: _Expected, actual: dict[Key, dict[str, Any]]) -> list[Problem]:
    want = expected.rows[table]
    problems: list[Problem] = []
    for key in sorted(want.keys() | actual.keys(), key=repr):
        where = _describe(table, key)
        have = actual.get(key)
        if key not in want:
            batch = key[0] if table != "models" else None
            if batch in expected.unbound:
                expected.unbound_stored.add(str(batch))
                continue
            idx = expected.release.get(batch) if batch is not None else None
            problems.append((idx, f"the {where} has no ledger entry behind it (inserted)"))
            continue
        idx, row = want[key]
        if have is None:
            problems.append((idx, f"the {where} is missing (ledger entry {idx} records it)"))
            continue
        if row == have:
            continue
        fields = sorted(c for c in row.keys() | have.keys() if _differs(row.get(c), have.get(c)))
        if fields:
            problems.append(
                (idx, f"the {where} differs from ledger entry {idx} in {', '.join(fields)}")
            )
    return problems


def _differs(ledger_value: Any, stored_value: Any) -> bool:
    # Both sides are JSON-shaped (``bound_row``): an integer column read as 1 equals the
    # ledger's 1, and a NaN (never written to the ledger) equals nothing.
    return bool(ledger_value != stored_value)
