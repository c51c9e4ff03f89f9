"""What an oversight report shows, as frozen values: ids, codes, counts, weights, versions, hashes.

Nothing here can hold taxpayer data. Every field is a batch or request *id*, a reason code, a
count, a match weight, a version string or a hash; :func:`taxgate.report.gather.gather_report_data`
fills these values from aggregate queries, so the size of a report does not grow with the
size of its batch. The charts (:mod:`taxgate.report.charts`) and the HTML
(:mod:`taxgate.report.markup`) read only these values.
"""

from __future__ import annotations

from dataclasses import dataclass, field

# The internal decisions in the order a report lists them (taxgate.matching.decide.Outcome).
DECISIONS = ("DISCLOSE", "REVIEW", "NOT_DISCLOSED", "REJECTED")


@dataclass(frozen=True)
class BatchInfo:
    """The batch as the store recorded it at commit (no request content).

    Attributes:
        batch_id: The batch id from the signed manifest.
        requester: The requesting agency.
        signer: The enrolled signer (an agency official, named as in the agreement).
        received_at: When the batch was committed (UTC, ISO 8601).
        request_date: The request date the manifest states.
        as_of: The as-of date of the last known addresses.
        rows: Rows the manifest declares.
        state: The batch's lifecycle state (``RELEASED``).
        manifest_sha256: Hash of the signed manifest.
        request_sha256: Hash of the request file.
        model_version: The match model that scored the batch.
        policy_version: The decision policy that decided it.
        agreement_id: The agreement the batch was answered under.
        agreement_version: That agreement's version.
        as_of_override: ``as_of`` is an analyst's ``--as-of`` in place of the request date
            (recorded with the batch and in its BATCH_RECEIVED ledger entry).
    """

    batch_id: str
    requester: str
    signer: str
    received_at: str
    request_date: str
    as_of: str
    rows: int
    state: str
    manifest_sha256: str
    request_sha256: str
    model_version: str
    policy_version: str
    agreement_id: str
    agreement_version: str
    as_of_override: bool = False


@dataclass(frozen=True)
class Funnel:
    """How the requests of a batch narrowed, stage by stage, and where they stand now.

    ``received = rejected + passed``; ``passed = no_candidate + with_candidates``;
    ``with_candidates = disclosed + review + not_disclosed``, as the run answered. ``rejected``
    counts the requests refused at screening and those refused after matching as DUPLICATE
    (``rejected_after_matching``). Of those held for review, ``approved`` were disclosed in a
    supplement since and ``declined`` were not. The figures are the batch's counts
    (:mod:`taxgate.disclosure.counts`), which the demo, ``accounting`` and ``explain`` read.
    """

    received: int
    rejected: int
    passed: int
    no_candidate: int
    with_candidates: int
    disclosed: int
    review: int
    not_disclosed: int
    rejected_after_matching: int = 0
    approved: int = 0
    declined: int = 0
    recalled: int = 0

    @property
    def pending_review(self) -> int:
        """Held for review, not decided yet."""
        return self.review - self.approved - self.declined

    @property
    def disclosed_now(self) -> int:
        """Disclosed in the response or, after an approved review, in a supplement."""
        return self.disclosed + self.approved

    @property
    def not_disclosed_now(self) -> int:
        """Neither rejected nor disclosed (held for review and not approved included)."""
        return self.received - self.rejected - self.disclosed_now

    def share(self, count: int) -> float:
        """``count`` as a fraction of the requests received (0 for an empty batch)."""
        return count / self.received if self.received else 0.0


@dataclass(frozen=True)
class CodeCount:
    """One screening reason code: how many requests carry it, and one example by id.

    Attributes:
        code: The reason code (``ReasonCode`` value).
        requests: Requests carrying the code (a request may carry several codes).
        only_code: Requests for which it is the only code.
        meaning: The code's one line of meaning.
        example_request_id: The first request (by row) carrying the code.
        example_field: The request field the finding was about (a column name).
    """

    code: str
    requests: int
    only_code: int
    meaning: str
    example_request_id: str
    example_field: str


