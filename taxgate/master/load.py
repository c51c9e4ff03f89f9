"""``taxgate master load``: import, validate and standardise the master file, once.

The load derives everything matching needs, once: standardised names and addresses (the same
standardisers as screening, one code path), the matching records (taxpayer × name form ×
delivery point), and the filings with their dates for the last-known-address rule. It is
idempotent (the same files again change nothing) and versioned (a newer snapshot is recorded
as a new version). The whole load is one transaction: it completes or leaves no trace.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import pyarrow as pa

from taxgate.errors import InputError
from taxgate.intake.readers import read_table
from taxgate.master import schema
from taxgate.master import standardise_columns as cols
from taxgate.master.points import assign_points
from taxgate.master.validate import FILING_CHECKS, TAXPAYER_CHECKS, problems_sql
from taxgate.matching.blocking import record_features_sql
from taxgate.matching.features import NAME_COLUMNS
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
_STD_VIEWS = ("std_streets", "std_localities", "std_zips", "std_names")


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
    timings: dict[str, float] = field(default_factory=dict)


def _find(master_dir: Path, stem: str) -> Path:
    if not master_dir.is_dir():
        state = "is a file, not a folder" if master_dir.exists() else "does not exist"
        raise InputError(
            f"the master folder {master_dir} {state}",
            hint="name the folder holding taxpayers and filings tables (docs/data-contract.md §3)",
        )
    for ext in (".parquet", ".csv", ".jsonl"):
        candidate = master_dir / f"{stem}{ext}"
        if candidate.is_file():
            return candidate
    raise InputError(
        f"no {stem} table in {master_dir}",
        path=master_dir,
        hint=f"the master folder needs {stem}.parquet, {stem}.csv or {stem}.jsonl "
        "(docs/data-contract.md §3)",
    )


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


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
    warnings = _stage_files(store, taxpayers_path, filings_path)
    version = 1 if latest is None else int(latest[0]) + 1
    clock = _StageClock()
    with store.transaction():
        store.execute(schema.master_ddl_sql())
        problems = _validate(store)
        _release(store, ("stage_taxpayers", "stage_filings"))
        clock.lap("validate")
        _standardise(store, workers=workers, progress=progress)
        clock.lap("standardise")
        name_count, address_count = _insert_core(store)
        _release(store, _STD_VIEWS)
        clock.lap("tables")
        assign_points(store)
        clock.lap("delivery points")
        store.execute(schema.master_records_sql())
        store.execute(record_features_sql())
        clock.lap("records")
        counts = _record_snapshot(store, version, hashes, problems, now=now)
    _release(store, ("stage_taxpayers", "stage_filings", *_STD_VIEWS))
    return MasterLoadReport(
        version=version,
        unchanged=False,
        taxpayers=counts["taxpayers"],
        filings=counts["filings"],
        records=counts["master_records"],
        names=name_count,
        addresses=address_count,
        rejected_rows=len({(p[0], p[1]) for p in problems}),
        problems=tuple(problems),
        warnings=tuple(warnings),
        timings=clock.timings,
    )


def _stage_files(store: Store, taxpayers_path: Path, filings_path: Path) -> list[str]:
    """Read both files into the store's staging tables; returns warnings (extra columns).

    Raises:
        InputError: a required column is missing.
    """
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
    return warnings  # the store holds the staged tables; see _release


def _record_snapshot(
    store: Store,
    version: int,
    hashes: tuple[str, str],
    problems: list[tuple[str, int, str, str]],
    *,
    now: datetime | None,
) -> dict[str, int]:
    """Record the snapshot and its rejected rows; returns the loaded tables' row counts."""
    counts = {
        t: int((store.fetchone(f"SELECT count(*) FROM {t}") or (0,))[0])
        for t in ("taxpayers", "filings", "master_records")
    }
    store.execute(
        "INSERT INTO master_snapshots VALUES (?, ?, ?, ?, ?, ?, ?)",
        [
            version,
            (now or datetime.now(UTC)).isoformat(),
            hashes[0],
            hashes[1],
            counts["taxpayers"],
            counts["filings"],
            len({(p[0], p[1]) for p in problems}),
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
    return counts


def _release(store: Store, views: Sequence[str]) -> None:
    """Unregister Arrow views that the store has copied, and give their memory back.

    The staged master (about 1.5 GB of Arrow at 6.7 million filings) and the standardised
    value maps are copied into DuckDB tables early; holding them to the end would add their
    size to DuckDB's own working memory at the load's peak.
    """
    for view in views:
        store.unregister(view)
    pa.default_memory_pool().release_unused()


class _StageClock:
    def __init__(self) -> None:
        self.timings: dict[str, float] = {}
        self._last = time.perf_counter()

    def lap(self, stage: str) -> None:
        now = time.perf_counter()
        self.timings[stage] = round(now - self._last, 2)
        self._last = now


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


# Case and runs of spaces never change a standardised value (both standardisers upper-case
# and fold spaces first), so distinct values are taken after folding them: fewer to standardise.
def _folded(column: str) -> str:
    return f"upper(trim(regexp_replace({column}, '\\s+', ' ', 'g')))"


_STD_JOBS = (
    ("std_streets", ("street", "unit", "located"), cols.street_table, "delivery lines"),
    ("std_localities", ("city", "state"), cols.locality_table, "localities"),
    ("std_zips", ("zip",), cols.zip_table, "zip codes"),
    ("std_names", ("first_name", "middle_name", "last_name", "suffix"), cols.name_table, "names"),
)


def _standardise(store: Store, *, workers: int, progress: Progress | None) -> None:
    """Standardise each distinct (folded) value once and register the raw → standard maps."""
    folded = ", ".join(f"{_folded(c)} AS {c}" for c in FILING_COLUMNS[4:])
    store.execute(
        f"CREATE OR REPLACE TEMP VIEW folded_filings AS SELECT * REPLACE ({folded}), "
        "(city IS NOT NULL OR state IS NOT NULL OR zip IS NOT NULL) AS located "
        "FROM good_filings"
    )
    for view, names, func, label in _STD_JOBS:
        select = ", ".join(names)
        raw = store.arrow(f"SELECT DISTINCT {select} FROM folded_filings ORDER BY ALL NULLS FIRST")
        std = cols.standardise_distinct(func, raw, workers=workers, label=label, progress=progress)
        for name in names:
            std = std.append_column(name, raw.column(name))
        store.register(view, std)


def _eq(left: str, right: str, columns: Sequence[str]) -> str:
    return " AND ".join(f"{left}.{c} IS NOT DISTINCT FROM {right}.{c}" for c in columns)


def _insert_core(store: Store) -> tuple[int, int]:
    """Fill taxpayers, master_names, master_addresses and filings from the staged data."""
    store.execute(
        "INSERT INTO taxpayers SELECT tin, tin_type, TRY_CAST(date_of_birth AS DATE) "
        "FROM good_taxpayers"
    )
    name_cols = ("first_name", "middle_name", "last_name", "suffix")
    store.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE filing_std AS
        SELECT f.row, f.tin, f.doc_type, f.tax_year, CAST(f.received_date AS DATE) AS received_date,
               s.address_kind, s.house_key, s.street_name, s.street_key, s.unit_number,
               s.delivery_line, s.usps_street, s.usps_unit,
               l.std_city AS city, l.std_state AS state, z.zip5, z.zip4, n.name_key,
               concat_ws('|', s.address_kind, s.delivery_line, s.usps_street, s.usps_unit,
                         l.std_city, l.std_state, z.zip5, z.zip4) AS form_key
        FROM folded_filings AS f
        JOIN std_streets AS s ON {_eq("s", "f", ("street", "unit", "located"))}
        JOIN std_localities AS l ON {_eq("l", "f", ("city", "state"))}
        JOIN std_zips AS z ON {_eq("z", "f", ("zip",))}
        JOIN std_names AS n ON {_eq("n", "f", name_cols)}
        """
    )
    store.execute(
        """
        INSERT INTO master_addresses
        SELECT row_number() OVER (ORDER BY form_key) AS address_id, address_kind, house_key,
               street_name, street_key, unit_number, zip5, city, state,
               concat(delivery_line, '|', coalesce(zip5, '')) AS delivery_key,
               usps_street, usps_unit, city, state,
               CASE WHEN zip4 IS NULL THEN zip5 ELSE zip5 || '-' || zip4 END
        FROM (SELECT DISTINCT ON (form_key) * FROM filing_std ORDER BY form_key)
        """
    )
    name_features = ", ".join((*NAME_COLUMNS, "name_tokens"))
    store.execute(
        f"""
        INSERT INTO master_names
        SELECT row_number() OVER (ORDER BY name_key) AS name_id, {name_features}
        FROM (SELECT DISTINCT ON (name_key) * FROM std_names ORDER BY name_key)
        """
    )
    store.execute(
        """
        CREATE OR REPLACE TEMP TABLE form_ids AS
        SELECT row_number() OVER (ORDER BY form_key) AS address_id, form_key
        FROM (SELECT DISTINCT form_key FROM filing_std)
        """
    )
    store.execute(
        """
        CREATE OR REPLACE TEMP TABLE name_ids AS
        SELECT row_number() OVER (ORDER BY name_key) AS name_id, name_key
        FROM (SELECT DISTINCT name_key FROM std_names)
        """
    )
    store.execute(
        """
        INSERT INTO filings
        SELECT f.row, f.tin, f.doc_type, f.tax_year, f.received_date, n.name_id, a.address_id,
               a.address_id
        FROM filing_std AS f
        JOIN form_ids AS a USING (form_key)
        JOIN name_ids AS n USING (name_key)
        """
    )
    names = store.fetchone("SELECT count(*) FROM master_names")
    addresses = store.fetchone("SELECT count(*) FROM master_addresses")
    for table in ("filing_std", "form_ids", "name_ids"):
        store.execute(f"DROP TABLE IF EXISTS {table}")
    return int(names[0]) if names else 0, int(addresses[0]) if addresses else 0


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
