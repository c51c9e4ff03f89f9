"""Signed notes, checkpoints and cosignatures in the C2SP formats (``signed-note``,
``tlog-checkpoint``, ``tlog-cosignature``), with Ed25519 keys.

A checkpoint is a note whose text is three lines: the log's *origin*, the tree size in
decimal, and the base64 root hash. Signature lines follow a blank line::

    taxgate/irs-ice-2025/5d1c0e4a9b7f2c31
    42
    3q2+7w...=

    — taxgate/irs-ice-2025/5d1c0e4a9b7f2c31 AbCdEf...

Each signature is ``base64(key ID || signature)``, the key ID being the first four bytes of
``SHA-256(key name || 0x0A || type || public key)``. The log signs the note text with type
``0x01`` (Ed25519); a witness signs ``cosignature/v1\\ntime T\\n`` followed by the note
text with type ``0x04`` and puts the eight-byte big-endian time ``T`` before its signature.
The parsers never raise anything but :class:`~taxgate.errors.InputError`.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import struct
from dataclasses import dataclass

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from taxgate.errors import InputError

ED25519 = 0x01
COSIGNATURE_V1 = 0x04
HASH_SIZE = 32
MAX_NOTE_BYTES = 1 << 20
MAX_SIGNATURES = 64
_DASH = "\u2014 "
_COSIGN_HEADER = "cosignature/v1\n"


@dataclass(frozen=True)
class NoteSignature:
    """One signature line: the key's name, its four-byte ID and the signature bytes."""

    name: str
    key_id: bytes
    signature: bytes

    def line(self) -> str:
        """The line as it is written (with its newline)."""
        blob = base64.b64encode(self.key_id + self.signature).decode("ascii")
        return f"{_DASH}{self.name} {blob}\n"


@dataclass(frozen=True)
class SignedNote:
    """A note's text (ending in a newline) and its signature lines, in order."""

    text: str
    signatures: tuple[NoteSignature, ...]

    def render(self) -> str:
        """The note as bytes-ready text: text, blank line, signature lines."""
        return self.text + "\n" + "".join(s.line() for s in self.signatures)


@dataclass(frozen=True)
class CheckpointBody:
    """The three lines of a C2SP checkpoint."""

    origin: str
    size: int
    root: bytes

    def text(self) -> str:
        """The note text the log signs."""
        return checkpoint_text(self.origin, self.size, self.root)


def checkpoint_text(origin: str, size: int, root: bytes) -> str:
    """``origin\\nsize\\nbase64(root)\\n``, the note text of a checkpoint."""
    return f"{origin}\n{size}\n{base64.b64encode(root).decode('ascii')}\n"


def key_id(name: str, kind: int, public: bytes) -> bytes:
    """The four-byte key ID of signed-note: ``SHA-256(name || 0x0A || kind || public)[:4]``."""
    return hashlib.sha256(name.encode("utf-8") + b"\n" + bytes([kind]) + public).digest()[:4]


def _bad(message: str) -> InputError:
    return InputError(message, hint="the file must be a C2SP signed note (c2sp.org/signed-note)")


def parse_note(data: bytes) -> SignedNote:
    """Split a signed note into its text and signatures.

    Raises:
        InputError: the bytes are not a well-formed signed note.
    """
    if len(data) > MAX_NOTE_BYTES:
        raise _bad(f"the note is larger than {MAX_NOTE_BYTES} bytes")
    try:
        whole = data.decode("utf-8")
    except UnicodeDecodeError as e:
        raise _bad(f"the note is not UTF-8 (byte {e.start})") from e
    if any(ch < " " and ch != "\n" for ch in whole):
        raise _bad("the note holds a control character other than newline")
    if not whole.endswith("\n"):
        raise _bad("the note does not end in a newline")
    split = whole.rfind("\n\n")
    if split < 0:
        raise _bad("the note has no blank line before its signatures")
    text, lines = whole[: split + 1], whole[split + 2 :].splitlines()
    if not lines:
        raise _bad("the note has no signature line")
    if len(lines) > MAX_SIGNATURES:
        raise _bad(f"the note has more than {MAX_SIGNATURES} signatures")
    return SignedNote(text, tuple(_parse_signature(line) for line in lines))


def _parse_signature(line: str) -> NoteSignature:
    if not line.startswith(_DASH):
        raise _bad(f"signature line {line[:40]!r} does not start with an em dash and a space")
    name, _, blob = line[len(_DASH) :].partition(" ")
    if not name or any(ch.isspace() or ch == "+" for ch in name) or not blob:
        raise _bad(f"signature line {line[:40]!r} has no valid key name and signature")
    try:
        raw = base64.b64decode(blob, validate=True)
    except (binascii.Error, ValueError) as e:
        raise _bad(f"the signature of {name[:40]!r} is not base64") from e
    if len(raw) < 5:
        raise _bad(f"the signature of {name[:40]!r} is too short")
    return NoteSignature(name, raw[:4], raw[4:])


