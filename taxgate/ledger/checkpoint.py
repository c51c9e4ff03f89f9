"""Signed checkpoints: C2SP ``tlog-checkpoint`` notes signed with the ledger's Ed25519 key.

A checkpoint states that the log named by its *origin* had ``size`` entries with tree head
``root``; its note text is exactly the three C2SP lines, signed as a C2SP ``signed-note``
(``taxgate.ledger.note``), so that any tlog tool, witness or third party can check it. The
store keeps each checkpoint's number and signing time beside it (the time is the operator's
statement; a witness's cosignature carries a signed time).

Checkpoints signed before this format (``taxgate-ledger-checkpoint/1``: ECDSA P-256 over
canonical JSON) stay verifiable: a :class:`CheckpointPublicKey` may carry that legacy key too,
and ``taxgate ledger migrate`` moves such a workspace to an Ed25519 key held outside it.

Each checkpoint is also exported as one JSON line to ``WS/ledger/checkpoints.jsonl``, a copy
an auditor can keep outside the operator's control.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519

from taxgate.errors import InputError, LedgerError, LedgerVerificationError
from taxgate.ledger.canonical import canonical_json
from taxgate.ledger.note import (
    NoteSignature,
    NoteSigner,
    NoteVerifier,
    SignedNote,
    checkpoint_text,
    parse_checkpoint_body,
    parse_note,
    raw_public,
)

LEGACY_FORMAT = "taxgate-ledger-checkpoint/1"
NOTE_FORMAT = "c2sp-tlog-checkpoint"
PUBLIC_KEY_FILE = "ledger.pub.pem"
VKEY_FILE = "ledger.vkey"
LEGACY_PUBLIC_KEY_FILE = "ledger-ecdsa-legacy.pub.pem"
LEGACY_PRIVATE_KEY_FILE = "ledger.key.pem"
EXPORT_FILE = "checkpoints.jsonl"
STAGED_EXPORT_FILE = "checkpoint-staged.json"


@dataclass(frozen=True)
class Checkpoint:
    """A signed statement that the log had ``size`` entries with tree head ``root``.

    Attributes:
        seq: The checkpoint's number in the store (1, 2, ...).
        size: Entries covered.
        root: The RFC 9162 tree head of the first ``size`` entries.
        time: When the operator signed it (fixed-width UTC text).
        key_id: Eight hex digits of the note key ID (16 of SHA-256 of the DER key, legacy).
        signature: The Ed25519 signature of the note text (DER ECDSA, legacy).
        origin: The log's name, the note's first line; None for a legacy checkpoint.
    """

    seq: int
    size: int
    root: bytes
    time: str
    key_id: str
    signature: bytes
    origin: str | None = None

    @property
    def legacy(self) -> bool:
        """Signed in the ECDSA/JSON format of before the C2SP checkpoints."""
        return self.origin is None

    def signed_bytes(self) -> bytes:
        """The exact bytes the log's signature covers."""
        if self.origin is None:
            return legacy_checkpoint_body(
                seq=self.seq, size=self.size, root=self.root, time=self.time, key_id=self.key_id
            )
        return self.note_text().encode("utf-8")

    def note_text(self) -> str:
        """The three C2SP lines: origin, size, base64 root (with their newlines)."""
        if self.origin is None:
            raise LedgerError(f"checkpoint {self.seq} predates C2SP checkpoints (legacy format)")
        return checkpoint_text(self.origin, self.size, self.root)

    def log_signature(self) -> NoteSignature:
        """The log's own signature line."""
        return NoteSignature(str(self.origin), bytes.fromhex(self.key_id), self.signature)

    def signed_note(self, cosignatures: tuple[NoteSignature, ...] = ()) -> str:
        """The checkpoint as a signed note: the log's signature line, then any cosignatures."""
        return SignedNote(self.note_text(), (self.log_signature(), *cosignatures)).render()

    def to_json(self) -> str:
        """One line of the checkpoint export."""
        if self.origin is None:
            return canonical_json(
                {
                    "format": LEGACY_FORMAT,
                    "seq": self.seq,
                    "size": self.size,
                    "root": self.root.hex(),
                    "time": self.time,
                    "key_id": self.key_id,
                    "signature": base64.b64encode(self.signature).decode("ascii"),
                }
            )
        return canonical_json(
            {"format": NOTE_FORMAT, "seq": self.seq, "time": self.time, "note": self.signed_note()}
        )

    @classmethod
    def from_json(cls, line: str) -> Checkpoint:
        """Parse one export line; raises ``ValueError``, ``KeyError`` or ``InputError``."""
        data: dict[str, Any] = json.loads(line)
        if not isinstance(data, dict):
            raise ValueError("an export line is a JSON object")
        if data.get("format") == NOTE_FORMAT:
            return from_note(
                str(data["note"]).encode("utf-8"), seq=int(data["seq"]), time=str(data["time"])
            )
        if data.get("format") != LEGACY_FORMAT:
            raise ValueError(f"unknown checkpoint format {data.get('format')!r}")
        return cls(
            seq=int(data["seq"]),
            size=int(data["size"]),
            root=bytes.fromhex(data["root"]),
            time=str(data["time"]),
            key_id=str(data["key_id"]),
            signature=base64.b64decode(data["signature"], validate=True),
        )


