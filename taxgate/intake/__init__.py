"""Intake: keys, signed batch manifests, verification, and the request file readers.

The pipeline's entry is two calls::

    batch = verify_batch(manifest_path, agreement=terms, is_replay=seen, now=now)
    requests = read_verified_requests(batch)

``verify_batch`` refuses a batch (``IntakeRefused`` with a reason code) before any row is
read; ``read_verified_requests`` refuses a malformed file (``IntakeFileError`` with a code).
"""

from __future__ import annotations

from taxgate.intake.enrolment import add_signer, agreement_summary, revoke_signer
from taxgate.intake.keys import load_private_key, load_public_key, new_keypair, sign, verify
from taxgate.intake.manifest import BatchManifest, read_manifest, signature_path
from taxgate.intake.readers import (
    REQUEST_COLUMNS,
    ROW_COLUMN,
    AddressStyle,
    RequestTable,
    read_requests,
    read_table,
)
from taxgate.intake.signing import sign_batch
from taxgate.intake.tables import IntakeFileError, IntakeSchemaError
from taxgate.intake.verification import VerifiedBatch, read_verified_requests, verify_batch

__all__ = [
    "REQUEST_COLUMNS",
    "ROW_COLUMN",
    "AddressStyle",
    "BatchManifest",
    "IntakeFileError",
    "IntakeSchemaError",
    "RequestTable",
    "VerifiedBatch",
    "add_signer",
    "agreement_summary",
    "load_private_key",
    "load_public_key",
    "new_keypair",
    "read_manifest",
    "read_requests",
    "read_table",
    "read_verified_requests",
    "revoke_signer",
    "sign",
    "sign_batch",
    "signature_path",
    "verify",
    "verify_batch",
]
