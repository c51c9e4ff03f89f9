"""Submitters upload signed batches and download released responses; officers release them.

An upload is verified on arrival exactly as ``taxgate run`` verifies it (signature, signer,
agreement terms, request file; :func:`taxgate.intake.verification.verify_batch`), must come
from the requester its token is scoped to, and is then queued as a job for the worker, which
runs it through :func:`taxgate.app.pipeline.run_batch` (verifying it again against the store). The
response it writes stays in the service's folder until a disclosure officer releases it.
"""

from __future__ import annotations

import hashlib
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, File, Request, UploadFile
from fastapi.responses import Response
from pydantic import BaseModel
from starlette.concurrency import run_in_threadpool

from taxgate.disclosure.reviews import batch_reviewers_sql
from taxgate.errors import DisclosureRefused, InputError, WorkspaceError
from taxgate.files import make_owner_only_dir
from taxgate.intake.manifest import parse_manifest
from taxgate.intake.verification import verify_batch
from taxgate.ledger.hold import has_table
from taxgate.records import RecordStore
from taxgate.records import jobs as j
from taxgate.records.users import Principal
from taxgate.service.auth import deny, require_principal
from taxgate.service.matrix import Role
from taxgate.service.refusals import ERROR_RESPONSES
from taxgate.service.worker import WorkspaceWorker
from taxgate.store import Store
from taxgate.workspace import Workspace, atomic_write_bytes

router = APIRouter(tags=["batches"], responses=ERROR_RESPONSES)

MAX_MANIFEST_BYTES = 64 * 1024


class JobPublic(BaseModel):
    """A batch job and its progress."""

    job_id: str
    batch_id: str | None
    requester: str
    state: str
    stage: str | None
    stages_done: int
    error: str | None
    created_at: str
    started_at: str | None
    finished_at: str | None
    released: bool = False


class ReleasePublic(BaseModel):
    """A batch's release."""

    batch_id: str
    released_by: str
    released_at: str
    response_sha256: str


def service_dir(ws: Workspace, *parts: str) -> Path:
    """A folder under ``WS/service`` (0700: uploads and responses hold taxpayer data)."""
    path = ws.root.joinpath("service", *parts)
    make_owner_only_dir(ws.root / "service")
    make_owner_only_dir(path)
    return path


@router.post("/api/batches", status_code=202, response_model=JobPublic)
async def upload_batch(
    request: Request,
    manifest: Annotated[UploadFile, File(description="manifest.json")],
    signature: Annotated[UploadFile, File(description="manifest.json.sig (DER ECDSA)")],
    requests: Annotated[UploadFile, File(description="the request file the manifest names")],
) -> JobPublic:
    """Upload a signed batch; it is verified now and run by the worker (follow the job)."""
    who = require_principal(request)
    ws: Workspace = request.app.state.workspace
    manifest_bytes = await manifest.read(MAX_MANIFEST_BYTES + 1)
    if len(manifest_bytes) > MAX_MANIFEST_BYTES:
        raise InputError("the manifest is larger than 64 KiB", field="manifest")
    parsed = parse_manifest(manifest_bytes, source="the uploaded manifest")
    if parsed.requesting_agency != who.requester:
        deny(request, f"token {who.name} is scoped to another requester than the batch names")
    job_id = str(uuid.uuid4())
    folder = service_dir(ws, "uploads", job_id)
    path = folder / "manifest.json"
    atomic_write_bytes(path, manifest_bytes)
    atomic_write_bytes(folder / "manifest.json.sig", await signature.read())
    atomic_write_bytes(folder / parsed.request_file, await requests.read())
    return await run_in_threadpool(_verify_and_queue, request, who, path, job_id)


def _verify_and_queue(request: Request, who: Principal, manifest: Path, job_id: str) -> JobPublic:
    ws: Workspace = request.app.state.workspace
    records: RecordStore = request.app.state.records
    now = datetime.now(UTC)
    with records.begin() as conn:
        known = {job.batch_id for job in j.list_jobs(conn) if job.state is not j.JobState.FAILED}
    verified = verify_batch(
        manifest, agreement=ws.agreement(), is_replay=lambda b: b in known, now=now
    )
    batch_id = verified.manifest.batch_id
    with records.begin() as conn:
        j.add_job(
            conn,
            job_id=job_id,
            batch_id=batch_id,
            requester=verified.manifest.requesting_agency,
            submitted_by=who.name,
            now=now,
        )
        job = j.get_job(conn, job_id)
    request.app.state.worker.run_job(job_id, manifest, service_dir(ws, "responses", job_id))
    assert job is not None
    return _public(job, released=False)


