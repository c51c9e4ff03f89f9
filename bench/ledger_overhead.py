"""What the ledger adds to ``taxgate run`` (issue 6): an A/B on copies of one workspace.

The workspace (with its master loaded, no batch run yet) is copied once per run. Each run
answers the same signed batch in a fresh process:

* **A, with the ledger**: ``run_batch`` exactly as ``taxgate run`` calls it;
* **B, without it**: the same, with the ledger's work patched out: building the events
  (``REQUEST_SCREENED``, ``REQUEST_MATCHED``, ``REQUEST_DECIDED``, ``DISCLOSURE`` and the batch
  events), appending them (leaf hashes, tree frontier, inserts), signing the checkpoint and
  exporting it. Everything else (screening, matching, decisions, the decision and response
  tables, the response file, the commit) is the same code.

Runs alternate A, B, A, B, … so that a change in the machine's load falls on both sides.
The overhead is (mean A − mean B) / mean B. The patch exists only in this script; the
product has no way to run without its ledger.

Usage:
    python bench/ledger_overhead.py WS MANIFEST [--pairs 2] [--work /tmp/ledger-ab]
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

_CHILD = """
import json, sys, time
from pathlib import Path
from taxgate.workspace import Workspace
from taxgate.app.pipeline import run_batch

ws_path, manifest, out, with_ledger = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4] == "1"
if not with_ledger:
    from taxgate.ledger import events as ev
    from taxgate.ledger import log

    def nothing(*args, **kwargs):
        return None

    for name in ("request_screened", "request_decided", "disclosure", "batch_received",
                 "LedgerEvent"):
        setattr(ev, name, nothing)
    log.Ledger.append = lambda self, events, *, now: range(0)
    log.Ledger.checkpoint = nothing
    log.Ledger.export_checkpoints = lambda self, path: 0
started = time.perf_counter()
report = run_batch(Workspace.open(Path(ws_path)), Path(manifest), Path(out))
wall = time.perf_counter() - started
print(json.dumps({"wall": wall, "timings": report.timings, "counts": report.counts,
                  "ledger_size": report.ledger_size}))
"""


def one_run(template: Path, manifest: Path, work: Path, label: str, with_ledger: bool) -> Any:
    ws = work / f"ws-{label}"
    shutil.rmtree(ws, ignore_errors=True)
    shutil.copytree(template, ws)
    done = subprocess.run(
        [
            sys.executable,
            "-c",
            _CHILD,
            str(ws),
            str(manifest),
            str(work / f"out-{label}"),
            "1" if with_ledger else "0",
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        sys.exit(f"run {label} failed:\n{done.stderr[-2000:]}")
    result = json.loads(done.stdout.strip().splitlines()[-1])
    shutil.rmtree(ws, ignore_errors=True)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("ws", type=Path, help="a workspace with its master loaded")
    parser.add_argument("manifest", type=Path, help="the signed batch's manifest")
    parser.add_argument("--pairs", type=int, default=2)
    parser.add_argument("--work", type=Path, default=Path("/tmp/ledger-ab"))
    args = parser.parse_args()
    args.work.mkdir(parents=True, exist_ok=True)
    walls: dict[bool, list[float]] = {True: [], False: []}
    for pair in range(1, args.pairs + 1):
        for with_ledger in (True, False):
            label = f"{'A' if with_ledger else 'B'}{pair}"
            started = time.perf_counter()
            result = one_run(args.ws, args.manifest, args.work, label, with_ledger)
            walls[with_ledger].append(result["wall"])
            print(
                f"{label} ({'with' if with_ledger else 'without'} ledger): "
                f"run_batch {result['wall']:.1f} s (with copy {time.perf_counter() - started:.1f}"
                f" s), ledger entries {result['ledger_size']}, counts {result['counts']}, "
                f"stages {result['timings']}",
                flush=True,
            )
    with_mean = statistics.mean(walls[True])
    without_mean = statistics.mean(walls[False])
    print(
        f"with ledger: mean {with_mean:.1f} s {walls[True]}; without: mean {without_mean:.1f} s "
        f"{walls[False]}; overhead {(with_mean - without_mean) / without_mean:.1%}"
    )


if __name__ == "__main__":
    main()
