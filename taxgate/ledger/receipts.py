"""What the requester holds of the ledger: the signed checkpoint and an inclusion proof for
each disclosure, written beside ``response.csv`` and beside each review's supplement.

``checkpoint.txt`` is a C2SP checkpoint (signed note) covering the batch, with every witness
cosignature the workspace has received for it: when ``run`` writes it, the checkpoint that
committed the batch; when ``taxgate response`` writes it again, the newest checkpoint a
witness cosigned (else the newest). ``proofs.json`` gives, for each DISCLOSURE entry the run
made (those ``response.csv`` shows; a later review's supplement is not among them), the
entry's exact leaf bytes (identifiers, codes and the hash of its record; no taxpayer data in
clear) and its RFC 9162 audit path to that checkpoint's root. A supplement
``supplement-B-R.csv`` has its own ``supplement-B-R.checkpoint.txt`` and
``supplement-B-R.proofs.json`` in the same format, proving the one DISCLOSURE entry its
approval added. With the log's public key, anyone can check that each disclosure the
requester received is in the log every witness saw, without taxgate's code
(``docs/verify_response.py``). Once the requester holds them, a later rewrite of those
entries cannot go unnoticed.
"""

from __future__ import annotations

import base64
import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from taxgate.errors import InputError, LedgerError, LedgerVerificationError
from taxgate.ledger import schema
from taxgate.ledger.canonical import leaf_bytes
from taxgate.ledger.checkpoint import Checkpoint
from taxgate.ledger.hold import has_table
from taxgate.ledger.log import Ledger
from taxgate.ledger.note import HASH_SIZE, NoteSignature, parse_note
from taxgate.store import Store
from taxgate.workspace import atomic_write_bytes

RESPONSE_CSV = "response.csv"
CHECKPOINT_FILE = "checkpoint.txt"
PROOFS_FILE = "proofs.json"
PROOFS_FORMAT = "taxgate-inclusion-proofs/1"
MAX_PROOFS_BYTES = 1 << 30
_MAX_PATH = 64


@dataclass(frozen=True)
class Receipt:
    """The two ledger files of a response folder, as bytes."""

    checkpoint: bytes
    proofs: bytes


def batch_receipt(store: Store, batch_id: str) -> Receipt | None:
    """The checkpoint and proofs of a committed batch; None if no C2SP checkpoint covers it.

    Raises:
        LedgerVerificationError: a disclosure entry no longer hashes to its stored leaf.
    """
    last = _last_run_entry(store, batch_id)
    if last is None:
        return None
    rows = store.fetchall(_disclosures_sql(), [batch_id, last])
    return _receipt(store, batch_id, last, rows)


def supplement_receipt(store: Store, batch_id: str, request_id: str) -> Receipt | None:
    """The checkpoint and the one proof of a review's supplement: the DISCLOSURE entry the
    approval added for ``request_id``; None if it has none or no C2SP checkpoint covers it.

    Raises:
        LedgerVerificationError: the disclosure entry no longer hashes to its stored leaf.
    """
    rows = store.fetchall(_request_disclosure_sql(), [batch_id, request_id])
    if not rows:
        return None
    return _receipt(store, batch_id, int(rows[-1][0]), rows)


def _receipt(store: Store, batch_id: str, last: int, rows: list[tuple[Any, ...]]) -> Receipt | None:
    """The newest checkpoint covering entry ``last`` that a witness cosigned (else the
    newest), and an inclusion proof of each DISCLOSURE entry of ``rows`` in it."""
    ledger = Ledger(store)
    covering = [c for c in ledger.checkpoints() if not c.legacy and c.size > last]
    if not covering:
        return None
    # The newest checkpoint a witness cosigned, else the newest: a checkpoint others hold.
    checkpoint = next((c for c in reversed(covering) if cosignatures(store, c)), covering[-1])
    tree = ledger.tree(checkpoint.size)
    proofs = []
    for row in rows:
        idx, kind, at, batch, request, attrs, record_hash, stored = row
        data = leaf_bytes(
            index=idx,
            kind=kind,
            at=at,
            batch_id=batch,
            request_id=request,
            attrs_json=attrs,
            record_hash=record_hash,
        )
        if hashlib.sha256(b"\x00" + data).digest() != bytes(stored) or tree.leaf(idx) != bytes(
            stored
        ):
            raise LedgerVerificationError(f"entry {idx} does not hash to its leaf", index=idx)
        path = [base64.b64encode(p).decode("ascii") for p in tree.inclusion_proof(idx)]
        proofs.append({"request_id": request, "index": idx, "leaf": data.decode(), "path": path})
    document = {
        "format": PROOFS_FORMAT,
        "batch_id": batch_id,
        "origin": checkpoint.origin,
        "tree_size": checkpoint.size,
        "root": base64.b64encode(checkpoint.root).decode("ascii"),
        "proofs": proofs,
    }
    note = checkpoint.signed_note(cosignatures(store, checkpoint))
    body = json.dumps(document, indent=1, sort_keys=True, ensure_ascii=False) + "\n"
    return Receipt(note.encode("utf-8"), body.encode("utf-8"))


def cosignatures(store: Store, checkpoint: Checkpoint) -> tuple[NoteSignature, ...]:
    """The witness cosignature lines the workspace keeps for ``checkpoint``."""
    if not has_table(store, "ledger_cosignatures"):
        return ()
    lines = store.fetchall(schema.cosignatures_sql(), [checkpoint.size, checkpoint.root])
    if not lines:
        return ()
    text = checkpoint.note_text() + "\n" + "".join(str(line) + "\n" for (line,) in lines)
    return parse_note(text.encode("utf-8")).signatures


