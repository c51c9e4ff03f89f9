"""``taxgate.app.explain.rules``: a rule line per reason, and each decision's sentence with its
figures."""

from __future__ import annotations

import doctest

import pytest

from taxgate.agreement import PolicyTerms
from taxgate.app.explain import rules
from taxgate.app.explain.rules import RULES, DecisionFacts, rule_sentence
from taxgate.matching.decide import Reason

TERMS = PolicyTerms(disclose_weight=20, review_weight=10, min_margin=0)


def test_module_examples_run() -> None:
    result = doctest.testmod(rules)
    assert result.attempted > 0 and result.failed == 0


def test_every_reason_has_its_rule() -> None:
    assert set(RULES) == {r.value for r in Reason}
    assert all(RULES.values())


@pytest.mark.parametrize(
    ("facts", "expected"),
    [
        (
            DecisionFacts("MATCHED", "DISCLOSE", chosen="XXX-XX-1234", bits=35.2, posterior=0.9994),
            ("Disclosed: taxpayer XXX-XX-1234", "35.2 bits", "(at least 20 needed)", "99.9%"),
        ),
        (
            DecisionFacts("BORDERLINE", "REVIEW", chosen="XXX-XX-1234", bits=35.6, posterior=0.989),
            ("Held for review", "98.9%, is below the 99% a disclosure needs", "from 95% and 10"),
        ),
        (
            DecisionFacts("BORDERLINE", "REVIEW", chosen="XXX-XX-1234", bits=15.0, posterior=0.995),
            ("the evidence is below the 20 bits a disclosure needs",),
        ),
        (
            DecisionFacts(
                "AMBIGUOUS",
                "NOT_DISCLOSED",
                chosen="XXX-XX-1234",
                posterior=0.5,
                rival=("XXX-XX-9999", 0.49),
            ),
            ("XXX-XX-1234 holds 50.0%", "taxpayer XXX-XX-9999 49.0%", "ambiguity never"),
        ),
        (
            DecisionFacts(
                "NOT_ON_FILE",
                "NOT_DISCLOSED",
                chosen="XXX-XX-1234",
                posterior=0.48,
                not_on_file=0.51,
            ),
            ("never filed (a household member) holds 51.0%",),
        ),
        (
            DecisionFacts("BELOW_THRESHOLD", "NOT_DISCLOSED", taxpayers=6),
            ("of 6 candidate taxpayers, none has a name that agrees",),
        ),
        (
            DecisionFacts("NAME_DISAGREES", "NOT_DISCLOSED", taxpayers=1),
            ("the one candidate taxpayer files at the requested address, but not under",),
        ),
        (
            DecisionFacts(
                "ADDRESS_NOT_CORROBORATED",
                "NOT_DISCLOSED",
                named="XXX-XX-1234",
                address_disagrees="unit disagree",
            ),
            ("taxpayer XXX-XX-1234's name agrees", "delivery points (unit disagree)"),
        ),
        (
            DecisionFacts("SCREENING", "REJECTED", codes=("ADDRESS_PLACEHOLDER", "REASON_MISSING")),
            ("Rejected at screening (ADDRESS_PLACEHOLDER, REASON_MISSING)",),
        ),
        (
            DecisionFacts(
                "SAME_TAXPAYER",
                "REJECTED",
                chosen="XXX-XX-1234",
                earlier_request="R7",
                overruled="DISCLOSE (MATCHED)",
            ),
            ("whom request R7 of this batch already answers", "had decided DISCLOSE (MATCHED)"),
        ),
        (
            DecisionFacts("LEGAL_HOLD", "NOT_DISCLOSED", chosen="XXX-XX-1234"),
            ("Not disclosed (taxpayer XXX-XX-1234): a legal hold stops every disclosure",),
        ),
    ],
    ids=lambda v: v.reason if isinstance(v, DecisionFacts) else "",
)
def test_the_sentence_names_the_figures_it_compared(
    facts: DecisionFacts, expected: tuple[str, ...]
) -> None:
    sentence = rule_sentence(facts, TERMS)
    for part in expected:
        assert part in sentence, sentence
    assert sentence.count(". ") <= 1  # one sentence (and an overruled note at most)
