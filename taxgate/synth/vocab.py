"""The embedded word lists of the synthetic world, loaded once from ``taxgate/synth/data``.

* ``surnames.csv`` — surname, group (hispanic, english, asian, other), relative frequency,
  accented spelling where Spanish writes one;
* ``given_names.csv`` — given name, sex, group, relative frequency, accented spelling;
* ``name_variants.csv`` — Spanish–English equivalents, nicknames, transliterations and joined
  forms (``name,variant,kind,language``); the English rows agree with the ``nicknames``
  package (a test checks it);
* ``close_names.csv`` — given names of two different people that look alike (``names.py``);
* ``places.csv`` — city, state, 3-digit ZIP prefix, weight and kind (urban, queens, grid,
  rural, dc);
* ``street_names.csv`` — street names and weights.

USPS Publication 28 abbreviations come from ``scourgify.address_constants``.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache
from importlib.resources import files

import numpy as np
import numpy.typing as npt
from scourgify.address_constants import (
    DIRECTIONAL_REPLACEMENTS,
    LONGHAND_STREET_TYPES,
    STREET_TYPE_ABBREVIATIONS,
)

GROUPS = ("hispanic", "english", "asian", "other")
"""Name groups, in code order (group code = index)."""

SUFFIXES = ("", "JR", "SR", "II", "III")
"""Generational suffix codes (0 = none)."""

STREET_TYPES = ("ST", "AVE", "RD", "DR", "LN", "BLVD", "CT", "WAY", "PL", "CIR", "TER", "PKWY")
STREET_TYPE_WEIGHTS = (30, 20, 10, 12, 6, 5, 5, 4, 3, 2, 2, 1)
DIRECTIONS = ("N", "S", "E", "W", "NE", "NW", "SE", "SW")
DIRECTION_WEIGHTS = (25, 25, 22, 22, 2, 2, 1, 1)
LONG_DIRECTION: dict[str, str] = {abbr: long for long, abbr in DIRECTIONAL_REPLACEMENTS.items()}
LONG_STREET_TYPE: dict[str, str] = dict(LONGHAND_STREET_TYPES)

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]


def data_rows(name: str) -> list[dict[str, str]]:
    """The rows of ``taxgate/synth/data/<name>`` as dicts keyed by the header."""
    text = files("taxgate.synth").joinpath("data", name).read_text(encoding="utf-8")
    return list(csv.DictReader(text.splitlines()))


def _probabilities(weights: list[float]) -> FloatArray:
    array = np.asarray(weights, dtype=np.float64)
    result: FloatArray = array / array.sum()
    return result


@dataclass(frozen=True)
class NameTable:
    """A list of names with groups and frequencies; ``accented[i]`` is '' if none."""

    names: tuple[str, ...]
    accented: tuple[str, ...]
    group: IntArray
    sex: tuple[str, ...]
    weight: FloatArray

    def pool(self, group: int, sex: str | None = None) -> tuple[IntArray, FloatArray]:
        """Indices and sampling probabilities of the names of ``group`` (and ``sex``)."""
        mask = self.group == group
        if sex is not None:
            mask &= np.asarray([s == sex for s in self.sex])
        idx = np.flatnonzero(mask).astype(np.int64)
        return idx, _probabilities(list(self.weight[idx]))


@dataclass(frozen=True)
class Place:
    """A city with its state, ZIP prefix and kind."""

    city: str
    state: str
    zip3: str
    weight: float
    kind: str


@cache
def surnames() -> NameTable:
    """The surname table."""
    rows = data_rows("surnames.csv")
    return NameTable(
        names=tuple(r["surname"] for r in rows),
        accented=tuple(r["accented"] for r in rows),
        group=np.asarray([GROUPS.index(r["group"]) for r in rows], dtype=np.int64),
        sex=tuple("" for _ in rows),
        weight=np.asarray([float(r["weight"]) for r in rows]),
    )


@cache
def given_names() -> NameTable:
    """The given-name table (a name may occur once per group and sex)."""
    rows = data_rows("given_names.csv")
    return NameTable(
        names=tuple(r["name"] for r in rows),
        accented=tuple(r["accented"] for r in rows),
        group=np.asarray([GROUPS.index(r["group"]) for r in rows], dtype=np.int64),
        sex=tuple(r["sex"] for r in rows),
        weight=np.asarray([float(r["weight"]) for r in rows]),
    )


@dataclass(frozen=True)
class NameVariants:
    """Given-name variants: direct ``variants`` and the equivalence ``root`` of every name."""

    variants: dict[str, tuple[str, ...]]
    root: dict[str, str]
    by_kind: dict[tuple[str, str], tuple[str, ...]]
    """Direct forms per (kind, name): ``("transliteration", "MUHAMMAD")`` → MOHAMMED, ..."""

    def root_of(self, name: str) -> str:
        """The equivalence-class representative of a given name (itself if unlisted)."""
        return self.root.get(name, name)


@cache
def name_variants() -> NameVariants:
    """Variants per name, including English nicknames of a Spanish name's anglicised form."""
    rows = data_rows("name_variants.csv")
    direct: dict[str, list[str]] = {}
    parent: dict[str, str] = {}

    def find(name: str) -> str:
        while parent.get(name, name) != name:
            name = parent[name]
        return name

    # A nickname listed for two names (BETO: ALBERTO and ROBERTO) belongs to both and joins
    # neither: ALBERTO and ROBERTO are two names. Every other row joins its two names.
    owners: dict[str, set[str]] = {}
    for row in rows:
        owners.setdefault(row["variant"], set()).add(row["name"])
    for row in rows:
        direct.setdefault(row["name"], []).append(row["variant"])
        if row["kind"] == "nickname" and len(owners[row["variant"]]) > 1:
            continue
        a, b = find(row["name"]), find(row["variant"])
        if a != b:
            parent[max(a, b)] = min(a, b)
    closed: dict[str, tuple[str, ...]] = {}
    for name, own in direct.items():
        reach = list(own)
        for variant in own:
            reach.extend(v for v in direct.get(variant, ()) if v not in reach)
        closed[name] = tuple(dict.fromkeys(reach))
    names = set(parent) | {row["variant"] for row in rows} | set(direct)
    by_kind: dict[tuple[str, str], list[str]] = {}
    for row in rows:
        by_kind.setdefault((row["kind"], row["name"]), []).append(row["variant"])
    return NameVariants(
        variants=closed,
        root={n: find(n) for n in sorted(names)},
        by_kind={k: tuple(v) for k, v in by_kind.items()},
    )


