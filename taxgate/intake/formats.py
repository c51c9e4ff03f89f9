"""File formats at the boundary: CSV, Parquet and JSON Lines as all-text Arrow tables.

The data contract makes every value UTF-8 text, so every kept column comes back as ``utf8``
and nothing is inferred: ``01234`` stays ``01234``. The fast path is pyarrow throughout;
only when it fails does a slow Python scan run, to name the row and field that broke it.

Row numbers are 1-based *data* rows (the CSV header and blank lines are not counted).
"""

from __future__ import annotations

import codecs
import csv
import io
import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeAlias

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pa_csv
import pyarrow.json as pa_json
import pyarrow.parquet as pq

from taxgate.errors import InputError, SchemaError
from taxgate.screening.codes import ReasonCode

FORMATS = {".csv": "csv", ".parquet": "parquet", ".jsonl": "jsonl"}
"""File extension → format; the contract picks the reader by extension only."""

Keep = Callable[[str], bool]
Data: TypeAlias = "bytes | pa.Buffer"

_CSV_PARSE = pa_csv.ParseOptions(newlines_in_values=True)
_UNREADABLE_HINT = "save the file as UTF-8 {fmt}; see docs/data-contract.md"
# Parquet types whose text form is lossless; numbers are refused (a TIN or ZIP stored as a
# number has already lost its leading zeros).
_TEXT_TYPES = (pa.types.is_string, pa.types.is_large_string, pa.types.is_string_view)


class IntakeFileError(InputError):
    """A file cannot be accepted. ``code`` is the reason code the pipeline records."""

    def __init__(
        self,
        code: ReasonCode,
        message: str,
        *,
        path: Path | str | None = None,
        row: int | None = None,
        field: str | None = None,
        hint: str | None = None,
    ) -> None:
        super().__init__(message, path=path, row=row, field=field, hint=hint)
        self.code = code


class IntakeSchemaError(IntakeFileError, SchemaError):
    """A file's columns or keys break the data contract (also a ``SchemaError``)."""


@dataclass(frozen=True)
class RawTable:
    """A file read as text: the kept columns (utf8, unstripped) and the names left out."""

    table: pa.Table
    other_columns: tuple[str, ...]


def file_format(path: Path) -> str:
    """``csv``, ``parquet`` or ``jsonl``, from the file's extension.

    Raises:
        IntakeSchemaError: ``SCHEMA_UNREADABLE`` for any other extension.
    """
    fmt = FORMATS.get(path.suffix.lower())
    if fmt is None:
        raise IntakeSchemaError(
            ReasonCode.SCHEMA_UNREADABLE,
            f"extension {path.suffix!r} is not a supported format",
            path=path,
            hint="name the file .csv (with a header row), .parquet or .jsonl",
        )
    return fmt


def map_file(path: Path) -> pa.Buffer:
    """A file's bytes as a memory-mapped Arrow buffer (no copy; large master files fit).

    Raises:
        IntakeFileError: ``SCHEMA_UNREADABLE`` if the file cannot be opened.
    """
    try:
        return pa.memory_map(str(path)).read_buffer()
    except OSError as e:
        raise IntakeFileError(
            ReasonCode.SCHEMA_UNREADABLE,
            f"cannot read the file: {e.strerror or e}",
            path=path,
            hint="check the path and that taxgate may read the file",
        ) from e


def read_file_bytes(path: Path) -> bytes:
    """A file's bytes, copied into memory (so a later change to the file cannot reach them).

    Raises:
        IntakeFileError: ``SCHEMA_UNREADABLE`` if the file cannot be read.
    """
    try:
        return path.read_bytes()
    except OSError as e:
        raise IntakeFileError(
            ReasonCode.SCHEMA_UNREADABLE,
            f"cannot read the file: {e.strerror or e}",
            path=path,
            hint="check the path and that taxgate may read the file",
        ) from e


def load_text_table(data: Data, *, source: Path, keep: Keep) -> RawTable:
    """Read ``data`` (named ``source``, whose extension picks the format) as text columns.

    Column names are stripped of surrounding whitespace; a name that occurs twice is refused.

    Args:
        data: The file's bytes (or a buffer over them).
        source: The file's path, for the format and for messages.
        keep: Which (stripped) column names to return; the others are only listed.

    Raises:
        IntakeFileError: The file cannot be decoded or parsed (``SCHEMA_UNREADABLE``).
        IntakeSchemaError: A column name repeats or a kept column is not text.
    """
    fmt = file_format(source)
    if fmt == "parquet":
        return _read_parquet(data, source, keep)
    _check_utf8(data, source, fmt)
    if fmt == "csv":
        return _read_csv(data, source, keep)
    return _read_jsonl(data, source, keep)


def clean_text(table: pa.Table) -> pa.Table:
    """Strip surrounding whitespace from every value; empty means unknown, so it becomes null."""
    empty_to_null = pa.scalar(None, pa.string())
    columns = []
    for column in table.columns:
        trimmed = pc.utf8_trim_whitespace(column)
        columns.append(pc.if_else(pc.equal(trimmed, ""), empty_to_null, trimmed))
    return pa.table(columns, names=table.column_names)


