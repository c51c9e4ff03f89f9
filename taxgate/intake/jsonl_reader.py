"""JSON Lines: one object per line, every wanted value a JSON string or null.

pyarrow infers types (a date string becomes a timestamp), so the wanted columns are read
with an explicit all-string schema. A key that never has a value is told apart from an
absent key by a byte search, which runs only for columns that came back all null.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.json as pa_json

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

_READ = pa_json.ReadOptions(block_size=16 << 20)
_HINT = "write one JSON object per line, with every value a JSON string or null"
_JSON_SPACE = " \t\r"
_COLON = re.compile(rb"[ \t\r\n]*:")


def read_jsonl(data: Data, source: Path, columns: Columns) -> RawTable:
    """Read JSON Lines ``data`` (valid UTF-8) with every wanted column as utf8.

    Raises:
        IntakeFileError: ``SCHEMA_UNREADABLE``: empty, not JSON, not objects, repeated keys,
            or a wanted value that is not a string (naming the row and field).
        IntakeSchemaError: ``SCHEMA_COLUMNS``: two keys that differ only by spaces.
    """
    try:
        table = _read_fast(data, columns)
    except pa.ArrowException:
        return _read_slowly(data, source, columns)
    if table.num_rows == 0:
        return _read_slowly(data, source, columns)
    raw = (
        bytes(data)
        if any(table.column(i).null_count == table.num_rows for i in range(table.num_columns))
        else b""
    )
    present = [
        i
        for i, name in enumerate(table.column_names)
        if columns is None
        or name not in columns
        or table.column(i).null_count < table.num_rows
        or _has_key(raw, name)
    ]
    table = table.select(present)
    names = unique_names(table.column_names, source)
    kept = [i for i, name in enumerate(names) if wanted(name, columns)]
    if not all(_is_text_or_null(table.column(i).type) for i in kept):
        return _read_slowly(data, source, columns)
    text = [table.column(i).cast(pa.string()) for i in kept]
    return RawTable(
        pa.table(text, names=[names[i] for i in kept]),
        tuple(name for name in names if not wanted(name, columns)),
    )


def locate_bad_text(data: Data) -> tuple[int | None, str | None]:
    """The data row and key of the first undecodable byte, if found."""
    for row, line in enumerate(_lines(data), start=1):
        if has_undecodable_bytes(line):
            try:
                record = json.loads(line)
            except ValueError:
                return row, None
            if isinstance(record, dict):
                for key, value in record.items():
                    if has_undecodable_bytes(f"{key}{value}"):
                        return row, key.strip()
            return row, None
    return None, None


def _read_fast(data: Data, columns: Columns) -> pa.Table:
    if columns is None:
        inferred = pa_json.read_json(pa.BufferReader(data), read_options=_READ)
        if all(_is_text_or_null(kind) for kind in inferred.schema.types):
            return inferred
        names = inferred.column_names
        options = pa_json.ParseOptions(explicit_schema=_all_text(names))
    else:
        options = pa_json.ParseOptions(
            explicit_schema=_all_text(sorted(columns)), unexpected_field_behavior="infer"
        )
    return pa_json.read_json(pa.BufferReader(data), read_options=_READ, parse_options=options)


def _all_text(names: list[str]) -> pa.Schema:
    return pa.schema([(name, pa.string()) for name in names])


def _is_text_or_null(kind: pa.DataType) -> bool:
    return bool(pa.types.is_string(kind) or pa.types.is_null(kind))


def _has_key(raw: bytes, name: str) -> bool:
    """Whether ``"name":`` occurs as a key (inside a string, its quotes would be escaped)."""
    needle = json.dumps(name).encode("utf-8")
    start = raw.find(needle)
    while start != -1:
        escaped = start > 0 and raw[start - 1] == ord("\\")
        if not escaped and _COLON.match(raw, start + len(needle)):
            return True
        start = raw.find(needle, start + 1)
    return False


def _lines(data: Data) -> list[str]:
    """The non-blank lines, split as JSON Lines splits them (on ``\\n`` only)."""
    return [line for line in surrogate_text(data).split("\n") if line.strip(_JSON_SPACE)]


def _read_slowly(data: Data, source: Path, columns: Columns) -> RawTable:
    """Parse line by line, to name the row and field the fast reader could not take."""
    lines = _lines(data)
    if not lines:
        raise IntakeFileError(
            ReasonCode.SCHEMA_UNREADABLE, "the file is empty", path=source, hint=_HINT
        )
    values: dict[str, list[str | None]] = {}
    seen: dict[str, None] = {}
    for row, line in enumerate(lines, start=1):
        for key, value in _record(line, source, row).items():
            seen.setdefault(key)
            if not wanted(key, columns):
                continue
            if value is not None and not isinstance(value, str):
                raise IntakeFileError(
                    ReasonCode.SCHEMA_UNREADABLE,
                    f"the value is a JSON {type(value).__name__}, not a string",
                    path=source,
                    row=row,
                    field=key,
                    hint=_HINT,
                )
            column = values.setdefault(key, [])
            column.extend([None] * (row - 1 - len(column)))
            column.append(value)
    for column in values.values():
        column.extend([None] * (len(lines) - len(column)))
    table = pa.table({key: pa.array(column, pa.string()) for key, column in values.items()})
    return RawTable(table, tuple(key for key in seen if not wanted(key, columns)))


def _record(line: str, source: Path, row: int) -> dict[str, Any]:
    try:
        record = json.loads(line, object_pairs_hook=_pairs_without_repeats)
    except ValueError as e:
        raise IntakeFileError(
            ReasonCode.SCHEMA_UNREADABLE, f"not valid JSON: {e}", path=source, row=row, hint=_HINT
        ) from None
    if not isinstance(record, dict):
        raise IntakeFileError(
            ReasonCode.SCHEMA_UNREADABLE,
            "the line is not a JSON object",
            path=source,
            row=row,
            hint=_HINT,
        )
    return record


def _pairs_without_repeats(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    record: dict[str, Any] = {}
    for key, value in pairs:
        if key.strip() in record:
            raise ValueError(f"key {key.strip()!r} occurs twice")
        record[key.strip()] = value
    return record
