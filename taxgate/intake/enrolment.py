"""Enrol and revoke batch signers in a workspace's agreement, and describe the agreement.

Who may sign a batch is a term of the agreement (domain brief §2), kept per workspace: the
draft MOU's "head of agency" question is answered by enrolment, not by code.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from pydantic import ValidationError

from taxgate.agreement import Agreement, Signer
from taxgate.errors import ConfigError
from taxgate.intake.keys import fingerprint, load_public_key, read_public_key_file
from taxgate.workspace import Workspace


def add_signer(
    workspace: Workspace,
    *,
    name: str,
    public_key_path: Path,
    valid_from: date,
    valid_to: date | None = None,
    role: str | None = None,
) -> Signer:
    """Enrol ``name`` with the key in ``public_key_path``, replacing any signer of that name.

    A replaced signer keeps its role unless ``role`` is given; its revocation, if any, ends
    (this is how a key is rotated after a revocation).

    Args:
        workspace: The workspace whose agreement copy is amended.
        name: The signer's name, as manifests will name it.
        public_key_path: A ``.pub.pem`` file holding a P-256 public key.
        valid_from: First day a batch may be signed.
        valid_to: Last day a batch may be signed (None: no end).
        role: The official's role, for the record.

    Returns:
        The enrolled signer.

    Raises:
        InputError: The key file cannot be read.
        ConfigError: The key is not P-256, the name is invalid or the dates are reversed.
    """
    if valid_to is not None and valid_to < valid_from:
        raise ConfigError(
            f"valid-to {valid_to} is before valid-from {valid_from}",
            hint="give a validity window whose end is on or after its start",
        )
    pem = read_public_key_file(public_key_path)
    agreement = workspace.agreement()
    current = agreement.signer(name)
    kept_role = role if role is not None else (current.role if current else "")
    try:
        signer = Signer(
            name=name, role=kept_role, public_key=pem, valid_from=valid_from, valid_to=valid_to
        )
    except ValidationError as e:
        problems = "; ".join(
            f"{'.'.join(map(str, err['loc']))}: {err['msg']}" for err in e.errors()
        )
        raise ConfigError(
            f"cannot enrol signer {name!r}: {problems}",
            hint="names use letters, digits, '.', '_' and '-', starting with a letter or digit",
        ) from e
    workspace.save_agreement(agreement.with_signer(signer))
    return signer


def revoke_signer(workspace: Workspace, *, name: str, on: date) -> Signer:
    """Revoke signer ``name`` as of ``on``; the signer stays in the agreement, for the record.

    Raises:
        ConfigError: No signer of that name.
    """
    amended = workspace.agreement().without_signer(name, on=on)
    workspace.save_agreement(amended)
    return next(signer for signer in amended.signers if signer.name == name)


def agreement_summary(agreement: Agreement) -> str:
    """The agreement's terms and signers as text; keys appear only as fingerprints."""
    meta = agreement.agreement
    lines = [
        f"agreement {meta.id} version {meta.version} (signed {meta.signed_on})",
        f"  {meta.title}" if meta.title else "",
        f"  authority: {meta.authority}; {meta.disclosing_agency} discloses to "
        f"{meta.requesting_agency}",
        "statutes:",
        *(f"  {s.citation}: {s.title}" for s in agreement.statutes),
        f"removal order: at least {agreement.removal_order.minimum_age_days} days old",
        f"taxable periods: from {agreement.periods.earliest_year}",
        f"returnable fields: {', '.join(agreement.response.returnable_fields)}",
        f"max request file: {agreement.screening.max_request_file_bytes} bytes",
        f"attestation: {agreement.attestation.text}",
        "signers:",
    ]
    if not agreement.signers:
        lines.append("  (none)")
    for signer in agreement.signers:
        window = f"{signer.valid_from} to {signer.valid_to or 'open'}"
        status = f"REVOKED on {signer.revoked_on}" if signer.revoked else "not revoked"
        key = (
            fingerprint(load_public_key(signer.public_key, source=f"signer {signer.name!r}"))
            if signer.public_key
            else "none enrolled"
        )
        role = f" ({signer.role})" if signer.role else ""
        lines.append(f"  {signer.name}{role}: {window}, {status}, key {key}")
    return "\n".join(line for line in lines if line)
