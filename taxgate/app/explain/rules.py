"""The rule behind each decision reason: in general (:data:`RULES`, one line per ``Reason``,
read by the oversight report) and for one request, with the figures it compared
(:func:`rule_sentence`).

Example:
    >>> terms = PolicyTerms(disclose_weight=20, review_weight=10, min_margin=0)
    >>> facts = DecisionFacts(reason="BELOW_THRESHOLD", decision="NOT_DISCLOSED",
    ...                       chosen="XXX-XX-6789", bits=7.5)
    >>> sentence = rule_sentence(facts, terms)
    >>> sentence.startswith("Not disclosed: the strongest taxpayer at the requested address")
    True
    >>> sentence.endswith("has 7.5 bits of evidence, below the review threshold of 10 bits.")
    True
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from taxgate.agreement import PolicyTerms
from taxgate.matching.decide import Reason
from taxgate.plural import counted

RULES: dict[str, str] = {  # the rule behind each decision reason, in words
    Reason.MATCHED.value: "one taxpayer; name and address corroborated; above the disclosure "
    "threshold with a clear margin; no conflict",
    Reason.SCREENING.value: "the request failed screening (§6103(i)(2)(B)); nothing was matched",
    Reason.NO_CANDIDATE.value: "no master record shares the house number and a name",
    Reason.NAME_DISAGREES.value: "a record at the address, but no candidate's name agrees",
    Reason.ADDRESS_NOT_CORROBORATED.value: "the name was found, but the requested address is "
    "not one of that taxpayer's filing addresses",
    Reason.SUFFIX_CONFLICT.value: "the suffix disagrees (JR against SR): a different person",
    Reason.BELOW_THRESHOLD.value: "the evidence is below the review threshold, or no "
    "candidate agrees in name or address",
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
class DecisionFacts:
    """The figures a decision compared, gathered for its sentence.

    Attributes:
        reason: The policy's reason (a ``Reason`` value).
        decision: The internal decision.
        chosen: The masked TIN of the taxpayer the decision names, if any.
        bits: That taxpayer's evidence, in bits.
        posterior: That taxpayer's share of the posterior.
        rival: The masked TIN and share of the strongest other taxpayer.
        not_on_file: The share of the not-on-file hypothesis.
        taxpayers: How many candidate taxpayers were weighed.
        codes: The reason codes of a rejected request.
        earlier_request: The request of the batch that answers the same taxpayer.
        named: The masked TIN of the strongest taxpayer whose name agrees (the decision
            need not name them).
        address_disagrees: Why that taxpayer's filing addresses are not the point.
        overruled: What the policy had found before a hold, withhold or check overruled it.
    """

    reason: str
    decision: str
    chosen: str | None = None
    bits: float | None = None
    posterior: float | None = None
    rival: tuple[str, float] | None = None
    not_on_file: float | None = None
    taxpayers: int = 0
    codes: Sequence[str] = field(default=())
    earlier_request: str | None = None
    named: str | None = None
    address_disagrees: str | None = None
    overruled: str | None = None


def rule_sentence(facts: DecisionFacts, terms: PolicyTerms) -> str:
    """The rule that decided, in one sentence, with the figures it compared."""
    sentence = _SENTENCES.get(facts.reason, _general)(facts, terms)
    if facts.overruled:
        sentence += f" (Before that, the policy had decided {facts.overruled}.)"
    return sentence


def _share(value: float | None) -> str:
    return "unknown" if value is None else f"{value:.1%}"


def _bits(value: float | None) -> str:
    return "an unrecorded amount of" if value is None else f"{value:.1f} bits of"


def _matched(f: DecisionFacts, t: PolicyTerms) -> str:
    return (
        f"Disclosed: taxpayer {f.chosen}'s name agrees and the requested address is one of "
        f"their own delivery points, with {_bits(f.bits)} evidence (at least "
        f"{t.disclose_weight:g} needed) and {_share(f.posterior)} of the posterior (at least "
        f"{t.disclose_probability:.0%} needed)."
    )


def _borderline(f: DecisionFacts, t: PolicyTerms) -> str:
    if f.posterior is not None and f.posterior < t.disclose_probability:
        short = (
            f"their share of the posterior, {f.posterior:.1%}, is below the "
            f"{t.disclose_probability:.0%} a disclosure needs"
        )
    elif f.bits is not None and f.bits < t.disclose_weight:
        short = f"the evidence is below the {t.disclose_weight:g} bits a disclosure needs"
    else:
        short = "the evidence falls in the review band"
    return (
        f"Held for review: taxpayer {f.chosen}'s name and address corroborate with "
        f"{_bits(f.bits)} evidence, but {short}; from {t.review_probability:.0%} and "
        f"{t.review_weight:g} bits a disclosure officer decides."
    )


def _below(f: DecisionFacts, t: PolicyTerms) -> str:
    if f.chosen is None:
        return (
            f"Not disclosed: of {counted(f.taxpayers, 'candidate taxpayer')}, none has a name "
            "that agrees with the request and none files at the requested address."
        )
    return (
        f"Not disclosed: the strongest taxpayer at the requested address, {f.chosen}, has "
        f"{f.bits:.1f} bits of evidence, below the review threshold of {t.review_weight:g} bits."
        if f.bits is not None
        else f"Not disclosed: taxpayer {f.chosen}'s evidence is below the review threshold."
    )


def _ambiguous(f: DecisionFacts, t: PolicyTerms) -> str:
    rival = f" and taxpayer {f.rival[0]} {_share(f.rival[1])}" if f.rival else ""
    return (
        f"Not disclosed: taxpayer {f.chosen} holds {_share(f.posterior)} of the posterior"
        f"{rival}; review needs {t.review_probability:.0%}, and ambiguity never discloses."
    )


def _not_on_file(f: DecisionFacts, t: PolicyTerms) -> str:
    return (
        f"Not disclosed: taxpayer {f.chosen} holds {_share(f.posterior)} of the posterior, and "
        f"someone at the address who never filed (a household member) holds "
        f"{_share(f.not_on_file)}; review needs {t.review_probability:.0%}."
    )


def _name_disagrees(f: DecisionFacts, t: PolicyTerms) -> str:
    who = (
        "the one candidate taxpayer files at the requested address, but not"
        if f.taxpayers == 1
        else f"of {f.taxpayers:,} candidate taxpayers, some file at the requested address, but none"
    )
    return f"Not disclosed: {who} under a name that agrees with the request's."


def _address(f: DecisionFacts, t: PolicyTerms) -> str:
    why = f" ({f.address_disagrees})" if f.address_disagrees else ""
    who = f"taxpayer {f.named}" if f.named else "a taxpayer"
    return (
        f"Not disclosed: {who}'s name agrees, but the requested address is not one of "
        f"their delivery points{why}; an address is disclosed only to a request that names it."
    )


def _screening(f: DecisionFacts, t: PolicyTerms) -> str:
    codes = ", ".join(dict.fromkeys(f.codes)) or "a screening code"
    return (
        f"Rejected at screening ({codes}): the request does not set forth what "
        "§6103(i)(2)(B) and the agreement require, so nothing was matched."
    )


def _same_taxpayer(f: DecisionFacts, t: PolicyTerms) -> str:
    earlier = f"request {f.earlier_request}" if f.earlier_request else "an earlier request"
    return (
        f"Rejected as DUPLICATE: it resolves to taxpayer {f.chosen}, whom {earlier} of this "
        "batch already answers; each taxpayer is answered once per batch (domain §3)."
    )


def _no_candidate(f: DecisionFacts, t: PolicyTerms) -> str:
    return (
        "Not disclosed: no master record shares the requested house number and a name (or "
        "the request's TIN), so no taxpayer could be weighed."
    )


def _general(f: DecisionFacts, t: PolicyTerms) -> str:
    verb = {
        "DISCLOSE": "Disclosed",
        "REVIEW": "Held for review",
        "REJECTED": "Rejected",
    }.get(f.decision, "Not disclosed")
    rule = RULES.get(f.reason, f.reason)
    who = f" (taxpayer {f.chosen})" if f.chosen else ""
    return f"{verb}{who}: {rule}."


_SENTENCES = {
    Reason.MATCHED.value: _matched,
    Reason.BORDERLINE.value: _borderline,
    Reason.BELOW_THRESHOLD.value: _below,
    Reason.AMBIGUOUS.value: _ambiguous,
    Reason.NOT_ON_FILE.value: _not_on_file,
    Reason.NAME_DISAGREES.value: _name_disagrees,
    Reason.ADDRESS_NOT_CORROBORATED.value: _address,
    Reason.SCREENING.value: _screening,
    Reason.SAME_TAXPAYER.value: _same_taxpayer,
    Reason.NO_CANDIDATE.value: _no_candidate,
}
