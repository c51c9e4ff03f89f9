"""Signer validity is judged at receipt, with bounds on the signature's and request's age
(issue 16, item 5; docs/signing.md checks 6 and 7)."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest

from taxgate.agreement import Agreement, SigningTerms
from taxgate.errors import IntakeRefused
from taxgate.intake.verification import verify_batch
from taxgate.screening.codes import ReasonCode

from .conftest import NOW, Keys, csv_bytes, request_row, with_signer
from .test_verification import _hand_signed


def _refused(manifest: Path, agreement: Agreement, **kw: Any) -> IntakeRefused:
    with pytest.raises(IntakeRefused) as caught:
        verify_batch(manifest, agreement=agreement, is_replay=lambda _: False, **kw)
    return caught.value


def _signed_on_the_last_day(
    tmp_path: Path, keys: Keys, agreement: Agreement
) -> tuple[Agreement, Path]:
    """A signer valid until 2026-01-01, and a batch signed on 2025-12-31."""
    terms = with_signer(agreement, keys.pem, valid_from=date(2025, 4, 7), valid_to=date(2026, 1, 1))
    manifest = _hand_signed(
        tmp_path,
        keys.private,
        csv_bytes([request_row("R1")]),
        signed_at="2025-12-31T12:00:00Z",
        request_date="2025-12-31",
    )
    return terms, manifest


def test_an_expired_signer_cannot_back_date_a_batch(
    tmp_path: Path, keys: Keys, agreement: Agreement
) -> None:
    """The finding: a signer who expired on 2026-01-01 signed on 2026-03-01 with signed_at
    2025-12-31, and the batch was answered."""
    terms, manifest = _signed_on_the_last_day(tmp_path, keys, agreement)
    received = NOW.replace(year=2026, month=3, day=1)
    refusal = _refused(manifest, terms, now=received)
    assert refusal.code == ReasonCode.SIGNER_EXPIRED
    assert "received on 2026-03-01" in refusal.message and "at receipt" in refusal.message


def test_the_same_batch_received_in_the_window_verifies(
    tmp_path: Path, keys: Keys, agreement: Agreement
) -> None:
    terms, manifest = _signed_on_the_last_day(tmp_path, keys, agreement)
    received = NOW.replace(year=2026, month=1, day=1, hour=9)
    batch = verify_batch(manifest, agreement=terms, is_replay=lambda _: False, now=received)
    assert batch.manifest.signer == "ice-director"


@pytest.mark.parametrize("days", [0, 6, 7, 8, 60])
def test_a_signature_older_than_the_bound_is_refused(
    tmp_path: Path, keys: Keys, agreement: Agreement, days: int
) -> None:
    terms = with_signer(agreement, keys.pem, valid_from=date(2025, 4, 7))
    manifest = _hand_signed(tmp_path, keys.private, csv_bytes([request_row("R1")]))
    signed = NOW.replace(year=2025, month=7, day=31, hour=18, minute=30)
    received = signed + timedelta(days=days)
    bound = terms.signing.max_signature_age_days
    if days <= bound:
        verify_batch(manifest, agreement=terms, is_replay=lambda _: False, now=received)
    else:
        assert _refused(manifest, terms, now=received).code == ReasonCode.SIGNER_EXPIRED


def test_the_bounds_are_the_agreements(tmp_path: Path, keys: Keys, agreement: Agreement) -> None:
    strict = with_signer(agreement, keys.pem, valid_from=date(2025, 4, 7)).model_copy(
        update={"signing": SigningTerms(max_signature_age_days=0, max_request_age_days=3)}
    )
    late = _hand_signed(tmp_path / "a", keys.private, csv_bytes([request_row("R1")]))
    assert _refused(late, strict, now=NOW).code == ReasonCode.SIGNER_EXPIRED  # 17.5 h old
    old_request = _hand_signed(
        tmp_path / "b",
        keys.private,
        csv_bytes([request_row("R1")]),
        signed_at="2025-08-01T11:00:00Z",
        request_date="2025-07-27",
    )
    narrow = strict.model_copy(update={"signing": SigningTerms(max_request_age_days=3)})
    refusal = _refused(old_request, narrow, now=NOW)
    assert (
        refusal.code == ReasonCode.SCHEMA_MANIFEST and "5 days before signed_at" in refusal.message
    )


def test_a_request_date_after_signing_is_refused(
    tmp_path: Path, keys: Keys, agreement: Agreement
) -> None:
    terms = with_signer(agreement, keys.pem, valid_from=date(2025, 4, 7))
    manifest = _hand_signed(
        tmp_path,
        keys.private,
        csv_bytes([request_row("R1")]),
        signed_at="2025-07-29T12:00:00Z",
        request_date="2025-08-01",
    )
    refusal = _refused(manifest, terms, now=NOW)
    assert refusal.code == ReasonCode.SCHEMA_MANIFEST and "after the batch was signed" in str(
        refusal
    )


def test_defaults_are_safe_and_the_shipped_agreement_states_them(agreement: Agreement) -> None:
    assert agreement.signing.max_signature_age_days == SigningTerms().max_signature_age_days
    assert 0 < SigningTerms().max_signature_age_days <= 7
