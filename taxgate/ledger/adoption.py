"""The agreement in force, bound to the ledger: a hand-edited ``agreement.toml`` is caught.

The agreement decides what is disclosed (the thresholds, the minimum order age, who may
sign), so lowering a threshold by editing the file must never pass unseen. Every change the
workspace makes on purpose (``init``, ``agreement adopt``, ``add-signer``, ``revoke-signer``)
appends ``AGREEMENT_ADOPTED`` with the SHA-256 of the file's bytes and the text itself as
the record. ``run`` refuses an agreement file whose hash is not the last adopted one, and
``ledger verify`` names the fields that differ.
"""

from __future__ import annotations

import hashlib
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from taxgate.errors import ConfigError
from taxgate.ledger import events as ev
from taxgate.ledger.canonical import parse_attrs
from taxgate.ledger.hold import has_table
from taxgate.ledger.log import ledger_transaction
from taxgate.store import Store
from taxgate.workspace import Workspace


@dataclass(frozen=True)
class Adopted:
    """The last ``AGREEMENT_ADOPTED`` entry: its index, the file's hash and text."""

    index: int
    sha256: str
    text: str


def file_sha256(data: bytes) -> str:
    """Hex SHA-256 of the agreement file's bytes."""
    return hashlib.sha256(data).hexdigest()


def last_adopted(store: Store) -> Adopted | None:
    """The agreement the ledger says is in force, or None if none was ever adopted."""
    if not has_table(store, "ledger_entries"):
        return None
    row = store.fetchone(
        f"""SELECT e.idx, e.attrs, r.body FROM ledger_entries e
            LEFT JOIN ledger_records r ON r.idx = e.idx
            WHERE e.kind = '{ev.EventKind.AGREEMENT_ADOPTED.value}' ORDER BY e.idx DESC LIMIT 1"""
    )
    if row is None:
        return None
    record = parse_attrs(row[2]) if row[2] is not None else {}
    sha = str(parse_attrs(row[1])["agreement_sha256"])
    return Adopted(int(row[0]), sha, str(record.get("agreement_toml", "")))


def adoption_event(ws: Workspace, data: bytes, *, why: str) -> ev.LedgerEvent:
    """``AGREEMENT_ADOPTED`` for the agreement file's bytes ``data``."""
    terms = ws.agreement()
    return ev.agreement_adopted(
        agreement_id=terms.agreement.id,
        agreement_version=terms.agreement.version,
        agreement_sha256=file_sha256(data),
        text=data.decode("utf-8"),
        why=why,
    )


def read_agreement_bytes(ws: Workspace) -> bytes:
    """The workspace's agreement file, as bytes."""
    try:
        return ws.agreement_path.read_bytes()
    except OSError as e:
        raise ConfigError(f"cannot read agreement file {ws.agreement_path}: {e.strerror}") from e


def events_before_use(store: Store, ws: Workspace) -> list[ev.LedgerEvent]:
    """What a batch must append about the agreement before it is answered under it.

    Nothing when the file is the adopted one; its adoption when none was ever adopted (a
    workspace made by ``Workspace.create`` or an earlier taxgate: its first use adopts it).

    Raises:
        ConfigError: The file is not the agreement last adopted (edited by hand).
    """
    data = read_agreement_bytes(ws)
    adopted = last_adopted(store)
    if adopted is None:
        return [adoption_event(ws, data, why="first use")]
    if adopted.sha256 != file_sha256(data):
        raise ConfigError(
            f"{ws.agreement_path} is not the agreement adopted in ledger entry "
            f"{adopted.index}: {_difference(adopted.text, data)}",
            hint="undo the edit, or make the change deliberately and on the record with "
            f"`taxgate agreement adopt {ws.root}`",
        )
    return []


def adopt_agreement(ws: Workspace, *, now: datetime, why: str = "adopt") -> int | None:
    """Ledger the workspace's agreement file as the one in force; returns the entry's index,
    or None when it is already the adopted one (nothing is appended)."""
    data = read_agreement_bytes(ws)
    with Store.open(ws.store_path) as store:
        adopted = last_adopted(store)
        if adopted is not None and adopted.sha256 == file_sha256(data):
            return None
        with ledger_transaction(store, ws, now=now) as ledger:
            return ledger.append([adoption_event(ws, data, why=why)], now=now)[0]


def agreement_problems(store: Store, data: bytes | None) -> list[tuple[int | None, str]]:
    """For ``ledger verify``: the agreement file against the last adopted one.

    ``data`` is the file's bytes (None: missing). A ledger that answered batches but never
    adopted an agreement predates binding, and says so.
    """
    adopted = last_adopted(store)
    if adopted is None:
        if has_table(store, "batches") and store.fetchone("SELECT 1 FROM batches LIMIT 1"):
            return [
                (
                    None,
                    "no agreement was ever adopted in the ledger, yet batches were answered: "
                    "record the agreement in force with `taxgate agreement adopt WS`",
                )
            ]
        return []
    if data is None:
        return [
            (adopted.index, f"agreement.toml is missing (adopted in ledger entry {adopted.index})")
        ]
    if file_sha256(data) == adopted.sha256:
        return []
    return [
        (
            adopted.index,
            f"agreement.toml is not the agreement adopted in ledger entry {adopted.index}: "
            f"{_difference(adopted.text, data)}",
        )
    ]


def _difference(adopted_text: str, data: bytes) -> str:
    """Which fields of the file differ from the adopted text (never their values: a signer's
    key or a threshold is named, not quoted)."""
    try:
        now_doc = tomllib.loads(data.decode("utf-8"))
        then_doc = tomllib.loads(adopted_text)
    except (UnicodeDecodeError, tomllib.TOMLDecodeError):
        return "the file is no longer valid UTF-8 TOML"
    now_flat, then_flat = _flatten(now_doc), _flatten(then_doc)
    fields = sorted(
        k for k in now_flat.keys() | then_flat.keys() if now_flat.get(k) != then_flat.get(k)
    )
    if not fields:
        return "its bytes differ (layout or comments only)"
    shown = ", ".join(fields[:8]) + (f" and {len(fields) - 8} more" if len(fields) > 8 else "")
    return f"{shown} changed"


def _flatten(doc: Mapping[str, Any], prefix: str = "") -> dict[str, Any]:
    flat: dict[str, Any] = {}
    for key, value in doc.items():
        name = f"{prefix}{key}"
        if isinstance(value, Mapping):
            flat.update(_flatten(value, f"{name}."))
        elif isinstance(value, list) and value and all(isinstance(v, Mapping) for v in value):
            for position, item in enumerate(value):
                label = item.get("name", position) if isinstance(item, Mapping) else position
                flat.update(_flatten(item, f"{name}[{label}]."))
        else:
            flat[name] = value
    return flat
