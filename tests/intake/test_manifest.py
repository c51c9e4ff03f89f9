"""The manifest model: exact fields, strict types, refusals as SCHEMA_MANIFEST."""

from __future__ import annotations

import json
import os
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from taxgate.errors import IntakeRefused, TaxgateError
from taxgate.intake.manifest import (
    MAX_MANIFEST_BYTES,
    BatchManifest,
    manifest_bytes,
    new_batch_id,
    parse_manifest,
    read_manifest,
    signature_path,
)
from taxgate.screening.codes import ReasonCode

FIELDS = {
    "format": 1,
    "batch_id": "b-1",
    "request_file": "requests.csv",
    "request_sha256": "ab" * 32,
    "row_count": 2,
    "requesting_agency": "ICE",
    "signer": "ice-director",
    "signed_at": "2025-08-01T12:00:00Z",
    "request_date": "2025-08-01",
    "agreement_id": "irs-ice-2025",
    "agreement_version": "2025.04.07-1",
    "attestation": "The information disclosed will be used solely by officers ...",
}


def _json(**changes: Any) -> bytes:
    data = {**FIELDS, **changes}
    return json.dumps({k: v for k, v in data.items() if v is not ...}).encode()


def _refused(data: bytes) -> IntakeRefused:
    with pytest.raises(IntakeRefused) as caught:
        parse_manifest(data)
    assert caught.value.code == ReasonCode.SCHEMA_MANIFEST
    return caught.value


def test_round_trip_and_field_order() -> None:
    manifest = parse_manifest(_json())
    assert manifest.signed_at == datetime(2025, 8, 1, 12, tzinfo=UTC)
    assert manifest.request_date == date(2025, 8, 1)
    text = manifest_bytes(manifest).decode()
    assert list(json.loads(text)) == list(FIELDS)
    assert json.loads(text)["signed_at"] == "2025-08-01T12:00:00Z"
    assert parse_manifest(manifest_bytes(manifest)) == manifest


def test_signed_at_is_normalised_to_utc() -> None:
    manifest = parse_manifest(_json(signed_at="2025-08-01T08:00:00-04:00"))
    assert manifest.signed_at == datetime(2025, 8, 1, 12, tzinfo=UTC)
    assert manifest.signed_at.utcoffset() == timedelta(0)
    assert manifest.signed_at.tzinfo is not timezone(timedelta(hours=-4))


def test_hash_may_be_upper_case_hex() -> None:
    assert parse_manifest(_json(request_sha256="AB" * 32)).request_sha256 == "ab" * 32


@pytest.mark.parametrize(
    ("changes", "problem"),
    [
        ({"format": 2}, "format"),
        ({"format": True}, "format"),
        ({"row_count": "2"}, "row_count"),
        ({"row_count": -1}, "row_count"),
        ({"signed_at": "2025-08-01T12:00:00"}, "signed_at"),
        ({"signed_at": 1754049600}, "signed_at"),
        ({"request_date": "08/01/2025"}, "request_date"),
        ({"request_file": "../etc/passwd"}, "request_file"),
        ({"request_file": "sub/requests.csv"}, "request_file"),
        ({"request_file": ".."}, "request_file"),
        ({"request_sha256": "xyz"}, "request_sha256"),
        ({"batch_id": "has space"}, "batch_id"),
        ({"signer": ""}, "signer"),
        ({"attestation": ...}, "attestation"),
        ({"extra": "field"}, "extra"),
    ],
)
def test_malformed_fields_are_refused(changes: dict[str, Any], problem: str) -> None:
    assert problem in _refused(_json(**changes)).message


@pytest.mark.parametrize(
    "data",
    [
        b"",
        b"not json",
        b"[1, 2]",
        b'{"format": 1, "format": 1}',
        '{"batch_id": "\xe9"}'.encode("latin-1"),
    ],
)
def test_unparseable_manifests_are_refused(data: bytes) -> None:
    _refused(data)


def test_duplicate_keys_are_refused_even_when_equal() -> None:
    text = _json().decode().replace('"format": 1,', '"format": 1, "format": 1,')
    assert "repeated keys" in _refused(text.encode()).message


def test_a_utf8_bom_is_tolerated() -> None:
    assert parse_manifest(b"\xef\xbb\xbf" + _json()).batch_id == "b-1"


def test_read_manifest_refuses_missing_and_oversized(tmp_path: Path) -> None:
    with pytest.raises(IntakeRefused, match="cannot read manifest") as caught:
        read_manifest(tmp_path / "none.json")
    assert caught.value.code == ReasonCode.SCHEMA_MANIFEST
    big = tmp_path / "big.json"
    big.write_bytes(b" " * (MAX_MANIFEST_BYTES + 1))
    with pytest.raises(IntakeRefused, match="larger than"):
        read_manifest(big)


def test_helpers() -> None:
    assert signature_path(Path("/x/manifest.json")) == Path("/x/manifest.json.sig")
    batch_id = new_batch_id()
    assert len(batch_id) == 36 and batch_id[14] == "4"
    assert new_batch_id() != batch_id
    assert BatchManifest.model_fields.keys() == FIELDS.keys()


@given(st.binary(max_size=400))
def test_arbitrary_bytes_only_raise_intake_refused(data: bytes) -> None:
    try:
        parse_manifest(data)
    except TaxgateError as e:
        assert isinstance(e, IntakeRefused)


@given(
    st.dictionaries(st.sampled_from(list(FIELDS)), st.none() | st.integers() | st.text(max_size=20))
)
def test_arbitrary_json_objects_only_raise_intake_refused(changes: dict[str, Any]) -> None:
    try:
        parse_manifest(_json(**changes))
    except IntakeRefused as e:
        assert e.code == ReasonCode.SCHEMA_MANIFEST


@pytest.mark.parametrize(
    "data",
    [
        b"[" * 400_000,
        b'{"format": ' + b"[" * 100_000 + b"]" * 100_000 + b"}",
        _json(batch_id=...)[:-1] + b', "x": ' + b'{"a": ' * 5000 + b"1" + b"}" * 5001,
    ],
    ids=["400kb-of-brackets", "balanced-deep", "deep-extra-field"],
)
def test_deeply_nested_manifests_are_refused_before_parsing(data: bytes) -> None:
    assert "levels deep" in _refused(data).message


@pytest.mark.usefixtures("no_hang")
def test_a_fifo_manifest_is_refused_without_waiting(tmp_path: Path) -> None:
    fifo = tmp_path / "manifest.json"
    os.mkfifo(fifo)
    with pytest.raises(IntakeRefused, match="FIFO") as caught:
        read_manifest(fifo)
    assert caught.value.code == ReasonCode.SCHEMA_MANIFEST


def test_the_manifest_depth_limit_is_the_callers() -> None:
    # Issue 16, deliver 7: verification passes the agreement's screening.max_json_depth.
    data = _json(batch_id=...)[:-1] + b', "x": [[1]]}'
    with pytest.raises(IntakeRefused) as caught:
        parse_manifest(data, max_depth=2)
    assert "more than 2 levels deep" in caught.value.message
    assert "levels deep" not in _refused(data).message  # the default allows it: unknown field
