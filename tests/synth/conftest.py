"""A small synthetic world shared by the synth tests (built once per test process)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from taxgate.synth.world import WorldSummary, generate_world

TAXPAYERS = 5_000
REQUESTS = 2_000
SEED = 11


@dataclass(frozen=True)
class SmallWorld:
    """Paths and loaded tables of the shared small world."""

    summary: WorldSummary
    root: Path

    def table(self, relative: str) -> list[dict[str, object]]:
        rows: list[dict[str, object]] = pq.read_table(self.root / relative).to_pylist()
        return rows


@pytest.fixture(scope="session")
def small_world(tmp_path_factory: pytest.TempPathFactory) -> SmallWorld:
    root = tmp_path_factory.mktemp("synth-world")
    summary = generate_world(root, taxpayers=TAXPAYERS, requests=REQUESTS, seed=SEED)
    return SmallWorld(summary, root)
