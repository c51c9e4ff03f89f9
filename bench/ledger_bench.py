"""Ledger throughput: append a 100,000-request batch, then verify a 1,000,000-entry ledger.

Usage::

    .venv/bin/python bench/ledger_bench.py [--requests 100000] [--batches 2] [--keep DIR]

Each batch has, per request, four events (screened with the request as its record, matched,
decided, reviewed) and, per disclosure, one DISCLOSURE with its record. By default every
request is disclosed: five entries per request, the pessimistic end of "about four per
request plus one per disclosure" (``--disclosure-rate 0.037`` is the 2025 rate). Two such
batches make the 1,000,000 entries that are then verified. Each phase runs in a fresh
process so its peak resident memory (``ru_maxrss``) is its own.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from taxgate.agreement import default_agreement_path, load_agreement
from taxgate.ledger import events as ev
from taxgate.ledger.checkpoint import load_public_key, read_export
from taxgate.ledger.log import export_path, ledger_transaction
from taxgate.ledger.verify import verify_ledger
from taxgate.store import Store
from taxgate.workspace import Workspace

NOW = datetime(2025, 8, 7, 12, 0, tzinfo=UTC)


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def batch_events(batch_id: str, requests: int, rate: float = 1.0) -> list[ev.LedgerEvent]:
    """Four entries per request, one per disclosure (the first ``rate`` of the requests), and
    three per batch, shaped like the run pipeline's."""
    disclosed = round(requests * rate)
    events = [
        ev.batch_received(
            batch_id=batch_id,
            requester="ICE",
            agreement_id="irs-ice-2025",
            agreement_version="2025.04.07-1",
            file_sha256="ab" * 32,
            rows=requests,
        ),
        ev.signature_verified(batch_id=batch_id, signer="ice-director", manifest_sha256="cd" * 32),
    ]
    for number in range(requests):
        request_id = f"R{number:07d}"
        request = {
            "request_id": request_id,
            "first_name": "MARIA",
            "last_name": "GARCIA LOPEZ",
            "street": f"{number % 9999 + 1} MAIN ST",
            "city": "SPRINGFIELD",
            "state": "IL",
            "zip": "62701",
            "statute": "8 U.S.C. 1253(a)(1)",
            "reason": "Subject failed to depart within 90 days of a final order of removal.",
        }
        events += [
            ev.request_screened(
                batch_id=batch_id, request_id=request_id, codes=[], statute="8-1253-(a)(1)",
                request=request,
            ),
            ev.LedgerEvent(
                ev.EventKind.REQUEST_MATCHED, batch_id, request_id,
                attrs={"candidate_records": 3, "best_weight": 15.25, "margin": 9.5},
            ),
            ev.request_decided(
                batch_id=batch_id, request_id=request_id, decision="DISCLOSE", codes=[],
                model_version="m-2025-08", policy_version="p1", score=15.25,
            ),
            ev.LedgerEvent(
                ev.EventKind.REVIEW_DECIDED, batch_id, request_id,
                attrs={"reviewer": "do-17", "outcome": "APPROVED"},
            ),
        ]  # fmt: skip
        if number >= disclosed:
            continue
        events += [
            ev.disclosure(
                batch_id=batch_id, request_id=request_id, requester="ICE",
                agreement_id="irs-ice-2025", agreement_version="2025.04.07-1",
                statute="8-1253-(a)(1)", tin=f"9{number:08d}",
                address={"street": request["street"], "unit": None, "city": "SPRINGFIELD",
                         "state": "IL", "zip": "62701"},
                as_of=date(2025, 3, 1),
            ),
        ]  # fmt: skip
    events.append(ev.LedgerEvent(ev.EventKind.BATCH_RELEASED, batch_id, attrs={"rows": requests}))
    return events


