"""Jobs a stopped service left unfinished are settled when it starts again: a QUEUED job runs,
a RUNNING one is DONE if its batch was committed (the response written again, byte for byte)
and FAILED if not."""

from __future__ import annotations

import asyncio
import shutil
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest

from taxgate.cli.main import run_cli
from taxgate.records import RecordStore
from taxgate.records.jobs import JobState, add_job, get_job, mark_job
from taxgate.service.worker import WorkspaceWorker
from taxgate.store import Store
from taxgate.workspace import Workspace

from .conftest import LoadedWorld, Service


def _left_behind(records_url: str, job_id: str, batch_id: str, state: JobState) -> None:
    """A job as a killed process leaves it: QUEUED, or RUNNING at some stage."""
    records = RecordStore.open(records_url)
    try:
        with records.begin() as conn:
            now = datetime.now(UTC)
            add_job(
                conn, job_id=job_id, batch_id=batch_id, requester="ICE", submitted_by="t", now=now
            )
            if state is JobState.RUNNING:
                mark_job(conn, job_id, state=JobState.RUNNING, now=now)
                mark_job(conn, job_id, state=JobState.RUNNING, stage="matching", now=now)
    finally:
        records.close()


def _settled(service: Service, job_id: str) -> tuple[JobState, str | None]:
    assert service.client.app.state.worker.idle()  # type: ignore[attr-defined]
    with service.records.begin() as conn:
        job = get_job(conn, job_id)
    assert job is not None
    return job.state, job.error


def test_a_running_job_whose_batch_never_committed_fails_on_restart(
    tmp_path: Path, records_url: str, start_service: Callable[[Path], Service]
) -> None:
    assert run_cli(["init", str(tmp_path / "ws")]) == 0
    _left_behind(records_url, "job-1", "B-never", JobState.RUNNING)
    state, error = _settled(start_service(tmp_path / "ws"), "job-1")
    assert state is JobState.FAILED
    assert error is not None and "interrupted" in error and "nothing was committed" in error


@pytest.mark.slow
def test_a_running_job_whose_batch_committed_is_done_with_its_response(
    answered: LoadedWorld,
    tmp_path: Path,
    records_url: str,
    start_service: Callable[[Path], Service],
) -> None:
    batch_id = str(answered.manifest["batch_id"])
    _left_behind(records_url, "job-2", batch_id, JobState.RUNNING)
    out = answered.ws / "service" / "responses" / "job-2"
    out.mkdir(parents=True)  # the upload made it; the run died before writing into it
    state, error = _settled(start_service(answered.ws), "job-2")
    assert (state, error) == (JobState.DONE, None)
    cli = tmp_path / "o"  # where `answered` ran the same batch with `taxgate run`
    for name in ("response.csv", "checkpoint.txt", "proofs.json"):
        assert (out / name).read_bytes() == (cli / name).read_bytes(), name


@pytest.mark.slow
def test_a_queued_job_runs_on_restart(
    loaded_world: LoadedWorld,
    tmp_path: Path,
    records_url: str,
    start_service: Callable[[Path], Service],
) -> None:
    world = loaded_world.copy(tmp_path / "w")
    uploads = world.ws / "service" / "uploads" / "job-3"
    uploads.mkdir(parents=True)
    request_file = str(world.manifest["request_file"])
    for name in ("manifest.json", "manifest.json.sig", request_file):
        shutil.copyfile(world.world / name, uploads / name)
    (world.ws / "service" / "responses" / "job-3").mkdir(parents=True)
    _left_behind(records_url, "job-3", str(world.manifest["batch_id"]), JobState.QUEUED)
    state, error = _settled(start_service(world.ws), "job-3")
    assert (state, error) == (JobState.DONE, None)
    assert (world.ws / "service" / "responses" / "job-3" / "response.csv").is_file()
    assert Workspace.open(world.ws).store_path.is_file()


def test_reads_wait_for_a_task_share_one_connection_and_free_the_file(tmp_path: Path) -> None:
    assert run_cli(["init", str(tmp_path / "ws")]) == 0
    ws = Workspace.open(tmp_path / "ws")
    records = RecordStore.open(f"sqlite:///{tmp_path / 'records.sqlite'}")
    worker = WorkspaceWorker(ws, records)
    gate = threading.Event()

    def shared(store: Store) -> int:
        assert worker.reads.is_open
        return id(worker.reads._store)

    async def burst() -> tuple[list[bool], list[int]]:
        worker.submit(lambda _ws: gate.wait(10))  # a task runs: the reads wait for it
        await asyncio.sleep(0.1)
        reads = [asyncio.ensure_future(worker.read(shared)) for _ in range(3)]
        await asyncio.sleep(0.3)
        waiting = [not r.done() for r in reads]
        gate.set()
        return waiting, list(await asyncio.gather(*reads))

    try:
        waiting, connections = asyncio.run(burst())
        assert waiting == [True, True, True]
        assert len(set(connections)) == 1  # one connection served the three reads
        # A task closes the shared connection before it runs: the file opens for writing.
        written = worker.submit(lambda w: Store.open(w.store_path).close())
        written.result(timeout=30)
        assert not worker.reads.is_open
        assert asyncio.run(worker.read(lambda store: store.fetchone("SELECT 2"))) == (2,)
        # Once no read has come for a while, the connection is closed: the CLI may open it.
        deadline = time.monotonic() + 10
        while worker.reads.is_open and time.monotonic() < deadline:
            time.sleep(0.1)
        with Store.open(ws.store_path) as store:
            assert store.fetchone("SELECT 1") == (1,)
    finally:
        worker.stop()
        records.close()
