"""A small synthetic batch, signed, loaded, run and reported, shared by the report tests.

Built once per test process through the CLI, as a user would: init, keys, signer, synth,
master load, run. Tests that change the workspace copy it first.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pytest

from taxgate.cli.main import run_cli
from taxgate.report import write_report
from taxgate.workspace import Workspace

TAXPAYERS = 2_000
REQUESTS = 400
SEED = 7
REPORT_TIME = datetime(2025, 8, 1, 12, 0, tzinfo=UTC)


@dataclass(frozen=True)
class BatchWorld:
    """A workspace with one committed batch, and the synthetic world it came from."""

    ws: Path
    world: Path
    batch_id: str

    @property
    def truth(self) -> Path:
        return self.world / "truth.parquet"

    @property
    def workspace(self) -> Workspace:
        return Workspace.open(self.ws)


def build_batch_world(root: Path) -> BatchWorld:
    """init → keys → add-signer → synth (signed) → master load → run, all through the CLI."""
    ws, keys, world = root / "ws", root / "keys", root / "world"
    steps = [
        ["init", str(ws)],
        ["keys", "new", str(keys), "--name", "ice-director"],
        [
            *("agreement", "add-signer", str(ws), "--name", "ice-director"),
            *("--public-key", str(keys / "ice-director.pub.pem"), "--valid-from", "2025-04-07"),
        ],
        [
            *("synth", str(world), "--taxpayers", str(TAXPAYERS), "--requests", str(REQUESTS)),
            *("--seed", str(SEED), "--sign-key", str(keys / "ice-director.key.pem")),
            *("--signer", "ice-director"),
        ],
        ["master", "load", str(ws), str(world / "master"), "--workers", "1"],
        ["run", str(ws), str(world / "manifest.json"), "--out", str(root / "out")],
    ]
    for argv in steps:
        assert run_cli(argv) == 0, f"taxgate {' '.join(argv)} failed"
    manifest = json.loads((world / "manifest.json").read_text(encoding="utf-8"))
    return BatchWorld(ws=ws, world=world, batch_id=manifest["batch_id"])


@pytest.fixture(scope="session")
def batch_world(tmp_path_factory: pytest.TempPathFactory) -> BatchWorld:
    return build_batch_world(tmp_path_factory.mktemp("report-world"))


@pytest.fixture(scope="session")
def report_file(batch_world: BatchWorld, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The batch's report with the quality section (truth and the computed 2025 baseline)."""
    out = tmp_path_factory.mktemp("report") / "report.html"
    return write_report(
        batch_world.workspace, batch_world.batch_id, out, truth=batch_world.truth, now=REPORT_TIME
    )
