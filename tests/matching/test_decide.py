"""The decision policy, rule by rule, on hand-built candidate evidence."""

from __future__ import annotations

import pytest

from taxgate.agreement import PolicyTerms
from taxgate.matching.decide import (
    CandidateEvidence,
    Decision,
    OnFile,
    Outcome,
    Reason,
    ambiguous_by_other_names,
    answer_each_taxpayer_once,
    apply_restrictions,
    decide,
    rivals_named_elsewhere,
)

POLICY = PolicyTerms(disclose_weight=20.0, review_weight=10.0, min_margin=6.0)

FULL_MATCH = {
    "given_name": "exact",
    "surname": "exact",
    "name_suffix": "null",
    "date_of_birth": "null",
    "tin": "null",
    "house": "exact",
    "street": "exact",
    "unit": "exact",
    "locality": "zip",
}


def cand(taxpayer: str, weight: float, record: int = 1, **levels: str) -> CandidateEvidence:
    return CandidateEvidence(taxpayer, record, weight, {**FULL_MATCH, **levels})


def relative(
    taxpayer: str, record: int, weight: float, flag: str, **levels: str
) -> CandidateEvidence:
    """Another household member whose given name disagrees, with one name relation ``flag``
    (a CandidateEvidence field such as ``misspelt_relative``) set."""
    return CandidateEvidence(
        taxpayer, record, weight, {**FULL_MATCH, "given_name": "disagree", **levels}, **{flag: True}
    )


def test_single_clear_match_discloses() -> None:
    d = decide([cand("111111111", 20.0)], POLICY)
    assert (d.outcome, d.reason, d.tin) == (Outcome.DISCLOSE, Reason.MATCHED, "111111111")


def test_screening_failure_rejects_whatever_the_evidence() -> None:
    d = decide([cand("111111111", 40.0)], POLICY, passed_screening=False)
    assert d.outcome is Outcome.REJECTED


def test_no_candidates() -> None:
    assert decide([], POLICY).reason is Reason.NO_CANDIDATE


def test_father_and_son_same_name_same_address_is_ambiguous() -> None:
    father = cand("111111111", 20.0, record=1)
    son = cand("222222222", 20.0, record=2)
    d = decide([father, son], POLICY)
    assert (d.outcome, d.reason) == (Outcome.NOT_DISCLOSED, Reason.AMBIGUOUS)
    # Order of the candidates never matters.
    assert decide([son, father], POLICY) == d


def test_father_and_son_separated_by_date_of_birth() -> None:
    father = cand("111111111", 8.0, record=1, date_of_birth="disagree")
    son = cand("222222222", 28.0, record=2, date_of_birth="exact")
    d = decide([father, son], POLICY)
    assert (d.outcome, d.tin) == (Outcome.DISCLOSE, "222222222")


def test_father_and_son_separated_by_suffix() -> None:
    father = cand("111111111", 10.0, record=1, name_suffix="disagree")
    son = cand("222222222", 24.0, record=2, name_suffix="exact")
    d = decide([father, son], POLICY)
    assert (d.outcome, d.tin) == (Outcome.DISCLOSE, "222222222")


def test_suffix_conflict_on_the_only_candidate_is_a_different_person() -> None:
    d = decide([cand("111111111", 20.0, name_suffix="disagree")], POLICY)
    assert (d.outcome, d.reason) == (Outcome.NOT_DISCLOSED, Reason.SUFFIX_CONFLICT)


def test_non_filer_namesake_with_other_given_name_is_not_disclosed() -> None:
    # A relative at the filer's address: surname and address agree, given name does not.
    d = decide([cand("111111111", 9.0, given_name="disagree")], POLICY)
    assert (d.outcome, d.reason) == (Outcome.NOT_DISCLOSED, Reason.NAME_DISAGREES)


def test_high_score_without_address_is_never_enough() -> None:
    d = decide([cand("111111111", 35.0, house="disagree", tin="exact")], POLICY)
    assert (d.outcome, d.reason) == (Outcome.NOT_DISCLOSED, Reason.ADDRESS_NOT_CORROBORATED)


def test_different_explicit_unit_is_another_delivery_point() -> None:
    d = decide([cand("111111111", 25.0, unit="disagree")], POLICY)
    assert d.outcome is Outcome.NOT_DISCLOSED


def test_missing_unit_on_one_side_still_corroborates() -> None:
    assert decide([cand("111111111", 20.0, unit="null")], POLICY).outcome is Outcome.DISCLOSE


def test_tin_pointing_to_someone_else_goes_to_review() -> None:
    right_person = cand("111111111", 24.0, record=1, tin="disagree")
    tin_owner = cand(
        "999999999",
        -12.0,
        record=9,
        tin="exact",
        given_name="disagree",
        surname="disagree",
        house="disagree",
        street="disagree",
        locality="disagree",
    )
    d = decide([right_person, tin_owner], POLICY)
    assert (d.outcome, d.reason, d.tin) == (Outcome.REVIEW, Reason.TIN_CONFLICT, "111111111")


