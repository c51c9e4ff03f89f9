"""The decision rule over every hypothesis a request could be (domain §4, issue 14).

For each request the hypotheses are: each candidate taxpayer (everyone who filed at the
requested delivery point, and those reached by TIN or by a name form), and **someone not on
file** at that point (a spouse, child, sibling or parent who never filed, or a junior of the
same name). Each hypothesis gets the log2 likelihood of the request's fields under it,
relative to a random person (bits):

* a taxpayer: the sum of the model's comparison weights, where the name is judged on the
  best of the taxpayer's own name forms and the address on their record at the point (or,
  for someone who lived with a filer at the point before, that household's address at the
  odds of having moved with it); a
  given name that is not written as the taxpayer writes it weighs by how often a random
  person carries the written name (:func:`given_name_bits`);
* not on file: the address and surname of the household (such a person shares both), a
  random given name, date of birth and TIN, and the agreement's prior odds; a generational
  suffix asked where a filer of the same given name has none makes a junior or senior of
  that name likely.

The posterior of the best taxpayer at the point is its share of all hypotheses. DISCLOSE
only when the request passed screening, the name agrees and the requested address is that
taxpayer's own (the same delivery point), its evidence clears the agreement's floor, and its
posterior reaches ``disclose_probability``; between ``review_probability`` and that, a human
reviews; below, no disclosure. Evidence against (a date of birth or TIN that differs, a
contradicted suffix) is a weight like any other: how often it happens to the same person
against how often to someone else. Nothing here is keyed on a particular spelling.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum

from taxgate.agreement import PolicyTerms

POLICY_VERSION = "policy-2"


class Outcome(StrEnum):
    """The internal decision; the response shows REVIEW as NOT_DISCLOSED."""

    DISCLOSE = "DISCLOSE"  # the LKA goes out
    REVIEW = "REVIEW"  # held for a disclosure officer; nothing released until approved
    NOT_DISCLOSED = "NOT_DISCLOSED"  # no disclosure (uniform to the requester)
    REJECTED = "REJECTED"  # the request is defective (reason codes go out)


class Reason(StrEnum):
    """Why the policy decided as it did (internal; never in the response)."""

    MATCHED = "MATCHED"  # one taxpayer, name and address corroborated, posterior above bound
    SCREENING = "SCREENING"  # rejected by screening
    NO_CANDIDATE = "NO_CANDIDATE"  # blocking found no record
    NAME_DISAGREES = "NAME_DISAGREES"  # address found, but no candidate's name agrees
    ADDRESS_NOT_CORROBORATED = "ADDRESS_NOT_CORROBORATED"  # the name, but not at that address
    SUFFIX_CONFLICT = "SUFFIX_CONFLICT"  # JR against SR: a different person (older decisions)
    BELOW_THRESHOLD = "BELOW_THRESHOLD"  # evidence too weak
    BORDERLINE = "BORDERLINE"  # posterior in the review band
    AMBIGUOUS = "AMBIGUOUS"  # another taxpayer holds too much of the posterior
    NOT_ON_FILE = "NOT_ON_FILE"  # someone at the point who never filed is too likely
    TIN_CONFLICT = "TIN_CONFLICT"  # the request's TIN belongs to another taxpayer (older)
    TIN_MISMATCH = "TIN_MISMATCH"  # the request's TIN is not the candidate's (older)
    DOB_CONFLICT = "DOB_CONFLICT"  # the date of birth disagrees outright (older)
    DOB_SLIP = "DOB_SLIP"  # the date of birth differs by one character (older)
    SAME_TAXPAYER = "SAME_TAXPAYER"  # an earlier request of the batch already answers for them
    BATCH_FLAGGED = "BATCH_FLAGGED"  # the agreement holds flagged batches for acknowledgement
    LEGAL_HOLD = "LEGAL_HOLD"  # a legal hold stops disclosures to this requester
    WITHHELD_I6 = "WITHHELD_I6"  # §6103(i)(6): withheld; the response does not say so
    NO_LKA = "NO_LKA"  # no filing is effective yet as of the request date
    LKA_UNUSABLE = "LKA_UNUSABLE"  # the address on file fails screening: a human looks


# Given-name levels that are the requested name itself, in one of its forms.
SAME_NAME = frozenset({"exact", "joined", "equivalent", "sounds_alike", "swapped", "swapped_form"})
SWAPPED = frozenset({"swapped", "swapped_form", "swapped_typo"})
GIVEN_AGREES = frozenset(
    {
        "exact",
        "joined",
        "equivalent",
        "second_given",
        "typo",
        "form_typo",
        "sounds_alike",
        "initial",
        *SWAPPED,
    }
)
SURNAME_AGREES = frozenset({"exact", "compound", "typo", "swapped"})
STREET_AGREES = frozenset({"exact", "name", "typo"})
LOCALITY_AGREES = frozenset({"zip", "city"})
NAME_PARTS = ("given_name", "surname")
ADDRESS_PARTS = ("house", "street", "unit", "locality")
PERSON_PARTS = ("name_suffix", "date_of_birth", "tin")


@dataclass(frozen=True, slots=True)
class CandidateEvidence:
    """One scored candidate record: its taxpayer, the model's weights and levels (labels).

    ``partials`` are the model's bits per comparison; ``given_bits`` replaces the given-name
    weight where the name channel judged the written name (:func:`given_name_bits`), and
    ``middle_bits`` weighs second given names that both sides wrote. ``junior_bits`` is the
    weight, for the not-on-file hypothesis, of a person of this record's given name who
    never filed (a junior or senior asked with a suffix this record does not carry).
    ``former_coresident``: the taxpayer filed at an earlier delivery point of someone
    filing at the requested one, and may have moved with them.
    """

    tin: str
    record_id: int
    match_weight: float
    levels: Mapping[str, str]
    is_box: bool = False
    partials: Mapping[str, float] = field(default_factory=dict)
    given_bits: float | None = None
    middle_bits: float = 0.0
    junior_bits: float = 0.0
    former_coresident: bool = False  # filed at an earlier point of someone at the point

    # What the decision asks of every candidate, several times over: read once, when the
    # evidence is made (or remade by dataclasses.replace), from the fields above.
    name_agrees: bool = field(init=False, repr=False, compare=False)
    """Given name and surname each agree in their own right (or are exchanged)."""
    building_agrees: bool = field(init=False, repr=False, compare=False)
    """House, street and locality agree: the requested building, whatever the unit."""
    address_corroborates: bool = field(init=False, repr=False, compare=False)
    """The same delivery point: house, street, unit (when both give one) and locality."""
    name_bits: float = field(init=False, repr=False, compare=False)  # bits(NAME_PARTS)
    address_bits: float = field(init=False, repr=False, compare=False)  # bits(ADDRESS_PARTS)
    person_bits: float = field(init=False, repr=False, compare=False)  # bits(PERSON_PARTS)

    def __post_init__(self) -> None:
        levels = self.levels
        given, surname = levels.get("given_name"), levels.get("surname")
        if surname == "swapped":
            name = given in SWAPPED
        else:
            name = given in GIVEN_AGREES and surname in SURNAME_AGREES
        street = levels.get("street")
        street_ok = street in STREET_AGREES or (self.is_box and street == "null")
        building = (
            street_ok
            and levels.get("house") == "exact"
            and levels.get("locality") in LOCALITY_AGREES
        )
        derived = {
            "name_agrees": name,
            "building_agrees": building,
            "address_corroborates": building and levels.get("unit") != "disagree",
            "name_bits": self.bits(NAME_PARTS),
            "address_bits": self.bits(ADDRESS_PARTS),
            "person_bits": self.bits(PERSON_PARTS),
        }
        for attribute, value in derived.items():
            object.__setattr__(self, attribute, value)

    def bits(self, parts: Sequence[str]) -> float:
        """The summed weight of some comparisons, the name channel's where it judged."""
        total = 0.0
        for part in parts:
            if part == "given_name" and self.given_bits is not None:
                total += self.given_bits
            else:
                total += self.partials.get(part, 0.0)
        if "given_name" in parts:
            total += self.middle_bits
        return total


