"""``taxgate.disclosure.counts``: exact counts on a hand-made batch, and every output of a real
batch (the demo summary, ``batch list``, the report, ``accounting``, ``explain``) reading the
same figures after one review was approved and another declined (issue 15, Deliver 5)."""

from __future__ import annotations

import csv
import doctest
import json
import re
from collections.abc import Iterator
from typing import Any

import pyarrow as pa
import pytest

from taxgate.app.demo import summary_rows
from taxgate.app.explain import explain_request
from taxgate.cli.main import run_cli
from taxgate.disclosure import counts as counts_module
from taxgate.disclosure.counts import (
    BatchCounts,
    Standing,
    batch_counts,
    count_lines,
    request_standing,
)
from taxgate.disclosure.records import DECISION_SCHEMA, runs_ddl_sql
from taxgate.disclosure.reviews import reviews_ddl_sql
from taxgate.report.charts import ReportCharts
from taxgate.report.sections import render_report
from taxgate.report.write import report_data
from taxgate.store import Store
from taxgate.synth import score_files
from taxgate.workspace import Workspace

from ..conftest import ReviewedWorld


def test_module_examples_run() -> None:
    result = doctest.testmod(counts_module, optionflags=doctest.ELLIPSIS)
    assert result.attempted > 0 and result.failed == 0


def _decision(row: int, decision: str, reason: str, candidates: int = 2) -> dict[str, Any]:
    base: dict[str, Any] = {f.name: None for f in DECISION_SCHEMA}
    base.update(
        batch_id="B1",
        row=row,
        request_id=f"Q{row}",
        decision=decision,
        reason=reason,
        candidate_records=candidates,
    )
    return base


ROWS = [
    _decision(1, "REJECTED", "SCREENING", 0),
    _decision(2, "REJECTED", "SAME_TAXPAYER"),
    _decision(3, "DISCLOSE", "MATCHED"),
    _decision(4, "DISCLOSE", "MATCHED"),
    _decision(5, "REVIEW", "BORDERLINE"),
    _decision(6, "REVIEW", "BORDERLINE"),
    _decision(7, "REVIEW", "BORDERLINE"),
    _decision(8, "NOT_DISCLOSED", "NO_CANDIDATE", 0),
    _decision(9, "NOT_DISCLOSED", "AMBIGUOUS"),
]


@pytest.fixture
def store() -> Iterator[Store]:
    with Store.memory() as opened:
        opened.execute(runs_ddl_sql())
        opened.insert_arrow("decisions", pa.Table.from_pylist(ROWS, schema=DECISION_SCHEMA))
        opened.execute(reviews_ddl_sql())
        for n, (request, verdict) in enumerate((("Q5", "APPROVED"), ("Q6", "DECLINED"))):
            opened.execute(
                "INSERT INTO reviews (review_id, batch_id, request_id, held_for, reviewer, "
                "decision, why, decided_at, as_of, review_entry) "
                "VALUES (?, 'B1', ?, 'BORDERLINE', 'j.doe', ?, 'w', 't', '2025-07-15', ?)",
                [f"review-{n}", request, verdict, n],
            )
        # Only the columns the counts read: one disclosure of Q3 recalled.
        opened.execute(
            "CREATE TABLE ledger_entries (idx BIGINT, kind VARCHAR, batch_id VARCHAR, "
            "request_id VARCHAR)"
        )
        opened.execute("INSERT INTO ledger_entries VALUES (9, 'DISCLOSURE_RECALLED', 'B1', 'Q3')")
        yield opened


def test_every_request_has_one_standing(store: Store) -> None:
    counts = batch_counts(store, "B1")
    assert counts == BatchCounts(
        received=9,
        rejected_at_screening=1,
        rejected_after_matching=1,
        disclosed_in_response=2,
        held_for_review=3,
        approved=1,
        declined=1,
        no_candidate=1,
        not_disclosed_on_candidates=1,
        recalled=1,
    )
    assert (counts.rejected, counts.disclosed, counts.not_disclosed) == (2, 3, 4)
    assert counts.rejected + counts.disclosed + counts.not_disclosed == counts.received
    assert counts.pending_review == 1
    standings = {f"Q{n}": request_standing(store, "B1", f"Q{n}") for n in range(1, 10)}
    assert standings["Q2"] == (Standing.REJECTED_DUPLICATE, False)
    assert standings["Q3"] == (Standing.DISCLOSED, True)
    assert standings["Q5"] == (Standing.DISCLOSED_AFTER_REVIEW, False)
    assert standings["Q6"] == (Standing.REVIEW_DECLINED, False)
    assert standings["Q7"] == (Standing.REVIEW_PENDING, False)
    assert standings["Q8"] == (Standing.NO_CANDIDATE, False)
    assert request_standing(store, "B1", "nope") is None
    assert batch_counts(store, "other") == BatchCounts()


