"""One source of a batch's counts: where each request stands now, and how many stand where.

The demo's summary, ``batch list``, the oversight report, ``accounting`` and ``explain`` all
read a batch's figures from here, so they cannot disagree. A request's *standing* is its
decision as ``taxgate run`` recorded it, moved on by what happened since: a review approved
(disclosed in a supplement) or declined, and a disclosure recalled. Every request has exactly
one standing::

    received ─┬─ rejected ─────── REJECTED (at screening), REJECTED_DUPLICATE (after matching)
              ├─ disclosed ────── DISCLOSED (in the response), DISCLOSED_AFTER_REVIEW
              └─ not disclosed ── NOT_DISCLOSED, NO_CANDIDATE, REVIEW_PENDING, REVIEW_DECLINED

The counts are of requests (ids, codes and numbers only): no taxpayer data.

Example:
    >>> counts = BatchCounts(received=10, rejected_at_screening=2, disclosed_in_response=5,
    ...                      held_for_review=2, approved=1, not_disclosed_on_candidates=1)
    >>> counts.disclosed, counts.not_disclosed, counts.rejected, counts.pending_review
    (6, 2, 2, 1)
    >>> count_lines(counts)[0]
    'disclosed 6, not disclosed 2, rejected 2'
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from taxgate.ledger.events import EventKind
from taxgate.ledger.hold import has_table
from taxgate.matching.decide import Outcome, Reason
from taxgate.plural import counted
from taxgate.store import Store

__all__ = [
    "BatchCounts",
    "Standing",
    "batch_counts",
    "batch_counts_sql",
    "count_lines",
    "request_standing",
    "standing_sql",
]


class Standing(StrEnum):
    """Where one request of a batch stands now (its decision, then reviews since)."""

    REJECTED = "REJECTED"  # refused at screening; the response gives its codes
    REJECTED_DUPLICATE = "REJECTED_DUPLICATE"  # refused after matching: another request answers
    DISCLOSED = "DISCLOSED"  # disclosed in the batch's response
    DISCLOSED_AFTER_REVIEW = "DISCLOSED_AFTER_REVIEW"  # approved by a reviewer: a supplement
    REVIEW_PENDING = "REVIEW_PENDING"  # held for review, undecided; the response: NOT_DISCLOSED
    REVIEW_DECLINED = "REVIEW_DECLINED"  # held for review and declined: nothing released
    NO_CANDIDATE = "NO_CANDIDATE"  # no master record to weigh: not disclosed
    NOT_DISCLOSED = "NOT_DISCLOSED"  # weighed on its candidates and not disclosed

    @property
    def words(self) -> str:
        """The standing in a few plain words."""
        return _WORDS[self]


_WORDS = {
    Standing.REJECTED: "rejected at screening",
    Standing.REJECTED_DUPLICATE: "rejected after matching as DUPLICATE",
    Standing.DISCLOSED: "disclosed in the response",
    Standing.DISCLOSED_AFTER_REVIEW: "disclosed after a reviewer approved it (supplement)",
    Standing.REVIEW_PENDING: "held for review, not decided yet (answered NOT_DISCLOSED)",
    Standing.REVIEW_DECLINED: "held for review and declined: not disclosed",
    Standing.NO_CANDIDATE: "not disclosed: no candidate in the master file",
    Standing.NOT_DISCLOSED: "not disclosed",
}


@dataclass(frozen=True)
class BatchCounts:
    """How many requests of one batch stand where (:class:`Standing`), and recalls.

    Attributes:
        received: Requests in the batch.
        rejected_at_screening: ``REJECTED`` by screening.
        rejected_after_matching: ``REJECTED`` as ``DUPLICATE`` after matching.
        disclosed_in_response: Disclosed in the batch's response.
        held_for_review: Held for review by the policy (approved, declined or pending).
        approved: Of those, approved and disclosed in a supplement.
        declined: Of those, declined.
        no_candidate: Passed screening, but no master record was a candidate.
        not_disclosed_on_candidates: Weighed on candidates and not disclosed (not reviewed).
        recalled: Disclosures of the batch recalled as erroneous (still disclosures).
    """

    received: int = 0
    rejected_at_screening: int = 0
    rejected_after_matching: int = 0
    disclosed_in_response: int = 0
    held_for_review: int = 0
    approved: int = 0
    declined: int = 0
    no_candidate: int = 0
    not_disclosed_on_candidates: int = 0
    recalled: int = 0

    @property
    def rejected(self) -> int:
        """Rejected, at screening or after matching (the response's REJECTED)."""
        return self.rejected_at_screening + self.rejected_after_matching

    @property
    def disclosed(self) -> int:
        """Disclosed: in the response, or in a supplement after an approved review."""
        return self.disclosed_in_response + self.approved

    @property
    def pending_review(self) -> int:
        """Held for review and not decided yet."""
        return self.held_for_review - self.approved - self.declined

    @property
    def not_disclosed(self) -> int:
        """Neither rejected nor disclosed (held for review and not approved included)."""
        return self.received - self.rejected - self.disclosed

    def as_dict(self) -> dict[str, int]:
        """Every count, the derived ones too, by name (for JSON)."""
        fields = {name: int(getattr(self, name)) for name in self.__dataclass_fields__}
        derived = ("rejected", "disclosed", "not_disclosed", "pending_review")
        return {**fields, **{name: int(getattr(self, name)) for name in derived}}


def count_lines(counts: BatchCounts) -> tuple[str, ...]:
    """The counts in words, one short line each; the first line has the three outcomes,
    whose sum is the requests received.

    Example:
        >>> counts = BatchCounts(received=3, disclosed_in_response=1, held_for_review=1,
        ...                      declined=1, rejected_at_screening=1)
        >>> for line in count_lines(counts):
        ...     print(line)
        disclosed 1, not disclosed 1, rejected 1
        held for review 1: 0 approved and disclosed, 1 declined, 0 pending
    """
    lines = [
        f"disclosed {counts.disclosed:,}, not disclosed {counts.not_disclosed:,}, "
        f"rejected {counts.rejected:,}"
    ]
    if counts.held_for_review:
        lines.append(
            f"held for review {counts.held_for_review:,}: {counts.approved:,} approved and "
            f"disclosed, {counts.declined:,} declined, {counts.pending_review:,} pending"
        )
    if counts.rejected_after_matching:
        lines.append(
            f"of the rejected, {counted(counts.rejected_after_matching, 'request')} "
            "refused after matching as DUPLICATE"
        )
    if counts.recalled:
        lines.append(f"recalled: {counted(counts.recalled, 'disclosure')}")
    return tuple(lines)


def standing_sql(*, with_reviews: bool, with_ledger: bool, by_request: bool = False) -> str:
    """Each request of a batch: row, request id, :class:`Standing` and whether its disclosure
    was recalled (params: ``$batch``, and ``$request`` when ``by_request``). Reviews and
    recalls are read when their tables exist."""
    review = "r.decision" if with_reviews else "NULL"
    reviews = (
        "LEFT JOIN reviews AS r ON r.batch_id = d.batch_id AND r.request_id = d.request_id"
        if with_reviews
        else ""
    )
    recalled = (
        f"""EXISTS (SELECT 1 FROM ledger_entries AS e
                   WHERE e.kind = '{EventKind.DISCLOSURE_RECALLED.value}'
                     AND e.batch_id = d.batch_id AND e.request_id = d.request_id)"""
        if with_ledger
        else "false"
    )
    one = "AND d.request_id = $request" if by_request else ""
    return f"""
        SELECT d.row, d.request_id,
               CASE
                   WHEN d.decision = '{Outcome.REJECTED.value}'
                        AND d.reason = '{Reason.SCREENING.value}' THEN '{Standing.REJECTED}'
                   WHEN d.decision = '{Outcome.REJECTED.value}'
                       THEN '{Standing.REJECTED_DUPLICATE}'
                   WHEN d.decision = '{Outcome.DISCLOSE.value}' THEN '{Standing.DISCLOSED}'
                   WHEN d.decision = '{Outcome.REVIEW.value}' AND {review} = 'APPROVED'
                       THEN '{Standing.DISCLOSED_AFTER_REVIEW}'
                   WHEN d.decision = '{Outcome.REVIEW.value}' AND {review} = 'DECLINED'
                       THEN '{Standing.REVIEW_DECLINED}'
                   WHEN d.decision = '{Outcome.REVIEW.value}' THEN '{Standing.REVIEW_PENDING}'
                   WHEN coalesce(d.candidate_records, 0) = 0 THEN '{Standing.NO_CANDIDATE}'
                   ELSE '{Standing.NOT_DISCLOSED}'
               END AS standing,
               {recalled} AS recalled
        FROM decisions AS d {reviews}
        WHERE d.batch_id = $batch {one}
        ORDER BY d.row"""


def batch_counts_sql(*, with_reviews: bool, with_ledger: bool) -> str:
    """One row: the counts of :class:`BatchCounts`, in its field order (param: ``$batch``)."""
    inner = standing_sql(with_reviews=with_reviews, with_ledger=with_ledger)
    reviewed = (Standing.DISCLOSED_AFTER_REVIEW, Standing.REVIEW_DECLINED, Standing.REVIEW_PENDING)

    def n(*standings: Standing) -> str:
        values = ", ".join(f"'{s.value}'" for s in standings)
        return f"count(*) FILTER (WHERE standing IN ({values}))"

    return f"""
        SELECT count(*),
               {n(Standing.REJECTED)},
               {n(Standing.REJECTED_DUPLICATE)},
               {n(Standing.DISCLOSED)},
               {n(*reviewed)},
               {n(Standing.DISCLOSED_AFTER_REVIEW)},
               {n(Standing.REVIEW_DECLINED)},
               {n(Standing.NO_CANDIDATE)},
               {n(Standing.NOT_DISCLOSED)},
               count(*) FILTER (WHERE recalled)
        FROM ({inner})"""


def _tables(store: Store) -> tuple[bool, bool, bool]:
    """Whether the store has decisions, reviews and a ledger."""
    return (
        has_table(store, "decisions"),
        has_table(store, "reviews"),
        has_table(store, "ledger_entries"),
    )


def batch_counts(store: Store, batch_id: str) -> BatchCounts:
    """The counts of ``batch_id`` as it stands now (all zero for a batch with no decisions).

    Args:
        store: The workspace store.
        batch_id: A committed batch.
    """
    decisions, reviews, ledger = _tables(store)
    if not decisions:
        return BatchCounts()
    row = store.fetchone(
        batch_counts_sql(with_reviews=reviews, with_ledger=ledger), {"batch": batch_id}
    )
    assert row is not None  # an aggregate always returns one row
    return BatchCounts(*(int(v) for v in row))


def request_standing(store: Store, batch_id: str, request_id: str) -> tuple[Standing, bool] | None:
    """Where ``request_id`` of ``batch_id`` stands now, and whether its disclosure was
    recalled; None when the batch has no such request."""
    decisions, reviews, ledger = _tables(store)
    if not decisions:
        return None
    sql = standing_sql(with_reviews=reviews, with_ledger=ledger, by_request=True)
    row = store.fetchone(sql, {"batch": batch_id, "request": request_id})
    return None if row is None else (Standing(row[2]), bool(row[3]))