@dataclass(frozen=True)
class Decision:
    """The policy's finding for one request, with what it rested on.

    ``weight`` is the chosen taxpayer's evidence (bits against a random person); ``margin``
    is the log2 posterior odds of the chosen taxpayer against every other hypothesis.
    ``hypotheses`` keeps every candidate taxpayer's evidence (TIN, bits) as the posterior
    counted it, strongest first, and ``not_on_file`` the not-on-file hypothesis's (None where
    it was not weighed), so that an explanation shows what each rival had without deciding
    again.
    """

    outcome: Outcome
    reason: Reason
    tin: str | None = None
    record_id: int | None = None
    weight: float | None = None
    margin: float | None = None
    runner_up_tin: str | None = None
    candidate_taxpayers: int = 0
    notes: tuple[str, ...] = field(default=())
    posterior: float | None = None
    hypotheses: tuple[tuple[str, float], ...] = field(default=())
    not_on_file: float | None = None


@dataclass(frozen=True)
class OnFile:
    """Evidence beyond the scored records: the suffixes each taxpayer ever wrote, and how
    many households the requested point holds (the units on file at a building, when the
    request wrote no unit: any of them may be the one meant)."""

    request_suffix: str | None = None
    suffixes: Mapping[str, frozenset[str]] = field(default_factory=dict)
    households: int = 1


