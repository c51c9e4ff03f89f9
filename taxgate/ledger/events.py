"""What the pipeline tells the ledger: one :class:`LedgerEvent` per thing that happened.

An event has two parts with different rules:

* ``attrs`` go into the Merkle leaf itself. They hold identifiers, hashes, codes, versions
  and numbers, **never taxpayer data** (no TIN, name, address or date of birth); the ledger
  refuses attrs keyed by those names.
* ``record`` is the optional data body, which may hold taxpayer data (the disclosed address
  and TIN, the request as received). It is stored in the workspace beside the log and bound
  to its entry by the SHA-256 of its canonical JSON (§6103(p)(3)(A): a permanent record of
  every request and disclosure).

The constructors below fix which fields go where for the events that accounting and the
review workflow read.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from typing import Any

Scalar = str | int | float | bool | None
AttrValue = Scalar | Sequence[Scalar]

# Keys that would put taxpayer data into a leaf; such values belong in ``record``.
TAXPAYER_KEYS = frozenset(
    {
        "tin",
        "ssn",
        "itin",
        "name",
        "first_name",
        "middle_name",
        "last_name",
        "full_name",
        "dob",
        "date_of_birth",
        "birth_date",
        "address",
        "street",
        "unit",
        "city",
        "zip",
        "zip_code",
        "phone",
        "email",
    }
)


class EventKind(StrEnum):
    """Every kind of ledger entry, in pipeline order."""

    BATCH_RECEIVED = "BATCH_RECEIVED"  # a request file and manifest arrived (requester, hashes)
    BATCH_REFUSED = "BATCH_REFUSED"  # the whole batch was refused before any row (reason code)
    SIGNATURE_VERIFIED = "SIGNATURE_VERIFIED"  # the manifest signature verified (signer)
    REQUEST_SCREENED = "REQUEST_SCREENED"  # one request was screened (reason codes, statute)
    REQUEST_MATCHED = "REQUEST_MATCHED"  # matching scored a request's candidates
    REQUEST_DECIDED = "REQUEST_DECIDED"  # the policy decided a request (decision, versions)
    REVIEW_DECIDED = "REVIEW_DECIDED"  # a reviewer approved or declined a borderline request
    BATCH_RELEASED = "BATCH_RELEASED"  # the batch's response was released to the requester
    DISCLOSURE = "DISCLOSURE"  # one taxpayer's address was disclosed (record: what, to whom)
    HOLD_SET = "HOLD_SET"  # a legal hold stopped every disclosure to a requester
    HOLD_LIFTED = "HOLD_LIFTED"  # a legal hold was lifted by a further order
    WITHHOLD_SET = "WITHHOLD_SET"  # a taxpayer was put on the §6103(i)(6) withhold list
    WITHHOLD_LIFTED = "WITHHOLD_LIFTED"  # a taxpayer was taken off the withhold list
    DISCLOSURE_RECALLED = "DISCLOSURE_RECALLED"  # a disclosure was found erroneous and recalled
    SIGNER_ADDED = "SIGNER_ADDED"  # a batch signer was enrolled in the workspace agreement
    SIGNER_REVOKED = "SIGNER_REVOKED"  # a batch signer was revoked
    AGREEMENT_ADOPTED = "AGREEMENT_ADOPTED"  # the workspace's agreement file (its hash) took effect
    MODEL_ADOPTED = "MODEL_ADOPTED"  # a match model became the active one (its settings' hash)


@dataclass(frozen=True, slots=True)
class LedgerEvent:
    """One thing that happened, as handed to :meth:`taxgate.ledger.log.Ledger.append`.

    Attributes:
        kind: What happened.
        batch_id: The batch it belongs to, if any (holds and withholds have none).
        request_id: The request within the batch, for per-request events.
        attrs: Identifiers, hashes, codes and numbers; hashed into the leaf; no taxpayer data.
        record: The data body (may hold taxpayer data); stored apart, bound by its hash.
    """

    kind: EventKind
    batch_id: str | None = None
    request_id: str | None = None
    attrs: Mapping[str, AttrValue] = field(default_factory=dict)
    record: Mapping[str, Any] | None = None


def batch_received(
    *,
    batch_id: str,
    requester: str,
    agreement_id: str,
    agreement_version: str,
    file_sha256: str,
    rows: int,
    request_date: date | None = None,
    as_of: date | None = None,
    as_of_override: bool = False,
) -> LedgerEvent:
    """A batch arrived from ``requester`` under the agreement (accounting reads ``requester``).

    Args:
        batch_id: The batch.
        requester: The requesting agency.
        agreement_id: The agreement the batch is answered under.
        agreement_version: That agreement's version.
        file_sha256: The SHA-256 of the request file.
        rows: The rows the manifest declares.
        request_date: The manifest's request date.
        as_of: The day every time-dependent check was measured on (removal-order ages, the
            last known address).
        as_of_override: ``as_of`` is an analyst's ``--as-of``, not the request date; the
            leaf records it, so an override can never pass unseen.
    """
    attrs: dict[str, AttrValue] = {
        "requester": requester,
        "agreement_id": agreement_id,
        "agreement_version": agreement_version,
        "file_sha256": file_sha256,
        "rows": rows,
    }
    if request_date is not None:
        attrs["request_date"] = request_date.isoformat()
    if as_of is not None:
        attrs["as_of"] = as_of.isoformat()
        attrs["as_of_override"] = as_of_override
    return LedgerEvent(EventKind.BATCH_RECEIVED, batch_id, attrs=attrs)


def batch_refused(*, file_sha256: str, code: str) -> LedgerEvent:
    """A batch was refused before its manifest's signature verified (``code``: the reason).

    Nothing the manifest claims (batch id, requester, row count) is recorded, since none of
    it is signed yet: only the SHA-256 of the manifest's bytes (``""`` when it could not be
    read), so the refusal can be matched to the file later.
    """
    return LedgerEvent(
        EventKind.BATCH_REFUSED, None, attrs={"code": code, "file_sha256": file_sha256}
    )


def batch_refused_verified(
    *, batch_id: str, requester: str, code: str, rows: int, file_sha256: str, replay: bool
) -> LedgerEvent:
    """A batch whose signature verified was refused by a later check (a replay, a request
    file that is not the signed one, a schema error). Its claims are signed, so they are
    recorded; a replay's rows are not counted again (``replay``)."""
    return LedgerEvent(
        EventKind.BATCH_REFUSED,
        batch_id,
        attrs={
            "requester": requester,
            "code": code,
            "rows": 0 if replay else rows,
            "declared_rows": rows,
            "replay": replay,
            "file_sha256": file_sha256,
            "signed": True,
        },
    )


