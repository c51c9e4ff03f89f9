"""verify_batch: every refusal has its own code, in the documented order, before any row."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from taxgate.agreement import Agreement
from taxgate.errors import IntakeRefused
from taxgate.intake import verification
from taxgate.intake.keys import load_private_key, new_keypair, sign
from taxgate.intake.manifest import signature_path
from taxgate.intake.tables import IntakeFileError
from taxgate.intake.verification import VerifiedBatch, read_verified_requests, verify_batch
from taxgate.screening.codes import ReasonCode

from .conftest import NOW, SIGNER, Keys, csv_bytes, request_row, with_signer

Code = ReasonCode


def _never_seen(batch_id: str) -> bool:
    del batch_id
    return False


def _verify(manifest: Path, agreement: Agreement, **kw: Any) -> VerifiedBatch:
    options: dict[str, Any] = {"agreement": agreement, "is_replay": _never_seen, "now": NOW}
    options.update(kw)
    return verify_batch(manifest, **options)


def _refusal(manifest: Path, agreement: Agreement, **kw: Any) -> ReasonCode:
    with pytest.raises(IntakeRefused) as caught:
        _verify(manifest, agreement, **kw)
    assert caught.value.hint, "every refusal says how to fix it"
    return ReasonCode(caught.value.code)


def _hand_signed(folder: Path, key: Path, request: bytes, **fields: Any) -> Path:
    """Write request.csv, a manifest by hand and its signature (as another agency would)."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "request.csv").write_bytes(request)
    manifest = {
        "format": 1,
        "batch_id": "ICE-2025-000123",
        "request_file": "request.csv",
        "request_sha256": hashlib.sha256(request).hexdigest(),
        "row_count": 1,
        "requesting_agency": "ICE",
        "signer": SIGNER,
        "signed_at": "2025-07-31T18:30:00Z",
        "request_date": "2025-07-31",
        "agreement_id": "irs-ice-2025",
        "agreement_version": "2025.04.07-1",
        "attestation": (
            "The information disclosed will be used solely by officers and employees personally "
            "and directly engaged in the investigation, and will be safeguarded under "
            "26 U.S.C. 6103(p)(4)."
        ),
    }
    manifest.update(fields)
    path = folder / "manifest.json"
    path.write_text(json.dumps(manifest, indent=4), encoding="utf-8")
    signature_path(path).write_bytes(sign(load_private_key(key), path.read_bytes()))
    return path


def test_a_signed_batch_verifies(signed_batch: Callable[..., Path], agreement: Agreement) -> None:
    manifest = signed_batch()
    batch = _verify(manifest, agreement)
    assert batch.request_path == manifest.parent / "requests.csv"
    assert batch.manifest.row_count == 2
    assert batch.manifest_sha256 == hashlib.sha256(manifest.read_bytes()).hexdigest()
    assert batch.signer_key.startswith("sha256:")
    requests = read_verified_requests(batch)
    assert requests.table.column("request_id").to_pylist() == ["R1", "R2"]


def test_tampered_request_byte(signed_batch: Callable[..., Path], agreement: Agreement) -> None:
    manifest = signed_batch()
    request = manifest.parent / "requests.csv"
    data = bytearray(request.read_bytes())
    data[-5] ^= 0x01
    request.write_bytes(bytes(data))
    assert _refusal(manifest, agreement) == Code.SCHEMA_HASH_MISMATCH


def test_missing_request_file(signed_batch: Callable[..., Path], agreement: Agreement) -> None:
    manifest = signed_batch()
    (manifest.parent / "requests.csv").unlink()
    assert _refusal(manifest, agreement) == Code.SCHEMA_HASH_MISMATCH


def test_tampered_manifest(signed_batch: Callable[..., Path], agreement: Agreement) -> None:
    manifest = signed_batch()
    manifest.write_text(manifest.read_text().replace('"row_count": 2', '"row_count": 3'))
    assert _refusal(manifest, agreement) == Code.SIGNER_BAD_SIGNATURE


def test_wrong_key(tmp_path: Path, agreement: Agreement) -> None:
    other, _ = new_keypair(tmp_path / "other", SIGNER)
    manifest = _hand_signed(tmp_path / "b", other, csv_bytes([request_row("R1")]))
    assert _refusal(manifest, agreement) == Code.SIGNER_BAD_SIGNATURE


