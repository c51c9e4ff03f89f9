"""The decision rule over all hypotheses, on hand-built candidate evidence.

Weights per level are those a trained model gives, roughly (bits); each test names the
class of variation it covers, never a spelling.
"""

from __future__ import annotations

import math

import pytest

from taxgate.agreement import PolicyTerms
from taxgate.matching.decide import (
    CandidateEvidence,
    OnFile,
    Outcome,
    Reason,
    apply_restrictions,
    decide,
    not_on_file_bits,
)

POLICY = PolicyTerms(disclose_weight=20.0, review_weight=10.0, min_margin=6.0)

WEIGHTS: dict[str, dict[str, float]] = {
    "given_name": {"exact": 7, "equivalent": 3, "typo": 2, "initial": 2, "second_given": 3,
                   "sounds_alike": 3, "joined": 7,
                   "swapped": 7, "disagree": -6, "null": 0},
    "surname": {"exact": 7, "compound": 5, "typo": 6, "swapped": 7, "disagree": -6, "null": 0},
    "name_suffix": {"exact": 4, "disagree": -5, "null": 0},
    "date_of_birth": {"exact": 13, "typo": 3, "near": 1, "disagree": -6.8, "null": 0},
    "tin": {"exact": 15, "disagree": -5, "null": 0},
    "house": {"exact": 10, "disagree": -6},
    "street": {"exact": 8, "name": 4, "typo": 6, "disagree": -6, "null": 0},
    "unit": {"exact": 6, "disagree": -4, "null": 0},
    "locality": {"zip": 6, "city": 4, "disagree": -5},
}  # fmt: skip

FULL_MATCH = {
    "given_name": "exact",
    "surname": "exact",
    "name_suffix": "null",
    "date_of_birth": "null",
    "tin": "null",
    "house": "exact",
    "street": "exact",
    "unit": "null",
    "locality": "zip",
}


def cand(
    taxpayer: str, record: int = 1, *, given_bits: float | None = None, junior: float = 0.0,
    middle: float = 0.0, **levels: str,
) -> CandidateEvidence:  # fmt: skip
    lv = {**FULL_MATCH, **levels}
    partials = {c: float(WEIGHTS[c][v]) for c, v in lv.items()}
    return CandidateEvidence(
        taxpayer,
        record,
        sum(partials.values()),
        lv,
        partials=partials,
        given_bits=given_bits,
        middle_bits=middle,
        junior_bits=junior,
    )


def test_one_filer_with_date_of_birth_discloses() -> None:
    d = decide([cand("111111111", date_of_birth="exact")], POLICY)
    assert (d.outcome, d.reason, d.tin) == (Outcome.DISCLOSE, Reason.MATCHED, "111111111")
    assert d.posterior is not None and d.posterior > 0.999


def test_screening_failure_rejects_whatever_the_evidence() -> None:
    d = decide([cand("111111111", date_of_birth="exact")], POLICY, passed_screening=False)
    assert d.outcome is Outcome.REJECTED


def test_no_candidates() -> None:
    assert decide([], POLICY).reason is Reason.NO_CANDIDATE


def test_father_and_son_of_one_name_without_separating_evidence_are_ambiguous() -> None:
    father, son = cand("111111111", 1), cand("222222222", 2)
    d = decide([father, son], POLICY)
    assert (d.outcome, d.reason) == (Outcome.NOT_DISCLOSED, Reason.AMBIGUOUS)
    assert decide([son, father], POLICY) == d  # order never matters


def test_date_of_birth_separates_two_taxpayers_of_one_name() -> None:
    father = cand("111111111", 1, date_of_birth="disagree")
    son = cand("222222222", 2, date_of_birth="exact")
    d = decide([father, son], POLICY)
    assert (d.outcome, d.tin) == (Outcome.DISCLOSE, "222222222")


def test_a_date_recorded_with_a_slip_is_weaker_evidence_not_a_veto() -> None:
    # One taxpayer, everything else unique: a slipped date of birth still discloses or goes
    # to review, never an outright refusal.
    d = decide([cand("111111111", date_of_birth="typo", tin="exact")], POLICY)
    assert d.outcome is Outcome.DISCLOSE


