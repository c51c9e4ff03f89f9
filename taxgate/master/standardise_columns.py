"""Standardise the master file's distinct values, column group by column group, in parallel.

The one standardiser (``taxgate.standardise``) is applied to each *distinct* value once: the
delivery line (street + unit), the locality (city + state), the ZIP, and the name. A master
file of 6.7 million filings holds about 3.3 million distinct delivery lines, 1.3 million names,
0.75 million ZIP forms and a few hundred localities; standardising the parts apart instead of
4.9 million whole tuples saves a third of the work. Workers return Arrow tables (cheap to send
between processes), in the order of their input.
"""

from __future__ import annotations

import gc
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from typing import Any

import pyarrow as pa

from taxgate.matching.features import NAME_COLUMNS, address_features, name_features
from taxgate.standardise.address_parts import RawAddress
from taxgate.standardise.addresses import standardise_address, standardise_delivery_line
from taxgate.standardise.names import standardise_name

Progress = Callable[[str, int, int], None]
Row = tuple[str | None, ...]
_CHUNK = 40_000

STREET_COLUMNS = (
    "address_kind",
    "house_key",
    "street_name",
    "street_key",
    "unit_number",
    "delivery_line",
    "usps_street",
    "usps_unit",
)


def _rows(table: pa.Table) -> list[Row]:
    return list(zip(*(c.to_pylist() for c in table.columns), strict=True))


def street_table(raw: pa.Table) -> pa.Table:
    """Street + unit (+ whether the row has a locality) → delivery-line parts, row by row."""
    out: dict[str, list[Any]] = {c: [] for c in STREET_COLUMNS}
    add = {c: out[c].append for c in STREET_COLUMNS}
    for street, unit, located in _rows(raw):
        std = standardise_delivery_line(street, unit, locality_given=bool(located))
        features = address_features(std)
        for column in STREET_COLUMNS[:5]:
            add[column](features[column])
        add["delivery_line"](std.delivery_key().rsplit("|", 1)[0])  # the point without ZIP
        add["usps_street"](std.street_line() or None)
        add["usps_unit"](std.unit_line() or None)
    return pa.table({c: pa.array(v, pa.string()) for c, v in out.items()})


def locality_table(raw: pa.Table) -> pa.Table:
    """City + state → standard city and USPS state code."""
    cities, states = [], []
    for city, state in _rows(raw):
        std = standardise_address(RawAddress(city=city, state=state))
        cities.append(std.city or None)
        states.append(std.state or None)
    return pa.table({"std_city": pa.array(cities, pa.string()), "std_state": states})


def zip_table(raw: pa.Table) -> pa.Table:
    """ZIP as written → ZIP5 and ZIP+4."""
    zip5s, zip4s = [], []
    for (zip_code,) in _rows(raw):
        std = standardise_address(RawAddress(zip=zip_code))
        zip5s.append(std.zip5 or None)
        zip4s.append(std.zip4 or None)
    return pa.table({"zip5": pa.array(zip5s, pa.string()), "zip4": pa.array(zip4s, pa.string())})


_NAME_LISTS = {"given_names", "given_classes", "surname_keys", "surname_phonetic", "name_tokens"}


def name_table(raw: pa.Table) -> pa.Table:
    """First, middle, last, suffix → the name feature columns and a canonical ``name_key``."""
    columns = (*NAME_COLUMNS, "name_tokens")
    out: dict[str, list[Any]] = {c: [] for c in (*columns, "name_key")}
    for row in _rows(raw):
        features = name_features(standardise_name(*row))
        for column in columns:
            out[column].append(features[column])
        out["name_key"].append(
            "|".join(
                ",".join(features[c]) if c in _NAME_LISTS else (features[c] or "") for c in columns
            )
        )
    return pa.table(
        {
            c: pa.array(v, pa.list_(pa.string()) if c in _NAME_LISTS else pa.string())
            for c, v in out.items()
        }
    )


def _without_gc(func: Callable[[pa.Table], pa.Table], chunk: pa.Table) -> pa.Table:
    """Run ``func`` with Python's cyclic garbage collector paused.

    Standardising allocates millions of small acyclic objects; the collector's passes over
    them cost about as much as the work itself, and reclaim nothing.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        return func(chunk)
    finally:
        if enabled:
            gc.enable()


def standardise_distinct(
    func: Callable[[pa.Table], pa.Table],
    raw: pa.Table,
    *,
    workers: int,
    label: str,
    progress: Progress | None = None,
) -> pa.Table:
    """Apply ``func`` to slices of ``raw`` on ``workers`` processes; concatenate in order.

    Slices travel to the workers as Arrow (cheap to pickle) and results come back as Arrow;
    the parent never holds the distinct values as Python objects.
    """
    chunks = [raw.slice(i, _CHUNK) for i in range(0, raw.num_rows, _CHUNK)]
    tables: list[pa.Table] = []
    done = 0

    def collect(table: pa.Table) -> None:
        nonlocal done
        tables.append(table)
        done += table.num_rows
        if progress:
            progress(label, done, raw.num_rows)

    if workers <= 1 or len(chunks) <= 1:
        for chunk in chunks:
            collect(_without_gc(func, chunk))
    else:
        with ProcessPoolExecutor(max_workers=workers) as pool:
            for table in pool.map(_without_gc, [func] * len(chunks), chunks):
                collect(table)
    if not tables:
        return func(raw.slice(0, 0))
    return pa.concat_tables(tables)
