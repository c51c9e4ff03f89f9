"""A witness: an independent party that cosigns a log's checkpoints only when each extends
the last one it cosigned (C2SP ``tlog-witness`` add-checkpoint, ``tlog-cosignature`` v1).

The witness keeps its own Ed25519 key and a small state file, both outside the workspace:
the log it follows (origin and verifier key) and the latest checkpoint it cosigned. A
request is the tlog-witness body::

    old 42
    <base64 consistency proof hash>      (one per line, at most 63)
    <blank line>
    <the new checkpoint, a signed note>

The witness checks the log's signature with the pinned key, that ``old`` is the size it
cosigned last, and the RFC 9162 consistency proof from its checkpoint to the new one; only
then does it cosign, store the new checkpoint and answer with the cosigned note. A smaller
tree (rollback) or a tree that does not contain the one it cosigned (fork, a rewritten or
truncated log re-signed with the log's own key) is refused with :class:`WitnessRefused`.
Anyone holding a cosigned checkpoint can then catch a rewrite (``ledger verify
--witness-state``).
"""

from __future__ import annotations

import base64
import binascii
import fcntl
import json
import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from taxgate.errors import InputError, WitnessRefused
from taxgate.files import make_owner_only_dir, read_regular
from taxgate.ledger.keys import create_private_key, load_private_key, write_owner_only
from taxgate.ledger.merkle import EMPTY_ROOT, HASH_SIZE, verify_consistency
from taxgate.ledger.note import (
    COSIGNATURE_V1,
    ED25519,
    MAX_NOTE_BYTES,
    CheckpointBody,
    NoteSigner,
    NoteVerifier,
    SignedNote,
    parse_checkpoint_body,
    parse_note,
    parse_vkey,
)
from taxgate.workspace import atomic_write_text

STATE_FORMAT = "taxgate-witness-state/1"
MAX_PROOF_LINES = 63
MAX_STATE_BYTES = 1 << 20


@dataclass(frozen=True)
class AddCheckpoint:
    """A parsed add-checkpoint request."""

    old_size: int
    proof: tuple[bytes, ...]
    note: bytes


def parse_add_checkpoint(data: bytes) -> AddCheckpoint:
    """Read a tlog-witness add-checkpoint body (old size, proof lines, blank, checkpoint).

    Raises:
        InputError: the body is not in that form.
    """
    if len(data) > MAX_NOTE_BYTES + 64 * (MAX_PROOF_LINES + 1):
        raise InputError("the add-checkpoint request is too large")
    head, sep, note = data.partition(b"\n\n")
    if not sep:
        raise InputError("the request has no blank line before its checkpoint")
    lines = head.split(b"\n")
    first = lines[0]
    digits = first[4:]
    if not first.startswith(b"old ") or not digits.isdigit() or digits[:1] == b"0" != digits:
        raise InputError("the request does not start with `old <size>`")
    if len(lines) - 1 > MAX_PROOF_LINES:
        raise InputError(f"the request has more than {MAX_PROOF_LINES} proof lines")
    proof = []
    for line in lines[1:]:
        try:
            value = base64.b64decode(line, validate=True)
        except (binascii.Error, ValueError) as e:
            raise InputError("a consistency proof line is not base64") from e
        if len(value) != HASH_SIZE:
            raise InputError("a consistency proof line is not a 32-byte hash")
        proof.append(value)
    return AddCheckpoint(int(digits), tuple(proof), note)


def add_checkpoint_body(old_size: int, proof: list[bytes], note: str) -> bytes:
    """The request a log sends its witness (``taxgate ledger witness-request``)."""
    lines = [f"old {old_size}"] + [base64.b64encode(p).decode("ascii") for p in proof]
    return ("\n".join(lines) + "\n\n" + note).encode("utf-8")


@dataclass(frozen=True)
class WitnessState:
    """The log a witness follows and the latest checkpoint it cosigned (or none yet)."""

    log: NoteVerifier
    witness: NoteVerifier
    checkpoint: str | None

    @property
    def origin(self) -> str:
        """The log's origin (its key name)."""
        return self.log.name

    def head(self) -> CheckpointBody:
        """The latest cosigned tree head (size 0, the empty root, before the first)."""
        if self.checkpoint is None:
            return CheckpointBody(self.origin, 0, EMPTY_ROOT)
        return parse_checkpoint_body(parse_note(self.checkpoint.encode()).text)

    def to_json(self) -> str:
        """The state file's text."""
        data = {
            "format": STATE_FORMAT,
            "log_key": self.log.vkey(),
            "witness_key": self.witness.vkey(),
            "checkpoint": self.checkpoint,
        }
        return json.dumps(data, indent=2, sort_keys=True) + "\n"


