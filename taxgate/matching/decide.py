"""The decision policy over all candidates of one request (domain §4, issue "Matching").

DISCLOSE only when every one of these holds:

1. the request passed screening (§6103(i)(2)(B));
2. a candidate taxpayer's **name agrees** in its own right (given name *and* surname) and the
   **requested address corroborates** one of that taxpayer's own filing addresses (the same
   delivery point); a high total score is never enough without both;
3. that taxpayer clears the disclosure threshold with a clear margin over every other
   candidate taxpayer (ties and near-ties are *ambiguous*, never a pick);
4. no conflicting evidence is left unexplained (a TIN or date of birth that disagrees);
5. no legal hold and no §6103(i)(6) withhold applies.

A borderline or conflicted case goes to REVIEW, which releases nothing until a reviewer
approves it. Everything else is NOT_DISCLOSED. The thresholds come from the agreement.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum

from taxgate.agreement import PolicyTerms

POLICY_VERSION = "policy-1"


class Outcome(StrEnum):
    """The internal decision; the response shows REVIEW as NOT_DISCLOSED."""

    DISCLOSE = "DISCLOSE"  # the LKA goes out
    REVIEW = "REVIEW"  # held for a disclosure officer; nothing released until approved
    NOT_DISCLOSED = "NOT_DISCLOSED"  # no disclosure (uniform to the requester)
    REJECTED = "REJECTED"  # the request is defective (reason codes go out)


class Reason(StrEnum):
    """Why the policy decided as it did (internal; never in the response)."""

    MATCHED = "MATCHED"  # one taxpayer, name and address corroborated, above threshold
    SCREENING = "SCREENING"  # rejected by screening
    NO_CANDIDATE = "NO_CANDIDATE"  # blocking found no record
    NAME_DISAGREES = "NAME_DISAGREES"  # address found, but no candidate's name agrees
    ADDRESS_NOT_CORROBORATED = "ADDRESS_NOT_CORROBORATED"  # the name, but not at that address
    SUFFIX_CONFLICT = "SUFFIX_CONFLICT"  # JR against SR: a different person
    BELOW_THRESHOLD = "BELOW_THRESHOLD"  # evidence too weak
    BORDERLINE = "BORDERLINE"  # between the review and disclosure thresholds
    AMBIGUOUS = "AMBIGUOUS"  # two taxpayers fit about equally
    TIN_CONFLICT = "TIN_CONFLICT"  # the request's TIN belongs to another taxpayer: review
    TIN_MISMATCH = "TIN_MISMATCH"  # the request's TIN is not the candidate's nor on file
    DOB_CONFLICT = "DOB_CONFLICT"  # the date of birth disagrees outright: another person
    DOB_SLIP = "DOB_SLIP"  # the date of birth differs by one character: a human checks
    SAME_TAXPAYER = "SAME_TAXPAYER"  # an earlier request of the batch already answers for them
    BATCH_FLAGGED = "BATCH_FLAGGED"  # the agreement holds flagged batches for acknowledgement
    LEGAL_HOLD = "LEGAL_HOLD"  # a legal hold stops disclosures to this requester
    WITHHELD_I6 = "WITHHELD_I6"  # §6103(i)(6): withheld; the response does not say so
    NO_LKA = "NO_LKA"  # no filing is effective yet as of the request date
    LKA_UNUSABLE = "LKA_UNUSABLE"  # the address on file fails screening: a human looks


GIVEN_AGREES = frozenset({"exact", "equivalent", "typo", "initial", "swapped"})
# Given-name levels that make another taxpayer fit a request as well as any: a rival whose
# given name only fits by a typo or an initial is weighed by the margin rule instead.
GIVEN_FITS_FULLY = frozenset({"exact", "equivalent", "swapped"})
SURNAME_AGREES = frozenset({"exact", "compound", "typo", "swapped"})
STREET_AGREES = frozenset({"exact", "name", "typo"})
LOCALITY_AGREES = frozenset({"zip", "city"})


@dataclass(frozen=True, slots=True)
class CandidateEvidence:
    """One scored candidate record: its taxpayer, weight and comparison levels (labels)."""

    tin: str
    record_id: int
    match_weight: float
    levels: Mapping[str, str]
    is_box: bool = False
    partials: Mapping[str, float] = field(default_factory=dict)  # bits per comparison
    other_given_name: bool = False  # the given names are two listed names (JUAN / JUANA)
    misspelt_relative: bool = False  # the request's given name is a slip of a form of this one's
    street_slip: bool = False  # street "disagree", yet one street misspelt (BIICH / BIRCH)
    form_of_one_name: bool = False  # both given names are forms of a third (LIZ, BETTY: ELIZABETH)
    swapped_other_form: bool = False  # names exchanged, the first in another form (ALLEN STEVEN)

    @property
    def name_agrees(self) -> bool:
        """Given name and surname each agree in their own right (or are exchanged).

        A given-name "typo" between two listed names (JUAN / JUANA) is another person's
        name, not a slip (domain §4: relatives at one address must not match).
        """
        given, surname = self.levels.get("given_name"), self.levels.get("surname")
        if surname == "swapped":
            return given == "swapped"
        if given == "typo" and self.other_given_name:
            return False
        return given in GIVEN_AGREES and surname in SURNAME_AGREES

    @property
    def address_corroborates(self) -> bool:
        """The same delivery point: house, street, unit (when both give one) and locality."""
        street = self.levels.get("street")
        street_ok = street in STREET_AGREES or (self.is_box and street == "null")
        return street_ok and self._same_house_unit_locality()

    @property
    def address_may_be_the_point(self) -> bool:
        """The same delivery point, or the same house, unit and locality on a street one or
        two slips off: too loose to corroborate a disclosure, close enough to make a rival."""
        return self.address_corroborates or (self.street_slip and self._same_house_unit_locality())

    def _same_house_unit_locality(self) -> bool:
        return (
            self.levels.get("house") == "exact"
            and self.levels.get("unit") != "disagree"
            and self.levels.get("locality") in LOCALITY_AGREES
        )


@dataclass(frozen=True)
class Decision:
    """The policy's finding for one request, with what it rested on."""

    outcome: Outcome
    reason: Reason
    tin: str | None = None
    record_id: int | None = None
    weight: float | None = None
    margin: float | None = None
    runner_up_tin: str | None = None
    candidate_taxpayers: int = 0
    notes: tuple[str, ...] = field(default=())


