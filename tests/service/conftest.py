"""Services on fresh workspaces, signed-in clients of every role, and a world to submit."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from taxgate.cli.main import run_cli
from taxgate.records import RecordStore
from taxgate.records.credentials import totp_now
from taxgate.records.users import add_token, add_user
from taxgate.service.app import ServiceSettings, create_app
from taxgate.service.matrix import Role

PASSWORD = "a long enough password"
SIGNER = "ice-director"


@dataclass
class Service:
    """A running app on a workspace, with its record store's URL."""

    client: TestClient
    ws: Path
    records_url: str

    @property
    def records(self) -> RecordStore:
        store: RecordStore = self.client.app.state.records  # type: ignore[attr-defined]
        return store

    def flush_access_log(self) -> None:
        """Wait until the access-log rows of every request so far are committed (the rows
        are written by the log's own thread, after the answers)."""
        assert self.client.app.state.access_log.flush()  # type: ignore[attr-defined]

    def person(self, name: str, role: Role) -> TestClient:
        """A new client signed in as a new user of ``role`` (CSRF header set)."""
        with self.records.begin() as conn:
            new = add_user(
                conn, username=name, role=role.value, password=PASSWORD, now=datetime.now(UTC)
            )
        client = TestClient(self.client.app, base_url="https://testserver")
        answer = client.post(
            "/api/session",
            json={
                "username": name,
                "password": PASSWORD,
                "totp": totp_now(new.totp_secret, at=datetime.now(UTC)),
            },
        )
        assert answer.status_code == 200, answer.text
        client.headers["X-CSRF-Token"] = answer.json()["csrf_token"]
        return client

    def machine(self, name: str, requester: str) -> TestClient:
        """A new client holding a submitter token scoped to ``requester``."""
        with self.records.begin() as conn:
            token = add_token(
                conn,
                name=name,
                role="submitter",
                requester=requester,
                created_by="test",
                now=datetime.now(UTC),
            )
        client = TestClient(self.client.app, base_url="https://testserver")
        client.headers["Authorization"] = f"Bearer {token}"
        return client

    def anonymous(self) -> TestClient:
        return TestClient(self.client.app, base_url="https://testserver")


@pytest.fixture
def start_service(records_url: str) -> Iterator[Callable[[Path], Service]]:
    """Start the service on a workspace (stopped after the test)."""
    started: list[TestClient] = []

    def start(ws: Path) -> Service:
        client = TestClient(
            create_app(ServiceSettings(ws, records_url)), base_url="https://testserver"
        )
        client.__enter__()
        started.append(client)
        return Service(client, ws, records_url)

    yield start
    for client in started:
        client.__exit__(None, None, None)


@pytest.fixture
def empty_service(tmp_path: Path, start_service: Callable[[Path], Service]) -> Service:
    """The service on a fresh workspace with nothing loaded."""
    assert run_cli(["init", str(tmp_path / "ws")]) == 0
    return start_service(tmp_path / "ws")


@dataclass(frozen=True)
class LoadedWorld:
    """A workspace with its master loaded and a signed batch not yet run."""

    root: Path
    ws: Path
    world: Path

    @property
    def manifest(self) -> dict[str, object]:
        data: dict[str, object] = json.loads((self.world / "manifest.json").read_text())
        return data

    def copy(self, target: Path) -> LoadedWorld:
        shutil.copytree(self.root, target)
        return LoadedWorld(target, target / "ws", target / "world")


@pytest.fixture(scope="session")
def loaded_world(tmp_path_factory: pytest.TempPathFactory) -> LoadedWorld:
    """keys → synth (signed) → init → add-signer → master load, through the CLI."""
    root = tmp_path_factory.mktemp("loaded-world")
    ws, keys, world = root / "ws", root / "keys", root / "world"
    steps = [
        ["keys", "new", str(keys), "--name", SIGNER],
        [
            "synth",
            str(world),
            "--taxpayers",
            "1000",
            "--requests",
            "200",
            "--seed",
            "2",
            "--sign-key",
            str(keys / f"{SIGNER}.key.pem"),
            "--signer",
            SIGNER,
        ],
        ["init", str(ws)],
        [
            "agreement",
            "add-signer",
            str(ws),
            "--name",
            SIGNER,
            "--public-key",
            str(keys / f"{SIGNER}.pub.pem"),
            "--valid-from",
            "2025-04-07",
        ],
        ["master", "load", str(ws), str(world / "master"), "--workers", "1"],
    ]
    for argv in steps:
        assert run_cli(argv) == 0, f"taxgate {' '.join(argv)} failed"
    return LoadedWorld(root, ws, world)


@pytest.fixture
def answered(loaded_world: LoadedWorld, tmp_path: Path) -> LoadedWorld:
    """A copy of the loaded world whose batch ``taxgate run`` answered (reviews pending)."""
    world = loaded_world.copy(tmp_path / "answered")
    argv = ["run", str(world.ws), str(world.world / "manifest.json"), "--out", str(tmp_path / "o")]
    assert run_cli(argv) == 0
    return world
