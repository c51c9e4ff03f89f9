"""The sections of the oversight report, and the whole page (:func:`render_report`).

Each section has a heading, a short explanation of what it shows and why, and its chart
and table. The only markup not built from :mod:`taxgate.report.markup` helpers is the charts'
SVG, drawn by :mod:`taxgate.report.charts` from the same aggregate values.
"""

from __future__ import annotations

from collections.abc import Sequence

from taxgate.report.charts import DECISION_LABELS, ReportCharts
from taxgate.report.data import (
    BatchInfo,
    CheckpointInfo,
    Funnel,
    LedgerStatus,
    Quality,
    ReasonCount,
    ReportData,
    WeightHistogram,
)
from taxgate.report.markup import count, esc, esc_rule, figure, page, percent, table


def render_report(data: ReportData, charts: ReportCharts) -> str:
    """The whole report page for ``data`` with its ``charts``."""
    sections = [
        _header(data),
        _batch_section(data),
        _funnel_section(data, charts.funnel),
        screening_section(data, charts.codes),
        _weights_section(data.weights, charts.weights),
        _reasons_section(
            "review",
            "5. Held for review",
            "A disclosure officer decides each of these; nothing is released until a "
            "reviewer approves it (domain §4). The requester's response shows them as "
            "NOT_DISCLOSED.",
            data.review_reasons,
            data.funnel.received,
            outcome=_review_outcome(data.funnel),
        ),
        _reasons_section(
            "not-disclosed",
            "6. Not disclosed: internal reasons",
            "Why the policy disclosed nothing. The response is uniform: every one of these is "
            "NOT_DISCLOSED to the requester, whatever the reason (domain §6). The reasons are "
            "for the disclosing agency's analysts only.",
            data.not_disclosed_reasons,
            data.funnel.received,
        ),
        _flags_section(data),
        _ledger_section(data.ledger),
    ]
    if data.quality is not None:
        sections.append(quality_section(data.quality, charts.quality))
    footer = (
        f"Generated {esc(data.generated_at)} by taxgate for batch "
        f"<code>{esc(data.batch.batch_id)}</code>. This report holds ids, codes, counts, match "
        "weights, versions and hashes only; the decisions behind each request id stay in the "
        "disclosing agency's workspace (<code>taxgate explain WS REQUEST_ID</code>)."
    )
    return page(
        f"taxgate oversight report: batch {data.batch.batch_id}", "\n".join(sections), footer=footer
    )


def _header(data: ReportData) -> str:
    funnel, ledger = data.funnel, data.ledger
    badge = (
        '<span class="badge ok">ledger verified</span>'
        if ledger.verified
        else '<span class="badge bad">ledger verification FAILED</span>'
    )
    # The batch's counts as it stands now: the same figures as the demo, `batch list`,
    # `accounting` and `explain` (taxgate.disclosure.counts).
    after_review = f" ({count(funnel.approved)} after review)" if funnel.approved else ""
    held = (
        f"held for review: {count(funnel.approved)} approved, {count(funnel.declined)} "
        f"declined, {count(funnel.pending_review)} pending"
        if funnel.review
        else "held for review"
    )
    cards = [
        ("received", funnel.received),
        ("rejected", funnel.rejected),
        (f"disclosed{after_review}", funnel.disclosed_now),
        ("not disclosed", funnel.not_disclosed_now),
        (held, funnel.review),
    ]
    override = (
        f", measured as of {esc(data.batch.as_of)} by an analyst's --as-of override"
        if data.batch.as_of_override
        else ""
    )
    card_html = "".join(
        f'<div class="card"><span class="n">{count(n)}</span><span class="l">{esc(label)}</span>'
        "</div>"
        for label, n in cards
    )
    toc = [
        ("batch", "Batch, versions and agreement"),
        ("funnel", "Funnel"),
        ("screening", "Screening: rejections by reason code"),
        ("weights", "Match weights and thresholds"),
        ("review", "Held for review"),
        ("not-disclosed", "Not disclosed: internal reasons"),
        ("flags", "Batch flags"),
        ("ledger", "Ledger checkpoint and verification"),
    ]
    if data.quality is not None:
        toc.append(("quality", "Quality against the synthetic truth"))
    items = "".join(f'<li><a href="#{anchor}">{esc(title)}</a></li>' for anchor, title in toc)
    return f"""<header>
<h1>Oversight report: §6103(i)(2) address requests</h1>
<p class="lead">Batch <code>{esc(data.batch.batch_id)}</code> from {esc(data.batch.requester)},
request date {esc(data.batch.request_date)}{override}. {badge}</p>
</header>
<div class="notice"><strong>Internal.</strong> For disclosure analysts, auditors and courts.
This report contains <strong>no taxpayer data</strong>: no names, addresses, TINs or dates of
birth, of taxpayers or in requests. It shows request ids, reason codes, counts, match weights,
versions and hashes.</div>
<div class="cards">{card_html}</div>
<nav><strong>Contents</strong><ol>{items}</ol></nav>"""


