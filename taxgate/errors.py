"""The one error tree of taxgate.

Exceptions are for faults: a file that cannot be read, a signature that does not verify, a
workspace in the wrong state. A *defective request* is not a fault; screening reports it as a
``Finding`` and the batch goes on.

::

    TaxgateError                      root; the CLI maps every subclass to an exit code
    ├── ConfigError                   an agreement file or setting is invalid
    ├── InputError                    a user-supplied file is malformed (file, row, field)
    │   └── SchemaError               required columns missing, both address styles, ...
    ├── IntakeRefused                 the whole batch is refused before any row is read
    │   (carries a reason code: SIGNER_*, SCHEMA_*, DUPLICATE batch id)
    ├── PathError                     a path is the wrong kind (a file for a folder), or unwritable
    ├── WorkspaceError                the workspace is missing, locked or in the wrong state
    ├── StoreError                    the storage engine failed (translated from DuckDB)
    ├── LedgerError                   the ledger is inconsistent or cannot be appended
    │   └── LedgerVerificationError   verification found a bad entry (names its index)
    ├── WitnessRefused                a witness will not cosign: rollback, fork, bad signature
    ├── DisclosureRefused             a run or release is not allowed (legal hold, replay)
    ├── AccessDenied                  the service refused a person or token (sign-in, role)
    └── OutputsNotWritten             committed, but a fault stopped the files being written
"""

from __future__ import annotations

from pathlib import Path


class TaxgateError(Exception):
    """Root of every error taxgate raises on purpose."""

    exit_code: int = 1

    def __init__(self, message: str, *, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        if self.hint:
            return f"{self.message}\n  how to fix: {self.hint}"
        return self.message


class ConfigError(TaxgateError):
    """An agreement file or a setting is invalid."""

    exit_code = 3


class InputError(TaxgateError):
    """A user-supplied file is malformed. Names the file, row and field where known."""

    exit_code = 4

    def __init__(
        self,
        message: str,
        *,
        path: Path | str | None = None,
        row: int | None = None,
        field: str | None = None,
        hint: str | None = None,
    ) -> None:
        where = []
        if path is not None:
            where.append(f"file {path}")
        if row is not None:
            where.append(f"row {row}")
        if field is not None:
            where.append(f"field {field!r}")
        full = f"{', '.join(where)}: {message}" if where else message
        super().__init__(full, hint=hint)
        self.path = None if path is None else str(path)
        self.row = row
        self.field = field


class SchemaError(InputError):
    """The columns of a file do not follow the data contract."""


class IntakeRefused(TaxgateError):
    """The whole batch is refused before any request row is looked at."""

    exit_code = 5

    def __init__(self, code: str, message: str, *, hint: str | None = None) -> None:
        super().__init__(f"{code}: {message}", hint=hint)
        self.code = code


class PathError(TaxgateError):
    """A path given to taxgate is the wrong kind (a file where a folder is needed, or the
    reverse) or cannot be created. Checked before anything is done, so nothing is written."""

    exit_code = 10

    def __init__(self, message: str, *, path: Path | str, hint: str | None = None) -> None:
        super().__init__(message, hint=hint)
        self.path = str(path)


class WorkspaceError(TaxgateError):
    """The workspace is missing, locked, or not in the state the command needs."""

    exit_code = 6


class StoreLocked(WorkspaceError):
    """The workspace store is held by another process for longer than the caller would wait."""


class StoreError(TaxgateError):
    """The storage engine failed."""

    exit_code = 7


class LedgerError(TaxgateError):
    """The ledger cannot be appended to or read consistently."""

    exit_code = 8


class LedgerVerificationError(LedgerError):
    """Verification found a bad entry; ``index`` is the first bad one."""

    def __init__(self, message: str, *, index: int | None = None) -> None:
        super().__init__(message)
        self.index = index


class WitnessRefused(TaxgateError):
    """A witness refuses to cosign a checkpoint: it is not signed by the log's pinned key,
    it does not start from the size the witness cosigned last, or it rolls the log back or
    forks it (no consistency proof from the witness's checkpoint). ``status`` is the
    tlog-witness HTTP status the refusal corresponds to (403, 404, 409, 422)."""

    exit_code = 13

    def __init__(self, message: str, *, status: int = 409, hint: str | None = None) -> None:
        super().__init__(message, hint=hint)
        self.status = status


class DisclosureRefused(TaxgateError):
    """A run or release is not allowed: a legal hold, or a batch already released."""

    exit_code = 9


class AccessDenied(TaxgateError):
    """The service refused: a wrong sign-in, a locked account, or a role without the right.

    ``status`` is the HTTP status the web layer answers with (401 unknown, 403 forbidden).
    """

    exit_code = 12

    def __init__(self, message: str, *, status: int = 403, hint: str | None = None) -> None:
        super().__init__(message, hint=hint)
        self.status = status


class OutputsNotWritten(TaxgateError):
    """The store committed (the decisions and ledger entries are permanent), but a fault
    (a full disk, Ctrl-C, a killed export) stopped the output files being written after.

    Nothing is lost: ``hint`` names the command that writes the files again from the store.
    """

    exit_code = 11

    def __init__(self, message: str, *, hint: str, cause: BaseException) -> None:
        reason = "interrupted" if isinstance(cause, KeyboardInterrupt) else _reason(cause)
        super().__init__(f"{message} ({reason})", hint=hint)


def _reason(cause: BaseException) -> str:
    if isinstance(cause, OSError) and cause.strerror:
        where = f" {cause.filename}" if cause.filename else ""
        return f"{cause.strerror}{where}"
    return str(cause) or type(cause).__name__
