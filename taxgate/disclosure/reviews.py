"""The review workflow's pure core: states, the release rules, the supplement, the SQL.

A request the policy holds for review (``Outcome.REVIEW``) is answered NOT_DISCLOSED and is
not disclosed until a disclosure officer approves it (domain §4). An approval releases the
last known address only when every check that ``taxgate run`` makes at release time still
passes *now*; :func:`approval_refusals` is that rule over facts the service gathered. The
service (:mod:`taxgate.app.review`) runs the SQL built here through the store.

::

    PENDING ──approve (nothing refuses)──▶ APPROVED   REVIEW_DECIDED + DISCLOSURE
       │  └─approve (a hold, a withhold, ...)──▶ PENDING   nothing recorded, nothing released
       └──decline──▶ DECLINED                          REVIEW_DECIDED
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from taxgate.disclosure.response import ResponseRow
from taxgate.ledger.events import EventKind


class ReviewState(StrEnum):
    """Where a request held for review stands."""

    PENDING = "PENDING"  # held by the policy, answered NOT_DISCLOSED, awaiting a reviewer
    APPROVED = "APPROVED"  # a reviewer approved it; its LKA went out in a supplement
    DECLINED = "DECLINED"  # a reviewer declined it; nothing is released for it


@dataclass(frozen=True, slots=True)
class ReleaseFacts:
    """What stands between an approved review and its disclosure, found at approval time.

    Attributes:
        batch_id: The batch the request came in.
        as_of: The day the last known address is taken as of (the batch's as-of date).
        hold_id: The legal hold in force on the batch's requester, if any.
        withheld: The taxpayer is on the §6103(i)(6) withhold list.
        disclosed_by: A request of this batch that already disclosed the taxpayer, if any.
        recall_id: A recall of this batch's disclosures, if any.
        lka_found: A filing is effective on ``as_of``, so there is a last known address.
        lka_usable: That address would pass taxgate's own address screening.
    """

    batch_id: str
    as_of: date
    hold_id: str | None = None
    withheld: bool = False
    disclosed_by: str | None = None
    recall_id: str | None = None
    lka_found: bool = True
    lka_usable: bool = True


def approval_refusals(facts: ReleaseFacts) -> tuple[str, ...]:
    """Why an approval may not release anything; empty when it may.

    The messages name ids and rules only, never the taxpayer (they go to stderr).

    Example:
        >>> approval_refusals(ReleaseFacts("B1", date(2025, 7, 15)))
        ()
        >>> approval_refusals(ReleaseFacts("B1", date(2025, 7, 15), withheld=True))
        ('the taxpayer is on the §6103(i)(6) withhold list',)
    """
    refusals = []
    if facts.hold_id is not None:
        refusals.append(
            f"legal hold {facts.hold_id} is in force on the batch's requester: nothing is "
            "disclosed to it until a further order lifts the hold"
        )
    if facts.withheld:
        refusals.append("the taxpayer is on the §6103(i)(6) withhold list")
    if facts.disclosed_by is not None:
        # Domain §3: each taxpayer is answered at most once per batch. The run already refuses
        # later requests for one taxpayer as DUPLICATE (``matching.answer_once``); this
        # guard keeps an approval from breaking the rule whatever the stored decisions say.
        refusals.append(
            f"request {facts.disclosed_by} of batch {facts.batch_id} already disclosed this "
            "taxpayer, and a batch discloses each taxpayer at most once"
        )
    if facts.recall_id is not None:
        refusals.append(
            f"disclosures of batch {facts.batch_id} were recalled as erroneous "
            f"({facts.recall_id}): nothing more is released from it"
        )
    if not facts.lka_found:
        refusals.append(
            f"no filing is effective as of {facts.as_of.isoformat()}: there is no last known "
            "address to disclose (domain §5)"
        )
    elif not facts.lka_usable:
        refusals.append(
            "the last known address on file would fail taxgate's own address screening, and "
            "such an address is never disclosed"
        )
    return tuple(refusals)


def supplement_row(
    request_id: str, *, street: str, unit: str, city: str, state: str, zip_code: str, as_of: str
) -> ResponseRow:
    """The one DISCLOSED row of a supplementary response: the LKA and nothing else
    (§6103(i)(2)(C); data contract §3)."""
    return ResponseRow(request_id, "DISCLOSED", "", street, unit, city, state, zip_code, as_of)


# Ids are the requester's text; anything but these characters could leave the folder.
_UNSAFE = re.compile(r"[^A-Za-z0-9._:-]")


def supplement_file_name(batch_id: str, request_id: str) -> str:
    """``supplement-<batch>-<request>.csv``, with characters unsafe in a file name as ``_``.

    Example:
        >>> supplement_file_name("B-1", "R/7")
        'supplement-B-1-R_7.csv'
    """
    return f"supplement-{_UNSAFE.sub('_', batch_id)}-{_UNSAFE.sub('_', request_id)}.csv"


# --- SQL (run by taxgate.store.Store; every value is a bound parameter) --------------------

_REVIEWED = f"kind = '{EventKind.REVIEW_DECIDED.value}'"

REVIEW_COLUMNS = (
    "review_id",
    "batch_id",
    "request_id",
    "held_for",
    "reviewer",
    "decision",
    "why",
    "decided_at",
    "tin",
    "lka_street",
    "lka_unit",
    "lka_city",
    "lka_state",
    "lka_zip",
    "lka_as_of",
    "lka_source",
    "as_of",
    "review_entry",
    "disclosure_entry",
    "supplement_sha256",
)


def reviews_ddl_sql() -> str:
    """The ``reviews`` table: one row per decided review, naming its ledger entries.

    Internal: it holds the TIN and the address disclosed. The ledger's REVIEW_DECIDED and
    DISCLOSURE entries are the record; this row is the working copy.
    """
    return """
    CREATE TABLE IF NOT EXISTS reviews (
        review_id VARCHAR PRIMARY KEY,
        batch_id VARCHAR NOT NULL,
        request_id VARCHAR NOT NULL,
        held_for VARCHAR NOT NULL,
        reviewer VARCHAR NOT NULL,
        decision VARCHAR NOT NULL,
        why VARCHAR NOT NULL,
        decided_at VARCHAR NOT NULL,
        tin VARCHAR,
        lka_street VARCHAR,
        lka_unit VARCHAR,
        lka_city VARCHAR,
        lka_state VARCHAR,
        lka_zip VARCHAR,
        lka_as_of VARCHAR,
        lka_source VARCHAR,
        as_of VARCHAR NOT NULL,
        review_entry BIGINT NOT NULL,
        disclosure_entry BIGINT,
        supplement_sha256 VARCHAR,
        UNIQUE (batch_id, request_id)
    )"""


def insert_review_sql() -> str:
    """Insert one review (params: the values of :data:`REVIEW_COLUMNS`, in order)."""
    marks = ", ".join("?" for _ in REVIEW_COLUMNS)
    return f"INSERT INTO reviews ({', '.join(REVIEW_COLUMNS)}) VALUES ({marks})"


def review_target_sql() -> str:
    """The decision on one request with its batch's terms (params: batch_id, request_id)."""
    return """
        SELECT d.decision, d.reason, d.tin, b.requester, b.as_of, b.agreement_id,
               b.agreement_version
        FROM decisions d JOIN batches b ON b.batch_id = d.batch_id
        WHERE d.batch_id = ? AND d.request_id = ?"""


def review_decided_sql() -> str:
    """The first REVIEW_DECIDED entry of one request: its index, decision and supplement hash
    (params: batch_id, request_id)."""
    return f"""
        SELECT idx, json_extract_string(attrs, '$.decision'),
               json_extract_string(attrs, '$.supplement_sha256')
        FROM ledger_entries
        WHERE {_REVIEWED} AND batch_id = ? AND request_id = ? ORDER BY idx LIMIT 1"""


def screened_statute_sql() -> str:
    """The statute key screening recorded for one request (params: batch_id, request_id)."""
    return f"""
        SELECT json_extract_string(attrs, '$.statute') FROM ledger_entries
        WHERE kind = '{EventKind.REQUEST_SCREENED.value}' AND batch_id = ? AND request_id = ?
        ORDER BY idx LIMIT 1"""


def batch_recall_sql() -> str:
    """The first recall of a batch's disclosures, if any (param: batch_id)."""
    return "SELECT min(recall_id) FROM recalls WHERE batch_id = ?"


def batch_reviewers_sql() -> str:
    """Everyone the ledger names as having decided a review of a batch (param: batch_id)."""
    return f"""
        SELECT DISTINCT json_extract_string(attrs, '$.reviewer') FROM ledger_entries
        WHERE {_REVIEWED} AND batch_id = ?"""


def approved_supplements_sql() -> str:
    """Every approval of a batch the ledger records: request id, the supplement's SHA-256 and
    when it was decided, in ledger order (param: batch_id)."""
    return f"""
        SELECT request_id, json_extract_string(attrs, '$.supplement_sha256'), logged_at
        FROM ledger_entries
        WHERE {_REVIEWED} AND batch_id = ?
          AND json_extract_string(attrs, '$.decision') = '{ReviewState.APPROVED.value}'
        ORDER BY idx"""
