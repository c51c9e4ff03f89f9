"""Why a request was decided as it was: the comparisons, their weights, and the rule.

For disclosure officers, reviewers and auditors. The explanation names levels and weights,
and identifies candidates by record id only; the analyst who needs the taxpayer opens the
decisions table inside the disclosing agency.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from taxgate.errors import WorkspaceError
from taxgate.matching.comparisons import COMPARISON_NAMES
from taxgate.matching.decide import Reason
from taxgate.store import Store
from taxgate.workspace import Workspace

RULES: dict[str, str] = {  # the rule behind each decision reason, in words
    Reason.MATCHED.value: "one taxpayer; name and address corroborated; above the disclosure "
    "threshold with a clear margin; no conflict",
    Reason.SCREENING.value: "the request failed screening (§6103(i)(2)(B)); nothing was matched",
    Reason.NO_CANDIDATE.value: "no master record shares the house number and a name",
    Reason.NAME_DISAGREES.value: "a record at the address, but no candidate's name agrees",
    Reason.ADDRESS_NOT_CORROBORATED.value: "the name was found, but the requested address is "
    "not one of that taxpayer's filing addresses",
    Reason.SUFFIX_CONFLICT.value: "the suffix disagrees (JR against SR): a different person",
    Reason.BELOW_THRESHOLD.value: "the evidence is below the review threshold",
    Reason.BORDERLINE.value: "the chosen taxpayer's posterior is in the review band: held for "
    "review",
    Reason.AMBIGUOUS.value: "another taxpayer holds too much of the posterior: ambiguity never "
    "discloses",
    Reason.NOT_ON_FILE.value: "someone at this address who never filed is too likely the person "
    "asked for (a household member of a close name, or of the same name with another date of "
    "birth)",
    Reason.TIN_CONFLICT.value: "the request's TIN belongs to another taxpayer on file: held "
    "for review",
    Reason.TIN_MISMATCH.value: "the request's TIN is not this taxpayer's: another person",
    Reason.DOB_CONFLICT.value: "the date of birth disagrees outright: another person",
    Reason.DOB_SLIP.value: "the date of birth differs by one character: held for review",
    Reason.SAME_TAXPAYER.value: "an earlier request of this batch resolved to the same "
    "taxpayer and is the one answered; this one is refused as DUPLICATE",
    Reason.BATCH_FLAGGED.value: "the batch is flagged and the agreement holds its release",
    Reason.LEGAL_HOLD.value: "a legal hold stops every disclosure to this requester",
    Reason.WITHHELD_I6.value: "withheld under §6103(i)(6)",
    Reason.NO_LKA.value: "no filing is effective yet as of the request date",
    Reason.LKA_UNUSABLE.value: "the last known address on file is not a complete postal "
    "address: held for review",
}


@dataclass(frozen=True)
class Explanation:
    """A title, summary lines, and (comparison, level, bits) rows for the chosen candidate."""

    title: str
    summary: tuple[str, ...]
    rows: tuple[tuple[str, str, float | None], ...]


def explain_request(ws: Workspace, request_id: str, *, batch_id: str | None = None) -> Explanation:
    """Explain the decision on ``request_id`` (in ``batch_id``, or the latest batch)."""
    with Store.open(ws.store_path, read_only=True) as store:
        row = store.fetchone(
            """
            SELECT d.batch_id, d.decision, d.outcome, d.reason, d.reason_codes, d.findings,
                   d.match_weight, d.margin, d.record_id, d.candidates, d.model_version,
                   d.policy_version, d.agreement_version, d.candidate_taxpayers, d.as_of,
                   d.lka_as_of, d.lka_source
            FROM decisions AS d JOIN batches AS b USING (batch_id)
            WHERE d.request_id = ? AND (CAST(? AS VARCHAR) IS NULL OR d.batch_id = ?)
            ORDER BY b.received_at DESC LIMIT 1
            """,
            [request_id, batch_id, batch_id],
        )
    if row is None:
        raise WorkspaceError(
            f"no decision for request {request_id!r}"
            + (f" in batch {batch_id!r}" if batch_id else ""),
            hint="check the request id and the batch id (taxgate accounting WS)",
        )
    (
        batch,
        decision,
        outcome,
        reason,
        codes,
        findings,
        weight,
        margin,
        record_id,
        candidates,
        model,
        policy,
        agreement,
        n_taxpayers,
        as_of,
        lka_as_of,
        lka_source,
    ) = row
    summary = [
        f"batch {batch}, request {request_id}",
        f"decision {decision} (response: {outcome}); rule: {reason}: {RULES.get(reason, '')}",
        f"model {model}, policy {policy}, agreement {agreement}, as of {as_of}",
    ]
    if codes:
        summary.append(f"reason codes: {codes}; findings: {', '.join(findings or [])}")
    if weight is not None:
        margin_text = "none (sole candidate)" if margin is None else f"{margin:+.2f} bits"
        summary.append(
            f"best candidate record {record_id}: match weight {weight:+.2f} bits, "
            f"margin over the next taxpayer {margin_text}, {n_taxpayers} candidate taxpayer(s)"
        )
    if lka_as_of:
        summary.append(f"last known address as of {lka_as_of}, from {lka_source}")
    rows: list[tuple[str, str, float | None]] = []
    chosen = next((c for c in json.loads(candidates or "[]") if c["record_id"] == record_id), None)
    if chosen is not None:
        for comparison in COMPARISON_NAMES:
            rows.append(
                (
                    comparison,
                    chosen["levels"].get(comparison, "?"),
                    chosen.get("partials", {}).get(comparison),
                )
            )
    return Explanation(title=f"{decision}: {reason}", summary=tuple(summary), rows=tuple(rows))
