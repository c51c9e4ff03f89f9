"""``taxgate screen``: intake and screening alone, the first stage of ``taxgate run``.

A disclosure analyst (or the requesting agency, before it sends a batch for real) sees every
request's findings without a request being matched against the master file or anything
being disclosed. The batch is verified exactly as ``run`` verifies it (signature, signer,
agreement version, file hash, replay against the workspace's received batches; docs/signing.md)
and screened by the same code (``taxgate.screening``). Nothing is recorded: screening alone
receives no batch, so the ledger is untouched and the same batch can still be run.

Outputs, written atomically (each file is whole or absent; ``screening.json`` last, so its
presence means the pass completed):

* ``DIR/findings.csv``: one row per request in request order: ``request_id``, ``screening``
  (``PASSED`` or ``REJECTED``), ``reason_codes`` (``;``-separated, the response's codes) and
  ``findings`` (a JSON list of ``{"code", "field", "message"}``, the readable detail);
* ``DIR/screening.json``: the batch id, requester, request date, counts per outcome and per
  code, and the batch flags.

The findings concern the request itself, never the master file: whether anyone filed is not
consulted, so the output reveals no return information.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from taxgate.app.pipeline import batch_known
from taxgate.intake.as_of import check_as_of, check_as_of_against_request
from taxgate.intake.verification import VerifiedBatch, read_verified_requests, verify_batch
from taxgate.output_paths import check_output_folder
from taxgate.screening.request import ScreeningResult, screen_requests
from taxgate.spreadsheet_csv import rows_to_csv
from taxgate.store import Store
from taxgate.workspace import Workspace, atomic_write_bytes

FINDINGS_COLUMNS = ("request_id", "screening", "reason_codes", "findings")


@dataclass(frozen=True)
class ScreenReport:
    """What a screening pass found: the batch, counts per outcome and code, and flags."""

    batch_id: str
    requester: str
    request_date: date
    rows: int
    passed: int
    codes: dict[str, int]
    flags: tuple[dict[str, Any], ...]

    def as_json(self) -> dict[str, Any]:
        return {
            "batch_id": self.batch_id,
            "requesting_agency": self.requester,
            "request_date": self.request_date.isoformat(),
            "rows": self.rows,
            "passed": self.passed,
            "rejected": self.rows - self.passed,
            "reason_codes": dict(sorted(self.codes.items())),
            "batch_flags": list(self.flags),
        }


def findings_csv(screening: ScreeningResult) -> bytes:
    """The per-request findings as CSV bytes (``FINDINGS_COLUMNS``), in request order.

    Spreadsheet-safe like the response: a request id that would begin a formula is written
    with a leading apostrophe.
    """
    rows = []
    for row in screening.rows:
        detail = [
            {"code": f.code.value, "field": f.field, "message": f.message} for f in row.findings
        ]
        rows.append(
            (
                row.request_id,
                "PASSED" if row.passed else "REJECTED",
                ";".join(row.response_codes),
                json.dumps(detail, ensure_ascii=False) if detail else "",
            )
        )
    return rows_to_csv(FINDINGS_COLUMNS, rows).encode("utf-8")


def summarise(
    screening: ScreeningResult, *, batch_id: str, requester: str, request_date: date
) -> ScreenReport:
    """Counts per outcome and per reason code, and the batch flags, of one screening."""
    codes = Counter(code.value for row in screening.rows for code in set(row.codes))
    flags = tuple(
        {"flag": f.flag.value, "count": f.count, "message": f.message} for f in screening.flags
    )
    return ScreenReport(
        batch_id=batch_id,
        requester=requester,
        request_date=request_date,
        rows=len(screening),
        passed=screening.passed_count,
        codes=dict(codes),
        flags=flags,
    )


def verify_new_batch(ws: Workspace, manifest: Path, *, now: datetime) -> VerifiedBatch:
    """Verify a batch as ``run`` does, replays included (the workspace's received batches).

    Raises:
        IntakeRefused: the batch fails a check (its code names which; docs/signing.md).
    """
    with Store.open(ws.store_path, read_only=True) as store:
        return verify_batch(
            manifest, agreement=ws.agreement(), is_replay=lambda b: batch_known(store, b), now=now
        )


def screen_batch(
    ws: Workspace,
    manifest: Path,
    out_dir: Path,
    *,
    as_of: date | None = None,
    now: datetime | None = None,
) -> ScreenReport:
    """Verify and screen one signed batch; write ``findings.csv`` and ``screening.json``.

    Raises:
        IntakeRefused: the batch fails verification (its code names the check).
        IntakeFileError: the request file cannot be read (file, row and field named).
    """
    check_output_folder(out_dir, what="the output folder (findings.csv, screening.json)")
    now = now or datetime.now(UTC)
    agreement = ws.agreement()
    if as_of is not None:
        check_as_of(as_of, agreement=agreement, today=now.date())
    verified = verify_new_batch(ws, manifest, now=now)
    if as_of is not None:
        check_as_of_against_request(
            as_of, request_date=verified.manifest.request_date, agreement=agreement
        )
    table = read_verified_requests(verified).table
    request_date = as_of or verified.manifest.request_date
    screening = screen_requests(table, agreement=agreement, request_date=request_date)
    report = summarise(
        screening,
        batch_id=verified.manifest.batch_id,
        requester=verified.manifest.requesting_agency,
        request_date=request_date,
    )
    atomic_write_bytes(out_dir / "findings.csv", findings_csv(screening))
    summary = json.dumps(report.as_json(), indent=2, ensure_ascii=False) + "\n"
    atomic_write_bytes(out_dir / "screening.json", summary.encode("utf-8"))
    return report
