"""Registry of the CLI command modules; each module exposes ``register(app)``."""

from __future__ import annotations

import typer

from taxgate.cli import (
    demo_cmd,
    intake_cmd,
    ledger_cmd,
    model_cmd,
    pipeline_cmd,
    report_cmd,
    review_cmd,
    serve_cmd,
    synth_cmd,
)


def register(app: typer.Typer) -> None:
    """Attach every command module to ``app`` (one line per module)."""
    intake_cmd.register(app)
    ledger_cmd.register(app)
    synth_cmd.register(app)
    pipeline_cmd.register(app)
    model_cmd.register(app)
    report_cmd.register(app)
    review_cmd.register(app)
    demo_cmd.register(app)
    serve_cmd.register(app)
