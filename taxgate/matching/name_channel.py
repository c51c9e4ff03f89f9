"""The name channel: how strongly a written given name points to a taxpayer, against the
chance that a random person (or a household member who never filed) carries it.

The model's given-name levels say *how* the request's first name relates to a record's
(exact, a nickname, a slip, an initial). A level alone cannot say *which* person the
written name belongs to: a slip that makes another real name (FRANCES for FRANCIS, MARLENE
for DARLENE, AMITA for AMIT) is about as likely to be that other person's own name as a
slip, while a slip that makes no one's name (DNNA) can only be a slip. So the weight of the
levels that depend on the written value is computed per value:

* ``exact`` (and ``swapped``): log2(m / how likely a household member who never filed
  carries the name: a quarter of the population share, as one given name rarely repeats
  in a household, plus a junior or senior asked without a suffix);
* ``typo``: log2(m × how common this kind of slip is / (slips per name × share of people
  carrying the *written* name)), never more than the exact name would weigh;
* ``form_typo`` (a slip of another form of the name: PEGY for MARGARET by way of PEGGY): as
  ``typo``, the kind of slip judged against the name's forms;
* ``initial``: log2(1 / share of names with that first letter);
* other levels keep the model's weight.

Second given names that both sides wrote weigh too: the same (or an initial of it) is mild
evidence, two different ones (JUAN CARLOS / JUAN PABLO) strong evidence of two people. One
the request wrote and the taxpayer left out of every filing weighs mildly against, the more
so the more filings left it out (:func:`never_written_bits`), by rates estimated from the
master's own filings (:mod:`taxgate.matching.middle_rates`).
The shares come from :mod:`taxgate.standardise.name_frequency` (the population), else the
master file's own term frequency.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import pyarrow as pa

from taxgate.matching.middle_rates import STATED_RATES, MiddleRates
from taxgate.matching.model import MatchModel
from taxgate.standardise.name_frequency import given_name_share, initial_share, of_other_sex
from taxgate.standardise.name_tables import name_tables, related_given_forms
from taxgate.standardise.spelling import plausible_slip

# The distinct one-slip spellings a name of n letters plausibly takes (keyboard neighbours,
# a dropped, doubled or swapped letter): about six per letter.
SLIPS_PER_LETTER = 6
# How much less often a slip of another kind (a letter replaced by one far from it on the
# keyboard, a letter added) happens than a common one.
RARE_SLIP = 0.15
# How often the same person's second given name is written differently by another agency
# (dropped middles are not "different": both sides must write one).
MIDDLE_SAME_PERSON_ERROR = 0.05
# How often the requesting agency writes a person's second given name when they have one,
# and writes one for a person who has none (a maternal surname or a clerk's guess).
MIDDLE_WRITTEN_BY_REQUEST = 0.6
MIDDLE_INVENTED_BY_REQUEST = 0.05
# The most a matching second given name adds (it is often a common name).
MIDDLE_AGREE_CAP = 4.0
# Given that a generational suffix is asked, how likely a household member of the filer's
# given name exists who is not the filer (a junior named after his father, or the father).
NAMESAKE_RELATIVE = 0.5
GENERATIONAL = frozenset({"JR", "SR", "II", "III", "IV", "V"})
# The least share any exact given name counts with (a name so rare it is nearly unique).
EXACT_SHARE_FLOOR = 1e-5
# How many records the population's name shares count as, against the master's own counts.
POPULATION_WEIGHT = 10_000.0
# How a household member who never filed comes to carry a filer's own given name: as a
# random person would, less often (siblings and spouses are rarely given one name), or as a
# junior or senior of the filer's name asked without the suffix (about one filer in a
# hundred has such a namesake at home, and about half the requests for him would leave the
# suffix out), whatever the name's rarity.
HOUSEHOLD_REPEAT = 0.25
NAMESAKE_WITHOUT_SUFFIX = 0.005
# How often a household member who never filed carries the other sex's form of a filer's
# name (a daughter JUANA named after her father JUAN, FRANCES beside FRANCIS): like a
# namesake junior, about one filer in a hundred, asked in about half of such households'
# requests. A slip that turns a name into one of the other sex may be that person.
OTHER_SEX_RELATIVE = 0.005
# The spellings one name plausibly takes when it is transliterated or respelled.
RESPELLINGS = 5
# Which middle-name words may be a maternal surname (the family's, which a sibling carries
# too): a word people carry as a first name under once in 100,000 (ZAMBRANO), or a common
# surname carried as a first name under once in 1,000 (CRUZ, LEON). KAREN, and JAMES or
# THOMAS (common surnames, yet among the commonest first names), written as a middle name
# are second given names.
GIVEN_NAME_FLOOR = 1e-5
COMMON_GIVEN_NAME = 1e-3


@dataclass(frozen=True, slots=True)
class Judged:
    """The name channel's weights for one request and one record (bits)."""

    given_bits: float | None
    middle_bits: float
    junior_bits: float


