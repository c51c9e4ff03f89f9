"""``taxgate master load``: import, validate and standardise the master file, once.

The load derives everything matching needs, once: standardised names and addresses (the same
standardisers as screening, one code path), the matching records (taxpayer × name form ×
delivery point), and the filings with their dates for the last-known-address rule. It is
idempotent (the same files again change nothing) and versioned (a newer snapshot is recorded
as a new version). The whole load is one transaction: it completes or leaves no trace.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pyarrow as pa

from taxgate.errors import InputError
from taxgate.intake.readers import read_table
from taxgate.master import schema
from taxgate.master.points import assign_points
from taxgate.master.validate import FILING_CHECKS, TAXPAYER_CHECKS, problems_sql
from taxgate.matching.features import address_features, name_features
from taxgate.standardise.address_parts import RawAddress
from taxgate.standardise.addresses import standardise_address
from taxgate.standardise.names import standardise_name
from taxgate.store import Store

Progress = Callable[[str, int, int], None]

TAXPAYER_COLUMNS = ("tin", "tin_type", "date_of_birth")
FILING_COLUMNS = (
    "tin",
    "doc_type",
    "tax_year",
    "received_date",
    "first_name",
    "middle_name",
    "last_name",
    "suffix",
    "street",
    "unit",
    "city",
    "state",
    "zip",
)
_CHUNK = 50_000


@dataclass(frozen=True)
class MasterLoadReport:
    """What a load did. Problems are (table, row, field, problem); never taxpayer values."""

    version: int
    unchanged: bool
    taxpayers: int
    filings: int
    records: int
    names: int
    addresses: int
    rejected_rows: int
    problems: tuple[tuple[str, int, str, str], ...]
    warnings: tuple[str, ...]


def _find(master_dir: Path, stem: str) -> Path:
    for ext in (".parquet", ".csv", ".jsonl"):
        candidate = master_dir / f"{stem}{ext}"
        if candidate.is_file():
            return candidate
    raise InputError(
        f"no {stem} table in {master_dir}",
        path=master_dir,
        hint=f"the master directory needs {stem}.parquet, {stem}.csv or {stem}.jsonl",
    )


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _standardise_names(rows: list[tuple[str | None, ...]]) -> list[dict[str, Any]]:
    return [name_features(standardise_name(*row)) for row in rows]


def _standardise_addresses(rows: list[tuple[str | None, ...]]) -> list[dict[str, Any]]:
    out = []
    for street, unit, city, state, zip_code in rows:
        std = standardise_address(
            RawAddress(street=street, unit=unit, city=city, state=state, zip=zip_code)
        )
        out.append(
            {
                **address_features(std),
                "delivery_key": std.delivery_key(),
                "usps_street": std.street_line() or None,
                "usps_unit": std.unit_line() or None,
                "usps_city": std.city or None,
                "usps_state": std.state or None,
                "usps_zip": std.zip_code() or None,
            }
        )
    return out


def _map_chunks(
    func: Callable[[list[tuple[str | None, ...]]], list[dict[str, Any]]],
    rows: Sequence[tuple[str | None, ...]],
    *,
    workers: int,
    label: str,
    progress: Progress | None,
) -> list[dict[str, Any]]:
    """Apply ``func`` to chunks of ``rows`` on ``workers`` processes, keeping order."""
    chunks = [list(rows[i : i + _CHUNK]) for i in range(0, len(rows), _CHUNK)]
    out: list[dict[str, Any]] = []
    if workers <= 1 or len(chunks) <= 1:
        for chunk in chunks:
            out.extend(func(chunk))
            if progress:
                progress(label, len(out), len(rows))
        return out
    with ProcessPoolExecutor(max_workers=workers) as pool:
        for result in pool.map(func, chunks):
            out.extend(result)
            if progress:
                progress(label, len(out), len(rows))
    return out


def _dedupe_ids(features: list[dict[str, Any]]) -> tuple[list[int], list[dict[str, Any]]]:
    """Map each raw row to the id of its standardised form; return the distinct forms."""
    ids: list[int] = []
    distinct: list[dict[str, Any]] = []
    seen: dict[str, int] = {}
    for feature in features:
        key = json.dumps(feature, sort_keys=True)
        found = seen.get(key)
        if found is None:
            found = len(distinct) + 1
            seen[key] = found
            distinct.append(feature)
        ids.append(found)
    return ids, distinct


def _stage(store: Store, name: str, table: pa.Table, columns: Sequence[str]) -> None:
    present = set(table.column_names)
    arrays = [
        table.column(c) if c in present else pa.nulls(table.num_rows, pa.string()) for c in columns
    ]
    staged = pa.Table.from_arrays(arrays, names=list(columns))
    staged = staged.append_column("row", pa.array(range(1, table.num_rows + 1), pa.int64()))
    store.register(name, staged)


def load_master(
    store: Store,
    master_dir: Path,
    *,
    workers: int = 2,
    progress: Progress | None = None,
    now: datetime | None = None,
) -> MasterLoadReport:
    """Load ``master_dir`` (``taxpayers`` + ``filings``) into the workspace store."""
    taxpayers_path = _find(master_dir, "taxpayers")
    filings_path = _find(master_dir, "filings")
    hashes = (file_sha256(taxpayers_path), file_sha256(filings_path))
    store.execute(schema.snapshots_ddl_sql())
    latest = store.fetchone(
        "SELECT version, taxpayers_sha256, filings_sha256 FROM master_snapshots "
        "ORDER BY version DESC LIMIT 1"
    )
    if latest is not None and (latest[1], latest[2]) == hashes:
        return _unchanged_report(store, int(latest[0]))

    taxpayers = read_table(taxpayers_path)
    filings = read_table(filings_path)
    warnings = [
        f"{path.name}: extra column {c!r} ignored"
        for path, table, cols in (
            (taxpayers_path, taxpayers, TAXPAYER_COLUMNS),
            (filings_path, filings, FILING_COLUMNS),
        )
        for c in table.column_names
        if c not in cols
    ]
    for path, table, required in (
        (taxpayers_path, taxpayers, ("tin", "tin_type")),
        (filings_path, filings, ("tin", "doc_type", "received_date")),
    ):
        missing = [c for c in required if c not in table.column_names]
        if missing:
            raise InputError(
                f"required columns missing: {', '.join(missing)}",
                path=path,
                hint="see the data contract §1 for the master file columns",
            )
    _stage(store, "stage_taxpayers", taxpayers, TAXPAYER_COLUMNS)
    _stage(store, "stage_filings", filings, FILING_COLUMNS)
    version = 1 if latest is None else int(latest[0]) + 1
    with store.transaction():
        store.execute(schema.master_ddl_sql())
        problems = _validate(store)
        names, addresses = _standardise(store, workers=workers, progress=progress)
        store.insert_arrow("master_names", names)
        store.insert_arrow("master_addresses", addresses)
        _insert_core(store)
        assign_points(store)
        store.execute(schema.master_records_sql())
        counts = {
            t: int((store.fetchone(f"SELECT count(*) FROM {t}") or (0,))[0])
            for t in ("taxpayers", "filings", "master_records")
        }
        rejected = len({(p[0], p[1]) for p in problems})
        store.execute(
            "INSERT INTO master_snapshots VALUES (?, ?, ?, ?, ?, ?, ?)",
            [
                version,
                (now or datetime.now(UTC)).isoformat(),
                hashes[0],
                hashes[1],
                counts["taxpayers"],
                counts["filings"],
                rejected,
            ],
        )
        if problems:
            store.insert_arrow(
                "master_problems",
                pa.table(
                    {
                        "version": pa.array([version] * len(problems), pa.int32()),
                        "table_name": [p[0] for p in problems],
                        "row_number": pa.array([p[1] for p in problems], pa.int64()),
                        "field": [p[2] for p in problems],
                        "problem": [p[3] for p in problems],
                    }
                ),
            )
    for staged in ("stage_taxpayers", "stage_filings", "raw_name_ids", "raw_address_ids"):
        store.unregister(staged)
    return MasterLoadReport(
        version=version,
        unchanged=False,
        taxpayers=counts["taxpayers"],
        filings=counts["filings"],
        records=counts["master_records"],
        names=names.num_rows,
        addresses=addresses.num_rows,
        rejected_rows=rejected,
        problems=tuple(problems),
        warnings=tuple(warnings),
    )


def _validate(store: Store) -> list[tuple[str, int, str, str]]:
    """Find bad rows; create ``good_taxpayers`` and ``good_filings`` temp tables."""
    store.execute(
        "CREATE OR REPLACE TEMP TABLE tp_problems AS "
        + problems_sql("stage_taxpayers", TAXPAYER_CHECKS)
    )
    store.execute(
        "CREATE OR REPLACE TEMP TABLE good_taxpayers AS SELECT * FROM stage_taxpayers "
        "WHERE row NOT IN (SELECT row FROM tp_problems)"
    )
    store.execute(
        "CREATE OR REPLACE TEMP TABLE f_problems AS " + problems_sql("stage_filings", FILING_CHECKS)
    )
    store.execute(
        "CREATE OR REPLACE TEMP TABLE good_filings AS SELECT * FROM stage_filings "
        "WHERE row NOT IN (SELECT row FROM f_problems)"
    )
    rows = store.fetchall(
        "SELECT 'taxpayers', row, field, problem FROM tp_problems UNION ALL "
        "SELECT 'filings', row, field, problem FROM f_problems ORDER BY 1 DESC, 2, 3"
    )
    return [(str(t), int(r), str(f), str(p)) for t, r, f, p in rows]


def _standardise(
    store: Store, *, workers: int, progress: Progress | None
) -> tuple[pa.Table, pa.Table]:
    """Standardise each distinct raw name and address once; register raw→id maps."""
    raw_names = store.fetchall(
        "SELECT DISTINCT first_name, middle_name, last_name, suffix FROM good_filings "
        "ORDER BY ALL NULLS FIRST"
    )
    name_feats = _map_chunks(
        _standardise_names, raw_names, workers=workers, label="names", progress=progress
    )
    raw_addresses = store.fetchall(
        "SELECT DISTINCT street, unit, city, state, zip FROM good_filings ORDER BY ALL NULLS FIRST"
    )
    address_feats = _map_chunks(
        _standardise_addresses, raw_addresses, workers=workers, label="addresses", progress=progress
    )
    name_ids, distinct_names = _dedupe_ids(name_feats)
    address_ids, distinct_addresses = _dedupe_ids(address_feats)
    store.register("raw_name_ids", _raw_map(raw_names, FILING_COLUMNS[4:8], name_ids, "name_id"))
    store.register(
        "raw_address_ids", _raw_map(raw_addresses, FILING_COLUMNS[8:], address_ids, "address_id")
    )
    names = pa.Table.from_pylist(distinct_names)
    names = names.add_column(0, "name_id", pa.array(range(1, len(distinct_names) + 1), pa.int64()))
    addresses = pa.Table.from_pylist(distinct_addresses)
    addresses = addresses.add_column(
        0, "address_id", pa.array(range(1, len(distinct_addresses) + 1), pa.int64())
    )
    return names, addresses


def _raw_map(
    rows: list[tuple[Any, ...]], columns: Sequence[str], ids: list[int], id_name: str
) -> pa.Table:
    data: dict[str, Any] = {
        c: pa.array([r[i] for r in rows], pa.string()) for i, c in enumerate(columns)
    }
    data[id_name] = pa.array(ids, pa.int64())
    return pa.table(data)


def _insert_core(store: Store) -> None:
    store.execute(
        "INSERT INTO taxpayers SELECT tin, tin_type, TRY_CAST(date_of_birth AS DATE) "
        "FROM good_taxpayers ORDER BY tin"
    )
    store.execute(
        """
        INSERT INTO filings
        SELECT f.row, f.tin, f.doc_type, f.tax_year, CAST(f.received_date AS DATE),
               n.name_id, a.address_id, NULL
        FROM good_filings AS f
        JOIN raw_name_ids AS n
          ON n.first_name IS NOT DISTINCT FROM f.first_name
         AND n.middle_name IS NOT DISTINCT FROM f.middle_name
         AND n.last_name IS NOT DISTINCT FROM f.last_name
         AND n.suffix IS NOT DISTINCT FROM f.suffix
        JOIN raw_address_ids AS a
          ON a.street IS NOT DISTINCT FROM f.street
         AND a.unit IS NOT DISTINCT FROM f.unit
         AND a.city IS NOT DISTINCT FROM f.city
         AND a.state IS NOT DISTINCT FROM f.state
         AND a.zip IS NOT DISTINCT FROM f.zip
        ORDER BY f.row
        """
    )


def _unchanged_report(store: Store, version: int) -> MasterLoadReport:
    def count(table: str) -> int:
        return int((store.fetchone(f"SELECT count(*) FROM {table}") or (0,))[0])

    return MasterLoadReport(
        version=version,
        unchanged=True,
        taxpayers=count("taxpayers"),
        filings=count("filings"),
        records=count("master_records"),
        names=count("master_names"),
        addresses=count("master_addresses"),
        rejected_rows=0,
        problems=(),
        warnings=(),
    )