def _check_utf8(data: Data, source: Path, fmt: str) -> None:
    """Validate UTF-8 in 1 MiB steps (memory stays flat); locate the first bad byte's row."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    view = memoryview(data)
    step = 1 << 20
    try:
        for start in range(0, len(data), step):
            decoder.decode(view[start : start + step])
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        row, field = (_csv_bad_text_cell if fmt == "csv" else _jsonl_bad_text_cell)(data)
        hint = "re-export the file as UTF-8 (for example `iconv -f WINDOWS-1252 -t UTF-8`)"
        if row == 0:
            message, row = "the header row is not valid UTF-8 text", None
        else:
            message = "this row is not valid UTF-8 text"
        raise IntakeFileError(
            ReasonCode.SCHEMA_UNREADABLE, message, path=source, row=row, field=field, hint=hint
        ) from None


def _surrogate_text(data: Data) -> str:
    return bytes(data).decode("utf-8", errors="surrogateescape")


def _has_bad_bytes(text: str) -> bool:
    return any("\udc80" <= ch <= "\udcff" for ch in text)


def _csv_records(data: Data) -> list[list[str]]:
    """Every non-empty CSV record, by Python's csv module (slow path only)."""
    text = _surrogate_text(data).removeprefix("\ufeff")
    return [rec for rec in csv.reader(io.StringIO(text, newline="")) if rec]


def _csv_bad_text_cell(data: Data) -> tuple[int | None, str | None]:
    try:
        records = _csv_records(data)
    except csv.Error:
        return None, None
    header = records[0] if records else []
    for row, record in enumerate(records):
        for index, value in enumerate(record):
            if _has_bad_bytes(value):
                name = header[index] if row and index < len(header) else None
                return row, None if name is None else name.strip()
    return None, None


def _jsonl_lines(data: Data) -> list[str]:
    return [line for line in _surrogate_text(data).splitlines() if line.strip()]


def _jsonl_bad_text_cell(data: Data) -> tuple[int | None, str | None]:
    for row, line in enumerate(_jsonl_lines(data), start=1):
        if _has_bad_bytes(line):
            return row, None
    return None, None


def _unique_names(raw_names: list[str], source: Path) -> list[str]:
    names = [name.strip() for name in raw_names]
    repeated = sorted({name for name in names if names.count(name) > 1})
    if repeated:
        raise IntakeSchemaError(
            ReasonCode.SCHEMA_COLUMNS,
            f"column {repeated[0]!r} occurs more than once",
            path=source,
            field=repeated[0],
            hint="give every column its own name",
        )
    return names


def _read_csv(data: Data, source: Path, keep: Keep) -> RawTable:
    try:
        header = pa_csv.open_csv(pa.BufferReader(data), parse_options=_CSV_PARSE)
        raw_names = header.schema.names
    except pa.ArrowException as e:
        raise _csv_parse_error(data, source, e) from None
    names = _unique_names(raw_names, source)
    kept = [raw for raw, name in zip(raw_names, names, strict=True) if keep(name)]
    convert = pa_csv.ConvertOptions(
        column_types={raw: pa.string() for raw in raw_names}, include_columns=kept
    )
    try:
        table = pa_csv.read_csv(
            pa.BufferReader(data), parse_options=_CSV_PARSE, convert_options=convert
        )
    except pa.ArrowException as e:
        raise _csv_parse_error(data, source, e) from None
    table = table.rename_columns([raw.strip() for raw in table.column_names])
    others = tuple(name for name in names if not keep(name))
    return RawTable(table, others)


def _csv_parse_error(data: Data, source: Path, error: pa.ArrowException) -> IntakeFileError:
    """Name the first ragged row by re-reading with Python's csv module."""
    hint = "every row needs exactly as many fields as the header; quote values holding commas"
    if not bytes(data).strip():
        return IntakeFileError(
            ReasonCode.SCHEMA_UNREADABLE,
            "the file is empty",
            path=source,
            hint="a CSV request file starts with a header row naming the columns",
        )
    try:
        records = _csv_records(data)
    except csv.Error as e:
        return IntakeFileError(
            ReasonCode.SCHEMA_UNREADABLE, f"not readable as CSV: {e}", path=source, hint=hint
        )
    width = len(records[0]) if records else 0
    for row, record in enumerate(records[1:], start=1):
        if len(record) != width:
            return IntakeFileError(
                ReasonCode.SCHEMA_UNREADABLE,
                f"this row has {len(record)} fields but the header has {width}",
                path=source,
                row=row,
                hint=hint,
            )
    return IntakeFileError(
        ReasonCode.SCHEMA_UNREADABLE, f"not readable as CSV: {error}", path=source, hint=hint
    )


