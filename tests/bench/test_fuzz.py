"""The fuzz harness's short run (CI): every target, a few thousand inputs, nothing escapes.

The full run (1,000,000 inputs per target) is ``bench/fuzz.py``'s command line; its numbers
are in bench/RESULTS.md.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

FUZZ = Path(__file__).parents[2] / "bench" / "fuzz.py"
TARGETS = ["addresses", "csv", "dates", "jsonl", "manifest", "names", "parquet", "tins"]
SHORT_RUN = 2000


def test_the_harness_lists_every_target() -> None:
    listed = subprocess.run(
        [sys.executable, str(FUZZ), "--list"], capture_output=True, text=True, check=True
    )
    assert listed.stdout.split() == TARGETS


@pytest.mark.parametrize("target", TARGETS)
def test_a_short_fuzz_run_lets_nothing_but_a_taxgate_error_escape(
    target: str, tmp_path: Path
) -> None:
    summary = tmp_path / "summary.json"
    options = ["--inputs", str(SHORT_RUN), "--seed", "7", "--summary", str(summary)]
    done = subprocess.run(
        [sys.executable, str(FUZZ), target, *options, "--crashes", str(tmp_path / "crashes")],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=120,
    )
    assert summary.exists(), done.stderr[-2000:]
    result = json.loads(summary.read_text())
    assert result["inputs"] == SHORT_RUN
    assert result["escaped"] == 0, result["escaped_kinds"]
    assert done.returncode == 0
