"""An explanation as lines of text, for the terminal (``taxgate explain`` without ``--json``).

Long sentences are left whole: the terminal wraps them, and a file or a pipe keeps each on
one line. The comparison tables are narrow (under 60 columns).
"""

from __future__ import annotations

from taxgate.app.explain.model import CandidateView, Explanation, RecordView
from taxgate.plural import counted


def explanation_lines(e: Explanation) -> list[str]:
    """Every section of ``e`` that has something to say, in reading order."""
    lines = [
        f"request {e.request_id} of batch {e.batch_id} (row {e.row})",
        f"decision {e.decision} (response: {e.outcome}), reason {e.reason}",
    ]
    if e.standing_words:
        lines.append(f"now: {e.standing_words}" + (", then recalled" if e.recalled else ""))
    lines.append(f"rule: {e.rule}")
    as_of = "an analyst's --as-of override" if e.as_of_override else "the request date"
    lines.append(
        f"as of {e.as_of} ({as_of}); model {e.versions['model']}, policy "
        f"{e.versions['policy']}, agreement {e.versions['agreement']}"
    )
    lines += _received(e)
    lines += _findings(e)
    lines += _candidates(e)
    lines += _address(e)
    lines += _review(e)
    lines += ["", f"batch {e.batch_id}: {counted(e.batch_counts['received'], 'request')}"]
    lines += [f"  {line}" for line in e.batch_lines]
    lines += [f"note: {note}" for note in e.notes]
    return lines


def _received(e: Explanation) -> list[str]:
    lines = ["", "the request as received:"]
    width = max((len(k) for k in e.received), default=0)
    lines += [f"  {k:<{width}}  {v}" for k, v in e.received.items()] or ["  (no record)"]
    s = e.standardised
    if s is not None:
        suffix = f", suffix {s['suffix']}" if s.get("suffix") else ""
        address = ", ".join(
            part
            for part in (
                s.get("street"),
                s.get("unit"),
                s.get("city"),
                " ".join(p for p in (s.get("state"), s.get("zip")) if p),
            )
            if part
        )
        lines += [
            "as standardised:",
            f"  given names {' '.join(s.get('given_names') or []) or '-'}; surname "
            f"{' '.join(s.get('surname') or []) or '-'}{suffix}",
            f"  address {address or '-'} (kind {s.get('address_kind') or '-'})",
        ]
    return lines


def _findings(e: Explanation) -> list[str]:
    if not e.findings:
        return []
    lines = ["", f"findings ({len(e.findings)}):"]
    for f in e.findings:
        value = "(empty)" if f.value is None else repr(f.value)
        lines.append(f"  {f.code} on {f.field}: {f.message or f.meaning}; value {value}")
    return lines


def _candidates(e: Explanation) -> list[str]:
    if not e.candidates:
        return []
    nobody = " and someone at the address who never filed" if e.not_on_file else ""
    lines = ["", f"candidates: {counted(len(e.candidates), 'taxpayer')}{nobody}"]
    for c in e.candidates:
        lines += _candidate(c)
    if e.not_on_file is not None:
        share = "" if e.not_on_file.share is None else f", {e.not_on_file.share:.1%}"
        lines.append(
            f"  not on file (a household member who never filed): "
            f"{e.not_on_file.bits:+.1f} bits{share} of the posterior"
        )
    return lines


def _candidate(c: CandidateView) -> list[str]:
    figures = []
    if c.bits is not None:
        figures.append(f"{c.bits:+.1f} bits")
    if c.share is not None:
        figures.append(f"{c.share:.1%} of the posterior")
    lines = [f"  taxpayer {c.tin}" + (f": {', '.join(figures)}" if figures else "")]
    lines.append(f"    {c.verdict}")
    first, *others = c.records
    lines += _record(first)
    if others:
        listed = ", ".join(f"{r.record_id} ({r.weight:+.1f})" for r in others)
        lines.append(f"    other records of this taxpayer: {listed}")
    return lines


def _record(r: RecordView) -> list[str]:
    agrees = "name agrees" if r.name_agrees else "name does not agree"
    here = (
        "the requested delivery point"
        if r.address_corroborates
        else "not the requested delivery point"
    )
    lines = [f"    record {r.record_id}, match weight {r.weight:+.1f} bits: {agrees}, {here}"]
    if r.name:
        lines.append(f"      filed as {r.name}, {r.address}")
    lines.append(f"      {'comparison':<14}{'level':<16}{'bits':>7}")
    for cmp in r.comparisons:
        bits = "" if cmp.bits is None else f"{cmp.bits:+7.2f}"
        model = "" if cmp.model_bits is None else f"  (model {cmp.model_bits:+.2f})"
        lines.append(f"      {cmp.comparison:<14}{cmp.level:<16}{bits:>7}{model}")
    return lines


def _address(e: Explanation) -> list[str]:
    a = e.address
    if a is None:
        return ["", f"address: none; {e.address_note}"] if e.address_note else []
    where = ", ".join(p for p in (a.street, a.unit, a.city, f"{a.state} {a.zip}".strip()) if p)
    lines = ["", f"address ({a.status}): {where}", f"  {a.words}"]
    if e.address_note:
        lines.append(f"  ({e.address_note})")
    return lines


def _review(e: Explanation) -> list[str]:
    r = e.review
    if r is None:
        return []
    released = (
        f"; disclosed in ledger entry {r.disclosure_entry}"
        if r.disclosure_entry is not None
        else "; nothing released"
    )
    return [
        "",
        f"review {r.review_id}: {r.decision} by {r.reviewer} at {r.decided_at} "
        f"(ledger entry {r.review_entry}{released})",
        f"  grounds: {r.why}",
    ]
