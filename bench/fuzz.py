"""Coverage-guided fuzzing of taxgate's parsers with atheris (issue 16, deliver 12).

Each target feeds one fuzzer input to one parser and lets only a ``TaxgateError`` pass:
anything else that escapes (``RecursionError``, ``ValueError``, a pyarrow error, ...) is an
exception outside the tree, counted by class and place, with the first input of each kind
kept under ``--crashes``. The run ends after ``--inputs`` inputs and writes a JSON summary.

Targets: the request readers (``csv``, ``jsonl``, ``parquet``: bytes as a request file), the
``manifest``, and the standardisers and screens of ``names``, ``addresses``, ``dates`` and
``tins`` (strings cut from the input by atheris's data provider).

Usage:
    python bench/fuzz.py TARGET [--inputs 1000000] [--seed 1] [--summary FILE] [--crashes DIR]
    python bench/fuzz.py --list

CI runs a few thousand inputs per target (``tests/bench/test_fuzz.py``); a full run is
``nice -n 19 python bench/fuzz.py TARGET --inputs 1000000`` (numbers in bench/RESULTS.md).
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import os
import sys
import tempfile
import time
import traceback
from collections import Counter
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import atheris

with atheris.instrument_imports(include=["taxgate"]):
    import pyarrow as pa
    import pyarrow.parquet as pq

    from taxgate.agreement import Agreement, default_agreement_path, load_agreement
    from taxgate.errors import TaxgateError
    from taxgate.intake.as_of import check_as_of_against_request
    from taxgate.intake.manifest import parse_manifest
    from taxgate.intake.readers import parse_requests
    from taxgate.ledger.hold import normalise_tin
    from taxgate.screening.address import screen_address
    from taxgate.screening.batch import PersonRequest, find_duplicates
    from taxgate.screening.fields import parse_iso_date, screen_periods, screen_removal_order
    from taxgate.screening.names import screen_name
    from taxgate.standardise.address_parts import RawAddress
    from taxgate.standardise.addresses import standardise_address, standardise_delivery_line
    from taxgate.standardise.names import name_tokens, phonetic_key, standardise_name

Target = Callable[[bytes], object]

_AGREEMENT: Agreement = load_agreement(default_agreement_path())
_REQUEST_DATE = date(2025, 6, 1)
_MAX_TEXT = 200


def _request_file(suffix: str) -> Target:
    source = Path("requests" + suffix)
    return lambda data: parse_requests(data, source=source)


def _text(fdp: atheris.FuzzedDataProvider) -> str:
    return str(fdp.ConsumeUnicodeNoSurrogates(fdp.ConsumeIntInRange(0, _MAX_TEXT)))


def _texts(data: bytes, count: int) -> list[str]:
    fdp = atheris.FuzzedDataProvider(data)
    return [_text(fdp) for _ in range(count)]


def fuzz_names(data: bytes) -> None:
    first, middle, last, suffix = _texts(data, 4)
    name = standardise_name(first, middle, last, suffix)
    for token in (*name_tokens(first), *name.surname_parts):
        phonetic_key(token)
    screen_name(first, middle, last)


def fuzz_addresses(data: bytes) -> None:
    street, unit, city, state, zip_code, line = _texts(data, 6)
    for raw in (RawAddress(street, unit, city, state, zip_code), RawAddress(line=line)):
        standardise_address(raw)
        screen_address(raw)
    standardise_delivery_line(street, unit, locality_given=bool(city))


def _day(fdp: atheris.FuzzedDataProvider) -> date:
    return date.fromordinal(fdp.ConsumeIntInRange(date(1900, 1, 1).toordinal(), 800_000))


def fuzz_dates(data: bytes) -> None:
    fdp = atheris.FuzzedDataProvider(data)
    text, periods = _text(fdp), _text(fdp)
    request_date = _day(fdp)
    parse_iso_date(text)
    screen_removal_order(_AGREEMENT, text, request_date)
    screen_periods(_AGREEMENT, periods, request_date)
    check_as_of_against_request(_day(fdp), request_date=request_date, agreement=_AGREEMENT)


def fuzz_tins(data: bytes) -> None:
    """A TIN as an operator types it (withhold), and two requests of one person whose TINs
    and dates of birth the duplicate check compares."""
    fdp = atheris.FuzzedDataProvider(data)
    tins, births = [_text(fdp), _text(fdp)], [_text(fdp), _text(fdp)]
    with contextlib.suppress(TaxgateError):
        normalise_tin(tins[0])
    people = [
        PersonRequest(
            request_id=str(i),
            name=_NAME,
            address=_ADDRESS,
            identity_usable=True,
            answerable=True,
            date_of_birth=births[i],
            tin=tins[i],
        )
        for i in range(2)
    ]
    find_duplicates(people)


_NAME = standardise_name("JUAN", "", "GARCIA", "")
_ADDRESS = standardise_address(RawAddress("12 MAIN ST", None, "SPRINGFIELD", "IL", "62701"))


TARGETS: dict[str, Target] = {
    "csv": _request_file(".csv"),
    "jsonl": _request_file(".jsonl"),
    "parquet": _request_file(".parquet"),
    "manifest": lambda data: parse_manifest(data),
    "names": fuzz_names,
    "addresses": fuzz_addresses,
    "dates": fuzz_dates,
    "tins": fuzz_tins,
}


def _seed_rows() -> list[dict[str, str]]:
    return [
        {
            "request_id": "R1",
            "first_name": "José",
            "middle_name": "",
            "last_name": "García López",
            "street": "12 Main St Apt 4",
            "city": "Springfield",
            "state": "IL",
            "zip": "62701",
            "tin": "123456789",
            "date_of_birth": "1980-02-29",
            "removal_order_date": "2024-01-02",
            "statute": "8 USC 1253(a)(1)",
            "reason": "Failure to depart",
            "taxable_periods": "2023;2024",
        },
        {"request_id": "R2", "first_name": "Ana", "last_name": "O'Neil", "street": "PO Box 7"},
    ]


def seeds(target: str) -> list[bytes]:
    """A few valid inputs for the fuzzer to start from."""
    rows = _seed_rows()
    if target == "csv":
        header = list(rows[0])
        lines = [",".join(header)] + [",".join(f'"{r.get(k, "")}"' for k in header) for r in rows]
        return ["\r\n".join(lines).encode()]
    if target == "jsonl":
        return ["".join(json.dumps(r) + "\n" for r in rows).encode()]
    if target == "parquet":
        sink = io.BytesIO()
        pq.write_table(pa.Table.from_pylist(rows), sink)
        return [sink.getvalue()]
    if target == "manifest":
        manifest = {
            "format": 1,
            "batch_id": "b-1",
            "request_file": "requests.csv",
            "request_sha256": "0" * 64,
            "row_count": 2,
            "requesting_agency": "ICE",
            "signer": "ice-director",
            "signed_at": "2025-08-01T12:00:00Z",
            "request_date": "2025-08-01",
            "agreement_id": "irs-ice-2025",
            "agreement_version": "1",
            "attestation": "solely by officers personally and directly engaged",
        }
        return [json.dumps(manifest).encode()]
    return [b"\x05JUAN\x01A\x06GARCIA\x02JR", b"\x1012 N MAIN ST APT 4\x0bSPRINGFIELD\x02IL"]


class Tally:
    """Inputs run and exceptions outside the tree, by kind (class and innermost place)."""

    def __init__(self, target: str, limit: int, crashes: Path) -> None:
        self.target, self.limit, self.crashes = target, limit, crashes
        self.inputs = 0
        self.refused = 0
        self.escaped: Counter[str] = Counter()
        self.started = time.monotonic()

    def run(self, data: bytes) -> None:
        try:
            TARGETS[self.target](data)
        except TaxgateError:
            self.refused += 1
        except Exception as error:
            self._escaped(error, data)
        self.inputs += 1

    def _escaped(self, error: Exception, data: bytes) -> None:
        where = traceback.extract_tb(error.__traceback__)[-1]
        kind = f"{type(error).__name__} at {Path(where.filename).name}:{where.lineno}"
        if kind not in self.escaped:
            self.crashes.mkdir(parents=True, exist_ok=True)
            name = f"{self.target}-{len(self.escaped)}"
            (self.crashes / name).write_bytes(data)
            print(f"escaped: {kind} (input kept as {self.crashes / name})", file=sys.stderr)
        self.escaped[kind] += 1

    def summary(self) -> dict[str, Any]:
        seconds = time.monotonic() - self.started
        return {
            "target": self.target,
            "inputs": self.inputs,
            "refused_with_taxgate_error": self.refused,
            "escaped": sum(self.escaped.values()),
            "escaped_kinds": dict(self.escaped),
            "seconds": round(seconds, 1),
            "inputs_per_second": round(self.inputs / seconds) if seconds else None,
        }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("target", nargs="?", choices=sorted(TARGETS))
    parser.add_argument("--list", action="store_true", help="print the targets and stop")
    parser.add_argument("--inputs", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--summary", type=Path, help="write the JSON summary here too")
    parser.add_argument("--crashes", type=Path, default=Path("fuzz-crashes"))
    args = parser.parse_args(argv)
    if args.list or args.target is None:
        print("\n".join(sorted(TARGETS)))
        return
    tally = Tally(args.target, args.inputs, args.crashes)
    corpus = Path(tempfile.mkdtemp(prefix=f"taxgate-fuzz-{args.target}-"))
    for i, seed in enumerate(seeds(args.target)):
        (corpus / f"seed-{i}").write_bytes(seed)

    def one_input(data: bytes) -> None:
        tally.run(data)
        if tally.inputs >= tally.limit:
            _finish(tally, args.summary)

    libfuzzer = [sys.argv[0], str(corpus), f"-seed={args.seed}", "-max_len=4096", "-timeout=30"]
    atheris.Setup(libfuzzer, one_input)
    atheris.Fuzz()


def _finish(tally: Tally, summary_path: Path | None) -> None:
    """Print and keep the summary, then end the process (libFuzzer never returns)."""
    text = json.dumps(tally.summary(), indent=2)
    print(text, flush=True)
    if summary_path is not None:
        summary_path.write_text(text + "\n")
    sys.stderr.flush()
    os._exit(1 if tally.escaped else 0)


if __name__ == "__main__":
    main()
