"""Read one request's decision, evidence, review and batch counts from the store, and explain.

Every figure comes from what the run and the reviews recorded: the decisions row (candidates,
hypotheses, the request as standardised, findings), the request as received (its ledger
record), the review, and the batch's counts (:mod:`taxgate.disclosure.counts`, the one
source the report, ``accounting`` and the demo read too). Only an address that was not
disclosed is looked up now, in the master file loaded now, and the explanation says so.
"""

from __future__ import annotations

import json
import re
from collections.abc import Collection
from datetime import date
from typing import Any

from taxgate.agreement import Agreement
from taxgate.app.explain.address import (
    DISCLOSED,
    DISCLOSED_AFTER_REVIEW,
    WOULD_BE_DISCLOSED,
    address_view,
    current_lka,
    stored_lka,
)
from taxgate.app.explain.candidates import (
    Weighed,
    address_disagreement,
    candidate_views,
    evidence_from_json,
)
from taxgate.app.explain.model import AddressView, Explanation, FindingView, ReviewView
from taxgate.app.explain.rules import DecisionFacts, rule_sentence
from taxgate.app.explain.words import day_words, mask_tin
from taxgate.disclosure.counts import batch_counts, count_lines, request_standing
from taxgate.disclosure.records import present_columns
from taxgate.errors import WorkspaceError
from taxgate.ledger.canonical import parse_attrs
from taxgate.ledger.events import EventKind
from taxgate.ledger.hold import has_table
from taxgate.master.lookup import LastKnownAddress
from taxgate.matching.decide import CandidateEvidence, Outcome, Reason
from taxgate.screening.codes import ReasonCode
from taxgate.store import Store
from taxgate.workspace import Workspace

_LKA = ("lka_street", "lka_unit", "lka_city", "lka_state", "lka_zip", "lka_as_of", "lka_source")
_COLUMNS = (
    "batch_id", "row", "decision", "outcome", "reason", "reason_codes", "findings", "tin",
    "record_id", "match_weight", "candidate_taxpayers", "candidates", "notes", "as_of",
    "model_version", "policy_version", "agreement_version", "hypotheses",
    "request_standardised", "finding_details", *_LKA,
)  # fmt: skip


def decision_sql(*, present: Collection[str] = _COLUMNS, with_override: bool = True) -> str:
    """The decision on one request, latest batch first (params: request id, batch id or
    NULL, batch id or NULL). A column the decisions table does not have (a batch of an
    earlier taxgate) reads as NULL; so does a batch's missing ``as_of_override``, read then
    from its dates."""
    selected = ", ".join(f"d.{c}" if c in present else f"NULL AS {c}" for c in _COLUMNS)
    override = "b.as_of_override" if with_override else "NULL"
    return f"""
        SELECT {selected},
               coalesce({override}, b.as_of <> b.request_date) AS as_of_override
        FROM decisions AS d JOIN batches AS b USING (batch_id)
        WHERE d.request_id = ? AND (CAST(? AS VARCHAR) IS NULL OR d.batch_id = ?)
        ORDER BY b.received_at DESC, d.row
        LIMIT 1"""


def received_sql() -> str:
    """The request as received: its REQUEST_SCREENED records (params: batch, request)."""
    return f"""
        SELECT r.body FROM ledger_entries AS e JOIN ledger_records AS r ON r.idx = e.idx
        WHERE e.kind = '{EventKind.REQUEST_SCREENED.value}' AND e.batch_id = ?
          AND e.request_id = ?
        ORDER BY e.idx"""


def review_sql() -> str:
    """The decided review of one request (params: batch, request)."""
    return f"""
        SELECT review_id, decision, reviewer, decided_at, why, review_entry, disclosure_entry,
               {", ".join(_LKA)}
        FROM reviews WHERE batch_id = ? AND request_id = ?"""


def earlier_answer_sql() -> str:
    """The first request of a batch that resolved to a taxpayer and was answered (params:
    batch, tin, row)."""
    return f"""
        SELECT request_id FROM decisions
        WHERE batch_id = ? AND tin = ? AND row < ?
          AND decision IN ('{Outcome.DISCLOSE.value}', '{Outcome.REVIEW.value}')
        ORDER BY row LIMIT 1"""


def records_sql() -> str:
    """Candidate records' standardised names and USPS addresses, when the master file the
    batch ran on is still loaded (params: model version, record ids)."""
    return """
        SELECT r.record_id,
               concat_ws(' ', n.given_key, n.surname_full, nullif(n.name_suffix, '')),
               concat_ws(', ', a.usps_street, nullif(a.usps_unit, ''), a.usps_city,
                         concat_ws(' ', a.usps_state, a.usps_zip))
        FROM master_records AS r
        JOIN master_names AS n USING (name_id)
        JOIN master_addresses AS a USING (address_id)
        WHERE EXISTS (
            SELECT 1 FROM models AS m
            WHERE m.version = ?
              AND m.trained_on_batch = 'master:' || (SELECT max(version) FROM master_snapshots))
          AND list_contains(?, r.record_id)"""


