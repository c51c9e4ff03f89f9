"""USPS Publication 28 tables: street suffixes, directionals, unit designators, states.

The base tables come from ``scourgify.address_constants`` (Pub 28 Appendices B, C1 and C2);
this module copies them into read-only mappings, adds every standard abbreviation as a key of
itself (so that standard output re-standardises to itself), and fills the gaps the base tables
leave: the two-letter state codes, the territories and the Armed Forces "states" (Pub 28
Appendix B), the abbreviated unit designators, and Pub 28's ``UPPR``.

Standardisation serves §6103(i)(2)(B)(i): the request must carry the taxpayer's address, and a
requested address is compared with the taxpayer's own filings only in one standard form.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from scourgify.address_constants import (
    DIRECTIONAL_REPLACEMENTS,
    OCCUPANCY_TYPE_ABBREVIATIONS,
    STATE_ABBREVIATIONS,
    STREET_TYPE_ABBREVIATIONS,
)


def _frozen(table: dict[str, str]) -> Mapping[str, str]:
    return MappingProxyType(table)


def _suffixes() -> dict[str, str]:
    # Single-word street types only; multi-word pre-types (STATE ROUTE ...) are street names.
    table = {k: v for k, v in STREET_TYPE_ABBREVIATIONS.items() if " " not in k}
    for abbreviation in list(table.values()):
        table.setdefault(abbreviation, abbreviation)
    return table


SUFFIXES: Mapping[str, str] = _frozen(_suffixes())
"""Street suffix as written → Pub 28 C1 abbreviation (``STREET``/``STR``/``ST`` → ``ST``)."""

PRE_TYPES: Mapping[str, str] = _frozen(
    {
        word: abbreviation
        for word, abbreviation in SUFFIXES.items()
        if abbreviation in {"AVE", "HWY", "RTE", "RD", "FWY", "EXPY", "PKWY", "TPKE"}
    }
    | {"RT": "RTE"}
)
"""Street types that may precede a route number or letter (``AVENUE B``, ``HIGHWAY 66``)."""

ROUTE_TYPES = frozenset({"HWY", "RTE"})
"""Pre-types after which a number is always the route, never a unit (``OLD HWY 66``)."""

SPANISH_PRE_TYPES = frozenset({"CALLE", "AVENIDA", "CAMINO", "CARRETERA", "CARR", "PASEO"})
"""Puerto Rico street types written before the name; ``CALLE A`` is a name, not a unit."""


def _directionals() -> dict[str, str]:
    table = dict(DIRECTIONAL_REPLACEMENTS)
    for abbreviation in list(table.values()):
        table[abbreviation] = abbreviation
    return table


DIRECTIONALS: Mapping[str, str] = _frozen(_directionals())
"""Directional as written → Pub 28 B abbreviation (``NORTH`` → ``N``, ``NW`` → ``NW``)."""

NORTH_SOUTH = frozenset({"N", "S", "NORTH", "SOUTH"})
EAST_WEST = frozenset({"E", "W", "EAST", "WEST"})

_UNIT_EXTRAS = {
    # Number signs written as words are the number sign (NO 1622 = # 1622).
    "NO": "#",
    "NUM": "#",
    "NUMBER": "#",
    "NBR": "#",
    "APT": "APT",
    "APTO": "APT",
    "APARTAMENTO": "APT",
    "BLDG": "BLDG",
    "BLD": "BLDG",
    "BSMT": "BSMT",
    "DEPT": "DEPT",
    "FL": "FL",
    "FLR": "FL",
    "FRNT": "FRNT",
    "HANGAR": "HNGR",
    "HNGR": "HNGR",
    "LBBY": "LBBY",
    "LOWR": "LOWR",
    "OFC": "OFC",
    "PH": "PH",
    "RM": "RM",
    "SPC": "SPC",
    "STE": "STE",
    "SUIT": "STE",
    "TRLR": "TRLR",
    "UPPER": "UPPR",
    "UPPR": "UPPR",
}

UNIT_DESIGNATORS: Mapping[str, str] = _frozen(dict(OCCUPANCY_TYPE_ABBREVIATIONS) | _UNIT_EXTRAS)
"""Secondary unit designator as written → Pub 28 C2 abbreviation (``SUITE`` → ``STE``)."""

UNIT_WITHOUT_NUMBER = frozenset(
    {"BSMT", "FRNT", "LBBY", "LOWR", "OFC", "PH", "REAR", "SIDE", "UPPR"}
)
"""Pub 28 C2 designators that need no secondary number (``REAR``, ``BSMT``)."""

INLINE_UNIT_WORDS = frozenset(
    word
    for word, abbreviation in UNIT_DESIGNATORS.items()
    if abbreviation
    in {"APT", "UNIT", "STE", "#", "RM", "BLDG", "FL", "TRLR", "LOT", "SPC", "DEPT", "HNGR"}
)
"""Designators recognised inside a street line when a number follows (``123 MAIN ST APT 4``).

