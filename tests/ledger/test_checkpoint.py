"""The ledger signing key: outside the workspace, owner-only, never replaced, never made in
place of a missing one; checkpoints are C2SP signed notes."""

from __future__ import annotations

import base64
import hashlib
import json
import stat
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from taxgate.agreement import default_agreement_path, load_agreement
from taxgate.errors import LedgerError
from taxgate.ledger.checkpoint import PUBLIC_KEY_FILE, VKEY_FILE, Checkpoint, from_note
from taxgate.ledger.keys import create_signing_key, load_signing_key
from taxgate.ledger.log import Ledger, export_path, ledger_transaction
from taxgate.ledger.note import parse_vkey
from taxgate.store import Store
from taxgate.workspace import Workspace

from .conftest import NOW, batch_events, record_batch


def _key_path(ws: Workspace) -> Path:
    settings = ws.ledger_settings()
    assert settings is not None
    return Path(settings["key"])


@pytest.mark.usefixtures("umask_022")
def test_init_puts_the_key_outside_the_workspace_owner_only(tmp_path: Path) -> None:
    ws = Workspace.create(tmp_path / "ws", load_agreement(default_agreement_path()))
    key = _key_path(ws)
    assert not key.is_relative_to(ws.root)
    assert stat.S_IMODE(key.stat().st_mode) == 0o600
    assert stat.S_IMODE(key.parent.stat().st_mode) == 0o700
    assert sorted(p.name for p in ws.keys_dir.iterdir()) == [PUBLIC_KEY_FILE, VKEY_FILE]
    for name in (PUBLIC_KEY_FILE, VKEY_FILE):
        assert stat.S_IMODE((ws.keys_dir / name).stat().st_mode) == 0o600, name
    assert b"PRIVATE" not in b"".join(p.read_bytes() for p in ws.root.rglob("*") if p.is_file())


def test_init_takes_the_key_path_given(tmp_path: Path) -> None:
    path = tmp_path / "hsm-export" / "ledger.key.pem"
    ws = Workspace.create(
        tmp_path / "ws", load_agreement(default_agreement_path()), ledger_key=path
    )
    assert _key_path(ws) == path.absolute()
    settings = ws.ledger_settings()
    assert settings is not None
    assert load_signing_key(path, settings["origin"]).vkey == (
        (ws.keys_dir / VKEY_FILE).read_text().strip()
    )


def test_a_key_inside_the_workspace_is_refused(tmp_path: Path) -> None:
    root = tmp_path / "ws"
    with pytest.raises(LedgerError, match="inside the workspace"):
        Workspace.create(root, load_agreement(default_agreement_path()), ledger_key=root / "k.pem")
    assert not (root / "k.pem").exists()
    assert not (root / "workspace.json").exists()


def test_an_existing_key_is_never_replaced(workspace: Workspace) -> None:
    path = _key_path(workspace)
    before = path.read_bytes()
    with pytest.raises(LedgerError, match="never replaces a key"):
        create_signing_key(path, "taxgate.invalid/x")
    assert path.read_bytes() == before


def test_a_key_others_may_read_is_refused(workspace: Workspace, store: Store) -> None:
    path = _key_path(workspace)
    path.chmod(0o640)
    with (
        pytest.raises(LedgerError, match=r"may be read by others \(mode 0640\)") as caught,
        ledger_transaction(store, workspace, now=NOW) as ledger,
    ):
        ledger.append(batch_events("B1", 1), now=NOW)
    assert "chmod 600" in str(caught.value)
    assert Ledger(store).size() == 0


def test_a_missing_key_is_an_error_not_a_new_key(workspace: Workspace, store: Store) -> None:
    record_batch(store, workspace, "B1", requests=2)
    path = _key_path(workspace)
    path.unlink()
    size = Ledger(store).size()
    with (
        pytest.raises(LedgerError, match=r"signing key .* is missing"),
        ledger_transaction(store, workspace, now=NOW) as ledger,
    ):
        ledger.append(batch_events("B2", 1), now=NOW)
    assert not path.exists()
    assert Ledger(store).size() == size


def test_a_workspace_without_key_settings_is_sent_to_migrate(
    workspace: Workspace, store: Store
) -> None:
    marker = json.loads(workspace.marker.read_text())
    del marker["ledger"]
    workspace.marker.write_text(json.dumps(marker))
    with (
        pytest.raises(LedgerError, match="old place") as caught,
        ledger_transaction(store, workspace, now=NOW) as ledger,
    ):
        ledger.append(batch_events("B1", 1), now=NOW)
    assert "taxgate ledger migrate" in str(caught.value)


def test_a_checkpoint_is_a_c2sp_signed_note(workspace: Workspace, store: Store) -> None:
    record_batch(store, workspace, "B1", requests=3)
    checkpoint = Ledger(store).latest_checkpoint()
    assert checkpoint is not None and checkpoint.origin is not None
    note = checkpoint.signed_note()
    text, _, signature_line = note.partition("\n\n")
    origin, size, root = text.split("\n")
    assert (origin, int(size), base64.b64decode(root)) == (
        checkpoint.origin,
        checkpoint.size,
        checkpoint.root,
    )
    name, blob = signature_line.removeprefix("\u2014 ").rstrip("\n").split(" ")
    raw = base64.b64decode(blob)
    vkey = parse_vkey((workspace.keys_dir / VKEY_FILE).read_text())
    # The key ID as signed-note defines it, computed here from the spec, not from taxgate.
    wanted = hashlib.sha256(origin.encode() + b"\n\x01" + vkey.public).digest()[:4]
    assert name == origin and raw[:4] == wanted and len(raw) == 68
    Ed25519PublicKey.from_public_bytes(vkey.public).verify(raw[4:], (text + "\n").encode())
    assert from_note(note.encode(), seq=checkpoint.seq, time=checkpoint.time) == checkpoint


def test_the_export_carries_the_note(workspace: Workspace, store: Store) -> None:
    record_batch(store, workspace, "B1", requests=1)
    lines = export_path(workspace).read_text().splitlines()
    assert [Checkpoint.from_json(line) for line in lines] == Ledger(store).checkpoints()
    assert json.loads(lines[-1])["note"].startswith(workspace.ledger_settings()["origin"])  # type: ignore[index]
