"""End to end through the API: a submitter uploads a signed batch, follows it, an officer who
decided a review cannot release it, a second officer does, and the submitter downloads the very
bytes ``taxgate run`` writes for the same batch."""

from __future__ import annotations

import hashlib
import io
import json
import logging
import re
import time
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from taxgate.cli.main import run_cli
from taxgate.ledger.receipts import parse_proofs
from taxgate.records.schema import access_log
from taxgate.service.matrix import Role

from .conftest import LoadedWorld, Service


def _upload(client: TestClient, world: LoadedWorld) -> dict[str, object]:
    request_file = str(world.manifest["request_file"])
    files = {
        "manifest": ("manifest.json", (world.world / "manifest.json").read_bytes()),
        "signature": ("manifest.json.sig", (world.world / "manifest.json.sig").read_bytes()),
        "requests": (request_file, (world.world / request_file).read_bytes()),
    }
    answer = client.post("/api/batches", files=files)
    assert answer.status_code == 202, answer.text
    job: dict[str, object] = answer.json()
    return job


def _finished(client: TestClient, job_id: str) -> dict[str, object]:
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:
        job: dict[str, object] = client.get(f"/api/jobs/{job_id}").json()
        if job["state"] in ("DONE", "FAILED"):
            return job
        time.sleep(0.5)
    raise AssertionError("the batch did not finish in 300 s")


@pytest.mark.slow
def test_submit_review_release_download(
    loaded_world: LoadedWorld,
    tmp_path: Path,
    start_service: Callable[[Path], Service],
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    world = loaded_world.copy(tmp_path / "served")
    service = start_service(world.ws)
    requester = str(world.manifest["requesting_agency"])
    submitter = service.machine("agency-system", requester)
    stranger = service.machine("other-system", "SOMEONE ELSE")
    assert stranger.post("/api/batches", files=_files(world)).status_code == 403

    job = _finished(submitter, str(_upload(submitter, world)["job_id"]))
    assert job["state"] == "DONE", job
    assert int(str(job["stages_done"])) > 3
    batch = str(job["batch_id"])
    assert _downloads(submitter, batch) == [409, 409]  # not released
    again = submitter.post("/api/batches", files=_files(world))
    assert again.status_code == 422 and "already" in again.json()["message"]

    first = service.person("olive", Role.OFFICER)
    queue = first.get("/api/reviews", params={"batch": batch}).json()
    assert len(queue) >= 2 and all(i["candidate_tin"].startswith("XXX-XX-") for i in queue)
    pages = [first.get("/api/reviews", params={"limit": 1, "offset": n}).json() for n in (0, 1)]
    assert pages == [queue[:1], queue[1:2]]
    item = first.get(f"/api/reviews/{batch}/{queue[0]['request_id']}").json()
    assert item["decision"] == "REVIEW" and item["candidates"]
    decided = first.post(
        f"/api/reviews/{batch}/{queue[0]['request_id']}/decision",
        json={"approve": False, "why": "the date of birth differs"},
    )
    assert decided.status_code == 200 and decided.json()["reviewer"] == "olive"
    twice = first.post(
        f"/api/reviews/{batch}/{queue[0]['request_id']}/decision",
        json={"approve": False, "why": "again"},
    )
    assert twice.status_code == 409

    refused = first.post(f"/api/batches/{batch}/release")
    assert refused.status_code == 409 and "second person" in refused.json()["message"]
    # A review decided with the CLI under an officer's name binds that officer too (the ledger).
    decline = ["review", "decline", str(world.ws), "--batch", batch, "--request"]
    assert run_cli([*decline, queue[1]["request_id"], "--reviewer", "olga", "--why", "other"]) == 0
    olga = service.person("olga", Role.OFFICER).post(f"/api/batches/{batch}/release")
    assert olga.status_code == 409 and "second person" in olga.json()["message"]
    second = service.person("otto", Role.OFFICER)
    released = second.post(f"/api/batches/{batch}/release")
    assert released.status_code == 200 and released.json()["released_by"] == "otto"

    served = submitter.get(f"/api/batches/{batch}/response")
    assert served.status_code == 200
    assert served.content == _cli_response(loaded_world, tmp_path)
    assert stranger.get(f"/api/batches/{batch}/response").status_code == 422
    _bundle_matches(submitter, stranger, batch, served.content)

    auditor = service.person("audra", Role.AUDITOR)
    assert auditor.get("/api/ledger/verify").json()["ok"] is True
    _no_taxpayer_data(service, world, caplog)


def _downloads(client: TestClient, batch: str) -> list[int]:
    """The status of the response's and the bundle's download."""
    paths = (f"/api/batches/{batch}/response", f"/api/batches/{batch}/bundle")
    return [client.get(path).status_code for path in paths]


def _bundle_matches(
    submitter: TestClient, stranger: TestClient, batch: str, response: bytes
) -> None:
    """The bundle holds the released response, its checkpoint and proofs (no approval here);
    another requester's token is refused it."""
    assert stranger.get(f"/api/batches/{batch}/bundle").status_code == 422
    bundle = submitter.get(f"/api/batches/{batch}/bundle")
    assert bundle.status_code == 200 and bundle.headers["content-type"] == "application/zip"
    with zipfile.ZipFile(io.BytesIO(bundle.content)) as archive:
        assert sorted(archive.namelist()) == [
            "bundle.json",
            "checkpoint.txt",
            "proofs.json",
            "response.csv",
        ]
        assert archive.read("response.csv") == response
        proofs = parse_proofs(archive.read("proofs.json"))
        assert proofs.batch_id == batch
        index = json.loads(archive.read("bundle.json"))
    assert index["files"]["response.csv"] == hashlib.sha256(response).hexdigest()


def _files(world: LoadedWorld) -> dict[str, tuple[str, bytes]]:
    request_file = str(world.manifest["request_file"])
    return {
        "manifest": ("manifest.json", (world.world / "manifest.json").read_bytes()),
        "signature": ("manifest.json.sig", (world.world / "manifest.json.sig").read_bytes()),
        "requests": (request_file, (world.world / request_file).read_bytes()),
    }


def _cli_response(loaded_world: LoadedWorld, tmp_path: Path) -> bytes:
    """The same batch run by ``taxgate run`` on another copy of the workspace."""
    world = loaded_world.copy(tmp_path / "cli")
    out = tmp_path / "cli-out"
    assert (
        run_cli(["run", str(world.ws), str(world.world / "manifest.json"), "--out", str(out)]) == 0
    )
    return (out / "response.csv").read_bytes()


def _no_taxpayer_data(
    service: Service, world: LoadedWorld, caplog: pytest.LogCaptureFixture
) -> None:
    """No TIN, surname or street of the batch in the access log or the log records."""
    import pyarrow.csv as pacsv

    request_file = world.world / str(world.manifest["request_file"])
    table = pacsv.read_csv(request_file).to_pydict()
    secrets = {
        str(v)
        for column, values in table.items()
        if any(word in column for word in ("tin", "surname", "last", "street"))
        for v in values
        if v is not None and len(str(v)) >= 4
    }
    assert secrets, "the request file's columns changed: nothing to look for"
    service.flush_access_log()
    with service.records.begin() as conn:
        rows = [" ".join(map(str, row)) for row in conn.execute(select(access_log)).all()]
    text = "\n".join(rows + [r.getMessage() for r in caplog.records])
    # As whole words: a house number's digits may well occur inside a timestamp.
    leaked = sorted(s for s in secrets if re.search(rf"\b{re.escape(s)}\b", text))
    assert leaked == []