def parse_checkpoint_body(text: str) -> CheckpointBody:
    """Read the origin, size and root of a checkpoint's note text.

    Raises:
        InputError: fewer than three lines, a bad size or a root that is not 32 bytes.
    """
    lines = text.split("\n")
    if len(lines) < 4 or lines[-1] != "" or any(not line for line in lines[:-1]):
        raise _bad("a checkpoint has an origin, a size and a root hash, each on its own line")
    origin, size_text, root_text = lines[0], lines[1], lines[2]
    if (
        not size_text.isascii()
        or not size_text.isdigit()
        or (size_text != "0" and size_text[0] == "0")
    ):
        raise _bad(f"the tree size {size_text[:30]!r} is not a decimal without leading zeros")
    try:
        root = base64.b64decode(root_text, validate=True)
    except (binascii.Error, ValueError) as e:
        raise _bad("the root hash is not base64") from e
    if len(root) != HASH_SIZE:
        raise _bad(f"the root hash has {len(root)} bytes, not {HASH_SIZE}")
    return CheckpointBody(origin, int(size_text), root)


@dataclass(frozen=True)
class NoteVerifier:
    """A trusted Ed25519 key under a name, for one signature type (log or cosignature)."""

    name: str
    public: bytes
    kind: int = ED25519

    @property
    def key_id(self) -> bytes:
        """The four-byte ID signature lines from this key carry."""
        return key_id(self.name, self.kind, self.public)

    def vkey(self) -> str:
        """``name+hex(key ID)+base64(type || public key)``, the signed-note verifier key."""
        blob = base64.b64encode(bytes([self.kind]) + self.public).decode("ascii")
        return f"{self.name}+{self.key_id.hex()}+{blob}"

    def matches(self, signature: NoteSignature) -> bool:
        """Whether a signature line claims to be from this key (name and ID both)."""
        return signature.name == self.name and signature.key_id == self.key_id

    def verify(self, text: str, signature: NoteSignature) -> bool:
        """Whether ``signature`` is this key's valid signature of ``text``."""
        if not self.matches(signature):
            return False
        message, sig = text.encode("utf-8"), signature.signature
        if self.kind == COSIGNATURE_V1:
            if len(sig) != 72:
                return False
            (stamp,) = struct.unpack(">Q", sig[:8])
            message, sig = cosigned_message(text, stamp), sig[8:]
        try:
            Ed25519PublicKey.from_public_bytes(self.public).verify(sig, message)
        except (InvalidSignature, ValueError):
            return False
        return True


def parse_vkey(text: str) -> NoteVerifier:
    """Read a verifier key ``name+hexid+base64(type || key)`` (Ed25519 or cosignature/v1).

    Raises:
        InputError: malformed, another key type, or an ID that does not match the key.
    """
    parts = text.strip().split("+", 2)
    if len(parts) != 3 or not parts[0]:
        raise InputError("a verifier key is name+hexid+base64key", hint="see c2sp.org/signed-note")
    name, hex_id, blob = parts
    try:
        raw = base64.b64decode(blob, validate=True)
        wanted = bytes.fromhex(hex_id)
    except (binascii.Error, ValueError) as e:
        raise InputError(f"the verifier key of {name[:40]!r} is not hex and base64") from e
    if len(raw) != 33 or raw[0] not in (ED25519, COSIGNATURE_V1):
        raise InputError(f"the verifier key of {name[:40]!r} is not an Ed25519 key")
    verifier = NoteVerifier(name, raw[1:], raw[0])
    if verifier.key_id != wanted:
        raise InputError(f"the verifier key of {name[:40]!r} names the wrong key ID")
    return verifier


def cosigned_message(text: str, timestamp: int) -> bytes:
    """What a cosignature/v1 signs: header, time line, then the checkpoint's note text."""
    return f"{_COSIGN_HEADER}time {timestamp}\n{text}".encode()


class NoteSigner:
    """An Ed25519 private key signing notes under a name (log) or cosigning (witness)."""

    def __init__(self, name: str, key: Ed25519PrivateKey, kind: int = ED25519) -> None:
        self.name = name
        self._key = key
        self.verifier = NoteVerifier(name, raw_public(key.public_key()), kind)

    def sign(self, text: str) -> NoteSignature:
        """Sign note text (type 0x01)."""
        return NoteSignature(self.name, self.verifier.key_id, self._key.sign(text.encode()))

    def cosign(self, text: str, timestamp: int) -> NoteSignature:
        """A cosignature/v1 of a checkpoint's note text at POSIX time ``timestamp``."""
        signature = self._key.sign(cosigned_message(text, timestamp))
        return NoteSignature(
            self.name, self.verifier.key_id, struct.pack(">Q", timestamp) + signature
        )


def raw_public(key: Ed25519PublicKey) -> bytes:
    """The 32-byte RFC 8032 encoding of an Ed25519 public key."""
    return key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def cosignature_time(signature: NoteSignature) -> int | None:
    """The POSIX time a cosignature/v1 states, or None if it is not 72 bytes long."""
    if len(signature.signature) != 72:
        return None
    return int(struct.unpack(">Q", signature.signature[:8])[0])
