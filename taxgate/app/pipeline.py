"""``taxgate run``: one signed batch, end to end, all or nothing.

intake (signature, signer, agreement, file hash, replay) → read → screening → standardised
features → candidates → Splink scores → policy → holds and withholds → last known address →
response staged → store and ledger (one transaction with a signed checkpoint) → response
renamed into place. A run killed at any point leaves either no trace (and may simply be run
again) or a committed batch whose response ``taxgate response`` writes again; a fault after
the commit says so (``OutputsNotWritten``).

``--out`` receives the response, the batch's signed checkpoint (``checkpoint.txt``) and an
inclusion proof of each disclosure (``proofs.json``): it goes to the requester. The internal
decisions table (every candidate's TIN, weights and versions) stays in the workspace store
and is exported by ``taxgate decisions`` (data contract §3, §4).
"""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from taxgate.agreement import Agreement
from taxgate.app.review_queue import add_batch_to_queue, ensure_pending_table
from taxgate.collector import cycle_collector_paused
from taxgate.disclosure.records import (
    DECISION_SCHEMA,
    CandidatesEncoder,
    candidates_json,
    finding_details_json,
    hypotheses_json,
    insert_batch_sql,
    runs_ddl_sql,
    standardised_json,
)
from taxgate.disclosure.response import RESPONSE_COLUMNS, ResponseRow, response_csv
from taxgate.errors import (
    DisclosureRefused,
    IntakeRefused,
    OutputsNotWritten,
    TaxgateError,
    WorkspaceError,
)
from taxgate.fault_points import reach
from taxgate.files import discard, make_owner_only_dir, publish, remove_stale_staged, stage_bytes
from taxgate.intake.as_of import check_as_of, check_as_of_against_request
from taxgate.intake.manifest import read_manifest_bytes
from taxgate.intake.tables import IntakeFileError
from taxgate.intake.verification import (
    VerifiedBatch,
    read_verified_requests,
    verify_signature,
    verify_signed_batch,
)
from taxgate.ledger import events as ev
from taxgate.ledger.adoption import events_before_use
from taxgate.ledger.binding import batch_record, decision_record
from taxgate.ledger.hold import active_hold, has_table, withheld_tins
from taxgate.ledger.log import Ledger, ledger_transaction
from taxgate.ledger.receipts import require_receipt, write_receipt
from taxgate.ledger.verify import verify_workspace
from taxgate.master.lookup import LastKnownAddress, last_known_addresses, lka_columns
from taxgate.matching.answer_once import refusal_findings, refuse_later_requests_for_one_taxpayer
from taxgate.matching.decide import (
    POLICY_VERSION,
    CandidateEvidence,
    Decision,
    Outcome,
    Reason,
    apply_restrictions,
    overrule,
)
from taxgate.matching.engine import MatchResult, run_matching
from taxgate.matching.features import feature_rows, feature_table
from taxgate.matching.model import MatchModel
from taxgate.matching.model_store import (
    active_model,
    save_model,
    saved_model_event,
    train_for_master,
)
from taxgate.output_paths import check_output_file, check_output_folder, creating
from taxgate.screening.address import screen_address
from taxgate.screening.codes import ReasonCode
from taxgate.screening.findings import Finding
from taxgate.screening.request import ScreenedRequest, ScreeningResult, screen_requests
from taxgate.standardise.address_parts import RawAddress
from taxgate.store import Store
from taxgate.workspace import Workspace, atomic_write_bytes

Progress = Callable[[str], None]


@dataclass(frozen=True)
class RunReport:
    """What one run did."""

    batch_id: str
    out_dir: Path
    counts: dict[str, int]
    model_version: str
    batch_flags: tuple[str, ...]
    timings: dict[str, float] = field(default_factory=dict)
    ledger_size: int = 0


def ensure_run_schema(store: Store) -> None:
    """Create the run tables if missing; a read-only store creates nothing (a table it lacks
    reads as empty)."""
    if not store.read_only:
        store.execute(runs_ddl_sql())


def require_master(store: Store) -> None:
    row = store.fetchone(
        "SELECT count(*) FROM information_schema.tables WHERE table_name = 'master_records'"
    )
    if not row or not row[0]:
        raise WorkspaceError(
            "the workspace has no master file loaded",
            hint="load one with `taxgate master load WS MASTER_DIR`",
        )