def test_missing_signature(signed_batch: Callable[..., Path], agreement: Agreement) -> None:
    manifest = signed_batch()
    signature_path(manifest).unlink()
    assert _refusal(manifest, agreement) == Code.SIGNER_MISSING_SIGNATURE


def test_missing_or_malformed_manifest(tmp_path: Path, agreement: Agreement) -> None:
    assert _refusal(tmp_path / "none.json", agreement) == Code.SCHEMA_MANIFEST
    bad = tmp_path / "manifest.json"
    bad.write_text("{not json")
    signature_path(bad).write_bytes(b"x")
    assert _refusal(bad, agreement) == Code.SCHEMA_MANIFEST


@pytest.mark.parametrize(
    ("window", "code"),
    [
        ({"valid_from": date(2025, 4, 7), "valid_to": date(2025, 7, 31)}, Code.SIGNER_EXPIRED),
        ({"valid_from": date(2025, 8, 2), "valid_to": None}, Code.SIGNER_NOT_YET_VALID),
        ({"revoked": True, "revoked_on": date(2025, 9, 1)}, Code.SIGNER_REVOKED),
    ],
)
def test_signer_window_and_revocation(
    signed_batch: Callable[..., Path],
    agreement: Agreement,
    keys: Keys,
    window: dict[str, Any],
    code: ReasonCode,
) -> None:
    manifest = signed_batch()
    assert _refusal(manifest, with_signer(agreement, keys.pem, **window)) == code


def test_window_bounds_are_inclusive(
    signed_batch: Callable[..., Path], agreement: Agreement, keys: Keys
) -> None:
    manifest = signed_batch()
    day = NOW.date()
    _verify(manifest, with_signer(agreement, keys.pem, valid_from=day, valid_to=day))


@pytest.mark.parametrize("enrolled", [False, True])
def test_unknown_signer(
    signed_batch: Callable[..., Path], agreement: Agreement, enrolled: bool
) -> None:
    manifest = signed_batch()
    terms = (
        with_signer(agreement, "", name=SIGNER)
        if enrolled
        else agreement.model_copy(
            update={"signers": tuple(s for s in agreement.signers if s.name != SIGNER)}
        )
    )
    assert _refusal(manifest, terms) == Code.SIGNER_UNKNOWN


def test_changed_agreement_version(signed_batch: Callable[..., Path], agreement: Agreement) -> None:
    manifest = signed_batch()
    amended = agreement.model_copy(
        update={"agreement": agreement.agreement.model_copy(update={"version": "2025.09.01-2"})}
    )
    assert _refusal(manifest, amended) == Code.SIGNER_AGREEMENT_VERSION


def test_altered_attestation(tmp_path: Path, keys: Keys, agreement: Agreement) -> None:
    manifest = _hand_signed(
        tmp_path / "b", keys.private, csv_bytes([request_row("R1")]), attestation="For any use."
    )
    assert _refusal(manifest, agreement) == Code.SIGNER_ATTESTATION


def test_replayed_batch_id(signed_batch: Callable[..., Path], agreement: Agreement) -> None:
    manifest = signed_batch(batch_id="ICE-7")
    seen = {"ICE-7"}
    assert _refusal(manifest, agreement, is_replay=seen.__contains__) == Code.SIGNER_REPLAY


def test_file_too_large(signed_batch: Callable[..., Path], agreement: Agreement) -> None:
    manifest = signed_batch()
    small = agreement.model_copy(
        update={"screening": agreement.screening.model_copy(update={"max_request_file_bytes": 50})}
    )
    assert _refusal(manifest, small) == Code.SCHEMA_TOO_LARGE


def test_future_times_are_refused(tmp_path: Path, keys: Keys, agreement: Agreement) -> None:
    request = csv_bytes([request_row("R1")])
    ahead = _hand_signed(tmp_path / "a", keys.private, request, signed_at="2025-08-01T12:06:00Z")
    assert _refusal(ahead, agreement) == Code.SCHEMA_MANIFEST
    skew = _hand_signed(tmp_path / "b", keys.private, request, signed_at="2025-08-01T12:04:00Z")
    _verify(skew, agreement)
    later = _hand_signed(tmp_path / "c", keys.private, request, request_date="2025-08-02")
    assert _refusal(later, agreement) == Code.SCHEMA_MANIFEST


