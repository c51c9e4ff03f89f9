"""Aggregate queries over one batch's decisions and the ledger, giving a :class:`ReportData`.

Each ``*_sql`` builder is a pure function; the batch id is always a bound parameter. The
queries read ids, codes, counts and weights only: no query here selects a name, an address,
a TIN or a date of birth, so no such value can reach a report. Every result is aggregated
(counts per code, per reason, per weight bin), so a report's size does not depend on how
many requests the batch had.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from datetime import datetime

from taxgate.agreement import Agreement
from taxgate.app.explain import RULES as REASON_RULES
from taxgate.disclosure.counts import batch_counts
from taxgate.disclosure.records import present_columns
from taxgate.errors import WorkspaceError
from taxgate.ledger.checkpoint import Checkpoint
from taxgate.ledger.hold import has_table
from taxgate.ledger.log import Ledger
from taxgate.ledger.verify import VerifyReport
from taxgate.report.data import (
    DECISIONS,
    BatchInfo,
    CheckpointInfo,
    CodeCount,
    FlagInfo,
    Funnel,
    LedgerStatus,
    Quality,
    ReasonCount,
    ReportData,
    WeightHistogram,
)
from taxgate.screening.codes import BatchFlag, ReasonCode
from taxgate.screening.codes_doc import FLAG_RULES
from taxgate.store import Store

# Bin widths (bits) a histogram may use; the narrowest that keeps it within MAX_BINS wins.
BIN_WIDTHS = (0.5, 1.0, 2.0, 2.5, 5.0, 10.0, 20.0, 50.0, 100.0)
MAX_BINS = 60

# The weight of a request with candidates: the chosen candidate's, else the best candidate's
# (the candidates JSON is sorted best first when the decision is written).
_WEIGHT_SQL = "coalesce(match_weight, CAST(json_extract(candidates, '$[0].weight') AS DOUBLE))"


def batch_sql(*, with_override: bool = True) -> str:
    """The batch row (param: batch id). A batch of an earlier taxgate, whose row has no
    ``as_of_override``, is an override where its as-of day is not its request date."""
    override = (
        "coalesce(as_of_override, as_of <> request_date)"
        if with_override
        else ("as_of <> request_date")
    )
    return f"""
        SELECT batch_id, requester, signer, received_at, CAST(request_date AS VARCHAR),
               CAST(as_of AS VARCHAR), rows, state, manifest_sha256, request_sha256,
               model_version, policy_version, agreement_id, agreement_version,
               {override}, coalesce(batch_flags, [])
        FROM batches WHERE batch_id = ?"""


def rejection_codes_sql() -> str:
    """Per screening code: requests, requests with no other code, first example (param: batch).

    The example is the request with the lowest row; a struct minimum keeps it deterministic
    when one request carries the same code on two fields.
    """
    return """
        WITH findings AS (
            SELECT row, request_id, split_part(finding, ':', 1) AS code,
                   split_part(finding, ':', 2) AS field,
                   len(list_distinct(string_split(reason_codes, ';'))) = 1 AS sole
            FROM (
                SELECT row, request_id, reason_codes, unnest(findings) AS finding
                FROM decisions WHERE batch_id = ? AND decision = 'REJECTED'
            )
        )
        SELECT code, count(DISTINCT request_id),
               count(DISTINCT request_id) FILTER (WHERE sole),
               min({'row': row, 'request_id': request_id, 'field': field})
        FROM findings GROUP BY code ORDER BY 2 DESC, code"""


def reasons_sql() -> str:
    """Per internal reason of one decision: count and first example (params: batch, decision)."""
    return """
        SELECT reason, count(*), min({'row': row, 'request_id': request_id})
        FROM decisions WHERE batch_id = ? AND decision = ?
        GROUP BY reason ORDER BY 2 DESC, reason"""


# The requests that reached a decision on their candidates: those with candidates and not
# rejected (a request refused after matching as a DUPLICATE is counted among the rejections).
_MATCHED_SQL = "candidate_records > 0 AND decision <> 'REJECTED'"


def weight_range_sql() -> str:
    """Scored, unscored, best-candidate-only counts and the weight range (param: batch)."""
    return f"""
        SELECT count(w), count(*) - count(w), count(w) FILTER (WHERE match_weight IS NULL),
               min(w), max(w)
        FROM (SELECT match_weight, {_WEIGHT_SQL} AS w FROM decisions
              WHERE batch_id = ? AND {_MATCHED_SQL})"""


def weight_bins_sql() -> str:
    """Counts per decision and bin (params: low, width, last bin index, batch id)."""
    return f"""
        SELECT decision, least(CAST(floor((w - $low) / $width) AS INTEGER), $last) AS bin,
               count(*)
        FROM (SELECT decision, {_WEIGHT_SQL} AS w FROM decisions
              WHERE batch_id = $batch AND {_MATCHED_SQL})
        WHERE w IS NOT NULL
        GROUP BY ALL ORDER BY ALL"""


def weight_bands_sql() -> str:
    """Per decision: weights below, between and above the thresholds (params named)."""
    return f"""
        SELECT decision,
               count(*) FILTER (WHERE w < $review),
               count(*) FILTER (WHERE w >= $review AND w < $disclose),
               count(*) FILTER (WHERE w >= $disclose)
        FROM (SELECT decision, {_WEIGHT_SQL} AS w FROM decisions
              WHERE batch_id = $batch AND {_MATCHED_SQL})
        WHERE w IS NOT NULL
        GROUP BY decision"""


def gather_report_data(
    store: Store,
    *,
    batch_id: str,
    agreement: Agreement,
    verification: VerifyReport,
    now: datetime,
    quality: Quality | None = None,
) -> ReportData:
    """Read everything the report shows about ``batch_id`` from the store.

    Args:
        store: The workspace store.
        batch_id: A committed batch.
        agreement: The workspace's agreement (its policy thresholds mark the histogram).
        verification: The outcome of ``verify_ledger`` on this store.
        now: The time the report is made (shown on it).
        quality: Scores against a synthetic world's truth, if any.

    Raises:
        WorkspaceError: The workspace has no such batch.
    """
    batch, flags = _batch(store, batch_id)
    policy = agreement.policy
    return ReportData(
        batch=batch,
        funnel=_funnel(store, batch_id),
        rejection_codes=_rejection_codes(store, batch_id),
        review_reasons=_reasons(store, batch_id, "REVIEW"),
        not_disclosed_reasons=_reasons(store, batch_id, "NOT_DISCLOSED"),
        weights=weight_histogram(
            store,
            batch_id,
            review_weight=policy.review_weight,
            disclose_weight=policy.disclose_weight,
            disclose_probability=policy.disclose_probability,
        ),
        flags=tuple(FlagInfo(f, _flag_rule(f)) for f in flags),
        ledger=ledger_status(store, batch_id=batch_id, verification=verification),
        current_agreement_version=agreement.agreement.version,
        generated_at=now.isoformat(timespec="seconds"),
        quality=quality,
    )


def _batch(store: Store, batch_id: str) -> tuple[BatchInfo, tuple[str, ...]]:
    known = has_table(store, "batches")
    with_override = "as_of_override" in present_columns(store, "batches")
    row = store.fetchone(batch_sql(with_override=with_override), [batch_id]) if known else None
    if row is None:
        raise WorkspaceError(
            f"no batch {batch_id!r} in this workspace",
            hint="run one with `taxgate run WS MANIFEST --out DIR`; list them with "
            "`taxgate accounting WS --stats YEAR`",
        )
    *fields, flags = row
    return BatchInfo(*fields), tuple(sorted(flags))


def _funnel(store: Store, batch_id: str) -> Funnel:
    """The funnel, from the batch's counts (the one source every output reads)."""
    c = batch_counts(store, batch_id)
    passed = c.received - c.rejected
    return Funnel(
        received=c.received,
        rejected=c.rejected,
        passed=passed,
        no_candidate=c.no_candidate,
        with_candidates=passed - c.no_candidate,
        disclosed=c.disclosed_in_response,
        review=c.held_for_review,
        not_disclosed=c.not_disclosed_on_candidates,
        rejected_after_matching=c.rejected_after_matching,
        approved=c.approved,
        declined=c.declined,
        recalled=c.recalled,
    )


