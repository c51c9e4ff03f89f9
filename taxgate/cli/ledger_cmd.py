"""CLI: ``ledger verify|proof``, ``accounting``, ``hold``, ``withhold``, ``recall`` (thin)."""

from __future__ import annotations

import json
from dataclasses import asdict
from datetime import UTC, date, datetime
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from taxgate.cli import witness_cmd
from taxgate.cli.console import say, stderr, stdout
from taxgate.cli.days import DAY_METAVAR, parse_day
from taxgate.cli.tables import disclosure_tables, holds_table, statistics_tables
from taxgate.disclosure.batches import list_batches, require_batch
from taxgate.disclosure.counts import count_lines
from taxgate.errors import InputError
from taxgate.ledger.accounting import disclosure_statistics, list_disclosures
from taxgate.ledger.hold import (
    holds,
    lift_hold,
    lift_withhold,
    set_hold,
    set_withhold,
)
from taxgate.ledger.log import Ledger, ledger_transaction
from taxgate.ledger.migrate import migrate_workspace
from taxgate.ledger.recall import recall_disclosures, write_recall_documents
from taxgate.ledger.trust import read_trusted_key, verify_trusted
from taxgate.ledger.verify import VerifyReport, verify_workspace
from taxgate.plural import counted
from taxgate.report.annual import render_statistics
from taxgate.spreadsheet_csv import rows_to_csv
from taxgate.store import Store
from taxgate.workspace import Workspace

ledger_app = typer.Typer(help="The tamper-evident ledger.", no_args_is_help=True)

WsArg = Annotated[Path, typer.Argument(metavar="WS", help="The workspace folder.")]


class OutputFormat(StrEnum):
    """How accounting prints."""

    TABLE = "table"  # a Rich table on the terminal
    CSV = "csv"  # comma-separated, with a header row
    JSON = "json"  # a JSON array of objects
    HTML = "html"  # a self-contained page (--stats only; taxgate.report.annual)


def register(app: typer.Typer) -> None:
    """Attach ``ledger``, ``accounting``, ``hold``, ``withhold`` and ``recall``."""
    app.add_typer(ledger_app, name="ledger")
    witness_cmd.register(app, ledger_app)
    app.command("accounting")(accounting)
    app.command("hold")(hold)
    app.command("withhold")(withhold)
    app.command("recall")(recall)


@ledger_app.command("verify")
def verify(
    ws: WsArg,
    trusted_key: Annotated[
        Path | None,
        typer.Option(help="The log's public key held outside the workspace (PEM or vkey)."),
    ] = None,
    witness_state: Annotated[
        list[Path] | None,
        typer.Option(help="A witness's state file: its cosigned checkpoint (repeatable)."),
    ] = None,
    checkpoints: Annotated[
        Path | None,
        typer.Option(help="Checkpoints held outside: an export copy or a checkpoint.txt."),
    ] = None,
) -> None:
    """Re-hash every entry and record, check every checkpoint; name the first bad entry."""
    workspace = Workspace.open(ws)
    if trusted_key is None and (witness_state or checkpoints):
        raise InputError(
            "--witness-state and --checkpoints are checked with the log's key held outside "
            "the workspace",
            field="trusted-key",
            hint="add --trusted-key PEM (the log's public key, kept since `taxgate init`)",
        )
    if trusted_key is not None:
        report: VerifyReport | None = verify_trusted(
            workspace,
            trusted_key=read_trusted_key(trusted_key),
            checkpoints=checkpoints,
            witness_states=witness_state or (),
        )
    else:
        report = verify_workspace(workspace)
    if report is None:
        typer.echo("the workspace has no ledger yet")
        return
    for problem in report.problems[1:]:
        stderr.print(f"  also: {problem}")
    report.raise_if_bad()
    typer.echo(report.message)