@dataclass(frozen=True)
class _Taxpayer:
    tin: str
    best: CandidateEvidence  # best record overall
    corroborating: CandidateEvidence | None  # best record with name and address agreement
    name_seen: bool
    address_seen: bool


def _summarise(candidates: Sequence[CandidateEvidence]) -> list[_Taxpayer]:
    by_tin: dict[str, list[CandidateEvidence]] = {}
    for c in candidates:
        by_tin.setdefault(c.tin, []).append(c)
    out = []
    for tin in sorted(by_tin):
        records = sorted(by_tin[tin], key=lambda c: (-c.match_weight, c.record_id))
        good = [c for c in records if c.name_agrees and c.address_corroborates]
        out.append(
            _Taxpayer(
                tin=tin,
                best=records[0],
                corroborating=good[0] if good else None,
                name_seen=any(c.name_agrees for c in records),
                address_seen=any(c.address_corroborates for c in records),
            )
        )
    return out


@dataclass(frozen=True)
class OnFile:
    """Per-taxpayer evidence beyond the scored records: the suffixes ever written."""

    request_suffix: str | None = None
    suffixes: Mapping[str, frozenset[str]] = field(default_factory=dict)


def decide(
    candidates: Sequence[CandidateEvidence],
    policy: PolicyTerms,
    *,
    passed_screening: bool = True,
    on_file: OnFile | None = None,
) -> Decision:
    """Apply the policy to every candidate record of one request."""
    on_file = on_file or OnFile()
    if not passed_screening:
        return Decision(Outcome.REJECTED, Reason.SCREENING)
    taxpayers = _summarise(candidates)
    if not taxpayers:
        return Decision(Outcome.NOT_DISCLOSED, Reason.NO_CANDIDATE)
    eligible = [t for t in taxpayers if t.corroborating is not None]
    if not eligible:
        if any(t.name_seen for t in taxpayers):
            reason = Reason.ADDRESS_NOT_CORROBORATED
        elif any(t.address_seen for t in taxpayers):
            reason = Reason.NAME_DISAGREES
        else:
            reason = Reason.BELOW_THRESHOLD
        return Decision(Outcome.NOT_DISCLOSED, reason, candidate_taxpayers=len(taxpayers))

    def weight(t: _Taxpayer) -> float:
        return t.corroborating.match_weight if t.corroborating else t.best.match_weight

    # A suffix on file that the request contradicts (SR asked, the son files as JR) is hard
    # evidence, whatever weight the model learned for it: such a taxpayer is chosen only when
    # no other taxpayer is eligible (and then the conflict refuses the disclosure).
    eligible.sort(key=lambda t: (_suffix_contradicts(t, on_file), -weight(t), t.tin))
    top = eligible[0]
    chosen = top.corroborating
    assert chosen is not None
    # Every other candidate taxpayer competes with its best record, eligible or not, unless
    # hard evidence (TIN, date of birth, suffix on file) already tells them apart.
    others = [
        t
        for t in taxpayers
        if t.tin != top.tin and not _separated(top.tin, chosen, t.tin, t.best, on_file)
    ]
    runner = max(others, key=lambda t: (t.best.match_weight, t.tin), default=None)
    margin = None if runner is None else chosen.match_weight - runner.best.match_weight

    def verdict(outcome: Outcome, reason: Reason) -> Decision:
        return Decision(
            outcome,
            reason,
            tin=top.tin,
            record_id=chosen.record_id,
            weight=chosen.match_weight,
            margin=margin,
            runner_up_tin=None if runner is None else runner.tin,
            candidate_taxpayers=len(taxpayers),
        )

    if chosen.levels.get("name_suffix") == "disagree":
        return verdict(Outcome.NOT_DISCLOSED, Reason.SUFFIX_CONFLICT)
    # Domain §4: where two taxpayers fit the request and nothing (date of birth, suffix,
    # TIN) separates them, the answer is no disclosure, whatever the weights say.
    for rival in eligible[1:]:
        evidence = rival.corroborating
        assert evidence is not None
        separated = _separated(top.tin, chosen, rival.tin, evidence, on_file)
        if _fits_as_well(evidence, chosen) and not separated:
            return verdict(Outcome.NOT_DISCLOSED, Reason.AMBIGUOUS)
    # A rival whose own filing at this point misspells the street (a son's one return at
    # 4904 BIICH ST #102, his father's at 4904 BIRCH ST APT 102) lives there too: the slip
    # must not hide him. He cannot corroborate a disclosure of his own with it.
    for c in candidates:
        if (
            c.tin != top.tin
            and c.street_slip
            and c.name_agrees
            and c.address_may_be_the_point
            and _fits_as_well(c, chosen)
            and not _separated(top.tin, chosen, c.tin, c, on_file)
        ):
            return verdict(Outcome.NOT_DISCLOSED, Reason.AMBIGUOUS)

    def someone_else_at_point(fits: Callable[[CandidateEvidence], bool]) -> bool:
        return any(
            c.tin != top.tin
            and c.address_may_be_the_point
            and fits(c)
            and not _separated(top.tin, chosen, c.tin, c, on_file)
            for c in candidates
        )

    # A misspelt surname cannot show which household member it names: anyone else at this
    # delivery point with the same given name (or its equivalent) fits as well.
    if chosen.levels.get("surname") == "typo" and someone_else_at_point(
        lambda c: c.levels.get("given_name") in GIVEN_FITS_FULLY
    ):
        return verdict(Outcome.NOT_DISCLOSED, Reason.AMBIGUOUS)
    # A misspelt given name may be a slip of another member's name as well: JOHNN is JOHN
    # misspelt, and JACK, at the same address, is a JOHN too.
    if chosen.levels.get("given_name") == "typo" and someone_else_at_point(
        lambda c: c.misspelt_relative and c.levels.get("surname") in SURNAME_AGREES
    ):
        return verdict(Outcome.NOT_DISCLOSED, Reason.AMBIGUOUS)
    # Two forms of one name may be one name: LIZ, asked for, is ELIZABETH on file, and BETTY,
    # at the same address, is an ELIZABETH too. The request cannot show which one it names.
    if someone_else_at_point(
        lambda c: c.form_of_one_name and c.levels.get("surname") in SURNAME_AGREES
    ):
        return verdict(Outcome.NOT_DISCLOSED, Reason.AMBIGUOUS)
    # A request with first and last names exchanged (ALLEN STEVEN for STEVEN ALLEN) may name
    # another member the same way with the first name in another form (STEPHEN ALLEN).
    if chosen.levels.get("given_name") == "swapped" and someone_else_at_point(
        lambda c: c.swapped_other_form
    ):
        return verdict(Outcome.NOT_DISCLOSED, Reason.AMBIGUOUS)
    if margin is not None and margin < policy.min_margin:
        return verdict(Outcome.NOT_DISCLOSED, Reason.AMBIGUOUS)
    if chosen.match_weight < policy.review_weight:
        return verdict(Outcome.NOT_DISCLOSED, Reason.BELOW_THRESHOLD)
    # Conflicting evidence is never left unexplained. A date of birth that disagrees outright
    # (not a one-character slip, which is its own level) names another person. A TIN that
    # disagrees names someone else: when that someone is on file among the candidates, a
    # human looks at the mix-up; otherwise the request is not about this taxpayer.
    if chosen.levels.get("date_of_birth") == "disagree":
        return verdict(Outcome.NOT_DISCLOSED, Reason.DOB_CONFLICT)
    if chosen.levels.get("date_of_birth") == "typo":
        # A slip or another person born days apart (a twin, a relative): not for a machine.
        return verdict(Outcome.REVIEW, Reason.DOB_SLIP)
    if chosen.levels.get("tin") == "disagree":
        owner_on_file = any(t.best.levels.get("tin") == "exact" for t in taxpayers)
        if owner_on_file:
            return verdict(Outcome.REVIEW, Reason.TIN_CONFLICT)
        return verdict(Outcome.NOT_DISCLOSED, Reason.TIN_MISMATCH)
    if chosen.match_weight < policy.disclose_weight:
        return verdict(Outcome.REVIEW, Reason.BORDERLINE)
    return verdict(Outcome.DISCLOSE, Reason.MATCHED)


