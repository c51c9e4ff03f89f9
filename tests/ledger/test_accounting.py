"""Accounting of disclosures (§6103(p)(3)(A)) and the annual statistics (§6103(p)(3)(C))."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from taxgate.errors import InputError
from taxgate.ledger import events as ev
from taxgate.ledger.accounting import disclosure_statistics, list_disclosures
from taxgate.ledger.log import ledger_transaction
from taxgate.ledger.recall import recall_disclosures
from taxgate.store import Store
from taxgate.workspace import Workspace

from .conftest import NOW, STATUTE, record_batch, tin_for


@pytest.fixture
def accounted(store: Store, workspace: Workspace) -> Store:
    """ICE: B1 (3 disclosed, Aug 2025), B2 (2, Jan 2026, one TIN shared with B1);
    USMS: M1 (2 disclosed); ICE: B3 (4 requests, nothing disclosed); a signed batch B4
    refused for its attestation, a replay of B1, and an unsigned forgery claiming FBI."""
    shared = tin_for("B1", 0)
    record_batch(store, workspace, "B1", 3)
    record_batch(
        store, workspace, "B2", 2, now=NOW.replace(year=2026, month=1), tins=[shared, "900777777"]
    )
    record_batch(store, workspace, "M1", 2, requester="USMS", now=NOW + timedelta(days=3))
    record_batch(store, workspace, "B3", 4, disclose=False, now=NOW + timedelta(days=4))
    with ledger_transaction(store, workspace, now=NOW) as ledger:
        ledger.append(
            [
                ev.batch_refused_verified(
                    batch_id="B4",
                    requester="ICE",
                    code="SIGNER_ATTESTATION",
                    rows=50,
                    file_sha256="ab" * 32,
                    replay=False,
                ),
                ev.batch_refused_verified(
                    batch_id="B1",
                    requester="ICE",
                    code="SIGNER_REPLAY",
                    rows=3,
                    file_sha256="cd" * 32,
                    replay=True,
                ),
                ev.batch_refused(file_sha256="ef" * 32, code="SIGNER_UNKNOWN"),
            ],
            now=NOW,
        )
    return store


def test_disclosures_by_taxpayer_in_any_tin_format(accounted: Store) -> None:
    tin = tin_for("B1", 0)
    found = list_disclosures(accounted, tin=f"{tin[:3]}-{tin[3:5]}-{tin[5:]}")
    assert [(d.batch_id, d.request_id) for d in found] == [("B1", "B1-R0000"), ("B2", "B2-R0000")]
    first = found[0]
    assert first.tin == tin and first.requester == "ICE" and first.statute == STATUTE
    assert first.address["street"] == "0 ELM AVE" and first.as_of == "2025-03-01"
    assert first.agreement_id == "irs-ice-2025" and first.recall_id is None


def test_disclosures_by_batch_requester_and_period(accounted: Store) -> None:
    assert len(list_disclosures(accounted, batch_id="B1")) == 3
    assert len(list_disclosures(accounted, batch_id="B3")) == 0
    assert {d.batch_id for d in list_disclosures(accounted, requester="USMS")} == {"M1"}
    august = list_disclosures(accounted, since=date(2025, 8, 1), until=date(2025, 8, 7))
    assert {d.batch_id for d in august} == {"B1"}
    inclusive = list_disclosures(accounted, since=date(2025, 8, 10), until=date(2025, 8, 10))
    assert {d.batch_id for d in inclusive} == {"M1"}
    both = list_disclosures(accounted, requester="ICE", since=date(2026, 1, 1))
    assert [d.batch_id for d in both] == ["B2", "B2"]
    assert len(list_disclosures(accounted)) == 7


def test_a_malformed_tin_query_is_an_input_error(accounted: Store) -> None:
    with pytest.raises(InputError, match="nine digits"):
        list_disclosures(accounted, tin="12-34")


def test_yearly_statistics_per_agency(accounted: Store) -> None:
    by_agency = {s.requester: s for s in disclosure_statistics(accounted, year=2025)}
    ice, usms = by_agency["ICE"], by_agency["USMS"]
    # Screened in B1 and B3, plus the signed refused batch's rows; the replay of B1 is not
    # counted again, and the unsigned refusal's claims are not counted at all.
    assert ice.requests == 3 + 4 + 50
    assert ice.instances_disclosed == 3 and ice.taxpayers_affected == 3
    assert ice.purposes == (STATUTE,) and ice.batches == 4 and ice.batches_refused == 2
    assert set(by_agency) == {"ICE", "USMS"}
    assert usms.requests == 2 and usms.instances_disclosed == 2 and usms.taxpayers_affected == 2
    next_year = {s.requester: s for s in disclosure_statistics(accounted, year=2026)}
    assert set(next_year) == {"ICE"}
    assert next_year["ICE"].instances_disclosed == 2 and next_year["ICE"].taxpayers_affected == 2
    assert disclosure_statistics(accounted, year=2024) == []


def test_recalled_disclosures_are_marked_and_still_counted(
    accounted: Store, workspace: Workspace
) -> None:
    with ledger_transaction(accounted, workspace, now=NOW) as ledger:
        recall_disclosures(ledger, batch_id="B1", request_ids=["B1-R0001"], why="bad", now=NOW)
    marked = {d.request_id: d.recall_id for d in list_disclosures(accounted, batch_id="B1")}
    assert marked["B1-R0001"] is not None and marked["B1-R0000"] is None
    ice = next(s for s in disclosure_statistics(accounted, year=2025) if s.requester == "ICE")
    assert ice.instances_disclosed == 3 and ice.recalled == 1


def test_an_empty_workspace_has_nothing_to_account_for(store: Store) -> None:
    assert list_disclosures(store) == []
    assert disclosure_statistics(store, year=2025) == []
