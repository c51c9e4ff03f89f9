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
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeVar

from taxgate.errors import TaxgateError, WorkspaceError
from taxgate.pipeline import batch_known, export_response, run_batch
from taxgate.records import RecordStore
from taxgate.records.jobs import Job, JobState, mark_job, unfinished_jobs
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


@dataclass(frozen=True)
class _Read:
    """A task that only reads the store: it may share the worker's open read connection."""

    task: Callable[[Store], Any]


_Task = tuple[Callable[[Workspace], Any] | _Read, "Future[Any]"]


class WorkspaceWorker:
    """A single thread running workspace tasks one at a time, in order."""

    def __init__(self, ws: Workspace, records: RecordStore) -> None:
        self.ws = ws
        self.records = records
        self._queue: queue.Queue[_Task | None] = queue.Queue()
        self._reader: Store | None = None  # the shared read connection (see ``read``)
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
        """Run a task that only reads the store, on the worker, and wait for it.

        Opening DuckDB costs more than a page of the review queue, so reads that follow each
        other share one read-only connection. It is closed before any other task runs (a
        write opens the file its own way) and whenever the worker's queue is empty, so that
        between bursts the file is free for the CLI, as it is without the service.
        """
        future: Future[T] = Future()
        self._queue.put((_Read(task), future))
        return await self._wait(future, wait)

    def run_job(self, job_id: str, manifest: Path, out_dir: Path) -> Future[None]:
        """Queue a batch run; its job's state and stage follow it in the record store."""
        return self.submit(lambda ws: self._run(ws, job_id, manifest, out_dir))

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
        while (item := self._queue.get()) is not None:
            task, future = item
            if future.set_running_or_notify_cancel():
                try:
                    future.set_result(self._perform(task))
                except BaseException as e:
                    future.set_exception(e)
            if self._queue.empty():
                self._close_reader()
        self._close_reader()

    def _perform(self, task: Callable[[Workspace], Any] | _Read) -> Any:
        if isinstance(task, _Read):
            if self._reader is None:
                self._reader = Store.open(self.ws.store_path, read_only=True)
            return task.task(self._reader)
        self._close_reader()
        return task(self.ws)

    def _close_reader(self) -> None:
        if self._reader is not None:
            reader, self._reader = self._reader, None
            reader.close()

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