def _batch_section(data: ReportData) -> str:
    batch = data.batch
    amended = (
        f" (the workspace's agreement is now version {esc(data.current_agreement_version)}; "
        "the thresholds below are the current ones)"
        if data.current_agreement_version != batch.agreement_version
        else ""
    )
    rows = [
        ("Batch id", f"<code>{esc(batch.batch_id)}</code>"),
        ("Requesting agency", esc(batch.requester)),
        ("Signed by (enrolled signer)", esc(batch.signer)),
        ("Request date", esc(batch.request_date)),
        ("Addresses as of", _as_of_text(batch)),
        ("Committed at (UTC)", esc(batch.received_at)),
        ("Rows declared in the manifest", count(batch.rows)),
        ("State", esc(batch.state)),
        (
            "Agreement",
            f"{esc(batch.agreement_id)}, version {esc(batch.agreement_version)}{amended}",
        ),
        ("Decision policy version", esc(batch.policy_version)),
        ("Match model version", f"<code>{esc(batch.model_version)}</code>"),
        ("Manifest SHA-256", f'<code class="hash">{esc(batch.manifest_sha256)}</code>'),
        ("Request file SHA-256", f'<code class="hash">{esc(batch.request_sha256)}</code>'),
    ]
    return f"""<section id="batch">
<h2>1. Batch, versions and agreement</h2>
<p class="lead">What was answered, under which agreement, by which policy and model. The hashes
identify the signed manifest and the request file exactly.</p>
{table(("", ""), [(f"<strong>{esc(k)}</strong>", v) for k, v in rows])}
</section>"""


def _as_of_text(batch: BatchInfo) -> str:
    """The as-of day, and when an analyst's ``--as-of`` set it, that it did."""
    if not batch.as_of_override:
        return f"{esc(batch.as_of)} (the request date)"
    return (
        f'<strong>{esc(batch.as_of)}</strong> <span class="badge warn">override</span> set by '
        f"an analyst's <code>--as-of</code> in place of the request date "
        f"{esc(batch.request_date)}; recorded with the batch and in its BATCH_RECEIVED ledger "
        "entry. Removal-order ages and last known addresses were measured on this day."
    )


def _funnel_section(data: ReportData, svg: str) -> str:
    f = data.funnel
    duplicates = (
        f"; {count(f.rejected_after_matching)} of them refused after matching as DUPLICATE"
        if f.rejected_after_matching
        else ""
    )
    rows = [
        ("Received", f.received, "requests in the signed batch"),
        ("Rejected", f.rejected, f"defective requests (§6103(i)(2)(B)), with codes{duplicates}"),
        ("Not rejected", f.passed, "complete, lawful requests, not refused as DUPLICATE"),
        ("No candidate", f.no_candidate, "no master record shares a name and house number"),
        ("With candidates", f.with_candidates, "scored against the master file"),
        ("Disclosed", f.disclosed, "one taxpayer; name and address corroborated"),
        ("Held for review", f.review, "borderline or conflicting evidence"),
        ("Not disclosed (with candidates)", f.not_disclosed, "ambiguous, weak or conflicting"),
    ]
    if f.review:
        rows += [
            ("… approved on review", f.approved, "disclosed since, in a supplementary response"),
            ("… declined on review", f.declined, "nothing released"),
            ("… pending review", f.pending_review, "answered NOT_DISCLOSED until decided"),
        ]
    rows += [
        ("Disclosed now", f.disclosed_now, "in the response, or after an approved review"),
        ("Not disclosed now", f.not_disclosed_now, "every other request not rejected"),
    ]
    body = table(
        ("Stage", "Requests", "Share of received", "Meaning"),
        [(esc(s), count(n), percent(n, f.received), esc(m)) for s, n, m in rows],
        numeric=(1, 2),
    )
    return f"""<section id="funnel">
<h2>2. Funnel</h2>
<p class="lead">How the batch narrowed: every request is screened; those that pass are matched
against the master file; those with candidates are decided by the agreement's policy.
Requests without a candidate are not disclosed.</p>
{figure(svg, "Requests by stage; each bar splits the one above it.")}
{body}
</section>"""


