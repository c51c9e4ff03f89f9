"""Benchmark ``taxgate synth``: wall time, throughput and peak memory of one world.

Usage::

    .venv/bin/python bench/synth_bench.py [--taxpayers 1000000] [--requests 100000] [--seed 7]
        [--noise default|alt]

The target (docs/synth.md): 1,000,000 taxpayers and 100,000 requests in under 3 minutes with
peak RSS under 6 GB on a 2-core machine. Output goes to ``bench/_work/synth`` (git-ignored).
"""

from __future__ import annotations

import argparse
import resource
import shutil
import sys
import time
from pathlib import Path

from taxgate.synth.world import generate_world

WORK = Path(__file__).parent / "_work" / "synth"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--taxpayers", type=int, default=1_000_000)
    parser.add_argument("--requests", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--out", type=Path, default=WORK)
    parser.add_argument("--noise", choices=("default", "alt"), default="default")
    args = parser.parse_args(argv)
    shutil.rmtree(args.out, ignore_errors=True)

    stages: list[tuple[str, float]] = []
    start = time.perf_counter()

    def progress(stage: str, done: float) -> None:
        del done
        stages.append((stage, time.perf_counter() - start))
        print(f"  {time.perf_counter() - start:7.1f} s  {stage}", file=sys.stderr)

    summary = generate_world(
        args.out,
        taxpayers=args.taxpayers,
        requests=args.requests,
        seed=args.seed,
        progress=progress,
        noise=args.noise,
    )
    elapsed = time.perf_counter() - start
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    size_mb = sum(p.stat().st_size for p in args.out.rglob("*") if p.is_file()) / 2**20
    print(
        f"world           {summary.taxpayers:,} taxpayers, {summary.filings:,} filings, "
        f"{summary.requests:,} requests (seed {args.seed})"
    )
    print(f"wall time       {elapsed:.1f} s")
    print(
        f"throughput      {summary.taxpayers / elapsed:,.0f} taxpayers/s, "
        f"{summary.filings / elapsed:,.0f} filings/s"
    )
    print(f"peak RSS        {peak_mb:,.0f} MB")
    print(f"output          {size_mb:,.1f} MB in {args.out}")
    for (stage, at), (_, until) in zip(stages, [*stages[1:], ("end", elapsed)], strict=True):
        print(f"  stage {stage:<12} {until - at:6.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