def batch_known(store: Store, batch_id: str) -> bool:
    if not has_table(store, "batches"):
        return False
    return store.fetchone("SELECT 1 FROM batches WHERE batch_id = ?", [batch_id]) is not None


RUN_MEMORY_LIMIT = "2GB"
"""DuckDB's buffer cap for a run. A run's Python side (the batch's evidence, decisions and
ledger records) is most of its memory; on the 1,000,000-taxpayer, 100,000-request bench world
the store's default cap (4 GB) took the whole run's peak to 6.6 GB and this one to 6.1 GB,
at 153 and 158 CPU seconds, within the shared machine's noise (bench/RESULTS.md, 2026-12-08
h21)."""


class _Clock:
    def __init__(self, progress: Progress | None) -> None:
        self.timings: dict[str, float] = {}
        self._stage: str | None = None
        self._start = time.perf_counter()
        self._progress = progress

    def stage(self, name: str) -> None:
        now = time.perf_counter()
        if self._stage is not None:
            self.timings[self._stage] = round(now - self._start, 3)
        self._stage, self._start = name, now
        if self._progress:
            self._progress(name)

    def done(self) -> dict[str, float]:
        self.stage("done")
        self.timings.pop("done", None)
        return self.timings


def run_batch(
    ws: Workspace,
    manifest: Path,
    out_dir: Path,
    *,
    as_of: date | None = None,
    now: datetime | None = None,
    progress: Progress | None = None,
) -> RunReport:
    """Run one signed batch through the whole pipeline; see the module docstring."""
    check_output_folder(out_dir, what="the output folder (response.csv)")
    now = now or datetime.now(UTC)
    clock = _Clock(progress)
    agreement = ws.agreement()
    if as_of is not None:
        check_as_of(as_of, agreement=agreement, today=now.date())
    with Store.open(ws.store_path, memory_limit=RUN_MEMORY_LIMIT) as store:
        ensure_run_schema(store)
        require_master(store)
        adoption = events_before_use(store, ws)
        clock.stage("intake")
        verified, table = _intake(store, ws, manifest, agreement, now)
        reach("run:verified")
        if as_of is not None:
            check_as_of_against_request(
                as_of, request_date=verified.manifest.request_date, agreement=agreement
            )
        request_date = as_of or verified.manifest.request_date
        clock.stage("screening")
        screening = screen_requests(table, agreement=agreement, request_date=request_date)
        reach("run:screened")
        stored = active_model(store)
        if stored is None:
            # A workspace whose master was loaded before models were trained per snapshot:
            # train it now, from the master alone, and keep it with this batch's commit.
            clock.stage("training")
        model = train_for_master(store) if stored is None else stored.model
        features = screened_features(screening)
        match = run_matching(
            store,
            features,
            policy=agreement.policy,
            model=model,
            progress=lambda s: clock.stage(f"matching:{s}"),
        )
        reach("run:matched")
        clock.stage("disclosure")
        requester = verified.manifest.requesting_agency
        legal_hold = active_hold(store, requester) is not None
        withheld = withheld_tins(store)
        hold_for_flags = bool(screening.flags) and agreement.screening.hold_release_on_flags
        restricted = [
            apply_restrictions(
                match.decisions[r.request_id],
                legal_hold=legal_hold,
                withheld_tins=withheld,
                hold_for_flags=hold_for_flags,
            )
            for r in screening.rows
            if r.passed
        ]
        passed_ids = [r.request_id for r in screening.rows if r.passed]
        # Domain §3: a later request resolving to an answered taxpayer is a DUPLICATE.
        answered_once = refuse_later_requests_for_one_taxpayer(restricted)
        decisions = dict(zip(passed_ids, answered_once, strict=True))
        lkas = last_known_addresses(
            store,
            (d.tin for d in decisions.values() if d.outcome is Outcome.DISCLOSE and d.tin),
            request_date,
        )
        with cycle_collector_paused():  # a few dicts and strings per row, none in a cycle
            rows = _assemble(
                verified, table, screening, decisions, match, lkas, request_date, agreement
            )
        reach("run:assembled")
        clock.stage("commit")
        # The candidates' evidence, scores and pairs are in the assembled rows now: the
        # commit, which holds the batch's tables and ledger records, does not keep them too.
        model = match.model
        del match
        report = _commit(
            store,
            ws,
            verified,
            rows,
            screening,
            model,
            agreement,
            request_date,
            out_dir,
            now,
            clock,
            as_of_override=as_of is not None,
            adoption=adoption,
        )
    return report


