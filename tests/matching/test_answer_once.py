"""Each taxpayer answered once per batch; later requests for them are DUPLICATE (domain §3)."""

from __future__ import annotations

from taxgate.matching.answer_once import refusal_findings, refuse_later_requests_for_one_taxpayer
from taxgate.matching.decide import Decision, Outcome, Reason
from taxgate.screening.codes import ReasonCode

A, B = "111111111", "222222222"


def _outcomes(decisions: list[Decision]) -> list[str]:
    return [d.outcome.value for d in refuse_later_requests_for_one_taxpayer(decisions)]


def test_the_first_request_for_a_taxpayer_is_answered_and_later_ones_refused() -> None:
    decisions = [
        Decision(Outcome.DISCLOSE, Reason.MATCHED, tin=A),
        Decision(Outcome.DISCLOSE, Reason.MATCHED, tin=B),
        Decision(Outcome.DISCLOSE, Reason.MATCHED, tin=A),
        Decision(Outcome.REVIEW, Reason.BORDERLINE, tin=A),
    ]
    out = refuse_later_requests_for_one_taxpayer(decisions)
    assert [d.outcome for d in out] == [
        Outcome.DISCLOSE,
        Outcome.DISCLOSE,
        Outcome.REJECTED,
        Outcome.REJECTED,
    ]
    assert [d.reason for d in out[2:]] == [Reason.SAME_TAXPAYER, Reason.SAME_TAXPAYER]
    assert out[2].tin == A and out[2].notes == ("was DISCLOSE/MATCHED",)
    assert [f.code for f in refusal_findings(out[2])] == [ReasonCode.DUPLICATE]
    assert refusal_findings(out[0]) == ()


def test_a_request_held_for_review_does_not_make_a_later_one_a_duplicate() -> None:
    # The review reads NOT_DISCLOSED to the requester: a DUPLICATE after it would tell that
    # both resolved to one filer. The later request is decided on its own evidence.
    decisions = [
        Decision(Outcome.REVIEW, Reason.BORDERLINE, tin=A),
        Decision(Outcome.DISCLOSE, Reason.MATCHED, tin=A),
        Decision(Outcome.REVIEW, Reason.BORDERLINE, tin=A),
    ]
    assert _outcomes(decisions) == ["REVIEW", "DISCLOSE", "REJECTED"]


def test_a_request_that_resolved_to_no_one_neither_answers_nor_repeats() -> None:
    # A NOT_DISCLOSED decision may name the candidate it turned down (a son JR against his
    # father's record): that request is another person, never a duplicate of the father.
    son = Decision(Outcome.NOT_DISCLOSED, Reason.SUFFIX_CONFLICT, tin=A)
    father = Decision(Outcome.DISCLOSE, Reason.MATCHED, tin=A)
    assert _outcomes([son, father]) == ["NOT_DISCLOSED", "DISCLOSE"]
    assert _outcomes([father, son]) == ["DISCLOSE", "NOT_DISCLOSED"]


def test_held_or_withheld_taxpayers_are_never_revealed_by_a_duplicate() -> None:
    # Holds and §6103(i)(6) withholds come first and leave NOT_DISCLOSED decisions.
    withheld = Decision(Outcome.NOT_DISCLOSED, Reason.WITHHELD_I6, tin=A)
    assert _outcomes([withheld, withheld]) == ["NOT_DISCLOSED", "NOT_DISCLOSED"]
    held = Decision(Outcome.NOT_DISCLOSED, Reason.LEGAL_HOLD, tin=A)
    assert _outcomes([held, held]) == ["NOT_DISCLOSED", "NOT_DISCLOSED"]


def test_rejected_and_unmatched_decisions_pass_through() -> None:
    decisions = [
        Decision(Outcome.REJECTED, Reason.SCREENING),
        Decision(Outcome.NOT_DISCLOSED, Reason.NO_CANDIDATE),
        Decision(Outcome.DISCLOSE, Reason.MATCHED, tin=B),
    ]
    assert refuse_later_requests_for_one_taxpayer(decisions) == decisions
