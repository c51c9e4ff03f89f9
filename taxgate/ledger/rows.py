"""Ledger events as store rows: the checks, the canonical encoding and the leaf hashes.

Used only by :meth:`taxgate.ledger.log.Ledger.append`, the one writer. Separate so that the
hot path of a batch append (a million small objects) can be read and measured on its own.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

import pyarrow as pa

from taxgate.errors import LedgerError
from taxgate.ledger.canonical import StringQuoter, canonical_json, quoted_leaf_bytes, sha256_hex
from taxgate.ledger.events import TAXPAYER_KEYS, EventKind, LedgerEvent

_ENTRY_SCHEMA = pa.schema(
    [
        ("idx", pa.int64()),
        ("kind", pa.string()),
        ("logged_at", pa.string()),
        ("batch_id", pa.string()),
        ("request_id", pa.string()),
        ("attrs", pa.string()),
        ("record_hash", pa.string()),
        ("leaf_hash", pa.binary()),
    ]
)
_RECORD_SCHEMA = pa.schema([("idx", pa.int64()), ("body", pa.string())])


def _check_keys(event: LedgerEvent) -> None:
    for key in event.attrs:
        if key.lower() in TAXPAYER_KEYS:
            raise LedgerError(
                f"{event.kind} attrs may not hold taxpayer data ({key!r})",
                hint="put taxpayer data in the event's record, which stays in the workspace",
            )


def _check_values(event: LedgerEvent) -> None:
    for key, value in event.attrs.items():
        if isinstance(value, dict):
            raise LedgerError(f"{event.kind} attr {key!r} must be a scalar or a list")


def encode_events(
    events: Sequence[LedgerEvent], *, start: int, at: str
) -> tuple[pa.Table, pa.Table, list[bytes]]:
    """Check and encode events as entry and record rows with their leaf hashes, in one pass.

    Attrs keys are checked once per distinct key set (a batch repeats a handful), and values
    only when the encoded attrs show a nested object.
    """
    sha = hashlib.sha256
    quote = StringQuoter()
    at_q = quote(at)
    checked: set[tuple[str, ...]] = set()
    attrs_col: list[str] = []
    record_hashes: list[str | None] = []
    leaves: list[bytes] = []
    record_idx: list[int] = []
    bodies: list[str] = []
    index = start
    for event in events:
        kind = event.kind
        if kind.__class__ is not EventKind:
            raise LedgerError(f"{kind!r} is not a ledger event kind")
        keys = tuple(event.attrs)
        if keys not in checked:
            _check_keys(event)
            checked.add(keys)
        attrs_json = canonical_json(event.attrs)
        if "{" in attrs_json[1:]:
            _check_values(event)
        record_hash = None
        if event.record is not None:
            body = canonical_json(event.record)
            record_hash = sha256_hex(body)
            record_idx.append(index)
            bodies.append(body)
        if kind is EventKind.DISCLOSURE and not (event.record and event.record.get("tin")):
            raise LedgerError("a DISCLOSURE event needs its record with the TIN disclosed")
        data = quoted_leaf_bytes(
            index,
            quote(kind.value),
            at_q,
            quote(event.batch_id),
            quote(event.request_id),
            attrs_json,
            quote(record_hash),
        )
        attrs_col.append(attrs_json)
        record_hashes.append(record_hash)
        leaves.append(sha(b"\x00" + data).digest())
        index += 1
    count = index - start
    entries = pa.table(
        [
            pa.array(range(start, index), pa.int64()),
            pa.array([e.kind.value for e in events], pa.string()),
            pa.array([at] * count, pa.string()),
            pa.array([e.batch_id for e in events], pa.string()),
            pa.array([e.request_id for e in events], pa.string()),
            pa.array(attrs_col, pa.string()),
            pa.array(record_hashes, pa.string()),
            pa.array(leaves, pa.binary()),
        ],
        schema=_ENTRY_SCHEMA,
    )
    records = pa.table(
        [pa.array(record_idx, pa.int64()), pa.array(bodies, pa.string())], schema=_RECORD_SCHEMA
    )
    return entries, records, leaves
