"""Recall: ledger entries per disclosure, a disposal request, an IG report without taxpayer data."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from taxgate.errors import InputError, WorkspaceError
from taxgate.ledger.events import EventKind
from taxgate.ledger.log import Ledger, ledger_transaction
from taxgate.ledger.recall import (
    DISPOSAL_CSV,
    DISPOSAL_JSON,
    INCIDENT_JSON,
    RecallRecord,
    recall_disclosures,
    recalls,
    write_recall_documents,
)
from taxgate.store import Store
from taxgate.workspace import Workspace

from .conftest import NOW, record_batch, tin_for, verify


def _recall(
    store: Store, workspace: Workspace, *, batch_id: str, request_ids: list[str] | None, why: str
) -> RecallRecord:
    with ledger_transaction(store, workspace, now=NOW) as ledger:
        return recall_disclosures(
            ledger, batch_id=batch_id, request_ids=request_ids, why=why, now=NOW
        )


def test_recalling_a_whole_batch(store: Store, workspace: Workspace, tmp_path: Path) -> None:
    record_batch(store, workspace, "B1", 3)
    record = _recall(store, workspace, batch_id="B1", request_ids=None, why="TIN-only match")
    assert record.request_ids == ("B1-R0000", "B1-R0001", "B1-R0002")
    assert record.requester == "ICE" and record.agreement_id == "irs-ice-2025"
    ledger = Ledger(store)
    kinds = [ledger.entry(i).kind for i in range(record.first_entry, record.last_entry + 1)]
    assert kinds == [EventKind.DISCLOSURE_RECALLED] * 3
    assert recalls(store) == [record]
    assert verify(store, workspace).ok


def test_recalling_some_requests_and_refusing_repeats(store: Store, workspace: Workspace) -> None:
    record_batch(store, workspace, "B1", 3)
    first = _recall(store, workspace, batch_id="B1", request_ids=["B1-R0001"], why="wrong person")
    assert first.request_ids == ("B1-R0001",)
    with pytest.raises(WorkspaceError, match="already recalled"):
        _recall(store, workspace, batch_id="B1", request_ids=["B1-R0001"], why="again")
    rest = _recall(store, workspace, batch_id="B1", request_ids=None, why="whole batch")
    assert rest.request_ids == ("B1-R0000", "B1-R0002")
    with pytest.raises(WorkspaceError, match="every disclosure"):
        _recall(store, workspace, batch_id="B1", request_ids=None, why="again")


@pytest.mark.parametrize(
    ("batch_id", "request_ids", "why", "message"),
    [
        ("B9", None, "x", "no disclosures"),
        ("B1", ["B1-R0042"], "x", "disclosed nothing"),
        ("B1", None, "  ", "--why"),
        ("B1", None, "taxpayer 123-45-6789 was wrong", "looks like it holds a TIN"),
    ],
)
def test_recall_input_errors(
    store: Store,
    workspace: Workspace,
    batch_id: str,
    request_ids: list[str] | None,
    why: str,
    message: str,
) -> None:
    record_batch(store, workspace, "B1", 1)
    with pytest.raises(InputError, match=message):
        _recall(store, workspace, batch_id=batch_id, request_ids=request_ids, why=why)


def test_the_documents_carry_ids_and_counts_only(
    store: Store, workspace: Workspace, tmp_path: Path
) -> None:
    record_batch(store, workspace, "B1", 2)
    record = _recall(store, workspace, batch_id="B1", request_ids=None, why="address unverified")
    paths = write_recall_documents(record, tmp_path / "r", incident_report_hours=24)
    assert sorted(p.name for p in paths) == sorted([DISPOSAL_CSV, DISPOSAL_JSON, INCIDENT_JSON])
    text = " ".join(p.read_text() for p in paths)
    for number in range(2):
        assert tin_for("B1", number) not in text
        assert f"{number} ELM AVE" not in text and "SPRINGFIELD" not in text
    disposal = json.loads((tmp_path / "r" / DISPOSAL_JSON).read_text())
    assert disposal["recipient"] == "ICE" and disposal["request_ids"] == ["B1-R0000", "B1-R0001"]
    rows = list(csv.reader((tmp_path / "r" / DISPOSAL_CSV).read_text().splitlines()))
    assert rows == [["batch_id", "request_id"], ["B1", "B1-R0000"], ["B1", "B1-R0001"]]
    incident = json.loads((tmp_path / "r" / INCIDENT_JSON).read_text())
    assert incident["records_recalled"] == 2
    assert incident["report_due_by"] == "2025-08-08T12:00:00.000000Z"
    assert incident["disclosure_ledger_entries"] == list(record.disclosure_entries)