def _last_run_entry(store: Store, batch_id: str) -> int | None:
    rows = store.fetchall(
        """SELECT coalesce(max(idx) FILTER (WHERE kind = 'BATCH_RELEASED'), max(idx))
           FROM ledger_entries WHERE batch_id = ?""",
        [batch_id],
    )
    value = rows[0][0] if rows else None
    return None if value is None else int(value)


def _request_disclosure_sql() -> str:
    return """SELECT idx, kind, logged_at, batch_id, request_id, attrs, record_hash, leaf_hash
              FROM ledger_entries WHERE batch_id = ? AND request_id = ? AND kind = 'DISCLOSURE'
              ORDER BY idx"""


def _disclosures_sql() -> str:
    return """SELECT idx, kind, logged_at, batch_id, request_id, attrs, record_hash, leaf_hash
              FROM ledger_entries WHERE batch_id = ? AND kind = 'DISCLOSURE' AND idx <= ?
              ORDER BY idx"""


@dataclass(frozen=True)
class InclusionEntry:
    """One parsed proof of ``proofs.json``."""

    request_id: str
    index: int
    leaf: bytes
    path: tuple[bytes, ...]


@dataclass(frozen=True)
class ProofsDocument:
    """A parsed ``proofs.json``."""

    batch_id: str
    origin: str
    tree_size: int
    root: bytes
    proofs: tuple[InclusionEntry, ...]


def parse_proofs(data: bytes) -> ProofsDocument:
    """Read ``proofs.json``; every defect is an :class:`InputError` naming the field.

    Raises:
        InputError: not JSON, too deep, another format, or a field of the wrong shape.
    """
    if len(data) > MAX_PROOFS_BYTES:
        raise InputError(f"proofs.json is larger than {MAX_PROOFS_BYTES} bytes")
    try:
        doc = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError) as e:
        raise InputError(f"proofs.json is not JSON: {type(e).__name__}") from e
    if not isinstance(doc, dict) or doc.get("format") != PROOFS_FORMAT:
        raise InputError(f"proofs.json is not {PROOFS_FORMAT}", field="format")
    proofs = doc.get("proofs")
    if not isinstance(proofs, list):
        raise InputError("proofs is not a list", field="proofs")
    return ProofsDocument(
        batch_id=_text(doc, "batch_id"),
        origin=_text(doc, "origin"),
        tree_size=_count(doc, "tree_size"),
        root=_hash(doc.get("root"), "root"),
        proofs=tuple(_entry(item, number) for number, item in enumerate(proofs)),
    )


def _entry(item: Any, number: int) -> InclusionEntry:
    if not isinstance(item, dict):
        raise InputError(f"proof {number} is not an object", field="proofs")
    path = item.get("path")
    if not isinstance(path, list) or len(path) > _MAX_PATH:
        raise InputError(f"proof {number} has no path of at most {_MAX_PATH} hashes", field="path")
    return InclusionEntry(
        request_id=_text(item, "request_id"),
        index=_count(item, "index"),
        leaf=_text(item, "leaf").encode("utf-8"),
        path=tuple(_hash(p, "path") for p in path),
    )


def _text(doc: dict[str, Any], name: str) -> str:
    value = doc.get(name)
    if not isinstance(value, str):
        raise InputError(f"{name} is not text", field=name)
    return value


def _count(doc: dict[str, Any], name: str) -> int:
    value = doc.get(name)
    if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value < 1 << 63:
        raise InputError(f"{name} is not a count", field=name)
    return value


def _hash(value: Any, name: str) -> bytes:
    try:
        raw = base64.b64decode(value, validate=True) if isinstance(value, str) else b""
    except ValueError as e:
        raise InputError(f"{name} is not base64", field=name) from e
    if len(raw) != HASH_SIZE:
        raise InputError(f"{name} is not a base64 SHA-256 hash", field=name)
    return raw


def receipt_names(csv_name: str) -> tuple[str, str]:
    """The receipt's file names beside a CSV: ``checkpoint.txt`` and ``proofs.json`` beside
    ``response.csv``; ``NAME.checkpoint.txt`` and ``NAME.proofs.json`` beside ``NAME.csv``
    (a supplement: one folder may hold many).

    Example:
        >>> receipt_names("supplement-B1-R7.csv")
        ('supplement-B1-R7.checkpoint.txt', 'supplement-B1-R7.proofs.json')
    """
    if csv_name == RESPONSE_CSV:
        return CHECKPOINT_FILE, PROOFS_FILE
    stem = csv_name.removesuffix(".csv")
    return f"{stem}.{CHECKPOINT_FILE}", f"{stem}.{PROOFS_FILE}"


def write_receipt(receipt: Receipt, out_dir: Path, *, beside: str = RESPONSE_CSV) -> list[Path]:
    """Write the receipt into ``out_dir`` under :func:`receipt_names` of ``beside``
    (owner-only, atomic)."""
    checkpoint_name, proofs_name = receipt_names(beside)
    written = []
    for name, data in ((checkpoint_name, receipt.checkpoint), (proofs_name, receipt.proofs)):
        atomic_write_bytes(out_dir / name, data)
        written.append(out_dir / name)
    return written


def require_receipt(store: Store, batch_id: str) -> Receipt:
    """:func:`batch_receipt`, refusing a batch no C2SP checkpoint covers."""
    receipt = batch_receipt(store, batch_id)
    if receipt is None:
        raise LedgerError(
            f"no C2SP checkpoint covers batch {batch_id}",
            hint="a workspace from before C2SP checkpoints signs one with `taxgate ledger "
            "migrate WS`",
        )
    return receipt