# How often a suffix is written for the same person as they write it (the request channel's
# suffix error), and how often a random person carries a generational suffix at all.
SUFFIX_SAME_PERSON_ERROR = 0.03
SUFFIX_SHARE = 0.05


def suffix_bits(tin: str, on_file: OnFile) -> float | None:
    """The weight of the requested suffix against every suffix the taxpayer ever filed
    under, or None where the history says nothing (no suffix asked or none filed)."""
    wanted = on_file.request_suffix
    filed = on_file.suffixes.get(tin, frozenset())
    if not wanted or not filed:
        return None
    if wanted in filed:
        return math.log2((1 - SUFFIX_SAME_PERSON_ERROR) / SUFFIX_SHARE)
    return math.log2(SUFFIX_SAME_PERSON_ERROR / (1 - SUFFIX_SHARE))


# How often a household member who lived with a filer lives with them at their next address
# (families move together; roommates and adult children often do not).
MOVED_TOGETHER = 0.5


@dataclass(frozen=True)
class Hypothesis:
    """One taxpayer as the request's subject: its evidence and the record at the point."""

    tin: str
    bits: float
    at_point: CandidateEvidence | None  # the record that corroborates name and address
    best: CandidateEvidence
    person: float = 0.0  # the person-level evidence: date of birth, suffix, TIN
    dob_bits: float = 0.0  # the date of birth's weight
    dob_on_file: bool = True  # False: nothing on file to compare the request's date with

    @property
    def carries_the_name(self) -> bool:
        """At the point under the requested name itself (written whole, in another form of
        the same name, joined, respelled or exchanged), not by a slip or an initial."""
        at = self.at_point
        return at is not None and at.levels.get("given_name") in SAME_NAME


def taxpayer_hypotheses(
    candidates: Sequence[CandidateEvidence], on_file: OnFile
) -> list[Hypothesis]:
    """Each candidate taxpayer judged on their best name form and their record at the point.

    A taxpayer's name evidence comes from whichever of their name forms fits the request
    best (a maiden name, a filing under a nickname), their address evidence from their record
    at the requested point (or the best address evidence elsewhere), and the person-level
    facts (date of birth, TIN, suffix history) once. ``candidates`` have their units read
    as :func:`resolve_units` reads them.
    """
    by_tin: dict[str, list[CandidateEvidence]] = {}
    for c in candidates:
        by_tin.setdefault(c.tin, []).append(c)
    household = max(
        (c.address_bits for cs in by_tin.values() for c in cs if c.address_corroborates),
        default=None,
    )
    out = []
    for tin in sorted(by_tin):
        records = sorted(by_tin[tin], key=lambda c: (-c.match_weight, c.record_id))
        name = max(c.name_bits - c.middle_bits for c in records) + _middle(records)
        address = max(c.address_bits for c in records)
        if household is not None and any(c.former_coresident for c in records):
            # Not (yet) on file at the point, but lived with someone who is.
            address = max(address, household + math.log2(MOVED_TOGETHER))
        person = max(c.person_bits for c in records)
        history = suffix_bits(tin, on_file)
        if history is not None:
            person += history - max(c.partials.get("name_suffix", 0.0) for c in records)
        dob = records[0]
        out.append(
            Hypothesis(
                tin,
                name + address + person,
                _record_at_point(records),
                records[0],
                person=person,
                dob_bits=dob.partials.get("date_of_birth", 0.0),
                dob_on_file=dob.levels.get("date_of_birth") != "null",
            )
        )
    return out