def _intake(
    store: Store, ws: Workspace, manifest: Path, agreement: Agreement, now: datetime
) -> tuple[VerifiedBatch, pa.Table]:
    """Verify and read the batch; a refusal is recorded in the ledger, then raised.

    §6103(p)(3)(A): every request is recorded, but only what is known. Before the signature
    verifies, the refusal records the manifest file's hash and the reason, nothing it claims;
    after, the signed claims (batch id, requester, row count) are recorded with it.
    """
    try:
        signed = verify_signature(manifest, agreement=agreement, now=now)
    except IntakeRefused as refusal:
        refused = ev.batch_refused(file_sha256=_manifest_sha256(manifest), code=str(refusal.code))
        _record_refusal(store, ws, refused, now)
        raise
    try:
        verified = verify_signed_batch(
            signed, agreement=agreement, is_replay=lambda b: batch_known(store, b), now=now
        )
        return verified, read_verified_requests(verified).table
    except (IntakeRefused, IntakeFileError) as refusal:
        claims = signed.manifest
        refused = ev.batch_refused_verified(
            batch_id=claims.batch_id,
            requester=claims.requesting_agency,
            code=str(refusal.code),
            rows=claims.row_count,
            file_sha256=signed.sha256,
            replay=refusal.code == ReasonCode.SIGNER_REPLAY,
        )
        _record_refusal(store, ws, refused, now)
        raise


def _manifest_sha256(manifest: Path) -> str:
    """SHA-256 of the refused manifest's bytes; empty when it cannot be read at all."""
    try:
        return hashlib.sha256(read_manifest_bytes(manifest)).hexdigest()
    except TaxgateError:
        return ""


def _record_refusal(store: Store, ws: Workspace, refused: ev.LedgerEvent, now: datetime) -> None:
    """Account for a refused batch (§6103(p)(3)(A): every request is recorded)."""
    with ledger_transaction(store, ws, now=now) as ledger:
        ledger.append([refused], now=now)


def screened_features(screening: ScreeningResult) -> pa.Table:
    """The matching features of the requests that passed screening (``uid`` = request id)."""
    passed = [r for r in screening.rows if r.passed]
    rows = feature_rows([r.name for r in passed], [r.address for r in passed])
    extra = {
        "uid": pa.array([r.request_id for r in passed], pa.string()),
        "tin": pa.array([r.tin for r in passed], pa.string()),
        "date_of_birth": pa.array([r.date_of_birth for r in passed], pa.string()),
    }
    return feature_table(rows, extra)


@dataclass
class _Assembled:
    responses: list[ResponseRow]
    decisions: list[dict[str, Any]]
    events: list[ev.LedgerEvent]
    response_rows: list[dict[str, Any]] = field(default_factory=list)


def lka_is_usable(lka: LastKnownAddress) -> bool:
    """Whether the address on file would pass taxgate's own address screening.

    An address taxgate would reject in a request (a box without its number, a street
    without a house number) is never disclosed as an answer either.
    """
    raw = RawAddress(street=lka.street, unit=lka.unit, city=lka.city, state=lka.state, zip=lka.zip)
    return not screen_address(raw)[1]


def _final_decision(decision: Decision, lka: LastKnownAddress | None) -> Decision:
    if decision.outcome is not Outcome.DISCLOSE:
        return decision
    if lka is None or not lka_is_usable(lka):
        if lka is None:
            return overrule(decision, Outcome.NOT_DISCLOSED, Reason.NO_LKA)
        return overrule(decision, Outcome.REVIEW, Reason.LKA_UNUSABLE)
    return decision


@dataclass(frozen=True)
class _BatchFacts:
    """What every row of one batch's decisions and ledger entries shares."""

    batch_id: str
    requester: str
    versions: dict[str, str]
    flags: list[str]
    request_date: date
    agreement: Agreement
    candidates: CandidatesEncoder = field(default_factory=CandidatesEncoder)
    """Writes the rows' ``candidates`` text, each shared levels and weights mapping once."""


