"""``taxgate.app.explain.candidates``: every candidate taxpayer, their comparisons, and why each
lost, rebuilt from what the run stored (``candidates_json``, ``hypotheses_json``)."""

from __future__ import annotations

import math

from taxgate.agreement import PolicyTerms
from taxgate.app.explain.candidates import Weighed, candidate_views, evidence_from_json
from taxgate.disclosure.records import candidates_json, hypotheses_json
from taxgate.matching.decide import CandidateEvidence, decide

POLICY = PolicyTerms(disclose_weight=20.0, review_weight=10.0, min_margin=0.0)
AGREE = {
    "given_name": "exact", "surname": "exact", "name_suffix": "null", "date_of_birth": "exact",
    "tin": "null", "house": "exact", "street": "exact", "unit": "exact", "locality": "zip",
}  # fmt: skip
BITS = {
    "given_name": 6.0, "surname": 6.5, "name_suffix": 0.0, "date_of_birth": 12.0, "tin": 0.0,
    "house": 5.5, "street": 5.0, "unit": 6.0, "locality": 5.0,
}  # fmt: skip


def record(tin: str, record_id: int, **changed: tuple[str, float]) -> CandidateEvidence:
    levels = {**AGREE, **{k: v[0] for k, v in changed.items()}}
    partials = {**BITS, **{k: v[1] for k, v in changed.items()}}
    return CandidateEvidence(
        tin, record_id, sum(partials.values()), levels, partials=partials, given_bits=4.5
    )


CHOSEN = record("111111111", 1)
NEIGHBOUR = record("222222222", 2, given_name=("disagree", -6.0), unit=("disagree", -4.0))
NAMESAKE = record("333333333", 3, house=("disagree", -6.0), street=("disagree", -6.0))
WEAKER = record("444444444", 4, date_of_birth=("disagree", -6.8))


def test_the_stored_evidence_is_the_evidence_the_policy_weighed() -> None:
    evidence = [CHOSEN, NEIGHBOUR, NAMESAKE, WEAKER]
    assert evidence_from_json(candidates_json(evidence)) == sorted(
        evidence, key=lambda c: (-c.match_weight, c.record_id)
    )


def test_each_taxpayer_is_shown_with_why_they_lost() -> None:
    evidence = [NEIGHBOUR, WEAKER, NAMESAKE, CHOSEN]
    decision = decide(evidence, POLICY)
    assert decision.tin == "111111111"
    weighed = Weighed.parse(hypotheses_json(decision))
    assert weighed is not None
    views, nobody = candidate_views(
        evidence_from_json(candidates_json(evidence)),
        chosen_tin=decision.tin,
        chosen_record=decision.record_id,
        weighed=weighed,
    )
    assert views[0].tin == "XXX-XX-1111" and views[0].chosen
    verdicts = {v.tin: v.verdict for v in views}
    assert verdicts["XXX-XX-2222"] == (
        "lost: no name they filed under agrees with the request (given name disagree)"
    )
    assert verdicts["XXX-XX-3333"] == (
        "lost: the requested address is not one of their delivery points "
        "(house disagree, street disagree)"
    )
    assert verdicts["XXX-XX-4444"].startswith("lost: ")
    assert "bits of evidence against the named taxpayer's" in verdicts["XXX-XX-4444"]
    shares = [v.share for v in views if v.share is not None]
    assert nobody is not None and nobody.share is not None
    assert math.isclose(sum(shares) + nobody.share, 1.0)
    assert views[0].bits == decision.weight
    given = next(c for c in views[0].records[0].comparisons if c.comparison == "given_name")
    assert (given.level, given.bits, given.model_bits) == ("exact", 4.5, 6.0)
    unit = next(c for c in views[1].records[0].comparisons if c.comparison == "unit")
    assert unit.model_bits is None  # the policy counted the model's own weight


def test_a_batch_that_did_not_record_the_hypotheses_still_shows_its_candidates() -> None:
    views, nobody = candidate_views(
        [CHOSEN, NEIGHBOUR], chosen_tin="111111111", chosen_record=1, weighed=None
    )
    assert nobody is None and [v.bits for v in views] == [None, None]
    assert [len(v.records[0].comparisons) for v in views] == [9, 9]