def read_state(path: Path) -> WitnessState:
    """Read a witness state file.

    Raises:
        InputError: unreadable, not a witness state, or a key of the wrong type.
    """
    try:
        data: Any = json.loads(read_regular(path, limit=MAX_STATE_BYTES).decode("utf-8"))
    except (OSError, UnicodeDecodeError, ValueError, RecursionError) as e:
        raise InputError(f"cannot read the witness state: {e}", path=path) from e
    if not isinstance(data, dict) or data.get("format") != STATE_FORMAT:
        raise InputError(f"not a {STATE_FORMAT} file", path=path)
    checkpoint = data.get("checkpoint")
    if not isinstance(data.get("log_key"), str) or not isinstance(data.get("witness_key"), str):
        raise InputError("the state names no log key and witness key", path=path)
    if checkpoint is not None and not isinstance(checkpoint, str):
        raise InputError("the state's checkpoint is not text", path=path)
    state = WitnessState(parse_vkey(data["log_key"]), parse_vkey(data["witness_key"]), checkpoint)
    if state.witness.kind != COSIGNATURE_V1 or state.log.kind != ED25519:
        raise InputError("the state's keys are not a log key and a cosignature key", path=path)
    state.head()  # refuses a damaged checkpoint now rather than at the next request
    return state


def init_witness(state_path: Path, *, key_path: Path, name: str, log_vkey: str) -> WitnessState:
    """Make a witness state following the log ``log_vkey``; make its key if it has none.

    Raises:
        InputError: the log key is not an Ed25519 verifier key.
        WitnessRefused: the state file exists already (it is never replaced).
    """
    log = parse_vkey(log_vkey)
    if log.kind != ED25519:
        raise InputError("the log key is not a signed-note Ed25519 key (type 0x01)")
    if state_path.exists():
        raise WitnessRefused(f"the witness state {state_path} exists; it is never replaced")
    try:
        make_owner_only_dir(state_path.parent)
    except OSError as e:
        raise InputError(f"cannot create the folder: {e.strerror}", path=state_path.parent) from e
    if key_path.exists():
        key = load_private_key(key_path, what="witness key")
    else:
        key = create_private_key(key_path)
    state = WitnessState(log, NoteSigner(name, key, COSIGNATURE_V1).verifier, None)
    write_owner_only(state_path, state.to_json().encode("utf-8"))
    return state


def cosign(state_path: Path, *, key_path: Path, request: bytes, now: datetime) -> str:
    """Check an add-checkpoint request against the state, cosign, save; returns the note.

    Raises:
        InputError: the request is malformed.
        WitnessRefused: unknown log, bad signature, stale size, rollback or fork.
    """
    parsed = parse_add_checkpoint(request)
    with _locked(state_path):
        state = read_state(state_path)
        signer = NoteSigner(
            state.witness.name, load_private_key(key_path, what="witness key"), COSIGNATURE_V1
        )
        if signer.verifier != state.witness:
            raise WitnessRefused("the witness key is not the one its state names")
        note, body = _checked_note(state, parsed.note)
        _check_extends(state, parsed, body)
        cosignature = signer.cosign(note.text, int(now.timestamp()))
        own = [s for s in note.signatures if state.log.matches(s)]
        cosigned = SignedNote(note.text, (*own, cosignature)).render()
        _save(state_path, WitnessState(state.log, state.witness, cosigned))
    return cosigned


def _checked_note(state: WitnessState, data: bytes) -> tuple[SignedNote, CheckpointBody]:
    note = parse_note(data)
    body = parse_checkpoint_body(note.text)
    if body.origin != state.origin:
        raise WitnessRefused(
            f"unknown log {body.origin[:80]!r}: this witness follows {state.origin!r}", status=404
        )
    mine = [s for s in note.signatures if state.log.matches(s)]
    if not mine or not all(state.log.verify(note.text, s) for s in mine):
        raise WitnessRefused("the checkpoint is not signed by the log's pinned key", status=403)
    if body.size == 0 and body.root != EMPTY_ROOT:
        raise WitnessRefused("a checkpoint of size 0 must have the empty tree's root", status=422)
    return note, body


def _check_extends(state: WitnessState, parsed: AddCheckpoint, body: CheckpointBody) -> None:
    head = state.head()
    if body.size < head.size:
        raise WitnessRefused(
            f"rollback: the checkpoint has {body.size} entries, but this witness already "
            f"cosigned {head.size}; a log never shrinks",
            status=409,
        )
    if parsed.old_size > body.size:
        raise WitnessRefused("the old size is larger than the checkpoint's", status=400)
    if parsed.old_size != head.size:
        raise WitnessRefused(
            f"the request starts from size {parsed.old_size}, but this witness last cosigned "
            f"size {head.size}: ask again with `old {head.size}`",
            status=409,
        )
    if head.size == 0:
        consistent = not parsed.proof
    elif head.size == body.size:
        consistent = not parsed.proof and head.root == body.root
    else:
        consistent = verify_consistency(
            head.size, body.size, head.root, body.root, list(parsed.proof)
        )
    if not consistent:
        raise WitnessRefused(
            f"fork: the checkpoint of {body.size} entries does not extend the one of "
            f"{head.size} entries this witness cosigned (the log was rewritten or truncated)",
            status=422,
        )


@contextmanager
def _locked(state_path: Path) -> Iterator[None]:
    """Hold an exclusive lock while a request is checked and the state replaced, so two
    requests cannot both pass against the same old state (tlog-witness)."""
    lock = state_path.with_name(state_path.name + ".lock")
    fd = os.open(lock, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)


def _save(path: Path, state: WitnessState) -> None:
    atomic_write_text(path, state.to_json())