def test_signature_is_checked_before_signer_status(
    tmp_path: Path, agreement: Agreement, keys: Keys
) -> None:
    other, _ = new_keypair(tmp_path / "other", SIGNER)
    manifest = _hand_signed(tmp_path / "b", other, csv_bytes([request_row("R1")]))
    revoked = with_signer(agreement, keys.pem, revoked=True, valid_to=date(2025, 5, 1))
    assert _refusal(manifest, revoked) == Code.SIGNER_BAD_SIGNATURE


def test_no_request_row_is_read(
    tmp_path: Path, keys: Keys, agreement: Agreement, monkeypatch: pytest.MonkeyPatch
) -> None:
    garbage = b"\xff\xfe not, a request\nfile"
    manifest = _hand_signed(tmp_path / "b", keys.private, garbage)

    def forbidden(*args: object, **kwargs: object) -> None:
        raise AssertionError("verify_batch read a request row")

    monkeypatch.setattr(verification, "parse_requests", forbidden)
    batch = _verify(manifest, agreement)
    monkeypatch.undo()
    with pytest.raises(IntakeFileError) as caught:
        read_verified_requests(batch)
    assert caught.value.code == Code.SCHEMA_UNREADABLE


def test_read_verified_requests_checks_count_and_hash_again(
    tmp_path: Path, keys: Keys, agreement: Agreement
) -> None:
    request = csv_bytes([request_row("R1"), request_row("R2")])
    batch = _verify(_hand_signed(tmp_path / "b", keys.private, request, row_count=1), agreement)
    with pytest.raises(IntakeFileError) as caught:
        read_verified_requests(batch)
    assert caught.value.code == Code.SCHEMA_ROW_COUNT
    batch.request_path.write_bytes(request + request_row("R3")["request_id"].encode())
    with pytest.raises(IntakeRefused) as refused:
        read_verified_requests(batch)
    assert refused.value.code == Code.SCHEMA_HASH_MISMATCH


def _openssl(*args: str, stdin: bytes | None = None, cwd: Path | None = None) -> bytes:
    result = subprocess.run(
        ["openssl", *args], input=stdin, capture_output=True, check=False, cwd=cwd
    )
    assert result.returncode == 0, result.stderr.decode()
    return result.stdout


def test_hand_written_manifest_signed_with_openssl_verifies(
    tmp_path: Path, agreement: Agreement
) -> None:
    """The recipe of docs/signing.md, step by step, with the openssl binary only."""
    folder = tmp_path / "batch"
    folder.mkdir()
    params = _openssl("ecparam", "-name", "prime256v1", "-genkey", "-noout")
    (tmp_path / "key.pem").write_bytes(_openssl("pkcs8", "-topk8", "-nocrypt", stdin=params))
    _openssl("pkey", "-in", str(tmp_path / "key.pem"), "-pubout", "-out", str(tmp_path / "pub.pem"))
    terms = with_signer(agreement, (tmp_path / "pub.pem").read_text())

    request = csv_bytes([request_row("R1")])
    (folder / "request.csv").write_bytes(request)
    digest = _openssl("dgst", "-sha256", "-r", str(folder / "request.csv")).split()[0].decode()
    manifest_text = (
        "{\n"
        '  "format": 1,\n'
        '  "batch_id": "ICE-2025-000123",\n'
        '  "request_file": "request.csv",\n'
        f'  "request_sha256": "{digest}",\n'
        '  "row_count": 1,\n'
        '  "requesting_agency": "ICE",\n'
        f'  "signer": "{SIGNER}",\n'
        '  "signed_at": "2025-07-31T14:30:00-04:00",\n'
        '  "request_date": "2025-07-31",\n'
        '  "agreement_id": "irs-ice-2025",\n'
        '  "agreement_version": "2025.04.07-1",\n'
        f'  "attestation": {json.dumps(agreement.attestation.text)}\n'
        "}\n"
    )
    (folder / "manifest.json").write_text(manifest_text, encoding="utf-8")
    _openssl(
        "dgst",
        "-sha256",
        "-sign",
        str(tmp_path / "key.pem"),
        "-out",
        "manifest.json.sig",
        "manifest.json",
        cwd=folder,
    )
    assert b"Verified OK" in _openssl(
        "dgst",
        "-sha256",
        "-verify",
        str(tmp_path / "pub.pem"),
        "-signature",
        "manifest.json.sig",
        "manifest.json",
        cwd=folder,
    )
    batch = _verify(folder / "manifest.json", terms)
    assert batch.manifest.batch_id == "ICE-2025-000123"
    assert read_verified_requests(batch).row_count == 1


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(position=st.integers(min_value=0), flip=st.integers(min_value=1, max_value=255))
def test_any_changed_manifest_byte_is_refused(
    signed_batch: Callable[..., Path], agreement: Agreement, position: int, flip: int
) -> None:
    manifest = signed_batch(batch_id="fixed-id")
    data = bytearray(manifest.read_bytes())
    data[position % len(data)] ^= flip
    manifest.write_bytes(bytes(data))
    code = _refusal(manifest, agreement)
    assert code in {Code.SIGNER_BAD_SIGNATURE, Code.SCHEMA_MANIFEST, Code.SIGNER_UNKNOWN}


