"""Parquet, with every wanted column cast to text (only lossless casts are allowed)."""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from taxgate.intake.tables import (
    Columns,
    Data,
    IntakeFileError,
    IntakeSchemaError,
    RawTable,
    unique_names,
    wanted,
)
from taxgate.screening.codes import ReasonCode

_TEXT_TYPES = (pa.types.is_string, pa.types.is_large_string, pa.types.is_string_view)


def read_parquet(data: Data, source: Path, columns: Columns) -> RawTable:
    """Read Parquet ``data`` with every wanted column as utf8.

    Text, binary holding UTF-8, dates (written ISO) and all-null columns are accepted.
    Numbers are refused: a TIN or ZIP stored as a number has already lost its leading zeros.

    Raises:
        IntakeFileError: ``SCHEMA_UNREADABLE``: not Parquet, or a value is not UTF-8.
        IntakeSchemaError: ``SCHEMA_COLUMNS``: a repeated name or a non-text column.
    """
    try:
        parquet = pq.ParquetFile(pa.BufferReader(data))
        raw_names = parquet.schema_arrow.names
        names = unique_names(raw_names, source)
        kept = [raw for raw, name in zip(raw_names, names, strict=True) if wanted(name, columns)]
        table = parquet.read(columns=kept)
    except pa.ArrowException as e:
        raise IntakeFileError(
            ReasonCode.SCHEMA_UNREADABLE,
            f"not a readable Parquet file: {e}",
            path=source,
            hint="write the file with a Parquet writer (pyarrow, DuckDB, Spark)",
        ) from None
    stripped = [raw.strip() for raw in kept]
    text = [_as_text(table.column(i), name, source) for i, name in enumerate(stripped)]
    return RawTable(
        pa.table(text, names=stripped),
        tuple(name for name in names if not wanted(name, columns)),
    )


def _as_text(column: pa.ChunkedArray, name: str, source: Path) -> pa.ChunkedArray:
    kind = column.type.value_type if pa.types.is_dictionary(column.type) else column.type
    is_text = any(test(kind) for test in _TEXT_TYPES)
    lossless = is_text or pa.types.is_date(kind) or pa.types.is_null(kind)
    if not (lossless or pa.types.is_binary(kind) or pa.types.is_large_binary(kind)):
        raise IntakeSchemaError(
            ReasonCode.SCHEMA_COLUMNS,
            f"the column has type {column.type}; every value must be text",
            path=source,
            field=name,
            hint="write the column as a Parquet string column so leading zeros survive",
        )
    try:
        if is_text:
            # Parquet readers do not check UTF-8 on their own; a full validation does.
            column.validate(full=True)
        return pc.cast(column, pa.string())
    except pa.ArrowException:
        raise IntakeFileError(
            ReasonCode.SCHEMA_UNREADABLE,
            "this value is not valid UTF-8 text",
            path=source,
            row=_first_bad_row(column),
            field=name,
            hint="write the Parquet file from UTF-8 text",
        ) from None


def _first_bad_row(column: pa.ChunkedArray) -> int | None:
    """Slow path: the 1-based row of the first value that is not UTF-8."""
    for row, value in enumerate(column.cast(pa.large_binary()).to_pylist(), start=1):
        if isinstance(value, bytes):
            try:
                value.decode("utf-8")
            except UnicodeDecodeError:
                return row
    return None
