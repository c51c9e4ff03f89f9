"""Batch-level screening: plain repeats, and the flags that go to review.

Duplicates (domain §3 "Duplicates"): the same person asked twice in one batch is answered
once; the later requests are refused with ``DUPLICATE``. Whether two requests name the same
person is settled by whom they resolve to, after matching
(:mod:`taxgate.matching.answer_once`). Before matching, only a *plain repeat* is refused: the
same standardised name (given names, surname parts, suffix), the same standardised delivery
point (house, street, unit number, and the ZIP, or the city and state when no ZIP is given)
and the same date of birth (both empty counts as the same). A TIN is no part of who the
request names, yet two different TINs are the requester's own word that these are two
people, so the TIN digits must be the same too (both empty counts as the same). Nothing
fuzzier: a nickname, a typo, a missing middle name or a date of birth given on one request
only leaves both requests to matching, which tells one person written twice from two people
(a father and his son JR, a mother and daughter of one name) on the master file's evidence.

Which request is answered: the first request of the person that passes every other check.
Later repeats of it are duplicates, whatever else is wrong with them; earlier ones already
fail on their own findings. A name or address that failed screening identifies nobody, so it
repeats nobody.

Flags (domain §2 attestation, §3 "Reason") are recorded in the decisions, the ledger and the
report, and never reject a row: one officer covering more than
``screening.officer_max_records`` requests, one reason text covering at least
``screening.boilerplate_reason_share`` of a batch of at least
``screening.boilerplate_min_batch`` requests, and accepted facility addresses (legal review:
a person in custody needs no locating).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from taxgate.agreement import Agreement
from taxgate.screening.codes import BatchFlag, ReasonCode
from taxgate.screening.fields import normalise_reason
from taxgate.screening.findings import Finding
from taxgate.standardise.address_parts import AddressKind, StandardAddress
from taxgate.standardise.names import StandardName


@dataclass(frozen=True, slots=True)
class BatchFlagFinding:
    """A batch-level flag: which, how many requests it concerns, and a readable message."""

    flag: BatchFlag
    count: int
    message: str


@dataclass(frozen=True, slots=True)
class PersonRequest:
    """What plain-repeat detection needs of one request row.

    Attributes:
        request_id: the row's request id (named in the duplicate's message).
        name: the standardised name.
        address: the standardised address.
        identity_usable: the name and address passed screening (a placeholder identifies
            nobody, so it can repeat nobody).
        answerable: the row passed every other check and would be answered.
        date_of_birth: as given, or None.
        tin: as given, or None.
    """

    request_id: str
    name: StandardName
    address: StandardAddress
    identity_usable: bool
    answerable: bool
    date_of_birth: str | None = None
    tin: str | None = None


def plain_repeat_key(row: PersonRequest) -> tuple[str, ...]:
    """What a plain repeat shares: standardised name, delivery point, date of birth and TIN.

    The delivery point is :meth:`StandardAddress.delivery_key` (the unit designator is
    ignored, the unit number is not), with the city and state when no ZIP is given. The date
    of birth is compared as written (trimmed), the TIN on its digits.

    Example:
        >>> from taxgate.standardise.names import standardise_name as n
        >>> home = StandardAddress(AddressKind.STREET, "12", "", "MAIN", "ST", zip5="90210")
        >>> plain_repeat_key(PersonRequest("r1", n("José", None, "García", None), home, True, True))
        ('JOSE|GARCIA|', '12||MAIN|ST|||90210', '', '', '', '')
    """
    address = row.address
    city, state = ("", "") if address.zip5 else (address.city, address.state)
    dob = (row.date_of_birth or "").strip()
    tin = "".join(c for c in row.tin or "" if c.isdigit())
    return (row.name.full_key, address.delivery_key(), city, state, dob, tin)


def find_duplicates(rows: Sequence[PersonRequest]) -> dict[int, Finding]:
    """The ``DUPLICATE`` finding of each plain repeat, by row index (domain §3).

    A request repeats an earlier answerable one when both have the same
    :func:`plain_repeat_key`. Anything less than that is left to matching. Linear time.

    Example:
        >>> from taxgate.standardise.names import standardise_name as n
        >>> home = StandardAddress(AddressKind.STREET, "12", "", "MAIN", "ST", zip5="90210")
        >>> rows = [
        ...     PersonRequest("r1", n("Jose", None, "Garcia Lopez", None), home, True, True),
        ...     PersonRequest("r2", n("JOSE", None, "García-López", None), home, True, True),
        ...     PersonRequest("r3", n("Pepe", None, "Garcia Lopez", None), home, True, True),
        ... ]
        >>> {i: f.message for i, f in find_duplicates(rows).items()}
        {1: 'repeats request r1 of this batch (same name, address, date of birth and TIN)'}
    """
    first_of: dict[tuple[str, ...], int] = {}
    duplicates: dict[int, Finding] = {}
    for i, row in enumerate(rows):
        if not row.identity_usable or row.address.kind is AddressKind.UNKNOWN:
            continue
        key = plain_repeat_key(row)
        original = first_of.get(key)
        if original is not None:
            duplicates[i] = Finding(
                ReasonCode.DUPLICATE,
                "request_id",
                f"repeats request {rows[original].request_id} of this batch "
                "(same name, address, date of birth and TIN)",
            )
        elif row.answerable:
            first_of[key] = i
    return duplicates


def batch_flags(
    agreement: Agreement,
    *,
    officers: Sequence[str | None],
    reasons: Sequence[str | None],
    facility_count: int,
) -> list[BatchFlagFinding]:
    """The flags of one batch, in ``BatchFlag`` order; empty when nothing is implausible.

    Args:
        agreement: supplies ``screening.officer_max_records``, ``boilerplate_min_batch`` and
            ``boilerplate_reason_share``.
        officers: the officer of each request (None when not given).
        reasons: the reason text of each request.
        facility_count: how many accepted addresses name a detention facility.

    Example:
        >>> from taxgate.agreement import default_agreement_path, load_agreement
        >>> a = load_agreement(default_agreement_path())
        >>> flags = batch_flags(a, officers=["ofc 1"] * 300, reasons=["x"] * 300, facility_count=0)
        >>> [(f.flag.value, f.count) for f in flags]
        [('BATCH_BOILERPLATE_REASONS', 300), ('BATCH_OFFICER_OVERLOAD', 300)]
    """
    flags = [
        _boilerplate_flag(agreement, reasons),
        _officer_flag(agreement, officers),
        _facility_flag(facility_count),
    ]
    found = [flag for flag in flags if flag is not None]
    order = list(BatchFlag)
    return sorted(found, key=lambda f: order.index(f.flag))


def _boilerplate_flag(
    agreement: Agreement, reasons: Sequence[str | None]
) -> BatchFlagFinding | None:
    terms = agreement.screening
    total = len(reasons)
    if total < terms.boilerplate_min_batch:
        return None
    counts = Counter(r for r in map(normalise_reason, reasons) if r)
    if not counts:
        return None
    _, top = counts.most_common(1)[0]
    if top / total < terms.boilerplate_reason_share:
        return None
    return BatchFlagFinding(
        BatchFlag.BATCH_BOILERPLATE_REASONS,
        top,
        f"one reason text covers {top} of {total} requests "
        f"(flagged at {terms.boilerplate_reason_share:.0%} or more)",
    )


def _officer_flag(agreement: Agreement, officers: Sequence[str | None]) -> BatchFlagFinding | None:
    limit = agreement.screening.officer_max_records
    counts = Counter(" ".join(o.upper().split()) for o in officers if o and o.strip())
    over = [count for count in counts.values() if count > limit]
    if not over:
        return None
    return BatchFlagFinding(
        BatchFlag.BATCH_OFFICER_OVERLOAD,
        sum(over),
        f"{len(over)} officer(s) each cover more than {limit} requests "
        f"(largest: {max(over)}); the attestation requires officers personally and directly "
        "engaged in each investigation",
    )


def _facility_flag(facility_count: int) -> BatchFlagFinding | None:
    if facility_count <= 0:
        return None
    return BatchFlagFinding(
        BatchFlag.BATCH_FACILITY_ADDRESSES,
        facility_count,
        f"{facility_count} request(s) give a detention facility with a street address; "
        "legal review: a person in custody needs no locating",
    )
