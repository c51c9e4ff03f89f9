"""Throughput and memory of address standardisation and screening.

Generates a varied sample of addresses in the shapes the master file and request batches hold
(street lines in long and short forms and mixed case, units in both places, ZIP+4 variants,
Queens, grid and fraction numbers, PO boxes, rural routes, military boxes, Puerto Rico, one-line
addresses, placeholders and facilities), then times:

* ``standardise_many`` over all-distinct rows with the memo cleared (the worst case),
* ``standardise_many`` over rows repeated as a taxpayer's filings repeat them (memo warm),
* ``screen_address`` over the distinct rows,

and reports the share of street lines the fast tokenizer reads without usaddress, the peak
traced memory and the process's maximum resident set. A calibration loop shows how fast this
machine runs plain Python (about 0.06 s on a current laptop core).

Usage::

    .venv/bin/python bench/standardise_bench.py [--rows 200000] [--seed 7]
"""

from __future__ import annotations

import argparse
import random
import resource
import time
import timeit
import tracemalloc
from collections.abc import Callable, Sequence

from taxgate.screening.address import screen_address
from taxgate.standardise import addresses
from taxgate.standardise.address_fast import fast_segments
from taxgate.standardise.address_parts import RawAddress
from taxgate.standardise.address_text import clean_text
from taxgate.standardise.addresses import standardise_many

NAMES = [
    *("MAIN", "OAK", "PINE", "MAPLE", "CEDAR", "ELM", "WASHINGTON", "LAKE", "HILL", "PARK"),
    *(
        "SUNSET",
        "RIVER",
        "HIGHLAND",
        "JEFFERSON",
        "LINCOLN",
        "MADISON",
        "FRANKLIN",
        "JACKSON",
        "WILLOW",
        "CHERRY",
    ),
    *(
        "MEADOW",
        "SPRING",
        "VALLEY",
        "CHURCH",
        "SCHOOL",
        "MILL",
        "FOREST",
        "HICKORY",
        "WALNUT",
        "CHESTNUT",
    ),
    *(
        "BIRCH",
        "SYCAMORE",
        "DOGWOOD",
        "MAGNOLIA",
        "LAUREL",
        "PEACHTREE",
        "BROAD",
        "MARKET",
        "UNION",
        "CENTER",
    ),
    *("COLLEGE", "ACADEMY", "RIDGE", "CREEK", "GREEN", "ADAMS", "MONROE", "HARRISON", "GARFIELD"),
]
MULTI_NAMES = ["MARTIN LUTHER KING JR", "LAKE SHORE", "OLD MILL", "SAINT JOHNS", "ST CHARLES"]
ORDINALS = ["1ST", "2ND", "3RD", "4TH", "5TH", "12TH", "31ST", "42ND", "FIFTH", "FIRST"]
SUFFIXES = [
    *("ST", "STREET", "St.", "AVE", "AVENUE", "Av", "RD", "ROAD", "DR", "DRIVE", "LN", "LANE"),
    *("CT", "COURT", "BLVD", "BOULEVARD", "WAY", "PL", "PLACE", "CIR", "CIRCLE", "TER"),
    *("PKWY", "PARKWAY", "HWY", "TRL", "TRAIL", "LOOP", "SQ", "PLZ", "XING", "CV", "RUN", ""),
]
DIRECTIONS = ["", "", "", "", "N", "S", "E", "W", "NORTH", "SOUTH", "NE", "SW", "N.W."]
UNITS = ["APT 4", "Apt. 12B", "#3", "# 7", "UNIT 5", "Suite 200", "STE 10", "Apartment 6", "4B"]
CITIES = ["Springfield", "St. Louis", "New York", "Winston-Salem", "Fort Worth", "Houston", ""]
STATES = ["IL", "Illinois", "NY", "mo", "TX", "Texas", "CA", "California", "DC", ""]


def _zip(rng: random.Random) -> str:
    zip5 = f"{rng.randint(1000, 99999):05d}"
    form = rng.random()
    if form < 0.6:
        return zip5
    plus4 = f"{rng.randint(1, 9999):04d}"
    return rng.choice([f"{zip5}-{plus4}", f"{zip5}{plus4}", f"{zip5} {plus4}"])


def _case(rng: random.Random, text: str) -> str:
    return rng.choice([text, text.upper(), text.title(), text.lower()])


