"""Is a signer's authority good for a batch *received now*? (docs/signing.md, checks 6 and 7)

A signer's validity is judged at receipt, never on the ``signed_at`` the manifest claims: a
signer whose authority ended yesterday can still write yesterday's date. So the signer must
be valid on the day of receipt, ``signed_at`` must lie within the agreement's bound before
receipt (``signing.max_signature_age_days``), and ``request_date`` within its bound before
``signed_at`` (``signing.max_request_age_days``).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from taxgate.agreement import Signer, SigningTerms
from taxgate.errors import IntakeRefused
from taxgate.intake.manifest import BatchManifest
from taxgate.screening.codes import ReasonCode

REQUEST_AFTER_SIGNING = timedelta(days=1)
"""How far ``request_date`` may lie after the day of ``signed_at`` (time zones differ)."""


def check_signer_at_receipt(
    signer: Signer, manifest: BatchManifest, *, received: datetime, terms: SigningTerms
) -> None:
    """Refuse a batch whose signer was not authorised when it arrived, or whose dates lie
    further apart than the agreement allows.

    Raises:
        IntakeRefused: ``SIGNER_REVOKED``, ``SIGNER_NOT_YET_VALID``, ``SIGNER_EXPIRED`` or
            ``SCHEMA_MANIFEST``.
    """
    if signer.revoked:
        # A revoked key may have been compromised, and signed_at is whatever its holder
        # wrote, so a revocation refuses every batch, whatever date it claims.
        raise IntakeRefused(
            ReasonCode.SIGNER_REVOKED,
            f"signer {signer.name!r} was revoked"
            + (f" on {signer.revoked_on}" if signer.revoked_on else ""),
            hint="a currently authorised official must sign the batch",
        )
    receipt, signed_on = received.date(), manifest.signed_at.date()
    if signed_on < signer.valid_from or receipt < signer.valid_from:
        raise IntakeRefused(
            ReasonCode.SIGNER_NOT_YET_VALID,
            f"signed on {signed_on} and received on {receipt}; signer {signer.name!r} is "
            f"valid from {signer.valid_from}",
            hint="sign again once the signer's authority has begun",
        )
    if signer.valid_to is not None and receipt > signer.valid_to:
        raise IntakeRefused(
            ReasonCode.SIGNER_EXPIRED,
            f"received on {receipt}, after signer {signer.name!r} expired "
            f"(valid to {signer.valid_to}); validity is judged at receipt",
            hint="a currently authorised official must sign the batch",
        )
    age = received - manifest.signed_at
    if age > timedelta(days=terms.max_signature_age_days):
        raise IntakeRefused(
            ReasonCode.SIGNER_EXPIRED,
            f"signed_at {manifest.signed_at.isoformat()} is {age.days} days before receipt; "
            f"the agreement accepts signatures at most {terms.max_signature_age_days} days old",
            hint="the signer must sign the batch again and send it promptly",
        )
    _check_request_date(manifest, terms)


def _check_request_date(manifest: BatchManifest, terms: SigningTerms) -> None:
    signed_on = manifest.signed_at.date()
    if manifest.request_date > signed_on + REQUEST_AFTER_SIGNING:
        raise IntakeRefused(
            ReasonCode.SCHEMA_MANIFEST,
            f"request_date {manifest.request_date} is after the batch was signed ({signed_on})",
            hint="the request date is the day the requests are made, on or before signing",
        )
    gap = (signed_on - manifest.request_date).days
    if gap > terms.max_request_age_days:
        raise IntakeRefused(
            ReasonCode.SCHEMA_MANIFEST,
            f"request_date {manifest.request_date} is {gap} days before signed_at; the "
            f"agreement allows at most {terms.max_request_age_days}",
            hint="sign the requests when they are made, or make them again",
        )