def test_tin_on_file_for_nobody_is_a_mismatch_not_a_review() -> None:
    d = decide([cand("111111111", 30.0, tin="disagree")], POLICY)
    assert (d.outcome, d.reason) == (Outcome.NOT_DISCLOSED, Reason.TIN_MISMATCH)


def test_dob_disagreeing_outright_is_another_person() -> None:
    d = decide([cand("1", 30.0, date_of_birth="disagree")], POLICY)
    assert (d.outcome, d.reason) == (Outcome.NOT_DISCLOSED, Reason.DOB_CONFLICT)
    slip = decide([cand("1", 30.0, date_of_birth="typo")], POLICY)
    assert (slip.outcome, slip.reason) == (Outcome.REVIEW, Reason.DOB_SLIP)


def test_borderline_goes_to_review() -> None:
    d = decide([cand("111111111", 15.0)], POLICY)
    assert (d.outcome, d.reason) == (Outcome.REVIEW, Reason.BORDERLINE)


def test_stronger_non_eligible_competitor_blocks_disclosure() -> None:
    eligible = cand("111111111", 14.0, record=1)
    stronger = cand("222222222", 18.0, record=2, unit="disagree")
    assert decide([eligible, stronger], POLICY).reason is Reason.AMBIGUOUS


@pytest.mark.parametrize(
    ("given", "surname"),
    [
        ("equivalent", "compound"),
        ("typo", "typo"),
        ("initial", "exact"),
        ("swapped", "swapped"),
    ],
)
def test_name_variations_agree(given: str, surname: str) -> None:
    d = decide([cand("111111111", 20.0, given_name=given, surname=surname)], POLICY)
    assert d.outcome is Outcome.DISCLOSE


def test_half_swapped_name_does_not_agree() -> None:
    d = decide([cand("111111111", 20.0, given_name="swapped", surname="disagree")], POLICY)
    assert d.outcome is Outcome.NOT_DISCLOSED


def test_restrictions() -> None:
    d = decide([cand("111111111", 20.0)], POLICY)
    held = apply_restrictions(d, legal_hold=True, withheld_tins=set(), hold_for_flags=False)
    assert (held.outcome, held.reason) == (Outcome.NOT_DISCLOSED, Reason.LEGAL_HOLD)
    withheld = apply_restrictions(
        d, legal_hold=False, withheld_tins={"111111111"}, hold_for_flags=False
    )
    assert withheld.reason is Reason.WITHHELD_I6
    flagged = apply_restrictions(d, legal_hold=False, withheld_tins=set(), hold_for_flags=True)
    assert (flagged.outcome, flagged.reason) == (Outcome.REVIEW, Reason.BATCH_FLAGGED)
    untouched = apply_restrictions(d, legal_hold=False, withheld_tins=set(), hold_for_flags=False)
    assert untouched == d


def test_father_and_son_separated_by_suffixes_on_file() -> None:
    # Neither scored record carries the suffix, but their histories do: SR against JR.
    father = cand("111111111", 30.0, record=1)
    son = cand("222222222", 30.0, record=2)
    on_file = OnFile(
        request_suffix="SR",
        suffixes={"111111111": frozenset({"SR"}), "222222222": frozenset({"JR"})},
    )
    d = decide([father, son], POLICY, on_file=on_file)
    assert (d.outcome, d.tin) == (Outcome.DISCLOSE, "111111111")
    # A suffix only one of them ever wrote does not separate them.
    one_sided = OnFile(request_suffix="SR", suffixes={"111111111": frozenset({"SR"})})
    assert decide([father, son], POLICY, on_file=one_sided).reason is Reason.AMBIGUOUS


def test_a_contradicted_suffix_is_never_chosen_over_a_taxpayer_without_one() -> None:
    # MOHAMMED ALI SR asked for. The model learned no weight for the suffix, so the son's
    # record (JR: disagree) ties with the father's, and the son has the lower TIN.
    son = cand("111111111", 53.3, record=1, name_suffix="disagree")
    father = cand("222222222", 53.3, record=2, name_suffix="exact")
    on_file = OnFile(
        request_suffix="SR",
        suffixes={"111111111": frozenset({"JR"}), "222222222": frozenset({"SR"})},
    )
    d = decide([son, father], POLICY, on_file=on_file)
    assert (d.outcome, d.tin) == (Outcome.DISCLOSE, "222222222")
    # The son's record without a suffix ties too: his JR on file still rules him out.
    son_plain = cand("111111111", 53.3, record=1)
    father_plain = cand("222222222", 53.3, record=2)
    d = decide([son_plain, father_plain], POLICY, on_file=on_file)
    assert (d.outcome, d.tin) == (Outcome.DISCLOSE, "222222222")


