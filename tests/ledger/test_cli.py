"""The ledger commands end to end, through ``run_cli`` as a user would run them."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from taxgate.agreement import default_agreement_path, load_agreement
from taxgate.cli.main import run_cli
from taxgate.disclosure.records import runs_ddl_sql
from taxgate.errors import LedgerVerificationError
from taxgate.ledger.hold import active_hold, withheld_tins
from taxgate.ledger.merkle import verify_inclusion
from taxgate.ledger.verify import verify_workspace
from taxgate.store import Store
from taxgate.workspace import Workspace

from .conftest import build_ledger, tin_for


@pytest.fixture
def ws(workspace: Workspace) -> Path:
    with Store.open(workspace.store_path) as store:
        build_ledger(store, workspace, batches=2, requests=3)
    return workspace.root


def test_verify_passes_then_names_the_altered_entry(
    ws: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run_cli(["ledger", "verify", str(ws)]) == 0
    assert "entries and 2 checkpoints verified" in capsys.readouterr().out
    with Store.open(Workspace.open(ws).store_path) as store:
        store.execute("UPDATE ledger_records SET body = replace(body, 'ELM', 'OAK') WHERE idx = 5")
    assert run_cli(["ledger", "verify", str(ws)]) == LedgerVerificationError.exit_code
    assert "the record of entry 5 was altered" in capsys.readouterr().err


def test_verify_on_a_new_workspace(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run_cli(["init", str(tmp_path / "new")]) == 0
    assert run_cli(["ledger", "verify", str(tmp_path / "new")]) == 0
    # init puts the agreement in force on the record: one entry, one checkpoint.
    assert "1 entry and 1 checkpoint verified" in capsys.readouterr().out


def test_a_hand_edited_agreement_fails_verify_naming_the_field(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The finding: editing agreement.toml (disclose threshold, order age) passed verify."""
    ws = tmp_path / "new"
    assert run_cli(["init", str(ws)]) == 0
    path = ws / "agreement.toml"
    path.write_text(path.read_text().replace("minimum_age_days = 90", "minimum_age_days = 10"))
    assert run_cli(["ledger", "verify", str(ws)]) == 8
    err = capsys.readouterr().err
    assert "agreement.toml is not the agreement adopted in ledger entry 0" in err
    assert "removal_order.minimum_age_days changed" in err
    assert run_cli(["agreement", "adopt", str(ws)]) == 0
    assert "adopted in ledger entry 1" in capsys.readouterr().out
    assert run_cli(["ledger", "verify", str(ws)]) == 0


def test_a_ledger_erased_beside_answered_batches_fails_verify(tmp_path: Path) -> None:
    """The finding: dropping the ledger tables gave "no ledger yet", exit 0."""
    ws = Workspace.create(tmp_path / "ws", load_agreement(default_agreement_path()))
    with Store.open(ws.store_path) as store:
        store.execute(runs_ddl_sql())
        store.execute(
            "INSERT INTO batches (batch_id, requester, signer, manifest_sha256, request_sha256, "
            "rows, request_date, as_of, received_at, state, model_version, policy_version, "
            "agreement_id, agreement_version, timings) VALUES ('B1', 'ICE', 's', 'm', 'r', 1, "
            "DATE '2025-07-01', DATE '2025-07-01', 't', 'RELEASED', 'm', 'p', 'a', 'v', '{}')"
        )
    report = verify_workspace(ws)
    assert report is not None and not report.ok
    assert "answered batches but no ledger" in report.message


def test_proof_prints_a_verifiable_inclusion_proof(
    ws: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run_cli(["ledger", "proof", str(ws), "--index", "4"]) == 0
    proof = json.loads(capsys.readouterr().out)
    path = [bytes.fromhex(p) for p in proof["path"]]
    leaf, root = bytes.fromhex(proof["leaf_hash"]), bytes.fromhex(proof["root"])
    assert verify_inclusion(leaf, 4, proof["tree_size"], path, root)
    assert run_cli(["ledger", "proof", str(ws), "--index", "999"]) == 8


def test_accounting_formats(ws: Path, capsys: pytest.CaptureFixture[str]) -> None:
    tin = tin_for("B1", 2)
    assert run_cli(["accounting", str(ws), "--tin", tin, "--format", "json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert [(r["batch_id"], r["request_id"], r["tin"]) for r in rows] == [("B1", "B1-R0002", tin)]
    assert rows[0]["address"]["street"] == "2 ELM AVE"
    assert run_cli(["accounting", str(ws), "--batch", "B0", "--format", "csv"]) == 0
    table = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert len(table) == 3 and table[0]["address"].startswith("0 ELM AVE")
    assert run_cli(["accounting", str(ws), "--requester", "ICE", "--from", "2025-08-07"]) == 0
    out = capsys.readouterr().out
    for batch in ("B0", "B1"):
        assert f"batch {batch}: 3 disclosures to ICE under 8-1253-(a)(1)" in out
    assert run_cli(["accounting", str(ws), "--stats", "2025", "--format", "json"]) == 0
    (stats,) = json.loads(capsys.readouterr().out)
    assert stats["requester"] == "ICE" and stats["instances_disclosed"] == 6
    assert stats["taxpayers_affected"] == 6 and stats["purposes"] == "8-1253-(a)(1)"


def test_hold_and_withhold_commands(ws: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run_cli(["hold", str(ws), "--requester", "ICE", "--order", "Order 7"]) == 0
    assert "no disclosure to ICE" in capsys.readouterr().out
    assert run_cli(["hold", str(ws), "--requester", "ICE"]) == 4  # no --order
    assert run_cli(["withhold", str(ws), "--tin", "123-45-6789", "--why", "informant"]) == 0
    with Store.open(Workspace.open(ws).store_path) as store:
        assert active_hold(store, "ICE") is not None
        assert withheld_tins(store) == {"123456789"}
    assert run_cli(["hold", str(ws), "--requester", "ICE", "--order", "Order 8", "--lift"]) == 0
    assert run_cli(["withhold", str(ws), "--tin", "123456789", "--why", "closed", "--lift"]) == 0
    assert run_cli(["hold", str(ws), "--requester", "USMS", "--order", "x", "--lift"]) == 6
    with Store.open(Workspace.open(ws).store_path) as store:
        assert active_hold(store, "ICE") is None and withheld_tins(store) == set()
    assert run_cli(["hold", str(ws)]) == 0
    assert "Order 7" in capsys.readouterr().out
    assert run_cli(["ledger", "verify", str(ws)]) == 0


def test_recall_command_writes_both_documents(ws: Path, capsys: pytest.CaptureFixture[str]) -> None:
    args = ["recall", str(ws), "--batch", "B1", "--request", "B1-R0001"]
    assert run_cli([*args, "--request", "B1-R0002", "--why", "address never verified"]) == 0
    out = capsys.readouterr().out
    assert "2 disclosures of B1 recalled" in out
    (folder,) = (ws / "recalls").iterdir()
    names = sorted(p.name for p in folder.iterdir())
    assert names == ["disposal-request.csv", "disposal-request.json", "incident-report.json"]
    assert run_cli([*args, "--why", "again"]) == 6
    assert run_cli(["ledger", "verify", str(ws)]) == 0


def test_empty_results_say_so(ws: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run_cli(["accounting", str(ws), "--tin", "111111111"]) == 0
    assert capsys.readouterr().out.strip() == "disclosures: none"
    assert run_cli(["accounting", str(ws), "--stats", "1999"]) == 0
    assert capsys.readouterr().out.strip() == "6103(p)(3)(C) statistics, 1999: none"