def from_note(data: bytes, *, seq: int = 0, time: str = "") -> Checkpoint:
    """A checkpoint from a signed note whose first signature is the log's (key name = origin).

    Cosignatures after it are ignored here (see :func:`note_cosignatures`).

    Raises:
        InputError: not a signed C2SP checkpoint, or no signature by a key named as the origin.
    """
    note = parse_note(data)
    body = parse_checkpoint_body(note.text)
    own = next(
        (s for s in note.signatures if s.name == body.origin and len(s.signature) == 64), None
    )
    if own is None:
        raise InputError(f"the checkpoint has no Ed25519 signature named {body.origin[:60]!r}")
    return Checkpoint(seq, body.size, body.root, time, own.key_id.hex(), own.signature, body.origin)


def note_cosignatures(data: bytes) -> tuple[NoteSignature, ...]:
    """The signature lines of a signed note other than the log's own (named as the origin)."""
    note = parse_note(data)
    origin = parse_checkpoint_body(note.text).origin
    return tuple(s for s in note.signatures if s.name != origin)


def legacy_checkpoint_body(*, seq: int, size: int, root: bytes, time: str, key_id: str) -> bytes:
    """Canonical bytes a legacy (ECDSA) checkpoint's signature covers."""
    body = {
        "format": LEGACY_FORMAT,
        "seq": seq,
        "size": size,
        "root": root.hex(),
        "time": time,
        "key_id": key_id,
    }
    return canonical_json(body).encode("utf-8")


def legacy_key_id(key: ec.EllipticCurvePublicKey) -> str:
    """16 hex digits of SHA-256 of the legacy key's DER, as legacy checkpoints name it."""
    der = key.public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    return hashlib.sha256(der).hexdigest()[:16]


class CheckpointPublicKey:
    """The public key(s) checkpoints are checked with: the Ed25519 ledger key and, for
    checkpoints signed before the C2SP format, the workspace's legacy ECDSA key."""

    def __init__(
        self,
        public: bytes | None = None,
        *,
        legacy: ec.EllipticCurvePublicKey | None = None,
    ) -> None:
        if public is not None and len(public) != 32:
            raise LedgerError("an Ed25519 ledger key has 32 bytes")
        if legacy is not None and not isinstance(legacy.curve, ec.SECP256R1):
            raise LedgerError(f"legacy checkpoint keys are P-256, not {legacy.curve.name}")
        self.public = public
        self.legacy = legacy

    @classmethod
    def from_pem(cls, pem: bytes) -> CheckpointPublicKey:
        """Load a ``BEGIN PUBLIC KEY`` PEM block (Ed25519, or a legacy P-256 key)."""
        try:
            key = serialization.load_pem_public_key(pem)
        except ValueError as e:
            raise LedgerError(f"the checkpoint public key is not a PEM public key: {e}") from e
        if isinstance(key, ed25519.Ed25519PublicKey):
            return cls(raw_public(key))
        if isinstance(key, ec.EllipticCurvePublicKey):
            return cls(legacy=key)
        raise LedgerError("the checkpoint public key is neither Ed25519 nor a legacy P-256 key")

    def with_legacy(self, legacy: CheckpointPublicKey | None) -> CheckpointPublicKey:
        """This key, also accepting legacy checkpoints signed by ``legacy``'s ECDSA key."""
        if legacy is None or legacy.legacy is None:
            return self
        return CheckpointPublicKey(self.public, legacy=legacy.legacy)

    def verifier(self, origin: str) -> NoteVerifier:
        """The signed-note verifier of the log ``origin`` (key name = origin)."""
        if self.public is None:
            raise LedgerError("no Ed25519 ledger key was given")
        return NoteVerifier(origin, self.public)

    def to_pem(self) -> bytes:
        """The Ed25519 key as a ``BEGIN PUBLIC KEY`` PEM block."""
        if self.public is None:
            raise LedgerError("no Ed25519 ledger key was given")
        key = ed25519.Ed25519PublicKey.from_public_bytes(self.public)
        return key.public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        )

    def verify(self, checkpoint: Checkpoint) -> bool:
        """Whether ``checkpoint`` is signed by this key (and names it)."""
        if checkpoint.origin is None:
            return self._verify_legacy(checkpoint)
        if self.public is None:
            return False
        try:
            signature = checkpoint.log_signature()
        except ValueError:
            return False
        return self.verifier(checkpoint.origin).verify(checkpoint.note_text(), signature)

    def _verify_legacy(self, checkpoint: Checkpoint) -> bool:
        if self.legacy is None or checkpoint.key_id != legacy_key_id(self.legacy):
            return False
        try:
            self.legacy.verify(
                checkpoint.signature, checkpoint.signed_bytes(), ec.ECDSA(hashes.SHA256())
            )
        except InvalidSignature:
            return False
        return True


