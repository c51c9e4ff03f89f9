"""The one thread that owns the workspace's DuckDB store.

DuckDB's file is opened by one process at a time, and the pipeline's use cases open and close
it themselves. In the service, every use case that touches the workspace (a batch run, the
review queue, a decision, the ledger, the reports) is a task on this one thread, in arrival
order: a batch runs alone, and nothing reads the store half-written. A web request waits for
its task up to a limit and is answered 503 (busy) past it; a batch run is queued and followed
through its job.

Example:
    >>> worker = WorkspaceWorker(ws, records)  # doctest: +SKIP
    >>> await worker.call(lambda ws: verify_workspace(ws))  # doctest: +SKIP
"""

from __future__ import annotations

import asyncio
import logging
import queue
import threading
from collections.abc import Callable
from concurrent.futures import Future
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeVar

from taxgate.errors import TaxgateError, WorkspaceError
from taxgate.pipeline import run_batch
from taxgate.records import RecordStore
from taxgate.records.jobs import JobState, mark_job
from taxgate.workspace import Workspace

T = TypeVar("T")
log = logging.getLogger(__name__)

WAIT_SECONDS = 20.0


class WorkspaceBusy(WorkspaceError):
    """The workspace is busy (a batch runs); the web layer answers 503."""


_Task = tuple[Callable[[Workspace], Any], "Future[Any]"]


class WorkspaceWorker:
    """A single thread running workspace tasks one at a time, in order."""

    def __init__(self, ws: Workspace, records: RecordStore) -> None:
        self.ws = ws
        self.records = records
        self._queue: queue.Queue[_Task | None] = queue.Queue()
        self._thread = threading.Thread(target=self._loop, name="taxgate-worker", daemon=True)
        self._thread.start()

    def submit(self, task: Callable[[Workspace], T]) -> Future[T]:
        """Queue ``task``; its future holds the result or the error."""
        future: Future[T] = Future()
        self._queue.put((task, future))
        return future

    async def call(self, task: Callable[[Workspace], T], *, wait: float = WAIT_SECONDS) -> T:
        """Run ``task`` on the worker and wait for it, up to ``wait`` seconds.

        Raises:
            WorkspaceBusy: the worker did not reach or finish the task in time (a task not yet
                started is cancelled).
        """
        future = self.submit(task)
        try:
            return await asyncio.wait_for(asyncio.wrap_future(future), timeout=wait)
        except TimeoutError as e:
            raise WorkspaceBusy(
                "the workspace is busy (a batch is running); nothing was done",
                hint="try again in a moment; GET /api/jobs/{job_id} shows the batch's progress",
            ) from e

    def run_job(self, job_id: str, manifest: Path, out_dir: Path) -> Future[None]:
        """Queue a batch run; its job's state and stage follow it in the record store."""
        return self.submit(lambda ws: self._run(ws, job_id, manifest, out_dir))

    def idle(self, timeout: float = 60.0) -> bool:
        """Wait until every queued task is done (for tests and shutdown)."""
        marker = self.submit(lambda ws: None)
        try:
            marker.result(timeout=timeout)
        except TimeoutError:
            return False
        return True

    def stop(self) -> None:
        """Finish the queued tasks, then end the thread."""
        self._queue.put(None)
        self._thread.join()

    def _loop(self) -> None:
        while (item := self._queue.get()) is not None:
            task, future = item
            if not future.set_running_or_notify_cancel():
                continue
            try:
                future.set_result(task(self.ws))
            except BaseException as e:
                future.set_exception(e)

    def _run(self, ws: Workspace, job_id: str, manifest: Path, out_dir: Path) -> None:
        self._mark(job_id, JobState.RUNNING)
        try:
            run_batch(
                ws,
                manifest,
                out_dir,
                progress=lambda stage: self._mark(job_id, JobState.RUNNING, stage=stage),
            )
        except TaxgateError as e:
            # The refusal's own message: codes, file names, rows; never a taxpayer's data.
            self._mark(job_id, JobState.FAILED, error=f"{type(e).__name__}: {e.message}")
            return
        except Exception as e:
            log.error("job %s failed: %s", job_id, type(e).__name__)
            self._mark(job_id, JobState.FAILED, error=f"internal error ({type(e).__name__})")
            return
        self._mark(job_id, JobState.DONE)

    def _mark(
        self, job_id: str, state: JobState, *, stage: str | None = None, error: str | None = None
    ) -> None:
        with self.records.begin() as conn:
            mark_job(conn, job_id, state=state, stage=stage, error=error, now=datetime.now(UTC))
