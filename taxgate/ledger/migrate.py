"""``taxgate ledger migrate``: move a workspace from the legacy in-workspace ECDSA key to a
C2SP checkpoint key held outside it.

The legacy checkpoints stay in the store, untouched, and stay verifiable: their public key is
kept as ``keys/ledger-ecdsa-legacy.pub.pem``. The migration first verifies the whole ledger
with that key and refuses if anything is wrong (it must not vouch for a damaged log), then
moves the legacy private key out of the workspace (beside the new key, owner-only), makes or
adopts the Ed25519 key, and signs a first C2SP checkpoint of the same tree: from then on a
checkpoint others can hold covers every entry, the old ones included.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from taxgate.errors import LedgerError
from taxgate.files import read_regular
from taxgate.ledger.checkpoint import (
    LEGACY_PRIVATE_KEY_FILE,
    LEGACY_PUBLIC_KEY_FILE,
    PUBLIC_KEY_FILE,
    Checkpoint,
)
from taxgate.ledger.keys import MAX_KEY_BYTES, new_log_origin, setup_workspace_key, write_owner_only
from taxgate.ledger.log import ledger_transaction
from taxgate.ledger.verify import verify_workspace
from taxgate.store import Store
from taxgate.workspace import Workspace


@dataclass(frozen=True)
class Migration:
    """What ``migrate`` did: the new key's settings, where the legacy key went, the
    first C2SP checkpoint."""

    origin: str
    key_path: Path
    legacy_key_moved_to: Path | None
    checkpoint: Checkpoint


def migrate_workspace(ws: Workspace, *, ledger_key: Path | None, now: datetime) -> Migration:
    """Verify the legacy ledger, move its key out, sign a first C2SP checkpoint.

    Raises:
        LedgerError: the workspace is migrated already, or its ledger does not verify.
    """
    if ws.ledger_settings() is not None:
        raise LedgerError(f"the workspace {ws.root} already signs C2SP checkpoints")
    report = verify_workspace(ws)
    if report is not None and not report.ok:
        raise LedgerError(
            f"the ledger does not verify, so it is not migrated: {report.message}",
            hint="find out what happened first (`taxgate ledger verify WS`)",
        )
    legacy_public = ws.keys_dir / PUBLIC_KEY_FILE
    if legacy_public.exists():
        legacy_public.rename(ws.keys_dir / LEGACY_PUBLIC_KEY_FILE)
    settings = setup_workspace_key(
        ws.root,
        ws.keys_dir,
        origin=new_log_origin(ws.agreement().agreement.id),
        ledger_key=ledger_key,
    )
    moved = _move_legacy_key(ws, Path(settings["key"]))
    ws.set_ledger_settings(settings)
    with Store.open(ws.store_path) as store:
        with ledger_transaction(store, ws, now=now) as ledger:
            pass  # nothing appended: the block signs the tree as it stands
        checkpoint = ledger.latest_checkpoint()
    if checkpoint is None:
        raise LedgerError("the migration signed no checkpoint")
    return Migration(settings["origin"], Path(settings["key"]), moved, checkpoint)


def _move_legacy_key(ws: Workspace, new_key: Path) -> Path | None:
    """Move the legacy private key out of the workspace, beside the new key (0600)."""
    legacy = ws.keys_dir / LEGACY_PRIVATE_KEY_FILE
    if not legacy.exists():
        return None
    target = new_key.with_name(new_key.name.removesuffix(".pem") + ".ecdsa-legacy.pem")
    try:
        data = read_regular(legacy, limit=MAX_KEY_BYTES)
    except OSError as e:
        raise LedgerError(f"cannot read the legacy key {legacy}: {e}") from e
    write_owner_only(target, data)
    legacy.unlink()
    return target
