"""The log's side of witnessing: build the add-checkpoint request for a witness, and keep
the cosignatures it returns so that response folders written later carry them.

Cosignature lines are kept as they came; they vouch for themselves (a third party checks
them with the witness keys it trusts), so keeping one never makes a checkpoint more trusted
here. A cosigned note is accepted only for a checkpoint the store holds, with its size and
root and the log's own signature line.
"""

from __future__ import annotations

from taxgate.errors import InputError, LedgerError
from taxgate.ledger import schema
from taxgate.ledger.checkpoint import from_note, note_cosignatures
from taxgate.ledger.log import Ledger
from taxgate.ledger.receipts import cosignatures
from taxgate.ledger.witness import add_checkpoint_body
from taxgate.store import Store


def witness_request(store: Store, *, old_size: int) -> bytes:
    """The tlog-witness add-checkpoint body from ``old_size`` to the latest checkpoint.

    Raises:
        LedgerError: no C2SP checkpoint yet, or ``old_size`` beyond it.
    """
    ledger = Ledger(store)
    latest = ledger.latest_checkpoint()
    if latest is None or latest.legacy:
        raise LedgerError(
            "the ledger has no C2SP checkpoint to witness",
            hint="a workspace from before C2SP checkpoints signs one with `taxgate ledger "
            "migrate WS`",
        )
    if not 0 <= old_size <= latest.size:
        raise LedgerError(
            f"the witness's size {old_size} is beyond the latest checkpoint ({latest.size})",
            hint="a witness ahead of the log means the log lost entries: run `taxgate ledger "
            "verify WS --witness-state STATE`",
        )
    proof = []
    if 0 < old_size < latest.size:
        proof = ledger.tree(latest.size).consistency_proof(old_size)
    note = latest.signed_note(cosignatures(store, latest))
    return add_checkpoint_body(old_size, proof, note)


def add_cosignatures(store: Store, data: bytes) -> int:
    """Keep the cosignature lines of a cosigned checkpoint; returns how many lines.

    Raises:
        InputError: the note is malformed, or names no checkpoint the store holds.
    """
    held = from_note(data)
    ledger = Ledger(store)
    stored = next(
        (c for c in ledger.checkpoints() if c.size == held.size and c.root == held.root), None
    )
    if stored is None or stored.origin != held.origin or stored.signature != held.signature:
        raise InputError(
            f"the note is not a checkpoint of this ledger ({held.size} entries)",
            hint="give the note the witness returned for this workspace's checkpoint",
        )
    lines = [s.line().rstrip("\n") for s in note_cosignatures(data)]
    with store.transaction():
        for line in lines:
            store.execute(schema.insert_cosignature_sql(), [held.size, held.root, line])
    return len(lines)
