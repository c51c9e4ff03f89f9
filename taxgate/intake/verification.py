"""Verify a signed batch before any request row is read.

Each check refuses the whole batch with its own reason code (domain brief §3, "Signer /
schema"). The order is fixed and documented in ``docs/signing.md``:

1. the manifest is a regular file and can be read ........ ``SCHEMA_MANIFEST``
2. the signature file ``MANIFEST.sig`` exists ............. ``SIGNER_MISSING_SIGNATURE``
3. the manifest is well-formed JSON with every field ...... ``SCHEMA_MANIFEST``
   (nested at most 64 levels, measured before parsing)
4. the named signer is in the agreement with a key ........ ``SIGNER_UNKNOWN``
5. the signature verifies over the manifest's exact bytes . ``SIGNER_BAD_SIGNATURE``
6. the signer is not revoked ............................. ``SIGNER_REVOKED``
7. the signer is valid at receipt (and on ``signed_at``) .. ``SIGNER_NOT_YET_VALID`` /
   and ``signed_at`` is within the agreement's bound ...... ``SIGNER_EXPIRED``
   before receipt; ``request_date`` is within its bound
   before ``signed_at`` .................................. ``SCHEMA_MANIFEST``
8. ``signed_at`` and ``request_date`` are not in the future ``SCHEMA_MANIFEST``
9. the agreement id and version are the workspace's ....... ``SIGNER_AGREEMENT_VERSION``
10. the attestation is the agreement's, verbatim .......... ``SIGNER_ATTESTATION``
11. the batch id was never received before ................ ``SIGNER_REPLAY``
12. the request file is a regular file in the batch folder ``SCHEMA_HASH_MISMATCH``
    (a link out of the folder, a FIFO or a device is refused unread)
13. the request file is within the size limit ............ ``SCHEMA_TOO_LARGE``
    (reading stops one byte past it, even if the file grows)
14. the request file's SHA-256 is the signed one .......... ``SCHEMA_HASH_MISMATCH``

Before step 5 only the ``signer`` field is used, to pick the key; no other field is trusted
until the signature holds.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from taxgate.agreement import Agreement
from taxgate.errors import IntakeRefused
from taxgate.files import (
    FileTooLargeError,
    NotRegularFileError,
    OutsideFolderError,
    hash_regular,
    read_regular,
)
from taxgate.intake.as_of import as_of_problem
from taxgate.intake.formats import read_file_bytes
from taxgate.intake.keys import fingerprint, load_public_key, verify
from taxgate.intake.manifest import (
    BatchManifest,
    parse_manifest,
    read_manifest_bytes,
    signature_path,
)
from taxgate.intake.readers import RequestTable, parse_requests
from taxgate.intake.signer_window import check_signer_at_receipt
from taxgate.screening.codes import ReasonCode

CLOCK_SKEW = timedelta(minutes=5)
"""How far ``signed_at`` may lie ahead of the verifier's clock."""

_MAX_SIGNATURE_BYTES = 4096


@dataclass(frozen=True)
class VerifiedBatch:
    """A batch whose manifest, signer, agreement terms and request file all checked out.

    Attributes:
        manifest: The signed manifest.
        request_path: The request file beside the manifest.
        manifest_sha256: SHA-256 of the manifest's bytes (for the ledger).
        signer_key: Fingerprint of the public key that verified the signature.
        max_file_bytes: The agreement's limit on the request file's size.
        max_field_chars: The agreement's limit on one request value.
        max_row_chars: The agreement's limit on one request row.
        max_json_depth: The agreement's limit on the nesting of a JSON Lines line.
    """

    manifest: BatchManifest
    request_path: Path
    manifest_sha256: str
    signer_key: str
    max_file_bytes: int
    max_field_chars: int
    max_row_chars: int
    max_json_depth: int


@dataclass(frozen=True)
class SignedManifest:
    """A manifest whose signature verified against a signer valid at receipt: from here on
    its claims (batch id, requester, row count) are the signer's word.

    Attributes:
        manifest: The parsed manifest.
        path: Where it was read.
        sha256: SHA-256 of its bytes.
        signer_key: Fingerprint of the key that verified the signature.
    """

    manifest: BatchManifest
    path: Path
    sha256: str
    signer_key: str


