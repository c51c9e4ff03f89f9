"""A workspace: one folder holding the agreement copy, the store, keys and outputs.

::

    WS/
      workspace.json     format version and creation time
      agreement.toml     the workspace's own copy of the agreement (amended by add-signer)
      store.duckdb       master file, batches, decisions, ledger
      keys/              the workspace's ledger checkpoint key
"""

from __future__ import annotations

import json
import os
import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from taxgate.agreement import Agreement, dump_agreement, load_agreement
from taxgate.errors import WorkspaceError
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
    def create(cls, root: Path, agreement: Agreement) -> Workspace:
        """Create a new workspace at ``root`` holding its own copy of ``agreement``.

        Raises:
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
            root.mkdir(parents=True, exist_ok=True)
        ws = cls(root)
        ws.keys_dir.mkdir(mode=0o700, exist_ok=True)
        ws.save_agreement(agreement)
        marker = {"format": WORKSPACE_FORMAT, "created": datetime.now(UTC).isoformat()}
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
        return ws

    def agreement(self) -> Agreement:
        """The workspace's current agreement."""
        return load_agreement(self.agreement_path)

    def save_agreement(self, agreement: Agreement) -> None:
        """Replace the workspace's agreement copy atomically."""
        atomic_write_text(self.agreement_path, dump_agreement(agreement))


def atomic_write_text(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` so that readers see the old or the new file, never half."""
    atomic_write_bytes(path, text.encode("utf-8"))


def atomic_write_bytes(path: Path, data: bytes) -> None:
    """Write bytes through a temporary file, fsync, and rename into place."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
