"""Analysts: the review queue, one item explained, and one decision per item with grounds.

Decisions call :func:`taxgate.app.review.decide_review` on the worker, with the signed-in analyst as
the reviewer. The analyst is written to the record store's review actions *before* the decision
(and taken off again if it is refused), so that the two-person rule at release can never miss a
reviewer.
"""

from __future__ import annotations

import json
import math
from dataclasses import asdict, dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from fastapi import APIRouter, Query, Request, Response
from pydantic import BaseModel, Field
from sqlalchemy import delete
from starlette.concurrency import run_in_threadpool

from taxgate.app.explain import explain_request
from taxgate.app.explain.words import mask_tin
from taxgate.app.review import ReviewRecord, decide_review
from taxgate.app.review_queue import (
    PendingReview,
    QueueFacets,
    QueueFilter,
    QueuePlace,
    QueueSnapshot,
    pending_facets,
    pending_reviews,
    queue_place,
    queue_snapshot,
)
from taxgate.errors import DisclosureRefused, InputError, WorkspaceError
from taxgate.records import RecordStore
from taxgate.records.jobs import record_review_action
from taxgate.records.schema import review_actions
from taxgate.service.api_batches import service_dir
from taxgate.service.auth import require_principal
from taxgate.service.inputs import RequestBody
from taxgate.service.refusals import ERROR_RESPONSES
from taxgate.service.worker import WorkspaceBusy, WorkspaceWorker
from taxgate.store import Store
from taxgate.workspace import Workspace

PAGE = 200
MAX_AGE_HOURS = 24 * 366 * 10

router = APIRouter(tags=["reviews"], responses=ERROR_RESPONSES)


class ReviewItemPublic(BaseModel):
    """A request held for review (the candidate's TIN masked)."""

    batch_id: str
    request_id: str
    row: int
    reason: str
    candidate_tin: str
    match_weight: float | None
    margin: float | None
    as_of: str
    requester: str
    received_at: str = Field(description="when the batch was committed: the item waits since")


class DecisionCreate(RequestBody):
    """One decision: approve (release the last known address) or decline, and why."""

    approve: bool
    why: str = Field(min_length=1, max_length=2000)


class DecisionPublic(BaseModel):
    """A decided review: ids and ledger entries (the address is never in the answer)."""

    review_id: str
    batch_id: str
    request_id: str
    decision: str
    reviewer: str
    review_entry: int
    disclosure_entry: int | None


@dataclass(frozen=True)
class QueuePage:
    """One page of the filtered queue, how many items the filter keeps, and the filters' choices."""

    items: list[PendingReview]  # internal: the TIN unmasked; shown through public_item
    total: int
    facets: QueueFacets


def queue_filter(
    *, batch: str | None, reason: str | None, min_age_hours: int | None, now: datetime
) -> QueueFilter:
    """The filter of the queue's query parameters (empty strings mean no filter)."""
    return QueueFilter(
        batch_id=batch or None,
        reason=reason or None,
        waited_since=None if min_age_hours is None else now - timedelta(hours=min_age_hours),
    )


def public_item(p: PendingReview) -> dict[str, Any]:
    """A pending review as the API shows it (the candidate's TIN masked): the fields of
    :class:`ReviewItemPublic`, as a plain mapping (a page of them is written as JSON directly,
    without building and checking a model per item)."""
    return {
        "batch_id": p.batch_id,
        "request_id": p.request_id,
        "row": p.row,
        "reason": p.reason,
        "candidate_tin": mask_tin(p.tin),
        "match_weight": _finite(p.match_weight),
        "margin": _finite(p.margin),
        "as_of": str(p.as_of),
        "requester": p.requester,
        "received_at": str(p.received_at),
    }


def _finite(value: float | None) -> float | None:
    """A number JSON can hold (a NaN or an infinity is written as null, as pydantic would)."""
    return value if value is None or math.isfinite(value) else None


async def review_queue(
    worker: WorkspaceWorker,
    only: QueueFilter,
    *,
    offset: int = 0,
    limit: int = PAGE,
    counted: bool = True,
) -> QueuePage:
    """One page of the pending reviews ``only`` keeps, picked out of the whole queue as the
    shared read connection read it (:class:`~taxgate.app.review_queue.QueueSnapshot`, once per
    opening); with the count and the filters' choices when ``counted`` (else 0 and none)."""

    def picked(queue: QueueSnapshot, facets: QueueFacets | None) -> QueuePage:
        page = queue.page(only, offset=offset, limit=limit)
        if facets is None:
            return QueuePage(page, 0, QueueFacets([], [], 0))
        return QueuePage(page, facets.count(only), facets)

    def work(store: Store) -> QueuePage:
        # The queue, and its counts by batch and reason, change only with a write: each is
        # read once per opening of the shared connection, and a page is picked out of it.
        queue = worker.reads.memo("queue", lambda: queue_snapshot(store))
        if not counted:
            return picked(queue, None)
        return picked(queue, worker.reads.memo("facets", lambda: pending_facets(store)))

    # Once read, a page is picked out at once, with no thread or cursor of its own.
    held = worker.reads.remembered(*(("queue", "facets") if counted else ("queue",)))
    if held is not None:
        return picked(held[0], held[1] if counted else None)
    return await worker.read(work)