def explain_request(ws: Workspace, request_id: str, *, batch_id: str | None = None) -> Explanation:
    """Explain the decision on ``request_id`` (in ``batch_id``, or the latest batch).

    Raises:
        WorkspaceError: No batch of that id, or no decision for the request.
    """
    terms = ws.agreement()
    with Store.open(ws.store_path, read_only=True) as store:
        if not all(has_table(store, t) for t in ("decisions", "batches", "ledger_entries")):
            raise WorkspaceError(
                "the workspace has answered no batch yet",
                hint="run one with `taxgate run WS MANIFEST --out DIR`",
            )
        sql = decision_sql(
            present=present_columns(store, "decisions"),
            with_override="as_of_override" in present_columns(store, "batches"),
        )
        row = store.fetchone(sql, [request_id, batch_id, batch_id])
        if row is None:
            raise WorkspaceError(
                f"no decision for request {request_id!r}"
                + (f" in batch {batch_id!r}" if batch_id else ""),
                hint="check the request id and the batch id (`taxgate batch list WS`)",
            )
        columns = (*_COLUMNS, "as_of_override")
        return _explain(store, dict(zip(columns, row, strict=True)), request_id, terms)


def _explain(store: Store, d: dict[str, Any], request_id: str, terms: Agreement) -> Explanation:
    batch = str(d["batch_id"])
    as_of = date.fromisoformat(str(d["as_of"]))
    evidence = evidence_from_json(d["candidates"])
    weighed = Weighed.parse(d["hypotheses"])
    standing = request_standing(store, batch, request_id)
    counts = batch_counts(store, batch)
    review, reviewed_lka = _review(store, batch, request_id)
    received = _received(store, batch, request_id, int(d["row"]))
    candidates, nobody = candidate_views(
        evidence,
        chosen_tin=d["tin"],
        chosen_record=d["record_id"],
        weighed=weighed,
        records=_records(store, str(d["model_version"]), evidence),
    )
    address, address_note = _address(store, d, reviewed_lka, as_of)
    facts = _facts(store, d, evidence, weighed)
    notes = []
    if weighed is None and evidence:
        notes.append(
            "this batch was decided by an earlier taxgate that did not record each taxpayer's "
            "evidence as the policy weighed it; the records' model weights are shown"
        )
    if d["agreement_version"] != terms.agreement.version:
        notes.append(
            f"the batch was decided under agreement version {d['agreement_version']}; the "
            f"thresholds quoted are those of the current version {terms.agreement.version}"
        )
    return Explanation(
        batch_id=batch,
        request_id=request_id,
        row=int(d["row"]),
        decision=str(d["decision"]),
        outcome=str(d["outcome"]),
        reason=str(d["reason"]),
        rule=rule_sentence(facts, terms.policy),
        standing="" if standing is None else standing[0].value,
        standing_words="" if standing is None else standing[0].words,
        recalled=bool(standing and standing[1]),
        as_of=as_of.isoformat(),
        as_of_override=bool(d["as_of_override"]),
        versions={
            "model": str(d["model_version"]),
            "policy": str(d["policy_version"]),
            "agreement": str(d["agreement_version"]),
        },
        received=received,
        standardised=json.loads(d["request_standardised"] or "null"),
        findings=_findings(d, received),
        candidates=candidates,
        not_on_file=nobody,
        address=address,
        address_note=address_note,
        review=review,
        batch_counts=counts.as_dict(),
        batch_lines=count_lines(counts),
        notes=tuple(notes),
    )


def _received(store: Store, batch: str, request_id: str, row: int) -> dict[str, str]:
    """The request's fields as received (the ledger's record of it), by column; its TIN
    masked."""
    bodies = [parse_attrs(body) for (body,) in store.fetchall(received_sql(), [batch, request_id])]
    body = next((b for b in bodies if b.get("row") == row), bodies[0] if bodies else {})
    # The request's TIN is most often a taxpayer's: masked like every candidate's.
    return {
        str(k): mask_tin(str(v)) if k == "tin" else str(v)
        for k, v in body.items()
        if k != "row" and v not in (None, "")
    }


def _review(
    store: Store, batch: str, request_id: str
) -> tuple[ReviewView | None, LastKnownAddress | None]:
    """The review of the request, if decided, and the address an approval disclosed."""
    if not has_table(store, "reviews"):
        return None, None
    row = store.fetchone(review_sql(), [batch, request_id])
    if row is None:
        return None, None
    review_id, decision, reviewer, decided_at, why, entry, disclosure_entry = row[:7]
    view = ReviewView(
        review_id=str(review_id),
        decision=str(decision),
        reviewer=str(reviewer),
        decided_at=str(decided_at),
        why=str(why),
        review_entry=int(entry),
        disclosure_entry=None if disclosure_entry is None else int(disclosure_entry),
    )
    return view, stored_lka(list(row[7:]))


