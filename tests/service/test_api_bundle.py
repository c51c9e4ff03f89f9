"""The submitter's bundle: the released response with its checkpoint, proofs and the
supplements of approvals decided before the release, each checked against its hash."""

from __future__ import annotations

import hashlib
import io
import json
import zipfile
from pathlib import Path

import pytest

from taxgate.disclosure.reviews import supplement_file_name
from taxgate.errors import WorkspaceError
from taxgate.records.jobs import Release
from taxgate.service.api_bundle import Approval, bundle_files, zip_bytes
from taxgate.workspace import Workspace

RESPONSE = b"request_id,outcome\nR1,NOT_DISCLOSED\n"
RELEASED_AT = "2026-12-07T12:00:00.000000Z"


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _release(response: bytes = RESPONSE) -> Release:
    return Release("B1", "otto", RELEASED_AT, _sha(response))


def _folder(tmp_path: Path) -> tuple[Workspace, Path]:
    ws = Workspace(tmp_path / "ws")  # only its root is used: files under WS/service/
    out = tmp_path / "ws" / "service" / "responses" / "job-1"
    out.mkdir(parents=True)
    (out / "response.csv").write_bytes(RESPONSE)
    (out / "checkpoint.txt").write_bytes(b"taxgate/ledger\n9\nroot\n")
    (out / "proofs.json").write_bytes(b'{"format": "x"}')
    return ws, out


def _supplement(ws: Workspace, request_id: str, data: bytes) -> None:
    folder = ws.root / "service" / "supplements" / "B1"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / supplement_file_name("B1", request_id)).write_bytes(data)


def test_the_bundle_holds_the_response_its_proofs_and_earlier_approvals(tmp_path: Path) -> None:
    ws, out = _folder(tmp_path)
    before, after = b"R7,DISCLOSED,,1 MAIN ST\n", b"R9,DISCLOSED,,2 MAIN ST\n"
    _supplement(ws, "R7", before)
    _supplement(ws, "R9", after)
    approvals = [
        Approval("R7", _sha(before), "2026-12-07T11:59:59.000000Z"),
        Approval("R9", _sha(after), "2026-12-07T12:00:01.000000Z"),  # after the release
    ]
    files = bundle_files(
        ws, batch_id="B1", response_dir=out, release=_release(), approvals=approvals
    )
    assert sorted(files) == [
        "checkpoint.txt",
        "proofs.json",
        "response.csv",
        "supplements/supplement-B1-R7.csv",
    ]
    data = zip_bytes(files, _release())
    assert data == zip_bytes(files, _release())  # the same release gives the same bytes
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert archive.read("response.csv") == RESPONSE
        index = json.loads(archive.read("bundle.json"))
    assert index["released_by"] == "otto"
    assert index["files"]["supplements/supplement-B1-R7.csv"] == _sha(before)


@pytest.mark.parametrize("tamper", ["response", "supplement", "missing-proofs", "no-supplement"])
def test_a_file_that_differs_from_its_hash_stops_the_bundle(tmp_path: Path, tamper: str) -> None:
    ws, out = _folder(tmp_path)
    supplement = b"R7,DISCLOSED,,1 MAIN ST\n"
    if tamper != "no-supplement":
        _supplement(ws, "R7", b"edited" if tamper == "supplement" else supplement)
    if tamper == "response":
        (out / "response.csv").write_bytes(RESPONSE + b"R2,DISCLOSED\n")
    if tamper == "missing-proofs":
        (out / "proofs.json").unlink()
    approvals = [Approval("R7", _sha(supplement), "2026-12-07T11:00:00.000000Z")]
    with pytest.raises(WorkspaceError):
        bundle_files(ws, batch_id="B1", response_dir=out, release=_release(), approvals=approvals)