Words that are also common street words (``FRONT``, ``PIER``, ``KEY``, ``UPPER``) are
recognised there only as the last word after a street suffix (see ``UNIT_WITHOUT_NUMBER``).
"""

_STATE_CODES = (
    "AL",
    "AK",
    "AZ",
    "AR",
    "CA",
    "CO",
    "CT",
    "DE",
    "DC",
    "FL",
    "GA",
    "HI",
    "ID",
    "IL",
    "IN",
    "IA",
    "KS",
    "KY",
    "LA",
    "ME",
    "MD",
    "MA",
    "MI",
    "MN",
    "MS",
    "MO",
    "MT",
    "NE",
    "NV",
    "NH",
    "NJ",
    "NM",
    "NY",
    "NC",
    "ND",
    "OH",
    "OK",
    "OR",
    "PA",
    "RI",
    "SC",
    "SD",
    "TN",
    "TX",
    "UT",
    "VT",
    "VA",
    "WA",
    "WV",
    "WI",
    "WY",
    "PR",
    "VI",
    "GU",
    "AS",
    "MP",
    "FM",
    "MH",
    "PW",
    "AA",
    "AE",
    "AP",
)

_STATE_EXTRAS = {
    "WASHINGTON DC": "DC",
    "WASHINGTON D C": "DC",
    "D C": "DC",
    "PUERTO RICO": "PR",
    "VIRGIN ISLANDS": "VI",
    "US VIRGIN ISLANDS": "VI",
    "U S VIRGIN ISLANDS": "VI",
    "GUAM": "GU",
    "AMERICAN SAMOA": "AS",
    "NORTHERN MARIANA ISLANDS": "MP",
    "FEDERATED STATES OF MICRONESIA": "FM",
    "MICRONESIA": "FM",
    "MARSHALL ISLANDS": "MH",
    "PALAU": "PW",
    "ARMED FORCES AMERICAS": "AA",
    "ARMED FORCES EUROPE": "AE",
    "ARMED FORCES AFRICA": "AE",
    "ARMED FORCES CANADA": "AE",
    "ARMED FORCES MIDDLE EAST": "AE",
    "ARMED FORCES PACIFIC": "AP",
}

STATES: Mapping[str, str] = _frozen(
    dict(STATE_ABBREVIATIONS) | _STATE_EXTRAS | {code: code for code in _STATE_CODES}
)
"""State as written → USPS two-letter code (Pub 28 Appendix B), incl. DC, PR, AA/AE/AP."""

STATE_CODES = frozenset(_STATE_CODES)
STATE_MAX_WORDS = max(len(name.split()) for name in STATES)

MILITARY_CITIES = frozenset({"APO", "FPO", "DPO"})
MILITARY_STATES = frozenset({"AA", "AE", "AP"})

CITY_WORDS: Mapping[str, str] = _frozen(
    {
        "ST": "SAINT",
        "STE": "SAINTE",
        "FT": "FORT",
        "MT": "MOUNT",
        "PT": "POINT",
        "N": "NORTH",
        "S": "SOUTH",
        "E": "EAST",
        "W": "WEST",
    }
)
"""City words written out in full, the way USPS city names are (``ST LOUIS`` → ``SAINT LOUIS``)."""

NAME_START_WORDS: Mapping[str, str] = _frozen({"ST": "SAINT", "MT": "MOUNT", "FT": "FORT"})
"""Street-name first words written out, as in city names (``ST JOHNS RD`` → ``SAINT JOHNS``)."""