def verify_batch(
    manifest_path: Path,
    *,
    agreement: Agreement,
    is_replay: Callable[[str], bool],
    now: datetime,
) -> VerifiedBatch:
    """Check a signed batch; refuse it, with a reason code, at the first failed check.

    Args:
        manifest_path: The manifest; ``MANIFEST.sig`` and the request file sit beside it.
        agreement: The workspace's agreement (signers, version, attestation, size limit).
        is_replay: Whether a batch id was already received (from the store's batches).
        now: The verifier's clock, the time of receipt (timezone-aware; naive means UTC).

    Returns:
        The verified batch. No request row has been read.

    Raises:
        IntakeRefused: With the code of the first failed check (see the module docstring).
    """
    signed = verify_signature(manifest_path, agreement=agreement, now=now)
    return verify_signed_batch(signed, agreement=agreement, is_replay=is_replay, now=now)


def verify_signature(manifest_path: Path, *, agreement: Agreement, now: datetime) -> SignedManifest:
    """Checks 1 to 8: the manifest is signed by a signer the agreement authorises at receipt
    (``now``), within the agreement's bounds on the signature's and the request's age.

    Raises:
        IntakeRefused: With the code of the first failed check.
    """
    now = _utc(now)
    data = read_manifest_bytes(manifest_path)
    signature = _read_signature(signature_path(manifest_path))
    manifest = parse_manifest(
        data, source=f"manifest {manifest_path}", max_depth=agreement.screening.max_json_depth
    )

    signer = agreement.signer(manifest.signer)
    if signer is None or not signer.public_key:
        state = "is not in" if signer is None else "has no public key enrolled in"
        raise IntakeRefused(
            ReasonCode.SIGNER_UNKNOWN,
            f"signer {manifest.signer!r} {state} agreement {agreement.agreement.id}",
            hint="enrol the signer with `taxgate agreement add-signer WS --name NAME "
            "--public-key NAME.pub.pem`",
        )
    public_key = load_public_key(signer.public_key, source=f"the key of signer {signer.name!r}")
    if not verify(public_key, data, signature):
        raise IntakeRefused(
            ReasonCode.SIGNER_BAD_SIGNATURE,
            f"the signature does not verify for signer {signer.name!r} over {manifest_path.name}",
            hint="the manifest changed after signing or was signed with another key; "
            "sign the exact manifest bytes again (docs/signing.md)",
        )
    check_signer_at_receipt(signer, manifest, received=now, terms=agreement.signing)
    _check_times(manifest, now)
    return SignedManifest(
        manifest, manifest_path, hashlib.sha256(data).hexdigest(), fingerprint(public_key)
    )


def verify_signed_batch(
    signed: SignedManifest, *, agreement: Agreement, is_replay: Callable[[str], bool], now: datetime
) -> VerifiedBatch:
    """Checks 9 to 14 on a manifest whose signature verified (``verify_signature``).

    Raises:
        IntakeRefused: With the code of the first failed check.
    """
    manifest = signed.manifest
    _check_terms(manifest, agreement)
    if is_replay(manifest.batch_id):
        raise IntakeRefused(
            ReasonCode.SIGNER_REPLAY,
            f"batch id {manifest.batch_id!r} was already received",
            hint="every batch needs a new batch id; sign it again without --batch-id",
        )
    request_path = signed.path.parent / manifest.request_file
    _check_request_file(request_path, manifest, agreement.screening.max_request_file_bytes)
    return VerifiedBatch(
        manifest=manifest,
        request_path=request_path,
        manifest_sha256=signed.sha256,
        signer_key=signed.signer_key,
        max_file_bytes=agreement.screening.max_request_file_bytes,
        max_field_chars=agreement.screening.max_field_chars,
        max_row_chars=agreement.screening.max_row_chars,
        max_json_depth=agreement.screening.max_json_depth,
    )


def _utc(moment: datetime) -> datetime:
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def read_verified_requests(batch: VerifiedBatch) -> RequestTable:
    """Read a verified batch's requests from the very bytes whose hash is checked again.

    The file is read once into memory, never past the agreement's size limit; those bytes
    are hashed and parsed, so a file swapped after verification can never be read as the
    signed one.

    Raises:
        IntakeRefused: ``SCHEMA_HASH_MISMATCH`` if the file changed since verification.
        IntakeFileError: The file is malformed, too large, has a value longer than the
            agreement allows, or its row count is not the manifest's.
    """
    path = batch.request_path
    data = read_file_bytes(path, limit=batch.max_file_bytes, within=path.parent)
    if hashlib.sha256(data).hexdigest() != batch.manifest.request_sha256:
        raise _hash_mismatch(path, "changed after the batch was verified")
    return parse_requests(
        data,
        source=path,
        expected_rows=batch.manifest.row_count,
        max_field_chars=batch.max_field_chars,
        max_row_chars=batch.max_row_chars,
        max_json_depth=batch.max_json_depth,
    )


