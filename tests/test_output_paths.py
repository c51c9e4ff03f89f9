"""``taxgate.output_paths``: its examples run, and each wrong kind of path is named."""

from __future__ import annotations

import doctest
from pathlib import Path

import pytest

from taxgate import output_paths
from taxgate.errors import PathError
from taxgate.output_paths import check_output_file, check_output_folder, creating


def test_module_examples_run() -> None:
    result = doctest.testmod(output_paths, optionflags=doctest.ELLIPSIS)
    assert result.attempted > 0 and result.failed == 0


def test_folders_and_files(tmp_path: Path) -> None:
    file = tmp_path / "f"
    file.write_text("x", encoding="utf-8")
    check_output_folder(tmp_path, what="out")
    check_output_folder(tmp_path / "new" / "deeper", what="out")
    check_output_file(tmp_path / "new" / "r.html", what="the report")
    check_output_file(file, what="the report")  # replaced, as before
    with pytest.raises(PathError, match="is a file, but out must be a folder"):
        check_output_folder(file, what="out")
    with pytest.raises(PathError, match=r"f is a file, not a folder"):
        check_output_file(file / "r.html", what="the report")


def test_creating_names_the_path(tmp_path: Path) -> None:
    with (
        pytest.raises(PathError, match="cannot create the thing") as caught,
        creating(tmp_path / "x", what="the thing"),
    ):
        raise PermissionError(13, "Permission denied")
    assert caught.value.path == str(tmp_path / "x")