@dataclass(frozen=True, eq=False)  # hashed by identity: one channel per batch, cached judgements
class NameChannel:
    """The model's m of each given-name level and the master's name frequencies."""

    m: Mapping[str, float]
    master_share: Mapping[str, float]
    master_records: float = 0.0
    # How many have a second given name and how often a filing leaves it out (estimated from
    # the master's filings when the model was trained; taxgate.matching.middle_rates).
    middle_rates: MiddleRates = STATED_RATES

    @classmethod
    def from_model(cls, model: MatchModel, tf_given: pa.Table, master_records: int) -> NameChannel:
        levels: dict[str, float] = {}
        for comparison in model.settings["comparisons"]:
            if comparison["output_column_name"] != "given_name":
                continue
            for lv in comparison["comparison_levels"]:
                if isinstance(lv.get("m_probability"), float):
                    levels[str(lv.get("label_for_charts"))] = float(lv["m_probability"])
        shares = dict(
            zip(
                tf_given.column(0).to_pylist(),
                tf_given.column(1).to_pylist(),
                strict=True,
            )
        )
        return cls(levels, shares, float(master_records), model.middle_rates)

    def share(self, name: str) -> float:
        """How often a random person carries ``name`` as written: the master's own count,
        smoothed toward the population's share by POPULATION_WEIGHT records, so that one
        filer of a name in a small master does not make it common."""
        seen = float(self.master_share.get(name) or 0.0) * self.master_records
        total = self.master_records + POPULATION_WEIGHT
        return (seen + POPULATION_WEIGHT * given_name_share(name)) / total

    def judge(self, level: str, request: NameKey, record: NameKey, *, filings: int = 1) -> Judged:
        """Weigh one request's given names against one record's (keys from :func:`name_key`);
        ``filings``: how many of the taxpayer's filings the record's second given names
        were gathered from."""
        return _cached_judge(self, level, request, record, filings)


NameKey = tuple[str, tuple[str, ...], str]


def second_given_names(given: str, names: Iterable[str]) -> set[str]:
    """A side's second given names: every given name but the first, without the joined
    form of two of them (JIYOUNG for JI YOUNG is the first name written whole, not a
    second one)."""
    words = set(names) | {given}
    joined = {a + b for a in words for b in words if a and b and a != b}
    return words - {given} - joined


def family_names(
    surname_field: Any, possible: Any, share_of: Callable[[str], float] = given_name_share
) -> frozenset[str]:
    """The surnames a record shows as the family's: the words of its surname field, and
    the middle-name words kept as possible surnames (a maternal surname written as a middle
    name) that people rarely carry as first names (GIVEN_NAME_FLOOR, and COMMON_GIVEN_NAME
    for common surnames).
    A brother or sister carries such a word too, so as a second given name it tells no
    one apart. ``share_of`` says how often people carry a word as their first name: the
    birth tables by default; the matcher passes :meth:`NameChannel.share`, which counts the
    master's own first names too (MEI, HOA: second given names that US birth tables barely
    know, and that many taxpayers carry as first names, are second given names)."""
    written = set(str(surname_field or "").split())
    common = name_tables().surnames
    kept = set()
    for word in possible or ():
        share = share_of(str(word))
        if share < GIVEN_NAME_FLOOR or (word in common and share < COMMON_GIVEN_NAME):
            kept.add(str(word))
    return frozenset(written | kept)


