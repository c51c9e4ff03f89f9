"""Write the world's files deterministically: fixed row order, fixed compression, no clocks.

Parquet files carry no timestamps; the only metadata is the Arrow schema and the writer's
version string, so two runs with the same arguments give the same bytes.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Sequence
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from taxgate.errors import InputError
from taxgate.synth.contract import LINE_ADDRESS_COLUMN, REQUEST_COLUMNS, SPLIT_ADDRESS_COLUMNS
from taxgate.synth.truth import TruthRow

NAME_COLUMNS = ("first_name", "middle_name", "last_name", "suffix")
SPLIT_COLUMNS = SPLIT_ADDRESS_COLUMNS


def request_columns(address_style: str) -> tuple[str, ...]:
    """Columns of ``requests.csv`` for ``split`` or ``line`` addresses (data contract §2)."""
    unused = {LINE_ADDRESS_COLUMN} if address_style == "split" else set(SPLIT_ADDRESS_COLUMNS)
    return tuple(c for c in REQUEST_COLUMNS if c not in unused)


_COMPRESSION = "zstd"
_COMPRESSION_LEVEL = 3
_ROW_GROUP = 1 << 20

TRUTH_SCHEMA = pa.schema(
    [
        ("request_id", pa.string()),
        ("category", pa.string()),
        ("valid", pa.bool_()),
        ("expected_code_prefixes", pa.string()),
        ("true_tin", pa.string()),
        ("address_in_history", pa.bool_()),
        ("distinguishable", pa.bool_()),
        ("expected_outcome", pa.string()),
        ("expected_street", pa.string()),
        ("expected_unit", pa.string()),
        ("expected_city", pa.string()),
        ("expected_state", pa.string()),
        ("expected_zip", pa.string()),
        ("expected_as_of", pa.string()),
        ("true_address_keys", pa.list_(pa.string())),
        ("as_of", pa.string()),
        ("lka_filing_effective", pa.string()),
        ("variations", pa.string()),
        ("variation", pa.string()),
    ]
)
"""Columns of ``truth.parquet`` (``docs/synth.md`` explains each)."""


def write_parquet(table: pa.Table, path: Path) -> None:
    """Write ``table`` to ``path`` with the fixed, reproducible settings."""
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        pq.write_table(
            table.replace_schema_metadata(None),
            path,
            compression=_COMPRESSION,
            compression_level=_COMPRESSION_LEVEL,
            row_group_size=_ROW_GROUP,
            write_statistics=True,
        )
    except OSError as e:
        raise InputError(f"cannot write {path}: {e}", path=path) from e


def truth_table(rows: Sequence[TruthRow]) -> pa.Table:
    """The truth rows as an Arrow table of :data:`TRUTH_SCHEMA`."""
    columns = {name: [getattr(r, name) for r in rows] for name in TRUTH_SCHEMA.names}
    return pa.table(columns, schema=TRUTH_SCHEMA)


def write_csv(path: Path, header: Sequence[str], rows: Iterable[dict[str, str]]) -> None:
    """Write a UTF-8 CSV with ``\\n`` line ends and minimal quoting."""
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        with path.open("w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle, lineterminator="\n")
            writer.writerow(header)
            for row in rows:
                writer.writerow([row.get(column, "") for column in header])
    except OSError as e:
        raise InputError(f"cannot write {path}: {e}", path=path) from e
