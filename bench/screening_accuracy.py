"""Screening accuracy on a synthetic world (issue 3): screening alone against the truth.

Usage:
    python bench/screening_accuracy.py WORLD_DIR

``WORLD_DIR`` is what ``taxgate synth world`` wrote (``requests.*``, ``manifest.json`` and
``truth.parquet``). The requests are screened as ``taxgate screen`` would (same agreement,
the manifest's request date), without matching. Prints, as JSON: how many invalid requests
were not rejected or were rejected without a code of their expected category, how many valid
requests were rejected (and how many for address findings alone), and the request ids of
each miss by category, so that a miss can be looked up in the world's own files. No name or
address is printed.
"""

from __future__ import annotations

import argparse
import json
from collections import Counter
from pathlib import Path

import pyarrow.parquet as pq

from taxgate.agreement import default_agreement_path, load_agreement
from taxgate.intake.manifest import read_manifest
from taxgate.intake.readers import read_requests
from taxgate.screening.request import screen_requests

_SHOWN = 20


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("world", type=Path)
    args = parser.parse_args()
    manifest = read_manifest(args.world / "manifest.json")
    table = read_requests(args.world / manifest.request_file).table
    result = screen_requests(
        table,
        agreement=load_agreement(default_agreement_path()),
        request_date=manifest.request_date,
    )
    truth = {
        row["request_id"]: row
        for row in pq.read_table(
            args.world / "truth.parquet",
            columns=["request_id", "category", "valid", "expected_code_prefixes"],
        ).to_pylist()
    }
    not_rejected: dict[str, list[str]] = {}
    wrong_category: dict[str, list[str]] = {}
    valid_rejected: Counter[str] = Counter()
    address_only: list[str] = []
    valid_rejected_ids: list[str] = []
    for screened in result.rows:
        expected = truth[screened.request_id]
        codes = screened.response_codes
        if expected["valid"]:
            if codes:
                valid_rejected[";".join(codes)] += 1
                valid_rejected_ids.append(screened.request_id)
                if all(code.startswith("ADDRESS_") for code in codes):
                    address_only.append(screened.request_id)
            continue
        category = expected["category"]
        if not codes:
            not_rejected.setdefault(category, []).append(screened.request_id)
            continue
        prefixes = [p for p in (expected["expected_code_prefixes"] or "").split(";") if p]
        if prefixes and not any(code.startswith(tuple(prefixes)) for code in codes):
            wrong_category.setdefault(category, []).append(screened.request_id)
    valid = sum(1 for row in truth.values() if row["valid"])
    print(
        json.dumps(
            {
                "requests": len(result),
                "invalid": len(truth) - valid,
                "invalid_not_rejected": sum(map(len, not_rejected.values())),
                "invalid_wrong_category": sum(map(len, wrong_category.values())),
                "valid": valid,
                "valid_rejected": sum(valid_rejected.values()),
                "valid_rejected_for_address_alone": len(address_only),
                "valid_rejected_codes": dict(valid_rejected.most_common()),
                "valid_rejected_ids": valid_rejected_ids[:_SHOWN],
                "not_rejected_ids": {k: v[:_SHOWN] for k, v in sorted(not_rejected.items())},
                "wrong_category_ids": {k: v[:_SHOWN] for k, v in sorted(wrong_category.items())},
                "address_alone_ids": address_only[:_SHOWN],
            },
            indent=2,
        )
    )


if __name__ == "__main__":
    main()
