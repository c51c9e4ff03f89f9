"""The workbench in a real browser: Playwright drives Debian's Chromium against the service
under Uvicorn. A submitter uploads a signed batch; an analyst clears the review queue with the
keyboard alone, an officer decides the last item, is refused the release, a second officer
releases, and the submitter downloads the response. Screenshots are kept in the test's folder;
no taxpayer data reaches the logs.

Skips only where Chromium is absent (``scripts/ensure-chromium`` installs it).
"""

from __future__ import annotations

import logging
import shutil
import socket
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
import uvicorn
from fastapi import FastAPI
from fastapi.testclient import TestClient
from playwright.sync_api import Page, sync_playwright

from taxgate.records.credentials import totp_now
from taxgate.records.users import add_user
from taxgate.service.app import ServiceSettings, create_app

from .conftest import PASSWORD, LoadedWorld, Service
from .test_flow import _finished, _no_taxpayer_data, _upload

CHROMIUM = shutil.which("chromium")
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
def served(loaded_world: LoadedWorld, tmp_path: Path) -> LoadedWorld:
    return loaded_world.copy(tmp_path / "served")


@pytest.fixture
def live(served: LoadedWorld, records_url: str) -> Iterator[tuple[FastAPI, str]]:
    """The service under Uvicorn on a free port of localhost, stopped after the test."""
    app = create_app(ServiceSettings(served.ws, records_url))
    port = _free_port()
    server = uvicorn.Server(
        uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", access_log=False)
    )
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


def _clear_by_keyboard(page: Page, base: str, count: int, shots: Path, who: str) -> None:
    """From the queue, decline ``count`` items with the keys alone (each decision lands on the
    next item of the queue, or on the queue when none is left)."""
    page.keyboard.press("j")
    page.wait_for_url(f"{base}/workbench/reviews/**")
    page.screenshot(path=str(shots / f"{who}-item.png"), full_page=True)
    for _ in range(count):
        assert "/workbench/reviews/" in page.url
        page.keyboard.press("/")
        page.keyboard.type("not the same person: the date of birth differs")
        page.keyboard.press("Escape")
        with page.expect_navigation():
            page.keyboard.press("d")
    page.goto(f"{base}/workbench")


def test_keyboard_review_then_two_person_release(
    live: tuple[FastAPI, str],
    served: LoadedWorld,
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    app, base = live
    shots = tmp_path / "screenshots"
    shots.mkdir()
    analyst, officer = _person(app, "ana", "analyst"), _person(app, "olive", "disclosure_officer")
    _person(app, "otto", "disclosure_officer")
    service = Service(TestClient(app, base_url="https://testserver"), served.ws, "")
    requester = str(served.manifest["requesting_agency"])
    submitter = service.machine("agency-system", requester)
    job = _finished(submitter, str(_upload(submitter, served)["job_id"]))
    assert job["state"] == "DONE", job
    batch = str(job["batch_id"])
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=["--no-sandbox", "--disable-dev-shm-usage"],
        )
        page = browser.new_context().new_page()
        _sign_in(page, base, "ana", analyst)
        pending = page.locator("tr[data-href]").count()
        assert pending >= 2
        page.screenshot(path=str(shots / "queue.png"), full_page=True)
        _clear_by_keyboard(page, base, pending - 1, shots, "analyst")
        assert page.locator("tr[data-href]").count() == 1
        second = browser.new_context().new_page()
        _sign_in(second, base, "olive", officer)
        _clear_by_keyboard(second, base, 1, shots, "officer")
        assert "Nothing to review." in second.content()
        second.screenshot(path=str(shots / "queue-empty.png"), full_page=True)
        browser.close()
    assert len(list(shots.glob("*.png"))) == 4

    refused = _api_person(service, "olive", officer).post(f"/api/batches/{batch}/release")
    assert refused.status_code == 409 and "second person" in refused.json()["message"]
    assert (
        _api_person(service, "otto", None).post(f"/api/batches/{batch}/release").status_code == 200
    )
    download = submitter.get(f"/api/batches/{batch}/response")
    assert download.status_code == 200 and download.text.startswith("request_id,")
    _no_taxpayer_data(service, served, caplog)


def _api_person(service: Service, name: str, secret: str | None) -> TestClient:
    """A signed-in API client of an existing user (``secret`` None: look it up)."""
    from sqlalchemy import select

    from taxgate.records.schema import users

    if secret is None:
        with service.records.begin() as conn:
            secret = conn.execute(
                select(users.c.totp_secret).where(users.c.username == name)
            ).scalar_one()
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
