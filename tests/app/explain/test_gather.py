"""``taxgate explain`` end to end on a real batch with reviews: every kind of decision gets
the request, its candidates with their comparisons, the rule, the address and its filing,
the review; ``--json`` is the same as data (issue 15, Deliver 4)."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from taxgate.app.explain import explain_request, explanation_lines
from taxgate.cli.main import run_cli
from taxgate.errors import WorkspaceError
from taxgate.report.write import report_data
from taxgate.store import Store
from taxgate.workspace import Workspace

from ...conftest import ReviewedWorld


def _decisions(w: ReviewedWorld) -> list[dict[str, object]]:
    with Store.open(Workspace.open(w.ws).store_path, read_only=True) as store:
        table = store.arrow("SELECT * FROM decisions WHERE batch_id = ? ORDER BY row", [w.batch_id])
    return table.to_pylist()


def test_every_kind_of_decision_is_explained(reviewed_world: ReviewedWorld) -> None:
    w = reviewed_world
    ws = Workspace.open(w.ws)
    decisions = _decisions(w)
    first_of_each = {}
    for d in decisions:
        first_of_each.setdefault((d["decision"], d["reason"]), d)
    assert len(first_of_each) >= 6, sorted(first_of_each)
    # Every TIN the batch saw: those the requests gave and those of every candidate.
    tins = {str(c["tin"]) for d in decisions for c in json.loads(str(d["candidates"] or "[]"))}
    with (w.world / "requests.csv").open(encoding="utf-8", newline="") as handle:
        tins |= {r["tin"] for r in csv.DictReader(handle) if len(r["tin"]) >= 9}
    for (decision, reason), d in sorted(first_of_each.items()):
        e = explain_request(ws, str(d["request_id"]), batch_id=w.batch_id)
        assert (e.decision, e.reason) == (decision, reason)
        assert e.rule and e.received and e.standardised is not None
        text = "\n".join(explanation_lines(e))
        data = json.dumps(e.as_json())
        assert not [tin for tin in tins if tin in text or tin in data], "a TIN in the clear"
        if decision == "REJECTED":
            assert e.findings and all(f.code and f.message for f in e.findings)
            assert all(f"{f.code} on {f.field}: {f.message}" in text for f in e.findings)
        if int(str(d["candidate_records"] or 0)):
            assert e.candidates and all(c.verdict for c in e.candidates)
            assert all(len(c.records[0].comparisons) == 9 for c in e.candidates)
            losers = [c for c in e.candidates if not c.chosen]
            assert all(c.verdict.startswith("lost: ") for c in losers)
        if decision == "DISCLOSE":
            assert e.address is not None and e.address.status == "disclosed"
            assert e.address.street == d["lka_street"] and e.address.since == d["lka_as_of"]
            assert "This address was disclosed; it comes from the " in e.address.words
            assert "RETURN:" not in text


def test_a_rejected_request_shows_its_code_message_and_value(
    reviewed_world: ReviewedWorld,
) -> None:
    w = reviewed_world
    rejected = next(
        d for d in _decisions(w) if d["decision"] == "REJECTED" and d["reason"] == "SCREENING"
    )
    e = explain_request(Workspace.open(w.ws), str(rejected["request_id"]), batch_id=w.batch_id)
    finding = e.findings[0]
    assert finding.code == str(rejected["reason_codes"]).split(";")[0]
    assert finding.meaning and finding.message
    if finding.field in e.received and finding.field != "tin":
        assert finding.value == e.received[finding.field]
    assert e.rule.startswith(f"Rejected at screening ({finding.code}")
    assert e.address is None and "never matched" in e.address_note


def test_after_review_the_outcome_and_the_address_are_shown(
    reviewed_world: ReviewedWorld, capsys: pytest.CaptureFixture[str]
) -> None:
    w = reviewed_world
    ws = Workspace.open(w.ws)
    approved = explain_request(ws, w.approved, batch_id=w.batch_id)
    assert approved.decision == "REVIEW" and approved.review is not None
    assert approved.review.decision == "APPROVED" and approved.review.disclosure_entry
    assert approved.standing_words.startswith("disclosed after a reviewer approved it")
    assert approved.address is not None and approved.address.status == "disclosed after review"
    supplement = next(w.root.joinpath("supplements").glob("supplement-*.csv")).read_text()
    assert approved.address.street in supplement and approved.address.since in supplement
    declined = explain_request(ws, w.declined, batch_id=w.batch_id)
    assert declined.review is not None and declined.review.decision == "DECLINED"
    assert declined.address is not None and declined.address.status == "would be disclosed"
    assert "looked up now" in declined.address_note

    assert run_cli(["explain", str(w.ws), w.approved, "--batch", w.batch_id]) == 0
    text = capsys.readouterr().out
    assert f"review {approved.review.review_id}: APPROVED by j.doe" in text
    assert "address (disclosed after review): " in text
    assert run_cli(["explain", str(w.ws), w.approved, "--batch", w.batch_id, "--json"]) == 0
    assert json.loads(capsys.readouterr().out) == json.loads(json.dumps(approved.as_json()))


def test_an_unknown_request_is_refused(reviewed_world: ReviewedWorld) -> None:
    with pytest.raises(WorkspaceError, match="no decision for request 'nope'"):
        explain_request(Workspace.open(reviewed_world.ws), "nope")


def test_a_batch_of_an_earlier_taxgate_is_explained_with_what_it_kept(
    reviewed_world: ReviewedWorld, tmp_path: Path
) -> None:
    """A workspace whose decisions lack the columns added for explanations (and whose batch
    row lacks ``as_of_override``) is explained read-only, with a note, never altered."""
    w = reviewed_world.copy(tmp_path / "older")
    with Store.open(Workspace.open(w.ws).store_path) as store:
        for column in ("hypotheses", "request_standardised", "finding_details"):
            store.execute(f"ALTER TABLE decisions DROP COLUMN {column}")
        store.execute("ALTER TABLE batches DROP COLUMN as_of_override")
    disclosed = next(str(d["request_id"]) for d in _decisions(w) if d["decision"] == "DISCLOSE")
    before = (w.ws / "store.duckdb").read_bytes()
    e = explain_request(Workspace.open(w.ws), disclosed, batch_id=w.batch_id)
    assert (w.ws / "store.duckdb").read_bytes() == before
    assert e.standardised is None and e.as_of_override is False
    assert e.candidates and e.candidates[0].bits is None
    assert any("earlier taxgate" in note for note in e.notes)
    assert e.address is not None and e.address.status == "disclosed"
    assert report_data(Workspace.open(w.ws), w.batch_id).batch.as_of_override is False
    assert report_data(Workspace.open(w.ws), w.batch_id).batch.as_of_override is False
