"""What every file reader shares: the errors it raises, its result, and text clean-up.

Row numbers are 1-based *data* rows: the CSV header and blank lines are not counted.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TypeAlias

import pyarrow as pa
import pyarrow.compute as pc

from taxgate.errors import InputError, SchemaError
from taxgate.screening.codes import ReasonCode

Data: TypeAlias = "bytes | pa.Buffer"
"""A file's bytes: copied into memory, or a memory-mapped Arrow buffer."""

Columns: TypeAlias = "frozenset[str] | None"
"""The column names a caller wants returned; None means every column."""

UTF8_HINT = "re-export the file as UTF-8 (for example `iconv -f WINDOWS-1252 -t UTF-8`)"


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
    """A file's columns break the data contract (also a ``SchemaError``)."""


@dataclass(frozen=True)
class RawTable:
    """A file read as text: the wanted columns (utf8, unstripped) and the names left out."""

    table: pa.Table
    other_columns: tuple[str, ...]


def wanted(name: str, columns: Columns) -> bool:
    """Whether column ``name`` is one the caller asked for."""
    return columns is None or name in columns


def unique_names(raw_names: Iterable[str], source: Path) -> list[str]:
    """Column names stripped of surrounding whitespace; a repeated name is refused.

    Raises:
        IntakeSchemaError: ``SCHEMA_COLUMNS`` naming the repeated column.
    """
    names = [name.strip() for name in raw_names]
    seen: set[str] = set()
    for name in names:
        if name in seen:
            raise IntakeSchemaError(
                ReasonCode.SCHEMA_COLUMNS,
                f"column {name!r} occurs more than once",
                path=source,
                field=name,
                hint="give every column its own name",
            )
        seen.add(name)
    return names


def surrogate_text(data: Data) -> str:
    """Decode for the slow path: undecodable bytes become lone surrogates, never an error."""
    return bytes(data).decode("utf-8", errors="surrogateescape")


def has_undecodable_bytes(text: str) -> bool:
    """Whether ``surrogate_text`` had to escape a byte in ``text``."""
    return any("\udc80" <= ch <= "\udcff" for ch in text)


def clean_text(table: pa.Table) -> pa.Table:
    """Strip surrounding whitespace from every value; empty means unknown, so it becomes null."""
    empty_to_null = pa.scalar(None, pa.string())
    columns = []
    for column in table.columns:
        trimmed = pc.utf8_trim_whitespace(column)
        columns.append(pc.if_else(pc.equal(trimmed, ""), empty_to_null, trimmed))
    return pa.table(columns, names=table.column_names)
