"""Human review of borderline decisions: a REVIEW is approved or declined (domain §4).

``taxgate run`` answers a request the policy holds for review as NOT_DISCLOSED (uniform,
domain §6) and records the REVIEW decision. A disclosure officer then decides it, once:

* **approve** re-checks, at that moment, everything ``run`` checks before it releases: a
  legal hold on the batch's requester, the §6103(i)(6) withhold list, the taxpayer already
  disclosed in the batch, a recall of the batch, and the last known address as of the
  batch's as-of date (domain §5; never one taxgate's screening would reject). If anything
  refuses, nothing is recorded or released and the review stays pending. Otherwise
  REVIEW_DECIDED, the DISCLOSURE (the very event ``run`` writes, so accounting and recalls
  see it) and a signed checkpoint commit in one transaction with the ``reviews`` row, and
  only then is ``supplement-<batch>-<request>.csv`` written, in the response format.
* **decline** records REVIEW_DECIDED and the ``reviews`` row; nothing is released.

Example:
    >>> decide_review(  # doctest: +SKIP
    ...     ws, batch_id="B1", request_id="R7", approve=True, reviewer="j.doe",
    ...     why="date of birth slip confirmed", out_dir=Path("out"), now=datetime.now(UTC))
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from taxgate.app.pipeline import batch_known, lka_is_usable

# The queue lives in review_queue; these names stay importable from here for the CLI and tests.
from taxgate.app.review_queue import PendingReview as PendingReview
from taxgate.app.review_queue import ensure_pending_table
from taxgate.app.review_queue import pending_reviews as pending_reviews
from taxgate.disclosure import reviews as sql
from taxgate.disclosure.queue import pending_remove_sql
from taxgate.disclosure.response import response_csv
from taxgate.disclosure.reviews import ReleaseFacts, ReviewState, approval_refusals
from taxgate.errors import (
    DisclosureRefused,
    InputError,
    LedgerError,
    OutputsNotWritten,
    TaxgateError,
    WorkspaceError,
)
from taxgate.fault_points import reach
from taxgate.ledger import events as ev
from taxgate.ledger.accounting import list_disclosures
from taxgate.ledger.binding import bound_row
from taxgate.ledger.canonical import format_time
from taxgate.ledger.hold import active_hold, has_table, withheld_tins
from taxgate.ledger.log import Ledger, ledger_transaction
from taxgate.ledger.receipts import supplement_receipt, write_receipt
from taxgate.master.lookup import LastKnownAddress, last_known_addresses, lka_columns
from taxgate.matching.decide import Outcome
from taxgate.output_paths import check_output_folder
from taxgate.store import Store
from taxgate.workspace import Workspace, atomic_write_bytes


@dataclass(frozen=True)
class ReviewRecord:
    """A decided review: ids and ledger entries only, safe to print."""

    review_id: str
    batch_id: str
    request_id: str
    state: ReviewState
    reviewer: str
    decided_at: str
    review_entry: int
    disclosure_entry: int | None = None
    supplement: Path | None = None


@dataclass(frozen=True)
class _Target:
    """The REVIEW decision being decided, with its batch's terms."""

    batch_id: str
    request_id: str
    reason: str
    tin: str | None
    requester: str
    as_of: date
    agreement_id: str
    agreement_version: str


@dataclass(frozen=True)
class _Release:
    """What an approval discloses, to whom it is bound, and where the supplement goes."""

    tin: str
    lka: LastKnownAddress
    statute: str
    csv: bytes
    path: Path

    @property
    def sha256(self) -> str:
        """The SHA-256 of the supplement's bytes, bound into the REVIEW_DECIDED entry."""
        return hashlib.sha256(self.csv).hexdigest()


