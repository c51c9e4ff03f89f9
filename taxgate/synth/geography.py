"""Places, streets, buildings and delivery points of the synthetic world (vectorised).

A *delivery point* (dp) is one mailbox: a house, one unit of a multi-unit building, a PO box
or a rural-route box. Every dp has exactly one canonical USPS form and one delivery key
(``HOUSE|PREDIR|STREETNAME|SUFFIX|POSTDIR|UNITNUMBER|ZIP5``; ``POB|BOX|ZIP5`` for PO boxes and
``RR|ROUTE|BOX|ZIP5`` for rural routes, the same keys as
:meth:`taxgate.standardise.address_parts.StandardAddress.delivery_key`). House numbers are
unique per street and box numbers per ZIP, so two dps never share a key.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from taxgate.synth import vocab
from taxgate.synth.spec import WorldSpec
from taxgate.synth.vocab import IntArray

KIND_STREET, KIND_PO_BOX, KIND_RURAL_ROUTE = 0, 1, 2
"""Building kinds. Street buildings may carry grid, Queens or fraction house numbers."""

UNIT_TYPES = ("APT", "UNIT", "STE")
_UNIT_TYPE_WEIGHTS = (0.80, 0.15, 0.05)
_BUILDINGS_PER_STREET = 40
_STREETS_PER_ZIP = 25


@dataclass(frozen=True)
class CanonicalAddress:
    """An address in canonical USPS form (what ``expected_*`` of the truth hold)."""

    street: str
    unit: str
    city: str
    state: str
    zip: str
    key: str


@dataclass(frozen=True)
class Geography:
    """Arrays describing every place, street, building and delivery point."""

    city: tuple[str, ...]
    state: tuple[str, ...]
    place_kind: tuple[str, ...]
    zip_place: IntArray
    zip5: tuple[str, ...]
    street_vocab: tuple[str, ...]
    street_zip: IntArray
    street_name: IntArray
    street_predir: IntArray
    street_suffix: IntArray
    street_postdir: IntArray
    bldg_street: IntArray
    bldg_zip: IntArray
    bldg_kind: IntArray
    bldg_number: IntArray
    bldg_route: IntArray
    bldg_plus4: IntArray
    bldg_units: IntArray
    bldg_unit_type: IntArray
    bldg_first_dp: IntArray
    bldg_house: pa.StringArray
    dp_building: IntArray
    dp_unit: pa.StringArray

    @property
    def n_dp(self) -> int:
        """Number of delivery points."""
        return len(self.dp_building)

    def dp_zip(self, dp: IntArray) -> IntArray:
        """ZIP index of each delivery point in ``dp``."""
        return self.bldg_zip[self.dp_building[dp]]

    def canonical(self, dp: int) -> CanonicalAddress:
        """The canonical USPS form and delivery key of one delivery point."""
        b = int(self.dp_building[dp])
        z = int(self.bldg_zip[b])
        place = int(self.zip_place[z])
        zip5 = self.zip5[z]
        zip_full = f"{zip5}-{int(self.bldg_plus4[b]):04d}"
        kind = int(self.bldg_kind[b])
        if kind == KIND_PO_BOX:
            box = str(int(self.bldg_number[b]))
            street, key = f"PO BOX {box}", f"POB|{box}|{zip5}"
            unit_number = unit = ""
        elif kind == KIND_RURAL_ROUTE:
            route, box = str(int(self.bldg_route[b])), str(int(self.bldg_number[b]))
            street, key = f"RR {route} BOX {box}", f"RR|{route}|{box}|{zip5}"
            unit_number = unit = ""
        else:
            s = int(self.bldg_street[b])
            house = str(self.bldg_house[b])
            predir = _code(vocab.DIRECTIONS, int(self.street_predir[s]))
            name = self.street_vocab[int(self.street_name[s])]
            suffix = _code(vocab.STREET_TYPES, int(self.street_suffix[s]))
            postdir = _code(vocab.DIRECTIONS, int(self.street_postdir[s]))
            street = " ".join(p for p in (house, predir, name, suffix, postdir) if p)
            unit_number = str(self.dp_unit[dp])
            unit_type = UNIT_TYPES[int(self.bldg_unit_type[b])]
            unit = f"{unit_type} {unit_number}" if unit_number else ""
            key = "|".join((house, predir, name, suffix, postdir, unit_number, zip5))
        return CanonicalAddress(street, unit, self.city[place], self.state[place], zip_full, key)


def _code(table: tuple[str, ...], code: int) -> str:
    return "" if code < 0 else table[code]


def _rank_within(groups: IntArray) -> IntArray:
    """0-based rank of each element within its group, in array order (groups need no sort)."""
    order = np.argsort(groups, kind="stable")
    sorted_groups = groups[order]
    starts = np.flatnonzero(np.r_[True, sorted_groups[1:] != sorted_groups[:-1]])
    run_start = np.repeat(starts, np.diff(np.r_[starts, len(groups)]))
    rank = np.empty(len(groups), dtype=np.int64)
    rank[order] = np.arange(len(groups)) - run_start
    return rank


def _optional_codes(
    rng: np.random.Generator, n: int, rate: float, weights: tuple[int, ...]
) -> IntArray:
    p = np.asarray(weights, dtype=np.float64) / sum(weights)
    codes = rng.choice(len(weights), size=n, p=p).astype(np.int64)
    return np.where(rng.random(n) < rate, codes, -1)


def build_geography(rng: np.random.Generator, spec: WorldSpec, n_dp: int) -> Geography:
    """Build about ``n_dp`` delivery points with their buildings, streets and ZIPs."""
    places = vocab.places()
    n_place = len(places)
    place_w = np.asarray([p.weight for p in places])
    place_kind = tuple(p.kind for p in places)

    # Buildings: single-unit ones, then multi-unit ones until the units are used up.
    n_multi_units = int(n_dp * spec.multi_unit_share)
    sizes = rng.choice([2, 3, 4, 6, 8, 12, 16, 24, 40, 60], size=max(1, n_multi_units // 2) + 1)
    sizes = sizes[: int(np.searchsorted(np.cumsum(sizes), n_multi_units)) + 1]
    n_single = max(1, n_dp - int(sizes.sum()))
    units = np.concatenate([np.ones(n_single, dtype=np.int64), sizes.astype(np.int64)])
    units = units[rng.permutation(len(units))]
    n_bldg = len(units)

    n_street = max(n_place * 2, n_bldg // _BUILDINGS_PER_STREET + 1)
    n_zip = max(n_place, n_street // _STREETS_PER_ZIP + 1)
    zip_place = np.concatenate(
        [np.arange(n_place), rng.choice(n_place, size=n_zip - n_place, p=place_w / place_w.sum())]
    ).astype(np.int64)
    zip_place.sort(kind="stable")
    zip_rank = _rank_within(zip_place)
    zip5 = tuple(
        f"{places[p].zip3}{(7 + 13 * r + 31 * p) % 100:02d}"
        for p, r in zip(zip_place.tolist(), zip_rank.tolist(), strict=True)
    )
    # ZIP codes of one prefix are distinct while a prefix has under 100 ZIPs.
    zip5 = _dedupe_zips(zip5)

    street_zip = rng.integers(0, n_zip, size=n_street).astype(np.int64)
    street_zip[:n_zip] = np.arange(min(n_zip, n_street))
    names, name_p = vocab.street_names()
    ordinals = tuple(vocab.ordinal(i) for i in range(1, 100))
    street_vocab = names + ordinals
    kinds = np.asarray([place_kind[p] for p in zip_place[street_zip]])
    numbered = rng.random(n_street) < np.where(kinds == "queens", 0.7, spec.numbered_street_rate)
    street_name = np.where(
        numbered,
        len(names) + np.minimum(rng.geometric(0.06, size=n_street) - 1, 98),
        rng.choice(len(names), size=n_street, p=name_p),
    ).astype(np.int64)
    street_predir = _optional_codes(
        rng, n_street, spec.predirectional_rate, vocab.DIRECTION_WEIGHTS
    )
    street_suffix = _optional_codes(
        rng, n_street, 1 - spec.no_suffix_rate, vocab.STREET_TYPE_WEIGHTS
    )
    street_postdir = _optional_codes(
        rng, n_street, spec.postdirectional_rate, vocab.DIRECTION_WEIGHTS
    )
    dc = kinds == "dc"
    street_postdir[dc] = rng.choice([4, 5, 6, 7], size=int(dc.sum()), p=[0.5, 0.25, 0.15, 0.1])
    street_predir[dc | (street_postdir >= 0)] = -1
    street_suffix[street_name == street_vocab.index("BROADWAY")] = -1

    bldg_street = rng.integers(0, n_street, size=n_bldg).astype(np.int64)
    bldg_zip = street_zip[bldg_street]
    bldg_kinds = kinds[bldg_street]
    single = units == 1
    kind = np.full(n_bldg, KIND_STREET, dtype=np.int64)
    kind[single & (rng.random(n_bldg) < spec.po_box_rate)] = KIND_PO_BOX
    rural = single & (bldg_kinds == "rural") & (rng.random(n_bldg) < spec.rural_route_rate)
    kind[rural] = KIND_RURAL_ROUTE

    # Street numbers unique per street; box numbers unique per ZIP.
    street_rank = _rank_within(bldg_street)
    base = rng.integers(1, 90, size=n_street) * 100 + rng.integers(0, 50, size=n_street) * 2
    step = rng.choice([2, 4, 6, 10, 20], size=n_street)
    number = base[bldg_street] + street_rank * step[bldg_street]
    grid = bldg_kinds == "grid"
    number = np.where(grid, 10000 + number, number)
    box_rank = _rank_within(np.where(kind == KIND_STREET, -1, bldg_zip * 4 + kind))
    number = np.where(kind == KIND_PO_BOX, 100 + 3 * box_rank, number)
    number = np.where(kind == KIND_RURAL_ROUTE, 1 + box_rank % 60, number)
    route = np.where(kind == KIND_RURAL_ROUTE, 1 + box_rank // 60, 0)

    house = pc.cast(pa.array(number), pa.string())
    house = _special_houses(rng, spec, house, number, kind, bldg_kinds, single, bldg_street)

    unit_type = rng.choice(len(UNIT_TYPES), size=n_bldg, p=_UNIT_TYPE_WEIGHTS).astype(np.int64)
    first_dp = np.r_[0, np.cumsum(units)[:-1]].astype(np.int64)
    dp_building = np.repeat(np.arange(n_bldg, dtype=np.int64), units)
    dp_unit = _unit_labels(rng, units, dp_building, first_dp)
    return Geography(
        city=tuple(p.city for p in places),
        state=tuple(p.state for p in places),
        place_kind=place_kind,
        zip_place=zip_place,
        zip5=zip5,
        street_vocab=street_vocab,
        street_zip=street_zip,
        street_name=street_name,
        street_predir=street_predir,
        street_suffix=street_suffix,
        street_postdir=street_postdir,
        bldg_street=bldg_street,
        bldg_zip=bldg_zip,
        bldg_kind=kind,
        bldg_number=number.astype(np.int64),
        bldg_route=route.astype(np.int64),
        bldg_plus4=rng.integers(1, 9999, size=n_bldg).astype(np.int64),
        bldg_units=units,
        bldg_unit_type=unit_type,
        bldg_first_dp=first_dp,
        bldg_house=house,
        dp_building=dp_building,
        dp_unit=dp_unit,
    )


def _dedupe_zips(zips: tuple[str, ...]) -> tuple[str, ...]:
    seen: set[str] = set()
    out: list[str] = []
    for z in zips:
        candidate = z
        bump = 0
        while candidate in seen:
            bump += 1
            candidate = f"{z[:3]}{(int(z[3:]) + bump) % 100:02d}"
        seen.add(candidate)
        out.append(candidate)
    return tuple(out)


def _special_houses(
    rng: np.random.Generator,
    spec: WorldSpec,
    house: pa.Array,
    number: IntArray,
    kind: IntArray,
    bldg_kinds: np.ndarray,
    single: np.ndarray,
    bldg_street: IntArray,
) -> pa.StringArray:
    """Grid (N6W23001), Queens (23-15) and fraction (101 1/2) house numbers."""
    street = kind == KIND_STREET
    grid = street & (bldg_kinds == "grid")
    queens = street & (bldg_kinds == "queens")
    fraction = (
        street & single & ~grid & ~queens & (rng.random(len(kind)) < spec.fraction_house_rate)
    )
    grid_n = 1 + bldg_street % 90
    strings = house.to_pylist()
    for i in np.flatnonzero(grid).tolist():
        strings[i] = f"N{grid_n[i]}W{number[i]}"
    for i in np.flatnonzero(queens).tolist():
        strings[i] = f"{number[i] // 100}-{number[i] % 100:02d}"
    for i in np.flatnonzero(fraction).tolist():
        strings[i] = f"{number[i]} 1/2"
    result: pa.StringArray = pa.array(strings, type=pa.string())
    return result


def _unit_labels(
    rng: np.random.Generator, units: IntArray, dp_building: IntArray, first_dp: IntArray
) -> pa.StringArray:
    """Unit numbers: ``''`` for single-unit buildings, else ``4``, ``203`` or ``2B``."""
    rank = np.arange(len(dp_building)) - first_dp[dp_building]
    style = rng.integers(0, 3, size=len(units))[dp_building]
    per_floor = np.where(units[dp_building] > 8, 8, 4)
    floor, door = rank // per_floor + 1, rank % per_floor
    letters = np.asarray(list("ABCDEFGH"))
    multi = units[dp_building] > 1
    plain = (rank + 1).astype(str)
    floored = np.char.add(floor.astype(str), np.char.zfill((door + 1).astype(str), 2))
    lettered = np.char.add(floor.astype(str), letters[door])
    label = np.where(style == 0, plain, np.where(style == 1, floored, lettered))
    result: pa.StringArray = pa.array(np.where(multi, label, ""), type=pa.string())
    return result