def test_a_namesake_not_on_file_with_another_date_of_birth_is_not_disclosed() -> None:
    # The only filer of the name at the point was born on another day, far off: the request
    # is more likely about someone there who never filed.
    d = decide([cand("111111111", date_of_birth="disagree", given_bits=5.0)], POLICY)
    assert d.outcome is not Outcome.DISCLOSE
    assert d.reason is Reason.NOT_ON_FILE


def test_a_rare_name_without_date_of_birth_discloses_a_common_one_waits() -> None:
    rare = decide([cand("111111111", given_bits=14.0)], POLICY)
    assert rare.outcome is Outcome.DISCLOSE
    common = decide([cand("111111111", given_bits=5.0)], POLICY)
    assert common.outcome is not Outcome.DISCLOSE


def test_a_written_name_that_is_another_real_name_is_someone_not_on_file() -> None:
    # A one-letter difference that makes another common name weighs against the filer
    # (the name channel gives it negative bits); one that makes no name weighs for.
    other_name = decide([cand("111111111", given_name="typo", given_bits=-1.0)], POLICY)
    assert other_name.outcome is Outcome.NOT_DISCLOSED
    slip = decide(
        [cand("111111111", given_name="typo", given_bits=12.0, date_of_birth="exact")], POLICY
    )
    assert slip.outcome is Outcome.DISCLOSE


def test_a_different_second_given_name_points_to_a_relative() -> None:
    d = decide([cand("111111111", middle=math.log2(0.05), given_bits=6.0)], POLICY)
    assert d.outcome is Outcome.NOT_DISCLOSED


def test_a_junior_asked_where_only_the_father_files_is_not_disclosed() -> None:
    father = cand("111111111", given_bits=6.0, junior=math.log2(0.5 / 0.01))
    d = decide([father], POLICY, on_file=OnFile(request_suffix="JR"))
    assert d.outcome is Outcome.NOT_DISCLOSED
    # When the son files with his suffix, the namesake is on file, not a stranger; the
    # father's date of birth on file is another.
    son = cand("222222222", 2, given_bits=6.0, name_suffix="exact", date_of_birth="exact")
    father = cand("111111111", given_bits=6.0, junior=math.log2(0.5 / 0.01),
                  date_of_birth="disagree")  # fmt: skip
    d = decide([father, son], POLICY, on_file=OnFile(request_suffix="JR"))
    assert (d.outcome, d.tin) == (Outcome.DISCLOSE, "222222222")


def test_a_date_of_birth_the_rival_has_not_on_file_does_not_separate_them() -> None:
    # Two filers of one name at the point; the request's date of birth is the first one's,
    # and the second has none on file: nothing on file tells them apart (domain §4).
    first = cand("111111111", 1, date_of_birth="exact")
    unknown = cand("222222222", 2, date_of_birth="null")
    d = decide([first, unknown], POLICY)
    assert (d.outcome, d.reason) == (Outcome.NOT_DISCLOSED, Reason.AMBIGUOUS)
    # With the second's date on file and another, the date separates them.
    other = cand("222222222", 2, date_of_birth="disagree")
    d = decide([first, other], POLICY)
    assert (d.outcome, d.tin) == (Outcome.DISCLOSE, "111111111")


def test_a_rival_of_another_given_name_without_a_date_on_file_is_told_apart_by_the_date() -> None:
    # A respelled name (weak: a common name respelled is often someone else's), the
    # request's date of birth the chosen one's; a filer of another given name at the point
    # has no date on file. That filer is the requested person only if the agency wrote
    # another name and they were born the same day: a twin, as likely as the household's
    # twin who never filed.
    top = cand("111111111", given_name="sounds_alike", given_bits=-2.0, date_of_birth="exact")
    other = cand("222222222", 2, given_name="disagree", date_of_birth="null")
    d = decide([top, other], POLICY)
    assert (d.outcome, d.tin) == (Outcome.DISCLOSE, "111111111")
    hypotheses = dict(d.hypotheses)
    assert hypotheses["222222222"] == pytest.approx(
        sum(WEIGHTS[c][v] for c, v in {**FULL_MATCH, "given_name": "disagree"}.items())
        + WEIGHTS["date_of_birth"]["exact"]
        + math.log2(0.03)
    )
    # A rival who may carry the requested name itself is still credited with the date.
    same = cand("222222222", 2, given_name="sounds_alike", given_bits=-2.0, date_of_birth="null")
    d = decide([top, same], POLICY)
    assert (d.outcome, d.reason) == (Outcome.NOT_DISCLOSED, Reason.AMBIGUOUS)
    # The request wrote the chosen one's second given name as the first: a rival whose
    # first name disagrees with it may share the chosen one's own (two of one first name,
    # one with that second name on file), so the date does not separate them.
    second = cand("111111111", given_name="second_given", date_of_birth="exact")
    d = decide([second, other], POLICY)
    assert dict(d.hypotheses)["222222222"] == pytest.approx(
        sum(WEIGHTS[c][v] for c, v in {**FULL_MATCH, "given_name": "disagree"}.items())
        + WEIGHTS["date_of_birth"]["exact"]
    )
    # A date that is not the chosen one's counts against both alike.
    slip = cand("111111111", given_name="sounds_alike", given_bits=-2.0, date_of_birth="disagree")
    d = decide([slip, other], POLICY)
    assert d.outcome is not Outcome.DISCLOSE


