"""Batch-level screening: duplicate requests, and the flags that go to review.

Duplicates (domain §3 "Duplicates"): the same person asked twice in one batch is answered
once; the repeat is refused with ``DUPLICATE``. "Same person" is judged on the *standardised*
name and address, never on raw strings: the first given names are the same or equivalent
(nickname, anglicised form), the surnames share a key (compound surname in any form), the
addresses have the same USPS delivery key, and nothing contradicts — not the date of birth,
the TIN, the generational suffix (JR/SR) or a full second given name. A TIN never makes two
requests one person on its own (domain §3: a TIN never substitutes).

Which request is answered: the first request of the person that passes every other check.
Later requests of that person are duplicates, whatever else is wrong with them; earlier ones
already fail on their own findings. A person asked for only by defective requests gets no
``DUPLICATE``: each request is refused for its own defects.

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
from taxgate.standardise.name_agreement import names_equivalent
from taxgate.standardise.names import StandardName


@dataclass(frozen=True, slots=True)
class BatchFlagFinding:
    """A batch-level flag: which, how many requests it concerns, and a readable message."""

    flag: BatchFlag
    count: int
    message: str


@dataclass(frozen=True, slots=True)
class PersonRequest:
    """What duplicate detection needs of one request row.

    Attributes:
        request_id: the row's request id (named in the duplicate's message).
        name: the standardised name.
        address: the standardised address.
        identity_usable: the name and address passed screening (a placeholder identifies
            nobody, so it can duplicate nobody).
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


def find_duplicates(rows: Sequence[PersonRequest]) -> dict[int, Finding]:
    """The ``DUPLICATE`` finding of each repeated request, by row index (domain §3).

    Rows are compared only with earlier answerable rows at the same delivery point, through
    an index on the delivery key and surname keys, so a batch is screened in about linear time
    even when thousands of requests name one building.

    Example:
        >>> from taxgate.standardise.names import standardise_name as n
        >>> home = StandardAddress(AddressKind.STREET, "12", "", "MAIN", "ST", zip5="90210")
        >>> rows = [
        ...     PersonRequest("r1", n("Jose", None, "Garcia Lopez", None), home, True, True),
        ...     PersonRequest("r2", n("Pepe", None, "Garcia", None), home, True, True),
        ... ]
        >>> find_duplicates(rows)[1].message
        'repeats request r1 of this batch (same person at the same address)'
    """
    # delivery key -> surname key -> indices of earlier answerable rows (originals)
    index: dict[str, dict[str, list[int]]] = {}
    duplicates: dict[int, Finding] = {}
    evidence = [(_strip(r.date_of_birth), _digits(r.tin)) for r in rows]
    for i, row in enumerate(rows):
        if not row.identity_usable or row.address.kind is AddressKind.UNKNOWN:
            continue
        at_address = index.setdefault(row.address.delivery_key(), {})
        keys = row.name.surname_keys_with_middle
        found = [j for key in keys for j in at_address.get(key, ())]
        candidates = sorted(set(found)) if len(keys) > 1 else found
        original = next(
            (j for j in candidates if _same_person(rows[j], row, evidence[j], evidence[i])),
            None,
        )
        if original is not None:
            duplicates[i] = Finding(
                ReasonCode.DUPLICATE,
                "request_id",
                f"repeats request {rows[original].request_id} of this batch "
                "(same person at the same address)",
            )
        elif row.answerable:
            for key in keys:
                at_address.setdefault(key, []).append(i)
    return duplicates


def _same_person(
    a: PersonRequest, b: PersonRequest, a_evidence: tuple[str, str], b_evidence: tuple[str, str]
) -> bool:
    """Same name and nothing contradicting: (date of birth, TIN digits) must not disagree."""
    for x, y in zip(a_evidence, b_evidence, strict=True):
        if x and y and x != y:
            return False
    return names_equivalent(a.name, b.name)


def _strip(text: str | None) -> str:
    return (text or "").strip()


def _digits(tin: str | None) -> str:
    return "".join(c for c in tin or "" if c.isdigit())


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
