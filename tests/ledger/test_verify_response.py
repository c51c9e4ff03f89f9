"""docs/verify_response.py, the verifier a requester or auditor runs without taxgate, on a
real response folder: run → witness init → witness-request → cosign → add-cosignature →
`taxgate response` again → verify; then on tampered copies."""

from __future__ import annotations

import ast
import csv
import json
import shutil
import subprocess
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from taxgate.cli.main import run_cli
from taxgate.disclosure.reviews import supplement_file_name
from taxgate.ledger.witness import read_state

if TYPE_CHECKING:  # the fixture comes from tests/conftest.py
    from tests.conftest import ReviewedWorld

SCRIPT = Path(__file__).resolve().parents[2] / "docs" / "verify_response.py"


def _check(folder: Path, *keys: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(SCRIPT), str(folder), *keys],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.fixture(scope="module")
def witnessed(reviewed_world: ReviewedWorld, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The reviewed world's response, written again after a witness cosigned the ledger."""
    root = tmp_path_factory.mktemp("witnessed")
    world = reviewed_world.copy(root / "world")
    ws, keys = str(world.ws), root / "auditor"
    keys.mkdir(mode=0o700)
    shutil.copy(world.ws / "keys" / "ledger.pub.pem", keys / "log.pub.pem")
    state, key = keys / "witness.json", keys / "witness.key.pem"
    init = ["witness", "init", str(state), "--key", str(key), "--name", "oversight.example/w1"]
    assert run_cli([*init, "--log-key", str(world.ws / "keys" / "ledger.vkey")]) == 0
    (keys / "witness.vkey").write_text(read_state(state).witness.vkey() + "\n")
    request, cosigned = root / "request", root / "cosigned.txt"
    assert run_cli(["ledger", "witness-request", ws, "--old", "0", "--out", str(request)]) == 0
    cosign = ["witness", "cosign", str(state), "--key", str(key), "--request", str(request)]
    assert run_cli([*cosign, "--out", str(cosigned)]) == 0
    assert run_cli(["ledger", "add-cosignature", ws, "--note", str(cosigned)]) == 0
    out = root / "response"
    assert run_cli(["response", ws, world.batch_id, "--out", str(out)]) == 0
    return out


def _keys(folder: Path) -> list[str]:
    auditor = folder.parent / "auditor"
    return [
        "--log-key",
        str(auditor / "log.pub.pem"),
        "--witness-key",
        str(auditor / "witness.vkey"),
    ]


def test_the_script_imports_nothing_from_taxgate() -> None:
    tree = ast.parse(SCRIPT.read_text(encoding="utf-8"))
    imported = {
        (node.module or "") if isinstance(node, ast.ImportFrom) else alias.name
        for node in ast.walk(tree)
        if isinstance(node, ast.Import | ast.ImportFrom)
        for alias in node.names
    }
    assert {name.split(".")[0] for name in imported} <= {
        "argparse",
        "base64",
        "csv",
        "hashlib",
        "json",
        "struct",
        "sys",
        "pathlib",
        "cryptography",
    }


def test_a_witnessed_response_folder_verifies(witnessed: Path) -> None:
    result = _check(witnessed, *_keys(witnessed))
    assert result.returncode == 0, result.stdout + result.stderr
    with (witnessed / "response.csv").open(newline="", encoding="utf-8") as handle:
        disclosed = sum(r["outcome"] == "DISCLOSED" for r in csv.DictReader(handle))
    assert disclosed > 0
    assert f"{disclosed} disclosures proven, 1 cosignatures" in result.stdout


def _tampered(witnessed: Path, tmp_path: Path) -> Path:
    copy = tmp_path / "response"
    shutil.copytree(witnessed, copy)
    shutil.copytree(witnessed.parent / "auditor", tmp_path / "auditor")
    return copy


def test_a_changed_proof_fails(witnessed: Path, tmp_path: Path) -> None:
    copy = _tampered(witnessed, tmp_path)
    doc = json.loads((copy / "proofs.json").read_text())
    leaf = json.loads(doc["proofs"][0]["leaf"])
    leaf["record_hash"] = "0" * 64
    doc["proofs"][0]["leaf"] = json.dumps(leaf, separators=(",", ":"), sort_keys=True)
    (copy / "proofs.json").write_text(json.dumps(doc))
    result = _check(copy, *_keys(copy))
    assert result.returncode == 1 and "is not in the checkpoint" in result.stdout


def test_a_disclosure_without_a_proof_fails(witnessed: Path, tmp_path: Path) -> None:
    copy = _tampered(witnessed, tmp_path)
    doc = json.loads((copy / "proofs.json").read_text())
    doc["proofs"].pop()
    (copy / "proofs.json").write_text(json.dumps(doc))
    result = _check(copy, *_keys(copy))
    assert result.returncode == 1 and "without a proof" in result.stdout


def test_a_checkpoint_without_the_witness_fails_the_quorum(witnessed: Path, tmp_path: Path) -> None:
    copy = _tampered(witnessed, tmp_path)
    text = (copy / "checkpoint.txt").read_text()
    (copy / "checkpoint.txt").write_text("".join(text.splitlines(keepends=True)[:-1]))
    result = _check(copy, *_keys(copy))
    assert result.returncode == 1 and "only 0 of the trusted witnesses" in result.stdout


def test_a_forged_root_fails(witnessed: Path, tmp_path: Path) -> None:
    copy = _tampered(witnessed, tmp_path)
    lines = (copy / "checkpoint.txt").read_text().split("\n")
    lines[2] = "A" * 43 + "="
    (copy / "checkpoint.txt").write_text("\n".join(lines))
    result = _check(copy, *_keys(copy))
    assert result.returncode == 1 and "FAIL" in result.stdout


def test_a_supplement_carries_its_checkpoint_and_proof(
    reviewed_world: ReviewedWorld, witnessed: Path, tmp_path: Path
) -> None:
    name = supplement_file_name(reviewed_world.batch_id, reviewed_world.approved)
    stem = name.removesuffix(".csv")
    # As `review approve` wrote it: the checkpoint that committed the approval.
    approved = reviewed_world.root / "supplements"
    assert {p.name for p in approved.iterdir()} >= {
        name,
        f"{stem}.checkpoint.txt",
        f"{stem}.proofs.json",
    }
    log_key = ["--log-key", str(reviewed_world.ws / "keys" / "ledger.pub.pem")]
    result = _check(approved, *log_key, "--csv", name)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "1 disclosures proven, 0 cosignatures" in result.stdout
    # Written again by `review supplement` once a witness cosigned: it carries the cosignature.
    ws = witnessed.parent / "world" / "ws"
    again = tmp_path / "again"
    argv = ["review", "supplement", str(ws), "--batch", reviewed_world.batch_id]
    assert run_cli([*argv, "--request", reviewed_world.approved, "--out", str(again)]) == 0
    shutil.copytree(witnessed.parent / "auditor", tmp_path / "auditor")
    result = _check(again, *_keys(again), "--csv", name)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "1 disclosures proven, 1 cosignatures" in result.stdout
    assert (again / name).read_bytes() == (approved / name).read_bytes()
    # The response's proofs do not prove the supplement's disclosure, nor the reverse.
    (again / f"{stem}.proofs.json").write_bytes((witnessed / "proofs.json").read_bytes())
    result = _check(again, *_keys(again), "--csv", name)
    assert result.returncode == 1 and "FAIL" in result.stdout
