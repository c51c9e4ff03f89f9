"""``create_app``: the FastAPI application, built from settings passed in.

Errors are mapped to HTTP status in one handler: every ``TaxgateError`` becomes a JSON body
``{"error", "message", "hint"}`` (or a page, on the workbench), never a traceback.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path

from fastapi import Depends, FastAPI, Request
from fastapi.exception_handlers import request_validation_exception_handler
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse, Response

from taxgate.errors import TaxgateError
from taxgate.records import RecordStore, default_database_url
from taxgate.service import (
    api_admin,
    api_audit,
    api_batches,
    api_bundle,
    api_reviews,
    api_session,
    workbench,
)
from taxgate.service.access_writer import AccessLogWriter
from taxgate.service.auth import AccessLogMiddleware, authorise
from taxgate.service.refusals import error_body, status_of
from taxgate.service.session_cache import SessionCache
from taxgate.service.worker import WorkspaceWorker
from taxgate.workspace import Workspace


@dataclass(frozen=True)
class ServiceSettings:
    """What the service needs; built by ``taxgate serve`` or a test, never from globals.

    Attributes:
        workspace: The workspace folder (``taxgate init``).
        database_url: The record store; default a SQLite file in the workspace.
    """

    workspace: Path
    database_url: str | None = None


def create_app(settings: ServiceSettings) -> FastAPI:
    """The application: record store opened and migrated, the workspace worker started."""
    ws = Workspace.open(settings.workspace)
    records = RecordStore.open(settings.database_url or default_database_url(ws.root))
    worker = WorkspaceWorker(ws, records)
    access_log = AccessLogWriter(records)
    # A workspace from before the review queue's table gains it; then jobs a stopped process
    # left QUEUED or RUNNING are settled, before any request.
    worker.migrate()
    worker.recover()

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        yield
        worker.stop()
        access_log.stop()  # every request has ended: the rows still waiting are written
        records.close()

    app = FastAPI(
        title="taxgate",
        summary="Signed 6103(i)(2) batches in, reviewed and released answers out.",
        version="1",
        dependencies=[Depends(authorise)],
        lifespan=lifespan,
        # The interactive pages load their script from a CDN: nothing comes from the internet.
        docs_url=None,
        redoc_url=None,
    )
    app.state.workspace = ws
    app.state.records = records
    app.state.worker = worker
    app.state.access_log = access_log
    app.state.sessions = SessionCache()
    for module in (
        api_session,
        api_batches,
        api_bundle,
        api_reviews,
        api_audit,
        api_admin,
        workbench,
    ):
        app.include_router(module.router)
    app.add_exception_handler(TaxgateError, _taxgate_error)  # type: ignore[arg-type]
    app.add_exception_handler(RequestValidationError, _invalid_request)  # type: ignore[arg-type]
    app.add_middleware(AccessLogMiddleware, writer=access_log)
    return app


async def _invalid_request(request: Request, error: RequestValidationError) -> Response:
    """A request the API's schema refuses answers as every 422 is documented (ErrorPublic):
    where and what, never the value sent (it may be taxpayer data)."""
    if not request.url.path.startswith("/api"):
        return await request_validation_exception_handler(request, error)
    where = "; ".join(
        f"{'.'.join(str(p) for p in problem.get('loc', ()))}: {problem.get('msg', 'invalid')}"
        for problem in error.errors()
    )
    body = {"error": "InvalidRequest", "message": where, "hint": "see /openapi.json"}
    return JSONResponse(body, status_code=422)


async def _taxgate_error(request: Request, error: TaxgateError) -> Response:
    status = status_of(error)
    if not request.url.path.startswith("/api"):
        if status == 401 and request.method == "GET":
            return RedirectResponse("/login", status_code=303)
        return workbench.error_page(request, error, status)
    return JSONResponse(error_body(error), status_code=status)
