"""A workspace from before C2SP checkpoints: its ECDSA checkpoints stay verifiable, and
`ledger migrate` moves its key out of the workspace and signs a first C2SP checkpoint."""

from __future__ import annotations

import json
import shutil
import stat
from datetime import timedelta
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec

from taxgate.cli.main import run_cli
from taxgate.errors import LedgerError
from taxgate.ledger.checkpoint import (
    LEGACY_PUBLIC_KEY_FILE,
    Checkpoint,
    append_export,
    legacy_checkpoint_body,
    legacy_key_id,
)
from taxgate.ledger.log import Ledger, export_path, ledger_transaction
from taxgate.ledger.migrate import migrate_workspace
from taxgate.ledger.receipts import batch_receipt
from taxgate.ledger.verify import verify_workspace
from taxgate.store import Store
from taxgate.workspace import Workspace

from .conftest import NOW, batch_events, record_batch


def _make_legacy(ws: Workspace) -> None:
    """Two batches signed the old way: ECDSA key in WS/keys, JSON checkpoints, no settings."""
    marker = json.loads(ws.marker.read_text())
    del marker["ledger"]
    ws.marker.write_text(json.dumps(marker))
    shutil.rmtree(ws.keys_dir)
    ws.keys_dir.mkdir(mode=0o700)
    key = ec.generate_private_key(ec.SECP256R1())
    pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    (ws.keys_dir / "ledger.key.pem").write_bytes(pem)
    (ws.keys_dir / "ledger.key.pem").chmod(0o600)
    public = key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    (ws.keys_dir / "ledger.pub.pem").write_bytes(public)
    key_id = legacy_key_id(key.public_key())
    with Store.open(ws.store_path) as store:
        ledger = Ledger(store)
        ledger.ensure_schema()
        for seq, batch in enumerate(("B0", "B1"), start=1):
            with store.transaction():
                ledger.append(batch_events(batch, 2), now=NOW)
                size, root = ledger.size(), ledger.tree(ledger.size()).root()
                time = "2025-08-07T12:00:00.000000Z"
                body = legacy_checkpoint_body(
                    seq=seq, size=size, root=root, time=time, key_id=key_id
                )
                signature = key.sign(body, ec.ECDSA(hashes.SHA256()))
                store.execute(
                    "INSERT INTO ledger_checkpoints VALUES (?, ?, ?, ?, ?, ?, NULL)",
                    [seq, size, root, time, key_id, signature],
                )
        append_export(export_path(ws), ledger.checkpoints())


def test_legacy_checkpoints_verify_and_appending_asks_for_migration(workspace: Workspace) -> None:
    _make_legacy(workspace)
    report = verify_workspace(workspace)
    assert report is not None and report.ok and report.checkpoints_checked == 2
    with (
        Store.open(workspace.store_path) as store,
        pytest.raises(LedgerError, match="ledger migrate"),
        ledger_transaction(store, workspace, now=NOW) as ledger,
    ):
        ledger.append(batch_events("B2", 1), now=NOW)


def test_migrate_moves_the_key_out_and_signs_the_whole_tree(
    workspace: Workspace, tmp_path: Path
) -> None:
    _make_legacy(workspace)
    legacy_private = (workspace.keys_dir / "ledger.key.pem").read_bytes()
    new_key = tmp_path / "keys" / "ledger.key.pem"
    done = migrate_workspace(workspace, ledger_key=new_key, now=NOW + timedelta(days=1))
    assert not (workspace.keys_dir / "ledger.key.pem").exists()
    assert done.legacy_key_moved_to is not None
    assert done.legacy_key_moved_to.read_bytes() == legacy_private
    assert stat.S_IMODE(done.legacy_key_moved_to.stat().st_mode) == 0o600
    assert (workspace.keys_dir / LEGACY_PUBLIC_KEY_FILE).is_file()
    assert done.checkpoint.seq == 3 and not done.checkpoint.legacy
    with Store.open(workspace.store_path) as store:
        assert done.checkpoint.size == Ledger(store).size()
        record_batch(store, workspace, "B2", 2, now=NOW + timedelta(days=2))
        old, new = batch_receipt(store, "B0"), batch_receipt(store, "B2")
        kinds = [c.legacy for c in Ledger(store).checkpoints()]
    assert kinds == [True, True, False, False]
    assert old is not None and new is not None
    report = verify_workspace(workspace)
    assert report is not None and report.ok, report.message
    lines = export_path(workspace).read_text().splitlines()
    assert [Checkpoint.from_json(line).legacy for line in lines] == kinds


def test_migrate_refuses_a_damaged_ledger_and_a_second_run(
    workspace: Workspace, tmp_path: Path
) -> None:
    _make_legacy(workspace)
    with Store.open(workspace.store_path) as store:
        size = Ledger(store).size()
        store.execute("UPDATE ledger_checkpoints SET size = 1 WHERE seq = 2")
    with pytest.raises(LedgerError, match="not migrated"):
        migrate_workspace(workspace, ledger_key=tmp_path / "k.pem", now=NOW)
    assert (workspace.keys_dir / "ledger.key.pem").exists()
    assert workspace.ledger_settings() is None and not (tmp_path / "k.pem").exists()
    with Store.open(workspace.store_path) as store:
        store.execute("UPDATE ledger_checkpoints SET size = ? WHERE seq = 2", [size])
    argv = ["ledger", "migrate", str(workspace.root), "--ledger-key", str(tmp_path / "k.pem")]
    assert run_cli(argv) == 0
    assert run_cli(argv) == LedgerError.exit_code
