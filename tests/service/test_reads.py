"""The review queue's reads run side by side on one shared read-only connection, and a worker
task runs alone: it waits for the reads in flight, closes the connection (and forgets what was
remembered on it), and reads wait for it."""

from __future__ import annotations

import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from taxgate.service.reads import ReadsRefused, SharedReader
from taxgate.store import Store


@pytest.fixture
def store_file(tmp_path: Path) -> Path:
    path = tmp_path / "store.duckdb"
    with Store.open(path) as store:
        store.execute("CREATE TABLE t (x INTEGER)")
        store.execute("INSERT INTO t VALUES (1), (2), (3)")
    return path


def _count(store: Store) -> int:
    row = store.fetchone("SELECT count(*) FROM t")
    assert row is not None
    return int(row[0])


def test_reads_run_at_the_same_time_on_their_own_cursors(store_file: Path) -> None:
    reads = SharedReader(store_file)
    inside = threading.Barrier(3, timeout=10)  # three reads inside their task at once

    def task(store: Store) -> int:
        inside.wait()
        return _count(store)

    found: list[int] = []
    threads = [
        threading.Thread(target=lambda: found.append(reads.read(task, wait=5))) for _ in range(3)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert found == [3, 3, 3]
    reads.close()


def test_a_task_waits_for_reads_closes_the_connection_and_forgets(store_file: Path) -> None:
    reads = SharedReader(store_file)
    computed: list[int] = []

    def remembered(store: Store) -> int:
        return reads.memo("count", lambda: computed.append(1) or _count(store))

    assert reads.read(remembered, wait=5) == 3
    assert reads.read(remembered, wait=5) == 3
    assert computed == [1]  # worked out once while the connection stayed open
    started = threading.Event()
    release = threading.Event()

    def long_read(store: Store) -> int:
        started.set()
        release.wait(10)
        return _count(store)

    reader = threading.Thread(target=lambda: reads.read(long_read, wait=5))
    reader.start()
    started.wait(10)
    wrote = threading.Event()

    def write() -> None:
        with reads.exclusive(), Store.open(store_file) as store:  # the file is free
            store.execute("INSERT INTO t VALUES (4)")
            wrote.set()

    writer = threading.Thread(target=write)
    writer.start()
    time.sleep(0.2)
    assert not wrote.is_set()  # the task waits for the read in flight
    release.set()
    writer.join(10)
    reader.join(10)
    assert wrote.is_set()
    assert reads.read(remembered, wait=5) == 4  # what was remembered went with the connection
    assert computed == [1, 1]
    reads.close()


def test_a_read_waits_for_a_task_up_to_its_limit(store_file: Path) -> None:
    reads = SharedReader(store_file)
    with reads.exclusive(), pytest.raises(ReadsRefused):
        reads.read(_count, wait=0.2)
    assert reads.read(_count, wait=5) == 3
    reads.close()


def test_the_connection_closes_when_reads_stop(store_file: Path) -> None:
    reads = SharedReader(store_file)
    assert reads.read(_count, wait=5) == 3
    reads.close_if_idle(linger=0.0)
    with Store.open(store_file, lock_wait=0.5) as store:  # another writer may open it now
        store.execute("INSERT INTO t VALUES (5)")
    assert reads.read(_count, wait=5) == 4
    reads.close()


def test_a_read_is_refused_when_another_process_holds_the_file(store_file: Path) -> None:
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import duckdb, sys, time; con = duckdb.connect(sys.argv[1]);"
            " print('held', flush=True); time.sleep(30)",
            str(store_file),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
        reads = SharedReader(store_file)
        began = time.monotonic()
        with pytest.raises(ReadsRefused, match="in use by another process"):
            reads.read(_count, wait=0.5)
        assert time.monotonic() - began < 10  # the read's own limit, not the store's 600 s
    finally:
        holder.kill()
        holder.communicate()


def test_what_is_remembered_is_used_at_once_only_while_no_task_runs_or_waits(
    store_file: Path,
) -> None:
    reads = SharedReader(store_file)
    assert reads.remembered("count") is None  # nothing read yet
    assert reads.read(lambda store: reads.memo("count", lambda: _count(store)), wait=5) == 3
    assert reads.remembered("count") == [3]
    assert reads.remembered("count", "other") is None  # all the keys or none
    inside = threading.Event()
    release = threading.Event()

    def long_read(store: Store) -> bool:
        inside.set()
        return release.wait(10)

    reader = threading.Thread(target=lambda: reads.read(long_read, wait=5))
    reader.start()
    assert inside.wait(10)
    task_done = threading.Event()

    def task() -> None:
        with reads.exclusive(), Store.open(store_file) as store:
            store.execute("INSERT INTO t VALUES (4)")
        task_done.set()

    writer = threading.Thread(target=task)
    writer.start()
    # The task waits for the read in flight (it cannot end before `release`): from the moment
    # it waits, reads wait for it, and nothing remembered is handed out.
    deadline = time.monotonic() + 10
    while reads.remembered("count") is not None and time.monotonic() < deadline:
        time.sleep(0.01)
    assert reads.remembered("count") is None
    assert not task_done.is_set()
    release.set()
    writer.join(10)
    reader.join(10)
    assert task_done.is_set()
    assert reads.remembered("count") is None  # the task forgot it with the connection
    assert reads.read(lambda store: reads.memo("count", lambda: _count(store)), wait=5) == 4
    assert reads.remembered("count") == [4]
    reads.close()
    assert reads.remembered("count") is None
