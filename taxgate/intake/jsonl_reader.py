"""JSON Lines: one object per line, every wanted value a JSON string or null.

pyarrow infers types (a date string becomes a timestamp), so the wanted keys are read with
an explicit string type. Only keys that occur in the file are given one: a key listed in the
schema but absent from the file would come back as an all-null column, indistinguishable
from a key whose values are all null.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.json as pa_json

from taxgate.intake.json_depth import MAX_JSON_DEPTH, too_deep_line
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
_MAX_BLOCK = (1 << 31) - 1
_HINT = "write one JSON object per line, with every value a JSON string or null"
_JSON_SPACE = " \t\r"
_SAMPLE_BYTES = 1 << 16


def read_jsonl(data: Data, source: Path, columns: Columns) -> RawTable:
    """Read JSON Lines ``data`` (valid UTF-8) with every wanted column as utf8.

    Raises:
        IntakeFileError: ``SCHEMA_UNREADABLE``: empty, not JSON, not objects, repeated keys,
            or a wanted value that is not a string (naming the row and field).
        IntakeSchemaError: ``SCHEMA_COLUMNS``: two keys that differ only by spaces.
    """
    try:
        table = _read_fast(data, columns)
    except (pa.ArrowException, ValueError):
        return _read_slowly(data, source, columns)
    if table.num_rows == 0:
        return _read_slowly(data, source, columns)
    names = unique_names(table.column_names, source)
    kept = [i for i, name in enumerate(names) if wanted(name, columns)]
    if not all(_is_text_or_null(table.column(i).type) for i in kept):
        return _read_slowly(data, source, columns)
    text = [table.column(i).cast(pa.string()) for i in kept]
    return RawTable(
        pa.table(text, names=[names[i] for i in kept]),
        tuple(name for name in names if not wanted(name, columns)),
    )


def check_depth(data: Data, source: Path, limit: int = MAX_JSON_DEPTH) -> None:
    """Refuse a line nested deeper than ``limit``, before any parser reads it.

    Raises:
        IntakeFileError: ``SCHEMA_UNREADABLE`` naming the row.
    """
    line = too_deep_line(memoryview(data), limit=limit, per_line=True)
    if line is None:
        return
    lines = bytes(data).split(b"\n")[: line + 1]
    raise IntakeFileError(
        ReasonCode.SCHEMA_UNREADABLE,
        f"the line nests JSON more than {limit} levels deep",
        path=source,
        row=sum(1 for text in lines if text.strip(b" \t\r")),
        hint=_HINT,
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
    """Read with pyarrow; every column in the result occurs in the file.

    Keys seen in the first lines get an explicit string type. A wanted key first seen later
    may come back inferred (a date as a timestamp); then one more pass types it as string.

    Raises:
        pa.ArrowException: pyarrow could not read the file.
        ValueError: the first lines are not JSON objects.
    """
    sampled = [key for key in _sample_keys(data) if wanted(key.strip(), columns)]
    table = _read_typed(data, sampled)
    late = [
        name
        for name, kind in zip(table.column_names, table.schema.types, strict=True)
        if wanted(name.strip(), columns) and name not in sampled and not _is_text_or_null(kind)
    ]
    return _read_typed(data, sampled + late) if late else table


def _sample_keys(data: Data) -> list[str]:
    """The keys of the complete lines in the first 64 KiB, in order of first appearance."""
    head = bytes(memoryview(data)[:_SAMPLE_BYTES])
    lines = head.split(b"\n")
    if len(head) == _SAMPLE_BYTES:
        lines = lines[:-1]
    keys: dict[str, None] = {}
    for line in lines:
        if line.strip(b" \t\r"):
            record = json.loads(line)
            if not isinstance(record, dict):
                raise ValueError("not a JSON object")
            keys.update(dict.fromkeys(record))
    return list(keys)


def _read_typed(data: Data, text_columns: list[str]) -> pa.Table:
    options = pa_json.ParseOptions(
        explicit_schema=_all_text(text_columns), unexpected_field_behavior="infer"
    )
    try:
        return pa_json.read_json(pa.BufferReader(data), read_options=_READ, parse_options=options)
    except pa.ArrowInvalid as e:
        if "straddl" not in str(e):
            raise
    # One line outgrew the 16 MiB block: it holds a value far beyond any field limit. Read
    # whole, the caller's field check names its row and column; the slow path would copy
    # it several times over.
    whole = pa_json.ReadOptions(block_size=min(len(data) + 1, _MAX_BLOCK))
    return pa_json.read_json(pa.BufferReader(data), read_options=whole, parse_options=options)


def _all_text(names: list[str]) -> pa.Schema:
    return pa.schema([(name, pa.string()) for name in names])


def _is_text_or_null(kind: pa.DataType) -> bool:
    return bool(pa.types.is_string(kind) or pa.types.is_null(kind))


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
    for key, value in record.items():
        # JSON may escape half of a surrogate pair (\ud800), which is no character at all.
        if not _is_unicode(key):
            raise IntakeFileError(
                ReasonCode.SCHEMA_UNREADABLE,
                "a key holds an unpaired surrogate escape (\\uD800-\\uDFFF), not text",
                path=source,
                row=row,
                hint=_HINT,
            )
        if isinstance(value, str) and not _is_unicode(value):
            raise IntakeFileError(
                ReasonCode.SCHEMA_UNREADABLE,
                "the value holds an unpaired surrogate escape (\\uD800-\\uDFFF), not text",
                path=source,
                row=row,
                field=key,
                hint=_HINT,
            )
    return record


def _is_unicode(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _pairs_without_repeats(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    record: dict[str, Any] = {}
    for key, value in pairs:
        if key.strip() in record:
            raise ValueError(f"key {key.strip()!r} occurs twice")
        record[key.strip()] = value
    return record
