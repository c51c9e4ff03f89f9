"""A workspace: one folder holding the agreement copy, the store, keys and outputs.

::

    WS/
      workspace.json     format version and creation time
      agreement.toml     the workspace's own copy of the agreement (amended by add-signer)
      store.duckdb       master file, batches, decisions, ledger
      keys/              the public half of the ledger key (ledger.pub.pem, ledger.vkey)

The ledger's private signing key lives outside the workspace (``workspace.json`` records its
path and the log's origin; ``taxgate.ledger.keys``).

The store holds every taxpayer's names and addresses, so the workspace is its owner's alone:
the folder is 0700 and every file in it 0600, whatever the umask (§6103(p)(4)). Opening a
workspace takes group and other permissions off anything an earlier taxgate, or a loose
umask, left readable.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from taxgate.agreement import Agreement, dump_agreement, load_agreement
from taxgate.errors import WorkspaceError
from taxgate.files import (
    discard,
    make_owner_only_dir,
    publish,
    remove_stale_staged,
    restrict_to_owner,
    stage_bytes,
)
from taxgate.output_paths import check_output_folder, creating

WORKSPACE_FORMAT = 1


@dataclass(frozen=True)
class Workspace:
    """Paths of a workspace; creating or opening one checks its marker file."""

    root: Path

    @property
    def marker(self) -> Path:
        return self.root / "workspace.json"

    @property
    def agreement_path(self) -> Path:
        return self.root / "agreement.toml"

    @property
    def store_path(self) -> Path:
        return self.root / "store.duckdb"

    @property
    def keys_dir(self) -> Path:
        return self.root / "keys"

    @classmethod
    def create(
        cls, root: Path, agreement: Agreement, *, ledger_key: Path | None = None
    ) -> Workspace:
        """Create a new workspace at ``root`` holding its own copy of ``agreement``.

        Args:
            root: The new workspace folder.
            agreement: The agreement it answers under.
            ledger_key: Where the ledger's private signing key is (or is created); by
                default under the user's configuration folder, never inside ``root``.

        Raises:
            LedgerError: ``ledger_key`` is inside ``root``, or cannot be made or read.
            PathError: ``root`` is a file, or cannot be created.
            WorkspaceError: ``root`` is a workspace already, or a folder that is not empty.
        """
        check_output_folder(root, what="a workspace")
        if (root / "workspace.json").exists():
            raise WorkspaceError(
                f"{root} is already a taxgate workspace",
                hint="choose another folder, or keep using this one",
            )
        if root.exists() and any(root.iterdir()):
            raise WorkspaceError(
                f"{root} exists and is not empty", hint="name a new or empty folder"
            )
        with creating(root, what="the workspace folder"):
            make_owner_only_dir(root)
        ws = cls(root)
        make_owner_only_dir(ws.keys_dir)
        # Imported here: the ledger package imports this module.
        from taxgate.ledger.keys import new_log_origin, setup_workspace_key

        try:
            ledger = setup_workspace_key(
                root,
                ws.keys_dir,
                origin=new_log_origin(agreement.agreement.id),
                ledger_key=ledger_key,
            )
        except BaseException:
            shutil.rmtree(ws.keys_dir, ignore_errors=True)  # root is empty again: retry works
            raise
        ws.save_agreement(agreement)
        marker = {
            "format": WORKSPACE_FORMAT,
            "created": datetime.now(UTC).isoformat(),
            "ledger": ledger,
        }
        atomic_write_text(ws.marker, json.dumps(marker, indent=2) + "\n")
        return ws

    @classmethod
    def open(cls, root: Path) -> Workspace:
        """Open an existing workspace, or explain how to make one."""
        ws = cls(root)
        if not ws.marker.is_file():
            raise WorkspaceError(
                f"{root} is not a taxgate workspace", hint=f"create it with `taxgate init {root}`"
            )
        try:
            fmt = json.loads(ws.marker.read_text(encoding="utf-8")).get("format")
        except (OSError, ValueError) as e:
            raise WorkspaceError(f"{ws.marker} is unreadable: {e}") from e
        if fmt != WORKSPACE_FORMAT:
            raise WorkspaceError(f"workspace format {fmt} is not supported by this taxgate")
        _close_to_others(root)
        return ws

    def ledger_settings(self) -> dict[str, str] | None:
        """The log's origin and the signing key's path (``workspace.json``); None for a
        workspace made before the key moved out of it (``taxgate ledger migrate``)."""
        try:
            data = json.loads(self.marker.read_text(encoding="utf-8"))
        except (OSError, ValueError) as e:
            raise WorkspaceError(f"{self.marker} is unreadable: {e}") from e
        ledger = data.get("ledger") if isinstance(data, dict) else None
        if not isinstance(ledger, dict) or not {"origin", "key"} <= set(ledger):
            return None
        return {"origin": str(ledger["origin"]), "key": str(ledger["key"])}

    def set_ledger_settings(self, settings: dict[str, str]) -> None:
        """Record the log's origin and key path in ``workspace.json`` (migration)."""
        data = json.loads(self.marker.read_text(encoding="utf-8"))
        data["ledger"] = settings
        atomic_write_text(self.marker, json.dumps(data, indent=2) + "\n")

    def agreement(self) -> Agreement:
        """The workspace's current agreement."""
        return load_agreement(self.agreement_path)

    def save_agreement(self, agreement: Agreement) -> None:
        """Replace the workspace's agreement copy atomically."""
        atomic_write_text(self.agreement_path, dump_agreement(agreement))


def _close_to_others(root: Path) -> None:
    """Take group and other permissions off the workspace and everything in it (ours only)."""
    try:
        if root.stat().st_uid != os.getuid():
            return
    except OSError:
        return
    for folder, folders, files in os.walk(root):  # links are not followed
        for name in (*folders, *files):
            with contextlib.suppress(OSError):  # a file of another user stays as it is
                restrict_to_owner(Path(folder, name))
    with contextlib.suppress(OSError):
        restrict_to_owner(root)


def atomic_write_text(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` so that readers see the old or the new file, never half."""
    atomic_write_bytes(path, text.encode("utf-8"))


def atomic_write_bytes(path: Path, data: bytes) -> None:
    """Write bytes so that readers see the old file or the new one, never half of it.

    The new file is staged beside ``path`` (owner-only, fsynced), renamed into place and the
    folder fsynced; files staged for ``path`` by a process that died are removed first.

    Raises:
        OSError: the file cannot be written (the staged file is removed).
    """
    remove_stale_staged(path)
    staged = stage_bytes(path, data)
    try:
        publish(staged, path)
    except BaseException:
        discard(staged)
        raise