def name_key(given: Any, names: Any, suffix: Any) -> NameKey:
    """The name-channel key of one side: first given name, every given name, suffix."""
    return str(given or ""), tuple(sorted(str(n) for n in names or () if n)), str(suffix or "")


# Levels where the written given name is the filer's own (whole, in another form, respelled,
# exchanged with the surname, or with a slip): a namesake junior or senior carries it too.
_NAMESAKE_LEVELS = frozenset(
    {
        "exact",
        "equivalent",
        "swapped",
        "swapped_form",
        "joined",
        "sounds_alike",
        "typo",
        "form_typo",
        "swapped_typo",
    }
)


# Levels where the second given names both sides wrote tell for or against: the first names
# are one name (in any form), or the request's first name is an initial, when the second
# given name is what names the person (J HECTOR for JOSE H or JOSE HECTOR, against a brother
# J PABLO).
_MIDDLE_LEVELS = frozenset(
    {"exact", "equivalent", "typo", "swapped", "swapped_form", "swapped_typo", "initial"}
)


@lru_cache(maxsize=262_144)
def _cached_judge(
    channel: NameChannel, level: str, request: NameKey, record: NameKey, filings: int
) -> Judged:
    asked, asked_names, asked_suffix = request
    filed, filed_names, filed_suffix = record
    given = given_level_bits(channel, level, asked, filed)
    middle = 0.0
    if level in _MIDDLE_LEVELS:
        asked_middle = second_given_names(asked, asked_names)
        filed_middle = second_given_names(filed, filed_names)
        middle, left_over = middle_parts(asked_middle, filed_middle, channel)
        if asked_middle and not filed_middle:
            middle = never_written_bits(filings, channel.middle_rates)
        # A namesake relative (a junior named after his father) carries the middle name
        # too: agreeing names never weigh more than the chance of such a namesake allows;
        # names left over on both sides count against whatever agreed.
        ceiling = math.log2(channel.m.get("exact", 1.0) / NAMESAKE_WITHOUT_SUFFIX)
        base = given if given is not None else 0.0
        middle = min(middle, max(ceiling - base, 0.0)) + left_over
    junior = 0.0
    if asked_suffix in GENERATIONAL and level in _NAMESAKE_LEVELS and filed_suffix != asked_suffix:
        junior = math.log2(NAMESAKE_RELATIVE / max(channel.share(filed), EXACT_SHARE_FLOOR))
    return Judged(given, middle, junior)


def given_level_bits(channel: NameChannel, level: str, asked: str, filed: str) -> float | None:
    """The weight of the request's given name for one level, or None for the model's."""
    m = channel.m.get(level)
    if not asked or not filed or m is None:
        return None
    exact_m = channel.m.get("exact", m)
    ceiling = _exact_bits(exact_m, channel.share(filed))
    if level in ("exact", "swapped", "joined"):
        # One name written whole, exchanged with the surname, or joined from two words.
        name = filed if level == "swapped" else max(asked, filed, key=len)
        if len(name) == 1:
            # Two initials alike (J and J) say only the letter, however rare J is as a name.
            return -math.log2(initial_share(name))
        return _exact_bits(exact_m, channel.share(name))
    # A written name of the other sex may be a household member named after the filer.
    relative = OTHER_SEX_RELATIVE if of_other_sex(asked, filed) else 0.0
    if level == "typo":
        slips = SLIPS_PER_LETTER * max(len(asked), 1)
        kind = 1.0 if plausible_slip(asked, filed) else RARE_SLIP
        return min(math.log2(m * kind / (slips * channel.share(asked) + relative)), ceiling)
    if level == "form_typo":
        # A slip of another form of the name: weighed as a slip is, by how many people carry
        # the written name and the kind of slip, never more than the name written whole.
        slips = SLIPS_PER_LETTER * max(len(asked), 1)
        forms = related_given_forms(filed)
        kind = 1.0 if any(plausible_slip(asked, form) for form in forms) else RARE_SLIP
        return min(math.log2(m * kind / (slips * channel.share(asked) + relative)), ceiling)
    if level == "sounds_alike":
        return min(math.log2(m / (RESPELLINGS * channel.share(asked) + relative)), ceiling)
    if level == "initial":
        letter = asked if len(asked) == 1 else filed
        return -math.log2(initial_share(letter))
    return None


