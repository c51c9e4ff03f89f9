"""write: a real batch's report, self-contained, deterministic, honest about the ledger."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from taxgate.errors import WorkspaceError
from taxgate.report import write_report
from taxgate.report.write import verify_workspace_ledger
from taxgate.store import Store
from taxgate.workspace import Workspace

from .conftest import REPORT_TIME, BatchWorld

SVG_NAMESPACES = {"http://www.w3.org/2000/svg", "http://www.w3.org/1999/xlink"}


def test_the_report_is_self_contained(report_file: Path) -> None:
    html = report_file.read_text(encoding="utf-8")
    assert html.startswith("<!DOCTYPE html>") and html.rstrip().endswith("</html>")
    assert "<script" not in html and "<link" not in html and "<iframe" not in html
    assert not re.search(r"\b(?:src|srcset)=", html) and "@import" not in html
    assert set(re.findall(r"https?://[^\"'\s<>)]+", html)) <= SVG_NAMESPACES
    assert not re.search(r"url\((?!#)", html)
    assert html.count("<svg") == 4


def test_the_report_shows_the_batch(report_file: Path, batch_world: BatchWorld) -> None:
    html = report_file.read_text(encoding="utf-8")
    assert batch_world.batch_id in html
    assert "ledger verified" in html and "FAILED" not in html
    assert 'id="quality"' in html and "2025 baseline" in html
    assert REPORT_TIME.isoformat() in html


def test_the_same_batch_gives_the_same_bytes(
    report_file: Path, batch_world: BatchWorld, tmp_path: Path
) -> None:
    again = write_report(
        batch_world.workspace,
        batch_world.batch_id,
        tmp_path / "again.html",
        truth=batch_world.truth,
        now=REPORT_TIME,
    )
    assert again.read_bytes() == report_file.read_bytes()


def test_without_truth_there_is_no_quality_section(batch_world: BatchWorld, tmp_path: Path) -> None:
    out = write_report(batch_world.workspace, batch_world.batch_id, tmp_path / "r.html")
    html = out.read_text(encoding="utf-8")
    assert 'id="quality"' not in html and html.count("<svg") == 3


def test_a_tampered_ledger_is_reported_with_its_first_bad_entry(
    batch_world: BatchWorld, tmp_path: Path
) -> None:
    copy = Workspace.open(shutil.copytree(batch_world.ws, tmp_path / "ws"))
    with Store.open(copy.store_path) as store:
        store.execute("UPDATE ledger_entries SET logged_at = '2020-01-01T00:00:00Z' WHERE idx = 7")
    out = write_report(copy, batch_world.batch_id, tmp_path / "r.html")
    html = out.read_text(encoding="utf-8")
    assert "ledger verification FAILED" in html and "First bad entry: 7." in html


def test_an_unknown_batch_is_refused(batch_world: BatchWorld, tmp_path: Path) -> None:
    with pytest.raises(WorkspaceError, match="no batch 'nope'"):
        write_report(batch_world.workspace, "nope", tmp_path / "r.html")
    assert not (tmp_path / "r.html").exists()


def test_verification_of_a_new_workspace_and_of_a_lost_key(
    batch_world: BatchWorld, tmp_path: Path
) -> None:
    fresh = Workspace.create(tmp_path / "fresh", batch_world.workspace.agreement())
    assert verify_workspace_ledger(fresh).ok
    copy = Workspace.open(shutil.copytree(batch_world.ws, tmp_path / "ws"))
    (copy.keys_dir / "ledger.pub.pem").unlink()
    lost = verify_workspace_ledger(copy)
    assert not lost.ok and "public key" in lost.message
