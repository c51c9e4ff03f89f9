"""Signing keys: ECDSA over NIST P-256 with SHA-256 (FIPS 186-5, approved under FIPS 140-3).

Keys are plain PEM files that OpenSSL reads and writes, so a requesting agency can sign with
its own tools (``docs/signing.md``):

* the private key is unencrypted PKCS#8 PEM, created with mode 0600 from the first byte, and
  refused when group or others may read it;
* the public key is SubjectPublicKeyInfo PEM, the text enrolled in the agreement;
* a signature is DER-encoded ECDSA-SHA256, exactly what ``openssl dgst -sha256 -sign`` writes.

Example:
    >>> import tempfile
    >>> key_path, pub_path = new_keypair(Path(tempfile.mkdtemp()), "ice-director")
    >>> key = load_private_key(key_path)
    >>> verify(load_public_key(pub_path.read_text()), b"batch", sign(key, b"batch"))
    True
"""

from __future__ import annotations

import hashlib
import re
import stat
from pathlib import Path

from cryptography.exceptions import InvalidSignature, UnsupportedAlgorithm
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec

from taxgate.errors import ConfigError, InputError
from taxgate.files import create_new_file, read_regular

KEY_NAME_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._-]*$"
"""Key and signer names: the same rule as ``Signer.name`` in the agreement."""

PRIVATE_KEY_SUFFIX = ".key.pem"
PUBLIC_KEY_SUFFIX = ".pub.pem"

_CURVE = ec.SECP256R1
_SIGNATURE_ALGORITHM = ec.ECDSA(hashes.SHA256())
_PRIVATE_MODE = 0o600
_MAX_KEY_BYTES = 64 * 1024
_PUBLIC_MODE = 0o644


def new_keypair(directory: Path, name: str) -> tuple[Path, Path]:
    """Create a new P-256 key pair as ``DIR/NAME.key.pem`` and ``DIR/NAME.pub.pem``.

    The private key file is created with mode 0600 by the ``open`` call itself, so it is
    never readable by others, not even for an instant. Existing files are never replaced.

    Args:
        directory: Folder for the two files; created (mode 0700) if missing.
        name: Key name, usually the signer's name in the agreement.

    Returns:
        The private key path and the public key path.

    Raises:
        InputError: The name is not a valid key name, or either file already exists.
    """
    if not re.fullmatch(KEY_NAME_PATTERN, name):
        raise InputError(
            f"{name!r} is not a valid key name",
            field="name",
            hint="use letters, digits, '.', '_' and '-', starting with a letter or digit",
        )
    private_path = directory / f"{name}{PRIVATE_KEY_SUFFIX}"
    public_path = directory / f"{name}{PUBLIC_KEY_SUFFIX}"
    for path in (private_path, public_path):
        if path.exists() or path.is_symlink():
            raise _exists_error(path)
    try:
        directory.mkdir(mode=0o700, parents=True, exist_ok=True)
    except OSError as e:
        raise InputError(f"cannot create the key folder: {e.strerror}", path=directory) from e

    private_key = ec.generate_private_key(_CURVE())
    private_pem = private_key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    public_pem = private_key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    _create_exclusive(private_path, private_pem, mode=_PRIVATE_MODE)
    try:
        _create_exclusive(public_path, public_pem, mode=_PUBLIC_MODE)
    except BaseException:
        private_path.unlink(missing_ok=True)
        raise
    return private_path, public_path


def load_private_key(path: Path) -> ec.EllipticCurvePrivateKey:
    """Read an unencrypted PKCS#8 (or SEC1) PEM P-256 private key, readable by its owner only.

    Raises:
        InputError: The file is unreadable, readable by group or others, not a PEM private
            key, encrypted, or not P-256.
    """
    try:
        data = read_regular(path, limit=_MAX_KEY_BYTES)
        mode = stat.S_IMODE(path.stat().st_mode)
    except OSError as e:
        raise InputError(f"cannot read the private key: {e.strerror}", path=path) from e
    try:
        key = serialization.load_pem_private_key(data, password=None)
    except TypeError as e:
        raise InputError(
            "the private key is encrypted",
            path=path,
            hint="taxgate signs without prompts; export it unencrypted "
            "(openssl pkcs8 -topk8 -nocrypt) and protect the file with mode 0600",
        ) from e
    except (ValueError, UnsupportedAlgorithm) as e:
        raise InputError(
            "not a PEM private key",
            path=path,
            hint="create one with `taxgate keys new DIR --name NAME` (see docs/signing.md)",
        ) from e
    if not isinstance(key, ec.EllipticCurvePrivateKey) or not isinstance(key.curve, _CURVE):
        raise InputError(
            "the private key is not an ECDSA P-256 key",
            path=path,
            hint="taxgate signs with ECDSA over P-256 (prime256v1) only",
        )
    if mode & 0o077:
        # Like ssh with a private key others may read: refuse rather than sign with a key
        # that may already be copied.
        raise InputError(
            f"the private key may be read by others (mode {mode:04o})",
            path=path,
            hint=f"chmod 600 {path}, and consider whether the key was exposed",
        )
    return key


