"""Answer each taxpayer once per batch: later requests for them are refused (domain §3).

Whether two requests of one batch name the same person is settled by whom they resolve to.
Screening refuses only plain repeats (:mod:`taxgate.screening.batch`); two requests written
differently (a nickname, a typo, a missing middle name) can still resolve to one taxpayer.
The first of them, in request order, is answered; every later one is ``REJECTED`` with the
reason code ``DUPLICATE`` (data contract §3: "A DUPLICATE refusal is given to the later
requests for a taxpayer; the first is answered").

A request *resolves to* a taxpayer when its decision names that taxpayer (``tin``) with the
outcome DISCLOSE or REVIEW. A NOT_DISCLOSED decision may carry the TIN of the candidate it
turned down (another person: a suffix or date of birth that disagrees, an ambiguity); such a
request resolved to no one, so it neither answers a taxpayer nor repeats one. A taxpayer is
*answered* once a request discloses them: a request held for review reads NOT_DISCLOSED to
the requester, and a DUPLICATE after it would tell that both resolved to one filer (data
contract §3 keeps NOT_DISCLOSED uniform), so a later request after a review is decided on its
own evidence; if it discloses, the review's approval is refused as already disclosed. Holds and
§6103(i)(6) withholds are applied before this step and turn a decision into NOT_DISCLOSED,
so a withheld or held taxpayer is never revealed by a ``DUPLICATE``.
"""

from __future__ import annotations

from collections.abc import Sequence

from taxgate.matching.decide import Decision, Outcome, Reason, overrule
from taxgate.screening.codes import ReasonCode
from taxgate.screening.findings import Finding

# The outcomes by which a request resolves to the taxpayer its decision names.
RESOLVED = frozenset({Outcome.DISCLOSE, Outcome.REVIEW})


def refuse_later_requests_for_one_taxpayer(decisions: Sequence[Decision]) -> list[Decision]:
    """The decisions, in request order, with every later request for a disclosed taxpayer
    ``REJECTED`` (reason ``SAME_TAXPAYER``; the response code is ``DUPLICATE``).

    Args:
        decisions: the decisions of the requests that passed screening, in request order,
            after holds and withholds.

    Returns:
        One decision per input, in the same order.

    Example:
        >>> first = Decision(Outcome.DISCLOSE, Reason.MATCHED, tin="111111111")
        >>> again = Decision(Outcome.REVIEW, Reason.BORDERLINE, tin="111111111")
        >>> [d.outcome.value for d in refuse_later_requests_for_one_taxpayer([first, again])]
        ['DISCLOSE', 'REJECTED']
        >>> [d.outcome.value for d in refuse_later_requests_for_one_taxpayer([again, first])]
        ['REVIEW', 'DISCLOSE']
    """
    answered: set[str] = set()
    out: list[Decision] = []
    for decision in decisions:
        tin = decision.tin
        if decision.outcome in RESOLVED and tin is not None:
            if tin in answered:
                decision = overrule(decision, Outcome.REJECTED, Reason.SAME_TAXPAYER)
            elif decision.outcome is Outcome.DISCLOSE:
                answered.add(tin)
        out.append(decision)
    return out


def refusal_findings(decision: Decision) -> tuple[Finding, ...]:
    """The findings of a request refused after matching: ``DUPLICATE``, or none.

    Example:
        >>> refused = Decision(Outcome.REJECTED, Reason.SAME_TAXPAYER, tin="111111111")
        >>> [f.code.value for f in refusal_findings(refused)]
        ['DUPLICATE']
    """
    if decision.outcome is Outcome.REJECTED and decision.reason is Reason.SAME_TAXPAYER:
        return (_DUPLICATE,)
    return ()


_DUPLICATE = Finding(
    ReasonCode.DUPLICATE,
    "request_id",
    "resolves to the same taxpayer as an earlier request of this batch, which is answered",
)
