"""CLI: ``review list|approve|decline|supplement`` (thin: one library call each)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from taxgate.app.review import (
    PendingReview,
    ReviewRecord,
    decide_review,
    pending_reviews,
    write_supplement,
)
from taxgate.cli.console import stdout
from taxgate.disclosure.batches import require_batch
from taxgate.plural import counted
from taxgate.store import Store
from taxgate.workspace import Workspace

review_app = typer.Typer(
    help="Human review of requests held by the policy (domain 4): approve or decline.",
    no_args_is_help=True,
)

WsArg = Annotated[Path, typer.Argument(metavar="WS", help="The workspace folder.")]
BatchOpt = Annotated[str, typer.Option("--batch", help="The batch the request came in.")]
RequestOpt = Annotated[str, typer.Option("--request", help="The request held for review.")]
ReviewerOpt = Annotated[str, typer.Option(help="The disclosure officer deciding.")]
WhyOpt = Annotated[str, typer.Option(help="The grounds (kept in the ledger record).")]


def register(app: typer.Typer) -> None:
    """Attach ``review``."""
    app.add_typer(review_app, name="review")


@review_app.command("list")
def list_pending(
    ws: WsArg,
    batch: Annotated[str | None, typer.Option("--batch", help="Only this batch.")] = None,
) -> None:
    """List the requests held for review that no reviewer has decided yet."""
    workspace = Workspace.open(ws)
    with Store.open(workspace.store_path, read_only=True) as store:
        if batch is not None:
            require_batch(store, batch)
        pending = pending_reviews(store, batch_id=batch)
    if not pending:
        typer.echo("pending reviews: none")
        return
    by_batch: dict[str, list[PendingReview]] = {}
    for p in pending:
        by_batch.setdefault(p.batch_id, []).append(p)
    for batch_id, rows in by_batch.items():
        table = Table(title=f"batch {batch_id}: {counted(len(rows), 'pending review')}")
        for name in ("request", "reason", "candidate TIN", "weight", "margin", "as of"):
            table.add_column(name, overflow="fold")
        for p in rows:
            table.add_row(
                p.request_id,
                p.reason,
                p.tin or "",
                "" if p.match_weight is None else f"{p.match_weight:.1f}",
                "" if p.margin is None else f"{p.margin:.1f}",
                p.as_of,
            )
        stdout.print(table)


@review_app.command("approve")
def approve(
    ws: WsArg,
    batch: BatchOpt,
    request: RequestOpt,
    reviewer: ReviewerOpt,
    why: WhyOpt,
    out: Annotated[Path, typer.Option(help="Folder for supplement-<batch>-<request>.csv.")],
) -> None:
    """Approve: re-check holds, withholds and the LKA, then disclose in a supplement."""
    record = decide_review(
        Workspace.open(ws),
        batch_id=batch,
        request_id=request,
        approve=True,
        reviewer=reviewer,
        why=why,
        out_dir=out,
        now=datetime.now(UTC),
    )
    _report(record)


@review_app.command("decline")
def decline(
    ws: WsArg, batch: BatchOpt, request: RequestOpt, reviewer: ReviewerOpt, why: WhyOpt
) -> None:
    """Decline: record the review; nothing is released."""
    record = decide_review(
        Workspace.open(ws),
        batch_id=batch,
        request_id=request,
        approve=False,
        reviewer=reviewer,
        why=why,
        out_dir=None,
        now=datetime.now(UTC),
    )
    _report(record)


@review_app.command("supplement")
def supplement(
    ws: WsArg,
    batch: BatchOpt,
    request: RequestOpt,
    out: Annotated[Path, typer.Option(help="Folder for supplement-<batch>-<request>.csv.")],
) -> None:
    """Write an approved review's supplementary response again (nothing new is decided)."""
    typer.echo(
        str(write_supplement(Workspace.open(ws), batch_id=batch, request_id=request, out_dir=out))
    )


def _report(record: ReviewRecord) -> None:
    """Ids and entries only: the address is in the supplement, never on the terminal."""
    verb = record.state.value.lower()
    typer.echo(
        f"{record.review_id}: request {record.request_id} of batch {record.batch_id} {verb} "
        f"by {record.reviewer} (ledger entry {record.review_entry})"
    )
    if record.supplement is not None:
        typer.echo(f"disclosed (ledger entry {record.disclosure_entry}): {record.supplement}")
    else:
        typer.echo("nothing released")
