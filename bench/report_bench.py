"""Time and size of one batch's oversight report, phase by phase, on an existing workspace.

Usage:
    python bench/report_bench.py WS BATCH_ID [--truth TRUTH.parquet] [--baseline RESPONSE.csv]
        [--out REPORT.html] [--repeat N]

Phases: ledger verification (re-hashes the whole ledger), the aggregate queries, scoring
against the truth with the 2025 baseline (only with ``--truth``), the charts, the HTML, the
write. Prints one JSON object: seconds per phase (best of ``--repeat`` runs), the total, the
report's size in bytes, the batch's size, and the peak RSS. The acceptance targets (issue 7)
are under 30 s and under 5 MB for a 100,000-request batch.
"""

from __future__ import annotations

import argparse
import json
import resource
import time
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from taxgate.report.charts import draw_charts
from taxgate.report.data import ReportData
from taxgate.report.gather import gather_report_data
from taxgate.report.quality import score_batch
from taxgate.report.sections import render_report
from taxgate.report.write import verify_workspace_ledger
from taxgate.store import Store
from taxgate.workspace import Workspace, atomic_write_text

TARGET_SECONDS = 30.0
TARGET_BYTES = 5_000_000


def run_once(
    ws: Workspace, batch_id: str, out: Path, truth: Path | None, baseline: Path | None
) -> tuple[dict[str, float], ReportData]:
    """One report, timed per phase."""
    times: dict[str, float] = {}
    clock = time.perf_counter()

    def lap(name: str) -> None:
        nonlocal clock
        now = time.perf_counter()
        times[name] = round(now - clock, 3)
        clock = now

    agreement = ws.agreement()
    verification = verify_workspace_ledger(ws)
    lap("verify_ledger")
    with Store.open(ws.store_path) as store:
        data = gather_report_data(
            store,
            batch_id=batch_id,
            agreement=agreement,
            verification=verification,
            now=datetime.now(UTC),
        )
        lap("gather")
        if truth is not None:
            quality = score_batch(
                store,
                batch_id,
                truth=truth,
                as_of=date.fromisoformat(data.batch.as_of),
                baseline=baseline,
            )
            data = ReportData(**{**data.__dict__, "quality": quality})
            lap("score_with_baseline")
    charts = draw_charts(data)
    lap("charts")
    html = render_report(data, charts)
    lap("html")
    atomic_write_text(out, html)
    lap("write")
    return times, data


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("ws", type=Path)
    parser.add_argument("batch_id")
    parser.add_argument("--truth", type=Path, default=None)
    parser.add_argument("--baseline", type=Path, default=None)
    parser.add_argument("--out", type=Path, default=Path("report-bench.html"))
    parser.add_argument("--repeat", type=int, default=1)
    args = parser.parse_args()
    ws = Workspace.open(args.ws)
    best: dict[str, float] = {}
    data: ReportData | None = None
    for _ in range(max(1, args.repeat)):
        times, data = run_once(ws, args.batch_id, args.out, args.truth, args.baseline)
        best = {k: min(v, best.get(k, v)) for k, v in times.items()}
    assert data is not None
    total = round(sum(best.values()), 3)
    size = args.out.stat().st_size
    result: dict[str, Any] = {
        "batch_requests": data.funnel.received,
        "ledger_entries": data.ledger.entries,
        "seconds": best,
        "total_seconds": total,
        "report_bytes": size,
        "svg_bytes": sum(len(s.encode("utf-8")) for s in draw_charts(data).__dict__.values() if s),
        "within_targets": total < TARGET_SECONDS and size < TARGET_BYTES,
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
    }
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