def screening_section(data: ReportData, svg: str) -> str:
    """Rejections by reason code, with each code's meaning and one example request id."""
    received = data.funnel.received
    if not data.rejection_codes:
        body = "<p>No request was rejected.</p>"
    else:
        body = table(
            ("Code", "Meaning", "Requests", "Share of received", "Only code", "Example"),
            [
                (
                    f"<code>{esc(c.code)}</code>",
                    esc(c.meaning),
                    count(c.requests),
                    percent(c.requests, received),
                    count(c.only_code),
                    f"<code>{esc(c.example_request_id)}</code> ({esc(c.example_field)})",
                )
                for c in data.rejection_codes
            ],
            numeric=(2, 3, 4),
        )
    return f"""<section id="screening">
<h2>3. Screening: rejections by reason code</h2>
<p class="lead">A request is rejected when it does not set forth what §6103(i)(2)(B) requires
(name, address, taxable periods, a qualifying criminal statute, a specific reason) or the
agreement's removal-order terms. A TIN never substitutes for any of these. Codes go to the
requester in the response. A request may carry several codes; "only code" counts the requests
rejected for this code alone. Each example is a request id with the field the finding concerns.
</p>
<p><strong>{count(data.funnel.rejected)}</strong> requests rejected
({esc(percent(data.funnel.rejected, received) or "0 %")} of received).</p>
{figure(svg, "The most frequent reason codes (the table lists all).")}
{body}
</section>"""


def _weights_section(weights: WeightHistogram, svg: str) -> str:
    legend = f"""<dl class="legend">
<dt>review threshold · dotted line</dt><dd>{weights.review_weight:g} bits: below it, nothing is
disclosed and nothing is reviewed.</dd>
<dt>disclosure threshold · dashed line</dt><dd>{weights.disclose_weight:g} bits: between the two
thresholds a request may go to review; at or above it, a request is disclosed when name and
address both corroborate and the chosen taxpayer's posterior probability, weighed against every
other candidate and against someone at the address who never filed, reaches
{weights.disclose_probability:g}.</dd>
</dl>"""
    if not weights.edges:
        return f"""<section id="weights">
<h2>4. Match weights and thresholds</h2>
{legend}<p>No request of this batch had a candidate; there is no weight to show.</p>
</section>"""
    bands = table(
        (
            "Decision",
            f"below {weights.review_weight:g}",
            f"{weights.review_weight:g} to {weights.disclose_weight:g}",
            f"{weights.disclose_weight:g} and above",
        ),
        [
            (esc(DECISION_LABELS.get(d, d)), count(a), count(b), count(c))
            for d, a, b, c in weights.bands
        ],
        numeric=(1, 2, 3),
    )
    note = (
        f"{count(weights.scored)} requests with candidates have a weight; for "
        f"{count(weights.from_best_candidate)} of them the policy chose no candidate (the name "
        "or the address did not corroborate) and the weight shown is the best candidate's."
    )
    if weights.unscored:
        note += f" {count(weights.unscored)} have no recorded weight and are not shown."
    return f"""<section id="weights">
<h2>4. Match weights and thresholds</h2>
<p class="lead">The match weight is the evidence that a request and a taxpayer are the same
person, in bits (log2 of the Bayes factor; 20 bits is about a million to one). A high weight is
never enough by itself: the name and the address must each corroborate.</p>
{legend}
{figure(svg, "Requests with candidates by match weight, stacked by decision.")}
<p class="note">{esc(note)}</p>
{bands}
</section>"""


def _review_outcome(funnel: Funnel) -> str:
    """What reviewers decided since the run (the batch's counts)."""
    if not funnel.review:
        return ""
    return (
        f"<p>Since the run: <strong>{count(funnel.approved)}</strong> approved and disclosed in "
        f"a supplementary response, <strong>{count(funnel.declined)}</strong> declined, "
        f"<strong>{count(funnel.pending_review)}</strong> pending.</p>"
    )


def _reasons_section(
    anchor: str,
    title: str,
    lead: str,
    reasons: Sequence[ReasonCount],
    received: int,
    *,
    outcome: str = "",
) -> str:
    total = sum(r.requests for r in reasons)
    if not reasons:
        body = "<p>None in this batch.</p>"
    else:
        body = table(
            ("Reason", "Rule", "Requests", "Share of received", "Example request id"),
            [
                (
                    f"<code>{esc(r.reason)}</code>",
                    esc(r.rule),
                    count(r.requests),
                    percent(r.requests, received),
                    f"<code>{esc(r.example_request_id)}</code>",
                )
                for r in reasons
            ],
            numeric=(2, 3),
        )
    return f"""<section id="{esc(anchor)}">
<h2>{esc(title)}</h2>
<p class="lead">{esc(lead)}</p>
<p><strong>{count(total)}</strong> requests ({esc(percent(total, received) or "0 %")} of
received).</p>
{outcome}
{body}
</section>"""