def _assemble(
    verified: VerifiedBatch,
    table: pa.Table,
    screening: ScreeningResult,
    decisions: dict[str, Decision],
    match: MatchResult,
    lkas: dict[str, LastKnownAddress],
    request_date: date,
    agreement: Agreement,
) -> _Assembled:
    manifest = verified.manifest
    facts = _BatchFacts(
        batch_id=manifest.batch_id,
        requester=manifest.requesting_agency,
        versions={
            "model_version": match.model.version,
            "policy_version": POLICY_VERSION,
            "agreement_version": agreement.agreement.version,
        },
        flags=sorted(f.flag.value for f in screening.flags),
        request_date=request_date,
        agreement=agreement,
    )
    out = _Assembled([], [], [])
    for raw, screened in zip(table.to_pylist(), screening.rows, strict=True):
        request_id = screened.request_id
        out.events.append(
            ev.request_screened(
                batch_id=facts.batch_id,
                request_id=request_id,
                codes=[f.code.value for f in screened.findings],
                statute=screened.statute_key,
                request={k: v for k, v in raw.items() if v is not None},
            )
        )
        evidence = match.evidence.get(request_id, [])
        if screened.passed:
            decision = decisions[request_id]
        else:
            decision = Decision(Outcome.REJECTED, Reason.SCREENING)
        lka = lkas.get(decision.tin or "") if decision.outcome is Outcome.DISCLOSE else None
        decision = _final_decision(decision, lka)
        # A request refused after matching (DUPLICATE) passed screening: its findings and
        # codes are those of the refusal.
        findings = (*screened.findings, *refusal_findings(decision))
        codes = [f.code.value for f in findings]
        response = _response_row(request_id, decision, tuple(dict.fromkeys(codes)), lka)
        out.responses.append(response)
        out.response_rows.append(
            {
                "batch_id": facts.batch_id,
                "row": raw["row"],
                **dict(zip(RESPONSE_COLUMNS, response.as_tuple(), strict=True)),
            }
        )
        out.decisions.append(
            _decision_row(facts, raw, screened, decision, findings, response, evidence, lka)
        )
        out.events.extend(
            _decided_events(
                facts, screened, decision, codes, evidence, lka, out, match.model.version
            )
        )
    return out


def _decision_row(
    facts: _BatchFacts,
    raw: dict[str, Any],
    screened: ScreenedRequest,
    decision: Decision,
    findings: tuple[Finding, ...],
    response: ResponseRow,
    evidence: list[CandidateEvidence],
    lka: LastKnownAddress | None,
) -> dict[str, Any]:
    """One request's row of the internal decisions table: every candidate and version."""
    chosen = next((c for c in evidence if c.record_id == decision.record_id), None)
    return {
        "batch_id": facts.batch_id,
        "row": raw["row"],
        "request_id": screened.request_id,
        "decision": decision.outcome.value,
        "outcome": response.outcome,
        "reason": decision.reason.value,
        "reason_codes": response.reason_codes,
        "findings": [f"{f.code.value}:{f.field}" for f in findings],
        "batch_flags": facts.flags,
        "candidate_records": len(evidence),
        "candidate_taxpayers": decision.candidate_taxpayers,
        "tin": decision.tin,
        "record_id": decision.record_id,
        "match_weight": decision.weight,
        "margin": decision.margin,
        "runner_up_tin": decision.runner_up_tin,
        "levels": None if chosen is None else facts.candidates.mapping(chosen.levels),
        "candidates": candidates_json(evidence, facts.candidates),
        "notes": list(decision.notes),
        **lka_columns(lka),
        "as_of": facts.request_date.isoformat(),
        **facts.versions,
        "hypotheses": hypotheses_json(decision),
        "request_standardised": standardised_json(screened.name, screened.address),
        "finding_details": finding_details_json(findings, raw),
    }


