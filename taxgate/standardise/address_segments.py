"""Segmenting a street line: which words are the house number, the street and the unit.

Two segmenters exist: the fast Pub 28 tokenizer (``address_fast``) and the usaddress tagger
(``address_tagger``). Whatever is written evidence, both read with the same rules here, so
that the tagger decides only what the tables cannot:

* the house number is the first word when it has a house-number shape (``123``, ``23-15``,
  ``123A``, grid ``N6W23001``), with a following fraction (``101 1/2``);
* a written designator with one identifier ends the street (``APT 4``, ``# 4``, ``STE #200``);
* after a street suffix, a last word that is a no-number designator (``REAR``) or a bare
  secondary number (``4B``) is the unit;
* ``settle`` then gives back to the street what cannot be a unit without a designator (an
  ordinal, a directional, a word; ``2ND FL`` keeps its designator last) and a route number
  after a route type (``OLD HWY 66``, ``COUNTY RD 12``, ``AVE B``, ``CALLE A``).
"""

from __future__ import annotations

import re
from typing import NamedTuple

from taxgate.standardise.pub28 import (
    DIRECTIONALS,
    INLINE_UNIT_WORDS,
    PRE_TYPES,
    ROUTE_TYPES,
    SPANISH_PRE_TYPES,
    SUFFIXES,
    UNIT_DESIGNATORS,
    UNIT_WITHOUT_NUMBER,
)

HOUSE_NUMBER = re.compile(r"^(?:\d+[A-Z]?(?:-\d+[A-Z]?|-[A-Z])?|[NSEW]\d+[NSEW]\d+)$")
"""``123``, ``123A``, ``23-15``, ``123-A``, grid ``N6W23001``."""

FRACTION = re.compile(r"^\d+/\d+$")
ORDINAL = re.compile(r"^\d+(?:ST|ND|RD|TH)$")
_DIGIT = re.compile(r"\d")

ROUTE_QUALIFIERS = frozenset({"COUNTY", "STATE", "US", "FARM", "FOREST", "RANCH", "TOWNSHIP"})
"""Words that make a following ``RD``/``ROAD`` a numbered route (``COUNTY RD 12``)."""

NO_NUMBER_WORDS = frozenset(w for w, a in UNIT_DESIGNATORS.items() if a in UNIT_WITHOUT_NUMBER)
"""Designators as written that need no number (``REAR``, ``BASEMENT``, ``PENTHOUSE``)."""


class Segments(NamedTuple):
    """A street line cut into house number, street words and unit words."""

    house: str
    street: list[str]
    unit: list[str]


def is_unit_id(word: str) -> bool:
    """A secondary number as written without a designator: ``4``, ``4B``, ``12-3``."""
    return _DIGIT.search(word) is not None and ORDINAL.match(word) is None


# A house number whose first digit a scanner read as a letter (I96 for 196, O5 for 05): a
# letter that looks like a digit, then digits. Only at the head of a line with a street name
# after it: a route (I10 FWY) is followed by its type, not a name.
_SCANNED_HOUSE = re.compile(r"^[IOL][0-9OIL]*[0-9][0-9OIL]*[A-Z]?$")
_SCANNED_DIGITS = str.maketrans({"O": "0", "I": "1", "L": "1"})


def split_house(words: list[str]) -> tuple[str, int]:
    """The house number opening ``words`` (with its fraction) and how many words it took.

    Example:
        >>> split_house(["I96", "KING", "LN"]), split_house(["I10", "FWY"])
        (('196', 1), ('', 0))
    """
    if not words:
        return "", 0
    first = words[0]
    if HOUSE_NUMBER.match(first) is None:
        if len(words) < 2 or words[1] in SUFFIXES or _SCANNED_HOUSE.match(first) is None:
            return "", 0
        digits = first.rstrip("ABCDEFGHJKMNPQRSTUVWXYZ").translate(_SCANNED_DIGITS)
        first = digits + first[len(digits) :]
        if HOUSE_NUMBER.match(first) is None:
            return "", 0
    if len(words) > 1 and FRACTION.match(words[1]):
        return f"{first} {words[1]}", 2
    return first, 1


def has_designator(words: list[str]) -> bool:
    """Whether a designator that may stand inside a street line occurs in ``words``."""
    return not INLINE_UNIT_WORDS.isdisjoint(words)


def explicit_unit_cut(words: list[str]) -> int | None:
    """Where the written evidence says the unit starts in the words after the house number.

    Example:
        >>> explicit_unit_cut(["MAIN", "ST", "APT", "4"]), explicit_unit_cut(["MAIN", "ST", "4B"])
        (2, 2)
    """
    if has_designator(words):
        return _designator_cut(words)
    if len(words) >= 2:
        last, before = words[-1], words[-2]
        if last in NO_NUMBER_WORDS and (before in SUFFIXES or before in DIRECTIONALS):
            return len(words) - 1
        if len(words) >= 3 and is_unit_id(last) and before in SUFFIXES:
            return len(words) - 1
    return None


def _designator_cut(words: list[str]) -> int | None:
    """The first in-line designator, when it follows a street word and ends in one identifier."""
    for index, word in enumerate(words):
        if word in INLINE_UNIT_WORDS:
            return index if index >= 1 and _unit_tail(words[index:]) else None
    return None


def _unit_tail(words: list[str]) -> bool:
    designator, *ids = words
    if ids and ids[0] == "#" and designator != "#":
        ids = ids[1:]
    if len(ids) != 1 or not ids[0].isalnum() or ids[0] in UNIT_DESIGNATORS:
        return False
    return is_unit_id(ids[0]) or len(ids[0]) == 1


def settle(segments: Segments) -> Segments:
    """Give back to the street what cannot be a unit without a designator, or is a route.

    Both segmenters end with this, so a route number or an ordinal is never read as a unit by
    one path only.

    Example:
        >>> settle(Segments("100", ["OLD", "HWY"], ["66"]))
        Segments(house='100', street=['OLD', 'HWY', '66'], unit=[])
    """
    house, street, unit = segments
    if not unit or unit[0] in UNIT_DESIGNATORS or unit[-1] in UNIT_DESIGNATORS:
        return segments
    if len(unit) > 1 or not street or not _bare_unit(unit[0]):
        return Segments(house, [*street, *unit], [])
    last = street[-1]
    if len(street) == 1 and last in SPANISH_PRE_TYPES:
        return Segments(house, [*street, *unit], [])
    pre_type = PRE_TYPES.get(last)
    if pre_type is None:
        return segments
    qualified = len(street) >= 2 and street[-2] in ROUTE_QUALIFIERS
    if pre_type in ROUTE_TYPES or qualified or len(street) == 1:
        return Segments(house, [*street, *unit], [])
    return segments


def _bare_unit(word: str) -> bool:
    """A unit written without designator: a secondary number, or one letter (``B``)."""
    return is_unit_id(word) or (len(word) == 1 and word.isalpha() and word not in DIRECTIONALS)
