"""The 2025 process on a synthetic world, for comparison with taxgate (issue 5).

What the court and TIGTA described: requests matched by TIN and the IRS "name control" (the
first four letters of the last name) with only a "ZIP proxy" for an address check, and
requests without a TIN matched on exact name and exact address; no screening, so
"Failed to Provide" went through. The logic lives in ``taxgate.report.baseline`` (the report
and ``taxgate demo`` use it too); this script writes its response file and scores it.

Usage:
    python bench/baseline_2025.py WORLD_DIR --out RESPONSE.csv [--as-of YYYY-MM-DD]
"""

from __future__ import annotations

import argparse
import json
import resource
import time
from datetime import date
from pathlib import Path

import pyarrow.parquet as pq

from taxgate.disclosure.response import ResponseRow, response_csv
from taxgate.report.baseline import baseline_2025_response
from taxgate.synth import score_files


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("world", type=Path)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--as-of", type=date.fromisoformat, default=None)
    args = parser.parse_args()
    as_of = args.as_of
    if as_of is None:
        truth = pq.read_table(args.world / "truth.parquet", columns=["as_of"])
        as_of = date.fromisoformat(str(truth.column("as_of")[0].as_py()))
    started = time.perf_counter()
    rows = baseline_2025_response(args.world, as_of=as_of)
    args.out.write_bytes(response_csv([ResponseRow(**row) for row in rows]))
    seconds = time.perf_counter() - started
    result = score_files(args.out, args.world / "truth.parquet")
    keys = ("outcomes", "precision", "recall", "harmful", "harmful_total")
    print(
        json.dumps(
            {
                **{k: result[k] for k in keys},
                "seconds": round(seconds, 2),
                "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
            },
            indent=2,
        )
    )


if __name__ == "__main__":
    main()
