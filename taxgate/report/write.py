"""Write one batch's oversight report: gather, verify, score, draw, render, write atomically."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

from taxgate.errors import LedgerError
from taxgate.ledger.verify import VerifyReport, verify_workspace
from taxgate.output_paths import check_output_file
from taxgate.report.charts import draw_charts
from taxgate.report.data import ReportData
from taxgate.report.gather import gather_report_data
from taxgate.report.quality import score_batch
from taxgate.report.sections import render_report
from taxgate.store import Store
from taxgate.workspace import Workspace, atomic_write_text


def verify_workspace_ledger(ws: Workspace) -> VerifyReport:
    """:func:`~taxgate.ledger.verify.verify_workspace`, as the report states its outcome.

    A workspace without a ledger verifies trivially; a missing key or an unreadable export
    is a verification failure to report, not a fault that stops the report.
    """
    try:
        report = verify_workspace(ws)
    except LedgerError as e:
        index = getattr(e, "index", None)
        return VerifyReport(False, 0, 0, 0, index, None, e.message, (e.message,))
    if report is None:
        return VerifyReport(True, 0, 0, 0, None, None, "the workspace has no ledger yet")
    return report


def report_data(
    ws: Workspace,
    batch_id: str,
    *,
    truth: Path | None = None,
    baseline: Path | None = None,
    now: datetime | None = None,
) -> ReportData:
    """Everything the report on ``batch_id`` shows (see :func:`write_report`)."""
    agreement = ws.agreement()
    verification = verify_workspace_ledger(ws)
    with Store.open(ws.store_path, read_only=True) as store:
        data = gather_report_data(
            store,
            batch_id=batch_id,
            agreement=agreement,
            verification=verification,
            now=now or datetime.now(UTC),
        )
        if truth is None:
            return data
        quality = score_batch(
            store,
            batch_id,
            truth=truth,
            as_of=date.fromisoformat(data.batch.as_of),
            baseline=baseline,
        )
    return ReportData(**{**data.__dict__, "quality": quality})


def write_report(
    ws: Workspace,
    batch_id: str,
    out: Path,
    *,
    truth: Path | None = None,
    baseline: Path | None = None,
    now: datetime | None = None,
) -> Path:
    """Write the self-contained HTML oversight report of one committed batch.

    The report shows the funnel, the screening codes, the match-weight distribution with
    the agreement's thresholds, the review queue, the internal reasons of non-disclosure,
    the batch flags, the versions, the ledger checkpoint and a fresh verification of the
    ledger; with ``truth``, it also scores the batch and the 2025 baseline. It shows no
    taxpayer data: only ids, codes, counts, weights, versions and hashes.

    Args:
        ws: The workspace.
        batch_id: A batch committed in ``ws``.
        out: The HTML file to write (replaced atomically).
        truth: A synthetic world's ``truth.parquet``, to score against.
        baseline: A response file to score as the baseline; by default, the 2025 baseline
            is computed from the world folder holding ``truth``.
        now: The time stamped on the report (default: now).

    Returns:
        ``out``.

    Raises:
        WorkspaceError: No such batch. InputError: ``truth`` or ``baseline`` is unreadable
        or does not describe this batch.

    Example:
        >>> write_report(ws, batch_id, Path("report.html"))  # doctest: +SKIP
    """
    check_output_file(out, what="the report")
    data = report_data(ws, batch_id, truth=truth, baseline=baseline, now=now)
    atomic_write_text(out, render_report(data, draw_charts(data)))
    return out