def _decided_events(
    facts: _BatchFacts,
    screened: ScreenedRequest,
    decision: Decision,
    codes: list[str],
    evidence: list[CandidateEvidence],
    lka: LastKnownAddress | None,
    out: _Assembled,
    model_version: str,
) -> list[ev.LedgerEvent]:
    """The ledger entries of one request after screening: matched (when it passed),
    decided (binding its decision and response rows, the last ``out`` holds), and the
    disclosure."""
    request_id = screened.request_id
    events = []
    if screened.passed:
        events.append(
            ev.LedgerEvent(
                ev.EventKind.REQUEST_MATCHED,
                facts.batch_id,
                request_id,
                attrs={
                    "candidate_records": len(evidence),
                    "candidate_taxpayers": decision.candidate_taxpayers,
                    "best_weight": decision.weight,
                    "margin": decision.margin,
                    "model_version": model_version,
                },
            )
        )
    events.append(
        ev.request_decided(
            batch_id=facts.batch_id,
            request_id=request_id,
            decision=decision.outcome.value,
            codes=codes if codes else [decision.reason.value],
            model_version=model_version,
            policy_version=POLICY_VERSION,
            score=decision.weight,
            bound=decision_record(out.decisions[-1], out.response_rows[-1]),
        )
    )
    if lka is not None and decision.outcome is Outcome.DISCLOSE and decision.tin:
        events.append(
            ev.disclosure(
                batch_id=facts.batch_id,
                request_id=request_id,
                requester=facts.requester,
                agreement_id=facts.agreement.agreement.id,
                agreement_version=facts.agreement.agreement.version,
                statute=screened.statute_key or "",
                tin=decision.tin,
                address=lka.address_fields(),
                as_of=lka.as_of,
            )
        )
    return events


def _response_row(
    request_id: str, decision: Decision, codes: tuple[str, ...], lka: LastKnownAddress | None
) -> ResponseRow:
    if decision.outcome is Outcome.REJECTED:
        return ResponseRow(request_id, "REJECTED", ";".join(codes))
    if decision.outcome is Outcome.DISCLOSE and lka is not None:
        return ResponseRow(
            request_id,
            "DISCLOSED",
            "",
            lka.street,
            lka.unit,
            lka.city,
            lka.state,
            lka.zip,
            lka.as_of.isoformat(),
        )
    return ResponseRow(request_id, "NOT_DISCLOSED")


@dataclass(frozen=True)
class _Commit:
    """What a batch's commit writes, worked out before its transaction opens."""

    verified: VerifiedBatch
    agreement: Agreement
    request_date: date
    now: datetime
    as_of_override: bool
    model: MatchModel
    model_is_new: bool
    flags: list[str]
    counts: dict[str, int]
    decisions: list[dict[str, Any]]  # the decisions table's rows (:func:`_insert_decisions`)
    responses: pa.Table
    received: list[ev.LedgerEvent]

    @property
    def batch_id(self) -> str:
        """The batch being committed."""
        return self.verified.manifest.batch_id


def _commit(
    store: Store,
    ws: Workspace,
    verified: VerifiedBatch,
    assembled: _Assembled,
    screening: ScreeningResult,
    model: MatchModel,
    agreement: Agreement,
    request_date: date,
    out_dir: Path,
    now: datetime,
    clock: _Clock,
    *,
    as_of_override: bool,
    adoption: list[ev.LedgerEvent],
) -> RunReport:
    plan = _plan_commit(
        store, verified, assembled, screening, model, agreement, request_date, now, as_of_override
    )
    # The response rows are in the plan's table (and the ledger records hold their own).
    assembled.response_rows.clear()
    # The response is staged beside its final name first; it replaces nothing until the
    # store has committed, so a crash leaves either no trace or a complete, committed batch.
    target = out_dir / RESPONSE_FILE
    staged = _stage_response(target, response_csv(assembled.responses))
    reached_commit = False
    try:
        reach("run:staged")
        with ledger_transaction(store, ws, now=now) as ledger:
            timings = _write_batch(store, ws, ledger, plan, clock, adoption, assembled)
            size = Ledger(store).size()
            reach("run:commit")
            reached_commit = True
        reach("run:committed")
        publish(staged, target)
        write_receipt(require_receipt(store, plan.batch_id), out_dir)
        reach("run:published")
    except BaseException as fault:
        discard(staged)
        # Past the batch's own writes, the fault may have come after the commit (the
        # checkpoint export, the rename, a full disk, Ctrl-C): the store says which.
        if reached_commit and _committed(store, plan.batch_id):
            raise _outputs_not_written(ws, plan.batch_id, out_dir, fault) from fault
        raise
    return RunReport(
        batch_id=plan.batch_id,
        out_dir=out_dir,
        counts=plan.counts,
        model_version=model.version,
        batch_flags=tuple(plan.flags),
        timings=timings,
        ledger_size=size,
    )