def _flags_section(data: ReportData) -> str:
    if not data.flags:
        body = "<p>No batch flag was raised.</p>"
    else:
        body = table(
            ("Flag", "Rule"),
            [(f"<code>{esc(f.flag)}</code>", esc_rule(f.rule)) for f in data.flags],
        )
    return f"""<section id="flags">
<h2>7. Batch flags</h2>
<p class="lead">Flags concern the batch as a whole (boilerplate reasons, one officer covering
implausibly many records, facility addresses). They never reject a request; they are recorded in
the decisions, the ledger and this report, and hold the release only where the agreement says
so.</p>
{body}
</section>"""


def quality_section(quality: Quality, svg: str) -> str:
    """taxgate's and the 2025 baseline's scores against a synthetic world's truth."""
    ours, theirs = quality.taxgate, quality.baseline
    metrics = [
        ("Requests scored", count(theirs.requests), count(ours.requests)),
        ("Disclosed", count(theirs.disclosed), count(ours.disclosed)),
        ("Correct disclosures", count(theirs.correct), count(ours.correct)),
        ("Disclosures owed (expected)", count(theirs.expected), count(ours.expected)),
        ("Precision", f"{theirs.precision:.4f}", f"{ours.precision:.4f}"),
        ("Recall", f"{theirs.recall:.4f}", f"{ours.recall:.4f}"),
        ("Harmful disclosures", count(theirs.harmful_total), count(ours.harmful_total)),
        *(
            (f"… {kind.replace('_', ' ')}", count(a), count(b))
            for (kind, a), (_, b) in zip(theirs.harmful, ours.harmful, strict=True)
        ),
    ]
    missing = (
        f'<p class="note">{count(quality.missing_responses)} requests of the truth have no '
        "response in this batch.</p>"
        if quality.missing_responses
        else ""
    )
    return f"""<section id="quality">
<h2>9. Quality against the synthetic truth</h2>
<p class="lead">Synthetic worlds only: the world's truth says, for every request, whether it is
valid and which address, if any, is owed. Both responses are scored by the same scorer
(<code>taxgate score</code>). Precision is correct disclosures over all disclosures; recall is
correct disclosures over those owed; a harmful disclosure is one that should not have happened
(an invalid request, an uncorroborated address, the wrong person, the wrong address).</p>
{figure(svg, "The 2025 baseline (grey) beside taxgate (green).")}
{
        table(
            ("Measure", "2025 baseline", "taxgate"),
            [(esc(m), a, b) for m, a, b in metrics],
            numeric=(1, 2),
        )
    }
<p class="note">Baseline: {esc(quality.baseline_source)}.</p>
{missing}
</section>"""


def _checkpoint_rows(label: str, cp: CheckpointInfo | None) -> list[tuple[str, str]]:
    if cp is None:
        return [(f"<strong>{esc(label)}</strong>", "none")]
    return [
        (
            f"<strong>{esc(label)}</strong>",
            f"number {cp.seq}, tree size {count(cp.size)}, signed {esc(cp.time)}, "
            f"key <code>{esc(cp.key_id)}</code>",
        ),
        ("root hash (SHA-256)", f'<code class="hash">{esc(cp.root_hex)}</code>'),
    ]


def _ledger_section(ledger: LedgerStatus) -> str:
    if ledger.verified:
        status = f'<span class="badge ok">OK</span> {esc(ledger.message)}'
    else:
        where = (
            "" if ledger.first_bad_index is None else f" First bad entry: {ledger.first_bad_index}."
        )
        status = f'<span class="badge bad">FAILED</span> {esc(ledger.message)}.{esc(where)}'
    rows = [
        ("<strong>Verification</strong>", status),
        (
            "<strong>Entries</strong>",
            f"{count(ledger.entries)} in the log, {count(ledger.batch_entries)} of this batch",
        ),
        *_checkpoint_rows("Checkpoint covering this batch", ledger.batch_checkpoint),
        *_checkpoint_rows("Latest checkpoint", ledger.latest_checkpoint),
    ]
    return f"""<section id="ledger">
<h2>8. Ledger checkpoint and verification</h2>
<p class="lead">Every stage of the batch is an entry in the workspace's append-only Merkle log
(§6103(p)(3)(A)); a signed checkpoint commits to its size and root hash. The verification
re-hashes every entry and record and checks every checkpoint signature, as
<code>taxgate ledger verify WS</code> does; anyone holding the exported checkpoints can repeat
it.</p>
{table(("", ""), rows)}
</section>"""
