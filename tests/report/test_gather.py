"""gather: exact counts on a hand-made decisions table, and identities on a real batch."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime
from itertools import pairwise
from typing import Any

import pyarrow as pa
import pytest
from hypothesis import given
from hypothesis import strategies as st

from taxgate.agreement import default_agreement_path, load_agreement
from taxgate.disclosure.records import DECISION_SCHEMA, runs_ddl_sql
from taxgate.errors import WorkspaceError
from taxgate.ledger.verify import VerifyReport
from taxgate.report.gather import MAX_BINS, bin_edges, gather_report_data
from taxgate.report.write import verify_workspace_ledger
from taxgate.store import Store

from .conftest import REPORT_TIME, BatchWorld

AGREEMENT = load_agreement(default_agreement_path())
OK = VerifyReport(True, 0, 0, 0, None, None, "nothing to verify")


def decision(row: int, decision: str, reason: str, **extra: Any) -> dict[str, Any]:
    """A decisions row with only what the report reads filled in."""
    base: dict[str, Any] = {f.name: None for f in DECISION_SCHEMA}
    base.update(
        batch_id="B1",
        row=row,
        request_id=f"Q{row:03d}",
        decision=decision,
        outcome="NOT_DISCLOSED" if decision == "REVIEW" else decision,
        reason=reason,
        reason_codes="",
        findings=[],
        batch_flags=[],
        candidate_records=0,
        candidate_taxpayers=0,
        notes=[],
    )
    base.update(extra)
    return base


def rejected(row: int, *findings: str) -> dict[str, Any]:
    codes = ";".join(f.split(":")[0] for f in findings)
    return decision(row, "REJECTED", "SCREENING", findings=list(findings), reason_codes=codes)


def scored(
    row: int, outcome: str, reason: str, weight: float | None, best: float
) -> dict[str, Any]:
    """A request with two candidates, the best first (as the pipeline writes them)."""
    candidates = json.dumps([{"weight": best}, {"weight": best - 9}])
    return decision(
        row,
        outcome,
        reason,
        candidate_records=2,
        candidate_taxpayers=1,
        match_weight=weight,
        candidates=candidates,
    )


ROWS = [
    rejected(3, "ADDRESS_PLACEHOLDER:street"),
    rejected(1, "ADDRESS_PLACEHOLDER:street", "REASON_MISSING:reason"),
    rejected(2, "NAME_PLACEHOLDER:last_name", "NAME_PLACEHOLDER:first_name"),
    decision(4, "NOT_DISCLOSED", "NO_CANDIDATE"),
    scored(5, "DISCLOSE", "MATCHED", 31.0, 31.0),
    scored(6, "DISCLOSE", "MATCHED", 24.5, 24.5),
    scored(7, "REVIEW", "BORDERLINE", 15.0, 15.0),
    scored(8, "NOT_DISCLOSED", "ADDRESS_NOT_CORROBORATED", None, 27.0),
    scored(9, "NOT_DISCLOSED", "AMBIGUOUS", 8.0, 8.0),
]


@pytest.fixture
def store() -> Iterator[Store]:
    with Store.memory() as opened:
        opened.execute(runs_ddl_sql())
        opened.insert_arrow("decisions", pa.Table.from_pylist(ROWS, schema=DECISION_SCHEMA))
        opened.execute(
            "INSERT INTO batches VALUES ('B1', 'ICE', 'ice-director', 'aa', 'bb', 9, "
            "'2025-07-15', '2025-07-15', '2025-07-16T00:00:00+00:00', 'RELEASED', "
            "['BATCH_BOILERPLATE_REASONS'], 'fs-1', 'policy-1', 'irs-ice-2025', 'v1', '{}', false)"
        )
        yield opened


def gather(store: Store) -> Any:
    return gather_report_data(
        store, batch_id="B1", agreement=AGREEMENT, verification=OK, now=REPORT_TIME
    )


def test_funnel_counts_every_stage(store: Store) -> None:
    funnel = gather(store).funnel
    assert (funnel.received, funnel.rejected, funnel.passed) == (9, 3, 6)
    assert (funnel.no_candidate, funnel.with_candidates) == (1, 5)
    assert (funnel.disclosed, funnel.review, funnel.not_disclosed) == (2, 1, 2)


def test_codes_count_requests_once_with_the_first_example_by_row(store: Store) -> None:
    codes = {c.code: c for c in gather(store).rejection_codes}
    assert list(codes) == ["ADDRESS_PLACEHOLDER", "NAME_PLACEHOLDER", "REASON_MISSING"]
    placeholder = codes["ADDRESS_PLACEHOLDER"]
    assert (placeholder.requests, placeholder.only_code) == (2, 1)
    assert (placeholder.example_request_id, placeholder.example_field) == ("Q001", "street")
    # Twice on one request (first and last name) is one request; the example is deterministic.
    assert codes["NAME_PLACEHOLDER"].requests == 1 and codes["NAME_PLACEHOLDER"].only_code == 1
    assert codes["NAME_PLACEHOLDER"].example_field == "first_name"
    assert codes["REASON_MISSING"].meaning.startswith("no reason")


def test_review_and_not_disclosed_reasons_carry_rules_and_examples(store: Store) -> None:
    data = gather(store)
    assert [(r.reason, r.requests, r.example_request_id) for r in data.review_reasons] == [
        ("BORDERLINE", 1, "Q007")
    ]
    reasons = {r.reason: r for r in data.not_disclosed_reasons}
    assert set(reasons) == {"NO_CANDIDATE", "ADDRESS_NOT_CORROBORATED", "AMBIGUOUS"}
    assert all(r.rule for r in reasons.values())


def test_weights_fall_back_to_the_best_candidate_and_take_in_the_thresholds(store: Store) -> None:
    weights = gather(store).weights
    assert weights.scored == 5 and weights.unscored == 0 and weights.from_best_candidate == 1
    assert weights.edges[0] <= min(8.0, AGREEMENT.policy.review_weight)
    assert weights.edges[-1] >= 31.0
    assert sum(sum(c) for _, c in weights.counts) == 5
    assert (weights.review_weight, weights.disclose_weight) == (
        AGREEMENT.policy.review_weight,
        AGREEMENT.policy.disclose_weight,
    )
    bands = {d: (a, b, c) for d, a, b, c in weights.bands}
    assert bands == {"DISCLOSE": (0, 0, 2), "REVIEW": (0, 1, 0), "NOT_DISCLOSED": (1, 0, 1)}


def test_flags_versions_and_the_absent_ledger(store: Store) -> None:
    data = gather(store)
    assert [f.flag for f in data.flags] == ["BATCH_BOILERPLATE_REASONS"]
    assert "boilerplate" in data.flags[0].rule
    assert (data.batch.model_version, data.batch.agreement_version) == ("fs-1", "v1")
    assert data.current_agreement_version == AGREEMENT.agreement.version
    assert data.ledger.entries == 0 and data.ledger.latest_checkpoint is None
    assert data.generated_at == REPORT_TIME.isoformat()


def test_an_unknown_batch_is_a_workspace_error(store: Store) -> None:
    with pytest.raises(WorkspaceError, match="no batch 'B2'"):
        gather_report_data(
            store, batch_id="B2", agreement=AGREEMENT, verification=OK, now=REPORT_TIME
        )


@given(
    low=st.floats(-100, 200, allow_nan=False),
    span=st.floats(0, 300, allow_nan=False),
)
def test_bin_edges_cover_the_range_in_equal_round_bins(low: float, span: float) -> None:
    edges = bin_edges(low, low + span)
    widths = {round(b - a, 6) for a, b in pairwise(edges)}
    assert len(widths) == 1 and 1 <= len(edges) - 1 <= MAX_BINS
    assert edges[0] <= low and edges[-1] >= low + span - 1e-9


def test_a_real_batch_adds_up(batch_world: BatchWorld) -> None:
    ws = batch_world.workspace
    verification = verify_workspace_ledger(ws)
    with Store.open(ws.store_path) as store:
        data = gather_report_data(
            store,
            batch_id=batch_world.batch_id,
            agreement=ws.agreement(),
            verification=verification,
            now=datetime.now(UTC),
        )
        by_decision = dict(
            store.fetchall("SELECT decision, count(*) FROM decisions GROUP BY decision")
        )
    funnel = data.funnel
    assert funnel.received == data.batch.rows == sum(by_decision.values())
    assert funnel.rejected == by_decision["REJECTED"]
    assert funnel.passed == funnel.no_candidate + funnel.with_candidates
    assert funnel.with_candidates == funnel.disclosed + funnel.review + funnel.not_disclosed
    assert funnel.disclosed == by_decision["DISCLOSE"]
    assert sum(r.requests for r in data.review_reasons) == by_decision.get("REVIEW", 0)
    assert sum(r.requests for r in data.not_disclosed_reasons) == by_decision["NOT_DISCLOSED"]
    assert sum(sum(c) for _, c in data.weights.counts) == data.weights.scored
    assert data.weights.scored + data.weights.unscored == funnel.with_candidates
    assert data.ledger.verified, data.ledger.message
    assert data.ledger.batch_checkpoint is not None
    assert data.ledger.batch_checkpoint.size == data.ledger.entries
    assert len(data.ledger.batch_checkpoint.root_hex) == 64
