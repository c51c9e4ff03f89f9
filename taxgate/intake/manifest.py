"""The batch manifest: the signed, written request of §6103(i)(2)(A).

A manifest is a small JSON file that travels in one folder with its request file and its
detached signature ``MANIFEST.sig`` (``docs/signing.md``). It binds the exact request file
(by SHA-256 and row count) to a signer, a moment, the agreement version and the attestation.

Example:
    >>> from datetime import date, datetime, UTC
    >>> m = BatchManifest(
    ...     format=1, batch_id="b-1", request_file="requests.csv", request_sha256="0" * 64,
    ...     row_count=2, requesting_agency="ICE", signer="ice-director",
    ...     signed_at=datetime(2025, 8, 1, 12, tzinfo=UTC), request_date=date(2025, 8, 1),
    ...     agreement_id="irs-ice-2025", agreement_version="1",
    ...     attestation="solely by officers personally and directly engaged")
    >>> parse_manifest(manifest_bytes(m)) == m
    True
"""

from __future__ import annotations

import json
import uuid
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, ValidationError, field_validator

from taxgate.errors import IntakeRefused
from taxgate.files import FileTooLargeError, NotRegularFileError, read_regular
from taxgate.intake.json_depth import MAX_JSON_DEPTH, too_deep_line
from taxgate.intake.keys import KEY_NAME_PATTERN
from taxgate.screening.codes import ReasonCode

MANIFEST_FORMAT = 1
MAX_MANIFEST_BYTES = 1 << 20
"""A manifest is a few hundred bytes; anything beyond this is refused unread."""

SIGNATURE_SUFFIX = ".sig"
BATCH_ID_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$"

_MANIFEST_HINT = "see docs/signing.md for the manifest fields; `taxgate batch sign` writes one"


class BatchManifest(BaseModel):
    """The fields of a batch manifest (format 1), in the order they are written."""

    model_config = ConfigDict(frozen=True, extra="forbid", strict=True)

    format: int
    batch_id: str = Field(pattern=BATCH_ID_PATTERN)
    request_file: str
    request_sha256: str = Field(pattern=r"^[0-9A-Fa-f]{64}$")
    row_count: int = Field(ge=0)
    requesting_agency: str = Field(min_length=1)
    signer: str = Field(pattern=KEY_NAME_PATTERN)
    signed_at: AwareDatetime
    request_date: date
    agreement_id: str = Field(min_length=1)
    agreement_version: str = Field(min_length=1)
    attestation: str = Field(min_length=1)

    @field_validator("format")
    @classmethod
    def _known_format(cls, value: int) -> int:
        if value != MANIFEST_FORMAT:
            raise ValueError(f"format {value} is not supported (this taxgate reads 1)")
        return value

    @field_validator("request_file")
    @classmethod
    def _bare_file_name(cls, value: str) -> str:
        # The request file travels in the manifest's own folder; a path could point the
        # verifier at any file on the machine.
        if value in {"", ".", ".."} or any(c in value for c in "/\\\x00"):
            raise ValueError("must be the request file's name only, without any folder")
        return value

    @field_validator("request_sha256")
    @classmethod
    def _lower_hex(cls, value: str) -> str:
        return value.lower()

    @field_validator("signed_at")
    @classmethod
    def _in_utc(cls, value: datetime) -> datetime:
        return value.astimezone(UTC)


def new_batch_id() -> str:
    """A fresh random batch id (a UUID4 string)."""
    return str(uuid.uuid4())


def signature_path(manifest_path: Path) -> Path:
    """Where the detached signature of ``manifest_path`` lives: ``MANIFEST.sig``."""
    return manifest_path.with_name(manifest_path.name + SIGNATURE_SUFFIX)


def manifest_bytes(manifest: BatchManifest) -> bytes:
    """The manifest as the UTF-8 JSON bytes that get signed (2-space indent, newline)."""
    data: dict[str, Any] = manifest.model_dump(mode="json")
    data["signed_at"] = manifest.signed_at.isoformat().replace("+00:00", "Z")
    return (json.dumps(data, indent=2, ensure_ascii=False) + "\n").encode("utf-8")


def parse_manifest(
    data: bytes, *, source: str = "manifest", max_depth: int = MAX_JSON_DEPTH
) -> BatchManifest:
    """Parse and validate manifest bytes.

    Duplicate keys, non-UTF-8 text, unknown fields and wrong types are all refused: the
    signature covers bytes, and two readers must never see two different manifests in them.

    Raises:
        IntakeRefused: ``SCHEMA_MANIFEST``, naming the first problem.
    """
    try:
        text = data.decode("utf-8").removeprefix("\ufeff")
    except UnicodeDecodeError as e:
        raise _malformed(f"{source} is not UTF-8 text (byte {e.start})") from e
    if too_deep_line(data, limit=max_depth, per_line=False) is not None:
        # Measured on the bytes first: the parser recurses once per level.
        raise _malformed(f"{source} nests JSON more than {max_depth} levels deep")
    try:
        decoded = json.loads(text, object_pairs_hook=_reject_duplicate_keys)
    except ValueError as e:
        raise _malformed(f"{source} is not valid JSON: {e}") from e
    if not isinstance(decoded, dict):
        raise _malformed(f"{source} must be a JSON object")
    try:
        return BatchManifest.model_validate_json(text, strict=True)
    except ValidationError as e:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in err['loc']) or '(top level)'}: {err['msg']}"
            for err in e.errors()
        )
        raise _malformed(f"{source} is invalid: {problems}") from e


def read_manifest(path: Path) -> BatchManifest:
    """Read and parse a manifest file. This does **not** check its signature.

    Raises:
        IntakeRefused: ``SCHEMA_MANIFEST`` if the file is missing, too large or malformed.
    """
    return parse_manifest(read_manifest_bytes(path), source=f"manifest {path}")


def read_manifest_bytes(path: Path) -> bytes:
    """The raw bytes of a manifest file, refusing missing, oversized or special files.

    A FIFO or device given as the manifest is refused without waiting on it.

    Raises:
        IntakeRefused: ``SCHEMA_MANIFEST``.
    """
    try:
        return read_regular(path, limit=MAX_MANIFEST_BYTES)
    except FileTooLargeError as e:
        raise _malformed(f"manifest {path} is larger than {MAX_MANIFEST_BYTES} bytes") from e
    except NotRegularFileError as e:
        raise _malformed(f"manifest {path} {e.strerror}") from e
    except OSError as e:
        raise _malformed(f"cannot read manifest {path}: {e.strerror}") from e


def _reject_duplicate_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    keys = [key for key, _ in pairs]
    repeated = sorted({key for key in keys if keys.count(key) > 1})
    if repeated:
        raise ValueError(f"repeated keys {repeated}")
    return dict(pairs)


def _malformed(message: str) -> IntakeRefused:
    return IntakeRefused(ReasonCode.SCHEMA_MANIFEST, message, hint=_MANIFEST_HINT)
