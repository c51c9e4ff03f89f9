"""``taxgate demo``: the whole job on an embedded default, end to end, in a couple of minutes.

synthetic world → workspace → signer keys → signed batch → master load → run (screen, match,
decide, respond, account) → score against the world's truth → the 2025 baseline on the same
world → ledger verification → the oversight report. Every step is the library call the CLI
commands make; nothing here is special to the demo.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from taxgate.agreement import default_agreement_path, load_agreement
from taxgate.app.pipeline import RunReport, export_decisions, run_batch
from taxgate.disclosure.counts import BatchCounts, batch_counts
from taxgate.disclosure.response import ResponseRow, response_csv
from taxgate.errors import WorkspaceError
from taxgate.intake.enrolment import add_signer
from taxgate.intake.keys import new_keypair
from taxgate.intake.signing import sign_batch
from taxgate.ledger.verify import verify_workspace
from taxgate.master.load import load_master
from taxgate.report.baseline import baseline_2025_response
from taxgate.report.write import write_report
from taxgate.store import Store
from taxgate.synth import generate_world, score_files
from taxgate.workspace import Workspace, atomic_write_bytes

Say = Callable[[str], None]
SIGNER = "ice-director"
REQUEST_DATE = date(2025, 7, 15)

DECISIONS_FILE = "decisions.parquet"
"""The demo's internal decisions table, in ``--out`` beside the response folder."""


@dataclass(frozen=True)
class DemoSettings:
    """The embedded default: a small world that runs in well under two minutes."""

    out: Path = Path("demo-out")
    taxpayers: int = 20_000
    requests: int = 2_000
    seed: int = 2025
    address_style: str = "split"


@dataclass(frozen=True)
class DemoResult:
    """Where everything is, and how it went."""

    out: Path
    workspace: Path
    run: RunReport
    counts: BatchCounts
    score: dict[str, Any]
    baseline_score: dict[str, Any]
    ledger_ok: bool
    ledger_message: str
    report: Path


def run_demo(settings: DemoSettings, *, say: Say = lambda _line: None) -> DemoResult:
    """Run the whole job on a fresh synthetic world under ``settings.out``.

    An earlier demo in ``settings.out`` (a folder holding the ``DEMO`` marker) is replaced,
    and ``say`` tells so first; any other existing folder is refused.

    Raises:
        WorkspaceError: ``settings.out`` exists and is not a demo folder.
    """
    out = settings.out
    if out.exists():
        if not (out / "DEMO").exists():
            raise WorkspaceError(
                f"{out} exists and is not a taxgate demo folder",
                hint="name another --out folder, or remove this one",
            )
        # Said, never silent: the folder may hold reviews or notes from the last demo.
        say(f"{out} holds an earlier demo; it is replaced (give --out to keep it)")
        shutil.rmtree(out)
    out.mkdir(parents=True)
    (out / "DEMO").write_text("made by `taxgate demo`; safe to delete\n", encoding="utf-8")

    say(f"1/8 synthetic world: {settings.taxpayers:,} taxpayers, {settings.requests:,} requests")
    world = out / "world"
    generate_world(
        world,
        taxpayers=settings.taxpayers,
        requests=settings.requests,
        seed=settings.seed,
        address_style=settings.address_style,
        request_date=REQUEST_DATE,
    )
    say("2/8 workspace, signer keys, signed batch")
    ws = Workspace.create(out / "ws", load_agreement(default_agreement_path()))
    _, public = new_keypair(out / "keys", SIGNER)
    add_signer(ws, name=SIGNER, public_key_path=public, valid_from=date(2025, 4, 7))
    manifest = sign_batch(
        world / "requests.csv",
        key_path=out / "keys" / f"{SIGNER}.key.pem",
        signer=SIGNER,
        out=world / "manifest.json",
        request_date=REQUEST_DATE,
    )
    say("3/8 master file load and standardisation")
    with Store.open(ws.store_path) as store:
        load_master(store, world / "master")
    say("4/8 run: screen → match → decide → respond → ledger")
    run = run_batch(ws, manifest, out / "response")
    # The internal decisions table, beside (never inside) the requester's response folder.
    export_decisions(ws, run.batch_id, out / DECISIONS_FILE)
    say("5/8 score against the world's truth")
    score = score_files(out / "response" / "response.csv", world / "truth.parquet")
    say("6/8 the 2025 baseline on the same world")
    baseline_response = out / "baseline-2025.csv"
    rows = baseline_2025_response(world, as_of=REQUEST_DATE)
    atomic_write_bytes(baseline_response, response_csv([ResponseRow(**row) for row in rows]))
    baseline_score = score_files(baseline_response, world / "truth.parquet")
    say("7/8 ledger verification")
    verified = verify_workspace(ws)
    ledger_ok = verified is not None and verified.ok
    ledger_message = "no ledger" if verified is None else verified.message
    with Store.open(ws.store_path) as store:
        counts = batch_counts(store, run.batch_id)
    say("8/8 oversight report")
    report = write_report(
        ws,
        run.batch_id,
        out / "report.html",
        truth=world / "truth.parquet",
        baseline=baseline_response,
    )
    return DemoResult(
        out=out,
        workspace=ws.root,
        run=run,
        counts=counts,
        score=score,
        baseline_score=baseline_score,
        ledger_ok=ledger_ok,
        ledger_message=ledger_message,
        report=report,
    )


def summary_rows(
    counts: BatchCounts, score: dict[str, Any], baseline: dict[str, Any]
) -> list[tuple[str, str, str]]:
    """The demo's summary: (what, taxgate, the 2025 baseline) per row.

    taxgate's outcomes are the batch's counts (:mod:`taxgate.disclosure.counts`, the figures
    the report, ``accounting`` and ``explain`` read); the baseline's are its scored response.
    """
    theirs = baseline["outcomes"]
    rows = [("disclosed", f"{counts.disclosed:,}", f"{theirs.get('DISCLOSED', 0):,}")]
    if counts.approved:
        rows.append(("  of which after review", f"{counts.approved:,}", ""))
    rows.append(
        ("not disclosed", f"{counts.not_disclosed:,}", f"{theirs.get('NOT_DISCLOSED', 0):,}")
    )
    # A request held for review answers NOT_DISCLOSED until an officer approves it.
    rows.append(("  of which held for review", f"{counts.pending_review:,}", ""))
    if counts.declined:
        rows.append(("  of which declined on review", f"{counts.declined:,}", ""))
    rows.append(("rejected", f"{counts.rejected:,}", f"{theirs.get('REJECTED', 0):,}"))
    for label, key in (("precision", "precision"), ("recall", "recall")):
        rows.append((label, _percent(score[key]), _percent(baseline[key])))
    rows.append(
        ("harmful disclosures", f"{score['harmful_total']:,}", f"{baseline['harmful_total']:,}")
    )
    return rows


def _percent(value: Any) -> str:
    return f"{100 * float(value):.2f} %"
