"""The ledger signing key's file: held outside the workspace, owner-only, never replaced.

Whoever can read the signing key can sign a rewritten ledger, so it does not live beside the
ledger it vouches for (NIST SP 800-53 AU-9(3), SC-12). ``taxgate init WS --ledger-key PATH``
names where it goes; without it, the key is created under the user's configuration folder
(``$XDG_CONFIG_HOME/taxgate/ledger-keys/`` or ``~/.config/taxgate/ledger-keys/``, 0700),
outside the workspace. The workspace records the key's path and keeps only the public half.

A missing key is an error, never the occasion for a new one (checkpoints signed by a new key
would hide that the old one was lost or taken), and a key that group or others may read is
refused.
"""

from __future__ import annotations

import os
import re
import secrets
import stat
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ed25519

from taxgate.errors import LedgerError
from taxgate.files import create_new_file, make_owner_only_dir, read_regular
from taxgate.ledger.checkpoint import PUBLIC_KEY_FILE, VKEY_FILE, CheckpointKey

MAX_KEY_BYTES = 64 * 1024


def default_key_dir() -> Path:
    """``$XDG_CONFIG_HOME/taxgate/ledger-keys`` (or ``~/.config/...``), read when called."""
    base = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(base) / "taxgate" / "ledger-keys"


def create_signing_key(path: Path, origin: str) -> CheckpointKey:
    """Create a new Ed25519 ledger key at ``path`` (0600, its folder 0700), exclusively.

    Raises:
        LedgerError: a file is already there, or it cannot be written.
    """
    return CheckpointKey(create_private_key(path), origin)


def load_signing_key(path: Path, origin: str) -> CheckpointKey:
    """The Ed25519 ledger key at ``path``, signing as the log ``origin``.

    Raises:
        LedgerError: the key is missing, readable by group or others, or not Ed25519.
    """
    return CheckpointKey(load_private_key(path, what="ledger signing key"), origin)


def load_private_key(path: Path, *, what: str) -> ed25519.Ed25519PrivateKey:
    """An Ed25519 private key (PKCS#8 PEM) that only its owner may read.

    Raises:
        LedgerError: missing, readable by group or others, or not an Ed25519 key.
    """
    try:
        data = read_regular(path, limit=MAX_KEY_BYTES)
        mode = stat.S_IMODE(path.stat().st_mode)
    except FileNotFoundError as e:
        raise LedgerError(
            f"the {what} {path} is missing",
            hint="restore it from its backup; taxgate never makes a new key in place of a "
            "missing one, because signatures by a new key would hide the loss",
        ) from e
    except OSError as e:
        raise LedgerError(f"cannot read the {what} {path}: {e.strerror or e}") from e
    if mode & 0o077:
        raise LedgerError(
            f"the {what} {path} may be read by others (mode {mode:04o})",
            hint=f"chmod 600 {path}, and consider the key exposed: anyone who read it can sign",
        )
    try:
        key = serialization.load_pem_private_key(data, password=None)
    except (TypeError, ValueError) as e:
        raise LedgerError(f"cannot load the {what} {path}: {e}") from e
    if not isinstance(key, ed25519.Ed25519PrivateKey):
        raise LedgerError(
            f"{path} is not an Ed25519 private key",
            hint="a workspace from before C2SP checkpoints moves to one with `taxgate ledger "
            "migrate WS`",
        )
    return key


def create_private_key(path: Path) -> ed25519.Ed25519PrivateKey:
    """A new Ed25519 key written to ``path`` (0600; folder made 0700), never replacing one."""
    key = ed25519.Ed25519PrivateKey.generate()
    try:
        make_owner_only_dir(path.parent)
    except OSError as e:
        raise LedgerError(f"cannot create the key folder {path.parent}: {e.strerror}") from e
    pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    write_owner_only(path, pem)
    return key


def write_owner_only(path: Path, data: bytes) -> None:
    """Create ``path`` with mode 0600 and write ``data``; an existing file is never replaced.

    Raises:
        LedgerError: the file exists or cannot be written.
    """
    try:
        create_new_file(path, data, mode=0o600)
    except FileExistsError as e:
        raise LedgerError(
            f"{path} already exists; taxgate never replaces a key",
            hint="keep using that key, or name another path",
        ) from e
    except OSError as e:
        raise LedgerError(f"cannot create {path}: {e.strerror}") from e


def new_log_origin(agreement_id: str) -> str:
    """A fresh origin naming a workspace's log: ``taxgate/<agreement>/<16 hex digits>``."""
    safe = re.sub(r"[^A-Za-z0-9._-]", "-", agreement_id) or "agreement"
    return f"taxgate/{safe}/{secrets.token_hex(8)}"


def setup_workspace_key(
    root: Path, keys_dir: Path, *, origin: str, ledger_key: Path | None
) -> dict[str, str]:
    """Make (or adopt) the signing key of a new workspace; returns its settings.

    The private key goes to ``ledger_key`` (default: under :func:`default_key_dir`), never
    inside the workspace ``root``; the workspace keeps the public key as PEM and as a
    signed-note verifier key, which `init` also prints for the auditor to keep.

    Raises:
        LedgerError: ``ledger_key`` is inside the workspace, or cannot be made or read.
    """
    path = (ledger_key or default_key_dir() / f"{origin.rsplit('/', 1)[-1]}.key.pem").absolute()
    if path.resolve().is_relative_to(root.resolve()):
        raise LedgerError(
            f"the ledger signing key {path} would be inside the workspace {root}",
            hint="keep it where the workspace's operator cannot rewrite the ledger with it: "
            "name a path outside the workspace with --ledger-key",
        )
    key = load_signing_key(path, origin) if path.exists() else create_signing_key(path, origin)
    write_public_key(keys_dir, key)
    return {"origin": origin, "key": str(path)}


def write_public_key(keys_dir: Path, key: CheckpointKey) -> None:
    """Write ``keys/ledger.pub.pem`` and ``keys/ledger.vkey`` (owner-only, never replaced)."""
    make_owner_only_dir(keys_dir)
    write_owner_only(keys_dir / PUBLIC_KEY_FILE, key.public_key.to_pem())
    write_owner_only(keys_dir / VKEY_FILE, (key.vkey + "\n").encode("ascii"))