def rivals_named_elsewhere(
    decision: Decision, candidates: Sequence[CandidateEvidence], on_file: OnFile | None = None
) -> list[str]:
    """Other taxpayers at the requested delivery point to look up under their other names.

    Matching records are (taxpayer, name form, delivery point) rows, so a rival who filed at
    this point as YOLANDA SOTO and elsewhere as YOLANDA SOTO MARTINEZ meets a request for
    YOLANDA MARTINEZ here only with a surname that disagrees. Domain §4 judges a rival on
    who they are, not on one filing: each such taxpayer (at the point, maybe with a street slip; the
    given name fits fully, the surname on this record does not, and nothing separates them
    from the chosen taxpayer) is listed, so that the caller can look up every name form they
    filed under (:func:`ambiguous_by_other_names`). Only a disclosure needs the check.
    """
    if decision.outcome is not Outcome.DISCLOSE or decision.tin is None:
        return []
    on_file = on_file or OnFile()
    chosen = next((c for c in candidates if c.record_id == decision.record_id), None)
    if chosen is None:
        return []
    found = {
        c.tin
        for c in candidates
        if c.tin != decision.tin
        and c.address_may_be_the_point
        and not c.name_agrees
        and c.levels.get("given_name") in GIVEN_FITS_FULLY
        and not _separated(decision.tin, chosen, c.tin, c, on_file)
    }
    return sorted(found)