def resolve_units(candidates: Sequence[CandidateEvidence]) -> dict[str, list[CandidateEvidence]]:
    """Each taxpayer's records, a filing without a unit at a building read as the unit the
    taxpayer wrote there (domain §5: a return that left the unit out is the same point)."""
    by_tin: dict[str, list[CandidateEvidence]] = {}
    for c in candidates:
        by_tin.setdefault(c.tin, []).append(c)
    return {tin: _units_of_building(records) for tin, records in by_tin.items()}


def _units_of_building(records: list[CandidateEvidence]) -> list[CandidateEvidence]:
    """A record at the requested building without a unit, of a taxpayer who wrote a unit
    there other than the requested one (and never the requested one), is that other unit."""
    if not any(c.levels.get("unit") == "disagree" for c in records):
        return records
    at_building = [c for c in records if c.building_agrees]
    units = {c.levels.get("unit") for c in at_building}
    if "disagree" not in units or "exact" in units:
        return records
    other = next(c for c in at_building if c.levels.get("unit") == "disagree")
    weight = other.partials.get("unit", 0.0)
    return [
        dataclasses.replace(
            c, levels={**c.levels, "unit": "disagree"}, partials={**c.partials, "unit": weight}
        )
        if c.building_agrees and c.levels.get("unit") == "null"
        else c
        for c in records
    ]


def _middle(records: Sequence[CandidateEvidence]) -> float:
    """Second given names are the person's, not one filing's: a form that left the middle
    name out does not hide the one the taxpayer wrote elsewhere. The best agreement of any
    form, else the disagreement of any form, else nothing."""
    bits = [c.middle_bits for c in records]
    best = max(bits)
    return best if best > 0 else min(bits)


def _record_at_point(records: Sequence[CandidateEvidence]) -> CandidateEvidence | None:
    """The taxpayer's best record at the requested point under a name that agrees: one of
    their name forms must agree, and the point must be one of their own addresses."""
    if not any(c.name_agrees for c in records):
        return None
    here = [c for c in records if c.address_corroborates]
    if not here:
        return None
    return max(here, key=lambda c: (c.name_agrees, c.match_weight, -c.record_id))


# About 3 % of births are twins: a household member born the same day as a filer.
TWIN_SHARE = 0.03


def not_on_file_bits(
    candidates: Sequence[CandidateEvidence], policy: PolicyTerms, *, households: int = 1
) -> float:
    """The not-on-file hypothesis: someone at the requested point who never filed.

    Such a person shares the household's address and, most often, its surname (in any form
    a filer at the point wrote it); their given name, date of birth and TIN are a random
    person's (0 bits), except that a suffix asked where a filer of the same given name has
    none makes a namesake junior or senior likely, and a date of birth that is a filer's own
    may be their twin's. A point of several ``households`` (a building whose unit the request
    left out) holds as many more people who never filed: they share the building, not the
    filers' surname.
    """
    at_point = [c for c in candidates if c.address_corroborates]
    if not at_point:
        return -math.inf
    prior = math.log2(policy.nonfiler_prior_odds)
    # The household's surname in any form its members at the point filed under.
    here = {c.tin for c in at_point}
    surname = max(c.partials.get("surname", 0.0) for c in candidates if c.tin in here)
    # A namesake junior (or senior) who never filed is likely only when no one at the point
    # already files with the requested suffix.
    suffix_on_file = any(c.levels.get("name_suffix") == "exact" for c in at_point)
    household = max(
        c.address_bits
        + max(surname, 0.0)
        + (0.0 if suffix_on_file else max(c.junior_bits, 0.0))
        + _twin_bits(c)
        for c in at_point
    )
    prior += tin_of_another_name(candidates)
    if households <= 1:
        return prior + household
    neighbours = max(c.address_bits for c in at_point) + math.log2(households - 1)
    return prior + max(household, neighbours) + math.log2(1 + 2 ** -abs(household - neighbours))


def tin_of_another_name(candidates: Sequence[CandidateEvidence]) -> float:
    """The request's TIN is a taxpayer's whose name is not the requested one at all (neither
    given name nor surname agrees): a clerical error that the requesting agency makes as
    often whoever the request is about. A household member who never filed has that TIN no
    more than a filer does, so the not-on-file hypothesis weighs the same TIN disagreement
    the model gives every candidate that is not its owner (0 where no such TIN was asked;
    a TIN of someone who carries the name may be that person, and tells for no one else)."""
    owners = [c for c in candidates if c.levels.get("tin") == "exact"]
    if not owners or any(
        c.levels.get("given_name") != "disagree" or c.levels.get("surname") != "disagree"
        for c in owners
    ):
        return 0.0
    others = [c.partials.get("tin", 0.0) for c in candidates if c.levels.get("tin") == "disagree"]
    return min(min(others, default=0.0), 0.0)


