"""Signed checkpoints (tree size, root hash, time) and the workspace's checkpoint key.

The key is ECDSA P-256 with SHA-256, kept as PEM in ``WS/keys/ledger.key.pem`` (mode 0600)
with its public half in ``ledger.pub.pem``; ``taxgate init`` creates both, and a missing or
loosely readable key is refused, never replaced. Each checkpoint
is also exported as one JSON line to ``WS/ledger/checkpoints.jsonl``, a copy an auditor can
keep outside the operator's control: a log rewritten later cannot match checkpoints already
handed out.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import os
import stat
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec

from taxgate.errors import LedgerError, LedgerVerificationError
from taxgate.files import read_regular
from taxgate.ledger.canonical import canonical_json

CHECKPOINT_FORMAT = "taxgate-ledger-checkpoint/1"
PRIVATE_KEY_FILE = "ledger.key.pem"
PUBLIC_KEY_FILE = "ledger.pub.pem"
EXPORT_FILE = "checkpoints.jsonl"
_MAX_KEY_BYTES = 64 * 1024


@dataclass(frozen=True)
class Checkpoint:
    """A signed statement that the log had ``size`` entries with tree head ``root`` at ``time``."""

    seq: int
    size: int
    root: bytes
    time: str
    key_id: str
    signature: bytes

    def signed_bytes(self) -> bytes:
        """The exact bytes the signature covers."""
        return checkpoint_body(
            seq=self.seq, size=self.size, root=self.root, time=self.time, key_id=self.key_id
        )

    def to_json(self) -> str:
        """One line of the checkpoint export."""
        return canonical_json(
            {
                "format": CHECKPOINT_FORMAT,
                "seq": self.seq,
                "size": self.size,
                "root": self.root.hex(),
                "time": self.time,
                "key_id": self.key_id,
                "signature": base64.b64encode(self.signature).decode("ascii"),
            }
        )

    @classmethod
    def from_json(cls, line: str) -> Checkpoint:
        """Parse one export line; raises ``ValueError`` (or ``KeyError``) on a malformed one."""
        data: dict[str, Any] = json.loads(line)
        if data.get("format") != CHECKPOINT_FORMAT:
            raise ValueError(f"unknown checkpoint format {data.get('format')!r}")
        return cls(
            seq=int(data["seq"]),
            size=int(data["size"]),
            root=bytes.fromhex(data["root"]),
            time=str(data["time"]),
            key_id=str(data["key_id"]),
            signature=base64.b64decode(data["signature"], validate=True),
        )


def checkpoint_body(*, seq: int, size: int, root: bytes, time: str, key_id: str) -> bytes:
    """Canonical bytes of a checkpoint's content, signed and verified byte for byte."""
    body = {
        "format": CHECKPOINT_FORMAT,
        "seq": seq,
        "size": size,
        "root": root.hex(),
        "time": time,
        "key_id": key_id,
    }
    return canonical_json(body).encode("utf-8")


class CheckpointPublicKey:
    """The public half of a checkpoint key: checks checkpoint signatures."""

    def __init__(self, key: ec.EllipticCurvePublicKey) -> None:
        if not isinstance(key.curve, ec.SECP256R1):
            raise LedgerError(f"checkpoint keys must be P-256, not {key.curve.name}")
        self._key = key
        der = key.public_bytes(
            serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
        )
        self.key_id = hashlib.sha256(der).hexdigest()[:16]

    @classmethod
    def from_pem(cls, pem: bytes) -> CheckpointPublicKey:
        """Load a ``BEGIN PUBLIC KEY`` PEM block."""
        try:
            key = serialization.load_pem_public_key(pem)
        except ValueError as e:
            raise LedgerError(f"the checkpoint public key is not a PEM public key: {e}") from e
        if not isinstance(key, ec.EllipticCurvePublicKey):
            raise LedgerError("the checkpoint public key is not an ECDSA key")
        return cls(key)

    def to_pem(self) -> bytes:
        """The key as a ``BEGIN PUBLIC KEY`` PEM block."""
        return self._key.public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        )

    def verify(self, checkpoint: Checkpoint) -> bool:
        """Whether ``checkpoint`` is signed by this key (and names it)."""
        if checkpoint.key_id != self.key_id:
            return False
        try:
            self._key.verify(
                checkpoint.signature, checkpoint.signed_bytes(), ec.ECDSA(hashes.SHA256())
            )
        except InvalidSignature:
            return False
        return True