def ambiguous_by_other_names(decision: Decision, rivals: Sequence[str]) -> Decision:
    """No disclosure when a rival at the point is on file under a name fitting the request."""
    if not rivals or decision.outcome is not Outcome.DISCLOSE:
        return decision
    overruled = overrule(decision, Outcome.NOT_DISCLOSED, Reason.AMBIGUOUS)
    note = f"another taxpayer at this address filed elsewhere under a fitting name: {len(rivals)}"
    return dataclasses.replace(overruled, notes=(*overruled.notes, note))


def _fits_as_well(rival: CandidateEvidence, chosen: CandidateEvidence) -> bool:
    """The rival's given name fits fully, or as well as the chosen taxpayer's."""
    given = rival.levels.get("given_name")
    return given in GIVEN_FITS_FULLY or given == chosen.levels.get("given_name")


def _records_of(candidates: Sequence[CandidateEvidence], tin: str) -> list[CandidateEvidence]:
    return [c for c in candidates if c.tin == tin]


def _suffix_contradicts(taxpayer: _Taxpayer, on_file: OnFile) -> bool:
    """The request's suffix disagrees with the taxpayer's corroborating record, or the
    taxpayer's filings carry explicit suffixes, none of them the requested one."""
    record = taxpayer.corroborating
    if record is not None and record.levels.get("name_suffix") == "disagree":
        return True
    wanted = on_file.request_suffix
    filed = on_file.suffixes.get(taxpayer.tin, frozenset())
    return bool(wanted and filed and wanted not in filed)