def test_a_filing_that_left_out_the_unit_is_the_unit_the_taxpayer_wrote() -> None:
    # The request names APT 60; the filer wrote APT 35 at the building, and once no unit:
    # that filing is APT 35 too, so nothing of hers corroborates APT 60.
    no_unit = cand("111111111", 1, unit="null")
    apt_35 = cand("111111111", 2, unit="disagree")
    d = decide([no_unit, apt_35], POLICY)
    assert (d.outcome, d.reason) == (Outcome.NOT_DISCLOSED, Reason.ADDRESS_NOT_CORROBORATED)
    # Where she also wrote the requested unit, the filing without one may be it.
    apt_60 = cand("111111111", 3, unit="exact")
    assert decide([no_unit, apt_35, apt_60], POLICY).outcome is Outcome.DISCLOSE


def test_a_middle_name_written_once_is_the_taxpayers_in_every_form() -> None:
    # The request's second given name differs from the one the filer wrote on one return;
    # a return that left it out does not hide it.
    with_middle = cand("111111111", 1, middle=math.log2(0.05), given_bits=6.0)
    without = cand("111111111", 2, given_bits=6.0)
    assert decide([with_middle, without], POLICY).outcome is Outcome.NOT_DISCLOSED


def test_a_building_whose_unit_the_request_left_out_holds_many_households() -> None:
    # The other households of the building share its address, not the filer's surname: 8
    # units add 7 chances of a random person (address bits alone) to the household's own.
    record = cand("111111111")
    one = not_on_file_bits([record], POLICY)
    many = not_on_file_bits([record], POLICY, households=8)
    address = sum(WEIGHTS[p][FULL_MATCH[p]] for p in ("house", "street", "unit", "locality"))
    assert many == pytest.approx(math.log2(2**one + 7 * 2**address))
    assert one < many < one + 1
    # A request without a unit, the filer's own name and nothing else: still the filer.
    assert decide([record], POLICY, on_file=OnFile(households=8)).outcome is Outcome.DISCLOSE


def test_suffixes_in_the_history_separate_father_and_son() -> None:
    father, son = cand("111111111", 1), cand("222222222", 2)
    on_file = OnFile(
        request_suffix="SR",
        suffixes={"111111111": frozenset({"SR"}), "222222222": frozenset({"JR"})},
    )
    d = decide([father, son], POLICY, on_file=on_file)
    assert d.tin == "111111111"
    assert d.runner_up_tin == "222222222"
    assert d.margin is not None and d.margin > 8
    assert d.outcome is Outcome.DISCLOSE


def test_a_tin_of_someone_else_weighs_against_but_does_not_veto() -> None:
    owner = cand("999999999", 9, tin="exact", given_name="disagree", surname="disagree",
                 house="disagree", street="disagree", locality="disagree")  # fmt: skip
    subject = cand("111111111", 1, tin="disagree", date_of_birth="exact")
    d = decide([owner, subject], POLICY)
    assert (d.outcome, d.tin) == (Outcome.DISCLOSE, "111111111")


