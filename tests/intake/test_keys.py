"""Keys: P-256 PEM files, 0600 private keys, no overwrite, DER ECDSA-SHA256 signatures."""

from __future__ import annotations

import hashlib
import os
import stat
import subprocess
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from hypothesis import given
from hypothesis import strategies as st

from taxgate.errors import ConfigError, InputError
from taxgate.intake.keys import (
    fingerprint,
    load_private_key,
    load_public_key,
    new_keypair,
    read_public_key_file,
    sign,
    verify,
)

_KEY = ec.generate_private_key(ec.SECP256R1())


def test_new_keypair_writes_pkcs8_and_spki_pem(tmp_path: Path) -> None:
    private, public = new_keypair(tmp_path / "k", "ice-director")
    assert private == tmp_path / "k" / "ice-director.key.pem"
    assert public == tmp_path / "k" / "ice-director.pub.pem"
    assert private.read_text().startswith("-----BEGIN PRIVATE KEY-----")
    assert public.read_text().startswith("-----BEGIN PUBLIC KEY-----")
    key = load_private_key(private)
    assert isinstance(key.curve, ec.SECP256R1)
    assert fingerprint(load_public_key(public.read_text())) == fingerprint(key.public_key())


def test_private_key_is_owner_only_even_with_a_permissive_umask(tmp_path: Path) -> None:
    old = os.umask(0)
    try:
        private, public = new_keypair(tmp_path, "a")
    finally:
        os.umask(old)
    assert stat.S_IMODE(private.stat().st_mode) == 0o600
    assert stat.S_IMODE(public.stat().st_mode) == 0o644


def test_private_key_is_created_with_0600_by_open_itself(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    modes: list[tuple[str, int]] = []
    real_open = os.open

    def spy(path: str, flags: int, mode: int = 0o777) -> int:
        modes.append((os.fspath(path), mode))
        return real_open(path, flags, mode)

    monkeypatch.setattr(os, "open", spy)
    new_keypair(tmp_path, "a")
    assert (str(tmp_path / "a.key.pem"), 0o600) in modes


@pytest.mark.parametrize("existing", ["a.key.pem", "a.pub.pem"])
def test_new_keypair_refuses_to_overwrite(tmp_path: Path, existing: str) -> None:
    (tmp_path / existing).write_text("keep me")
    with pytest.raises(InputError, match="never overwrites"):
        new_keypair(tmp_path, "a")
    assert (tmp_path / existing).read_text() == "keep me"
    assert sorted(p.name for p in tmp_path.iterdir()) == [existing]


def test_new_keypair_refuses_a_bad_name(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="not a valid key name"):
        new_keypair(tmp_path, "../escape")


def test_sign_and_verify_round_trip_and_tamper() -> None:
    signature = sign(_KEY, b"manifest bytes")
    assert verify(_KEY.public_key(), b"manifest bytes", signature)
    assert not verify(_KEY.public_key(), b"manifest bytez", signature)
    other = ec.generate_private_key(ec.SECP256R1())
    assert not verify(other.public_key(), b"manifest bytes", signature)


@given(signature=st.binary(max_size=200), data=st.binary(max_size=100))
def test_verify_never_raises_on_garbage(signature: bytes, data: bytes) -> None:
    assert verify(_KEY.public_key(), data, signature) in (True, False)


def test_signature_verifies_with_openssl(tmp_path: Path) -> None:
    private, public = new_keypair(tmp_path, "a")
    data = tmp_path / "data.json"
    data.write_bytes(b'{"x": 1}\n')
    (tmp_path / "data.json.sig").write_bytes(sign(load_private_key(private), data.read_bytes()))
    result = subprocess.run(
        [
            "openssl",
            "dgst",
            "-sha256",
            "-verify",
            str(public),
            "-signature",
            str(tmp_path / "data.json.sig"),
            str(data),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "Verified OK" in result.stdout


def test_unreadable_private_key(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="cannot read the private key"):
        load_private_key(tmp_path / "missing.key.pem")
    garbage = tmp_path / "g.key.pem"
    garbage.write_text("not a key")
    with pytest.raises(InputError, match="not a PEM private key"):
        load_private_key(garbage)


def test_encrypted_private_key_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "enc.key.pem"
    path.write_bytes(
        _KEY.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.BestAvailableEncryption(b"secret"),
        )
    )
    with pytest.raises(InputError, match="encrypted"):
        load_private_key(path)


def test_wrong_type_keys_are_refused(tmp_path: Path) -> None:
    rsa_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    path = tmp_path / "rsa.key.pem"
    path.write_bytes(
        rsa_key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    with pytest.raises(InputError, match="not an ECDSA P-256"):
        load_private_key(path)
    rsa_pub = rsa_key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    with pytest.raises(ConfigError, match="not an ECDSA P-256"):
        load_public_key(rsa_pub.decode())
    p384 = ec.generate_private_key(ec.SECP384R1()).public_key()
    pem = p384.public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    with pytest.raises(ConfigError, match="not an ECDSA P-256"):
        load_public_key(pem.decode())
    with pytest.raises(ConfigError, match="not a PEM public key"):
        load_public_key("-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n")


def test_read_public_key_file_canonicalises_pem(tmp_path: Path) -> None:
    _, public = new_keypair(tmp_path, "a")
    messy = tmp_path / "messy.pem"
    messy.write_text("comment line\n" + public.read_text())
    assert read_public_key_file(messy) == public.read_text()
    with pytest.raises(InputError, match="cannot read the public key"):
        read_public_key_file(tmp_path / "missing.pem")


def test_fingerprint_matches_openssl(tmp_path: Path) -> None:
    _, public = new_keypair(tmp_path, "a")
    der = subprocess.run(
        ["openssl", "pkey", "-pubin", "-in", str(public), "-outform", "DER"],
        capture_output=True,
        check=True,
    ).stdout
    assert (
        fingerprint(load_public_key(public.read_text()))
        == "sha256:" + hashlib.sha256(der).hexdigest()
    )


@pytest.mark.parametrize("mode", [0o640, 0o604, 0o644])
def test_a_private_key_others_may_read_is_refused(tmp_path: Path, mode: int) -> None:
    key_path, _ = new_keypair(tmp_path, "ice-director")
    load_private_key(key_path)
    key_path.chmod(mode)
    with pytest.raises(InputError, match=f"may be read by others \\(mode {mode:04o}\\)") as e:
        load_private_key(key_path)
    assert e.value.hint and "chmod 600" in e.value.hint


@pytest.mark.usefixtures("no_hang")
def test_a_fifo_as_the_private_key_is_refused_without_waiting(tmp_path: Path) -> None:
    fifo = tmp_path / "k.key.pem"
    os.mkfifo(fifo)
    with pytest.raises(InputError, match="FIFO"):
        load_private_key(fifo)
