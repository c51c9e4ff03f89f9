"""The submitter's download of a released batch as one zip: the response and its proofs.

``GET /api/batches/{batch_id}/bundle`` answers ``application/zip`` holding

* ``response.csv``: the released response, checked against the SHA-256 its release recorded;
* ``checkpoint.txt`` and ``proofs.json``: the signed C2SP checkpoint covering the batch and the
  inclusion proof of each DISCLOSURE of the run (written by the run beside the response; see
  :mod:`taxgate.ledger.receipts`), so that the requester can check its answers against the
  ledger's published root;
* ``supplements/supplement-<batch>-<request>.csv``: each approved review's supplementary
  response, checked against the SHA-256 its REVIEW_DECIDED ledger entry binds. Only approvals
  decided *before* the release go out: the release is the second person's act, and an approval
  made after it was released by no one;
* ``bundle.json``: each file's name and SHA-256 and the release (who, when).

The zip's entries carry a fixed time, so the same release always gives the same bytes.
"""

from __future__ import annotations

import hashlib
import io
import json
import zipfile
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from fastapi import APIRouter, Request
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool

from taxgate.disclosure.reviews import approved_supplements_sql, supplement_file_name
from taxgate.errors import DisclosureRefused, InputError, WorkspaceError
from taxgate.ledger.hold import has_table
from taxgate.ledger.receipts import CHECKPOINT_FILE, PROOFS_FILE
from taxgate.records import RecordStore
from taxgate.records import jobs as j
from taxgate.service.auth import require_principal
from taxgate.service.refusals import ERROR_RESPONSES
from taxgate.service.worker import WorkspaceWorker
from taxgate.store import Store
from taxgate.workspace import Workspace

router = APIRouter(tags=["batches"], responses=ERROR_RESPONSES)

RESPONSE_FILE = "response.csv"
_ZIP_TIME = (1980, 1, 1, 0, 0, 0)


@dataclass(frozen=True)
class Approval:
    """An approval the ledger records for a batch: the supplement's hash, and when."""

    request_id: str
    supplement_sha256: str | None
    logged_at: str


def approvals_of(ws: Workspace, batch_id: str) -> list[Approval]:
    """The approvals of ``batch_id`` in the workspace's ledger (on the worker)."""
    with Store.open(ws.store_path, read_only=True) as store:
        if not has_table(store, "ledger_entries"):
            return []
        rows = store.fetchall(approved_supplements_sql(), [batch_id])
    return [Approval(str(r[0]), None if r[1] is None else str(r[1]), str(r[2])) for r in rows]


def _instant(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def bundle_files(
    ws: Workspace,
    *,
    batch_id: str,
    response_dir: Path,
    release: j.Release,
    approvals: list[Approval],
) -> dict[str, bytes]:
    """The files of the bundle, each checked; names in the zip mapped to their bytes.

    Raises:
        WorkspaceError: a file is missing, or differs from the hash its release or its ledger
            entry recorded (nothing is sent).
    """
    files: dict[str, bytes] = {}
    for name in (RESPONSE_FILE, CHECKPOINT_FILE, PROOFS_FILE):
        path = response_dir / name
        if not path.is_file():
            raise WorkspaceError(f"the {name} of batch {batch_id} is missing")
        files[name] = path.read_bytes()
    if hashlib.sha256(files[RESPONSE_FILE]).hexdigest() != release.response_sha256:
        raise WorkspaceError(f"the response of batch {batch_id} changed after its release")
    released_at = _instant(release.released_at)
    folder = ws.root / "service" / "supplements" / batch_id
    for approval in approvals:
        if _instant(approval.logged_at) > released_at:
            continue
        name = supplement_file_name(batch_id, approval.request_id)
        path = folder / name
        data = path.read_bytes() if path.is_file() else b""
        if hashlib.sha256(data).hexdigest() != approval.supplement_sha256:
            raise WorkspaceError(
                f"the supplement of request {approval.request_id} of batch {batch_id} is "
                "missing or differs from its ledger entry"
            )
        files[f"supplements/{name}"] = data
    return files


def zip_bytes(files: dict[str, bytes], release: j.Release) -> bytes:
    """The zip of ``files`` and their ``bundle.json`` (fixed entry times: same bytes each time)."""
    index = {
        "batch_id": release.batch_id,
        "released_by": release.released_by,
        "released_at": release.released_at,
        "files": {name: hashlib.sha256(data).hexdigest() for name, data in files.items()},
    }
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        entries = {**files, "bundle.json": json.dumps(index, indent=2, sort_keys=True).encode()}
        for name, data in entries.items():
            info = zipfile.ZipInfo(name, date_time=_ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o600 << 16
            archive.writestr(info, data)
    return out.getvalue()


@router.get(
    "/api/batches/{batch_id}/bundle",
    response_class=Response,
    responses={
        200: {
            "content": {"application/zip": {}},
            "description": "response.csv, checkpoint.txt, proofs.json, the supplements of "
            "approvals decided before the release, and bundle.json (each file's SHA-256)",
        }
    },
)
async def download_bundle(batch_id: str, request: Request) -> Response:
    """The released response of a batch of the token's own requester, with its checkpoint,
    inclusion proofs and approved supplements, as one zip."""
    who = require_principal(request)
    ws: Workspace = request.app.state.workspace
    records: RecordStore = request.app.state.records
    worker: WorkspaceWorker = request.app.state.worker

    def released() -> tuple[j.Release, Path]:
        with records.begin() as conn:
            jobs = [x for x in j.jobs_of_batch(conn, batch_id) if x.requester == who.requester]
            release = j.get_release(conn, batch_id)
        done = [x for x in jobs if x.state is j.JobState.DONE]
        if not done:
            raise InputError(f"no answered batch {batch_id!r}", field="batch_id")
        if release is None:
            raise DisclosureRefused(
                f"batch {batch_id} is not released yet",
                hint="a disclosure officer releases it; follow GET /api/jobs/{job_id}",
            )
        return release, ws.root / "service" / "responses" / done[-1].job_id

    release, folder = await run_in_threadpool(released)
    approvals = await worker.call(lambda w: approvals_of(w, batch_id))

    def build() -> bytes:
        files = bundle_files(
            ws, batch_id=batch_id, response_dir=folder, release=release, approvals=approvals
        )
        return zip_bytes(files, release)

    data = await run_in_threadpool(build)
    return Response(
        data,
        media_type="application/zip",
        headers={"Content-Disposition": 'attachment; filename="response-bundle.zip"'},
    )