def decide_review(
    ws: Workspace,
    *,
    batch_id: str,
    request_id: str,
    approve: bool,
    reviewer: str,
    why: str,
    out_dir: Path | None,
    now: datetime,
) -> ReviewRecord:
    """Approve or decline one request held for review; see the module docstring.

    Args:
        ws: The workspace.
        batch_id: The batch the request came in.
        request_id: The request the policy held for review.
        approve: Approve (release the LKA) or decline (release nothing).
        reviewer: The disclosure officer deciding.
        why: The grounds, kept in the ledger record and the ``reviews`` table.
        out_dir: Where the supplementary response goes (required to approve).
        now: The time of the decision (timezone-aware).

    Returns:
        The decided review, with its ledger entries and (approved) the supplement's path.

    Raises:
        InputError: ``reviewer`` or ``why`` is empty, ``out_dir`` is missing on approval or
            already holds the supplement, or the request is unknown or was not held for review.
        WorkspaceError: the request was already reviewed.
        DisclosureRefused: the approval may not release anything now (the messages say why).
    """
    reviewer, why = _required(reviewer, "reviewer"), _required(why, "why")
    if approve and out_dir is None:
        raise InputError("--out names the folder for the supplementary response", field="out")
    if out_dir is not None:
        check_output_folder(out_dir, what="the folder for the supplementary response")
    with Store.open(ws.store_path) as store:
        target = _target(store, batch_id, request_id)
        release = _release(store, target, out_dir) if approve and out_dir is not None else None
        state = ReviewState.APPROVED if approve else ReviewState.DECLINED
        reached_commit = False
        try:
            reach("review:checked")
            with ledger_transaction(store, ws, now=now) as ledger:
                record = _record_review(
                    store,
                    ledger,
                    target,
                    release,
                    decided=(batch_id, request_id, state, reviewer, why),
                    now=now,
                )
                reach("review:commit")
                reached_commit = True
            reach("review:committed")
            if release is not None:
                # Only after the commit: a file that went out is always backed by its ledger
                # entries.
                _write_supplement_files(store, batch_id, request_id, release.path, release.csv)
            reach("review:written")
        except BaseException as fault:
            # Past the review's own writes the fault may have come after the commit (the
            # checkpoint export, the file, Ctrl-C): the ledger says which.
            if reached_commit and _review_committed(store, batch_id, request_id):
                raise _supplement_not_written(ws, record, out_dir, fault) from fault
            raise
    return record


def _record_review(
    store: Store,
    ledger: Ledger,
    target: _Target,
    release: _Release | None,
    *,
    decided: tuple[str, str, ReviewState, str, str],
    now: datetime,
) -> ReviewRecord:
    """Within the review's transaction: its ledger entries (the decision, and the disclosure
    of an approval), its ``reviews`` row bound into them, and the item off the queue."""
    batch_id, request_id, state, reviewer, why = decided
    store.execute(sql.reviews_ddl_sql())
    first = ledger.size()
    review_id = f"review-{first}"
    record = ReviewRecord(
        review_id=review_id,
        batch_id=batch_id,
        request_id=request_id,
        state=state,
        reviewer=reviewer,
        decided_at=format_time(now),
        review_entry=first,
        disclosure_entry=first + 1 if release is not None else None,
        supplement=None if release is None else release.path,
    )
    row = _review_row(record, target, why, release)
    events = [
        ev.review_decided(
            batch_id=batch_id,
            request_id=request_id,
            review_id=review_id,
            decision=state.value,
            reviewer=reviewer,
            held_for=target.reason,
            why=why,
            supplement_sha256=None if release is None else release.sha256,
            row=bound_row(dict(zip(sql.REVIEW_COLUMNS, row, strict=True))),
        )
    ]
    if release is not None:
        events.append(_disclosure_event(target, release))
    entries = ledger.append(events, now=now)
    if entries[0] != first:
        raise LedgerError(f"review {review_id} was appended at entry {entries[0]}, not {first}")
    store.execute(sql.insert_review_sql(), row)
    ensure_pending_table(store)
    store.execute(pending_remove_sql(), [batch_id, request_id])
    return record


def _review_committed(store: Store, batch_id: str, request_id: str) -> bool:
    """Whether the review of the request is in the ledger; True when the store cannot say."""
    try:
        return bool(store.fetchall(sql.review_decided_sql(), [batch_id, request_id]))
    except TaxgateError:
        return True


def _supplement_not_written(
    ws: Workspace, record: ReviewRecord, out_dir: Path | None, fault: BaseException
) -> OutputsNotWritten:
    what = "approval" if record.state is ReviewState.APPROVED else "decision"
    if record.supplement is None or out_dir is None:
        return OutputsNotWritten(
            f"the {what} of request {record.request_id} of batch {record.batch_id} is "
            "committed; the command stopped after it",
            hint="nothing more is needed; `taxgate review list WS` shows it decided",
            cause=fault,
        )
    return OutputsNotWritten(
        f"the approval of request {record.request_id} of batch {record.batch_id} is committed "
        f"(its disclosure is in the ledger), but its supplement was not written to {out_dir}",
        hint=f"write it from the ledger: `taxgate review supplement {ws.root} --batch "
        f"{record.batch_id} --request {record.request_id} --out {out_dir}`",
        cause=fault,
    )


