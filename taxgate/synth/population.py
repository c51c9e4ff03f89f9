"""Households and taxpayers: identities, dates of birth and TINs (vectorised).

Names are kept as indices into the embedded tables (:mod:`taxgate.synth.vocab`); how a name
is *written* on a filing or a request is decided later, per document.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np

from taxgate.synth import vocab
from taxgate.synth.spec import WorldSpec
from taxgate.synth.vocab import IntArray

ROLE_HEAD, ROLE_SPOUSE, ROLE_CHILD, ROLE_ROOMMATE, ROLE_JUNIOR = 0, 1, 2, 3, 4
"""Household roles; a junior is an adult son with his father's full name."""

HISPANIC = vocab.GROUPS.index("hispanic")
_EPOCH = date(1970, 1, 1)
_ITIN_GROUPS = np.asarray([*range(50, 66), *range(70, 89), 90, 91, 92, *range(94, 100)])


def day_number(d: date) -> int:
    """Days since 1970-01-01 (the integer form of dates inside the generator)."""
    return (d - _EPOCH).days


@dataclass(frozen=True)
class Population:
    """Every taxpayer (index = taxpayer id) and the households they live in."""

    hh_first: IntArray
    hh_size: IntArray
    hh_group: IntArray
    household: IntArray
    role: IntArray
    group: IntArray
    sex_male: np.ndarray
    given1: IntArray
    given2: IntArray
    paternal: IntArray
    maternal: IntArray
    suffix: IntArray
    dob: IntArray
    dob_known: np.ndarray
    tin: IntArray
    itin: np.ndarray
    junior_pairs: IntArray
    maiden: IntArray
    """Surname index a spouse filed under before taking the head's surname, or -1."""
    married_day: IntArray
    """Day from which the spouse files under the head's surname (meaningful where maiden ≥ 0)."""

    @property
    def n(self) -> int:
        """Number of taxpayers."""
        return len(self.household)


def _household_sizes(rng: np.random.Generator, spec: WorldSpec, n: int) -> IntArray:
    weights = np.asarray(spec.household_size_weights, dtype=np.float64)
    sizes = rng.choice(len(weights), size=n, p=weights / weights.sum()) + 1
    cut = int(np.searchsorted(np.cumsum(sizes), n)) + 1
    sizes = sizes[:cut].astype(np.int64)
    sizes[-1] -= int(sizes.sum()) - n
    return sizes[sizes > 0]


def _draw_names(
    rng: np.random.Generator, table: vocab.NameTable, group: IntArray, sex_male: np.ndarray | None
) -> IntArray:
    """One name index per element, from the pool of its group (and sex)."""
    out = np.empty(len(group), dtype=np.int64)
    for g in range(len(vocab.GROUPS)):
        for sex in ("M", "F") if sex_male is not None else (None,):
            mask = group == g
            if sex_male is not None:
                mask &= sex_male == (sex == "M")
            count = int(mask.sum())
            if count:
                idx, p = table.pool(g, sex)
                out[mask] = idx[rng.choice(len(idx), size=count, p=p)]
    return out


