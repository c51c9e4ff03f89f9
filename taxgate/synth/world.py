"""Generate a synthetic world: master file, request batch and truth (``taxgate synth``).

Output (data contract §1–§2)::

    OUT/master/taxpayers.parquet   tin, tin_type, date_of_birth
    OUT/master/filings.parquet     tin, doc_type, tax_year, received_date, names, address
    OUT/requests.csv               one request per row (split or one-line address)
    OUT/truth.parquet              what a lawful, careful system should answer (docs/synth.md)

Same arguments, same bytes: every random draw comes from ``numpy.random.PCG64`` streams
spawned from the seed, nothing depends on the clock or the machine.
"""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from taxgate.errors import ConfigError
from taxgate.synth import geography, history, population, render_master
from taxgate.synth.noise import NoiseModel
from taxgate.synth.noise import noise_model as make_noise_model
from taxgate.synth.requests import Made, RequestBuilder
from taxgate.synth.spec import DEFAULT_REQUEST_DATE, WorldSpec, category_counts
from taxgate.synth.truth import MasterIndex
from taxgate.synth.variants import WrittenAddress
from taxgate.synth.writer import request_columns, truth_table, write_csv, write_parquet

ProgressCallback = Callable[[str, float], None]
"""Called with a stage name and the share of the whole job done (0..1)."""

ADDRESS_STYLES = ("split", "line")
_DUPLICATE_SOURCES = ("current_address", "older_address")


@dataclass(frozen=True)
class WorldSummary:
    """What was written."""

    out: Path
    taxpayers: int
    filings: int
    requests: int
    categories: dict[str, int]


def generate_world(
    out: Path,
    *,
    taxpayers: int,
    requests: int,
    seed: int,
    spec: WorldSpec | None = None,
    address_style: str = "split",
    request_date: date = DEFAULT_REQUEST_DATE,
    progress: ProgressCallback | None = None,
    noise: str = "default",
) -> WorldSummary:
    """Generate and write a world to ``out`` (the files of ``docs/synth.md``).

    Args:
        out: Folder to write to (created; existing files are overwritten).
        taxpayers: Taxpayers in the master file (at least 100).
        requests: Requests in the batch (at most one per two taxpayers).
        seed: Random seed; the same arguments always give the same bytes.
        spec: Every rate of the world; defaults to ``WorldSpec()``.
        address_style: ``split`` (street, unit, city, state, zip) or ``line`` (``address``).
        request_date: The day of the request; the master is a snapshot of that day.
        progress: Called with a stage name and the share done, for a progress display.
        noise: The request side's noise model, ``default`` or ``alt`` (``synth/noise.py``).

    Returns:
        What was written: sizes and the count of requests per category.

    Raises:
        ConfigError: The sizes, the address style or the noise model are not possible.
        InputError: A file cannot be written.

    Example:
        >>> generate_world(Path("w"), taxpayers=2000, requests=300, seed=1)  # doctest: +SKIP
    """
    spec = spec or WorldSpec()
    noise_model = make_noise_model(noise)
    if address_style not in ADDRESS_STYLES:
        raise ConfigError(f"address style {address_style!r} is not one of {ADDRESS_STYLES}")
    if taxpayers < 100 or requests < 1 or requests > taxpayers // 2:
        raise ConfigError(
            f"cannot build {requests} requests over {taxpayers} taxpayers",
            hint="use at least 100 taxpayers and at most one request per 2 taxpayers",
        )
    report = progress or (lambda stage, done: None)
    streams = [
        np.random.Generator(np.random.PCG64(s)) for s in np.random.SeedSequence(seed).spawn(8)
    ]
    request_day = population.day_number(request_date)

    report("population", 0.0)
    pop = population.build_population(streams[0], spec, taxpayers, request_day)
    moves, rows_household = history.plan_moves(streams[1], spec, len(pop.hh_size), request_date)
    report("geography", 0.08)
    n_dp = int(np.ceil(len(rows_household) * spec.delivery_points_per_use))
    geo = geography.build_geography(streams[2], spec, n_dp)
    report("history", 0.18)
    dps = streams[1].permutation(geo.n_dp)[: len(rows_household)].astype(np.int64)
    timeline = history.build_timeline(streams[1], spec, moves, rows_household, dps, request_date)
    filings = history.build_filings(streams[3], spec, pop, timeline, request_date)
    lka = history.last_known(filings, pop.n, request_date)
    report("filings", 0.30)
    filings_table, written = render_master.filings_table(streams[4], spec, pop, geo, filings)
    report("requests", 0.62)
    index = MasterIndex.build(pop, geo, filings, lka, written)
    made = _build_requests(index, spec, streams[5], request_date, requests, noise_model)
    report("writing", 0.80)
    write_parquet(_taxpayers_table(pop), out / "master" / "taxpayers.parquet")
    write_parquet(filings_table, out / "master" / "filings.parquet")
    write_csv(out / "requests.csv", request_columns(address_style), _rows(made, address_style))
    write_parquet(truth_table([m.truth for m in made]), out / "truth.parquet")
    report("done", 1.0)
    return WorldSummary(
        out=out,
        taxpayers=pop.n,
        filings=filings_table.num_rows,
        requests=len(made),
        categories=dict(sorted(Counter(m.truth.category for m in made).items())),
    )


