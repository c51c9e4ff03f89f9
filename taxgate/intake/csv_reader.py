"""CSV with a header row, every column read as text by pyarrow (nothing inferred)."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import pyarrow as pa
import pyarrow.csv as pa_csv

from taxgate.intake.tables import (
    Columns,
    Data,
    IntakeFileError,
    RawTable,
    has_undecodable_bytes,
    surrogate_text,
    unique_names,
    wanted,
)
from taxgate.screening.codes import ReasonCode

# Quoted values may hold line breaks (a one-line address exported from a spreadsheet).
_PARSE = pa_csv.ParseOptions(newlines_in_values=True)
_RAGGED_HINT = "every row needs exactly as many fields as the header; quote values with commas"
_EMPTY_PROBE = 1 << 16
_MAX_BLOCK = (1 << 31) - 1
_FIELD_LIMIT = csv.field_size_limit()
"""The largest field, in characters, that the slow path's reader takes by default."""


def read_csv(data: Data, source: Path, columns: Columns) -> RawTable:
    """Read CSV ``data`` (valid UTF-8) with every wanted column as utf8.

    Raises:
        IntakeFileError: ``SCHEMA_UNREADABLE``: empty, ragged, or otherwise not CSV.
        IntakeSchemaError: ``SCHEMA_COLUMNS``: a repeated column name.
    """
    try:
        # The streaming reader parses just the first block: enough to learn the header.
        raw_names = _with_whole_blocks(
            data, lambda read: pa_csv.open_csv(**_sources(data, read)).schema.names
        )
    except pa.ArrowException as e:
        raise _parse_error(data, source, e) from None
    names = unique_names(raw_names, source)
    kept = [raw for raw, name in zip(raw_names, names, strict=True) if wanted(name, columns)]
    convert = pa_csv.ConvertOptions(
        column_types={raw: pa.string() for raw in raw_names}, include_columns=kept
    )
    try:
        table = _with_whole_blocks(
            data, lambda read: pa_csv.read_csv(**_sources(data, read), convert_options=convert)
        )
    except pa.ArrowException as e:
        raise _parse_error(data, source, e) from None
    table = table.rename_columns([raw.strip() for raw in table.column_names])
    return RawTable(table, tuple(name for name in names if not wanted(name, columns)))


_T = TypeVar("_T")


def _with_whole_blocks(data: Data, read: Callable[[pa_csv.ReadOptions], _T]) -> _T:
    """Run ``read``; if one row outgrew pyarrow's 1 MiB block, run it again over one block.

    Such a row holds a value far beyond any field limit: read whole, the caller's field
    check names its row and column (memory stays a small multiple of the file, whose size
    the agreement bounds), where the slow path would copy it several times over.
    """
    try:
        return read(pa_csv.ReadOptions())
    except pa.ArrowInvalid as e:
        if "straddl" not in str(e):
            raise
    return read(pa_csv.ReadOptions(block_size=min(len(data) + 1, _MAX_BLOCK)))


def _sources(data: Data, read: pa_csv.ReadOptions) -> dict[str, Any]:
    return {"input_file": pa.BufferReader(data), "read_options": read, "parse_options": _PARSE}


def locate_bad_text(data: Data) -> tuple[int | None, str | None]:
    """The data row (0 for the header) and column of the first undecodable byte, if found."""
    try:
        records = _records(data)
    except csv.Error:
        return None, None
    header = records[0] if records else []
    for row, record in enumerate(records):
        for index, value in enumerate(record):
            if has_undecodable_bytes(value):
                name = header[index].strip() if row and index < len(header) else None
                return row, name
    return None, None


def _records(data: Data) -> list[list[str]]:
    """Every non-empty record, by Python's csv module (slow path only)."""
    text = surrogate_text(data).removeprefix("\ufeff")
    return [record for record in csv.reader(io.StringIO(text, newline="")) if record]


def _oversized_field(data: Data, source: Path) -> IntakeFileError:
    """Name the row and column of a field too large to be a request value.

    Records are read one at a time with the default field limit; only the record that
    breaks it is read again, alone, with the limit raised, to find its column.
    """
    text = surrogate_text(data).removeprefix("\ufeff")
    handle = io.StringIO(text, newline="")
    reader = csv.reader(handle)
    header: list[str] | None = None
    row = 0
    start = 0
    try:
        for record in reader:
            if record and header is None:
                header = record
            elif record:
                row += 1
            start = handle.tell()
    except csv.Error:
        pass
    if header is None:
        return IntakeFileError(
            ReasonCode.SCHEMA_TOO_LARGE,
            f"the header row holds a field larger than {_FIELD_LIMIT:,} characters",
            path=source,
            hint='look for a quote (") left open; it runs the field on to the end of the file',
        )
    rest = text[start:]
    del text
    previous = csv.field_size_limit(len(rest) + 1)
    try:
        record = next(csv.reader(io.StringIO(rest, newline="")), [])
    except csv.Error:
        record = []
    finally:
        csv.field_size_limit(previous)
    index = next((i for i, value in enumerate(record) if len(value) > _FIELD_LIMIT), None)
    size = "" if index is None else f"{len(record[index]):,} characters, "
    return IntakeFileError(
        ReasonCode.SCHEMA_TOO_LARGE,
        f"the value has {size}too large for one field",
        path=source,
        row=row + 1,
        field=header[index].strip() if index is not None and index < len(header) else None,
        hint="a request value is a name, an address or a short reason; if the "
        'value runs on over many lines, a quote (") is left open before it',
    )


def _parse_error(data: Data, source: Path, error: pa.ArrowException) -> IntakeFileError:
    """Name the first ragged row by re-reading with Python's csv module."""
    if not bytes(memoryview(data)[:_EMPTY_PROBE]).strip() and not bytes(data).strip():
        return IntakeFileError(
            ReasonCode.SCHEMA_UNREADABLE,
            "the file is empty",
            path=source,
            hint="a CSV request file starts with a header row naming the columns",
        )
    try:
        records = _records(data)
    except csv.Error as e:
        if "field larger than field limit" in str(e):
            return _oversized_field(data, source)
        return IntakeFileError(
            ReasonCode.SCHEMA_UNREADABLE,
            f"not readable as CSV: {e}",
            path=source,
            hint=_RAGGED_HINT,
        )
    width = len(records[0]) if records else 0
    for row, record in enumerate(records[1:], start=1):
        if len(record) != width:
            return IntakeFileError(
                ReasonCode.SCHEMA_UNREADABLE,
                f"this row has {len(record)} fields but the header has {width}",
                path=source,
                row=row,
                hint=_RAGGED_HINT,
            )
    return IntakeFileError(
        ReasonCode.SCHEMA_UNREADABLE,
        f"not readable as CSV: {error}",
        path=source,
        hint=_RAGGED_HINT,
    )