def _street(rng: random.Random) -> tuple[str, str]:
    """A street line and a unit column, in the common shape and its variants."""
    house = str(rng.randint(1, 29999))
    shape = rng.random()
    if shape < 0.03:
        house = f"{rng.randint(10, 250)}-{rng.randint(1, 99):02d}"
    elif shape < 0.05:
        house = f"N{rng.randint(1, 99)}W{rng.randint(1000, 29999)}"
    elif shape < 0.07:
        house = f"{house} 1/2"
    name = rng.choice(NAMES)
    pick = rng.random()
    if pick < 0.12:
        name = rng.choice(ORDINALS)
    elif pick < 0.18:
        name = rng.choice(MULTI_NAMES)
    words = [house, rng.choice(DIRECTIONS), name, rng.choice(SUFFIXES)]
    if rng.random() < 0.06:
        words.append(rng.choice(["N", "S", "E", "W", "NW", "SE"]))
    unit = rng.choice(UNITS) if rng.random() < 0.25 else ""
    street = " ".join(w for w in words if w)
    if unit and rng.random() < 0.4:
        street = f"{street}{rng.choice([' ', ', '])}{unit}"
        unit = ""
    return _case(rng, street), unit


def _special(rng: random.Random) -> str:
    box = rng.randint(1, 9999)
    return rng.choice(
        [
            f"PO Box {box}",
            f"P.O. BOX {box}",
            f"POB {box}",
            f"RR {rng.randint(1, 9)} Box {box}",
            f"HC {rng.randint(1, 9)} Box {box}",
            f"Rural Route {rng.randint(1, 9)} Box {box}",
            f"{rng.randint(1, 999)} Calle {rng.choice(['Luna', 'Sol', 'A', '5'])}",
            f"{rng.randint(1, 999)} County Road {rng.randint(1, 99)}",
            f"{rng.randint(1, 999)} Avenue {rng.choice('ABCDNS')}",
        ]
    )


def _junk(rng: random.Random) -> str:
    return rng.choice(
        [
            "Failed to Provide",
            "NA NA",
            "Unknown",
            "N/A",
            "Don't Care 12345",
            "Stewart Detention Center",
            "12345",
            "Main St",
            "123 Apt 4",
            "1st & Main",
            "Harris County Jail 1200 Baker St",
        ]
    )


def sample(rows: int, seed: int) -> list[RawAddress]:
    """``rows`` varied, mostly distinct addresses (split columns and one-line)."""
    rng = random.Random(seed)
    out: list[RawAddress] = []
    for _ in range(rows):
        kind = rng.random()
        unit = ""
        if kind < 0.86:
            street, unit = _street(rng)
        elif kind < 0.95:
            street = _special(rng)
        else:
            street = _junk(rng)
        city, state, zip_code = rng.choice(CITIES), rng.choice(STATES), _zip(rng)
        if rng.random() < 0.08:
            parts = [street, unit, _case(rng, city), f"{state} {zip_code}"]
            out.append(RawAddress(line=", ".join(p for p in parts if p)))
        else:
            out.append(RawAddress(street, unit, _case(rng, city), state, zip_code))
    return out


def _reset() -> None:
    addresses._standardise_cached.cache_clear()
    addresses._tagged.cache_clear()
    addresses._unit_column.cache_clear()


def _rate(func: Callable[[], object], count: int) -> tuple[float, float]:
    """``(rows per wall second, rows per CPU second)`` of one call of ``func``."""
    wall, cpu = time.perf_counter(), time.process_time()
    func()
    return count / (time.perf_counter() - wall), count / (time.process_time() - cpu)


def _fast_share(rows: Sequence[RawAddress]) -> float:
    streets = [r.street for r in rows if r.street and r.street[0].isdigit()]
    fast = sum(fast_segments(clean_text(s).replace(",", " ").split()) is not None for s in streets)
    return fast / max(len(streets), 1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--rows", type=int, default=200_000)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()

    calibration = min(timeit.repeat("sum(range(100))", number=100_000, repeat=5))
    rows = sample(args.rows, args.seed)
    distinct = len(set(rows))
    print(f"sample: {len(rows):,} addresses ({distinct:,} distinct), seed {args.seed}")
    print(f"machine: sum(range(100)) x 100k = {calibration:.3f} s (about 0.06 s on a laptop)")
    print(f"street lines read by the fast tokenizer: {_fast_share(rows):.1%}")

    _reset()
    wall, cpu = _rate(lambda: standardise_many(rows), len(rows))
    print(f"standardise, all distinct, memo cold: {wall:,.0f}/s wall, {cpu:,.0f}/s CPU")

    filings = [row for row in rows[: len(rows) // 4] for _ in range(4)]
    random.Random(args.seed).shuffle(filings)
    _reset()
    wall, cpu = _rate(lambda: standardise_many(filings), len(filings))
    print(f"standardise, each address filed 4x: {wall:,.0f}/s wall, {cpu:,.0f}/s CPU")

    _reset()
    wall, cpu = _rate(lambda: [screen_address(r) for r in rows], len(rows))
    print(f"screen_address, all distinct: {wall:,.0f}/s wall, {cpu:,.0f}/s CPU")

    _reset()
    tracemalloc.start()
    standardise_many(rows)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    print(f"peak traced memory while standardising {len(rows):,} rows: {peak / 2**20:,.1f} MiB")
    max_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"process max resident set: {max_rss:,.0f} MiB")


if __name__ == "__main__":
    main()
