"""Verify a workspace's ledger against material held outside it.

``ledger verify WS`` alone trusts the workspace's own public key and its own export; an
operator who can rewrite the workspace can rewrite those too. Here the trust comes from
outside (immudb's lesson: a verifier that trusts the server's own state proves nothing):

- ``--trusted-key``: the log's public key as PEM or as a signed-note verifier key, pinned by
  the auditor. Every C2SP checkpoint in the store must be signed by it, so a ledger re-signed
  with a substitute key fails.
- ``--checkpoints``: checkpoints kept elsewhere, either an export copy (JSON lines, each
  compared with the store's checkpoint of the same number) or a signed checkpoint note such
  as a response folder's ``checkpoint.txt``.
- ``--witness-state``: a witness's state file; its checkpoint must be signed by the trusted
  key and cosigned by the witness.

Each held checkpoint's tree head must be the head of the log's first ``size`` entries as the
workspace holds them now: a log truncated below it, rewritten and re-signed (even with the
log's own key), or erased altogether, cannot match it.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from pathlib import Path

from taxgate.errors import InputError, LedgerError
from taxgate.files import read_regular
from taxgate.ledger.checkpoint import (
    LEGACY_PUBLIC_KEY_FILE,
    Checkpoint,
    CheckpointPublicKey,
    from_note,
    read_export,
)
from taxgate.ledger.hold import has_table
from taxgate.ledger.log import Ledger
from taxgate.ledger.note import parse_note, parse_vkey
from taxgate.ledger.verify import VerifyReport, verify_ledger
from taxgate.ledger.witness import read_state
from taxgate.store import Store
from taxgate.workspace import Workspace

MAX_KEY_BYTES = 64 * 1024
MAX_CHECKPOINTS_BYTES = 256 << 20


@dataclasses.dataclass(frozen=True)
class TrustedKey:
    """The pinned log key, and the origin it pins when given as a verifier key."""

    key: CheckpointPublicKey
    origin: str | None


def read_trusted_key(path: Path) -> TrustedKey:
    """A PEM Ed25519 public key, or a signed-note verifier key (``name+id+key``).

    Raises:
        InputError: the file is neither.
    """
    data = _read(path, MAX_KEY_BYTES)
    if data.lstrip().startswith(b"-----BEGIN"):
        try:
            key = CheckpointPublicKey.from_pem(data)
        except LedgerError as e:
            raise InputError(e.message, path=path) from e
        if key.public is None:
            raise InputError("the trusted key is a legacy ECDSA key, not Ed25519", path=path)
        return TrustedKey(key, None)
    verifier = parse_vkey(data.decode("utf-8", "replace"))
    return TrustedKey(CheckpointPublicKey(verifier.public), verifier.name)


def read_held_checkpoints(path: Path) -> tuple[list[Checkpoint], list[Checkpoint]]:
    """Checkpoints held outside: ``(numbered, notes)`` from an export copy or one note.

    Raises:
        InputError, LedgerVerificationError: the file is neither form.
    """
    data = _read(path, MAX_CHECKPOINTS_BYTES)
    if data.lstrip().startswith(b"{"):
        return read_export(path), []
    return [], [from_note(data)]


def verify_trusted(
    ws: Workspace,
    *,
    trusted_key: TrustedKey,
    checkpoints: Path | None = None,
    witness_states: Sequence[Path] = (),
) -> VerifyReport:
    """Verify the ledger with the pinned key and every held checkpoint; see the module doc."""
    numbered, heads = ([], []) if checkpoints is None else read_held_checkpoints(checkpoints)
    if any(not trusted_key.key.verify(head) for head in heads):
        raise LedgerError(
            f"the checkpoint in {checkpoints} is not signed by the trusted key",
            hint="check that it comes from this log and that the key is the log's",
        )
    for state_path in witness_states:
        heads.extend(_witness_head(state_path, trusted_key))
    key = trusted_key.key
    legacy = ws.keys_dir / LEGACY_PUBLIC_KEY_FILE
    if legacy.is_file():
        key = key.with_legacy(CheckpointPublicKey.from_pem(legacy.read_bytes()))
    if not ws.store_path.exists():
        return _erased(numbered, heads) or _empty_ok()
    with Store.open(ws.store_path, read_only=True) as store:
        if not has_table(store, "ledger_entries"):
            return _erased(numbered, heads) or _empty_ok()
        # The agreement in force is checked as `ledger verify` checks it: a hand edit of
        # agreement.toml is found whichever checkpoints the auditor holds.
        report = verify_ledger(
            store,
            public_key=key,
            exported_checkpoints=numbered,
            agreement_file=ws.agreement_path,
        )
        problem = _foreign_origin(store, trusted_key) or _head_problem(store, heads)
    if problem is not None and report.ok:
        index, message = problem
        return dataclasses.replace(
            report, ok=False, first_bad_index=index, message=message, problems=(message,)
        )
    if report.ok and heads:
        held = "held checkpoint agrees" if len(heads) == 1 else "held checkpoints agree"
        return dataclasses.replace(report, message=f"{report.message}; {len(heads)} {held}")
    return report


def _witness_head(path: Path, trusted: TrustedKey) -> list[Checkpoint]:
    state = read_state(path)
    if state.checkpoint is None:
        return []
    data = state.checkpoint.encode("utf-8")
    note = parse_note(data)
    head = from_note(data)
    if not trusted.key.verify(head):
        raise LedgerError(
            f"the checkpoint in the witness state {path} is not signed by the trusted key",
            hint="check that the witness follows this log and that the key is the log's",
        )
    if not any(state.witness.verify(note.text, s) for s in note.signatures):
        raise LedgerError(f"the checkpoint in {path} does not carry the witness's cosignature")
    return [head]


def _foreign_origin(store: Store, trusted: TrustedKey) -> tuple[int, str] | None:
    if trusted.origin is None:
        return None
    for checkpoint in Ledger(store).checkpoints():
        if checkpoint.origin is not None and checkpoint.origin != trusted.origin:
            return 0, (
                f"checkpoint {checkpoint.seq} names the log {checkpoint.origin!r}, not "
                f"{trusted.origin!r} as the trusted key does"
            )
    return None


def _head_problem(store: Store, heads: Sequence[Checkpoint]) -> tuple[int, str] | None:
    """The first held tree head the workspace's log no longer has."""
    if not heads:
        return None
    ledger = Ledger(store)
    size = ledger.size()
    for head in sorted(heads, key=lambda c: c.size):
        if head.size > size:
            return size, (
                f"entry {size} is missing: a checkpoint held outside the workspace covers "
                f"{head.size} entries and the log holds {size} (truncated)"
            )
        if ledger.tree(head.size).root() != head.root:
            return 0, (
                f"the log's first {head.size} entries do not hash to the root of a checkpoint "
                "held outside the workspace: they were rewritten (and re-signed)"
            )
    return None


def _erased(numbered: Sequence[Checkpoint], heads: Sequence[Checkpoint]) -> VerifyReport | None:
    covered = max((c.size for c in (*numbered, *heads)), default=0)
    if covered == 0:
        return None
    message = (
        f"the workspace has no ledger, but a checkpoint held outside it covers {covered} "
        "entries: the ledger was erased"
    )
    return VerifyReport(False, 0, 0, len(numbered), 0, None, message, (message,))


def _empty_ok() -> VerifyReport:
    return VerifyReport(True, 0, 0, 0, None, None, "the workspace has no ledger yet")


def _read(path: Path, limit: int) -> bytes:
    try:
        return read_regular(path, limit=limit)
    except OSError as e:
        raise InputError(f"cannot read it: {e.strerror or e}", path=path) from e