@router.get("/api/jobs/{job_id}", response_model=JobPublic)
async def get_job(job_id: str, request: Request) -> JobPublic:
    """A job's state and stage (a submitter sees only its own requester's jobs)."""
    who = require_principal(request)
    records: RecordStore = request.app.state.records

    def work() -> tuple[j.Job | None, bool]:
        with records.begin() as conn:
            job = j.get_job(conn, job_id)
            released = (
                job is not None
                and job.batch_id is not None
                and (j.get_release(conn, job.batch_id) is not None)
            )
        return job, released

    job, released = await run_in_threadpool(work)
    if job is None or (who.role == Role.SUBMITTER and job.requester != who.requester):
        raise InputError(f"no job {job_id!r}", field="job_id")
    return _public(job, released=released)


@router.get("/api/batches", response_model=list[JobPublic])
async def list_batches(request: Request) -> list[JobPublic]:
    """Every job, newest first, with whether its batch was released."""
    records: RecordStore = request.app.state.records

    def work() -> list[JobPublic]:
        with records.begin() as conn:
            return [
                _public(job, released=bool(job.batch_id and j.get_release(conn, job.batch_id)))
                for job in j.list_jobs(conn)
            ]

    return await run_in_threadpool(work)


@router.post("/api/batches/{batch_id}/release", response_model=ReleasePublic)
async def release_batch(batch_id: str, request: Request) -> ReleasePublic:
    """Release a batch's response. Refused to whoever decided a review in it (two persons)."""
    who = require_principal(request)
    ws: Workspace = request.app.state.workspace
    records: RecordStore = request.app.state.records
    worker: WorkspaceWorker = request.app.state.worker
    in_ledger = await worker.call(lambda ws: _ledger_reviewers(ws, batch_id))

    def work() -> ReleasePublic:
        with records.begin() as conn:
            path = _response_path(ws, conn_jobs=j.jobs_of_batch(conn, batch_id), batch_id=batch_id)
            digest = hashlib.sha256(path.read_bytes()).hexdigest()
            done = j.add_release(
                conn,
                batch_id=batch_id,
                released_by=who.name,
                response_sha256=digest,
                now=datetime.now(UTC),
                ledger_reviewers=in_ledger,
            )
        return ReleasePublic(**done.__dict__)

    return await run_in_threadpool(work)


@router.get(
    "/api/batches/{batch_id}/response",
    response_class=Response,
    responses={200: {"content": {"text/csv": {}}, "description": "the released response.csv"}},
)
async def download_response(batch_id: str, request: Request) -> Response:
    """The released response.csv of a batch of the token's own requester."""
    who = require_principal(request)
    ws: Workspace = request.app.state.workspace
    records: RecordStore = request.app.state.records

    def work() -> bytes:
        with records.begin() as conn:
            jobs = [x for x in j.jobs_of_batch(conn, batch_id) if x.requester == who.requester]
            release = j.get_release(conn, batch_id)
        path = _response_path(ws, conn_jobs=jobs, batch_id=batch_id)
        if release is None:
            raise DisclosureRefused(
                f"batch {batch_id} is not released yet",
                hint="a disclosure officer releases it; follow GET /api/jobs/{job_id}",
            )
        data = path.read_bytes()
        if hashlib.sha256(data).hexdigest() != release.response_sha256:
            raise WorkspaceError(f"the response of batch {batch_id} changed after its release")
        return data

    data = await run_in_threadpool(work)
    return Response(data, media_type="text/csv; charset=utf-8")


def _ledger_reviewers(ws: Workspace, batch_id: str) -> frozenset[str]:
    """The reviewers the workspace's ledger names for ``batch_id``."""
    with Store.open(ws.store_path, read_only=True) as store:
        if not has_table(store, "ledger_entries"):
            return frozenset()
        return frozenset(row[0] for row in store.fetchall(batch_reviewers_sql(), [batch_id]))


def _response_path(ws: Workspace, *, conn_jobs: list[j.Job], batch_id: str) -> Path:
    done = [job for job in conn_jobs if job.state is j.JobState.DONE]
    if not done:
        raise InputError(f"no answered batch {batch_id!r}", field="batch_id")
    return ws.root / "service" / "responses" / done[-1].job_id / "response.csv"


def _public(job: j.Job, *, released: bool) -> JobPublic:
    return JobPublic(
        job_id=job.job_id,
        batch_id=job.batch_id,
        requester=job.requester,
        state=job.state.value,
        stage=job.stage,
        stages_done=job.stages_done,
        error=job.error,
        created_at=job.created_at,
        started_at=job.started_at,
        finished_at=job.finished_at,
        released=released,
    )