@ledger_app.command("migrate")
def migrate(
    ws: WsArg,
    ledger_key: Annotated[
        Path | None,
        typer.Option(help="Where the new signing key goes, or the key to adopt (outside WS)."),
    ] = None,
) -> None:
    """Move a workspace from its in-workspace ECDSA key to a C2SP key held outside it."""
    workspace = Workspace.open(ws)
    done = migrate_workspace(workspace, ledger_key=ledger_key, now=datetime.now(UTC))
    say(f"ledger {done.origin} now signs C2SP checkpoints with {done.key_path}")
    if done.legacy_key_moved_to is not None:
        say(f"the legacy key was moved out of the workspace to {done.legacy_key_moved_to}")
    say(f"checkpoint {done.checkpoint.seq} covers all {done.checkpoint.size} entries")
    typer.echo(workspace.keys_dir / "ledger.vkey")


@ledger_app.command("proof")
def proof(
    ws: WsArg,
    index: Annotated[int, typer.Option("--index", help="The entry to prove.")],
) -> None:
    """Print the inclusion proof of one entry in the latest signed checkpoint, as JSON."""
    workspace = Workspace.open(ws)
    with Store.open(workspace.store_path, read_only=True) as store:
        result = Ledger(store).proof_for(index)
    typer.echo(json.dumps(result.to_json_dict(), indent=2))


def accounting(
    ws: WsArg,
    tin: Annotated[str | None, typer.Option(help="Disclosures about this taxpayer.")] = None,
    batch: Annotated[str | None, typer.Option(help="Disclosures of this batch.")] = None,
    requester: Annotated[str | None, typer.Option(help="Disclosures to this agency.")] = None,
    since: Annotated[
        date | None,
        typer.Option(
            "--from", parser=parse_day, metavar=DAY_METAVAR, help="First day (UTC), inclusive."
        ),
    ] = None,
    until: Annotated[
        date | None,
        typer.Option(
            "--to", parser=parse_day, metavar=DAY_METAVAR, help="Last day (UTC), inclusive."
        ),
    ] = None,
    stats: Annotated[
        int | None, typer.Option("--stats", metavar="YEAR", help="6103(p)(3)(C) figures.")
    ] = None,
    output: Annotated[
        OutputFormat,
        typer.Option("--format", help="table, csv, json, or html (with --stats only)."),
    ] = OutputFormat.TABLE,
) -> None:
    """The accounting of disclosures (6103(p)(3)(A)), or the (p)(3)(C) statistics."""
    workspace = Workspace.open(ws)
    with Store.open(workspace.store_path, read_only=True) as store:
        if output is OutputFormat.HTML or (stats is not None and output is OutputFormat.CSV):
            if stats is None:
                raise InputError("--format html goes with --stats YEAR", field="format")
            terms = workspace.agreement()
            typer.echo(render_statistics(store, year=stats, fmt=output, agreement=terms), nl=False)
            return
        if stats is not None:
            figures = disclosure_statistics(store, year=stats)
            if output is OutputFormat.TABLE:
                _print_tables(statistics_tables(figures), f"6103(p)(3)(C) statistics, {stats}")
                return
            rows = [{**asdict(s), "purposes": "; ".join(s.purposes)} for s in figures]
            _print_rows(rows, output)
            return
        found = list_disclosures(
            store, tin=tin, batch_id=batch, requester=requester, since=since, until=until
        )
        known = [] if batch is None else list_batches(store, batch_id=batch)
        if batch is not None and not known and not found:
            require_batch(store, batch)  # refuses: the workspace has no such batch
    counts = known[0].counts if known else None
    if output is not OutputFormat.TABLE:
        _print_rows([asdict(d) for d in found], output, flat=output is OutputFormat.CSV)
        return
    if counts is not None:
        # The batch's counts: the same figures as the report, `batch list` and `explain`.
        typer.echo(f"batch {batch}: {counted(counts.received, 'request')}")
        for line in count_lines(counts):
            typer.echo(f"  {line}")
    _print_tables(disclosure_tables(found), "disclosures")