def test_count_lines_name_every_figure_with_plurals(store: Store) -> None:
    lines = count_lines(batch_counts(store, "B1"))
    assert lines == (
        "disclosed 3, not disclosed 4, rejected 2",
        "held for review 3: 1 approved and disclosed, 1 declined, 1 pending",
        "of the rejected, 1 request refused after matching as DUPLICATE",
        "recalled: 1 disclosure",
    )
    assert count_lines(BatchCounts(received=2, rejected_at_screening=2)) == (
        "disclosed 0, not disclosed 0, rejected 2",
    )


# --- every output of a real batch, after one approval and one decline ------------------------

_BAD_PLURAL = re.compile(r"(?<![\d,.])1 (requests|disclosures|reviews|taxpayers|entries)\b")


def test_every_output_reads_the_same_counts(
    reviewed_world: ReviewedWorld, capsys: pytest.CaptureFixture[str]
) -> None:
    w = reviewed_world
    ws = Workspace.open(w.ws)
    with Store.open(ws.store_path) as store:
        counts = batch_counts(store, w.batch_id)
    lines = count_lines(counts)
    assert (counts.approved, counts.declined) == (1, 1)
    assert counts.received == 200 and counts.pending_review == counts.held_for_review - 2

    # The response as first answered, and the supplement since.
    with (w.root / "out" / "response.csv").open(encoding="utf-8", newline="") as handle:
        outcomes = [r["outcome"] for r in csv.DictReader(handle)]
    assert outcomes.count("DISCLOSED") == counts.disclosed_in_response
    assert outcomes.count("REJECTED") == counts.rejected
    assert len(list((w.root / "supplements").glob("supplement-*.csv"))) == counts.approved

    # The demo's summary.
    score = score_files(w.root / "out" / "response.csv", w.world / "truth.parquet")
    summary = {label.strip(): ours for label, ours, _ in summary_rows(counts, score, score)}
    assert summary["disclosed"] == f"{counts.disclosed:,}"
    assert summary["of which after review"] == "1"
    assert summary["not disclosed"] == f"{counts.not_disclosed:,}"
    assert summary["of which held for review"] == f"{counts.pending_review:,}"
    assert summary["of which declined on review"] == "1"
    assert summary["rejected"] == f"{counts.rejected:,}"

    # `taxgate batch list`.
    assert run_cli(["batch", "list", str(w.ws)]) == 0
    listed = capsys.readouterr().out
    assert all(f"  {line}\n" in listed for line in lines)

    # The report: its funnel, its cards and its review section.
    data = report_data(ws, w.batch_id)
    funnel = data.funnel
    assert (funnel.disclosed_now, funnel.not_disclosed_now) == (
        counts.disclosed,
        counts.not_disclosed,
    )
    assert (funnel.rejected, funnel.received) == (counts.rejected, counts.received)
    assert (funnel.approved, funnel.declined, funnel.pending_review) == (
        1,
        1,
        counts.pending_review,
    )
    html = render_report(data, ReportCharts(funnel="", codes="", weights="", quality=""))
    assert (
        f'<span class="n">{counts.disclosed:,}</span><span class="l">disclosed (1 after review)'
        in html
    )
    assert f'<span class="n">{counts.not_disclosed:,}</span><span class="l">not disclosed<' in html
    assert "<strong>1</strong> approved and disclosed in a supplementary response" in html

    # `taxgate accounting`: the ledger's disclosures of the batch, and the same counts.
    assert run_cli(["accounting", str(w.ws), "--batch", w.batch_id, "--format", "json"]) == 0
    assert len(json.loads(capsys.readouterr().out)) == counts.disclosed
    assert run_cli(["accounting", str(w.ws), "--batch", w.batch_id]) == 0
    table = capsys.readouterr().out
    assert all(f"  {line}\n" in table for line in lines)
    assert f"{counts.disclosed:,} disclosures to ICE" in table

    # `taxgate explain`, of the approved request.
    explained = explain_request(ws, w.approved, batch_id=w.batch_id)
    assert explained.batch_counts == counts.as_dict()
    assert explained.batch_lines == lines
    assert explained.standing == Standing.DISCLOSED_AFTER_REVIEW.value
    assert run_cli(["explain", str(w.ws), w.declined, "--batch", w.batch_id, "--json"]) == 0
    declined = json.loads(capsys.readouterr().out)
    assert declined["batch_counts"] == counts.as_dict()
    assert declined["standing"] == Standing.REVIEW_DECLINED.value

    for text in (listed, table, *lines):
        assert not _BAD_PLURAL.search(text), text