def _rejection_codes(store: Store, batch_id: str) -> tuple[CodeCount, ...]:
    out = []
    for code, requests, sole, example in store.fetchall(rejection_codes_sql(), [batch_id]):
        meaning = ReasonCode(code).meaning if code in ReasonCode.__members__ else ""
        out.append(
            CodeCount(
                code=code,
                requests=requests,
                only_code=sole,
                meaning=meaning,
                example_request_id=example["request_id"],
                example_field=example["field"],
            )
        )
    return tuple(out)


def _reasons(store: Store, batch_id: str, decision: str) -> tuple[ReasonCount, ...]:
    return tuple(
        ReasonCount(
            decision=decision,
            reason=reason,
            requests=count,
            rule=REASON_RULES.get(reason, ""),
            example_request_id=example["request_id"],
        )
        for reason, count, example in store.fetchall(reasons_sql(), [batch_id, decision])
    )


def _flag_rule(flag: str) -> str:
    return FLAG_RULES.get(BatchFlag(flag), "") if flag in BatchFlag.__members__ else ""


def bin_edges(low: float, high: float) -> tuple[float, ...]:
    """Edges of at most ``MAX_BINS`` equal bins on a round width, covering ``[low, high]``.

    Example:
        >>> bin_edges(10.0, 20.0)[:3]
        (10.0, 10.5, 11.0)
        >>> len(bin_edges(-3.2, 80.1)) - 1
        43
    """
    for width in BIN_WIDTHS:
        start = math.floor(low / width) * width
        if start > low:  # low / width underflowed to -0.0 (a tiny negative weight)
            start -= width
        count = max(1, math.ceil((high - start) / width))
        if count <= MAX_BINS:
            return tuple(round(start + i * width, 6) for i in range(count + 1))
    raise ValueError(f"weights from {low} to {high} need more than {MAX_BINS} bins")