def signature_verified(*, batch_id: str, signer: str, manifest_sha256: str) -> LedgerEvent:
    """The batch manifest's signature verified against enrolled signer ``signer``."""
    return LedgerEvent(
        EventKind.SIGNATURE_VERIFIED,
        batch_id,
        attrs={"signer": signer, "manifest_sha256": manifest_sha256},
    )


def request_screened(
    *,
    batch_id: str,
    request_id: str,
    codes: Sequence[str],
    statute: str | None,
    request: Mapping[str, Any] | None = None,
) -> LedgerEvent:
    """A request was screened; ``codes`` empty means it passed.

    Args:
        batch_id: The batch.
        request_id: The request.
        codes: Reason codes found (``ReasonCode`` values).
        statute: The canonical key of the cited statute, if it parsed (the §6103(p)(3)(C)
            "general purpose").
        request: The request row as received, kept as the record of the request
            (§6103(p)(3)(A)); it may hold taxpayer data.
    """
    return LedgerEvent(
        EventKind.REQUEST_SCREENED,
        batch_id,
        request_id,
        attrs={"codes": sorted(codes), "statute": statute},
        record=request,
    )


def request_decided(
    *,
    batch_id: str,
    request_id: str,
    decision: str,
    codes: Sequence[str],
    model_version: str,
    policy_version: str,
    score: float | None,
    bound: Mapping[str, Any] | None = None,
) -> LedgerEvent:
    """The decision on one request, with the versions that produced it.

    ``bound`` is the record: the request's stored ``decisions`` and ``responses`` rows
    (:func:`taxgate.ledger.binding.decision_record`), which ``ledger verify`` compares with
    the tables.
    """
    return LedgerEvent(
        EventKind.REQUEST_DECIDED,
        batch_id,
        request_id,
        attrs={
            "decision": decision,
            "codes": sorted(codes),
            "model_version": model_version,
            "policy_version": policy_version,
            "score": score,
        },
        record=bound,
    )


def disclosure(
    *,
    batch_id: str,
    request_id: str,
    requester: str,
    agreement_id: str,
    agreement_version: str,
    statute: str,
    tin: str,
    address: Mapping[str, str | None],
    as_of: date,
) -> LedgerEvent:
    """One disclosure under §6103(i)(2): what went out, to whom, under which request and terms.

    The leaf holds only the identifiers; the TIN and the address live in the record, which
    accounting reads for §6103(p)(3)(A) and (C).
    """
    ids = {
        "requester": requester,
        "agreement_id": agreement_id,
        "agreement_version": agreement_version,
        "statute": statute,
    }
    record: dict[str, Any] = {
        **ids,
        "batch_id": batch_id,
        "request_id": request_id,
        "tin": tin,
        "address": dict(address),
        "as_of": as_of.isoformat(),
    }
    return LedgerEvent(EventKind.DISCLOSURE, batch_id, request_id, attrs=ids, record=record)


