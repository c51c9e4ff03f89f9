"""`taxgate screen`: intake and screening alone, through the CLI, as an analyst would use it."""

from __future__ import annotations

import csv
import hashlib
import json
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from taxgate.app.prescreen import FINDINGS_COLUMNS
from taxgate.cli.main import run_cli

SEED = 47


def cli(*argv: str) -> int:
    return run_cli(list(argv))


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("screen")
    ws, keys = root / "ws", root / "keys"
    assert cli("init", str(ws)) == 0
    assert cli("keys", "new", str(keys), "--name", "ice-director") == 0
    assert (
        cli(
            *("agreement", "add-signer", str(ws), "--name", "ice-director", "--public-key"),
            *(str(keys / "ice-director.pub.pem"), "--valid-from", "2025-04-07"),
        )
        == 0
    )
    assert (
        cli(
            *("synth", str(root / "world"), "--taxpayers", "2000", "--requests", "800"),
            *("--seed", str(SEED)),
            *("--sign-key", str(keys / "ice-director.key.pem"), "--signer", "ice-director"),
        )
        == 0
    )
    return root


def sign_again(root: Path, name: str) -> Path:
    manifest = root / "world" / name
    assert (
        cli(
            *("batch", "sign", str(root / "world" / "requests.csv"), "--key"),
            *(str(root / "keys" / "ice-director.key.pem"), "--signer", "ice-director"),
            *("--out", str(manifest), "--request-date", "2025-07-15"),
        )
        == 0
    )
    return manifest


def read_findings(out: Path) -> list[dict[str, str]]:
    with (out / "findings.csv").open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def test_screen_writes_each_request_s_findings_and_rejects_every_invalid_one(world: Path) -> None:
    out = world / "screened"
    assert (
        cli("screen", str(world / "ws"), str(world / "world" / "manifest.json"), "--out", str(out))
        == 0
    )
    rows = read_findings(out)
    assert tuple(rows[0]) == FINDINGS_COLUMNS
    truth = {
        r["request_id"]: r for r in pq.read_table(world / "world" / "truth.parquet").to_pylist()
    }
    with (world / "world" / "requests.csv").open(encoding="utf-8", newline="") as handle:
        assert [r["request_id"] for r in rows] == [r["request_id"] for r in csv.DictReader(handle)]
    for row in rows:
        expected = truth[row["request_id"]]
        if expected["category"] == "duplicate" and row["screening"] == "PASSED":
            # Written anew, not a plain repeat: matching settles whom it names (domain §3).
            assert row["reason_codes"] == "" and row["findings"] == ""
        elif not expected["valid"]:
            assert row["screening"] == "REJECTED", row["request_id"]
            prefixes = tuple(expected["expected_code_prefixes"].split(";"))
            assert any(code.startswith(prefixes) for code in row["reason_codes"].split(";"))
            detail = json.loads(row["findings"])
            assert {d["code"] for d in detail} == set(row["reason_codes"].split(";"))
            assert all(d["field"] and d["message"] for d in detail)
        else:
            assert row["screening"] == "PASSED", (row["request_id"], row["reason_codes"])
            assert row["reason_codes"] == "" and row["findings"] == ""
    summary = json.loads((out / "screening.json").read_text(encoding="utf-8"))
    assert summary["rows"] == len(rows) == 800
    assert summary["passed"] == sum(r["screening"] == "PASSED" for r in rows)
    assert summary["reason_codes"]["DUPLICATE"] == sum(
        "DUPLICATE" in r["reason_codes"].split(";") for r in rows
    )


def test_screen_records_nothing_and_the_batch_can_still_run(world: Path) -> None:
    ws = world / "ws"
    manifest = sign_again(world, "preview.json")
    # `init` and `agreement add-signer` wrote the store (the agreement's adoption and the
    # signer are ledgered); screening only reads it (read-only): not a byte changes.
    store = ws / "store.duckdb"
    before = hashlib.sha256(store.read_bytes()).hexdigest()
    assert cli("screen", str(ws), str(manifest), "--out", str(world / "preview")) == 0
    assert cli("screen", str(ws), str(manifest), "--out", str(world / "preview")) == 0
    assert hashlib.sha256(store.read_bytes()).hexdigest() == before


def test_screen_matches_the_rejections_of_run(world: Path, tmp_path: Path) -> None:
    ws = tmp_path / "ws"  # a workspace of its own: this test receives a batch
    assert cli("init", str(ws)) == 0
    assert (
        cli(
            *("agreement", "add-signer", str(ws), "--name", "ice-director", "--public-key"),
            *(str(world / "keys" / "ice-director.pub.pem"), "--valid-from", "2025-04-07"),
        )
        == 0
    )
    assert cli("master", "load", str(ws), str(world / "world" / "master"), "--workers", "1") == 0
    manifest = sign_again(world, "both.json")
    assert cli("screen", str(ws), str(manifest), "--out", str(tmp_path / "both-screen")) == 0
    assert cli("run", str(ws), str(manifest), "--out", str(tmp_path / "both-run")) == 0
    with (tmp_path / "both-run" / "response.csv").open(encoding="utf-8", newline="") as handle:
        response = {r["request_id"]: r for r in csv.DictReader(handle)}
    for row in read_findings(tmp_path / "both-screen"):
        answer = response[row["request_id"]]
        if row["screening"] == "REJECTED":
            assert answer["outcome"] == "REJECTED"
            assert answer["reason_codes"] == row["reason_codes"]
        elif answer["outcome"] == "REJECTED":
            # Refused after matching: it resolved to a taxpayer an earlier request resolved to.
            assert answer["reason_codes"] == "DUPLICATE"
    # Once run, the batch is received: screening or verifying it again is refused as a replay.
    assert cli("batch", "verify", str(ws), str(manifest)) != 0
    assert cli("screen", str(ws), str(manifest), "--out", str(tmp_path / "again")) != 0
    assert not (tmp_path / "again").exists()


def test_a_tampered_request_file_is_refused_before_any_output(world: Path, tmp_path: Path) -> None:
    manifest = sign_again(world, "tampered.json")
    requests = world / "world" / "requests.csv"
    original = requests.read_bytes()
    try:
        requests.write_bytes(original + b"\n")  # one byte more: not the signed file
        assert cli("screen", str(world / "ws"), str(manifest), "--out", str(tmp_path / "o")) != 0
        assert not (tmp_path / "o").exists()
    finally:
        requests.write_bytes(original)