def _taxpayers_table(pop: population.Population) -> pa.Table:
    tins = pc.utf8_lpad(pc.cast(pa.array(pop.tin), pa.string()), 9, "0")
    dob = pc.cast(pc.cast(pa.array(pop.dob.astype(np.int32)), pa.date32()), pa.string())
    dob = pc.if_else(pa.array(pop.dob_known), dob, pa.nulls(pop.n, pa.string()))
    tin_type = pc.if_else(pa.array(pop.itin), "ITIN", "SSN")
    return pa.table({"tin": tins, "tin_type": tin_type, "date_of_birth": dob})


def _build_requests(
    index: MasterIndex,
    spec: WorldSpec,
    rng: np.random.Generator,
    request_date: date,
    n_requests: int,
    noise: NoiseModel,
) -> list[Made]:
    builder = RequestBuilder(index, spec, rng, request_date, n_requests, noise)
    rnd = random.Random(int(rng.integers(0, 2**63)))
    counts = category_counts(spec, n_requests)
    slots = [c for c, k in counts.items() if c != "duplicate" for _ in range(k)]
    rnd.shuffle(slots)
    main: list[Made] = []
    for category in slots:
        made = builder.build(category) or builder.build("current_address")
        if made is None:
            raise ConfigError(
                "the world has too few taxpayers for this many requests",
                hint="raise --taxpayers or lower --requests",
            )
        main.append(made)
    sources = [i for i, m in enumerate(main) if m.truth.category in _DUPLICATE_SOURCES]
    originals = sorted(rnd.sample(sources, min(counts["duplicate"], len(sources))))
    keyed = [(float(i), m) for i, m in enumerate(main)]
    for i in originals:
        later = i + 0.5 + rnd.random() * (len(main) - i - 0.5)
        keyed.append((later, builder.duplicate(main[i])))
    keyed.sort(key=lambda pair: pair[0])
    ordered = [m for _, m in keyed]
    width = max(7, len(str(len(ordered))))
    for number, made in enumerate(ordered, start=1):
        request_id = f"R{number:0{width}d}"
        made.row["request_id"] = request_id
        made.truth.request_id = request_id
    return ordered


def _rows(made: list[Made], address_style: str) -> list[dict[str, str]]:
    if address_style == "split":
        return [m.row for m in made]
    rows = []
    for m in made:
        row = dict(m.row)
        parts = (row.pop(c) for c in ("street", "unit", "city", "state", "zip"))
        row["address"] = WrittenAddress(*parts).line()
        rows.append(row)
    return rows


__all__ = ["ADDRESS_STYLES", "ProgressCallback", "WorldSummary", "generate_world"]