def weight_histogram(
    store: Store,
    batch_id: str,
    *,
    review_weight: float,
    disclose_weight: float,
    disclose_probability: float,
) -> WeightHistogram:
    """Bin the match weights of ``batch_id``'s requests with candidates, per decision.

    The range always takes in both thresholds, so that they can be marked on the chart.
    """
    row = store.fetchone(weight_range_sql(), [batch_id])
    assert row is not None
    scored, unscored, best_only, low, high = row
    edges: tuple[float, ...] = ()
    per_decision: dict[str, list[int]] = {}
    bands: dict[str, tuple[int, int, int]] = {}
    if scored:
        edges = bin_edges(
            min(low, review_weight, disclose_weight), max(high, review_weight, disclose_weight)
        )
        bins = len(edges) - 1
        params = {"low": edges[0], "width": edges[1] - edges[0], "last": bins - 1}
        rows = store.fetchall(weight_bins_sql(), {**params, "batch": batch_id})
        per_decision = {d: [0] * bins for d in DECISIONS}
        for decision, index, count in rows:
            per_decision.setdefault(decision, [0] * bins)[index] += count
        thresholds = {"review": review_weight, "disclose": disclose_weight, "batch": batch_id}
        for decision, below, between, above in store.fetchall(weight_bands_sql(), thresholds):
            bands[decision] = (below, between, above)
    return WeightHistogram(
        edges=edges,
        counts=tuple((d, tuple(c)) for d, c in per_decision.items() if any(c)),
        scored=scored,
        unscored=unscored,
        from_best_candidate=best_only,
        review_weight=review_weight,
        disclose_weight=disclose_weight,
        disclose_probability=disclose_probability,
        bands=tuple((d, *bands[d]) for d in sorted(bands, key=_decision_order)),
    )


def _decision_order(decision: str) -> tuple[int, str]:
    return (DECISIONS.index(decision) if decision in DECISIONS else len(DECISIONS), decision)


def ledger_status(store: Store, *, batch_id: str, verification: VerifyReport) -> LedgerStatus:
    """The checkpoint that covers the batch, the latest checkpoint, and ``verification``."""
    entries = batch_entries = 0
    last_index: int | None = None
    checkpoints: Sequence[Checkpoint] = ()
    if has_table(store, "ledger_entries"):
        total = store.fetchone("SELECT count(*) FROM ledger_entries")
        mine = store.fetchone(
            "SELECT count(*), max(idx) FROM ledger_entries WHERE batch_id = ?", [batch_id]
        )
        assert total is not None and mine is not None
        entries, (batch_entries, last_index) = total[0], mine
        checkpoints = Ledger(store).checkpoints()
    covering = None
    if last_index is not None:
        covering = next((c for c in checkpoints if c.size > last_index), None)
    return LedgerStatus(
        entries=entries,
        batch_entries=batch_entries,
        batch_checkpoint=None if covering is None else _checkpoint_info(covering),
        latest_checkpoint=_checkpoint_info(checkpoints[-1]) if checkpoints else None,
        verified=verification.ok,
        message=verification.message,
        first_bad_index=verification.first_bad_index,
        exported_checked=verification.exported_checked,
    )


def _checkpoint_info(checkpoint: Checkpoint) -> CheckpointInfo:
    return CheckpointInfo(
        seq=checkpoint.seq,
        size=checkpoint.size,
        root_hex=checkpoint.root.hex(),
        time=checkpoint.time,
        key_id=checkpoint.key_id,
    )