def test_rival_fitting_only_by_a_typo_is_weighed_by_the_margin() -> None:
    mark = cand("111111111", 40.0, record=1)
    mary = cand("222222222", 30.0, record=2, given_name="typo")
    assert decide([mark, mary], POLICY).outcome is Outcome.DISCLOSE
    close = cand("222222222", 36.0, record=2, given_name="typo")
    assert decide([mark, close], POLICY).reason is Reason.AMBIGUOUS


def test_rival_fitting_fully_blocks_even_with_a_large_margin() -> None:
    full = cand("111111111", 45.0, record=1)
    maternal_dropped = cand("222222222", 25.0, record=2, surname="compound")
    assert decide([full, maternal_dropped], POLICY).reason is Reason.AMBIGUOUS


def test_each_taxpayer_is_disclosed_once_per_batch() -> None:
    first = Decision(Outcome.DISCLOSE, Reason.MATCHED, tin="111111111")
    other = Decision(Outcome.DISCLOSE, Reason.MATCHED, tin="222222222")
    again = Decision(Outcome.DISCLOSE, Reason.MATCHED, tin="111111111")
    out = answer_each_taxpayer_once([first, other, again])
    assert [d.outcome for d in out] == [Outcome.DISCLOSE, Outcome.DISCLOSE, Outcome.NOT_DISCLOSED]
    assert out[2].reason is Reason.SAME_TAXPAYER


def test_a_misspelt_surname_cannot_tell_household_members_apart() -> None:
    chosen = cand("111111111", 40.0, record=1, surname="typo")
    sibling = cand("222222222", 25.0, record=2, surname="disagree")
    assert decide([chosen, sibling], POLICY).reason is Reason.AMBIGUOUS
    other_name = cand("222222222", 25.0, record=2, surname="disagree", given_name="disagree")
    assert decide([chosen, other_name], POLICY).outcome is Outcome.DISCLOSE


def test_a_typo_between_two_listed_names_is_another_person() -> None:
    # JUAN asked for, JUANA on file at that address: one letter apart, two people.
    other = CandidateEvidence(
        "111111111", 1, 25.0, {**FULL_MATCH, "given_name": "typo"}, other_given_name=True
    )
    d = decide([other], POLICY)
    assert (d.outcome, d.reason) == (Outcome.NOT_DISCLOSED, Reason.NAME_DISAGREES)
    # DNNA for DONNA is a slip: the same levels without the flag still disclose.
    assert decide([cand("111111111", 25.0, given_name="typo")], POLICY).outcome is Outcome.DISCLOSE


def test_a_misspelt_given_name_that_fits_another_member_by_nickname_is_ambiguous() -> None:
    # JOHNN asked for: JOHN on file (a typo), JACK at the same address (JOHNN is a slip of
    # JOHN, and JACK is a JOHN too); nothing separates them.
    john = cand("111111111", 40.0, given_name="typo")
    jack = relative("222222222", 2, 20.0, "misspelt_relative")
    d = decide([john, jack], POLICY)
    assert (d.outcome, d.reason) == (Outcome.NOT_DISCLOSED, Reason.AMBIGUOUS)
    # A date of birth on file that agrees with JOHN only tells them apart.
    john_dob = cand("111111111", 50.0, given_name="typo", date_of_birth="exact")
    jack_dob = relative("222222222", 2, 20.0, "misspelt_relative", date_of_birth="disagree")
    assert decide([john_dob, jack_dob], POLICY).outcome is Outcome.DISCLOSE


def test_rivals_at_the_point_under_another_surname_are_looked_up() -> None:
    # The request is YOLANDA MARTINEZ; 222 filed here as YOLANDA SOTO (surname disagrees,
    # given name exact), 333 as ROSA SOTO (given name disagrees), 444 elsewhere.
    chosen = cand("111111111", 24.0, record=1)
    soto = cand("222222222", 9.0, record=2, surname="disagree")
    rosa = cand("333333333", 4.0, record=3, surname="disagree", given_name="disagree")
    away = cand("444444444", 3.0, record=4, surname="disagree", house="disagree")
    evidence = [chosen, soto, rosa, away]
    d = decide(evidence, POLICY)
    assert d.outcome is Outcome.DISCLOSE
    assert rivals_named_elsewhere(d, evidence) == ["222222222"]
    overruled = ambiguous_by_other_names(d, ["222222222"])
    assert (overruled.outcome, overruled.reason) == (Outcome.NOT_DISCLOSED, Reason.AMBIGUOUS)
    assert ambiguous_by_other_names(d, []) == d
    # Hard evidence that already separates the rival needs no look-up.
    born = cand("111111111", 30.0, record=1, date_of_birth="exact")
    other_birth = cand("222222222", 5.0, record=2, surname="disagree", date_of_birth="disagree")
    d = decide([born, other_birth], POLICY)
    assert rivals_named_elsewhere(d, [born, other_birth]) == []
    # Nothing to look up when nothing is disclosed.
    none = decide([cand("111111111", 5.0)], POLICY)
    assert rivals_named_elsewhere(none, [cand("111111111", 5.0), soto]) == []


