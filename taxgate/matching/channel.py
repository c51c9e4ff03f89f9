"""The request channel: how another agency's record of a person differs from the person's
own filings, as a prior that the master file cannot show.

The master file teaches how one taxpayer's *own* filings vary over the years (the filings of
one TIN are labelled examples, :func:`taxgate.matching.model.train_snapshot_model`). A
request is written by someone else: the requesting agency types the name from a form, an
interview or an older record, so it carries variation the taxpayer's own filings never show
(a date of birth with a slip, a TIN copied from another person's file, a unit left out).

The match probability of each comparison level is therefore a mixture:

    m(level) = (1 - error) * m_filings(level) + error * share(level)

where ``m_filings`` is what the master shows (for person-level facts, the date of birth and
the TIN, and for the delivery point itself it is "always exact"), ``error`` is how often the
requesting agency's record of that field differs, and ``share`` spreads those differences
over the comparison's other levels. These rates are design priors, stated here once and
recorded in every model; they are not fitted to any world's answers.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

from taxgate.matching.comparisons import (
    DOB,
    GIVEN,
    HOUSE,
    LOCALITY,
    STREET,
    SUFFIX,
    SURNAME,
    TIN,
    UNIT,
)


@dataclass(frozen=True)
class FieldChannel:
    """How often the requesting agency's value of one field differs, and how.

    Attributes:
        error: the share of requests whose value differs from the person's own form.
        share: per non-exact level label, its share of those differences (sums to 1).
        from_filings: whether the master's within-taxpayer variation applies to this field
            (names vary between one's own filings; a date of birth, a TIN and the delivery
            point the request names do not).
    """

    error: float
    share: dict[str, float]
    from_filings: bool


# Why these numbers: DHS's own audit (OIG-23-47) found about 18 % of its address records
# missing, undeliverable or not residential and 90,000+ apartments without a unit; name and
# date-of-birth discrepancies between agencies' files are reported in the record-linkage
# literature (Census PVS) in the 5-15 % range. The shares say which kind of difference is
# common; a level not listed gets none of the channel's mass.
CHANNEL: Final[dict[str, FieldChannel]] = {
    GIVEN: FieldChannel(
        0.12,
        {
            "joined": 0.03,
            "equivalent": 0.28,
            "second_given": 0.11,
            "swapped": 0.06,
            "swapped_form": 0.02,
            "typo": 0.22,
            "sounds_alike": 0.05,
            "form_typo": 0.02,
            "initial": 0.10,
            "disagree": 0.11,
        },
        from_filings=True,
    ),
    SURNAME: FieldChannel(
        0.10,
        {"compound": 0.35, "swapped": 0.10, "typo": 0.35, "disagree": 0.20},
        from_filings=True,
    ),
    SUFFIX: FieldChannel(0.03, {"disagree": 1.0}, from_filings=False),
    DOB: FieldChannel(
        0.06,
        {"typo": 0.45, "default_day": 0.15, "near": 0.25, "disagree": 0.15},
        from_filings=False,
    ),
    TIN: FieldChannel(0.03, {"disagree": 1.0}, from_filings=False),
    HOUSE: FieldChannel(0.01, {"disagree": 1.0}, from_filings=False),
    STREET: FieldChannel(0.10, {"name": 0.45, "typo": 0.40, "disagree": 0.15}, from_filings=False),
    UNIT: FieldChannel(0.05, {"disagree": 1.0}, from_filings=False),
    LOCALITY: FieldChannel(0.05, {"city": 0.65, "disagree": 0.35}, from_filings=False),
}


# How often two random people agree at each level: population facts, used as a prior for u
# that the master's random pairs update (U_PRIOR_PAIRS pseudo-pairs). A large master's own
# pairs decide; a master of a few hundred records leans on these. Sources: name
# concentration in the SSA and Census surname tables (the chance two random people share a
# first name is about 0.5 %, a surname about 0.2 %); one birth date in about 22,000 days of
# the adult population (one birth year in about 70, January 1 on about one date in 60 where
# records default it); a TIN is one person's.
U_PRIOR_PAIRS = 2_000.0
U_PRIOR: Final[dict[str, dict[str, float]]] = {
    GIVEN: {"exact": 6e-3, "joined": 1e-5, "equivalent": 3e-3, "second_given": 2e-3,
            "swapped": 1e-5, "swapped_form": 1e-5, "typo": 1e-3, "sounds_alike": 3e-4,
            "form_typo": 3e-4, "initial": 5e-4},
    SURNAME: {"exact": 2e-3, "compound": 2e-3, "swapped": 1e-5, "typo": 1e-3},
    SUFFIX: {"exact": 0.3},
    DOB: {"exact": 4.6e-5, "typo": 6e-4, "default_day": 4e-4, "near": 0.03},
    TIN: {"exact": 1e-8},
    HOUSE: {"exact": 2e-3},
    STREET: {"exact": 2e-3, "name": 5e-3, "typo": 2e-3},
    UNIT: {"exact": 0.05},
    LOCALITY: {"zip": 5e-4, "city": 1e-3},
}  # fmt: skip


def smoothed_u(
    comparison: str, labels: list[str], sampled_u: dict[str, float], pairs: float
) -> dict[str, float]:
    """u per level: the master's random pairs, smoothed toward the population prior.

    Args:
        comparison: the comparison's output column name.
        labels: its non-null level labels; the last is the disagreement (else) level.
        sampled_u: the share of sampled random pairs at each level (may miss levels).
        pairs: how many random pairs were sampled.
    """
    prior = dict(U_PRIOR[comparison])
    prior[labels[-1]] = max(1.0 - sum(v for k, v in prior.items() if k != labels[-1]), 1e-6)
    total = pairs + U_PRIOR_PAIRS
    return {
        lb: (pairs * sampled_u.get(lb, 0.0) + U_PRIOR_PAIRS * prior.get(lb, 0.0)) / total
        for lb in labels
    }


# How many within-taxpayer pairs of "the same form" the master's own counts are weighed
# against: a master with a handful of repeat filers cannot say that names rarely vary.
M_PRIOR_PAIRS = 200.0


def channel_m(
    comparison: str, labels: list[str], filings_m: dict[str, float], label_pairs: float
) -> dict[str, float]:
    """The match probability of each level of one comparison, channel included.

    Args:
        comparison: the comparison's output column name.
        labels: its non-null level labels, ``exact`` (or the first level) first.
        filings_m: what the master's within-taxpayer pairs showed, per label (may be empty
            or miss levels the master never showed).
        label_pairs: how many within-taxpayer pairs the master had.

    Returns:
        A probability per label, summing to 1.
    """
    channel = CHANNEL[comparison]
    first = labels[0]
    base = dict.fromkeys(labels, 0.0)
    base[first] = 1.0
    total = sum(filings_m.get(lb, 0.0) for lb in labels)
    if channel.from_filings and total > 0 and label_pairs > 0:
        weight = label_pairs / (label_pairs + M_PRIOR_PAIRS)
        for lb in labels:
            base[lb] = weight * filings_m.get(lb, 0.0) / total + (1 - weight) * base[lb]
    shares = {lb: s for lb, s in channel.share.items() if lb in base}
    spread = sum(shares.values()) or 1.0
    out = {lb: (1.0 - channel.error) * base[lb] for lb in labels}
    for lb, s in shares.items():
        out[lb] += channel.error * s / spread
    if not shares:
        out[first] += channel.error
    return out