def build_population(
    rng: np.random.Generator, spec: WorldSpec, n: int, request_day: int
) -> Population:
    """Draw ``n`` taxpayers in households."""
    hh_size = _household_sizes(rng, spec, n)
    n_hh = len(hh_size)
    hh_first = np.r_[0, np.cumsum(hh_size)[:-1]].astype(np.int64)
    household = np.repeat(np.arange(n_hh, dtype=np.int64), hh_size)
    rank = np.arange(n) - hh_first[household]
    shares = [spec.hispanic_share, 0.0, spec.asian_share, spec.other_share]
    shares[1] = 1.0 - sum(shares)
    hh_group = rng.choice(len(vocab.GROUPS), size=n_hh, p=shares).astype(np.int64)

    junior_hh = (hh_size >= 2) & (rng.random(n_hh) < spec.junior_household_rate)
    role = np.where(rank == 0, ROLE_HEAD, ROLE_CHILD).astype(np.int64)
    role[(rank == 1) & (rng.random(n) < 0.75)] = ROLE_SPOUSE
    role[(rank > 0) & (rng.random(n) < spec.roommate_rate)] = ROLE_ROOMMATE
    is_last = rank == hh_size[household] - 1
    role[is_last & junior_hh[household]] = ROLE_JUNIOR

    group = hh_group[household].copy()
    roommate = role == ROLE_ROOMMATE
    group[roommate] = rng.choice(len(vocab.GROUPS), size=int(roommate.sum()), p=shares)
    sex_male = rng.random(n) < 0.5
    head_of = hh_first[household]
    sex_male[(rank == 0) & junior_hh[household]] = True
    sex_male[role == ROLE_JUNIOR] = True
    spouse = role == ROLE_SPOUSE
    sex_male[spouse] = ~sex_male[head_of[spouse]]

    names, surnames = vocab.given_names(), vocab.surnames()
    given1 = _draw_names(rng, names, group, sex_male)
    given2 = _draw_names(rng, names, group, sex_male)
    given2 = np.where(
        (rng.random(n) < spec.second_given_name_rate) & (given2 != given1), given2, -1
    )
    own_pat = _draw_names(rng, surnames, group, None)
    hispanic_pool = _draw_names(rng, surnames, np.full(n, HISPANIC), None)
    compound = (group == HISPANIC) & (rng.random(n) < spec.compound_surname_rate)
    own_mat = np.where(compound, hispanic_pool, -1)
    own_mat = np.where(own_mat == own_pat, -1, own_mat)

    paternal, maternal = own_pat.copy(), own_mat.copy()
    takes = spouse & (rng.random(n) < spec.spouse_takes_surname_rate)
    paternal[takes] = own_pat[head_of[takes]]
    maternal[takes] = np.where(compound[takes], own_pat[takes], -1)
    child = (role == ROLE_CHILD) | (role == ROLE_JUNIOR)
    paternal[child] = own_pat[head_of[child]]
    maternal[child] = np.where(compound[child], own_mat[child], -1)
    maternal = np.where(maternal == paternal, -1, maternal)
    # Some who took the head's surname married within the filing years: their earlier
    # filings show the surname they were born with, the later ones the head's.
    maiden = np.where(takes & (own_pat != paternal) & (rng.random(n) < 0.3), own_pat, -1)
    married_day = request_day - rng.integers(300, 8 * 365, size=n)

    suffix = np.zeros(n, dtype=np.int64)
    junior = np.flatnonzero(role == ROLE_JUNIOR)
    father = head_of[junior]
    given1[junior], given2[junior] = given1[father], given2[father]
    paternal[junior], maternal[junior] = paternal[father], maternal[father]
    suffix[junior], suffix[father] = vocab.SUFFIXES.index("JR"), vocab.SUFFIXES.index("SR")

    age_years = rng.integers(22, 78, size=n)
    age_years[junior] = rng.integers(18, 40, size=len(junior))
    age_years[father] = age_years[junior] + rng.integers(20, 36, size=len(junior))
    kids = np.flatnonzero(role == ROLE_CHILD)
    age_years[kids] = np.clip(
        age_years[head_of[kids]] - rng.integers(20, 40, size=len(kids)), 18, 60
    )
    dob = request_day - age_years * 365 - rng.integers(0, 365, size=n)
    dob_known = rng.random(n) < spec.dob_known_rate

    boost = spec.itin_hispanic_boost
    hispanic = group == HISPANIC
    base = spec.itin_rate / (spec.hispanic_share * boost + 1.0 - spec.hispanic_share)
    itin = rng.random(n) < np.where(hispanic, min(1.0, base * boost), base)
    return Population(
        hh_first=hh_first,
        hh_size=hh_size,
        hh_group=hh_group,
        household=household,
        role=role,
        group=group,
        sex_male=sex_male,
        given1=given1,
        given2=given2,
        paternal=paternal,
        maternal=maternal,
        suffix=suffix,
        dob=dob.astype(np.int64),
        dob_known=dob_known,
        tin=draw_tins(rng, itin),
        itin=itin,
        junior_pairs=np.stack([father, junior], axis=1).astype(np.int64),
        maiden=maiden.astype(np.int64),
        married_day=married_day.astype(np.int64),
    )


def draw_tins(
    rng: np.random.Generator, itin: np.ndarray, avoid: IntArray | None = None
) -> IntArray:
    """Distinct 9-digit TINs: SSNs (area 001–899 but 666) or ITINs (9XX, valid group).

    ``avoid`` holds TINs already in use (e.g. the master's, when drawing outsiders' TINs).
    """
    n = len(itin)
    tins = np.zeros(n, dtype=np.int64)
    todo = np.arange(n)
    taken = np.zeros(0, dtype=np.int64) if avoid is None else np.asarray(avoid, dtype=np.int64)
    while len(todo):
        k = len(todo)
        area = rng.integers(1, 900, size=k)
        area = np.where(area == 666, 667, area)
        group = rng.integers(1, 100, size=k)
        is_itin = itin[todo]
        area = np.where(is_itin, 900 + rng.integers(0, 100, size=k), area)
        group = np.where(is_itin, rng.choice(_ITIN_GROUPS, size=k), group)
        serial = rng.integers(1, 10000, size=k)
        tins[todo] = area * 1_000_000 + group * 10_000 + serial
        _, first = np.unique(tins, return_index=True)
        unique_mask = np.zeros(n, dtype=bool)
        unique_mask[first] = True
        todo = np.flatnonzero(~unique_mask | np.isin(tins, taken))
    return tins
