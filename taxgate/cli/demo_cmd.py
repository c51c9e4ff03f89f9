"""CLI: ``taxgate demo``, the README's main job (thin: one library call)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from taxgate.app.demo import DECISIONS_FILE, DemoSettings, run_demo, summary_rows
from taxgate.cli.console import stderr


def register(app: typer.Typer) -> None:
    """Attach ``demo``."""
    app.command("demo")(demo)


def demo(
    out: Annotated[
        Path,
        typer.Option(help="Folder for everything the demo makes (an earlier demo is replaced)."),
    ] = Path("demo-out"),
    taxpayers: Annotated[int, typer.Option(help="Taxpayers in the synthetic world.")] = 20_000,
    requests: Annotated[int, typer.Option(help="Requests in the signed batch.")] = 2_000,
    seed: Annotated[int, typer.Option(help="Seed of the synthetic world.")] = 2025,
    address_style: Annotated[str, typer.Option(help="'split' columns or one 'line'.")] = "split",
) -> None:
    """Run the whole job end to end on a synthetic world and print a short summary."""
    settings = DemoSettings(
        out=out, taxpayers=taxpayers, requests=requests, seed=seed, address_style=address_style
    )
    result = run_demo(settings, say=lambda line: stderr.print(f"[dim]{line}[/]"))
    table = Table("", "taxgate", "2025 baseline", title="taxgate demo")
    for row in summary_rows(result.counts, result.score, result.baseline_score):
        table.add_row(*row)
    stderr.print(table)
    stderr.print(
        f"ledger: {'verified' if result.ledger_ok else 'NOT VERIFIED'}: {result.ledger_message}"
    )
    for label, path in (
        ("world (synthetic)", result.out / "world"),
        ("workspace", result.workspace),
        ("response", result.out / "response" / "response.csv"),
        ("decisions", result.out / DECISIONS_FILE),
        ("report", result.report),
    ):
        typer.echo(f"{label:<18} {path}")
    if not result.ledger_ok:
        raise typer.Exit(1)
