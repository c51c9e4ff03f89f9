"""The workspace checkpoint key: made once by init, never replaced, never loosely readable."""

from __future__ import annotations

import shutil
import stat
from pathlib import Path

import pytest

from taxgate.agreement import default_agreement_path, load_agreement
from taxgate.errors import LedgerError
from taxgate.ledger.checkpoint import PRIVATE_KEY_FILE, PUBLIC_KEY_FILE, create_key, load_key
from taxgate.ledger.log import Ledger, export_path, ledger_transaction
from taxgate.store import Store
from taxgate.workspace import Workspace

from .conftest import NOW, batch_events, record_batch


@pytest.mark.usefixtures("umask_022")
def test_init_makes_the_key_owner_only(tmp_path: Path) -> None:
    ws = Workspace.create(tmp_path / "ws", load_agreement(default_agreement_path()))
    for name in (PRIVATE_KEY_FILE, PUBLIC_KEY_FILE):
        assert stat.S_IMODE((ws.keys_dir / name).stat().st_mode) == 0o600, name
    assert stat.S_IMODE(ws.keys_dir.stat().st_mode) == 0o700
    assert load_key(ws.keys_dir).key_id


def test_an_existing_key_is_never_replaced(workspace: Workspace) -> None:
    before = (workspace.keys_dir / PRIVATE_KEY_FILE).read_bytes()
    with pytest.raises(LedgerError, match="never replaces a ledger key"):
        create_key(workspace.keys_dir)
    assert (workspace.keys_dir / PRIVATE_KEY_FILE).read_bytes() == before


def test_a_key_others_may_read_is_refused(workspace: Workspace) -> None:
    path = workspace.keys_dir / PRIVATE_KEY_FILE
    path.chmod(0o640)
    with pytest.raises(LedgerError, match=r"may be read by others \(mode 0640\)") as caught:
        load_key(workspace.keys_dir)
    assert "chmod 600" in str(caught.value)


def test_a_missing_key_is_an_error_not_a_new_key(workspace: Workspace, store: Store) -> None:
    record_batch(store, workspace, "B1", requests=2)
    (workspace.keys_dir / PRIVATE_KEY_FILE).unlink()
    size = Ledger(store).size()
    with (
        pytest.raises(LedgerError, match=r"signing key .* is missing"),
        ledger_transaction(store, workspace, now=NOW) as ledger,
    ):
        ledger.append(batch_events("B2", 1), now=NOW)
    assert not (workspace.keys_dir / PRIVATE_KEY_FILE).exists()
    assert Ledger(store).size() == size


def test_missing_even_before_the_first_entry_when_init_made_it(workspace: Workspace) -> None:
    (workspace.keys_dir / PRIVATE_KEY_FILE).unlink()
    with (
        Store.open(workspace.store_path) as store,
        pytest.raises(LedgerError, match="missing"),
        ledger_transaction(store, workspace, now=NOW) as ledger,
    ):
        ledger.append(batch_events("B1", 1), now=NOW)


def test_a_workspace_from_before_init_made_keys_gets_its_first_key(
    workspace: Workspace,
) -> None:
    # Nothing was ever signed there: no key of either half, no entry, no export.
    shutil.rmtree(workspace.keys_dir)
    with Store.open(workspace.store_path) as store:
        with ledger_transaction(store, workspace, now=NOW) as ledger:
            ledger.append(batch_events("B1", 1), now=NOW)
        assert Ledger(store).size() == len(batch_events("B1", 1))
    assert export_path(workspace).is_file()
    assert load_key(workspace.keys_dir).key_id