def _read_parquet(data: Data, source: Path, keep: Keep) -> RawTable:
    hint = _UNREADABLE_HINT.format(fmt="Parquet")
    try:
        parquet = pq.ParquetFile(pa.BufferReader(data))
        raw_names = parquet.schema_arrow.names
        names = _unique_names(raw_names, source)
        kept = [raw for raw, name in zip(raw_names, names, strict=True) if keep(name)]
        table = parquet.read(columns=kept)
    except pa.ArrowException as e:
        raise IntakeFileError(
            ReasonCode.SCHEMA_UNREADABLE,
            f"not a readable Parquet file: {e}",
            path=source,
            hint=hint,
        ) from None
    columns = [_parquet_text(table.column(i), raw.strip(), source) for i, raw in enumerate(kept)]
    others = tuple(name for name in names if not keep(name))
    return RawTable(pa.table(columns, names=[raw.strip() for raw in kept]), others)


def _parquet_text(column: pa.ChunkedArray, name: str, source: Path) -> pa.ChunkedArray:
    kind = column.type
    if pa.types.is_dictionary(kind):
        kind = kind.value_type
    is_text = any(test(kind) for test in _TEXT_TYPES)
    is_date = pa.types.is_date(kind)
    if not (is_text or is_date or pa.types.is_null(kind) or pa.types.is_binary(kind)):
        raise IntakeSchemaError(
            ReasonCode.SCHEMA_COLUMNS,
            f"the column has type {column.type}; every value must be text",
            path=source,
            field=name,
            hint="write the column as a Parquet string column so leading zeros survive",
        )
    try:
        if is_text:
            column.validate(full=True)
        return pc.cast(column, pa.string())
    except pa.ArrowException:
        row = _first_bad_utf8(column)
        raise IntakeFileError(
            ReasonCode.SCHEMA_UNREADABLE,
            "this value is not valid UTF-8 text",
            path=source,
            row=row,
            field=name,
            hint="write the Parquet file from UTF-8 text",
        ) from None


def _first_bad_utf8(column: pa.ChunkedArray) -> int | None:
    kind = column.type.value_type if pa.types.is_dictionary(column.type) else column.type
    raw = column.cast(kind).cast(pa.large_binary()) if not pa.types.is_binary(kind) else column
    for row, value in enumerate(raw.to_pylist(), start=1):
        if isinstance(value, bytes):
            try:
                value.decode("utf-8")
            except UnicodeDecodeError:
                return row
    return None


def _read_jsonl(data: Data, source: Path, keep: Keep) -> RawTable:
    try:
        table = pa_json.read_json(pa.BufferReader(data))
    except pa.ArrowException:
        return _read_jsonl_slowly(data, source, keep)
    raw_names = table.column_names
    names = _unique_names(raw_names, source)
    kept = [i for i, name in enumerate(names) if keep(name)]
    if not all(_is_text_or_null(table.column(i).type) for i in kept):
        return _read_jsonl_slowly(data, source, keep)
    columns = [pc.cast(table.column(i), pa.string()) for i in kept]
    others = tuple(name for name in names if not keep(name))
    return RawTable(pa.table(columns, names=[names[i] for i in kept]), others)


def _is_text_or_null(kind: pa.DataType) -> bool:
    return bool(pa.types.is_string(kind) or pa.types.is_null(kind))


def _read_jsonl_slowly(data: Data, source: Path, keep: Keep) -> RawTable:
    """Parse line by line to name the row and field the fast reader could not take."""
    hint = "write one JSON object per line, with every value a JSON string or null"
    lines = _jsonl_lines(data)
    if not lines:
        raise IntakeFileError(
            ReasonCode.SCHEMA_UNREADABLE, "the file is empty", path=source, hint=hint
        )
    values: dict[str, list[str | None]] = {}
    seen: dict[str, None] = {}
    for row, line in enumerate(lines, start=1):
        record = _json_record(line, source, row, hint)
        for raw_key, value in record.items():
            key = raw_key.strip()
            seen.setdefault(key)
            if not keep(key):
                continue
            if value is not None and not isinstance(value, str):
                raise IntakeFileError(
                    ReasonCode.SCHEMA_UNREADABLE,
                    f"the value is a JSON {type(value).__name__}, not a string",
                    path=source,
                    row=row,
                    field=key,
                    hint=hint,
                )
            column = values.setdefault(key, [None] * (row - 1))
            column.extend([None] * (row - 1 - len(column)))
            column.append(value)
    for column in values.values():
        column.extend([None] * (len(lines) - len(column)))
    table = pa.table({key: pa.array(column, pa.string()) for key, column in values.items()})
    return RawTable(table, tuple(key for key in seen if not keep(key)))


def _json_record(line: str, source: Path, row: int, hint: str) -> dict[str, Any]:
    try:
        record = json.loads(line, object_pairs_hook=_pairs_without_repeats)
    except ValueError as e:
        raise IntakeFileError(
            ReasonCode.SCHEMA_UNREADABLE, f"not valid JSON: {e}", path=source, row=row, hint=hint
        ) from None
    if not isinstance(record, dict):
        raise IntakeFileError(
            ReasonCode.SCHEMA_UNREADABLE,
            "the line is not a JSON object",
            path=source,
            row=row,
            hint=hint,
        )
    return record


def _pairs_without_repeats(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    record: dict[str, Any] = {}
    for key, value in pairs:
        if key.strip() in record:
            raise ValueError(f"key {key.strip()!r} occurs twice")
        record[key.strip()] = value
    return record