def write_supplement(ws: Workspace, *, batch_id: str, request_id: str, out_dir: Path) -> Path:
    """Write an approved review's supplementary response again, from the ledger.

    For a crash between the commit and the file: nothing new is decided or recorded. The row
    is rebuilt from the DISCLOSURE entry's record and must hash to the supplement the
    REVIEW_DECIDED entry bound, so the file is byte for byte the one that was approved.

    Raises:
        InputError: the request has no approved review.
        DisclosureRefused: the disclosure was recalled.
        LedgerError: the ledger's disclosure no longer reproduces the bound supplement.
    """
    with Store.open(ws.store_path, read_only=True) as store:
        done = (
            store.fetchall(sql.review_decided_sql(), [batch_id, request_id])
            if has_table(store, "ledger_entries")
            else []
        )
        approved = [row for row in done if row[1] == ReviewState.APPROVED.value]
        disclosed = [
            d for d in list_disclosures(store, batch_id=batch_id) if d.request_id == request_id
        ]
    if not approved or not disclosed:
        raise InputError(
            f"request {request_id!r} of batch {batch_id!r} has no approved review",
            field="request",
            hint="list the requests held for review with `taxgate review list WS`",
        )
    if disclosed[0].recall_id is not None:
        raise DisclosureRefused(
            f"the disclosure of request {request_id} was recalled ({disclosed[0].recall_id}); "
            "its supplement is not issued again"
        )
    address = {k: str(v or "") for k, v in disclosed[0].address.items()}
    row = sql.supplement_row(
        request_id,
        street=address.get("street", ""),
        unit=address.get("unit", ""),
        city=address.get("city", ""),
        state=address.get("state", ""),
        zip_code=address.get("zip", ""),
        as_of=disclosed[0].as_of,
    )
    data = response_csv([row])
    if hashlib.sha256(data).hexdigest() != approved[0][2]:
        raise LedgerError(
            f"the disclosure of request {request_id} no longer reproduces the supplement its "
            f"review bound (ledger entry {approved[0][0]})",
            hint="run `taxgate ledger verify WS`",
        )
    path = out_dir / sql.supplement_file_name(batch_id, request_id)
    with Store.open(ws.store_path, read_only=True) as store:
        _write_supplement_files(store, batch_id, request_id, path, data)
    return path


def _write_supplement_files(
    store: Store, batch_id: str, request_id: str, path: Path, data: bytes
) -> None:
    """The supplement's receipt (the checkpoint that covers its DISCLOSURE entry, with the
    entry's inclusion proof: ``NAME.checkpoint.txt``, ``NAME.proofs.json``), then the
    supplement itself, so that a supplement in the folder always has its receipt beside it.

    Raises:
        LedgerError: no C2SP checkpoint covers the disclosure (a workspace not migrated).
    """
    receipt = supplement_receipt(store, batch_id, request_id)
    if receipt is None:
        raise LedgerError(
            f"no C2SP checkpoint covers the disclosure of request {request_id} of batch {batch_id}",
            hint="a workspace from before C2SP checkpoints signs one with `taxgate ledger "
            "migrate WS`",
        )
    write_receipt(receipt, path.parent, beside=path.name)
    atomic_write_bytes(path, data)


def _target(store: Store, batch_id: str, request_id: str) -> _Target:
    """The REVIEW decision on ``request_id``, or the reason there is none to decide."""
    hint = "list the requests held for review with `taxgate review list WS`"
    if not all(has_table(store, t) for t in ("decisions", "batches", "ledger_entries")):
        raise InputError(f"no batch {batch_id!r} in this workspace", field="batch", hint=hint)
    if not batch_known(store, batch_id):
        raise InputError(f"no batch {batch_id!r} in this workspace", field="batch", hint=hint)
    rows = store.fetchall(sql.review_target_sql(), [batch_id, request_id])
    if not rows:
        raise InputError(
            f"batch {batch_id!r} has no request {request_id!r}", field="request", hint=hint
        )
    decision, reason, tin, requester, as_of, agreement_id, agreement_version = rows[0]
    if decision != Outcome.REVIEW.value:
        raise InputError(
            f"request {request_id} of batch {batch_id} was decided {decision}, not REVIEW: "
            "only a request held for review can be approved or declined",
            field="request",
            hint=hint,
        )
    done = store.fetchall(sql.review_decided_sql(), [batch_id, request_id])
    if done:
        entry, verdict, _ = done[0]
        raise WorkspaceError(
            f"request {request_id} of batch {batch_id} was already reviewed "
            f"({verdict}, ledger entry {entry}); a review is decided once",
            hint="an approval found wrong later is recalled with "
            "`taxgate recall WS --batch B --request R --why ...`",
        )
    return _Target(
        batch_id, request_id, reason, tin, requester, as_of, agreement_id, agreement_version
    )