async def first_pending(worker: WorkspaceWorker, only: QueueFilter) -> tuple[str, str] | None:
    """The first item of the filtered queue (its batch and request ids), or None: one row read,
    nothing counted."""

    first = await worker.read(lambda store: pending_reviews(store, only=only, limit=1))
    return (first[0].batch_id, first[0].request_id) if first else None


async def place_in_queue(
    worker: WorkspaceWorker, only: QueueFilter, batch_id: str, request_id: str
) -> QueuePlace | None:
    """Where one item stands in the filtered queue (None when it is not pending in it)."""

    return await worker.read(
        lambda store: queue_place(store, batch_id=batch_id, request_id=request_id, only=only)
    )


async def explain_item(worker: WorkspaceWorker, batch_id: str, request_id: str) -> dict[str, Any]:
    """The explanation of one request (TINs masked by the explainer)."""
    found = await worker.call(lambda ws: explain_request(ws, request_id, batch_id=batch_id))
    return asdict(found)


async def decide(
    request: Request, batch_id: str, request_id: str, *, approve: bool, why: str
) -> ReviewRecord:
    """Decide one review as the signed-in analyst."""
    who = require_principal(request)
    records: RecordStore = request.app.state.records
    worker: WorkspaceWorker = request.app.state.worker
    verdict = "APPROVED" if approve else "DECLINED"

    def remember() -> None:
        with records.begin() as conn:
            record_review_action(
                conn,
                batch_id=batch_id,
                request_id=request_id,
                decided_by=who.name,
                decision=verdict,
                now=datetime.now(UTC),
            )

    def forget() -> None:
        with records.begin() as conn:
            conn.execute(
                delete(review_actions).where(
                    review_actions.c.batch_id == batch_id,
                    review_actions.c.request_id == request_id,
                )
            )

    def work(ws: Workspace) -> ReviewRecord:
        out = service_dir(ws, "supplements", batch_id) if approve else None
        return decide_review(
            ws,
            batch_id=batch_id,
            request_id=request_id,
            approve=approve,
            reviewer=who.name,
            why=why,
            out_dir=out,
            now=datetime.now(UTC),
        )

    await run_in_threadpool(remember)
    try:
        return await worker.call(work)
    except (InputError, DisclosureRefused, WorkspaceError) as refused:
        # Refused before anything was recorded: the analyst decided nothing. A busy worker
        # may still run the decision later, so its reviewer stays remembered.
        if not isinstance(refused, WorkspaceBusy):
            await run_in_threadpool(forget)
        raise


@router.get("/api/reviews", response_model=list[ReviewItemPublic])
async def list_reviews(
    request: Request,
    batch: str | None = Query(default=None, max_length=128),
    reason: str | None = Query(default=None, max_length=64),
    min_age_hours: int | None = Query(
        default=None, ge=0, le=MAX_AGE_HOURS, description="only items that waited this long"
    ),
    offset: int = Query(default=0, ge=0, le=10_000_000),
    limit: int = Query(default=PAGE, ge=1, le=5000),
) -> Response:
    """The review queue, oldest batch first, in request order, one page at a time; filtered
    by batch, reason and age (hours waited since the batch was committed)."""
    only = queue_filter(
        batch=batch, reason=reason, min_age_hours=min_age_hours, now=datetime.now(UTC)
    )
    worker = request.app.state.worker
    found = await review_queue(worker, only, offset=offset, limit=limit, counted=False)
    # Written directly: the items are ReviewItemPublic's fields (response_model documents them).
    body = json.dumps([public_item(p) for p in found.items], separators=(",", ":"))
    return Response(body, media_type="application/json")


@router.get("/api/reviews/{batch_id}/{request_id}")
async def get_review(batch_id: str, request_id: str, request: Request) -> dict[str, Any]:
    """One item: the request, each candidate (TIN masked) with comparison levels and weights,
    and the address that would be released with its as-of date."""
    return await explain_item(request.app.state.worker, batch_id, request_id)


@router.post("/api/reviews/{batch_id}/{request_id}/decision", response_model=DecisionPublic)
async def post_decision(
    batch_id: str, request_id: str, body: DecisionCreate, request: Request
) -> DecisionPublic:
    """Approve or decline, once, with the written grounds."""
    record = await decide(request, batch_id, request_id, approve=body.approve, why=body.why)
    return DecisionPublic(
        review_id=record.review_id,
        batch_id=record.batch_id,
        request_id=record.request_id,
        decision=record.state.value,
        reviewer=record.reviewer,
        review_entry=record.review_entry,
        disclosure_entry=record.disclosure_entry,
    )