def phase_append(root: Path, requests: int, batches: int, rate: float) -> dict[str, Any]:
    """Append ``batches`` batches, each in its own transaction with its checkpoint."""
    ws = Workspace.create(root, load_agreement(default_agreement_path()))
    results: dict[str, Any] = {"batches": []}
    with Store.open(ws.store_path) as store:
        for number in range(batches):
            started = time.perf_counter()
            events = batch_events(f"B{number}", requests, rate)
            built, built_cpu = time.perf_counter(), time.process_time()
            now = NOW + timedelta(hours=number)
            with ledger_transaction(store, ws, now=now) as ledger:
                ledger.append(events, now=now)
            done, done_cpu = time.perf_counter(), time.process_time()
            results["batches"].append(
                {
                    "entries": len(events),
                    "build_s": built - started,
                    "append_s": done - built,
                    "append_cpu_s": done_cpu - built_cpu,
                    "entries_per_s": len(events) / (done - built),
                }
            )
            del events
    results["peak_rss_mb"] = _peak_mb()
    return results


def phase_verify(root: Path) -> dict[str, Any]:
    """Verify the whole ledger, with the exported checkpoints."""
    ws = Workspace.open(root)
    baseline = _peak_mb()
    with Store.open(ws.store_path) as store:
        started, started_cpu = time.perf_counter(), time.process_time()
        report = verify_ledger(
            store,
            public_key=load_public_key(ws.keys_dir),
            exported_checkpoints=read_export(export_path(ws)),
        )
        elapsed = time.perf_counter() - started
        cpu = time.process_time() - started_cpu
    return {
        "ok": report.ok,
        "message": report.message,
        "entries": report.entries_checked,
        "verify_s": elapsed,
        "verify_cpu_s": cpu,
        "entries_per_s": report.entries_checked / elapsed,
        "baseline_rss_mb": baseline,
        "peak_rss_mb": _peak_mb(),
    }


def _run_phase(args: list[str]) -> dict[str, Any]:
    output = subprocess.run(
        [sys.executable, __file__, *args], check=True, capture_output=True, text=True
    ).stdout
    result: dict[str, Any] = json.loads(output)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=100_000)
    parser.add_argument("--batches", type=int, default=2)
    parser.add_argument(
        "--disclosure-rate", type=float, default=1.0, help="Share of requests disclosed."
    )
    parser.add_argument("--keep", type=Path, help="Workspace folder to create and keep.")
    parser.add_argument("--phase", choices=["append", "verify"], help=argparse.SUPPRESS)
    parser.add_argument("--root", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.phase == "append":
        print(
            json.dumps(phase_append(args.root, args.requests, args.batches, args.disclosure_rate))
        )
        return
    if args.phase == "verify":
        print(json.dumps(phase_verify(args.root)))
        return
    with tempfile.TemporaryDirectory() as scratch:
        root = args.keep or Path(scratch) / "ws"
        counts = [
            *("--requests", str(args.requests), "--batches", str(args.batches)),
            *("--disclosure-rate", str(args.disclosure_rate)),
        ]
        appended = _run_phase(["--phase", "append", "--root", str(root), *counts])
        verified = _run_phase(["--phase", "verify", "--root", str(root)])
    for number, batch in enumerate(appended["batches"]):
        print(
            f"append batch {number}: {args.requests:,} requests = {batch['entries']:,} entries; "
            f"events built in {batch['build_s']:.2f} s; append + checkpoint + commit + export "
            f"{batch['append_s']:.2f} s wall, {batch['append_cpu_s']:.2f} s CPU "
            f"({batch['entries_per_s']:,.0f} entries/s)"
        )
    print(f"append peak RSS: {appended['peak_rss_mb']:.0f} MB")
    print(f"machine load average: {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
    print(
        f"verify: {verified['entries']:,} entries in {verified['verify_s']:.2f} s wall, "
        f"{verified['verify_cpu_s']:.2f} s CPU ({verified['entries_per_s']:,.0f} entries/s), "
        f"ok={verified['ok']}"
    )
    print(
        f"verify peak RSS: {verified['peak_rss_mb']:.0f} MB "
        f"(after imports {verified['baseline_rss_mb']:.0f} MB)"
    )
    print(f"  {verified['message']}")


if __name__ == "__main__":
    main()
