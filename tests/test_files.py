"""Bounded reads of regular files only; owner-only files and folders whatever the umask."""

from __future__ import annotations

import doctest
import os
import stat
from pathlib import Path

import pytest

from taxgate import files
from taxgate.files import (
    FileTooLargeError,
    NotRegularFileError,
    OutsideFolderError,
    hash_regular,
    make_owner_only_dir,
    owner_only_umask,
    read_regular,
    restrict_to_owner,
)


def test_doc_examples() -> None:
    result = doctest.testmod(files, optionflags=doctest.ELLIPSIS)
    assert result.attempted > 0 and result.failed == 0


@pytest.mark.usefixtures("no_hang")
def test_a_fifo_is_refused_without_waiting(tmp_path: Path) -> None:
    fifo = tmp_path / "requests.csv"
    os.mkfifo(fifo)
    with pytest.raises(NotRegularFileError, match="FIFO"):
        read_regular(fifo, limit=100)
    with pytest.raises(NotRegularFileError, match="FIFO"):
        hash_regular(fifo, limit=100)


def test_a_folder_or_device_is_refused(tmp_path: Path) -> None:
    with pytest.raises(NotRegularFileError, match="folder"):
        read_regular(tmp_path, limit=100)
    with pytest.raises(NotRegularFileError, match="device"):
        read_regular(Path("/dev/zero"), limit=100)


def test_a_link_out_of_the_folder_is_refused(tmp_path: Path) -> None:
    (tmp_path / "batch").mkdir()
    outside = tmp_path / "secret.csv"
    outside.write_bytes(b"x")
    link = tmp_path / "batch" / "requests.csv"
    link.symlink_to(outside)
    with pytest.raises(OutsideFolderError, match="outside the folder"):
        read_regular(link, limit=10, within=link.parent)
    with pytest.raises(OutsideFolderError):
        hash_regular(link, limit=10, within=link.parent)
    assert read_regular(link, limit=10) == b"x"  # no folder to stay in: the operator's path


def test_a_link_within_the_folder_is_read(tmp_path: Path) -> None:
    (tmp_path / "v1.csv").write_bytes(b"abc")
    (tmp_path / "requests.csv").symlink_to(tmp_path / "v1.csv")
    assert read_regular(tmp_path / "requests.csv", limit=10, within=tmp_path) == b"abc"


def test_a_file_growing_after_its_stat_is_still_bounded(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "grows.csv"
    path.write_bytes(b"x" * 5000)
    real_fstat = os.fstat

    def stale_fstat(fd: int) -> os.stat_result:
        # What a stat saw before the file grew: an empty file.
        info = list(real_fstat(fd))
        info[stat.ST_SIZE] = 0
        return os.stat_result(info)

    monkeypatch.setattr(files.os, "fstat", stale_fstat)
    with pytest.raises(FileTooLargeError, match="larger than 4,096 bytes"):
        read_regular(path, limit=4096)
    with pytest.raises(FileTooLargeError):
        hash_regular(path, limit=4096)
    assert hash_regular(path, limit=5000)[1] == 5000


@pytest.mark.usefixtures("umask_022")
def test_owner_only_whatever_the_umask(tmp_path: Path) -> None:
    folder = tmp_path / "a" / "ws"
    make_owner_only_dir(folder)
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    with owner_only_umask():
        (folder / "store").write_bytes(b"x")
        (folder / "sub").mkdir()
    assert stat.S_IMODE((folder / "store").stat().st_mode) == 0o600
    assert stat.S_IMODE((folder / "sub").stat().st_mode) == 0o700
    loose = folder / "loose"
    loose.write_bytes(b"x")
    assert stat.S_IMODE(loose.stat().st_mode) == 0o644
    restrict_to_owner(loose)
    assert stat.S_IMODE(loose.stat().st_mode) == 0o600
    assert os.umask(0o022) == 0o022, "the umask is given back"


def test_a_staged_file_is_fsynced_before_its_rename_and_its_folder_after(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Issue 16, deliver 9: a crash after the rename must not leave an empty or missing file.
    steps: list[str] = []
    real_fsync, real_replace = os.fsync, os.replace

    def fsync(fd: int) -> None:
        steps.append("fsync folder" if stat.S_ISDIR(os.fstat(fd).st_mode) else "fsync file")
        real_fsync(fd)

    def replace(source: str | os.PathLike[str], target: str | os.PathLike[str]) -> None:
        steps.append("rename")
        real_replace(source, target)

    monkeypatch.setattr(os, "fsync", fsync)
    monkeypatch.setattr(os, "replace", replace)
    final = tmp_path / "out" / "response.csv"
    files.publish(files.stage_bytes(final, b"a,b\n"), final)
    assert steps == ["fsync file", "rename", "fsync folder"]
    assert final.read_bytes() == b"a,b\n" and list(final.parent.iterdir()) == [final]