def test_a_tin_of_another_name_tells_neither_for_the_filer_nor_for_someone_not_on_file() -> None:
    # Class: the request's TIN is a taxpayer's of another name entirely (a clerical error).
    # Without a date of birth the name and address alone weigh as if no TIN were asked: the
    # same error befalls a household member who never filed.
    owner = cand("999999999", 9, tin="exact", given_name="disagree", surname="disagree",
                 house="disagree", street="disagree", locality="disagree")  # fmt: skip
    subject = cand("111111111", 1, tin="disagree", given_bits=9.0)
    plain = decide([cand("111111111", 1, given_bits=9.0)], POLICY)
    with_tin = decide([owner, subject], POLICY)
    assert with_tin.posterior == pytest.approx(plain.posterior)
    assert with_tin.outcome is plain.outcome is Outcome.DISCLOSE


def test_a_tin_of_someone_who_carries_the_name_may_be_that_person() -> None:
    # The other direction: the TIN's owner carries the requested surname (a relative who
    # filed elsewhere): the request may be about them, so no one is relieved of the TIN.
    owner = cand("999999999", 9, tin="exact", given_name="disagree",
                 house="disagree", street="disagree", locality="disagree")  # fmt: skip
    subject = cand("111111111", 1, tin="disagree", given_bits=9.0)
    with_tin = decide([owner, subject], POLICY)
    plain = decide([cand("111111111", 1, given_bits=9.0)], POLICY)
    assert with_tin.posterior is not None and plain.posterior is not None
    assert with_tin.posterior < plain.posterior
    assert with_tin.outcome is not Outcome.DISCLOSE


def test_the_address_must_be_the_taxpayers_own() -> None:
    elsewhere = cand("111111111", house="disagree", date_of_birth="exact", tin="exact")
    assert decide([elsewhere], POLICY).reason is Reason.ADDRESS_NOT_CORROBORATED
    other_unit = cand("111111111", unit="disagree", date_of_birth="exact")
    assert decide([other_unit], POLICY).outcome is Outcome.NOT_DISCLOSED
    no_unit = cand("111111111", unit="null", date_of_birth="exact")
    assert decide([no_unit], POLICY).outcome is Outcome.DISCLOSE


def test_a_name_that_disagrees_is_never_disclosed() -> None:
    d = decide([cand("111111111", given_name="disagree", tin="exact", date_of_birth="exact")],
               POLICY)  # fmt: skip
    assert (d.outcome, d.reason) == (Outcome.NOT_DISCLOSED, Reason.NAME_DISAGREES)


def test_a_taxpayer_is_judged_on_their_best_name_form() -> None:
    # A married name at the point, the maiden name (asked for) on an older filing elsewhere.
    here = cand("111111111", 1, surname="disagree", date_of_birth="exact")
    maiden = cand("111111111", 2, house="disagree", street="disagree", locality="disagree",
                  date_of_birth="exact")  # fmt: skip
    d = decide([here, maiden], POLICY)
    # Name and address both belong to this taxpayer: the married name here, the maiden
    # name in their own history.
    assert (d.outcome, d.record_id) == (Outcome.DISCLOSE, 1)
    # A name form of someone else's history does not lend itself to this taxpayer.
    stranger = cand("222222222", 3, house="disagree", street="disagree", locality="disagree")
    assert decide([here, stranger], POLICY).outcome is Outcome.NOT_DISCLOSED


def test_the_not_on_file_hypothesis_needs_the_point() -> None:
    assert not_on_file_bits([cand("111111111", house="disagree")], POLICY) == -math.inf


@pytest.mark.parametrize("given", ["exact", "equivalent", "second_given", "typo", "initial"])
def test_given_name_levels_that_agree(given: str) -> None:
    assert cand("1", given_name=given).name_agrees


def test_half_swapped_name_does_not_agree() -> None:
    assert not cand("1", given_name="exact", surname="swapped").name_agrees


def test_restrictions() -> None:
    d = decide([cand("111111111", date_of_birth="exact")], POLICY)
    held = apply_restrictions(d, legal_hold=True, withheld_tins=set(), hold_for_flags=False)
    assert (held.outcome, held.reason) == (Outcome.NOT_DISCLOSED, Reason.LEGAL_HOLD)
    withheld = apply_restrictions(
        d, legal_hold=False, withheld_tins={"111111111"}, hold_for_flags=False
    )
    assert withheld.reason is Reason.WITHHELD_I6
    flagged = apply_restrictions(d, legal_hold=False, withheld_tins=set(), hold_for_flags=True)
    assert (flagged.outcome, flagged.reason) == (Outcome.REVIEW, Reason.BATCH_FLAGGED)