def test_a_son_whose_one_return_misspells_the_street_is_still_a_rival() -> None:
    # The father filed at 4904 BIRCH ST APT 102; the son once, as 4904 BIICH ST #102.
    father = cand("111111111", 50.0, record=1)
    son = CandidateEvidence(
        "222222222", 2, 39.0, {**FULL_MATCH, "street": "disagree"}, street_slip=True
    )
    d = decide([father, son], POLICY)
    assert (d.outcome, d.reason) == (Outcome.NOT_DISCLOSED, Reason.AMBIGUOUS)
    assert decide([son, father], POLICY) == d
    # A street that is not a slip of the requested one is another place.
    elsewhere = CandidateEvidence("222222222", 2, 39.0, {**FULL_MATCH, "street": "disagree"})
    assert decide([father, elsewhere], POLICY).outcome is Outcome.DISCLOSE
    # A date of birth still separates them.
    born = cand("111111111", 50.0, record=1, date_of_birth="exact")
    other = CandidateEvidence(
        "222222222", 2, 30.0, {**FULL_MATCH, "street": "disagree", "date_of_birth": "disagree"},
        street_slip=True,
    )  # fmt: skip
    assert decide([born, other], POLICY).outcome is Outcome.DISCLOSE


def test_a_street_slip_never_corroborates_a_disclosure() -> None:
    alone = CandidateEvidence(
        "222222222", 2, 39.0, {**FULL_MATCH, "street": "disagree"}, street_slip=True
    )
    assert not alone.address_corroborates and alone.address_may_be_the_point
    d = decide([alone], POLICY)
    assert (d.outcome, d.reason) == (Outcome.NOT_DISCLOSED, Reason.ADDRESS_NOT_CORROBORATED)


def test_another_form_of_the_requested_name_at_the_point_is_ambiguous() -> None:
    # LIZ HALL asked for: ELIZABETH HALL on file (equivalent), BETTY HALL at the same address.
    # LIZ and BETTY are both ELIZABETH, so the request may name either; nothing separates them.
    elizabeth = cand("111111111", 47.0, record=1, given_name="equivalent")
    betty = relative("222222222", 2, 35.0, "form_of_one_name")
    d = decide([elizabeth, betty], POLICY)
    assert (d.outcome, d.reason) == (Outcome.NOT_DISCLOSED, Reason.AMBIGUOUS)
    # A date of birth that agrees with ELIZABETH and not with BETTY tells them apart.
    elizabeth_dob = cand(
        "111111111", 55.0, record=1, given_name="equivalent", date_of_birth="exact"
    )
    betty_dob = relative("222222222", 2, 30.0, "form_of_one_name", date_of_birth="disagree")
    assert decide([elizabeth_dob, betty_dob], POLICY).outcome is Outcome.DISCLOSE
    # A BETTY with another surname at the address (a roommate) is no rival.
    roommate = relative("333333333", 3, 5.0, "form_of_one_name", surname="disagree")
    assert decide([elizabeth, roommate], POLICY).outcome is Outcome.DISCLOSE


def test_a_swapped_request_fitting_another_member_in_another_form_is_ambiguous() -> None:
    # ALLEN STEVEN asked for: STEVEN ALLEN on file (swapped), STEPHEN ALLEN at the same unit.
    swapped = {"given_name": "swapped", "surname": "swapped"}
    steven = cand("111111111", 50.0, record=1, **swapped)
    stephen = relative("222222222", 2, 10.0, "swapped_other_form", surname="disagree")
    d = decide([steven, stephen], POLICY)
    assert (d.outcome, d.reason) == (Outcome.NOT_DISCLOSED, Reason.AMBIGUOUS)
    # A date of birth on file that agrees with STEVEN only tells them apart.
    steven_dob = cand("111111111", 60.0, record=1, date_of_birth="exact", **swapped)
    stephen_dob = relative(
        "222222222", 2, 10.0, "swapped_other_form", surname="disagree", date_of_birth="disagree"
    )
    assert decide([steven_dob, stephen_dob], POLICY).outcome is Outcome.DISCLOSE
    # Asked in the right order, the request names STEVEN: the flag does not apply.
    assert decide([cand("111111111", 50.0, record=1), stephen], POLICY).outcome is Outcome.DISCLOSE