def _twin_bits(record: CandidateEvidence) -> float:
    """A date of birth that is this filer's own, for a sibling born the same day: only when
    the requested given name is not the filer's own in any form (twins are never given one
    name, however it is spelt)."""
    if record.levels.get("date_of_birth") != "exact":
        return 0.0
    if record.levels.get("given_name") in SAME_NAME:
        return 0.0
    return as_twin(record.partials.get("date_of_birth", 0.0))


def as_twin(dob_bits: float) -> float:
    """A filer's date-of-birth weight as it tells for their twin: the date is theirs only
    as one birth in TWIN_SHARE is a twin's (never below nothing)."""
    return max(dob_bits + math.log2(TWIN_SHARE), 0.0)


def decide(
    candidates: Sequence[CandidateEvidence],
    policy: PolicyTerms,
    *,
    passed_screening: bool = True,
    on_file: OnFile | None = None,
) -> Decision:
    """Weigh every hypothesis for one request and decide (see the module docstring)."""
    if not passed_screening:
        return Decision(Outcome.REJECTED, Reason.SCREENING)
    facts = on_file or OnFile()
    resolved = [c for records in resolve_units(candidates).values() for c in records]
    hypotheses = taxpayer_hypotheses(resolved, facts)
    if not hypotheses:
        return Decision(Outcome.NOT_DISCLOSED, Reason.NO_CANDIDATE)
    eligible = [h for h in hypotheses if h.at_point is not None]
    if not eligible:
        weighed = tuple(sorted(((h.tin, round(h.bits, 4)) for h in hypotheses), key=_strongest))
        why = _why_none(resolved)
        return Decision(
            Outcome.NOT_DISCLOSED, why, candidate_taxpayers=len(hypotheses), hypotheses=weighed
        )
    top = max(eligible, key=lambda h: (h.bits, h.tin))
    # Rivals and someone not on file as the filings show them: a rival's filing without a
    # unit at the building may be any unit of it (ambiguity never resolves toward release).
    as_filed = hypotheses
    if {id(c) for c in resolved} != {id(c) for c in candidates}:
        as_filed = taxpayer_hypotheses(candidates, facts)
    nobody = not_on_file_bits(candidates, policy, households=facts.households)
    rivals = [(rival_bits(h, top), h.tin) for h in as_filed if h.tin != top.tin]
    return _weighed(top, rivals, nobody, len(hypotheses), policy)


def _weighed(
    top: Hypothesis,
    rivals: list[tuple[float, str]],
    nobody: float,
    taxpayers: int,
    policy: PolicyTerms,
) -> Decision:
    """The decision from the chosen taxpayer's evidence against every other hypothesis."""
    chosen = top.at_point
    assert chosen is not None
    posterior, odds = _posterior(top.bits, [b for b, _ in rivals], nobody)
    runner = max(rivals, default=None)
    nonfiler_leads = runner is None or nobody >= runner[0]
    decision = Decision(
        Outcome.NOT_DISCLOSED,
        Reason.BELOW_THRESHOLD,
        tin=top.tin,
        record_id=chosen.record_id,
        weight=round(top.bits, 4),
        margin=round(odds, 4),
        runner_up_tin=None if runner is None else runner[1],
        candidate_taxpayers=taxpayers,
        notes=(f"posterior {posterior:.6f}", f"not on file {nobody:+.2f} bits"),
        posterior=posterior,
        # As the posterior counted them: the chosen taxpayer's evidence, each rival's as far
        # as what is on file tells them apart (rival_bits).
        hypotheses=tuple(
            sorted(
                [(top.tin, round(top.bits, 4)), *((t, round(b, 4)) for b, t in rivals)],
                key=_strongest,
            )
        ),
        not_on_file=None if nobody == -math.inf else round(nobody, 4),
    )
    if posterior >= policy.disclose_probability and top.bits >= policy.disclose_weight:
        return dataclasses.replace(decision, outcome=Outcome.DISCLOSE, reason=Reason.MATCHED)
    if posterior >= policy.review_probability and top.bits >= policy.review_weight:
        return dataclasses.replace(decision, outcome=Outcome.REVIEW, reason=Reason.BORDERLINE)
    if top.bits < policy.review_weight:
        return decision
    reason = Reason.NOT_ON_FILE if nonfiler_leads else Reason.AMBIGUOUS
    return dataclasses.replace(decision, reason=reason)