@cache
def places() -> tuple[Place, ...]:
    """The cities of the world."""
    return tuple(
        Place(r["city"], r["state"], r["zip3"], float(r["weight"]), r["kind"])
        for r in data_rows("places.csv")
    )


def _is_plain_street_name(name: str) -> bool:
    """A street name none of whose words reads as a suffix or a directional."""
    words = name.split()
    return not any(
        w in STREET_TYPE_ABBREVIATIONS or w in DIRECTIONAL_REPLACEMENTS or w in LONG_DIRECTION
        for w in words
    )


@cache
def street_names() -> tuple[tuple[str, ...], FloatArray]:
    """Street names (ordinals 1ST..99TH appended) and their sampling probabilities.

    Names with a word that Publication 28 reads as a suffix or directional are left out, so
    that a street line parses one way only.
    """
    rows = [r for r in data_rows("street_names.csv") if _is_plain_street_name(r["name"])]
    names = [r["name"] for r in rows]
    weights = [float(r["weight"]) for r in rows]
    return tuple(names), _probabilities(weights)


def ordinal(n: int) -> str:
    """``1ST``, ``2ND``, ``11TH``, ``23RD``."""
    if 10 <= n % 100 <= 20:
        return f"{n}TH"
    return f"{n}{ {1: 'ST', 2: 'ND', 3: 'RD'}.get(n % 10, 'TH') }"


FACILITIES = (
    "Otero County Processing Center",
    "Stewart Detention Center",
    "Adelanto ICE Processing Center",
    "South Texas ICE Processing Center",
    "Krome Service Processing Center",
    "Northwest ICE Processing Center",
    "Port Isabel Service Processing Center",
    "El Paso Service Processing Center",
    "Cibola County Correctional Center",
    "Torrance County Detention Facility",
    "Broward Transitional Center",
    "Eloy Detention Center",
    "La Palma Correctional Center",
    "Prairieland Detention Center",
    "Moshannon Valley Processing Center",
    "Harris County Jail",
    "Cook County Jail",
    "Maricopa County Jail",
)
"""Detention facilities and jails, named the way request files name them."""

ADDRESS_PLACEHOLDERS = (
    "Failed to Provide",
    "Unknown Address",
    "NA NA",
    "Don't Care 12345",
    "N/A",
    "NONE",
    "NULL",
    "REFUSED",
    "HOMELESS",
    "TBD",
    "-",
    "UNKNOWN",
    "ADDRESS UNKNOWN",
    "No Address",
)
"""Placeholder street lines seen in request files (domain §3)."""

NAME_PLACEHOLDERS = ("UNKNOWN", "FNU", "LNU", "N/A", "NONE", "TEST", "X", "UNK", "NFN", "NLN")
"""Placeholder names (domain §3)."""

HOUSEHOLD_NAMES = (
    ("BABY", "GIRL"),
    ("BABY", "BOY"),
    ("GRANDSON", ""),
    ("DAUGHTER", ""),
    ("SON", "OF"),
    ("INMATE", ""),
    ("LADY", "OF HOUSE"),
    ("MAN", "OF THE HOUSE"),
    ("OCCUPANT", ""),
    ("RESIDENT", ""),
    ("UNKNOWN", ""),
    ("HOUSEHOLDER", ""),
    ("RESPONDENT", ""),
)
"""Household and role words that name no one (domain §3, as the Census PVS lists know them):
(first word, rest). A one-word entry replaces a first or last name; a two-part one fills both."""
