"""Hand-made report values for the chart and HTML tests (no store needed)."""

from __future__ import annotations

from dataclasses import replace

from taxgate.report.data import (
    BatchInfo,
    CheckpointInfo,
    CodeCount,
    FlagInfo,
    Funnel,
    LedgerStatus,
    Quality,
    QualityScore,
    ReasonCount,
    ReportData,
    WeightHistogram,
)
from taxgate.synth.score import HARM_KINDS

CHECKPOINT = CheckpointInfo(
    seq=3, size=9_978, root_hex="ab" * 32, time="2025-07-16T00:00:00Z", key_id="k1"
)


def sample_quality() -> Quality:
    def score(label: str, precision: float, harm: int) -> QualityScore:
        harmful = tuple((k, harm if k == "invalid_request" else 0) for k in HARM_KINDS)
        return QualityScore(label, 3000, 1500, 1100, 1864, precision, 0.6, harm, harmful)

    return Quality(score("taxgate", 0.99, 11), score("2025 baseline", 0.72, 381), "computed")


def sample_report_data(**changes: object) -> ReportData:
    """A plausible report for a 3,000-request batch; ``changes`` replace fields."""
    edges = tuple(float(x) for x in range(0, 82, 2))
    bins = len(edges) - 1
    data = ReportData(
        batch=BatchInfo(
            batch_id="B-2025-001",
            requester="ICE",
            signer="ice-director",
            received_at="2025-07-16T00:00:00+00:00",
            request_date="2025-07-15",
            as_of="2025-07-15",
            rows=3000,
            state="RELEASED",
            manifest_sha256="cd" * 32,
            request_sha256="ef" * 32,
            model_version="fs-0f9b",
            policy_version="policy-1",
            agreement_id="irs-ice-2025",
            agreement_version="2025.04.07-1",
        ),
        funnel=Funnel(3000, 888, 2112, 82, 2030, 1863, 12, 155),
        rejection_codes=(
            CodeCount("ADDRESS_PLACEHOLDER", 154, 153, '"Failed to Provide", N/A', "R5", "street"),
            CodeCount("DUPLICATE", 49, 49, "repeats an earlier request", "R272", "request_id"),
        ),
        review_reasons=(ReasonCount("REVIEW", "TIN_CONFLICT", 12, "held for review", "R4"),),
        not_disclosed_reasons=(
            ReasonCount("NOT_DISCLOSED", "NO_CANDIDATE", 82, "no record", "R19"),
            ReasonCount("NOT_DISCLOSED", "AMBIGUOUS", 73, "two fit", "R113"),
        ),
        weights=WeightHistogram(
            edges=edges,
            counts=(
                ("DISCLOSE", tuple(40 if 15 <= i < 35 else 0 for i in range(bins))),
                ("REVIEW", tuple(3 if i == 20 else 0 for i in range(bins))),
                ("NOT_DISCLOSED", tuple(5 if i < 12 else 0 for i in range(bins))),
            ),
            scored=2030,
            unscored=0,
            from_best_candidate=117,
            review_weight=10.0,
            disclose_weight=20.0,
            disclose_probability=0.99,
            bands=(("DISCLOSE", 0, 0, 1863), ("NOT_DISCLOSED", 7, 34, 114)),
        ),
        flags=(FlagInfo("BATCH_OFFICER_OVERLOAD", "more than `screening.officer_max_records`"),),
        ledger=LedgerStatus(
            entries=9978,
            batch_entries=9978,
            batch_checkpoint=CHECKPOINT,
            latest_checkpoint=CHECKPOINT,
            verified=True,
            message="9978 entries and 3 checkpoints verified",
        ),
        current_agreement_version="2025.04.07-1",
        generated_at="2025-08-01T12:00:00+00:00",
        quality=sample_quality(),
    )
    return replace(data, **changes)  # type: ignore[arg-type]
