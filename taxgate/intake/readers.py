"""Read a request file (data contract §2) into one all-text Arrow table.

The reader refuses a malformed file as a whole, naming the file, row and field and saying
how to fix it. Every refusal is an ``IntakeFileError`` whose ``code`` (``SCHEMA_UNREADABLE``,
``SCHEMA_COLUMNS``, ``SCHEMA_DUPLICATE_ID``, ``SCHEMA_ROW_COUNT``, ``SCHEMA_MISSING_ID``) the
pipeline records for the refused batch. Defects *within* a row (a placeholder name, a bad
date) are not the reader's business: screening reports them as findings.

Example:
    >>> import tempfile
    >>> path = Path(tempfile.mkdtemp()) / "requests.csv"
    >>> _ = path.write_text(
    ...     "request_id,first_name,last_name,address,removal_order_date,statute,reason,"
    ...     "taxable_periods,badge\\n"
    ...     "R1, Ana ,Diaz,1 Main St Springfield IL 62701,2024-01-02,8 USC 1253(a)(1),"
    ...     "flight,2023,77\\n")
    >>> requests = read_requests(path, expected_rows=1)
    >>> requests.table.column("first_name").to_pylist(), requests.address_style.value
    (['Ana'], 'line')
    >>> requests.warnings
    ("unknown column 'badge' is ignored and kept out of every output",)
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from taxgate.agreement import DEFAULT_MAX_FIELD_CHARS, DEFAULT_MAX_JSON_DEPTH, DEFAULT_MAX_ROW_CHARS
from taxgate.intake.formats import load_text_table, map_file
from taxgate.intake.tables import Data, IntakeFileError, IntakeSchemaError, clean_text
from taxgate.screening.codes import ReasonCode

ROW_COLUMN = "row"
"""The 1-based data row of each request in its file (header and blank lines not counted)."""

REQUIRED_COLUMNS = (
    "request_id",
    "first_name",
    "last_name",
    "removal_order_date",
    "statute",
    "reason",
    "taxable_periods",
)
SPLIT_ADDRESS_COLUMNS = ("street", "unit", "city", "state", "zip")
SPLIT_ADDRESS_REQUIRED = ("street", "city", "state", "zip")
LINE_ADDRESS_COLUMN = "address"
REQUEST_COLUMNS = (
    "request_id",
    "first_name",
    "middle_name",
    "last_name",
    "suffix",
    *SPLIT_ADDRESS_COLUMNS,
    LINE_ADDRESS_COLUMN,
    "tin",
    "date_of_birth",
    "alien_number",
    "officer",
    "removal_order_date",
    "statute",
    "reason",
    "taxable_periods",
)
"""Every contract column, in contract order; the output table has all of them."""

_REQUEST_COLUMN_SET = frozenset(REQUEST_COLUMNS)
_CONTRACT_HINT = "see docs/data-contract.md §2.1 for the request file columns"


class AddressStyle(StrEnum):
    """How a request file carries the address (never both)."""

    SPLIT = "split"  # street, unit, city, state, zip
    LINE = "line"  # one free-text ``address`` line


@dataclass(frozen=True)
class RequestTable:
    """A request file as read.

    Attributes:
        table: ``row`` (int64) then every column of ``REQUEST_COLUMNS`` as utf8; values
            stripped, empty values null, absent optional columns all null.
        address_style: Which address columns the file carried.
        warnings: Things the reader ignored, such as unknown columns.
        source: The file read.
    """

    table: pa.Table
    address_style: AddressStyle
    warnings: tuple[str, ...]
    source: Path

    @property
    def row_count(self) -> int:
        """The number of requests (data rows)."""
        return int(self.table.num_rows)


def read_requests(
    path: Path,
    *,
    expected_rows: int | None = None,
    max_field_chars: int = DEFAULT_MAX_FIELD_CHARS,
    max_row_chars: int = DEFAULT_MAX_ROW_CHARS,
    max_json_depth: int = DEFAULT_MAX_JSON_DEPTH,
) -> RequestTable:
    """Read a request file (``.csv`` with header, ``.parquet`` or ``.jsonl``).

    Args:
        path: The request file.
        expected_rows: The manifest's ``row_count``; a different count refuses the file.
        max_field_chars: The longest value accepted (the agreement's
            ``screening.max_field_chars``); a longer one refuses the file.
        max_row_chars: The longest row accepted, its contract values together (the
            agreement's ``screening.max_row_chars``); a longer one refuses the file.
        max_json_depth: The deepest nesting of a JSON Lines line (the agreement's
            ``screening.max_json_depth``); a deeper one refuses the file.

    Returns:
        The table, the address style and the warnings.

    Raises:
        IntakeFileError: The file is unreadable, not UTF-8, ragged, has the wrong row count,
            a value longer than ``max_field_chars``, an empty ``request_id`` or a repeated
            one (``.code`` says which).
        IntakeSchemaError: Columns are missing, repeated, of the wrong type, or both address
            styles are present.
    """
    return parse_requests(
        map_file(path),
        source=path,
        expected_rows=expected_rows,
        max_field_chars=max_field_chars,
        max_row_chars=max_row_chars,
        max_json_depth=max_json_depth,
    )


def parse_requests(
    data: Data,
    *,
    source: Path,
    expected_rows: int | None = None,
    max_field_chars: int = DEFAULT_MAX_FIELD_CHARS,
    max_row_chars: int = DEFAULT_MAX_ROW_CHARS,
    max_json_depth: int = DEFAULT_MAX_JSON_DEPTH,
) -> RequestTable:
    """Like ``read_requests``, for bytes already in memory (``source`` names the format)."""
    raw = load_text_table(
        data, source=source, columns=_REQUEST_COLUMN_SET, max_json_depth=max_json_depth
    )
    _check_field_lengths(raw.table, source, max_field_chars)
    _check_row_lengths(raw.table, source, max_row_chars)
    present = set(raw.table.column_names)
    _require_columns(present, raw.other_columns, source)
    style = _address_style(present, source)
    warnings = tuple(
        f"unknown column {name!r} is ignored and kept out of every output"
        for name in raw.other_columns
    )
    table = clean_text(raw.table)
    _check_row_count(table.num_rows, expected_rows, source)
    _check_request_ids(table.column("request_id"), source)
    return RequestTable(_contract_table(table), style, warnings, source)


def read_table(path: Path) -> pa.Table:
    """Read any contract table file (``.csv``, ``.parquet``, ``.jsonl``) with every column as text.

    Used for the master file (data contract §1). Column names and values are stripped;
    empty values are null. Which columns are required is the caller's business.

    Raises:
        IntakeFileError: The file is unreadable, not UTF-8, or ragged.
        IntakeSchemaError: A column name repeats or a Parquet column is not text.
    """
    raw = load_text_table(map_file(path), source=path, columns=None)
    return clean_text(raw.table)


def _address_style(present: set[str], source: Path) -> AddressStyle:
    split = [name for name in SPLIT_ADDRESS_COLUMNS if name in present]
    if LINE_ADDRESS_COLUMN in present and split:
        raise IntakeSchemaError(
            ReasonCode.SCHEMA_COLUMNS,
            f"the file has both address styles: 'address' and {split}",
            path=source,
            field=LINE_ADDRESS_COLUMN,
            hint="use either the one-line 'address' column or street/unit/city/state/zip",
        )
    if LINE_ADDRESS_COLUMN in present:
        return AddressStyle.LINE
    missing = [name for name in SPLIT_ADDRESS_REQUIRED if name not in present]
    if split and missing:
        raise IntakeSchemaError(
            ReasonCode.SCHEMA_COLUMNS,
            f"split address columns {missing} are missing",
            path=source,
            field=missing[0],
            hint="give street, city, state and zip (unit optional), or one 'address' column",
        )
    if not split:
        raise IntakeSchemaError(
            ReasonCode.SCHEMA_COLUMNS,
            "the file has no address columns",
            path=source,
            field=LINE_ADDRESS_COLUMN,
            hint="add street, unit, city, state and zip, or one 'address' column; "
            + _CONTRACT_HINT,
        )
    return AddressStyle.SPLIT


def _require_columns(present: set[str], others: tuple[str, ...], source: Path) -> None:
    missing = [name for name in REQUIRED_COLUMNS if name not in present]
    if not missing:
        return
    near = {
        name: match[0]
        for name in missing
        if (match := difflib.get_close_matches(name, others, n=1, cutoff=0.8))
    }
    near_hint = "; ".join(f"{found!r} should be named {name!r}" for name, found in near.items())
    raise IntakeSchemaError(
        ReasonCode.SCHEMA_COLUMNS,
        f"required columns {missing} are missing",
        path=source,
        field=missing[0],
        hint=(near_hint + "; " if near_hint else "") + _CONTRACT_HINT,
    )


def _check_field_lengths(table: pa.Table, source: Path, limit: int) -> None:
    """Refuse the file at its first value longer than ``limit`` characters."""
    for name in table.column_names:
        lengths = pc.utf8_length(table.column(name))
        longest = pc.max(lengths).as_py()
        if longest is None or longest <= limit:
            continue
        index = int(pc.index(pc.greater(lengths, limit), True).as_py())
        raise IntakeFileError(
            ReasonCode.SCHEMA_TOO_LARGE,
            f"the value has {lengths[index].as_py():,} characters; the agreement allows "
            f"{limit:,} in one field",
            path=source,
            row=index + 1,
            field=name,
            hint="a request value is a name, an address or a short reason; if the value runs "
            'on over many lines, a quote (") is left open before it',
        )


def _check_row_lengths(table: pa.Table, source: Path, limit: int) -> None:
    """Refuse the file at its first row whose values hold more than ``limit`` characters."""
    if table.num_columns == 0 or table.num_rows == 0:
        return
    lengths = [pc.fill_null(pc.utf8_length(table.column(n)), 0) for n in table.column_names]
    totals = lengths[0]
    for more in lengths[1:]:
        totals = pc.add(totals, more)
    if (pc.max(totals).as_py() or 0) <= limit:
        return
    index = int(pc.index(pc.greater(totals, limit), True).as_py())
    raise IntakeFileError(
        ReasonCode.SCHEMA_TOO_LARGE,
        f"the row's values have {totals[index].as_py():,} characters together; the agreement "
        f"allows {limit:,} in one row",
        path=source,
        row=index + 1,
        hint="a request row holds a name, an address, dates and a short reason",
    )


def _check_row_count(actual: int, expected: int | None, source: Path) -> None:
    if expected is not None and actual != expected:
        raise IntakeFileError(
            ReasonCode.SCHEMA_ROW_COUNT,
            f"the file has {actual} data rows but the manifest says {expected}",
            path=source,
            hint="the file is not the one that was signed complete; sign the batch again",
        )


def _check_request_ids(ids: pa.ChunkedArray, source: Path) -> None:
    if ids.null_count:
        row = int(pc.index(pc.is_null(ids), True).as_py()) + 1
        raise IntakeFileError(
            ReasonCode.SCHEMA_MISSING_ID,
            "the request_id is empty",
            path=source,
            row=row,
            field="request_id",
            hint="give every request a request_id, unique within the batch",
        )
    counts = pc.value_counts(ids)
    repeated = pc.filter(counts.field("values"), pc.greater(counts.field("counts"), 1))
    if len(repeated) == 0:
        return
    # Only the rows holding repeated ids reach Python; find the earliest pair.
    is_repeat = pc.is_in(ids, value_set=repeated)
    rows = pc.add(pc.indices_nonzero(is_repeat), 1)
    first_row: dict[str, int] = {}
    for row, value in zip(rows.to_pylist(), pc.filter(ids, is_repeat).to_pylist(), strict=True):
        if value in first_row:
            raise IntakeFileError(
                ReasonCode.SCHEMA_DUPLICATE_ID,
                f"request_id {value!r} is used by rows {first_row[value]} and {row}",
                path=source,
                row=row,
                field="request_id",
                hint="request ids must be unique within the batch; renumber one of the rows",
            )
        first_row[value] = row


def _contract_table(table: pa.Table) -> pa.Table:
    rows = pa.array(np.arange(1, table.num_rows + 1, dtype=np.int64))
    columns: list[pa.Array | pa.ChunkedArray] = [rows]
    for name in REQUEST_COLUMNS:
        if name in table.column_names:
            columns.append(table.column(name))
        else:
            columns.append(pa.nulls(table.num_rows, pa.string()))
    return pa.table(columns, names=[ROW_COLUMN, *REQUEST_COLUMNS])