def rival_bits(rival: Hypothesis, top: Hypothesis) -> float:
    """A rival's evidence as far as what is on file tells it from the chosen taxpayer.

    Domain §4: where two taxpayers fit the request and nothing (date of birth, suffix, TIN)
    separates them, nothing is disclosed. So a rival who carries the requested name at the
    requested point differs from the chosen taxpayer by the person-level evidence alone (a
    second given name, a nickname against the full name, a typo in one filing do not tell
    two people of one name apart); and a date of birth separates two taxpayers only where
    both have one on file (:func:`credited_dob_bits` otherwise).
    """
    person = rival.person - rival.dob_bits + credited_dob_bits(rival, top)
    if _fit_alike(rival, top):
        return max(rival.bits - rival.person, top.bits - top.person) + person
    return rival.bits - rival.person + person


def credited_dob_bits(rival: Hypothesis, top: Hypothesis) -> float:
    """The date-of-birth evidence for a rival, as far as what is on file tells it.

    Where both have a date on file, the rival's own. Otherwise, a rival who may carry the
    requested given name (in any form, with a slip, or as an initial) is credited with the
    chosen taxpayer's: domain §4, nothing on file separates two people of one name. Where the
    request names the chosen taxpayer by their own first name (in any form) and the rival's
    first name is another (or the request's is the rival's second given name), the rival is
    of another given name than the chosen one: the requested person only if the agency wrote
    another name, and, the request's date being the chosen taxpayer's own, born that day only
    as that taxpayer's twin, the likelihood the not-on-file hypothesis gives a household
    member who never filed (:func:`_twin_bits`). Where the request wrote the chosen one's
    second given name or an initial, a rival's disagreeing first name may be the chosen
    one's own (two DIANAs, one with a second name MARIA asked as the first): the whole
    credit. A date that disagrees with the chosen taxpayer's counts the same against the
    rival."""
    if rival.dob_on_file and top.dob_on_file:
        return rival.dob_bits
    named = (rival.at_point or rival.best).levels.get("given_name")
    if (
        not top.dob_on_file
        or top.dob_bits <= 0
        or named not in _ANOTHER_GIVEN_NAME
        or not top.carries_the_name
    ):
        return top.dob_bits
    return as_twin(top.dob_bits)


# A rival's given name that is not the requested one: unrelated, or the rival's second.
_ANOTHER_GIVEN_NAME = frozenset({"disagree", "second_given"})


def _fit_alike(rival: Hypothesis, top: Hypothesis) -> bool:
    """Both at the point under the requested name itself, or both under it the same way
    (JHON for two JOHNs is one slip of each; J for JOHN and JAMES an initial of each)."""
    if rival.at_point is None or top.at_point is None:
        return False
    if rival.carries_the_name and top.carries_the_name:
        return True
    level = top.at_point.levels.get("given_name")
    return level in GIVEN_AGREES and rival.at_point.levels.get("given_name") == level


def _strongest(hypothesis: tuple[str, float]) -> tuple[float, str]:
    return -hypothesis[1], hypothesis[0]


def _posterior(top: float, rivals: Sequence[float], nobody: float) -> tuple[float, float]:
    """The top hypothesis's share of all, and its log2 odds against the rest (bits)."""
    others = [b - top for b in (*rivals, nobody) if b != -math.inf]
    rest = sum(2.0**b for b in others)
    if rest == 0:
        return 1.0, math.inf
    return 1.0 / (1.0 + rest), -math.log2(rest)


def _why_none(candidates: Sequence[CandidateEvidence]) -> Reason:
    if any(c.name_agrees for c in candidates):
        return Reason.ADDRESS_NOT_CORROBORATED
    if any(c.address_corroborates for c in candidates):
        return Reason.NAME_DISAGREES
    return Reason.BELOW_THRESHOLD


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


def overrule(decision: Decision, outcome: Outcome, reason: Reason) -> Decision:
    """The same evidence with another outcome; the note keeps what the policy had found."""
    notes = (*decision.notes, f"was {decision.outcome.value}/{decision.reason.value}")
    return dataclasses.replace(decision, outcome=outcome, reason=reason, notes=notes)
