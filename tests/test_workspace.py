"""A workspace is its owner's alone, and its files are written whole or not at all."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from taxgate.agreement import default_agreement_path, load_agreement
from taxgate.store import Store
from taxgate.workspace import Workspace, atomic_write_bytes


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture
def workspace(tmp_path: Path) -> Workspace:
    return Workspace.create(tmp_path / "ws", load_agreement(default_agreement_path()))


@pytest.mark.usefixtures("umask_022")
def test_a_new_workspace_and_its_store_are_owner_only(workspace: Workspace) -> None:
    with Store.open(workspace.store_path) as store:
        store.execute("CREATE TABLE taxpayers (tin TEXT)")
        store.execute("INSERT INTO taxpayers VALUES ('012345678')")
    paths = [workspace.root, *workspace.root.rglob("*")]
    assert workspace.store_path in paths
    for path in paths:
        expected = 0o700 if path.is_dir() else 0o600
        assert _mode(path) == expected, path


@pytest.mark.usefixtures("umask_022")
def test_opening_closes_a_workspace_left_readable(workspace: Workspace) -> None:
    with Store.open(workspace.store_path):
        pass
    workspace.root.chmod(0o755)
    workspace.store_path.chmod(0o644)
    workspace.agreement_path.chmod(0o644)
    Workspace.open(workspace.root)
    assert _mode(workspace.root) == 0o700
    assert _mode(workspace.store_path) == 0o600
    assert _mode(workspace.agreement_path) == 0o600


def test_a_write_leaves_no_staged_file(tmp_path: Path) -> None:
    target = tmp_path / "out" / "response.csv"
    atomic_write_bytes(target, b"a,b\n")
    atomic_write_bytes(target, b"c,d\n")
    assert target.read_bytes() == b"c,d\n"
    assert [p.name for p in target.parent.iterdir()] == ["response.csv"]
    assert _mode(target) == 0o600


def test_files_staged_by_dead_processes_are_removed_live_ones_kept(tmp_path: Path) -> None:
    target = tmp_path / "response.csv"
    dead, live = 4_194_305, os.getppid()
    left = {
        f".response.csv.{dead}.0badf00d.partial": False,
        ".response.csv.partial": False,  # the fixed name of earlier versions
        ".response.csv.k2j4_x.tmp": False,  # tempfile's name in earlier versions
        f".response.csv.{live}.0badf00d.partial": True,  # still being written
        f".findings.csv.{dead}.0badf00d.partial": True,  # another file's
    }
    for name in left:
        (tmp_path / name).write_bytes(b"half")
    atomic_write_bytes(target, b"whole")
    remaining = {p.name for p in tmp_path.iterdir()}
    assert remaining == {"response.csv", *(name for name, kept in left.items() if kept)}


def test_a_staged_link_is_not_followed_or_removed(tmp_path: Path) -> None:
    victim = tmp_path / "victim"
    victim.write_bytes(b"keep")
    (tmp_path / ".response.csv.partial").symlink_to(victim)
    atomic_write_bytes(tmp_path / "response.csv", b"whole")
    assert victim.read_bytes() == b"keep"
    assert (tmp_path / ".response.csv.partial").is_symlink()
