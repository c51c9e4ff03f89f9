"""Verify a workspace ledger end to end and name the first bad entry.

Hashing roots alone is not enough: a log rewritten with fresh hashes would still agree with
itself. :func:`verify_ledger` therefore checks, in order:

1. every entry index ``0..n-1`` is present once, in order (deletions, insertions, reorders);
2. every stored record hashes to the ``record_hash`` its entry carries, and no record is
   orphaned (edited or swapped taxpayer data);
3. every entry's content re-hashes to its stored leaf hash (edits of any column);
4. every checkpoint is signed by the workspace key, checkpoints are numbered without gaps,
   each root equals the tree head recomputed from the entries at its size, and each is
   consistent with the one before by an RFC 9162 §2.1.4 proof;
5. every exported checkpoint (the auditor's copy) is signed, matches the store's checkpoint
   of the same number, and agrees with the log (a log truncated or rewritten after the export
   cannot match it); the workspace's own export holds every stored checkpoint once, in order
   (the newest may be missing only while its staged line shows a command stopped between
   its commit and its export), so a deleted, truncated or reordered export is named;
6. no entry lies beyond the last signed checkpoint, and the stored tree edge is intact;
7. the hold, withhold and recall tables agree with the entries that created them;
8. the batches, decisions, responses, reviews and models tables agree with the rows their
   entries recorded, and the agreement file is the one last adopted (``binding.py``,
   ``adoption.py``).

Where content was rewritten together with its leaf hash, the first entry that the signatures
can no longer vouch for is the start of the first checkpoint window whose root fails; the
report says so. §6103(p)(3)(A) requires the record to be permanent; this is how it is shown.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from itertools import groupby
from pathlib import Path

from taxgate.errors import LedgerVerificationError
from taxgate.ledger import schema
from taxgate.ledger.adoption import agreement_problems
from taxgate.ledger.binding import binding_problems
from taxgate.ledger.canonical import StringQuoter, quoted_leaf_bytes, sha256_hex
from taxgate.ledger.checkpoint import (
    PUBLIC_KEY_FILE,
    Checkpoint,
    CheckpointPublicKey,
    load_public_key,
    read_export,
)
from taxgate.ledger.hold import has_table
from taxgate.ledger.log import Ledger, export_path, read_staged_export
from taxgate.ledger.merkle import HASH_SIZE, MerkleTree, verify_consistency
from taxgate.ledger.state import state_problems
from taxgate.plural import counted
from taxgate.store import Store
from taxgate.workspace import Workspace

CHUNK_ROWS = 100_000


@dataclass(frozen=True)
class VerifyReport:
    """The outcome of :func:`verify_ledger`.

    Attributes:
        ok: Everything verified.
        entries_checked: Entries re-hashed before the first bad one (all, when ok).
        checkpoints_checked: Stored checkpoints examined.
        exported_checked: Exported checkpoints examined.
        first_bad_index: The first entry that is missing, altered or not vouched for.
        first_bad_checkpoint: The ``seq`` of the first bad checkpoint, if a checkpoint is.
        message: One line on the first problem (or a summary when ok).
        problems: Every problem found, first first.
    """

    ok: bool
    entries_checked: int
    checkpoints_checked: int
    exported_checked: int
    first_bad_index: int | None
    first_bad_checkpoint: int | None
    message: str
    problems: tuple[str, ...] = field(default=())

    def raise_if_bad(self) -> None:
        """Raise :class:`LedgerVerificationError` naming the first bad entry, if any."""
        if not self.ok:
            raise LedgerVerificationError(self.message, index=self.first_bad_index)


@dataclass
class _Findings:
    entry: tuple[int, str] | None = None
    checkpoint: tuple[int, str] | None = None
    other: list[str] = field(default_factory=list)

    def bad_entry(self, index: int, message: str) -> None:
        """Keep the earliest bad entry."""
        if self.entry is None or index < self.entry[0]:
            self.entry = (index, message)

    def bad_checkpoint(self, seq: int, message: str) -> None:
        """Keep the earliest bad checkpoint."""
        if self.checkpoint is None or seq < self.checkpoint[0]:
            self.checkpoint = (seq, message)


@dataclass(frozen=True)
class OwnExport:
    """The workspace's own export, which must hold every stored checkpoint.

    Attributes:
        where: The export's path, for the report.
        checkpoints: Its lines, in file order.
        staged: The staged line of a checkpoint committed but not yet exported, if left.
    """

    where: str
    checkpoints: tuple[Checkpoint, ...]
    staged: Checkpoint | None = None


def verify_ledger(
    store: Store,
    *,
    public_key: CheckpointPublicKey,
    exported_checkpoints: Sequence[Checkpoint] | None = None,
    agreement_file: Path | None = None,
    own_export: OwnExport | None = None,
) -> VerifyReport:
    """Re-hash every entry and record and check every checkpoint; see the module docstring.

    Args:
        store: The workspace store.
        public_key: The workspace checkpoint key (``WS/keys/ledger.pub.pem``).
        exported_checkpoints: The auditor's exported checkpoints, if kept.
        agreement_file: The workspace's ``agreement.toml``, compared with the adopted one
            (not checked when None).
        own_export: The workspace's export (``WS/ledger/checkpoints.jsonl``): its lines are
            checked as exported checkpoints and must leave none of the store's out.

    Returns:
        A report; it never raises on a bad ledger (call :meth:`VerifyReport.raise_if_bad`).
    """
    exported = list(exported_checkpoints or [])
    if own_export is not None:
        exported += own_export.checkpoints
    if not has_table(store, "ledger_entries"):
        if exported:
            return _report(_Findings(entry=(0, "the store has no ledger at all")), 0, 0, exported)
        if _has_batches(store):
            erased = "the store holds answered batches but no ledger (erased)"
            return _report(_Findings(entry=(0, erased)), 0, 0, exported)
        return VerifyReport(True, 0, 0, 0, None, None, "the workspace has no ledger yet")
    findings = _Findings()
    leaves = _scan_entries(store, findings)
    good = len(leaves) // HASH_SIZE
    tree = MerkleTree(bytes(leaves))
    stored = Ledger(store).checkpoints()
    _check_checkpoints(stored, exported, tree, good, public_key, findings)
    if own_export is not None:
        _check_export_complete(stored, own_export, findings)
    if findings.entry is None and findings.checkpoint is None:
        _check_frontier(store, tree, findings)
        for index, message in state_problems(store):
            findings.bad_entry(index, message)
        _check_bound(store, agreement_file, findings)
    return _report(findings, good, len(stored), exported)


def _check_bound(store: Store, agreement_file: Path | None, findings: _Findings) -> None:
    """Stored tables and the agreement file against what the ledger recorded."""
    problems = binding_problems(store)
    if agreement_file is not None:
        try:
            data: bytes | None = agreement_file.read_bytes()
        except FileNotFoundError:
            data = None
        problems += agreement_problems(store, data)
    for index, message in problems:
        if index is None:
            findings.other.append(message)
        else:
            findings.bad_entry(index, message)


def _scan_entries(store: Store, findings: _Findings) -> bytearray:
    """Re-hash entries and records in index order; returns leaf hashes of the good prefix."""
    low, high, orphan = store.fetchall(
        """SELECT (SELECT min(idx) FROM ledger_entries), (SELECT max(idx) FROM ledger_entries),
                  (SELECT min(r.idx) FROM ledger_records r
                   LEFT JOIN ledger_entries e ON e.idx = r.idx
                   WHERE e.idx IS NULL OR e.record_hash IS NULL)"""
    )[0]
    if low is not None and low < 0:
        findings.bad_entry(0, f"an entry with negative index {low} is stored")
    if orphan is not None:
        findings.bad_entry(orphan, f"record {orphan} belongs to no entry that names its hash")
    leaves = bytearray()
    quote = StringQuoter()
    sha = hashlib.sha256
    expect = 0
    top = -1 if high is None else high
    for low_idx in range(0, top + 1, CHUNK_ROWS):
        rows = store.fetchall(_chunk_sql(), [low_idx, low_idx + CHUNK_ROWS])
        for idx, kind, at, batch, request, attrs, record_hash, stored, body in rows:
            if idx != expect:
                findings.bad_entry(expect, f"entry {expect} is missing (next stored is {idx})")
                return leaves
            if record_hash is None:
                if body is not None:
                    findings.bad_entry(idx, f"entry {idx} has a record but names no record hash")
                    return leaves
            elif body is None:
                findings.bad_entry(idx, f"the record of entry {idx} is missing")
                return leaves
            elif sha256_hex(body) != record_hash:
                findings.bad_entry(idx, f"the record of entry {idx} was altered")
                return leaves
            data = quoted_leaf_bytes(
                idx,
                quote(kind),
                quote(at),
                quote(batch),
                quote(request),
                attrs,
                quote(record_hash),
            )
            leaf = sha(b"\x00" + data).digest()
            if leaf != stored:
                findings.bad_entry(idx, f"entry {idx} does not hash to its leaf (altered)")
                return leaves
            leaves += leaf
            expect += 1
    return leaves


def _chunk_sql() -> str:
    return """SELECT e.idx, e.kind, e.logged_at, e.batch_id, e.request_id, e.attrs,
                     e.record_hash, e.leaf_hash, r.body
              FROM ledger_entries e LEFT JOIN ledger_records r ON r.idx = e.idx
              WHERE e.idx >= ? AND e.idx < ? ORDER BY e.idx"""


def _check_checkpoints(
    stored: list[Checkpoint],
    exported: list[Checkpoint],
    tree: MerkleTree,
    good: int,
    public_key: CheckpointPublicKey,
    findings: _Findings,
) -> None:
    by_seq = {c.seq: c for c in stored}
    signed = {c for c in {*stored, *exported} if public_key.verify(c)}
    previous: Checkpoint | None = None
    for position, cp in enumerate(stored, start=1):
        if cp.seq != position:
            findings.bad_checkpoint(position, f"checkpoint {position} is missing from the store")
        if cp not in signed:
            findings.bad_checkpoint(cp.seq, f"checkpoint {cp.seq} is not signed by the key")
        elif previous is not None and cp.size < previous.size:
            findings.bad_checkpoint(cp.seq, f"checkpoint {cp.seq} shrinks the log")
        elif previous is not None and cp.size == previous.size and cp.key_id == previous.key_id:
            findings.bad_checkpoint(
                cp.seq,
                f"checkpoint {cp.seq} signs no entry that checkpoint {previous.seq} did not "
                "with the same key (a checkpoint is made only when the log grows: a copied row)",
            )
        elif previous is not None and previous.size > 0 and cp.size <= good:
            proof = tree.consistency_proof(previous.size, cp.size)
            if not verify_consistency(previous.size, cp.size, previous.root, cp.root, proof):
                findings.bad_checkpoint(
                    cp.seq, f"checkpoint {cp.seq} is not consistent with {previous.seq}"
                )
        previous = cp
    for cp in exported:
        if cp not in signed:
            findings.bad_checkpoint(cp.seq, f"exported checkpoint {cp.seq} has a bad signature")
        elif by_seq.get(cp.seq) != cp:
            findings.bad_checkpoint(
                cp.seq, f"the store's checkpoint {cp.seq} differs from the exported one"
            )
    _check_roots(sorted(signed, key=lambda c: (c.size, c.seq)), tree, good, findings)


def _check_export_complete(
    stored: list[Checkpoint], export: OwnExport, findings: _Findings
) -> None:
    """Every stored checkpoint is in the export once, in order; only the newest may be
    missing, and only while its staged line says its command stopped before exporting it."""
    for line, cp in enumerate(export.checkpoints, start=1):
        if cp.seq > line:
            findings.bad_checkpoint(
                line, f"checkpoint {line} is missing from the export {export.where} (deleted)"
            )
            return
        if cp.seq < line:
            findings.bad_checkpoint(
                cp.seq,
                f"line {line} of the export {export.where} repeats checkpoint {cp.seq} "
                "(lines copied or moved)",
            )
            return
    missing = stored[len(export.checkpoints) :]
    if not missing or (len(missing) == 1 and export.staged == missing[0]):
        return
    first = missing[0].seq
    findings.bad_checkpoint(
        first,
        f"checkpoint {first} is missing from the export {export.where} "
        f"(the export ends at checkpoint {len(export.checkpoints)} of {len(stored)}: "
        "deleted or truncated)",
    )


def _check_roots(
    signed: list[Checkpoint], tree: MerkleTree, good: int, findings: _Findings
) -> None:
    """Match signed roots (sorted by size) against the recomputed tree.

    ``vouched`` grows while every signed root at a size agrees; the first size where one
    does not bounds the rewritten entry to the window from ``vouched`` to that size.
    """
    vouched = 0
    for size, group in groupby(signed, key=lambda c: c.size):
        first = next(group)
        if size > good:
            if findings.entry is None or findings.entry[0] >= good:
                findings.bad_entry(
                    good,
                    f"entry {good} is missing: checkpoint {first.seq} covers {size} entries "
                    f"and the log holds {good} (truncated)",
                )
            return
        head = tree.root(size)
        bad = next((c for c in (first, *group) if c.root != head), None)
        if bad is not None:
            findings.bad_entry(
                vouched,
                f"entries {vouched} to {size - 1} do not hash to the root signed in checkpoint "
                f"{bad.seq}: an entry from {vouched} on was rewritten with a recomputed hash",
            )
            return
        vouched = size
    if good > vouched and findings.entry is None:
        findings.bad_entry(vouched, f"entries from {vouched} on are not covered by a checkpoint")


def _check_frontier(store: Store, tree: MerkleTree, findings: _Findings) -> None:
    rows = store.fetchall(schema.frontier_sql())
    expected = tree.frontier()
    count = store.fetchone("SELECT count(*) FROM ledger_frontier")
    if (
        count != (1,)
        or not rows
        or rows[0][0] != tree.size
        or bytes(rows[0][1]) != expected.to_bytes()
    ):
        findings.other.append("the stored tree edge (ledger_frontier) does not match the log")


def _report(
    findings: _Findings, good: int, stored: int, exported: list[Checkpoint]
) -> VerifyReport:
    problems = [m for m in (findings.entry, findings.checkpoint) if m is not None]
    messages = [m for _, m in problems] + findings.other
    ok = not messages
    if ok:
        summary = (
            f"{counted(good, 'entry', 'entries')} and {counted(stored, 'checkpoint')} verified"
        )
        if exported:
            agree = "agrees" if len(exported) == 1 else "agree"
            summary += f"; {counted(len(exported), 'exported checkpoint')} {agree}"
        message = summary
    else:
        message = messages[0]
    return VerifyReport(
        ok=ok,
        entries_checked=good,
        checkpoints_checked=stored,
        exported_checked=len(exported),
        first_bad_index=None if findings.entry is None else findings.entry[0],
        first_bad_checkpoint=None if findings.checkpoint is None else findings.checkpoint[0],
        message=message,
        problems=tuple(messages),
    )


def verify_workspace(ws: Workspace) -> VerifyReport | None:
    """Verify a workspace's ledger with its own checkpoint key and exported checkpoints.

    Returns None when the workspace has no ledger yet (nothing was ever appended).
    """
    return verify_workspace_ledger(ws, None)


def verify_workspace_ledger(ws: Workspace, store: Store | None) -> VerifyReport | None:
    """:func:`verify_workspace` on an open store (opened read-only here when None)."""
    path = export_path(ws)
    own = OwnExport(str(path), tuple(read_export(path)), read_staged_export(ws))
    if store is None:
        with Store.open(ws.store_path, read_only=True) as opened:
            return verify_workspace_ledger(ws, opened)
    no_key = not (ws.keys_dir / PUBLIC_KEY_FILE).exists()
    if no_key and not own.checkpoints and not _has_entries(store) and not _has_batches(store):
        return None
    return verify_ledger(
        store,
        public_key=load_public_key(ws.keys_dir),
        own_export=own,
        agreement_file=ws.agreement_path,
    )


def _has_batches(store: Store) -> bool:
    return (
        has_table(store, "batches") and store.fetchone("SELECT 1 FROM batches LIMIT 1") is not None
    )


def _has_entries(store: Store) -> bool:
    return has_table(store, "ledger_entries") and Ledger(store).size() > 0
