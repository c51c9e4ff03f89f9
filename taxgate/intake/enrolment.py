"""Enrol and revoke batch signers in a workspace's agreement, and describe the agreement.

Who may sign a batch is a term of the agreement (domain brief §2), kept per workspace: the
draft MOU's "head of agency" question is answered by enrolment, not by code.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

from pydantic import ValidationError

from taxgate.agreement import Agreement, Signer, dump_agreement
from taxgate.errors import ConfigError
from taxgate.intake.keys import fingerprint, load_public_key, read_public_key_file
from taxgate.ledger import events as ev
from taxgate.ledger.adoption import events_before_use, file_sha256
from taxgate.ledger.events import EventKind
from taxgate.ledger.log import ledger_transaction
from taxgate.store import Store
from taxgate.workspace import Workspace


def add_signer(
    workspace: Workspace,
    *,
    name: str,
    public_key_path: Path,
    valid_from: date | None = None,
    valid_to: date | None = None,
    role: str | None = None,
    widen: bool = False,
    now: datetime | None = None,
) -> Signer:
    """Enrol ``name`` with the key in ``public_key_path``, or give an enrolled signer a new key.

    A new signer is valid from ``valid_from`` (default: today) to ``valid_to`` (default: no
    end). A signer already enrolled keeps its dates and role unless new ones are given, and
    its window may only narrow: a start earlier or an end later (or removed) than the
    agreement says needs ``widen``. A revoked signer stays revoked: enrol the new key under
    a new name. The change is ledgered (``SIGNER_ADDED`` and ``AGREEMENT_ADOPTED``).

    Raises:
        InputError: The key file cannot be read.
        ConfigError: The key is not P-256, the name is invalid, the dates are reversed, the
            change would widen the agreement without ``widen`` or lift a revocation, or the
            agreement file is not the adopted one.
    """
    now = now or datetime.now(UTC)
    pem = read_public_key_file(public_key_path)
    agreement = workspace.agreement()
    current = agreement.signer(name)
    start, end = _window(current, valid_from or (now.date() if current is None else None), valid_to)
    if current is not None:
        _refuse_widening(current, start, end, widen=widen)
    kept_role = role if role is not None else (current.role if current else "")
    try:
        signer = Signer(name=name, role=kept_role, public_key=pem, valid_from=start, valid_to=end)
    except ValidationError as e:
        problems = "; ".join(
            f"{'.'.join(map(str, err['loc']))}: {err['msg']}" for err in e.errors()
        )
        raise ConfigError(
            f"cannot enrol signer {name!r}: {problems}",
            hint="names use letters, digits, '.', '_' and '-', starting with a letter or digit",
        ) from e
    key = fingerprint(load_public_key(pem, source=f"the key of signer {name!r}"))
    _amend(workspace, agreement.with_signer(signer), signer, EventKind.SIGNER_ADDED, key, now)
    return signer


def _window(
    current: Signer | None, start: date | None, end: date | None
) -> tuple[date, date | None]:
    new_start = start if start is not None else (current.valid_from if current else None)
    new_end = end if end is not None else (current.valid_to if current else None)
    if new_start is None:
        raise ConfigError("a new signer needs a first valid day", hint="give --valid-from")
    if new_end is not None and new_end < new_start:
        raise ConfigError(
            f"valid-to {new_end} is before valid-from {new_start}",
            hint="give a validity window whose end is on or after its start",
        )
    return new_start, new_end


def _refuse_widening(current: Signer, start: date, end: date | None, *, widen: bool) -> None:
    if current.revoked:
        raise ConfigError(
            f"signer {current.name!r} was revoked on {current.revoked_on}; a revocation is "
            "never lifted",
            hint="enrol the new key under a new signer name",
        )
    wider = start < current.valid_from or (
        current.valid_to is not None and (end is None or end > current.valid_to)
    )
    if wider and not widen:
        window = f"{current.valid_from} to {current.valid_to or 'open'}"
        raise ConfigError(
            f"signer {current.name!r} is valid {window}; {start} to {end or 'open'} would "
            "widen what the agreement says",
            hint="pass --widen if the agreement's signatories extended the signer's authority",
        )


def revoke_signer(
    workspace: Workspace, *, name: str, on: date, now: datetime | None = None
) -> Signer:
    """Revoke signer ``name`` as of ``on``; the signer stays in the agreement, for the record.
    The change is ledgered (``SIGNER_REVOKED`` and ``AGREEMENT_ADOPTED``).

    Raises:
        ConfigError: No signer of that name, or the agreement file is not the adopted one.
    """
    amended = workspace.agreement().without_signer(name, on=on)
    signer = next(signer for signer in amended.signers if signer.name == name)
    key = (
        fingerprint(load_public_key(signer.public_key, source=f"signer {name!r}"))
        if signer.public_key
        else None
    )
    _amend(workspace, amended, signer, EventKind.SIGNER_REVOKED, key, now or datetime.now(UTC))
    return signer


def _amend(
    workspace: Workspace,
    amended: Agreement,
    signer: Signer,
    kind: EventKind,
    key: str | None,
    now: datetime,
) -> None:
    """Write the amended agreement and ledger the change, in one transaction: the file is
    replaced inside it, so a failed append leaves the old file in force."""
    text = dump_agreement(amended)
    data = text.encode("utf-8")
    with Store.open(workspace.store_path) as store:
        before = events_before_use(store, workspace)  # refuses a hand-edited agreement
        with ledger_transaction(store, workspace, now=now) as ledger:
            change = ev.signer_changed(
                kind,
                signer=signer.name,
                key_fingerprint=key,
                valid_from=signer.valid_from,
                valid_to=signer.valid_to,
                revoked_on=signer.revoked_on,
                agreement_sha256=file_sha256(data),
            )
            adopted = ev.agreement_adopted(
                agreement_id=amended.agreement.id,
                agreement_version=amended.agreement.version,
                agreement_sha256=file_sha256(data),
                text=text,
                why=kind.value.lower().replace("_", "-"),
            )
            ledger.append([*before, change, adopted], now=now)
            workspace.save_agreement(amended)


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