def _plan_commit(
    store: Store,
    verified: VerifiedBatch,
    assembled: _Assembled,
    screening: ScreeningResult,
    model: MatchModel,
    agreement: Agreement,
    request_date: date,
    now: datetime,
    as_of_override: bool,
) -> _Commit:
    """The batch's tables, counts and first two ledger events (nothing is written)."""
    counts: dict[str, int] = {}
    for d in assembled.decisions:
        counts[d["decision"]] = counts.get(d["decision"], 0) + 1
    return _Commit(
        verified=verified,
        agreement=agreement,
        request_date=request_date,
        now=now,
        as_of_override=as_of_override,
        model=model,
        model_is_new=active_model(store) is None,
        flags=sorted(f.flag.value for f in screening.flags),
        counts=counts,
        decisions=assembled.decisions,
        responses=pa.Table.from_pylist(assembled.response_rows),
        received=_received_events(verified, agreement, request_date, as_of_override),
    )


def _received_events(
    verified: VerifiedBatch, agreement: Agreement, request_date: date, as_of_override: bool
) -> list[ev.LedgerEvent]:
    """BATCH_RECEIVED and SIGNATURE_VERIFIED: the batch's terms and who signed it."""
    manifest = verified.manifest
    return [
        ev.batch_received(
            batch_id=manifest.batch_id,
            requester=manifest.requesting_agency,
            agreement_id=agreement.agreement.id,
            agreement_version=agreement.agreement.version,
            file_sha256=manifest.request_sha256,
            rows=manifest.row_count,
            request_date=manifest.request_date,
            as_of=request_date,
            as_of_override=as_of_override,
        ),
        ev.LedgerEvent(
            ev.EventKind.SIGNATURE_VERIFIED,
            manifest.batch_id,
            attrs={
                "signer": manifest.signer,
                "signer_key": verified.signer_key,
                "manifest_sha256": verified.manifest_sha256,
            },
        ),
    ]


def _write_batch(
    store: Store,
    ws: Workspace,
    ledger: Ledger,
    plan: _Commit,
    clock: _Clock,
    adoption: list[ev.LedgerEvent],
    assembled: _Assembled,
) -> dict[str, float]:
    """Inside the batch's transaction: refuse a replay, save a new model, insert the
    decisions, responses and batch rows, and append the batch's ledger events in order.

    Returns the stage timings (taken once the rows are inserted)."""
    if batch_known(store, plan.batch_id):
        raise DisclosureRefused(
            f"batch {plan.batch_id} was already answered",
            hint="use `taxgate response` to re-export",
        )
    ensure_pending_table(store)  # a workspace from before the table: built before this batch
    model_events = []
    if plan.model_is_new:
        saved = save_model(store, ws.root / "models", plan.model, now=plan.now)
        model_events.append(saved_model_event(saved))
    _insert_decisions(store, plan.decisions)
    store.insert_arrow("responses", plan.responses)
    timings = clock.done()
    batch_row = _batch_row(plan, timings)
    release = ev.batch_released(
        batch_id=plan.batch_id,
        counts=plan.counts,
        batch_flags=plan.flags,
        model_version=plan.model.version,
        policy_version=POLICY_VERSION,
        bound=batch_record(batch_row),
    )
    events = [*adoption, *model_events, *plan.received, *assembled.events, release]
    ledger.append(events, now=plan.now)
    store.execute(insert_batch_sql(tuple(batch_row)), list(batch_row.values()))
    add_batch_to_queue(store, plan.batch_id)  # the review queue, in this transaction
    return timings


DECISIONS_SLICE = 10_000
"""Decisions rows converted to Arrow and inserted together."""


def _insert_decisions(store: Store, rows: list[dict[str, Any]]) -> None:
    """Insert the batch's decisions rows a slice at a time, then let them go: the batch's
    table is never held whole as Arrow beside the rows (the ledger records keep their own
    copies of them)."""
    for offset in range(0, len(rows), DECISIONS_SLICE):
        part = rows[offset : offset + DECISIONS_SLICE]
        store.insert_arrow("decisions", pa.Table.from_pylist(part, schema=DECISION_SCHEMA))
    rows.clear()


