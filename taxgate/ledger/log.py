"""The ledger: an append-only Merkle log in the workspace store, written from this one place.

Every pipeline stage hands its :class:`~taxgate.ledger.events.LedgerEvent` values to
:meth:`Ledger.append`; nothing else writes ``ledger_entries`` or ``ledger_records``. Appends
join the caller's :meth:`Store.transaction`, so a batch's events commit all or nothing with
the batch's other rows, and :meth:`Ledger.checkpoint` signs the tree head in that same
transaction (§6103(p)(3)(A): a permanent, tamper-evident record of requests and disclosures).

Example:
    >>> from datetime import UTC, datetime
    >>> from taxgate.store import Store
    >>> from taxgate.ledger.checkpoint import CheckpointKey
    >>> from taxgate.ledger.events import EventKind, LedgerEvent
    >>> store = Store.memory()
    >>> ledger = Ledger(store)
    >>> ledger.ensure_schema()
    >>> now = datetime(2025, 8, 7, tzinfo=UTC)
    >>> with store.transaction():
    ...     ledger.append([LedgerEvent(EventKind.BATCH_RECEIVED, "B1")], now=now)
    ...     ledger.checkpoint(key=CheckpointKey.generate(), now=now).size
    range(0, 1)
    1
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from taxgate.errors import LedgerError, LedgerVerificationError
from taxgate.fault_points import reach
from taxgate.ledger import schema
from taxgate.ledger.canonical import (
    canonical_json,
    format_time,
    leaf_bytes,
    parse_attrs,
)
from taxgate.ledger.checkpoint import (
    EXPORT_FILE,
    STAGED_EXPORT_FILE,
    Checkpoint,
    CheckpointKey,
    append_export,
    parse_export_line,
)
from taxgate.ledger.events import EventKind, LedgerEvent
from taxgate.ledger.keys import load_signing_key
from taxgate.ledger.merkle import Frontier, MerkleTree
from taxgate.ledger.rows import encode_events
from taxgate.store import Store
from taxgate.workspace import Workspace, atomic_write_bytes


@dataclass(frozen=True)
class LedgerEntry:
    """One stored entry, with its record body when it has one."""

    index: int
    kind: EventKind
    at: str
    batch_id: str | None
    request_id: str | None
    attrs: dict[str, Any]
    record_hash: str | None
    leaf_hash: bytes
    record: dict[str, Any] | None


@dataclass(frozen=True)
class InclusionProof:
    """An audit path of one entry in the tree a signed checkpoint commits to."""

    index: int
    size: int
    leaf_hash: bytes
    root: bytes
    path: list[bytes]
    checkpoint: Checkpoint

    def to_json_dict(self) -> dict[str, Any]:
        """Hex-encoded form for the CLI and for auditors' own verifiers."""
        return {
            "index": self.index,
            "tree_size": self.size,
            "leaf_hash": self.leaf_hash.hex(),
            "root": self.root.hex(),
            "path": [p.hex() for p in self.path],
            "checkpoint": {
                "seq": self.checkpoint.seq,
                "time": self.checkpoint.time,
                "key_id": self.checkpoint.key_id,
                "signature": self.checkpoint.signature.hex(),
                "note": None if self.checkpoint.legacy else self.checkpoint.signed_note(),
            },
        }


APPEND_SLICE = 10_000
"""Events encoded and inserted together by :meth:`Ledger.append`."""


