"""annual: the §6103(p)(3)(C) statistics as CSV and HTML, from the library and the CLI."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime
from pathlib import Path

import pytest

from taxgate.agreement import default_agreement_path, load_agreement
from taxgate.cli.main import run_cli
from taxgate.errors import InputError
from taxgate.ledger.accounting import AgencyStatistics
from taxgate.report.annual import purpose_names, render_statistics, statistics_csv, statistics_html
from taxgate.store import Store

from .conftest import BatchWorld

STATS = [
    AgencyStatistics("ICE", 2025, 3000, 1863, 1850, ("8-1253-(a)(1)",), 1, 0, 2),
    AgencyStatistics("<DEA>", 2025, 10, 0, 0, (), 2, 1, 0),
]
NOW = datetime(2026, 1, 15, tzinfo=UTC)


def test_csv_has_one_row_per_agency_and_every_field() -> None:
    rows = list(csv.DictReader(io.StringIO(statistics_csv(STATS))))
    assert [r["requester"] for r in rows] == ["ICE", "<DEA>"]
    assert rows[0]["instances_disclosed"] == "1863" and rows[0]["purposes"] == "8-1253-(a)(1)"
    assert list(rows[0]) == [
        "requester",
        "year",
        "requests",
        "instances_disclosed",
        "taxpayers_affected",
        "purposes",
        "batches",
        "batches_refused",
        "recalled",
    ]


def test_html_names_the_purposes_totals_agencies_and_escapes() -> None:
    purposes = purpose_names(load_agreement(default_agreement_path()))
    html = statistics_html(STATS, year=2025, purposes=purposes, now=NOW)
    assert "8 U.S.C. 1253(a)(1)" in html and "&lt;DEA&gt;" in html and "<DEA>" not in html
    assert "All agencies" in html and "<strong>3,010</strong>" in html
    assert "Instances disclosed" in html and "Taxpayers affected" in html
    assert "2026-01-15T00:00:00+00:00" in html and "<script" not in html


def test_html_of_an_empty_year_says_so() -> None:
    assert "No request was received in 1999." in statistics_html([], year=1999, now=NOW)


def test_an_unknown_format_is_an_input_error() -> None:
    with Store.memory() as store, pytest.raises(InputError, match="use csv or html"):
        render_statistics(store, year=2025, fmt="pdf")


def year_of(batch_world: BatchWorld) -> int:
    with Store.open(batch_world.workspace.store_path) as store:
        row = store.fetchone("SELECT received_at FROM batches LIMIT 1")
    assert row is not None
    return int(str(row[0])[:4])


def test_accounting_stats_as_html_and_csv_through_the_cli(
    batch_world: BatchWorld, capsys: pytest.CaptureFixture[str]
) -> None:
    year = str(year_of(batch_world))
    assert run_cli(["accounting", str(batch_world.ws), "--stats", year, "--format", "csv"]) == 0
    (row,) = csv.DictReader(io.StringIO(capsys.readouterr().out))
    with Store.open(batch_world.workspace.store_path) as store:
        disclosed = store.fetchone("SELECT count(*) FROM decisions WHERE decision = 'DISCLOSE'")
    assert disclosed is not None
    assert row["requester"] == "ICE" and int(row["instances_disclosed"]) == disclosed[0]
    assert run_cli(["accounting", str(batch_world.ws), "--stats", year, "--format", "html"]) == 0
    html = capsys.readouterr().out
    assert html.startswith("<!DOCTYPE html>") and f"statistics for {year}" in html
    assert f'<td class="num">{int(row["requests"]):,}</td>' in html


def test_html_without_stats_is_refused(batch_world: BatchWorld, tmp_path: Path) -> None:
    assert run_cli(["accounting", str(batch_world.ws), "--format", "html"]) == InputError.exit_code