def _read_signature(path: Path) -> bytes:
    try:
        return read_regular(path, limit=_MAX_SIGNATURE_BYTES)
    except FileTooLargeError as e:
        raise IntakeRefused(
            ReasonCode.SIGNER_BAD_SIGNATURE,
            f"{path.name} is larger than any signature ({_MAX_SIGNATURE_BYTES} bytes)",
            hint="the .sig file holds the DER signature alone (docs/signing.md)",
        ) from e
    except FileNotFoundError as e:
        raise IntakeRefused(
            ReasonCode.SIGNER_MISSING_SIGNATURE,
            f"no signature file {path.name} beside the manifest",
            hint="sign the manifest: openssl dgst -sha256 -sign KEY.pem "
            f"-out {path.name} {path.name.removesuffix('.sig')}",
        ) from e
    except OSError as e:
        raise IntakeRefused(
            ReasonCode.SIGNER_MISSING_SIGNATURE,
            f"cannot read the signature file {path}: it {e.strerror}"
            if isinstance(e, NotRegularFileError)
            else f"cannot read the signature file {path}: {e.strerror}",
            hint=f"{path.name} is the DER signature file beside the manifest; let taxgate "
            "read it (docs/signing.md)",
        ) from e


def _check_times(manifest: BatchManifest, now: datetime) -> None:
    # The request date is the as-of date of every removal-order and LKA check (as_of.py).
    if manifest.signed_at > now + CLOCK_SKEW:
        raise IntakeRefused(
            ReasonCode.SCHEMA_MANIFEST,
            f"signed_at {manifest.signed_at.isoformat()} is in the future",
            hint="check the signing machine's clock and sign again",
        )
    problem = as_of_problem(manifest.request_date, today=now.date())
    if problem is not None:
        raise IntakeRefused(
            ReasonCode.SCHEMA_MANIFEST,
            f"request_date {problem}",
            hint="the request date is the day the requests are made; sign again",
        )


def _check_terms(manifest: BatchManifest, agreement: Agreement) -> None:
    meta = agreement.agreement
    if (manifest.agreement_id, manifest.agreement_version) != (meta.id, meta.version):
        raise IntakeRefused(
            ReasonCode.SIGNER_AGREEMENT_VERSION,
            f"signed under agreement {manifest.agreement_id} version "
            f"{manifest.agreement_version}; this workspace holds {meta.id} version {meta.version}",
            hint="sign again under the current agreement (`taxgate agreement show WS`)",
        )
    if manifest.attestation != agreement.attestation.text:
        raise IntakeRefused(
            ReasonCode.SIGNER_ATTESTATION,
            "the attestation is not the agreement's text, verbatim",
            hint="copy the attestation exactly from `taxgate agreement show WS` and sign again",
        )


def _check_request_file(path: Path, manifest: BatchManifest, max_bytes: int) -> None:
    """Hash the request file beside the manifest, reading at most ``max_bytes`` of it.

    A symbolic link out of the batch folder, a FIFO or any other special file is refused
    (checked on the opened file), and the read stops at the limit even if the file grows.
    """
    try:
        digest, _ = hash_regular(path, limit=max_bytes, within=path.parent)
    except FileTooLargeError as e:
        raise IntakeRefused(
            ReasonCode.SCHEMA_TOO_LARGE,
            f"request file {path.name} {e.strerror}, the agreement's limit",
            hint="split the requests into several batches",
        ) from e
    except (NotRegularFileError, OutsideFolderError) as e:
        raise _hash_mismatch(path, str(e.strerror)) from e
    except OSError as e:
        raise _hash_mismatch(path, f"is missing or unreadable ({e.strerror})") from e
    if digest != manifest.request_sha256:
        raise _hash_mismatch(path, "is not the file the manifest signs (SHA-256 differs)")


def _hash_mismatch(path: Path, problem: str) -> IntakeRefused:
    return IntakeRefused(
        ReasonCode.SCHEMA_HASH_MISMATCH,
        f"request file {path.name} {problem}",
        hint="keep the manifest, its signature and the request file together, unchanged, "
        "in one folder",
    )