def _batch_row(plan: _Commit, timings: dict[str, float]) -> dict[str, Any]:
    """The ``batches`` row, bound into the BATCH_RELEASED entry's record."""
    manifest = plan.verified.manifest
    return {
        "batch_id": plan.batch_id,
        "requester": manifest.requesting_agency,
        "signer": manifest.signer,
        "manifest_sha256": plan.verified.manifest_sha256,
        "request_sha256": manifest.request_sha256,
        "rows": manifest.row_count,
        "request_date": manifest.request_date,
        "as_of": plan.request_date,
        "received_at": plan.now.isoformat(),
        "state": "RELEASED",
        "batch_flags": plan.flags,
        "model_version": plan.model.version,
        "policy_version": POLICY_VERSION,
        "agreement_id": plan.agreement.agreement.id,
        "agreement_version": plan.agreement.agreement.version,
        "timings": json.dumps(timings, sort_keys=True),
        "as_of_override": plan.as_of_override,
    }


RESPONSE_FILE = "response.csv"
"""The one file ``run`` writes into ``--out``: the response, for the requester (§3)."""


def _stage_response(target: Path, data: bytes) -> Path:
    """Create ``--out`` (owner-only) if needed, clear dead runs' leftovers, stage the file."""
    with creating(target.parent, what="the output folder"):
        if not target.parent.exists():
            make_owner_only_dir(target.parent)
        remove_stale_staged(target)
        # Left by taxgate before the decisions table stayed in the workspace.
        remove_stale_staged(target.with_name("decisions.parquet"))
        return stage_bytes(target, data)


def _committed(store: Store, batch_id: str) -> bool:
    """Whether ``batch_id`` is committed; True when the store cannot say (claim nothing)."""
    try:
        return batch_known(store, batch_id)
    except TaxgateError:
        return True


def _outputs_not_written(
    ws: Workspace, batch_id: str, out_dir: Path, fault: BaseException
) -> OutputsNotWritten:
    return OutputsNotWritten(
        f"batch {batch_id} is committed (its decisions and ledger entries are kept), but its "
        f"response was not written to {out_dir}",
        hint=f"write it from the store: `taxgate response {ws.root} {batch_id} --out {out_dir}`",
        cause=fault,
    )


def require_batch(store: Store, batch_id: str) -> None:
    """Refuse a batch id the workspace has not committed."""
    ensure_run_schema(store)
    if not batch_known(store, batch_id):
        raise WorkspaceError(
            f"no batch {batch_id!r} in this workspace",
            hint="list batches with `taxgate batch list WS`",
        )


def export_decisions(ws: Workspace, batch_id: str, out_file: Path) -> int:
    """Write a committed batch's internal decisions table (data contract §3, §4) to
    ``out_file`` as Parquet, readable by its owner only: it names every candidate taxpayer
    and never goes to the requester. Returns the number of rows."""
    check_output_file(out_file, what="the decisions file")
    with Store.open(ws.store_path, read_only=True) as store:
        require_batch(store, batch_id)
        table = store.arrow("SELECT * FROM decisions WHERE batch_id = ? ORDER BY row", [batch_id])
    sink = pa.BufferOutputStream()
    pq.write_table(table, sink, compression="zstd")
    atomic_write_bytes(out_file, sink.getvalue().to_pybytes())
    return int(table.num_rows)


def export_response(ws: Workspace, batch_id: str, out_dir: Path) -> Path:
    """Write a committed batch's response file again, from the store (no new decision).

    This is the recovery after a fault between the commit and the rename: the file is the
    one ``run`` would have written, byte for byte. The ledger is verified first, the stored
    response rows included: a row edited behind the ledger's back never goes out.

    Raises:
        LedgerVerificationError: The ledger, or a stored row it binds, does not verify.
    """
    check_output_folder(out_dir, what="the output folder (response.csv)")
    verified = verify_workspace(ws)
    if verified is not None:
        verified.raise_if_bad()
    with Store.open(ws.store_path, read_only=True) as store:
        require_batch(store, batch_id)
        rows = store.fetchall(
            f"SELECT {', '.join(RESPONSE_COLUMNS)} FROM responses WHERE batch_id = ? ORDER BY row",
            [batch_id],
        )
        receipt = require_receipt(store, batch_id)
    target = out_dir / RESPONSE_FILE
    data = response_csv([ResponseRow(*(v or "" for v in r)) for r in rows])
    staged = _stage_response(target, data)
    try:
        publish(staged, target)
    except BaseException:
        discard(staged)
        raise
    write_receipt(receipt, out_dir)
    return target
