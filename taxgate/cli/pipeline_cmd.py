"""CLI: ``master load``, ``screen``, ``run``, ``response`` and ``explain`` (thin: one library
call each)."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Annotated

import typer

from taxgate.app.explain import explain_request, explanation_lines
from taxgate.app.pipeline import export_decisions, export_response, run_batch
from taxgate.app.prescreen import screen_batch
from taxgate.cli.console import say, stderr, stdout
from taxgate.cli.days import DAY_METAVAR, parse_day
from taxgate.cli.model_cmd import train_and_save
from taxgate.cli.progress import stage_progress
from taxgate.master.load import load_master
from taxgate.store import Store
from taxgate.workspace import Workspace

WorkspaceArg = Annotated[Path, typer.Argument(metavar="WS", help="The workspace folder.")]
ManifestArg = Annotated[
    Path, typer.Argument(metavar="MANIFEST", help="The signed batch manifest (.sig beside it).")
]
AsOfOption = Annotated[
    date | None,
    typer.Option(
        parser=parse_day, metavar=DAY_METAVAR, help="As-of date (default: the request date)."
    ),
]

master_app = typer.Typer(help="The taxpayer master file.", no_args_is_help=True)


def register(app: typer.Typer) -> None:
    """Attach ``master``, ``screen``, ``run``, ``response`` and ``explain``."""
    app.add_typer(master_app, name="master")
    app.command("screen")(screen)
    app.command("run")(run)
    app.command("response")(response)
    app.command("decisions")(decisions)
    app.command("explain")(explain)


@master_app.command("load")
def master_load(
    ws: WorkspaceArg,
    master_dir: Annotated[
        Path,
        typer.Argument(metavar="MASTER_DIR", help="Folder with the taxpayers and filings tables."),
    ],
    workers: Annotated[int, typer.Option(help="Processes for standardisation.")] = 2,
) -> None:
    """Import taxpayers and filings, standardise once, record a new snapshot version."""
    workspace = Workspace.open(ws)
    with stage_progress() as progress, Store.open(workspace.store_path) as store:
        report = load_master(store, master_dir, workers=workers, progress=progress.counts)
        version = None if report.unchanged else train_and_save(workspace, store)
    if report.unchanged:
        typer.echo(f"master snapshot {report.version} already loaded; nothing changed")
        return
    typer.echo(f"model {version} trained on master snapshot {report.version}")
    typer.echo(
        f"master snapshot {report.version}: {report.taxpayers:,} taxpayers, "
        f"{report.filings:,} filings, {report.records:,} matching records, "
        f"{report.rejected_rows:,} rows rejected"
    )
    stderr.print(
        "  stages: " + ", ".join(f"{stage} {secs:.1f}s" for stage, secs in report.timings.items())
    )
    for table, row, field, problem in report.problems[:20]:
        stderr.print(f"  {table} row {row}, field {field!r}: {problem}")
    if len(report.problems) > 20:
        stderr.print(f"  ... and {len(report.problems) - 20:,} more (table master_problems)")
    for warning in report.warnings:
        stderr.print(f"  warning: {warning}")


def screen(
    ws: WorkspaceArg,
    manifest: ManifestArg,
    out: Annotated[Path, typer.Option(help="Output folder for findings.csv, screening.json.")],
    as_of: AsOfOption = None,
) -> None:
    """Verify and screen one signed batch alone: each request's findings; nothing recorded."""
    workspace = Workspace.open(ws)
    report = screen_batch(workspace, manifest, out, as_of=as_of)
    typer.echo(
        f"batch {report.batch_id}: {report.rows:,} requests, {report.passed:,} passed, "
        f"{report.rows - report.passed:,} rejected"
    )
    for code, count in sorted(report.codes.items(), key=lambda item: (-item[1], item[0])):
        typer.echo(f"  {code}: {count:,}")
    for flag in report.flags:
        typer.echo(f"  flag {flag['flag']}: {flag['message']}")
    typer.echo(f"findings: {out / 'findings.csv'}")


def run(
    ws: WorkspaceArg,
    manifest: ManifestArg,
    out: Annotated[Path, typer.Option(help="Output folder for response.csv, for the requester.")],
    as_of: AsOfOption = None,
) -> None:
    """Screen, match, decide and answer one signed batch; account for it in the ledger."""
    workspace = Workspace.open(ws)
    with stage_progress() as progress:
        report = run_batch(
            workspace,
            manifest,
            out,
            as_of=as_of,
            progress=progress.stage,
        )
    counts = ", ".join(f"{k} {v:,}" for k, v in sorted(report.counts.items()))
    typer.echo(f"batch {report.batch_id}: {counts}")
    typer.echo(f"response: {out / 'response.csv'}")
    typer.echo(
        f"decisions: kept in the workspace; `taxgate decisions {ws} {report.batch_id} "
        "--out FILE.parquet` exports them (never for the requester)"
    )
    for flag in report.batch_flags:
        stderr.print(f"  batch flag: {flag}")


def response(
    ws: WorkspaceArg,
    batch_id: Annotated[str, typer.Argument(metavar="BATCH_ID", help="A committed batch.")],
    out: Annotated[Path, typer.Option(help="Output folder.")],
) -> None:
    """Write a committed batch's response.csv again (after a crash, or for a copy)."""
    path = export_response(Workspace.open(ws), batch_id, out)
    typer.echo(str(path))


def decisions(
    ws: WorkspaceArg,
    batch_id: Annotated[str, typer.Argument(metavar="BATCH_ID", help="A committed batch.")],
    out: Annotated[Path, typer.Option(help="Output file (Parquet), for the agency only.")],
) -> None:
    """Write a committed batch's internal decisions table (every candidate, evidence and
    version); it never goes to the requester."""
    rows = export_decisions(Workspace.open(ws), batch_id, out)
    typer.echo(f"{rows:,} decision{'s' if rows != 1 else ''}: {out}")


def explain(
    ws: WorkspaceArg,
    request_id: Annotated[
        str, typer.Argument(metavar="REQUEST_ID", help="The request, as its batch names it.")
    ],
    batch: Annotated[str | None, typer.Option(help="Batch id (default: the latest).")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the same as JSON.")] = False,
) -> None:
    """Show why a request was decided as it was: the request, each candidate taxpayer with
    every comparison's weight, the rule, the address and its filing, the review."""
    explanation = explain_request(Workspace.open(ws), request_id, batch_id=batch)
    if as_json:
        typer.echo(json.dumps(explanation.as_json(), indent=2, ensure_ascii=False))
        return
    for line in explanation_lines(explanation):
        say(line, console=stdout)
