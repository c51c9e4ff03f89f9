"""Secrets as the record store keeps them: argon2id password hashes, TOTP, hashed tokens.

Passwords are hashed with argon2id (RFC 9106) by argon2-cffi's defaults. API tokens and session
ids are 256-bit random values; a plain SHA-256 of such a value is enough to store (nobody can
guess the preimage), and lets a request find its row by an index.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime

import pyotp
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

_HASHER = PasswordHasher()
TOTP_ISSUER = "taxgate"


def hash_password(password: str) -> str:
    """An argon2id hash of ``password`` (salted, with its parameters in the text)."""
    return _HASHER.hash(password)


def password_matches(stored_hash: str, password: str) -> bool:
    """Whether ``password`` is the one ``stored_hash`` was made from."""
    try:
        return _HASHER.verify(stored_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def new_totp_secret() -> str:
    """A fresh base32 TOTP secret (RFC 6238, 160 bits)."""
    return pyotp.random_base32(32)


def provisioning_uri(secret: str, username: str) -> str:
    """The ``otpauth://`` URI an authenticator app reads (shown once, at ``user add``)."""
    return pyotp.TOTP(secret).provisioning_uri(name=username, issuer_name=TOTP_ISSUER)


def totp_matches(secret: str, code: str, *, at: datetime) -> bool:
    """Whether ``code`` is the TOTP of ``secret`` at ``at`` (one 30 s step either side)."""
    return pyotp.TOTP(secret).verify(code.strip(), for_time=at, valid_window=1)


def totp_now(secret: str, *, at: datetime) -> str:
    """The current code (for tests and for the CLI's own check)."""
    return pyotp.TOTP(secret).at(at)


def new_secret_token() -> str:
    """A random URL-safe token (API tokens, session ids, CSRF tokens)."""
    return secrets.token_urlsafe(32)


def token_digest(token: str) -> str:
    """The SHA-256 hex digest under which a token or session id is stored."""
    return hashlib.sha256(token.encode()).hexdigest()
