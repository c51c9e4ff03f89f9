"""CLI: ``model train`` and ``model show`` (thin: one library call each)."""

from __future__ import annotations

import math
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from taxgate.ledger.log import ledger_transaction
from taxgate.matching.model_store import (
    require_model,
    save_model,
    saved_model_event,
    train_for_master,
)
from taxgate.store import Store
from taxgate.workspace import Workspace

model_app = typer.Typer(help="The match model of a master snapshot.", no_args_is_help=True)
stdout = Console(highlight=False)
WorkspaceArg = Annotated[Path, typer.Argument(metavar="WS", help="The workspace folder.")]


def register(app: typer.Typer) -> None:
    """Attach ``model``."""
    app.add_typer(model_app, name="model")


def train_and_save(workspace: Workspace, store: Store) -> str:
    """Train the current snapshot's model and make it active; returns its version."""
    model = train_for_master(store)
    now = datetime.now(UTC)
    with ledger_transaction(store, workspace, now=now) as ledger:
        saved = save_model(store, workspace.root / "models", model, now=now)
        ledger.append([saved_model_event(saved)], now=now)
    return model.version


@model_app.command("train")
def train(ws: WorkspaceArg) -> None:
    """Estimate the model from the loaded master snapshot (deterministic; no batch needed)."""
    workspace = Workspace.open(ws)
    with Store.open(workspace.store_path) as store:
        version = train_and_save(workspace, store)
    typer.echo(f"model {version} trained on the current master snapshot")


@model_app.command("show")
def show(ws: WorkspaceArg) -> None:
    """Show the active model: each comparison level's m, u and weight in bits."""
    workspace = Workspace.open(ws)
    with Store.open(workspace.store_path, read_only=True) as store:
        model = require_model(store)
    typer.echo(f"model {model.version}")
    table = Table("comparison", "level", "m", "u", "bits")
    for comparison in model.settings["comparisons"]:
        for level in comparison["comparison_levels"]:
            if level.get("is_null_level"):
                continue
            m, u = level.get("m_probability"), level.get("u_probability")
            bits = "" if not m or not u else f"{math.log2(m / u):+.2f}"
            table.add_row(
                comparison["output_column_name"],
                str(level.get("label_for_charts", "")),
                "" if m is None else f"{m:.4g}",
                "" if u is None else f"{u:.4g}",
                bits,
            )
    stdout.print(table)
    rates = model.middle_rates
    typer.echo(
        f"second given names (from the master's filings): {rates.has_middle:.0%} have one; "
        f"a filing leaves it out {rates.omitted_per_filing:.0%} of the time"
    )