def hold(
    ws: WsArg,
    requester: Annotated[
        str | None, typer.Option(help="The requesting agency (omit to list holds).")
    ] = None,
    order: Annotated[str | None, typer.Option(help="The court order setting or lifting.")] = None,
    lift: Annotated[bool, typer.Option("--lift", help="Lift the hold.")] = False,
    hold_id: Annotated[str | None, typer.Option(help="Which hold, when several.")] = None,
) -> None:
    """Stop (or with --lift, resume) every disclosure to a requester by court order."""
    workspace = Workspace.open(ws)
    # Listing the holds only reads; setting or lifting one writes.
    with Store.open(workspace.store_path, read_only=requester is None) as store:
        if requester is None:
            found = holds(store)
            if found:
                stdout.print(holds_table(found))
            else:
                typer.echo("legal holds: none")
            return
        if not order:
            raise InputError("--order names the court order", field="order")
        now = datetime.now(UTC)
        with ledger_transaction(store, workspace, now=now) as ledger:
            if lift:
                record = lift_hold(
                    ledger, requester=requester, order_ref=order, now=now, hold_id=hold_id
                )
            else:
                record = set_hold(ledger, requester=requester, order_ref=order, now=now)
    verb = "lifted" if lift else "in force: no disclosure to " + requester
    typer.echo(f"legal hold {record.hold_id} {verb} (ledger entry {_entry(record)})")


def withhold(
    ws: WsArg,
    tin: Annotated[str, typer.Option(help="The taxpayer's TIN.")],
    why: Annotated[str, typer.Option(help="The 6103(i)(6) ground (kept in the workspace).")],
    lift: Annotated[bool, typer.Option("--lift", help="Take the taxpayer off the list.")] = False,
) -> None:
    """Put a taxpayer on (or take off) the 6103(i)(6) withhold list."""
    workspace = Workspace.open(ws)
    now = datetime.now(UTC)
    with (
        Store.open(workspace.store_path) as store,
        ledger_transaction(store, workspace, now=now) as ledger,
    ):
        if lift:
            record = lift_withhold(ledger, tin=tin, why=why, now=now)
        else:
            record = set_withhold(ledger, tin=tin, why=why, now=now)
    state = "lifted" if lift else "set"
    typer.echo(f"withhold {record.withhold_id} {state} (ledger entry {_entry(record)})")


def recall(
    ws: WsArg,
    batch: Annotated[str, typer.Option(help="The batch whose disclosures are recalled.")],
    why: Annotated[str, typer.Option(help="What was wrong (no taxpayer data).")],
    request: Annotated[
        list[str] | None, typer.Option(help="Only these requests (repeatable).")
    ] = None,
) -> None:
    """Recall erroneous disclosures: ledger, disposal request, incident report for the IG."""
    workspace = Workspace.open(ws)
    terms = workspace.agreement()
    now = datetime.now(UTC)
    with Store.open(workspace.store_path) as store:
        with ledger_transaction(store, workspace, now=now) as ledger:
            record = recall_disclosures(
                ledger, batch_id=batch, request_ids=request, why=why, now=now
            )
        out_dir = workspace.root / "recalls" / record.recall_id
        paths = write_recall_documents(
            record, out_dir, incident_report_hours=terms.reporting.incident_report_hours
        )
    recalled = counted(len(record.request_ids), "disclosure")
    typer.echo(f"{record.recall_id}: {recalled} of {batch} recalled")
    for path in paths:
        typer.echo(str(path))


def _entry(record: Any) -> int:
    lifted = getattr(record, "lifted_entry", None)
    return int(lifted if lifted is not None else record.set_entry)


def _print_tables(tables: list[Table], title: str) -> None:
    """Print ``tables``, or say there is nothing under ``title``."""
    if not tables:
        typer.echo(f"{title}: none")
        return
    for table in tables:
        stdout.print(table)


def _print_rows(rows: list[dict[str, Any]], output: OutputFormat, *, flat: bool = False) -> None:
    """Print rows as JSON, or as CSV (every field; an address joined into one cell)."""
    if output is OutputFormat.JSON:
        typer.echo(json.dumps(rows, indent=2))
        return
    if flat:
        rows = [_joined_address(row) for row in rows]
    names = list(rows[0]) if rows else []
    # Request ids and requesters come from requesting agencies: spreadsheet-safe.
    typer.echo(rows_to_csv(names, ([r[n] for n in names] for r in rows)) if rows else "", nl=False)


def _joined_address(row: dict[str, Any]) -> dict[str, Any]:
    address = row.pop("address")
    parts = [address.get(k) for k in ("street", "unit", "city", "state", "zip")]
    row["address"] = ", ".join(str(p) for p in parts if p)
    return row
