"""What an explanation holds, as frozen values; :meth:`Explanation.as_json` is ``--json``.

An explanation is internal (disclosure officers, reviewers, auditors): it holds the request as
received and the address that was or would be disclosed. Candidate taxpayers are named by a
masked TIN only (:func:`taxgate.app.explain.words.mask_tin`).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass(frozen=True)
class Comparison:
    """One comparison of a candidate record with the request.

    Attributes:
        comparison: The comparison's name (``given_name``, ``unit``, ...).
        level: The level it reached (``exact``, ``typo``, ``disagree``, ``null``, ...).
        bits: The weight the policy counted, in bits (log2 of the Bayes factor).
        model_bits: The model's own weight, where the policy counted another (the name
            channel judges a given name by how many people carry the written one).
    """

    comparison: str
    level: str
    bits: float | None
    model_bits: float | None = None


@dataclass(frozen=True)
class RecordView:
    """One master record of a candidate taxpayer (a name form at a delivery point).

    Attributes:
        record_id: The master record (valid for the master snapshot the batch ran on).
        weight: The model's match weight of the record against the request, in bits.
        name_agrees: Given name and surname each agree.
        address_corroborates: The record's delivery point is the requested one.
        comparisons: Every comparison, in the model's order.
        name: The record's standardised name, when the same master is still loaded.
        address: The record's USPS address, when the same master is still loaded.
    """

    record_id: int
    weight: float
    name_agrees: bool
    address_corroborates: bool
    comparisons: tuple[Comparison, ...]
    name: str | None = None
    address: str | None = None


@dataclass(frozen=True)
class CandidateView:
    """One candidate taxpayer as the policy weighed them.

    Attributes:
        tin: The masked TIN (``XXX-XX-1234``).
        chosen: The decision names this taxpayer.
        bits: The policy's evidence for this taxpayer (best name form, their record at the
            point, person facts once), in bits; None where the batch did not record it.
        share: This taxpayer's share of the posterior, against every hypothesis.
        verdict: Why chosen, or why this taxpayer lost, in one sentence.
        records: Their candidate records, the one the policy judged them on first.
    """

    tin: str
    chosen: bool
    bits: float | None
    share: float | None
    verdict: str
    records: tuple[RecordView, ...]


@dataclass(frozen=True)
class NotOnFileView:
    """The hypothesis that the person asked for is someone at the point who never filed."""

    bits: float
    share: float | None


@dataclass(frozen=True)
class FindingView:
    """One screening finding: code, field, message and the value it judged."""

    code: str
    field: str
    message: str
    value: str | None
    meaning: str


@dataclass(frozen=True)
class AddressView:
    """The last known address that was, or would be, disclosed, and where it came from.

    Attributes:
        status: ``disclosed``, ``disclosed after review`` or ``would be disclosed``.
        street, unit, city, state, zip: The address in USPS form.
        since: The day it became the last known address (the response's ``address_as_of``).
        filing: The kind of filing it comes from (``RETURN``, ``FORM_8822``, ``NCOA``).
        tax_year: The return's tax year, when the master file still holds the filing.
        received: The day that filing was received.
        effective: The day that filing took effect.
        words: Where the address comes from and why that filing, in plain words.
    """

    status: str
    street: str
    unit: str
    city: str
    state: str
    zip: str
    since: str
    filing: str
    tax_year: str | None
    received: str
    effective: str
    words: str


@dataclass(frozen=True)
class ReviewView:
    """A reviewer's decision on a request held for review."""

    review_id: str
    decision: str
    reviewer: str
    decided_at: str
    why: str
    review_entry: int
    disclosure_entry: int | None


@dataclass(frozen=True)
class Explanation:
    """Why one request was decided as it was, and where it stands now.

    Attributes:
        batch_id: The batch.
        request_id: The request.
        row: Its row in the request file.
        decision: The internal decision (DISCLOSE, REVIEW, NOT_DISCLOSED, REJECTED).
        outcome: What the response told the requester.
        reason: The policy's reason (a ``Reason`` value).
        rule: The rule that decided, in one sentence, with the figures it compared.
        standing: Where the request stands now (a ``Standing`` value), after any review.
        standing_words: The same in plain words.
        recalled: The disclosure was recalled as erroneous.
        as_of: The day the batch was measured on.
        as_of_override: ``as_of`` was an analyst's ``--as-of``.
        versions: The model, policy and agreement versions that decided.
        received: The request as received (its fields as written; the TIN masked).
        standardised: The request as standardised, when the batch recorded it.
        findings: Screening findings (a REJECTED request's codes, messages and values).
        candidates: Every candidate taxpayer, the chosen one first, then by evidence.
        not_on_file: The not-on-file hypothesis, when it was weighed.
        address: The last known address that was or would be disclosed.
        address_note: Why there is no address, when there is none.
        review: The review's outcome, when the request was held for review and decided.
        batch_counts: The batch's counts (:mod:`taxgate.disclosure.counts`).
        batch_lines: The same counts in words.
        notes: Anything else worth saying (an older batch's missing evidence).
    """

    batch_id: str
    request_id: str
    row: int
    decision: str
    outcome: str
    reason: str
    rule: str
    standing: str
    standing_words: str
    recalled: bool
    as_of: str
    as_of_override: bool
    versions: dict[str, str]
    received: dict[str, str]
    standardised: dict[str, Any] | None
    findings: tuple[FindingView, ...]
    candidates: tuple[CandidateView, ...]
    not_on_file: NotOnFileView | None
    address: AddressView | None
    address_note: str
    review: ReviewView | None
    batch_counts: dict[str, int]
    batch_lines: tuple[str, ...]
    notes: tuple[str, ...] = field(default=())

    def as_json(self) -> dict[str, Any]:
        """The explanation as plain data (``taxgate explain --json``)."""
        return asdict(self)
