"""Suite-wide test settings, and a small reviewed world shared by several test modules.

Hypothesis' "too slow" health check measures wall time, which a shared 2-core CI machine
cannot promise; the properties themselves are unchanged (same examples, no deadline).
"""

from __future__ import annotations

import json
import os
import shutil
import signal
from collections.abc import Iterator
from dataclasses import dataclass, fields
from pathlib import Path
from types import FrameType

import pytest
from hypothesis import HealthCheck, settings

from taxgate.app.review import pending_reviews
from taxgate.cli.main import run_cli
from taxgate.errors import DisclosureRefused
from taxgate.store import Store
from taxgate.workspace import Workspace

settings.register_profile(
    "taxgate", suppress_health_check=[HealthCheck.too_slow], deadline=None, print_blob=True
)
settings.load_profile("taxgate")


@pytest.fixture(autouse=True, scope="session")
def _ledger_keys_outside_home(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """Workspaces made without --ledger-key put their signing key under the user's
    configuration folder; the suite's keys go to a temporary one, never the real home."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("XDG_CONFIG_HOME", str(tmp_path_factory.mktemp("config-home")))
        yield


@pytest.fixture
def no_hang() -> Iterator[None]:
    """Fail, rather than hang the suite, if the test waits more than 20 s (on a FIFO)."""

    def timeout(signum: int, frame: FrameType | None) -> None:
        raise AssertionError("the test waited more than 20 s (on a FIFO?)")

    previous = signal.signal(signal.SIGALRM, timeout)
    signal.alarm(20)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


@pytest.fixture
def umask_022() -> Iterator[None]:
    """Run the test under the common umask 022 (group and others may read new files)."""
    previous = os.umask(0o022)
    try:
        yield
    finally:
        os.umask(previous)


# A world small enough to build in seconds whose batch holds several requests for review.
SMALL_TAXPAYERS, SMALL_REQUESTS, SMALL_SEED = 1_000, 200, 2
SIGNER = "ice-director"


@dataclass(frozen=True)
class ReviewedWorld:
    """A committed batch of which one review was approved and another declined."""

    root: Path
    ws: Path
    world: Path
    keys: Path
    batch_id: str
    approved: str
    declined: str

    def copy(self, target: Path) -> ReviewedWorld:
        """The same world in ``target``, for a test that changes it."""
        shutil.copytree(self.root, target)
        values = {f.name: getattr(self, f.name) for f in fields(self)}
        return ReviewedWorld(
            **{
                k: target / v.relative_to(self.root) if isinstance(v, Path) else v
                for k, v in values.items()
            }
        )


def build_reviewed_world(root: Path) -> ReviewedWorld:
    """keys → synth (signed) → init → add-signer → master load → run, through the CLI; then
    approve the first request held for review that may be approved, and decline another."""
    ws, keys, world, out = root / "ws", root / "keys", root / "world", root / "out"
    steps = [
        ["keys", "new", str(keys), "--name", SIGNER],
        [
            *("synth", str(world), "--taxpayers", str(SMALL_TAXPAYERS)),
            *("--requests", str(SMALL_REQUESTS), "--seed", str(SMALL_SEED)),
            *("--sign-key", str(keys / f"{SIGNER}.key.pem"), "--signer", SIGNER),
        ],
        ["init", str(ws)],
        [
            *("agreement", "add-signer", str(ws), "--name", SIGNER),
            *("--public-key", str(keys / f"{SIGNER}.pub.pem"), "--valid-from", "2025-04-07"),
        ],
        ["master", "load", str(ws), str(world / "master"), "--workers", "1"],
        ["run", str(ws), str(world / "manifest.json"), "--out", str(out)],
    ]
    for argv in steps:
        assert run_cli(argv) == 0, f"taxgate {' '.join(argv)} failed"
    batch_id = json.loads((world / "manifest.json").read_text(encoding="utf-8"))["batch_id"]
    with Store.open(Workspace.open(ws).store_path) as store:
        pending = [p.request_id for p in pending_reviews(store, batch_id=batch_id)]
    assert len(pending) >= 2, "the small world holds fewer than two reviews; choose another seed"
    approve = ["review", "approve", str(ws), "--batch", batch_id, "--reviewer", "j.doe"]
    approve += ["--why", "date of birth confirmed", "--out", str(root / "supplements")]
    # An approval is refused (and nothing recorded) where the taxpayer was disclosed already.
    approved = None
    for request in pending:
        code = run_cli([*approve, "--request", request])
        assert code in (0, DisclosureRefused.exit_code), f"review approve exited {code}"
        if code == 0:
            approved = request
            break
    assert approved is not None, "no review of the small world could be approved"
    declined = next(r for r in pending if r != approved)
    decline = ["review", "decline", str(ws), "--batch", batch_id, "--request", declined]
    assert run_cli([*decline, "--reviewer", "j.doe", "--why", "not the same person"]) == 0
    return ReviewedWorld(root, ws, world, keys, batch_id, approved, declined)


@pytest.fixture(scope="session")
def reviewed_world(tmp_path_factory: pytest.TempPathFactory) -> ReviewedWorld:
    """The small world with one review approved and one declined (do not change it: copy)."""
    return build_reviewed_world(tmp_path_factory.mktemp("reviewed-world"))


# The record store's backends: every test that takes ``records_url`` runs on a fresh SQLite file
# and on a fresh database of the machine's PostgreSQL (dropped after), as `make test` starts it.
POSTGRES_ADMIN_URL = os.environ.get(
    "TAXGATE_TEST_POSTGRES", "postgresql://postgres@127.0.0.1:5432/postgres"
)


@pytest.fixture(params=["sqlite", "postgresql"])
def records_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A URL naming an empty record store on each backend."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'records.sqlite'}"
        return
    yield from _fresh_postgres_database()


def _fresh_postgres_database() -> Iterator[str]:
    import secrets

    import psycopg
    from sqlalchemy.engine import make_url

    admin = make_url(POSTGRES_ADMIN_URL)
    conninfo = admin.set(drivername="postgresql").render_as_string(hide_password=False)
    name = f"taxgate_test_{secrets.token_hex(6)}"
    try:
        admin_conn = psycopg.connect(conninfo, autocommit=True, connect_timeout=5)
    except psycopg.OperationalError as e:
        pytest.skip(f"the local PostgreSQL does not answer ({e}); `make test` starts it")
    with admin_conn:
        admin_conn.execute(f'CREATE DATABASE "{name}"')
        try:
            yield admin.set(database=name).render_as_string(hide_password=False)
        finally:
            admin_conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
