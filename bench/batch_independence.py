"""Batch independence (issue 14): the decisions of a sample of requests are the same whether
they are matched alone or inside the whole batch.

Reads a workspace whose master is loaded (and its model trained) from a ``taxgate synth``
world, screens the world's requests, matches the first ``--sample`` screened requests on
their own, then the whole batch, and compares every field of each sampled decision. Prints
the counts, the wall time of each run and the first differences. Nothing is recorded.

Usage:
    python bench/batch_independence.py WS WORLD_DIR [--sample 1000]
"""

from __future__ import annotations

import argparse
import sys
import time
from datetime import date
from pathlib import Path

import pyarrow.parquet as pq

from taxgate.app.pipeline import screened_features
from taxgate.intake.readers import read_requests
from taxgate.matching.engine import run_matching
from taxgate.matching.model_store import require_model
from taxgate.screening.request import screen_requests
from taxgate.store import Store
from taxgate.workspace import Workspace


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("ws", type=Path)
    parser.add_argument("world", type=Path)
    parser.add_argument("--sample", type=int, default=1000)
    args = parser.parse_args()
    ws = Workspace.open(args.ws)
    truth = pq.read_table(args.world / "truth.parquet").to_pylist()
    as_of = date.fromisoformat(str(truth[0]["as_of"]))
    table = read_requests(args.world / "requests.csv").table
    agreement = ws.agreement()
    screening = screen_requests(table, agreement=agreement, request_date=as_of)
    features = screened_features(screening)
    sample = features.slice(0, args.sample)
    with Store.open(ws.store_path) as store:
        model = require_model(store)
        started = time.perf_counter()
        alone = run_matching(store, sample, policy=agreement.policy, model=model).decisions
        alone_seconds = time.perf_counter() - started
        started = time.perf_counter()
        whole = run_matching(store, features, policy=agreement.policy, model=model).decisions
        whole_seconds = time.perf_counter() - started
    differ = [uid for uid, decision in alone.items() if whole[uid] != decision]
    print(f"sample {len(alone):,} of {features.num_rows:,} screened requests")
    print(f"alone: {alone_seconds:.1f} s; whole batch: {whole_seconds:.1f} s")
    print(f"decisions that differ: {len(differ)}")
    for uid in differ[:5]:
        print(f"  {uid}: alone {alone[uid]} / in the batch {whole[uid]}")
    sys.exit(1 if differ else 0)


if __name__ == "__main__":
    main()
