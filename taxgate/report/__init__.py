"""Oversight reports: one batch as a self-contained HTML page, and the annual statistics.

The report is for disclosure analysts, auditors and courts. It never shows taxpayer data:
only ids, codes, counts, match weights, versions and hashes. The layers are kept apart:

* :mod:`taxgate.report.gather`: aggregate queries giving a frozen :class:`ReportData`;
* :mod:`taxgate.report.quality` and :mod:`taxgate.report.baseline`: scores against a
  synthetic world's truth, beside the 2025 baseline;
* :mod:`taxgate.report.charts`: matplotlib figures as SVG strings;
* :mod:`taxgate.report.markup` and :mod:`taxgate.report.sections`: the escaped HTML page;
* :mod:`taxgate.report.annual`: the §6103(p)(3)(C) statistics as CSV or HTML.

Example:
    >>> from taxgate.report import write_report
    >>> write_report(ws, batch_id, Path("report.html"))  # doctest: +SKIP
"""

from __future__ import annotations

from taxgate.report.annual import StatisticsFormat, render_statistics
from taxgate.report.baseline import baseline_2025_response
from taxgate.report.data import ReportData
from taxgate.report.write import report_data, write_report

__all__ = [
    "ReportData",
    "StatisticsFormat",
    "baseline_2025_response",
    "render_statistics",
    "report_data",
    "write_report",
]
