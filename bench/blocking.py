"""Candidate generation on a synthetic world (issue 4): completeness, reduction, cost.

Reads a workspace whose master is loaded from a ``taxgate synth`` world, screens the world's
requests, generates candidates, and reports against the truth:

* pairs completeness: the share of requests whose truth says DISCLOSED whose true taxpayer
  is among the candidates;
* the reduction ratio: 1 - candidate pairs / (requests screened in × master taxpayers);
* the mean and maximum candidate taxpayers per request; pairs per rule;
* wall time and peak memory.

Usage:
    python bench/blocking.py WS WORLD_DIR
"""

from __future__ import annotations

import argparse
import json
import resource
import time
from datetime import date
from pathlib import Path

import pyarrow.parquet as pq

from taxgate.app.pipeline import screened_features
from taxgate.intake.readers import read_requests
from taxgate.matching.blocking import generate_candidates
from taxgate.screening.request import screen_requests
from taxgate.store import Store
from taxgate.workspace import Workspace


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("ws", type=Path)
    parser.add_argument("world", type=Path)
    args = parser.parse_args()
    ws = Workspace.open(args.ws)
    truth = pq.read_table(args.world / "truth.parquet").to_pylist()
    as_of = date.fromisoformat(str(truth[0]["as_of"]))
    table = read_requests(args.world / "requests.csv").table
    screening = screen_requests(table, agreement=ws.agreement(), request_date=as_of)
    features = screened_features(screening)
    with Store.open(ws.store_path) as store:
        started = time.perf_counter()
        result = generate_candidates(store, features)
        seconds = time.perf_counter() - started
        tins = dict(store.fetchall("SELECT record_id, tin FROM record_features"))
        taxpayers = int((store.fetchone("SELECT count(*) FROM taxpayers") or (0,))[0])
    per_request: dict[str, set[str]] = {}
    for uid, record in zip(
        result.pairs.column("uid").to_pylist(),
        result.pairs.column("record_id").to_pylist(),
        strict=True,
    ):
        per_request.setdefault(uid, set()).add(tins[record])
    wanted = [t for t in truth if t["expected_outcome"] == "DISCLOSED"]
    found = sum(1 for t in wanted if t["true_tin"] in per_request.get(t["request_id"], set()))
    screened_in = features.num_rows
    counts = [len(per_request.get(uid, ())) for uid in features.column("uid").to_pylist()]
    print(
        json.dumps(
            {
                "requests_screened_in": screened_in,
                "should_disclose": len(wanted),
                "pairs_completeness": round(found / max(len(wanted), 1), 5),
                "missed": len(wanted) - found,
                "candidate_pairs": result.pairs.num_rows,
                "reduction_ratio": 1 - result.pairs.num_rows / max(screened_in * taxpayers, 1),
                "mean_candidate_taxpayers": round(sum(counts) / max(len(counts), 1), 2),
                "max_candidate_taxpayers": max(counts, default=0),
                "pairs_per_rule": result.pairs_per_rule,
                "seconds": round(seconds, 2),
                "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
            },
            indent=2,
        )
    )


if __name__ == "__main__":
    main()
