"""The review workflow's pure core: the release rules, the supplement, and the SQL builders."""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime

import pyarrow as pa
import pytest

from taxgate.disclosure import queue, reviews
from taxgate.disclosure.queue import QueueFilter
from taxgate.disclosure.records import DECISION_SCHEMA, runs_ddl_sql
from taxgate.disclosure.response import RESPONSE_COLUMNS, response_csv
from taxgate.disclosure.reviews import ReleaseFacts, ReviewState, approval_refusals
from taxgate.errors import StoreError
from taxgate.ledger import events as ev
from taxgate.ledger.log import Ledger
from taxgate.store import Store

NOW = datetime(2025, 8, 7, 12, 0, tzinfo=UTC)
AS_OF = date(2025, 7, 15)


def test_nothing_refuses_a_clear_approval() -> None:
    assert approval_refusals(ReleaseFacts("B1", AS_OF)) == ()


@pytest.mark.parametrize(
    ("facts", "phrase"),
    [
        (ReleaseFacts("B1", AS_OF, hold_id="hold-4"), "legal hold hold-4 is in force"),
        (ReleaseFacts("B1", AS_OF, withheld=True), "§6103(i)(6) withhold list"),
        (ReleaseFacts("B1", AS_OF, disclosed_by="R9"), "request R9 of batch B1 already disclosed"),
        (ReleaseFacts("B1", AS_OF, recall_id="recall-8"), "recalled as erroneous (recall-8)"),
        (ReleaseFacts("B1", AS_OF, lka_found=False, lka_usable=False), "as of 2025-07-15"),
        (ReleaseFacts("B1", AS_OF, lka_usable=False), "fail taxgate's own address screening"),
    ],
)
def test_each_ground_refuses_on_its_own(facts: ReleaseFacts, phrase: str) -> None:
    (refusal,) = approval_refusals(facts)
    assert phrase in refusal


def test_every_ground_is_named_at_once() -> None:
    facts = ReleaseFacts(
        "B1",
        AS_OF,
        hold_id="hold-1",
        withheld=True,
        disclosed_by="R2",
        recall_id="recall-3",
        lka_found=False,
        lka_usable=False,
    )
    assert len(approval_refusals(facts)) == 5  # no LKA: whether it is usable is moot


def test_states_are_the_review_lifecycle() -> None:
    assert [s.value for s in ReviewState] == ["PENDING", "APPROVED", "DECLINED"]


def test_the_supplement_is_one_contract_row() -> None:
    row = reviews.supplement_row(
        "R7",
        street="12 MAIN ST",
        unit="APT 3",
        city="AUSTIN",
        state="TX",
        zip_code="78701-1234",
        as_of="2025-03-09",
    )
    text = response_csv([row]).decode("utf-8")
    assert text == (
        "request_id,outcome,reason_codes,street,unit,city,state,zip,address_as_of\n"
        "R7,DISCLOSED,,12 MAIN ST,APT 3,AUSTIN,TX,78701-1234,2025-03-09\n"
    )
    assert tuple(next(csv.reader(io.StringIO(text)))) == RESPONSE_COLUMNS


@pytest.mark.parametrize(
    ("batch_id", "request_id", "name"),
    [
        ("b-1:x", "R0000007", "supplement-b-1:x-R0000007.csv"),
        ("B1", "../../etc/passwd", "supplement-B1-.._.._etc_passwd.csv"),
        ("B1", "R 7/é", "supplement-B1-R_7__.csv"),
    ],
)
def test_the_supplement_name_stays_in_its_folder(batch_id: str, request_id: str, name: str) -> None:
    assert reviews.supplement_file_name(batch_id, request_id) == name
    assert "/" not in name


def _store_with_reviews() -> Store:
    """An in-memory store with one batch: R1 and R2 held for review, R3 disclosed."""
    store = Store.memory()
    store.execute(runs_ddl_sql())
    Ledger(store).ensure_schema()
    rows = [
        {"batch_id": "B1", "row": n, "request_id": f"R{n}", "decision": d, "reason": r}
        for n, d, r in (
            (1, "REVIEW", "DOB_SLIP"),
            (2, "REVIEW", "BORDERLINE"),
            (3, "DISCLOSE", "MATCHED"),
        )
    ]
    decisions = pa.Table.from_pylist(
        [{f.name: row.get(f.name) for f in DECISION_SCHEMA} for row in rows], schema=DECISION_SCHEMA
    )
    store.insert_arrow("decisions", decisions)
    store.execute(
        "INSERT INTO batches VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            "B1",
            "ICE",
            "s",
            "m",
            "r",
            3,
            AS_OF,
            AS_OF,
            NOW.isoformat(),
            "RELEASED",
            [],
            "fs-1",
            "policy-1",
            "irs-ice-2025",
            "v1",
            "{}",
            False,
        ],
    )
    return store


def test_pending_reviews_leave_out_the_decided_and_the_disclosed() -> None:
    store = _store_with_reviews()
    pending_sql = queue.pending_page_sql(QueueFilter(batch_id="B1"), paged=False)
    assert [r[1] for r in store.fetchall(pending_sql, ["B1"])] == ["R1", "R2"]
    event = ev.review_decided(
        batch_id="B1",
        request_id="R1",
        review_id="review-0",
        decision="DECLINED",
        reviewer="officer-7",
        held_for="DOB_SLIP",
        why="another person",
    )
    assert "why" not in event.attrs and event.record is not None and event.record["why"]
    Ledger(store).append([event], now=NOW)  # the ledger accepts it: no taxpayer data in attrs
    assert [r[1] for r in store.fetchall(pending_sql, ["B1"])] == ["R2"]
    assert [r[1] for r in store.fetchall(queue.pending_page_sql(QueueFilter(), paged=False))] == [
        "R2"
    ]
    assert store.fetchall(pending_sql, ["B2"]) == []
    assert store.fetchall(reviews.review_decided_sql(), ["B1", "R1"]) == [(0, "DECLINED", None)]


def test_the_reviews_table_takes_one_review_per_request() -> None:
    store = _store_with_reviews()
    store.execute(reviews.reviews_ddl_sql())
    store.execute(reviews.reviews_ddl_sql())  # idempotent
    values = {c: None for c in reviews.REVIEW_COLUMNS}
    values.update(
        review_id="review-0",
        batch_id="B1",
        request_id="R1",
        held_for="DOB_SLIP",
        reviewer="officer-7",
        decision="DECLINED",
        why="w",
        decided_at="t",
        as_of="2025-07-15",
        review_entry=0,
    )
    store.execute(reviews.insert_review_sql(), list(values.values()))
    values["review_id"] = "review-1"
    with pytest.raises(StoreError):
        store.execute(reviews.insert_review_sql(), list(values.values()))
