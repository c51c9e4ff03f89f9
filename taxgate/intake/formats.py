"""File formats at the boundary: CSV, Parquet and JSON Lines as all-text Arrow tables.

The data contract makes every value UTF-8 text, so every wanted column comes back as
``utf8`` and nothing is inferred: ``01234`` stays ``01234``. The fast path is pyarrow
throughout; only when it fails does a slow Python scan run, to name the row and field.
"""

from __future__ import annotations

import codecs
from pathlib import Path

import pyarrow as pa

from taxgate.errors import TaxgateError
from taxgate.files import (
    FileTooLargeError,
    NotRegularFileError,
    OutsideFolderError,
    read_regular,
    require_regular,
)
from taxgate.intake.csv_reader import locate_bad_text as locate_in_csv
from taxgate.intake.csv_reader import read_csv
from taxgate.intake.json_depth import MAX_JSON_DEPTH
from taxgate.intake.jsonl_reader import check_depth, read_jsonl
from taxgate.intake.jsonl_reader import locate_bad_text as locate_in_jsonl
from taxgate.intake.parquet_reader import read_parquet
from taxgate.intake.tables import (
    UTF8_HINT,
    Columns,
    Data,
    IntakeFileError,
    IntakeSchemaError,
    RawTable,
)
from taxgate.screening.codes import ReasonCode

FORMATS = {".csv": "csv", ".parquet": "parquet", ".jsonl": "jsonl"}
"""File extension → format; the contract picks the reader by extension only."""

_UTF8_STEP = 1 << 20


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
    """A file's bytes as a memory-mapped Arrow buffer (no copy, so large files fit).

    Raises:
        IntakeFileError: ``SCHEMA_UNREADABLE`` if the file cannot be opened.
    """
    try:
        # A FIFO would block the map's open for ever; a master or request file is regular.
        require_regular(path)
        return pa.memory_map(str(path)).read_buffer()
    except OSError as e:
        raise _unreadable(path, e) from e


def read_file_bytes(path: Path, *, limit: int, within: Path | None = None) -> bytes:
    """A regular file's bytes, copied into memory (so a later change cannot reach them).

    Reading stops one byte past ``limit``, so a file that grows after any earlier check is
    still bounded; a FIFO or device is refused without waiting on it.

    Args:
        path: The file.
        limit: The most bytes accepted.
        within: When given, a symbolic link must resolve to a file in this folder.

    Raises:
        IntakeFileError: ``SCHEMA_TOO_LARGE`` beyond ``limit``; ``SCHEMA_UNREADABLE`` if the
            file cannot be read, is not a regular file, or links outside ``within``.
    """
    try:
        return read_regular(path, limit=limit, within=within)
    except FileTooLargeError as e:
        raise IntakeFileError(
            ReasonCode.SCHEMA_TOO_LARGE,
            f"the file {e.strerror}",
            path=path,
            hint="split the requests into several files",
        ) from None
    except OSError as e:
        raise _unreadable(path, e) from e


def load_text_table(
    data: Data, *, source: Path, columns: Columns, max_json_depth: int = MAX_JSON_DEPTH
) -> RawTable:
    """Read ``data`` (named ``source``, whose extension picks the format) as text columns.

    Column names are stripped of surrounding whitespace; a name that occurs twice is refused.

    Args:
        data: The file's bytes (or a buffer over them).
        source: The file's path, for the format and for messages.
        columns: Which (stripped) column names to return, or None for all; the others are
            only listed.
        max_json_depth: The deepest nesting a JSON Lines line may have.

    Raises:
        IntakeFileError: The file cannot be decoded or parsed (``SCHEMA_UNREADABLE``).
        IntakeSchemaError: A column name repeats or a wanted column is not text.
    """
    fmt = file_format(source)
    try:
        return _parse(fmt, data, source, columns, max_json_depth)
    except TaxgateError:
        raise
    except Exception as e:
        # The parsers are foreign code fed untrusted bytes, and what they raise on a bad file
        # is not theirs to promise (pyarrow raised OSError and UnicodeDecodeError on mutated
        # Parquet footers): whatever escapes one is this file refused, never a traceback.
        raise IntakeFileError(
            ReasonCode.SCHEMA_UNREADABLE,
            f"the {fmt} reader cannot read this file ({type(e).__name__}: {str(e).strip()})",
            path=source,
            hint=f"write the file again with a {fmt.upper()} writer, as data-contract.md says",
        ) from e


def _parse(fmt: str, data: Data, source: Path, columns: Columns, depth: int) -> RawTable:
    if fmt == "parquet":
        return read_parquet(data, source, columns)
    if fmt == "jsonl":
        check_depth(data, source, depth)
    check_utf8(data, source=source, fmt=fmt)
    if fmt == "csv":
        return read_csv(data, source, columns)
    return read_jsonl(data, source, columns)


def check_utf8(data: Data, *, source: Path, fmt: str) -> None:
    """Validate UTF-8 in 1 MiB steps (memory stays flat); name the first bad byte's row.

    Raises:
        IntakeFileError: ``SCHEMA_UNREADABLE`` with the row (and field, where found).
    """
    _refuse_utf16(data, source=source)
    decoder = codecs.getincrementaldecoder("utf-8")()
    view = memoryview(data)
    try:
        for start in range(0, len(view), _UTF8_STEP):
            decoder.decode(view[start : start + _UTF8_STEP])
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        row, field = (locate_in_csv if fmt == "csv" else locate_in_jsonl)(data)
        if row == 0:
            message, row = "the header row is not valid UTF-8 text", None
        else:
            message = "this row is not valid UTF-8 text"
        raise IntakeFileError(
            ReasonCode.SCHEMA_UNREADABLE, message, path=source, row=row, field=field, hint=UTF8_HINT
        ) from None


_WIDE_BOMS = (
    (codecs.BOM_UTF32_LE, "UTF-32"),
    (codecs.BOM_UTF32_BE, "UTF-32"),
    (codecs.BOM_UTF16_LE, "UTF-16"),
    (codecs.BOM_UTF16_BE, "UTF-16"),
)


def _refuse_utf16(data: Data, *, source: Path) -> None:
    """A file saved as UTF-16 (or UTF-32) says so in its first bytes: name that encoding."""
    start = bytes(memoryview(data)[:4])
    for bom, encoding in _WIDE_BOMS:
        if start.startswith(bom):
            raise IntakeFileError(
                ReasonCode.SCHEMA_UNREADABLE,
                f"the file is {encoding} text (it begins with a {encoding} byte-order mark); "
                "taxgate reads UTF-8",
                path=source,
                hint=f"save it as UTF-8, for example `iconv -f {encoding} -t UTF-8 "
                f"{source.name} > utf8-{source.name}` (docs/data-contract.md §1)",
            )


def _unreadable(path: Path, error: OSError) -> IntakeFileError:
    return IntakeFileError(
        ReasonCode.SCHEMA_UNREADABLE,
        f"cannot read the file: it {error.strerror}"
        if isinstance(error, NotRegularFileError | OutsideFolderError)
        else f"cannot read the file: {error.strerror or error}",
        path=path,
        hint="check the path and that taxgate may read the file",
    )