def test_a_twin_not_on_file_shares_the_filers_date_of_birth() -> None:
    # A close name (a slip that is itself a name) with the filer's own date of birth: a twin
    # who never filed is still likely enough that nothing goes out.
    twin = cand("111111111", given_name="typo", given_bits=0.5, date_of_birth="exact")
    assert decide([twin], POLICY).outcome is not Outcome.DISCLOSE
    # The exact name with the date of birth is the filer.
    filer = cand("111111111", given_bits=6.0, date_of_birth="exact")
    assert decide([filer], POLICY).outcome is Outcome.DISCLOSE


def test_someone_not_on_file_carries_the_household_surname_in_any_filed_form() -> None:
    # The filer wrote the compound surname at the point and the paternal one elsewhere; a
    # household member who never filed may carry the surname as the request writes it.
    here = cand("111111111", 1, surname="compound")
    elsewhere = cand("111111111", 2, surname="exact", house="disagree", street="disagree",
                     locality="disagree")  # fmt: skip
    assert not_on_file_bits([here, elsewhere], POLICY) == pytest.approx(
        not_on_file_bits([here], POLICY)
        + WEIGHTS["surname"]["exact"]
        - WEIGHTS["surname"]["compound"]
    )


def test_a_twin_is_never_given_the_filers_own_name_in_another_spelling() -> None:
    # A respelling of the filer's own name with the filer's date of birth is the filer, not
    # a twin brother who never filed: twins are given two names.
    respelt = cand("111111111", given_name="sounds_alike", given_bits=3.0, date_of_birth="exact")
    assert not_on_file_bits([respelt], POLICY) == not_on_file_bits(
        [cand("111111111", given_name="sounds_alike", given_bits=3.0)], POLICY
    )
    assert decide([respelt], POLICY).outcome is Outcome.DISCLOSE


def test_the_decision_keeps_every_taxpayers_evidence_for_explanations() -> None:
    chosen = cand("111111111", 1, date_of_birth="exact")
    other = cand("222222222", 2, given_name="disagree")
    d = decide([other, chosen], POLICY)
    assert [tin for tin, _ in d.hypotheses] == ["111111111", "222222222"]  # strongest first
    assert d.hypotheses[0][1] == d.weight
    assert d.not_on_file is not None and d.not_on_file < d.hypotheses[0][1]
    # They are the figures the posterior was computed from.
    shares = [2.0**bits for _, bits in d.hypotheses] + [2.0**d.not_on_file]
    assert shares[0] / sum(shares) == pytest.approx(d.posterior, rel=1e-3)
    nobody_here = decide([cand("333333333", 3, given_name="disagree", house="disagree")], POLICY)
    assert nobody_here.reason is Reason.BELOW_THRESHOLD and nobody_here.tin is None
    assert [tin for tin, _ in nobody_here.hypotheses] == ["333333333"]
    assert nobody_here.not_on_file is None  # not weighed: no one at the point


def test_a_rivals_filing_without_a_unit_may_be_the_requested_unit() -> None:
    # Two of one name: the first files in the requested APT 31; the second wrote APT 1 at the
    # building once and no unit once. That filing without a unit may have been APT 31, so
    # nothing on file tells them apart (for the chosen taxpayer the same filing would not
    # corroborate a unit she never wrote: ambiguity never resolves toward release).
    first = cand("111111111", 1, unit="exact")
    no_unit = cand("222222222", 2, unit="null")
    apt_1 = cand("222222222", 3, unit="disagree")
    d = decide([first, no_unit, apt_1], POLICY)
    assert (d.outcome, d.reason) == (Outcome.NOT_DISCLOSED, Reason.AMBIGUOUS)


def test_two_taxpayers_the_written_name_fits_the_same_way_are_not_told_apart_by_it() -> None:
    # JHON for a father and a son who both file as JOHN, no DOB: a slip of each one's name;
    # the name channel's weight for it does not separate them.
    father = cand("111111111", 1, given_name="typo", given_bits=12.0)
    son = cand("222222222", 2, given_name="typo", given_bits=4.0)
    d = decide([father, son], POLICY)
    assert (d.outcome, d.reason) == (Outcome.NOT_DISCLOSED, Reason.AMBIGUOUS)
