"""Truncation, rewrite-and-re-sign with the log's own key, and erasure: each passes the
workspace's own verification and each is caught by anyone holding an earlier cosigned
checkpoint (a witness's state) or checkpoint copy, with the log's key pinned outside."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest

from taxgate.cli.main import run_cli
from taxgate.errors import InputError, LedgerError, LedgerVerificationError
from taxgate.ledger.adoption import adopt_agreement
from taxgate.ledger.checkpoint import PUBLIC_KEY_FILE, VKEY_FILE
from taxgate.ledger.cosign import witness_request
from taxgate.ledger.keys import create_signing_key
from taxgate.ledger.log import Ledger
from taxgate.ledger.receipts import batch_receipt
from taxgate.ledger.trust import TrustedKey, read_trusted_key, verify_trusted
from taxgate.ledger.verify import verify_workspace
from taxgate.ledger.witness import cosign, init_witness
from taxgate.store import Store
from taxgate.workspace import Workspace

from . import attacks
from .conftest import record_batch, signing_key

WHEN = datetime(2025, 8, 8, tzinfo=UTC)


@pytest.fixture
def held(tmp_path: Path, workspace: Workspace) -> dict[str, Path]:
    """Three batches; what an auditor and a witness keep outside the workspace after them."""
    outside = tmp_path / "auditor"
    outside.mkdir(mode=0o700)
    with Store.open(workspace.store_path) as store:
        for number in range(3):
            record_batch(store, workspace, f"B{number}", 3)
        state, key = outside / "witness.json", outside / "witness.key.pem"
        vkey = (workspace.keys_dir / VKEY_FILE).read_text()
        init_witness(state, key_path=key, name="oversight.example/w1", log_vkey=vkey)
        cosign(state, key_path=key, request=witness_request(store, old_size=0), now=WHEN)
        receipt = batch_receipt(store, "B2")
    assert receipt is not None
    (outside / "checkpoint.txt").write_bytes(receipt.checkpoint)
    (outside / "ledger.pub.pem").write_bytes((workspace.keys_dir / PUBLIC_KEY_FILE).read_bytes())
    return {"state": state, "pem": outside / "ledger.pub.pem", "note": outside / "checkpoint.txt"}


def _truncate(store: Store, ws: Workspace) -> None:
    attacks.truncate(store, ws, signing_key(ws), checkpoints=2)


def _rewrite(store: Store, ws: Workspace) -> None:
    attacks.rewrite_a_disclosure(store, ws, signing_key(ws))


def _erase(store: Store, ws: Workspace) -> None:
    attacks.erase(store, ws)


ATTACKS: dict[str, Callable[[Store, Workspace], None]] = {
    "truncated": _truncate,
    "rewritten": _rewrite,
    "erased": _erase,
}


def test_an_honest_ledger_verifies_against_everything_held(
    workspace: Workspace, held: dict[str, Path]
) -> None:
    report = verify_trusted(
        workspace,
        trusted_key=read_trusted_key(held["pem"]),
        checkpoints=held["note"],
        witness_states=[held["state"]],
    )
    assert report.ok, report.message
    assert "2 held checkpoints agree" in report.message


def test_a_hand_edited_agreement_fails_the_trusted_verification_too(
    workspace: Workspace, held: dict[str, Path]
) -> None:
    assert adopt_agreement(workspace, now=WHEN) is not None  # as `taxgate init` does
    text = workspace.agreement_path.read_text(encoding="utf-8")
    edited = text.replace("disclose_weight = ", "disclose_weight = 1", 1)
    assert edited != text
    workspace.agreement_path.write_text(edited, encoding="utf-8")
    report = verify_trusted(
        workspace, trusted_key=read_trusted_key(held["pem"]), witness_states=[held["state"]]
    )
    assert not report.ok and "agreement.toml" in report.message


@pytest.mark.parametrize("attack", sorted(ATTACKS))
def test_each_attack_passes_inside_and_is_caught_by_the_witness_state(
    workspace: Workspace, held: dict[str, Path], attack: str
) -> None:
    with Store.open(workspace.store_path) as store:
        ATTACKS[attack](store, workspace)
    inside = verify_workspace(workspace)
    assert inside is None or inside.ok, "the attack should fool the workspace's own check"
    report = verify_trusted(
        workspace, trusted_key=read_trusted_key(held["pem"]), witness_states=[held["state"]]
    )
    assert not report.ok
    assert attack in report.message, report.message


@pytest.mark.parametrize("attack", sorted(ATTACKS))
def test_each_attack_is_caught_by_the_requesters_checkpoint(
    workspace: Workspace, held: dict[str, Path], attack: str
) -> None:
    with Store.open(workspace.store_path) as store:
        ATTACKS[attack](store, workspace)
    report = verify_trusted(
        workspace, trusted_key=read_trusted_key(held["pem"]), checkpoints=held["note"]
    )
    assert not report.ok and attack in report.message, report.message


def test_a_ledger_re_signed_with_a_substitute_key_fails_the_pinned_key(
    workspace: Workspace, held: dict[str, Path], tmp_path: Path
) -> None:
    settings = workspace.ledger_settings()
    assert settings is not None
    substitute = create_signing_key(tmp_path / "substitute.pem", settings["origin"])
    with Store.open(workspace.store_path) as store:
        attacks.re_sign(store, workspace, substitute, [c.size for c in Ledger(store).checkpoints()])
    (workspace.keys_dir / PUBLIC_KEY_FILE).write_bytes(substitute.public_key.to_pem())
    inside = verify_workspace(workspace)
    assert inside is not None and inside.ok
    report = verify_trusted(workspace, trusted_key=read_trusted_key(held["pem"]))
    assert not report.ok and any("not signed by the key" in p for p in report.problems)


def test_a_vkey_pins_the_origin_too(
    workspace: Workspace, held: dict[str, Path], tmp_path: Path
) -> None:
    vkey = tmp_path / "ledger.vkey"
    vkey.write_text((workspace.keys_dir / VKEY_FILE).read_text())
    trusted = read_trusted_key(vkey)
    assert trusted.origin == (workspace.ledger_settings() or {})["origin"]
    assert verify_trusted(workspace, trusted_key=trusted).ok
    elsewhere = TrustedKey(trusted.key, "taxgate/another-log")
    assert not verify_trusted(workspace, trusted_key=elsewhere).ok


def test_a_witness_state_of_another_log_is_refused(
    workspace: Workspace, held: dict[str, Path], tmp_path: Path
) -> None:
    other = create_signing_key(tmp_path / "other.pem", "taxgate/other")
    pem = tmp_path / "other.pub.pem"
    pem.write_bytes(other.public_key.to_pem())
    with pytest.raises(LedgerError, match="not signed by the trusted key"):
        verify_trusted(workspace, trusted_key=read_trusted_key(pem), witness_states=[held["state"]])


def test_the_cli_verifies_against_held_material(
    workspace: Workspace, held: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    argv = ["ledger", "verify", str(workspace.root), "--trusted-key", str(held["pem"])]
    argv += ["--witness-state", str(held["state"]), "--checkpoints", str(held["note"])]
    assert run_cli(argv) == 0
    with Store.open(workspace.store_path) as store:
        _truncate(store, workspace)
    assert run_cli(["ledger", "verify", str(workspace.root)]) == 0
    assert run_cli(argv) == LedgerVerificationError.exit_code
    assert "truncated" in capsys.readouterr().err
    alone = ["ledger", "verify", str(workspace.root), "--witness-state", str(held["state"])]
    assert run_cli(alone) == InputError.exit_code


def test_a_held_checkpoint_not_signed_by_the_trusted_key_is_refused(
    workspace: Workspace, held: dict[str, Path]
) -> None:
    lines = held["note"].read_text().split("\n")
    lines[1] = str(int(lines[1]) + 1)  # claims one entry more than the log signed
    held["note"].write_text("\n".join(lines))
    with pytest.raises(LedgerError, match="not signed by the trusted key"):
        verify_trusted(
            workspace, trusted_key=read_trusted_key(held["pem"]), checkpoints=held["note"]
        )
