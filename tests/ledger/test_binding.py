"""The ledger binds what the requester, the auditor and the report rely on; refusals record
only verified facts (issue 16, items 1 and 6), through the CLI on a real small world."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import pytest

from taxgate.cli.main import run_cli
from taxgate.errors import ConfigError, IntakeRefused, LedgerVerificationError
from taxgate.ledger.accounting import disclosure_statistics
from taxgate.ledger.canonical import parse_attrs
from taxgate.store import Store
from taxgate.workspace import Workspace


@pytest.fixture
def world(reviewed_world: Any, tmp_path: Path) -> Any:
    return reviewed_world.copy(tmp_path / "w")


def _sql(ws: Path, sql: str, params: list[Any] | None = None) -> list[tuple[Any, ...]]:
    with Store.open(Workspace.open(ws).store_path) as store:
        return store.fetchall(sql, params)


def _last_entry(ws: Path) -> tuple[str, dict[str, Any], str | None]:
    kind, attrs, batch = _sql(
        ws, "SELECT kind, attrs, batch_id FROM ledger_entries ORDER BY idx DESC LIMIT 1"
    )[0]
    return str(kind), parse_attrs(attrs), batch


def test_an_edited_response_row_fails_verify_and_is_never_sent(
    world: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The finding: a NOT_DISCLOSED turned into DISCLOSED with SQL passed verify, and
    `taxgate response` re-emitted it."""
    (row,) = _sql(
        world.ws,
        "SELECT row FROM responses WHERE outcome = 'NOT_DISCLOSED' ORDER BY row LIMIT 1",
    )[0:1]
    _sql(
        world.ws,
        "UPDATE responses SET outcome = 'DISCLOSED', street = '1 MAIN ST' WHERE row = ?",
        [row[0]],
    )
    capsys.readouterr()
    assert run_cli(["ledger", "verify", str(world.ws)]) == LedgerVerificationError.exit_code
    err = capsys.readouterr().err
    assert f"responses row {row[0]} of batch {world.batch_id}" in err
    assert "in outcome, street" in err
    out = tmp_path / "again"
    code = run_cli(["response", str(world.ws), world.batch_id, "--out", str(out)])
    assert code == LedgerVerificationError.exit_code
    assert not (out / "response.csv").exists()


@pytest.mark.parametrize(
    ("sql", "named"),
    [
        ("UPDATE batches SET requester = 'FBI'", "batches row of batch {batch}"),
        ("UPDATE batches SET rows = rows + 1", "in rows"),
        ("UPDATE decisions SET decision = 'DISCLOSE' WHERE decision = 'REJECTED'", "decisions"),
        ("DELETE FROM responses WHERE row = 3", "responses row 3 of batch {batch} is missing"),
        ("UPDATE reviews SET decision = 'APPROVED'", "reviews row of review"),
        ("UPDATE models SET settings = '{}'", "in settings"),
    ],
)
def test_stored_outcomes_edited_with_sql_fail_verify(
    world: Any, sql: str, named: str, capsys: pytest.CaptureFixture[str]
) -> None:
    _sql(world.ws, sql)
    capsys.readouterr()
    assert run_cli(["ledger", "verify", str(world.ws)]) == LedgerVerificationError.exit_code
    assert named.format(batch=world.batch_id) in capsys.readouterr().err


def test_run_refuses_a_hand_edited_agreement(world: Any, tmp_path: Path) -> None:
    """The finding: disclose threshold 20 -> 5 in agreement.toml decided the next batch."""
    path = world.ws / "agreement.toml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("minimum_age_days = 90", "minimum_age_days = 10"))
    args = ["run", str(world.ws), str(world.world / "manifest.json"), "--out", str(tmp_path)]
    assert run_cli(args) == ConfigError.exit_code
    path.write_text(text)
    assert run_cli(["ledger", "verify", str(world.ws)]) == 0


def _forged(folder: Path, **claims: Any) -> Path:
    folder.mkdir(parents=True)
    manifest = folder / "manifest.json"
    body = {
        "format": 1,
        "batch_id": "FORGED-1",
        "request_file": "request.csv",
        "request_sha256": "0" * 64,
        "row_count": 999_999_999,
        "requesting_agency": "FBI",
        "signer": "ice-director",
        "signed_at": "2025-07-31T18:30:00Z",
        "request_date": "2025-07-31",
        "agreement_id": "irs-ice-2025",
        "agreement_version": "2025.04.07-1",
        "attestation": "whatever the forger wrote here",
        **claims,
    }
    manifest.write_text(json.dumps(body), encoding="utf-8")
    (folder / "manifest.json.sig").write_bytes(b"0E\x02!\x00" + b"\x01" * 64)
    return manifest


def test_a_forged_manifest_records_its_hash_and_nothing_it_claims(
    world: Any, tmp_path: Path
) -> None:
    """The finding: a forged manifest made `accounting --stats` show FBI 999,999,999."""
    manifest = _forged(tmp_path / "forged")
    args = ["run", str(world.ws), str(manifest), "--out", str(tmp_path / "out")]
    assert run_cli(args) == IntakeRefused.exit_code
    kind, attrs, batch = _last_entry(world.ws)
    assert kind == "BATCH_REFUSED" and batch is None
    assert attrs == {
        "code": "SIGNER_BAD_SIGNATURE",
        "file_sha256": hashlib.sha256(manifest.read_bytes()).hexdigest(),
    }
    year = int(str(_sql(world.ws, "SELECT max(logged_at) FROM ledger_entries")[0][0])[:4])
    with Store.open(Workspace.open(world.ws).store_path, read_only=True) as store:
        stats = {s.requester: s for s in disclosure_statistics(store, year=year)}
    assert "FBI" not in stats and "(unknown)" not in stats
    assert run_cli(["ledger", "verify", str(world.ws)]) == 0


def test_a_refused_replay_does_not_count_again(world: Any, tmp_path: Path) -> None:
    """The finding: a refused replay counted its rows again in the statistics."""
    ws_store = Workspace.open(world.ws).store_path
    year = int(str(_sql(world.ws, "SELECT max(logged_at) FROM ledger_entries")[0][0])[:4])
    with Store.open(ws_store, read_only=True) as store:
        before = {s.requester: s.requests for s in disclosure_statistics(store, year=year)}
    args = ["run", str(world.ws), str(world.world / "manifest.json"), "--out", str(tmp_path)]
    assert run_cli(args) == IntakeRefused.exit_code
    kind, attrs, batch = _last_entry(world.ws)
    assert kind == "BATCH_REFUSED" and batch == world.batch_id
    assert attrs["code"] == "SIGNER_REPLAY" and attrs["rows"] == 0 and attrs["replay"] is True
    with Store.open(ws_store, read_only=True) as store:
        after = {s.requester: s.requests for s in disclosure_statistics(store, year=year)}
    assert after == before
