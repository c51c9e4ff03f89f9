"""The workbench in a real browser, at the issue's scale: Playwright drives Debian's Chromium
against the service under Uvicorn. A submitter uploads a signed batch that the agreement holds
for review (a batch flag with ``hold_release_on_flags``: every would-be disclosure waits for a
person, well over 50 items); an analyst clears 50 items with the keyboard alone (five approved,
the rest declined), an officer decides one more and is refused the release of the batch, a
second officer releases it, and the submitter downloads the bundle. Screenshots, the server's
log and the access log are kept in ``test-artifacts/playwright/<backend>/`` under the
repository root (git-ignored), and no name, street or TIN of the master file is in any log.

Skips only where Chromium is absent (``scripts/ensure-chromium`` installs it).
"""

from __future__ import annotations

import io
import logging
import re
import shutil
import socket
import threading
import time
import zipfile
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pyarrow.parquet as pq
import pytest
import uvicorn
from fastapi import FastAPI
from fastapi.testclient import TestClient
from playwright.sync_api import Page, sync_playwright
from sqlalchemy import select

from taxgate.cli.main import run_cli
from taxgate.records.credentials import totp_now
from taxgate.records.schema import access_log
from taxgate.records.users import add_user
from taxgate.service.app import ServiceSettings, create_app

from .conftest import PASSWORD, LoadedWorld, Service
from .test_flow import _finished, _upload

CHROMIUM = shutil.which("chromium")
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "playwright"
CLEARED, APPROVED_EVERY = 50, 10
pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        CHROMIUM is None, reason="chromium is not installed (scripts/ensure-chromium)"
    ),
]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


@pytest.fixture
def held(loaded_world: LoadedWorld, tmp_path: Path) -> LoadedWorld:
    """The loaded world under an agreement that flags an officer covering more than 10 requests
    and then holds every would-be disclosure of the batch for review (adopted on the ledger)."""
    world = loaded_world.copy(tmp_path / "served")
    terms = world.ws / "agreement.toml"
    text = terms.read_text(encoding="utf-8")
    for old, new in (
        ("officer_max_records = 250", "officer_max_records = 10"),
        ("hold_release_on_flags = false", "hold_release_on_flags = true"),
    ):
        assert old in text, f"the agreement no longer says {old!r}"
        text = text.replace(old, new)
    terms.write_text(text, encoding="utf-8")
    assert run_cli(["agreement", "adopt", str(world.ws)]) == 0
    return world


@pytest.fixture
def artifacts(records_url: str) -> Path:
    """A stable folder per backend for the run's screenshots and logs (emptied first)."""
    folder = ARTIFACTS / records_url.split(":", 1)[0].split("+", 1)[0]
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    return folder


@pytest.fixture
def server_log(artifacts: Path) -> Iterator[Path]:
    """Every log record reaching the root logger (taxgate, uvicorn, ...) at DEBUG, into a file."""
    path = artifacts / "server.log"
    handler = logging.FileHandler(path, encoding="utf-8")
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s %(message)s"))
    root = logging.getLogger()
    level = root.level
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    yield path
    root.removeHandler(handler)
    root.setLevel(level)
    handler.close()


@pytest.fixture
def live(held: LoadedWorld, records_url: str, server_log: Path) -> Iterator[tuple[FastAPI, str]]:
    """The service under Uvicorn on a free port of localhost, stopped after the test. Uvicorn
    does not configure logging (``log_config=None``): its server records reach the server log;
    its access log stays off, as ``taxgate serve`` has it."""
    app = create_app(ServiceSettings(held.ws, records_url))
    port = _free_port()
    config = uvicorn.Config(
        app, host="127.0.0.1", port=port, log_config=None, log_level="info", access_log=False
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.05)
    assert server.started, "uvicorn did not start"
    yield app, f"http://localhost:{port}"
    server.should_exit = True
    thread.join(timeout=30)
    app.state.worker.stop()
    app.state.records.close()


def _person(app: FastAPI, name: str, role: str) -> str:
    with app.state.records.begin() as conn:
        new = add_user(conn, username=name, role=role, password=PASSWORD, now=datetime.now(UTC))
    return new.totp_secret


def _sign_in(page: Page, base: str, name: str, secret: str) -> None:
    page.goto(f"{base}/login")
    page.fill("input[name=username]", name)
    page.fill("input[name=password]", PASSWORD)
    page.fill("input[name=totp]", totp_now(secret, at=datetime.now(UTC)))
    page.click("button[type=submit]")
    page.wait_for_url(f"{base}/workbench")


def _clear_by_keyboard(
    page: Page, base: str, count: int, shots: Path, who: str, *, approve_every: int = 0
) -> None:
    """From the queue, decide ``count`` items with the keys alone: ``j`` opens the first, ``/``
    the justification, Escape leaves it, ``a`` approves every ``approve_every``-th item and
    ``d`` declines the others; each decision lands on the next item of the queue."""
    page.keyboard.press("j")
    page.wait_for_url(f"{base}/workbench/reviews/**")
    page.screenshot(path=str(shots / f"{who}-first-item.png"), full_page=True)
    for n in range(1, count + 1):
        assert "/workbench/reviews/" in page.url
        approve = approve_every > 0 and n % approve_every == 0
        page.keyboard.press("/")
        page.keyboard.type(
            "same person: name, date of birth and address agree"
            if approve
            else "not the same person: the date of birth differs"
        )
        page.keyboard.press("Escape")
        with page.expect_navigation():
            page.keyboard.press("a" if approve else "d")
        assert "Decided" not in page.title(), page.content()[:500]
    page.screenshot(path=str(shots / f"{who}-next-item.png"), full_page=True)
    page.goto(f"{base}/workbench")


