"""The store's locks: many readers or one writer, and each kind waits for the other."""

from __future__ import annotations

import subprocess
import sys
import textwrap
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from taxgate.errors import StoreError, WorkspaceError
from taxgate.store import Store

HOLD = """
import sys, time
from pathlib import Path
from taxgate.store import Store
with Store.open(Path(sys.argv[1]), read_only=sys.argv[2] == "read"):
    print("holding", flush=True)
    time.sleep(float(sys.argv[3]))
"""


@contextmanager
def held(path: Path, kind: str, seconds: float) -> Iterator[subprocess.Popen[str]]:
    """Another process holding the store (``read`` or ``write``) for ``seconds``."""
    with subprocess.Popen(
        [sys.executable, "-c", textwrap.dedent(HOLD), str(path), kind, str(seconds)],
        stdout=subprocess.PIPE,
        text=True,
    ) as process:
        assert process.stdout is not None
        assert process.stdout.readline().strip() == "holding"
        yield process
        assert process.wait(timeout=60) == 0


@pytest.fixture
def path(tmp_path: Path) -> Path:
    store_path = tmp_path / "store.duckdb"
    with Store.open(store_path) as store:
        store.execute("CREATE TABLE t (x INTEGER)")
        store.execute("INSERT INTO t VALUES (1)")
    return store_path


def test_readers_share_the_store(path: Path) -> None:
    with held(path, "read", 1.0):
        started = time.monotonic()
        with Store.open(path, read_only=True, lock_wait=0) as store:
            assert store.fetchall("SELECT x FROM t") == [(1,)]
        assert time.monotonic() - started < 1.0


def test_a_writer_waits_for_a_reader_instead_of_failing(path: Path) -> None:
    # An auditor's `ledger verify` holds a read-only connection; a `run` starts meanwhile.
    with held(path, "read", 2.0):
        started = time.monotonic()
        with Store.open(path) as store:
            store.execute("INSERT INTO t VALUES (2)")
        assert time.monotonic() - started > 0.5
    with Store.open(path, read_only=True) as store:
        assert store.fetchall("SELECT count(*) FROM t") == [(2,)]


def test_a_reader_waits_for_a_writer_or_says_it_is_in_use(path: Path) -> None:
    with held(path, "write", 2.0):
        with pytest.raises(WorkspaceError, match=r"in use by another process \(waited 0.3 s\)"):
            Store.open(path, read_only=True, lock_wait=0.3)
        with Store.open(path, read_only=True, lock_wait=60) as store:
            assert store.fetchall("SELECT x FROM t") == [(1,)]


def test_a_read_only_store_writes_nothing(path: Path, tmp_path: Path) -> None:
    with Store.open(path, read_only=True) as store, pytest.raises(StoreError):
        store.execute("INSERT INTO t VALUES (3)")
    missing = tmp_path / "never.duckdb"
    with Store.open(missing, read_only=True) as empty:
        assert empty.read_only
        assert empty.fetchall("SELECT count(*) FROM duckdb_tables()") == [(0,)]
    assert not missing.exists()