class Ledger:
    """The workspace's ledger over a :class:`Store`."""

    def __init__(self, store: Store) -> None:
        self._store = store

    @property
    def store(self) -> Store:
        """The store the ledger lives in."""
        return self._store

    def ensure_schema(self) -> None:
        """Create the ledger tables if they are missing (idempotent)."""
        with self._store.transaction():
            for statement in schema.schema_sql():
                self._store.execute(statement)

    def append(self, events: Sequence[LedgerEvent], *, now: datetime) -> range:
        """Append ``events`` in order; returns the indices they received.

        Joins the caller's transaction (or opens one). Leaves are hashed here and the tree's
        right edge is extended, so a batch costs one pass over its events; the root itself is
        computed once, by :meth:`checkpoint`.

        Raises:
            LedgerError: an event puts taxpayer data in ``attrs``, a DISCLOSURE has no TIN in
                its record, ``now`` is naive, or the stored log and tree disagree.
        """
        at = format_time(now)
        with self._store.transaction():
            frontier = self._frontier()
            start = frontier.size
            # Encoded and inserted a slice at a time: a batch's records (every decision row,
            # as canonical JSON) are never all held at once, beside the tables made of them.
            for offset in range(0, len(events), APPEND_SLICE):
                part = events[offset : offset + APPEND_SLICE]
                entries, records, hashes = encode_events(part, start=start + offset, at=at)
                if entries.num_rows:
                    self._store.insert_arrow("ledger_entries", entries)
                if records.num_rows:
                    self._store.insert_arrow("ledger_records", records)
                frontier.extend(hashes)
                del entries, records, hashes
            self._store.execute(schema.update_frontier_sql(), [frontier.size, frontier.to_bytes()])
        return range(start, start + len(events))

    def checkpoint(self, *, key: CheckpointKey, now: datetime) -> Checkpoint:
        """Sign the current tree head and store it; call at the end of every batch.

        Joins the caller's transaction, so the checkpoint commits with the batch it covers.
        A tree head the same key signed already is not signed again (the last checkpoint is
        returned), so every stored checkpoint grows the log or brings a new key (a migration),
        and a copied row is told from a real one.
        """
        with self._store.transaction():
            frontier = self._frontier()
            root = frontier.root()
            last = self.latest_checkpoint()
            if last is not None and (
                last.size > frontier.size or (last.size == frontier.size and last.root != root)
            ):
                raise LedgerError(
                    f"the tree ({frontier.size} entries) does not extend checkpoint {last.seq}",
                    hint="run `taxgate ledger verify WS`",
                )
            if last is not None and last.size == frontier.size and last.key_id == key.key_id:
                return last  # this key signed this tree head already (a new key signs it anew)
            seq = 1 if last is None else last.seq + 1
            signed = key.sign(seq=seq, size=frontier.size, root=root, time=format_time(now))
            self._store.execute(
                schema.insert_checkpoint_sql(),
                [
                    signed.seq,
                    signed.size,
                    signed.root,
                    signed.time,
                    signed.key_id,
                    signed.signature,
                    signed.origin,
                ],
            )
        return signed

    def size(self) -> int:
        """Number of entries in the log."""
        return self._frontier().size

    def entry(self, index: int) -> LedgerEntry:
        """Entry ``index`` with its record body."""
        row = _first(self._store.fetchall(schema.entry_sql(), [index]))
        if row is None:
            raise LedgerError(f"the ledger has no entry {index}")
        idx, kind, at, batch_id, request_id, attrs, record_hash, leaf, body = row
        return LedgerEntry(
            index=idx,
            kind=EventKind(kind),
            at=at,
            batch_id=batch_id,
            request_id=request_id,
            attrs=parse_attrs(attrs),
            record_hash=record_hash,
            leaf_hash=bytes(leaf),
            record=None if body is None else parse_attrs(body),
        )

    def checkpoints(self) -> list[Checkpoint]:
        """Every stored checkpoint, oldest first."""
        return [_checkpoint(row) for row in self._store.fetchall(schema.checkpoints_sql())]

    def latest_checkpoint(self) -> Checkpoint | None:
        """The newest stored checkpoint, or None before the first."""
        row = _first(self._store.fetchall(schema.last_checkpoint_sql()))
        return None if row is None else _checkpoint(row)

    def tree(self, size: int) -> MerkleTree:
        """The Merkle tree of the first ``size`` stored leaf hashes."""
        rows = self._store.fetchall(schema.leaf_hashes_sql(), [size])
        if len(rows) != size:
            raise LedgerVerificationError(
                f"the log holds {len(rows)} of the {size} entries asked for", index=len(rows)
            )
        return MerkleTree(b"".join(row[0] for row in rows))

    def proof_for(self, index: int) -> InclusionProof:
        """The audit path of entry ``index`` to the root of the latest signed checkpoint.

        Raises:
            LedgerError: no checkpoint covers the entry yet.
            LedgerVerificationError: the entry's content no longer hashes to its leaf.
        """
        checkpoint = self.latest_checkpoint()
        if checkpoint is None or not 0 <= index < checkpoint.size:
            raise LedgerError(f"no signed checkpoint covers entry {index}")
        entry = self.entry(index)
        if entry_leaf_hash(entry) != entry.leaf_hash:
            raise LedgerVerificationError(f"entry {index} does not hash to its leaf", index=index)
        tree = self.tree(checkpoint.size)
        return InclusionProof(
            index=index,
            size=checkpoint.size,
            leaf_hash=entry.leaf_hash,
            root=checkpoint.root,
            path=tree.inclusion_proof(index),
            checkpoint=checkpoint,
        )

    def export_checkpoints(self, path: Path) -> int:
        """Append checkpoints not yet exported to ``path``; call after the commit."""
        return append_export(path, self.checkpoints())

    def _frontier(self) -> Frontier:
        row = _first(self._store.fetchall(schema.frontier_sql()))
        count_row = _first(self._store.fetchall(schema.entry_count_sql()))
        if row is None or count_row is None:
            raise LedgerError("the ledger tables are missing", hint="call ensure_schema() first")
        size, packed = row
        if count_row[0] != size:
            raise LedgerError(
                f"the log holds {count_row[0]} entries but its tree has {size}",
                hint="run `taxgate ledger verify WS` and do not append until it passes",
            )
        try:
            return Frontier.from_bytes(size, bytes(packed))
        except ValueError as e:
            raise LedgerError(f"the stored tree edge is damaged: {e}") from e