class CheckpointKey:
    """The ledger's private Ed25519 key under its origin: signs checkpoints."""

    def __init__(self, key: ed25519.Ed25519PrivateKey, origin: str) -> None:
        self._key = key
        self.origin = origin
        self._signer = NoteSigner(origin, key)
        self.public_key = CheckpointPublicKey(self._signer.verifier.public)

    @property
    def key_id(self) -> str:
        """Eight hex digits: the signed-note key ID of this key under the origin."""
        return self._signer.verifier.key_id.hex()

    @property
    def vkey(self) -> str:
        """The signed-note verifier key (``origin+id+key``) to hand to auditors and witnesses."""
        return self._signer.verifier.vkey()

    @classmethod
    def generate(cls, origin: str = "taxgate.invalid/test-log") -> CheckpointKey:
        """A fresh key (tests; workspaces use :func:`taxgate.ledger.keys.load_signing_key`)."""
        return cls(ed25519.Ed25519PrivateKey.generate(), origin)

    def sign(self, *, seq: int, size: int, root: bytes, time: str) -> Checkpoint:
        """Sign the tree head ``(size, root)`` as checkpoint number ``seq`` at ``time``."""
        line = self._signer.sign(checkpoint_text(self.origin, size, root))
        return Checkpoint(seq, size, root, time, self.key_id, line.signature, self.origin)

    def private_pem(self) -> bytes:
        """The private key as unencrypted PKCS#8 PEM (written with mode 0600)."""
        return self._key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )


def load_public_key(keys_dir: Path) -> CheckpointPublicKey:
    """The workspace's copy of the checkpoint public key, with its legacy key if it has one.

    This copy lives in the workspace, so it proves nothing against the workspace's operator:
    ``taxgate ledger verify --trusted-key`` checks against a key held elsewhere.
    """
    path = keys_dir / PUBLIC_KEY_FILE
    try:
        key = CheckpointPublicKey.from_pem(path.read_bytes())
    except OSError as e:
        raise LedgerError(
            f"cannot read the checkpoint public key {path}: {e.strerror}",
            hint="restore it from a copy, or verify with --trusted-key",
        ) from e
    legacy_path = keys_dir / LEGACY_PUBLIC_KEY_FILE
    if key.public is not None and legacy_path.is_file():
        key = key.with_legacy(CheckpointPublicKey.from_pem(legacy_path.read_bytes()))
    return key


def read_export(path: Path) -> list[Checkpoint]:
    """The checkpoints exported to ``path`` (an auditor's copy); [] if there is none.

    Raises:
        LedgerVerificationError: a line is not a checkpoint (names the line).
    """
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return []
    except (OSError, UnicodeDecodeError) as e:
        raise LedgerVerificationError(f"cannot read the checkpoint export {path}: {e}") from e
    return [
        parse_export_line(line, where=f"{path} line {number}")
        for number, line in enumerate(text.splitlines(), start=1)
    ]


def parse_export_line(line: str, *, where: str = "an export line") -> Checkpoint:
    """One line of a checkpoint export (either format).

    Raises:
        LedgerVerificationError: the line is not a checkpoint (names ``where``).
    """
    try:
        return Checkpoint.from_json(line)
    except (ValueError, KeyError, TypeError, RecursionError, binascii.Error, InputError) as e:
        reason = e.message if isinstance(e, InputError) else f"{type(e).__name__}: {e}"
        raise LedgerVerificationError(f"{where} is not a checkpoint: {reason[:200]}") from e


def append_export(path: Path, checkpoints: list[Checkpoint]) -> int:
    """Append the checkpoints newer than the export's last one; returns how many were added.

    Safe to call again after a crash: it catches up from the last exported ``seq``. A torn
    last line (a write cut short) is dropped first, since it was never a whole checkpoint.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    last_seq = 0
    if path.exists():
        data = path.read_bytes()
        if data and not data.endswith(b"\n"):
            with path.open("r+b") as handle:
                handle.truncate(data.rfind(b"\n") + 1)
        existing = read_export(path)
        last_seq = existing[-1].seq if existing else 0
    fresh = [c for c in checkpoints if c.seq > last_seq]
    if not fresh:
        return 0
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    with os.fdopen(fd, "a", encoding="utf-8") as handle:
        handle.write("".join(c.to_json() + "\n" for c in fresh))
        handle.flush()
        os.fsync(handle.fileno())
    return len(fresh)
