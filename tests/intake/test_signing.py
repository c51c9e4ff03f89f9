"""sign_batch: the manifest's fields, the detached signature, and what it refuses."""

from __future__ import annotations

import hashlib
import json
import subprocess
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest

from taxgate.agreement import Agreement
from taxgate.errors import InputError
from taxgate.intake.keys import load_private_key, load_public_key, verify
from taxgate.intake.manifest import read_manifest, signature_path
from taxgate.intake.signing import sign_batch
from taxgate.intake.tables import IntakeFileError
from taxgate.screening.codes import ReasonCode

from .conftest import NOW, SIGNER, Keys, request_row, write_requests


def test_manifest_fields(signed_batch: Callable[..., Path], agreement: Agreement) -> None:
    manifest_path = signed_batch()
    manifest = read_manifest(manifest_path)
    request_file = manifest_path.parent / "requests.csv"
    assert manifest.format == 1
    assert len(manifest.batch_id) == 36
    assert manifest.request_file == "requests.csv"
    assert manifest.request_sha256 == hashlib.sha256(request_file.read_bytes()).hexdigest()
    assert manifest.row_count == 2
    assert manifest.requesting_agency == "ICE"
    assert manifest.signer == SIGNER
    assert manifest.signed_at == NOW
    assert manifest.request_date == NOW.date()
    assert manifest.agreement_id == agreement.agreement.id
    assert manifest.agreement_version == agreement.agreement.version
    assert manifest.attestation == agreement.attestation.text
    assert json.loads(manifest_path.read_text())["signed_at"] == "2025-08-01T12:00:00Z"


def test_options_are_written(signed_batch: Callable[..., Path]) -> None:
    manifest = read_manifest(
        signed_batch(
            batch_id="ICE-2025-0001", request_date=date(2025, 7, 30), requesting_agency="DHS-OIG"
        )
    )
    assert manifest.batch_id == "ICE-2025-0001"
    assert manifest.request_date == date(2025, 7, 30)
    assert manifest.requesting_agency == "DHS-OIG"


def test_signature_is_over_the_exact_manifest_bytes(
    signed_batch: Callable[..., Path], keys: Keys
) -> None:
    manifest_path = signed_batch()
    signature = signature_path(manifest_path).read_bytes()
    public = load_public_key(keys.pem)
    assert verify(public, manifest_path.read_bytes(), signature)
    result = subprocess.run(
        [
            "openssl",
            "dgst",
            "-sha256",
            "-verify",
            str(keys.public),
            "-signature",
            str(signature_path(manifest_path)),
            str(manifest_path),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0 and "Verified OK" in result.stdout


def test_default_agreement_is_the_shipped_one(tmp_path: Path, keys: Keys) -> None:
    requests = write_requests(tmp_path / "requests.jsonl", [request_row("R1")])
    manifest = read_manifest(
        sign_batch(requests, key_path=keys.private, signer=SIGNER, out=tmp_path / "m.json")
    )
    assert manifest.agreement_id == "irs-ice-2025"
    assert manifest.row_count == 1
    assert manifest.signed_at.tzinfo is not None


def test_manifest_must_sit_beside_the_request_file(tmp_path: Path, keys: Keys) -> None:
    requests = write_requests(tmp_path / "in" / "requests.csv", [request_row("R1")])
    with pytest.raises(InputError, match="request file's folder"):
        sign_batch(requests, key_path=keys.private, signer=SIGNER, out=tmp_path / "m.json")
    assert not (tmp_path / "m.json").exists()


def test_a_malformed_request_file_is_not_signed(tmp_path: Path, keys: Keys) -> None:
    requests = write_requests(tmp_path / "requests.csv", [request_row("R1"), request_row("R1")])
    with pytest.raises(IntakeFileError) as caught:
        sign_batch(requests, key_path=keys.private, signer=SIGNER, out=tmp_path / "m.json")
    assert caught.value.code == ReasonCode.SCHEMA_DUPLICATE_ID
    assert not (tmp_path / "m.json").exists()


@pytest.mark.parametrize(("option", "value"), [("signer", "bad name"), ("batch_id", "../x")])
def test_invalid_values_are_refused(tmp_path: Path, keys: Keys, option: str, value: str) -> None:
    requests = write_requests(tmp_path / "requests.csv", [request_row("R1")])
    options = {"signer": SIGNER, option: value}
    with pytest.raises(InputError, match="cannot write the manifest"):
        sign_batch(requests, key_path=keys.private, out=tmp_path / "m.json", **options)


def test_unknown_columns_are_logged_as_warnings(
    tmp_path: Path, keys: Keys, caplog: pytest.LogCaptureFixture
) -> None:
    requests = write_requests(tmp_path / "requests.csv", [request_row("R1", badge="7")])
    sign_batch(requests, key_path=keys.private, signer=SIGNER, out=tmp_path / "m.json")
    assert "unknown column 'badge'" in caplog.text


def test_key_must_be_a_private_key(tmp_path: Path, keys: Keys) -> None:
    requests = write_requests(tmp_path / "requests.csv", [request_row("R1")])
    with pytest.raises(InputError, match="not a PEM private key"):
        sign_batch(requests, key_path=keys.public, signer=SIGNER, out=tmp_path / "m.json")
    assert load_private_key(keys.private)


def test_unwritable_manifest_is_an_input_error(tmp_path: Path, keys: Keys) -> None:
    requests = write_requests(tmp_path / "requests.csv", [request_row("R1")])
    (tmp_path / "m.json").mkdir()
    with pytest.raises(InputError, match="cannot write the manifest"):
        sign_batch(requests, key_path=keys.private, signer=SIGNER, out=tmp_path / "m.json")
