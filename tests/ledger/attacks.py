"""What an insider with write access to the workspace and the ledger's own key does to hide a
batch or change a disclosure: truncate, rewrite and re-sign, erase. Each leaves a ledger that
agrees with itself and with the workspace's export; only material held outside can tell."""

from __future__ import annotations

import json

from taxgate.ledger.canonical import canonical_json, leaf_bytes, sha256_hex
from taxgate.ledger.checkpoint import CheckpointKey, append_export
from taxgate.ledger.log import Ledger, export_path
from taxgate.ledger.merkle import MerkleTree, leaf_hash
from taxgate.store import Store
from taxgate.workspace import Workspace


def re_sign(store: Store, workspace: Workspace, key: CheckpointKey, sizes: list[int]) -> None:
    """Replace every checkpoint and the export by ones of the log as it now is."""
    leaves = [
        bytes(r[0]) for r in store.fetchall("SELECT leaf_hash FROM ledger_entries ORDER BY idx")
    ]
    tree = MerkleTree(leaves)
    old = {c.size: c for c in Ledger(store).checkpoints()}
    store.execute("DELETE FROM ledger_checkpoints")
    for seq, size in enumerate(sizes, start=1):
        time = old[size].time if size in old else "2025-08-07T12:00:00.000000Z"
        signed = key.sign(seq=seq, size=size, root=tree.root(size), time=time)
        store.execute(
            "INSERT INTO ledger_checkpoints VALUES (?, ?, ?, ?, ?, ?, ?)",
            [seq, size, signed.root, signed.time, signed.key_id, signed.signature, signed.origin],
        )
    store.execute(
        "UPDATE ledger_frontier SET size = ?, hashes = ?", [tree.size, tree.frontier().to_bytes()]
    )
    export_path(workspace).unlink(missing_ok=True)
    append_export(export_path(workspace), Ledger(store).checkpoints())


def rewrite_a_disclosure(store: Store, workspace: Workspace, key: CheckpointKey) -> int:
    """Change the first disclosure's TIN, re-hash its record and leaf, re-sign everything."""
    idx, body = store.fetchall(
        """SELECT r.idx, r.body FROM ledger_records r JOIN ledger_entries e ON e.idx = r.idx
           WHERE e.kind = 'DISCLOSURE' ORDER BY r.idx LIMIT 1"""
    )[0]
    record = json.loads(body)
    record["tin"] = "999999999"
    new_body = canonical_json(record)
    row = store.fetchall(
        "SELECT kind, logged_at, batch_id, request_id, attrs FROM ledger_entries WHERE idx = ?",
        [idx],
    )[0]
    data = leaf_bytes(
        index=idx,
        kind=row[0],
        at=row[1],
        batch_id=row[2],
        request_id=row[3],
        attrs_json=row[4],
        record_hash=sha256_hex(new_body),
    )
    store.execute("UPDATE ledger_records SET body = ? WHERE idx = ?", [new_body, idx])
    store.execute(
        "UPDATE ledger_entries SET record_hash = ?, leaf_hash = ? WHERE idx = ?",
        [sha256_hex(new_body), leaf_hash(data), idx],
    )
    re_sign(store, workspace, key, [c.size for c in Ledger(store).checkpoints()])
    return int(idx)


def truncate(store: Store, workspace: Workspace, key: CheckpointKey, checkpoints: int) -> int:
    """Keep the first ``checkpoints`` checkpoints' entries only; re-sign; returns the size."""
    sizes = [c.size for c in Ledger(store).checkpoints()][:checkpoints]
    size = sizes[-1]
    store.execute("DELETE FROM ledger_records WHERE idx >= ?", [size])
    store.execute("DELETE FROM ledger_entries WHERE idx >= ?", [size])
    re_sign(store, workspace, key, sizes)
    return size


def erase(store: Store, workspace: Workspace) -> None:
    """Drop every ledger table and the export."""
    for table in ("ledger_records", "ledger_entries", "ledger_checkpoints", "ledger_frontier"):
        store.execute(f"DROP TABLE IF EXISTS {table}")
    store.execute("DROP TABLE IF EXISTS ledger_cosignatures")
    export_path(workspace).unlink(missing_ok=True)
