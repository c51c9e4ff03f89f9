"""``taxgate report`` end to end through the CLI entry point."""

from __future__ import annotations

from pathlib import Path

import pytest

from taxgate.cli.main import run_cli
from taxgate.errors import ConfigError, WorkspaceError

from .conftest import BatchWorld


def test_report_with_truth(
    batch_world: BatchWorld, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "report.html"
    argv = ["report", str(batch_world.ws), batch_world.batch_id, "--out", str(out)]
    assert run_cli([*argv, "--truth", str(batch_world.truth)]) == 0
    assert capsys.readouterr().out.strip() == str(out)
    html = out.read_text(encoding="utf-8")
    assert batch_world.batch_id in html and 'id="quality"' in html


def test_report_without_truth(batch_world: BatchWorld, tmp_path: Path) -> None:
    out = tmp_path / "report.html"
    assert run_cli(["report", str(batch_world.ws), batch_world.batch_id, "--out", str(out)]) == 0
    assert 'id="quality"' not in out.read_text(encoding="utf-8")


def test_baseline_needs_truth(batch_world: BatchWorld, tmp_path: Path) -> None:
    argv = ["report", str(batch_world.ws), batch_world.batch_id, "--out", str(tmp_path / "r")]
    assert run_cli([*argv, "--baseline", str(tmp_path / "b.csv")]) == ConfigError.exit_code


def test_unknown_batch_and_workspace(batch_world: BatchWorld, tmp_path: Path) -> None:
    out = str(tmp_path / "r.html")
    assert run_cli(["report", str(batch_world.ws), "nope", "--out", out]) == (
        WorkspaceError.exit_code
    )
    assert run_cli(["report", str(tmp_path), "x", "--out", out]) == WorkspaceError.exit_code
    assert not Path(out).exists()