def _records(
    store: Store, model_version: str, evidence: list[CandidateEvidence]
) -> dict[int, tuple[str, str]]:
    """The candidate records' names and addresses, if the batch's master is loaded now."""
    if not evidence or not has_table(store, "master_records") or not has_table(store, "models"):
        return {}
    ids = sorted({c.record_id for c in evidence})
    rows = store.fetchall(records_sql(), [model_version, ids])
    return {int(rid): (str(name), str(address)) for rid, name, address in rows}


def _address(
    store: Store, d: dict[str, Any], reviewed: LastKnownAddress | None, as_of: date
) -> tuple[AddressView | None, str]:
    """The address that was or would be disclosed, or why there is none."""
    tin = d["tin"]
    lka_columns = [d[c] for c in _LKA]
    if d["decision"] == Outcome.DISCLOSE.value:
        lka = stored_lka(lka_columns)
        if lka is not None:
            return address_view(store, lka, status=DISCLOSED, tin=tin, as_of=as_of), ""
    if reviewed is not None:
        view = address_view(store, reviewed, status=DISCLOSED_AFTER_REVIEW, tin=tin, as_of=as_of)
        return view, ""
    if d["reason"] == Reason.SCREENING.value:
        return None, "a request rejected at screening is never matched: no address is weighed"
    if not tin:
        return None, "the decision names no taxpayer, so there is no address to disclose"
    lka = current_lka(store, tin, as_of)
    if lka is None:
        return None, (
            f"no filing of the taxpayer the decision names is in effect on {day_words(as_of)} "
            "in the master file loaded now: there is no last known address to disclose"
        )
    view = address_view(store, lka, status=WOULD_BE_DISCLOSED, tin=tin, as_of=as_of)
    note = (
        "not disclosed; looked up now, as of the batch's as-of day, in the master file loaded now"
    )
    return view, note


_WAS = re.compile(r"^was ([A-Z_]+)/([A-Z_]+)$")
_POSTERIOR = re.compile(r"^posterior ([0-9.]+)$")


def _noted_posterior(notes: list[str] | None) -> float | None:
    """The posterior the policy noted (batches that did not record the hypotheses)."""
    found = next((m for n in notes or () if (m := _POSTERIOR.match(str(n)))), None)
    return None if found is None else float(found.group(1))


def _facts(
    store: Store, d: dict[str, Any], evidence: list[CandidateEvidence], weighed: Weighed | None
) -> DecisionFacts:
    """The figures the decision compared, for its sentence."""
    tin = d["tin"]
    shares, nobody = weighed.shares() if weighed else ({}, None)
    rivals = sorted(
        ((b, t) for t, b in (weighed.bits.items() if weighed else ()) if t != tin), reverse=True
    )
    earlier = None
    if d["reason"] == Reason.SAME_TAXPAYER.value and tin:
        found = store.fetchone(earlier_answer_sql(), [d["batch_id"], tin, d["row"]])
        earlier = None if found is None else str(found[0])
    agreeing = sorted((c for c in evidence if c.name_agrees), key=lambda c: -c.match_weight)
    was = next((m for n in d["notes"] or () if (m := _WAS.match(str(n)))), None)
    return DecisionFacts(
        reason=str(d["reason"]),
        decision=str(d["decision"]),
        chosen=mask_tin(tin) if tin else None,
        bits=None if d["match_weight"] is None else float(d["match_weight"]),
        posterior=shares.get(tin or "", _noted_posterior(d["notes"])),
        rival=(mask_tin(rivals[0][1]), shares[rivals[0][1]]) if rivals else None,
        not_on_file=nobody,
        taxpayers=int(d["candidate_taxpayers"] or 0),
        codes=[c for c in str(d["reason_codes"] or "").split(";") if c],
        earlier_request=earlier,
        named=mask_tin(agreeing[0].tin) if agreeing else None,
        address_disagrees=address_disagreement(agreeing[0]) if agreeing else None,
        overruled=None if was is None else f"{was.group(1)} ({was.group(2)})",
    )


def _findings(d: dict[str, Any], received: dict[str, str]) -> tuple[FindingView, ...]:
    """Each finding with its message and value (from what the run recorded, or, for an
    older batch, its code and field with the value as received)."""
    if d["finding_details"]:
        details = json.loads(d["finding_details"])
    else:
        details = [
            {"code": code, "field": field, "message": "", "value": received.get(field)}
            for code, _, field in (str(f).partition(":") for f in d["findings"] or ())
        ]
    return tuple(
        FindingView(
            code=str(f["code"]),
            field=str(f["field"]),
            message=str(f["message"]),
            value=None if f["value"] is None else str(f["value"]),
            meaning=ReasonCode(f["code"]).meaning if f["code"] in ReasonCode.__members__ else "",
        )
        for f in details
    )
