"""CLI: ``taxgate report`` (one batch's oversight report; thin: one library call)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from taxgate.errors import ConfigError
from taxgate.report import write_report
from taxgate.workspace import Workspace


def register(app: typer.Typer) -> None:
    """Attach ``report`` to ``app`` (once)."""
    if not any(c.callback is report for c in app.registered_commands):
        app.command("report")(report)


def report(
    ws: Annotated[Path, typer.Argument(metavar="WS", help="The workspace folder.")],
    batch_id: Annotated[str, typer.Argument(metavar="BATCH_ID", help="A committed batch.")],
    out: Annotated[Path, typer.Option(help="The HTML file to write.")],
    truth: Annotated[
        Path | None,
        typer.Option(help="A synthetic world's truth.parquet: score taxgate and the baseline."),
    ] = None,
    baseline: Annotated[
        Path | None,
        typer.Option(help="A response CSV to score as the baseline (default: the 2025 rules)."),
    ] = None,
) -> None:
    """Write a batch's oversight report: one self-contained HTML page, no taxpayer data."""
    if baseline is not None and truth is None:
        raise ConfigError("--baseline is scored against --truth", hint="give --truth as well")
    typer.echo(str(write_report(Workspace.open(ws), batch_id, out, truth=truth, baseline=baseline)))