def test_signature_older_than_skew_is_not_future(
    signed_batch: Callable[..., Path], agreement: Agreement
) -> None:
    manifest = signed_batch()
    _verify(manifest, agreement, now=NOW - timedelta(minutes=4))
    assert _refusal(manifest, agreement, now=NOW - timedelta(minutes=6)) == Code.SCHEMA_MANIFEST


def test_a_request_file_linked_from_outside_the_batch_folder_is_refused(
    tmp_path: Path, keys: Keys, agreement: Agreement
) -> None:
    request = csv_bytes([request_row("R1")])
    manifest = _hand_signed(tmp_path / "b", keys.private, request)
    outside = tmp_path / "elsewhere.csv"
    outside.write_bytes(request)
    (manifest.parent / "request.csv").unlink()
    (manifest.parent / "request.csv").symlink_to(outside)
    assert _refusal(manifest, agreement) == Code.SCHEMA_HASH_MISMATCH


def test_a_request_file_linked_within_the_batch_folder_verifies(
    tmp_path: Path, keys: Keys, agreement: Agreement
) -> None:
    request = csv_bytes([request_row("R1")])
    manifest = _hand_signed(tmp_path / "b", keys.private, request)
    (manifest.parent / "request.csv").rename(manifest.parent / "v2.csv")
    (manifest.parent / "request.csv").symlink_to(manifest.parent / "v2.csv")
    assert read_verified_requests(_verify(manifest, agreement)).row_count == 1


@pytest.mark.usefixtures("no_hang")
@pytest.mark.parametrize("which", ["request.csv", "manifest.json.sig"])
def test_a_fifo_in_the_batch_is_refused_without_waiting(
    tmp_path: Path, keys: Keys, agreement: Agreement, which: str
) -> None:
    manifest = _hand_signed(tmp_path / "b", keys.private, csv_bytes([request_row("R1")]))
    (manifest.parent / which).unlink()
    os.mkfifo(manifest.parent / which)
    code = _refusal(manifest, agreement)
    assert code in {Code.SCHEMA_HASH_MISMATCH, Code.SIGNER_MISSING_SIGNATURE}


def test_a_file_swapped_for_a_larger_one_after_verification_is_read_bounded(
    tmp_path: Path, keys: Keys, agreement: Agreement
) -> None:
    request = csv_bytes([request_row("R1")])
    small = agreement.model_copy(
        update={
            "screening": agreement.screening.model_copy(
                update={"max_request_file_bytes": len(request) + 10}
            )
        }
    )
    batch = _verify(_hand_signed(tmp_path / "b", keys.private, request), small)
    batch.request_path.write_bytes(request * 50)
    with pytest.raises(IntakeFileError) as caught:
        read_verified_requests(batch)
    assert caught.value.code == Code.SCHEMA_TOO_LARGE


def test_a_value_beyond_the_agreements_field_limit_refuses_the_file(
    tmp_path: Path, keys: Keys, agreement: Agreement
) -> None:
    request = csv_bytes([request_row("R1"), request_row("R2", last_name="D" * 5000)])
    batch = _verify(_hand_signed(tmp_path / "b", keys.private, request, row_count=2), agreement)
    with pytest.raises(IntakeFileError) as caught:
        read_verified_requests(batch)
    assert (caught.value.code, caught.value.row, caught.value.field) == (
        Code.SCHEMA_TOO_LARGE,
        2,
        "last_name",
    )
    assert "4,096" in str(caught.value)
