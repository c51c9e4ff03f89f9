"""Canonical bytes of ledger entries, records and times: one encoding, used to write and verify.

Canonical JSON here means: keys sorted, no whitespace (``","`` and ``":"``), UTF-8 without
``\\u`` escapes for non-ASCII text, and no NaN or infinity. Two writers that agree on the
value therefore agree on the bytes, and so on the hash.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from datetime import UTC, date, datetime
from typing import Any

from taxgate.errors import LedgerError

LEAF_FORMAT = 1

_TIME_FORMAT = "%Y-%m-%dT%H:%M:%S.%fZ"


def _plain(value: object) -> str:
    if isinstance(value, datetime):
        return format_time(value)
    if isinstance(value, date):
        return value.isoformat()
    raise TypeError(f"{type(value).__name__} is not JSON serialisable")


# No circular-reference check: ledger values are trees built from plain data, and the
# check costs a dictionary operation per container on the append path.
_ENCODER = json.JSONEncoder(
    sort_keys=True,
    separators=(",", ":"),
    ensure_ascii=False,
    allow_nan=False,
    check_circular=False,
    default=_plain,
)
# The C encoder that ``_ENCODER.encode`` builds on every call, built once: appending a batch
# encodes a million small objects, and rebuilding it is a third of the cost. It produces the
# very same text (tests compare with ``json.dumps``); without it, the documented path is used.
_C_MAKE_ENCODER = getattr(json.encoder, "c_make_encoder", None)
_C_ENCODE = (
    None
    if _C_MAKE_ENCODER is None
    else _C_MAKE_ENCODER(
        None, _plain, json.encoder.encode_basestring, None, ":", ",", True, False, False
    )
)


def canonical_json(value: Any) -> str:
    """Encode ``value`` as canonical JSON text (dates as ISO 8601, datetimes in UTC).

    Example:
        >>> canonical_json({"b": 1, "a": ["é", None]})
        '{"a":["é",null],"b":1}'
    """
    try:
        if _C_ENCODE is not None and isinstance(value, dict):
            return "".join(_C_ENCODE(value, 0))
        return _ENCODER.encode(value)
    except (TypeError, ValueError, RecursionError) as e:
        raise LedgerError(f"value cannot be written to the ledger: {e}") from e


def json_string(value: str | None) -> str:
    """One JSON string (or ``null``), encoded exactly as :func:`canonical_json` would."""
    return "null" if value is None else _ENCODER.encode(value)


def sha256_hex(text: str) -> str:
    """Hex SHA-256 of the UTF-8 bytes of ``text``: how a record is bound to its entry."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def format_time(moment: datetime) -> str:
    """A timezone-aware instant as fixed-width UTC text, e.g. ``2025-08-07T14:03:00.000000Z``.

    Fixed width makes text order equal time order, so the store can compare times as text.
    """
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise LedgerError(
            f"ledger times must be timezone-aware; got naive {moment.isoformat()}",
            hint="pass datetime.now(UTC) or another aware datetime",
        )
    return moment.astimezone(UTC).strftime(_TIME_FORMAT)


def parse_time(text: str) -> datetime:
    """The inverse of :func:`format_time`."""
    return datetime.strptime(text, _TIME_FORMAT).replace(tzinfo=UTC)


def leaf_bytes(
    *,
    index: int,
    kind: str,
    at: str,
    batch_id: str | None,
    request_id: str | None,
    attrs_json: str,
    record_hash: str | None,
) -> bytes:
    """The bytes that entry ``index`` contributes to the Merkle tree (before leaf hashing).

    They equal ``canonical_json`` of ``{"attrs", "batch_id", "index", "kind", "record_hash",
    "request_id", "time", "v"}`` with ``attrs_json`` already canonical. The entry's position
    is inside its own bytes, so an entry moved to another place no longer hashes the same.
    """
    return quoted_leaf_bytes(
        index,
        json_string(kind),
        json_string(at),
        json_string(batch_id),
        json_string(request_id),
        attrs_json,
        json_string(record_hash),
    )


def quoted_leaf_bytes(
    index: int,
    kind_q: str,
    at_q: str,
    batch_q: str,
    request_q: str,
    attrs_json: str,
    record_hash_q: str,
) -> bytes:
    """:func:`leaf_bytes` over values already encoded by :func:`json_string`.

    The text is assembled directly rather than re-encoded: writing a batch and verifying a
    million entries both go through here, and neither should re-parse ``attrs``.
    """
    return (
        f'{{"attrs":{attrs_json},"batch_id":{batch_q},"index":{index},"kind":{kind_q},'
        f'"record_hash":{record_hash_q},"request_id":{request_q},"time":{at_q},'
        f'"v":{LEAF_FORMAT}}}'
    ).encode()


class StringQuoter:
    """:func:`json_string` with a cache, for the ids that repeat across a batch's entries."""

    __slots__ = ("_cache",)

    def __init__(self) -> None:
        self._cache: dict[str | None, str] = {None: "null"}

    def __call__(self, value: str | None) -> str:
        quoted = self._cache.get(value)
        if quoted is None:
            if len(self._cache) > 1_000_000:
                self._cache = {None: "null"}
            quoted = self._cache[value] = json_string(value)
        return quoted


def parse_attrs(attrs_json: str) -> dict[str, Any]:
    """Decode stored attrs or record text."""
    value = json.loads(attrs_json)
    if not isinstance(value, Mapping):
        raise LedgerError("stored ledger attrs are not a JSON object")
    return dict(value)