def load_public_key(pem_text: str, *, source: str = "public key") -> ec.EllipticCurvePublicKey:
    """Parse a SubjectPublicKeyInfo PEM text holding a P-256 public key.

    Args:
        pem_text: The ``-----BEGIN PUBLIC KEY-----`` block.
        source: Where the text came from, for the error message (a file, a signer).

    Raises:
        ConfigError: The text is not a PEM public key, or not a P-256 key.
    """
    try:
        key = serialization.load_pem_public_key(pem_text.encode("utf-8"))
    except (ValueError, UnsupportedAlgorithm) as e:
        raise ConfigError(
            f"{source} is not a PEM public key",
            hint="give the NAME.pub.pem file written by `taxgate keys new` or "
            "`openssl pkey -pubout`",
        ) from e
    if not isinstance(key, ec.EllipticCurvePublicKey) or not isinstance(key.curve, _CURVE):
        raise ConfigError(
            f"{source} is not an ECDSA P-256 public key",
            hint="taxgate verifies ECDSA over P-256 (prime256v1) only",
        )
    return key


def read_public_key_file(path: Path) -> str:
    """Read a public key file and return it as canonical SubjectPublicKeyInfo PEM text.

    Raises:
        InputError: The file cannot be read or is not UTF-8.
        ConfigError: The file does not hold a P-256 public key.
    """
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as e:
        raise InputError(f"cannot read the public key: {e.strerror}", path=path) from e
    except UnicodeDecodeError as e:
        raise InputError("the public key file is not PEM text", path=path) from e
    key = load_public_key(text, source=f"file {path}")
    return public_key_pem(key)


def public_key_pem(public_key: ec.EllipticCurvePublicKey) -> str:
    """The SubjectPublicKeyInfo PEM text of ``public_key``."""
    pem = public_key.public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    return pem.decode("ascii")


def fingerprint(public_key: ec.EllipticCurvePublicKey) -> str:
    """``sha256:`` and the hex SHA-256 of the DER-encoded public key.

    ``openssl pkey -pubin -in NAME.pub.pem -outform DER | sha256sum`` gives the same digits.
    """
    der = public_key.public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    return "sha256:" + hashlib.sha256(der).hexdigest()


def sign(private_key: ec.EllipticCurvePrivateKey, data: bytes) -> bytes:
    """A DER-encoded ECDSA-SHA256 signature over ``data``."""
    return private_key.sign(data, _SIGNATURE_ALGORITHM)


def verify(public_key: ec.EllipticCurvePublicKey, data: bytes, signature: bytes) -> bool:
    """Whether ``signature`` is a valid ECDSA-SHA256 signature over ``data``.

    Never raises on a bad or malformed signature; it returns False.
    """
    try:
        public_key.verify(signature, data, _SIGNATURE_ALGORITHM)
    except (InvalidSignature, ValueError):
        return False
    return True


def _create_exclusive(path: Path, data: bytes, *, mode: int) -> None:
    """Create ``path`` with ``mode`` set by ``open`` itself; fail if anything is there."""
    try:
        create_new_file(path, data, mode=mode)
    except FileExistsError as e:
        raise _exists_error(path) from e
    except OSError as e:
        raise InputError(f"cannot create the key file: {e.strerror}", path=path) from e


def _exists_error(path: Path) -> InputError:
    return InputError(
        "already exists; taxgate never overwrites a key",
        path=path,
        hint="choose another --name or folder, or move the old key away first",
    )
