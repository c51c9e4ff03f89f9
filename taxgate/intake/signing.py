"""Sign a request batch: write the manifest and its detached signature.

The requesting agency's official signs the *manifest*, and the manifest binds the request file
by its SHA-256. That is the written, signed request §6103(i)(2)(A) asks for, and it can be
produced with OpenSSL alone (``docs/signing.md``).
"""

from __future__ import annotations

import hashlib
import logging
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from taxgate.agreement import Agreement, default_agreement_path, load_agreement
from taxgate.errors import InputError
from taxgate.intake.formats import read_file_bytes
from taxgate.intake.keys import load_private_key, sign
from taxgate.intake.manifest import (
    MANIFEST_FORMAT,
    BatchManifest,
    manifest_bytes,
    new_batch_id,
    signature_path,
)
from taxgate.intake.readers import parse_requests
from taxgate.workspace import atomic_write_bytes

logger = logging.getLogger(__name__)


def sign_batch(
    requests_path: Path,
    *,
    key_path: Path,
    signer: str,
    out: Path,
    request_date: date | None = None,
    agreement: Agreement | None = None,
    batch_id: str | None = None,
    requesting_agency: str | None = None,
    now: datetime | None = None,
) -> Path:
    """Write a signed manifest for ``requests_path`` as ``out`` and ``out.sig``.

    The request file is read with the same reader intake uses, so a file that intake would
    refuse is refused here, before anything is signed.

    Args:
        requests_path: The request file (``.csv``, ``.parquet`` or ``.jsonl``).
        key_path: The signer's private key (PKCS#8 PEM, P-256).
        signer: The signer's name as enrolled in the agreement.
        out: Where to write the manifest; it must be in the request file's folder.
        request_date: The day the requests are made (the pipeline's as-of date);
            defaults to the signing day (UTC).
        agreement: The agreement the batch is made under; defaults to the shipped one.
        batch_id: The batch id; defaults to a new UUID4.
        requesting_agency: Defaults to the agreement's requesting agency.
        now: The signing moment (timezone-aware; naive means UTC); defaults to the clock.

    Returns:
        The manifest path (the signature is ``signature_path(out)``).

    Raises:
        InputError: The request file or key is unreadable or malformed, the manifest would
            not sit next to the request file, or a field value is invalid.
    """
    if out.parent.resolve() != requests_path.parent.resolve():
        raise InputError(
            "the manifest must be written in the request file's folder",
            path=out,
            hint=f"use --out {requests_path.parent / out.name}; the manifest, its signature "
            "and the request file travel together",
        )
    terms = agreement or load_agreement(default_agreement_path())
    private_key = load_private_key(key_path)
    request_bytes, row_count = _read_requests(requests_path, terms)
    signed_at = _utc(now or datetime.now(UTC)).replace(microsecond=0)
    fields = {
        "format": MANIFEST_FORMAT,
        "batch_id": batch_id or new_batch_id(),
        "request_file": requests_path.name,
        "request_sha256": hashlib.sha256(request_bytes).hexdigest(),
        "row_count": row_count,
        "requesting_agency": requesting_agency or terms.agreement.requesting_agency,
        "signer": signer,
        "signed_at": signed_at,
        "request_date": request_date or signed_at.date(),
        "agreement_id": terms.agreement.id,
        "agreement_version": terms.agreement.version,
        "attestation": terms.attestation.text,
    }
    manifest = _manifest(fields, out)
    data = manifest_bytes(manifest)
    try:
        atomic_write_bytes(out, data)
        atomic_write_bytes(signature_path(out), sign(private_key, data))
    except OSError as e:
        raise InputError(f"cannot write the manifest: {e.strerror or e}", path=out) from e
    return out


def _read_requests(requests_path: Path, terms: Agreement) -> tuple[bytes, int]:
    """The request file's bytes and row count, read as intake reads it (same limits)."""
    # Hash and count the same bytes, so the manifest describes one file, not two.
    request_bytes = read_file_bytes(requests_path, limit=terms.screening.max_request_file_bytes)
    requests = parse_requests(
        request_bytes,
        source=requests_path,
        max_field_chars=terms.screening.max_field_chars,
        max_row_chars=terms.screening.max_row_chars,
        max_json_depth=terms.screening.max_json_depth,
    )
    for warning in requests.warnings:
        logger.warning("%s: %s", requests_path, warning)
    return request_bytes, requests.row_count


def _manifest(fields: dict[str, Any], out: Path) -> BatchManifest:
    """The manifest of ``fields``; a field the schema refuses is named."""
    try:
        return BatchManifest(**fields)
    except ValidationError as e:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in err['loc'])}: {err['msg']}" for err in e.errors()
        )
        raise InputError(f"cannot write the manifest: {problems}", path=out) from e


def _utc(moment: datetime) -> datetime:
    if moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)