@dataclass(frozen=True)
class ReasonCount:
    """One internal decision reason (``Reason``) within one decision, with an example id."""

    decision: str
    reason: str
    requests: int
    rule: str
    example_request_id: str


@dataclass(frozen=True)
class WeightHistogram:
    """Match weights of the requests with candidates, binned, stacked by decision.

    Attributes:
        edges: Bin edges in bits, ``len(edges) == bins + 1``; empty when nothing was scored.
        counts: Per decision (``DECISIONS`` order), the count in each bin.
        scored: Requests with candidates that have a weight.
        unscored: Requests with candidates but no weight recorded.
        from_best_candidate: Of ``scored``, those whose weight is the best candidate's
            (the policy chose no candidate: name or address not corroborated).
        review_weight: The agreement's review threshold (bits).
        disclose_weight: The agreement's disclosure threshold (bits).
        disclose_probability: The agreement's posterior bound for a disclosure.
        bands: Per decision: requests below the review threshold, between the thresholds,
            and at or above the disclosure threshold.
    """

    edges: tuple[float, ...]
    counts: tuple[tuple[str, tuple[int, ...]], ...]
    scored: int
    unscored: int
    from_best_candidate: int
    review_weight: float
    disclose_weight: float
    disclose_probability: float
    bands: tuple[tuple[str, int, int, int], ...] = ()


@dataclass(frozen=True)
class FlagInfo:
    """A batch flag and the rule behind it."""

    flag: str
    rule: str


@dataclass(frozen=True)
class CheckpointInfo:
    """A signed ledger checkpoint: tree size, root hash (hex), time and key id."""

    seq: int
    size: int
    root_hex: str
    time: str
    key_id: str


@dataclass(frozen=True)
class LedgerStatus:
    """The ledger around the batch and the outcome of verifying it end to end.

    Attributes:
        entries: Entries in the log.
        batch_entries: Entries of this batch.
        batch_checkpoint: The first checkpoint that covers the batch's last entry.
        latest_checkpoint: The newest checkpoint.
        verified: ``verify_ledger`` found nothing wrong.
        message: Its one-line summary, or the first problem.
        first_bad_index: The first bad entry, when there is one.
        exported_checked: Exported (auditor's) checkpoints compared.
    """

    entries: int
    batch_entries: int
    batch_checkpoint: CheckpointInfo | None
    latest_checkpoint: CheckpointInfo | None
    verified: bool
    message: str
    first_bad_index: int | None = None
    exported_checked: int = 0


@dataclass(frozen=True)
class QualityScore:
    """One response scored against a synthetic world's truth (``taxgate.synth.score``)."""

    label: str
    requests: int
    disclosed: int
    correct: int
    expected: int
    precision: float
    recall: float
    harmful_total: int
    harmful: tuple[tuple[str, int], ...]


@dataclass(frozen=True)
class Quality:
    """taxgate's response beside the 2025 baseline's, both scored by the same scorer."""

    taxgate: QualityScore
    baseline: QualityScore
    baseline_source: str
    missing_responses: int = 0


@dataclass(frozen=True)
class ReportData:
    """Everything an oversight report shows about one batch.

    Attributes:
        batch: The batch's identity, hashes and versions.
        funnel: Received → screened → with candidates → decided.
        rejection_codes: Screening codes, most frequent first.
        review_reasons: Why requests went to REVIEW.
        not_disclosed_reasons: Why requests were not disclosed (internal reasons).
        weights: The match-weight histogram with the agreement's thresholds.
        flags: The batch flags.
        ledger: The ledger checkpoints and the verification outcome.
        current_agreement_version: The workspace's agreement version now (it may have
            been amended since the batch).
        generated_at: When the report was made (UTC, ISO 8601).
        quality: Scores against a synthetic world's truth, when one was given.
    """

    batch: BatchInfo
    funnel: Funnel
    rejection_codes: tuple[CodeCount, ...]
    review_reasons: tuple[ReasonCount, ...]
    not_disclosed_reasons: tuple[ReasonCount, ...]
    weights: WeightHistogram
    flags: tuple[FlagInfo, ...]
    ledger: LedgerStatus
    current_agreement_version: str
    generated_at: str
    quality: Quality | None = field(default=None)