def _carried(share: float) -> float:
    """How likely a household member who never filed carries a filer's own given name."""
    return max(share, EXACT_SHARE_FLOOR) * HOUSEHOLD_REPEAT + NAMESAKE_WITHOUT_SUFFIX


def _exact_bits(m: float, share: float) -> float:
    """The filer's own name against a household member who never filed carrying it."""
    return math.log2(
        m / (max(share, EXACT_SHARE_FLOOR) * HOUSEHOLD_REPEAT + NAMESAKE_WITHOUT_SUFFIX)
    )


def never_written_bits(filings: int, rates: MiddleRates = STATED_RATES) -> float:
    """The request wrote a second given name that the taxpayer wrote in none of ``filings``
    filings: likely if they have one and leave it out of every return, as likely as anyone
    if they have none. Against the request's subject being someone else of that first
    name (a sister CARMEN MARTHA beside a filer CARMEN who never wrote a middle name), the
    more filings left it out, the less likely the filer has one."""
    has, lacks = rates.has_middle, 1 - rates.has_middle
    written, invented = MIDDLE_WRITTEN_BY_REQUEST, MIDDLE_INVENTED_BY_REQUEST
    omitted = rates.omitted_per_filing ** max(filings, 1)
    # The filer: the request wrote the middle name they left out of every filing, or one
    # they do not have. Someone else: the request's middle name is theirs, whatever the
    # filer's filings show.
    filer = has * written * omitted + lacks * invented
    other = (has * written + lacks * invented) * (lacks + has * omitted)
    return math.log2(filer / other)


def _alike(a: str, f: str) -> bool:
    """Two second given names agree: the same name, or an initial of one."""
    return a == f or (min(len(a), len(f)) == 1 and a[0] == f[0])


def middle_bits(asked: set[str], filed: set[str], channel: NameChannel) -> float:
    """Second given names that both sides wrote: the same (or an initial of one) against
    two different names (:func:`middle_parts`, the two parts together)."""
    agreed, left_over = middle_parts(asked, filed, channel)
    return agreed + left_over


def middle_parts(asked: set[str], filed: set[str], channel: NameChannel) -> tuple[float, float]:
    """Second given names that both sides wrote, in two parts: the strongest agreeing pair
    (or, none agreeing, two different names), and the names left over on both sides once
    the agreeing ones are paired (JI-YOUNG HOA against JI-YOUNG MEI: the YOUNG of the first
    name agrees, HOA and MEI do not), which count as two different names: a sister shares
    the family's names and differs in her own."""
    if not asked or not filed:
        return 0.0, 0.0
    # Every agreeing pair, the strongest counting: the answer must not depend on the order a
    # set is walked in (it did: JI YOUNG J LIU weighed +0.09 or 0 bits by the hash seed).
    agreeing = [max(a, f, key=len) for a in asked for f in filed if _alike(a, f)]
    if not agreeing:
        return math.log2(MIDDLE_SAME_PERSON_ERROR), 0.0
    agreed = max(
        0.0 if len(name) == 1 else min(-math.log2(channel.share(name)), MIDDLE_AGREE_CAP)
        for name in agreeing
    )
    asked_rest = {a for a in asked if not any(_alike(a, f) for f in filed)}
    filed_rest = {f for f in filed if not any(_alike(a, f) for a in asked)}
    if asked_rest and filed_rest:
        return agreed, math.log2(MIDDLE_SAME_PERSON_ERROR)
    return agreed, 0.0