def review_decided(
    *,
    batch_id: str,
    request_id: str,
    review_id: str,
    decision: str,
    reviewer: str,
    held_for: str,
    why: str,
    supplement_sha256: str | None = None,
    row: Mapping[str, Any] | None = None,
) -> LedgerEvent:
    """A disclosure officer approved or declined a request held for review (domain §4).

    Args:
        batch_id: The batch.
        request_id: The request the policy held for review.
        review_id: The review's id (``reviews`` table).
        decision: ``APPROVED`` or ``DECLINED``.
        reviewer: The officer who decided.
        held_for: The policy reason that held the request (a ``Reason`` value).
        why: The reviewer's grounds; kept in the record, since they may mention the taxpayer.
        supplement_sha256: On approval, the SHA-256 of the supplementary response file's
            bytes, binding what went out to this entry (the address itself is in the
            DISCLOSURE entry's record).
        row: The ``reviews`` row written with this entry, kept in the record so that
            ``ledger verify`` can compare the table with it.
    """
    record: dict[str, Any] = {
        "review_id": review_id,
        "batch_id": batch_id,
        "request_id": request_id,
        "decision": decision,
        "reviewer": reviewer,
        "why": why,
    }
    if row is not None:
        record["reviews"] = dict(row)
    return LedgerEvent(
        EventKind.REVIEW_DECIDED,
        batch_id,
        request_id,
        attrs={
            "review_id": review_id,
            "decision": decision,
            "reviewer": reviewer,
            "held_for": held_for,
            "supplement_sha256": supplement_sha256,
        },
        record=record,
    )


def batch_released(
    *,
    batch_id: str,
    counts: Mapping[str, int],
    batch_flags: Sequence[str],
    model_version: str,
    policy_version: str,
    bound: Mapping[str, Any] | None = None,
) -> LedgerEvent:
    """The batch's response was released; ``bound`` (the record) is its ``batches`` row."""
    return LedgerEvent(
        EventKind.BATCH_RELEASED,
        batch_id,
        attrs={
            "counts": [f"{k}={v}" for k, v in sorted(counts.items())],
            "batch_flags": sorted(batch_flags),
            "model_version": model_version,
            "policy_version": policy_version,
        },
        record=bound,
    )


def agreement_adopted(
    *, agreement_id: str, agreement_version: str, agreement_sha256: str, text: str, why: str
) -> LedgerEvent:
    """The workspace's agreement file, byte for byte, took effect (``why``: ``init``,
    ``first use``, ``adopt``, ``add-signer``, ``revoke-signer``). The text is the record, so
    that a later difference can be named field by field."""
    return LedgerEvent(
        EventKind.AGREEMENT_ADOPTED,
        attrs={
            "agreement_id": agreement_id,
            "agreement_version": agreement_version,
            "agreement_sha256": agreement_sha256,
            "why": why,
        },
        record={"agreement_toml": text},
    )


def model_adopted(
    *, model_version: str, trained_on: str, settings_sha256: str, created_at: str
) -> LedgerEvent:
    """A match model became the workspace's active model (its settings bound by hash)."""
    return LedgerEvent(
        EventKind.MODEL_ADOPTED,
        attrs={
            "model_version": model_version,
            "trained_on": trained_on,
            "settings_sha256": settings_sha256,
            "created_at": created_at,
        },
    )


def signer_changed(
    kind: EventKind,
    *,
    signer: str,
    key_fingerprint: str | None,
    valid_from: date,
    valid_to: date | None,
    revoked_on: date | None,
    agreement_sha256: str,
) -> LedgerEvent:
    """``SIGNER_ADDED`` or ``SIGNER_REVOKED``: who may sign, from when to when, with the hash
    of the agreement file that now says so."""
    return LedgerEvent(
        kind,
        attrs={
            "signer": signer,
            "key_fingerprint": key_fingerprint,
            "valid_from": valid_from.isoformat(),
            "valid_to": None if valid_to is None else valid_to.isoformat(),
            "revoked_on": None if revoked_on is None else revoked_on.isoformat(),
            "agreement_sha256": agreement_sha256,
        },
    )
