"""Auditors, read only: ledger verification, accounting, (p)(3)(C) statistics, reports, the
access log and its denials."""

from __future__ import annotations

import tempfile
from dataclasses import asdict
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, Response
from pydantic import BaseModel
from starlette.concurrency import run_in_threadpool

from taxgate.ledger.accounting import disclosure_statistics, list_disclosures
from taxgate.ledger.verify import verify_workspace
from taxgate.records import RecordStore
from taxgate.records.access import denial_counts, recent_access
from taxgate.report.write import write_report
from taxgate.service.access_writer import AccessLogWriter
from taxgate.service.api_batches import service_dir
from taxgate.service.refusals import ERROR_RESPONSES
from taxgate.service.worker import WorkspaceWorker
from taxgate.store import Store
from taxgate.workspace import Workspace

router = APIRouter(tags=["audit"], responses=ERROR_RESPONSES)


class VerifyPublic(BaseModel):
    """The ledger's verification."""

    ok: bool
    entries_checked: int
    checkpoints_checked: int
    first_bad_index: int | None
    message: str
    problems: list[str]


class AccessLogPublic(BaseModel):
    """The newest access-log entries and the denials counted by route."""

    entries: list[dict[str, Any]]
    denials_by_route: dict[str, int]


@router.get("/api/ledger/verify", response_model=VerifyPublic)
async def verify(request: Request) -> VerifyPublic:
    """Re-hash every entry and check every checkpoint."""
    worker: WorkspaceWorker = request.app.state.worker
    report = await worker.call(verify_workspace)
    if report is None:
        return VerifyPublic(
            ok=True,
            entries_checked=0,
            checkpoints_checked=0,
            first_bad_index=None,
            message="the workspace has no ledger yet",
            problems=[],
        )
    return VerifyPublic(
        ok=report.ok,
        entries_checked=report.entries_checked,
        checkpoints_checked=report.checkpoints_checked,
        first_bad_index=report.first_bad_index,
        message=report.message,
        problems=list(report.problems),
    )


@router.get("/api/accounting")
async def accounting(
    request: Request,
    batch: str | None = Query(default=None, max_length=128),
    requester: str | None = Query(default=None, max_length=128),
) -> list[dict[str, Any]]:
    """The (p)(3)(A) accounting of disclosures (internal: TINs and addresses)."""

    def work(ws: Workspace) -> list[dict[str, Any]]:
        with Store.open(ws.store_path, read_only=True) as store:
            return [asdict(d) for d in list_disclosures(store, batch_id=batch, requester=requester)]

    worker: WorkspaceWorker = request.app.state.worker
    return await worker.call(work)


@router.get("/api/statistics/{year}")
async def statistics(year: int, request: Request) -> list[dict[str, Any]]:
    """The (p)(3)(C) figures of one calendar year, per requesting agency."""

    def work(ws: Workspace) -> list[dict[str, Any]]:
        with Store.open(ws.store_path, read_only=True) as store:
            return [asdict(s) for s in disclosure_statistics(store, year=year)]

    worker: WorkspaceWorker = request.app.state.worker
    return await worker.call(work)


@router.get(
    "/api/batches/{batch_id}/report",
    response_class=Response,
    responses={200: {"content": {"text/html": {}}, "description": "the report page"}},
)
async def report(batch_id: str, request: Request) -> Response:
    """The batch's HTML oversight report (no taxpayer data), rendered now."""

    def work(ws: Workspace) -> str:
        folder = service_dir(ws, "reports")
        with tempfile.TemporaryDirectory(dir=folder) as scratch:
            out = write_report(ws, batch_id, Path(scratch) / "report.html", now=datetime.now(UTC))
            return out.read_text(encoding="utf-8")

    worker: WorkspaceWorker = request.app.state.worker
    return HTMLResponse(await worker.call(work))


@router.get("/api/access-log", response_model=AccessLogPublic)
async def access_log(
    request: Request,
    limit: int = Query(default=200, ge=1, le=5000),
    denied: bool = Query(default=False),
) -> AccessLogPublic:
    """The newest entries first (route templates only: no paths, no queries, no bodies)."""
    records: RecordStore = request.app.state.records
    writer: AccessLogWriter = request.app.state.access_log

    def work() -> AccessLogPublic:
        writer.flush()  # every request answered before this one is in the log
        with records.begin() as conn:
            entries = recent_access(conn, limit=limit, denied_only=denied)
            counts = denial_counts(conn)
        return AccessLogPublic(entries=[asdict(e) for e in entries], denials_by_route=counts)

    return await run_in_threadpool(work)
