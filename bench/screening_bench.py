"""Screening throughput (issue 3): read and screen a request file, report requests/s.

Usage:
    python bench/screening_bench.py REQUESTS_FILE [--request-date 2025-07-15]

Prints rows, seconds, requests per second (reading excluded and included) and peak memory.
"""

from __future__ import annotations

import argparse
import json
import resource
import time
from datetime import date
from pathlib import Path

from taxgate.agreement import default_agreement_path, load_agreement
from taxgate.intake.readers import read_requests
from taxgate.screening.request import screen_requests


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("requests", type=Path)
    parser.add_argument("--request-date", type=date.fromisoformat, default=date(2025, 7, 15))
    args = parser.parse_args()
    agreement = load_agreement(default_agreement_path())
    started = time.perf_counter()
    table = read_requests(args.requests).table
    read = time.perf_counter()
    result = screen_requests(table, agreement=agreement, request_date=args.request_date)
    done = time.perf_counter()
    rows = len(result)
    print(
        json.dumps(
            {
                "rows": rows,
                "passed": result.passed_count,
                "read_seconds": round(read - started, 3),
                "screen_seconds": round(done - read, 3),
                "screen_requests_per_second": round(rows / (done - read)),
                "end_to_end_requests_per_second": round(rows / (done - started)),
                "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
            },
            indent=2,
        )
    )


if __name__ == "__main__":
    main()