class CheckpointKey:
    """The private checkpoint key of a workspace: signs checkpoints."""

    def __init__(self, key: ec.EllipticCurvePrivateKey) -> None:
        self._key = key
        self.public_key = CheckpointPublicKey(key.public_key())

    @property
    def key_id(self) -> str:
        """The id checkpoints name: 16 hex digits of SHA-256 of the public key."""
        return self.public_key.key_id

    @classmethod
    def generate(cls) -> CheckpointKey:
        """A fresh P-256 key (tests; workspaces use :func:`load_key`)."""
        return cls(ec.generate_private_key(ec.SECP256R1()))

    def sign(self, *, seq: int, size: int, root: bytes, time: str) -> Checkpoint:
        """Sign the tree head ``(size, root)`` at ``time`` as checkpoint number ``seq``."""
        body = checkpoint_body(seq=seq, size=size, root=root, time=time, key_id=self.key_id)
        signature = self._key.sign(body, ec.ECDSA(hashes.SHA256()))
        return Checkpoint(seq, size, root, time, self.key_id, signature)

    def private_pem(self) -> bytes:
        """The private key as unencrypted PKCS#8 PEM (written with mode 0600)."""
        return self._key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )


def create_key(keys_dir: Path) -> CheckpointKey:
    """Create the workspace checkpoint key in ``keys_dir`` (``taxgate init`` does this once).

    Both files are created owner-only (0600) and exclusively: an existing key is never
    replaced.

    Raises:
        LedgerError: a key file already exists, or cannot be written.
    """
    created = CheckpointKey.generate()
    keys_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
    private_path = keys_dir / PRIVATE_KEY_FILE
    _create_owner_only(private_path, created.private_pem())
    try:
        _create_owner_only(keys_dir / PUBLIC_KEY_FILE, created.public_key.to_pem())
    except BaseException:
        private_path.unlink(missing_ok=True)
        raise
    return created


def load_key(keys_dir: Path) -> CheckpointKey:
    """The workspace checkpoint key in ``keys_dir``.

    A missing key is an error, never the occasion for a new one: checkpoints signed by a new
    key would hide that the old one was lost or taken. A key that group or others may read
    is refused (NIST SP 800-53 SC-12): anyone who read it could sign a rewritten ledger.

    Raises:
        LedgerError: the key is missing, readable by others, or not an ECDSA private key.
    """
    private_path = keys_dir / PRIVATE_KEY_FILE
    try:
        data = read_regular(private_path, limit=_MAX_KEY_BYTES)
        mode = stat.S_IMODE(private_path.stat().st_mode)
    except FileNotFoundError as e:
        raise LedgerError(
            f"the ledger signing key {private_path} is missing",
            hint="restore it from the workspace's backup; taxgate never makes a new key for a "
            "workspace that has one, because checkpoints signed by a new key would hide the loss",
        ) from e
    except OSError as e:
        raise LedgerError(f"cannot read the ledger signing key {private_path}: {e.strerror}") from e
    try:
        key = serialization.load_pem_private_key(data, password=None)
    except (TypeError, ValueError) as e:
        raise LedgerError(f"cannot load the ledger signing key {private_path}: {e}") from e
    if not isinstance(key, ec.EllipticCurvePrivateKey):
        raise LedgerError(f"{private_path} is not an ECDSA private key")
    if mode & 0o077:
        raise LedgerError(
            f"the ledger signing key {private_path} may be read by others (mode {mode:04o})",
            hint=f"chmod 600 {private_path}, and consider the key exposed: anyone who read it "
            "can sign checkpoints",
        )
    return CheckpointKey(key)


def _create_owner_only(path: Path, data: bytes) -> None:
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0)
    try:
        fd = os.open(path, flags, 0o600)
    except FileExistsError as e:
        raise LedgerError(
            f"{path} already exists; taxgate never replaces a ledger key",
            hint="keep using the workspace's key, or move the old one away first",
        ) from e
    except OSError as e:
        raise LedgerError(f"cannot create {path}: {e.strerror}") from e
    try:
        with os.fdopen(fd, "wb") as handle:
            os.fchmod(handle.fileno(), 0o600)
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
    except BaseException:
        path.unlink(missing_ok=True)
        raise


def load_public_key(keys_dir: Path) -> CheckpointPublicKey:
    """The checkpoint public key of a workspace (``ledger.pub.pem``)."""
    path = keys_dir / PUBLIC_KEY_FILE
    try:
        return CheckpointPublicKey.from_pem(path.read_bytes())
    except OSError as e:
        raise LedgerError(
            f"cannot read the checkpoint public key {path}: {e.strerror}",
            hint="a workspace gets its key with its first ledger entry",
        ) from e


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
    checkpoints = []
    for number, line in enumerate(text.splitlines(), start=1):
        try:
            checkpoints.append(Checkpoint.from_json(line))
        except (ValueError, KeyError, TypeError, binascii.Error) as e:
            raise LedgerVerificationError(f"{path} line {number} is not a checkpoint: {e}") from e
    return checkpoints


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
