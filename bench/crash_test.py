"""Crash safety of ``taxgate run`` (issue 6): SIGKILL at random points, run again, check.

For each round: sign the batch anew (a new batch id), start ``taxgate run``, kill it with
SIGKILL after a random delay within the measured length of a full run, then run it again to
completion. Rounds go on until ``--kills`` runs were really killed (a run that finished before
its kill time is checked too, but does not count as a kill). After every round the workspace
must show, for that batch, exactly one decision per request, as many DISCLOSURE ledger
entries as DISCLOSE decisions (none lost, none duplicated), and ``taxgate ledger verify`` must
pass. A round whose kill came after the commit finds the batch answered: the re-run is
refused as a replay, which is the required behaviour, and the checks still hold.

Usage:
    python bench/crash_test.py WORK_DIR [--taxpayers 50000] [--requests 10000] [--kills 50]
"""

from __future__ import annotations

import argparse
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import duckdb

TAXGATE = str(Path(sys.executable).with_name("taxgate"))


def sh(*args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    return subprocess.run([TAXGATE, *args], capture_output=True, text=True, check=check)


def prepare(work: Path, taxpayers: int, requests: int) -> None:
    work.mkdir(parents=True, exist_ok=True)
    sh("init", str(work / "ws"))
    sh("keys", "new", str(work / "keys"), "--name", "ice-director")
    sh(
        "agreement",
        "add-signer",
        str(work / "ws"),
        "--name",
        "ice-director",
        "--public-key",
        str(work / "keys" / "ice-director.pub.pem"),
        "--valid-from",
        "2025-04-07",
    )
    sh(
        "synth",
        str(work / "world"),
        "--taxpayers",
        str(taxpayers),
        "--requests",
        str(requests),
        "--seed",
        "4242",
    )
    sh("master", "load", str(work / "ws"), str(work / "world" / "master"))


def sign(work: Path) -> str:
    out = sh(
        "batch",
        "sign",
        str(work / "world" / "requests.csv"),
        "--key",
        str(work / "keys" / "ice-director.key.pem"),
        "--signer",
        "ice-director",
        "--out",
        str(work / "world" / "manifest.json"),
        "--request-date",
        "2025-07-15",
    ).stdout
    return out.strip().split()[-1]


def run_args(work: Path, out: str) -> list[str]:
    return [TAXGATE, "run", str(work / "ws"), str(work / "world" / "manifest.json"), "--out", out]


def check(work: Path, requests: int) -> tuple[bool, str]:
    with duckdb.connect(str(work / "ws" / "store.duckdb"), read_only=True) as con:
        batch = con.execute(
            "SELECT batch_id FROM batches ORDER BY received_at DESC LIMIT 1"
        ).fetchall()[0][0]
        per_request = con.execute(
            "SELECT count(*), count(DISTINCT request_id), "
            "count(*) FILTER (WHERE decision = 'DISCLOSE') FROM decisions WHERE batch_id = ?",
            [batch],
        ).fetchall()[0]
        disclosures = con.execute(
            "SELECT count(*), count(DISTINCT request_id) FROM ledger_entries "
            "WHERE kind = 'DISCLOSURE' AND batch_id = ?",
            [batch],
        ).fetchall()[0]
    verify = sh("ledger", "verify", str(work / "ws"), check=False)
    ok = (
        per_request[0] == per_request[1] == requests
        and disclosures[0] == disclosures[1] == per_request[2]
        and verify.returncode == 0
    )
    detail = (
        f"decisions {per_request[0]} for {per_request[1]} requests, disclosures "
        f"{disclosures[0]} ({per_request[2]} decided), verify rc {verify.returncode}"
    )
    return ok, detail


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("work", type=Path)
    parser.add_argument("--taxpayers", type=int, default=50_000)
    parser.add_argument("--requests", type=int, default=10_000)
    parser.add_argument("--kills", type=int, default=50, help="real SIGKILLs to deliver")
    parser.add_argument("--seed", type=int, default=9162)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    prepare(args.work, args.taxpayers, args.requests)
    # The first run also trains and saves the model; later runs reuse it and are shorter.
    # Kill times are drawn within the length of such a later run, so that nearly every round
    # is a real kill.
    for warm_up in ("out-0", "out-00"):
        sign(args.work)
        started = time.perf_counter()
        subprocess.run(
            run_args(args.work, str(args.work / warm_up)), check=True, capture_output=True
        )
        full = time.perf_counter() - started
        print(f"full run ({warm_up}): {full:.1f} s")
    failures = 0
    after_commit = 0
    kills = 0
    round_no = 0
    while kills < args.kills and round_no < 3 * args.kills:
        round_no += 1
        sign(args.work)
        delay = rng.uniform(0.05, full)
        proc = subprocess.Popen(
            run_args(args.work, str(args.work / f"out-{round_no}")),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        time.sleep(delay)
        killed = proc.poll() is None
        if killed:
            proc.send_signal(signal.SIGKILL)
        proc.wait()
        kills += killed
        rerun = subprocess.run(
            run_args(args.work, str(args.work / f"out-{round_no}")), capture_output=True, text=True
        )
        replay = "SIGNER_REPLAY" in rerun.stderr
        after_commit += replay and killed
        if rerun.returncode != 0 and not replay:
            failures += 1
            print(f"round {round_no}: re-run failed: {rerun.stderr.strip()[:300]}")
            continue
        ok, detail = check(args.work, args.requests)
        failures += not ok
        state = "killed" if killed else "finished"
        print(
            f"round {round_no:3d}: {state} after {delay:5.1f} s, re-run "
            f"{'refused as replay' if replay else 'completed'}: {'OK' if ok else 'FAIL'} ({detail})"
        )
    print(
        f"{round_no} rounds, {kills} real SIGKILLs, {failures} failures; {after_commit} kills "
        f"came after the commit (re-run refused as a replay)"
    )
    sys.exit(1 if failures or kills < args.kills else 0)


if __name__ == "__main__":
    main()
