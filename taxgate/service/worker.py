"""The one thread that owns the workspace's DuckDB store.

DuckDB's file is opened by one process at a time, and the pipeline's use cases open and close
it themselves. In the service, every use case that touches the workspace (a batch run, a
decision, the explanation, the ledger, the reports) is a task on this one thread, in arrival
order: a batch runs alone, and nothing reads the store half-written. The review queue's reads
are not tasks: they run side by side on the requests' own threads, each with a cursor of one
shared read-only connection, and wait while a task runs (:mod:`taxgate.service.reads`). A web
request waits for its task up to a limit and is answered 503 (busy) past it; a batch run is
queued and followed through its job.

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
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeVar

from starlette.concurrency import run_in_threadpool

from taxgate.app.pipeline import batch_known, export_response, run_batch
from taxgate.app.review_queue import ensure_pending_table
from taxgate.errors import TaxgateError, WorkspaceError
from taxgate.records import RecordStore
from taxgate.records.jobs import Job, JobState, mark_job, unfinished_jobs
from taxgate.service.reads import LINGER_SECONDS, ReadsRefused, SharedReader
from taxgate.store import Store
from taxgate.workspace import Workspace

T = TypeVar("T")
log = logging.getLogger(__name__)

WAIT_SECONDS = 20.0


@dataclass(frozen=True)
class Recovery:
    """What :meth:`WorkspaceWorker.recover` did with one unfinished job."""

    job_id: str
    outcome: str  # "requeued" (it ran now), "completed" (response rewritten), "failed"


class WorkspaceBusy(WorkspaceError):
    """The workspace is busy (a batch runs); the web layer answers 503."""


_Task = tuple[Callable[[Workspace], Any], "Future[Any]"]


class WorkspaceWorker:
    """A single thread running workspace tasks one at a time, in order."""

    def __init__(self, ws: Workspace, records: RecordStore) -> None:
        self.ws = ws
        self.records = records
        self._queue: queue.Queue[_Task | None] = queue.Queue()
        self.reads = SharedReader(ws.store_path)  # the queue's reads, off this thread
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
        return await self._wait(self.submit(task), wait)

    async def _wait(self, future: Future[T], wait: float) -> T:
        try:
            return await asyncio.wait_for(asyncio.wrap_future(future), timeout=wait)
        except TimeoutError as e:
            raise WorkspaceBusy(
                "the workspace is busy (a batch is running); nothing was done",
                hint="try again in a moment; GET /api/jobs/{job_id} shows the batch's progress",
            ) from e

    async def read(self, task: Callable[[Store], T], *, wait: float = WAIT_SECONDS) -> T:
        """Run a task that only reads the store, on the calling request's own thread, beside
        other reads (:class:`~taxgate.service.reads.SharedReader`); it waits for a worker task
        in progress, up to ``wait`` seconds.

        Raises:
            WorkspaceBusy: a worker task (a batch run) held the store for longer than ``wait``.
        """
        try:
            return await run_in_threadpool(self.reads.read, task, wait=wait)
        except ReadsRefused as e:
            raise WorkspaceBusy(
                e.message,
                hint="try again in a moment; GET /api/jobs/{job_id} shows the batch's progress",
            ) from e

    def run_job(self, job_id: str, manifest: Path, out_dir: Path) -> Future[None]:
        """Queue a batch run; its job's state and stage follow it in the record store."""
        return self.submit(lambda ws: self._run(ws, job_id, manifest, out_dir))

    def migrate(self) -> Future[bool]:
        """Build the review queue's pending table in a workspace made before it (call once,
        before serving): the queue's reads open the store read-only and could not."""

        def build(ws: Workspace) -> bool:
            if not ws.store_path.exists():
                return False
            with Store.open(ws.store_path) as store:
                return ensure_pending_table(store)

        return self.submit(build)

    def recover(self) -> Future[list[Recovery]]:
        """Settle the jobs a stopped process left unfinished (call once, before serving).

        The queue of jobs lives in this process; when it stops (a crash, a kill, a restart),
        the record store still says QUEUED or RUNNING. A QUEUED job never started: it is queued
        again from its uploaded files. A RUNNING job stopped somewhere in ``run_batch``, which
        commits all or nothing: if its batch is committed, the run finished but for the file,
        so the response is written again from the store (``export_response``, byte for byte
        what the run writes) and the job is DONE; if not, nothing was committed and the job is
        FAILED with the reason (it is not run again: a batch that kills the process would kill
        it again at every start).
        """
        with self.records.begin() as conn:
            left = unfinished_jobs(conn)
        return self.submit(lambda ws: [self._recover(ws, job) for job in left])

    def _recover(self, ws: Workspace, job: Job) -> Recovery:
        uploads = ws.root / "service" / "uploads" / job.job_id
        out_dir = ws.root / "service" / "responses" / job.job_id
        if job.state is JobState.QUEUED:
            self._run(ws, job.job_id, uploads / "manifest.json", out_dir)
            return Recovery(job.job_id, "requeued")
        with Store.open(ws.store_path, read_only=True) as store:
            committed = job.batch_id is not None and batch_known(store, job.batch_id)
        if committed and job.batch_id is not None:
            try:
                export_response(ws, job.batch_id, out_dir)
            except TaxgateError as e:
                self._mark(job.job_id, JobState.FAILED, error=f"{type(e).__name__}: {e.message}")
                return Recovery(job.job_id, "failed")
            self._mark(job.job_id, JobState.DONE)
            return Recovery(job.job_id, "completed")
        self._mark(
            job.job_id,
            JobState.FAILED,
            error="interrupted: the service stopped while the batch ran; nothing was "
            "committed; upload the batch again",
        )
        return Recovery(job.job_id, "failed")

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
        while True:
            try:
                item = self._queue.get(timeout=LINGER_SECONDS)
            except queue.Empty:
                self.reads.close_if_idle()
                continue
            if item is None:
                break
            task, future = item
            if future.set_running_or_notify_cancel():
                try:
                    with self.reads.exclusive():
                        future.set_result(task(self.ws))
                except BaseException as e:
                    future.set_exception(e)
        self.reads.close()

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