def test_fifty_items_by_keyboard_then_two_person_release(
    live: tuple[FastAPI, str], held: LoadedWorld, artifacts: Path, server_log: Path
) -> None:
    app, base = live
    analyst = _person(app, "analyst-1", "analyst")
    officer = _person(app, "officer-1", "disclosure_officer")
    second_officer = _person(app, "officer-2", "disclosure_officer")
    service = Service(TestClient(app, base_url="https://testserver"), held.ws, "")
    submitter = service.machine("agency-system", str(held.manifest["requesting_agency"]))
    job = _finished(submitter, str(_upload(submitter, held)["job_id"]))
    assert job["state"] == "DONE", job
    batch = str(job["batch_id"])
    started = time.monotonic()
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=["--no-sandbox", "--disable-dev-shm-usage"],
        )
        page = browser.new_context().new_page()
        _sign_in(page, base, "analyst-1", analyst)
        pending = _pending(page)
        assert pending > CLEARED + 1, f"only {pending} items held for review"
        page.screenshot(path=str(artifacts / "queue.png"), full_page=True)
        _clear_by_keyboard(page, base, CLEARED, artifacts, "analyst", approve_every=APPROVED_EVERY)
        assert _pending(page) == pending - CLEARED
        page.screenshot(path=str(artifacts / "queue-after-analyst.png"), full_page=True)
        second = browser.new_context().new_page()
        _sign_in(second, base, "officer-1", officer)
        _clear_by_keyboard(second, base, 1, artifacts, "officer")
        assert _pending(second) == pending - CLEARED - 1
        browser.close()
    browser_seconds = time.monotonic() - started
    assert len(list(artifacts.glob("*.png"))) == 6

    refused = _api_person(service, "officer-1", officer).post(f"/api/batches/{batch}/release")
    assert refused.status_code == 409 and "second person" in refused.json()["message"]
    released = _api_person(service, "officer-2", second_officer).post(
        f"/api/batches/{batch}/release"
    )
    assert released.status_code == 200, released.text
    bundle = submitter.get(f"/api/batches/{batch}/bundle")
    assert bundle.status_code == 200
    with zipfile.ZipFile(io.BytesIO(bundle.content)) as archive:
        names = archive.namelist()
        assert (
            archive.read("response.csv") == submitter.get(f"/api/batches/{batch}/response").content
        )
    supplements = [n for n in names if n.startswith("supplements/")]
    assert len(supplements) == CLEARED // APPROVED_EVERY, names
    (artifacts / "response-bundle.zip").write_bytes(bundle.content)
    _no_master_data_in_logs(service, held, artifacts, server_log)
    (artifacts / "timing.txt").write_text(f"browser part: {browser_seconds:.1f} s\n")


def _pending(page: Page) -> int:
    found = re.search(r"(\d+) pending", page.inner_text("h1"))
    assert found is not None
    return int(found.group(1))


def _api_person(service: Service, name: str, secret: str) -> TestClient:
    """A signed-in API client of an existing user."""
    client = service.anonymous()
    answer = client.post(
        "/api/session",
        json={
            "username": name,
            "password": PASSWORD,
            "totp": totp_now(secret, at=datetime.now(UTC)),
        },
    )
    assert answer.status_code == 200, answer.text
    client.headers["X-CSRF-Token"] = answer.json()["csrf_token"]
    return client


def _master_words(world: LoadedWorld) -> set[str]:
    """Every name (first, last, and the two together), street and TIN of the master file."""
    words: set[str] = set()
    for table in ("taxpayers", "filings"):
        path = world.world / "master" / f"{table}.parquet"
        columns = set(pq.read_schema(path).names)
        wanted = [c for c in ("first_name", "last_name", "street", "tin") if c in columns]
        for row in pq.read_table(path, columns=wanted).to_pylist():
            found = {str(v).upper() for v in row.values() if v}
            first, last = row.get("first_name"), row.get("last_name")
            if first and last:
                found.add(f"{first} {last}".upper())
            tin = str(row.get("tin") or "")
            if len(tin) == 9:
                found.add(f"{tin[:3]}-{tin[3:5]}-{tin[5:]}")
            words |= found
    return {w for w in words if len(w) >= 2}


def _no_master_data_in_logs(
    service: Service, world: LoadedWorld, artifacts: Path, server_log: Path
) -> None:
    """No master name, street or TIN in the server's log or in the access log (both kept)."""
    service.flush_access_log()
    with service.records.begin() as conn:
        rows = [" ".join(map(str, row)) for row in conn.execute(select(access_log)).all()]
    (artifacts / "access-log.txt").write_text("\n".join(rows) + "\n", encoding="utf-8")
    logged = server_log.read_text(encoding="utf-8")
    assert len(rows) > 2 * CLEARED and "Uvicorn running" in logged  # both logs recorded the run
    text = f" {_words(chr(10).join(rows) + chr(10) + logged)} "
    secrets = {_words(s) for s in _master_words(world)} - {""}
    assert len(secrets) > 1000, "the master file's columns changed: nothing to look for"
    # As whole words: a house number's digits may well occur inside a timestamp.
    leaked = sorted(s for s in secrets if f" {s} " in text)
    assert leaked == []


def _words(text: str) -> str:
    """Letters and digits only, upper case, one space between words."""
    return " ".join(re.findall(r"[A-Z0-9]+", text.upper()))