def _release(store: Store, target: _Target, out_dir: Path) -> _Release:
    """Re-check every release condition now and compute the LKA; refuse if anything stops it."""
    if not target.tin:
        raise DisclosureRefused(
            f"request {target.request_id} of batch {target.batch_id} names no candidate "
            "taxpayer: there is nothing to approve",
            hint="decline the review",
        )
    hold = active_hold(store, target.requester)
    recall = store.fetchall(sql.batch_recall_sql(), [target.batch_id])
    earlier = list_disclosures(store, tin=target.tin, batch_id=target.batch_id)
    lka = last_known_addresses(store, [target.tin], target.as_of).get(target.tin)
    facts = ReleaseFacts(
        batch_id=target.batch_id,
        as_of=target.as_of,
        hold_id=None if hold is None else hold.hold_id,
        withheld=target.tin in withheld_tins(store),
        disclosed_by=earlier[0].request_id if earlier else None,
        recall_id=recall[0][0] if recall else None,
        lka_found=lka is not None,
        lka_usable=lka is not None and lka_is_usable(lka),
    )
    refusals = approval_refusals(facts)
    if refusals or lka is None:
        raise DisclosureRefused(
            "approval refused, nothing was released: " + "; ".join(refusals),
            hint="the review stays pending: approve it once the ground is gone, or decline it",
        )
    path = out_dir / sql.supplement_file_name(target.batch_id, target.request_id)
    if path.exists():
        raise InputError(
            f"{path} already exists; a supplement is never overwritten",
            field="out",
            hint="name another --out folder",
        )
    rows = store.fetchall(sql.screened_statute_sql(), [target.batch_id, target.request_id])
    row = sql.supplement_row(
        target.request_id,
        street=lka.street,
        unit=lka.unit,
        city=lka.city,
        state=lka.state,
        zip_code=lka.zip,
        as_of=lka.as_of.isoformat(),
    )
    statute = (rows[0][0] if rows else None) or ""
    return _Release(target.tin, lka, statute, response_csv([row]), path)


def _disclosure_event(target: _Target, release: _Release) -> ev.LedgerEvent:
    """The DISCLOSURE entry, built as ``run`` builds it (the batch's requester and terms)."""
    lka = release.lka
    return ev.disclosure(
        batch_id=target.batch_id,
        request_id=target.request_id,
        requester=target.requester,
        agreement_id=target.agreement_id,
        agreement_version=target.agreement_version,
        statute=release.statute,
        tin=release.tin,
        address=lka.address_fields(),
        as_of=lka.as_of,
    )


def _review_row(
    record: ReviewRecord, target: _Target, why: str, release: _Release | None
) -> list[Any]:
    """The ``reviews`` row, in :data:`~taxgate.disclosure.reviews.REVIEW_COLUMNS` order."""
    lka = None if release is None else release.lka
    values: dict[str, Any] = {
        "review_id": record.review_id,
        "batch_id": record.batch_id,
        "request_id": record.request_id,
        "held_for": target.reason,
        "reviewer": record.reviewer,
        "decision": record.state.value,
        "why": why,
        "decided_at": record.decided_at,
        "tin": target.tin,
        **lka_columns(lka),
        "as_of": target.as_of.isoformat(),
        "review_entry": record.review_entry,
        "disclosure_entry": record.disclosure_entry,
        "supplement_sha256": None if release is None else release.sha256,
    }
    return [values[column] for column in sql.REVIEW_COLUMNS]


def _required(value: str, name: str) -> str:
    value = value.strip()
    if not value:
        raise InputError(f"--{name} must not be empty", field=name)
    return value