def export_path(ws: Workspace) -> Path:
    """Where a workspace exports its checkpoints: ``WS/ledger/checkpoints.jsonl``."""
    return ws.root / "ledger" / EXPORT_FILE


def staged_export_path(ws: Workspace) -> Path:
    """The export line of the checkpoint being committed: ``WS/ledger/checkpoint-staged.json``.

    Written before the commit and removed once the line is in the export, it shows that a
    checkpoint missing from the export's end was committed by a command stopped before its
    export (which the next command catches up), not deleted from it.
    """
    return ws.root / "ledger" / STAGED_EXPORT_FILE


def read_staged_export(ws: Workspace) -> Checkpoint | None:
    """The staged export line, if one is left (see :func:`staged_export_path`).

    Raises:
        LedgerVerificationError: the file is not one export line.
    """
    path = staged_export_path(ws)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None
    except (OSError, UnicodeDecodeError) as e:
        raise LedgerVerificationError(f"cannot read the staged checkpoint {path}: {e}") from e
    return parse_export_line(text.strip(), where=str(path))


@contextmanager
def ledger_transaction(store: Store, ws: Workspace, *, now: datetime) -> Iterator[Ledger]:
    """One all-or-nothing unit of ledger work ending in a signed checkpoint.

    Opens the store transaction (use it as the outermost one), yields the ledger for appends
    and the caller's other writes, signs a checkpoint at the end of the block, commits, then
    exports the checkpoint to ``WS/ledger/checkpoints.jsonl``.

    Example:
        >>> with ledger_transaction(store, ws, now=now) as ledger:  # doctest: +SKIP
        ...     store.insert_arrow("decisions", decisions)
        ...     ledger.append(events, now=now)
    """
    ledger = Ledger(store)
    ledger.ensure_schema()
    key = _signing_key(ledger, ws)
    # Catch up on a checkpoint a fault kept out of the export: from here on, every stored
    # checkpoint but the one this block signs is exported, which `ledger verify` relies on.
    ledger.export_checkpoints(export_path(ws))
    with store.transaction():
        yield ledger
        signed = ledger.checkpoint(key=key, now=now)
        # Staged before the commit: a fault between the commit and the export leaves the
        # line here, so that the export's missing last line is told from a deleted one.
        atomic_write_bytes(staged_export_path(ws), (signed.to_json() + "\n").encode("utf-8"))
    reach("ledger:committed")
    ledger.export_checkpoints(export_path(ws))
    staged_export_path(ws).unlink(missing_ok=True)


def _signing_key(ledger: Ledger, ws: Workspace) -> CheckpointKey:
    """The workspace's signing key, from the path ``workspace.json`` records.

    A workspace made before the key moved out of it has no such record: it is moved with
    ``taxgate ledger migrate`` first (its old checkpoints stay verifiable), never given a
    key here.
    """
    settings = ws.ledger_settings()
    if settings is None:
        raise LedgerError(
            f"the workspace {ws.root} keeps its ledger key in the old place (or has none)",
            hint=f"move it to a C2SP checkpoint key held outside the workspace: "
            f"`taxgate ledger migrate {ws.root} [--ledger-key PATH]`",
        )
    return load_signing_key(Path(settings["key"]), settings["origin"])


def entry_leaf_hash(entry: LedgerEntry) -> bytes:
    """Recompute an entry's leaf hash from its content."""
    data = leaf_bytes(
        index=entry.index,
        kind=entry.kind.value,
        at=entry.at,
        batch_id=entry.batch_id,
        request_id=entry.request_id,
        attrs_json=canonical_json(entry.attrs),
        record_hash=entry.record_hash,
    )
    return hashlib.sha256(b"\x00" + data).digest()


def _first(rows: list[tuple[Any, ...]]) -> tuple[Any, ...] | None:
    # Store.fetchone leaves DuckDB's result open, which blocks the next Arrow insert on the
    # connection; reading single-row results with fetchall closes them.
    return rows[0] if rows else None


def _checkpoint(row: tuple[Any, ...]) -> Checkpoint:
    seq, size, root, at, key_id, signature, origin = row
    return Checkpoint(seq, size, bytes(root), at, key_id, bytes(signature), origin)