def _separated(
    chosen_tin: str,
    chosen: CandidateEvidence,
    rival_tin: str,
    rival: CandidateEvidence,
    on_file: OnFile,
) -> bool:
    """Whether evidence tells the chosen taxpayer from a rival who also fits the request.

    The request's TIN or date of birth agrees with the chosen taxpayer and not the rival; or
    the request's suffix is on the chosen taxpayer's filings while the rival's filings carry a
    different explicit suffix (JR against SR, anywhere in their history).
    """
    for level in ("tin", "date_of_birth", "name_suffix"):
        if chosen.levels.get(level) == "exact" and rival.levels.get(level) == "disagree":
            return True
    wanted = on_file.request_suffix
    if wanted:
        chosen_suffixes = on_file.suffixes.get(chosen_tin, frozenset())
        rival_suffixes = on_file.suffixes.get(rival_tin, frozenset())
        if wanted in chosen_suffixes and rival_suffixes - {wanted}:
            return True
    return False


def apply_restrictions(
    decision: Decision,
    *,
    legal_hold: bool,
    withheld_tins: frozenset[str] | set[str],
    hold_for_flags: bool,
) -> Decision:
    """Holds and withholds turn a would-be disclosure into a non-disclosure (or review)."""
    if decision.outcome not in (Outcome.DISCLOSE, Outcome.REVIEW):
        return decision
    if legal_hold:
        return overrule(decision, Outcome.NOT_DISCLOSED, Reason.LEGAL_HOLD)
    if decision.tin is not None and decision.tin in withheld_tins:
        return overrule(decision, Outcome.NOT_DISCLOSED, Reason.WITHHELD_I6)
    if hold_for_flags and decision.outcome is Outcome.DISCLOSE:
        return overrule(decision, Outcome.REVIEW, Reason.BATCH_FLAGGED)
    return decision


def answer_each_taxpayer_once(decisions: Sequence[Decision]) -> list[Decision]:
    """Within one batch, disclose each taxpayer at most once (domain §3: answer once).

    Screening finds repeats on the request's own words; two requests that are written
    differently can still resolve to one taxpayer. The first (in request order) is answered;
    a later one is not disclosed. The response does not say why: a DUPLICATE code would tell
    the requester that two of its requests resolved to one taxpayer.
    """
    seen: set[str] = set()
    out = []
    for decision in decisions:
        tin = decision.tin
        if decision.outcome is Outcome.DISCLOSE and tin is not None:
            if tin in seen:
                decision = overrule(decision, Outcome.NOT_DISCLOSED, Reason.SAME_TAXPAYER)
            seen.add(tin)
        out.append(decision)
    return out


def overrule(decision: Decision, outcome: Outcome, reason: Reason) -> Decision:
    """The same evidence with another outcome; the note keeps what the policy had found."""
    notes = (*decision.notes, f"was {decision.outcome.value}/{decision.reason.value}")
    return dataclasses.replace(decision, outcome=outcome, reason=reason, notes=notes)
